//! The command-line client: builds requests from files and flags, talks to a running server over
//! gRPC, and prints answers (streamed text, or JSON).

use std::collections::HashMap;
use std::io::Write;
use std::path::{Path, PathBuf};

use anyhow::{Context, Result, bail};
use futures::StreamExt;
use tonic::metadata::MetadataValue;
use tonic::service::Interceptor;
use tonic::transport::Channel;

use crate::proto::switchboard_client::SwitchboardClient;
use crate::proto::{AskRequest, GenerationOptions, Media, ask_event};

#[derive(Clone)]
pub struct ApiKey(Option<MetadataValue<tonic::metadata::Ascii>>);

impl Interceptor for ApiKey {
    fn call(&mut self, mut req: tonic::Request<()>) -> Result<tonic::Request<()>, tonic::Status> {
        if let Some(v) = &self.0 {
            req.metadata_mut().insert("authorization", v.clone());
        }
        Ok(req)
    }
}

pub type Client =
    SwitchboardClient<tonic::service::interceptor::InterceptedService<Channel, ApiKey>>;

pub async fn connect(server: &str, api_key: Option<&str>) -> Result<Client> {
    let channel = Channel::from_shared(server.to_string())
        .with_context(|| format!("bad server address {server:?}"))?
        .connect()
        .await
        .with_context(|| format!("cannot connect to {server}"))?;
    let key = match api_key {
        Some(k) => Some(
            format!("Bearer {k}")
                .parse()
                .context("API key has characters a header cannot carry")?,
        ),
        None => None,
    };
    Ok(SwitchboardClient::with_interceptor(channel, ApiKey(key))
        .max_decoding_message_size(usize::MAX)
        .max_encoding_message_size(usize::MAX))
}

/// What the user asked for on the command line.
#[derive(Debug, Default)]
pub struct RequestSpec {
    pub text: String,
    pub images: Vec<PathBuf>,
    /// Video files, or folders of frames (sorted by name).
    pub videos: Vec<PathBuf>,
    pub fps: f32,
    pub expert: Option<String>,
    /// Plan steps (`--step`): `[ID=]EXPERT`, `<PARENT` per step it waits on, `?` if optional.
    pub steps: Vec<String>,
    /// "key=value" pairs, or "@file.json" with an object of strings.
    pub profile: Vec<String>,
    pub session: Option<String>,
    pub request_id: Option<String>,
    pub max_new_tokens: Option<u32>,
    pub temperature: Option<f32>,
    pub seed: Option<u64>,
}

fn mime_of(path: &Path, data: &[u8]) -> String {
    crate::media::sniff(data)
        .map(str::to_string)
        .unwrap_or_else(|| {
            match path
                .extension()
                .and_then(|e| e.to_str())
                .unwrap_or_default()
                .to_ascii_lowercase()
                .as_str()
            {
                "mp4" | "m4v" => "video/mp4".into(),
                "mov" => "video/quicktime".into(),
                "webm" => "video/webm".into(),
                "mkv" => "video/x-matroska".into(),
                _ => String::new(),
            }
        })
}

pub fn build_request(spec: &RequestSpec) -> Result<AskRequest> {
    let mut media = Vec::new();
    for p in &spec.images {
        let data = std::fs::read(p).with_context(|| format!("reading {}", p.display()))?;
        media.push(Media {
            mime_type: mime_of(p, &data),
            data,
            name: p.display().to_string(),
            ..Default::default()
        });
    }
    for p in &spec.videos {
        if p.is_dir() {
            let mut paths: Vec<PathBuf> = std::fs::read_dir(p)
                .with_context(|| format!("reading {}", p.display()))?
                .filter_map(|e| e.ok().map(|e| e.path()))
                .filter(|p| p.is_file())
                .collect();
            paths.sort();
            if paths.is_empty() {
                bail!("{} holds no frames", p.display());
            }
            let frames = paths
                .iter()
                .map(|f| std::fs::read(f).with_context(|| format!("reading {}", f.display())))
                .collect::<Result<Vec<_>>>()?;
            media.push(Media {
                frames,
                fps: spec.fps,
                name: p.display().to_string(),
                ..Default::default()
            });
        } else {
            let data = std::fs::read(p).with_context(|| format!("reading {}", p.display()))?;
            media.push(Media {
                mime_type: mime_of(p, &data),
                data,
                name: p.display().to_string(),
                ..Default::default()
            });
        }
    }
    let mut profile = HashMap::new();
    for entry in &spec.profile {
        if let Some(file) = entry.strip_prefix('@') {
            let text = std::fs::read_to_string(file).with_context(|| format!("reading {file}"))?;
            let map: HashMap<String, String> = serde_json::from_str(&text)
                .with_context(|| format!("{file}: expected a JSON object of strings"))?;
            profile.extend(map);
        } else {
            let (k, v) = entry
                .split_once('=')
                .with_context(|| format!("profile {entry:?}: expected key=value"))?;
            profile.insert(k.trim().to_string(), v.to_string());
        }
    }
    Ok(AskRequest {
        session_id: spec.session.clone().unwrap_or_default(),
        text: spec.text.clone(),
        media,
        expert: spec.expert.clone().unwrap_or_default(),
        profile,
        options: Some(GenerationOptions {
            max_new_tokens: spec.max_new_tokens,
            temperature: spec.temperature,
            seed: spec.seed,
            ..Default::default()
        }),
        request_id: spec.request_id.clone().unwrap_or_default(),
        plan: plan_of(&spec.steps)?,
    })
}

/// The plan the `--step` arguments describe; None without any. The server checks the rest
/// (unknown experts, cycles, limits).
pub fn plan_of(steps: &[String]) -> Result<Option<crate::proto::Plan>> {
    if steps.is_empty() {
        return Ok(None);
    }
    let mut out = Vec::with_capacity(steps.len());
    for spec in steps {
        let (body, optional) = match spec.trim().strip_suffix('?') {
            Some(b) => (b, true),
            None => (spec.trim(), false),
        };
        let mut parts = body.split('<').map(str::trim);
        let head = parts.next().unwrap_or_default();
        let (id, expert) = match head.split_once('=') {
            Some((id, expert)) => (id.trim(), expert.trim()),
            None => (head, head),
        };
        anyhow::ensure!(
            !expert.is_empty(),
            "step {spec:?}: expected [ID=]EXPERT[<PARENT...][?]"
        );
        let after: Vec<String> = parts
            .filter(|p| !p.is_empty())
            .map(str::to_string)
            .collect();
        out.push(crate::proto::PlanStep {
            id: id.to_string(),
            expert: expert.to_string(),
            after,
            optional,
            ..Default::default()
        });
    }
    Ok(Some(crate::proto::Plan {
        steps: out,
        ..Default::default()
    }))
}

/// Streams the answer: text to stdout as it arrives; with `json`, the final response as JSON.
pub async fn ask(client: &mut Client, request: AskRequest, json: bool) -> Result<()> {
    let mut stream = client
        .ask_stream(request)
        .await
        .map_err(status_error)?
        .into_inner();
    let mut out = std::io::stdout();
    while let Some(event) = stream.next().await {
        let event = event.map_err(status_error)?;
        match event.event {
            Some(ask_event::Event::Routed(r)) if !json => {
                if let Some(routing) = r.routing {
                    eprintln!(
                        "[{} via {}; session {}]",
                        routing.expert, routing.stage, r.session_id
                    );
                }
            }
            Some(ask_event::Event::TextDelta(d)) if !json => {
                out.write_all(d.text.as_bytes())?;
                out.flush()?;
            }
            Some(ask_event::Event::Final(resp)) => {
                if json {
                    serde_json::to_writer_pretty(&mut out, &resp)?;
                    writeln!(out)?;
                } else {
                    writeln!(out)?;
                    if resp.replayed {
                        writeln!(out, "{}", resp.text)?;
                    }
                    for w in &resp.warnings {
                        eprintln!("warning: {w}");
                    }
                    eprintln!("[session {}]", resp.session_id);
                }
                return Ok(());
            }
            Some(ask_event::Event::Error(e)) => {
                bail!("server error (code {}): {}", e.code, e.message)
            }
            _ => {}
        }
    }
    bail!("the stream ended without an answer")
}

pub fn status_error(s: tonic::Status) -> anyhow::Error {
    anyhow::anyhow!("{:?}: {}", s.code(), s.message())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn steps_describe_a_plan() {
        assert!(plan_of(&[]).unwrap().is_none());
        let steps: Vec<String> = ["video", "slides=ocr<video?", "math < slides"]
            .iter()
            .map(|s| s.to_string())
            .collect();
        let plan = plan_of(&steps).unwrap().unwrap();
        let got: Vec<(&str, &str, Vec<&str>, bool)> = plan
            .steps
            .iter()
            .map(|s| {
                let after = s.after.iter().map(String::as_str).collect();
                (s.id.as_str(), s.expert.as_str(), after, s.optional)
            })
            .collect();
        assert_eq!(
            got,
            vec![
                ("video", "video", vec![], false),
                ("slides", "ocr", vec!["video"], true),
                ("math", "math", vec!["slides"], false),
            ]
        );
        assert!(plan_of(&["id=".to_string()]).is_err());
    }
}

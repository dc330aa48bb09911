//! The command-line client: builds requests from files and flags, talks to a running server over
//! gRPC, and prints answers (streamed text, or JSON).

use std::collections::HashMap;
use std::io::Write;
use std::path::{Path, PathBuf};

use anyhow::{Context, Result, bail};
use futures::StreamExt;
use tonic::metadata::MetadataValue;
use tonic::service::Interceptor;
use tonic::transport::{Certificate, Channel, ClientTlsConfig, Identity};

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

/// TLS to the server: the CA that signed its certificate, and for mTLS the client's own
/// certificate and key (PEM files).
#[derive(Debug, Default, Clone)]
pub struct TlsOptions {
    pub ca: Option<PathBuf>,
    pub cert: Option<PathBuf>,
    pub key: Option<PathBuf>,
    /// The name to check the server's certificate against, when not the address's host.
    pub server_name: Option<String>,
}

impl TlsOptions {
    /// The channel's TLS settings; None for plain gRPC (no CA and an `http://` address).
    pub fn client_config(&self, server: &str) -> Result<Option<ClientTlsConfig>> {
        let https = server.starts_with("https://");
        let Some(ca) = &self.ca else {
            if https || self.cert.is_some() {
                bail!("TLS needs the CA that signed the server's certificate: --ca FILE");
            }
            return Ok(None);
        };
        let read = |p: &Path| std::fs::read(p).with_context(|| format!("{}", p.display()));
        let mut c = ClientTlsConfig::new().ca_certificate(Certificate::from_pem(read(ca)?));
        match (&self.cert, &self.key) {
            (Some(cert), Some(key)) => {
                c = c.identity(Identity::from_pem(read(cert)?, read(key)?));
            }
            (None, None) => {}
            _ => bail!("--cert and --key go together"),
        }
        if let Some(name) = &self.server_name {
            c = c.domain_name(name.clone());
        }
        Ok(Some(c))
    }
}

pub async fn connect(server: &str, api_key: Option<&str>, tls: &TlsOptions) -> Result<Client> {
    let channel = channel(server, tls).await?;
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

/// A connected channel to `server`, over TLS when `tls` (or an https:// address) says so.
async fn channel(server: &str, tls: &TlsOptions) -> Result<Channel> {
    let mut endpoint = Channel::from_shared(server.to_string())
        .with_context(|| format!("bad server address {server:?}"))?;
    if let Some(c) = tls.client_config(server)? {
        endpoint = endpoint.tls_config(c).context("TLS settings")?;
    }
    endpoint
        .connect()
        .await
        .with_context(|| format!("cannot connect to {server}"))
}

/// The serving status of `service` from the server's gRPC health service, as the protocol
/// names it (`SERVING`, `NOT_SERVING`, ...): `switchboard health`, over TLS as `connect`.
pub async fn health(server: &str, service: &str, tls: &TlsOptions) -> Result<String> {
    use tonic_health::pb::{HealthCheckRequest, health_client::HealthClient};
    let r = HealthClient::new(channel(server, tls).await?)
        .check(HealthCheckRequest {
            service: service.to_string(),
        })
        .await
        .map_err(status_error)?
        .into_inner();
    Ok(r.status().as_str_name().to_string())
}

/// What the user asked for on the command line.
#[derive(Debug, Default)]
pub struct RequestSpec {
    pub text: String,
    pub images: Vec<PathBuf>,
    /// Video files, or folders of frames (sorted by name).
    pub videos: Vec<PathBuf>,
    /// Files of any supported type (image, video, PDF), sniffed.
    pub files: Vec<PathBuf>,
    /// `--pages`: the page range for each PDF, "N", "N-M" or "N-".
    pub pages: Option<String>,
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

/// `--pages`: "3", "1-3" or "2-" as (first, last), from 1; 0 for an open end.
pub fn page_range(s: &str) -> Result<(u32, u32)> {
    let number = |t: &str| -> Result<u32> {
        match t.trim().parse::<u32>() {
            Ok(n) if n > 0 => Ok(n),
            _ => bail!("--pages {s:?}: pages are numbered from 1, e.g. 1-3, 2- or 4"),
        }
    };
    let (first, last) = match s.split_once('-') {
        Some((a, b)) if b.trim().is_empty() => (number(a)?, 0),
        Some((a, b)) => (number(a)?, number(b)?),
        None => (number(s)?, number(s)?),
    };
    if last != 0 && last < first {
        bail!("--pages {s:?}: the last page comes before the first");
    }
    Ok((first, last))
}

pub fn build_request(spec: &RequestSpec) -> Result<AskRequest> {
    let mut media = Vec::new();
    let range = spec.pages.as_deref().map(page_range).transpose()?;
    let mut pdfs = 0;
    for p in &spec.files {
        let data = std::fs::read(p).with_context(|| format!("reading {}", p.display()))?;
        let mime = mime_of(p, &data);
        if mime.is_empty() {
            bail!(
                "{}: not a recognised image, video or PDF file; supported: {}",
                p.display(),
                crate::media::supported_mimes()
            );
        }
        let (first_page, last_page) = match range {
            Some(r) if mime == crate::media::PDF_TYPE => r,
            _ => (0, 0),
        };
        pdfs += usize::from(mime == crate::media::PDF_TYPE);
        eprintln!(
            "[{}: {mime}, {} bytes{}]",
            p.display(),
            data.len(),
            match (mime == crate::media::PDF_TYPE, range) {
                (true, Some((f, 0))) => format!(", pages {f}-end"),
                (true, Some((f, l))) => format!(", pages {f}-{l}"),
                _ => String::new(),
            }
        );
        media.push(Media {
            mime_type: mime,
            data,
            name: p.display().to_string(),
            first_page,
            last_page,
            ..Default::default()
        });
    }
    if range.is_some() && pdfs == 0 {
        bail!("--pages is for PDF files given with --file");
    }
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

/// The gRPC metadata a load balancer hashes on to keep a session on one replica
/// (deploy/envoy/envoy.yaml).
pub const SESSION_HEADER: &str = "x-session-id";

/// `message` with its session id in `SESSION_HEADER`, when it has one (the first request of a
/// new session has none: any replica may take it).
pub fn with_session<T>(message: T, session_id: &str) -> tonic::Request<T> {
    let mut req = tonic::Request::new(message);
    // Session ids are checked ASCII on the server; one a header cannot carry just goes without.
    if let Ok(v) = MetadataValue::try_from(session_id)
        && !session_id.is_empty()
    {
        req.metadata_mut().insert(SESSION_HEADER, v);
    }
    req
}

/// Streams the answer: text to stdout as it arrives; with `json`, the final response as JSON.
pub async fn ask(client: &mut Client, request: AskRequest, json: bool) -> Result<()> {
    let session = request.session_id.clone();
    let mut stream = client
        .ask_stream(with_session(request, &session))
        .await
        .map_err(status_error)?
        .into_inner();
    let mut out = std::io::stdout();
    // Tool-only answers (OCR, form filling without a model) stream no text: printed at the end.
    let mut streamed = false;
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
            Some(ask_event::Event::StepStarted(s)) if !json => {
                eprintln!("[step {} ({}) started]", s.step_id, s.expert);
            }
            Some(ask_event::Event::StepFinished(s)) if !json => {
                eprintln!("[step {} ({}) {}]", s.step_id, s.expert, s.status);
            }
            Some(ask_event::Event::TextDelta(d)) if !json => {
                streamed = true;
                out.write_all(d.text.as_bytes())?;
                out.flush()?;
            }
            Some(ask_event::Event::Final(resp)) => {
                if json {
                    serde_json::to_writer_pretty(&mut out, &resp)?;
                    writeln!(out)?;
                } else {
                    writeln!(out)?;
                    if resp.replayed || !streamed {
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

/// An image file as a `Media` (its type sniffed).
fn image_media(path: &Path) -> Result<Media> {
    let data = std::fs::read(path).with_context(|| format!("reading {}", path.display()))?;
    let mime_type = mime_of(path, &data);
    Ok(Media {
        data,
        mime_type,
        name: path.display().to_string(),
        ..Default::default()
    })
}

/// A Rerank request from the query's text and image files and a JSONL file of candidates,
/// one a line: `{"id": "sku-1", "text": "...", "images": ["a.jpg"]}` (each field but `id`
/// optional; image paths relative to the file's folder).
pub fn rerank_request(
    query: &str,
    images: &[PathBuf],
    candidates: &Path,
    with_reasons: bool,
) -> Result<crate::proto::RerankRequest> {
    #[derive(serde::Deserialize)]
    #[serde(deny_unknown_fields)]
    struct Line {
        id: String,
        #[serde(default)]
        text: String,
        #[serde(default)]
        images: Vec<PathBuf>,
    }
    let text = std::fs::read_to_string(candidates)
        .with_context(|| format!("reading {}", candidates.display()))?;
    let dir = candidates.parent().unwrap_or(Path::new("."));
    let mut list = Vec::new();
    for (n, line) in text.lines().enumerate() {
        if line.trim().is_empty() {
            continue;
        }
        let l: Line = serde_json::from_str(line)
            .with_context(|| format!("{} line {}", candidates.display(), n + 1))?;
        let media = l
            .images
            .iter()
            .map(|p| image_media(&dir.join(p)))
            .collect::<Result<_>>()?;
        list.push(crate::proto::RerankCandidate {
            id: l.id,
            text: l.text,
            media,
        });
    }
    Ok(crate::proto::RerankRequest {
        query: query.to_string(),
        query_media: images
            .iter()
            .map(|p| image_media(p))
            .collect::<Result<_>>()?,
        candidates: list,
        with_reasons,
    })
}

/// A Rerank answer as a table: rank, score, id, and the reason when there is one; then what
/// was left unscored and how the scores were made.
pub fn rerank_table(r: &crate::proto::RerankResponse) -> String {
    use std::fmt::Write as _;
    let width = r
        .results
        .iter()
        .map(|s| s.id.chars().count())
        .max()
        .unwrap_or(2)
        .max(2);
    let mut s = format!("{:>4}  {:>8}  {:<width$}  reason\n", "rank", "score", "id");
    for x in &r.results {
        let mark = if x.from_text { "*" } else { " " };
        let _ = writeln!(
            s,
            "{:>4}  {:>8.3}{mark} {:<width$}  {}",
            x.rank, x.score, x.id, x.reason
        );
    }
    if r.partial {
        let _ = writeln!(
            s,
            "partial: the deadline stopped scoring; not scored: {}",
            r.unscored_ids.join(", ")
        );
    }
    if r.scores_from_text {
        s.push_str("* read from the answer's text: the backend gave no log-probabilities\n");
    }
    s
}

pub fn status_error(s: tonic::Status) -> anyhow::Error {
    anyhow::anyhow!("{:?}: {}", s.code(), s.message())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn candidates_come_from_jsonl_with_images_beside_it() {
        let dir = tempfile::tempdir().unwrap();
        let img = image::RgbImage::from_pixel(4, 4, image::Rgb([200, 10, 10]));
        img.save(dir.path().join("a.png")).unwrap();
        let file = dir.path().join("c.jsonl");
        std::fs::write(
            &file,
            "{\"id\": \"sku-1\", \"text\": \"red dress\", \"images\": [\"a.png\"]}\n\n{\"id\": \"sku-2\"}\n",
        )
        .unwrap();
        let r = rerank_request("dress", &[dir.path().join("a.png")], &file, true).unwrap();
        assert_eq!(r.candidates.len(), 2);
        assert_eq!(r.candidates[0].media[0].mime_type, "image/png");
        assert_eq!(r.query_media.len(), 1);
        assert!(r.with_reasons);
        std::fs::write(&file, "{\"text\": \"no id\"}\n").unwrap();
        let e = rerank_request("q", &[], &file, false).unwrap_err();
        assert!(format!("{e:#}").contains("line 1"), "{e:#}");
    }

    #[test]
    fn a_ranked_table_marks_text_scores_and_partial_answers() {
        use crate::proto::{RerankResponse, RerankScore};
        let r = RerankResponse {
            results: vec![
                RerankScore {
                    id: "sku-2".into(),
                    score: 3.95,
                    rank: 1,
                    reason: "same dress".into(),
                    from_text: false,
                },
                RerankScore {
                    id: "a".into(),
                    score: -1.0,
                    rank: 2,
                    reason: String::new(),
                    from_text: true,
                },
            ],
            partial: true,
            unscored_ids: vec!["sku-9".into()],
            scores_from_text: true,
            ..Default::default()
        };
        let t = rerank_table(&r);
        let lines: Vec<&str> = t.lines().collect();
        assert_eq!(lines[0], "rank     score  id     reason");
        assert_eq!(lines[1], "   1     3.950  sku-2  same dress");
        assert_eq!(lines[2].trim_end(), "   2    -1.000* a");
        assert!(lines[3].ends_with("not scored: sku-9"), "{t}");
        assert!(lines[4].starts_with("* read from"), "{t}");
    }

    #[test]
    fn the_session_goes_in_metadata_when_there_is_one() {
        let r = with_session((), "s-1:a");
        assert_eq!(r.metadata().get(SESSION_HEADER).unwrap(), "s-1:a");
        assert!(
            with_session((), "")
                .metadata()
                .get(SESSION_HEADER)
                .is_none()
        );
        assert!(
            with_session((), "a\nb")
                .metadata()
                .get(SESSION_HEADER)
                .is_none()
        );
    }

    #[test]
    fn page_ranges_parse() {
        assert_eq!(page_range("1-3").unwrap(), (1, 3));
        assert_eq!(page_range("4").unwrap(), (4, 4));
        assert_eq!(page_range("2-").unwrap(), (2, 0));
        assert!(page_range("0-2").is_err());
        assert!(page_range("3-1").is_err());
        assert!(page_range("a").is_err());
    }

    /// `--file` sniffs a PDF and gives it the `--pages` range; other files get none.
    #[test]
    fn files_are_sniffed_and_pdfs_get_the_page_range() {
        let dir = tempfile::tempdir().unwrap();
        let pdf = dir.path().join("doc.bin");
        std::fs::write(&pdf, b"%PDF-1.4\n...").unwrap();
        let spec = RequestSpec {
            files: vec![pdf],
            pages: Some("1-3".into()),
            ..Default::default()
        };
        let req = build_request(&spec).unwrap();
        let m = &req.media[0];
        assert_eq!(
            (m.mime_type.as_str(), m.first_page, m.last_page),
            ("application/pdf", 1, 3)
        );
        let other = dir.path().join("x.txt");
        std::fs::write(&other, b"hello").unwrap();
        let spec = RequestSpec {
            files: vec![other],
            ..Default::default()
        };
        assert!(build_request(&spec).is_err());
    }

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

//! The experts: each is a manifest (`experts/<id>.toml`) plus the code that builds its prompt,
//! calls the engine and turns the answer into a result. Experts never call each other; the
//! planner passes data between them. This module owns loading and checking manifests and
//! templates, and running one expert step.

pub mod form_fill;
pub mod manifest;
pub mod parse;

use std::collections::BTreeMap;
use std::path::Path;
use std::sync::Arc;
use std::time::Instant;

use futures::StreamExt;
use minijinja::Environment;
use serde::Serialize;
use tokio::sync::mpsc;
use tokio_util::sync::CancellationToken;

use crate::engine::{Backend, GenEvent, GenerateRequest, Message, Part, Role, Sampling};
use crate::error::{Error, Result};
use crate::media::{MediaItem, MediaKind, MediaSource};
use crate::proto::{AskEvent, ExpertResult, GeneralResult, TextDelta, ask_event, expert_result};
use crate::request::AskInput;
pub use manifest::Manifest;

/// The route ids the public contract promises.
pub const ROUTE_IDS: &[&str] = &[
    "ocr",
    "gui",
    "math",
    "frontend",
    "video",
    "form_fill",
    "general",
];

/// Every expert the server knows, loaded and checked once at start-up.
pub struct Registry {
    experts: Vec<Manifest>,
    templates: Environment<'static>,
}

impl Registry {
    /// Loads every `*.toml` in `experts_dir`; their prompts come from `prompts_dir`.
    pub fn load(experts_dir: &Path, prompts_dir: &Path) -> Result<Registry> {
        let read_dir = std::fs::read_dir(experts_dir)
            .map_err(|e| Error::Config(format!("experts folder {}: {e}", experts_dir.display())))?;
        let mut paths: Vec<_> = read_dir
            .filter_map(|e| e.ok().map(|e| e.path()))
            .filter(|p| p.extension().is_some_and(|x| x == "toml"))
            .collect();
        paths.sort();
        let mut experts = Vec::new();
        let mut templates = Environment::new();
        templates.set_undefined_behavior(minijinja::UndefinedBehavior::Strict);
        for path in paths {
            let text = std::fs::read_to_string(&path)
                .map_err(|e| Error::Config(format!("{}: {e}", path.display())))?;
            let m: Manifest = toml::from_str(&text)
                .map_err(|e| Error::Config(format!("{}: {}", path.display(), e.message())))?;
            let stem = path
                .file_stem()
                .and_then(|s| s.to_str())
                .unwrap_or_default();
            if m.id != stem {
                return Err(Error::Config(format!(
                    "{}: id {:?} must match the file name",
                    path.display(),
                    m.id
                )));
            }
            if !m
                .id
                .chars()
                .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '_')
                || m.id.is_empty()
            {
                return Err(Error::Config(format!(
                    "{}: id must be lowercase letters, digits and _",
                    path.display()
                )));
            }
            for tool in &m.tools {
                if tool != "ocr" {
                    return Err(Error::Config(format!(
                        "{}: unknown tool {tool:?} (known: \"ocr\")",
                        path.display()
                    )));
                }
            }
            for kind in m.media.iter().chain(&m.rules.media_kinds) {
                if kind != "image" && kind != "video" {
                    return Err(Error::Config(format!(
                        "{}: unknown media kind {kind:?}",
                        path.display()
                    )));
                }
            }
            if templates.get_template(&m.prompt).is_err() {
                let p = prompts_dir.join(&m.prompt);
                let source = std::fs::read_to_string(&p).map_err(|e| {
                    Error::Config(format!("{}: prompt {}: {e}", path.display(), p.display()))
                })?;
                templates
                    .add_template_owned(m.prompt.clone(), source)
                    .map_err(|e| Error::Config(format!("{}: {e}", p.display())))?;
            }
            experts.push(m);
        }
        if !experts.iter().any(|m| m.id == "general") {
            return Err(Error::Config(format!(
                "{} has no general.toml: the general expert answers whatever no rule claims",
                experts_dir.display()
            )));
        }
        Ok(Registry { experts, templates })
    }

    pub fn all(&self) -> &[Manifest] {
        &self.experts
    }

    pub fn get(&self, id: &str) -> Option<&Manifest> {
        self.experts.iter().find(|m| m.id == id)
    }

    pub fn ids(&self) -> Vec<&str> {
        self.experts.iter().map(|m| m.id.as_str()).collect()
    }

    /// Renders an expert's prompt for a request.
    pub fn render(&self, m: &Manifest, input: &AskInput) -> Result<String> {
        self.render_with(m, input, None)
    }

    /// Renders a prompt that may quote the OCR tool's reading of the images.
    pub fn render_with(
        &self,
        m: &Manifest,
        input: &AskInput,
        ocr_text: Option<&str>,
    ) -> Result<String> {
        let t = self
            .templates
            .get_template(&m.prompt)
            .map_err(|e| Error::Internal(format!("template {}: {e}", m.prompt)))?;
        let mut ctx = PromptContext::new(input);
        ctx.ocr_text = ocr_text.unwrap_or_default();
        t.render(ctx)
            .map_err(|e| Error::Internal(format!("rendering {}: {e:#}", m.prompt)))
    }
}

/// What a prompt template can use.
#[derive(Serialize)]
struct PromptContext<'a> {
    text: &'a str,
    /// "zh" when the request is mostly Chinese, else "en".
    lang: &'static str,
    profile: &'a BTreeMap<String, String>,
    media: Vec<MediaView>,
    images: usize,
    videos: usize,
    /// The OCR tool's text of the images ("" when it did not run).
    ocr_text: &'a str,
}

#[derive(Serialize)]
struct MediaView {
    kind: &'static str,
    width: u32,
    height: u32,
    frames: usize,
    fps: f32,
}

impl<'a> PromptContext<'a> {
    fn new(input: &'a AskInput) -> Self {
        let media: Vec<MediaView> = input
            .media
            .iter()
            .map(|m| {
                let (frames, fps) = match &m.source {
                    MediaSource::Frames { frames, fps } => (frames.len(), *fps),
                    MediaSource::File(_) => (0, 0.0),
                };
                MediaView {
                    kind: m.kind.as_str(),
                    width: m.width,
                    height: m.height,
                    frames,
                    fps,
                }
            })
            .collect();
        PromptContext {
            text: &input.text,
            lang: crate::request::language(&input.text),
            profile: &input.profile,
            images: input
                .media
                .iter()
                .filter(|m| m.kind == MediaKind::Image)
                .count(),
            videos: input
                .media
                .iter()
                .filter(|m| m.kind == MediaKind::Video)
                .count(),
            media,
            ocr_text: "",
        }
    }
}

/// What one expert step produced.
#[derive(Debug, Clone)]
pub struct StepOutput {
    pub text: String,
    pub result: ExpertResult,
    pub prompt_tokens: u32,
    pub completion_tokens: u32,
    pub first_text_at: Option<Instant>,
}

/// Everything a step needs from outside.
pub struct StepContext<'a> {
    pub backend: &'a Arc<dyn Backend>,
    pub registry: &'a Registry,
    /// Earlier turns, oldest first, as (user text, answer).
    pub history: &'a [(String, String)],
    pub cancel: CancellationToken,
    /// Receives text as it is generated, tagged with `step_id`.
    pub events: Option<&'a mpsc::Sender<AskEvent>>,
    pub step_id: &'a str,
    /// What the OCR tool read, when a step before this one ran it.
    pub ocr_text: Option<&'a str>,
}

/// Runs one expert: render its prompt, send it with the media and history, collect the answer.
pub async fn run_step(m: &Manifest, input: &AskInput, ctx: &StepContext<'_>) -> Result<StepOutput> {
    let prompt = ctx.registry.render_with(m, input, ctx.ocr_text)?;
    let mut messages = Vec::new();
    if !m.system.trim().is_empty() {
        messages.push(Message::text(Role::System, m.system.trim()));
    }
    for (user, answer) in ctx.history {
        messages.push(Message::text(Role::User, user.clone()));
        messages.push(Message::text(Role::Assistant, answer.clone()));
    }
    let mut parts: Vec<Part> = input.media.iter().map(media_part).collect();
    parts.push(Part::Text(prompt));
    messages.push(Message {
        role: Role::User,
        parts,
    });

    let request = GenerateRequest {
        expert: m.id.clone(),
        messages,
        sampling: sampling_for(m, input),
    };
    let mut stream = ctx.backend.generate(request, ctx.cancel.clone());
    let mut text = String::new();
    let mut finish = None;
    let mut first_text_at = None;
    while let Some(event) = stream.next().await {
        match event? {
            GenEvent::Text(t) => {
                first_text_at.get_or_insert_with(Instant::now);
                if let Some(tx) = ctx.events {
                    let delta = TextDelta {
                        step_id: ctx.step_id.to_string(),
                        text: t.clone(),
                    };
                    // The receiver closes only when the request is being torn down; the caller
                    // cancels the step then, so keep going until it does.
                    let _ = tx
                        .send(AskEvent {
                            event: Some(ask_event::Event::TextDelta(delta)),
                        })
                        .await;
                }
                text.push_str(&t);
            }
            GenEvent::Done(f) => {
                finish = Some(f);
                break;
            }
        }
    }
    let finish = finish
        .ok_or_else(|| Error::Unavailable("the model stream ended without finishing".into()))?;
    let mut warnings = Vec::new();
    if finish.reason == "length" {
        warnings.push("answer cut off at max_new_tokens".to_string());
    }
    let kind = typed_result(m, text.trim(), input, &mut warnings);
    Ok(StepOutput {
        text: text.trim().to_string(),
        result: ExpertResult {
            raw_text: text,
            warnings,
            kind,
        },
        prompt_tokens: finish.prompt_tokens,
        completion_tokens: finish.completion_tokens,
        first_text_at,
    })
}

/// A request's media item as a message part.
pub(crate) fn media_part(m: &MediaItem) -> Part {
    match &m.source {
        MediaSource::File(data) if m.kind == MediaKind::Image => Part::Image {
            mime_type: m.mime_type.clone(),
            data: data.clone(),
        },
        MediaSource::File(data) => Part::Video {
            mime_type: m.mime_type.clone(),
            data: data.clone(),
        },
        MediaSource::Frames { frames, fps } => Part::VideoFrames {
            frames: frames
                .iter()
                .map(|f| {
                    (
                        crate::media::sniff(f).unwrap_or("image/jpeg").to_string(),
                        f.clone(),
                    )
                })
                .collect(),
            fps: *fps,
        },
    }
}

/// The expert's defaults, overridden by whatever the request set.
pub fn sampling_for(m: &Manifest, input: &AskInput) -> Sampling {
    let d = Sampling::default();
    let o = &input.options;
    Sampling {
        max_new_tokens: o
            .max_new_tokens
            .or(m.sampling.max_new_tokens)
            .unwrap_or(d.max_new_tokens),
        temperature: o
            .temperature
            .or(m.sampling.temperature)
            .unwrap_or(d.temperature),
        top_p: o.top_p.or(m.sampling.top_p).unwrap_or(d.top_p),
        top_k: o.top_k.or(m.sampling.top_k).or(d.top_k),
        seed: o.seed,
        stop: o.stop.clone(),
    }
}

/// Length in seconds of the request's first video, when it came as frames at a known rate.
fn video_duration(input: &AskInput) -> Option<f64> {
    input.media.iter().find_map(|m| match &m.source {
        MediaSource::Frames { frames, fps } if m.kind == MediaKind::Video && *fps > 0.0 => {
            Some(frames.len() as f64 / f64::from(*fps))
        }
        _ => None,
    })
}

/// The typed result for an expert's answer: the general expert's is its text, the GUI
/// expert's its elements and actions in pixels of the first image, the math expert's its steps
/// and checked final answer, the frontend expert's its files and preview, the video expert's
/// its timeline clamped to the video.
fn typed_result(
    m: &Manifest,
    text: &str,
    input: &AskInput,
    warnings: &mut Vec<String>,
) -> Option<expert_result::Kind> {
    match m.id.as_str() {
        "general" => Some(expert_result::Kind::General(GeneralResult {
            answer: text.to_string(),
        })),
        "gui" => {
            let Some(image) = input.media.iter().find(|x| x.kind == MediaKind::Image) else {
                warnings
                    .push("no screenshot in the request: GUI coordinates cannot be placed".into());
                return None;
            };
            let (gui, mut w) = parse::gui::parse(text, image.width, image.height);
            warnings.append(&mut w);
            Some(expert_result::Kind::Gui(gui))
        }
        "math" => {
            let (math, mut w) = parse::math::parse(text, &input.text);
            warnings.append(&mut w);
            Some(expert_result::Kind::Math(math))
        }
        "frontend" => {
            let (frontend, mut w) = parse::frontend::parse(text);
            warnings.append(&mut w);
            Some(expert_result::Kind::Frontend(frontend))
        }
        "video" => {
            let (video, mut w) = parse::video::parse(text, video_duration(input));
            warnings.append(&mut w);
            Some(expert_result::Kind::Video(video))
        }
        _ => None,
    }
}

//! What an expert sends the model: its prompt template rendered for a request, the chat around
//! it (system prompt, history, media), and its sampling after the request's options.

use std::collections::BTreeMap;

use minijinja::Environment;
use serde::Serialize;

use crate::engine::{Message, Part, Role, Sampling};
use crate::error::{Error, Result};
use crate::media::{MediaItem, MediaKind, MediaSource};
use crate::request::AskInput;

use super::Manifest;

/// The prompt templates of every manifest, parsed once at start-up.
pub(crate) struct Templates {
    env: Environment<'static>,
}

impl Templates {
    pub(crate) fn new() -> Self {
        let mut env = Environment::new();
        env.set_undefined_behavior(minijinja::UndefinedBehavior::Strict);
        Templates { env }
    }

    pub(crate) fn has(&self, name: &str) -> bool {
        self.env.get_template(name).is_ok()
    }

    pub(crate) fn add(&mut self, name: String, source: String) -> Result<(), minijinja::Error> {
        self.env.add_template_owned(name, source)
    }

    /// Renders an expert's prompt for a request, quoting the OCR tool's reading when there is one.
    pub(crate) fn render(
        &self,
        m: &Manifest,
        input: &AskInput,
        ocr_text: Option<&str>,
    ) -> Result<String> {
        let t = self
            .env
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
                    MediaSource::Decoded(v) => (v.frames.len(), v.sampled_fps()),
                    MediaSource::File(_) | MediaSource::Page(_) => (0, 0.0),
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

/// An expert's chat: its system prompt, the earlier turns as (user text, answer), then one user
/// message of `parts` (media first, then the prompt).
pub fn chat(m: &Manifest, history: &[(String, String)], parts: Vec<Part>) -> Vec<Message> {
    let mut messages = Vec::new();
    if !m.system.trim().is_empty() {
        messages.push(Message::text(Role::System, m.system.trim()));
    }
    for (user, answer) in history {
        messages.push(Message::text(Role::User, user.clone()));
        messages.push(Message::text(Role::Assistant, answer.clone()));
    }
    messages.push(Message {
        role: Role::User,
        parts,
    });
    messages
}

/// A request's media item as a message part.
pub fn media_part(m: &MediaItem) -> Part {
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
        MediaSource::Decoded(v) => Part::DecodedVideo(v.clone()),
        MediaSource::Page(p) => match &p.png {
            Some(png) => Part::Image {
                mime_type: "image/png".into(),
                data: png.clone(),
            },
            // Only routing checks pages without drawing them, and it builds no prompt.
            None => Part::Text(format!("(page {} of a PDF, not drawn)", p.page + 1)),
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

/// Who may reuse this request's vision features later: its session (sessions belong to one
/// tenant and their ids are not guessable). A request without one shares with nobody.
pub fn cache_scope(input: &AskInput) -> Option<String> {
    (!input.session_id.is_empty()).then(|| format!("session:{}", input.session_id))
}

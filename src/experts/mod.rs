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
use tracing::Instrument;

use crate::engine::{Backend, GenEvent, GenerateRequest, Message, Part, Role, Sampling};
use crate::error::{Error, Result};
use crate::media::{MediaItem, MediaKind, MediaSource};
use crate::proto::{AskEvent, ExpertResult, TextDelta, ask_event, expert_result};
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
    /// Parsed `schema` files, by expert id.
    schemas: BTreeMap<String, serde_json::Value>,
    schema_retries: u32,
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
        let mut schemas = BTreeMap::new();
        let mut templates = Environment::new();
        templates.set_undefined_behavior(minijinja::UndefinedBehavior::Strict);
        for path in paths {
            let text = std::fs::read_to_string(&path)
                .map_err(|e| Error::Config(format!("{}: {e}", path.display())))?;
            let stem = path
                .file_stem()
                .and_then(|s| s.to_str())
                .unwrap_or_default();
            let m = Manifest::parse(&text, stem)
                .map_err(|e| Error::Config(format!("{}: {e}", path.display())))?;
            if templates.get_template(&m.prompt).is_err() {
                let p = prompts_dir.join(&m.prompt);
                let source = std::fs::read_to_string(&p).map_err(|e| {
                    Error::Config(format!("{}: prompt {}: {e}", path.display(), p.display()))
                })?;
                templates
                    .add_template_owned(m.prompt.clone(), source)
                    .map_err(|e| Error::Config(format!("{}: {e}", p.display())))?;
            }
            if let Some(file) = &m.schema {
                let p = experts_dir.join(file);
                let text = std::fs::read_to_string(&p).map_err(|e| {
                    Error::Config(format!("{}: schema {}: {e}", path.display(), p.display()))
                })?;
                let schema: serde_json::Value = serde_json::from_str(&text)
                    .map_err(|e| Error::Config(format!("{}: {e}", p.display())))?;
                if !schema.is_object() {
                    return Err(Error::Config(format!(
                        "{}: a JSON Schema is an object",
                        p.display()
                    )));
                }
                schemas.insert(m.id.clone(), schema);
            } else if m.require_json {
                return Err(Error::Config(format!(
                    "{}: require_json needs a schema",
                    path.display()
                )));
            }
            experts.push(m);
        }
        if !experts.iter().any(|m| m.id == "general") {
            return Err(Error::Config(format!(
                "{} has no general.toml: the general expert answers whatever no rule claims",
                experts_dir.display()
            )));
        }
        Ok(Registry {
            experts,
            templates,
            schemas,
            schema_retries: 1,
        })
    }

    /// How many times a step asks again when an answer does not match its expert's schema.
    pub fn set_schema_retries(&mut self, n: u32) {
        self.schema_retries = n;
    }

    /// What is wrong with an answer by its expert's schema: the JSON its parser reads must
    /// match (empty when it does, or when the expert has no schema).
    pub fn answer_errors(&self, m: &Manifest, text: &str) -> Vec<String> {
        let Some(schema) = self.schemas.get(&m.id) else {
            return Vec::new();
        };
        let values = parse::answer_json(&m.id, text);
        if values.is_empty() && m.require_json {
            return vec!["the answer has no JSON".into()];
        }
        let many = values.len() > 1;
        let mut errors = Vec::new();
        for (i, p) in values.iter().enumerate() {
            for e in parse::schema::validate(schema, &p.value) {
                // "$" names the value; with several, say which one.
                errors.push(if many {
                    format!("JSON value {}: {e}", i + 1)
                } else {
                    e
                });
            }
        }
        errors
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

    let mut request = GenerateRequest {
        expert: m.id.clone(),
        messages,
        sampling: sampling_for(m, input),
    };
    let lang = crate::request::language(&input.text);
    let mut warnings = Vec::new();
    let (mut prompt_tokens, mut completion_tokens) = (0, 0);
    let mut first_text_at = None;
    let mut attempt = 0;
    let (text, split, finish) = loop {
        let events = ctx.events.map(|tx| (tx, ctx.step_id));
        let (text, finish, first) =
            stream_answer(&request, ctx.backend, &ctx.cancel, events, attempt).await?;
        prompt_tokens += finish.prompt_tokens;
        completion_tokens += finish.completion_tokens;
        first_text_at = first_text_at.or(first);
        let split = parse::reasoning::split(&text);
        let errors = ctx.registry.answer_errors(m, &split.answer);
        if errors.is_empty() {
            break (text, split, finish);
        }
        let said = errors_summary(&errors);
        if attempt >= ctx.registry.schema_retries {
            return Err(Error::InvalidAnswer(format!(
                "the {} expert's answer does not match its schema after {} attempt{}: {said}",
                m.id,
                attempt + 1,
                if attempt == 0 { "" } else { "s" }
            )));
        }
        warnings.push(format!(
            "answer {} did not match the schema ({said}); asked again",
            attempt + 1
        ));
        request
            .messages
            .push(Message::text(Role::Assistant, split.answer));
        request
            .messages
            .push(Message::text(Role::User, retry_prompt(lang, &said)));
        attempt += 1;
    };
    if finish.reason == "length" {
        warnings.push(if split.unclosed {
            "answer cut off at max_new_tokens while the model was still reasoning".to_string()
        } else {
            "answer cut off at max_new_tokens".to_string()
        });
    } else if split.unclosed {
        warnings.push("the model's reasoning was never closed with </think>; no answer".into());
    }
    let kind = typed_result(m, &split.answer, input, &mut warnings);
    // The general answer is its cleaned text; other experts' text is the answer as written.
    let answer = match &kind {
        Some(expert_result::Kind::General(g)) => g.answer.clone(),
        _ => split.answer,
    };
    Ok(StepOutput {
        text: answer,
        result: ExpertResult {
            raw_text: text,
            warnings,
            kind,
            reasoning: split.reasoning,
        },
        prompt_tokens,
        completion_tokens,
        first_text_at,
    })
}

/// One generation: the answer's text, how it finished, and when its first text came. With
/// `events` (a sender and the step id), text is forwarded as it arrives, tagged with the step
/// and the attempt.
pub(crate) async fn stream_answer(
    request: &GenerateRequest,
    backend: &Arc<dyn Backend>,
    cancel: &CancellationToken,
    events: Option<(&mpsc::Sender<AskEvent>, &str)>,
    attempt: u32,
) -> Result<(String, crate::engine::Finish, Option<Instant>)> {
    // One span per model call, with prefill (until the first text) and decode (the rest) as
    // children, after the OpenTelemetry GenAI conventions.
    let call = tracing::info_span!(
        "model.generate",
        otel.name = format!("chat {}", request.expert),
        gen_ai.operation.name = "chat",
        gen_ai.request.max_tokens = request.sampling.max_new_tokens,
        gen_ai.request.temperature = f64::from(request.sampling.temperature),
        gen_ai.usage.input_tokens = tracing::field::Empty,
        gen_ai.usage.output_tokens = tracing::field::Empty,
        gen_ai.response.finish_reasons = tracing::field::Empty,
        ttft_ms = tracing::field::Empty,
        otel.status_code = tracing::field::Empty,
        gen_ai.input.messages = tracing::field::Empty,
        gen_ai.output.messages = tracing::field::Empty,
        expert = request.expert.as_str(),
        attempt,
    );
    let content = crate::telemetry::records_content();
    if content {
        call.record(
            "gen_ai.input.messages",
            crate::engine::genai::input_messages(&request.messages),
        );
    }
    let started = Instant::now();
    let metrics = crate::metrics::get();
    let by_expert = [opentelemetry::KeyValue::new(
        "expert",
        request.expert.clone(),
    )];
    let _active = crate::metrics::InFlight::new(&metrics.model_active, &by_expert);
    let mut phase = tracing::info_span!(parent: &call, "model.prefill");
    let mut stream = backend.generate(request.clone(), cancel.clone());
    let mut text = String::new();
    let mut first_text_at = None;
    while let Some(event) = stream.next().instrument(phase.clone()).await {
        let event = match event {
            Ok(e) => e,
            Err(e) => {
                call.record("otel.status_code", "ERROR");
                return Err(e);
            }
        };
        match event {
            GenEvent::Text(t) => {
                if first_text_at.is_none() {
                    first_text_at = Some(Instant::now());
                    let ttft = started.elapsed().as_secs_f64();
                    call.record("ttft_ms", ttft * 1e3);
                    metrics.time_to_first_token.record(ttft, &by_expert);
                    phase = tracing::info_span!(parent: &call, "model.decode");
                }
                if let Some((tx, step_id)) = events {
                    let delta = TextDelta {
                        step_id: step_id.to_string(),
                        text: t.clone(),
                        attempt,
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
                call.record("gen_ai.usage.input_tokens", f.prompt_tokens);
                call.record("gen_ai.usage.output_tokens", f.completion_tokens);
                call.record("gen_ai.response.finish_reasons", f.reason.as_str());
                if content {
                    call.record(
                        "gen_ai.output.messages",
                        crate::engine::genai::output_messages(&text, &f.reason),
                    );
                }
                metrics
                    .model_duration
                    .record(started.elapsed().as_secs_f64(), &by_expert);
                if let Some(first) = first_text_at
                    && f.completion_tokens > 1
                {
                    let per_token =
                        first.elapsed().as_secs_f64() / f64::from(f.completion_tokens - 1);
                    metrics.time_per_output_token.record(per_token, &by_expert);
                }
                for (kind, n) in [("input", f.prompt_tokens), ("output", f.completion_tokens)] {
                    let mut a = by_expert.to_vec();
                    a.push(opentelemetry::KeyValue::new("gen_ai.token.type", kind));
                    metrics.tokens.add(u64::from(n), &a);
                }
                return Ok((text, f, first_text_at));
            }
        }
    }
    Err(Error::Unavailable(
        "the model stream ended without finishing".into(),
    ))
}

/// The first few schema errors, for the model and the client (an answer can have hundreds).
fn errors_summary(errors: &[String]) -> String {
    const SHOWN: usize = 6;
    let mut s = errors[..errors.len().min(SHOWN)].join("; ");
    if errors.len() > SHOWN {
        s.push_str(&format!("; and {} more", errors.len() - SHOWN));
    }
    s
}

/// What the model is told when its answer did not match the schema.
fn retry_prompt(lang: &str, errors: &str) -> String {
    if lang == "zh" {
        format!("你的回答格式不符合要求：{errors}。请改正这些问题，按原来要求的格式重新完整回答。")
    } else {
        format!(
            "Your answer does not have the required format: {errors}. Fix these problems and give the whole answer again in the format asked for."
        )
    }
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

/// The typed result for an expert's answer (reasoning split off): the general expert's is its
/// cleaned text, the GUI
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
        "general" => {
            let (general, mut w) = parse::general::parse(text);
            warnings.append(&mut w);
            Some(expert_result::Kind::General(general))
        }
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

#[cfg(test)]
mod tests {
    use super::*;

    fn registry() -> Registry {
        let root = Path::new(env!("CARGO_MANIFEST_DIR"));
        Registry::load(&root.join("experts"), &root.join("prompts")).unwrap()
    }

    fn errors(expert: &str, text: &str) -> Vec<String> {
        let r = registry();
        let m = r.get(expert).unwrap();
        r.answer_errors(m, text)
    }

    #[test]
    fn usual_gui_and_video_answers_match_their_schemas() {
        for text in [
            "I'll click the login button.\n<tool_call>\n{\"name\": \"computer_use\", \"arguments\": {\"action\": \"left_click\", \"coordinate\": [500, 250]}}\n</tool_call>",
            "```json\n[\n  {\"bbox_2d\": [100, 200, 300, 260], \"label\": \"Login button\", \"type\": \"button\"},\n  {\"point_2d\": [900, 40], \"label\": \"close\"}\n]\n```",
            "思考：需要先点击“设置”图标。\n[{\"bbox_2d\": [860, 20, 940, 80], \"label\": \"设置\", \"type\": \"icon\"}]\n<tool_call>\n{\"name\": \"computer_use\", \"arguments\": {\"action\": \"key\", \"keys\": [\"ctrl\", \"enter\"]}}\n</tool_call>",
            "{'action': 'scroll', 'direction': 'down', 'pixels': 400,}",
            "Sorry, I can't find that button on this screen.",
        ] {
            assert_eq!(errors("gui", text), Vec::<String>::new(), "{text}");
        }
        for text in [
            "0.0 - 3.5 seconds: a car enters. [00:04 - 00:09] it parks.",
            "```json\n[{\"start\": 0, \"end\": 3.5, \"description\": \"a car enters\"}, {\"timestamp\": \"00:04-00:09\", \"event\": \"it parks\"}]\n```",
            "{\"events\": [{\"start_time\": \"00:00\", \"end_time\": \"00:04\", \"caption\": \"x\"}], \"summary\": \"s\"}",
        ] {
            assert_eq!(errors("video", text), Vec::<String>::new(), "{text}");
        }
        // Experts without a schema take any answer.
        assert!(errors("math", "[1, 2").is_empty());
    }

    #[test]
    fn schema_errors_say_which_value_and_what_is_wrong() {
        let text = "[{\"bbox_2d\": [100, 200, 300], \"label\": \"OK\"}]\n<tool_call>\n{\"name\": \"computer_use\", \"arguments\": {\"action\": \"triple_click\", \"coordinate\": [1200, 50]}}\n</tool_call>";
        let mut e = errors("gui", text);
        e.sort();
        assert_eq!(e.len(), 3, "{e:?}");
        assert_eq!(
            e[0],
            "JSON value 1: $[0].bbox_2d: needs at least 4 items, has 3"
        );
        assert!(
            e[1].starts_with("JSON value 2: $.arguments.action: \"triple_click\" is not one of"),
            "{e:?}"
        );
        assert_eq!(
            e[2],
            "JSON value 2: $.arguments.coordinate[0]: 1200 is above the maximum 1000"
        );
        assert_eq!(
            errors(
                "video",
                "[{\"start\": -2, \"end\": 3, \"description\": \"x\"}]"
            ),
            ["$[0].start: -2 is below the minimum 0"]
        );
        assert_eq!(
            errors("video", "{\"events\": \"none\"}"),
            ["$.events: expected array, got string"]
        );
    }

    #[test]
    fn a_bad_schema_file_stops_start_up() {
        let root = Path::new(env!("CARGO_MANIFEST_DIR"));
        let dir = tempfile::tempdir().unwrap();
        let general = std::fs::read_to_string(root.join("experts/general.toml")).unwrap();
        let write = |extra: &str| {
            std::fs::write(
                dir.path().join("general.toml"),
                format!("{extra}\n{general}"),
            )
            .unwrap()
        };
        let load = || match Registry::load(dir.path(), &root.join("prompts")) {
            Err(Error::Config(e)) => e,
            Err(e) => panic!("{e}"),
            Ok(_) => panic!("loaded"),
        };
        write("schema = \"missing.json\"");
        assert!(load().contains("schema"), "{}", load());
        std::fs::write(dir.path().join("s.json"), "[1]").unwrap();
        write("schema = \"s.json\"");
        assert!(load().contains("a JSON Schema is an object"), "{}", load());
        std::fs::write(dir.path().join("s.json"), "{\"type\": ").unwrap();
        assert!(load().contains("s.json"), "{}", load());
        write("require_json = true");
        assert!(load().contains("require_json needs a schema"), "{}", load());
    }
}

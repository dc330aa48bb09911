//! A model step: the expert's prompt with the request's media and history, sent to the model,
//! asked again (with the errors, in the request's language) while the answer does not match the
//! expert's schema, then parsed into the typed result of its kind.

use crate::engine::{GenerateRequest, Message, Part, Role};
use crate::error::{Error, Result};
use crate::experts::prompt::{chat, media_part, sampling_for};
use crate::experts::{Kind, Manifest, parse};
use crate::media::{MediaKind, MediaSource};
use crate::proto::{ExpertResult, expert_result};
use crate::request::AskInput;

use super::{StepContext, StepOutput, generate};

/// Runs one expert: render its prompt, send it with the media and history, collect the answer.
pub async fn run(m: &Manifest, input: &AskInput, ctx: &StepContext<'_>) -> Result<StepOutput> {
    let prompt = ctx.registry.render_with(m, input, ctx.ocr_text)?;
    let mut parts: Vec<Part> = input.media.iter().map(media_part).collect();
    parts.push(Part::Text(match ctx.context {
        Some(context) => format!("{context}\n{prompt}"),
        None => prompt,
    }));
    let messages = chat(m, ctx.history, parts);

    let mut request = GenerateRequest {
        expert: m.id.clone(),
        messages,
        sampling: sampling_for(m, input),
        cache_scope: crate::experts::prompt::cache_scope(input),
    };
    let lang = crate::request::language(&input.text);
    let mut warnings = Vec::new();
    let (mut prompt_tokens, mut completion_tokens, mut vision_reused) = (0, 0, 0);
    let mut cached_tokens = 0;
    let mut first_text_at = None;
    let mut attempt = 0;
    let (text, split, finish) = loop {
        let events = ctx.events.map(|tx| (tx, ctx.step_id));
        let (text, finish, first) =
            generate(&request, ctx.backend, &ctx.cancel, events, attempt).await?;
        prompt_tokens += finish.prompt_tokens;
        completion_tokens += finish.completion_tokens;
        vision_reused += finish.vision_reused;
        cached_tokens += finish.cached_tokens;
        first_text_at = first_text_at.or(first);
        let split = parse::reasoning::split(&text);
        let errors = ctx.registry.answer_errors(m, &split.answer);
        if errors.is_empty() {
            break (text, split, finish);
        }
        let said = errors_summary(&errors);
        if attempt >= ctx.registry.schema_retries() {
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
    let kind = typed_result(m.kind, &split.answer, input, &mut warnings);
    // The general answer is its cleaned text; other kinds' text is the answer as written.
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
        vision_reused,
        cached_tokens,
        first_text_at,
    })
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

/// Length in seconds of the request's first video, when it came as frames at a known rate or
/// as a decoded file.
fn video_duration(input: &AskInput) -> Option<f64> {
    input.media.iter().find_map(|m| match &m.source {
        MediaSource::Frames { frames, fps } if m.kind == MediaKind::Video && *fps > 0.0 => {
            Some(frames.len() as f64 / f64::from(*fps))
        }
        MediaSource::Decoded(v) => Some(v.duration),
        _ => None,
    })
}

/// The typed result of a model answer (reasoning split off) by its expert's kind: the general
/// kind's is its cleaned text, the GUI kind's its elements and actions in pixels of the first
/// image, the math kind's its steps and checked final answer, the frontend kind's its files and
/// preview, the video kind's its timeline clamped to the video, the diagram kind's its repaired graph
/// with a `.drawio` file and Mermaid, the search kind's its query with an escaped query string.
fn typed_result(
    kind: Kind,
    text: &str,
    input: &AskInput,
    warnings: &mut Vec<String>,
) -> Option<expert_result::Kind> {
    match kind {
        Kind::General => {
            let (general, mut w) = parse::general::parse(text);
            warnings.append(&mut w);
            Some(expert_result::Kind::General(general))
        }
        Kind::Gui => {
            let Some(image) = input.media.iter().find(|x| x.kind == MediaKind::Image) else {
                warnings
                    .push("no screenshot in the request: GUI coordinates cannot be placed".into());
                return None;
            };
            let (gui, mut w) = parse::gui::parse(text, image.width, image.height);
            warnings.append(&mut w);
            Some(expert_result::Kind::Gui(gui))
        }
        Kind::Math => {
            let (math, mut w) = parse::math::parse(text, &input.text);
            warnings.append(&mut w);
            Some(expert_result::Kind::Math(math))
        }
        Kind::Frontend => {
            let (frontend, mut w) = parse::frontend::parse(text);
            warnings.append(&mut w);
            Some(expert_result::Kind::Frontend(frontend))
        }
        Kind::Video => {
            let (video, mut w) = parse::video::parse(text, video_duration(input));
            warnings.append(&mut w);
            Some(expert_result::Kind::Video(video))
        }
        Kind::Diagram => {
            let (width, height) = match input.media.iter().find(|x| x.kind == MediaKind::Image) {
                Some(image) => (image.width, image.height),
                None => {
                    warnings
                        .push("no image in the request: boxes are on a 1000 x 1000 canvas".into());
                    (1000, 1000)
                }
            };
            let (diagram, mut w) = parse::diagram::parse(text, width, height);
            warnings.append(&mut w);
            diagram.map(expert_result::Kind::Diagram)
        }
        Kind::Search => {
            let (search, mut w) = parse::search::parse(text);
            warnings.append(&mut w);
            Some(expert_result::Kind::Search(search))
        }
        Kind::Text | Kind::Ocr | Kind::FormFill => None,
    }
}

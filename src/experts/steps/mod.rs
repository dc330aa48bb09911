//! Running one step of a plan. Each kind of step's work lives here, with the user-facing text
//! it writes: a model step with schema retries (`model`), the OCR read-out (`ocr`), form
//! grounding and refinement (`form`), and a diagram traced without a model (`diagram`). The planner decides which steps run and in what order;
//! these only do them.

pub mod diagram;
pub mod form;
pub mod model;
pub mod ocr;

use std::sync::Arc;
use std::time::Instant;

use futures::StreamExt;
use tokio::sync::mpsc;
use tokio_util::sync::CancellationToken;

use crate::engine::instrumented::InstrumentedBackend;
use crate::engine::{Finish, GenEvent, GenerateRequest};
use crate::error::{Error, Result};
use crate::proto::{AskEvent, ExpertResult, TextDelta, ask_event};

use super::Registry;

/// What one expert step produced.
#[derive(Debug, Clone)]
pub struct StepOutput {
    pub text: String,
    pub result: ExpertResult,
    pub prompt_tokens: u32,
    pub completion_tokens: u32,
    /// Images and videos whose vision features were reused (`Finish::vision_reused`).
    pub vision_reused: u32,
    /// Prompt tokens whose KV was reused (`Finish::cached_tokens`).
    pub cached_tokens: u32,
    pub first_text_at: Option<Instant>,
}

impl StepOutput {
    /// A step's output that used no model.
    pub(crate) fn without_model(text: String, result: ExpertResult) -> Self {
        StepOutput {
            text,
            result,
            prompt_tokens: 0,
            completion_tokens: 0,
            vision_reused: 0,
            cached_tokens: 0,
            first_text_at: None,
        }
    }
}

/// Everything a model step needs from outside.
pub struct StepContext<'a> {
    /// The model, through the one instrumented call path.
    pub backend: &'a Arc<InstrumentedBackend>,
    pub registry: &'a Registry,
    /// Earlier turns, oldest first, as (user text, answer).
    pub history: &'a [(String, String)],
    pub cancel: CancellationToken,
    /// Receives text as it is generated, tagged with `step_id`.
    pub events: Option<&'a mpsc::Sender<AskEvent>>,
    pub step_id: &'a str,
    /// What the OCR tool read, when a step before this one ran it (the OCR kind's template
    /// quotes it).
    pub ocr_text: Option<&'a str>,
    /// The earlier steps' results, written out; given before the prompt.
    pub context: Option<&'a str>,
}

/// One model call through the instrumented backend: the answer's text, how it finished, and
/// when its first text came. With `events` (a sender and the step id), text is forwarded as it
/// arrives, tagged with the step and the attempt.
pub(crate) async fn generate(
    request: &GenerateRequest,
    backend: &InstrumentedBackend,
    cancel: &CancellationToken,
    events: Option<(&mpsc::Sender<AskEvent>, &str)>,
    attempt: u32,
) -> Result<(String, Finish, Option<Instant>)> {
    let mut stream = backend.generate_attempt(request.clone(), cancel.clone(), attempt);
    let mut text = String::new();
    let mut first_text_at = None;
    while let Some(event) = stream.next().await {
        match event? {
            GenEvent::Text(t) => {
                first_text_at.get_or_insert_with(Instant::now);
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
            GenEvent::Done(f) => return Ok((text, f, first_text_at)),
        }
    }
    Err(Error::Unavailable(
        "the model stream ended without finishing".into(),
    ))
}

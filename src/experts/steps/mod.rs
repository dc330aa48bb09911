//! Running one step of a plan. Each kind of step's work lives here, with the user-facing text
//! it writes: a model step with schema retries (`model`), the OCR read-out (`ocr`), and form
//! grounding and refinement (`form`). The planner decides which steps run and in what order;
//! these only do them.

pub mod form;
pub mod model;
pub mod ocr;

use std::sync::Arc;
use std::time::Instant;

use futures::StreamExt;
use tokio::sync::mpsc;
use tokio_util::sync::CancellationToken;
use tracing::Instrument;

use crate::engine::{Backend, GenEvent, GenerateRequest};
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
            first_text_at: None,
        }
    }
}

/// Everything a model step needs from outside.
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

/// One model call: the answer's text, how it finished, and when its first text came. With
/// `events` (a sender and the step id), text is forwarded as it arrives, tagged with the step
/// and the attempt.
pub(crate) async fn generate(
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
            crate::telemetry::input_messages(&request.messages),
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
                        crate::telemetry::output_messages(&text, &f.reason),
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

//! The one instrumented model-call path: a decorator around any `Backend` that gives each call
//! its `model.generate` span (prefill and decode as children, after the OpenTelemetry GenAI
//! conventions), time to first token, duration, time per output token, token counters and the
//! in-flight gauge, all by the calling expert. The app wraps its backend once; expert steps,
//! form refinement and routing's model stage all call through it. Owns no prompts.

use std::pin::Pin;
use std::sync::Arc;
use std::task::{Context, Poll};
use std::time::Instant;

use futures::Stream;
use futures::future::BoxFuture;
use opentelemetry::KeyValue;
use tokio_util::sync::CancellationToken;

use super::{Backend, Finish, GenEvent, GenStream, GenerateRequest, ScoreRequest, ScoreStream};
use crate::error::Result;
use crate::metrics::InFlight;

pub struct InstrumentedBackend {
    inner: Arc<dyn Backend>,
}

impl InstrumentedBackend {
    pub fn new(inner: Arc<dyn Backend>) -> Self {
        InstrumentedBackend { inner }
    }

    /// A call that is attempt `attempt` (0 first, then 1, ... when an answer is asked for again),
    /// recorded on its span.
    pub fn generate_attempt(
        &self,
        request: GenerateRequest,
        cancel: CancellationToken,
        attempt: u32,
    ) -> GenStream {
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
        let by_expert = [KeyValue::new("expert", request.expert.clone())];
        let in_flight = InFlight::new(&crate::metrics::get().model_active, by_expert.to_vec());
        let started = Instant::now();
        let prefill = tracing::info_span!(parent: &call, "model.prefill");
        let inner = self.inner.generate(request, cancel);
        Box::pin(Call {
            inner,
            call,
            phase: prefill,
            started,
            first_text_at: None,
            text: content.then(String::new),
            by_expert,
            in_flight: Some(in_flight),
        })
    }
}

impl Backend for InstrumentedBackend {
    fn name(&self) -> &'static str {
        self.inner.name()
    }

    fn generate(&self, request: GenerateRequest, cancel: CancellationToken) -> GenStream {
        self.generate_attempt(request, cancel, 0)
    }

    fn health(&self) -> BoxFuture<'_, Result<()>> {
        self.inner.health()
    }

    /// Scoring in its own `model.score` span, with the in-flight gauge, by the calling expert.
    fn score(&self, request: ScoreRequest, cancel: CancellationToken) -> ScoreStream {
        use futures::StreamExt;
        let span = tracing::info_span!(
            "model.score",
            otel.name = format!("score {}", request.expert),
            candidates = request.candidates.len(),
            expert = request.expert.as_str(),
        );
        let by_expert = vec![KeyValue::new("expert", request.expert.clone())];
        let in_flight = InFlight::new(&crate::metrics::get().model_active, by_expert);
        let inner = self.inner.score(request, cancel);
        // The gauge counts the call, and the span lasts, until its stream is dropped.
        Box::pin(inner.map(move |item| {
            let _held = (&in_flight, &span);
            item
        }))
    }
}

/// One call in flight: polls the engine's stream inside the current phase's span and records
/// what passes.
struct Call {
    inner: GenStream,
    call: tracing::Span,
    /// `model.prefill` until the first text, then `model.decode`.
    phase: tracing::Span,
    started: Instant,
    first_text_at: Option<Instant>,
    /// The answer so far, kept only when traces record content.
    text: Option<String>,
    by_expert: [KeyValue; 1],
    /// Counted in the in-flight gauge until it finishes or is dropped.
    in_flight: Option<InFlight>,
}

impl Call {
    fn on_text(&mut self, t: &str) {
        if self.first_text_at.is_none() {
            self.first_text_at = Some(Instant::now());
            let ttft = self.started.elapsed().as_secs_f64();
            self.call.record("ttft_ms", ttft * 1e3);
            crate::metrics::get()
                .time_to_first_token
                .record(ttft, &self.by_expert);
            self.phase = tracing::info_span!(parent: &self.call, "model.decode");
        }
        if let Some(text) = &mut self.text {
            text.push_str(t);
        }
    }

    fn on_done(&mut self, f: &Finish) {
        let metrics = crate::metrics::get();
        let call = &self.call;
        call.record("gen_ai.usage.input_tokens", f.prompt_tokens);
        call.record("gen_ai.usage.output_tokens", f.completion_tokens);
        call.record("gen_ai.response.finish_reasons", f.reason.as_str());
        if let Some(text) = &self.text {
            call.record(
                "gen_ai.output.messages",
                crate::engine::genai::output_messages(text, &f.reason),
            );
        }
        metrics
            .model_duration
            .record(self.started.elapsed().as_secs_f64(), &self.by_expert);
        if let Some(first) = self.first_text_at
            && f.completion_tokens > 1
        {
            let per_token = first.elapsed().as_secs_f64() / f64::from(f.completion_tokens - 1);
            metrics
                .time_per_output_token
                .record(per_token, &self.by_expert);
        }
        for (kind, n) in [("input", f.prompt_tokens), ("output", f.completion_tokens)] {
            let mut a = self.by_expert.to_vec();
            a.push(KeyValue::new("gen_ai.token.type", kind));
            metrics.tokens.add(u64::from(n), &a);
        }
        self.finish();
    }

    /// The call is over: it leaves the gauge and its spans close (the phase first, as a child
    /// keeps its parent open).
    fn finish(&mut self) {
        self.in_flight = None;
        self.phase = tracing::Span::none();
        self.call = tracing::Span::none();
    }
}

impl Stream for Call {
    type Item = Result<GenEvent>;

    fn poll_next(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Option<Self::Item>> {
        let this = &mut *self;
        let polled = {
            let _entered = this.phase.enter();
            this.inner.as_mut().poll_next(cx)
        };
        match &polled {
            Poll::Ready(Some(Ok(GenEvent::Text(t)))) => this.on_text(t),
            Poll::Ready(Some(Ok(GenEvent::Done(f)))) => this.on_done(f),
            Poll::Ready(Some(Err(_))) => {
                this.call.record("otel.status_code", "ERROR");
            }
            Poll::Ready(None) | Poll::Pending => {}
        }
        polled
    }
}

impl Drop for Call {
    fn drop(&mut self) {
        self.finish();
    }
}

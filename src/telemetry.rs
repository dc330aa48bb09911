//! Logs and traces (metrics are `crate::metrics`). Logs go to stderr as text or JSON lines,
//! filtered by `RUST_LOG` (default info). Spans are `tracing` spans; with `otlp_endpoint` set
//! they are also exported as OpenTelemetry traces over OTLP/gRPC (batched, off the request
//! path). The W3C `traceparent` of an incoming call continues the caller's trace (`rpc_span`).
//! Prompts and answers go into spans only when the operator turns `trace_content` on.

use std::sync::atomic::{AtomicBool, Ordering};

use opentelemetry::propagation::{Extractor, TextMapPropagator};
use opentelemetry::trace::{TraceContextExt as _, TracerProvider as _};
use opentelemetry_otlp::WithExportConfig;
use opentelemetry_sdk::propagation::TraceContextPropagator;
use opentelemetry_sdk::trace::SdkTracerProvider;
use tracing_opentelemetry::OpenTelemetrySpanExt;
use tracing_subscriber::EnvFilter;
use tracing_subscriber::fmt::FmtContext;
use tracing_subscriber::fmt::format::{FormatEvent, FormatFields, Writer};
use tracing_subscriber::layer::SubscriberExt;
use tracing_subscriber::registry::LookupSpan;
use tracing_subscriber::util::SubscriberInitExt;

use crate::config::{LogFormat, TelemetryConfig};
use crate::error::{Error, Result};

/// What `init` set up; `shutdown` flushes the spans still queued.
#[derive(Default)]
pub struct Telemetry {
    tracer: Option<SdkTracerProvider>,
}

impl Telemetry {
    /// Sends every finished span that is still queued.
    pub fn flush(&self) {
        crate::metrics::get().flush();
        if let Some(t) = &self.tracer
            && let Err(e) = t.force_flush()
        {
            tracing::warn!(error = %e, "flushing traces");
        }
    }

    pub fn shutdown(self) {
        crate::metrics::get().shutdown();
        if let Some(t) = self.tracer
            && let Err(e) = t.shutdown()
        {
            tracing::warn!(error = %e, "shutting down the trace exporter");
        }
    }
}

/// Installs the global subscriber: logs, and OTLP trace export when `otlp_endpoint` is set.
/// Must run inside a tokio runtime when exporting (the gRPC client lives on it). A second call
/// (tests) leaves the first subscriber in place.
pub fn init(config: &TelemetryConfig) -> Result<Telemetry> {
    let filter = EnvFilter::try_from_default_env().unwrap_or_else(|_| EnvFilter::new("info"));
    let (text, json) = match config.log_format {
        LogFormat::Text => (
            Some(tracing_subscriber::fmt::layer().with_writer(std::io::stderr)),
            None,
        ),
        LogFormat::Json => (
            None,
            Some(
                tracing_subscriber::fmt::layer()
                    .event_format(WithIds(tracing_subscriber::fmt::format().json()))
                    .fmt_fields(tracing_subscriber::fmt::format::JsonFields::new())
                    .with_writer(std::io::stderr),
            ),
        ),
    };
    let otlp_endpoint = config.otlp_endpoint.as_deref();
    crate::metrics::init(otlp_endpoint)?;
    let tracer = if let Some(endpoint) = otlp_endpoint {
        let exporter = opentelemetry_otlp::SpanExporter::builder()
            .with_tonic()
            .with_endpoint(endpoint)
            .build()
            .map_err(|e| Error::Config(format!("telemetry.otlp_endpoint = {endpoint:?}: {e}")))?;
        Some(
            SdkTracerProvider::builder()
                .with_batch_exporter(exporter)
                .with_resource(crate::metrics::resource())
                .build(),
        )
    } else {
        None
    };
    let otel = tracer.as_ref().map(|t| {
        tracing_opentelemetry::layer()
            .with_tracer(t.tracer("switchboard"))
            .with_tracked_inactivity(false)
    });
    // A second init (tests) is harmless: the first subscriber stays.
    let _ = tracing_subscriber::registry()
        .with(filter)
        .with(text)
        .with(json)
        .with(otel)
        .try_init();
    Ok(Telemetry { tracer })
}

static RECORD_CONTENT: AtomicBool = AtomicBool::new(false);

/// Operators may turn on recording of prompts and answers in model spans
/// (`telemetry.trace_content`);
/// off, no request text, media or profile value is put in a span.
pub fn set_record_content(on: bool) {
    RECORD_CONTENT.store(on, Ordering::Relaxed);
}

pub fn records_content() -> bool {
    RECORD_CONTENT.load(Ordering::Relaxed)
}

/// JSON log lines with the OpenTelemetry ids of the span they were written in, at the top level
/// (`trace_id`, `span_id`) where log stores look for them. Only with trace export on: without
/// it there are no span ids, and the call span carries the caller's trace id instead.
struct WithIds<F>(F);

impl<S, N, F> FormatEvent<S, N> for WithIds<F>
where
    S: tracing::Subscriber + for<'a> LookupSpan<'a>,
    N: for<'a> FormatFields<'a> + 'static,
    F: FormatEvent<S, N>,
{
    fn format_event(
        &self,
        ctx: &FmtContext<'_, S, N>,
        mut writer: Writer<'_>,
        event: &tracing::Event<'_>,
    ) -> std::fmt::Result {
        let mut line = String::new();
        self.0.format_event(ctx, Writer::new(&mut line), event)?;
        let ids = ctx.lookup_current().and_then(|span| {
            let cx = tracing::dispatcher::get_default(|d| {
                tracing_opentelemetry::get_otel_context(&span.id(), d)
            })?;
            let sc = cx.span().span_context().clone();
            sc.is_valid().then(|| (sc.trace_id(), sc.span_id()))
        });
        match (ids, line.strip_prefix('{')) {
            (Some((t, s)), Some(rest)) => {
                write!(writer, "{{\"trace_id\":\"{t}\",\"span_id\":\"{s}\",{rest}")
            }
            _ => writer.write_str(&line),
        }
    }
}

struct Headers<'a>(&'a http::HeaderMap);

impl Extractor for Headers<'_> {
    fn get(&self, key: &str) -> Option<&str> {
        self.0.get(key).and_then(|v| v.to_str().ok())
    }

    fn keys(&self) -> Vec<&str> {
        self.0.keys().map(|k| k.as_str()).collect()
    }
}

/// The span of one gRPC call, named `package.Service/Method` after the OpenTelemetry RPC
/// conventions, continuing the caller's trace when the call carries a `traceparent`.
pub fn rpc_span(path: &str, headers: &http::HeaderMap) -> tracing::Span {
    let path = path.trim_start_matches('/');
    let (service, method) = path.split_once('/').unwrap_or((path, ""));
    let span = tracing::info_span!(
        "rpc",
        otel.name = path,
        otel.kind = "server",
        rpc.system = "grpc",
        rpc.service = service,
        rpc.method = method,
        rpc.grpc.status_code = tracing::field::Empty,
        otel.status_code = tracing::field::Empty,
        otel.status_description = tracing::field::Empty,
        trace_id = tracing::field::Empty,
        span_id = tracing::field::Empty,
    );
    let parent = TraceContextPropagator::new().extract(&Headers(headers));
    let caller = parent.span().span_context().clone();
    // No-op without the OpenTelemetry layer, and for a parent without a valid trace.
    let _ = span.set_parent(parent);
    // The ids go on the span as fields too, so that every log line of the call carries them
    // (JSON logs list the current spans' fields). Without export, the caller's trace id.
    let own = span.context().span().span_context().clone();
    if own.is_valid() {
        span.record("trace_id", own.trace_id().to_string());
        span.record("span_id", own.span_id().to_string());
    } else if caller.is_valid() {
        span.record("trace_id", caller.trace_id().to_string());
    }
    span
}

/// Records a call's gRPC status on its span; non-OK codes mark the span as an error.
pub fn record_status(span: &tracing::Span, code: i32, message: &str) {
    span.record("rpc.grpc.status_code", code);
    if code != 0 {
        span.record("otel.status_code", "ERROR");
        span.record("otel.status_description", message);
    }
}

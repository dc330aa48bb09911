//! Metrics: the instruments the service records into, on one process-wide OpenTelemetry meter
//! provider that serves them two ways: pulled by `/metrics` in the Prometheus text format
//! (`metrics_listen`, encoded by `opentelemetry-prometheus`), and pushed over OTLP/gRPC every
//! 10 s when `otlp_endpoint` is set. Names follow the OpenTelemetry conventions
//! (`rpc.server.call.duration`, `gen_ai.*`); in Prometheus dots become underscores, the unit a
//! suffix (`rpc_server_call_duration_seconds`) and counters end in `_total`. Every series carries
//! `otel_scope_name`, and `target_info` carries the resource (service name and version).
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex, OnceLock, Weak};
use std::time::Duration;

use opentelemetry::KeyValue;
use opentelemetry::metrics::{Counter, Histogram, MeterProvider as _, UpDownCounter};
use opentelemetry_otlp::WithExportConfig;
use opentelemetry_sdk::metrics::SdkMeterProvider;

/// Latency buckets in seconds: a millisecond call to a five-minute generation.
const SECONDS: &[f64] = &[
    0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0, 30.0, 60.0,
    120.0, 300.0,
];

pub struct Metrics {
    provider: SdkMeterProvider,
    /// What `/metrics` gathers: the Prometheus exporter's view of the provider.
    registry: prometheus::Registry,
    /// Per call: method, gRPC status code. Its count by code is the rate and the errors.
    pub rpc_duration: Histogram<f64>,
    /// Per plan step: expert, outcome.
    pub step_duration: Histogram<f64>,
    /// The winning route's score: route, stage.
    pub route_score: Histogram<f64>,
    /// Per model call: expert.
    pub model_duration: Histogram<f64>,
    pub time_to_first_token: Histogram<f64>,
    /// Tokens by expert and `gen_ai.token.type` (input, output).
    pub tokens: Counter<u64>,
    /// Model calls in flight: expert.
    pub model_active: UpDownCounter<i64>,
    /// Durable session writes (sled append + flush).
    pub memory_write: Histogram<f64>,
    /// Damage found in the session store: `at` = `open` (start-up) or `read` (serving).
    pub memory_corruption: Counter<u64>,
    /// Seconds per output token after the first (decode speed), by expert.
    pub time_per_output_token: Histogram<f64>,
    /// Requests waiting for the in-process model, by expert.
    pub model_queue: UpDownCounter<i64>,
    /// Sequences the in-process model is running (prefill or decode).
    pub model_sequences: UpDownCounter<i64>,
    /// KV-cache positions a sequence held when it ended (prompt plus output).
    pub sequence_positions: Histogram<u64>,
    /// Images and videos given to the in-process vision encoder: `reused` = "true" when their
    /// features came from the vision cache.
    pub vision_encodes: Counter<u64>,
    /// Tokens the in-process model decoded (its rate is decode tokens per second).
    pub decode_tokens: Counter<u64>,
    /// Prompts looked up in the prefix cache, by `hit`.
    pub prefix_lookups: Counter<u64>,
    /// Prompt tokens whose KV came from the prefix cache.
    pub prefix_tokens: Counter<u64>,
    /// Requests a tenant's quota refused: tenant, quota (rate, concurrency, tokens).
    pub quota_rejections: Counter<u64>,
    /// Requests in flight per tenant (those its concurrency quota counts).
    pub tenant_active: UpDownCounter<i64>,
    /// Watched files (TLS, API keys) that changed and did not load: what.
    reload_failures: Counter<u64>,
    levels: Arc<Levels>,
}

/// Values read when metrics are collected: set where they change, observed as gauges.
#[derive(Default)]
struct Levels {
    kv_tokens: AtomicU64,
    kv_bytes: AtomicU64,
    kv_budget: AtomicU64,
    batch_rows: AtomicU64,
    batch_sequences: AtomicU64,
    /// Measures the session store; read at collection, so no request pays for it (sled lists
    /// its blob directory to answer). Weak: the store's owner decides how long it lives.
    store_size: Mutex<Option<Weak<StoreSize>>>,
}

/// What measures the session store's size on disk, in bytes.
pub type StoreSize = dyn Fn() -> u64 + Send + Sync;

static METRICS: OnceLock<Metrics> = OnceLock::new();

/// The process's metrics. The first call builds them (with OTLP export when `init` ran first
/// with an endpoint).
pub fn get() -> &'static Metrics {
    METRICS.get_or_init(|| Metrics::build(None))
}

/// Builds the metrics with OTLP export to `otlp_endpoint`; call before anything records.
pub fn init(otlp_endpoint: Option<&str>) -> crate::error::Result<()> {
    let exporter = match otlp_endpoint {
        None => None,
        Some(endpoint) => Some(
            opentelemetry_otlp::MetricExporter::builder()
                .with_tonic()
                .with_endpoint(endpoint)
                .build()
                .map_err(|e| {
                    crate::error::Error::Config(format!(
                        "telemetry.otlp_endpoint = {endpoint:?}: {e}"
                    ))
                })?,
        ),
    };
    let _ = METRICS.set(Metrics::build(exporter));
    Ok(())
}

/// Who is reporting: the service's name and version, on every metric and span (`telemetry`
/// exports the spans).
pub fn resource() -> opentelemetry_sdk::Resource {
    opentelemetry_sdk::Resource::builder()
        .with_service_name("switchboard")
        .with_attribute(opentelemetry::KeyValue::new(
            "service.version",
            env!("CARGO_PKG_VERSION"),
        ))
        .build()
}

impl Metrics {
    fn build(exporter: Option<opentelemetry_otlp::MetricExporter>) -> Metrics {
        let registry = prometheus::Registry::new();
        let mut builder = SdkMeterProvider::builder().with_resource(resource());
        match opentelemetry_prometheus::exporter()
            .with_registry(registry.clone())
            .build()
        {
            Ok(pull) => builder = builder.with_reader(pull),
            // Only a name clash in this fresh registry fails: /metrics would be empty, no panic.
            Err(e) => tracing::warn!(error = %e, "the Prometheus exporter"),
        }
        if let Some(e) = exporter {
            builder = builder.with_reader(
                opentelemetry_sdk::metrics::PeriodicReader::builder(e)
                    .with_interval(Duration::from_secs(10))
                    .build(),
            );
        }
        let provider = builder.build();
        let meter = provider.meter("switchboard");
        let seconds = |name: &'static str, what: &'static str| {
            meter
                .f64_histogram(name)
                .with_unit("s")
                .with_description(what)
                .with_boundaries(SECONDS.to_vec())
                .build()
        };
        let rpc_duration = seconds(
            "rpc.server.call.duration",
            "gRPC calls, by method and status code",
        );
        let step_duration = seconds(
            "switchboard.step.duration",
            "Plan steps, by expert and outcome",
        );
        let model_duration = seconds("gen_ai.server.request.duration", "Model calls, by expert");
        let time_to_first_token = seconds(
            "gen_ai.server.time_to_first_token",
            "Time to the first text of a model call",
        );
        let memory_write = seconds(
            "switchboard.memory.write.duration",
            "Durable session writes",
        );
        let memory_corruption = meter
            .u64_counter("switchboard.memory.corruption")
            .with_unit("{event}")
            .with_description(
                "Damage found in the session store, at start-up (at=open) or on a read (at=read)",
            )
            .build();
        let route_score = meter
            .f64_histogram("switchboard.route.score")
            .with_description("Score of the chosen route, by route and stage")
            .with_boundaries(vec![
                0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8, 0.9, 1.0, 2.0, 3.0, 5.0,
            ])
            .build();
        let tokens = meter
            .u64_counter("gen_ai.usage.tokens")
            .with_unit("{token}")
            .with_description("Tokens, by expert and token type (input, output)")
            .build();
        let time_per_output_token = seconds(
            "gen_ai.server.time_per_output_token",
            "Decode time per output token after the first, by expert",
        );
        let model_queue = meter
            .i64_up_down_counter("switchboard.model.queue.size")
            .with_unit("{request}")
            .with_description("Requests waiting for the in-process model, by expert")
            .build();
        let model_sequences = meter
            .i64_up_down_counter("switchboard.model.active_sequences")
            .with_unit("{sequence}")
            .with_description("Sequences the in-process model is running")
            .build();
        let sequence_positions = meter
            .u64_histogram("switchboard.model.kv_cache.sequence_positions")
            .with_unit("{token}")
            .with_description("KV-cache positions a sequence held when it ended")
            .with_boundaries(
                [
                    64, 128, 256, 512, 1024, 2048, 4096, 8192, 16384, 32768, 65536, 131072, 262144,
                ]
                .map(f64::from)
                .to_vec(),
            )
            .build();
        let vision_encodes = meter
            .u64_counter("switchboard.model.vision.encodes")
            .with_unit("{media}")
            .with_description(
                "Images and videos given to the in-process vision encoder; reused=true when \
                 their features came from the vision cache",
            )
            .build();
        let decode_tokens = meter
            .u64_counter("switchboard.model.decode.tokens")
            .with_unit("{token}")
            .with_description("Tokens the in-process model decoded, every sequence of the batch")
            .build();
        let prefix_lookups = meter
            .u64_counter("switchboard.model.prefix_cache.lookups")
            .with_unit("{prompt}")
            .with_description("Prompts looked up in the in-process model's prefix cache, by hit")
            .build();
        let prefix_tokens = meter
            .u64_counter("switchboard.model.prefix_cache.tokens")
            .with_unit("{token}")
            .with_description("Prompt tokens whose keys and values came from the prefix cache")
            .build();
        let quota_rejections = meter
            .u64_counter("switchboard.quota.rejections")
            .with_unit("{request}")
            .with_description(
                "Requests refused by their tenant's quota, by tenant and quota (rate, \
                 concurrency, tokens)",
            )
            .build();
        let tenant_active = meter
            .i64_up_down_counter("switchboard.tenant.active_requests")
            .with_unit("{request}")
            .with_description("Requests in flight, by tenant")
            .build();
        let reload_failures = meter
            .u64_counter("switchboard.reload.failures")
            .with_unit("{event}")
            .with_description(
                "Watched files (what = tls, api_keys) that could not be read or loaded; the \
                 value before stays in use",
            )
            .build();
        let levels = Arc::new(Levels::default());
        let l = levels.clone();
        meter
            .u64_observable_gauge("switchboard.model.kv_cache.budget")
            .with_unit("By")
            .with_description(
                "Bytes the running batch's KV cache may reach (engine.kv_cache_bytes)",
            )
            .with_callback(move |o| o.observe(l.kv_budget.load(Ordering::Relaxed), &[]))
            .build();
        let l = levels.clone();
        meter
            .u64_observable_gauge("switchboard.model.batch.size")
            .with_unit("{sequence}")
            .with_description("Sequences the in-process model decodes together in each step")
            .with_callback(move |o| o.observe(l.batch_rows.load(Ordering::Relaxed), &[]))
            .build();
        let l = levels.clone();
        meter
            .u64_observable_gauge("switchboard.model.batch.admitted")
            .with_unit("{sequence}")
            .with_description("Sequences admitted to the batch, prefilling ones included")
            .with_callback(move |o| o.observe(l.batch_sequences.load(Ordering::Relaxed), &[]))
            .build();
        let l = levels.clone();
        meter
            .u64_observable_gauge("switchboard.model.kv_cache.tokens")
            .with_unit("{token}")
            .with_description("Positions held in the in-process model's KV cache")
            .with_callback(move |o| o.observe(l.kv_tokens.load(Ordering::Relaxed), &[]))
            .build();
        let l = levels.clone();
        meter
            .u64_observable_gauge("switchboard.model.kv_cache.usage")
            .with_unit("By")
            .with_description("Memory the in-process model's KV cache holds")
            .with_callback(move |o| o.observe(l.kv_bytes.load(Ordering::Relaxed), &[]))
            .build();
        let l = levels.clone();
        meter
            .u64_observable_gauge("switchboard.memory.size")
            .with_unit("By")
            .with_description("Size of the session store (sled) on disk")
            .with_callback(move |o| {
                let size = l.store_size.lock().ok().and_then(|w| w.as_ref()?.upgrade());
                if let Some(size) = size {
                    o.observe(size(), &[]);
                }
            })
            .build();
        let model_active = meter
            .i64_up_down_counter("gen_ai.server.active_requests")
            .with_description("Model calls in flight, by expert")
            .build();
        meter
            .u64_observable_gauge("process.memory.usage")
            .with_unit("By")
            .with_description("Resident memory of the process")
            .with_callback(|o| {
                if let Some(rss) = resident_bytes() {
                    o.observe(rss, &[]);
                }
            })
            .build();
        Metrics {
            provider,
            registry,
            rpc_duration,
            step_duration,
            route_score,
            model_duration,
            time_to_first_token,
            tokens,
            model_active,
            memory_write,
            memory_corruption,
            time_per_output_token,
            model_queue,
            model_sequences,
            sequence_positions,
            vision_encodes,
            decode_tokens,
            prefix_lookups,
            prefix_tokens,
            quota_rejections,
            tenant_active,
            reload_failures,
            levels,
        }
    }

    /// A watched file that did not read or load.
    pub fn reload_failed(&self, what: &'static str) {
        self.reload_failures.add(1, &[KeyValue::new("what", what)]);
    }

    /// The running batch: rows decoding, sequences admitted.
    pub fn set_batch(&self, rows: usize, sequences: usize) {
        let l = &self.levels;
        l.batch_rows.store(rows as u64, Ordering::Relaxed);
        l.batch_sequences.store(sequences as u64, Ordering::Relaxed);
    }

    pub fn set_kv_budget(&self, bytes: usize) {
        self.levels.kv_budget.store(bytes as u64, Ordering::Relaxed);
    }

    /// What the KV cache holds now (0, 0 once nothing runs).
    pub fn set_kv_cache(&self, tokens: usize, bytes: usize) {
        self.levels
            .kv_tokens
            .store(tokens as u64, Ordering::Relaxed);
        self.levels.kv_bytes.store(bytes as u64, Ordering::Relaxed);
    }

    /// Reports the session store's size through `size` while it lives (the last one set wins).
    pub fn watch_store_size(&self, size: &Arc<StoreSize>) {
        if let Ok(mut w) = self.levels.store_size.lock() {
            *w = Some(Arc::downgrade(size));
        }
    }

    /// Everything recorded so far, in the Prometheus text exposition format (0.0.4).
    pub fn prometheus(&self) -> String {
        let mut out = String::new();
        if let Err(e) =
            prometheus::TextEncoder::new().encode_utf8(&self.registry.gather(), &mut out)
        {
            tracing::warn!(error = %e, "encoding metrics");
        }
        out
    }

    /// Pushes what is recorded to the OTLP exporter now (when there is one).
    pub fn flush(&self) {
        if let Err(e) = self.provider.force_flush() {
            tracing::warn!(error = %e, "flushing metrics");
        }
    }

    pub fn shutdown(&self) {
        let _ = self.provider.shutdown();
    }
}

/// Counts one thing in flight on an up-down counter while it lives, however it ends.
pub struct InFlight {
    counter: &'static UpDownCounter<i64>,
    attrs: Vec<KeyValue>,
}

impl InFlight {
    pub fn new(counter: &'static UpDownCounter<i64>, attrs: Vec<KeyValue>) -> Self {
        counter.add(1, &attrs);
        InFlight { counter, attrs }
    }
}

impl Drop for InFlight {
    fn drop(&mut self) {
        self.counter.add(-1, &self.attrs);
    }
}

/// Resident set size from /proc (Linux); None elsewhere.
fn resident_bytes() -> Option<u64> {
    let statm = std::fs::read_to_string("/proc/self/statm").ok()?;
    let pages: u64 = statm.split_whitespace().nth(1)?.parse().ok()?;
    Some(pages * 4096)
}

pub fn attrs(pairs: &[(&'static str, String)]) -> Vec<KeyValue> {
    pairs
        .iter()
        .map(|(k, v)| KeyValue::new(*k, v.clone()))
        .collect()
}

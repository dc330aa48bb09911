//! One `Config` for the whole server, layered: built-in defaults < `switchboard.toml` <
//! `SWITCHBOARD_*` environment variables < command-line flags. Checked once at start-up; nothing
//! else reads the environment or files for settings.

use std::collections::BTreeMap;
use std::net::SocketAddr;
use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};

use crate::error::{Error, Result};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum BackendKind {
    /// No model: routing, memory and model-free experts only.
    None,
    /// A remote OpenAI-compatible chat-completions server (vLLM, SGLang, Ollama, ...).
    Openai,
    /// The in-process Qwen3-VL engine on ONNX Runtime.
    Ort,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum LogFormat {
    Text,
    Json,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct Config {
    /// gRPC listen address.
    pub listen: String,
    /// Where sled keeps session memory.
    pub data_dir: PathBuf,
    pub backend: BackendKind,
    /// Base URL of the OpenAI-compatible server, ending in /v1.
    pub openai_url: String,
    /// Model name sent to that server; empty asks its /models endpoint once.
    pub openai_model: String,
    /// Bearer token for that server, if it wants one.
    pub openai_api_key: String,
    pub openai_connect_timeout_secs: f64,
    /// Longest pause between two chunks of a streamed answer.
    pub openai_idle_timeout_secs: f64,
    /// Retries on connection errors only (never once the server has started answering).
    pub openai_retries: u32,
    /// Times an expert step asks the model again, with the errors, when its answer does not
    /// match the expert's schema; then the request fails.
    pub schema_retries: u32,
    /// Folder with the ONNX graphs for the in-process engine.
    pub model_dir: String,
    /// libonnxruntime.so for the in-process engine (tools/fetch-assets.sh puts it here).
    pub ort_library: PathBuf,
    /// tokenizer.json; empty: the model folder's, else the fetched Qwen tokenizer.
    pub tokenizer: String,
    /// "cpu" or "cuda" (needs the library from the onnxruntime-gpu wheel).
    pub ort_provider: String,
    pub ort_device: u32,
    /// ONNX Runtime intra-op threads; 0 lets it choose.
    pub ort_threads: usize,
    /// transformers.js dtype suffix to load ("q4", "fp16", ...); empty: the plain files.
    pub ort_variant: String,
    /// Prompt tokens per decoder call during prefill.
    pub prefill_chunk: usize,
    /// Requests waiting for the in-process engine; more get RESOURCE_EXHAUSTED.
    pub engine_queue: usize,
    /// Visual tokens (images and video frames together) one request may give the in-process
    /// engine; counted from the headers before decoding. Each costs ~24 KiB of patches.
    pub max_visual_tokens: usize,
    /// "replace" (vLLM / transformers 4.57) or "keep_outer" (transformers 5) video prompt layout.
    pub video_layout: String,
    pub experts_dir: PathBuf,
    pub prompts_dir: PathBuf,
    /// API keys as "tenant:key". Empty: no authentication, every caller is tenant "default".
    pub api_keys: Vec<String>,
    /// Requests answered at once; more get RESOURCE_EXHAUSTED.
    pub max_concurrent_requests: usize,
    /// Classify calls answered at once (they embed text but run no model); more get
    /// RESOURCE_EXHAUSTED.
    pub max_concurrent_classify: usize,
    /// Threads for CPU-heavy steps (decoding media, routing embeddings, OCR, form grounding,
    /// image preprocessing); 0: one per core. Bounds their CPU and memory.
    pub cpu_workers: usize,
    /// Server-side deadline for one request when the client sets none (or a longer one).
    pub request_timeout_secs: f64,
    /// On SIGTERM/SIGINT: how long in-flight requests get to finish.
    pub shutdown_grace_secs: f64,
    /// A connection whose peer sends nothing for this long is closed; one that has not sent the
    /// HTTP/2 preface this long after it was accepted, too. Live clients answer the keepalive
    /// pings, so this only closes silent or dead peers; at least the keepalive interval plus
    /// its timeout.
    pub connection_idle_timeout_secs: f64,
    /// The server pings a connection it has heard nothing from for this long.
    pub http2_keepalive_interval_secs: f64,
    /// A ping not answered within this closes the connection.
    pub http2_keepalive_timeout_secs: f64,
    /// TCP keepalive probes after this much silence (whole seconds); 0 turns them off.
    pub tcp_keepalive_secs: f64,
    /// Open client connections at most (also bounded by the open-files limit); at the cap a new
    /// connection closes the one idle longest, or is refused when all have calls in flight.
    pub max_connections: usize,
    pub log_format: LogFormat,
    /// OTLP/gRPC endpoint that receives traces (e.g. `http://127.0.0.1:4317`, an
    /// OpenTelemetry Collector); empty turns export off. Env: `SWITCHBOARD_OTLP_ENDPOINT`.
    pub otlp_endpoint: String,
    /// Where `/metrics` (Prometheus text format) is served, apart from the gRPC port; empty
    /// turns it off.
    pub metrics_listen: String,
    /// Puts prompts and answers in model spans (`gen_ai.input.messages`, `.output.messages`;
    /// media by type and size only). Off by default: they may hold personal data.
    pub trace_content: bool,
    pub limits: Limits,
    pub memory: MemoryConfig,
    pub routing: RoutingConfig,
    pub ocr: OcrConfig,
}

/// The in-process OCR tool (PP-OCRv4 on ONNX Runtime) used by the OCR and form-filling experts.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct OcrConfig {
    /// Folder with the detection, classification and recognition graphs (tools/fetch-assets.sh
    /// puts them here); empty turns the tool off.
    pub models_dir: String,
    /// ONNX Runtime intra-op threads per OCR model; 0 lets it choose.
    pub threads: usize,
    /// Lines read with a lower mean confidence are dropped.
    pub min_confidence: f32,
    /// Height in pixels lines are sampled to for the recognizer (trained at 48; cost grows
    /// with its square, 40 reads as well on the fixtures).
    pub rec_height: usize,
}

impl Default for OcrConfig {
    fn default() -> Self {
        OcrConfig {
            models_dir: ".assets/ocr".into(),
            threads: 0,
            min_confidence: 0.5,
            rec_height: switchboard_ocr::REC_H,
        }
    }
}

#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct RoutingConfig {
    /// The multilingual sentence encoder (tools/fetch-assets.sh puts it here); empty turns the
    /// semantic stage off.
    pub encoder_model: String,
    /// The rules decide alone when their best score (0..1) reaches this.
    pub rules_threshold: f32,
    /// The semantic stage decides when the best example similarity (cosine) reaches this.
    pub semantic_threshold: f32,
    /// Softmax temperature over similarities.
    pub semantic_temperature: f32,
    /// Ask asks the model which expert (when one is configured) if the best route score is
    /// under this after the semantic stage, or if nothing claimed the request; 0 turns it off.
    pub model_threshold: f32,
    /// Longest wait for the model's routing answer.
    pub model_timeout_secs: f64,
    /// Routing reads at most this many characters of the text (intent shows early; the
    /// encoder's cost grows with length). The expert still gets the whole text.
    pub max_chars: usize,
}

impl Default for RoutingConfig {
    fn default() -> Self {
        RoutingConfig {
            encoder_model: ".assets/encoder/use_multilingual_int8.onnx".into(),
            rules_threshold: 0.5,
            semantic_threshold: 0.3,
            semantic_temperature: 0.05,
            model_threshold: 0.5,
            model_timeout_secs: 10.0,
            max_chars: 512,
        }
    }
}

#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct Limits {
    pub max_request_bytes: usize,
    pub max_media: usize,
    pub max_image_bytes: usize,
    pub max_image_pixels: u64,
    /// All images and frames of one request together: bounds the decoding work per request.
    pub max_request_pixels: u64,
    pub max_video_bytes: usize,
    pub max_video_frames: usize,
    pub max_fps: f64,
    pub max_text_chars: usize,
    pub max_profile_fields: usize,
    pub max_profile_value_chars: usize,
    pub max_new_tokens: u32,
    pub max_stop_sequences: usize,
    pub max_id_chars: usize,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct MemoryConfig {
    /// Earlier turns given to the model as chat history.
    pub history_turns: usize,
    /// Oldest turns are dropped past this many.
    pub max_turns_per_session: usize,
    /// Sessions untouched for this long are deleted.
    pub session_ttl_secs: u64,
    pub sweep_interval_secs: u64,
    /// What start-up does with a session store found damaged.
    pub on_corruption: OnCorruption,
}

/// What start-up does when the session store lost acknowledged writes or does not read back.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum OnCorruption {
    /// Do not start; an operator decides (restore a backup, or choose `quarantine`).
    Refuse,
    /// Move the damaged store aside under a name that says so, and start with an empty one.
    Quarantine,
}

impl Default for Config {
    fn default() -> Self {
        Config {
            listen: "127.0.0.1:50051".into(),
            data_dir: PathBuf::from("data"),
            backend: BackendKind::None,
            openai_url: String::new(),
            openai_model: String::new(),
            openai_api_key: String::new(),
            openai_connect_timeout_secs: 5.0,
            openai_idle_timeout_secs: 120.0,
            openai_retries: 2,
            schema_retries: 1,
            model_dir: String::new(),
            ort_library: PathBuf::from(".assets/onnxruntime/libonnxruntime.so.1.31.1"),
            tokenizer: String::new(),
            ort_provider: "cpu".into(),
            ort_device: 0,
            ort_threads: 0,
            ort_variant: String::new(),
            prefill_chunk: 512,
            engine_queue: 64,
            max_visual_tokens: 16_384,
            video_layout: "replace".into(),
            experts_dir: PathBuf::from("experts"),
            prompts_dir: PathBuf::from("prompts"),
            api_keys: Vec::new(),
            max_concurrent_requests: 64,
            max_concurrent_classify: 4,
            cpu_workers: 0,
            request_timeout_secs: 300.0,
            shutdown_grace_secs: 30.0,
            connection_idle_timeout_secs: 60.0,
            http2_keepalive_interval_secs: 20.0,
            http2_keepalive_timeout_secs: 20.0,
            tcp_keepalive_secs: 60.0,
            max_connections: 4096,
            log_format: LogFormat::Text,
            otlp_endpoint: String::new(),
            metrics_listen: "127.0.0.1:9464".into(),
            trace_content: false,
            limits: Limits::default(),
            memory: MemoryConfig::default(),
            routing: RoutingConfig::default(),
            ocr: OcrConfig::default(),
        }
    }
}

impl Default for Limits {
    fn default() -> Self {
        Limits {
            max_request_bytes: 64 << 20,
            max_media: 16,
            max_image_bytes: 20 << 20,
            max_image_pixels: 50_000_000,
            max_request_pixels: 400_000_000,
            max_video_bytes: 48 << 20,
            max_video_frames: 768,
            max_fps: 60.0,
            max_text_chars: 32_768,
            max_profile_fields: 128,
            max_profile_value_chars: 1024,
            max_new_tokens: 16_384,
            max_stop_sequences: 8,
            max_id_chars: 128,
        }
    }
}

impl Default for MemoryConfig {
    fn default() -> Self {
        MemoryConfig {
            history_turns: 8,
            max_turns_per_session: 1000,
            session_ttl_secs: 30 * 24 * 3600,
            sweep_interval_secs: 600,
            on_corruption: OnCorruption::Refuse,
        }
    }
}

/// Flags given on the command line; `None` leaves the lower layers' value.
#[derive(Debug, Default, Clone)]
pub struct Overrides {
    pub listen: Option<String>,
    pub data_dir: Option<PathBuf>,
    pub backend: Option<BackendKind>,
    pub openai_url: Option<String>,
    pub openai_model: Option<String>,
    pub model_dir: Option<String>,
    pub experts_dir: Option<PathBuf>,
    pub prompts_dir: Option<PathBuf>,
}

/// The environment variable that names the config file; not a config key itself.
pub const CONFIG_PATH_ENV: &str = "SWITCHBOARD_CONFIG";

impl Config {
    /// Loads the layers. `file`: an explicit config path (must exist); otherwise
    /// `$SWITCHBOARD_CONFIG`, otherwise `./switchboard.toml` when present.
    pub fn load(
        file: Option<&Path>,
        env: &BTreeMap<String, String>,
        flags: &Overrides,
    ) -> Result<Config> {
        let path = match file {
            Some(p) => Some(p.to_path_buf()),
            None => env.get(CONFIG_PATH_ENV).map(PathBuf::from).or_else(|| {
                let p = PathBuf::from("switchboard.toml");
                p.exists().then_some(p)
            }),
        };
        let file = match &path {
            Some(path) => Some((
                path.display().to_string(),
                std::fs::read_to_string(path)
                    .map_err(|e| Error::Config(format!("{}: {e}", path.display())))?,
            )),
            None => None,
        };
        Config::from_layers(
            file.as_ref()
                .map(|(name, text)| (name.as_str(), text.as_str())),
            env,
            flags,
        )
    }

    /// The layers from text: `file` is the config file's (name, contents), when there is one.
    pub fn from_layers(
        file: Option<(&str, &str)>,
        env: &BTreeMap<String, String>,
        flags: &Overrides,
    ) -> Result<Config> {
        let mut value = toml::Value::try_from(Config::default())
            .map_err(|e| Error::Config(format!("defaults: {e}")))?;
        if let Some((name, text)) = file {
            let file_value: toml::Value =
                toml::from_str(text).map_err(|e| Error::Config(format!("{name}: {e}")))?;
            merge(&mut value, file_value);
        }

        for (name, raw) in env {
            let Some(key) = name.strip_prefix("SWITCHBOARD_") else {
                continue;
            };
            if name == CONFIG_PATH_ENV {
                continue;
            }
            apply_env(&mut value, name, &key.to_ascii_lowercase(), raw)?;
        }

        let mut config: Config = value
            .try_into()
            .map_err(|e: toml::de::Error| Error::Config(e.message().to_string()))?;
        config.apply(flags);
        config.validate()?;
        Ok(config)
    }

    fn apply(&mut self, o: &Overrides) {
        let o = o.clone();
        if let Some(v) = o.listen {
            self.listen = v;
        }
        if let Some(v) = o.data_dir {
            self.data_dir = v;
        }
        if let Some(v) = o.backend {
            self.backend = v;
        }
        if let Some(v) = o.openai_url {
            self.openai_url = v;
        }
        if let Some(v) = o.openai_model {
            self.openai_model = v;
        }
        if let Some(v) = o.model_dir {
            self.model_dir = v;
        }
        if let Some(v) = o.experts_dir {
            self.experts_dir = v;
        }
        if let Some(v) = o.prompts_dir {
            self.prompts_dir = v;
        }
    }

    pub fn listen_addr(&self) -> Result<SocketAddr> {
        self.listen
            .parse()
            .map_err(|e| Error::Config(format!("listen = {:?}: {e}", self.listen)))
    }

    /// API keys as key -> tenant. A key given twice (to one tenant or two) is an error: which
    /// tenant it names would depend on the order of the list. Messages never show a key.
    pub fn tenants_by_key(&self) -> Result<BTreeMap<String, String>> {
        let mut out: BTreeMap<String, (usize, String)> = BTreeMap::new();
        for (i, entry) in self.api_keys.iter().enumerate() {
            let Some((tenant, key)) = entry.split_once(':') else {
                return Err(Error::Config(format!(
                    "api_keys[{i}] must look like \"tenant:key\""
                )));
            };
            // Presented keys are trimmed too (auth), so a padded one could never match.
            let (tenant, key) = (tenant.trim(), key.trim());
            if tenant.is_empty() || key.is_empty() {
                return Err(Error::Config(format!("api_keys[{i}]: empty tenant or key")));
            }
            if let Some((j, other)) = out.get(key) {
                return Err(Error::Config(format!(
                    "api_keys[{j}] (tenant {other:?}) and api_keys[{i}] (tenant {tenant:?}) have \
                     the same key; each key must be unique"
                )));
            }
            out.insert(key.to_string(), (i, tenant.to_string()));
        }
        Ok(out.into_iter().map(|(k, (_, t))| (k, t)).collect())
    }

    pub fn validate(&self) -> Result<()> {
        self.listen_addr()?;
        self.tenants_by_key()?;
        if self.backend == BackendKind::Openai && self.openai_url.trim().is_empty() {
            return Err(Error::Config(
                "backend = \"openai\" needs openai_url (SWITCHBOARD_OPENAI_URL), e.g. http://gpu-pool:8000/v1".into(),
            ));
        }
        if self.backend == BackendKind::Ort && self.model_dir.trim().is_empty() {
            return Err(Error::Config(
                "backend = \"ort\" needs model_dir (SWITCHBOARD_MODEL_DIR or --model)".into(),
            ));
        }
        if !["cpu", "cuda"].contains(&self.ort_provider.as_str()) {
            return Err(Error::Config(format!(
                "ort_provider = {:?}: expected \"cpu\" or \"cuda\"",
                self.ort_provider
            )));
        }
        if !["replace", "keep_outer"].contains(&self.video_layout.as_str()) {
            return Err(Error::Config(format!(
                "video_layout = {:?}: expected \"replace\" or \"keep_outer\"",
                self.video_layout
            )));
        }
        self.check_ranges()?;
        let keepalive = self.http2_keepalive_interval_secs + self.http2_keepalive_timeout_secs;
        if self.connection_idle_timeout_secs < keepalive {
            return Err(Error::Config(format!(
                "connection_idle_timeout_secs = {} must be at least http2_keepalive_interval_secs \
                 + http2_keepalive_timeout_secs = {keepalive}: otherwise a live client waiting on a \
                 slow answer is closed between two pings",
                self.connection_idle_timeout_secs
            )));
        }
        if self.tcp_keepalive_secs > 0.0 && self.tcp_keepalive_secs < 1.0 {
            return Err(Error::Config(
                "tcp_keepalive_secs: 0 turns it off; otherwise at least 1 (whole seconds)".into(),
            ));
        }
        Ok(())
    }

    /// Every number in range, so that nothing downstream can panic on it
    /// (`Duration::from_secs_f64` does on NaN, negatives and overflow) or misbehave.
    fn check_ranges(&self) -> Result<()> {
        use Range::{AtLeast, Positive};
        let week = MAX_DURATION_SECS;
        let (l, r, m) = (&self.limits, &self.routing, &self.memory);
        // Durations.
        in_range(
            "request_timeout_secs",
            self.request_timeout_secs,
            Positive,
            week,
        )?;
        in_range(
            "shutdown_grace_secs",
            self.shutdown_grace_secs,
            AtLeast(0.0),
            week,
        )?;
        let connect = self.openai_connect_timeout_secs;
        in_range("openai_connect_timeout_secs", connect, Positive, week)?;
        let idle = self.openai_idle_timeout_secs;
        in_range("openai_idle_timeout_secs", idle, Positive, week)?;
        let idle = self.connection_idle_timeout_secs;
        in_range("connection_idle_timeout_secs", idle, Positive, week)?;
        let ping = self.http2_keepalive_interval_secs;
        in_range("http2_keepalive_interval_secs", ping, Positive, week)?;
        let ping = self.http2_keepalive_timeout_secs;
        in_range("http2_keepalive_timeout_secs", ping, Positive, week)?;
        in_range(
            "tcp_keepalive_secs",
            self.tcp_keepalive_secs,
            AtLeast(0.0),
            week,
        )?;
        in_range(
            "routing.model_timeout_secs",
            r.model_timeout_secs,
            Positive,
            week,
        )?;
        let sweep = m.sweep_interval_secs as f64;
        in_range("memory.sweep_interval_secs", sweep, Positive, week)?;
        let ttl = m.session_ttl_secs as f64;
        in_range(
            "memory.session_ttl_secs",
            ttl,
            Positive,
            MAX_SESSION_TTL_SECS,
        )?;
        // Counts: a semaphore or queue of them is allocated, or a loop runs that often.
        let n = self.max_concurrent_requests as f64;
        in_range("max_concurrent_requests", n, Positive, 100_000.0)?;
        in_range(
            "max_connections",
            self.max_connections as f64,
            Positive,
            1e6,
        )?;
        in_range("engine_queue", self.engine_queue as f64, Positive, 1e6)?;
        let n = self.max_visual_tokens as f64;
        in_range("max_visual_tokens", n, Positive, 1e7)?;
        let n = self.max_concurrent_classify as f64;
        in_range("max_concurrent_classify", n, Positive, 100_000.0)?;
        in_range("cpu_workers", self.cpu_workers as f64, AtLeast(0.0), 1024.0)?;
        in_range("routing.max_chars", r.max_chars as f64, Positive, 1e7)?;
        in_range("prefill_chunk", self.prefill_chunk as f64, Positive, 1e6)?;
        in_range(
            "openai_retries",
            f64::from(self.openai_retries),
            AtLeast(0.0),
            10.0,
        )?;
        in_range(
            "schema_retries",
            f64::from(self.schema_retries),
            AtLeast(0.0),
            10.0,
        )?;
        in_range("ort_threads", self.ort_threads as f64, AtLeast(0.0), 1024.0)?;
        in_range("ocr.threads", self.ocr.threads as f64, AtLeast(0.0), 1024.0)?;
        let turns = m.max_turns_per_session as f64;
        in_range("memory.max_turns_per_session", turns, Positive, f64::MAX)?;
        // Limits.
        let bytes = l.max_request_bytes as f64;
        in_range("limits.max_request_bytes", bytes, Positive, f64::MAX)?;
        in_range("limits.max_fps", l.max_fps, Positive, 1000.0)?;
        let tokens = f64::from(l.max_new_tokens);
        in_range("limits.max_new_tokens", tokens, Positive, f64::MAX)?;
        let pixels = l.max_request_pixels as f64;
        in_range("limits.max_request_pixels", pixels, Positive, f64::MAX)?;
        // Ids are echoed in messages (an unknown session's id).
        in_range(
            "limits.max_id_chars",
            l.max_id_chars as f64,
            Positive,
            1024.0,
        )?;
        // Scores: a NaN threshold would make every comparison false.
        let t = f64::from(r.rules_threshold);
        in_range("routing.rules_threshold", t, AtLeast(0.0), 1.0)?;
        let t = f64::from(r.semantic_threshold);
        in_range("routing.semantic_threshold", t, AtLeast(-1.0), 1.0)?;
        let t = f64::from(r.semantic_temperature);
        in_range("routing.semantic_temperature", t, Positive, 10.0)?;
        let t = f64::from(r.model_threshold);
        in_range("routing.model_threshold", t, AtLeast(0.0), 1.0)?;
        let c = f64::from(self.ocr.min_confidence);
        in_range("ocr.min_confidence", c, AtLeast(0.0), 1.0)?;
        Ok(())
    }
}

/// `name = v` must be above `min`, at most `max` and finite (NaN fails every comparison).
fn in_range(name: &str, v: f64, min: Range, max: f64) -> Result<()> {
    let low_ok = match min {
        Range::Positive => v > 0.0,
        Range::AtLeast(m) => v >= m,
    };
    if low_ok && v <= max && v.is_finite() {
        return Ok(());
    }
    let low = match min {
        Range::Positive => "greater than 0".to_string(),
        Range::AtLeast(m) => format!("at least {m}"),
    };
    let high = if max == MAX_DURATION_SECS {
        format!("at most {max} (7 days)")
    } else if max == f64::MAX {
        "finite".into()
    } else {
        format!("at most {max}")
    };
    Err(Error::Config(format!(
        "{name} = {v}: must be {low} and {high}"
    )))
}

/// The longest a timeout, interval or grace period may be: 7 days. Longer means "never" in
/// practice, and it keeps every `Duration` made from a setting far from overflow.
pub const MAX_DURATION_SECS: f64 = 7.0 * 24.0 * 3600.0;
/// `memory.session_ttl_secs` may be longer: 3650 days.
pub const MAX_SESSION_TTL_SECS: f64 = 3650.0 * 24.0 * 3600.0;

/// The lower end of a setting's range.
#[derive(Clone, Copy)]
enum Range {
    Positive,
    AtLeast(f64),
}

/// Deep-merges `over` into `base`: tables merge key by key, anything else replaces.
fn merge(base: &mut toml::Value, over: toml::Value) {
    match (base, over) {
        (toml::Value::Table(b), toml::Value::Table(o)) => {
            for (k, v) in o {
                match b.get_mut(&k) {
                    Some(slot) => merge(slot, v),
                    None => {
                        b.insert(k, v);
                    }
                }
            }
        }
        (slot, v) => *slot = v,
    }
}

/// `SWITCHBOARD_LISTEN` sets `listen`; `SWITCHBOARD_LIMITS__MAX_MEDIA` sets `limits.max_media`.
/// The value is parsed as the type the key has in the defaults; unknown keys are errors, so a
/// typo cannot silently fall back to a default.
fn apply_env(value: &mut toml::Value, name: &str, key: &str, raw: &str) -> Result<()> {
    let path: Vec<&str> = key.split("__").collect();
    let mut slot = &mut *value;
    for part in &path {
        slot = slot
            .get_mut(*part)
            .ok_or_else(|| Error::Config(format!("{name}: no such setting")))?;
    }
    let bad = |what: &str| Error::Config(format!("{name}={raw:?}: expected {what}"));
    let parsed = match slot {
        toml::Value::Integer(_) => {
            toml::Value::Integer(raw.trim().parse().map_err(|_| bad("an integer"))?)
        }
        toml::Value::Float(_) => {
            toml::Value::Float(raw.trim().parse().map_err(|_| bad("a number"))?)
        }
        toml::Value::Boolean(_) => toml::Value::Boolean(match raw.trim() {
            "1" | "true" | "yes" | "on" => true,
            "0" | "false" | "no" | "off" => false,
            _ => return Err(bad("true or false")),
        }),
        toml::Value::Array(_) => toml::Value::Array(
            raw.split(',')
                .map(str::trim)
                .filter(|s| !s.is_empty())
                .map(|s| toml::Value::String(s.to_string()))
                .collect(),
        ),
        toml::Value::Table(_) => return Err(bad("a single value, not a section")),
        _ => toml::Value::String(raw.to_string()),
    };
    *slot = parsed;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn env(pairs: &[(&str, &str)]) -> BTreeMap<String, String> {
        pairs
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect()
    }

    #[test]
    fn layers_apply_in_order() {
        let dir = tempfile::tempdir().unwrap();
        let file = dir.path().join("switchboard.toml");
        std::fs::write(
            &file,
            "listen = \"127.0.0.1:1\"\ndata_dir = \"/from/file\"\nbackend = \"openai\"\nopenai_url = \"http://file/v1\"\n[limits]\nmax_media = 3\n",
        )
        .unwrap();
        let e = env(&[
            ("SWITCHBOARD_DATA_DIR", "/from/env"),
            ("SWITCHBOARD_LIMITS__MAX_MEDIA", "5"),
            ("SWITCHBOARD_OPENAI_URL", "http://env/v1"),
            ("OTHER", "x"),
        ]);
        let flags = Overrides {
            openai_url: Some("http://flag/v1".into()),
            ..Default::default()
        };
        let c = Config::load(Some(&file), &e, &flags).unwrap();
        assert_eq!(c.listen, "127.0.0.1:1");
        assert_eq!(c.data_dir, PathBuf::from("/from/env"));
        assert_eq!(c.limits.max_media, 5);
        assert_eq!(c.openai_url, "http://flag/v1");
        assert_eq!(c.backend, BackendKind::Openai);
        assert_eq!(c.limits.max_text_chars, Limits::default().max_text_chars);
    }

    #[test]
    fn unknown_or_mistyped_env_is_an_error() {
        let flags = Overrides::default();
        let dir = tempfile::tempdir().unwrap();
        let missing = dir.path().join("none.toml");
        std::fs::write(&missing, "").unwrap();
        let e = Config::load(Some(&missing), &env(&[("SWITCHBOARD_LSTEN", "x")]), &flags);
        assert!(e.unwrap_err().to_string().contains("SWITCHBOARD_LSTEN"));
        let e = Config::load(
            Some(&missing),
            &env(&[("SWITCHBOARD_LIMITS__MAX_MEDIA", "many")]),
            &flags,
        );
        assert!(e.unwrap_err().to_string().contains("expected an integer"));
    }

    #[test]
    fn openai_backend_needs_url() {
        let dir = tempfile::tempdir().unwrap();
        let f = dir.path().join("c.toml");
        std::fs::write(&f, "backend = \"openai\"\n").unwrap();
        let e = Config::load(Some(&f), &BTreeMap::new(), &Overrides::default()).unwrap_err();
        assert!(e.to_string().contains("SWITCHBOARD_OPENAI_URL"));
    }

    #[test]
    fn api_keys_from_env_list() {
        let dir = tempfile::tempdir().unwrap();
        let f = dir.path().join("c.toml");
        std::fs::write(&f, "").unwrap();
        let c = Config::load(
            Some(&f),
            &env(&[("SWITCHBOARD_API_KEYS", "acme:k1, beta:k2")]),
            &Overrides::default(),
        )
        .unwrap();
        let m = c.tenants_by_key().unwrap();
        assert_eq!(m.get("k1").map(String::as_str), Some("acme"));
        assert_eq!(m.get("k2").map(String::as_str), Some("beta"));
    }

    #[test]
    fn on_corruption_from_env() {
        let dir = tempfile::tempdir().unwrap();
        let f = dir.path().join("c.toml");
        std::fs::write(&f, "").unwrap();
        let flags = Overrides::default();
        let c = Config::load(Some(&f), &BTreeMap::new(), &flags).unwrap();
        assert_eq!(c.memory.on_corruption, OnCorruption::Refuse);
        let e = env(&[("SWITCHBOARD_MEMORY__ON_CORRUPTION", "quarantine")]);
        let c = Config::load(Some(&f), &e, &flags).unwrap();
        assert_eq!(c.memory.on_corruption, OnCorruption::Quarantine);
        let e = env(&[("SWITCHBOARD_MEMORY__ON_CORRUPTION", "ignore")]);
        let err = Config::load(Some(&f), &e, &flags).unwrap_err().to_string();
        assert!(err.contains("quarantine"), "{err}");
    }

    fn load_toml(text: &str) -> Result<Config> {
        let dir = tempfile::tempdir().unwrap();
        let f = dir.path().join("c.toml");
        std::fs::write(&f, text).unwrap();
        Config::load(Some(&f), &BTreeMap::new(), &Overrides::default())
    }

    fn rejected(text: &str) -> String {
        match load_toml(text) {
            Ok(_) => panic!("{text:?} was accepted"),
            Err(e) => e.to_string(),
        }
    }

    #[test]
    fn the_defaults_are_valid() {
        let c = load_toml("").unwrap();
        assert_eq!(c.connection_idle_timeout_secs, 60.0);
        assert_eq!(c.max_connections, 4096);
    }

    #[test]
    fn durations_out_of_range_stop_start_up() {
        for (text, words) in [
            (
                "request_timeout_secs = 1e20",
                vec!["request_timeout_secs", "604800", "7 days"],
            ),
            (
                "request_timeout_secs = nan",
                vec!["request_timeout_secs = NaN"],
            ),
            (
                "request_timeout_secs = inf",
                vec!["request_timeout_secs = inf"],
            ),
            (
                "request_timeout_secs = -1.0",
                vec!["request_timeout_secs = -1", "greater than 0"],
            ),
            ("request_timeout_secs = 0.0", vec!["greater than 0"]),
            (
                "shutdown_grace_secs = -0.5",
                vec!["shutdown_grace_secs", "at least 0"],
            ),
            ("shutdown_grace_secs = 1e300", vec!["shutdown_grace_secs"]),
            (
                "openai_connect_timeout_secs = nan",
                vec!["openai_connect_timeout_secs"],
            ),
            (
                "openai_idle_timeout_secs = 1e10",
                vec!["openai_idle_timeout_secs"],
            ),
            (
                "connection_idle_timeout_secs = 0.0",
                vec!["connection_idle_timeout_secs"],
            ),
            (
                "http2_keepalive_interval_secs = nan",
                vec!["http2_keepalive_interval_secs"],
            ),
            (
                "http2_keepalive_timeout_secs = -1.0",
                vec!["http2_keepalive_timeout_secs"],
            ),
            ("tcp_keepalive_secs = 1e9", vec!["tcp_keepalive_secs"]),
            (
                "tcp_keepalive_secs = 0.5",
                vec!["tcp_keepalive_secs", "whole seconds"],
            ),
            (
                "[routing]\nmodel_timeout_secs = 1e20",
                vec!["routing.model_timeout_secs"],
            ),
            (
                "[memory]\nsweep_interval_secs = 0",
                vec!["memory.sweep_interval_secs"],
            ),
            (
                "[memory]\nsession_ttl_secs = 999999999999",
                vec!["memory.session_ttl_secs"],
            ),
        ] {
            let e = rejected(text);
            for w in words {
                assert!(e.contains(w), "{text:?}: {e:?} lacks {w:?}");
            }
        }
        // Zero where it means "none" or "off", and the largest allowed value, are fine.
        let c = load_toml(
            "shutdown_grace_secs = 0.0\ntcp_keepalive_secs = 0.0\nrequest_timeout_secs = 604800.0",
        )
        .unwrap();
        assert_eq!(c.request_timeout_secs, 604_800.0);
    }

    #[test]
    fn a_huge_duration_from_the_environment_is_refused_too() {
        let dir = tempfile::tempdir().unwrap();
        let f = dir.path().join("c.toml");
        std::fs::write(&f, "").unwrap();
        let e = Config::load(
            Some(&f),
            &env(&[("SWITCHBOARD_REQUEST_TIMEOUT_SECS", "1e20")]),
            &Overrides::default(),
        )
        .unwrap_err();
        assert!(e.to_string().contains("request_timeout_secs"), "{e}");
    }

    #[test]
    fn other_numbers_out_of_range_stop_start_up() {
        for (text, name) in [
            ("max_concurrent_requests = 0", "max_concurrent_requests"),
            (
                "max_concurrent_requests = 1000000000000",
                "max_concurrent_requests",
            ),
            ("max_connections = 0", "max_connections"),
            ("engine_queue = 0", "engine_queue"),
            ("openai_retries = 4000000000", "openai_retries"),
            ("schema_retries = 11", "schema_retries"),
            ("ort_threads = 100000", "ort_threads"),
            ("[limits]\nmax_fps = nan", "limits.max_fps"),
            ("[limits]\nmax_id_chars = 100000", "limits.max_id_chars"),
            (
                "[routing]\nrules_threshold = nan",
                "routing.rules_threshold",
            ),
            (
                "[routing]\nsemantic_temperature = 0.0",
                "routing.semantic_temperature",
            ),
            (
                "[routing]\nmodel_threshold = 2.0",
                "routing.model_threshold",
            ),
            ("[ocr]\nmin_confidence = -0.1", "ocr.min_confidence"),
        ] {
            let e = rejected(text);
            assert!(e.contains(name), "{text:?}: {e:?}");
        }
    }

    #[test]
    fn the_idle_timeout_must_outlast_a_keepalive_round() {
        let e = rejected(
            "connection_idle_timeout_secs = 30.0\nhttp2_keepalive_interval_secs = 20.0\nhttp2_keepalive_timeout_secs = 20.0",
        );
        assert!(
            e.contains("connection_idle_timeout_secs = 30") && e.contains("40"),
            "{e}"
        );
        load_toml("connection_idle_timeout_secs = 40.0\nhttp2_keepalive_interval_secs = 20.0\nhttp2_keepalive_timeout_secs = 20.0").unwrap();
    }

    #[test]
    fn a_key_given_twice_stops_start_up_without_showing_the_key() {
        for keys in [
            r#"["acme:s3cr3t-key", "beta:s3cr3t-key"]"#,
            r#"["acme:s3cr3t-key", "acme:s3cr3t-key"]"#,
            r#"["acme:s3cr3t-key", "beta: s3cr3t-key "]"#,
        ] {
            let e = rejected(&format!("api_keys = {keys}"));
            assert!(
                e.contains("api_keys[0]") && e.contains("api_keys[1]"),
                "{e}"
            );
            assert!(e.contains("same key") && e.contains("\"acme\""), "{e}");
            assert!(!e.contains("s3cr3t"), "the key leaked: {e}");
        }
        // Distinct keys, padded or not, are fine.
        let c = load_toml(r#"api_keys = ["acme: k1 ", "beta:k2"]"#).unwrap();
        let m = c.tenants_by_key().unwrap();
        assert_eq!(m.get("k1").map(String::as_str), Some("acme"));
        assert_eq!(m.len(), 2);
    }
}

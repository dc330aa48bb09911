//! One `Config` for the whole server, in sections (`[server]`, `[openai]`, `[engine]`, `[ocr]`,
//! `[routing]`, `[memory]`, `[limits]`, ...), layered: built-in defaults < `switchboard.toml` <
//! `SWITCHBOARD_<SECTION>__<KEY>` environment variables < command-line flags. Checked once at
//! start-up; nothing else reads the environment or files for settings.

use std::collections::BTreeMap;
use std::net::SocketAddr;
use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};

use crate::error::{Error, Result};

/// Which model answers the experts that need one.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum BackendKind {
    /// No model: routing, memory and model-free experts only.
    #[default]
    None,
    /// A remote OpenAI-compatible chat-completions server (vLLM, SGLang, Ollama, ...):
    /// the `[openai]` section.
    Openai,
    /// The in-process Qwen3-VL engine on ONNX Runtime: the `[engine]` section.
    Ort,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum LogFormat {
    Text,
    Json,
}

/// Where the in-process engine runs.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Provider {
    Cpu,
    /// Needs the library from the onnxruntime-gpu wheel.
    Cuda,
}

/// How the in-process engine resamples images to the model's size.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum ImageResize {
    /// torchvision's antialiased bicubic: what transformers 5 loads for Qwen3-VL by default.
    Torchvision,
    /// Pillow's bicubic: transformers' PIL image processor (`backend="pil"`).
    Pil,
}

/// How a video's frames are laid out in the prompt.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum VideoLayout {
    /// vLLM, transformers 4.57.
    Replace,
    /// transformers 5.
    KeepOuter,
}

#[derive(Debug, Clone, Default, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct Config {
    /// Which model answers: `[openai]` or `[engine]` say how to reach it.
    pub backend: BackendKind,
    pub server: ServerConfig,
    pub openai: OpenAiConfig,
    pub engine: EngineConfig,
    pub onnxruntime: OnnxRuntimeConfig,
    pub experts: ExpertsConfig,
    pub routing: RoutingConfig,
    pub plans: PlansConfig,
    pub rerank: RerankConfig,
    pub ocr: OcrConfig,
    pub memory: MemoryConfig,
    pub limits: Limits,
    pub video: VideoConfig,
    pub pdf: PdfConfig,
    pub telemetry: TelemetryConfig,
    pub metrics: MetricsConfig,
    pub quotas: QuotasConfig,
}

/// The gRPC listener, its connections, authentication and how much work it takes at once.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct ServerConfig {
    /// gRPC listen address.
    pub listen: String,
    /// API keys as "tenant:key". Empty (and no `api_keys_file`): no authentication, every
    /// caller is tenant "default".
    pub api_keys: Vec<String>,
    /// A file of more API keys, one "tenant:key" a line (a mounted Secret), re-read when it
    /// changes.
    pub api_keys_file: Option<PathBuf>,
    /// How often the key file and the TLS files are checked for changes.
    pub reload_interval_secs: f64,
    /// TLS on the gRPC port: on when `tls.cert` is set.
    pub tls: TlsConfig,
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
    /// Open client connections at most (also bounded by the open-files limit); at the cap a new
    /// connection closes the one idle longest, or is refused when all have calls in flight.
    pub max_connections: usize,
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
}

impl Default for ServerConfig {
    fn default() -> Self {
        ServerConfig {
            listen: "127.0.0.1:50051".into(),
            api_keys: Vec::new(),
            api_keys_file: None,
            reload_interval_secs: 5.0,
            tls: TlsConfig::default(),
            max_concurrent_requests: 64,
            max_concurrent_classify: 4,
            cpu_workers: 0,
            request_timeout_secs: 300.0,
            shutdown_grace_secs: 30.0,
            max_connections: 4096,
            connection_idle_timeout_secs: 60.0,
            http2_keepalive_interval_secs: 20.0,
            http2_keepalive_timeout_secs: 20.0,
            tcp_keepalive_secs: 60.0,
        }
    }
}

/// TLS on the gRPC port (rustls). Files are PEM, re-read when they change.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct TlsConfig {
    /// The server's certificate chain; TLS is on when set.
    pub cert: Option<PathBuf>,
    pub key: Option<PathBuf>,
    /// CAs that sign client certificates: mTLS when set.
    pub client_ca: Option<PathBuf>,
    /// With `client_ca`: whether a client must present a certificate.
    pub client_auth: ClientAuth,
    /// A connection that has not finished its TLS handshake this long after it was accepted is
    /// closed.
    pub handshake_timeout_secs: f64,
}

impl Default for TlsConfig {
    fn default() -> Self {
        TlsConfig {
            cert: None,
            key: None,
            client_ca: None,
            client_auth: ClientAuth::Required,
            handshake_timeout_secs: 10.0,
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum ClientAuth {
    Required,
    /// Clients without a certificate are let in; one that presents a certificate must present
    /// a valid one.
    Optional,
}

/// Per-tenant quotas: `default` for every tenant, `tenants.<name>` overriding its fields.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct QuotasConfig {
    pub default: Quota,
    pub tenants: BTreeMap<String, QuotaOverride>,
    /// A refusal is answered after its retry wait, up to this long (and within the call's
    /// deadline), with RetryInfo told what is left: clients that wait as told wait no longer,
    /// and clients that retry at once cannot come back faster than their calls in flight allow.
    /// 0: refusals are answered at once.
    pub refusal_hold_max_secs: f64,
    /// Refusals held at once, all tenants together; past it they are answered at once.
    pub max_held_refusals: u32,
}

impl Default for QuotasConfig {
    fn default() -> Self {
        QuotasConfig {
            default: Quota::default(),
            tenants: BTreeMap::new(),
            refusal_hold_max_secs: 1.0,
            max_held_refusals: 1024,
        }
    }
}

/// One tenant's quota; 0 means no limit.
#[derive(Debug, Clone, Copy, Default, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct Quota {
    /// Requests (Ask, AskStream, Classify) per second, as a token bucket.
    pub requests_per_second: f64,
    /// The bucket's size: requests that may come at once after a quiet spell; 0: one second's
    /// worth (at least 1).
    pub burst: u32,
    /// Requests in flight at once.
    pub max_concurrent: u32,
    /// Model tokens (prompt and completion) per minute, charged when a request ends; a tenant
    /// in debt is refused until it is paid back.
    pub tokens_per_minute: u64,
}

/// A tenant's own quota: each field set replaces the default's.
#[derive(Debug, Clone, Copy, Default, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct QuotaOverride {
    pub requests_per_second: Option<f64>,
    pub burst: Option<u32>,
    pub max_concurrent: Option<u32>,
    pub tokens_per_minute: Option<u64>,
}

impl QuotasConfig {
    /// The quota `tenant` gets.
    pub fn of(&self, tenant: &str) -> Quota {
        let mut q = self.default;
        if let Some(o) = self.tenants.get(tenant) {
            q.requests_per_second = o.requests_per_second.unwrap_or(q.requests_per_second);
            q.burst = o.burst.unwrap_or(q.burst);
            q.max_concurrent = o.max_concurrent.unwrap_or(q.max_concurrent);
            q.tokens_per_minute = o.tokens_per_minute.unwrap_or(q.tokens_per_minute);
        }
        q
    }
}

/// A remote OpenAI-compatible chat-completions server (`backend = "openai"`).
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct OpenAiConfig {
    /// Base URL, ending in /v1; needed by `backend = "openai"`.
    pub url: Option<String>,
    /// Model name sent to that server; absent: ask its /models endpoint once.
    pub model: Option<String>,
    /// Bearer token for that server, if it wants one.
    pub api_key: Option<String>,
    pub connect_timeout_secs: f64,
    /// Longest pause between two chunks of a streamed answer.
    pub idle_timeout_secs: f64,
    /// Retries on connection errors only (never once the server has started answering).
    pub retries: u32,
    /// How a video file reaches that server: its sampled frames as timestamped images, or the
    /// file itself for servers that decode video (vLLM's `video_url`).
    pub video: OpenAiVideo,
}

/// How the OpenAI-compatible backend sends a video file.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum OpenAiVideo {
    /// The frames Switchboard sampled, each a JPEG after a `<t seconds>` text part.
    #[default]
    Frames,
    /// The file as a `video_url` data URL.
    File,
}

/// Video files: the ffmpeg and ffprobe subprocesses that decode them, and how frames are
/// sampled (Qwen3-VL's video processor; the in-process engine's model overrides these).
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct VideoConfig {
    /// ffmpeg binary (Debian's `ffmpeg` package); a bare name is looked up on PATH.
    pub ffmpeg: PathBuf,
    /// ffprobe binary (same package).
    pub ffprobe: PathBuf,
    /// Wall-clock limit of one ffprobe or ffmpeg run.
    pub timeout_secs: f64,
    /// Address space one run may take (RLIMIT_AS); 0: no cap.
    pub memory_bytes: u64,
    /// Frames sampled per second of video.
    pub fps: f64,
    pub min_frames: usize,
    pub max_frames: usize,
    /// Pixel budget of all sampled frames together (the video processor's `size`).
    pub min_pixels: usize,
    pub max_pixels: usize,
}

/// PDF documents: how pages are drawn (hayro in-process; pdftoppm for a page it cannot draw).
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct PdfConfig {
    /// Resolution pages are rendered at.
    pub dpi: f64,
    /// pdftoppm binary (Debian's `poppler-utils`); a bare name is looked up on PATH.
    pub pdftoppm: PathBuf,
    /// Wall-clock limit of one pdftoppm run (one page).
    pub timeout_secs: f64,
    /// Address space one pdftoppm run may take (RLIMIT_AS); 0: no cap.
    pub memory_bytes: u64,
}

impl Default for PdfConfig {
    fn default() -> Self {
        PdfConfig {
            dpi: 150.0,
            pdftoppm: PathBuf::from("pdftoppm"),
            timeout_secs: 60.0,
            memory_bytes: 1 << 30,
        }
    }
}

impl Default for VideoConfig {
    fn default() -> Self {
        VideoConfig {
            ffmpeg: PathBuf::from("ffmpeg"),
            ffprobe: PathBuf::from("ffprobe"),
            timeout_secs: 120.0,
            memory_bytes: 2 << 30,
            fps: 2.0,
            min_frames: 4,
            max_frames: 768,
            min_pixels: 4096,
            max_pixels: 25_165_824,
        }
    }
}

impl Default for OpenAiConfig {
    fn default() -> Self {
        OpenAiConfig {
            url: None,
            model: None,
            api_key: None,
            connect_timeout_secs: 5.0,
            idle_timeout_secs: 120.0,
            retries: 2,
            video: OpenAiVideo::Frames,
        }
    }
}

/// The in-process Qwen3-VL engine (`backend = "ort"`).
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct EngineConfig {
    /// Folder with the ONNX graphs; needed by `backend = "ort"`.
    pub model_dir: Option<PathBuf>,
    /// tokenizer.json; absent: the model folder's, else the fetched Qwen tokenizer.
    pub tokenizer: Option<PathBuf>,
    pub provider: Provider,
    /// CUDA device.
    pub device: u32,
    /// ONNX Runtime intra-op threads; 0 lets it choose.
    pub threads: usize,
    /// transformers.js dtype suffix to load ("q4", "fp16", ...); absent: the plain files.
    pub variant: Option<String>,
    /// Prompt tokens per decoder call during prefill.
    pub prefill_chunk: usize,
    /// Requests waiting for the engine; more get RESOURCE_EXHAUSTED.
    pub queue: usize,
    /// Sequences the engine decodes together (continuous batching); 1 runs one at a time.
    pub max_batch: usize,
    /// Bytes the running batch's KV cache may reach, were every sequence in it to reach its
    /// token limit (padding included); a request that would pass it waits in the queue. A
    /// request alone always runs.
    pub kv_cache_bytes: usize,
    /// Visual tokens (images and video frames together) one request may give the engine;
    /// counted from the headers before decoding. Each costs ~24 KiB of patches.
    pub max_visual_tokens: usize,
    /// Image resampling; videos are always resampled as torchvision does (transformers' video
    /// processors have no PIL variant).
    pub image_resize: ImageResize,
    /// Bytes of vision features kept so that an image shown again in the same session (or
    /// twice in one request) is not encoded again; 0 turns reuse off.
    pub vision_cache_bytes: usize,
    /// Bytes of prompt-prefix KV kept so that a prompt starting as an earlier one of the same
    /// session (its earlier turns, a retried step) prefills only the rest; 0 turns reuse off.
    pub prefix_cache_bytes: usize,
    pub video_layout: VideoLayout,
}

impl Default for EngineConfig {
    fn default() -> Self {
        EngineConfig {
            model_dir: None,
            tokenizer: None,
            provider: Provider::Cpu,
            device: 0,
            threads: 0,
            variant: None,
            prefill_chunk: 512,
            queue: 64,
            max_batch: 8,
            kv_cache_bytes: 2 << 30,
            max_visual_tokens: 16_384,
            image_resize: ImageResize::Torchvision,
            vision_cache_bytes: 256 << 20,
            prefix_cache_bytes: 512 << 20,
            video_layout: VideoLayout::Replace,
        }
    }
}

/// The ONNX Runtime library the engine, the OCR tool and the routing encoder share.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct OnnxRuntimeConfig {
    /// libonnxruntime.so (tools/fetch-assets.sh puts it here).
    pub library: PathBuf,
}

impl Default for OnnxRuntimeConfig {
    fn default() -> Self {
        OnnxRuntimeConfig {
            library: PathBuf::from(".assets/onnxruntime/libonnxruntime.so.1.31.1"),
        }
    }
}

/// The expert manifests and their prompts.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct ExpertsConfig {
    /// Expert manifests (`*.toml`).
    pub dir: PathBuf,
    /// Prompt templates (minijinja).
    pub prompts_dir: PathBuf,
    /// Times an expert step asks the model again, with the errors, when its answer does not
    /// match the expert's schema; then the request fails.
    pub schema_retries: u32,
}

impl Default for ExpertsConfig {
    fn default() -> Self {
        ExpertsConfig {
            dir: PathBuf::from("experts"),
            prompts_dir: PathBuf::from("prompts"),
            schema_retries: 1,
        }
    }
}

/// The in-process OCR tool (PP-OCRv4 on ONNX Runtime) used by the OCR and form-filling experts.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct OcrConfig {
    /// Off: the OCR and form-filling experts need a model.
    pub enabled: bool,
    /// Folder with the detection, classification and recognition graphs (tools/fetch-assets.sh
    /// puts them here).
    pub models_dir: PathBuf,
    /// Which detection and recognition pair: `v6-tiny` (fastest), `v6-small`, or `v4`.
    pub model: String,
    /// The pair that reads scans and photos instead (pages whose paper is not one flat level),
    /// where a small model loses words to blur and noise; empty: `model` reads every page.
    pub scan_model: String,
    /// ONNX Runtime intra-op threads per OCR model; 0 lets it choose.
    pub threads: usize,
    /// Recognizer sessions reading lines side by side, one thread each; 0: one per core (at
    /// most 4); 1: one session on `threads`.
    pub rec_workers: usize,
    /// Lines read with a lower mean confidence are dropped.
    pub min_confidence: f64,
    /// Height in pixels long lines are sampled to for the recognizer (trained at 48, at which
    /// short lines are read; cost grows with its square, 40 reads as well on the fixtures).
    pub rec_height: usize,
}

impl OcrConfig {
    /// The model `ocr.model` names.
    pub fn model(&self) -> Result<switchboard_ocr::OcrModel> {
        named_model("ocr.model", &self.model, "")
    }

    /// The model `ocr.scan_model` names; None when it is empty.
    pub fn scan_model(&self) -> Result<Option<switchboard_ocr::OcrModel>> {
        if self.scan_model.trim().is_empty() {
            return Ok(None);
        }
        named_model("ocr.scan_model", self.scan_model.trim(), ", or empty").map(Some)
    }
}

/// The OCR model a setting names, or an error naming the setting and the choices.
fn named_model(key: &str, name: &str, or: &str) -> Result<switchboard_ocr::OcrModel> {
    switchboard_ocr::OcrModel::parse(name).ok_or_else(|| {
        Error::Config(format!(
            "{key} = {name:?}: expected one of {}{or}",
            switchboard_ocr::OcrModel::ALL.map(|m| m.name()).join(", ")
        ))
    })
}

impl Default for OcrConfig {
    fn default() -> Self {
        OcrConfig {
            enabled: true,
            models_dir: PathBuf::from(".assets/ocr"),
            model: switchboard_ocr::OcrModel::default().name().to_string(),
            scan_model: switchboard_ocr::OcrModel::V6Small.name().to_string(),
            threads: 0,
            rec_workers: 1,
            min_confidence: 0.5,
            rec_height: switchboard_ocr::REC_H,
        }
    }
}

/// The dispatcher's stages: keyword rules, then example similarity, then (Ask only) the model.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct RoutingConfig {
    /// Routing reads at most this many characters of the text (intent shows early; the
    /// encoder's cost grows with length). The expert still gets the whole text.
    pub max_chars: usize,
    pub rules: RulesRouting,
    pub semantic: SemanticRouting,
    pub learned: LearnedRouting,
    pub model: ModelRouting,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct LearnedRouting {
    /// Off: the rules and the examples route, and clauses compose plans. It needs the sentence
    /// encoder (`routing.semantic.enabled`).
    pub enabled: bool,
    /// The trained classifier (`switchboard train-router` writes it from `bank`); absent:
    /// `routing/model.json` in `experts.dir`, next to the manifests it was trained with.
    pub model: Option<PathBuf>,
    /// The labelled requests it is trained from; absent: `routing/bank.jsonl` in `experts.dir`.
    pub bank: Option<PathBuf>,
}

impl Default for LearnedRouting {
    fn default() -> Self {
        LearnedRouting {
            enabled: true,
            model: None,
            bank: None,
        }
    }
}

#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct RulesRouting {
    /// The rules decide alone when their best score (0..1) reaches this.
    pub threshold: f64,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct SemanticRouting {
    /// Off: rules only (and the model, when on).
    pub enabled: bool,
    /// The multilingual sentence encoder (tools/fetch-assets.sh puts it here).
    pub encoder: PathBuf,
    /// The semantic stage decides when the best example similarity (cosine) reaches this.
    pub threshold: f64,
    /// Softmax temperature over similarities.
    pub temperature: f64,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct ModelRouting {
    /// Ask asks the model which expert (when a backend is configured).
    pub enabled: bool,
    /// ... when the best route score is under this after the semantic stage, or when nothing
    /// claimed the request.
    pub threshold: f64,
    /// Longest wait for the model's routing answer.
    pub timeout_secs: f64,
}

impl Default for RoutingConfig {
    fn default() -> Self {
        RoutingConfig {
            max_chars: 512,
            rules: RulesRouting { threshold: 0.5 },
            semantic: SemanticRouting::default(),
            learned: LearnedRouting::default(),
            model: ModelRouting::default(),
        }
    }
}

impl Default for RulesRouting {
    fn default() -> Self {
        RulesRouting { threshold: 0.5 }
    }
}

impl Default for SemanticRouting {
    fn default() -> Self {
        SemanticRouting {
            enabled: true,
            encoder: PathBuf::from(".assets/encoder/use_multilingual_int8.onnx"),
            threshold: 0.3,
            temperature: 0.05,
        }
    }
}

impl Default for ModelRouting {
    fn default() -> Self {
        ModelRouting {
            enabled: true,
            threshold: 0.5,
            timeout_secs: 10.0,
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
    /// Length of one video file, in seconds (as probed, before decoding).
    pub max_video_seconds: f64,
    /// Bytes of RGB the sampled frames of one video file may decode to, checked before ffmpeg
    /// runs.
    pub max_video_decoded_bytes: u64,
    pub max_pdf_bytes: usize,
    /// Pages of one PDF rendered (after its page range).
    pub max_pdf_pages: usize,
    pub max_fps: f64,
    pub max_text_chars: usize,
    pub max_profile_fields: usize,
    pub max_profile_value_chars: usize,
    pub max_new_tokens: u32,
    pub max_stop_sequences: usize,
    pub max_id_chars: usize,
}

/// Session memory: in sled (embedded, one instance) or Redis (shared by replicas).
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct MemoryConfig {
    /// Where sessions live: "sled" (the default) or "redis" (`memory.redis`).
    pub backend: MemoryBackend,
    /// Where sled keeps session memory.
    pub data_dir: PathBuf,
    /// Earlier turns given to the model as chat history.
    pub history_turns: usize,
    /// Oldest turns are dropped past this many.
    pub max_turns_per_session: usize,
    /// Sessions untouched for this long are deleted (sled: by the sweeper; Redis: by expiry).
    pub session_ttl_secs: u64,
    /// sled only: how often the sweeper runs.
    pub sweep_interval_secs: u64,
    /// sled only: what start-up does with a session store found damaged.
    pub on_corruption: OnCorruption,
    pub redis: RedisConfig,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum MemoryBackend {
    Sled,
    Redis,
}

/// Session memory on Redis (or Valkey), for `memory.backend = "redis"`.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct RedisConfig {
    /// `redis://[user:password@]host:port[/db]`; with `cluster`, one or more nodes of the
    /// cluster, comma-separated (the others are found from them).
    pub url: String,
    /// Redis Cluster: each command goes to its key's shard (a session's keys share one slot).
    pub cluster: bool,
    /// With `rediss://`: the CA certificates (PEM) Redis's certificate must chain to, instead
    /// of the system's roots.
    pub tls_ca: Option<PathBuf>,
    /// With `rediss://`: a client certificate and its key (PEM), for a Redis that asks for one
    /// (`tls-auth-clients yes`).
    pub tls_cert: Option<PathBuf>,
    pub tls_key: Option<PathBuf>,
    /// Put before every key, so that several deployments can share one Redis.
    pub key_prefix: String,
    pub connect_timeout_secs: f64,
    /// A command not answered within this is a failed try.
    pub response_timeout_secs: f64,
    /// Tries after the first when Redis cannot be reached; then UNAVAILABLE.
    pub retries: u32,
    /// The wait before the first retry; doubled for each next one.
    pub retry_backoff_secs: f64,
    /// A request id's single-flight lease: renewed while its request runs, so this is how long
    /// the others wait when its holder dies.
    pub lease_secs: f64,
    /// A turn is acknowledged only once this many Redis replicas have it (`WAIT`); 0: once the
    /// primary has it. Replication is asynchronous otherwise: a failover loses the last writes.
    pub wait_replicas: u32,
    /// How long an append waits for `wait_replicas`; fewer by then is UNAVAILABLE.
    pub wait_timeout_secs: f64,
}

impl Default for RedisConfig {
    fn default() -> Self {
        RedisConfig {
            url: "redis://127.0.0.1:6379".into(),
            cluster: false,
            tls_ca: None,
            tls_cert: None,
            tls_key: None,
            key_prefix: "switchboard".into(),
            connect_timeout_secs: 1.0,
            response_timeout_secs: 2.0,
            retries: 3,
            retry_backoff_secs: 0.05,
            lease_secs: 10.0,
            wait_replicas: 0,
            wait_timeout_secs: 1.0,
        }
    }
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

/// Logs and OpenTelemetry export.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct TelemetryConfig {
    pub log_format: LogFormat,
    /// OTLP/gRPC endpoint that receives traces and metrics (e.g. `http://127.0.0.1:4317`, an
    /// OpenTelemetry Collector); absent: no export.
    pub otlp_endpoint: Option<String>,
    /// Puts prompts and answers in model spans (`gen_ai.input.messages`, `.output.messages`;
    /// media by type and size only). Off by default: they may hold personal data.
    pub trace_content: bool,
}

impl Default for TelemetryConfig {
    fn default() -> Self {
        TelemetryConfig {
            log_format: LogFormat::Text,
            otlp_endpoint: None,
            trace_content: false,
        }
    }
}

/// The Rerank RPC: how much one call may hold, and how a remote backend is asked.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct RerankConfig {
    /// Candidates in one call; more is INVALID_ARGUMENT on `candidates`.
    pub max_candidates: usize,
    /// Images in one call, the query's and every candidate's together.
    pub max_media: usize,
    /// Characters of the query's text, and of each candidate's.
    pub max_text_chars: usize,
    /// Candidates scored at once by a remote backend (one request each).
    pub concurrency: usize,
    /// Candidates the in-process engine scores in one decoder call (one row each, the query's
    /// KV copied into every row); rows times the longest candidate's tokens also stay within
    /// `engine.prefill_chunk`.
    pub batch_size: usize,
    /// Tokens of a reason, with `with_reasons`.
    pub reason_tokens: u32,
    /// Alternatives to the first token a remote backend is asked for (`top_logprobs`); the
    /// OpenAI API allows up to 20.
    pub top_logprobs: u32,
}

impl Default for RerankConfig {
    fn default() -> Self {
        RerankConfig {
            max_candidates: 100,
            max_media: 64,
            max_text_chars: 4000,
            concurrency: 8,
            batch_size: 8,
            reason_tokens: 48,
            top_logprobs: 20,
        }
    }
}

/// Plans over several experts: where they may come from and how much one may do.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct PlansConfig {
    /// Expert steps in one plan (the client's, or one the dispatcher composed).
    pub max_steps: usize,
    /// Steps of one request running at once.
    pub max_parallel: usize,
    /// Steps that may name one step in `after`.
    pub max_fan_out: usize,
    /// The dispatcher composes a plan from a request with several intents ("read this, then
    /// add it up"); off: one expert per request unless the client sends a plan.
    pub compose: bool,
    /// A composed plan runs when the dispatcher's confidence in it reaches this.
    pub compose_threshold: f64,
    /// Characters of earlier steps' output a step is given (OCR lines with their boxes, a
    /// form's actions, a video's events, ...); more is cut, with a warning.
    pub context_chars: usize,
    /// Video frames an OCR step reads: after a video step, at the timeline's events; for a
    /// video file alone, its distinct pictures (form filling fills each).
    pub ocr_frames: usize,
}

impl Default for PlansConfig {
    fn default() -> Self {
        PlansConfig {
            max_steps: 8,
            max_parallel: 4,
            max_fan_out: 4,
            compose: true,
            compose_threshold: 0.3,
            context_chars: 16_384,
            ocr_frames: 16,
        }
    }
}

/// `GET /metrics` (Prometheus text format), apart from the gRPC port.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct MetricsConfig {
    pub enabled: bool,
    pub listen: String,
}

impl Default for MetricsConfig {
    fn default() -> Self {
        MetricsConfig {
            enabled: true,
            listen: "127.0.0.1:9464".into(),
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
            max_video_seconds: 600.0,
            max_video_decoded_bytes: 256 << 20,
            max_pdf_bytes: 48 << 20,
            max_pdf_pages: 64,
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
            backend: MemoryBackend::Sled,
            data_dir: PathBuf::from("data"),
            history_turns: 8,
            max_turns_per_session: 1000,
            session_ttl_secs: 30 * 24 * 3600,
            sweep_interval_secs: 600,
            on_corruption: OnCorruption::Refuse,
            redis: RedisConfig::default(),
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
    pub model_dir: Option<PathBuf>,
    pub experts_dir: Option<PathBuf>,
    pub prompts_dir: Option<PathBuf>,
}

/// The environment variable that names the config file; not a config key itself.
pub const CONFIG_PATH_ENV: &str = "SWITCHBOARD_CONFIG";

/// Keys of the flat layout before sections, and where they went: an old config file or
/// variable stops start-up with the new name instead of "unknown field".
const MOVED: &[(&str, &str)] = &[
    ("listen", "server.listen"),
    ("api_keys", "server.api_keys"),
    ("max_concurrent_requests", "server.max_concurrent_requests"),
    ("max_concurrent_classify", "server.max_concurrent_classify"),
    ("cpu_workers", "server.cpu_workers"),
    ("request_timeout_secs", "server.request_timeout_secs"),
    ("shutdown_grace_secs", "server.shutdown_grace_secs"),
    ("max_connections", "server.max_connections"),
    (
        "connection_idle_timeout_secs",
        "server.connection_idle_timeout_secs",
    ),
    (
        "http2_keepalive_interval_secs",
        "server.http2_keepalive_interval_secs",
    ),
    (
        "http2_keepalive_timeout_secs",
        "server.http2_keepalive_timeout_secs",
    ),
    ("tcp_keepalive_secs", "server.tcp_keepalive_secs"),
    ("data_dir", "memory.data_dir"),
    ("openai_url", "openai.url"),
    ("openai_model", "openai.model"),
    ("openai_api_key", "openai.api_key"),
    ("openai_connect_timeout_secs", "openai.connect_timeout_secs"),
    ("openai_idle_timeout_secs", "openai.idle_timeout_secs"),
    ("openai_retries", "openai.retries"),
    ("schema_retries", "experts.schema_retries"),
    ("experts_dir", "experts.dir"),
    ("prompts_dir", "experts.prompts_dir"),
    ("model_dir", "engine.model_dir"),
    ("tokenizer", "engine.tokenizer"),
    ("ort_provider", "engine.provider"),
    ("ort_device", "engine.device"),
    ("ort_threads", "engine.threads"),
    ("ort_variant", "engine.variant"),
    ("prefill_chunk", "engine.prefill_chunk"),
    ("engine_queue", "engine.queue"),
    ("max_visual_tokens", "engine.max_visual_tokens"),
    ("video_layout", "engine.video_layout"),
    ("ort_library", "onnxruntime.library"),
    ("log_format", "telemetry.log_format"),
    ("otlp_endpoint", "telemetry.otlp_endpoint"),
    ("trace_content", "telemetry.trace_content"),
    ("metrics_listen", "metrics.listen (and metrics.enabled)"),
    (
        "routing.encoder_model",
        "routing.semantic.encoder (and routing.semantic.enabled)",
    ),
    ("routing.rules_threshold", "routing.rules.threshold"),
    ("routing.semantic_threshold", "routing.semantic.threshold"),
    (
        "routing.semantic_temperature",
        "routing.semantic.temperature",
    ),
    (
        "routing.model_threshold",
        "routing.model.threshold (and routing.model.enabled)",
    ),
    ("routing.model_timeout_secs", "routing.model.timeout_secs"),
];

/// The new place of a key of the flat layout, as a message.
fn moved(old: &str) -> Option<String> {
    MOVED.iter().find(|(o, _)| *o == old).map(|(_, new)| {
        format!("`{old}` is now `{new}`: settings are in sections (README, Configuration)")
    })
}

/// `a.b.c` as its environment variable: `SWITCHBOARD_A__B__C`.
pub fn env_name(key: &str) -> String {
    format!(
        "SWITCHBOARD_{}",
        key.replace('.', "__").to_ascii_uppercase()
    )
}

impl Config {
    /// The routing model's file (`routing.learned.model`, else beside the manifests).
    pub fn routing_model(&self) -> PathBuf {
        let l = &self.routing.learned;
        l.model
            .clone()
            .unwrap_or_else(|| self.experts.dir.join("routing/model.json"))
    }

    /// The routing bank's file (`routing.learned.bank`, else beside the manifests).
    pub fn routing_bank(&self) -> PathBuf {
        let l = &self.routing.learned;
        l.bank
            .clone()
            .unwrap_or_else(|| self.experts.dir.join("routing/bank.jsonl"))
    }

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
            if let Some(hint) = old_keys(&file_value) {
                return Err(Error::Config(format!("{name}: {hint}")));
            }
            merge(&mut value, file_value);
        }

        // Optional keys absent from the defaults that a variable set, for the message when
        // one turns out not to be a setting at all.
        let mut added = Vec::new();
        for (name, raw) in env {
            let Some(key) = name.strip_prefix("SWITCHBOARD_") else {
                continue;
            };
            if name == CONFIG_PATH_ENV {
                continue;
            }
            apply_env(&mut value, name, &key.to_ascii_lowercase(), raw, &mut added)?;
        }

        let mut config: Config = value.try_into().map_err(|e: toml::de::Error| {
            let message = e.message().to_string();
            for (leaf, name) in &added {
                if message.contains(&format!("unknown field `{leaf}`")) {
                    return Error::Config(format!("{name}: no such setting"));
                }
            }
            Error::Config(message)
        })?;
        config.apply(flags);
        config.validate()?;
        Ok(config)
    }

    fn apply(&mut self, o: &Overrides) {
        let o = o.clone();
        if let Some(v) = o.listen {
            self.server.listen = v;
        }
        if let Some(v) = o.data_dir {
            self.memory.data_dir = v;
        }
        if let Some(v) = o.backend {
            self.backend = v;
        }
        if let Some(v) = o.openai_url {
            self.openai.url = Some(v);
        }
        if let Some(v) = o.openai_model {
            self.openai.model = Some(v);
        }
        if let Some(v) = o.model_dir {
            self.engine.model_dir = Some(v);
        }
        if let Some(v) = o.experts_dir {
            self.experts.dir = v;
        }
        if let Some(v) = o.prompts_dir {
            self.experts.prompts_dir = v;
        }
    }

    pub fn listen_addr(&self) -> Result<SocketAddr> {
        let listen = &self.server.listen;
        listen
            .parse()
            .map_err(|e| Error::Config(format!("server.listen = {listen:?}: {e}")))
    }

    /// API keys as key -> tenant. A key given twice (to one tenant or two) is an error: which
    /// tenant it names would depend on the order of the list. Messages never show a key.
    pub fn tenants_by_key(&self) -> Result<BTreeMap<String, String>> {
        let mut out: BTreeMap<String, (usize, String)> = BTreeMap::new();
        for (i, entry) in self.server.api_keys.iter().enumerate() {
            let Some((tenant, key)) = entry.split_once(':') else {
                return Err(Error::Config(format!(
                    "server.api_keys[{i}] must look like \"tenant:key\""
                )));
            };
            // Presented keys are trimmed too (auth), so a padded one could never match.
            let (tenant, key) = (tenant.trim(), key.trim());
            if tenant.is_empty() || key.is_empty() {
                return Err(Error::Config(format!(
                    "server.api_keys[{i}]: empty tenant or key"
                )));
            }
            if let Some((j, other)) = out.get(key) {
                return Err(Error::Config(format!(
                    "server.api_keys[{j}] (tenant {other:?}) and server.api_keys[{i}] (tenant \
                     {tenant:?}) have the same key; each key must be unique"
                )));
            }
            out.insert(key.to_string(), (i, tenant.to_string()));
        }
        Ok(out.into_iter().map(|(k, (_, t))| (k, t)).collect())
    }

    /// The in-process engine's model folder (`backend = "ort"`; `validate` checks it is set).
    pub fn model_dir(&self) -> &Path {
        self.engine.model_dir.as_deref().unwrap_or(Path::new(""))
    }

    pub fn validate(&self) -> Result<()> {
        self.listen_addr()?;
        self.tenants_by_key()?;
        let blank = |s: &Option<String>| s.as_deref().is_none_or(|s| s.trim().is_empty());
        if self.backend == BackendKind::Openai && blank(&self.openai.url) {
            return Err(Error::Config(
                "backend = \"openai\" needs openai.url (SWITCHBOARD_OPENAI__URL or --openai-url), \
                 e.g. http://gpu-pool:8000/v1"
                    .into(),
            ));
        }
        self.ocr.model()?;
        self.ocr.scan_model()?;
        let no_model = self.model_dir().as_os_str().is_empty();
        if self.backend == BackendKind::Ort && no_model {
            return Err(Error::Config(
                "backend = \"ort\" needs engine.model_dir (SWITCHBOARD_ENGINE__MODEL_DIR or --model)"
                    .into(),
            ));
        }
        if self.metrics.enabled {
            let listen = &self.metrics.listen;
            listen.parse::<SocketAddr>().map_err(|e| {
                Error::Config(format!(
                    "metrics.listen = {listen:?}: {e} (or metrics.enabled = false)"
                ))
            })?;
        }
        self.check_ranges()?;
        let s = &self.server;
        let keepalive = s.http2_keepalive_interval_secs + s.http2_keepalive_timeout_secs;
        if s.connection_idle_timeout_secs < keepalive {
            return Err(Error::Config(format!(
                "server.connection_idle_timeout_secs = {} must be at least \
                 server.http2_keepalive_interval_secs + server.http2_keepalive_timeout_secs = \
                 {keepalive}: otherwise a live client waiting on a slow answer is closed between \
                 two pings",
                s.connection_idle_timeout_secs
            )));
        }
        let tls = &s.tls;
        if tls.cert.is_some() != tls.key.is_some() {
            return Err(Error::Config(
                "server.tls.cert and server.tls.key go together: set both for TLS, or neither"
                    .into(),
            ));
        }
        if tls.client_ca.is_some() && tls.cert.is_none() {
            return Err(Error::Config(
                "server.tls.client_ca (mTLS) needs TLS: set server.tls.cert and server.tls.key"
                    .into(),
            ));
        }
        if s.tcp_keepalive_secs > 0.0 && s.tcp_keepalive_secs < 1.0 {
            return Err(Error::Config(
                "server.tcp_keepalive_secs: 0 turns it off; otherwise at least 1 (whole seconds)"
                    .into(),
            ));
        }
        Ok(())
    }

    /// Every number in range, so that nothing downstream can panic on it
    /// (`Duration::from_secs_f64` does on NaN, negatives and overflow) or misbehave.
    fn check_ranges(&self) -> Result<()> {
        use Range::{AtLeast, Positive};
        let week = MAX_DURATION_SECS;
        let (s, l, r, m) = (&self.server, &self.limits, &self.routing, &self.memory);
        let (o, e) = (&self.openai, &self.engine);
        let count = |v: usize| v as f64;
        // Durations.
        let t = s.request_timeout_secs;
        in_range("server.request_timeout_secs", t, Positive, week)?;
        let t = s.shutdown_grace_secs;
        in_range("server.shutdown_grace_secs", t, AtLeast(0.0), week)?;
        let t = o.connect_timeout_secs;
        in_range("openai.connect_timeout_secs", t, Positive, week)?;
        let t = o.idle_timeout_secs;
        in_range("openai.idle_timeout_secs", t, Positive, week)?;
        let t = s.connection_idle_timeout_secs;
        in_range("server.connection_idle_timeout_secs", t, Positive, week)?;
        let t = s.http2_keepalive_interval_secs;
        in_range("server.http2_keepalive_interval_secs", t, Positive, week)?;
        let t = s.http2_keepalive_timeout_secs;
        in_range("server.http2_keepalive_timeout_secs", t, Positive, week)?;
        let t = s.tcp_keepalive_secs;
        in_range("server.tcp_keepalive_secs", t, AtLeast(0.0), week)?;
        let t = r.model.timeout_secs;
        in_range("routing.model.timeout_secs", t, Positive, week)?;
        let t = s.reload_interval_secs;
        in_range("server.reload_interval_secs", t, AtLeast(0.01), week)?;
        let t = s.tls.handshake_timeout_secs;
        in_range("server.tls.handshake_timeout_secs", t, Positive, 600.0)?;
        let q = &self.quotas;
        let t = q.refusal_hold_max_secs;
        in_range("quotas.refusal_hold_max_secs", t, AtLeast(0.0), 60.0)?;
        let n = f64::from(q.max_held_refusals);
        in_range("quotas.max_held_refusals", n, AtLeast(0.0), 1e6)?;
        for (name, quota) in std::iter::once(("default".to_string(), q.default))
            .chain(q.tenants.keys().map(|t| (format!("tenants.{t}"), q.of(t))))
        {
            let rps = quota.requests_per_second;
            in_range(
                &format!("quotas.{name}.requests_per_second"),
                rps,
                AtLeast(0.0),
                1e9,
            )?;
        }
        let t = m.sweep_interval_secs as f64;
        in_range("memory.sweep_interval_secs", t, Positive, week)?;
        let t = m.session_ttl_secs as f64;
        in_range("memory.session_ttl_secs", t, Positive, MAX_SESSION_TTL_SECS)?;
        // Counts: a semaphore or queue of them is allocated, or a loop runs that often.
        let n = count(s.max_concurrent_requests);
        in_range("server.max_concurrent_requests", n, Positive, 100_000.0)?;
        let n = count(s.max_connections);
        in_range("server.max_connections", n, Positive, 1e6)?;
        in_range("engine.queue", count(e.queue), Positive, 1e6)?;
        in_range("engine.max_batch", count(e.max_batch), Positive, 256.0)?;
        let n = count(e.kv_cache_bytes);
        in_range("engine.kv_cache_bytes", n, Positive, f64::MAX)?;
        let n = count(e.max_visual_tokens);
        in_range("engine.max_visual_tokens", n, Positive, 1e7)?;
        let n = count(s.max_concurrent_classify);
        in_range("server.max_concurrent_classify", n, Positive, 100_000.0)?;
        let n = count(s.cpu_workers);
        in_range("server.cpu_workers", n, AtLeast(0.0), 1024.0)?;
        in_range("routing.max_chars", count(r.max_chars), Positive, 1e7)?;
        let n = count(e.prefill_chunk);
        in_range("engine.prefill_chunk", n, Positive, 1e6)?;
        let n = f64::from(o.retries);
        in_range("openai.retries", n, AtLeast(0.0), 10.0)?;
        let n = f64::from(self.experts.schema_retries);
        in_range("experts.schema_retries", n, AtLeast(0.0), 10.0)?;
        in_range("engine.threads", count(e.threads), AtLeast(0.0), 1024.0)?;
        let n = count(self.ocr.threads);
        in_range("ocr.threads", n, AtLeast(0.0), 1024.0)?;
        let n = count(m.max_turns_per_session);
        // The Redis store trims with a signed 64-bit index.
        in_range("memory.max_turns_per_session", n, Positive, 1e15)?;
        let rc = &m.redis;
        if rc.key_prefix.contains(['{', '}']) {
            // A brace there would become every key's hash tag: all sessions in one slot.
            return Err(Error::Config(format!(
                "memory.redis.key_prefix = {:?}: must not contain {{ or }}",
                rc.key_prefix
            )));
        }
        if rc.tls_cert.is_some() != rc.tls_key.is_some() {
            return Err(Error::Config(
                "memory.redis.tls_cert and memory.redis.tls_key go together: set both, or neither"
                    .into(),
            ));
        }
        let tls = rc.tls_ca.is_some() || rc.tls_cert.is_some();
        if tls && !rc.url.split(',').all(|u| u.trim().starts_with("rediss://")) {
            return Err(Error::Config(
                "memory.redis.tls_ca, tls_cert and tls_key are for TLS: memory.redis.url must be \
                 rediss://"
                    .into(),
            ));
        }
        let t = rc.connect_timeout_secs;
        in_range("memory.redis.connect_timeout_secs", t, Positive, 600.0)?;
        let t = rc.response_timeout_secs;
        in_range("memory.redis.response_timeout_secs", t, Positive, 600.0)?;
        let t = rc.retry_backoff_secs;
        in_range("memory.redis.retry_backoff_secs", t, AtLeast(0.0), 60.0)?;
        in_range("memory.redis.lease_secs", rc.lease_secs, AtLeast(0.1), week)?;
        let n = f64::from(rc.retries);
        in_range("memory.redis.retries", n, AtLeast(0.0), 20.0)?;
        let n = f64::from(rc.wait_replicas);
        in_range("memory.redis.wait_replicas", n, AtLeast(0.0), 100.0)?;
        let t = rc.wait_timeout_secs;
        in_range("memory.redis.wait_timeout_secs", t, Positive, 600.0)?;
        // WAIT blocks for its timeout; a response timeout no longer cuts it off and retries it.
        if rc.wait_replicas > 0 && t >= rc.response_timeout_secs {
            return Err(Error::Config(format!(
                "memory.redis.wait_timeout_secs ({t}) must be below \
                 memory.redis.response_timeout_secs ({}), or WAIT is cut off before it answers",
                rc.response_timeout_secs
            )));
        }
        let rr = &self.rerank;
        let n = count(rr.max_candidates);
        in_range("rerank.max_candidates", n, Positive, 10_000.0)?;
        in_range(
            "rerank.max_media",
            count(rr.max_media),
            AtLeast(0.0),
            10_000.0,
        )?;
        let n = count(rr.max_text_chars);
        in_range("rerank.max_text_chars", n, Positive, 1e6)?;
        in_range(
            "rerank.concurrency",
            count(rr.concurrency),
            Positive,
            1024.0,
        )?;
        let n = count(rr.batch_size);
        in_range("rerank.batch_size", n, Positive, 256.0)?;
        let n = f64::from(rr.reason_tokens);
        in_range("rerank.reason_tokens", n, Positive, 4096.0)?;
        let n = f64::from(rr.top_logprobs);
        in_range("rerank.top_logprobs", n, AtLeast(2.0), 20.0)?;
        let p = &self.plans;
        in_range("plans.max_steps", count(p.max_steps), Positive, 64.0)?;
        in_range("plans.max_parallel", count(p.max_parallel), Positive, 64.0)?;
        in_range("plans.max_fan_out", count(p.max_fan_out), Positive, 64.0)?;
        let t = p.compose_threshold;
        in_range("plans.compose_threshold", t, AtLeast(0.0), 1.0)?;
        in_range("plans.context_chars", count(p.context_chars), Positive, 1e7)?;
        in_range("plans.ocr_frames", count(p.ocr_frames), Positive, 768.0)?;
        // Limits.
        let bytes = l.max_request_bytes as f64;
        in_range("limits.max_request_bytes", bytes, Positive, f64::MAX)?;
        in_range("limits.max_fps", l.max_fps, Positive, 1000.0)?;
        in_range(
            "limits.max_video_seconds",
            l.max_video_seconds,
            Positive,
            week,
        )?;
        let bytes = l.max_video_decoded_bytes as f64;
        in_range("limits.max_video_decoded_bytes", bytes, Positive, f64::MAX)?;
        in_range(
            "limits.max_pdf_bytes",
            count(l.max_pdf_bytes),
            Positive,
            f64::MAX,
        )?;
        in_range(
            "limits.max_pdf_pages",
            count(l.max_pdf_pages),
            Positive,
            10_000.0,
        )?;
        let p = &self.pdf;
        in_range("pdf.dpi", p.dpi, AtLeast(18.0), 1200.0)?;
        in_range("pdf.timeout_secs", p.timeout_secs, Positive, week)?;
        let v = &self.video;
        in_range("video.timeout_secs", v.timeout_secs, Positive, week)?;
        in_range("video.fps", v.fps, Positive, 240.0)?;
        in_range("video.min_frames", count(v.min_frames), Positive, 768.0)?;
        let n = count(v.max_frames);
        in_range("video.max_frames", n, AtLeast(count(v.min_frames)), 768.0)?;
        in_range("video.min_pixels", count(v.min_pixels), Positive, f64::MAX)?;
        let n = count(v.max_pixels);
        in_range(
            "video.max_pixels",
            n,
            AtLeast(count(v.min_pixels)),
            f64::MAX,
        )?;
        let tokens = f64::from(l.max_new_tokens);
        in_range("limits.max_new_tokens", tokens, Positive, f64::MAX)?;
        let pixels = l.max_request_pixels as f64;
        in_range("limits.max_request_pixels", pixels, Positive, f64::MAX)?;
        // Ids are echoed in messages (an unknown session's id).
        let n = count(l.max_id_chars);
        in_range("limits.max_id_chars", n, Positive, 1024.0)?;
        // Scores: a NaN threshold would make every comparison false.
        let t = r.rules.threshold;
        in_range("routing.rules.threshold", t, AtLeast(0.0), 1.0)?;
        let t = r.semantic.threshold;
        in_range("routing.semantic.threshold", t, AtLeast(-1.0), 1.0)?;
        let t = r.semantic.temperature;
        in_range("routing.semantic.temperature", t, Positive, 10.0)?;
        let t = r.model.threshold;
        in_range("routing.model.threshold", t, AtLeast(0.0), 1.0)?;
        let c = self.ocr.min_confidence;
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

/// The first key of the flat layout (before sections) in a config file, as a message.
fn old_keys(file: &toml::Value) -> Option<String> {
    MOVED.iter().find_map(|(old, _)| {
        let mut slot = file;
        for part in old.split('.') {
            slot = slot.get(part)?;
        }
        moved(old)
    })
}

/// `SWITCHBOARD_BACKEND` sets `backend`; `SWITCHBOARD_LIMITS__MAX_MEDIA` sets `limits.max_media`.
/// The value is parsed as the type the key has in the defaults. A key absent from the defaults
/// (an optional one, such as `openai.url`) is set as text and recorded in `added`: the typed
/// parse then says whether it exists. Unknown keys are errors, so a typo cannot silently fall
/// back to a default.
fn apply_env(
    value: &mut toml::Value,
    name: &str,
    key: &str,
    raw: &str,
    added: &mut Vec<(String, String)>,
) -> Result<()> {
    let no_such = || {
        let hint = moved(&key.replace("__", "."))
            .map(|m| format!(" ({m}; as a variable, {})", env_name(&new_key(key))))
            .unwrap_or_default();
        Error::Config(format!("{name}: no such setting{hint}"))
    };
    let path: Vec<&str> = key.split("__").collect();
    let (leaf, sections) = path.split_last().ok_or_else(no_such)?;
    let mut slot = &mut *value;
    for part in sections {
        slot = slot.get_mut(*part).ok_or_else(no_such)?;
    }
    let table = slot.as_table_mut().ok_or_else(no_such)?;
    if leaf.is_empty() || moved(&key.replace("__", ".")).is_some() {
        return Err(no_such());
    }
    let Some(slot) = table.get_mut(*leaf) else {
        table.insert(leaf.to_string(), toml::Value::String(raw.to_string()));
        added.push((leaf.to_string(), name.to_string()));
        return Ok(());
    };
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

/// The new dotted key of a moved one (`openai_url` -> `openai.url`), without the notes in
/// parentheses.
fn new_key(old_env_key: &str) -> String {
    let old = old_env_key.replace("__", ".");
    MOVED
        .iter()
        .find(|(o, _)| *o == old)
        .map(|(_, new)| new.split(' ').next().unwrap_or(new).to_string())
        .unwrap_or(old)
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
            "backend = \"openai\"\n[server]\nlisten = \"127.0.0.1:1\"\n[memory]\ndata_dir = \"/from/file\"\n[openai]\nurl = \"http://file/v1\"\n[limits]\nmax_media = 3\n",
        )
        .unwrap();
        let e = env(&[
            ("SWITCHBOARD_MEMORY__DATA_DIR", "/from/env"),
            ("SWITCHBOARD_LIMITS__MAX_MEDIA", "5"),
            ("SWITCHBOARD_OPENAI__URL", "http://env/v1"),
            ("OTHER", "x"),
        ]);
        let flags = Overrides {
            openai_url: Some("http://flag/v1".into()),
            ..Default::default()
        };
        let c = Config::load(Some(&file), &e, &flags).unwrap();
        assert_eq!(c.server.listen, "127.0.0.1:1");
        assert_eq!(c.memory.data_dir, PathBuf::from("/from/env"));
        assert_eq!(c.limits.max_media, 5);
        assert_eq!(c.openai.url.as_deref(), Some("http://flag/v1"));
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
        assert!(e.to_string().contains("SWITCHBOARD_OPENAI__URL"));
    }

    #[test]
    fn api_keys_from_env_list() {
        let dir = tempfile::tempdir().unwrap();
        let f = dir.path().join("c.toml");
        std::fs::write(&f, "").unwrap();
        let c = Config::load(
            Some(&f),
            &env(&[("SWITCHBOARD_SERVER__API_KEYS", "acme:k1, beta:k2")]),
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
    fn a_replica_wait_longer_than_the_response_timeout_stops_start_up() {
        let redis = "[memory.redis]\nwait_replicas = 1\nresponse_timeout_secs = 2.0\n";
        let e = rejected(&format!("{redis}wait_timeout_secs = 2.0"));
        assert!(e.contains("wait_timeout_secs (2) must be below"), "{e}");
        load_toml(&format!("{redis}wait_timeout_secs = 1.5")).unwrap();
        // No replicas asked for: the wait is never sent.
        load_toml("[memory.redis]\nwait_timeout_secs = 5.0").unwrap();
    }

    #[test]
    fn redis_tls_files_need_rediss_and_come_in_pairs() {
        let e = rejected("[memory.redis]\ntls_ca = \"/ca.pem\"");
        assert!(e.contains("must be rediss://"), "{e}");
        let e = rejected("[memory.redis]\nurl = \"rediss://r:6380\"\ntls_cert = \"/c.pem\"");
        assert!(
            e.contains("tls_cert and memory.redis.tls_key go together"),
            "{e}"
        );
        let cluster = "[memory.redis]\ncluster = true\ntls_ca = \"/ca.pem\"\n";
        let e = rejected(&format!("{cluster}url = \"rediss://a:1, redis://b:2\""));
        assert!(e.contains("must be rediss://"), "{e}");
        load_toml(&format!("{cluster}url = \"rediss://a:1, rediss://b:2\"")).unwrap();
    }

    #[test]
    fn the_defaults_are_valid() {
        let c = load_toml("").unwrap();
        assert_eq!(c.server.connection_idle_timeout_secs, 60.0);
        assert_eq!(c.server.max_connections, 4096);
    }

    #[test]
    fn durations_out_of_range_stop_start_up() {
        for (text, words) in [
            (
                "[server]\nrequest_timeout_secs = 1e20",
                vec!["request_timeout_secs", "604800", "7 days"],
            ),
            (
                "[server]\nrequest_timeout_secs = nan",
                vec!["server.request_timeout_secs = NaN"],
            ),
            (
                "[server]\nrequest_timeout_secs = inf",
                vec!["server.request_timeout_secs = inf"],
            ),
            (
                "[server]\nrequest_timeout_secs = -1.0",
                vec!["server.request_timeout_secs = -1", "greater than 0"],
            ),
            (
                "[server]\nrequest_timeout_secs = 0.0",
                vec!["greater than 0"],
            ),
            (
                "[server]\nshutdown_grace_secs = -0.5",
                vec!["shutdown_grace_secs", "at least 0"],
            ),
            (
                "[server]\nshutdown_grace_secs = 1e300",
                vec!["shutdown_grace_secs"],
            ),
            (
                "[openai]\nconnect_timeout_secs = nan",
                vec!["openai.connect_timeout_secs"],
            ),
            (
                "[openai]\nidle_timeout_secs = 1e10",
                vec!["openai.idle_timeout_secs"],
            ),
            (
                "[server]\nconnection_idle_timeout_secs = 0.0",
                vec!["connection_idle_timeout_secs"],
            ),
            (
                "[server]\nhttp2_keepalive_interval_secs = nan",
                vec!["http2_keepalive_interval_secs"],
            ),
            (
                "[server]\nhttp2_keepalive_timeout_secs = -1.0",
                vec!["http2_keepalive_timeout_secs"],
            ),
            (
                "[server]\ntcp_keepalive_secs = 1e9",
                vec!["tcp_keepalive_secs"],
            ),
            (
                "[server]\ntcp_keepalive_secs = 0.5",
                vec!["tcp_keepalive_secs", "whole seconds"],
            ),
            (
                "[routing.model]\ntimeout_secs = 1e20",
                vec!["routing.model.timeout_secs"],
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
            "[server]\nshutdown_grace_secs = 0.0\ntcp_keepalive_secs = 0.0\nrequest_timeout_secs = 604800.0",
        )
        .unwrap();
        assert_eq!(c.server.request_timeout_secs, 604_800.0);
    }

    #[test]
    fn a_huge_duration_from_the_environment_is_refused_too() {
        let dir = tempfile::tempdir().unwrap();
        let f = dir.path().join("c.toml");
        std::fs::write(&f, "").unwrap();
        let e = Config::load(
            Some(&f),
            &env(&[("SWITCHBOARD_SERVER__REQUEST_TIMEOUT_SECS", "1e20")]),
            &Overrides::default(),
        )
        .unwrap_err();
        assert!(e.to_string().contains("server.request_timeout_secs"), "{e}");
    }

    #[test]
    fn other_numbers_out_of_range_stop_start_up() {
        for (text, name) in [
            (
                "[server]\nmax_concurrent_requests = 0",
                "server.max_concurrent_requests",
            ),
            (
                "[server]\nmax_concurrent_requests = 1000000000000",
                "server.max_concurrent_requests",
            ),
            ("[server]\nmax_connections = 0", "server.max_connections"),
            ("[engine]\nqueue = 0", "engine.queue"),
            ("[openai]\nretries = 4000000000", "openai.retries"),
            ("[experts]\nschema_retries = 11", "experts.schema_retries"),
            ("[engine]\nthreads = 100000", "engine.threads"),
            ("[limits]\nmax_fps = nan", "limits.max_fps"),
            ("[limits]\nmax_id_chars = 100000", "limits.max_id_chars"),
            (
                "[routing.rules]\nthreshold = nan",
                "routing.rules.threshold",
            ),
            (
                "[routing.semantic]\ntemperature = 0.0",
                "routing.semantic.temperature",
            ),
            (
                "[routing.model]\nthreshold = 2.0",
                "routing.model.threshold",
            ),
            ("[ocr]\nmin_confidence = -0.1", "ocr.min_confidence"),
            ("[ocr]\nscan_model = \"v5\"", "ocr.scan_model"),
        ] {
            let e = rejected(text);
            assert!(e.contains(name), "{text:?}: {e:?}");
        }
    }

    #[test]
    fn the_idle_timeout_must_outlast_a_keepalive_round() {
        let e = rejected(
            "[server]\nconnection_idle_timeout_secs = 30.0\nhttp2_keepalive_interval_secs = 20.0\nhttp2_keepalive_timeout_secs = 20.0",
        );
        assert!(
            e.contains("connection_idle_timeout_secs = 30") && e.contains("40"),
            "{e}"
        );
        load_toml("[server]\nconnection_idle_timeout_secs = 40.0\nhttp2_keepalive_interval_secs = 20.0\nhttp2_keepalive_timeout_secs = 20.0").unwrap();
    }

    #[test]
    fn a_key_given_twice_stops_start_up_without_showing_the_key() {
        for keys in [
            r#"["acme:s3cr3t-key", "beta:s3cr3t-key"]"#,
            r#"["acme:s3cr3t-key", "acme:s3cr3t-key"]"#,
            r#"["acme:s3cr3t-key", "beta: s3cr3t-key "]"#,
        ] {
            let e = rejected(&format!("[server]\napi_keys = {keys}"));
            assert!(
                e.contains("api_keys[0]") && e.contains("api_keys[1]"),
                "{e}"
            );
            assert!(e.contains("same key") && e.contains("\"acme\""), "{e}");
            assert!(!e.contains("s3cr3t"), "the key leaked: {e}");
        }
        // Distinct keys, padded or not, are fine.
        let c = load_toml("[server]\napi_keys = [\"acme: k1 \", \"beta:k2\"]").unwrap();
        let m = c.tenants_by_key().unwrap();
        assert_eq!(m.get("k1").map(String::as_str), Some("acme"));
        assert_eq!(m.len(), 2);
    }

    #[test]
    fn a_flat_key_of_the_old_layout_names_its_new_place() {
        let e = rejected("openai_url = \"http://x/v1\"");
        assert!(e.contains("`openai_url` is now `openai.url`"), "{e}");
        let e = rejected("[routing]\nencoder_model = \"\"");
        assert!(e.contains("routing.semantic.enabled"), "{e}");
        let dir = tempfile::tempdir().unwrap();
        let f = dir.path().join("c.toml");
        std::fs::write(&f, "").unwrap();
        let flags = Overrides::default();
        let e = Config::load(Some(&f), &env(&[("SWITCHBOARD_OPENAI_URL", "x")]), &flags)
            .unwrap_err()
            .to_string();
        assert!(
            e.contains("SWITCHBOARD_OPENAI_URL: no such setting")
                && e.contains("SWITCHBOARD_OPENAI__URL"),
            "{e}"
        );
        let e = Config::load(
            Some(&f),
            &env(&[("SWITCHBOARD_METRICS_LISTEN", "")]),
            &flags,
        )
        .unwrap_err()
        .to_string();
        assert!(e.contains("SWITCHBOARD_METRICS__LISTEN"), "{e}");
    }

    #[test]
    fn optional_keys_are_set_from_the_environment_and_typos_are_caught() {
        let dir = tempfile::tempdir().unwrap();
        let f = dir.path().join("c.toml");
        std::fs::write(&f, "").unwrap();
        let flags = Overrides::default();
        let e = env(&[
            ("SWITCHBOARD_OPENAI__MODEL", "qwen"),
            (
                "SWITCHBOARD_TELEMETRY__OTLP_ENDPOINT",
                "http://collector:4317",
            ),
            ("SWITCHBOARD_ENGINE__TOKENIZER", "/t/tokenizer.json"),
        ]);
        let c = Config::load(Some(&f), &e, &flags).unwrap();
        assert_eq!(c.openai.model.as_deref(), Some("qwen"));
        assert_eq!(
            c.telemetry.otlp_endpoint.as_deref(),
            Some("http://collector:4317")
        );
        assert_eq!(c.engine.tokenizer, Some(PathBuf::from("/t/tokenizer.json")));
        assert_eq!(Config::default().openai.model, None);
        for name in [
            "SWITCHBOARD_OPENAI__MODLE",
            "SWITCHBOARD_NOSUCH__KEY",
            "SWITCHBOARD_LIMITS__",
            "SWITCHBOARD_BACKEND__X",
        ] {
            let e = Config::load(Some(&f), &env(&[(name, "1")]), &flags)
                .unwrap_err()
                .to_string();
            assert!(e.contains(&format!("{name}: no such setting")), "{e}");
        }
    }

    #[test]
    fn providers_layouts_and_backends_are_checked_names() {
        let c = load_toml(
            "backend = \"ort\"\n[engine]\nmodel_dir = \"/m\"\nprovider = \"cuda\"\nvideo_layout = \"keep_outer\"",
        )
        .unwrap();
        assert_eq!(c.engine.provider, Provider::Cuda);
        assert_eq!(c.engine.video_layout, VideoLayout::KeepOuter);
        assert_eq!(c.model_dir(), Path::new("/m"));
        for text in [
            "[engine]\nprovider = \"tpu\"",
            "[engine]\nvideo_layout = \"stacked\"",
            "backend = \"vllm\"",
        ] {
            let e = rejected(text);
            assert!(e.contains("unknown variant"), "{text:?}: {e}");
        }
        let e = rejected("backend = \"ort\"");
        assert!(e.contains("engine.model_dir"), "{e}");
    }

    #[test]
    fn subsystems_turn_off_with_enabled_false() {
        let c = load_toml(
            "[ocr]\nenabled = false\n[routing.semantic]\nenabled = false\n[routing.model]\nenabled = false\n[metrics]\nenabled = false\nlisten = \"not an address\"",
        )
        .unwrap();
        assert!(!c.ocr.enabled && !c.routing.semantic.enabled && !c.routing.model.enabled);
        // On, the metrics address must parse.
        let e = rejected("[metrics]\nlisten = \"not an address\"");
        assert!(e.contains("metrics.listen"), "{e}");
    }

    #[test]
    fn the_printed_config_loads_back_as_it_was() {
        let mut c = Config {
            backend: BackendKind::Openai,
            ..Config::default()
        };
        c.openai.url = Some("http://pool:8000/v1".into());
        c.telemetry.otlp_endpoint = Some("http://collector:4317".into());
        c.ocr.enabled = false;
        let text = toml::to_string_pretty(&c).unwrap();
        let back = Config::from_layers(
            Some(("printed", &text)),
            &BTreeMap::new(),
            &Overrides::default(),
        )
        .unwrap();
        assert_eq!(toml::to_string_pretty(&back).unwrap(), text);
        assert!(
            text.contains("[routing.semantic]") && text.contains("[server]"),
            "{text}"
        );
    }

    #[test]
    fn video_settings_parse_and_are_checked() {
        let load = |text: &str| {
            Config::from_layers(Some(("f", text)), &BTreeMap::new(), &Overrides::default())
        };
        let c = load("[openai]\nvideo = \"file\"\n[video]\nffmpeg = \"/opt/ffmpeg\"\n").unwrap();
        assert_eq!(c.openai.video, OpenAiVideo::File);
        assert_eq!(c.video.ffmpeg, PathBuf::from("/opt/ffmpeg"));
        let e = load("[openai]\nvideo = \"mp4\"\n").unwrap_err();
        assert!(e.to_string().contains("expected `frames` or `file`"), "{e}");
        let e = load("[video]\nmin_frames = 8\nmax_frames = 4\n").unwrap_err();
        assert!(e.to_string().contains("video.max_frames"), "{e}");
        let e = load("[limits]\nmax_video_seconds = 0\n").unwrap_err();
        assert!(e.to_string().contains("limits.max_video_seconds"), "{e}");
    }

    #[test]
    fn pdf_settings_parse_and_are_checked() {
        let load = |text: &str| {
            Config::from_layers(Some(("f", text)), &BTreeMap::new(), &Overrides::default())
        };
        let c = load("[pdf]\ndpi = 200\npdftoppm = \"/opt/pdftoppm\"\n[limits]\nmax_pdf_pages = 5")
            .unwrap();
        assert_eq!((c.pdf.dpi, c.limits.max_pdf_pages), (200.0, 5));
        assert_eq!(c.pdf.pdftoppm, PathBuf::from("/opt/pdftoppm"));
        let e = load("[pdf]\ndpi = 5000\n").unwrap_err();
        assert!(e.to_string().contains("pdf.dpi"), "{e}");
        let e = load("[limits]\nmax_pdf_pages = 0\n").unwrap_err();
        assert!(e.to_string().contains("limits.max_pdf_pages"), "{e}");
    }

    #[test]
    fn every_setting_is_in_the_readme_table() {
        let readme =
            std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/README.md")).unwrap();
        let mut c = Config::default();
        // Optional keys too.
        c.openai.url = Some(String::new());
        c.openai.model = Some(String::new());
        c.openai.api_key = Some(String::new());
        c.engine.model_dir = Some(PathBuf::new());
        c.engine.tokenizer = Some(PathBuf::new());
        c.engine.variant = Some(String::new());
        c.telemetry.otlp_endpoint = Some(String::new());
        c.server.api_keys_file = Some(PathBuf::new());
        c.server.tls.cert = Some(PathBuf::new());
        c.server.tls.key = Some(PathBuf::new());
        c.server.tls.client_ca = Some(PathBuf::new());
        c.quotas.tenants.insert(
            "<name>".into(),
            QuotaOverride {
                requests_per_second: Some(0.0),
                burst: Some(0),
                max_concurrent: Some(0),
                tokens_per_minute: Some(0),
            },
        );
        fn keys(prefix: &str, v: &toml::Value, out: &mut Vec<String>) {
            match v {
                toml::Value::Table(t) => {
                    for (k, v) in t {
                        let key = if prefix.is_empty() {
                            k.clone()
                        } else {
                            format!("{prefix}.{k}")
                        };
                        keys(&key, v, out);
                    }
                }
                _ => out.push(prefix.to_string()),
            }
        }
        let mut all = Vec::new();
        keys("", &toml::Value::try_from(&c).unwrap(), &mut all);
        let missing: Vec<_> = all
            .iter()
            .filter(|k| !readme.contains(&format!("| `{k}` |")))
            .collect();
        assert!(
            missing.is_empty(),
            "README's configuration table lacks {missing:?}"
        );
    }
}

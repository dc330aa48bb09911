//! Qwen3-VL on ONNX Runtime (the 3-graph contract of `shared/reference/qwen3vl-onnx.md`):
//! preprocessing of decoded images and frames, prompt, rope index, sessions, sampling, and
//! generation with a KV cache, one sequence at a time or continuously batched (`batch`), with
//! vision features and prompt prefixes kept for reuse. A leaf crate: it knows nothing of requests, configuration files
//! or metrics exporters. The caller decodes media into `image::RgbImage`s, builds
//! `EngineOptions`, and may pass an `Observer` to hear what each sequence holds; errors are
//! `EngineError`.

pub mod batch;
pub mod config;
pub mod engine;
pub mod prefix_cache;
pub mod preprocess;
pub mod prompt;
pub mod rope;
pub mod sampler;
pub mod session;
pub mod video;
pub mod vision_cache;

pub use config::ModelConfig;
pub use engine::{Engine, EngineError, EngineOptions, Observer};
pub use preprocess::PreprocessError;
pub use session::Provider;

//! The in-process Qwen3-VL engine on ONNX Runtime (the 3-graph contract of
//! `shared/reference/qwen3vl-onnx.md`): preprocessing, prompt, rope index, sessions, sampling.

pub mod backend;
pub mod config;
pub mod engine;
pub mod preprocess;
pub mod prompt;
pub mod rope;
pub mod sampler;
pub mod session;
pub mod video;

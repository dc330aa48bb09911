//! The integration tests: one binary, a module per area (`cargo test --test it`; one area:
//! `cargo test --test it grpc::`). They share one process: every test holds
//! `common::machine` (shared, or alone when it measures time), and a test that reads
//! process-wide state (metrics, the tracing subscriber) re-runs itself in a process of its own
//! (`common::process`). The quality evaluations are the other binary, `tests/eval/`.

mod common;

mod batching;
mod diagram;
mod encoder;
mod errors;
mod faults;
mod form_fill;
mod grpc;
mod metrics;
mod ort_serve;
mod pdf;
mod plans;
mod prometheus;
mod quotas;
mod qwen3vl_golden;
mod qwen3vl_prompt;
mod rerank;
mod routing;
mod search;
mod telemetry;
mod tls;
mod video;

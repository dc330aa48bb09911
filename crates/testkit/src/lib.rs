//! Test doubles shared by the service's integration tests (`tests/it`) and its benchmarks:
//! stand-ins for what cannot run here, each speaking the real protocol over loopback.
//! `fake_openai` is a remote OpenAI-compatible model server (vLLM, SGLang); `otlp_receiver`
//! is an OpenTelemetry Collector's OTLP/gRPC intake.

pub mod fake_openai;
pub mod otlp_receiver;

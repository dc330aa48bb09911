//! What the service's unit tests, integration tests (`tests/it`) and benchmarks share: the test
//! doubles, stand-ins for what cannot run here, each speaking the real protocol over loopback
//! (`fake_openai`: a remote OpenAI-compatible model server such as vLLM or SGLang;
//! `otlp_receiver`: an OpenTelemetry Collector's OTLP/gRPC intake), file helpers (`fs`), PDF
//! files written at test time (`pdf`), certificates made at test time (`certs`), and a real
//! `redis-server` the tests start (`redis`, plain, over TLS, or as a cluster).

pub mod certs;
pub mod fake_openai;
pub mod fs;
pub mod otlp_receiver;
pub mod pdf;
pub mod redis;

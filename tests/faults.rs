//! The fault suite: the real `switchboard serve` binary under hostile input, memory caps,
//! cancellation, corrupted stores, kill -9 and silent connections. Bounded in time; every case
//! checks the documented gRPC code, that the server is still serving, and its memory after.

#[path = "faults/harness.rs"]
mod harness;

#[path = "faults/smoke.rs"]
mod smoke;

#[path = "faults/media.rs"]
mod media;

#[path = "faults/classify.rs"]
mod classify;

#[path = "faults/store.rs"]
mod store;

#[path = "faults/conn.rs"]
mod conn;

/// The OpenAI-compatible test double, for cases that need a model answer.
#[allow(dead_code)]
#[path = "common/fake_openai.rs"]
mod fake_openai;

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

#[path = "common/fake_openai.rs"]
#[allow(dead_code)]
mod fake_openai;

#[path = "faults/store.rs"]
mod store;

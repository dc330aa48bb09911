//! The fault suite: the real `switchboard serve` binary under hostile input, memory caps,
//! cancellation, corrupted stores, kill -9, replicas sharing a Redis that goes away, and
//! silent connections. Bounded in time; every case checks the documented gRPC code, that the
//! server is still serving, and its memory after.

mod harness;

mod smoke;

mod media;

mod classify;

mod store;

mod replicas;

mod conn;

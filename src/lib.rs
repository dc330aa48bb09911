//! Switchboard: a gRPC service that answers multimodal requests with a panel of experts sharing
//! one vision-language model. Read the modules in the order a request travels:
//! `api` -> `app` -> `dispatch` -> `planner` -> `experts` -> `engine`, with `memory` beside.

pub mod api;
pub mod app;
pub mod client;
pub mod config;
pub mod cpu;
pub mod dispatch;
pub mod engine;
pub mod error;
pub mod experts;
pub mod flight;
pub mod media;
pub mod memory;
pub mod metrics;
pub mod ocr;
pub mod planner;
pub mod proto;
pub mod reload;
pub mod request;
pub mod rerank;
pub mod server;
pub mod telemetry;
pub mod tenants;

pub use error::{Error, Result};

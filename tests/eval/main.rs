//! The quality evaluations: scores on labelled fixtures, each failing below its bar, with the
//! figures printed (`cargo test --test eval -- --nocapture`; one of them:
//! `cargo test --test eval ocr:: -- --nocapture`). Optimised builds run them much faster
//! (`cargo test --release --test eval`).

#[path = "../it/common/assets.rs"]
mod common;

mod diagrams;
mod forms;
mod ocr;
mod routing;

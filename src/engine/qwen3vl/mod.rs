//! The in-process Qwen3-VL engine: the `switchboard-qwen3vl` crate (crates/qwen3vl) behind the
//! `Backend` trait. `backend` is the adapter (configuration, the CPU pool, the scheduler,
//! metrics); the other paths re-export the crate's modules so callers keep one place to name
//! them.

pub mod backend;

pub use switchboard_qwen3vl::{
    batch, config, engine, prefix_cache, prompt, rope, sampler, session, video,
};

/// The crate's preprocessing, and the service's image decoding that feeds it.
pub mod preprocess {
    pub use crate::media::{decode, dimensions, over_white};
    pub use switchboard_qwen3vl::preprocess::*;
}

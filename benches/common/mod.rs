//! What the engine benches share: settings from the environment, and the engine's options for
//! the model in MODEL_DIR (default: the tiny test model), on PROVIDER (cpu or cuda), with
//! ORT_LIBRARY, THREADS and ORT_VARIANT. Caches are off: every run measures the work.

use std::path::PathBuf;

use switchboard::engine::qwen3vl::engine::EngineOptions;
use switchboard::engine::qwen3vl::preprocess::ImageResize;
use switchboard::engine::qwen3vl::prompt::VideoLayout;
use switchboard::engine::qwen3vl::session::Provider;

/// An environment variable's value, or `default` when unset or unparsable.
pub fn env<T: std::str::FromStr>(name: &str, default: T) -> T {
    std::env::var(name)
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(default)
}

pub fn engine_options() -> EngineOptions {
    let root = PathBuf::from(env!("CARGO_MANIFEST_DIR"));
    let assets = root.join(".assets");
    EngineOptions {
        model_dir: std::env::var("MODEL_DIR")
            .map(PathBuf::from)
            .unwrap_or_else(|_| root.join("tests/fixtures/qwen3vl-tiny")),
        library: std::env::var("ORT_LIBRARY")
            .map(PathBuf::from)
            .unwrap_or_else(|_| assets.join("onnxruntime/libonnxruntime.so.1.31.1")),
        tokenizer: Some(assets.join("qwen/tokenizer.json")),
        provider: if std::env::var("PROVIDER").as_deref() == Ok("cuda") {
            Provider::Cuda { device: 0 }
        } else {
            Provider::Cpu
        },
        threads: env("THREADS", 0),
        variant: std::env::var("ORT_VARIANT").unwrap_or_default(),
        prefill_chunk: 512,
        image_resize: ImageResize::Torchvision,
        vision_cache_bytes: 0,
        prefix_cache_bytes: 0,
        video_layout: VideoLayout::Replace,
    }
}

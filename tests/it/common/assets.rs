//! Paths the tests read from: the repository and the assets `tools/fetch-assets.sh` fills.
//! Both test binaries include this file (`tests/eval/main.rs` by path).

use std::path::PathBuf;

pub fn repo() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// The assets folder `tools/fetch-assets.sh` fills (tools/test.sh runs it first).
pub fn assets() -> PathBuf {
    let dir = std::env::var_os("SWITCHBOARD_ASSETS_DIR")
        .map(PathBuf::from)
        .unwrap_or_else(|| repo().join(".assets"));
    assert!(
        dir.join("qwen/tokenizer.json").exists(),
        "{} lacks the assets: run tools/fetch-assets.sh (tools/test.sh does)",
        dir.display()
    );
    dir
}

/// The OCR tool on the fetched models (the default, or OCR_MODEL: v6-tiny, v6-small, v4) and
/// ONNX Runtime library.
pub fn ocr_engine() -> switchboard::ocr::OcrEngine {
    let a = assets();
    let model = std::env::var("OCR_MODEL")
        .ok()
        .map(|m| switchboard::ocr::OcrModel::parse(&m).expect("OCR_MODEL: v6-tiny, v6-small or v4"))
        .unwrap_or_default();
    switchboard::ocr::OcrEngine::load(switchboard::ocr::OcrOptions::for_model(
        a.join("ocr"),
        a.join("onnxruntime/libonnxruntime.so.1.31.1"),
        model,
    ))
    .expect("OCR models (tools/fetch-assets.sh)")
}

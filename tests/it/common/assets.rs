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

/// The OCR tool on the fetched models and ONNX Runtime library, as the service's default
/// configuration sets it up (OCR_MODEL and OCR_SCAN_MODEL: v6-tiny, v6-small, v4; the
/// latter empty for none).
pub fn ocr_engine() -> switchboard::ocr::OcrEngine {
    let a = assets();
    let defaults = switchboard::config::OcrConfig::default();
    let pick = |var: &str, default: String| {
        let name = std::env::var(var).unwrap_or(default);
        let name = name.trim();
        (!name.is_empty()).then(|| {
            switchboard::ocr::OcrModel::parse(name)
                .unwrap_or_else(|| panic!("{var}: v6-tiny, v6-small, v4 (or empty)"))
        })
    };
    let model = pick("OCR_MODEL", defaults.model).unwrap_or_default();
    let mut options = switchboard::ocr::OcrOptions::for_model(
        a.join("ocr"),
        a.join("onnxruntime/libonnxruntime.so.1.31.1"),
        model,
    );
    options.scan_model = pick("OCR_SCAN_MODEL", defaults.scan_model);
    switchboard::ocr::OcrEngine::load(options).expect("OCR models (tools/fetch-assets.sh)")
}

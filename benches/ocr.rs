//! OCR speed on A4 pages at 150 dpi (1240x1754, tests/fixtures/ocr_text/a4_*.png): whole-page
//! read time (detection, angle classification, recognition, layout), median and min over runs,
//! and the detection share. `cargo bench --bench ocr` (OCR_BENCH_RUNS, default 5; OCR_THREADS
//! sets ONNX Runtime's intra-op threads, default: its own choice; OCR_MODEL: v6-tiny (default),
//! v6-small or v4; OCR_REC_WORKERS: recognizer sessions side by side, default 1).

use std::time::{Duration, Instant};

use switchboard::ocr::{OcrEngine, OcrModel, OcrOptions};

fn main() -> anyhow::Result<()> {
    let root = std::path::PathBuf::from(env!("CARGO_MANIFEST_DIR"));
    let model = std::env::var("OCR_MODEL")
        .ok()
        .and_then(|m| OcrModel::parse(&m))
        .unwrap_or_default();
    let mut options = OcrOptions::for_model(
        root.join(".assets/ocr"),
        root.join(".assets/onnxruntime/libonnxruntime.so.1.31.1"),
        model,
    );
    println!("model {}", model.name());
    options.threads = std::env::var("OCR_THREADS")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(0);
    options.rec_workers = std::env::var("OCR_REC_WORKERS")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(1);
    let runs: usize = std::env::var("OCR_BENCH_RUNS")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(5);
    let mut ocr = OcrEngine::load(options)?;
    println!("| page | lines | read median ms | read min ms | detection median ms |");
    println!("|---|---|---|---|---|");
    for name in ["a4_en.png", "a4_zh.png"] {
        let bytes = std::fs::read(root.join("tests/fixtures/ocr_text").join(name))?;
        let img = switchboard::engine::qwen3vl::preprocess::decode(&bytes)?;
        let lines = ocr.read(&img)?.lines.len(); // warm-up
        let mut reads: Vec<Duration> = Vec::new();
        let mut dets: Vec<Duration> = Vec::new();
        for _ in 0..runs {
            let t = Instant::now();
            ocr.detect(&img)?;
            dets.push(t.elapsed());
            let t = Instant::now();
            ocr.read(&img)?;
            reads.push(t.elapsed());
        }
        reads.sort();
        dets.sort();
        let ms = |d: Duration| d.as_secs_f64() * 1000.0;
        println!(
            "| {name} | {lines} | {:.0} | {:.0} | {:.0} |",
            ms(reads[reads.len() / 2]),
            ms(reads[0]),
            ms(dets[dets.len() / 2])
        );
    }
    Ok(())
}

//! OCR speed on A4 pages at 150 dpi (1240x1754, tests/fixtures/ocr_text/a4_*.png): whole-page
//! read time (detection, angle classification, recognition, layout), median and min over runs,
//! and the median of each stage. `cargo bench --bench ocr` (OCR_BENCH_RUNS, default 5; OCR_THREADS
//! sets ONNX Runtime's intra-op threads, default: its own choice; OCR_MODEL: v6-tiny (default),
//! v6-small or v4; OCR_REC_WORKERS: recognizer sessions side by side, default 1; OCR_REC_H:
//! the rows long lines are read at, default 40; OCR_BENCH_PAGES: other images, comma-separated,
//! e.g. scan-like forms to time `ocr.scan_model`, which this bench never switches to).

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
    if let Some(h) = std::env::var("OCR_REC_H").ok().and_then(|v| v.parse().ok()) {
        options.rec_height = h;
    }
    let runs: usize = std::env::var("OCR_BENCH_RUNS")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(5);
    let mut ocr = OcrEngine::load(options)?;
    println!(
        "| page | lines | read median ms | read min ms | detection median ms | classification | recognition | layout |"
    );
    println!("|---|---|---|---|---|---|---|---|");
    let fixtures = root.join("tests/fixtures/ocr_text");
    let pages: Vec<std::path::PathBuf> = match std::env::var("OCR_BENCH_PAGES") {
        Ok(list) => list.split(',').map(std::path::PathBuf::from).collect(),
        Err(_) => vec![fixtures.join("a4_en.png"), fixtures.join("a4_zh.png")],
    };
    for path in &pages {
        let name = path
            .file_name()
            .map_or_else(String::new, |n| n.to_string_lossy().into_owned());
        let bytes = std::fs::read(path)?;
        let img = switchboard::engine::qwen3vl::preprocess::decode(&bytes)?;
        let lines = ocr.read(&img)?.lines.len(); // warm-up
        let mut reads: Vec<Duration> = Vec::new();
        let mut dets: Vec<Duration> = Vec::new();
        // Stage times of each read, as the engine reports them.
        let mut stages: [Vec<Duration>; 3] = Default::default();
        for _ in 0..runs {
            let t = Instant::now();
            ocr.detect(&img)?;
            dets.push(t.elapsed());
            let t = Instant::now();
            let page = ocr.read(&img)?;
            reads.push(t.elapsed());
            stages[0].push(page.timings.classification);
            stages[1].push(page.timings.recognition);
            stages[2].push(page.timings.layout);
        }
        reads.sort();
        dets.sort();
        let ms = |d: Duration| d.as_secs_f64() * 1000.0;
        let median = |v: &mut Vec<Duration>| {
            v.sort();
            ms(v[v.len() / 2])
        };
        let [cls, rec, layout] = &mut stages;
        println!(
            "| {name} | {lines} | {:.0} | {:.0} | {:.0} | {:.0} | {:.0} | {:.0} |",
            ms(reads[reads.len() / 2]),
            ms(reads[0]),
            ms(dets[dets.len() / 2]),
            median(cls),
            median(rec),
            median(layout)
        );
    }
    Ok(())
}

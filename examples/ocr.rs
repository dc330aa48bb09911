//! Reads images with the OCR tool and prints the lines, boxes and the time each phase took:
//! `cargo run --release --example ocr -- page.png [more.png]`.

use std::time::Instant;

use switchboard::ocr::{OcrEngine, OcrOptions};

fn main() -> anyhow::Result<()> {
    let mut ocr = OcrEngine::load(OcrOptions::new(
        ".assets/ocr",
        ".assets/onnxruntime/libonnxruntime.so.1.31.1",
    ))?;
    for path in std::env::args().skip(1) {
        let bytes = std::fs::read(&path)?;
        let t = Instant::now();
        let img = switchboard::engine::qwen3vl::preprocess::decode(&bytes)?;
        let decoded = t.elapsed();
        let t = Instant::now();
        let boxes = ocr.detect(&img)?;
        let detected = t.elapsed();
        let t = Instant::now();
        let page = ocr.read(&img)?;
        let read = t.elapsed();
        for l in &page.lines {
            println!(
                "{:>5.0} {:>5.0} {:>5.0} {:>5.0}  {:.2}  {}",
                l.bbox[0], l.bbox[1], l.bbox[2], l.bbox[3], l.confidence, l.text
            );
            if std::env::var_os("OCR_GLYPHS").is_some() {
                let g: Vec<String> = l
                    .glyphs
                    .iter()
                    .map(|(t, b)| format!("{t}[{:.0}-{:.0}]", b[0], b[2]))
                    .collect();
                println!("        {}", g.join(" "));
            }
        }
        println!(
            "{path}: {}x{}, {} boxes, {} lines, {} blocks, {} tables; decode {:?}, detect {:?}, whole read {:?}",
            img.width(),
            img.height(),
            boxes.len(),
            page.lines.len(),
            page.blocks.len(),
            page.tables.len(),
            decoded,
            detected,
            read
        );
    }
    Ok(())
}

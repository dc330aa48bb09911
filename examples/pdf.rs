//! Renders PDF pages as the service does (hayro at `pdf.dpi`, the text layer, pdftoppm for a
//! page hayro cannot draw) and prints the time per page: `cargo run --release --example pdf --
//! doc.pdf [more files]` (a debug build does not optimise the renderer); with no file, a 5-page
//! born-digital PDF written by switchboard_testkit::pdf, and the same pages scanned (JPEGs).

use std::time::Instant;

use switchboard::config::PdfConfig;
use switchboard::cpu::Stop;
use switchboard::media::pdf::{Limits, Range, Settings, check, render};
use switchboard_testkit::pdf::{Content, PageSpec, Text, write};

fn main() -> anyhow::Result<()> {
    let settings = Settings::from_config(&PdfConfig::default());
    let limits = Limits {
        max_pages: 10_000,
        max_page_pixels: 50_000_000,
    };
    let mut files: Vec<(String, Vec<u8>)> = Vec::new();
    for path in std::env::args().skip(1) {
        files.push((path.clone(), std::fs::read(&path)?));
    }
    if files.is_empty() {
        let page = |n: usize| PageSpec {
            width: 612.0,
            height: 792.0,
            content: Content::Text(
                (0..40)
                    .map(|i| Text {
                        x: 72.0,
                        y: 72.0 + 16.0 * i as f32,
                        size: 11.0,
                        text: format!("Page {n}, line {i}: the quick brown fox jumps over it"),
                    })
                    .collect(),
            ),
        };
        let born = write(&(1..=5).map(page).collect::<Vec<_>>());
        // The same pages scanned: each drawn, then a JPEG (q90) on a page of its own.
        let checked = check("file", &born, Range::default(), &settings, &limits)?;
        let scans = render("file", 0, &born, checked, &settings, &Stop::never())?
            .iter()
            .map(|p| -> anyhow::Result<PageSpec> {
                let img = image::load_from_memory(p.png.as_deref().unwrap_or_default())?.to_rgb8();
                let mut jpeg = Vec::new();
                image::codecs::jpeg::JpegEncoder::new_with_quality(&mut jpeg, 90)
                    .encode_image(&img)?;
                Ok(PageSpec {
                    width: 612.0,
                    height: 792.0,
                    content: Content::Jpeg {
                        data: jpeg,
                        width: img.width(),
                        height: img.height(),
                    },
                })
            })
            .collect::<anyhow::Result<Vec<_>>>()?;
        files.push(("generated born-digital".into(), born));
        files.push(("generated scanned".into(), write(&scans)));
    }
    for (name, data) in files {
        let t = Instant::now();
        let checked = check("file", &data, Range::default(), &settings, &limits)?;
        let n = checked.pages.len();
        let pages = render("file", 0, &data, checked, &settings, &Stop::never())?;
        let took = t.elapsed().as_secs_f64();
        let layers = pages.iter().filter(|p| p.text.is_some()).count();
        let fallback = pages.iter().filter(|p| p.fallback).count();
        let (w, h) = pages.first().map(|p| (p.width, p.height)).unwrap_or((0, 0));
        println!(
            "{name}: {n} pages at {} dpi (first {w}x{h}), {layers} with a text layer, {fallback} \
             by pdftoppm; {took:.2} s, {:.3} s a page",
            settings.dpi,
            took / n.max(1) as f64
        );
    }
    Ok(())
}

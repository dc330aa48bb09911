//! Character error rate of the OCR tool on rendered English and Chinese text images
//! (tests/fixtures/ocr_text, made by tools/ocr/make_text_images.py from the DOM). Each ground
//! truth line is compared with the OCR lines that fall on it, so reading order does not count;
//! OCR text on no ground-truth line counts as insertions. Fails above 3 % per language.
//! `cargo test --test eval ocr:: -- --nocapture` prints the table.

use crate::common;

use std::collections::BTreeMap;

use serde::Deserialize;
use switchboard::ocr::geom::{self, BBox};

#[derive(Deserialize)]
struct Truth {
    image: String,
    lang: String,
    lines: Vec<TruthLine>,
}

#[derive(Deserialize)]
struct TruthLine {
    text: String,
    #[serde(rename = "box")]
    bbox: BBox,
}

/// Full-width punctuation and letters folded to their ASCII forms, so that "：" and ":" read
/// the same (the recognizer's charset has both; the page's font draws them alike).
fn fold(s: &str, keep_spaces: bool) -> Vec<char> {
    // Runs of spaces (aligned receipt columns) count as one.
    let s = s.split_whitespace().collect::<Vec<_>>().join(" ");
    s.chars()
        .map(|c| match c as u32 {
            0xFF01..=0xFF5E => char::from_u32(c as u32 - 0xFEE0).unwrap_or(c),
            0x3000 => ' ',
            _ => c,
        })
        .filter(|c| keep_spaces || !c.is_whitespace())
        .collect()
}

/// Errors and characters, with spaces and without: [errors, chars, errors, chars]. Truth boxes
/// are multiplied by `scale` (for pages read at another size).
fn score(page: &switchboard::ocr::Page, lines: &[TruthLine], scale: f32) -> [usize; 4] {
    let mut claimed = vec![false; page.lines.len()];
    let mut e = [0usize; 4];
    for t in lines {
        let tb = t.bbox.map(|v| v * scale);
        let mut hits: Vec<(f32, &str)> = Vec::new();
        for (i, l) in page.lines.iter().enumerate() {
            let c = [(l.bbox[0] + l.bbox[2]) / 2.0, (l.bbox[1] + l.bbox[3]) / 2.0];
            let inside = c[0] >= tb[0] - 4.0
                && c[0] <= tb[2] + 4.0
                && c[1] >= tb[1] - 4.0
                && c[1] <= tb[3] + 4.0;
            if !claimed[i] && (inside || geom::iou(&l.bbox, &tb) > 0.5) {
                claimed[i] = true;
                hits.push((l.bbox[0], l.text.as_str()));
            }
        }
        hits.sort_by(|a, b| a.0.total_cmp(&b.0));
        let got: Vec<&str> = hits.iter().map(|h| h.1).collect();
        let got = got.join(" ");
        for (k, keep) in [(0, true), (2, false)] {
            let (a, b) = (fold(&t.text, keep), fold(&got, keep));
            let d = strsim::generic_levenshtein(&a, &b);
            if d > 0 && keep && std::env::var_os("OCR_EVAL_VERBOSE").is_some() {
                eprintln!("  {:?}\n  {:?}", t.text, got);
            }
            e[k] += d;
            e[k + 1] += a.len();
        }
    }
    for (i, l) in page.lines.iter().enumerate() {
        if !claimed[i] {
            e[0] += fold(&l.text, true).len();
            e[2] += fold(&l.text, false).len();
        }
    }
    e
}

/// A fixture's truth (`<dir>/<name>.json`) and its decoded image.
fn fixture(dir: &std::path::Path, name: &str) -> (Truth, image::RgbImage) {
    let truth: Truth =
        serde_json::from_slice(&std::fs::read(dir.join(format!("{name}.json"))).unwrap()).unwrap();
    let img = switchboard::engine::qwen3vl::preprocess::decode(
        &std::fs::read(dir.join(&truth.image)).unwrap(),
    )
    .unwrap();
    (truth, img)
}

#[test]
fn character_error_rate_on_rendered_text() {
    let dir = common::repo().join("tests/fixtures/ocr_text");
    let mut files: Vec<_> = std::fs::read_dir(&dir)
        .expect("tests/fixtures/ocr_text")
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.extension().is_some_and(|x| x == "json"))
        .collect();
    files.sort();
    assert!(files.len() >= 16, "expected the rendered text images");
    let mut ocr = common::ocr_engine();
    // lang -> (errors with spaces, chars with spaces, errors without, chars without)
    let mut totals: BTreeMap<String, [usize; 4]> = BTreeMap::new();
    println!("| image | lang | lines | CER | CER (no spaces) |");
    println!("|---|---|---|---|---|");
    for f in files {
        let truth: Truth = serde_json::from_slice(&std::fs::read(&f).unwrap()).unwrap();
        let bytes = std::fs::read(dir.join(&truth.image)).unwrap();
        let img = switchboard::engine::qwen3vl::preprocess::decode(&bytes).unwrap();
        let page = ocr.read(&img).unwrap();
        let e = score(&page, &truth.lines, 1.0);
        println!(
            "| {} | {} | {} | {:.2} % | {:.2} % |",
            truth.image,
            truth.lang,
            truth.lines.len(),
            100.0 * e[0] as f64 / e[1].max(1) as f64,
            100.0 * e[2] as f64 / e[3].max(1) as f64
        );
        let t = totals.entry(truth.lang.clone()).or_default();
        for k in 0..4 {
            t[k] += e[k];
        }
    }
    for (lang, t) in &totals {
        let cer = t[0] as f64 / t[1].max(1) as f64;
        let cer_ns = t[2] as f64 / t[3].max(1) as f64;
        println!(
            "{lang}: CER {:.2} % ({} errors / {} chars), without spaces {:.2} %",
            100.0 * cer,
            t[0],
            t[1],
            100.0 * cer_ns
        );
        assert!(cer <= 0.03, "{lang}: CER {:.2} % is over 3 %", 100.0 * cer);
    }
    assert!(totals.contains_key("en") && totals.contains_key("zh"));
}

#[test]
fn a_large_page_is_read_in_tiles_without_losing_text() {
    // The Chinese A4 page at 300 dpi (2480x3508): over the detector's 2048 px, so it is read in
    // overlapping tiles at full resolution rather than scaled down.
    let dir = common::repo().join("tests/fixtures/ocr_text");
    let (truth, img) = fixture(&dir, "a4_zh");
    let big = image::imageops::resize(
        &img,
        img.width() * 2,
        img.height() * 2,
        image::imageops::FilterType::Triangle,
    );
    let mut ocr = common::ocr_engine();
    let page = ocr.read(&big).unwrap();
    let e = score(&page, &truth.lines, 2.0);
    let cer = e[2] as f64 / e[3].max(1) as f64;
    println!(
        "a4_zh at 2480x3508, tiled: {} lines, CER without spaces {:.2} %",
        page.lines.len(),
        100.0 * cer
    );
    assert!(cer <= 0.03, "CER {:.2} % on the tiled page", 100.0 * cer);
}

/// Dense pages (tests/fixtures/ocr_dense, tools/ocr/make_dense_pages.py): 48 lines of 22 px text
/// at a 33 px pitch, two fonts per language. Each OCR line goes to the truth line whose box holds
/// its centre; a truth line is read whole when what went to it, left to right, is its text
/// (full-width forms folded, spaces ignored). Adjacent lines merged into one box, a line split
/// or read upside down all fail it. At least 98 % of each language's lines must be whole.
#[test]
fn dense_lines_are_found_apart_and_read_whole() {
    let dir = common::repo().join("tests/fixtures/ocr_dense");
    let mut ocr = common::ocr_engine();
    let mut totals: BTreeMap<String, (usize, usize)> = BTreeMap::new();
    println!("| page | lines | whole | detections |");
    println!("|---|---|---|---|");
    for name in ["en_sans", "en_serif", "zh_sans", "zh_serif"] {
        let (truth, img) = fixture(&dir, name);
        let page = ocr.read(&img).unwrap();
        let mut got: Vec<Vec<(f32, &str)>> = vec![Vec::new(); truth.lines.len()];
        for l in &page.lines {
            let c = [(l.bbox[0] + l.bbox[2]) / 2.0, (l.bbox[1] + l.bbox[3]) / 2.0];
            if let Some(k) = truth.lines.iter().position(|t| {
                c[0] >= t.bbox[0] && c[0] <= t.bbox[2] && c[1] >= t.bbox[1] && c[1] <= t.bbox[3]
            }) {
                got[k].push((l.bbox[0], l.text.as_str()));
            }
        }
        let mut whole = 0;
        for (t, g) in truth.lines.iter().zip(&mut got) {
            g.sort_by(|a, b| a.0.total_cmp(&b.0));
            let read: String = g.iter().map(|x| x.1).collect::<Vec<_>>().join(" ");
            if fold(&read, false) == fold(&t.text, false) {
                whole += 1;
            } else {
                println!("  {name}: {:?} read as {read:?}", t.text);
            }
        }
        println!(
            "| {name} | {} | {whole} | {} |",
            truth.lines.len(),
            page.lines.len()
        );
        let e = totals.entry(truth.lang.clone()).or_default();
        e.0 += whole;
        e.1 += truth.lines.len();
    }
    for (lang, (whole, n)) in &totals {
        let share = *whole as f64 / *n as f64;
        println!(
            "{lang}: {whole} of {n} lines whole ({:.1} %)",
            100.0 * share
        );
        assert!(share >= 0.98, "{lang}: {whole} of {n} lines read whole");
    }
}

/// The English A4 page turned upside down reads as well as upright: the widest lines find the
/// page upside down, so every line is classified and turned.
#[test]
fn an_upside_down_page_reads_upright() {
    let dir = common::repo().join("tests/fixtures/ocr_text");
    let (truth, img) = fixture(&dir, "a4_en");
    let (w, h) = (img.width() as f32, img.height() as f32);
    let turned = image::imageops::rotate180(&img);
    let lines: Vec<TruthLine> = truth
        .lines
        .iter()
        .map(|l| TruthLine {
            text: l.text.clone(),
            bbox: [w - l.bbox[2], h - l.bbox[3], w - l.bbox[0], h - l.bbox[1]],
        })
        .collect();
    let mut ocr = common::ocr_engine();
    let page = ocr.read(&turned).unwrap();
    let e = score(&page, &lines, 1.0);
    let cer = e[0] as f64 / e[1].max(1) as f64;
    println!(
        "a4_en upside down: {} lines, CER {:.2} %",
        page.lines.len(),
        100.0 * cer
    );
    assert!(cer <= 0.03, "CER {:.2} % upside down", 100.0 * cer);
}

/// Lines set sideways (a table's row headers turned a quarter) read whichever way they are
/// turned, down the page or up it, on a page whose other lines are upright and outvote them.
#[test]
fn lines_turned_a_quarter_either_way_read_whole() {
    let dir = common::repo().join("tests/fixtures/ocr_text");
    let (truth, img) = fixture(&dir, "a4_en");
    let picked: Vec<&TruthLine> = truth
        .lines
        .iter()
        .filter(|l| (16..=40).contains(&l.text.chars().count()))
        .take(4)
        .collect();
    assert_eq!(picked.len(), 4);
    let crop = |l: &TruthLine| {
        let [x0, y0, x1, y1] = l.bbox.map(|v| v.max(0.0) as u32);
        image::imageops::crop_imm(
            &img,
            x0.saturating_sub(4),
            y0.saturating_sub(4),
            x1 - x0 + 8,
            y1 - y0 + 8,
        )
        .to_image()
    };
    let mut page = image::RgbImage::from_pixel(1000, 900, image::Rgb([255, 255, 255]));
    let mut placed = Vec::new();
    // Two upright lines over two turned ones: a quarter clockwise (reading down) and a
    // quarter counter-clockwise (reading up).
    for (k, l) in picked.iter().enumerate() {
        let c = crop(l);
        let c = match k {
            2 => image::imageops::rotate90(&c),
            3 => image::imageops::rotate270(&c),
            _ => c,
        };
        let (x, y) = match k {
            0 | 1 => (40, 40 + 60 * k as u32),
            _ => (200 + 200 * (k as u32 - 2), 200),
        };
        image::imageops::replace(&mut page, &c, x as i64, y as i64);
        placed.push(TruthLine {
            text: l.text.clone(),
            bbox: [
                x as f32,
                y as f32,
                (x + c.width()) as f32,
                (y + c.height()) as f32,
            ],
        });
    }
    let mut ocr = common::ocr_engine();
    let read = ocr.read(&page).unwrap();
    for (k, t) in placed.iter().enumerate() {
        let got: Vec<&str> = read
            .lines
            .iter()
            .filter(|l| {
                let c = [(l.bbox[0] + l.bbox[2]) / 2.0, (l.bbox[1] + l.bbox[3]) / 2.0];
                c[0] > t.bbox[0] && c[0] < t.bbox[2] && c[1] > t.bbox[1] && c[1] < t.bbox[3]
            })
            .map(|l| l.text.as_str())
            .collect();
        let (want, have) = (fold(&t.text, false), fold(&got.join(" "), false));
        let d = strsim::generic_levenshtein(&want, &have);
        println!("line {k}: {:?} read {got:?}", t.text);
        assert!(
            d * 10 <= want.len(),
            "line {k} {:?} read as {got:?}",
            t.text
        );
    }
}

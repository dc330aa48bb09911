//! Runs model-free form filling on a form image and prints the fields, regions and plan:
//! `cargo run --release --example form_fill -- form.png [profile.json]`.

use switchboard::experts::form_fill::{self, FieldInput, profile::Facts};
use switchboard::ocr::{OcrEngine, OcrOptions};

fn main() -> anyhow::Result<()> {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let path = args
        .first()
        .ok_or_else(|| anyhow::anyhow!("usage: form_fill IMAGE [PROFILE.json]"))?;
    let profile: std::collections::BTreeMap<String, String> = match args.get(1) {
        Some(p) => {
            let v: serde_json::Value = serde_json::from_slice(&std::fs::read(p)?)?;
            let v = v.get("profile").cloned().unwrap_or(v);
            serde_json::from_value(v)?
        }
        None => Default::default(),
    };
    // As the service's default configuration reads pages: scans with the small pair.
    let mut options = OcrOptions::new(
        ".assets/ocr",
        ".assets/onnxruntime/libonnxruntime.so.1.31.1",
    );
    options.scan_model = Some(switchboard::ocr::OcrModel::V6Small);
    let mut ocr = OcrEngine::load(options)?;
    let img = switchboard::engine::qwen3vl::preprocess::decode(&std::fs::read(path)?)?;
    let page = ocr.read(&img)?;
    let gray = image::imageops::grayscale(&img);
    let text_h = switchboard::ocr::layout::median_height(&page.lines);
    let ink_at = form_fill::regions::ink_level(&gray);
    println!(
        "text height {text_h}, slant {} degrees by the ink, {:?} by the lines",
        form_fill::skew::estimate_ink(&gray, ink_at),
        form_fill::skew::estimate(&page.lines)
    );
    for l in &page.lines {
        println!("line {:?} {:?}", l.text, l.bbox.map(|v| v.round()));
        // FORM_GLYPHS=1: each character's box too.
        if std::env::var_os("FORM_GLYPHS").is_some() {
            for (g, b) in &l.glyphs {
                println!("  glyph {g:?} {:?}", b.map(|v| v.round()));
            }
        }
    }
    // Regions as the fields are found: on the levelled page when the page is slanted.
    let (gray_l, lines_l) = match form_fill::skew::Turn::for_page(&page, &gray) {
        Some(t) => (t.straighten(&gray), t.lines(&page.lines)),
        None => (gray.clone(), page.lines.clone()),
    };
    // The lines as the fields see them, in the levelled page's pixels like the regions.
    if lines_l.len() == page.lines.len()
        && lines_l
            .iter()
            .zip(&page.lines)
            .any(|(a, b)| a.bbox != b.bbox)
    {
        for l in &lines_l {
            println!("levelled line {:?} {:?}", l.text, l.bbox.map(|v| v.round()));
        }
    }
    let gray_l = form_fill::regions::without_grid(&gray_l).unwrap_or(gray_l);
    let text_h_l = switchboard::ocr::layout::median_height(&lines_l);
    for r in form_fill::regions::find(&gray_l, &lines_l, text_h_l) {
        println!("region {:?} {:?}", r.kind, r.bbox.map(|v| v.round()));
    }
    let fields = form_fill::fields(&page, &gray);
    for f in &fields {
        let input = match &f.input {
            FieldInput::Text { bbox, kind, format } => {
                format!("{kind:?} {:?} format {format:?}", bbox.map(|v| v.round()))
            }
            FieldInput::Date(parts) => format!(
                "date {:?}",
                parts
                    .iter()
                    .map(|p| (p.part.name(), p.bbox.map(|v| v.round())))
                    .collect::<Vec<_>>()
            ),
            FieldInput::Checkboxes(o) => format!(
                "checkboxes {:?}",
                o.iter().map(|o| o.text.as_str()).collect::<Vec<_>>()
            ),
            FieldInput::Missing => "missing".into(),
        };
        println!(
            "field {:?} {:?} key {:?} -> {input}",
            f.label,
            f.label_bbox.map(|v| v.round()),
            f.key
        );
    }
    let facts = Facts::gather(&profile, "", &[]);
    println!(
        "facts {:?}",
        facts
            .by_key
            .iter()
            .map(|(k, v)| (k.as_str(), v.value.as_str()))
            .collect::<Vec<_>>()
    );
    let (actions, unfilled) = form_fill::plan(&fields, &facts, "en");
    for a in &actions {
        println!(
            "action {} {:?} = {:?} ({:.2}, {})",
            a.action, a.label, a.value, a.confidence, a.profile_key
        );
    }
    for u in &unfilled {
        println!("unfilled {:?}: {}", u.label, u.reason);
    }
    Ok(())
}

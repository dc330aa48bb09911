//! Model-free form filling over the project's form corpus (tests/fixtures/forms, rendered by
//! tools/forms/make_corpus.py with ground truth from the DOM): label-detection F1, mean
//! input-box IoU and value-assignment accuracy, each with its bar from issue 4 (0.95, 0.7,
//! 0.95). `cargo test --release --test eval forms:: -- --nocapture` prints per-form figures.

use crate::common;

use serde::Deserialize;
use switchboard::experts::form_fill::{self, FieldInput, profile};
use switchboard::ocr::geom::{self, BBox};

#[derive(Deserialize)]
struct Form {
    id: String,
    lang: String,
    layout: String,
    profile: std::collections::BTreeMap<String, String>,
    fields: Vec<TruthField>,
}

#[derive(Deserialize)]
struct TruthField {
    label: String,
    label_box: BBox,
    kind: String,
    input_box: Option<BBox>,
    value: Option<String>,
    #[serde(default)]
    options: Vec<TruthOption>,
}

#[derive(Deserialize)]
struct TruthOption {
    text: String,
    #[serde(rename = "box")]
    bbox: BBox,
}

fn same_label(pred: &str, truth: &str) -> bool {
    // Spaces do not count: "姓　名" is printed with an ideographic space for alignment.
    let (p, t) = (profile::squash(pred), profile::squash(truth));
    profile::similarity(&p, &t) >= 0.75
}

fn label_match(pred: &BBox, truth: &BBox) -> bool {
    let c = [(pred[0] + pred[2]) / 2.0, (pred[1] + pred[3]) / 2.0];
    let inside = c[0] >= truth[0] - 3.0
        && c[0] <= truth[2] + 3.0
        && c[1] >= truth[1] - 3.0
        && c[1] <= truth[3] + 3.0;
    inside || geom::iou(pred, truth) >= 0.5
}

fn bx(b: &switchboard::proto::Box) -> BBox {
    [b.x1, b.y1, b.x2, b.y2]
}

fn same_value(a: &str, b: &str) -> bool {
    profile::normalize(a) == profile::normalize(b)
}

#[derive(Default)]
struct Score {
    tp: usize,
    fp: usize,
    fn_: usize,
    iou_sum: f64,
    iou_n: usize,
    right: usize,
    values: usize,
}

#[test]
fn form_corpus_scores() {
    // FORMS_DIR scores another corpus made by the same tool (e.g. a held-out seed).
    let dir = std::env::var_os("FORMS_DIR")
        .map(std::path::PathBuf::from)
        .unwrap_or_else(|| common::repo().join("tests/fixtures/forms"));
    let mut files: Vec<_> = std::fs::read_dir(&dir)
        .expect("tests/fixtures/forms")
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.extension().is_some_and(|x| x == "json"))
        .collect();
    files.sort();
    assert!(
        files.len() >= 30,
        "expected at least 30 forms, found {}",
        files.len()
    );
    let mut ocr = common::ocr_engine();
    let mut total = Score::default();
    println!("| form | lang | layout | labels F1 | input IoU | values |");
    println!("|---|---|---|---|---|---|");
    for f in files {
        let form: Form = serde_json::from_slice(&std::fs::read(&f).unwrap()).unwrap();
        let png = std::fs::read(f.with_extension("png")).unwrap();
        let img = switchboard::engine::qwen3vl::preprocess::decode(&png).unwrap();
        let page = ocr.read(&img).unwrap();
        let gray = image::imageops::grayscale(&img);
        let fields = form_fill::fields(&page, &gray);
        let facts = profile::Facts::gather(&form.profile, "", &[]);
        let (actions, _unfilled) = form_fill::plan(&fields, &facts, &form.lang);

        let mut s = Score::default();
        let mut taken = vec![false; fields.len()];
        for t in &form.fields {
            let hit = fields.iter().enumerate().position(|(i, p)| {
                !taken[i]
                    && label_match(&p.label_bbox, &t.label_box)
                    && same_label(&p.label, &t.label)
            });
            let Some(i) = hit else {
                s.fn_ += 1;
                s.values += 1;
                s.iou_n += if t.kind == "checkbox" {
                    t.options.len()
                } else {
                    1
                };
                eprintln!("{}: missed label {:?}", form.id, t.label);
                continue;
            };
            taken[i] = true;
            s.tp += 1;
            let p = &fields[i];
            // Input boxes.
            match (&p.input, t.kind.as_str()) {
                (FieldInput::Text { bbox, .. }, "text") => {
                    let iou = t.input_box.map(|g| geom::iou(bbox, &g)).unwrap_or(0.0);
                    if iou < 0.7 {
                        eprintln!(
                            "{}: {:?} input {:?} vs truth {:?} (IoU {iou:.2})",
                            form.id, t.label, bbox, t.input_box
                        );
                    }
                    s.iou_sum += iou as f64;
                    s.iou_n += 1;
                }
                (FieldInput::Checkboxes(opts), "checkbox") => {
                    for o in &t.options {
                        let best = opts
                            .iter()
                            .map(|p| geom::iou(&p.bbox, &o.bbox))
                            .fold(0.0, f32::max);
                        s.iou_sum += best as f64;
                        s.iou_n += 1;
                    }
                }
                _ => {
                    eprintln!("{}: {:?} has the wrong kind of input", form.id, t.label);
                    s.iou_n += if t.kind == "checkbox" {
                        t.options.len()
                    } else {
                        1
                    };
                }
            }
            // Values: the action on this field, or none.
            let action = actions
                .iter()
                .find(|a| a.label_box.as_ref().is_some_and(|b| bx(b) == p.label_bbox));
            let ok = match (&t.value, action) {
                (None, None) => true,
                (Some(v), Some(a)) => {
                    let mut ok = same_value(v, &a.value);
                    if t.kind == "checkbox" {
                        let truth_box = t
                            .options
                            .iter()
                            .find(|o| same_value(&o.text, v))
                            .map(|o| o.bbox);
                        ok = ok
                            && truth_box.is_some_and(|g| {
                                a.input_box
                                    .as_ref()
                                    .is_some_and(|b| geom::iou(&bx(b), &g) > 0.5)
                            });
                    }
                    ok
                }
                _ => false,
            };
            if !ok {
                eprintln!(
                    "{}: {:?} value {:?} vs truth {:?}",
                    form.id,
                    t.label,
                    action.map(|a| a.value.as_str()),
                    t.value
                );
            }
            s.right += usize::from(ok);
            s.values += 1;
        }
        for (i, p) in fields.iter().enumerate() {
            if !taken[i] {
                s.fp += 1;
                eprintln!(
                    "{}: extra label {:?} at {:?}",
                    form.id, p.label, p.label_bbox
                );
            }
        }
        let f1 = 2.0 * s.tp as f64 / (2 * s.tp + s.fp + s.fn_).max(1) as f64;
        println!(
            "| {} | {} | {} | {:.3} | {:.3} | {}/{} |",
            form.id,
            form.lang,
            form.layout,
            f1,
            s.iou_sum / s.iou_n.max(1) as f64,
            s.right,
            s.values
        );
        total.tp += s.tp;
        total.fp += s.fp;
        total.fn_ += s.fn_;
        total.iou_sum += s.iou_sum;
        total.iou_n += s.iou_n;
        total.right += s.right;
        total.values += s.values;
    }
    let f1 = 2.0 * total.tp as f64 / (2 * total.tp + total.fp + total.fn_).max(1) as f64;
    let iou = total.iou_sum / total.iou_n.max(1) as f64;
    let acc = total.right as f64 / total.values.max(1) as f64;
    println!(
        "labels: {} found, {} extra, {} missed -> F1 {f1:.3}; mean input-box IoU {iou:.3} over {} boxes; values {}/{} = {acc:.3}",
        total.tp, total.fp, total.fn_, total.iou_n, total.right, total.values
    );
    assert!(f1 >= 0.95, "label F1 {f1:.3} < 0.95");
    assert!(iou >= 0.7, "mean input-box IoU {iou:.3} < 0.7");
    assert!(acc >= 0.95, "value accuracy {acc:.3} < 0.95");
}

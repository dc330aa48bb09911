//! Model-free form filling over rendered form corpora with ground truth from the DOM
//! (tools/forms): label-detection F1, mean input-box IoU, value accuracy and, per field kind
//! (text, date, choice), fill precision / recall / F1 — a fill is right when its value is
//! right and it lands on the truth's box (IoU ≥ 0.5; every part of a date in parts).
//!
//! - `forms::project_corpus`: tests/fixtures/forms, the corpus the rules grew on (issue 4).
//! - `forms::tuning_corpus`: tests/fixtures/forms_tune, dates, label-in-cell, radios and
//!   scan-like variants (issue 19), the corpus rules are tuned on.
//!
//! The last two report issue 19's bars and hold the floors they last reached.
//! - `forms::heldout_corpus`: tests/fixtures/forms_heldout, written apart from the rules and
//!   kept out of tuning; `FORMS_QUIET=1` prints only the totals, so that running it shows no
//!   misses to tune on.
//! - `forms::label_vocabulary`: label wordings with the key each asks for
//!   (tests/fixtures/form_labels), scored on the synonym lists alone.
//!
//! `cargo test --release --test eval forms:: -- --nocapture` prints per-form figures.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use crate::common;

use serde::Deserialize;
use switchboard::experts::form_fill::dates::Ymd;
use switchboard::experts::form_fill::{self, FieldInput, profile};
use switchboard::ocr::geom::{self, BBox};
use switchboard::proto::FormAction;

#[derive(Deserialize)]
struct Form {
    id: String,
    lang: String,
    layout: String,
    #[serde(default)]
    image: Option<String>,
    profile: BTreeMap<String, String>,
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
    #[serde(default)]
    format: Option<String>,
    #[serde(default)]
    parts: Vec<TruthPart>,
}

#[derive(Deserialize)]
struct TruthOption {
    text: String,
    #[serde(rename = "box")]
    bbox: BBox,
}

#[derive(Deserialize)]
struct TruthPart {
    part: String,
    #[serde(rename = "box")]
    bbox: BBox,
    /// Empty or null where the profile has no date.
    #[serde(default)]
    value: Option<String>,
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

fn on(a: &FormAction, truth: &BBox) -> bool {
    a.input_box
        .as_ref()
        .is_some_and(|b| geom::iou(&bx(b), truth) >= 0.5)
}

/// Whether the actions on one field fill it as the truth says.
fn fill_right(t: &TruthField, acts: &[&FormAction]) -> bool {
    let Some(v) = &t.value else { return false };
    match t.kind.as_str() {
        "checkbox" => {
            // A check is a click at the box's centre: it must land on the right option. (A
            // glyph option's truth box is the character's line-high span, so the drawn square
            // inside it overlaps it by less than half.)
            let clicks = |o: &TruthOption| {
                acts[0].input_box.as_ref().is_some_and(|b| {
                    let (x, y) = ((b.x1 + b.x2) / 2.0, (b.y1 + b.y2) / 2.0);
                    x >= o.bbox[0] && x <= o.bbox[2] && y >= o.bbox[1] && y <= o.bbox[3]
                })
            };
            let truth_box = t.options.iter().find(|o| same_value(&o.text, v));
            // The action names the option as read: the OCR may drop the space between the
            // two languages of "男 Male".
            acts.len() == 1
                && acts[0].action == "check"
                && profile::squash(&acts[0].value) == profile::squash(v)
                && truth_box.is_some_and(clicks)
        }
        "date" if !t.parts.is_empty() => {
            acts.len() == t.parts.len()
                && t.parts.iter().all(|p| {
                    acts.iter().any(|a| {
                        a.part == p.part
                            && on(a, &p.bbox)
                            && p.value
                                .as_deref()
                                .and_then(|v| v.parse::<u32>().ok())
                                .is_some_and(|v| a.value.trim().parse::<u32>().ok() == Some(v))
                    })
                })
        }
        "date" => {
            let Some(ib) = t.input_box else { return false };
            let want = Ymd::parse(v);
            acts.len() == 1
                && on(acts[0], &ib)
                && match &t.format {
                    // The form prints a format: the value must follow it. (Parts printed
                    // close up, "YYYYMMDD", have no separator for `find`.)
                    Some(f) => form_fill::dates::Format::find(f)
                        .or_else(|| form_fill::dates::Format::garbled(f))
                        .zip(want)
                        .is_some_and(|(f, d)| same_value(&d.format(&f), &acts[0].value)),
                    None => want.is_some() && Ymd::parse(&acts[0].value) == want,
                }
        }
        _ => {
            acts.len() == 1
                && t.input_box.is_some_and(|ib| on(acts[0], &ib))
                && same_value(&acts[0].value, v)
        }
    }
}

const KINDS: [&str; 3] = ["text", "date", "choice"];

fn kind_of(t: &str) -> usize {
    match t {
        "date" => 1,
        "checkbox" => 2,
        _ => 0,
    }
}

#[derive(Default, Clone, Copy)]
struct Fill {
    /// Fields filled, and filled right; fields that should be filled.
    made: usize,
    right: usize,
    due: usize,
}

impl Fill {
    fn add(&mut self, o: &Fill) {
        self.made += o.made;
        self.right += o.right;
        self.due += o.due;
    }
    fn f1(&self) -> f64 {
        2.0 * self.right as f64 / (self.made + self.due).max(1) as f64
    }
    fn show(&self) -> String {
        format!(
            "F1 {:.3} (precision {}/{}, recall {}/{})",
            self.f1(),
            self.right,
            self.made,
            self.right,
            self.due
        )
    }
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
    fill: [Fill; 3],
}

impl Score {
    fn add(&mut self, s: &Score) {
        self.tp += s.tp;
        self.fp += s.fp;
        self.fn_ += s.fn_;
        self.iou_sum += s.iou_sum;
        self.iou_n += s.iou_n;
        self.right += s.right;
        self.values += s.values;
        for k in 0..3 {
            self.fill[k].add(&s.fill[k]);
        }
    }
    fn label_f1(&self) -> f64 {
        2.0 * self.tp as f64 / (2 * self.tp + self.fp + self.fn_).max(1) as f64
    }
    fn iou(&self) -> f64 {
        self.iou_sum / self.iou_n.max(1) as f64
    }
    fn accuracy(&self) -> f64 {
        self.right as f64 / self.values.max(1) as f64
    }
    fn fill(&self) -> Fill {
        let mut f = Fill::default();
        for k in &self.fill {
            f.add(k);
        }
        f
    }
    fn summary(&self, what: &str) -> String {
        let mut s = format!(
            "{what}: labels {} found, {} extra, {} missed -> F1 {:.3}; mean input-box IoU {:.3} over {} boxes; values {}/{} = {:.3}\n  fill {}",
            self.tp,
            self.fp,
            self.fn_,
            self.label_f1(),
            self.iou(),
            self.iou_n,
            self.right,
            self.values,
            self.accuracy(),
            self.fill().show()
        );
        for (k, name) in KINDS.iter().enumerate() {
            s.push_str(&format!("\n  {name}: {}", self.fill[k].show()));
        }
        s
    }
}

/// Scores one form. `say` gets the misses (silent for the held-out corpus).
fn score_form(
    ocr: &mut switchboard::ocr::OcrEngine,
    dir: &Path,
    form: &Form,
    say: &mut dyn FnMut(String),
) -> Score {
    let image = form
        .image
        .clone()
        .unwrap_or_else(|| format!("{}.png", form.id));
    let bytes = std::fs::read(dir.join(&image)).expect("the form's image");
    let img = switchboard::engine::qwen3vl::preprocess::decode(&bytes).unwrap();
    let page = ocr.read(&img).unwrap();
    let gray = image::imageops::grayscale(&img);
    let fields = form_fill::fields(&page, &gray);
    let facts = profile::Facts::gather(&form.profile, "", &[]);
    let (actions, _unfilled) = form_fill::plan(&fields, &facts, &form.lang);

    let mut s = Score::default();
    let mut taken = vec![false; fields.len()];
    let boxes_of = |t: &TruthField| match t.kind.as_str() {
        "checkbox" => t.options.len(),
        "date" if !t.parts.is_empty() => t.parts.len(),
        _ => 1,
    };
    // Actions grouped by the field (label box) they fill.
    let mut fills: Vec<(BBox, String, Vec<&FormAction>, bool)> = Vec::new();
    for a in &actions {
        let lb = a.label_box.as_ref().map(bx).unwrap_or_default();
        match fills.iter_mut().find(|f| f.0 == lb && f.1 == a.label) {
            Some(f) => f.2.push(a),
            None => fills.push((lb, a.label.clone(), vec![a], false)),
        }
    }
    for t in &form.fields {
        let k = kind_of(&t.kind);
        s.fill[k].due += usize::from(t.value.is_some());
        let hit = fields.iter().enumerate().position(|(i, p)| {
            !taken[i] && label_match(&p.label_bbox, &t.label_box) && same_label(&p.label, &t.label)
        });
        let Some(i) = hit else {
            s.fn_ += 1;
            s.values += 1;
            s.iou_n += boxes_of(t);
            // Why: was the label read at all (a line over its box holding its words), and
            // does it name a key the server knows?
            let read = page.lines.iter().any(|l| {
                geom::iou(&l.bbox, &t.label_box) > 0.0
                    && profile::squash(&l.text).contains(&profile::squash(&t.label))
            });
            say(format!(
                "{}: missed label {:?} ({}, {}, {})",
                form.id,
                t.label,
                if t.value.is_some() { "due" } else { "not due" },
                if read { "read" } else { "not read whole" },
                match profile::label_key(&t.label) {
                    Some((k, _)) => k,
                    None => "no key",
                }
            ));
            continue;
        };
        taken[i] = true;
        s.tp += 1;
        let p = &fields[i];
        // Input boxes.
        let best =
            |cands: &[BBox], g: &BBox| cands.iter().map(|c| geom::iou(c, g)).fold(0.0, f32::max);
        match (&p.input, t.kind.as_str()) {
            (FieldInput::Text { bbox, .. }, "text" | "date") if t.parts.is_empty() => {
                let iou = t.input_box.map(|g| geom::iou(bbox, &g)).unwrap_or(0.0);
                if iou < 0.7 {
                    say(format!(
                        "{}: {:?} input {:?} vs truth {:?} (IoU {iou:.2})",
                        form.id, t.label, bbox, t.input_box
                    ));
                }
                s.iou_sum += iou as f64;
                s.iou_n += 1;
            }
            (FieldInput::Date(parts), "date") => {
                let cands: Vec<BBox> = parts.iter().map(|p| p.bbox).collect();
                for g in &t.parts {
                    s.iou_sum += best(&cands, &g.bbox) as f64;
                    s.iou_n += 1;
                }
            }
            (FieldInput::Checkboxes(opts), "checkbox") => {
                let cands: Vec<BBox> = opts.iter().map(|p| p.bbox).collect();
                for o in &t.options {
                    s.iou_sum += best(&cands, &o.bbox) as f64;
                    s.iou_n += 1;
                }
            }
            _ => {
                say(format!(
                    "{}: {:?} ({}) has the wrong kind of input: {:?}",
                    form.id, t.label, t.kind, p.input
                ));
                s.iou_n += boxes_of(t);
            }
        }
        // Fills: the actions on this field, or none.
        let fill = fills
            .iter_mut()
            .find(|f| f.0 == p.label_bbox && f.1 == p.label);
        let acts: Vec<&FormAction> = fill.as_ref().map(|f| f.2.clone()).unwrap_or_default();
        let ok = match (&t.value, acts.is_empty()) {
            (None, true) => true,
            (Some(_), false) => fill_right(t, &acts),
            _ => false,
        };
        if let Some(f) = fill {
            f.3 = true;
            s.fill[k].made += 1;
        }
        if ok && t.value.is_some() {
            s.fill[k].right += 1;
        }
        if !ok {
            let got: Vec<(&str, &str, Option<BBox>)> = acts
                .iter()
                .map(|a| {
                    (
                        a.part.as_str(),
                        a.value.as_str(),
                        a.input_box.as_ref().map(bx),
                    )
                })
                .collect();
            say(format!(
                "{}: {:?} filled {got:?} vs truth {:?}",
                form.id, t.label, t.value
            ));
        }
        s.right += usize::from(ok);
        s.values += 1;
    }
    // Fills on fields the truth does not have.
    for f in fills.iter().filter(|f| !f.3) {
        let k = if f.2[0].action == "check" {
            2
        } else if !f.2[0].part.is_empty() {
            1
        } else {
            0
        };
        s.fill[k].made += 1;
        say(format!(
            "{}: fill on no field: {:?} {:?}",
            form.id, f.1, f.2[0].value
        ));
    }
    for (i, p) in fields.iter().enumerate() {
        if !taken[i] {
            s.fp += 1;
            say(format!(
                "{}: extra label {:?} at {:?}",
                form.id, p.label, p.label_bbox
            ));
        }
    }
    s
}

/// Scores every form in `dir`: (clean forms, scan-like variants).
fn score_corpus(dir: &Path, quiet: bool) -> (Score, Score) {
    let mut files: Vec<PathBuf> = std::fs::read_dir(dir)
        .unwrap_or_else(|e| panic!("{}: {e}", dir.display()))
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.extension().is_some_and(|x| x == "json"))
        .collect();
    files.sort();
    let mut ocr = common::ocr_engine();
    let (mut clean, mut scans) = (Score::default(), Score::default());
    if !quiet {
        println!("| form | lang | layout | labels F1 | input IoU | values | fill F1 |");
        println!("|---|---|---|---|---|---|---|");
    }
    for f in files {
        let form: Form = serde_json::from_slice(&std::fs::read(&f).unwrap())
            .unwrap_or_else(|e| panic!("{}: {e}", f.display()));
        let mut say = |m: String| {
            if !quiet {
                eprintln!("{m}");
            }
        };
        let s = score_form(&mut ocr, dir, &form, &mut say);
        if !quiet {
            println!(
                "| {} | {} | {} | {:.3} | {:.3} | {}/{} | {:.3} |",
                form.id,
                form.lang,
                form.layout,
                s.label_f1(),
                s.iou(),
                s.right,
                s.values,
                s.fill().f1()
            );
        }
        if form.id.ends_with("_scan") {
            scans.add(&s);
        } else {
            clean.add(&s);
        }
    }
    (clean, scans)
}

fn quiet() -> bool {
    std::env::var_os("FORMS_QUIET").is_some_and(|v| v != "0")
}

#[test]
fn project_corpus() {
    let (s, _) = score_corpus(&common::repo().join("tests/fixtures/forms"), quiet());
    assert!(
        s.values >= 300,
        "expected the 36 forms, scored {} fields",
        s.values
    );
    println!("{}", s.summary("project corpus"));
    assert!(s.label_f1() >= 0.95, "label F1 {:.3} < 0.95", s.label_f1());
    assert!(s.iou() >= 0.7, "mean input-box IoU {:.3} < 0.7", s.iou());
    assert!(
        s.accuracy() >= 0.95,
        "value accuracy {:.3} < 0.95",
        s.accuracy()
    );
    assert!(s.fill().f1() >= 0.99, "fill F1 {:.3} < 0.99", s.fill().f1());
}

/// Issue 19's bars (fill F1 ≥ 0.95 overall, ≥ 0.9 for dates and for choices, ≥ 0.9 on the
/// scan-like variants), reported; and the floors this corpus held when its test was last
/// moved (clean overall, dates, choices, scans), asserted, so that a change that loses ground
/// fails. The issue is resolved when the floors reach the bars.
fn report_and_hold(what: &str, clean: &Score, scans: &Score, floors: [f64; 4]) {
    println!("{}", clean.summary(what));
    println!("{}", scans.summary(&format!("{what}, scan-like variants")));
    assert!(scans.values > 0, "{what}: no scan-like variants");
    let got = [
        clean.fill().f1(),
        clean.fill[1].f1(),
        clean.fill[2].f1(),
        scans.fill().f1(),
    ];
    // A kind with few values due (a set whose option groups are mostly unkeyed) is shown,
    // not scored: a handful of fields make no rate.
    let due = [
        clean.fill().due,
        clean.fill[1].due,
        clean.fill[2].due,
        scans.fill().due,
    ];
    let enough = [true, due[1] >= 20, due[2] >= 15, true];
    let names = ["fill F1", "date fill F1", "choice fill F1", "scan fill F1"];
    let bars = [0.95, 0.9, 0.9, 0.9];
    for k in 0..4 {
        let verdict = if !enough[k] {
            "too few to score"
        } else if got[k] >= bars[k] {
            "met"
        } else {
            "not met"
        };
        println!(
            "{what}: {} {:.3} over {} due (issue 19 bar {:.2}: {verdict})",
            names[k], got[k], due[k], bars[k],
        );
    }
    for k in (0..4).filter(|&k| enough[k]) {
        assert!(
            got[k] >= floors[k],
            "{what}: {} {:.3} fell below {:.2}",
            names[k],
            got[k],
            floors[k]
        );
    }
}

#[test]
fn tuning_corpus() {
    let (clean, scans) = score_corpus(&common::repo().join("tests/fixtures/forms_tune"), quiet());
    // Measured 0.966 / 0.909 / 0.903 / 0.902 (stop 31), 0.971 / 0.911 / 0.970 / 0.916 (stop 32),
    // 0.971 / 0.911 / 0.970 / 0.919 (stop 33), 0.978 / 0.937 / 1.000 / 0.921 (stop 34),
    // 0.983 / 0.962 / 1.000 / 0.926 (stop 35), 0.990 / 0.975 / 1.000 / 0.943 (stop 36),
    // 0.995 / 1.000 / 1.000 / 0.956 (stop 40).
    report_and_hold("tuning corpus", &clean, &scans, [0.98, 0.97, 0.98, 0.94]);
}

#[test]
fn heldout_corpus() {
    // Quiet unless asked: its misses are not for tuning on.
    let loud = std::env::var_os("FORMS_QUIET").is_some_and(|v| v == "0");
    // FORMS_HELDOUT_DIR scores another held-out set written the same way (a fresh seed of
    // tools/forms/make_heldout.py, with make_scans.py), against the same floors.
    let dir = std::env::var_os("FORMS_HELDOUT_DIR").map_or_else(
        || common::repo().join("tests/fixtures/forms_heldout"),
        std::path::PathBuf::from,
    );
    let (clean, scans) = score_corpus(&dir, !loud);
    // Measured 0.843 / 0.516 / 0.636 / 0.799 (stop 30, once, after the rules were frozen), and
    // 0.857 / 0.596 / 0.636 / 0.803 after stop 31's changes (totals only; a fresh seed-8 set
    // gave 0.845 / 0.571 / 0.686 / 0.816). Stop 32 wrote rules against seed 8's misses, which
    // makes this generator's templates tuning material: 0.945 / 0.889 / 0.863 / 0.901 here;
    // 0.943 / 0.879 / 0.863 / 0.895 after stop 33 (rules written against seed 8 and corpus B),
    // 0.947 / 0.889 / 0.906 / 0.895 after stop 34 (and corpus C), 0.947 / 0.889 / 0.906 /
    // 0.891 after stop 35 (and corpus D), 0.971 / 0.919 / 0.981 / 0.920 after stop 36 (and
    // corpus E), 0.973 / 0.929 / 0.981 / 0.924 after stop 40, 0.973 / 0.929 / 0.981 / 0.932
    // after stop 41 (and corpus I), 0.976 / 0.946 / 0.981 / 0.936 after stop 42. The held-out
    // corpora are now tools/forms/make_heldout_j.py's and make_heldout_k.py's (see
    // tools/forms/README.md).
    report_and_hold("held-out corpus", &clean, &scans, [0.96, 0.91, 0.96, 0.91]);
}

/// Label wordings of real forms (tests/fixtures/form_labels/*.tsv, `label<TAB>key`, `-` for a
/// label that names no profile field): the key the filler gives each label (score ≥ 0.7, as
/// `form_fill` keeps it). `tune.tsv` is read for tuning; `heldout.tsv` was written apart from
/// the synonym lists and is scored quietly unless `FORMS_QUIET=0`.
#[test]
fn label_vocabulary() {
    let dir = common::repo().join("tests/fixtures/form_labels");
    // FORMS_LABELS_FILE scores another list instead (loud), e.g. the corpora's own labels.
    let other = std::env::var_os("FORMS_LABELS_FILE").map(PathBuf::from);
    let files: Vec<(PathBuf, &str, f64)> = match &other {
        Some(p) => vec![(p.clone(), "tune.tsv", 0.0)],
        None => vec![
            (dir.join("tune.tsv"), "tune.tsv", 0.97),
            (dir.join("heldout.tsv"), "heldout.tsv", 0.94),
        ],
    };
    for (path, file, floor) in files {
        let Ok(text) = std::fs::read_to_string(&path) else {
            assert_ne!(file, "tune.tsv", "{} is missing", path.display());
            continue;
        };
        let loud = file == "tune.tsv" || !quiet_unless_asked();
        let (mut right, mut total, mut tp, mut made, mut due) = (0, 0, 0, 0, 0);
        for line in text
            .lines()
            .filter(|l| !l.trim().is_empty() && !l.starts_with('#'))
        {
            let (label, want) = line
                .split_once('\t')
                .unwrap_or_else(|| panic!("{file}: no tab in {line:?}"));
            let want = Some(want.trim()).filter(|w| *w != "-");
            let got = profile::label_key(label.trim())
                .filter(|(_, s)| *s >= 0.7)
                .map(|(k, _)| k);
            total += 1;
            right += usize::from(got == want);
            made += usize::from(got.is_some());
            due += usize::from(want.is_some());
            tp += usize::from(got.is_some() && got == want);
            if got != want && loud {
                eprintln!("{file}: {label:?} -> {got:?}, want {want:?}");
            }
        }
        let acc = right as f64 / total.max(1) as f64;
        let (p, r) = (
            tp as f64 / made.max(1) as f64,
            tp as f64 / due.max(1) as f64,
        );
        println!(
            "label vocabulary {file}: {right}/{total} right ({acc:.3}); keyed precision {p:.3}, recall {r:.3}"
        );
        assert!(
            acc >= floor,
            "{file}: accuracy {acc:.3} fell below {floor:.2}"
        );
    }
}

fn quiet_unless_asked() -> bool {
    std::env::var_os("FORMS_QUIET").is_none_or(|v| v != "0")
}

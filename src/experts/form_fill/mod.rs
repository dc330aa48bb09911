//! Form filling without a model: OCR lines -> field labels -> the input area of each label (the
//! box, underline or cell beside or below it; checkbox groups and their options) -> the user's
//! facts mapped onto fields -> actions with pixel boxes, the fields left unfilled and why, and a
//! PyAutoGUI script that replays the actions. Pure: the OCR step reads the page and
//! `experts::steps::form` passes it here.

pub mod profile;
pub mod refine;
pub mod regions;

use image::GrayImage;

use crate::ocr::geom::{self, BBox};
use crate::ocr::{Page, layout};
use crate::proto::{self, FormAction, UnfilledField};
use profile::{Facts, Source};
use regions::{Region, RegionKind};

/// A piece of an OCR line: a line split where checkboxes or wide gaps cut it.
#[derive(Debug, Clone)]
pub struct Segment {
    pub text: String,
    pub bbox: BBox,
    pub confidence: f32,
}

#[derive(Debug, Clone)]
pub struct CheckOption {
    pub text: String,
    pub text_bbox: Option<BBox>,
    pub bbox: BBox,
}

#[derive(Debug, Clone)]
pub enum FieldInput {
    /// A box, cell or underline to type into.
    Text {
        bbox: BBox,
        kind: RegionKind,
    },
    Checkboxes(Vec<CheckOption>),
    /// A label with no input area found beside or below it.
    Missing,
}

#[derive(Debug, Clone)]
pub struct Field {
    /// The label as printed, without a trailing colon or required-field asterisk.
    pub label: String,
    pub label_bbox: BBox,
    pub input: FieldInput,
    /// Canonical key and how sure the label names it.
    pub key: Option<(String, f32)>,
    pub ocr_confidence: f32,
}

/// Strips colons, asterisks and spaces around a label.
pub fn clean_label(s: &str) -> String {
    s.trim()
        .trim_matches(|c: char| matches!(c, ':' | '：' | '*' | '＊' | '_' | ' ' | '.' | '·'))
        .trim()
        .to_string()
}

/// Splits OCR lines into segments at checkboxes (dropping glyphs the OCR read on a box) and at
/// gaps wider than twice the text height.
pub fn segments(page: &Page, checkboxes: &[BBox], text_h: f32) -> Vec<Segment> {
    let mut out = Vec::new();
    for line in &page.lines {
        let cuts: Vec<BBox> = checkboxes
            .iter()
            .filter(|c| {
                geom::v_overlap(c, &line.bbox) > 0.4 && geom::intersection(c, &line.bbox) > 0.0
            })
            .copied()
            .collect();
        if line.glyphs.is_empty() {
            out.push(Segment {
                text: line.text.clone(),
                bbox: line.bbox,
                confidence: line.confidence,
            });
            continue;
        }
        let mut cur: Option<Segment> = None;
        let mut last_x2 = f32::MIN;
        for (g, gb) in &line.glyphs {
            let cx = (gb[0] + gb[2]) / 2.0;
            let on_box = cuts.iter().any(|c| cx >= c[0] - 2.0 && cx <= c[2] + 2.0);
            let crosses_box = cuts
                .iter()
                .any(|c| c[0] >= last_x2 - 1.0 && c[2] <= gb[0] + 1.0);
            let wide_gap =
                last_x2 > f32::MIN && gb[0] - last_x2 > 2.0 * text_h && g.trim().len() == g.len();
            if on_box || crosses_box || wide_gap {
                if let Some(s) = cur.take() {
                    out.push(s);
                }
                if on_box {
                    last_x2 = gb[2];
                    continue;
                }
            }
            last_x2 = gb[2];
            let gbox = [gb[0], line.bbox[1], gb[2], line.bbox[3]];
            match cur.as_mut() {
                Some(s) => {
                    s.text.push_str(g);
                    s.bbox = geom::union(&s.bbox, &gbox);
                }
                None => {
                    cur = Some(Segment {
                        text: g.clone(),
                        bbox: gbox,
                        confidence: line.confidence,
                    })
                }
            }
        }
        if let Some(s) = cur {
            out.push(s);
        }
    }
    for s in &mut out {
        s.text = s.text.trim().to_string();
    }
    out.retain(|s| s.text.chars().any(|c| c.is_alphanumeric()));
    out
}

/// Finds the fields of a form page.
pub fn fields(page: &Page, gray: &GrayImage) -> Vec<Field> {
    let text_h = layout::median_height(&page.lines);
    let regions = regions::find(gray, &page.lines, text_h);
    let checkboxes: Vec<BBox> = regions
        .iter()
        .filter(|r| r.kind == RegionKind::Checkbox)
        .map(|r| r.bbox)
        .collect();
    let segs = segments(page, &checkboxes, text_h);
    let mut used = vec![false; segs.len()];

    // Checkbox options: the text right after each box.
    let mut options: Vec<CheckOption> = Vec::new();
    for cb in &checkboxes {
        let next = segs
            .iter()
            .enumerate()
            .filter(|(i, s)| {
                !used[*i]
                    && geom::v_overlap(&s.bbox, cb) > 0.4
                    && s.bbox[0] >= cb[2] - 2.0
                    && s.bbox[0] - cb[2] <= 2.5 * text_h
            })
            .min_by(|a, b| a.1.bbox[0].total_cmp(&b.1.bbox[0]));
        let (text, text_bbox) = match next {
            Some((i, s)) => {
                used[i] = true;
                (s.text.clone(), Some(s.bbox))
            }
            None => (String::new(), None),
        };
        options.push(CheckOption {
            text,
            text_bbox,
            bbox: *cb,
        });
    }
    // Groups: boxes on one row, and rows of boxes stacked under each other.
    options.sort_by(|a, b| {
        if geom::v_overlap(&a.bbox, &b.bbox) > 0.5 {
            a.bbox[0].total_cmp(&b.bbox[0])
        } else {
            a.bbox[1].total_cmp(&b.bbox[1])
        }
    });
    let mut groups: Vec<Vec<CheckOption>> = Vec::new();
    for o in options {
        let joins = groups.last().is_some_and(|g| {
            let last = &g[g.len() - 1];
            let same_row = geom::v_overlap(&last.bbox, &o.bbox) > 0.5
                && o.bbox[0] - last.bbox[2] < 12.0 * text_h;
            let stacked = (o.bbox[0] - g[0].bbox[0]).abs() < text_h
                && o.bbox[1] > last.bbox[3]
                && o.bbox[1] - last.bbox[3] < 1.5 * text_h;
            same_row || stacked
        });
        if joins {
            if let Some(g) = groups.last_mut() {
                g.push(o);
            }
        } else {
            groups.push(vec![o]);
        }
    }

    let inputs: Vec<&Region> = regions
        .iter()
        .filter(|r| matches!(r.kind, RegionKind::Box | RegionKind::Underline))
        .collect();
    let cells: Vec<&Region> = regions
        .iter()
        .filter(|r| r.kind == RegionKind::TextCell)
        .collect();
    let obstacles: Vec<BBox> = regions
        .iter()
        .filter(|r| r.kind != RegionKind::TextCell)
        .map(|r| r.bbox)
        .collect();
    let between = |a: &BBox, b: &BBox, skip: &BBox| -> bool {
        // Anything drawn between a label and its input on the same row breaks the pairing.
        obstacles.iter().any(|o| {
            o != skip && o[0] >= a[2] - 1.0 && o[2] <= b[0] + 1.0 && geom::v_overlap(o, b) > 0.3
        })
    };
    let page_w = page.width as f32;

    // Candidate pairs (target, segment, cost): targets are input regions, then checkbox groups.
    let mut pairs: Vec<(usize, usize, f32)> = Vec::new();
    let targets: Vec<BBox> = inputs
        .iter()
        .map(|r| r.bbox)
        .chain(groups.iter().map(|g| g[0].bbox))
        .collect();
    for (t, tb) in targets.iter().enumerate() {
        for (i, s) in segs.iter().enumerate() {
            if used[i] {
                continue;
            }
            let b = &s.bbox;
            let cy = (b[1] + b[3]) / 2.0;
            let left = b[2] <= tb[0] + 4.0
                && (geom::v_overlap(b, tb) > 0.5 || (cy > tb[1] && cy < tb[3]))
                && tb[0] - b[2] < 0.45 * page_w
                && !between(b, tb, tb);
            if left {
                let mut cost = (tb[0] - b[2]).max(0.0) / text_h;
                // A label cell right next to the input cell is the surest pairing.
                if cells.iter().any(|c| {
                    geom::intersection(&c.bbox, b) > 0.5 * geom::area(b)
                        && (c.bbox[2] - tb[0]).abs() <= 5.0
                }) {
                    cost -= 5.0;
                }
                pairs.push((t, i, cost));
                continue;
            }
            let above = b[3] <= tb[1] + 4.0
                && tb[1] - b[3] <= 2.2 * text_h
                && b[0] >= tb[0] - 1.5 * text_h
                && b[0] <= tb[0] + 0.5 * (tb[2] - tb[0]).max(4.0 * text_h);
            if above {
                pairs.push((
                    t,
                    i,
                    0.5 + (tb[1] - b[3]).max(0.0) / text_h + (b[0] - tb[0]).abs() / (4.0 * text_h),
                ));
            }
        }
    }
    pairs.sort_by(|a, b| a.2.total_cmp(&b.2));
    let mut target_label: Vec<Option<usize>> = vec![None; targets.len()];
    for (t, i, _) in pairs {
        if target_label[t].is_none() && !used[i] {
            target_label[t] = Some(i);
            used[i] = true;
        }
    }

    let mut out = Vec::new();
    let make = |s: &Segment, input: FieldInput| -> Field {
        let label = clean_label(&s.text);
        let key = profile::label_key(&label)
            .filter(|(_, score)| *score >= 0.7)
            .map(|(k, score)| (k.to_string(), score));
        Field {
            label,
            label_bbox: s.bbox,
            input,
            key,
            ocr_confidence: s.confidence,
        }
    };
    for (t, label) in target_label.iter().enumerate() {
        let Some(i) = label else { continue };
        let input = if t < inputs.len() {
            FieldInput::Text {
                bbox: inputs[t].bbox,
                kind: inputs[t].kind,
            }
        } else {
            FieldInput::Checkboxes(groups[t - inputs.len()].clone())
        };
        out.push(make(&segs[*i], input));
    }
    // Labels that end in a colon and name a known field, with nothing found to write in.
    for (i, s) in segs.iter().enumerate() {
        if used[i] {
            continue;
        }
        let t = s.text.trim_end();
        if (t.ends_with(':') || t.ends_with('：'))
            && profile::label_key(&clean_label(t)).is_some_and(|(_, score)| score >= 0.9)
        {
            out.push(make(s, FieldInput::Missing));
        }
    }
    out.sort_by(|a, b| {
        if geom::v_overlap(&a.label_bbox, &b.label_bbox) > 0.5 {
            a.label_bbox[0].total_cmp(&b.label_bbox[0])
        } else {
            a.label_bbox[1].total_cmp(&b.label_bbox[1])
        }
    });
    out
}

pub fn to_box(b: &BBox) -> proto::Box {
    proto::Box {
        x1: b[0],
        y1: b[1],
        x2: b[2],
        y2: b[3],
    }
}

/// Maps facts onto fields: the actions, the fields left unfilled, and the script.
pub fn plan(fields: &[Field], facts: &Facts, lang: &str) -> (Vec<FormAction>, Vec<UnfilledField>) {
    let zh = lang == "zh";
    let mut actions = Vec::new();
    let mut unfilled = Vec::new();
    for f in fields {
        let custom = profile::squash(&f.label);
        let key_and_score = f.key.clone().or_else(|| {
            facts
                .by_key
                .contains_key(&custom)
                .then(|| (custom.clone(), 1.0))
        });
        let Some((key, key_score)) = key_and_score else {
            unfilled.push(UnfilledField {
                label: f.label.clone(),
                label_box: Some(to_box(&f.label_bbox)),
                reason: if zh {
                    "无法识别该字段对应的个人信息".into()
                } else {
                    "the label names no profile field this server knows".into()
                },
            });
            continue;
        };
        let Some(known) = facts.value_for(&key) else {
            unfilled.push(UnfilledField {
                label: f.label.clone(),
                label_box: Some(to_box(&f.label_bbox)),
                reason: if zh {
                    format!("资料、请求文字和本次会话中都没有“{key}”的值")
                } else {
                    format!("no value for {key} in the profile, the request text or earlier turns")
                },
            });
            continue;
        };
        let source = match &known.source {
            Source::Profile(k) => k.clone(),
            Source::Text => format!("request_text:{key}"),
            Source::History => format!("session:{key}"),
        };
        let base = f.ocr_confidence.clamp(0.0, 1.0) * key_score;
        match &f.input {
            FieldInput::Text { bbox, kind } => {
                let region = if *kind == RegionKind::Underline {
                    0.9
                } else {
                    1.0
                };
                actions.push(FormAction {
                    label: f.label.clone(),
                    label_box: Some(to_box(&f.label_bbox)),
                    input_box: Some(to_box(bbox)),
                    value: known.value.clone(),
                    action: "input_text".into(),
                    confidence: base * region,
                    profile_key: source,
                });
            }
            FieldInput::Checkboxes(opts) => {
                let texts: Vec<String> = opts.iter().map(|o| o.text.clone()).collect();
                match profile::choose_option(&known.value, &texts) {
                    Some(k) => actions.push(FormAction {
                        label: f.label.clone(),
                        label_box: Some(to_box(&f.label_bbox)),
                        input_box: Some(to_box(&opts[k].bbox)),
                        value: opts[k].text.clone(),
                        action: "check".into(),
                        confidence: base * 0.95,
                        profile_key: source,
                    }),
                    None => unfilled.push(UnfilledField {
                        label: f.label.clone(),
                        label_box: Some(to_box(&f.label_bbox)),
                        reason: if zh {
                            format!("“{}”不对应任何选项（{}）", known.value, texts.join("、"))
                        } else {
                            format!(
                                "{:?} matches none of the options ({})",
                                known.value,
                                texts.join(", ")
                            )
                        },
                    }),
                }
            }
            FieldInput::Missing => unfilled.push(UnfilledField {
                label: f.label.clone(),
                label_box: Some(to_box(&f.label_bbox)),
                reason: if zh {
                    "找不到该字段的填写区域".into()
                } else {
                    "no input area found beside or below the label".into()
                },
            }),
        }
    }
    (actions, unfilled)
}

/// A PyAutoGUI script that replays the actions. Coordinates are pixels of the submitted image;
/// ORIGIN and SCALE place that image on the screen.
pub fn pyautogui_script(actions: &[FormAction]) -> String {
    let mut s = String::from(
        "# Generated by Switchboard: fills the form at pixel coordinates of the submitted image.\n\
         # Set ORIGIN to the screen position of the image's top-left corner, SCALE to its zoom.\n\
         import time\n\nimport pyautogui\nimport pyperclip  # non-ASCII text is pasted\n\n\
         ORIGIN = (0, 0)\nSCALE = 1.0\n\n\n\
         def at(x, y):\n    return ORIGIN[0] + x * SCALE, ORIGIN[1] + y * SCALE\n\n\n\
         def type_text(text):\n    if text.isascii():\n        pyautogui.write(text, interval=0.02)\n    else:\n        pyperclip.copy(text)\n        pyautogui.hotkey(\"ctrl\", \"v\")\n\n\n",
    );
    for (i, a) in actions.iter().enumerate() {
        let Some(b) = &a.input_box else { continue };
        let (x, y) = ((b.x1 + b.x2) / 2.0, (b.y1 + b.y2) / 2.0);
        let label = a.label.replace('\n', " ");
        s.push_str(&format!("# {}. {} ({})\n", i + 1, label, a.action));
        match a.action.as_str() {
            "check" => s.push_str(&format!("pyautogui.click(*at({x:.1}, {y:.1}))\n")),
            "select" => s.push_str(&format!(
                "pyautogui.click(*at({x:.1}, {y:.1}))\ntype_text({})\npyautogui.press(\"enter\")\n",
                py_str(&a.value)
            )),
            _ => s.push_str(&format!(
                "pyautogui.click(*at({x:.1}, {y:.1}))\ntype_text({})\n",
                py_str(&a.value)
            )),
        }
        s.push_str("time.sleep(0.2)\n");
    }
    s
}

/// A Python string literal (JSON escaping is valid Python for these).
fn py_str(v: &str) -> String {
    serde_json::to_string(v).unwrap_or_else(|_| "\"\"".into())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn labels_lose_colons_and_asterisks() {
        assert_eq!(clean_label("Full name *:"), "Full name");
        assert_eq!(clean_label("姓名："), "姓名");
        assert_eq!(clean_label("* Email"), "Email");
    }

    #[test]
    fn the_script_is_python_with_every_action() {
        let a = FormAction {
            label: "姓名".into(),
            input_box: Some(proto::Box {
                x1: 10.0,
                y1: 20.0,
                x2: 110.0,
                y2: 40.0,
            }),
            value: "张\"三".into(),
            action: "input_text".into(),
            ..Default::default()
        };
        let s = pyautogui_script(&[a]);
        assert!(s.contains("pyautogui.click(*at(60.0, 30.0))"), "{s}");
        assert!(s.contains(r#"type_text("张\"三")"#), "{s}");
    }
}

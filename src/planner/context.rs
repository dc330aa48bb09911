//! What a step is given of the steps before it: each parent's typed result written out for the
//! model (OCR lines with their boxes, a form's actions and open fields, a video's events, a math
//! answer, screen elements, files), in the request's language, cut at a character budget. Also
//! which video frames an OCR step reads after a video step (the timeline's events).

use std::fmt::Write as _;

use crate::proto::expert_result::Kind;
use crate::proto::{Box as PixelBox, ExpertResult};

/// A parent's output as the context sees it.
pub struct Parent<'a> {
    pub step_id: &'a str,
    pub expert: &'a str,
    pub text: &'a str,
    pub result: &'a ExpertResult,
}

fn bx(b: Option<&PixelBox>) -> String {
    match b {
        Some(b) => format!("[{:.0}, {:.0}, {:.0}, {:.0}]", b.x1, b.y1, b.x2, b.y2),
        None => "[]".into(),
    }
}

/// One parent's result as text for the model.
fn render(p: &Parent<'_>, zh: bool) -> String {
    let mut s = String::new();
    match &p.result.kind {
        Some(Kind::Ocr(o)) => {
            let at = match o.frame_seconds {
                Some(t) => format!(" @ {t:.1}s"),
                None => String::new(),
            };
            let _ = writeln!(
                s,
                "{} (image {}{at}, {}x{} px; {}):",
                if zh {
                    "识别出的文字"
                } else {
                    "Text read"
                },
                o.media_index,
                o.image_width,
                o.image_height,
                if zh {
                    "每行后是它的框 [x1, y1, x2, y2]"
                } else {
                    "each line is followed by its box [x1, y1, x2, y2]"
                }
            );
            for line in o.blocks.iter().flat_map(|b| &b.lines) {
                let _ = writeln!(s, "{}  {}", line.text, bx(line.r#box.as_ref()));
            }
            // Several images or frames read: the typed result holds the first one's boxes, the
            // text all of them, each under its label.
            if p.text.starts_with('[') {
                let _ = writeln!(
                    s,
                    "{}\n{}",
                    if zh {
                        "全部图片的文字："
                    } else {
                        "Text of every image:"
                    },
                    p.text
                );
            }
            for f in &o.fields {
                let _ = writeln!(s, "{} = {}  {}", f.key, f.value, bx(f.r#box.as_ref()));
            }
        }
        Some(Kind::FormFill(f)) => {
            let _ = writeln!(
                s,
                "{}",
                if zh {
                    "已填写的字段："
                } else {
                    "Fields filled:"
                }
            );
            for a in &f.actions {
                let _ = writeln!(
                    s,
                    "- {}: {} ({}{})",
                    a.label,
                    a.value,
                    a.action,
                    if a.profile_key.is_empty() {
                        String::new()
                    } else {
                        format!(", from {}", a.profile_key)
                    }
                );
            }
            let _ = writeln!(
                s,
                "{}",
                if zh {
                    "未填写的字段："
                } else {
                    "Fields left empty:"
                }
            );
            for u in &f.unfilled {
                let _ = writeln!(s, "- {}: {}", u.label, u.reason);
            }
        }
        Some(Kind::Video(v)) => {
            if !v.summary.is_empty() {
                let _ = writeln!(s, "{}", v.summary);
            }
            for e in &v.events {
                let _ = writeln!(
                    s,
                    "[{:.1}s - {:.1}s] {}",
                    e.start_seconds, e.end_seconds, e.description
                );
            }
        }
        Some(Kind::Math(m)) => {
            for step in &m.steps {
                let _ = writeln!(s, "{}", step.text);
            }
            let _ = writeln!(
                s,
                "{}: {}",
                if zh { "最终答案" } else { "Final answer" },
                m.final_answer
            );
        }
        Some(Kind::Gui(g)) => {
            for e in &g.elements {
                let _ = writeln!(s, "{} ({}) {}", e.label, e.role, bx(e.r#box.as_ref()));
            }
            for a in &g.actions {
                let _ = writeln!(s, "{} {} {}", a.action, a.description, a.text);
            }
        }
        Some(Kind::Frontend(f)) => {
            for file in &f.files {
                let _ = writeln!(s, "--- {} ({})\n{}", file.path, file.language, file.content);
            }
        }
        Some(Kind::Diagram(d)) => s.push_str(&d.mermaid),
        Some(Kind::Search(q)) => {
            let _ = writeln!(s, "query_string: {}", q.query_string);
            let mut attributes: Vec<_> = q.attributes.iter().collect();
            attributes.sort();
            for (k, v) in attributes {
                let _ = writeln!(s, "{k}: {v}");
            }
        }
        Some(Kind::General(g)) => s.push_str(&g.answer),
        None => s.push_str(p.text),
    }
    s
}

/// The block a model step is given before its prompt, or None without parents. Cut at
/// `budget` characters (at a character boundary); the bool says whether it was cut.
pub fn block(parents: &[Parent<'_>], lang: &str, budget: usize) -> Option<(String, bool)> {
    if parents.is_empty() {
        return None;
    }
    let zh = lang == "zh";
    let mut s = String::from(if zh {
        "前面步骤的结果：\n"
    } else {
        "Results of the earlier steps:\n"
    });
    for p in parents {
        let _ = writeln!(s, "### {} ({})", p.step_id, p.expert);
        s.push_str(render(p, zh).trim_end());
        s.push_str("\n\n");
    }
    let cut = match s.char_indices().nth(budget) {
        Some((end, _)) => {
            s.truncate(end);
            s.push_str(if zh {
                "\n[……已截断]\n"
            } else {
                "\n[... cut]\n"
            });
            true
        }
        None => false,
    };
    Some((s, cut))
}

/// The frames an OCR step reads after a video step: the middle of each event of its timeline
/// (a slide or screen is fully shown there, not mid-transition), as indices into frames shown
/// at `seconds` (sorted), in time order, without repeats, at most `max`.
pub fn frames_at_events(video: &ExpertResult, seconds: &[f64], max: usize) -> Vec<usize> {
    let Some(Kind::Video(v)) = &video.kind else {
        return Vec::new();
    };
    if seconds.is_empty() {
        return Vec::new();
    }
    let mut picked: Vec<usize> = v
        .events
        .iter()
        .filter(|e| e.start_seconds.is_finite() && e.end_seconds.is_finite())
        .map(|e| {
            let mid = (e.start_seconds + e.end_seconds.max(e.start_seconds)) / 2.0;
            // The last frame shown at `mid` (the frames' times are sorted).
            seconds.partition_point(|&t| t <= mid.max(0.0)).max(1) - 1
        })
        .collect();
    picked.sort_unstable();
    picked.dedup();
    if picked.len() > max {
        // Evenly over the timeline, keeping the first and the last.
        let n = picked.len();
        picked = (0..max)
            .map(|i| picked[if max == 1 { 0 } else { i * (n - 1) / (max - 1) }])
            .collect();
    }
    picked
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::proto::{
        FormAction, FormFillResult, OcrBlock, OcrLine, OcrResult, UnfilledField, VideoEvent,
        VideoResult,
    };

    fn result(kind: Kind) -> ExpertResult {
        ExpertResult {
            kind: Some(kind),
            ..Default::default()
        }
    }

    #[test]
    fn ocr_lines_come_with_their_boxes() {
        let r = result(Kind::Ocr(OcrResult {
            blocks: vec![OcrBlock {
                lines: vec![OcrLine {
                    text: "Total 12.50".into(),
                    r#box: Some(PixelBox {
                        x1: 10.0,
                        y1: 20.0,
                        x2: 110.0,
                        y2: 40.0,
                    }),
                    confidence: 0.9,
                }],
                ..Default::default()
            }],
            image_width: 400,
            image_height: 300,
            ..Default::default()
        }));
        let p = Parent {
            step_id: "ocr#0",
            expert: "ocr",
            text: "Total 12.50",
            result: &r,
        };
        let (b, cut) = block(&[p], "en", 1000).unwrap();
        assert!(!cut);
        assert!(b.contains("### ocr#0 (ocr)"), "{b}");
        assert!(b.contains("Total 12.50  [10, 20, 110, 40]"), "{b}");
        assert!(b.contains("400x300 px"), "{b}");
    }

    #[test]
    fn form_results_list_what_is_filled_and_what_is_not() {
        let r = result(Kind::FormFill(FormFillResult {
            actions: vec![FormAction {
                label: "Name".into(),
                value: "Li Wei".into(),
                action: "input_text".into(),
                profile_key: "name".into(),
                ..Default::default()
            }],
            unfilled: vec![UnfilledField {
                label: "Passport number".into(),
                reason: "no value in the profile".into(),
                ..Default::default()
            }],
            ..Default::default()
        }));
        let p = Parent {
            step_id: "form_fill#1",
            expert: "form_fill",
            text: "",
            result: &r,
        };
        let (b, _) = block(&[p], "zh", 1000).unwrap();
        assert!(b.starts_with("前面步骤的结果"), "{b}");
        assert!(b.contains("- Name: Li Wei (input_text, from name)"), "{b}");
        assert!(
            b.contains("- Passport number: no value in the profile"),
            "{b}"
        );
    }

    #[test]
    fn the_block_is_cut_at_the_budget() {
        let r = ExpertResult::default();
        let long = "字".repeat(500);
        let p = Parent {
            step_id: "a",
            expert: "general",
            text: &long,
            result: &r,
        };
        let (b, cut) = block(&[p], "zh", 100).unwrap();
        assert!(cut);
        assert!(b.chars().count() < 120, "{}", b.chars().count());
        assert!(block(&[], "en", 10).is_none());
    }

    fn at_2fps(n: usize) -> Vec<f64> {
        (0..n).map(|i| i as f64 / 2.0).collect()
    }

    #[test]
    fn frames_are_taken_mid_event_once_each_and_at_most_max() {
        let ev = |a: f64, b: f64| VideoEvent {
            start_seconds: a,
            end_seconds: b,
            description: String::new(),
        };
        let v = result(Kind::Video(VideoResult {
            events: vec![ev(0.0, 2.0), ev(0.2, 1.8), ev(4.0, 6.0), ev(9.0, 99.0)],
            ..Default::default()
        }));
        // 2 fps, 20 frames (10 s): mid-points 1.0 s, 1.0 s, 5.0 s, 54 s (clamped to the last).
        assert_eq!(frames_at_events(&v, &at_2fps(20), 16), vec![2, 10, 19]);
        assert_eq!(frames_at_events(&v, &at_2fps(20), 2), vec![2, 19]);
        assert_eq!(frames_at_events(&v, &[], 16), Vec::<usize>::new());
        assert_eq!(
            frames_at_events(&ExpertResult::default(), &at_2fps(20), 16),
            Vec::<usize>::new()
        );
        // Frames of a variable-rate video: the one shown at each mid-point.
        let seconds = [0.0, 0.4, 3.0, 4.9, 5.2];
        assert_eq!(frames_at_events(&v, &seconds, 16), vec![1, 3, 4]);
    }
}

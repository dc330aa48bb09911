//! Model refinement of a form plan, when a model is configured: the fields the rules could not
//! fill and the profile entries no field used go to the model, which answers which entry
//! belongs in which field. The answer is checked against what was detected: the model can only
//! pair known fields with known entries, never invent a box or a value.

use std::collections::BTreeSet;

use super::profile::{Facts, Source};
use super::{Field, FieldInput, actions_for, pyautogui_script};
use crate::experts::parse::json;
use crate::proto::FormFillResult;

/// What the model is asked about: field ids ("f1", …) with their field index, and the unused
/// profile entries as (key, value).
#[derive(Debug, Clone)]
pub struct Question {
    pub prompt: String,
    pub fields: Vec<(String, usize)>,
    pub entries: Vec<(String, String)>,
    /// The form is Chinese: reasons are written in Chinese.
    pub zh: bool,
}

/// The question for a plan, or `None` when there is nothing a model could add.
pub fn question(
    fields: &[Field],
    facts: &Facts,
    result: &FormFillResult,
    lang: &str,
) -> Option<Question> {
    let filled: BTreeSet<(String, u32, u32)> = result
        .actions
        .iter()
        .filter_map(|a| {
            a.label_box
                .as_ref()
                .map(|b| (a.label.clone(), b.x1 as u32, b.y1 as u32))
        })
        .collect();
    let used: BTreeSet<&str> = result
        .actions
        .iter()
        .map(|a| a.profile_key.as_str())
        .collect();
    let open: Vec<(String, usize)> = fields
        .iter()
        .enumerate()
        .filter(|(_, f)| !matches!(f.input, FieldInput::Missing))
        .filter(|(_, f)| {
            !filled.contains(&(
                f.label.clone(),
                f.label_bbox[0] as u32,
                f.label_bbox[1] as u32,
            ))
        })
        .enumerate()
        .map(|(n, (i, _))| (format!("f{}", n + 1), i))
        .collect();
    let entries: Vec<(String, String)> = facts
        .by_key
        .values()
        .filter_map(|k| match &k.source {
            Source::Profile(key) if !used.contains(key.as_str()) => {
                Some((key.clone(), k.value.clone()))
            }
            _ => None,
        })
        .collect();
    if open.is_empty() || entries.is_empty() {
        return None;
    }
    let mut prompt = String::new();
    let zh = lang == "zh";
    prompt.push_str(if zh {
        "这张表格中以下字段未能与用户资料对应：\n"
    } else {
        "These fields of the form could not be matched to the user's details:\n"
    });
    for (id, i) in &open {
        prompt.push_str(&format!("{id}: {}\n", fields[*i].label));
    }
    prompt.push_str(if zh {
        "尚未使用的用户资料：\n"
    } else {
        "The user's details not used yet:\n"
    });
    for (k, v) in &entries {
        prompt.push_str(&format!("- {k}: {v}\n"));
    }
    prompt.push_str(if zh {
        "只在确定时，用一个 JSON 对象回答每个字段应填哪项资料的键，例如 {\"f1\": \"键\"}；都不合适就回答 {}。"
    } else {
        "Answer with one JSON object that maps a field id to the key of the detail that belongs in it, only where you are sure, e.g. {\"f1\": \"key\"}; answer {} if none fits."
    });
    Some(Question {
        zh,
        prompt,
        fields: open,
        entries,
    })
}

/// Applies the model's answer: each valid pair becomes an action and leaves the unfilled list.
/// Returns warnings for what was refused.
pub fn apply(
    answer: &str,
    q: &Question,
    fields: &[Field],
    result: &mut FormFillResult,
) -> Vec<String> {
    let mut warnings = Vec::new();
    let Some(parsed) = json::extract(answer) else {
        warnings.push("the model's form mapping was not JSON; the rule-based plan stands".into());
        return warnings;
    };
    if !parsed.repairs.is_empty() {
        warnings.push(format!("JSON repaired: {}", parsed.repairs.join(", ")));
    }
    let Some(map) = parsed.value.as_object() else {
        warnings.push("the model's form mapping was not a JSON object".into());
        return warnings;
    };
    let mut added = 0;
    let mut taken: BTreeSet<&str> = BTreeSet::new();
    for (fid, key) in map {
        let Some(key) = key.as_str() else { continue };
        let Some((_, i)) = q.fields.iter().find(|(id, _)| id == fid) else {
            warnings.push(format!("the model named an unknown field {fid:?}"));
            continue;
        };
        let Some((key, value)) = q.entries.iter().find(|(k, _)| k == key) else {
            warnings.push(format!("the model named an unknown detail {key:?}"));
            continue;
        };
        if !taken.insert(key.as_str()) {
            continue;
        }
        let f = &fields[*i];
        let base = 0.6 * f.ocr_confidence.clamp(0.0, 1.0);
        let new = match actions_for(f, value, key, base, q.zh) {
            Ok(a) => a,
            Err(reason) => {
                warnings.push(format!("{:?}: {reason}", f.label));
                continue;
            }
        };
        let label_box = new[0].label_box;
        result
            .unfilled
            .retain(|u| !(u.label == f.label && u.label_box == label_box));
        result.actions.extend(new);
        added += 1;
    }
    if added > 0 {
        warnings.push(format!("the model mapped {added} more field(s)"));
        result.script = pyautogui_script(&result.actions);
    }
    warnings
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::experts::form_fill::regions::RegionKind;
    use crate::experts::form_fill::{CheckOption, to_box};
    use crate::proto::UnfilledField;

    fn fields() -> Vec<Field> {
        let opt = |text: &str, x: f32| CheckOption {
            text: text.into(),
            text_bbox: None,
            bbox: [x, 100.0, x + 12.0, 112.0],
        };
        vec![
            Field {
                label: "Employer".into(),
                label_bbox: [10.0, 50.0, 80.0, 66.0],
                input: FieldInput::Text {
                    bbox: [90.0, 48.0, 300.0, 68.0],
                    kind: RegionKind::Box,
                    format: None,
                },
                key: None,
                ocr_confidence: 0.9,
            },
            Field {
                label: "Marital status".into(),
                label_bbox: [10.0, 100.0, 80.0, 112.0],
                input: FieldInput::Checkboxes(vec![opt("Single", 90.0), opt("Married", 160.0)]),
                key: None,
                ocr_confidence: 0.8,
            },
        ]
    }

    fn question() -> Question {
        Question {
            zh: false,
            prompt: String::new(),
            fields: vec![("f1".into(), 0), ("f2".into(), 1)],
            entries: vec![
                ("employer".into(), "Acme Ltd".into()),
                ("marital_status".into(), "married".into()),
                ("status".into(), "widowed".into()),
            ],
        }
    }

    /// Applies `answer` to a plan with both fields unfilled: (label, value, action) of what was
    /// added, and the warnings.
    fn run(answer: &str) -> (Vec<(String, String, String)>, Vec<String>, FormFillResult) {
        let fields = fields();
        let mut result = FormFillResult {
            unfilled: fields
                .iter()
                .map(|f| UnfilledField {
                    label: f.label.clone(),
                    label_box: Some(to_box(&f.label_bbox)),
                    reason: "no matching detail".into(),
                })
                .collect(),
            ..Default::default()
        };
        let w = apply(answer, &question(), &fields, &mut result);
        let added = result
            .actions
            .iter()
            .map(|a| (a.label.clone(), a.value.clone(), a.action.clone()))
            .collect();
        (added, w, result)
    }

    fn t(label: &str, value: &str, action: &str) -> (String, String, String) {
        (label.into(), value.into(), action.into())
    }

    #[test]
    fn clean_and_fenced_mappings_fill_text_and_checkbox_fields() {
        let (added, w, r) = run("{\"f1\": \"employer\", \"f2\": \"marital_status\"}");
        assert_eq!(
            added,
            [
                t("Employer", "Acme Ltd", "input_text"),
                t("Marital status", "Married", "check")
            ]
        );
        assert_eq!(w, ["the model mapped 2 more field(s)"]);
        assert!(r.unfilled.is_empty());
        let b = r.actions[1].input_box.unwrap();
        assert_eq!((b.x1, b.y1), (160.0, 100.0));
        assert!(r.script.contains("pyautogui"));
        let (added, _, _) = run("The employer line matches.\n```json\n{\"f1\": \"employer\"}\n```");
        assert_eq!(added, [t("Employer", "Acme Ltd", "input_text")]);
    }

    #[test]
    fn repaired_and_truncated_mappings() {
        let (added, w, _) = run("{'f1': 'employer', 'f2': 'marital_status',}");
        assert_eq!(added.len(), 2);
        assert_eq!(w[0], "JSON repaired: single quotes, trailing commas");
        let (added, w, _) = run("{\"f1\": \"employer\", \"f2\": \"mari");
        assert_eq!(added, [t("Employer", "Acme Ltd", "input_text")]);
        assert!(w[0].starts_with("JSON repaired"), "{w:?}");
    }

    #[test]
    fn unknown_fields_unknown_details_and_reused_details_are_refused() {
        let (added, w, r) = run("{\"f9\": \"employer\", \"f1\": \"salary\"}");
        assert!(added.is_empty());
        assert_eq!(
            w,
            [
                "the model named an unknown field \"f9\"",
                "the model named an unknown detail \"salary\""
            ]
        );
        assert_eq!(r.unfilled.len(), 2);
        // One detail goes in one field only.
        let (added, _, _) = run("{\"f1\": \"employer\", \"f2\": \"employer\"}");
        assert_eq!(added.len(), 1);
        // Values that are not detail keys are skipped.
        let (added, w, _) = run("{\"f1\": null, \"f2\": 3}");
        assert!(added.is_empty() && w.is_empty(), "{w:?}");
    }

    #[test]
    fn options_that_match_no_checkbox_and_answers_that_are_not_a_mapping() {
        let (added, w, _) = run("{\"f2\": \"status\"}");
        assert!(added.is_empty());
        assert_eq!(
            w,
            ["\"Marital status\": \"widowed\" matches none of the options (Single, Married)"]
        );
        let (_, w, _) = run("I am not sure which detail belongs where.");
        assert_eq!(
            w,
            ["the model's form mapping was not JSON; the rule-based plan stands"]
        );
        let (_, w, _) = run("[\"f1\", \"employer\"]");
        assert_eq!(w, ["the model's form mapping was not a JSON object"]);
        let (added, w, _) = run("{}");
        assert!(added.is_empty() && w.is_empty());
    }
}

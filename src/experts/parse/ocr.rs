//! The OCR expert's model answer, when a model is configured: the key–value pairs and tables
//! the model read, placed on the OCR tool's lines. The model says what the text means; the OCR
//! says where it is, so every value's box is an OCR box (or the part of one line that holds
//! it), and a value the OCR did not read has no box and a warning.

use serde_json::Value;

use super::json;
use crate::experts::form_fill::profile::distance;
use crate::proto::{Box as PxBox, OcrField, OcrResult, OcrTable, OcrTableRow};

/// A value matching an OCR line less closely than this is not placed.
const MIN_MATCH: f32 = 0.75;

/// Reads the structure in `answer` into `ocr.fields` and `ocr.model_tables`; returns warnings.
pub fn structure(answer: &str, ocr: &mut OcrResult) -> Vec<String> {
    let mut warnings = Vec::new();
    let Some(parsed) = json::extract(answer) else {
        return warnings;
    };
    if !parsed.repairs.is_empty() {
        warnings.push(format!("JSON repaired: {}", parsed.repairs.join(", ")));
    }
    let mut fields = Vec::new();
    let mut tables = Vec::new();
    walk(&parsed.value, "", &mut fields, &mut tables);
    let lines = Lines::of(ocr);
    let mut missing = Vec::new();
    for (key, value) in fields {
        let (r#box, score) = match lines.locate(&value) {
            Some((b, s)) => (Some(b), s),
            None => {
                if !squash(&value).is_empty() {
                    missing.push(key.clone());
                }
                (None, 0.0)
            }
        };
        ocr.fields.push(OcrField {
            key,
            value,
            r#box,
            r#match: score,
        });
    }
    for rows in tables {
        let mut boxes = Vec::new();
        for cell in rows.iter().flatten() {
            if let Some((b, _)) = lines.locate(cell) {
                boxes.push(b);
            }
        }
        ocr.model_tables.push(OcrTable {
            r#box: union(&boxes),
            rows: rows
                .into_iter()
                .map(|cells| OcrTableRow { cells })
                .collect(),
        });
    }
    if !missing.is_empty() {
        warnings.push(format!(
            "{} of {} values are not in the OCR text, so they have no box: {}",
            missing.len(),
            ocr.fields.len(),
            missing.join(", ")
        ));
    }
    warnings
}

fn scalar(v: &Value) -> Option<String> {
    match v {
        Value::String(s) => Some(s.trim().to_string()),
        Value::Number(n) => Some(n.to_string()),
        Value::Bool(b) => Some(b.to_string()),
        _ => None,
    }
}

/// Rows of a table given as arrays of cells, or as objects (a header row from their keys).
fn table(items: &[Value]) -> Option<Vec<Vec<String>>> {
    if items.iter().all(|r| {
        r.as_array()
            .is_some_and(|c| c.iter().all(|x| scalar(x).is_some() || x.is_null()))
    }) {
        return Some(
            items
                .iter()
                .filter_map(Value::as_array)
                .map(|c| c.iter().map(|x| scalar(x).unwrap_or_default()).collect())
                .collect(),
        );
    }
    if items.iter().all(Value::is_object) {
        let mut header: Vec<String> = Vec::new();
        for o in items.iter().filter_map(Value::as_object) {
            for k in o.keys() {
                if !header.contains(k) {
                    header.push(k.clone());
                }
            }
        }
        let mut rows = vec![header.clone()];
        for o in items.iter().filter_map(Value::as_object) {
            rows.push(
                header
                    .iter()
                    .map(|k| o.get(k).and_then(scalar).unwrap_or_default())
                    .collect(),
            );
        }
        return Some(rows);
    }
    None
}

/// `[{"key": "Name", "value": "Alice"}, ...]`: pairs written as objects.
fn pairs(items: &[Value]) -> Option<Vec<(String, String)>> {
    items
        .iter()
        .map(|it| {
            let o = it.as_object()?;
            let k = ["key", "label", "field", "name"]
                .iter()
                .find_map(|k| o.get(*k).and_then(scalar))?;
            let v = o.get("value").and_then(scalar)?;
            (o.len() == 2).then_some((k, v))
        })
        .collect()
}

fn walk(
    v: &Value,
    prefix: &str,
    fields: &mut Vec<(String, String)>,
    tables: &mut Vec<Vec<Vec<String>>>,
) {
    match v {
        Value::Object(o) => {
            for (k, v) in o {
                let key = if prefix.is_empty() {
                    k.clone()
                } else {
                    format!("{prefix}.{k}")
                };
                match v {
                    Value::Object(_) => walk(v, &key, fields, tables),
                    Value::Array(items) if items.iter().all(|x| scalar(x).is_some()) => {
                        let joined: Vec<String> = items.iter().filter_map(scalar).collect();
                        fields.push((key, joined.join(", ")));
                    }
                    Value::Array(_) => walk(v, &key, fields, tables),
                    other => {
                        if let Some(s) = scalar(other) {
                            fields.push((key, s));
                        }
                    }
                }
            }
        }
        Value::Array(items) if !items.is_empty() => {
            if let Some(p) = pairs(items) {
                fields.extend(p.into_iter().map(|(k, v)| {
                    if prefix.is_empty() {
                        (k, v)
                    } else {
                        (format!("{prefix}.{k}"), v)
                    }
                }));
            } else if let Some(rows) = table(items) {
                tables.push(rows);
            }
        }
        _ => {}
    }
}

/// Lower-case letters, digits and CJK, each with its position in the original text.
fn squash_positions(s: &str) -> (Vec<char>, Vec<usize>) {
    let mut chars = Vec::new();
    let mut pos = Vec::new();
    for (i, c) in s.chars().enumerate() {
        if c.is_alphanumeric() {
            for l in c.to_lowercase() {
                chars.push(l);
                pos.push(i);
            }
        }
    }
    (chars, pos)
}

fn squash(s: &str) -> Vec<char> {
    squash_positions(s).0
}

struct Line {
    chars: Vec<char>,
    pos: Vec<usize>,
    /// The line as the OCR read it.
    orig: Vec<char>,
    bbox: PxBox,
}

/// A letter or digit of a script that separates words with spaces (not CJK).
fn wordy(c: char) -> bool {
    c.is_alphanumeric()
        && !matches!(c as u32, 0x3040..=0x30FF | 0x3400..=0x9FFF | 0xAC00..=0xD7AF | 0xF900..=0xFAFF)
}

impl Line {
    /// Characters `first..last` of the line do not start or end inside a word.
    fn bounded(&self, first: usize, last: usize) -> bool {
        let before = first.checked_sub(1).map(|i| self.orig[i]);
        let after = self.orig.get(last).copied();
        !before.is_some_and(|b| wordy(b) && wordy(self.orig[first]))
            && !after.is_some_and(|a| wordy(a) && wordy(self.orig[last - 1]))
    }

    /// The span of squashed characters `start..start + n`, widened to the value's leading and
    /// trailing punctuation where the line has it ("$12.50", "(555) 0100").
    fn span(&self, start: usize, n: usize, value: &str) -> (usize, usize) {
        let (mut first, mut last) = (self.pos[start], self.pos[start + n - 1] + 1);
        let lead = value.chars().take_while(|c| !c.is_alphanumeric()).count();
        let trail = value
            .chars()
            .rev()
            .take_while(|c| !c.is_alphanumeric())
            .count();
        for _ in 0..lead {
            match first.checked_sub(1).map(|i| self.orig[i]) {
                Some(c) if !c.is_alphanumeric() && !c.is_whitespace() => first -= 1,
                _ => break,
            }
        }
        for _ in 0..trail {
            match self.orig.get(last) {
                Some(c) if !c.is_alphanumeric() && !c.is_whitespace() => last += 1,
                _ => break,
            }
        }
        (first, last)
    }

    fn cut(&self, (first, last): (usize, usize)) -> PxBox {
        cut(&self.bbox, first, last, self.orig.len())
    }
}

struct Lines(Vec<Line>);

impl Lines {
    fn of(ocr: &OcrResult) -> Lines {
        Lines(
            ocr.blocks
                .iter()
                .flat_map(|b| &b.lines)
                .filter_map(|l| {
                    let (chars, pos) = squash_positions(&l.text);
                    Some(Line {
                        chars,
                        pos,
                        orig: l.text.chars().collect(),
                        bbox: l.r#box?,
                    })
                })
                .collect(),
        )
    }

    /// The best place for `value` on the lines: the part of a line that holds it (its box cut
    /// in proportion to the characters), and how closely it matches.
    fn locate(&self, value: &str) -> Option<(PxBox, f32)> {
        let v = squash(value);
        if v.is_empty() {
            return None;
        }
        // Exactly as the OCR read it, on the first line (in reading order) that has it as whole
        // words; then inside words, for values long enough not to match by chance ("2" is in
        // "INV-0042").
        for whole in [true, false] {
            if !whole && v.len() < 3 {
                break;
            }
            for line in &self.0 {
                for (start, w) in line.chars.windows(v.len()).enumerate() {
                    if w != v.as_slice() {
                        continue;
                    }
                    let span = line.span(start, v.len(), value);
                    if !whole || line.bounded(span.0, span.1) {
                        return Some((line.cut(span), 1.0));
                    }
                }
            }
        }
        if v.len() < 3 || v.len() > 200 {
            return None;
        }
        let mut best: Option<(PxBox, f32)> = None;
        for line in &self.0 {
            let n = v.len().min(line.chars.len());
            if n == 0 {
                continue;
            }
            // Windows of the value's length (and one either side, for a dropped or extra char).
            for w in [n.saturating_sub(1).max(1), n, n + 1] {
                if w > line.chars.len() {
                    continue;
                }
                for start in 0..=line.chars.len() - w {
                    let window = &line.chars[start..start + w];
                    let d = distance(&v, window);
                    let score = 1.0 - d as f32 / v.len().max(w) as f32;
                    if best.as_ref().is_none_or(|(_, s)| score > *s + 1e-6) {
                        best = Some((line.cut(line.span(start, w, value)), score));
                    }
                }
            }
        }
        best.filter(|(_, s)| *s >= MIN_MATCH)
    }
}

/// The part of a line's box covering characters `first..last` of `len`, on whole pixels.
fn cut(b: &PxBox, first: usize, last: usize, len: usize) -> PxBox {
    let w = b.x2 - b.x1;
    let len = len.max(1) as f32;
    PxBox {
        x1: (b.x1 + w * first as f32 / len).floor(),
        y1: b.y1,
        x2: (b.x1 + w * last as f32 / len).ceil().min(b.x2),
        y2: b.y2,
    }
}

fn union(boxes: &[PxBox]) -> Option<PxBox> {
    let first = *boxes.first()?;
    Some(boxes.iter().fold(first, |a, b| PxBox {
        x1: a.x1.min(b.x1),
        y1: a.y1.min(b.y1),
        x2: a.x2.max(b.x2),
        y2: a.y2.max(b.y2),
    }))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::proto::{OcrBlock, OcrLine};

    /// An OCR result with one line per entry, 20 px high, 10 px per character.
    fn page(lines: &[&str]) -> OcrResult {
        OcrResult {
            blocks: vec![OcrBlock {
                lines: lines
                    .iter()
                    .enumerate()
                    .map(|(i, t)| OcrLine {
                        text: t.to_string(),
                        r#box: Some(PxBox {
                            x1: 100.0,
                            y1: 30.0 * i as f32,
                            x2: 100.0 + 10.0 * t.chars().count() as f32,
                            y2: 30.0 * i as f32 + 20.0,
                        }),
                        confidence: 0.9,
                    })
                    .collect(),
                ..Default::default()
            }],
            ..Default::default()
        }
    }

    fn fields(o: &OcrResult) -> Vec<(&str, &str, Option<[f32; 4]>)> {
        o.fields
            .iter()
            .map(|f| {
                (
                    f.key.as_str(),
                    f.value.as_str(),
                    f.r#box.map(|b| [b.x1, b.y1, b.x2, b.y2]),
                )
            })
            .collect()
    }

    const RECEIPT: &[&str] = &[
        "FRESH MART",
        "Date: 2026-03-14",
        "Milk 2.49",
        "Total: $12.50",
    ];

    #[test]
    fn key_values_get_the_part_of_the_ocr_line_that_holds_them() {
        let mut o = page(RECEIPT);
        let w = structure(
            "{\"store\": \"Fresh Mart\", \"date\": \"2026-03-14\", \"total\": \"$12.50\"}",
            &mut o,
        );
        assert!(w.is_empty(), "{w:?}");
        assert_eq!(
            fields(&o),
            [
                ("store", "Fresh Mart", Some([100.0, 0.0, 200.0, 20.0])),
                // "Date: " is 6 of 16 characters.
                ("date", "2026-03-14", Some([160.0, 30.0, 260.0, 50.0])),
                ("total", "$12.50", Some([170.0, 90.0, 230.0, 110.0])),
            ]
        );
        assert!(o.fields.iter().all(|f| f.r#match == 1.0));
    }

    #[test]
    fn fenced_nested_answers_with_tables() {
        let mut o = page(&[
            "INVOICE No. INV-0042",
            "Item Qty Price",
            "Apple 3 1.50",
            "Pear 2 0.80",
        ]);
        let answer = "Here is the structure:\n```json\n{\"invoice\": {\"number\": \"INV-0042\"},\n \"items\": [[\"Item\", \"Qty\", \"Price\"], [\"Apple\", 3, 1.50], [\"Pear\", 2, 0.80]]}\n```";
        let w = structure(answer, &mut o);
        assert!(w.is_empty(), "{w:?}");
        assert_eq!(
            fields(&o),
            [(
                "invoice.number",
                "INV-0042",
                Some([220.0, 0.0, 300.0, 20.0])
            )]
        );
        let t = &o.model_tables[0];
        assert_eq!(t.rows[1].cells, ["Apple", "3", "1.5"]);
        let b = t.r#box.unwrap();
        assert_eq!((b.x1, b.y1, b.y2), (100.0, 30.0, 110.0));
    }

    #[test]
    fn tables_as_rows_and_as_objects() {
        let mut o = page(&["Name Age", "Alice 30", "Bob 41"]);
        structure(
            "[[\"Name\", \"Age\"], [\"Alice\", \"30\"], [\"Bob\", \"41\"]]",
            &mut o,
        );
        assert_eq!(o.model_tables[0].rows.len(), 3);
        let mut o = page(&["Name Age", "Alice 30"]);
        structure(
            "[{\"Name\": \"Alice\", \"Age\": 30}, {\"Name\": \"Bob\"}]",
            &mut o,
        );
        let rows: Vec<&Vec<String>> = o.model_tables[0].rows.iter().map(|r| &r.cells).collect();
        assert_eq!(
            rows,
            [&vec!["Name", "Age"], &vec!["Alice", "30"], &vec!["Bob", ""]]
        );
        assert!(o.fields.is_empty());
    }

    #[test]
    fn chinese_forms_and_pairs_written_as_objects() {
        let mut o = page(&["姓名：张三", "身份证号码：110101199003071234"]);
        structure(
            "{\"姓名\": \"张三\", \"身份证号码\": \"110101199003071234\"}",
            &mut o,
        );
        assert_eq!(
            fields(&o),
            [
                ("姓名", "张三", Some([130.0, 0.0, 150.0, 20.0])),
                (
                    "身份证号码",
                    "110101199003071234",
                    Some([160.0, 30.0, 340.0, 50.0])
                ),
            ]
        );
        let mut o = page(&["Name: Alice"]);
        structure("[{\"key\": \"Name\", \"value\": \"Alice\"}]", &mut o);
        assert_eq!(
            fields(&o),
            [("Name", "Alice", Some([160.0, 0.0, 210.0, 20.0]))]
        );
    }

    #[test]
    fn ocr_slips_are_matched_closely_and_misses_have_no_box() {
        // The OCR read "Tota1: $12.5O"; the model read the image correctly.
        let mut o = page(&["Tota1: $12.5O", "Cashier: Ann"]);
        let w = structure(
            "{\"total\": \"$12.50\", \"cashier\": \"Ann\", \"phone\": \"555-0100\"}",
            &mut o,
        );
        let total = &o.fields[0];
        assert!(total.r#box.is_some());
        assert!((total.r#match - 0.75).abs() < 1e-6, "{}", total.r#match);
        assert_eq!(o.fields[1].r#match, 1.0);
        assert_eq!((o.fields[2].r#box, o.fields[2].r#match), (None, 0.0));
        assert_eq!(
            w,
            ["1 of 3 values are not in the OCR text, so they have no box: phone"]
        );
    }

    #[test]
    fn repaired_truncated_and_prose_answers() {
        let mut o = page(RECEIPT);
        let w = structure("{'store': 'Fresh Mart', 'total': '$12.50',}", &mut o);
        assert_eq!(w, ["JSON repaired: single quotes, trailing commas"]);
        assert_eq!(o.fields.len(), 2);
        let mut o = page(RECEIPT);
        let w = structure(
            "```json\n{\"store\": \"Fresh Mart\", \"date\": \"2026-03",
            &mut o,
        );
        assert_eq!(w[0], "JSON repaired: truncated");
        assert_eq!(o.fields[0].value, "Fresh Mart");
        // A transcription without structure adds nothing.
        let mut o = page(RECEIPT);
        assert!(structure("FRESH MART\nDate: 2026-03-14\nTotal: $12.50", &mut o).is_empty());
        assert!(o.fields.is_empty() && o.model_tables.is_empty());
    }

    #[test]
    fn lists_of_values_nulls_and_booleans() {
        let mut o = page(&["Allergies: nuts, dairy", "Smoker: no"]);
        structure(
            "{\"allergies\": [\"nuts\", \"dairy\"], \"smoker\": false, \"notes\": null}",
            &mut o,
        );
        assert_eq!(
            fields(&o),
            [
                ("allergies", "nuts, dairy", Some([210.0, 0.0, 320.0, 20.0])),
                ("smoker", "false", None),
            ]
        );
    }
}

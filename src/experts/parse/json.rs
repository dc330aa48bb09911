//! Forgiving JSON reading for model output: finds the JSON in the text (inside a ```json fence
//! or bare), repairs the defects models commonly produce (trailing commas, single quotes,
//! unquoted keys, comments, Python literals, a truncated end) and says what it repaired, so the
//! result can carry a "JSON repaired" warning. Strict about what it returns: a serde_json Value.

use serde_json::Value;

#[derive(Debug, Clone, PartialEq)]
pub struct Parsed {
    pub value: Value,
    /// What had to be repaired; empty when the text was clean JSON.
    pub repairs: Vec<&'static str>,
}

/// The first JSON object or array in `text`, repaired if needed.
pub fn extract(text: &str) -> Option<Parsed> {
    let mut repairs = Vec::new();
    let body = fenced(text).unwrap_or(text);
    let start = body.find(['{', '['])?;
    let candidate = &body[start..];
    // A clean value, maybe followed by prose.
    if let Some(v) = first_value(candidate) {
        return Some(Parsed { value: v, repairs });
    }
    if let Some(v) = first_value(&repair(candidate, &mut repairs)) {
        return Some(Parsed { value: v, repairs });
    }
    // Cut off inside an item ("{\"start\": 6, \"end_ti"): keep the items that were complete.
    let last = candidate.rfind('}')?;
    let mut repairs = vec!["truncated"];
    let v = first_value(&repair(&candidate[..=last], &mut repairs))?;
    Some(Parsed { value: v, repairs })
}

/// Every JSON value in the text, for answers that hold several (a GUI answer's element list and
/// its `<tool_call>` blocks): the bare or fenced values outside the calls, in order, then each
/// call's. A broken bare value is repaired and ends the scan of the text around the calls.
pub fn all(text: &str) -> Vec<Parsed> {
    let mut calls = Vec::new();
    let mut rest = text;
    let mut outside = String::new();
    while let Some(start) = rest.find("<tool_call>") {
        outside.push_str(&rest[..start]);
        let after = &rest[start + "<tool_call>".len()..];
        let end = after.find("</tool_call>").unwrap_or(after.len());
        calls.extend(extract(&after[..end]));
        rest = after.get(end + "</tool_call>".len()..).unwrap_or("");
    }
    outside.push_str(rest);
    let text = outside.as_str();
    let mut out = Vec::new();
    let mut pos = 0;
    while let Some(off) = text[pos..].find(['{', '[']) {
        let start = pos + off;
        let mut values = serde_json::Deserializer::from_str(&text[start..]).into_iter::<Value>();
        match values.next() {
            Some(Ok(value)) => {
                out.push(Parsed {
                    value,
                    repairs: Vec::new(),
                });
                pos = start + values.byte_offset();
            }
            _ => {
                out.extend(extract(&text[start..]));
                break;
            }
        }
    }
    out.extend(calls);
    out
}

/// The first JSON value at the start of `s`, whatever follows it.
fn first_value(s: &str) -> Option<Value> {
    serde_json::Deserializer::from_str(s)
        .into_iter::<Value>()
        .next()
        .and_then(|r| r.ok())
}

/// The contents of the first ``` fence (any language tag), if there is one.
fn fenced(text: &str) -> Option<&str> {
    let open = text.find("```")?;
    let after = &text[open + 3..];
    let body_start = after.find('\n').map(|i| i + 1).unwrap_or(0);
    let body = &after[body_start..];
    Some(match body.find("```") {
        Some(end) => &body[..end],
        None => body, // a truncated answer lost its closing fence
    })
}

/// One pass over the text as a tokenizer would: rewrites strings to double quotes, quotes bare
/// keys, drops comments and trailing commas, maps Python literals, and closes what a truncated
/// answer left open.
fn repair(src: &str, repairs: &mut Vec<&'static str>) -> String {
    let mut note = |r: &'static str| {
        if !repairs.contains(&r) {
            repairs.push(r);
        }
    };
    let chars: Vec<char> = src.chars().collect();
    let mut out = String::with_capacity(src.len() + 16);
    let mut stack: Vec<char> = Vec::new();
    let mut i = 0;
    while i < chars.len() {
        let c = chars[i];
        match c {
            '"' | '\'' => {
                if c == '\'' {
                    note("single quotes");
                }
                let quote = c;
                out.push('"');
                i += 1;
                let mut closed = false;
                while i < chars.len() {
                    let d = chars[i];
                    if d == '\\' && i + 1 < chars.len() {
                        let next = chars[i + 1];
                        if next == '\'' {
                            out.push('\'');
                        } else {
                            out.push('\\');
                            out.push(next);
                        }
                        i += 2;
                        continue;
                    }
                    if d == quote {
                        closed = true;
                        i += 1;
                        break;
                    }
                    if d == '"' {
                        out.push_str("\\\"");
                    } else if d == '\n' {
                        out.push_str("\\n");
                    } else {
                        out.push(d);
                    }
                    i += 1;
                }
                out.push('"');
                if !closed {
                    note("truncated");
                }
                continue;
            }
            '/' if chars.get(i + 1) == Some(&'/') => {
                note("comments");
                while i < chars.len() && chars[i] != '\n' {
                    i += 1;
                }
                continue;
            }
            '{' | '[' => {
                stack.push(if c == '{' { '}' } else { ']' });
                out.push(c);
            }
            '}' | ']' => {
                // A comma right before a closer is a trailing comma.
                let trimmed = out.trim_end().len();
                if out[..trimmed].ends_with(',') {
                    out.truncate(trimmed - 1);
                    note("trailing commas");
                }
                if stack.last() == Some(&c) {
                    stack.pop();
                }
                out.push(c);
                if stack.is_empty() {
                    return out;
                }
            }
            c if c.is_alphabetic() || c == '_' => {
                let start = i;
                while i < chars.len()
                    && (chars[i].is_alphanumeric() || chars[i] == '_' || chars[i] == '-')
                {
                    i += 1;
                }
                let word: String = chars[start..i].iter().collect();
                let mut j = i;
                while j < chars.len() && chars[j].is_whitespace() {
                    j += 1;
                }
                if chars.get(j) == Some(&':') && stack.last() == Some(&'}') {
                    note("unquoted keys");
                    out.push('"');
                    out.push_str(&word);
                    out.push('"');
                } else {
                    match word.as_str() {
                        "True" => {
                            note("Python literals");
                            out.push_str("true")
                        }
                        "False" => {
                            note("Python literals");
                            out.push_str("false")
                        }
                        "None" => {
                            note("Python literals");
                            out.push_str("null")
                        }
                        _ => out.push_str(&word),
                    }
                }
                continue;
            }
            _ => out.push(c),
        }
        i += 1;
    }
    // Truncated: drop a dangling separator or half pair, then close what is open.
    if !stack.is_empty() {
        note("truncated");
        loop {
            let t = out.trim_end().to_string();
            if t.ends_with(',') || t.ends_with(':') {
                out = t[..t.len() - 1].to_string();
                if t.ends_with(':') {
                    // Drop the key whose value never came.
                    if let Some(k) = out.rfind('"').and_then(|e| out[..e].rfind('"')) {
                        out.truncate(k);
                    }
                }
                continue;
            }
            out = t;
            break;
        }
        let trimmed = out.trim_end().len();
        if out[..trimmed].ends_with(',') {
            out.truncate(trimmed - 1);
        }
        while let Some(closer) = stack.pop() {
            out.push(closer);
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn ok(text: &str, want: Value, repairs: &[&str]) {
        let p = extract(text).unwrap_or_else(|| panic!("no JSON in {text:?}"));
        assert_eq!(p.value, want, "{text}");
        assert_eq!(p.repairs, repairs, "{text}");
    }

    #[test]
    fn clean_and_fenced() {
        ok(r#"{"a": 1}"#, json!({"a": 1}), &[]);
        ok(
            "Here you go:\n```json\n[{\"x\": 1}, {\"x\": 2}]\n```\nDone.",
            json!([{"x": 1}, {"x": 2}]),
            &[],
        );
        ok(
            "The answer is {\"ok\": true} as requested.",
            json!({"ok": true}),
            &[],
        );
    }

    #[test]
    fn repairs_common_defects() {
        ok(
            "{'label': 'Name', 'bbox': [1, 2, 3, 4],}",
            json!({"label": "Name", "bbox": [1, 2, 3, 4]}),
            &["single quotes", "trailing commas"],
        );
        ok(
            "{action: \"click\", point: [10, 20]}",
            json!({"action": "click", "point": [10, 20]}),
            &["unquoted keys"],
        );
        ok(
            "{\"done\": True, \"next\": None}",
            json!({"done": true, "next": null}),
            &["Python literals"],
        );
        ok(
            "{\n  // the first field\n  \"a\": 1\n}",
            json!({"a": 1}),
            &["comments"],
        );
        ok(
            "{'text': 'it\\'s \"fine\"'}",
            json!({"text": "it's \"fine\""}),
            &["single quotes"],
        );
    }

    #[test]
    fn closes_truncated_answers() {
        ok(
            "```json\n[{\"a\": 1}, {\"a\": 2}, {\"a\":",
            json!([{"a": 1}, {"a": 2}, {}]),
            &["truncated"],
        );
        ok(
            "{\"steps\": [\"x = 2\", \"y = 3\"",
            json!({"steps": ["x = 2", "y = 3"]}),
            &["truncated"],
        );
        ok(
            "{\"summary\": \"The video shows",
            json!({"summary": "The video shows"}),
            &["truncated"],
        );
    }

    #[test]
    fn all_values_around_and_inside_tool_calls() {
        let text = "Elements: [{\"label\": \"OK\"}]\n<tool_call>\n{\"name\": \"computer_use\", \"arguments\": {'action': 'wait'}}\n</tool_call>\nThen {\"x\": 1}";
        let found = all(text);
        let values: Vec<&Value> = found.iter().map(|p| &p.value).collect();
        assert_eq!(
            values,
            [
                &json!([{"label": "OK"}]),
                &json!({"x": 1}),
                &json!({"name": "computer_use", "arguments": {"action": "wait"}})
            ]
        );
        assert_eq!(found[2].repairs, ["single quotes"]);
        assert!(all("no JSON here").is_empty());
    }

    #[test]
    fn no_json_is_none() {
        assert!(extract("I cannot help with that.").is_none());
        assert!(extract("").is_none());
    }
}

//! The search expert's answer: keywords, attributes and negatives read from the model's JSON,
//! cleaned (trimmed, deduplicated, capped), and written out as a Lucene/Elasticsearch
//! `query_string` with every reserved character escaped, so a caller can pass it unchanged.
//! The query string is built here, never taken from the model: models do not escape.

use std::collections::HashMap;

use serde_json::Value;

use super::json;
use crate::proto::SearchQuery;

/// Caps on what one answer may hold; more is cut with a warning.
const MAX_TERMS: usize = 32;
const MAX_TERM_CHARS: usize = 100;

pub fn parse(text: &str) -> (SearchQuery, Vec<String>) {
    let mut warnings = Vec::new();
    let Some(parsed) = json::extract(text) else {
        warnings.push("no JSON in the answer: no search query".into());
        return (SearchQuery::default(), warnings);
    };
    if !parsed.repairs.is_empty() {
        warnings.push(format!("JSON repaired: {}", parsed.repairs.join(", ")));
    }
    let v = &parsed.value;
    let keywords = terms(&v["keywords"], "keywords", &mut warnings);
    let negative = terms(&v["negative"], "negative", &mut warnings);
    let mut attributes = HashMap::new();
    let mut attribute_order = Vec::new();
    if let Some(obj) = v["attributes"].as_object() {
        for (k, val) in obj {
            let key = clean(&k.to_lowercase().replace([' ', '-'], "_"));
            let value = match val {
                Value::String(s) => clean(s),
                Value::Number(n) => n.to_string(),
                Value::Bool(b) => b.to_string(),
                // A list of values ("colour": ["red", "white"]) reads as one phrase.
                Value::Array(a) => clean(
                    &a.iter()
                        .filter_map(|x| x.as_str())
                        .collect::<Vec<_>>()
                        .join(" "),
                ),
                _ => String::new(),
            };
            if key.is_empty() || value.is_empty() || attributes.len() >= MAX_TERMS {
                continue;
            }
            attribute_order.push(value.clone());
            attributes.insert(key, value);
        }
    }
    if keywords.is_empty() {
        warnings.push("the answer has no keywords".into());
    }
    let positive = dedup(keywords.iter().chain(&attribute_order).cloned().collect());
    let mut parts: Vec<String> = positive.iter().map(|t| lucene_term(t)).collect();
    parts.extend(
        negative
            .iter()
            .map(|t| lucene_term(t))
            .filter(|t| !t.is_empty())
            .map(|t| format!("-{t}")),
    );
    let query_string = parts
        .into_iter()
        .filter(|p| !p.is_empty())
        .collect::<Vec<_>>()
        .join(" ");
    let text = positive.join(" ");
    (
        SearchQuery {
            keywords,
            query_string,
            attributes,
            negative,
            text,
        },
        warnings,
    )
}

/// Strings of a JSON list (or one string), cleaned, deduplicated and capped.
fn terms(v: &Value, name: &str, warnings: &mut Vec<String>) -> Vec<String> {
    let raw: Vec<String> = match v {
        Value::Array(a) => a.iter().filter_map(|x| x.as_str()).map(clean).collect(),
        Value::String(s) => s.split([',', '，', '、']).map(clean).collect(),
        _ => Vec::new(),
    };
    let mut out = dedup(raw.into_iter().filter(|t| !t.is_empty()).collect());
    if out.len() > MAX_TERMS {
        warnings.push(format!(
            "{name}: {} terms, kept the first {MAX_TERMS}",
            out.len()
        ));
        out.truncate(MAX_TERMS);
    }
    out
}

/// Trimmed, inner whitespace collapsed, control characters dropped, at most `MAX_TERM_CHARS`.
fn clean(s: &str) -> String {
    s.split_whitespace()
        .collect::<Vec<_>>()
        .join(" ")
        .chars()
        .filter(|c| !c.is_control())
        .take(MAX_TERM_CHARS)
        .collect()
}

/// Keeps the first of terms equal ignoring case.
fn dedup(terms: Vec<String>) -> Vec<String> {
    let mut seen = std::collections::HashSet::new();
    terms
        .into_iter()
        .filter(|t| seen.insert(t.to_lowercase()))
        .collect()
}

/// Characters the `query_string` syntax reserves (Elasticsearch's list); `<` and `>` cannot be
/// escaped at all and are dropped.
const RESERVED: &[char] = &[
    '+', '-', '=', '&', '|', '!', '(', ')', '{', '}', '[', ']', '^', '"', '~', '*', '?', ':', '\\',
    '/',
];

/// One term of a `query_string`: a single word escaped, several words (or CJK text, which
/// the analyzer would otherwise split into unrelated characters) quoted as a phrase. The
/// bare operators AND, OR and NOT are quoted so they stay words.
pub fn lucene_term(term: &str) -> String {
    let term: String = term.chars().filter(|c| !matches!(c, '<' | '>')).collect();
    let term = term.trim();
    if term.is_empty() {
        return String::new();
    }
    let phrase = term.contains(char::is_whitespace)
        || term.chars().any(is_cjk)
        || matches!(term, "AND" | "OR" | "NOT");
    if phrase {
        let mut s = String::with_capacity(term.len() + 2);
        s.push('"');
        for c in term.chars() {
            if c == '"' || c == '\\' {
                s.push('\\');
            }
            s.push(c);
        }
        s.push('"');
        s
    } else {
        let mut s = String::with_capacity(term.len() * 2);
        for c in term.chars() {
            if RESERVED.contains(&c) {
                s.push('\\');
            }
            s.push(c);
        }
        s
    }
}

fn is_cjk(c: char) -> bool {
    matches!(c as u32, 0x3040..=0x30FF | 0x3400..=0x4DBF | 0x4E00..=0x9FFF | 0xAC00..=0xD7AF | 0xF900..=0xFAFF)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reserved_characters_are_escaped_and_phrases_quoted() {
        assert_eq!(lucene_term("c++"), "c\\+\\+");
        assert_eq!(lucene_term("AT&T"), "AT\\&T");
        assert_eq!(lucene_term("size:M/L"), "size\\:M\\/L");
        assert_eq!(lucene_term("(new)!"), "\\(new\\)\\!");
        assert_eq!(lucene_term("a\\b"), "a\\\\b");
        assert_eq!(lucene_term("<b>x</b>"), "bx\\/b");
        assert_eq!(lucene_term("off shoulder"), "\"off shoulder\"");
        assert_eq!(lucene_term("12\" vinyl"), "\"12\\\" vinyl\"");
        assert_eq!(lucene_term("露肩连衣裙"), "\"露肩连衣裙\"");
        assert_eq!(lucene_term("OR"), "\"OR\"");
        assert_eq!(lucene_term("or"), "or");
        assert_eq!(lucene_term(" <> "), "");
    }

    #[test]
    fn an_answer_becomes_keywords_attributes_and_a_query_string() {
        let (q, w) = parse(
            "```json\n{\"keywords\": [\"red dress\", \" off-shoulder \", \"Red Dress\", \"straw hat\"],\n \"attributes\": {\"Colour\": \"red\", \"category\": \"dress\", \"size\": 38, \"style\": [\"summer\", \"beach\"], \"bad\": null},\n \"negative\": [\"long sleeves\", \"kids\"]}\n```",
        );
        assert!(w.is_empty(), "{w:?}");
        assert_eq!(q.keywords, ["red dress", "off-shoulder", "straw hat"]);
        assert_eq!(q.attributes["colour"], "red");
        assert_eq!(q.attributes["size"], "38");
        assert_eq!(q.attributes["style"], "summer beach");
        assert!(!q.attributes.contains_key("bad"));
        assert_eq!(q.negative, ["long sleeves", "kids"]);
        // The attribute values follow the keywords, each once ("red" is new, "dress" too).
        assert!(
            q.query_string
                .starts_with("\"red dress\" off\\-shoulder \"straw hat\" "),
            "{}",
            q.query_string
        );
        assert!(
            q.query_string.ends_with(" -\"long sleeves\" -kids"),
            "{}",
            q.query_string
        );
        assert!(q.text.starts_with("red dress off-shoulder straw hat "));
    }

    #[test]
    fn chinese_terms_are_phrases_and_a_string_list_is_split() {
        let (q, w) = parse(
            "{'keywords': '红色连衣裙，露肩、草帽', 'attributes': {'颜色': '红色'}, 'negative': []}",
        );
        assert_eq!(w, ["JSON repaired: single quotes"]);
        assert_eq!(q.keywords, ["红色连衣裙", "露肩", "草帽"]);
        assert_eq!(q.query_string, "\"红色连衣裙\" \"露肩\" \"草帽\" \"红色\"");
    }

    #[test]
    fn no_json_or_no_keywords_is_said() {
        let (q, w) = parse("a red dress");
        assert!(q.keywords.is_empty());
        assert_eq!(w, ["no JSON in the answer: no search query"]);
        let (_, w) = parse("{\"keywords\": []}");
        assert_eq!(w, ["the answer has no keywords"]);
    }
}

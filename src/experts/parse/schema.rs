//! A JSON Schema subset for checking what a model answered before it becomes a typed result:
//! `type` (one or a list), `properties`, `required`, `additionalProperties: false`, `items`,
//! `enum`, `const`, `minimum`/`maximum`, `minItems`/`maxItems`, `minLength`, and `anyOf`.
//! Errors name the JSON path, so they can be fed back to the model for a retry; when no form of
//! an `anyOf` fits, the errors of the closest form of the right type are given.

use serde_json::Value;

/// Every violation of `schema` by `value`, as "path: what is wrong" (empty when it conforms).
pub fn validate(schema: &Value, value: &Value) -> Vec<String> {
    let mut errors = Vec::new();
    check(schema, value, "$", &mut errors);
    errors
}

fn type_ok(t: &str, v: &Value) -> bool {
    match t {
        "object" => v.is_object(),
        "array" => v.is_array(),
        "string" => v.is_string(),
        "number" => v.is_number(),
        "integer" => v.as_f64().is_some_and(|n| n.fract() == 0.0),
        "boolean" => v.is_boolean(),
        "null" => v.is_null(),
        _ => true,
    }
}

fn kind(v: &Value) -> &'static str {
    match v {
        Value::Null => "null",
        Value::Bool(_) => "boolean",
        Value::Number(_) => "number",
        Value::String(_) => "string",
        Value::Array(_) => "array",
        Value::Object(_) => "object",
    }
}

fn check(schema: &Value, v: &Value, path: &str, errors: &mut Vec<String>) {
    let Some(s) = schema.as_object() else { return };
    if let Some(t) = s.get("type") {
        let types: Vec<&str> = match t {
            Value::String(t) => vec![t.as_str()],
            Value::Array(ts) => ts.iter().filter_map(Value::as_str).collect(),
            _ => Vec::new(),
        };
        if !types.is_empty() && !types.iter().any(|t| type_ok(t, v)) {
            errors.push(format!(
                "{path}: expected {}, got {}",
                types.join(" or "),
                kind(v)
            ));
            return;
        }
    }
    if let Some(options) = s.get("enum").and_then(Value::as_array)
        && !options.contains(v)
    {
        errors.push(format!(
            "{path}: {v} is not one of {}",
            Value::Array(options.clone())
        ));
    }
    if let Some(c) = s.get("const")
        && c != v
    {
        errors.push(format!("{path}: must be {c}"));
    }
    if let Some(any) = s.get("anyOf").and_then(Value::as_array) {
        let tries: Vec<Vec<String>> = any
            .iter()
            .map(|sub| {
                let mut e = Vec::new();
                check(sub, v, path, &mut e);
                e
            })
            .collect();
        if !tries.iter().any(Vec::is_empty) {
            // The closest form, to say what to fix: one of the right type, with the fewest errors.
            let wrong_type = format!("{path}: expected ");
            let closest = tries
                .iter()
                .min_by_key(|e| (e.iter().any(|x| x.starts_with(&wrong_type)), e.len()));
            match closest {
                Some(e) if !e.iter().any(|x| x.starts_with(&wrong_type)) => {
                    errors.extend_from_slice(e)
                }
                _ => errors.push(format!("{path}: matches none of the allowed forms")),
            }
        }
    }
    if let Some(n) = v.as_f64() {
        if let Some(min) = s.get("minimum").and_then(Value::as_f64)
            && n < min
        {
            errors.push(format!("{path}: {n} is below the minimum {min}"));
        }
        if let Some(max) = s.get("maximum").and_then(Value::as_f64)
            && n > max
        {
            errors.push(format!("{path}: {n} is above the maximum {max}"));
        }
    }
    if let (Some(text), Some(min)) = (v.as_str(), s.get("minLength").and_then(Value::as_u64))
        && (text.chars().count() as u64) < min
    {
        errors.push(format!("{path}: shorter than {min} characters"));
    }
    if let Some(items) = v.as_array() {
        if let Some(min) = s.get("minItems").and_then(Value::as_u64)
            && (items.len() as u64) < min
        {
            errors.push(format!(
                "{path}: needs at least {min} items, has {}",
                items.len()
            ));
        }
        if let Some(max) = s.get("maxItems").and_then(Value::as_u64)
            && (items.len() as u64) > max
        {
            errors.push(format!("{path}: at most {max} items, has {}", items.len()));
        }
        if let Some(item_schema) = s.get("items") {
            for (i, item) in items.iter().enumerate() {
                check(item_schema, item, &format!("{path}[{i}]"), errors);
            }
        }
    }
    if let Some(o) = v.as_object() {
        if let Some(required) = s.get("required").and_then(Value::as_array) {
            for key in required.iter().filter_map(Value::as_str) {
                if !o.contains_key(key) {
                    errors.push(format!("{path}: missing required \"{key}\""));
                }
            }
        }
        let props = s.get("properties").and_then(Value::as_object);
        for (key, val) in o {
            match props.and_then(|p| p.get(key)) {
                Some(sub) => check(sub, val, &format!("{path}.{key}"), errors),
                None => {
                    if s.get("additionalProperties") == Some(&Value::Bool(false)) {
                        errors.push(format!("{path}: unexpected \"{key}\""));
                    }
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn action_schema() -> Value {
        json!({
            "type": "array",
            "minItems": 1,
            "items": {
                "type": "object",
                "required": ["action"],
                "additionalProperties": false,
                "properties": {
                    "action": {"enum": ["click", "type", "scroll"]},
                    "coordinate": {"type": "array", "minItems": 2, "maxItems": 2,
                                   "items": {"type": "number", "minimum": 0, "maximum": 1000}},
                    "text": {"type": "string", "minLength": 1},
                    "pixels": {"type": "integer"}
                }
            }
        })
    }

    #[test]
    fn conforming_answers_have_no_errors() {
        let v =
            json!([{"action": "click", "coordinate": [10, 990]}, {"action": "type", "text": "hi"}]);
        assert!(validate(&action_schema(), &v).is_empty());
    }

    #[test]
    fn every_violation_is_named_by_path() {
        let v = json!([
            {"action": "fly", "coordinate": [10, 1200, 3]},
            {"text": "", "pixels": 2.5, "extra": true}
        ]);
        // Key order depends on serde_json's map features; compare as a set.
        let mut errors = validate(&action_schema(), &v);
        errors.sort();
        assert_eq!(
            errors,
            [
                "$[0].action: \"fly\" is not one of [\"click\",\"type\",\"scroll\"]",
                "$[0].coordinate: at most 2 items, has 3",
                "$[0].coordinate[1]: 1200 is above the maximum 1000",
                "$[1].pixels: expected integer, got number",
                "$[1].text: shorter than 1 characters",
                "$[1]: missing required \"action\"",
                "$[1]: unexpected \"extra\"",
            ]
        );
        assert_eq!(
            validate(&action_schema(), &json!({})),
            ["$: expected array, got object"]
        );
        assert_eq!(
            validate(&action_schema(), &json!([])),
            ["$: needs at least 1 items, has 0"]
        );
    }

    #[test]
    fn type_lists_any_of_and_const() {
        let s = json!({"type": ["string", "null"]});
        assert!(validate(&s, &json!(null)).is_empty());
        assert_eq!(
            validate(&s, &json!(3)),
            ["$: expected string or null, got number"]
        );
        let s = json!({"anyOf": [{"type": "number"}, {"type": "string", "minLength": 3}]});
        assert!(validate(&s, &json!("abc")).is_empty());
        assert_eq!(validate(&s, &json!("ab")), ["$: shorter than 3 characters"]);
        assert_eq!(
            validate(&s, &json!(true)),
            ["$: matches none of the allowed forms"]
        );
        assert_eq!(validate(&json!({"const": 1}), &json!(2)), ["$: must be 1"]);
    }
}

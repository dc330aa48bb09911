//! Checks what a model answered against its expert's JSON Schema before it becomes a typed
//! result. The `jsonschema` crate validates (the whole standard, draft 2020-12 unless a schema
//! says otherwise); this module compiles a schema once and words each violation for the model's
//! schema retry: the JSON path and what is wrong ("$[0].bbox_2d: needs at least 4 items, has 3").
//! When no form of an `anyOf` fits, the errors of the closest form of the right type are given.

use jsonschema::error::{TypeKind, ValidationErrorKind};
use jsonschema::{ValidationError, Validator};
use serde_json::Value;

/// A schema compiled once (when the registry loads), checked against every answer.
pub struct Schema {
    validator: Validator,
    /// The source, for `type` lists in the order the schema gives them.
    source: Value,
}

impl Schema {
    /// Compiles `schema`; a schema that is not valid JSON Schema is an error (start-up stops).
    pub fn compile(schema: &Value) -> Result<Schema, String> {
        let validator = jsonschema::options().build(schema).map_err(|e| {
            let at = e.instance_path().as_str();
            let at = if at.is_empty() { "/" } else { at };
            format!("not a valid JSON Schema at {at}: {e}")
        })?;
        Ok(Schema {
            validator,
            source: schema.clone(),
        })
    }
}

/// Every violation of `schema` by `value`, as "path: what is wrong" (empty when it conforms).
pub fn validate(schema: &Schema, value: &Value) -> Vec<String> {
    // Most answers conform: the boolean check skips building errors for them.
    if schema.validator.is_valid(value) {
        return Vec::new();
    }
    let mut errors = Vec::new();
    for e in schema.validator.iter_errors(value) {
        describe(schema, value, &e, &mut errors);
    }
    errors
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

/// A number as the model wrote it in plain decimal ("1200", "2.5"), anything else as JSON.
fn number(v: &Value) -> String {
    v.as_f64().map_or_else(|| v.to_string(), |n| n.to_string())
}

/// A JSON pointer into `root` ("/0/bbox_2d") as the path the model reads ("$[0].bbox_2d").
fn json_path(root: &Value, pointer: &str) -> String {
    let mut path = String::from("$");
    let mut at = Some(root);
    for raw in pointer.split('/').skip(1) {
        let key = raw.replace("~1", "/").replace("~0", "~");
        at = match at {
            Some(Value::Array(items)) if key.parse::<usize>().is_ok() => {
                path.push_str(&format!("[{key}]"));
                key.parse::<usize>().ok().and_then(|i| items.get(i))
            }
            other => {
                path.push('.');
                path.push_str(&key);
                other.and_then(|o| o.get(&key))
            }
        };
    }
    path
}

/// The type names a `type` keyword allows, in the schema's order.
fn type_names(schema: &Schema, e: &ValidationError, kind: &TypeKind) -> Vec<String> {
    let listed = schema
        .source
        .pointer(e.schema_path().as_str())
        .map(|t| match t {
            Value::String(t) => vec![t.clone()],
            Value::Array(ts) => ts
                .iter()
                .filter_map(Value::as_str)
                .map(String::from)
                .collect(),
            _ => Vec::new(),
        });
    match (listed, kind) {
        (Some(names), _) if !names.is_empty() => names,
        // Reached through a `$ref`: the schema path is not a pointer into the source.
        (_, TypeKind::Single(t)) => vec![t.to_string()],
        (_, TypeKind::Multiple(ts)) => ts.iter().map(|t| t.to_string()).collect(),
    }
}

fn describe(schema: &Schema, root: &Value, e: &ValidationError, errors: &mut Vec<String>) {
    let path = json_path(root, e.instance_path().as_str());
    let v = e.instance();
    let what = match e.kind() {
        ValidationErrorKind::Type { kind: k } => format!(
            "expected {}, got {}",
            type_names(schema, e, k).join(" or "),
            kind(v)
        ),
        ValidationErrorKind::Enum { options } => format!("{v} is not one of {options}"),
        ValidationErrorKind::Constant { expected_value } => format!("must be {expected_value}"),
        ValidationErrorKind::Minimum { limit } => {
            format!("{} is below the minimum {}", number(v), number(limit))
        }
        ValidationErrorKind::Maximum { limit } => {
            format!("{} is above the maximum {}", number(v), number(limit))
        }
        ValidationErrorKind::MinLength { limit } => format!("shorter than {limit} characters"),
        ValidationErrorKind::MinItems { limit } => format!(
            "needs at least {limit} items, has {}",
            v.as_array().map_or(0, Vec::len)
        ),
        ValidationErrorKind::MaxItems { limit } => format!(
            "at most {limit} items, has {}",
            v.as_array().map_or(0, Vec::len)
        ),
        ValidationErrorKind::Required { property } => format!("missing required {property}"),
        ValidationErrorKind::AdditionalProperties { unexpected } => {
            for key in unexpected {
                errors.push(format!("{path}: unexpected \"{key}\""));
            }
            return;
        }
        ValidationErrorKind::AnyOf { context } => {
            // The closest form, to say what to fix: one of the right type, with the fewest errors.
            let wrong_type = format!("{path}: expected ");
            let closest = context
                .iter()
                .map(|branch| {
                    let mut e = Vec::new();
                    for b in branch {
                        describe(schema, root, b, &mut e);
                    }
                    (e.iter().any(|x| x.starts_with(&wrong_type)), e)
                })
                .min_by_key(|(wrong, e)| (*wrong, e.len()));
            match closest {
                Some((false, e)) => errors.extend(e),
                _ => errors.push(format!("{path}: matches none of the allowed forms")),
            }
            return;
        }
        // The rest of the standard (pattern, format, oneOf, ...) in the crate's own words.
        _ => e.to_string(),
    };
    errors.push(format!("{path}: {what}"));
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn validate(schema: &Value, value: &Value) -> Vec<String> {
        super::validate(&Schema::compile(schema).unwrap(), value)
    }

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

    #[test]
    fn keywords_beyond_the_old_subset_and_bad_schemas() {
        let s = json!({
            "$defs": {"code": {"type": "string", "pattern": "^[A-Z]{3}$"}},
            "type": "object",
            "properties": {"currency": {"$ref": "#/$defs/code"}},
            "oneOf": [{"required": ["currency"]}, {"required": ["amount"]}]
        });
        assert!(validate(&s, &json!({"currency": "EUR"})).is_empty());
        assert_eq!(
            validate(&s, &json!({"currency": "euro"})),
            ["$.currency: \"euro\" does not match \"^[A-Z]{3}$\""]
        );
        assert_eq!(
            validate(&s, &json!({"currency": 3})),
            ["$.currency: expected string, got number"]
        );
        // Object keys that look like indexes or hold a '/' keep their names in the path.
        let s = json!({"properties": {"0": {"type": "string"}, "a/b": {"const": 1}}});
        assert_eq!(
            validate(&s, &json!({"0": 1, "a/b": 2})),
            ["$.0: expected string, got number", "$.a/b: must be 1"]
        );
        let e = Schema::compile(&json!({"properties": {"a": {"type": "strin"}}}));
        assert!(e.is_err_and(|e| e.contains("at /properties/a/type")));
        assert!(Schema::compile(&json!({"minItems": -1})).is_err());
    }
}

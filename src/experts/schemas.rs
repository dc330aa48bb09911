//! The JSON Schemas manifests name (`schema = "schemas/<file>.json"`): loaded and checked at
//! start-up, and what an answer's JSON gets wrong by its expert's schema.

use std::collections::BTreeMap;
use std::path::Path;

use crate::error::{Error, Result};

use super::{Manifest, parse};

/// Compiled schemas, by expert id.
#[derive(Default)]
pub(crate) struct Schemas {
    by_expert: BTreeMap<String, parse::schema::Schema>,
}

impl Schemas {
    /// Loads the schema of manifest `m` (read from `path`), if it names one.
    pub(crate) fn load(&mut self, experts_dir: &Path, path: &Path, m: &Manifest) -> Result<()> {
        let Some(file) = &m.schema else {
            if m.require_json {
                return Err(Error::Config(format!(
                    "{}: require_json needs a schema",
                    path.display()
                )));
            }
            return Ok(());
        };
        let p = experts_dir.join(file);
        let text = std::fs::read_to_string(&p).map_err(|e| {
            Error::Config(format!("{}: schema {}: {e}", path.display(), p.display()))
        })?;
        let schema: serde_json::Value = serde_json::from_str(&text)
            .map_err(|e| Error::Config(format!("{}: {e}", p.display())))?;
        if !schema.is_object() {
            return Err(Error::Config(format!(
                "{}: a JSON Schema is an object",
                p.display()
            )));
        }
        let schema = parse::schema::Schema::compile(&schema)
            .map_err(|e| Error::Config(format!("{}: {e}", p.display())))?;
        self.by_expert.insert(m.id.clone(), schema);
        Ok(())
    }

    /// What is wrong with an answer by its expert's schema: the JSON the parser of its kind reads
    /// must match (empty when it does, or when the expert has no schema).
    pub(crate) fn errors(&self, m: &Manifest, text: &str) -> Vec<String> {
        let Some(schema) = self.by_expert.get(&m.id) else {
            return Vec::new();
        };
        let values = parse::answer_json(m.kind, text);
        if values.is_empty() && m.require_json {
            return vec!["the answer has no JSON".into()];
        }
        let many = values.len() > 1;
        let mut errors = Vec::new();
        for (i, p) in values.iter().enumerate() {
            for e in parse::schema::validate(schema, &p.value) {
                // "$" names the value; with several, say which one.
                errors.push(if many {
                    format!("JSON value {}: {e}", i + 1)
                } else {
                    e
                });
            }
        }
        errors
    }
}

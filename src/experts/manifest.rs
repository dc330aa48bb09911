//! The manifest format of `experts/<id>.toml`: what an expert is, how the rules stage spots its
//! requests, which prompt it renders, and its sampling defaults.

use serde::Deserialize;

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Manifest {
    /// Route id; must equal the file name without `.toml`.
    pub id: String,
    pub name: String,
    pub description: String,
    /// Answering needs several steps (a plan), e.g. form filling.
    #[serde(default)]
    pub composite: bool,
    /// Needs a model backend to answer.
    #[serde(default = "yes")]
    pub needs_model: bool,
    /// In-process tools it runs before (or instead of) the model: "ocr". With its tools loaded
    /// it answers image requests without a model.
    #[serde(default)]
    pub tools: Vec<String>,
    /// Media kinds it can take: "image", "video". A request carrying another kind is not routed
    /// to it; empty means any.
    #[serde(default)]
    pub media: Vec<String>,
    /// It cannot answer without media of one of its kinds (e.g. the video expert).
    #[serde(default)]
    pub requires_media: bool,
    /// Prompt template, a file name under the prompts folder.
    pub prompt: String,
    /// System prompt, sent before any history.
    #[serde(default)]
    pub system: String,
    #[serde(default)]
    pub rules: Rules,
    #[serde(default)]
    pub examples: Examples,
    #[serde(default)]
    pub sampling: SamplingDefaults,
    /// JSON Schema (a file under the experts folder) that the JSON in its answers must match;
    /// on a mismatch the model is asked again with the errors (`schema_retries` times).
    #[serde(default)]
    pub schema: Option<String>,
    /// An answer without any JSON does not conform (with `schema`).
    #[serde(default)]
    pub require_json: bool,
}

impl Manifest {
    /// A manifest from its file's text, checked on its own: `stem` is the file name without
    /// `.toml`. The error says what is wrong, without the path (the caller adds it).
    pub fn parse(text: &str, stem: &str) -> Result<Manifest, String> {
        let m: Manifest = toml::from_str(text).map_err(|e| e.message().to_string())?;
        if m.id != stem {
            return Err(format!("id {:?} must match the file name", m.id));
        }
        if m.id.is_empty()
            || !m
                .id
                .chars()
                .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '_')
        {
            return Err("id must be lowercase letters, digits and _".into());
        }
        if let Some(tool) = m.tools.iter().find(|t| *t != "ocr") {
            return Err(format!("unknown tool {tool:?} (known: \"ocr\")"));
        }
        if let Some(kind) = m
            .media
            .iter()
            .chain(&m.rules.media_kinds)
            .find(|k| *k != "image" && *k != "video")
        {
            return Err(format!("unknown media kind {kind:?}"));
        }
        Ok(m)
    }
}

fn yes() -> bool {
    true
}

/// Stage one of routing: regular expressions over the request text, and media kind as evidence.
#[derive(Debug, Clone, Deserialize, Default)]
#[serde(deny_unknown_fields)]
pub struct Rules {
    /// Each pattern that matches adds `weight`. Patterns are case-insensitive.
    #[serde(default)]
    pub patterns: Vec<String>,
    #[serde(default = "one")]
    pub weight: f32,
    /// A request carrying media of one of these kinds adds `media_weight`.
    #[serde(default)]
    pub media_kinds: Vec<String>,
    #[serde(default = "half")]
    pub media_weight: f32,
}

fn one() -> f32 {
    1.0
}
fn half() -> f32 {
    0.5
}

/// Example requests, for semantic routing and for documentation.
#[derive(Debug, Clone, Deserialize, Default)]
#[serde(deny_unknown_fields)]
pub struct Examples {
    #[serde(default)]
    pub en: Vec<String>,
    #[serde(default)]
    pub zh: Vec<String>,
}

#[derive(Debug, Clone, Deserialize, Default)]
#[serde(deny_unknown_fields)]
pub struct SamplingDefaults {
    pub max_new_tokens: Option<u32>,
    pub temperature: Option<f32>,
    pub top_p: Option<f32>,
    pub top_k: Option<u32>,
}

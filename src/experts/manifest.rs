//! The manifest format of `experts/<id>.toml`: what an expert is (its kind, tools and media, as
//! enums serde checks), how the rules stage spots its requests, which prompt it renders, and its
//! sampling defaults. The only place that knows expert ids as words is the manifests themselves.

use serde::Deserialize;

pub use crate::media::MediaKind;

/// What an expert's answer becomes. Behaviour follows the kind, never the id: a new expert of an
/// existing kind needs only a manifest and a prompt.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Kind {
    /// The model's answer as written; no typed result.
    #[default]
    Text,
    /// The answer cleaned for a program (`GeneralResult`).
    General,
    /// Screen elements and actions in pixels of the first image.
    Gui,
    /// Steps and a checked final answer.
    Math,
    /// Files and a preview.
    Frontend,
    /// A timeline clamped to the video.
    Video,
    /// Nodes and edges in pixels, as a `.drawio` file and Mermaid.
    Diagram,
    /// A search query: keywords, attributes, negatives and an escaped `query_string`.
    Search,
    /// The OCR tool's reading, which a model answer may structure.
    Ocr,
    /// OCR, field grounding and profile mapping, then (with a model) refinement.
    FormFill,
}

/// An in-process tool an expert runs before (or instead of) the model.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Tool {
    Ocr,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Manifest {
    /// Route id; must equal the file name without `.toml`.
    pub id: String,
    /// What its answer becomes; `text` (the answer as written) when absent.
    #[serde(default)]
    pub kind: Kind,
    /// The route for whatever no stage claims; exactly one manifest sets it.
    #[serde(default)]
    pub default: bool,
    pub name: String,
    pub description: String,
    /// Answering needs several steps (a plan), e.g. form filling.
    #[serde(default)]
    pub composite: bool,
    /// Needs a model backend to answer.
    #[serde(default = "yes")]
    pub needs_model: bool,
    /// In-process tools it runs before (or instead of) the model. With its tools loaded it
    /// answers image requests without a model.
    #[serde(default)]
    pub tools: Vec<Tool>,
    /// Experts whose work it needs first when the request has what they read, and it has no
    /// earlier step in the plan: math given an image reads it with OCR first (`["ocr"]`).
    #[serde(default)]
    pub needs: Vec<String>,
    /// Experts it needs first when the request has more images than the one it works on: form
    /// filling reads the other document (an ID card, a receipt) with OCR for the values.
    #[serde(default)]
    pub needs_with_more_images: Vec<String>,
    /// How the dispatcher composes it with other experts in one request.
    #[serde(default)]
    pub compose: Compose,
    /// Media kinds it can take. A request carrying another kind is not routed to it; empty means
    /// any.
    #[serde(default)]
    pub media: Vec<MediaKind>,
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
    /// on a mismatch the model is asked again with the errors (`experts.schema_retries` times).
    #[serde(default)]
    pub schema: Option<String>,
    /// An answer without any JSON does not conform (with `schema`).
    #[serde(default)]
    pub require_json: bool,
}

/// What the dispatcher may put before this expert in a plan composed from one request.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Compose {
    /// Experts whose output this one can use when a request asks for both: the step of this
    /// expert then comes after theirs (general after ocr: "summarise this scanned letter").
    #[serde(default)]
    pub after: Vec<String>,
}

impl Manifest {
    /// A manifest from its file's text, checked on its own: `stem` is the file name without
    /// `.toml`. The error says what is wrong, without the path (the caller adds it).
    pub fn parse(text: &str, stem: &str) -> Result<Manifest, String> {
        let m: Manifest = toml::from_str(text).map_err(|e| {
            match e.span().and_then(|s| key_at(text, s.start)) {
                Some(key) => format!("{key}: {}", e.message()),
                None => e.message().to_string(),
            }
        })?;
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
        // Form filling reads the form with OCR; without the tool it could never plan.
        if m.kind == Kind::FormFill && !m.uses(Tool::Ocr) {
            return Err("kind: form_fill needs tools = [\"ocr\"]".into());
        }
        Ok(m)
    }

    pub fn uses(&self, tool: Tool) -> bool {
        self.tools.contains(&tool)
    }
}

/// The key (`table.key`) whose value starts before byte `at`, for errors that name it: serde
/// reports where a bad value is, not which key holds it.
fn key_at(text: &str, at: usize) -> Option<String> {
    let bare = |s: &str| {
        !s.is_empty()
            && s.chars()
                .all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '-')
    };
    let mut key = None;
    for line in text.get(..at)?.lines().rev() {
        let line = line.trim();
        if let Some(table) = line.strip_prefix('[').and_then(|l| l.strip_suffix(']'))
            && bare(table.trim())
        {
            return Some(match key {
                Some(k) => format!("{}.{k}", table.trim()),
                None => table.trim().to_string(),
            });
        }
        if key.is_none()
            && let Some((k, _)) = line.split_once('=')
            && bare(k.trim())
        {
            key = Some(k.trim().to_string());
        }
    }
    key
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
    pub media_kinds: Vec<MediaKind>,
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

#[cfg(test)]
mod tests {
    use super::*;

    const BASE: &str = "id = \"x\"\nname = \"X\"\ndescription = \"d\"\nprompt = \"x.j2\"\n";

    #[test]
    fn kinds_tools_and_media_are_typed() {
        let m = Manifest::parse(
            &format!("{BASE}kind = \"gui\"\ntools = [\"ocr\"]\nmedia = [\"image\", \"video\"]\n[rules]\nmedia_kinds = [\"video\"]\n"),
            "x",
        )
        .unwrap();
        assert_eq!(m.kind, Kind::Gui);
        assert!(m.uses(Tool::Ocr));
        assert_eq!(m.media, [MediaKind::Image, MediaKind::Video]);
        assert_eq!(m.rules.media_kinds, [MediaKind::Video]);
        assert!(!m.default);
        assert_eq!(Manifest::parse(BASE, "x").unwrap().kind, Kind::Text);
    }

    #[test]
    fn unknown_values_name_their_key() {
        let err = |extra: &str| Manifest::parse(&format!("{BASE}{extra}"), "x").unwrap_err();
        let e = err("tools = [\"ocr\", \"grep\"]\n");
        assert!(e.starts_with("tools: unknown variant `grep`"), "{e}");
        let e = err("media = [\"audio\"]\n");
        assert!(e.starts_with("media: unknown variant `audio`"), "{e}");
        let e = err("kind = \"poetry\"\n");
        assert!(e.starts_with("kind: unknown variant `poetry`"), "{e}");
        let e = err("[rules]\nweight = 2.0\nmedia_kinds = [\n  \"image\",\n  \"pdf\",\n]\n");
        assert!(
            e.starts_with("rules.media_kinds: unknown variant `pdf`"),
            "{e}"
        );
        let e = err("kind = \"form_fill\"\n");
        assert!(e.contains("needs tools"), "{e}");
    }
}

//! A request as the domain sees it, after the API layer has checked it against the limits.

use std::collections::BTreeMap;

use crate::media::MediaItem;

/// Generation options the client set; `None` keeps the expert's default.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct GenOptions {
    pub max_new_tokens: Option<u32>,
    pub temperature: Option<f32>,
    pub top_p: Option<f32>,
    pub top_k: Option<u32>,
    pub seed: Option<u64>,
    pub stop: Vec<String>,
}

#[derive(Debug, Clone, Default)]
pub struct AskInput {
    /// Empty: start a new session.
    pub session_id: String,
    pub text: String,
    pub media: Vec<MediaItem>,
    /// Explicit route; skips routing.
    pub expert: Option<String>,
    pub profile: BTreeMap<String, String>,
    pub options: GenOptions,
    /// Idempotency key; empty when the client gave none.
    pub request_id: String,
}

/// "zh" when CJK characters make up at least a fifth of the letters, else "en".
pub fn language(text: &str) -> &'static str {
    let (mut cjk, mut letters) = (0usize, 0usize);
    for c in text.chars() {
        if is_cjk(c) {
            cjk += 1;
            letters += 1;
        } else if c.is_alphabetic() {
            letters += 1;
        }
    }
    if letters > 0 && cjk * 5 >= letters {
        "zh"
    } else {
        "en"
    }
}

/// Whether a character is a CJK ideograph.
pub fn is_cjk(c: char) -> bool {
    matches!(c as u32, 0x4E00..=0x9FFF | 0x3400..=0x4DBF | 0x20000..=0x2A6DF | 0xF900..=0xFAFF)
}

#[cfg(test)]
mod tests {
    use super::language;

    #[test]
    fn detects_chinese() {
        assert_eq!(language("帮我识别这张图片里的文字"), "zh");
        assert_eq!(language("Please read the text"), "en");
        assert_eq!(language("把这个 form 填好"), "zh");
        assert_eq!(language(""), "en");
    }
}

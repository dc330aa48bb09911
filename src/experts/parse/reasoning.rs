//! Thinking models (Qwen3-VL-Thinking) write their reasoning before the answer, closed by
//! `</think>`; the chat template usually opens the `<think>` itself, so the answer text may
//! hold only the closing tag. This splits the reasoning off, so that every parser, the schema
//! check and the session history see the answer alone.

/// What a model wrote, split into reasoning and answer.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Split {
    pub reasoning: String,
    pub answer: String,
    /// The reasoning was opened and never closed (the answer is empty then).
    pub unclosed: bool,
}

pub fn split(text: &str) -> Split {
    let t = text.trim_start();
    if let Some(end) = t.find("</think>") {
        let reasoning = t[..end].strip_prefix("<think>").unwrap_or(&t[..end]);
        return Split {
            reasoning: reasoning.trim().to_string(),
            answer: t[end + "</think>".len()..].trim().to_string(),
            unclosed: false,
        };
    }
    if let Some(rest) = t.strip_prefix("<think>") {
        return Split {
            reasoning: rest.trim().to_string(),
            answer: String::new(),
            unclosed: true,
        };
    }
    Split {
        reasoning: String::new(),
        answer: text.trim().to_string(),
        unclosed: false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reasoning_is_split_off_with_or_without_the_opening_tag() {
        let s = split("<think>\nThe user wants the total.\n</think>\n\nThe total is 12.");
        assert_eq!(s.reasoning, "The user wants the total.");
        assert_eq!(s.answer, "The total is 12.");
        let s = split("The image shows a cat.\n</think>\n\nA cat on a sofa.");
        assert_eq!(
            (s.reasoning.as_str(), s.answer.as_str()),
            ("The image shows a cat.", "A cat on a sofa.")
        );
        let s = split("  A plain answer.\n");
        assert_eq!(
            (s.reasoning.as_str(), s.answer.as_str()),
            ("", "A plain answer.")
        );
        let s = split("<think>\nLet me count the apples: one, two");
        assert!(s.unclosed);
        assert_eq!(s.answer, "");
        // A `<think>` later in the text is part of the answer (e.g. quoted markup).
        let s = split("Use the tag <think> to mark reasoning.");
        assert_eq!(s.answer, "Use the tag <think> to mark reasoning.");
    }
}

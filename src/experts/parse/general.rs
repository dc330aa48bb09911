//! The general expert's answer: its text, cleaned of what a program should not get. Qwen3-VL
//! sometimes wraps a plain answer in a fence, starts with a bare "Answer:" label, or (when
//! echoing the chat format) leaves `<|im_end|>` or `<|endoftext|>` in the text; those go, and
//! an empty answer is said in a warning.

use crate::proto::GeneralResult;

const SPECIAL: &[&str] = &["<|im_end|>", "<|endoftext|>", "<|im_start|>assistant"];

pub fn parse(text: &str) -> (GeneralResult, Vec<String>) {
    let mut warnings = Vec::new();
    let mut answer = text.to_string();
    for s in SPECIAL {
        if answer.contains(s) {
            answer = answer.replace(s, "");
        }
    }
    let mut answer = answer.trim();
    // A whole answer in one plain-text fence: the fence is not part of it. Code fences with a
    // language stay, they are the answer's formatting.
    if let Some(inner) = answer
        .strip_prefix("```")
        .and_then(|r| r.strip_suffix("```"))
        .and_then(|r| r.strip_prefix("text\n").or(r.strip_prefix('\n')))
        && !inner.contains("```")
    {
        answer = inner.trim();
    }
    for label in ["Answer:", "**Answer:**", "答案：", "回答："] {
        if let Some(rest) = answer.strip_prefix(label) {
            answer = rest.trim_start();
            break;
        }
    }
    if answer.is_empty() {
        warnings.push("the model gave an empty answer".into());
    }
    (
        GeneralResult {
            answer: answer.to_string(),
        },
        warnings,
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    fn answer(text: &str) -> String {
        parse(text).0.answer
    }

    #[test]
    fn plain_markdown_and_chinese_answers_are_kept_as_written() {
        let md = "The chart shows three trends:\n\n1. **Revenue** rose 12%.\n2. Costs fell.\n\n| Year | Revenue |\n|---|---|\n| 2024 | 1.2M |";
        assert_eq!(answer(md), md);
        assert_eq!(
            answer("图中是一只橘猫，趴在窗台上晒太阳。"),
            "图中是一只橘猫，趴在窗台上晒太阳。"
        );
        let code = "Here is how:\n```python\nprint(sum([1, 2]))\n```";
        assert_eq!(answer(code), code);
        assert_eq!(
            answer("  There are 4 people in the photo.\n\n"),
            "There are 4 people in the photo."
        );
    }

    #[test]
    fn wrappers_labels_and_special_tokens_go() {
        assert_eq!(
            answer("```\nA red bicycle leaning on a wall.\n```"),
            "A red bicycle leaning on a wall."
        );
        assert_eq!(answer("```text\nStop sign.\n```"), "Stop sign.");
        assert_eq!(answer("Answer: Paris."), "Paris.");
        assert_eq!(answer("**Answer:** 42"), "42");
        assert_eq!(answer("答案：北京"), "北京");
        assert_eq!(answer("It is a dog.<|im_end|>"), "It is a dog.");
        assert_eq!(
            answer("A bridge at night.<|im_end|>\n<|endoftext|>"),
            "A bridge at night."
        );
    }

    #[test]
    fn an_empty_answer_is_said() {
        let (r, w) = parse("<|im_end|>");
        assert_eq!(r.answer, "");
        assert_eq!(w, ["the model gave an empty answer"]);
    }
}

//! The math expert's answer as steps and a final answer (plain and LaTeX). Where the answer is
//! arithmetic Switchboard can evaluate (an `expr = value` answer, or a question that is plain
//! arithmetic), it is checked and a mismatch is flagged.

use crate::proto::{MathResult, MathStep};

/// The byte index of the `}` closing the `{` at `open`, if the group is closed.
fn closing_brace(s: &str, open: usize) -> Option<usize> {
    let mut depth = 0;
    for (j, c) in s[open..].char_indices() {
        match c {
            '{' => depth += 1,
            '}' => {
                depth -= 1;
                if depth == 0 {
                    return Some(open + j);
                }
            }
            _ => {}
        }
    }
    None
}

/// `\boxed{...}` contents, braces balanced; a truncated group gives what is there.
fn boxed(text: &str) -> Option<&str> {
    let open = text.rfind("\\boxed{")? + "\\boxed".len();
    let end = closing_brace(text, open).unwrap_or(text.len());
    Some(&text[open + 1..end])
}

/// Replaces `\frac{a}{b}` with `(a)/(b)`, repeatedly.
fn expand_fracs(s: &str) -> String {
    let mut s = s.to_string();
    while let Some(i) = s.find("\\frac{") {
        let num_open = i + "\\frac".len();
        let Some(num_close) = closing_brace(&s, num_open) else {
            break;
        };
        if s.as_bytes().get(num_close + 1) != Some(&b'{') {
            break;
        }
        let Some(den_close) = closing_brace(&s, num_close + 1) else {
            break;
        };
        s = format!(
            "{}({})/({}){}",
            &s[..i],
            &s[num_open + 1..num_close],
            &s[num_close + 2..den_close],
            &s[den_close + 1..]
        );
    }
    s
}

/// LaTeX to plain text: the usual operators and wrappers.
pub fn latex_to_plain(latex: &str) -> String {
    let mut s = expand_fracs(latex);
    for (from, to) in [
        ("\\times", "×"),
        ("\\cdot", "·"),
        ("\\div", "÷"),
        ("\\pm", "±"),
        ("\\leq", "≤"),
        ("\\geq", "≥"),
        ("\\neq", "≠"),
        ("\\pi", "π"),
        ("\\infty", "∞"),
        ("\\left", ""),
        ("\\right", ""),
        ("\\,", " "),
        ("\\!", ""),
        ("$", ""),
    ] {
        s = s.replace(from, to);
    }
    for wrapper in ["\\text{", "\\mathrm{", "\\mathbf{"] {
        while let Some(i) = s.find(wrapper) {
            let rest = &s[i + wrapper.len()..];
            let close = rest.find('}').unwrap_or(rest.len());
            s = format!(
                "{}{}{}",
                &s[..i],
                &rest[..close],
                rest.get(close + 1..).unwrap_or("")
            );
        }
    }
    s = s
        .replace("\\sqrt{", "sqrt(")
        .replace('{', "(")
        .replace('}', ")");
    s.split_whitespace().collect::<Vec<_>>().join(" ")
}

// --- a small arithmetic evaluator ------------------------------------------------------------

struct Eval<'a> {
    s: &'a [u8],
    i: usize,
}

impl Eval<'_> {
    fn ws(&mut self) {
        while self.i < self.s.len() && self.s[self.i] == b' ' {
            self.i += 1;
        }
    }
    fn peek(&mut self) -> Option<u8> {
        self.ws();
        self.s.get(self.i).copied()
    }
    fn expr(&mut self) -> Option<f64> {
        let mut v = self.term()?;
        while let Some(c) = self.peek() {
            match c {
                b'+' => {
                    self.i += 1;
                    v += self.term()?
                }
                b'-' => {
                    self.i += 1;
                    v -= self.term()?
                }
                _ => break,
            }
        }
        Some(v)
    }
    fn term(&mut self) -> Option<f64> {
        let mut v = self.power()?;
        while let Some(c) = self.peek() {
            match c {
                b'*' => {
                    self.i += 1;
                    v *= self.power()?
                }
                b'/' => {
                    self.i += 1;
                    let d = self.power()?;
                    if d == 0.0 {
                        return None;
                    }
                    v /= d
                }
                _ => break,
            }
        }
        Some(v)
    }
    fn power(&mut self) -> Option<f64> {
        let base = self.unary()?;
        if self.peek() == Some(b'^') {
            self.i += 1;
            let e = self.power()?;
            return Some(base.powf(e));
        }
        Some(base)
    }
    fn unary(&mut self) -> Option<f64> {
        match self.peek()? {
            b'-' => {
                self.i += 1;
                Some(-self.unary()?)
            }
            b'(' => {
                self.i += 1;
                let v = self.expr()?;
                (self.peek() == Some(b')')).then(|| self.i += 1)?;
                Some(v)
            }
            _ => {
                let start = self.i;
                while self.i < self.s.len()
                    && (self.s[self.i].is_ascii_digit() || self.s[self.i] == b'.')
                {
                    self.i += 1;
                }
                let v: f64 = std::str::from_utf8(&self.s[start..self.i])
                    .ok()?
                    .parse()
                    .ok()?;
                if self.peek() == Some(b'%') {
                    self.i += 1;
                    return Some(v / 100.0);
                }
                Some(v)
            }
        }
    }
}

/// Evaluates plain arithmetic (+ - * / ^ parentheses, ×, ÷, ·, %, thousands commas); None when
/// the text is anything else.
pub fn evaluate(text: &str) -> Option<f64> {
    let s: String = text
        .replace(['×', '·'], "*")
        .replace('÷', "/")
        .replace('−', "-")
        .chars()
        .filter(|c| *c != ',')
        .collect();
    let s = s.trim();
    if s.is_empty()
        || !s
            .chars()
            .all(|c| c.is_ascii_digit() || " .+-*/^()%".contains(c))
    {
        return None;
    }
    if !s.chars().any(|c| c.is_ascii_digit()) {
        return None;
    }
    let mut e = Eval {
        s: s.as_bytes(),
        i: 0,
    };
    let v = e.expr()?;
    e.ws();
    (e.i == s.len() && v.is_finite()).then_some(v)
}

fn close(a: f64, b: f64) -> bool {
    (a - b).abs() <= 1e-6 * a.abs().max(b.abs()).max(1.0)
}

/// The arithmetic in a question such as "What is 17 × 23?" or "计算 (3+4)*5".
fn question_arithmetic(question: &str) -> Option<f64> {
    let start = question.find(|c: char| c.is_ascii_digit() || c == '(' || c == '-')?;
    let expr: String = question[start..]
        .chars()
        .take_while(|c| !matches!(c, '?' | '？' | '=' | '。'))
        .collect();
    let v = evaluate(expr.trim_end_matches(['.', ' ']))?;
    // A bare number is no question to check against.
    expr.chars().any(|c| "+-*/^×÷·%".contains(c)).then_some(v)
}

pub fn parse(text: &str, question: &str) -> (MathResult, Vec<String>) {
    let mut warnings = Vec::new();
    let latex = boxed(text).map(str::trim).map(str::to_string).or_else(|| {
        // "Final answer: ..." / "答案：..." lines when there is no \boxed.
        text.lines().rev().find_map(|l| {
            let l = l.trim();
            [
                "Final answer:",
                "Final Answer:",
                "Answer:",
                "最终答案：",
                "最终答案:",
                "答案：",
                "答案:",
            ]
            .iter()
            .find_map(|p| l.strip_prefix(p))
            .map(|r| r.trim().trim_end_matches('.').to_string())
        })
    });
    let final_latex = latex.clone().unwrap_or_default();
    let final_plain = latex_to_plain(&final_latex);
    if latex.is_none() {
        warnings.push("no final answer found".into());
    }
    // Steps: the text without its final-answer lines, one per numbered item or paragraph.
    let is_final = |l: &str| {
        let l = l.trim();
        l.contains("\\boxed")
            || [
                "Final answer",
                "Final Answer",
                "Answer:",
                "最终答案",
                "答案：",
            ]
            .iter()
            .any(|p| l.starts_with(p))
    };
    let body: String = text
        .lines()
        .filter(|l| !is_final(l))
        .collect::<Vec<_>>()
        .join("\n");
    let steps: Vec<MathStep> = body
        .split("\n\n")
        .flat_map(|block| {
            let lines: Vec<&str> = block
                .lines()
                .map(str::trim)
                .filter(|l| !l.is_empty())
                .collect();
            // A numbered list inside one block is one step per item.
            if lines.len() > 1
                && lines.iter().all(|l| {
                    // Markdown emphasis and headings around the marker ("**Step 1:**", "### 1.").
                    let l = l.trim_start_matches(['*', '#', '>', ' ']);
                    l.chars().next().is_some_and(|c| c.is_ascii_digit())
                        || l.starts_with("Step")
                        || l.starts_with("步骤")
                        || l.starts_with('第')
                        || l.starts_with('-')
                })
            {
                lines.into_iter().map(str::to_string).collect()
            } else {
                vec![lines.join(" ")]
            }
        })
        .filter(|s| !s.is_empty())
        .map(|s| MathStep {
            latex: math_segments(&s),
            text: latex_to_plain(&s),
        })
        .collect();
    let mut verified = None;
    // "expr = value" inside the answer.
    if let Some((lhs, rhs)) = final_plain.rsplit_once('=')
        && let (Some(l), Some(r)) = (evaluate(lhs), evaluate(rhs))
    {
        verified = Some(close(l, r));
    } else if let (Some(q), Some(a)) = (question_arithmetic(question), evaluate(&final_plain)) {
        verified = Some(close(q, a));
    }
    if verified == Some(false) {
        warnings.push(format!(
            "the final answer {final_plain:?} does not match the arithmetic"
        ));
    }
    (
        MathResult {
            steps,
            final_answer: final_plain,
            final_answer_latex: final_latex,
            verified,
        },
        warnings,
    )
}

/// The math in a step: `\[...\]`, `\(...\)`, `$$...$$` and `$...$` segments, joined.
fn math_segments(s: &str) -> String {
    let mut out = Vec::new();
    let mut rest = s.to_string();
    for (open, close) in [("\\[", "\\]"), ("\\(", "\\)"), ("$$", "$$"), ("$", "$")] {
        while let Some(i) = rest.find(open) {
            let after = &rest[i + open.len()..];
            let Some(j) = after.find(close) else { break };
            out.push(after[..j].trim().to_string());
            rest = format!("{}{}", &rest[..i], &after[j + close.len()..]);
        }
    }
    out.join("; ")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn boxed_answer_with_steps() {
        let text = "To solve $3x + 5 = 20$:\n\n1. Subtract 5 from both sides: $3x = 15$.\n2. Divide by 3: $x = 5$.\n\nFinal answer: \\boxed{x = 5}";
        let (r, w) = parse(text, "Solve 3x + 5 = 20 step by step");
        assert_eq!(r.final_answer, "x = 5");
        assert_eq!(r.final_answer_latex, "x = 5");
        assert_eq!(r.steps.len(), 3, "{:?}", r.steps);
        assert_eq!(r.steps[1].latex, "3x = 15");
        assert_eq!(r.verified, None);
        assert!(w.is_empty(), "{w:?}");
    }

    #[test]
    fn checks_plain_arithmetic_questions() {
        let (r, w) = parse(
            "17 × 23 = 17 × 20 + 17 × 3 = 340 + 51 = 391.\n\n\\boxed{391}",
            "What is 17 × 23?",
        );
        assert_eq!((r.final_answer.as_str(), r.verified), ("391", Some(true)));
        assert!(w.is_empty());
        let (r, w) = parse("The product is \\boxed{381}", "What is 17 × 23?");
        assert_eq!(r.verified, Some(false));
        assert!(w[0].contains("does not match"), "{w:?}");
        let (r, _) = parse("最终答案：\\boxed{35}", "计算 (3+4)*5");
        assert_eq!(r.verified, Some(true));
        let (r, _) = parse("\\boxed{60}", "What is 25% of 240?");
        assert_eq!(
            r.verified, None,
            "percent-of questions are words, not arithmetic"
        );
    }

    #[test]
    fn checks_expression_answers_and_fractions() {
        let (r, _) = parse(
            "So the total is \\boxed{\\frac{3}{4} + \\frac{1}{4} = 1}",
            "",
        );
        assert_eq!(r.final_answer, "(3)/(4) + (1)/(4) = 1");
        assert_eq!(r.verified, Some(true));
        let (r, w) = parse("\\boxed{2^{10} = 1000}", "");
        assert_eq!(r.verified, Some(false));
        assert_eq!(w.len(), 1);
    }

    #[test]
    fn latex_answers_become_plain_text() {
        let (r, _) = parse(
            "The derivative is \\boxed{e^x(\\sin x + \\cos x)}",
            "Differentiate e^x sin x",
        );
        assert_eq!(r.final_answer, "e^x(\\sin x + \\cos x)");
        let (r, _) = parse("\\boxed{\\text{the triangle is isosceles}}", "");
        assert_eq!(r.final_answer, "the triangle is isosceles");
        let (r, _) = parse("\\boxed{x = \\frac{-b \\pm \\sqrt{b^2 - 4ac}}{2a}}", "");
        assert_eq!(r.final_answer, "x = (-b ± sqrt(b^2 - 4ac))/(2a)");
        assert_eq!(r.verified, None);
    }

    #[test]
    fn answers_without_boxes_and_truncated_ones() {
        let (r, w) = parse(
            "Step 1: 12 and 18 share 6.\nStep 2: lcm = 12*18/6 = 36.\nFinal answer: 36.",
            "LCM of 12 and 18?",
        );
        assert_eq!(r.final_answer, "36");
        assert_eq!(r.steps.len(), 2);
        assert!(w.is_empty());
        let (r, _) = parse("... therefore \\boxed{42", "");
        assert_eq!(r.final_answer, "42");
        let (r, w) = parse("I think the answer depends on the figure.", "");
        assert_eq!(r.final_answer, "");
        assert_eq!(w, ["no final answer found"]);
    }

    #[test]
    fn the_evaluator() {
        assert_eq!(evaluate("2 + 3 * 4"), Some(14.0));
        assert_eq!(evaluate("(2 + 3) * 4"), Some(20.0));
        assert_eq!(evaluate("2^3^2"), Some(512.0));
        assert_eq!(evaluate("1,299.5 - 0.5"), Some(1299.0));
        assert_eq!(evaluate("10 ÷ 4"), Some(2.5));
        assert_eq!(evaluate("50%"), Some(0.5));
        assert_eq!(evaluate("1/0"), None);
        assert_eq!(evaluate("x + 1"), None);
        assert_eq!(evaluate("(1 + 2"), None);
    }
}

//! Composite requests: several intents in one request become a plan over experts, with a
//! confidence. Two sources of evidence:
//! - phrases: the text splits into clauses at connectives ("…, then …", "… and also …", "然后",
//!   "再", "另外", sentence ends), and each clause is routed on its own; clauses that go to
//!   different experts are steps, in order. "then"/"然后"/"再" make a step wait on the one
//!   before, "also"/"另外"/"同时" keep them independent, and a plain break decides by the
//!   manifests (`compose.after`: whose output an expert can use);
//! - ranked routes: one clause whose runner-up route is an expert the top one can take output
//!   from ("summarise this scanned letter": general after ocr), when both scored well.
//!
//! Which experts feed which lives in the manifests; this module knows none by name.

use std::sync::LazyLock;

use regex::Regex;

use crate::planner::{Plan, PlanSource};
use crate::proto::Routing;
use crate::request::AskInput;

use super::{Dispatcher, STAGE_DEFAULT, STAGE_EXPLICIT, STAGE_MODEL};

/// How a clause joins the one before it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Link {
    /// The first clause.
    Start,
    /// "then", "然后", "再": it uses what came before.
    Then,
    /// "also", "另外", "同时": independent.
    Also,
    /// A sentence end or a bare "and": the manifests decide.
    Break,
}

/// Connectives, longest first within each alternation so that "and then" wins over "and".
static SEPARATORS: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(concat!(
        r"(?i)",
        // Then (EN): the later clause works on the earlier one's result.
        r"(?P<then>[,;]?\s*\b(?:and then|then|after that|afterwards|once (?:you've|you have|that's|done)|",
        r"based on (?:that|it|this|the result)|using (?:that|it|this|the result)|and (?:use|put|enter|fill|add) (?:it|that|them|the)\b)\b",
        r"|[，,；;]?\s*(?:然后|接着|随后|之后再|之后|完了再|再|并把|并将))",
        // Also: independent.
        r"|(?P<also>[,;]?\s*\b(?:and also|also|as well as|in addition|additionally|separately|plus)\b",
        r"|[，,；;]?\s*(?:另外|同时|顺便|此外|以及|并且|还要|还有))",
        // A plain break.
        r"|(?P<brk>[.?!;]\s+|[。？！；?!]|,\s*and\b|\band (?:tell|give|show|list|explain|make|write|say|check|let|find|mark|suggest)\b|，并)",
    ))
    .expect("separator pattern")
});

/// A clause nobody claimed still counts as a request of its own when it asks something.
static ASKS: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(concat!(
        r"(?i)\b(?:tell|what|which|how|why|list|explain|summari[sz]e|check|is there|are there|",
        r"write|suggest|draft|describe|judge|whether)\b|\?|？|",
        r"告诉|什么|哪些|哪个|怎么|为什么|列出|列一下|解释|总结|判断|写|建议|是否|有没有|吗|描述|讲讲|说说"
    ))
    .expect("asks pattern")
});

/// A runner-up route counts as a second intent from this share of the scores.
const RUNNER_UP: f32 = 0.25;

/// The clauses of `text` with how each joins the one before. Words that only join (a
/// connective alone) are dropped.
fn clauses(text: &str) -> Vec<(String, Link)> {
    let mut out: Vec<(String, Link)> = Vec::new();
    let mut link = Link::Start;
    let mut from = 0;
    let push = |piece: &str, link: Link, out: &mut Vec<(String, Link)>| {
        let t = piece
            .trim()
            .trim_matches([',', '，', '、', ' ', '.', '。', '!', '！', ';', '；']);
        if t.chars().filter(|c| c.is_alphanumeric()).count() >= 2 {
            out.push((t.to_string(), link));
        } else if let Some(last) = out.last_mut() {
            // Too short to stand alone: part of the clause before.
            last.0.push_str(piece);
        }
    };
    for c in SEPARATORS.captures_iter(text) {
        let Some(m) = c.get(0) else { continue };
        push(&text[from..m.start()], link, &mut out);
        link = if c.name("then").is_some() {
            Link::Then
        } else if c.name("also").is_some() {
            Link::Also
        } else {
            Link::Break
        };
        from = m.end();
    }
    push(&text[from..], link, &mut out);
    out
}

impl Dispatcher {
    /// The plan for a request with several intents, with the dispatcher's confidence in it
    /// (the weakest intent's score); None when it has one.
    pub fn compose(&self, input: &AskInput, routing: &Routing) -> Option<Plan> {
        if routing.stage == STAGE_EXPLICIT || routing.stage == STAGE_MODEL {
            return None;
        }
        let text = self.routed_text(input);
        // (expert index, score, link)
        let mut intents: Vec<(usize, f32, Link)> = Vec::new();
        let parts = clauses(text);
        if parts.len() >= 2 {
            for (clause, link) in parts {
                let probe = AskInput {
                    text: clause.clone(),
                    media: input.media.clone(),
                    ..AskInput::default()
                };
                let Ok(r) = self.route_by_rules(&probe) else {
                    continue;
                };
                if r.stage == STAGE_DEFAULT && !ASKS.is_match(&clause) {
                    continue;
                }
                let Some(e) = self.ids.iter().position(|id| *id == r.expert) else {
                    continue;
                };
                if !self.eligible(&r.expert, input) {
                    continue;
                }
                let score = if r.stage == STAGE_DEFAULT {
                    // Asked, but claimed by no rule: the default route, as sure as a rule.
                    self.thresholds.rules
                } else {
                    r.routes.first().map(|x| x.score).unwrap_or(0.0)
                };
                match intents.iter_mut().find(|(x, _, _)| *x == e) {
                    // The same expert again: one step, as sure as its surest clause.
                    Some(same) => same.1 = same.1.max(score),
                    None => intents.push((e, score, link)),
                }
            }
        }
        if intents.len() < 2 {
            intents = self.runner_up(input, routing)?;
        }
        if intents.len() < 2 {
            return None;
        }
        let confidence = intents.iter().map(|x| x.1).fold(1.0, f32::min);
        let steps: Vec<(&str, Vec<usize>)> = intents
            .iter()
            .enumerate()
            .map(|(j, &(e, _, link))| {
                let after = match (j, link) {
                    (0, _) | (_, Link::Also) => vec![],
                    (_, Link::Then) => vec![j - 1],
                    _ => {
                        let prev = &self.ids[intents[j - 1].0];
                        if self.compose_after[e].contains(prev) {
                            vec![j - 1]
                        } else {
                            vec![]
                        }
                    }
                };
                (self.ids[e].as_str(), after)
            })
            .collect();
        let shape: Vec<(&str, &[usize])> = steps.iter().map(|(e, a)| (*e, a.as_slice())).collect();
        Some(Plan::of(&shape, PlanSource::Dispatcher, confidence))
    }

    /// One intent in the text, but the runner-up route is an expert the top one takes output
    /// from, and it scored well too: [runner-up, top].
    fn runner_up(&self, input: &AskInput, routing: &Routing) -> Option<Vec<(usize, f32, Link)>> {
        if routing.stage == STAGE_DEFAULT {
            return None;
        }
        let top = self.ids.iter().position(|id| *id == routing.expert)?;
        let second = routing
            .routes
            .iter()
            .filter(|r| r.expert != routing.expert && r.score >= RUNNER_UP)
            .find(|r| self.compose_after[top].contains(&r.expert))?;
        if !self.eligible(&second.expert, input) {
            return None;
        }
        let s = self.ids.iter().position(|id| *id == second.expert)?;
        let best = routing.routes.first().map(|r| r.score).unwrap_or(0.0);
        // Both shares together: how much of the evidence the pair holds.
        let confidence = (best + second.score).min(1.0);
        Some(vec![
            (s, confidence, Link::Start),
            (top, confidence, Link::Then),
        ])
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn links(text: &str) -> Vec<(String, Link)> {
        clauses(text)
    }

    #[test]
    fn clauses_split_at_connectives_and_keep_how_they_join() {
        let c = links("Read the total on this receipt, then add 8% tax.");
        assert_eq!(
            c,
            vec![
                ("Read the total on this receipt".to_string(), Link::Start),
                ("add 8% tax".to_string(), Link::Then)
            ]
        );
        let c = links("Turn this screenshot into HTML, and also tell me where to click to log in");
        assert_eq!(c.len(), 2, "{c:?}");
        assert_eq!(c[1].1, Link::Also);
        let c = links("先读出快递单上的单号，再告诉我在这个查询页面哪里输入");
        assert_eq!(
            c,
            vec![
                ("先读出快递单上的单号".to_string(), Link::Start),
                ("告诉我在这个查询页面哪里输入".to_string(), Link::Then)
            ]
        );
        let c = links("把这个注册页还原成HTML，另外把所有按钮的像素坐标列出来");
        assert_eq!(c[1].1, Link::Also, "{c:?}");
        let c = links("Fill this form. Which fields are still missing?");
        assert_eq!(c.len(), 2, "{c:?}");
        assert_eq!(c[1].1, Link::Break);
        assert_eq!(links("What is 3 + 4?").len(), 1);
    }
}

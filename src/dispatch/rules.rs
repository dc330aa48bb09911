//! Routing stage one: each manifest's regular expressions and media kinds vote for it.

use regex::{Regex, RegexBuilder};

use crate::error::{Error, Result};
use crate::experts::{Manifest, Registry};
use crate::media::MediaKind;
use crate::proto::RouteScore;
use crate::request::AskInput;

struct ExpertRules {
    id: String,
    patterns: Vec<Regex>,
    weight: f32,
    media_kinds: Vec<MediaKind>,
    media_weight: f32,
}

pub struct RuleStage {
    experts: Vec<ExpertRules>,
}

impl RuleStage {
    pub fn new(registry: &Registry) -> Result<Self> {
        Self::from_manifests(registry.all())
    }

    /// The rules of these manifests, compiled (patterns case-insensitive, each under 1 MiB).
    pub fn from_manifests(manifests: &[Manifest]) -> Result<Self> {
        let mut experts = Vec::new();
        for m in manifests {
            let patterns = m
                .rules
                .patterns
                .iter()
                .map(|p| {
                    RegexBuilder::new(p)
                        .case_insensitive(true)
                        .size_limit(1 << 20)
                        .build()
                        .map_err(|e| {
                            Error::Config(format!("experts/{}.toml: pattern {p:?}: {e}", m.id))
                        })
                })
                .collect::<Result<Vec<_>>>()?;
            let media_kinds = m.rules.media_kinds.clone();
            experts.push(ExpertRules {
                id: m.id.clone(),
                patterns,
                weight: m.rules.weight,
                media_kinds,
                media_weight: m.rules.media_weight,
            });
        }
        Ok(RuleStage { experts })
    }

    /// Per expert id asked for: how many of its patterns match `text` (0 for an unknown id).
    pub fn hits(&self, text: &str, ids: &[String]) -> Vec<usize> {
        ids.iter()
            .map(|id| {
                self.experts
                    .iter()
                    .find(|e| e.id == *id)
                    .map(|e| e.patterns.iter().filter(|p| p.is_match(text)).count())
                    .unwrap_or(0)
            })
            .collect()
    }

    /// A score per expert in [0, 1], summing to 1 when any rule fired, all 0 otherwise. `text`
    /// is the part of the request's text routing reads.
    pub fn score(&self, text: &str, input: &AskInput) -> Vec<RouteScore> {
        let raw: Vec<f32> = self
            .experts
            .iter()
            .map(|e| {
                let text_votes =
                    e.patterns.iter().filter(|p| p.is_match(text)).count() as f32 * e.weight;
                let media_vote = if input.media.iter().any(|m| e.media_kinds.contains(&m.kind)) {
                    e.media_weight
                } else {
                    0.0
                };
                text_votes + media_vote
            })
            .collect();
        let total: f32 = raw.iter().sum();
        self.experts
            .iter()
            .zip(raw)
            .map(|(e, r)| RouteScore {
                expert: e.id.clone(),
                score: if total > 0.0 { r / total } else { 0.0 },
                stage: super::STAGE_RULES.into(),
            })
            .collect()
    }
}

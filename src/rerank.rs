//! Re-ranking: a query (text, images or both) and candidates in, every candidate's relevance
//! judged by the model and ranked. Owns the fixed judgement prompt, the deadline (what was
//! scored when it passes comes back, marked partial) and the ranking; the backends own how a
//! judgement becomes a number (`Backend::score`). Knows nothing of gRPC.
//!
//! The prompt is one fixed English yes/no question whatever the query's language: "yes" and
//! "no" are single tokens in Qwen's vocabulary, so the first answer token's log-odds is the
//! whole judgement, while "相关"/"不相关" share their last characters and start with
//! different, ambiguous tokens. Qwen3-Reranker judges Chinese queries with the same yes/no
//! form. One prompt also keeps scores comparable across languages.

use std::time::Instant;

use bytes::Bytes;
use futures::StreamExt;
use tokio_util::sync::CancellationToken;

use crate::engine::{Backend, Message, Part, Role, ScoreRequest, Scored};
use crate::error::{Error, Result};
use crate::proto::{RerankResponse, RerankScore, Usage};

pub const SYSTEM: &str = "Judge whether the Candidate meets the needs of the Query. Note that the answer can only be \"yes\" or \"no\".";
pub const YES: &str = "yes";
pub const NO: &str = "no";
/// The candidate's question, without and with a reason asked for.
pub const QUESTION: &str =
    "Does the Candidate meet the needs of the Query? Answer only \"yes\" or \"no\".";
pub const QUESTION_WITH_REASON: &str = "Does the Candidate meet the needs of the Query? Answer \"yes\" or \"no\" first, then give one short sentence why.";

/// What the response's `method` says.
pub const METHOD: &str = "log P(\"yes\") - log P(\"no\") of the first answer token after a fixed yes/no judgement prompt (system, the query's turn, the candidate's turn)";

#[derive(Debug, Clone)]
pub struct Image {
    pub mime_type: String,
    pub data: Bytes,
}

#[derive(Debug, Clone)]
pub struct Candidate {
    pub id: String,
    pub text: String,
    pub images: Vec<Image>,
}

#[derive(Debug, Clone, Default)]
pub struct RerankInput {
    pub query: String,
    pub query_images: Vec<Image>,
    pub candidates: Vec<Candidate>,
    pub with_reasons: bool,
}

/// The chat every candidate is judged in: the shared prefix (system prompt, the query's turn)
/// and each candidate's turn.
pub fn score_request(input: &RerankInput, reason_tokens: u32) -> ScoreRequest {
    let image = |i: &Image| Part::Image {
        mime_type: i.mime_type.clone(),
        data: i.data.clone(),
    };
    let mut query: Vec<Part> = input.query_images.iter().map(image).collect();
    query.push(Part::Text(format!("<Query>: {}", input.query)));
    let question = if input.with_reasons {
        QUESTION_WITH_REASON
    } else {
        QUESTION
    };
    let candidates = input
        .candidates
        .iter()
        .map(|c| {
            let mut parts: Vec<Part> = c.images.iter().map(image).collect();
            parts.push(Part::Text(format!("<Candidate>: {}\n{question}", c.text)));
            vec![Message {
                role: Role::User,
                parts,
            }]
        })
        .collect();
    ScoreRequest {
        prefix: vec![
            Message::text(Role::System, SYSTEM),
            Message {
                role: Role::User,
                parts: query,
            },
        ],
        candidates,
        yes: YES.into(),
        no: NO.into(),
        reason_tokens: if input.with_reasons { reason_tokens } else { 0 },
        deadline: None,
        expert: "rerank".into(),
    }
}

/// Scores every candidate until `deadline`; then stops the backend and returns what was
/// scored, ranked, marked partial. Nothing scored by then is DEADLINE_EXCEEDED.
pub async fn run(
    backend: &dyn Backend,
    input: &RerankInput,
    reason_tokens: u32,
    deadline: Instant,
    cancel: CancellationToken,
) -> Result<RerankResponse> {
    let started = Instant::now();
    let n = input.candidates.len();
    let mut request = score_request(input, reason_tokens);
    request.deadline = Some(deadline);
    let mut stream = backend.score(request, cancel.clone());
    let mut scored: Vec<Option<Scored>> = vec![None; n];
    let mut partial = false;
    loop {
        match tokio::time::timeout_at(deadline.into(), stream.next()).await {
            Err(_) | Ok(Some(Err(Error::DeadlineExceeded(_)))) => {
                partial = true;
                break;
            }
            Ok(None) => break,
            Ok(Some(Err(e))) => return Err(e),
            Ok(Some(Ok(s))) => {
                let slot = scored
                    .get_mut(s.index)
                    .ok_or_else(|| Error::Internal(format!("score for candidate #{}", s.index)))?;
                *slot = Some(s);
                // A backend may keep its stream open after the last judgement.
                if scored.iter().all(Option::is_some) {
                    break;
                }
            }
        }
    }
    // Stop whatever still runs for it.
    cancel.cancel();
    drop(stream);
    let done = scored.iter().filter(|s| s.is_some()).count();
    if done == 0 && n > 0 {
        return Err(Error::DeadlineExceeded(
            "no candidate was scored within the deadline".into(),
        ));
    }
    partial |= done < n;
    Ok(rank(input, scored, partial, started))
}

/// The response: scored candidates best first (ties in request order), the rest as unscored.
fn rank(
    input: &RerankInput,
    scored: Vec<Option<Scored>>,
    partial: bool,
    started: Instant,
) -> RerankResponse {
    let mut usage = Usage::default();
    let mut unscored_ids = Vec::new();
    let mut results: Vec<(usize, Scored)> = Vec::new();
    for (i, s) in scored.into_iter().enumerate() {
        match s {
            Some(s) => {
                usage.prompt_tokens += s.prompt_tokens;
                usage.completion_tokens += s.completion_tokens;
                usage.prompt_tokens_cached += s.cached_tokens;
                results.push((i, s));
            }
            None => unscored_ids.push(input.candidates[i].id.clone()),
        }
    }
    // NaN never comes from a backend; total_cmp keeps the sort total anyway.
    results.sort_by(|(ia, a), (ib, b)| b.score.total_cmp(&a.score).then(ia.cmp(ib)));
    let scores_from_text = results.iter().any(|(_, s)| s.from_text);
    usage.total_ms = started.elapsed().as_millis().min(u32::MAX as u128) as u32;
    RerankResponse {
        results: results
            .into_iter()
            .enumerate()
            .map(|(rank, (i, s))| RerankScore {
                id: input.candidates[i].id.clone(),
                score: s.score,
                rank: rank as u32 + 1,
                reason: s.reason,
                from_text: s.from_text,
            })
            .collect(),
        partial,
        unscored_ids,
        scores_from_text,
        method: METHOD.into(),
        usage: Some(usage),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn cand(id: &str) -> Candidate {
        Candidate {
            id: id.into(),
            text: format!("text {id}"),
            images: vec![],
        }
    }

    #[test]
    fn ranking_is_by_score_then_request_order() {
        let input = RerankInput {
            candidates: vec![cand("a"), cand("b"), cand("c"), cand("d")],
            ..Default::default()
        };
        let s = |index, score| Scored {
            index,
            score,
            from_text: false,
            reason: String::new(),
            prompt_tokens: 10,
            completion_tokens: 1,
            cached_tokens: 4,
        };
        let r = rank(
            &input,
            vec![Some(s(0, 0.5)), Some(s(1, 2.0)), None, Some(s(3, 0.5))],
            true,
            Instant::now(),
        );
        let ids: Vec<_> = r.results.iter().map(|x| (x.id.as_str(), x.rank)).collect();
        assert_eq!(ids, [("b", 1), ("a", 2), ("d", 3)]);
        assert_eq!(r.unscored_ids, ["c"]);
        assert!(r.partial && !r.scores_from_text);
        let u = r.usage.unwrap();
        assert_eq!((u.prompt_tokens, u.prompt_tokens_cached), (30, 12));
    }

    #[test]
    fn every_candidate_shares_the_prefix() {
        let input = RerankInput {
            query: "红色连衣裙".into(),
            candidates: vec![cand("a"), cand("b")],
            with_reasons: true,
            ..Default::default()
        };
        let r = score_request(&input, 48);
        assert_eq!(r.prefix.len(), 2);
        assert_eq!(r.candidates.len(), 2);
        assert_eq!(r.reason_tokens, 48);
        let Part::Text(t) = &r.candidates[1][0].parts[0] else {
            panic!()
        };
        assert!(t.starts_with("<Candidate>: text b\nDoes"), "{t}");
        assert_eq!(score_request(&RerankInput::default(), 48).reason_tokens, 0);
    }
}

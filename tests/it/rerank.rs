//! The Rerank RPC over real gRPC on loopback, with the OpenAI-compatible test double standing
//! in for a remote vLLM serving Qwen3-VL: the order follows the first-token log-probabilities
//! it serves, a server that gives none has its text read (and the response says so), a
//! deadline returns what was scored marked partial, and the limits name their field.

use std::time::Duration;

use crate::common::fake_openai::{FakeOpenAi, ScoreAnswer, Script};
use crate::common::*;
use switchboard::config::Config;
use switchboard::proto::{Media, RerankCandidate, RerankRequest, RerankResponse};
use tonic::Code;

fn image(w: u32, h: u32) -> Media {
    Media {
        data: png(w, h),
        mime_type: "image/png".into(),
        ..Default::default()
    }
}

fn candidate(id: &str, text: &str, images: usize) -> RerankCandidate {
    RerankCandidate {
        id: id.into(),
        text: text.into(),
        media: (0..images).map(|_| image(16, 16)).collect(),
    }
}

fn request(candidates: Vec<RerankCandidate>) -> RerankRequest {
    RerankRequest {
        query: "红色露肩连衣裙配草帽".into(),
        query_media: vec![image(32, 48)],
        candidates,
        with_reasons: false,
    }
}

/// A judgement with the given yes and no log-probabilities (the likelier first).
fn judged(needle: &str, yes: f64, no: f64) -> ScoreAnswer {
    let mut list = vec![("yes".to_string(), yes), (" No".to_string(), no)];
    list.sort_by(|a, b| b.1.total_cmp(&a.1));
    list.push(("maybe".into(), yes.min(no) - 1.0));
    ScoreAnswer {
        needle: needle.into(),
        text: list[0].0.trim().into(),
        top_logprobs: Some(list),
    }
}

async fn rerank(
    config: Config,
    req: RerankRequest,
    timeout: Option<Duration>,
) -> Result<RerankResponse, tonic::Status> {
    let running = start(config).await;
    let mut c = client(&running).await;
    let mut req = tonic::Request::new(req);
    if let Some(t) = timeout {
        req.set_timeout(t);
    }
    let r = c.rerank(req).await.map(|r| r.into_inner());
    running.shutdown().await.unwrap();
    r
}

#[tokio::test]
async fn the_order_follows_the_served_log_probabilities() {
    let _machine = machine::shared().await;
    let fake = FakeOpenAi::start(Script {
        scores: vec![
            judged("white sneakers", -3.0, -0.1),
            judged("red dress, straw hat", -0.05, -4.0),
            judged("red dress, long sleeves", -0.7, -0.9),
            judged("blue jeans", -2.0, -0.2),
        ],
        ..Script::default()
    })
    .await;
    let dir = tempfile::tempdir().unwrap();
    let req = request(vec![
        candidate("sku-1", "white sneakers", 0),
        candidate("sku-2", "red dress, straw hat", 1),
        candidate("sku-3", "red dress, long sleeves", 0),
        candidate("sku/4", "blue jeans", 2),
    ]);
    let r = rerank(test_config(dir.path(), Some(fake.url())), req, None)
        .await
        .unwrap();
    let got: Vec<(&str, u32)> = r.results.iter().map(|s| (s.id.as_str(), s.rank)).collect();
    assert_eq!(
        got,
        [("sku-2", 1), ("sku-3", 2), ("sku/4", 3), ("sku-1", 4)]
    );
    let want = [3.95f32, 0.2, -1.8, -2.9];
    for (s, w) in r.results.iter().zip(want) {
        assert!((s.score - w).abs() < 1e-4, "{}: {} vs {w}", s.id, s.score);
        assert!(!s.from_text);
    }
    assert!(!r.partial && !r.scores_from_text && r.unscored_ids.is_empty());
    assert!(
        r.method.contains("log P(\"yes\") - log P(\"no\")"),
        "{}",
        r.method
    );

    // Each candidate went as one request: the shared prefix (system, the query with its
    // image), then its own turn with its images; one token, its alternatives asked for.
    let requests = fake.requests();
    assert_eq!(requests.len(), 4);
    for b in &requests {
        assert_eq!(b["stream"], false);
        assert_eq!(
            (b["logprobs"].clone(), b["top_logprobs"].clone()),
            (true.into(), 20.into())
        );
        assert_eq!(b["max_tokens"], 1);
        let m = b["messages"].as_array().unwrap();
        assert_eq!(m.len(), 3);
        assert_eq!(m[0]["role"], "system");
        assert_eq!(m[1]["content"][0]["type"], "image_url");
        assert_eq!(m[1]["content"][1]["text"], "<Query>: 红色露肩连衣裙配草帽");
    }
    let jeans = requests
        .iter()
        .find(|b| b["messages"][2].to_string().contains("blue jeans"))
        .unwrap();
    let parts = jeans["messages"][2]["content"].as_array().unwrap();
    assert_eq!(parts.len(), 3, "two images and the text");
}

#[tokio::test]
async fn a_server_without_log_probabilities_has_its_text_read_and_says_so() {
    let _machine = machine::shared().await;
    let said = |needle: &str, text: &str| ScoreAnswer {
        needle: needle.into(),
        text: text.into(),
        top_logprobs: None,
    };
    let fake = FakeOpenAi::start(Script {
        scores: vec![
            said("boots", "No. These are boots."),
            said("sundress", "Yes. A red off-shoulder sundress."),
            said("scarf", "Hard to say."),
        ],
        ..Script::default()
    })
    .await;
    let dir = tempfile::tempdir().unwrap();
    let mut req = request(vec![
        candidate("a", "boots", 0),
        candidate("b", "scarf", 0),
        candidate("c", "sundress", 0),
    ]);
    req.with_reasons = true;
    let r = rerank(test_config(dir.path(), Some(fake.url())), req, None)
        .await
        .unwrap();
    assert!(r.scores_from_text);
    let got: Vec<(&str, f32, bool, &str)> = r
        .results
        .iter()
        .map(|s| (s.id.as_str(), s.score, s.from_text, s.reason.as_str()))
        .collect();
    assert_eq!(
        got,
        [
            ("c", 1.0, true, "A red off-shoulder sundress."),
            ("b", 0.0, true, "Hard to say."),
            ("a", -1.0, true, "These are boots.")
        ]
    );
    // With reasons the answer may go on past the yes/no.
    assert_eq!(fake.requests()[0]["max_tokens"], 49);
}

#[tokio::test]
async fn a_server_that_refuses_log_probabilities_is_asked_again_without_them() {
    let _machine = machine::shared().await;
    let fake = FakeOpenAi::start(Script {
        scores: vec![
            judged("boots", -3.0, -0.1),
            judged("sundress", -0.05, -4.0),
            judged("scarf", -2.0, -0.3),
        ],
        refuse_logprobs: true,
        ..Script::default()
    })
    .await;
    let dir = tempfile::tempdir().unwrap();
    let mut config = test_config(dir.path(), Some(fake.url()));
    // One at a time, so the first refusal is seen before the others are asked.
    config.rerank.concurrency = 1;
    let req = request(vec![
        candidate("a", "boots", 0),
        candidate("b", "sundress", 1),
        candidate("c", "scarf", 0),
    ]);
    let r = rerank(config, req, None).await.unwrap();
    assert!(r.scores_from_text && !r.partial);
    let got: Vec<(&str, f32, bool)> = r
        .results
        .iter()
        .map(|s| (s.id.as_str(), s.score, s.from_text))
        .collect();
    assert_eq!(
        got,
        [("b", 1.0, true), ("a", -1.0, true), ("c", -1.0, true)]
    );
    // The first candidate was refused with logprobs and asked again without them; the call
    // asked the others without them at once.
    let asked: Vec<bool> = fake
        .requests()
        .iter()
        .map(|b| b.get("logprobs").is_some() || b.get("top_logprobs").is_some())
        .collect();
    assert_eq!(asked, [true, false, false, false]);

    // A server that also refuses the plain request fails the call as before.
    fake.set_script(Script {
        fail_with: Some(400),
        ..Script::default()
    });
    let dir = tempfile::tempdir().unwrap();
    let req = request(vec![candidate("a", "boots", 0)]);
    let e = rerank(test_config(dir.path(), Some(fake.url())), req, None)
        .await
        .unwrap_err();
    assert_eq!(e.code(), Code::InvalidArgument, "{e:?}");
}

#[tokio::test]
async fn a_deadline_returns_what_was_scored_marked_partial() {
    let _machine = machine::shared().await;
    let fake = FakeOpenAi::start(Script {
        delay: Duration::from_millis(300),
        scores: (0..6)
            .map(|i| judged(&format!("item {i}"), -0.1 * i as f64, -1.0))
            .collect(),
        ..Script::default()
    })
    .await;
    let dir = tempfile::tempdir().unwrap();
    let mut config = test_config(dir.path(), Some(fake.url()));
    config.rerank.concurrency = 1;
    let req = request(
        (0..6)
            .map(|i| candidate(&format!("c{i}"), &format!("item {i}"), 0))
            .collect(),
    );
    // 1.2 s less the server's margin: some of six 0.3 s judgements, not all.
    let r = rerank(config, req, Some(Duration::from_millis(1200)))
        .await
        .unwrap();
    assert!(r.partial);
    let scored = r.results.len();
    assert!((1..6).contains(&scored), "{scored} scored");
    assert_eq!(scored + r.unscored_ids.len(), 6);
    // One at a time, in order: the first ones were scored.
    let mut ids: Vec<&str> = r.results.iter().map(|s| s.id.as_str()).collect();
    ids.sort();
    let want: Vec<String> = (0..scored).map(|i| format!("c{i}")).collect();
    assert_eq!(ids, want);
}

#[tokio::test]
async fn limits_and_a_missing_model_are_refused_naming_the_field() {
    let _machine = machine::shared().await;
    let fake = FakeOpenAi::start(Script::default()).await;
    let dir = tempfile::tempdir().unwrap();
    let mut config = test_config(dir.path(), Some(fake.url()));
    config.rerank.max_candidates = 3;
    config.rerank.max_media = 3;
    let refused = |req: RerankRequest| {
        let config = config.clone();
        async move { rerank(config, req, None).await.unwrap_err() }
    };
    let e = refused(request(
        (0..4).map(|i| candidate(&i.to_string(), "x", 0)).collect(),
    ))
    .await;
    assert_eq!(e.code(), Code::InvalidArgument);
    assert!(
        e.message()
            .starts_with("candidates: 4 candidates; the limit is 3"),
        "{}",
        e.message()
    );
    let e = refused(request(vec![
        candidate("a", "x", 1),
        candidate("b", "y", 2),
    ]))
    .await;
    assert_eq!(e.code(), Code::InvalidArgument);
    assert!(
        e.message()
            .starts_with("candidates[1].media: the call's images come to 4"),
        "{}",
        e.message()
    );
    let e = refused(request(vec![
        candidate("a", "x", 0),
        candidate("a", "y", 0),
    ]))
    .await;
    assert!(
        e.message().starts_with("candidates[1].id: "),
        "{}",
        e.message()
    );
    let mut bad = request(vec![candidate("a", "x", 0)]);
    bad.query_media[0].data.truncate(20);
    let e = refused(bad).await;
    assert!(
        e.message().starts_with("query_media[0].data: "),
        "{}",
        e.message()
    );
    assert!(fake.requests().is_empty(), "nothing reached the model");

    let e = rerank(
        test_config(dir.path(), None),
        request(vec![candidate("a", "x", 0)]),
        None,
    )
    .await
    .unwrap_err();
    assert_eq!(e.code(), Code::FailedPrecondition);
}

#[tokio::test]
async fn the_cli_reads_candidates_from_jsonl_and_prints_them_ranked() {
    let _machine = machine::shared().await;
    let fake = FakeOpenAi::start(Script {
        scores: vec![
            judged("linen shirt", -2.5, -0.1),
            judged("silk dress", -0.1, -3.1),
        ],
        ..Script::default()
    })
    .await;
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("q.png"), png(24, 24)).unwrap();
    std::fs::write(dir.path().join("d.png"), png(8, 8)).unwrap();
    let file = dir.path().join("candidates.jsonl");
    std::fs::write(
        &file,
        "{\"id\": \"shirt\", \"text\": \"linen shirt\"}\n{\"id\": \"dress\", \"text\": \"silk dress\", \"images\": [\"d.png\"]}\n",
    )
    .unwrap();
    let req = switchboard::client::rerank_request(
        "summer dress",
        &[dir.path().join("q.png")],
        &file,
        false,
    )
    .unwrap();
    let r = rerank(test_config(dir.path(), Some(fake.url())), req, None)
        .await
        .unwrap();
    let table = switchboard::client::rerank_table(&r);
    let lines: Vec<&str> = table.lines().collect();
    assert_eq!(lines.len(), 3, "{table}");
    assert!(lines[1].starts_with("   1     3.000  dress"), "{table}");
    assert!(lines[2].starts_with("   2    -2.400  shirt"), "{table}");
}

mod engine {
    //! The in-process engine on the tiny random-weight fixture: scoring with the query's prefix
    //! run once and its KV reused gives each candidate what a full-prompt run of it alone gives,
    //! and over gRPC the ranking is by those scores. A reason is the greedy continuation after
    //! the answer, and asking for reasons leaves the scores as they were.

    use std::sync::Arc;
    use std::sync::atomic::AtomicBool;

    use switchboard::engine::qwen3vl::batch::Continuations;
    use switchboard::engine::qwen3vl::engine::{
        ChatMessage, ChatPart, Engine, GenerateParams, Media, Prepared,
    };
    use switchboard::proto::{Media as ProtoMedia, RerankCandidate, RerankRequest};

    use crate::common::*;
    use crate::qwen3vl_golden::{engine, max_diff};

    const QUERY: &str = "red off-shoulder dress with a straw hat";
    const CANDIDATES: [(&str, Option<&str>); 4] = [
        ("a red sundress", Some("img_75x50.png")),
        ("white sneakers", None),
        ("红色露肩连衣裙", Some("img_130x60.png")),
        ("a straw hat", Some("img_37x91.png")),
    ];

    fn picture(name: &str) -> image::RgbImage {
        image::open(repo().join("tests/fixtures/qwen3vl-tiny/golden").join(name))
            .unwrap()
            .to_rgb8()
    }

    fn text(t: String) -> ChatPart {
        ChatPart::Text(t)
    }

    /// The rerank prompt as `switchboard::rerank` writes it: system, the query's turn (its
    /// image first), the candidate's turn.
    fn prefix() -> (Vec<ChatMessage>, Vec<Media>) {
        let messages = vec![
            ChatMessage {
                role: "system",
                parts: vec![text(switchboard::rerank::SYSTEM.into())],
            },
            ChatMessage {
                role: "user",
                parts: vec![ChatPart::Media(0), text(format!("<Query>: {QUERY}"))],
            },
        ];
        (messages, vec![Media::Image(picture("img_100x150.png"))])
    }

    fn prompt(e: &Engine, c: (&str, Option<&str>)) -> Prepared {
        prompt_asking(e, c, switchboard::rerank::QUESTION)
    }

    fn prompt_asking(e: &Engine, (t, img): (&str, Option<&str>), question: &str) -> Prepared {
        let (mut messages, mut media) = prefix();
        let mut parts = Vec::new();
        if let Some(img) = img {
            parts.push(ChatPart::Media(media.len()));
            media.push(Media::Image(picture(img)));
        }
        parts.push(text(format!("<Candidate>: {t}\n{question}")));
        messages.push(ChatMessage {
            role: "user",
            parts,
        });
        e.prepare(&messages, &media).unwrap()
    }

    fn log_odds(e: &Engine, logits: &[f32]) -> f32 {
        let id = |w: &str| e.tokenizer.token_to_id(w).unwrap() as usize;
        logits[id("yes")] - logits[id("no")]
    }

    #[test]
    fn prefix_reused_scores_equal_one_at_a_time_full_prompt_scores() {
        let _machine = machine::shared_blocking();
        let mut e = engine("");
        let (pm, pmedia) = prefix();
        let alone = e.prepare(&pm, &pmedia).unwrap();
        let prompts: Vec<Prepared> = CANDIDATES.iter().map(|&c| prompt(&e, c)).collect();
        let shared = alone
            .ids
            .iter()
            .zip(&prompts[0].ids)
            .take_while(|(a, b)| a == b)
            .count();
        // The system turn, the query's turn with its image, and the next turn's start.
        assert!(shared > 20 && shared < prompts[0].ids.len(), "{shared}");
        let state = e.score_prefix(&prompts[0], shared).unwrap();
        assert_eq!(state.len(), shared);
        let mut scores = Vec::new();
        for p in &prompts {
            let reused = e.score_after(&state, p).unwrap();
            let full = e.full_forward(p, &[]).unwrap();
            assert!(
                max_diff(&reused, &full) < 1e-4,
                "{}",
                max_diff(&reused, &full)
            );
            let (a, b) = (log_odds(&e, &reused), log_odds(&e, &full));
            assert!((a - b).abs() < 1e-4, "{a} vs {b}");
            scores.push(b);
        }
        // The random model tells the candidates apart: the check is not vacuous.
        let spread = scores.iter().fold(f32::MIN, |m, &x| m.max(x))
            - scores.iter().fold(f32::MAX, |m, &x| m.min(x));
        assert!(spread > 1e-3, "{scores:?}");
        // A prompt that does not start with the prefix is refused.
        let other = e
            .prepare(
                &[ChatMessage {
                    role: "user",
                    parts: vec![text("hello".into())],
                }],
                &[],
            )
            .unwrap();
        assert!(e.score_after(&state, &other).is_err());
    }

    /// Candidates of different lengths in one multi-row call (the prefix's KV copied into
    /// each row, each row right-padded to the longest) score what each scores alone: the
    /// padding after a row's real positions never reaches them.
    #[test]
    fn batched_scores_equal_one_at_a_time_scores() {
        let _machine = machine::shared_blocking();
        // With DeepStack inputs (zero on padding) and without.
        for variant in ["", "nods"] {
            let mut e = engine(variant);
            let (pm, pmedia) = prefix();
            let alone = e.prepare(&pm, &pmedia).unwrap();
            let batch: [(&str, Option<&str>); 5] = [
                ("white sneakers", None),
                (
                    "a long red linen dress with thin straps, a tiered skirt and a matching belt",
                    None,
                ),
                ("红色露肩连衣裙，配草帽", None),
                ("a red sundress", Some("img_75x50.png")),
                ("草帽", Some("img_37x91.png")),
            ];
            let prompts: Vec<Prepared> = batch.iter().map(|&c| prompt(&e, c)).collect();
            let shared = alone
                .ids
                .iter()
                .zip(&prompts[0].ids)
                .take_while(|(a, b)| a == b)
                .count();
            let state = e.score_prefix(&prompts[0], shared).unwrap();
            let lens: Vec<usize> = prompts.iter().map(|p| p.ids.len() - shared).collect();
            let distinct: std::collections::BTreeSet<_> = lens.iter().collect();
            assert_eq!(distinct.len(), lens.len(), "lengths {lens:?}");
            assert_eq!(e.score_batch_len(&state, &prompts, 8), prompts.len());
            let refs: Vec<&Prepared> = prompts.iter().collect();
            let batched = e.score_batch(&state, &refs).unwrap();
            assert_eq!(batched.len(), prompts.len());
            let mut scores = Vec::new();
            for (p, b) in prompts.iter().zip(&batched) {
                let one = e.score_after(&state, p).unwrap();
                assert!(max_diff(b, &one) < 1e-4, "{}", max_diff(b, &one));
                let (x, y) = (log_odds(&e, b), log_odds(&e, &one));
                assert!((x - y).abs() < 1e-4, "{x} vs {y}");
                scores.push(x);
            }
            // Every pair of candidates scores apart, so a row reading another's logits would fail.
            for (i, a) in scores.iter().enumerate() {
                for b in &scores[i + 1..] {
                    assert!((a - b).abs() > 1e-3, "{scores:?}");
                }
            }
            // A batch in another order gives each its own score.
            let reversed: Vec<&Prepared> = prompts.iter().rev().collect();
            let again = e.score_batch(&state, &reversed).unwrap();
            for (b, x) in again.iter().rev().zip(&scores) {
                assert!((log_odds(&e, b) - x).abs() < 1e-4);
            }
            // The batch is bounded by its rows and by the prefill chunk.
            assert_eq!(e.score_batch_len(&state, &prompts, 2), 2);
            let small =
                crate::qwen3vl_golden::options(variant, 40, crate::qwen3vl_golden::provider());
            let mut tight = Engine::load(small).unwrap();
            assert_eq!(tight.score_batch_len(&state, &prompts, 8), 1);
            assert!(tight.score_batch(&state, &refs).is_err());
        }
    }

    /// Against transformers: `tools/qwen3vl/make_rerank_golden.py` wrote each pair's input ids
    /// and logit(yes) - logit(no) from the same weights (rebuilt from the fixture's seed).
    #[test]
    fn log_odds_equal_the_reference_implementations() {
        let _machine = machine::shared_blocking();
        let path = repo().join("tests/fixtures/qwen3vl-tiny/golden/rerank.json");
        let golden: serde_json::Value =
            serde_json::from_str(&std::fs::read_to_string(path).unwrap()).unwrap();
        assert_eq!(golden["system"], switchboard::rerank::SYSTEM);
        assert_eq!(golden["query"], QUERY);
        let mut e = engine("");
        let (pm, pmedia) = prefix();
        let alone = e.prepare(&pm, &pmedia).unwrap();
        let mut state = None;
        let (mut prompts, mut wanted) = (Vec::new(), Vec::new());
        for (c, want) in CANDIDATES
            .iter()
            .zip(golden["candidates"].as_array().unwrap())
        {
            assert_eq!(want["text"], c.0);
            let p = prompt(&e, *c);
            let ids: Vec<u32> = want["input_ids"]
                .as_array()
                .unwrap()
                .iter()
                .map(|x| x.as_u64().unwrap() as u32)
                .collect();
            assert_eq!(p.ids, ids, "{}", c.0);
            let state = state.get_or_insert_with(|| {
                let shared = alone
                    .ids
                    .iter()
                    .zip(&p.ids)
                    .take_while(|(a, b)| a == b)
                    .count();
                e.score_prefix(&p, shared).unwrap()
            });
            let logits = e.score_after(state, &p).unwrap();
            let got = log_odds(&e, &logits);
            let want = want["log_odds"].as_f64().unwrap() as f32;
            assert!((got - want).abs() < 1e-3, "{}: {got} vs {want}", c.0);
            prompts.push(p);
            wanted.push(want);
        }
        // The four in one multi-row call, as the service scores them.
        let state = state.unwrap();
        assert_eq!(e.score_batch_len(&state, &prompts, 8), 4);
        let refs: Vec<&Prepared> = prompts.iter().collect();
        let batched = e.score_batch(&state, &refs).unwrap();
        for ((logits, want), c) in batched.iter().zip(&wanted).zip(&CANDIDATES) {
            let got = log_odds(&e, logits);
            assert!(
                (got - want).abs() < 1e-3,
                "batched {}: {got} vs {want}",
                c.0
            );
        }
    }

    /// A candidate's reason, decoded from its row's KV as the batched scoring call left it (the
    /// prefix's copied in, its turn prefilled, the padding cut off) after the answer it gave,
    /// rows decoding together and joining as others leave, is what `generate` gives for the
    /// whole prompt with that answer appended, token for token. So is one scored alone.
    #[test]
    fn a_reason_is_the_greedy_continuation_after_the_answer() {
        let _machine = machine::shared_blocking();
        const MAX: usize = 8;
        let mut e = engine("");
        let (pm, pmedia) = prefix();
        let alone = e.prepare(&pm, &pmedia).unwrap();
        let prompts: Vec<Prepared> = CANDIDATES.iter().map(|&c| prompt(&e, c)).collect();
        let shared = alone
            .ids
            .iter()
            .zip(&prompts[0].ids)
            .take_while(|(a, b)| a == b)
            .count();
        let state = e.score_prefix(&prompts[0], shared).unwrap();
        let id = |w: &str| e.tokenizer.token_to_id(w).unwrap();
        let (yes, no) = (id("yes"), id("no"));
        let refs: Vec<&Prepared> = prompts.iter().collect();
        let (mut logits, mut caches) = e.score_batch_caches(&state, &refs).unwrap();
        assert_eq!(logits, e.score_batch(&state, &refs).unwrap());
        // The first prompt again, alone (`score_after` then keeps its cache).
        let (one, cache) = e.score_batch_caches(&state, &refs[..1]).unwrap();
        assert_eq!(one, vec![e.score_after(&state, &prompts[0]).unwrap()]);
        logits.extend(one);
        caches.extend(cache);
        let rows_of: Vec<&Prepared> = refs.iter().chain(&refs[..1]).copied().collect();
        // Three rows at once: the others wait and join when one leaves.
        let mut rows = Continuations::new(&e, 3, MAX);
        let mut answers = Vec::new();
        for (i, (l, cache)) in logits.iter().zip(caches).enumerate() {
            assert_eq!(cache.len, rows_of[i].ids.len());
            let answer = if l[yes as usize] >= l[no as usize] {
                yes
            } else {
                no
            };
            rows.push(i, cache, rows_of[i].rope.delta, answer);
            answers.push(answer);
        }
        let mut got: Vec<Option<Vec<u32>>> = vec![None; rows_of.len()];
        let mut steps = 0;
        while !rows.is_empty() {
            for (i, tokens) in rows.step(&mut e).unwrap() {
                assert!(got[i].replace(tokens).is_none());
            }
            steps += 1;
            assert!(steps <= 2 * MAX, "{steps} steps");
        }
        let mut lens = Vec::new();
        for (i, p) in rows_of.iter().enumerate() {
            let want = generate_after(&mut e, p, answers[i], MAX);
            let got = got[i].as_ref().unwrap();
            assert_eq!(got, &want, "row {i}");
            assert!(got.len() <= MAX);
            lens.push(got.len());
        }
        // The reasons have tokens to compare: the check is not vacuous.
        assert!(lens.iter().all(|&n| n > 0), "{lens:?}");
    }

    /// What `generate` writes greedily for `p` with `answer` appended, up to `max` tokens.
    fn generate_after(e: &mut Engine, p: &Prepared, answer: u32, max: usize) -> Vec<u32> {
        let mut after = p.clone();
        let next = p.ids.len() as i64 + p.rope.delta;
        after.ids.push(answer);
        for axis in &mut after.rope.positions {
            axis.push(next);
        }
        let params = GenerateParams {
            sampler: Default::default(),
            max_new_tokens: max,
            stop: Vec::new(),
        };
        let never = Arc::new(AtomicBool::new(false));
        e.generate(&after, &params, &never, |_| {}).unwrap().tokens
    }

    fn grpc_request(with_reasons: bool) -> RerankRequest {
        let png_of = |name: &str| ProtoMedia {
            data: std::fs::read(repo().join("tests/fixtures/qwen3vl-tiny/golden").join(name))
                .unwrap(),
            ..Default::default()
        };
        RerankRequest {
            query: QUERY.into(),
            query_media: vec![png_of("img_100x150.png")],
            candidates: CANDIDATES
                .iter()
                .enumerate()
                .map(|(i, (t, img))| RerankCandidate {
                    id: format!("c{i}"),
                    text: t.to_string(),
                    media: img.iter().map(|n| png_of(n)).collect(),
                })
                .collect(),
            with_reasons,
        }
    }

    /// Asking the in-process engine for reasons over gRPC: every candidate gets one, of at most
    /// `rerank.reason_tokens` tokens, the text of `generate`'s greedy continuation after the
    /// answer it gave; and the scores are those of the same prompts scored with no reason
    /// decoded (`rerank::run` with 0 reason tokens, on a backend of the same config).
    #[tokio::test]
    async fn over_grpc_the_engine_writes_reasons_and_keeps_its_scores() {
        let _machine = machine::shared().await;
        const REASON_TOKENS: u32 = 6;
        let expected: Vec<String> = tokio::task::spawn_blocking(|| {
            let mut e = engine("");
            let id = |e: &Engine, w: &str| e.tokenizer.token_to_id(w).unwrap();
            CANDIDATES
                .iter()
                .map(|&c| {
                    let p = prompt_asking(&e, c, switchboard::rerank::QUESTION_WITH_REASON);
                    let logits = e.full_forward(&p, &[]).unwrap();
                    let (yes, no) = (id(&e, "yes"), id(&e, "no"));
                    let answer = if logits[yes as usize] >= logits[no as usize] {
                        yes
                    } else {
                        no
                    };
                    let tokens = generate_after(&mut e, &p, answer, REASON_TOKENS as usize);
                    let text = e.tokenizer.decode(&tokens, true).unwrap();
                    switchboard::engine::reason_after(&text)
                })
                .collect()
        })
        .await
        .unwrap();
        let dir = tempfile::tempdir().unwrap();
        let mut config = ort_config(dir.path());
        config.rerank.reason_tokens = REASON_TOKENS;
        let running = start(config.clone()).await;
        let mut c = client(&running).await;
        let plain = c.rerank(grpc_request(false)).await.unwrap().into_inner();
        let with = c.rerank(grpc_request(true)).await.unwrap().into_inner();
        running.shutdown().await.unwrap();
        assert!(!with.partial && !with.scores_from_text);
        assert_eq!(with.results.len(), CANDIDATES.len());
        assert!(plain.results.iter().all(|s| s.reason.is_empty()));
        for s in &with.results {
            let i: usize = s.id[1..].parse().unwrap();
            assert!(!s.reason.is_empty(), "{}", s.id);
            assert_eq!(s.reason, expected[i], "{}", s.id);
        }
        // Each candidate's answer token and its reason's tokens, at most REASON_TOKENS of them.
        let (u, pu) = (with.usage.unwrap(), plain.usage.unwrap());
        let n = CANDIDATES.len() as u32;
        assert_eq!(pu.completion_tokens, 0);
        assert!(
            u.completion_tokens > n && u.completion_tokens <= n * (1 + REASON_TOKENS),
            "{}",
            u.completion_tokens
        );

        // The same prompts (the question asks for a reason) with no reason decoded.
        let backend = switchboard::engine::from_config(&config, &switchboard::cpu::CpuPool::new(1))
            .unwrap()
            .unwrap();
        let image = |m: &ProtoMedia| switchboard::rerank::Image {
            mime_type: "image/png".into(),
            data: m.data.clone().into(),
        };
        let req = grpc_request(true);
        let input = switchboard::rerank::RerankInput {
            query: req.query.clone(),
            query_images: req.query_media.iter().map(image).collect(),
            candidates: req
                .candidates
                .iter()
                .map(|c| switchboard::rerank::Candidate {
                    id: c.id.clone(),
                    text: c.text.clone(),
                    images: c.media.iter().map(image).collect(),
                })
                .collect(),
            with_reasons: true,
        };
        let deadline = std::time::Instant::now() + std::time::Duration::from_secs(60);
        let cancel = tokio_util::sync::CancellationToken::new();
        let bare = switchboard::rerank::run(backend.as_ref(), &input, 0, deadline, cancel)
            .await
            .unwrap();
        assert!(bare.results.iter().all(|s| s.reason.is_empty()));
        assert_eq!(bare.results.len(), with.results.len());
        for (s, b) in with.results.iter().zip(&bare.results) {
            assert_eq!(s.id, b.id);
            assert!(
                (s.score - b.score).abs() <= 1e-6,
                "{}: {} vs {}",
                s.id,
                s.score,
                b.score
            );
        }
    }

    /// Reasons far longer than the deadline allows are cut short before it: the candidates
    /// scored come back in time with the reasons they had so far, not dropped with their
    /// reasons unfinished.
    #[tokio::test]
    async fn a_deadline_cuts_reasons_short_and_keeps_the_scores() {
        let _machine = machine::shared().await;
        // At a few milliseconds a step, 4096 tokens would take tens of seconds.
        const REASON_TOKENS: u32 = 4096;
        let dir = tempfile::tempdir().unwrap();
        let mut config = ort_config(dir.path());
        config.rerank.reason_tokens = REASON_TOKENS;
        let running = start(config).await;
        let mut c = client(&running).await;
        let mut req = tonic::Request::new(grpc_request(true));
        req.set_timeout(std::time::Duration::from_secs(4));
        let r = c.rerank(req).await.unwrap().into_inner();
        running.shutdown().await.unwrap();
        // The batch being reasoned when the deadline came is back; a later one, if the prefill
        // chunk split the candidates, is unscored.
        assert!(!r.results.is_empty());
        assert_eq!(r.results.len() + r.unscored_ids.len(), CANDIDATES.len());
        assert_eq!(r.partial, !r.unscored_ids.is_empty());
        assert!(r.results.iter().all(|s| !s.reason.is_empty()));
        // Longer than the 48-token reasons the random model writes without stopping, and
        // shorter than their limit: cut, not ended.
        let u = r.usage.unwrap();
        let n = r.results.len() as u32;
        assert!(
            u.completion_tokens > n * 49 && u.completion_tokens < n * (1 + REASON_TOKENS),
            "{}",
            u.completion_tokens
        );
    }

    #[tokio::test]
    async fn over_grpc_the_engine_ranks_by_those_scores() {
        let _machine = machine::shared().await;
        let expected: Vec<f32> = tokio::task::spawn_blocking(|| {
            let mut e = engine("");
            CANDIDATES
                .iter()
                .map(|&c| {
                    let p = prompt(&e, c);
                    let logits = e.full_forward(&p, &[]).unwrap();
                    log_odds(&e, &logits)
                })
                .collect()
        })
        .await
        .unwrap();
        let req = grpc_request(false);
        let dir = tempfile::tempdir().unwrap();
        let running = start(ort_config(dir.path())).await;
        let mut c = client(&running).await;
        let r = c.rerank(req).await.unwrap().into_inner();
        running.shutdown().await.unwrap();
        assert!(!r.partial && !r.scores_from_text);
        assert_eq!(r.results.len(), 4);
        for s in &r.results {
            let i: usize = s.id[1..].parse().unwrap();
            assert!(
                (s.score - expected[i]).abs() < 1e-3,
                "{}: {} vs {}",
                s.id,
                s.score,
                expected[i]
            );
        }
        assert!(r.results.windows(2).all(|w| w[0].score >= w[1].score));
        let u = r.usage.unwrap();
        assert!(u.prompt_tokens_cached > 0 && u.prompt_tokens > u.prompt_tokens_cached);
    }
}

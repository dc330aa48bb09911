//! Re-ranking speed of the in-process engine: candidates scored per second for 10 and 50
//! candidates (each a product title and a 224x224 picture) against one query (a sentence and a
//! 448x448 picture), three ways: each candidate's whole prompt prefilled (the query's picture
//! encoded again each time); the query's prefix run once and its KV reused, one candidate per
//! decoder call (`score_prefix` + `score_after`); and the prefix reused with up to BATCH
//! candidates per multi-row call (`score_batch`, as the service scores). Prompt preparation is
//! counted in all three. A fourth way adds reasons as the service writes them: each batch
//! scored keeping its rows' KV (`score_batch_caches`), then up to REASONS tokens decoded
//! greedily after each candidate's answer, the batch's rows together (`batch::Continuations`).
//! Run: `MODEL_DIR=/tmp/qwen3vl-bench cargo bench --bench rerank` on the
//! larger random model that `tools/qwen3vl/make_fixture.py --bench DIR` exports (default: the
//! tiny test model). ITERS, COUNTS (e.g. "10,50"), BATCH (8, as `rerank.batch_size`), REASONS
//! (48, as `rerank.reason_tokens`; 0 skips the fourth way), THREADS change the run.

use std::time::Instant;

use switchboard::engine::qwen3vl::batch::Continuations;
use switchboard::engine::qwen3vl::engine::{ChatMessage, ChatPart, Engine, Media, Prepared};

mod common;
use common::env;

const QUESTION: &str =
    "Does the Candidate meet the needs of the Query? Answer only \"yes\" or \"no\".";

fn picture(w: u32, h: u32, seed: u32) -> image::RgbImage {
    image::RgbImage::from_fn(w, h, |x, y| {
        image::Rgb([
            ((x * 7 + seed * 31) % 256) as u8,
            ((y * 5 + seed * 17) % 256) as u8,
            ((x * y + seed) % 256) as u8,
        ])
    })
}

/// Each candidate's whole prompt (system, query turn, candidate turn) and the prefix alone.
fn prompts(e: &Engine, n: usize) -> (Prepared, Vec<Prepared>) {
    let prefix = vec![
        ChatMessage {
            role: "system",
            parts: vec![ChatPart::Text(switchboard::rerank::SYSTEM.into())],
        },
        ChatMessage {
            role: "user",
            parts: vec![
                ChatPart::Media(0),
                ChatPart::Text(
                    "<Query>: a red off-shoulder summer dress worn with a wide straw hat".into(),
                ),
            ],
        },
    ];
    let query = Media::Image(picture(448, 448, 0));
    let alone = e.prepare(&prefix, std::slice::from_ref(&query)).unwrap();
    let all = (0..n)
        .map(|i| {
            let mut messages = prefix.clone();
            messages.push(ChatMessage {
                role: "user",
                parts: vec![
                    ChatPart::Media(1),
                    ChatPart::Text(format!(
                        "<Candidate>: product {i}: cotton dress, red, short sleeves, size M\n{QUESTION}"
                    )),
                ],
            });
            let media = [query.clone(), Media::Image(picture(224, 224, i as u32 + 1))];
            e.prepare(&messages, &media).unwrap()
        })
        .collect();
    (alone, all)
}

fn median(mut v: Vec<f64>) -> f64 {
    v.sort_by(f64::total_cmp);
    v[v.len() / 2]
}

fn main() {
    let iters: usize = env("ITERS", 3);
    let batch: usize = env("BATCH", 8);
    let reason_tokens: usize = env("REASONS", 48);
    let counts: Vec<usize> = std::env::var("COUNTS")
        .unwrap_or_else(|_| "10,50".into())
        .split(',')
        .filter_map(|s| s.trim().parse().ok())
        .collect();
    let options = common::engine_options();
    let (model_dir, threads) = (options.model_dir.clone(), options.threads);
    let mut e = Engine::load(options).expect("load");
    println!(
        "model {} threads {threads} batch {batch}",
        model_dir.display()
    );
    let yes = e.tokenizer.token_to_id("yes").unwrap() as usize;
    let no = e.tokenizer.token_to_id("no").unwrap() as usize;
    for &n in &counts {
        let (mut reused, mut batched, mut full) = (Vec::new(), Vec::new(), Vec::new());
        let (mut worst, mut worst_batched) = (0f32, 0f32);
        let mut rows = Vec::new();
        let (mut reasoned, mut reason_lens, mut worst_reasoned) = (Vec::new(), Vec::new(), 0f32);
        for _ in 0..iters {
            let t = Instant::now();
            let (alone, ps) = prompts(&e, n);
            let shared = alone
                .ids
                .iter()
                .zip(&ps[0].ids)
                .take_while(|(a, b)| a == b)
                .count();
            let state = e.score_prefix(&ps[0], shared).unwrap();
            let a: Vec<f32> = ps
                .iter()
                .map(|p| {
                    let l = e.score_after(&state, p).unwrap();
                    l[yes] - l[no]
                })
                .collect();
            reused.push(t.elapsed().as_secs_f64());

            // As the service scores: the prefix once, then batches of up to BATCH rows.
            let t = Instant::now();
            let (_, ps) = prompts(&e, n);
            let state = e.score_prefix(&ps[0], shared).unwrap();
            let mut c = Vec::with_capacity(n);
            let mut at = 0;
            while at < n {
                let k = e.score_batch_len(&state, &ps[at..], batch);
                let refs: Vec<&Prepared> = ps[at..at + k].iter().collect();
                for l in e.score_batch(&state, &refs).unwrap() {
                    c.push(l[yes] - l[no]);
                }
                rows.push(k);
                at += k;
            }
            batched.push(t.elapsed().as_secs_f64());

            // As the service writes reasons: each batch scored, then its reasons decoded.
            if reason_tokens > 0 {
                let t = Instant::now();
                let (_, ps) = prompts(&e, n);
                let state = e.score_prefix(&ps[0], shared).unwrap();
                let mut at = 0;
                while at < n {
                    let k = e.score_batch_len(&state, &ps[at..], batch);
                    let refs: Vec<&Prepared> = ps[at..at + k].iter().collect();
                    let mut reasons = Continuations::new(&e, batch, reason_tokens);
                    let (logits, caches) = e.score_batch_caches(&state, &refs).unwrap();
                    for (i, (l, cache)) in logits.iter().zip(caches).enumerate() {
                        let score = l[yes] - l[no];
                        worst_reasoned = worst_reasoned.max((score - c[at + i]).abs());
                        let answer = if score >= 0.0 { yes } else { no } as u32;
                        reasons.push(at + i, cache, refs[i].rope.delta, answer);
                    }
                    while !reasons.is_empty() {
                        for (_, tokens) in reasons.step(&mut e).unwrap() {
                            reason_lens.push(tokens.len());
                        }
                    }
                    at += k;
                }
                reasoned.push(t.elapsed().as_secs_f64());
            }

            let t = Instant::now();
            let (_, ps) = prompts(&e, n);
            let b: Vec<f32> = ps
                .iter()
                .map(|p| {
                    let (l, _) = e.prefill(p).unwrap();
                    l[yes] - l[no]
                })
                .collect();
            full.push(t.elapsed().as_secs_f64());
            let diff =
                |x: &[f32], m: f32| x.iter().zip(&b).fold(m, |m, (x, y)| m.max((x - y).abs()));
            worst = diff(&a, worst);
            worst_batched = diff(&c, worst_batched);
            if n == counts[0] && reused.len() == 1 {
                println!("prompt {} tokens, shared prefix {shared}", ps[0].ids.len());
            }
        }
        let (r, bt, f) = (median(reused), median(batched), median(full));
        let mean_rows = rows.iter().sum::<usize>() as f64 / rows.len().max(1) as f64;
        println!(
            "{n:>3} candidates: full prompts {:.1} cand/s ({f:.2} s); prefix reused, one at a time {:.1} cand/s ({r:.2} s, x{:.2}); prefix reused, batched {:.1} cand/s ({bt:.2} s, x{:.2}, {mean_rows:.1} rows a call); largest score difference from full prompts {worst:.2e} one at a time, {worst_batched:.2e} batched",
            n as f64 / f,
            n as f64 / r,
            f / r,
            n as f64 / bt,
            f / bt,
        );
        if reason_tokens > 0 {
            let rt = median(reasoned);
            let mean_len =
                reason_lens.iter().sum::<usize>() as f64 / reason_lens.len().max(1) as f64;
            println!(
                "{n:>3} candidates: prefix reused, batched, with reasons of up to {reason_tokens} tokens {:.1} cand/s ({rt:.2} s, x{:.2} the time without; {mean_len:.1} reason tokens a candidate); largest score difference from batched without reasons {worst_reasoned:.2e}",
                n as f64 / rt,
                rt / bt,
            );
        }
    }
}

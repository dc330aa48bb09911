//! Continuous batching on the in-process engine: N streams of the same length (a ~48-token text
//! prompt each, all different, NEW_TOKENS greedy tokens) run one after another with
//! `Engine::generate`, then all at once through the `Batcher` (every stream arrives at t = 0).
//! Prints, per N, aggregate output tokens/s both ways, their ratio, and time to first token
//! p50/p99 under the batched load. Run on the larger random model that
//! `tools/qwen3vl/make_fixture.py --bench DIR` exports (hidden 1024, 8 layers):
//! `MODEL_DIR=/tmp/qwen3vl-bench cargo bench --bench batching`. STREAMS (default "1,4,8,16"),
//! NEW_TOKENS (48), THREADS (0: ONNX Runtime chooses), PREFILL_CHUNK (512). Then prefix reuse:
//! the time to first token of a follow-up turn whose prompt starts with a ~450-token first turn,
//! with the first turn's KV from the prefix cache and without (no cache scope). Also the bytes one
//! decode step moves between host and device at each batch size.

use std::sync::Arc;
use std::sync::atomic::AtomicBool;
use std::time::Instant;

use switchboard::engine::qwen3vl::batch::{BatchLimits, Batcher, Event};
use switchboard::engine::qwen3vl::engine::{
    ChatMessage, ChatPart, Engine, EngineOptions, GenerateParams, Prepared,
};
use switchboard::engine::qwen3vl::sampler::SamplerConfig;

mod common;
use common::env;

fn percentile(v: &[f64], q: f64) -> f64 {
    let mut v = v.to_vec();
    v.sort_by(f64::total_cmp);
    v[((v.len() - 1) as f64 * q).round() as usize]
}

const TOPICS: [&str; 16] = [
    "lighthouses",
    "bread",
    "volcanoes",
    "trains",
    "bees",
    "glaciers",
    "violins",
    "tea",
    "satellites",
    "coral",
    "chess",
    "deserts",
    "owls",
    "bridges",
    "paper",
    "tides",
];

fn main() {
    let new_tokens: usize = env("NEW_TOKENS", 48);
    let streams: Vec<usize> = std::env::var("STREAMS")
        .unwrap_or_else(|_| "1,4,8,16".into())
        .split(',')
        .filter_map(|s| s.trim().parse().ok())
        .collect();
    let options = EngineOptions {
        prefill_chunk: env("PREFILL_CHUNK", 512),
        prefix_cache_bytes: 256 << 20,
        ..common::engine_options()
    };
    let (model_dir, threads) = (options.model_dir.clone(), options.threads);
    let mut engine = Engine::load(options).expect("load");
    let error = engine.batching_error().expect("batching check");
    let batches = error <= switchboard::engine::qwen3vl::batch::BATCHING_TOLERANCE;
    println!("batching error at load: {error:e}");
    if !batches {
        println!(
            "this decoder ignores the attention mask: rows run one at a time, as the server would"
        );
    }
    let prompt = |engine: &Engine, i: usize| -> Prepared {
        let text = format!(
            "Write a detailed, well organised essay about {} for a curious reader: where \
             they come from, how they work, why people care about them, three surprising \
             facts, and what the future may hold for them. Stream {i}.",
            TOPICS[i % TOPICS.len()]
        );
        let m = ChatMessage {
            role: "user",
            parts: vec![ChatPart::Text(text)],
        };
        engine.prepare(&[m], &[]).expect("prepare")
    };
    // No end token: every stream decodes exactly NEW_TOKENS (a random model may end early).
    engine.config.eos_ids.clear();
    let params = GenerateParams {
        sampler: SamplerConfig::default(),
        max_new_tokens: new_tokens,
        stop: vec![],
    };
    // Warm-up.
    let never = Arc::new(AtomicBool::new(false));
    engine
        .generate(&prompt(&engine, 99), &params, &never, |_| {})
        .unwrap();

    println!(
        "model {}, {new_tokens} new tokens per stream, prompt {} tokens, threads {threads}",
        model_dir.display(),
        prompt(&engine, 0).ids.len()
    );
    println!(
        "| streams | one after another: tok/s | batched: tok/s | ratio | batched TTFT p50 ms | p99 ms | one after another: TTFT p50 ms |"
    );
    println!("|---|---|---|---|---|---|---|");
    for &n in &streams {
        let prompts: Vec<Prepared> = (0..n).map(|i| prompt(&engine, i)).collect();
        // One after another.
        let t0 = Instant::now();
        let mut tokens = 0;
        let mut ttft_seq = Vec::new();
        for p in &prompts {
            let mut first = None;
            let out = engine
                .generate(p, &params, &never, |_| {
                    first.get_or_insert_with(Instant::now);
                })
                .unwrap();
            ttft_seq.push(first.unwrap().duration_since(t0).as_secs_f64() * 1e3);
            tokens += out.tokens.len();
        }
        let seq_tps = tokens as f64 / t0.elapsed().as_secs_f64();

        // All at once.
        let mut b: Batcher<usize> = Batcher::new(
            &engine,
            BatchLimits {
                max_rows: if batches { n } else { 1 },
                kv_bytes: usize::MAX,
            },
        );
        let t0 = Instant::now();
        let mut waiting: std::collections::VecDeque<(usize, Prepared)> =
            prompts.into_iter().enumerate().collect();
        let mut first: Vec<Option<f64>> = vec![None; n];
        let mut tokens = 0;
        while !b.is_empty() || !waiting.is_empty() {
            while let Some((i, p)) = waiting.pop_front() {
                if !b.admits(&p, &params) {
                    waiting.push_front((i, p));
                    break;
                }
                b.admit(i, p, &params, never.clone());
            }
            b.tick(&mut engine, &mut |&i, ev| match ev {
                Event::Text(_) => {
                    first[i].get_or_insert_with(|| t0.elapsed().as_secs_f64() * 1e3);
                }
                Event::Done(o) => tokens += o.tokens.len(),
                Event::Failed(e) => panic!("stream {i}: {e}"),
            });
        }
        let batch_tps = tokens as f64 / t0.elapsed().as_secs_f64();
        let ttft: Vec<f64> = first.into_iter().map(|f| f.unwrap_or(f64::NAN)).collect();
        println!(
            "| {n} | {seq_tps:.1} | {batch_tps:.1} | {:.2}x | {:.0} | {:.0} | {:.0} |",
            batch_tps / seq_tps,
            percentile(&ttft, 0.5),
            percentile(&ttft, 0.99),
            percentile(&ttft_seq, 0.5),
        );
    }

    // What one decode step moves between host and device memory at each batch size (the same
    // on any provider; on CUDA these are the copies).
    println!();
    println!(
        "| rows | host-made inputs KB | logits to host KB | KV kept on the device MB | KV a step would copy without binding MB |"
    );
    println!("|---|---|---|---|---|");
    for &n in &streams {
        let mut batch = engine.empty_batch();
        let mut tokens = Vec::new();
        let mut deltas = Vec::new();
        for i in 0..n {
            let p = prompt(&engine, i);
            let (logits, cache) = engine.prefill(&p).expect("prefill");
            engine.batch_join(&mut batch, cache).expect("join");
            tokens.push(switchboard::engine::qwen3vl::sampler::argmax(&logits));
            deltas.push(p.rope.delta);
        }
        engine
            .batch_step(&mut batch, &tokens, &deltas)
            .expect("step");
        let t = engine.last_transfer();
        let past = t.kv_kept - t.kv_kept / batch.columns();
        println!(
            "| {n} | {:.1} | {:.1} | {:.1} | {:.1} |",
            t.host_inputs as f64 / 1e3,
            t.logits_to_host as f64 / 1e3,
            t.kv_kept as f64 / 1e6,
            (past + t.kv_kept) as f64 / 1e6,
        );
    }
    println!();

    // Prefix reuse: a follow-up turn, with and without the first turn's KV.
    let words: Vec<&str> = "the quick brown fox jumps over the lazy dog while the river runs"
        .split(' ')
        .collect();
    let long: String = (0..400)
        .map(|i| words[i % words.len()])
        .collect::<Vec<_>>()
        .join(" ");
    let user = |t: String| ChatMessage {
        role: "user",
        parts: vec![ChatPart::Text(t)],
    };
    let mut chat = vec![user(format!("Summarise this text: {long}"))];
    let mut first = engine.prepare(&chat, &[]).expect("prepare");
    first.cache_scope = Some("bench".into());
    let out = engine.generate(&first, &params, &never, |_| {}).unwrap();
    chat.push(ChatMessage {
        role: "assistant",
        parts: vec![ChatPart::Text(
            engine.tokenizer.decode(&out.tokens, true).unwrap(),
        )],
    });
    chat.push(user("Now say it again in one sentence.".into()));
    let follow = engine.prepare(&chat, &[]).expect("prepare");
    let one = GenerateParams {
        max_new_tokens: 1,
        ..params
    };
    // Each try in a scope of its own: the first turn is cached, the follow-up is not yet.
    let mut ttft = |reuse: bool| {
        let mut times = Vec::new();
        let mut cached = 0;
        for i in 0..3 {
            let scope = format!("bench-{reuse}-{i}");
            if reuse {
                let mut f = first.clone();
                f.cache_scope = Some(scope.clone());
                engine.generate(&f, &one, &never, |_| {}).unwrap();
            }
            let mut p = follow.clone();
            p.cache_scope = reuse.then_some(scope);
            let t = Instant::now();
            let o = engine.generate(&p, &one, &never, |_| {}).unwrap();
            times.push(t.elapsed().as_secs_f64() * 1e3);
            cached = o.cached_tokens;
        }
        (percentile(&times, 0.5), cached)
    };
    let (miss, _) = ttft(false);
    let (hit, cached) = ttft(true);
    println!(
        "follow-up turn, {} prompt tokens: TTFT {miss:.0} ms without prefix reuse, {hit:.0} ms \
         with it ({cached} tokens reused)",
        follow.ids.len()
    );
}

//! Speed of the in-process Qwen3-VL engine: time to first token and decode tokens/s, for a
//! text prompt and an image prompt. Run: `cargo bench --bench engine` (the tiny fixture), or
//! `MODEL_DIR=/tmp/qwen3vl-bench cargo bench --bench engine` for the larger random model that
//! `tools/qwen3vl/make_fixture.py --bench DIR` exports. ITERS, NEW_TOKENS, THREADS, PROMPT_WORDS
//! change the run; ORT_VARIANT picks transformers.js file suffixes.

use std::sync::Arc;
use std::sync::atomic::AtomicBool;
use std::time::Instant;

use switchboard::engine::qwen3vl::engine::{ChatMessage, ChatPart, Engine, GenerateParams, Media};
use switchboard::engine::qwen3vl::sampler::SamplerConfig;

mod common;
use common::env;

fn median(mut v: Vec<f64>) -> f64 {
    v.sort_by(f64::total_cmp);
    v[v.len() / 2]
}

fn main() {
    let iters: usize = env("ITERS", 5);
    let new_tokens: usize = env("NEW_TOKENS", 64);
    let words: usize = env("PROMPT_WORDS", 400);
    let t = Instant::now();
    let options = common::engine_options();
    let (model_dir, threads) = (options.model_dir.clone(), options.threads);
    let mut engine = Engine::load(options).expect("load");
    let load_s = t.elapsed().as_secs_f64();

    let long_text: String = (0..words)
        .map(|i| {
            [
                "the", "quick", "brown", "fox", "jumps", "over", "lazy", "dogs",
            ][i % 8]
        })
        .collect::<Vec<_>>()
        .join(" ");
    let image = image::RgbImage::from_fn(448, 448, |x, y| {
        image::Rgb([(x % 256) as u8, (y % 256) as u8, ((x * y) % 256) as u8])
    });
    let cases: Vec<(&str, Vec<ChatMessage>, Vec<Media>)> = vec![
        (
            "text",
            vec![ChatMessage {
                role: "user",
                parts: vec![ChatPart::Text(format!("Summarise: {long_text}"))],
            }],
            vec![],
        ),
        (
            "image",
            vec![ChatMessage {
                role: "user",
                parts: vec![
                    ChatPart::Media(0),
                    ChatPart::Text("Describe this image in detail.".into()),
                ],
            }],
            vec![Media::Image(image)],
        ),
    ];
    println!(
        "model {} (loaded in {load_s:.2}s), {iters} runs each, {new_tokens} new tokens, threads {threads}",
        model_dir.display()
    );
    println!("| prompt | prompt tokens | TTFT ms (median) | decode tok/s (median) |");
    println!("|---|---|---|---|");
    for (name, messages, media) in cases {
        let mut ttft = Vec::new();
        let mut tps = Vec::new();
        let mut prompt_tokens = 0;
        for i in 0..iters + 1 {
            let start = Instant::now();
            let p = engine.prepare(&messages, &media).unwrap();
            prompt_tokens = p.ids.len();
            let mut first = None;
            let mut count = 0usize;
            let params = GenerateParams {
                sampler: SamplerConfig::default(),
                max_new_tokens: new_tokens,
                stop: vec![],
            };
            let out = engine
                .generate(&p, &params, &Arc::new(AtomicBool::new(false)), |_| {
                    count += 1;
                    first.get_or_insert_with(Instant::now);
                })
                .unwrap();
            let end = Instant::now();
            let first = first.unwrap_or(end);
            if i == 0 {
                if std::env::var_os("SHOW_TOKENS").is_some() {
                    println!("{name} greedy tokens: {:?}", out.tokens);
                }
                continue; // warm-up
            }
            ttft.push(first.duration_since(start).as_secs_f64() * 1e3);
            let decode_tokens = out.tokens.len().saturating_sub(1).max(1);
            tps.push(decode_tokens as f64 / end.duration_since(first).as_secs_f64().max(1e-9));
        }
        println!(
            "| {name} | {prompt_tokens} | {:.1} | {:.1} |",
            median(ttft),
            median(tps)
        );
    }
}

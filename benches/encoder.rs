//! Latency of routing one request of about 50 tokens (English and Chinese): the sentence encoder
//! alone (tokenizer included), the dispatcher without the learned stage (rules, embedding,
//! similarity to every manifest example), and with it (the default: rules, embedding, the
//! classifier over plans). Run: `cargo bench --bench encoder` (ITERS=N).

use std::path::PathBuf;
use std::time::Instant;

use switchboard::config::RoutingConfig;
use switchboard::dispatch::encoder::Encoder;
use switchboard::dispatch::{Dispatcher, Thresholds};
use switchboard::experts::Registry;
use switchboard::request::AskInput;

fn percentiles(mut times: Vec<f64>) -> (f64, f64, f64) {
    times.sort_by(f64::total_cmp);
    let at = |q: f64| times[((times.len() - 1) as f64 * q) as usize];
    (at(0.5), at(0.99), at(1.0))
}

/// `iters` calls of `f`, in milliseconds: p50, p99, max.
fn timed(iters: usize, mut f: impl FnMut()) -> (f64, f64, f64) {
    percentiles(
        (0..iters)
            .map(|_| {
                let t = Instant::now();
                f();
                t.elapsed().as_secs_f64() * 1e3
            })
            .collect(),
    )
}

fn encoder(assets: &std::path::Path) -> Encoder {
    Encoder::load(
        &assets.join("encoder/use_multilingual_int8.onnx"),
        &assets.join("onnxruntime/libonnxruntime.so.1.31.1"),
    )
    .expect("run tools/fetch-assets.sh first")
}

fn main() {
    let root = PathBuf::from(env!("CARGO_MANIFEST_DIR"));
    let assets = root.join(".assets");
    let iters: usize = std::env::var("ITERS")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(2000);
    let mut e = encoder(&assets);
    let requests = [
        "Could you please look at this screenshot of the banking app and tell me exactly where I should tap to \
         change the daily transfer limit, and what I need to type into the field that appears afterwards?",
        "请帮我看一下这张银行应用的截图，告诉我应该点击哪里来修改每日转账限额，以及之后出现的输入框里需要填写什么内容，谢谢你的帮助，我有点着急。",
    ];
    for r in requests {
        let tokens = e.token_ids(r).unwrap().len();
        for _ in 0..50 {
            e.embed(&[r]).unwrap();
        }
        let (p50, p99, max) = timed(iters, || {
            e.embed(&[r]).unwrap();
        });
        println!(
            "encoder, {tokens} tokens: p50 {p50:.3} ms, p99 {p99:.3} ms, max {max:.3} ms ({iters} runs)"
        );
    }
    let registry = Registry::load(&root.join("experts"), &root.join("prompts")).unwrap();
    let thresholds = Thresholds::from_config(&RoutingConfig::default());
    let dispatcher = Dispatcher::new(&registry, Some(e), thresholds.clone()).unwrap();
    // Requests no rule is sure of, so the embedding and the similarity search both run.
    let open_ended = [
        "My grandmother sent me this old photo from her village and I would love to know more about what it \
         shows, roughly when it was taken, and anything interesting about the people and the buildings in it.",
        "奶奶给我发了一张她老家村子的老照片，我很想知道照片里拍的是什么、大概是哪个年代拍的，还有照片里的人和房子有什么有意思的地方。",
    ];
    let learned = Dispatcher::new(&registry, Some(encoder(&assets)), thresholds.clone())
        .unwrap()
        .with_learned(
            &registry,
            switchboard::dispatch::learned::Model::load(&root.join("experts/routing/model.json"))
                .unwrap(),
        );
    // The learned stage decides every request with text: a sure one costs the same.
    let sure = "Solve 3x + 5 = 20 for x.";
    for r in open_ended.iter().chain([&sure]) {
        let input = AskInput {
            text: r.to_string(),
            ..Default::default()
        };
        let (p50, p99, max) = timed(iters, || {
            learned.decide(&input).unwrap();
        });
        let (routing, plan) = learned.decide(&input).unwrap();
        let composed = if plan.is_some() { ", composed" } else { "" };
        println!(
            "decide (learned: {} via {}{composed}): p50 {p50:.3} ms, p99 {p99:.3} ms, max {max:.3} ms ({iters} runs)",
            routing.expert, routing.stage
        );
    }
    for r in open_ended.iter().chain([&sure]) {
        let input = AskInput {
            text: r.to_string(),
            ..Default::default()
        };
        let (p50, p99, max) = timed(iters, || {
            dispatcher.route(&input).unwrap();
        });
        let routing = dispatcher.route(&input).unwrap();
        let stage = format!("{} via {}", routing.expert, routing.stage);
        println!(
            "route (stage {stage}): p50 {p50:.3} ms, p99 {p99:.3} ms, max {max:.3} ms ({iters} runs)"
        );
    }
}

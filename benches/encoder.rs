//! Latency of the semantic-routing sentence encoder on one request of about 50 tokens (English
//! and Chinese), tokenizer included. Run: `cargo bench --bench encoder` (ITERS=N).

use std::path::PathBuf;
use std::time::Instant;

use switchboard::dispatch::encoder::Encoder;

fn main() {
    let root = PathBuf::from(env!("CARGO_MANIFEST_DIR"));
    let assets = root.join(".assets");
    let iters: usize = std::env::var("ITERS")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(2000);
    let mut e = Encoder::load(
        &assets.join("encoder/use_multilingual_int8.onnx"),
        &assets.join("onnxruntime/libonnxruntime.so.1.31.1"),
    )
    .expect("run tools/fetch-assets.sh first");
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
        let mut times: Vec<f64> = (0..iters)
            .map(|_| {
                let t = Instant::now();
                e.embed(&[r]).unwrap();
                t.elapsed().as_secs_f64() * 1e3
            })
            .collect();
        times.sort_by(f64::total_cmp);
        let at = |q: f64| times[((times.len() - 1) as f64 * q) as usize];
        println!(
            "{tokens} tokens: p50 {:.3} ms, p99 {:.3} ms, max {:.3} ms ({iters} runs)",
            at(0.5),
            at(0.99),
            at(1.0)
        );
    }
}

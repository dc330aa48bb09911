//! What planning adds to a one-step request, in process, without gRPC or a real model:
//! - `plan`: looking for a composite (the dispatcher's `compose`), the plan with what the
//!   manifests need first, and compiling it into steps; after routing, which a request pays for
//!   with or without plans;
//! - `run`: the planner running the one step (readiness, events, reports, combining) against a
//!   model that answers at once, against the same model step called directly.
//!
//! Requests: 24 one-step texts in English and Chinese, with and without an image.
//! Run: `cargo bench --bench planning` (ITERS=N; default 3000).

use std::path::PathBuf;
use std::sync::Arc;
use std::time::{Duration, Instant};

use futures::future::BoxFuture;
use switchboard::config::{PlansConfig, RoutingConfig};
use switchboard::cpu::{CpuPool, Stop};
use switchboard::dispatch::{Dispatcher, Thresholds};
use switchboard::engine::instrumented::InstrumentedBackend;
use switchboard::engine::{Backend, Finish, GenEvent, GenStream, GenerateRequest};
use switchboard::error::Result;
use switchboard::experts::{Registry, StepContext};
use switchboard::media::{MediaItem, MediaKind, MediaSource};
use switchboard::planner::{Planner, RunContext};
use switchboard::request::AskInput;
use tokio_util::sync::CancellationToken;

/// A model that answers every call at once with the same short text.
struct Instant0;

impl Backend for Instant0 {
    fn name(&self) -> &'static str {
        "instant"
    }

    fn generate(&self, _: GenerateRequest, _: CancellationToken) -> GenStream {
        let events: Vec<Result<GenEvent>> = vec![
            Ok(GenEvent::Text("It is a cat.".into())),
            Ok(GenEvent::Done(Finish {
                reason: "stop".into(),
                prompt_tokens: 10,
                completion_tokens: 4,
                vision_reused: 0,
                cached_tokens: 0,
            })),
        ];
        Box::pin(futures::stream::iter(events))
    }

    fn health(&self) -> BoxFuture<'_, Result<()>> {
        Box::pin(async { Ok(()) })
    }
}

const TEXTS: &[&str] = &[
    "What is in this picture?",
    "Solve 3x + 5 = 20.",
    "Where do I click to log in?",
    "Turn this mockup into HTML and CSS.",
    "Transcribe the text on this sign.",
    "Describe the mood of this photo.",
    "Is 97 prime?",
    "Write me a haiku about autumn.",
    "What happens at the end of this clip?",
    "Which button opens the settings?",
    "Explain what a mortgage is.",
    "How many diagonals does a hexagon have?",
    "这张图片里有什么？",
    "解方程 2x+3=11。",
    "登录按钮在哪里？",
    "把这个设计稿写成HTML。",
    "识别这张图片里的文字。",
    "描述一下这张照片的氛围。",
    "97是不是质数？",
    "写一首关于秋天的诗。",
    "这个界面上怎么打开设置？",
    "解释一下什么是按揭贷款。",
    "六边形有几条对角线？",
    "帮我看看这张图。",
];

fn percentiles(mut v: Vec<Duration>) -> (f64, f64) {
    v.sort();
    let at = |q: f64| v[((v.len() as f64 - 1.0) * q).round() as usize].as_secs_f64() * 1e6;
    (at(0.5), at(0.99))
}

#[tokio::main(flavor = "current_thread")]
async fn main() {
    let iters: usize = std::env::var("ITERS")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(3000);
    let root = PathBuf::from(env!("CARGO_MANIFEST_DIR"));
    let registry = Arc::new(Registry::load(&root.join("experts"), &root.join("prompts")).unwrap());
    let dispatcher = Dispatcher::new(
        &registry,
        None,
        Thresholds::from_config(&RoutingConfig::default()),
    )
    .unwrap();
    let backend = Arc::new(InstrumentedBackend::new(Arc::new(Instant0)));
    let planner = Planner::new(
        registry.clone(),
        Some(backend.clone()),
        None,
        CpuPool::new(1),
        PlansConfig::default(),
    );
    let image = MediaItem {
        kind: MediaKind::Image,
        mime_type: "image/png".into(),
        source: MediaSource::File(bytes::Bytes::from_static(b"png")),
        width: 640,
        height: 480,
        digest: Default::default(),
    };
    let inputs: Vec<AskInput> = TEXTS
        .iter()
        .enumerate()
        .map(|(i, t)| AskInput {
            text: t.to_string(),
            media: if i % 2 == 0 {
                vec![image.clone()]
            } else {
                vec![]
            },
            ..AskInput::default()
        })
        .collect();

    let (mut plan_t, mut run_t, mut direct_t) = (Vec::new(), Vec::new(), Vec::new());
    let mut composed = 0;
    for n in 0..iters {
        let input = &inputs[n % inputs.len()];
        let routing = dispatcher.route(input).unwrap();

        let t = Instant::now();
        let c = dispatcher.compose(input, &routing);
        composed += usize::from(c.is_some());
        let plan = planner.plan(&routing.expert, c, input);
        let graph = planner.compile(&plan, input).unwrap();
        plan_t.push(t.elapsed());

        let t = Instant::now();
        let out = planner
            .run(
                &graph,
                input,
                RunContext {
                    history: &[],
                    stop: Stop::never(),
                    events: None,
                },
            )
            .await
            .unwrap();
        run_t.push(t.elapsed());
        std::hint::black_box(out.answer.text);

        // The same model step without the planner around it.
        let m = registry.get(&routing.expert).unwrap();
        let t = Instant::now();
        let ctx = StepContext {
            backend: &backend,
            registry: &registry,
            history: &[],
            cancel: CancellationToken::new(),
            events: None,
            step_id: "direct",
            ocr_text: None,
            context: None,
        };
        let out = switchboard::experts::run_step(m, input, &ctx)
            .await
            .unwrap();
        direct_t.push(t.elapsed());
        std::hint::black_box(out.text);
    }
    let (p50, p99) = percentiles(plan_t);
    println!(
        "plan (compose, needs, compile): p50 {p50:.1} us, p99 {p99:.1} us ({composed} of {iters} composed)"
    );
    let (r50, r99) = percentiles(run_t);
    let (d50, d99) = percentiles(direct_t);
    println!("run one step through the planner: p50 {r50:.1} us, p99 {r99:.1} us");
    println!("the same model step called directly: p50 {d50:.1} us, p99 {d99:.1} us");
    println!(
        "planning adds: p50 {:.1} us (plan + run - direct)",
        p50 + r50 - d50
    );
}

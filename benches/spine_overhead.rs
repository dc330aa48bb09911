//! What the spine adds per Ask: the same request sent straight to an OpenAI-compatible server,
//! and sent through Switchboard (gRPC, validation, routing, prompt, memory with a flush) to that
//! server. The server is the local test double with an instant answer, so the difference is
//! Switchboard's own cost. Run: `cargo bench --bench spine_overhead` (ITERS=N to change).
//! Logs go to stderr as the server writes them; `TRACES=otlp` also exports every span over
//! OTLP/gRPC to an in-process receiver, to measure what trace export costs.

use std::sync::Arc;
use std::time::{Duration, Instant};

use base64::Engine as _;
use fake_openai::{FakeOpenAi, Script};
use futures::StreamExt;
use serde_json::json;
use switchboard::app::App;
use switchboard::config::{BackendKind, Config};
use switchboard::proto::switchboard_client::SwitchboardClient;
use switchboard::proto::{AskRequest, Media};
use switchboard_testkit::{fake_openai, otlp_receiver};

fn png(w: u32, h: u32) -> Vec<u8> {
    let img = image::RgbImage::from_fn(w, h, |x, y| {
        image::Rgb([(x % 256) as u8, (y % 256) as u8, 90])
    });
    let mut out = Vec::new();
    img.write_to(&mut std::io::Cursor::new(&mut out), image::ImageFormat::Png)
        .unwrap();
    out
}

fn percentiles(mut v: Vec<Duration>) -> (f64, f64, f64) {
    v.sort();
    let at = |q: f64| v[((v.len() as f64 - 1.0) * q).round() as usize].as_secs_f64() * 1e3;
    (
        at(0.5),
        at(0.99),
        v.iter().map(|d| d.as_secs_f64()).sum::<f64>() * 1e3 / v.len() as f64,
    )
}

#[tokio::main(flavor = "multi_thread")]
async fn main() {
    let iters: usize = std::env::var("ITERS")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(300);
    let image = png(640, 480);
    let fake = FakeOpenAi::start(Script::default()).await;
    // Logs as the server writes them (to stderr: redirect it), plus OTLP export with TRACES=otlp.
    let traces = std::env::var("TRACES").is_ok_and(|v| v == "otlp");
    let (receiver, endpoint) = if traces {
        let (receiver, addr) = otlp_receiver::Receiver::start().await;
        (Some(receiver), Some(format!("http://{addr}")))
    } else {
        (None, None)
    };
    let telemetry = switchboard::telemetry::init(&switchboard::config::TelemetryConfig {
        otlp_endpoint: endpoint,
        ..Default::default()
    })
    .unwrap();

    // Direct: the request the general expert sends, straight to the backend.
    let http = reqwest::Client::new();
    let data_url = format!(
        "data:image/png;base64,{}",
        base64::engine::general_purpose::STANDARD.encode(&image)
    );
    let body = json!({
        "model": "fake-qwen3-vl", "stream": true, "stream_options": {"include_usage": true},
        "max_tokens": 2048, "temperature": 0.7, "top_p": 0.8, "top_k": 20,
        "messages": [
            {"role": "system", "content": "You are a helpful assistant."},
            {"role": "user", "content": [
                {"type": "image_url", "image_url": {"url": data_url}},
                {"type": "text", "text": "What is in this picture?"}]}
        ]
    });
    let url = format!("{}/chat/completions", fake.url());
    let direct = |warm: bool| {
        let http = http.clone();
        let body = body.clone();
        let url = url.clone();
        async move {
            let mut times = Vec::new();
            for _ in 0..if warm { 20 } else { iters } {
                let t = Instant::now();
                let resp = http.post(&url).json(&body).send().await.unwrap();
                let mut s = resp.bytes_stream();
                while let Some(c) = s.next().await {
                    c.unwrap();
                }
                times.push(t.elapsed());
            }
            times
        }
    };
    direct(true).await;
    let direct_times = direct(false).await;

    // Through Switchboard, fresh session each time (a new session is the common first call).
    let dir = tempfile::tempdir().unwrap();
    let mut config = Config {
        backend: BackendKind::Openai,
        ..Config::default()
    };
    config.server.listen = "127.0.0.1:0".into();
    config.memory.data_dir = dir.path().to_path_buf();
    config.openai.url = Some(fake.url());
    config.experts.dir = concat!(env!("CARGO_MANIFEST_DIR"), "/experts").into();
    config.experts.prompts_dir = concat!(env!("CARGO_MANIFEST_DIR"), "/prompts").into();
    config.metrics.listen = "127.0.0.1:0".into();
    let running = switchboard::server::start(Arc::new(App::new(config).unwrap()))
        .await
        .unwrap();
    let client = SwitchboardClient::connect(format!("http://{}", running.addr))
        .await
        .unwrap();
    let request = AskRequest {
        text: "What is in this picture?".into(),
        media: vec![Media {
            data: image.clone(),
            mime_type: "image/png".into(),
            ..Default::default()
        }],
        ..Default::default()
    };
    let spine = |n: usize| {
        let request = request.clone();
        let mut client = client.clone();
        async move {
            let mut times = Vec::new();
            for _ in 0..n {
                let t = Instant::now();
                client.ask(request.clone()).await.unwrap();
                times.push(t.elapsed());
            }
            times
        }
    };
    spine(20).await;
    let spine_times = spine(iters).await;
    let mut stream_times = Vec::new();
    for _ in 0..iters {
        let t = Instant::now();
        let mut s = client
            .clone()
            .ask_stream(request.clone())
            .await
            .unwrap()
            .into_inner();
        while let Some(ev) = s.next().await {
            ev.unwrap();
        }
        stream_times.push(t.elapsed());
    }
    running.shutdown().await.unwrap();
    telemetry.flush();
    if let Some(r) = receiver {
        println!(
            "traces: exported over OTLP, {} spans received",
            r.spans().len()
        );
    } else {
        println!("traces: not exported (TRACES=otlp exports them to an in-process receiver)");
    }

    let (dp50, dp99, dmean) = percentiles(direct_times);
    let (sp50, sp99, smean) = percentiles(spine_times);
    let (tp50, tp99, tmean) = percentiles(stream_times);
    println!(
        "spine overhead, {iters} requests each, 640x480 PNG ({} bytes), answer of 4 chunks",
        image.len()
    );
    println!(
        "{:<28} {:>9} {:>9} {:>9}",
        "path", "p50 ms", "p99 ms", "mean ms"
    );
    println!(
        "{:<28} {dp50:>9.3} {dp99:>9.3} {dmean:>9.3}",
        "direct to backend (HTTP)"
    );
    println!(
        "{:<28} {sp50:>9.3} {sp99:>9.3} {smean:>9.3}",
        "via Switchboard Ask"
    );
    println!(
        "{:<28} {tp50:>9.3} {tp99:>9.3} {tmean:>9.3}",
        "via Switchboard AskStream"
    );
    println!(
        "{:<28} {:>9.3} {:>9.3} {:>9.3}",
        "added by the spine (Ask)",
        sp50 - dp50,
        sp99 - dp99,
        smean - dmean
    );
}

//! Classify floods: twelve clients sending 32,768-character Chinese texts as fast as they can,
//! against the real binary with the sentence encoder, while a routed Ask is timed. Classify is
//! admitted under its own limit and routing embeds a bounded prefix, so the flood gets
//! RESOURCE_EXHAUSTED rather than the CPU, and memory stays flat. Prints the figures.

use std::sync::Arc;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::time::{Duration, Instant};

use switchboard::proto::AskRequest;
use tonic::Code;

use super::harness::{Server, Spec};
use crate::common::{assets, machine};

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_classify_flood_leaves_room_for_ask() {
    let _machine = machine::alone().await;
    let encoder = assets().join("encoder/use_multilingual_int8.onnx");
    assert!(
        encoder.exists(),
        "{} is missing: run tools/fetch-assets.sh (tools/test.sh does)",
        encoder.display()
    );
    let dir = tempfile::tempdir().unwrap();
    let spec = Spec::new(dir.path())
        .set("SWITCHBOARD_ROUTING__SEMANTIC__ENABLED", "true")
        .set("SWITCHBOARD_ROUTING__SEMANTIC__ENCODER", encoder.display())
        .set(
            "SWITCHBOARD_ONNXRUNTIME__LIBRARY",
            assets()
                .join("onnxruntime/libonnxruntime.so.1.31.1")
                .display(),
        );
    let server = Server::start(&spec).await;

    // A routed Ask the encoder has to decide (no rule fires); with no model configured it ends
    // in FAILED_PRECONDITION after routing, which is what is timed.
    let routed = || AskRequest {
        text: "随便聊聊今天的心情怎么样".into(),
        ..Default::default()
    };
    let time_ask = |server: &Server| {
        let addr = server.addr.clone();
        async move {
            let ch = tonic::transport::Channel::from_shared(addr)
                .unwrap()
                .connect()
                .await
                .unwrap();
            let mut c = switchboard::proto::switchboard_client::SwitchboardClient::new(ch);
            let t = Instant::now();
            let r = c.ask(routed()).await;
            assert_eq!(r.unwrap_err().code(), Code::FailedPrecondition);
            t.elapsed()
        }
    };
    time_ask(&server).await;
    let idle = time_ask(&server).await;
    let rss_before = server.rss_kib().unwrap_or(0);

    let long: String = "今天天气很好我们去公园散步然后吃饭"
        .chars()
        .cycle()
        .take(32_768)
        .collect();
    let stop = Arc::new(AtomicBool::new(false));
    let (answered, refused) = (Arc::new(AtomicUsize::new(0)), Arc::new(AtomicUsize::new(0)));
    let mut loops = Vec::new();
    for _ in 0..12 {
        let mut c = server.client().await;
        let (stop, answered, refused, text) = (
            stop.clone(),
            answered.clone(),
            refused.clone(),
            long.clone(),
        );
        loops.push(tokio::spawn(async move {
            while !stop.load(Ordering::Relaxed) {
                let r = c
                    .classify(AskRequest {
                        text: text.clone(),
                        ..Default::default()
                    })
                    .await;
                match r {
                    Ok(_) => answered.fetch_add(1, Ordering::Relaxed),
                    Err(s) => {
                        assert_eq!(s.code(), Code::ResourceExhausted, "{s:?}");
                        refused.fetch_add(1, Ordering::Relaxed)
                    }
                };
            }
        }));
    }
    tokio::time::sleep(Duration::from_millis(500)).await;
    let mut during = Vec::new();
    for _ in 0..5 {
        during.push(time_ask(&server).await);
    }
    stop.store(true, Ordering::Relaxed);
    for l in loops {
        l.await.unwrap();
    }
    during.sort();
    let rss_after = server.rss_kib().unwrap_or(0);
    println!(
        "routed Ask: {idle:?} idle, {:?} median and {:?} worst during a flood of 12 Classify loops \
         (32,768 CJK chars each: {} answered, {} RESOURCE_EXHAUSTED); RSS {} -> {} MiB",
        during[2],
        during[4],
        answered.load(Ordering::Relaxed),
        refused.load(Ordering::Relaxed),
        rss_before / 1024,
        rss_after / 1024
    );
    assert!(answered.load(Ordering::Relaxed) > 0);
}

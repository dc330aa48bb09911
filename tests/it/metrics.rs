//! Metrics over the Prometheus scrape endpoint: the real server with `/metrics` on its own
//! port, two Asks (one answered, one refused), then a scrape read as Prometheus would.
//! Metrics are process-wide, so this test runs in a process of its own (`common::process`).

use crate::common::fake_openai::{FakeOpenAi, Script};
use crate::common::*;
use switchboard::proto::AskRequest;

/// The value of the sample `name{...}` whose labels include every pair in `labels`.
fn sample(text: &str, name: &str, labels: &[(&str, &str)]) -> Option<f64> {
    text.lines().find_map(|line| {
        let (series, value) = line.rsplit_once(' ')?;
        let (n, rest) = series.split_once('{').unwrap_or((series, ""));
        if n != name || line.starts_with('#') {
            return None;
        }
        labels
            .iter()
            .all(|(k, v)| rest.contains(&format!("{k}=\"{v}\"")))
            .then(|| value.parse().ok())
            .flatten()
    })
}

#[tokio::test]
async fn one_scrape_has_red_for_calls_experts_routes_tokens_and_memory() {
    let _machine = machine::shared().await;
    if !process::own(concat!(
        module_path!(),
        "::one_scrape_has_red_for_calls_experts_routes_tokens_and_memory"
    )) {
        return;
    }
    let fake = FakeOpenAi::start(Script::default()).await;
    let dir = tempfile::tempdir().unwrap();
    let mut config = test_config(dir.path(), Some(fake.url()));
    config.metrics.enabled = true;
    config.metrics.listen = "127.0.0.1:0".into();
    let running = start(config).await;
    let mut c = client(&running).await;
    c.ask(AskRequest {
        text: "What is in this picture?".into(),
        media: vec![switchboard::proto::Media {
            data: png(32, 32),
            mime_type: "image/png".into(),
            ..Default::default()
        }],
        ..Default::default()
    })
    .await
    .unwrap();
    let e = c
        .ask(AskRequest {
            text: "hi".into(),
            expert: "no_such_expert".into(),
            ..Default::default()
        })
        .await
        .unwrap_err();
    assert_eq!(e.code(), tonic::Code::InvalidArgument);

    let url = format!("http://{}/metrics", running.metrics_addr.unwrap());
    let resp = reqwest::get(&url).await.unwrap();
    assert!(
        resp.headers()["content-type"]
            .to_str()
            .unwrap()
            .starts_with("text/plain; version=0.0.4")
    );
    let text = resp.text().await.unwrap();
    let calls = "rpc_server_call_duration_seconds";
    assert!(
        text.contains(&format!("# TYPE {calls} histogram")),
        "{text}"
    );
    let ask = [
        ("rpc_method", "Ask"),
        ("rpc_service", "switchboard.v1.Switchboard"),
    ];
    let ok = [ask[0], ask[1], ("rpc_grpc_status_code", "0")];
    let bad = [ask[0], ask[1], ("rpc_grpc_status_code", "3")];
    assert_eq!(
        sample(&text, &format!("{calls}_count"), &ok),
        Some(1.0),
        "{text}"
    );
    assert_eq!(
        sample(&text, &format!("{calls}_count"), &bad),
        Some(1.0),
        "{text}"
    );
    let mut inf = ok.to_vec();
    inf.push(("le", "+Inf"));
    assert_eq!(sample(&text, &format!("{calls}_bucket"), &inf), Some(1.0));
    assert!(sample(&text, &format!("{calls}_sum"), &ok).unwrap() > 0.0);
    // Health checks are not counted.
    assert!(!text.contains("grpc.health"), "{text}");

    let general = [("expert", "general")];
    assert_eq!(
        sample(
            &text,
            "switchboard_step_duration_seconds_count",
            &[general[0], ("outcome", "ok")]
        ),
        Some(1.0)
    );
    assert_eq!(
        sample(
            &text,
            "switchboard_route_score_count",
            &[("route", "general")]
        ),
        Some(1.0),
        "{text}"
    );
    assert_eq!(
        sample(
            &text,
            "gen_ai_usage_tokens_total",
            &[general[0], ("gen_ai_token_type", "output")]
        ),
        Some(4.0),
        "{text}"
    );
    assert_eq!(
        sample(
            &text,
            "gen_ai_usage_tokens_total",
            &[general[0], ("gen_ai_token_type", "input")]
        ),
        Some(11.0)
    );
    assert_eq!(
        sample(
            &text,
            "gen_ai_server_time_to_first_token_seconds_count",
            &general
        ),
        Some(1.0)
    );
    assert_eq!(
        sample(&text, "gen_ai_server_active_requests", &general),
        Some(0.0)
    );
    assert_eq!(
        sample(
            &text,
            "switchboard_memory_write_duration_seconds_count",
            &[]
        ),
        Some(1.0)
    );
    assert!(sample(&text, "process_memory_usage_bytes", &[]).unwrap() > 1e6);
    assert!(sample(&text, "switchboard_memory_size_bytes", &[]).unwrap() > 0.0);
    // Four output tokens: one decode-speed measurement.
    assert_eq!(
        sample(
            &text,
            "gen_ai_server_time_per_output_token_seconds_count",
            &general
        ),
        Some(1.0)
    );
    running.shutdown().await.unwrap();

    // The in-process engine (the tiny Qwen3-VL fixture) adds its queue, sequences and KV cache.
    let dir = tempfile::tempdir().unwrap();
    let mut config = ort_config(dir.path());
    config.metrics.enabled = true;
    config.metrics.listen = "127.0.0.1:0".into();
    let running = start(config).await;
    let mut c = client(&running).await;
    let max = 8;
    let r = c
        .ask(AskRequest {
            text: "What is in this picture?".into(),
            media: vec![switchboard::proto::Media {
                data: png(90, 60),
                ..Default::default()
            }],
            options: Some(switchboard::proto::GenerationOptions {
                temperature: Some(0.0),
                max_new_tokens: Some(max),
                ..Default::default()
            }),
            ..Default::default()
        })
        .await
        .unwrap()
        .into_inner();
    let usage = r.usage.unwrap();
    let url = format!("http://{}/metrics", running.metrics_addr.unwrap());
    let text = reqwest::get(&url).await.unwrap().text().await.unwrap();
    let positions = "switchboard_model_kv_cache_sequence_positions";
    assert_eq!(
        sample(&text, &format!("{positions}_count"), &[]),
        Some(1.0),
        "{text}"
    );
    // The prompt, then every output token but the last went through the cache.
    let held = sample(&text, &format!("{positions}_sum"), &[]).unwrap();
    if usage.completion_tokens == max {
        assert_eq!(held, f64::from(usage.prompt_tokens + max - 1), "{usage:?}");
    } else {
        assert_eq!(
            held,
            f64::from(usage.prompt_tokens + usage.completion_tokens)
        );
    }
    // Idle again: nothing queued, running or cached.
    assert_eq!(
        sample(&text, "switchboard_model_active_sequences", &[]),
        Some(0.0)
    );
    assert_eq!(
        sample(
            &text,
            "switchboard_model_queue_size",
            &[("expert", "general")]
        ),
        Some(0.0),
        "{text}"
    );
    assert_eq!(
        sample(&text, "switchboard_model_kv_cache_tokens", &[]),
        Some(0.0)
    );
    assert_eq!(
        sample(&text, "switchboard_model_kv_cache_usage_bytes", &[]),
        Some(0.0)
    );
    running.shutdown().await.unwrap();
}

/// With the in-process engine on the test model, a three-step plan over one image encodes the
/// image once: the other two steps reuse its vision features (the counter, by `reused`, and the
/// response's usage agree).
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_three_step_plan_over_one_image_runs_the_vision_encoder_once() {
    let _machine = machine::shared().await;
    if !process::own(concat!(
        module_path!(),
        "::a_three_step_plan_over_one_image_runs_the_vision_encoder_once"
    )) {
        return;
    }
    use switchboard::proto::{GenerationOptions, Media, Plan, PlanStep};
    let dir = tempfile::tempdir().unwrap();
    let mut config = ort_config(dir.path());
    config.metrics.enabled = true;
    config.metrics.listen = "127.0.0.1:0".into();
    let running = start(config).await;
    let mut c = client(&running).await;
    let s = |id: &str, expert: &str, after: &[&str]| PlanStep {
        id: id.into(),
        expert: expert.into(),
        after: after.iter().map(|a| a.to_string()).collect(),
        ..Default::default()
    };
    let r = c
        .ask(AskRequest {
            text: "What is in this picture?".into(),
            media: vec![Media {
                data: png(90, 60),
                ..Default::default()
            }],
            options: Some(GenerationOptions {
                temperature: Some(0.0),
                max_new_tokens: Some(4),
                ..Default::default()
            }),
            plan: Some(Plan {
                steps: vec![
                    s("look", "general", &[]),
                    s("count", "math", &["look"]),
                    s("say", "general", &["count"]),
                ],
                ..Default::default()
            }),
            ..Default::default()
        })
        .await
        .unwrap()
        .into_inner();
    let ids: Vec<&str> = r.steps.iter().map(|s| s.step_id.as_str()).collect();
    assert_eq!(ids, ["look#0", "count#0", "say#0"]);
    assert_eq!(r.usage.unwrap().vision_features_reused, 2);
    let url = format!("http://{}/metrics", running.metrics_addr.unwrap());
    let text = reqwest::get(&url).await.unwrap().text().await.unwrap();
    let name = "switchboard_model_vision_encodes_total";
    assert_eq!(
        sample(&text, name, &[("reused", "false")]),
        Some(1.0),
        "{text}"
    );
    assert_eq!(
        sample(&text, name, &[("reused", "true")]),
        Some(2.0),
        "{text}"
    );
    running.shutdown().await.unwrap();
}

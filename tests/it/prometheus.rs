//! A real Prometheus (Debian's server binary, fetched by tools/fetch-debian.sh) scrapes the
//! running service's `/metrics`; the request counter and the latency histogram are then read
//! back through Prometheus's HTTP query API, as a dashboard would. Metrics are process-wide,
//! so this test runs in a process of its own (`common::process`).

use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use crate::common::fake_openai::{FakeOpenAi, Script};
use crate::common::*;
use switchboard::proto::AskRequest;

struct Prometheus(Child);

impl Drop for Prometheus {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

/// A GET on Prometheus's HTTP API, as JSON.
async fn api(
    http: &reqwest::Client,
    base: &str,
    path: &str,
    params: &[(&str, &str)],
) -> Option<serde_json::Value> {
    let r = http.get(format!("{base}{path}")).query(params).send().await;
    r.ok()?.json().await.ok()
}

/// The single value of an instant query, once Prometheus has one.
async fn query(http: &reqwest::Client, base: &str, q: &str) -> Option<f64> {
    let v = api(http, base, "/api/v1/query", &[("query", q)]).await?;
    let result = v["data"]["result"].as_array()?;
    result.first()?["value"][1].as_str()?.parse().ok()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn prometheus_scrapes_the_request_counter_and_latency_histogram() {
    let _machine = machine::shared().await;
    if !process::own(concat!(
        module_path!(),
        "::prometheus_scrapes_the_request_counter_and_latency_histogram"
    )) {
        return;
    }
    let bin = std::env::var("PROMETHEUS_BIN")
        .map(std::path::PathBuf::from)
        .unwrap_or_else(|_| assets().join("prometheus/prometheus"));
    assert!(
        bin.exists(),
        "{} is missing: run tools/fetch-debian.sh prometheus (tools/test.sh does)",
        bin.display()
    );

    let fake = FakeOpenAi::start(Script::default()).await;
    let dir = tempfile::tempdir().unwrap();
    let mut config = test_config(dir.path(), Some(fake.url()));
    config.metrics.enabled = true;
    config.metrics.listen = "127.0.0.1:0".into();
    let running = start(config).await;
    let mut c = client(&running).await;
    for _ in 0..3 {
        c.ask(AskRequest {
            text: "Hello".into(),
            ..Default::default()
        })
        .await
        .unwrap();
    }
    let e = c
        .ask(AskRequest {
            text: "hi".into(),
            expert: "no_such_expert".into(),
            ..Default::default()
        })
        .await
        .unwrap_err();
    assert_eq!(e.code(), tonic::Code::InvalidArgument);

    let prom_dir = tempfile::tempdir().unwrap();
    let target = running.metrics_addr.unwrap();
    let config_path = prom_dir.path().join("prometheus.yml");
    std::fs::write(
        &config_path,
        format!(
            "global:\n  scrape_interval: 1s\nscrape_configs:\n  - job_name: switchboard\n    static_configs:\n      - targets: [\"{target}\"]\n"
        ),
    )
    .unwrap();
    let port = free_port();
    let _prometheus = Prometheus(
        Command::new(&bin)
            .arg(format!("--config.file={}", config_path.display()))
            .arg(format!(
                "--storage.tsdb.path={}",
                prom_dir.path().join("data").display()
            ))
            .arg(format!("--web.listen-address=127.0.0.1:{port}"))
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .expect("starting prometheus"),
    );
    let base = format!("http://127.0.0.1:{port}");
    let http = reqwest::Client::new();

    // The counter: calls by code, as scraped.
    let ok = "sum(rpc_server_call_duration_seconds_count{job=\"switchboard\",rpc_method=\"Ask\",rpc_grpc_status_code=\"0\"})";
    let end = Instant::now() + Duration::from_secs(60);
    let mut seen = None;
    while Instant::now() < end {
        seen = query(&http, &base, ok).await;
        if seen == Some(3.0) {
            break;
        }
        tokio::time::sleep(Duration::from_millis(250)).await;
    }
    assert_eq!(seen, Some(3.0), "Prometheus never read 3 answered Asks");
    let failed = "sum(rpc_server_call_duration_seconds_count{rpc_method=\"Ask\",rpc_grpc_status_code=\"3\"})";
    assert_eq!(query(&http, &base, failed).await, Some(1.0));

    // The histogram: buckets Prometheus can take quantiles of, and a sum of real durations.
    let p50 = "histogram_quantile(0.5, sum by (le) (rpc_server_call_duration_seconds_bucket{rpc_method=\"Ask\",rpc_grpc_status_code=\"0\"}))";
    let p50 = query(&http, &base, p50).await.expect("a median latency");
    assert!(p50 > 0.0 && p50 < 5.0, "{p50}");
    let sum =
        "sum(rpc_server_call_duration_seconds_sum{rpc_method=\"Ask\",rpc_grpc_status_code=\"0\"})";
    assert!(query(&http, &base, sum).await.unwrap() > 0.0);

    // Every query of the Grafana dashboard is valid PromQL over series Prometheus has.
    let dashboard: serde_json::Value = serde_json::from_str(
        &std::fs::read_to_string(repo().join("deploy/grafana/switchboard.json")).unwrap(),
    )
    .unwrap();
    let names = api(&http, &base, "/api/v1/label/__name__/values", &[])
        .await
        .unwrap();
    let known: Vec<&str> = names["data"]
        .as_array()
        .unwrap()
        .iter()
        .filter_map(|v| v.as_str())
        .collect();
    // Series only the in-process engine writes (this server uses the OpenAI-compatible one).
    let engine_only = [
        "switchboard_model_queue_size",
        "switchboard_model_active_sequences",
        "switchboard_model_kv_cache_sequence_positions_bucket",
        "switchboard_model_decode_tokens_total",
        "switchboard_model_prefix_cache_tokens_total",
        "switchboard_model_prefix_cache_lookups_total",
    ];
    let metric = regex::Regex::new(r"\b(?:rpc|switchboard|gen_ai|process)_[a-z_]+").unwrap();
    // Label names (in `by (...)` and `{...}`) are not series.
    let labels = regex::Regex::new(r"by \([^)]*\)|\{[^}]*\}").unwrap();
    let mut checked = 0;
    for panel in dashboard["panels"].as_array().unwrap() {
        for target in panel["targets"].as_array().unwrap() {
            let expr = target["expr"]
                .as_str()
                .unwrap()
                .replace("$__rate_interval", "1m");
            let v = api(&http, &base, "/api/v1/query", &[("query", &expr)])
                .await
                .unwrap();
            assert_eq!(v["status"], "success", "{}: {expr}: {v}", panel["title"]);
            let series = labels.replace_all(&expr, "");
            for name in metric.find_iter(&series).map(|m| m.as_str()) {
                assert!(
                    known.contains(&name) || engine_only.contains(&name),
                    "{}: Prometheus has no {name}",
                    panel["title"]
                );
            }
            checked += 1;
        }
    }
    assert!(checked >= 20, "{checked}");
    running.shutdown().await.unwrap();
}

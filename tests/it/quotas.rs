//! Per-tenant quotas over gRPC on loopback: rate, concurrency and model tokens per minute, each
//! refusing with RESOURCE_EXHAUSTED and a google.rpc.RetryInfo detail, while another tenant is
//! served; and the per-tenant metrics (in a process of their own, since metrics are
//! process-wide).

use std::sync::atomic::Ordering;
use std::time::Duration;

use crate::common::fake_openai::{FakeOpenAi, Script};
use crate::common::*;
use switchboard::config::{Config, Quota, QuotaOverride};
use switchboard::proto::AskRequest;
use switchboard::proto::switchboard_client::SwitchboardClient;
use tonic::transport::Channel;
use tonic::{Code, Status};
use tonic_types::StatusExt;

/// Refusals answered at once (no hold), so that RetryInfo carries each quota's whole wait.
fn with_tenants(mut c: Config, acme: QuotaOverride) -> Config {
    c.server.api_keys = vec!["acme:key-a".into(), "beta:key-b".into()];
    c.quotas.tenants.insert("acme".into(), acme);
    c.quotas.refusal_hold_max_secs = 0.0;
    c
}

fn request(key: &str, text: &str) -> tonic::Request<AskRequest> {
    let mut r = tonic::Request::new(AskRequest {
        text: text.into(),
        ..Default::default()
    });
    r.metadata_mut().insert("x-api-key", key.parse().unwrap());
    r
}

/// The RetryInfo delay of a quota refusal (and that it is one).
fn retry_after(s: &Status) -> Duration {
    assert_eq!(s.code(), Code::ResourceExhausted, "{s:?}");
    s.get_details_retry_info()
        .and_then(|r| r.retry_delay)
        .unwrap_or_else(|| panic!("no RetryInfo in {s:?}"))
}

async fn classify(c: &mut SwitchboardClient<Channel>, key: &str) -> Result<(), Status> {
    c.classify(request(key, "solve 2x + 3 = 7"))
        .await
        .map(|_| ())
}

#[tokio::test]
async fn the_rate_quota_refuses_past_the_burst_with_retry_info() {
    let _machine = machine::shared().await;
    let dir = tempfile::tempdir().unwrap();
    let acme = QuotaOverride {
        requests_per_second: Some(2.0),
        burst: Some(3),
        ..Default::default()
    };
    let running = start(with_tenants(test_config(dir.path(), None), acme)).await;
    let mut c = client(&running).await;
    for _ in 0..3 {
        classify(&mut c, "key-a").await.unwrap();
    }
    let e = classify(&mut c, "key-a").await.unwrap_err();
    let wait = retry_after(&e);
    assert!(
        wait > Duration::ZERO && wait <= Duration::from_millis(500),
        "{wait:?}"
    );
    assert!(
        e.message().contains("2 requests per second"),
        "{}",
        e.message()
    );
    // Another tenant has no quota and is served.
    for _ in 0..10 {
        classify(&mut c, "key-b").await.unwrap();
    }
    // Waiting as told is enough.
    tokio::time::sleep(wait).await;
    classify(&mut c, "key-a").await.unwrap();
    running.shutdown().await.unwrap();
}

/// A refusal is held for its wait (up to `quotas.refusal_hold_max_secs`) and its RetryInfo
/// tells what is left, so a client that retries at once cannot come back sooner; another
/// tenant is served meanwhile.
#[tokio::test]
async fn a_refusal_is_held_and_tells_the_wait_left() {
    let _machine = machine::shared().await;
    let dir = tempfile::tempdir().unwrap();
    // One call every 2 s: the refused call's wait is well over the hold.
    let acme = QuotaOverride {
        requests_per_second: Some(0.5),
        burst: Some(1),
        ..Default::default()
    };
    let mut config = with_tenants(test_config(dir.path(), None), acme);
    config.quotas.refusal_hold_max_secs = 0.3;
    let running = start(config).await;
    let mut c = client(&running).await;
    classify(&mut c, "key-a").await.unwrap();
    let mut held = c.clone();
    let refused = tokio::spawn(async move {
        let start = std::time::Instant::now();
        let e = classify(&mut held, "key-a").await.unwrap_err();
        (start.elapsed(), retry_after(&e))
    });
    classify(&mut c, "key-b").await.unwrap();
    let (took, wait) = refused.await.unwrap();
    assert!(took >= Duration::from_millis(300), "{took:?}");
    assert!(
        wait > Duration::ZERO && wait <= Duration::from_millis(1700),
        "{wait:?}"
    );
    running.shutdown().await.unwrap();
}

#[tokio::test]
async fn the_concurrency_quota_counts_requests_in_flight_per_tenant() {
    let _machine = machine::shared().await;
    let fake = FakeOpenAi::start(Script {
        delay: Duration::from_millis(150),
        ..Script::default()
    })
    .await;
    let dir = tempfile::tempdir().unwrap();
    let acme = QuotaOverride {
        max_concurrent: Some(1),
        ..Default::default()
    };
    let running = start(with_tenants(
        test_config(dir.path(), Some(fake.url())),
        acme,
    ))
    .await;
    let mut c = client(&running).await;
    let mut first = c.clone();
    let slow = tokio::spawn(async move { first.ask(request("key-a", "one")).await });
    assert!(
        fake.wait_for(Duration::from_secs(5), |s| s.started.load(Ordering::SeqCst)
            == 1)
            .await
    );
    let e = c.ask(request("key-a", "two")).await.unwrap_err();
    assert_eq!(retry_after(&e), Duration::from_millis(250));
    assert!(
        e.message().contains("1 requests in flight"),
        "{}",
        e.message()
    );
    // A stream counts too, and is refused as a call.
    let e = c.ask_stream(request("key-a", "three")).await.unwrap_err();
    retry_after(&e);
    // beta is served meanwhile.
    c.ask(request("key-b", "four")).await.unwrap();
    slow.await.unwrap().unwrap();
    // The finished request gave its place back.
    c.ask(request("key-a", "five")).await.unwrap();
    running.shutdown().await.unwrap();
}

#[tokio::test]
async fn the_token_quota_charges_what_the_model_reported() {
    let _machine = machine::shared().await;
    // Every answer reports 11 prompt + 4 completion tokens.
    let fake = FakeOpenAi::start(Script::default()).await;
    let dir = tempfile::tempdir().unwrap();
    let acme = QuotaOverride {
        tokens_per_minute: Some(20),
        ..Default::default()
    };
    let running = start(with_tenants(
        test_config(dir.path(), Some(fake.url())),
        acme,
    ))
    .await;
    let mut c = client(&running).await;
    let r = c.ask(request("key-a", "one")).await.unwrap().into_inner();
    let usage = r.usage.unwrap();
    assert_eq!(usage.prompt_tokens + usage.completion_tokens, 15);
    // 5 left: admitted, and 10 in debt after.
    c.ask(request("key-a", "two")).await.unwrap();
    let e = c.ask(request("key-a", "three")).await.unwrap_err();
    let wait = retry_after(&e);
    // 10 tokens of debt and one more, at 20 a minute: 33 s.
    assert!(
        wait > Duration::from_secs(32) && wait <= Duration::from_secs(33),
        "{wait:?}"
    );
    assert!(
        e.message().contains("20 model tokens per minute"),
        "{}",
        e.message()
    );
    c.ask(request("key-b", "four")).await.unwrap();
    // A refused request reached no model.
    assert_eq!(fake.shared.started.load(Ordering::SeqCst), 3);
    running.shutdown().await.unwrap();
}

#[tokio::test]
async fn refusals_and_requests_in_flight_are_counted_per_tenant() {
    let _machine = machine::shared().await;
    if !process::own(concat!(
        module_path!(),
        "::refusals_and_requests_in_flight_are_counted_per_tenant"
    )) {
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    let mut config = test_config(dir.path(), None);
    config.metrics.enabled = true;
    config.metrics.listen = "127.0.0.1:0".into();
    config.quotas.default = Quota {
        requests_per_second: 1.0,
        burst: 1,
        ..Default::default()
    };
    let running = start(with_tenants(config, QuotaOverride::default())).await;
    let mut c = client(&running).await;
    classify(&mut c, "key-a").await.unwrap();
    for _ in 0..3 {
        retry_after(&classify(&mut c, "key-a").await.unwrap_err());
    }
    classify(&mut c, "key-b").await.unwrap();
    retry_after(&classify(&mut c, "key-b").await.unwrap_err());
    let url = format!("http://{}/metrics", running.metrics_addr.unwrap());
    let text = reqwest::get(url).await.unwrap().text().await.unwrap();
    let sample = |name: &str, labels: &[(&str, &str)]| {
        text.lines().find_map(|line| {
            let (series, value) = line.rsplit_once(' ')?;
            let (n, rest) = series.split_once('{')?;
            (n == name
                && labels
                    .iter()
                    .all(|(k, v)| rest.contains(&format!("{k}=\"{v}\""))))
            .then(|| value.parse::<f64>().ok())
            .flatten()
        })
    };
    let rejections = "switchboard_quota_rejections_total";
    let acme = [("tenant", "acme"), ("quota", "rate")];
    assert_eq!(sample(rejections, &acme), Some(3.0), "{text}");
    let beta = [("tenant", "beta"), ("quota", "rate")];
    assert_eq!(sample(rejections, &beta), Some(1.0), "{text}");
    // Nothing in flight now, and the gauge says so per tenant.
    let active = "switchboard_tenant_active_requests";
    assert_eq!(sample(active, &[("tenant", "acme")]), Some(0.0), "{text}");
    running.shutdown().await.unwrap();
}

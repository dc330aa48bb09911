//! Traces over real OTLP/gRPC: a receiver built from the official OpenTelemetry protos
//! (`opentelemetry-proto`) on loopback, the real server exporting to it, and one Ask that
//! carries a W3C `traceparent`. The tracing subscriber and the meter provider are
//! process-global, so this test runs in a process of its own (`common::process`).

use std::collections::HashMap;
use std::time::Duration;

use crate::common::fake_openai::{FakeOpenAi, Script};
use crate::common::otlp_receiver::Receiver;
use crate::common::*;
use opentelemetry_proto::tonic::common::v1::any_value::Value as AnyValue;
use opentelemetry_proto::tonic::metrics::v1::metric::Data;
use opentelemetry_proto::tonic::trace::v1::Span;
use switchboard::config::{LogFormat, TelemetryConfig};
use switchboard::proto::{AskRequest, Media};
use tonic::Request;

fn attrs(s: &Span) -> HashMap<String, String> {
    s.attributes
        .iter()
        .map(|kv| {
            let v = match kv.value.as_ref().and_then(|v| v.value.as_ref()) {
                Some(AnyValue::StringValue(s)) => s.clone(),
                Some(AnyValue::IntValue(i)) => i.to_string(),
                Some(AnyValue::DoubleValue(d)) => d.to_string(),
                Some(AnyValue::BoolValue(b)) => b.to_string(),
                other => format!("{other:?}"),
            };
            (kv.key.clone(), v)
        })
        .collect()
}

const TRACE_ID: &str = "4bf92f3577b34da6a3ce929d0e0e4736";
const CALLER_SPAN: &str = "00f067aa0ba902b7";
const ANSWER: &str = "<tool_call>\n{\"name\": \"computer_use\", \"arguments\": {\"action\": \"left_click\", \"coordinate\": [200, 150]}}\n</tool_call>";

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn one_ask_is_one_span_tree_in_the_callers_trace() {
    let _machine = machine::shared().await;
    if !process::own(concat!(
        module_path!(),
        "::one_ask_is_one_span_tree_in_the_callers_trace"
    )) {
        return;
    }
    let (receiver, otlp) = Receiver::start().await;
    let telemetry = switchboard::telemetry::init(&TelemetryConfig {
        log_format: LogFormat::Text,
        otlp_endpoint: Some(format!("http://{otlp}")),
        trace_content: false,
    })
    .unwrap();

    let fake = FakeOpenAi::start(Script {
        chunks: vec![ANSWER[..50].into(), ANSWER[50..].into()],
        ..Script::default()
    })
    .await;
    let dir = tempfile::tempdir().unwrap();
    let running = start(test_config(dir.path(), Some(fake.url()))).await;
    let mut c = client(&running).await;
    let ask = |expert: &str| {
        let mut req = Request::new(AskRequest {
            text: "Where do I click to log in? My name is Zhang San.".into(),
            expert: expert.into(),
            media: vec![Media {
                data: png(400, 200),
                mime_type: "image/png".into(),
                ..Default::default()
            }],
            ..Default::default()
        });
        req.metadata_mut().insert(
            "traceparent",
            format!("00-{TRACE_ID}-{CALLER_SPAN}-01").parse().unwrap(),
        );
        req
    };
    c.ask(ask("gui")).await.unwrap();
    let e = c.ask(ask("no_such_expert")).await.unwrap_err();
    assert_eq!(e.code(), tonic::Code::InvalidArgument);
    running.shutdown().await.unwrap();
    telemetry.flush();

    let mut spans = Vec::new();
    for _ in 0..100 {
        spans = receiver.spans();
        if spans.iter().filter(|s| s.name.ends_with("/Ask")).count() == 2 {
            break;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    let hex = |b: &[u8]| b.iter().map(|x| format!("{x:02x}")).collect::<String>();
    let ours: Vec<&Span> = spans
        .iter()
        .filter(|s| hex(&s.trace_id) == TRACE_ID)
        .collect();
    let names: Vec<&str> = ours.iter().map(|s| s.name.as_str()).collect();
    let by_name =
        |name: &str| -> Vec<&Span> { ours.iter().copied().filter(|s| s.name == name).collect() };
    let one = |name: &str| -> &Span {
        let found = by_name(name);
        assert_eq!(found.len(), 1, "{name} in {names:?}");
        found[0]
    };

    // Two calls, both children of the caller's span, as server spans with their gRPC codes.
    let rpcs = by_name("switchboard.v1.Switchboard/Ask");
    assert_eq!(rpcs.len(), 2, "{names:?}");
    for r in &rpcs {
        assert_eq!(hex(&r.parent_span_id), CALLER_SPAN);
        assert_eq!(r.kind, 2, "SPAN_KIND_SERVER");
        let a = attrs(r);
        assert_eq!(a["rpc.system"], "grpc");
        assert_eq!(a["rpc.method"], "Ask");
    }
    let (ok, failed): (Vec<&&Span>, Vec<&&Span>) = rpcs
        .iter()
        .partition(|r| attrs(r)["rpc.grpc.status_code"] == "0");
    assert_eq!((ok.len(), failed.len()), (1, 1));
    let failed = failed[0];
    assert_eq!(attrs(failed)["rpc.grpc.status_code"], "3");
    assert_eq!(failed.status.as_ref().unwrap().code, 2, "STATUS_CODE_ERROR");
    let rpc = *ok[0];

    // rpc → route, step → model.generate → prefill, decode.
    let routes = by_name("route");
    let route = *routes
        .iter()
        .find(|s| s.parent_span_id == rpc.span_id)
        .expect("a route span under the call");
    // The failed call was refused at routing, under its own call span.
    assert!(routes.iter().any(|s| s.parent_span_id == failed.span_id));
    assert_eq!(attrs(route)["route"], "gui");
    assert_eq!(attrs(route)["stage"], "explicit");
    let step = one("step");
    assert_eq!(step.parent_span_id, rpc.span_id);
    assert_eq!(attrs(step)["expert"], "gui");
    let model = one("chat gui");
    assert_eq!(model.parent_span_id, step.span_id);
    let a = attrs(model);
    assert_eq!(a["gen_ai.usage.output_tokens"], "2");
    assert_eq!(a["gen_ai.usage.input_tokens"], "11");
    assert_eq!(a["gen_ai.response.finish_reasons"], "stop");
    assert!(a["ttft_ms"].parse::<f64>().unwrap() >= 0.0);
    let prefill = one("model.prefill");
    let decode = one("model.decode");
    assert_eq!(prefill.parent_span_id, model.span_id);
    assert_eq!(decode.parent_span_id, model.span_id);
    assert!(prefill.end_time_unix_nano <= decode.start_time_unix_nano + 1_000_000);
    assert!(rpc.start_time_unix_nano <= model.start_time_unix_nano);
    assert!(model.end_time_unix_nano <= rpc.end_time_unix_nano);

    // Metrics went out over OTLP too: the calls' durations, by code.
    let exported = receiver.metrics();
    let calls = exported
        .iter()
        .rev()
        .find(|m| m.name == "rpc.server.call.duration")
        .unwrap_or_else(|| panic!("{:?}", exported.iter().map(|m| &m.name).collect::<Vec<_>>()));
    assert_eq!(calls.unit, "s");
    let Some(Data::Histogram(h)) = &calls.data else {
        panic!("{calls:?}")
    };
    let count = |code: i64| -> u64 {
        h.data_points
            .iter()
            .filter(|p| {
                p.attributes.iter().any(|kv| {
                    kv.key == "rpc.grpc.status_code"
                        && matches!(
                            kv.value.as_ref().and_then(|v| v.value.as_ref()),
                            Some(AnyValue::IntValue(c)) if *c == code
                        )
                })
            })
            .map(|p| p.count)
            .sum()
    };
    assert_eq!((count(0), count(3)), (1, 1), "{h:?}");

    // Nothing the user wrote is in a span.
    let all = format!("{ours:?}");
    assert!(
        !all.contains("Zhang San") && !all.contains("log in"),
        "{all}"
    );

    // An operator who turns trace_content on gets the prompt and the answer on the model span;
    // media by type and size, never bytes.
    const CONTENT_TRACE: &str = "0af7651916cd43dd8448eb211c80319c";
    let dir = tempfile::tempdir().unwrap();
    let mut config = test_config(dir.path(), Some(fake.url()));
    config.telemetry.trace_content = true;
    let running = start(config).await;
    let mut c = client(&running).await;
    let mut req = ask("gui");
    req.metadata_mut().insert(
        "traceparent",
        format!("00-{CONTENT_TRACE}-{CALLER_SPAN}-01")
            .parse()
            .unwrap(),
    );
    c.ask(req).await.unwrap();
    running.shutdown().await.unwrap();
    telemetry.flush();
    let mut model = None;
    for _ in 0..100 {
        model = receiver
            .spans()
            .into_iter()
            .find(|s| hex(&s.trace_id) == CONTENT_TRACE && s.name == "chat gui");
        if model.is_some() {
            break;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    let a = attrs(&model.expect("the model span of the second trace"));
    let input: serde_json::Value = serde_json::from_str(&a["gen_ai.input.messages"]).unwrap();
    let user = input
        .as_array()
        .unwrap()
        .iter()
        .find(|m| m["role"] == "user")
        .unwrap();
    let parts = user["parts"].as_array().unwrap();
    assert!(
        parts
            .iter()
            .any(|p| p["type"] == "text" && p["content"].as_str().unwrap().contains("Zhang San")),
        "{input}"
    );
    let blob = parts
        .iter()
        .find(|p| p["type"] == "blob")
        .expect("the image");
    assert_eq!(blob["mime_type"], "image/png");
    assert_eq!(blob["size"].as_u64().unwrap() as usize, png(400, 200).len());
    assert!(blob.get("content").is_none());
    let output: serde_json::Value = serde_json::from_str(&a["gen_ai.output.messages"]).unwrap();
    assert_eq!(output[0]["parts"][0]["content"], ANSWER);
    assert_eq!(output[0]["finish_reason"], "stop");
    telemetry.shutdown();
}

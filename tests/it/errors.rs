//! Every bad input and failure mode gets its documented gRPC code and a message naming the
//! problem (the README's table, row by row), and no client input crashes the server.

mod fuzz;

use std::sync::atomic::Ordering;
use std::time::Duration;

use crate::common::fake_openai::{FakeOpenAi, Script};
use crate::common::*;
use futures::StreamExt;
use switchboard::config::Config;
use switchboard::proto::{AskRequest, GenerationOptions, GetSessionRequest, Media, ask_event};
use tonic::Code;

fn small_limits(c: &mut Config) {
    let l = &mut c.limits;
    l.max_request_bytes = 200_000;
    l.max_media = 2;
    l.max_image_bytes = 60_000;
    l.max_image_pixels = 10_000;
    l.max_request_pixels = 15_000;
    l.max_video_bytes = 100_000;
    l.max_video_frames = 3;
    l.max_text_chars = 100;
    l.max_profile_fields = 2;
    l.max_profile_value_chars = 10;
    l.max_new_tokens = 100;
    l.max_stop_sequences = 2;
    l.max_id_chars = 16;
}

fn ask(text: &str) -> AskRequest {
    AskRequest {
        text: text.into(),
        ..Default::default()
    }
}

fn with_media(media: Vec<Media>) -> AskRequest {
    AskRequest {
        text: "what is this".into(),
        media,
        ..Default::default()
    }
}

fn opts(o: GenerationOptions) -> AskRequest {
    AskRequest {
        text: "hi".into(),
        options: Some(o),
        ..Default::default()
    }
}

fn file(data: Vec<u8>, mime: &str) -> Media {
    Media {
        data,
        mime_type: mime.into(),
        ..Default::default()
    }
}

fn frames(frames: Vec<Vec<u8>>, fps: f32) -> Media {
    Media {
        frames,
        fps,
        ..Default::default()
    }
}

/// (what is wrong, request, code, words the message must contain)
fn bad_inputs() -> Vec<(&'static str, AskRequest, Code, Vec<&'static str>)> {
    let png_ok = png(20, 20);
    let mp4 = {
        let mut v = b"\0\0\0\x18ftypmp42".to_vec();
        v.resize(150_000, 0);
        v
    };
    let mut truncated = png(50, 50);
    truncated.truncate(30);
    let big_noise: Vec<u8> = (0..70_000u32)
        .map(|i| (i.wrapping_mul(2654435761) >> 13) as u8)
        .collect();
    let mut png_cut_at_end = png(50, 50);
    png_cut_at_end.truncate(png_cut_at_end.len() - 20);
    let mut jpeg_cut = jpeg(60, 60);
    jpeg_cut.truncate(jpeg_cut.len() - 40);
    let mut oversized_png = png(10, 10);
    oversized_png.extend(big_noise);
    vec![
        (
            "request over max_request_bytes",
            AskRequest {
                text: "x".into(),
                media: vec![],
                session_id: String::new(),
                profile: [("k".to_string(), "v".repeat(250_000))].into(),
                ..Default::default()
            },
            Code::InvalidArgument,
            vec!["request", "200000"],
        ),
        (
            "request over the transport ceiling (twice max_request_bytes, at least 4 MiB)",
            AskRequest {
                text: "x".repeat(4_500_000),
                ..Default::default()
            },
            Code::OutOfRange,
            vec!["4194304"],
        ),
        (
            "no text and no media",
            ask("  "),
            Code::InvalidArgument,
            vec!["text", "empty"],
        ),
        (
            "text too long",
            ask(&"字".repeat(101)),
            Code::InvalidArgument,
            vec!["text", "101", "100"],
        ),
        (
            "too many media",
            with_media(vec![
                file(png_ok.clone(), ""),
                file(png_ok.clone(), ""),
                file(png_ok.clone(), ""),
            ]),
            Code::InvalidArgument,
            vec!["media", "3", "2"],
        ),
        (
            "media with neither data nor frames",
            with_media(vec![Media::default()]),
            Code::InvalidArgument,
            vec!["media[0]", "empty"],
        ),
        (
            "media with data and frames",
            with_media(vec![Media {
                data: png_ok.clone(),
                frames: vec![png_ok.clone()],
                fps: 1.0,
                ..Default::default()
            }]),
            Code::InvalidArgument,
            vec!["media[0]", "either"],
        ),
        (
            "unsupported mime type",
            with_media(vec![file(png_ok.clone(), "application/pdf")]),
            Code::InvalidArgument,
            vec!["media[0].mime_type", "application/pdf"],
        ),
        (
            "a 20,000-character mime type (echoed clipped, not whole)",
            with_media(vec![file(png_ok.clone(), &"a".repeat(20_000))]),
            Code::InvalidArgument,
            vec!["media[0].mime_type", "20000 characters", "image/png"],
        ),
        (
            "mime type disagrees with bytes",
            with_media(vec![file(png_ok.clone(), "image/jpeg")]),
            Code::InvalidArgument,
            vec!["media[0].mime_type", "image/png"],
        ),
        (
            "bytes that are no image, video or PDF",
            with_media(vec![file(b"PK\x03\x04 a zip archive".to_vec(), "")]),
            Code::InvalidArgument,
            vec!["media[0].data", "not a recognised"],
        ),
        (
            "a damaged PDF",
            with_media(vec![file(b"%PDF-1.7 hello".to_vec(), "")]),
            Code::InvalidArgument,
            vec!["media[0].data", "the PDF is damaged"],
        ),
        (
            "truncated image",
            with_media(vec![file(truncated, "image/png")]),
            Code::InvalidArgument,
            vec!["media[0].data", "corrupt"],
        ),
        (
            "a PNG whose body is cut short (the header reads fine)",
            with_media(vec![file(png_cut_at_end, "image/png")]),
            Code::InvalidArgument,
            vec!["media[0].data", "truncated"],
        ),
        (
            "a JPEG whose scan is cut short (the decoder alone would fill it with grey)",
            with_media(vec![file(jpeg_cut, "image/jpeg")]),
            Code::InvalidArgument,
            vec!["media[0].data", "truncated"],
        ),
        (
            "an image thinner than 1:200",
            with_media(vec![file(png(1, 201), "image/png")]),
            Code::InvalidArgument,
            vec!["media[0].data", "1x201", "200:1"],
        ),
        (
            "images over max_request_pixels together",
            with_media(vec![
                file(png(100, 100), "image/png"),
                file(png(100, 100), "image/png"),
            ]),
            Code::InvalidArgument,
            vec!["media[1].data", "15000", "max_request_pixels"],
        ),
        (
            "a frame whose body is corrupt",
            with_media(vec![frames(
                vec![png_ok.clone(), png(20, 20)[..200].to_vec()],
                2.0,
            )]),
            Code::InvalidArgument,
            vec!["media[0].frames[1]", "corrupt"],
        ),
        (
            "image over max_image_bytes",
            with_media(vec![file(oversized_png, "image/png")]),
            Code::InvalidArgument,
            vec!["media[0].data", "60000"],
        ),
        (
            "image over max_image_pixels",
            with_media(vec![file(png(200, 100), "image/png")]),
            Code::InvalidArgument,
            vec!["media[0].data", "200x100", "10000"],
        ),
        (
            "video file over max_video_bytes",
            with_media(vec![file(mp4, "video/mp4")]),
            Code::InvalidArgument,
            vec!["media[0].data", "100000"],
        ),
        (
            "too many frames",
            with_media(vec![frames(vec![png_ok.clone(); 4], 2.0)]),
            Code::InvalidArgument,
            vec!["media[0].frames", "4", "3"],
        ),
        (
            "frames without fps",
            with_media(vec![frames(vec![png_ok.clone()], 0.0)]),
            Code::InvalidArgument,
            vec!["media[0].fps"],
        ),
        (
            "fps above max_fps",
            with_media(vec![frames(vec![png_ok.clone()], 500.0)]),
            Code::InvalidArgument,
            vec!["media[0].fps", "60"],
        ),
        (
            "a frame that is no image",
            with_media(vec![frames(vec![png_ok.clone(), b"junk".to_vec()], 2.0)]),
            Code::InvalidArgument,
            vec!["media[0].frames[1]"],
        ),
        (
            "unknown expert",
            AskRequest {
                text: "hi".into(),
                expert: "astrologer".into(),
                ..Default::default()
            },
            Code::InvalidArgument,
            vec!["expert", "astrologer", "general"],
        ),
        (
            "a 20,000-character expert",
            AskRequest {
                text: "hi".into(),
                expert: "x".repeat(20_000),
                ..Default::default()
            },
            Code::InvalidArgument,
            vec!["expert", "20000 characters", "16"],
        ),
        (
            "session id with bad characters",
            AskRequest {
                text: "hi".into(),
                session_id: "a/b".into(),
                ..Default::default()
            },
            Code::InvalidArgument,
            vec!["session_id", "16"],
        ),
        (
            "request id too long",
            AskRequest {
                text: "hi".into(),
                request_id: "r".repeat(17),
                ..Default::default()
            },
            Code::InvalidArgument,
            vec!["request_id", "16"],
        ),
        (
            "too many profile fields",
            AskRequest {
                text: "hi".into(),
                profile: [("a", "1"), ("b", "2"), ("c", "3")]
                    .map(|(k, v)| (k.to_string(), v.to_string()))
                    .into(),
                ..Default::default()
            },
            Code::InvalidArgument,
            vec!["profile", "3", "2"],
        ),
        (
            "profile value too long",
            AskRequest {
                text: "hi".into(),
                profile: [("name".to_string(), "x".repeat(11))].into(),
                ..Default::default()
            },
            Code::InvalidArgument,
            vec!["profile[\"name\"]", "10"],
        ),
        (
            "max_new_tokens 0",
            opts(GenerationOptions {
                max_new_tokens: Some(0),
                ..Default::default()
            }),
            Code::InvalidArgument,
            vec!["options.max_new_tokens", "100"],
        ),
        (
            "max_new_tokens over limit",
            opts(GenerationOptions {
                max_new_tokens: Some(101),
                ..Default::default()
            }),
            Code::InvalidArgument,
            vec!["options.max_new_tokens", "101"],
        ),
        (
            "temperature out of range",
            opts(GenerationOptions {
                temperature: Some(2.5),
                ..Default::default()
            }),
            Code::InvalidArgument,
            vec!["options.temperature", "2"],
        ),
        (
            "temperature NaN",
            opts(GenerationOptions {
                temperature: Some(f32::NAN),
                ..Default::default()
            }),
            Code::InvalidArgument,
            vec!["options.temperature"],
        ),
        (
            "top_p out of range",
            opts(GenerationOptions {
                top_p: Some(0.0),
                ..Default::default()
            }),
            Code::InvalidArgument,
            vec!["options.top_p"],
        ),
        (
            "top_k zero",
            opts(GenerationOptions {
                top_k: Some(0),
                ..Default::default()
            }),
            Code::InvalidArgument,
            vec!["options.top_k"],
        ),
        (
            "too many stop sequences",
            opts(GenerationOptions {
                stop: vec!["a".into(), "b".into(), "c".into()],
                ..Default::default()
            }),
            Code::InvalidArgument,
            vec!["options.stop", "2"],
        ),
        (
            "empty stop sequence",
            opts(GenerationOptions {
                stop: vec![String::new()],
                ..Default::default()
            }),
            Code::InvalidArgument,
            vec!["options.stop"],
        ),
    ]
}

#[tokio::test]
async fn every_bad_input_gets_its_code_and_names_the_problem() {
    let _machine = machine::shared().await;
    let fake = FakeOpenAi::start(Script::default()).await;
    let dir = tempfile::tempdir().unwrap();
    let mut config = test_config(dir.path(), Some(fake.url()));
    small_limits(&mut config);
    let running = start(config).await;
    let mut c = client(&running).await;
    for (what, req, code, words) in bad_inputs() {
        for rpc in ["Ask", "AskStream", "Classify"] {
            let status = match rpc {
                "Ask" => c.ask(req.clone()).await.map(|_| ()).unwrap_err(),
                "AskStream" => c.ask_stream(req.clone()).await.map(|_| ()).unwrap_err(),
                _ => c.classify(req.clone()).await.map(|_| ()).unwrap_err(),
            };
            assert_eq!(status.code(), code, "{what} via {rpc}: {status:?}");
            // Client input is never echoed whole.
            assert!(
                status.message().chars().count() <= 400,
                "{what} via {rpc}: a {}-character message",
                status.message().chars().count()
            );
            for w in &words {
                assert!(
                    status.message().contains(w),
                    "{what} via {rpc}: {:?} lacks {w:?}",
                    status.message()
                );
            }
        }
    }
    // None of them reached the model, and the server is still fine.
    assert!(fake.requests().is_empty());
    assert_eq!(
        c.ask(ask("hi")).await.unwrap().into_inner().text,
        "The answer is 42."
    );

    let e = c
        .get_session(GetSessionRequest {
            session_id: String::new(),
        })
        .await
        .unwrap_err();
    assert_eq!(e.code(), Code::InvalidArgument);
    assert!(e.message().contains("session_id"));
    let e = c
        .get_session(GetSessionRequest {
            session_id: "nope".into(),
        })
        .await
        .unwrap_err();
    assert_eq!(e.code(), Code::NotFound);
    running.shutdown().await.unwrap();
}

#[tokio::test]
async fn no_model_configured_is_a_failed_precondition() {
    let _machine = machine::shared().await;
    let dir = tempfile::tempdir().unwrap();
    let running = start(test_config(dir.path(), None)).await;
    let mut c = client(&running).await;
    for rpc in ["Ask", "AskStream"] {
        let e = match rpc {
            "Ask" => c.ask(ask("Solve x + 1 = 2")).await.map(|_| ()).unwrap_err(),
            _ => c
                .ask_stream(ask("Solve x + 1 = 2"))
                .await
                .map(|_| ())
                .unwrap_err(),
        };
        assert_eq!(e.code(), Code::FailedPrecondition, "{rpc}");
        assert!(
            e.message().contains("math") && e.message().contains("SWITCHBOARD_OPENAI__URL"),
            "{}",
            e.message()
        );
    }
    // Routing works without a model.
    assert_eq!(
        c.classify(ask("Solve x + 1 = 2"))
            .await
            .unwrap()
            .into_inner()
            .expert,
        "math"
    );
    running.shutdown().await.unwrap();
}

#[tokio::test]
async fn overload_is_resource_exhausted() {
    let _machine = machine::shared().await;
    let fake = FakeOpenAi::start(Script {
        delay: Duration::from_millis(150),
        ..Script::default()
    })
    .await;
    let dir = tempfile::tempdir().unwrap();
    let mut config = test_config(dir.path(), Some(fake.url()));
    config.server.max_concurrent_requests = 1;
    let running = start(config).await;
    let mut c1 = client(&running).await;
    let mut c2 = client(&running).await;
    let first = tokio::spawn(async move { c1.ask(ask("hi")).await });
    assert!(
        fake.wait_for(Duration::from_secs(5), |s| s.started.load(Ordering::SeqCst)
            == 1)
            .await
    );
    let e = c2.ask(ask("hi")).await.unwrap_err();
    assert_eq!(e.code(), Code::ResourceExhausted);
    assert!(e.message().contains("max_concurrent_requests"));
    assert!(first.await.unwrap().is_ok());
    // The slot is free again.
    assert!(c2.ask(ask("hi")).await.is_ok());

    // A backend that says it is overloaded maps to the same code.
    fake.set_script(Script {
        fail_with: Some(429),
        ..Script::default()
    });
    let e = c2.ask(ask("hi")).await.unwrap_err();
    assert_eq!(e.code(), Code::ResourceExhausted, "{e:?}");
    running.shutdown().await.unwrap();
}

#[tokio::test]
async fn deadlines_are_deadline_exceeded_and_stop_the_backend() {
    let _machine = machine::shared().await;
    let fake = FakeOpenAi::start(Script {
        delay: Duration::from_millis(300),
        ..Script::default()
    })
    .await;
    let dir = tempfile::tempdir().unwrap();
    let running = start(test_config(dir.path(), Some(fake.url()))).await;
    let mut c = client(&running).await;

    // The client's deadline.
    let mut req = tonic::Request::new(ask("hi"));
    req.set_timeout(Duration::from_millis(200));
    let e = c.ask(req).await.unwrap_err();
    assert_eq!(e.code(), Code::DeadlineExceeded, "{e:?}");
    assert!(
        fake.wait_for(Duration::from_secs(3), |s| s
            .abandoned
            .load(Ordering::SeqCst)
            == 1)
            .await
    );

    // The same for a stream: an error event, then the status.
    let mut req = tonic::Request::new(ask("hi"));
    req.set_timeout(Duration::from_millis(200));
    let mut s = c.ask_stream(req).await.unwrap().into_inner();
    let mut saw_error_event = false;
    let mut end = None;
    while let Some(ev) = s.next().await {
        match ev {
            Ok(ev) => {
                if let Some(ask_event::Event::Error(e)) = ev.event {
                    assert_eq!(e.code, Code::DeadlineExceeded as i32);
                    saw_error_event = true;
                }
            }
            Err(status) => {
                end = Some(status.code());
                break;
            }
        }
    }
    assert!(saw_error_event);
    assert_eq!(end, Some(Code::DeadlineExceeded));
    running.shutdown().await.unwrap();

    // The server's own limit.
    let dir = tempfile::tempdir().unwrap();
    let mut config = test_config(dir.path(), Some(fake.url()));
    config.server.request_timeout_secs = 0.2;
    let running = start(config).await;
    let mut c = client(&running).await;
    let e = c.ask(ask("hi")).await.unwrap_err();
    assert_eq!(e.code(), Code::DeadlineExceeded, "{e:?}");
    assert!(e.message().contains("0.200"), "{}", e.message());
    running.shutdown().await.unwrap();
}

#[tokio::test]
async fn a_client_that_goes_away_stops_the_backend() {
    let _machine = machine::shared().await;
    let fake = FakeOpenAi::start(Script {
        chunks: (0..50).map(|i| format!("tok{i} ")).collect(),
        delay: Duration::from_millis(50),
        ..Script::default()
    })
    .await;
    let dir = tempfile::tempdir().unwrap();
    let running = start(test_config(dir.path(), Some(fake.url()))).await;

    // Streaming: read one delta, then hang up.
    let mut c = client(&running).await;
    let mut s = c.ask_stream(ask("count")).await.unwrap().into_inner();
    loop {
        let ev = s.next().await.unwrap().unwrap();
        if matches!(ev.event, Some(ask_event::Event::TextDelta(_))) {
            break;
        }
    }
    drop(s);
    drop(c);
    assert!(
        fake.wait_for(Duration::from_secs(3), |s| s
            .abandoned
            .load(Ordering::SeqCst)
            == 1)
            .await
    );

    // Unary: cancel the call mid-answer.
    let mut c = client(&running).await;
    let call = tokio::spawn(async move { c.ask(ask("count")).await });
    assert!(
        fake.wait_for(Duration::from_secs(3), |s| s.started.load(Ordering::SeqCst)
            == 2)
            .await
    );
    tokio::time::sleep(Duration::from_millis(100)).await;
    call.abort();
    assert!(
        fake.wait_for(Duration::from_secs(3), |s| s
            .abandoned
            .load(Ordering::SeqCst)
            == 2)
            .await
    );
    assert_eq!(fake.shared.completed.load(Ordering::SeqCst), 0);
    running.shutdown().await.unwrap();
}

#[tokio::test]
async fn backend_failures_map_to_codes_without_internals() {
    let _machine = machine::shared().await;
    let fake = FakeOpenAi::start(Script {
        fail_with: Some(500),
        ..Script::default()
    })
    .await;
    let dir = tempfile::tempdir().unwrap();
    let running = start(test_config(dir.path(), Some(fake.url()))).await;
    let mut c = client(&running).await;
    let e = c.ask(ask("hi")).await.unwrap_err();
    assert_eq!(e.code(), Code::Internal);
    assert!(!e.message().contains("scripted"), "{}", e.message());
    fake.set_script(Script {
        fail_with: Some(400),
        ..Script::default()
    });
    let e = c.ask(ask("hi")).await.unwrap_err();
    assert_eq!(e.code(), Code::InvalidArgument);
    assert!(e.message().contains("rejected"), "{}", e.message());
    running.shutdown().await.unwrap();

    // Nothing listens on the backend's port: UNAVAILABLE.
    let port = {
        let l = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        l.local_addr().unwrap().port()
    };
    let dir = tempfile::tempdir().unwrap();
    let mut config = test_config(dir.path(), Some(format!("http://127.0.0.1:{port}/v1")));
    config.openai.model = Some("m".into());
    config.openai.retries = 1;
    let running = start(config).await;
    let mut c = client(&running).await;
    let e = c.ask(ask("hi")).await.unwrap_err();
    assert_eq!(e.code(), Code::Unavailable, "{e:?}");
    running.shutdown().await.unwrap();
}

#[tokio::test]
async fn api_keys_authenticate_and_separate_tenants() {
    let _machine = machine::shared().await;
    let fake = FakeOpenAi::start(Script::default()).await;
    let dir = tempfile::tempdir().unwrap();
    let mut config = test_config(dir.path(), Some(fake.url()));
    config.server.api_keys = vec!["acme:key-a".into(), "beta:key-b".into()];
    let running = start(config).await;
    let mut c = client(&running).await;
    let e = c.ask(ask("hi")).await.unwrap_err();
    assert_eq!(e.code(), Code::Unauthenticated);
    let mut req = tonic::Request::new(ask("hi"));
    req.metadata_mut()
        .insert("authorization", "Bearer wrong".parse().unwrap());
    assert_eq!(c.ask(req).await.unwrap_err().code(), Code::Unauthenticated);

    let mut req = tonic::Request::new(ask("hi"));
    req.metadata_mut()
        .insert("authorization", "Bearer key-a".parse().unwrap());
    let sid = c.ask(req).await.unwrap().into_inner().session_id;
    // The scheme is case-insensitive (RFC 7235), and extra spaces are tolerated.
    let mut req = tonic::Request::new(GetSessionRequest {
        session_id: sid.clone(),
    });
    req.metadata_mut()
        .insert("authorization", "BEARER   key-a ".parse().unwrap());
    assert_eq!(
        c.get_session(req).await.unwrap().into_inner().turns.len(),
        1
    );
    let mut get = tonic::Request::new(GetSessionRequest {
        session_id: sid.clone(),
    });
    get.metadata_mut()
        .insert("x-api-key", "key-a".parse().unwrap());
    assert_eq!(
        c.get_session(get).await.unwrap().into_inner().turns.len(),
        1
    );
    // Another tenant cannot see it.
    let mut get = tonic::Request::new(GetSessionRequest { session_id: sid });
    get.metadata_mut()
        .insert("x-api-key", "key-b".parse().unwrap());
    assert_eq!(c.get_session(get).await.unwrap_err().code(), Code::NotFound);
    // Health stays open.
    let mut health = tonic_health::pb::health_client::HealthClient::new(channel(&running).await);
    assert!(
        health
            .check(tonic_health::pb::HealthCheckRequest {
                service: String::new()
            })
            .await
            .is_ok()
    );
    running.shutdown().await.unwrap();
}

#[tokio::test]
async fn a_new_connection_is_refused_when_every_connection_has_a_call_in_flight() {
    let _machine = machine::shared().await;
    let fake = FakeOpenAi::start(Script {
        delay: Duration::from_millis(300),
        ..Script::default()
    })
    .await;
    let dir = tempfile::tempdir().unwrap();
    let mut config = test_config(dir.path(), Some(fake.url()));
    config.server.max_connections = 1;
    let running = start(config).await;
    let mut first = client(&running).await;
    let call = tokio::spawn(async move { first.ask(ask("hi")).await });
    assert!(
        fake.wait_for(Duration::from_secs(5), |s| s.started.load(Ordering::SeqCst)
            == 1)
            .await
    );
    let lazy = tonic::transport::Channel::from_shared(format!("http://{}", running.addr))
        .unwrap()
        .connect_lazy();
    let mut second = switchboard::proto::switchboard_client::SwitchboardClient::new(lazy);
    // The server closes the connection unanswered; which code that is, is the client's call:
    // tonic says CANCELLED ("connection closed"), grpc-core UNAVAILABLE.
    let e = second.ask(ask("hi")).await.unwrap_err();
    assert!(
        matches!(e.code(), Code::Unavailable | Code::Cancelled),
        "{e:?}"
    );
    let r = call.await.unwrap().unwrap().into_inner();
    assert_eq!(r.text, "The answer is 42.");
    // The first connection has nothing in flight now: it gives way to the next one.
    let r = second.ask(ask("hi")).await.unwrap().into_inner();
    assert_eq!(r.text, "The answer is 42.");
    running.shutdown().await.unwrap();
}

//! The spine over real gRPC on loopback: the real server, sled in a temp dir, and the
//! OpenAI-compatible test double as the model backend.

use std::time::Duration;

use crate::common::fake_openai::{FakeOpenAi, Script};
use crate::common::*;
use futures::StreamExt;
use switchboard::proto::{
    AskRequest, DeleteSessionRequest, GetSessionRequest, ListExpertsRequest, Media, ask_event,
};
use tonic::Code;

fn png_media(w: u32, h: u32) -> Media {
    Media {
        data: png(w, h),
        mime_type: "image/png".into(),
        ..Default::default()
    }
}

#[tokio::test]
async fn health_and_reflection() {
    let _machine = machine::shared().await;
    let dir = tempfile::tempdir().unwrap();
    let running = start(test_config(dir.path(), None)).await;
    let ch = channel(&running).await;

    let mut health = tonic_health::pb::health_client::HealthClient::new(ch.clone());
    for service in ["", "switchboard.v1.Switchboard"] {
        let r = health
            .check(tonic_health::pb::HealthCheckRequest {
                service: service.into(),
            })
            .await
            .unwrap()
            .into_inner();
        assert_eq!(
            r.status,
            tonic_health::pb::health_check_response::ServingStatus::Serving as i32
        );
    }

    use tonic_reflection::pb::v1::{
        ServerReflectionRequest, server_reflection_client::ServerReflectionClient,
        server_reflection_request::MessageRequest, server_reflection_response::MessageResponse,
    };
    let mut refl = ServerReflectionClient::new(ch);
    let req = ServerReflectionRequest {
        host: String::new(),
        message_request: Some(MessageRequest::ListServices(String::new())),
    };
    let mut stream = refl
        .server_reflection_info(futures::stream::iter(vec![req]))
        .await
        .unwrap()
        .into_inner();
    let resp = stream.next().await.unwrap().unwrap();
    let Some(MessageResponse::ListServicesResponse(list)) = resp.message_response else {
        panic!("{resp:?}")
    };
    let names: Vec<String> = list.service.into_iter().map(|s| s.name).collect();
    assert!(
        names.contains(&"switchboard.v1.Switchboard".to_string()),
        "{names:?}"
    );
    assert!(
        names.contains(&"grpc.health.v1.Health".to_string()),
        "{names:?}"
    );
    running.shutdown().await.unwrap();
}

#[tokio::test]
async fn classify_ranks_routes_in_both_languages() {
    let _machine = machine::shared().await;
    let dir = tempfile::tempdir().unwrap();
    let running = start(test_config(dir.path(), None)).await;
    let mut c = client(&running).await;
    let cases = [
        ("帮我识别这张图片里的文字", true, "ocr"),
        ("Extract the text from this receipt", true, "ocr"),
        ("Solve 3x + 5 = 20 step by step", false, "math"),
        ("解方程 x^2 = 4", false, "math"),
        ("Where do I click to log in?", true, "gui"),
        ("把这个设计稿转成 HTML 和 CSS", true, "frontend"),
        ("用我的信息填写这张银行表格", true, "form_fill"),
        ("Fill this bank form with my details", true, "form_fill"),
        ("What is the weather like on Mars?", false, "general"),
        ("Make this whiteboard a drawio file", true, "diagram"),
        ("把白板照片里的流程图转成 draw.io", true, "diagram"),
        ("Find products like this", true, "search"),
        ("帮我找类似的商品", true, "search"),
    ];
    for (text, with_image, want) in cases {
        let media = if with_image {
            vec![png_media(8, 8)]
        } else {
            vec![]
        };
        let r = c
            .classify(AskRequest {
                text: text.into(),
                media,
                ..Default::default()
            })
            .await
            .unwrap()
            .into_inner();
        assert_eq!(r.expert, want, "{text}: {r:?}");
        assert_eq!(r.routes.len(), 9);
        assert_eq!(r.routes[0].expert, want);
        assert!(
            r.routes.windows(2).all(|w| w[0].score >= w[1].score),
            "{r:?}"
        );
        assert!(!r.stage.is_empty());
    }
    // A video with no words goes to the video expert on media evidence alone.
    let frames = vec![png(16, 16), png(16, 16)];
    let r = c
        .classify(AskRequest {
            media: vec![Media {
                frames,
                fps: 2.0,
                ..Default::default()
            }],
            ..Default::default()
        })
        .await
        .unwrap()
        .into_inner();
    assert_eq!(r.expert, "video");
    // An explicit expert skips routing.
    let r = c
        .classify(AskRequest {
            text: "Solve x".into(),
            expert: "gui".into(),
            ..Default::default()
        })
        .await
        .unwrap()
        .into_inner();
    assert_eq!((r.expert.as_str(), r.stage.as_str()), ("gui", "explicit"));
    running.shutdown().await.unwrap();
}

#[tokio::test]
async fn ask_with_png_returns_answer_and_session() {
    let _machine = machine::shared().await;
    let fake = FakeOpenAi::start(Script::default()).await;
    let dir = tempfile::tempdir().unwrap();
    let running = start(test_config(dir.path(), Some(fake.url()))).await;
    let mut c = client(&running).await;
    let image = png(64, 48);
    let r = c
        .ask(AskRequest {
            text: "What is in this picture?".into(),
            media: vec![Media {
                data: image.clone(),
                mime_type: "image/png".into(),
                ..Default::default()
            }],
            ..Default::default()
        })
        .await
        .unwrap()
        .into_inner();
    assert_eq!(r.text, "The answer is 42.");
    assert_eq!(r.expert, "general");
    assert!(!r.session_id.is_empty());
    assert_eq!(r.turn_index, 0);
    let usage = r.usage.unwrap();
    assert_eq!((usage.prompt_tokens, usage.completion_tokens), (11, 4));
    match r.result.and_then(|x| x.kind) {
        Some(switchboard::proto::expert_result::Kind::General(g)) => {
            assert_eq!(g.answer, "The answer is 42.")
        }
        other => panic!("{other:?}"),
    }

    let reqs = fake.requests();
    assert_eq!(reqs.len(), 1);
    let body = &reqs[0];
    assert_eq!(body["model"], "fake-qwen3-vl");
    assert_eq!(body["stream"], true);
    let last = body["messages"].as_array().unwrap().last().unwrap();
    assert_eq!(last["role"], "user");
    let url = last["content"][0]["image_url"]["url"].as_str().unwrap();
    use base64::Engine;
    let b64 = url.strip_prefix("data:image/png;base64,").unwrap();
    assert_eq!(
        base64::engine::general_purpose::STANDARD
            .decode(b64)
            .unwrap(),
        image
    );
    assert_eq!(last["content"][1]["text"], "What is in this picture?");
    running.shutdown().await.unwrap();
}

#[tokio::test]
async fn ask_stream_sends_deltas_before_final() {
    let _machine = machine::shared().await;
    let fake = FakeOpenAi::start(Script {
        delay: Duration::from_millis(20),
        ..Script::default()
    })
    .await;
    let dir = tempfile::tempdir().unwrap();
    let running = start(test_config(dir.path(), Some(fake.url()))).await;
    let mut c = client(&running).await;
    let mut stream = c
        .ask_stream(AskRequest {
            text: "Solve 2+2".into(),
            ..Default::default()
        })
        .await
        .unwrap()
        .into_inner();
    let mut kinds = Vec::new();
    let mut deltas = String::new();
    let mut final_text = None;
    while let Some(ev) = stream.next().await {
        match ev.unwrap().event.unwrap() {
            ask_event::Event::Routed(r) => {
                assert_eq!(r.routing.unwrap().expert, "math");
                kinds.push("routed")
            }
            ask_event::Event::StepStarted(_) => kinds.push("step_started"),
            ask_event::Event::TextDelta(d) => {
                deltas.push_str(&d.text);
                kinds.push("delta")
            }
            ask_event::Event::StepFinished(_) => kinds.push("step_finished"),
            ask_event::Event::Final(f) => {
                final_text = Some(f.text);
                kinds.push("final")
            }
            ask_event::Event::Error(e) => panic!("{e:?}"),
        }
    }
    assert_eq!(kinds.first(), Some(&"routed"));
    assert_eq!(kinds.last(), Some(&"final"));
    assert_eq!(
        kinds.iter().filter(|k| **k == "delta").count(),
        4,
        "{kinds:?}"
    );
    let first_delta = kinds.iter().position(|k| *k == "delta").unwrap();
    assert!(first_delta < kinds.len() - 1);
    assert_eq!(final_text.unwrap(), deltas);
    running.shutdown().await.unwrap();
}

#[tokio::test]
async fn session_survives_restart_and_feeds_history() {
    let _machine = machine::shared().await;
    let fake = FakeOpenAi::start(Script {
        echo: true,
        ..Script::default()
    })
    .await;
    let dir = tempfile::tempdir().unwrap();
    let running = start(test_config(dir.path(), Some(fake.url()))).await;
    let mut c = client(&running).await;
    let image = png(32, 20);
    let first = c
        .ask(AskRequest {
            text: "What is in this picture?".into(),
            media: vec![Media {
                data: image.clone(),
                ..Default::default()
            }],
            ..Default::default()
        })
        .await
        .unwrap()
        .into_inner();
    let sid = first.session_id.clone();
    let second = c
        .ask(AskRequest {
            session_id: sid.clone(),
            text: "And what colour is it?".into(),
            ..Default::default()
        })
        .await
        .unwrap()
        .into_inner();
    assert_eq!(second.session_id, sid);
    assert_eq!(second.turn_index, 1);
    // The second request carried the first turn as history.
    let body = &fake.requests()[1];
    let msgs = body["messages"].as_array().unwrap();
    let roles: Vec<&str> = msgs.iter().map(|m| m["role"].as_str().unwrap()).collect();
    assert_eq!(roles, ["system", "user", "assistant", "user"]);
    assert!(
        msgs[1]["content"]
            .as_str()
            .unwrap()
            .contains("What is in this picture?")
    );
    assert_eq!(msgs[2]["content"], first.text);
    running.shutdown().await.unwrap();

    let running = start(test_config(dir.path(), Some(fake.url()))).await;
    let mut c = client(&running).await;
    let s = c
        .get_session(GetSessionRequest {
            session_id: sid.clone(),
        })
        .await
        .unwrap()
        .into_inner();
    assert_eq!(s.turns.len(), 2);
    assert_eq!(s.turns[0].text, "What is in this picture?");
    assert_eq!(s.turns[0].answer, first.text);
    assert_eq!(s.turns[1].answer, second.text);
    let m = &s.turns[0].media[0];
    assert_eq!((m.kind.as_str(), m.width, m.height), ("image", 32, 20));
    assert_eq!(m.sha256, switchboard::media::sha256_hex([image.as_slice()]));
    assert!(s.turns[1].media.is_empty());

    assert!(
        c.delete_session(DeleteSessionRequest {
            session_id: sid.clone()
        })
        .await
        .unwrap()
        .into_inner()
        .deleted
    );
    let e = c
        .get_session(GetSessionRequest { session_id: sid })
        .await
        .unwrap_err();
    assert_eq!(e.code(), Code::NotFound);
    running.shutdown().await.unwrap();
}

#[tokio::test]
async fn list_experts_has_every_route() {
    let _machine = machine::shared().await;
    let dir = tempfile::tempdir().unwrap();
    let running = start(test_config(dir.path(), None)).await;
    let mut c = client(&running).await;
    let r = c
        .list_experts(ListExpertsRequest {})
        .await
        .unwrap()
        .into_inner();
    let mut ids: Vec<String> = r.experts.iter().map(|e| e.id.clone()).collect();
    ids.sort();
    assert_eq!(
        ids,
        [
            "diagram",
            "form_fill",
            "frontend",
            "general",
            "gui",
            "math",
            "ocr",
            "search",
            "video"
        ]
    );
    // Without a model, the experts built on the in-process OCR tool still answer images.
    for e in &r.experts {
        let tool_only = e.id == "ocr" || e.id == "form_fill" || e.id == "diagram";
        assert_eq!(e.needs_model, !tool_only, "{}", e.id);
        assert_eq!(e.available, tool_only, "{}", e.id);
    }
    running.shutdown().await.unwrap();
}

#[tokio::test]
async fn repeated_request_id_is_answered_once() {
    let _machine = machine::shared().await;
    let fake = FakeOpenAi::start(Script::default()).await;
    let dir = tempfile::tempdir().unwrap();
    let running = start(test_config(dir.path(), Some(fake.url()))).await;
    let mut c = client(&running).await;
    let req = AskRequest {
        text: "hello".into(),
        request_id: "req-1".into(),
        ..Default::default()
    };
    let a = c.ask(req.clone()).await.unwrap().into_inner();
    let b = c.ask(req.clone()).await.unwrap().into_inner();
    assert!(!a.replayed && b.replayed);
    assert_eq!(
        (a.text.as_str(), a.session_id.as_str()),
        (b.text.as_str(), b.session_id.as_str())
    );
    assert_eq!(fake.requests().len(), 1);
    // A stream replays it too.
    let mut s = c.ask_stream(req).await.unwrap().into_inner();
    let mut got_final = false;
    while let Some(ev) = s.next().await {
        if let Some(ask_event::Event::Final(f)) = ev.unwrap().event {
            assert!(f.replayed);
            got_final = true;
        }
    }
    assert!(got_final);
    assert_eq!(fake.requests().len(), 1);
    let sess = c
        .get_session(GetSessionRequest {
            session_id: a.session_id,
        })
        .await
        .unwrap()
        .into_inner();
    assert_eq!(sess.turns.len(), 1);
    running.shutdown().await.unwrap();
}

#[tokio::test]
async fn concurrent_duplicates_of_a_request_id_run_once() {
    let _machine = machine::shared().await;
    // Slow answers (4 chunks, 300 ms apart), so that all five are in flight before the first
    // is done.
    let fake = FakeOpenAi::start(Script {
        delay: Duration::from_millis(300),
        ..Script::default()
    })
    .await;
    let dir = tempfile::tempdir().unwrap();
    let running = start(test_config(dir.path(), Some(fake.url()))).await;
    let c = client(&running).await;
    let req = AskRequest {
        text: "hello".into(),
        request_id: "dup-1".into(),
        ..Default::default()
    };
    let calls: Vec<_> = (0..5)
        .map(|_| {
            let (mut c, req) = (c.clone(), req.clone());
            tokio::spawn(async move { c.ask(req).await })
        })
        .collect();
    let mut answers = Vec::new();
    for call in calls {
        answers.push(call.await.unwrap().unwrap().into_inner());
    }
    assert_eq!(fake.requests().len(), 1);
    assert_eq!(answers.iter().filter(|a| a.replayed).count(), 4);
    for a in &answers {
        assert_eq!(a.text, "The answer is 42.");
        assert_eq!(
            (a.session_id.as_str(), a.turn_index, a.request_id.as_str()),
            (answers[0].session_id.as_str(), 0, "dup-1")
        );
    }
    let mut c = c;
    let sess = c
        .get_session(GetSessionRequest {
            session_id: answers[0].session_id.clone(),
        })
        .await
        .unwrap()
        .into_inner();
    assert_eq!(sess.turns.len(), 1);
    running.shutdown().await.unwrap();
}

#[tokio::test]
async fn a_duplicate_runs_itself_when_the_first_is_cancelled() {
    let _machine = machine::shared().await;
    let fake = FakeOpenAi::start(Script {
        delay: Duration::from_millis(300),
        ..Script::default()
    })
    .await;
    let dir = tempfile::tempdir().unwrap();
    let running = start(test_config(dir.path(), Some(fake.url()))).await;
    let c = client(&running).await;
    let req = AskRequest {
        text: "hello".into(),
        request_id: "dup-2".into(),
        ..Default::default()
    };
    let (mut c1, r1) = (c.clone(), req.clone());
    let first = tokio::spawn(async move { c1.ask(r1).await });
    assert!(
        fake.wait_for(Duration::from_secs(10), |s| s
            .started
            .load(std::sync::atomic::Ordering::SeqCst)
            == 1)
            .await
    );
    let (mut c2, r2) = (c.clone(), req.clone());
    let second = tokio::spawn(async move { c2.ask(r2).await });
    // The first client goes away: nothing is stored, so the second runs the request itself.
    first.abort();
    let b = second.await.unwrap().unwrap().into_inner();
    assert!(!b.replayed);
    assert_eq!(b.text, "The answer is 42.");
    assert_eq!(fake.requests().len(), 2);
    let mut c = c;
    let sess = c
        .get_session(GetSessionRequest {
            session_id: b.session_id.clone(),
        })
        .await
        .unwrap()
        .into_inner();
    assert_eq!(sess.turns.len(), 1);
    // And a third is answered from the store.
    let again = c.ask(req).await.unwrap().into_inner();
    assert!(again.replayed);
    assert_eq!(fake.requests().len(), 2);
    running.shutdown().await.unwrap();
}

#[tokio::test]
async fn graceful_shutdown_lets_in_flight_requests_finish() {
    let _machine = machine::shared().await;
    let fake = FakeOpenAi::start(Script {
        delay: Duration::from_millis(100),
        ..Script::default()
    })
    .await;
    let dir = tempfile::tempdir().unwrap();
    let running = start(test_config(dir.path(), Some(fake.url()))).await;
    let mut c = client(&running).await;
    let call = tokio::spawn(async move {
        c.ask(AskRequest {
            text: "hi".into(),
            ..Default::default()
        })
        .await
    });
    assert!(
        fake.wait_for(Duration::from_secs(5), |s| s
            .started
            .load(std::sync::atomic::Ordering::SeqCst)
            == 1)
            .await
    );
    let addr = running.addr;
    running.shutdown().await.unwrap();
    let r = call.await.unwrap().unwrap().into_inner();
    assert_eq!(r.text, "The answer is 42.");
    // And it no longer accepts connections.
    assert!(tokio::net::TcpStream::connect(addr).await.is_err());
}

#[tokio::test]
async fn gui_answers_become_pixel_actions() {
    let _machine = machine::shared().await;
    let answer = "[{\"bbox_2d\": [100, 100, 300, 200], \"label\": \"Log in\", \"type\": \"button\"}]\n<tool_call>\n{\"name\": \"computer_use\", \"arguments\": {\"action\": \"left_click\", \"coordinate\": [200, 150]}}\n</tool_call>";
    let (expert, kind, _) = ask_typed(
        answer,
        AskRequest {
            text: "Where do I click to log in?".into(),
            media: vec![png_media(400, 200)],
            ..Default::default()
        },
    )
    .await;
    assert_eq!(expert, "gui");
    let switchboard::proto::expert_result::Kind::Gui(g) = kind else {
        panic!("no GUI result")
    };
    assert_eq!((g.image_width, g.image_height), (400, 200));
    let b = g.elements[0].r#box.unwrap();
    assert_eq!((b.x1, b.y1, b.x2, b.y2), (40.0, 20.0, 120.0, 40.0));
    let p = g.actions[0].point.unwrap();
    assert_eq!(
        (g.actions[0].action.as_str(), p.x, p.y),
        ("click", 80.0, 30.0)
    );
    assert!(g.pyautogui_script.contains("pyautogui.click(80, 30)"));
}

/// Starts the server with the test double answering `answer` (in small SSE chunks), asks, and
/// returns the typed result the server made of it.
async fn ask_typed(
    answer: &str,
    request: AskRequest,
) -> (String, switchboard::proto::expert_result::Kind, Vec<String>) {
    let chunks = answer
        .as_bytes()
        .chunks(23)
        .map(|c| String::from_utf8_lossy(c).into_owned())
        .collect();
    let fake = FakeOpenAi::start(Script {
        chunks,
        ..Script::default()
    })
    .await;
    let dir = tempfile::tempdir().unwrap();
    let running = start(test_config(dir.path(), Some(fake.url()))).await;
    let mut c = client(&running).await;
    let r = c.ask(request).await.unwrap().into_inner();
    running.shutdown().await.unwrap();
    let result = r.result.expect("a result");
    (
        r.expert,
        result.kind.expect("a typed result"),
        result.warnings,
    )
}

#[tokio::test]
async fn math_answers_become_checked_steps() {
    let _machine = machine::shared().await;
    let answer = "**Step 1:** Subtract 5 from both sides: $3x = 15$.\n**Step 2:** Divide by 3: $x = 5$.\n\nThe answer is $\\boxed{5}$.";
    let (expert, kind, _) = ask_typed(
        answer,
        AskRequest {
            text: "Solve 3x + 5 = 20 step by step.".into(),
            ..Default::default()
        },
    )
    .await;
    assert_eq!(expert, "math");
    let switchboard::proto::expert_result::Kind::Math(m) = kind else {
        panic!("no math result")
    };
    assert_eq!(m.steps.len(), 2);
    assert_eq!(m.final_answer, "5");
}

#[tokio::test]
async fn frontend_answers_become_files_and_a_preview() {
    let _machine = machine::shared().await;
    let answer = "**index.html**\n```html\n<!DOCTYPE html>\n<html><head><link rel=\"stylesheet\" href=\"style.css\"></head>\n<body><header class=\"top\">Acme</header></body></html>\n```\n**style.css**\n```css\n.top { background: #123; color: white; }\n```";
    let (expert, kind, warnings) = ask_typed(
        answer,
        AskRequest {
            text: "Turn this mockup into HTML and CSS.".into(),
            media: vec![png_media(320, 240)],
            ..Default::default()
        },
    )
    .await;
    assert_eq!(expert, "frontend");
    let switchboard::proto::expert_result::Kind::Frontend(f) = kind else {
        panic!("no frontend result")
    };
    let files: Vec<_> = f
        .files
        .iter()
        .map(|f| (f.path.as_str(), f.language.as_str()))
        .collect();
    assert_eq!(files, [("index.html", "html"), ("style.css", "css")]);
    assert!(
        f.preview_html
            .contains("<style>\n.top { background: #123; color: white; }\n</style>")
    );
    assert!(warnings.is_empty(), "{warnings:?}");
}

#[tokio::test]
async fn video_answers_become_a_timeline_clamped_to_the_frames() {
    let _machine = machine::shared().await;
    let answer = "0.0 - 1.5 seconds: A red square enters from the left.\n1.5 - 4.0 seconds: It stops in the centre.\n5.0 - 6.0 seconds: It fades out.\nA square crosses the frame and stops.";
    let frames = (0..6).map(|_| png(64, 48)).collect();
    let (expert, kind, warnings) = ask_typed(
        answer,
        AskRequest {
            text: "What happens in this clip?".into(),
            media: vec![Media {
                frames,
                fps: 2.0,
                ..Default::default()
            }],
            ..Default::default()
        },
    )
    .await;
    assert_eq!(expert, "video");
    let switchboard::proto::expert_result::Kind::Video(v) = kind else {
        panic!("no video result")
    };
    // Six frames at 2 fps: a 3-second video.
    assert_eq!(v.duration_seconds, 3.0);
    let times: Vec<_> = v
        .events
        .iter()
        .map(|e| (e.start_seconds, e.end_seconds))
        .collect();
    assert_eq!(times, [(0.0, 1.5), (1.5, 3.0)]);
    assert_eq!(v.summary, "A square crosses the frame and stops.");
    assert_eq!(v.chapters.len(), 2);
    assert!(
        warnings.iter().any(|w| w.contains("after the end")),
        "{warnings:?}"
    );
}

#[tokio::test]
async fn general_answers_are_text() {
    let _machine = machine::shared().await;
    let (expert, kind, _) = ask_typed(
        "It is a tabby cat asleep on a windowsill.",
        AskRequest {
            text: "What is in this picture?".into(),
            media: vec![png_media(64, 64)],
            ..Default::default()
        },
    )
    .await;
    assert_eq!(expert, "general");
    let switchboard::proto::expert_result::Kind::General(g) = kind else {
        panic!("no general result")
    };
    assert_eq!(g.answer, "It is a tabby cat asleep on a windowsill.");
}

/// GUI answers with a click off the 0–1000 grid, and on it.
const OFF_GRID: &str = "<tool_call>\n{\"name\": \"computer_use\", \"arguments\": {\"action\": \"left_click\", \"coordinate\": [1200, 150]}}\n</tool_call>";
const ON_GRID: &str = "<tool_call>\n{\"name\": \"computer_use\", \"arguments\": {\"action\": \"left_click\", \"coordinate\": [200, 150]}}\n</tool_call>";

fn gui_request() -> AskRequest {
    AskRequest {
        text: "Where do I click to log in?".into(),
        expert: "gui".into(),
        media: vec![png_media(400, 200)],
        ..Default::default()
    }
}

#[tokio::test]
async fn answers_that_break_the_schema_are_asked_again_with_the_errors() {
    let _machine = machine::shared().await;
    let fake = FakeOpenAi::start(Script {
        chunks: vec![ON_GRID.into()],
        per_request: vec![vec![OFF_GRID[..40].into(), OFF_GRID[40..].into()]],
        ..Script::default()
    })
    .await;
    let dir = tempfile::tempdir().unwrap();
    let running = start(test_config(dir.path(), Some(fake.url()))).await;
    let mut c = client(&running).await;

    let mut s = c.ask_stream(gui_request()).await.unwrap().into_inner();
    let mut attempts = Vec::new();
    let mut last = None;
    while let Some(ev) = s.next().await {
        match ev.unwrap().event.unwrap() {
            ask_event::Event::TextDelta(d) => attempts.push(d.attempt),
            ask_event::Event::Final(f) => last = Some(f),
            _ => {}
        }
    }
    // The first answer's text streams as attempt 0, the second's as attempt 1.
    assert_eq!(attempts, [0, 0, 1]);
    let r = last.expect("a final event");
    let result = r.result.unwrap();
    let Some(switchboard::proto::expert_result::Kind::Gui(g)) = result.kind else {
        panic!("no GUI result")
    };
    let p = g.actions[0].point.unwrap();
    assert_eq!((p.x, p.y), (80.0, 30.0));
    assert_eq!(result.raw_text, ON_GRID);
    assert!(
        result.warnings.iter().any(|w| w.starts_with(
            "answer 1 did not match the schema ($.arguments.coordinate[0]: 1200 is above the maximum 1000)"
        )),
        "{:?}",
        result.warnings
    );
    // Both model calls count.
    assert_eq!(r.usage.unwrap().completion_tokens, 3);

    // The retry showed the model its answer and what was wrong with it.
    let requests = fake.requests();
    assert_eq!(requests.len(), 2);
    let msgs = requests[1]["messages"].as_array().unwrap();
    let n = msgs.len();
    assert_eq!(msgs[n - 2]["role"], "assistant");
    assert_eq!(msgs[n - 2]["content"], OFF_GRID);
    assert_eq!(msgs[n - 1]["role"], "user");
    let feedback = msgs[n - 1]["content"].to_string();
    assert!(
        feedback.contains("1200 is above the maximum 1000"),
        "{feedback}"
    );
    running.shutdown().await.unwrap();
}

#[tokio::test]
async fn answers_still_wrong_after_the_retries_fail_with_what_was_wrong() {
    let _machine = machine::shared().await;
    for (retries, calls, attempts) in [(1u32, 2usize, "2 attempts"), (0, 1, "1 attempt")] {
        let fake = FakeOpenAi::start(Script {
            chunks: vec![OFF_GRID.into()],
            ..Script::default()
        })
        .await;
        let dir = tempfile::tempdir().unwrap();
        let mut config = test_config(dir.path(), Some(fake.url()));
        config.experts.schema_retries = retries;
        let running = start(config).await;
        let mut c = client(&running).await;
        let e = c.ask(gui_request()).await.unwrap_err();
        assert_eq!(e.code(), Code::Internal);
        assert_eq!(
            e.message(),
            format!(
                "the gui expert's answer does not match its schema after {attempts}: $.arguments.coordinate[0]: 1200 is above the maximum 1000"
            )
        );
        assert_eq!(fake.requests().len(), calls);
        running.shutdown().await.unwrap();
    }
}

#[tokio::test]
async fn a_thinking_models_reasoning_is_split_off_the_answer_and_the_history() {
    let _machine = machine::shared().await;
    // Qwen3-VL-Thinking: the template opens <think>, the answer closes it. The reasoning quotes
    // an off-grid point, which must not reach the schema check or the parser.
    let gui =
        "The button near [1200, 150] is off screen; the visible one is at the top.\n</think>\n\n"
            .to_string()
            + ON_GRID;
    let general = "<think>\nThe user asks about the animal.\n</think>\n\nAnswer: A tabby cat.";
    let fake = FakeOpenAi::start(Script {
        per_request: vec![
            vec![gui.clone()],
            vec![general.into()],
            vec!["Orange.".into()],
        ],
        ..Script::default()
    })
    .await;
    let dir = tempfile::tempdir().unwrap();
    let running = start(test_config(dir.path(), Some(fake.url()))).await;
    let mut c = client(&running).await;

    let r = c.ask(gui_request()).await.unwrap().into_inner();
    let result = r.result.unwrap();
    assert!(result.reasoning.starts_with("The button near [1200, 150]"));
    assert_eq!(result.raw_text, gui);
    assert_eq!(r.text, ON_GRID);
    let Some(switchboard::proto::expert_result::Kind::Gui(g)) = result.kind else {
        panic!("no GUI result")
    };
    assert_eq!(g.actions.len(), 1);
    assert!(result.warnings.is_empty(), "{:?}", result.warnings);

    let r = c
        .ask(AskRequest {
            text: "What animal is this?".into(),
            expert: "general".into(),
            media: vec![png_media(64, 64)],
            ..Default::default()
        })
        .await
        .unwrap()
        .into_inner();
    assert_eq!(r.text, "A tabby cat.");
    let result = r.result.unwrap();
    assert_eq!(result.reasoning, "The user asks about the animal.");
    let Some(switchboard::proto::expert_result::Kind::General(g)) = result.kind else {
        panic!("no general result")
    };
    assert_eq!(g.answer, "A tabby cat.");

    // A follow-up in the same session: the history holds the answer, not the reasoning.
    let r2 = c
        .ask(AskRequest {
            session_id: r.session_id.clone(),
            text: "What colour is it?".into(),
            expert: "general".into(),
            ..Default::default()
        })
        .await
        .unwrap()
        .into_inner();
    assert_eq!(r2.text, "Orange.");
    let requests = fake.requests();
    assert_eq!(requests.len(), 3);
    let history: Vec<String> = requests[2]["messages"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|m| m["role"] == "assistant")
        .map(|m| m["content"].as_str().unwrap_or_default().to_string())
        .collect();
    assert_eq!(history, ["A tabby cat."]);
    running.shutdown().await.unwrap();
}

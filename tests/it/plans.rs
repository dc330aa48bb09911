//! Plans over several experts, end to end over gRPC against the OpenAI-compatible test double
//! (which answers each expert by its system prompt and records what every step was sent): the
//! issue's four examples, steps that overlap in time, optional and required failures, a bad
//! plan, and what memory keeps of a plan.

use std::time::Duration;

use crate::common::fake_openai::{FakeOpenAi, Script};
use crate::common::*;
use switchboard::proto::expert_result::Kind;
use switchboard::proto::{
    AskRequest, AskResponse, GetSessionRequest, Media, Plan, PlanStep, StepReport,
};
use tonic::Code;

fn fixture(name: &str) -> Vec<u8> {
    std::fs::read(repo().join("tests/fixtures").join(name)).unwrap()
}

fn image(data: Vec<u8>) -> Media {
    Media {
        data,
        mime_type: "image/png".into(),
        ..Default::default()
    }
}

/// The experts' system prompts, as the test double tells them apart.
const MATH: &str = "careful mathematician";
const GUI: &str = "GUI agent";
const FRONTEND: &str = "frontend engineer";
const GENERAL: &str = "helpful assistant";
const VIDEO: &str = "video analyst";

fn by_system(answers: &[(&str, &[&str])]) -> Vec<(String, Vec<String>)> {
    answers
        .iter()
        .map(|(needle, chunks)| {
            (
                needle.to_string(),
                chunks.iter().map(|c| c.to_string()).collect(),
            )
        })
        .collect()
}

/// Every request the double got from the expert with this system prompt: its last user text.
fn prompts_to(fake: &FakeOpenAi, needle: &str) -> Vec<String> {
    fake.requests()
        .iter()
        .filter(|r| {
            r["messages"]
                .as_array()
                .unwrap()
                .iter()
                .any(|m| m["role"] == "system" && m["content"].to_string().contains(needle))
        })
        .map(|r| {
            let last = r["messages"].as_array().unwrap().last().unwrap().clone();
            match &last["content"] {
                serde_json::Value::String(s) => s.clone(),
                serde_json::Value::Array(parts) => parts
                    .iter()
                    .filter_map(|p| p["text"].as_str())
                    .collect::<Vec<_>>()
                    .join(""),
                _ => String::new(),
            }
        })
        .collect()
}

/// (expert, parents by index) of a plan.
fn shape(plan: &Option<Plan>) -> Vec<(String, Vec<usize>)> {
    let plan = plan.as_ref().expect("a plan");
    plan.steps
        .iter()
        .map(|s| {
            let after = s
                .after
                .iter()
                .map(|a| plan.steps.iter().position(|x| &x.id == a).unwrap())
                .collect();
            (s.expert.clone(), after)
        })
        .collect()
}

fn step<'a>(r: &'a AskResponse, id: &str) -> &'a StepReport {
    r.steps
        .iter()
        .find(|s| s.step_id == id)
        .unwrap_or_else(|| panic!("no step {id} in {:?}", r.steps))
}

fn owned(v: &[(&str, &[usize])]) -> Vec<(String, Vec<usize>)> {
    v.iter().map(|(e, a)| (e.to_string(), a.to_vec())).collect()
}

#[tokio::test]
async fn a_receipt_total_with_tax_is_read_then_computed() {
    let _machine = machine::shared().await;
    let fake = FakeOpenAi::start(Script {
        by_system: by_system(&[(
            MATH,
            &[
                "The total is 8.95. With 8% tax: 8.95 × 1.08 = 9.666.\n",
                "\\boxed{9.67}",
            ],
        )]),
        ..Script::default()
    })
    .await;
    let dir = tempfile::tempdir().unwrap();
    let running = start(test_config(dir.path(), Some(fake.url()))).await;
    let mut c = client(&running).await;
    let r = c
        .ask(AskRequest {
            text: "What is the total on this receipt, with 8 % tax?".into(),
            media: vec![image(fixture("ocr_text/en_mono_receipt.png"))],
            ..Default::default()
        })
        .await
        .unwrap()
        .into_inner();
    // Math given an image reads it with OCR first (its manifest's `needs`).
    assert_eq!(shape(&r.plan), owned(&[("ocr", &[]), ("math", &[0])]));
    assert_eq!(r.plan.as_ref().unwrap().source, "route");
    assert_eq!(r.expert, "math");
    let (ocr, math) = (step(&r, "ocr#0"), step(&r, "math#0"));
    assert_eq!((ocr.kind.as_str(), math.kind.as_str()), ("ocr", "model"));
    assert_eq!(math.parents, ["ocr#0"]);
    assert!(ocr.optional, "a step the manifest adds is optional");
    // The math step was given the OCR's lines with their boxes, before its prompt.
    let sent = prompts_to(&fake, MATH);
    assert_eq!(sent.len(), 1);
    let p = &sent[0];
    assert!(p.starts_with("Results of the earlier steps:"), "{p}");
    let total = p
        .lines()
        .find(|l| l.starts_with("8.95"))
        .expect("the total");
    assert!(
        total.starts_with("8.95  [") && total.ends_with(']'),
        "{total}"
    );
    assert!(p.lines().any(|l| l.starts_with("TOTAL  [")), "{p}");
    assert!(
        p.contains("What is the total on this receipt, with 8 % tax?"),
        "{p}"
    );
    let Some(Kind::Math(m)) = r.result.and_then(|x| x.kind) else {
        panic!("no math result")
    };
    assert_eq!(m.final_answer, "9.67");

    // Memory keeps the plan and every step; the next turn's history is the answer.
    let s = c
        .get_session(GetSessionRequest {
            session_id: r.session_id.clone(),
        })
        .await
        .unwrap()
        .into_inner();
    let turn = &s.turns[0];
    assert_eq!(shape(&turn.plan), owned(&[("ocr", &[]), ("math", &[0])]));
    let kept: Vec<&str> = turn.steps.iter().map(|s| s.step_id.as_str()).collect();
    assert_eq!(kept, ["ocr#0", "math#0"]);
    assert!(matches!(
        turn.steps[0].result.as_ref().and_then(|x| x.kind.as_ref()),
        Some(Kind::Ocr(_))
    ));
    running.shutdown().await.unwrap();
}

#[tokio::test]
async fn html_and_where_to_click_run_at_the_same_time() {
    let _machine = machine::shared().await;
    let fake = FakeOpenAi::start(Script {
        by_system: by_system(&[
            (
                FRONTEND,
                &[
                    "```html\n<form>\n",
                    "<input name=\"user\">\n<button>Log in</button>\n",
                    "</form>\n```",
                ],
            ),
            (
                GUI,
                &[
                    "[{\"bbox_2d\": [400, 500, 600, 560], ",
                    "\"label\": \"Log in\", ",
                    "\"type\": \"button\"}]",
                ],
            ),
        ]),
        // Each answer takes at least 3 x 200 ms, so that overlap is plain.
        delay: Duration::from_millis(200),
        ..Script::default()
    })
    .await;
    let dir = tempfile::tempdir().unwrap();
    let running = start(test_config(dir.path(), Some(fake.url()))).await;
    let mut c = client(&running).await;
    let r = c
        .ask(AskRequest {
            text: "Turn this screenshot into HTML, and tell me where to click to log in".into(),
            media: vec![image(png(1000, 600))],
            ..Default::default()
        })
        .await
        .unwrap()
        .into_inner();
    assert_eq!(shape(&r.plan), owned(&[("frontend", &[]), ("gui", &[])]));
    assert_eq!(r.plan.as_ref().unwrap().source, "dispatcher");
    let (a, b) = (step(&r, "frontend#0"), step(&r, "gui#0"));
    assert!(a.parents.is_empty() && b.parents.is_empty());
    // Independent steps overlap: each started before the other finished.
    assert!(
        a.started_ms < b.started_ms + b.duration_ms && b.started_ms < a.started_ms + a.duration_ms,
        "{a:?}\n{b:?}"
    );
    assert!(a.duration_ms >= 600 && b.duration_ms >= 600, "{a:?} {b:?}");
    // Two final steps: the answer holds both, and each step its own typed result.
    assert!(r.text.contains("## frontend (frontend)"), "{}", r.text);
    assert!(r.text.contains("## gui (gui)"), "{}", r.text);
    assert!(matches!(
        a.result.as_ref().and_then(|x| x.kind.as_ref()),
        Some(Kind::Frontend(f)) if f.preview_html.contains("Log in")
    ));
    let Some(Kind::Gui(g)) = b.result.as_ref().and_then(|x| x.kind.as_ref()) else {
        panic!("{b:?}")
    };
    // 0-1000 grid to pixels of the 1000x600 screenshot.
    let bx = g.elements[0].r#box.unwrap();
    assert_eq!((bx.x1, bx.y1, bx.x2, bx.y2), (400.0, 300.0, 600.0, 336.0));
    running.shutdown().await.unwrap();
}

#[tokio::test]
async fn a_lecture_video_is_timed_then_its_slides_are_read_at_those_times() {
    let _machine = machine::shared().await;
    let fake = FakeOpenAi::start(Script {
        by_system: by_system(&[
            (
                VIDEO,
                &[
                    "1 - 3 seconds: a slide with a cafe receipt\n",
                    "4 - 6 seconds: a notice slide",
                ],
            ),
            (GENERAL, &["The lecture shows a receipt, then a notice."]),
        ]),
        ..Script::default()
    })
    .await;
    let dir = tempfile::tempdir().unwrap();
    let running = start(test_config(dir.path(), Some(fake.url()))).await;
    let mut c = client(&running).await;
    // Six frames at 1 fps: blank, the receipt (1-2 s), blank, the notice (4-5 s).
    let (receipt, notice) = (
        fixture("ocr_text/en_mono_receipt.png"),
        fixture("ocr_text/en_notice_large.png"),
    );
    let video = Media {
        frames: vec![
            png(620, 279),
            receipt.clone(),
            receipt,
            png(620, 279),
            notice.clone(),
            notice,
        ],
        fps: 1.0,
        ..Default::default()
    };
    let plan_step = |id: &str, expert: &str, after: &[&str]| PlanStep {
        id: id.into(),
        expert: expert.into(),
        after: after.iter().map(|s| s.to_string()).collect(),
        ..Default::default()
    };
    let r = c
        .ask(AskRequest {
            text: "Summarise this lecture video and read out the formulas on the slides".into(),
            media: vec![video],
            plan: Some(Plan {
                steps: vec![
                    plan_step("timeline", "video", &[]),
                    plan_step("slides", "ocr", &["timeline"]),
                    plan_step("answer", "general", &["timeline", "slides"]),
                ],
                ..Default::default()
            }),
            ..Default::default()
        })
        .await
        .unwrap()
        .into_inner();
    assert_eq!(r.plan.as_ref().unwrap().source, "client");
    assert_eq!(r.routing.as_ref().unwrap().stage, "plan");
    assert_eq!(r.expert, "general");
    let ids: Vec<&str> = r.steps.iter().map(|s| s.step_id.as_str()).collect();
    assert_eq!(ids, ["timeline#0", "slides#0", "answer#0"]);
    // The OCR step read the frames in the middle of the timeline's events: 2 s and 5 s.
    let slides = step(&r, "slides#0");
    assert_eq!(slides.kind, "ocr");
    let Some(Kind::Ocr(o)) = slides.result.as_ref().and_then(|x| x.kind.as_ref()) else {
        panic!("{slides:?}")
    };
    assert_eq!(o.frame_seconds, Some(2.0));
    assert!(o.text.contains("8.95"), "{}", o.text);
    // The last step saw the timeline and both frames' text.
    let sent = prompts_to(&fake, GENERAL);
    let p = &sent[0];
    assert!(
        p.contains("[1.0s - 3.0s] a slide with a cafe receipt"),
        "{p}"
    );
    assert!(p.contains("[video 0 at 5.0 s]"), "{p}");
    assert!(p.contains("NOTICE TO RESIDENTS"), "{p}");
    assert!(p.contains("TOTAL"), "{p}");
    assert_eq!(r.text, "The lecture shows a receipt, then a notice.");
    running.shutdown().await.unwrap();
}

/// The same lecture without a plan in the request: the dispatcher's learned stage composes
/// video → OCR → math, and each step gets what the one before found.
#[tokio::test]
async fn the_dispatcher_composes_the_lecture_plan_itself() {
    let _machine = machine::shared().await;
    let fake = FakeOpenAi::start(Script {
        by_system: by_system(&[
            (VIDEO, &["1 - 3 seconds: a slide with a cafe receipt\n"]),
            (MATH, &["The receipt's total is 8.95."]),
        ]),
        ..Script::default()
    })
    .await;
    let dir = tempfile::tempdir().unwrap();
    let assets = assets();
    let mut config = test_config(dir.path(), Some(fake.url()));
    config.routing.semantic.enabled = true;
    config.routing.semantic.encoder = assets.join("encoder/use_multilingual_int8.onnx");
    config.onnxruntime.library = assets.join("onnxruntime/libonnxruntime.so.1.31.1");
    let running = start(config).await;
    let mut c = client(&running).await;
    let receipt = fixture("ocr_text/en_mono_receipt.png");
    let video = Media {
        frames: vec![png(620, 279), receipt.clone(), receipt, png(620, 279)],
        fps: 1.0,
        ..Default::default()
    };
    let r = c
        .ask(AskRequest {
            text: "In this lecture video, read the numbers on the slides and add them up".into(),
            media: vec![video],
            ..Default::default()
        })
        .await
        .unwrap()
        .into_inner();
    let plan = r.plan.as_ref().unwrap();
    assert_eq!(plan.source, "dispatcher");
    assert!(plan.confidence >= 0.3, "{plan:?}");
    assert_eq!(
        shape(&r.plan),
        owned(&[("video", &[]), ("ocr", &[0]), ("math", &[1])])
    );
    assert_eq!(r.routing.as_ref().unwrap().stage, "learned");
    assert_eq!(r.expert, "math");
    // OCR read the frame in the middle of the one event (2 s); math got its lines.
    let ocr = r.steps.iter().find(|s| s.kind == "ocr").unwrap();
    let Some(Kind::Ocr(o)) = ocr.result.as_ref().and_then(|x| x.kind.as_ref()) else {
        panic!("{ocr:?}")
    };
    assert_eq!(o.frame_seconds, Some(2.0));
    let sent = prompts_to(&fake, MATH);
    assert!(sent[0].contains("8.95"), "{}", sent[0]);
    assert!(sent[0].contains("image 0 @ 2.0s"), "{}", sent[0]);
    assert_eq!(r.text, "The receipt's total is 8.95.");
    running.shutdown().await.unwrap();
}

#[tokio::test]
async fn a_filled_form_reaches_the_follow_up_question() {
    let _machine = machine::shared().await;
    let fake = FakeOpenAi::start(Script {
        by_system: by_system(&[(GENERAL, &["Still missing: your date of birth."])]),
        // Form refinement (its own system prompt) pairs nothing.
        chunks: vec!["{}".into()],
        ..Script::default()
    })
    .await;
    let dir = tempfile::tempdir().unwrap();
    let running = start(test_config(dir.path(), Some(fake.url()))).await;
    let mut c = client(&running).await;
    let r = c
        .ask(AskRequest {
            text: "Fill this form, then tell me what is still missing".into(),
            media: vec![image(fixture("forms/form_01.png"))],
            profile: [
                ("full_name".to_string(), "Emily Carter".to_string()),
                (
                    "email".to_string(),
                    "emily.carter@example.co.uk".to_string(),
                ),
            ]
            .into(),
            ..Default::default()
        })
        .await
        .unwrap()
        .into_inner();
    assert_eq!(
        shape(&r.plan),
        owned(&[("form_fill", &[]), ("general", &[0])])
    );
    let kinds: Vec<(&str, &str)> = r
        .steps
        .iter()
        .map(|s| (s.step_id.as_str(), s.kind.as_str()))
        .collect();
    assert_eq!(
        kinds,
        [
            ("form_fill#0", "ocr"),
            ("form_fill#1", "form_fill"),
            ("form_fill#2", "form_refine"),
            ("general#0", "model")
        ]
    );
    assert_eq!(step(&r, "general#0").parents, ["form_fill#2"]);
    // The follow-up was given the form's actions and its open fields.
    let sent = prompts_to(&fake, GENERAL);
    let p = &sent[0];
    assert!(p.contains("Fields filled:"), "{p}");
    assert!(p.contains("Emily Carter"), "{p}");
    assert!(p.contains("Fields left empty:"), "{p}");
    assert_eq!(r.text, "Still missing: your date of birth.");
    // The form step's own result stays in the report.
    assert!(matches!(
        step(&r, "form_fill#2").result.as_ref().and_then(|x| x.kind.as_ref()),
        Some(Kind::FormFill(f)) if !f.actions.is_empty()
    ));
    running.shutdown().await.unwrap();
}

#[tokio::test]
async fn an_optional_step_may_fail_a_required_one_fails_the_request() {
    let _machine = machine::shared().await;
    let fake = FakeOpenAi::start(Script {
        // The GUI expert's answer never matches its schema: the step fails after its retry.
        by_system: by_system(&[
            (GUI, &["[{\"bbox_2d\": \"nowhere\"}]"]),
            (GENERAL, &["Done anyway."]),
        ]),
        ..Script::default()
    })
    .await;
    let dir = tempfile::tempdir().unwrap();
    let running = start(test_config(dir.path(), Some(fake.url()))).await;
    let mut c = client(&running).await;
    let ask = |optional: bool| AskRequest {
        text: "Where is the login button, and what is this app?".into(),
        media: vec![image(png(800, 600))],
        plan: Some(Plan {
            steps: vec![
                PlanStep {
                    id: "find".into(),
                    expert: "gui".into(),
                    optional,
                    ..Default::default()
                },
                PlanStep {
                    id: "say".into(),
                    expert: "general".into(),
                    after: vec!["find".into()],
                    ..Default::default()
                },
            ],
            ..Default::default()
        }),
        ..Default::default()
    };
    let r = c.ask(ask(true)).await.unwrap().into_inner();
    let find = step(&r, "find#0");
    assert_eq!(find.status, "failed");
    assert!(find.optional);
    assert!(
        find.error
            .starts_with("Internal: the gui expert's answer does not match"),
        "{}",
        find.error
    );
    assert_eq!(step(&r, "say#0").status, "ok");
    assert_eq!(r.text, "Done anyway.");
    assert!(
        r.warnings
            .iter()
            .any(|w| w.starts_with("optional step find#0 (gui) failed")),
        "{:?}",
        r.warnings
    );
    // The follow-up ran without it: no earlier results in its prompt.
    assert!(!prompts_to(&fake, GENERAL)[0].contains("Results of the earlier steps"));

    let e = c.ask(ask(false)).await.unwrap_err();
    assert_eq!(e.code(), Code::Internal, "{e:?}");
    assert!(
        e.message().contains("gui expert's answer"),
        "{}",
        e.message()
    );
    running.shutdown().await.unwrap();
}

#[tokio::test]
async fn a_bad_plan_is_invalid_argument_naming_the_step() {
    let _machine = machine::shared().await;
    let dir = tempfile::tempdir().unwrap();
    let running = start(test_config(dir.path(), None)).await;
    let mut c = client(&running).await;
    let plan = |steps: Vec<PlanStep>| AskRequest {
        text: "Read this".into(),
        plan: Some(Plan {
            steps,
            ..Default::default()
        }),
        ..Default::default()
    };
    let s = |id: &str, expert: &str, after: &[&str]| PlanStep {
        id: id.into(),
        expert: expert.into(),
        after: after.iter().map(|a| a.to_string()).collect(),
        ..Default::default()
    };
    let cases = [
        (
            plan(vec![s("a", "ocr", &["b"]), s("b", "math", &["a"])]),
            "plan.steps[0].after: step \"a\" is on a cycle",
        ),
        (
            plan(vec![s("a", "ocr", &[]), s("b", "poetry", &["a"])]),
            "plan.steps[1].expert: unknown expert \"poetry\"",
        ),
        (
            plan(
                (0..9)
                    .map(|i| s(&format!("s{i}"), "general", &[]))
                    .collect(),
            ),
            "plan.steps: 9 steps; the limit is 8 (plans.max_steps)",
        ),
        (
            plan(vec![s("a b", "ocr", &[])]),
            "plan.steps[0].id: must be at most",
        ),
    ];
    for (req, want) in cases {
        // Classify checks the plan as Ask does.
        let e = c.classify(req).await.unwrap_err();
        assert_eq!(e.code(), Code::InvalidArgument);
        assert!(e.message().starts_with(want), "{}", e.message());
    }
    let mut both = plan(vec![s("a", "ocr", &[])]);
    both.expert = "math".into();
    let e = c.ask(both).await.unwrap_err();
    assert_eq!(e.code(), Code::InvalidArgument);
    assert!(
        e.message().starts_with("expert: give either"),
        "{}",
        e.message()
    );
    running.shutdown().await.unwrap();
}

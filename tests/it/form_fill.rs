//! OCR and form filling over real gRPC on loopback, with no model configured (the in-process
//! OCR tool on ONNX Runtime does the reading), and with the OpenAI-compatible test double where
//! a model turn is needed first.

use crate::common::fake_openai::{FakeOpenAi, Script};
use crate::common::*;
use futures::StreamExt;
use switchboard::proto::expert_result::Kind;
use switchboard::proto::{AskRequest, FormFillResult, Media, ask_event};

fn fixture(name: &str) -> Vec<u8> {
    std::fs::read(repo().join("tests/fixtures").join(name)).unwrap()
}

fn png(data: Vec<u8>) -> Media {
    Media {
        data,
        mime_type: "image/png".into(),
        ..Default::default()
    }
}

fn form_result(kind: Option<Kind>) -> FormFillResult {
    match kind {
        Some(Kind::FormFill(f)) => f,
        other => panic!("no form-fill result: {other:?}"),
    }
}

/// Ground truth of a corpus form: (label, input box or the ticked option's box, value).
fn truth(id: &str) -> (serde_json::Value, Vec<(String, [f32; 4], String)>) {
    let v: serde_json::Value =
        serde_json::from_slice(&fixture(&format!("forms/{id}.json"))).unwrap();
    let mut out = Vec::new();
    for f in v["fields"].as_array().unwrap() {
        let Some(value) = f["value"].as_str() else {
            continue;
        };
        let b = if f["kind"] == "checkbox" {
            f["options"]
                .as_array()
                .unwrap()
                .iter()
                .find(|o| o["text"].as_str().unwrap().eq_ignore_ascii_case(value))
                .map(|o| o["box"].clone())
                .unwrap()
        } else {
            f["input_box"].clone()
        };
        let b: Vec<f32> = serde_json::from_value(b).unwrap();
        out.push((
            f["label"].as_str().unwrap().to_string(),
            [b[0], b[1], b[2], b[3]],
            value.to_string(),
        ));
    }
    (v["profile"].clone(), out)
}

fn iou(a: [f32; 4], b: &switchboard::proto::Box) -> f32 {
    switchboard::ocr::geom::iou(&a, &[b.x1, b.y1, b.x2, b.y2])
}

#[tokio::test]
async fn ask_with_a_form_and_a_profile_returns_actions_in_pixels() {
    let _machine = machine::shared().await;
    let dir = tempfile::tempdir().unwrap();
    let running = start(test_config(dir.path(), None)).await;
    let mut c = client(&running).await;
    let (profile, fields) = truth("form_12");
    let profile = serde_json::from_value(profile).unwrap();
    let r = c
        .ask(AskRequest {
            text: "用我的信息填写这张表格".into(),
            media: vec![png(fixture("forms/form_12.png"))],
            profile,
            ..Default::default()
        })
        .await
        .unwrap()
        .into_inner();
    assert_eq!(
        r.expert, "form_fill",
        "routed by the words, answered with no model"
    );
    let f = form_result(r.result.and_then(|x| x.kind));
    assert_eq!(
        (f.image_width, f.image_height),
        image_size("forms/form_12.png")
    );
    for (label, b, value) in &fields {
        let a = f
            .actions
            .iter()
            .find(|a| &a.value == value)
            .unwrap_or_else(|| panic!("no action puts {value:?} ({label})"));
        let got = a.input_box.as_ref().unwrap();
        assert!(iou(*b, got) > 0.5, "{label}: {got:?} vs {b:?}");
        assert!(a.confidence > 0.0 && a.confidence <= 1.0);
        assert!(!a.profile_key.is_empty());
        assert!(
            f.script.contains(&format!(
                "type_text({})",
                serde_json::to_string(value).unwrap()
            )) || a.action == "check"
        );
    }
    assert_eq!(f.script_language, "python-pyautogui");
    assert!(r.text.contains("可填写"), "{}", r.text);
    running.shutdown().await.unwrap();
}

fn image_size(name: &str) -> (u32, u32) {
    let img = image::load_from_memory(&fixture(name)).unwrap();
    (img.width(), img.height())
}

#[tokio::test]
async fn facts_from_earlier_turns_and_the_request_fill_the_form() {
    let _machine = machine::shared().await;
    // Turn one is a chat with the model (the test double); turn two fills the form from what
    // the user said then and now, with no profile at all.
    let fake = FakeOpenAi::start(Script {
        chunks: vec!["Nice to meet you, Emily.".into()],
        ..Script::default()
    })
    .await;
    let dir = tempfile::tempdir().unwrap();
    let running = start(test_config(dir.path(), Some(fake.url()))).await;
    let mut c = client(&running).await;
    let first = c
        .ask(AskRequest {
            text: "Hello! My name is Emily Carter and my email is emily.carter@example.co.uk"
                .into(),
            expert: "general".into(),
            ..Default::default()
        })
        .await
        .unwrap()
        .into_inner();
    let mut stream = c
        .ask_stream(AskRequest {
            session_id: first.session_id.clone(),
            text: "Fill this form for me. My phone number is +44 7700 900123".into(),
            media: vec![png(fixture("forms/form_01.png"))],
            ..Default::default()
        })
        .await
        .unwrap()
        .into_inner();
    let mut steps = Vec::new();
    let mut result = None;
    while let Some(ev) = stream.next().await {
        match ev.unwrap().event {
            Some(ask_event::Event::StepStarted(s)) => steps.push(s.step_id),
            Some(ask_event::Event::Final(f)) => result = f.result,
            _ => {}
        }
    }
    assert_eq!(
        steps,
        ["form_fill#0", "form_fill#1", "form_fill#2"],
        "OCR, grounding and mapping, then the model's refinement (a no-op here)"
    );
    let f = form_result(result.and_then(|x| x.kind));
    let value = |label: &str| {
        f.actions
            .iter()
            .find(|a| a.label == label)
            .map(|a| (a.value.as_str(), a.profile_key.as_str()))
    };
    assert_eq!(
        value("Applicant name"),
        Some(("Emily Carter", "session:name"))
    );
    assert_eq!(
        value("Email address"),
        Some(("emily.carter@example.co.uk", "session:email"))
    );
    assert_eq!(
        value("Contact number"),
        Some(("+44 7700 900123", "request_text:phone"))
    );
    assert!(
        f.unfilled
            .iter()
            .any(|u| u.label == "Postcode" && u.reason.contains("postcode")),
        "{:?}",
        f.unfilled
    );
    // The model was asked once, for the chat turn only: no profile entry was left unused.
    assert_eq!(fake.requests().len(), 1);
    running.shutdown().await.unwrap();
}

#[tokio::test]
async fn ocr_without_a_model_returns_lines_with_boxes() {
    let _machine = machine::shared().await;
    let dir = tempfile::tempdir().unwrap();
    let running = start(test_config(dir.path(), None)).await;
    let mut c = client(&running).await;
    let r = c
        .ask(AskRequest {
            text: "识别图片中的文字".into(),
            media: vec![png(fixture("ocr_text/zh_notice_sans.png"))],
            ..Default::default()
        })
        .await
        .unwrap()
        .into_inner();
    assert_eq!(r.expert, "ocr");
    let Some(Kind::Ocr(o)) = r.result.and_then(|x| x.kind) else {
        panic!("no OCR result")
    };
    let truth: serde_json::Value =
        serde_json::from_slice(&fixture("ocr_text/zh_notice_sans.json")).unwrap();
    let lines: Vec<_> = o.blocks.iter().flat_map(|b| b.lines.iter()).collect();
    // Spaces aside, and full-width punctuation read as its ASCII form (the font draws "（" and
    // "(" alike; the OCR evaluation folds them the same way).
    let fold = |s: &str| -> String {
        s.chars()
            .filter(|c| !c.is_whitespace())
            .map(|c| match c as u32 {
                0xFF01..=0xFF5E => char::from_u32(c as u32 - 0xFEE0).unwrap_or(c),
                _ => c,
            })
            .collect()
    };
    for t in truth["lines"].as_array().unwrap() {
        let text = t["text"].as_str().unwrap();
        let b: Vec<f32> = serde_json::from_value(t["box"].clone()).unwrap();
        let hit = lines
            .iter()
            .find(|l| fold(&l.text) == fold(text))
            .unwrap_or_else(|| panic!("{text:?} not read: {:?}", o.text));
        let got = hit.r#box.as_ref().unwrap();
        assert!(
            iou([b[0], b[1], b[2], b[3]], got) > 0.5,
            "{text}: {got:?} vs {b:?}"
        );
    }
    assert!(fold(&o.text).contains(&fold(truth["lines"][0]["text"].as_str().unwrap())));
    assert_eq!(r.text, o.text);
    running.shutdown().await.unwrap();
}

/// A two-step plan (the OCR tool, then the model) reports each step: the stream says which
/// step a step was given, and the answer lists both with their kind, parents, status, own
/// result and timing.
#[tokio::test]
async fn each_step_of_a_plan_is_reported_with_its_parents_result_and_timing() {
    let _machine = machine::shared().await;
    let fake = FakeOpenAi::start(Script {
        chunks: vec!["{\"发票号码\": \"04418862\"}".into()],
        ..Script::default()
    })
    .await;
    let dir = tempfile::tempdir().unwrap();
    let running = start(test_config(dir.path(), Some(fake.url()))).await;
    let mut c = client(&running).await;
    let mut s = c
        .ask_stream(AskRequest {
            text: "提取这张发票上的信息".into(),
            media: vec![png(fixture("ocr_text/zh_invoice_serif.png"))],
            ..Default::default()
        })
        .await
        .unwrap()
        .into_inner();
    let (mut started, mut last) = (Vec::new(), None);
    while let Some(ev) = s.next().await {
        match ev.unwrap().event {
            Some(ask_event::Event::StepStarted(st)) => started.push((st.step_id, st.parents)),
            Some(ask_event::Event::Final(f)) => last = Some(f),
            _ => {}
        }
    }
    assert_eq!(
        started,
        vec![
            ("ocr#0".to_string(), vec![]),
            ("ocr#1".to_string(), vec!["ocr#0".to_string()])
        ]
    );
    let r = last.expect("a final answer");
    let steps: Vec<(&str, &str, &str, Vec<String>)> = r
        .steps
        .iter()
        .map(|s| {
            (
                s.step_id.as_str(),
                s.kind.as_str(),
                s.status.as_str(),
                s.parents.clone(),
            )
        })
        .collect();
    assert_eq!(
        steps,
        vec![
            ("ocr#0", "ocr", "ok", vec![]),
            ("ocr#1", "model", "ok", vec!["ocr#0".to_string()])
        ]
    );
    // The OCR step's own result is the tool's reading; the model step's is the answer's.
    let ocr_text = match r.steps[0].result.as_ref().and_then(|x| x.kind.as_ref()) {
        Some(Kind::Ocr(o)) => o.text.clone(),
        other => panic!("{other:?}"),
    };
    assert!(ocr_text.contains("04418862"), "{ocr_text}");
    assert_eq!(r.steps[1].result, r.result);
    // The model step starts after the OCR step has run.
    let (ocr, model) = (&r.steps[0], &r.steps[1]);
    assert!(ocr.duration_ms > 0, "{ocr:?}");
    assert!(
        model.started_ms >= ocr.started_ms + ocr.duration_ms,
        "{ocr:?} {model:?}"
    );
    running.shutdown().await.unwrap();
}

#[tokio::test]
async fn ocr_with_a_model_keeps_the_boxes_and_asks_for_structure() {
    let _machine = machine::shared().await;
    let fake = FakeOpenAi::start(Script {
        chunks: vec!["{\"发票号码\": \"04418862\"}".into()],
        ..Script::default()
    })
    .await;
    let dir = tempfile::tempdir().unwrap();
    let running = start(test_config(dir.path(), Some(fake.url()))).await;
    let mut c = client(&running).await;
    let r = c
        .ask(AskRequest {
            text: "提取这张发票上的信息".into(),
            media: vec![png(fixture("ocr_text/zh_invoice_serif.png"))],
            ..Default::default()
        })
        .await
        .unwrap()
        .into_inner();
    assert_eq!(r.expert, "ocr");
    assert_eq!(
        r.text, "{\"发票号码\": \"04418862\"}",
        "the model's structured reading"
    );
    let Some(Kind::Ocr(o)) = r.result.and_then(|x| x.kind) else {
        panic!("the OCR result must survive the model step")
    };
    assert!(o.text.contains("04418862"), "{}", o.text);
    // The model's field is placed on the OCR line that holds its value: inside that line's
    // box, over the digits' share of it.
    assert_eq!(o.fields.len(), 1);
    let f = &o.fields[0];
    assert_eq!(
        (f.key.as_str(), f.value.as_str(), f.r#match),
        ("发票号码", "04418862", 1.0)
    );
    let line = o
        .blocks
        .iter()
        .flat_map(|b| &b.lines)
        .find(|l| l.text.contains("04418862"))
        .unwrap();
    let (fb, lb) = (f.r#box.unwrap(), line.r#box.unwrap());
    assert!(fb.x1 >= lb.x1 && fb.x2 <= lb.x2 && fb.y1 == lb.y1 && fb.y2 == lb.y2);
    let share = 8.0 / line.text.chars().count() as f32;
    assert!(
        ((fb.x2 - fb.x1) / (lb.x2 - lb.x1) - share).abs() < 0.05,
        "{fb:?} in {lb:?} ({:?})",
        line.text
    );
    // The model saw what the OCR read.
    let sent = serde_json::to_string(&fake.requests()).unwrap();
    assert!(
        sent.contains("OCR 工具已读出") && sent.contains("04418862"),
        "{sent}"
    );
    running.shutdown().await.unwrap();
}

#[tokio::test]
async fn a_model_maps_what_the_rules_could_not() {
    use switchboard::experts::form_fill::{self, profile::Facts, refine};
    let _machine = machine::shared().await;
    // "bank_branch" names no field the rules know, and "Branch code" no key they know.
    let mut profile = std::collections::BTreeMap::new();
    profile.insert("Full name".to_string(), "Emily Carter".to_string());
    profile.insert("bank_branch".to_string(), "0042".to_string());
    // The question the server will ask, to script the test double's answer with the right id.
    let mut ocr = ocr_engine();
    let img =
        switchboard::engine::qwen3vl::preprocess::decode(&fixture("forms/form_17.png")).unwrap();
    let page = ocr.read(&img).unwrap();
    let gray = image::imageops::grayscale(&img);
    let fields = form_fill::fields(&page, &gray);
    let facts = Facts::gather(&profile, "", &[]);
    let (actions, unfilled) = form_fill::plan(&fields, &facts, "en");
    let result = switchboard::proto::FormFillResult {
        actions,
        unfilled,
        ..Default::default()
    };
    let q = refine::question(&fields, &facts, &result, "en").expect("something to ask");
    let (fid, _) = q
        .fields
        .iter()
        .find(|(_, i)| fields[*i].label == "Branch code")
        .expect("Branch code is open");
    let fake = FakeOpenAi::start(Script {
        chunks: vec![format!(
            "```json\n{{\"{fid}\": \"bank_branch\", \"f99\": \"bank_branch\"}}\n```"
        )],
        ..Script::default()
    })
    .await;
    let dir = tempfile::tempdir().unwrap();
    let running = start(test_config(dir.path(), Some(fake.url()))).await;
    let mut c = client(&running).await;
    let r = c
        .ask(AskRequest {
            text: "Fill in this form with my details".into(),
            media: vec![png(fixture("forms/form_17.png"))],
            profile: profile.into_iter().collect(),
            ..Default::default()
        })
        .await
        .unwrap()
        .into_inner();
    let warnings = r.warnings.clone();
    let f = form_result(r.result.and_then(|x| x.kind));
    let a = f
        .actions
        .iter()
        .find(|a| a.label == "Branch code")
        .expect("the model's mapping");
    assert_eq!(
        (a.value.as_str(), a.profile_key.as_str()),
        ("0042", "bank_branch")
    );
    assert!(
        a.confidence < 0.7,
        "model mappings are less sure than rule ones"
    );
    assert!(!f.unfilled.iter().any(|u| u.label == "Branch code"));
    assert!(f.script.contains("type_text(\"0042\")"));
    assert!(
        warnings.iter().any(|w| w.contains("mapped 1 more")),
        "{warnings:?}"
    );
    assert!(
        warnings.iter().any(|w| w.contains("unknown field")),
        "f99 was refused: {warnings:?}"
    );
    let asked = serde_json::to_string(&fake.requests()).unwrap();
    assert!(
        asked.contains("Branch code") && asked.contains("bank_branch: 0042"),
        "{asked}"
    );
    assert!(
        asked.contains("data:image/png;base64,"),
        "the form image goes with the question"
    );
    running.shutdown().await.unwrap();
}

//! Routing with the sentence encoder on. Without the learned stage: the rules decide what they
//! are sure of, similarity the rest. With it (the default): it routes and composes plans, and
//! an expert added with nothing but a manifest and a prompt file is still routed to.

use crate::common::{self, machine};

use crate::common::fake_openai::{FakeOpenAi, Script};
use switchboard::config::Config;
use switchboard::proto::{AskRequest, ListExpertsRequest};

fn semantic_config(dir: &std::path::Path, openai: Option<String>) -> Config {
    let assets = common::assets();
    let mut c = common::test_config(dir, openai);
    c.routing.semantic.enabled = true;
    c.routing.semantic.encoder = assets.join("encoder/use_multilingual_int8.onnx");
    c.onnxruntime.library = assets.join("onnxruntime/libonnxruntime.so.1.31.1");
    c.routing.learned.enabled = false;
    c
}

fn learned_config(dir: &std::path::Path, openai: Option<String>) -> Config {
    let mut c = semantic_config(dir, openai);
    c.routing.learned.enabled = true;
    c
}

#[tokio::test]
async fn rules_decide_when_sure_and_similarity_otherwise() {
    let _machine = machine::shared().await;
    let dir = tempfile::tempdir().unwrap();
    let running = common::start(semantic_config(dir.path(), None)).await;
    let mut c = common::client(&running).await;
    // Rules still decide what they are sure of.
    let r = c
        .classify(AskRequest {
            text: "解方程 x^2 = 4".into(),
            ..Default::default()
        })
        .await
        .unwrap()
        .into_inner();
    assert_eq!((r.expert.as_str(), r.stage.as_str()), ("math", "rules"));
    // What no rule claims is decided by similarity; the scores are a distribution. (Accuracy on a
    // labeled set is measured separately; this checks the stage, not the examples.)
    for text in ["这张收据上写了哪些内容？"] {
        let r = c
            .classify(AskRequest {
                text: text.into(),
                ..Default::default()
            })
            .await
            .unwrap()
            .into_inner();
        assert_eq!(r.stage, "semantic", "{text}: {r:?}");
        assert!(r.routes.iter().all(|x| x.stage == "semantic"));
        let sum: f32 = r.routes.iter().map(|x| x.score).sum();
        assert!((sum - 1.0).abs() < 1e-3, "{r:?}");
    }
    // A video goes to the video expert, unless the words ask to read the text in it.
    let frames = vec![common::png(16, 16), common::png(16, 16)];
    let video = |text: &str| AskRequest {
        text: text.into(),
        media: vec![switchboard::proto::Media {
            frames: frames.clone(),
            fps: 2.0,
            ..Default::default()
        }],
        ..Default::default()
    };
    for (text, want) in [
        ("Which words appear on the whiteboard in this clip?", "ocr"),
        ("帮我把录像里的字幕抄下来", "ocr"),
        ("What is the chef cooking in this clip?", "video"),
        ("视频里的人最后去了哪里？", "video"),
    ] {
        let r = c.classify(video(text)).await.unwrap().into_inner();
        assert_eq!(r.expert, want, "{text}: {r:?}");
    }
    // Below the similarity threshold nothing claims it: the default route.
    let r = c
        .classify(AskRequest {
            text: "zxqv blorp 4411 vvk".into(),
            ..Default::default()
        })
        .await
        .unwrap()
        .into_inner();
    assert_eq!(
        (r.expert.as_str(), r.stage.as_str()),
        ("general", "default"),
        "{r:?}"
    );
    running.shutdown().await.unwrap();
}

#[tokio::test]
async fn a_new_expert_needs_only_a_manifest_and_a_prompt() {
    let _machine = machine::shared().await;
    let dir = tempfile::tempdir().unwrap();
    let experts = dir.path().join("experts");
    let prompts = dir.path().join("prompts");
    std::fs::create_dir_all(&experts).unwrap();
    std::fs::create_dir_all(&prompts).unwrap();
    common::copy_dir(&common::repo().join("experts"), &experts);
    common::copy_dir(&common::repo().join("prompts"), &prompts);
    std::fs::write(
        experts.join("translate.toml"),
        r#"id = "translate"
name = "Translator"
description = "Translates text, or the text in an image, between languages."
media = ["image"]
prompt = "translate.j2"

[examples]
en = ["Translate this sentence into French.", "How do you say good morning in Japanese?", "Put this paragraph into English."]
zh = ["把这句话翻译成英文。", "这段日语是什么意思？", "帮我把这段话译成中文。"]
"#,
    )
    .unwrap();
    std::fs::write(
        prompts.join("translate.j2"),
        "Translate faithfully: {{ text }}",
    )
    .unwrap();

    let fake = FakeOpenAi::start(Script {
        echo: true,
        ..Script::default()
    })
    .await;
    // The routing model has never seen this expert: its examples claim it.
    let mut config = learned_config(dir.path(), Some(fake.url()));
    config.experts.dir = experts;
    config.experts.prompts_dir = prompts;
    let running = common::start(config).await;
    let mut c = common::client(&running).await;
    let list = c
        .list_experts(ListExpertsRequest {})
        .await
        .unwrap()
        .into_inner();
    assert!(list.experts.iter().any(|e| e.id == "translate"));
    for text in [
        "Could you render this letter in Spanish?",
        "请把这封信翻成西班牙语",
    ] {
        let r = c
            .classify(AskRequest {
                text: text.into(),
                ..Default::default()
            })
            .await
            .unwrap()
            .into_inner();
        assert_eq!(
            (r.expert.as_str(), r.stage.as_str()),
            ("translate", "semantic"),
            "{text}: {r:?}"
        );
    }
    let r = c
        .ask(AskRequest {
            text: "请把这封信翻成西班牙语".into(),
            ..Default::default()
        })
        .await
        .unwrap()
        .into_inner();
    assert_eq!(r.expert, "translate");
    assert_eq!(r.text, "echo: Translate faithfully: 请把这封信翻成西班牙语");
    running.shutdown().await.unwrap();
}

/// Stage three: what nothing claims goes to the model when one is configured (Ask only;
/// Classify never calls a model).
#[tokio::test]
async fn uncertain_requests_ask_the_model() {
    let _machine = machine::shared().await;
    let fake = FakeOpenAi::start(Script {
        chunks: vec!["math".into()],
        ..Script::default()
    })
    .await;
    let dir = tempfile::tempdir().unwrap();
    let mut config = semantic_config(dir.path(), Some(fake.url()));
    config.routing.model.enabled = true;
    config.routing.model.threshold = 0.5;
    let running = common::start(config).await;
    let mut c = common::client(&running).await;
    let odd = AskRequest {
        text: "zxqv blorp 4411 vvk".into(),
        ..Default::default()
    };
    let r = c.classify(odd.clone()).await.unwrap().into_inner();
    assert_eq!(
        (r.expert.as_str(), r.stage.as_str()),
        ("general", "default")
    );
    assert!(fake.requests().is_empty(), "Classify called the model");

    let r = c.ask(odd).await.unwrap().into_inner();
    let routing = r.routing.unwrap();
    assert_eq!(
        (r.expert.as_str(), routing.stage.as_str()),
        ("math", "model")
    );
    assert_eq!(routing.routes[0].expert, "math");
    let reqs = fake.requests();
    assert_eq!(reqs.len(), 2, "one routing question, one answer");
    let question = reqs[0]["messages"][0]["content"].as_str().unwrap();
    assert!(
        question.contains("form_fill") && question.contains("ocr"),
        "{question}"
    );
    assert_eq!(reqs[0]["max_tokens"], 8);

    // A request the rules are sure of never asks.
    let sure = AskRequest {
        text: "解方程 x^2 = 4".into(),
        ..Default::default()
    };
    let r = c.ask(sure).await.unwrap().into_inner();
    assert_eq!(r.routing.unwrap().stage, "rules");
    assert_eq!(fake.requests().len(), 3);
    running.shutdown().await.unwrap();
}

/// The learned stage (the default): it decides routes and plans, the issue's composite
/// requests become plans (the planner adds what a route's manifest needs), and a single intent
/// stays one route.
#[tokio::test]
async fn the_learned_stage_routes_and_composes_plans() {
    let _machine = machine::shared().await;
    let dir = tempfile::tempdir().unwrap();
    let running = common::start(learned_config(dir.path(), None)).await;
    let mut c = common::client(&running).await;
    let image = || switchboard::proto::Media {
        data: common::png(16, 16),
        ..Default::default()
    };
    let video = || switchboard::proto::Media {
        frames: vec![common::png(16, 16), common::png(16, 16)],
        fps: 2.0,
        ..Default::default()
    };
    type Case<'a> = (
        &'a str,
        switchboard::proto::Media,
        &'a [(&'a str, &'a [usize])],
        &'a str,
    );
    let cases: Vec<Case> = vec![
        (
            "What is the total on this receipt, with 8 % tax?",
            image(),
            &[("ocr", &[]), ("math", &[0])],
            "route",
        ),
        (
            "帮我把这张发票上的金额加起来",
            image(),
            &[("ocr", &[]), ("math", &[0])],
            "route",
        ),
        (
            "Turn this screenshot into HTML, and tell me where to click to log in",
            image(),
            &[("frontend", &[]), ("gui", &[])],
            "dispatcher",
        ),
        (
            "Fill this form, then tell me what is still missing",
            image(),
            &[("form_fill", &[]), ("general", &[0])],
            "dispatcher",
        ),
        (
            "In this lecture video, read the formulas on the slides and solve the last one",
            video(),
            &[("video", &[]), ("ocr", &[0]), ("math", &[1])],
            "dispatcher",
        ),
        (
            "Where do I click to log in?",
            image(),
            &[("gui", &[])],
            "route",
        ),
    ];
    for (text, media, want, source) in cases {
        let r = c
            .classify(AskRequest {
                text: text.into(),
                media: vec![media],
                ..Default::default()
            })
            .await
            .unwrap()
            .into_inner();
        assert_eq!(r.stage, "learned", "{text}: {r:?}");
        let plan = r.plan.as_ref().unwrap();
        let got: Vec<(&str, Vec<usize>)> = plan
            .steps
            .iter()
            .map(|s| {
                let after = s
                    .after
                    .iter()
                    .filter_map(|a| plan.steps.iter().position(|x| &x.id == a))
                    .collect();
                (s.expert.as_str(), after)
            })
            .collect();
        let want: Vec<(&str, Vec<usize>)> = want.iter().map(|(e, a)| (*e, a.to_vec())).collect();
        assert_eq!((got, plan.source.as_str()), (want, source), "{text}");
        let sum: f32 = r.routes.iter().map(|x| x.score).sum();
        assert!((sum - 1.0).abs() < 1e-3, "{r:?}");
    }
    running.shutdown().await.unwrap();
}

//! The search expert over real gRPC on loopback, with the OpenAI-compatible test double
//! standing in for a remote vLLM serving Qwen3-VL: "find products like this" in English and
//! Chinese is routed to it, its JSON answer becomes a `SearchQuery` with an escaped query
//! string, a broken answer is asked again, and it runs as a step of a plan.

use crate::common::fake_openai::{FakeOpenAi, Script};
use crate::common::*;
use switchboard::proto::{AskRequest, Media, Plan, PlanStep, SearchQuery, expert_result};

const ANSWER: &str = "```json\n{\"keywords\": [\"red dress\", \"off-shoulder\", \"straw hat\"], \"attributes\": {\"category\": \"dress\", \"colour\": \"red\", \"material\": \"cotton (100%)\"}, \"negative\": [\"long sleeves\"]}\n```";

fn image() -> Media {
    Media {
        data: png(64, 96),
        mime_type: "image/png".into(),
        ..Default::default()
    }
}

fn request(text: &str) -> AskRequest {
    AskRequest {
        text: text.into(),
        media: vec![image()],
        ..Default::default()
    }
}

/// The user text the n-th model request carried.
fn user_text(body: &serde_json::Value) -> String {
    body["messages"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|m| m["role"] == "user")
        .map(|m| m["content"].to_string())
        .collect()
}

async fn ask(script: Script, req: AskRequest) -> (String, SearchQuery, Vec<String>, FakeOpenAi) {
    let fake = FakeOpenAi::start(script).await;
    let dir = tempfile::tempdir().unwrap();
    let running = start(test_config(dir.path(), Some(fake.url()))).await;
    let mut c = client(&running).await;
    let r = c.ask(req).await.unwrap().into_inner();
    running.shutdown().await.unwrap();
    let result = r.result.expect("a result");
    let Some(expert_result::Kind::Search(q)) = result.kind else {
        panic!("no search result: {:?} {:?}", r.expert, result.warnings)
    };
    (r.expert, q, result.warnings, fake)
}

#[tokio::test]
async fn find_products_like_this_becomes_a_search_query_in_both_languages() {
    let _machine = machine::shared().await;
    for (text, prompt_says) in [
        (
            "Find products like this",
            "The user wants to find: Find products like this",
        ),
        ("帮我找类似的商品", "用户想找：帮我找类似的商品"),
    ] {
        let script = Script {
            chunks: vec![ANSWER.into()],
            ..Script::default()
        };
        let (expert, q, warnings, fake) = ask(script, request(text)).await;
        assert_eq!(expert, "search", "{text}");
        assert!(warnings.is_empty(), "{warnings:?}");
        assert_eq!(q.keywords, ["red dress", "off-shoulder", "straw hat"]);
        assert_eq!(q.attributes["colour"], "red");
        assert_eq!(q.negative, ["long sleeves"]);
        // Escaped for query_string: the hyphen and the parentheses are syntax there.
        assert_eq!(
            q.query_string,
            "\"red dress\" off\\-shoulder \"straw hat\" dress red \"cotton (100%)\" -\"long sleeves\""
        );
        let requests = fake.requests();
        assert_eq!(requests.len(), 1);
        assert!(
            user_text(&requests[0]).contains(prompt_says),
            "{}",
            user_text(&requests[0])
        );
    }
}

#[tokio::test]
async fn an_answer_without_keywords_is_asked_again() {
    let _machine = machine::shared().await;
    let script = Script {
        chunks: vec![ANSWER.into()],
        per_request: vec![vec!["{\"keywords\": [], \"attributes\": {}}".into()]],
        ..Script::default()
    };
    let (_, q, warnings, fake) = ask(script, request("Find products like this")).await;
    assert_eq!(fake.requests().len(), 2);
    assert!(
        warnings
            .iter()
            .any(|w| w.starts_with("answer 1 did not match the schema")),
        "{warnings:?}"
    );
    assert_eq!(q.keywords.len(), 3);
}

#[tokio::test]
async fn a_search_step_passes_its_query_to_the_next_step_of_a_plan() {
    let _machine = machine::shared().await;
    let step = |id: &str, expert: &str, after: &[&str]| PlanStep {
        id: id.into(),
        expert: expert.into(),
        after: after.iter().map(|s| s.to_string()).collect(),
        ..Default::default()
    };
    let script = Script {
        by_system: vec![
            ("search-query writer".into(), vec![ANSWER.into()]),
            (
                "helpful assistant".into(),
                vec!["Try the summer sale.".into()],
            ),
        ],
        ..Script::default()
    };
    let mut req = request("Find dresses like this and tell me where to shop");
    req.plan = Some(Plan {
        steps: vec![step("q", "search", &[]), step("a", "general", &["q"])],
        ..Default::default()
    });
    let fake = FakeOpenAi::start(script).await;
    let dir = tempfile::tempdir().unwrap();
    let running = start(test_config(dir.path(), Some(fake.url()))).await;
    let mut c = client(&running).await;
    let r = c.ask(req).await.unwrap().into_inner();
    running.shutdown().await.unwrap();
    assert_eq!(r.steps.len(), 2, "{:?}", r.steps);
    let search = r.steps.iter().find(|s| s.expert == "search").unwrap();
    let Some(expert_result::Kind::Search(q)) = search.result.as_ref().and_then(|x| x.kind.clone())
    else {
        panic!("{search:?}")
    };
    assert_eq!(q.keywords[0], "red dress");
    assert_eq!(r.text, "Try the summer sale.");
    let general = fake
        .requests()
        .into_iter()
        .find(|b| {
            b["messages"][0]["content"]
                .as_str()
                .unwrap_or("")
                .contains("helpful assistant")
        })
        .unwrap();
    assert!(
        user_text(&general).contains("query_string: \\\"red dress\\\" off\\\\-shoulder"),
        "{}",
        user_text(&general)
    );
}

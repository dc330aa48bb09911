//! Routing accuracy on the labeled set (tests/fixtures/routing/eval.jsonl: realistic requests in
//! English and Chinese with their media kind). The router's own examples live in the manifests
//! and never appear in this set. Prints the per-route confusion matrix (`--nocapture`).
//!
//! tests/fixtures/routing/plans.jsonl is a second set, written apart from the manifests and the
//! first set, from task categories of RPA, document and support work: 339 requests, a third of
//! them composite with their plan (steps and `after` edges). The composing of plans was tuned
//! while its misses were visible, so it is a development set now.
//!
//! tests/fixtures/routing/heldout.jsonl is a third set (392 requests, 146 composite), written by
//! someone who saw neither the manifests nor the other sets, from other work domains; nothing is
//! tuned on it. Both are scored on what Classify returns: the plan Ask would run.

use crate::common;

use std::collections::BTreeMap;

use switchboard::config::RoutingConfig;
use switchboard::dispatch::encoder::Encoder;
use switchboard::dispatch::{Dispatcher, Thresholds};
use switchboard::experts::Registry;
use switchboard::media::{MediaItem, MediaKind, MediaSource};
use switchboard::request::AskInput;

struct Case {
    text: String,
    media: String,
    route: String,
}

fn cases() -> Vec<Case> {
    let text =
        std::fs::read_to_string(common::repo().join("tests/fixtures/routing/eval.jsonl")).unwrap();
    text.lines()
        .map(|l| {
            let v: serde_json::Value = serde_json::from_str(l).unwrap();
            Case {
                text: v["text"].as_str().unwrap().into(),
                media: v["media"].as_str().unwrap().into(),
                route: v["route"].as_str().unwrap().into(),
            }
        })
        .collect()
}

fn input(c: &Case) -> AskInput {
    let kind = match c.media.as_str() {
        "image" => Some(MediaKind::Image),
        "video" => Some(MediaKind::Video),
        _ => None,
    };
    let media = kind
        .map(|kind| MediaItem {
            kind,
            mime_type: if kind == MediaKind::Image {
                "image/png"
            } else {
                "video/mp4"
            }
            .into(),
            source: MediaSource::File(bytes::Bytes::new()),
            width: 0,
            height: 0,
            digest: Default::default(),
        })
        .into_iter()
        .collect();
    AskInput {
        text: c.text.clone(),
        media,
        ..Default::default()
    }
}

fn registry() -> Registry {
    Registry::load(
        &common::repo().join("experts"),
        &common::repo().join("prompts"),
    )
    .unwrap()
}

/// The dispatcher as the server builds it by default: rules and the sentence encoder.
fn dispatcher(reg: &Registry) -> Dispatcher {
    let assets = common::assets();
    let encoder = Encoder::load(
        &assets.join("encoder/use_multilingual_int8.onnx"),
        &assets.join("onnxruntime/libonnxruntime.so.1.31.1"),
    )
    .unwrap();
    let thresholds = Thresholds::from_config(&RoutingConfig::default());
    Dispatcher::new(reg, Some(encoder), thresholds).unwrap()
}

#[test]
fn evaluation_set_is_disjoint_from_the_router_examples() {
    let reg = registry();
    let examples: Vec<String> = reg
        .all()
        .iter()
        .flat_map(|m| m.examples.en.iter().chain(&m.examples.zh).cloned())
        .map(|s| s.trim().to_lowercase())
        .collect();
    let cases = cases();
    assert!(cases.len() >= 400, "{} cases", cases.len());
    for c in &cases {
        assert!(
            !examples.contains(&c.text.trim().to_lowercase()),
            "{:?} is also a router example",
            c.text
        );
    }
    let zh = cases
        .iter()
        .filter(|c| switchboard::request::language(&c.text) == "zh")
        .count();
    assert!(
        zh * 3 > cases.len() && zh * 3 < cases.len() * 2,
        "{zh} Chinese of {}",
        cases.len()
    );
}

#[test]
fn routing_accuracy_on_the_evaluation_set() {
    let reg = registry();
    let dispatcher = dispatcher(&reg);
    let ids: Vec<String> = reg.ids().into_iter().map(str::to_string).collect();
    let mut confusion: BTreeMap<(String, String), usize> = BTreeMap::new();
    let mut stages: BTreeMap<String, usize> = BTreeMap::new();
    let mut wrong = Vec::new();
    let cases = cases();
    for c in &cases {
        let routing = dispatcher.route(&input(c)).unwrap();
        *confusion
            .entry((c.route.clone(), routing.expert.clone()))
            .or_default() += 1;
        *stages.entry(routing.stage.clone()).or_default() += 1;
        if routing.expert != c.route {
            wrong.push(format!(
                "  [{}] {} -> {} ({}) {:?}",
                c.media, c.route, routing.expert, routing.stage, c.text
            ));
        }
    }
    let correct = cases.len() - wrong.len();
    let accuracy = correct as f64 / cases.len() as f64;
    println!(
        "accuracy {correct}/{} = {:.1}%; decided by {stages:?}",
        cases.len(),
        accuracy * 100.0
    );
    print_confusion(&ids, &ids, &confusion);
    println!("misrouted:\n{}", wrong.join("\n"));
    assert!(
        accuracy >= 0.95,
        "routing accuracy {:.1}% is under 95%",
        accuracy * 100.0
    );
}

/// A confusion table: a row per labelled route, a column per outcome.
fn print_confusion(rows: &[String], cols: &[String], counts: &BTreeMap<(String, String), usize>) {
    print!("{:<10}", "want\\got");
    for id in cols {
        print!("{id:>10}");
    }
    println!();
    for want in rows {
        print!("{want:<10}");
        for got in cols {
            let n = counts.get(&(want.clone(), got.clone())).copied();
            print!("{:>10}", n.unwrap_or(0));
        }
        println!();
    }
}

struct PlanCase {
    text: String,
    media: String,
    /// The expert of each step, and the steps it waits for; one step for a single route.
    steps: Vec<(String, Vec<usize>)>,
}

fn plan_cases(file: &str) -> Vec<PlanCase> {
    let text =
        std::fs::read_to_string(common::repo().join("tests/fixtures/routing").join(file)).unwrap();
    text.lines()
        .map(|l| {
            let v: serde_json::Value = serde_json::from_str(l).unwrap();
            let steps = match v.get("plan") {
                Some(plan) => plan
                    .as_array()
                    .unwrap()
                    .iter()
                    .map(|s| {
                        let after = s["after"]
                            .as_array()
                            .unwrap()
                            .iter()
                            .map(|i| i.as_u64().unwrap() as usize)
                            .collect();
                        (s["expert"].as_str().unwrap().to_string(), after)
                    })
                    .collect(),
                None => vec![(v["route"].as_str().unwrap().to_string(), vec![])],
            };
            PlanCase {
                text: v["text"].as_str().unwrap().into(),
                media: v["media"].as_str().unwrap().into(),
                steps,
            }
        })
        .collect()
}

fn plan_input(c: &PlanCase) -> AskInput {
    let one = |media: &str| {
        input(&Case {
            text: c.text.clone(),
            media: media.into(),
            route: String::new(),
        })
    };
    match c.media.as_str() {
        "images" => {
            let mut i = one("image");
            let second = i.media[0].clone();
            i.media.push(second);
            i
        }
        m => one(m),
    }
}

/// The app as the server builds it by default, without a model: rules, the sentence encoder,
/// the OCR tool (so that the manifests' `needs` apply), and plan composing.
fn app(dir: &std::path::Path) -> switchboard::app::App {
    let assets = common::assets();
    let mut c = switchboard::config::Config::default();
    c.experts.dir = common::repo().join("experts");
    c.experts.prompts_dir = common::repo().join("prompts");
    c.routing.semantic.encoder = assets.join("encoder/use_multilingual_int8.onnx");
    c.onnxruntime.library = assets.join("onnxruntime/libonnxruntime.so.1.31.1");
    c.ocr.models_dir = assets.join("ocr");
    c.memory.data_dir = dir.to_path_buf();
    c.metrics.enabled = false;
    switchboard::app::App::with_backend(c, None).unwrap()
}

fn well_formed(cases: &[PlanCase], ids: &[String], apart_from: &[String]) {
    assert!(cases.len() >= 300, "{} cases", cases.len());
    let composite = cases.iter().filter(|c| c.steps.len() > 1).count();
    assert!(composite * 10 >= cases.len() * 3, "{composite} composite");
    let zh = cases
        .iter()
        .filter(|c| switchboard::request::language(&c.text) == "zh")
        .count();
    assert!(
        zh * 3 > cases.len() && zh * 3 < cases.len() * 2,
        "{zh} Chinese"
    );
    for c in cases {
        assert!(
            !apart_from.contains(&c.text.trim().to_lowercase()),
            "{:?} is also in the manifests or another set",
            c.text
        );
        assert!(
            ["none", "image", "images", "video"].contains(&c.media.as_str()),
            "{:?}",
            c.media
        );
        for (i, (expert, after)) in c.steps.iter().enumerate() {
            assert!(ids.contains(expert), "{:?}: no expert {expert}", c.text);
            assert!(
                after.iter().all(|&a| a < i),
                "{:?}: step {i} waits on a later one",
                c.text
            );
        }
    }
}

/// Scores a plan set on what Classify returns. A single-route case is right when the plan
/// answers with its expert and is not a composed one (steps the manifest `needs` first are part
/// of a route); a composite case when the plan's steps and edges are exactly the labelled ones,
/// in order. Prints both, the single-route confusion and the plan shapes; with `show_misses`,
/// every miss too. Returns (single accuracy, plan accuracy).
fn score_plans(file: &str, show_misses: bool) -> (f64, f64) {
    let dir = tempfile::tempdir().unwrap();
    let app = app(dir.path());
    let reg = registry();
    let ids: Vec<String> = reg.ids().into_iter().map(str::to_string).collect();
    let cases = plan_cases(file);
    let mut confusion: BTreeMap<(String, String), usize> = BTreeMap::new();
    let mut shapes: BTreeMap<(String, String), usize> = BTreeMap::new();
    let (mut single, mut single_right, mut composite, mut plan_right) = (0, 0, 0, 0);
    let mut misses = Vec::new();
    let show = |steps: &[(String, Vec<usize>)]| {
        steps
            .iter()
            .map(|(e, a)| format!("{e}{a:?}"))
            .collect::<Vec<_>>()
            .join(" ")
    };
    for c in &cases {
        let (_, plan) = app.classify(&plan_input(c), None).unwrap();
        let got = plan.shape();
        if c.steps.len() == 1 {
            single += 1;
            let answering = plan.answering_expert().unwrap_or_default().to_string();
            let composed = plan.source == switchboard::planner::PlanSource::Dispatcher;
            let label = if composed {
                "(plan)".to_string()
            } else {
                answering
            };
            let ok = label == c.steps[0].0;
            single_right += usize::from(ok);
            *confusion.entry((c.steps[0].0.clone(), label)).or_default() += 1;
            if !ok {
                misses.push(format!(
                    "  [{}] {} -> {} {:?}",
                    c.media,
                    show(&c.steps),
                    show(&got),
                    c.text
                ));
            }
        } else {
            composite += 1;
            let ok = got == c.steps;
            plan_right += usize::from(ok);
            *shapes
                .entry((show(&c.steps), if ok { "right".into() } else { show(&got) }))
                .or_default() += 1;
            if !ok {
                misses.push(format!(
                    "  [{}] {} -> {} {:?}",
                    c.media,
                    show(&c.steps),
                    show(&got),
                    c.text
                ));
            }
        }
    }
    let single_acc = single_right as f64 / single as f64;
    let plan_acc = plan_right as f64 / composite as f64;
    println!(
        "{file}: single-route accuracy {single_right}/{single} = {:.1}%; plan accuracy \
         {plan_right}/{composite} = {:.1}%",
        100.0 * single_acc,
        100.0 * plan_acc
    );
    let mut cols = ids.clone();
    cols.push("(plan)".into());
    print_confusion(&ids, &cols, &confusion);
    println!("composite plans (labelled -> got):");
    for ((want, got), n) in &shapes {
        println!("  {n:>3}  {want}  ->  {got}");
    }
    if show_misses {
        println!("misses:\n{}", misses.join("\n"));
    }
    (single_acc, plan_acc)
}

fn all_examples(reg: &Registry) -> Vec<String> {
    reg.all()
        .iter()
        .flat_map(|m| m.examples.en.iter().chain(&m.examples.zh).cloned())
        .chain(cases().into_iter().map(|c| c.text))
        .map(|s| s.trim().to_lowercase())
        .collect()
}

/// The second set (the development set of plan composing): well formed, apart from the
/// router's examples and the first set, scored with its misses shown.
#[test]
fn second_set_is_well_formed_apart_and_scored() {
    let reg = registry();
    let ids: Vec<String> = reg.ids().into_iter().map(str::to_string).collect();
    well_formed(&plan_cases("plans.jsonl"), &ids, &all_examples(&reg));
    score_plans("plans.jsonl", true);
}

/// The held-out set: well formed and apart from every other set; scored, with the tables only
/// (its misses are not printed: nothing is tuned on it). The bars (single-route accuracy 95 %,
/// plan accuracy 90 %) are not met yet, so the scores are reported, and the issue stays open.
#[test]
fn held_out_set_is_well_formed_apart_and_scored() {
    let reg = registry();
    let ids: Vec<String> = reg.ids().into_iter().map(str::to_string).collect();
    let mut apart = all_examples(&reg);
    apart.extend(
        plan_cases("plans.jsonl")
            .into_iter()
            .map(|c| c.text.trim().to_lowercase()),
    );
    well_formed(&plan_cases("heldout.jsonl"), &ids, &apart);
    score_plans("heldout.jsonl", false);
}

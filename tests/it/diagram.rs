//! The diagram expert over real gRPC on loopback, with the OpenAI-compatible test double
//! standing in for a remote vLLM serving Qwen3-VL: canned answers as JSON, as mxGraph XML, cut
//! off, and with dangling edges each come back as a `.drawio` file (read back here with
//! quick-xml, every edge resolved) and Mermaid; and with no model configured, rendered
//! flowcharts traced by the model-free path.

use std::collections::HashSet;

use crate::common::fake_openai::{FakeOpenAi, Script};
use crate::common::*;
use quick_xml::Reader;
use quick_xml::events::Event;
use switchboard::proto::{AskRequest, DiagramResult, Media, expert_result};
use tonic::Code;

const WHITEBOARD: &str = "Turn this whiteboard sketch into a draw.io diagram.";
const ZH: &str = "把这张流程图转成可编辑的 draw.io 文件";

const JSON: &str = "```json\n{\"nodes\": [\n  {\"id\": \"start\", \"label\": \"Start\", \"shape\": \"start_end\", \"bbox_2d\": [400, 50, 600, 150]},\n  {\"id\": \"ok\", \"label\": \"Input OK?\", \"shape\": \"decision\", \"bbox_2d\": [400, 300, 600, 500]},\n  {\"id\": \"save\", \"label\": \"Save \\\"record\\\"\", \"shape\": \"process\", \"bbox_2d\": [700, 350, 900, 450]}\n],\n\"edges\": [\n  {\"from\": \"start\", \"to\": \"ok\", \"label\": \"\", \"arrow\": \"forward\"},\n  {\"from\": \"ok\", \"to\": \"save\", \"label\": \"yes\", \"arrow\": \"forward\"}\n]}\n```";

/// Qwen3-VL writing draw.io XML itself, geometry on the 0–1000 grid, one id used twice.
const XML: &str = "```xml\n<mxfile><diagram name=\"Page-1\"><mxGraphModel><root><mxCell id=\"0\"/><mxCell id=\"1\" parent=\"0\"/>\n<mxCell id=\"a\" value=\"开始\" style=\"ellipse;whiteSpace=wrap;html=1;\" vertex=\"1\" parent=\"1\"><mxGeometry x=\"100\" y=\"100\" width=\"200\" height=\"100\" as=\"geometry\"/></mxCell>\n<mxCell id=\"b\" value=\"审核&lt;br&gt;通过？\" style=\"rhombus;whiteSpace=wrap;html=1;\" vertex=\"1\" parent=\"1\"><mxGeometry x=\"100\" y=\"400\" width=\"200\" height=\"200\" as=\"geometry\"/></mxCell>\n<mxCell id=\"b\" value=\"归档\" style=\"rounded=0;\" vertex=\"1\" parent=\"1\"><mxGeometry x=\"500\" y=\"450\" width=\"200\" height=\"100\" as=\"geometry\"/></mxCell>\n<mxCell id=\"e1\" value=\"\" style=\"endArrow=classic;\" edge=\"1\" parent=\"1\" source=\"a\" target=\"b\"><mxGeometry relative=\"1\" as=\"geometry\"/></mxCell>\n</root></mxGraphModel></diagram></mxfile>\n```";

fn image(w: u32, h: u32) -> Media {
    Media {
        data: png(w, h),
        mime_type: "image/png".into(),
        ..Default::default()
    }
}

fn request(text: &str) -> AskRequest {
    AskRequest {
        text: text.into(),
        media: vec![image(1000, 500)],
        ..Default::default()
    }
}

/// Asks with the double scripted as given; returns the expert, the diagram and the warnings.
async fn ask(script: Script, req: AskRequest) -> (String, DiagramResult, Vec<String>, usize) {
    let fake = FakeOpenAi::start(script).await;
    let dir = tempfile::tempdir().unwrap();
    let running = start(test_config(dir.path(), Some(fake.url()))).await;
    let mut c = client(&running).await;
    let r = c.ask(req).await.unwrap().into_inner();
    running.shutdown().await.unwrap();
    let result = r.result.expect("a result");
    let Some(expert_result::Kind::Diagram(d)) = result.kind else {
        panic!("no diagram result: {:?}", result.warnings)
    };
    (r.expert, d, result.warnings, fake.requests().len())
}

fn chunked(answer: &str) -> Vec<String> {
    answer
        .chars()
        .collect::<Vec<_>>()
        .chunks(17)
        .map(|c| c.iter().collect())
        .collect()
}

/// A `.drawio` file's vertices (id, [x, y, width, height]) and edges (source, target).
type Drawio = (Vec<(String, [f64; 4])>, Vec<(String, String)>);

/// Reads a `.drawio` file as draw.io would: mxfile > diagram > mxGraphModel > root, ids unique,
/// every edge's source and target a vertex. Returns the vertices (id, x, y, w, h) and edges.
fn read_drawio(xml: &str) -> Drawio {
    let mut reader = Reader::from_str(xml);
    let mut path: Vec<String> = Vec::new();
    let mut ids = HashSet::new();
    let mut vertices = Vec::new();
    let mut edges = Vec::new();
    let mut saw_model = false;
    let mut current_vertex: Option<String> = None;
    loop {
        let ev = reader.read_event().expect("well-formed XML");
        let (e, empty) = match &ev {
            Event::Start(e) => (e.clone(), false),
            Event::Empty(e) => (e.clone(), true),
            Event::End(_) => {
                path.pop();
                continue;
            }
            Event::Eof => break,
            _ => continue,
        };
        let name = String::from_utf8(e.name().as_ref().to_vec()).unwrap();
        let attr = |k: &str| {
            e.try_get_attribute(k)
                .unwrap()
                .map(|a| a.unescape_value().unwrap().into_owned())
        };
        match name.as_str() {
            "mxGraphModel" => {
                assert_eq!(path, ["mxfile", "diagram"]);
                saw_model = true;
            }
            "mxCell" => {
                assert_eq!(path, ["mxfile", "diagram", "mxGraphModel", "root"]);
                let id = attr("id").expect("a cell id");
                assert!(ids.insert(id.clone()), "id {id} twice");
                current_vertex = None;
                if attr("edge").as_deref() == Some("1") {
                    edges.push((attr("source").unwrap(), attr("target").unwrap()));
                } else if attr("vertex").as_deref() == Some("1") {
                    current_vertex = Some(id);
                }
            }
            "mxGeometry" => {
                if let Some(id) = current_vertex.take() {
                    let n = |k: &str| attr(k).unwrap().parse::<f64>().unwrap();
                    vertices.push((id, [n("x"), n("y"), n("width"), n("height")]));
                }
            }
            _ => {}
        }
        if !empty {
            path.push(name);
        }
    }
    assert!(saw_model && path.is_empty());
    let vertex_ids: HashSet<&String> = vertices.iter().map(|(id, _)| id).collect();
    for (s, t) in &edges {
        assert!(
            vertex_ids.contains(s) && vertex_ids.contains(t),
            "{s} -> {t}"
        );
    }
    (vertices, edges)
}

#[tokio::test]
async fn a_json_answer_becomes_a_drawio_file_and_mermaid() {
    let _machine = machine::shared().await;
    let (expert, d, warnings, calls) = ask(
        Script {
            chunks: chunked(JSON),
            ..Script::default()
        },
        request(WHITEBOARD),
    )
    .await;
    assert_eq!((expert.as_str(), calls), ("diagram", 1));
    assert!(warnings.is_empty(), "{warnings:?}");
    assert_eq!((d.image_width, d.image_height), (1000, 500));
    let (vertices, edges) = read_drawio(&d.drawio_xml);
    // The grid [400, 300, 600, 500] on a 1000 x 500 image.
    assert_eq!(vertices[1], ("ok".into(), [400.0, 150.0, 200.0, 100.0]));
    assert_eq!(
        edges,
        [("start".into(), "ok".into()), ("ok".into(), "save".into())]
    );
    let shapes: Vec<&str> = d.nodes.iter().map(|n| n.shape.as_str()).collect();
    assert_eq!(shapes, ["start_end", "decision", "process"]);
    assert_eq!(
        d.mermaid,
        "flowchart TD\n    n1([\"Start\"])\n    n2{\"Input OK?\"}\n    n3[\"Save #quot;record#quot;\"]\n    n1 --> n2\n    n2 -->|\"yes\"| n3\n"
    );
}

#[tokio::test]
async fn an_xml_answer_from_a_chinese_request_is_repaired_into_the_same_result() {
    let _machine = machine::shared().await;
    let (expert, d, warnings, _) = ask(
        Script {
            chunks: chunked(XML),
            ..Script::default()
        },
        request(ZH),
    )
    .await;
    assert_eq!(expert, "diagram");
    let ids: Vec<&str> = d.nodes.iter().map(|n| n.id.as_str()).collect();
    assert_eq!(ids, ["a", "b", "b_2"]);
    assert!(
        warnings.iter().any(|w| w.contains("renamed to \"b_2\"")),
        "{warnings:?}"
    );
    assert_eq!(d.nodes[1].label, "审核 通过？");
    assert_eq!(d.nodes[1].shape, "decision");
    let b = d.nodes[2].r#box.unwrap();
    assert_eq!((b.x1, b.y1, b.x2, b.y2), (500.0, 225.0, 700.0, 275.0));
    assert_eq!(
        (d.edges[0].from.as_str(), d.edges[0].to.as_str()),
        ("a", "b")
    );
    let (vertices, edges) = read_drawio(&d.drawio_xml);
    assert_eq!(vertices.len(), 3);
    assert_eq!(edges, [("a".into(), "b".into())]);
    assert!(d.mermaid.contains("n2{\"审核 通过？\"}"), "{}", d.mermaid);
    assert!(d.mermaid.contains("n1 --> n2"), "{}", d.mermaid);
}

#[tokio::test]
async fn a_cut_off_answer_is_asked_again_then_fails_clearly_when_retries_run_out() {
    let _machine = machine::shared().await;
    let cut = &XML[..XML.find("<mxCell id=\"e1\"").unwrap()];
    // Cut off, then whole: the retry repairs it.
    let (_, d, warnings, calls) = ask(
        Script {
            chunks: chunked(JSON),
            per_request: vec![chunked(cut)],
            ..Script::default()
        },
        request(WHITEBOARD),
    )
    .await;
    assert_eq!(calls, 2);
    assert!(
        warnings
            .iter()
            .any(|w| w.starts_with("answer 1 did not match the schema (the XML is cut off")),
        "{warnings:?}"
    );
    assert_eq!(read_drawio(&d.drawio_xml).1.len(), 2);

    // Always cut off: a clear error after the retry.
    let fake = FakeOpenAi::start(Script {
        chunks: chunked(cut),
        ..Script::default()
    })
    .await;
    let dir = tempfile::tempdir().unwrap();
    let running = start(test_config(dir.path(), Some(fake.url()))).await;
    let mut c = client(&running).await;
    let e = c.ask(request(WHITEBOARD)).await.unwrap_err();
    assert_eq!(e.code(), Code::Internal);
    assert!(
        e.message().starts_with(
            "the diagram expert's answer does not match its schema after 2 attempts: the XML is cut off"
        ),
        "{}",
        e.message()
    );
    assert_eq!(fake.requests().len(), 2);
    running.shutdown().await.unwrap();
}

#[tokio::test]
async fn dangling_edges_are_dropped_with_a_warning() {
    let _machine = machine::shared().await;
    let answer = JSON.replace(
        "]}\n```",
        ",\n  {\"from\": \"save\", \"to\": \"done\"},\n  {\"from\": \"ghost\", \"to\": \"start\"}\n]}\n```",
    );
    let (_, d, warnings, calls) = ask(
        Script {
            chunks: chunked(&answer),
            ..Script::default()
        },
        request(WHITEBOARD),
    )
    .await;
    assert_eq!(calls, 1);
    assert_eq!(d.edges.len(), 2);
    let dropped: Vec<&String> = warnings.iter().filter(|w| w.contains("dropped")).collect();
    assert_eq!(dropped.len(), 2, "{warnings:?}");
    assert!(dropped[0].contains("no node \"done\""), "{dropped:?}");
    assert!(dropped[1].contains("no node \"ghost\""), "{dropped:?}");
    let (vertices, edges) = read_drawio(&d.drawio_xml);
    assert_eq!((vertices.len(), edges.len()), (3, 2));
    assert!(!d.mermaid.contains("done") && !d.mermaid.contains("ghost"));
}

/// A rendered flowchart's truth: node boxes by id, and edges from → to.
type ChartTruth = (Vec<(String, [f32; 4])>, Vec<(String, String)>);

/// A rendered flowchart's truth (tools/diagrams/make_flowcharts.py).
fn chart_truth(id: &str) -> ChartTruth {
    let path = repo().join(format!("tests/fixtures/flowcharts/{id}.json"));
    let v: serde_json::Value = serde_json::from_slice(&std::fs::read(path).unwrap()).unwrap();
    let nodes = v["nodes"]
        .as_array()
        .unwrap()
        .iter()
        .map(|n| {
            let b: Vec<f32> = serde_json::from_value(n["box"].clone()).unwrap();
            (
                n["id"].as_str().unwrap().to_string(),
                [b[0], b[1], b[2], b[3]],
            )
        })
        .collect();
    let edges = v["edges"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| {
            let s = |k: &str| e[k].as_str().unwrap().to_string();
            (s("from"), s("to"))
        })
        .collect();
    (nodes, edges)
}

fn box_iou(a: [f32; 4], b: &switchboard::proto::Box) -> f32 {
    let ix = (a[2].min(b.x2) - a[0].max(b.x1)).max(0.0);
    let iy = (a[3].min(b.y2) - a[1].max(b.y1)).max(0.0);
    let i = ix * iy;
    let area = (a[2] - a[0]) * (a[3] - a[1]) + (b.x2 - b.x1) * (b.y2 - b.y1) - i;
    if area > 0.0 { i / area } else { 0.0 }
}

/// With no model configured, a diagram request is traced on the image by the OCR tool's path:
/// four rendered flowcharts (English and Chinese, top-down and left-right, a loop back, elbow
/// connectors, parallelograms) come back over gRPC as a valid `.drawio` file and Mermaid, with
/// the "no model" warning, and their nodes (IoU ≥ 0.5 with the truth) and directed edges found
/// above floors (the evaluation, tests/eval/diagrams.rs, scores all 24).
#[tokio::test]
async fn without_a_model_a_rendered_flowchart_is_traced_into_drawio_and_mermaid() {
    let _machine = machine::shared().await;
    let dir = tempfile::tempdir().unwrap();
    let running = start(test_config(dir.path(), None)).await;
    let mut c = client(&running).await;
    let (mut nodes, mut nodes_found, mut edges, mut edges_found) = (0, 0, 0, 0);
    for (id, text) in [
        ("fc_01", WHITEBOARD),
        ("fc_04", ZH),
        (
            "fc_07",
            "Convert this flowchart screenshot into an editable diagram.",
        ),
        ("fc_10", "把这张流程图转成 Mermaid"),
    ] {
        let data =
            std::fs::read(repo().join(format!("tests/fixtures/flowcharts/{id}.png"))).unwrap();
        let r = c
            .ask(AskRequest {
                text: text.into(),
                media: vec![Media {
                    data,
                    mime_type: "image/png".into(),
                    ..Default::default()
                }],
                ..Default::default()
            })
            .await
            .unwrap()
            .into_inner();
        assert_eq!(r.expert, "diagram", "{id}");
        let kinds: Vec<&str> = r.steps.iter().map(|s| s.kind.as_str()).collect();
        assert_eq!(kinds, ["ocr", "diagram_trace"], "{id}");
        let result = r.result.expect("a result");
        assert!(
            result.warnings.iter().any(|w| w.starts_with("no model")),
            "{id}: {:?}",
            result.warnings
        );
        let Some(expert_result::Kind::Diagram(d)) = result.kind else {
            panic!("{id}: no diagram result: {:?}", result.warnings)
        };
        let (vertices, drawn) = read_drawio(&d.drawio_xml);
        assert_eq!(vertices.len(), d.nodes.len(), "{id}");
        assert_eq!(drawn.len(), d.edges.len(), "{id}");
        assert!(d.mermaid.starts_with("flowchart"), "{id}: {}", d.mermaid);
        assert!(r.text.contains(&d.mermaid), "{id}: {}", r.text);
        let (truth_nodes, truth_edges) = chart_truth(id);
        // Truth id -> traced id, one to one, by IoU ≥ 0.5.
        let mut matched: Vec<(String, String)> = Vec::new();
        for (tid, tb) in &truth_nodes {
            let best = d
                .nodes
                .iter()
                .filter(|n| !matched.iter().any(|(_, p)| p == &n.id))
                .map(|n| (box_iou(*tb, n.r#box.as_ref().unwrap()), n))
                .filter(|(iou, _)| *iou >= 0.5)
                .max_by(|a, b| a.0.total_cmp(&b.0));
            if let Some((_, n)) = best {
                matched.push((tid.clone(), n.id.clone()));
            }
        }
        let traced = |t: &str| matched.iter().find(|(x, _)| x == t).map(|(_, p)| p.clone());
        nodes += truth_nodes.len();
        nodes_found += matched.len();
        edges += truth_edges.len();
        edges_found += truth_edges
            .iter()
            .filter(|(f, t)| {
                let (Some(f), Some(t)) = (traced(f), traced(t)) else {
                    return false;
                };
                d.edges
                    .iter()
                    .any(|e| e.from == f && e.to == t && e.arrow == "forward")
            })
            .count();
    }
    running.shutdown().await.unwrap();
    let node_recall = nodes_found as f64 / nodes as f64;
    let edge_recall = edges_found as f64 / edges as f64;
    // Measured 1.0 and 1.0 (stop 39).
    assert!(node_recall >= 0.95, "node recall {node_recall:.3}");
    assert!(edge_recall >= 0.9, "edge recall {edge_recall:.3}");
}

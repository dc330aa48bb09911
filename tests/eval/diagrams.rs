//! Model-free diagrams over rendered flowcharts with ground truth (tools/diagrams): node recall
//! (a truth node is found when a traced node's box has IoU ≥ 0.5 with its box, one to one,
//! best IoU first), edge recall (a truth edge is found when a traced edge joins the nodes
//! matched to its ends, pointing the same way), and, shown not held: node and edge precision,
//! label and shape accuracy of the matched nodes.
//!
//! - `diagrams::tuning_set`: tests/fixtures/flowcharts, the 48 charts the tracing was tuned on,
//!   against issue 23's bars and the floors they last held. `FLOWCHARTS_DIR` scores another
//!   set written by tools/diagrams/make_flowcharts.py instead (the held-out set of the notes:
//!   `--seed 4242 --style fresh2`), against the bars; `FLOWCHARTS_QUIET=1` prints the totals
//!   only, so that scoring a held-out set shows no misses to tune on.
//!
//! `cargo test --release --test eval diagrams:: -- --nocapture` prints per-chart figures.

use std::path::{Path, PathBuf};

use serde::Deserialize;
use switchboard::experts::diagram_trace;
use switchboard::experts::parse::diagram::Arrow;
use switchboard::ocr::geom::{self, BBox};

use crate::common;

#[derive(Deserialize)]
pub struct Chart {
    pub id: String,
    pub lang: String,
    pub layout: String,
    pub template: String,
    pub nodes: Vec<TruthNode>,
    pub edges: Vec<TruthEdge>,
}

#[derive(Deserialize)]
pub struct TruthNode {
    pub id: String,
    pub label: String,
    pub shape: String,
    #[serde(rename = "box")]
    pub bbox: BBox,
}

#[derive(Deserialize)]
pub struct TruthEdge {
    pub from: String,
    pub to: String,
    pub label: String,
}

#[derive(Default, Clone, Copy)]
pub struct Score {
    pub nodes: usize,
    pub nodes_found: usize,
    pub nodes_traced: usize,
    pub edges: usize,
    pub edges_found: usize,
    pub edges_traced: usize,
    pub labels_right: usize,
    pub shapes_right: usize,
    /// Found edges whose truth has a label, and those whose label was read right.
    pub edge_labels: usize,
    pub edge_labels_right: usize,
    pub charts: usize,
}

impl Score {
    pub fn add(&mut self, o: &Score) {
        self.nodes += o.nodes;
        self.nodes_found += o.nodes_found;
        self.nodes_traced += o.nodes_traced;
        self.edges += o.edges;
        self.edges_found += o.edges_found;
        self.edges_traced += o.edges_traced;
        self.labels_right += o.labels_right;
        self.shapes_right += o.shapes_right;
        self.edge_labels += o.edge_labels;
        self.edge_labels_right += o.edge_labels_right;
        self.charts += o.charts;
    }

    pub fn node_recall(&self) -> f64 {
        self.nodes_found as f64 / self.nodes.max(1) as f64
    }

    pub fn edge_recall(&self) -> f64 {
        self.edges_found as f64 / self.edges.max(1) as f64
    }

    pub fn summary(&self, what: &str) -> String {
        format!(
            "{what}: {} charts; node recall {:.3} ({}/{}), precision {:.3}; edge recall {:.3} ({}/{}), precision {:.3}; labels {}/{} and shapes {}/{} right on found nodes; edge labels {}/{} right on found edges",
            self.charts,
            self.node_recall(),
            self.nodes_found,
            self.nodes,
            self.nodes_found as f64 / self.nodes_traced.max(1) as f64,
            self.edge_recall(),
            self.edges_found,
            self.edges,
            self.edges_found as f64 / self.edges_traced.max(1) as f64,
            self.labels_right,
            self.nodes_found,
            self.shapes_right,
            self.nodes_found,
            self.edge_labels_right,
            self.edge_labels,
        )
    }
}

fn squash(s: &str) -> String {
    s.chars()
        .filter(|c| c.is_alphanumeric())
        .flat_map(char::to_lowercase)
        .collect()
}

/// Traces one chart's image and scores it against its truth.
pub fn score_chart(
    ocr: &mut switchboard::ocr::OcrEngine,
    dir: &Path,
    chart: &Chart,
    say: &mut dyn FnMut(String),
) -> Score {
    let bytes = std::fs::read(dir.join(format!("{}.png", chart.id))).expect("the chart's image");
    let img = switchboard::engine::qwen3vl::preprocess::decode(&bytes).unwrap();
    let page = ocr.read(&img).unwrap();
    let gray = image::imageops::grayscale(&img);
    let (graph, warnings) = diagram_trace::trace(&page, &gray);
    let traced: Vec<BBox> = graph
        .nodes
        .iter()
        .map(|n| n.pixels.unwrap_or_default().map(|v| v as f32))
        .collect();
    // One to one, best IoU first.
    let mut pairs: Vec<(f32, usize, usize)> = Vec::new();
    for (t, tn) in chart.nodes.iter().enumerate() {
        for (p, pb) in traced.iter().enumerate() {
            let iou = geom::iou(&tn.bbox, pb);
            if iou >= 0.5 {
                pairs.push((iou, t, p));
            }
        }
    }
    pairs.sort_by(|a, b| b.0.total_cmp(&a.0));
    let mut of_truth: Vec<Option<usize>> = vec![None; chart.nodes.len()];
    let mut taken = vec![false; traced.len()];
    for (_, t, p) in pairs {
        if of_truth[t].is_none() && !taken[p] {
            of_truth[t] = Some(p);
            taken[p] = true;
        }
    }
    let mut s = Score {
        charts: 1,
        nodes: chart.nodes.len(),
        nodes_traced: graph.nodes.len(),
        edges: chart.edges.len(),
        edges_traced: graph.edges.len(),
        ..Score::default()
    };
    for (t, tn) in chart.nodes.iter().enumerate() {
        let Some(p) = of_truth[t] else {
            say(format!(
                "{}: node {:?} ({}) at {:?} not found",
                chart.id, tn.label, tn.shape, tn.bbox
            ));
            continue;
        };
        s.nodes_found += 1;
        let pn = &graph.nodes[p];
        if squash(&pn.label) == squash(&tn.label) {
            s.labels_right += 1;
        } else {
            say(format!(
                "{}: node {:?} read as {:?}",
                chart.id, tn.label, pn.label
            ));
        }
        if pn.shape.name() == tn.shape {
            s.shapes_right += 1;
        } else {
            say(format!(
                "{}: node {:?} is a {}, traced as {}",
                chart.id,
                tn.label,
                tn.shape,
                pn.shape.name()
            ));
        }
    }
    for (p, pn) in graph.nodes.iter().enumerate().filter(|(p, _)| !taken[*p]) {
        say(format!(
            "{}: extra node {:?} ({}) at {:?}",
            chart.id,
            pn.label,
            pn.shape.name(),
            traced[p]
        ));
    }
    if std::env::var_os("FLOWCHARTS_EDGES").is_some() {
        for e in &graph.edges {
            say(format!(
                "{}: traced edge {} -> {} {:?} {:?}",
                chart.id, e.from, e.to, e.arrow, e.label
            ));
        }
    }
    let index = |id: &str| chart.nodes.iter().position(|n| n.id == id);
    let node_of = |id: &str| graph.nodes.iter().position(|n| n.id == id);
    for te in &chart.edges {
        let (Some(a), Some(b)) = (index(&te.from), index(&te.to)) else {
            continue;
        };
        let found = match (of_truth[a], of_truth[b]) {
            (Some(pa), Some(pb)) => graph.edges.iter().find(|e| {
                let (f, t) = (node_of(&e.from), node_of(&e.to));
                e.arrow == Arrow::Forward && f == Some(pa) && t == Some(pb)
            }),
            _ => None,
        };
        if let Some(e) = found {
            s.edges_found += 1;
            if !te.label.is_empty() {
                s.edge_labels += 1;
                if squash(&e.label) == squash(&te.label) {
                    s.edge_labels_right += 1;
                } else {
                    say(format!(
                        "{}: edge {:?} -> {:?} labelled {:?}, read {:?}",
                        chart.id, chart.nodes[a].label, chart.nodes[b].label, te.label, e.label
                    ));
                }
            }
        } else {
            say(format!(
                "{}: edge {:?} -> {:?} not found",
                chart.id, chart.nodes[a].label, chart.nodes[b].label
            ));
        }
    }
    for w in warnings {
        say(format!("{}: warning: {w}", chart.id));
    }
    s
}

/// Every chart in `dir`, in name order.
pub fn charts(dir: &Path) -> Vec<Chart> {
    let mut files: Vec<PathBuf> = std::fs::read_dir(dir)
        .unwrap_or_else(|e| panic!("{}: {e}", dir.display()))
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.extension().is_some_and(|x| x == "json"))
        .collect();
    files.sort();
    files
        .iter()
        .map(|f| {
            serde_json::from_slice(&std::fs::read(f).unwrap())
                .unwrap_or_else(|e| panic!("{}: {e}", f.display()))
        })
        .collect()
}

fn score_set(dir: &Path) -> Score {
    let mut ocr = common::ocr_engine();
    let quiet = std::env::var_os("FLOWCHARTS_QUIET").is_some_and(|v| v != "0");
    let mut total = Score::default();
    if !quiet {
        println!("| chart | lang | layout | template | nodes | edges |");
        println!("|---|---|---|---|---|---|");
    }
    for chart in charts(dir) {
        let mut say = |m: String| {
            if !quiet {
                eprintln!("{m}");
            }
        };
        let s = score_chart(&mut ocr, dir, &chart, &mut say);
        if !quiet {
            println!(
                "| {} | {} | {} | {} | {}/{} | {}/{} |",
                chart.id,
                chart.lang,
                chart.layout,
                chart.template,
                s.nodes_found,
                s.nodes,
                s.edges_found,
                s.edges
            );
        }
        total.add(&s);
    }
    total
}

/// Issue 23's bars: node recall ≥ 0.9 and edge recall ≥ 0.8 on at least 20 charts.
#[test]
fn tuning_set() {
    let other = std::env::var_os("FLOWCHARTS_DIR");
    let dir = other.clone().map_or_else(
        || common::repo().join("tests/fixtures/flowcharts"),
        PathBuf::from,
    );
    let s = score_set(&dir);
    if other.is_none() {
        // The floors the project's 48 charts held (stop 39: 1.000 and 0.997), so that a change
        // that loses ground fails.
        assert!(s.charts >= 48, "{} charts, not 48", s.charts);
        assert!(s.node_recall() >= 0.99, "{}", s.summary("project set"));
        assert!(s.edge_recall() >= 0.98, "{}", s.summary("project set"));
    }
    println!("{}", s.summary(&dir.display().to_string()));
    assert!(s.charts >= 20, "{} charts, not 20", s.charts);
    assert!(
        s.node_recall() >= 0.9,
        "node recall {:.3} < 0.9",
        s.node_recall()
    );
    assert!(
        s.edge_recall() >= 0.8,
        "edge recall {:.3} < 0.8",
        s.edge_recall()
    );
}

//! The diagram expert's answer as a typed result. The model writes either a JSON node/edge list
//! or draw.io mxGraph XML, with boxes on the 0–1000 grid; this reads either, repairs the graph
//! (unique ids, no dangling edges, bounded sizes), converts boxes to pixels through
//! `coords::box_to_pixels`, and writes both the `.drawio` file and Mermaid from the one graph.

use std::collections::{HashMap, HashSet};
use std::fmt::Write as _;

use quick_xml::Reader;
use quick_xml::escape::escape;
use quick_xml::events::{BytesStart, Event};
use serde_json::Value;

use super::coords::box_to_pixels;
use super::json;
use crate::proto::{Box as PxBox, DiagramEdge, DiagramNode, DiagramResult};

/// Larger answers are refused before parsing (a diagram of the caps below is far smaller).
pub const MAX_ANSWER_BYTES: usize = 512 * 1024;
/// Nodes and edges kept; the rest are dropped with a warning.
pub const MAX_NODES: usize = 500;
pub const MAX_EDGES: usize = 2_000;
/// Labels and ids are cut to this many characters.
const MAX_TEXT_CHARS: usize = 500;
/// XML nesting deeper than this is not an mxGraph file.
const MAX_DEPTH: usize = 32;
/// Where nodes without a usable box are stacked, and their size in pixels.
const FALLBACK_W: f64 = 120.0;
const FALLBACK_H: f64 = 60.0;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Shape {
    Process,
    Decision,
    StartEnd,
    Data,
    Note,
    Other,
}

impl Shape {
    pub fn name(self) -> &'static str {
        match self {
            Shape::Process => "process",
            Shape::Decision => "decision",
            Shape::StartEnd => "start_end",
            Shape::Data => "data",
            Shape::Note => "note",
            Shape::Other => "other",
        }
    }

    /// A shape named in JSON, with the names models use for it.
    fn from_name(s: &str) -> Shape {
        let s = s.trim().to_ascii_lowercase().replace(['-', ' ', '/'], "_");
        match s.as_str() {
            "process" | "rect" | "rectangle" | "box" | "step" | "action" => Shape::Process,
            "decision" | "diamond" | "rhombus" | "condition" | "choice" => Shape::Decision,
            "start_end" | "startend" | "start" | "end" | "terminator" | "terminal" | "oval"
            | "ellipse" | "circle" | "stadium" => Shape::StartEnd,
            "data" | "io" | "input" | "output" | "input_output" | "parallelogram" => Shape::Data,
            "note" | "comment" | "annotation" => Shape::Note,
            _ => Shape::Other,
        }
    }

    /// The shape a draw.io style draws.
    fn from_style(style: &str) -> Shape {
        let s = style.to_ascii_lowercase();
        if s.contains("rhombus") || s.contains("decision") {
            Shape::Decision
        } else if s.contains("ellipse") || s.contains("terminator") {
            Shape::StartEnd
        } else if s.contains("parallelogram") || s.contains("flowchart.data") {
            Shape::Data
        } else if s.contains("note") {
            Shape::Note
        } else if s.starts_with("text;") || s.contains("shape=") {
            Shape::Other
        } else {
            Shape::Process
        }
    }

    fn style(self) -> &'static str {
        match self {
            Shape::Process => "rounded=0;whiteSpace=wrap;",
            Shape::Decision => "rhombus;whiteSpace=wrap;",
            Shape::StartEnd => "ellipse;whiteSpace=wrap;",
            Shape::Data => "shape=parallelogram;perimeter=parallelogramPerimeter;whiteSpace=wrap;",
            Shape::Note => "shape=note;whiteSpace=wrap;",
            Shape::Other => "rounded=1;whiteSpace=wrap;",
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Arrow {
    Forward,
    Backward,
    Both,
    None,
}

impl Arrow {
    pub fn name(self) -> &'static str {
        match self {
            Arrow::Forward => "forward",
            Arrow::Backward => "backward",
            Arrow::Both => "both",
            Arrow::None => "none",
        }
    }

    fn from_name(s: &str) -> Arrow {
        match s.trim().to_ascii_lowercase().as_str() {
            "backward" | "back" | "reverse" | "<-" => Arrow::Backward,
            "both" | "bidirectional" | "<->" => Arrow::Both,
            "none" | "no" | "line" | "undirected" | "-" => Arrow::None,
            _ => Arrow::Forward,
        }
    }

    /// draw.io draws an end arrow unless told `endArrow=none`, and no start arrow unless told.
    fn from_style(style: &str) -> Arrow {
        let s = style.to_ascii_lowercase();
        let end = !s.contains("endarrow=none");
        let start = s.contains("startarrow=") && !s.contains("startarrow=none");
        match (start, end) {
            (false, true) => Arrow::Forward,
            (true, false) => Arrow::Backward,
            (true, true) => Arrow::Both,
            (false, false) => Arrow::None,
        }
    }

    fn style(self) -> &'static str {
        match self {
            Arrow::Forward => "endArrow=classic;startArrow=none;",
            Arrow::Backward => "endArrow=none;startArrow=classic;",
            Arrow::Both => "endArrow=classic;startArrow=classic;",
            Arrow::None => "endArrow=none;startArrow=none;",
        }
    }
}

/// A node as the model gave it, its box on the 0–1000 grid.
#[derive(Debug, Clone, PartialEq)]
pub struct RawNode {
    pub id: String,
    pub label: String,
    pub shape: Shape,
    pub grid: Option<[f64; 4]>,
    /// A box already in pixels (the model-free path traced it); used before `grid`.
    pub pixels: Option<[f64; 4]>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct RawEdge {
    pub from: String,
    pub to: String,
    pub label: String,
    pub arrow: Arrow,
}

/// The graph read from an answer, before repair.
#[derive(Debug, Default, Clone, PartialEq)]
pub struct RawGraph {
    pub nodes: Vec<RawNode>,
    pub edges: Vec<RawEdge>,
}

/// What is wrong with an answer so that it cannot become a diagram; the model is asked again
/// with these (empty when it can).
pub fn answer_errors(text: &str) -> Vec<String> {
    match read(text) {
        Ok((g, _)) if g.nodes.is_empty() => vec!["the diagram has no nodes".into()],
        Ok(_) => Vec::new(),
        Err(e) => vec![e],
    }
}

/// The graph in the answer, from its mxGraph XML if it has any, else its JSON; with warnings.
pub fn read(text: &str) -> Result<(RawGraph, Vec<String>), String> {
    if text.len() > MAX_ANSWER_BYTES {
        return Err(format!(
            "the answer is over {} KiB; give at most {MAX_NODES} nodes",
            MAX_ANSWER_BYTES / 1024
        ));
    }
    if let Some(xml) = xml_part(text) {
        return from_xml(xml).map(|g| (g, Vec::new()));
    }
    let Some(parsed) = json::extract(text) else {
        return Err("the answer has neither a JSON node/edge list nor mxGraph XML".into());
    };
    if parsed.repairs.contains(&"truncated") {
        return Err("the JSON is cut off before its end".into());
    }
    let mut warnings = Vec::new();
    if !parsed.repairs.is_empty() {
        warnings.push(format!("JSON repaired: {}", parsed.repairs.join(", ")));
    }
    from_json(&parsed.value).map(|g| (g, warnings))
}

/// The mxGraph XML in the text: from `<mxfile` or `<mxGraphModel` to its closing tag, or to the
/// end of the text (or fence) when it has none, so that a cut-off file fails to parse.
fn xml_part(text: &str) -> Option<&str> {
    let (start, close) = match (text.find("<mxfile"), text.find("<mxGraphModel")) {
        (Some(a), _) => (a, "</mxfile>"),
        (None, Some(b)) => (b, "</mxGraphModel>"),
        (None, None) => return None,
    };
    let rest = &text[start..];
    let end = match rest.rfind(close) {
        Some(i) => i + close.len(),
        None => rest.find("```").unwrap_or(rest.len()),
    };
    Some(&rest[..end])
}

fn cut(s: &str) -> String {
    s.trim().chars().take(MAX_TEXT_CHARS).collect()
}

/// A label with draw.io's HTML (`html=1` values) reduced to text.
fn plain(label: &str) -> String {
    let mut out = String::new();
    let mut in_tag = false;
    let mut tag = String::new();
    for c in label.chars() {
        match (in_tag, c) {
            (false, '<') => {
                in_tag = true;
                tag.clear();
            }
            (true, '>') => {
                in_tag = false;
                let t = tag.trim_start_matches('/').to_ascii_lowercase();
                if t.starts_with("br") || t.starts_with("div") || t.starts_with('p') {
                    out.push(' ');
                }
            }
            (true, c) => tag.push(c),
            (false, c) => out.push(c),
        }
    }
    let out = out.replace("&nbsp;", " ");
    cut(&out.split_whitespace().collect::<Vec<_>>().join(" "))
}

fn attrs(e: &BytesStart<'_>) -> Result<HashMap<String, String>, String> {
    let mut out = HashMap::new();
    for a in e.attributes() {
        let a = a.map_err(|e| format!("the XML is not well-formed: {e}"))?;
        let key = String::from_utf8_lossy(a.key.as_ref()).into_owned();
        let value = a
            .unescape_value()
            .map_err(|e| format!("the XML is not well-formed: {e}"))?;
        out.insert(key, value.into_owned());
    }
    Ok(out)
}

fn num(v: Option<&String>) -> Option<f64> {
    v.and_then(|s| s.trim().parse::<f64>().ok())
        .filter(|x| x.is_finite())
}

/// A cell being read: its attributes (with those of an `object`/`UserObject` around it) and
/// its geometry.
#[derive(Default)]
struct Cell {
    attrs: HashMap<String, String>,
    geometry: Option<[f64; 4]>,
}

/// mxGraph XML to a graph; errors when it is not well-formed (a cut-off file included), or has
/// no mxGraphModel.
pub fn from_xml(xml: &str) -> Result<RawGraph, String> {
    let mut reader = Reader::from_str(xml);
    reader.config_mut().check_end_names = true;
    let mut stack: Vec<String> = Vec::new();
    let mut wrapper: Option<HashMap<String, String>> = None;
    let mut cell: Option<Cell> = None;
    let mut cells: Vec<Cell> = Vec::new();
    let mut saw_model = false;
    loop {
        let event = reader
            .read_event()
            .map_err(|e| format!("the XML is not well-formed: {e}"))?;
        let (e, empty) = match &event {
            Event::Start(e) => (e, false),
            Event::Empty(e) => (e, true),
            Event::End(e) => {
                let name = String::from_utf8_lossy(e.name().as_ref()).into_owned();
                stack.pop();
                match name.as_str() {
                    "mxCell" => cells.extend(cell.take()),
                    "object" | "UserObject" => wrapper = None,
                    _ => {}
                }
                continue;
            }
            Event::Eof => break,
            _ => continue,
        };
        let name = String::from_utf8_lossy(e.name().as_ref()).into_owned();
        match name.as_str() {
            "mxGraphModel" => saw_model = true,
            "object" | "UserObject" => {
                let mut a = attrs(e)?;
                // A wrapped cell's text is the wrapper's `label`.
                if let Some(l) = a.remove("label") {
                    a.insert("value".into(), l);
                }
                wrapper = Some(a);
            }
            "mxCell" => {
                if cells.len() >= MAX_NODES + MAX_EDGES + 2 {
                    return Err(format!(
                        "the XML has over {} cells",
                        MAX_NODES + MAX_EDGES + 2
                    ));
                }
                let mut a = wrapper.clone().unwrap_or_default();
                a.extend(attrs(e)?);
                let c = Cell {
                    attrs: a,
                    geometry: None,
                };
                if empty {
                    cells.push(c);
                } else {
                    cell = Some(c);
                }
            }
            "mxGeometry" => {
                if let Some(c) = cell.as_mut() {
                    let a = attrs(e)?;
                    if let (Some(x), Some(y), Some(w), Some(h)) = (
                        num(a.get("x")).or(Some(0.0)),
                        num(a.get("y")).or(Some(0.0)),
                        num(a.get("width")),
                        num(a.get("height")),
                    ) {
                        c.geometry = Some([x, y, x + w, y + h]);
                    }
                }
            }
            _ => {}
        }
        if !empty {
            if stack.len() >= MAX_DEPTH {
                return Err("the XML nests too deep for an mxGraph file".into());
            }
            stack.push(name);
        }
    }
    if let Some(open) = stack.last() {
        return Err(format!("the XML is cut off: <{open}> is never closed"));
    }
    if !saw_model {
        return Err("the XML has no <mxGraphModel>".into());
    }
    let mut g = RawGraph::default();
    for c in cells {
        let a = &c.attrs;
        let get = |k: &str| a.get(k).map(String::as_str).unwrap_or("");
        let style = get("style");
        let label = plain(get("value"));
        if get("edge") == "1" {
            g.edges.push(RawEdge {
                from: cut(get("source")),
                to: cut(get("target")),
                label,
                arrow: Arrow::from_style(style),
            });
        } else if get("vertex") == "1" {
            g.nodes.push(RawNode {
                id: cut(get("id")),
                label,
                shape: Shape::from_style(style),
                grid: c.geometry,
                pixels: None,
            });
        }
    }
    Ok(g)
}

fn text_of(v: Option<&Value>) -> String {
    match v {
        Some(Value::String(s)) => cut(s),
        Some(Value::Number(n)) => n.to_string(),
        _ => String::new(),
    }
}

fn grid_box(v: &Value) -> Option<[f64; 4]> {
    let a = v.as_array()?;
    if a.len() != 4 {
        return None;
    }
    let n = |i: usize| {
        a.get(i).and_then(|x| {
            x.as_f64()
                .or_else(|| x.as_str().and_then(|s| s.trim().parse().ok()))
        })
    };
    Some([n(0)?, n(1)?, n(2)?, n(3)?]).filter(|b| b.iter().all(|x| x.is_finite()))
}

fn first<'a>(o: &'a serde_json::Map<String, Value>, keys: &[&str]) -> Option<&'a Value> {
    keys.iter().find_map(|k| o.get(*k))
}

/// A JSON `{"nodes": [...], "edges": [...]}` to a graph; errors when it has no node list.
pub fn from_json(v: &Value) -> Result<RawGraph, String> {
    let Some(o) = v.as_object() else {
        return Err("the JSON must be an object with \"nodes\" and \"edges\"".into());
    };
    let Some(nodes) = first(o, &["nodes", "vertices"]).and_then(Value::as_array) else {
        return Err("the JSON has no \"nodes\" array".into());
    };
    let empty = Vec::new();
    let edges = first(o, &["edges", "links", "connections"])
        .and_then(Value::as_array)
        .unwrap_or(&empty);
    let mut g = RawGraph::default();
    for n in nodes.iter().take(MAX_NODES + 1) {
        let Some(n) = n.as_object() else {
            return Err("each node must be an object".into());
        };
        g.nodes.push(RawNode {
            id: text_of(n.get("id")),
            label: text_of(first(n, &["label", "text", "value"])),
            shape: first(n, &["shape", "type"])
                .and_then(Value::as_str)
                .map_or(Shape::Process, Shape::from_name),
            grid: first(n, &["bbox_2d", "bbox", "box"]).and_then(grid_box),
            pixels: None,
        });
    }
    for e in edges.iter().take(MAX_EDGES + 1) {
        let Some(e) = e.as_object() else {
            return Err("each edge must be an object".into());
        };
        g.edges.push(RawEdge {
            from: text_of(first(e, &["from", "source"])),
            to: text_of(first(e, &["to", "target"])),
            label: text_of(first(e, &["label", "text"])),
            arrow: first(e, &["arrow", "direction"])
                .and_then(Value::as_str)
                .map_or(Arrow::Forward, Arrow::from_name),
        });
    }
    Ok(g)
}

/// The repaired graph in pixels of a `width x height` image, with its `.drawio` and Mermaid.
pub fn build(g: RawGraph, width: u32, height: u32, warnings: &mut Vec<String>) -> DiagramResult {
    let RawGraph {
        mut nodes,
        mut edges,
    } = g;
    if nodes.len() > MAX_NODES {
        warnings.push(format!(
            "only the first {MAX_NODES} nodes were kept; the rest were dropped"
        ));
        nodes.truncate(MAX_NODES);
    }
    if edges.len() > MAX_EDGES {
        warnings.push(format!(
            "only the first {MAX_EDGES} edges were kept; the rest were dropped"
        ));
        edges.truncate(MAX_EDGES);
    }
    // "0" and "1" are the draw.io root and layer cells.
    let mut taken: HashSet<String> = ["0".to_string(), "1".to_string()].into();
    let mut out_nodes = Vec::with_capacity(nodes.len());
    let mut fallback = 0.0;
    for (i, n) in nodes.into_iter().enumerate() {
        let mut id = if n.id.is_empty() {
            format!("n{}", i + 1)
        } else {
            n.id.clone()
        };
        if taken.contains(&id) {
            let mut k = 2;
            while taken.contains(&format!("{id}_{k}")) {
                k += 1;
            }
            let new = format!("{id}_{k}");
            if !n.id.is_empty() {
                warnings.push(format!("node id {id:?} is used twice; renamed to {new:?}"));
            }
            id = new;
        }
        taken.insert(id.clone());
        let px = n
            .pixels
            .or_else(|| n.grid.and_then(|b| box_to_pixels(b, width, height)));
        let b = match px {
            Some(b) => b,
            None => {
                warnings.push(format!(
                    "node {id:?} has no box inside the image; placed at the left edge"
                ));
                let b = [0.0, fallback, FALLBACK_W, fallback + FALLBACK_H];
                fallback += FALLBACK_H + 20.0;
                b
            }
        };
        out_nodes.push(DiagramNode {
            id,
            label: n.label,
            shape: n.shape.name().into(),
            r#box: Some(PxBox {
                x1: b[0] as f32,
                y1: b[1] as f32,
                x2: b[2] as f32,
                y2: b[3] as f32,
            }),
        });
    }
    // Edges name the first node of an id that was used twice.
    let ids: HashSet<&str> = out_nodes.iter().map(|n| n.id.as_str()).collect();
    let mut out_edges = Vec::with_capacity(edges.len());
    for e in edges {
        let missing: Vec<&str> = [e.from.as_str(), e.to.as_str()]
            .into_iter()
            .filter(|x| !ids.contains(x))
            .collect();
        if !missing.is_empty() {
            warnings.push(format!(
                "edge {:?} -> {:?} dropped: no node {}",
                e.from,
                e.to,
                missing
                    .iter()
                    .map(|m| format!("{m:?}"))
                    .collect::<Vec<_>>()
                    .join(" or ")
            ));
            continue;
        }
        out_edges.push(DiagramEdge {
            from: e.from,
            to: e.to,
            label: e.label,
            arrow: e.arrow.name().into(),
        });
    }
    let drawio_xml = drawio(&out_nodes, &out_edges, width, height);
    let mermaid = mermaid(&out_nodes, &out_edges);
    DiagramResult {
        nodes: out_nodes,
        edges: out_edges,
        drawio_xml,
        mermaid,
        image_width: width,
        image_height: height,
    }
}

fn shape_of(name: &str) -> Shape {
    Shape::from_name(name)
}

fn arrow_of(name: &str) -> Arrow {
    Arrow::from_name(name)
}

/// A `.drawio` file: mxfile > diagram > mxGraphModel, nodes at their pixel boxes, edges as
/// `edge="1"` cells with source and target. Labels are plain text (no `html=1`), escaped.
pub fn drawio(nodes: &[DiagramNode], edges: &[DiagramEdge], width: u32, height: u32) -> String {
    let mut s = String::new();
    let _ = write!(
        s,
        "<mxfile host=\"switchboard\"><diagram id=\"page-1\" name=\"Page-1\">\
         <mxGraphModel grid=\"1\" gridSize=\"10\" guides=\"1\" connect=\"1\" arrows=\"1\" \
         page=\"1\" pageScale=\"1\" pageWidth=\"{width}\" pageHeight=\"{height}\">\
         <root><mxCell id=\"0\"/><mxCell id=\"1\" parent=\"0\"/>"
    );
    let mut ids: HashSet<&str> = nodes.iter().map(|n| n.id.as_str()).collect();
    ids.extend(["0", "1"]);
    for n in nodes {
        let b = n.r#box.unwrap_or_default();
        let _ = write!(
            s,
            "<mxCell id=\"{}\" value=\"{}\" style=\"{}html=0;\" vertex=\"1\" parent=\"1\">\
             <mxGeometry x=\"{}\" y=\"{}\" width=\"{}\" height=\"{}\" as=\"geometry\"/></mxCell>",
            escape(n.id.as_str()),
            escape(n.label.as_str()),
            shape_of(&n.shape).style(),
            b.x1,
            b.y1,
            (b.x2 - b.x1).max(1.0),
            (b.y2 - b.y1).max(1.0),
        );
    }
    let mut k = 0;
    for e in edges {
        // Edge ids must not clash with node ids.
        let id = loop {
            k += 1;
            let id = format!("e{k}");
            if !ids.contains(id.as_str()) {
                break id;
            }
        };
        let _ = write!(
            s,
            "<mxCell id=\"{id}\" value=\"{}\" style=\"edgeStyle=orthogonalEdgeStyle;{}html=0;\" \
             edge=\"1\" parent=\"1\" source=\"{}\" target=\"{}\">\
             <mxGeometry relative=\"1\" as=\"geometry\"/></mxCell>",
            escape(e.label.as_str()),
            arrow_of(&e.arrow).style(),
            escape(e.from.as_str()),
            escape(e.to.as_str()),
        );
    }
    s.push_str("</root></mxGraphModel></diagram></mxfile>");
    s
}

/// A Mermaid label: quoted, with quotes and line breaks as Mermaid writes them.
fn mermaid_text(s: &str) -> String {
    let mut out = String::from('"');
    for c in s.chars() {
        match c {
            '"' => out.push_str("#quot;"),
            '\n' | '\r' => out.push_str("<br/>"),
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

/// The graph as a Mermaid `flowchart TD`. Node ids become `n1, n2, …` (model ids may hold
/// anything); labels are quoted and escaped.
pub fn mermaid(nodes: &[DiagramNode], edges: &[DiagramEdge]) -> String {
    let mut s = String::from("flowchart TD\n");
    let mut short: HashMap<&str, String> = HashMap::new();
    for (i, n) in nodes.iter().enumerate() {
        let id = format!("n{}", i + 1);
        let label = mermaid_text(if n.label.is_empty() { &n.id } else { &n.label });
        let _ = match shape_of(&n.shape) {
            Shape::Process => writeln!(s, "    {id}[{label}]"),
            Shape::Decision => writeln!(s, "    {id}{{{label}}}"),
            Shape::StartEnd => writeln!(s, "    {id}([{label}])"),
            Shape::Data => writeln!(s, "    {id}[/{label}/]"),
            Shape::Note => writeln!(s, "    {id}>{label}]"),
            Shape::Other => writeln!(s, "    {id}({label})"),
        };
        short.entry(n.id.as_str()).or_insert(id);
    }
    for e in edges {
        let (Some(a), Some(b)) = (short.get(e.from.as_str()), short.get(e.to.as_str())) else {
            continue;
        };
        let (a, b, link) = match arrow_of(&e.arrow) {
            Arrow::Forward => (a, b, "-->"),
            Arrow::Backward => (b, a, "-->"),
            Arrow::Both => (a, b, "<-->"),
            Arrow::None => (a, b, "---"),
        };
        let _ = if e.label.is_empty() {
            writeln!(s, "    {a} {link} {b}")
        } else {
            writeln!(s, "    {a} {link}|{}| {b}", mermaid_text(&e.label))
        };
    }
    s
}

/// The answer as a diagram on a `width x height` image; None (with a warning) when it cannot
/// be read (the schema retry has run out by then).
pub fn parse(text: &str, width: u32, height: u32) -> (Option<DiagramResult>, Vec<String>) {
    match read(text) {
        Ok((g, mut warnings)) => {
            let d = build(g, width, height, &mut warnings);
            (Some(d), warnings)
        }
        Err(e) => (None, vec![format!("no diagram: {e}")]),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const JSON: &str = r#"Here it is:
```json
{"nodes": [
  {"id": "a", "label": "Start", "shape": "start_end", "bbox_2d": [100, 50, 300, 150]},
  {"id": "b", "label": "x > 3?", "shape": "decision", "bbox_2d": [100, 250, 300, 400]},
  {"id": "c", "label": "Say \"hi\"", "shape": "process", "bbox_2d": [500, 250, 700, 400]}
],
"edges": [
  {"from": "a", "to": "b"},
  {"from": "b", "to": "c", "label": "yes"},
  {"from": "c", "to": "zz"}
]}
```"#;

    /// Reads a `.drawio` file back: node ids and (source, target) of edges, checking that every
    /// edge resolves and ids are unique.
    fn resolve(xml: &str) -> (Vec<String>, Vec<(String, String)>) {
        let g = from_xml(xml).expect("well-formed");
        let ids: Vec<String> = g.nodes.iter().map(|n| n.id.clone()).collect();
        let set: HashSet<&String> = ids.iter().collect();
        assert_eq!(set.len(), ids.len(), "unique ids: {ids:?}");
        for e in &g.edges {
            assert!(set.contains(&e.from) && set.contains(&e.to), "{e:?}");
        }
        (ids, g.edges.into_iter().map(|e| (e.from, e.to)).collect())
    }

    #[test]
    fn json_becomes_pixels_drawio_and_mermaid_and_drops_dangling_edges() {
        let (d, w) = parse(JSON, 2000, 1000);
        let d = d.expect("a diagram");
        assert_eq!(d.nodes.len(), 3);
        let b = d.nodes[1].r#box.unwrap();
        assert_eq!((b.x1, b.y1, b.x2, b.y2), (200.0, 250.0, 600.0, 400.0));
        assert_eq!(d.nodes[1].shape, "decision");
        assert_eq!(d.edges.len(), 2);
        assert!(
            w.iter().any(|w| w.contains("dropped: no node \"zz\"")),
            "{w:?}"
        );
        let (ids, edges) = resolve(&d.drawio_xml);
        assert_eq!(ids, ["a", "b", "c"]);
        assert_eq!(edges, [("a".into(), "b".into()), ("b".into(), "c".into())]);
        assert!(
            d.drawio_xml
                .contains("x=\"200\" y=\"250\" width=\"400\" height=\"150\"")
        );
        assert_eq!(
            d.mermaid,
            "flowchart TD\n    n1([\"Start\"])\n    n2{\"x > 3?\"}\n    n3[\"Say #quot;hi#quot;\"]\n    n1 --> n2\n    n2 -->|\"yes\"| n3\n"
        );
    }

    #[test]
    fn xml_is_read_with_styles_wrappers_and_html_labels() {
        let xml = r#"<mxGraphModel><root><mxCell id="0"/><mxCell id="1" parent="0"/>
<mxCell id="s" value="Begin" style="ellipse;html=1;" vertex="1" parent="1"><mxGeometry x="100" y="100" width="200" height="100" as="geometry"/></mxCell>
<UserObject label="Check&lt;br&gt;input" id="d"><mxCell style="rhombus;" vertex="1" parent="1"><mxGeometry x="100" y="300" width="200" height="100" as="geometry"/></mxCell></UserObject>
<mxCell id="x" value="no" style="endArrow=none;startArrow=classic;" edge="1" parent="1" source="s" target="d"><mxGeometry relative="1" as="geometry"/></mxCell>
</root></mxGraphModel>"#;
        let g = from_xml(xml).unwrap();
        assert_eq!(g.nodes.len(), 2);
        assert_eq!(g.nodes[1].id, "d");
        assert_eq!(g.nodes[1].label, "Check input");
        assert_eq!(g.nodes[1].shape, Shape::Decision);
        assert_eq!(g.nodes[0].grid, Some([100.0, 100.0, 300.0, 200.0]));
        assert_eq!(g.edges[0].arrow, Arrow::Backward);
        let mut w = Vec::new();
        let d = build(g, 1000, 1000, &mut w);
        assert!(d.mermaid.contains("n2 -->|\"no\"| n1"), "{}", d.mermaid);
        resolve(&d.drawio_xml);
        assert!(w.is_empty(), "{w:?}");
    }

    #[test]
    fn broken_answers_are_errors_for_the_retry() {
        let cut = "<mxfile><diagram><mxGraphModel><root><mxCell id=\"a\" vertex=\"1\">";
        assert!(
            answer_errors(cut)[0].contains("cut off"),
            "{:?}",
            answer_errors(cut)
        );
        let bad = "<mxGraphModel><root></mxCell></root></mxGraphModel>";
        assert!(answer_errors(bad)[0].contains("not well-formed"));
        assert!(
            answer_errors("{\"nodes\": [{\"id\": \"a\", \"label\": \"St")[0].contains("cut off")
        );
        assert!(answer_errors("I see a flowchart.")[0].contains("neither"));
        assert!(answer_errors("{\"edges\": []}")[0].contains("\"nodes\""));
        assert!(answer_errors("{\"nodes\": []}")[0].contains("no nodes"));
        assert!(answer_errors(JSON).is_empty());
        let big = format!("{{\"nodes\": [{}]}}", "{}, ".repeat(MAX_ANSWER_BYTES / 4));
        assert!(answer_errors(&big)[0].contains("KiB"));
    }

    #[test]
    fn duplicate_and_reserved_ids_are_renamed_and_counts_capped() {
        let mut g = RawGraph::default();
        for id in ["a", "a", "1", ""] {
            g.nodes.push(RawNode {
                id: id.into(),
                label: "<b>&".into(),
                shape: Shape::Process,
                grid: Some([0.0, 0.0, 10.0, 10.0]),
                pixels: None,
            });
        }
        for _ in 0..MAX_EDGES + 5 {
            g.edges.push(RawEdge {
                from: "a".into(),
                to: "1_2".into(),
                label: String::new(),
                arrow: Arrow::None,
            });
        }
        let mut w = Vec::new();
        let d = build(g, 100, 100, &mut w);
        let ids: Vec<&str> = d.nodes.iter().map(|n| n.id.as_str()).collect();
        assert_eq!(ids, ["a", "a_2", "1_2", "n4"]);
        assert_eq!(d.edges.len(), MAX_EDGES);
        assert!(w.iter().any(|w| w.contains("renamed to \"a_2\"")), "{w:?}");
        assert!(w.iter().any(|w| w.contains("edges were kept")), "{w:?}");
        let (ids, edges) = resolve(&d.drawio_xml);
        assert_eq!(ids.len(), 4);
        assert_eq!(edges.len(), MAX_EDGES);
        assert!(d.drawio_xml.contains("value=\"&lt;b&gt;&amp;\""));
    }

    #[test]
    fn nodes_without_a_box_are_placed_with_a_warning() {
        let (d, w) = parse(
            r#"{"nodes": [{"id": "a"}, {"id": "b", "bbox_2d": [1200, 0, 1300, 10]}]}"#,
            640,
            480,
        );
        let d = d.unwrap();
        let b = d.nodes[1].r#box.unwrap();
        assert_eq!((b.x1, b.y1), (0.0, 80.0));
        assert_eq!(w.len(), 2, "{w:?}");
        assert!(d.mermaid.contains("n1[\"a\"]"));
    }
}

//! Diagrams without a model: shapes found as closed contours (light regions enclosed by ink,
//! classified by their outline: rectangle, rounded rectangle, diamond, ellipse or stadium,
//! parallelogram), labelled with the OCR text inside them; the ink left once the shapes are
//! taken away read as lines, each an edge between the shapes it touches, its direction from
//! the arrowheads; text beside a line is its label. Pure: the OCR step reads the page and
//! `experts::steps::diagram` passes it here. What it cannot resolve it says in warnings.

use image::GrayImage;

use crate::experts::form_fill::regions::ink_level;
use crate::experts::parse::diagram::{Arrow, RawEdge, RawGraph, RawNode, Shape};
use crate::ocr::geom::{self, BBox, Pt};
use crate::ocr::{Line, Page};

/// Shapes per diagram looked at (the graph writer keeps 500 nodes at most).
const MAX_SHAPES: usize = 600;
/// Shapes one line may join before it is taken as a tangle, not edges.
const MAX_CONTACTS: usize = 12;
/// Below a fill, by this many grey levels, is ink.
const BELOW_FILL: u8 = 30;
/// A row of a shape's inside counts as full when it is this close to the widest (pixels).
const FULL_ROW_SLACK: f32 = 1.5;

/// What a closed region's outline looks like: its rows' spans, measured.
#[derive(Debug, Clone, Copy, Default)]
struct Profile {
    /// Filled share of the bounding box.
    fill: f32,
    /// Share of rows as wide as the box.
    full: f32,
    /// Mean width at a quarter and at half the height, over the box width.
    at25: f32,
    at50: f32,
    /// Slant: how far the left and right edges move together from top to bottom (pixels).
    skew: f32,
    /// Spread of the rows' widths (coefficient of variation, middle rows).
    width_cv: f32,
    /// Filled area over its convex hull's.
    solidity: f32,
}

/// The classes of outline, and whether the outline is one at all.
fn classify(p: &Profile, width: f32) -> Option<Shape> {
    if p.solidity < 0.93 {
        return None;
    }
    if p.skew >= (0.06 * width).max(4.0) && p.width_cv < 0.08 && p.full < 0.3 {
        return Some(Shape::Data);
    }
    // A rectangle, its corners square or a little rounded.
    if p.full >= 0.5 && p.fill >= 0.9 {
        return Some(Shape::Process);
    }
    if p.at50 >= 0.8 && (0.33..=0.7).contains(&p.at25) && (0.38..=0.64).contains(&p.fill) {
        return Some(Shape::Decision);
    }
    // An ellipse, or a stadium (a rectangle with round ends).
    if p.at25 >= 0.75 && (0.7..=0.98).contains(&p.fill) && p.at50 >= 0.9 {
        return Some(Shape::StartEnd);
    }
    None
}

/// A closed light region: its label in the background map, box (inclusive pixels) and area.
#[derive(Debug, Clone)]
struct Region {
    area: usize,
    bbox: [usize; 4],
    border: bool,
}

/// A shape found: its region's label, the inside's box, the outline's box and stroke.
#[derive(Debug, Clone)]
struct Found {
    label: u32,
    inner: [usize; 4],
    outer: BBox,
    stroke: f32,
    shape: Shape,
    classified: bool,
    text: Vec<usize>,
}

/// A line's contact with a shape: where it meets it, and whether an arrowhead is there.
#[derive(Debug, Clone)]
struct Contact {
    shape: usize,
    at: Pt,
    head: bool,
    /// The width of the line just outside the shape.
    across: f32,
}

/// Larger pages are traced shrunk to this many pixels (the maps below take about 12 bytes a
/// pixel), and what is found is scaled back.
pub const MAX_TRACE_PIXELS: u64 = 8_000_000;

/// The diagram traced on a page: its graph (boxes in pixels of the page) and what could not be
/// resolved.
pub fn trace(page: &Page, gray: &GrayImage) -> (RawGraph, Vec<String>) {
    trace_within(page, gray, MAX_TRACE_PIXELS)
}

fn trace_within(page: &Page, gray: &GrayImage, max_pixels: u64) -> (RawGraph, Vec<String>) {
    let pixels = u64::from(gray.width()) * u64::from(gray.height());
    if pixels <= max_pixels {
        return trace_at(page, gray, 1.0);
    }
    let f = (max_pixels as f64 / pixels as f64).sqrt() as f32;
    let (sw, sh) = (
        ((gray.width() as f32 * f) as u32).max(1),
        ((gray.height() as f32 * f) as u32).max(1),
    );
    let small = image::imageops::resize(gray, sw, sh, image::imageops::FilterType::Triangle);
    let mut shrunk = page.clone();
    for l in &mut shrunk.lines {
        l.bbox = l.bbox.map(|v| v * f);
        l.glyphs.clear();
    }
    let (mut g, mut warnings) = trace_at(&shrunk, &small, f);
    for n in &mut g.nodes {
        n.pixels = n.pixels.map(|b| b.map(|v| (v / f64::from(f)).round()));
    }
    warnings.push(format!(
        "the image was traced at {sw} x {sh} pixels (of {} x {}); thin lines may be lost",
        gray.width(),
        gray.height()
    ));
    (g, warnings)
}

/// `trace` on a page at `scale` times its size (boxes in warnings are given at full size).
fn trace_at(page: &Page, gray: &GrayImage, scale: f32) -> (RawGraph, Vec<String>) {
    let show_box = |b: &BBox| show_box(&b.map(|v| v / scale));
    let mut warnings = Vec::new();
    let (w, h) = (gray.width() as usize, gray.height() as usize);
    if w < 3 || h < 3 {
        warnings.push("the image is too small to hold a diagram".into());
        return (RawGraph::default(), warnings);
    }
    let text_h = crate::ocr::layout::median_height(&page.lines).clamp(6.0, 80.0);
    let ink_at = ink_threshold(gray);
    let ink: Vec<bool> = gray.as_raw().iter().map(|&v| v <= ink_at).collect();

    let (bg, regions) = label_background(&ink, w, h);
    let mut found = shapes(&bg, &regions, &ink, w, h, text_h, &page.lines);
    found.sort_by(|a, b| {
        let (ay, by) = (a.outer[1], b.outer[1]);
        ay.total_cmp(&by).then(a.outer[0].total_cmp(&b.outer[0]))
    });

    // Text inside a shape is its label.
    let mut used = vec![false; page.lines.len()];
    for f in found.iter_mut() {
        for (i, l) in page.lines.iter().enumerate() {
            if !used[i] && inside_region(&bg, w, h, f.label, &f.inner, &l.bbox) {
                f.text.push(i);
                used[i] = true;
            }
        }
    }
    keep_shapes(&mut found, &page.lines);
    used.fill(false);
    for &i in found.iter().flat_map(|f| &f.text) {
        used[i] = true;
    }
    let strokes: Vec<f32> = found.iter().map(|f| f.stroke).collect();
    let stroke = median(&strokes).unwrap_or(2.0);

    let nodes: Vec<RawNode> = found
        .iter()
        .enumerate()
        .map(|(k, f)| {
            let label = join_lines(&page.lines, &f.text);
            if !f.classified {
                warnings.push(format!(
                    "a closed outline at {} holding {label:?} is no shape known here; kept as \"other\"",
                    show_box(&f.outer)
                ));
            }
            RawNode {
                id: format!("n{}", k + 1),
                label,
                shape: f.shape,
                grid: None,
                pixels: Some(f.outer.map(|v| f64::from(v.round()))),
            }
        })
        .collect();
    if nodes.is_empty() {
        warnings.push("no closed shapes found on the image: no diagram could be traced".into());
    }

    let lines = connectors(&bg, &ink, &found, w, h, stroke, text_h);
    let mut edges: Vec<(RawEdge, usize, Pt)> = Vec::new();
    for (c, line) in lines.iter().enumerate() {
        let name = |s: usize| node_name(&nodes[s]);
        match line.contacts.len() {
            0 => {
                let long = (line.bbox[2] - line.bbox[0]).max(line.bbox[3] - line.bbox[1]);
                if long >= 2.0 * text_h && !text_at(&page.lines, &line.bbox) {
                    warnings.push(format!(
                        "a line at {} touches no shape; left out",
                        show_box(&line.bbox)
                    ));
                }
            }
            1 => {
                let long = (line.bbox[2] - line.bbox[0]).max(line.bbox[3] - line.bbox[1]);
                if long >= text_h {
                    warnings.push(format!(
                        "a line from {} ends at no shape (near {}); left out",
                        name(line.contacts[0].shape),
                        show_box(&line.bbox)
                    ));
                }
            }
            n if n > MAX_CONTACTS => warnings.push(format!(
                "a line at {} touches {n} shapes; left out",
                show_box(&line.bbox)
            )),
            n => {
                let heads: Vec<&Contact> = line.contacts.iter().filter(|c| c.head).collect();
                let tails: Vec<&Contact> = line.contacts.iter().filter(|c| !c.head).collect();
                let edge = |a: &Contact, b: &Contact, arrow| {
                    (
                        RawEdge {
                            from: nodes[a.shape].id.clone(),
                            to: nodes[b.shape].id.clone(),
                            label: String::new(),
                            arrow,
                        },
                        c,
                        a.at,
                    )
                };
                if n == 2 {
                    let (a, b) = (&line.contacts[0], &line.contacts[1]);
                    match (a.head, b.head) {
                        (false, true) => edges.push(edge(a, b, Arrow::Forward)),
                        (true, false) => edges.push(edge(b, a, Arrow::Forward)),
                        (true, true) => edges.push(edge(a, b, Arrow::Both)),
                        (false, false) => {
                            warnings.push(format!(
                                "the line between {} and {} shows no arrowhead: its direction is unknown",
                                name(a.shape),
                                name(b.shape)
                            ));
                            edges.push(edge(a, b, Arrow::None));
                        }
                    }
                } else if heads.is_empty() || tails.is_empty() {
                    warnings.push(format!(
                        "a line at {} joins {n} shapes and its direction cannot be told; left out",
                        show_box(&line.bbox)
                    ));
                } else {
                    // Lines that merge or fork: every tail to every head.
                    for t in &tails {
                        for hd in &heads {
                            if t.shape != hd.shape {
                                edges.push(edge(t, hd, Arrow::Forward));
                            }
                        }
                    }
                    warnings.push(format!(
                        "a line at {} joins {n} shapes; read as {} edges from where it has no arrowhead to where it has one",
                        show_box(&line.bbox),
                        tails.len() * heads.len()
                    ));
                }
            }
        }
    }
    // Same pair twice (a line drawn in pieces that both reached the shapes): once.
    let mut seen = std::collections::HashSet::new();
    edges.retain(|(e, _, _)| seen.insert((e.from.clone(), e.to.clone())));

    // Text beside a line labels the edge whose start is nearest it.
    for (i, l) in page.lines.iter().enumerate() {
        if used[i] || l.text.trim().is_empty() {
            continue;
        }
        let near: Vec<(usize, f32)> = lines
            .iter()
            .enumerate()
            .filter(|(c, _)| edges.iter().any(|(_, ec, _)| ec == c))
            .map(|(c, line)| (c, line.distance(&l.bbox, w)))
            .collect();
        // One mark read on a line's own ink is an arrowhead taken for a glyph ("4", "V").
        let mark = l.text.trim().chars().count() == 1 && !l.text.chars().any(is_cjk);
        if mark && near.iter().any(|(_, d)| *d == 0.0) {
            continue;
        }
        let near = near
            .into_iter()
            .filter(|(_, d)| *d <= 1.2 * text_h)
            .min_by(|a, b| a.1.total_cmp(&b.1));
        let Some((c, _)) = near else {
            warnings.push(format!(
                "text {:?} at {} is in no shape and beside no line; left out",
                l.text,
                show_box(&l.bbox)
            ));
            continue;
        };
        let centre = [(l.bbox[0] + l.bbox[2]) / 2.0, (l.bbox[1] + l.bbox[3]) / 2.0];
        if let Some((e, _, _)) = edges
            .iter_mut()
            .filter(|(_, ec, _)| *ec == c)
            .min_by(|a, b| geom::dist(a.2, centre).total_cmp(&geom::dist(b.2, centre)))
        {
            if !e.label.is_empty() {
                e.label.push(' ');
            }
            e.label.push_str(l.text.trim());
        }
    }
    let graph = RawGraph {
        nodes,
        edges: edges.into_iter().map(|(e, _, _)| e).collect(),
    };
    (graph, warnings)
}

/// Which closed regions are shapes. Lines and shapes close off gaps between them too (a
/// loop back and the column it returns past); a gap is bounded by shapes, so its box overlaps
/// theirs, and the text in it, an edge's label, is not at its middle. So: a region with text
/// at its middle is a shape, unless its box overlaps two such others (or one that is smaller);
/// a region of a known outline without such text is a shape when it overlaps none of them.
/// The text of a region dropped is left for the lines.
fn keep_shapes(found: &mut Vec<Found>, lines: &[Line]) {
    let centred = |f: &Found| {
        if f.text.is_empty() {
            return false;
        }
        let b = f
            .text
            .iter()
            .fold([f32::MAX, f32::MAX, f32::MIN, f32::MIN], |a, &i| {
                let l = &lines[i].bbox;
                [
                    a[0].min(l[0]),
                    a[1].min(l[1]),
                    a[2].max(l[2]),
                    a[3].max(l[3]),
                ]
            });
        let (cx, cy) = ((b[0] + b[2]) / 2.0, (b[1] + b[3]) / 2.0);
        let i = f.inner.map(|v| v as f32);
        let (iw, ih) = (i[2] - i[0], i[3] - i[1]);
        (cx - (i[0] + i[2]) / 2.0).abs() <= 0.25 * iw
            && (cy - (i[1] + i[3]) / 2.0).abs() <= 0.25 * ih
    };
    let overlaps = |a: &Found, b: &Found| {
        let (x, y) = (a.outer, b.outer);
        x[0] + 1.0 < y[2] && y[0] + 1.0 < x[2] && x[1] + 1.0 < y[3] && y[1] + 1.0 < x[3]
    };
    let area = |f: &Found| (f.inner[2] - f.inner[0] + 1) * (f.inner[3] - f.inner[1] + 1);
    let with_text: Vec<usize> = (0..found.len()).filter(|&k| centred(&found[k])).collect();
    let mut keep = vec![false; found.len()];
    for &k in &with_text {
        let others: Vec<usize> = with_text
            .iter()
            .copied()
            .filter(|&j| j != k && overlaps(&found[k], &found[j]))
            .collect();
        keep[k] =
            others.is_empty() || (others.len() == 1 && area(&found[k]) < area(&found[others[0]]));
    }
    for k in 0..found.len() {
        if !keep[k] && found[k].classified && !with_text.contains(&k) {
            keep[k] =
                !(0..found.len()).any(|j| keep[j] && j != k && overlaps(&found[k], &found[j]));
        }
    }
    let mut k = 0;
    found.retain(|f| {
        k += 1;
        keep[k - 1] && (f.classified || !f.text.is_empty())
    });
}

/// The grey level at or below which a pixel is ink: a form's (paper less 40, at most 215),
/// or lower where shapes are filled with a light tint (draw.io's pink #f8cecc is grey 215; a
/// fill read as ink closes nothing): below the darkest fill, a light level that covers at least
/// 1% of the page.
fn ink_threshold(gray: &GrayImage) -> u8 {
    let base = ink_level(gray);
    let mut hist = [0usize; 256];
    for &v in gray.as_raw() {
        hist[v as usize] += 1;
    }
    let total = gray.as_raw().len();
    let paper = crate::experts::form_fill::regions::paper_level(gray) as usize;
    let fill = (150..paper.saturating_sub(12))
        .find(|&v| {
            hist[v.saturating_sub(2)..=(v + 2).min(255)]
                .iter()
                .sum::<usize>()
                * 100
                >= total
        })
        .map(|v| {
            // The window's commonest level.
            (v..=(v + 4).min(255)).max_by_key(|&u| hist[u]).unwrap_or(v) as u8
        });
    match fill {
        Some(f) => base.min(f.saturating_sub(BELOW_FILL)),
        None => base,
    }
}

fn node_name(n: &RawNode) -> String {
    if n.label.is_empty() {
        format!("shape {}", n.id)
    } else {
        format!("{:?}", n.label)
    }
}

fn show_box(b: &BBox) -> String {
    format!(
        "[{}, {}, {}, {}]",
        b[0].round(),
        b[1].round(),
        b[2].round(),
        b[3].round()
    )
}

fn median(v: &[f32]) -> Option<f32> {
    let mut v = v.to_vec();
    v.sort_by(f32::total_cmp);
    v.get(v.len() / 2).copied()
}

/// Labels the 4-connected light regions (0 is ink), with each region's area and box and
/// whether it reaches the image's edge (the page around the diagram).
fn label_background(ink: &[bool], w: usize, h: usize) -> (Vec<u32>, Vec<Region>) {
    let mut labels = vec![0u32; w * h];
    let mut regions = vec![Region {
        area: 0,
        bbox: [0; 4],
        border: true,
    }];
    let mut stack = Vec::new();
    for start in 0..w * h {
        if ink[start] || labels[start] != 0 {
            continue;
        }
        let id = regions.len() as u32;
        let mut r = Region {
            area: 0,
            bbox: [start % w, start / w, start % w, start / w],
            border: false,
        };
        labels[start] = id;
        stack.push(start);
        while let Some(p) = stack.pop() {
            let (x, y) = (p % w, p / w);
            r.area += 1;
            r.bbox = [
                r.bbox[0].min(x),
                r.bbox[1].min(y),
                r.bbox[2].max(x),
                r.bbox[3].max(y),
            ];
            if x == 0 || y == 0 || x == w - 1 || y == h - 1 {
                r.border = true;
            }
            let mut visit = |q: usize| {
                if !ink[q] && labels[q] == 0 {
                    labels[q] = id;
                    stack.push(q);
                }
            };
            if x > 0 {
                visit(p - 1);
            }
            if x + 1 < w {
                visit(p + 1);
            }
            if y > 0 {
                visit(p - w);
            }
            if y + 1 < h {
                visit(p + w);
            }
        }
        regions.push(r);
    }
    (labels, regions)
}

/// The closed regions that are shapes: large enough to hold text, not the page, with an
/// outline of a known class or text inside (decided by the caller).
fn shapes(
    bg: &[u32],
    regions: &[Region],
    ink: &[bool],
    w: usize,
    h: usize,
    text_h: f32,
    lines: &[Line],
) -> Vec<Found> {
    let min_w = (1.5 * text_h).max(16.0) as usize;
    // The OCR's line boxes are taller than the glyphs; a box drawn tight around its text can
    // be lower inside than a line box.
    let min_h = (0.75 * text_h).max(10.0) as usize;
    let mut out = Vec::new();
    for (id, r) in regions.iter().enumerate().skip(1) {
        let (bw, bh) = (r.bbox[2] - r.bbox[0] + 1, r.bbox[3] - r.bbox[1] + 1);
        if r.border || bw < min_w || bh < min_h || r.area * 10 > w * h * 6 {
            continue;
        }
        if out.len() >= MAX_SHAPES {
            break;
        }
        let p = profile(bg, w, id as u32, &r.bbox);
        let class = classify(&p, bw as f32);
        // Outlines of no known class stay candidates only when they hold text (and are
        // near-convex); the caller drops those that hold none.
        let has_text = lines.iter().any(|l| {
            let c = [(l.bbox[0] + l.bbox[2]) / 2.0, (l.bbox[1] + l.bbox[3]) / 2.0];
            c[0] > r.bbox[0] as f32
                && c[0] < r.bbox[2] as f32
                && c[1] > r.bbox[1] as f32
                && c[1] < r.bbox[3] as f32
        });
        if class.is_none() && (!has_text || p.solidity < 0.9) {
            continue;
        }
        let stroke = stroke_of(bg, ink, w, h, id as u32, &r.bbox).clamp(1.0, 12.0);
        let b = r.bbox.map(|v| v as f32);
        out.push(Found {
            label: id as u32,
            inner: r.bbox,
            outer: [
                b[0] - stroke,
                b[1] - stroke,
                b[2] + 1.0 + stroke,
                b[3] + 1.0 + stroke,
            ],
            stroke,
            shape: class.unwrap_or(Shape::Other),
            classified: class.is_some(),
            text: Vec::new(),
        });
    }
    out
}

/// The region's rows measured: spans from the leftmost to the rightmost pixel of each row
/// (text inside leaves holes; the span closes them).
fn profile(bg: &[u32], w: usize, id: u32, b: &[usize; 4]) -> Profile {
    let mut spans: Vec<(f32, f32, f32)> = Vec::with_capacity(b[3] - b[1] + 1);
    for y in b[1]..=b[3] {
        let row = &bg[y * w + b[0]..=y * w + b[2]];
        let first = row.iter().position(|&v| v == id);
        let last = row.iter().rposition(|&v| v == id);
        if let (Some(l), Some(r)) = (first, last) {
            spans.push((y as f32, l as f32, r as f32 + 1.0));
        }
    }
    let n = spans.len();
    if n < 4 {
        return Profile::default();
    }
    let width = (b[2] - b[0] + 1) as f32;
    let widths: Vec<f32> = spans.iter().map(|s| s.2 - s.1).collect();
    let area: f32 = widths.iter().sum();
    let fill = area / (width * n as f32);
    let full = widths
        .iter()
        .filter(|&&v| v >= width - FULL_ROW_SLACK)
        .count() as f32
        / n as f32;
    // Mean width over a few rows around a fraction of the height, and its mirror.
    let at = |f: f32| {
        let mut sum = 0.0;
        let mut k = 0.0;
        for g in [f, 1.0 - f] {
            let c = (g * (n - 1) as f32).round() as usize;
            for v in &widths[c.saturating_sub(1)..=(c + 1).min(n - 1)] {
                sum += v;
                k += 1.0;
            }
        }
        sum / k / width
    };
    let mean_over = |from: f32, to: f32, f: &dyn Fn(&(f32, f32, f32)) -> f32| {
        let (a, z) = (
            (from * n as f32) as usize,
            ((to * n as f32) as usize).max(1),
        );
        let part = &spans[a.min(n - 1)..z.min(n)];
        part.iter().map(f).sum::<f32>() / part.len().max(1) as f32
    };
    let left = mean_over(0.1, 0.3, &|s| s.1) - mean_over(0.7, 0.9, &|s| s.1);
    let right = mean_over(0.1, 0.3, &|s| s.2) - mean_over(0.7, 0.9, &|s| s.2);
    let skew = if left * right > 0.0 && (left - right).abs() <= 0.4 * left.abs().max(right.abs()) {
        // Over the middle fifty per cent of rows; scaled to the whole height.
        (left + right).abs() / 2.0 / 0.6
    } else {
        0.0
    };
    let middle = &widths[n / 10..(n - n / 10).max(n / 10 + 1)];
    let mean = middle.iter().sum::<f32>() / middle.len() as f32;
    let var = middle.iter().map(|v| (v - mean) * (v - mean)).sum::<f32>() / middle.len() as f32;
    let width_cv = var.sqrt() / mean.max(1.0);
    let mut pts: Vec<Pt> = Vec::with_capacity(4 * n);
    for s in &spans {
        pts.extend([[s.1, s.0], [s.2, s.0], [s.1, s.0 + 1.0], [s.2, s.0 + 1.0]]);
    }
    let hull = geom::convex_hull(&mut pts);
    let hull_area = polygon_area(&hull);
    Profile {
        fill,
        full,
        at25: at(0.25),
        at50: at(0.5),
        skew,
        width_cv,
        solidity: if hull_area > 0.0 {
            (area / hull_area).min(1.0)
        } else {
            0.0
        },
    }
}

fn polygon_area(p: &[Pt]) -> f32 {
    let n = p.len();
    (0..n)
        .map(|i| {
            let (a, b) = (p[i], p[(i + 1) % n]);
            a[0] * b[1] - b[0] * a[1]
        })
        .sum::<f32>()
        .abs()
        / 2.0
}

/// The outline's thickness: the ink crossed walking out of the region, from its leftmost and
/// rightmost pixels on the rows at a third and two thirds of its height, and from its top and
/// bottom pixels on the columns at a third and two thirds of its width (not through the
/// middle, where lines meet shapes). The thinnest of the eight.
fn stroke_of(bg: &[u32], ink: &[bool], w: usize, h: usize, id: u32, b: &[usize; 4]) -> f32 {
    let run = |mut x: isize, mut y: isize, dx: isize, dy: isize| {
        let mut n = 0;
        while x >= 0 && y >= 0 && (x as usize) < w && (y as usize) < h && n < 12 {
            if !ink[y as usize * w + x as usize] {
                break;
            }
            n += 1;
            x += dx;
            y += dy;
        }
        n
    };
    let mut best = 12;
    for f in [1, 2] {
        let y = b[1] + (b[3] - b[1]) * f / 3;
        let row = &bg[y * w + b[0]..=y * w + b[2]];
        if let (Some(l), Some(r)) = (
            row.iter().position(|&v| v == id),
            row.iter().rposition(|&v| v == id),
        ) {
            best = best
                .min(run((b[0] + l) as isize - 1, y as isize, -1, 0))
                .min(run((b[0] + r) as isize + 1, y as isize, 1, 0));
        }
        let x = b[0] + (b[2] - b[0]) * f / 3;
        let column = (b[1]..=b[3]).map(|y| bg[y * w + x]);
        let top = column.clone().position(|v| v == id);
        let bottom = column.clone().rev().position(|v| v == id).map(|k| b[3] - k);
        if let (Some(t), Some(bt)) = (top, bottom) {
            best = best
                .min(run(x as isize, (b[1] + t) as isize - 1, 0, -1))
                .min(run(x as isize, bt as isize + 1, 0, 1));
        }
    }
    best as f32
}

/// Whether an OCR line lies inside a region: its centre within the region's box and at least
/// two of the four points just outside the line's box, at its middle, in the region.
fn inside_region(bg: &[u32], w: usize, h: usize, id: u32, inner: &[usize; 4], b: &BBox) -> bool {
    let c = [(b[0] + b[2]) / 2.0, (b[1] + b[3]) / 2.0];
    if c[0] < inner[0] as f32
        || c[0] > inner[2] as f32
        || c[1] < inner[1] as f32
        || c[1] > inner[3] as f32
    {
        return false;
    }
    let probe = |x: f32, y: f32| {
        let (x, y) = (x.round(), y.round());
        x >= 0.0
            && y >= 0.0
            && (x as usize) < w
            && (y as usize) < h
            && bg[y as usize * w + x as usize] == id
    };
    let hits = [
        probe(b[0] - 3.0, c[1]),
        probe(b[2] + 3.0, c[1]),
        probe(c[0], b[1] - 3.0),
        probe(c[0], b[3] + 3.0),
    ]
    .iter()
    .filter(|&&x| x)
    .count();
    hits >= 2
}

fn is_cjk(c: char) -> bool {
    matches!(c as u32, 0x3000..=0x9FFF | 0xF900..=0xFAFF | 0xFF00..=0xFFEF)
}

/// A shape's lines as one label, top to bottom: joined with a space, or with nothing between
/// Chinese characters.
fn join_lines(lines: &[Line], ids: &[usize]) -> String {
    let mut ids = ids.to_vec();
    ids.sort_by(|&a, &b| {
        let (la, lb) = (&lines[a].bbox, &lines[b].bbox);
        let same_row = geom::v_overlap(la, lb) > 0.5 * (la[3] - la[1]).min(lb[3] - lb[1]);
        if same_row {
            la[0].total_cmp(&lb[0])
        } else {
            la[1].total_cmp(&lb[1])
        }
    });
    let mut out = String::new();
    for i in ids {
        let t = lines[i].text.trim();
        if t.is_empty() {
            continue;
        }
        let join = match (out.chars().last(), t.chars().next()) {
            (None, _) => false,
            (Some(a), Some(b)) => !(is_cjk(a) && is_cjk(b)),
            _ => false,
        };
        if join {
            out.push(' ');
        }
        out.push_str(t);
    }
    out
}

/// Whether a box is mostly an OCR line's (glyphs, not a line).
fn text_at(lines: &[Line], b: &BBox) -> bool {
    lines
        .iter()
        .any(|l| geom::intersection(&l.bbox, b) >= 0.6 * geom::area(b))
}

/// A line: the ink left once the shapes are taken away, one 8-connected piece, with the
/// shapes it meets.
#[derive(Debug, Clone)]
struct Connector {
    bbox: BBox,
    /// Every pixel's index (labels beside a line are matched on them).
    pixels: Vec<u32>,
    contacts: Vec<Contact>,
}

impl Connector {
    /// The distance from a box to the nearest pixel of the line.
    fn distance(&self, b: &BBox, w: usize) -> f32 {
        self.pixels
            .iter()
            .map(|&p| {
                let (x, y) = ((p as usize % w) as f32, (p as usize / w) as f32);
                let dx = (b[0] - x).max(x - b[2]).max(0.0);
                let dy = (b[1] - y).max(y - b[3]).max(0.0);
                (dx * dx + dy * dy).sqrt()
            })
            .fold(f32::MAX, f32::min)
    }
}

/// Chamfer distance units per pixel (3 straight, 4 diagonal).
const UNIT: u16 = 3;

/// The lines between shapes: each shape's inside and outline taken away (the inside grown by
/// its stroke, by a chamfer distance map that also says which shape is nearest), the rest of
/// the ink split into pieces, and each piece's contacts with the shapes, with an arrowhead or
/// not. An arrowhead is a piece much wider, just outside the shape, than the line's stroke.
fn connectors(
    bg: &[u32],
    ink: &[bool],
    found: &[Found],
    w: usize,
    h: usize,
    stroke: f32,
    text_h: f32,
) -> Vec<Connector> {
    let n = w * h;
    let mut dist = vec![u16::MAX; n];
    let mut owner = vec![u16::MAX; n];
    let shape_of: std::collections::HashMap<u32, usize> = found
        .iter()
        .enumerate()
        .map(|(k, f)| (f.label, k))
        .collect();
    for p in 0..n {
        if let Some(&k) = shape_of.get(&bg[p]) {
            dist[p] = 0;
            owner[p] = k as u16;
        }
    }
    chamfer(&mut dist, &mut owner, w, h);
    let erase_of = |k: usize| ((found[k].stroke + 2.0) * f32::from(UNIT)) as u16;
    // Arrowheads are measured past what is left of an outline's blur.
    let skip = 2 * UNIT;
    let kept = |p: usize| ink[p] && (owner[p] == u16::MAX || dist[p] > erase_of(owner[p] as usize));
    let reach = (2.5 * f32::from(UNIT)) as u16;
    let band = ((text_h * 0.9).clamp(8.0, 20.0) * f32::from(UNIT)) as u16;
    let mut seen = vec![false; n];
    let mut out = Vec::new();
    let mut stack = Vec::new();
    for start in 0..n {
        if seen[start] || !kept(start) {
            continue;
        }
        seen[start] = true;
        stack.push(start);
        let mut pixels: Vec<u32> = Vec::new();
        let mut bbox = [f32::MAX, f32::MAX, f32::MIN, f32::MIN];
        // Per shape met: contact pixels (count, sum x, sum y) and the band's box.
        let mut touch: Vec<(usize, f32, f32, f32, BBox)> = Vec::new();
        while let Some(p) = stack.pop() {
            let (x, y) = (p % w, p / w);
            let (fx, fy) = (x as f32, y as f32);
            pixels.push(p as u32);
            bbox = [
                bbox[0].min(fx),
                bbox[1].min(fy),
                bbox[2].max(fx + 1.0),
                bbox[3].max(fy + 1.0),
            ];
            if owner[p] != u16::MAX {
                let k = owner[p] as usize;
                let e = erase_of(k);
                if dist[p] <= e + band {
                    let i = match touch.iter().position(|t| t.0 == k) {
                        Some(i) => i,
                        None => {
                            touch.push((
                                k,
                                0.0,
                                0.0,
                                0.0,
                                [f32::MAX, f32::MAX, f32::MIN, f32::MIN],
                            ));
                            touch.len() - 1
                        }
                    };
                    let t = &mut touch[i];
                    if dist[p] <= e + reach {
                        t.1 += 1.0;
                        t.2 += fx;
                        t.3 += fy;
                    }
                    if dist[p] > e + skip {
                        t.4 = [
                            t.4[0].min(fx),
                            t.4[1].min(fy),
                            t.4[2].max(fx + 1.0),
                            t.4[3].max(fy + 1.0),
                        ];
                    }
                }
            }
            for dy in -1isize..=1 {
                for dx in -1isize..=1 {
                    let (qx, qy) = (x as isize + dx, y as isize + dy);
                    if qx < 0 || qy < 0 || qx as usize >= w || qy as usize >= h {
                        continue;
                    }
                    let q = qy as usize * w + qx as usize;
                    if !seen[q] && kept(q) {
                        seen[q] = true;
                        stack.push(q);
                    }
                }
            }
        }
        let contacts = touch
            .into_iter()
            .filter(|t| t.1 > 0.0)
            .map(|(k, c, sx, sy, b)| {
                let at = [sx / c, sy / c];
                // Across the way the line comes in: the narrower side of what lies just
                // outside the shape (a line's stroke, or an arrowhead's width).
                let across = (b[2] - b[0]).min(b[3] - b[1]);
                Contact {
                    shape: k,
                    at,
                    head: across >= (2.0 * stroke + 1.0).max(5.0),
                    across,
                }
            })
            .collect::<Vec<_>>();
        // A line's two ends against each other: where one end is much the wider, the head is
        // there (a thick line's head is little wider than twice its stroke).
        let mut contacts = contacts;
        if let [a, b] = &mut contacts[..]
            && a.head == b.head
        {
            let (wa, wb) = (a.across, b.across);
            if wa >= 1.8 * wb && wa >= 5.0 {
                (a.head, b.head) = (true, false);
            } else if wb >= 1.8 * wa && wb >= 5.0 {
                (a.head, b.head) = (false, true);
            }
        }
        out.push(Connector {
            bbox,
            pixels,
            contacts,
        });
    }
    out
}

/// Two-pass chamfer distance (3-4) from the seeded pixels, carrying each pixel's nearest seed.
fn chamfer(dist: &mut [u16], owner: &mut [u16], w: usize, h: usize) {
    let step = |dist: &mut [u16], owner: &mut [u16], p: usize, q: usize, c: u16| {
        let d = dist[q].saturating_add(c);
        if d < dist[p] {
            dist[p] = d;
            owner[p] = owner[q];
        }
    };
    for y in 0..h {
        for x in 0..w {
            let p = y * w + x;
            if x > 0 {
                step(dist, owner, p, p - 1, 3);
            }
            if y > 0 {
                step(dist, owner, p, p - w, 3);
                if x > 0 {
                    step(dist, owner, p, p - w - 1, 4);
                }
                if x + 1 < w {
                    step(dist, owner, p, p - w + 1, 4);
                }
            }
        }
    }
    for y in (0..h).rev() {
        for x in (0..w).rev() {
            let p = y * w + x;
            if x + 1 < w {
                step(dist, owner, p, p + 1, 3);
            }
            if y + 1 < h {
                step(dist, owner, p, p + w, 3);
                if x + 1 < w {
                    step(dist, owner, p, p + w + 1, 4);
                }
                if x > 0 {
                    step(dist, owner, p, p + w - 1, 4);
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use image::Luma;

    fn line(text: &str, b: BBox) -> Line {
        Line {
            text: text.into(),
            quad: [[b[0], b[1]], [b[2], b[1]], [b[2], b[3]], [b[0], b[3]]],
            bbox: b,
            confidence: 0.99,
            glyphs: Vec::new(),
        }
    }

    /// A page drawn pixel by pixel: a box, an arrow down to a diamond, a line from the diamond
    /// that ends nowhere, a triangle with text in it, and a word beside nothing. The OCR lines
    /// are given (the text's pixels are not drawn: the tracing reads only where lines are).
    fn page() -> (GrayImage, Page) {
        let mut img = GrayImage::from_pixel(400, 300, Luma([255]));
        let mut ink = |x: u32, y: u32| img.put_pixel(x, y, Luma([20]));
        // The box: [40, 30, 160, 80], stroke 2.
        for x in 40..160 {
            for y in 30..80 {
                if !(42..158).contains(&x) || !(32..78).contains(&y) {
                    ink(x, y);
                }
            }
        }
        // The diamond: centre (100, 180), half-diagonals 60 and 35.
        for x in 30..171 {
            for y in 140..221 {
                let d = (x as f32 - 100.0).abs() / 60.0 + (y as f32 - 180.0).abs() / 35.0;
                if (0.95..=1.0).contains(&d) {
                    ink(x, y);
                }
            }
        }
        // The arrow: a line from the box down to the diamond, and a filled head.
        for y in 80..135 {
            ink(99, y);
            ink(100, y);
        }
        for y in 135..145 {
            let half = (145 - y) / 2;
            for x in 100 - half..=100 + half {
                ink(x, y);
            }
        }
        // A line from the diamond's right corner that ends nowhere.
        for x in 159..260 {
            ink(x, 180);
            ink(x, 181);
        }
        // A triangle, apex up: no shape known here.
        for x in 240..381 {
            for y in 28..113 {
                let (fx, fy) = (x as f32, y as f32);
                let half = (fy - 30.0) / 80.0 * 60.0;
                let inside = |g: f32| fy <= 110.0 + g && (fx - 310.0).abs() <= half + g;
                if inside(2.0) && !inside(0.0) {
                    ink(x, y);
                }
            }
        }
        let lines = vec![
            line("Start here", [60.0, 45.0, 140.0, 65.0]),
            line("OK?", [85.0, 172.0, 115.0, 188.0]),
            line("Hub", [295.0, 82.0, 325.0, 97.0]),
            line("stray", [300.0, 250.0, 360.0, 270.0]),
        ];
        let page = Page {
            width: 400,
            height: 300,
            lines,
            ..Page::default()
        };
        (img, page)
    }

    #[test]
    fn shapes_text_and_an_arrow_are_traced_and_what_is_unresolved_is_said() {
        let (img, page) = page();
        let (g, warnings) = trace(&page, &img);
        let got: Vec<(&str, Shape)> = g
            .nodes
            .iter()
            .map(|n| (n.label.as_str(), n.shape))
            .collect();
        assert_eq!(
            got,
            [
                ("Hub", Shape::Other),
                ("Start here", Shape::Process),
                ("OK?", Shape::Decision)
            ],
            "{warnings:?}"
        );
        let b = g.nodes[1].pixels.unwrap();
        assert!(
            (b[0] - 40.0).abs() <= 1.0 && (b[3] - 80.0).abs() <= 1.0,
            "{b:?}"
        );
        assert_eq!(g.edges.len(), 1, "{:?}", g.edges);
        let e = &g.edges[0];
        assert_eq!(
            (e.from.as_str(), e.to.as_str(), e.arrow),
            ("n2", "n3", Arrow::Forward)
        );
        let said = |s: &str| warnings.iter().any(|w| w.contains(s));
        assert!(said("a line from \"OK?\" ends at no shape"), "{warnings:?}");
        assert!(said("text \"stray\""), "{warnings:?}");
        assert!(
            said("holding \"Hub\" is no shape known here"),
            "{warnings:?}"
        );
    }

    /// A page past the pixel bound is traced shrunk, and its boxes come back at full size.
    #[test]
    fn a_large_page_is_traced_shrunk_and_scaled_back() {
        let (img, page) = page();
        let big = image::imageops::resize(&img, 800, 600, image::imageops::FilterType::Nearest);
        let mut big_page = page.clone();
        big_page.width = 800;
        big_page.height = 600;
        for l in &mut big_page.lines {
            l.bbox = l.bbox.map(|v| v * 2.0);
        }
        let (g, warnings) = trace_within(&big_page, &big, 120_000);
        assert!(
            warnings
                .iter()
                .any(|w| w.contains("was traced at 400 x 300")),
            "{warnings:?}"
        );
        let b = g
            .nodes
            .iter()
            .find(|n| n.label == "Start here")
            .and_then(|n| n.pixels)
            .expect("the box");
        assert!(
            (b[0] - 80.0).abs() <= 4.0 && (b[2] - 320.0).abs() <= 4.0,
            "{b:?}"
        );
        assert_eq!(g.edges.len(), 1, "{:?}", g.edges);
    }

    #[test]
    fn a_blank_page_has_no_diagram_and_says_so() {
        let img = GrayImage::from_pixel(200, 100, Luma([255]));
        let (g, warnings) = trace(&Page::default(), &img);
        assert!(g.nodes.is_empty() && g.edges.is_empty());
        assert!(
            warnings.iter().any(|w| w.starts_with("no closed shapes")),
            "{warnings:?}"
        );
    }
}

//! Where a form can be written on: bordered input boxes and table cells (light regions enclosed
//! by ink), checkboxes (small enclosed squares), and underlines (long thin horizontal ink
//! runs). Pure image analysis on a grey page; text positions come from the OCR lines.

use image::GrayImage;

use crate::ocr::Line;
use crate::ocr::geom::{self, BBox};

/// Grey levels at or below this are ink: light enough for #ccc borders, dark enough that light
/// section shading stays paper.
const INK: u8 = 215;
/// How much darker than the paper a pixel of a thin rule may be and still count, when rules
/// are mended: a scan's blur leaves a pale 1 px rule only 20–40 levels under its paper.
const FAINT: u8 = 20;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RegionKind {
    /// A bordered box (or an empty table cell).
    Box,
    /// A table cell, or a box, that holds text: a label cell.
    TextCell,
    Checkbox,
    Underline,
    /// Blank paper after a label, with nothing drawn to write in (a form printed without
    /// lines): found from the label, not from the drawing.
    Blank,
}

#[derive(Debug, Clone)]
pub struct Region {
    pub kind: RegionKind,
    /// The border box (for underlines: the writable area above the line).
    pub bbox: BBox,
}

/// Finds the regions of a page. `lines` are the OCR lines (text is never a region); `text_h`
/// the typical text height, which scales every size threshold.
pub fn find(gray: &GrayImage, lines: &[Line], text_h: f32) -> Vec<Region> {
    let (w, h) = (gray.width() as usize, gray.height() as usize);
    let paper = paper_level(gray);
    let ink_at = ink_on(paper);
    let ink: Vec<bool> = gray.as_raw().iter().map(|&v| v <= ink_at).collect();
    let mut out = Vec::new();
    // Enclosure is read on rules a scan broke and mended; everything else on the ink as is.
    let faint_at = paper.saturating_sub(FAINT);
    let faint: Vec<bool> = gray.as_raw().iter().map(|&v| v <= faint_at).collect();
    let mut sealed = mend_rules(&ink, &faint, w, h, text_h);
    seal_curves(&mut sealed, &faint, w, h);
    let notches = close_notches(&mut sealed, w, h, lines, text_h);
    let rects = enclosed(&sealed, w, h);
    let page_area = (w * h) as f32;
    for r in &rects {
        let b = r.bbox;
        let (bw, bh) = (b[2] - b[0], b[3] - b[1]);
        if r.fill < 0.6 || bw < 4.0 || bh < 4.0 || bw * bh > 0.4 * page_area {
            continue;
        }
        // Below 6 px only a ring the OCR read as a symbol of its own ("o Male", a small ○
        // glyph in some fonts), not a gap between words (a letter's counter beside it).
        if (bw < 6.0 || bh < 6.0) && !symbol_at(lines, &b, false) {
            continue;
        }
        let border = grow_to_border(&sealed, w, h, b);
        if bh <= 2.2 * text_h && chevron(&ink, w, &b, text_h) {
            out.push(Region {
                kind: RegionKind::Box,
                bbox: border,
            });
            continue;
        }
        let inside = lines_in(lines, &b);
        let alone = clear_beside(&ink, w, h, &border, 0.2 * text_h);
        match mark(r, border, &inside, lines, text_h, false, alone) {
            Some(Some(m)) => {
                out.push(m);
                continue;
            }
            Some(None) => continue,
            None => {}
        }
        if r.fill < 0.8 {
            continue;
        }
        // Boxes as narrow as a date part's ("[  ]月") but no narrower than the text is tall.
        if bh < 0.8 * text_h || bw < 1.0 * text_h {
            continue;
        }
        if inside.is_empty() {
            // Letter counters sit inside OCR boxes; an empty box is clear of them.
            let overlaps_text = lines
                .iter()
                .any(|l| geom::intersection(&l.bbox, &b) > 0.3 * geom::area(&b));
            if !overlaps_text {
                out.push(Region {
                    kind: RegionKind::Box,
                    bbox: border,
                });
            }
        } else if (inside.len() <= 2 && bh <= 4.0 * text_h)
            || (inside.len() == 1 && bh <= 8.0 * text_h)
        {
            // Label cells; a tall cell with one line may hold its label at the top.
            out.push(Region {
                kind: RegionKind::TextCell,
                bbox: border,
            });
        }
    }
    // Marks drawn in thin faint ink: a scan's blur leaves a small radio button's ring 25-40
    // levels under the paper, above the ink threshold, so its paper is enclosed only on the
    // faint map. Read there are shapes the ink did not enclose, as checkboxes or radio buttons
    // only (a larger faint outline is a box's shading or a cell's, found otherwise).
    // (On a page whose boxes are all drawn in a light colour a scan left faint, the boxes are
    // enclosed only there too: kept aside, and taken if the ink enclosed almost none.)
    let inked = out
        .iter()
        .filter(|o| matches!(o.kind, RegionKind::Box | RegionKind::TextCell))
        .count();
    let mut faint_boxes: Vec<&Enclosed> = Vec::new();
    let faint_rects = enclosed(&faint, w, h);
    for r in &faint_rects {
        let b = r.bbox;
        let (bw, bh) = (b[2] - b[0], b[3] - b[1]);
        if r.fill < 0.6 || bw < 6.0 || bh < 6.0 {
            continue;
        }
        if bw.max(bh) > 2.2 * text_h {
            if r.fill >= 0.8
                && bh >= 0.8 * text_h
                && bh <= 8.0 * text_h
                && bw >= 1.0 * text_h
                && bw * bh <= 0.4 * page_area
            {
                faint_boxes.push(r);
            }
            continue;
        }
        let seen = rects
            .iter()
            .any(|o| geom::area(&o.bbox) <= 4.0 * geom::area(&b) && centre_inside(&b, &o.bbox))
            || out.iter().any(|o| {
                geom::area(&o.bbox) <= 4.0 * geom::area(&b) && geom::intersection(&o.bbox, &b) > 0.0
            });
        // On the faint map a blurred word's letters close pockets of paper between them; their
        // walls are the letters' dark strokes (70 % of the band round the pocket is ink), a
        // faint mark's ring is faint all round (25 %).
        let ring = [b[0] - 3.0, b[1] - 3.0, b[2] + 3.0, b[3] + 3.0];
        let dark = ink_share(gray, &ring, ink_at) * geom::area(&ring);
        if seen || dark > 0.4 * (geom::area(&ring) - geom::area(&b)) {
            continue;
        }
        let border = grow_to_border(&faint, w, h, b);
        if chevron(&ink, w, &b, text_h) {
            out.push(Region {
                kind: RegionKind::Box,
                bbox: border,
            });
            continue;
        }
        let alone = clear_beside(&ink, w, h, &border, 0.2 * text_h);
        if let Some(Some(m)) = mark(r, border, &lines_in(lines, &b), lines, text_h, true, alone) {
            out.push(m);
        }
    }
    if inked < 2 && faint_boxes.len() >= 2 {
        for r in faint_boxes {
            let b = r.bbox;
            // Its walls faint all round, not a word's strokes; its inside clear of text.
            let ring = [b[0] - 3.0, b[1] - 3.0, b[2] + 3.0, b[3] + 3.0];
            let dark = ink_share(gray, &ring, ink_at) * geom::area(&ring);
            let texted = lines
                .iter()
                .any(|l| geom::intersection(&l.bbox, &b) > 0.3 * geom::area(&l.bbox));
            if dark > 0.4 * (geom::area(&ring) - geom::area(&b)) || texted {
                continue;
            }
            out.push(Region {
                kind: RegionKind::Box,
                bbox: grow_to_border(&faint, w, h, b),
            });
        }
    }
    shaded_boxes(gray, paper, lines, text_h, &mut out);
    let runs = underlines(&ink, w, h, (0.9 * text_h).max(16.0) as usize);
    broken_boxes(gray, ink_at, &ink, &runs, lines, text_h, &mut out);
    let boxes: Vec<BBox> = out.iter().map(|r| r.bbox).collect();
    let usual = (1.5 * text_h).max(24.0);
    let mut long = underlines(&ink, w, h, usual as usize);
    // A scan blurs a dotted rule into a grey one that the ink threshold catches only in
    // pieces: pieces joined by a thin faint line are one rule.
    for chain in faint_chains(&runs, &ink, &faint, w, h) {
        long.retain(|k| {
            !(geom::h_overlap(k, &chain) > 0.0 && k[1] <= chain[3] && k[3] >= chain[1])
        });
        long.push(chain);
    }
    // A notched box's top border beside its label is no line to write on.
    long.retain(|k| {
        !notches
            .iter()
            .any(|n| (k[1] - n[1]).abs() <= 3.0 && geom::h_overlap(k, n) > 0.8)
    });
    // Rules as short as the text is tall are blanks only right before a date unit ("__月").
    // They are found in a pass of their own, so that they never join a scan's frayed pieces
    // to the long rules.
    let unit_after = |u: &BBox| {
        lines.iter().flat_map(|l| &l.glyphs).any(|(g, gb)| {
            matches!(g.as_str(), "年" | "月" | "日")
                && gb[0] >= u[2] - 3.0
                && gb[0] - u[2] <= 0.8 * text_h
                && gb[3] >= u[1] - 1.5 * text_h
                && gb[3] <= u[1] + 0.8 * text_h
        })
    };
    // Or in a row of two or three blanks on one baseline, each a few characters long
    // ("__ / __ / ____"): a date's parts, which a scan's taller text can make shorter than
    // `usual`. A longer row is a dashed rule.
    let row_of_blanks = |u: &BBox| {
        let blank = |k: &BBox| {
            k[2] - k[0] <= 4.0 * text_h && (k[1] - u[1]).abs() <= 3.0 && k[3] - k[1] <= 5.0
        };
        let candidates: Vec<&BBox> = runs
            .iter()
            .chain(long.iter())
            .filter(|k| blank(k))
            .collect();
        // Walk the row outwards from u while the next blank is near.
        let mut row = vec![*u];
        for dir in [-1.0f32, 1.0] {
            let mut edge = *u;
            while let Some(next) = candidates.iter().find(|k| {
                let gap = if dir > 0.0 {
                    k[0] - edge[2]
                } else {
                    edge[0] - k[2]
                };
                gap > 0.3 * text_h && gap <= 2.5 * text_h
            }) {
                edge = **next;
                row.push(edge);
                if row.len() > 3 {
                    return false;
                }
            }
        }
        row.len() >= 2 && blank(u)
    };
    let short: Vec<BBox> = runs
        .iter()
        .copied()
        .filter(|u| {
            u[2] - u[0] < usual
                && (unit_after(u) || row_of_blanks(u))
                && stroked_above(&ink, w, u, text_h) < 0.1
                // A frayed piece of a long rule lies on the rows next to it.
                && !long.iter().any(|k| {
                    geom::h_overlap(u, k) > 0.0 && u[1] <= k[3] + 1.0 && u[3] + 1.0 >= k[1]
                })
        })
        .collect();
    // Cells open at the sides (rules across, the label at the top): the cell is the input,
    // and its rules are no underlines.
    let page = Page {
        ink: &ink,
        mended: &sealed,
        w,
        gray,
        lines,
        text_h,
        faint_above: faint_print_level(gray, lines),
    };
    let mut cells = open_cells(&page, &long, &boxes);
    standing_cells(&page, &long, &boxes, &mut cells);
    let boxes: Vec<BBox> = boxes.into_iter().chain(cells.iter().copied()).collect();
    out.extend(cells.into_iter().map(|bbox| Region {
        kind: RegionKind::TextCell,
        bbox,
    }));
    let rules: Vec<BBox> = long.iter().chain(&short).copied().collect();
    for u in long.into_iter().chain(short) {
        // The top or bottom border of a box is no underline.
        // (Nor the straight top or bottom of a rounded outline, a pill-shaped chip's or a
        // box's with round corners that enclosed no paper: the rule of the same span over or
        // under it is joined to it at both ends by the outline's curves.)
        let edge = box_edge(&boxes, &u)
            || rules.iter().any(|o| {
                let d = (o[1] - u[1]).abs();
                (o[0] - u[0]).abs() <= 3.0
                    && (o[2] - u[2]).abs() <= 3.0
                    && d >= 0.5 * text_h
                    && d <= 3.0 * text_h
                    && curve_joins(&ink, w, &u, o, false)
                    && curve_joins(&ink, w, &u, o, true)
            });
        // Nor is a text decoration, a rule through text or a heading's rule: lines with
        // text over them. An OCR line may run over the blanks of "____年__月__日", so what
        // counts is the glyphs over the rule, not the line's box.
        // (A vertical line of text, a side tab's, runs across every row beside it.)
        // (A rule at or above the text's top is the line a caption hangs from; a stroke
        // of a glyph lies inside the text's box.)
        // (Nor a caption hung under the rule whose read box reaches a little over it: no ink
        // of it above the rule, and paper right under the rule, where the strokes of a
        // capital's top bar would run on down.)
        let hangs = |l: &Line| {
            let lh = l.bbox[3] - l.bbox[1];
            u[1] - l.bbox[1] <= 0.35 * lh
                && ink_share(gray, &[l.bbox[0], l.bbox[1], l.bbox[2], u[1] - 1.0], ink_at) < 0.005
                && ink_share(gray, &[u[0], u[3], u[2], u[3] + 2.0], ink_at) < 0.05
        };
        let over = |l: &Line| {
            u[1] >= l.bbox[1] + 1.0
                && u[1] <= l.bbox[3] + 0.6 * text_h
                && l.bbox[3] - l.bbox[1] <= 2.0 * text_h
                && !hangs(l)
        };
        // (Grey placeholder text written on the line is no such text, though the OCR ran the
        // label before the line into it: "Date signed dd/mm/yyyy", only the part over the
        // rule is judged.)
        let over_rule = |l: &Line| {
            [
                l.bbox[0].max(u[0]),
                l.bbox[1],
                l.bbox[2].min(u[2]),
                l.bbox[3],
            ]
        };
        // (Where nothing is printed over the rule, the line's print as a whole tells.)
        let light_over = |l: &Line| match darkest(gray, &over_rule(l), 20) {
            // (As `light_text` judges it.)
            Some(v) if v < paper.saturating_sub(40) => v > 110,
            _ => light_text(gray, &l.bbox),
        };
        let placeholder = |l: &Line| u[1] >= l.bbox[3] - 2.0 && light_over(l);
        let covered: f32 = lines
            .iter()
            .filter(|l| over(l) && !placeholder(l))
            .map(|l| {
                if l.glyphs.is_empty() {
                    let o = l.bbox[2].min(u[2]) - l.bbox[0].max(u[0]);
                    return o.max(0.0);
                }
                // A glyph's box from the recogniser's frames is a sliver; the character is
                // about as wide as the line is high (half that for Latin letters).
                let lh = l.bbox[3] - l.bbox[1];
                l.glyphs
                    .iter()
                    // (An underscore read on a blank is the rule itself.)
                    .filter(|(t, _)| !t.chars().all(|c| matches!(c, '_' | '＿')))
                    .map(|(t, g)| {
                        let cjk = t.chars().any(crate::request::is_cjk);
                        let half = (g[2] - g[0]).max(if cjk { 0.9 } else { 0.45 } * lh) / 2.0;
                        let c = (g[0] + g[2]) / 2.0;
                        ((c + half).min(u[2]) - (c - half).max(u[0])).max(0.0)
                    })
                    .sum()
            })
            .sum();
        let text = covered > 0.3 * (u[2] - u[0]);
        // A rule right under text that spans it is a heading's rule, not a line to write on
        // (a label beside an underline sits left of it, not over it).
        // Grey placeholder text on the line ("yyyy-mm-dd") does not make it a heading's rule.
        let heading = lines.iter().any(|l| {
            geom::h_overlap(&l.bbox, &u) > 0.3
                && !light_over(l)
                && u[1] >= l.bbox[3] - 2.0
                && u[1] - l.bbox[3] <= 0.6 * text_h
        });
        // Nor is the top or bottom edge of a frame round a panel, whose sides run up (or
        // down) from both its ends, further than a box's (no paper was enclosed: text is in it).
        let tall = 3.0 * text_h;
        let side = |x: f32, up: bool| {
            let y = if up { u[1] } else { u[3] - 1.0 };
            vertical_ink(&ink, w, x, y, up, tall) >= tall
        };
        // (A rounded frame's straight edge stops short of its sides by the corner's radius.)
        let near = |x: f32, out: f32, up: bool| (0..4).any(|k| side(x + out * 2.0 * k as f32, up));
        let frame = [true, false]
            .into_iter()
            .any(|up| near(u[0], -1.0, up) && near(u[2] - 1.0, 1.0, up));
        if edge || text || frame {
            continue;
        }
        let area_h = (1.4 * text_h).round();
        // A label printed on its own line ("住址：______", the rule running on under the
        // label): the input is the rule after each label. A heading's rule has no colon.
        // (Scans grey the text: no test of its darkness here.)
        let on: Vec<&Line> = lines
            .iter()
            .filter(|l| {
                geom::h_overlap(&l.bbox, &u) > 0.3
                    && u[1] >= l.bbox[3] - (0.2 * text_h).max(2.0)
                    && u[1] - l.bbox[3] <= 0.6 * text_h
            })
            .collect();
        // The text sits on the rule, which starts under it; a box's top (sides running down
        // from both ends) or a row's rule under a label and its input is no such line.
        let sits = |l: &&Line| {
            u[1] - l.bbox[3] <= 0.35 * text_h && (l.bbox[0] - u[0]).abs() <= 0.5 * text_h
        };
        let labelled = |l: &&Line| ends_in_colon(&l.text) && l.bbox[3] - l.bbox[1] <= 1.6 * text_h;
        let down = |x: f32| vertical_ink(&ink, w, x, u[3] - 1.0, false, text_h) >= text_h;
        let own = !on.is_empty()
            && on.iter().all(|l| labelled(l) && sits(l))
            && !(down(u[0]) && down(u[2] - 1.0));
        if own {
            let mut starts: Vec<f32> = on.iter().map(|l| l.bbox[0]).collect();
            starts.push(u[2]);
            starts.sort_by(f32::total_cmp);
            for l in &on {
                let x1 = l.bbox[2] + 0.3 * text_h;
                let next = starts
                    .iter()
                    .copied()
                    .find(|&x| x > l.bbox[0])
                    .unwrap_or(u[2]);
                let x2 = if next >= u[2] {
                    u[2]
                } else {
                    next - 0.5 * text_h
                };
                if x2 - x1 >= 3.0 * text_h {
                    out.push(Region {
                        kind: RegionKind::Underline,
                        bbox: [x1, (u[1] - area_h).max(0.0), x2, u[3]],
                    });
                }
            }
            continue;
        }
        if heading {
            continue;
        }
        out.push(Region {
            kind: RegionKind::Underline,
            bbox: [u[0], (u[1] - area_h).max(0.0), u[2], u[3]],
        });
    }
    quartered_cells(&mut out);
    combs(&mut out, lines, text_h);
    join_split_boxes(&mut out, gray, text_h);
    out
}

/// Four small squares meeting at one point, sharing their borders, are one writing cell
/// split by guide lines (a 田字格 cell: one character goes in the whole square).
fn quartered_cells(out: &mut Vec<Region>) {
    let close = |a: f32, b: f32| (a - b).abs() <= 2.0;
    let mut squares: Vec<usize> = (0..out.len())
        .filter(|&i| out[i].kind == RegionKind::Checkbox)
        .collect();
    // Left to right, top to bottom: a row of cells starts at a cell's edge, so the first
    // quarter found is a top-left one.
    squares.sort_by(|&a, &b| {
        let (x, y) = (&out[a].bbox, &out[b].bbox);
        x[0].total_cmp(&y[0]).then(x[1].total_cmp(&y[1]))
    });
    let mut taken = vec![false; out.len()];
    let mut cells = Vec::new();
    for &tl in &squares {
        if taken[tl] {
            continue;
        }
        let a = out[tl].bbox;
        let (w, h) = (a[2] - a[0], a[3] - a[1]);
        let at = |x: f32, y: f32| {
            squares.iter().copied().find(|&j| {
                let b = &out[j].bbox;
                !taken[j]
                    && j != tl
                    && close(b[0], x)
                    && close(b[1], y)
                    && close(b[2] - b[0], w)
                    && close(b[3] - b[1], h)
            })
        };
        let (Some(tr), Some(bl)) = (at(a[2], a[1]), at(a[0], a[3])) else {
            continue;
        };
        let Some(br) = at(out[tr].bbox[0], out[bl].bbox[1]) else {
            continue;
        };
        for j in [tl, tr, bl, br] {
            taken[j] = true;
        }
        cells.push(Region {
            kind: RegionKind::Checkbox,
            bbox: [a[0], a[1], out[br].bbox[2], out[br].bbox[3]],
        });
    }
    // A box over half a run of such cells, cut out by the guides (see `broken_boxes`), is
    // the run: as tall as its cells.
    for r in out.iter_mut().filter(|r| r.kind == RegionKind::Box) {
        let b = &mut r.bbox;
        let mut row: Vec<&BBox> = cells
            .iter()
            .map(|c| &c.bbox)
            .filter(|c| b[1] >= c[1] - 2.0 && b[3] <= c[3] + 2.0 && c[2] > b[0] && c[0] < b[2])
            .collect();
        row.sort_by(|x, y| x[0].total_cmp(&y[0]));
        let mut reach = b[0];
        for c in &row {
            if c[0] <= reach + 2.0 {
                reach = reach.max(c[2]);
            }
        }
        if !row.is_empty() && reach >= b[2] - 2.0 {
            b[1] = row.iter().map(|c| c[1]).fold(b[1], f32::min);
            b[3] = row.iter().map(|c| c[3]).fold(b[3], f32::max);
        }
    }
    drop_marked(out, &taken);
    out.extend(cells);
}

/// A long box found as two, level and touching with no line between them (a scan's
/// shading gradient or noise cut a filled box where the shade crossed the paper's level),
/// is one box. Boxes that share a border keep it between them; boxes apart show paper.
fn join_split_boxes(out: &mut Vec<Region>, gray: &GrayImage, text_h: f32) {
    let column = |x: f32, y0: f32, y1: f32| -> Option<f32> {
        let x = x.round();
        if x < 0.0 || x >= gray.width() as f32 || y1 <= y0 {
            return None;
        }
        let (y0, y1) = (y0.max(0.0) as u32, (y1 as u32).min(gray.height()));
        let n = y1.saturating_sub(y0);
        (n > 0).then(|| {
            (y0..y1)
                .map(|y| f32::from(gray.get_pixel(x as u32, y)[0]))
                .sum::<f32>()
                / n as f32
        })
    };
    loop {
        let mut pair = None;
        'find: for i in 0..out.len() {
            for j in 0..out.len() {
                let (a, b) = (out[i].bbox, out[j].bbox);
                if i == j
                    || out[i].kind != RegionKind::Box
                    || out[j].kind != RegionKind::Box
                    || (a[1] - b[1]).abs() > 0.15 * text_h
                    || (a[3] - b[3]).abs() > 0.15 * text_h
                    || (b[0] - a[2]).abs() > 3.0
                    || a[2] - a[0] < 2.0 * text_h
                    || b[2] - b[0] < 2.0 * text_h
                {
                    continue;
                }
                // The middle half of the rows, the seam's darkest and brightest columns
                // against the insides a few pixels off it on both sides.
                let (h0, h1) = (a[1].max(b[1]), a[3].min(b[3]));
                let (y0, y1) = (h0 + 0.25 * (h1 - h0), h1 - 0.25 * (h1 - h0));
                let seam: Vec<f32> = (-3..=3)
                    .filter_map(|d| column((a[2] + b[0]) / 2.0 + d as f32, y0, y1))
                    .collect();
                let sides: Vec<f32> = [a[2] - 8.0, a[2] - 6.0, b[0] + 6.0, b[0] + 8.0]
                    .into_iter()
                    .filter_map(|x| column(x, y0, y1))
                    .collect();
                if seam.is_empty() || sides.len() < 4 {
                    continue;
                }
                let inside = sides.iter().sum::<f32>() / sides.len() as f32;
                let darkest = seam.iter().copied().fold(f32::MAX, f32::min);
                let brightest = seam.iter().copied().fold(f32::MIN, f32::max);
                if darkest >= inside - 20.0 && brightest <= inside + 15.0 {
                    pair = Some((i, j));
                    break 'find;
                }
            }
        }
        let Some((i, j)) = pair else {
            return;
        };
        let b = out[j].bbox;
        let a = &mut out[i].bbox;
        *a = [
            a[0].min(b[0]),
            a[1].min(b[1]),
            a[2].max(b[2]),
            a[3].max(b[3]),
        ];
        out.remove(j);
    }
}

/// Whether the paper `b` (a box's inside) ends in a drop-down's arrow: a small V, wider than
/// tall, level with the box's middle, the last ink before the box's right side. A select box
/// is an input whatever its placeholder says ("请选择", "--", "Day").
fn chevron(ink: &[bool], w: usize, b: &BBox, text_h: f32) -> bool {
    let (bw, bh) = (b[2] - b[0], b[3] - b[1]);
    if bh < 8.0 || bw < 1.1 * bh {
        return false;
    }
    let (y0, y1) = (b[1] as usize, b[3] as usize);
    let x1 = b[2] as usize;
    let x0 = (b[2] - (1.6 * bh).min(0.75 * bw)).max(b[0]) as usize;
    let (bw_, bh_) = (x1 - x0, y1 - y0);
    let band: Vec<bool> = (0..bw_ * bh_)
        .map(|k| ink[(y0 + k / bw_) * w + x0 + k % bw_])
        .collect();
    // Ink components of the band: bounds (x0, y0, x1, y1) and each row's span.
    type Component = ([usize; 4], Vec<(usize, usize)>);
    let comps: Vec<Component> = components(&band, bw_, true)
        .into_iter()
        .map(|cells| {
            let mut bb = [usize::MAX, usize::MAX, 0, 0];
            let mut rows = vec![(usize::MAX, 0usize); bh_];
            for p in cells {
                let (x, y) = (p % bw_, p / bw_);
                bb = [bb[0].min(x), bb[1].min(y), bb[2].max(x), bb[3].max(y)];
                rows[y] = (rows[y].0.min(x), rows[y].1.max(x));
            }
            (bb, rows[bb[1]..=bb[3]].to_vec())
        })
        .collect();
    // The rightmost component (not a speck of a scan's noise, nor a piece of the box's
    // right side a skewed scan leaves inside its paper) is the arrow, clear of the band's
    // other edges (text running into the band) and close to the right side.
    let Some((bb, rows)) = comps
        .iter()
        .filter(|(bb, _)| bb[2] - bb[0] >= 2 && bb[2] + 1 < bw_)
        .max_by_key(|(bb, _)| bb[2])
    else {
        return false;
    };
    let (cw, ch) = ((bb[2] - bb[0] + 1) as f32, (bb[3] - bb[1] + 1) as f32);
    let cy = y0 as f32 + (bb[1] + bb[3] + 1) as f32 / 2.0;
    let span = |r: &(usize, usize)| (r.1 + 1).saturating_sub(r.0) as f32;
    // A V (a clean one, or a triangle a scan blurred it into): widest near the top, narrow
    // at the bottom, every row centred on one axis. A glyph's strokes are neither.
    // (A speck of blur over one arm is no row of the V.)
    let widest = rows.iter().map(span).fold(0.0, f32::max);
    let skip = rows
        .iter()
        .take(2)
        .take_while(|r| span(r) < 0.3 * widest)
        .count();
    let rows = &rows[skip..];
    let spans: Vec<f32> = rows.iter().map(span).collect();
    let top_widest = spans
        .iter()
        .position(|&s| s == widest)
        .is_some_and(|k| k < spans.len().div_ceil(2));
    let third = spans.len().div_ceil(3);
    let low = spans[spans.len() - third..].iter().sum::<f32>() / third as f32;
    let axis = (bb[0] + bb[2] + 1) as f32 / 2.0;
    let centred = rows
        .iter()
        .all(|r| ((r.0 + r.1 + 1) as f32 / 2.0 - axis).abs() <= (0.15 * cw).max(1.5));
    bb[0] > 0
        && bb[1] > 0
        && bb[3] + 1 < bh_
        && (x1 - x0 - bb[2] - 1) as f32 <= 0.7 * bh
        && (5.0..=(0.75 * bh).min(text_h)).contains(&cw)
        && (2.0..=(0.5 * bh).min(0.6 * text_h)).contains(&ch)
        && cw >= 1.4 * ch
        && (cy - (b[1] + b[3]) / 2.0).abs() <= 0.2 * bh
        && top_widest
        && low <= 0.6 * widest
        && centred
}

/// Whether no ink lies within `gap` left and right of `b`, over its rows: a shape standing
/// on its own, not a letter joined into a word.
/// Removes the regions marked (one flag per region, in order).
fn drop_marked(out: &mut Vec<Region>, marked: &[bool]) {
    let mut k = 0;
    out.retain(|_| {
        k += 1;
        !marked[k - 1]
    });
}

/// Whether `b` lies within a read line: it may be a pocket between a word's strokes.
fn in_line(lines: &[Line], b: &BBox) -> bool {
    lines.iter().any(|l| {
        let o = &l.bbox;
        b[0] >= o[0] - 1.0 && b[2] <= o[2] + 1.0 && b[1] >= o[1] - 1.0 && b[3] <= o[3] + 1.0
    })
}

fn clear_beside(ink: &[bool], w: usize, h: usize, b: &BBox, gap: f32) -> bool {
    let y0 = b[1].max(0.0) as usize;
    let y1 = (b[3].max(0.0) as usize + 1).min(h);
    let gap = gap.ceil().max(2.0) as usize;
    // One column of fringe each side (an anti-aliased edge) belongs to the shape.
    let l = (b[0].max(0.0) as usize).saturating_sub(1);
    let r = b[2].max(0.0) as usize + 1;
    let cols = (l.saturating_sub(gap)..l).chain(r..(r + gap).min(w));
    l >= gap && r + gap <= w && cols.into_iter().all(|x| (y0..y1).all(|y| !ink[y * w + x]))
}

/// Whether the middle of `b` lies strictly inside `outer`.
fn centre_inside(b: &BBox, outer: &BBox) -> bool {
    let c = [(b[0] + b[2]) / 2.0, (b[1] + b[3]) / 2.0];
    c[0] > outer[0] && c[0] < outer[2] && c[1] > outer[1] && c[1] < outer[3]
}

/// The OCR lines whose middle lies inside `b`.
fn lines_in<'a>(lines: &'a [Line], b: &BBox) -> Vec<&'a Line> {
    lines.iter().filter(|l| centre_inside(&l.bbox, b)).collect()
}

/// Whether an enclosed region is a checkbox or a radio button: `Some(Some(_))` one,
/// `Some(None)` a square too small to be anything (a letter's counter), `None` neither (it may
/// still be a box or a cell). A shape enclosed only by `faint` ink is no dark letter's
/// counter, so it may be smaller against the text. One `alone` (clear paper either side of
/// its border) that no read character covers is a marker the OCR dropped ("Sex: ☐ Male" read
/// "Sex: Male"), however small against the text.
fn mark(
    r: &Enclosed,
    border: BBox,
    inside: &[&Line],
    lines: &[Line],
    text_h: f32,
    faint: bool,
    alone: bool,
) -> Option<Option<Region>> {
    let b = r.bbox;
    let least = |share: f32, floor: f32| {
        if faint {
            6.0
        } else {
            (share * text_h).max(floor)
        }
    };
    let (bw, bh) = (b[2] - b[0], b[3] - b[1]);
    let square = bw.max(bh) <= 1.35 * bw.min(bh);
    // Checkbox interiors are rectangles to the corner; letter counters (O, D) are rounder.
    // (0.86, not 1: a scan's blur rounds the corners.)
    // A square holding a word the OCR read whole ("MM", "DD" in a date's part boxes) is a
    // box to write in; a ticked checkbox reads as one mark at most, and never as a digit
    // (a row's number in the first cell of a numbered table: "| 1 | Name: | ... |").
    let worded = inside.iter().any(|l| {
        let alnum = l.text.chars().filter(|c| c.is_alphanumeric()).count();
        (alnum >= 2 || (alnum == 1 && l.text.trim().chars().all(|c| c.is_ascii_digit())))
            && l.bbox[0] >= b[0] - 2.0
            && l.bbox[2] <= b[2] + 2.0
    });
    // The OCR read a box or circle symbol (☐, ○) where this square is, or a gap between
    // words: small as it is, it is drawn, not a letter's counter.
    let symbol = bw >= 4.0 && symbol_at(lines, &b, true);
    let dropped = || alone && bw >= 0.3 * text_h && !inside_glyph(lines, &b);
    if square
        && !worded
        && r.fill >= 0.86
        && bw <= 2.2 * text_h
        && (bw >= least(0.45, 0.0).min(7.2) || symbol || dropped())
    {
        // A checkbox, unless it is the small counter of a character the OCR read (the
        // OCR reads real checkboxes as 口, □, O or odd characters, at their full size).
        let m = Region {
            kind: RegionKind::Checkbox,
            bbox: border,
        };
        return Some((bw >= 0.45 * text_h || !inside_glyph(lines, &b)).then_some(m));
    }
    // Radio buttons: round, so their interiors fill about π/4 of the bounds (down to 0.6
    // in a small circle whose anti-aliased edge counts as ink), and at least 0.4 of the
    // text height: a letter's counter in text of the page's size is
    // smaller (in larger text, a title's, it may not be, so that text is left out), and
    // one that the OCR read inside a word has letters on both sides.
    let round = (0.6..0.86).contains(&r.fill) && r.solid;
    if square && round && bw <= 1.6 * text_h && (bw >= least(0.4, 9.0) || symbol || dropped()) {
        let c = [(b[0] + b[2]) / 2.0, (b[1] + b[3]) / 2.0];
        let letter = lines.iter().any(|l| {
            let on_line =
                c[0] >= l.bbox[0] && c[0] <= l.bbox[2] && c[1] >= l.bbox[1] && c[1] <= l.bbox[3];
            let large = l.bbox[3] - l.bbox[1] > 1.3 * text_h;
            let mid_word = l.glyphs.iter().enumerate().any(|(k, (_, gb))| {
                let on = c[0] >= gb[0] && c[0] <= gb[2];
                let word = |j: Option<&(String, BBox)>| {
                    j.is_some_and(|(g, _)| g.chars().all(char::is_alphanumeric) && !g.is_empty())
                };
                on && k > 0 && word(l.glyphs.get(k - 1)) && word(l.glyphs.get(k + 1))
            });
            on_line && (large || mid_word)
        }) && !symbol;
        if !letter {
            return Some(Some(Region {
                kind: RegionKind::Checkbox,
                bbox: border,
            }));
        }
    }
    None
}

/// Boxes marked only by their four corner ticks (┌ ┐ └ ┘), as on forms printed for OCR in a
/// drop-out ink: the boxes, and every tick that is part of one (the OCR reads ticks as "L",
/// "F", "7" or "「"; they are no text). A tick is a small thin component with two full arms
/// that meet at a corner; a box needs all four, aligned, at least 1.5 lines wide.
pub fn corner_boxes(gray: &GrayImage, text_h: f32) -> (Vec<BBox>, Vec<BBox>) {
    let w = gray.width() as usize;
    let ink_at = ink_level(gray);
    let ink: Vec<bool> = gray.as_raw().iter().map(|&v| v <= ink_at).collect();
    let (lo, hi) = ((0.25 * text_h).max(4.0), (1.2 * text_h).max(8.0));
    // Corners: 0 ┌, 1 ┐, 2 └, 3 ┘.
    let mut ticks: [Vec<BBox>; 4] = Default::default();
    for pixels in components(&ink, w, false) {
        let (mut x0, mut y0, mut x1, mut y1) = (usize::MAX, usize::MAX, 0, 0);
        for &p in &pixels {
            let (x, y) = (p % w, p / w);
            (x0, y0, x1, y1) = (x0.min(x), y0.min(y), x1.max(x), y1.max(y));
        }
        let (bw, bh) = ((x1 - x0 + 1) as f32, (y1 - y0 + 1) as f32);
        if bw < lo || bh < lo || bw > hi || bh > hi || pixels.len() as f32 > 3.5 * (bw + bh) {
            continue;
        }
        // An arm: a row (or column) at the edge inked along 80 % of the side.
        let row = |y: usize| pixels.iter().filter(|&&p| p / w == y).count() as f32 >= 0.8 * bw;
        let col = |x: usize| pixels.iter().filter(|&&p| p % w == x).count() as f32 >= 0.8 * bh;
        let edge_rows = |ys: [usize; 2]| ys.iter().any(|&y| row(y));
        let edge_cols = |xs: [usize; 2]| xs.iter().any(|&x| col(x));
        let top = edge_rows([y0, y0 + 1]);
        let bottom = edge_rows([y1, y1.saturating_sub(1)]);
        let left = edge_cols([x0, x0 + 1]);
        let right = edge_cols([x1, x1.saturating_sub(1)]);
        let b = [x0 as f32, y0 as f32, x1 as f32 + 1.0, y1 as f32 + 1.0];
        let k = match (top, bottom, left, right) {
            (true, false, true, false) => 0,
            (true, false, false, true) => 1,
            (false, true, true, false) => 2,
            (false, true, false, true) => 3,
            _ => continue,
        };
        ticks[k].push(b);
    }
    let near = |a: f32, b: f32| (a - b).abs() <= 3.0;
    let mut boxes = Vec::new();
    let mut used = Vec::new();
    for tl in &ticks[0] {
        let Some(tr) = ticks[1]
            .iter()
            .filter(|t| near(t[1], tl[1]) && t[2] - tl[0] >= 1.5 * text_h)
            .min_by(|a, b| a[2].total_cmp(&b[2]))
        else {
            continue;
        };
        let Some(bl) = ticks[2]
            .iter()
            .filter(|t| near(t[0], tl[0]) && t[3] - tl[1] >= 1.0 * text_h)
            .min_by(|a, b| a[3].total_cmp(&b[3]))
        else {
            continue;
        };
        let Some(br) = ticks[3]
            .iter()
            .find(|t| near(t[2], tr[2]) && near(t[3], bl[3]))
        else {
            continue;
        };
        boxes.push([tl[0], tl[1], tr[2], bl[3]]);
        used.extend([*tl, *tr, *bl, *br]);
    }
    (boxes, used)
}

/// What the cell finders read of a page: its ink, the ink with the gaps a scan opened in thin
/// rules closed (`mended`), its width, grey levels and OCR lines, the text height and the level
/// above which print is faint (`faint_print_level`).
#[derive(Clone, Copy)]
struct Page<'a> {
    ink: &'a [bool],
    mended: &'a [bool],
    w: usize,
    gray: &'a GrayImage,
    lines: &'a [Line],
    text_h: f32,
    faint_above: u8,
}

/// Whether a rule is the top or bottom border of one of `boxes`.
fn box_edge(boxes: &[BBox], u: &BBox) -> bool {
    boxes.iter().any(|b| {
        geom::h_overlap(b, u) > 0.5 && ((u[1] - b[1]).abs() <= 4.0 || (u[3] - b[3]).abs() <= 4.0)
    })
}

/// Cells standing on a rule, open at the top: a long rule with short vertical rules rising
/// from it, the label in small print inside each cell (a bank's ledger rows, the label at the
/// bottom right above the rule). The cell, label and all, is the input. Each cell found is
/// added to `cells`; a cell must hold dark text in its lower half, and no box or cell found
/// already may overlap it. Posts are read on the ink, else on the `mended` ink: a scan greys a
/// thin post to a faint line.
fn standing_cells(page: &Page, rules: &[BBox], boxes: &[BBox], cells: &mut Vec<BBox>) {
    let Page {
        ink,
        mended,
        w,
        gray,
        lines,
        text_h,
        faint_above,
    } = *page;
    let dark = |l: &&Line| !faint_print(gray, &l.bbox, faint_above);
    let rise = 2.0 * text_h;
    // (A box's top or bottom border is no such rule.)
    for u in rules
        .iter()
        .filter(|u| u[2] - u[0] >= 10.0 * text_h && !box_edge(boxes, u))
    {
        // Columns whose ink rises from the rule as high as two lines of text: vertical rules
        // (text sitting on the rule is not that tall). Neighbouring columns are one rule.
        // (first x, last x, height); the probe reads 2 px either side, so a post is the
        // middle of its run.
        let mut runs: Vec<(f32, f32, f32)> = Vec::new();
        let mut x = u[0] + 2.0;
        while x < u[2] - 2.0 {
            // (The mended ink runs a few pixels past a post's ends: read the ink first.)
            let up = match vertical_ink(ink, w, x, u[1], true, 6.0 * text_h) {
                up if up >= rise => up,
                _ => vertical_ink(mended, w, x, u[1], true, 6.0 * text_h),
            };
            if up >= rise {
                match runs.last_mut() {
                    Some((_, last, ph)) if x - *last <= 1.0 => {
                        *last = x;
                        *ph = ph.max(up);
                    }
                    _ => runs.push((x, x, up)),
                }
            }
            x += 1.0;
        }
        let posts: Vec<(f32, f32)> = runs
            .iter()
            .map(|&(a, b, up)| (((a + b) / 2.0).round(), up))
            .collect();
        if posts.is_empty() {
            continue;
        }
        let mut hs: Vec<f32> = posts.iter().map(|p| p.1).collect();
        hs.sort_by(f32::total_cmp);
        // A row of cells is a line or two of writing tall; taller posts are a frame's sides.
        let tall = hs[hs.len() / 2];
        if tall > 4.0 * text_h {
            continue;
        }
        let top = u[1] - tall;
        let mut edges: Vec<f32> = vec![u[0]];
        edges.extend(posts.iter().map(|p| p.0));
        edges.push(u[2]);
        for pair in edges.windows(2) {
            let c = [pair[0], top, pair[1], u[3]];
            if c[2] - c[0] < 3.0 * text_h
                || boxes
                    .iter()
                    .chain(cells.iter())
                    .any(|b| geom::intersection(b, &c) > 0.2 * geom::area(&c))
            {
                continue;
            }
            let labelled = lines.iter().filter(dark).any(|l| {
                within(&l.bbox, &[c[0], c[1] - 2.0, c[2], c[3] + 2.0])
                    && l.bbox[1] >= (c[1] + c[3]) / 2.0 - 2.0
            });
            if labelled {
                cells.push(c);
            }
        }
    }
}

/// Cells drawn only with rules across (open at the page's sides, or with column gaps): a
/// label right under a rule at its left, the space under the label empty down to the next
/// rule that spans it. Vertical rules between the two split the band into cells. Without
/// any vertical rule the band could be a label over its own underline, so the label must sit
/// close under the top rule and far above the bottom one. A last row with no rule under it
/// takes the height the other cells have, when at least two were found.
fn open_cells(page: &Page, rules: &[BBox], boxes: &[BBox]) -> Vec<BBox> {
    let Page {
        ink,
        mended,
        w,
        gray,
        lines,
        text_h,
        faint_above,
    } = *page;
    let h = ink.len() / w.max(1);
    // A rule with its own label at its left, on its row ("Full name: ........"), is that
    // label's line, no cell's top or foot. (A colon says it is a label: the options of the
    // next cell along may end there too.)
    let labelled = |u: &BBox| {
        lines.iter().any(|l| {
            let b = &l.bbox;
            ends_in_colon(&l.text)
                && b[2] <= u[0] + 4.0
                && u[0] - b[2] <= 6.0 * text_h
                && u[1] >= b[1] + 0.5 * (b[3] - b[1])
                && u[1] <= b[3] + 0.5 * text_h
                && !lines.iter().any(|o| {
                    o.bbox[0] >= b[2] - 1.0
                        && o.bbox[2] <= u[0] + 4.0
                        && geom::v_overlap(&o.bbox, b) > 0.5
                        && !std::ptr::eq(o, l)
                })
        })
    };
    // Rules as long as a cell is wide, not the edges of boxes (a date part's box, whose
    // caption sits under it).
    let rules: Vec<BBox> = rules
        .iter()
        .filter(|u| {
            u[2] - u[0] >= 5.0 * text_h
                && !labelled(u)
                && !boxes.iter().any(|b| {
                    // (A table's rule runs on past its enclosed middle cells.)
                    let along = b[2].min(u[2]) - b[0].max(u[0]);
                    along >= 0.8 * (u[2] - u[0])
                        && ((u[1] - b[1]).abs() <= 4.0 || (u[3] - b[3]).abs() <= 4.0)
                })
        })
        .copied()
        .collect();
    let spans = |r: &BBox, l: &BBox| r[0] <= l[0] + 6.0 && r[2] >= l[2] - 3.0;
    let faint = |b: &BBox| faint_print(gray, b, faint_above);
    let dark: Vec<&Line> = lines.iter().filter(|l| !faint(&l.bbox)).collect();
    // Columns of [x0, x1) inked over rows [y0, y1) (9 in 10 rows): vertical rules (on the
    // mended ink: a scan greys a thin rule).
    let verticals = |x0: f32, x1: f32, y0: f32, y1: f32| -> Vec<f32> {
        let (y0, y1) = ((y0 + 3.0) as usize, ((y1 - 3.0).max(0.0) as usize).min(h));
        let (x0, x1) = ((x0 + 3.0) as usize, ((x1 - 3.0).max(0.0) as usize).min(w));
        if y1 <= y0 + 4 || x1 <= x0 {
            return Vec::new();
        }
        let mut out: Vec<f32> = Vec::new();
        let mut last = usize::MAX;
        for x in x0..x1 {
            let n = (y0..y1).filter(|&y| mended[y * w + x]).count();
            if 10 * n >= 9 * (y1 - y0) {
                if last.wrapping_add(1) != x {
                    out.push(x as f32);
                }
                last = x;
            }
        }
        out
    };
    // Ink under the label inside the cell, light text aside.
    let light: Vec<&BBox> = lines
        .iter()
        .filter(|l| faint(&l.bbox))
        .map(|l| &l.bbox)
        .collect();
    let empty = |c: &BBox, from: f32| {
        let (x0, x1) = (
            (c[0] + 3.0) as usize,
            ((c[2] - 3.0).max(0.0) as usize).min(w),
        );
        let (y0, y1) = (
            (from + 2.0) as usize,
            ((c[3] - 2.0).max(0.0) as usize).min(h),
        );
        let mut n = 0usize;
        for y in y0..y1 {
            for x in x0..x1 {
                let (fx, fy) = (x as f32, y as f32);
                if ink[y * w + x]
                    && !light
                        .iter()
                        .any(|b| fx >= b[0] && fx <= b[2] && fy >= b[1] && fy <= b[3])
                {
                    n += 1;
                }
            }
        }
        let area = (x1.saturating_sub(x0) * y1.saturating_sub(y0)).max(1);
        200 * n <= area
    };
    // Candidates: (cell, a vertical rule splits its band, the label sits close under the top
    // rule and far above the bottom one, the rules' extents).
    let mut cands: Vec<(BBox, bool, bool, [f32; 4])> = Vec::new();
    let mut open: Vec<(BBox, &BBox)> = Vec::new(); // (the top rule, the label)
    for l in &dark {
        let b = &l.bbox;
        if b[3] - b[1] > 1.6 * text_h
            || boxes.iter().any(|o| within(b, o))
            || cands.iter().any(|c| within(b, &c.0))
        {
            continue;
        }
        let Some(top) = rules
            .iter()
            .filter(|a| spans(a, b) && a[3] <= b[1] + 1.0 && b[1] - a[3] <= 1.0 * text_h)
            .max_by(|x, y| x[1].total_cmp(&y[1]))
        else {
            continue;
        };
        let bottom = rules
            .iter()
            .filter(|r| spans(r, b) && r[1] >= b[3] + text_h && r[1] - top[3] <= 6.0 * text_h)
            .min_by(|x, y| x[1].total_cmp(&y[1]));
        let Some(bot) = bottom else {
            open.push((*top, b));
            continue;
        };
        let (mut x0, mut x1) = (top[0].max(bot[0]), top[2].min(bot[2]));
        let vs = verticals(x0, x1, top[3], bot[1]);
        for &v in &vs {
            if v < b[0] {
                x0 = x0.max(v);
            } else if v > b[2] {
                x1 = x1.min(v + 1.0);
            }
        }
        // Cells with a gap between columns and no rule to split them start as far left of
        // their label as the first column's cell does, and end short of the next label.
        if b[0] - x0 > 1.5 * text_h
            && let Some(first) = dark
                .iter()
                .filter(|o| {
                    o.bbox[2] < b[0]
                        && o.bbox[0] >= x0 - 2.0
                        && o.bbox[0] - x0 <= 1.5 * text_h
                        && geom::v_overlap(&o.bbox, b) > 0.5
                })
                .map(|o| o.bbox[0])
                .next()
        {
            x0 = b[0] - (first - x0).max(0.0);
        }
        if let Some(next) = dark
            .iter()
            .filter(|o| o.bbox[0] > b[2] && o.bbox[0] < x1 && geom::v_overlap(&o.bbox, b) > 0.5)
            .map(|o| o.bbox[0])
            .min_by(f32::total_cmp)
        {
            x1 = next - 2.0;
        }
        let close_under = b[1] - top[3] <= 0.8 * text_h && bot[1] - b[3] >= 1.6 * text_h;
        let cell = [x0, top[1], x1, bot[3]];
        // Text under the label before the rule (a band's heading): the rule closes another
        // block, and this cell is a last row.
        let text_under = dark.iter().any(|o| {
            o.bbox[1] >= b[3] && o.bbox[3] <= bot[1] && geom::h_overlap(&o.bbox, &cell) > 0.0
        });
        if text_under && vs.is_empty() {
            open.push((*top, b));
            continue;
        }
        let other_text = dark.iter().any(|o| {
            !std::ptr::eq(*o, *l) && geom::intersection(&o.bbox, &cell) > 0.3 * geom::area(&o.bbox)
        });
        // (Down to the bottom rule's top row: a scan thickens a rule.)
        let room = [cell[0], cell[1], cell[2], bot[1] + 1.0];
        if b[0] - x0 > 1.5 * text_h || b[2] > x1 || other_text || !empty(&room, b[3]) {
            continue;
        }
        cands.push((
            cell,
            !vs.is_empty(),
            close_under,
            [top[0], top[2], bot[0], bot[2]],
        ));
    }
    // Where the space under a label runs empty to the next text with no rule (a label under
    // a rule and nothing to write on below it), the rules are cell tops, not underlines.
    let first_ink = |x0: f32, x1: f32, from: f32, to: f32| -> Option<f32> {
        let (x0, x1) = (
            x0.max(0.0) as usize + 3,
            (x1 as usize).min(w).saturating_sub(3),
        );
        ((from as usize)..(to.max(0.0) as usize).min(h)).find_map(|y| {
            let fy = y as f32;
            (x0..x1)
                .any(|x| {
                    let fx = x as f32;
                    ink[y * w + x]
                        && !light
                            .iter()
                            .any(|l| fx >= l[0] && fx <= l[2] && fy >= l[1] && fy <= l[3])
                })
                .then_some(fy)
        })
    };
    let orphans = open
        .iter()
        .filter(|(top, b)| {
            // A caption hugging the rule names the line above it, and a format hint under a
            // line belongs to the line: neither is a cell's label.
            let gap = b[1] - top[3];
            let hint = dark.iter().any(|l| {
                std::ptr::eq(&l.bbox, *b) && {
                    let t = l.text.to_lowercase();
                    t.contains("yyyy") || t.contains("格式") || t.contains("format")
                }
            });
            if gap < 0.3 * text_h || hint {
                return false;
            }
            let below = first_ink(top[0], top[2], b[3] + 2.0, b[3] + 6.0 * text_h);
            // (Something follows: a footer under the page's last rule is no label. Nor is an
            // option group's label: what follows it is its row of small boxes.)
            let options = |y: f32| {
                boxes.iter().any(|o| {
                    (o[1] - y).abs() <= 3.0
                        && o[3] - o[1] <= 2.0 * text_h
                        && o[2] > top[0]
                        && o[0] < top[2]
                })
            };
            // (Nor a label far above its own line: what follows it is a rule.)
            let rule = |y: f32| {
                rules
                    .iter()
                    .any(|r| (r[1] - y).abs() <= 2.0 && r[2] > top[0] && r[0] < top[2])
            };
            b[1] - top[3] <= 0.8 * text_h
                && below.is_some_and(|y| y - b[3] >= 1.5 * text_h && !options(y) && !rule(y))
        })
        .count();
    // Rules with the extents of a band a vertical rule splits belong to that table.
    // A table: the bands a vertical rule splits, and the bands that share a rule with one
    // of them (its rows with no vertical rule). Rules as (x0, x1, y).
    let near = |a: f32, b: f32| (a - b).abs() <= 4.0;
    let same =
        |a: &[f32; 3], b: &[f32; 3]| near(a[0], b[0]) && near(a[1], b[1]) && near(a[2], b[2]);
    let rules_of =
        |c: &(BBox, bool, bool, [f32; 4])| [[c.3[0], c.3[1], c.0[1]], [c.3[2], c.3[3], c.0[3]]];
    let mut joined: Vec<bool> = cands.iter().map(|c| c.1).collect();
    let mut table: Vec<[f32; 3]> = cands.iter().filter(|c| c.1).flat_map(rules_of).collect();
    loop {
        let mut grew = false;
        for (k, c) in cands.iter().enumerate() {
            if !joined[k] && rules_of(c).iter().any(|r| table.iter().any(|t| same(r, t))) {
                joined[k] = true;
                table.extend(rules_of(c));
                grew = true;
            }
        }
        if !grew {
            break;
        }
    }
    let in_table = |r: &[f32; 3]| table.iter().any(|t| same(r, t));
    let cell_page = orphans >= 1;
    let mut found: Vec<BBox> = cands
        .iter()
        .zip(&joined)
        .filter(|(c, j)| **j || (c.2 && cell_page))
        .map(|(c, _)| c.0)
        .collect();
    // Last rows: the height the other cells have, cut short by ink under the label.
    if found.len() >= 2 {
        let mut hs: Vec<f32> = found.iter().map(|c| c[3] - c[1]).collect();
        hs.sort_by(f32::total_cmp);
        let usual = hs[hs.len() / 2];
        for (top, b) in open {
            if !cell_page && !in_table(&[top[0], top[2], top[1]]) {
                continue;
            }
            let y1 = first_ink(top[0], top[2], b[3] + 2.0, top[1] + usual)
                .map_or(top[1] + usual, |y| y - 2.0);
            let cell = [top[0], top[1], top[2], y1];
            if b[1] - top[1] <= 0.8 * text_h + 4.0
                && y1 - b[3] >= 1.2 * text_h
                && b[0] - top[0] <= 1.5 * text_h
                && !found
                    .iter()
                    .any(|f| geom::intersection(f, &cell) > 0.1 * geom::area(&cell))
            {
                found.push(cell);
            }
        }
    }
    found
}

/// Whether `b` lies in `outer`, give or take a border's 2 px.
pub(crate) fn within(b: &BBox, outer: &BBox) -> bool {
    b[0] >= outer[0] - 2.0
        && b[1] >= outer[1] - 2.0
        && b[2] <= outer[2] + 2.0
        && b[3] <= outer[3] + 2.0
}

/// Comb boxes ("[ ][ ][ ]..." for an ID, card or phone number, one digit a box, perhaps in
/// groups): six or more checkbox-sized squares in a row, as tall as each other, with nothing
/// printed between them, are one box to type the number into. Digit boxes that a date's part
/// names or units stand by (DD, 年) stay boxes for the date.
fn combs(out: &mut Vec<Region>, lines: &[Line], text_h: f32) {
    let mut squares: Vec<usize> = (0..out.len())
        .filter(|&i| out[i].kind == RegionKind::Checkbox)
        .collect();
    squares.sort_by(|&a, &b| out[a].bbox[0].total_cmp(&out[b].bbox[0]));
    let glyphs: Vec<(&str, BBox)> = lines
        .iter()
        .flat_map(|l| l.glyphs.iter().map(|(g, b)| (g.as_str(), *b)))
        .filter(|(g, _)| !g.trim().is_empty())
        .collect();
    let mut taken = vec![false; out.len()];
    let mut merged: Vec<Region> = Vec::new();
    // (Squares already in a run judged, merged or not: a run's tail is no comb of its own.)
    let mut seen = vec![false; out.len()];
    for &first in &squares {
        if taken[first] || seen[first] {
            continue;
        }
        let mut run = vec![first];
        loop {
            let last = out[run[run.len() - 1]].bbox;
            let (w, h) = (last[2] - last[0], last[3] - last[1]);
            let next = squares.iter().copied().find(|&j| {
                let b = &out[j].bbox;
                let gap = b[0] - last[2];
                !taken[j]
                    && !run.contains(&j)
                    && (-2.0..=w.max(6.0)).contains(&gap)
                    && ((b[3] - b[1]) - h).abs() <= 3.0
                    && geom::v_overlap(b, &last) > 0.8
                    && !glyphs.iter().any(|(_, g)| {
                        let cx = (g[0] + g[2]) / 2.0;
                        cx > last[2] && cx < b[0] && geom::v_overlap(g, b) > 0.3
                    })
            });
            match next {
                Some(j) => run.push(j),
                None => break,
            }
        }
        // Cells sharing their borders are a comb from four; squares apart may be a row of
        // options (their text missed), so those need more.
        let shared = run
            .windows(2)
            .all(|p| out[p[1]].bbox[0] - out[p[0]].bbox[2] <= 2.0);
        if run.len() < if shared { 4 } else { 6 } {
            continue;
        }
        for &j in &run {
            seen[j] = true;
        }
        let bbox = run
            .iter()
            .fold(out[run[0]].bbox, |u, &j| geom::union(&u, &out[j].bbox));
        // (Digit ticks inside a box drawn round them: the box is the blank already.)
        let framed = out
            .iter()
            .any(|r| r.kind == RegionKind::Box && within(&bbox, &r.bbox) && r.bbox != bbox);
        if run.len() < 6 && framed {
            continue;
        }
        // (On its row, or a caption right over or under it: a date's label on the next row
        // down is another field's.)
        let close = [
            bbox[0] - text_h,
            bbox[1] - 0.5 * text_h,
            bbox[2] + text_h,
            bbox[3] + 0.5 * text_h,
        ];
        let dated = lines.iter().any(|l| {
            geom::intersection(&l.bbox, &close) > 0.0
                && l.text.split(|c: char| !c.is_alphanumeric()).any(|w| {
                    let w = w.to_ascii_uppercase();
                    matches!(
                        w.as_str(),
                        "DD" | "MM" | "YY" | "YYYY" | "DAY" | "MONTH" | "YEAR"
                    ) || w.contains(['年', '月', '日'])
                })
        });
        if dated {
            continue;
        }
        for &j in &run {
            taken[j] = true;
        }
        // The boxes the comb's joined edges made (see `broken_boxes`) are the comb too.
        for (j, r) in out.iter().enumerate() {
            if r.kind == RegionKind::Box && within(&r.bbox, &bbox) {
                taken[j] = true;
            }
        }
        merged.push(Region {
            kind: RegionKind::Box,
            bbox,
        });
    }
    drop_marked(out, &taken);
    out.extend(merged);
}

/// The share of a rule's length that is ink, on its inkiest row: near 1 for a solid rule, a
/// half or less for a dotted one. `rule` is an underline region (the rule is its bottom rows);
/// `ink_at` the page's `ink_level`, read once per page (it scans every pixel).
pub(crate) fn rule_coverage(gray: &GrayImage, rule: &BBox, ink_at: u8) -> f32 {
    let (w, h) = (gray.width() as usize, gray.height() as usize);
    let (x0, x1) = (rule[0].max(0.0) as usize, (rule[2] as usize).min(w));
    let y1 = (rule[3] as usize).min(h);
    if x1 <= x0 {
        return 0.0;
    }
    (y1.saturating_sub(6)..y1)
        .map(|y| {
            let row = &gray.as_raw()[y * w + x0..y * w + x1];
            row.iter().filter(|&&v| v <= ink_at).count()
        })
        .max()
        .unwrap_or(0) as f32
        / (x1 - x0) as f32
}

/// The share of a box's pixels that are ink (`ink_at`: the page's `ink_level`).
pub(crate) fn ink_share(gray: &GrayImage, b: &BBox, ink_at: u8) -> f32 {
    let (w, h) = (gray.width() as usize, gray.height() as usize);
    let (x0, y0) = (b[0].max(0.0) as usize, b[1].max(0.0) as usize);
    let (x1, y1) = (
        (b[2].max(0.0) as usize).min(w),
        (b[3].max(0.0) as usize).min(h),
    );
    if x1 <= x0 || y1 <= y0 {
        return 0.0;
    }
    let raw = gray.as_raw();
    let ink: usize = (y0..y1)
        .map(|y| {
            raw[y * w + x0..y * w + x1]
                .iter()
                .filter(|&&v| v <= ink_at)
                .count()
        })
        .sum();
    ink as f32 / ((x1 - x0) * (y1 - y0)) as f32
}

/// The mean grey level of a box's pixels, sampled every 4th column of every 2nd row; `None`
/// for a box off the page or empty.
pub(crate) fn mean_level(gray: &GrayImage, b: &BBox) -> Option<u8> {
    let (w, h) = (gray.width() as usize, gray.height() as usize);
    let (x0, y0) = (b[0].max(0.0) as usize, b[1].max(0.0) as usize);
    let (x1, y1) = (
        (b[2].max(0.0) as usize).min(w),
        (b[3].max(0.0) as usize).min(h),
    );
    let raw = gray.as_raw();
    let (mut sum, mut n) = (0u64, 0u64);
    for y in (y0..y1).step_by(2) {
        for x in (x0..x1).step_by(4) {
            sum += u64::from(raw[y * w + x]);
            n += 1;
        }
    }
    (n > 0).then(|| (sum / n) as u8)
}

/// Whether a label's text ends in a colon (before a required-field asterisk).
pub(crate) fn ends_in_colon(text: &str) -> bool {
    text.trim_end_matches(|c: char| c.is_whitespace() || c == '*')
        .ends_with([':', '：'])
}

/// The grey level at or below which a pixel is ink: `INK` on white paper, lower on paper a
/// scan has toned (the most common light level, less 40; measured best of 20–60 on the
/// tuning corpus's scans).
pub fn ink_level(gray: &GrayImage) -> u8 {
    ink_on(paper_level(gray))
}

pub(crate) fn ink_on(paper: u8) -> u8 {
    INK.min(paper.saturating_sub(40))
}

/// The page without the lines of a background grid (graph paper), or None where there is
/// none. A grid is faint lines across nearly the whole page both ways, six or more each way
/// at a steady pitch (a ruled form's writing lines run one way only). A line's pixels no
/// darker than the line become paper; darker ones (a box's border, text crossing it) stay.
pub fn without_grid(gray: &GrayImage) -> Option<GrayImage> {
    let (w, h) = (gray.width() as usize, gray.height() as usize);
    if w < 64 || h < 64 {
        return None;
    }
    let paper = paper_level(gray);
    let faint = paper.saturating_sub(12);
    let raw = gray.as_raw();
    let px = |x: usize, y: usize| raw[y * w + x];
    // Rows (then columns) whose pixels are nearly all a little darker than the paper, with
    // two pixels of give either side: a scan's residual slant moves a line by a pixel or two.
    let lined = |n: usize, len: usize, at: &dyn Fn(usize, usize) -> u8| -> Vec<usize> {
        (0..n)
            .filter(|&i| {
                let hit = (0..len)
                    .filter(|&k| (i.saturating_sub(2)..(i + 3).min(n)).any(|j| at(j, k) < faint))
                    .count();
                20 * hit >= 17 * len
            })
            .collect()
    };
    let rows = lined(h, w, &|y, x| px(x, y));
    if rows.len() < 6 {
        return None;
    }
    // Runs of neighbouring indices are one line. The grid's lines are those on one lattice
    // (a pitch and a phase): most of the lines found, six at least. The others (a section's
    // rule, a row of boxes' edges) are the form's and stay.
    let runs = |ix: &[usize]| -> Vec<(usize, usize)> {
        let mut out: Vec<(usize, usize)> = Vec::new();
        for &i in ix {
            match out.last_mut() {
                Some(r) if r.1 + 1 == i => r.1 = i,
                _ => out.push((i, i)),
            }
        }
        out
    };
    let lattice = |r: &[(usize, usize)]| -> Option<Vec<(usize, usize)>> {
        let c: Vec<usize> = r.iter().map(|r| (r.0 + r.1) / 2).collect();
        let on = |p: usize, c0: usize, x: usize| {
            let m = x.abs_diff(c0) % p;
            m <= 2 || m + 2 >= p
        };
        let mut best: Option<(usize, usize, usize)> = None; // count, pitch, phase
        let mut pitches: Vec<usize> = c
            .windows(2)
            .map(|w| w[1] - w[0])
            .filter(|&g| g >= 8)
            .collect();
        pitches.sort_unstable();
        pitches.dedup();
        for &p in &pitches {
            for &c0 in &c {
                let n = c.iter().filter(|&&x| on(p, c0, x)).count();
                if best.is_none_or(|(bn, bp, _)| n > bn || (n == bn && p > bp)) {
                    best = Some((n, p, c0));
                }
            }
        }
        let (n, p, c0) = best?;
        (n >= 6 && 10 * n >= 6 * c.len()).then(|| {
            r.iter()
                .copied()
                .filter(|r| on(p, c0, (r.0 + r.1) / 2))
                .collect()
        })
    };
    let grid_rows = lattice(&runs(&rows))?;
    let cols = lined(w, h, &|x, y| px(x, y));
    let grid_cols = lattice(&runs(&cols))?;
    let mut out = gray.clone();
    // Each line's own grey: a light one along it (a box drawn on the grid may cover most of
    // a line, and its border is darker than the grid).
    let level = |vals: &mut Vec<u8>| {
        vals.sort_unstable();
        vals[vals.len() * 49 / 50]
    };
    // One line: its pixels (x, y), read from the page as it was.
    let mut erase = |line: Vec<(usize, usize)>| {
        let mut v: Vec<u8> = line.iter().map(|&(x, y)| px(x, y)).collect();
        let keep_below = level(&mut v).saturating_sub(25);
        for (x, y) in line {
            if px(x, y) >= keep_below {
                out.put_pixel(x as u32, y as u32, image::Luma([paper]));
            }
        }
    };
    for &(y0, y1) in &grid_rows {
        for y in y0..=y1 {
            erase((0..w).map(|x| (x, y)).collect());
        }
    }
    for &(x0, x1) in &grid_cols {
        for x in x0..=x1 {
            erase((0..h).map(|y| (x, y)).collect());
        }
    }
    Some(out)
}

/// The most common light grey level: the paper. Counted over a window of nine levels, as a
/// scan's noise spreads the paper over many levels and a flat grey fill, one level, could
/// outnumber each of them.
pub(crate) fn paper_level(gray: &GrayImage) -> u8 {
    let mut hist = [0usize; 256];
    for &v in gray.as_raw() {
        hist[v as usize] += 1;
    }
    let window = |v: usize| v.saturating_sub(4)..(v + 5).min(256);
    let busiest = (128..256)
        .max_by_key(|&v| hist[window(v)].iter().sum::<usize>())
        .unwrap_or(255);
    // The commonest level inside the busiest window (255 on a clean page).
    window(busiest).max_by_key(|&v| hist[v]).unwrap_or(255) as u8
}

/// Whether a small enclosed square lies inside a recognised character that is not a box
/// drawing (so the counter of a letter such as 口 or O in running text is not a checkbox).
/// Glyph boxes come from the recogniser's frames and may miss by a few pixels, so the glyph
/// nearest the square's centre on its line decides.
fn inside_glyph(lines: &[Line], b: &BBox) -> bool {
    const BOXLIKE: &[&str] = &["口", "□", "☐", "▢", "◻", "■", "囗", "ロ"];
    let cx = (b[0] + b[2]) / 2.0;
    nearest_glyphs(lines, b).any(|(l, k)| {
        let (g, gb) = &l.glyphs[k];
        cx >= gb[0] - 0.5 * (gb[3] - gb[1])
            && cx <= gb[2] + 0.5 * (gb[3] - gb[1])
            && !g.trim().is_empty()
            && !BOXLIKE.contains(&g.as_str())
    })
}

/// Whether the OCR read a box or circle symbol (☐, ○, 口) at a small square, a space (where
/// `gaps`), or a lone "O" between spaces (a radio button read as a letter): anything but a
/// letter inside a word.
fn symbol_at(lines: &[Line], b: &BBox, gaps: bool) -> bool {
    const SYMBOLS: &[&str] = &[
        "口", "□", "☐", "▢", "◻", "囗", "○", "〇", "◯", "◎", "⚪", "◦",
    ];
    // A ring read as "0" run into the option's Chinese word ("0男"): no number stands so
    // before a word (a date's units aside: "0月" may be a month's).
    let hanzi = |g: Option<&(String, BBox)>| {
        g.is_some_and(|(g, _)| {
            !g.is_empty()
                && g.chars().all(crate::request::is_cjk)
                && !matches!(g.as_str(), "年" | "月" | "日" | "号")
        })
    };
    let cx = (b[0] + b[2]) / 2.0;
    nearest_glyphs(lines, b).any(|(l, k)| {
        let (g, gb) = &l.glyphs[k];
        let gap = |j: Option<usize>| {
            j.and_then(|j| l.glyphs.get(j))
                .is_none_or(|(g, _)| g.trim().is_empty())
        };
        let near =
            ((gb[0] + gb[2]) / 2.0 - cx).abs() <= (b[2] - b[0]).max(0.5 * (l.bbox[3] - l.bbox[1]));
        near && (SYMBOLS.contains(&g.as_str())
            || (gaps && g.trim().is_empty())
            || (matches!(g.as_str(), "O" | "o" | "0")
                && gap(k.checked_sub(1))
                && (gap(Some(k + 1)) || hanzi(l.glyphs.get(k + 1)))))
    })
}

/// For each OCR line over a small square's centre, the index of its glyph nearest that
/// centre. Glyph boxes come from the recogniser's frames and may miss by a few pixels, so the
/// nearest glyph, not one containing the centre, is the reading at the square.
fn nearest_glyphs<'a>(lines: &'a [Line], b: &BBox) -> impl Iterator<Item = (&'a Line, usize)> {
    let c = [(b[0] + b[2]) / 2.0, (b[1] + b[3]) / 2.0];
    lines
        .iter()
        .filter(move |l| {
            c[0] >= l.bbox[0] && c[0] <= l.bbox[2] && c[1] >= l.bbox[1] && c[1] <= l.bbox[3]
        })
        .filter_map(move |l| {
            let d = |g: &BBox| ((g[0] + g[2]) / 2.0 - c[0]).abs();
            (0..l.glyphs.len())
                .min_by(|&x, &y| d(&l.glyphs[x].1).total_cmp(&d(&l.glyphs[y].1)))
                .map(|k| (l, k))
        })
}

/// Whether text is light grey, as placeholders are: its darkest pixels (the 5th percentile
/// of the box) are lighter than body text's.
/// Whether the print in a box is faint (grey guide text, or none): no label's ink. Small
/// capitals in dark grey have few dark pixels, so the darkest 1 % decides.
fn faint_print(gray: &GrayImage, b: &BBox, faint_above: u8) -> bool {
    darkest(gray, b, 100).is_none_or(|v| v > faint_above)
}

/// The level above which print is faint (a grey placeholder or hint, not a label): 120 on a
/// clean page; on a scan, whose blur greys small print, 30 over the page's usual print (the
/// median of its lines' darkest levels).
fn faint_print_level(gray: &GrayImage, lines: &[Line]) -> u8 {
    let mut levels: Vec<u8> = lines
        .iter()
        .filter_map(|l| darkest(gray, &l.bbox, 100))
        .collect();
    levels.sort_unstable();
    let usual = levels.get(levels.len() / 2).copied().unwrap_or(0);
    usual.saturating_add(30).max(120)
}

fn light_text(gray: &GrayImage, b: &BBox) -> bool {
    darkest(gray, b, 20).is_some_and(|v| v > 110)
}

/// The grey level that one pixel in `share` of the box is at or under (None for an empty box).
fn darkest(gray: &GrayImage, b: &BBox, share: usize) -> Option<u8> {
    let (w, h) = (gray.width() as f32, gray.height() as f32);
    let (x0, y0) = (b[0].max(0.0) as u32, b[1].max(0.0) as u32);
    let (x1, y1) = (b[2].min(w) as u32, b[3].min(h) as u32);
    if x1 <= x0 || y1 <= y0 {
        return None;
    }
    let mut v: Vec<u8> = (y0..y1)
        .flat_map(|y| (x0..x1).map(move |x| (x, y)))
        .map(|(x, y)| gray.get_pixel(x, y)[0])
        .collect();
    let k = v.len() / share;
    let (_, p, _) = v.select_nth_unstable(k);
    Some(*p)
}

/// The connected sets of `mask` (a `w`-wide grid), each as its cells' indices; 8-connected or
/// 4-connected.
fn components(mask: &[bool], w: usize, eight: bool) -> Vec<Vec<usize>> {
    let h = mask.len() / w.max(1);
    let mut seen = vec![false; mask.len()];
    let mut out = Vec::new();
    let mut stack = Vec::new();
    for start in 0..mask.len() {
        if !mask[start] || seen[start] {
            continue;
        }
        seen[start] = true;
        stack.push(start);
        let mut cells = Vec::new();
        while let Some(p) = stack.pop() {
            cells.push(p);
            let (x, y) = ((p % w) as i64, (p / w) as i64);
            for (dx, dy) in [
                (-1, 0),
                (1, 0),
                (0, -1),
                (0, 1),
                (-1, -1),
                (1, -1),
                (-1, 1),
                (1, 1),
            ]
            .into_iter()
            .take(if eight { 8 } else { 4 })
            {
                let (nx, ny) = (x + dx, y + dy);
                if nx < 0 || ny < 0 || nx >= w as i64 || ny >= h as i64 {
                    continue;
                }
                let q = ny as usize * w + nx as usize;
                if mask[q] && !seen[q] {
                    seen[q] = true;
                    stack.push(q);
                }
            }
        }
        out.push(cells);
    }
    out
}

struct Enclosed {
    bbox: BBox,
    /// Pixels of the region over its bounding box's area.
    fill: f32,
    /// Every row and column of a small region one unbroken run (false for large ones).
    solid: bool,
}

/// The largest region (in pixels) whose shape `enclosed` checks: a radio button's interior
/// is far smaller.
const SOLID_MAX: usize = 4096;

/// Connected regions of paper (4-connected) that do not touch the page edge.
fn enclosed(ink: &[bool], w: usize, h: usize) -> Vec<Enclosed> {
    let mut seen = vec![false; ink.len()];
    let mut out = Vec::new();
    let mut stack = Vec::new();
    let mut pixels = Vec::new();
    for start in 0..ink.len() {
        if ink[start] || seen[start] {
            continue;
        }
        seen[start] = true;
        stack.push(start);
        let (mut x0, mut y0, mut x1, mut y1) = (usize::MAX, usize::MAX, 0usize, 0usize);
        let mut n = 0usize;
        let mut touches = false;
        pixels.clear();
        while let Some(i) = stack.pop() {
            let (x, y) = (i % w, i / w);
            n += 1;
            if pixels.len() < SOLID_MAX {
                pixels.push(i);
            }
            x0 = x0.min(x);
            y0 = y0.min(y);
            x1 = x1.max(x);
            y1 = y1.max(y);
            if x == 0 || y == 0 || x + 1 == w || y + 1 == h {
                touches = true;
            }
            let mut visit = |j: usize| {
                if !ink[j] && !seen[j] {
                    seen[j] = true;
                    stack.push(j);
                }
            };
            if x > 0 {
                visit(i - 1);
            }
            if x + 1 < w {
                visit(i + 1);
            }
            if y > 0 {
                visit(i - w);
            }
            if y + 1 < h {
                visit(i + w);
            }
        }
        if touches {
            continue;
        }
        let bw = (x1 - x0 + 1) as f32;
        let bh = (y1 - y0 + 1) as f32;
        // Solid: each row and each column of the region one unbroken run (a disc, a
        // rectangle), not a space with strokes standing in it (国's 囗 around 玉).
        let solid = n <= SOLID_MAX && {
            let (cw, ch) = (x1 - x0 + 1, y1 - y0 + 1);
            let mut rows = vec![(usize::MAX, 0usize, 0usize); ch];
            let mut cols = vec![(usize::MAX, 0usize, 0usize); cw];
            for &i in &pixels {
                let (x, y) = (i % w - x0, i / w - y0);
                let r = &mut rows[y];
                *r = (r.0.min(x), r.1.max(x), r.2 + 1);
                let c = &mut cols[x];
                *c = (c.0.min(y), c.1.max(y), c.2 + 1);
            }
            rows.iter()
                .chain(&cols)
                .all(|&(lo, hi, k)| k == hi + 1 - lo)
        };
        out.push(Enclosed {
            bbox: [x0 as f32, y0 as f32, x1 as f32 + 1.0, y1 as f32 + 1.0],
            fill: n as f32 / (bw * bh),
            solid,
        });
    }
    out
}

/// Closes the breaks anti-aliasing leaves in a thin curve drawn lighter than the ink threshold
/// (a light rounded box's corner on tinted paper: the corner's pixels between two of the
/// curve's are only faint). A faint pixel with ink on two sides that do not touch each other
/// is ink. (A drawn gap, a dotted rule's, is paper, not faint.)
fn seal_curves(ink: &mut [bool], faint: &[bool], w: usize, h: usize) {
    if w < 3 || h < 3 {
        return;
    }
    // The 8 neighbours in order round the pixel.
    const RING: [(isize, isize); 8] = [
        (-1, -1),
        (0, -1),
        (1, -1),
        (1, 0),
        (1, 1),
        (0, 1),
        (-1, 1),
        (-1, 0),
    ];
    let mut add = Vec::new();
    for y in 1..h - 1 {
        for x in 1..w - 1 {
            let i = y * w + x;
            if ink[i] || !faint[i] {
                continue;
            }
            let on = RING
                .map(|(dx, dy)| ink[(y as isize + dy) as usize * w + (x as isize + dx) as usize]);
            // Runs of ink round the ring: two or more apart is a curve passing through.
            let starts = (0..8).filter(|&k| on[k] && !on[(k + 7) % 8]).count();
            if starts >= 2 {
                add.push(i);
            }
        }
    }
    for i in add {
        ink[i] = true;
    }
}

/// The ink with the gaps that blur, noise and JPEG open in a scan's thin rules closed, so that
/// a table's cells are enclosed again: along each pair of rows (columns), ink runs less than
/// a fifth of a line apart join, and a joined run as long as a rule (two lines across, one
/// down) with paper three pixels to either side is drawn solid. Text fails the paper test.
fn mend_rules(ink: &[bool], faint: &[bool], w: usize, h: usize, text_h: f32) -> Vec<bool> {
    let gap = (0.2 * text_h).round().max(3.0) as usize;
    let split = (0.5 * text_h).max(8.0) as usize;
    let mut out = ink.to_vec();
    // One pass over lines of `len` cells; `at(k, i)` is the index of cell i of line k.
    let mut pass = |n: usize, len: usize, min_len: usize, at: &dyn Fn(usize, usize) -> usize| {
        for k in 0..n.saturating_sub(1) {
            let band = |i: usize| faint[at(k, i)] || faint[at(k + 1, i)];
            let side =
                |i: usize| (k >= 3 && faint[at(k - 3, i)]) || (k + 4 < n && faint[at(k + 4, i)]);
            let solid = |i: usize| k >= 3 && k + 4 < n && ink[at(k - 3, i)] && ink[at(k + 4, i)];
            let mut i = 0;
            while i < len {
                if !band(i) {
                    i += 1;
                    continue;
                }
                let (s, mut e, mut last) = (i, i + 1, i);
                while e < len && e - last <= gap {
                    if band(e) {
                        last = e;
                    }
                    e += 1;
                }
                let e = last + 1;
                i = e;
                // A rule that runs on into a dark fill (a cell's side joining a header bar) is
                // mended apart from it: the run is cut where ink lies on both sides of it for
                // more than a stroke's width, and each piece is judged alone. (Only ink cuts: in
                // a light shade noise breaks the faint sides, and pieces between would pass.)
                let mut pieces = Vec::new();
                let (mut from, mut filled) = (s, 0usize);
                for j in s..=e {
                    if j < e && solid(j) {
                        filled += 1;
                        continue;
                    }
                    if filled >= split {
                        pieces.push((from, j - filled));
                        from = j;
                    }
                    filled = 0;
                }
                pieces.push((from, e));
                for (s, e) in pieces {
                    if e <= s || e - s < min_len {
                        continue;
                    }
                    let sided = (s..e).filter(|&i| side(i)).count();
                    if 10 * sided >= 3 * (e - s) {
                        continue;
                    }
                    // Only the gaps, on the rule's own row of the pair: a rule that is ink
                    // already keeps its width, and so do the boxes grown over it. A gap can
                    // open at a corner too, where the rule ends.
                    let on = |k: usize| (s..e).filter(|&i| faint[at(k, i)]).count();
                    let row = if on(k + 1) > on(k) { k + 1 } else { k };
                    for i in s.saturating_sub(gap - 1)..(e + gap - 1).min(len) {
                        if !ink[at(k, i)] && !ink[at(k + 1, i)] {
                            out[at(row, i)] = true;
                        }
                    }
                }
            }
        }
    };
    let along = (2.0 * text_h).max(30.0) as usize;
    let down = text_h.max(14.0) as usize;
    pass(h, w, along, &|y, x| y * w + x);
    pass(w, h, down, &|x, y| y * w + x);
    out
}

/// A label notched into a box's top border ("╭─ Name ─────╮", an outlined web input, a
/// fieldset's legend) leaves the border open where the text stands. A thin rule level with the
/// text's middle on both sides of it (a stub before, a long run after) is closed under the
/// text, so the box is enclosed below its label.
fn close_notches(
    sealed: &mut [bool],
    w: usize,
    h: usize,
    lines: &[Line],
    text_h: f32,
) -> Vec<BBox> {
    let reach = text_h.max(8.0) as usize;
    let ink = |s: &[bool], x: usize, y: usize| s[y * w + x];
    // The run of ink along row `y` from `x` on (`step` ±1, gaps of 2 px bridged, a row up or
    // down allowed), and the share of it with paper 3 rows over and under (a rule, not a
    // stroke of text).
    let run = |s: &[bool], x: usize, y: usize, right: bool| -> (usize, f32) {
        let (mut n, mut thin, mut gap, mut x) = (0usize, 0usize, 0usize, x as isize);
        while x >= 0 && (x as usize) < w && gap <= 2 {
            let xu = x as usize;
            if (y - 1..=y + 1).any(|yy| ink(s, xu, yy)) {
                n += 1 + gap;
                gap = 0;
                if !ink(s, xu, y - 3) && !ink(s, xu, y + 3) {
                    thin += 1;
                }
            } else {
                gap += 1;
            }
            x += if right { 1 } else { -1 };
        }
        (n, thin as f32 / n.max(1) as f32)
    };
    let (mut bridges, mut rules) = (Vec::new(), Vec::new());
    for l in lines {
        let b = l.bbox;
        let lh = b[3] - b[1];
        if lh > 1.6 * text_h || b[0] < 1.0 || b[3] + 2.0 >= h as f32 {
            continue;
        }
        let (x0, x1) = (b[0] as usize, (b[2] as usize).min(w - 1));
        let (ya, yz) = ((b[1] + 0.3 * lh) as usize, (b[3] - 0.3 * lh) as usize);
        for y in ya.max(4)..=yz.min(h.saturating_sub(5)) {
            let Some(xr) = (x1..(x1 + reach).min(w)).find(|&x| ink(sealed, x, y)) else {
                continue;
            };
            let Some(xl) = (x0.saturating_sub(reach)..x0)
                .rev()
                .find(|&x| ink(sealed, x, y))
            else {
                continue;
            };
            let (nr, tr) = run(sealed, xr, y, true);
            let (nl, tl) = run(sealed, xl, y, false);
            if (nr as f32) < 2.0 * text_h || (nl as f32) < 0.3 * text_h || tr < 0.8 || tl < 0.6 {
                continue;
            }
            let pad = (0.3 * text_h).max(4.0) as usize;
            let from = xl.saturating_sub(nl + pad);
            let to = (xr + nr + pad).min(w);
            // Under the border, beside the label, the box is paper: the new edge crosses
            // nothing but the box's sides (a row of cells split by guide lines with a unit
            // between two of them is no notched box).
            let yb = (b[3] + 1.0) as usize;
            let crossed = (from + 2 * pad..to.saturating_sub(2 * pad))
                .filter(|&x| (x < x0 || x > x1) && ink(sealed, x, yb))
                .count();
            // And the box's sides run down past the label at both ends (typed underscores
            // either side of a label on the next line have none).
            let rows = (0.8 * text_h) as usize;
            let side = |x0: usize, x1: usize| {
                let inked = (yb..(yb + rows).min(h))
                    .filter(|&y| (x0..x1.min(w)).any(|x| ink(sealed, x, y)))
                    .count();
                inked * 5 >= rows * 4
            };
            let (left_end, right_end) = (xl.saturating_sub(nl), xr + nr);
            if crossed > 2
                || !side(from.saturating_sub(2), left_end + 4)
                || !side(right_end.saturating_sub(3), to + 3)
            {
                continue;
            }
            bridges.push((from, to, yb));
            let y = y as f32;
            rules.push([xl as f32 - nl as f32, y - 2.0, (xr + nr) as f32, y + 2.0]);
            break;
        }
    }
    for (from, to, y) in bridges {
        for x in from..to {
            sealed[y * w + x] = true;
        }
    }
    rules
}

/// Grows an interior box outwards over its border (up to 4 px each side), giving the border box.
fn grow_to_border(ink: &[bool], w: usize, h: usize, b: BBox) -> BBox {
    let (x0, y0, x1, y1) = (b[0] as usize, b[1] as usize, b[2] as usize, b[3] as usize);
    let my = (y0 + y1) / 2;
    let mx = (x0 + x1) / 2;
    let is_ink = |x: usize, y: usize| x < w && y < h && ink[y * w + x];
    let mut l = 0;
    while l < 4 && x0 > l && is_ink(x0 - l - 1, my) {
        l += 1;
    }
    let mut r = 0;
    while r < 4 && is_ink(x1 + r, my) {
        r += 1;
    }
    let mut t = 0;
    while t < 4 && y0 > t && is_ink(mx, y0 - t - 1) {
        t += 1;
    }
    let mut d = 0;
    while d < 4 && is_ink(mx, y1 + d) {
        d += 1;
    }
    [
        (x0 - l) as f32,
        (y0 - t) as f32,
        (x1 + r) as f32,
        (y1 + d) as f32,
    ]
}

/// Boxes whose border a scan broke (blur and JPEG open gaps, so no paper is enclosed): a rule
/// with ink rising from both its ends for a line or so, to the same height.
fn broken_boxes(
    gray: &GrayImage,
    ink_at: u8,
    ink: &[bool],
    runs: &[BBox],
    lines: &[Line],
    text_h: f32,
    out: &mut Vec<Region>,
) {
    let w = gray.width() as usize;
    let rise = |x: f32, y: f32| vertical_ink(ink, w, x, y, true, 3.0 * text_h);
    let mut found: Vec<Region> = Vec::new();
    for u in runs {
        let (l, r) = (rise(u[0], u[1]), rise(u[2] - 1.0, u[1]));
        let tall = l.max(r);
        if l.min(r) < 0.6 * text_h || tall > 2.5 * text_h || l.min(r) < 0.7 * tall {
            continue;
        }
        let bx = [u[0], u[1] - tall, u[2], u[3]];
        let known = out
            .iter()
            .chain(found.iter())
            .any(|k| geom::iou(&k.bbox, &bx) > 0.3);
        // Nothing drawn across it: a box, not rows of a table.
        let crossed = runs
            .iter()
            .any(|k| k[1] > bx[1] + 2.0 && k[3] < u[1] - 2.0 && geom::h_overlap(k, &bx) > 0.5);
        if known || crossed {
            continue;
        }
        // Strokes of a bold word close such a shape too (联's foot and sides): one inside a
        // read line, its inside dense with ink, is no box (a box holds a placeholder at most).
        let pocket = [bx[0] + 3.0, bx[1] + 3.0, bx[2] - 3.0, bx[3] - 3.0];
        if in_line(lines, &bx) && ink_share(gray, &pocket, ink_at) > 0.35 {
            continue;
        }
        let texts = lines
            .iter()
            .filter(|l| geom::intersection(&l.bbox, &bx) > 0.5 * geom::area(&l.bbox))
            .count();
        found.push(Region {
            kind: if texts == 0 {
                RegionKind::Box
            } else {
                RegionKind::TextCell
            },
            bbox: bx,
        });
    }
    out.extend(found);
}

/// How far ink runs from (x, y) up (or down), within 2 px of x, a one-row gap allowed, up
/// to `limit` rows.
/// Whether ink runs on from the upper rule's end to the lower rule's (of `a` and `b`; at the
/// right ends, else the left) as a thin curve, within the end's reach: no further out than
/// half the rules' spacing, nor more than three pixels in.
fn curve_joins(ink: &[bool], w: usize, a: &BBox, b: &BBox, right: bool) -> bool {
    let h = ink.len() / w.max(1);
    let (top, bottom) = if a[1] <= b[1] { (a, b) } else { (b, a) };
    let reach = ((bottom[1] - top[1]) / 2.0).ceil() + 2.0;
    let (x0, x1) = if right {
        (a[2].min(b[2]) - 3.0, a[2].max(b[2]) + reach)
    } else {
        (a[0].min(b[0]) - reach, a[0].max(b[0]) + 3.0)
    };
    let x0 = x0.max(0.0) as usize;
    let x1 = (x1.max(0.0) as usize).min(w);
    let y0 = top[1].max(0.0) as usize;
    let y1 = (bottom[3].max(0.0) as usize).min(h);
    if x0 >= x1 || y0 >= y1 {
        return false;
    }
    let (cw, ch) = (x1 - x0, y1 - y0);
    // A curve is thin: ink filling much of the corner is something else (tinted paper
    // round a card whose ruled lines end short of its edge).
    let inked = (y0..y1)
        .map(|y| (x0..x1).filter(|&x| ink[y * w + x]).count())
        .sum::<usize>();
    if inked * 10 > cw * ch * 4 {
        return false;
    }
    let mut seen = vec![false; cw * ch];
    let mut stack = Vec::new();
    // From the top rule's end, along 8-connected ink, to the bottom rule's rows.
    let (r0, r1) = (
        top[0].max(x0 as f32) as usize,
        (top[2].max(0.0) as usize).min(x1),
    );
    for y in y0..(top[3].max(0.0) as usize).min(y1) {
        for x in r0..r1 {
            if ink[y * w + x] {
                seen[(y - y0) * cw + x - x0] = true;
                stack.push((x, y));
            }
        }
    }
    let goal = bottom[1].max(0.0) as usize;
    while let Some((x, y)) = stack.pop() {
        if y >= goal {
            return true;
        }
        for (dx, dy) in [
            (-1, 0),
            (1, 0),
            (0, 1),
            (0, -1),
            (-1, 1),
            (1, 1),
            (-1, -1),
            (1, -1),
        ] {
            let (nx, ny) = (x as isize + dx, y as isize + dy);
            if nx < x0 as isize || ny < y0 as isize || nx >= x1 as isize || ny >= y1 as isize {
                continue;
            }
            let (nx, ny) = (nx as usize, ny as usize);
            let k = (ny - y0) * cw + nx - x0;
            if !seen[k] && ink[ny * w + nx] {
                seen[k] = true;
                stack.push((nx, ny));
            }
        }
    }
    false
}

fn vertical_ink(ink: &[bool], w: usize, x: f32, y: f32, up: bool, limit: f32) -> f32 {
    let h = ink.len() / w.max(1);
    let x = x as usize;
    let mut y = y as usize;
    let (mut run, mut miss) = (0usize, 0usize);
    while miss <= 1 && (run as f32) < limit {
        if up {
            if y == 0 {
                break;
            }
            y -= 1;
        } else {
            y += 1;
            if y >= h {
                break;
            }
        }
        if (x.saturating_sub(2)..(x + 3).min(w)).any(|x| ink[y * w + x]) {
            run += 1 + miss;
            miss = 0;
        } else {
            miss += 1;
        }
    }
    run as f32
}

/// The share of a rule's columns with ink in the half line above it: a blank has paper
/// there, a character's bottom stroke (生, 出) has the strokes that rise from it.
fn stroked_above(ink: &[bool], w: usize, u: &BBox, text_h: f32) -> f32 {
    let (x0, x1) = (u[0] as usize, (u[2] as usize).min(w));
    let y1 = (u[1] as usize).saturating_sub(2);
    let y0 = (u[1] - 0.5 * text_h).max(0.0) as usize;
    if x1 <= x0 || y1 <= y0 {
        return 0.0;
    }
    let inked = (x0..x1)
        .filter(|&x| (y0..y1).any(|y| ink[y * w + x]))
        .count();
    inked as f32 / (x1 - x0) as f32
}

/// Thin horizontal ink runs at least `min_len` long: `[x1, y1, x2, y2]` of each line, at
/// most 4 px thick.
fn underlines(ink: &[bool], w: usize, h: usize, min_len: usize) -> Vec<BBox> {
    // Runs per row.
    let mut segs: Vec<(usize, usize, usize, usize)> = Vec::new(); // x0, x1, y0, y1 (exclusive)
    let mut open: Vec<usize> = Vec::new(); // indices of segs still growing
    for y in 0..h {
        let row = &ink[y * w..(y + 1) * w];
        let mut runs = Vec::new();
        let mut x = 0;
        while x < w {
            if row[x] {
                let s = x;
                // A scan's rule has pinholes (noise, JPEG): gaps of a pixel or two bridge.
                while x < w && (row[x] || (x + 2 < w && (row[x + 1] || row[x + 2]))) {
                    x += 1;
                }
                if x - s >= min_len {
                    runs.push((s, x));
                }
            } else {
                x += 1;
            }
        }
        let mut still = Vec::new();
        for (s, e) in runs {
            // The same rule on the row above: mostly the same span (a scan's rule frays at
            // its ends from row to row, so the spans join). Not a run half as long or less,
            // nor onto a run already thicker than a rule: a bar's rows (a filled side tab)
            // must not carry the rule at its top down to the next rule across the bar. Short
            // frayed pieces join in the pass below.
            let hit = open.iter().copied().find(|&k| {
                let g = segs[k];
                let o = e.min(g.1).saturating_sub(s.max(g.0));
                let (short, long) = ((e - s).min(g.1 - g.0), (e - s).max(g.1 - g.0));
                g.3 == y
                    && g.3 - g.2 <= 5
                    && !still.contains(&k)
                    && 10 * o >= 8 * short
                    && 2 * short > long
            });
            match hit {
                Some(k) => {
                    let g = &mut segs[k];
                    g.0 = g.0.min(s);
                    g.1 = g.1.max(e);
                    g.3 = y + 1;
                    still.push(k);
                }
                None => {
                    segs.push((s, e, y, y + 1));
                    still.push(segs.len() - 1);
                }
            }
        }
        open = still;
    }
    // A scan's rule leaves frayed pieces on the rows next to it: each piece that lies along
    // a longer rule is part of it.
    segs.sort_by_key(|g| std::cmp::Reverse(g.1 - g.0));
    let mut kept: Vec<(usize, usize, usize, usize)> = Vec::new();
    for g in segs {
        let along = kept.iter_mut().find(|k| {
            let o = g.1.min(k.1).saturating_sub(g.0.max(k.0));
            10 * o >= 8 * (g.1 - g.0) && g.2 + 3 >= k.2 && g.2 <= k.3 + 3
        });
        match along {
            // A piece on the rows right next to the rule thickens it.
            Some(k) => {
                if g.2 <= k.3 && g.3 >= k.2 {
                    k.2 = k.2.min(g.2);
                    k.3 = k.3.max(g.3);
                }
            }
            None => kept.push(g),
        }
    }
    kept.into_iter()
        .filter(|g| g.3 - g.2 <= 5)
        // A thin run whose rows continue as ink above and below along most of it is part of
        // a filled shape (a band's rows between the white letters printed on it).
        .filter(|g| {
            let filled = (g.0..g.1)
                .filter(|&x| {
                    let above = g.2 >= 2 && ink[(g.2 - 2) * w + x] && ink[(g.2 - 1) * w + x];
                    let below = g.3 + 1 < h && ink[g.3 * w + x] && ink[(g.3 + 1) * w + x];
                    above && below
                })
                .count();
            2 * filled <= g.1 - g.0
        })
        .map(|g| [g.0 as f32, g.2 as f32, g.1 as f32, g.3 as f32])
        .collect()
}

/// Rules the ink found in pieces along one row whose gaps carry a thin faint line (a dotted
/// rule a scan blurred grey): each chain of two pieces or more, as one rule. A gap counts when
/// nearly every column of it has faint ink on the rule's rows and paper three rows off (a
/// box or text between two rules is no thin line).
fn faint_chains(runs: &[BBox], ink: &[bool], faint: &[bool], w: usize, h: usize) -> Vec<BBox> {
    let mut order: Vec<&BBox> = runs.iter().filter(|r| r[3] - r[1] <= 5.0).collect();
    order.sort_by(|a, b| a[0].total_cmp(&b[0]));
    let f = |x: usize, y: usize| x < w && y < h && faint[y * w + x];
    // Column x has faint ink on rows [y0 - 1, y1]; it is faint three rows off the rule.
    let thin = |x: usize, y0: usize, y1: usize| (y0.saturating_sub(1)..=y1).any(|y| f(x, y));
    let thick = |x: usize, y0: usize, y1: usize| (y0 >= 3 && f(x, y0 - 3)) || f(x, y1 + 2);
    let lined = |a: &BBox, b: &BBox| {
        let (y0, y1) = (a[1].min(b[1]) as usize, a[3].max(b[3]) as usize);
        let (x0, x1) = (a[2] as usize, b[0] as usize);
        if x1 <= x0 {
            return true;
        }
        let n = x1 - x0;
        let line = (x0..x1).filter(|&x| thin(x, y0, y1)).count();
        // (A solid rule between the two is ink, not a faint line.)
        let inked = (x0..x1)
            .filter(|&x| (y0..y1).any(|y| ink[y * w + x]))
            .count();
        let off = (x0..x1).filter(|&x| thick(x, y0, y1)).count();
        4 * line >= 3 * n && 10 * off <= 3 * n && 10 * inked <= 6 * n
    };
    let mut used = vec![false; order.len()];
    let mut out = Vec::new();
    for i in 0..order.len() {
        if used[i] {
            continue;
        }
        let mut chain = *order[i];
        let mut n = 1;
        for j in i + 1..order.len() {
            let r = order[j];
            let level = (r[3] - chain[3]).abs() <= 2.0 && (r[1] - chain[1]).abs() <= 3.0;
            if !used[j] && level && r[0] >= chain[2] - 2.0 && lined(&chain, r) {
                used[j] = true;
                chain = [
                    chain[0],
                    chain[1].min(r[1]),
                    r[2].max(chain[2]),
                    chain[3].max(r[3]),
                ];
                n += 1;
            }
        }
        if n >= 2 {
            // The line runs on faint past the pieces at its ends.
            let (y0, y1) = (chain[1] as usize, chain[3] as usize);
            let col = |x: usize| thin(x, y0, y1) && !thick(x, y0, y1);
            let grow = |from: usize, step: isize| {
                let (mut x, mut end, mut miss) = (from as isize, from, 0);
                while miss <= 4 {
                    x += step;
                    if x < 0 || x as usize >= w {
                        break;
                    }
                    if col(x as usize) {
                        end = x as usize;
                        miss = 0;
                    } else {
                        miss += 1;
                    }
                }
                end
            };
            chain[0] = grow(chain[0] as usize, -1) as f32;
            chain[2] = (grow(chain[2] as usize - 1, 1) + 1) as f32;
            out.push(chain);
        }
    }
    out
}

/// Inputs drawn only as a grey fill: on a scan, the faint edge that bounds them on screen is
/// blurred away, and only the shade is left. A shade is a flat patch at least `SHADE` under
/// the paper (read on a 5×5 mean, so noise does not break it), as tall as a line or more,
/// nearly rectangular and with no text in it (a shaded label cell holds its label); on a
/// tinted page, also a patch as much lighter than the paper (white inputs). Added where no
/// region was found.
fn shaded_boxes(gray: &GrayImage, paper: u8, lines: &[Line], text_h: f32, out: &mut Vec<Region>) {
    const SHADE: u32 = 10;
    let (w, h) = (gray.width() as usize, gray.height() as usize);
    if w < 5 || h < 5 {
        return;
    }
    // Integral image for the 5×5 means.
    let px = gray.as_raw();
    let mut sum = vec![0u64; (w + 1) * (h + 1)];
    for y in 0..h {
        let mut row = 0u64;
        for x in 0..w {
            row += u64::from(px[y * w + x]);
            sum[(y + 1) * (w + 1) + x + 1] = sum[y * (w + 1) + x + 1] + row;
        }
    }
    let ink = u32::from(ink_on(paper));
    let faint_above = faint_print_level(gray, lines);
    let light = u32::from(paper).saturating_sub(SHADE);
    // On a tinted page, inputs are white patches, lighter than the paper.
    let lit = u32::from(paper) + SHADE;
    let tinted = lit + SHADE <= 255;
    // Text read by the OCR is no shade: grey captions close over a box would join it. (Its
    // sides widened by the means' reach, which would carry the shade round them.)
    let mut read = vec![false; w * h];
    for l in lines {
        let b = [l.bbox[0] - 2.0, l.bbox[1], l.bbox[2] + 2.0, l.bbox[3]];
        let [x0, y0, x1, y1] = b.map(|v| v.round().max(0.0) as usize);
        let (x0, x1) = (x0.min(w), x1.min(w).max(x0.min(w)));
        for y in y0.min(h)..y1.min(h) {
            read[y * w + x0..y * w + x1].fill(true);
        }
    }
    // "Ink" for `enclosed` is everything that is not shade, so its regions are the patches.
    let not_shade: Vec<bool> = (0..w * h)
        .map(|i| {
            if read[i] {
                return true;
            }
            let (x, y) = (i % w, i / w);
            let (x0, y0) = (x.saturating_sub(2), y.saturating_sub(2));
            let (x1, y1) = ((x + 3).min(w), (y + 3).min(h));
            let s = sum[y1 * (w + 1) + x1] + sum[y0 * (w + 1) + x0]
                - sum[y0 * (w + 1) + x1]
                - sum[y1 * (w + 1) + x0];
            let mean = (s / ((x1 - x0) * (y1 - y0)) as u64) as u32;
            (mean > light || mean <= ink) && !(tinted && mean >= lit)
        })
        .collect();
    for r in enclosed(&not_shade, w, h) {
        let b = r.bbox;
        let (bw, bh) = (b[2] - b[0], b[3] - b[1]);
        // (A hint under the box, read in a box a little taller than its letters, may
        // reach a few pixels into it. A box may be as narrow as a date part's.)
        // (Nor is a strip whose text was cut out of it: a header bar holding its title, the
        // text printed on shade beside the patch.)
        // What lies between the text and the patch tells: shade, or paper.
        let on_shade = |l: &Line| {
            let beside = l.bbox[2] >= b[0] - 6.0
                && l.bbox[0] <= b[2] + 6.0
                && l.bbox[1] < b[3]
                && l.bbox[3] > b[1];
            if !beside {
                return false;
            }
            let (gx0, gx1) = if l.bbox[2] <= b[0] + 2.0 {
                (l.bbox[2].min(b[0]) - 4.0, b[0])
            } else if l.bbox[0] >= b[2] - 2.0 {
                (b[2], l.bbox[0].max(b[2]) + 4.0)
            } else {
                return false;
            };
            let gap = [gx0, l.bbox[1].max(b[1]), gx1, l.bbox[3].min(b[3])].map(f32::round);
            let share = |at: u32| ink_share(gray, &gap, at.min(255) as u8);
            share(light) - share(ink) > 0.5
        };
        // Grey placeholder text inside ("YYYY-MM-DD") is written in the box, not on it; the
        // hole its read box cut out of the shade is still the box's.
        // (Faint against the page's usual print: a scan greys its labels too.)
        let placeholder = |l: &Line| {
            geom::intersection(&l.bbox, &b) > 0.9 * geom::area(&l.bbox)
                && faint_print(gray, &l.bbox, faint_above)
        };
        let (mut texted, mut holes) = (false, 0.0);
        for l in lines {
            if placeholder(l) {
                holes += geom::area(&[l.bbox[0] - 2.0, l.bbox[1], l.bbox[2] + 2.0, l.bbox[3]]);
            } else if geom::intersection(&l.bbox, &b) > 0.3 * geom::area(&l.bbox) || on_shade(l) {
                texted = true;
            }
        }
        let fill = r.fill + holes / geom::area(&b).max(1.0);
        // A narrow one holding print the OCR did not read is a badge ("3"), not a part.
        let badge = || bw < 2.0 * text_h && ink_share(gray, &b, ink as u8) > 0.01;
        if fill < 0.85
            || bh < 0.8 * text_h
            || bh > 8.0 * text_h
            || bw < 1.0 * text_h
            || texted
            || badge()
        {
            continue;
        }
        // Boxes found before inside the patch, as high as it but shorter: a scan's gradient
        // left part of the shade faint enough for the rules' mending to wall it off. The
        // patch is the box.
        let part = |o: &Region| {
            o.kind == RegionKind::Box
                && within(&o.bbox, &b)
                && (o.bbox[1] - b[1]).abs() <= 0.3 * text_h
                && (o.bbox[3] - b[3]).abs() <= 0.3 * text_h
                && o.bbox[2] - o.bbox[0] <= bw - text_h
        };
        out.retain(|o| !part(o));
        let known = out
            .iter()
            .any(|o| geom::intersection(&o.bbox, &b) > 0.3 * geom::area(&b));
        if !known {
            out.push(Region {
                kind: RegionKind::Box,
                bbox: b,
            });
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::experts::form_fill::tests::line;

    fn page() -> GrayImage {
        GrayImage::from_pixel(400, 200, image::Luma([255]))
    }

    fn rect(img: &mut GrayImage, b: [u32; 4]) {
        for x in b[0]..=b[2] {
            img.put_pixel(x, b[1], image::Luma([60]));
            img.put_pixel(x, b[3], image::Luma([60]));
        }
        for y in b[1]..=b[3] {
            img.put_pixel(b[0], y, image::Luma([60]));
            img.put_pixel(b[2], y, image::Luma([60]));
        }
    }

    /// A rounded rectangle's thin outline at `level`, anti-aliased (each pixel takes the share
    /// of it the outline covers, from 4 x 4 samples), filled with `fill`. The outline, 0.8 px
    /// wide, runs off the pixels' centres, so that round the corners pixels are only partly
    /// covered, as a browser leaves them.
    fn rounded(img: &mut GrayImage, [x0, y0, x1, y1]: [f32; 4], r: f32, level: u8, fill: u8) {
        // Distance from a point to the outline's middle (inside negative).
        let dist = |px: f32, py: f32| {
            let cx = px.clamp(x0 + r, x1 - r);
            let cy = py.clamp(y0 + r, y1 - r);
            ((px - cx).powi(2) + (py - cy).powi(2)).sqrt() - (r - 0.75)
        };
        for y in y0 as u32..=y1 as u32 {
            for x in x0 as u32..=x1 as u32 {
                let mut cover = 0.0;
                let mut inside = 0.0;
                for k in 0..16 {
                    let (sx, sy) = (
                        x as f32 + 0.125 + 0.25 * (k % 4) as f32,
                        y as f32 + 0.125 + 0.25 * (k / 4) as f32,
                    );
                    let d = dist(sx, sy);
                    if d.abs() <= 0.4 {
                        cover += 1.0 / 16.0;
                    } else if d < 0.0 {
                        inside += 1.0 / 16.0;
                    }
                }
                let out = 1.0 - cover - inside;
                let v = cover * level as f32
                    + inside * fill as f32
                    + out * img.get_pixel(x, y)[0] as f32;
                img.put_pixel(x, y, image::Luma([v.round() as u8]));
            }
        }
    }

    /// A corner of a light 1 px rounded border (#a3a3a3, a small radius) round a white box
    /// on #f2f2f2 paper, as Chromium drew it: the border's pixels round the corner are only
    /// partly covered, two no darker than 203 and 208, and the curve is broken for ink.
    const CORNER: [[u8; 4]; 4] = [
        [242, 234, 203, 176],
        [234, 182, 208, 240],
        [203, 208, 255, 255],
        [176, 240, 255, 255],
    ];

    /// A white box with that border, `CORNER` mirrored at each corner, from (x0, y0) to
    /// (x1, y1) inclusive.
    fn light_rounded_box(img: &mut GrayImage, [x0, y0, x1, y1]: [u32; 4]) {
        for y in y0..=y1 {
            for x in x0..=x1 {
                let v = if x == x0 || x == x1 || y == y0 || y == y1 {
                    163
                } else {
                    255
                };
                img.put_pixel(x, y, image::Luma([v]));
            }
        }
        for (dy, row) in CORNER.iter().enumerate() {
            for (dx, &v) in row.iter().enumerate() {
                let (dx, dy) = (dx as u32, dy as u32);
                for (x, y) in [
                    (x0 + dx, y0 + dy),
                    (x1 - dx, y0 + dy),
                    (x0 + dx, y1 - dy),
                    (x1 - dx, y1 - dy),
                ] {
                    img.put_pixel(x, y, image::Luma([v]));
                }
            }
        }
    }

    #[test]
    fn a_faint_pixel_where_a_light_curve_breaks_is_sealed_but_a_drawn_gap_stays_open() {
        // `CORNER` at the top-left of an 8 x 8 patch, and a dotted rule on the last row
        // (paper between its dots).
        let mut img = GrayImage::from_pixel(8, 8, image::Luma([242]));
        for (y, row) in CORNER.iter().enumerate() {
            for (x, &v) in row.iter().enumerate() {
                img.put_pixel(x as u32 + 1, y as u32 + 1, image::Luma([v]));
            }
        }
        for x in [1u32, 3, 5] {
            img.put_pixel(x, 6, image::Luma([120]));
        }
        let (ink_at, faint_at) = (ink_on(242), 242 - FAINT);
        let mut ink: Vec<bool> = img.as_raw().iter().map(|&v| v <= ink_at).collect();
        let faint: Vec<bool> = img.as_raw().iter().map(|&v| v <= faint_at).collect();
        // The curve's ink: (4, 1) and (2, 2) do not touch; (3, 1) and (3, 2) are faint.
        assert!(!ink[8 + 3] && !ink[2 * 8 + 3]);
        seal_curves(&mut ink, &faint, 8, 8);
        assert!(ink[8 + 3], "{ink:?}");
        assert!(!ink[6 * 8 + 2] && !ink[6 * 8 + 4]);
    }

    #[test]
    fn light_rounded_boxes_on_tinted_paper_are_boxes_and_a_pills_edges_no_underlines() {
        // A chat screen: grey paper, a white reply box with a light rounded border, and a
        // pill-shaped chip holding an option ("□ 男").
        let mut img = GrayImage::from_pixel(400, 200, image::Luma([242]));
        light_rounded_box(&mut img, [20, 20, 375, 62]);
        rounded(&mut img, [200.0, 110.0, 270.0, 148.0], 19.0, 110, 255);
        rect(&mut img, [216, 122, 230, 135]);
        // (And boxes drawn dark: the light ones are not left to be found as faint.)
        rect(&mut img, [20, 160, 120, 190]);
        rect(&mut img, [140, 160, 240, 190]);
        let lines = vec![text("□ 男", [214.0, 118.0, 258.0, 140.0])];
        let found = find(&img, &lines, 23.0);
        let has = |kind: RegionKind, b: BBox| {
            found
                .iter()
                .any(|r| r.kind == kind && r.bbox.iter().zip(&b).all(|(a, b)| (a - b).abs() <= 2.0))
        };
        assert!(has(RegionKind::Box, [20.0, 20.0, 376.0, 63.0]), "{found:?}");
        assert!(
            !found
                .iter()
                .any(|r| r.kind == RegionKind::Underline && r.bbox[0] >= 200.0 - 1.0),
            "{found:?}"
        );
    }

    #[test]
    fn a_shaded_box_found_in_two_halves_is_one_but_neighbours_stay_apart() {
        // Three rows of two level, touching boxes: shade with nothing between the halves
        // (a scan's gradient cut it), a shared 1 px border, and a 3 px strip of paper.
        let mut img = GrayImage::from_pixel(400, 200, image::Luma([240]));
        for y in 0..200u32 {
            for x in 20..380u32 {
                let row = y / 60;
                let inside = (10..40).contains(&(y % 60));
                let v = match row {
                    1 if x == 200 => 60,
                    2 if (199..202).contains(&x) => 240,
                    _ => 215,
                };
                if inside && row < 3 {
                    img.put_pixel(x, y, image::Luma([v]));
                }
            }
        }
        let mut out = Vec::new();
        for row in 0..3u32 {
            let (y0, y1) = ((row * 60 + 10) as f32, (row * 60 + 40) as f32);
            out.push(Region {
                kind: RegionKind::Box,
                bbox: [20.0, y0, 200.0, y1],
            });
            out.push(Region {
                kind: RegionKind::Box,
                bbox: [201.0, y0, 380.0, y1],
            });
        }
        join_split_boxes(&mut out, &img, 16.0);
        let boxes: Vec<BBox> = out.iter().map(|r| r.bbox).collect();
        assert_eq!(
            boxes,
            [
                [20.0, 10.0, 380.0, 40.0],
                [20.0, 70.0, 200.0, 100.0],
                [201.0, 70.0, 380.0, 100.0],
                [20.0, 130.0, 200.0, 160.0],
                [201.0, 130.0, 380.0, 160.0],
            ]
        );
    }

    #[test]
    fn a_row_of_comb_boxes_is_one_box_but_date_digits_stay_apart() {
        // Eight 18 px digit boxes in two groups of four (3 px apart, 12 px between the groups)
        // on the first row; the same under "DD MM YYYY" captions on the second.
        let mut img = page();
        for y in [20, 120] {
            for k in 0..8u32 {
                let x = 40 + 21 * k + if k >= 4 { 9 } else { 0 };
                rect(&mut img, [x, y, x + 18, y + 18]);
            }
        }
        let lines = vec![text("DD MM YYYY", [40.0, 142.0, 220.0, 158.0])];
        let found = find(&img, &lines, 16.0);
        let boxes: Vec<BBox> = found
            .iter()
            .filter(|r| r.kind != RegionKind::Underline && r.bbox[1] < 100.0)
            .map(|r| r.bbox)
            .collect();
        assert_eq!(boxes, [[40.0, 20.0, 215.0, 39.0]], "{found:?}");
        let digits = found
            .iter()
            .filter(|r| r.kind == RegionKind::Checkbox && r.bbox[1] >= 100.0)
            .count();
        assert_eq!(digits, 8, "{found:?}");
    }

    #[test]
    fn quartered_cells_are_cells_and_a_row_of_them_sharing_borders_is_one_box() {
        // 田字格 rows: cells of 30 px, each quartered by guide lines. Six cells, four, and two
        // (a month's, under a unit): one box, one box, and two cells.
        let mut img = page();
        for (y, n) in [(20u32, 6u32), (70, 4), (120, 2)] {
            for k in 0..n {
                let x = 40 + 30 * k;
                rect(&mut img, [x, y, x + 30, y + 30]);
                for d in 0..=30 {
                    img.put_pixel(x + 15, y + d, image::Luma([110]));
                    img.put_pixel(x + d, y + 15, image::Luma([110]));
                }
            }
        }
        let lines = vec![text("月", [105.0, 127.0, 121.0, 143.0])];
        let found = find(&img, &lines, 16.0);
        let row = |y0: f32| -> Vec<(RegionKind, BBox)> {
            let mut v: Vec<_> = found
                .iter()
                .filter(|r| r.kind != RegionKind::Underline && r.bbox[1] >= y0 - 3.0)
                .filter(|r| r.bbox[1] <= y0 + 3.0)
                .map(|r| (r.kind, r.bbox))
                .collect();
            v.sort_by(|a, b| a.1[0].total_cmp(&b.1[0]));
            v
        };
        assert_eq!(
            row(20.0),
            [(RegionKind::Box, [40.0, 20.0, 221.0, 51.0])],
            "{found:?}"
        );
        assert_eq!(
            row(70.0),
            [(RegionKind::Box, [40.0, 70.0, 161.0, 101.0])],
            "{found:?}"
        );
        // (The two cells, and the run they make, which a unit after it names.)
        assert_eq!(
            row(120.0),
            [
                (RegionKind::Box, [40.0, 120.0, 101.0, 151.0]),
                (RegionKind::Checkbox, [40.0, 120.0, 71.0, 151.0]),
                (RegionKind::Checkbox, [70.0, 120.0, 101.0, 151.0])
            ],
            "{found:?}"
        );
    }

    #[test]
    fn a_label_notched_into_a_boxs_top_border_heads_the_box_under_it() {
        // "╭─ Name ──────╮": the top border stops either side of the label, level with its
        // middle. The box under the label is a box; its top border is no rule to write on.
        let mut img = page();
        rect(&mut img, [40, 60, 360, 110]);
        for x in 51..100 {
            img.put_pixel(x, 60, image::Luma([255]));
        }
        let label = [53.0, 52.0, 98.0, 68.0];
        ink_label(&mut img, [label[0], 51.0, label[2], 65.0]);
        let lines = vec![text("Name", label)];
        let found = find(&img, &lines, 16.0);
        let boxes: Vec<BBox> = found
            .iter()
            .filter(|r| r.kind == RegionKind::Box)
            .map(|r| r.bbox)
            .collect();
        assert_eq!(boxes.len(), 1, "{found:?}");
        let b = boxes[0];
        assert!(
            b[0] <= 41.0 && b[2] >= 359.0 && b[1] >= 68.0 && b[3] >= 109.0,
            "{found:?}"
        );
        assert!(
            !found
                .iter()
                .any(|r| r.kind == RegionKind::Underline && r.bbox[3] <= 70.0),
            "{found:?}"
        );
    }

    #[test]
    fn rules_beside_a_side_tab_are_found_and_a_panel_frame_is_none() {
        // A panel framed by a 1 px border with a dark tab down its left side (white letters
        // punched in it) and two rules inside; a second panel, framed, with text only. The
        // rules are inputs; neither frame's top or bottom edge is.
        let mut img = page();
        let frame = |img: &mut GrayImage, b: [u32; 4]| {
            for x in b[0]..=b[2] {
                img.put_pixel(x, b[1], image::Luma([0]));
                img.put_pixel(x, b[3], image::Luma([0]));
            }
            for y in b[1]..=b[3] {
                img.put_pixel(b[0], y, image::Luma([0]));
                img.put_pixel(b[2], y, image::Luma([0]));
            }
        };
        frame(&mut img, [10, 10, 380, 150]);
        for y in 10..150 {
            for x in 10..40 {
                // Letters: white gaps in the tab, from the rules' rows down.
                let letter = (y % 50 < 8) && (18..32).contains(&x);
                let v = if letter { 255 } else { 30 };
                img.put_pixel(x, y, image::Luma([v]));
            }
        }
        for y in [50, 100] {
            for x in 120..370 {
                img.put_pixel(x, y, image::Luma([0]));
            }
        }
        frame(&mut img, [10, 160, 380, 195]);
        let lines = vec![
            text("Name", [50.0, 34.0, 100.0, 50.0]),
            text("Address", [50.0, 84.0, 110.0, 100.0]),
            text("Office use only", [50.0, 170.0, 200.0, 186.0]),
        ];
        let found = find(&img, &lines, 16.0);
        let rules: Vec<(f32, f32, f32)> = found
            .iter()
            .filter(|r| r.kind == RegionKind::Underline)
            .map(|r| (r.bbox[0], r.bbox[2], r.bbox[3]))
            .collect();
        assert_eq!(
            rules,
            [(120.0, 370.0, 51.0), (120.0, 370.0, 101.0)],
            "{found:?}"
        );
    }

    #[test]
    fn finds_a_box_a_checkbox_and_an_underline() {
        let mut img = page();
        rect(&mut img, [100, 20, 300, 50]);
        rect(&mut img, [100, 80, 115, 95]);
        for x in 100..300 {
            img.put_pixel(x, 150, image::Luma([0]));
        }
        let regions = find(&img, &[], 16.0);
        let kinds: Vec<RegionKind> = regions.iter().map(|r| r.kind).collect();
        assert!(kinds.contains(&RegionKind::Box), "{regions:?}");
        assert!(kinds.contains(&RegionKind::Checkbox), "{regions:?}");
        assert!(kinds.contains(&RegionKind::Underline), "{regions:?}");
        let b = regions
            .iter()
            .find(|r| r.kind == RegionKind::Box)
            .map(|r| r.bbox);
        assert_eq!(b, Some([100.0, 20.0, 301.0, 51.0]));
        let u = regions
            .iter()
            .find(|r| r.kind == RegionKind::Underline)
            .map(|r| r.bbox);
        assert_eq!(u.map(|u| (u[0], u[2], u[3])), Some((100.0, 300.0, 151.0)));
    }

    #[test]
    fn a_dotted_rule_a_scan_blurred_grey_is_one_rule_but_two_rules_a_gap_apart_stay_two() {
        // Toned paper (240). Row 100: a grey line (212: faint, not ink) from x 40 to 360 with
        // darker stretches (150, ink) 24 px long every 40 px, as the ink threshold catches a
        // blurred dotted rule. Row 160: two solid rules 6 px of paper apart.
        let mut img = GrayImage::from_pixel(400, 200, image::Luma([240]));
        for x in 40..360u32 {
            let v = if (x - 40) % 40 < 24 { 150 } else { 212 };
            img.put_pixel(x, 100, image::Luma([v]));
            img.put_pixel(x, 101, image::Luma([v]));
        }
        for x in (40..180).chain(186..360) {
            img.put_pixel(x, 160, image::Luma([0]));
        }
        let regions = find(&img, &[], 16.0);
        let rules: Vec<BBox> = regions
            .iter()
            .filter(|r| r.kind == RegionKind::Underline)
            .map(|r| r.bbox)
            .collect();
        let dotted: Vec<&BBox> = rules.iter().filter(|u| u[3] <= 110.0).collect();
        assert_eq!(dotted.len(), 1, "{rules:?}");
        assert!(dotted[0][0] <= 41.0 && dotted[0][2] >= 359.0, "{rules:?}");
        assert_eq!(
            rules.iter().filter(|u| u[3] > 150.0).count(),
            2,
            "{rules:?}"
        );
    }

    #[test]
    fn a_table_whose_pale_rules_a_scan_broke_still_has_cells() {
        // Two cells side by side, ruled in a grey 35 levels under toned paper (the scan's
        // ink level is 40 under it), with gaps of 1-3 px every 9 px: nothing is enclosed
        // until the rules are mended. A box of short dashes 8 px apart stays open.
        let mut img = GrayImage::from_pixel(400, 200, image::Luma([235]));
        for y in 0..200 {
            img.put_pixel(399, y, image::Luma([236]));
        }
        let pale = |img: &mut GrayImage, x: u32, y: u32| {
            if (x + y) % 9 > (x * 7 + y) % 3 {
                img.put_pixel(x, y, image::Luma([200]));
            }
        };
        for x in 20..=380 {
            pale(&mut img, x, 30);
            pale(&mut img, x, 90);
        }
        for y in 30..=90 {
            for x in [20, 150, 380] {
                pale(&mut img, x, y);
            }
        }
        for x in (20..=180).step_by(12) {
            for d in 0..4 {
                img.put_pixel(x + d, 140, image::Luma([60]));
                img.put_pixel(x + d, 180, image::Luma([60]));
            }
        }
        for y in (140..=180).step_by(12) {
            for d in 0..4 {
                img.put_pixel(20, y + d, image::Luma([60]));
                img.put_pixel(184, y + d, image::Luma([60]));
            }
        }
        let regions = find(&img, &[], 20.0);
        let boxes: Vec<BBox> = regions
            .iter()
            .filter(|r| r.kind == RegionKind::Box)
            .map(|r| r.bbox)
            .collect();
        assert_eq!(boxes.len(), 2, "{regions:?}");
        for (b, x) in boxes.iter().zip([20.0, 150.0]) {
            assert!(
                (b[0] - x).abs() <= 1.0 && (b[1] - 30.0).abs() <= 1.0,
                "{boxes:?}"
            );
        }
    }

    /// A label's "glyphs": short dark dashes along its middle.
    fn ink_label(img: &mut GrayImage, b: BBox) {
        let y = ((b[1] + b[3]) / 2.0) as u32;
        let mut x = b[0] as u32 + 1;
        while x + 4 < b[2] as u32 {
            for dx in 0..4 {
                for dy in 0..3 {
                    img.put_pixel(x + dx, y + dy, image::Luma([20]));
                }
            }
            x += 7;
        }
    }

    #[test]
    fn cells_open_at_the_sides_are_inputs_and_labels_over_rules_keep_them() {
        // Top: a table of rules across (no side borders), a vertical rule between two cells,
        // each label at its cell's top left. Bottom: labels over their own underlines under a
        // heading's rule, the same distances apart but no vertical rule and no label left
        // without a line to write on.
        let mut img = GrayImage::from_pixel(400, 300, image::Luma([255]));
        for y in [20u32, 80, 160, 230] {
            for x in 10..390 {
                img.put_pixel(x, y, image::Luma([0]));
            }
        }
        for y in 20..=80 {
            img.put_pixel(200, y, image::Luma([0]));
        }
        let labels = [
            ("Name", [16.0, 26.0, 60.0, 40.0]),
            ("Phone", [206.0, 26.0, 260.0, 40.0]),
            ("Email", [16.0, 168.0, 60.0, 184.0]),
        ];
        for (_, b) in &labels {
            ink_label(&mut img, *b);
        }
        let lines: Vec<Line> = labels.iter().map(|(t, b)| text(t, *b)).collect();
        let found = find(&img, &lines, 16.0);
        let cells: Vec<BBox> = found
            .iter()
            .filter(|r| r.kind == RegionKind::TextCell)
            .map(|r| r.bbox)
            .collect();
        assert_eq!(cells.len(), 2, "{found:?}");
        assert!(
            cells
                .iter()
                .any(|c| c[0] == 10.0 && c[1] == 20.0 && c[2] <= 202.0 && c[3] >= 80.0)
        );
        assert!(
            cells
                .iter()
                .any(|c| c[0] >= 199.0 && c[2] >= 389.0 && c[3] >= 80.0)
        );
        let rules: Vec<f32> = found
            .iter()
            .filter(|r| r.kind == RegionKind::Underline)
            .map(|r| r.bbox[3])
            .collect();
        // The table's rules are no underlines; the line under "Email" is one.
        assert!(!rules.iter().any(|&y| y <= 82.0), "{found:?}");
        assert!(rules.iter().any(|&y| (y - 231.0).abs() <= 1.0), "{found:?}");
    }

    #[test]
    fn a_ledger_row_a_scan_greyed_still_has_its_cells() {
        // Toned paper (240); two ledger rows: long rules at y 100 and 160 (x 20-380), a thin
        // post at x 200 rising 50 px from each, drawn faint (208: above the ink level, 200),
        // and in each cell a label at the bottom right in print a scan's blur greyed (150).
        let mut img = GrayImage::from_pixel(400, 200, image::Luma([240]));
        for y in [100, 160] {
            for x in 20..380 {
                img.put_pixel(x, y, image::Luma([40]));
            }
            for yy in y - 50..y {
                img.put_pixel(200, yy, image::Luma([208]));
            }
        }
        let mut lines = Vec::new();
        for (y, x) in [
            (100.0, 120.0),
            (100.0, 300.0),
            (160.0, 120.0),
            (160.0, 300.0),
        ] {
            let b = [x - 60.0, y - 16.0, x + 60.0, y - 4.0];
            for yy in b[1] as u32..b[3] as u32 {
                for xx in (b[0] as u32..b[2] as u32).step_by(3) {
                    img.put_pixel(xx, yy, image::Luma([150]));
                }
            }
            lines.push(text("Label", b));
        }
        let cells: Vec<BBox> = find(&img, &lines, 14.0)
            .into_iter()
            .filter(|r| r.kind == RegionKind::TextCell)
            .map(|r| r.bbox)
            .collect();
        assert_eq!(cells.len(), 4, "{cells:?}");
        assert!(cells.iter().all(|c| c[3] - c[1] >= 40.0), "{cells:?}");
    }

    #[test]
    fn cells_under_rules_a_scan_thickened_and_a_post_it_greyed_are_cells() {
        // Toned paper (240); rules three rows thick at y 50 and 120 (x 20-380), a post at
        // x 200 between them in faint grey (208, over the ink level 200); a label at the
        // top-left of each cell.
        let mut img = GrayImage::from_pixel(400, 200, image::Luma([240]));
        for y in [50, 51, 52, 120, 121, 122] {
            for x in 20..380 {
                img.put_pixel(x, y, image::Luma([60]));
            }
        }
        for y in 53..120 {
            img.put_pixel(200, y, image::Luma([208]));
        }
        let mut lines = Vec::new();
        for x in [25.0, 205.0] {
            let b = [x, 57.0, x + 70.0, 70.0];
            ink_label(&mut img, b);
            lines.push(text("Label", b));
        }
        let cells: Vec<BBox> = find(&img, &lines, 14.0)
            .into_iter()
            .filter(|r| r.kind == RegionKind::TextCell)
            .map(|r| r.bbox)
            .collect();
        assert_eq!(cells.len(), 2, "{cells:?}");
        assert!(
            cells
                .iter()
                .any(|c| c[0] <= 21.0 && (c[2] - 201.0).abs() <= 2.0),
            "{cells:?}"
        );
    }

    fn text(t: &str, b: BBox) -> Line {
        Line {
            text: t.into(),
            quad: [[b[0], b[1]], [b[2], b[1]], [b[2], b[3]], [b[0], b[3]]],
            bbox: b,
            confidence: 0.9,
            glyphs: vec![],
        }
    }

    /// A 7 px ring (a 5 px hole with cut corners), as a small ○ glyph prints, at (x, y).
    fn small_ring(img: &mut GrayImage, x: u32, y: u32) {
        let dots = [
            (2, 0),
            (3, 0),
            (4, 0),
            (1, 1),
            (5, 1),
            (0, 2),
            (0, 3),
            (0, 4),
            (6, 2),
            (6, 3),
            (6, 4),
            (1, 5),
            (5, 5),
            (2, 6),
            (3, 6),
            (4, 6),
        ];
        for (dx, dy) in dots {
            img.put_pixel(x + dx, y + dy, image::Luma([110]));
        }
    }

    #[test]
    fn a_small_ring_read_as_a_lone_o_is_a_radio_but_one_at_a_gap_between_words_is_not() {
        // "o Male" (the ring read as a letter of its own) and "Email address" with a ring
        // where the space between the words was read: a letter's counter, not a button.
        let mut img = page();
        small_ring(&mut img, 41, 27);
        small_ring(&mut img, 141, 97);
        let lines = [
            line("o Male", [40.0, 20.0, 100.0, 40.0]),
            line("Email address", [90.0, 90.0, 220.0, 110.0]),
        ];
        let regions = find(&img, &lines, 20.0);
        let marks: Vec<BBox> = regions
            .iter()
            .filter(|r| r.kind == RegionKind::Checkbox)
            .map(|r| r.bbox)
            .collect();
        assert_eq!(marks, [[41.0, 27.0, 48.0, 34.0]], "{regions:?}");
    }

    #[test]
    fn the_straight_edges_of_a_rounded_frame_are_no_rules_to_write_on() {
        // A panel (a tile holding a label and options: no paper enclosed alone) with corners
        // rounded by 6 px: its top and bottom edges stop 6 px short of its sides.
        let mut img = page();
        for x in 26..=354u32 {
            img.put_pixel(x, 40, image::Luma([120]));
            img.put_pixel(x, 130, image::Luma([120]));
        }
        for y in 46..=124u32 {
            img.put_pixel(20, y, image::Luma([120]));
            img.put_pixel(360, y, image::Luma([120]));
        }
        for k in 0..6u32 {
            // The corners' arcs, roughly: one step in, one step down.
            let (a, b) = (26 - k, 40 + k);
            img.put_pixel(a - 1, b + 1, image::Luma([120]));
            img.put_pixel(360 - (6 - k), 40 + k, image::Luma([120]));
            img.put_pixel(20 + k, 130 - (6 - k), image::Luma([120]));
            img.put_pixel(360 - k, 124 + k, image::Luma([120]));
        }
        // Three lines inside: no label cell, no box.
        let lines = [
            text("Gender:", [30.0, 50.0, 100.0, 70.0]),
            text("Male", [50.0, 74.0, 100.0, 94.0]),
            text("Female", [50.0, 98.0, 110.0, 118.0]),
        ];
        let regions = find(&img, &lines, 20.0);
        assert!(
            !regions.iter().any(|r| r.kind == RegionKind::Underline),
            "{regions:?}"
        );
    }

    #[test]
    fn a_cell_side_a_scan_left_faint_parts_the_cells_under_a_dark_header_bar() {
        // A table on toned paper (235): a dark header bar (rows 20-49) over one row of two
        // cells (rows 50-110, outer border dark), their shared side at x = 200 a faint 2 px
        // rule (205: under the paper, over the ink level) that runs up into the bar.
        let mut img = GrayImage::from_pixel(400, 160, image::Luma([235]));
        for y in 20..=110u32 {
            for x in 20..=380u32 {
                let v = if y < 50 || y == 110 || x == 20 || x == 380 {
                    60
                } else if x == 200 || x == 201 {
                    205
                } else {
                    continue;
                };
                img.put_pixel(x, y, image::Luma([v]));
            }
        }
        let lines = vec![
            text("Full name", [30.0, 56.0, 110.0, 72.0]),
            text("Tax number", [210.0, 56.0, 300.0, 72.0]),
        ];
        let found = find(&img, &lines, 16.0);
        let cells: Vec<BBox> = found
            .iter()
            .filter(|r| r.kind == RegionKind::TextCell)
            .map(|r| r.bbox)
            .collect();
        assert_eq!(cells.len(), 2, "{found:?}");
        assert!(
            cells
                .iter()
                .any(|c| c[0] <= 22.0 && (199.0..=203.0).contains(&c[2])),
            "{cells:?}"
        );
        assert!(
            cells
                .iter()
                .any(|c| (199.0..=203.0).contains(&c[0]) && c[2] >= 379.0),
            "{cells:?}"
        );
    }

    #[test]
    fn a_shaded_box_is_whole_though_part_was_walled_off_and_a_hint_touches_it() {
        // Toned paper (240) with two grey boxes (215): a long one (x 40-339) with a hint line
        // read 2 px into its bottom, and one as narrow as a date part (x 360-377). The long
        // box's left part was found before as a box of its own (the mending walled it off).
        // Over the narrow one, 1 px above it, its grey caption (strokes of 120).
        let mut img = GrayImage::from_pixel(420, 120, image::Luma([240]));
        for y in 40..70u32 {
            for x in (40..340u32).chain(360..378) {
                img.put_pixel(x, y, image::Luma([215]));
            }
        }
        for y in 30..39u32 {
            for x in (361..377u32).step_by(3) {
                img.put_pixel(x, y, image::Luma([120]));
            }
        }
        // A header bar (rows 90-109) with its title printed on the shade at the left, read in
        // a box as high as the bar: cut out as read text, the rest of the bar is no box either.
        for y in 90..110u32 {
            for x in 20..400u32 {
                let stroke = x < 120 && x % 4 == 0 && (93..107).contains(&y);
                img.put_pixel(x, y, image::Luma([if stroke { 40 } else { 215 }]));
            }
        }
        // A third as narrow, a badge round a number the OCR did not read ("1"): no box.
        for y in 40..70u32 {
            for x in 390..408u32 {
                let v = if (398..400).contains(&x) && (47..63).contains(&y) {
                    60
                } else {
                    215
                };
                img.put_pixel(x, y, image::Luma([v]));
            }
        }
        let lines = vec![
            text("We will write to you here", [40.0, 68.0, 250.0, 84.0]),
            text("Day", [360.0, 29.0, 378.0, 39.0]),
            text("Part B", [22.0, 89.0, 121.0, 111.0]),
        ];
        let mut out = vec![Region {
            kind: RegionKind::Box,
            bbox: [41.0, 40.0, 200.0, 70.0],
        }];
        shaded_boxes(&img, 240, &lines, 16.0, &mut out);
        let boxes: Vec<BBox> = out.iter().map(|r| r.bbox).collect();
        let near = |b: &BBox, want: [f32; 4]| b.iter().zip(want).all(|(a, w)| (a - w).abs() <= 3.0);
        assert_eq!(boxes.len(), 2, "{boxes:?}");
        assert!(
            boxes.iter().any(|b| near(b, [40.0, 40.0, 340.0, 70.0])),
            "{boxes:?}"
        );
        assert!(
            boxes.iter().any(|b| near(b, [360.0, 40.0, 378.0, 70.0])),
            "{boxes:?}"
        );
    }

    #[test]
    fn a_drop_down_is_a_box_whatever_its_placeholder_but_a_cell_ending_in_a_letter_is_not() {
        // Two 70x26 boxes, each with one line of dark text in it: the first ends in a
        // drop-down's arrow (a V 11 px wide, 6 rows high, level with the box's middle), the
        // second in a letter as tall as it is wide.
        let mut img = page();
        rect(&mut img, [40, 40, 110, 66]);
        rect(&mut img, [200, 40, 270, 66]);
        for k in 0..6u32 {
            for x in [94 + k, 95 + k, 104 - k, 105 - k] {
                img.put_pixel(x, 50 + k, image::Luma([60]));
            }
        }
        for y in 47..60 {
            for x in [254u32, 255, 264, 265] {
                img.put_pixel(x, y, image::Luma([60]));
            }
        }
        for x in 254..266 {
            img.put_pixel(x, 59, image::Luma([60]));
        }
        let lines = vec![
            text("请选择", [44.0, 44.0, 88.0, 62.0]),
            text("请选择", [204.0, 44.0, 248.0, 62.0]),
        ];
        let found = find(&img, &lines, 18.0);
        let kind = |x: f32| {
            found
                .iter()
                .find(|r| r.bbox[0] == x && r.kind != RegionKind::Underline)
                .map(|r| r.kind)
        };
        assert_eq!(kind(40.0), Some(RegionKind::Box), "{found:?}");
        assert_eq!(kind(200.0), Some(RegionKind::TextCell), "{found:?}");
    }

    #[test]
    fn a_square_with_a_placeholder_in_it_is_a_box_not_a_checkbox() {
        // Date part boxes "[MM]" and an empty square of the same size beside them.
        let mut img = page();
        rect(&mut img, [100, 40, 135, 67]);
        rect(&mut img, [160, 40, 195, 67]);
        let lines = [text("MM", [104.0, 44.0, 131.0, 64.0])];
        let regions = find(&img, &lines, 22.0);
        let kind_at = |x: f32| regions.iter().find(|r| r.bbox[0] == x).map(|r| r.kind);
        assert_eq!(kind_at(100.0), Some(RegionKind::TextCell), "{regions:?}");
        assert_eq!(kind_at(160.0), Some(RegionKind::Checkbox), "{regions:?}");
    }

    #[test]
    fn a_small_square_the_ocr_read_as_a_box_symbol_is_a_checkbox() {
        // 8 px squares in 20 px lines: under the size floor, so only the OCR's reading tells a
        // drawn "☐ Male" from a letter's counter.
        let mut img = page();
        rect(&mut img, [100, 40, 108, 48]);
        rect(&mut img, [100, 100, 108, 108]);
        let glyphs = |first: &str| {
            vec![
                (first.to_string(), [102.0, 34.0, 106.0, 54.0]),
                (" ".to_string(), [110.0, 34.0, 114.0, 54.0]),
                ("M".to_string(), [118.0, 34.0, 122.0, 54.0]),
            ]
        };
        let mut symbol = text("☐ Male", [98.0, 34.0, 150.0, 54.0]);
        symbol.glyphs = glyphs("☐");
        let mut letter = text("eMale", [98.0, 94.0, 150.0, 114.0]);
        letter.glyphs = glyphs("e")
            .into_iter()
            .map(|(g, b)| {
                (
                    if g == " " { "x".into() } else { g },
                    [b[0], b[1] + 60.0, b[2], b[3] + 60.0],
                )
            })
            .collect();
        let regions = find(&img, &[symbol, letter], 20.0);
        let kind_at = |y: f32| regions.iter().find(|r| r.bbox[1] == y).map(|r| r.kind);
        assert_eq!(kind_at(40.0), Some(RegionKind::Checkbox), "{regions:?}");
        assert_eq!(kind_at(100.0), None, "{regions:?}");
    }

    #[test]
    fn a_small_antialiased_radio_circle_is_a_checkbox() {
        // A 15 px CSS radio circle as Chromium draws it (pixels taken from a rendered form),
        // beside "Male" in 27 px lines: its grey edge pixels count as ink and round the
        // interior off to two thirds of its bounds.
        const CIRCLE: [[u8; 15]; 15] = [
            [
                255, 255, 255, 255, 190, 116, 74, 89, 74, 116, 192, 255, 255, 255, 255,
            ],
            [
                255, 255, 255, 121, 117, 172, 214, 255, 214, 172, 113, 123, 255, 255, 255,
            ],
            [
                255, 255, 109, 162, 255, 255, 255, 255, 255, 255, 255, 159, 112, 255, 255,
            ],
            [
                255, 121, 162, 255, 255, 255, 255, 255, 255, 255, 255, 255, 159, 124, 255,
            ],
            [
                189, 117, 255, 255, 255, 255, 255, 255, 255, 255, 255, 255, 255, 113, 192,
            ],
            [
                116, 172, 255, 255, 255, 255, 255, 255, 255, 255, 255, 255, 255, 170, 118,
            ],
            [
                74, 214, 255, 255, 255, 255, 255, 255, 255, 255, 255, 255, 255, 212, 76,
            ],
            [
                89, 255, 255, 255, 255, 255, 255, 255, 255, 255, 255, 255, 255, 255, 89,
            ],
            [
                74, 214, 255, 255, 255, 255, 255, 255, 255, 255, 255, 255, 255, 212, 76,
            ],
            [
                116, 172, 255, 255, 255, 255, 255, 255, 255, 255, 255, 255, 255, 170, 118,
            ],
            [
                192, 113, 255, 255, 255, 255, 255, 255, 255, 255, 255, 255, 255, 110, 195,
            ],
            [
                255, 123, 159, 255, 255, 255, 255, 255, 255, 255, 255, 255, 155, 127, 255,
            ],
            [
                255, 255, 113, 159, 255, 255, 255, 255, 255, 255, 255, 155, 115, 255, 255,
            ],
            [
                255, 255, 255, 124, 114, 170, 212, 255, 212, 170, 110, 127, 255, 255, 255,
            ],
            [
                255, 255, 255, 255, 192, 118, 76, 89, 76, 118, 195, 255, 255, 255, 255,
            ],
        ];
        let mut img = page();
        for (y, row) in CIRCLE.iter().enumerate() {
            for (x, &v) in row.iter().enumerate() {
                img.put_pixel(100 + x as u32, 40 + y as u32, image::Luma([v]));
            }
        }
        let regions = find(&img, &[text("Male", [125.0, 34.0, 175.0, 61.0])], 27.0);
        assert!(
            regions
                .iter()
                .any(|r| r.kind == RegionKind::Checkbox && r.bbox[0] < 108.0 && r.bbox[2] > 108.0),
            "{regions:?}"
        );
    }

    #[test]
    fn a_radio_ring_a_scan_blurred_faint_is_a_checkbox_and_a_pocket_between_letters_none() {
        // Toned paper at 241 with noise, 26 px text. A 13 px ring blurred to 212 (under the
        // paper by 29, over the ink threshold of 201), beside "M"; and, in "Cu", a pocket of
        // paper that a faint halo between two dark strokes closes.
        let mut img = GrayImage::from_fn(400, 200, |x, y| {
            image::Luma([(241 + ((x * 7 + y * 13) % 7) as i32 - 3) as u8])
        });
        for y in 0..13i32 {
            for x in 0..13i32 {
                let d = (((x - 6) * (x - 6) + (y - 6) * (y - 6)) as f32).sqrt();
                if (5.0..=6.5).contains(&d) {
                    img.put_pixel(100 + x as u32, 60 + y as u32, image::Luma([212]));
                }
            }
        }
        // Two dark strokes 4 px wide and 8 px apart, a faint 215 bridge over and under the gap.
        for y in 120..131 {
            for x in [198u32, 199, 200, 201, 210, 211, 212, 213] {
                img.put_pixel(x, y, image::Luma([40]));
            }
        }
        for x in 202..210 {
            for y in [120u32, 130] {
                img.put_pixel(x, y, image::Luma([215]));
            }
        }
        let lines = [
            text("M", [118.0, 54.0, 136.0, 80.0]),
            text("Cu", [196.0, 114.0, 230.0, 140.0]),
        ];
        let regions = find(&img, &lines, 26.0);
        let at = |x: f32, y: f32| {
            regions.iter().any(|r| {
                r.kind == RegionKind::Checkbox
                    && r.bbox[0] <= x
                    && r.bbox[2] >= x
                    && r.bbox[1] <= y
                    && r.bbox[3] >= y
            })
        };
        assert!(at(106.0, 66.0), "{regions:?}");
        assert!(!at(205.0, 125.0), "{regions:?}");
    }

    #[test]
    fn a_grey_fill_with_no_edge_on_toned_paper_is_a_box() {
        // A scan's paper at 241 with noise, an input drawn only as a 222 fill (its faint edge
        // blurred away), and a shaded label cell holding its label: the empty fill is a box.
        let mut img = GrayImage::from_fn(600, 200, |x, y| {
            image::Luma([(241 + ((x * 7 + y * 13) % 7) as i32 - 3) as u8])
        });
        for (x0, y0, x1, y1) in [(100, 60, 500, 96), (100, 120, 300, 156)] {
            for y in y0..y1 {
                for x in x0..x1 {
                    img.put_pixel(x, y, image::Luma([222]));
                }
            }
        }
        let lines = [
            text("Name", [20.0, 66.0, 80.0, 90.0]),
            text("Label", [110.0, 126.0, 170.0, 150.0]),
        ];
        let regions = find(&img, &lines, 24.0);
        let boxes: Vec<BBox> = regions
            .iter()
            .filter(|r| r.kind == RegionKind::Box)
            .map(|r| r.bbox)
            .collect();
        assert_eq!(boxes.len(), 1, "{regions:?}");
        let b = boxes[0];
        assert!(
            (b[0] - 100.0).abs() <= 3.0
                && (b[2] - 500.0).abs() <= 3.0
                && (b[1] - 60.0).abs() <= 3.0,
            "{b:?}"
        );
    }

    #[test]
    fn short_blanks_count_only_before_a_date_unit() {
        // "____年 __月 __日" in 24 px text: the month and day blanks are 30 px, under the usual
        // floor of 36. A 30 px stroke with strokes rising from it (a character's foot) before
        // 日, and a bare 30 px rule with no unit after it, are not blanks.
        let mut img = page();
        let hline = |img: &mut GrayImage, x0: u32, x1: u32, y: u32| {
            for x in x0..x1 {
                img.put_pixel(x, y, image::Luma([0]));
                img.put_pixel(x, y + 1, image::Luma([0]));
            }
        };
        hline(&mut img, 20, 70, 60);
        hline(&mut img, 100, 130, 60);
        hline(&mut img, 160, 190, 60);
        hline(&mut img, 20, 50, 150);
        for x in [20, 35, 49] {
            for y in 135..150 {
                img.put_pixel(x, y, image::Luma([0]));
            }
        }
        hline(&mut img, 250, 280, 150);
        let unit = |t: &str, x: f32, y: f32| {
            let mut l = text(t, [x - 2.0, y - 22.0, x + 22.0, y + 2.0]);
            l.glyphs = vec![(t.to_string(), [x, y - 22.0, x + 8.0, y + 2.0])];
            l
        };
        let lines = [
            unit("年", 74.0, 62.0),
            unit("月", 134.0, 62.0),
            unit("日", 194.0, 62.0),
            unit("日", 54.0, 152.0),
        ];
        let rules: Vec<[f32; 2]> = find(&img, &lines, 24.0)
            .iter()
            .filter(|r| r.kind == RegionKind::Underline)
            .map(|r| [r.bbox[0], r.bbox[2]])
            .collect();
        assert_eq!(rules, [[20.0, 70.0], [100.0, 130.0], [160.0, 190.0]]);
    }

    #[test]
    fn short_blanks_in_a_row_of_three_are_a_dates_parts_but_a_dashed_rule_is_not() {
        // "__ - __ - ____" in 24 px text: blanks of 30, 30 and 50 px (under the usual floor
        // of 36) a separator apart are the parts; a row of six 30 px dashes is a dashed rule,
        // not six blanks.
        let mut img = page();
        let hline = |img: &mut GrayImage, x0: u32, x1: u32, y: u32| {
            for x in x0..x1 {
                img.put_pixel(x, y, image::Luma([0]));
                img.put_pixel(x, y + 1, image::Luma([0]));
            }
        };
        hline(&mut img, 20, 50, 60);
        hline(&mut img, 70, 100, 60);
        hline(&mut img, 120, 170, 60);
        for k in 0..6 {
            hline(&mut img, 20 + 45 * k, 50 + 45 * k, 150);
        }
        let rules: Vec<[f32; 4]> = find(&img, &[], 24.0)
            .iter()
            .filter(|r| r.kind == RegionKind::Underline)
            .map(|r| r.bbox)
            .collect();
        let mut xs: Vec<[f32; 2]> = rules.iter().map(|b| [b[0], b[2]]).collect();
        xs.sort_by(|a, b| a[0].total_cmp(&b[0]));
        assert_eq!(
            xs,
            [[20.0, 50.0], [70.0, 100.0], [120.0, 170.0]],
            "{rules:?}"
        );
    }

    #[test]
    fn graph_papers_grid_goes_but_a_box_drawn_on_it_and_a_rule_off_it_stay() {
        // A 20 px grid at grey 200 over a 400 x 200 page; a box whose border runs along grid
        // lines (and covers most of one), and a rule between grid lines.
        let mut img = page();
        for y in (0..200).step_by(20) {
            for x in 0..400 {
                img.put_pixel(x, y, image::Luma([200]));
            }
        }
        for x in (0..400).step_by(20) {
            for y in 0..200 {
                img.put_pixel(x, y, image::Luma([200]));
            }
        }
        rect(&mut img, [20, 40, 380, 80]);
        for x in 20..200 {
            img.put_pixel(x, 150, image::Luma([60]));
        }
        let clean = without_grid(&img).expect("a grid");
        let at = |x: u32, y: u32| clean.get_pixel(x, y).0[0];
        assert_eq!(at(300, 120), 255, "a grid line crossing");
        assert_eq!(at(310, 100), 255, "a grid line");
        assert_eq!(at(200, 40), 60, "the box's top on a grid line");
        assert_eq!(at(20, 60), 60, "the box's side on a grid line");
        assert_eq!(at(100, 150), 60, "the rule");
        let regions = find(&clean, &[], 16.0);
        assert!(
            regions
                .iter()
                .any(|r| r.kind == RegionKind::Box && r.bbox[0] <= 21.0 && r.bbox[2] >= 379.0),
            "{regions:?}"
        );
        // Ruled writing lines run one way only: no grid.
        let mut ruled = page();
        for y in (20..200).step_by(20) {
            for x in 0..400 {
                ruled.put_pixel(x, y, image::Luma([200]));
            }
        }
        assert!(without_grid(&ruled).is_none());
    }

    #[test]
    fn a_box_whose_top_border_a_scan_broke_is_still_a_box() {
        // A 40x24 box in 26 px text with half its top border gone: no paper is enclosed, but
        // the bottom rule has sides rising from both ends to the same height.
        let mut img = page();
        rect(&mut img, [100, 40, 140, 64]);
        for x in 112..132 {
            img.put_pixel(x, 40, image::Luma([255]));
        }
        // A plain rule beside it stays an underline.
        for x in 200..260 {
            img.put_pixel(x, 64, image::Luma([0]));
        }
        let regions = find(&img, &[], 26.0);
        let kind_at = |x: f32| {
            regions
                .iter()
                .find(|r| r.bbox[0] == x)
                .map(|r| (r.kind, r.bbox))
        };
        assert_eq!(
            kind_at(100.0),
            Some((RegionKind::Box, [100.0, 40.0, 141.0, 65.0])),
            "{regions:?}"
        );
        assert_eq!(
            kind_at(200.0).map(|k| k.0),
            Some(RegionKind::Underline),
            "{regions:?}"
        );
    }
}

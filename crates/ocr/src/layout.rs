//! Layout from line geometry: reading order (recursive XY-cut: columns first, then bands),
//! lines grouped into blocks, and simple tables (rows of aligned short cells). Pure functions
//! over boxes; the image is not looked at here.

use crate::geom::{self, BBox};
use crate::{Line, Page};

#[derive(Debug, Clone)]
pub struct Block {
    pub bbox: BBox,
    /// Indices into `Page::lines`, in reading order.
    pub lines: Vec<usize>,
}

#[derive(Debug, Clone)]
pub struct Table {
    pub bbox: BBox,
    /// Cell texts row by row; every row has one entry per column (empty where nothing is).
    pub rows: Vec<Vec<String>>,
}

/// Orders the lines, groups blocks and finds tables.
pub fn arrange(width: u32, height: u32, lines: Vec<Line>) -> Page {
    if lines.is_empty() {
        return Page {
            width,
            height,
            ..Page::default()
        };
    }
    let med_h = median_height(&lines);
    let boxes: Vec<BBox> = lines.iter().map(|l| l.bbox).collect();
    let mut order = Vec::with_capacity(lines.len());
    let mut leaves = Vec::new();
    xy_cut((0..lines.len()).collect(), &boxes, med_h, &mut leaves);
    for leaf in &leaves {
        order.extend_from_slice(leaf);
    }
    // Renumber lines in reading order, and the leaves with them.
    let mut new_index = vec![0usize; lines.len()];
    for (new, &old) in order.iter().enumerate() {
        new_index[old] = new;
    }
    let mut slots: Vec<Option<Line>> = lines.into_iter().map(Some).collect();
    let lines: Vec<Line> = order.iter().filter_map(|&i| slots[i].take()).collect();
    let leaves: Vec<Vec<usize>> = leaves
        .iter()
        .map(|l| l.iter().map(|&i| new_index[i]).collect())
        .collect();
    let blocks = blocks(&lines, &leaves, med_h);
    let tables = tables(&lines, med_h);
    Page {
        width,
        height,
        lines,
        blocks,
        tables,
        ..Page::default()
    }
}

pub fn median_height(lines: &[Line]) -> f32 {
    // A vertical line's height is its length; its width is the text's height. (A narrow
    // glyph alone, "/" or "1", is taller than wide and as tall as the text; two characters,
    // "邮编" printed one under the other, are a vertical line.)
    let mut h: Vec<f32> = lines
        .iter()
        .map(|l| {
            let (w, h) = (l.bbox[2] - l.bbox[0], l.bbox[3] - l.bbox[1]);
            if h >= 1.5 * w && l.text.chars().count() >= 2 {
                w
            } else {
                h
            }
        })
        .collect();
    h.sort_by(f32::total_cmp);
    h.get(h.len() / 2).copied().unwrap_or(16.0).max(4.0)
}

/// Gaps in the projection of the boxes on one axis: (gap start, gap end), sorted by position.
fn gaps(ids: &[usize], boxes: &[BBox], axis: usize) -> Vec<(f32, f32)> {
    let mut spans: Vec<(f32, f32)> = ids
        .iter()
        .map(|&i| (boxes[i][axis], boxes[i][axis + 2]))
        .collect();
    spans.sort_by(|a, b| a.0.total_cmp(&b.0));
    let mut out = Vec::new();
    let mut end = f32::MIN;
    for (s, e) in spans {
        if end > f32::MIN && s > end {
            out.push((end, s));
        }
        end = end.max(e);
    }
    out
}

/// Recursive XY-cut. A wide vertical gutter (a column break) is cut first; otherwise the page
/// is cut at its widest horizontal gap. What cannot be cut is one row, read left to right.
fn xy_cut(ids: Vec<usize>, boxes: &[BBox], med_h: f32, out: &mut Vec<Vec<usize>>) {
    if ids.len() <= 1 {
        if !ids.is_empty() {
            out.push(ids);
        }
        return;
    }
    let xg = gaps(&ids, boxes, 0);
    if let Some(&(s, e)) = xg.iter().max_by(|a, b| (a.1 - a.0).total_cmp(&(b.1 - b.0)))
        && e - s >= 1.5 * med_h
    {
        let cut = (s + e) / 2.0;
        let (left, right): (Vec<usize>, Vec<usize>) =
            ids.into_iter().partition(|&i| boxes[i][2] <= cut);
        xy_cut(left, boxes, med_h, out);
        xy_cut(right, boxes, med_h, out);
        return;
    }
    let yg = gaps(&ids, boxes, 1);
    if let Some(&(s, e)) = yg.iter().max_by(|a, b| (a.1 - a.0).total_cmp(&(b.1 - b.0))) {
        let cut = (s + e) / 2.0;
        let (top, bottom): (Vec<usize>, Vec<usize>) =
            ids.into_iter().partition(|&i| boxes[i][3] <= cut);
        xy_cut(top, boxes, med_h, out);
        xy_cut(bottom, boxes, med_h, out);
        return;
    }
    // Overlapping in both directions: a row (or a tangle).
    let order = row_order(ids.iter().map(|&i| boxes[i]));
    out.push(order.into_iter().map(|k| ids[k]).collect());
}

/// Reading order of boxes that share no gap to cut at: rows top to bottom (a box joins the row
/// its band overlaps by more than half), left to right within a row. Returns indices into the
/// input. Rows are formed first because "same row" is no order: a staircase of boxes each
/// overlapping the next compares in a cycle, and a sort panics on it.
pub fn row_order(boxes: impl IntoIterator<Item = BBox>) -> Vec<usize> {
    let boxes: Vec<BBox> = boxes.into_iter().collect();
    let mut ids: Vec<usize> = (0..boxes.len()).collect();
    ids.sort_by(|&a, &b| {
        boxes[a][1]
            .total_cmp(&boxes[b][1])
            .then(boxes[a][0].total_cmp(&boxes[b][0]))
    });
    let mut rows: Vec<(BBox, Vec<usize>)> = Vec::new();
    for i in ids {
        match rows.last_mut() {
            Some((band, members)) if geom::v_overlap(band, &boxes[i]) > 0.5 => {
                *band = geom::union(band, &boxes[i]);
                members.push(i);
            }
            _ => rows.push((boxes[i], vec![i])),
        }
    }
    let mut order = Vec::with_capacity(boxes.len());
    for (_, mut members) in rows {
        members.sort_by(|&a, &b| boxes[a][0].total_cmp(&boxes[b][0]));
        order.extend(members);
    }
    order
}

/// Consecutive lines of one column leaf join a block while they stay close and alike.
fn blocks(lines: &[Line], leaves: &[Vec<usize>], med_h: f32) -> Vec<Block> {
    let mut out: Vec<Block> = Vec::new();
    let mut prev_leaf_last: Option<usize> = None;
    for leaf in leaves {
        for &i in leaf {
            let b = lines[i].bbox;
            let joins = prev_leaf_last.is_some_and(|p| {
                let a = lines[p].bbox;
                let (ha, hb) = (a[3] - a[1], b[3] - b[1]);
                let similar = ha.max(hb) <= 1.25 * ha.min(hb);
                let same_row = geom::v_overlap(&a, &b) > 0.5 && b[0] - a[2] < 1.0 * med_h;
                let next_line = b[1] >= a[1] + 0.5 * ha
                    && b[1] - a[3] < 0.8 * ha.max(hb)
                    && (geom::h_overlap(&a, &b) > 0.0 || (b[0] - a[0]).abs() < 2.0 * ha);
                similar && (same_row || next_line)
            });
            match out.last_mut() {
                Some(block) if joins => {
                    block.bbox = geom::union(&block.bbox, &b);
                    block.lines.push(i);
                }
                _ => out.push(Block {
                    bbox: b,
                    lines: vec![i],
                }),
            }
            prev_leaf_last = Some(i);
        }
    }
    out
}

/// A row of the page: cells (merged nearby lines) left to right.
struct Row {
    bbox: BBox,
    cells: Vec<(BBox, String)>,
}

fn rows(lines: &[Line], med_h: f32) -> Vec<Row> {
    let mut idx: Vec<usize> = (0..lines.len()).collect();
    idx.sort_by(|&a, &b| {
        let ca = lines[a].bbox[1] + lines[a].bbox[3];
        let cb = lines[b].bbox[1] + lines[b].bbox[3];
        ca.total_cmp(&cb)
    });
    let mut groups: Vec<(BBox, Vec<usize>)> = Vec::new();
    for i in idx {
        let b = lines[i].bbox;
        match groups.last_mut() {
            Some((gb, members)) if geom::v_overlap(gb, &b) > 0.5 => {
                *gb = geom::union(gb, &b);
                members.push(i);
            }
            _ => groups.push((b, vec![i])),
        }
    }
    groups
        .into_iter()
        .map(|(bbox, mut members)| {
            members.sort_by(|&a, &b| lines[a].bbox[0].total_cmp(&lines[b].bbox[0]));
            let mut cells: Vec<(BBox, String)> = Vec::new();
            for m in members {
                let l = &lines[m];
                match cells.last_mut() {
                    Some((cb, text)) if l.bbox[0] - cb[2] < 0.8 * med_h => {
                        *cb = geom::union(cb, &l.bbox);
                        text.push(' ');
                        text.push_str(&l.text);
                    }
                    _ => cells.push((l.bbox, l.text.clone())),
                }
            }
            Row { bbox, cells }
        })
        .collect()
}

/// Tables: runs of at least two rows whose cells line up in at least two columns. Cells must be
/// short relative to the table (or there must be three or more columns), so that a two-column
/// page of prose is not taken for a table.
fn tables(lines: &[Line], med_h: f32) -> Vec<Table> {
    let rows = rows(lines, med_h);
    let mut out = Vec::new();
    let mut run: Vec<&Row> = Vec::new();
    let flush = |run: &mut Vec<&Row>, out: &mut Vec<Table>| {
        if run.len() >= 2
            && let Some(t) = table_of(run)
        {
            out.push(t);
        }
        run.clear();
    };
    for row in &rows {
        let multi = row.cells.len() >= 2;
        let fits = run.last().is_some_and(|last| {
            row.bbox[1] - last.bbox[3] < 2.5 * med_h && columns_align(last, row)
        });
        if multi && (run.is_empty() || fits) {
            run.push(row);
        } else {
            flush(&mut run, &mut out);
            if multi {
                run.push(row);
            }
        }
    }
    flush(&mut run, &mut out);
    out
}

fn columns_align(a: &Row, b: &Row) -> bool {
    let (short, long) = if a.cells.len() <= b.cells.len() {
        (a, b)
    } else {
        (b, a)
    };
    let matched = short
        .cells
        .iter()
        .filter(|(sb, _)| {
            long.cells
                .iter()
                .any(|(lb, _)| geom::h_overlap(sb, lb) > 0.3)
        })
        .count();
    matched >= 2 && matched * 4 >= short.cells.len() * 3
}

fn table_of(run: &[&Row]) -> Option<Table> {
    // Columns: x-extents of cells merged across rows.
    let mut cols: Vec<(f32, f32)> = Vec::new();
    for row in run {
        for (b, _) in &row.cells {
            match cols.iter_mut().find(|c| b[0].max(c.0) < b[2].min(c.1)) {
                Some(c) => *c = (c.0.min(b[0]), c.1.max(b[2])),
                None => cols.push((b[0], b[2])),
            }
        }
    }
    cols.sort_by(|a, b| a.0.total_cmp(&b.0));
    if cols.len() < 2 {
        return None;
    }
    let bbox = run
        .iter()
        .map(|r| r.bbox)
        .reduce(|a, b| geom::union(&a, &b))?;
    let table_w = bbox[2] - bbox[0];
    let mut widths: Vec<f32> = run
        .iter()
        .flat_map(|r| r.cells.iter().map(|(b, _)| b[2] - b[0]))
        .collect();
    widths.sort_by(f32::total_cmp);
    let median_w = widths[widths.len() / 2];
    if cols.len() < 3 && median_w > 0.35 * table_w {
        return None;
    }
    let rows = run
        .iter()
        .map(|r| {
            let mut cells = vec![String::new(); cols.len()];
            for (b, text) in &r.cells {
                let centre = (b[0] + b[2]) / 2.0;
                let k = cols
                    .iter()
                    .position(|c| centre >= c.0 && centre <= c.1)
                    .unwrap_or(0);
                if !cells[k].is_empty() {
                    cells[k].push(' ');
                }
                cells[k].push_str(text);
            }
            cells
        })
        .collect();
    Some(Table { bbox, rows })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn line(text: &str, b: BBox) -> Line {
        Line {
            text: text.into(),
            quad: [[b[0], b[1]], [b[2], b[1]], [b[2], b[3]], [b[0], b[3]]],
            bbox: b,
            confidence: 0.9,
            glyphs: vec![],
        }
    }

    #[test]
    fn tangled_lines_are_ordered_without_panicking() {
        // Lines every 6 px, 10 px tall, at random x: no gap to cut at, so they go to the row
        // ordering. Each overlaps its neighbours by more than half but not lines further off;
        // the old pairwise comparison ("same row: by x, else by y") went round in cycles here
        // and the sort panicked ("does not correctly implement a total order").
        let mut seed: u64 = 12345;
        let mut rnd = || {
            seed = seed
                .wrapping_mul(6364136223846793005)
                .wrapping_add(1442695040888963407);
            (seed >> 33) as f32 / (1u64 << 31) as f32
        };
        for _ in 0..100 {
            let n = 20 + (rnd() * 60.0) as usize;
            let boxes: Vec<BBox> = (0..n)
                .map(|i| {
                    let y = i as f32 * 6.0 + rnd() * 4.0;
                    let x = rnd() * 900.0;
                    [x, y, x + 30.0, y + 10.0]
                })
                .collect();
            let mut leaves = Vec::new();
            // A median height this large never cuts columns.
            xy_cut((0..n).collect(), &boxes, 1000.0, &mut leaves);
            let order: Vec<usize> = leaves.concat();
            let mut sorted = order.clone();
            sorted.sort_unstable();
            assert_eq!(sorted, (0..n).collect::<Vec<_>>(), "every line once");
            // Left to right within a row: a line that starts a new row lies lower.
            for w in order.windows(2) {
                let (a, b) = (&boxes[w[0]], &boxes[w[1]]);
                assert!(b[0] >= a[0] || b[1] >= a[1], "{a:?} then {b:?}");
            }
        }
    }

    #[test]
    fn two_columns_are_read_column_by_column() {
        let mut lines = vec![line("Title", [100.0, 10.0, 500.0, 40.0])];
        for r in 0..4 {
            let y = 60.0 + r as f32 * 25.0;
            lines.push(line(&format!("L{r}"), [10.0, y, 290.0, y + 20.0]));
            lines.push(line(&format!("R{r}"), [330.0, y, 600.0, y + 20.0]));
        }
        let page = arrange(620, 200, lines);
        let texts: Vec<&str> = page.lines.iter().map(|l| l.text.as_str()).collect();
        assert_eq!(
            texts,
            ["Title", "L0", "L1", "L2", "L3", "R0", "R1", "R2", "R3"]
        );
        assert_eq!(page.blocks.len(), 3);
        assert!(page.tables.is_empty(), "prose columns are no table");
        assert_eq!(page.text(), "Title\n\nL0\nL1\nL2\nL3\n\nR0\nR1\nR2\nR3");
    }

    #[test]
    fn aligned_short_cells_make_a_table() {
        let mut lines = vec![];
        let cols = [10.0, 200.0, 400.0];
        for (r, row) in [
            ["Item", "Qty", "Price"],
            ["Tea", "2", "3.50"],
            ["Cake", "1", "4.00"],
        ]
        .iter()
        .enumerate()
        {
            let y = 10.0 + r as f32 * 30.0;
            for (c, t) in row.iter().enumerate() {
                lines.push(line(t, [cols[c], y, cols[c] + 60.0, y + 20.0]));
            }
        }
        let page = arrange(600, 120, lines);
        assert_eq!(page.tables.len(), 1);
        assert_eq!(page.tables[0].rows[1], vec!["Tea", "2", "3.50"]);
    }
}

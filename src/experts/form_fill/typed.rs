//! Option groups printed as text: a marker before each option's word, typed ("( ) Male",
//! "[ ] Yes") or a glyph too small or faint to be found as a drawn box ("○ Male ○ Female",
//! read by the OCR as "o Male oFemale" or "OM OF"). Used for a label that found no input.

use image::GrayImage;

use super::CheckOption;
use crate::ocr::Line;
use crate::ocr::geom::{self, BBox};

/// Markers the OCR reads as a character of their own.
const GLYPHS: &[char] = &['○', '◯', '●', '☐', '□', '■', '◻', '❍', '◎', '〇'];
/// Letters the OCR reads a small circle or square as: a marker only at a word's start before
/// a capital or a Chinese character ("oMale", "O M"), never inside a word ("Other" is a word).
/// (Not D or U, which the OCR also makes of a square: "UK", "DNA" start with them.)
const LOOKALIKES: &[char] = &['o', 'O', '0'];

/// The options printed after a label on its row, or on the line under it, each behind a
/// marker. At least two, each a short name; None otherwise. On the row, the options may be
/// read as several lines ("SEX: ( ) M" "( ) F") and may start in the next cell of a table.
pub fn after_label(
    label: &BBox,
    lines: &[Line],
    gray: &GrayImage,
    ink_at: u8,
    text_h: f32,
) -> Option<Vec<CheckOption>> {
    let mut row: Vec<&Line> = lines
        .iter()
        .filter(|l| geom::v_overlap(&l.bbox, label) > 0.5 && l.bbox[2] > label[2] + 0.5 * text_h)
        .collect();
    row.sort_by(|a, b| a.bbox[0].total_cmp(&b.bbox[0]));
    let beside = row
        .first()
        .filter(|l| l.bbox[0] < label[2] + 12.0 * text_h)
        .map(|first| {
            // The first line and those that follow it closely on the row, each starting
            // with a marker (not the next field's label).
            let mut glyphs: Vec<(char, BBox)> = Vec::new();
            let mut bbox = first.bbox;
            for l in &row {
                let marked = l.text.trim_start().starts_with(|c: char| {
                    GLYPHS.contains(&c)
                        || LOOKALIKES.contains(&c)
                        || matches!(c, '(' | '[' | '（' | '【')
                });
                if !glyphs.is_empty() && (l.bbox[0] > bbox[2] + 3.0 * text_h || !marked) {
                    break;
                }
                if !glyphs.is_empty() {
                    glyphs.push((' ', [bbox[2], bbox[1], l.bbox[0], bbox[3]]));
                }
                glyphs.extend(chars(l));
                bbox = geom::union(&bbox, &l.bbox);
            }
            (glyphs, bbox, label[2] - 1.0)
        });
    let under = lines
        .iter()
        .filter(|l| {
            l.bbox[1] >= label[3] - 0.3 * text_h
                && l.bbox[1] <= label[3] + 1.2 * text_h
                && (l.bbox[0] - label[0]).abs() <= 2.0 * text_h
        })
        .map(|l| (chars(l), l.bbox, f32::MIN));
    beside
        .into_iter()
        .chain(under)
        .find_map(|(glyphs, bbox, from)| options_in(&glyphs, &bbox, from, gray, ink_at, text_h))
}

/// Whether glyph `i` follows a marker's one-capital option with no space ("OMOF" for
/// "○ M ○ F"): options run together.
fn one_letter_option(marks: &[(usize, usize)], i: usize, glyphs: &[(char, BBox)]) -> bool {
    marks.last().is_some_and(|m| m.1 + 1 == i) && glyphs[i - 1].0.is_uppercase()
}

/// A line's glyphs, a character each.
fn chars(l: &Line) -> Vec<(char, BBox)> {
    l.glyphs
        .iter()
        .filter_map(|(s, b)| s.chars().next().map(|c| (c, *b)))
        .collect()
}

/// The options in a line's glyphs (with the line's box) from x `from` on.
fn options_in(
    glyphs: &[(char, BBox)],
    line: &BBox,
    from: f32,
    gray: &GrayImage,
    ink_at: u8,
    text_h: f32,
) -> Option<Vec<CheckOption>> {
    let glyphs: Vec<(char, BBox)> = glyphs
        .iter()
        .filter(|(_, b)| (b[0] + b[2]) / 2.0 > from)
        .copied()
        .skip_while(|(c, _)| matches!(c, ':' | '：' | ' '))
        .collect();
    // Where each marker starts and ends (glyph indices, end exclusive).
    let mut marks: Vec<(usize, usize)> = Vec::new();
    let mut i = 0;
    while i < glyphs.len() {
        let c = glyphs[i].0;
        // After a letter read for a marker, a capital (or Chinese) starts the option; after
        // a true marker any word does ("( ) other").
        let next_starts_word = |k: usize, strict: bool| {
            glyphs[k..]
                .iter()
                .find(|(c, _)| *c != ' ')
                .is_some_and(|(c, _)| {
                    c.is_uppercase() || crate::request::is_cjk(*c) || (!strict && c.is_alphabetic())
                })
        };
        let word_start = i == 0
            || glyphs[i - 1].0 == ' '
            || marks.last().is_some_and(|m| m.1 == i)
            || one_letter_option(&marks, i, &glyphs);
        let end = if GLYPHS.contains(&c) {
            Some(i + 1)
        } else if matches!(c, '(' | '[' | '（' | '【') {
            // "()", "( )", "[ ]": a pair of brackets with nothing in between.
            let mut k = i + 1;
            while k < glyphs.len() && glyphs[k].0 == ' ' {
                k += 1;
            }
            let closes = k < glyphs.len() && matches!(glyphs[k].0, ')' | ']' | '）' | '】');
            // A closing bracket a scan's blur made a stroke ("[lF" for "[ ] F").
            let stroke = k == i + 1
                && k + 1 < glyphs.len()
                && matches!(glyphs[k].0, 'l' | 'I' | '1' | '|')
                && glyphs[k + 1].0.is_uppercase();
            (closes || stroke).then_some(k + 1)
        } else if LOOKALIKES.contains(&c) && word_start && i + 1 < glyphs.len() {
            Some(i + 1)
        } else {
            None
        };
        let lookalike = LOOKALIKES.contains(&c);
        match end {
            Some(e)
                if (word_start || !lookalike)
                    && e < glyphs.len()
                    && next_starts_word(e, lookalike) =>
            {
                marks.push((i, e));
                i = e;
            }
            _ => i += 1,
        }
    }
    // The group starts right after the label, or at the start of the line under it: text
    // before the first marker is another field's label ("性别 ○男 ○女" under "姓名").
    if marks.len() < 2 || marks[0].0 != 0 {
        return None;
    }
    // Each option's text runs to the next marker.
    let mut out = Vec::new();
    for (k, &(s, e)) in marks.iter().enumerate() {
        let stop = marks.get(k + 1).map_or(glyphs.len(), |m| m.0);
        let text: String = glyphs[e..stop].iter().map(|(c, _)| *c).collect();
        let text = text.trim().to_string();
        if text.is_empty() || text.chars().count() > 24 || text.split(' ').count() > 4 {
            return None;
        }
        let text_bbox = glyphs[e..stop]
            .iter()
            .filter(|(c, _)| *c != ' ')
            .map(|(_, b)| *b)
            .reduce(|a, b| geom::union(&a, &b))?;
        let mark = glyphs[s..e]
            .iter()
            .map(|(_, b)| *b)
            .reduce(|a, b| geom::union(&a, &b))?;
        // The ink before the option's text and after what is printed before the marker.
        let after = glyphs[..s]
            .iter()
            .rev()
            .find(|(c, _)| *c != ' ')
            .map_or(line[0] - 0.3 * text_h, |(_, b)| b[2]);
        let left = (mark[0] - 0.3 * text_h).max(after);
        let window = [left, line[1], text_bbox[2], line[3]];
        out.push(CheckOption {
            text,
            text_bbox: Some(text_bbox),
            bbox: ink_box(gray, window, &mark, e - s > 1, ink_at, text_h).unwrap_or(mark),
        });
    }
    // A marker is small: no taller than the text, and not wide.
    out.iter()
        .all(|o| o.bbox[2] - o.bbox[0] <= 1.6 * text_h && o.bbox[3] - o.bbox[1] <= 1.3 * text_h)
        .then_some(out)
}

/// The ink of a marker: in `window` (from the text before the marker to the option's text's
/// end), the run of inked columns nearest the recogniser's estimate `mark` that is no wider
/// than a marker (with the other half of a bracket pair, `pair`), shrunk to its dark pixels.
/// A glyph's box from the recogniser is only a few pixels of where the character is; a run
/// stops at the blank column before the word.
fn ink_box(
    gray: &GrayImage,
    window: BBox,
    mark: &BBox,
    pair: bool,
    ink_at: u8,
    text_h: f32,
) -> Option<BBox> {
    let x0 = window[0].max(0.0) as u32;
    let x1 = window[2].clamp(0.0, gray.width() as f32) as u32;
    let y0 = window[1].max(0.0) as u32;
    let y1 = window[3].clamp(0.0, gray.height() as f32) as u32;
    let inked = |x: u32| (y0..y1).any(|y| gray.get_pixel(x, y).0[0] < ink_at);
    let mut runs: Vec<(u32, u32)> = Vec::new();
    for x in x0..x1 {
        if inked(x) {
            match runs.last_mut() {
                Some(r) if r.1 == x => r.1 = x + 1,
                _ => runs.push((x, x + 1)),
            }
        }
    }
    // The run nearest the estimate, no wider than a marker; a bracket's other half beside it.
    let narrow = |a: u32, b: u32| (b - a) as f32 <= 1.3 * text_h;
    let mid = (mark[0] + mark[2]) / 2.0;
    let gap = |r: &(u32, u32)| (r.0 as f32 - mid).max(mid - r.1 as f32).max(0.0);
    let k = (0..runs.len())
        .filter(|&k| narrow(runs[k].0, runs[k].1))
        .min_by(|&a, &b| gap(&runs[a]).total_cmp(&gap(&runs[b])))?;
    let (mut ax, mut bx) = runs[k];
    if pair {
        let before = k
            .checked_sub(1)
            .map(|j| runs[j])
            .filter(|r| narrow(r.0, bx));
        let after = runs.get(k + 1).copied().filter(|r| narrow(ax, r.1));
        // The half nearer the estimate's other end.
        match (before, after) {
            (Some(r), None) => ax = r.0,
            (None, Some(r)) => bx = r.1,
            (Some(p), Some(q)) => {
                if (mark[0] - p.0 as f32).abs() < (q.1 as f32 - mark[2]).abs() {
                    ax = p.0
                } else {
                    bx = q.1
                }
            }
            (None, None) => {}
        }
    }
    let rows: Vec<u32> = (y0..y1)
        .filter(|&y| (ax..bx).any(|x| gray.get_pixel(x, y).0[0] < ink_at))
        .collect();
    let (top, bottom) = (*rows.first()?, *rows.last()?);
    ((bottom + 1 - top) as f32 >= 0.2 * text_h).then_some([
        ax as f32,
        top as f32,
        bx as f32,
        bottom as f32 + 1.0,
    ])
}

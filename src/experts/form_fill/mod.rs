//! Form filling without a model: OCR lines -> field labels -> the input area of each label (the
//! box, underline or cell beside or below it; checkbox groups and their options) -> the user's
//! facts mapped onto fields -> actions with pixel boxes, the fields left unfilled and why, and a
//! PyAutoGUI script that replays the actions. Pure: the OCR step reads the page and
//! `experts::steps::form` passes it here.

pub mod dates;
pub mod profile;
pub mod refine;
pub mod regions;
pub mod skew;
mod typed;

use std::sync::LazyLock;

use image::GrayImage;
use regex::Regex;

use crate::ocr::geom::{self, BBox};
use crate::ocr::{Page, layout};
use crate::proto::{self, FormAction, UnfilledField};
use dates::{Format, Part, Ymd};
use profile::{Facts, Source};
use regions::{Region, RegionKind};

/// A piece of an OCR line: a line split where checkboxes or wide gaps cut it.
#[derive(Debug, Clone)]
pub struct Segment {
    pub text: String,
    pub bbox: BBox,
    pub confidence: f32,
}

#[derive(Debug, Clone)]
pub struct CheckOption {
    pub text: String,
    pub text_bbox: Option<BBox>,
    pub bbox: BBox,
}

/// One box of a date written in parts.
#[derive(Debug, Clone, PartialEq)]
pub struct DatePart {
    pub part: Part,
    /// Digits the placeholder shows ("MM" -> 2); 1 where nothing asks for padding.
    pub width: usize,
    pub bbox: BBox,
}

#[derive(Debug, Clone)]
pub enum FieldInput {
    /// A box, cell or underline to type into; `format` where the form prints a date format
    /// for it (in the label or as the box's placeholder).
    Text {
        bbox: BBox,
        kind: RegionKind,
        format: Option<Format>,
    },
    /// A date in separate boxes, in reading order.
    Date(Vec<DatePart>),
    Checkboxes(Vec<CheckOption>),
    /// A label with no input area found beside or below it.
    Missing,
}

#[derive(Debug, Clone)]
pub struct Field {
    /// The label as printed, without a trailing colon or required-field asterisk.
    pub label: String,
    pub label_bbox: BBox,
    pub input: FieldInput,
    /// Canonical key and how sure the label names it.
    pub key: Option<(String, f32)>,
    pub ocr_confidence: f32,
}

/// Strips colons, asterisks and spaces around a label, and the word that introduces a format
/// printed after it where the OCR kept the word and the format went apart ("日期：格式").
pub fn clean_label(s: &str) -> String {
    static INTRO: LazyLock<Regex> = LazyLock::new(|| {
        Regex::new(
            r"(?i)^(.+?)\s*[:：(（]\s*(?:(?:日期)?格式|(?:date\s+)?format|e\.?\s?g\.?)\s*[:：]?$",
        )
        .expect("static regex")
    });
    let trim = |s: &str| {
        s.trim()
            .trim_matches(|c: char| matches!(c, ':' | '：' | '*' | '＊' | '_' | ' ' | '.' | '·'))
            .trim()
            .to_string()
    };
    // (A colon after the hint: "Date signed (D.MM. y):".)
    let s = drop_hint(s.trim().trim_end_matches([':', '：', '*', '＊', ' ']));
    let s = example_at(s).map_or(s, |k| &s[..k]);
    let s = match INTRO.captures(s) {
        Some(c) => trim(&c[1]),
        None => trim(s),
    };
    // A caption printed in brackets under its line ("(Full name)", "（申请人姓名）"): the
    // label is what they enclose.
    let s = match unbracket(&s).map(trim) {
        Some(inner) if !inner.is_empty() => inner,
        _ => s,
    };
    letter_zeros(&s)
}

/// Where an example printed after a label in brackets starts ("Full name (e.g. Emily
/// Carter)", "姓名（例：张伟）", the closing bracket or the rest maybe not read): the byte
/// offset of its opening bracket, with text before it.
fn example_at(s: &str) -> Option<usize> {
    static EXAMPLE: LazyLock<Regex> = LazyLock::new(|| {
        Regex::new(r"(?i)\S\s*([(（]\s*(?:e\.?\s?g\b|e\.g\.|ex[.:：]|例|for example|such as))")
            .expect("static regex")
    });
    EXAMPLE
        .captures(s)
        .and_then(|c| c.get(1))
        .map(|m| m.start())
}

/// A zero the OCR read for the letter O inside a word or between dots ("D.0.B", "Ph0ne"), in a
/// label with no other digit: the letter. ("Box 10", "Line 0" keep their digits.)
fn letter_zeros(s: &str) -> String {
    let c: Vec<char> = s.chars().collect();
    let letters = c.iter().filter(|x| x.is_ascii_alphabetic()).count();
    if letters < 2 || c.iter().any(|x| x.is_ascii_digit() && *x != '0') {
        return s.to_string();
    }
    (0..c.len())
        .map(|k| {
            let prev = k.checked_sub(1).map(|j| c[j]);
            let next = c.get(k + 1).copied();
            let digit = |x: Option<char>| x.is_some_and(|x| x.is_ascii_digit());
            let letter = |x: Option<char>| x.is_some_and(|x| x.is_ascii_alphabetic());
            let lower = |x: Option<char>| x.is_some_and(|x| x.is_ascii_lowercase());
            let dotted = prev == Some('.') && (next == Some('.') || next.is_none());
            if c[k] == '0'
                && !digit(prev)
                && !digit(next)
                && (letter(prev) || letter(next) || dotted)
            {
                if lower(prev) && lower(next) { 'o' } else { 'O' }
            } else {
                c[k]
            }
        })
        .collect()
}

/// A label without the hint printed after it that `Format::strip` could not read: a date
/// format the OCR garbled ("Birth date: (d/mmyy)", "DOB (DD.MM.Ym", "出生日期(Y/MM/DD)"),
/// after a bracket or a colon, or a drop-down's placeholder ("出生日期 请选择").
fn drop_hint(s: &str) -> &str {
    const PLACEHOLDERS: &[&str] = &[
        "请选择",
        "--请选择--",
        "select",
        "please select",
        "-- select --",
    ];
    let lower = s.to_lowercase();
    for p in PLACEHOLDERS {
        if lower.ends_with(p) && s.is_char_boundary(s.len() - p.len()) {
            let head = s[..s.len() - p.len()].trim_end();
            if head.chars().any(char::is_alphanumeric) {
                return head;
            }
        }
    }
    let Some(at) = s.rfind(['(', '（', ':', '：']) else {
        return s;
    };
    let (head, tail) = (s[..at].trim_end(), &s[at..]);
    let tail: String = tail
        .chars()
        .skip(1)
        .filter(|c| !matches!(c, ')' | '）' | ' '))
        .collect();
    let tail = tail.to_lowercase();
    let tail = tail
        .trim_start_matches("dateformat")
        .trim_start_matches("format")
        .trim_start_matches("日期格式")
        .trim_start_matches("格式")
        .trim_start_matches([':', '：']);
    // Letters of a date's parts, their units and separators; one odd character is the OCR's.
    let part = |c: char| matches!(c, 'y' | 'm' | 'd' | '年' | '月' | '日');
    let sep = |c: char| matches!(c, '/' | '.' | '-' | '_' | '＿');
    let letters = tail.chars().filter(|&c| part(c)).count();
    let odd = tail.chars().filter(|&c| !part(c) && !sep(c)).count();
    if letters >= 2 && odd <= 1 && letters > odd && head.chars().any(char::is_alphanumeric) {
        head
    } else {
        s
    }
}

/// What a pair of brackets round the whole text encloses ("(Full name)" -> "Full name"); none
/// where they close early ("(a) or (b)") or the text is not bracketed.
fn unbracket(s: &str) -> Option<&str> {
    let s = s.trim();
    [('(', ')'), ('（', '）'), ('[', ']'), ('【', '】')]
        .iter()
        .find_map(|&(open, close)| {
            let inner = s.strip_prefix(open)?.strip_suffix(close)?;
            (!inner.contains([open, close])).then_some(inner)
        })
}

fn bracketed(s: &str) -> bool {
    unbracket(s).is_some_and(|i| !i.trim().is_empty())
}

/// Splits OCR lines into segments at drawn regions (boxes, checkboxes, underlines: text on
/// either side of a place to write is two pieces), dropping what the OCR read off a checkbox or
/// an underline's ink, and at gaps wider than twice the text height.
pub fn segments(page: &Page, regions: &[Region], text_h: f32) -> Vec<Segment> {
    let mut out = Vec::new();
    for line in &page.lines {
        let cuts: Vec<&Region> = regions
            .iter()
            .filter(|r| {
                r.kind != RegionKind::TextCell
                    && geom::v_overlap(&r.bbox, &line.bbox) > 0.4
                    && geom::intersection(&r.bbox, &line.bbox) > 0.0
            })
            .collect();
        if line.glyphs.is_empty() {
            out.push(Segment {
                text: line.text.clone(),
                bbox: line.bbox,
                confidence: line.confidence,
            });
            continue;
        }
        // A line read down the page (labels printed a character under another in narrow
        // cells) runs on through the next cell's label: it is cut where a cell's edge runs
        // level between two characters.
        let (lw, lh) = (line.bbox[2] - line.bbox[0], line.bbox[3] - line.bbox[1]);
        let g = &line.glyphs;
        if lh >= 2.5 * lw && g.len() >= 2 {
            let cx = (line.bbox[0] + line.bbox[2]) / 2.0;
            let edge_between = |y0: f32, y1: f32| {
                regions.iter().any(|r| {
                    // (The label's cell, or the row's next one, which starts at its side.)
                    matches!(r.kind, RegionKind::Box | RegionKind::TextCell)
                        && r.bbox[0] < line.bbox[2] + 0.5 * text_h
                        && r.bbox[2] > cx
                        && [r.bbox[1], r.bbox[3]].iter().any(|&y| y > y0 && y < y1)
                })
            };
            // (Read up the page, its first character is the lowest: a table's row
            // headers turned a quarter to the left.)
            let up = g[g.len() - 1].1[1] < g[0].1[1];
            // The gap before glyph `k`: from the last character before it (a space is gap).
            let gap = |k: usize| {
                let j = (0..k).rev().find(|&j| !g[j].0.trim().is_empty())?;
                let (a, b) = (g[j].1, g[k].1);
                Some(if up { (b[3], a[1]) } else { (a[3], b[1]) })
            };
            let mid = |k: usize| gap(k).map(|(y0, y1)| (y0 + y1) / 2.0);
            let cuts: Vec<usize> = (1..g.len())
                .filter(|&k| {
                    !g[k].0.trim().is_empty() && gap(k).is_some_and(|(y0, y1)| edge_between(y0, y1))
                })
                .collect();
            if !cuts.is_empty() {
                let mut start = 0;
                for k in cuts.into_iter().chain([g.len()]) {
                    let before = (start > 0).then(|| mid(start)).flatten();
                    let after = (k < g.len()).then(|| mid(k)).flatten();
                    let (top, bottom) = if up {
                        (
                            after.unwrap_or(line.bbox[1]),
                            before.unwrap_or(line.bbox[3]),
                        )
                    } else {
                        (
                            before.unwrap_or(line.bbox[1]),
                            after.unwrap_or(line.bbox[3]),
                        )
                    };
                    let span = [line.bbox[0], top, line.bbox[2], bottom];
                    let chars: Vec<(&str, BBox)> = g[start..k]
                        .iter()
                        .map(|(t, _)| (t.as_str(), span))
                        .collect();
                    out.extend(piece(&chars, line.confidence));
                    start = k;
                }
                continue;
            }
        }
        let mut cur: Vec<(&str, BBox)> = Vec::new();
        let mut last_x2 = f32::MIN;
        // The small box the last glyph stood in: a line the OCR ran across date parts' boxes
        // ("MM" in a box, "月" after it) is cut where it enters or leaves one.
        let mut last_box: Option<usize> = None;
        // Text that runs on into a place to write ("Date: MM/DD/YYYY", the placeholder on
        // the line's rule) is a label, then the placeholder: cut where the input starts.
        // (The text on the rule or in the box, not above a rule lower down: a frame's
        // bottom edge under a label.)
        let run_into: Vec<&Region> = cuts
            .iter()
            .copied()
            .filter(|r| {
                r.bbox[2] - r.bbox[0] > 3.0 * text_h
                    && match r.kind {
                        RegionKind::Underline => (r.bbox[3] - line.bbox[3]).abs() <= 0.4 * text_h,
                        RegionKind::Box => {
                            line.bbox[1] >= r.bbox[1] - 2.0 && line.bbox[3] <= r.bbox[3] + 2.0
                        }
                        _ => false,
                    }
            })
            .collect();
        let mut last_cx = f32::MAX;
        for (k, (g, gb)) in line.glyphs.iter().enumerate() {
            let cx = (gb[0] + gb[2]) / 2.0;
            // (A box the line's middle falls in was taken for a cell with text in it.)
            let in_box = regions.iter().position(|r| {
                matches!(r.kind, RegionKind::Box | RegionKind::TextCell)
                    && r.bbox[2] - r.bbox[0] <= 5.0 * text_h
                    && geom::v_overlap(&r.bbox, &line.bbox) > 0.4
                    && cx > r.bbox[0]
                    && cx < r.bbox[2]
            });
            // (Only at a word's end, a space or a colon before it, with a date's format
            // after it: not inside a heading whose rule starts under its last letter, nor
            // before more words of a heading over a ruled page.)
            let word_end = k > 0 && {
                let prev = line.glyphs[k - 1].0.as_str();
                prev.trim().is_empty()
                    || prev.ends_with([':', '：'])
                    || g.starts_with(char::is_whitespace)
            };
            let placeholder_on = || {
                let rest: String = line.glyphs[k..].iter().map(|g| g.0.as_str()).collect();
                printed_format(&rest).is_some()
            };
            let enters_input = word_end
                && run_into
                    .iter()
                    .any(|r| r.bbox[0] > last_cx && r.bbox[0] < cx)
                && placeholder_on();
            last_cx = cx;
            if (in_box != last_box || enters_input) && !cur.is_empty() {
                out.extend(piece(&std::mem::take(&mut cur), line.confidence));
            }
            last_box = in_box;
            // A dash between letters or digits is a hyphen ("yyyy-mm-dd" over a rule), not
            // the rule's ink read as text.
            let word = |j: Option<usize>| {
                j.and_then(|j| line.glyphs.get(j))
                    .is_some_and(|n| n.0.chars().all(char::is_alphanumeric) && !n.0.is_empty())
            };
            let hyphen = g == "-" && word(k.checked_sub(1)) && word(Some(k + 1));
            let rule = !hyphen && g.chars().all(|c| matches!(c, '_' | '＿' | '-' | '—' | '─'));
            let on_box = cuts.iter().any(|r| {
                let c = &r.bbox;
                (r.kind == RegionKind::Checkbox || rule) && cx >= c[0] - 2.0 && cx <= c[2] + 2.0
            });
            let crosses_box = cuts.iter().any(|r| {
                let c = &r.bbox;
                c[0] >= last_x2 - 1.0 && c[2] <= gb[0] + 1.0
            });
            let wide_gap =
                last_x2 > f32::MIN && gb[0] - last_x2 > 2.0 * text_h && g.trim().len() == g.len();
            if on_box || crosses_box || wide_gap {
                out.extend(piece(&std::mem::take(&mut cur), line.confidence));
                // A date unit printed inside a part's square box ("[ 日 ]") is its name.
                if on_box && matches!(g.as_str(), "年" | "月" | "日") {
                    let gbox = [gb[0], line.bbox[1], gb[2], line.bbox[3]];
                    out.extend(piece(&[(g, gbox)], line.confidence));
                    last_x2 = gb[2];
                    continue;
                }
                if on_box {
                    last_x2 = gb[2];
                    continue;
                }
            }
            last_x2 = gb[2];
            cur.push((g, [gb[0], line.bbox[1], gb[2], line.bbox[3]]));
            if ends_label(&line.glyphs, k) {
                out.extend(piece(&std::mem::take(&mut cur), line.confidence));
            }
        }
        out.extend(piece(&cur, line.confidence));
    }
    out.retain(|s| s.text.chars().any(|c| c.is_alphanumeric()));
    out
}

/// Whether glyph `k` is a colon that ends a label with more words after it on the line
/// ("Gender: M □ F □", "For office use only: Ref. no"): what follows is an answer, an option
/// or the next label, not more of this label. A format printed after the colon stays with the
/// label, which reads it; so does a time's colon between digits.
fn ends_label(glyphs: &[(String, BBox)], k: usize) -> bool {
    if !matches!(glyphs[k].0.as_str(), ":" | "：") || k == 0 {
        return false;
    }
    let before = glyphs[..k].iter().rev().find(|g| !g.0.trim().is_empty());
    if !before.is_some_and(|g| g.0.chars().last().is_some_and(char::is_alphabetic)) {
        return false;
    }
    let rest: String = glyphs[k + 1..].iter().map(|g| g.0.as_str()).collect();
    let whole: String = glyphs.iter().map(|g| g.0.as_str()).collect();
    rest.chars().any(char::is_alphanumeric)
        && Format::find(&rest).is_none()
        && drop_hint(&whole) == whole
}

/// A segment of the glyphs given: without the spaces at its ends, nor a question's number
/// before its words ("3. Surname", "10.手机", "(2) 性别", "② 性别", a circle round "10" read
/// as "①⑩"): the number is not part of the label
/// and its box would pull the label's box off the words.
fn piece(glyphs: &[(&str, BBox)], confidence: f32) -> Option<Segment> {
    static NUMBER: LazyLock<Regex> = LazyLock::new(|| {
        Regex::new(r"^(?:Q\s?)?(?:\d{1,2}(?:\.\d{1,2})?\s*[.、)）]|[(（]\d{1,2}[)）]|[一二三四五六七八九十]{1,2}[、.．]|\d{1,2}[a-z]?\s+\b|[\x{2460}-\x{2473}\x{24EA}-\x{24FF}\x{2776}-\x{2793}\x{3251}-\x{325F}\x{32B1}-\x{32BF}]+)\s*")
            .expect("static regex")
    });
    let blank = |g: &&(&str, BBox)| g.0.trim().is_empty();
    let from = glyphs.iter().position(|g| !blank(&g))?;
    let to = glyphs.len() - glyphs.iter().rev().position(|g| !blank(&g))?;
    let mut kept = &glyphs[from..to];
    let text: String = kept.iter().map(|g| g.0).collect();
    // A question's number the OCR read as a line of its own ("(5)" before "出生日期：") is
    // no label.
    if NUMBER
        .find(&text)
        .is_some_and(|m| text[m.end()..].trim().is_empty())
    {
        return None;
    }
    if let Some(m) = NUMBER.find(&text)
        && text[m.end()..].chars().any(char::is_alphabetic)
    {
        // Glyphs may hold more than one char: drop whole glyphs up to the number's end.
        let mut len = 0;
        let skip = kept
            .iter()
            .take_while(|g| {
                let before = len;
                len += g.0.len();
                before < m.end()
            })
            .count();
        kept = &kept[skip..];
    }
    let first = kept.first()?;
    Some(Segment {
        text: kept.iter().map(|g| g.0).collect(),
        bbox: kept.iter().fold(first.1, |u, g| geom::union(&u, &g.1)),
        confidence,
    })
}

/// Finds the fields of a form page. A page photographed or scanned at a slant is first
/// levelled (from the lie of its ink); every box is reported in the pixels of
/// the image as sent.
pub fn fields(page: &Page, gray: &GrayImage) -> Vec<Field> {
    // A dark page (a dark-mode screenshot: light text and rules on near-black) is read as
    // its negative, so that ink is dark on light paper as everything below expects.
    let negative;
    let gray = if dark_page(gray) {
        let mut g = gray.clone();
        image::imageops::invert(&mut g);
        negative = g;
        &negative
    } else {
        gray
    };
    let Some(turn) = skew::Turn::for_page(page, gray) else {
        return fields_upright(page, gray);
    };
    let straight = turn.straighten(gray);
    let lines = turn.lines(&page.lines);
    let upright = Page {
        width: straight.width(),
        height: straight.height(),
        lines,
        ..Page::default()
    };
    let mut out = fields_upright(&upright, &straight);
    for f in &mut out {
        f.label_bbox = turn.back(&f.label_bbox);
        match &mut f.input {
            FieldInput::Text { bbox, .. } => *bbox = turn.back(bbox),
            FieldInput::Date(parts) => {
                for p in parts {
                    p.bbox = turn.back(&p.bbox);
                }
            }
            FieldInput::Checkboxes(opts) => {
                for o in opts {
                    o.bbox = turn.back(&o.bbox);
                    o.text_bbox = o.text_bbox.map(|b| turn.back(&b));
                }
            }
            FieldInput::Missing => {}
        }
    }
    out
}

/// A date part found in the drawing: the box it is written in and the text that names it.
struct PartSeen {
    part: Part,
    width: usize,
    region: usize,
    naming: Option<usize>,
}

fn center(b: &BBox) -> [f32; 2] {
    [(b[0] + b[2]) / 2.0, (b[1] + b[3]) / 2.0]
}

fn inside(b: &BBox, outer: &BBox) -> bool {
    let c = center(b);
    c[0] > outer[0] && c[0] < outer[2] && c[1] > outer[1] && c[1] < outer[3]
}

/// Whether text stands in the middle of a box across, as a placeholder does.
fn centred_in(b: &BBox, outer: &BBox) -> bool {
    (center(b)[0] - center(outer)[0]).abs() <= 0.15 * (outer[2] - outer[0])
}

/// The fields of a page whose text runs level.
fn fields_upright(page: &Page, gray: &GrayImage) -> Vec<Field> {
    // Graph paper's grid is the paper, not boxes to write in.
    let gridless = regions::without_grid(gray);
    let gray = gridless.as_ref().unwrap_or(gray);
    let text_h = layout::median_height(&page.lines);
    // Boxes drawn as four corner ticks; what the OCR read of the ticks is no text.
    let (corners, ticks) = regions::corner_boxes(gray, text_h);
    let read = page;
    let unticked;
    let page = if ticks.is_empty() {
        page
    } else {
        let tick = |l: &crate::ocr::Line| {
            l.text.trim().chars().count() <= 2
                && ticks
                    .iter()
                    .any(|t| geom::intersection(t, &l.bbox) >= 0.5 * geom::area(t))
        };
        // (`blocks` index the lines as read: text by blocks comes from `read`.)
        unticked = Page {
            lines: page.lines.iter().filter(|l| !tick(l)).cloned().collect(),
            blocks: Vec::new(),
            ..page.clone()
        };
        &unticked
    };
    let mut regions = regions::find(gray, &page.lines, text_h);
    for c in corners {
        // Not over a box found already, nor round boxes found already (a scan's blur can cut
        // the outer corners of a date's part boxes into tick-like pieces).
        if !regions.iter().any(|r| {
            let both = geom::intersection(&r.bbox, &c);
            both > 0.5 * geom::area(&c) || both > 0.5 * geom::area(&r.bbox)
        }) {
            regions.push(Region {
                kind: RegionKind::Box,
                bbox: c,
            });
        }
    }
    let segs = segments(page, &regions, text_h);
    let mut used = vec![false; segs.len()];
    let mut region_used = vec![false; regions.len()];
    // A placeholder or printed format inside a box makes the box an input (not a label cell).
    let mut writable: Vec<bool> = regions
        .iter()
        .map(|r| matches!(r.kind, RegionKind::Box | RegionKind::Underline))
        .collect();
    // Leaders: a rule from a label to the input at its other end ("Name ........ [    ]",
    // "Title ........ ○ Mr ○ Ms"). It is neither an input nor a wall between the two. What
    // follows it is a box or checkbox near its row, or a rule lower down (three blanks of
    // a date lie on one level, each followed by the next). It starts right after its label.
    let paper = regions::paper_level(gray);
    let ink_at = regions::ink_on(paper);
    let leader: Vec<bool> = regions
        .iter()
        .enumerate()
        .map(|(r, reg)| {
            let l = &reg.bbox;
            let row_y = l[3] - 0.5 * text_h;
            let row = [l[0], l[3] - text_h, l[2], l[3] + 2.0];
            // (A scan's blur leaves a leader's dots dark only in pieces, the rest grey, with
            // no text on the way: a piece is joined to what it runs on to.)
            let joined = |x0: f32, x1: f32| grey_dots(gray, paper, &segs, [x0, l[1], x1, l[3]]);
            let labelled = segs.iter().any(|sg| {
                let b = &sg.bbox;
                geom::v_overlap(b, &row) > 0.3
                    && b[2] <= l[0] + 4.0
                    && (l[0] - b[2] <= 2.0 * text_h || joined(b[2] + 2.0, l[0] - 2.0))
            });
            // Leaders are dotted (half ink, clean or scanned); solid rules are inputs.
            let dotted = || regions::rule_coverage(gray, l, ink_at) < 0.75;
            reg.kind == RegionKind::Underline
                && labelled
                && dotted()
                && regions.iter().enumerate().any(|(q, o)| {
                    let b = &o.bbox;
                    let kind = match o.kind {
                        RegionKind::Box | RegionKind::Checkbox => true,
                        RegionKind::TextCell => b[2] - b[0] <= 4.0 * text_h,
                        RegionKind::Underline => b[3] - l[3] >= 0.3 * text_h,
                        RegionKind::Blank => false,
                    };
                    let near_row = ((b[1] + b[3]) / 2.0 - row_y).abs() <= 2.0 * text_h;
                    let reaches = b[0] - l[2] <= 3.0 * text_h || joined(l[2], b[0] - 2.0);
                    q != r && kind && near_row && b[0] >= l[2] - 2.0 && reaches
                })
        })
        .collect();
    for (w, &l) in writable.iter_mut().zip(&leader) {
        if l {
            *w = false;
        }
    }
    // A cell with one rule drawn across it is written on the rule: the rule is the input.
    // (Two rules or more are lines of one answer written in the box.)
    for r in 0..regions.len() {
        let b = regions[r].bbox;
        if regions[r].kind != RegionKind::Box || !writable[r] {
            continue;
        }
        let mut rules = (0..regions.len()).filter(|&u| {
            let ub = &regions[u].bbox;
            regions[u].kind == RegionKind::Underline
                && writable[u]
                && ub[0] >= b[0] - 2.0
                && ub[2] <= b[2] + 2.0
                && ub[3] > b[1]
                && ub[3] <= b[3] + 2.0
        });
        if let (Some(u), None) = (rules.next(), rules.next()) {
            let ub = &regions[u].bbox;
            if ub[2] - ub[0] >= 0.6 * (b[2] - b[0]) && ub[3] - b[1] >= 1.2 * text_h {
                writable[r] = false;
            }
        }
    }
    // Row separators: a rule under a whole row, its label and the box or options beside it
    // ("Name:  [      ]" over "────────────"), closes the row; it is no line to write on.
    for (r, reg) in regions.iter().enumerate() {
        let u = &reg.bbox;
        if reg.kind != RegionKind::Underline {
            continue;
        }
        let band = |b: &BBox| {
            b[3] <= u[3] + 2.0
                && u[3] - b[3] <= 2.5 * text_h
                && b[0] >= u[0] - 2.0
                && b[2] <= u[2] + 2.0
        };
        // (A cell holding only a format's placeholder, "[ YYYY/MM/DD ]", is a box too.)
        let placeholder = |o: &Region| {
            o.kind == RegionKind::TextCell
                && segs
                    .iter()
                    .any(|sg| inside(&sg.bbox, &o.bbox) && printed_format(&sg.text).is_some())
        };
        let boxed = regions.iter().find(|o| {
            (matches!(o.kind, RegionKind::Box | RegionKind::Checkbox) || placeholder(o))
                && band(&o.bbox)
                && u[3] - o.bbox[3] <= 2.0 * text_h
        });
        let Some(o) = boxed else { continue };
        // A rule with its own label before it on its row is that label's line.
        let labelled = segs.iter().any(|sg| {
            let b = &sg.bbox;
            geom::v_overlap(b, u) > 0.5 && b[2] <= u[0] + 4.0 && u[0] - b[2] <= 3.0 * text_h
        });
        if !labelled
            && segs
                .iter()
                .any(|sg| band(&sg.bbox) && sg.bbox[2] <= o.bbox[0])
        {
            writable[r] = false;
        }
    }
    let mut formats: Vec<Option<Format>> = vec![None; regions.len()];
    let mut parts: Vec<PartSeen> = Vec::new();
    // The drawn region (not a checkbox) each segment lies in, the innermost (a part's box in
    // a table cell), found once for both passes.
    let region_of: Vec<Option<usize>> = segs
        .iter()
        .map(|sg| {
            (0..regions.len())
                .filter(|&r| {
                    regions[r].kind != RegionKind::Checkbox && inside(&sg.bbox, &regions[r].bbox)
                })
                .min_by(|&a, &b| {
                    geom::area(&regions[a].bbox).total_cmp(&geom::area(&regions[b].bbox))
                })
        })
        .collect();
    // A format placeholder the segments split ("yyyy" "mm" "dd", the dashes dropped as bits of
    // the rule under them) is one box's format, as the OCR line read it, not three parts.
    for (r, (format, writable)) in formats.iter_mut().zip(writable.iter_mut()).enumerate() {
        let within: Vec<usize> = (0..segs.len())
            .filter(|&i| region_of[i] == Some(r))
            .collect();
        if within.len() < 2 {
            continue;
        }
        let line = page.lines.iter().find(|l| {
            let b = &l.bbox;
            within.iter().all(|&i| inside(&segs[i].bbox, b)) && inside(b, &regions[r].bbox)
        });
        if let Some(text) = line.map(|l| l.text.as_str())
            && let Some(f) = printed_format(text)
        {
            *format = Some(f);
            *writable = true;
            for i in within {
                used[i] = true;
            }
        }
    }
    // A box holds one part's name; several in one region (captions on the paper above a
    // rule, under a row of boxes) name the boxes they are under, not it.
    let names_in = |r: usize| {
        (0..segs.len())
            .filter(|&i| region_of[i] == Some(r) && dates::part_named(&segs[i].text).is_some())
            .count()
    };
    for (i, sg) in segs.iter().enumerate() {
        if used[i] {
            continue;
        }
        let Some(r) = region_of[i] else {
            continue;
        };
        if let Some(f) = printed_format(&sg.text) {
            formats[r] = Some(f);
            writable[r] = true;
            used[i] = true;
        } else if let Some((part, width)) = dates::part_named(&sg.text)
            // A unit alone (年) names the box before it, not the one it is printed in,
            // unless it stands in the middle of a small box, as a placeholder does.
            && (sg.text.chars().any(|c| c.is_ascii_alphabetic()) || {
                let rb = &regions[r].bbox;
                rb[2] - rb[0] <= 5.0 * text_h && centred_in(&sg.bbox, rb)
            })
            && names_in(r) == 1
        {
            parts.push(PartSeen {
                part,
                width,
                region: r,
                naming: Some(i),
            });
            writable[r] = true;
        }
    }
    // A part's box as small as a checkbox with its unit printed in the middle ("[ 日 ]").
    for (i, sg) in segs.iter().enumerate() {
        if used[i] || region_of[i].is_some() {
            continue;
        }
        let Some((part, width)) = dates::part_named(&sg.text) else {
            continue;
        };
        let held = regions.iter().position(|reg| {
            let rb = &reg.bbox;
            reg.kind == RegionKind::Checkbox && inside(&sg.bbox, rb) && centred_in(&sg.bbox, rb)
        });
        if let Some(r) = held
            && !parts.iter().any(|p| p.region == r)
        {
            parts.push(PartSeen {
                part,
                width,
                region: r,
                naming: Some(i),
            });
            writable[r] = true;
        }
    }
    // A printed format right after or under a box, as "[        ] (DD/MM/YYYY)", or right
    // before it ("Format: DD/MM/YYYY [        ]", under a label above both): then the box
    // reaches back over the format for the pairing with its label.
    let mut lead: Vec<Option<BBox>> = vec![None; regions.len()];
    for (i, sg) in segs.iter().enumerate() {
        if used[i] {
            continue;
        }
        let Some(f) = printed_format(&sg.text) else {
            continue;
        };
        // The nearest box it follows, stands under or leads to.
        let mut best: Option<(usize, f32, bool)> = None;
        for (r, reg) in regions.iter().enumerate() {
            if !writable[r] || reg.kind == RegionKind::Checkbox {
                continue;
            }
            let (b, rb) = (&sg.bbox, &reg.bbox);
            let row = geom::v_overlap(b, rb) > 0.5;
            let after = row && b[0] >= rb[2] - 2.0 && b[0] - rb[2] <= 2.0 * text_h;
            let under =
                geom::h_overlap(b, rb) > 0.5 && b[1] >= rb[3] - 2.0 && b[1] - rb[3] <= 1.0 * text_h;
            let leads =
                row && matches!(
                    reg.kind,
                    RegionKind::Box | RegionKind::TextCell | RegionKind::Underline
                ) && b[2] <= rb[0] + 2.0
                    && rb[0] - b[2] <= 2.0 * text_h;
            // A hint line between a label and the box under both ("Use the format
            // yyyy/mm/dd"), starting where the box does or centred over it.
            let over = geom::h_overlap(b, rb) > 0.5
                && b[1] < rb[1]
                && b[3] <= (rb[1] + rb[3]) / 2.0
                && rb[1] - b[3] <= 1.0 * text_h
                && ((b[0] - rb[0]).abs() <= 2.0 * text_h
                    || (center(b)[0] - center(rb)[0]).abs() <= text_h);
            // A box on the hint's row is its box before one it stands under, and that before
            // one under the hint.
            let gap = if after {
                b[0] - rb[2]
            } else if under {
                b[1] - rb[3] + 0.5 * text_h
            } else if leads {
                rb[0] - b[2]
            } else if over {
                (rb[1] - b[3]).max(0.0) + 1.5 * text_h
            } else {
                continue;
            };
            if best.is_none_or(|(_, g, _)| gap < g) {
                best = Some((r, gap, leads && !after && !under));
            }
        }
        if let Some((r, _, leads)) = best {
            formats[r] = Some(f);
            // A hint under a label beside the box ("出生日期" over "(YYYY-MM-DD)", then the
            // box) leaves the box where it is; the label pairs with it across the hint.
            let b = &sg.bbox;
            let under_label = segs.iter().enumerate().any(|(j, o)| {
                let o = &o.bbox;
                j != i
                    && o[3] <= b[1] + 2.0
                    && b[1] - o[3] <= 0.6 * text_h
                    && geom::h_overlap(o, b) > 0.5
                    && geom::v_overlap(o, &regions[r].bbox) > 0.3
            });
            if leads && !under_label {
                lead[r] = Some(sg.bbox);
            }
            used[i] = true;
        }
    }
    // The order another date on the page prints ("Format: MM/DD/YYYY"), if all agree.
    let mut printed_orders = segs.iter().filter_map(|sg| {
        let f = Format::find(&sg.text)?;
        <[Part; 3]>::try_from(f.parts().iter().map(|p| p.0).collect::<Vec<_>>()).ok()
    });
    let page_order = printed_orders
        .next()
        .filter(|first| printed_orders.all(|o| o == *first));
    let all_text: Vec<&str> = read.lines.iter().map(|l| l.text.as_str()).collect();
    let zh = crate::request::language(&all_text.join("\n")) == "zh";
    // A box split into eight cells (a digit comb) with no format printed for it takes a date
    // close up: year-month-day on Chinese pages, else the page's printed order or
    // day-month-year.
    for (r, reg) in regions.iter().enumerate() {
        if formats[r].is_some() || reg.kind != RegionKind::Box {
            continue;
        }
        let b = &reg.bbox;
        let cells: Vec<&BBox> = regions
            .iter()
            .filter(|c| c.kind == RegionKind::Checkbox && inside(&c.bbox, b))
            .map(|c| &c.bbox)
            .collect();
        let covered: f32 = cells.iter().map(|c| c[2] - c[0]).sum();
        if cells.len() == 8
            && covered >= 0.9 * (b[2] - b[0])
            && cells.iter().all(|c| c[3] - c[1] >= 0.8 * (b[3] - b[1]))
        {
            let order = match page_order {
                _ if zh => [Part::Year, Part::Month, Part::Day],
                Some(o) => o,
                None => [Part::Day, Part::Month, Part::Year],
            };
            formats[r] = Some(Format::close_up(order));
        }
    }
    // A square with no option text after it (nothing, or the next part's caption) may be a
    // date part's box drawn square ("Day" over a box as big as a checkbox).
    let optionless: Vec<bool> = regions
        .iter()
        .map(|reg| {
            let cb = &reg.bbox;
            reg.kind == RegionKind::Checkbox
                && !segs.iter().any(|s| {
                    geom::v_overlap(&s.bbox, cb) > 0.4
                        && s.bbox[0] >= cb[2] - 2.0
                        && s.bbox[0] - cb[2] <= 2.5 * text_h
                        && dates::part_named(&s.text).is_none()
                })
        })
        .collect();
    let part_box = |r: usize, writable: &[bool]| writable[r] || optionless[r];
    // Parts named from outside their box: a unit after it (`[  ]年`), a caption above or
    // under it (Day / Month / Year), or a caption before it (`Day [  ]`).
    for (i, sg) in segs.iter().enumerate() {
        let Some((part, width)) = dates::part_named(&sg.text) else {
            continue;
        };
        if used[i] || parts.iter().any(|p| p.naming == Some(i)) {
            continue;
        }
        let unit = sg.text.chars().any(crate::request::is_cjk);
        let b = &sg.bbox;
        let mut best: Option<(usize, f32)> = None;
        for (r, reg) in regions.iter().enumerate() {
            if !part_box(r, &writable) || parts.iter().any(|p| p.region == r) {
                continue;
            }
            let rb = &reg.bbox;
            let row = geom::v_overlap(b, rb) > 0.3;
            let after = row && b[0] >= rb[2] - 3.0 && b[0] - rb[2] <= 1.5 * text_h;
            let before = row && !unit && rb[0] >= b[2] - 3.0 && rb[0] - b[2] <= 1.5 * text_h;
            let cx = center(b)[0];
            // A part's box is a few digits wide: a caption under a long rule is the rule's.
            let column = cx >= rb[0] - 2.0 && cx <= rb[2] + 2.0 && rb[2] - rb[0] <= 6.0 * text_h;
            let above = column && rb[1] >= b[3] - 3.0 && rb[1] - b[3] <= 1.2 * text_h;
            // (A caption hung right under a rule may have its read box reach over the rule.)
            let under = column
                && b[1] >= rb[3] - 3.0f32.max(0.3 * text_h)
                && center(b)[1] > rb[3]
                && b[1] - rb[3] <= 1.2 * text_h;
            let cost = if unit && after {
                (b[0] - rb[2]).abs()
            } else if above || under {
                text_h + (b[1] - rb[3]).abs().min((rb[1] - b[3]).abs())
            } else if before {
                2.0 * text_h + (rb[0] - b[2]).abs()
            } else {
                continue;
            };
            if best.is_none_or(|(_, c)| cost < c) {
                best = Some((r, cost));
            }
        }
        if let Some((r, _)) = best {
            parts.push(PartSeen {
                part,
                width,
                region: r,
                naming: Some(i),
            });
        }
    }
    // Dates: two or three differently named parts side by side on one row.
    parts.sort_by(|a, b| regions[a.region].bbox[0].total_cmp(&regions[b.region].bbox[0]));
    let mut date_groups: Vec<Vec<DatePart>> = Vec::new();
    // What names each group's parts (captions under or over the boxes, units after them):
    // part of the group where its label is looked for.
    let mut date_names: Vec<Option<BBox>> = Vec::new();
    let mut taken = vec![false; parts.len()];
    for a in 0..parts.len() {
        if taken[a] {
            continue;
        }
        let mut group = vec![a];
        for b in a + 1..parts.len() {
            let last = &regions[parts[group[group.len() - 1]].region].bbox;
            let rb = &regions[parts[b].region].bbox;
            if !taken[b]
                && group.len() < 3
                && geom::v_overlap(last, rb) > 0.5
                && rb[0] - last[2] <= 4.0 * text_h
                && group.iter().all(|&g| parts[g].part != parts[b].part)
            {
                group.push(b);
            }
        }
        // Boxes like a part's beside it: as tall, on its row, each with five characters
        // in it at most (a misread placeholder), not yet taken.
        let like = |r: usize, of: &BBox, region_used: &[bool]| {
            let b = &regions[r].bbox;
            let h = of[3] - of[1];
            (part_box(r, &writable) || regions[r].kind == RegionKind::TextCell)
                && !region_used[r]
                && parts.iter().all(|p| p.region != r)
                && geom::v_overlap(b, of) > 0.7
                && ((b[3] - b[1]) - h).abs() <= 0.3 * h
                && segs
                    .iter()
                    .filter(|sg| inside(&sg.bbox, b))
                    .all(|sg| sg.text.chars().count() <= 5)
        };
        let mut extra: Vec<DatePart> = Vec::new();
        // One part named, the others' grey names missed by the OCR: boxes like it on its row
        // are the rest.
        if let [a] = group[..] {
            let named = regions[parts[a].region].bbox;
            let year = parts[a].part == Part::Year;
            let width = |r: usize| regions[r].bbox[2] - regions[r].bbox[0];
            // The nearest box like the named one right after (or before) `from`. (A year's box
            // is at most twice or so a two-digit part's: a box far wider beside a month or a
            // day is another field's.)
            let step = |from: &BBox, after: bool, not: &[usize]| {
                (0..regions.len())
                    .filter(|&r| like(r, &named, &region_used) && !not.contains(&r))
                    .filter(|&r| year || width(r) <= 3.0 * (named[2] - named[0]))
                    .filter(|&r| {
                        let b = &regions[r].bbox;
                        let gap = if after {
                            b[0] - from[2]
                        } else {
                            from[0] - b[2]
                        };
                        (-2.0..=2.5 * text_h).contains(&gap)
                    })
                    .min_by(|&p, &q| {
                        let d = |r: usize| (regions[r].bbox[0] - from[0]).abs();
                        d(p).total_cmp(&d(q))
                    })
            };
            let rest: Option<[(usize, Part); 2]> = if year {
                // "[YYYY] / [  ] / [  ]": the two boxes right after it are month and day (or
                // day and month, as another date on the page prints them), or right before
                // it, day and month.
                [true, false].into_iter().find_map(|after| {
                    let r1 = step(&named, after, &[])?;
                    let r2 = step(&regions[r1].bbox, after, &[r1])?;
                    let (p1, p2) = match (after, page_order) {
                        (true, Some([Part::Year, Part::Day, Part::Month])) => {
                            (Part::Day, Part::Month)
                        }
                        (true, _) => (Part::Month, Part::Day),
                        (false, Some([Part::Month, Part::Day, Part::Year])) => {
                            (Part::Day, Part::Month)
                        }
                        (false, _) => (Part::Month, Part::Day),
                    };
                    Some([(r1, p1), (r2, p2)])
                })
            } else {
                // A grey "M M" read over its boxes: first, "MM [  ] [    ]" is month, day,
                // year and "DD [  ] [    ]" day, month, year; in the middle, the wider box at
                // an end is the year ("[    ] MM [  ]", "[  ] MM [    ]", "[  ] DD [    ]").
                let next = step(&named, true, &[]);
                let then = next.and_then(|r1| step(&regions[r1].bbox, true, &[r1]));
                let before = step(&named, false, &next.into_iter().collect::<Vec<_>>());
                match (parts[a].part, next, then, before) {
                    (Part::Month, Some(r1), Some(r2), _) => {
                        Some([(r1, Part::Day), (r2, Part::Year)])
                    }
                    (Part::Day, Some(r1), Some(r2), _) => {
                        Some([(r1, Part::Month), (r2, Part::Year)])
                    }
                    (Part::Month, Some(r1), None, Some(r0)) if width(r0) > 1.2 * width(r1) => {
                        Some([(r0, Part::Year), (r1, Part::Day)])
                    }
                    (Part::Month | Part::Day, Some(r1), None, Some(r0))
                        if width(r1) > 1.2 * width(r0) =>
                    {
                        let other = if parts[a].part == Part::Month {
                            Part::Day
                        } else {
                            Part::Month
                        };
                        Some([(r0, other), (r1, Part::Year)])
                    }
                    _ => None,
                }
            };
            for (r, part) in rest.into_iter().flatten() {
                region_used[r] = true;
                for (i, sg) in segs.iter().enumerate() {
                    if inside(&sg.bbox, &regions[r].bbox) {
                        used[i] = true;
                    }
                }
                extra.push(DatePart {
                    part,
                    width: if part == Part::Year { 4 } else { 2 },
                    bbox: regions[r].bbox,
                });
            }
        }
        if group.len() + extra.len() < 2 {
            continue;
        }
        // Two parts named and a third box beside or between them whose name the OCR missed
        // ("WYY", or a grey "MM" it did not see).
        if group.len() == 2 {
            let missing = [Part::Year, Part::Month, Part::Day]
                .into_iter()
                .find(|p| group.iter().all(|&g| parts[g].part != *p));
            let first = regions[parts[group[0]].region].bbox;
            let last = regions[parts[group[1]].region].bbox;
            // The nearest such box, a part's width (a wide box before "DD MM" is the
            // field's before it, not the year).
            let gap = |b: &BBox| {
                if b[0] >= last[2] {
                    b[0] - last[2]
                } else if b[2] <= first[0] {
                    first[0] - b[2]
                } else {
                    0.0
                }
            };
            let near = (0..regions.len())
                .filter(|&r| {
                    let b = &regions[r].bbox;
                    // A box with a misread placeholder in it was taken for a label's cell.
                    like(r, &last, &region_used)
                        && b[2] - b[0] <= 6.0 * text_h
                        && ((b[0] >= last[2] && b[0] - last[2] <= 4.0 * text_h)
                            || (b[2] <= first[0] && first[0] - b[2] <= 4.0 * text_h)
                            || (b[0] >= first[2] - 2.0 && b[2] <= last[0] + 2.0))
                })
                .min_by(|&p, &q| gap(&regions[p].bbox).total_cmp(&gap(&regions[q].bbox)));
            if let (Some(part), Some(r)) = (missing, near) {
                region_used[r] = true;
                for (i, sg) in segs.iter().enumerate() {
                    if inside(&sg.bbox, &regions[r].bbox) {
                        used[i] = true;
                    }
                }
                // (Padded as the other two-digit part is: a year's four digits say nothing.)
                let width = if part == Part::Year {
                    4
                } else {
                    group
                        .iter()
                        .filter(|&&g| parts[g].part != Part::Year)
                        .map(|&g| parts[g].width)
                        .max()
                        .unwrap_or(2)
                };
                extra.push(DatePart {
                    part,
                    width,
                    bbox: regions[r].bbox,
                });
            }
        }
        for &g in &group {
            taken[g] = true;
            region_used[parts[g].region] = true;
            if let Some(i) = parts[g].naming {
                used[i] = true;
            }
        }
        let mut g: Vec<DatePart> = group
            .iter()
            .map(|&g| DatePart {
                part: parts[g].part,
                width: parts[g].width,
                bbox: regions[parts[g].region].bbox,
            })
            .chain(extra)
            .collect();
        g.sort_by(|a, b| a.bbox[0].total_cmp(&b.bbox[0]));
        // Digit boxes ("[D][D] [M][M] [Y][Y][Y][Y]", a caption under each run): a part is
        // the run of boxes, sharing borders and as tall, around the box its name found.
        for part in &mut g {
            loop {
                let b = part.bbox;
                let h = b[3] - b[1];
                let next = (0..regions.len()).find(|&r| {
                    let rb = &regions[r].bbox;
                    !region_used[r]
                        && regions[r].kind != RegionKind::Underline
                        && geom::v_overlap(rb, &b) > 0.8
                        && ((rb[3] - rb[1]) - h).abs() <= 3.0
                        && ((rb[0] - b[2]).abs() <= 2.0 || (b[0] - rb[2]).abs() <= 2.0)
                        && rb[2] - rb[0] <= 1.5 * h
                });
                let Some(r) = next else { break };
                region_used[r] = true;
                part.bbox = geom::union(&b, &regions[r].bbox);
            }
            // A box drawn round the run (its joined edges) is the part, not an input of its own.
            for (r, reg) in regions.iter().enumerate() {
                if reg.kind == RegionKind::Box && regions::within(&reg.bbox, &part.bbox) {
                    region_used[r] = true;
                }
            }
        }
        date_groups.push(g);
        date_names.push(
            group
                .iter()
                .filter_map(|&g| parts[g].naming.map(|i| segs[i].bbox))
                .reduce(|u, b| geom::union(&u, &b)),
        );
    }

    // The page's printed order, where every date whose parts are named on the page
    // (placeholders, captions) agrees with it: a form may print "MM/DD/YYYY" for one date
    // and "DD MM YYYY" in another's boxes.
    let agreed_order = page_order.filter(|o| {
        date_groups
            .iter()
            .filter(|g| g.len() == 3)
            .all(|g| g.iter().map(|p| p.part).eq(o.iter().copied()))
    });
    // Three short blanks in a row after a date's label ("___ / ___ / ____") with nothing
    // printed to name them: the widest is the year, the rest go in the page's order
    // (year-month-day on Chinese pages, day-month-year otherwise).
    for (i, sg) in segs.iter().enumerate() {
        if used[i] || !names_a_date(&sg.text) {
            continue;
        }
        let b = &sg.bbox;
        // (A part's box may be drawn square, as big as a checkbox: one with no option text
        // after it, in a run of blanks, is a part.)
        let short = |r: usize| {
            let rb = &regions[r].bbox;
            (writable[r] && regions[r].kind != RegionKind::Checkbox || optionless[r])
                && !region_used[r]
                && rb[2] - rb[0] <= 6.0 * text_h
        };
        // A format printed under the label, right before the blanks ("(dd/mm/yyyy) ___ / ___ /
        // ____" in the box under "Date of birth"): the blanks start after it.
        let hint = |rb: &BBox| {
            segs.iter().position(|o| {
                printed_format(&o.text).is_some()
                    && geom::v_overlap(&o.bbox, rb) > 0.4
                    && (o.bbox[0] - b[0]).abs() <= 2.0 * text_h
                    && o.bbox[2] <= rb[0] + 2.0
                    && rb[0] - o.bbox[2] <= 2.0 * text_h
            })
        };
        // The next blank on a row: `right` starts just after `left`, as tall as `h` (the one
        // the run has already), on its level.
        let next_to = |left: &BBox, right: &BBox, h: f32| {
            geom::v_overlap(left, right) > 0.7
                && ((right[3] - right[1]) - (left[3] - left[1])).abs() <= 0.3 * h
                && right[0] >= left[2] - 2.0
                && right[0] - left[2] <= 2.5 * text_h
        };
        // Under the label. (An underline's area reaches up over the line; its rule is
        // under the label.)
        let below = |r: usize| {
            let rb = &regions[r].bbox;
            if regions[r].kind == RegionKind::Underline {
                rb[3] >= b[3] + 0.5 * text_h
            } else {
                rb[1] >= b[3] - 2.0
            }
        };
        // The first blank: right of the label on its row, or under it.
        let first = (0..regions.len())
            .filter(|&r| short(r))
            .filter(|&r| {
                let rb = &regions[r].bbox;
                // (Further in a column of inputs, with nothing printed between.)
                let clear = || {
                    rb[0] - b[2] < 0.45 * page.width as f32
                        && !segs.iter().enumerate().any(|(j, o)| {
                            j != i
                                && geom::v_overlap(&o.bbox, b) > 0.4
                                && o.bbox[0] >= b[2] - 2.0
                                && o.bbox[2] <= rb[0] + 2.0
                        })
                };
                let right = geom::v_overlap(b, rb) > 0.4
                    && rb[0] >= b[2] - 2.0
                    && (rb[0] - b[2] <= 6.0 * text_h || clear());
                let under = below(r)
                    && rb[1] - b[3] <= 1.5 * text_h
                    && ((rb[0] - b[0]).abs() <= 2.0 * text_h || hint(rb).is_some());
                right || under
            })
            .min_by(|&x, &y| {
                // Beside the label: from its end; under it: from its start (the run starts
                // under the label, not under its end).
                let d = |r: usize| {
                    let rb = &regions[r].bbox;
                    if below(r) {
                        let start = hint(rb).map_or(b[0], |h| segs[h].bbox[2]);
                        (rb[0] - start).abs() + (rb[1] - b[3]).abs()
                    } else {
                        (rb[0] - b[2]).abs() + (rb[1] - b[1]).abs()
                    }
                };
                d(x).total_cmp(&d(y))
            });
        let Some(mut first) = first else { continue };
        // Under the label, the run may start before it (under a question's number).
        while let Some(r) = (0..regions.len()).find(|&r| {
            let (rb, cur) = (&regions[r].bbox, &regions[first].bbox);
            r != first
                && short(r)
                && below(first)
                && next_to(rb, cur, cur[3] - cur[1])
                && rb[0] >= b[0] - 2.0 * text_h
        }) {
            first = r;
        }
        // A blank may be a comb: digit cells (no wider than tall, as wide as each other) side
        // by side sharing their borders ("[ | | | ]"); the blank is the whole comb. (Part boxes
        // a scan's blur runs together are wider than tall.)
        let cell = |r: usize| {
            let b = &regions[r].bbox;
            b[2] - b[0] <= 1.1 * (b[3] - b[1])
        };
        let comb = |r: usize| {
            let mut cells = vec![r];
            let mut span = regions[r].bbox;
            let w = span[2] - span[0];
            let joins = |c: usize, cells: &[usize], span: &BBox| {
                let cb = &regions[c].bbox;
                let h = span[3] - span[1];
                cell(c)
                    && !cells.contains(&c)
                    && short(c)
                    && ((cb[2] - cb[0]) - w).abs() <= 0.15 * w
                    && (cb[0] - span[2]).abs() <= 3.0
                    && geom::v_overlap(cb, span) > 0.9
                    && ((cb[3] - cb[1]) - h).abs() <= 0.1 * h
            };
            if cell(r) {
                while let Some(c) = (0..regions.len()).find(|&c| joins(c, &cells, &span)) {
                    cells.push(c);
                    span = geom::union(&span, &regions[c].bbox);
                }
            }
            (span, cells)
        };
        let mut run = vec![comb(first)];
        while run.len() < 3 {
            let last = run[run.len() - 1].0;
            let next = (0..regions.len())
                .filter(|&r| short(r) && !run.iter().any(|(_, cells)| cells.contains(&r)))
                .filter(|&r| next_to(&last, &regions[r].bbox, last[3] - last[1]))
                .min_by(|&x, &y| regions[x].bbox[0].total_cmp(&regions[y].bbox[0]));
            match next {
                Some(r) => run.push(comb(r)),
                None => break,
            }
        }
        if run.len() < 3 {
            continue;
        }
        // A part is a few digits: a long comb (an ID number's) is no date.
        let digits: Vec<usize> = run.iter().map(|(_, cells)| cells.len()).collect();
        if digits.iter().any(|&n| n > 4) {
            continue;
        }
        let widths: Vec<f32> = run.iter().map(|(span, _)| span[2] - span[0]).collect();
        let widest = (0..3)
            .max_by(|&x, &y| widths[x].total_cmp(&widths[y]))
            .unwrap_or(2);
        let narrow = widths.iter().copied().fold(f32::MAX, f32::min);
        // A format printed with the label ("Date signed (yyyy/mm/dd)"), or before the blanks,
        // gives the order.
        let hinted = hint(&run[0].0);
        let printed_with = hinted.map_or(sg.text.as_str(), |h| segs[h].text.as_str());
        let printed: Option<[Part; 3]> = label_format(printed_with).and_then(|f| {
            f.parts()
                .iter()
                .map(|p| p.0)
                .collect::<Vec<_>>()
                .try_into()
                .ok()
        });
        let order = if let Some(o) = printed {
            o
        } else if widths[widest] < 1.25 * narrow
            && let Some(o) = page_order
        {
            o
        } else if widths[widest] < 1.25 * narrow {
            if zh {
                [Part::Year, Part::Month, Part::Day]
            } else {
                [Part::Day, Part::Month, Part::Year]
            }
        } else if widest == 0 {
            [Part::Year, Part::Month, Part::Day]
        } else if widest == 2 {
            // Day and month are the same width: another date on the page that also ends
            // in the year says which comes first.
            match agreed_order {
                Some(o) if o[2] == Part::Year => o,
                _ => [Part::Day, Part::Month, Part::Year],
            }
        } else {
            continue;
        };
        // (The comb's cells, and the box drawn or found round them; and a box that frames the
        // blanks on their row, with the format before them: it is not another place to write.)
        let all = geom::union(&run[0].0, &run[2].0);
        for (r, reg) in regions.iter().enumerate() {
            let frames = regions::within(&all, &reg.bbox)
                && reg.bbox[3] - reg.bbox[1] <= 2.0 * (all[3] - all[1])
                && reg.kind != RegionKind::Checkbox;
            if frames || run.iter().any(|(span, _)| regions::within(&reg.bbox, span)) {
                region_used[r] = true;
            }
        }
        date_names.push(hinted.map(|h| segs[h].bbox));
        date_groups.push(
            run.iter()
                .zip(order)
                .zip(digits)
                .map(|(((span, _), part), n)| DatePart {
                    part,
                    width: match (n, part) {
                        (2.., _) => n,
                        (_, Part::Year) => 4,
                        _ => 2,
                    },
                    bbox: *span,
                })
                .collect(),
        );
    }

    // Nothing drawn, only room left before each unit ("出生日期：      年    月    日"): the
    // parts are the blank spans between the label and 年, 年 and 月, 月 and 日. The units may
    // stand on the line under the label instead, the year's room starting under the label.
    let unit_glyphs: Vec<(&String, BBox)> = page
        .lines
        .iter()
        .flat_map(|l| {
            let n = l.glyphs.len();
            // A glyph's box is the recogniser's estimate; where the unit starts (or is) its
            // line, the line's box is exact.
            l.glyphs.iter().enumerate().map(move |(k, (g, gb))| {
                let x0 = if k == 0 { l.bbox[0] } else { gb[0] };
                let x1 = if n == 1 { l.bbox[2] } else { gb[2] };
                (g, [x0, gb[1], x1, gb[3]])
            })
        })
        .collect();
    let units_after = |row: &BBox, start: f32, lines_count: bool| -> Vec<BBox> {
        let mut units: Vec<BBox> = Vec::new();
        for unit in ["年", "月", "日"] {
            let from = units.last().map_or(start, |u| u[2]);
            let next = unit_glyphs
                .iter()
                .filter(|(g, gb)| {
                    g.as_str() == unit
                        && geom::v_overlap(gb, row) > 0.5
                        && gb[0] - from >= 0.6 * text_h
                        && gb[0] - from <= 8.0 * text_h
                })
                .map(|(_, gb)| *gb)
                .min_by(|x, y| x[0].total_cmp(&y[0]));
            let Some(u) = next else { break };
            // The blank is paper: no other text in it.
            let span = [from, u[1], u[0], u[3]];
            let clear = !unit_glyphs.iter().any(|(g, gb)| {
                !g.trim().is_empty()
                    && gb[0] > from + 1.0
                    && gb[2] < u[0] - 1.0
                    && geom::v_overlap(gb, &span) > 0.5
            });
            // Nor drawn: no box over or right under it (the units would be captions) and no
            // cell edge in it (the blank would run from a label cell into the next).
            let around = [from, u[1] - text_h, u[0], u[3] + 0.5 * text_h];
            let drawn = regions.iter().any(|r| {
                let rb = &r.bbox;
                if r.kind == RegionKind::Underline {
                    // A blank's own rule under it ("....年").
                    return lines_count
                        && rb[2] - rb[0] <= 1.5 * (u[0] - from)
                        && geom::h_overlap(rb, &span) > 0.5
                        && rb[3] >= u[1]
                        && rb[3] <= u[3] + 0.3 * text_h;
                }
                let holds = rb[0] <= from && rb[2] >= u[0] && rb[1] <= u[1] && rb[3] >= u[3];
                // A row above that runs far past both ends is the table's, not a part's box.
                let row_above =
                    rb[3] <= u[1] && rb[0] < from - 2.0 * text_h && rb[2] > u[2] + 2.0 * text_h;
                geom::intersection(rb, &around) > 0.0 && !holds && !row_above
            });
            if !clear || drawn {
                break;
            }
            units.push(u);
        }
        units
    };
    for (i, sg) in segs.iter().enumerate() {
        if used[i] || !names_a_date(&sg.text) || Format::find(&sg.text).is_some() {
            continue;
        }
        let b = sg.bbox;
        let mut start = b[2];
        let mut units = units_after(&b, start, false);
        // The units in the cell right of the label's ("填表日期： | 年 月 日 |"): the year's
        // room starts at the label cell's right edge, or at the next cell's left edge, and
        // that cell is the date's, not a text input.
        let mut cell = None;
        if units.len() < 3 {
            let own = regions
                .iter()
                .position(|reg| reg.kind == RegionKind::TextCell && inside(&b, &reg.bbox));
            let next = (0..regions.len()).find(|&r| {
                let rb = &regions[r].bbox;
                matches!(regions[r].kind, RegionKind::Box | RegionKind::TextCell)
                    && !region_used[r]
                    && geom::v_overlap(rb, &b) > 0.5
                    && rb[0] >= b[2] - 2.0
                    && rb[0] - b[2] <= 3.0 * text_h
            });
            let edges = own
                .map(|r| (regions[r].bbox[2], None))
                .into_iter()
                .chain(next.map(|r| (regions[r].bbox[0], Some(r))));
            for (edge, r) in edges {
                let found = units_after(&b, edge, false);
                let held = r.is_none_or(|r| found.iter().all(|u| inside(u, &regions[r].bbox)));
                if found.len() == 3 && held {
                    start = edge;
                    units = found;
                    cell = r;
                    break;
                }
            }
        }
        if units.len() < 3 {
            // On the line under the label, nothing before the year's room but paper.
            start = b[0] - 2.0;
            let under = [b[0], b[3], b[2], b[3] + 1.6 * text_h];
            // (Blanks drawn as rules there are found with the rules.)
            units = units_after(&under, start, true);
            let row = units.first().copied();
            let alone = row.is_some_and(|u| {
                u[1] >= b[3] - 0.3 * text_h
                    && !unit_glyphs.iter().any(|(g, gb)| {
                        !g.trim().is_empty()
                            && gb[2] <= u[0]
                            && gb[2] > b[0] - 2.0 * text_h
                            && geom::v_overlap(gb, &u) > 0.5
                    })
            });
            if !alone {
                continue;
            }
        }
        if units.len() < 3 {
            continue;
        }
        let row = if start < b[2] { units[0] } else { b };
        // Blanks drawn as rules before the units were found as named parts already.
        let found = date_groups.iter().flatten().any(|p| {
            geom::v_overlap(&p.bbox, &row) > 0.3 && p.bbox[0] < units[2][2] && p.bbox[2] > start
        });
        if found {
            continue;
        }
        let (top, bottom) = units
            .iter()
            .fold((row[1], row[3]), |(t, d), u| (t.min(u[1]), d.max(u[3])));
        let mut from = start;
        let mut group = Vec::new();
        for (u, part) in units.iter().zip([Part::Year, Part::Month, Part::Day]) {
            group.push(DatePart {
                part,
                width: if part == Part::Year { 4 } else { 2 },
                bbox: [from + 2.0, top, u[0] - 2.0, bottom],
            });
            from = u[2];
        }
        if let Some(r) = cell {
            region_used[r] = true;
        }
        date_groups.push(group);
        date_names.push(None);
    }

    let mut out = Vec::new();
    // A format printed on its own line right under a label ("Date of birth:" over
    // "(MM-DD-YYYY)"), in the label's cell or on the paper, is the label's input's; so is an
    // example the segments split off after it ("出生日期*" "（例: 1988年04月23日)").
    let format_near = |s: &Segment| -> Option<Format> {
        let own = segs.iter().position(|o| o.bbox == s.bbox)?;
        segs.iter().enumerate().find_map(|(j, o)| {
            let (a, b) = (&s.bbox, &o.bbox);
            let under = b[1] >= a[3] - 0.3 * text_h
                && b[1] - a[3] <= 0.6 * text_h
                && geom::h_overlap(a, b) > 0.5;
            let after = geom::v_overlap(a, b) > 0.5 && b[0] >= a[2] - 2.0 && b[0] - a[2] <= text_h;
            // (Under a label on the paper, the format may stand in a rule's writing room.)
            let near_region = region_of[j] == region_of[own]
                || region_of[j].is_some_and(|r| regions[r].kind == RegionKind::Underline);
            let example = |t: &str| example_at(t).is_some();
            if j == own || !near_region {
                None
            } else if under {
                printed_format(&o.text)
            } else if after && (example(&s.text) || example(&format!("_{}", o.text))) {
                label_format(&format!("{} {}", s.text, o.text))
            } else if after {
                printed_format(&o.text)
            } else {
                None
            }
        })
    };
    // A format printed right under a date's box or just after it ("[        ] DD/MM/YYYY",
    // "Format: YYYY-MM-DD" under the box) is that box's.
    let format_by_input = |b: &BBox| -> Option<Format> {
        segs.iter().find_map(|o| {
            let c = &o.bbox;
            let under = c[1] >= b[3] - 0.3 * text_h
                && c[1] - b[3] <= 0.8 * text_h
                && c[0] >= b[0] - text_h
                && c[0] < b[2];
            let after =
                geom::v_overlap(b, c) > 0.5 && c[0] >= b[2] - 2.0 && c[0] - b[2] <= 1.5 * text_h;
            // (The segments may split the format's line where the OCR spaced it.)
            let line = || {
                page.lines
                    .iter()
                    .find(|l| inside(c, &l.bbox))
                    .and_then(|l| printed_format(&l.text))
            };
            (under || after)
                .then(|| printed_format(&o.text).or_else(line))
                .flatten()
        })
    };
    let make = |s: &Segment, input: FieldInput| -> Field {
        let label = clean_label(&Format::strip(&s.text));
        // "本人" (I, ...) names the applicant before a sentence's blank; in a table it is a
        // printed answer ("self", under "relationship").
        let blank = matches!(
            input,
            FieldInput::Text {
                kind: RegionKind::Underline,
                ..
            }
        );
        let key = profile::label_key(&label)
            .filter(|(_, score)| *score >= 0.7)
            .filter(|_| blank || profile::squash(&label) != "本人")
            .map(|(k, score)| (k.to_string(), score));
        let dated = key
            .as_ref()
            .is_some_and(|(k, _)| matches!(k.as_str(), "date" | "date_of_birth"));
        // A format printed in the label ("Date of birth (DD/MM/YYYY)") is the box's format.
        let input = match input {
            FieldInput::Text {
                bbox,
                kind,
                format: None,
            } => FieldInput::Text {
                bbox,
                kind,
                format: label_format(&s.text)
                    .or_else(|| format_near(s))
                    .or_else(|| dated.then(|| format_by_input(&bbox)).flatten()),
            },
            other => other,
        };
        // A format printed after the label is not part of the label's box either: the box
        // keeps the label's share of the characters.
        let mut label_bbox = s.bbox;
        let (all, kept) = (
            s.text.chars().count(),
            Format::strip(&s.text).chars().count(),
        );
        // So is an example printed after it in brackets.
        let kept = example_at(&s.text).map_or(kept, |k| kept.min(s.text[..k].chars().count()));
        if kept < all && kept > 0 {
            label_bbox[2] = s.bbox[0] + (s.bbox[2] - s.bbox[0]) * kept as f32 / all as f32;
        }
        Field {
            label,
            label_bbox,
            input,
            key,
            ocr_confidence: s.confidence,
        }
    };

    // What lies in a date's parts is theirs: placeholders the OCR misread ("MM" read over a
    // comb) and the separators between the parts are no labels, and a comb's cells are no
    // checkboxes.
    for g in &date_groups {
        for p in g {
            for (r, reg) in regions.iter().enumerate() {
                if reg.kind == RegionKind::Checkbox && regions::within(&reg.bbox, &p.bbox) {
                    region_used[r] = true;
                }
            }
        }
        let Some(span) = g.iter().map(|p| p.bbox).reduce(|u, b| geom::union(&u, &b)) else {
            continue;
        };
        // (Within it, give or take a quarter line: a rule's writing area reaches up over the
        // label above it.)
        let slack = 0.25 * text_h;
        for (i, sg) in segs.iter().enumerate() {
            let b = &sg.bbox;
            if b[0] >= span[0] - 2.0
                && b[2] <= span[2] + 2.0
                && b[1] >= span[1] - slack
                && b[3] <= span[3] + slack
            {
                used[i] = true;
            }
        }
    }
    // Paper tinted under a box's blank part: a header bar's, not a place to write.
    let shaded = |b: &BBox| {
        regions::mean_level(gray, b).is_some_and(|m| u16::from(m) + 12 < u16::from(paper))
    };
    // A label at the top-left (or in a bottom corner) of a bordered cell whose rest is empty:
    // the cell is its input.
    // (Or holds only the format printed for it: "Date" over "DD-MM-YYYY" in one cell.)
    for (r, reg) in regions.iter().enumerate() {
        let formatted = writable[r] && formats[r].is_some();
        if reg.kind != RegionKind::TextCell || region_used[r] || (writable[r] && !formatted) {
            continue;
        }
        let within: Vec<usize> = (0..segs.len())
            .filter(|&i| inside(&segs[i].bbox, &reg.bbox) && !(formatted && used[i]))
            .collect();
        let [i] = within[..] else { continue };
        // A box or rule drawn in the cell is where to write, not the cell.
        let holds = regions
            .iter()
            .enumerate()
            .any(|(q, o)| q != r && o.kind != RegionKind::TextCell && inside(&o.bbox, &reg.bbox));
        if used[i] || holds {
            continue;
        }
        let (b, c) = (&segs[i].bbox, &reg.bbox);
        let sh = b[3] - b[1];
        let top = b[1] - c[1];
        let bottom = c[3] - b[3];
        let top_left = b[0] - c[0] <= 1.5 * text_h && top <= 0.9 * text_h.max(sh);
        let room = bottom >= (0.8 * sh).max(2.0 * top);
        // Or in a bottom corner, the room above it (a ledger's small print on the rule).
        let bottom_corner = (b[0] - c[0] <= 1.5 * text_h || c[2] - b[2] <= 1.5 * text_h)
            && bottom <= 0.9 * text_h.max(sh)
            && top >= (0.8 * sh).max(2.0 * bottom);
        // A label cell of a label|input table has its input cell right beside it, about as
        // tall (a small box just inside the next cell, a date part's, is no such cell).
        let beside = regions.iter().enumerate().any(|(q, o)| {
            let cell_high =
                o.kind == RegionKind::Underline || o.bbox[3] - o.bbox[1] >= 0.6 * (c[3] - c[1]);
            q != r
                && matches!(o.kind, RegionKind::Box | RegionKind::Underline)
                && cell_high
                && (o.bbox[0] - c[2]).abs() <= 5.0
                && geom::v_overlap(&o.bbox, c) > 0.6
        });
        // Or at the left of a long box, level with its middle, the box's rest empty ("Email:"
        // printed inside the box it asks for): a label that says it is one, by a colon, or
        // by a key's name in a box well taller than it (a section's header bar in a box may
        // be a key's name too, "Contact address").
        // (A label cell of a table, tinted, is no box to write in.)
        let names = |s: &Segment, cell: &BBox| {
            (regions::ends_in_colon(&s.text)
                || (profile::label_key(&clean_label(&s.text)).is_some()
                    && cell[3] - cell[1] >= 1.3 * (s.bbox[3] - s.bbox[1])))
                && !shaded(&{
                    // (The middle of the blank part: a border may be thick.)
                    let q = 0.25 * (cell[3] - cell[1]);
                    [s.bbox[2] + text_h, cell[1] + q, cell[2] - q, cell[3] - q]
                })
        };
        // (Not a label cell of a table whose next cell holds the options or the answer; the
        // next box may be another field's, with its own label at its left.)
        let left_middle = b[0] - c[0] <= 1.5 * text_h
            && (top - bottom).abs() <= 0.5 * sh.max(text_h)
            && c[2] - b[2] >= (6.0 * text_h).max(1.5 * (b[2] - b[0]))
            && names(&segs[i], c)
            // (The answer may be a box inset in the next cell.)
            && !regions.iter().any(|o| {
                o.kind != RegionKind::Checkbox
                    && o.bbox[0] >= c[2] - 5.0
                    && o.bbox[0] - c[2] <= 5.0f32.max(text_h)
                    && geom::v_overlap(&o.bbox, c) > 0.6
                    && !segs.iter().any(|s| {
                        inside(&s.bbox, &o.bbox)
                            && s.bbox[0] - o.bbox[0] <= 1.5 * text_h
                            && names(s, &o.bbox)
                    })
            });
        if ((top_left && room) || bottom_corner || left_middle) && !beside {
            used[i] = true;
            region_used[r] = true;
            out.push(make(
                &segs[i],
                FieldInput::Text {
                    bbox: *c,
                    kind: RegionKind::Box,
                    format: formats[r].clone(),
                },
            ));
        }
    }

    // Checkbox options: the text right after each box, or, on a row where that leaves the
    // last box bare ("男 Male □   女 Female □", "Yes ○"), the short text right before each.
    let mut checkboxes: Vec<BBox> = regions
        .iter()
        .enumerate()
        .filter(|(r, reg)| reg.kind == RegionKind::Checkbox && !region_used[*r])
        .map(|(_, reg)| reg.bbox)
        .collect();
    checkboxes.sort_by(|a, b| a[1].total_cmp(&b[1]));
    let mut rows: Vec<Vec<BBox>> = Vec::new();
    for cb in checkboxes {
        match rows
            .iter_mut()
            .find(|row| geom::v_overlap(&row[0], &cb) > 0.5)
        {
            Some(row) => row.push(cb),
            None => rows.push(vec![cb]),
        }
    }
    let mut options: Vec<CheckOption> = Vec::new();
    for mut row in rows {
        row.sort_by(|a, b| a[0].total_cmp(&b[0]));
        let assign = |before: bool| -> Vec<Option<usize>> {
            let mut taken: Vec<usize> = Vec::new();
            let mut out = Vec::new();
            for cb in &row {
                let pick = segs
                    .iter()
                    .enumerate()
                    .filter(|(i, s)| {
                        let b = &s.bbox;
                        let side = if before {
                            b[2] <= cb[0] + 2.0
                                && cb[0] - b[2] <= 1.2 * text_h
                                && s.text.chars().count() <= 16
                        } else {
                            b[0] >= cb[2] - 2.0 && b[0] - cb[2] <= 2.5 * text_h
                        };
                        !used[*i] && !taken.contains(i) && geom::v_overlap(b, cb) > 0.4 && side
                    })
                    .min_by(|a, b| {
                        let d = |s: &Segment| {
                            if before {
                                cb[0] - s.bbox[2]
                            } else {
                                s.bbox[0] - cb[2]
                            }
                        };
                        d(a.1).total_cmp(&d(b.1))
                    })
                    .map(|(i, _)| i);
                taken.extend(pick);
                out.push(pick);
            }
            out
        };
        let mut picks = assign(false);
        if picks.last().is_some_and(Option::is_none) {
            let before = assign(true);
            if before.iter().all(Option::is_some) {
                picks = before;
            }
        }
        let lone = row.len() == 1;
        let first = options.len();
        for (cb, pick) in row.iter().zip(picks) {
            let (text, text_bbox) = match pick {
                Some(i) => {
                    used[i] = true;
                    (segs[i].text.clone(), Some(segs[i].bbox))
                }
                None if lone => match listed_option(cb, &page.lines, &regions, text_h) {
                    Some(l) => {
                        // Its line may have been joined with the row under it into one
                        // segment ("Male" over "Female"): that segment is the options'.
                        for (i, s) in segs.iter().enumerate() {
                            if geom::intersection(&s.bbox, &l.bbox) > 0.5 * geom::area(&l.bbox) {
                                used[i] = true;
                            }
                        }
                        (l.text.trim().to_string(), Some(l.bbox))
                    }
                    None => (String::new(), None),
                },
                None => (String::new(), None),
            };
            options.push(CheckOption {
                text,
                text_bbox,
                bbox: *cb,
            });
        }
        // One segment read over the next box too ("○ Male ○ Female" read "Male Female", the
        // second ring not cutting the line): the text past that box is the next option's.
        for k in first..options.len().saturating_sub(1) {
            if options[k + 1].text.is_empty()
                && let Some((a, b)) = split_over_box(&options[k], &options[k + 1].bbox, &page.lines)
            {
                options[k].text = a.0;
                options[k].text_bbox = Some(a.1);
                options[k + 1].text = b.0;
                options[k + 1].text_bbox = Some(b.1);
            }
        }
    }
    // One option read with the next one's marker in its text ("男0女"): two options.
    let options: Vec<CheckOption> = options
        .into_iter()
        .flat_map(|o| {
            let other_box = |tb: &BBox| {
                regions.iter().any(|r| {
                    r.kind == RegionKind::Checkbox && r.bbox != o.bbox && inside(&r.bbox, tb)
                })
            };
            let split = split_at_marker(&o, &page.lines)
                .or_else(|| split_at_faint_marker(&o, &page.lines, gray));
            match split {
                Some(two) if !o.text_bbox.is_some_and(|tb| other_box(&tb)) => two.to_vec(),
                _ => vec![o],
            }
        })
        .collect();
    // Groups: boxes on one row, and rows of boxes stacked under each other.
    let options = {
        let order = layout::row_order(options.iter().map(|o| o.bbox));
        let mut slots: Vec<Option<CheckOption>> = options.into_iter().map(Some).collect();
        order
            .into_iter()
            .filter_map(|k| slots[k].take())
            .collect::<Vec<_>>()
    };
    let mut groups: Vec<Vec<CheckOption>> = Vec::new();
    for o in options {
        let joins = groups.last().is_some_and(|g| {
            let last = &g[g.len() - 1];
            let same_row = geom::v_overlap(&last.bbox, &o.bbox) > 0.5
                && o.bbox[0] - last.bbox[2] < 12.0 * text_h;
            // Stacked rows keep one pitch: a wider gap starts the next group.
            let gap = o.bbox[1] - last.bbox[3];
            let pitch_kept = g.len() < 2 || {
                let prev = &g[g.len() - 2];
                geom::v_overlap(&prev.bbox, &last.bbox) > 0.5
                    || gap <= last.bbox[1] - prev.bbox[3] + 0.3 * text_h
            };
            // (Rows of bare boxes under a header, "Yes No", are each their row's question's.)
            let stacked = (o.bbox[0] - g[0].bbox[0]).abs() < text_h
                && !o.text.is_empty()
                && o.bbox[1] > last.bbox[3]
                && gap < 1.5 * text_h
                && pitch_kept;
            same_row || stacked
        });
        if joins {
            if let Some(g) = groups.last_mut() {
                g.push(o);
            }
        } else {
            groups.push(vec![o]);
        }
    }

    let inputs: Vec<usize> = (0..regions.len())
        .filter(|&r| !region_used[r] && writable[r] && regions[r].kind != RegionKind::Checkbox)
        .collect();
    let cells: Vec<&Region> = regions
        .iter()
        .enumerate()
        .filter(|(r, reg)| reg.kind == RegionKind::TextCell && !writable[*r])
        .map(|(_, reg)| reg)
        .collect();
    let obstacles: Vec<BBox> = regions
        .iter()
        .enumerate()
        .filter(|(r, reg)| (reg.kind != RegionKind::TextCell || writable[*r]) && !leader[*r])
        .map(|(_, reg)| reg.bbox)
        .collect();
    let leaders: Vec<BBox> = regions
        .iter()
        .zip(&leader)
        .filter(|(_, l)| **l)
        .map(|(reg, _)| reg.bbox)
        .collect();
    // The gap between a label and an input on its row, less a leader that runs between them.
    let row_gap = |b: &BBox, tb: &BBox| -> (f32, bool) {
        let gap = (tb[0] - b[2]).max(0.0);
        // The leader (or its pieces, a scan's blur broke it) on the row between the two.
        let on_way: Vec<&BBox> = leaders
            .iter()
            .filter(|l| geom::v_overlap(b, l) > 0.0 && l[0] >= b[2] - 2.0 && l[2] <= tb[0] + 2.0)
            .collect();
        let first = on_way.iter().map(|l| l[0]).fold(f32::MAX, f32::min);
        let reaches = |l: &BBox| {
            tb[0] - l[2] <= 3.0 * text_h
                || grey_dots(gray, paper, &segs, [l[2], l[1], tb[0] - 2.0, l[3]])
        };
        let end = on_way.iter().max_by(|a, c| a[2].total_cmp(&c[2]));
        match end {
            Some(l) if reaches(l) && first - b[2] <= 2.0 * text_h => {
                ((first - b[2]).max(0.0) + (tb[0] - l[2]).max(0.0), true)
            }
            _ => (gap, false),
        }
    };
    let between = |a: &BBox, b: &BBox, skip: &BBox| -> bool {
        // Anything drawn between a label and its input on the same row breaks the pairing.
        obstacles.iter().any(|o| {
            o != skip
                && o[0] >= a[2] - 1.0
                && o[2] <= b[0] + 1.0
                && geom::v_overlap(o, b) > 0.3
                && !inside(o, b)
        })
    };
    let page_w = page.width as f32;

    // Candidate pairs (target, segment, cost): targets are input regions, dates, then
    // checkbox groups.
    let mut pairs: Vec<(usize, usize, f32)> = Vec::new();
    let mut captions: Vec<(usize, usize, f32)> = Vec::new();
    let mut sure_captions: Vec<(usize, usize)> = Vec::new();
    let targets: Vec<BBox> = inputs
        .iter()
        .map(|&r| lead[r].map_or(regions[r].bbox, |h| geom::union(&regions[r].bbox, &h)))
        .chain(date_groups.iter().zip(&date_names).map(|(g, names)| {
            let mut u = g
                .iter()
                .skip(1)
                .fold(g[0].bbox, |u, p| geom::union(&u, &p.bbox));
            // Blanks drawn as rules: what is written sits on the rules, one line high, so a
            // label printed just above them (in a tight table cell) is above, not on, them.
            let rules = g.iter().all(|p| {
                regions
                    .iter()
                    .any(|r| r.kind == RegionKind::Underline && r.bbox == p.bbox)
            });
            if rules {
                u[1] = u[1].max(u[3] - text_h);
                // (A format printed before the rules, on their row, is the group's start.)
                if let Some(n) = names
                    && geom::v_overlap(n, &u) > 0.4
                    && n[2] <= u[0] + 2.0
                {
                    u[0] = n[0];
                }
            } else if let Some(n) = names {
                u = geom::union(&u, n);
            }
            u
        }))
        // A stacked group's label may stand beside any of its rows (the middle one, often).
        // Options with their text first ("男 Male □") start at the text.
        .chain(groups.iter().map(|g| {
            // (Across only: the text's line box stands taller than the box.)
            let with_text = |o: &CheckOption| {
                let b = o.bbox;
                o.text_bbox
                    .map_or(b, |t| [b[0].min(t[0]), b[1], b[2].max(t[2]), b[3]])
            };
            let stacked = g.iter().any(|o| geom::v_overlap(&o.bbox, &g[0].bbox) < 0.5);
            if stacked {
                g.iter()
                    .skip(1)
                    .fold(with_text(&g[0]), |u, o| geom::union(&u, &with_text(o)))
            } else {
                with_text(&g[0])
            }
        }))
        .collect();
    // What a caption under a target is centred under: a row of options as a whole.
    let spans: Vec<BBox> = targets
        .iter()
        .enumerate()
        .map(|(t, tb)| {
            let first_group = inputs.len() + date_groups.len();
            match t.checked_sub(first_group).map(|g| &groups[g]) {
                Some(g) => g.iter().fold(*tb, |u, o| {
                    let u = geom::union(&u, &o.bbox);
                    o.text_bbox.map_or(u, |b| geom::union(&u, &b))
                }),
                None => *tb,
            }
        })
        .collect();
    // A number alone ("7", "3a": a line's or box's number on a tax return) names no field.
    static CODE: LazyLock<Regex> =
        LazyLock::new(|| Regex::new(r"^\d{1,3}[a-zA-Z]?$").expect("static regex"));
    // Nor a time of day alone ("11:24" under a chat's message).
    static CLOCK: LazyLock<Regex> = LazyLock::new(|| {
        Regex::new(r"^(?:[01]?\d|2[0-3])[:：][0-5]\d(?:\s?[AaPp][Mm])?$").expect("static regex")
    });
    for (i, sg) in segs.iter().enumerate() {
        // Nor does a sentence (an instruction over the first box).
        let t = sg.text.trim();
        let sentence = t.ends_with('。') || (t.ends_with('.') && t.split_whitespace().count() >= 6);
        if CODE.is_match(t) || CLOCK.is_match(t) || sentence {
            used[i] = true;
        }
    }
    // Text inside a place to write is its placeholder or example, never a label.
    for (i, sg) in segs.iter().enumerate() {
        if inputs.iter().any(|&r| {
            regions[r].kind != RegionKind::Underline && inside(&sg.bbox, &regions[r].bbox)
        }) {
            used[i] = true;
        }
    }
    // Text on a place's row: mostly level with it, or its middle within the place's height.
    let on_row = |b: &BBox, sp: &BBox| {
        let cy = (b[1] + b[3]) / 2.0;
        geom::v_overlap(b, sp) > 0.5 || (cy > sp[1] && cy < sp[3])
    };
    for (t, tb) in targets.iter().enumerate() {
        for (i, s) in segs.iter().enumerate() {
            if used[i] {
                continue;
            }
            let b = &s.bbox;
            let (gap, led) = row_gap(b, tb);
            let left = b[2] <= tb[0] + 4.0
                && on_row(b, tb)
                && (led || tb[0] - b[2] < 0.45 * page_w)
                && !between(b, tb, tb);
            if left {
                let mut cost = gap / text_h;
                // A label cell right next to the input cell is the surest pairing, however far
                // its text stops short of the cell's edge (but no surer than a header cell
                // that names the field over a column of printed answers).
                if cells.iter().any(|c| {
                    geom::intersection(&c.bbox, b) > 0.5 * geom::area(b)
                        && (c.bbox[2] - tb[0]).abs() <= 5.0
                }) {
                    // (Still ordered by the gap among label cells: a cell further along
                    // the row loses to the one beside the input.)
                    cost = if cost <= 3.0 {
                        cost - 5.0
                    } else {
                        -2.0 + 0.1 * (cost - 3.0)
                    };
                }
                pairs.push((t, i, cost));
                continue;
            }
            // A label shut in a cell of its own writes below it only in that cell or the
            // one right under it, not past the cell's rule.
            let rule = t < inputs.len() && regions[inputs[t]].kind == RegionKind::Underline;
            let drawn_top = if rule { tb[3] - 2.0 } else { tb[1] };
            // (Options written in the cell right under, "□男 □女" under "性别", are in it.)
            let in_cell_under = |c: &BBox| {
                regions.iter().any(|r| {
                    matches!(r.kind, RegionKind::Box | RegionKind::TextCell)
                        && (r.bbox[1] - c[3]).abs() <= 3.0
                        && geom::h_overlap(&r.bbox, c) > 0.5
                        && inside(tb, &r.bbox)
                })
            };
            let shut = cells.iter().any(|c| {
                inside(b, &c.bbox)
                    && drawn_top > c.bbox[3] + 0.3 * text_h
                    && !in_cell_under(&c.bbox)
            });
            // (The room over a rule is a line high; a label printed close over the rule may
            // reach into it, but stands clear of the rule itself.)
            // (A date's boxes found from its units are as high as the units' glyphs, which a
            // scan's skew may lift a few pixels over the label's foot.)
            let units_group = t >= inputs.len() && t < inputs.len() + date_groups.len();
            // (White print on a dark strip that heads its box, the strip the box's top border:
            // the line's box may reach down over the box's top.)
            let reach = if units_group || (!rule && center(b)[1] < tb[1]) {
                (0.25 * text_h).max(4.0)
            } else {
                4.0
            };
            // (A line's read box may run well down into the room where the room is shaded,
            // a grey bar over the rule: its middle stays over the room.)
            let clear = b[3] <= tb[1] + reach
                || (rule
                    && b[1] < tb[1]
                    && (b[3] <= tb[1] + 0.4 * text_h
                        || (center(b)[1] <= tb[1] && b[3] <= tb[1] + 0.6 * text_h))
                    // (With nothing after it on its row over the rule: an input not found
                    // there is its own, and the rule lower down another's, or a footer's.)
                    // (Looked for in the middle of the label's row: its read box may take in
                    // a frame's edge over it.)
                    && (tb[2] <= b[2] + text_h || {
                        let q = 0.25 * (b[3] - b[1]);
                        let row = [b[2] + text_h, b[1] + q, tb[2], b[3] - q];
                        regions::ink_share(gray, &row, ink_at) < 0.005
                    }));
            // Other text between the two, under the label (a note in a panel between a label
            // and a rule lower down), hides the input from it. (Not a hint or a format
            // printed under the label for the input below, nor text already placed: the
            // captions naming a date's parts, a placeholder.)
            // (Over a rule, text in the room above it stands between; over a box or options,
            // only text above their top.)
            let mid = if rule { (tb[1] + tb[3]) / 2.0 } else { tb[1] };
            let hidden = || {
                segs.iter().enumerate().any(|(j, o)| {
                    let ob = &o.bbox;
                    let cy = (ob[1] + ob[3]) / 2.0;
                    j != i
                        && !used[j]
                        && cy > b[3]
                        && cy < mid
                        && !inside(ob, tb)
                        && geom::h_overlap(ob, b) > 0.3
                        && printed_format(&o.text).is_none()
                        && !bracketed(&o.text)
                })
            };
            // (Nor past another row's box or cell drawn between the two: a column's header
            // over the first row is no label for the second.)
            let row_between = || {
                regions.iter().any(|r| {
                    let rb = &r.bbox;
                    matches!(r.kind, RegionKind::Box | RegionKind::TextCell)
                        && rb[1] >= b[3] - 2.0
                        && rb[3] <= tb[1] + 2.0
                        && rb[3] - rb[1] >= 0.8 * text_h
                        && geom::h_overlap(rb, tb) > 0.5
                })
            };
            let above = clear
                && !shut
                && tb[1] - b[3] <= 2.2 * text_h
                && b[0] >= tb[0] - 1.5 * text_h
                && b[0] <= tb[0] + 0.5 * (tb[2] - tb[0]).max(4.0 * text_h)
                && !hidden()
                && !row_between();
            if above {
                // A header cell right over the input cell, of the same column, that names a
                // field ("出生日期：" over the first row of a household table) is as sure as a
                // label cell beside it.
                // (Not a label cell with its input cell beside it, in a label | input table.)
                let header = cells.iter().any(|c| {
                    let c = &c.bbox;
                    inside(b, c)
                        && (c[0] - tb[0]).abs() <= 5.0
                        && (c[2] - tb[2]).abs() <= 5.0
                        && (c[3] - tb[1]).abs() <= 5.0
                        && !inputs.iter().any(|&r| {
                            let o = &regions[r].bbox;
                            (o[0] - c[2]).abs() <= 5.0 && geom::v_overlap(o, c) > 0.6
                        })
                }) && (s.text.trim_end().ends_with([':', '：'])
                    || profile::label_key(&clean_label(&s.text)).is_some_and(|(_, k)| k >= 0.9))
                    // (An input cell with text of its own holds its own label.)
                    && !segs.iter().any(|o| inside(&o.bbox, tb));
                // (Reaching into the room is less sure than standing over it.)
                let cost =
                    0.5 + (tb[1] - b[3]).abs() / text_h + (b[0] - tb[0]).abs() / (4.0 * text_h);
                pairs.push((t, i, if header { cost - 5.0 } else { cost }));
                continue;
            }
            // A question over its answer set off to the right (a chat's question in a bubble
            // at the left, the reply's box or chips under it at the right): the label alone on
            // its row, the answer alone on its own, nothing between them.
            let slot = clear
                && !shut
                && b[3] <= tb[1] + 4.0
                && tb[1] - b[3] <= 2.2 * text_h
                && b[0] < tb[0]
                && tb[2] > b[2] + 2.0 * text_h
                && !row_between()
                && {
                    let span = [b[0].min(tb[0]), b[1], tb[2], tb[3]];
                    let label_row = [b[2] + 2.0, b[1], tb[2], b[3]];
                    let slot_row = [0.0, tb[1], tb[0] - 2.0, tb[3]];
                    let own = |o: &BBox| inside(o, tb) || inside(o, &spans[t]);
                    let on_rows = |o: &BBox| {
                        [label_row, slot_row]
                            .iter()
                            .any(|r| geom::v_overlap(o, r) > 0.3 && geom::intersection(o, r) > 0.0)
                    };
                    !segs.iter().enumerate().any(|(j, o)| {
                        let ob = &o.bbox;
                        let cy = (ob[1] + ob[3]) / 2.0;
                        j != i
                            && !own(ob)
                            && !CLOCK.is_match(o.text.trim())
                            && ((cy > b[3] && cy < tb[1] && geom::h_overlap(ob, &span) > 0.0)
                                || on_rows(ob))
                    }) && !obstacles.iter().any(|o| !own(o) && *o != *tb && on_rows(o))
                };
            if slot {
                let cost = 1.5 + (tb[1] - b[3]).abs() / text_h;
                pairs.push((t, i, cost));
                continue;
            }
            // A caption tight under a rule, at its start or centred under it ("________"
            // over "Full name" or "(Full name)"), or so under a group of options or a date's
            // boxes: a short name (a label of the next row stands a line's spacing lower).
            let from_start = (b[0] - tb[0]).abs();
            let from_centre = (center(b)[0] - center(&spans[t])[0]).abs();
            // (Centred text is centred to a few pixels; a label at the start of the next
            // column may stand near the middle of a long rule above it.)
            let centred = from_centre <= 0.6 * text_h + 0.02 * (spans[t][2] - spans[t][0]);
            let drawn = rule || t >= inputs.len();
            let caption = drawn
                && b[1] >= tb[3] - 2.0
                && b[1] - tb[3] <= 0.5 * text_h
                && (from_start <= 1.5 * text_h || centred)
                && b[2] <= spans[t][2] + 1.5 * text_h
                && b[0] >= tb[0] - 1.5 * text_h
                && s.text.split_whitespace().count() <= 5
                && s.text.chars().count() <= 30
                // Not a sentence, a page number or a phone line (a footer under its rule),
                && !s.text.contains(['。', '，', ','])
                && s.text.chars().filter(char::is_ascii_digit).count() <= 2
                // and with more of the form under it (a footer is the last thing on a page,
                // and is not bracketed as a caption may be),
                && (bracketed(&s.text) || targets.iter().any(|o| o[1] > b[3]))
                // but no rule a line or so under it, which it would be the label above;
                // unless it is printed as a caption is and a label is not: in brackets, or
                // centred under a rule it does not start.
                && (bracketed(&s.text)
                    || (from_start > 1.5 * text_h && centred)
                    || !inputs.iter().any(|&r| {
                    let o = &regions[r].bbox;
                    regions[r].kind == RegionKind::Underline
                        && geom::h_overlap(o, b) > 0.5
                        && o[3] > b[3]
                        && o[3] - b[3] <= 2.0 * text_h
                }));
            if caption {
                // Printed as only a caption is (in brackets, or centred under a rule it does
                // not start), it labels nothing else.
                if bracketed(&s.text) || (centred && from_start > 1.5 * text_h) {
                    sure_captions.push((t, i));
                }
                captions.push((
                    t,
                    i,
                    1.0 + (b[1] - tb[3]).max(0.0) / text_h
                        + from_start.min(from_centre) / (4.0 * text_h),
                ));
            }
        }
    }
    // Captions printed under their rules on two rules or more make the page's layout: they
    // compete with the labels above, and so do captions under options and dates. (One is a
    // footer's or a panel's rule.)
    let mut ruled: Vec<usize> = captions
        .iter()
        .map(|c| c.0)
        .filter(|&t| t < inputs.len())
        .collect();
    ruled.sort_unstable();
    ruled.dedup();
    if ruled.len() >= 2 {
        // On such a page a caption printed as one is what it is: it labels nothing above
        // or beside it, and the place it captions takes no label from above (the caption of
        // the row over it, or a sentence). (One at a rule's start may be the label above the
        // next row instead: those compete by distance.)
        let captioning: Vec<usize> = sure_captions.iter().map(|c| c.1).collect();
        let captioned: Vec<usize> = sure_captions.iter().map(|c| c.0).collect();
        pairs.retain(|&(t, i, _)| {
            let above = segs[i].bbox[3] <= targets[t][1] + 4.0;
            !(captioning.contains(&i) || (captioned.contains(&t) && above))
        });
        pairs.extend(captions);
    }
    // Labels printed right of their inputs ("[            ] First name", "○ Male ○ Female
    // Gender"): a page printed so has inputs with a field's name just after them and nothing
    // before them on their row, on two rows or more, and no more inputs the other way round.
    // (A unit after a box, "kg", names no field.)
    let mut rights: Vec<(usize, usize, f32)> = Vec::new();
    let (mut right_named, mut left_only) = (0, 0);
    // (And rows start with an input more often than with a label: on a page whose rows
    // start with labels, a label after a box starts the row's next field.)
    let (mut label_first, mut box_first) = (0, 0);
    for (t, sp) in spans.iter().enumerate() {
        let after = segs
            .iter()
            .enumerate()
            .filter(|&(i, sg)| {
                let b = &sg.bbox;
                !used[i]
                    && on_row(b, sp)
                    && b[0] >= sp[2] - 2.0
                    && b[0] - sp[2] <= 2.0 * text_h
                    && sg.text.split_whitespace().count() <= 5
                    && !sg.text.contains(['。', '，', ','])
                    // A colon points at what follows it: "Given name(s):" after a rule is
                    // the next field's label.
                    && !sg.text.trim_end().ends_with([':', '：'])
            })
            .min_by(|a, b| a.1.bbox[0].total_cmp(&b.1.bbox[0]));
        let before = segs.iter().enumerate().any(|(i, sg)| {
            let b = &sg.bbox;
            !used[i] && on_row(b, sp) && b[2] <= sp[0] + 2.0 && sp[0] - b[2] <= 3.0 * text_h
        });
        // The row's first input: with a label or with nothing before it.
        let first = !spans
            .iter()
            .any(|o| o != sp && on_row(o, sp) && o[2] <= sp[0] + 2.0);
        if first {
            let labelled = segs
                .iter()
                .enumerate()
                .any(|(i, sg)| !used[i] && on_row(&sg.bbox, sp) && sg.bbox[2] <= sp[0] + 2.0);
            if labelled {
                label_first += 1;
            } else {
                box_first += 1;
            }
        }
        match after {
            Some((i, sg)) => {
                if !before
                    && profile::label_key(&clean_label(&sg.text)).is_some_and(|(_, k)| k >= 0.9)
                {
                    right_named += 1;
                }
                rights.push((t, i, (sg.bbox[0] - sp[2]).max(0.0) / text_h - 1.0));
            }
            None if before => left_only += 1,
            None => {}
        }
    }
    if right_named >= 2 && right_named >= left_only && box_first >= label_first {
        pairs.extend(rights);
    }
    // A label that names a date goes to the place printed for one (a format's placeholder
    // in it, a date's parts) before a plain box about as near.
    let dated = |t: usize| match t.checked_sub(inputs.len()) {
        None => formats[inputs[t]].is_some(),
        Some(d) => d < date_groups.len(),
    };
    for p in &mut pairs {
        if dated(p.0) && names_a_date(&segs[p.1].text) {
            p.2 -= 1.0;
        }
    }
    pairs.sort_by(|a, b| a.2.total_cmp(&b.2));
    let mut target_label: Vec<Option<usize>> = vec![None; targets.len()];
    for (t, i, _) in pairs {
        if target_label[t].is_none() && !used[i] {
            target_label[t] = Some(i);
            used[i] = true;
        }
    }

    // A bilingual label printed in two lines ("姓名" over "Name"): the pairing took the line
    // nearer the input; the other, in the other script, right over or under it and not taken,
    // is the rest of the label.
    let cjk = |s: &Segment| s.text.chars().any(crate::request::is_cjk);
    let latin = |s: &Segment| s.text.chars().any(|c| c.is_ascii_alphabetic());
    let mut labels: Vec<Option<Segment>> = vec![None; targets.len()];
    for (t, label) in target_label.iter().enumerate() {
        let Some(i) = *label else { continue };
        let (b, tb) = (&segs[i].bbox, &targets[t]);
        let over_input = b[3] <= tb[1] + 4.0;
        let other = (0..segs.len()).find(|&j| {
            let o = &segs[j].bbox;
            // Line boxes of stacked lines may overlap by a few pixels.
            let slack = 0.3 * (b[3] - b[1]);
            let above = o[1] < b[1] && o[3] <= b[1] + slack;
            let below = o[3] > b[3] && o[1] >= b[3] - slack;
            let gap = if above { b[1] - o[3] } else { o[1] - b[3] };
            !used[j]
                && (above || (below && !over_input))
                && gap <= 0.6 * text_h
                && (o[0] - b[0]).abs() <= text_h
                && o[2] - o[0] <= 3.0 * (b[2] - b[0]).max(2.0 * text_h)
                && ((cjk(&segs[i]) && latin(&segs[j]) && !cjk(&segs[j]))
                    || (cjk(&segs[j]) && latin(&segs[i]) && !cjk(&segs[i]))
                    // A label wrapped onto a second line beside the same input ("Emergency"
                    // over "contact:"): the first line does not end the label.
                    || (below
                        && !over_input
                        && !segs[i].text.trim_end().ends_with([':', '：'])
                        && geom::v_overlap(o, tb) > 0.5
                        && segs[j].text.split_whitespace().count() <= 3)
                    // Or the pairing took the second line ("number:" under "Contact").
                    || (above
                        && !segs[j].text.trim_end().ends_with([':', '：'])
                        && geom::v_overlap(o, tb) > 0.5
                        && segs[j].text.split_whitespace().count() <= 3))
        });
        labels[t] = Some(match other {
            Some(j) => {
                used[j] = true;
                let (top, low) = if segs[j].bbox[1] < b[1] {
                    (j, i)
                } else {
                    (i, j)
                };
                Segment {
                    text: format!("{} {}", segs[top].text, segs[low].text),
                    bbox: geom::union(&segs[top].bbox, &segs[low].bbox),
                    confidence: segs[i].confidence.min(segs[j].confidence),
                }
            }
            None => segs[i].clone(),
        });
    }
    for (t, label) in labels.iter().enumerate() {
        let Some(seg) = label else { continue };
        let input = if t < inputs.len() {
            let r = inputs[t];
            let mut bbox = regions[r].bbox;
            // A line to write on beside its label on the same row ("NAME: ________") is
            // written in the label's line: no higher than a little over the label's top.
            let l = &seg.bbox;
            if regions[r].kind == RegionKind::Underline
                && l[2] <= bbox[0] + 4.0
                && l[3] >= bbox[3] - 0.5 * text_h
                && l[1] < bbox[3]
            {
                bbox[1] = bbox[1].max(l[1] - 0.2 * text_h);
            }
            FieldInput::Text {
                bbox,
                kind: match regions[r].kind {
                    RegionKind::TextCell => RegionKind::Box,
                    k => k,
                },
                format: formats[r].clone(),
            }
        } else if t < inputs.len() + date_groups.len() {
            FieldInput::Date(date_groups[t - inputs.len()].clone())
        } else {
            FieldInput::Checkboxes(groups[t - inputs.len() - date_groups.len()].clone())
        };
        out.push(make(seg, input));
    }
    // Labels that end in a colon and name a known field, with nothing found to write in. On a
    // page printed without lines (at most two boxes, cells or rules: a signature's, a photo's)
    // the value goes in the blank paper after the label; on a page with lines, the label's
    // input is one that was not read (a date's parts, options), not the paper beside it.
    let drawn = regions
        .iter()
        .filter(|r| {
            matches!(
                r.kind,
                RegionKind::Box | RegionKind::TextCell | RegionKind::Underline
            )
        })
        .count();
    let lineless = drawn <= 2;
    for (i, s) in segs.iter().enumerate() {
        if used[i] {
            continue;
        }
        let t = s.text.trim_end();
        if !profile::label_key(&clean_label(t)).is_some_and(|(_, score)| score >= 0.9) {
            continue;
        }
        // Options printed as text after it, each behind a marker ("Sex: ( ) Male ( ) Female").
        if let Some(opts) = typed::after_label(&s.bbox, &page.lines, gray, ink_at, text_h) {
            out.push(make(s, FieldInput::Checkboxes(opts)));
            continue;
        }
        // (The colon may come before a format printed after it: "Date of birth: (D MMM YYYY)".)
        let bare = Format::strip(t);
        if [t, bare.as_str()]
            .iter()
            .any(|t| t.ends_with(':') || t.ends_with('：'))
        {
            let blank = lineless
                .then(|| blank_after(i, &segs, &regions, page, gray, ink_at, text_h))
                .flatten();
            let input = match blank {
                Some(bbox) => FieldInput::Text {
                    bbox,
                    kind: RegionKind::Blank,
                    format: label_format(&s.text),
                },
                None => FieldInput::Missing,
            };
            out.push(make(s, input));
        }
    }
    given_name(&mut out);
    let order = layout::row_order(out.iter().map(|f| f.label_bbox));
    let mut slots: Vec<Option<Field>> = out.into_iter().map(Some).collect();
    order.into_iter().filter_map(|k| slots[k].take()).collect()
}

/// Whether `gap` (a stretch of a leader's row) holds the grey of dots a scan blurred and no
/// text: a leader's pieces are joined across it.
fn grey_dots(gray: &GrayImage, paper: u8, segs: &[Segment], gap: BBox) -> bool {
    gap[2] > gap[0]
        && regions::rule_coverage(gray, &gap, paper.saturating_sub(20)) >= 0.2
        && !segs
            .iter()
            .any(|sg| geom::intersection(&sg.bbox, &gap) > 0.0)
}

/// A list's row: a lone box at the row's right with its option's short text at the left
/// ("Male ............ □"), nothing drawn or printed between them.
fn listed_option<'a>(
    cb: &BBox,
    lines: &'a [crate::ocr::Line],
    regions: &[Region],
    text_h: f32,
) -> Option<&'a crate::ocr::Line> {
    let l = lines
        .iter()
        .filter(|l| {
            geom::v_overlap(&l.bbox, cb) > 0.5
                && l.bbox[2] <= cb[0] + 2.0
                && cb[0] - l.bbox[2] <= 15.0 * text_h
                && l.bbox[3] - l.bbox[1] <= 1.6 * text_h
        })
        .max_by(|a, b| a.bbox[2].total_cmp(&b.bbox[2]))?;
    let text = l.text.trim();
    let between = [l.bbox[2], cb[1], cb[0], cb[3]];
    let clear = !regions.iter().any(|r| {
        r.bbox != *cb && geom::intersection(&r.bbox, &between) > 0.0 && r.bbox[0] >= l.bbox[2]
    });
    (clear && !text.is_empty() && text.chars().count() <= 24 && !regions::ends_in_colon(text))
        .then_some(l)
}

/// On a page that asks for the surname on its own, a bare "Name" / "名字" beside it asks for
/// the given name ("Surname ____ Name ____", "姓氏 ____ 名字 ____").
fn given_name(fields: &mut [Field]) {
    let has = |k: &str| {
        fields
            .iter()
            .any(|f| f.key.as_ref().is_some_and(|(key, _)| key == k))
    };
    if !has("last_name") || has("first_name") {
        return;
    }
    for f in fields.iter_mut() {
        let bare = matches!(
            profile::normalize(&f.label).as_str(),
            "name" | "名字" | "名" | "nom"
        );
        if let Some((key, _)) = &mut f.key
            && key == "name"
            && bare
        {
            *key = "first_name".into();
        }
    }
}

/// Blank paper after label `i`, which names a field and has nothing drawn to write in
/// ("Name:" and white space to the column's end, on a form printed without lines): from the
/// label to the next text or drawing on its row or the next column, or else to the page's right
/// margin (taken as wide as its left one), as tall as a written line. None where that span holds ink or is too
/// short to write a value in.
fn blank_after(
    i: usize,
    segs: &[Segment],
    regions: &[Region],
    page: &Page,
    gray: &GrayImage,
    ink_at: u8,
    text_h: f32,
) -> Option<BBox> {
    let l = &segs[i].bbox;
    let row = |b: &BBox| geom::v_overlap(b, l) > 0.3 && b[0] >= l[2] - 2.0;
    let next = segs
        .iter()
        .enumerate()
        .filter(|&(j, o)| j != i && row(&o.bbox))
        .map(|(_, o)| o.bbox[0])
        .chain(regions.iter().filter(|r| row(&r.bbox)).map(|r| r.bbox[0]))
        .fold(f32::INFINITY, f32::min);
    let left = page
        .lines
        .iter()
        .map(|ln| ln.bbox[0])
        .fold(f32::INFINITY, f32::min);
    let margin = page.width as f32 - left.max(0.0);
    // A column further right (two or more texts on other rows starting at one x) ends it,
    // even on a row where that column is empty.
    let column = segs
        .iter()
        .map(|o| o.bbox[0])
        .filter(|&x| {
            x > l[2] + 4.0 * text_h
                && segs
                    .iter()
                    .filter(|o| (o.bbox[0] - x).abs() <= 3.0 && geom::v_overlap(&o.bbox, l) <= 0.0)
                    .count()
                    >= 2
        })
        .fold(f32::INFINITY, f32::min);
    let x1 = (next.min(column) - text_h).min(margin);
    let x0 = l[2] + 0.5 * text_h;
    let half = 0.75 * text_h.max(l[3] - l[1]);
    let cy = (l[1] + l[3]) / 2.0;
    let span = [
        x0,
        (cy - half).max(0.0),
        x1,
        (cy + half).min(page.height as f32),
    ];
    (x1 - x0 >= 4.0 * text_h && regions::ink_share(gray, &span, ink_at) < 0.005).then_some(span)
}

/// A label that asks for a date.
/// The recogniser's box for each character of an option's text (spaces left out), from the
/// line the text was read in; none where the two do not match one to one.
fn option_glyphs<'a>(
    tb: &BBox,
    chars: usize,
    lines: &'a [crate::ocr::Line],
) -> Option<Vec<&'a BBox>> {
    let line = lines
        .iter()
        .find(|l| geom::intersection(&l.bbox, tb) > 0.5 * geom::area(tb))?;
    let glyphs: Vec<&BBox> = line
        .glyphs
        .iter()
        .filter(|(g, gb)| {
            let cx = (gb[0] + gb[2]) / 2.0;
            !g.trim().is_empty() && cx >= tb[0] - 1.0 && cx <= tb[2] + 1.0
        })
        .map(|(_, gb)| gb)
        .collect();
    (glyphs.len() == chars).then_some(glyphs)
}

/// An option's text split at the next box it runs over: (text, box) before and after it.
fn split_over_box(
    o: &CheckOption,
    next: &BBox,
    lines: &[crate::ocr::Line],
) -> Option<((String, BBox), (String, BBox))> {
    let tb = o.text_bbox?;
    if tb[0] >= next[0] || tb[2] <= next[2] {
        return None;
    }
    let chars: Vec<char> = o.text.chars().filter(|c| !c.is_whitespace()).collect();
    let glyphs = option_glyphs(&tb, chars.len(), lines)?;
    let cut = glyphs.iter().position(|g| (g[0] + g[2]) / 2.0 > next[0])?;
    // Every glyph before the box, every one after it: none under it.
    if cut == 0 || glyphs[cut][0] < next[2] - 2.0 || glyphs[cut - 1][2] > next[0] + 2.0 {
        return None;
    }
    // The cut in the text: after `cut` non-space characters.
    let mut seen = 0;
    let at = o.text.char_indices().find_map(|(i, c)| {
        if !c.is_whitespace() {
            seen += 1;
        }
        (seen > cut).then_some(i)
    })?;
    let (a, b) = (o.text[..at].trim(), o.text[at..].trim());
    if a.is_empty() || b.is_empty() {
        return None;
    }
    Some((
        (a.to_string(), [tb[0], tb[1], glyphs[cut - 1][2], tb[3]]),
        (b.to_string(), [glyphs[cut][0], tb[1], tb[2], tb[3]]),
    ))
}

/// An option whose text holds the next option's marker ("男0女", "Male O Female"): a scan
/// left that marker too faint to find and the recogniser read it as a letter. Split there,
/// the second marker where the recogniser placed the letter, as big as the first.
fn split_at_marker(o: &CheckOption, lines: &[crate::ocr::Line]) -> Option<[CheckOption; 2]> {
    const MARKS: &[char] = &['0', 'O', 'o', '〇', '○', '◯', '□', '口'];
    let tb = o.text_bbox?;
    let cb = o.bbox;
    // The marker before its text.
    if cb[2] > tb[0] + 2.0 {
        return None;
    }
    let chars: Vec<char> = o.text.chars().filter(|c| !c.is_whitespace()).collect();
    let glyphs = option_glyphs(&tb, chars.len(), lines)?;
    // One marker letter with a word either side: letters only (CJK ones, or Latin words
    // apart from it: "Male O Female", not the "O" inside "OTHER"; or stuck to the capital
    // of the next word, "M OF").
    let words: Vec<&str> = o.text.split_whitespace().collect();
    let cjk = |c: char| c as u32 >= 0x3400;
    let stuck = |k: usize| {
        words.len() == 2
            && k == words[0].chars().count()
            && chars.get(k + 1).is_some_and(char::is_ascii_uppercase)
    };
    // Or a marker standing as a word of its own between two options of a few words each
    // ("Female o Prefer not to say").
    let lone: Vec<usize> = (1..words.len().saturating_sub(1))
        .filter(|&j| words[j].chars().count() == 1 && words[j].chars().all(|c| MARKS.contains(&c)))
        .collect();
    let (k, a, b) = if let [j] = lone[..]
        && words.len() > 3
    {
        let k: usize = words[..j].iter().map(|w| w.chars().count()).sum();
        let few =
            |ws: &[&str]| ws.len() <= 4 && ws.iter().all(|w| w.chars().all(char::is_alphabetic));
        if !few(&words[..j]) || !few(&words[j + 1..]) {
            return None;
        }
        (k, words[..j].join(" "), words[j + 1..].join(" "))
    } else {
        let found: Vec<usize> = (1..chars.len().saturating_sub(1))
            .filter(|&k| MARKS.contains(&chars[k]))
            .filter(|&k| {
                (cjk(chars[k - 1]) && cjk(chars[k + 1]))
                    || (words.len() == 3 && words[1].chars().count() == 1)
                    || stuck(k)
            })
            .collect();
        let [k] = found[..] else { return None };
        let (a, b): (String, String) =
            (chars[..k].iter().collect(), chars[k + 1..].iter().collect());
        let word = |w: &str| w.chars().count() <= 12 && w.chars().all(char::is_alphabetic);
        if !word(&a) || !word(&b) {
            return None;
        }
        if words.len() == 3 {
            (k, words[0].to_string(), words[2].to_string())
        } else {
            (k, a, b)
        }
    };
    let m = glyphs[k];
    let cx = (m[0] + m[2]) / 2.0;
    let half = (cb[2] - cb[0]) / 2.0;
    Some([
        CheckOption {
            text: a,
            text_bbox: Some([tb[0], tb[1], m[0].min(cx - half), tb[3]]),
            bbox: cb,
        },
        CheckOption {
            text: b,
            text_bbox: Some([m[2].max(cx + half), tb[1], tb[2], tb[3]]),
            bbox: [cx - half, cb[1], cx + half, cb[3]],
        },
    ])
}

/// An option whose text is two options' words ("Male Female", "男女", "男性 女性"): a scan
/// left the second marker too faint to find, and the words ran together. Split where a
/// marker as big as the first is drawn, faint, in the gap before the second word, as far
/// before it as the first marker is before the first word.
fn split_at_faint_marker(
    o: &CheckOption,
    lines: &[crate::ocr::Line],
    gray: &GrayImage,
) -> Option<[CheckOption; 2]> {
    let tb = o.text_bbox?;
    let cb = o.bbox;
    if cb[2] > tb[0] + 2.0 {
        return None;
    }
    let chars: Vec<char> = o.text.chars().filter(|c| !c.is_whitespace()).collect();
    let cjk = |c: &char| *c as u32 >= 0x3400;
    let words: Vec<&str> = o.text.split_whitespace().collect();
    // Where the second word starts, in characters.
    let cut = match words[..] {
        [a, b] if a.chars().all(char::is_alphabetic) && b.chars().all(char::is_alphabetic) => {
            a.chars().count()
        }
        [w] if chars.iter().all(cjk) && matches!(chars.len(), 2 | 4) => w.chars().count() / 2,
        _ => return None,
    };
    let glyphs = option_glyphs(&tb, chars.len(), lines)?;
    if cut == 0 || cut >= chars.len() {
        return None;
    }
    // A glyph's box is the recogniser's guess at its middle; a character is about as wide
    // as the text is high (a CJK one), or a little over half (a Latin capital).
    let h = tb[3] - tb[1];
    let half = |c: &char| if cjk(c) { 0.42 * h } else { 0.3 * h };
    let mid = |g: &BBox| (g[0] + g[2]) / 2.0;
    let first_end = mid(glyphs[cut - 1]) + half(&chars[cut - 1]);
    let second_start = mid(glyphs[cut]) - half(&chars[cut]);
    let (bw, lead) = (cb[2] - cb[0], tb[0] - cb[0]);
    if second_start - first_end < 0.8 * bw {
        return None;
    }
    // The marker's ring is darker than its inside; search a few pixels round the guess.
    let guess = second_start - lead;
    let (w, ht) = (gray.width() as i32, gray.height() as i32);
    let px = |x: i32, y: i32| -> f32 {
        f32::from(gray.get_pixel(x.clamp(0, w - 1) as u32, y.clamp(0, ht - 1) as u32)[0])
    };
    // A square's four sides each darker than its inside (a word's edge darkens one side
    // only), or a circle's ring darker than the paper inside it (round a radio's dot).
    let contrast = |x0: f32| -> f32 {
        let (x0, y0) = (x0.round() as i32, cb[1].round() as i32);
        let (x1, y1) = (x0 + bw.round() as i32, cb[3].round() as i32);
        let mean = |xs: std::ops::RangeInclusive<i32>, ys: std::ops::RangeInclusive<i32>| {
            let (mut sum, mut n) = (0.0, 0.0);
            for y in ys {
                for x in xs.clone() {
                    sum += px(x, y);
                    n += 1.0;
                }
            }
            sum / f32::max(n, 1.0)
        };
        let inner = mean(x0 + 3..=x1 - 3, y0 + 3..=y1 - 3);
        let square = [
            mean(x0..=x0 + 1, y0..=y1),
            mean(x1 - 1..=x1, y0..=y1),
            mean(x0..=x1, y0..=y0 + 1),
            mean(x0..=x1, y1 - 1..=y1),
        ]
        .into_iter()
        .map(|side| inner - side)
        .fold(f32::MAX, f32::min);
        let (cx, cy) = ((x0 + x1) as f32 / 2.0, (y0 + y1) as f32 / 2.0);
        let r = (x1 - x0).min(y1 - y0) as f32 / 2.0;
        let (mut ring, mut nr, mut inside, mut ni) = (0.0, 0.0, 0.0, 0.0);
        for y in y0..=y1 {
            for x in x0..=x1 {
                let d = ((x as f32 - cx).powi(2) + (y as f32 - cy).powi(2)).sqrt();
                if d >= r - 2.0 && d <= r {
                    ring += px(x, y);
                    nr += 1.0;
                } else if d >= 0.35 * r && d <= r - 3.5 {
                    inside += px(x, y);
                    ni += 1.0;
                }
            }
        }
        let circle = if nr > 0.0 && ni > 0.0 {
            inside / ni - ring / nr
        } else {
            0.0
        };
        square.max(circle)
    };
    let (best, score) = (-14..=14)
        .map(|d| guess + d as f32)
        .filter(|&x| x >= first_end - 2.0 && x + bw <= second_start + 4.0)
        .map(|x| (x, contrast(x)))
        .max_by(|a, b| a.1.total_cmp(&b.1))?;
    if score < 10.0 {
        return None;
    }
    let (a, b): (String, String) = match words[..] {
        [a, b] => (a.to_string(), b.to_string()),
        _ => (chars[..cut].iter().collect(), chars[cut..].iter().collect()),
    };
    Some([
        CheckOption {
            text: a,
            text_bbox: Some([tb[0], tb[1], first_end, tb[3]]),
            bbox: cb,
        },
        CheckOption {
            text: b,
            text_bbox: Some([second_start, tb[1], tb[2], tb[3]]),
            bbox: [best, cb[1], best + bw, cb[3]],
        },
    ])
}

fn names_a_date(text: &str) -> bool {
    let n = profile::normalize(&Format::strip(text));
    matches!(
        profile::label_key(&n),
        Some(("date_of_birth" | "date", s)) if s >= 0.7
    ) || n
        .split(' ')
        .any(|w| matches!(w, "date" | "dob" | "birthday"))
        || ["日期", "出生", "生日"].iter().any(|w| n.contains(w))
}

/// Whether most of the page is dark: over half its pixels darker than mid-grey.
fn dark_page(gray: &GrayImage) -> bool {
    let dark = gray.as_raw().iter().filter(|&&v| v < 96).count();
    2 * dark > gray.as_raw().len()
}

/// A format printed on its own (a placeholder, a hint beside a box), read as printed or,
/// on a scan, as the OCR garbled it.
fn printed_format(text: &str) -> Option<Format> {
    // "Format: DD/MM/Y": the hint's word, then a placeholder the OCR cut short or garbled.
    static HINT: LazyLock<Regex> = LazyLock::new(|| {
        Regex::new(r"(?i)^\s*[(（]?\s*(?:(?:date\s+)?format|(?:日期)?格式)\s*[:：]\s*")
            .expect("static regex")
    });
    Format::find(text)
        .filter(|_| format_only(text))
        .or_else(|| Format::garbled(text))
        .or_else(|| {
            let m = HINT.find(text)?;
            Format::garbled(text[m.end()..].trim_end_matches([')', '）']))
        })
}

/// A format printed after a label, read as printed, as the OCR garbled it ("Date signed:
/// dd/mrmlyyyy"), or as an example date shows it ("Date of birth (e.g. 23/04/1988)").
fn label_format(text: &str) -> Option<Format> {
    Format::find(text)
        .or_else(|| Format::garbled(text))
        .or_else(|| {
            let head = drop_hint(text);
            let tail = text.get(head.len()..)?.trim_start();
            let tail = tail.trim_start_matches([':', '：']);
            (head.len() < text.len())
                .then(|| Format::garbled(tail))
                .flatten()
        })
        .or_else(|| example_at(text).and_then(|k| Format::from_example(&text[k..])))
}

/// Text that is a date format and little else ("(DD/MM/YYYY)", "Format: yyyy-mm-dd"), or a
/// hint line saying how to write it ("Use the format yyyy/mm/dd", "请按YYYY/MM/DD格式填写").
fn format_only(text: &str) -> bool {
    const WORDS: &[&str] = &[
        "use",
        "the",
        "format",
        "date",
        "in",
        "please",
        "enter",
        "write",
        "as",
        "eg",
        "e",
        "g",
        "following",
        "this",
        "type",
        "it",
        "a",
    ];
    // Longest first ("日期格式" before "格式").
    const ZH: &[&str] = &[
        "日期格式",
        "格式",
        "填写",
        "日期",
        "请",
        "按照",
        "按",
        "以",
        "为",
        "如",
        "例",
        "的",
        "输入",
    ];
    if Format::find(text).is_none() {
        return false;
    }
    let rest = profile::normalize(&Format::strip(text));
    if rest.is_empty() {
        return true;
    }
    // Hint words only, one of them saying it is a format or how to write ("Date" alone is a
    // label).
    let en = rest.split(' ').all(|w| WORDS.contains(&w))
        && rest.split(' ').any(|w| {
            matches!(
                w,
                "format" | "use" | "enter" | "write" | "type" | "eg" | "e"
            )
        });
    let squashed = rest.replace(' ', "");
    let zh = !rest.is_ascii()
        && ["格式", "填写", "例", "输入"]
            .iter()
            .any(|w| squashed.contains(w))
        && ZH
            .iter()
            .fold(squashed.clone(), |s, w| s.replace(w, ""))
            .is_empty();
    en || zh
}

pub fn to_box(b: &BBox) -> proto::Box {
    proto::Box {
        x1: b[0],
        y1: b[1],
        x2: b[2],
        y2: b[3],
    }
}

/// Maps facts onto fields: the actions, the fields left unfilled, and the script.
pub fn plan(fields: &[Field], facts: &Facts, lang: &str) -> (Vec<FormAction>, Vec<UnfilledField>) {
    let zh = lang == "zh";
    let mut actions = Vec::new();
    let mut unfilled = Vec::new();
    for f in fields {
        let custom = profile::squash(&f.label);
        let key_and_score = f.key.clone().or_else(|| {
            facts
                .by_key
                .contains_key(&custom)
                .then(|| (custom.clone(), 1.0))
        });
        let Some((key, key_score)) = key_and_score else {
            unfilled.push(UnfilledField {
                label: f.label.clone(),
                label_box: Some(to_box(&f.label_bbox)),
                reason: if zh {
                    "无法识别该字段对应的个人信息".into()
                } else {
                    "the label names no profile field this server knows".into()
                },
            });
            continue;
        };
        let Some(known) = facts.value_for(&key) else {
            unfilled.push(UnfilledField {
                label: f.label.clone(),
                label_box: Some(to_box(&f.label_bbox)),
                reason: if zh {
                    format!("资料、请求文字和本次会话中都没有“{key}”的值")
                } else {
                    format!("no value for {key} in the profile, the request text or earlier turns")
                },
            });
            continue;
        };
        let source = match &known.source {
            Source::Profile(k) => k.clone(),
            Source::Text => format!("request_text:{key}"),
            Source::History => format!("session:{key}"),
        };
        let base = f.ocr_confidence.clamp(0.0, 1.0) * key_score;
        match actions_for(f, &known.value, &source, base, zh) {
            Ok(a) => actions.extend(a),
            Err(reason) => unfilled.push(UnfilledField {
                label: f.label.clone(),
                label_box: Some(to_box(&f.label_bbox)),
                reason,
            }),
        }
    }
    (actions, unfilled)
}

/// The actions that write `value` into a field's input, or why it cannot be written there.
pub fn actions_for(
    f: &Field,
    value: &str,
    profile_key: &str,
    confidence: f32,
    zh: bool,
) -> Result<Vec<FormAction>, String> {
    let action =
        |input: &BBox, value: String, action: &str, part: &str, confidence: f32| FormAction {
            label: f.label.clone(),
            label_box: Some(to_box(&f.label_bbox)),
            input_box: Some(to_box(input)),
            value,
            action: action.into(),
            confidence,
            profile_key: profile_key.into(),
            part: part.into(),
        };
    match &f.input {
        FieldInput::Text { bbox, kind, format } => {
            // Where to write is less sure on a rule, and least on paper with nothing drawn.
            let region = match kind {
                RegionKind::Underline => 0.9,
                RegionKind::Blank => 0.7,
                _ => 1.0,
            };
            // A date goes in as the form prints its format; anything else as given.
            let value = match (format, Ymd::parse(value)) {
                (Some(fmt), Some(d)) => d.format(fmt),
                _ => value.to_string(),
            };
            Ok(vec![action(
                bbox,
                value,
                "input_text",
                "",
                confidence * region,
            )])
        }
        FieldInput::Date(parts) => {
            let Some(d) = Ymd::parse(value) else {
                return Err(if zh {
                    format!("“{value}”不是可识别的日期，无法分别填写年、月、日")
                } else {
                    format!(
                        "{value:?} is not a date this server can read, so its parts cannot be filled"
                    )
                });
            };
            Ok(parts
                .iter()
                .map(|p| {
                    action(
                        &p.bbox,
                        d.part(p.part, p.width),
                        "input_text",
                        p.part.name(),
                        confidence * 0.95,
                    )
                })
                .collect())
        }
        FieldInput::Checkboxes(opts) => {
            let texts: Vec<String> = opts.iter().map(|o| o.text.clone()).collect();
            match profile::choose_option(value, &texts) {
                Some(k) => Ok(vec![action(
                    &opts[k].bbox,
                    opts[k].text.clone(),
                    "check",
                    "",
                    confidence * 0.95,
                )]),
                None => Err(if zh {
                    format!("“{value}”不对应任何选项（{}）", texts.join("、"))
                } else {
                    format!(
                        "{value:?} matches none of the options ({})",
                        texts.join(", ")
                    )
                }),
            }
        }
        FieldInput::Missing => Err(if zh {
            "找不到该字段的填写区域".into()
        } else {
            "no input area found beside or below the label".into()
        }),
    }
}

/// A PyAutoGUI script that replays the actions. Coordinates are pixels of the submitted image;
/// ORIGIN and SCALE place that image on the screen.
pub fn pyautogui_script(actions: &[FormAction]) -> String {
    let mut s = String::from(
        "# Generated by Switchboard: fills the form at pixel coordinates of the submitted image.\n\
         # Set ORIGIN to the screen position of the image's top-left corner, SCALE to its zoom.\n\
         import time\n\nimport pyautogui\nimport pyperclip  # non-ASCII text is pasted\n\n\
         ORIGIN = (0, 0)\nSCALE = 1.0\n\n\n\
         def at(x, y):\n    return ORIGIN[0] + x * SCALE, ORIGIN[1] + y * SCALE\n\n\n\
         def type_text(text):\n    if text.isascii():\n        pyautogui.write(text, interval=0.02)\n    else:\n        pyperclip.copy(text)\n        pyautogui.hotkey(\"ctrl\", \"v\")\n\n\n",
    );
    for (i, a) in actions.iter().enumerate() {
        let Some(b) = &a.input_box else { continue };
        let (x, y) = ((b.x1 + b.x2) / 2.0, (b.y1 + b.y2) / 2.0);
        let label = a.label.replace('\n', " ");
        s.push_str(&format!("# {}. {} ({})\n", i + 1, label, a.action));
        match a.action.as_str() {
            "check" => s.push_str(&format!("pyautogui.click(*at({x:.1}, {y:.1}))\n")),
            "select" => s.push_str(&format!(
                "pyautogui.click(*at({x:.1}, {y:.1}))\ntype_text({})\npyautogui.press(\"enter\")\n",
                py_str(&a.value)
            )),
            _ => s.push_str(&format!(
                "pyautogui.click(*at({x:.1}, {y:.1}))\ntype_text({})\n",
                py_str(&a.value)
            )),
        }
        s.push_str("time.sleep(0.2)\n");
    }
    s
}

/// A Python string literal (JSON escaping is valid Python for these).
fn py_str(v: &str) -> String {
    serde_json::to_string(v).unwrap_or_else(|_| "\"\"".into())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_bare_name_beside_a_surname_is_the_given_name() {
        let field = |label: &str| Field {
            label: label.into(),
            label_bbox: [0.0; 4],
            input: FieldInput::Missing,
            key: profile::label_key(label).map(|(k, s)| (k.to_string(), s)),
            ocr_confidence: 1.0,
        };
        let keys = |labels: &[&str]| {
            let mut fs: Vec<Field> = labels.iter().map(|l| field(l)).collect();
            given_name(&mut fs);
            fs.into_iter()
                .map(|f| f.key.map(|k| k.0))
                .collect::<Vec<_>>()
        };
        let some = |k: &str| Some(k.to_string());
        assert_eq!(
            keys(&["姓氏", "名字"]),
            [some("last_name"), some("first_name")]
        );
        assert_eq!(
            keys(&["Surname", "Name"]),
            [some("last_name"), some("first_name")]
        );
        // Without a surname field, or with a given-name field already, "Name" is the name.
        assert_eq!(keys(&["Name", "Email"]), [some("name"), some("email")]);
        assert_eq!(
            keys(&["Surname", "Given name", "Name"]),
            [some("last_name"), some("first_name"), some("name")]
        );
    }

    #[test]
    fn a_zero_read_for_the_letter_o_in_a_label_is_the_letter() {
        assert_eq!(clean_label("D.0.B:"), "D.O.B");
        assert_eq!(clean_label("Ph0ne"), "Phone");
        assert_eq!(clean_label("Box 10"), "Box 10");
        assert_eq!(clean_label("Line 0"), "Line 0");
        assert_eq!(clean_label("2.0 Applicant"), "2.0 Applicant");
    }

    #[test]
    fn an_example_in_brackets_after_a_label_is_no_part_of_it() {
        assert_eq!(clean_label("Full name (e.g. Emily Carter)"), "Full name");
        assert_eq!(example_at("Job title (eg Nurse)"), Some(10));
        assert_eq!(clean_label("Job title (eg Nurse)"), "Job title");
        assert_eq!(clean_label("姓名（例：张伟）"), "姓名");
        assert_eq!(clean_label("电话 (例"), "电话");
        assert_eq!(clean_label("Phone (ex: 0123 456)"), "Phone");
        // Other brackets stay.
        assert_eq!(clean_label("Name (in capitals)"), "Name (in capitals)");
        assert_eq!(clean_label("Exam (English)"), "Exam (English)");
    }

    #[test]
    fn labels_lose_colons_and_asterisks() {
        assert_eq!(clean_label("Full name *:"), "Full name");
        assert_eq!(clean_label("姓名："), "姓名");
        assert_eq!(clean_label("* Email"), "Email");
        assert_eq!(clean_label("日期：格式："), "日期");
        assert_eq!(clean_label("Date signed (format:"), "Date signed");
        // Hints the OCR garbled past `Format::find`, and a drop-down's placeholder.
        assert_eq!(clean_label("Birth date: (d/mmyy)"), "Birth date");
        assert_eq!(clean_label("DOB (DD.MM.Ym"), "DOB");
        assert_eq!(clean_label("出生日期(Y/MM/DD)"), "出生日期");
        assert_eq!(clean_label("Date signed (D.MM. y):"), "Date signed");
        assert_eq!(clean_label("出生年月日：YYYY"), "出生年月日");
        assert_eq!(clean_label("出生日期 请选择"), "出生日期");
        // Words after a colon are no hint.
        assert_eq!(clean_label("Date: Year"), "Date: Year");
        assert_eq!(
            clean_label("For office use only: Ref. no"),
            "For office use only: Ref. no"
        );
        assert_eq!(clean_label("Size: M"), "Size: M");
        assert_eq!(clean_label("Date format"), "Date format");
    }

    /// A line with one glyph per character, spread evenly over it (the regions' tests use it
    /// too).
    pub(super) fn line(text: &str, b: BBox) -> crate::ocr::Line {
        let n = text.chars().count() as f32;
        let w = (b[2] - b[0]) / n;
        crate::ocr::Line {
            text: text.into(),
            quad: [[b[0], b[1]], [b[2], b[1]], [b[2], b[3]], [b[0], b[3]]],
            bbox: b,
            confidence: 0.99,
            glyphs: text
                .chars()
                .enumerate()
                .map(|(k, c)| {
                    let x = b[0] + k as f32 * w;
                    (c.to_string(), [x, b[1], x + w, b[3]])
                })
                .collect(),
        }
    }

    fn date_parts(page: &Page, gray: &GrayImage, label: &str) -> Vec<(Part, BBox)> {
        let fields = fields(page, gray);
        let date = fields.iter().find(|f| f.label == label);
        match date.map(|f| &f.input) {
            Some(FieldInput::Date(parts)) => parts.iter().map(|p| (p.part, p.bbox)).collect(),
            other => panic!("{other:?} in {fields:?}"),
        }
    }

    /// Asserts the parts, in order, and where each box starts (boxes come back through the
    /// page's levelling: to a pixel or so).
    fn parts_start_at(parts: &[(Part, BBox)], want: &[(Part, f32)]) {
        assert_eq!(parts.len(), want.len(), "{parts:?}");
        for ((part, b), (p, x)) in parts.iter().zip(want) {
            assert!(part == p && (b[0] - x).abs() <= 2.0, "{parts:?}");
        }
    }

    #[test]
    fn blanks_left_before_year_month_and_day_units_are_the_parts() {
        // "出生日期：      年     月     日", nothing drawn: each part is the room before its unit.
        let lines = vec![
            line("出生日期：", [20.0, 40.0, 120.0, 62.0]),
            line("年", [190.0, 40.0, 212.0, 62.0]),
            line("月", [262.0, 40.0, 284.0, 62.0]),
            line("日", [334.0, 40.0, 356.0, 62.0]),
        ];
        let page = page_of(lines, 600, 120);
        let mut gray = GrayImage::from_pixel(600, 120, image::Luma([255]));
        let parts = date_parts(&page, &gray, "出生日期");
        let want = [
            (Part::Year, [122.0, 40.0, 188.0, 62.0]),
            (Part::Month, [214.0, 40.0, 260.0, 62.0]),
            (Part::Day, [286.0, 40.0, 332.0, 62.0]),
        ];
        assert_eq!(parts, want);

        // The same units as captions under three boxes: the boxes are the parts.
        for (x0, x1) in [(140, 220), (240, 300), (320, 380)] {
            for x in x0..=x1 {
                gray.put_pixel(x, 6, image::Luma([60]));
                gray.put_pixel(x, 36, image::Luma([60]));
            }
            for y in 6..=36 {
                gray.put_pixel(x0, y, image::Luma([60]));
                gray.put_pixel(x1, y, image::Luma([60]));
            }
        }
        let mut page = page;
        for (l, x) in page.lines[1..].iter_mut().zip([170.0, 260.0, 340.0]) {
            *l = line(&l.text, [x, 40.0, x + 22.0, 62.0]);
        }
        let parts = date_parts(&page, &gray, "出生日期");
        let lefts: Vec<(Part, f32)> = parts.iter().map(|(p, b)| (*p, b[0])).collect();
        assert_eq!(
            lefts,
            [
                (Part::Year, 140.0),
                (Part::Month, 240.0),
                (Part::Day, 320.0)
            ]
        );
    }

    /// A white page with the given boxes drawn in 1 px dark rules.
    fn page_with_boxes(w: u32, h: u32, boxes: &[[u32; 4]]) -> GrayImage {
        let mut gray = GrayImage::from_pixel(w, h, image::Luma([255]));
        for &[x0, y0, x1, y1] in boxes {
            for x in x0..=x1 {
                gray.put_pixel(x, y0, image::Luma([60]));
                gray.put_pixel(x, y1, image::Luma([60]));
            }
            for y in y0..=y1 {
                gray.put_pixel(x0, y, image::Luma([60]));
                gray.put_pixel(x1, y, image::Luma([60]));
            }
        }
        gray
    }

    #[test]
    fn a_question_number_is_not_part_of_the_label() {
        let lines = vec![
            line("3. Surname:", [20.0, 40.0, 130.0, 62.0]),
            line("10.手机", [20.0, 100.0, 100.0, 122.0]),
            // A number in a circle, and a circle round "10" read as two circled numbers.
            line("②性别", [20.0, 160.0, 80.0, 182.0]),
            line("①⑩ Town", [20.0, 220.0, 100.0, 242.0]),
        ];
        let page = page_of(lines, 600, 280);
        let gray = page_with_boxes(
            600,
            280,
            &[
                [140, 36, 500, 66],
                [140, 96, 500, 126],
                [140, 156, 500, 186],
                [140, 216, 500, 246],
            ],
        );
        let fields = fields(&page, &gray);
        let labels: Vec<(&str, f32)> = fields
            .iter()
            .map(|f| (f.label.as_str(), f.label_bbox[0].round()))
            .collect();
        // "3. " is three of the line's eleven evenly spread glyphs; "10." three of five;
        // "②" one of three; "①⑩ " three of seven.
        assert_eq!(
            labels,
            [
                ("Surname", 50.0),
                ("手机", 68.0),
                ("性别", 40.0),
                ("Town", 54.0)
            ],
            "{fields:?}"
        );
    }

    #[test]
    fn a_tax_return_line_number_and_box_number_name_no_field() {
        // "1 Surname:" (the line's number, a space, the label), "7a" (the box's number) before
        // the box, and an instruction over it all: one field, named "Surname".
        let lines = vec![
            line(
                "Complete every line in black ink.",
                [20.0, 4.0, 320.0, 26.0],
            ),
            line("1 Surname:", [20.0, 40.0, 150.0, 62.0]),
            line("7a", [300.0, 40.0, 320.0, 62.0]),
        ];
        let page = page_of(lines, 640, 100);
        let gray = page_with_boxes(640, 100, &[[340, 36, 600, 66]]);
        let fields = fields(&page, &gray);
        let got: Vec<(&str, f32, Option<BBox>)> = text_inputs(&fields)
            .into_iter()
            .zip(&fields)
            .map(|((l, b), f)| (l, f.label_bbox[0], b))
            .collect();
        // "1 " is two of the line's ten evenly spread glyphs.
        assert_eq!(
            got,
            [("Surname", 46.0, Some([340.0, 36.0, 601.0, 67.0]))],
            "{fields:?}"
        );
    }

    #[test]
    fn a_label_printed_on_its_own_rule_writes_on_the_rule_after_it() {
        // "住址：" and "城市：" sitting on rules that start under them (a hotel card): the input is
        // the rule after the label, a written line high. A heading on its rule is no label.
        // The same where a scan greyed the text.
        for level in [30, 150] {
            let lines = vec![
                line("入住信息", [40.0, 4.0, 120.0, 26.0]),
                line("住址：", [40.0, 40.0, 100.0, 62.0]),
                line("城市：", [40.0, 90.0, 100.0, 112.0]),
            ];
            let mut gray = GrayImage::from_pixel(640, 140, image::Luma([255]));
            for l in &lines {
                ink_text_at(&mut gray, l.bbox, level);
            }
            let page = page_of(lines, 640, 140);
            for y in [28, 64, 114] {
                for x in 40..600 {
                    gray.put_pixel(x, y, image::Luma([40]));
                }
            }
            let fields = fields(&page, &gray);
            let got: Vec<(&str, [i32; 4])> = text_inputs(&fields)
                .into_iter()
                .map(|(l, b)| (l, b.map_or([0; 4], |b| b.map(|v| v.round() as i32))))
                .collect();
            // From just after the label (0.3 of the 22 px text) to the rule's end.
            assert_eq!(
                got,
                [("住址", [107, 36, 600, 65]), ("城市", [107, 86, 600, 115])],
                "ink {level}: {fields:?}"
            );
        }
    }

    #[test]
    fn a_label_inside_its_box_at_the_left_names_the_box() {
        // "Email:" printed inside the box it asks for, level with its middle; "Town:" in the
        // next box, edge to edge with it. A tinted box with a label in it is a label cell.
        let lines = vec![
            line("Email:", [30.0, 32.0, 90.0, 54.0]),
            line("Town:", [410.0, 32.0, 460.0, 54.0]),
            line("Phone:", [30.0, 102.0, 90.0, 124.0]),
        ];
        let page = page_of(lines, 640, 170);
        let mut gray = page_with_boxes(
            640,
            170,
            &[[20, 20, 400, 66], [400, 20, 620, 66], [20, 90, 400, 136]],
        );
        for y in 91..136 {
            for x in 21..400 {
                gray.put_pixel(x, y, image::Luma([232]));
            }
        }
        let fields = fields(&page, &gray);
        let got = text_inputs(&fields);
        assert!(
            got.contains(&("Email", Some([20.0, 20.0, 401.0, 67.0])))
                && got.contains(&("Town", Some([400.0, 20.0, 621.0, 67.0]))),
            "{fields:?}"
        );
        assert!(got.contains(&("Phone", None)), "{fields:?}");
    }

    #[test]
    fn a_label_printed_in_two_languages_on_two_lines_is_one_label() {
        // "姓名" over "Name", the box under both: one field, both lines, named in either.
        let lines = vec![
            line("姓名", [20.0, 20.0, 60.0, 42.0]),
            line("Name", [20.0, 44.0, 68.0, 66.0]),
            line("Nationality", [20.0, 130.0, 120.0, 152.0]),
        ];
        let page = page_of(lines, 600, 200);
        let gray = page_with_boxes(600, 200, &[[20, 72, 500, 102], [20, 158, 500, 188]]);
        let fields = fields(&page, &gray);
        let got: Vec<(&str, BBox, Option<&str>)> = fields
            .iter()
            .map(|f| {
                (
                    f.label.as_str(),
                    f.label_bbox,
                    f.key.as_ref().map(|k| k.0.as_str()),
                )
            })
            .collect();
        assert_eq!(
            got,
            [
                ("姓名 Name", [20.0, 20.0, 68.0, 66.0], Some("name")),
                (
                    "Nationality",
                    [20.0, 130.0, 120.0, 152.0],
                    Some("nationality")
                ),
            ],
            "{fields:?}"
        );
    }

    fn page_of(lines: Vec<crate::ocr::Line>, w: u32, h: u32) -> Page {
        Page {
            width: w,
            height: h,
            lines,
            ..Page::default()
        }
    }

    /// One coordinate (`k`: 0..4) of each field's text input box, -1 where it has none.
    fn input_edges(fields: &[Field], k: usize) -> Vec<(&str, f32)> {
        text_inputs(fields)
            .into_iter()
            .map(|(l, b)| (l, b.map_or(-1.0, |b| b[k])))
            .collect()
    }

    /// The label and input box of each field, as (label, box) pairs.
    fn text_inputs(fields: &[Field]) -> Vec<(&str, Option<BBox>)> {
        fields
            .iter()
            .map(|f| match &f.input {
                FieldInput::Text { bbox, .. } => (f.label.as_str(), Some(*bbox)),
                _ => (f.label.as_str(), None),
            })
            .collect()
    }

    #[test]
    fn three_blanks_under_a_numbered_date_label_start_under_its_number() {
        // "8. TODAY'S DATE" over [  ] / [  ] / [    ]: the run starts under the number, left of
        // the label's text, not at the box nearest the label's end.
        let lines = vec![
            line("8. TODAY'S DATE", [20.0, 10.0, 160.0, 30.0]),
            line("/", [68.0, 44.0, 76.0, 64.0]),
            line("/", [118.0, 44.0, 126.0, 64.0]),
        ];
        let page = page_of(lines, 400, 100);
        let gray = page_with_boxes(
            400,
            100,
            &[[20, 40, 64, 70], [80, 40, 114, 70], [130, 40, 190, 70]],
        );
        let parts = date_parts(&page, &gray, "TODAY'S DATE");
        parts_start_at(
            &parts,
            &[(Part::Day, 20.0), (Part::Month, 80.0), (Part::Year, 130.0)],
        );
    }

    #[test]
    fn blanks_after_a_format_in_the_box_under_a_date_label_are_its_parts() {
        // "Date of birth:" over a box holding "(mm-dd-yyyy)  ____ - ____ - ______": the three
        // rules are the parts, in the order the format prints, and the box is no input.
        let lines = vec![
            line("Date of birth:", [20.0, 10.0, 130.0, 30.0]),
            line("(mm-dd-yyyy)", [30.0, 48.0, 130.0, 68.0]),
        ];
        let page = page_of(lines, 500, 110);
        let mut gray = page_with_boxes(500, 110, &[[20, 36, 460, 82]]);
        for (x0, x1) in [(140, 185), (200, 245), (260, 325)] {
            for x in x0..=x1 {
                gray.put_pixel(x, 68, image::Luma([60]));
            }
        }
        let parts = date_parts(&page, &gray, "Date of birth");
        parts_start_at(
            &parts,
            &[
                (Part::Month, 140.0),
                (Part::Day, 200.0),
                (Part::Year, 260.0),
            ],
        );
    }

    #[test]
    fn a_date_in_digit_combs_is_one_part_per_comb() {
        // "Date of birth [ | | | ] / [ | ] / [ | ]": the four-cell comb is the year, the others
        // month and day; no cell is a part of its own.
        let lines = vec![
            line("Date of birth", [10.0, 40.0, 110.0, 60.0]),
            line("/", [226.0, 40.0, 234.0, 60.0]),
            line("/", [292.0, 40.0, 300.0, 60.0]),
        ];
        let page = page_of(lines, 400, 100);
        let mut cells = Vec::new();
        for (x, n) in [(120u32, 4u32), (240, 2), (306, 2)] {
            for k in 0..n {
                cells.push([x + 25 * k, 32, x + 25 * (k + 1), 66]);
            }
        }
        let gray = page_with_boxes(400, 100, &cells);
        let fields = fields(&page, &gray);
        let date = fields.iter().find(|f| f.label == "Date of birth");
        let Some(FieldInput::Date(parts)) = date.map(|f| &f.input) else {
            panic!("{fields:?}");
        };
        // (Boxes come back through the page's levelling: to a pixel or so.)
        let want = [
            (Part::Year, 4, 120.0, 220.0),
            (Part::Month, 2, 240.0, 290.0),
            (Part::Day, 2, 306.0, 356.0),
        ];
        assert_eq!(parts.len(), 3, "{parts:?}");
        for (p, (part, width, x0, x1)) in parts.iter().zip(want) {
            assert!(
                p.part == part
                    && p.width == width
                    && (p.bbox[0] - x0).abs() <= 2.0
                    && (p.bbox[2] - x1).abs() <= 2.0,
                "{parts:?}"
            );
        }
    }

    #[test]
    fn options_typed_after_a_label_are_its_group() {
        // "Sex: ( ) Male ( ) Female" and "Gender" over "o Male oFemale" (small circles the OCR
        // read as letters): each option's box is the marker's ink before its word.
        let lines = vec![
            line("Sex: ( ) Male ( ) Female", [20.0, 20.0, 260.0, 40.0]),
            line("Gender", [20.0, 70.0, 80.0, 90.0]),
            line("o Male oFemale", [20.0, 96.0, 160.0, 116.0]),
        ];
        let page = page_of(lines, 400, 140);
        let mut gray = GrayImage::from_pixel(400, 140, image::Luma([255]));
        // Ink where each marker is printed.
        // (Each bracket of "( )" a stroke of its own.)
        let marks = [
            [73, 25, 76, 36],
            [91, 25, 94, 36],
            [163, 25, 166, 36],
            [181, 25, 184, 36],
            [21, 101, 28, 110],
            [91, 101, 98, 110],
        ];
        for m in marks {
            fill_rect(&mut gray, m);
        }
        let found = fields(&page, &gray);
        let group = |label: &str| match found.iter().find(|f| f.label == label).map(|f| &f.input) {
            Some(FieldInput::Checkboxes(opts)) => opts
                .iter()
                .map(|o| (o.text.clone(), o.bbox))
                .collect::<Vec<_>>(),
            other => panic!("{label}: {other:?} in {found:?}"),
        };
        let near = |a: BBox, b: [f32; 4]| a.iter().zip(b).all(|(x, y)| (x - y).abs() <= 1.5);
        let sex = group("Sex");
        assert_eq!(
            sex.iter().map(|o| o.0.as_str()).collect::<Vec<_>>(),
            ["Male", "Female"]
        );
        assert!(near(sex[0].1, [73.0, 25.0, 94.0, 36.0]), "{sex:?}");
        assert!(near(sex[1].1, [163.0, 25.0, 184.0, 36.0]), "{sex:?}");
        let gender = group("Gender");
        assert_eq!(
            gender.iter().map(|o| o.0.as_str()).collect::<Vec<_>>(),
            ["Male", "Female"]
        );
        assert!(near(gender[1].1, [91.0, 101.0, 98.0, 110.0]), "{gender:?}");

        // Options after another label on the line under this one are that label's.
        let lines = vec![
            line("Name", [20.0, 20.0, 60.0, 40.0]),
            line("Sex ( ) Male ( ) Female", [20.0, 46.0, 250.0, 66.0]),
        ];
        let page = page_of(lines, 400, 100);
        let gray = GrayImage::from_pixel(400, 100, image::Luma([255]));
        let found = fields(&page, &gray);
        assert!(
            found
                .iter()
                .all(|f| f.label != "Name" || !matches!(f.input, FieldInput::Checkboxes(_))),
            "{found:?}"
        );

        // Words that start with a capital O are words, not options.
        let lines = vec![line(
            "Occupation: Office Orderly",
            [20.0, 20.0, 260.0, 40.0],
        )];
        let page = page_of(lines, 400, 60);
        let gray = GrayImage::from_pixel(400, 60, image::Luma([255]));
        assert!(
            fields(&page, &gray)
                .iter()
                .all(|f| !matches!(f.input, FieldInput::Checkboxes(_)))
        );
    }

    #[test]
    fn the_unnamed_year_is_the_nearest_part_sized_box_not_the_field_before() {
        // "Height (cm)" over a wide box, then "First lesson date" over [DD] [MM] [    ]: the
        // year is the empty box after MM, and the wide box stays Height's.
        let lines = vec![
            line("Height (cm)", [20.0, 10.0, 110.0, 30.0]),
            line("First lesson date", [320.0, 10.0, 450.0, 30.0]),
            line("DD", [328.0, 42.0, 356.0, 60.0]),
            line("MM", [388.0, 42.0, 416.0, 60.0]),
        ];
        let boxes = [
            [20, 36, 300, 66],
            [320, 36, 364, 66],
            [380, 36, 424, 66],
            [440, 36, 500, 66],
        ];
        let gray = page_with_boxes(560, 90, &boxes);
        let page = page_of(lines, 560, 90);
        let parts: Vec<(Part, f32)> = date_parts(&page, &gray, "First lesson date")
            .into_iter()
            .map(|(p, b)| (p, b[0]))
            .collect();
        assert_eq!(
            parts,
            [
                (Part::Day, 320.0),
                (Part::Month, 380.0),
                (Part::Year, 440.0)
            ]
        );
        let fields = fields(&page, &gray);
        assert!(
            text_inputs(&fields).contains(&("Height (cm)", Some([20.0, 36.0, 301.0, 67.0]))),
            "{fields:?}"
        );
    }

    #[test]
    fn a_dotted_leader_leads_to_the_box_at_its_end() {
        // "Given name ............ [        ]" over "Email ________________": the dots lead to
        // the box; the solid rule is the input.
        let lines = vec![
            line("Given name", [20.0, 40.0, 110.0, 62.0]),
            line("Email", [20.0, 100.0, 70.0, 122.0]),
        ];
        let mut gray = page_with_boxes(800, 160, &[[620, 36, 780, 66]]);
        for x in (120..600).step_by(3) {
            gray.put_pixel(x, 60, image::Luma([60]));
        }
        for x in 80..600 {
            gray.put_pixel(x, 121, image::Luma([60]));
        }
        let fields = fields(&page_of(lines, 800, 160), &gray);
        let got = text_inputs(&fields);
        assert_eq!(got.len(), 2, "{fields:?}");
        assert_eq!(got[0], ("Given name", Some([620.0, 36.0, 781.0, 67.0])));
        let email = got[1].1.expect("the rule is Email's input");
        assert_eq!((got[1].0, email[0], email[2]), ("Email", 80.0, 600.0));
    }

    #[test]
    fn a_rule_under_a_whole_row_separates_rows_and_is_no_input() {
        // "Full name:  [          ]" and "Home address:  [          ]", each row closed by a
        // rule from the label column to the right margin: the labels take the boxes.
        let lines = vec![
            line("Full name:", [20.0, 30.0, 110.0, 50.0]),
            line("Home address:", [20.0, 90.0, 130.0, 110.0]),
        ];
        let mut gray = page_with_boxes(700, 160, &[[300, 26, 600, 54], [300, 86, 680, 114]]);
        for y in [74, 134] {
            for x in 20..690 {
                gray.put_pixel(x, y, image::Luma([60]));
            }
        }
        let fields = fields(&page_of(lines, 700, 160), &gray);
        assert_eq!(
            text_inputs(&fields),
            [
                ("Full name", Some([300.0, 26.0, 601.0, 55.0])),
                ("Home address", Some([300.0, 86.0, 681.0, 115.0]))
            ],
            "{fields:?}"
        );
    }

    #[test]
    fn a_label_does_not_reach_past_another_line_to_a_rule_below_both() {
        // "Declaration" over "Signature:" and its box, and a footer's rule across the page
        // under them: the heading is hidden from the rule by the label between.
        let lines = vec![
            line("Declaration", [20.0, 10.0, 140.0, 30.0]),
            line("Signature:", [20.0, 34.0, 110.0, 52.0]),
        ];
        let mut gray = page_with_boxes(700, 120, &[[20, 56, 300, 82]]);
        for x in 20..680 {
            gray.put_pixel(x, 98, image::Luma([60]));
        }
        let fields = fields(&page_of(lines, 700, 120), &gray);
        assert_eq!(
            text_inputs(&fields),
            [("Signature", Some([20.0, 56.0, 301.0, 83.0]))],
            "{fields:?}"
        );
    }

    #[test]
    fn captions_under_rules_name_them() {
        // "________" over "Full name", "________" over "Mobile number": each rule is named by
        // the caption under it, not by the one above it.
        let lines = vec![
            line("Full name", [20.0, 54.0, 100.0, 70.0]),
            line("Mobile number", [20.0, 134.0, 130.0, 150.0]),
            line("Signature", [20.0, 215.0, 100.0, 231.0]),
        ];
        let mut gray = page_with_boxes(420, 260, &[[110, 208, 400, 238]]);
        for y in [50, 130] {
            for x in 20..400 {
                gray.put_pixel(x, y, image::Luma([60]));
            }
        }
        let fields = fields(&page_of(lines, 420, 260), &gray);
        let got = input_edges(&fields, 3);
        assert_eq!(
            got,
            [
                ("Full name", 51.0),
                ("Mobile number", 131.0),
                ("Signature", 239.0)
            ],
            "{fields:?}"
        );
    }

    #[test]
    fn captions_in_brackets_centred_under_rules_name_them() {
        // "________" over "(Full name)" centred under it, twice, with a row's rule a line and
        // a half under each caption: the caption names the rule above it, not the one below.
        let lines = vec![
            line("(Full name)", [120.0, 54.0, 200.0, 70.0]),
            line("(Email)", [135.0, 104.0, 185.0, 120.0]),
            line("(Home address)", [110.0, 154.0, 210.0, 170.0]),
        ];
        let mut gray = page_with_boxes(420, 220, &[]);
        for y in [50, 100, 150] {
            for x in 20..300 {
                gray.put_pixel(x, y, image::Luma([60]));
            }
        }
        let fields = fields(&page_of(lines, 420, 220), &gray);
        let got = input_edges(&fields, 3);
        assert_eq!(
            got,
            [
                ("Full name", 51.0),
                ("Email", 101.0),
                ("Home address", 151.0)
            ],
            "{fields:?}"
        );
    }

    #[test]
    fn labels_right_of_their_boxes_name_them() {
        // "[        ] First name  [        ] Family name" over "[                ] Email
        // address": each box is named by the text after it, not by the one before it.
        let lines = vec![
            line("First name", [215.0, 22.0, 290.0, 40.0]),
            line("Family name", [515.0, 22.0, 600.0, 40.0]),
            line("Email address", [515.0, 72.0, 610.0, 90.0]),
        ];
        let gray = page_with_boxes(
            640,
            120,
            &[[20, 16, 205, 46], [310, 16, 505, 46], [20, 66, 505, 96]],
        );
        let fields = fields(&page_of(lines, 640, 120), &gray);
        let got = input_edges(&fields, 0);
        assert_eq!(
            got,
            [
                ("First name", 20.0),
                ("Family name", 310.0),
                ("Email address", 20.0)
            ],
            "{fields:?}"
        );
    }

    #[test]
    fn questions_over_answer_boxes_set_off_to_the_right_name_them() {
        // A chat: each question at the left in a bubble, its reply box under it at the
        // right, a time under one question. The boxes start right of where the questions end.
        let lines = vec![
            line("What is your full name?", [26.0, 20.0, 170.0, 38.0]),
            line("Your nationality?", [26.0, 110.0, 140.0, 128.0]),
            line("11:24", [18.0, 134.0, 50.0, 146.0]),
            line("Job title:", [26.0, 200.0, 90.0, 218.0]),
        ];
        let gray = page_with_boxes(
            480,
            280,
            &[
                [180, 50, 465, 84],
                [180, 150, 465, 184],
                [180, 232, 465, 266],
            ],
        );
        let fields = fields(&page_of(lines, 480, 280), &gray);
        let got = input_edges(&fields, 1);
        assert_eq!(
            got,
            [
                ("What is your full name?", 50.0),
                ("Your nationality?", 150.0),
                ("Job title", 232.0)
            ],
            "{fields:?}"
        );
    }

    /// A line with the given glyph boxes (x ranges) for its characters, as the recogniser
    /// places them: a character it dropped leaves a gap, not a glyph.
    fn line_at(glyphs: &[(&str, [f32; 2])], y: [f32; 2]) -> crate::ocr::Line {
        let x0 = glyphs.first().map_or(0.0, |g| g.1[0]);
        let x1 = glyphs.last().map_or(0.0, |g| g.1[1]);
        let bbox = [x0, y[0], x1, y[1]];
        crate::ocr::Line {
            text: glyphs.iter().map(|g| g.0).collect(),
            quad: [[x0, y[0]], [x1, y[0]], [x1, y[1]], [x0, y[1]]],
            bbox,
            confidence: 0.99,
            glyphs: glyphs
                .iter()
                .map(|(g, x)| (g.to_string(), [x[0], y[0], x[1], y[1]]))
                .collect(),
        }
    }

    fn fill_rect(gray: &mut GrayImage, [x0, y0, x1, y1]: [u32; 4]) {
        for x in x0..x1 {
            for y in y0..y1 {
                gray.put_pixel(x, y, image::Luma([40]));
            }
        }
    }

    fn option_texts(fields: &[Field], label: &str) -> Vec<String> {
        match fields.iter().find(|f| f.label == label).map(|f| &f.input) {
            Some(FieldInput::Checkboxes(opts)) => opts.iter().map(|o| o.text.clone()).collect(),
            other => panic!("{label}: {other:?} in {fields:?}"),
        }
    }

    #[test]
    fn a_small_box_the_ocr_dropped_after_a_label_is_the_first_option() {
        // "Sex: ☐ Male ☐ Female ☐ Other", read "Sex: Male" "□ Female" "□ Other": the first
        // box is smaller than a checkbox is against this text, but stands alone where no
        // character was read. A square as small joined to a stroke is part of a letter.
        let sex = line_at(
            &[
                ("S", [34.0, 40.0]),
                ("e", [40.0, 46.0]),
                ("x", [46.0, 52.0]),
                (":", [52.0, 56.0]),
                (" ", [56.0, 60.0]),
                ("M", [94.0, 103.0]),
                ("a", [103.0, 109.0]),
                ("l", [109.0, 113.0]),
                ("e", [113.0, 123.0]),
            ],
            [194.0, 211.0],
        );
        let lines = vec![
            sex,
            line("□ Female", [130.0, 194.0, 201.0, 211.0]),
            line("□ Other", [210.0, 192.0, 270.0, 213.0]),
            line("Ref", [280.0, 194.0, 330.0, 211.0]),
        ];
        let mut gray = page_with_boxes(
            360,
            240,
            &[
                [71, 198, 79, 207],
                [136, 198, 146, 208],
                [216, 198, 226, 208],
                [300, 198, 308, 207],
            ],
        );
        // The letters beside the first box, and a stroke joined to the last square.
        fill_rect(&mut gray, [53, 200, 56, 208]);
        fill_rect(&mut gray, [94, 197, 103, 208]);
        fill_rect(&mut gray, [309, 196, 312, 210]);
        let found = regions::find(&gray, &lines, 17.0);
        let boxes: Vec<f32> = found
            .iter()
            .filter(|r| r.kind == RegionKind::Checkbox)
            .map(|r| r.bbox[0])
            .collect();
        assert_eq!(boxes.len(), 3, "{found:?}");
        assert!(boxes.iter().all(|&x| x < 290.0), "{found:?}");
        let fields = fields(&page_of(lines, 360, 240), &gray);
        assert_eq!(option_texts(&fields, "Sex"), ["Male", "Female", "Other"]);
    }

    #[test]
    fn options_read_in_pieces_or_in_the_next_cell_are_the_labels() {
        let lines = vec![
            // "SEX: ( ) M ( ) F" read as two lines, then the next field's label.
            line("SEX： ()M", [45.0, 20.0, 151.0, 40.0]),
            line("()F", [156.0, 20.0, 192.0, 40.0]),
            line("DATE OF BIRTH: (dd.mm.yyyy)", [242.0, 20.0, 491.0, 40.0]),
            // A true marker before a word the OCR read in lower case.
            line(
                "NATIONALITY: ( ) American ( ) other",
                [45.0, 60.0, 384.0, 80.0],
            ),
            // "Sex:" in a table's label cell, "○ M ○ F" in the next one, run together.
            line("Gender:", [45.0, 100.0, 110.0, 120.0]),
            line("OMOF", [330.0, 100.0, 380.0, 120.0]),
            // A scan's blur made a closing bracket a stroke.
            line("Sex: []M [lF", [45.0, 140.0, 190.0, 160.0]),
        ];
        let gray = GrayImage::from_pixel(520, 180, image::Luma([255]));
        let fields = fields(&page_of(lines, 520, 180), &gray);
        assert_eq!(option_texts(&fields, "SEX"), ["M", "F"]);
        assert_eq!(option_texts(&fields, "NATIONALITY"), ["American", "other"]);
        assert_eq!(option_texts(&fields, "Gender"), ["M", "F"]);
        assert_eq!(option_texts(&fields, "Sex"), ["M", "F"]);
    }

    #[test]
    fn a_listed_option_takes_the_text_at_its_rows_left() {
        // "Gender:" over "Male ........ □" and "Female ........ □".
        let lines = vec![
            line("Gender:", [37.0, 264.0, 90.0, 284.0]),
            line("Male", [36.0, 288.0, 77.0, 309.0]),
            line("Female", [37.0, 315.0, 88.0, 335.0]),
        ];
        let gray = page_with_boxes(320, 360, &[[216, 292, 232, 308], [216, 318, 232, 334]]);
        let fields = fields(&page_of(lines, 320, 360), &gray);
        assert_eq!(option_texts(&fields, "Gender"), ["Male", "Female"]);
    }

    #[test]
    fn rows_of_bare_boxes_under_a_header_are_each_their_questions() {
        // A "Yes No" header over two questions, each with its row of two boxes.
        let lines = vec![
            line("Yes No", [684.0, 932.0, 755.0, 960.0]),
            line("Do you smoke?", [268.0, 968.0, 400.0, 990.0]),
            line("Do you drink?", [268.0, 1004.0, 400.0, 1026.0]),
        ];
        let gray = page_with_boxes(
            800,
            1060,
            &[
                [688, 970, 704, 986],
                [740, 970, 756, 986],
                [688, 1006, 704, 1022],
                [740, 1006, 756, 1022],
            ],
        );
        let fields = fields(&page_of(lines, 800, 1060), &gray);
        assert_eq!(
            option_texts(&fields, "Do you drink?").len(),
            2,
            "{fields:?}"
        );
        assert!(
            fields.iter().all(|f| match &f.input {
                FieldInput::Checkboxes(opts) => opts.len() == 2,
                _ => true,
            }),
            "{fields:?}"
        );
    }

    #[test]
    fn boxes_with_the_year_last_follow_the_order_printed_elsewhere() {
        // "Birth date" over [  ] / [  ] / [    ], and "Format: MM/DD/YYYY" under another
        // date on the page: month first.
        let lines = vec![
            line("Birth date:", [397.0, 161.0, 476.0, 181.0]),
            line("Date:", [396.0, 300.0, 437.0, 320.0]),
            line("Format: MM/DD/YYYY", [398.0, 353.0, 515.0, 369.0]),
        ];
        let gray = page_with_boxes(
            640,
            400,
            &[
                [401, 185, 441, 213],
                [456, 185, 496, 213],
                [511, 185, 566, 213],
                [445, 296, 600, 326],
            ],
        );
        let page = page_of(lines, 640, 400);
        let got: Vec<Part> = date_parts(&page, &gray, "Birth date")
            .into_iter()
            .map(|p| p.0)
            .collect();
        assert_eq!(got, [Part::Month, Part::Day, Part::Year]);
    }

    /// The value written in the field's one input, as the actions type it.
    fn typed(fields: &[Field], label: &str, value: &str, key: &str) -> (String, BBox) {
        let f = fields
            .iter()
            .find(|f| f.label == label)
            .unwrap_or_else(|| panic!("{label} in {fields:?}"));
        let acts = actions_for(f, value, key, 1.0, false).expect("actions");
        assert_eq!(acts.len(), 1, "{f:?}");
        let b = acts[0].input_box.as_ref().expect("box");
        (acts[0].value.clone(), [b.x1, b.y1, b.x2, b.y2])
    }

    #[test]
    fn a_date_label_takes_the_box_that_shows_a_format_over_one_below() {
        // A spreadsheet-like form: "Today's date:" beside a box holding the grey placeholder
        // "dd/mm/yyyy", a wider box under both. The placeholder's box is the date's, and
        // (on a form with a row rule under a row whose box shows a format) so is the box
        // holding "YYYY/MM/DD" far along the row, not the rule under the label.
        let lines = vec![
            line("Signature:", [39.0, 845.0, 108.0, 868.0]),
            line("Today's date:", [40.0, 874.0, 123.0, 894.0]),
            line("dd/mm/yyyy", [183.0, 876.0, 253.0, 896.0]),
            line("申请日期：", [26.0, 984.0, 112.0, 1010.0]),
            line("YYYY/MM/DD", [342.0, 988.0, 451.0, 1012.0]),
        ];
        let mut gray = page_with_boxes(
            800,
            1100,
            &[
                [179, 842, 630, 871],
                [179, 871, 630, 899],
                [40, 926, 740, 955],
                [338, 984, 512, 1018],
            ],
        );
        for x in 28..772 {
            gray.put_pixel(x, 1047, image::Luma([60]));
        }
        let fields = fields(&page_of(lines, 800, 1100), &gray);
        let (v, b) = typed(&fields, "Today's date", "2025-06-29", "date");
        assert_eq!(v, "29/06/2025");
        assert!((b[1] - 871.0).abs() <= 2.0, "{b:?}");
        let (v, b) = typed(&fields, "申请日期", "2025-10-25", "date");
        assert_eq!(v, "2025/10/25");
        assert!((b[0] - 338.0).abs() <= 2.0, "{b:?}");
    }

    #[test]
    fn a_format_under_a_label_or_an_example_split_off_after_it_is_its_boxs() {
        let lines = vec![
            line("Date of birth:", [239.0, 240.0, 343.0, 262.0]),
            line("(MM-DD-YYYY)", [239.0, 261.0, 340.0, 283.0]),
            line("出生日期*（例:", [550.0, 324.0, 653.0, 346.0]),
            line("1988年04月23日)", [660.0, 324.0, 764.0, 346.0]),
        ];
        let gray = page_with_boxes(1000, 420, &[[394, 246, 960, 276], [546, 351, 693, 379]]);
        let fields = fields(&page_of(lines, 1000, 420), &gray);
        assert_eq!(
            typed(&fields, "Date of birth", "1965-10-24", "date_of_birth").0,
            "10-24-1965"
        );
        assert_eq!(
            typed(&fields, "出生日期", "1981-07-05", "date_of_birth").0,
            "1981年07月05日"
        );
    }

    #[test]
    fn one_option_text_read_over_the_next_box_is_split_at_it() {
        // "○ Male ○ Female" read "Male Female" from the first ring on: both rings found.
        let l = line_at(
            &[
                ("M", [520.0, 528.0]),
                ("a", [528.0, 534.0]),
                ("l", [534.0, 537.0]),
                ("e", [537.0, 543.0]),
                (" ", [543.0, 590.0]),
                ("F", [590.0, 597.0]),
                ("e", [597.0, 603.0]),
                ("m", [603.0, 612.0]),
                ("a", [612.0, 618.0]),
                ("l", [618.0, 621.0]),
                ("e", [621.0, 627.0]),
            ],
            [322.0, 347.0],
        );
        let o = CheckOption {
            text: "Male Female".into(),
            text_bbox: Some(l.bbox),
            bbox: [502.0, 329.0, 516.0, 343.0],
        };
        let next = [570.0, 329.0, 584.0, 343.0];
        let (a, b) = split_over_box(&o, &next, std::slice::from_ref(&l)).expect("split");
        assert_eq!((a.0.as_str(), b.0.as_str()), ("Male", "Female"));
        assert_eq!((a.1[2], b.1[0]), (543.0, 590.0));
        // A box under a word is no place to cut.
        let under = [530.0, 329.0, 544.0, 343.0];
        assert!(split_over_box(&o, &under, std::slice::from_ref(&l)).is_none());
    }

    #[test]
    fn a_format_hint_the_ocr_cut_short_is_still_a_format() {
        // A scan greyed out the year's last letters of "Format: DD/MM/YYYY".
        let f = printed_format("Format: DD/MM/Y").expect("a format");
        assert_eq!(
            f.parts(),
            [(Part::Day, 2), (Part::Month, 2), (Part::Year, 4)]
        );
        assert!(printed_format("格式：YYYY-MM-D").is_some());
        assert!(printed_format("Format of payment: cash").is_none());
        assert!(printed_format("Date of birth").is_none());
    }

    #[test]
    fn a_hint_line_saying_how_to_write_a_date_is_a_format() {
        for hint in [
            "Use the format yyyy/mm/dd",
            "Please enter in the format DD.MM.YYYY",
            "请按YYYY/MM/DD 格式填写",
            "格式为 DD-MM-YYYY",
            "请按YYYY年MM月DD日格式填写",
        ] {
            assert!(format_only(hint), "{hint}");
        }
        // Labels with their format are no hints.
        for label in [
            "Date (DD/MM/YYYY)",
            "Date of birth (YYYY-MM-DD)",
            "出生日期 YYYY-MM-DD",
        ] {
            assert!(!format_only(label), "{label}");
        }
    }

    #[test]
    fn a_format_after_a_date_label_on_its_line_is_its_rules() {
        // "18. 申请日期： (YYYY-MM-DD)", the OCR reading the hint as its own line, and the
        // rule to write on under both.
        let lines = vec![
            line("18.申请日期：", [61.0, 386.0, 182.0, 413.0]),
            line("(YYYY-MM-DD)", [188.0, 391.0, 309.0, 412.0]),
        ];
        let mut gray = GrayImage::from_pixel(1000, 520, image::Luma([255]));
        for x in 69..=235 {
            gray.put_pixel(x, 458, image::Luma([40]));
        }
        let fields = fields(&page_of(lines, 1000, 520), &gray);
        assert_eq!(
            typed(&fields, "申请日期", "16/06/2025", "date").0,
            "2025-06-16"
        );
    }

    #[test]
    fn a_lone_marker_between_options_of_several_words_splits_them() {
        // "○ Female ○ Prefer not to say", the second ring not found: read "Female o Prefer
        // not to say" after the first.
        let text = "Female o Prefer not to say";
        let l = line(text, [100.0, 10.0, 360.0, 30.0]);
        let o = CheckOption {
            text: text.into(),
            text_bbox: Some(l.bbox),
            bbox: [84.0, 14.0, 96.0, 26.0],
        };
        let [a, b] = split_at_marker(&o, std::slice::from_ref(&l)).expect("split");
        assert_eq!(
            (a.text.as_str(), b.text.as_str()),
            ("Female", "Prefer not to say")
        );
        // The "o" is the eighth of 26 glyphs 10 px wide: the second ring is centred at 175.
        assert_eq!(b.bbox, [169.0, 14.0, 181.0, 26.0]);
    }

    /// The format a field's single input carries, as its parts in order.
    fn text_format(fields: &[Field], label: &str) -> (BBox, Vec<Part>) {
        match fields.iter().find(|f| f.label == label).map(|f| &f.input) {
            Some(FieldInput::Text { bbox, format, .. }) => (
                *bbox,
                format
                    .as_ref()
                    .map(|f| f.parts().iter().map(|p| p.0).collect())
                    .unwrap_or_default(),
            ),
            other => panic!("{label}: {other:?} in {fields:?}"),
        }
    }

    #[test]
    fn a_placeholder_the_ocr_ran_into_its_label_is_the_inputs_format() {
        use Part::{Day, Month, Year};
        // "Date: MM/DD/YYYY" read as one line, the placeholder on the rule after the label.
        let lines = vec![line("Date: MM/DD/YYYY", [40.0, 100.0, 250.0, 120.0])];
        let page = page_of(lines, 500, 200);
        let mut gray = GrayImage::from_pixel(500, 200, image::Luma([255]));
        fill_rect(&mut gray, [112, 121, 300, 122]);
        let fields = fields(&page, &gray);
        let (bbox, parts) = text_format(&fields, "Date");
        assert_eq!(
            (bbox[0], parts),
            (112.0, vec![Month, Day, Year]),
            "{fields:?}"
        );

        // "Date signed yyyy-mm-dd" before a box, over a rule that runs under the whole row:
        // the dashes are the format's, not bits of the rule.
        let lines = vec![line("Date signed yyyy-mm-dd", [40.0, 100.0, 300.0, 124.0])];
        let page = page_of(lines, 700, 200);
        let mut gray = page_with_boxes(700, 200, &[[310, 98, 460, 126]]);
        fill_rect(&mut gray, [20, 135, 600, 136]);
        let fields = super::fields(&page, &gray);
        let (bbox, parts) = text_format(&fields, "Date signed");
        assert_eq!(
            (bbox[0], parts),
            (310.0, vec![Year, Month, Day]),
            "{fields:?}"
        );

        // A grey fill with its grey placeholder in it, under a label: the fill is the box.
        let lines = vec![
            line("FULL NAME", [40.0, 25.0, 120.0, 42.0]),
            line("PHONE", [440.0, 25.0, 490.0, 42.0]),
            line("DATE OF BIRTH", [40.0, 105.0, 140.0, 122.0]),
            line("YYYY-MM-DD", [46.0, 137.0, 136.0, 157.0]),
        ];
        let page = page_of(lines, 600, 200);
        let mut gray = GrayImage::from_pixel(600, 200, image::Luma([255]));
        for x in 40..400 {
            for y in 130..164 {
                gray.put_pixel(x, y, image::Luma([236]));
            }
        }
        // Dark labels, a grey placeholder: letters' upright strokes.
        for (x0, x1, y0, y1, level) in [
            (40, 120, 28, 40, 40),
            (440, 490, 28, 40, 40),
            (40, 140, 108, 120, 40),
            (48, 134, 140, 154, 165),
        ] {
            for x in (x0..x1).step_by(6) {
                for y in y0..y1 {
                    gray.put_pixel(x, y, image::Luma([level]));
                    gray.put_pixel(x + 1, y, image::Luma([level]));
                }
            }
        }
        let fields = super::fields(&page, &gray);
        let (bbox, parts) = text_format(&fields, "DATE OF BIRTH");
        assert_eq!(
            (bbox[1], parts),
            (130.0, vec![Year, Month, Day]),
            "{fields:?}"
        );
    }

    #[test]
    fn options_in_the_cell_under_a_header_cell_are_its_labels() {
        // A header row of label cells over a row of input cells; "性别" has its options in
        // the cell under it.
        let lines = vec![
            line("申请人姓名", [46.0, 176.0, 114.0, 200.0]),
            line("性别", [304.0, 176.0, 338.0, 202.0]),
            line("出生日期", [479.0, 178.0, 540.0, 198.0]),
            line("□男口女", [303.0, 211.0, 388.0, 237.0]),
        ];
        let page = page_of(lines, 800, 300);
        let gray = page_with_boxes(
            800,
            300,
            &[
                [40, 168, 298, 204],
                [298, 168, 469, 204],
                [469, 168, 728, 204],
                [40, 204, 298, 241],
                [298, 204, 469, 241],
                [469, 204, 728, 241],
                [310, 218, 320, 228],
                [354, 218, 364, 228],
            ],
        );
        let fields = fields(&page, &gray);
        assert_eq!(option_texts(&fields, "性别"), ["男", "女"], "{fields:?}");
    }

    #[test]
    fn a_date_hint_line_between_a_label_and_its_rule_is_the_rules_format() {
        let lines = vec![
            line("Date of birth:", [40.0, 100.0, 140.0, 120.0]),
            line("Use the format yyyy/mm/dd", [40.0, 124.0, 200.0, 140.0]),
        ];
        let page = page_of(lines, 500, 200);
        let mut gray = GrayImage::from_pixel(500, 200, image::Luma([255]));
        fill_rect(&mut gray, [40, 159, 400, 160]);
        let fields = fields(&page, &gray);
        let [f] = &fields[..] else {
            panic!("one field: {fields:?}");
        };
        assert_eq!(f.label, "Date of birth");
        let FieldInput::Text { bbox, format, .. } = &f.input else {
            panic!("a rule: {f:?}");
        };
        assert_eq!(bbox[3], 160.0, "{f:?}");
        let parts: Vec<Part> = format
            .as_ref()
            .expect("a format")
            .parts()
            .iter()
            .map(|p| p.0)
            .collect();
        assert_eq!(parts, [Part::Year, Part::Month, Part::Day]);

        // On a centred page: label and hint centred over the box.
        let lines = vec![
            line("签署日期", [212.0, 20.0, 278.0, 47.0]),
            line("请按YYYY年MM月DD日格式填写", [145.0, 44.0, 343.0, 69.0]),
        ];
        let page = page_of(lines, 500, 120);
        let gray = page_with_boxes(500, 120, &[[57, 67, 433, 95]]);
        let fields = super::fields(&page, &gray);
        let [f] = &fields[..] else {
            panic!("one field: {fields:?}");
        };
        let FieldInput::Text { bbox, format, .. } = &f.input else {
            panic!("a box: {f:?}");
        };
        assert_eq!((f.label.as_str(), bbox[1]), ("签署日期", 67.0), "{f:?}");
        assert!(format.is_some(), "{f:?}");
    }

    #[test]
    fn labels_in_a_dark_strip_over_a_box_and_beside_an_inset_box_name_those_boxes() {
        // White print on a dark strip heading its box (the read line reaches 5 px over the
        // box's top as found, which takes in the strip's foot), and a label cell with its
        // answer in a box inset in the next cell.
        let lines = vec![
            line("Email:", [50.0, 43.0, 110.0, 68.0]),
            line("Mobile:", [43.0, 160.0, 110.0, 186.0]),
        ];
        let page = page_of(lines, 640, 240);
        let mut gray = page_with_boxes(
            640,
            240,
            &[
                [40, 66, 400, 100],
                [40, 150, 240, 196],
                [240, 150, 600, 196],
                [250, 158, 590, 188],
            ],
        );
        fill_rect(&mut gray, [40, 40, 400, 66]);
        let fields = fields(&page, &gray);
        let inputs = text_inputs(&fields);
        assert_eq!(
            inputs,
            [
                ("Email", Some([40.0, 63.0, 401.0, 101.0])),
                ("Mobile", Some([250.0, 158.0, 591.0, 189.0]))
            ],
            "{fields:?}"
        );
    }

    #[test]
    fn units_captioned_over_boxes_name_the_boxes_not_the_room_before_them() {
        let lines = vec![
            line("出生年月日：", [20.0, 10.0, 140.0, 32.0]),
            line("年", [59.0, 36.0, 81.0, 58.0]),
            line("月", [134.0, 36.0, 156.0, 58.0]),
            line("日", [194.0, 36.0, 216.0, 58.0]),
        ];
        let page = page_of(lines, 600, 120);
        let gray = page_with_boxes(
            600,
            120,
            &[[30, 62, 110, 92], [120, 62, 170, 92], [180, 62, 230, 92]],
        );
        let parts = date_parts(&page, &gray, "出生年月日");
        // (The page is levelled first: the lefts may move by a pixel.)
        let lefts: Vec<(Part, f32)> = parts.iter().map(|(p, b)| (*p, b[0].round())).collect();
        assert_eq!(
            lefts,
            [(Part::Year, 29.0), (Part::Month, 119.0), (Part::Day, 179.0)],
            "{parts:?}"
        );
    }

    #[test]
    fn an_option_read_with_the_next_options_marker_is_two_options() {
        // A scan left the second radio button too faint: "○男 ○女" read as "男0女" after
        // the one button found. The second button is where the "0" was read.
        let l = line_at(
            &[
                ("男", [739.0, 747.0]),
                ("0", [789.0, 793.0]),
                ("女", [808.0, 816.0]),
            ],
            [141.0, 167.0],
        );
        let o = CheckOption {
            text: "男0女".into(),
            text_bbox: Some([733.0, 141.0, 823.0, 167.0]),
            bbox: [718.0, 151.0, 732.0, 165.0],
        };
        let [a, b] = split_at_marker(&o, std::slice::from_ref(&l)).expect("split");
        assert_eq!((a.text.as_str(), b.text.as_str()), ("男", "女"));
        assert_eq!(a.bbox, o.bbox);
        assert_eq!(b.bbox, [784.0, 151.0, 798.0, 165.0]);
        let l = line_at(
            &[
                ("M", [40.0, 48.0]),
                ("a", [48.0, 54.0]),
                ("l", [54.0, 57.0]),
                ("e", [57.0, 63.0]),
                (" ", [63.0, 70.0]),
                ("O", [70.0, 80.0]),
                (" ", [80.0, 86.0]),
                ("F", [86.0, 93.0]),
                ("e", [93.0, 99.0]),
                ("m", [99.0, 108.0]),
                ("a", [108.0, 114.0]),
                ("l", [114.0, 117.0]),
                ("e", [117.0, 123.0]),
            ],
            [10.0, 30.0],
        );
        let o = CheckOption {
            text: "Male O Female".into(),
            text_bbox: Some(l.bbox),
            bbox: [20.0, 13.0, 34.0, 27.0],
        };
        let [a, b] = split_at_marker(&o, std::slice::from_ref(&l)).expect("split");
        assert_eq!((a.text.as_str(), b.text.as_str()), ("Male", "Female"));
        assert_eq!(b.bbox, [68.0, 13.0, 82.0, 27.0]);
        // The marker read stuck to the next option's capital: "M OF".
        let l = line_at(
            &[
                ("M", [40.0, 48.0]),
                (" ", [48.0, 56.0]),
                ("O", [56.0, 64.0]),
                ("F", [64.0, 70.0]),
            ],
            [10.0, 30.0],
        );
        let o = CheckOption {
            text: "M OF".into(),
            text_bbox: Some(l.bbox),
            bbox: [20.0, 13.0, 34.0, 27.0],
        };
        let [a, b] = split_at_marker(&o, std::slice::from_ref(&l)).expect("split");
        assert_eq!((a.text.as_str(), b.text.as_str()), ("M", "F"));
        assert_eq!(b.bbox, [53.0, 13.0, 67.0, 27.0]);
        // An O inside a word, or a number, is no marker.
        for text in ["OTHER", "Room 10"] {
            let l = line(text, [40.0, 10.0, 120.0, 30.0]);
            let o = CheckOption {
                text: text.into(),
                text_bbox: Some(l.bbox),
                bbox: [20.0, 13.0, 34.0, 27.0],
            };
            assert!(split_at_marker(&o, &[l]).is_none(), "{text}");
        }
    }

    #[test]
    fn two_options_read_as_one_split_where_the_faint_marker_is() {
        // "○男 ○女" on a scan: the second ring too faint to find, the words read as "男女"
        // after the first. The second marker is the faint ring in the gap, not the guess.
        let l = line_at(
            &[("男", [50.0, 54.0]), ("女", [102.0, 106.0])],
            [13.0, 41.0],
        );
        let o = CheckOption {
            text: "男女".into(),
            text_bbox: Some([40.0, 13.0, 120.0, 41.0]),
            bbox: [20.0, 20.0, 34.0, 34.0],
        };
        let mut gray = GrayImage::from_pixel(140, 60, image::Luma([238]));
        assert!(split_at_faint_marker(&o, std::slice::from_ref(&l), &gray).is_none());
        for y in 18..37 {
            for x in 70..90 {
                let d = ((x as f32 - 79.0).powi(2) + (y as f32 - 27.0).powi(2)).sqrt();
                if (5.5..=7.0).contains(&d) {
                    gray.put_pixel(x, y, image::Luma([205]));
                }
            }
        }
        let [a, b] = split_at_faint_marker(&o, std::slice::from_ref(&l), &gray).expect("split");
        assert_eq!((a.text.as_str(), b.text.as_str()), ("男", "女"));
        assert!((b.bbox[0] - 72.0).abs() <= 1.0, "{:?}", b.bbox);
        // Two words with no room for a marker between them are one option.
        let l = line("Part time", [40.0, 13.0, 110.0, 41.0]);
        let o = CheckOption {
            text: "Part time".into(),
            text_bbox: Some(l.bbox),
            bbox: [20.0, 20.0, 34.0, 34.0],
        };
        assert!(split_at_faint_marker(&o, &[l], &gray).is_none());
    }

    #[test]
    fn boxes_a_scan_left_faint_are_found_where_no_box_is_inked() {
        // Light blue rounded boxes, scanned: their borders 35 levels under the paper, above
        // the ink threshold, and their sides too short between the rounded corners for the
        // mending of broken rules. No box on the page is inked, so the faint ones are the
        // boxes.
        let mut gray = GrayImage::from_pixel(700, 260, image::Luma([238]));
        for &[x0, y0, x1, y1] in &[[160u32, 42, 580, 68], [160, 122, 580, 148]] {
            let r = 9.0f32;
            for y in y0..=y1 {
                for x in x0..=x1 {
                    // Distance outside the box shrunk by the corner radius: the border is
                    // where it is r less 0..2.
                    let dx = (x0 as f32 + r - x as f32)
                        .max(x as f32 - (x1 as f32 - r))
                        .max(0.0);
                    let dy = (y0 as f32 + r - y as f32)
                        .max(y as f32 - (y1 as f32 - r))
                        .max(0.0);
                    let d = (dx * dx + dy * dy).sqrt();
                    if d > r - 2.0 && d <= r {
                        gray.put_pixel(x, y, image::Luma([204]));
                    }
                }
            }
        }
        let lines = vec![
            line("Name", [60.0, 44.0, 100.0, 66.0]),
            line("City", [60.0, 124.0, 95.0, 146.0]),
        ];
        let page = page_of(lines, 700, 260);
        let fields = fields(&page, &gray);
        let edges = input_edges(&fields, 0);
        assert!(
            edges.iter().all(|(_, x)| (x - 160.0).abs() <= 3.0) && edges.len() == 2,
            "{fields:?}"
        );
    }

    #[test]
    fn units_a_scan_lifts_over_the_labels_foot_still_make_the_date() {
        // "出生日期:" with "年 月 日" on the line under it, a pixel higher than the label's
        // foot after levelling (the units read as one line "年月", and "日").
        let lines = vec![
            line("性别:", [310.0, 202.0, 351.0, 227.0]),
            line("出生日期:", [566.0, 206.0, 617.0, 233.0]),
            line_at(
                &[("年", [654.0, 674.0]), ("月", [718.0, 723.0])],
                [228.8, 259.7],
            ),
            line("日", [756.0, 231.7, 778.0, 257.9]),
        ];
        let gray = page_with_boxes(820, 300, &[[306, 197, 551, 277]]);
        let parts = date_parts(&page_of(lines, 820, 300), &gray, "出生日期");
        parts_start_at(
            &parts,
            &[
                (Part::Year, 566.0),
                (Part::Month, 676.0),
                (Part::Day, 725.0),
            ],
        );
    }

    #[test]
    fn rules_with_captions_hung_close_under_them_are_a_dates_parts() {
        // "Date of birth:" over three short rules captioned "month" "day" "year", the
        // captions' read boxes reaching a few pixels over the rules.
        let lines = vec![
            line("Date of birth*:", [57.0, 466.0, 149.0, 489.0]),
            line("month", [59.0, 513.0, 103.0, 534.0]),
            line("day", [119.0, 514.0, 148.0, 533.0]),
            line("year", [180.0, 516.0, 209.0, 533.0]),
        ];
        let mut gray = GrayImage::from_pixel(400, 600, image::Luma([255]));
        for [x0, x1] in [[63u32, 101], [115, 153], [166, 222]] {
            for x in x0..x1 {
                gray.put_pixel(x, 517, image::Luma([60]));
            }
        }
        let parts = date_parts(&page_of(lines, 400, 600), &gray, "Date of birth");
        parts_start_at(
            &parts,
            &[(Part::Month, 63.0), (Part::Day, 115.0), (Part::Year, 166.0)],
        );
    }

    #[test]
    fn a_columns_header_over_the_first_row_is_no_label_for_the_date_in_the_second() {
        // A label | input table: "出生日期：" beside [][][][]年 [][]月 [][]日 (the OCR read
        // "月日" as one line over the month's comb); the input column's header "填写内容",
        // on a bar over the first row, is about as near the date as its label, but past the
        // first row's box.
        let lines = vec![
            line("填写内容", [272.0, 153.0, 340.0, 179.0]),
            line("申请人姓名：", [83.0, 200.0, 169.0, 225.0]),
            line("出生日期：", [80.0, 240.0, 154.0, 267.0]),
            line("年", [356.0, 240.0, 378.0, 262.0]),
            {
                let mut l = line_at(
                    &[("月", [437.0, 442.0]), ("日", [507.0, 512.0])],
                    [236.0, 266.0],
                );
                l.bbox[0] = 386.0;
                l.bbox[2] = 521.0;
                l
            },
        ];
        let mut cells: Vec<[u32; 4]> = vec![
            [76, 194, 266, 229],
            [268, 194, 780, 229],
            [76, 231, 266, 273],
            [268, 231, 780, 273],
        ];
        cells.extend((0..4).map(|k| [277 + 19 * k, 238, 296 + 19 * k, 262]));
        cells.extend([[386, 238, 406, 262], [405, 238, 425, 262]]);
        cells.extend([[457, 238, 477, 262], [476, 238, 496, 262]]);
        let gray = page_with_boxes(800, 300, &cells);
        let parts = date_parts(&page_of(lines, 800, 300), &gray, "出生日期");
        parts_start_at(
            &parts,
            &[
                (Part::Year, 277.0),
                (Part::Month, 386.0),
                (Part::Day, 457.0),
            ],
        );
    }

    #[test]
    fn labels_printed_down_narrow_cells_are_cut_at_the_cells_edge_and_written_on_their_rules() {
        // Two rows: a narrow cell with its label printed a character under another, then a
        // wide cell with a rule across it. The OCR read both labels as one line down the page.
        let mut gray = page_with_boxes(
            500,
            260,
            &[
                [20, 20, 60, 120],
                [20, 120, 60, 220],
                [60, 20, 480, 120],
                [60, 120, 480, 220],
            ],
        );
        for y in [95, 195] {
            for x in 75..=465 {
                gray.put_pixel(x, y, image::Luma([60]));
            }
        }
        let glyphs = [("姓", 35.0), ("名", 75.0), ("住", 135.0), ("址", 175.0)];
        let down = crate::ocr::Line {
            text: "姓名住址".into(),
            quad: [[28.0, 25.0], [52.0, 25.0], [52.0, 215.0], [28.0, 215.0]],
            bbox: [28.0, 25.0, 52.0, 215.0],
            confidence: 0.9,
            glyphs: glyphs
                .iter()
                .map(|(g, y)| (g.to_string(), [28.0, *y, 52.0, y + 5.0]))
                .collect(),
        };
        let lines = vec![
            line("登记表", [200.0, 0.0, 266.0, 18.0]),
            down,
            line("二〇二六年", [200.0, 232.0, 310.0, 254.0]),
        ];
        let fields = fields(&page_of(lines, 500, 260), &gray);
        let got = text_inputs(&fields);
        let bottom = |l: &str| {
            got.iter()
                .find(|(label, _)| *label == l)
                .and_then(|(_, b)| b.map(|b| b[3]))
        };
        assert!(
            bottom("姓名").is_some_and(|y| (95.0..=98.0).contains(&y)),
            "{fields:?}"
        );
        assert!(
            bottom("住址").is_some_and(|y| (195.0..=198.0).contains(&y)),
            "{fields:?}"
        );
    }

    #[test]
    fn labels_turned_to_read_up_narrow_cells_are_cut_at_the_cells_edge() {
        // Row headers turned a quarter to the left, read up the page: the OCR read "Address"
        // (the lower cell's) and then "Name" as one line, the space between them over the
        // cells' edge.
        let gray = page_with_boxes(
            500,
            240,
            &[
                [20, 20, 60, 120],
                [20, 120, 60, 220],
                [60, 20, 480, 120],
                [60, 120, 480, 220],
                [75, 50, 465, 86],
                [75, 150, 465, 186],
            ],
        );
        let text = "Address Name";
        let glyphs: Vec<(String, BBox)> = text
            .chars()
            .enumerate()
            .map(|(k, c)| {
                // From y = 205 up, 9 px a character; the space is wide.
                let y = 205.0 - 9.0 * k as f32 - if k > 7 { 20.0 } else { 0.0 };
                let h = if c == ' ' { 16.0 } else { 5.0 };
                (c.to_string(), [30.0, y - h, 50.0, y])
            })
            .collect();
        let up = crate::ocr::Line {
            text: text.into(),
            quad: [[30.0, 210.0], [30.0, 50.0], [50.0, 50.0], [50.0, 210.0]],
            bbox: [30.0, 50.0, 50.0, 210.0],
            confidence: 0.9,
            glyphs,
        };
        let fields = fields(&page_of(vec![up], 500, 240), &gray);
        let got = input_edges(&fields, 1);
        assert!(got.contains(&("Name", 50.0)), "{fields:?}");
        assert!(got.contains(&("Address", 150.0)), "{fields:?}");
    }

    #[test]
    fn a_date_in_an_eight_cell_comb_is_written_close_up() {
        // "出生日期" over a box split into eight cells: year, month, day, no separators.
        let lines = vec![
            line("出生日期", [185.0, 246.0, 245.0, 268.0]),
            line("姓名", [37.0, 246.0, 74.0, 268.0]),
        ];
        let mut cells: Vec<[u32; 4]> = (0..8)
            .map(|k| [189 + 22 * k, 272, 211 + 22 * k, 298])
            .collect();
        cells.push([189, 272, 365, 298]);
        let gray = page_with_boxes(420, 320, &cells);
        let fields = fields(&page_of(lines, 420, 320), &gray);
        let f = fields
            .iter()
            .find(|f| f.label == "出生日期")
            .expect("field");
        let acts = actions_for(f, "1961-07-13", "date_of_birth", 1.0, true).expect("actions");
        assert_eq!(acts.len(), 1, "{f:?}");
        assert_eq!(acts[0].value, "19610713", "{f:?}");
    }

    #[test]
    fn on_a_page_whose_rows_start_with_labels_a_label_after_a_box_starts_the_next_field() {
        // Two columns of "label [box]", the second's labels close after the first's boxes.
        let lines = vec![
            line("ZIP code", [26.0, 22.0, 80.0, 40.0]),
            line("Job title", [488.0, 22.0, 538.0, 40.0]),
            line("Phone", [26.0, 72.0, 66.0, 90.0]),
            line("Town", [488.0, 72.0, 520.0, 90.0]),
            line("Signature:", [26.0, 122.0, 92.0, 140.0]),
            line("Date signed", [488.0, 122.0, 562.0, 140.0]),
        ];
        let gray = page_with_boxes(
            960,
            160,
            &[
                [161, 18, 451, 44],
                [623, 18, 913, 44],
                [161, 68, 451, 94],
                [623, 68, 913, 94],
                [161, 118, 451, 144],
                [623, 118, 758, 144],
            ],
        );
        let fields = fields(&page_of(lines, 960, 160), &gray);
        let got = input_edges(&fields, 0);
        assert_eq!(
            got,
            [
                ("ZIP code", 161.0),
                ("Job title", 623.0),
                ("Phone", 161.0),
                ("Town", 623.0),
                ("Signature", 161.0),
                ("Date signed", 623.0)
            ],
            "{fields:?}"
        );
    }

    #[test]
    fn a_leader_dark_only_in_pieces_still_leads_to_its_box() {
        // "Postal address: ........ [        ]" on a scan: the dots are dark for a stretch, then
        // grey up to the box. The dark stretch is no rule to write on; the box is the input.
        let lines = vec![
            line("Postal address:", [34.0, 446.0, 140.0, 470.0]),
            line("Name:", [34.0, 396.0, 80.0, 420.0]),
        ];
        let mut gray = page_with_boxes(950, 520, &[[587, 447, 914, 480], [587, 397, 914, 430]]);
        for x in (150..575).step_by(5) {
            let level = if x < 450 { 60 } else { 225 };
            for dx in 0..3 {
                for y in 468..470 {
                    gray.put_pixel(x + dx, y, image::Luma([level]));
                }
            }
        }
        let fields = fields(&page_of(lines, 950, 520), &gray);
        let got = input_edges(&fields, 0);
        assert!(got.contains(&("Postal address", 587.0)), "{fields:?}");
    }

    #[test]
    fn a_dark_mode_page_is_read_as_its_negative() {
        // The same two labels and boxes as light rules on a near-black page.
        let lines = vec![
            line("First name", [215.0, 22.0, 290.0, 40.0]),
            line("Email address", [515.0, 72.0, 610.0, 90.0]),
        ];
        let mut gray = page_with_boxes(640, 120, &[[20, 16, 205, 46], [20, 66, 505, 96]]);
        image::imageops::invert(&mut gray);
        for p in gray.pixels_mut() {
            p.0[0] = p.0[0].saturating_add(20);
        }
        let fields = fields(&page_of(lines, 640, 120), &gray);
        let got = input_edges(&fields, 0);
        assert_eq!(
            got,
            [("First name", 20.0), ("Email address", 20.0)],
            "{fields:?}"
        );
    }

    /// Dark strokes over a label's box, as printed text has (the tests' lines have no ink).
    fn ink_text(gray: &mut GrayImage, b: BBox) {
        ink_text_at(gray, b, 30);
    }

    /// Text's ink as `ink_text` draws it, at grey `level` (a scan's blur lightens it).
    fn ink_text_at(gray: &mut GrayImage, b: BBox, level: u8) {
        for x in (b[0] as u32..b[2] as u32).step_by(4) {
            for y in b[1] as u32 + 2..b[3] as u32 - 2 {
                gray.put_pixel(x, y, image::Luma([level]));
            }
        }
    }

    #[test]
    fn labels_with_nothing_drawn_after_them_write_in_the_blank_up_to_the_next_column() {
        // "Name:" and "Phone:" with white space to a second column ("Email:", "City:"),
        // whose labels have white space to the page's right margin (as wide as the left).
        let lines = vec![
            line("Name:", [50.0, 20.0, 100.0, 38.0]),
            line("Email:", [350.0, 20.0, 400.0, 38.0]),
            line("Phone:", [50.0, 60.0, 105.0, 78.0]),
            line("City:", [350.0, 60.0, 390.0, 78.0]),
        ];
        let mut gray = GrayImage::from_pixel(640, 120, image::Luma([255]));
        for l in &lines {
            ink_text(&mut gray, l.bbox);
        }
        let fields = fields(&page_of(lines, 640, 120), &gray);
        let kinds: Vec<_> = fields
            .iter()
            .map(|f| match &f.input {
                FieldInput::Text { kind, .. } => Some(*kind),
                _ => None,
            })
            .collect();
        assert_eq!(kinds, [Some(RegionKind::Blank); 4], "{fields:?}");
        let right = input_edges(&fields, 2);
        assert_eq!(
            right,
            [
                ("Name", 332.0),
                ("Email", 590.0),
                ("Phone", 332.0),
                ("City", 590.0)
            ],
            "{fields:?}"
        );
        // As tall as a written line, level with the label.
        for f in &fields {
            let FieldInput::Text { bbox, .. } = &f.input else {
                unreachable!()
            };
            let (l, c) = (&f.label_bbox, (bbox[1] + bbox[3]) / 2.0);
            assert!((c - (l[1] + l[3]) / 2.0).abs() < 1.0, "{f:?}");
            assert!(bbox[3] - bbox[1] > l[3] - l[1], "{f:?}");
        }
    }

    #[test]
    fn boxes_marked_only_by_corner_ticks_are_inputs_and_the_ticks_no_text() {
        // "Surname" over a box drawn as four corner ticks, 8 px arms 2 px thick; the OCR
        // read the bottom-left tick as "L".
        let mut gray = GrayImage::from_pixel(400, 100, image::Luma([255]));
        let (x0, y0, x1, y1) = (40u32, 40u32, 300u32, 74u32);
        let mut dark = |xs: std::ops::Range<u32>, ys: std::ops::Range<u32>| {
            for x in xs {
                for y in ys.clone() {
                    gray.put_pixel(x, y, image::Luma([40]));
                }
            }
        };
        for (cx, cy, right, low) in [
            (x0, y0, false, false),
            (x1, y0, true, false),
            (x0, y1, false, true),
            (x1, y1, true, true),
        ] {
            let xs = if right { cx - 8..cx } else { cx..cx + 8 };
            let ys = if low { cy - 8..cy } else { cy..cy + 8 };
            let xe = if right { cx - 2..cx } else { cx..cx + 2 };
            let ye = if low { cy - 2..cy } else { cy..cy + 2 };
            dark(xs, ye);
            dark(xe, ys);
        }
        let label = [40.0, 18.0, 100.0, 34.0];
        ink_text(&mut gray, label);
        let lines = vec![line("Surname", label), line("L", [40.0, 66.0, 49.0, 74.0])];
        let fields = fields(&page_of(lines, 400, 100), &gray);
        assert_eq!(fields.len(), 1, "{fields:?}");
        assert_eq!(fields[0].label, "Surname");
        // (Within a pixel: the page may be read as turned by a hair and turned back.)
        let near = |b: &BBox| {
            b.iter()
                .zip([40.0, 40.0, 300.0, 74.0])
                .all(|(p, q)| (p - q).abs() <= 1.5)
        };
        assert!(
            matches!(&fields[0].input, FieldInput::Text { bbox, .. } if near(bbox)),
            "{fields:?}"
        );
    }

    #[test]
    fn small_print_at_the_bottom_of_a_cell_standing_on_a_rule_names_the_cell() {
        // A ledger row: a rule with a vertical rule rising from it, each cell's label in small
        // print at its bottom right, above the rule. The cell, label and all, is the input.
        let mut gray = GrayImage::from_pixel(640, 130, image::Luma([255]));
        for x in 20..620 {
            gray.put_pixel(x, 100, image::Luma([40]));
            gray.put_pixel(x, 101, image::Luma([40]));
        }
        for y in 52..100 {
            gray.put_pixel(300, y, image::Luma([40]));
        }
        let (a, b) = ([220.0, 82.0, 290.0, 97.0], [560.0, 82.0, 610.0, 97.0]);
        ink_text(&mut gray, a);
        ink_text(&mut gray, b);
        let lines = vec![line("Surname", a), line("Phone", b)];
        let fields = fields(&page_of(lines, 640, 130), &gray);
        let boxes: Vec<_> = fields
            .iter()
            .map(|f| match &f.input {
                FieldInput::Text { bbox, .. } => (f.label.as_str(), Some(*bbox)),
                _ => (f.label.as_str(), None),
            })
            .collect();
        assert_eq!(
            boxes,
            [
                ("Surname", Some([20.0, 52.0, 300.0, 102.0])),
                ("Phone", Some([300.0, 52.0, 620.0, 102.0]))
            ],
            "{fields:?}"
        );
    }

    #[test]
    fn a_numbered_cell_is_no_checkbox() {
        // "| 1 | Name: | [ input cell ] |": the square holding the row's number is a cell,
        // so the label is paired with its input cell, not made a checkbox's option.
        let lines = vec![
            line("1", [28.0, 18.0, 36.0, 38.0]),
            line("Name:", [60.0, 18.0, 110.0, 38.0]),
            line("2", [28.0, 52.0, 36.0, 72.0]),
            line("Phone:", [60.0, 52.0, 115.0, 72.0]),
        ];
        let gray = page_with_boxes(
            600,
            100,
            &[
                [16, 12, 48, 44],
                [48, 12, 250, 44],
                [250, 12, 580, 44],
                [16, 46, 48, 78],
                [48, 46, 250, 78],
                [250, 46, 580, 78],
            ],
        );
        let fields = fields(&page_of(lines, 600, 100), &gray);
        let got = input_edges(&fields, 0);
        assert_eq!(got, [("Name", 250.0), ("Phone", 250.0)], "{fields:?}");
    }

    #[test]
    fn stacked_option_groups_split_where_the_pitch_widens() {
        // Two groups stacked in one column, the second starting a little lower than the
        // first's pitch: two fields, not one of five options.
        let rows = [50u32, 79, 117, 144, 171];
        let names = ["是", "否", "小班", "中班", "大班"];
        let mut lines = vec![
            line("是否接种", [20.0, 62.0, 100.0, 82.0]),
            line("报名班级", [20.0, 142.0, 100.0, 162.0]),
        ];
        for (y, n) in rows.iter().zip(names) {
            let y = *y as f32;
            let x1 = 222.0 + 20.0 * n.chars().count() as f32;
            lines.push(line(n, [222.0, y - 2.0, x1, y + 17.0]));
        }
        let boxes: Vec<[u32; 4]> = rows.iter().map(|&y| [200, y, 215, y + 15]).collect();
        let gray = page_with_boxes(420, 220, &boxes);
        let fields = fields(&page_of(lines, 420, 220), &gray);
        let got: Vec<(&str, Vec<&str>)> = fields
            .iter()
            .map(|f| match &f.input {
                FieldInput::Checkboxes(o) => (
                    f.label.as_str(),
                    o.iter().map(|o| o.text.as_str()).collect(),
                ),
                _ => (f.label.as_str(), vec![]),
            })
            .collect();
        assert_eq!(
            got,
            [
                ("是否接种", vec!["是", "否"]),
                ("报名班级", vec!["小班", "中班", "大班"])
            ],
            "{fields:?}"
        );
    }

    #[test]
    fn a_line_read_across_part_boxes_is_cut_at_their_borders() {
        // "(5) 出生日期：" over "[YYYY]年 [MM]月 [DD]日", the grey Ys lost and the rest read as
        // one line: the question's number is no label, and the pieces name the boxes.
        let glyphs = [
            ("年", [92.0, 50.0, 104.0, 75.0]),
            ("M", [115.0, 50.0, 125.0, 75.0]),
            ("M", [128.0, 50.0, 138.0, 75.0]),
            ("月", [147.0, 50.0, 160.0, 75.0]),
            ("D", [170.0, 50.0, 180.0, 75.0]),
            ("D", [185.0, 50.0, 195.0, 75.0]),
            ("日", [203.0, 50.0, 216.0, 75.0]),
        ];
        let across = crate::ocr::Line {
            text: "年MM月DD日".into(),
            quad: [[20.0, 50.0], [220.0, 50.0], [220.0, 75.0], [20.0, 75.0]],
            bbox: [20.0, 50.0, 220.0, 75.0],
            confidence: 0.9,
            glyphs: glyphs.iter().map(|(g, b)| (g.to_string(), *b)).collect(),
        };
        let lines = vec![
            line("(5)", [20.0, 22.0, 40.0, 42.0]),
            line("出生日期：", [50.0, 22.0, 130.0, 42.0]),
            across,
        ];
        let gray = page_with_boxes(
            400,
            120,
            &[[20, 50, 90, 75], [110, 50, 145, 75], [165, 50, 200, 75]],
        );
        let parts = date_parts(&page_of(lines, 400, 120), &gray, "出生日期");
        let lefts: Vec<(Part, f32)> = parts.iter().map(|(p, b)| (*p, b[0].round())).collect();
        assert_eq!(
            lefts,
            [(Part::Year, 19.0), (Part::Month, 109.0), (Part::Day, 164.0)]
        );
    }

    #[test]
    fn options_with_their_text_before_the_box_take_that_text() {
        // "性别" over "男 Male □    女 Female □": each box's option is the text before it.
        let lines = vec![
            line("性别", [20.0, 20.0, 60.0, 42.0]),
            line("男 Male", [20.0, 50.0, 90.0, 72.0]),
            line("女 Female", [150.0, 50.0, 240.0, 72.0]),
        ];
        let gray = page_with_boxes(400, 120, &[[96, 53, 112, 69], [246, 53, 262, 69]]);
        let fields = fields(&page_of(lines, 400, 120), &gray);
        let got: Vec<(&str, Vec<(&str, f32)>)> = fields
            .iter()
            .map(|f| match &f.input {
                FieldInput::Checkboxes(o) => (
                    f.label.as_str(),
                    o.iter().map(|o| (o.text.as_str(), o.bbox[0])).collect(),
                ),
                _ => (f.label.as_str(), vec![]),
            })
            .collect();
        assert_eq!(
            got,
            [("性别", vec![("男 Male", 96.0), ("女 Female", 246.0)])],
            "{fields:?}"
        );
    }

    #[test]
    fn a_label_ends_at_its_colon_where_the_options_follow_on_its_line() {
        // "Gender: M □  F □" read as one line up to the first box: "M" is the first box's
        // option, not the label's last word, and "Gender" names the group.
        let lines = vec![
            line("Gender: M", [20.0, 50.0, 110.0, 72.0]),
            line("F", [140.0, 50.0, 150.0, 72.0]),
        ];
        let gray = page_with_boxes(400, 120, &[[116, 53, 132, 69], [156, 53, 172, 69]]);
        let fields = fields(&page_of(lines, 400, 120), &gray);
        let got: Vec<(&str, Vec<&str>)> = fields
            .iter()
            .map(|f| match &f.input {
                FieldInput::Checkboxes(o) => (
                    f.label.as_str(),
                    o.iter().map(|o| o.text.as_str()).collect(),
                ),
                _ => (f.label.as_str(), vec![]),
            })
            .collect();
        assert_eq!(got, [("Gender", vec!["M", "F"])], "{fields:?}");
    }

    #[test]
    fn three_blanks_after_a_date_label_take_square_ones_with_no_option_text() {
        // "Date signed: [        ] - [    ] - [    ]": the month's and day's boxes are drawn
        // square, as big as checkboxes, with nothing after them but the separators.
        let lines = vec![
            line("Date signed:", [20.0, 52.0, 120.0, 72.0]),
            line("-", [190.0, 55.0, 196.0, 70.0]),
            line("-", [240.0, 55.0, 246.0, 70.0]),
        ];
        let gray = page_with_boxes(
            400,
            120,
            &[[130, 48, 183, 76], [200, 48, 228, 76], [252, 48, 280, 76]],
        );
        let page = page_of(lines, 400, 120);
        let parts = date_parts(&page, &gray, "Date signed");
        parts_start_at(
            &parts,
            &[
                (Part::Year, 130.0),
                (Part::Month, 200.0),
                (Part::Day, 252.0),
            ],
        );
    }

    #[test]
    fn a_month_named_in_the_first_of_three_boxes_makes_month_day_year() {
        // "DATE SIGNED" over "[M M] / [    ] / [        ]": the OCR read only the grey "M M"
        // in the first box; the two boxes like it after it are the day and the year.
        let lines = vec![
            line("DATE SIGNED", [30.0, 10.0, 130.0, 28.0]),
            line("M M", [34.0, 44.0, 60.0, 66.0]),
            line("/", [66.0, 44.0, 72.0, 66.0]),
            line("/", [114.0, 44.0, 120.0, 66.0]),
        ];
        let gray = page_with_boxes(
            400,
            120,
            &[[30, 40, 63, 70], [78, 40, 111, 70], [126, 40, 191, 70]],
        );
        let page = page_of(lines, 400, 120);
        let parts = date_parts(&page, &gray, "DATE SIGNED");
        parts_start_at(
            &parts,
            &[(Part::Month, 30.0), (Part::Day, 78.0), (Part::Year, 126.0)],
        );
    }

    #[test]
    fn date_units_on_the_line_under_the_label_have_the_room_before_them() {
        // "日期：" and, under it, "      年    月    日" with nothing drawn.
        let lines = vec![
            line("日期：", [20.0, 20.0, 80.0, 42.0]),
            line("年", [90.0, 48.0, 112.0, 70.0]),
            line("月", [160.0, 48.0, 182.0, 70.0]),
            line("日", [230.0, 48.0, 252.0, 70.0]),
        ];
        let gray = GrayImage::from_pixel(400, 100, image::Luma([255]));
        let parts: Vec<(Part, [f32; 2])> = date_parts(&page_of(lines, 400, 100), &gray, "日期")
            .into_iter()
            .map(|(p, b)| (p, [b[0], b[2]]))
            .collect();
        assert_eq!(
            parts,
            [
                (Part::Year, [20.0, 88.0]),
                (Part::Month, [114.0, 158.0]),
                (Part::Day, [184.0, 228.0])
            ]
        );
    }

    #[test]
    fn a_format_printed_with_the_label_orders_three_blank_rules_under_it() {
        // "Date signed: (mm/dd/yyyy)" over "____ / ____ / ______", nothing naming the rules
        // (the widest last would read day, month, year).
        let lines = vec![line("Date signed: (mm/dd/yyyy)", [20.0, 20.0, 280.0, 42.0])];
        let mut gray = GrayImage::from_pixel(400, 100, image::Luma([255]));
        for (x0, x1) in [(20u32, 60u32), (80, 120), (140, 210)] {
            for x in x0..=x1 {
                gray.put_pixel(x, 76, image::Luma([40]));
            }
        }
        let parts: Vec<(Part, f32)> = date_parts(&page_of(lines, 400, 100), &gray, "Date signed")
            .into_iter()
            .map(|(p, b)| (p, b[0]))
            .collect();
        assert_eq!(
            parts,
            [(Part::Month, 20.0), (Part::Day, 80.0), (Part::Year, 140.0)]
        );
    }

    #[test]
    fn the_script_is_python_with_every_action() {
        let a = FormAction {
            label: "姓名".into(),
            input_box: Some(proto::Box {
                x1: 10.0,
                y1: 20.0,
                x2: 110.0,
                y2: 40.0,
            }),
            value: "张\"三".into(),
            action: "input_text".into(),
            ..Default::default()
        };
        let s = pyautogui_script(&[a]);
        assert!(s.contains("pyautogui.click(*at(60.0, 30.0))"), "{s}");
        assert!(s.contains(r#"type_text("张\"三")"#), "{s}");
    }
}

//! Text-line crops and what the angle classifier and the CTC recognizer need around them:
//! sampling a (possibly rotated) quad straight to the network height, batch layout, greedy CTC
//! decoding with the model's own character list, and where each character sits on the line.

use image::RgbImage;

use crate::geom::{Pt, dist};

/// Network input height of the classifier, and the height both were trained at.
pub const LINE_H: usize = 48;
/// Default recognizer input height for long lines (see `REC_LONG_W`). The recognizers are
/// convolutional in height and their cost grows with its square. PP-OCRv6 tiny, exported at 48,
/// runs a line at 40 in 0.76x the time. With long lines at 40 the fixtures read EN 0.16 % /
/// ZH 1.44 % CER (0.16 % / 1.17 % at 48), dense pages 191 of 192 lines whole, and the project
/// and tuning form corpora fill exactly as at 48. Every line at 40 cost the scans 0.03 of F1
/// (short labels lose letters); at 32 English CER rises to 1.3 % and dense lines break.
pub const REC_H: usize = 40;
/// Lines wider than this many columns at `LINE_H` rows are read at the recognizer height
/// (`REC_H`); shorter ones, where labels and numbers are and which cost little, at `LINE_H`.
pub const REC_LONG_W: usize = 640;
/// The recognizer's narrowest input at 48 rows. PaddleOCR pads every line to 320; a short
/// label or number is then mostly padding. 128 reads as well on the fixtures.
pub const REC_MIN_W: usize = 128;
/// Lines share a recognizer batch only when the widest needs at most this much more width than
/// the narrowest: on a CPU a batch costs its padding, and on an A4 page batches of 6 by aspect
/// read 1.3x slower than lines one at a time.
pub const REC_BATCH_SLACK: f32 = 1.1;
/// At most this many lines per recognizer batch.
pub const REC_BATCH: usize = 8;
/// And at most this many columns (at `LINE_H` rows) in all: past that a batch no longer fits
/// the caches and each line costs more than alone. Lines of 1,400 columns at 40 rows: 12.2 ms
/// each in twos, 18.0 in fours, 19.5 in eights (13.3 alone); short lines batch well in eights.
pub const REC_BATCH_COLS: usize = 4096;
/// The classifier's fixed input width, cls_image_shape [3, 48, 192].
pub const CLS_W: usize = 192;
/// Longest recognizer input; longer lines are squeezed (the crop is rarely that long).
pub const REC_MAX_W: usize = 3200;

/// A text line to read: its quad on the page, in reading direction (top-left first).
#[derive(Debug, Clone)]
pub struct LineCrop {
    pub quad: [Pt; 4],
}

impl LineCrop {
    /// The crop's width and height in page pixels, as PaddleOCR measures them (integer).
    pub fn size(&self) -> (f32, f32) {
        let q = &self.quad;
        let w = dist(q[0], q[1]).max(dist(q[3], q[2])).floor().max(1.0);
        let h = dist(q[0], q[3]).max(dist(q[1], q[2])).floor().max(1.0);
        (w, h)
    }

    /// Vertical text (a crop at least 1.5 times taller than wide) is turned a quarter
    /// counter-clockwise so that it reads left to right.
    pub fn upright(self) -> LineCrop {
        if self.is_tall() {
            let [tl, tr, br, bl] = self.quad;
            LineCrop {
                quad: [tr, br, bl, tl],
            }
        } else {
            self
        }
    }

    /// At least 1.5 times taller than wide: vertical text, which `upright` turns.
    pub fn is_tall(&self) -> bool {
        let (w, h) = self.size();
        h / w >= 1.5
    }

    pub fn rotated_180(&self) -> LineCrop {
        let [tl, tr, br, bl] = self.quad;
        LineCrop {
            quad: [br, bl, tl, tr],
        }
    }

    pub fn aspect(&self) -> f32 {
        let (w, h) = self.size();
        w / h
    }
}

/// Samples the crop to `LINE_H` rows and `min(ceil(LINE_H * aspect), max_w)` columns, writing
/// normalised BGR planes into `out` (3 x LINE_H x `stride`, already zero-filled). Returns the
/// width written.
pub fn sample_line(
    img: &RgbImage,
    crop: &LineCrop,
    line_h: usize,
    max_w: usize,
    stride: usize,
    out: &mut [f32],
) -> usize {
    let tw = ((line_h as f32 * crop.aspect()).ceil() as usize).clamp(1, max_w.min(stride));
    let [tl, tr, _, bl] = crop.quad;
    let (w, h) = (img.width() as i64, img.height() as i64);
    let src = img.as_raw();
    let plane = line_h * stride;
    let ux = [(tr[0] - tl[0]) / tw as f32, (tr[1] - tl[1]) / tw as f32];
    let vy = [
        (bl[0] - tl[0]) / line_h as f32,
        (bl[1] - tl[1]) / line_h as f32,
    ];
    let row = w as usize * 3;
    for v in 0..line_h {
        for u in 0..tw {
            let fu = u as f32 + 0.5;
            let fv = v as f32 + 0.5;
            let sx = tl[0] + fu * ux[0] + fv * vy[0] - 0.5;
            let sy = tl[1] + fu * ux[1] + fv * vy[1] - 0.5;
            let x0 = sx.floor() as i64;
            let y0 = sy.floor() as i64;
            let tx = sx - x0 as f32;
            let ty = sy - y0 as f32;
            // The four neighbours' offsets, clamped to the page once for all three channels.
            let xa = x0.clamp(0, w - 1) as usize * 3;
            let xb = (x0 + 1).clamp(0, w - 1) as usize * 3;
            let ya = y0.clamp(0, h - 1) as usize * row;
            let yb = (y0 + 1).clamp(0, h - 1) as usize * row;
            let (pa, pb, pc, pd) = (ya + xa, ya + xb, yb + xa, yb + xb);
            for c in 0..3 {
                let a = src[pa + c] as f32;
                let b = src[pb + c] as f32;
                let cc = src[pc + c] as f32;
                let d = src[pd + c] as f32;
                let val = (a + (b - a) * tx) * (1.0 - ty) + (cc + (d - cc) * tx) * ty;
                out[(2 - c) * plane + v * stride + u] = val / 127.5 - 1.0;
            }
        }
    }
    tw
}

/// A character the recognizer read, with where it sits along the line (0 = the crop's left
/// edge, 1 = its right edge).
#[derive(Debug, Clone, PartialEq)]
pub struct Glyph {
    pub text: String,
    pub start: f32,
    pub end: f32,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Decoded {
    pub text: String,
    pub confidence: f32,
    pub glyphs: Vec<Glyph>,
}

/// The first index of the largest value. The maximum is found in eight independent lanes,
/// which the compiler turns into vector instructions (a frame has thousands of classes and the
/// scan was a tenth of recognition), then its first position.
fn argmax(row: &[f32]) -> (usize, f32) {
    let mut lanes = [f32::MIN; 8];
    let mut chunks = row.chunks_exact(8);
    for c in &mut chunks {
        for (m, &v) in lanes.iter_mut().zip(c) {
            if v > *m {
                *m = v;
            }
        }
    }
    let mut p = lanes.into_iter().fold(f32::MIN, f32::max);
    for &v in chunks.remainder() {
        p = p.max(v);
    }
    let best = row.iter().position(|&v| v == p).unwrap_or(0);
    (best, p)
}

/// Greedy CTC over one `[frames, classes]` row: index 0 is blank, 1..=n the model's
/// characters, n+1 a space (PaddleOCR's `use_space_char`). `used` is the fraction of the
/// (padded) input width that the line filled.
pub fn ctc_decode(probs: &[f32], classes: usize, charset: &[String], used: f32) -> Decoded {
    let frames = probs.len() / classes;
    let mut text = String::new();
    let mut glyphs: Vec<Glyph> = Vec::new();
    let mut confs = Vec::new();
    let mut prev = usize::MAX;
    let scale = if used > 0.0 { 1.0 / used } else { 1.0 };
    for t in 0..frames {
        let (best, p) = argmax(&probs[t * classes..(t + 1) * classes]);
        let x0 = t as f32 / frames as f32 * scale;
        let x1 = (t + 1) as f32 / frames as f32 * scale;
        if best == prev {
            if best != 0
                && let Some(g) = glyphs.last_mut()
            {
                g.end = x1.min(1.0);
            }
            continue;
        }
        prev = best;
        if best == 0 {
            continue;
        }
        let ch = if best <= charset.len() {
            charset[best - 1].as_str()
        } else {
            " "
        };
        text.push_str(ch);
        confs.push(p);
        glyphs.push(Glyph {
            text: ch.to_string(),
            start: x0.min(1.0),
            end: x1.min(1.0),
        });
    }
    let confidence = if confs.is_empty() {
        0.0
    } else {
        confs.iter().sum::<f32>() / confs.len() as f32
    };
    Decoded {
        text,
        confidence,
        glyphs,
    }
}

fn is_fullwidth_punct(s: &str) -> bool {
    s.chars()
        .any(|c| matches!(c as u32, 0x3000..=0x303F | 0xFF01..=0xFF0F | 0xFF1A..=0xFF20 | 0xFF3B..=0xFF40 | 0xFF5B..=0xFF65))
}

fn is_cjk(s: &str) -> bool {
    s.chars().any(|c| {
        matches!(c as u32, 0x4E00..=0x9FFF | 0x3400..=0x4DBF | 0x3000..=0x303F | 0xFF00..=0xFFEF)
    })
}

/// Word spaces the recognizer dropped (PP-OCRv4's Chinese model often reads "Bill to" as
/// "Billto"): between two read characters, a run of ink-free columns wider than a fraction of
/// the text height is a space. Works on horizontal lines only; `bbox` is the line's box on the
/// page, `glyphs` its characters with page boxes. Returns the glyphs with spaces inserted.
pub fn restore_spaces(
    img: &RgbImage,
    bbox: [f32; 4],
    glyphs: &[(String, [f32; 4])],
) -> Vec<(String, [f32; 4])> {
    let (w, h) = (img.width() as i64, img.height() as i64);
    let x0 = (bbox[0].floor() as i64).clamp(0, w - 1);
    let x1 = (bbox[2].ceil() as i64).clamp(x0 + 1, w);
    let y0 = (bbox[1].floor() as i64).clamp(0, h - 1);
    let y1 = (bbox[3].ceil() as i64).clamp(y0 + 1, h);
    let (cw, ch) = ((x1 - x0) as usize, (y1 - y0) as usize);
    if glyphs.len() < 2 || cw < 4 || ch < 4 {
        return glyphs.to_vec();
    }
    let gray: Vec<f32> = (y0..y1)
        .flat_map(|y| {
            (x0..x1).map(move |x| {
                let p = img.get_pixel(x as u32, y as u32).0;
                0.299 * p[0] as f32 + 0.587 * p[1] as f32 + 0.114 * p[2] as f32
            })
        })
        .collect();
    let mut sorted = gray.clone();
    sorted.sort_by(f32::total_cmp);
    let bg = sorted[sorted.len() / 2];
    let contrast = sorted.iter().map(|v| (v - bg).abs()).fold(0f32, f32::max);
    if contrast < 40.0 {
        return glyphs.to_vec();
    }
    let ink = |v: f32| (v - bg).abs() > 0.25 * contrast;
    let col_ink: Vec<bool> = (0..cw)
        .map(|x| (0..ch).any(|y| ink(gray[y * cw + x])))
        .collect();
    let rows: Vec<usize> = (0..ch)
        .filter(|&y| (0..cw).any(|x| ink(gray[y * cw + x])))
        .collect();
    let ink_h = match (rows.first(), rows.last()) {
        (Some(a), Some(b)) => (b - a + 1) as f32,
        _ => return glyphs.to_vec(),
    };
    // The widest blank between each pair of neighbouring characters' centres.
    let blank = |a: &[f32; 4], b: &[f32; 4]| -> (usize, usize) {
        let a = (((a[0] + a[2]) / 2.0) as i64 - x0).clamp(0, cw as i64) as usize;
        let b = (((b[0] + b[2]) / 2.0) as i64 - x0).clamp(0, cw as i64) as usize;
        let (mut run, mut best, mut at) = (0usize, 0usize, a);
        for (x, &inked) in col_ink.iter().enumerate().take(b).skip(a) {
            if inked {
                run = 0;
            } else {
                run += 1;
                if run > best {
                    best = run;
                    at = x;
                }
            }
        }
        (best, at)
    };
    let blanks: Vec<(usize, usize)> = glyphs.windows(2).map(|p| blank(&p[0].1, &p[1].1)).collect();
    // Letter spacing differs by font (monospace leaves wide blanks beside narrow letters), so
    // a space must also be well over this line's typical blank.
    let mut sorted_blanks: Vec<usize> = blanks.iter().map(|b| b.0).collect();
    sorted_blanks.sort_unstable();
    let typical = sorted_blanks[sorted_blanks.len() / 2] as f32;
    let mut out: Vec<(String, [f32; 4])> = Vec::with_capacity(glyphs.len() + 4);
    for (i, g) in glyphs.iter().enumerate() {
        if i > 0 {
            let prev = &glyphs[i - 1];
            // Full-width punctuation carries its own blank; no space goes beside it.
            let skip = prev.0.trim().is_empty()
                || g.0.trim().is_empty()
                || is_fullwidth_punct(&prev.0)
                || is_fullwidth_punct(&g.0);
            if !skip {
                let (best, at) = blanks[i - 1];
                let both_cjk = is_cjk(&prev.0) && is_cjk(&g.0);
                let tight = |s: &str| s.chars().all(|c| ".,:;!?%)]}'\"-/*".contains(c));
                let open = |s: &str| s.chars().all(|c| "([{$#".contains(c));
                // Punctuation hugs its neighbours unless the gap is wide.
                let mixed = is_cjk(&prev.0) != is_cjk(&g.0);
                let factor = if mixed {
                    0.45
                } else if both_cjk
                    || tight(&g.0)
                    || open(&prev.0)
                    || (tight(&prev.0) && prev.0 == g.0)
                {
                    0.6
                } else {
                    0.2
                };
                let need = (factor * ink_h).max(2.2 * typical).max(2.0);
                if best as f32 >= need {
                    let gx1 = (x0 + at as i64 + 1) as f32;
                    let gx0 = gx1 - best as f32;
                    out.push((" ".to_string(), [gx0, bbox[1], gx1, bbox[3]]));
                }
            }
        }
        out.push(g.clone());
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn onehot(seq: &[usize], classes: usize) -> Vec<f32> {
        let mut v = vec![0.0; seq.len() * classes];
        for (t, &c) in seq.iter().enumerate() {
            v[t * classes + c] = 0.9;
        }
        v
    }

    #[test]
    fn ctc_collapses_repeats_and_blanks() {
        let charset: Vec<String> = ["a", "b", "中"].iter().map(|s| s.to_string()).collect();
        // classes: blank, a, b, 中, space
        let probs = onehot(&[0, 1, 1, 0, 1, 2, 4, 3, 3, 0], 5);
        let d = ctc_decode(&probs, 5, &charset, 1.0);
        assert_eq!(d.text, "aab 中");
        assert!((d.confidence - 0.9).abs() < 1e-6);
        assert_eq!(d.glyphs.len(), 5);
        assert!((d.glyphs[0].start - 0.1).abs() < 1e-6 && (d.glyphs[0].end - 0.3).abs() < 1e-6);
        assert!((d.glyphs[4].end - 0.9).abs() < 1e-6);
    }

    #[test]
    fn argmax_finds_the_first_largest_value() {
        let mut row: Vec<f32> = (0..6906).map(|i| (i % 97) as f32 * 1e-3).collect();
        assert_eq!(argmax(&row), (96, 0.096));
        row[5000] = 0.5;
        row[6905] = 0.5;
        assert_eq!(argmax(&row), (5000, 0.5));
        assert_eq!(argmax(&[0.1, 0.7, 0.2]), (1, 0.7));
        assert_eq!(argmax(&[f32::MIN]), (0, f32::MIN));
    }

    #[test]
    fn tall_crops_are_turned_to_read_left_to_right() {
        let c = LineCrop {
            quad: [[0.0, 0.0], [10.0, 0.0], [10.0, 40.0], [0.0, 40.0]],
        }
        .upright();
        assert_eq!(c.quad[0], [10.0, 0.0]);
        let (w, h) = c.size();
        assert_eq!((w, h), (40.0, 10.0));
    }

    #[test]
    fn a_crop_is_sampled_to_the_line_height() {
        let mut img = RgbImage::from_pixel(100, 20, image::Rgb([255, 255, 255]));
        for x in 0..50 {
            for y in 0..20 {
                img.put_pixel(x, y, image::Rgb([0, 0, 0]));
            }
        }
        let crop = LineCrop {
            quad: [[0.0, 0.0], [100.0, 0.0], [100.0, 20.0], [0.0, 20.0]],
        };
        let stride = 256;
        let mut out = vec![0f32; 3 * LINE_H * stride];
        let w = sample_line(&img, &crop, LINE_H, 400, stride, &mut out);
        assert_eq!(w, 240);
        assert!((out[10] + 1.0).abs() < 1e-6, "left half is black");
        assert!((out[230] - 1.0).abs() < 1e-6, "right half is white");
    }
}

//! A page's slant: estimated from its ink (the angle at which rows of ink, text lines and
//! rules, line up sharpest), cross-checked by the slope of its long text lines, undone on the grey page
//! and the OCR geometry so that boxes and underlines are found level, and undone again on
//! every box found, which is reported in the pixels of the image as sent.

use image::GrayImage;

use crate::ocr::Line;
use crate::ocr::geom::{BBox, Pt};

/// Slants under this (degrees) are left alone: boxes a pixel or two off.
const MIN_DEG: f32 = 0.15;
/// Slants over this are not a scan's skew (a turned page is the OCR's business).
const MAX_DEG: f32 = 4.0;

/// A rotation about the page centre, onto a canvas large enough to hold the turned page.
#[derive(Debug, Clone, Copy)]
pub struct Turn {
    /// The text's slope, radians; positive when lines fall to the right (y grows downwards).
    angle: f32,
    from_c: Pt,
    to_c: Pt,
    w: u32,
    h: u32,
    src_w: u32,
    src_h: u32,
}

/// The page's slant in degrees, from the top edges of its long lines (median, weighted by
/// length); None with too few lines to tell.
pub fn estimate(lines: &[Line]) -> Option<f32> {
    let mut slopes: Vec<(f32, f32)> = lines
        .iter()
        .filter_map(|l| {
            let [tl, tr, br, bl] = l.quad;
            let len = ((tr[0] - tl[0]).powi(2) + (tr[1] - tl[1]).powi(2)).sqrt();
            let tall = ((bl[0] - tl[0]).powi(2) + (bl[1] - tl[1]).powi(2)).sqrt();
            // Short lines' slopes are too coarse to trust.
            if len < 3.0 * tall || l.text.chars().count() < 3 {
                return None;
            }
            let top = (tr[1] - tl[1]).atan2(tr[0] - tl[0]);
            let bottom = (br[1] - bl[1]).atan2(br[0] - bl[0]);
            Some(((top + bottom).to_degrees() / 2.0, len))
        })
        .collect();
    if slopes.len() < 3 {
        return None;
    }
    slopes.sort_by(|a, b| a.0.total_cmp(&b.0));
    let half = slopes.iter().map(|s| s.1).sum::<f32>() / 2.0;
    let mut acc = 0.0;
    for (deg, len) in &slopes {
        acc += len;
        if acc >= half {
            return Some(*deg);
        }
    }
    None
}

fn rotate(p: Pt, c: Pt, to: Pt, angle: f32) -> Pt {
    let (s, k) = angle.sin_cos();
    let (x, y) = (p[0] - c[0], p[1] - c[1]);
    [x * k - y * s + to[0], x * s + y * k + to[1]]
}

/// The page's slant in degrees from its ink: the angle within ±`MAX_DEG` at which the ink's
/// projection onto the vertical is sharpest (rules and text lines each falling into a few
/// rows), searched at 0.1° and then at 0.01°.
pub fn estimate_ink(gray: &GrayImage, ink_at: u8) -> f32 {
    let w = gray.width() as usize;
    // Every other column is plenty and keeps this a few milliseconds (every row: thin rules
    // must keep all their pixels).
    let pts: Vec<(f32, f32)> = gray
        .as_raw()
        .iter()
        .enumerate()
        .filter(|(i, v)| **v <= ink_at && (i % w).is_multiple_of(2))
        .map(|(i, _)| ((i % w) as f32, (i / w) as f32))
        .collect();
    if pts.len() < 100 {
        return 0.0;
    }
    let h = gray.height() as f32;
    let span = h + gray.width() as f32 * MAX_DEG.to_radians().tan() * 2.0 + 4.0;
    let mut rows = vec![0u32; span as usize + 1];
    let off = gray.width() as f32 * MAX_DEG.to_radians().tan() + 2.0;
    let mut sharpness = |deg: f32| -> f64 {
        rows.iter_mut().for_each(|r| *r = 0);
        let t = deg.to_radians().tan();
        for &(x, y) in &pts {
            let r = (y - x * t + off) as usize;
            if let Some(c) = rows.get_mut(r) {
                *c += 1;
            }
        }
        rows.iter().map(|&c| (c as f64) * (c as f64)).sum()
    };
    let search = |from: f32, step: f32, n: i32, f: &mut dyn FnMut(f32) -> f64| -> f32 {
        (-n..=n)
            .map(|k| from + k as f32 * step)
            .map(|d| (d, f(d)))
            .max_by(|a, b| a.1.total_cmp(&b.1))
            .map_or(0.0, |(d, _)| d)
    };
    let coarse = search(0.0, 0.1, (MAX_DEG * 10.0) as i32, &mut sharpness);
    search(coarse, 0.01, 10, &mut sharpness)
}

impl Turn {
    /// The turn that levels a page, or None when it is level enough already.
    pub fn for_page(page: &crate::ocr::Page, gray: &GrayImage) -> Option<Turn> {
        let deg = estimate_ink(gray, super::regions::ink_level(gray));
        if deg.abs() < MIN_DEG || deg.abs() > MAX_DEG {
            return None;
        }
        Some(Turn::new(deg.to_radians(), page.width, page.height))
    }

    pub fn new(angle: f32, src_w: u32, src_h: u32) -> Turn {
        let (s, k) = (angle.sin().abs(), angle.cos().abs());
        let (fw, fh) = (src_w as f32, src_h as f32);
        let w = (fw * k + fh * s).ceil() as u32;
        let h = (fw * s + fh * k).ceil() as u32;
        Turn {
            angle,
            from_c: [fw / 2.0, fh / 2.0],
            to_c: [w as f32 / 2.0, h as f32 / 2.0],
            w,
            h,
            src_w,
            src_h,
        }
    }

    /// A point of the sent image on the levelled page.
    pub fn level(&self, p: Pt) -> Pt {
        rotate(p, self.from_c, self.to_c, -self.angle)
    }

    /// A point of the levelled page in the sent image.
    pub fn unlevel(&self, p: Pt) -> Pt {
        rotate(p, self.to_c, self.from_c, self.angle)
    }

    /// The grey page levelled (bilinear; what falls outside the sent image is paper).
    pub fn straighten(&self, gray: &GrayImage) -> GrayImage {
        let (sw, sh) = (gray.width() as i64, gray.height() as i64);
        let src = gray.as_raw();
        // The corners the turn brings in are paper, of the page's own tone: white there would
        // outnumber a toned scan's paper, whose noise spreads it over several levels.
        let paper = f32::from(super::regions::paper_level(gray));
        let px = |x: i64, y: i64| -> f32 {
            if x < 0 || y < 0 || x >= sw || y >= sh {
                paper
            } else {
                src[(y * sw + x) as usize] as f32
            }
        };
        GrayImage::from_fn(self.w, self.h, |x, y| {
            let [fx, fy] = self.unlevel([x as f32 + 0.5, y as f32 + 0.5]);
            let (fx, fy) = (fx - 0.5, fy - 0.5);
            let (x0, y0) = (fx.floor(), fy.floor());
            let (ax, ay) = (fx - x0, fy - y0);
            let (x0, y0) = (x0 as i64, y0 as i64);
            let v = px(x0, y0) * (1.0 - ax) * (1.0 - ay)
                + px(x0 + 1, y0) * ax * (1.0 - ay)
                + px(x0, y0 + 1) * (1.0 - ax) * ay
                + px(x0 + 1, y0 + 1) * ax * ay;
            image::Luma([v.round().clamp(0.0, 255.0) as u8])
        })
    }

    /// OCR lines moved onto the levelled page: quads turned, boxes the quads' bounds, each
    /// glyph kept at its width and moved with its centre.
    pub fn lines(&self, lines: &[Line]) -> Vec<Line> {
        lines
            .iter()
            .map(|l| {
                let quad = l.quad.map(|p| self.level(p));
                let bbox = bounds(&quad);
                // (A line read down or up the page keeps its glyphs' places along it.)
                let tall = bbox[3] - bbox[1] >= 1.5 * (bbox[2] - bbox[0]);
                let glyphs = l
                    .glyphs
                    .iter()
                    .map(|(g, b)| {
                        let c = self.level([(b[0] + b[2]) / 2.0, (b[1] + b[3]) / 2.0]);
                        let (hw, hh) = ((b[2] - b[0]) / 2.0, (b[3] - b[1]) / 2.0);
                        let b = if tall {
                            [bbox[0], c[1] - hh, bbox[2], c[1] + hh]
                        } else {
                            [c[0] - hw, bbox[1], c[0] + hw, bbox[3]]
                        };
                        (g.clone(), b)
                    })
                    .collect();
                Line {
                    text: l.text.clone(),
                    quad,
                    bbox,
                    confidence: l.confidence,
                    glyphs,
                }
            })
            .collect()
    }

    /// A box of the levelled page as a box of the sent image: the bounds of its turned
    /// corners, within the image.
    pub fn back(&self, b: &BBox) -> BBox {
        let corners =
            [[b[0], b[1]], [b[2], b[1]], [b[2], b[3]], [b[0], b[3]]].map(|p| self.unlevel(p));
        let r = bounds(&corners);
        [
            r[0].max(0.0),
            r[1].max(0.0),
            r[2].min(self.src_w as f32),
            r[3].min(self.src_h as f32),
        ]
    }
}

fn bounds(pts: &[Pt; 4]) -> BBox {
    let mut b = [f32::MAX, f32::MAX, f32::MIN, f32::MIN];
    for p in pts {
        b[0] = b[0].min(p[0]);
        b[1] = b[1].min(p[1]);
        b[2] = b[2].max(p[0]);
        b[3] = b[3].max(p[1]);
    }
    b
}

#[cfg(test)]
mod tests {
    use super::*;

    fn line(tl: Pt, len: f32, h: f32, deg: f32) -> Line {
        let a = deg.to_radians();
        let (s, k) = a.sin_cos();
        let tr = [tl[0] + len * k, tl[1] + len * s];
        let bl = [tl[0] - h * s, tl[1] + h * k];
        let br = [tr[0] - h * s, tr[1] + h * k];
        let quad = [tl, tr, br, bl];
        Line {
            text: "some words".into(),
            quad,
            bbox: bounds(&quad),
            confidence: 0.9,
            glyphs: vec![],
        }
    }

    #[test]
    fn the_slant_is_the_long_lines_slope() {
        let lines: Vec<Line> = (0..6)
            .map(|i| line([50.0, 40.0 + 40.0 * i as f32], 400.0, 20.0, 1.2))
            .chain([line([50.0, 400.0], 30.0, 20.0, -20.0)])
            .collect();
        let deg = estimate(&lines).unwrap();
        assert!((deg - 1.2).abs() < 0.01, "{deg}");
        assert_eq!(estimate(&lines[..2]), None, "too few lines to tell");
    }

    #[test]
    fn levelling_and_back_are_inverse_and_text_comes_out_level() {
        let t = Turn::new(1.5f32.to_radians(), 800, 1000);
        let p = [123.0, 456.0];
        let q = t.unlevel(t.level(p));
        assert!(
            (p[0] - q[0]).abs() < 1e-3 && (p[1] - q[1]).abs() < 1e-3,
            "{q:?}"
        );
        let l = t.lines(&[line([100.0, 200.0], 500.0, 20.0, 1.5)]).remove(0);
        assert!((l.quad[0][1] - l.quad[1][1]).abs() < 0.05, "{:?}", l.quad);
        assert!((l.bbox[3] - l.bbox[1] - 20.0).abs() < 0.1, "{:?}", l.bbox);
        // A level box maps back to the bounds of the slanted one.
        let b = t.back(&l.bbox);
        let want = bounds(&line([100.0, 200.0], 500.0, 20.0, 1.5).quad);
        for k in 0..4 {
            assert!((b[k] - want[k]).abs() < 0.6, "{b:?} vs {want:?}");
        }
    }

    #[test]
    fn the_ink_tells_the_slant() {
        for deg in [-1.7f32, -0.4, 0.0, 0.35, 2.2] {
            let t = deg.to_radians().tan();
            let mut g = GrayImage::from_pixel(600, 400, image::Luma([240]));
            // Rules and dashed "text" rows at the slant.
            for row in 0..8 {
                for x in 40..560 {
                    let y = 40.0 + 40.0 * row as f32 + (x as f32 - 300.0) * t;
                    if row % 2 == 0 || (x / 6) % 2 == 0 {
                        g.put_pixel(x, y.round() as u32, image::Luma([30]));
                    }
                }
            }
            let got = estimate_ink(&g, 200);
            assert!((got - deg).abs() <= 0.1, "{deg}: {got}");
        }
    }

    #[test]
    fn a_slanted_rule_comes_out_level() {
        let t = Turn::new(2.0f32.to_radians(), 400, 200);
        let mut g = GrayImage::from_pixel(400, 200, image::Luma([255]));
        // A rule drawn at the slant: after levelling its ink sits on one or two rows.
        for x in 50..350 {
            let y = 100.0 + (x as f32 - 200.0) * 2.0f32.to_radians().tan();
            g.put_pixel(x, y.round() as u32, image::Luma([0]));
        }
        let s = t.straighten(&g);
        let rows: Vec<u32> = (0..s.height())
            .filter(|&y| {
                (0..s.width())
                    .filter(|&x| s.get_pixel(x, y)[0] < 160)
                    .count()
                    > 100
            })
            .collect();
        assert!(!rows.is_empty() && rows.len() <= 2, "{rows:?}");
    }
}

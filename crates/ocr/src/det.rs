//! Text detection: the PP-OCRv4 DB detector's input (resize to multiples of 32, normalise, BGR
//! CHW) and its post-processing (threshold, dilation, connected regions, minimum-area
//! rectangles, box score, unclip, minimum size), and tiling for pages too large to run whole.
//! The model run itself is `OcrEngine`'s; everything here is pure and unit-tested.

use image::RgbImage;

use crate::geom::{self, Pt, RotRect};

#[derive(Debug, Clone)]
pub struct DetParams {
    /// Probability above which a pixel is text.
    pub thresh: f32,
    /// Mean probability inside a box below which the box is dropped.
    pub box_thresh: f32,
    /// How far boxes grow back out (DB shrinks text regions when training).
    pub unclip_ratio: f32,
    /// Boxes with a shorter side under this (model pixels) are noise.
    pub min_size: f32,
    pub max_candidates: usize,
    /// The shorter side is scaled up to at least this many pixels before detection.
    pub min_side: u32,
    /// Pages with a longer side above this are cut into tiles rather than scaled down, so that
    /// small text keeps its pixels.
    pub max_side: u32,
    /// Tile size and overlap for such pages.
    pub tile: u32,
    pub tile_overlap: u32,
    /// A page with a longer side over this is first detected scaled down to it (0: never).
    /// When the text found there is at least `probe_text_px` tall at that scale, those boxes
    /// are the answer; else the page is detected again at full size. Text that big needs no
    /// more pixels, and a 150-dpi A4 page detects in a third of the time.
    pub probe_side: u32,
    pub probe_text_px: f32,
}

impl Default for DetParams {
    fn default() -> Self {
        DetParams {
            thresh: 0.3,
            box_thresh: 0.5,
            unclip_ratio: 1.6,
            min_size: 3.0,
            max_candidates: 1000,
            min_side: 736,
            max_side: 2048,
            tile: 1536,
            tile_overlap: 160,
            probe_side: 1024,
            probe_text_px: 14.0,
        }
    }
}

/// A detected text region in pixels of the page.
#[derive(Debug, Clone)]
pub struct DetBox {
    /// Top-left, top-right, bottom-right, bottom-left.
    pub quad: [Pt; 4],
    pub score: f32,
}

/// The network input for one image: size rounded to multiples of 32 after scaling, as
/// PaddleOCR does, BGR planes normalised to [-1, 1].
pub struct DetInput {
    pub data: Vec<f32>,
    pub width: usize,
    pub height: usize,
    /// Multiply model coordinates by these to get image coordinates.
    pub scale_x: f32,
    pub scale_y: f32,
}

/// Median height of the boxes, in page pixels; `None` when too few to tell.
pub fn median_height(boxes: &[DetBox]) -> Option<f32> {
    if boxes.len() < 3 {
        return None;
    }
    let mut h: Vec<f32> = boxes
        .iter()
        .map(|b| geom::dist(b.quad[0], b.quad[3]).min(geom::dist(b.quad[0], b.quad[1])))
        .collect();
    h.sort_by(f32::total_cmp);
    Some(h[h.len() / 2])
}

/// The network input for `img`, its longer side scaled to at most `long_side` when given.
pub fn det_input_within(img: &RgbImage, p: &DetParams, long_side: Option<u32>) -> DetInput {
    let long = img.width().max(img.height()) as f32;
    match long_side {
        // Only the scaled input is built: the full-size one it replaces took longer to resize
        // than the probe takes to run.
        Some(cap) if long > cap as f32 => {
            let r = cap as f32 / long;
            let round32 = |v: f32| (((v * r) / 32.0).round() as usize * 32).max(32);
            let (rw, rh) = (round32(img.width() as f32), round32(img.height() as f32));
            DetInput {
                data: resize_normalized(img, rw, rh),
                width: rw,
                height: rh,
                scale_x: img.width() as f32 / rw as f32,
                scale_y: img.height() as f32 / rh as f32,
            }
        }
        _ => det_input(img, p),
    }
}

pub fn det_input(img: &RgbImage, p: &DetParams) -> DetInput {
    let (w, h) = (img.width() as f32, img.height() as f32);
    let (short, long) = (w.min(h), w.max(h));
    let up = if short < p.min_side as f32 {
        p.min_side as f32 / short
    } else {
        1.0
    };
    // The long side never passes max_side (so neither do the pixels, max_side squared): scaling
    // a thin strip's short side up to min_side would otherwise take gigabytes.
    let ratio = up.min(p.max_side as f32 / long);
    let round32 = |v: f32| ((((v * ratio) as i64) as f32 / 32.0).round() as usize * 32).max(32);
    let (rw, rh) = (round32(w), round32(h));
    let data = resize_normalized(img, rw, rh);
    DetInput {
        data,
        width: rw,
        height: rh,
        scale_x: w / rw as f32,
        scale_y: h / rh as f32,
    }
}

/// Bilinear resize (pixel centres aligned, as cv2.INTER_LINEAR) straight into normalised BGR
/// CHW planes.
pub fn resize_normalized(img: &RgbImage, rw: usize, rh: usize) -> Vec<f32> {
    let (w, h) = (img.width() as usize, img.height() as usize);
    let src = img.as_raw();
    let plane = rw * rh;
    let mut out = vec![0f32; plane * 3];
    let sx = w as f32 / rw as f32;
    let sy = h as f32 / rh as f32;
    let xs: Vec<(usize, usize, f32)> = (0..rw)
        .map(|x| {
            let fx = ((x as f32 + 0.5) * sx - 0.5).max(0.0);
            let x0 = (fx as usize).min(w - 1);
            let x1 = (x0 + 1).min(w - 1);
            (x0, x1, fx - x0 as f32)
        })
        .collect();
    for y in 0..rh {
        let fy = ((y as f32 + 0.5) * sy - 0.5).max(0.0);
        let y0 = (fy as usize).min(h - 1);
        let y1 = (y0 + 1).min(h - 1);
        let ty = fy - y0 as f32;
        let r0 = &src[y0 * w * 3..(y0 + 1) * w * 3];
        let r1 = &src[y1 * w * 3..(y1 + 1) * w * 3];
        for (x, &(x0, x1, tx)) in xs.iter().enumerate() {
            for c in 0..3 {
                let a = r0[x0 * 3 + c] as f32;
                let b = r0[x1 * 3 + c] as f32;
                let cc = r1[x0 * 3 + c] as f32;
                let d = r1[x1 * 3 + c] as f32;
                let top = a + (b - a) * tx;
                let bot = cc + (d - cc) * tx;
                let v = top + (bot - top) * ty;
                // RGB in, BGR planes out.
                out[(2 - c) * plane + y * rw + x] = v / 127.5 - 1.0;
            }
        }
    }
    out
}

/// Where a probability map lies on the image.
#[derive(Debug, Clone, Copy)]
pub struct MapGeom {
    /// The map's size.
    pub width: usize,
    pub height: usize,
    /// Map pixels to image pixels.
    pub scale_x: f32,
    pub scale_y: f32,
    /// The image's size (boxes are clipped to it).
    pub img_w: u32,
    pub img_h: u32,
}

/// Boxes from the probability map, in image pixels.
pub fn boxes_from_map(prob: &[f32], g: MapGeom, p: &DetParams) -> Vec<DetBox> {
    let MapGeom {
        width,
        height,
        scale_x,
        scale_y,
        img_w,
        img_h,
    } = g;
    // Threshold, then a 2x2 dilation (as PaddleOCR's use_dilation).
    let bin: Vec<bool> = prob.iter().map(|&v| v > p.thresh).collect();
    let mut mask = vec![false; bin.len()];
    for y in 0..height {
        for x in 0..width {
            let i = y * width + x;
            mask[i] = bin[i]
                || (x > 0 && bin[i - 1])
                || (y > 0 && bin[i - width])
                || (x > 0 && y > 0 && bin[i - width - 1]);
        }
    }
    let regions = components(&mask, width, height);
    let mut out = Vec::new();
    for region in regions.into_iter().take(p.max_candidates) {
        let mut pts = region;
        let hull = geom::convex_hull(&mut pts);
        let rect = geom::min_area_rect(&hull);
        if rect.min_side() < p.min_size {
            continue;
        }
        let score = mean_in_quad(prob, width, height, &rect.quad());
        if score < p.box_thresh {
            continue;
        }
        // Unclip: offsetting a rectangle by d with round joins and taking the minimum-area
        // rectangle again is the rectangle grown by d on each side.
        let perimeter = 2.0 * (rect.w + rect.h);
        if perimeter <= 0.0 {
            continue;
        }
        let d = rect.w * rect.h * p.unclip_ratio / perimeter;
        let grown: RotRect = rect.grown(d);
        if grown.min_side() < p.min_size + 2.0 {
            continue;
        }
        let q = grown.quad().map(|[x, y]| {
            [
                (x * scale_x).round().clamp(0.0, img_w as f32 - 1.0),
                (y * scale_y).round().clamp(0.0, img_h as f32 - 1.0),
            ]
        });
        let q = geom::order_quad(q);
        let rw = geom::dist(q[0], q[1]);
        let rh = geom::dist(q[0], q[3]);
        if rw <= 3.0 || rh <= 3.0 {
            continue;
        }
        out.push(DetBox { quad: q, score });
    }
    out
}

/// 8-connected regions of the mask; each as its boundary pixels (pixel centres), which is all
/// the convex hull needs.
fn components(mask: &[bool], width: usize, height: usize) -> Vec<Vec<Pt>> {
    let mut label = vec![u32::MAX; mask.len()];
    let mut out = Vec::new();
    let mut stack = Vec::new();
    for start in 0..mask.len() {
        if !mask[start] || label[start] != u32::MAX {
            continue;
        }
        let id = out.len() as u32;
        let mut boundary = Vec::new();
        label[start] = id;
        stack.push(start);
        while let Some(i) = stack.pop() {
            let (x, y) = (i % width, i / width);
            let mut edge = x == 0 || y == 0 || x + 1 == width || y + 1 == height;
            for dy in -1i64..=1 {
                for dx in -1i64..=1 {
                    if dx == 0 && dy == 0 {
                        continue;
                    }
                    let (nx, ny) = (x as i64 + dx, y as i64 + dy);
                    if nx < 0 || ny < 0 || nx >= width as i64 || ny >= height as i64 {
                        continue;
                    }
                    let j = ny as usize * width + nx as usize;
                    if !mask[j] {
                        if dx == 0 || dy == 0 {
                            edge = true;
                        }
                        continue;
                    }
                    if label[j] == u32::MAX {
                        label[j] = id;
                        stack.push(j);
                    }
                }
            }
            if edge {
                boundary.push([x as f32, y as f32]);
            }
        }
        out.push(boundary);
    }
    out
}

/// Mean probability over the pixels whose centres fall inside a convex quad.
fn mean_in_quad(prob: &[f32], width: usize, height: usize, q: &[Pt; 4]) -> f32 {
    let bb = geom::quad_bbox(q);
    let y0 = bb[1].floor().max(0.0) as usize;
    let y1 = (bb[3].ceil() as usize).min(height - 1);
    let (mut sum, mut n) = (0f64, 0usize);
    for y in y0..=y1 {
        let fy = y as f32;
        // The x-interval of the quad on this row.
        let (mut lo, mut hi) = (f32::MAX, f32::MIN);
        for k in 0..4 {
            let a = q[k];
            let b = q[(k + 1) % 4];
            if (a[1] - fy) * (b[1] - fy) <= 0.0 && a[1] != b[1] {
                let t = (fy - a[1]) / (b[1] - a[1]);
                let x = a[0] + t * (b[0] - a[0]);
                lo = lo.min(x);
                hi = hi.max(x);
            } else if a[1] == fy && b[1] == fy {
                lo = lo.min(a[0].min(b[0]));
                hi = hi.max(a[0].max(b[0]));
            }
        }
        if lo > hi {
            continue;
        }
        let x0 = lo.round().max(0.0) as usize;
        let x1 = (hi.round().max(0.0) as usize).min(width - 1);
        for x in x0..=x1 {
            sum += prob[y * width + x] as f64;
            n += 1;
        }
    }
    if n == 0 { 0.0 } else { (sum / n as f64) as f32 }
}

/// Tiles `[x, y, w, h]` covering a `w` x `h` page with the given size and overlap.
pub fn tiles(w: u32, h: u32, tile: u32, overlap: u32) -> Vec<[u32; 4]> {
    let starts = |len: u32| -> Vec<u32> {
        if len <= tile {
            return vec![0];
        }
        let step = tile - overlap;
        let mut v: Vec<u32> = (0..)
            .map(|i| i * step)
            .take_while(|&s| s + tile < len)
            .collect();
        v.push(len - tile);
        v
    };
    let mut out = Vec::new();
    for &y in &starts(h) {
        for &x in &starts(w) {
            out.push([x, y, tile.min(w), tile.min(h)]);
        }
    }
    out
}

/// Merges boxes found in overlapping tiles: a box mostly inside another is dropped, and boxes
/// on one text line that overlap (a line cut by a tile edge) are joined.
pub fn merge_tiled(mut boxes: Vec<DetBox>) -> Vec<DetBox> {
    boxes.sort_by(|a, b| {
        let (ba, bb) = (geom::quad_bbox(&a.quad), geom::quad_bbox(&b.quad));
        geom::area(&bb).total_cmp(&geom::area(&ba))
    });
    let mut kept: Vec<DetBox> = Vec::new();
    'next: for b in boxes {
        let bb = geom::quad_bbox(&b.quad);
        for k in kept.iter_mut() {
            let kb = geom::quad_bbox(&k.quad);
            let inter = geom::intersection(&kb, &bb);
            if inter <= 0.0 {
                continue;
            }
            if inter >= 0.8 * geom::area(&bb) {
                continue 'next;
            }
            if geom::v_overlap(&kb, &bb) > 0.7 {
                let u = geom::union(&kb, &bb);
                k.quad = [[u[0], u[1]], [u[2], u[1]], [u[2], u[3]], [u[0], u[3]]];
                k.score = k.score.max(b.score);
                continue 'next;
            }
        }
        kept.push(b);
    }
    kept
}

#[cfg(test)]
mod tests {
    use super::*;

    fn geom_of(w: usize, h: usize) -> MapGeom {
        MapGeom {
            width: w,
            height: h,
            scale_x: 1.0,
            scale_y: 1.0,
            img_w: w as u32,
            img_h: h as u32,
        }
    }

    #[test]
    fn the_probe_scales_the_longer_side_and_measures_text_height() {
        let img = RgbImage::new(1240, 1754);
        let p = DetParams::default();
        let full = det_input_within(&img, &p, None);
        assert_eq!((full.width, full.height), (1248, 1760));
        let probe = det_input_within(&img, &p, Some(1024));
        assert_eq!((probe.width, probe.height), (736, 1024));
        assert!((probe.scale_y - 1754.0 / 1024.0).abs() < 1e-3);
        // A page already under the cap is left as it is.
        let small = RgbImage::new(800, 600);
        let a = det_input_within(&small, &p, Some(1024));
        let b = det_input(&small, &p);
        assert_eq!((a.width, a.height), (b.width, b.height));

        let line = |y: f32, h: f32| DetBox {
            quad: [[0.0, y], [300.0, y], [300.0, y + h], [0.0, y + h]],
            score: 0.9,
        };
        assert_eq!(median_height(&[line(0.0, 30.0), line(40.0, 30.0)]), None);
        let boxes = [line(0.0, 30.0), line(40.0, 34.0), line(80.0, 12.0)];
        assert_eq!(median_height(&boxes), Some(30.0));
    }

    #[test]
    fn one_bar_becomes_one_grown_box() {
        // A 40 x 6 bar of text probability in a 64 x 32 map.
        let (w, h) = (64, 32);
        let mut prob = vec![0f32; w * h];
        for y in 10..16 {
            for x in 10..50 {
                prob[y * w + x] = 0.9;
            }
        }
        let boxes = boxes_from_map(&prob, geom_of(w, h), &DetParams::default());
        assert_eq!(boxes.len(), 1);
        let b = geom::quad_bbox(&boxes[0].quad);
        // d = 40*6*1.6/(2*46) ≈ 4.2 (the dilation adds one pixel at the top and left).
        assert!(
            (b[0] - 5.0).abs() <= 1.5 && (b[2] - 53.0).abs() <= 1.5,
            "{b:?}"
        );
        assert!(
            (b[1] - 5.0).abs() <= 1.5 && (b[3] - 19.0).abs() <= 1.5,
            "{b:?}"
        );
        assert!(boxes[0].score > 0.7, "{}", boxes[0].score);
    }

    #[test]
    fn faint_and_tiny_regions_are_dropped() {
        let (w, h) = (32, 32);
        let mut prob = vec![0f32; w * h];
        prob[5 * w + 5] = 0.9; // one pixel
        for y in 10..20 {
            for x in 10..20 {
                prob[y * w + x] = 0.35; // over thresh, under box_thresh
            }
        }
        assert!(boxes_from_map(&prob, geom_of(w, h), &DetParams::default()).is_empty());
    }

    /// Thin strips and tiny images are scaled within max_side: a 1x2048 strip used to become
    /// 736x1507328 (13 GB of floats).
    #[test]
    fn the_network_input_stays_within_max_side() {
        let p = DetParams::default();
        for (w, h) in [
            (1, 2048),
            (2048, 1),
            (2, 2048),
            (4, 1000),
            (20, 2000),
            (300, 3),
            (5, 5),
        ] {
            let input = det_input(&RgbImage::new(w, h), &p);
            let bound = p.max_side as usize + 32;
            assert!(
                input.width <= bound && input.height <= bound,
                "{w}x{h} -> {}x{}",
                input.width,
                input.height
            );
            assert_eq!(input.data.len(), 3 * input.width * input.height);
        }
        // Ordinary pages still get their short side scaled up to min_side.
        let input = det_input(&RgbImage::new(600, 400), &p);
        assert_eq!((input.width, input.height), (1120, 736));
    }

    #[test]
    fn tiles_cover_the_page() {
        let t = tiles(4000, 1000, 1536, 160);
        assert_eq!(t.len(), 3);
        assert_eq!(t.last().map(|t| t[0] + t[2]), Some(4000));
        assert!(t.iter().all(|t| t[3] == 1000));
        assert_eq!(tiles(800, 600, 1536, 160), vec![[0, 0, 800, 600]]);
    }

    #[test]
    fn input_is_a_multiple_of_32_and_scaled_up_when_small() {
        let img = RgbImage::from_pixel(300, 200, image::Rgb([255, 255, 255]));
        let d = det_input(&img, &DetParams::default());
        assert_eq!((d.width % 32, d.height % 32), (0, 0));
        assert_eq!(d.height, 736);
        assert!((d.data[0] - 1.0).abs() < 1e-6);
        // Scaling the short side to 736 would take the long side past max_side: it stops there.
        let img = RgbImage::from_pixel(300, 100, image::Rgb([255, 255, 255]));
        let d = det_input(&img, &DetParams::default());
        assert_eq!((d.width, d.height), (2048, 672));
    }
}

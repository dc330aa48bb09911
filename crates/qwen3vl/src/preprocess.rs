//! Image preprocessing for Qwen3-VL, bit-for-bit with the reference's processors, on images the
//! caller decoded (EXIF orientation applied, alpha over white, as the reference's
//! `convert_to_rgb`): smart-resize to multiples of 32 within a pixel budget, bicubic resampling
//! as torchvision does it (transformers 5's default "fast" processor, and every video
//! processor) or as Pillow does it (the "slow" one), rescale and normalise, and patch
//! flattening in merge-block order. Pure CPU work; callers run it off the async workers.

use image::RgbImage;

/// How images are resampled to the model's size.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub enum ImageResize {
    /// torchvision's `resize(BICUBIC, antialias=True)`: float32 arithmetic on the uint8 image,
    /// rounded back to uint8; then rescale and normalise fused, as transformers' torchvision
    /// backend does. What transformers 5 loads for Qwen3-VL by default, and what its video
    /// processor always does.
    #[default]
    Torchvision,
    /// Pillow's `Image.resize(BICUBIC)` (fixed point, 8 bits between the passes); then
    /// rescale and normalise as transformers' PIL backend does.
    Pil,
}

#[derive(Debug, Clone, PartialEq)]
pub struct VisionConfig {
    pub resize: ImageResize,
    pub patch_size: usize,
    pub temporal_patch_size: usize,
    pub merge_size: usize,
    pub min_pixels: usize,
    pub max_pixels: usize,
    pub mean: [f32; 3],
    pub std: [f32; 3],
}

impl Default for VisionConfig {
    /// Qwen3-VL's published preprocessor values.
    fn default() -> Self {
        VisionConfig {
            resize: ImageResize::Torchvision,
            patch_size: 16,
            temporal_patch_size: 2,
            merge_size: 2,
            min_pixels: 65_536,
            max_pixels: 16_777_216,
            mean: [0.5; 3],
            std: [0.5; 3],
        }
    }
}

#[derive(Debug, thiserror::Error, PartialEq)]
pub enum PreprocessError {
    #[error("image is {h}x{w}: the aspect ratio must be at most 200")]
    AspectRatio { h: usize, w: usize },
    #[error("image has no pixels")]
    Empty,
    #[error("image is {h}x{w}: a resized image's sides must be multiples of {factor}")]
    NotSized { h: usize, w: usize, factor: usize },
}

/// Flattened patches of one image or video and its grid.
#[derive(Debug, Clone)]
pub struct Patches {
    /// `rows x (3 * temporal_patch_size * patch_size^2)`, row-major.
    pub values: Vec<f32>,
    pub grid: [usize; 3],
}

impl Patches {
    pub fn row_len(c: &VisionConfig) -> usize {
        3 * c.temporal_patch_size * c.patch_size * c.patch_size
    }
}

/// Python's and numpy's round(): halves go to the even neighbour.
pub fn round_half_even(x: f64) -> f64 {
    let r = x.round();
    if (x - x.trunc()).abs() == 0.5 {
        2.0 * (x / 2.0).round()
    } else {
        r
    }
}

/// The reference's smart_resize: the target (height, width), multiples of `factor`, with
/// height*width within [min_pixels, max_pixels] and the aspect ratio kept.
pub fn smart_resize(
    h: usize,
    w: usize,
    factor: usize,
    min_pixels: usize,
    max_pixels: usize,
) -> Result<(usize, usize), PreprocessError> {
    if h == 0 || w == 0 {
        return Err(PreprocessError::Empty);
    }
    // transformers 5's image smart_resize takes the sides as they are (its video one, and the
    // reference's sketch, first scale a side under `factor` up to it: not for images).
    let (h, w) = (h as f64, w as f64);
    let f = factor as f64;
    if h.max(w) / h.min(w) > 200.0 {
        return Err(PreprocessError::AspectRatio {
            h: h as usize,
            w: w as usize,
        });
    }
    let mut hb = round_half_even(h / f) * f;
    let mut wb = round_half_even(w / f) * f;
    if hb * wb > max_pixels as f64 {
        let beta = (h * w / max_pixels as f64).sqrt();
        hb = f.max((h / beta / f).floor() * f);
        wb = f.max((w / beta / f).floor() * f);
    } else if hb * wb < min_pixels as f64 {
        let beta = (min_pixels as f64 / (h * w)).sqrt();
        hb = (h * beta / f).ceil() * f;
        wb = (w * beta / f).ceil() * f;
    }
    // Only a budget of 0 pixels could leave a side at 0; no image is empty.
    Ok((hb.max(f) as usize, wb.max(f) as usize))
}

// --- Pillow's bicubic resampling (Resample.c), 8 bits per channel -------------------------------

const PRECISION_BITS: u32 = 32 - 8 - 2;

fn bicubic(x: f64) -> f64 {
    const A: f64 = -0.5;
    let x = x.abs();
    if x < 1.0 {
        ((A + 2.0) * x - (A + 3.0)) * x * x + 1.0
    } else if x < 2.0 {
        (((x - 5.0) * x + 8.0) * x - 4.0) * A
    } else {
        0.0
    }
}

/// Per output pixel: first input index and count, and fixed-point weights with `precision`
/// fractional bits.
struct Coeffs {
    ksize: usize,
    bounds: Vec<(usize, usize)>,
    weights: Vec<i32>,
    precision: u32,
}

fn coeffs(in_size: usize, out_size: usize) -> Coeffs {
    let scale = in_size as f64 / out_size as f64;
    let filterscale = scale.max(1.0);
    let support = 2.0 * filterscale;
    let ksize = support.ceil() as usize * 2 + 1;
    let mut bounds = Vec::with_capacity(out_size);
    let mut weights = vec![0i32; out_size * ksize];
    let mut k = vec![0f64; ksize];
    for xx in 0..out_size {
        let center = (xx as f64 + 0.5) * scale;
        let ss = 1.0 / filterscale;
        // C casts truncate toward zero.
        let xmin = ((center - support + 0.5) as i64).max(0) as usize;
        let xmax = ((center + support + 0.5) as i64).min(in_size as i64) as usize - xmin;
        let mut ww = 0.0;
        for (x, slot) in k.iter_mut().enumerate().take(xmax) {
            let w = bicubic((x as f64 + xmin as f64 - center + 0.5) * ss);
            *slot = w;
            ww += w;
        }
        for (x, &kx) in k.iter().enumerate().take(xmax) {
            let v = if ww != 0.0 { kx / ww } else { kx };
            let fixed = v * (1u64 << PRECISION_BITS) as f64;
            weights[xx * ksize + x] = if v < 0.0 {
                (fixed - 0.5) as i32
            } else {
                (fixed + 0.5) as i32
            };
        }
        bounds.push((xmin, xmax));
    }
    Coeffs {
        ksize,
        bounds,
        weights,
        precision: PRECISION_BITS,
    }
}

/// Resizes an RGB image exactly as Pillow's `Image.resize(size, BICUBIC)` does.
pub fn resize_bicubic(img: &RgbImage, out_w: usize, out_h: usize) -> RgbImage {
    resample(img, out_w, out_h, coeffs)
}

/// Fixed-point separable resampling, the width pass first, 8 bits between the passes; a pass
/// is skipped when its side keeps its size (as Pillow and PyTorch both do).
fn resample(
    img: &RgbImage,
    out_w: usize,
    out_h: usize,
    coeffs: fn(usize, usize) -> Coeffs,
) -> RgbImage {
    let (in_w, in_h) = (img.width() as usize, img.height() as usize);
    let src = img.as_raw();
    let clip8 = |v: i64, precision: u32| (v >> precision).clamp(0, 255) as u8;
    let horiz: Vec<u8> = if out_w != in_w {
        let c = coeffs(in_w, out_w);
        let mut out = vec![0u8; out_w * in_h * 3];
        for y in 0..in_h {
            let row = &src[y * in_w * 3..(y + 1) * in_w * 3];
            for xx in 0..out_w {
                let (xmin, xmax) = c.bounds[xx];
                let k = &c.weights[xx * c.ksize..xx * c.ksize + xmax];
                for ch in 0..3 {
                    let mut ss: i64 = (1i64 << c.precision) >> 1;
                    for (x, &w) in k.iter().enumerate() {
                        ss += row[(x + xmin) * 3 + ch] as i64 * w as i64;
                    }
                    out[(y * out_w + xx) * 3 + ch] = clip8(ss, c.precision);
                }
            }
        }
        out
    } else {
        src.to_vec()
    };
    let w = out_w;
    let vert: Vec<u8> = if out_h != in_h {
        let c = coeffs(in_h, out_h);
        let mut out = vec![0u8; w * out_h * 3];
        for yy in 0..out_h {
            let (ymin, ymax) = c.bounds[yy];
            let k = &c.weights[yy * c.ksize..yy * c.ksize + ymax];
            for x in 0..w {
                for ch in 0..3 {
                    let mut ss: i64 = (1i64 << c.precision) >> 1;
                    for (y, &wt) in k.iter().enumerate() {
                        ss += horiz[((y + ymin) * w + x) * 3 + ch] as i64 * wt as i64;
                    }
                    out[(yy * w + x) * 3 + ch] = clip8(ss, c.precision);
                }
            }
        }
        out
    } else {
        horiz
    };
    RgbImage::from_raw(out_w as u32, out_h as u32, vert)
        .unwrap_or_else(|| RgbImage::new(out_w as u32, out_h as u32))
}

// --- torchvision's antialiased bicubic on uint8 (PyTorch's `_upsample_bicubic2d_aa`, CPU) ------
//
// torchvision hands uint8 images to PyTorch as they are, and PyTorch resamples them in fixed
// point like Pillow-SIMD: the same Keys cubic (a = -0.5) and support as Pillow, weights in f64
// normalised per output, then rounded to int16 at the largest precision (at most 22 bits) that
// keeps the biggest weight of the pass under 2^15; 8 bits between the width pass and the
// height pass. Pillow's own weights keep 22 bits, hence the odd level of difference.

/// Keys' cubic with a = -0.5, as PyTorch writes it (`cubic_convolution1/2`).
fn torch_cubic(x: f64) -> f64 {
    const A: f64 = -0.5;
    let x = x.abs();
    if x < 1.0 {
        ((A + 2.0) * x - (A + 3.0)) * x * x + 1.0
    } else if x < 2.0 {
        ((A * x - 5.0 * A) * x + 8.0 * A) * x - 4.0 * A
    } else {
        0.0
    }
}

/// PyTorch's `compute_index_ranges_int16_weights` for one axis.
fn torch_coeffs(in_size: usize, out_size: usize) -> Coeffs {
    let scale = in_size as f64 / out_size as f64;
    let (support, invscale) = if scale >= 1.0 {
        (2.0 * scale, 1.0 / scale)
    } else {
        (2.0, 1.0)
    };
    let ksize = support.ceil() as usize * 2 + 1;
    let mut bounds = Vec::with_capacity(out_size);
    let mut float = vec![0f64; out_size * ksize];
    let mut wt_max = 0f64;
    for i in 0..out_size {
        let center = scale * (i as f64 + 0.5);
        // C casts truncate toward zero.
        let xmin = ((center - support + 0.5) as i64).max(0);
        let xend = ((center + support + 0.5) as i64).min(in_size as i64);
        let xsize = (xend - xmin).clamp(0, ksize as i64) as usize;
        let xmin = xmin as usize;
        let w = &mut float[i * ksize..i * ksize + xsize];
        let mut total = 0f64;
        for (j, slot) in w.iter_mut().enumerate() {
            *slot = torch_cubic(((j + xmin) as f64 - center + 0.5) * invscale);
            total += *slot;
        }
        if total != 0.0 {
            for slot in w.iter_mut() {
                *slot /= total;
                wt_max = wt_max.max(*slot);
            }
        }
        bounds.push((xmin, xsize));
    }
    let mut precision = 0u32;
    while precision < 22 {
        let next = (0.5 + wt_max * f64::from(1u32 << (precision + 1))) as i64;
        if next >= 1 << 15 {
            break;
        }
        precision += 1;
    }
    let one = f64::from(1u32 << precision);
    let weights = float
        .iter()
        .map(|&w| {
            let v = w * one;
            if v < 0.0 {
                (-0.5 + v) as i32
            } else {
                (0.5 + v) as i32
            }
        })
        .collect();
    Coeffs {
        ksize,
        bounds,
        weights,
        precision,
    }
}

/// Resizes an RGB image exactly as torchvision's `resize(img, [out_h, out_w], BICUBIC,
/// antialias=True)` does on a uint8 tensor on the CPU.
pub fn resize_torchvision(img: &RgbImage, out_w: usize, out_h: usize) -> RgbImage {
    resample(img, out_w, out_h, torch_coeffs)
}

/// Resizes with the configured resampling.
pub fn resize(img: &RgbImage, out_w: usize, out_h: usize, how: ImageResize) -> RgbImage {
    match how {
        ImageResize::Torchvision => resize_torchvision(img, out_w, out_h),
        ImageResize::Pil => resize_bicubic(img, out_w, out_h),
    }
}

/// Rescale by 1/255 and normalise, channel-first, with the arithmetic of the configured
/// backend: PIL's rescales in f64 then normalises in f32; torchvision's fuses both into one
/// float32 normalise by `mean * 255` and `std * 255`.
fn normalise(img: &RgbImage, c: &VisionConfig) -> Vec<f32> {
    let (w, h) = (img.width() as usize, img.height() as usize);
    let raw = img.as_raw();
    let mut out = vec![0f32; 3 * h * w];
    for ch in 0..3 {
        let plane = &mut out[ch * h * w..(ch + 1) * h * w];
        match c.resize {
            ImageResize::Pil => {
                for (i, slot) in plane.iter_mut().enumerate() {
                    let x = (f64::from(raw[i * 3 + ch]) * (1.0 / 255.0)) as f32;
                    *slot = (x - c.mean[ch]) / c.std[ch];
                }
            }
            ImageResize::Torchvision => {
                let (mean, std) = (c.mean[ch] * 255.0, c.std[ch] * 255.0);
                for (i, slot) in plane.iter_mut().enumerate() {
                    *slot = (f32::from(raw[i * 3 + ch]) - mean) / std;
                }
            }
        }
    }
    out
}

/// Flattens frames (each channel-first, all `h x w`) into patch rows in merge-block order.
/// Frames are padded to a multiple of `temporal_patch_size` by repeating the last one.
pub fn patchify(frames: &[Vec<f32>], h: usize, w: usize, c: &VisionConfig) -> Patches {
    let (ps, tps, m) = (c.patch_size, c.temporal_patch_size, c.merge_size);
    let n = frames.len().div_ceil(tps) * tps;
    let frame = |i: usize| &frames[i.min(frames.len() - 1)];
    let (gt, gh, gw) = (n / tps, h / ps, w / ps);
    let row_len = Patches::row_len(c);
    let mut values = Vec::with_capacity(gt * gh * gw * row_len);
    for t in 0..gt {
        for br in 0..gh / m {
            for bc in 0..gw / m {
                for sr in 0..m {
                    for sc in 0..m {
                        let (py, px) = (br * m + sr, bc * m + sc);
                        for ch in 0..3 {
                            for f in 0..tps {
                                let fr = frame(t * tps + f);
                                for y in 0..ps {
                                    let start = ch * h * w + (py * ps + y) * w + px * ps;
                                    values.extend_from_slice(&fr[start..start + ps]);
                                }
                            }
                        }
                    }
                }
            }
        }
    }
    Patches {
        values,
        grid: [gt, gh, gw],
    }
}

/// The whole image path: decoded RGB -> patches and grid.
pub fn image_patches(img: &RgbImage, c: &VisionConfig) -> Result<Patches, PreprocessError> {
    let factor = c.patch_size * c.merge_size;
    let (h, w) = smart_resize(
        img.height() as usize,
        img.width() as usize,
        factor,
        c.min_pixels,
        c.max_pixels,
    )?;
    let resized = if (h, w) == (img.height() as usize, img.width() as usize) {
        img.clone()
    } else {
        resize(img, w, h, c.resize)
    };
    Ok(patchify(&[normalise(&resized, c)], h, w, c))
}

/// An image already at its model size (sides multiples of patch x merge): patches and grid.
pub fn sized_image_patches(img: &RgbImage, c: &VisionConfig) -> Result<Patches, PreprocessError> {
    let factor = c.patch_size * c.merge_size;
    let (h, w) = (img.height() as usize, img.width() as usize);
    if h == 0 || w == 0 || h % factor != 0 || w % factor != 0 {
        return Err(PreprocessError::NotSized { h, w, factor });
    }
    Ok(patchify(&[normalise(img, c)], h, w, c))
}

/// Resizes and normalises video frames to one shared size; returns the frames channel-first.
pub fn frames_to_patches(frames: &[RgbImage], h: usize, w: usize, c: &VisionConfig) -> Patches {
    let norm: Vec<Vec<f32>> = frames
        .iter()
        .map(|f| {
            let r = if (f.height() as usize, f.width() as usize) == (h, w) {
                f.clone()
            } else {
                resize(f, w, h, c.resize)
            };
            normalise(&r, c)
        })
        .collect();
    patchify(&norm, h, w, c)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn smart_resize_follows_the_reference() {
        // The reference's worked example: the demo image becomes 1376x2048 (grid 86x128).
        let c = VisionConfig::default();
        let (h, w) = smart_resize(1365, 2048, 32, c.min_pixels, c.max_pixels).unwrap();
        assert_eq!((h / 16, w / 16), (86, 128));
        // Too small: scaled up to the minimum budget.
        let (h, w) = smart_resize(50, 75, 32, c.min_pixels, c.max_pixels).unwrap();
        assert!(h * w >= c.min_pixels && h % 32 == 0 && w % 32 == 0);
        // Ties round to even: 48/32 = 1.5 -> 2, 80/32 = 2.5 -> 2.
        assert_eq!(smart_resize(48, 80, 32, 0, 1 << 30).unwrap(), (64, 64));
        assert!(smart_resize(10, 5000, 32, 0, 1 << 30).is_err());
    }

    #[test]
    fn resize_keeps_flat_colour_and_identity() {
        let img = RgbImage::from_pixel(37, 23, image::Rgb([10, 200, 99]));
        let out = resize_bicubic(&img, 64, 32);
        assert!(out.pixels().all(|p| p.0 == [10, 200, 99]));
        let grad = RgbImage::from_fn(8, 8, |x, y| image::Rgb([x as u8 * 30, y as u8 * 30, 7]));
        assert_eq!(resize_bicubic(&grad, 8, 8), grad);
    }

    #[test]
    fn patch_rows_are_in_merge_block_order() {
        let c = VisionConfig {
            patch_size: 1,
            temporal_patch_size: 2,
            merge_size: 2,
            ..Default::default()
        };
        // A 1-channel-looking 4x4 image where each pixel's value is its index (same in all channels).
        let h = 4;
        let w = 4;
        let frame: Vec<f32> = (0..3).flat_map(|_| (0..16).map(|i| i as f32)).collect();
        let p = patchify(&[frame], h, w, &c);
        assert_eq!(p.grid, [1, 4, 4]);
        let row_len = Patches::row_len(&c);
        let firsts: Vec<f32> = p.values.chunks(row_len).map(|r| r[0]).collect();
        // Block (0,0): pixels 0,1,4,5; block (0,1): 2,3,6,7; ...
        assert_eq!(
            firsts,
            [
                0., 1., 4., 5., 2., 3., 6., 7., 8., 9., 12., 13., 10., 11., 14., 15.
            ]
        );
        // The one frame is repeated to fill the temporal patch.
        assert_eq!(p.values[0], p.values[1]);
    }
}

/// Against Pillow's and torchvision's own output (tests/fixtures/resize, made by
/// tools/make_resize_fixtures.py).
#[cfg(test)]
mod resize_parity {
    use super::*;
    use std::path::PathBuf;

    fn dir() -> PathBuf {
        PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../tests/fixtures/resize")
    }

    fn load(name: &str) -> image::DynamicImage {
        image::open(dir().join(name)).unwrap()
    }

    fn check(key: &str, how: ImageResize) {
        let cases: serde_json::Value =
            serde_json::from_str(&std::fs::read_to_string(dir().join("cases.json")).unwrap())
                .unwrap();
        let cases = cases[key].as_array().unwrap();
        assert!(!cases.is_empty());
        for case in cases {
            let src = load(case["src"].as_str().unwrap()).to_rgb8();
            let want = load(case["out"].as_str().unwrap()).to_rgb8();
            let got = resize(&src, want.width() as usize, want.height() as usize, how);
            let diff = got
                .as_raw()
                .iter()
                .zip(want.as_raw())
                .filter(|(a, b)| a != b)
                .count();
            assert_eq!(diff, 0, "{case}: {diff} bytes differ");
        }
    }

    #[test]
    fn bicubic_matches_pillow_exactly() {
        check("bicubic", ImageResize::Pil);
    }

    #[test]
    fn bicubic_matches_torchvision_exactly() {
        check("torchvision_bicubic", ImageResize::Torchvision);
    }
}

//! Media as the domain sees it: what kind a file is (sniffed from its bytes, never trusted from
//! the client alone), its size in pixels, a content digest for memory, and the check that an
//! image decodes whole within its limits before anything downstream allocates for it; and
//! `decode`, which turns a checked image into the upright RGB pixels (transparency over white)
//! that the engine's preprocessing and the OCR tool both take. Video files are `video`'s, PDF
//! documents `pdf`'s (their pages become images).

pub mod pdf;
pub mod video;

use std::io::Cursor;
use std::sync::Arc;

use bytes::Bytes;
use image::{ImageDecoder, RgbImage};
use sha2::{Digest, Sha256};

use crate::cpu::Stop;
use crate::error::{Error, Result};
use crate::proto::MediaDigest;

/// Also a manifest value (`media = ["image", "video"]`), checked when the registry loads.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum MediaKind {
    Image,
    Video,
}

impl MediaKind {
    pub fn as_str(self) -> &'static str {
        match self {
            MediaKind::Image => "image",
            MediaKind::Video => "video",
        }
    }
}

#[derive(Debug, Clone)]
pub enum MediaSource {
    /// A whole image or video file.
    File(Bytes),
    /// A video as encoded images, evenly spaced at `fps`.
    Frames { frames: Vec<Bytes>, fps: f32 },
    /// A video file after `video::decode` (called by `api::convert::decode_videos`): its
    /// sampled frames with their times.
    Decoded(Arc<video::DecodedVideo>),
    /// A page of a PDF, rendered (an image item): its PNG, page number and text layer.
    Page(Arc<pdf::PdfPage>),
}

impl MediaItem {
    /// The encoded image of an image item: its file, or a PDF page's PNG.
    pub fn image_data(&self) -> Option<&Bytes> {
        match &self.source {
            MediaSource::File(data) if self.kind == MediaKind::Image => Some(data),
            MediaSource::Page(p) => p.png.as_ref(),
            _ => None,
        }
    }
}

/// One validated media item of a request.
#[derive(Debug, Clone)]
pub struct MediaItem {
    pub kind: MediaKind,
    /// The sniffed type: image/png, image/jpeg, image/webp, image/gif, video/mp4, ...; for
    /// frames, the type of the first frame.
    pub mime_type: String,
    pub source: MediaSource,
    pub width: u32,
    pub height: u32,
    pub digest: MediaDigest,
}

const IMAGE_TYPES: &[&str] = &["image/png", "image/jpeg", "image/webp", "image/gif"];
const VIDEO_TYPES: &[&str] = &[
    "video/mp4",
    "video/quicktime",
    "video/webm",
    "video/x-matroska",
    "video/x-msvideo",
];
pub const PDF_TYPE: &str = "application/pdf";

pub fn is_supported_mime(mime: &str) -> bool {
    IMAGE_TYPES.contains(&mime) || VIDEO_TYPES.contains(&mime) || mime == PDF_TYPE
}

pub fn supported_mimes() -> String {
    IMAGE_TYPES
        .iter()
        .chain(VIDEO_TYPES)
        .chain(&[PDF_TYPE])
        .copied()
        .collect::<Vec<_>>()
        .join(", ")
}

/// The file type from its first bytes.
pub fn sniff(data: &[u8]) -> Option<&'static str> {
    let at = |off: usize, sig: &[u8]| {
        data.len() >= off + sig.len() && &data[off..off + sig.len()] == sig
    };
    if at(0, b"\x89PNG\r\n\x1a\n") {
        Some("image/png")
    } else if at(0, &[0xFF, 0xD8, 0xFF]) {
        Some("image/jpeg")
    } else if at(0, b"RIFF") && at(8, b"WEBP") {
        Some("image/webp")
    } else if at(0, b"GIF87a") || at(0, b"GIF89a") {
        Some("image/gif")
    } else if at(0, b"RIFF") && at(8, b"AVI ") {
        Some("video/x-msvideo")
    } else if at(4, b"ftypqt") || at(4, b"moov") || at(4, b"mdat") || at(4, b"wide") {
        // QuickTime files older than the ftyp box start with their first atom.
        Some("video/quicktime")
    } else if at(4, b"ftyp") {
        Some("video/mp4")
    } else if data[..data.len().min(1024)]
        .windows(5)
        .any(|w| w == b"%PDF-")
    {
        // Readers accept the header anywhere in the first 1024 bytes.
        Some(PDF_TYPE)
    } else if at(0, &[0x1A, 0x45, 0xDF, 0xA3]) {
        // Matroska and WebM share the EBML header; the DocType says which.
        let head = &data[..data.len().min(64)];
        if head.windows(4).any(|w| w == b"webm") {
            Some("video/webm")
        } else {
            Some("video/x-matroska")
        }
    } else {
        None
    }
}

/// The widest aspect ratio any consumer takes: Qwen3-VL's preprocessing refuses more, and the
/// OCR tool would cut such a strip into hundreds of tiles.
pub const MAX_ASPECT_RATIO: u32 = 200;

/// Bytes the decoder may allocate for one image, per pixel: 16-bit RGBA is the widest format.
const MAX_DECODED_BYTES_PER_PIXEL: u64 = 8;

/// Checks an image's header against `max_pixels` and the aspect ratio, then decodes it whole
/// (and drops the pixels), so that a corrupt or truncated body is found here and nothing
/// downstream allocates for an image that breaks a limit. Returns its width and height. The
/// decoder may allocate at most `8 * max_pixels` bytes. The error says what is wrong, for
/// people.
pub fn verify_image(data: &[u8], max_pixels: u64) -> Result<(u32, u32), String> {
    let kind = sniff(data).unwrap_or("image");
    let unreadable = || format!("the {kind} header cannot be read (corrupt or truncated file)");
    let mut reader = image::ImageReader::new(Cursor::new(data))
        .with_guessed_format()
        .map_err(|_| unreadable())?;
    let mut limits = image::Limits::default();
    limits.max_alloc = Some(max_pixels.saturating_mul(MAX_DECODED_BYTES_PER_PIXEL));
    reader.limits(limits);
    let decoder = reader.into_decoder().map_err(|_| unreadable())?;
    let (w, h) = image::ImageDecoder::dimensions(&decoder);
    if w == 0 || h == 0 {
        return Err(format!("image is {w}x{h} pixels; it must not be empty"));
    }
    let pixels = w as u64 * h as u64;
    if pixels > max_pixels {
        return Err(format!(
            "image is {w}x{h} = {pixels} pixels; the limit is {max_pixels}"
        ));
    }
    if w.max(h) as u64 > MAX_ASPECT_RATIO as u64 * w.min(h) as u64 {
        return Err(format!(
            "image is {w}x{h} pixels; the aspect ratio must be at most {MAX_ASPECT_RATIO}:1"
        ));
    }
    image::DynamicImage::from_decoder(decoder).map_err(|e| {
        format!(
            "the {kind} data is corrupt or truncated ({})",
            clip(&e.to_string(), 120)
        )
    })?;
    if !ends_whole(kind, data) {
        return Err(format!(
            "the {kind} data is truncated (its end marker is missing)"
        ));
    }
    Ok((w, h))
}

/// Whether a file ends as its format says it must. Decoders read what they need and forgive a
/// cut-off end (the JPEG decoder even fills a cut-off scan with grey), so this is how a
/// truncated file shows.
fn ends_whole(kind: &str, data: &[u8]) -> bool {
    match kind {
        // The IEND chunk with its fixed CRC.
        "image/png" => data.windows(8).rev().any(|w| w == b"IEND\xAE\x42\x60\x82"),
        "image/jpeg" => jpeg_has_end(data),
        // The trailer byte.
        "image/gif" => data.last() == Some(&0x3B),
        // The RIFF header's size covers the whole file.
        "image/webp" => data
            .get(4..8)
            .and_then(|b| b.try_into().ok())
            .map(u32::from_le_bytes)
            .is_some_and(|n| data.len() as u64 >= 8 + n as u64),
        _ => true,
    }
}

/// Whether a JPEG's last scan is followed by the end-of-image marker. The JPEG decoder fills a
/// cut-off scan with grey instead of failing, so this is how a truncated file shows. Inside
/// scan data 0xFF is always escaped, so neither marker can appear there by accident; looking
/// after the last start-of-scan skips an EXIF thumbnail's own markers.
fn jpeg_has_end(data: &[u8]) -> bool {
    let find_last = |m: [u8; 2]| data.windows(2).rposition(|w| w == m);
    match (find_last([0xFF, 0xDA]), find_last([0xFF, 0xD9])) {
        (Some(sos), Some(eoi)) => eoi > sos,
        _ => false,
    }
}

/// INVALID_ARGUMENT on `media`: what a client sent does not decode.
fn undecodable(e: impl std::fmt::Display) -> Error {
    Error::invalid("media", format!("cannot decode image: {e}"))
}

fn empty() -> Error {
    Error::invalid("media", "image has no pixels")
}

/// Width and height from the header, without decoding pixels (before EXIF orientation).
pub fn dimensions(data: &[u8]) -> Result<(u32, u32)> {
    image::ImageReader::new(std::io::Cursor::new(data))
        .with_guessed_format()
        .map_err(undecodable)?
        .into_dimensions()
        .map_err(undecodable)
}

/// Decodes an image for the engine and the OCR tool: applies its EXIF orientation and
/// composites transparency over white (the reference processor's `convert_to_rgb`). A file
/// that does not decode is INVALID_ARGUMENT on `media`.
pub fn decode(data: &[u8]) -> Result<RgbImage> {
    decode_until(data, &Stop::never())
}

/// PNG at the fastest compression, for pixels that are decoded again moments later (a PDF
/// page, a video frame shown to the model).
pub fn encode_png(img: &RgbImage) -> Result<Bytes> {
    use image::ImageEncoder;
    let mut out = Vec::new();
    image::codecs::png::PngEncoder::new_with_quality(
        Cursor::new(&mut out),
        image::codecs::png::CompressionType::Fast,
        image::codecs::png::FilterType::Sub,
    )
    .write_image(
        img.as_raw(),
        img.width(),
        img.height(),
        image::ExtendedColorType::Rgb8,
    )
    .map_err(|e| Error::Internal(format!("encoding pixels as PNG: {e}")))?;
    Ok(Bytes::from(out))
}

/// `decode`, with `stop` checked between bands of rows while pixels are converted, so that a
/// cancelled request does not finish a large page.
pub fn decode_until(data: &[u8], stop: &Stop) -> Result<RgbImage> {
    let reader = image::ImageReader::new(std::io::Cursor::new(data))
        .with_guessed_format()
        .map_err(undecodable)?;
    let mut decoder = reader.into_decoder().map_err(undecodable)?;
    let orientation = decoder
        .orientation()
        .unwrap_or(image::metadata::Orientation::NoTransforms);
    let mut img = image::DynamicImage::from_decoder(decoder).map_err(undecodable)?;
    stop.check()?;
    img.apply_orientation(orientation);
    if img.width() == 0 || img.height() == 0 {
        return Err(empty());
    }
    stop.check()?;
    let (w, h) = (img.width(), img.height());
    // Fast paths for the common cases: the generic conversion costs ~15 ns a pixel.
    match img {
        image::DynamicImage::ImageRgb8(rgb) => Ok(rgb),
        image::DynamicImage::ImageLuma8(gray) => convert::<1>(gray.as_raw(), w, h, stop, gray_band),
        image::DynamicImage::ImageRgba8(rgba) => convert::<4>(rgba.as_raw(), w, h, stop, rgba_band),
        img if img.color().has_alpha() => over_white_until(&img.to_rgba8(), stop),
        img => Ok(img.into_rgb8()),
    }
}

/// RGB pixels from `N`-channel ones, a band of rows at a time with `stop` checked between bands
/// (about a million pixels each: tens of milliseconds in a debug build). `band` converts one
/// band's source bytes into its RGB bytes.
fn convert<const N: usize>(
    src: &[u8],
    w: u32,
    h: u32,
    stop: &Stop,
    band: impl Fn(&[u8], &mut [u8]),
) -> Result<RgbImage> {
    let rows_per_band = (1 << 20) / (w as usize).max(1) + 1;
    let mut out = vec![0u8; w as usize * h as usize * 3];
    let bands = src
        .chunks(w as usize * N * rows_per_band)
        .zip(out.chunks_mut(w as usize * 3 * rows_per_band));
    for (from, to) in bands {
        stop.check()?;
        band(from, to);
    }
    RgbImage::from_raw(w, h, out).ok_or_else(empty)
}

fn gray_band(from: &[u8], to: &mut [u8]) {
    for (rgb, &v) in to.chunks_exact_mut(3).zip(from) {
        rgb.fill(v);
    }
}

fn rgba_band(from: &[u8], to: &mut [u8]) {
    for (rgb, p) in to.chunks_exact_mut(3).zip(from.chunks_exact(4)) {
        rgb.copy_from_slice(&blend_over_white(p));
    }
}

/// Pillow's `alpha_composite` of the image over opaque white, then dropping alpha: the
/// reference's `convert_to_rgb`.
pub fn over_white(src: &image::RgbaImage) -> RgbImage {
    over_white_until(src, &Stop::never()).expect("a stop that never fires")
}

fn over_white_until(src: &image::RgbaImage, stop: &Stop) -> Result<RgbImage> {
    let (w, h) = src.dimensions();
    convert::<4>(src.as_raw(), w, h, stop, rgba_band)
}

/// One RGBA pixel over white, in integer arithmetic as in Pillow's AlphaComposite.c.
fn blend_over_white(p: &[u8]) -> [u8; 3] {
    const PREC: u32 = 7;
    let shift_div_255 = |a: u32| ((a >> 8) + a) >> 8;
    let a = p[3] as u32;
    match a {
        0 => return [255, 255, 255],
        255 => return [p[0], p[1], p[2]],
        _ => {}
    }
    let blend = 255 * (255 - a);
    let outa255 = a * 255 + blend;
    let coef1 = a * 255 * 255 * (1 << PREC) / outa255;
    let coef2 = 255 * (1 << PREC) - coef1;
    let ch = |c: u8| {
        let tmp = c as u32 * coef1 + 255 * coef2;
        (shift_div_255(tmp + (0x80 << PREC)) >> PREC) as u8
    };
    [ch(p[0]), ch(p[1]), ch(p[2])]
}

/// At most `max` characters of `s`, with an ellipsis when cut: for text that reaches a message.
pub fn clip(s: &str, max: usize) -> String {
    match s.char_indices().nth(max) {
        Some((i, _)) => format!("{}…", &s[..i]),
        None => s.to_string(),
    }
}

pub fn sha256_hex<'a>(parts: impl IntoIterator<Item = &'a [u8]>) -> String {
    let mut h = Sha256::new();
    for p in parts {
        h.update(p);
    }
    h.finalize().iter().map(|b| format!("{b:02x}")).collect()
}

/// A child's `pre_exec` hook capping its address space at `bytes` (RLIMIT_AS): the memory
/// limit of the ffmpeg and pdftoppm subprocesses. Between fork and exec it makes only
/// `setrlimit`, which is async-signal-safe.
pub(crate) fn address_space_cap(bytes: u64) -> impl FnMut() -> std::io::Result<()> + Send + Sync {
    move || {
        let lim = libc::rlimit {
            rlim_cur: bytes as libc::rlim_t,
            rlim_max: bytes as libc::rlim_t,
        };
        // SAFETY: setrlimit reads the struct it is given and nothing else.
        if unsafe { libc::setrlimit(libc::RLIMIT_AS, &lim) } != 0 {
            return Err(std::io::Error::last_os_error());
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn png(w: u32, h: u32) -> Vec<u8> {
        let img = image::RgbImage::new(w, h);
        let mut out = Vec::new();
        img.write_to(&mut Cursor::new(&mut out), image::ImageFormat::Png)
            .unwrap();
        out
    }

    #[test]
    fn sniffs_and_measures() {
        let p = png(7, 3);
        assert_eq!(sniff(&p), Some("image/png"));
        assert_eq!(verify_image(&p, 100), Ok((7, 3)));
        assert_eq!(sniff(b"\0\0\0\x18ftypmp42xxxx"), Some("video/mp4"));
        assert_eq!(sniff(b"hello"), None);
        assert_eq!(sniff(b"%PDF-1.4\n%..."), Some("application/pdf"));
        assert_eq!(sniff(b"junk\r\n%PDF-1.7\n"), Some("application/pdf"));
        assert_eq!(
            sniff(b"\0\0\0\x08wide\0\0\0\x10mdat"),
            Some("video/quicktime")
        );
        assert_eq!(sniff(b"\0\0\0\x14ftypqt  "), Some("video/quicktime"));
        assert!(verify_image(b"\x89PNG\r\n\x1a\ntruncated", 100).is_err());
    }

    /// Every truncation of a PNG, JPEG, GIF and WebP file is refused, however little is cut.
    #[test]
    fn every_truncation_is_refused() {
        let rgba = image::RgbaImage::from_fn(64, 48, |x, y| {
            image::Rgba([(x * 4) as u8, (y * 5) as u8, ((x * y) % 256) as u8, 255])
        });
        for format in [
            image::ImageFormat::Png,
            image::ImageFormat::Jpeg,
            image::ImageFormat::Gif,
            image::ImageFormat::WebP,
        ] {
            let img = match format {
                image::ImageFormat::Jpeg => image::DynamicImage::ImageRgb8(
                    image::DynamicImage::ImageRgba8(rgba.clone()).to_rgb8(),
                ),
                _ => image::DynamicImage::ImageRgba8(rgba.clone()),
            };
            let mut data = Vec::new();
            img.write_to(&mut Cursor::new(&mut data), format).unwrap();
            assert_eq!(verify_image(&data, 10_000), Ok((64, 48)), "{format:?}");
            for cut in 1..data.len() {
                assert!(
                    verify_image(&data[..cut], 10_000).is_err(),
                    "{format:?} cut to {cut} of {} bytes was accepted",
                    data.len()
                );
            }
        }
    }

    #[test]
    fn limits_are_checked_before_decoding() {
        let p = png(300, 1);
        assert_eq!(
            verify_image(&p, 1000),
            Err("image is 300x1 pixels; the aspect ratio must be at most 200:1".into())
        );
        assert_eq!(
            verify_image(&png(40, 30), 1000),
            Err("image is 40x30 = 1200 pixels; the limit is 1000".into())
        );
        assert_eq!(verify_image(&png(200, 1), 1000), Ok((200, 1)));
    }

    #[test]
    fn digest_is_stable() {
        assert_eq!(
            sha256_hex([b"ab".as_slice(), b"c".as_slice()]),
            "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"
        );
    }

    #[test]
    fn alpha_goes_over_white() {
        let mut img = image::RgbaImage::new(3, 1);
        img.put_pixel(0, 0, image::Rgba([0, 0, 0, 0]));
        img.put_pixel(1, 0, image::Rgba([0, 0, 0, 255]));
        img.put_pixel(2, 0, image::Rgba([0, 0, 0, 128]));
        let out = over_white(&img);
        assert_eq!(out.get_pixel(0, 0).0, [255, 255, 255]);
        assert_eq!(out.get_pixel(1, 0).0, [0, 0, 0]);
        assert_eq!(out.get_pixel(2, 0).0, [127, 127, 127]);
    }

    /// A fired stop ends the pixel conversion: a cancelled request does not finish a large page.
    #[test]
    fn a_fired_stop_ends_decoding() {
        for img in [
            image::DynamicImage::ImageLuma8(image::GrayImage::new(300, 200)),
            image::DynamicImage::ImageRgba8(image::RgbaImage::new(300, 200)),
        ] {
            let mut data = Vec::new();
            img.write_to(&mut Cursor::new(&mut data), image::ImageFormat::Png)
                .unwrap();
            let stop = Stop::never();
            assert!(decode_until(&data, &stop).is_ok());
            stop.cancel();
            assert!(matches!(decode_until(&data, &stop), Err(Error::Cancelled)));
        }
    }

    /// Against Pillow's own output (tests/fixtures/resize, made by tools/make_resize_fixtures.py).
    #[test]
    fn over_white_matches_pillow_exactly() {
        let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/resize");
        let load = |name: &str| image::open(dir.join(name)).unwrap();
        let src = load("rgba_20x12.png").to_rgba8();
        let want = load("rgba_20x12_over_white.png").to_rgb8();
        assert_eq!(over_white(&src), want);
        let bytes = std::fs::read(dir.join("rgba_20x12.png")).unwrap();
        assert_eq!(decode(&bytes).unwrap(), want);
    }

    /// A JPEG whose EXIF says "rotate 90° clockwise" (orientation 6) is turned upright.
    #[test]
    fn exif_orientation_is_applied() {
        let img = RgbImage::from_fn(4, 2, |x, _| {
            if x == 0 {
                image::Rgb([250, 0, 0])
            } else {
                image::Rgb([0, 0, 250])
            }
        });
        let mut jpeg = Vec::new();
        img.write_to(
            &mut std::io::Cursor::new(&mut jpeg),
            image::ImageFormat::Jpeg,
        )
        .unwrap();
        let mut tiff = b"II*\x00\x08\x00\x00\x00".to_vec();
        tiff.extend([1, 0]); // one IFD entry
        tiff.extend([0x12, 0x01, 3, 0, 1, 0, 0, 0, 6, 0, 0, 0]); // Orientation = 6
        tiff.extend([0, 0, 0, 0]);
        let mut payload = b"Exif\x00\x00".to_vec();
        payload.extend(tiff);
        let len = (payload.len() + 2) as u16;
        let mut with_exif = jpeg[..2].to_vec();
        with_exif.extend([0xFF, 0xE1]);
        with_exif.extend(len.to_be_bytes());
        with_exif.extend(payload);
        with_exif.extend(&jpeg[2..]);

        let plain = decode(&jpeg).unwrap();
        assert_eq!((plain.width(), plain.height()), (4, 2));
        let upright = decode(&with_exif).unwrap();
        assert_eq!((upright.width(), upright.height()), (2, 4));
        // The red first column becomes the top row after a clockwise turn.
        assert!(upright.get_pixel(0, 0).0[0] > 150 && upright.get_pixel(1, 0).0[0] > 150);
        assert!(upright.get_pixel(0, 3).0[2] > 150);
    }
}

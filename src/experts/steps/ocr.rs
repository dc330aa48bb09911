//! The OCR step: the in-process OCR tool over the request's images (or a video's frames: its
//! distinct pictures, or those at a timeline's events), its read-out as a step output, and (when
//! a model step follows) the model's structure placed on the OCR's lines.

use image::RgbImage;

use crate::cpu::{CpuPool, Stop};
use crate::error::{Error, Result};
use crate::media::MediaSource;
use crate::media::video::{self, Settings};
use crate::ocr::{self, OcrTool, Page};
use crate::proto::{ExpertResult, expert_result};
use crate::request::AskInput;

use super::StepOutput;

/// What the OCR step read: each image's page (with its media index), and the first image.
#[derive(Default)]
pub struct Pages {
    pub(crate) read: Vec<(u32, Page)>,
    pub(crate) first_image: Option<RgbImage>,
    /// For frames of a video: each page's time in the video (same order as `read`).
    pub(crate) seconds: Vec<f64>,
    /// For pages of a PDF: each page's index in its document and whether its text came from
    /// the text layer (same order as `read`; `None` for other images).
    pub(crate) pdf: Vec<Option<(u32, bool)>>,
    /// For frames of a video: the pixels of the second and later frames read (`read[k]` is
    /// `frames[k - 1]`), for filling a form on each. Bounded as their decoding was
    /// (`limits.max_video_decoded_bytes`, or the request's frame limits).
    pub(crate) frames: Vec<RgbImage>,
}

/// Reads every image of the request. Only the first keeps its pixels (form filling and the
/// boxes are about the first image), so memory does not grow with the image count. A request
/// with no image but a decoded video file has its distinct pictures read instead: runs of
/// near-identical frames (a page held still) are read once, at the run's middle frame, and at
/// most `frames` runs, spread over the video from the first to the last.
pub async fn read(
    tool: &OcrTool,
    cpu: &CpuPool,
    input: &AskInput,
    frames: usize,
    larger: Option<(&Settings, u64)>,
    stop: &Stop,
) -> Result<(Pages, StepOutput)> {
    let has_image = input.media.iter().any(|m| m.image_data().is_some());
    let video = input
        .media
        .iter()
        .enumerate()
        .find_map(|(i, m)| match &m.source {
            MediaSource::Decoded(v) => Some((i, v.clone())),
            _ => None,
        });
    if let (false, Some((index, decoded))) = (has_image, video) {
        let n = decoded.frames.len();
        let runs = cpu
            .run(stop, move |stop| video::still_runs(&decoded.frames, stop))
            .await?;
        let k = frames.min(runs.len());
        let chosen: Vec<usize> = match k {
            0 => Vec::new(),
            1 => vec![0],
            _ => (0..k).map(|j| j * (runs.len() - 1) / (k - 1)).collect(),
        };
        // The middle of a run: past any motion into the still picture.
        let picked: Vec<usize> = chosen
            .iter()
            .map(|&r| (runs[r].0 + runs[r].1) / 2)
            .collect();
        let (pages, mut out) = read_frames(tool, cpu, input, index, &picked, larger, stop).await?;
        if runs.len() < n {
            out.result.warnings.push(format!(
                "{n} sampled frames show {} distinct pictures; each was read once",
                runs.len()
            ));
        }
        if runs.len() > k {
            out.result.warnings.push(format!(
                "{} distinct pictures; {k} of them read, spread over the video (plans.ocr_frames)",
                runs.len()
            ));
        }
        return Ok((pages, out));
    }
    let mut pages = Pages::default();
    for (i, m) in input.media.iter().enumerate() {
        let Some(data) = m.image_data() else {
            continue;
        };
        let pdf_page = match &m.source {
            MediaSource::Page(p) => Some(p),
            _ => None,
        };
        // A born-digital page's own text is exact, and needs no model run.
        if let Some(p) = pdf_page
            && let Some(text) = &p.text
        {
            if pages.first_image.is_none() {
                let data = data.clone();
                let img = cpu
                    .run(stop, move |stop| crate::media::decode_until(&data, stop))
                    .await?;
                pages.first_image = Some(img);
            }
            pages.read.push((p.media_index, text.clone()));
            pages.pdf.push(Some((p.page, true)));
            continue;
        }
        let (img, page) = tool
            .read_image(cpu, stop, data.clone())
            .await
            .map_err(|e| match e {
                Error::InvalidArgument { problem, .. } => {
                    Error::invalid(format!("media[{i}].data"), problem)
                }
                other => other,
            })?;
        if pages.first_image.is_none() {
            pages.first_image = Some(img);
        }
        match pdf_page {
            Some(p) => {
                pages.read.push((p.media_index, page));
                pages.pdf.push(Some((p.page, false)));
            }
            None => {
                pages.read.push((i as u32, page));
                pages.pdf.push(None);
            }
        }
    }
    let out = output(&pages);
    Ok((pages, out))
}

/// Reads frames `picked` (indices) of the video at `media_index`, which came as frames at
/// `fps` or as a decoded file; each page keeps its time. Used after a video step, whose
/// timeline chose the frames, and for a video file alone.
pub async fn read_frames(
    tool: &OcrTool,
    cpu: &CpuPool,
    input: &AskInput,
    media_index: usize,
    picked: &[usize],
    larger: Option<(&Settings, u64)>,
    stop: &Stop,
) -> Result<(Pages, StepOutput)> {
    let mut pages = Pages::default();
    if let Some(MediaSource::Frames { frames, fps }) =
        input.media.get(media_index).map(|m| &m.source)
    {
        for &f in picked {
            let Some(data) = frames.get(f) else { continue };
            let (img, page) =
                tool.read_image(cpu, stop, data.clone())
                    .await
                    .map_err(|e| match e {
                        Error::InvalidArgument { problem, .. } => {
                            Error::invalid(format!("media[{media_index}].frames[{f}]"), problem)
                        }
                        other => other,
                    })?;
            keep(&mut pages, img);
            pages.read.push((media_index as u32, page));
            pages.seconds.push(f as f64 / f64::from(*fps));
        }
    }
    if let Some(MediaSource::Decoded(video)) = input.media.get(media_index).map(|m| &m.source) {
        let mut picked: Vec<usize> = picked
            .iter()
            .copied()
            .filter(|&f| f < video.frames.len())
            .collect();
        picked.sort_unstable();
        picked.dedup();
        // Text wants the video's own pixels: decoded again at its size when the service may.
        let field = format!("media[{media_index}].data");
        let again = match larger {
            Some((settings, bytes)) => {
                // ffmpeg's CPU counts against the pool, as when the video was first decoded.
                let _worker = cpu.hold(stop).await?;
                video::frames_at(&field, video, &picked, bytes, settings, stop).await?
            }
            None => Vec::new(),
        };
        for (k, &f) in picked.iter().enumerate() {
            let (Some(small), Some(&t)) = (video.frames.get(f), video.seconds.get(f)) else {
                continue;
            };
            // Only when every frame came again, so that each is paired with its own time.
            let img = match again.get(k) {
                Some(big) if again.len() == picked.len() => big.clone(),
                _ => small.clone(),
            };
            let shown = (video.width, video.height);
            let (img, page) = tool.read_pixels(cpu, stop, img, shown).await?;
            keep(&mut pages, img);
            pages.read.push((media_index as u32, page));
            pages.seconds.push(t);
        }
    }
    let out = output(&pages);
    Ok((pages, out))
}

/// Keeps a frame's pixels: the first as the form's image, the others for filling each.
fn keep(pages: &mut Pages, img: RgbImage) {
    if pages.first_image.is_none() {
        pages.first_image = Some(img);
    } else {
        pages.frames.push(img);
    }
}

fn output(all: &Pages) -> StepOutput {
    let pages = &all.read;
    let mut warnings = Vec::new();
    let seconds = |k: usize| all.seconds.get(k).copied();
    let pdf = |k: usize| all.pdf.get(k).copied().flatten();
    let label = |k: usize, i: u32| match (seconds(k), pdf(k)) {
        (Some(t), _) => format!("[video {i} at {t:.1} s]"),
        (None, Some((page, _))) => format!("[pdf {i} page {}]", page + 1),
        (None, None) => format!("[image {i}]"),
    };
    let text = if pages.len() == 1 && seconds(0).is_none() {
        pages[0].1.text()
    } else {
        pages
            .iter()
            .enumerate()
            .map(|(k, (i, p))| format!("{}\n{}", label(k, *i), p.text()))
            .collect::<Vec<_>>()
            .join("\n\n")
    };
    if pages.len() > 1 {
        warnings.push(format!(
            "{} {} read; each has its boxes (the first's here, the others' in `others`)",
            pages.len(),
            if seconds(0).is_some() {
                "frames"
            } else if pdf(0).is_some() {
                "pages"
            } else {
                "images"
            },
        ));
    }
    if pages.is_empty() {
        warnings.push("nothing to read: no image, and no video frames chosen".into());
    } else if pages.iter().all(|(_, p)| p.lines.is_empty()) {
        warnings.push("no text found".into());
    }
    StepOutput::without_model(
        text,
        ExpertResult {
            raw_text: String::new(),
            reasoning: String::new(),
            warnings,
            kind: pages.first().map(|_| {
                let one = |k: usize| {
                    let (i, p) = &pages[k];
                    let mut o = ocr::to_proto(p, *i);
                    o.frame_seconds = seconds(k);
                    if let Some((page, layer)) = pdf(k) {
                        o.page_index = Some(page);
                        o.from_text_layer = layer;
                    }
                    o
                };
                let mut first = one(0);
                first.others = (1..pages.len()).map(one).collect();
                expert_result::Kind::Ocr(first)
            }),
        },
    )
}

/// A model answer after an OCR read-out: the OCR boxes stay the ground truth for where text is;
/// the model's answer adds structure (fields and tables placed on the OCR's lines). Without an
/// OCR result before it, the answer stands as it is.
pub fn structure(read: Option<StepOutput>, mut out: StepOutput) -> StepOutput {
    if let Some(prev) = read
        && let Some(expert_result::Kind::Ocr(mut ocr)) = prev.result.kind
    {
        let placed = crate::experts::parse::ocr::structure(&out.text, &mut ocr);
        out.result.kind = Some(expert_result::Kind::Ocr(ocr));
        out.result.warnings.splice(0..0, prev.result.warnings);
        out.result.warnings.extend(placed);
    }
    out
}

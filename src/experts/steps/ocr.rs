//! The OCR step: the in-process OCR tool over the request's images, its read-out as a step
//! output, and (when a model step follows) the model's structure placed on the OCR's lines.

use image::RgbImage;

use crate::cpu::{CpuPool, Stop};
use crate::error::{Error, Result};
use crate::media::video::{self, Settings};
use crate::media::{MediaKind, MediaSource};
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
}

/// Reads every image of the request. Only the first keeps its pixels (form filling and the
/// boxes are about the first image), so memory does not grow with the image count. A request
/// with no image but a decoded video file has `frames` of its frames read instead, spread over
/// it from the first to the last.
pub async fn read(
    tool: &OcrTool,
    cpu: &CpuPool,
    input: &AskInput,
    frames: usize,
    larger: Option<(&Settings, u64)>,
    stop: &Stop,
) -> Result<(Pages, StepOutput)> {
    let has_image = input
        .media
        .iter()
        .any(|m| m.kind == MediaKind::Image && matches!(m.source, MediaSource::File(_)));
    let video = input
        .media
        .iter()
        .enumerate()
        .find_map(|(i, m)| match &m.source {
            MediaSource::Decoded(v) => Some((i, v.frames.len())),
            _ => None,
        });
    if let (false, Some((index, n))) = (has_image, video) {
        let k = frames.min(n).max(1);
        let picked: Vec<usize> = if k == 1 {
            vec![0]
        } else {
            (0..k).map(|j| j * (n - 1) / (k - 1)).collect()
        };
        return read_frames(tool, cpu, input, index, &picked, larger, stop).await;
    }
    let mut pages = Pages::default();
    for (i, m) in input.media.iter().enumerate() {
        if m.kind != MediaKind::Image {
            continue;
        }
        let MediaSource::File(data) = &m.source else {
            continue;
        };
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
        pages.read.push((i as u32, page));
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
            if pages.first_image.is_none() {
                pages.first_image = Some(img);
            }
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
            if pages.first_image.is_none() {
                pages.first_image = Some(img);
            }
            pages.read.push((media_index as u32, page));
            pages.seconds.push(t);
        }
    }
    let out = output(&pages);
    Ok((pages, out))
}

fn output(all: &Pages) -> StepOutput {
    let pages = &all.read;
    let mut warnings = Vec::new();
    let seconds = |k: usize| all.seconds.get(k).copied();
    let label = |k: usize, i: u32| match seconds(k) {
        Some(t) => format!("[video {i} at {t:.1} s]"),
        None => format!("[image {i}]"),
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
            "{} {} read; boxes are given for the first ({})",
            pages.len(),
            if seconds(0).is_some() {
                "frames"
            } else {
                "images"
            },
            label(0, pages[0].0).trim_matches(['[', ']'])
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
            kind: pages.first().map(|(i, p)| {
                let mut o = ocr::to_proto(p, *i);
                o.frame_seconds = seconds(0);
                expert_result::Kind::Ocr(o)
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

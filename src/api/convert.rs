//! Proto -> domain conversion, enforcing the configured limits, then the decoding of video
//! files (`decode_videos`: ffmpeg runs as a subprocess, awaited). Every rejection names the
//! field and the limit it broke, so a client can fix its request without reading our code.

use std::collections::BTreeMap;

use bytes::Bytes;
use prost::Message as _;

use crate::config::Limits;
use crate::cpu::Stop;
use crate::error::{Error, Result, echo};
use crate::media::{self, MediaItem, MediaKind, MediaSource};
use crate::planner::{Plan, PlanSource, PlanStep};
use crate::proto::{self, AskRequest, GenerationOptions, Media, MediaDigest};
use crate::request::{AskInput, GenOptions};

const ID_CHARS: &str = "letters, digits, '.', '_', ':' and '-'";
const MAX_PROFILE_KEY_CHARS: usize = 64;
const MAX_STOP_CHARS: usize = 64;

/// Checks and converts a request. CPU work (every image is decoded whole): run it on the CPU
/// pool; it checks `stop` between media items and frames. PDFs are drawn with the default
/// `[pdf]` settings.
pub fn ask_input(req: AskRequest, limits: &Limits, stop: &Stop) -> Result<AskInput> {
    ask_input_with(req, limits, &media::pdf::Settings::default(), true, stop)
}

/// `ask_input`, each PDF's chosen pages rendered with `pdf` into image items (in the PDF's
/// place, in page order), `stop` checked between pages. With `draw` false (routing alone) the
/// pages are checked against every limit but not drawn: their items carry no pixels.
pub fn ask_input_with(
    req: AskRequest,
    limits: &Limits,
    pdf: &media::pdf::Settings,
    draw: bool,
    stop: &Stop,
) -> Result<AskInput> {
    let size = req.encoded_len();
    if size > limits.max_request_bytes {
        return Err(Error::invalid(
            "request",
            format!("{size} bytes; the limit is {}", limits.max_request_bytes),
        ));
    }
    check_id("session_id", &req.session_id, limits)?;
    check_id("request_id", &req.request_id, limits)?;
    let chars = req.text.chars().count();
    if chars > limits.max_text_chars {
        return Err(Error::invalid(
            "text",
            format!("{chars} characters; the limit is {}", limits.max_text_chars),
        ));
    }
    if req.text.trim().is_empty() && req.media.is_empty() {
        return Err(Error::invalid(
            "text",
            "empty request: give text, media, or both",
        ));
    }
    if req.media.len() > limits.max_media {
        return Err(Error::invalid(
            "media",
            format!(
                "{} items; the limit is {}",
                req.media.len(),
                limits.max_media
            ),
        ));
    }
    let mut pixels = PixelBudget {
        left: limits.max_request_pixels,
        limit: limits.max_request_pixels,
    };
    let mut media = Vec::with_capacity(req.media.len());
    for (i, m) in req.media.into_iter().enumerate() {
        media.extend(media_item(i, m, limits, (pdf, draw), &mut pixels, stop)?);
    }
    let expert = req.expert.trim();
    let n = expert.chars().count();
    if n > limits.max_id_chars {
        return Err(Error::invalid(
            "expert",
            format!(
                "{n} characters; expert ids are at most {}",
                limits.max_id_chars
            ),
        ));
    }
    let expert = (!expert.is_empty()).then(|| expert.to_string());
    Ok(AskInput {
        session_id: req.session_id,
        text: req.text,
        media,
        expert,
        profile: profile(req.profile, limits)?,
        options: options(req.options.unwrap_or_default(), limits, "options")?,
        request_id: req.request_id,
    })
}

/// Checks and converts a Rerank request: the counts (candidates, images) against
/// `rerank.max_*` before anything is decoded, then each text, id and image (decoded whole, as
/// Ask's are, within `limits`). CPU work: run it on the CPU pool.
pub fn rerank_input(
    req: proto::RerankRequest,
    limits: &Limits,
    rerank: &crate::config::RerankConfig,
    stop: &Stop,
) -> Result<crate::rerank::RerankInput> {
    use crate::rerank::{Candidate, Image, RerankInput};
    let size = req.encoded_len();
    if size > limits.max_request_bytes {
        return Err(Error::invalid(
            "request",
            format!("{size} bytes; the limit is {}", limits.max_request_bytes),
        ));
    }
    let n = req.candidates.len();
    if n == 0 {
        return Err(Error::invalid("candidates", "empty: give at least one"));
    }
    if n > rerank.max_candidates {
        return Err(Error::invalid(
            "candidates",
            format!(
                "{n} candidates; the limit is {} (rerank.max_candidates)",
                rerank.max_candidates
            ),
        ));
    }
    // Every image of the call counted, and the field that crosses the limit named, first.
    let mut images = req.query_media.len();
    let mut over = (images > rerank.max_media).then(|| "query_media".to_string());
    for (i, c) in req.candidates.iter().enumerate() {
        images += c.media.len();
        if over.is_none() && images > rerank.max_media {
            over = Some(format!("candidates[{i}].media"));
        }
    }
    if let Some(field) = over {
        return Err(Error::invalid(
            field,
            format!(
                "the call's images come to {images}; the limit is {} for the query's and the                  candidates' together (rerank.max_media)",
                rerank.max_media
            ),
        ));
    }
    let text = |field: String, t: &str| -> Result<()> {
        let chars = t.chars().count();
        if chars > rerank.max_text_chars {
            return Err(Error::invalid(
                field,
                format!(
                    "{chars} characters; the limit is {} (rerank.max_text_chars)",
                    rerank.max_text_chars
                ),
            ));
        }
        Ok(())
    };
    text("query".into(), &req.query)?;
    if req.query.trim().is_empty() && req.query_media.is_empty() {
        return Err(Error::invalid(
            "query",
            "empty: give the query's text, images or both",
        ));
    }
    let mut pixels = PixelBudget {
        left: limits.max_request_pixels,
        limit: limits.max_request_pixels,
    };
    let mut image_list = |field: &str, media: Vec<Media>| -> Result<Vec<Image>> {
        media
            .into_iter()
            .enumerate()
            .map(|(j, m)| {
                stop.check()?;
                let field = format!("{field}[{j}]");
                if !m.frames.is_empty() || m.data.is_empty() {
                    return Err(Error::invalid(
                        format!("{field}.data"),
                        "re-ranking takes images: give an image file as data",
                    ));
                }
                let data = Bytes::from(m.data);
                let field = format!("{field}.data");
                let sniffed = media::sniff(&data).filter(|t| t.starts_with("image/"));
                let Some(sniffed) = sniffed else {
                    return Err(Error::invalid(
                        field,
                        "not a recognised image (PNG, JPEG, WebP or GIF)",
                    ));
                };
                check_image(&field, &data, limits, &mut pixels)?;
                Ok(Image {
                    mime_type: sniffed.to_string(),
                    data,
                })
            })
            .collect()
    };
    let query_images = image_list("query_media", req.query_media)?;
    let mut seen = std::collections::HashSet::with_capacity(n);
    let mut candidates = Vec::with_capacity(n);
    for (i, c) in req.candidates.into_iter().enumerate() {
        let field = |f: &str| format!("candidates[{i}].{f}");
        if c.id.is_empty() {
            return Err(Error::invalid(field("id"), "required"));
        }
        // The caller's own ids (SKUs, URLs, UUIDs): any printable text within the id limit.
        if c.id.chars().count() > limits.max_id_chars || c.id.chars().any(char::is_control) {
            return Err(Error::invalid(
                field("id"),
                format!(
                    "must be at most {} characters, none of them control characters",
                    limits.max_id_chars
                ),
            ));
        }
        if !seen.insert(c.id.clone()) {
            return Err(Error::invalid(
                field("id"),
                format!("{} is used by an earlier candidate", echo(&c.id)),
            ));
        }
        text(field("text"), &c.text)?;
        if c.text.trim().is_empty() && c.media.is_empty() {
            return Err(Error::invalid(
                format!("candidates[{i}]"),
                "empty: give the candidate's text, images or both",
            ));
        }
        let images = image_list(&field("media"), c.media)?;
        candidates.push(Candidate {
            id: c.id,
            text: c.text,
            images,
        });
    }
    Ok(RerankInput {
        query: req.query,
        query_images,
        candidates,
        with_reasons: req.with_reasons,
    })
}

/// Replaces the `MediaSource::File` of every video item of `input` with its decoded frames,
/// naming `media[i].data` in errors. Images and frame sequences are left as they are. Each
/// video holds a place in the CPU pool while its tools run, so at most `server.cpu_workers`
/// run at once (and at most that many `video.memory_bytes`). With `decode` false (routing
/// alone) a file is only probed and checked against the limits; it stays a file.
pub async fn decode_videos(
    input: &mut crate::request::AskInput,
    settings: &media::video::Settings,
    limits: &Limits,
    cpu: &crate::cpu::CpuPool,
    decode: bool,
    stop: &Stop,
) -> Result<()> {
    for (i, m) in input.media.iter_mut().enumerate() {
        let MediaSource::File(data) = &m.source else {
            continue;
        };
        if m.kind != MediaKind::Video {
            continue;
        }
        let field = format!("media[{i}].data");
        let _worker = cpu.hold(stop).await?;
        if !decode {
            let (w, h) = media::video::check(&field, data.clone(), settings, limits, stop).await?;
            (m.width, m.height) = (w, h);
            continue;
        }
        let video =
            media::video::decode(&field, data.clone(), &m.mime_type, settings, limits, stop)
                .await?;
        m.width = video.width;
        m.height = video.height;
        m.digest.width = video.width;
        m.digest.height = video.height;
        m.digest.frames = video.frames.len() as u32;
        m.source = MediaSource::Decoded(std::sync::Arc::new(video));
    }
    Ok(())
}

/// The most steps a request's plan may carry before the planner's own limit
/// (`plans.max_steps`, at most this) is checked: bounds the work of checking it.
const MAX_PLAN_STEPS: usize = 64;

/// A request's plan, its fields checked (ids, texts, options); the planner checks it against
/// the experts and `[plans]`. An empty plan is none.
pub fn client_plan(
    plan: Option<proto::Plan>,
    expert: Option<&str>,
    limits: &Limits,
) -> Result<Option<Plan>> {
    let Some(plan) = plan.filter(|p| !p.steps.is_empty()) else {
        return Ok(None);
    };
    if expert.is_some() {
        return Err(Error::invalid(
            "expert",
            "give either an expert or a plan, not both",
        ));
    }
    if plan.steps.len() > MAX_PLAN_STEPS {
        return Err(Error::invalid(
            "plan.steps",
            format!("{} steps; at most {MAX_PLAN_STEPS}", plan.steps.len()),
        ));
    }
    let mut steps = Vec::with_capacity(plan.steps.len());
    for (i, s) in plan.steps.into_iter().enumerate() {
        let at = |f: &str| format!("plan.steps[{i}].{f}");
        if s.id.is_empty() {
            return Err(Error::invalid(at("id"), "empty: every step needs an id"));
        }
        check_id(&at("id"), &s.id, limits)?;
        check_id(&at("expert"), &s.expert, limits)?;
        if s.after.len() > MAX_PLAN_STEPS {
            return Err(Error::invalid(
                at("after"),
                format!("{} entries; at most {MAX_PLAN_STEPS}", s.after.len()),
            ));
        }
        for a in &s.after {
            check_id(&at("after"), a, limits)?;
        }
        let chars = s.text.chars().count();
        if chars > limits.max_text_chars {
            return Err(Error::invalid(
                at("text"),
                format!("{chars} characters; the limit is {}", limits.max_text_chars),
            ));
        }
        let options = s
            .options
            .map(|o| options(o, limits, &at("options")))
            .transpose()?;
        steps.push(PlanStep {
            id: s.id,
            expert: s.expert,
            after: s.after,
            optional: s.optional,
            options,
            text: (!s.text.trim().is_empty()).then_some(s.text),
        });
    }
    Ok(Some(Plan {
        steps,
        source: PlanSource::Client,
        confidence: 1.0,
    }))
}

pub fn check_id(field: &str, id: &str, limits: &Limits) -> Result<()> {
    let ok_chars = id
        .chars()
        .all(|c| c.is_ascii_alphanumeric() || matches!(c, '.' | '_' | ':' | '-'));
    if id.chars().count() > limits.max_id_chars || !ok_chars {
        return Err(Error::invalid(
            field,
            format!(
                "must be at most {} characters of {ID_CHARS}",
                limits.max_id_chars
            ),
        ));
    }
    Ok(())
}

/// What is left of `limits.max_request_pixels` for the rest of a request's images and frames.
struct PixelBudget {
    left: u64,
    limit: u64,
}

impl PixelBudget {
    fn take(&mut self, field: &str, pixels: u64) -> Result<()> {
        self.left = self.left.checked_sub(pixels).ok_or_else(|| {
            Error::invalid(
                field,
                format!(
                    "the request's images and frames come to more than {} pixels \
                     (limits.max_request_pixels)",
                    self.limit
                ),
            )
        })?;
        Ok(())
    }
}

fn media_item(
    i: usize,
    m: Media,
    limits: &Limits,
    pdf: (&media::pdf::Settings, bool),
    pixels: &mut PixelBudget,
    stop: &Stop,
) -> Result<Vec<MediaItem>> {
    stop.check()?;
    let field = |f: &str| format!("media[{i}].{f}");
    let declared = m.mime_type.trim().to_ascii_lowercase();
    if !declared.is_empty() && !media::is_supported_mime(&declared) {
        return Err(Error::invalid(
            field("mime_type"),
            format!(
                "unsupported type {}; supported: {}",
                echo(&declared),
                media::supported_mimes()
            ),
        ));
    }
    match (m.data.is_empty(), m.frames.is_empty()) {
        (true, true) => Err(Error::invalid(
            format!("media[{i}]"),
            "empty: give data (a file) or frames (a video)",
        )),
        (false, false) => Err(Error::invalid(
            format!("media[{i}]"),
            "give either data or frames, not both",
        )),
        (false, true) if media::sniff(&m.data) == Some(media::PDF_TYPE) => {
            let range = media::pdf::Range {
                first: m.first_page,
                last: m.last_page,
            };
            pdf_items(
                i,
                Bytes::from(m.data),
                &declared,
                range,
                limits,
                pdf,
                pixels,
                stop,
            )
        }
        _ if m.first_page != 0 || m.last_page != 0 => Err(Error::invalid(
            format!("media[{i}].first_page"),
            "a page range is for a PDF",
        )),
        (false, true) => Ok(vec![file_item(
            i,
            Bytes::from(m.data),
            &declared,
            limits,
            pixels,
        )?]),
        (true, false) => Ok(vec![frames_item(i, m.frames, m.fps, limits, pixels, stop)?]),
    }
}

fn file_item(
    i: usize,
    data: Bytes,
    declared: &str,
    limits: &Limits,
    pixels: &mut PixelBudget,
) -> Result<MediaItem> {
    let field = format!("media[{i}].data");
    let Some(sniffed) = media::sniff(&data) else {
        return Err(Error::invalid(
            field,
            format!(
                "not a recognised image, video or PDF file; supported: {}",
                media::supported_mimes()
            ),
        ));
    };
    if !declared.is_empty() && declared != sniffed {
        return Err(Error::invalid(
            format!("media[{i}].mime_type"),
            format!("says {declared} but the bytes are {sniffed}"),
        ));
    }
    let digest_base = MediaDigest {
        mime_type: sniffed.to_string(),
        sha256: media::sha256_hex([data.as_ref()]),
        bytes: data.len() as u64,
        ..Default::default()
    };
    if sniffed.starts_with("image/") {
        let (w, h) = check_image(&field, &data, limits, pixels)?;
        Ok(MediaItem {
            kind: MediaKind::Image,
            mime_type: sniffed.to_string(),
            width: w,
            height: h,
            digest: MediaDigest {
                kind: "image".into(),
                width: w,
                height: h,
                ..digest_base
            },
            source: MediaSource::File(data),
        })
    } else {
        if data.len() > limits.max_video_bytes {
            return Err(Error::invalid(
                field,
                format!(
                    "{} bytes; the limit for a video is {}",
                    data.len(),
                    limits.max_video_bytes
                ),
            ));
        }
        Ok(MediaItem {
            kind: MediaKind::Video,
            mime_type: sniffed.to_string(),
            width: 0,
            height: 0,
            digest: MediaDigest {
                kind: "video".into(),
                ..digest_base
            },
            source: MediaSource::File(data),
        })
    }
}

/// A PDF's chosen pages as image items: checked against the limits (bytes, pages, pixels of
/// each page at the dpi, the request's pixels) before any page is drawn, then drawn (with
/// `draw`; else items of the pages' sizes without pixels, for routing).
#[allow(clippy::too_many_arguments)]
fn pdf_items(
    i: usize,
    data: Bytes,
    declared: &str,
    range: media::pdf::Range,
    limits: &Limits,
    (settings, draw): (&media::pdf::Settings, bool),
    pixels: &mut PixelBudget,
    stop: &Stop,
) -> Result<Vec<MediaItem>> {
    let field = format!("media[{i}].data");
    if !declared.is_empty() && declared != media::PDF_TYPE {
        return Err(Error::invalid(
            format!("media[{i}].mime_type"),
            format!("says {declared} but the bytes are {}", media::PDF_TYPE),
        ));
    }
    if data.len() > limits.max_pdf_bytes {
        return Err(Error::invalid(
            field,
            format!(
                "{} bytes; the limit for a PDF is {} (limits.max_pdf_bytes)",
                data.len(),
                limits.max_pdf_bytes
            ),
        ));
    }
    let pdf_limits = media::pdf::Limits {
        max_pages: limits.max_pdf_pages,
        max_page_pixels: limits.max_image_pixels,
    };
    let checked = media::pdf::check(&field, &data, range, settings, &pdf_limits)?;
    for &(_, w, h) in &checked.pages {
        pixels.take(&field, w as u64 * h as u64)?;
    }
    let sha256 = media::sha256_hex([data.as_ref()]);
    let pages = if draw {
        media::pdf::render(&field, i as u32, &data, checked, settings, stop)?
    } else {
        checked
            .pages
            .iter()
            .map(|&(page, width, height)| media::pdf::PdfPage {
                media_index: i as u32,
                page,
                png: None,
                width,
                height,
                text: None,
                fallback: false,
            })
            .collect()
    };
    Ok(pages
        .into_iter()
        .map(|p| MediaItem {
            kind: MediaKind::Image,
            mime_type: "image/png".into(),
            width: p.width,
            height: p.height,
            digest: MediaDigest {
                kind: "pdf".into(),
                mime_type: media::PDF_TYPE.into(),
                sha256: sha256.clone(),
                bytes: data.len() as u64,
                width: p.width,
                height: p.height,
                frames: 0,
            },
            source: MediaSource::Page(std::sync::Arc::new(p)),
        })
        .collect())
}

fn check_image(
    field: &str,
    data: &[u8],
    limits: &Limits,
    pixels: &mut PixelBudget,
) -> Result<(u32, u32)> {
    if data.len() > limits.max_image_bytes {
        return Err(Error::invalid(
            field,
            format!(
                "{} bytes; the limit for an image is {}",
                data.len(),
                limits.max_image_bytes
            ),
        ));
    }
    let (w, h) = media::verify_image(data, limits.max_image_pixels)
        .map_err(|problem| Error::invalid(field, problem))?;
    pixels.take(field, w as u64 * h as u64)?;
    Ok((w, h))
}

fn frames_item(
    i: usize,
    frames: Vec<Vec<u8>>,
    fps: f32,
    limits: &Limits,
    pixels: &mut PixelBudget,
    stop: &Stop,
) -> Result<MediaItem> {
    if frames.len() > limits.max_video_frames {
        return Err(Error::invalid(
            format!("media[{i}].frames"),
            format!(
                "{} frames; the limit is {}",
                frames.len(),
                limits.max_video_frames
            ),
        ));
    }
    if !(fps.is_finite() && fps > 0.0 && (fps as f64) <= limits.max_fps) {
        return Err(Error::invalid(
            format!("media[{i}].fps"),
            format!(
                "{fps}: frames need fps greater than 0 and at most {}",
                limits.max_fps
            ),
        ));
    }
    let total: usize = frames.iter().map(Vec::len).sum();
    if total > limits.max_video_bytes {
        return Err(Error::invalid(
            format!("media[{i}].frames"),
            format!(
                "{total} bytes in all; the limit for a video is {}",
                limits.max_video_bytes
            ),
        ));
    }
    let mut first: Option<(&'static str, u32, u32)> = None;
    let mut out = Vec::with_capacity(frames.len());
    for (j, f) in frames.into_iter().enumerate() {
        stop.check()?;
        let field = format!("media[{i}].frames[{j}]");
        let mime = media::sniff(&f)
            .filter(|m| m.starts_with("image/"))
            .ok_or_else(|| Error::invalid(&field, "not a PNG, JPEG, WebP or GIF image"))?;
        let (w, h) = check_image(&field, &f, limits, pixels)?;
        first.get_or_insert((mime, w, h));
        out.push(Bytes::from(f));
    }
    let (mime, w, h) = first.unwrap_or(("image/jpeg", 0, 0));
    let digest = MediaDigest {
        kind: "video".into(),
        mime_type: mime.to_string(),
        sha256: media::sha256_hex(out.iter().map(|b| b.as_ref())),
        bytes: total as u64,
        width: w,
        height: h,
        frames: out.len() as u32,
    };
    Ok(MediaItem {
        kind: MediaKind::Video,
        mime_type: mime.to_string(),
        width: w,
        height: h,
        digest,
        source: MediaSource::Frames { frames: out, fps },
    })
}

fn profile(
    p: std::collections::HashMap<String, String>,
    limits: &Limits,
) -> Result<BTreeMap<String, String>> {
    if p.len() > limits.max_profile_fields {
        return Err(Error::invalid(
            "profile",
            format!(
                "{} fields; the limit is {}",
                p.len(),
                limits.max_profile_fields
            ),
        ));
    }
    let mut out = BTreeMap::new();
    for (k, v) in p {
        let key = k.trim();
        if key.is_empty() || key.chars().count() > MAX_PROFILE_KEY_CHARS {
            return Err(Error::invalid(
                "profile",
                format!("keys must be 1 to {MAX_PROFILE_KEY_CHARS} characters"),
            ));
        }
        let n = v.chars().count();
        if n > limits.max_profile_value_chars {
            return Err(Error::invalid(
                format!("profile[{}]", echo(key)),
                format!(
                    "{n} characters; the limit is {}",
                    limits.max_profile_value_chars
                ),
            ));
        }
        out.insert(key.to_string(), v);
    }
    Ok(out)
}

fn options(o: GenerationOptions, limits: &Limits, field: &str) -> Result<GenOptions> {
    if let Some(n) = o.max_new_tokens
        && (n == 0 || n > limits.max_new_tokens)
    {
        return Err(Error::invalid(
            format!("{field}.max_new_tokens"),
            format!("{n}; must be from 1 to {}", limits.max_new_tokens),
        ));
    }
    if let Some(t) = o.temperature
        && !(t.is_finite() && (0.0..=2.0).contains(&t))
    {
        return Err(Error::invalid(
            format!("{field}.temperature"),
            format!("{t}; must be from 0 to 2"),
        ));
    }
    if let Some(p) = o.top_p
        && !(p.is_finite() && p > 0.0 && p <= 1.0)
    {
        return Err(Error::invalid(
            format!("{field}.top_p"),
            format!("{p}; must be greater than 0 and at most 1"),
        ));
    }
    if o.top_k == Some(0) {
        return Err(Error::invalid(
            format!("{field}.top_k"),
            "0; must be at least 1 (leave it unset for no limit)",
        ));
    }
    if o.stop.len() > limits.max_stop_sequences {
        return Err(Error::invalid(
            format!("{field}.stop"),
            format!(
                "{} sequences; the limit is {}",
                o.stop.len(),
                limits.max_stop_sequences
            ),
        ));
    }
    if o.stop
        .iter()
        .any(|s| s.is_empty() || s.chars().count() > MAX_STOP_CHARS)
    {
        return Err(Error::invalid(
            format!("{field}.stop"),
            format!("each stop sequence must be 1 to {MAX_STOP_CHARS} characters"),
        ));
    }
    Ok(GenOptions {
        max_new_tokens: o.max_new_tokens,
        temperature: o.temperature,
        top_p: o.top_p,
        top_k: o.top_k,
        seed: o.seed,
        stop: o.stop,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn png() -> Vec<u8> {
        let img = image::RgbImage::new(9, 7);
        let mut out = Vec::new();
        img.write_to(&mut std::io::Cursor::new(&mut out), image::ImageFormat::Png)
            .unwrap();
        out
    }

    /// Mutated and truncated files of every supported kind are rejected or accepted, never a panic.
    #[test]
    fn mangled_media_never_panics() {
        let mut seeds = vec![
            png(),
            b"GIF89a\x10\x00\x10\x00".to_vec(),
            b"RIFF\x00\x00\x00\x00WEBPVP8 ".to_vec(),
        ];
        let mut jpeg = Vec::new();
        image::RgbImage::new(5, 5)
            .write_to(
                &mut std::io::Cursor::new(&mut jpeg),
                image::ImageFormat::Jpeg,
            )
            .unwrap();
        seeds.push(jpeg);
        let mut state: u64 = 0x9E37_79B9_7F4A_7C15;
        let mut next = move || {
            state ^= state << 13;
            state ^= state >> 7;
            state ^= state << 17;
            state
        };
        let limits = Limits::default();
        let mut accepted = 0;
        for round in 0..3000 {
            let mut data = seeds[round % seeds.len()].clone();
            for _ in 0..(next() % 6) {
                let i = (next() as usize) % data.len();
                data[i] = next() as u8;
            }
            data.truncate(1 + (next() as usize) % (data.len() + 8));
            let req = AskRequest {
                text: "x".into(),
                media: vec![Media {
                    data,
                    ..Default::default()
                }],
                ..Default::default()
            };
            if ask_input(req, &limits, &Stop::never()).is_ok() {
                accepted += 1;
            }
        }
        // Some survive (mutations in pixel data), most don't; either way no panic.
        assert!(accepted < 3000);
    }

    #[test]
    fn valid_png_becomes_an_image_item() {
        let req = AskRequest {
            text: "x".into(),
            media: vec![Media {
                data: png(),
                mime_type: "IMAGE/PNG".into(),
                ..Default::default()
            }],
            profile: [(" name ".to_string(), "Zhang San".to_string())].into(),
            ..Default::default()
        };
        let input = ask_input(req, &Limits::default(), &Stop::never()).unwrap();
        let m = &input.media[0];
        assert_eq!(
            (m.kind, m.width, m.height, m.mime_type.as_str()),
            (MediaKind::Image, 9, 7, "image/png")
        );
        assert_eq!(m.digest.kind, "image");
        assert_eq!(
            input.profile.get("name").map(String::as_str),
            Some("Zhang San")
        );
    }
}

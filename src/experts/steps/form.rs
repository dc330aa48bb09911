//! The form-filling steps: field grounding and profile mapping over the OCR'd form (a CPU job,
//! no model; each page of a PDF form and each distinct frame of a video on its own, with one
//! script over them all), then, with a model, refinement of the fields the rules left open. Owns
//! the people-facing summary of a form plan, in the request's language.

use std::collections::BTreeMap;
use std::sync::Arc;

use tokio_util::sync::CancellationToken;

use crate::cpu::{CpuPool, Stop};
use crate::engine::instrumented::InstrumentedBackend;
use crate::engine::{GenerateRequest, Part};
use crate::error::{Error, Result};
use crate::experts::form_fill::{self, Field, profile::Facts};
use crate::experts::prompt::{chat, media_part, sampling_for};
use crate::experts::{Manifest, parse};
use crate::proto::{ExpertResult, FormFillResult, expert_result::Kind};
use crate::request::AskInput;

use super::ocr::Pages;
use super::{StepOutput, generate};

/// What grounding found, for refinement: the form's fields and the user's facts, and for a form
/// in a video (no image file to show the model) its frame as a PNG.
pub struct Grounded {
    fields: Vec<Field>,
    facts: Facts,
    frame: Option<bytes::Bytes>,
}

/// Grounds the fields of the form (the first image the OCR step read) and maps the user's facts
/// (profile, request text, earlier requests, and `sources`: what earlier steps of the plan read
/// or worked out, such as an ID card's text) onto them. Region finding walks every pixel, so it
/// runs on the CPU pool.
pub async fn fill(
    cpu: &CpuPool,
    stop: &Stop,
    pages: Arc<Pages>,
    input: &AskInput,
    history: &[(String, String)],
    sources: Vec<String>,
) -> Result<(StepOutput, Grounded)> {
    let text = input.text.clone();
    let profile = input.profile.clone();
    let mut earlier: Vec<String> = history.iter().map(|(u, _)| u.clone()).collect();
    earlier.extend(sources);
    let later = later_pages(&pages, input);
    cpu.run(stop, move |stop| {
        let (mut out, grounded) = output(&pages, &text, &profile, &earlier)?;
        fill_later_pages(&mut out, &pages, later, &text, &profile, &earlier, stop)?;
        Ok((out, grounded))
    })
    .await
}

/// A later page or frame of the form, filled on its own.
enum Later {
    /// A page of the PDF: its PNG, decoded when filled, so pixels do not pile up.
    Page(bytes::Bytes),
    /// A frame of the video, kept by the OCR step: its index in `pages.frames`.
    Frame(usize),
}

/// When the form is a PDF or a video: its later pages or distinct frames the OCR step read, each
/// with its index in `pages.read`.
fn later_pages(pages: &Pages, input: &AskInput) -> Vec<(usize, Later)> {
    let Some(&(first_media, _)) = pages.read.first() else {
        return Vec::new();
    };
    let same_form = |k: &usize| pages.read[*k].0 == first_media;
    if pages.seconds.len() == pages.read.len() {
        return (1..pages.read.len())
            .filter(same_form)
            .filter(|&k| k <= pages.frames.len())
            .map(|k| (k, Later::Frame(k - 1)))
            .collect();
    }
    if pages.pdf.first().copied().flatten().is_none() {
        return Vec::new();
    }
    let png_of = |page: u32| {
        input.media.iter().find_map(|m| match &m.source {
            crate::media::MediaSource::Page(p)
                if p.media_index == first_media && p.page == page =>
            {
                p.png.clone()
            }
            _ => None,
        })
    };
    (1..pages.read.len())
        .filter(same_form)
        .filter_map(|k| {
            let (page, _) = pages.pdf.get(k).copied().flatten()?;
            Some((k, Later::Page(png_of(page)?)))
        })
        .collect()
}

/// For a PDF, the script turns the page between pages (Page Down in the viewer).
const NEXT_PAGE: &str = "def next_page():\n    # The viewer shows the next page with its top-left at ORIGIN.\n    \
                         pyautogui.press(\"pagedown\")\n    time.sleep(0.5)\n\n\n";
/// For a video, what brought the next form up is not known (a click on "Next", another sheet
/// under the camera): the script waits for the operator to show it.
const NEXT_FRAME: &str = "def next_frame(seconds):\n    # The video showed another form at `seconds`: wait until it is on screen.\n    \
                          pyautogui.alert(\n        \"Show the form the video showed at %.1f s, with its top-left at ORIGIN, \"\n        \
                          \"then press OK.\" % seconds\n    )\n\n\n";

/// Fills each later page of a PDF form, or each later distinct frame of a video, on its own,
/// into `others`, and makes the first result's script fill them all in order: for a PDF it
/// turns the page between pages; for a video it waits, before each later frame's block, for the
/// operator to bring that form up (the block is headed with the frame's time).
fn fill_later_pages(
    out: &mut StepOutput,
    pages: &Pages,
    later: Vec<(usize, Later)>,
    text: &str,
    profile: &BTreeMap<String, String>,
    earlier: &[String],
    stop: &Stop,
) -> Result<()> {
    let Some(Kind::FormFill(first)) = &mut out.result.kind else {
        return Ok(());
    };
    let seconds = |k: usize| pages.seconds.get(k).copied();
    let page_of = |k: usize| pages.pdf.get(k).copied().flatten().map(|(p, _)| p);
    first.page_index = page_of(0);
    first.frame_seconds = seconds(0);
    if let Some(t) = first.frame_seconds {
        out.text = if crate::request::language(text) == "zh" {
            format!("视频 {t:.1} 秒处的表单：\n{}", out.text)
        } else {
            format!("The form as the video shows it at {t:.1} s:\n{}", out.text)
        };
    }
    if later.is_empty() {
        return Ok(());
    }
    let heading = |k: usize| match seconds(k) {
        Some(t) => format!("# Frame at {t:.1} s"),
        None => format!("# Page {}", page_of(k).unwrap_or(0) + 1),
    };
    let turn = |k: usize| match seconds(k) {
        Some(t) => format!("next_frame({t:.1})"),
        None => "next_page()".into(),
    };
    let video = seconds(0).is_some();
    let lang = crate::request::language(text);
    let facts = Facts::gather(profile, text, earlier);
    let header = form_fill::pyautogui_script(&[]);
    let mut script = format!(
        "{header}{}{}\n{}",
        if video { NEXT_FRAME } else { NEXT_PAGE },
        heading(0),
        first.script.get(header.len()..).unwrap_or_default()
    );
    for (k, source) in later {
        stop.check()?;
        let (media_index, page) = &pages.read[k];
        let decoded;
        let img = match source {
            Later::Page(png) => {
                decoded = crate::media::decode_until(&png, stop)?;
                &decoded
            }
            Later::Frame(f) => &pages.frames[f],
        };
        let gray = image::imageops::grayscale(img);
        let fields = form_fill::fields(page, &gray);
        let (actions, unfilled) = form_fill::plan(&fields, &facts, lang);
        let own = form_fill::pyautogui_script(&actions);
        script.push_str(&format!(
            "\n{}\n{}\n{}",
            heading(k),
            turn(k),
            own.get(header.len()..).unwrap_or_default()
        ));
        first.others.push(FormFillResult {
            script: own,
            script_language: "python-pyautogui".into(),
            actions,
            unfilled,
            media_index: *media_index,
            image_width: page.width,
            image_height: page.height,
            page_index: page_of(k),
            frame_seconds: seconds(k),
            others: Vec::new(),
        });
    }
    first.script = script;
    let filled: usize = first.others.iter().map(|o| o.actions.len()).sum();
    out.text.push_str(&format!(
        "\n{} more {}: {filled} more field(s) filled (see `others`).",
        first.others.len(),
        if video { "frame(s)" } else { "page(s)" }
    ));
    out.result
        .warnings
        .retain(|w| !w.contains("the form on the first"));
    Ok(())
}

fn output(
    pages: &Pages,
    text: &str,
    profile: &BTreeMap<String, String>,
    earlier: &[String],
) -> Result<(StepOutput, Grounded)> {
    let ((index, page), Some(img)) = (
        pages
            .read
            .first()
            .ok_or_else(|| Error::invalid("media", "form filling needs an image of the form"))?,
        &pages.first_image,
    ) else {
        return Err(Error::Internal("the form's image was not kept".into()));
    };
    let lang = crate::request::language(text);
    let facts = Facts::gather(profile, text, earlier);
    let gray = image::imageops::grayscale(img);
    let fields = form_fill::fields(page, &gray);
    let (actions, unfilled) = form_fill::plan(&fields, &facts, lang);
    let result = FormFillResult {
        script: form_fill::pyautogui_script(&actions),
        script_language: "python-pyautogui".into(),
        actions,
        unfilled,
        media_index: *index,
        image_width: page.width,
        image_height: page.height,
        page_index: None,
        frame_seconds: None,
        others: Vec::new(),
    };
    let mut warnings = Vec::new();
    if pages.read.len() > 1 {
        warnings.push(format!(
            "{} images sent; the form on the first (media_index {index}) was filled",
            pages.read.len()
        ));
    }
    if result.actions.is_empty() && result.unfilled.is_empty() {
        warnings.push("no form fields found on the image".into());
    }
    let out = StepOutput::without_model(
        summary(&result, lang),
        ExpertResult {
            raw_text: String::new(),
            reasoning: String::new(),
            warnings,
            kind: Some(Kind::FormFill(result)),
        },
    );
    // Encoded here, on the CPU pool; only a video's frame needs it.
    let frame = match (&pages.first_image, pages.seconds.is_empty()) {
        (Some(img), false) => Some(crate::media::encode_png(img)?),
        _ => None,
    };
    Ok((
        out,
        Grounded {
            fields,
            facts,
            frame,
        },
    ))
}

/// Asks the model about the fields the rules left open; without such fields, or unused profile
/// entries, the plan stands as it is and no model is called.
pub async fn refine(
    m: &Manifest,
    input: &AskInput,
    grounded: &Grounded,
    mut prev: StepOutput,
    backend: &InstrumentedBackend,
    cancel: &CancellationToken,
) -> Result<StepOutput> {
    let Some(Kind::FormFill(mut result)) = prev.result.kind.take() else {
        return Ok(prev);
    };
    let lang = crate::request::language(&input.text);
    let Grounded {
        fields,
        facts,
        frame,
    } = grounded;
    let Some(q) = form_fill::refine::question(fields, facts, &result, lang) else {
        prev.result.kind = Some(Kind::FormFill(result));
        return Ok(prev);
    };
    // The form itself (the first image file or PDF page, else the video frame it was filled
    // from), for the model to look at; no history.
    let mut parts: Vec<Part> = input
        .media
        .iter()
        .find(|x| x.image_data().is_some())
        .map(media_part)
        .or_else(|| {
            frame.clone().map(|data| Part::Image {
                mime_type: "image/png".into(),
                data,
            })
        })
        .into_iter()
        .collect();
    parts.push(Part::Text(q.prompt.clone()));
    let mut sampling = sampling_for(m, input);
    sampling.max_new_tokens = sampling.max_new_tokens.min(512);
    let request = GenerateRequest {
        expert: m.id.clone(),
        messages: chat(m, &[], parts),
        sampling,
        cache_scope: crate::experts::prompt::cache_scope(input),
    };
    let (answer, finish, _) = generate(&request, backend, cancel, None, 0).await?;
    let split = parse::reasoning::split(&answer);
    let mut warnings = form_fill::refine::apply(&split.answer, &q, fields, &mut result);
    prev.result.warnings.append(&mut warnings);
    prev.text = summary(&result, lang);
    prev.result.raw_text = answer;
    prev.result.reasoning = split.reasoning;
    prev.result.kind = Some(Kind::FormFill(result));
    prev.prompt_tokens += finish.prompt_tokens;
    prev.completion_tokens += finish.completion_tokens;
    prev.vision_reused += finish.vision_reused;
    prev.cached_tokens += finish.cached_tokens;
    Ok(prev)
}

/// A short account of the plan for people: what goes where, and what could not be filled.
fn summary(r: &FormFillResult, lang: &str) -> String {
    let zh = lang == "zh";
    let total = r.actions.len() + r.unfilled.len();
    let mut s = if zh {
        format!("可填写 {} / {} 个字段。\n", r.actions.len(), total)
    } else {
        format!("Filled {} of {} fields.\n", r.actions.len(), total)
    };
    for a in &r.actions {
        s.push_str(&format!("- {}: {}\n", a.label, a.value));
    }
    if !r.unfilled.is_empty() {
        s.push_str(if zh {
            "未填写：\n"
        } else {
            "Not filled:\n"
        });
        for u in &r.unfilled {
            s.push_str(&format!("- {}: {}\n", u.label, u.reason));
        }
    }
    s.trim_end().to_string()
}

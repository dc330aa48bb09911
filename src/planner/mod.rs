//! The planner: turns the chosen route into steps, runs them, and combines their results into
//! one answer. A simple intent is one model step. Experts whose manifest names the `ocr` tool
//! read the request's images with the in-process OCR first; form filling is OCR -> field
//! grounding and profile mapping -> actions, and needs no model. Owns step ids, the step events
//! of a stream, and the combination; must not route or touch memory (the app does both).

use std::sync::Arc;

use image::RgbImage;
use tokio::sync::mpsc;

use crate::cpu::{CpuPool, Stop};
use crate::engine::{Backend, GenerateRequest, HOW_TO_CONFIGURE, Message, Part, Role};
use crate::error::{Error, Result};
use crate::experts::form_fill::{self, profile::Facts};
use crate::experts::{self, Registry, StepContext, StepOutput, Tool};
use crate::media::{MediaKind, MediaSource};
use crate::ocr::{self, OcrTool, Page};
use crate::proto::expert_result::Kind;
use crate::proto::{AskEvent, ExpertResult, StepFinished, StepStarted, ask_event, expert_result};
use crate::request::AskInput;
use tracing::Instrument;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum StepKind {
    /// The expert's prompt on the model.
    Model,
    /// The OCR tool over the request's images.
    Ocr,
    /// Field grounding and profile mapping over the OCR'd form.
    FormFill,
    /// The model pairs the fields the rules left open with unused profile entries.
    FormRefine,
}

/// One step of a plan.
#[derive(Debug, Clone, PartialEq)]
pub struct Step {
    pub id: String,
    pub expert: String,
    pub kind: StepKind,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Plan {
    pub steps: Vec<Step>,
}

pub struct Planner {
    registry: Arc<Registry>,
    backend: Option<Arc<dyn Backend>>,
    ocr: Option<Arc<OcrTool>>,
    cpu: CpuPool,
}

/// Everything a plan run needs besides the request.
pub struct RunContext<'a> {
    pub history: &'a [(String, String)],
    /// Cancellation and the deadline; CPU steps and model calls stop when it fires.
    pub stop: Stop,
    pub events: Option<&'a mpsc::Sender<AskEvent>>,
}

fn has_image(input: &AskInput) -> bool {
    input
        .media
        .iter()
        .any(|m| m.kind == MediaKind::Image && matches!(m.source, MediaSource::File(_)))
}

impl Planner {
    pub fn new(
        registry: Arc<Registry>,
        backend: Option<Arc<dyn Backend>>,
        ocr: Option<Arc<OcrTool>>,
        cpu: CpuPool,
    ) -> Self {
        Planner {
            registry,
            backend,
            ocr,
            cpu,
        }
    }

    /// Whether an expert can answer here without a model (its tools are loaded).
    pub fn tools_ready(&self, expert: &str) -> bool {
        self.registry
            .get(expert)
            .is_some_and(|m| m.uses(Tool::Ocr) && self.ocr.is_some())
    }

    /// The plan for a route and a request.
    pub fn plan(&self, expert: &str, input: &AskInput) -> Plan {
        let form = self
            .registry
            .get(expert)
            .is_some_and(|m| m.kind == experts::Kind::FormFill);
        let step = |i: usize, kind: StepKind| Step {
            id: format!("{expert}#{i}"),
            expert: expert.to_string(),
            kind,
        };
        if self.tools_ready(expert) && has_image(input) {
            if form {
                let mut steps = vec![step(0, StepKind::Ocr), step(1, StepKind::FormFill)];
                if self.backend.is_some() {
                    steps.push(step(2, StepKind::FormRefine));
                }
                return Plan { steps };
            }
            let mut steps = vec![step(0, StepKind::Ocr)];
            if self.backend.is_some() {
                steps.push(step(1, StepKind::Model));
            }
            return Plan { steps };
        }
        Plan {
            steps: vec![step(0, StepKind::Model)],
        }
    }

    /// Fails early, before any work, when a step needs a model and none is configured.
    pub fn check(&self, plan: &Plan) -> Result<()> {
        for step in &plan.steps {
            let m = self.registry.get(&step.expert).ok_or_else(|| {
                Error::Internal(format!("plan names unknown expert {}", step.expert))
            })?;
            if step.kind == StepKind::Model && self.backend.is_none() {
                let tools = if m.uses(Tool::Ocr) {
                    if self.ocr.is_some() {
                        " (without one it reads images only: send an image)"
                    } else {
                        " (or the OCR models: run tools/fetch-assets.sh and set ocr.models_dir)"
                    }
                } else {
                    ""
                };
                return Err(Error::FailedPrecondition(format!(
                    "expert {:?} needs a model{tools} and this server has none; {HOW_TO_CONFIGURE}",
                    m.id
                )));
            }
        }
        Ok(())
    }

    pub async fn run(
        &self,
        plan: &Plan,
        input: &AskInput,
        ctx: RunContext<'_>,
    ) -> Result<StepOutput> {
        self.check(plan)?;
        let mut last: Option<StepOutput> = None;
        let mut pages = Pages::default();
        let mut form: Option<(Vec<form_fill::Field>, Facts)> = None;
        for step in &plan.steps {
            let m = self.registry.get(&step.expert).ok_or_else(|| {
                Error::Internal(format!("plan names unknown expert {}", step.expert))
            })?;
            emit(
                ctx.events,
                ask_event::Event::StepStarted(StepStarted {
                    step_id: step.id.clone(),
                    expert: m.id.clone(),
                }),
            )
            .await;
            let span = tracing::info_span!(
                "step",
                step.id = step.id.as_str(),
                step.kind = ?step.kind,
                expert = m.id.as_str(),
            );
            let started = std::time::Instant::now();
            let out = async {
                Ok::<_, Error>(match step.kind {
                    StepKind::Ocr => {
                        pages = self.read_images(input, &ctx.stop).await?;
                        ocr_output(&pages)
                    }
                    StepKind::FormFill => {
                        // Region finding walks every pixel: a CPU job.
                        let pages = std::mem::take(&mut pages);
                        let text = input.text.clone();
                        let profile = input.profile.clone();
                        let earlier: Vec<String> =
                            ctx.history.iter().map(|(u, _)| u.clone()).collect();
                        let (out, fields, facts) = self
                            .cpu
                            .run(&ctx.stop, move |_| {
                                form_output(&pages, &text, &profile, &earlier)
                            })
                            .await?;
                        form = Some((fields, facts));
                        out
                    }
                    StepKind::FormRefine => {
                        let prev = last.take().ok_or_else(|| {
                            Error::Internal("form refinement without a plan".into())
                        })?;
                        match &form {
                            Some((fields, facts)) => {
                                self.refine_form(m, input, fields, facts, prev, ctx.stop.token())
                                    .await?
                            }
                            None => prev,
                        }
                    }
                    StepKind::Model => {
                        let backend = self
                            .backend
                            .as_ref()
                            .ok_or_else(|| Error::FailedPrecondition(HOW_TO_CONFIGURE.into()))?;
                        let ocr_text = last.as_ref().map(|o| o.text.clone());
                        let sctx = StepContext {
                            backend,
                            registry: &self.registry,
                            history: ctx.history,
                            cancel: ctx.stop.token().clone(),
                            events: ctx.events,
                            step_id: &step.id,
                            ocr_text: ocr_text.as_deref(),
                        };
                        let mut out = experts::run_step(m, input, &sctx).await?;
                        // The OCR boxes stay the ground truth for where text is; the model's answer
                        // adds structure (fields and tables placed on the OCR's lines).
                        if let Some(prev) = last.take()
                            && let Some(expert_result::Kind::Ocr(mut ocr)) = prev.result.kind
                        {
                            let placed = experts::parse::ocr::structure(&out.text, &mut ocr);
                            out.result.kind = Some(expert_result::Kind::Ocr(ocr));
                            out.result.warnings.splice(0..0, prev.result.warnings);
                            out.result.warnings.extend(placed);
                        }
                        out
                    }
                })
            }
            .instrument(span)
            .await;
            crate::metrics::get().step_duration.record(
                started.elapsed().as_secs_f64(),
                &crate::metrics::attrs(&[
                    ("expert", m.id.clone()),
                    (
                        "outcome",
                        if out.is_ok() { "ok" } else { "error" }.to_string(),
                    ),
                ]),
            );
            let out = out?;
            emit(
                ctx.events,
                ask_event::Event::StepFinished(StepFinished {
                    step_id: step.id.clone(),
                    expert: m.id.clone(),
                    result: Some(out.result.clone()),
                }),
            )
            .await;
            last = Some(out);
        }
        last.ok_or_else(|| Error::Internal("empty plan".into()))
    }

    /// Asks the model about the fields the rules left open; without such fields, or unused
    /// profile entries, the plan stands as it is and no model is called.
    async fn refine_form(
        &self,
        m: &experts::Manifest,
        input: &AskInput,
        fields: &[form_fill::Field],
        facts: &Facts,
        mut prev: StepOutput,
        cancel: &tokio_util::sync::CancellationToken,
    ) -> Result<StepOutput> {
        let Some(Kind::FormFill(mut result)) = prev.result.kind.take() else {
            return Ok(prev);
        };
        let lang = crate::request::language(&input.text);
        let (Some(backend), Some(q)) = (
            self.backend.as_ref(),
            form_fill::refine::question(fields, facts, &result, lang),
        ) else {
            prev.result.kind = Some(Kind::FormFill(result));
            return Ok(prev);
        };
        // The form itself (the first image file), for the model to look at.
        let mut parts: Vec<Part> = input
            .media
            .iter()
            .find(|x| x.kind == MediaKind::Image && matches!(x.source, MediaSource::File(_)))
            .map(experts::media_part)
            .into_iter()
            .collect();
        parts.push(Part::Text(q.prompt.clone()));
        let mut messages = Vec::new();
        if !m.system.trim().is_empty() {
            messages.push(Message::text(Role::System, m.system.trim()));
        }
        messages.push(Message {
            role: Role::User,
            parts,
        });
        let mut sampling = experts::sampling_for(m, input);
        sampling.max_new_tokens = sampling.max_new_tokens.min(512);
        let request = GenerateRequest {
            expert: m.id.clone(),
            messages,
            sampling,
        };
        let (answer, finish, _) =
            experts::stream_answer(&request, backend, cancel, None, 0).await?;
        let split = experts::parse::reasoning::split(&answer);
        let mut warnings = form_fill::refine::apply(&split.answer, &q, fields, &mut result);
        prev.result.warnings.append(&mut warnings);
        prev.text = form_summary(&result, lang);
        prev.result.raw_text = answer;
        prev.result.reasoning = split.reasoning;
        prev.result.kind = Some(Kind::FormFill(result));
        prev.prompt_tokens += finish.prompt_tokens;
        prev.completion_tokens += finish.completion_tokens;
        Ok(prev)
    }

    /// Reads every image of the request. Only the first keeps its pixels (form filling and
    /// the boxes are about the first image), so memory does not grow with the image count.
    async fn read_images(&self, input: &AskInput, stop: &Stop) -> Result<Pages> {
        let tool = self
            .ocr
            .as_ref()
            .ok_or_else(|| Error::Internal("OCR step planned without the OCR tool".into()))?;
        let mut pages = Pages::default();
        for (i, m) in input.media.iter().enumerate() {
            if m.kind != MediaKind::Image {
                continue;
            }
            let MediaSource::File(data) = &m.source else {
                continue;
            };
            let (img, page) = tool
                .read_image(&self.cpu, stop, data.clone())
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
        Ok(pages)
    }
}

/// What the OCR step read: each image's page (with its media index), and the first image.
#[derive(Default)]
struct Pages {
    read: Vec<(u32, Page)>,
    first_image: Option<RgbImage>,
}

fn ocr_output(pages: &Pages) -> StepOutput {
    let pages = &pages.read;
    let mut warnings = Vec::new();
    let text = if pages.len() == 1 {
        pages[0].1.text()
    } else {
        pages
            .iter()
            .map(|(i, p)| format!("[image {i}]\n{}", p.text()))
            .collect::<Vec<_>>()
            .join("\n\n")
    };
    if pages.len() > 1 {
        warnings.push(format!(
            "{} images read; boxes are given for the first (media_index {})",
            pages.len(),
            pages[0].0
        ));
    }
    if pages.iter().all(|(_, p)| p.lines.is_empty()) {
        warnings.push("no text found".into());
    }
    StepOutput {
        result: ExpertResult {
            raw_text: String::new(),
            reasoning: String::new(),
            warnings,
            kind: pages
                .first()
                .map(|(i, p)| expert_result::Kind::Ocr(ocr::to_proto(p, *i))),
        },
        text,
        prompt_tokens: 0,
        completion_tokens: 0,
        first_text_at: None,
    }
}

fn form_output(
    pages: &Pages,
    text: &str,
    profile: &std::collections::BTreeMap<String, String>,
    earlier: &[String],
) -> Result<(StepOutput, Vec<form_fill::Field>, Facts)> {
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
    let result = crate::proto::FormFillResult {
        script: form_fill::pyautogui_script(&actions),
        script_language: "python-pyautogui".into(),
        actions,
        unfilled,
        media_index: *index,
        image_width: page.width,
        image_height: page.height,
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
    let text = form_summary(&result, lang);
    let out = StepOutput {
        text,
        result: ExpertResult {
            raw_text: String::new(),
            reasoning: String::new(),
            warnings,
            kind: Some(expert_result::Kind::FormFill(result)),
        },
        prompt_tokens: 0,
        completion_tokens: 0,
        first_text_at: None,
    };
    Ok((out, fields, facts))
}

/// A short account of the plan for people: what goes where, and what could not be filled.
fn form_summary(r: &crate::proto::FormFillResult, lang: &str) -> String {
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

async fn emit(events: Option<&mpsc::Sender<AskEvent>>, event: ask_event::Event) {
    if let Some(tx) = events {
        let _ = tx.send(AskEvent { event: Some(event) }).await;
    }
}

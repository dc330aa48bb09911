//! The planner: turns where a request is going into a plan over experts, compiles the plan into
//! the work its steps are run as, and runs that work as a DAG: a step starts when its parents are
//! done, independent steps run at once (up to `plans.max_parallel`), and each step is given its
//! parents' typed results (`context`). Plans come from the client, from the dispatcher (several
//! intents in one request), or from one route plus the steps its manifest `needs` first.
//! Compiling expands an expert into its work: experts with the OCR tool read the request's
//! images first (one reading per request, shared by every step that needs it); form filling is
//! OCR -> field grounding and profile mapping -> (with a model) refinement; a diagram without a
//! model is OCR -> tracing. Owns step ids, the
//! step events of a stream, failure semantics (required and optional steps), and the step
//! metrics. What a step does belongs to its expert (`experts::steps`); the planner must not
//! route or touch memory (the app does both).

pub mod context;
pub mod plan;

use std::sync::Arc;
use std::time::Instant;

use futures::StreamExt;
use futures::stream::FuturesUnordered;
use tokio::sync::mpsc;
use tracing::Instrument;

use crate::config::PlansConfig;
use crate::cpu::{CpuPool, Stop};
use crate::engine::HOW_TO_CONFIGURE;
use crate::engine::instrumented::InstrumentedBackend;
use crate::error::{Error, Result};
use crate::experts::steps::{self, form::Grounded, ocr::Pages};
use crate::experts::{Kind, Registry, StepContext, StepOutput, Tool};
use crate::media::{MediaKind, MediaSource};
use crate::ocr::OcrTool;
use crate::proto::{AskEvent, StepFinished, StepReport, StepStarted, ask_event};
use crate::request::AskInput;

pub use plan::{Plan, PlanLimits, PlanSource, PlanStep};

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum StepKind {
    /// The expert's prompt on the model.
    Model,
    /// The OCR tool over the request's images (or, after a video step, over chosen frames).
    Ocr,
    /// Field grounding and profile mapping over the OCR'd form.
    FormFill,
    /// The model pairs the fields the rules left open with unused profile entries.
    FormRefine,
    /// A diagram traced on the OCR'd image, without a model.
    DiagramTrace,
}

impl StepKind {
    /// Its name in step reports.
    pub fn as_str(self) -> &'static str {
        match self {
            StepKind::Model => "model",
            StepKind::Ocr => "ocr",
            StepKind::FormFill => "form_fill",
            StepKind::FormRefine => "form_refine",
            StepKind::DiagramTrace => "diagram_trace",
        }
    }
}

/// One unit of work: a plan step compiles to one or more of these.
#[derive(Debug, Clone, PartialEq)]
pub struct Step {
    /// `<plan step id>#<n>`.
    pub id: String,
    pub expert: String,
    pub kind: StepKind,
    /// Steps whose output this one is given.
    pub after: Vec<String>,
    /// The plan step it belongs to (its id, and its index in the plan).
    pub plan_step: String,
    of: usize,
    pub optional: bool,
}

/// A plan and the work it compiled to, parents before children.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Graph {
    pub plan: Plan,
    pub steps: Vec<Step>,
}

/// What a plan produced: the answer (the last step's, or the final steps' together) and a report
/// of every step, in the order they started.
pub struct PlanOutput {
    pub answer: StepOutput,
    pub steps: Vec<StepReport>,
    /// Tokens and reuse over every step.
    pub prompt_tokens: u32,
    pub completion_tokens: u32,
    pub vision_reused: u32,
    pub cached_tokens: u32,
    pub first_text_at: Option<Instant>,
}

pub struct Planner {
    registry: Arc<Registry>,
    backend: Option<Arc<InstrumentedBackend>>,
    ocr: Option<Arc<OcrTool>>,
    cpu: CpuPool,
    limits: PlansConfig,
    /// For reading a video file's frames again at its own size (OCR): how to decode, and the
    /// bytes those frames may take.
    video: Option<(crate::media::video::Settings, u64)>,
}

/// Everything a plan run needs besides the request.
pub struct RunContext<'a> {
    pub history: &'a [(String, String)],
    /// Cancellation and the deadline; CPU steps and model calls stop when it fires.
    pub stop: Stop,
    pub events: Option<&'a mpsc::Sender<AskEvent>>,
}

/// What one step handed on.
struct Produced {
    out: StepOutput,
    /// The OCR step's pages (form filling grounds fields on them).
    pages: Option<Arc<Pages>>,
    /// Form grounding's fields and facts (refinement asks the model about them).
    grounded: Option<Arc<Grounded>>,
}

enum State {
    Waiting,
    Running,
    Done(Arc<Produced>),
    Failed,
}

/// Whether the request has pictures the OCR tool can read: an image, or a decoded video file's
/// frames.
fn has_image(input: &AskInput) -> bool {
    input.media.iter().any(|m| match &m.source {
        MediaSource::File(_) => m.kind == MediaKind::Image,
        MediaSource::Decoded(_) | MediaSource::Page(_) => true,
        MediaSource::Frames { .. } => false,
    })
}

/// The first video whose frames are at hand (sent as frames, or a decoded file), with its index
/// and each frame's time in seconds.
fn frames_video(input: &AskInput) -> Option<(usize, Vec<f64>)> {
    input
        .media
        .iter()
        .enumerate()
        .find_map(|(i, m)| match &m.source {
            MediaSource::Frames { frames, fps } if m.kind == MediaKind::Video && *fps > 0.0 => {
                let fps = f64::from(*fps);
                Some((i, (0..frames.len()).map(|j| j as f64 / fps).collect()))
            }
            MediaSource::Decoded(v) => Some((i, v.seconds.clone())),
            _ => None,
        })
}

impl Planner {
    pub fn new(
        registry: Arc<Registry>,
        backend: Option<Arc<InstrumentedBackend>>,
        ocr: Option<Arc<OcrTool>>,
        cpu: CpuPool,
        limits: PlansConfig,
    ) -> Self {
        Planner {
            registry,
            backend,
            ocr,
            cpu,
            limits,
            video: None,
        }
    }

    /// OCR reads a video file's frames decoded again at the video's size (within `max_bytes`
    /// together), not at the model's.
    pub fn with_video(mut self, settings: crate::media::video::Settings, max_bytes: u64) -> Self {
        self.video = Some((settings, max_bytes));
        self
    }

    pub fn limits(&self) -> PlanLimits {
        PlanLimits {
            max_steps: self.limits.max_steps,
            max_fan_out: self.limits.max_fan_out,
        }
    }

    /// Whether an expert can answer here without a model (its tools are loaded).
    pub fn tools_ready(&self, expert: &str) -> bool {
        self.registry
            .get(expert)
            .is_some_and(|m| m.uses(Tool::Ocr) && self.ocr.is_some())
    }

    /// The plan for a route, or for the plan the dispatcher composed: each step without parents
    /// gets the steps its manifest `needs` first, when the request has what they read and they
    /// can run here (math given an image reads it with OCR first). A client's plan is run as
    /// given.
    pub fn plan(&self, expert: &str, composed: Option<Plan>, input: &AskInput) -> Plan {
        let plan = composed.unwrap_or_else(|| Plan::single(expert));
        if plan.source != PlanSource::Route {
            return plan;
        }
        let mut out: Vec<PlanStep> = Vec::with_capacity(plan.steps.len() + 1);
        for mut step in plan.steps.iter().cloned() {
            let images = input
                .media
                .iter()
                .filter(|m| m.kind == MediaKind::Image)
                .count();
            let needs = self
                .registry
                .get(&step.expert)
                .map(|m| {
                    let mut n = m.needs.clone();
                    if images > 1 {
                        n.extend(m.needs_with_more_images.iter().cloned());
                    }
                    n
                })
                .unwrap_or_default();
            if step.after.is_empty() {
                for need in needs.iter().filter(|n| self.can_feed(n, input)) {
                    let existing = out
                        .iter()
                        .chain(&plan.steps)
                        .find(|s| &s.expert == need && s.after.is_empty())
                        .map(|s| s.id.clone());
                    let id = match existing {
                        Some(id) => id,
                        None => {
                            let id = plan::unique_id(need, |id| {
                                out.iter().chain(&plan.steps).any(|s| s.id == id)
                            });
                            out.push(PlanStep {
                                id: id.clone(),
                                expert: need.clone(),
                                // What it reads helps; the step can still look for itself.
                                optional: true,
                                ..Default::default()
                            });
                            id
                        }
                    };
                    step.after.push(id);
                }
            }
            out.push(step);
        }
        Plan {
            steps: out,
            source: plan.source,
            confidence: plan.confidence,
        }
    }

    /// Whether a needed expert has something to read in this request and can run here.
    fn can_feed(&self, need: &str, input: &AskInput) -> bool {
        let Some(m) = self.registry.get(need) else {
            return false;
        };
        let takes_images = m.media.is_empty() || m.media.contains(&MediaKind::Image);
        takes_images && has_image(input) && (self.tools_ready(need) || self.backend.is_some())
    }

    /// Checks a plan and expands its steps into work, parents first.
    pub fn compile(&self, plan: &Plan, input: &AskInput) -> Result<Graph> {
        let ids = self.registry.ids();
        let order = plan::validate(plan, &ids, self.limits())?;
        let index = |id: &str| plan.steps.iter().position(|s| s.id == id);
        let mut last_of: Vec<Option<String>> = vec![None; plan.steps.len()];
        let mut steps: Vec<Step> = Vec::new();
        // The one OCR reading of the request's images, shared by every step that needs it.
        let mut shared_ocr: Option<String> = None;
        for i in order {
            let ps = &plan.steps[i];
            let m = self.registry.get(&ps.expert).ok_or_else(|| {
                Error::Internal(format!("plan names unknown expert {}", ps.expert))
            })?;
            let parents: Vec<String> = ps
                .after
                .iter()
                .filter_map(|a| index(a).and_then(|p| last_of[p].clone()))
                .collect();
            let after_video = frames_video(input).is_some()
                && ps.after.iter().any(|a| {
                    index(a)
                        .and_then(|p| self.registry.get(&plan.steps[p].expert))
                        .is_some_and(|pm| pm.kind == Kind::Video)
                });
            let feeds_others = plan.steps.iter().any(|s| s.after.contains(&ps.id));
            let tool = self.tools_ready(&m.id) && (has_image(input) || after_video);
            let kinds: Vec<StepKind> = match (m.kind, tool) {
                (Kind::FormFill, true) if !after_video => {
                    let mut k = vec![StepKind::Ocr, StepKind::FormFill];
                    if self.backend.is_some() {
                        k.push(StepKind::FormRefine);
                    }
                    k
                }
                // A reading that feeds other steps is the tool's; the model structures only an
                // OCR answer.
                (Kind::Ocr, true) if feeds_others || self.backend.is_none() => {
                    vec![StepKind::Ocr]
                }
                (Kind::Ocr, true) => vec![StepKind::Ocr, StepKind::Model],
                // Without a model a diagram is traced on the image; with one the model reads it.
                (Kind::Diagram, true) if self.backend.is_none() && !after_video => {
                    vec![StepKind::Ocr, StepKind::DiagramTrace]
                }
                _ => vec![StepKind::Model],
            };
            let mut prev = parents;
            for (n, kind) in kinds.into_iter().enumerate() {
                if kind == StepKind::Ocr
                    && !after_video
                    && let Some(shared) = &shared_ocr
                {
                    if !prev.contains(shared) {
                        prev.insert(0, shared.clone());
                    }
                    // A required step cannot do without the reading it shares.
                    if !ps.optional
                        && let Some(s) = steps.iter_mut().find(|s| &s.id == shared)
                    {
                        s.optional = false;
                    }
                    continue;
                }
                let id = format!("{}#{n}", ps.id);
                if kind == StepKind::Ocr && !after_video {
                    shared_ocr = Some(id.clone());
                }
                steps.push(Step {
                    id: id.clone(),
                    expert: m.id.clone(),
                    kind,
                    after: std::mem::take(&mut prev),
                    plan_step: ps.id.clone(),
                    of: i,
                    optional: ps.optional,
                });
                prev = vec![id];
            }
            // An expert whose work was all shared answers with what it shares.
            last_of[i] = prev.first().cloned();
        }
        Ok(Graph {
            plan: plan.clone(),
            steps,
        })
    }

    /// Fails early, before any work, when a step needs a model and none is configured.
    pub fn check(&self, graph: &Graph) -> Result<()> {
        for step in &graph.steps {
            let m = self.registry.get(&step.expert).ok_or_else(|| {
                Error::Internal(format!("plan names unknown expert {}", step.expert))
            })?;
            if step.kind == StepKind::Model && self.backend.is_none() {
                let tools = if m.uses(Tool::Ocr) {
                    if self.ocr.is_some() {
                        " (without one it reads images only: send an image)"
                    } else {
                        " (or the OCR models: run tools/fetch-assets.sh and set ocr.enabled = true and ocr.models_dir)"
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

    /// Runs the work of a compiled plan. A required step's failure stops the others and fails
    /// the run with its error; an optional step's leaves a warning and a "failed" report.
    pub async fn run(
        &self,
        graph: &Graph,
        input: &AskInput,
        ctx: RunContext<'_>,
    ) -> Result<PlanOutput> {
        self.check(graph)?;
        // Fired when a required step fails, so that the others stop; dropped with the run.
        let stop = ctx.stop.child();
        let _stop_the_rest = stop.token().clone().drop_guard();
        let plan_started = Instant::now();
        let n = graph.steps.len();
        let position = |id: &str| graph.steps.iter().position(|s| s.id == id);
        let parents: Vec<Vec<usize>> = graph
            .steps
            .iter()
            .map(|s| s.after.iter().filter_map(|a| position(a)).collect())
            .collect();
        let mut state: Vec<State> = (0..n).map(|_| State::Waiting).collect();
        let mut reports: Vec<StepReport> = Vec::with_capacity(n);
        let mut warnings: Vec<String> = Vec::new();
        let mut running = FuturesUnordered::new();
        loop {
            for i in 0..n {
                if running.len() >= self.limits.max_parallel {
                    break;
                }
                let waiting = matches!(state[i], State::Waiting);
                let ready = parents[i]
                    .iter()
                    .all(|p| matches!(state[*p], State::Done(_) | State::Failed));
                if !waiting || !ready {
                    continue;
                }
                let given: Vec<(usize, Arc<Produced>)> = parents[i]
                    .iter()
                    .filter_map(|p| match &state[*p] {
                        State::Done(d) => Some((*p, d.clone())),
                        _ => None,
                    })
                    .collect();
                state[i] = State::Running;
                let step = &graph.steps[i];
                emit(
                    ctx.events,
                    ask_event::Event::StepStarted(StepStarted {
                        step_id: step.id.clone(),
                        expert: step.expert.clone(),
                        parents: step.after.clone(),
                        plan_step: step.plan_step.clone(),
                    }),
                )
                .await;
                let span = tracing::info_span!(
                    "step",
                    step.id = step.id.as_str(),
                    step.kind = ?step.kind,
                    expert = step.expert.as_str(),
                );
                let work = self.run_step(graph, i, given, input, &ctx, &stop);
                let started = Instant::now();
                running.push(async move { (i, started, work.instrument(span).await) });
            }
            let Some((i, started, result)) = running.next().await else {
                break;
            };
            let step = &graph.steps[i];
            crate::metrics::get().step_duration.record(
                started.elapsed().as_secs_f64(),
                &crate::metrics::attrs(&[
                    ("expert", step.expert.clone()),
                    (
                        "outcome",
                        if result.is_ok() { "ok" } else { "error" }.to_string(),
                    ),
                ]),
            );
            let ms = |d: std::time::Duration| u32::try_from(d.as_millis()).unwrap_or(u32::MAX);
            let mut report = StepReport {
                step_id: step.id.clone(),
                expert: step.expert.clone(),
                kind: step.kind.as_str().into(),
                parents: step.after.clone(),
                status: "ok".into(),
                result: None,
                started_ms: ms(started.duration_since(plan_started)),
                duration_ms: ms(started.elapsed()),
                plan_step: step.plan_step.clone(),
                optional: step.optional,
                error: String::new(),
            };
            match result {
                Ok(produced) => {
                    report.result = Some(produced.out.result.clone());
                    state[i] = State::Done(Arc::new(produced));
                }
                // The request's own stop is never an optional step's failure.
                Err(e) if step.optional && ctx.stop.check().is_ok() => {
                    let said = crate::error::describe(&e);
                    tracing::warn!(step = step.id.as_str(), error = %e, "optional step failed");
                    warnings.push(format!(
                        "optional step {} ({}) failed, and the plan went on without it: {said}",
                        step.id, step.expert
                    ));
                    report.status = "failed".into();
                    report.error = said;
                    state[i] = State::Failed;
                }
                Err(e) => {
                    stop.cancel();
                    return Err(e);
                }
            }
            emit(
                ctx.events,
                ask_event::Event::StepFinished(StepFinished {
                    step_id: step.id.clone(),
                    expert: step.expert.clone(),
                    result: report.result.clone(),
                    status: report.status.clone(),
                    error: report.error.clone(),
                }),
            )
            .await;
            reports.push(report);
        }
        reports.sort_by_key(|r| r.started_ms);
        combine(graph, state, reports, warnings)
    }

    /// One step's work, given its parents' output (those that succeeded).
    async fn run_step(
        &self,
        graph: &Graph,
        i: usize,
        given: Vec<(usize, Arc<Produced>)>,
        input: &AskInput,
        ctx: &RunContext<'_>,
        stop: &Stop,
    ) -> Result<Produced> {
        let step = &graph.steps[i];
        let m = self
            .registry
            .get(&step.expert)
            .ok_or_else(|| Error::Internal(format!("plan names unknown expert {}", step.expert)))?;
        let ps = &graph.plan.steps[step.of];
        // The step's own instruction and options, where the plan gives them.
        let own;
        let input = if ps.text.is_some() || ps.options.is_some() {
            let mut i = input.clone();
            if let Some(t) = &ps.text {
                i.text = t.clone();
            }
            if let Some(o) = &ps.options {
                let r = &mut i.options;
                r.max_new_tokens = o.max_new_tokens.or(r.max_new_tokens);
                r.temperature = o.temperature.or(r.temperature);
                r.top_p = o.top_p.or(r.top_p);
                r.top_k = o.top_k.or(r.top_k);
                r.seed = o.seed.or(r.seed);
                if !o.stop.is_empty() {
                    r.stop = o.stop.clone();
                }
            }
            own = i;
            &own
        } else {
            input
        };
        let produced = |out| Produced {
            out,
            pages: None,
            grounded: None,
        };
        Ok(match step.kind {
            StepKind::Ocr => {
                let tool = self.ocr.as_ref().ok_or_else(|| {
                    Error::Internal("OCR step planned without the OCR tool".into())
                })?;
                let timeline = given.iter().find(|(_, p)| {
                    matches!(
                        p.out.result.kind,
                        Some(crate::proto::expert_result::Kind::Video(_))
                    )
                });
                let (pages, out) = match (timeline, frames_video(input)) {
                    (Some((_, video)), Some((index, seconds))) => {
                        let picked = context::frames_at_events(
                            &video.out.result,
                            &seconds,
                            self.limits.ocr_frames,
                        );
                        let larger = self.video.as_ref().map(|(s, b)| (s, *b));
                        steps::ocr::read_frames(
                            tool, &self.cpu, input, index, &picked, larger, stop,
                        )
                        .await?
                    }
                    _ => {
                        let frames = self.limits.ocr_frames;
                        let larger = self.video.as_ref().map(|(s, b)| (s, *b));
                        steps::ocr::read(tool, &self.cpu, input, frames, larger, stop).await?
                    }
                };
                Produced {
                    out,
                    pages: Some(Arc::new(pages)),
                    grounded: None,
                }
            }
            StepKind::FormFill => {
                let pages = given
                    .iter()
                    .find_map(|(_, p)| p.pages.clone())
                    .ok_or_else(|| Error::Internal("form filling without an OCR step".into()))?;
                // What else the plan read or worked out may hold the user's details (an ID
                // card's text beside the form, a total from a math step); the form's own later
                // pages or frames are the form, not a source.
                let form = pages.read.first().map(|(i, _)| *i);
                let mut sources: Vec<String> = pages
                    .read
                    .iter()
                    .skip(1)
                    .filter(|(i, _)| Some(*i) != form)
                    .map(|(_, p)| p.text())
                    .collect();
                sources.extend(
                    given
                        .iter()
                        .filter(|(_, p)| p.pages.is_none())
                        .map(|(_, p)| p.out.text.clone()),
                );
                let (out, g) =
                    steps::form::fill(&self.cpu, stop, pages, input, ctx.history, sources).await?;
                Produced {
                    out,
                    pages: None,
                    grounded: Some(Arc::new(g)),
                }
            }
            StepKind::DiagramTrace => {
                let pages = given
                    .iter()
                    .find_map(|(_, p)| p.pages.clone())
                    .ok_or_else(|| {
                        Error::Internal("a diagram traced without an OCR step".into())
                    })?;
                produced(steps::diagram::trace(&self.cpu, stop, pages, input).await?)
            }
            StepKind::FormRefine => {
                let (_, filled) = given
                    .iter()
                    .find(|(_, p)| p.grounded.is_some())
                    .ok_or_else(|| Error::Internal("form refinement without grounding".into()))?;
                match (&filled.grounded, &self.backend) {
                    (Some(g), Some(backend)) => produced(
                        steps::form::refine(m, input, g, filled.out.clone(), backend, stop.token())
                            .await?,
                    ),
                    _ => produced(filled.out.clone()),
                }
            }
            StepKind::Model => {
                let backend = self
                    .backend
                    .as_ref()
                    .ok_or_else(|| Error::FailedPrecondition(HOW_TO_CONFIGURE.into()))?;
                let read = given.iter().find(|(_, p)| {
                    matches!(
                        p.out.result.kind,
                        Some(crate::proto::expert_result::Kind::Ocr(_))
                    )
                });
                // The OCR kind's template quotes the reading itself; every other kind is given
                // its parents' results before its prompt.
                let (ocr_text, block) = if m.kind == Kind::Ocr {
                    (read.map(|(_, p)| p.out.text.as_str()), None)
                } else {
                    let parents: Vec<context::Parent<'_>> = given
                        .iter()
                        .map(|(p, d)| context::Parent {
                            step_id: &graph.steps[*p].plan_step,
                            expert: &graph.steps[*p].expert,
                            text: &d.out.text,
                            result: &d.out.result,
                        })
                        .collect();
                    let lang = crate::request::language(&input.text);
                    (
                        None,
                        context::block(&parents, lang, self.limits.context_chars),
                    )
                };
                let sctx = StepContext {
                    backend,
                    registry: &self.registry,
                    history: ctx.history,
                    cancel: stop.token().clone(),
                    events: ctx.events,
                    step_id: &step.id,
                    ocr_text,
                    context: block.as_ref().map(|(b, _)| b.as_str()),
                };
                let mut out = steps::model::run(m, input, &sctx).await?;
                if block.as_ref().is_some_and(|(_, cut)| *cut) {
                    out.result.warnings.push(format!(
                        "the earlier steps' results were cut to {} characters for this step (plans.context_chars)",
                        self.limits.context_chars
                    ));
                }
                if m.kind == Kind::Ocr {
                    out = steps::ocr::structure(read.map(|(_, p)| p.out.clone()), out);
                }
                produced(out)
            }
        })
    }
}

/// The answer of a finished run: the last final step's (a step no other step follows), or,
/// with several final steps, their answers together; usage adds up every step.
fn combine(
    graph: &Graph,
    state: Vec<State>,
    reports: Vec<StepReport>,
    warnings: Vec<String>,
) -> Result<PlanOutput> {
    let done: Vec<(usize, Arc<Produced>)> = state
        .into_iter()
        .enumerate()
        .filter_map(|(i, s)| match s {
            State::Done(d) => Some((i, d)),
            _ => None,
        })
        .collect();
    let is_final = |i: usize| {
        !graph
            .steps
            .iter()
            .any(|s| s.after.contains(&graph.steps[i].id))
    };
    let finals: Vec<&(usize, Arc<Produced>)> = done.iter().filter(|(i, _)| is_final(*i)).collect();
    // Every final step failed (each was optional): the last step that produced anything answers.
    let finals = if finals.is_empty() {
        done.last().into_iter().collect()
    } else {
        finals
    };
    let Some((_, last)) = finals.last() else {
        return Err(Error::Unavailable(
            "every step of the plan failed; the steps' errors are in the log".into(),
        ));
    };
    let mut answer = last.out.clone();
    if finals.len() > 1 {
        answer.text = finals
            .iter()
            .map(|(i, p)| {
                let s = &graph.steps[*i];
                format!(
                    "## {} ({})\n{}",
                    s.plan_step,
                    s.expert,
                    p.out.text.trim_end()
                )
            })
            .collect::<Vec<_>>()
            .join("\n\n");
    }
    answer.result.warnings.splice(0..0, warnings);
    let sum = |f: fn(&StepOutput) -> u32| done.iter().map(|(_, p)| f(&p.out)).sum::<u32>();
    Ok(PlanOutput {
        prompt_tokens: sum(|o| o.prompt_tokens),
        completion_tokens: sum(|o| o.completion_tokens),
        vision_reused: sum(|o| o.vision_reused),
        cached_tokens: sum(|o| o.cached_tokens),
        first_text_at: done.iter().filter_map(|(_, p)| p.out.first_text_at).min(),
        answer,
        steps: reports,
    })
}

async fn emit(events: Option<&mpsc::Sender<AskEvent>>, event: ask_event::Event) {
    if let Some(tx) = events {
        let _ = tx.send(AskEvent { event: Some(event) }).await;
    }
}

#[cfg(test)]
mod tests {
    use std::path::Path;

    use futures::future::BoxFuture;
    use tokio_util::sync::CancellationToken;

    use super::*;
    use crate::engine::{Backend, Finish, GenEvent, GenStream, GenerateRequest};
    use crate::media::MediaItem;
    use crate::proto::expert_result::Kind as Typed;

    /// A model that answers every call with the same text.
    struct Scripted(&'static str);

    impl Backend for Scripted {
        fn name(&self) -> &'static str {
            "scripted"
        }

        fn generate(&self, _: GenerateRequest, _: CancellationToken) -> crate::engine::GenStream {
            let events: Vec<Result<GenEvent>> = vec![
                Ok(GenEvent::Text(self.0.to_string())),
                Ok(GenEvent::Done(Finish {
                    reason: "stop".into(),
                    prompt_tokens: 3,
                    completion_tokens: 2,
                    vision_reused: 0,
                    cached_tokens: 0,
                })),
            ];
            let stream: GenStream = Box::pin(futures::stream::iter(events));
            stream
        }

        fn health(&self) -> BoxFuture<'_, Result<()>> {
            Box::pin(async { Ok(()) })
        }
    }

    /// Runs the plan of the expert `input` names against a model that answers `answer`.
    async fn ask(registry: Registry, input: AskInput, answer: &'static str) -> StepOutput {
        let expert = input.expert.clone().expect("the test names its expert");
        let backend = Arc::new(InstrumentedBackend::new(Arc::new(Scripted(answer))));
        let planner = Planner::new(
            Arc::new(registry),
            Some(backend),
            None,
            CpuPool::new(1),
            PlansConfig::default(),
        );
        let plan = planner.plan(&expert, None, &input);
        let graph = planner.compile(&plan, &input).unwrap();
        planner
            .run(
                &graph,
                &input,
                RunContext {
                    history: &[],
                    stop: Stop::never(),
                    events: None,
                },
            )
            .await
            .unwrap()
            .answer
    }

    #[tokio::test]
    async fn a_new_expert_of_an_existing_kind_needs_only_a_manifest_and_a_prompt() {
        let root = Path::new(env!("CARGO_MANIFEST_DIR"));
        let dir = tempfile::tempdir().unwrap();
        let (experts, prompts) = (dir.path().join("experts"), dir.path().join("prompts"));
        switchboard_testkit::fs::copy_dir(&root.join("experts"), &experts);
        switchboard_testkit::fs::copy_dir(&root.join("prompts"), &prompts);
        // Copies of the GUI and math manifests under new ids, each with its own prompt file.
        for (id, of) in [("kiosk_agent", "gui"), ("algebra", "math")] {
            let manifest = std::fs::read_to_string(experts.join(format!("{of}.toml")))
                .unwrap()
                .replace(&format!("id = \"{of}\""), &format!("id = \"{id}\""))
                .replace(&format!("\"{of}.j2\""), &format!("\"{id}.j2\""));
            std::fs::write(experts.join(format!("{id}.toml")), manifest).unwrap();
            std::fs::copy(
                prompts.join(format!("{of}.j2")),
                prompts.join(format!("{id}.j2")),
            )
            .unwrap();
        }
        let load = || Registry::load(&experts, &prompts).unwrap();
        assert_eq!(load().get("kiosk_agent").unwrap().kind, Kind::Gui);

        let screenshot = MediaItem {
            kind: MediaKind::Image,
            mime_type: "image/png".into(),
            source: MediaSource::File(bytes::Bytes::from_static(b"png")),
            width: 2000,
            height: 1000,
            digest: Default::default(),
        };
        let input = AskInput {
            text: "Click the login button.".into(),
            media: vec![screenshot],
            expert: Some("kiosk_agent".into()),
            ..AskInput::default()
        };
        let out = ask(
            load(),
            input,
            "[{\"bbox_2d\": [100, 200, 300, 260], \"label\": \"Log in\", \"type\": \"button\"}]",
        )
        .await;
        let Some(Typed::Gui(gui)) = out.result.kind else {
            panic!("{:?}", out.result)
        };
        // The GUI kind's result: boxes moved from the 0-1000 grid to pixels of the screenshot.
        let b = gui.elements[0].r#box.unwrap();
        assert_eq!((b.x1, b.y1, b.x2, b.y2), (200.0, 200.0, 600.0, 260.0));
        assert_eq!(gui.elements[0].label, "Log in");

        let input = AskInput {
            text: "Solve 3x + 5 = 20.".into(),
            expert: Some("algebra".into()),
            ..AskInput::default()
        };
        let out = ask(load(), input, "3x = 15, so x = 5.\n\\boxed{5}").await;
        let Some(Typed::Math(math)) = out.result.kind else {
            panic!("{:?}", out.result)
        };
        assert_eq!(math.final_answer, "5");
    }
}

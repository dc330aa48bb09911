//! The planner: turns the chosen route into steps, runs them in order, and passes each step's
//! output to the next. A simple intent is one model step. Experts whose manifest names the `ocr`
//! tool read the request's images with the in-process OCR first; the form-filling kind is OCR ->
//! field grounding and profile mapping -> (with a model) refinement. Owns step ids, the step
//! events of a stream, deadlines per step and the step metrics. What a step does belongs to its
//! expert (`experts::steps`); the planner must not route or touch memory (the app does both).

use std::sync::Arc;

use tokio::sync::mpsc;
use tracing::Instrument;

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

impl StepKind {
    /// Its name in step reports.
    pub fn as_str(self) -> &'static str {
        match self {
            StepKind::Model => "model",
            StepKind::Ocr => "ocr",
            StepKind::FormFill => "form_fill",
            StepKind::FormRefine => "form_refine",
        }
    }
}

/// One step of a plan.
#[derive(Debug, Clone, PartialEq)]
pub struct Step {
    pub id: String,
    pub expert: String,
    pub kind: StepKind,
    /// Steps whose output this one is given (today's plans are chains: the step before).
    pub after: Vec<String>,
}

/// What a plan produced: the last step's output (the answer) and a report of every step.
pub struct PlanOutput {
    pub answer: StepOutput,
    pub steps: Vec<StepReport>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Plan {
    pub steps: Vec<Step>,
}

pub struct Planner {
    registry: Arc<Registry>,
    backend: Option<Arc<InstrumentedBackend>>,
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
        backend: Option<Arc<InstrumentedBackend>>,
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
            .is_some_and(|m| m.kind == Kind::FormFill);
        let step = |i: usize, kind: StepKind| Step {
            id: format!("{expert}#{i}"),
            expert: expert.to_string(),
            kind,
            after: if i == 0 {
                vec![]
            } else {
                vec![format!("{expert}#{}", i - 1)]
            },
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

    pub async fn run(
        &self,
        plan: &Plan,
        input: &AskInput,
        ctx: RunContext<'_>,
    ) -> Result<PlanOutput> {
        self.check(plan)?;
        let plan_started = std::time::Instant::now();
        let mut reports = Vec::with_capacity(plan.steps.len());
        let mut last: Option<StepOutput> = None;
        // What earlier steps hand to later ones besides their output.
        let mut pages = Pages::default();
        let mut grounded: Option<Grounded> = None;
        for step in &plan.steps {
            let m = self.registry.get(&step.expert).ok_or_else(|| {
                Error::Internal(format!("plan names unknown expert {}", step.expert))
            })?;
            emit(
                ctx.events,
                ask_event::Event::StepStarted(StepStarted {
                    step_id: step.id.clone(),
                    expert: m.id.clone(),
                    parents: step.after.clone(),
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
                        let tool = self.ocr.as_ref().ok_or_else(|| {
                            Error::Internal("OCR step planned without the OCR tool".into())
                        })?;
                        let (read, out) =
                            steps::ocr::read(tool, &self.cpu, input, &ctx.stop).await?;
                        pages = read;
                        out
                    }
                    StepKind::FormFill => {
                        let pages = std::mem::take(&mut pages);
                        let (out, g) =
                            steps::form::fill(&self.cpu, &ctx.stop, pages, input, ctx.history)
                                .await?;
                        grounded = Some(g);
                        out
                    }
                    StepKind::FormRefine => {
                        let prev = last.take().ok_or_else(|| {
                            Error::Internal("form refinement without a plan".into())
                        })?;
                        match (&grounded, &self.backend) {
                            (Some(g), Some(backend)) => {
                                steps::form::refine(m, input, g, prev, backend, ctx.stop.token())
                                    .await?
                            }
                            _ => prev,
                        }
                    }
                    StepKind::Model => {
                        let backend = self
                            .backend
                            .as_ref()
                            .ok_or_else(|| Error::FailedPrecondition(HOW_TO_CONFIGURE.into()))?;
                        let read = last.take();
                        let sctx = StepContext {
                            backend,
                            registry: &self.registry,
                            history: ctx.history,
                            cancel: ctx.stop.token().clone(),
                            events: ctx.events,
                            step_id: &step.id,
                            ocr_text: read.as_ref().map(|o| o.text.as_str()),
                        };
                        let out = steps::model::run(m, input, &sctx).await?;
                        steps::ocr::structure(read, out)
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
            let ms = |d: std::time::Duration| u32::try_from(d.as_millis()).unwrap_or(u32::MAX);
            reports.push(StepReport {
                step_id: step.id.clone(),
                expert: m.id.clone(),
                kind: step.kind.as_str().into(),
                parents: step.after.clone(),
                status: "ok".into(),
                result: Some(out.result.clone()),
                started_ms: ms(started.duration_since(plan_started)),
                duration_ms: ms(started.elapsed()),
            });
            last = Some(out);
        }
        let answer = last.ok_or_else(|| Error::Internal("empty plan".into()))?;
        Ok(PlanOutput {
            answer,
            steps: reports,
        })
    }
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
    use crate::dispatch::{Dispatcher, STAGE_EXPLICIT, Thresholds};
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
                })),
            ];
            let stream: GenStream = Box::pin(futures::stream::iter(events));
            stream
        }

        fn health(&self) -> BoxFuture<'_, Result<()>> {
            Box::pin(async { Ok(()) })
        }
    }

    /// Routes `input` explicitly to `expert` and runs its plan against a model that answers
    /// `answer`.
    async fn ask(registry: Registry, input: AskInput, answer: &'static str) -> StepOutput {
        let thresholds = Thresholds::from_config(&crate::config::RoutingConfig::default());
        let dispatcher = Dispatcher::new(&registry, None, thresholds).unwrap();
        let routing = dispatcher.route(&input).unwrap();
        assert_eq!(
            (routing.expert.as_str(), routing.stage.as_str()),
            (input.expert.as_deref().unwrap(), STAGE_EXPLICIT)
        );
        let backend = Arc::new(InstrumentedBackend::new(Arc::new(Scripted(answer))));
        let planner = Planner::new(Arc::new(registry), Some(backend), None, CpuPool::new(1));
        let plan = planner.plan(&routing.expert, &input);
        planner
            .run(
                &plan,
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

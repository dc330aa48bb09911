//! The planner: turns the chosen route into steps, runs them, and combines their results into
//! one answer. A simple intent is one step. Owns step ids, the step events of a stream, and the
//! combination; must not route or touch memory (the app does both around it).

use std::sync::Arc;

use tokio::sync::mpsc;
use tokio_util::sync::CancellationToken;

use crate::engine::{Backend, HOW_TO_CONFIGURE};
use crate::error::{Error, Result};
use crate::experts::{self, Registry, StepContext, StepOutput};
use crate::proto::{AskEvent, StepFinished, StepStarted, ask_event};
use crate::request::AskInput;

/// One step of a plan: an expert to run.
#[derive(Debug, Clone, PartialEq)]
pub struct Step {
    pub id: String,
    pub expert: String,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Plan {
    pub steps: Vec<Step>,
}

impl Plan {
    /// The plan for a route. Every route is one step today; form filling grows into
    /// OCR -> field grounding -> profile mapping -> actions once the OCR tool exists.
    pub fn for_route(expert: &str) -> Plan {
        Plan {
            steps: vec![Step {
                id: format!("{expert}#0"),
                expert: expert.to_string(),
            }],
        }
    }
}

pub struct Planner {
    registry: Arc<Registry>,
    backend: Option<Arc<dyn Backend>>,
}

/// Everything a plan run needs besides the request.
pub struct RunContext<'a> {
    pub history: &'a [(String, String)],
    pub cancel: CancellationToken,
    pub events: Option<&'a mpsc::Sender<AskEvent>>,
}

impl Planner {
    pub fn new(registry: Arc<Registry>, backend: Option<Arc<dyn Backend>>) -> Self {
        Planner { registry, backend }
    }

    /// Fails early, before any work, when a step needs a model and none is configured.
    pub fn check(&self, plan: &Plan) -> Result<()> {
        for step in &plan.steps {
            let m = self.registry.get(&step.expert).ok_or_else(|| {
                Error::Internal(format!("plan names unknown expert {}", step.expert))
            })?;
            if m.needs_model && self.backend.is_none() {
                return Err(Error::FailedPrecondition(format!(
                    "expert {:?} needs a model and this server has none; {HOW_TO_CONFIGURE}",
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
        let backend = self
            .backend
            .as_ref()
            .ok_or_else(|| Error::FailedPrecondition(HOW_TO_CONFIGURE.into()))?;
        let mut last: Option<StepOutput> = None;
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
            let sctx = StepContext {
                backend,
                registry: &self.registry,
                history: ctx.history,
                cancel: ctx.cancel.clone(),
                events: ctx.events,
                step_id: &step.id,
            };
            let out = experts::run_step(m, input, &sctx).await?;
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
}

async fn emit(events: Option<&mpsc::Sender<AskEvent>>, event: ask_event::Event) {
    if let Some(tx) = events {
        let _ = tx.send(AskEvent { event: Some(event) }).await;
    }
}

//! The dispatcher: turns a request into a ranked list of routes with scores and the stage that
//! decided. An explicit expert skips it. Stage one is the manifests' rules (regular expressions
//! over the text, media kind as evidence); whatever no rule claims goes to `general`.
//! Owns no model calls.

pub mod encoder;
mod rules;

use crate::error::{Error, Result};
use crate::experts::Registry;
use crate::proto::{RouteScore, Routing};
use crate::request::AskInput;

pub use rules::RuleStage;

pub const STAGE_EXPLICIT: &str = "explicit";
pub const STAGE_RULES: &str = "rules";
pub const STAGE_DEFAULT: &str = "default";
pub const DEFAULT_ROUTE: &str = "general";

pub struct Dispatcher {
    rules: RuleStage,
    ids: Vec<String>,
}

impl Dispatcher {
    pub fn new(registry: &Registry) -> Result<Self> {
        Ok(Dispatcher {
            rules: RuleStage::new(registry)?,
            ids: registry.ids().into_iter().map(str::to_string).collect(),
        })
    }

    pub fn route(&self, input: &AskInput) -> Result<Routing> {
        if let Some(expert) = &input.expert {
            if !self.ids.iter().any(|id| id == expert) {
                return Err(Error::invalid(
                    "expert",
                    format!(
                        "unknown expert {expert:?}; this server has: {}",
                        self.ids.join(", ")
                    ),
                ));
            }
            return Ok(Routing {
                expert: expert.clone(),
                routes: vec![RouteScore {
                    expert: expert.clone(),
                    score: 1.0,
                    stage: STAGE_EXPLICIT.into(),
                }],
                stage: STAGE_EXPLICIT.into(),
            });
        }
        let mut routes = self.rules.score(input);
        if routes.iter().all(|r| r.score <= 0.0) {
            for r in &mut routes {
                r.score = if r.expert == DEFAULT_ROUTE { 1.0 } else { 0.0 };
                r.stage = STAGE_DEFAULT.into();
            }
            sort(&mut routes);
            return Ok(Routing {
                expert: DEFAULT_ROUTE.into(),
                routes,
                stage: STAGE_DEFAULT.into(),
            });
        }
        sort(&mut routes);
        Ok(Routing {
            expert: routes[0].expert.clone(),
            routes,
            stage: STAGE_RULES.into(),
        })
    }
}

/// Best first; ties keep manifest order (the sort is stable).
fn sort(routes: &mut [RouteScore]) {
    routes.sort_by(|a, b| b.score.total_cmp(&a.score));
}

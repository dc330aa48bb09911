//! The dispatcher: turns a request into a ranked list of routes with scores and the stage that
//! decided. An explicit expert skips it. Stage one is the manifests' rules (regular expressions
//! over the text, media kind as evidence) and decides when it is confident; stage two compares
//! the request's sentence embedding with the manifests' example requests; what neither claims
//! goes to the default route (the manifest with `default = true`). Stage three (Ask only, when a
//! model is configured and the earlier stages were unsure) asks the model which expert: the
//! dispatcher owns that model call too (`model`), made through the instrumented backend.

mod compose;
pub mod encoder;
pub mod learned;
pub mod model;
mod rules;
pub mod semantic;

use std::sync::Arc;

use tracing::Instrument;

use crate::engine::instrumented::InstrumentedBackend;
use crate::error::{Error, Result, echo};
use crate::experts::Registry;
use crate::media::MediaKind;
use crate::planner::{Plan, PlanSource};
use crate::proto::{RouteScore, Routing};
use crate::request::AskInput;

pub use rules::RuleStage;

pub const STAGE_EXPLICIT: &str = "explicit";
pub const STAGE_RULES: &str = "rules";
pub const STAGE_SEMANTIC: &str = "semantic";
/// The learned classifier (`learned`): it decides the plan too.
pub const STAGE_LEARNED: &str = "learned";
pub const STAGE_MODEL: &str = "model";
pub const STAGE_DEFAULT: &str = "default";
/// The client sent a plan: its answering step's expert.
pub const STAGE_PLAN: &str = "plan";

/// When each stage may decide.
#[derive(Debug, Clone, PartialEq)]
pub struct Thresholds {
    /// The rules decide when their best score reaches this (scores sum to 1 over experts).
    pub rules: f32,
    /// The semantic stage decides when the best example similarity reaches this.
    pub semantic: f32,
    /// Softmax temperature that turns similarities into scores.
    pub temperature: f32,
    /// Ask asks the model (when there is one) if the best score stays under this, or if
    /// nothing claimed the request.
    pub model: f32,
    /// The rules and the encoder read at most this many characters of the text: intent shows
    /// early, and the encoder's cost grows with length.
    pub max_chars: usize,
}

impl Thresholds {
    pub fn from_config(c: &crate::config::RoutingConfig) -> Self {
        // f32 is the scores' precision; the config keeps f64 so that it prints as written.
        Thresholds {
            rules: c.rules.threshold as f32,
            semantic: c.semantic.threshold as f32,
            temperature: c.semantic.temperature as f32,
            model: if c.model.enabled {
                c.model.threshold as f32
            } else {
                0.0
            },
            max_chars: c.max_chars,
        }
    }
}

pub struct Dispatcher {
    rules: RuleStage,
    semantic: Option<semantic::SemanticStage>,
    thresholds: Thresholds,
    ids: Vec<String>,
    /// Per expert (registry order): the media kinds it takes and whether it needs one.
    media: Vec<(Vec<MediaKind>, bool)>,
    /// Where what no stage claims goes.
    default_route: String,
    /// Stage three, when a model is configured and the model threshold is above 0.
    model: Option<model::ModelStage>,
    /// Per expert (registry order): whose output it can use in a composed plan.
    compose_after: Vec<Vec<String>>,
    /// The learned stage, when a routing model is loaded (it needs the sentence encoder).
    learned: Option<learned::LearnedStage>,
}

impl Dispatcher {
    pub fn new(
        registry: &Registry,
        encoder: Option<encoder::Encoder>,
        thresholds: Thresholds,
    ) -> Result<Self> {
        let semantic = encoder
            .map(|e| semantic::SemanticStage::new(registry, e))
            .transpose()?;
        Ok(Dispatcher {
            rules: RuleStage::new(registry)?,
            semantic,
            thresholds,
            ids: registry.ids().into_iter().map(str::to_string).collect(),
            default_route: registry.default_route().id.clone(),
            model: None,
            learned: None,
            compose_after: registry
                .all()
                .iter()
                .map(|m| m.compose.after.clone())
                .collect(),
            media: registry
                .all()
                .iter()
                .map(|m| (m.media.clone(), m.requires_media))
                .collect(),
        })
    }

    /// Turns on stage three: ask `backend` (at most `limit`) when the earlier stages are unsure.
    /// A model threshold of 0 leaves it off.
    pub fn with_model(
        mut self,
        registry: &Registry,
        backend: Arc<InstrumentedBackend>,
        limit: std::time::Duration,
    ) -> Self {
        if self.thresholds.model > 0.0 {
            self.model = Some(model::ModelStage::new(registry, backend, limit));
        }
        self
    }

    /// Turns on the learned stage (when the sentence encoder is on: it reads the embedding).
    pub fn with_learned(mut self, registry: &Registry, model: learned::Model) -> Self {
        if self.semantic.is_some() {
            self.learned = Some(learned::LearnedStage::new(model, registry));
        }
        self
    }

    /// Whether the learned stage is on.
    pub fn learns(&self) -> bool {
        self.learned.is_some()
    }

    /// Whether stage three would ask the model about this routing.
    pub fn wants_model(&self, routing: &Routing) -> bool {
        self.model.is_some() && self.uncertain(routing)
    }

    /// Stage three: asks the model, and returns the routing it changes to, if it chose another
    /// expert that can take this request's media. Any failure keeps the earlier routing (None).
    pub async fn ask_model(&self, input: &AskInput, routing: &Routing) -> Option<Routing> {
        let stage = self.model.as_ref()?;
        let span = tracing::info_span!(
            "route.model",
            route = tracing::field::Empty,
            score = tracing::field::Empty,
            stage = tracing::field::Empty,
        );
        let choice = stage.choose(input).instrument(span.clone()).await;
        let changed = choice
            .filter(|expert| *expert != routing.expert && self.eligible(expert, input))
            .map(|expert| Self::with_model_choice(routing, &expert));
        record_route(&span, changed.as_ref().unwrap_or(routing));
        changed
    }

    /// Whether this routing is uncertain enough to ask the model.
    pub fn uncertain(&self, routing: &Routing) -> bool {
        let best = routing.routes.first().map(|r| r.score).unwrap_or(0.0);
        routing.stage == STAGE_DEFAULT
            || ((routing.stage == STAGE_SEMANTIC || routing.stage == STAGE_LEARNED)
                && best < self.thresholds.model)
    }

    /// Whether `expert` can take this request's media.
    pub fn eligible(&self, expert: &str, input: &AskInput) -> bool {
        let kinds: Vec<_> = input.media.iter().map(|m| m.kind).collect();
        self.ids
            .iter()
            .zip(&self.media)
            .any(|(id, (media, needs))| id == expert && semantic::eligible(media, *needs, &kinds))
    }

    /// The routing after the model chose `expert`: it goes first with score 1.
    pub fn with_model_choice(routing: &Routing, expert: &str) -> Routing {
        let mut routes: Vec<RouteScore> = routing
            .routes
            .iter()
            .filter(|r| r.expert != expert)
            .cloned()
            .collect();
        routes.insert(
            0,
            RouteScore {
                expert: expert.to_string(),
                score: 1.0,
                stage: STAGE_MODEL.into(),
            },
        );
        Routing {
            expert: expert.to_string(),
            routes,
            stage: STAGE_MODEL.into(),
        }
    }

    /// The part of the request's text routing reads (`routing.max_chars`).
    fn routed_text<'a>(&self, input: &'a AskInput) -> &'a str {
        match input.text.char_indices().nth(self.thresholds.max_chars) {
            Some((end, _)) => &input.text[..end],
            None => input.text.as_str(),
        }
    }

    /// Where a request goes.
    pub fn route(&self, input: &AskInput) -> Result<Routing> {
        Ok(self.decide(input)?.0)
    }

    /// Where a request goes, and the plan for it when it has several intents (with the
    /// dispatcher's confidence in it). The learned stage decides both when it is on and the
    /// request has text; otherwise the rules and examples route, and clauses compose.
    pub fn decide(&self, input: &AskInput) -> Result<(Routing, Option<Plan>)> {
        if input.expert.is_none()
            && let (Some(stage), Some(semantic)) = (&self.learned, &self.semantic)
        {
            let text = self.routed_text(input);
            if !text.trim().is_empty()
                && let Some(decided) = self.learn(stage, semantic, text, input)?
            {
                return Ok(decided);
            }
        }
        let routing = self.route_by_rules(input)?;
        let plan = self.compose(input, &routing);
        Ok((routing, plan))
    }

    /// The learned stage's routing and plan; None when it has no candidate for this request's
    /// media, or the rules or examples pick an expert the model has never seen.
    fn learn(
        &self,
        stage: &learned::LearnedStage,
        semantic: &semantic::SemanticStage,
        text: &str,
        input: &AskInput,
    ) -> Result<Option<(Routing, Option<Plan>)>> {
        // An expert added after the model was trained: when the rules or its examples claim
        // the request, they decide.
        if self.ids.iter().any(|id| !stage.covers(id)) {
            let r = self.route_by_rules(input)?;
            if r.stage != STAGE_DEFAULT && !stage.covers(&r.expert) {
                return Ok(None);
            }
        }
        let embedding = semantic.embed(text)?;
        let kinds: Vec<_> = input.media.iter().map(|m| m.kind).collect();
        let media = learned::MediaClass::of(&kinds);
        let hits = self.rules.hits(text, &stage.model.experts);
        let x = learned::Features::new(&embedding, media, text, &hits);
        let probs = stage.predict(&x, input, |e| self.eligible(e, input));
        if probs.iter().all(|p| *p <= 0.0) {
            return Ok(None);
        }
        // An expert's score is the share of the classes it answers in.
        let mut routes: Vec<RouteScore> = self
            .ids
            .iter()
            .map(|id| RouteScore {
                expert: id.clone(),
                score: stage
                    .model
                    .classes
                    .iter()
                    .zip(&probs)
                    .filter(|(c, _)| c.answering() == id)
                    .map(|(_, p)| p)
                    .sum(),
                stage: STAGE_LEARNED.into(),
            })
            .collect();
        sort(&mut routes);
        let expert = routes[0].expert.clone();
        let Some((class, p)) = stage
            .model
            .classes
            .iter()
            .zip(&probs)
            .filter(|(c, _)| c.answering() == expert)
            .max_by(|a, b| a.1.total_cmp(b.1))
        else {
            return Ok(None);
        };
        let shape = class.shape();
        // A route runs with what its manifest needs anyway: that is no composed plan.
        let plan = (shape != stage.route_shape(&expert, media)).then(|| {
            let steps: Vec<(&str, &[usize])> = shape
                .iter()
                .map(|(e, a)| (e.as_str(), a.as_slice()))
                .collect();
            Plan::of(&steps, PlanSource::Dispatcher, *p)
        });
        let routing = Routing {
            expert,
            routes,
            stage: STAGE_LEARNED.into(),
        };
        Ok(Some((routing, plan)))
    }

    /// Routing by the explicit expert, the rules, the examples and the default route.
    fn route_by_rules(&self, input: &AskInput) -> Result<Routing> {
        if let Some(expert) = &input.expert {
            if !self.ids.iter().any(|id| id == expert) {
                return Err(Error::invalid(
                    "expert",
                    format!(
                        "unknown expert {}; this server has: {}",
                        echo(expert),
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
        let text = self.routed_text(input);
        let mut routes = self.rules.score(text, input);
        let best_rule = routes.iter().map(|r| r.score).fold(0.0, f32::max);
        if best_rule < self.thresholds.rules
            && let Some(stage) = &self.semantic
            && !text.trim().is_empty()
        {
            let kinds: Vec<_> = input.media.iter().map(|m| m.kind).collect();
            let ok: Vec<bool> = self
                .media
                .iter()
                .map(|(media, needs)| semantic::eligible(media, *needs, &kinds))
                .collect();
            let sims = stage.similarities(text)?;
            let best_sim = sims
                .iter()
                .zip(&ok)
                .filter(|(_, ok)| **ok)
                .map(|(s, _)| s.1)
                .fold(f32::MIN, f32::max);
            if best_sim >= self.thresholds.semantic {
                // Experts that cannot take this request's media get no share.
                let values: Vec<f32> = sims
                    .iter()
                    .zip(&ok)
                    .map(|(s, ok)| if *ok { s.1 } else { f32::NEG_INFINITY })
                    .collect();
                let probs = semantic::softmax(&values, self.thresholds.temperature);
                // What the rules saw (media kind, a weak keyword) still counts, half and half.
                let weight = if best_rule > 0.0 { 0.5 } else { 0.0 };
                let mut combined: Vec<RouteScore> = routes
                    .iter()
                    .zip(probs)
                    .map(|(r, p)| RouteScore {
                        expert: r.expert.clone(),
                        score: weight * r.score + (1.0 - weight) * p,
                        stage: STAGE_SEMANTIC.into(),
                    })
                    .collect();
                sort(&mut combined);
                return Ok(Routing {
                    expert: combined[0].expert.clone(),
                    routes: combined,
                    stage: STAGE_SEMANTIC.into(),
                });
            }
        }
        if routes.iter().all(|r| r.score <= 0.0) {
            for r in &mut routes {
                r.score = if r.expert == self.default_route {
                    1.0
                } else {
                    0.0
                };
                r.stage = STAGE_DEFAULT.into();
            }
            sort(&mut routes);
            return Ok(Routing {
                expert: self.default_route.clone(),
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

/// A routing decision on its span: the route, its score and the stage that decided.
pub fn record_route(span: &tracing::Span, r: &Routing) {
    span.record("route", r.expert.as_str());
    span.record("stage", r.stage.as_str());
    if let Some(top) = r.routes.iter().find(|x| x.expert == r.expert) {
        span.record("score", f64::from(top.score));
        crate::metrics::get().route_score.record(
            f64::from(top.score),
            &crate::metrics::attrs(&[("route", r.expert.clone()), ("stage", r.stage.clone())]),
        );
    }
}

/// Best first; ties keep manifest order (the sort is stable).
fn sort(routes: &mut [RouteScore]) {
    routes.sort_by(|a, b| b.score.total_cmp(&a.score));
}

//! The application: one value that holds the registry, dispatcher, planner, memory and backend
//! (wrapped once in the instrumented call path that routing and the experts share), and answers
//! the domain's questions (classify, ask, sessions). Knows nothing of gRPC; the api
//! module adapts it. Owns admission (overload), idempotent replay (with single flight for
//! concurrent duplicates), and recording turns.

use std::sync::Arc;
use std::time::Instant;

use tokio::sync::{OwnedSemaphorePermit, Semaphore, mpsc};
use tokio_util::sync::CancellationToken;

use crate::config::Config;
use crate::cpu::{CpuPool, Stop};
use tracing::Instrument;

use crate::dispatch::encoder::Encoder;
use crate::dispatch::{Dispatcher, Thresholds, record_route};
use crate::engine::instrumented::InstrumentedBackend;
use crate::engine::{self, Backend};
use crate::error::{Error, Result};
use crate::experts::Registry;
use crate::memory::{Claim, Lease, Memory, NewTurn, now_ms};
use crate::planner::{Graph, Plan, PlanOutput, PlanSource, Planner, RunContext};
use crate::proto::{
    AskEvent, AskResponse, ExpertInfo, Routed, Routing, Session, Turn, Usage, ask_event,
};
use crate::request::AskInput;

pub struct App {
    config: Config,
    registry: Arc<Registry>,
    dispatcher: Dispatcher,
    planner: Planner,
    memory: Memory,
    backend: Option<Arc<dyn Backend>>,
    /// The backend through the one instrumented call path (what re-ranking calls).
    model: Option<Arc<InstrumentedBackend>>,
    cpu: CpuPool,
    /// How video files are decoded and sampled (the in-process model's settings when it has
    /// one).
    video: crate::media::video::Settings,
    permits: Arc<Semaphore>,
    classify_permits: Arc<Semaphore>,
    /// API keys (digests only) and the tenants' quotas.
    keys: crate::tenants::Keys,
    quotas: crate::tenants::Quotas,
    /// Measures the store for the `switchboard.memory.size` gauge, for as long as the app lives
    /// (sled only).
    _store_size: Option<Arc<crate::metrics::StoreSize>>,
}

/// A request that passed the cheap checks (routing, model availability) and is ready to run.
pub struct Prepared {
    pub tenant: String,
    pub input: AskInput,
    pub session_id: String,
    pub routing: Routing,
    graph: Graph,
    /// The stored answer, when this request id was answered before.
    replay: Option<AskResponse>,
    /// Held while this request runs under its request id (see `App::join_flight`).
    flight: Option<Lease>,
}

impl App {
    pub fn new(config: Config) -> Result<App> {
        let cpu = CpuPool::new(config.server.cpu_workers);
        let backend = engine::from_config(&config, &cpu)?;
        Self::build(config, backend, cpu)
    }

    /// Builds the app around a given backend (the in-process engine, or one a caller made).
    pub fn with_backend(config: Config, backend: Option<Arc<dyn Backend>>) -> Result<App> {
        let cpu = CpuPool::new(config.server.cpu_workers);
        Self::build(config, backend, cpu)
    }

    fn build(mut config: Config, backend: Option<Arc<dyn Backend>>, cpu: CpuPool) -> Result<App> {
        let keys = crate::tenants::Keys::open(&config.server)?;
        // From here on only their digests are held.
        config.server.api_keys.clear();
        let quotas = crate::tenants::Quotas::new(config.quotas.clone());
        let mut registry = Registry::load(&config.experts.dir, &config.experts.prompts_dir)?;
        registry.set_schema_retries(config.experts.schema_retries);
        let registry = Arc::new(registry);
        let semantic = &config.routing.semantic;
        let encoder = if semantic.enabled {
            let library = &config.onnxruntime.library;
            Some(Encoder::load(&semantic.encoder, library).map_err(|e| {
                let e = match e {
                    Error::Config(m) => m,
                    other => other.to_string(),
                };
                Error::Config(format!(
                    "{e}; run tools/fetch-assets.sh, or set routing.semantic.enabled = false \
                     (SWITCHBOARD_ROUTING__SEMANTIC__ENABLED=false) to route without it"
                ))
            })?)
        } else {
            None
        };
        // Every model call (expert steps, form refinement, routing) goes through this one.
        let model = backend
            .clone()
            .map(|b| Arc::new(InstrumentedBackend::new(b)));
        let thresholds = Thresholds::from_config(&config.routing);
        let mut dispatcher = Dispatcher::new(&registry, encoder, thresholds)?;
        let learned = &config.routing.learned;
        if learned.enabled && semantic.enabled {
            let model =
                crate::dispatch::learned::Model::load(&config.routing_model()).map_err(|e| {
                    Error::Config(format!(
                        "{e}; train it with `switchboard train-router`, or set \
                     routing.learned.enabled = false to route by rules and examples"
                    ))
                })?;
            dispatcher = dispatcher.with_learned(&registry, model);
        }
        if let Some(model) = model.as_ref().filter(|_| config.routing.model.enabled) {
            let limit = std::time::Duration::from_secs_f64(config.routing.model.timeout_secs);
            dispatcher = dispatcher.with_model(&registry, model.clone(), limit);
        }
        let ocr = crate::ocr::OcrTool::from_config(&config)?.map(Arc::new);
        let mut video = crate::media::video::Settings::from_config(&config.video);
        if let Some(sampling) = backend.as_ref().and_then(|b| b.video_sampling()) {
            video.sampling = sampling;
        }
        let planner = Planner::new(
            registry.clone(),
            model.clone(),
            ocr,
            cpu.clone(),
            config.plans.clone(),
        )
        .with_video(video.clone(), config.limits.max_video_decoded_bytes);
        let memory = Memory::open(&config.memory)?;
        crate::telemetry::set_record_content(config.telemetry.trace_content);
        let store_size = memory.size_on_disk().map(|_| {
            let store = memory.clone();
            let size: Arc<crate::metrics::StoreSize> =
                Arc::new(move || store.size_on_disk().unwrap_or(0));
            crate::metrics::get().watch_store_size(&size);
            size
        });
        Ok(App {
            keys,
            quotas,
            _store_size: store_size,
            permits: Arc::new(Semaphore::new(config.server.max_concurrent_requests)),
            classify_permits: Arc::new(Semaphore::new(config.server.max_concurrent_classify)),
            cpu,
            video,
            config,
            registry,
            dispatcher,
            planner,
            memory,
            backend,
            model,
        })
    }

    pub fn config(&self) -> &Config {
        &self.config
    }

    /// The API keys in use (digests), reloaded from the key file by the server.
    pub fn keys(&self) -> &crate::tenants::Keys {
        &self.keys
    }

    /// Admits one request of `tenant` under its quota (before the server-wide limit, so a
    /// tenant's refused requests never hold a server slot), or refuses it with when to retry.
    pub fn admit_tenant(&self, tenant: &str) -> Result<crate::tenants::TenantPermit> {
        self.quotas.admit(tenant)
    }

    /// A quota refusal, answered late (`tenants::Quotas::hold`); other errors as they are.
    pub async fn hold_refusal(&self, e: Error, deadline: std::time::Instant) -> Error {
        self.quotas.hold(e, deadline).await
    }

    /// How video files are decoded and sampled.
    pub fn video(&self) -> &crate::media::video::Settings {
        &self.video
    }

    pub fn backend(&self) -> Option<&Arc<dyn Backend>> {
        self.backend.as_ref()
    }

    /// The model through the instrumented call path; FAILED_PRECONDITION without one.
    pub fn model(&self) -> Result<&Arc<InstrumentedBackend>> {
        self.model.as_ref().ok_or_else(|| {
            Error::FailedPrecondition(format!(
                "no model is configured: {}",
                crate::engine::HOW_TO_CONFIGURE
            ))
        })
    }

    /// The pool CPU-heavy steps run on.
    pub fn cpu(&self) -> &CpuPool {
        &self.cpu
    }

    /// A slot for one model-running request, or RESOURCE_EXHAUSTED when all are taken.
    pub fn admit(&self) -> Result<OwnedSemaphorePermit> {
        self.permits.clone().try_acquire_owned().map_err(|_| {
            Error::ResourceExhausted(format!(
                "server busy: {} requests in flight (server.max_concurrent_requests); retry with backoff",
                self.config.server.max_concurrent_requests
            ))
        })
    }

    /// A slot for one Classify call (its own limit: it runs no model, but embeds text).
    pub fn admit_classify(&self) -> Result<OwnedSemaphorePermit> {
        self.classify_permits.clone().try_acquire_owned().map_err(|_| {
            Error::ResourceExhausted(format!(
                "server busy: {} Classify calls in flight (server.max_concurrent_classify); retry with backoff",
                self.config.server.max_concurrent_classify
            ))
        })
    }

    /// Where a request would go and the plan Ask would run (before routing's model stage),
    /// whether or not this server can run it.
    pub fn classify(&self, input: &AskInput, client: Option<Plan>) -> Result<(Routing, Plan)> {
        let (routing, graph) = self.plan(input, client)?;
        Ok((routing, graph.plan))
    }

    /// Routing and the plan: the client's plan as given, else the dispatcher's composed plan for
    /// a request with several intents (when confident enough), else the route; the planner adds
    /// what the manifests need first and compiles it.
    fn plan(&self, input: &AskInput, client: Option<Plan>) -> Result<(Routing, Graph)> {
        let (routing, composed) = match client {
            Some(plan) => (client_routing(&plan), Some(plan)),
            None => {
                let span = tracing::info_span!(
                    "route",
                    route = tracing::field::Empty,
                    score = tracing::field::Empty,
                    stage = tracing::field::Empty,
                );
                let _entered = span.enter();
                let (routing, composed) = self.dispatcher.decide(input)?;
                record_route(&span, &routing);
                let composed = composed.filter(|p| {
                    self.config.plans.compose
                        && input.expert.is_none()
                        && f64::from(p.confidence) >= self.config.plans.compose_threshold
                });
                (routing, composed)
            }
        };
        let plan = self.planner.plan(&routing.expert, composed, input);
        let graph = self.planner.compile(&plan, input)?;
        Ok((routing, graph))
    }

    pub fn experts(&self) -> Vec<ExpertInfo> {
        self.registry
            .all()
            .iter()
            .map(|m| ExpertInfo {
                id: m.id.clone(),
                name: m.name.clone(),
                description: m.description.trim().to_string(),
                needs_model: m.needs_model,
                composite: m.composite,
                media: m.media.iter().map(|k| k.as_str().to_string()).collect(),
                available: self.backend.is_some()
                    || (!m.needs_model && (m.tools.is_empty() || self.planner.tools_ready(&m.id))),
            })
            .collect()
    }

    /// The stored answer of the request's id, when it was answered before (for `prepare`).
    pub async fn stored(&self, tenant: &str, input: &AskInput) -> Result<Option<AskResponse>> {
        if input.request_id.is_empty() {
            return Ok(None);
        }
        self.memory.task(tenant, &input.request_id).await
    }

    /// Everything that can fail without running a model: the replay of a `stored` answer,
    /// routing, and whether the chosen experts can run here.
    pub fn prepare(
        &self,
        tenant: &str,
        input: AskInput,
        client: Option<Plan>,
        stored: Option<AskResponse>,
    ) -> Result<Prepared> {
        if let Some(mut stored) = stored {
            stored.replayed = true;
            return Ok(Prepared {
                tenant: tenant.to_string(),
                session_id: stored.session_id.clone(),
                routing: stored.routing.clone().unwrap_or_default(),
                graph: Graph::default(),
                replay: Some(stored),
                input,
                flight: None,
            });
        }
        let (routing, graph) = self.plan(&input, client)?;
        self.planner.check(&graph)?;
        let session_id = if input.session_id.is_empty() {
            uuid::Uuid::new_v4().simple().to_string()
        } else {
            input.session_id.clone()
        };
        // The steps see the session too (it scopes the reuse of vision features).
        let mut input = input;
        input.session_id = session_id.clone();
        Ok(Prepared {
            tenant: tenant.to_string(),
            input,
            session_id,
            routing,
            graph,
            replay: None,
            flight: None,
        })
    }

    /// Stage three of routing (the dispatcher's model stage), for Ask only: when the earlier
    /// stages were unsure, the model may choose another expert, and the plan follows it. A
    /// failure keeps the earlier route.
    pub async fn refine_routing(&self, p: &mut Prepared) -> Result<()> {
        if p.replay.is_some()
            || p.input.expert.is_some()
            || p.graph.plan.source != PlanSource::Route
            || !self.dispatcher.wants_model(&p.routing)
        {
            return Ok(());
        }
        // A duplicate in flight would make this model call for nothing.
        self.join_flight(p).await?;
        if p.replay.is_some() {
            return Ok(());
        }
        if let Some(routing) = self.dispatcher.ask_model(&p.input, &p.routing).await {
            let plan = self.planner.plan(&routing.expert, None, &p.input);
            let graph = self.planner.compile(&plan, &p.input)?;
            self.planner.check(&graph)?;
            p.routing = routing;
            p.graph = graph;
        }
        Ok(())
    }

    /// Single flight per tenant and request id (`Memory::claim`: in this process, and across
    /// replicas on Redis): waits while a request with the same id runs, then either takes its
    /// stored answer as this one's replay, or (it failed or was cancelled, so nothing was
    /// stored) holds the id and runs. From `execute` the wait is inside the caller's deadline;
    /// from `refine_routing` it lasts at most as long as the first request, which runs under
    /// its own deadline (or, its holder gone, until its lease expires).
    async fn join_flight(&self, p: &mut Prepared) -> Result<()> {
        if p.flight.is_some() || p.replay.is_some() || p.input.request_id.is_empty() {
            return Ok(());
        }
        let claim = self
            .memory
            .claim(&p.tenant, &p.input.request_id, &p.session_id);
        match claim.await? {
            Claim::Stored(mut stored) => {
                stored.replayed = true;
                p.session_id = stored.session_id.clone();
                p.routing = stored.routing.clone().unwrap_or_default();
                p.replay = Some(*stored);
            }
            Claim::Held(lease) => p.flight = Some(lease),
        }
        Ok(())
    }

    /// Runs a prepared request and records the turn. `events` receives the stream's events
    /// (routed, steps, text deltas), not the final one.
    pub async fn execute(
        &self,
        mut p: Prepared,
        received: Instant,
        events: Option<&mpsc::Sender<AskEvent>>,
        stop: Stop,
    ) -> Result<AskResponse> {
        self.join_flight(&mut p).await?;
        if let Some(stored) = p.replay {
            return Ok(stored);
        }
        // Held until the turn is recorded (or this future is dropped).
        let _flight = p.flight.take();
        if let Some(tx) = events {
            let routed = Routed {
                session_id: p.session_id.clone(),
                routing: Some(p.routing.clone()),
            };
            let _ = tx
                .send(AskEvent {
                    event: Some(ask_event::Event::Routed(routed)),
                })
                .await;
        }
        let earlier = self.memory.recent_turns(&p.tenant, &p.session_id).await?;
        let history: Vec<(String, String)> = earlier.iter().map(history_entry).collect();
        let PlanOutput {
            answer: out,
            steps,
            prompt_tokens,
            completion_tokens,
            vision_reused,
            cached_tokens,
            first_text_at,
        } = self
            .planner
            .run(
                &p.graph,
                &p.input,
                RunContext {
                    history: &history,
                    stop,
                    events,
                },
            )
            .await?;

        // The model tokens this request used count against its tenant's tokens per minute.
        self.quotas.charge(
            &p.tenant,
            u64::from(prompt_tokens) + u64::from(completion_tokens),
        );
        let usage = Usage {
            prompt_tokens,
            completion_tokens,
            time_to_first_token_ms: first_text_at
                .map(|t| t.duration_since(received).as_millis() as u32)
                .unwrap_or(0),
            total_ms: received.elapsed().as_millis() as u32,
            vision_features_reused: vision_reused,
            prompt_tokens_cached: cached_tokens,
        };
        let plan = p.graph.plan.to_proto();
        let mut response = AskResponse {
            session_id: p.session_id.clone(),
            expert: p.routing.expert.clone(),
            text: out.text.clone(),
            warnings: out.result.warnings.clone(),
            result: Some(out.result.clone()),
            routing: Some(p.routing.clone()),
            request_id: p.input.request_id.clone(),
            usage: Some(usage),
            replayed: false,
            turn_index: 0,
            steps: steps.clone(),
            plan: Some(plan.clone()),
        };
        let turn = Turn {
            index: 0,
            created_at_ms: now_ms(),
            request_id: p.input.request_id.clone(),
            text: p.input.text.clone(),
            media: p.input.media.iter().map(|m| m.digest.clone()).collect(),
            expert: p.routing.expert.clone(),
            routing: Some(p.routing.clone()),
            answer: out.text,
            result: Some(out.result),
            plan: Some(plan),
            steps,
        };
        let write = Instant::now();
        let index = self
            .memory
            .append(NewTurn {
                tenant: &p.tenant,
                session_id: &p.session_id,
                turn,
                response: Some(response.clone()),
            })
            .instrument(tracing::info_span!("memory.append"))
            .await?;
        crate::metrics::get()
            .memory_write
            .record(write.elapsed().as_secs_f64(), &[]);
        response.turn_index = index;
        Ok(response)
    }

    pub async fn session(&self, tenant: &str, session_id: &str) -> Result<Session> {
        self.memory
            .session(tenant, session_id)
            .await?
            .ok_or_else(|| Error::NotFound(format!("no session {session_id:?}")))
    }

    pub async fn delete_session(&self, tenant: &str, session_id: &str) -> Result<bool> {
        self.memory.delete_session(tenant, session_id).await
    }

    /// Sweeps expired sessions every `sweep_interval_secs` until `stop` (sled; Redis expires
    /// them itself, and nothing is spawned).
    pub fn spawn_sweeper(
        self: &Arc<Self>,
        stop: CancellationToken,
    ) -> Option<tokio::task::JoinHandle<()>> {
        if !self.memory.needs_sweeper() {
            return None;
        }
        let app = self.clone();
        Some(tokio::spawn(async move {
            let every = std::time::Duration::from_secs(app.config.memory.sweep_interval_secs);
            loop {
                tokio::select! {
                    _ = stop.cancelled() => return,
                    _ = tokio::time::sleep(every) => {}
                }
                match app.memory.sweep().await {
                    Ok(n) if n > 0 => tracing::info!(sessions = n, "expired sessions removed"),
                    Ok(_) => {}
                    Err(e) => tracing::error!(error = %e, "session sweep failed"),
                }
            }
        }))
    }

    /// The session store: health watches it.
    pub fn memory(&self) -> &Memory {
        &self.memory
    }

    /// Flushes memory to disk; call on shutdown.
    pub async fn close(&self) -> Result<()> {
        self.memory.flush().await
    }
}

/// The routing of a client's plan: its answering expert, chosen by the client.
fn client_routing(plan: &Plan) -> Routing {
    let expert = plan.answering_expert().unwrap_or_default().to_string();
    Routing {
        routes: vec![crate::proto::RouteScore {
            expert: expert.clone(),
            score: 1.0,
            stage: crate::dispatch::STAGE_PLAN.into(),
        }],
        expert,
        stage: crate::dispatch::STAGE_PLAN.into(),
    }
}

/// An earlier turn as chat history: media is not re-sent, but the model is told it was there.
fn history_entry(t: &Turn) -> (String, String) {
    let images = t.media.iter().filter(|m| m.kind == "image").count();
    let videos = t.media.len() - images;
    let mut user = String::new();
    if images + videos > 0 {
        user.push_str(&format!(
            "[earlier attachment: {images} image(s), {videos} video(s)]\n"
        ));
    }
    user.push_str(&t.text);
    (user, t.answer.clone())
}

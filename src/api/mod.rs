//! The gRPC adapter: proto in, domain call, proto out. Validates and converts requests
//! (`convert`), authenticates (`auth`), applies deadlines (`deadline`) and maps errors to status
//! codes (`status`). No business logic lives here.

pub mod auth;
pub mod convert;
pub mod deadline;
pub mod status;
pub mod trace;

use std::pin::Pin;
use std::sync::Arc;
use std::time::Duration;

use futures::{Stream, StreamExt};
use tokio::sync::{mpsc, oneshot};
use tokio_stream::wrappers::ReceiverStream;
use tokio_util::sync::CancellationToken;
use tonic::{Request, Response, Status};
use tracing::Instrument;

use crate::app::App;
use crate::cpu::Stop;
use crate::error::Error;
use crate::planner::Plan;
use crate::proto::switchboard_server::Switchboard;
use crate::proto::{
    AskEvent, AskRequest, AskResponse, ClassifyResponse, DeleteSessionRequest,
    DeleteSessionResponse, ErrorEvent, GetSessionRequest, ListExpertsRequest, ListExpertsResponse,
    RerankRequest, RerankResponse, Session, ask_event,
};
use deadline::Arrival;

pub struct Service {
    app: Arc<App>,
}

impl Service {
    pub fn new(app: Arc<App>) -> Self {
        Service { app }
    }

    /// Checks and converts a request and its plan: a CPU job, since every image is decoded
    /// whole and PDF pages are drawn; then video files are decoded by ffmpeg (subprocesses,
    /// awaited here). For routing alone (`decode` false) videos are only probed and PDFs only
    /// checked: the same checks and errors, no frames and no pages drawn.
    async fn convert(
        &self,
        mut req: AskRequest,
        decode: bool,
        stop: &Stop,
    ) -> Result<(crate::request::AskInput, Option<Plan>), Error> {
        let limits = self.app.config().limits.clone();
        let pdf = crate::media::pdf::Settings::from_config(&self.app.config().pdf);
        let (mut input, plan) = self
            .app
            .cpu()
            .run(stop, move |stop| {
                let expert = req.expert.trim();
                let expert = (!expert.is_empty()).then_some(expert);
                let plan = convert::client_plan(req.plan.take(), expert, &limits)?;
                Ok((
                    convert::ask_input_with(req, &limits, &pdf, decode, stop)?,
                    plan,
                ))
            })
            .await?;
        let limits = &self.app.config().limits;
        let (video, cpu) = (self.app.video(), self.app.cpu());
        convert::decode_videos(&mut input, video, limits, cpu, decode, stop).await?;
        Ok((input, plan))
    }

    /// Routing runs the rules and the sentence encoder: a CPU job.
    async fn prepare(
        &self,
        tenant: String,
        (input, plan): (crate::request::AskInput, Option<Plan>),
        stop: &Stop,
    ) -> Result<crate::app::Prepared, Error> {
        // The replay look-up may wait on Redis: on this task, not on a CPU worker.
        let stored = self.app.stored(&tenant, &input).await?;
        let app = self.app.clone();
        self.app
            .cpu()
            .run(stop, move |_| app.prepare(&tenant, input, plan, stored))
            .await
    }

    /// Conversion and routing: what can fail before any model runs.
    async fn prepared(
        &self,
        request: AskRequest,
        tenant: String,
        stop: &Stop,
    ) -> Result<crate::app::Prepared, Error> {
        let input = self.convert(request, true, stop).await?;
        let mut prepared = self.prepare(tenant, input, stop).await?;
        self.app.refine_routing(&mut prepared).await?;
        Ok(prepared)
    }

    fn server_limit(&self) -> Duration {
        Duration::from_secs_f64(self.app.config().server.request_timeout_secs)
    }
}

fn deadline_error(budget: Duration) -> Error {
    Error::DeadlineExceeded(format!(
        "no answer within the deadline of {:.3}s",
        budget.as_secs_f64()
    ))
}

/// The outcome of work bounded by `deadline`: a deadline a step noticed itself reads the same
/// as one the timer caught.
async fn within<T>(
    deadline: std::time::Instant,
    budget: Duration,
    work: impl std::future::Future<Output = Result<T, Error>>,
) -> Result<T, Error> {
    match tokio::time::timeout_at(deadline.into(), work).await {
        Ok(Err(Error::DeadlineExceeded(_))) | Err(_) => Err(deadline_error(budget)),
        Ok(r) => r,
    }
}

type EventStream = Pin<Box<dyn Stream<Item = Result<AskEvent, Status>> + Send>>;

#[tonic::async_trait]
impl Switchboard for Service {
    async fn ask(&self, request: Request<AskRequest>) -> Result<Response<AskResponse>, Status> {
        let tenant = auth::tenant_of(&request);
        let arrival = request.extensions().get::<Arrival>().copied();
        let received = arrival
            .map(|a| a.at)
            .unwrap_or_else(std::time::Instant::now);
        let (deadline, budget) = deadline::deadline(arrival, self.server_limit());
        let _quota = match self.app.admit_tenant(&tenant) {
            Ok(p) => p,
            Err(e) => {
                // Refused: the request's memory goes before the refusal is held.
                drop(request);
                return Err(self.app.hold_refusal(e, deadline).await.into());
            }
        };
        let _permit = self.app.admit()?;
        // If the client goes away tonic drops this future: the guard then cancels the work,
        // CPU jobs on their threads and the model's stream alike.
        let cancel = CancellationToken::new();
        let _cancel_on_drop = cancel.clone().drop_guard();
        let stop = Stop::new(cancel, Some(deadline));
        let work = async {
            let prepared = self.prepared(request.into_inner(), tenant, &stop).await?;
            self.app
                .execute(prepared, received, None, stop.clone())
                .await
        };
        Ok(Response::new(within(deadline, budget, work).await?))
    }

    type AskStreamStream = EventStream;

    async fn ask_stream(
        &self,
        request: Request<AskRequest>,
    ) -> Result<Response<EventStream>, Status> {
        let tenant = auth::tenant_of(&request);
        let arrival = request.extensions().get::<Arrival>().copied();
        let received = arrival
            .map(|a| a.at)
            .unwrap_or_else(std::time::Instant::now);
        let (deadline, budget) = deadline::deadline(arrival, self.server_limit());
        let quota = match self.app.admit_tenant(&tenant) {
            Ok(p) => p,
            Err(e) => {
                drop(request);
                return Err(self.app.hold_refusal(e, deadline).await.into());
            }
        };
        let permit = self.app.admit()?;
        let cancel = CancellationToken::new();
        let cancel_on_drop = cancel.clone().drop_guard();
        let stop = Stop::new(cancel, Some(deadline));
        // Conversion and routing fail the call itself (a status, no stream), as before.
        let prepared = within(
            deadline,
            budget,
            self.prepared(request.into_inner(), tenant, &stop),
        )
        .await?;

        let (tx, rx) = mpsc::channel::<AskEvent>(256);
        let (end_tx, end_rx) = oneshot::channel::<Status>();
        let app = self.app.clone();
        // The work continues the call's span (it stays open until the stream ends).
        let work = async move {
            let _permit = (quota, permit);
            let _cancel_on_drop = cancel_on_drop;
            let work = within(
                deadline,
                budget,
                app.execute(prepared, received, Some(&tx), stop.clone()),
            );
            let result = tokio::select! {
                r = work => r,
                // The client hung up: stop the model and record nothing.
                _ = tx.closed() => {
                    stop.cancel();
                    return;
                }
            };
            match result {
                Ok(resp) => {
                    let _ = tx
                        .send(AskEvent {
                            event: Some(ask_event::Event::Final(resp)),
                        })
                        .await;
                }
                Err(e) => {
                    stop.cancel();
                    let status = Status::from(e);
                    let ev = ErrorEvent {
                        code: status.code() as i32,
                        message: status.message().to_string(),
                    };
                    let _ = tx
                        .send(AskEvent {
                            event: Some(ask_event::Event::Error(ev)),
                        })
                        .await;
                    let _ = end_tx.send(status);
                }
            }
        };
        tokio::spawn(work.in_current_span());
        // Events, then the failure status (if any) so generic gRPC clients see the code too.
        let events = ReceiverStream::new(rx).map(Ok);
        let end = futures::stream::once(end_rx).filter_map(|r| async move { r.ok().map(Err) });
        Ok(Response::new(Box::pin(events.chain(end))))
    }

    async fn classify(
        &self,
        request: Request<AskRequest>,
    ) -> Result<Response<ClassifyResponse>, Status> {
        let arrival = request.extensions().get::<Arrival>().copied();
        let (deadline, budget) = deadline::deadline(arrival, self.server_limit());
        let _quota = match self.app.admit_tenant(&auth::tenant_of(&request)) {
            Ok(p) => p,
            Err(e) => {
                drop(request);
                return Err(self.app.hold_refusal(e, deadline).await.into());
            }
        };
        let _permit = self.app.admit_classify()?;
        let cancel = CancellationToken::new();
        let _cancel_on_drop = cancel.clone().drop_guard();
        let stop = Stop::new(cancel, Some(deadline));
        let r = within(deadline, budget, async {
            // Routing needs no pixels: a video file is checked by its probe alone, a PDF's
            // pages by their sizes.
            let (input, plan) = self.convert(request.into_inner(), false, &stop).await?;
            let app = self.app.clone();
            self.app
                .cpu()
                .run(&stop, move |_| app.classify(&input, plan))
                .await
        })
        .await?;
        let (r, plan) = r;
        Ok(Response::new(ClassifyResponse {
            expert: r.expert,
            routes: r.routes,
            stage: r.stage,
            plan: Some(plan.to_proto()),
        }))
    }

    async fn rerank(
        &self,
        request: Request<RerankRequest>,
    ) -> Result<Response<RerankResponse>, Status> {
        let arrival = request.extensions().get::<Arrival>().copied();
        let (deadline, budget) = deadline::deadline(arrival, self.server_limit());
        let _quota = self.app.admit_tenant(&auth::tenant_of(&request))?;
        let _permit = self.app.admit()?;
        let model = self.app.model()?.clone();
        let cancel = CancellationToken::new();
        let _cancel_on_drop = cancel.clone().drop_guard();
        let stop = Stop::new(cancel.clone(), Some(deadline));
        let config = self.app.config();
        let (limits, rerank) = (config.limits.clone(), config.rerank.clone());
        let reason_tokens = rerank.reason_tokens;
        let req = request.into_inner();
        // Images are decoded whole to check them: a CPU job.
        let input = within(
            deadline,
            budget,
            self.app.cpu().run(&stop, move |stop| {
                convert::rerank_input(req, &limits, &rerank, stop)
            }),
        )
        .await?;
        // Scoring stops itself at the deadline and answers with what it has (partial).
        let r = crate::rerank::run(
            model.as_ref(),
            &input,
            reason_tokens,
            deadline,
            cancel.child_token(),
        )
        .await?;
        Ok(Response::new(r))
    }

    async fn list_experts(
        &self,
        _request: Request<ListExpertsRequest>,
    ) -> Result<Response<ListExpertsResponse>, Status> {
        Ok(Response::new(ListExpertsResponse {
            experts: self.app.experts(),
        }))
    }

    async fn get_session(
        &self,
        request: Request<GetSessionRequest>,
    ) -> Result<Response<Session>, Status> {
        let tenant = auth::tenant_of(&request);
        let id = request.into_inner().session_id;
        check_session_id(&id, &self.app)?;
        let session = self.app.session(&tenant, &id).await?;
        Ok(Response::new(session))
    }

    async fn delete_session(
        &self,
        request: Request<DeleteSessionRequest>,
    ) -> Result<Response<DeleteSessionResponse>, Status> {
        let tenant = auth::tenant_of(&request);
        let id = request.into_inner().session_id;
        check_session_id(&id, &self.app)?;
        let deleted = self.app.delete_session(&tenant, &id).await?;
        Ok(Response::new(DeleteSessionResponse { deleted }))
    }
}

fn check_session_id(id: &str, app: &App) -> Result<(), Error> {
    if id.is_empty() {
        return Err(Error::invalid("session_id", "required"));
    }
    convert::check_id("session_id", id, &app.config().limits)
}

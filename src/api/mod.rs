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
use crate::error::Error;
use crate::proto::switchboard_server::Switchboard;
use crate::proto::{
    AskEvent, AskRequest, AskResponse, ClassifyResponse, DeleteSessionRequest,
    DeleteSessionResponse, ErrorEvent, GetSessionRequest, ListExpertsRequest, ListExpertsResponse,
    Session, ask_event,
};
use deadline::Arrival;

pub struct Service {
    app: Arc<App>,
}

impl Service {
    pub fn new(app: Arc<App>) -> Self {
        Service { app }
    }

    /// Checks and converts a request off the async workers: digests and image headers of
    /// megabytes of media are CPU work.
    async fn convert(&self, req: AskRequest) -> Result<crate::request::AskInput, Error> {
        let limits = self.app.config().limits.clone();
        tokio::task::spawn_blocking(move || convert::ask_input(req, &limits))
            .await
            .map_err(|e| Error::Internal(e.to_string()))?
    }

    /// Routing embeds the request text (about a millisecond of CPU): off the async workers.
    async fn prepare(
        &self,
        tenant: String,
        input: crate::request::AskInput,
    ) -> Result<crate::app::Prepared, Error> {
        let app = self.app.clone();
        let span = tracing::Span::current();
        tokio::task::spawn_blocking(move || span.in_scope(|| app.prepare(&tenant, input)))
            .await
            .map_err(|e| Error::Internal(e.to_string()))?
    }

    fn server_limit(&self) -> Duration {
        Duration::from_secs_f64(self.app.config().request_timeout_secs)
    }
}

fn deadline_error(budget: Duration) -> Error {
    Error::DeadlineExceeded(format!(
        "no answer within the deadline of {:.3}s",
        budget.as_secs_f64()
    ))
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
        let input = self.convert(request.into_inner()).await?;
        let _permit = self.app.admit()?;
        let mut prepared = self.prepare(tenant, input).await?;
        self.app.refine_routing(&mut prepared).await?;
        // If the client goes away tonic drops this future, and with it the backend stream,
        // which stops the model's work.
        let work = self
            .app
            .execute(prepared, received, None, CancellationToken::new());
        match tokio::time::timeout_at(deadline.into(), work).await {
            Ok(r) => Ok(Response::new(r?)),
            Err(_) => Err(deadline_error(budget).into()),
        }
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
        let input = self.convert(request.into_inner()).await?;
        let permit = self.app.admit()?;
        let mut prepared = self.prepare(tenant, input).await?;
        self.app.refine_routing(&mut prepared).await?;

        let (tx, rx) = mpsc::channel::<AskEvent>(256);
        let (end_tx, end_rx) = oneshot::channel::<Status>();
        let app = self.app.clone();
        // The work continues the call's span (it stays open until the stream ends).
        let work = async move {
            let _permit = permit;
            let cancel = CancellationToken::new();
            let work = tokio::time::timeout_at(
                deadline.into(),
                app.execute(prepared, received, Some(&tx), cancel.clone()),
            );
            let outcome = tokio::select! {
                r = work => r,
                // The client hung up: stop the model and record nothing.
                _ = tx.closed() => {
                    cancel.cancel();
                    return;
                }
            };
            let result = outcome.unwrap_or_else(|_| Err(deadline_error(budget)));
            match result {
                Ok(resp) => {
                    let _ = tx
                        .send(AskEvent {
                            event: Some(ask_event::Event::Final(resp)),
                        })
                        .await;
                }
                Err(e) => {
                    cancel.cancel();
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
        let input = self.convert(request.into_inner()).await?;
        let app = self.app.clone();
        let r = tokio::task::spawn_blocking(move || app.classify(&input))
            .await
            .map_err(|e| Error::Internal(e.to_string()))??;
        Ok(Response::new(ClassifyResponse {
            expert: r.expert,
            routes: r.routes,
            stage: r.stage,
        }))
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
        let app = self.app.clone();
        let session = tokio::task::spawn_blocking(move || app.session(&tenant, &id))
            .await
            .map_err(|e| Error::Internal(e.to_string()))??;
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

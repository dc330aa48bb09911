//! Starting and stopping the gRPC server: the Switchboard service behind authentication, the
//! standard health (following the session store when it is shared) and reflection services, and
//! graceful shutdown (stop accepting, let in-flight requests finish within the grace period,
//! flush memory), the watchers of the key file and TLS files, and the `/metrics` endpoint
//! beside it. Which connections it holds, and for how long, is `conn`'s; the TLS config is
//! `tls`'s.

mod conn;
pub mod tls;

use std::net::SocketAddr;
use std::sync::Arc;
use std::time::Duration;

use tokio::net::TcpListener;
use tokio::sync::oneshot;
use tokio_util::sync::CancellationToken;
use tonic::transport::Server;
use tonic_health::ServingStatus;

use crate::api::{self, auth::Auth};
use crate::app::App;
use crate::error::{Error, Result};
use crate::proto::switchboard_server::SwitchboardServer;

pub const SERVICE_NAME: &str = "switchboard.v1.Switchboard";

/// A server that is running; `shutdown` stops it gracefully.
pub struct Running {
    pub addr: SocketAddr,
    /// Where `/metrics` is served, when it is.
    pub metrics_addr: Option<SocketAddr>,
    metrics_task: Option<tokio::task::JoinHandle<()>>,
    pub app: Arc<App>,
    stop: Option<oneshot::Sender<()>>,
    done: tokio::task::JoinHandle<Result<()>>,
}

impl Running {
    /// Stops accepting, waits for in-flight requests up to the grace period, flushes memory.
    pub async fn shutdown(mut self) -> Result<()> {
        if let Some(stop) = self.stop.take() {
            let _ = stop.send(());
        }
        let grace = Duration::from_secs_f64(self.app.config().server.shutdown_grace_secs);
        // The serving task already owns the draining; bound how long we wait for it.
        match tokio::time::timeout(grace + Duration::from_millis(250), &mut self.done).await {
            Ok(joined) => joined.map_err(|e| Error::Internal(e.to_string()))??,
            Err(_) => {
                tracing::warn!(
                    ?grace,
                    "in-flight requests did not finish within the grace period; closing them"
                );
                self.done.abort();
            }
        }
        if let Some(t) = self.metrics_task.take() {
            t.abort();
        }
        self.app.close().await?;
        tracing::info!("memory flushed; server stopped");
        Ok(())
    }
}

/// Binds the configured address (port 0 picks a free one) and starts serving.
pub async fn start(app: Arc<App>) -> Result<Running> {
    // `Config::load` checks it; a config built in code is checked here, before any setting
    // becomes a `Duration`.
    app.config().validate()?;
    let addr = app.config().listen_addr()?;
    let listener =
        conn::bind(addr).map_err(|e| Error::Config(format!("cannot listen on {addr}: {e}")))?;
    let addr = listener
        .local_addr()
        .map_err(|e| Error::Internal(e.to_string()))?;
    let auth = Auth::new(app.keys());
    let tls = tls::Tls::open(&app.config().server.tls)?.map(Arc::new);
    // The key file and the TLS files are re-read when they change, until the server stops.
    let reload_stop = CancellationToken::new();
    let every = Duration::from_secs_f64(app.config().server.reload_interval_secs);
    let key_watch = app.keys().watch(every, reload_stop.clone());
    let tls_watch = tls
        .as_ref()
        .and_then(|t| t.watch(every, reload_stop.clone()));
    let conn_settings = conn::Settings::from_config(&app.config().server)?;
    let conns = conn::Registry::new(&conn_settings);

    let (health, health_service) = tonic_health::server::health_reporter();
    // "" is the process (liveness); the service (readiness) also needs its session store.
    health.set_service_status("", ServingStatus::Serving).await;
    let store_up = app.memory().check().await;
    if let Err(e) = &store_up {
        tracing::warn!(error = %e, "session store not reachable yet: NOT_SERVING until it is");
    }
    health
        .set_service_status(SERVICE_NAME, serving(store_up.is_ok()))
        .await;
    let watch_stop = CancellationToken::new();
    let watch = watch_store(&app, &health, store_up.is_ok(), watch_stop.clone());

    fn reflection() -> tonic_reflection::server::Builder<'static> {
        tonic_reflection::server::Builder::configure()
            .register_encoded_file_descriptor_set(crate::proto::FILE_DESCRIPTOR_SET)
            .register_encoded_file_descriptor_set(tonic_health::pb::FILE_DESCRIPTOR_SET)
    }
    let reflection_v1 = reflection()
        .build_v1()
        .map_err(|e| Error::Internal(format!("reflection: {e}")))?;
    let reflection_v1alpha = reflection()
        .build_v1alpha()
        .map_err(|e| Error::Internal(format!("reflection: {e}")))?;

    let limits = &app.config().limits;
    // Requests a little over the configured size still decode, so that they get the
    // INVALID_ARGUMENT that names the limit; far larger ones are refused by tonic itself.
    let decode_limit = limits.max_request_bytes.saturating_mul(2).max(4 << 20);
    let service = SwitchboardServer::new(api::Service::new(app.clone()))
        .max_decoding_message_size(decode_limit)
        .max_encoding_message_size(usize::MAX);
    let service =
        tonic::service::interceptor::InterceptedService::new(service, move |req| auth.check(req));

    let sweeper_stop = CancellationToken::new();
    let sweeper = app.spawn_sweeper(sweeper_stop.clone());
    let (stop_tx, stop_rx) = oneshot::channel::<()>();
    let secs = Duration::from_secs_f64;
    let router = Server::builder()
        // Pings keep live clients' connections active while they wait on a slow answer, and
        // find dead peers; conn's idle timeout closes what never answers them.
        .http2_keepalive_interval(Some(secs(
            app.config().server.http2_keepalive_interval_secs,
        )))
        .http2_keepalive_timeout(Some(secs(app.config().server.http2_keepalive_timeout_secs)))
        .layer(conn::TrackCallsLayer)
        .layer(tower::util::MapRequestLayer::new(api::deadline::stamp))
        .layer(api::trace::RpcSpanLayer)
        .add_service(health_service)
        .add_service(reflection_v1)
        .add_service(reflection_v1alpha)
        .add_service(service);
    let incoming = conn::incoming(
        listener,
        conns.clone(),
        conn_settings.tcp_keepalive,
        tls.clone(),
    );
    let done = tokio::spawn(async move {
        let signal = async move {
            let _ = stop_rx.await;
            tracing::info!("shutting down: no new requests; waiting for in-flight ones");
            // Before NOT_SERVING, so that the watch cannot say SERVING again after it.
            watch_stop.cancel();
            if let Some(watch) = watch {
                let _ = watch.await;
            }
            health
                .set_service_status(SERVICE_NAME, ServingStatus::NotServing)
                .await;
            health
                .set_service_status("", ServingStatus::NotServing)
                .await;
            // Draining waits for every connection; one that never spoke HTTP/2 never would end.
            conns.close_unspoken();
        };
        let r = router.serve_with_incoming_shutdown(incoming, signal).await;
        reload_stop.cancel();
        for w in [key_watch, tls_watch].into_iter().flatten() {
            let _ = w.await;
        }
        sweeper_stop.cancel();
        if let Some(sweeper) = sweeper {
            let _ = sweeper.await;
        }
        r.map_err(|e| Error::Internal(format!("server: {e}")))
    });
    tracing::info!(%addr, tls = tls.is_some(), "switchboard listening");
    let (metrics_addr, metrics_task) = match serve_metrics(&app.config().metrics).await? {
        Some((a, t)) => (Some(a), Some(t)),
        None => (None, None),
    };
    Ok(Running {
        addr,
        metrics_addr,
        metrics_task,
        app,
        stop: Some(stop_tx),
        done,
    })
}

fn serving(up: bool) -> ServingStatus {
    if up {
        ServingStatus::Serving
    } else {
        ServingStatus::NotServing
    }
}

/// How often health asks a shared session store whether it answers.
const STORE_CHECK_EVERY: Duration = Duration::from_secs(1);

/// With a shared store (Redis), the service's health follows it: NOT_SERVING while it does not
/// answer (requests that need it get UNAVAILABLE), SERVING once it does, each change logged.
/// None with sled, which is in the process.
fn watch_store(
    app: &Arc<App>,
    health: &tonic_health::server::HealthReporter,
    mut up: bool,
    stop: CancellationToken,
) -> Option<tokio::task::JoinHandle<()>> {
    if app.memory().needs_sweeper() {
        return None;
    }
    let (app, health) = (app.clone(), health.clone());
    Some(tokio::spawn(async move {
        loop {
            tokio::select! {
                _ = stop.cancelled() => return,
                _ = tokio::time::sleep(STORE_CHECK_EVERY) => {}
            }
            let now = app.memory().check().await;
            if now.is_ok() != up {
                up = now.is_ok();
                match &now {
                    Ok(()) => tracing::info!("session store reachable again: SERVING"),
                    Err(e) => tracing::warn!(error = %e, "session store unreachable: NOT_SERVING"),
                }
                health.set_service_status(SERVICE_NAME, serving(up)).await;
            }
        }
    }))
}

/// Serves `GET /metrics` (Prometheus text format) as configured; None when it is off.
async fn serve_metrics(
    config: &crate::config::MetricsConfig,
) -> Result<Option<(SocketAddr, tokio::task::JoinHandle<()>)>> {
    if !config.enabled {
        return Ok(None);
    }
    let listen = &config.listen;
    let addr: SocketAddr = listen
        .parse()
        .map_err(|e| Error::Config(format!("metrics.listen = {listen:?}: {e}")))?;
    let listener = TcpListener::bind(addr).await.map_err(|e| {
        Error::Config(format!(
            "cannot listen on {addr} for metrics: {e} (set metrics.listen, or metrics.enabled = \
             false to turn it off)"
        ))
    })?;
    let addr = listener
        .local_addr()
        .map_err(|e| Error::Internal(e.to_string()))?;
    let router = axum::Router::new().route(
        "/metrics",
        axum::routing::get(|| async {
            let body = tokio::task::spawn_blocking(|| crate::metrics::get().prometheus())
                .await
                .unwrap_or_default();
            (
                [(
                    http::header::CONTENT_TYPE,
                    "text/plain; version=0.0.4; charset=utf-8",
                )],
                body,
            )
        }),
    );
    let task = tokio::spawn(async move {
        if let Err(e) = axum::serve(listener, router).await {
            tracing::error!(error = %e, "metrics endpoint stopped");
        }
    });
    tracing::info!(%addr, "metrics at /metrics");
    Ok(Some((addr, task)))
}

/// SIGTERM and SIGINT, listened for from when this is made: a signal that arrives while the
/// server is still starting is kept and ends it once it is up, instead of killing the process.
pub struct TerminationSignal {
    #[cfg(unix)]
    term: Option<tokio::signal::unix::Signal>,
    #[cfg(unix)]
    int: Option<tokio::signal::unix::Signal>,
}

impl TerminationSignal {
    /// Installs the handlers now. One that cannot be installed is logged; Ctrl-C still works.
    pub fn listen() -> TerminationSignal {
        #[cfg(unix)]
        {
            use tokio::signal::unix::{SignalKind, signal};
            let listen = |kind: SignalKind, name: &str| match signal(kind) {
                Ok(s) => Some(s),
                Err(e) => {
                    tracing::error!(error = %e, "cannot listen for {name}");
                    None
                }
            };
            TerminationSignal {
                term: listen(SignalKind::terminate(), "SIGTERM"),
                int: listen(SignalKind::interrupt(), "SIGINT"),
            }
        }
        #[cfg(not(unix))]
        TerminationSignal {}
    }

    /// Resolves on the first SIGTERM or SIGINT.
    pub async fn recv(self) {
        #[cfg(unix)]
        {
            async fn next(s: Option<tokio::signal::unix::Signal>) {
                match s {
                    Some(mut s) => {
                        s.recv().await;
                    }
                    None => std::future::pending().await,
                }
            }
            if self.term.is_none() && self.int.is_none() {
                let _ = tokio::signal::ctrl_c().await;
                return;
            }
            tokio::select! {
                _ = next(self.term) => {}
                _ = next(self.int) => {}
            }
        }
        #[cfg(not(unix))]
        {
            let _ = tokio::signal::ctrl_c().await;
        }
    }
}

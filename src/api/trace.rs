//! The tower layer that gives every Switchboard call its span (`telemetry::rpc_span`). The span
//! stays open until the response body ends, so a stream's span covers the whole stream, and
//! the gRPC status is read where the server writes it: the headers of a trailers-only error,
//! else the trailers; a body dropped before it counts as CANCELLED. Each call then gets its
//! log line and its `rpc.server.call.duration` measurement. Health checks and reflection get
//! neither span nor metrics (probes would flood them).

use std::pin::Pin;
use std::task::{Context, Poll};

use http_body::{Body, Frame};
use tracing::Instrument;

use crate::telemetry;

#[derive(Clone, Copy, Default)]
pub struct RpcSpanLayer;

impl<S> tower::Layer<S> for RpcSpanLayer {
    type Service = RpcSpans<S>;
    fn layer(&self, inner: S) -> RpcSpans<S> {
        RpcSpans(inner)
    }
}

#[derive(Clone)]
pub struct RpcSpans<S>(S);

type BoxFuture<T> = Pin<Box<dyn Future<Output = T> + Send>>;

impl<S, B, RB> tower::Service<http::Request<B>> for RpcSpans<S>
where
    S: tower::Service<http::Request<B>, Response = http::Response<RB>>,
    S::Future: Send + 'static,
    S::Error: 'static,
    RB: Body,
{
    type Response = http::Response<TracedBody<RB>>;
    type Error = S::Error;
    type Future = BoxFuture<Result<Self::Response, S::Error>>;

    fn poll_ready(&mut self, cx: &mut Context<'_>) -> Poll<Result<(), S::Error>> {
        self.0.poll_ready(cx)
    }

    fn call(&mut self, req: http::Request<B>) -> Self::Future {
        let path = req.uri().path().to_string();
        // Health checks and reflection: no span, no log line, no measurement.
        let call = (!path.starts_with("/grpc.")).then(|| Call {
            span: telemetry::rpc_span(&path, req.headers()),
            started: std::time::Instant::now(),
            path,
            done: false,
        });
        let span = call
            .as_ref()
            .map_or_else(tracing::Span::none, |c| c.span.clone());
        let fut = {
            let _entered = span.enter();
            self.0.call(req)
        };
        Box::pin(
            async move {
                let res = fut.await?;
                let (parts, body) = res.into_parts();
                let mut traced = TracedBody { inner: body, call };
                if let Some((code, message)) = grpc_status(&parts.headers) {
                    traced.finish(code, message);
                }
                Ok(http::Response::from_parts(parts, traced))
            }
            .instrument(span),
        )
    }
}

/// The gRPC status in headers or trailers (message percent-decoded), as tonic reads it.
fn grpc_status(h: &http::HeaderMap) -> Option<(i32, String)> {
    tonic::Status::from_header_map(h).map(|s| (s.code() as i32, s.message().to_string()))
}

/// One call, until its status is known: then its span gets the status, the log gets its line
/// and the metrics its duration. A body dropped before its status (the client went away)
/// counts as CANCELLED.
struct Call {
    span: tracing::Span,
    started: std::time::Instant,
    path: String,
    done: bool,
}

impl Call {
    fn finish(&mut self, code: i32, message: &str) {
        if std::mem::replace(&mut self.done, true) {
            return;
        }
        telemetry::record_status(&self.span, code, message);
        let secs = self.started.elapsed().as_secs_f64();
        self.span.in_scope(|| {
            tracing::info!(grpc.code = code, duration_ms = secs * 1e3, "call finished")
        });
        let path = self.path.trim_start_matches('/');
        let (service, method) = path.split_once('/').unwrap_or((path, ""));
        crate::metrics::get().rpc_duration.record(
            secs,
            &[
                opentelemetry::KeyValue::new("rpc.service", service.to_string()),
                opentelemetry::KeyValue::new("rpc.method", method.to_string()),
                opentelemetry::KeyValue::new("rpc.grpc.status_code", i64::from(code)),
            ],
        );
    }
}

impl Drop for Call {
    fn drop(&mut self) {
        self.finish(tonic::Code::Cancelled as i32, "the client went away");
    }
}

pin_project_lite::pin_project! {
    /// A response body that holds its call (and span) until the body ends.
    pub struct TracedBody<B> {
        #[pin]
        inner: B,
        call: Option<Call>,
    }
}

impl<B> TracedBody<B> {
    fn finish(&mut self, code: i32, message: String) {
        if let Some(mut call) = self.call.take() {
            call.finish(code, &message);
        }
    }
}

impl<B: Body> Body for TracedBody<B> {
    type Data = B::Data;
    type Error = B::Error;

    fn poll_frame(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
    ) -> Poll<Option<Result<Frame<B::Data>, B::Error>>> {
        let this = self.project();
        let polled = this.inner.poll_frame(cx);
        match &polled {
            Poll::Ready(Some(Ok(frame))) => {
                if let Some(t) = frame.trailers_ref()
                    && let Some(mut call) = this.call.take()
                {
                    let (code, message) = grpc_status(t).unwrap_or_default();
                    call.finish(code, &message);
                }
            }
            Poll::Ready(None) => {
                // Ended without trailers: the body was the whole answer.
                if let Some(mut call) = this.call.take() {
                    call.finish(0, "");
                }
            }
            Poll::Ready(Some(Err(_))) => {
                if let Some(mut call) = this.call.take() {
                    call.finish(tonic::Code::Internal as i32, "the response body failed");
                }
            }
            Poll::Pending => {}
        }
        polled
    }

    fn is_end_stream(&self) -> bool {
        self.inner.is_end_stream()
    }

    fn size_hint(&self) -> http_body::SizeHint {
        self.inner.size_hint()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn grpc_status_and_message_from_headers() {
        let mut h = http::HeaderMap::new();
        assert_eq!(grpc_status(&h), None);
        h.insert("grpc-status", "3".parse().unwrap());
        h.insert(
            "grpc-message",
            "expert: unknown %22x%22 (100%25)".parse().unwrap(),
        );
        assert_eq!(
            grpc_status(&h),
            Some((3, "expert: unknown \"x\" (100%)".into()))
        );
        h.insert("grpc-message", "%E4%BD%A0 ok %zz %".parse().unwrap());
        assert_eq!(grpc_status(&h), Some((3, "你 ok %zz %".into())));
    }
}

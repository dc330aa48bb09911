//! The tower layer that gives every Switchboard call its span (`telemetry::rpc_span`). The span
//! stays open until the response body ends, so a stream's span covers the whole stream, and
//! the gRPC status is read where the server writes it: the headers of a trailers-only error,
//! else the trailers. Health checks and reflection get no span (probes would flood traces).

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
        let path = req.uri().path();
        let span = if path.starts_with("/grpc.") {
            tracing::Span::none()
        } else {
            telemetry::rpc_span(path, req.headers())
        };
        let fut = {
            let _entered = span.enter();
            self.0.call(req)
        };
        let body_span = span.clone();
        let started = std::time::Instant::now();
        Box::pin(
            async move {
                let res = fut.await?;
                let (parts, body) = res.into_parts();
                let mut traced = TracedBody {
                    inner: body,
                    span: Some(body_span),
                    started,
                };
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

pin_project_lite::pin_project! {
    /// A response body that holds its call's span until the body ends.
    pub struct TracedBody<B> {
        #[pin]
        inner: B,
        span: Option<tracing::Span>,
        started: std::time::Instant,
    }
}

impl<B> TracedBody<B> {
    fn finish(&mut self, code: i32, message: String) {
        if let Some(span) = self.span.take() {
            finished(&span, self.started, code, &message);
        }
    }
}

/// Records the status and writes the call's log line (inside its span, so with its ids).
fn finished(span: &tracing::Span, started: std::time::Instant, code: i32, message: &str) {
    if span.is_none() {
        return;
    }
    telemetry::record_status(span, code, message);
    let ms = started.elapsed().as_secs_f64() * 1e3;
    span.in_scope(|| tracing::info!(grpc.code = code, duration_ms = ms, "call finished"));
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
                    && let Some(span) = this.span.take()
                {
                    let (code, message) = grpc_status(t).unwrap_or_default();
                    finished(&span, *this.started, code, &message);
                }
            }
            Poll::Ready(None) | Poll::Ready(Some(Err(_))) => {
                // Ended without trailers (or broke): the span closes here.
                this.span.take();
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

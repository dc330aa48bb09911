//! TEST DOUBLE: a local HTTP server that speaks the OpenAI chat-completions protocol, standing in
//! for a remote vLLM/SGLang server (which cannot run here). It streams a scripted answer as
//! server-sent events, records every request body, and counts streams the client abandoned.
//! A request with `"stream": false` gets one JSON answer, with the first token's
//! `logprobs`/`top_logprobs` when it asks for them and the script has some (re-ranking), or a
//! 400 when the script says this server refuses them.

use std::convert::Infallible;
use std::net::SocketAddr;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use axum::Router;
use axum::body::Body;
use axum::extract::State;
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use bytes::Bytes;
use serde_json::{Value, json};

#[derive(Clone)]
pub struct Script {
    /// Pieces of the answer, one SSE chunk each.
    pub chunks: Vec<String>,
    /// Pause before each chunk.
    pub delay: Duration,
    /// Answer with this HTTP status and error body instead of a stream.
    pub fail_with: Option<u16>,
    /// Echo the last user text as the answer instead of `chunks`.
    pub echo: bool,
    /// The n-th chat request (from 0) is answered with `per_request[n]` instead of `chunks`,
    /// where there is one.
    pub per_request: Vec<Vec<String>>,
    /// A request whose system prompt contains the needle is answered with its chunks (the first
    /// that matches), before `per_request`: concurrent steps of a plan arrive in any order.
    pub by_system: Vec<(String, Vec<String>)>,
    /// Non-streamed requests whose last user text contains `needle` get these answers (the
    /// first that matches), before every other rule.
    pub scores: Vec<ScoreAnswer>,
    /// Answer a request that asks for `logprobs` with HTTP 400, as a server without them does.
    pub refuse_logprobs: bool,
}

/// A scripted judgement for a non-streamed request.
#[derive(Clone, Debug)]
pub struct ScoreAnswer {
    pub needle: String,
    pub text: String,
    /// The first token's alternatives as (token, log-probability), the chosen one first;
    /// `None`: this server gives no log-probabilities.
    pub top_logprobs: Option<Vec<(String, f64)>>,
}

impl Default for Script {
    fn default() -> Self {
        Script {
            chunks: vec!["The ".into(), "answer ".into(), "is ".into(), "42.".into()],
            delay: Duration::ZERO,
            fail_with: None,
            echo: false,
            per_request: Vec::new(),
            by_system: Vec::new(),
            scores: Vec::new(),
            refuse_logprobs: false,
        }
    }
}

#[derive(Default)]
pub struct Shared {
    pub script: Mutex<Script>,
    pub requests: Mutex<Vec<Value>>,
    /// Streams started.
    pub started: AtomicUsize,
    /// Streams dropped before their last chunk was sent (client went away).
    pub abandoned: AtomicUsize,
    /// Streams sent to the end.
    pub completed: AtomicUsize,
}

pub struct FakeOpenAi {
    pub addr: SocketAddr,
    pub shared: Arc<Shared>,
    task: tokio::task::JoinHandle<()>,
}

impl Drop for FakeOpenAi {
    fn drop(&mut self) {
        self.task.abort();
    }
}

impl FakeOpenAi {
    pub async fn start(script: Script) -> FakeOpenAi {
        let shared = Arc::new(Shared {
            script: Mutex::new(script),
            ..Default::default()
        });
        let app = Router::new()
            .route("/v1/models", get(models))
            .route("/v1/chat/completions", post(chat))
            .with_state(shared.clone());
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let addr = listener.local_addr().unwrap();
        let task = tokio::spawn(async move {
            axum::serve(listener, app).await.unwrap();
        });
        FakeOpenAi { addr, shared, task }
    }

    pub fn url(&self) -> String {
        format!("http://{}/v1", self.addr)
    }

    pub fn requests(&self) -> Vec<Value> {
        self.shared.requests.lock().unwrap().clone()
    }

    pub fn set_script(&self, s: Script) {
        *self.shared.script.lock().unwrap() = s;
    }

    /// Waits until `f` holds, up to `limit`.
    pub async fn wait_for(&self, limit: Duration, f: impl Fn(&Shared) -> bool) -> bool {
        let end = tokio::time::Instant::now() + limit;
        while tokio::time::Instant::now() < end {
            if f(&self.shared) {
                return true;
            }
            tokio::time::sleep(Duration::from_millis(10)).await;
        }
        f(&self.shared)
    }
}

async fn models() -> impl IntoResponse {
    axum::Json(json!({"object": "list", "data": [{"id": "fake-qwen3-vl", "object": "model"}]}))
}

/// Counts a stream as abandoned when it is dropped before the end.
struct Guard {
    shared: Arc<Shared>,
    done: bool,
}

impl Drop for Guard {
    fn drop(&mut self) {
        let counter = if self.done {
            &self.shared.completed
        } else {
            &self.shared.abandoned
        };
        counter.fetch_add(1, Ordering::SeqCst);
    }
}

fn last_user_text(body: &Value) -> String {
    let msgs = body["messages"].as_array().cloned().unwrap_or_default();
    let Some(last) = msgs.iter().rev().find(|m| m["role"] == "user") else {
        return String::new();
    };
    match &last["content"] {
        Value::String(s) => s.clone(),
        Value::Array(parts) => parts
            .iter()
            .filter_map(|p| p["text"].as_str())
            .collect::<Vec<_>>()
            .join(""),
        _ => String::new(),
    }
}

/// The system prompt's text ("" without one).
fn system_text(body: &Value) -> String {
    let msgs = body["messages"].as_array().cloned().unwrap_or_default();
    msgs.iter()
        .find(|m| m["role"] == "system")
        .map(|m| match &m["content"] {
            Value::String(s) => s.clone(),
            other => other.to_string(),
        })
        .unwrap_or_default()
}

async fn chat(State(shared): State<Arc<Shared>>, axum::Json(body): axum::Json<Value>) -> Response {
    let nth = {
        let mut requests = shared.requests.lock().unwrap();
        requests.push(body.clone());
        requests.len() - 1
    };
    let script = shared.script.lock().unwrap().clone();
    if let Some(code) = script.fail_with {
        let status = StatusCode::from_u16(code).unwrap();
        return (
            status,
            axum::Json(json!({"error": {"message": format!("scripted failure {code}")}})),
        )
            .into_response();
    }
    if script.refuse_logprobs && body.get("logprobs").is_some_and(|v| v != &Value::Null) {
        return (
            StatusCode::BAD_REQUEST,
            axum::Json(
                json!({"error": {"message": "logprobs is not supported by this server",
                "type": "invalid_request_error", "param": "logprobs"}}),
            ),
        )
            .into_response();
    }
    let chunks = if script.echo {
        vec![format!("echo: {}", last_user_text(&body))]
    } else if let Some((_, chunks)) = script
        .by_system
        .iter()
        .find(|(needle, _)| system_text(&body).contains(needle.as_str()))
    {
        chunks.clone()
    } else {
        script
            .per_request
            .get(nth)
            .unwrap_or(&script.chunks)
            .clone()
    };
    if body["stream"] != json!(true) {
        return whole(&shared, &script, &body, chunks).await;
    }
    shared.started.fetch_add(1, Ordering::SeqCst);
    let guard = Guard {
        shared: shared.clone(),
        done: false,
    };
    let n = chunks.len();
    let stream = futures::stream::unfold((0usize, guard), move |(i, mut guard)| {
        let chunks = chunks.clone();
        let delay = script.delay;
        async move {
            if i > n + 1 {
                return None;
            }
            if !delay.is_zero() && i < n {
                tokio::time::sleep(delay).await;
            }
            let line = if i < n {
                let chunk = json!({"id": "c1", "object": "chat.completion.chunk",
                    "choices": [{"index": 0, "delta": {"content": chunks[i]}, "finish_reason": null}]});
                format!("data: {chunk}\n\n")
            } else if i == n {
                let chunk = json!({"id": "c1", "object": "chat.completion.chunk",
                    "choices": [{"index": 0, "delta": {}, "finish_reason": "stop"}],
                    "usage": {"prompt_tokens": 11, "completion_tokens": n, "total_tokens": 11 + n}});
                format!("data: {chunk}\n\n")
            } else {
                guard.done = true;
                "data: [DONE]\n\n".to_string()
            };
            Some((Ok::<_, Infallible>(Bytes::from(line)), (i + 1, guard)))
        }
    });
    Response::builder()
        .header(header::CONTENT_TYPE, "text/event-stream")
        .body(Body::from_stream(stream))
        .unwrap()
}

/// A non-streamed answer: the scripted judgement whose needle the last user text holds, else
/// the chunks joined; log-probabilities when asked for and scripted.
async fn whole(shared: &Shared, script: &Script, body: &Value, chunks: Vec<String>) -> Response {
    shared.started.fetch_add(1, Ordering::SeqCst);
    if !script.delay.is_zero() {
        tokio::time::sleep(script.delay).await;
    }
    let user = last_user_text(body);
    let scored = script
        .scores
        .iter()
        .find(|s| user.contains(s.needle.as_str()));
    let text = scored
        .map(|s| s.text.clone())
        .unwrap_or_else(|| chunks.concat());
    let logprobs = match scored.and_then(|s| s.top_logprobs.as_ref()) {
        Some(list) if body["logprobs"] == json!(true) => {
            let top: Vec<Value> = list
                .iter()
                .map(|(t, lp)| json!({"token": t, "logprob": lp, "bytes": t.as_bytes()}))
                .collect();
            let (token, logprob) = list.first().cloned().unwrap_or_default();
            json!({"content": [{"token": token, "logprob": logprob, "top_logprobs": top}]})
        }
        _ => Value::Null,
    };
    shared.completed.fetch_add(1, Ordering::SeqCst);
    axum::Json(json!({
        "id": "c1", "object": "chat.completion",
        "choices": [{"index": 0, "message": {"role": "assistant", "content": text},
                     "logprobs": logprobs, "finish_reason": "stop"}],
        "usage": {"prompt_tokens": 11, "completion_tokens": 1, "total_tokens": 12},
    }))
    .into_response()
}

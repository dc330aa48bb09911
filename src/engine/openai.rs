//! Client for OpenAI-compatible chat-completions servers (vLLM, SGLang, Ollama, Qwen's demo).
//! Images and videos travel as base64 data URLs; answers are streamed (server-sent events).
//! Retries only when the connection could not be made, never once the server has answered,
//! so a request is never generated twice; the one exception is a scoring request refused for
//! its `logprobs` (nothing was generated), asked once more without them.

use std::sync::atomic::{AtomicBool, Ordering};
use std::time::Duration;

use base64::Engine as _;
use base64::engine::general_purpose::STANDARD as B64;
use futures::future::BoxFuture;
use serde_json::{Value, json};
use tokio::sync::{OnceCell, mpsc};
use tokio_stream::wrappers::ReceiverStream;
use tokio_util::sync::CancellationToken;

use super::{
    Backend, Finish, GenEvent, GenStream, GenerateRequest, Message, Part, ScoreRequest,
    ScoreStream, Scored, reason_after,
};
use crate::config::{Config, OpenAiVideo};
use crate::error::{Error, Result};

pub struct OpenAiBackend {
    inner: std::sync::Arc<Inner>,
}

struct Inner {
    client: reqwest::Client,
    base: String,
    configured_model: String,
    discovered_model: OnceCell<String>,
    api_key: String,
    retries: u32,
    idle_timeout: Duration,
    video: OpenAiVideo,
    /// Scoring requests in flight at once, and the alternatives asked for.
    score_concurrency: usize,
    top_logprobs: u32,
}

impl OpenAiBackend {
    pub fn new(config: &Config) -> Result<Self> {
        let base = config
            .openai
            .url
            .as_deref()
            .unwrap_or_default()
            .trim()
            .trim_end_matches('/')
            .to_string();
        if !(base.starts_with("http://") || base.starts_with("https://")) {
            return Err(Error::Config(format!(
                "openai.url = {base:?}: expected an http:// or https:// URL such as http://gpu-pool:8000/v1"
            )));
        }
        let client = reqwest::Client::builder()
            .connect_timeout(Duration::from_secs_f64(config.openai.connect_timeout_secs))
            .pool_idle_timeout(Duration::from_secs(90))
            .tcp_nodelay(true)
            .build()
            .map_err(|e| Error::Config(format!("HTTP client: {e}")))?;
        Ok(OpenAiBackend {
            inner: std::sync::Arc::new(Inner {
                client,
                base,
                configured_model: config
                    .openai
                    .model
                    .as_deref()
                    .unwrap_or_default()
                    .trim()
                    .to_string(),
                discovered_model: OnceCell::new(),
                api_key: config.openai.api_key.clone().unwrap_or_default(),
                retries: config.openai.retries,
                idle_timeout: Duration::from_secs_f64(config.openai.idle_timeout_secs),
                video: config.openai.video,
                score_concurrency: config.rerank.concurrency.max(1),
                top_logprobs: config.rerank.top_logprobs,
            }),
        })
    }
}

impl Backend for OpenAiBackend {
    fn name(&self) -> &'static str {
        "openai"
    }

    fn generate(&self, request: GenerateRequest, cancel: CancellationToken) -> GenStream {
        let (tx, rx) = mpsc::channel(64);
        let inner = self.inner.clone();
        tokio::spawn(async move {
            let work = inner.stream_chat(&request, &tx);
            tokio::select! {
                r = work => {
                    if let Err(e) = r {
                        let _ = tx.send(Err(e)).await;
                    }
                }
                // Dropping `work` drops the HTTP response, which closes the connection; vLLM and
                // SGLang abort the sequence when that happens.
                _ = cancel.cancelled() => {
                    let _ = tx.send(Err(Error::Cancelled)).await;
                }
                _ = tx.closed() => {}
            }
        });
        Box::pin(ReceiverStream::new(rx))
    }

    fn health(&self) -> BoxFuture<'_, Result<()>> {
        Box::pin(async move { self.inner.model().await.map(|_| ()) })
    }

    /// One chat request per candidate (`rerank.concurrency` at once), each asking for the
    /// first token's `top_logprobs`. Servers with prefix caching (vLLM, SGLang) reuse the
    /// shared query prefix themselves.
    fn score(&self, request: ScoreRequest, cancel: CancellationToken) -> ScoreStream {
        use futures::StreamExt;
        let (tx, rx) = mpsc::channel(64);
        let inner = self.inner.clone();
        tokio::spawn(async move {
            let request = std::sync::Arc::new(request);
            let plain = AtomicBool::new(false);
            let work = async {
                let model = inner.model().await?;
                let concurrency = inner.score_concurrency;
                let mut judged = futures::stream::iter(0..request.candidates.len())
                    .map(|i| inner.score_one(&model, &request, i, &plain))
                    .buffer_unordered(concurrency);
                while let Some(r) = judged.next().await {
                    let failed = r.is_err();
                    if tx.send(r).await.is_err() || failed {
                        break;
                    }
                }
                Ok::<(), Error>(())
            };
            tokio::select! {
                r = work => {
                    if let Err(e) = r {
                        let _ = tx.send(Err(e)).await;
                    }
                }
                // Dropping the requests closes their connections.
                _ = cancel.cancelled() => {}
                _ = tx.closed() => {}
            }
        });
        Box::pin(ReceiverStream::new(rx))
    }
}

impl Inner {
    fn auth(&self, rb: reqwest::RequestBuilder) -> reqwest::RequestBuilder {
        if self.api_key.is_empty() {
            rb
        } else {
            rb.bearer_auth(&self.api_key)
        }
    }

    /// Sends with retries on connection failures only.
    async fn send(&self, make: impl Fn() -> reqwest::RequestBuilder) -> Result<reqwest::Response> {
        let mut attempt = 0;
        loop {
            match self.auth(make()).send().await {
                Ok(r) => return Ok(r),
                Err(e) if e.is_connect() && attempt < self.retries => {
                    attempt += 1;
                    let backoff = Duration::from_millis(100 << attempt.min(6));
                    tracing::warn!(attempt, error = %e, "model backend connection failed; retrying");
                    tokio::time::sleep(backoff).await;
                }
                Err(e) if e.is_connect() || e.is_timeout() => {
                    return Err(Error::Unavailable(format!(
                        "cannot reach {}: {}",
                        self.base,
                        root_cause(&e)
                    )));
                }
                Err(e) => return Err(Error::Backend(root_cause(&e))),
            }
        }
    }

    /// The model name to send: the configured one, else the first the server lists.
    async fn model(&self) -> Result<String> {
        if !self.configured_model.is_empty() {
            return Ok(self.configured_model.clone());
        }
        self.discovered_model
            .get_or_try_init(|| async {
                let url = format!("{}/models", self.base);
                let resp = self
                    .send(|| self.client.get(&url).timeout(Duration::from_secs(10)))
                    .await?;
                let resp = check_status(resp).await?;
                let v: Value = resp
                    .json()
                    .await
                    .map_err(|e| Error::Backend(format!("/models: {e}")))?;
                v["data"][0]["id"]
                    .as_str()
                    .map(str::to_string)
                    .ok_or_else(|| {
                        Error::Backend("/models lists no model; set openai.model".into())
                    })
            })
            .await
            .cloned()
    }

    async fn stream_chat(
        &self,
        request: &GenerateRequest,
        tx: &mpsc::Sender<Result<GenEvent>>,
    ) -> Result<()> {
        let model = self.model().await?;
        let video = self.video;
        let has_video = request
            .messages
            .iter()
            .flat_map(|m| &m.parts)
            .any(|p| matches!(p, Part::DecodedVideo(_)));
        let body = if has_video && video == OpenAiVideo::Frames {
            // Encoding the frames as JPEG is CPU work: off the async workers.
            let request = request.clone();
            tokio::task::spawn_blocking(move || request_body(&model, &request, video))
                .await
                .map_err(|e| Error::Internal(format!("encoding video frames: {e}")))?
        } else {
            request_body(&model, request, video)
        };
        let url = format!("{}/chat/completions", self.base);
        let resp = self.send(|| self.client.post(&url).json(&body)).await?;
        let mut resp = check_status(resp).await?;

        let mut buf: Vec<u8> = Vec::new();
        let mut finish = Finish::default();
        loop {
            let chunk = tokio::time::timeout(self.idle_timeout, resp.chunk())
                .await
                .map_err(|_| {
                    Error::Unavailable(format!(
                        "no data from the model for {:?}",
                        self.idle_timeout
                    ))
                })?
                .map_err(|e| Error::Unavailable(format!("stream broke: {}", root_cause(&e))))?;
            let Some(chunk) = chunk else {
                // Some servers end without [DONE]; what arrived is the answer.
                break;
            };
            buf.extend_from_slice(&chunk);
            while let Some(pos) = buf.iter().position(|&b| b == b'\n') {
                let line: Vec<u8> = buf.drain(..=pos).collect();
                let line = String::from_utf8_lossy(&line);
                match parse_sse_line(line.trim_end_matches(['\r', '\n']))? {
                    SseLine::Skip => {}
                    SseLine::Done => {
                        let _ = tx.send(Ok(GenEvent::Done(finish))).await;
                        return Ok(());
                    }
                    SseLine::Chunk {
                        text,
                        reason,
                        usage,
                    } => {
                        if let Some(r) = reason {
                            finish.reason = r;
                        }
                        if let Some((p, c)) = usage {
                            finish.prompt_tokens = p;
                            finish.completion_tokens = c;
                        }
                        if !text.is_empty() && tx.send(Ok(GenEvent::Text(text))).await.is_err() {
                            return Ok(());
                        }
                    }
                }
            }
        }
        let _ = tx.send(Ok(GenEvent::Done(finish))).await;
        Ok(())
    }
}

impl Inner {
    /// One candidate's judgement: the log-odds of the first token's `yes` against `no` from
    /// its `top_logprobs`, else (a server that gives none) read from the answer's text. A
    /// server that refuses `logprobs` (HTTP 400, or 422 from a FastAPI validator) is asked
    /// once more without them and its text is read; `plain` then tells the call's other
    /// candidates not to ask for them.
    async fn score_one(
        &self,
        model: &str,
        request: &ScoreRequest,
        i: usize,
        plain: &AtomicBool,
    ) -> Result<Scored> {
        let mut messages = request.prefix.clone();
        messages.extend(request.candidates[i].iter().cloned());
        let mut body = json!({
            "model": model,
            "messages": messages.iter().map(|m| message_json(m, self.video)).collect::<Vec<_>>(),
            "stream": false,
            "max_tokens": 1 + request.reason_tokens,
            "temperature": 0.0,
        });
        let mut resp = if plain.load(Ordering::Relaxed) {
            self.ask_to_score(&body).await?
        } else {
            let mut with = body.clone();
            with["logprobs"] = json!(true);
            with["top_logprobs"] = json!(self.top_logprobs);
            self.ask_to_score(&with).await?
        };
        if !plain.load(Ordering::Relaxed) && matches!(resp.status().as_u16(), 400 | 422) {
            let refused = check_status(resp).await.err();
            tracing::info!(
                error = ?refused,
                "the model backend refused a scoring request with logprobs; \
                 asking without them and reading the answer's text"
            );
            if let Some(map) = body.as_object_mut() {
                map.remove("logprobs");
            }
            resp = self.ask_to_score(&body).await?;
            if resp.status().is_success() {
                plain.store(true, Ordering::Relaxed);
            }
        }
        let resp = check_status(resp).await?;
        let v: Value = resp
            .json()
            .await
            .map_err(|e| Error::Backend(format!("scoring answer: {}", root_cause(&e))))?;
        Ok(judgement(&v, i, &request.yes, &request.no))
    }

    /// One non-streamed chat request, its answer whatever its status.
    async fn ask_to_score(&self, body: &Value) -> Result<reqwest::Response> {
        let url = format!("{}/chat/completions", self.base);
        self.send(|| self.client.post(&url).timeout(self.idle_timeout).json(body))
            .await
    }
}

/// A scoring answer read: the first token's log-odds when the answer has `top_logprobs`
/// holding `yes` or `no` (case and leading spaces aside; variants are summed), else the text.
fn judgement(v: &Value, index: usize, yes: &str, no: &str) -> Scored {
    let choice = &v["choices"][0];
    let text = choice["message"]["content"].as_str().unwrap_or_default();
    let first = &choice["logprobs"]["content"][0];
    let mut listed: Vec<(String, f64)> = first["top_logprobs"]
        .as_array()
        .map(|a| {
            a.iter()
                .filter_map(|t| Some((t["token"].as_str()?.to_string(), t["logprob"].as_f64()?)))
                .collect()
        })
        .unwrap_or_default();
    if let (Some(t), Some(lp)) = (first["token"].as_str(), first["logprob"].as_f64())
        && !listed.iter().any(|(x, _)| x == t)
    {
        listed.push((t.to_string(), lp));
    }
    let mass = |word: &str| {
        let lps: Vec<f64> = listed
            .iter()
            .filter(|(t, _)| t.trim().eq_ignore_ascii_case(word))
            .map(|(_, lp)| *lp)
            .collect();
        log_sum_exp(&lps)
    };
    let (p_yes, p_no) = (mass(yes), mass(no));
    // A word missing from the list is less likely than every listed token: the least listed
    // log-probability bounds it, so the log-odds is a bound in the right direction.
    let floor = listed
        .iter()
        .map(|(_, lp)| *lp)
        .fold(f64::INFINITY, f64::min);
    let answer_len = text
        .trim_start()
        .find(|c: char| !c.is_alphanumeric())
        .unwrap_or(text.trim_start().len());
    let reason = reason_after(&text.trim_start()[answer_len..]);
    let usage = &v["usage"];
    let tokens = |k: &str| usage[k].as_u64().unwrap_or(0).min(u32::MAX as u64) as u32;
    let (score, from_text, reason) = match (p_yes, p_no) {
        (Some(y), Some(n)) => ((y - n) as f32, false, reason),
        (Some(y), None) => ((y - floor) as f32, false, reason),
        (None, Some(n)) => ((floor - n) as f32, false, reason),
        (None, None) => {
            let (s, r) = from_text(text);
            (s, true, r)
        }
    };
    Scored {
        index,
        score,
        from_text,
        reason,
        prompt_tokens: tokens("prompt_tokens"),
        completion_tokens: tokens("completion_tokens"),
        cached_tokens: 0,
    }
}

/// A judgement read from an answer's text, for backends that give no token probabilities:
/// +1 yes, -1 no, 0 unclear; and what follows the answer word, as the reason.
fn from_text(text: &str) -> (f32, String) {
    let t = text.trim_start();
    let lower = t.to_lowercase();
    // Negatives first: "不相关" contains "相关".
    let words: [(&str, f32); 8] = [
        ("no", -1.0),
        ("不相关", -1.0),
        ("不是", -1.0),
        ("否", -1.0),
        ("yes", 1.0),
        ("相关", 1.0),
        ("是", 1.0),
        ("relevant", 1.0),
    ];
    for (w, score) in words {
        if let Some(rest) = lower.strip_prefix(w) {
            // "not ..." and "nothing" are not "no".
            if w == "no" && rest.starts_with(|c: char| c.is_alphanumeric()) {
                continue;
            }
            let cut = t.len() - rest.len();
            return (score, reason_after(&t[cut..]));
        }
    }
    (0.0, reason_after(t))
}

fn log_sum_exp(v: &[f64]) -> Option<f64> {
    let max = v.iter().copied().fold(f64::NEG_INFINITY, f64::max);
    if v.is_empty() || !max.is_finite() {
        return None;
    }
    Some(max + v.iter().map(|x| (x - max).exp()).sum::<f64>().ln())
}

fn root_cause(e: &(dyn std::error::Error + 'static)) -> String {
    let mut cur = e;
    while let Some(next) = cur.source() {
        cur = next;
    }
    cur.to_string()
}

async fn check_status(resp: reqwest::Response) -> Result<reqwest::Response> {
    let status = resp.status();
    if status.is_success() {
        return Ok(resp);
    }
    let text = resp.text().await.unwrap_or_default();
    let detail = serde_json::from_str::<Value>(&text)
        .ok()
        .and_then(|v| {
            v["error"]["message"]
                .as_str()
                .or(v["message"].as_str())
                .or(v["detail"].as_str())
                .map(str::to_string)
        })
        .unwrap_or(text);
    // Servers may quote the whole prompt back; the status message must stay small.
    let detail = crate::error::clip(&detail, 300);
    Err(match status.as_u16() {
        400 | 413 | 422 => Error::invalid(
            "request",
            format!("the model backend rejected it: {detail}"),
        ),
        429 => Error::ResourceExhausted(format!(
            "the model backend is overloaded (HTTP 429): {detail}"
        )),
        502..=504 => Error::Unavailable(format!("HTTP {status}: {detail}")),
        _ => Error::Backend(format!("HTTP {status}: {detail}")),
    })
}

fn data_url(mime: &str, data: &[u8]) -> String {
    format!("data:{mime};base64,{}", B64.encode(data))
}

fn message_json(m: &Message, video: OpenAiVideo) -> Value {
    // Text-only messages go as plain strings: every server accepts those.
    if let [Part::Text(t)] = m.parts.as_slice() {
        return json!({"role": m.role.as_str(), "content": t});
    }
    let mut content = Vec::new();
    for p in &m.parts {
        match p {
            Part::Text(t) => content.push(json!({"type": "text", "text": t})),
            Part::Image { mime_type, data } => content.push(
                json!({"type": "image_url", "image_url": {"url": data_url(mime_type, data)}}),
            ),
            Part::Video { mime_type, data } => content.push(
                json!({"type": "video_url", "video_url": {"url": data_url(mime_type, data)}}),
            ),
            Part::VideoFrames { frames, fps } => {
                // Chat-completions has no frame-list type; frames go as images, each introduced
                // by its timestamp so the model can place events in time.
                content.push(json!({"type": "text", "text": format!("Video of {} frames at {fps} fps:", frames.len())}));
                for (i, (mime, data)) in frames.iter().enumerate() {
                    let t = i as f32 / fps.max(f32::MIN_POSITIVE);
                    content.push(json!({"type": "text", "text": format!("<{t:.1} seconds>")}));
                    content.push(
                        json!({"type": "image_url", "image_url": {"url": data_url(mime, data)}}),
                    );
                }
            }
            Part::DecodedVideo(v) if video == OpenAiVideo::File => content.push(
                json!({"type": "video_url", "video_url": {"url": data_url(&v.mime_type, &v.file)}}),
            ),
            Part::DecodedVideo(v) => {
                // Each sampled frame after its true time, as Qwen3-VL writes them.
                content.push(json!({"type": "text", "text": format!(
                    "Video of {:.1} seconds, {} frames:", v.duration, v.frames.len()
                )}));
                for (img, t) in v.frames.iter().zip(&v.seconds) {
                    content.push(json!({"type": "text", "text": format!("<{t:.1} seconds>")}));
                    content.push(json!({"type": "image_url", "image_url": {"url": data_url("image/jpeg", &jpeg(img))}}));
                }
            }
        }
    }
    json!({"role": m.role.as_str(), "content": content})
}

/// A frame as JPEG (quality 90): a tenth of PNG's size on camera pictures.
fn jpeg(img: &image::RgbImage) -> Vec<u8> {
    let mut out = Vec::new();
    let mut enc = image::codecs::jpeg::JpegEncoder::new_with_quality(&mut out, 90);
    // Encoding RGB pixels of a valid size into memory cannot fail.
    let _ = enc.encode_image(img);
    out
}

fn request_body(model: &str, r: &GenerateRequest, video: OpenAiVideo) -> Value {
    let s = &r.sampling;
    let mut body = json!({
        "model": model,
        "messages": r.messages.iter().map(|m| message_json(m, video)).collect::<Vec<_>>(),
        "stream": true,
        "stream_options": {"include_usage": true},
        "max_tokens": s.max_new_tokens,
        "temperature": s.temperature,
        "top_p": s.top_p,
    });
    if let Some(k) = s.top_k {
        body["top_k"] = json!(k);
    }
    if let Some(seed) = s.seed {
        body["seed"] = json!(seed);
    }
    if !s.stop.is_empty() {
        body["stop"] = json!(s.stop);
    }
    body
}

#[derive(Debug, PartialEq)]
enum SseLine {
    Skip,
    Done,
    Chunk {
        text: String,
        reason: Option<String>,
        usage: Option<(u32, u32)>,
    },
}

fn parse_sse_line(line: &str) -> Result<SseLine> {
    let Some(data) = line.strip_prefix("data:") else {
        return Ok(SseLine::Skip);
    };
    let data = data.trim();
    if data.is_empty() {
        return Ok(SseLine::Skip);
    }
    if data == "[DONE]" {
        return Ok(SseLine::Done);
    }
    let v: Value =
        serde_json::from_str(data).map_err(|e| Error::Backend(format!("bad stream chunk: {e}")))?;
    if let Some(err) = v.get("error") {
        let msg = err["message"].as_str().unwrap_or("unknown error");
        return Err(Error::Backend(format!(
            "the model backend failed mid-answer: {msg}"
        )));
    }
    let choice = &v["choices"][0];
    let text = choice["delta"]["content"]
        .as_str()
        .unwrap_or_default()
        .to_string();
    let reason = choice["finish_reason"].as_str().map(str::to_string);
    let usage = v["usage"]["prompt_tokens"].as_u64().map(|p| {
        (
            p as u32,
            v["usage"]["completion_tokens"].as_u64().unwrap_or(0) as u32,
        )
    });
    Ok(SseLine::Chunk {
        text,
        reason,
        usage,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::engine::{Role, Sampling};

    #[test]
    fn parses_stream_lines() {
        assert_eq!(parse_sse_line(": keep-alive").unwrap(), SseLine::Skip);
        assert_eq!(parse_sse_line("data: [DONE]").unwrap(), SseLine::Done);
        let l = parse_sse_line(
            r#"data: {"choices":[{"delta":{"content":"你好"},"finish_reason":null}]}"#,
        )
        .unwrap();
        assert_eq!(
            l,
            SseLine::Chunk {
                text: "你好".into(),
                reason: None,
                usage: None
            }
        );
        let l = parse_sse_line(
            r#"data: {"choices":[],"usage":{"prompt_tokens":12,"completion_tokens":3,"total_tokens":15}}"#,
        )
        .unwrap();
        assert_eq!(
            l,
            SseLine::Chunk {
                text: String::new(),
                reason: None,
                usage: Some((12, 3))
            }
        );
        assert!(parse_sse_line(r#"data: {"error":{"message":"boom"}}"#).is_err());
        assert!(parse_sse_line("data: {not json").is_err());
    }

    #[test]
    fn text_answers_read_as_yes_no_or_unclear() {
        assert_eq!(
            from_text("Yes. It is a red dress."),
            (1.0, "It is a red dress.".into())
        );
        assert_eq!(
            from_text(" no, wrong colour"),
            (-1.0, "wrong colour".into())
        );
        assert_eq!(from_text("不相关，颜色不同"), (-1.0, "颜色不同".into()));
        assert_eq!(from_text("相关"), (1.0, String::new()));
        assert_eq!(from_text("Not sure"), (0.0, "Not sure".into()));
        assert_eq!(from_text("nothing to say"), (0.0, "nothing to say".into()));
    }

    #[test]
    fn a_judgement_is_the_log_odds_of_the_first_token() {
        let answer = |content: &str, logprobs: Value| {
            json!({"choices": [{"message": {"content": content}, "logprobs": logprobs}],
                   "usage": {"prompt_tokens": 40, "completion_tokens": 1}})
        };
        let lp = |list: Value| json!({"content": [{"token": "yes", "logprob": -0.2, "top_logprobs": list}]});
        let v = answer(
            "yes",
            lp(
                json!([{"token": "yes", "logprob": -0.2}, {"token": "Yes", "logprob": -2.0},
                      {"token": " no", "logprob": -3.0}, {"token": "maybe", "logprob": -5.0}]),
            ),
        );
        let s = judgement(&v, 3, "yes", "no");
        let want = ((-0.2f64).exp() + (-2.0f64).exp()).ln() + 3.0;
        assert!((f64::from(s.score) - want).abs() < 1e-5, "{}", s.score);
        assert_eq!((s.index, s.from_text, s.prompt_tokens), (3, false, 40));
        // "no" not listed: bounded by the least listed log-probability.
        let v = answer(
            "yes",
            lp(json!([{"token": "yes", "logprob": -0.1}, {"token": "ok", "logprob": -4.0}])),
        );
        assert!((judgement(&v, 0, "yes", "no").score - 3.9).abs() < 1e-5);
        // No log-probabilities: the text, flagged.
        let v = answer("No. Wrong colour.", Value::Null);
        let s = judgement(&v, 0, "yes", "no");
        assert_eq!(
            (s.score, s.from_text, s.reason.as_str()),
            (-1.0, true, "Wrong colour.")
        );
    }

    #[test]
    fn body_carries_images_as_data_urls() {
        let r = GenerateRequest {
            messages: vec![
                Message::text(Role::System, "sys"),
                Message {
                    role: Role::User,
                    parts: vec![
                        Part::Image {
                            mime_type: "image/png".into(),
                            data: bytes::Bytes::from_static(b"abc"),
                        },
                        Part::Text("what?".into()),
                    ],
                },
            ],
            sampling: Sampling {
                seed: Some(7),
                stop: vec!["END".into()],
                ..Sampling::default()
            },
            expert: "general".into(),
            cache_scope: None,
        };
        let b = request_body("m", &r, OpenAiVideo::Frames);
        assert_eq!(b["messages"][0]["content"], "sys");
        assert_eq!(
            b["messages"][1]["content"][0]["image_url"]["url"],
            "data:image/png;base64,YWJj"
        );
        assert_eq!(b["seed"], 7);
        assert_eq!(b["stop"][0], "END");
        assert_eq!(b["stream"], true);
    }
}

//! The in-process engine behind the `Backend` trait. One model, one engine thread; a scheduler
//! in front of it takes requests round-robin across experts so no expert starves the others,
//! and refuses work past `engine_queue` waiting requests. Media is decoded on the blocking pool
//! before a request queues, so the engine thread only runs the model.

use std::collections::{BTreeMap, VecDeque};
use std::path::PathBuf;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Condvar, Mutex};

use futures::future::BoxFuture;
use tokio::sync::mpsc;
use tokio_stream::wrappers::ReceiverStream;
use tokio_util::sync::CancellationToken;

use super::engine::{
    ChatMessage, ChatPart, Engine, EngineError, EngineOptions, GenerateParams, Media,
};
use super::preprocess::PreprocessError;
use super::prompt::VideoLayout;
use super::sampler::SamplerConfig;
use super::session::Provider;
use crate::config::Config;
use crate::engine::{Backend, Finish, GenEvent, GenStream, GenerateRequest, Part};
use crate::error::{Error, Result};

struct Job {
    messages: Vec<ChatMessage>,
    media: Vec<Media>,
    params: GenerateParams,
    events: mpsc::Sender<Result<GenEvent>>,
    cancel: Arc<AtomicBool>,
}

#[derive(Default)]
struct Queues {
    by_expert: BTreeMap<String, VecDeque<Job>>,
    /// Experts with waiting jobs, in the order they get their next turn.
    turn: VecDeque<String>,
    waiting: usize,
    closed: bool,
}

struct Scheduler {
    queues: Mutex<Queues>,
    ready: Condvar,
    limit: usize,
}

impl Scheduler {
    fn push(&self, expert: String, job: Job) -> Result<()> {
        let mut q = self
            .queues
            .lock()
            .map_err(|_| Error::Internal("scheduler lock poisoned".into()))?;
        if q.waiting >= self.limit {
            return Err(Error::ResourceExhausted(format!(
                "the model has {} requests waiting (engine_queue); retry with backoff",
                q.waiting
            )));
        }
        let queue = q.by_expert.entry(expert.clone()).or_default();
        if queue.is_empty() {
            q.turn.push_back(expert.clone());
        }
        crate::metrics::get()
            .model_queue
            .add(1, &[opentelemetry::KeyValue::new("expert", expert.clone())]);
        q.by_expert.entry(expert).or_default().push_back(job);
        q.waiting += 1;
        self.ready.notify_one();
        Ok(())
    }

    /// The next job, round-robin across experts; None once closed and drained.
    fn pop(&self) -> Option<Job> {
        let mut q = self.queues.lock().ok()?;
        loop {
            if let Some(expert) = q.turn.pop_front() {
                let (job, more) = match q.by_expert.get_mut(&expert) {
                    Some(queue) => (queue.pop_front(), !queue.is_empty()),
                    None => (None, false),
                };
                if more {
                    q.turn.push_back(expert.clone());
                }
                if let Some(job) = job {
                    q.waiting -= 1;
                    crate::metrics::get()
                        .model_queue
                        .add(-1, &[opentelemetry::KeyValue::new("expert", expert)]);
                    return Some(job);
                }
                continue;
            }
            if q.closed {
                return None;
            }
            q = self.ready.wait(q).ok()?;
        }
    }

    fn close(&self) {
        if let Ok(mut q) = self.queues.lock() {
            q.closed = true;
        }
        self.ready.notify_all();
    }
}

pub struct OrtBackend {
    scheduler: Arc<Scheduler>,
}

impl Drop for OrtBackend {
    fn drop(&mut self) {
        self.scheduler.close();
    }
}

fn engine_error(e: EngineError) -> Error {
    match e {
        EngineError::Preprocess(
            p @ (PreprocessError::Decode(_)
            | PreprocessError::AspectRatio { .. }
            | PreprocessError::Empty),
        ) => Error::invalid("media", p.to_string()),
        EngineError::Input(m) => Error::invalid("media", m),
        EngineError::Cancelled => Error::Cancelled,
        other => Error::Backend(other.to_string()),
    }
}

pub fn options_from(config: &Config) -> Result<EngineOptions> {
    let model_dir = PathBuf::from(&config.model_dir);
    let tokenizer = if !config.tokenizer.is_empty() {
        Some(PathBuf::from(&config.tokenizer))
    } else if model_dir.join("tokenizer.json").exists() {
        None
    } else {
        Some(PathBuf::from(".assets/qwen/tokenizer.json"))
    };
    Ok(EngineOptions {
        model_dir,
        library: config.ort_library.clone(),
        tokenizer,
        provider: if config.ort_provider == "cuda" {
            Provider::Cuda {
                device: config.ort_device as i32,
            }
        } else {
            Provider::Cpu
        },
        threads: config.ort_threads,
        variant: config.ort_variant.clone(),
        prefill_chunk: config.prefill_chunk,
        video_layout: if config.video_layout == "keep_outer" {
            VideoLayout::KeepOuter
        } else {
            VideoLayout::Replace
        },
    })
}

impl OrtBackend {
    /// Loads the model (errors here stop start-up) and starts the engine thread.
    pub fn start(config: &Config) -> Result<OrtBackend> {
        let options = options_from(config)?;
        let mut engine =
            Engine::load(options).map_err(|e| Error::Config(format!("loading the model: {e}")))?;
        let deepstack = engine.has_deepstack();
        let scheduler = Arc::new(Scheduler {
            queues: Mutex::new(Queues::default()),
            ready: Condvar::new(),
            limit: config.engine_queue,
        });
        // Zero rather than no data on dashboards until the first request.
        crate::metrics::get().model_sequences.add(0, &[]);
        let sched = scheduler.clone();
        std::thread::Builder::new()
            .name("qwen3vl-engine".into())
            .spawn(move || {
                while let Some(job) = sched.pop() {
                    run_job(&mut engine, job);
                }
            })
            .map_err(|e| Error::Internal(format!("engine thread: {e}")))?;
        tracing::info!(model = %config.model_dir, deepstack, "in-process Qwen3-VL engine ready");
        Ok(OrtBackend { scheduler })
    }
}

fn run_job(engine: &mut Engine, job: Job) {
    if job.cancel.load(Ordering::Relaxed) || job.events.is_closed() {
        return;
    }
    let events = job.events.clone();
    let result = engine.prepare(&job.messages, &job.media).and_then(|p| {
        let cancel = job.cancel.clone();
        let outcome = engine.generate(&p, &job.params, &cancel, |text| {
            if events
                .blocking_send(Ok(GenEvent::Text(text.to_string())))
                .is_err()
            {
                // Nobody listens any more: stop at the next step.
                cancel.store(true, Ordering::Relaxed);
            }
        })?;
        Ok(outcome)
    });
    let msg = match result {
        Ok(o) if o.reason == "cancelled" => Err(Error::Cancelled),
        Ok(o) => Ok(GenEvent::Done(Finish {
            reason: o.reason.to_string(),
            prompt_tokens: o.prompt_tokens as u32,
            completion_tokens: o.tokens.len() as u32,
        })),
        Err(e) => Err(engine_error(e)),
    };
    let _ = job.events.blocking_send(msg);
}

/// Decodes the request's media and maps its messages onto the engine's.
fn convert(request: &GenerateRequest) -> Result<(Vec<ChatMessage>, Vec<Media>)> {
    let mut media = Vec::new();
    let mut messages = Vec::new();
    for m in &request.messages {
        let mut parts = Vec::new();
        for p in &m.parts {
            match p {
                Part::Text(t) => parts.push(ChatPart::Text(t.clone())),
                Part::Image { data, .. } => {
                    let img = super::preprocess::decode(data)
                        .map_err(|e| Error::invalid("media", e.to_string()))?;
                    parts.push(ChatPart::Media(media.len()));
                    media.push(Media::Image(img));
                }
                Part::VideoFrames { frames, fps } => {
                    let decoded = frames
                        .iter()
                        .map(|(_, f)| {
                            super::preprocess::decode(f)
                                .map_err(|e| Error::invalid("media", e.to_string()))
                        })
                        .collect::<Result<Vec<_>>>()?;
                    parts.push(ChatPart::Media(media.len()));
                    media.push(Media::Frames {
                        frames: decoded,
                        fps: *fps as f64,
                    });
                }
                Part::Video { .. } => {
                    return Err(Error::FailedPrecondition(
                        "the in-process engine takes a video as frames (Media.frames with fps); this build has no \
                         video-file decoder"
                            .into(),
                    ));
                }
            }
        }
        messages.push(ChatMessage {
            role: m.role.as_str(),
            parts,
        });
    }
    Ok((messages, media))
}

impl Backend for OrtBackend {
    fn name(&self) -> &'static str {
        "ort"
    }

    fn generate(&self, request: GenerateRequest, cancel: CancellationToken) -> GenStream {
        let (tx, rx) = mpsc::channel(64);
        let scheduler = self.scheduler.clone();
        tokio::spawn(async move {
            let flag = Arc::new(AtomicBool::new(false));
            let expert = request.expert.clone();
            let s = &request.sampling;
            let params = GenerateParams {
                sampler: SamplerConfig {
                    temperature: s.temperature,
                    top_k: s.top_k.map(|k| k as usize),
                    top_p: s.top_p,
                    seed: s.seed,
                    ..SamplerConfig::default()
                },
                max_new_tokens: s.max_new_tokens as usize,
                stop: s.stop.clone(),
            };
            let converted = tokio::task::spawn_blocking(move || convert(&request)).await;
            let (messages, media) = match converted {
                Ok(Ok(x)) => x,
                Ok(Err(e)) => {
                    let _ = tx.send(Err(e)).await;
                    return;
                }
                Err(e) => {
                    let _ = tx.send(Err(Error::Internal(e.to_string()))).await;
                    return;
                }
            };
            let job = Job {
                messages,
                media,
                params,
                events: tx.clone(),
                cancel: flag.clone(),
            };
            if let Err(e) = scheduler.push(expert, job) {
                let _ = tx.send(Err(e)).await;
                return;
            }
            // Stop the engine between decode steps when the caller cancels or goes away.
            tokio::select! {
                _ = cancel.cancelled() => flag.store(true, Ordering::Relaxed),
                _ = tx.closed() => flag.store(true, Ordering::Relaxed),
            }
        });
        Box::pin(ReceiverStream::new(rx))
    }

    fn health(&self) -> BoxFuture<'_, Result<()>> {
        Box::pin(async { Ok(()) })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn job(tag: &str) -> Job {
        let (events, _) = mpsc::channel(1);
        Job {
            messages: vec![ChatMessage {
                role: "user",
                parts: vec![ChatPart::Text(tag.into())],
            }],
            media: vec![],
            params: GenerateParams {
                sampler: SamplerConfig::default(),
                max_new_tokens: 1,
                stop: vec![],
            },
            events,
            cancel: Arc::new(AtomicBool::new(false)),
        }
    }

    fn tag(j: &Job) -> String {
        match &j.messages[0].parts[0] {
            ChatPart::Text(t) => t.clone(),
            ChatPart::Media(_) => unreachable!(),
        }
    }

    #[test]
    fn experts_take_turns_and_the_queue_is_bounded() {
        let s = Scheduler {
            queues: Mutex::new(Queues::default()),
            ready: Condvar::new(),
            limit: 5,
        };
        for t in ["ocr1", "ocr2", "ocr3"] {
            s.push("ocr".into(), job(t)).unwrap();
        }
        s.push("gui".into(), job("gui1")).unwrap();
        s.push("math".into(), job("math1")).unwrap();
        let e = s.push("math".into(), job("math2")).unwrap_err();
        assert!(matches!(e, Error::ResourceExhausted(_)));
        let order: Vec<String> = (0..5).map(|_| tag(&s.pop().unwrap())).collect();
        assert_eq!(order, ["ocr1", "gui1", "math1", "ocr2", "ocr3"]);
        s.close();
        assert!(s.pop().is_none());
    }
}

//! The in-process engine behind the `Backend` trait. One model, one engine thread running a
//! continuous batch (`batch::Batcher`: up to `engine.max_batch` sequences within
//! `engine.kv_cache_bytes`, after a start-up check that the decoder batches correctly); a
//! scheduler in front of it admits requests round-robin across experts so no expert starves the
//! others, and refuses work past `engine.queue` waiting requests. Media is decoded on the CPU
//! pool before a request queues, so the engine thread only runs the model: each image is shrunk
//! to its model size right after decoding, a video's frames are sampled before any is decoded,
//! and a request's visual tokens are counted from the headers against
//! `engine.max_visual_tokens` before anything is decoded at all. Re-ranking calls
//! (`Backend::score`) take turns with the batch's steps: a batch of candidates scored per turn,
//! or one decode step of their reasons.

use std::collections::{BTreeMap, HashMap, VecDeque};
use std::path::PathBuf;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Condvar, Mutex};

use futures::future::BoxFuture;
use tokio::sync::mpsc;
use tokio_stream::wrappers::UnboundedReceiverStream;
use tokio_util::sync::CancellationToken;

use switchboard_qwen3vl::batch::{BatchLimits, Batcher, Continuations, Event};
use switchboard_qwen3vl::engine::{
    ChatMessage, ChatPart, Engine, EngineOptions, GenerateParams, Media, Observer, PrefixState,
    Prepared,
};
use switchboard_qwen3vl::preprocess::ImageResize;
use switchboard_qwen3vl::prompt::VideoLayout;
use switchboard_qwen3vl::sampler::SamplerConfig;
use switchboard_qwen3vl::{ModelConfig, Provider, preprocess, video};

use crate::config::{self, Config};
use crate::cpu::{CpuPool, Stop};
use crate::engine::{
    Backend, Finish, GenEvent, GenStream, GenerateRequest, Part, ScoreRequest, ScoreStream, Scored,
    reason_after,
};
use crate::error::{Error, Result};
use crate::media;
use crate::media::video::DecodedVideo;
use crate::metrics::Metrics;

struct GenJob {
    messages: Vec<ChatMessage>,
    media: Vec<Media>,
    /// Who may reuse its vision features (`GenerateRequest::cache_scope`).
    cache_scope: Option<String>,
    params: GenerateParams,
    /// Unbounded: the engine thread never waits on one slow reader while a batch runs (a
    /// sequence's text is bounded by its token limit).
    events: mpsc::UnboundedSender<Result<GenEvent>>,
    cancel: Arc<AtomicBool>,
}

/// A re-ranking call (`Backend::score`): the shared prefix's messages and media, then each
/// candidate's, its media numbered after the prefix's. The engine thread runs the prefix once,
/// then up to `batch` candidates per turn, in one multi-row call, between the batch's steps;
/// with reasons, one decode step of the scored candidates' reasons a turn.
struct ScoreJob {
    prefix: (Vec<ChatMessage>, Vec<Media>),
    candidates: Vec<(Vec<ChatMessage>, Vec<Media>)>,
    /// Candidates scored in one decoder call at most (`rerank.batch_size`).
    batch: usize,
    /// Token ids of the yes and no answers.
    yes: u32,
    no: u32,
    /// Tokens of each candidate's reason, decoded greedily after its answer; 0 for none.
    reason_tokens: usize,
    /// When the caller stops reading: reasons are cut short before it.
    deadline: Option<std::time::Instant>,
    events: mpsc::UnboundedSender<Result<Scored>>,
    cancel: Arc<AtomicBool>,
}

/// What waits in the scheduler's queues.
enum Job {
    Generate(GenJob),
    Score(ScoreJob),
}

impl Job {
    fn dropped(&self) -> bool {
        match self {
            Job::Generate(j) => j.cancel.load(Ordering::Relaxed) || j.events.is_closed(),
            Job::Score(j) => j.cancel.load(Ordering::Relaxed) || j.events.is_closed(),
        }
    }
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
                "the model has {} requests waiting (engine.queue); retry with backoff",
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

    /// The next job and its expert, round-robin across experts, waiting for one; None once
    /// closed and drained.
    fn pop(&self) -> Option<(String, Job)> {
        self.next(true)
    }

    /// The next job if one waits.
    fn try_pop(&self) -> Option<(String, Job)> {
        self.next(false)
    }

    fn next(&self, wait: bool) -> Option<(String, Job)> {
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
                    crate::metrics::get().model_queue.add(
                        -1,
                        &[opentelemetry::KeyValue::new("expert", expert.clone())],
                    );
                    return Some((expert, job));
                }
                continue;
            }
            if q.closed || !wait {
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
    cpu: CpuPool,
    /// What preprocessing needs of the model: vision settings, video sampling.
    model: Arc<ModelConfig>,
    max_visual_tokens: usize,
    /// For the answer tokens re-ranking compares.
    tokenizer: Arc<tokenizers::Tokenizer>,
    /// Candidates scored in one decoder call at most (`rerank.batch_size`).
    score_batch: usize,
}

impl Drop for OrtBackend {
    fn drop(&mut self) {
        self.scheduler.close();
    }
}

/// The engine's sequences as the service's metrics: running sequences, what the KV cache holds,
/// and each sequence's final size.
struct EngineMetrics(&'static Metrics);

impl Observer for EngineMetrics {
    fn sequence_started(&self) {
        self.0.model_sequences.add(1, &[]);
    }

    fn kv_cache(&self, positions: usize, bytes: usize) {
        self.0.set_kv_cache(positions, bytes);
    }

    fn batch(&self, rows: usize, sequences: usize) {
        self.0.set_batch(rows, sequences);
    }

    fn prefix_lookup(&self, cached: usize) {
        let hit = if cached > 0 { "true" } else { "false" };
        self.0
            .prefix_lookups
            .add(1, &[opentelemetry::KeyValue::new("hit", hit)]);
        if cached > 0 {
            self.0.prefix_tokens.add(cached as u64, &[]);
        }
    }

    fn decoded(&self, tokens: usize) {
        if tokens > 0 {
            self.0.decode_tokens.add(tokens as u64, &[]);
        }
    }

    fn vision_encoded(&self, reused: bool) {
        let reused = if reused { "true" } else { "false" };
        self.0
            .vision_encodes
            .add(1, &[opentelemetry::KeyValue::new("reused", reused)]);
    }

    fn sequence_ended(&self, positions: usize) {
        if positions > 0 {
            self.0.sequence_positions.record(positions as u64, &[]);
        }
        self.0.model_sequences.add(-1, &[]);
    }
}

pub fn options_from(config: &Config) -> Result<EngineOptions> {
    let e = &config.engine;
    let model_dir = config.model_dir().to_path_buf();
    let tokenizer = if let Some(path) = &e.tokenizer {
        Some(path.clone())
    } else if model_dir.join("tokenizer.json").exists() {
        None
    } else {
        Some(PathBuf::from(".assets/qwen/tokenizer.json"))
    };
    Ok(EngineOptions {
        model_dir,
        library: config.onnxruntime.library.clone(),
        tokenizer,
        provider: match e.provider {
            config::Provider::Cuda => Provider::Cuda {
                device: i32::try_from(e.device)
                    .map_err(|_| Error::Config(format!("engine.device = {}", e.device)))?,
            },
            config::Provider::Cpu => Provider::Cpu,
        },
        threads: e.threads,
        variant: e.variant.clone().unwrap_or_default(),
        prefill_chunk: e.prefill_chunk,
        vision_cache_bytes: e.vision_cache_bytes,
        prefix_cache_bytes: e.prefix_cache_bytes,
        image_resize: match e.image_resize {
            config::ImageResize::Torchvision => ImageResize::Torchvision,
            config::ImageResize::Pil => ImageResize::Pil,
        },
        video_layout: match e.video_layout {
            config::VideoLayout::KeepOuter => VideoLayout::KeepOuter,
            config::VideoLayout::Replace => VideoLayout::Replace,
        },
    })
}

impl OrtBackend {
    /// Loads the model (errors here stop start-up) and starts the engine thread.
    pub fn start(config: &Config, cpu: &CpuPool) -> Result<OrtBackend> {
        let options = options_from(config)?;
        let metrics = crate::metrics::get();
        let mut engine = Engine::load_observed(options, Arc::new(EngineMetrics(metrics)))
            .map_err(|e| Error::Config(format!("loading the model: {e}")))?;
        let deepstack = engine.has_deepstack();
        let model = Arc::new(engine.config.clone());
        let tokenizer = Arc::new(engine.tokenizer.clone());
        let scheduler = Arc::new(Scheduler {
            queues: Mutex::new(Queues::default()),
            ready: Condvar::new(),
            limit: config.engine.queue,
        });
        // Zero rather than no data on dashboards until the first request.
        metrics.model_sequences.add(0, &[]);
        let mut limits = BatchLimits {
            max_rows: config.engine.max_batch,
            kv_bytes: config.engine.kv_cache_bytes,
        };
        if limits.max_rows > 1 {
            // A decoder that ignores the mask would give padded rows wrong answers.
            let error = engine
                .batching_error()
                .map_err(|e| Error::Config(format!("checking batched decoding: {e}")))?;
            if error > switchboard_qwen3vl::batch::BATCHING_TOLERANCE {
                tracing::warn!(
                    error,
                    "this decoder gives different logits to a row batched with padding than \
                     alone (it ignores the attention mask); sequences decode one at a time"
                );
                limits.max_rows = 1;
            }
        }
        metrics.set_kv_budget(limits.kv_bytes);
        let sched = scheduler.clone();
        std::thread::Builder::new()
            .name("qwen3vl-engine".into())
            .spawn(move || run_engine(&mut engine, &sched, limits))
            .map_err(|e| Error::Internal(format!("engine thread: {e}")))?;
        tracing::info!(model = %config.model_dir().display(), deepstack, max_batch = limits.max_rows, "in-process Qwen3-VL engine ready");
        Ok(OrtBackend {
            scheduler,
            cpu: cpu.clone(),
            model,
            max_visual_tokens: config.engine.max_visual_tokens,
            tokenizer,
            score_batch: config.rerank.batch_size,
        })
    }
}

/// A sequence in the batch, as the engine thread knows it.
struct Live {
    events: mpsc::UnboundedSender<Result<GenEvent>>,
    cancel: Arc<AtomicBool>,
}

/// The engine thread: admits jobs in the scheduler's order while the batch has room (a job that
/// does not fit waits, holding its place), and ticks the batch: a prefill chunk, then a decode
/// step for every running sequence. Waits for work only when nothing runs.
fn run_engine(engine: &mut Engine, scheduler: &Scheduler, limits: BatchLimits) {
    let mut batcher: Batcher<u64> = Batcher::new(engine, limits);
    let mut live: HashMap<u64, Live> = HashMap::new();
    // A job taken from the queue that waits for room in the batch: it still counts as queued.
    let mut held: Option<(String, GenJob, Prepared)> = None;
    // Re-ranking calls, the first one running (its prefix once, then a candidate a turn).
    let mut scoring: VecDeque<Scoring> = VecDeque::new();
    let queued = |expert: &str, n: i64| {
        crate::metrics::get().model_queue.add(
            n,
            &[opentelemetry::KeyValue::new("expert", expert.to_string())],
        );
    };
    let mut next_id = 0u64;
    loop {
        // Admit what fits.
        loop {
            if let Some((expert, job, _)) = &held
                && (job.cancel.load(Ordering::Relaxed) || job.events.is_closed())
            {
                queued(expert, -1);
                let _ = job.events.send(Err(Error::Cancelled));
                held = None;
            }
            let fresh = held.is_none();
            if fresh {
                let (expert, job) = if batcher.is_empty() && scoring.is_empty() {
                    match scheduler.pop() {
                        Some(next) => next,
                        None => return,
                    }
                } else {
                    match scheduler.try_pop() {
                        Some(next) => next,
                        None => break,
                    }
                };
                if job.dropped() {
                    continue;
                }
                let job = match job {
                    Job::Generate(job) => job,
                    Job::Score(job) => {
                        scoring.push_back(Scoring {
                            job,
                            state: None,
                            ready: VecDeque::new(),
                            next: 0,
                            reasons: None,
                            waiting: HashMap::new(),
                            reason_rows: limits.max_rows,
                            reason_step: std::time::Duration::ZERO,
                        });
                        continue;
                    }
                };
                match engine.prepare(&job.messages, &job.media) {
                    Ok(mut p) => {
                        p.cache_scope = job.cache_scope.clone();
                        held = Some((expert, job, p));
                    }
                    Err(e) => {
                        let _ = job.events.send(Err(e.into()));
                        continue;
                    }
                }
            }
            let Some((expert, job, p)) = held.take() else {
                break;
            };
            if !batcher.admits(&p, &job.params) {
                if fresh {
                    queued(&expert, 1);
                }
                held = Some((expert, job, p));
                break;
            }
            if !fresh {
                queued(&expert, -1);
            }
            let id = next_id;
            next_id += 1;
            batcher.admit(id, p, &job.params, job.cancel.clone());
            live.insert(
                id,
                Live {
                    events: job.events,
                    cancel: job.cancel,
                },
            );
        }
        // One batch of candidates of the first re-ranking call, between the batch's steps.
        if let Some(s) = scoring.front_mut()
            && !score_next(engine, s)
        {
            scoring.pop_front();
        }
        if batcher.is_empty() {
            continue;
        }
        batcher.tick(engine, &mut |id, event| match event {
            Event::Text(text) => {
                if let Some(l) = live.get(id)
                    && l.events.send(Ok(GenEvent::Text(text.to_string()))).is_err()
                {
                    // Nobody listens any more: the row leaves at the next step.
                    l.cancel.store(true, Ordering::Relaxed);
                }
            }
            Event::Done(o) => {
                if let Some(l) = live.remove(id) {
                    let msg = if o.reason == "cancelled" {
                        Err(Error::Cancelled)
                    } else {
                        Ok(GenEvent::Done(Finish {
                            reason: o.reason.to_string(),
                            prompt_tokens: o.prompt_tokens as u32,
                            completion_tokens: o.tokens.len() as u32,
                            vision_reused: o.vision_reused as u32,
                            cached_tokens: o.cached_tokens as u32,
                        }))
                    };
                    let _ = l.events.send(msg);
                }
            }
            Event::Failed(e) => {
                if let Some(l) = live.remove(id) {
                    let _ = l.events.send(Err(e.into()));
                }
            }
        });
    }
}

/// A re-ranking call on the engine thread: its prefix's KV once run, and the candidates
/// prepared but not yet scored.
struct Scoring {
    job: ScoreJob,
    state: Option<(PrefixState, usize)>,
    /// Candidates `next..next + ready.len()`, prepared.
    ready: VecDeque<Prepared>,
    next: usize,
    /// The scored batch's reasons being decoded, and its judgements waiting for them.
    reasons: Option<Continuations<usize>>,
    waiting: HashMap<usize, Scored>,
    /// Reasons decoded together at most (`engine.max_batch`, 1 where the decoder cannot batch).
    reason_rows: usize,
    /// How long the last reason step took.
    reason_step: std::time::Duration,
}

/// Scores the next batch of `s`'s candidates in one multi-row call (running the shared
/// prefix first, on the first call), or, while a scored batch's reasons are being written,
/// decodes one token of each; false once the call is over (all scored, failed, or its caller
/// gone). Cancellation and the caller's deadline (it drops the stream) are seen between
/// batches and between reason steps.
fn score_next(engine: &mut Engine, s: &mut Scoring) -> bool {
    let job = &s.job;
    if job.cancel.load(Ordering::Relaxed) || job.events.is_closed() {
        return false;
    }
    let total = job.candidates.len();
    if let Some(reasons) = &mut s.reasons {
        // Two more steps (50 ms at least: a loaded host's next step may be slower) would pass
        // the caller's deadline: the reasons end here, so that the scored candidates arrive in
        // time; the call ends with them.
        let ahead = (2 * s.reason_step).max(std::time::Duration::from_millis(50));
        if let Some(deadline) = job.deadline
            && std::time::Instant::now() + ahead >= deadline
        {
            let ended = reasons.finish(engine);
            if let Err(e) = send_reasons(engine, ended, &mut s.waiting, job) {
                let _ = job.events.send(Err(e));
            }
            s.reasons = None;
            return false;
        }
        let started = std::time::Instant::now();
        let stepped = reasons
            .step(engine)
            .map_err(Error::from)
            .and_then(|ended| send_reasons(engine, ended, &mut s.waiting, job));
        s.reason_step = started.elapsed();
        return match stepped {
            Ok(()) => {
                if reasons.is_empty() {
                    s.reasons = None;
                }
                s.reasons.is_some() || s.next < total
            }
            Err(e) => {
                let _ = job.events.send(Err(e));
                false
            }
        };
    }
    if s.next >= total {
        return false;
    }
    let result = (|| -> Result<Vec<Scored>> {
        let want = job.batch.max(1);
        while s.ready.len() < want && s.next + s.ready.len() < total {
            let (messages, media) = &job.candidates[s.next + s.ready.len()];
            let mut all_messages = job.prefix.0.clone();
            all_messages.extend(messages.iter().cloned());
            let mut all_media = job.prefix.1.clone();
            all_media.extend(media.iter().cloned());
            s.ready
                .push_back(engine.prepare(&all_messages, &all_media)?);
        }
        if s.state.is_none() {
            let Some(p) = s.ready.front() else {
                return Err(Error::Internal("no candidate to score".into()));
            };
            // The prefix alone renders as its turns and the assistant's header; what it shares
            // with a candidate's prompt is its turns (and the next turn's start).
            let alone = engine.prepare(&job.prefix.0, &job.prefix.1)?;
            let shared = alone
                .ids
                .iter()
                .zip(&p.ids)
                .take_while(|(a, b)| a == b)
                .count();
            let state = engine.score_prefix(p, shared)?;
            s.state = Some((state, shared));
        }
        let Some((state, shared)) = &s.state else {
            return Err(Error::Internal("the scoring prefix was not run".into()));
        };
        s.ready.make_contiguous();
        let n = engine.score_batch_len(state, s.ready.as_slices().0, want);
        let batch: Vec<Prepared> = s.ready.drain(..n).collect();
        let refs: Vec<&Prepared> = batch.iter().collect();
        // With reasons, each row's KV is kept to decode its reason from.
        let (logits, caches) = if job.reason_tokens == 0 {
            (engine.score_batch(state, &refs)?, Vec::new())
        } else {
            engine.score_batch_caches(state, &refs)?
        };
        let first = s.next;
        s.next += n;
        let scored = batch
            .iter()
            .zip(&logits)
            .enumerate()
            .map(|(i, (p, logits))| {
                let at = |t: u32| logits.get(t as usize).copied();
                let (Some(yes), Some(no)) = (at(job.yes), at(job.no)) else {
                    return Err(Error::Internal(
                        "the answer tokens are outside the logits".into(),
                    ));
                };
                Ok(Scored {
                    index: first + i,
                    score: yes - no,
                    from_text: false,
                    reason: String::new(),
                    prompt_tokens: p.ids.len() as u32,
                    completion_tokens: 0,
                    cached_tokens: *shared as u32,
                })
            })
            .collect::<Result<Vec<Scored>>>()?;
        if job.reason_tokens == 0 {
            return Ok(scored);
        }
        if caches.len() != scored.len() {
            return Err(Error::Internal(format!(
                "{} caches for {} scored candidates",
                caches.len(),
                scored.len()
            )));
        }
        // The scores stand as read; each reason decodes from its row's KV after the answer
        // the candidate gave.
        let mut reasons = Continuations::new(engine, s.reason_rows, job.reason_tokens);
        for ((p, x), cache) in batch.iter().zip(scored).zip(caches) {
            let answer = if x.score >= 0.0 { job.yes } else { job.no };
            reasons.push(x.index, cache, p.rope.delta, answer);
            s.waiting.insert(x.index, x);
        }
        s.reasons = Some(reasons);
        Ok(Vec::new())
    })();
    // A closed receiver ends the call at the next turn.
    match result {
        Ok(scored) => {
            for x in scored {
                let _ = job.events.send(Ok(x));
            }
            s.reasons.is_some() || s.next < total
        }
        Err(e) => {
            let _ = job.events.send(Err(e));
            false
        }
    }
}

/// Sends the candidates whose reasons ended, each with its reason (its completion tokens: the
/// answer and the reason's).
fn send_reasons(
    engine: &Engine,
    ended: Vec<(usize, Vec<u32>)>,
    waiting: &mut HashMap<usize, Scored>,
    job: &ScoreJob,
) -> Result<()> {
    for (index, tokens) in ended {
        let Some(mut x) = waiting.remove(&index) else {
            return Err(Error::Internal(format!("a reason for candidate #{index}")));
        };
        let text = engine
            .tokenizer
            .decode(&tokens, true)
            .map_err(|e| Error::Internal(format!("decoding a reason: {e}")))?;
        x.reason = reason_after(&text);
        x.completion_tokens = 1 + tokens.len() as u32;
        let _ = job.events.send(Ok(x));
    }
    Ok(())
}

/// Decodes the request's media and maps its messages onto the engine's. The request's visual
/// tokens are counted from the headers first, so an over-budget request allocates nothing;
/// `stop` is checked between images and frames.
pub fn convert(
    request: &GenerateRequest,
    model: &ModelConfig,
    max_visual_tokens: usize,
    stop: &Stop,
) -> Result<(Vec<ChatMessage>, Vec<Media>)> {
    let parts = || request.messages.iter().flat_map(|m| &m.parts);
    let tokens: usize = parts()
        .map(|p| visual_tokens(p, model))
        .sum::<Result<usize>>()?;
    if tokens > max_visual_tokens {
        // A long PDF is many images: say how many, and how to send fewer.
        let images = parts().filter(|p| matches!(p, Part::Image { .. })).count();
        let videos = parts()
            .filter(|p| matches!(p, Part::VideoFrames { .. } | Part::DecodedVideo(_)))
            .count();
        return Err(Error::invalid(
            "media",
            format!(
                "{images} image(s) (each PDF page is one) and {videos} video(s) come to {tokens} \
                 visual tokens; the in-process engine takes at most {max_visual_tokens} per \
                 request (engine.max_visual_tokens): send fewer, choose fewer PDF pages \
                 (Media.first_page, Media.last_page) or draw them at a lower pdf.dpi"
            ),
        ));
    }
    let mut media = Vec::new();
    let mut messages = Vec::new();
    for m in &request.messages {
        let mut parts = Vec::new();
        for p in &m.parts {
            stop.check()?;
            match p {
                Part::Text(t) => parts.push(ChatPart::Text(t.clone())),
                Part::Image { data, .. } => {
                    let img = media::decode_until(data, stop)?;
                    let c = &model.image;
                    let (h, w) = preprocess::smart_resize(
                        img.height() as usize,
                        img.width() as usize,
                        c.patch_size * c.merge_size,
                        c.min_pixels,
                        c.max_pixels,
                    )?;
                    parts.push(ChatPart::Media(media.len()));
                    media.push(Media::SizedImage(at_size(img, w, h, c.resize)));
                }
                Part::VideoFrames { frames, fps } => {
                    let (indices, (h, w)) = video_plan(frames, *fps, model)?;
                    let mut kept = Vec::with_capacity(indices.len());
                    for &i in &indices {
                        stop.check()?;
                        let img = media::decode_until(&frames[i].1, stop)?;
                        kept.push(at_size(img, w, h, model.video.vision.resize));
                    }
                    parts.push(ChatPart::Media(media.len()));
                    media.push(Media::SampledFrames {
                        frames: kept,
                        indices,
                        fps: *fps as f64,
                    });
                }
                Part::DecodedVideo(v) => {
                    let (h, w) = decoded_size(v, model)?;
                    let mut frames = Vec::with_capacity(v.frames.len());
                    for f in &v.frames {
                        stop.check()?;
                        frames.push(at_size(f.clone(), w, h, model.video.vision.resize));
                    }
                    parts.push(ChatPart::Media(media.len()));
                    media.push(Media::TimedFrames {
                        frames,
                        seconds: v.seconds.clone(),
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

/// The image at `w x h`, resized as the engine would when it is not.
fn at_size(img: image::RgbImage, w: usize, h: usize, how: ImageResize) -> image::RgbImage {
    if (img.width() as usize, img.height() as usize) == (w, h) {
        img
    } else {
        preprocess::resize(&img, w, h, how)
    }
}

/// Which frames of a video the model sees, and their shared size, from the first kept frame's
/// header.
fn video_plan(
    frames: &[(String, bytes::Bytes)],
    fps: f32,
    model: &ModelConfig,
) -> Result<(Vec<usize>, (usize, usize))> {
    let v = &model.video;
    if !(fps.is_finite() && fps > 0.0) {
        return Err(Error::invalid(
            "media",
            "cannot decode image: a video needs a positive fps",
        ));
    }
    let indices =
        video::sample_indices(frames.len(), fps as f64, v.fps, v.min_frames, v.max_frames);
    let first = indices
        .first()
        .and_then(|&i| frames.get(i))
        .ok_or(preprocess::PreprocessError::Empty)?;
    let (w, h) = media::dimensions(&first.1)?;
    let size = video::video_resize(indices.len(), h as usize, w as usize, &v.vision)?;
    Ok((indices, size))
}

/// The size the model takes a decoded video's frames at: what they were decoded at when the
/// model's video settings are the ones the video was sampled with.
fn decoded_size(v: &DecodedVideo, model: &ModelConfig) -> Result<(usize, usize)> {
    let size = video::video_resize(
        v.frames.len(),
        v.height as usize,
        v.width as usize,
        &model.video.vision,
    )?;
    Ok(size)
}

/// Visual tokens a part will take, from image headers alone.
fn visual_tokens(part: &Part, model: &ModelConfig) -> Result<usize> {
    match part {
        Part::Image { data, .. } => {
            let c = &model.image;
            let factor = c.patch_size * c.merge_size;
            let (w, h) = media::dimensions(data)?;
            let (h, w) = preprocess::smart_resize(
                h as usize,
                w as usize,
                factor,
                c.min_pixels,
                c.max_pixels,
            )?;
            Ok(h * w / (factor * factor))
        }
        Part::VideoFrames { frames, fps } => {
            let c = &model.video.vision;
            let factor = c.patch_size * c.merge_size;
            let (indices, (h, w)) = video_plan(frames, *fps, model)?;
            let groups = indices.len().div_ceil(c.temporal_patch_size);
            Ok(groups * h * w / (factor * factor))
        }
        Part::DecodedVideo(v) => {
            let c = &model.video.vision;
            let factor = c.patch_size * c.merge_size;
            let (h, w) = decoded_size(v, model)?;
            Ok(v.frames.len().div_ceil(c.temporal_patch_size) * h * w / (factor * factor))
        }
        Part::Text(_) | Part::Video { .. } => Ok(0),
    }
}

impl Backend for OrtBackend {
    fn name(&self) -> &'static str {
        "ort"
    }

    fn video_sampling(&self) -> Option<switchboard_qwen3vl::config::VideoConfig> {
        Some(self.model.video.clone())
    }

    fn generate(&self, request: GenerateRequest, cancel: CancellationToken) -> GenStream {
        let (tx, rx) = mpsc::unbounded_channel();
        let scheduler = self.scheduler.clone();
        let (cpu, model, max_tokens) =
            (self.cpu.clone(), self.model.clone(), self.max_visual_tokens);
        tokio::spawn(async move {
            let flag = Arc::new(AtomicBool::new(false));
            let expert = request.expert.clone();
            let cache_scope = request.cache_scope.clone();
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
            let stop = Stop::new(cancel.clone(), None);
            let converted = cpu
                .run(&stop, move |stop| {
                    convert(&request, &model, max_tokens, stop)
                })
                .await;
            let (messages, media) = match converted {
                Ok(x) => x,
                Err(e) => {
                    let _ = tx.send(Err(e));
                    return;
                }
            };
            let job = Job::Generate(GenJob {
                messages,
                media,
                cache_scope,
                params,
                events: tx.clone(),
                cancel: flag.clone(),
            });
            if let Err(e) = scheduler.push(expert, job) {
                let _ = tx.send(Err(e));
                return;
            }
            // Stop the engine between decode steps when the caller cancels or goes away.
            tokio::select! {
                _ = cancel.cancelled() => flag.store(true, Ordering::Relaxed),
                _ = tx.closed() => flag.store(true, Ordering::Relaxed),
            }
        });
        Box::pin(UnboundedReceiverStream::new(rx))
    }

    fn health(&self) -> BoxFuture<'_, Result<()>> {
        Box::pin(async { Ok(()) })
    }

    /// The prefix (system prompt, the query and its images) runs once on the engine thread
    /// and its KV is copied for each candidate, which prefills only its own turn; the score is
    /// logit(yes) - logit(no) of the next token. Up to `rerank.batch_size` candidates run in
    /// one multi-row decoder call (each row the prefix's KV and its own turn), between the
    /// running batch's decode steps.
    /// With `reason_tokens`, the scoring call keeps each row's KV (its padding cut off) and
    /// each candidate's reason is decoded greedily from it after the answer it gave (yes or no,
    /// whichever scored higher), up to `reason_tokens` tokens, the batch's rows decoding
    /// together one step a turn; a candidate is sent once its reason ends. The scores are
    /// those read without reasons.
    fn score(&self, request: ScoreRequest, cancel: CancellationToken) -> ScoreStream {
        let (tx, rx) = mpsc::unbounded_channel();
        let scheduler = self.scheduler.clone();
        let (cpu, model, max_tokens) =
            (self.cpu.clone(), self.model.clone(), self.max_visual_tokens);
        let batch = self.score_batch;
        let (reason_tokens, deadline) = (request.reason_tokens as usize, request.deadline);
        let answers = self.answer_tokens(&request);
        tokio::spawn(async move {
            let (yes, no) = match answers {
                Ok(x) => x,
                Err(e) => {
                    let _ = tx.send(Err(e));
                    return;
                }
            };
            let flag = Arc::new(AtomicBool::new(false));
            let expert = request.expert.clone();
            let stop = Stop::new(cancel.clone(), None);
            let converted = cpu
                .run(&stop, move |stop| {
                    let as_request = |messages: Vec<crate::engine::Message>| GenerateRequest {
                        messages,
                        sampling: Default::default(),
                        expert: String::new(),
                        cache_scope: None,
                    };
                    let prefix = convert(
                        &as_request(request.prefix.clone()),
                        &model,
                        max_tokens,
                        stop,
                    )?;
                    let mut candidates = Vec::with_capacity(request.candidates.len());
                    for c in &request.candidates {
                        let (mut messages, media) =
                            convert(&as_request(c.clone()), &model, max_tokens, stop)?;
                        // Its media come after the prefix's in the prompt's media list.
                        for m in &mut messages {
                            for part in &mut m.parts {
                                if let ChatPart::Media(i) = part {
                                    *i += prefix.1.len();
                                }
                            }
                        }
                        candidates.push((messages, media));
                    }
                    Ok((prefix, candidates))
                })
                .await;
            let (prefix, candidates) = match converted {
                Ok(x) => x,
                Err(e) => {
                    let _ = tx.send(Err(e));
                    return;
                }
            };
            let job = Job::Score(ScoreJob {
                prefix,
                candidates,
                batch,
                yes,
                no,
                reason_tokens,
                deadline,
                events: tx.clone(),
                cancel: flag.clone(),
            });
            if let Err(e) = scheduler.push(expert, job) {
                let _ = tx.send(Err(e));
                return;
            }
            tokio::select! {
                _ = cancel.cancelled() => flag.store(true, Ordering::Relaxed),
                _ = tx.closed() => flag.store(true, Ordering::Relaxed),
            }
        });
        Box::pin(UnboundedReceiverStream::new(rx))
    }
}

impl OrtBackend {
    /// The token ids of the request's two answers; each must be one token.
    fn answer_tokens(&self, request: &ScoreRequest) -> Result<(u32, u32)> {
        let id = |word: &str| {
            self.tokenizer.token_to_id(word).ok_or_else(|| {
                Error::FailedPrecondition(format!(
                    "the model's tokenizer has no single token {word:?} to score with"
                ))
            })
        };
        Ok((id(&request.yes)?, id(&request.no)?))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn job(tag: &str) -> Job {
        let (events, _) = mpsc::unbounded_channel();
        Job::Generate(GenJob {
            messages: vec![ChatMessage {
                role: "user",
                parts: vec![ChatPart::Text(tag.into())],
            }],
            media: vec![],
            cache_scope: None,
            params: GenerateParams {
                sampler: SamplerConfig::default(),
                max_new_tokens: 1,
                stop: vec![],
            },
            events,
            cancel: Arc::new(AtomicBool::new(false)),
        })
    }

    fn tag(j: &Job) -> String {
        let Job::Generate(j) = j else { unreachable!() };
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
        let order: Vec<String> = (0..5).map(|_| tag(&s.pop().unwrap().1)).collect();
        assert_eq!(order, ["ocr1", "gui1", "math1", "ocr2", "ocr3"]);
        s.close();
        assert!(s.pop().is_none());
    }
}

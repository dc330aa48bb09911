//! Continuous batching: sequences join and leave one running batch between decode steps. Each
//! sequence is prefilled alone (batch 1, in chunks, exactly as `Engine::generate` does), one
//! chunk per tick, so a long prompt holds the running sequences up by one chunk at most; then its
//! cache joins the batch as a new row, and every tick decodes one token for every row at once
//! (the weights are read once for all of them). A row leaves when its sequence ends or is
//! cancelled. Admission keeps the batch within a row cap and a KV byte budget; what the caller
//! cannot admit stays in its own queue. `Continuations` decodes greedy continuations of prompts
//! already prefilled (a re-ranking candidate's reason) the same way, a step at a time.

use std::collections::VecDeque;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};

use crate::engine::{
    Advance, Decoding, Engine, EngineError, GenerateParams, Observer, Outcome, Prefill, Prepared,
};
use crate::session::{BatchCache, Cache};

/// The largest logit difference, relative to the logits' scale, between a row decoded in a
/// padded batch and alone (`Engine::batching_error`) that still counts as batching correctly.
/// Graphs that batch give ~1e-7 (float32 and int4 fixtures); onnxruntime-genai's model-builder
/// decoder, which ignores left padding, gave 0.73 on the bench model.
pub const BATCHING_TOLERANCE: f32 = 1e-2;

/// What a sequence reports as it runs.
pub enum Event<'a> {
    Text(&'a str),
    /// The sequence ended (its reason says how: "stop", "length", "cancelled").
    Done(Outcome),
    Failed(EngineError),
}

#[derive(Debug, Clone, Copy)]
pub struct BatchLimits {
    /// Sequences at once, prefilling ones included; 1 decodes one sequence at a time.
    pub max_rows: usize,
    /// Bytes the batch's KV cache may reach, padding included, were every admitted sequence to
    /// run to its token limit. A sequence alone is always admitted (the request limits bound it).
    pub kv_bytes: usize,
}

struct Running<K> {
    key: K,
    decoding: Decoding,
    delta: i64,
    /// The token to feed at the next step.
    next: u32,
}

struct Prefilling<K> {
    key: K,
    decoding: Decoding,
    delta: i64,
    /// Started on its first tick (the vision encoder runs then).
    prefill: Option<Prefill>,
    prepared: Prepared,
}

/// The running batch and the sequences being prefilled into it. `K` identifies a sequence to the
/// caller.
pub struct Batcher<K> {
    limits: BatchLimits,
    batch: BatchCache,
    running: Vec<Running<K>>,
    prefilling: VecDeque<Prefilling<K>>,
    bytes_per_position: usize,
    observer: Arc<dyn Observer>,
}

impl<K> Batcher<K> {
    pub fn new(engine: &Engine, limits: BatchLimits) -> Batcher<K> {
        let batch = engine.empty_batch();
        Batcher {
            bytes_per_position: batch.bytes_per_position(),
            batch,
            limits: BatchLimits {
                max_rows: limits.max_rows.max(1),
                ..limits
            },
            running: Vec::new(),
            prefilling: VecDeque::new(),
            observer: engine.observer(),
        }
    }

    /// Sequences admitted and not yet ended.
    pub fn len(&self) -> usize {
        self.running.len() + self.prefilling.len()
    }

    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// Rows decoding now.
    pub fn decoding(&self) -> usize {
        self.running.len()
    }

    /// Bytes the batch's KV cache holds now, padding included, with the prefills' caches.
    pub fn kv_bytes(&self) -> usize {
        self.batch.bytes()
            + self
                .prefilling
                .iter()
                .filter_map(|p| p.prefill.as_ref())
                .map(|p| p.cache.bytes())
                .sum::<usize>()
    }

    /// Positions the batch holds, summed over rows (no padding).
    pub fn kv_positions(&self) -> usize {
        (0..self.batch.rows()).map(|r| self.batch.len_of(r)).sum()
    }

    /// Whether a sequence of this prompt and these limits may join now: under the row cap, and
    /// the batch's cache at its largest (every sequence at its token limit, every row padded to
    /// the longest) within the byte budget. An empty batcher admits anything.
    pub fn admits(&self, prepared: &Prepared, params: &GenerateParams) -> bool {
        if self.is_empty() {
            return true;
        }
        if self.len() >= self.limits.max_rows {
            return false;
        }
        let longest = self
            .running
            .iter()
            .map(|r| r.decoding.max_positions())
            .chain(self.prefilling.iter().map(|p| p.decoding.max_positions()))
            .chain([prepared.ids.len() + params.max_new_tokens])
            .max()
            .unwrap_or(0);
        (self.len() + 1) * longest * self.bytes_per_position <= self.limits.kv_bytes
    }

    /// Queues a sequence for prefill. Call `admits` first.
    pub fn admit(
        &mut self,
        key: K,
        prepared: Prepared,
        params: &GenerateParams,
        cancel: Arc<AtomicBool>,
    ) {
        self.observer.sequence_started();
        self.prefilling.push_back(Prefilling {
            key,
            decoding: Decoding::new(&prepared, params, cancel),
            delta: prepared.rope.delta,
            prefill: None,
            prepared,
        });
    }

    /// One tick: a prefill chunk for the first sequence waiting for one, then a decode step for
    /// every running row. Sequences report through `emit`; each ends with `Done` or `Failed`.
    pub fn tick(&mut self, engine: &mut Engine, emit: &mut dyn FnMut(&K, Event)) {
        let observer = self.observer.clone();
        let mut emit = |key: &K, event: Event| {
            match &event {
                Event::Done(o) => observer.sequence_ended(o.positions),
                Event::Failed(_) => observer.sequence_ended(0),
                Event::Text(_) => {}
            }
            emit(key, event)
        };
        self.prefill_chunk(engine, &mut emit);
        let decoded = self.decode_step(engine, &mut emit);
        observer.decoded(decoded);
        observer.kv_cache(self.kv_positions(), self.kv_bytes());
        observer.batch(self.running.len(), self.len());
    }

    fn prefill_chunk(&mut self, engine: &mut Engine, emit: &mut dyn FnMut(&K, Event)) {
        let Some(mut p) = self.prefilling.pop_front() else {
            return;
        };
        if p.decoding.cancel.load(Ordering::Relaxed) {
            let mut text = |t: &str| emit(&p.key, Event::Text(t));
            p.decoding.cancelled(&mut text);
            emit(&p.key, Event::Done(p.decoding.outcome()));
            return;
        }
        let started = match p.prefill.take() {
            Some(pf) => Ok(pf),
            None => engine.begin_prefill(&p.prepared),
        };
        let chunk =
            started.and_then(|mut pf| engine.prefill_chunk(&p.prepared, &mut pf).map(|l| (pf, l)));
        let (pf, logits) = match chunk {
            Err(e) => return emit(&p.key, Event::Failed(e)),
            Ok((pf, None)) => {
                p.prefill = Some(pf);
                self.prefilling.push_front(p);
                return;
            }
            Ok((pf, Some(logits))) => (pf, logits),
        };
        p.decoding.vision_reused = pf.vision_reused;
        p.decoding.cached_tokens = pf.cached;
        p.decoding.positions = pf.cache.len;
        let eos = engine.config.eos_ids.clone();
        let advanced = {
            let key = &p.key;
            let mut text = |t: &str| emit(key, Event::Text(t));
            p.decoding
                .advance(&logits, &engine.tokenizer, &eos, &mut text)
        };
        match advanced {
            Err(e) => emit(&p.key, Event::Failed(e)),
            Ok(Advance::Finished) => emit(&p.key, Event::Done(p.decoding.outcome())),
            Ok(Advance::Next(next)) => match engine.batch_join(&mut self.batch, pf.cache) {
                Err(e) => {
                    emit(&p.key, Event::Failed(e));
                    // A failed join may have left the batch half laid out: the rows fail too.
                    self.fail_all(engine, "the batch could not take a new row", emit);
                }
                Ok(()) => self.running.push(Running {
                    key: p.key,
                    decoding: p.decoding,
                    delta: p.delta,
                    next,
                }),
            },
        }
    }

    /// Returns the tokens the step produced.
    fn decode_step(&mut self, engine: &mut Engine, emit: &mut dyn FnMut(&K, Event)) -> usize {
        // Cancelled rows leave before the step, not after it.
        let cancelled: Vec<usize> = (0..self.running.len())
            .filter(|&r| self.running[r].decoding.cancel.load(Ordering::Relaxed))
            .collect();
        for &r in &cancelled {
            let row = &mut self.running[r];
            let key = &row.key;
            let mut text = |t: &str| emit(key, Event::Text(t));
            row.decoding.cancelled(&mut text);
            emit(&row.key, Event::Done(row.decoding.outcome()));
        }
        self.leave(engine, &cancelled, emit);
        if self.running.is_empty() {
            return 0;
        }
        let before: usize = self.running.iter().map(|r| r.decoding.tokens()).sum();
        let tokens: Vec<u32> = self.running.iter().map(|r| r.next).collect();
        let deltas: Vec<i64> = self.running.iter().map(|r| r.delta).collect();
        let logits = match engine.batch_step(&mut self.batch, &tokens, &deltas) {
            Ok(l) => l,
            Err(e) => {
                let why = format!("a batched decode step failed: {e}");
                self.fail_all(engine, &why, emit);
                return 0;
            }
        };
        let vocab = logits.len() / self.running.len();
        let eos = engine.config.eos_ids.clone();
        let mut ended = Vec::new();
        let mut after = 0;
        for (r, row) in self.running.iter_mut().enumerate() {
            let key = &row.key;
            let mut text = |t: &str| emit(key, Event::Text(t));
            let l = &logits[r * vocab..(r + 1) * vocab];
            row.decoding.positions += 1;
            match row.decoding.advance(l, &engine.tokenizer, &eos, &mut text) {
                Ok(Advance::Next(next)) => row.next = next,
                Ok(Advance::Finished) => {
                    emit(&row.key, Event::Done(row.decoding.outcome()));
                    ended.push(r);
                }
                Err(e) => {
                    emit(&row.key, Event::Failed(e));
                    ended.push(r);
                }
            }
            after += row.decoding.tokens();
        }
        self.leave(engine, &ended, emit);
        after - before
    }

    /// Drops ended rows (already reported) from the batch.
    fn leave(&mut self, engine: &mut Engine, rows: &[usize], emit: &mut dyn FnMut(&K, Event)) {
        if rows.is_empty() {
            return;
        }
        let mut r = 0;
        self.running.retain(|_| {
            r += 1;
            !rows.contains(&(r - 1))
        });
        if let Err(e) = engine.batch_leave(&mut self.batch, rows) {
            let why = format!("the batch could not drop a row: {e}");
            self.fail_all(engine, &why, emit);
        }
    }

    /// Every running row fails (the batch's cache is gone), and the batch starts empty.
    fn fail_all(&mut self, engine: &Engine, why: &str, emit: &mut dyn FnMut(&K, Event)) {
        for row in self.running.drain(..) {
            emit(&row.key, Event::Failed(EngineError::Batch(why.to_string())));
        }
        self.batch = engine.empty_batch();
    }
}

/// Greedy continuations of prompts whose KV is already in hand (a re-ranking candidate's
/// prompt after `Engine::score_batch_caches`): each row feeds its first token, then its argmax,
/// until an end token or `max_new` tokens. Up to `max_rows` rows decode together, one token a
/// `step`; the rest wait and join as rows leave.
pub struct Continuations<K> {
    max_rows: usize,
    max_new: usize,
    batch: BatchCache,
    rows: Vec<Continuing<K>>,
    waiting: VecDeque<(Continuing<K>, Cache)>,
}

struct Continuing<K> {
    key: K,
    delta: i64,
    next: u32,
    tokens: Vec<u32>,
}

impl<K> Continuations<K> {
    pub fn new(engine: &Engine, max_rows: usize, max_new: usize) -> Continuations<K> {
        Continuations {
            max_rows: max_rows.max(1),
            max_new,
            batch: engine.empty_batch(),
            rows: Vec::new(),
            waiting: VecDeque::new(),
        }
    }

    /// Queues a row: its prompt's cache, its rope delta, and the token it feeds first (not
    /// counted among its new tokens).
    pub fn push(&mut self, key: K, cache: Cache, delta: i64, first: u32) {
        let row = Continuing {
            key,
            delta,
            next: first,
            tokens: Vec::new(),
        };
        self.waiting.push_back((row, cache));
    }

    /// Rows queued or decoding.
    pub fn len(&self) -> usize {
        self.rows.len() + self.waiting.len()
    }

    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// Ends every row, decoding or waiting, with the tokens it has (a deadline came).
    pub fn finish(&mut self, engine: &Engine) -> Vec<(K, Vec<u32>)> {
        self.batch = engine.empty_batch();
        let waiting = std::mem::take(&mut self.waiting)
            .into_iter()
            .map(|(r, _)| r);
        std::mem::take(&mut self.rows)
            .into_iter()
            .chain(waiting)
            .map(|r| (r.key, r.tokens))
            .collect()
    }

    /// Joins waiting rows while there is room, decodes one token for every row, and returns
    /// the rows that ended with their new tokens (an end token is not among them).
    pub fn step(&mut self, engine: &mut Engine) -> Result<Vec<(K, Vec<u32>)>, EngineError> {
        let mut ended = Vec::new();
        while self.rows.len() < self.max_rows {
            let Some((row, cache)) = self.waiting.pop_front() else {
                break;
            };
            if self.max_new == 0 {
                ended.push((row.key, row.tokens));
                continue;
            }
            engine.batch_join(&mut self.batch, cache)?;
            self.rows.push(row);
        }
        if self.rows.is_empty() {
            return Ok(ended);
        }
        let tokens: Vec<u32> = self.rows.iter().map(|r| r.next).collect();
        let deltas: Vec<i64> = self.rows.iter().map(|r| r.delta).collect();
        let logits = engine.batch_step(&mut self.batch, &tokens, &deltas)?;
        let vocab = logits.len() / self.rows.len();
        let mut leaving = Vec::new();
        for (i, row) in self.rows.iter_mut().enumerate() {
            let t = crate::sampler::argmax(&logits[i * vocab..(i + 1) * vocab]);
            if engine.config.eos_ids.contains(&t) {
                leaving.push(i);
                continue;
            }
            row.tokens.push(t);
            row.next = t;
            if row.tokens.len() >= self.max_new {
                leaving.push(i);
            }
        }
        if !leaving.is_empty() {
            engine.batch_leave(&mut self.batch, &leaving)?;
            // Highest index first, so the lower ones stay in place.
            for &i in leaving.iter().rev() {
                let row = self.rows.remove(i);
                ended.push((row.key, row.tokens));
            }
        }
        Ok(ended)
    }
}

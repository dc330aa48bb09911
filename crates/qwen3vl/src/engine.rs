//! One loaded Qwen3-VL: turns a chat with images and videos into a prompt (preprocessing,
//! template, vision features merged into the pad rows, 3-D positions), prefills it in chunks,
//! and decodes with the KV cache, sampling and streaming text. Synchronous and CPU/GPU-bound:
//! it runs on the engine's own thread, never on the async workers.

use std::collections::HashMap;
use std::path::PathBuf;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};

use image::RgbImage;
use tokenizers::Tokenizer;

use crate::config::ModelConfig;
use crate::prefix_cache::{self, PrefixCache};
use crate::preprocess::{self, ImageResize, Patches, PreprocessError};
use crate::prompt::{self, StopMatcher, TextStream, VideoLayout};
use crate::rope::{self, RopeIndex};
use crate::sampler::{Sampler, SamplerConfig};
use crate::session::{BatchCache, Cache, Graphs, Provider, Runtime, SessionError, VisionOutput};
use crate::video;
use crate::vision_cache::{self, VisionCache};

#[derive(Debug, thiserror::Error)]
pub enum EngineError {
    #[error(transparent)]
    Session(#[from] SessionError),
    #[error("{0}")]
    Preprocess(#[from] PreprocessError),
    #[error("{0}")]
    Tokenize(#[from] prompt::TokenizeError),
    #[error("{0}")]
    Rope(#[from] rope::RopeError),
    #[error("{0}")]
    Config(String),
    #[error("{0}")]
    Input(String),
    #[error("cancelled")]
    Cancelled,
    /// The running batch failed as a whole (a decode step, a join or a leave).
    #[error("{0}")]
    Batch(String),
}

type Result<T> = std::result::Result<T, EngineError>;

#[derive(Debug, Clone)]
pub struct EngineOptions {
    pub model_dir: PathBuf,
    /// libonnxruntime.so.
    pub library: PathBuf,
    /// tokenizer.json; default: the model folder's, if it has one.
    pub tokenizer: Option<PathBuf>,
    pub provider: Provider,
    /// Intra-op threads; 0 lets ONNX Runtime choose.
    pub threads: usize,
    /// Dtype suffix of transformers.js files ("q4", "fp16"); empty for the plain ones.
    pub variant: String,
    /// Prefill at most this many tokens per decoder call (bounds the logits buffer).
    pub prefill_chunk: usize,
    /// How images are resampled (videos always as torchvision does).
    pub image_resize: ImageResize,
    /// Bytes of vision features kept for reuse (`vision_cache`); 0 turns reuse off.
    pub vision_cache_bytes: usize,
    /// Bytes of prompt-prefix KV kept for reuse within a cache scope (`prefix_cache`); 0 turns
    /// reuse off.
    pub prefix_cache_bytes: usize,
    pub video_layout: VideoLayout,
}

/// Media of a request, decoded.
#[derive(Debug, Clone)]
pub enum Media {
    Image(RgbImage),
    /// An image already resized to what `preprocess::smart_resize` gives for its original
    /// size (the server resizes as soon as it decodes, to bound memory). It is not resized
    /// again: smart_resize is not idempotent (a 640x24 strip becomes 384x32, which it would
    /// take to 416x32).
    SizedImage(RgbImage),
    /// Frames shot at `fps` (before sampling).
    Frames {
        frames: Vec<RgbImage>,
        fps: f64,
    },
    /// The frames sampling kept (`indices` into the video's frames shot at `fps`), already at
    /// their shared size (`video::video_resize`): decoding only these, and shrinking each at
    /// once, keeps a long video's memory to what the model sees.
    SampledFrames {
        frames: Vec<RgbImage>,
        indices: Vec<usize>,
        fps: f64,
    },
    /// Frames already sampled and at their shared size, each with its presentation time in
    /// seconds (a decoded video file: variable rates and start offsets are in the times).
    TimedFrames {
        frames: Vec<RgbImage>,
        seconds: Vec<f64>,
    },
}

#[derive(Debug, Clone)]
pub enum ChatPart {
    Text(String),
    /// Index into the request's media.
    Media(usize),
}

#[derive(Debug, Clone)]
pub struct ChatMessage {
    pub role: &'static str,
    pub parts: Vec<ChatPart>,
}

/// A prompt ready for the model.
#[derive(Debug, Clone)]
pub struct Prepared {
    pub ids: Vec<u32>,
    pub rope: RopeIndex,
    /// Per image, in prompt order.
    pub image_patches: Vec<Patches>,
    /// Per video: frame-group patches (grid t = groups) and timestamps.
    pub video_patches: Vec<(Patches, Vec<f64>)>,
    /// Who may reuse this prompt's vision features across calls (the server gives the
    /// session); `None`: only within this call.
    pub cache_scope: Option<String>,
}

#[derive(Debug, Clone, Default, PartialEq)]
pub struct Outcome {
    pub tokens: Vec<u32>,
    pub prompt_tokens: usize,
    /// "stop" (end token or stop sequence), "length", or "cancelled".
    pub reason: &'static str,
    /// Images and videos whose vision features were reused rather than encoded.
    pub vision_reused: u64,
    /// Prompt tokens whose KV came from the prefix cache instead of a prefill.
    pub cached_tokens: usize,
    /// KV-cache positions the sequence held at its end (the last sampled token is never fed).
    pub positions: usize,
}

pub struct GenerateParams {
    pub sampler: SamplerConfig,
    pub max_new_tokens: usize,
    pub stop: Vec<String>,
}

/// What the engine reports as it runs, for the caller's metrics. Every method defaults to
/// nothing; `()` observes nothing.
pub trait Observer: Send + Sync {
    /// A sequence starts (its prefill begins).
    fn sequence_started(&self) {}
    /// The KV cache now holds `positions` positions in `bytes` bytes (the running batch's and
    /// the prefills', padding included); (0, 0) once nothing runs.
    fn kv_cache(&self, positions: usize, bytes: usize) {
        let _ = (positions, bytes);
    }
    /// A sequence ended, however it ended, holding `positions` positions at the end (prompt plus
    /// output; 0 when it ended before its prefill did).
    fn sequence_ended(&self, positions: usize) {
        let _ = positions;
    }
    /// The running batch after a step: rows decoding, and sequences admitted in all
    /// (prefilling ones included).
    fn batch(&self, rows: usize, sequences: usize) {
        let _ = (rows, sequences);
    }
    /// A prompt was looked up in the prefix cache: `cached` of its positions were found (0: a
    /// miss).
    fn prefix_lookup(&self, cached: usize) {
        let _ = cached;
    }
    /// Tokens a decode step produced (one per row that got one).
    fn decoded(&self, tokens: usize) {
        let _ = tokens;
    }
    /// An image or video went to the vision encoder (`reused`: its features came from the
    /// cache instead).
    fn vision_encoded(&self, reused: bool) {
        let _ = reused;
    }
}

impl Observer for () {}

pub struct Engine {
    pub config: ModelConfig,
    pub tokenizer: Tokenizer,
    graphs: Graphs,
    options: EngineOptions,
    observer: Arc<dyn Observer>,
    vision_cache: VisionCache,
    vision_stats: VisionStats,
    prefix_cache: PrefixCache,
}

/// How often the vision encoder ran, and how often its features were reused instead.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct VisionStats {
    pub runs: u64,
    pub reused: u64,
}

impl Engine {
    /// Loads the model with nothing observing it.
    pub fn load(options: EngineOptions) -> Result<Engine> {
        Self::load_observed(options, Arc::new(()))
    }

    /// Loads the model; `observer` hears of every sequence it runs.
    pub fn load_observed(options: EngineOptions, observer: Arc<dyn Observer>) -> Result<Engine> {
        let mut config = ModelConfig::load(&options.model_dir).map_err(EngineError::Config)?;
        config.image.resize = options.image_resize;
        let tok_path = options
            .tokenizer
            .clone()
            .unwrap_or_else(|| options.model_dir.join("tokenizer.json"));
        let tokenizer = Tokenizer::from_file(&tok_path)
            .map_err(|e| EngineError::Config(format!("tokenizer {}: {e}", tok_path.display())))?;
        let runtime = Runtime::load(&options.library).map_err(SessionError::from)?;
        let graphs = Graphs::load(
            &runtime,
            &options.model_dir,
            &config,
            options.provider,
            options.threads,
            &options.variant,
        )?;
        let vision_cache = VisionCache::new(options.vision_cache_bytes);
        let prefix_cache = PrefixCache::new(options.prefix_cache_bytes);
        Ok(Engine {
            prefix_cache,
            config,
            tokenizer,
            graphs,
            options,
            observer,
            vision_cache,
            vision_stats: VisionStats::default(),
        })
    }

    /// How often the vision encoder ran and how often its features were reused, since load.
    pub fn vision_stats(&self) -> VisionStats {
        self.vision_stats
    }

    /// The encoder's output for these rows, reused when this call (`local`) or, with a scope,
    /// an earlier call of the same scope already computed it.
    fn encode(
        &mut self,
        scope: Option<&str>,
        local: &mut HashMap<vision_cache::Key, Arc<VisionOutput>>,
        pixels: &[f32],
        row_len: usize,
        grids: &[[usize; 3]],
    ) -> Result<Arc<VisionOutput>> {
        if self.options.vision_cache_bytes == 0 {
            self.vision_stats.runs += 1;
            self.observer.vision_encoded(false);
            let out = self.graphs.vision(pixels.to_vec(), row_len, grids)?;
            return Ok(Arc::new(out));
        }
        let key = vision_cache::key(scope.unwrap_or(""), pixels, row_len, grids);
        let hit = match local.get(&key) {
            Some(out) => Some(out.clone()),
            None => scope.and_then(|_| self.vision_cache.get(&key)),
        };
        if let Some(out) = hit {
            self.vision_stats.reused += 1;
            self.observer.vision_encoded(true);
            local.insert(key, out.clone());
            return Ok(out);
        }
        let out = Arc::new(self.graphs.vision(pixels.to_vec(), row_len, grids)?);
        self.vision_stats.runs += 1;
        local.insert(key, out.clone());
        if scope.is_some() {
            self.vision_cache.insert(key, out.clone());
        }
        self.observer.vision_encoded(false);
        Ok(out)
    }

    pub fn has_deepstack(&self) -> bool {
        self.graphs.has_deepstack
    }

    /// Preprocesses media and renders the chat into ids and positions.
    pub fn prepare(&self, messages: &[ChatMessage], media: &[Media]) -> Result<Prepared> {
        let c = &self.config;
        let merge2 = c.merge_size * c.merge_size;
        let mut image_patches = Vec::new();
        let mut video_patches = Vec::new();
        let mut turns = Vec::new();
        for m in messages {
            let mut parts = Vec::new();
            for p in &m.parts {
                match p {
                    ChatPart::Text(t) => parts.push(prompt::Part::Text(t.clone())),
                    ChatPart::Media(i) => match media
                        .get(*i)
                        .ok_or_else(|| EngineError::Input(format!("no media #{i}")))?
                    {
                        m @ (Media::Image(img) | Media::SizedImage(img)) => {
                            let patches = if matches!(m, Media::SizedImage(_)) {
                                preprocess::sized_image_patches(img, &c.image)?
                            } else {
                                preprocess::image_patches(img, &c.image)?
                            };
                            let [t, h, w] = patches.grid;
                            parts.push(prompt::Part::Image {
                                tokens: t * h * w / merge2,
                            });
                            image_patches.push(patches);
                        }
                        Media::Frames { frames, fps } => {
                            let video = self.video_patches(frames, *fps)?;
                            parts.push(video_part(&video, merge2));
                            video_patches.push(video);
                        }
                        Media::SampledFrames {
                            frames,
                            indices,
                            fps,
                        } => {
                            let video = self.sampled_video_patches(frames, indices, *fps)?;
                            parts.push(video_part(&video, merge2));
                            video_patches.push(video);
                        }
                        Media::TimedFrames { frames, seconds } => {
                            let video = self.timed_video_patches(frames, seconds)?;
                            parts.push(video_part(&video, merge2));
                            video_patches.push(video);
                        }
                    },
                }
            }
            turns.push(prompt::Turn {
                role: m.role,
                parts,
            });
        }
        let ids = prompt::render(&self.tokenizer, &turns, true, self.options.video_layout)?;
        let image_grids: Vec<[usize; 3]> = image_patches.iter().map(|p| p.grid).collect();
        let video_grids: Vec<[usize; 3]> = video_patches.iter().map(|(p, _)| p.grid).collect();
        let rope = rope::rope_index(
            &ids,
            c.image_token_id,
            c.video_token_id,
            &image_grids,
            &video_grids,
            c.merge_size,
        )?;
        Ok(Prepared {
            ids,
            rope,
            image_patches,
            video_patches,
            cache_scope: None,
        })
    }

    fn video_patches(&self, frames: &[RgbImage], fps: f64) -> Result<(Patches, Vec<f64>)> {
        let v = &self.config.video;
        if frames.is_empty() || !fps.is_finite() || fps <= 0.0 {
            return Err(EngineError::Input(
                "a video needs frames and a positive fps".into(),
            ));
        }
        let idx = video::sample_indices(frames.len(), fps, v.fps, v.min_frames, v.max_frames);
        let kept: Vec<RgbImage> = idx.iter().map(|&i| frames[i].clone()).collect();
        let (h, w) = video::video_resize(
            kept.len(),
            kept[0].height() as usize,
            kept[0].width() as usize,
            &v.vision,
        )?;
        let patches = preprocess::frames_to_patches(&kept, h, w, &v.vision);
        let stamps = video::group_timestamps(&idx, fps, v.vision.temporal_patch_size);
        Ok((patches, stamps))
    }

    /// Patches of frames that are already sampled and at their shared size.
    fn sampled_video_patches(
        &self,
        frames: &[RgbImage],
        indices: &[usize],
        fps: f64,
    ) -> Result<(Patches, Vec<f64>)> {
        let v = &self.config.video;
        let first = match frames.first() {
            Some(f) if frames.len() == indices.len() && fps.is_finite() && fps > 0.0 => f,
            _ => {
                return Err(EngineError::Input(
                    "sampled video frames need one index each and a positive fps".into(),
                ));
            }
        };
        let (h, w) = (first.height() as usize, first.width() as usize);
        let patches = preprocess::frames_to_patches(frames, h, w, &v.vision);
        let stamps = video::group_timestamps(indices, fps, v.vision.temporal_patch_size);
        Ok((patches, stamps))
    }

    fn timed_video_patches(
        &self,
        frames: &[RgbImage],
        seconds: &[f64],
    ) -> Result<(Patches, Vec<f64>)> {
        let v = &self.config.video;
        let first = match frames.first() {
            Some(f) if frames.len() == seconds.len() => f,
            _ => {
                return Err(EngineError::Input(
                    "timed video frames need one time each".into(),
                ));
            }
        };
        let (h, w) = (first.height() as usize, first.width() as usize);
        let patches = preprocess::frames_to_patches(frames, h, w, &v.vision);
        let stamps = video::group_times(seconds, v.vision.temporal_patch_size);
        Ok((patches, stamps))
    }

    /// Input embeddings with vision rows merged in, and the DeepStack levels (zeros on text).
    pub fn embed_prompt(&mut self, p: &Prepared) -> Result<(Vec<f32>, Vec<Vec<f32>>)> {
        let embeds = self.graphs.embed(&p.ids)?;
        let mut vision = VisionRows::default();
        while self.encode_next(p, &mut vision)? {}
        self.merge_vision(p, embeds, &vision)
    }

    /// Runs the vision encoder on the prompt's next image or video not yet encoded; false once
    /// every one is.
    fn encode_next(&mut self, p: &Prepared, rows: &mut VisionRows) -> Result<bool> {
        let scope = p.cache_scope.as_deref();
        let before = self.vision_stats.reused;
        if let Some(patch) = p.image_patches.get(rows.images.len()) {
            let row_len = Patches::row_len(&self.config.image);
            let out = self.encode(
                scope,
                &mut rows.local,
                &patch.values,
                row_len,
                &[patch.grid],
            )?;
            rows.images.push(out);
        } else if let Some((patch, _)) = p.video_patches.get(rows.videos.len()) {
            let row_len = Patches::row_len(&self.config.video.vision);
            let [t, h, w] = patch.grid;
            // Each frame group is its own block (attention never crosses groups), so it is
            // encoded as t images of (1, h, w).
            let grids = vec![[1, h, w]; t];
            let out = self.encode(scope, &mut rows.local, &patch.values, row_len, &grids)?;
            rows.videos.push(out);
        } else {
            return Ok(false);
        }
        rows.reused += self.vision_stats.reused - before;
        Ok(true)
    }

    /// The prompt's token embeddings with its vision rows written over the pad rows, and the
    /// DeepStack levels.
    fn merge_vision(
        &self,
        p: &Prepared,
        mut embeds: Vec<f32>,
        vision: &VisionRows,
    ) -> Result<(Vec<f32>, Vec<Vec<f32>>)> {
        let hsz = self.graphs.hidden;
        let (image_rows, video_rows) = (&vision.images, &vision.videos);
        let n = p.ids.len();
        let levels = if self.graphs.has_deepstack { 3 } else { 0 };
        let mut deepstack = vec![vec![0f32; n * hsz]; levels];
        let mut fill = |outs: &[Arc<VisionOutput>], pad: u32, what: &str| -> Result<()> {
            let (mut which, mut row) = (0usize, 0usize);
            for (pos, &id) in p.ids.iter().enumerate() {
                if id != pad {
                    continue;
                }
                while which < outs.len() && row * hsz >= outs[which].features.len() {
                    which += 1;
                    row = 0;
                }
                let out = outs
                    .get(which)
                    .ok_or_else(|| EngineError::Input(format!("more {what} pads than features")))?;
                embeds[pos * hsz..(pos + 1) * hsz]
                    .copy_from_slice(&out.features[row * hsz..(row + 1) * hsz]);
                for (lvl, dst) in deepstack.iter_mut().enumerate() {
                    if let Some(src) = out.deepstack.get(lvl) {
                        dst[pos * hsz..(pos + 1) * hsz]
                            .copy_from_slice(&src[row * hsz..(row + 1) * hsz]);
                    }
                }
                row += 1;
            }
            let used_all = outs.iter().skip(which + 1).all(|o| o.features.is_empty())
                && outs
                    .get(which)
                    .is_none_or(|o| row * hsz == o.features.len());
            if !used_all {
                return Err(EngineError::Input(format!(
                    "{what} features and pad tokens differ in number"
                )));
            }
            Ok(())
        };
        fill(image_rows, self.config.image_token_id, "image")?;
        fill(video_rows, self.config.video_token_id, "video")?;
        Ok((embeds, deepstack))
    }

    /// Runs the prompt through the decoder in chunks; returns the last position's logits.
    pub fn prefill(&mut self, p: &Prepared) -> Result<(Vec<f32>, Cache)> {
        let (embeds, deepstack) = self.embed_prompt(p)?;
        let mut cache = self.graphs.empty_cache()?;
        let logits = self.run_chunks(embeds, deepstack, &p.rope.positions, &mut cache, 0)?;
        Ok((logits, cache))
    }

    fn run_chunks(
        &mut self,
        embeds: Vec<f32>,
        deepstack: Vec<Vec<f32>>,
        positions: &[Vec<i64>; 3],
        cache: &mut Cache,
        from: usize,
    ) -> Result<Vec<f32>> {
        let n = positions[0].len();
        let chunk = self.options.prefill_chunk.max(1);
        let mut start = from;
        let mut logits = Vec::new();
        while start < n {
            let end = (start + chunk).min(n);
            logits = self.run_chunk(&embeds, &deepstack, positions, cache, start, end)?;
            start = end;
        }
        Ok(logits)
    }

    /// Positions `start..end` of a prompt through the decoder; the last one's logits.
    fn run_chunk(
        &mut self,
        embeds: &[f32],
        deepstack: &[Vec<f32>],
        positions: &[Vec<i64>; 3],
        cache: &mut Cache,
        start: usize,
        end: usize,
    ) -> Result<Vec<f32>> {
        let hsz = self.graphs.hidden;
        let e = embeds[start * hsz..end * hsz].to_vec();
        let ds = if deepstack.is_empty() {
            None
        } else {
            Some(
                deepstack
                    .iter()
                    .map(|l| l[start * hsz..end * hsz].to_vec())
                    .collect(),
            )
        };
        let pos = [
            &positions[0][start..end],
            &positions[1][start..end],
            &positions[2][start..end],
        ];
        Ok(self.graphs.decode(e, pos, ds, cache, 1)?)
    }

    /// Logits for one new token after the cache.
    pub fn step(&mut self, token: u32, delta: i64, cache: &mut Cache) -> Result<Vec<f32>> {
        let e = self.graphs.embed(&[token])?;
        let p = cache.len as i64 + delta;
        Ok(self.graphs.decode(e, [&[p], &[p], &[p]], None, cache, 1)?)
    }

    /// Logits of the last position of `prompt + extra`, in one pass with no cache reuse.
    pub fn full_forward(&mut self, p: &Prepared, extra: &[u32]) -> Result<Vec<f32>> {
        let (mut embeds, mut deepstack) = self.embed_prompt(p)?;
        let hsz = self.graphs.hidden;
        let n = p.ids.len();
        let mut positions = p.rope.positions.clone();
        for (i, &t) in extra.iter().enumerate() {
            embeds.extend(self.graphs.embed(&[t])?);
            for l in &mut deepstack {
                l.extend(std::iter::repeat_n(0.0, hsz));
            }
            let v = (n + i) as i64 + p.rope.delta;
            for row in &mut positions {
                row.push(v);
            }
        }
        let mut cache = self.graphs.empty_cache()?;
        let saved = self.options.prefill_chunk;
        self.options.prefill_chunk = usize::MAX;
        let r = self.run_chunks(embeds, deepstack, &positions, &mut cache, 0);
        self.options.prefill_chunk = saved;
        r
    }

    /// Generates: calls `on_text` with each new piece of text; stops at an end token, a stop
    /// sequence, `max_new_tokens`, or when `cancel` is set (checked between decode steps).
    pub fn generate(
        &mut self,
        p: &Prepared,
        params: &GenerateParams,
        cancel: &Arc<AtomicBool>,
        mut on_text: impl FnMut(&str),
    ) -> Result<Outcome> {
        let observer = self.observer.clone();
        let mut sequence = Sequence::start(observer.as_ref());
        let mut pf = self.begin_prefill(p)?;
        let mut logits = loop {
            if let Some(l) = self.prefill_chunk(p, &mut pf)? {
                break l;
            }
        };
        let mut state = Decoding::new(p, params, cancel.clone());
        state.vision_reused = pf.vision_reused;
        state.cached_tokens = pf.cached;
        let mut cache = pf.cache;
        sequence.holds(&cache);
        state.positions = cache.len;
        loop {
            match state.advance(&logits, &self.tokenizer, &self.config.eos_ids, &mut on_text)? {
                Advance::Next(token) => {
                    logits = self.step(token, p.rope.delta, &mut cache)?;
                    sequence.holds(&cache);
                    state.positions = cache.len;
                }
                Advance::Finished => return Ok(state.outcome()),
            }
        }
    }

    /// Starts a chunked prefill: the prompt's embeddings (vision encoded), positions and an
    /// empty cache. `prefill_chunk` then runs it one chunk at a time.
    /// With a cache scope and `prefix_cache_bytes`, the longest prefix of the prompt that the
    /// prefix cache holds is copied in and only the rest is prefilled. The vision encoder runs
    /// later, one image or video per `prefill_chunk` call.
    pub fn begin_prefill(&mut self, p: &Prepared) -> Result<Prefill> {
        let embeds = self.graphs.embed(&p.ids)?;
        let keys = match &p.cache_scope {
            Some(scope) if self.prefix_cache.enabled() => prefix_cache::block_keys(
                scope,
                p,
                self.config.image_token_id,
                self.config.video_token_id,
            ),
            _ => Vec::new(),
        };
        let (kv_heads, head_dim) = self.graphs.kv_layout();
        let (cache, cached) = match self.prefix_cache.longest(&keys, kv_heads, head_dim) {
            Some(hit) => (self.graphs.cache_from_host(hit.values, hit.len)?, hit.len),
            None => (self.graphs.empty_cache()?, 0),
        };
        if !keys.is_empty() {
            self.observer.prefix_lookup(cached);
        }
        Ok(Prefill {
            vision_reused: 0,
            embeds,
            deepstack: Vec::new(),
            vision: Some(VisionRows::default()),
            positions: p.rope.positions.clone(),
            cache,
            done: cached,
            cached,
            keys,
        })
    }

    /// The next step of a prefill begun for `p`: one vision encoder run while any image or video
    /// is left, then one chunk of the prompt through the decoder. The last position's logits
    /// once the prompt is in.
    pub fn prefill_chunk(&mut self, p: &Prepared, pf: &mut Prefill) -> Result<Option<Vec<f32>>> {
        if let Some(mut vision) = pf.vision.take() {
            if self.encode_next(p, &mut vision)? {
                pf.vision = Some(vision);
                return Ok(None);
            }
            pf.vision_reused = vision.reused;
            let (embeds, deepstack) =
                self.merge_vision(p, std::mem::take(&mut pf.embeds), &vision)?;
            pf.embeds = embeds;
            pf.deepstack = deepstack;
        }
        let n = pf.positions[0].len();
        if n == 0 {
            return Err(EngineError::Input("an empty prompt".into()));
        }
        let end = (pf.done + self.options.prefill_chunk.max(1)).min(n);
        let logits = self.run_chunk(
            &pf.embeds,
            &pf.deepstack,
            &pf.positions,
            &mut pf.cache,
            pf.done,
            end,
        )?;
        pf.done = end;
        if end < n {
            return Ok(None);
        }
        // Keep the prompt's whole blocks for the next sequence that starts the same way.
        let len = pf.keys.len() * prefix_cache::BLOCK;
        if len > pf.cached {
            let values = self.graphs.cache_to_host(&pf.cache, len)?;
            self.prefix_cache
                .insert(std::mem::take(&mut pf.keys), values, len);
        }
        Ok(Some(logits))
    }

    /// A batch with no rows, for continuous batching (`batch::Batcher`).
    pub fn empty_batch(&self) -> BatchCache {
        self.graphs.empty_batch()
    }

    pub fn batch_join(&mut self, batch: &mut BatchCache, cache: Cache) -> Result<()> {
        Ok(self.graphs.batch_join(batch, cache)?)
    }

    pub fn batch_leave(&mut self, batch: &mut BatchCache, rows: &[usize]) -> Result<()> {
        Ok(self.graphs.batch_leave(batch, rows)?)
    }

    /// One decode step of every row: row r feeds `tokens[r]` at its own next position (its
    /// length plus `deltas[r]`, its rope delta). Returns `rows x vocab` logits.
    pub fn batch_step(
        &mut self,
        batch: &mut BatchCache,
        tokens: &[u32],
        deltas: &[i64],
    ) -> Result<Vec<f32>> {
        let e = self.graphs.embed(tokens)?;
        let positions: Vec<i64> = deltas
            .iter()
            .enumerate()
            .map(|(r, d)| batch.len_of(r) as i64 + d)
            .collect();
        Ok(self.graphs.decode_batch(e, &positions, batch)?)
    }

    /// What the last decoder call moved between host and device memory.
    pub fn last_transfer(&self) -> crate::session::Transfer {
        self.graphs.last_transfer()
    }

    /// Checks that this decoder batches rows of different lengths correctly: two short text
    /// prompts of different lengths are decoded one step alone and one step batched (the
    /// shorter row padded on its left). Returns the largest logit difference, relative to the
    /// logits' scale. Some exports ignore the attention mask during decode (onnxruntime-genai's
    /// GroupQueryAttention graphs take sequence lengths from the mask as if it had no left
    /// padding); theirs comes out of order 1, a graph that batches comes out near 1e-6.
    pub fn batching_error(&mut self) -> Result<f32> {
        let text = |t: &str| ChatMessage {
            role: "user",
            parts: vec![ChatPart::Text(t.into())],
        };
        let prompts = [
            self.prepare(&[text("Hi")], &[])?,
            self.prepare(
                &[text("Tell me a short story about a lighthouse keeper.")],
                &[],
            )?,
        ];
        let mut batch = self.empty_batch();
        let mut alone = Vec::new();
        let mut tokens = Vec::new();
        for p in &prompts {
            let (logits, mut cache) = self.prefill(p)?;
            let t = crate::sampler::argmax(&logits);
            let (_, again) = self.prefill(p)?;
            alone.push(self.step(t, p.rope.delta, &mut cache)?);
            self.batch_join(&mut batch, again)?;
            tokens.push(t);
        }
        let deltas: Vec<i64> = prompts.iter().map(|p| p.rope.delta).collect();
        let batched = self.batch_step(&mut batch, &tokens, &deltas)?;
        let vocab = batched.len() / prompts.len();
        let mut worst = 0f32;
        for (r, a) in alone.iter().enumerate() {
            let scale = 1.0 + a.iter().fold(0f32, |m, x| m.max(x.abs()));
            let d = a
                .iter()
                .zip(&batched[r * vocab..(r + 1) * vocab])
                .fold(0f32, |m, (x, y)| m.max((x - y).abs()));
            worst = worst.max(if d.is_finite() {
                d / scale
            } else {
                f32::INFINITY
            });
        }
        Ok(worst)
    }

    /// Runs the first `shared` positions of `p` (a prompt every later one starts with, and the
    /// images inside them) through the decoder once, for `score_after`. Its KV is kept on the
    /// host, so each prompt scored after it starts from a copy. `shared` must end outside any
    /// image, hold no video, and leave at least one position of `p` after it.
    pub fn score_prefix(&mut self, p: &Prepared, shared: usize) -> Result<PrefixState> {
        let n = p.ids.len();
        if shared == 0 || shared >= n {
            return Err(EngineError::Input(format!(
                "a shared prefix of {shared} of {n} positions"
            )));
        }
        let (image, video) = (self.config.image_token_id, self.config.video_token_id);
        if p.ids[shared - 1] == image && p.ids[shared] == image {
            return Err(EngineError::Input(
                "the shared prefix ends inside an image".into(),
            ));
        }
        if p.ids[..shared].contains(&video) {
            return Err(EngineError::Input("a shared prefix with a video".into()));
        }
        // The images whose pads lie in the prefix are the first ones of the prompt.
        let merge2 = self.config.merge_size * self.config.merge_size;
        let mut pads = p.ids[..shared].iter().filter(|&&t| t == image).count();
        let mut images = 0;
        while pads > 0 {
            let Some(patch) = p.image_patches.get(images) else {
                return Err(EngineError::Input("more image pads than images".into()));
            };
            let [t, h, w] = patch.grid;
            pads = pads.saturating_sub(t * h * w / merge2);
            images += 1;
        }
        let prefix = Prepared {
            ids: p.ids[..shared].to_vec(),
            rope: RopeIndex {
                positions: std::array::from_fn(|r| p.rope.positions[r][..shared].to_vec()),
                delta: p.rope.delta,
            },
            image_patches: p.image_patches[..images].to_vec(),
            video_patches: Vec::new(),
            cache_scope: None,
        };
        let embeds = self.graphs.embed(&prefix.ids)?;
        let mut vision = VisionRows::default();
        while self.encode_next(&prefix, &mut vision)? {}
        let (embeds, deepstack) = self.merge_vision(&prefix, embeds, &vision)?;
        let mut cache = self.graphs.empty_cache()?;
        let positions = prefix.rope.positions.clone();
        self.run_chunks(embeds, deepstack, &positions, &mut cache, 0)?;
        let values = self.graphs.cache_to_host(&cache, shared)?;
        Ok(PrefixState {
            ids: prefix.ids,
            values,
            images: vision.images,
        })
    }

    /// The next-token logits at the end of `p`, which starts with the prefix `state` ran: its
    /// KV is copied in, its images are not encoded again, and only the rest is prefilled.
    pub fn score_after(&mut self, state: &PrefixState, p: &Prepared) -> Result<Vec<f32>> {
        Ok(self.score_after_cache(state, p)?.0)
    }

    /// `score_after` that also returns the prompt's KV, to decode after it
    /// (`batch::Continuations`).
    pub fn score_after_cache(
        &mut self,
        state: &PrefixState,
        p: &Prepared,
    ) -> Result<(Vec<f32>, Cache)> {
        let shared = state.ids.len();
        if p.ids.len() <= shared || p.ids[..shared] != state.ids[..] {
            return Err(EngineError::Input(
                "the prompt does not start with the scored prefix".into(),
            ));
        }
        let embeds = self.graphs.embed(&p.ids)?;
        let mut vision = VisionRows {
            images: state.images.clone(),
            ..VisionRows::default()
        };
        while self.encode_next(p, &mut vision)? {}
        let (embeds, deepstack) = self.merge_vision(p, embeds, &vision)?;
        let mut cache = self.graphs.cache_from_host(state.values.clone(), shared)?;
        let logits = self.run_chunks(embeds, deepstack, &p.rope.positions, &mut cache, shared)?;
        Ok((logits, cache))
    }

    /// How many of `ps` (prompts that start with `state`'s prefix), from the first, go into
    /// one `score_batch` call: at most `max_rows`, and rows times the longest one's own
    /// positions within `prefill_chunk`, the bound one prefill chunk puts on the logits
    /// buffer. At least one while any is left.
    pub fn score_batch_len(&self, state: &PrefixState, ps: &[Prepared], max_rows: usize) -> usize {
        let budget = self.options.prefill_chunk.max(1);
        let mut longest = 0;
        let mut n = 0;
        for p in ps.iter().take(max_rows.max(1)) {
            let own = p.ids.len().saturating_sub(state.len());
            longest = longest.max(own);
            if n > 0 && (n + 1) * longest > budget {
                break;
            }
            n += 1;
        }
        n
    }

    /// `score_after` for several prompts in one decoder call: the prefix's KV is copied into
    /// one row per prompt, and each row prefills its own positions, right-padded to the
    /// longest (`Graphs::decode_rows`); a prompt's images are encoded and merged into its own
    /// row, and its positions are its own (rope index included). Each prompt's logits come
    /// from its last real position. One prompt alone goes through `score_after`, which
    /// prefills in chunks.
    pub fn score_batch(&mut self, state: &PrefixState, ps: &[&Prepared]) -> Result<Vec<Vec<f32>>> {
        Ok(self.score_batch_keeping(state, ps, false)?.0)
    }

    /// `score_batch` that also returns each prompt's KV (the prefix's and its own positions),
    /// to decode after it (`batch::Continuations`); the logits are `score_batch`'s.
    pub fn score_batch_caches(
        &mut self,
        state: &PrefixState,
        ps: &[&Prepared],
    ) -> Result<(Vec<Vec<f32>>, Vec<Cache>)> {
        self.score_batch_keeping(state, ps, true)
    }

    fn score_batch_keeping(
        &mut self,
        state: &PrefixState,
        ps: &[&Prepared],
        keep: bool,
    ) -> Result<(Vec<Vec<f32>>, Vec<Cache>)> {
        match ps {
            [] => return Ok((Vec::new(), Vec::new())),
            [p] if keep => {
                let (logits, cache) = self.score_after_cache(state, p)?;
                return Ok((vec![logits], vec![cache]));
            }
            [p] => return Ok((vec![self.score_after(state, p)?], Vec::new())),
            _ => {}
        }
        let shared = state.ids.len();
        if ps
            .iter()
            .any(|p| p.ids.len() <= shared || p.ids[..shared] != state.ids[..])
        {
            return Err(EngineError::Input(
                "a prompt does not start with the scored prefix".into(),
            ));
        }
        let rows = ps.len();
        let columns = ps.iter().map(|p| p.ids.len() - shared).max().unwrap_or(0);
        if rows * columns > self.options.prefill_chunk.max(1) {
            return Err(EngineError::Input(format!(
                "{rows} rows of {columns} positions exceed the prefill chunk ({})",
                self.options.prefill_chunk
            )));
        }
        let hsz = self.graphs.hidden;
        let mut embeds = Vec::with_capacity(rows * columns * hsz);
        let mut positions: [Vec<i64>; 3] = std::array::from_fn(|_| Vec::new());
        let mut deepstack: Vec<Vec<f32>> = Vec::new();
        let mut last = Vec::with_capacity(rows);
        for p in ps {
            let own = p.ids.len() - shared;
            let pad = columns - own;
            let all = self.graphs.embed(&p.ids)?;
            let mut vision = VisionRows {
                images: state.images.clone(),
                ..VisionRows::default()
            };
            while self.encode_next(p, &mut vision)? {}
            let (all, levels) = self.merge_vision(p, all, &vision)?;
            let row = &all[shared * hsz..];
            embeds.extend_from_slice(row);
            // Padding repeats the last real row: any finite value does, as nothing real
            // attends to it.
            for _ in 0..pad {
                embeds.extend_from_slice(&row[row.len() - hsz..]);
            }
            for (axis, out) in positions.iter_mut().enumerate() {
                let own_positions = &p.rope.positions[axis][shared..];
                out.extend_from_slice(own_positions);
                let end = own_positions.last().copied().unwrap_or(0);
                out.extend((1..=pad as i64).map(|i| end + i));
            }
            if deepstack.is_empty() {
                deepstack = vec![Vec::with_capacity(rows * columns * hsz); levels.len()];
            }
            for (dst, src) in deepstack.iter_mut().zip(&levels) {
                dst.extend_from_slice(&src[shared * hsz..]);
                dst.extend(std::iter::repeat_n(0.0, pad * hsz));
            }
            last.push(own - 1);
        }
        let past = self.graphs.cache_from_host(state.values.clone(), shared)?;
        let ds = (!deepstack.is_empty()).then_some(deepstack);
        let (logits, caches) = if keep {
            self.graphs
                .decode_rows_caches(embeds, positions, ds, past, &last)?
        } else {
            let logits = self
                .graphs
                .decode_rows(embeds, positions, ds, past, &last)?;
            (logits, Vec::new())
        };
        let vocab = logits.len() / rows;
        let logits = logits.chunks(vocab.max(1)).map(<[f32]>::to_vec).collect();
        Ok((logits, caches))
    }

    /// The observer the engine reports to.
    pub fn observer(&self) -> Arc<dyn Observer> {
        self.observer.clone()
    }
}

/// A prompt prefix run once for scoring (`Engine::score_prefix`): its ids, its KV on the host
/// (per layer, keys and values, `shared` positions), and its images' encoder outputs.
pub struct PrefixState {
    ids: Vec<u32>,
    values: Vec<Vec<f32>>,
    images: Vec<Arc<VisionOutput>>,
}

impl PrefixState {
    /// Positions in the prefix.
    pub fn len(&self) -> usize {
        self.ids.len()
    }

    pub fn is_empty(&self) -> bool {
        self.ids.is_empty()
    }
}

/// Vision encoder outputs of one prompt, in prompt order.
#[derive(Default)]
struct VisionRows {
    images: Vec<Arc<VisionOutput>>,
    videos: Vec<Arc<VisionOutput>>,
    /// This prompt's own reuse (an image shown twice).
    local: HashMap<vision_cache::Key, Arc<VisionOutput>>,
    reused: u64,
}

/// A prefill in progress (`Engine::begin_prefill`).
pub struct Prefill {
    embeds: Vec<f32>,
    deepstack: Vec<Vec<f32>>,
    positions: [Vec<i64>; 3],
    pub cache: Cache,
    done: usize,
    /// Images and videos of the prompt whose features were reused.
    pub vision_reused: u64,
    /// Prompt positions whose KV came from the prefix cache.
    pub cached: usize,
    /// The vision rows encoded so far; `None` once merged into `embeds`.
    vision: Option<VisionRows>,
    /// The prompt's block keys in the prefix cache (empty: no reuse).
    keys: Vec<prefix_cache::Key>,
}

/// What a sequence does after its latest logits.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Advance {
    /// Feed this token next.
    Next(u32),
    Finished,
}

/// One sequence's decoding: sampling, the text stream, stop sequences and its tokens. The same
/// for a sequence decoded alone and one in a batch.
pub struct Decoding {
    sampler: Sampler,
    stream: TextStream,
    stops: StopMatcher,
    tokens: Vec<u32>,
    max_new_tokens: usize,
    prompt_tokens: usize,
    pub cancel: Arc<AtomicBool>,
    reason: &'static str,
    /// Set once the prompt's vision features are in (`Prefill::vision_reused`).
    pub vision_reused: u64,
    /// Set once the prefill is done (`Prefill::cached`).
    pub cached_tokens: usize,
    /// KV-cache positions the sequence holds, kept by whoever runs it.
    pub positions: usize,
}

impl Decoding {
    pub fn new(p: &Prepared, params: &GenerateParams, cancel: Arc<AtomicBool>) -> Decoding {
        Decoding {
            sampler: Sampler::new(params.sampler.clone(), &p.ids),
            stream: TextStream::new(),
            stops: StopMatcher::new(params.stop.clone()),
            tokens: Vec::new(),
            max_new_tokens: params.max_new_tokens,
            prompt_tokens: p.ids.len(),
            cancel,
            reason: "length",
            vision_reused: 0,
            cached_tokens: 0,
            positions: 0,
        }
    }

    /// Samples from the logits of the latest position and emits the new text. Cancellation is
    /// checked first.
    pub fn advance(
        &mut self,
        logits: &[f32],
        tokenizer: &Tokenizer,
        eos: &[u32],
        on_text: &mut dyn FnMut(&str),
    ) -> Result<Advance> {
        let finished = |d: &mut Decoding, reason: &'static str, on_text: &mut dyn FnMut(&str)| {
            d.reason = reason;
            if reason != "stop" {
                let rest = d.stops.finish();
                if !rest.is_empty() {
                    on_text(&rest);
                }
            }
            Ok(Advance::Finished)
        };
        if self.tokens.len() >= self.max_new_tokens {
            return finished(self, "length", on_text);
        }
        if self.cancel.load(Ordering::Relaxed) {
            return finished(self, "cancelled", on_text);
        }
        let next = self.sampler.sample(logits);
        if eos.contains(&next) {
            return finished(self, "stop", on_text);
        }
        self.tokens.push(next);
        if let Some(piece) = self.stream.push(tokenizer, next)? {
            let (out, hit) = self.stops.push(&piece);
            if !out.is_empty() {
                on_text(&out);
            }
            if hit {
                return finished(self, "stop", on_text);
            }
        }
        if self.tokens.len() == self.max_new_tokens {
            return finished(self, "length", on_text);
        }
        Ok(Advance::Next(next))
    }

    /// Ends the sequence as cancelled (it left before its next step).
    pub fn cancelled(&mut self, on_text: &mut dyn FnMut(&str)) {
        self.reason = "cancelled";
        let rest = self.stops.finish();
        if !rest.is_empty() {
            on_text(&rest);
        }
    }

    pub fn outcome(&self) -> Outcome {
        Outcome {
            tokens: self.tokens.clone(),
            prompt_tokens: self.prompt_tokens,
            reason: self.reason,
            vision_reused: self.vision_reused,
            cached_tokens: self.cached_tokens,
            positions: self.positions,
        }
    }

    /// Tokens generated so far.
    pub fn tokens(&self) -> usize {
        self.tokens.len()
    }

    /// Positions the sequence will hold at most: its prompt and every token it may add.
    pub fn max_positions(&self) -> usize {
        self.prompt_tokens + self.max_new_tokens
    }
}

/// Tells the observer a sequence runs and what its KV cache holds; when it ends, however it
/// ends, its final size.
struct Sequence<'a> {
    observer: &'a dyn Observer,
    positions: usize,
}

impl<'a> Sequence<'a> {
    fn start(observer: &'a dyn Observer) -> Sequence<'a> {
        observer.sequence_started();
        Sequence {
            observer,
            positions: 0,
        }
    }

    fn holds(&mut self, cache: &Cache) {
        self.positions = cache.len;
        self.observer.kv_cache(cache.len, cache.bytes());
    }
}

impl Drop for Sequence<'_> {
    fn drop(&mut self) {
        self.observer.sequence_ended(self.positions);
    }
}

/// A video's place in the prompt: each frame group's timestamp and token count.
fn video_part((patches, stamps): &(Patches, Vec<f64>), merge2: usize) -> prompt::Part {
    let [_, h, w] = patches.grid;
    let per_group = h * w / merge2;
    prompt::Part::Video {
        groups: stamps.iter().map(|&s| (s, per_group)).collect(),
    }
}

//! The three ONNX Runtime sessions (vision encoder, token embedding, decoder with KV cache) and
//! one forward pass each, and the KV caches they run on: one sequence's, and a batch's rows.
//! The decoder runs through I/O binding: its presents stay on the provider's device as the next
//! call's pasts, joins and leaves re-lay the batch there (`switchboard_onnx::device`), and only
//! the logits rows that are read come back to the host. Input and output names, float types and DeepStack support are read
//! from the graphs, never assumed: both published packagings (transformers.js `onnx/` and the
//! onnxruntime-genai `vision/embedding/text` files) load, with or without DeepStack.

use std::borrow::Cow;
use std::path::{Path, PathBuf};

use switchboard_onnx::SessionOptions;
use switchboard_onnx::device::{Relayout, device_memory, host_memory, on_host, tensor_bytes};
use switchboard_onnx::ort::memory::MemoryInfo;
use switchboard_onnx::ort::session::{Session, SessionInputValue};
use switchboard_onnx::ort::value::{DynValue, ValueType};
use switchboard_onnx::tensor::{float_tensor, i64_tensor, read_floats, read_last_rows};
pub use switchboard_onnx::{Float, Provider, Runtime};

use crate::config::ModelConfig;

#[derive(Debug, thiserror::Error)]
pub enum SessionError {
    #[error("ONNX Runtime: {0}")]
    Ort(#[from] switchboard_onnx::Error),
    #[error("model folder {0}: {1}")]
    Layout(PathBuf, String),
    #[error("graph {graph}: {problem}")]
    Contract {
        graph: &'static str,
        problem: String,
    },
}

impl From<switchboard_onnx::ort::Error> for SessionError {
    fn from(e: switchboard_onnx::ort::Error) -> Self {
        SessionError::Ort(e.into())
    }
}

type Result<T> = std::result::Result<T, SessionError>;

fn float_of(graph: &'static str, name: &str, t: &ValueType) -> Result<Float> {
    Float::of(t).ok_or_else(|| SessionError::Contract {
        graph,
        problem: format!("{name} is {t:?}, expected float32 or float16"),
    })
}

/// How a graph carries DeepStack features.
#[derive(Debug, Clone, PartialEq, Eq)]
enum DeepStack {
    None,
    /// One tensor with the three levels stacked first.
    Stacked(String),
    /// One tensor per level.
    Split(Vec<String>),
}

fn deepstack_names(names: &[&str], stem: &str) -> DeepStack {
    if names.contains(&stem) {
        return DeepStack::Stacked(stem.to_string());
    }
    let mut split: Vec<String> = names
        .iter()
        .filter(|n| n.starts_with(&format!("{stem}_")))
        .map(|n| n.to_string())
        .collect();
    split.sort();
    if split.is_empty() {
        DeepStack::None
    } else {
        DeepStack::Split(split)
    }
}

struct Vision {
    session: Session,
    pixel_type: Float,
    features: String,
    deepstack: DeepStack,
}

struct Embed {
    session: Session,
    /// onnxruntime-genai's embedding graph also takes image features and scatters them into
    /// the image-pad rows. The host merges vision rows itself (images and videos alike), so it
    /// passes 0 rows and hides the pads from the graph (`PAD_STAND_IN`); those rows are
    /// overwritten by the merge anyway.
    features_input: Option<(String, Float)>,
    image_pad: u32,
    output: String,
}

/// Any ordinary token; its embedding row is replaced by vision features afterwards.
const PAD_STAND_IN: u32 = 151643;

struct Decoder {
    session: Session,
    embeds_type: Float,
    kv_type: Float,
    deepstack: DeepStack,
    deepstack_type: Float,
    layers: usize,
    kv_heads: usize,
    head_dim: usize,
    logits_type: Float,
    /// Joins, leaves and logits tails on the decoder's device.
    relayout: Relayout,
    /// Where presents stay between calls.
    device: MemoryInfo<'static>,
    host: MemoryInfo<'static>,
    /// Whether the provider has memory of its own (CUDA): then host-made inputs are copies.
    separate_device: bool,
    transfer: Transfer,
}

/// What one decoder call moved between host and device memory, in bytes.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Transfer {
    /// Inputs the host built (embeddings, mask, positions, DeepStack rows).
    pub host_inputs: usize,
    /// Past values that had to come from the host (a prefix-cache hit on a device provider).
    pub kv_from_host: usize,
    /// Logits the host read back.
    pub logits_to_host: usize,
    /// Presents kept on the device: without I/O binding, they would go to the host and back.
    pub kv_kept: usize,
}

impl Decoder {
    /// One run through I/O binding: its logits (on the host when `logits_on_host`, else on the
    /// device), and its presents, left on the device and named as the next call's pasts.
    fn run(
        &mut self,
        inputs: Vec<(String, DynValue)>,
        logits_on_host: bool,
    ) -> Result<(DynValue, Vec<(String, DynValue)>)> {
        let mut transfer = Transfer::default();
        let mut binding = self.session.create_binding()?;
        for (name, v) in &inputs {
            if !name.starts_with("past_key_values.") {
                transfer.host_inputs += tensor_bytes(v);
            } else if self.separate_device && on_host(v) {
                transfer.kv_from_host += tensor_bytes(v);
            }
            binding.bind_input(name.as_str(), v)?;
        }
        let logits_memory = if logits_on_host {
            &self.host
        } else {
            &self.device
        };
        binding.bind_output_to_device("logits", logits_memory)?;
        for i in 0..self.layers {
            for kind in ["key", "value"] {
                binding.bind_output_to_device(format!("present.{i}.{kind}"), &self.device)?;
            }
        }
        let mut out = self.session.run_binding(&binding)?;
        let logits = out.remove("logits").ok_or_else(|| SessionError::Contract {
            graph: "decoder",
            problem: "no logits output".into(),
        })?;
        if logits_on_host {
            transfer.logits_to_host = tensor_bytes(&logits);
        }
        let mut pasts = Vec::with_capacity(self.layers * 2);
        for i in 0..self.layers {
            for kind in ["key", "value"] {
                let present = out.remove(format!("present.{i}.{kind}")).ok_or_else(|| {
                    SessionError::Contract {
                        graph: "decoder",
                        problem: format!("no present.{i}.{kind} output"),
                    }
                })?;
                transfer.kv_kept += tensor_bytes(&present);
                pasts.push((format!("past_key_values.{i}.{kind}"), present));
            }
        }
        self.transfer = transfer;
        Ok((logits, pasts))
    }

    /// The last `keep` logits rows of a run, on the host: read in place when the whole tensor
    /// is already there, else cut on the device first.
    fn last_rows(&mut self, logits: &DynValue, keep: usize) -> Result<Vec<f32>> {
        let rows = if on_host(logits) {
            read_last_rows(logits, keep)?.1
        } else {
            read_floats(&self.relayout.tail(logits, keep)?)?.1
        };
        self.transfer.logits_to_host = rows.len() * self.logits_type.size();
        Ok(rows)
    }
}

/// Output of the vision encoder for one call.
#[derive(Debug, Clone)]
pub struct VisionOutput {
    /// `rows x hidden`.
    pub features: Vec<f32>,
    /// Per DeepStack level, `rows x hidden`; empty when the graph has none.
    pub deepstack: Vec<Vec<f32>>,
}

/// The KV cache: one present value per decoder output, fed back as the next call's past.
pub struct Cache {
    values: Vec<(String, DynValue)>,
    pub len: usize,
    /// Keys and values of every layer for one position.
    bytes_per_position: usize,
}

impl Cache {
    /// Memory the cache holds.
    pub fn bytes(&self) -> usize {
        self.len * self.bytes_per_position
    }
}

/// The running batch's KV cache for continuous batching: one tensor per decoder past input,
/// `[rows, kv_heads, columns, head_dim]`. Each row holds its own sequence's positions
/// right-aligned, with zero columns on its left that the attention mask hides. Each step's
/// presents are fed back as they are; a join or a leave re-lays the rows on the decoder's device.
pub struct BatchCache {
    values: Vec<(String, DynValue)>,
    /// Positions each row holds (its sequence's cache length).
    lens: Vec<usize>,
    columns: usize,
    bytes_per_position: usize,
}

impl BatchCache {
    pub fn rows(&self) -> usize {
        self.lens.len()
    }

    /// Positions row `row` holds.
    pub fn len_of(&self, row: usize) -> usize {
        self.lens[row]
    }

    /// Columns every row spans (the longest row's length).
    pub fn columns(&self) -> usize {
        self.columns
    }

    /// Memory the batch's tensors hold, padding included.
    pub fn bytes(&self) -> usize {
        self.rows() * self.columns * self.bytes_per_position
    }

    /// Bytes one position of one row takes (keys and values of every layer).
    pub fn bytes_per_position(&self) -> usize {
        self.bytes_per_position
    }
}

pub struct Graphs {
    vision: Vision,
    embed: Embed,
    decoder: Decoder,
    pub hidden: usize,
    pub has_deepstack: bool,
}

fn find(dir: &Path, candidates: &[&str]) -> Option<PathBuf> {
    candidates.iter().map(|c| dir.join(c)).find(|p| p.exists())
}

/// One graph's session on the configured provider and threads, with ONNX Runtime's default
/// arena.
fn open(runtime: &Runtime, path: &Path, provider: Provider, threads: usize) -> Result<Session> {
    let options = SessionOptions {
        provider,
        threads,
        arena: true,
    };
    Ok(runtime.session_from_file(path, &options)?)
}

impl Graphs {
    /// Opens the graphs of a model folder in either published layout. `variant` picks a dtype
    /// suffix of the transformers.js layout (e.g. "q4", "fp16"); empty takes the plain files.
    pub fn load(
        runtime: &Runtime,
        dir: &Path,
        config: &ModelConfig,
        provider: Provider,
        threads: usize,
        variant: &str,
    ) -> Result<Graphs> {
        let suffix = if variant.is_empty() {
            String::new()
        } else {
            format!("_{variant}")
        };
        let tjs = |stem: &str| format!("onnx/{stem}{suffix}.onnx");
        let (v, e, d) = match find(dir, &[&tjs("decoder_model_merged")]) {
            // A variant without its own vision or embedding file shares the plain one.
            Some(d) => (
                find(dir, &[&tjs("vision_encoder"), "onnx/vision_encoder.onnx"]),
                find(dir, &[&tjs("embed_tokens"), "onnx/embed_tokens.onnx"]),
                d,
            ),
            None => match find(dir, &["text.onnx", "model.onnx"]) {
                Some(d) => (
                    find(dir, &["vision.onnx"]),
                    find(dir, &["embedding.onnx"]),
                    d,
                ),
                None => {
                    return Err(SessionError::Layout(
                        dir.to_path_buf(),
                        format!(
                            "neither {} (transformers.js layout) nor text.onnx (onnxruntime-genai layout)",
                            tjs("decoder_model_merged")
                        ),
                    ));
                }
            },
        };
        let v =
            v.ok_or_else(|| SessionError::Layout(dir.to_path_buf(), "no vision graph".into()))?;
        let e =
            e.ok_or_else(|| SessionError::Layout(dir.to_path_buf(), "no embedding graph".into()))?;

        let vision = {
            let session = open(runtime, &v, provider, threads)?;
            let input = session
                .inputs()
                .iter()
                .find(|i| i.name() == "pixel_values")
                .ok_or_else(|| SessionError::Contract {
                    graph: "vision",
                    problem: "no pixel_values input".into(),
                })?;
            let pixel_type = float_of("vision", "pixel_values", input.dtype())?;
            let outs: Vec<&str> = session.outputs().iter().map(|o| o.name()).collect();
            let deepstack = deepstack_names(&outs, "deepstack_features");
            let features = outs
                .iter()
                .find(|n| !n.starts_with("deepstack"))
                .map(|n| n.to_string())
                .ok_or_else(|| SessionError::Contract {
                    graph: "vision",
                    problem: "no feature output".into(),
                })?;
            Vision {
                session,
                pixel_type,
                features,
                deepstack,
            }
        };
        let embed = {
            let session = open(runtime, &e, provider, threads)?;
            let features_input = session
                .inputs()
                .iter()
                .find(|i| i.name() != "input_ids" && !i.name().starts_with("deepstack"))
                .map(|i| {
                    float_of("embedding", i.name(), i.dtype()).map(|t| (i.name().to_string(), t))
                })
                .transpose()?;
            let output = session
                .outputs()
                .iter()
                .map(|o| o.name().to_string())
                .find(|n| !n.starts_with("deepstack"))
                .ok_or_else(|| SessionError::Contract {
                    graph: "embedding",
                    problem: "no output".into(),
                })?;
            Embed {
                session,
                features_input,
                image_pad: config.image_token_id,
                output,
            }
        };
        let decoder = {
            let session = open(runtime, &d, provider, threads)?;
            let names: Vec<&str> = session.inputs().iter().map(|i| i.name()).collect();
            for required in ["inputs_embeds", "attention_mask", "position_ids"] {
                if !names.contains(&required) {
                    return Err(SessionError::Contract {
                        graph: "decoder",
                        problem: format!("no {required} input"),
                    });
                }
            }
            let dtype = |name: &str| {
                session
                    .inputs()
                    .iter()
                    .find(|i| i.name() == name)
                    .map(|i| i.dtype().clone())
            };
            let embeds = dtype("inputs_embeds").ok_or_else(|| SessionError::Contract {
                graph: "decoder",
                problem: "no inputs_embeds input".into(),
            })?;
            let embeds_type = float_of("decoder", "inputs_embeds", &embeds)?;
            let layers = names
                .iter()
                .filter(|n| n.starts_with("past_key_values.") && n.ends_with(".key"))
                .count();
            if layers == 0 {
                return Err(SessionError::Contract {
                    graph: "decoder",
                    problem: "no past_key_values.N.key inputs".into(),
                });
            }
            let kv = dtype("past_key_values.0.key").ok_or_else(|| SessionError::Contract {
                graph: "decoder",
                problem: "no past_key_values.0.key".into(),
            })?;
            let kv_type = float_of("decoder", "past_key_values.0.key", &kv)?;
            // KV heads and head_dim from the graph when fixed, else from config.json.
            let (kv_heads, head_dim) = match &kv {
                ValueType::Tensor { shape, .. } if shape.len() == 4 => (
                    if shape[1] > 0 {
                        shape[1] as usize
                    } else {
                        config.num_kv_heads
                    },
                    if shape[3] > 0 {
                        shape[3] as usize
                    } else {
                        config.head_dim
                    },
                ),
                _ => (config.num_kv_heads, config.head_dim),
            };
            let deepstack = deepstack_names(&names, "deepstack_embeds");
            let deepstack_type = match &deepstack {
                DeepStack::Stacked(n) => {
                    float_of("decoder", n, &dtype(n).unwrap_or_else(|| kv.clone()))?
                }
                DeepStack::Split(v) => float_of(
                    "decoder",
                    &v[0],
                    &dtype(&v[0]).unwrap_or_else(|| kv.clone()),
                )?,
                DeepStack::None => embeds_type,
            };
            let logits = session
                .outputs()
                .iter()
                .find(|o| o.name() == "logits")
                .ok_or_else(|| SessionError::Contract {
                    graph: "decoder",
                    problem: "no logits output".into(),
                })?;
            let logits_type = float_of("decoder", "logits", logits.dtype())?;
            Decoder {
                session,
                embeds_type,
                kv_type,
                deepstack,
                deepstack_type,
                layers,
                kv_heads,
                head_dim,
                logits_type,
                relayout: Relayout::new(runtime, provider, kv_type, 4, layers * 2, logits_type)?,
                device: device_memory(provider)?,
                host: host_memory()?,
                separate_device: provider != Provider::Cpu,
                transfer: Transfer::default(),
            }
        };
        let has_deepstack =
            vision.deepstack != DeepStack::None && decoder.deepstack != DeepStack::None;
        if !has_deepstack {
            tracing::warn!(
                vision = ?vision.deepstack,
                decoder = ?decoder.deepstack,
                "these graphs carry no DeepStack features; answers about images lose some accuracy"
            );
        }
        Ok(Graphs {
            vision,
            embed,
            decoder,
            hidden: config.hidden_size,
            has_deepstack,
        })
    }

    pub fn layers(&self) -> usize {
        self.decoder.layers
    }

    /// Runs the vision encoder on patches with one grid row per image (or frame group).
    pub fn vision(
        &mut self,
        pixels: Vec<f32>,
        row_len: usize,
        grids: &[[usize; 3]],
    ) -> Result<VisionOutput> {
        let rows = pixels.len() / row_len;
        let grid: Vec<i64> = grids
            .iter()
            .flat_map(|g| g.iter().map(|&x| x as i64))
            .collect();
        let inputs: Vec<(Cow<str>, SessionInputValue)> = vec![
            (
                "pixel_values".into(),
                float_tensor(
                    self.vision.pixel_type,
                    vec![rows as i64, row_len as i64],
                    pixels,
                )?
                .into(),
            ),
            (
                "image_grid_thw".into(),
                i64_tensor(vec![grids.len() as i64, 3], grid)?.into(),
            ),
        ];
        let features_name = self.vision.features.clone();
        let deepstack = self.vision.deepstack.clone();
        let hidden = self.hidden;
        let out = self.vision.session.run(inputs)?;
        let (_, features) = read_floats(&out[features_name.as_str()])?;
        let deepstack = match &deepstack {
            DeepStack::None => vec![],
            DeepStack::Stacked(n) => {
                let (_, all) = read_floats(&out[n.as_str()])?;
                let per = features.len();
                all.chunks(per).map(<[f32]>::to_vec).collect()
            }
            DeepStack::Split(names) => names
                .iter()
                .map(|n| Ok(read_floats(&out[n.as_str()])?.1))
                .collect::<Result<_>>()?,
        };
        if features.len() % hidden != 0 {
            return Err(SessionError::Contract {
                graph: "vision",
                problem: format!("{} values is not rows x {hidden}", features.len()),
            });
        }
        Ok(VisionOutput {
            features,
            deepstack,
        })
    }

    /// Token embeddings, `ids.len() x hidden`.
    pub fn embed(&mut self, ids: &[u32]) -> Result<Vec<f32>> {
        let n = ids.len() as i64;
        let hide = self.embed.features_input.is_some();
        let pad = self.embed.image_pad;
        let ids: Vec<i64> = ids
            .iter()
            .map(|&i| if hide && i == pad { PAD_STAND_IN } else { i } as i64)
            .collect();
        let mut inputs: Vec<(Cow<str>, SessionInputValue)> =
            vec![("input_ids".into(), i64_tensor(vec![1, n], ids)?.into())];
        if let Some((name, t)) = &self.embed.features_input {
            inputs.push((
                name.clone().into(),
                float_tensor(*t, vec![0, self.hidden as i64], vec![])?.into(),
            ));
        }
        let output = self.embed.output.clone();
        let out = self.embed.session.run(inputs)?;
        Ok(read_floats(&out[output.as_str()])?.1)
    }

    pub fn empty_cache(&self) -> Result<Cache> {
        let d = &self.decoder;
        let mut values = Vec::with_capacity(d.layers * 2);
        for i in 0..d.layers {
            for kind in ["key", "value"] {
                let shape = vec![1, d.kv_heads as i64, 0, d.head_dim as i64];
                values.push((
                    format!("past_key_values.{i}.{kind}"),
                    float_tensor(d.kv_type, shape, vec![])?,
                ));
            }
        }
        let element = d.kv_type.size();
        Ok(Cache {
            values,
            len: 0,
            bytes_per_position: d.layers * 2 * d.kv_heads * d.head_dim * element,
        })
    }

    /// One decoder call over `s` new positions. `embeds` is `s x hidden`, `positions` is
    /// `[3][s]`, `deepstack` (when given) is per level `s x hidden`. Returns the logits of the
    /// last `keep` positions (`keep x vocab`) and advances the cache.
    pub fn decode(
        &mut self,
        embeds: Vec<f32>,
        positions: [&[i64]; 3],
        deepstack: Option<Vec<Vec<f32>>>,
        cache: &mut Cache,
        keep: usize,
    ) -> Result<Vec<f32>> {
        let s = positions[0].len();
        let h = self.hidden as i64;
        let total = cache.len + s;
        let d = &mut self.decoder;
        let pos: Vec<i64> = positions.iter().flat_map(|r| r.iter().copied()).collect();
        let mut inputs: Vec<(String, DynValue)> = vec![
            (
                "inputs_embeds".into(),
                float_tensor(d.embeds_type, vec![1, s as i64, h], embeds)?,
            ),
            (
                "attention_mask".into(),
                i64_tensor(vec![1, total as i64], vec![1; total])?,
            ),
            (
                "position_ids".into(),
                i64_tensor(vec![3, 1, s as i64], pos)?,
            ),
        ];
        let levels = deepstack.unwrap_or_default();
        let level = |i: usize| {
            levels
                .get(i)
                .cloned()
                .unwrap_or_else(|| vec![0.0; s * h as usize])
        };
        match &d.deepstack {
            DeepStack::None => {}
            DeepStack::Stacked(name) => {
                let n = 3.max(levels.len());
                let data: Vec<f32> = (0..n).flat_map(level).collect();
                inputs.push((
                    name.clone(),
                    float_tensor(d.deepstack_type, vec![n as i64, 1, s as i64, h], data)?,
                ));
            }
            DeepStack::Split(names) => {
                for (i, name) in names.iter().enumerate() {
                    inputs.push((
                        name.clone(),
                        float_tensor(d.deepstack_type, vec![1, s as i64, h], level(i))?,
                    ));
                }
            }
        }
        inputs.append(&mut cache.values);
        // A prefill chunk's logits stay on the device and only the rows read come back.
        let (logits, pasts) = d.run(inputs, keep >= s)?;
        cache.values = pasts;
        cache.len = total;
        d.last_rows(&logits, keep)
    }

    /// One decoder call over `rows` sequences that share one past: `past` (a batch-1 cache)
    /// is copied into every row on the device, and each row adds `columns` positions of its
    /// own. `embeds` is `rows x columns x hidden`, `positions` per axis `rows x columns`,
    /// `deepstack` (when given) per level `rows x columns x hidden`. A row shorter than
    /// `columns` is padded on its right: attention is causal, so its real positions never see
    /// the padding, and the mask stays all ones (GroupQueryAttention takes sequence lengths
    /// from the mask, so nothing may be hidden in it). Returns `rows x vocab` logits, row r's
    /// read at its position `last[r]`; the presents are dropped.
    pub fn decode_rows(
        &mut self,
        embeds: Vec<f32>,
        positions: [Vec<i64>; 3],
        deepstack: Option<Vec<Vec<f32>>>,
        past: Cache,
        last: &[usize],
    ) -> Result<Vec<f32>> {
        Ok(self
            .decode_rows_keeping(embeds, positions, deepstack, past, last, false)?
            .0)
    }

    /// `decode_rows` that also returns each row's KV as a batch-1 cache: the shared past and
    /// its own positions up to `last[r]` (its padding cut off), picked on the device.
    pub fn decode_rows_caches(
        &mut self,
        embeds: Vec<f32>,
        positions: [Vec<i64>; 3],
        deepstack: Option<Vec<Vec<f32>>>,
        past: Cache,
        last: &[usize],
    ) -> Result<(Vec<f32>, Vec<Cache>)> {
        self.decode_rows_keeping(embeds, positions, deepstack, past, last, true)
    }

    fn decode_rows_keeping(
        &mut self,
        embeds: Vec<f32>,
        positions: [Vec<i64>; 3],
        deepstack: Option<Vec<Vec<f32>>>,
        past: Cache,
        last: &[usize],
        keep: bool,
    ) -> Result<(Vec<f32>, Vec<Cache>)> {
        let rows = last.len();
        let h = self.hidden;
        let columns = positions[0].len() / rows.max(1);
        if rows == 0
            || positions.iter().any(|p| p.len() != rows * columns)
            || embeds.len() != rows * columns * h
            || last.iter().any(|&l| l >= columns)
        {
            return Err(SessionError::Contract {
                graph: "decoder",
                problem: format!(
                    "{rows} rows of {columns} positions with {} embedding values",
                    embeds.len()
                ),
            });
        }
        let total = past.len + columns;
        let d = &mut self.decoder;
        let x: Vec<&DynValue> = past.values.iter().map(|(_, v)| v).collect();
        let copies = d.relayout.pick(&x, &vec![0; rows], 2, 0, past.len)?;
        let (b, s, hi) = (rows as i64, columns as i64, h as i64);
        let pos: Vec<i64> = positions.into_iter().flatten().collect();
        let mut inputs: Vec<(String, DynValue)> = vec![
            (
                "inputs_embeds".into(),
                float_tensor(d.embeds_type, vec![b, s, hi], embeds)?,
            ),
            (
                "attention_mask".into(),
                i64_tensor(vec![b, total as i64], vec![1; rows * total])?,
            ),
            ("position_ids".into(), i64_tensor(vec![3, b, s], pos)?),
        ];
        let levels = deepstack.unwrap_or_default();
        let level = |i: usize| {
            levels
                .get(i)
                .cloned()
                .unwrap_or_else(|| vec![0.0; rows * columns * h])
        };
        match &d.deepstack {
            DeepStack::None => {}
            DeepStack::Stacked(name) => {
                let n = 3.max(levels.len());
                let data: Vec<f32> = (0..n).flat_map(level).collect();
                inputs.push((
                    name.clone(),
                    float_tensor(d.deepstack_type, vec![n as i64, b, s, hi], data)?,
                ));
            }
            DeepStack::Split(names) => {
                for (i, name) in names.iter().enumerate() {
                    inputs.push((
                        name.clone(),
                        float_tensor(d.deepstack_type, vec![b, s, hi], level(i))?,
                    ));
                }
            }
        }
        for ((name, _), v) in past.values.iter().zip(copies) {
            inputs.push((name.clone(), v));
        }
        // The logits stay on the device; only each row's one position comes back.
        let (logits, presents) = d.run(inputs, false)?;
        let mut out = Vec::new();
        for (r, &l) in last.iter().enumerate() {
            out.extend(read_floats(&d.relayout.at(&logits, r, l)?)?.1);
        }
        d.transfer.logits_to_host = out.len() * d.logits_type.size();
        let mut caches = Vec::new();
        if keep {
            let x: Vec<&DynValue> = presents.iter().map(|(_, v)| v).collect();
            for (r, &l) in last.iter().enumerate() {
                let len = past.len + l + 1;
                let values = d.relayout.pick(&x, &[r], 2, 0, len)?;
                caches.push(Cache {
                    values: presents
                        .iter()
                        .map(|(name, _)| name.clone())
                        .zip(values)
                        .collect(),
                    len,
                    bytes_per_position: past.bytes_per_position,
                });
            }
        }
        Ok((out, caches))
    }

    /// A batch with no rows.
    pub fn empty_batch(&self) -> BatchCache {
        let d = &self.decoder;
        BatchCache {
            values: Vec::new(),
            lens: Vec::new(),
            columns: 0,
            bytes_per_position: d.layers * 2 * d.kv_heads * d.head_dim * d.kv_type.size(),
        }
    }

    /// Adds a sequence's cache (from a batch-1 prefill) as the batch's last row. A row shorter
    /// than the batch is padded on its left; a longer one pads every other row.
    pub fn batch_join(&mut self, batch: &mut BatchCache, cache: Cache) -> Result<()> {
        if batch.lens.is_empty() {
            // The cache is already a batch of one: no copy.
            batch.columns = cache.len;
            batch.lens = vec![cache.len];
            batch.values = cache.values;
            return Ok(());
        }
        for ((name, _), (batch_name, _)) in cache.values.iter().zip(&batch.values) {
            if name != batch_name {
                return Err(SessionError::Contract {
                    graph: "decoder",
                    problem: format!("a cache's {name} met the batch's {batch_name}"),
                });
            }
        }
        let columns = batch.columns.max(cache.len);
        let a: Vec<&DynValue> = batch.values.iter().map(|(_, v)| v).collect();
        let b: Vec<&DynValue> = cache.values.iter().map(|(_, v)| v).collect();
        let joined = self.decoder.relayout.stack(
            &a,
            &b,
            2,
            (columns - batch.columns) as i64,
            (columns - cache.len) as i64,
        )?;
        for ((_, v), j) in batch.values.iter_mut().zip(joined) {
            *v = j;
        }
        batch.columns = columns;
        batch.lens.push(cache.len);
        Ok(())
    }

    /// Drops the rows in `leaving` (indices into the batch), and the left columns that are
    /// padding in every row that stays.
    pub fn batch_leave(&mut self, batch: &mut BatchCache, leaving: &[usize]) -> Result<()> {
        if leaving.is_empty() {
            return Ok(());
        }
        let keep: Vec<usize> = (0..batch.rows()).filter(|r| !leaving.contains(r)).collect();
        if keep.is_empty() {
            *batch = self.empty_batch();
            return Ok(());
        }
        let columns = keep.iter().map(|&r| batch.lens[r]).max().unwrap_or(0);
        let x: Vec<&DynValue> = batch.values.iter().map(|(_, v)| v).collect();
        let start = batch.columns - columns;
        let kept = self
            .decoder
            .relayout
            .pick(&x, &keep, 2, start, batch.columns)?;
        for ((_, v), k) in batch.values.iter_mut().zip(kept) {
            *v = k;
        }
        batch.lens = keep.iter().map(|&r| batch.lens[r]).collect();
        batch.columns = columns;
        Ok(())
    }

    /// One decode step for every row of the batch: `embeds` is `rows x hidden` (each row's next
    /// token), `positions` each row's position (one value on all three axes). Returns
    /// `rows x vocab` logits and advances every row by one. After an error the batch holds
    /// nothing (its tensors went into the failed run): every row has failed.
    pub fn decode_batch(
        &mut self,
        embeds: Vec<f32>,
        positions: &[i64],
        batch: &mut BatchCache,
    ) -> Result<Vec<f32>> {
        let r = self.decode_batch_once(embeds, positions, batch);
        if r.is_err() {
            *batch = self.empty_batch();
        }
        r
    }

    fn decode_batch_once(
        &mut self,
        embeds: Vec<f32>,
        positions: &[i64],
        batch: &mut BatchCache,
    ) -> Result<Vec<f32>> {
        let b = batch.rows();
        let h = self.hidden as i64;
        let total = batch.columns + 1;
        let d = &mut self.decoder;
        let mut mask = Vec::with_capacity(b * total);
        for &len in &batch.lens {
            let pad = batch.columns - len;
            mask.extend(std::iter::repeat_n(0i64, pad));
            mask.extend(std::iter::repeat_n(1i64, len + 1));
        }
        let pos: Vec<i64> = (0..3).flat_map(|_| positions.iter().copied()).collect();
        let mut inputs: Vec<(String, DynValue)> = vec![
            (
                "inputs_embeds".into(),
                float_tensor(d.embeds_type, vec![b as i64, 1, h], embeds)?,
            ),
            (
                "attention_mask".into(),
                i64_tensor(vec![b as i64, total as i64], mask)?,
            ),
            (
                "position_ids".into(),
                i64_tensor(vec![3, b as i64, 1], pos)?,
            ),
        ];
        let zeros = || vec![0f32; b * h as usize];
        match &d.deepstack {
            DeepStack::None => {}
            DeepStack::Stacked(name) => {
                let data: Vec<f32> = (0..3).flat_map(|_| zeros()).collect();
                inputs.push((
                    name.clone(),
                    float_tensor(d.deepstack_type, vec![3, b as i64, 1, h], data)?,
                ));
            }
            DeepStack::Split(names) => {
                for name in names {
                    inputs.push((
                        name.clone(),
                        float_tensor(d.deepstack_type, vec![b as i64, 1, h], zeros())?,
                    ));
                }
            }
        }
        inputs.append(&mut batch.values);
        let (logits, pasts) = d.run(inputs, true)?;
        let (_, logits) = read_floats(&logits)?;
        batch.values = pasts;
        batch.columns = total;
        for len in &mut batch.lens {
            *len += 1;
        }
        Ok(logits)
    }

    /// A batch-1 cache from host values (per past input `[kv, len, hd]`).
    pub fn cache_from_host(&self, values: Vec<Vec<f32>>, len: usize) -> Result<Cache> {
        let mut cache = self.empty_cache()?;
        let d = &self.decoder;
        if values.len() != cache.values.len() {
            return Err(SessionError::Contract {
                graph: "decoder",
                problem: format!(
                    "{} cached values for {} past inputs",
                    values.len(),
                    cache.values.len()
                ),
            });
        }
        for ((_, v), data) in cache.values.iter_mut().zip(values) {
            let shape = vec![1, d.kv_heads as i64, len as i64, d.head_dim as i64];
            *v = float_tensor(d.kv_type, shape, data)?;
        }
        cache.len = len;
        Ok(cache)
    }

    /// The first `len` positions of a batch-1 cache as host values (per past input
    /// `[kv, len, hd]`); only those positions leave the device.
    pub fn cache_to_host(&mut self, cache: &Cache, len: usize) -> Result<Vec<Vec<f32>>> {
        let len = len.min(cache.len);
        let x: Vec<&DynValue> = cache.values.iter().map(|(_, v)| v).collect();
        let kept = self.decoder.relayout.pick(&x, &[0], 2, 0, len)?;
        kept.iter().map(|v| Ok(read_floats(v)?.1)).collect()
    }

    /// What the last decoder call moved between host and device.
    pub fn last_transfer(&self) -> Transfer {
        self.decoder.transfer
    }

    /// KV heads and head size of the decoder's cache.
    pub fn kv_layout(&self) -> (usize, usize) {
        (self.decoder.kv_heads, self.decoder.head_dim)
    }
}

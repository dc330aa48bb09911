//! Routing's learned stage: a linear classifier whose classes are plans (a single route, or a
//! composite shape such as OCR → math), trained from a labelled bank of requests
//! (`experts/routing/bank.jsonl`) into a model file (`experts/routing/model.json`) by
//! `switchboard train-router`. It owns the features, the model file, training and prediction.
//!
//! Features: the sentence embedding of the routed text, the media class (none, one image,
//! several images, video), hashed word and character n-grams (lexical evidence the embedding
//! blurs, in English and Chinese), and how many of each manifest's rule patterns matched.
//! A class is only a candidate for media it was seen with in the bank, and only when each of its
//! experts takes the request's media.

use std::path::Path;

use base64::Engine;
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

use crate::error::{Error, Result};
use crate::experts::Registry;
use crate::media::MediaKind;
use crate::request::AskInput;

/// The embedding's width (the multilingual sentence encoder's).
pub const EMBED_DIM: usize = super::encoder::DIM;
/// Buckets of the hashed n-grams.
pub const HASH_DIM: usize = 8192;
/// Rule hits count up to this many patterns per expert.
const MAX_HITS: f32 = 3.0;
const FORMAT: u32 = 1;

/// What media a request carries, as the classifier sees it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum MediaClass {
    None,
    Image,
    Images,
    Video,
}

impl MediaClass {
    pub const ALL: [MediaClass; 4] = [
        MediaClass::None,
        MediaClass::Image,
        MediaClass::Images,
        MediaClass::Video,
    ];

    pub fn of(kinds: &[MediaKind]) -> MediaClass {
        let images = kinds.iter().filter(|k| **k == MediaKind::Image).count();
        if kinds.contains(&MediaKind::Video) {
            MediaClass::Video
        } else {
            match images {
                0 => MediaClass::None,
                1 => MediaClass::Image,
                _ => MediaClass::Images,
            }
        }
    }

    pub fn parse(s: &str) -> Option<MediaClass> {
        Self::ALL.into_iter().find(|m| m.as_str() == s)
    }

    pub fn as_str(self) -> &'static str {
        match self {
            MediaClass::None => "none",
            MediaClass::Image => "image",
            MediaClass::Images => "images",
            MediaClass::Video => "video",
        }
    }

    fn index(self) -> usize {
        self as usize
    }

    /// Media kinds a request of this class carries (for eligibility checks).
    pub fn kinds(self) -> Vec<MediaKind> {
        match self {
            MediaClass::None => vec![],
            MediaClass::Image => vec![MediaKind::Image],
            MediaClass::Images => vec![MediaKind::Image, MediaKind::Image],
            MediaClass::Video => vec![MediaKind::Video],
        }
    }
}

/// A plan's shape: each step's expert and the earlier steps it waits for.
pub type Shape = Vec<(String, Vec<usize>)>;

/// One class: a plan shape, and the media it was labelled with in the bank.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Class {
    pub plan: Vec<ShapeStep>,
    pub media: Vec<MediaClass>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ShapeStep {
    pub expert: String,
    pub after: Vec<usize>,
}

impl Class {
    pub fn shape(&self) -> Shape {
        self.plan
            .iter()
            .map(|s| (s.expert.clone(), s.after.clone()))
            .collect()
    }

    /// Whether a request with this media may be of this class: media it was labelled with, and
    /// what one image allows is allowed with several.
    pub fn takes(&self, media: MediaClass) -> bool {
        self.media.contains(&media)
            || (media == MediaClass::Images && self.media.contains(&MediaClass::Image))
    }

    /// The expert whose answer the plan returns: the last step's.
    pub fn answering(&self) -> &str {
        self.plan.last().map(|s| s.expert.as_str()).unwrap_or("")
    }
}

/// A request's features: the dense part, and the hashed n-gram buckets that are set (each with
/// the same value, so that the n-gram part has unit length).
pub struct Features {
    dense: Vec<f32>,
    grams: Vec<u32>,
}

impl Features {
    /// `hits`: per expert of the model (its order), how many of its rule patterns matched.
    pub fn new(embedding: &[f32], media: MediaClass, text: &str, hits: &[usize]) -> Features {
        let norm = embedding
            .iter()
            .map(|x| x * x)
            .sum::<f32>()
            .sqrt()
            .max(1e-9);
        let mut dense: Vec<f32> = Vec::with_capacity(EMBED_DIM + 4 + hits.len());
        dense.extend(
            embedding
                .iter()
                .take(EMBED_DIM)
                .map(|x| x / norm)
                .chain(std::iter::repeat(0.0))
                .take(EMBED_DIM),
        );
        dense.extend(
            MediaClass::ALL
                .iter()
                .map(|m| f32::from(u8::from(*m == media))),
        );
        dense.extend(hits.iter().map(|h| (*h as f32).min(MAX_HITS) / MAX_HITS));
        Features {
            dense,
            grams: grams(text),
        }
    }

    fn gram_value(&self) -> f32 {
        if self.grams.is_empty() {
            0.0
        } else {
            1.0 / (self.grams.len() as f32).sqrt()
        }
    }
}

/// Hashed n-gram buckets of a text, sorted and unique: lower-cased ASCII words and single CJK
/// characters are the tokens; each token and each pair of neighbouring tokens is a gram.
pub fn grams(text: &str) -> Vec<u32> {
    let mut tokens: Vec<String> = Vec::new();
    let mut word = String::new();
    for c in text.chars() {
        if c.is_ascii_alphanumeric() {
            word.push(c.to_ascii_lowercase());
            continue;
        }
        if !word.is_empty() {
            tokens.push(std::mem::take(&mut word));
        }
        if is_cjk(c) {
            tokens.push(c.to_string());
        }
    }
    if !word.is_empty() {
        tokens.push(word);
    }
    let mut out: Vec<u32> = tokens
        .iter()
        .map(|t| bucket(t.as_bytes()))
        .chain(
            tokens
                .windows(2)
                .map(|w| bucket(format!("{} {}", w[0], w[1]).as_bytes())),
        )
        .collect();
    out.sort_unstable();
    out.dedup();
    out
}

fn is_cjk(c: char) -> bool {
    matches!(c, '\u{4e00}'..='\u{9fff}' | '\u{3400}'..='\u{4dbf}')
}

/// FNV-1a: stable across builds and platforms (the model file depends on it).
fn bucket(bytes: &[u8]) -> u32 {
    let mut h: u64 = 0xcbf2_9ce4_8422_2325;
    for b in bytes {
        h ^= u64::from(*b);
        h = h.wrapping_mul(0x0000_0100_0000_01b3);
    }
    (h % HASH_DIM as u64) as u32
}

/// The model file.
#[derive(Debug, Clone, Serialize, Deserialize)]
struct ModelFile {
    format: u32,
    /// The SHA-256 of the bank it was trained on, and of the manifests' rules.
    bank_sha256: String,
    rules_sha256: String,
    /// The experts whose rule hits are features, in feature order.
    experts: Vec<String>,
    embed_dim: usize,
    hash_dim: usize,
    classes: Vec<Class>,
    bias: Vec<f32>,
    /// Row-major `[(dense + hash) rows][classes]`, little-endian f32, base64.
    weights: String,
}

/// A trained classifier.
#[derive(Debug, Clone)]
pub struct Model {
    pub bank_sha256: String,
    pub rules_sha256: String,
    pub experts: Vec<String>,
    pub classes: Vec<Class>,
    bias: Vec<f32>,
    weights: Vec<f32>,
}

impl Model {
    fn dense_dim(&self) -> usize {
        EMBED_DIM + 4 + self.experts.len()
    }

    pub fn load(path: &Path) -> Result<Model> {
        let text = std::fs::read_to_string(path)
            .map_err(|e| Error::Config(format!("routing model {}: {e}", path.display())))?;
        Self::parse(&text)
            .map_err(|e| Error::Config(format!("routing model {}: {e}", path.display())))
    }

    fn parse(text: &str) -> std::result::Result<Model, String> {
        let f: ModelFile = serde_json::from_str(text).map_err(|e| e.to_string())?;
        if f.format != FORMAT || f.embed_dim != EMBED_DIM || f.hash_dim != HASH_DIM {
            return Err(format!(
                "format {} with {}-d embeddings and {} buckets; this build reads format {FORMAT}, \
                 {EMBED_DIM}, {HASH_DIM} (retrain with `switchboard train-router`)",
                f.format, f.embed_dim, f.hash_dim
            ));
        }
        let bytes = base64::engine::general_purpose::STANDARD
            .decode(f.weights.as_bytes())
            .map_err(|e| format!("weights: {e}"))?;
        let weights: Vec<f32> = bytes
            .chunks_exact(4)
            .map(|c| f32::from_le_bytes([c[0], c[1], c[2], c[3]]))
            .collect();
        let c = f.classes.len();
        let rows = EMBED_DIM + 4 + f.experts.len() + HASH_DIM;
        if c == 0 || f.bias.len() != c || weights.len() != rows * c {
            return Err(format!(
                "{} classes, {} biases and {} weights do not fit {rows} rows",
                c,
                f.bias.len(),
                weights.len()
            ));
        }
        for (i, class) in f.classes.iter().enumerate() {
            if class.plan.is_empty()
                || class
                    .plan
                    .iter()
                    .enumerate()
                    .any(|(j, s)| s.after.iter().any(|a| *a >= j))
            {
                return Err(format!(
                    "class {i}: a plan's steps wait only on earlier ones"
                ));
            }
        }
        Ok(Model {
            bank_sha256: f.bank_sha256,
            rules_sha256: f.rules_sha256,
            experts: f.experts,
            classes: f.classes,
            bias: f.bias,
            weights,
        })
    }

    pub fn to_json(&self) -> String {
        let bytes: Vec<u8> = self.weights.iter().flat_map(|w| w.to_le_bytes()).collect();
        let f = ModelFile {
            format: FORMAT,
            bank_sha256: self.bank_sha256.clone(),
            rules_sha256: self.rules_sha256.clone(),
            experts: self.experts.clone(),
            embed_dim: EMBED_DIM,
            hash_dim: HASH_DIM,
            classes: self.classes.clone(),
            bias: self.bias.clone(),
            weights: base64::engine::general_purpose::STANDARD.encode(bytes),
        };
        let mut s = serde_json::to_string_pretty(&f).unwrap_or_default();
        s.push('\n');
        s
    }

    /// Logits per class.
    pub fn logits(&self, x: &Features) -> Vec<f32> {
        let c = self.classes.len();
        let mut z = self.bias.clone();
        for (i, v) in x.dense.iter().enumerate().filter(|(_, v)| **v != 0.0) {
            let row = &self.weights[i * c..(i + 1) * c];
            z.iter_mut().zip(row).for_each(|(z, w)| *z += v * w);
        }
        let v = x.gram_value();
        let base = self.dense_dim();
        for g in &x.grams {
            let r = base + *g as usize;
            let row = &self.weights[r * c..(r + 1) * c];
            z.iter_mut().zip(row).for_each(|(z, w)| *z += v * w);
        }
        z
    }

    /// Probabilities over the classes that can take `media` (the others get 0).
    pub fn predict(
        &self,
        x: &Features,
        media: MediaClass,
        ok: impl Fn(usize, &Class) -> bool,
    ) -> Vec<f32> {
        let z = self.logits(x);
        let allowed: Vec<bool> = self
            .classes
            .iter()
            .enumerate()
            .map(|(i, c)| c.takes(media) && ok(i, c))
            .collect();
        let max = z
            .iter()
            .zip(&allowed)
            .filter(|(_, a)| **a)
            .map(|(z, _)| *z)
            .fold(f32::NEG_INFINITY, f32::max);
        if max == f32::NEG_INFINITY {
            return vec![0.0; z.len()];
        }
        let e: Vec<f32> = z
            .iter()
            .zip(&allowed)
            .map(|(z, a)| if *a { (z - max).exp() } else { 0.0 })
            .collect();
        let sum: f32 = e.iter().sum();
        e.iter().map(|x| x / sum).collect()
    }
}

// --- the bank and training -------------------------------------------------------------------

/// One labelled request of the bank.
#[derive(Debug, Clone)]
pub struct Labelled {
    pub text: String,
    pub media: MediaClass,
    /// The labelled plan, as the planner would run it (a route with what its manifest needs).
    pub shape: Shape,
    /// Whether it was labelled as a single route.
    pub single: bool,
}

/// Reads a bank (or an evaluation set): one JSON object per line, `text`, `media` (none, image,
/// images, video) and either `route` or `plan` (steps with `expert` and `after`). Routes become
/// the shape the planner runs for them, so that "math on a receipt" and "OCR, then math" are one
/// class.
pub fn read_bank(text: &str, registry: &Registry) -> Result<Vec<Labelled>> {
    let mut out = Vec::new();
    for (i, line) in text
        .lines()
        .enumerate()
        .filter(|(_, l)| !l.trim().is_empty())
    {
        let bad = |m: String| Error::Config(format!("line {}: {m}", i + 1));
        let v: serde_json::Value = serde_json::from_str(line).map_err(|e| bad(e.to_string()))?;
        let text = v["text"].as_str().ok_or_else(|| bad("no text".into()))?;
        let media = v["media"]
            .as_str()
            .and_then(MediaClass::parse)
            .ok_or_else(|| bad("media is none, image, images or video".into()))?;
        let (shape, single) = if let Some(route) = v["route"].as_str() {
            (route_shape(registry, route, media), true)
        } else {
            let steps = v["plan"]
                .as_array()
                .ok_or_else(|| bad("a route or a plan".into()))?;
            let mut shape = Shape::new();
            for (j, s) in steps.iter().enumerate() {
                let expert = s["expert"].as_str().unwrap_or_default().to_string();
                let after: Vec<usize> = s["after"]
                    .as_array()
                    .map(|a| {
                        a.iter()
                            .filter_map(|x| x.as_u64())
                            .map(|x| x as usize)
                            .collect()
                    })
                    .unwrap_or_default();
                if after.iter().any(|a| *a >= j) {
                    return Err(bad(format!("step {j} waits on a later step")));
                }
                shape.push((expert, after));
            }
            (shape, false)
        };
        for (expert, _) in &shape {
            if registry.get(expert).is_none() {
                return Err(bad(format!("no expert {expert:?}")));
            }
        }
        out.push(Labelled {
            text: text.to_string(),
            media,
            shape,
            single,
        });
    }
    Ok(out)
}

/// The shape the planner runs for a single route: the experts its manifest needs for this
/// media first (each reading the images), then the route after all of them.
pub fn route_shape(registry: &Registry, route: &str, media: MediaClass) -> Shape {
    let mut shape = Shape::new();
    if let Some(m) = registry.get(route) {
        let mut needs: Vec<&String> = Vec::new();
        if matches!(media, MediaClass::Image | MediaClass::Images) {
            needs.extend(&m.needs);
        }
        if media == MediaClass::Images {
            needs.extend(&m.needs_with_more_images);
        }
        for n in needs {
            let takes = registry
                .get(n)
                .is_some_and(|n| n.media.is_empty() || n.media.contains(&MediaKind::Image));
            if takes && !shape.iter().any(|(e, _)| e == n) {
                shape.push((n.clone(), vec![]));
            }
        }
    }
    let after = (0..shape.len()).collect();
    shape.push((route.to_string(), after));
    shape
}

/// SHA-256, hex.
pub fn sha256(bytes: &[u8]) -> String {
    Sha256::digest(bytes)
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

/// The digest of what the rule features read: every manifest's id and patterns.
pub fn rules_digest(registry: &Registry) -> String {
    let mut s = String::new();
    for m in registry.all() {
        s.push_str(&m.id);
        s.push('\n');
        for p in &m.rules.patterns {
            s.push_str(p);
            s.push('\n');
        }
    }
    sha256(s.as_bytes())
}

/// Training settings: full-batch Adam on the weighted cross-entropy with an L2 penalty, from
/// zeros (so training is deterministic).
#[derive(Debug, Clone)]
pub struct TrainParams {
    pub epochs: usize,
    pub learning_rate: f32,
    pub l2: f32,
    /// Each example weighs `(n / (classes * examples of its class))^balance`: 0 weighs all
    /// alike; higher lets the rarer plan shapes count against the common single routes.
    pub balance: f32,
}

impl Default for TrainParams {
    fn default() -> Self {
        TrainParams {
            epochs: 300,
            learning_rate: 0.05,
            l2: 1e-5,
            balance: 0.5,
        }
    }
}

/// The distinct shapes of `labels` with the media each was seen with, in first-seen order.
pub fn classes_of(labels: &[(Shape, MediaClass)]) -> Vec<Class> {
    let mut classes: Vec<Class> = Vec::new();
    for (shape, media) in labels {
        let plan: Vec<ShapeStep> = shape
            .iter()
            .map(|(e, a)| ShapeStep {
                expert: e.clone(),
                after: a.clone(),
            })
            .collect();
        match classes.iter_mut().find(|c| c.plan == plan) {
            Some(c) if !c.media.contains(media) => c.media.push(*media),
            Some(_) => {}
            None => classes.push(Class {
                plan,
                media: vec![*media],
            }),
        }
    }
    for c in &mut classes {
        c.media.sort_by_key(|m| m.index());
    }
    classes
}

/// Trains a model on `samples` (features, class index into `classes`).
pub fn train(
    samples: &[(Features, usize)],
    classes: Vec<Class>,
    experts: Vec<String>,
    params: &TrainParams,
) -> Model {
    let c = classes.len();
    let dense = EMBED_DIM + 4 + experts.len();
    let rows = dense + HASH_DIM;
    let mut w = vec![0.0f32; rows * c];
    let mut b = vec![0.0f32; c];
    let (mut mw, mut vw) = (vec![0.0f32; rows * c], vec![0.0f32; rows * c]);
    let (mut mb, mut vb) = (vec![0.0f32; c], vec![0.0f32; c]);
    let (b1, b2, eps) = (0.9f32, 0.999f32, 1e-8f32);
    let mut per_class = vec![0usize; c];
    for (_, y) in samples {
        per_class[*y] += 1;
    }
    let weight: Vec<f32> = samples
        .iter()
        .map(|(_, y)| {
            (samples.len() as f32 / (c as f32 * per_class[*y].max(1) as f32)).powf(params.balance)
        })
        .collect();
    let n: f32 = weight.iter().sum::<f32>().max(1e-9);
    let mut model = Model {
        bank_sha256: String::new(),
        rules_sha256: String::new(),
        experts,
        classes,
        bias: Vec::new(),
        weights: Vec::new(),
    };
    for t in 1..=params.epochs {
        let mut gw = vec![0.0f32; rows * c];
        let mut gb = vec![0.0f32; c];
        model.weights = std::mem::take(&mut w);
        model.bias = std::mem::take(&mut b);
        for ((x, y), weight) in samples.iter().zip(&weight) {
            let z = model.logits(x);
            let max = z.iter().copied().fold(f32::NEG_INFINITY, f32::max);
            let e: Vec<f32> = z.iter().map(|z| (z - max).exp()).collect();
            let sum: f32 = e.iter().sum();
            let g: Vec<f32> = e
                .iter()
                .enumerate()
                .map(|(k, e)| (e / sum - f32::from(u8::from(k == *y))) * weight / n)
                .collect();
            for (i, v) in x.dense.iter().enumerate().filter(|(_, v)| **v != 0.0) {
                let row = &mut gw[i * c..(i + 1) * c];
                row.iter_mut().zip(&g).for_each(|(r, g)| *r += v * g);
            }
            let v = x.gram_value();
            for gram in &x.grams {
                let r = dense + *gram as usize;
                let row = &mut gw[r * c..(r + 1) * c];
                row.iter_mut().zip(&g).for_each(|(r, g)| *r += v * g);
            }
            gb.iter_mut().zip(&g).for_each(|(a, g)| *a += g);
        }
        w = std::mem::take(&mut model.weights);
        b = std::mem::take(&mut model.bias);
        let (c1, c2) = (1.0 - b1.powi(t as i32), 1.0 - b2.powi(t as i32));
        let step = |p: &mut [f32], g: &[f32], m: &mut [f32], v: &mut [f32], l2: f32| {
            for i in 0..p.len() {
                let g = g[i] + l2 * p[i];
                m[i] = b1 * m[i] + (1.0 - b1) * g;
                v[i] = b2 * v[i] + (1.0 - b2) * g * g;
                p[i] -= params.learning_rate * (m[i] / c1) / ((v[i] / c2).sqrt() + eps);
            }
        };
        step(&mut w, &gw, &mut mw, &mut vw, params.l2);
        step(&mut b, &gb, &mut mb, &mut vb, 0.0);
    }
    model.weights = w;
    model.bias = b;
    model
}

/// Trains the routing model from the bank named in the configuration, with the configured
/// encoder and manifests. Returns the model and one line per class (how many examples).
pub fn train_from_config(
    config: &crate::config::Config,
    params: &TrainParams,
) -> Result<(Model, Vec<String>)> {
    let registry = Registry::load(&config.experts.dir, &config.experts.prompts_dir)?;
    let bank_path = &config.routing_bank();
    let bank_bytes = std::fs::read(bank_path)
        .map_err(|e| Error::Config(format!("routing bank {}: {e}", bank_path.display())))?;
    let bank_text = String::from_utf8_lossy(&bank_bytes);
    let bank = read_bank(&bank_text, &registry)
        .map_err(|e| Error::Config(format!("routing bank {}: {e}", bank_path.display())))?;
    let mut encoder = super::encoder::Encoder::load(
        &config.routing.semantic.encoder,
        &config.onnxruntime.library,
    )?;
    let rules = super::RuleStage::new(&registry)?;
    let experts: Vec<String> = registry.ids().into_iter().map(str::to_string).collect();
    let classes = classes_of(
        &bank
            .iter()
            .map(|l| (l.shape.clone(), l.media))
            .collect::<Vec<_>>(),
    );
    let max_chars = config.routing.max_chars;
    let mut samples = Vec::with_capacity(bank.len());
    for l in &bank {
        // What routing reads: the first routing.max_chars characters.
        let text: String = l.text.chars().take(max_chars).collect();
        let embedding = encoder.embed(&[&text])?.remove(0);
        let hits = rules.hits(&text, &experts);
        let y = classes
            .iter()
            .position(|c| c.shape() == l.shape)
            .unwrap_or_default();
        samples.push((Features::new(&embedding, l.media, &text, &hits), y));
    }
    let mut model = train(&samples, classes, experts, params);
    model.bank_sha256 = sha256(&bank_bytes);
    model.rules_sha256 = rules_digest(&registry);
    let report = model
        .classes
        .iter()
        .enumerate()
        .map(|(i, c)| {
            let n = samples.iter().filter(|(_, y)| *y == i).count();
            let shape: Vec<String> = c
                .plan
                .iter()
                .map(|s| format!("{}{:?}", s.expert, s.after))
                .collect();
            let media: Vec<&str> = c.media.iter().map(|m| m.as_str()).collect();
            format!("{n:>5}  {}  ({})", shape.join(" "), media.join(", "))
        })
        .collect();
    Ok((model, report))
}

/// The learned stage as the dispatcher holds it: the model, and which of its classes this
/// server's experts can run.
pub struct LearnedStage {
    pub model: Model,
    /// Per class: every step names an expert of this registry.
    known: Vec<bool>,
    /// Experts some class answers with.
    answers: Vec<String>,
    /// Per expert and media class: the shape a route to it runs (with what it needs).
    routes: Vec<(String, MediaClass, Shape)>,
}

impl LearnedStage {
    pub fn new(model: Model, registry: &Registry) -> LearnedStage {
        let known = model
            .classes
            .iter()
            .map(|c| c.plan.iter().all(|s| registry.get(&s.expert).is_some()))
            .collect();
        let missing: Vec<&str> = registry
            .ids()
            .into_iter()
            .filter(|id| {
                !model
                    .classes
                    .iter()
                    .any(|c| c.plan.iter().any(|s| s.expert == *id))
            })
            .collect();
        if !missing.is_empty() {
            tracing::warn!(
                experts = missing.join(", "),
                "the routing model has never seen these experts; only the rules and examples route to them (retrain: switchboard train-router)"
            );
        }
        if model.rules_sha256 != rules_digest(registry) {
            tracing::warn!(
                "the manifests' rules changed since the routing model was trained (retrain: switchboard train-router)"
            );
        }
        let answers = registry
            .ids()
            .into_iter()
            .filter(|id| model.classes.iter().any(|c| c.answering() == *id))
            .map(str::to_string)
            .collect();
        let routes = registry
            .ids()
            .into_iter()
            .flat_map(|id| {
                MediaClass::ALL
                    .into_iter()
                    .map(move |m| (id.to_string(), m, route_shape(registry, id, m)))
            })
            .collect();
        LearnedStage {
            model,
            known,
            answers,
            routes,
        }
    }

    /// Whether some class answers with this expert.
    pub fn covers(&self, expert: &str) -> bool {
        self.answers.iter().any(|e| e == expert)
    }

    /// The shape a route to `expert` runs with this media.
    pub fn route_shape(&self, expert: &str, media: MediaClass) -> Shape {
        self.routes
            .iter()
            .find(|(e, m, _)| e == expert && *m == media)
            .map(|(_, _, s)| s.clone())
            .unwrap_or_else(|| vec![(expert.to_string(), vec![])])
    }

    /// Class probabilities for a request; `eligible` says whether an expert takes its media
    /// (asked of the steps that read the request's media: those without parents).
    pub fn predict(
        &self,
        x: &Features,
        input: &AskInput,
        eligible: impl Fn(&str) -> bool,
    ) -> Vec<f32> {
        let kinds: Vec<MediaKind> = input.media.iter().map(|m| m.kind).collect();
        let media = MediaClass::of(&kinds);
        // Steps that wait on others work on their output; only the first ones read the media.
        self.model.predict(x, media, |i, c| {
            self.known[i]
                && c.plan
                    .iter()
                    .all(|s| !s.after.is_empty() || eligible(&s.expert))
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn grams_cover_english_words_chinese_characters_and_their_pairs() {
        let g = grams("Read THE total");
        // read, the, total, "read the", "the total"
        assert_eq!(g.len(), 5);
        assert_eq!(grams("read the total"), g, "case does not matter");
        assert_eq!(grams("加起来").len(), 5);
        assert!(grams("!!! ...").is_empty());
    }

    #[test]
    fn training_separates_what_the_features_separate_and_the_file_round_trips() {
        // Two classes told apart by words and by media.
        let classes = vec![
            Class {
                plan: vec![ShapeStep {
                    expert: "a".into(),
                    after: vec![],
                }],
                media: vec![MediaClass::Image],
            },
            Class {
                plan: vec![
                    ShapeStep {
                        expert: "a".into(),
                        after: vec![],
                    },
                    ShapeStep {
                        expert: "b".into(),
                        after: vec![0],
                    },
                ],
                media: vec![MediaClass::Image, MediaClass::Video],
            },
        ];
        let emb = vec![0.1f32; EMBED_DIM];
        let samples: Vec<(Features, usize)> = [
            ("read the sign", 0),
            ("read the label", 0),
            ("read it then add it up", 1),
            ("add up the amounts", 1),
        ]
        .iter()
        .map(|(t, y)| (Features::new(&emb, MediaClass::Image, t, &[0, 0]), *y))
        .collect();
        let model = train(
            &samples,
            classes,
            vec!["a".into(), "b".into()],
            &TrainParams::default(),
        );
        let p = |t: &str, m| model.predict(&Features::new(&emb, m, t, &[0, 0]), m, |_, _| true);
        assert!(p("read the sign", MediaClass::Image)[0] > 0.9);
        assert!(p("add up the amounts", MediaClass::Image)[1] > 0.9);
        // Class 0 was never seen with a video.
        assert_eq!(p("read the sign", MediaClass::Video), vec![0.0, 1.0]);
        let again = Model::parse(&model.to_json()).unwrap();
        assert_eq!(again.weights, model.weights);
        assert_eq!(again.classes, model.classes);
        let x = Features::new(&emb, MediaClass::Image, "read", &[1, 0]);
        assert_eq!(again.logits(&x), model.logits(&x));
        assert!(Model::parse("{}").is_err());
    }
}

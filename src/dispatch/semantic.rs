//! Routing stage two: the request's sentence embedding against the example requests each
//! manifest declares (English and Chinese). An expert's similarity is its best example's cosine;
//! scores are a softmax over those similarities.

use std::sync::Mutex;

use super::encoder::{Encoder, cosine};
use crate::error::{Error, Result};
use crate::experts::Registry;
use crate::media::MediaKind;

pub struct SemanticStage {
    encoder: Mutex<Encoder>,
    /// Per expert (registry order): its id and the embeddings of its examples.
    examples: Vec<(String, Vec<Vec<f32>>)>,
}

/// Whether an expert can take a request with these media kinds: every kind the request carries
/// must be one the expert lists (when it lists any), and an expert that requires media needs
/// one of its kinds present.
pub fn eligible(media: &[MediaKind], requires_media: bool, request: &[MediaKind]) -> bool {
    let accepts = |k: &MediaKind| media.is_empty() || media.contains(k);
    request.iter().all(accepts) && (!requires_media || request.iter().any(|k| media.contains(k)))
}

impl SemanticStage {
    /// Embeds every manifest's examples once, at start-up.
    pub fn new(registry: &Registry, mut encoder: Encoder) -> Result<Self> {
        let mut examples = Vec::new();
        for m in registry.all() {
            let texts: Vec<&str> = m
                .examples
                .en
                .iter()
                .chain(&m.examples.zh)
                .map(String::as_str)
                .collect();
            examples.push((m.id.clone(), encoder.embed(&texts)?));
        }
        Ok(SemanticStage {
            encoder: Mutex::new(encoder),
            examples,
        })
    }

    /// Per expert (registry order): the best cosine similarity of the text to its examples.
    pub fn similarities(&self, text: &str) -> Result<Vec<(String, f32)>> {
        Ok(self.similarities_of(&self.embed(text)?))
    }

    /// The text's sentence embedding.
    pub fn embed(&self, text: &str) -> Result<Vec<f32>> {
        let mut enc = self
            .encoder
            .lock()
            .map_err(|_| Error::Internal("encoder lock poisoned".into()))?;
        Ok(enc.embed(&[text])?.remove(0))
    }

    /// Per expert (registry order): the best cosine similarity of an embedding to its examples.
    pub fn similarities_of(&self, v: &[f32]) -> Vec<(String, f32)> {
        self.examples
            .iter()
            .map(|(id, ex)| {
                (
                    id.clone(),
                    ex.iter()
                        .map(|e| cosine(v, e))
                        .fold(f32::MIN, f32::max)
                        .max(-1.0),
                )
            })
            .collect()
    }
}

/// Softmax with a temperature: turns similarities into scores that sum to one.
pub fn softmax(values: &[f32], temperature: f32) -> Vec<f32> {
    let max = values.iter().copied().fold(f32::MIN, f32::max);
    let exps: Vec<f32> = values
        .iter()
        .map(|v| ((v - max) / temperature.max(1e-6)).exp())
        .collect();
    let sum: f32 = exps.iter().sum();
    exps.iter().map(|e| e / sum).collect()
}

//! Picks the next token from logits: greedy, or sampling with temperature, top-k and top-p, after
//! repetition and presence penalties (the reference order: penalties, temperature, top-k, top-p,
//! draw). Seeded draws are reproducible.

use std::collections::HashMap;

#[derive(Debug, Clone, PartialEq)]
pub struct SamplerConfig {
    /// 0 means greedy.
    pub temperature: f32,
    pub top_k: Option<usize>,
    pub top_p: f32,
    /// HF-style: > 1 discourages tokens already in the prompt or the answer.
    pub repetition_penalty: f32,
    /// OpenAI-style: subtracted once from every token already in the answer.
    pub presence_penalty: f32,
    pub seed: Option<u64>,
}

impl Default for SamplerConfig {
    fn default() -> Self {
        SamplerConfig {
            temperature: 0.0,
            top_k: None,
            top_p: 1.0,
            repetition_penalty: 1.0,
            presence_penalty: 0.0,
            seed: None,
        }
    }
}

/// splitmix64: tiny, fast, and reproducible across platforms.
#[derive(Debug, Clone)]
struct Rng(u64);

impl Rng {
    fn next_u64(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    /// Uniform in [0, 1).
    fn next_f64(&mut self) -> f64 {
        (self.next_u64() >> 11) as f64 / (1u64 << 53) as f64
    }
}

pub struct Sampler {
    config: SamplerConfig,
    rng: Rng,
    /// Tokens the repetition penalty applies to (prompt and answer).
    seen: HashMap<u32, ()>,
    /// Tokens of the answer so far, for the presence penalty.
    generated: HashMap<u32, ()>,
}

impl Sampler {
    pub fn new(config: SamplerConfig, prompt: &[u32]) -> Self {
        let seed = config.seed.unwrap_or_else(|| {
            let t = std::time::SystemTime::now()
                .duration_since(std::time::UNIX_EPOCH)
                .unwrap_or_default();
            t.as_nanos() as u64 ^ (std::process::id() as u64) << 32
        });
        let seen = if config.repetition_penalty != 1.0 {
            prompt.iter().map(|&t| (t, ())).collect()
        } else {
            HashMap::new()
        };
        Sampler {
            config,
            rng: Rng(seed),
            seen,
            generated: HashMap::new(),
        }
    }

    /// Chooses the next token and remembers it for the penalties.
    pub fn sample(&mut self, logits: &[f32]) -> u32 {
        let token = self.choose(logits);
        if self.config.repetition_penalty != 1.0 {
            self.seen.insert(token, ());
        }
        self.generated.insert(token, ());
        token
    }

    fn choose(&mut self, logits: &[f32]) -> u32 {
        let c = &self.config;
        let needs_copy = c.repetition_penalty != 1.0 || c.presence_penalty != 0.0;
        let mut owned;
        let logits: &[f32] = if needs_copy {
            owned = logits.to_vec();
            if c.repetition_penalty != 1.0 {
                for &t in self.seen.keys() {
                    if let Some(l) = owned.get_mut(t as usize) {
                        *l = if *l < 0.0 {
                            *l * c.repetition_penalty
                        } else {
                            *l / c.repetition_penalty
                        };
                    }
                }
            }
            if c.presence_penalty != 0.0 {
                for &t in self.generated.keys() {
                    if let Some(l) = owned.get_mut(t as usize) {
                        *l -= c.presence_penalty;
                    }
                }
            }
            &owned
        } else {
            logits
        };
        if c.temperature <= 0.0 {
            return argmax(logits);
        }
        // Candidates sorted by logit, cut by top-k.
        let mut idx: Vec<u32> = (0..logits.len() as u32)
            .filter(|&i| logits[i as usize].is_finite())
            .collect();
        if idx.is_empty() {
            return argmax(logits);
        }
        let k = c.top_k.unwrap_or(idx.len()).clamp(1, idx.len());
        if k < idx.len() {
            idx.select_nth_unstable_by(k - 1, |&a, &b| {
                logits[b as usize].total_cmp(&logits[a as usize])
            });
            idx.truncate(k);
        }
        idx.sort_unstable_by(|&a, &b| {
            logits[b as usize]
                .total_cmp(&logits[a as usize])
                .then(a.cmp(&b))
        });
        let max = logits[idx[0] as usize] as f64;
        let inv_t = 1.0 / c.temperature as f64;
        let mut probs: Vec<f64> = idx
            .iter()
            .map(|&i| ((logits[i as usize] as f64 - max) * inv_t).exp())
            .collect();
        let total: f64 = probs.iter().sum();
        probs.iter_mut().for_each(|p| *p /= total);
        // Top-p keeps the smallest prefix whose mass reaches p (at least one token).
        if c.top_p < 1.0 {
            let mut acc = 0.0;
            let mut keep = probs.len();
            for (j, p) in probs.iter().enumerate() {
                acc += p;
                if acc >= c.top_p as f64 {
                    keep = j + 1;
                    break;
                }
            }
            probs.truncate(keep);
        }
        let mass: f64 = probs.iter().sum();
        let mut r = self.rng.next_f64() * mass;
        for (j, p) in probs.iter().enumerate() {
            r -= p;
            if r < 0.0 {
                return idx[j];
            }
        }
        idx[probs.len() - 1]
    }
}

/// Index of the largest logit; the lowest index wins ties, as in torch.argmax.
pub fn argmax(logits: &[f32]) -> u32 {
    let mut best = 0;
    for (i, &l) in logits.iter().enumerate() {
        if l > logits[best] {
            best = i;
        }
    }
    best as u32
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn greedy_takes_the_max() {
        let mut s = Sampler::new(SamplerConfig::default(), &[]);
        assert_eq!(s.sample(&[0.1, 3.0, 3.0, -1.0]), 1);
    }

    #[test]
    fn penalties_change_the_choice() {
        let cfg = SamplerConfig {
            repetition_penalty: 2.0,
            ..Default::default()
        };
        // Token 1 was in the prompt: 3.0 / 2 = 1.5 < 2.0.
        let mut s = Sampler::new(cfg, &[1]);
        assert_eq!(s.sample(&[0.0, 3.0, 2.0]), 2);
        let cfg = SamplerConfig {
            presence_penalty: 1.5,
            ..Default::default()
        };
        let mut s = Sampler::new(cfg, &[]);
        assert_eq!(s.sample(&[0.0, 3.0, 2.0]), 1);
        // Now 1 is in the answer: 3.0 - 1.5 < 2.0.
        assert_eq!(s.sample(&[0.0, 3.0, 2.0]), 2);
    }

    #[test]
    fn seeded_sampling_is_reproducible_and_respects_top_k() {
        let logits: Vec<f32> = (0..50).map(|i| (i as f32 * 0.37).sin()).collect();
        let cfg = SamplerConfig {
            temperature: 1.0,
            top_k: Some(3),
            seed: Some(7),
            ..Default::default()
        };
        let a: Vec<u32> = {
            let mut s = Sampler::new(cfg.clone(), &[]);
            (0..100).map(|_| s.sample(&logits)).collect()
        };
        let b: Vec<u32> = {
            let mut s = Sampler::new(cfg, &[]);
            (0..100).map(|_| s.sample(&logits)).collect()
        };
        assert_eq!(a, b);
        let mut top3: Vec<u32> = (0..50).collect();
        top3.sort_by(|&x, &y| logits[y as usize].total_cmp(&logits[x as usize]));
        assert!(a.iter().all(|t| top3[..3].contains(t)));
        assert!(
            top3[..3].iter().all(|t| a.contains(t)),
            "all three should appear in 100 draws"
        );
    }

    #[test]
    fn top_p_keeps_the_nucleus() {
        // One token holds ~88% of the mass; with top_p 0.5 only it can be drawn.
        let logits = [5.0, 3.0, 1.0, 0.0];
        let cfg = SamplerConfig {
            temperature: 1.0,
            top_p: 0.5,
            seed: Some(1),
            ..Default::default()
        };
        let mut s = Sampler::new(cfg, &[]);
        assert!((0..200).all(|_| s.sample(&logits) == 0));
    }
}

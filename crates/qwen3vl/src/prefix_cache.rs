//! Prompt prefixes whose KV cache is kept for reuse: a sequence whose prompt starts with a
//! prefix the cache still holds (the same session's earlier turns, a schema retry of the same
//! step) copies that prefix's keys and values and prefills only the rest. Prefixes are matched
//! in blocks of `BLOCK` tokens: each block boundary has a key, a SHA-256 chained over the
//! caller's scope, every token id so far and the pixels of every image or video whose tokens
//! have begun (so another picture behind the same text never matches). Entries are evicted least
//! recently used once their bytes pass the budget.

use std::collections::HashMap;

use sha2::{Digest, Sha256};

use crate::engine::Prepared;

/// Tokens per block: prefixes are reused in whole blocks.
pub const BLOCK: usize = 16;

pub type Key = [u8; 32];

/// The key of every block boundary of the prompt (`keys[j]` covers positions `0..(j+1)*BLOCK`),
/// up to the last boundary that leaves at least one position to prefill.
pub fn block_keys(scope: &str, p: &Prepared, image_pad: u32, video_pad: u32) -> Vec<Key> {
    let n = p.ids.len();
    let blocks = n.saturating_sub(1) / BLOCK;
    let digest = |values: &[f32], grid: &[usize; 3]| -> Key {
        let mut h = Sha256::new();
        for g in grid {
            h.update((*g as u64).to_le_bytes());
        }
        crate::vision_cache::hash_floats(&mut h, values);
        h.finalize().into()
    };
    // Video runs: one per frame group; a video's pixels enter with its first group.
    let mut video_of_run = Vec::new();
    for (k, (patches, _)) in p.video_patches.iter().enumerate() {
        video_of_run.extend(std::iter::repeat_n(k, patches.grid[0].max(1)));
    }
    let mut prev: Key =
        Sha256::digest([scope.len().to_le_bytes().as_slice(), scope.as_bytes()].concat()).into();
    let (mut image_run, mut video_run) = (0usize, 0usize);
    let mut keys = Vec::with_capacity(blocks);
    for j in 0..blocks {
        let mut h = Sha256::new();
        h.update(prev);
        for i in j * BLOCK..(j + 1) * BLOCK {
            let id = p.ids[i];
            h.update(id.to_le_bytes());
            let starts = i == 0 || p.ids[i - 1] != id;
            if id == image_pad && starts {
                if let Some(img) = p.image_patches.get(image_run) {
                    h.update(digest(&img.values, &img.grid));
                }
                image_run += 1;
            } else if id == video_pad && starts {
                let k = video_of_run.get(video_run).copied();
                let first_of_video =
                    video_run == 0 || video_of_run.get(video_run - 1).copied() != k;
                if let (Some(k), true) = (k, first_of_video) {
                    let (patches, stamps) = &p.video_patches[k];
                    h.update(digest(&patches.values, &patches.grid));
                    for s in stamps {
                        h.update(s.to_le_bytes());
                    }
                }
                video_run += 1;
            }
        }
        prev = h.finalize().into();
        keys.push(prev);
    }
    keys
}

struct Entry {
    /// Per decoder past input, `[kv, len, hd]`.
    values: Vec<Vec<f32>>,
    len: usize,
    bytes: usize,
    keys: Vec<Key>,
    last_used: u64,
}

/// A byte-bounded LRU of prompt prefixes' KV.
pub struct PrefixCache {
    capacity: usize,
    used: usize,
    clock: u64,
    next_id: u64,
    entries: HashMap<u64, Entry>,
    /// Block key → the entry holding it, and the positions it covers.
    index: HashMap<Key, (u64, usize)>,
}

/// A prefix found: per past input `[kv, len, hd]` values, and `len`.
pub struct Hit {
    pub values: Vec<Vec<f32>>,
    pub len: usize,
}

impl PrefixCache {
    /// At most `capacity` bytes of keys and values; 0 keeps nothing.
    pub fn new(capacity: usize) -> Self {
        PrefixCache {
            capacity,
            used: 0,
            clock: 0,
            next_id: 0,
            entries: HashMap::new(),
            index: HashMap::new(),
        }
    }

    pub fn enabled(&self) -> bool {
        self.capacity > 0
    }

    /// The longest held prefix among these block keys, its values cut to its length.
    /// `kv_heads` and `head_dim` give each value's layout.
    pub fn longest(&mut self, keys: &[Key], kv_heads: usize, head_dim: usize) -> Option<Hit> {
        let (id, len) = keys.iter().rev().find_map(|k| self.index.get(k).copied())?;
        self.clock += 1;
        let e = self.entries.get_mut(&id)?;
        e.last_used = self.clock;
        let values = e
            .values
            .iter()
            .map(|v| {
                let mut cut = Vec::with_capacity(kv_heads * len * head_dim);
                for h in 0..kv_heads {
                    let start = h * e.len * head_dim;
                    cut.extend_from_slice(&v[start..start + len * head_dim]);
                }
                cut
            })
            .collect();
        Some(Hit { values, len })
    }

    /// Keeps a prompt's KV (`values` per past input, `[kv, len, hd]`, `len` = keys.len() *
    /// BLOCK positions) under its block keys, evicting the least recently used entries to make
    /// room. A prefix already held in full, or larger than the whole budget, is not kept.
    pub fn insert(&mut self, keys: Vec<Key>, values: Vec<Vec<f32>>, len: usize) {
        let bytes = 4 * values.iter().map(Vec::len).sum::<usize>();
        let held = keys
            .last()
            .and_then(|k| self.index.get(k))
            .is_some_and(|&(_, l)| l == len);
        if keys.is_empty() || bytes > self.capacity || held {
            return;
        }
        while self.used + bytes > self.capacity {
            let Some(oldest) = self
                .entries
                .iter()
                .min_by_key(|(_, e)| e.last_used)
                .map(|(id, _)| *id)
            else {
                break;
            };
            self.evict(oldest);
        }
        self.clock += 1;
        let id = self.next_id;
        self.next_id += 1;
        for (j, k) in keys.iter().enumerate() {
            self.index.insert(*k, (id, (j + 1) * BLOCK));
        }
        self.used += bytes;
        self.entries.insert(
            id,
            Entry {
                values,
                len,
                bytes,
                keys,
                last_used: self.clock,
            },
        );
    }

    fn evict(&mut self, id: u64) {
        if let Some(e) = self.entries.remove(&id) {
            self.used -= e.bytes;
            for k in &e.keys {
                if self.index.get(k).is_some_and(|&(owner, _)| owner == id) {
                    self.index.remove(k);
                }
            }
        }
    }

    /// Bytes held.
    pub fn bytes(&self) -> usize {
        self.used
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn keys(n: usize, salt: u8) -> Vec<Key> {
        (0..n).map(|i| [salt.wrapping_add(i as u8); 32]).collect()
    }

    /// Values of `blocks` blocks, one kv head, head_dim 1, counting up.
    fn values(blocks: usize) -> Vec<Vec<f32>> {
        vec![(0..blocks * BLOCK).map(|i| i as f32).collect()]
    }

    #[test]
    fn finds_the_longest_prefix_and_cuts_it() {
        let mut c = PrefixCache::new(1 << 20);
        c.insert(keys(3, 0), values(3), 3 * BLOCK);
        // A prompt sharing the first two blocks only.
        let mut probe = keys(2, 0);
        probe.push([99; 32]);
        let hit = c.longest(&probe, 1, 1).unwrap();
        assert_eq!(hit.len, 2 * BLOCK);
        assert_eq!(hit.values[0], values(2)[0]);
        assert!(c.longest(&[[42; 32]], 1, 1).is_none());
    }

    #[test]
    fn evicts_the_least_recently_used_within_the_budget() {
        let one = 4 * BLOCK * 2;
        let mut c = PrefixCache::new(2 * one);
        c.insert(keys(2, 0), values(2), 2 * BLOCK);
        c.insert(keys(2, 100), values(2), 2 * BLOCK);
        assert!(c.longest(&keys(2, 0), 1, 1).is_some());
        c.insert(keys(2, 200), values(2), 2 * BLOCK);
        assert_eq!(c.bytes(), 2 * one);
        assert!(c.longest(&keys(2, 100), 1, 1).is_none(), "the oldest went");
        assert!(c.longest(&keys(2, 0), 1, 1).is_some());
        assert!(c.longest(&keys(2, 200), 1, 1).is_some());
        // Larger than the budget: not kept.
        c.insert(keys(5, 50), values(5), 5 * BLOCK);
        assert!(c.longest(&keys(5, 50), 1, 1).is_none());
    }
}

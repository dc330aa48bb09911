//! Vision features computed once and reused: the key is a SHA-256 of who may share them (the
//! caller's scope, e.g. one session) and of the exact pixel rows and grids the encoder would be
//! given, so different processor settings or another image never hit; entries are evicted least
//! recently used once their features pass a byte budget.

use std::collections::HashMap;
use std::sync::Arc;

use sha2::{Digest, Sha256};

use crate::session::VisionOutput;

pub type Key = [u8; 32];

/// The key of one encoder call.
pub fn key(scope: &str, pixels: &[f32], row_len: usize, grids: &[[usize; 3]]) -> Key {
    let mut h = Sha256::new();
    h.update((scope.len() as u64).to_le_bytes());
    h.update(scope.as_bytes());
    h.update((row_len as u64).to_le_bytes());
    h.update((grids.len() as u64).to_le_bytes());
    for g in grids {
        for v in g {
            h.update((*v as u64).to_le_bytes());
        }
    }
    hash_floats(&mut h, pixels);
    h.finalize().into()
}

/// Feeds floats to a hasher as little-endian bytes, in chunks: one `update` per float would
/// cost more than the hashing.
pub fn hash_floats(h: &mut Sha256, values: &[f32]) {
    let mut buf = Vec::with_capacity(4 * 4096);
    for chunk in values.chunks(4096) {
        buf.clear();
        for v in chunk {
            buf.extend_from_slice(&v.to_le_bytes());
        }
        h.update(&buf);
    }
}

/// What one output holds in memory.
pub fn bytes_of(out: &VisionOutput) -> usize {
    4 * (out.features.len() + out.deepstack.iter().map(Vec::len).sum::<usize>())
}

struct Entry {
    out: Arc<VisionOutput>,
    bytes: usize,
    last_used: u64,
}

/// A byte-bounded LRU of encoder outputs.
pub struct VisionCache {
    capacity: usize,
    used: usize,
    clock: u64,
    entries: HashMap<Key, Entry>,
}

impl VisionCache {
    /// A cache of at most `capacity` bytes of features; 0 keeps nothing.
    pub fn new(capacity: usize) -> Self {
        VisionCache {
            capacity,
            used: 0,
            clock: 0,
            entries: HashMap::new(),
        }
    }

    pub fn get(&mut self, key: &Key) -> Option<Arc<VisionOutput>> {
        self.clock += 1;
        let e = self.entries.get_mut(key)?;
        e.last_used = self.clock;
        Some(e.out.clone())
    }

    /// Keeps `out` under `key`, evicting the least recently used entries to make room; an
    /// output larger than the whole budget is not kept.
    pub fn insert(&mut self, key: Key, out: Arc<VisionOutput>) {
        let bytes = bytes_of(&out);
        if bytes > self.capacity || self.entries.contains_key(&key) {
            return;
        }
        while self.used + bytes > self.capacity {
            // A handful of entries at most (each image's features are megabytes): a scan is
            // cheaper than keeping an order.
            let Some(oldest) = self
                .entries
                .iter()
                .min_by_key(|(_, e)| e.last_used)
                .map(|(k, _)| *k)
            else {
                break;
            };
            if let Some(e) = self.entries.remove(&oldest) {
                self.used -= e.bytes;
            }
        }
        self.clock += 1;
        self.used += bytes;
        self.entries.insert(
            key,
            Entry {
                out,
                bytes,
                last_used: self.clock,
            },
        );
    }

    /// Bytes of features held.
    pub fn used(&self) -> usize {
        self.used
    }

    pub fn len(&self) -> usize {
        self.entries.len()
    }

    pub fn is_empty(&self) -> bool {
        self.entries.is_empty()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn out(floats: usize) -> Arc<VisionOutput> {
        Arc::new(VisionOutput {
            features: vec![0.5; floats],
            deepstack: vec![],
        })
    }

    #[test]
    fn keys_differ_by_scope_pixels_and_grid() {
        let p = [0.25f32; 10];
        let k = key("a", &p, 5, &[[1, 2, 2]]);
        assert_eq!(k, key("a", &p, 5, &[[1, 2, 2]]));
        assert_ne!(k, key("b", &p, 5, &[[1, 2, 2]]));
        assert_ne!(k, key("a", &p, 5, &[[1, 1, 4]]));
        let mut q = p;
        q[9] = 0.26;
        assert_ne!(k, key("a", &q, 5, &[[1, 2, 2]]));
        // The scope's length is hashed: "ab" + "c" is not "a" + "bc".
        assert_ne!(key("ab", &p, 5, &[]), key("a", &p, 5, &[]));
    }

    #[test]
    fn evicts_the_least_recently_used_within_the_budget() {
        let mut c = VisionCache::new(100);
        let (a, b, d) = ([1u8; 32], [2u8; 32], [3u8; 32]);
        c.insert(a, out(10)); // 40 bytes
        c.insert(b, out(10));
        assert!(c.get(&a).is_some()); // a is now the more recent
        c.insert(d, out(10)); // 120 > 100: b goes
        assert!(c.get(&b).is_none());
        assert!(c.get(&a).is_some() && c.get(&d).is_some());
        assert_eq!(c.used(), 80);
        // Larger than the whole budget: not kept, nothing evicted.
        c.insert([4u8; 32], out(30));
        assert_eq!((c.len(), c.used()), (2, 80));
        let mut off = VisionCache::new(0);
        off.insert(a, out(1));
        assert!(off.is_empty());
    }
}

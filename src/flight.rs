//! Single flight: at most one holder per key at a time, the others waiting their turn.
//! `memory::Memory` keys it by tenant and request id, so that concurrent duplicates of one
//! request in this process wait for the first and then find its stored answer instead of
//! running the model again (across replicas, the Redis store's leases do the same). A holder
//! that fails, or is dropped (cancelled), lets the next waiter in.

use std::collections::HashMap;
use std::hash::Hash;
use std::sync::{Arc, Mutex};

use tokio::sync::watch;

pub struct Flights<K> {
    /// One sender per key in flight; waiters subscribe, and see it close when the holder goes.
    held: Arc<Mutex<HashMap<K, watch::Sender<()>>>>,
}

impl<K> Default for Flights<K> {
    fn default() -> Self {
        Flights {
            held: Arc::default(),
        }
    }
}

/// Holding a key; dropping it lets the next waiter in.
pub struct Held<K: Eq + Hash> {
    key: K,
    held: Arc<Mutex<HashMap<K, watch::Sender<()>>>>,
}

impl<K: Eq + Hash> Drop for Held<K> {
    fn drop(&mut self) {
        if let Ok(mut held) = self.held.lock() {
            // Dropping the sender wakes every waiter.
            held.remove(&self.key);
        }
    }
}

impl<K: Eq + Hash + Clone> Flights<K> {
    /// Waits until no one holds `key`, then holds it. Dropping the future while it waits
    /// leaves nothing behind.
    pub async fn hold(&self, key: K) -> Held<K> {
        loop {
            let mut closed = {
                let Ok(mut held) = self.held.lock() else {
                    // A panic while the map was locked: nothing to wait for is safer than a
                    // hang, and the caller re-checks what was stored anyway.
                    return Held {
                        key,
                        held: Arc::default(),
                    };
                };
                match held.get(&key) {
                    Some(tx) => tx.subscribe(),
                    None => {
                        held.insert(key.clone(), watch::channel(()).0);
                        return Held {
                            key,
                            held: self.held.clone(),
                        };
                    }
                }
            };
            // Err once the holder's sender is gone; it never sends.
            let _ = closed.changed().await;
        }
    }

    /// Whether someone holds `key` now.
    pub fn is_held(&self, key: &K) -> bool {
        self.held
            .lock()
            .map(|h| h.contains_key(key))
            .unwrap_or(false)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::atomic::{AtomicUsize, Ordering};
    use std::time::Duration;

    #[tokio::test]
    async fn one_holder_at_a_time_per_key() {
        let flights = Arc::new(Flights::<&'static str>::default());
        let inside = Arc::new(AtomicUsize::new(0));
        let most = Arc::new(AtomicUsize::new(0));
        let mut tasks = Vec::new();
        for _ in 0..8 {
            let (flights, inside, most) = (flights.clone(), inside.clone(), most.clone());
            tasks.push(tokio::spawn(async move {
                let _held = flights.hold("k").await;
                let now = inside.fetch_add(1, Ordering::SeqCst) + 1;
                most.fetch_max(now, Ordering::SeqCst);
                tokio::task::yield_now().await;
                tokio::time::sleep(Duration::from_millis(2)).await;
                inside.fetch_sub(1, Ordering::SeqCst);
            }));
        }
        // Another key is not held up.
        let _other = flights.hold("other").await;
        for t in tasks {
            t.await.unwrap();
        }
        assert_eq!(most.load(Ordering::SeqCst), 1);
        assert!(!flights.is_held(&"k"));
        assert!(flights.is_held(&"other"));
    }

    #[tokio::test]
    async fn a_dropped_waiter_or_holder_frees_the_key() {
        let flights = Flights::<u32>::default();
        let first = flights.hold(1).await;
        // A waiter that gives up.
        let waiting = tokio::time::timeout(Duration::from_millis(20), flights.hold(1)).await;
        assert!(waiting.is_err());
        drop(first);
        assert!(!flights.is_held(&1));
        let _again = flights.hold(1).await;
        assert!(flights.is_held(&1));
    }
}

//! Session memory, keyed by (tenant, session): turns (append-only, numbered from 0 in the order
//! they were recorded, oldest dropped past `max_turns_per_session`), the history window, the
//! stored answers of request ids, and single flight over request ids. Owns the choice between
//! the two stores behind it, which keep the same semantics: sled (`sled_store`, embedded, one
//! instance; integrity seal and start-up checks) and Redis (`redis_store`, shared by replicas;
//! atomic appends in Lua, expiry for the TTL, leases for single flight across replicas). The
//! in-process single flight in front of both is here too.

mod redis_store;
mod sled_store;

#[cfg(test)]
mod suite;

use std::sync::Arc;
use std::time::{SystemTime, UNIX_EPOCH};

use crate::config::{MemoryBackend, MemoryConfig};
use crate::error::{Error, Result};
use crate::flight::{Flights, Held};
use crate::proto::{AskResponse, Session, Turn};

pub fn now_ms() -> i64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map(|d| d.as_millis() as i64)
        .unwrap_or(0)
}

/// A turn to record, and optionally the response to store under its request id.
pub struct NewTurn<'a> {
    pub tenant: &'a str,
    pub session_id: &'a str,
    pub turn: Turn,
    /// Stored under the turn's request id (when it has one), with `turn_index` filled in.
    pub response: Option<AskResponse>,
}

#[derive(Clone)]
enum Store {
    Sled(Box<sled_store::Store>),
    Redis(redis_store::Store),
}

#[derive(Clone)]
pub struct Memory {
    store: Store,
    /// Requests with a request id in flight in this process, by (tenant, request id).
    flights: Arc<Flights<(String, String)>>,
}

/// What `claim` found for a request id.
pub enum Claim {
    /// It was answered before: its stored answer.
    Stored(Box<AskResponse>),
    /// No one else runs it now; held until this is dropped.
    Held(Lease),
}

/// Holding a request id: in this process, and with Redis across replicas.
pub struct Lease {
    _local: Held<(String, String)>,
    _shared: Option<redis_store::Lease>,
}

impl Memory {
    /// Opens the configured store. sled is opened and checked now; Redis is connected to on
    /// first use, so that the service starts (and says so in health) while Redis is down.
    pub fn open(config: &MemoryConfig) -> Result<Memory> {
        let store = match config.backend {
            MemoryBackend::Sled => {
                let s = sled_store::Store::open(&config.data_dir, config.clone())?;
                Store::Sled(Box::new(s))
            }
            MemoryBackend::Redis => Store::Redis(redis_store::Store::new(config.clone())?),
        };
        Ok(Memory {
            store,
            flights: Arc::default(),
        })
    }

    pub fn backend(&self) -> MemoryBackend {
        match self.store {
            Store::Sled(_) => MemoryBackend::Sled,
            Store::Redis(_) => MemoryBackend::Redis,
        }
    }

    /// The last `history_turns` turns, oldest first.
    pub async fn recent_turns(&self, tenant: &str, session: &str) -> Result<Vec<Turn>> {
        match &self.store {
            Store::Sled(s) => s.recent_turns(tenant, session),
            Store::Redis(s) => s.recent_turns(tenant, session).await,
        }
    }

    /// Appends a turn; returns its index. Durable (as the store is configured) when it returns.
    pub async fn append(&self, new: NewTurn<'_>) -> Result<u64> {
        match &self.store {
            Store::Sled(s) => s.append(new).await,
            Store::Redis(s) => s.append(new).await,
        }
    }

    /// The stored response for a request id, if the same tenant asked it before.
    pub async fn task(&self, tenant: &str, request_id: &str) -> Result<Option<AskResponse>> {
        match &self.store {
            Store::Sled(s) => s.task(tenant, request_id),
            Store::Redis(s) => s.task(tenant, request_id).await,
        }
    }

    pub async fn session(&self, tenant: &str, session: &str) -> Result<Option<Session>> {
        match &self.store {
            Store::Sled(s) => {
                let (s, t, id) = (s.as_ref().clone(), tenant.to_string(), session.to_string());
                tokio::task::spawn_blocking(move || s.session(&t, &id))
                    .await
                    .map_err(|e| Error::Internal(e.to_string()))?
            }
            Store::Redis(s) => s.session(tenant, session).await,
        }
    }

    /// Deletes a session and its turns; false when there was none.
    pub async fn delete_session(&self, tenant: &str, session: &str) -> Result<bool> {
        match &self.store {
            Store::Sled(s) => s.delete_session(tenant, session).await,
            Store::Redis(s) => s.delete_session(tenant, session).await,
        }
    }

    /// Single flight per tenant and request id: waits while a request with the same id runs
    /// (here, or with Redis on any replica), then gives its stored answer, or (it failed, was
    /// cancelled or its holder died, so nothing was stored) holds the id. `session` is where
    /// this request will record its turn. Dropping the future while it waits leaves nothing
    /// held.
    pub async fn claim(&self, tenant: &str, request_id: &str, session: &str) -> Result<Claim> {
        let local = self
            .flights
            .hold((tenant.to_string(), request_id.to_string()))
            .await;
        match &self.store {
            Store::Sled(s) => Ok(match s.task(tenant, request_id)? {
                Some(stored) => Claim::Stored(Box::new(stored)),
                None => Claim::Held(Lease {
                    _local: local,
                    _shared: None,
                }),
            }),
            Store::Redis(s) => Ok(match s.claim(tenant, request_id, session).await? {
                redis_store::Claimed::Stored(stored) => Claim::Stored(stored),
                redis_store::Claimed::Held(shared) => Claim::Held(Lease {
                    _local: local,
                    _shared: Some(shared),
                }),
            }),
        }
    }

    /// Whether expired sessions must be swept (sled); Redis expires them itself.
    pub fn needs_sweeper(&self) -> bool {
        matches!(self.store, Store::Sled(_))
    }

    /// Deletes expired sessions and answers (sled); returns how many sessions went.
    pub async fn sweep(&self) -> Result<usize> {
        match &self.store {
            Store::Sled(s) => {
                let s = s.as_ref().clone();
                tokio::task::spawn_blocking(move || s.sweep())
                    .await
                    .map_err(|e| Error::Internal(e.to_string()))?
            }
            Store::Redis(_) => Ok(0),
        }
    }

    /// The store's bytes on disk, for the store-size gauge: sled's own; none for Redis, which
    /// replicas share (Redis reports its own memory).
    pub fn size_on_disk(&self) -> Option<u64> {
        match &self.store {
            Store::Sled(s) => Some(s.size_on_disk()),
            Store::Redis(_) => None,
        }
    }

    /// Whether the store answers now (one try, no retries), for health.
    pub async fn check(&self) -> Result<()> {
        match &self.store {
            Store::Sled(_) => Ok(()),
            Store::Redis(s) => s.ping().await,
        }
    }

    /// Flushes to disk (sled); call on shutdown.
    pub async fn flush(&self) -> Result<()> {
        match &self.store {
            Store::Sled(s) => s.flush().await,
            Store::Redis(_) => Ok(()),
        }
    }
}

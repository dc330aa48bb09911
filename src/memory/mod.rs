//! Session memory in sled, keyed by (tenant, session): session records, turns (append-only,
//! oldest dropped past a cap), and task records that make retried requests idempotent. Sessions
//! untouched past their TTL are swept. Owns durability: `append` flushes before it returns, so a
//! reply that depends on a turn is only sent once the turn is on disk.

use std::path::Path;
use std::time::{SystemTime, UNIX_EPOCH};

use prost::Message as _;
use serde::{Deserialize, Serialize};
use sled::Transactional;
use sled::transaction::{ConflictableTransactionError, TransactionError};

use crate::config::MemoryConfig;
use crate::error::{Error, Result};
use crate::proto::{AskResponse, Session, Turn};

#[derive(Clone)]
pub struct Store {
    db: sled::Db,
    sessions: sled::Tree,
    turns: sled::Tree,
    tasks: sled::Tree,
    config: MemoryConfig,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
struct SessionRecord {
    created_at_ms: i64,
    updated_at_ms: i64,
    /// Index of the oldest turn kept.
    first_index: u64,
    /// Index the next turn gets.
    next_index: u64,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
struct TaskRecord {
    created_at_ms: i64,
    session_id: String,
    /// The encoded AskResponse.
    response: Vec<u8>,
}

pub fn now_ms() -> i64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map(|d| d.as_millis() as i64)
        .unwrap_or(0)
}

/// Keys are "tenant \0 session"; ids never contain NUL (the API layer checks their characters).
fn session_key(tenant: &str, session: &str) -> Vec<u8> {
    let mut k = Vec::with_capacity(tenant.len() + session.len() + 1);
    k.extend_from_slice(tenant.as_bytes());
    k.push(0);
    k.extend_from_slice(session.as_bytes());
    k
}

fn turns_prefix(tenant: &str, session: &str) -> Vec<u8> {
    let mut k = session_key(tenant, session);
    k.push(0);
    k
}

fn turn_key(tenant: &str, session: &str, index: u64) -> Vec<u8> {
    let mut k = turns_prefix(tenant, session);
    k.extend_from_slice(&index.to_be_bytes());
    k
}

fn encode<T: Serialize>(v: &T) -> Result<Vec<u8>> {
    serde_json::to_vec(v).map_err(|e| Error::Storage(e.to_string()))
}

fn decode<'a, T: Deserialize<'a>>(b: &'a [u8]) -> Result<T> {
    serde_json::from_slice(b).map_err(|e| Error::Storage(format!("corrupt record: {e}")))
}

/// A turn to record, and optionally the response to store under its request id.
pub struct NewTurn<'a> {
    pub tenant: &'a str,
    pub session_id: &'a str,
    pub turn: Turn,
    /// Stored under the turn's request id (when it has one), with `turn_index` filled in.
    pub response: Option<AskResponse>,
}

impl Store {
    pub fn open(dir: &Path, config: MemoryConfig) -> Result<Store> {
        std::fs::create_dir_all(dir)
            .map_err(|e| Error::Storage(format!("cannot create {}: {e}", dir.display())))?;
        let db = sled::Config::new().path(dir.join("memory.sled")).open()?;
        Ok(Store {
            sessions: db.open_tree("sessions")?,
            turns: db.open_tree("turns")?,
            tasks: db.open_tree("tasks")?,
            db,
            config,
        })
    }

    /// The last `history_turns` turns, oldest first.
    pub fn recent_turns(&self, tenant: &str, session: &str) -> Result<Vec<Turn>> {
        let n = self.config.history_turns;
        let mut out = Vec::with_capacity(n);
        for item in self
            .turns
            .scan_prefix(turns_prefix(tenant, session))
            .rev()
            .take(n)
        {
            let (_, v) = item?;
            out.push(Turn::decode(v.as_ref())?);
        }
        out.reverse();
        Ok(out)
    }

    /// Appends a turn (its index is assigned here and returned), drops the oldest past the cap,
    /// stores the task record, and flushes.
    pub async fn append(&self, new: NewTurn<'_>) -> Result<u64> {
        let skey = session_key(new.tenant, new.session_id);
        let now = now_ms();
        let max = self.config.max_turns_per_session as u64;
        let task_key = (!new.turn.request_id.is_empty())
            .then(|| session_key(new.tenant, &new.turn.request_id));
        let result =
            (&self.sessions, &self.turns, &self.tasks).transaction(|(sessions, turns, tasks)| {
                let mut rec = match sessions.get(&skey)? {
                    Some(b) => {
                        decode::<SessionRecord>(&b).map_err(ConflictableTransactionError::Abort)?
                    }
                    None => SessionRecord {
                        created_at_ms: now,
                        updated_at_ms: now,
                        first_index: 0,
                        next_index: 0,
                    },
                };
                let index = rec.next_index;
                let mut turn = new.turn.clone();
                turn.index = index;
                turns.insert(
                    turn_key(new.tenant, new.session_id, index),
                    turn.encode_to_vec(),
                )?;
                rec.next_index += 1;
                rec.updated_at_ms = now;
                while rec.next_index - rec.first_index > max {
                    turns.remove(turn_key(new.tenant, new.session_id, rec.first_index))?;
                    rec.first_index += 1;
                }
                sessions.insert(
                    skey.as_slice(),
                    encode(&rec).map_err(ConflictableTransactionError::Abort)?,
                )?;
                if let (Some(k), Some(resp)) = (&task_key, &new.response) {
                    let mut resp = resp.clone();
                    resp.turn_index = index;
                    let rec = TaskRecord {
                        created_at_ms: now,
                        session_id: new.session_id.to_string(),
                        response: resp.encode_to_vec(),
                    };
                    tasks.insert(
                        k.as_slice(),
                        encode(&rec).map_err(ConflictableTransactionError::Abort)?,
                    )?;
                }
                Ok(index)
            });
        let index = result.map_err(|e| match e {
            TransactionError::Abort(e) => e,
            TransactionError::Storage(e) => Error::from(e),
        })?;
        self.db.flush_async().await?;
        Ok(index)
    }

    /// The stored response for a request id, if the same tenant asked it before.
    pub fn task(&self, tenant: &str, request_id: &str) -> Result<Option<AskResponse>> {
        match self.tasks.get(session_key(tenant, request_id))? {
            Some(b) => {
                let rec: TaskRecord = decode(&b)?;
                Ok(Some(AskResponse::decode(rec.response.as_slice())?))
            }
            None => Ok(None),
        }
    }

    pub fn session(&self, tenant: &str, session: &str) -> Result<Option<Session>> {
        let Some(b) = self.sessions.get(session_key(tenant, session))? else {
            return Ok(None);
        };
        let rec: SessionRecord = decode(&b)?;
        let mut turns = Vec::new();
        for item in self.turns.scan_prefix(turns_prefix(tenant, session)) {
            let (_, v) = item?;
            turns.push(Turn::decode(v.as_ref())?);
        }
        Ok(Some(Session {
            session_id: session.to_string(),
            created_at_ms: rec.created_at_ms,
            updated_at_ms: rec.updated_at_ms,
            turns,
        }))
    }

    /// Deletes a session and its turns; false when there was none.
    pub async fn delete_session(&self, tenant: &str, session: &str) -> Result<bool> {
        let existed = self.remove_session(tenant, session)?;
        self.db.flush_async().await?;
        Ok(existed)
    }

    fn remove_session(&self, tenant: &str, session: &str) -> Result<bool> {
        let existed = self
            .sessions
            .remove(session_key(tenant, session))?
            .is_some();
        let mut batch = sled::Batch::default();
        for item in self.turns.scan_prefix(turns_prefix(tenant, session)).keys() {
            batch.remove(item?);
        }
        self.turns.apply_batch(batch)?;
        Ok(existed)
    }

    /// Deletes sessions and task records older than the TTL. Returns how many sessions went.
    pub fn sweep(&self) -> Result<usize> {
        let cutoff = now_ms() - (self.config.session_ttl_secs as i64).saturating_mul(1000);
        let mut expired = Vec::new();
        for item in self.sessions.iter() {
            let (k, v) = item?;
            let rec: SessionRecord = decode(&v)?;
            if rec.updated_at_ms < cutoff {
                expired.push(k);
            }
        }
        for k in &expired {
            let mut parts = k.splitn(2, |&b| b == 0);
            let tenant = String::from_utf8_lossy(parts.next().unwrap_or_default()).into_owned();
            let session = String::from_utf8_lossy(parts.next().unwrap_or_default()).into_owned();
            self.remove_session(&tenant, &session)?;
        }
        for item in self.tasks.iter() {
            let (k, v) = item?;
            let rec: TaskRecord = decode(&v)?;
            if rec.created_at_ms < cutoff {
                self.tasks.remove(k)?;
            }
        }
        Ok(expired.len())
    }

    /// Bytes on disk (sled's own count).
    pub fn size_on_disk(&self) -> u64 {
        self.db.size_on_disk().unwrap_or(0)
    }

    pub async fn flush(&self) -> Result<()> {
        self.db.flush_async().await?;
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn turn(text: &str, request_id: &str) -> Turn {
        Turn {
            text: text.into(),
            answer: format!("re: {text}"),
            request_id: request_id.into(),
            ..Default::default()
        }
    }

    fn config() -> MemoryConfig {
        MemoryConfig {
            history_turns: 2,
            max_turns_per_session: 3,
            ..MemoryConfig::default()
        }
    }

    #[tokio::test]
    async fn appends_caps_and_survives_reopen() {
        let dir = tempfile::tempdir().unwrap();
        {
            let s = Store::open(dir.path(), config()).unwrap();
            for i in 0..5 {
                let n = NewTurn {
                    tenant: "t",
                    session_id: "s1",
                    turn: turn(&format!("q{i}"), ""),
                    response: None,
                };
                assert_eq!(s.append(n).await.unwrap(), i);
            }
            let other = NewTurn {
                tenant: "u",
                session_id: "s1",
                turn: turn("other tenant", ""),
                response: None,
            };
            s.append(other).await.unwrap();
            let recent = s.recent_turns("t", "s1").unwrap();
            assert_eq!(
                recent.iter().map(|t| t.text.as_str()).collect::<Vec<_>>(),
                ["q3", "q4"]
            );
        }
        let s = Store::open(dir.path(), config()).unwrap();
        let sess = s.session("t", "s1").unwrap().unwrap();
        assert_eq!(
            sess.turns.iter().map(|t| t.index).collect::<Vec<_>>(),
            [2, 3, 4]
        );
        assert_eq!(s.session("u", "s1").unwrap().unwrap().turns.len(), 1);
        assert!(s.session("t", "nope").unwrap().is_none());
        assert!(s.delete_session("t", "s1").await.unwrap());
        assert!(s.session("t", "s1").unwrap().is_none());
        assert!(s.recent_turns("t", "s1").unwrap().is_empty());
        assert!(!s.delete_session("t", "s1").await.unwrap());
    }

    #[tokio::test]
    async fn stores_tasks_per_tenant_and_sweeps() {
        let dir = tempfile::tempdir().unwrap();
        let s = Store::open(
            dir.path(),
            MemoryConfig {
                session_ttl_secs: 0,
                ..config()
            },
        )
        .unwrap();
        let resp = AskResponse {
            text: "hello".into(),
            ..Default::default()
        };
        let n = NewTurn {
            tenant: "t",
            session_id: "s",
            turn: turn("q", "r1"),
            response: Some(resp),
        };
        s.append(n).await.unwrap();
        assert_eq!(s.task("t", "r1").unwrap().unwrap().text, "hello");
        assert!(s.task("other", "r1").unwrap().is_none());
        std::thread::sleep(std::time::Duration::from_millis(5));
        assert_eq!(s.sweep().unwrap(), 1);
        assert!(s.session("t", "s").unwrap().is_none());
        assert!(s.task("t", "r1").unwrap().is_none());
    }
}

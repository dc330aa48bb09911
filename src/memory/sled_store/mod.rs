//! Session memory in sled, the embedded default (`memory.backend = "sled"`), keyed by (tenant,
//! session): session records, turns (append-only, oldest dropped past a cap), and task records
//! that make retried requests idempotent. Sessions untouched past their TTL are swept. Owns
//! durability: `append` flushes before it returns, so a reply that depends on a turn is only
//! sent once the turn is on disk; and integrity: every write transaction also updates a state
//! record (a count of writes and a sum of the hashes of all records), acknowledged writes are
//! counted in the seal beside sled (`seal`), start-up checks both against what it reads back
//! (`check`), and a record that does not read back while serving is reported loudly.

mod check;
mod seal;

use std::path::{Path, PathBuf};
use std::sync::Arc;

use prost::Message as _;
use serde::{Deserialize, Serialize};
use sled::Transactional;
use sled::transaction::{
    ConflictableTransactionError, TransactionError, TransactionalTree, UnabortableTransactionError,
};

use super::{NewTurn, now_ms};
use crate::config::MemoryConfig;
use crate::error::{Error, Result};
use crate::proto::{AskResponse, Session, Turn};

/// The sled directory inside `data_dir`.
pub const DB_DIR: &str = "memory.sled";
/// The seal file inside `data_dir`.
pub const SEAL_FILE: &str = "memory.seal";
/// The key of the state record in the `meta` tree.
const STATE_KEY: &[u8] = b"state";

#[derive(Clone)]
pub struct Store {
    db: sled::Db,
    sessions: sled::Tree,
    turns: sled::Tree,
    tasks: sled::Tree,
    meta: sled::Tree,
    seal: Arc<seal::Seal>,
    /// The sled directory, named in errors and logs.
    path: Arc<PathBuf>,
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

/// A key as logs show it: `tenant/session`, and `#index` for a turn.
fn show_key(tree: &str, key: &[u8]) -> String {
    let (text, index) = match (tree, key.len().checked_sub(8)) {
        ("turns", Some(n)) => {
            let mut idx = [0u8; 8];
            idx.copy_from_slice(&key[n..]);
            // Without the NUL that ends the session part.
            let text = &key[..n];
            (
                text.strip_suffix(&[0]).unwrap_or(text),
                Some(u64::from_be_bytes(idx)),
            )
        }
        _ => (key, None),
    };
    let mut out: String = text
        .iter()
        .map(|&b| match b {
            0 => "/".to_string(),
            0x20..=0x7e => (b as char).to_string(),
            _ => format!("\\x{b:02x}"),
        })
        .collect();
    if let Some(i) = index {
        out.push_str(&format!("#{i}"));
    }
    out
}

fn encode<T: Serialize>(v: &T) -> Result<Vec<u8>> {
    serde_json::to_vec(v).map_err(|e| Error::Storage(e.to_string()))
}

fn decode<'a, T: Deserialize<'a>>(b: &'a [u8]) -> std::result::Result<T, String> {
    serde_json::from_slice(b).map_err(|e| e.to_string())
}

fn decode_task(b: &[u8]) -> std::result::Result<AskResponse, String> {
    let rec: TaskRecord = decode(b)?;
    AskResponse::decode(rec.response.as_slice()).map_err(|e| format!("its response: {e}"))
}

/// What the `meta` tree keeps, written in every write transaction: how many writes there have
/// been (the seal counts the acknowledged ones), and the sum of `record_hash` over every record
/// in the other trees, which start-up recomputes. sled can lose records from the middle of its
/// log without an error (a damaged segment it no longer replays): the sum is what notices.
#[derive(Debug, Default, Clone, Copy, PartialEq, Eq)]
struct State {
    writes: u64,
    sum: u64,
}

impl State {
    fn decode(b: &[u8]) -> std::result::Result<State, String> {
        let b = <[u8; 16]>::try_from(b)
            .map_err(|_| format!("{} bytes where the state takes 16", b.len()))?;
        let (w, s) = b.split_at(8);
        let n = |x: &[u8]| u64::from_be_bytes(x.try_into().unwrap_or_default());
        Ok(State {
            writes: n(w),
            sum: n(s),
        })
    }

    fn encode(&self) -> [u8; 16] {
        let mut b = [0u8; 16];
        b[..8].copy_from_slice(&self.writes.to_be_bytes());
        b[8..].copy_from_slice(&self.sum.to_be_bytes());
        b
    }
}

/// A record's share of the state's sum (order-independent, so records can be added and removed).
fn record_hash(tree: &str, key: &[u8], value: &[u8]) -> u64 {
    use sha2::Digest as _;
    let mut h = sha2::Sha256::new();
    h.update(tree.as_bytes());
    h.update([0]);
    h.update((key.len() as u64).to_be_bytes());
    h.update(key);
    h.update(value);
    let d = h.finalize();
    let mut first = [0u8; 8];
    first.copy_from_slice(&d[..8]);
    u64::from_be_bytes(first)
}

/// One write transaction's changes to the records, folded into the state at its end.
struct Tally(u64);

impl Tally {
    fn put(
        &mut self,
        tree: &TransactionalTree,
        name: &str,
        key: &[u8],
        value: Vec<u8>,
    ) -> std::result::Result<(), UnabortableTransactionError> {
        let added = record_hash(name, key, &value);
        if let Some(old) = tree.insert(key, value)? {
            self.0 = self.0.wrapping_sub(record_hash(name, key, &old));
        }
        self.0 = self.0.wrapping_add(added);
        Ok(())
    }

    fn remove(
        &mut self,
        tree: &TransactionalTree,
        name: &str,
        key: &[u8],
    ) -> std::result::Result<bool, UnabortableTransactionError> {
        let old = tree.remove(key)?;
        if let Some(old) = &old {
            self.0 = self.0.wrapping_sub(record_hash(name, key, old));
        }
        Ok(old.is_some())
    }

    /// Counts the write and adds the changes to the state; returns the write's number.
    fn commit(
        self,
        meta: &TransactionalTree,
    ) -> std::result::Result<u64, ConflictableTransactionError<Error>> {
        let mut state = match meta.get(STATE_KEY)? {
            Some(b) => State::decode(&b).map_err(|e| {
                ConflictableTransactionError::Abort(Error::Storage(format!("state record: {e}")))
            })?,
            None => State::default(),
        };
        state.writes += 1;
        state.sum = state.sum.wrapping_add(self.0);
        meta.insert(STATE_KEY, &state.encode())?;
        Ok(state.writes)
    }
}

/// Damage found while serving (a record that does not decode, or sled reporting corruption):
/// an ERROR naming the store and key, the corruption metric, and a Storage error (INTERNAL to
/// clients, who never see the details).
fn damaged(path: &Path, tree: &str, key: Option<&[u8]>, what: &dyn std::fmt::Display) -> Error {
    let key = key.map(|k| show_key(tree, k)).unwrap_or_default();
    tracing::error!(
        store = %path.display(),
        tree,
        key = %key,
        error = %what,
        "session store damaged: a record does not read back"
    );
    crate::metrics::get()
        .memory_corruption
        .add(1, &crate::metrics::attrs(&[("at", "read".to_string())]));
    Error::Storage(format!(
        "session store {}: {tree} record {key:?}: {what}",
        path.display()
    ))
}

impl Store {
    /// Opens the store under `dir`, checks it (see `check`), and acts on damage as
    /// `config.on_corruption` says. Every error names the path it is about.
    pub fn open(dir: &Path, config: MemoryConfig) -> Result<Store> {
        check::open(dir, config)
    }

    /// The sled directory.
    #[cfg(test)]
    pub fn path(&self) -> &Path {
        &self.path
    }

    /// A sled error while serving, naming the store; corruption is also reported loudly.
    fn sled_error(&self, tree: &str, key: Option<&[u8]>, e: sled::Error) -> Error {
        match e {
            sled::Error::Corruption { at, .. } => damaged(
                &self.path,
                tree,
                key,
                &format!("sled found corrupt data at {at:?}"),
            ),
            e => Error::Storage(format!("session store {}: {e}", self.path.display())),
        }
    }

    fn get(&self, tree: &sled::Tree, name: &str, key: &[u8]) -> Result<Option<sled::IVec>> {
        tree.get(key)
            .map_err(|e| self.sled_error(name, Some(key), e))
    }

    /// The turns under `prefix`, oldest first; `last` keeps only that many of the newest.
    fn scan_turns(&self, prefix: Vec<u8>, last: Option<usize>) -> Result<Vec<Turn>> {
        let mut out = Vec::new();
        let iter = self.turns.scan_prefix(&prefix);
        let items: Box<dyn Iterator<Item = sled::Result<(sled::IVec, sled::IVec)>>> = match last {
            Some(n) => Box::new(iter.rev().take(n)),
            None => Box::new(iter),
        };
        for item in items {
            let (k, v) = item.map_err(|e| self.sled_error("turns", Some(&prefix), e))?;
            out.push(
                Turn::decode(v.as_ref()).map_err(|e| damaged(&self.path, "turns", Some(&k), &e))?,
            );
        }
        if last.is_some() {
            out.reverse();
        }
        Ok(out)
    }

    /// The last `history_turns` turns, oldest first.
    pub fn recent_turns(&self, tenant: &str, session: &str) -> Result<Vec<Turn>> {
        self.scan_turns(
            turns_prefix(tenant, session),
            Some(self.config.history_turns),
        )
    }

    /// Appends a turn (its index is assigned here and returned), drops the oldest past the cap,
    /// stores the task record, counts the write, flushes, and raises the seal.
    pub async fn append(&self, new: NewTurn<'_>) -> Result<u64> {
        let skey = session_key(new.tenant, new.session_id);
        let now = now_ms();
        let max = self.config.max_turns_per_session as u64;
        let task_key = (!new.turn.request_id.is_empty())
            .then(|| session_key(new.tenant, &new.turn.request_id));
        let path = self.path.clone();
        let result = (&self.sessions, &self.turns, &self.tasks, &self.meta).transaction(
            |(sessions, turns, tasks, meta)| {
                let mut tally = Tally(0);
                let mut rec = match sessions.get(&skey)? {
                    Some(b) => decode::<SessionRecord>(&b).map_err(|e| {
                        ConflictableTransactionError::Abort(damaged(
                            &path,
                            "sessions",
                            Some(&skey),
                            &e,
                        ))
                    })?,
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
                tally.put(
                    turns,
                    "turns",
                    &turn_key(new.tenant, new.session_id, index),
                    turn.encode_to_vec(),
                )?;
                rec.next_index += 1;
                rec.updated_at_ms = now;
                while rec.next_index - rec.first_index > max {
                    let old = turn_key(new.tenant, new.session_id, rec.first_index);
                    tally.remove(turns, "turns", &old)?;
                    rec.first_index += 1;
                }
                let rec = encode(&rec).map_err(ConflictableTransactionError::Abort)?;
                tally.put(sessions, "sessions", &skey, rec)?;
                if let (Some(k), Some(resp)) = (&task_key, &new.response) {
                    let mut resp = resp.clone();
                    resp.turn_index = index;
                    let rec = TaskRecord {
                        created_at_ms: now,
                        session_id: new.session_id.to_string(),
                        response: resp.encode_to_vec(),
                    };
                    let rec = encode(&rec).map_err(ConflictableTransactionError::Abort)?;
                    tally.put(tasks, "tasks", k, rec)?;
                }
                Ok((index, tally.commit(meta)?))
            },
        );
        let (index, writes) = result.map_err(|e| match e {
            TransactionError::Abort(e) => e,
            TransactionError::Storage(e) => self.sled_error("sessions", Some(&skey), e),
        })?;
        self.make_durable(writes).await?;
        Ok(index)
    }

    /// Flushes sled, then raises the seal to `writes`: in this order, so that the seal never
    /// counts a write sled could lose in a crash.
    async fn make_durable(&self, writes: u64) -> Result<()> {
        self.flush().await?;
        let seal = self.seal.clone();
        tokio::task::spawn_blocking(move || {
            seal.raise(writes)
                .map_err(|e| Error::Storage(format!("cannot write {}: {e}", seal.path().display())))
        })
        .await
        .map_err(|e| Error::Internal(e.to_string()))?
    }

    /// The stored response for a request id, if the same tenant asked it before.
    pub fn task(&self, tenant: &str, request_id: &str) -> Result<Option<AskResponse>> {
        let key = session_key(tenant, request_id);
        match self.get(&self.tasks, "tasks", &key)? {
            Some(b) => decode_task(&b)
                .map(Some)
                .map_err(|e| damaged(&self.path, "tasks", Some(&key), &e)),
            None => Ok(None),
        }
    }

    pub fn session(&self, tenant: &str, session: &str) -> Result<Option<Session>> {
        let key = session_key(tenant, session);
        let Some(b) = self.get(&self.sessions, "sessions", &key)? else {
            return Ok(None);
        };
        let rec: SessionRecord =
            decode(&b).map_err(|e| damaged(&self.path, "sessions", Some(&key), &e))?;
        Ok(Some(Session {
            session_id: session.to_string(),
            created_at_ms: rec.created_at_ms,
            updated_at_ms: rec.updated_at_ms,
            turns: self.scan_turns(turns_prefix(tenant, session), None)?,
        }))
    }

    /// Deletes a session and its turns; false when there was none. Sealed like an append: a
    /// deletion that was acknowledged must not come back.
    pub async fn delete_session(&self, tenant: &str, session: &str) -> Result<bool> {
        let (existed, writes) = self.remove_session(tenant, session)?;
        self.make_durable(writes).await?;
        Ok(existed)
    }

    /// Removes a session record and its turns in one transaction; returns whether there was a
    /// record, and the write's number.
    fn remove_session(&self, tenant: &str, session: &str) -> Result<(bool, u64)> {
        let key = session_key(tenant, session);
        let mut turn_keys = Vec::new();
        for k in self.turns.scan_prefix(turns_prefix(tenant, session)).keys() {
            turn_keys.push(k.map_err(|e| self.sled_error("turns", Some(&key), e))?);
        }
        (&self.sessions, &self.turns, &self.meta)
            .transaction(|(sessions, turns, meta)| {
                let mut tally = Tally(0);
                let existed = tally.remove(sessions, "sessions", &key)?;
                for k in &turn_keys {
                    tally.remove(turns, "turns", k)?;
                }
                Ok((existed, tally.commit(meta)?))
            })
            .map_err(|e| self.transaction_error("sessions", &key, e))
    }

    fn transaction_error(&self, tree: &str, key: &[u8], e: TransactionError<Error>) -> Error {
        match e {
            TransactionError::Abort(e) => e,
            TransactionError::Storage(e) => self.sled_error(tree, Some(key), e),
        }
    }

    /// Deletes sessions and task records older than the TTL. Returns how many sessions went.
    pub fn sweep(&self) -> Result<usize> {
        let cutoff = now_ms() - (self.config.session_ttl_secs as i64).saturating_mul(1000);
        let mut expired = Vec::new();
        for item in self.sessions.iter() {
            let (k, v) = item.map_err(|e| self.sled_error("sessions", None, e))?;
            let rec: SessionRecord =
                decode(&v).map_err(|e| damaged(&self.path, "sessions", Some(&k), &e))?;
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
        let mut old_tasks = Vec::new();
        for item in self.tasks.iter() {
            let (k, v) = item.map_err(|e| self.sled_error("tasks", None, e))?;
            let rec: TaskRecord =
                decode(&v).map_err(|e| damaged(&self.path, "tasks", Some(&k), &e))?;
            if rec.created_at_ms < cutoff {
                old_tasks.push(k);
            }
        }
        for chunk in old_tasks.chunks(256) {
            (&self.tasks, &self.meta)
                .transaction(|(tasks, meta)| {
                    let mut tally = Tally(0);
                    for k in chunk {
                        tally.remove(tasks, "tasks", k)?;
                    }
                    tally.commit(meta)
                })
                .map_err(|e| self.transaction_error("tasks", &chunk[0], e))?;
        }
        Ok(expired.len())
    }

    /// Bytes on disk (sled's own count).
    pub fn size_on_disk(&self) -> u64 {
        self.db.size_on_disk().unwrap_or(0)
    }

    pub async fn flush(&self) -> Result<()> {
        self.db
            .flush_async()
            .await
            .map_err(|e| self.sled_error("(flush)", None, e))?;
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::config::OnCorruption;
    use std::sync::{Mutex, OnceLock};
    use switchboard_testkit::fs::copy_dir;

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

    fn runtime() -> tokio::runtime::Runtime {
        tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .unwrap()
    }

    /// Everything logged while `f` runs on this thread.
    fn logged<T>(f: impl FnOnce() -> T) -> (T, String) {
        #[derive(Clone, Default)]
        struct Buf(Arc<Mutex<Vec<u8>>>);
        impl std::io::Write for Buf {
            fn write(&mut self, b: &[u8]) -> std::io::Result<usize> {
                self.0.lock().unwrap().extend_from_slice(b);
                Ok(b.len())
            }
            fn flush(&mut self) -> std::io::Result<()> {
                Ok(())
            }
        }
        let buf = Buf::default();
        let writer = buf.clone();
        let sub = tracing_subscriber::fmt()
            .with_ansi(false)
            .with_writer(move || writer.clone())
            .finish();
        let out = tracing::subscriber::with_default(sub, f);
        let text = String::from_utf8_lossy(&buf.0.lock().unwrap()).into_owned();
        (out, text)
    }

    const TURNS: usize = 50;

    /// A turn about the size of a real one (text, answer, and a result in the task record).
    fn big_turn(i: usize) -> Turn {
        let text = format!("question {i}: ") + &"lorem ipsum ".repeat(150);
        Turn {
            answer: format!("answer {i}: ") + &"dolor sit amet ".repeat(150),
            ..turn(&text, &format!("req-{i}"))
        }
    }

    async fn fill(s: &Store, from: usize, to: usize) {
        for i in from..to {
            let t = big_turn(i);
            let response = AskResponse {
                text: t.answer.clone(),
                session_id: "s".into(),
                ..Default::default()
            };
            s.append(NewTurn {
                tenant: "t",
                session_id: "s",
                turn: t,
                response: Some(response),
            })
            .await
            .unwrap();
        }
    }

    fn big_config(on_corruption: OnCorruption) -> MemoryConfig {
        MemoryConfig {
            on_corruption,
            ..MemoryConfig::default()
        }
    }

    /// A data dir with TURNS acknowledged turns in session t/s, closed cleanly; tests copy it.
    fn template() -> &'static Path {
        static DIR: OnceLock<tempfile::TempDir> = OnceLock::new();
        DIR.get_or_init(|| {
            let dir = tempfile::tempdir().unwrap();
            let s = Store::open(dir.path(), big_config(OnCorruption::Refuse)).unwrap();
            runtime().block_on(fill(&s, 0, TURNS));
            drop(s);
            dir
        })
        .path()
    }

    fn db_file(data: &Path) -> PathBuf {
        data.join(DB_DIR).join("db")
    }

    fn truncate_half(data: &Path) {
        let f = db_file(data);
        let len = std::fs::metadata(&f).unwrap().len();
        std::fs::OpenOptions::new()
            .write(true)
            .open(&f)
            .unwrap()
            .set_len(len / 2)
            .unwrap();
    }

    fn delete_db(data: &Path) {
        std::fs::remove_file(db_file(data)).unwrap();
    }

    fn junk_db(data: &Path) {
        let f = db_file(data);
        let len = std::fs::metadata(&f).unwrap().len() as usize;
        let junk: Vec<u8> = (0..len)
            .map(|i| (i.wrapping_mul(2_654_435_761) >> 13) as u8)
            .collect();
        std::fs::write(&f, junk).unwrap();
    }

    fn flip_64_at(data: &Path, at: usize) {
        let f = db_file(data);
        let mut b = std::fs::read(&f).unwrap();
        for x in &mut b[at..at + 64] {
            *x ^= 0xff;
        }
        std::fs::write(&f, b).unwrap();
    }

    /// Flips 64 bytes inside the newest turn, which sits in the live part of sled's log (the
    /// middle of the file can hold segments sled no longer reads).
    fn flip_newest_turn(data: &Path) {
        let b = std::fs::read(db_file(data)).unwrap();
        let marker = format!("question {}: ", TURNS - 1);
        let at = b
            .windows(marker.len())
            .position(|w| w == marker.as_bytes())
            .expect("the newest turn is in the file");
        flip_64_at(data, at);
    }

    fn junk_conf(data: &Path) {
        std::fs::write(data.join(DB_DIR).join("conf"), "not a sled config").unwrap();
    }

    fn delete_store_dir(data: &Path) {
        std::fs::remove_dir_all(data.join(DB_DIR)).unwrap();
    }

    fn delete_seal(data: &Path) {
        std::fs::remove_file(data.join(SEAL_FILE)).unwrap();
    }

    fn garble_seal(data: &Path) {
        let p = data.join(SEAL_FILE);
        let text = std::fs::read_to_string(&p).unwrap();
        std::fs::write(
            &p,
            text.replace("acknowledged_writes=0", "acknowledged_writes=1"),
        )
        .unwrap();
    }

    /// Opens a copy of the template damaged by `damage` in both modes: `refuse` fails naming the
    /// store, what was found and the other mode; `quarantine` logs and moves it aside, and
    /// starts empty. Returns what refuse said.
    fn assert_detected(damage: fn(&Path)) -> String {
        let dir = tempfile::tempdir().unwrap();
        let data = dir.path().join("refuse");
        copy_dir(template(), &data);
        damage(&data);
        let (r, log) = logged(|| Store::open(&data, big_config(OnCorruption::Refuse)));
        let Err(Error::Storage(msg)) = r else {
            panic!("damage not detected; log:\n{log}")
        };
        let store = data.join(DB_DIR).display().to_string();
        assert!(msg.contains(&store), "{msg}");
        assert!(
            msg.contains("SWITCHBOARD_MEMORY__ON_CORRUPTION=quarantine"),
            "{msg}"
        );
        assert!(log.contains("ERROR") && log.contains(&store), "{log}");
        // Refusing leaves it where it was, and refuses again.
        assert!(Store::open(&data, big_config(OnCorruption::Refuse)).is_err());

        let data = dir.path().join("quarantine");
        copy_dir(template(), &data);
        damage(&data);
        let (s, log) = logged(|| Store::open(&data, big_config(OnCorruption::Quarantine)));
        let s = s.unwrap_or_else(|e| panic!("{e}\n{log}"));
        let moved: Vec<PathBuf> = std::fs::read_dir(&data)
            .unwrap()
            .map(|e| e.unwrap().path())
            .filter(|p| p.display().to_string().contains(".corrupt-"))
            .collect();
        assert_eq!(moved.len(), 1, "{moved:?}");
        assert!(
            log.contains(&moved[0].display().to_string()) && log.contains("ERROR"),
            "{log}"
        );
        assert!(s.session("t", "s").unwrap().is_none());
        assert!(s.task("t", "req-1").unwrap().is_none());
        drop(s);
        // The empty store it started is sound.
        assert!(Store::open(&data, big_config(OnCorruption::Refuse)).is_ok());
        msg
    }

    #[test]
    fn truncated_db_is_detected() {
        let msg = assert_detected(truncate_half);
        assert!(msg.contains("lost") || msg.contains("sled"), "{msg}");
    }

    #[test]
    fn deleted_db_is_detected() {
        assert_detected(delete_db);
    }

    #[test]
    fn junk_db_is_detected() {
        assert_detected(junk_db);
    }

    #[test]
    fn flipped_bytes_are_detected() {
        assert_detected(flip_newest_turn);
    }

    /// 64 flipped bytes anywhere in the file (every 32 KiB): the store is refused, or every
    /// acknowledged turn and request id reads back as written.
    #[test]
    fn flipped_bytes_anywhere_never_lose_turns_silently() {
        let len = std::fs::metadata(db_file(template())).unwrap().len() as usize;
        let (mut refused, mut intact) = (0, 0);
        for at in (0..len - 64).step_by(32 << 10) {
            let dir = tempfile::tempdir().unwrap();
            copy_dir(template(), dir.path());
            flip_64_at(dir.path(), at);
            let Ok(s) = Store::open(dir.path(), big_config(OnCorruption::Refuse)) else {
                refused += 1;
                continue;
            };
            let sess = s.session("t", "s").unwrap().unwrap();
            assert_eq!(sess.turns.len(), TURNS, "flip at {at}");
            for (i, t) in sess.turns.iter().enumerate() {
                assert_eq!(t.text, big_turn(i).text, "flip at {at}");
                let task = s.task("t", &format!("req-{i}")).unwrap();
                assert_eq!(task.unwrap().text, big_turn(i).answer, "flip at {at}");
            }
            intact += 1;
        }
        // Notes, not assertions: where the flips landed.
        eprintln!("{len} bytes: {refused} flips refused, {intact} in pages sled no longer reads");
        assert!(refused > 0);
    }

    #[test]
    fn damaged_conf_is_detected() {
        assert_detected(junk_conf);
    }

    #[test]
    fn deleted_store_is_detected() {
        let msg = assert_detected(delete_store_dir);
        assert!(msg.contains(&format!("0 of the {TURNS}")), "{msg}");
    }

    #[test]
    fn garbled_seal_is_detected() {
        let msg = assert_detected(garble_seal);
        assert!(msg.contains("does not read"), "{msg}");
    }

    /// A store in use by a live server is refused, after waiting for its lock, with a message
    /// that says so; once that one closes, it opens.
    #[test]
    fn a_store_in_use_is_refused_and_opens_once_closed() {
        let dir = tempfile::tempdir().unwrap();
        let first = Store::open(dir.path(), big_config(OnCorruption::Refuse)).unwrap();
        let err = Store::open(dir.path(), big_config(OnCorruption::Refuse))
            .err()
            .unwrap()
            .to_string();
        assert!(err.contains("another switchboard"), "{err}");
        drop(first);
        Store::open(dir.path(), big_config(OnCorruption::Refuse)).unwrap();
    }

    /// Deleting the seal is how an operator accepts a store as it is (after restoring a
    /// backup): a warning, and the records are still checked against the store's own state.
    #[test]
    fn a_deleted_seal_accepts_the_store_as_it_is() {
        let dir = tempfile::tempdir().unwrap();
        copy_dir(template(), dir.path());
        truncate_half(dir.path());
        let refused = Store::open(dir.path(), big_config(OnCorruption::Refuse))
            .err()
            .unwrap()
            .to_string();
        let seal = dir.path().join(SEAL_FILE).display().to_string();
        assert!(refused.contains(&format!("delete {seal}")), "{refused}");
        delete_seal(dir.path());
        let (s, log) = logged(|| Store::open(dir.path(), big_config(OnCorruption::Refuse)));
        let s = s.unwrap();
        assert!(log.contains("WARN") && log.contains(&seal), "{log}");
        let kept = s.session("t", "s").unwrap().unwrap().turns.len();
        assert!(kept > 0 && kept < TURNS, "{kept}");
        drop(s);
        // Sealed again: the next start is quiet.
        let (s, log) = logged(|| Store::open(dir.path(), big_config(OnCorruption::Refuse)));
        let err = s.as_ref().err().map(ToString::to_string);
        assert!(s.is_ok() && !log.contains("WARN"), "{err:?} {log}");
    }

    #[test]
    fn record_that_does_not_decode_is_detected() {
        fn junk_record(data: &Path) {
            let db = sled::open(data.join(DB_DIR)).unwrap();
            let turns = db.open_tree("turns").unwrap();
            turns
                .insert(turn_key("t", "s", 7), &b"\xff\xff\xff"[..])
                .unwrap();
            db.flush().unwrap();
        }
        let msg = assert_detected(junk_record);
        assert!(msg.contains("t/s#7"), "{msg}");
    }

    /// What sled does with a damaged segment in the middle of its log: records go, and no
    /// error says so.
    #[test]
    fn silently_dropped_record_is_detected() {
        fn drop_a_task(data: &Path) {
            let db = sled::open(data.join(DB_DIR)).unwrap();
            let tasks = db.open_tree("tasks").unwrap();
            assert!(tasks.remove(session_key("t", "req-3")).unwrap().is_some());
            db.flush().unwrap();
        }
        let msg = assert_detected(drop_a_task);
        assert!(msg.contains("do not add up"), "{msg}");
        assert!(msg.contains("49 request ids"), "{msg}");
    }

    #[test]
    fn clean_reopen_is_not_flagged() {
        let dir = tempfile::tempdir().unwrap();
        copy_dir(template(), dir.path());
        for _ in 0..2 {
            let (s, log) = logged(|| Store::open(dir.path(), big_config(OnCorruption::Refuse)));
            let s = s.unwrap();
            assert!(!log.contains("ERROR"), "{log}");
            assert_eq!(s.session("t", "s").unwrap().unwrap().turns.len(), TURNS);
            assert_eq!(s.seal.writes(), TURNS as u64);
        }
    }

    /// A crash after sled wrote a turn but before it was acknowledged: whether that tail is on
    /// disk, half written, or lost, reopening is no alarm and keeps every acknowledged turn.
    #[test]
    fn unacknowledged_tail_loss_is_not_flagged() {
        let rt = runtime();
        let dir = tempfile::tempdir().unwrap();
        let live = dir.path().join("live");
        copy_dir(template(), &live);
        let s = Store::open(&live, big_config(OnCorruption::Refuse)).unwrap();
        let before = std::fs::read(db_file(&live)).unwrap();
        // Written and flushed by sled, never sealed (the crash came before the reply).
        let t = big_turn(TURNS);
        let writes = (&s.turns, &s.meta)
            .transaction(|(turns, meta)| {
                let mut tally = Tally(0);
                let k = turn_key("t", "s", TURNS as u64);
                tally.put(turns, "turns", &k, t.encode_to_vec())?;
                tally.commit(meta)
            })
            .unwrap();
        assert_eq!(writes, TURNS as u64 + 1);
        rt.block_on(s.flush()).unwrap();
        let after = std::fs::read(db_file(&live)).unwrap();
        let first = (0..before.len().min(after.len()))
            .find(|&i| before[i] != after[i])
            .expect("the write changed the file");
        let last = (0..before.len().min(after.len()))
            .rev()
            .find(|&i| before[i] != after[i])
            .unwrap_or(first);

        type Crash = fn(&mut Vec<u8>, usize, usize);
        let crashes: [(&str, Crash); 3] = [
            ("the tail reached the disk", |_, _, _| {}),
            ("the tail never reached it", |b, first, last| {
                b[first..=last].fill(0)
            }),
            ("the tail is torn", |b, first, last| {
                let mid = first + (last - first) / 2;
                b[mid..=last].fill(0)
            }),
        ];
        for (what, crash) in crashes {
            let copy = dir.path().join(what);
            copy_dir(&live, &copy);
            let mut bytes = after.clone();
            crash(&mut bytes, first, last);
            std::fs::write(db_file(&copy), bytes).unwrap();
            let (r, log) = logged(|| Store::open(&copy, big_config(OnCorruption::Refuse)));
            let s = r.unwrap_or_else(|e| panic!("{what}: false alarm: {e}\n{log}"));
            let turns = s.session("t", "s").unwrap().unwrap().turns.len();
            assert!(turns == TURNS || turns == TURNS + 1, "{what}: {turns}");
            assert!(s.seal.writes() >= TURNS as u64, "{what}");
            assert!(!log.contains("ERROR"), "{what}: {log}");
        }
    }

    #[test]
    fn undecodable_record_is_reported_on_read() {
        let dir = tempfile::tempdir().unwrap();
        let s = Store::open(dir.path(), config()).unwrap();
        runtime().block_on(async {
            s.append(NewTurn {
                tenant: "t",
                session_id: "s1",
                turn: turn("q", ""),
                response: None,
            })
            .await
            .unwrap();
        });
        s.turns
            .insert(turn_key("t", "s1", 1), &b"\xff\xff"[..])
            .unwrap();
        s.tasks.insert(session_key("t", "r9"), &b"{"[..]).unwrap();
        let (r, log) = logged(|| s.session("t", "s1"));
        let Err(Error::Storage(msg)) = r else {
            panic!("{r:?}")
        };
        assert!(msg.contains("t/s1#1"), "{msg}");
        assert!(log.contains("ERROR") && log.contains("t/s1#1"), "{log}");
        assert!(log.contains(&s.path().display().to_string()), "{log}");
        let (r, log) = logged(|| s.task("t", "r9"));
        assert!(matches!(r, Err(Error::Storage(_))), "{r:?}");
        assert!(log.contains("ERROR") && log.contains("t/r9"), "{log}");
        // The next session over still reads.
        assert!(s.session("t", "s2").unwrap().is_none());
    }

    #[test]
    fn io_errors_name_the_path() {
        let dir = tempfile::tempdir().unwrap();
        let file = dir.path().join("a-file");
        std::fs::write(&file, "").unwrap();
        let e = Store::open(&file, config()).err().unwrap().to_string();
        assert!(e.contains(&file.display().to_string()), "{e}");

        // sled's directory is a file: not damage, so not moved aside even in quarantine mode.
        let data = dir.path().join("data");
        std::fs::create_dir(&data).unwrap();
        std::fs::write(data.join(DB_DIR), "").unwrap();
        let e = Store::open(&data, big_config(OnCorruption::Quarantine))
            .err()
            .unwrap()
            .to_string();
        assert!(e.contains(&data.join(DB_DIR).display().to_string()), "{e}");
        assert!(data.join(DB_DIR).is_file());

        // The seal cannot be read.
        let data = dir.path().join("data2");
        std::fs::create_dir_all(data.join(SEAL_FILE)).unwrap();
        let e = Store::open(&data, config()).err().unwrap().to_string();
        assert!(
            e.contains(&data.join(SEAL_FILE).display().to_string()),
            "{e}"
        );
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
        // Deletions keep the state's sum: the store reopens clean.
        drop(s);
        let s = Store::open(dir.path(), config()).unwrap();
        assert!(s.session("t", "s1").unwrap().is_none());
        assert_eq!(s.session("u", "s1").unwrap().unwrap().turns.len(), 1);
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
        // So does a sweep.
        drop(s);
        assert!(Store::open(dir.path(), config()).is_ok());
    }
}

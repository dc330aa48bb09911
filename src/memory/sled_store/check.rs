//! Start-up checks of the session store, and what start-up does with damage. The store is
//! damaged when sled cannot open or read it, when it holds fewer writes than the seal says were
//! acknowledged (sled's recovery drops an unreadable log tail without a word), when the seal is
//! there but does not read, when a record does not decode, or
//! when the records read back do not add up to the sum the writes left (sled also drops records
//! from a damaged segment in the middle of its log without a word).
//! Damage is logged as an ERROR naming the path and what was found, counted in the corruption
//! metric, and then, per `memory.on_corruption`, start-up stops (`refuse`) or moves the store
//! aside and starts an empty one (`quarantine`). Errors that are not damage (permissions, a full
//! disk, a store another process holds) stop start-up with the path, and never quarantine.

use std::io::ErrorKind;
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::Instant;

use prost::Message as _;

use super::seal::{self, Reading, Seal};
use super::{
    DB_DIR, SEAL_FILE, STATE_KEY, SessionRecord, State, Store, decode, decode_task, record_hash,
    show_key,
};
use crate::config::{MemoryConfig, OnCorruption};
use crate::error::{Error, Result};
use crate::proto::Turn;

/// Why a store could not be opened.
enum Opening {
    /// Not damage: the message names the path and the problem.
    Failed(Error),
    /// Damage: what was found.
    Damaged(String),
}

fn failed(what: String) -> Opening {
    Opening::Failed(Error::Storage(what))
}

/// sled's errors at open: I/O trouble is the environment's (named, never quarantined); a read
/// that finds broken data, or anything sled reports as corruption, is damage.
fn classify(path: &Path, e: sled::Error) -> Opening {
    match e {
        sled::Error::Io(io)
            if !matches!(io.kind(), ErrorKind::UnexpectedEof | ErrorKind::InvalidData) =>
        {
            let hint = if io.to_string().contains("could not acquire lock") {
                " (is another switchboard using this data_dir?)"
            } else {
                ""
            };
            failed(format!(
                "cannot open the session store {}: {io}{hint}",
                path.display()
            ))
        }
        sled::Error::Corruption { at: Some(at), .. } => {
            Opening::Damaged(format!("sled found corrupt data at {at:?}"))
        }
        sled::Error::Corruption { at: None, .. } => {
            Opening::Damaged("sled found its conf or snapshot file corrupt".into())
        }
        e => Opening::Damaged(format!("sled cannot read it: {e}")),
    }
}

pub(super) fn open(dir: &Path, config: MemoryConfig) -> Result<Store> {
    std::fs::create_dir_all(dir)
        .map_err(|e| Error::Storage(format!("cannot create {}: {e}", dir.display())))?;
    let db = dir.join(DB_DIR);
    let found = match open_checked(dir, &config) {
        Ok(store) => return Ok(store),
        Err(Opening::Failed(e)) => return Err(e),
        Err(Opening::Damaged(found)) => found,
    };
    tracing::error!(
        store = %db.display(),
        found = %found,
        on_corruption = ?config.on_corruption,
        "the session store is damaged"
    );
    crate::metrics::get()
        .memory_corruption
        .add(1, &crate::metrics::attrs(&[("at", "open".to_string())]));
    match config.on_corruption {
        OnCorruption::Refuse => Err(Error::Storage(format!(
            "the session store {} is damaged: {found}. Not starting (memory.on_corruption = \
             \"refuse\"). To move it aside and start with an empty store, set \
             memory.on_corruption = \"quarantine\" (SWITCHBOARD_MEMORY__ON_CORRUPTION=quarantine).",
            db.display(),
        ))),
        OnCorruption::Quarantine => {
            let moved = quarantine(dir)?;
            tracing::error!(
                store = %db.display(),
                moved_to = %moved.display(),
                "the damaged session store was moved aside (memory.on_corruption = \
                 \"quarantine\"); starting with an empty one"
            );
            open_checked(dir, &config).map_err(|o| match o {
                Opening::Failed(e) => e,
                Opening::Damaged(found) => Error::Storage(format!(
                    "the new session store {} is damaged too: {found}",
                    db.display()
                )),
            })
        }
    }
}

/// How long opening waits for sled's lock on the store.
const LOCK_WAIT: std::time::Duration = std::time::Duration::from_secs(2);

/// sled, waiting up to `LOCK_WAIT` for its lock: sled lets go of it from a background thread
/// after the last handle is dropped, so a store closed a moment ago (reopened in the same
/// process, or by a restart while the old process still exits) is free within milliseconds.
/// Another live server keeps it, and is reported once the wait is over.
fn open_sled(path: &Path) -> sled::Result<sled::Db> {
    let started = Instant::now();
    loop {
        match sled::Config::new().path(path).open() {
            Err(sled::Error::Io(io))
                if io.to_string().contains("could not acquire lock")
                    && started.elapsed() < LOCK_WAIT =>
            {
                std::thread::sleep(std::time::Duration::from_millis(20));
            }
            other => return other,
        }
    }
}

/// Opens sled, compares its write count with the seal, reads every record, and rewrites the
/// seal with the store's count (which may be ahead of it after a crash between a flush and the
/// seal's write: those writes were never acknowledged, and are kept).
fn open_checked(dir: &Path, config: &MemoryConfig) -> std::result::Result<Store, Opening> {
    let path = dir.join(DB_DIR);
    let seal_path = dir.join(SEAL_FILE);
    let reading = seal::read(&seal_path)
        .map_err(|e| failed(format!("cannot read {}: {e}", seal_path.display())))?;
    let started = Instant::now();
    let db = open_sled(&path).map_err(|e| classify(&path, e))?;
    let tree = |name: &str| db.open_tree(name).map_err(|e| classify(&path, e));
    let (sessions, turns, tasks, meta) = (
        tree("sessions")?,
        tree("turns")?,
        tree("tasks")?,
        tree("meta")?,
    );
    let state = match meta.get(STATE_KEY).map_err(|e| classify(&path, e))? {
        Some(b) => Some(
            State::decode(&b)
                .map_err(|e| Opening::Damaged(format!("its state record does not decode: {e}")))?,
        ),
        None => None,
    };
    let writes = state.map(|s| s.writes).unwrap_or(0);
    // Deleting the seal is how an operator accepts a store as it is (one restored from a
    // backup); the records are still checked against the store's own state below.
    let accept = format!(
        "delete {} to accept the store as it is",
        seal_path.display()
    );
    match reading {
        Reading::Writes(sealed) if writes < sealed => {
            return Err(Opening::Damaged(format!(
                "it holds {writes} of the {sealed} writes acknowledged to clients ({} lost; \
                 sled drops a log tail it cannot read; if an older copy was put there on \
                 purpose, {accept})",
                sealed - writes
            )));
        }
        Reading::Unreadable(why) => {
            return Err(Opening::Damaged(format!(
                "its seal {} does not read: {why} (if it was edited on purpose, {accept})",
                seal_path.display()
            )));
        }
        Reading::Missing if writes > 0 => tracing::warn!(
            store = %path.display(),
            seal = %seal_path.display(),
            writes,
            "the seal is missing: the store's writes are taken as they are and sealed again"
        ),
        Reading::Writes(_) | Reading::Missing => {}
    }
    let found = verify(&path, &sessions, &turns, &tasks)?;
    match state {
        Some(state) if state.sum != found.sum => {
            return Err(Opening::Damaged(format!(
                "its records do not add up to what its {} writes left ({} sessions, {} turns and \
                 {} request ids read back; sled dropped or changed records without an error)",
                state.writes, found.sessions, found.turns, found.tasks
            )));
        }
        Some(_) => {}
        // A new store, or one kept before the state record existed: its records are taken as
        // they are, from now on checked.
        None => {
            let adopt = State {
                writes: 0,
                sum: found.sum,
            };
            meta.insert(STATE_KEY, &adopt.encode())
                .and_then(|_| db.flush())
                .map_err(|e| classify(&path, e))?;
        }
    }
    let seal = Seal::create(&seal_path, writes)
        .map_err(|e| failed(format!("cannot write {}: {e}", seal_path.display())))?;
    tracing::info!(
        store = %path.display(),
        writes,
        sessions = found.sessions,
        turns = found.turns,
        request_ids = found.tasks,
        ms = started.elapsed().as_millis() as u64,
        "session store checked"
    );
    Ok(Store {
        db,
        sessions,
        turns,
        tasks,
        meta,
        seal: Arc::new(seal),
        path: Arc::new(path),
        config: config.clone(),
    })
}

/// What reading every record back found.
struct Found {
    sessions: u64,
    turns: u64,
    tasks: u64,
    /// The sum of their hashes, as `State::sum`.
    sum: u64,
}

/// Reads every record back: sled checks its checksums as pages come in, this checks that each
/// value decodes, and sums their hashes.
fn verify(
    path: &Path,
    sessions: &sled::Tree,
    turns: &sled::Tree,
    tasks: &sled::Tree,
) -> std::result::Result<Found, Opening> {
    type Check = fn(&[u8]) -> std::result::Result<(), String>;
    let checks: [(&str, &sled::Tree, Check); 3] = [
        ("sessions", sessions, |b| {
            decode::<SessionRecord>(b).map(drop)
        }),
        ("turns", turns, |b| {
            Turn::decode(b).map(drop).map_err(|e| e.to_string())
        }),
        ("tasks", tasks, |b| decode_task(b).map(drop)),
    ];
    let mut counts = [0u64; 3];
    let mut sum = 0u64;
    for (i, (name, tree, check)) in checks.into_iter().enumerate() {
        for item in tree.iter() {
            let (k, v) = item.map_err(|e| match classify(path, e) {
                Opening::Damaged(why) => Opening::Damaged(format!("reading its {name}: {why}")),
                failed => failed,
            })?;
            check(&v).map_err(|e| {
                Opening::Damaged(format!(
                    "its {name} record {:?} does not decode: {e}",
                    show_key(name, &k)
                ))
            })?;
            sum = sum.wrapping_add(record_hash(name, &k, &v));
            counts[i] += 1;
        }
    }
    Ok(Found {
        sessions: counts[0],
        turns: counts[1],
        tasks: counts[2],
        sum,
    })
}

/// Moves the store and its seal into `memory.sled.corrupt-<unix seconds>` beside it; returns
/// that path.
fn quarantine(dir: &Path) -> Result<PathBuf> {
    let db = dir.join(DB_DIR);
    let seal = dir.join(SEAL_FILE);
    let stamp = super::now_ms() / 1000;
    let mut to = dir.join(format!("{DB_DIR}.corrupt-{stamp}"));
    let mut n = 1;
    while to.exists() {
        n += 1;
        to = dir.join(format!("{DB_DIR}.corrupt-{stamp}-{n}"));
    }
    let io = |what: &str, p: &Path, e: std::io::Error| {
        Error::Storage(format!("cannot {what} {}: {e}", p.display()))
    };
    if db.exists() {
        std::fs::rename(&db, &to).map_err(|e| io("move aside", &db, e))?;
    } else {
        std::fs::create_dir(&to).map_err(|e| io("create", &to, e))?;
    }
    if seal.exists() {
        let kept = to.join(SEAL_FILE);
        std::fs::rename(&seal, &kept).map_err(|e| io("move aside", &seal, e))?;
    }
    std::fs::File::open(dir)
        .and_then(|d| d.sync_all())
        .map_err(|e| io("sync", dir, e))?;
    Ok(to)
}

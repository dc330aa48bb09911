//! The seal: a one-line file beside the sled store that holds how many durable writes the store
//! has acknowledged. sled's recovery silently drops a log tail it cannot read, so only a record
//! outside sled can tell that acknowledged writes went missing. The store keeps the same count
//! inside sled, in the same transaction as each write; the seal is raised only after sled's
//! flush returned, so after any crash the store's count is at least the seal's, and a store
//! whose count is below the seal's lost writes that were acknowledged.

use std::fs::{File, OpenOptions};
use std::io::Write as _;
use std::os::unix::fs::FileExt as _;
use std::path::{Path, PathBuf};
use std::sync::Mutex;
use std::sync::atomic::{AtomicU64, Ordering};

use sha2::{Digest, Sha256};

const MAGIC: &str = "switchboard memory seal v1";

/// What the seal file says.
#[derive(Debug, PartialEq, Eq)]
pub enum Reading {
    Missing,
    Writes(u64),
    /// It exists but is not a seal this version wrote (says what is wrong).
    Unreadable(String),
}

/// One fixed-length line, so that raising it is one in-place write of the same bytes count.
fn line(writes: u64) -> String {
    let body = format!("{MAGIC} acknowledged_writes={writes:020}");
    let sum = Sha256::digest(body.as_bytes());
    let check: String = sum[..8].iter().map(|b| format!("{b:02x}")).collect();
    format!("{body} check={check}\n")
}

fn parse(text: &str) -> Result<u64, String> {
    let first = text.lines().next().unwrap_or_default();
    let number = first
        .strip_prefix(MAGIC)
        .and_then(|r| r.strip_prefix(" acknowledged_writes="))
        .and_then(|r| r.get(..20))
        .ok_or_else(|| "it does not start with the seal's header".to_string())?;
    let writes: u64 = number
        .parse()
        .map_err(|_| format!("{number:?} is not a count"))?;
    if format!("{first}\n") != line(writes) {
        return Err("its checksum does not match".into());
    }
    Ok(writes)
}

/// Reads the seal at `path`; I/O errors other than "not found" are the caller's to report.
pub fn read(path: &Path) -> std::io::Result<Reading> {
    match std::fs::read(path) {
        Ok(bytes) => Ok(match std::str::from_utf8(&bytes) {
            Ok(text) => match parse(text) {
                Ok(n) => Reading::Writes(n),
                Err(why) => Reading::Unreadable(why),
            },
            Err(_) => Reading::Unreadable("it is not text".into()),
        }),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(Reading::Missing),
        Err(e) => Err(e),
    }
}

/// The open seal, raised after each acknowledged write.
pub struct Seal {
    path: PathBuf,
    file: Mutex<Written>,
    /// The highest count whose write sled has flushed (may be ahead of the file).
    flushed: AtomicU64,
}

struct Written {
    file: File,
    writes: u64,
}

impl Seal {
    /// Writes a new seal with `writes` (a new file renamed over the old, both synced, so that a
    /// crash leaves the old seal or the new one, never a torn one) and keeps it open.
    pub fn create(path: &Path, writes: u64) -> std::io::Result<Seal> {
        let tmp = path.with_extension("seal.tmp");
        {
            let mut f = File::create(&tmp)?;
            f.write_all(line(writes).as_bytes())?;
            f.sync_all()?;
        }
        std::fs::rename(&tmp, path)?;
        if let Some(dir) = path.parent() {
            File::open(dir)?.sync_all()?;
        }
        let file = OpenOptions::new().write(true).open(path)?;
        Ok(Seal {
            path: path.to_path_buf(),
            file: Mutex::new(Written { file, writes }),
            flushed: AtomicU64::new(writes),
        })
    }

    pub fn path(&self) -> &Path {
        &self.path
    }

    /// Records that the write numbered `writes` is durable in sled. Blocking (it syncs the
    /// file). Concurrent callers share one write: whoever holds the file writes the highest
    /// count reported so far, and callers it covered return without writing.
    pub fn raise(&self, writes: u64) -> std::io::Result<()> {
        self.flushed.fetch_max(writes, Ordering::SeqCst);
        let mut w = self
            .file
            .lock()
            .map_err(|_| std::io::Error::other("seal lock poisoned"))?;
        let target = self.flushed.load(Ordering::SeqCst);
        if target <= w.writes {
            return Ok(());
        }
        // Same length as the line there: one in-place write that kill -9 cannot tear.
        w.file.write_all_at(line(target).as_bytes(), 0)?;
        w.file.sync_data()?;
        w.writes = target;
        Ok(())
    }

    /// The count the file holds.
    #[cfg(test)]
    pub fn writes(&self) -> u64 {
        self.file.lock().map(|w| w.writes).unwrap_or(0)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn round_trips_and_rejects_damage() {
        let dir = tempfile::tempdir().unwrap();
        let p = dir.path().join("memory.seal");
        assert_eq!(read(&p).unwrap(), Reading::Missing);
        let s = Seal::create(&p, 7).unwrap();
        assert_eq!(read(&p).unwrap(), Reading::Writes(7));
        s.raise(9).unwrap();
        s.raise(8).unwrap();
        assert_eq!(read(&p).unwrap(), Reading::Writes(9));
        assert_eq!(s.writes(), 9);
        assert_eq!(line(1).len(), line(u64::MAX).len());

        let good = std::fs::read_to_string(&p).unwrap();
        std::fs::write(&p, good.replace("000009", "000019")).unwrap();
        assert!(matches!(read(&p).unwrap(), Reading::Unreadable(w) if w.contains("checksum")));
        std::fs::write(&p, b"\xff\xfe").unwrap();
        assert!(matches!(read(&p).unwrap(), Reading::Unreadable(_)));
        std::fs::write(&p, "").unwrap();
        assert!(matches!(read(&p).unwrap(), Reading::Unreadable(_)));
    }
}

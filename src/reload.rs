//! Files the server re-reads while it runs (the TLS certificate, key and client CA; the API-key
//! file). Owns the value made from them (`Live`, swapped whole, so a reader sees the old set or
//! the new one, never half of each) and the poll that notices a change by the files' digest.
//! A change that does not load keeps the value before it and is logged as an error, once per
//! content. It knows nothing of what the files mean: its caller gives the loader.

use std::path::PathBuf;
use std::sync::{Arc, PoisonError, RwLock};
use std::time::Duration;

use sha2::{Digest, Sha256};
use tokio_util::sync::CancellationToken;

use crate::error::{Error, Result};

/// A watched file larger than this is refused: certificates and key lists are kilobytes, and
/// the poll reads the whole file each time.
pub const MAX_FILE_BYTES: u64 = 4 << 20;

/// The current value; readers take an `Arc` of it and keep it as long as they need.
pub struct Live<T>(RwLock<Arc<T>>);

impl<T> Live<T> {
    pub fn new(value: T) -> Live<T> {
        Live(RwLock::new(Arc::new(value)))
    }

    pub fn get(&self) -> Arc<T> {
        // The lock only guards an Arc swap, which cannot leave it half done.
        self.0
            .read()
            .unwrap_or_else(PoisonError::into_inner)
            .clone()
    }

    pub fn set(&self, value: T) {
        *self.0.write().unwrap_or_else(PoisonError::into_inner) = Arc::new(value);
    }
}

/// The contents of `paths`, each read whole within `MAX_FILE_BYTES`.
pub fn read_all(paths: &[PathBuf]) -> Result<Vec<Vec<u8>>> {
    paths.iter().map(|p| read_bounded(p)).collect()
}

fn read_bounded(path: &std::path::Path) -> Result<Vec<u8>> {
    use std::io::Read;
    let file =
        std::fs::File::open(path).map_err(|e| Error::Config(format!("{}: {e}", path.display())))?;
    let mut out = Vec::new();
    file.take(MAX_FILE_BYTES + 1)
        .read_to_end(&mut out)
        .map_err(|e| Error::Config(format!("{}: {e}", path.display())))?;
    if out.len() as u64 > MAX_FILE_BYTES {
        return Err(Error::Config(format!(
            "{}: larger than {MAX_FILE_BYTES} bytes",
            path.display()
        )));
    }
    Ok(out)
}

fn digest(contents: &[Vec<u8>]) -> [u8; 32] {
    let mut h = Sha256::new();
    for c in contents {
        // Lengths first, so that moving bytes from one file to the next is a change.
        h.update((c.len() as u64).to_le_bytes());
        h.update(c);
    }
    h.finalize().into()
}

type Loader<T> = Arc<dyn Fn(&[Vec<u8>]) -> Result<T> + Send + Sync>;

/// A value made from files, and what it takes to make it again when they change.
pub struct Watched<T> {
    what: &'static str,
    live: Arc<Live<T>>,
    paths: Vec<PathBuf>,
    first: [u8; 32],
    load: Loader<T>,
}

impl<T: Send + Sync + 'static> Watched<T> {
    /// Loads the first value from `paths` (an error here stops start-up). `what` names it in
    /// logs and metrics.
    pub fn open(
        what: &'static str,
        paths: Vec<PathBuf>,
        load: impl Fn(&[Vec<u8>]) -> Result<T> + Send + Sync + 'static,
    ) -> Result<Watched<T>> {
        let contents = read_all(&paths)?;
        let live = Arc::new(Live::new(load(&contents)?));
        Ok(Watched {
            what,
            live,
            paths,
            first: digest(&contents),
            load: Arc::new(load),
        })
    }

    /// A value that no file backs (nothing to watch).
    pub fn fixed(what: &'static str, value: T) -> Watched<T> {
        Watched {
            what,
            live: Arc::new(Live::new(value)),
            paths: Vec::new(),
            first: digest(&[]),
            load: Arc::new(|_| Err(Error::Internal("nothing to reload".into()))),
        }
    }

    pub fn live(&self) -> &Arc<Live<T>> {
        &self.live
    }

    /// Polls the files every `every` until `stop`: new contents go through the loader into
    /// `live`; contents that fail keep the last good value, logged as an ERROR once per content
    /// and counted in `switchboard.reload.failures`. None when there are no files.
    pub fn spawn(
        &self,
        every: Duration,
        stop: CancellationToken,
    ) -> Option<tokio::task::JoinHandle<()>> {
        if self.paths.is_empty() {
            return None;
        }
        let (what, paths, load, target) = (
            self.what,
            self.paths.clone(),
            self.load.clone(),
            self.live.clone(),
        );
        let mut good = self.first;
        let mut bad: Option<[u8; 32]> = None;
        let mut unreadable: Option<String> = None;
        Some(tokio::spawn(async move {
            loop {
                tokio::select! {
                    _ = stop.cancelled() => return,
                    _ = tokio::time::sleep(every) => {}
                }
                let read = {
                    let paths = paths.clone();
                    tokio::task::spawn_blocking(move || read_all(&paths)).await
                };
                let contents = match read {
                    Ok(Ok(c)) => c,
                    Ok(Err(e)) => {
                        let e = e.to_string();
                        if unreadable.as_ref() != Some(&e) {
                            tracing::error!(what, error = %e, "cannot read a watched file; keeping what was loaded before");
                            crate::metrics::get().reload_failed(what);
                            unreadable = Some(e);
                        }
                        continue;
                    }
                    Err(_) => continue,
                };
                unreadable = None;
                let d = digest(&contents);
                if d == good || Some(d) == bad {
                    continue;
                }
                match load(&contents) {
                    Ok(v) => {
                        target.set(v);
                        good = d;
                        bad = None;
                        tracing::info!(what, "reloaded");
                    }
                    Err(e) => {
                        bad = Some(d);
                        crate::metrics::get().reload_failed(what);
                        tracing::error!(what, error = %e, "a changed file does not load; keeping what was loaded before");
                    }
                }
            }
        }))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn a_change_is_loaded_and_a_bad_one_keeps_the_last_good_value() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("n");
        std::fs::write(&path, "1").unwrap();
        let parse = |c: &[Vec<u8>]| -> Result<u32> {
            std::str::from_utf8(&c[0])
                .ok()
                .and_then(|s| s.trim().parse().ok())
                .ok_or_else(|| Error::Config("not a number".into()))
        };
        let stop = CancellationToken::new();
        let every = Duration::from_millis(10);
        let watched = Watched::open("n", vec![path.clone()], parse).unwrap();
        let live = watched.live().clone();
        let task = watched.spawn(every, stop.clone()).unwrap();
        assert_eq!(*live.get(), 1);
        let wait_for = |want: u32| {
            let live = live.clone();
            async move {
                for _ in 0..500 {
                    if *live.get() == want {
                        return true;
                    }
                    tokio::time::sleep(Duration::from_millis(5)).await;
                }
                false
            }
        };
        std::fs::write(&path, "2").unwrap();
        assert!(wait_for(2).await);
        std::fs::write(&path, "junk").unwrap();
        tokio::time::sleep(every * 10).await;
        assert_eq!(*live.get(), 2);
        std::fs::remove_file(&path).unwrap();
        tokio::time::sleep(every * 10).await;
        assert_eq!(*live.get(), 2);
        std::fs::write(&path, "3").unwrap();
        assert!(wait_for(3).await);
        stop.cancel();
        task.await.unwrap();
        // A first load that fails is an error, not a default.
        std::fs::write(&path, "junk").unwrap();
        assert!(Watched::open("n", vec![path], parse).is_err());
    }

    #[test]
    fn files_past_the_bound_are_refused() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("big");
        std::fs::write(&path, vec![b'a'; MAX_FILE_BYTES as usize + 1]).unwrap();
        assert!(read_all(&[path]).is_err());
    }
}

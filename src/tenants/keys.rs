//! API keys → tenants. Keys are hashed (SHA-256) as they are read and only the digests kept; a
//! presented key is hashed and looked up by digest in a hash map, so no key is ever compared
//! byte by byte (no timing that depends on how much of a key matched). The key file is
//! re-read when it changes (`reload`).

use std::collections::HashMap;
use std::sync::Arc;

use sha2::{Digest, Sha256};

use crate::config::ServerConfig;
use crate::error::{Error, Result};
use crate::reload::Watched;

type KeyDigest = [u8; 32];

fn digest(key: &str) -> KeyDigest {
    Sha256::digest(key.as_bytes()).into()
}

/// Digest → tenant.
#[derive(Clone, Default)]
pub struct KeyTable {
    tenants: HashMap<KeyDigest, Arc<str>>,
    /// Where each digest came from, for the message about a key given twice.
    origin: HashMap<KeyDigest, String>,
}

/// Says how many keys, never which.
impl std::fmt::Debug for KeyTable {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "KeyTable({} keys)", self.tenants.len())
    }
}

impl KeyTable {
    /// Adds one `tenant:key` entry; `at` names it in messages, which never show the key.
    fn add(&mut self, entry: &str, at: &str) -> Result<()> {
        let Some((tenant, key)) = entry.split_once(':') else {
            return Err(Error::Config(format!("{at} must look like \"tenant:key\"")));
        };
        // Presented keys are trimmed too (auth), so a padded one could never match.
        let (tenant, key) = (tenant.trim(), key.trim());
        if tenant.is_empty() || key.is_empty() {
            return Err(Error::Config(format!("{at}: empty tenant or key")));
        }
        let d = digest(key);
        if let Some(other) = self.origin.get(&d) {
            return Err(Error::Config(format!(
                "{other} and {at} have the same key; each key must be unique"
            )));
        }
        self.tenants.insert(d, Arc::from(tenant));
        self.origin.insert(d, at.to_string());
        Ok(())
    }

    /// `server.api_keys`.
    pub fn from_entries(entries: &[String]) -> Result<KeyTable> {
        let mut t = KeyTable::default();
        for (i, e) in entries.iter().enumerate() {
            t.add(e, &format!("server.api_keys[{i}]"))?;
        }
        Ok(t)
    }

    /// This table with a key file's entries added: one `tenant:key` a line; blank lines and
    /// lines starting with `#` are skipped.
    pub fn with_file(&self, name: &str, text: &[u8]) -> Result<KeyTable> {
        let text = std::str::from_utf8(text)
            .map_err(|_| Error::Config(format!("{name}: not UTF-8 text")))?;
        let mut t = self.clone();
        for (i, line) in text.lines().enumerate() {
            let line = line.trim();
            if line.is_empty() || line.starts_with('#') {
                continue;
            }
            t.add(line, &format!("{name} line {}", i + 1))?;
        }
        Ok(t)
    }

    /// The tenant a presented key names.
    pub fn tenant(&self, key: &str) -> Option<Arc<str>> {
        self.tenants.get(&digest(key)).cloned()
    }

    pub fn len(&self) -> usize {
        self.tenants.len()
    }

    pub fn is_empty(&self) -> bool {
        self.tenants.is_empty()
    }
}

/// The keys in use, and whether a caller must present one.
pub struct Keys {
    table: Watched<KeyTable>,
    /// Keys are required once any are configured, or a key file is (even an empty one: a
    /// Secret that is briefly empty must not open the service).
    required: bool,
}

impl Keys {
    /// From `server.api_keys` and `server.api_keys_file`.
    pub fn open(server: &ServerConfig) -> Result<Keys> {
        let base = KeyTable::from_entries(&server.api_keys)?;
        let required = !base.is_empty() || server.api_keys_file.is_some();
        let table = match &server.api_keys_file {
            None => Watched::fixed("api_keys", base),
            Some(path) => {
                let name = path.display().to_string();
                Watched::open("api_keys", vec![path.clone()], move |files| {
                    base.with_file(&name, &files[0])
                })?
            }
        };
        tracing::info!(
            keys = table.live().get().len(),
            required,
            "API keys (SHA-256 digests)"
        );
        Ok(Keys { table, required })
    }

    pub fn required(&self) -> bool {
        self.required
    }

    pub fn table(&self) -> Arc<KeyTable> {
        self.table.live().get()
    }

    /// The table in use, swapped whole when the key file changes.
    pub fn live(&self) -> &Arc<crate::reload::Live<KeyTable>> {
        self.table.live()
    }

    /// Re-reads the key file when it changes, until `stop`; None without a key file.
    pub fn watch(
        &self,
        every: std::time::Duration,
        stop: tokio_util::sync::CancellationToken,
    ) -> Option<tokio::task::JoinHandle<()>> {
        self.table.spawn(every, stop)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn entries_and_file_lines_name_tenants_by_digest() {
        let base = KeyTable::from_entries(&["acme: k1 ".into()]).unwrap();
        let t = base
            .with_file("keys", b"# comment\n\nbeta:k2\n  gamma : k3  \n")
            .unwrap();
        assert_eq!(t.tenant("k1").as_deref(), Some("acme"));
        assert_eq!(t.tenant("k2").as_deref(), Some("beta"));
        assert_eq!(t.tenant("k3").as_deref(), Some("gamma"));
        assert_eq!(t.tenant("k4"), None);
        assert_eq!(t.tenant("k"), None);
        assert_eq!(t.len(), 3);
        // Only digests are held.
        assert!(t.tenants.keys().all(|d| d.len() == 32));
    }

    #[test]
    fn bad_lines_and_repeated_keys_are_refused_without_showing_the_key() {
        let base = KeyTable::from_entries(&["acme:secret-1".into()]).unwrap();
        let e = base
            .with_file("keys", b"beta:secret-1\n")
            .unwrap_err()
            .to_string();
        assert!(
            e.contains("server.api_keys[0]") && e.contains("keys line 1"),
            "{e}"
        );
        assert!(!e.contains("secret-1"), "{e}");
        let e = base
            .with_file("keys", b"\nno-colon-secret\n")
            .unwrap_err()
            .to_string();
        assert!(
            e.contains("keys line 2") && !e.contains("no-colon-secret"),
            "{e}"
        );
        assert!(base.with_file("keys", b"beta:\n").is_err());
        assert!(base.with_file("keys", &[0xff, 0xfe]).is_err());
    }
}

//! TLS on the gRPC port (rustls on ring): the server's certificate and key, and for mTLS the
//! CAs that sign client certificates, from PEM files. Owns the rustls config in use, rebuilt
//! whole when any of the files changes (`reload`): new connections get the new one, open ones
//! keep theirs, and files that do not load leave the old one in place, logged as an ERROR.

use std::sync::Arc;
use std::time::Duration;

use rustls::pki_types::pem::PemObject;
use rustls::pki_types::{CertificateDer, PrivateKeyDer};
use rustls::server::WebPkiClientVerifier;
use tokio_rustls::TlsAcceptor;
use tokio_util::sync::CancellationToken;

use crate::config::{ClientAuth, TlsConfig};
use crate::error::{Error, Result};
use crate::reload::Watched;

/// The acceptor's source: the config in use now.
pub struct Tls {
    config: Watched<rustls::ServerConfig>,
    pub handshake_timeout: Duration,
}

impl Tls {
    /// None when `server.tls.cert` is not set (plain gRPC).
    pub fn open(c: &TlsConfig) -> Result<Option<Tls>> {
        let (Some(cert), Some(key)) = (&c.cert, &c.key) else {
            return Ok(None);
        };
        let mut paths = vec![cert.clone(), key.clone()];
        paths.extend(c.client_ca.clone());
        let client_auth = c.client_auth;
        let config = Watched::open("tls", paths, move |files| {
            server_config(
                &files[0],
                &files[1],
                files.get(2).map(Vec::as_slice),
                client_auth,
            )
        })?;
        tracing::info!(
            cert = %cert.display(),
            mtls = ?c.client_ca.as_ref().map(|_| client_auth),
            "TLS on the gRPC port"
        );
        Ok(Some(Tls {
            config,
            handshake_timeout: Duration::from_secs_f64(c.handshake_timeout_secs),
        }))
    }

    /// For a connection just accepted: the config in use now.
    pub fn acceptor(&self) -> TlsAcceptor {
        TlsAcceptor::from(self.config.live().get())
    }

    /// Re-reads the files when they change, until `stop`.
    pub fn watch(
        &self,
        every: Duration,
        stop: CancellationToken,
    ) -> Option<tokio::task::JoinHandle<()>> {
        self.config.spawn(every, stop)
    }
}

/// A rustls server config from PEM: the chain, its key (checked to match the leaf), and the
/// client CAs when there are.
pub fn server_config(
    cert: &[u8],
    key: &[u8],
    client_ca: Option<&[u8]>,
    client_auth: ClientAuth,
) -> Result<rustls::ServerConfig> {
    let bad = |what: &str, e: &dyn std::fmt::Display| Error::Config(format!("TLS {what}: {e}"));
    let chain: Vec<CertificateDer<'static>> = CertificateDer::pem_slice_iter(cert)
        .collect::<std::result::Result<_, _>>()
        .map_err(|e| bad("certificate", &e))?;
    if chain.is_empty() {
        return Err(Error::Config(
            "TLS certificate: no CERTIFICATE in the file".into(),
        ));
    }
    let key = PrivateKeyDer::from_pem_slice(key).map_err(|e| bad("key", &e))?;
    let provider = Arc::new(rustls::crypto::ring::default_provider());
    // The key must be the leaf's: a rotated certificate with the old key would fail every
    // handshake, so it is refused here and the old pair kept.
    let signing = provider
        .key_provider
        .load_private_key(key.clone_key())
        .map_err(|e| bad("key", &e))?;
    rustls::sign::CertifiedKey::new(chain.clone(), signing)
        .keys_match()
        .map_err(|e| bad("key and certificate", &e))?;
    let builder = rustls::ServerConfig::builder_with_provider(provider.clone())
        .with_safe_default_protocol_versions()
        .map_err(|e| bad("protocol versions", &e))?;
    let builder = match client_ca {
        None => builder.with_no_client_auth(),
        Some(ca) => {
            let mut roots = rustls::RootCertStore::empty();
            for c in CertificateDer::pem_slice_iter(ca) {
                let c = c.map_err(|e| bad("client CA", &e))?;
                roots.add(c).map_err(|e| bad("client CA", &e))?;
            }
            if roots.is_empty() {
                return Err(Error::Config(
                    "TLS client CA: no CERTIFICATE in the file".into(),
                ));
            }
            let verifier = WebPkiClientVerifier::builder_with_provider(Arc::new(roots), provider);
            let verifier = match client_auth {
                ClientAuth::Required => verifier,
                ClientAuth::Optional => verifier.allow_unauthenticated(),
            };
            builder.with_client_cert_verifier(verifier.build().map_err(|e| bad("client CA", &e))?)
        }
    };
    let mut config = builder
        .with_single_cert(chain, key)
        .map_err(|e| bad("certificate", &e))?;
    // gRPC is HTTP/2 only.
    config.alpn_protocols = vec![b"h2".to_vec()];
    Ok(config)
}

//! Certificates made at test time (rcgen): a CA, and leaves it signs for a server (localhost,
//! 127.0.0.1) or for a client, written as PEM files where a server config can name them.

use std::path::{Path, PathBuf};

use rcgen::{
    BasicConstraints, CertificateParams, CertifiedIssuer, DnType, ExtendedKeyUsagePurpose, IsCa,
    KeyPair, KeyUsagePurpose,
};

pub struct Ca {
    issuer: CertifiedIssuer<'static, KeyPair>,
}

/// A leaf certificate and its key, PEM.
pub struct Leaf {
    pub cert: String,
    pub key: String,
}

impl Ca {
    pub fn new(name: &str) -> Ca {
        let mut params = CertificateParams::new(Vec::<String>::new()).expect("rcgen");
        params.is_ca = IsCa::Ca(BasicConstraints::Unconstrained);
        params.distinguished_name.push(DnType::CommonName, name);
        params.key_usages = vec![KeyUsagePurpose::KeyCertSign, KeyUsagePurpose::CrlSign];
        let issuer = CertifiedIssuer::self_signed(params, KeyPair::generate().expect("rcgen"))
            .expect("rcgen");
        Ca { issuer }
    }

    pub fn pem(&self) -> String {
        self.issuer.pem()
    }

    /// A server certificate for `localhost` and `127.0.0.1`.
    pub fn server(&self) -> Leaf {
        self.leaf(
            vec!["localhost".into(), "127.0.0.1".into()],
            vec![ExtendedKeyUsagePurpose::ServerAuth],
        )
    }

    /// A certificate for `localhost` and `127.0.0.1` that is also a client's: a Redis Cluster
    /// node's, which it presents to the other nodes too.
    pub fn peer(&self) -> Leaf {
        self.leaf(
            vec!["localhost".into(), "127.0.0.1".into()],
            vec![
                ExtendedKeyUsagePurpose::ServerAuth,
                ExtendedKeyUsagePurpose::ClientAuth,
            ],
        )
    }

    pub fn client(&self, name: &str) -> Leaf {
        self.leaf(vec![name.into()], vec![ExtendedKeyUsagePurpose::ClientAuth])
    }

    fn leaf(&self, names: Vec<String>, usages: Vec<ExtendedKeyUsagePurpose>) -> Leaf {
        let mut params = CertificateParams::new(names).expect("rcgen");
        params.extended_key_usages = usages;
        let key = KeyPair::generate().expect("rcgen");
        let cert = params.signed_by(&key, &self.issuer).expect("rcgen");
        Leaf {
            cert: cert.pem(),
            key: key.serialize_pem(),
        }
    }
}

/// Writes `text` to `path` the way a Secret update or `mv` lands: whole, by rename.
pub fn write(path: &Path, text: &str) -> PathBuf {
    let tmp = path.with_extension("tmp");
    std::fs::write(&tmp, text).expect("writing a test file");
    std::fs::rename(&tmp, path).expect("renaming a test file");
    path.to_path_buf()
}

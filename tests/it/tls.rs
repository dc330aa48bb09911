//! TLS on the gRPC port, over loopback with certificates made at test time: a real RPC through
//! the CLI client's TLS settings, a client that does not trust the CA, mTLS required and
//! optional, a certificate rotated under a running server (and a broken one that is not taken),
//! a connection that never finishes its handshake, and API keys from a file, reloaded.

use std::path::{Path, PathBuf};
use std::time::Duration;

use crate::common::certs::{Ca, Leaf, write};
use crate::common::fake_openai::{FakeOpenAi, Script};
use crate::common::*;
use switchboard::client::{self, TlsOptions};
use switchboard::config::{ClientAuth, Config};
use switchboard::proto::{AskRequest, ListExpertsRequest};
use tonic::Code;

/// Polls of the watched files in these tests.
const RELOAD: f64 = 0.05;

struct Files {
    dir: tempfile::TempDir,
}

impl Files {
    fn new() -> Files {
        Files {
            dir: tempfile::tempdir().unwrap(),
        }
    }

    fn put(&self, name: &str, text: &str) -> PathBuf {
        write(&self.dir.path().join(name), text)
    }

    fn leaf(&self, prefix: &str, leaf: &Leaf) -> (PathBuf, PathBuf) {
        (
            self.put(&format!("{prefix}.crt"), &leaf.cert),
            self.put(&format!("{prefix}.key"), &leaf.key),
        )
    }
}

fn tls_config(data: &Path, files: &Files, server: &Leaf) -> Config {
    let mut c = test_config(data, None);
    let (cert, key) = files.leaf("server", server);
    c.server.tls.cert = Some(cert);
    c.server.tls.key = Some(key);
    c.server.reload_interval_secs = RELOAD;
    c
}

fn trusting(files: &Files, name: &str, ca: &Ca) -> TlsOptions {
    TlsOptions {
        ca: Some(files.put(&format!("{name}.pem"), &ca.pem())),
        server_name: Some("localhost".into()),
        ..Default::default()
    }
}

/// One ListExperts over a fresh connection.
async fn call(addr: std::net::SocketAddr, tls: &TlsOptions) -> Result<usize, String> {
    let mut c = client::connect(&format!("https://{addr}"), None, tls)
        .await
        .map_err(|e| format!("{e:#}"))?;
    let r = c
        .list_experts(ListExpertsRequest {})
        .await
        .map_err(|s| format!("{s:?}"))?;
    Ok(r.into_inner().experts.len())
}

#[tokio::test]
async fn tls_answers_a_real_rpc_and_a_client_without_the_ca_fails() {
    let _machine = machine::shared().await;
    let fake = FakeOpenAi::start(Script::default()).await;
    let (data, files) = (tempfile::tempdir().unwrap(), Files::new());
    let ca = Ca::new("server CA");
    let mut config = tls_config(data.path(), &files, &ca.server());
    config.backend = switchboard::config::BackendKind::Openai;
    config.openai.url = Some(fake.url());
    let running = start(config).await;
    let good = trusting(&files, "ca", &ca);
    let mut c = client::connect(&format!("https://{}", running.addr), None, &good)
        .await
        .unwrap();
    let r = c
        .ask(AskRequest {
            text: "hi".into(),
            ..Default::default()
        })
        .await
        .unwrap()
        .into_inner();
    assert_eq!(r.text, "The answer is 42.");
    assert!(call(running.addr, &good).await.unwrap() > 0);

    // A client that trusts another CA, or checks another name, is refused at the handshake.
    let other = trusting(&files, "other", &Ca::new("another CA"));
    let e = call(running.addr, &other).await.unwrap_err();
    assert!(e.contains("cannot connect"), "{e}");
    let wrong_name = TlsOptions {
        server_name: Some("switchboard.example".into()),
        ..good.clone()
    };
    assert!(call(running.addr, &wrong_name).await.is_err());
    // Plain HTTP/2 to the TLS port gets nowhere.
    let plain = tonic::transport::Channel::from_shared(format!("http://{}", running.addr))
        .unwrap()
        .connect_timeout(Duration::from_secs(5))
        .timeout(Duration::from_secs(5));
    let plain = match plain.connect().await {
        Err(_) => None,
        Ok(ch) => Some(
            switchboard::proto::switchboard_client::SwitchboardClient::new(ch)
                .list_experts(ListExpertsRequest {})
                .await,
        ),
    };
    assert!(!matches!(plain, Some(Ok(_))), "{plain:?}");
    // The CLI client wants the CA for an https:// address.
    let e = call(running.addr, &TlsOptions::default())
        .await
        .unwrap_err();
    assert!(e.contains("--ca"), "{e}");
    running.shutdown().await.unwrap();
}

#[tokio::test]
async fn mtls_required_and_optional() {
    let _machine = machine::shared().await;
    let (data, files) = (tempfile::tempdir().unwrap(), Files::new());
    let (server_ca, client_ca, stranger) =
        (Ca::new("server CA"), Ca::new("client CA"), Ca::new("x"));
    let trust = trusting(&files, "ca", &server_ca);
    let (cert, key) = files.leaf("client", &client_ca.client("client-1"));
    let with_cert = TlsOptions {
        cert: Some(cert),
        key: Some(key),
        ..trust.clone()
    };
    let (cert, key) = files.leaf("stranger", &stranger.client("client-2"));
    let with_stranger = TlsOptions {
        cert: Some(cert),
        key: Some(key),
        ..trust.clone()
    };
    for auth in [ClientAuth::Required, ClientAuth::Optional] {
        let mut config = tls_config(data.path(), &files, &server_ca.server());
        config.server.tls.client_ca = Some(files.put("client-ca.pem", &client_ca.pem()));
        config.server.tls.client_auth = auth;
        let running = start(config).await;
        assert!(call(running.addr, &with_cert).await.is_ok(), "{auth:?}");
        // A certificate from a CA the server does not take is refused either way.
        assert!(
            call(running.addr, &with_stranger).await.is_err(),
            "{auth:?}"
        );
        let without = call(running.addr, &trust).await;
        match auth {
            ClientAuth::Required => assert!(without.is_err(), "{without:?}"),
            ClientAuth::Optional => assert!(without.is_ok(), "{without:?}"),
        }
        running.shutdown().await.unwrap();
    }
}

/// Calls until `ok(result)` or 5 s.
async fn until(
    addr: std::net::SocketAddr,
    tls: &TlsOptions,
    ok: impl Fn(&Result<usize, String>) -> bool,
) -> bool {
    for _ in 0..100 {
        if ok(&call(addr, tls).await) {
            return true;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    false
}

#[tokio::test]
async fn a_rotated_certificate_is_served_to_the_next_connection_and_a_broken_one_is_not() {
    let _machine = machine::shared().await;
    let (data, files) = (tempfile::tempdir().unwrap(), Files::new());
    let (old_ca, new_ca) = (Ca::new("old CA"), Ca::new("new CA"));
    let running = start(tls_config(data.path(), &files, &old_ca.server())).await;
    let (old, new) = (
        trusting(&files, "old", &old_ca),
        trusting(&files, "new", &new_ca),
    );
    assert!(call(running.addr, &old).await.is_ok());
    assert!(call(running.addr, &new).await.is_err());
    // A connection made before the rotation.
    let mut before = client::connect(&format!("https://{}", running.addr), None, &old)
        .await
        .unwrap();

    // The key first, then the certificate: in between, the pair does not match and is not taken.
    let leaf = new_ca.server();
    files.put("server.key", &leaf.key);
    tokio::time::sleep(Duration::from_secs_f64(RELOAD * 4.0)).await;
    assert!(
        call(running.addr, &old).await.is_ok(),
        "a mismatched pair was taken"
    );
    files.put("server.crt", &leaf.cert);
    assert!(
        until(running.addr, &new, |r| r.is_ok()).await,
        "the new certificate was not served"
    );
    assert!(call(running.addr, &old).await.is_err());
    // The connection made before keeps working.
    before.list_experts(ListExpertsRequest {}).await.unwrap();

    // A broken certificate keeps the one in use.
    files.put("server.crt", "-----BEGIN CERTIFICATE-----\nnot base64\n");
    tokio::time::sleep(Duration::from_secs_f64(RELOAD * 4.0)).await;
    assert!(call(running.addr, &new).await.is_ok());
    // A file that disappears too.
    std::fs::remove_file(files.dir.path().join("server.crt")).unwrap();
    tokio::time::sleep(Duration::from_secs_f64(RELOAD * 4.0)).await;
    assert!(call(running.addr, &new).await.is_ok());
    // And a good one after it is taken.
    let third = Ca::new("third CA");
    let leaf = third.server();
    files.put("server.key", &leaf.key);
    files.put("server.crt", &leaf.cert);
    let trust_third = trusting(&files, "third", &third);
    assert!(until(running.addr, &trust_third, |r| r.is_ok()).await);
    running.shutdown().await.unwrap();
}

#[tokio::test]
async fn tls_settings_that_cannot_work_stop_start_up() {
    let _machine = machine::shared().await;
    let (data, files) = (tempfile::tempdir().unwrap(), Files::new());
    let ca = Ca::new("CA");
    let mut config = tls_config(data.path(), &files, &ca.server());
    // Another certificate's key.
    config.server.tls.key = Some(files.put("other.key", &ca.server().key));
    let app = std::sync::Arc::new(switchboard::app::App::new(config).unwrap());
    let e = switchboard::server::start(app)
        .await
        .err()
        .unwrap()
        .to_string();
    assert!(e.contains("key"), "{e}");
    let mut config = tls_config(data.path(), &files, &ca.server());
    config.server.tls.key = None;
    assert!(switchboard::app::App::new(config.clone()).is_ok());
    let app = std::sync::Arc::new(switchboard::app::App::new(config).unwrap());
    let e = switchboard::server::start(app)
        .await
        .err()
        .unwrap()
        .to_string();
    assert!(e.contains("server.tls.key"), "{e}");
}

/// An Ask with `key` as the bearer token: its code, or the session id.
async fn ask_as(c: &mut client::Client, key: &str) -> Result<String, Code> {
    let mut req = tonic::Request::new(AskRequest {
        text: "hi".into(),
        ..Default::default()
    });
    req.metadata_mut().insert("x-api-key", key.parse().unwrap());
    c.ask(req)
        .await
        .map(|r| r.into_inner().session_id)
        .map_err(|s| s.code())
}

#[tokio::test]
async fn api_keys_from_a_file_are_reloaded_and_keep_the_last_good_list() {
    let _machine = machine::shared().await;
    let fake = FakeOpenAi::start(Script::default()).await;
    let (data, files) = (tempfile::tempdir().unwrap(), Files::new());
    let mut config = test_config(data.path(), Some(fake.url()));
    config.server.api_keys = vec!["acme:from-config".into()];
    let keys = files.put("keys", "# tenants\nbeta:key-b1\n\n");
    config.server.api_keys_file = Some(keys.clone());
    config.server.reload_interval_secs = RELOAD;
    let running = start(config).await;
    // The config's keys are held as digests only.
    assert!(running.app.config().server.api_keys.is_empty());
    let addr = format!("http://{}", running.addr);
    let mut c = client::connect(&addr, None, &TlsOptions::default())
        .await
        .unwrap();
    assert!(ask_as(&mut c, "from-config").await.is_ok());
    assert!(ask_as(&mut c, "key-b1").await.is_ok());
    assert_eq!(ask_as(&mut c, "key-b2").await, Err(Code::Unauthenticated));

    // A new key for beta, another tenant, and key-b1 revoked.
    files.put("keys", "beta:key-b2\ngamma:key-g\n");
    let mut reloaded = false;
    for _ in 0..100 {
        if ask_as(&mut c, "key-b2").await.is_ok() {
            reloaded = true;
            break;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    assert!(reloaded, "the key file was not reloaded");
    assert_eq!(ask_as(&mut c, "key-b1").await, Err(Code::Unauthenticated));
    assert!(ask_as(&mut c, "key-g").await.is_ok());
    assert!(ask_as(&mut c, "from-config").await.is_ok());
    // Tenants stay apart: beta's session is not gamma's.
    let sid = ask_as(&mut c, "key-b2").await.unwrap();
    let mut get = tonic::Request::new(switchboard::proto::GetSessionRequest { session_id: sid });
    get.metadata_mut()
        .insert("x-api-key", "key-g".parse().unwrap());
    assert_eq!(c.get_session(get).await.unwrap_err().code(), Code::NotFound);

    // A file that does not load (a key given twice, here the config's) keeps the last list.
    files.put("keys", "beta:key-b3\ndelta:from-config\n");
    tokio::time::sleep(Duration::from_secs_f64(RELOAD * 6.0)).await;
    assert!(ask_as(&mut c, "key-b2").await.is_ok());
    assert_eq!(ask_as(&mut c, "key-b3").await, Err(Code::Unauthenticated));
    // An empty file leaves only the config's keys; keys are still required.
    files.put("keys", "");
    let mut emptied = false;
    for _ in 0..100 {
        if ask_as(&mut c, "key-b2").await == Err(Code::Unauthenticated) {
            emptied = true;
            break;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    assert!(emptied);
    assert!(ask_as(&mut c, "from-config").await.is_ok());
    let anonymous = c
        .ask(AskRequest {
            text: "hi".into(),
            ..Default::default()
        })
        .await
        .unwrap_err();
    assert_eq!(anonymous.code(), Code::Unauthenticated);
    running.shutdown().await.unwrap();
}

#[tokio::test]
async fn a_silent_connection_is_closed_at_the_handshake_timeout_and_does_not_hold_up_others() {
    let _machine = machine::shared().await;
    use tokio::io::AsyncReadExt;
    let (data, files) = (tempfile::tempdir().unwrap(), Files::new());
    let ca = Ca::new("CA");
    let mut config = tls_config(data.path(), &files, &ca.server());
    config.server.tls.handshake_timeout_secs = 0.3;
    let running = start(config).await;
    // Connects and never says hello.
    let mut silent = tokio::net::TcpStream::connect(running.addr).await.unwrap();
    // Others are served meanwhile: handshakes do not wait on each other.
    let trust = trusting(&files, "ca", &ca);
    assert!(call(running.addr, &trust).await.is_ok());
    let mut buf = [0u8; 16];
    let read = tokio::time::timeout(Duration::from_secs(5), silent.read(&mut buf)).await;
    assert!(
        matches!(read, Ok(Ok(0)) | Ok(Err(_))),
        "the silent connection was not closed: {read:?}"
    );
    running.shutdown().await.unwrap();
}

/// `switchboard health` (the binary, as a container or Kubernetes exec probe runs it) over
/// mTLS: SERVING for readiness and liveness with the CA and a client certificate; without the
/// CA it says to give one, with another CA it cannot connect, and without a client certificate
/// the server refuses it; each exits non-zero.
#[tokio::test]
async fn health_over_tls_answers_and_fails_clearly_without_the_ca() {
    let _machine = machine::shared().await;
    let (data, files) = (tempfile::tempdir().unwrap(), Files::new());
    let (server_ca, client_ca) = (Ca::new("server CA"), Ca::new("client CA"));
    let mut config = tls_config(data.path(), &files, &server_ca.server());
    config.server.tls.client_ca = Some(files.put("client-ca.pem", &client_ca.pem()));
    let running = start(config).await;
    let ca = files.put("ca.pem", &server_ca.pem());
    let (cert, key) = files.leaf("client", &client_ca.client("probe"));
    let other = files.put("other.pem", &Ca::new("another CA").pem());
    let server = format!("https://localhost:{}", running.addr.port());
    let health = |args: &[&std::path::Path], extra: &[&str]| {
        let mut cmd = tokio::process::Command::new(env!("CARGO_BIN_EXE_switchboard"));
        cmd.args(["health", "--server", &server, "--timeout-secs", "10"]);
        for (flag, path) in ["--ca", "--cert", "--key"].iter().zip(args) {
            cmd.arg(flag).arg(path);
        }
        cmd.args(extra).env_clear().kill_on_drop(true);
        async move {
            let out = cmd.output().await.unwrap();
            let text = String::from_utf8_lossy(&out.stdout).to_string()
                + &String::from_utf8_lossy(&out.stderr);
            (out.status.success(), text)
        }
    };
    let all = [ca.as_path(), cert.as_path(), key.as_path()];
    let (ok, text) = health(&all, &[]).await;
    assert!(ok && text.trim() == "SERVING", "{text}");
    let (ok, text) = health(&all, &["--service="]).await;
    assert!(ok && text.trim() == "SERVING", "{text}");

    let (ok, text) = health(&[], &[]).await;
    assert!(!ok && text.contains("--ca FILE"), "{text}");
    let (ok, text) = health(&[other.as_path(), &cert, &key], &[]).await;
    assert!(!ok && text.contains("cannot connect"), "{text}");
    let (ok, text) = health(&[ca.as_path()], &[]).await;
    assert!(!ok, "{text}");
    running.shutdown().await.unwrap();
}

//! What the video and PDF tests share about their subprocess tools and the errors they cause:
//! a stand-in tool that hangs, a request refused by a server of its own, and the check that an
//! error is INVALID_ARGUMENT on `media[0].data` naming the problem. Also form-fill actions in a
//! comparable form, for tests that fill one form sent in several ways.

use std::path::{Path, PathBuf};

use switchboard::config::Config;
use switchboard::proto::{AskRequest, FormFillResult};
use tonic::Code;

/// An executable in `dir` that never finishes; with `pid_file`, it first writes its pid there.
pub fn hanging_tool(dir: &Path, pid_file: Option<&Path>) -> PathBuf {
    use std::os::unix::fs::PermissionsExt;
    let path = dir.join("hang.sh");
    let record = pid_file.map_or(String::new(), |p| format!("echo $$ > {}\n", p.display()));
    std::fs::write(&path, format!("#!/bin/sh\n{record}exec sleep 3600\n")).unwrap();
    std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o755)).unwrap();
    path
}

/// The error a server with `config` (and a data dir of its own) answers `req` with.
pub async fn refused(config: Config, req: AskRequest) -> tonic::Status {
    let dir = tempfile::tempdir().unwrap();
    let mut config = config;
    config.memory.data_dir = dir.path().to_path_buf();
    let running = super::start(config).await;
    let mut c = super::client(&running).await;
    let e = c.ask(req).await.unwrap_err();
    running.shutdown().await.unwrap();
    e
}

/// INVALID_ARGUMENT on the first medium's bytes, saying `says`.
pub fn assert_invalid(e: &tonic::Status, says: &str) {
    assert_eq!(e.code(), Code::InvalidArgument, "{e:?}");
    assert!(
        e.message().starts_with("media[0].data: "),
        "{}",
        e.message()
    );
    assert!(e.message().contains(says), "{}", e.message());
}

/// A fill's actions as (label, value, action, input box).
pub fn actions(f: &FormFillResult) -> Vec<(String, String, String, [f32; 4])> {
    f.actions
        .iter()
        .map(|a| {
            let b = a.input_box.unwrap_or_default();
            (
                a.label.clone(),
                a.value.clone(),
                a.action.clone(),
                [b.x1, b.y1, b.x2, b.y2],
            )
        })
        .collect()
}

/// The same fields filled with the same values, boxes within `px` pixels.
pub fn assert_same_actions(a: &FormFillResult, b: &FormFillResult, px: f32) {
    let (a, b) = (actions(a), actions(b));
    assert_eq!(a.len(), b.len(), "{a:?}\n{b:?}");
    for (x, y) in a.iter().zip(&b) {
        assert_eq!((&x.0, &x.1, &x.2), (&y.0, &y.1, &y.2));
        assert!(
            x.3.iter().zip(y.3).all(|(p, q)| (p - q).abs() <= px),
            "{x:?} vs {y:?}"
        );
    }
}

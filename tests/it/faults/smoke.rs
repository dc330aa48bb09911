//! The harness itself: the binary starts, serves, and stops on SIGTERM.

use std::time::Duration;

use super::harness::{Server, Spec};
use crate::common::machine;

#[tokio::test]
async fn the_binary_serves_and_stops_on_sigterm() {
    let _machine = machine::shared().await;
    let dir = tempfile::tempdir().unwrap();
    let mut server = Server::start(&Spec::new(dir.path())).await;
    assert!(server.rss_kib().unwrap_or(0) > 0);
    let status = server
        .terminate(Duration::from_secs(20))
        .await
        .expect("exits on SIGTERM");
    assert!(
        status.success(),
        "exit status {status}:\n{}",
        server.log_text()
    );
}

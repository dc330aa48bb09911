//! Connections, against the real binary: more silent TCP connections than its open-files limit
//! allows do not lock out health checks or calls, silent connections are closed after the idle
//! timeout (and no sooner), and a client waiting on a slow answer longer than that timeout is
//! kept by the keepalive pings. Times are printed (`--nocapture`), not asserted against, but
//! for "no sooner than the idle timeout", which a slow machine cannot break.

use std::net::SocketAddr;
use std::time::{Duration, Instant};

use futures::StreamExt;
use switchboard::proto::{AskRequest, ask_event};
use tokio::io::AsyncReadExt;
use tokio::net::TcpStream;
use tonic_health::pb::health_check_response::ServingStatus;

use super::harness::{Server, Spec};
use crate::common::fake_openai::{FakeOpenAi, Script};
use crate::common::machine;

/// The open-files limit the server runs under, and the silent connections opened against it.
const OPEN_FILES: u64 = 1024;
const SILENT: usize = 1100;
/// Longer than opening them takes, so that more are open at once than the limit allows.
const FLOOD_IDLE_SECS: f64 = 10.0;

fn spec(dir: &std::path::Path, fake: &FakeOpenAi, idle_secs: f64, ping_secs: f64) -> Spec {
    Spec::new(dir)
        .set("SWITCHBOARD_BACKEND", "openai")
        .set("SWITCHBOARD_OPENAI__URL", fake.url())
        .set("SWITCHBOARD_OPENAI__MODEL", "fake-qwen3-vl")
        .set(
            "SWITCHBOARD_SERVER__CONNECTION_IDLE_TIMEOUT_SECS",
            idle_secs,
        )
        .set(
            "SWITCHBOARD_SERVER__HTTP2_KEEPALIVE_INTERVAL_SECS",
            ping_secs,
        )
        .set(
            "SWITCHBOARD_SERVER__HTTP2_KEEPALIVE_TIMEOUT_SECS",
            ping_secs,
        )
        // One model call per Ask: no routing question to the model first.
        .set("SWITCHBOARD_ROUTING__MODEL__ENABLED", "false")
}

fn ask(text: &str) -> AskRequest {
    AskRequest {
        text: text.into(),
        ..Default::default()
    }
}

/// This process needs more descriptors than the server gets: raises its own soft limit.
fn allow_open_files(n: u64) {
    let limits = std::fs::read_to_string("/proc/self/limits").expect("/proc/self/limits");
    let line = limits
        .lines()
        .find(|l| l.starts_with("Max open files"))
        .expect("an open-files line");
    let f: Vec<&str> = line.split_whitespace().collect();
    let (soft, hard) = (
        f[3].parse().unwrap_or(u64::MAX),
        f[4].parse().unwrap_or(u64::MAX),
    );
    if soft >= n {
        return;
    }
    assert!(
        hard >= n,
        "this test opens {n} sockets; the open-files hard limit is {hard}"
    );
    let ok = std::process::Command::new("prlimit")
        .arg(format!("--pid={}", std::process::id()))
        .arg(format!("--nofile={n}:{hard}"))
        .status()
        .expect("prlimit")
        .success();
    assert!(ok, "raising this process's open-files limit to {n}");
}

/// Opens `n` TCP connections that never send a byte, 50 at a time; each with when its connect
/// began (the server accepts it after that, however late this task is polled).
async fn silent_connections(addr: SocketAddr, n: usize) -> Vec<(TcpStream, Instant)> {
    let connect = |i: usize| async move {
        let began = Instant::now();
        let s = tokio::time::timeout(Duration::from_secs(10), TcpStream::connect(addr))
            .await
            .unwrap_or_else(|_| panic!("connection {i} not accepted within 10 s"))
            .unwrap_or_else(|e| panic!("connection {i}: {e}"));
        (s, began)
    };
    futures::stream::iter(0..n)
        .map(connect)
        .buffer_unordered(50)
        .collect()
        .await
}

/// Reads each connection to its end (what the server sent, then EOF or a reset): how long
/// after its connect began each was closed, or None for those still open after `within`.
async fn until_closed(conns: Vec<(TcpStream, Instant)>, within: Duration) -> Vec<Option<Duration>> {
    let reads = conns.into_iter().map(|(mut s, connected)| async move {
        let mut sink = Vec::new();
        tokio::time::timeout(within, s.read_to_end(&mut sink))
            .await
            .ok()
            .map(|_| connected.elapsed())
    });
    futures::future::join_all(reads).await
}

#[tokio::test]
async fn silent_connections_past_the_open_files_limit_do_not_lock_out_clients() {
    let _machine = machine::shared().await;
    allow_open_files(SILENT as u64 + 512);
    let fake = FakeOpenAi::start(Script::default()).await;
    let dir = tempfile::tempdir().unwrap();
    let mut spec = spec(dir.path(), &fake, FLOOD_IDLE_SECS, 2.0);
    spec.max_open_files = Some(OPEN_FILES);
    let started = Instant::now();
    let mut server = Server::start(&spec).await;
    let addr = server.socket_addr();
    let fds_at_rest = server.open_fds().unwrap();

    // The server's descriptors, sampled through the flood from a thread of its own.
    let pid = server.pid();
    let sampling = std::sync::Arc::new(std::sync::atomic::AtomicBool::new(true));
    let sampler = {
        let sampling = sampling.clone();
        std::thread::spawn(move || {
            let mut max = 0;
            while sampling.load(std::sync::atomic::Ordering::Relaxed) {
                if let Ok(d) = std::fs::read_dir(format!("/proc/{pid}/fd")) {
                    max = max.max(d.count());
                }
                std::thread::sleep(Duration::from_millis(1));
            }
            max
        })
    };
    let flood = Instant::now();
    let silent = silent_connections(addr, SILENT).await;
    let opened_in = flood.elapsed();
    // Until the server has taken in every connection queued for it.
    tokio::time::sleep(Duration::from_millis(500)).await;
    sampling.store(false, std::sync::atomic::Ordering::Relaxed);
    let fds_peak = sampler.join().unwrap();
    assert!(
        fds_peak < OPEN_FILES as usize,
        "the server held {fds_peak} descriptors of its {OPEN_FILES}"
    );

    // While they are open: health answers and a call gets its answer.
    let t = Instant::now();
    let health = server.health(Duration::from_secs(10)).await;
    let health_took = t.elapsed();
    assert_eq!(
        health,
        Some(ServingStatus::Serving),
        "{}",
        server.log_text()
    );
    let t = Instant::now();
    let mut client = server.client().await;
    let answer = client.ask(ask("hi")).await.expect("Ask").into_inner();
    let ask_took = t.elapsed();
    assert_eq!(answer.text, "The answer is 42.");

    // Every silent one is closed: the oldest to make room for newer ones, the rest when idle.
    let closed = until_closed(silent, Duration::from_secs(60)).await;
    let open = closed.iter().filter(|c| c.is_none()).count();
    assert_eq!(
        open, 0,
        "{open} of {SILENT} silent connections never closed"
    );
    let flood_closed_in = flood.elapsed();
    let idle = Duration::from_secs_f64(FLOOD_IDLE_SECS);
    let made_room = closed.iter().flatten().filter(|c| **c < idle).count();
    if opened_in < idle {
        // More were open at once than the limit allows descriptors for: some gave way.
        assert!(
            made_room >= SILENT + fds_at_rest - OPEN_FILES as usize,
            "only {made_room} closed to make room:\n{}",
            server.log_text()
        );
    } else {
        eprintln!("conn: the flood took {opened_in:?}, longer than the idle timeout");
    }

    // Still fine afterwards, and it never ran out of descriptors.
    assert_eq!(
        server.health(Duration::from_secs(10)).await,
        Some(ServingStatus::Serving)
    );
    let again = client.ask(ask("hi")).await.expect("Ask after").into_inner();
    assert_eq!(again.text, "The answer is 42.");
    let log = server.log_text();
    assert!(!log.contains("Too many open files"), "{log}");
    assert!(!log.contains("cannot accept connections"), "{log}");
    assert!(!log.contains("panicked"), "{log}");
    let fds_after = server.open_fds().unwrap();

    // SIGTERM with silent connections open still exits cleanly.
    let _lingering = silent_connections(addr, 10).await;
    let status = server.terminate(Duration::from_secs(30)).await;
    assert!(
        status.is_some_and(|s| s.success()),
        "exit {status:?}:\n{}",
        server.log_text()
    );
    eprintln!(
        "conn: {SILENT} silent connections under an open-files limit of {OPEN_FILES} opened in \
         {opened_in:?}; server fds at rest {fds_at_rest}, at most {fds_peak} sampled \
         through the flood, {fds_after} after; health {health_took:?}, Ask {ask_took:?} while they were open; \
         {made_room} closed to make room, the rest by the {FLOOD_IDLE_SECS} s idle timeout, all \
         {flood_closed_in:?} after the flood began; case took {:?}",
        started.elapsed()
    );
}

#[tokio::test]
async fn silent_connections_close_when_idle_while_slow_answers_are_kept_by_pings() {
    let _machine = machine::shared().await;
    // Each chunk comes 1.5 s after the last; the idle timeout is 1 s, pings every 0.25 s.
    let fake = FakeOpenAi::start(Script {
        delay: Duration::from_millis(1500),
        ..Script::default()
    })
    .await;
    let dir = tempfile::tempdir().unwrap();
    let started = Instant::now();
    let server = Server::start(&spec(dir.path(), &fake, 1.0, 0.25)).await;
    let mut client = server.client().await;
    let mut streaming = client.clone();

    // A unary call and a stream on one connection, neither sending anything while they wait.
    let t = Instant::now();
    let unary = async {
        let r = client.ask(ask("hi")).await;
        (r, t.elapsed())
    };
    let stream = async {
        let mut s = streaming
            .ask_stream(ask("hi"))
            .await
            .expect("AskStream")
            .into_inner();
        let mut text = String::new();
        while let Some(ev) = s.next().await {
            match ev.expect("event").event {
                Some(ask_event::Event::TextDelta(d)) => text.push_str(&d.text),
                Some(ask_event::Event::Final(_)) => break,
                _ => {}
            }
        }
        text
    };
    // Meanwhile, silent connections (far below the cap) close for being idle, never sooner.
    let silent = async {
        let conns = silent_connections(server.socket_addr(), 5).await;
        until_closed(conns, Duration::from_secs(30)).await
    };
    let ((unary, unary_took), streamed, silent) = tokio::join!(unary, stream, silent);
    let unary = unary
        .expect("a slow Ask survives the idle timeout")
        .into_inner();
    assert_eq!(unary.text, "The answer is 42.");
    assert_eq!(streamed, "The answer is 42.");
    // The answers took longer than the idle timeout by construction (4 chunks, 1.5 s apart).
    assert!(unary_took > Duration::from_secs(1), "{unary_took:?}");
    let mut last_closed = Duration::ZERO;
    for c in silent {
        let c = c.expect("a silent connection was never closed");
        // Milliseconds are what the server counts in.
        assert!(
            c + Duration::from_millis(1) >= Duration::from_secs(1),
            "closed {c:?} after connecting, before the idle timeout"
        );
        last_closed = last_closed.max(c);
    }
    assert!(!server.log_text().contains("panicked"));
    eprintln!(
        "conn: a unary call and a stream of {unary_took:?} each outlived a 1 s idle timeout on \
         0.25 s pings; 5 silent connections closed by it, the last {last_closed:?} after it \
         began connecting; case took {:?}",
        started.elapsed()
    );
}

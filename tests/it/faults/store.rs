//! The session store against the real binary: turns written, the process killed with kill -9,
//! the store damaged the ways a disk or an operator damages it, and the binary restarted in
//! both `memory.on_corruption` modes; kill -9 under concurrent load with no false alarm and no
//! acknowledged turn lost; a data dir the process may not read, named in its error.

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use switchboard::proto::{AskRequest, GetSessionRequest};
use tonic::Code;

use super::harness::{Server, Spec};
use crate::common::copy_dir;
use crate::common::fake_openai::{FakeOpenAi, Script};
use crate::common::machine;

/// The binary answering with the OpenAI-compatible test double (the default config has no
/// model, and only OCR answers without one).
fn spec(data: &Path, fake: &FakeOpenAi) -> Spec {
    Spec::new(data)
        .set("SWITCHBOARD_BACKEND", "openai")
        .set("SWITCHBOARD_OPENAI__URL", fake.url())
}

fn ask(session: &str, request_id: &str, text: String) -> AskRequest {
    AskRequest {
        session_id: session.into(),
        request_id: request_id.into(),
        text,
        // Named, so that no model call goes to routing.
        expert: "general".into(),
        ..Default::default()
    }
}

/// A turn's text: long enough that 50 of them fill more than half of sled's first segments.
fn text(i: usize) -> String {
    format!("turn {i:03}: ") + &"what does this say? ".repeat(100)
}

fn db_file(data: &Path) -> PathBuf {
    data.join("memory.sled").join("db")
}

const TURNS: usize = 50;

type Damage = fn(&Path);

fn truncate_half(data: &Path) {
    let f = std::fs::OpenOptions::new()
        .write(true)
        .open(db_file(data))
        .unwrap();
    let len = f.metadata().unwrap().len();
    f.set_len(len / 2).unwrap();
}

fn delete_db(data: &Path) {
    std::fs::remove_file(db_file(data)).unwrap();
}

fn overwrite_with_junk(data: &Path) {
    let len = std::fs::metadata(db_file(data)).unwrap().len() as usize;
    let junk: Vec<u8> = (0..len)
        .map(|i| (i.wrapping_mul(2_654_435_761) >> 13) as u8)
        .collect();
    std::fs::write(db_file(data), junk).unwrap();
}

/// 64 flipped bytes inside the newest turn: in the live part of sled's log (the middle of the
/// file may hold segments sled no longer reads; the unit tests flip everywhere).
fn flip_64_bytes(data: &Path) {
    let mut b = std::fs::read(db_file(data)).unwrap();
    let marker = format!("turn {:03}: ", TURNS - 1);
    let at = b
        .windows(marker.len())
        .position(|w| w == marker.as_bytes())
        .expect("the newest turn is in the file");
    for x in &mut b[at..at + 64] {
        *x ^= 0xff;
    }
    std::fs::write(db_file(data), b).unwrap();
}

/// Writes TURNS turns into session "s" (request ids r-0 ...), then kill -9.
async fn written_and_killed(data: &Path, fake: &FakeOpenAi) {
    let server = Server::start(&spec(data, fake)).await;
    let mut c = server.client().await;
    for i in 0..TURNS {
        let r = c.ask(ask("s", &format!("r-{i}"), text(i))).await.unwrap();
        assert!(!r.into_inner().replayed);
    }
    let mut server = server;
    server.kill9();
}

#[tokio::test]
async fn a_damaged_store_is_refused_or_quarantined_never_silently_used() {
    let _machine = machine::shared().await;
    let started = Instant::now();
    let fake = FakeOpenAi::start(Script::default()).await;
    let root = tempfile::tempdir().unwrap();
    let base = root.path().join("base");
    written_and_killed(&base, &fake).await;

    // A clean restart after kill -9 is no alarm, and has every turn.
    {
        let data = root.path().join("clean");
        copy_dir(&base, &data);
        let server = Server::start(&spec(&data, &fake)).await;
        let sess = server
            .client()
            .await
            .get_session(GetSessionRequest {
                session_id: "s".into(),
            })
            .await
            .unwrap()
            .into_inner();
        assert_eq!(sess.turns.len(), TURNS);
        assert!(
            !server.log_text().contains("damaged"),
            "{}",
            server.log_text()
        );
    }

    let damages: [(&str, Damage); 4] = [
        ("truncated to half", truncate_half),
        ("deleted", delete_db),
        ("overwritten with junk", overwrite_with_junk),
        ("64 bytes flipped", flip_64_bytes),
    ];
    for (what, damage) in damages {
        // refuse (the default): exits non-zero, and says where, what, and the other choice.
        let data = root.path().join(format!("refuse {what}"));
        copy_dir(&base, &data);
        damage(&data);
        let mut server = Server::spawn(&spec(&data, &fake));
        let status = server
            .wait_exit(Duration::from_secs(60))
            .await
            .unwrap_or_else(|| panic!("{what}: still running:\n{}", server.log_text()));
        let log = server.log_text();
        assert!(!status.success(), "{what}: {status}\n{log}");
        let store = data.join("memory.sled").display().to_string();
        assert!(
            log.contains("ERROR") && log.contains(&store),
            "{what}:\n{log}"
        );
        assert!(
            log.contains("SWITCHBOARD_MEMORY__ON_CORRUPTION=quarantine"),
            "{what}:\n{log}"
        );

        // quarantine: serves, names where the damaged store went, and starts empty.
        let data = root.path().join(format!("quarantine {what}"));
        copy_dir(&base, &data);
        damage(&data);
        let server = Server::start(
            &spec(&data, &fake).set("SWITCHBOARD_MEMORY__ON_CORRUPTION", "quarantine"),
        )
        .await;
        let log = server.log_text();
        let moved: Vec<PathBuf> = std::fs::read_dir(&data)
            .unwrap()
            .map(|e| e.unwrap().path())
            .filter(|p| p.display().to_string().contains("memory.sled.corrupt-"))
            .collect();
        assert_eq!(moved.len(), 1, "{what}: {moved:?}\n{log}");
        assert!(moved[0].join("memory.seal").exists(), "{what}");
        assert!(
            log.contains(&moved[0].display().to_string()),
            "{what}:\n{log}"
        );
        let mut c = server.client().await;
        let gone = c
            .get_session(GetSessionRequest {
                session_id: "s".into(),
            })
            .await
            .unwrap_err();
        assert_eq!(gone.code(), Code::NotFound, "{what}");
        // The new store takes turns.
        c.ask(ask("s", "after", "hello".into())).await.unwrap();
    }
    eprintln!(
        "store damage cases: {:.1}s",
        started.elapsed().as_secs_f64()
    );
}

/// A small deterministic generator for kill moments (seeded from the clock, printed).
fn next(seed: &mut u64) -> u64 {
    *seed ^= *seed << 13;
    *seed ^= *seed >> 7;
    *seed ^= *seed << 17;
    *seed
}

#[tokio::test]
async fn kill_9_under_load_loses_no_acknowledged_turn_and_raises_no_alarm() {
    let _machine = machine::shared().await;
    let started = Instant::now();
    let fake = FakeOpenAi::start(Script::default()).await;
    let data = tempfile::tempdir().unwrap();
    let mut seed = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.as_nanos() as u64)
        .unwrap_or(1)
        | 1;
    eprintln!("kill moments seeded with {seed}");
    const CLIENTS: usize = 4;
    const ROUNDS: usize = 5;
    // Request ids acknowledged (a reply received), by session.
    let acked: Arc<Mutex<Vec<BTreeSet<String>>>> =
        Arc::new(Mutex::new(vec![BTreeSet::new(); CLIENTS]));
    for round in 0..=ROUNDS {
        // Default mode (refuse): a false alarm would stop start-up, and `start` would fail.
        let mut server = Server::start(&spec(data.path(), &fake)).await;
        let log = server.log_text();
        assert!(!log.contains("damaged"), "round {round}:\n{log}");
        let mut c = server.client().await;
        let expected = acked.lock().unwrap().clone();
        for (k, ids) in expected.iter().enumerate() {
            if ids.is_empty() {
                continue;
            }
            let sess = c
                .get_session(GetSessionRequest {
                    session_id: format!("c{k}"),
                })
                .await
                .unwrap()
                .into_inner();
            let stored: BTreeSet<String> = sess.turns.into_iter().map(|t| t.request_id).collect();
            let lost: Vec<&String> = ids.difference(&stored).collect();
            assert!(lost.is_empty(), "round {round}: c{k} lost {lost:?}");
            // The newest acknowledged id replays instead of running again.
            let newest = ids.iter().next_back().cloned().unwrap_or_default();
            let calls = fake.requests().len();
            let r = c
                .ask(ask(&format!("c{k}"), &newest, "again".into()))
                .await
                .unwrap()
                .into_inner();
            assert!(r.replayed, "round {round}: {newest}");
            assert_eq!(fake.requests().len(), calls);
        }
        if round == ROUNDS {
            break;
        }
        let clients: Vec<_> = (0..CLIENTS)
            .map(|k| {
                let acked = acked.clone();
                let addr = server.addr.clone();
                tokio::spawn(async move {
                    let Ok(ch) = tonic::transport::Channel::from_shared(addr)
                        .unwrap()
                        .connect()
                        .await
                    else {
                        return;
                    };
                    let mut c = switchboard::proto::switchboard_client::SwitchboardClient::new(ch);
                    for i in 0.. {
                        // Unique per tenant (ids are not per session), and sortable, so that
                        // the newest is the last.
                        let id = format!("r{round}-c{k}-{i:06}");
                        let req = ask(&format!("c{k}"), &id, format!("{id}: {}", text(i)));
                        match c.ask(req).await {
                            Ok(_) => {
                                acked.lock().unwrap()[k].insert(id);
                            }
                            Err(_) => return,
                        }
                    }
                })
            })
            .collect();
        let wait = 100 + next(&mut seed) % 600;
        tokio::time::sleep(Duration::from_millis(wait)).await;
        server.kill9();
        for t in clients {
            t.await.unwrap();
        }
        let n: usize = acked.lock().unwrap().iter().map(BTreeSet::len).sum();
        eprintln!("round {round}: kill -9 after {wait} ms; {n} turns acknowledged so far");
    }
    eprintln!(
        "kill -9 under load, {ROUNDS} rounds: {:.1}s",
        started.elapsed().as_secs_f64()
    );
}

/// The euid of this process (/proc/self belongs to it).
fn euid() -> u32 {
    use std::os::unix::fs::MetadataExt as _;
    std::fs::metadata("/proc/self")
        .map(|m| m.uid())
        .unwrap_or(0)
}

#[tokio::test]
async fn a_data_dir_it_may_not_read_is_named() {
    let _machine = machine::shared().await;
    use std::os::unix::fs::PermissionsExt as _;
    let data = tempfile::tempdir().unwrap();
    let mut spec = Spec::new(data.path());
    if euid() == 0 {
        // root reads anything: the server runs as nobody, the data dir stays root's (0700).
        spec.uid = Some(65534);
        std::fs::set_permissions(data.path(), std::fs::Permissions::from_mode(0o700)).unwrap();
    } else {
        std::fs::set_permissions(data.path(), std::fs::Permissions::from_mode(0o000)).unwrap();
    }
    let mut server = Server::spawn(&spec);
    let status = server.wait_exit(Duration::from_secs(60)).await;
    std::fs::set_permissions(data.path(), std::fs::Permissions::from_mode(0o700)).unwrap();
    let log = server.log_text();
    assert!(!status.expect("exits").success(), "{log}");
    assert!(log.contains("Permission denied"), "{log}");
    assert!(
        log.contains(&data.path().join("memory.seal").display().to_string()),
        "{log}"
    );
}

/// Five concurrent Asks with one request id against the binary: one model call, one turn, and
/// the same answer for all five (four of them replayed).
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn concurrent_duplicates_run_once() {
    let _machine = machine::shared().await;
    let dir = tempfile::tempdir().unwrap();
    let fake = FakeOpenAi::start(Script {
        delay: std::time::Duration::from_millis(100),
        ..Script::default()
    })
    .await;
    let server = Server::start(&spec(dir.path(), &fake)).await;
    let mut calls = Vec::new();
    for _ in 0..5 {
        let mut c = server.client().await;
        calls.push(tokio::spawn(async move {
            c.ask(ask("dup-session", "dup-1", "say it once".into()))
                .await
                .map(|r| r.into_inner())
        }));
    }
    let mut answers = Vec::new();
    for call in calls {
        answers.push(call.await.unwrap().expect("every duplicate is answered"));
    }
    assert_eq!(fake.requests().len(), 1, "model calls");
    assert!(
        answers
            .iter()
            .all(|a| a.text == answers[0].text && a.turn_index == 0)
    );
    assert_eq!(answers.iter().filter(|a| a.replayed).count(), 4);
    let session = server
        .client()
        .await
        .get_session(switchboard::proto::GetSessionRequest {
            session_id: "dup-session".into(),
        })
        .await
        .unwrap()
        .into_inner();
    assert_eq!(session.turns.len(), 1);
}

//! Replicas of the real binary sharing session memory on a real `redis-server` the tests start
//! (`memory.backend = "redis"`): two replicas serving one session alternately, duplicates of
//! one request id sent to both at once, kill -9 of a replica under load, and Redis itself going
//! away and coming back (UNAVAILABLE meanwhile, health following it, no acknowledged turn lost).

use std::collections::BTreeSet;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use switchboard::proto::switchboard_client::SwitchboardClient;
use switchboard::proto::{AskRequest, GetSessionRequest, Session};
use switchboard_testkit::redis::{Mode, RedisServer};
use tonic::Code;
use tonic::transport::Channel;
use tonic_health::pb::health_check_response::ServingStatus;

use super::harness::{Server, Spec};
use crate::common::fake_openai::{FakeOpenAi, Script};
use crate::common::machine;

const SERVICE: &str = "switchboard.v1.Switchboard";

/// A replica on `redis`, answering with the test double; leases short, so that an id a killed
/// replica held is free again soon.
fn spec(data: &std::path::Path, fake: &FakeOpenAi, redis: &RedisServer) -> Spec {
    Spec::new(data)
        .set("SWITCHBOARD_BACKEND", "openai")
        .set("SWITCHBOARD_OPENAI__URL", fake.url())
        .set("SWITCHBOARD_MEMORY__BACKEND", "redis")
        .set("SWITCHBOARD_MEMORY__REDIS__URL", redis.url())
        .set("SWITCHBOARD_MEMORY__REDIS__LEASE_SECS", "1")
}

fn ask(session: &str, request_id: &str, text: &str) -> AskRequest {
    AskRequest {
        session_id: session.into(),
        request_id: request_id.into(),
        text: text.into(),
        // Named, so that no model call goes to routing.
        expert: "general".into(),
        ..Default::default()
    }
}

async fn session(c: &mut SwitchboardClient<Channel>, id: &str) -> Session {
    c.get_session(GetSessionRequest {
        session_id: id.into(),
    })
    .await
    .unwrap()
    .into_inner()
}

async fn until_health(server: &Server, service: &str, want: ServingStatus) {
    let until = Instant::now() + Duration::from_secs(20);
    while server.health_of(service, Duration::from_secs(1)).await != Some(want) {
        assert!(
            Instant::now() < until,
            "{service:?} never {want:?}:\n{}",
            server.log_text()
        );
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
}

/// Two replicas, one session, turns sent to each in turn: every answer has the next index, each
/// replica's model call sees the turns the other recorded, and both read the whole session.
/// Then one request id sent to both at once runs once.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn two_replicas_serve_one_session_alternately() {
    let _machine = machine::shared().await;
    let redis = RedisServer::start(Mode::Volatile);
    let fake = FakeOpenAi::start(Script {
        echo: true,
        ..Script::default()
    })
    .await;
    let (d1, d2) = (tempfile::tempdir().unwrap(), tempfile::tempdir().unwrap());
    let a = Server::start(&spec(d1.path(), &fake, &redis)).await;
    let b = Server::start(&spec(d2.path(), &fake, &redis)).await;
    let mut clients = [a.client().await, b.client().await];
    const TURNS: u64 = 10;
    for i in 0..TURNS {
        let c = &mut clients[i as usize % 2];
        let r = c
            .ask(ask("shared", &format!("alt-{i}"), &format!("turn {i}")))
            .await
            .unwrap()
            .into_inner();
        assert_eq!(r.turn_index, i);
        assert!(!r.replayed);
        if i > 0 {
            // The history this replica sent the model has the other replica's last turn.
            let sent = fake.requests().last().unwrap().to_string();
            assert!(sent.contains(&format!("turn {}", i - 1)), "{sent}");
        }
    }
    for c in &mut clients {
        let s = session(c, "shared").await;
        let got: Vec<(u64, String)> = s.turns.into_iter().map(|t| (t.index, t.text)).collect();
        let want: Vec<(u64, String)> = (0..TURNS).map(|i| (i, format!("turn {i}"))).collect();
        assert_eq!(got, want);
    }

    // Duplicates of one id on both replicas at once: one model call, one turn.
    fake.set_script(Script {
        delay: Duration::from_millis(100),
        ..Script::default()
    });
    let calls = fake.requests().len();
    let mut dups = Vec::new();
    for k in 0..4 {
        let mut c = [&a, &b][k % 2].client().await;
        dups.push(tokio::spawn(async move {
            c.ask(ask("shared", "dup", "once"))
                .await
                .map(|r| r.into_inner())
        }));
    }
    let mut answers = Vec::new();
    for d in dups {
        answers.push(d.await.unwrap().expect("every duplicate is answered"));
    }
    assert_eq!(fake.requests().len(), calls + 1, "model calls");
    assert!(answers.iter().all(|r| r.turn_index == TURNS));
    assert_eq!(answers.iter().filter(|r| r.replayed).count(), 3);
    assert_eq!(
        session(&mut clients[0], "shared").await.turns.len() as u64,
        TURNS + 1
    );
}

/// kill -9 of one replica while clients write through both: each client then sends its
/// unanswered request again, same id, to the survivor. Every acknowledged turn is there, every
/// request id once, indices without a gap.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn kill_9_of_a_replica_loses_no_acknowledged_turn() {
    let _machine = machine::shared().await;
    let redis = RedisServer::start(Mode::Aof);
    let fake = FakeOpenAi::start(Script {
        delay: Duration::from_millis(5),
        ..Script::default()
    })
    .await;
    let (d1, d2) = (tempfile::tempdir().unwrap(), tempfile::tempdir().unwrap());
    let mut a = Server::start(&spec(d1.path(), &fake, &redis)).await;
    let b = Server::start(&spec(d2.path(), &fake, &redis)).await;
    const CLIENTS: usize = 3;
    let acked: Arc<Mutex<Vec<BTreeSet<String>>>> =
        Arc::new(Mutex::new(vec![BTreeSet::new(); CLIENTS]));
    let tasks: Vec<_> = (0..CLIENTS)
        .map(|k| {
            let acked = acked.clone();
            let addrs = [a.addr.clone(), b.addr.clone()];
            tokio::spawn(async move {
                let connect = |addr: String| async move {
                    SwitchboardClient::new(
                        Channel::from_shared(addr).unwrap().connect().await.unwrap(),
                    )
                };
                let mut a = connect(addrs[0].clone()).await;
                let mut b = connect(addrs[1].clone()).await;
                for i in 0.. {
                    let id = format!("c{k}-{i:05}");
                    let req = ask(&format!("s{k}"), &id, &id);
                    let on_a = i % 2 == 0;
                    let r = if on_a {
                        a.ask(req.clone()).await
                    } else {
                        b.ask(req.clone()).await
                    };
                    if r.is_ok() {
                        acked.lock().unwrap()[k].insert(id);
                        continue;
                    }
                    // A went away (with this request's lease, perhaps): the same id to B.
                    assert!(on_a, "the survivor failed: {r:?}");
                    b.ask(req).await.expect("the survivor answers the retry");
                    acked.lock().unwrap()[k].insert(id);
                    return;
                }
            })
        })
        .collect();
    tokio::time::sleep(Duration::from_millis(700)).await;
    a.kill9();
    for t in tasks {
        t.await.unwrap();
    }
    let mut c = b.client().await;
    let mut total = 0;
    let acked = acked.lock().unwrap().clone();
    for (k, ids) in acked.into_iter().enumerate() {
        let s = session(&mut c, &format!("s{k}")).await;
        let stored: Vec<String> = s.turns.iter().map(|t| t.request_id.clone()).collect();
        let once: BTreeSet<String> = stored.iter().cloned().collect();
        assert_eq!(once.len(), stored.len(), "an id recorded twice: {stored:?}");
        assert_eq!(once, ids, "s{k}");
        let indices: Vec<u64> = s.turns.iter().map(|t| t.index).collect();
        assert_eq!(indices, (0..indices.len() as u64).collect::<Vec<_>>());
        total += ids.len();
    }
    eprintln!("kill -9 of a replica: {total} acknowledged turns, all there");
    assert!(total > CLIENTS);
}

/// Redis goes away: Asks get UNAVAILABLE and the service NOT_SERVING (the process stays
/// SERVING); a replica started meanwhile starts, and says the same. Redis back: both serve, and
/// what was acknowledged before is there.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn redis_away_is_unavailable_and_both_recover() {
    let _machine = machine::shared().await;
    let mut redis = RedisServer::start(Mode::Aof);
    let fake = FakeOpenAi::start(Script::default()).await;
    let (d1, d2) = (tempfile::tempdir().unwrap(), tempfile::tempdir().unwrap());
    let a = Server::start(&spec(d1.path(), &fake, &redis)).await;
    until_health(&a, SERVICE, ServingStatus::Serving).await;
    let mut ca = a.client().await;
    let r = ca
        .ask(ask("s", "before", "before"))
        .await
        .unwrap()
        .into_inner();
    assert_eq!(r.turn_index, 0);

    redis.kill();
    let e = ca.ask(ask("s", "during", "during")).await.unwrap_err();
    assert_eq!(e.code(), Code::Unavailable, "{e:?}");
    assert_eq!(
        ca.get_session(GetSessionRequest {
            session_id: "s".into()
        })
        .await
        .unwrap_err()
        .code(),
        Code::Unavailable
    );
    until_health(&a, SERVICE, ServingStatus::NotServing).await;
    assert_eq!(
        a.health(Duration::from_secs(1)).await,
        Some(ServingStatus::Serving)
    );

    // Started while Redis is down: it starts, and is not ready.
    let b = Server::start(&spec(d2.path(), &fake, &redis)).await;
    until_health(&b, SERVICE, ServingStatus::NotServing).await;
    let mut cb = b.client().await;
    let e = cb.ask(ask("s", "during", "during")).await.unwrap_err();
    assert_eq!(e.code(), Code::Unavailable, "{e:?}");

    redis.restart();
    until_health(&a, SERVICE, ServingStatus::Serving).await;
    until_health(&b, SERVICE, ServingStatus::Serving).await;
    let r = cb
        .ask(ask("s", "during", "during"))
        .await
        .unwrap()
        .into_inner();
    assert_eq!(r.turn_index, 1);
    let s = session(&mut ca, "s").await;
    let texts: Vec<&str> = s.turns.iter().map(|t| t.text.as_str()).collect();
    assert_eq!(texts, ["before", "during"]);
    for server in [&a, &b] {
        let log = server.log_text();
        assert!(
            log.contains("NOT_SERVING") && !log.contains("panicked"),
            "{log}"
        );
    }
}

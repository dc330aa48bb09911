//! One test suite, run against every store: sled in a temp dir, a real `redis-server` started
//! here, and a real three-primary Redis Cluster through the cluster client (where a script
//! touching two slots fails). "Two replicas" are two `Memory` values on one Redis (sled has one,
//! cloned).

use std::collections::BTreeSet;
use std::time::Duration;

use switchboard_testkit::certs::{Ca, write};
use switchboard_testkit::redis::{Mode, RedisCluster, RedisServer};

use super::*;
use crate::config::MemoryConfig;

#[derive(Clone, Copy, PartialEq, Eq, Debug)]
enum Kind {
    Sled,
    Redis,
    Cluster,
}

struct Fixture {
    one: Memory,
    two: Memory,
    redis: Option<RedisServer>,
    cluster: Option<std::sync::Arc<RedisCluster>>,
    /// Every key of this fixture starts with it (a shared cluster holds other cases' keys).
    prefix: String,
    _dir: tempfile::TempDir,
}

tokio::task_local! {
    /// A cluster the suite's cases share, one after another: a cluster takes about 2 s to
    /// start (a new primary waits that long before it serves), so one per case would cost
    /// that each time. Each case's keys get a prefix of their own.
    static SHARED_CLUSTER: std::sync::Arc<RedisCluster>;
}

fn config(kind: Kind) -> MemoryConfig {
    let mut c = MemoryConfig {
        history_turns: 2,
        max_turns_per_session: 3,
        ..MemoryConfig::default()
    };
    if kind != Kind::Sled {
        c.backend = MemoryBackend::Redis;
        c.redis.retries = 2;
        c.redis.retry_backoff_secs = 0.01;
        c.redis.connect_timeout_secs = 0.5;
        c.redis.response_timeout_secs = 1.0;
    }
    c
}

fn fixture_with(kind: Kind, mode: Mode, mut c: MemoryConfig) -> Fixture {
    let dir = tempfile::tempdir().unwrap();
    c.data_dir = dir.path().to_path_buf();
    let redis = (kind == Kind::Redis).then(|| RedisServer::start(mode));
    if let Some(r) = &redis {
        c.redis.url = r.url();
    }
    let cluster = (kind == Kind::Cluster).then(|| {
        SHARED_CLUSTER
            .try_with(|c| c.clone())
            .unwrap_or_else(|_| std::sync::Arc::new(RedisCluster::start(3)))
    });
    if let Some(r) = &cluster {
        c.redis.url = r.url();
        c.redis.cluster = true;
        c.redis.key_prefix = format!("case{}", uuid::Uuid::new_v4().simple());
    }
    let prefix = c.redis.key_prefix.clone();
    let one = Memory::open(&c).unwrap();
    let two = match kind {
        Kind::Sled => one.clone(),
        _ => Memory::open(&c).unwrap(),
    };
    Fixture {
        one,
        two,
        redis,
        cluster,
        prefix,
        _dir: dir,
    }
}

fn fixture(kind: Kind, c: MemoryConfig) -> Fixture {
    fixture_with(kind, Mode::Volatile, c)
}

fn turn(text: &str, request_id: &str) -> Turn {
    Turn {
        text: text.into(),
        answer: format!("re: {text}"),
        request_id: request_id.into(),
        ..Default::default()
    }
}

fn new<'a>(tenant: &'a str, session: &'a str, t: Turn) -> NewTurn<'a> {
    NewTurn {
        tenant,
        session_id: session,
        turn: t,
        response: None,
    }
}

fn answered<'a>(tenant: &'a str, session: &'a str, rid: &str, text: &str) -> NewTurn<'a> {
    NewTurn {
        tenant,
        session_id: session,
        turn: turn(text, rid),
        response: Some(AskResponse {
            session_id: session.into(),
            text: format!("answer to {text}"),
            request_id: rid.into(),
            ..Default::default()
        }),
    }
}

fn texts(turns: &[Turn]) -> Vec<&str> {
    turns.iter().map(|t| t.text.as_str()).collect()
}

async fn appends_in_order_with_window_and_cap(kind: Kind) {
    let f = fixture(kind, config(kind));
    for i in 0..5 {
        let got = f
            .one
            .append(new("t", "s1", turn(&format!("q{i}"), "")))
            .await;
        assert_eq!(got.unwrap(), i);
    }
    let recent = f.two.recent_turns("t", "s1").await.unwrap();
    assert_eq!(texts(&recent), ["q3", "q4"]);
    assert_eq!(recent.iter().map(|t| t.index).collect::<Vec<_>>(), [3, 4]);
    let s = f.two.session("t", "s1").await.unwrap().unwrap();
    assert_eq!(
        s.turns.iter().map(|t| t.index).collect::<Vec<_>>(),
        [2, 3, 4]
    );
    assert_eq!(texts(&s.turns), ["q2", "q3", "q4"]);
    assert!(s.created_at_ms > 0 && s.updated_at_ms >= s.created_at_ms);
    assert!(f.one.session("t", "nope").await.unwrap().is_none());
    assert!(f.one.recent_turns("t", "nope").await.unwrap().is_empty());

    assert!(f.two.delete_session("t", "s1").await.unwrap());
    assert!(f.one.session("t", "s1").await.unwrap().is_none());
    assert!(f.one.recent_turns("t", "s1").await.unwrap().is_empty());
    assert!(!f.one.delete_session("t", "s1").await.unwrap());
    // A new session under the same id starts again at 0.
    assert_eq!(
        f.one
            .append(new("t", "s1", turn("again", "")))
            .await
            .unwrap(),
        0
    );
}

/// Names that would run together if keys were joined with a separator, and names with the
/// characters of Redis's hash tags and of the escape.
async fn tenants_and_sessions_are_isolated(kind: Kind) {
    let f = fixture(kind, config(kind));
    let pairs = [
        ("a:b", "c"),
        ("a", "b:c"),
        ("a", "b"),
        ("x}", "{y"),
        ("x", "}{y"),
        ("x%7D", "y"),
        ("x}", "y"),
    ];
    for (t, s) in pairs {
        let text = format!("{t}/{s}");
        f.one.append(answered(t, s, "r1", &text)).await.unwrap();
    }
    for (t, s) in pairs {
        let sess = f.two.session(t, s).await.unwrap().unwrap();
        assert_eq!(texts(&sess.turns), [format!("{t}/{s}")], "{t}/{s}");
    }
    // A request id is per tenant: the last answer stored under it for that tenant.
    let r = f.two.task("a", "r1").await.unwrap().unwrap();
    assert_eq!(r.text, "answer to a/b");
    assert!(f.two.task("nobody", "r1").await.unwrap().is_none());
}

async fn stored_answers_replay_with_their_index(kind: Kind) {
    let f = fixture(kind, config(kind));
    f.one
        .append(new("t", "s", turn("first", "")))
        .await
        .unwrap();
    let i = f
        .one
        .append(answered("t", "s", "req-1", "q"))
        .await
        .unwrap();
    assert_eq!(i, 1);
    let r = f.two.task("t", "req-1").await.unwrap().unwrap();
    assert_eq!((r.text.as_str(), r.turn_index), ("answer to q", 1));
    assert!(f.two.task("other", "req-1").await.unwrap().is_none());
    assert!(f.two.task("t", "req-2").await.unwrap().is_none());
    // The turn keeps its request id.
    let s = f.two.session("t", "s").await.unwrap().unwrap();
    assert_eq!(s.turns[1].request_id, "req-1");
    // A claim of an answered id is its answer, from either replica.
    let Claim::Stored(r) = f.two.claim("t", "req-1", "s").await.unwrap() else {
        panic!("not replayed")
    };
    assert_eq!(r.turn_index, 1);
}

/// Two replicas appending to one session at once: every index once, none lost.
async fn concurrent_appends_from_two_replicas(kind: Kind) {
    let mut c = config(kind);
    c.max_turns_per_session = 1000;
    let f = fixture(kind, c);
    const EACH: usize = 40;
    let mut tasks = Vec::new();
    for (name, m) in [("a", f.one.clone()), ("b", f.two.clone())] {
        tasks.push(tokio::spawn(async move {
            let mut got = Vec::new();
            for i in 0..EACH {
                let text = format!("{name}{i}");
                got.push((
                    m.append(new("t", "s", turn(&text, ""))).await.unwrap(),
                    text,
                ));
            }
            got
        }));
    }
    let mut acked = Vec::new();
    for t in tasks {
        acked.extend(t.await.unwrap());
    }
    let indices: BTreeSet<u64> = acked.iter().map(|(i, _)| *i).collect();
    assert_eq!(indices, (0..2 * EACH as u64).collect());
    let s = f.one.session("t", "s").await.unwrap().unwrap();
    assert_eq!(s.turns.len(), 2 * EACH);
    for (i, t) in s.turns.iter().enumerate() {
        assert_eq!(t.index, i as u64);
        let (_, text) = acked.iter().find(|(j, _)| *j == t.index).unwrap();
        assert_eq!(&t.text, text);
    }
}

/// A second claim of an id waits while the first holds it, then gets the first's answer.
async fn single_flight_across_replicas(kind: Kind) {
    let f = fixture(kind, config(kind));
    let Claim::Held(lease) = f.one.claim("t", "rid", "s").await.unwrap() else {
        panic!("nothing was stored yet")
    };
    let two = f.two.clone();
    let mut waiter = tokio::spawn(async move { two.claim("t", "rid", "s").await });
    // Still waiting while it is held (however slow the machine, it cannot finish).
    assert!(
        tokio::time::timeout(Duration::from_millis(300), &mut waiter)
            .await
            .is_err()
    );
    f.one.append(answered("t", "s", "rid", "q")).await.unwrap();
    drop(lease);
    let Claim::Stored(r) = waiter.await.unwrap().unwrap() else {
        panic!("the waiter ran it again")
    };
    assert_eq!(r.text, "answer to q");
    // A holder that stored nothing lets the next one hold it.
    let Claim::Held(lease) = f.one.claim("t", "rid2", "s").await.unwrap() else {
        panic!()
    };
    drop(lease);
    let claimed = tokio::time::timeout(Duration::from_secs(30), f.two.claim("t", "rid2", "s"));
    assert!(matches!(claimed.await.unwrap().unwrap(), Claim::Held(_)));
}

/// Sessions and answers go once untouched for the TTL: Redis's expiry, sled's sweep.
async fn sessions_expire_after_their_ttl(kind: Kind) {
    let mut c = config(kind);
    c.session_ttl_secs = 1;
    let f = fixture(kind, c);
    f.one.append(answered("t", "s", "r", "q")).await.unwrap();
    assert!(f.one.session("t", "s").await.unwrap().is_some());
    tokio::time::sleep(Duration::from_millis(1100)).await;
    f.one.sweep().await.unwrap();
    assert!(f.two.session("t", "s").await.unwrap().is_none());
    assert!(f.two.task("t", "r").await.unwrap().is_none());
    // Nothing left behind: every key has expired.
    let keys = match (&f.redis, &f.cluster) {
        (Some(r), _) => r.cli(&["--scan"]),
        (_, Some(c)) => c.scan(&format!("{}:*", f.prefix)),
        _ => String::new(),
    };
    assert!(keys.trim().is_empty(), "{keys}");
}

macro_rules! suite {
    ($($case:ident),* $(,)?) => {
        mod on_sled {
            $(#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
            async fn $case() {
                super::$case(super::Kind::Sled).await
            })*
        }
        mod on_redis {
            $(#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
            async fn $case() {
                super::$case(super::Kind::Redis).await
            })*
        }
        mod on_redis_cluster {
            /// Every case in turn on one cluster (see `SHARED_CLUSTER`).
            #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
            async fn every_case() {
                let cluster = std::sync::Arc::new(super::RedisCluster::start(3));
                super::SHARED_CLUSTER
                    .scope(cluster, async {
                        $(super::$case(super::Kind::Cluster).await;)*
                    })
                    .await
            }
        }
    };
}

suite!(
    appends_in_order_with_window_and_cap,
    tenants_and_sessions_are_isolated,
    stored_answers_replay_with_their_index,
    concurrent_appends_from_two_replicas,
    single_flight_across_replicas,
    sessions_expire_after_their_ttl,
);

/// A replica that took a lease and died (here: a lease set by hand, never renewed) holds the
/// id only until the lease expires.
#[tokio::test]
async fn a_dead_holders_lease_expires() {
    let mut c = config(Kind::Redis);
    c.redis.lease_secs = 0.5;
    let f = fixture(Kind::Redis, c);
    let r = f.redis.as_ref().unwrap();
    let key = "switchboard:{1:t:rid}:l";
    assert_eq!(r.cli(&["SET", key, "dead", "PX", "1000"]).trim(), "OK");
    let claimed = tokio::time::timeout(Duration::from_secs(30), f.one.claim("t", "rid", "s"));
    let Claim::Held(lease) = claimed.await.unwrap().unwrap() else {
        panic!()
    };
    // Held now, renewed past its half-second length.
    tokio::time::sleep(Duration::from_millis(800)).await;
    assert!(!r.cli(&["GET", key]).contains("dead"));
    assert!(!r.cli(&["GET", key]).trim().is_empty());
    drop(lease);
    let until = std::time::Instant::now() + Duration::from_secs(5);
    while !r.cli(&["GET", key]).trim().is_empty() {
        assert!(
            std::time::Instant::now() < until,
            "the lease was not released"
        );
        tokio::time::sleep(Duration::from_millis(10)).await;
    }
}

/// Redis stopped: UNAVAILABLE after the bounded retries, never a panic; started again (its
/// append-only file fsynced on every write), every acknowledged turn is there and appends go on.
#[tokio::test]
async fn redis_down_is_unavailable_and_recovers() {
    let mut f = fixture_with(Kind::Redis, Mode::Aof, config(Kind::Redis));
    for i in 0..3 {
        f.one
            .append(new("t", "s", turn(&format!("q{i}"), "")))
            .await
            .unwrap();
    }
    f.redis.as_mut().unwrap().kill();
    let e = f
        .one
        .append(new("t", "s", turn("lost", "")))
        .await
        .unwrap_err();
    assert!(matches!(e, Error::MemoryUnavailable(_)), "{e:?}");
    assert_eq!(crate::error::code_of(&e), tonic::Code::Unavailable);
    let e = f.two.session("t", "s").await.unwrap_err();
    assert!(matches!(e, Error::MemoryUnavailable(_)), "{e:?}");
    assert!(f.one.check().await.is_err());

    f.redis.as_mut().unwrap().restart();
    let until = std::time::Instant::now() + Duration::from_secs(10);
    while f.one.check().await.is_err() {
        assert!(std::time::Instant::now() < until, "no reconnection");
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    assert_eq!(
        f.one.append(new("t", "s", turn("q3", ""))).await.unwrap(),
        3
    );
    let s = f.two.session("t", "s").await.unwrap().unwrap();
    assert_eq!(texts(&s.turns), ["q1", "q2", "q3"]);
}

/// An append whose reply was lost and is sent again (same mark) is applied once.
#[tokio::test]
async fn the_same_request_id_appends_once() {
    let mut c = config(Kind::Redis);
    c.max_turns_per_session = 10;
    let f = fixture(Kind::Redis, c);
    let a = f.one.append(answered("t", "s", "rid", "q")).await.unwrap();
    let b = f.two.append(answered("t", "s", "rid", "q")).await.unwrap();
    assert_eq!((a, b), (0, 0));
    let s = f.one.session("t", "s").await.unwrap().unwrap();
    assert_eq!(s.turns.len(), 1);
}

/// A record that does not read back is a storage error (INTERNAL, logged), not retried and
/// not UNAVAILABLE; the next session over still works.
#[tokio::test]
async fn a_damaged_turn_is_a_storage_error() {
    let f = fixture(Kind::Redis, config(Kind::Redis));
    let r = f.redis.as_ref().unwrap();
    let key = "switchboard:{1:t:s}:t";
    assert_eq!(r.cli(&["RPUSH", key, "junk"]).trim(), "1");
    let e = f.one.recent_turns("t", "s").await.unwrap_err();
    assert!(matches!(&e, Error::Storage(m) if m.contains(key)), "{e:?}");
    let e = f
        .one
        .append(new("t", "s", turn("q", "")))
        .await
        .unwrap_err();
    assert!(
        matches!(&e, Error::Storage(m) if m.contains("DAMAGED") && m.contains(key)),
        "{e:?}"
    );
    assert_eq!(crate::error::code_of(&e), tonic::Code::Internal);
    assert_eq!(
        f.one.append(new("t", "s2", turn("q", ""))).await.unwrap(),
        0
    );
}

#[test]
fn a_bad_redis_url_is_a_configuration_error() {
    let mut c = config(Kind::Redis);
    c.redis.url = "http://nope".into();
    let e = Memory::open(&c).err().unwrap();
    assert!(
        matches!(&e, Error::Config(m) if m.contains("memory.redis.url")),
        "{e:?}"
    );
}

/// With `wait_replicas`, a turn is acknowledged once a Redis replica has it; with the replica
/// gone, appends are UNAVAILABLE after the wait (the primary keeps the turn: the same request
/// id replays it); with the replica back, they go on.
#[tokio::test]
async fn wait_replicas_acknowledges_only_replicated_turns() {
    let mut c = config(Kind::Redis);
    c.max_turns_per_session = 10;
    c.redis.wait_replicas = 1;
    // Long enough for a replica on a loaded 2-core CI machine to answer the primary's GETACK
    // (0.2 s was not: CI saw "0 of the 1" for a linked replica); only the replica-gone case
    // waits it out.
    c.redis.wait_timeout_secs = 2.0;
    c.redis.response_timeout_secs = 4.0;
    let f = fixture(Kind::Redis, c);
    let mut replica = RedisServer::replica_of(f.redis.as_ref().unwrap());
    assert_eq!(
        f.one.append(answered("t", "s", "r0", "q0")).await.unwrap(),
        0
    );
    // The replica has it: read there.
    let len = replica.cli(&["LLEN", "switchboard:{1:t:s}:t"]);
    assert_eq!(len.trim(), "1");

    replica.kill();
    let e = f
        .one
        .append(answered("t", "s", "r1", "q1"))
        .await
        .unwrap_err();
    assert!(
        matches!(&e, Error::MemoryUnavailable(m) if m.contains("0 of the 1")),
        "{e:?}"
    );
    let stored = f.two.task("t", "r1").await.unwrap().unwrap();
    assert_eq!(stored.turn_index, 1);

    replica.restart();
    replica.until_linked();
    assert_eq!(
        f.one.append(answered("t", "s", "r2", "q2")).await.unwrap(),
        2
    );
}

/// Redis that stops answering for longer than the response timeout (writes paused): the append
/// is tried again, and is recorded once, whichever tries Redis ran.
#[tokio::test]
async fn a_late_reply_is_retried_and_recorded_once() {
    let mut c = config(Kind::Redis);
    c.redis.response_timeout_secs = 0.3;
    c.redis.retries = 5;
    let f = fixture(Kind::Redis, c);
    f.one.append(new("t", "s", turn("q0", ""))).await.unwrap();
    let r = f.redis.as_ref().unwrap();
    assert_eq!(r.cli(&["CLIENT", "PAUSE", "700", "WRITE"]).trim(), "OK");
    assert_eq!(
        f.one.append(new("t", "s", turn("q1", ""))).await.unwrap(),
        1
    );
    let s = f.two.session("t", "s").await.unwrap().unwrap();
    assert_eq!(texts(&s.turns), ["q0", "q1"]);
}

/// A session on the cluster primary numbered `primary` (found by asking the cluster).
fn session_on(cluster: &RedisCluster, primary: usize) -> String {
    (0..)
        .map(|n| format!("s{n}"))
        .find(|s| cluster.primary_of(&format!("switchboard:{{1:t:{s}}}:t")) == primary)
        .unwrap()
}

/// In a cluster, `WAIT` goes to the primary that took the append: a session whose primary has
/// a replica is acknowledged, one whose primary has none is UNAVAILABLE (asked of every
/// primary, as the cluster client would by itself, both would fail).
#[tokio::test]
async fn cluster_wait_asks_the_sessions_primary() {
    let mut c = config(Kind::Cluster);
    c.redis.wait_replicas = 1;
    c.redis.wait_timeout_secs = 1.0;
    c.redis.response_timeout_secs = 3.0;
    let mut f = fixture(Kind::Cluster, c);
    let cluster = std::sync::Arc::get_mut(f.cluster.as_mut().unwrap()).unwrap();
    cluster.add_replica(0);
    let (with, without) = (session_on(cluster, 0), session_on(cluster, 1));
    assert_eq!(
        f.one
            .append(answered("t", &with, "r0", "q0"))
            .await
            .unwrap(),
        0
    );
    let e = f
        .one
        .append(answered("t", &without, "r1", "q1"))
        .await
        .unwrap_err();
    assert!(
        matches!(&e, Error::MemoryUnavailable(m) if m.contains("0 of the 1")),
        "{e:?}"
    );
    // The primary kept it: the same request id replays it.
    assert_eq!(f.two.task("t", "r1").await.unwrap().unwrap().turn_index, 0);
}

/// A cluster primary down: its sessions are UNAVAILABLE after the bounded retries, never a
/// panic, while sessions on the other primaries are served; back (its slots in its nodes.conf),
/// its sessions are served again.
#[tokio::test]
async fn cluster_primary_down_is_unavailable_for_its_sessions_only() {
    let f = fixture(Kind::Cluster, config(Kind::Cluster));
    let mut cluster = std::sync::Arc::try_unwrap(f.cluster.unwrap()).ok().unwrap();
    let (up, down) = (session_on(&cluster, 0), session_on(&cluster, 2));
    for s in [&up, &down] {
        assert_eq!(f.one.append(new("t", s, turn("q0", ""))).await.unwrap(), 0);
    }
    cluster.nodes[2].kill();
    let e = f
        .one
        .append(new("t", &down, turn("q1", "")))
        .await
        .unwrap_err();
    assert!(matches!(e, Error::MemoryUnavailable(_)), "{e:?}");
    assert!(f.one.check().await.is_err());
    assert!(f.two.check().await.is_err());
    assert_eq!(
        f.two.append(new("t", &up, turn("q1", ""))).await.unwrap(),
        1
    );

    cluster.nodes[2].restart();
    let until = std::time::Instant::now() + Duration::from_secs(15);
    loop {
        match f.one.append(new("t", &down, turn("q1", ""))).await {
            Ok(i) => {
                // Volatile: the restarted primary lost its data, so the session starts again.
                assert_eq!(i, 0);
                break;
            }
            Err(e) => {
                assert!(matches!(e, Error::MemoryUnavailable(_)), "{e:?}");
                assert!(std::time::Instant::now() < until, "no recovery: {e:?}");
                tokio::time::sleep(Duration::from_millis(50)).await;
            }
        }
    }
    f.two.check().await.unwrap();
}

/// A Redis with TLS on (certificates made here), and the files a client names.
struct TlsRedis {
    redis: RedisServer,
    dir: tempfile::TempDir,
    ca: std::path::PathBuf,
    ca_key: Ca,
}

fn tls_redis(client_certs: bool) -> TlsRedis {
    let dir = tempfile::tempdir().unwrap();
    let ca_key = Ca::new("redis test CA");
    let leaf = ca_key.server();
    let put = |name: &str, text: &str| write(&dir.path().join(name), text);
    let (cert, key) = (put("redis.crt", &leaf.cert), put("redis.key", &leaf.key));
    let ca = put("ca.pem", &ca_key.pem());
    let redis = RedisServer::start_tls(&cert, &key, &ca, client_certs);
    TlsRedis {
        redis,
        dir,
        ca,
        ca_key,
    }
}

impl TlsRedis {
    fn config(&self) -> MemoryConfig {
        let mut c = config(Kind::Redis);
        c.data_dir = self.dir.path().to_path_buf();
        c.redis.url = self.redis.tls_url().unwrap();
        c.redis.tls_ca = Some(self.ca.clone());
        c
    }
}

async fn append_once(c: &MemoryConfig, session: &str) -> Result<u64> {
    Memory::open(c)?
        .append(new("t", session, turn("q", "")))
        .await
}

/// `rediss://` with the CA from a file is served, the turn is in Redis; Redis's certificate
/// from a CA the client was not given (the system's roots, or another file), or plain text to
/// the TLS port, is not (UNAVAILABLE after the retries, never a panic).
#[tokio::test]
async fn redis_over_tls_trusts_the_given_ca_only() {
    let r = tls_redis(false);
    let c = r.config();
    let m = Memory::open(&c).unwrap();
    assert_eq!(m.append(answered("t", "s", "r", "q")).await.unwrap(), 0);
    m.check().await.unwrap();
    assert_eq!(m.task("t", "r").await.unwrap().unwrap().turn_index, 0);
    assert_eq!(r.redis.cli(&["LLEN", "switchboard:{1:t:s}:t"]).trim(), "1");

    let mut system_roots = c.clone();
    system_roots.redis.tls_ca = None;
    let other = write(&r.dir.path().join("other.pem"), &Ca::new("other").pem());
    let mut other_ca = c.clone();
    other_ca.redis.tls_ca = Some(other);
    let mut plain = c.clone();
    plain.redis.url = c.redis.url.replace("rediss://", "redis://");
    plain.redis.tls_ca = None;
    for bad in [system_roots, other_ca, plain] {
        let e = append_once(&bad, "s2").await.unwrap_err();
        assert!(matches!(e, Error::MemoryUnavailable(_)), "{e:?}");
    }
    assert!(r.redis.cli(&["EXISTS", "switchboard:{1:t:s2}:t"]).trim() == "0");
}

/// A Redis that asks for client certificates (`tls-auth-clients yes`) serves a client with one
/// from its CA, and not one without.
#[tokio::test]
async fn redis_over_mutual_tls() {
    let r = tls_redis(true);
    let mut c = r.config();
    let e = append_once(&c, "s").await.unwrap_err();
    assert!(matches!(e, Error::MemoryUnavailable(_)), "{e:?}");
    let leaf = r.ca_key.client("switchboard");
    c.redis.tls_cert = Some(write(&r.dir.path().join("client.crt"), &leaf.cert));
    c.redis.tls_key = Some(write(&r.dir.path().join("client.key"), &leaf.key));
    assert_eq!(append_once(&c, "s").await.unwrap(), 0);
}

/// A Redis Cluster over TLS (clients and the cluster bus): the cluster client reaches every
/// primary by the TLS ports the nodes announce, trusting the CA file.
#[tokio::test]
async fn redis_cluster_over_tls() {
    let r = tls_redis(false);
    let dir = r.dir.path();
    let peer = r.ca_key.peer();
    let cert = write(&dir.join("node.crt"), &peer.cert);
    let key = write(&dir.join("node.key"), &peer.key);
    let cluster = RedisCluster::start_tls(3, &cert, &key, &r.ca);
    let mut c = r.config();
    c.redis.url = cluster.url();
    c.redis.cluster = true;
    let m = Memory::open(&c).unwrap();
    for primary in 0..3 {
        let s = session_on(&cluster, primary);
        assert_eq!(m.append(answered("t", &s, &s, "q")).await.unwrap(), 0);
        assert_eq!(m.task("t", &s).await.unwrap().unwrap().turn_index, 0);
    }
    m.check().await.unwrap();
    let mut other = c.clone();
    other.redis.tls_ca = Some(write(&dir.join("other.pem"), &Ca::new("other").pem()));
    let e = append_once(&other, "s").await.unwrap_err();
    assert!(matches!(e, Error::MemoryUnavailable(_)), "{e:?}");
}

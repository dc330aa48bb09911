//! Append and history-read latency of the session stores, for the notes (figures, never test
//! assertions): sled in a temp dir (flush and seal per append), and a real `redis-server`
//! started here without persistence and with `appendfsync always`; one writer, then two
//! writers on one session. Needs Debian's redis-server:
//! `cargo run --example memory_append [-- APPENDS]`.

use std::time::{Duration, Instant};

use switchboard::config::{MemoryBackend, MemoryConfig};
use switchboard::memory::{Memory, NewTurn};
use switchboard::proto::{AskResponse, Turn};
use switchboard_testkit::redis::{Mode, RedisServer};

fn turn(i: usize) -> Turn {
    Turn {
        text: format!("turn {i}: ") + &"what does this form say? ".repeat(40),
        answer: "It says ".to_string() + &"something about a form. ".repeat(40),
        request_id: format!("req-{i}"),
        ..Default::default()
    }
}

fn ms(d: Duration) -> f64 {
    d.as_secs_f64() * 1000.0
}

fn summary(mut v: Vec<Duration>) -> String {
    v.sort();
    let at = |q: f64| ms(v[((v.len() as f64 - 1.0) * q).round() as usize]);
    let mean = ms(v.iter().sum::<Duration>()) / v.len() as f64;
    format!(
        "p50 {:.3} ms, p99 {:.3} ms, mean {:.3} ms",
        at(0.5),
        at(0.99),
        mean
    )
}

async fn measure(name: &str, one: Memory, two: Memory, n: usize) {
    let mut appends = Vec::with_capacity(n);
    for i in 0..n {
        let t = Instant::now();
        one.append(NewTurn {
            tenant: "t",
            session_id: "s",
            turn: turn(i),
            response: Some(AskResponse {
                text: "It says something.".into(),
                ..Default::default()
            }),
        })
        .await
        .expect("append");
        appends.push(t.elapsed());
    }
    let mut reads = Vec::with_capacity(n);
    for _ in 0..n {
        let t = Instant::now();
        let h = one.recent_turns("t", "s").await.expect("history");
        assert_eq!(h.len(), 8);
        reads.push(t.elapsed());
    }
    // Two writers (two replicas on Redis) on one session at once.
    let t = Instant::now();
    let writers: Vec<_> = [one, two]
        .into_iter()
        .enumerate()
        .map(|(w, m)| {
            tokio::spawn(async move {
                for i in 0..n {
                    m.append(NewTurn {
                        tenant: "t",
                        session_id: "both",
                        turn: turn(w * n + i),
                        response: None,
                    })
                    .await
                    .expect("append");
                }
            })
        })
        .collect();
    for w in writers {
        w.await.expect("writer");
    }
    let both = t.elapsed();
    println!("{name}: append {}", summary(appends));
    println!("{name}: history (8 turns) {}", summary(reads));
    println!(
        "{name}: two writers, {} appends in {:.0} ms: {:.0} appends/s",
        2 * n,
        ms(both),
        (2 * n) as f64 / both.as_secs_f64()
    );
}

#[tokio::main(flavor = "multi_thread", worker_threads = 2)]
async fn main() {
    let n: usize = std::env::args()
        .nth(1)
        .and_then(|a| a.parse().ok())
        .unwrap_or(300);
    let dir = tempfile::tempdir().expect("temp dir");
    let config = MemoryConfig {
        data_dir: dir.path().to_path_buf(),
        ..MemoryConfig::default()
    };
    let sled = Memory::open(&config).expect("sled");
    measure("sled", sled.clone(), sled, n).await;
    for (name, mode) in [
        ("redis, no persistence", Mode::Volatile),
        ("redis, appendfsync always", Mode::Aof),
    ] {
        let redis = RedisServer::start(mode);
        let mut c = config.clone();
        c.backend = MemoryBackend::Redis;
        c.redis.url = redis.url();
        let one = Memory::open(&c).expect("redis");
        let two = Memory::open(&c).expect("redis");
        measure(name, one, two, n).await;
    }
}

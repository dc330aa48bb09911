//! The noisy-neighbour check of the per-tenant quotas: tenant B sends steady Classify calls while
//! tenant A floods with N concurrent clients, over gRPC on loopback, against the real server in
//! this process. Prints B's latency (p50, p99) alone and beside A's flood, with A under a quota
//! and without one. Classify with rules-only routing runs no model, so the figures are about
//! admission and scheduling, not a model.
//!
//! A's clients run in a child process of this example (as another machine's clients would, with
//! their own runtime), at `nice 19` so that on a small machine their own CPU does not count as
//! the server's unfairness; the server and B share this process.
//!
//! The phases run in turn, ROUNDS times over (so that a spell of load from elsewhere on the
//! machine touches every phase alike), and each phase's figures are the medians over the rounds
//! with the range of B's p99.
//!
//! The CPU time of this process (the server and B) and of A's process is measured over each
//! phase: what the server spends on each of A's calls, answered or refused, is the phase's CPU
//! over B-alone's, per call. With `NOISY_FLOOD_CPUS=1` (a `taskset` CPU list) A's process is
//! pinned there (at normal priority); run the example itself under `taskset -c 0` so that A's
//! CPU is not the server's.
//!
//! `NOISY_HOLD=0` sets `quotas.refusal_hold_max_secs` (0: refusals answered at once, as before
//! it existed). `NOISY_PHASES=0,2` runs only those phases (0: B alone, 1: polite, 2: at once, 3: no quota),
//! for a profiler.
//!
//! `cargo run --example noisy_neighbour -- [SECONDS_PER_PHASE] [A_CLIENTS] [A_RPS] [A_IN_FLIGHT]
//! [ROUNDS]` (defaults 6, 16, 200, 4, 3).

use std::sync::Arc;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::time::{Duration, Instant};

use switchboard::app::App;
use switchboard::config::{Config, QuotaOverride};
use switchboard::proto::AskRequest;
use switchboard::proto::switchboard_client::SwitchboardClient;
use tonic::transport::Channel;
use tonic_types::StatusExt;

/// B's pace: one call every this long (100 a second), each awaited.
const B_EVERY: Duration = Duration::from_millis(10);

#[derive(Clone, Copy)]
struct Settings {
    seconds: f64,
    a_clients: usize,
    a_rps: f64,
    a_in_flight: u32,
}

fn config(data: &std::path::Path, quota_for_a: bool, s: Settings) -> Config {
    let repo = std::path::Path::new(env!("CARGO_MANIFEST_DIR"));
    let mut c = Config::default();
    c.server.listen = "127.0.0.1:0".into();
    c.memory.data_dir = data.to_path_buf();
    c.experts.dir = repo.join("experts");
    c.experts.prompts_dir = repo.join("prompts");
    c.routing.semantic.enabled = false;
    c.routing.model.enabled = false;
    c.metrics.enabled = false;
    c.server.max_concurrent_classify = 64;
    c.server.api_keys = vec!["a:key-a".into(), "b:key-b".into()];
    if let Some(hold) = std::env::var("NOISY_HOLD")
        .ok()
        .and_then(|v| v.parse().ok())
    {
        c.quotas.refusal_hold_max_secs = hold;
    }
    if quota_for_a {
        c.quotas.tenants.insert(
            "a".into(),
            QuotaOverride {
                requests_per_second: Some(s.a_rps),
                burst: Some((s.a_rps / 10.0).ceil().max(1.0) as u32),
                max_concurrent: Some(s.a_in_flight),
                ..Default::default()
            },
        );
    }
    c
}

fn request(key: &str) -> tonic::Request<AskRequest> {
    let mut r = tonic::Request::new(AskRequest {
        text: "solve 2x + 3 = 7".into(),
        ..Default::default()
    });
    r.metadata_mut()
        .insert("x-api-key", key.parse().expect("ascii"));
    r
}

#[derive(Clone, Copy, PartialEq)]
enum Flood {
    None,
    /// A's clients wait as RetryInfo says before trying again.
    Polite,
    /// A's clients try again at once.
    Raw,
}

struct Phase {
    name: &'static str,
    quota: bool,
    flood: Flood,
}

struct Figures {
    p50: Duration,
    p99: Duration,
    b_calls: usize,
    b_errors: u64,
    a_ok: u64,
    a_refused: u64,
    /// How long the flood ran (its counts are over this).
    a_seconds: f64,
    /// CPU seconds this process (server and B) used per second of the phase.
    server_cpu: f64,
    /// CPU seconds A's process used per second of its run.
    flood_cpu: f64,
}

/// CPU seconds (user + system) this process has used.
fn own_cpu() -> f64 {
    // SAFETY: getrusage fills the struct it is given.
    let mut u: libc::rusage = unsafe { std::mem::zeroed() };
    unsafe { libc::getrusage(libc::RUSAGE_SELF, &mut u) };
    let t = |v: libc::timeval| v.tv_sec as f64 + v.tv_usec as f64 / 1e6;
    t(u.ru_utime) + t(u.ru_stime)
}

/// CPU seconds (user + system) process `pid` has used, from /proc.
fn cpu_of(pid: u32) -> f64 {
    let stat = std::fs::read_to_string(format!("/proc/{pid}/stat")).unwrap_or_default();
    // Fields after the command name (which may hold spaces): utime and stime are 14 and 15.
    let rest = stat.rsplit_once(')').map(|(_, r)| r).unwrap_or("");
    let f: Vec<&str> = rest.split_whitespace().collect();
    let field = |i: usize| f.get(i).and_then(|v| v.parse::<f64>().ok()).unwrap_or(0.0);
    // SAFETY: sysconf reads a constant.
    let ticks = unsafe { libc::sysconf(libc::_SC_CLK_TCK) } as f64;
    (field(11) + field(12)) / ticks
}

async fn channel(addr: std::net::SocketAddr) -> Channel {
    Channel::from_shared(format!("http://{addr}"))
        .expect("address")
        .connect()
        .await
        .expect("connect")
}

async fn run(phase: &Phase, s: Settings) -> Figures {
    let seconds = s.seconds;
    let dir = tempfile::tempdir().expect("temp dir");
    let app = Arc::new(App::new(config(dir.path(), phase.quota, s)).expect("app"));
    let running = switchboard::server::start(app).await.expect("server");
    let addr = running.addr;
    let (cpu_start, wall_start) = (own_cpu(), Instant::now());
    let pin = std::env::var("NOISY_FLOOD_CPUS").ok();
    let mut child = match phase.flood {
        Flood::None => None,
        mode => Some(
            tokio::process::Command::new(if pin.is_some() { "taskset" } else { "nice" })
                // Pinned, it has its own CPU and needs no lower priority.
                .args(match &pin {
                    Some(cpus) => vec!["-c", cpus.as_str()],
                    None => vec!["-n", "19"],
                })
                .arg(std::env::current_exe().expect("this example"))
                .args([
                    "flood",
                    &addr.to_string(),
                    &s.a_clients.to_string(),
                    if mode == Flood::Polite {
                        "polite"
                    } else {
                        "raw"
                    },
                ])
                .stdout(std::process::Stdio::piped())
                .kill_on_drop(true)
                .spawn()
                .expect("the flood process"),
        ),
    };
    let mut b = SwitchboardClient::new(channel(addr).await);
    // Warm up: connections, the first calls' allocations.
    for _ in 0..50 {
        let _ = b.classify(request("key-b")).await;
    }
    tokio::time::sleep(Duration::from_millis(500)).await;
    let (mut lat, mut b_errors) = (Vec::new(), 0u64);
    let end = Instant::now() + Duration::from_secs_f64(seconds);
    let mut tick = tokio::time::interval(B_EVERY);
    tick.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
    while Instant::now() < end {
        tick.tick().await;
        let t = Instant::now();
        match b.classify(request("key-b")).await {
            Ok(_) => lat.push(t.elapsed()),
            Err(_) => b_errors += 1,
        }
    }
    // A's calls answered and refused over its whole run, as the child reports them.
    let (mut a_ok, mut a_refused, mut a_seconds, mut flood_cpu) = (0, 0, 0.0, 0.0);
    let server_cpu = (own_cpu() - cpu_start) / wall_start.elapsed().as_secs_f64();
    if let Some(mut child) = child.take() {
        // taskset and nice exec the example, so the pid is the flood's own.
        if let Some(pid) = child.id() {
            flood_cpu = cpu_of(pid);
        }
        use tokio::io::AsyncReadExt;
        // The child runs until killed, printing its totals every 100 ms; the last line is read.
        let mut out = child.stdout.take().expect("piped");
        let _ = child.start_kill();
        let mut text = String::new();
        let _ = out.read_to_string(&mut text).await;
        let _ = child.wait().await;
        if let Some(line) = text.lines().last() {
            let n: Vec<f64> = line
                .split_whitespace()
                .filter_map(|v| v.parse().ok())
                .collect();
            if let [ok, refused, secs] = n[..] {
                (a_ok, a_refused, a_seconds) = (ok as u64, refused as u64, secs);
                flood_cpu /= secs.max(1e-9);
            }
        }
    }
    running.shutdown().await.expect("shutdown");
    lat.sort();
    let at = |q: f64| lat[((lat.len() as f64 * q).ceil() as usize).clamp(1, lat.len()) - 1];
    Figures {
        p50: at(0.50),
        p99: at(0.99),
        b_calls: lat.len(),
        b_errors,
        a_ok,
        a_refused,
        a_seconds,
        server_cpu,
        flood_cpu,
    }
}

/// The child: `flood ADDR CLIENTS polite|raw`. Prints "ok refused" (totals) every 100 ms.
async fn flood(addr: &str, clients: usize, polite: bool) {
    let addr: std::net::SocketAddr = addr.parse().expect("address");
    let (ok, refused) = (Arc::new(AtomicU64::new(0)), Arc::new(AtomicU64::new(0)));
    let stop = Arc::new(AtomicBool::new(false));
    // Four connections, as a few client processes would have.
    let mut chans = Vec::new();
    for _ in 0..4 {
        chans.push(channel(addr).await);
    }
    for i in 0..clients {
        let mut c = SwitchboardClient::new(chans[i % chans.len()].clone());
        let (stop, ok, refused) = (stop.clone(), ok.clone(), refused.clone());
        tokio::spawn(async move {
            while !stop.load(Ordering::Relaxed) {
                match c.classify(request("key-a")).await {
                    Ok(_) => {
                        ok.fetch_add(1, Ordering::Relaxed);
                    }
                    Err(s) => {
                        refused.fetch_add(1, Ordering::Relaxed);
                        let wait = s.get_details_retry_info().and_then(|r| r.retry_delay);
                        if let (true, Some(wait)) = (polite, wait) {
                            tokio::time::sleep(wait).await;
                        }
                    }
                }
            }
        });
    }
    let start = Instant::now();
    loop {
        tokio::time::sleep(Duration::from_millis(100)).await;
        let secs = start.elapsed().as_secs_f64();
        println!(
            "{} {} {secs:.3}",
            ok.load(Ordering::Relaxed),
            refused.load(Ordering::Relaxed)
        );
    }
}

#[tokio::main]
async fn main() {
    let mut args = std::env::args().skip(1).peekable();
    if args.peek().map(String::as_str) == Some("flood") {
        let v: Vec<String> = args.skip(1).collect();
        flood(&v[0], v[1].parse().expect("clients"), v[2] == "polite").await;
        return;
    }
    let seconds: f64 = args.next().and_then(|s| s.parse().ok()).unwrap_or(6.0);
    let a_clients: usize = args.next().and_then(|s| s.parse().ok()).unwrap_or(16);
    let a_rps: f64 = args.next().and_then(|s| s.parse().ok()).unwrap_or(200.0);
    let a_in_flight: u32 = args.next().and_then(|s| s.parse().ok()).unwrap_or(4);
    let settings = Settings {
        seconds,
        a_clients,
        a_rps,
        a_in_flight,
    };
    let phases = [
        Phase {
            name: "B alone",
            quota: true,
            flood: Flood::None,
        },
        Phase {
            name: "A floods, quota, honours RetryInfo",
            quota: true,
            flood: Flood::Polite,
        },
        Phase {
            name: "A floods, quota, retries at once",
            quota: true,
            flood: Flood::Raw,
        },
        Phase {
            name: "A floods, no quota",
            quota: false,
            flood: Flood::Raw,
        },
    ];
    let where_a = match std::env::var("NOISY_FLOOD_CPUS") {
        Ok(cpus) => format!("pinned to CPUs {cpus}"),
        Err(_) => "nice 19".into(),
    };
    let hold = std::env::var("NOISY_HOLD").unwrap_or_else(|_| "default".into());
    println!(
        "B: Classify every {B_EVERY:?} for {seconds}s; A: {a_clients} clients on 4 connections \
         ({where_a}); A's quota: {a_rps}/s, {a_in_flight} in flight; refusal hold: {hold}"
    );
    let rounds: usize = args.next().and_then(|s| s.parse().ok()).unwrap_or(3);
    let only: Option<Vec<usize>> = std::env::var("NOISY_PHASES")
        .ok()
        .map(|v| v.split(',').filter_map(|i| i.trim().parse().ok()).collect());
    let mut all: Vec<Vec<Figures>> = phases.iter().map(|_| Vec::new()).collect();
    for round in 0..rounds {
        for (i, p) in phases.iter().enumerate() {
            if !only.as_ref().is_none_or(|o| o.contains(&i)) {
                continue;
            }
            let f = run(p, settings).await;
            eprintln!(
                "round {round} {:<38} B p50 {:.2} ms p99 {:.2} ms",
                p.name,
                f.p50.as_secs_f64() * 1e3,
                f.p99.as_secs_f64() * 1e3
            );
            all[i].push(f);
        }
    }
    println!(
        "{:<38} {:>9} {:>9} {:>15} {:>7} {:>7} {:>9} {:>10} {:>8} {:>8} {:>9}",
        "phase (medians over rounds)",
        "B p50 ms",
        "B p99 ms",
        "B p99 range",
        "B calls",
        "B errs",
        "A ok/s",
        "A refused/s",
        "srv CPU",
        "A CPU",
        "srv us/A"
    );
    let median = |mut v: Vec<f64>| {
        v.sort_by(f64::total_cmp);
        v[v.len() / 2]
    };
    let mut alone = None;
    let mut alone_cpu = 0.0;
    for (p, f) in phases.iter().zip(&all) {
        if f.is_empty() {
            continue;
        }
        let ms = |d: Duration| d.as_secs_f64() * 1000.0;
        let p99s: Vec<f64> = f.iter().map(|f| ms(f.p99)).collect();
        let (lo, hi) = p99s
            .iter()
            .fold((f64::MAX, 0.0f64), |(lo, hi), &v| (lo.min(v), hi.max(v)));
        let p99 = median(p99s);
        let vs = match alone {
            None => {
                alone = Some(p99);
                String::new()
            }
            Some(base) => format!("  p99 {:+.0} %", (p99 / base - 1.0) * 100.0),
        };
        let rate = |n: fn(&Figures) -> u64| {
            median(
                f.iter()
                    .map(|f| n(f) as f64 / f.a_seconds.max(1e-9))
                    .collect(),
            )
        };
        let server_cpu = median(f.iter().map(|f| f.server_cpu).collect());
        let a_calls = rate(|f| f.a_ok) + rate(|f| f.a_refused);
        if p.flood == Flood::None {
            alone_cpu = server_cpu;
        }
        // The server's CPU for A's calls, per call: over B-alone's, in microseconds.
        let per_call = if a_calls > 0.0 {
            format!("{:.0}", (server_cpu - alone_cpu) / a_calls * 1e6)
        } else {
            "-".into()
        };
        println!(
            "{:<38} {:>9.2} {:>9.2} {:>15} {:>7.0} {:>7.0} {:>9.0} {:>10.0} {:>8.2} {:>8.2} {:>9}{vs}",
            p.name,
            median(f.iter().map(|f| ms(f.p50)).collect()),
            p99,
            format!("{lo:.1}-{hi:.1}"),
            median(f.iter().map(|f| f.b_calls as f64).collect()),
            median(f.iter().map(|f| f.b_errors as f64).collect()),
            rate(|f| f.a_ok),
            rate(|f| f.a_refused),
            server_cpu,
            median(f.iter().map(|f| f.flood_cpu).collect()),
            per_call,
        );
    }
}

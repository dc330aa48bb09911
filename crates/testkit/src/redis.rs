//! A real `redis-server` (Debian's, installed by `tools/ensure-debian.sh redis-server
//! redis-server`) for tests: on a free loopback port, in a temp dir, killed with the value. It
//! can be killed and started again on the same port and dir, where its append-only file (when
//! asked for, fsynced on every write) brings back what it had acknowledged. `RedisCluster` is a
//! Redis Cluster of such servers: three primaries sharing the 16384 slots, and replicas on
//! request.

use std::io::{Read as _, Write as _};
use std::net::TcpStream;
use std::path::Path;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

pub struct RedisServer {
    dir: tempfile::TempDir,
    port: u16,
    /// With `start_tls`: the port that speaks TLS (`port` stays plain, for the harness).
    tls_port: Option<u16>,
    args: Vec<String>,
    child: Option<Child>,
}

/// How a test wants its Redis.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Mode {
    /// No persistence at all (`--save ''`, no AOF): the fastest.
    Volatile,
    /// `appendonly yes`, `appendfsync always`: what it acknowledged survives a kill -9.
    Aof,
    /// A node of a Redis Cluster (`--cluster-enabled yes`), holding no slots: `RedisCluster`
    /// makes the cluster.
    Cluster,
}

fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .map(|a| a.port())
        .expect("a free port")
}

impl RedisServer {
    /// Starts it and waits until it answers PING.
    pub fn start(mode: Mode) -> RedisServer {
        Self::start_with(mode, &[])
    }

    /// A replica of `primary` (no persistence), once its link to the primary is up.
    pub fn replica_of(primary: &RedisServer) -> RedisServer {
        let port = primary.port.to_string();
        let r = Self::start_with(Mode::Volatile, &["--replicaof", "127.0.0.1", &port]);
        r.until_linked();
        r
    }

    /// Waits until this replica's link to its primary is up.
    pub fn until_linked(&self) {
        let until = Instant::now() + Duration::from_secs(20);
        while !self
            .cli(&["INFO", "replication"])
            .contains("master_link_status:up")
        {
            assert!(
                Instant::now() < until,
                "the replica never linked:\n{}",
                self.log()
            );
            std::thread::sleep(Duration::from_millis(20));
        }
    }

    /// A server that also speaks TLS, on `tls_port()`, with this certificate and key; it trusts
    /// client certificates from `ca` and, with `client_certs`, asks for one.
    pub fn start_tls(cert: &Path, key: &Path, ca: &Path, client_certs: bool) -> RedisServer {
        Self::start_tls_as(Mode::Volatile, cert, key, ca, client_certs)
    }

    fn start_tls_as(
        mode: Mode,
        cert: &Path,
        key: &Path,
        ca: &Path,
        client_certs: bool,
    ) -> RedisServer {
        let path = |p: &Path| p.display().to_string();
        let (cert, key, ca) = (path(cert), path(key), path(ca));
        let auth = if client_certs { "yes" } else { "no" };
        let tls = [
            "--tls-cert-file",
            &cert,
            "--tls-key-file",
            &key,
            "--tls-ca-cert-file",
            &ca,
            "--tls-auth-clients",
            auth,
            // A cluster node tells clients its TLS port, and speaks TLS to the others.
            "--tls-cluster",
            if mode == Mode::Cluster { "yes" } else { "no" },
        ];
        Self::start_inner(mode, &tls, true)
    }

    fn start_with(mode: Mode, extra: &[&str]) -> RedisServer {
        Self::start_inner(mode, extra, false)
    }

    fn start_inner(mode: Mode, extra: &[&str], tls: bool) -> RedisServer {
        let dir = tempfile::tempdir().expect("temp dir");
        let mut args: Vec<String> = [
            "--bind",
            "127.0.0.1",
            "--dir",
            &dir.path().display().to_string(),
            "--save",
            "",
            "--daemonize",
            "no",
            "--logfile",
            "redis.log",
            // A replica's first sync starts at once, not after Redis's default 5 s.
            "--repl-diskless-sync-delay",
            "0",
        ]
        .iter()
        .map(|s| s.to_string())
        .collect();
        let aof = match mode {
            Mode::Volatile => ["--appendonly", "no"].as_slice(),
            Mode::Aof => ["--appendonly", "yes", "--appendfsync", "always"].as_slice(),
            Mode::Cluster => [
                "--appendonly",
                "no",
                "--cluster-enabled",
                "yes",
                "--cluster-config-file",
                "nodes.conf",
            ]
            .as_slice(),
        };
        args.extend(aof.iter().chain(extra).map(|s| s.to_string()));
        let mut r = RedisServer {
            dir,
            port: 0,
            tls_port: None,
            args,
            child: None,
        };
        // A free port is only free until someone binds it: a test beside this one may start
        // its redis-server on the same port first. Then this one exits, and another is tried.
        for attempt in 0.. {
            r.port = free_port();
            r.tls_port = tls.then(free_port);
            match r.launch() {
                Ok(()) => break,
                Err(log) if attempt < 5 && log.contains("Address already in use") => continue,
                Err(log) => panic!("redis-server did not start:\n{log}"),
            }
        }
        r
    }

    pub fn port(&self) -> u16 {
        self.port
    }

    /// The port a cluster node is known by to the others: its TLS port when it has one.
    fn bus_port(&self) -> u16 {
        self.tls_port.unwrap_or(self.port)
    }

    pub fn url(&self) -> String {
        format!("redis://127.0.0.1:{}", self.port)
    }

    /// `rediss://` to the TLS port (`start_tls`), by the name its certificate has.
    pub fn tls_url(&self) -> Option<String> {
        self.tls_port.map(|p| format!("rediss://localhost:{p}"))
    }

    pub fn dir(&self) -> &Path {
        self.dir.path()
    }

    /// kill -9: what it has not written (or, without AOF, anything) is gone.
    pub fn kill(&mut self) {
        if let Some(mut c) = self.child.take() {
            let _ = c.kill();
            let _ = c.wait();
        }
    }

    pub fn is_running(&self) -> bool {
        self.child.is_some()
    }

    /// Starts it (again) on the same port and dir, and waits until it answers PING.
    pub fn restart(&mut self) {
        if let Err(log) = self.launch() {
            panic!("redis-server did not start again:\n{log}");
        }
    }

    /// Starts it on `self.port` and waits until it, not another test's server on that port,
    /// answers. Err: what it logged before it exited.
    fn launch(&mut self) -> Result<(), String> {
        self.kill();
        let child = Command::new("redis-server")
            .arg("--port")
            .arg(self.port.to_string())
            .args(
                self.tls_port
                    .iter()
                    .flat_map(|p| ["--tls-port".to_string(), p.to_string()]),
            )
            .args(&self.args)
            .current_dir(self.dir.path())
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .unwrap_or_else(|e| {
                panic!(
                    "starting redis-server: {e}; install it with \
                     tools/ensure-debian.sh redis-server redis-server"
                )
            });
        let pid = child.id();
        self.child = Some(child);
        let until = Instant::now() + Duration::from_secs(20);
        loop {
            if let Some(Ok(Some(status))) = self.child.as_mut().map(|c| c.try_wait()) {
                self.child = None;
                return Err(format!("exited with {status}:\n{}", self.log()));
            }
            if self.pings()
                && self
                    .cli(&["INFO", "server"])
                    .lines()
                    .any(|l| l.trim() == format!("process_id:{pid}"))
            {
                return Ok(());
            }
            assert!(
                Instant::now() < until,
                "redis-server not answering:\n{}",
                self.log()
            );
            std::thread::sleep(Duration::from_millis(10));
        }
    }

    fn pings(&self) -> bool {
        let Ok(mut s) = TcpStream::connect(("127.0.0.1", self.port)) else {
            return false;
        };
        let _ = s.set_read_timeout(Some(Duration::from_secs(1)));
        let mut buf = [0u8; 16];
        s.write_all(b"PING\r\n").is_ok()
            && s.read(&mut buf)
                .is_ok_and(|n| buf[..n].starts_with(b"+PONG"))
    }

    /// A command through `redis-cli`; its output.
    pub fn cli(&self, args: &[&str]) -> String {
        let out = Command::new("redis-cli")
            .arg("-p")
            .arg(self.port.to_string())
            .args(args)
            .output()
            .expect("running redis-cli");
        String::from_utf8_lossy(&out.stdout).into_owned()
    }

    /// What it logged.
    pub fn log(&self) -> String {
        std::fs::read_to_string(self.dir.path().join("redis.log")).unwrap_or_default()
    }
}

impl Drop for RedisServer {
    fn drop(&mut self) {
        self.kill();
    }
}

/// A Redis Cluster on loopback: `primaries` nodes, each holding an equal range of the slots,
/// met by `CLUSTER MEET` (what `redis-cli --cluster create` does, without its waits).
pub struct RedisCluster {
    /// The primaries, in slot order: `nodes[i]` holds `slots(i)`.
    pub nodes: Vec<RedisServer>,
    /// Replicas added by `add_replica`.
    pub replicas: Vec<RedisServer>,
}

const SLOTS: u32 = 16384;

impl RedisCluster {
    /// Starts the nodes and waits until every node sees every slot served.
    pub fn start(primaries: usize) -> RedisCluster {
        Self::start_nodes(primaries, &|| RedisServer::start(Mode::Cluster))
    }

    /// A cluster whose nodes speak TLS to clients and to each other (`RedisServer::start_tls`);
    /// `url()` names their TLS ports.
    pub fn start_tls(primaries: usize, cert: &Path, key: &Path, ca: &Path) -> RedisCluster {
        Self::start_nodes(primaries, &|| {
            RedisServer::start_tls_as(Mode::Cluster, cert, key, ca, false)
        })
    }

    fn start_nodes(primaries: usize, start: &dyn Fn() -> RedisServer) -> RedisCluster {
        let n = primaries.max(1) as u32;
        let nodes: Vec<RedisServer> = (0..n).map(|_| start()).collect();
        for (i, node) in nodes.iter().enumerate() {
            let (from, to) = Self::range(i as u32, n);
            // Distinct epochs up front: no collision for the nodes to settle first.
            node.cli(&["CLUSTER", "SET-CONFIG-EPOCH", &(i + 1).to_string()]);
            let got = node.cli(&[
                "CLUSTER",
                "ADDSLOTSRANGE",
                &from.to_string(),
                &to.to_string(),
            ]);
            assert_eq!(got.trim(), "OK", "ADDSLOTSRANGE on node {i}");
        }
        for node in &nodes[1..] {
            nodes[0].cli(&["CLUSTER", "MEET", "127.0.0.1", &node.bus_port().to_string()]);
        }
        let c = RedisCluster {
            nodes,
            replicas: Vec::new(),
        };
        c.until_ok();
        c
    }

    /// The slots `nodes[i]` holds, first and last.
    fn range(i: u32, n: u32) -> (u32, u32) {
        (i * SLOTS / n, (i + 1) * SLOTS / n - 1)
    }

    /// Which primary holds `key`'s slot (asked of the cluster: `CLUSTER KEYSLOT`).
    pub fn primary_of(&self, key: &str) -> usize {
        let slot: u32 = self.nodes[0]
            .cli(&["CLUSTER", "KEYSLOT", key])
            .trim()
            .parse()
            .expect("a slot number");
        let n = self.nodes.len() as u32;
        (0..n)
            .position(|i| {
                let (from, to) = Self::range(i, n);
                (from..=to).contains(&slot)
            })
            .expect("every slot has a primary")
    }

    /// Waits until every running node says the cluster is ok and knows every node.
    pub fn until_ok(&self) {
        let known = format!(
            "cluster_known_nodes:{}",
            self.nodes.len() + self.replicas.len()
        );
        let until = Instant::now() + Duration::from_secs(20);
        for node in self.nodes.iter().chain(&self.replicas) {
            loop {
                let info = node.cli(&["CLUSTER", "INFO"]);
                if info.contains("cluster_state:ok") && info.contains(&known) {
                    break;
                }
                assert!(
                    Instant::now() < until,
                    "the cluster never became ok:\n{info}\n{}",
                    node.log()
                );
                std::thread::sleep(Duration::from_millis(20));
            }
        }
    }

    /// A replica of primary `i`, once it has joined, replicates it and its link is up.
    pub fn add_replica(&mut self, i: usize) -> &RedisServer {
        let r = RedisServer::start(Mode::Cluster);
        let primary = &self.nodes[i];
        let id = primary.cli(&["CLUSTER", "MYID"]).trim().to_string();
        r.cli(&[
            "CLUSTER",
            "MEET",
            "127.0.0.1",
            &primary.bus_port().to_string(),
        ]);
        // REPLICATE needs the primary known to the new node: gossip, a few tens of ms.
        let until = Instant::now() + Duration::from_secs(20);
        loop {
            let got = r.cli(&["CLUSTER", "REPLICATE", &id]);
            if got.trim() == "OK" {
                break;
            }
            assert!(Instant::now() < until, "CLUSTER REPLICATE: {got}");
            std::thread::sleep(Duration::from_millis(20));
        }
        r.until_linked();
        self.replicas.push(r);
        self.until_ok();
        self.replicas.last().expect("just added")
    }

    /// The nodes' addresses, comma-separated (the client finds the rest from any one).
    pub fn url(&self) -> String {
        self.nodes
            .iter()
            .map(|n| n.tls_url().unwrap_or_else(|| n.url()))
            .collect::<Vec<_>>()
            .join(",")
    }

    /// Every key matching `pattern` on every primary (`--scan`), one a line.
    pub fn scan(&self, pattern: &str) -> String {
        self.nodes
            .iter()
            .map(|n| n.cli(&["--scan", "--pattern", pattern]))
            .collect()
    }
}

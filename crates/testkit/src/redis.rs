//! A real `redis-server` (Debian's, installed by `tools/ensure-debian.sh redis-server
//! redis-server`) for tests: on a free loopback port, in a temp dir, killed with the value. It
//! can be killed and started again on the same port and dir, where its append-only file (when
//! asked for, fsynced on every write) brings back what it had acknowledged.

use std::io::{Read as _, Write as _};
use std::net::TcpStream;
use std::path::Path;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

pub struct RedisServer {
    dir: tempfile::TempDir,
    port: u16,
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
    /// A one-node Redis Cluster holding every slot: a script that touched keys of two slots
    /// fails with CROSSSLOT, as it would on a real cluster.
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

    fn start_with(mode: Mode, extra: &[&str]) -> RedisServer {
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
            args,
            child: None,
        };
        // A free port is only free until someone binds it: a test beside this one may start
        // its redis-server on the same port first. Then this one exits, and another is tried.
        for attempt in 0.. {
            r.port = free_port();
            match r.launch() {
                Ok(()) => break,
                Err(log) if attempt < 5 && log.contains("Address already in use") => continue,
                Err(log) => panic!("redis-server did not start:\n{log}"),
            }
        }
        if mode == Mode::Cluster {
            r.cli(&["CLUSTER", "ADDSLOTSRANGE", "0", "16383"]);
            let until = Instant::now() + Duration::from_secs(10);
            while !r.cli(&["CLUSTER", "INFO"]).contains("cluster_state:ok") {
                assert!(
                    Instant::now() < until,
                    "the one-node cluster never became ok"
                );
                std::thread::sleep(Duration::from_millis(20));
            }
        }
        r
    }

    pub fn port(&self) -> u16 {
        self.port
    }

    pub fn url(&self) -> String {
        format!("redis://127.0.0.1:{}", self.port)
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

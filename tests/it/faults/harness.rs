//! The real `switchboard serve` binary as a child process: its own config and data dir, an
//! optional address-space cap (`prlimit --as`) and open-files limit (`prlimit --nofile`),
//! health polling, RSS, and kill -9. Fault tests drive it over gRPC on loopback and read its
//! log. Cases whose figures are about time take `common::machine::alone()`.

use std::io::Read;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, ExitStatus, Stdio};
use std::time::{Duration, Instant};

use switchboard::proto::switchboard_client::SwitchboardClient;
use tonic::transport::Channel;
use tonic_health::pb::HealthCheckRequest;
use tonic_health::pb::health_check_response::ServingStatus;
use tonic_health::pb::health_client::HealthClient;

use crate::common::{assets, free_port, repo};

/// How to start one server.
pub struct Spec {
    /// Where sled keeps memory; the caller owns it (it may outlive one process).
    pub data_dir: PathBuf,
    /// `SWITCHBOARD_*` settings on top of the defaults below.
    pub env: Vec<(String, String)>,
    /// Address-space cap in bytes (`prlimit --as`).
    pub max_address_space: Option<u64>,
    /// Run as this user (and group of the same number); needs root.
    pub uid: Option<u32>,
    /// Open-files limit, soft and hard (`prlimit --nofile`).
    pub max_open_files: Option<u64>,
}

impl Spec {
    pub fn new(data_dir: &Path) -> Spec {
        Spec {
            data_dir: data_dir.to_path_buf(),
            env: Vec::new(),
            max_address_space: None,
            uid: None,
            max_open_files: None,
        }
    }

    pub fn set(mut self, key: &str, value: impl ToString) -> Spec {
        self.env.push((key.to_string(), value.to_string()));
        self
    }

    /// The OCR tool on the fetched PP-OCRv4 models (the default config's), with one thread per
    /// model so that runs compare across machines.
    pub fn with_ocr(self) -> Spec {
        let a = assets();
        assert!(
            a.join("ocr").join("ch_PP-OCRv4_det_infer.onnx").exists(),
            "{} lacks the OCR models: run tools/fetch-assets.sh (tools/test.sh does)",
            a.display()
        );
        self.set("SWITCHBOARD_OCR__ENABLED", "true")
            .set("SWITCHBOARD_OCR__MODELS_DIR", a.join("ocr").display())
            .set(
                "SWITCHBOARD_ONNXRUNTIME__LIBRARY",
                a.join("onnxruntime/libonnxruntime.so.1.31.1").display(),
            )
    }
}

pub struct Server {
    pub child: Child,
    pub addr: String,
    pub log: PathBuf,
    _log_dir: tempfile::TempDir,
}

impl Server {
    /// Starts the binary; does not wait for it (see `ready`).
    pub fn spawn(spec: &Spec) -> Server {
        let port = free_port();
        let log_dir = tempfile::tempdir().expect("temp dir");
        let log = log_dir.path().join("server.log");
        let out = std::fs::File::create(&log).expect("log file");
        let err = out.try_clone().expect("log file");
        let bin = env!("CARGO_BIN_EXE_switchboard");
        let mut limits = Vec::new();
        if let Some(bytes) = spec.max_address_space {
            limits.push(format!("--as={bytes}"));
        }
        if let Some(n) = spec.max_open_files {
            limits.push(format!("--nofile={n}"));
        }
        // prlimit sets the limits on itself and execs the binary: same pid.
        let mut cmd = if limits.is_empty() {
            Command::new(bin)
        } else {
            let mut c = Command::new("prlimit");
            c.args(&limits).arg("--").arg(bin);
            c
        };
        cmd.arg("serve")
            .current_dir(repo())
            .env_clear()
            .env("PATH", std::env::var_os("PATH").unwrap_or_default())
            .env("RUST_LOG", "info")
            .env("RUST_BACKTRACE", "1")
            .env("SWITCHBOARD_SERVER__LISTEN", format!("127.0.0.1:{port}"))
            .env("SWITCHBOARD_MEMORY__DATA_DIR", &spec.data_dir)
            .env("SWITCHBOARD_METRICS__ENABLED", "false")
            .env("SWITCHBOARD_EXPERTS__DIR", repo().join("experts"))
            .env("SWITCHBOARD_EXPERTS__PROMPTS_DIR", repo().join("prompts"))
            // Rules only: the tests here are about faults, not routing quality.
            .env("SWITCHBOARD_ROUTING__SEMANTIC__ENABLED", "false")
            .env("SWITCHBOARD_OCR__ENABLED", "false")
            .stdin(Stdio::null())
            .stdout(out)
            .stderr(err);
        for (k, v) in &spec.env {
            cmd.env(k, v);
        }
        if let Some(uid) = spec.uid {
            use std::os::unix::process::CommandExt as _;
            cmd.uid(uid).gid(uid);
        }
        let child = cmd.spawn().expect("starting switchboard serve");
        Server {
            child,
            addr: format!("http://127.0.0.1:{port}"),
            log,
            _log_dir: log_dir,
        }
    }

    /// Starts the binary and waits until health says SERVING.
    pub async fn start(spec: &Spec) -> Server {
        let mut s = Server::spawn(spec);
        s.ready(Duration::from_secs(60)).await;
        s
    }

    /// Waits for SERVING; panics with the log when the process exits or time runs out.
    pub async fn ready(&mut self, within: Duration) {
        let until = Instant::now() + within;
        loop {
            if let Some(status) = self.child.try_wait().expect("try_wait") {
                panic!(
                    "server exited with {status} before serving:\n{}",
                    self.log_text()
                );
            }
            if self.health(Duration::from_millis(500)).await == Some(ServingStatus::Serving) {
                return;
            }
            if Instant::now() > until {
                panic!("server not serving within {within:?}:\n{}", self.log_text());
            }
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
    }

    /// The health service's answer for the process (""), or None when it does not answer
    /// within `timeout`.
    pub async fn health(&self, timeout: Duration) -> Option<ServingStatus> {
        self.health_of("", timeout).await
    }

    /// The health service's answer for `service` ("" is the process; the Switchboard service
    /// also needs its session store).
    pub async fn health_of(&self, service: &str, timeout: Duration) -> Option<ServingStatus> {
        let call = async {
            let ch = Channel::from_shared(self.addr.clone())
                .ok()?
                .connect()
                .await
                .ok()?;
            let r = HealthClient::new(ch)
                .check(HealthCheckRequest {
                    service: service.to_string(),
                })
                .await
                .ok()?;
            ServingStatus::try_from(r.into_inner().status).ok()
        };
        tokio::time::timeout(timeout, call).await.ok().flatten()
    }

    pub async fn client(&self) -> SwitchboardClient<Channel> {
        let ch = Channel::from_shared(self.addr.clone())
            .expect("address")
            .connect()
            .await
            .expect("connecting to the server");
        SwitchboardClient::new(ch)
            .max_decoding_message_size(usize::MAX)
            .max_encoding_message_size(usize::MAX)
    }

    pub fn pid(&self) -> u32 {
        self.child.id()
    }

    /// Resident set size in KiB (VmRSS), or None once the process is gone.
    pub fn rss_kib(&self) -> Option<u64> {
        proc_status_kib(self.pid(), "VmRSS:")
    }

    /// Peak resident set size in KiB (VmHWM).
    pub fn peak_rss_kib(&self) -> Option<u64> {
        proc_status_kib(self.pid(), "VmHWM:")
    }

    /// CPU seconds (user + system) the process has used.
    pub fn cpu_secs(&self) -> Option<f64> {
        let stat = std::fs::read_to_string(format!("/proc/{}/stat", self.pid())).ok()?;
        // Fields after the command name, which is in parentheses and may hold spaces.
        let rest = &stat[stat.rfind(')')? + 2..];
        let f: Vec<&str> = rest.split(' ').collect();
        let ticks: f64 = f.get(11)?.parse::<f64>().ok()? + f.get(12)?.parse::<f64>().ok()?;
        Some(ticks / 100.0)
    }

    /// File descriptors the process has open, or None once it is gone.
    pub fn open_fds(&self) -> Option<usize> {
        Some(
            std::fs::read_dir(format!("/proc/{}/fd", self.pid()))
                .ok()?
                .count(),
        )
    }

    /// The host:port it listens on.
    pub fn socket_addr(&self) -> std::net::SocketAddr {
        self.addr
            .trim_start_matches("http://")
            .parse()
            .expect("a socket address")
    }

    pub fn is_running(&mut self) -> bool {
        self.child.try_wait().expect("try_wait").is_none()
    }

    pub fn kill9(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }

    /// SIGTERM, then the exit status within `within`.
    pub async fn terminate(&mut self, within: Duration) -> Option<ExitStatus> {
        let _ = Command::new("kill")
            .arg("-TERM")
            .arg(self.pid().to_string())
            .status();
        self.wait_exit(within).await
    }

    /// Async, so that the test's own connections (tasks on its runtime) can close meanwhile.
    pub async fn wait_exit(&mut self, within: Duration) -> Option<ExitStatus> {
        let until = Instant::now() + within;
        loop {
            if let Some(s) = self.child.try_wait().expect("try_wait") {
                return Some(s);
            }
            if Instant::now() > until {
                return None;
            }
            tokio::time::sleep(Duration::from_millis(20)).await;
        }
    }

    /// Everything the server has logged so far.
    pub fn log_text(&self) -> String {
        let mut s = String::new();
        if let Ok(mut f) = std::fs::File::open(&self.log) {
            let _ = f.read_to_string(&mut s);
        }
        s
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        self.kill9();
    }
}

fn proc_status_kib(pid: u32, key: &str) -> Option<u64> {
    let status = std::fs::read_to_string(format!("/proc/{pid}/status")).ok()?;
    status
        .lines()
        .find_map(|l| l.strip_prefix(key))
        .and_then(|v| v.trim().trim_end_matches("kB").trim().parse().ok())
}

/// A PNG of one flat colour: tiny on the wire however many pixels it has.
pub fn flat_png(w: u32, h: u32) -> Vec<u8> {
    let img = image::GrayImage::from_pixel(w, h, image::Luma([255]));
    let mut out = Vec::new();
    img.write_to(&mut std::io::Cursor::new(&mut out), image::ImageFormat::Png)
        .expect("encoding a PNG");
    out
}

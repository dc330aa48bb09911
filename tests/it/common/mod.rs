//! Shared set-up for integration tests: the real server on loopback with sled in a temp dir,
//! a gRPC client, the OpenAI-compatible test double, the fetched assets, and what lets tests
//! share one process (`machine`, `process`).

mod assets;
pub use switchboard_testkit::certs;
pub use switchboard_testkit::fake_openai;
pub mod machine;
pub use switchboard_testkit::otlp_receiver;
pub mod process;
pub mod tools;

pub use assets::{assets, ocr_engine, repo};

use std::io::Cursor;
use std::sync::Arc;

use switchboard::app::App;
use switchboard::config::{BackendKind, Config};
use switchboard::proto::switchboard_client::SwitchboardClient;
use switchboard::server::{self, Running};
use tonic::transport::Channel;

/// A config for tests: loopback, a free port, the repo's experts and prompts.
pub fn test_config(data_dir: &std::path::Path, openai_url: Option<String>) -> Config {
    let mut c = Config::default();
    c.server.listen = "127.0.0.1:0".into();
    c.server.shutdown_grace_secs = 5.0;
    c.memory.data_dir = data_dir.to_path_buf();
    c.experts.dir = repo().join("experts");
    c.experts.prompts_dir = repo().join("prompts");
    c.routing.learned.model = Some(repo().join("experts/routing/model.json"));
    c.openai.retries = 0;
    // Tests that scrape it turn it on (on a free port).
    c.metrics.enabled = false;
    // Rules only, and no model stage, unless a test turns them on (routing.rs).
    c.routing.semantic.enabled = false;
    c.routing.model.enabled = false;
    if let Some(url) = openai_url {
        c.backend = BackendKind::Openai;
        c.openai.url = Some(url);
    }
    c
}

/// The in-process engine on the tiny random-weight Qwen3-VL fixture, one ONNX Runtime thread.
pub fn ort_config(data_dir: &std::path::Path) -> Config {
    let assets = assets();
    let mut c = test_config(data_dir, None);
    c.backend = BackendKind::Ort;
    c.engine.model_dir = Some(repo().join("tests/fixtures/qwen3vl-tiny"));
    c.engine.tokenizer = Some(assets.join("qwen/tokenizer.json"));
    c.engine.threads = 1;
    c.onnxruntime.library = assets.join("onnxruntime/libonnxruntime.so.1.31.1");
    c
}

pub async fn start(config: Config) -> Running {
    let app = Arc::new(App::new(config).expect("app"));
    server::start(app).await.expect("server")
}

pub async fn client(running: &Running) -> SwitchboardClient<Channel> {
    let ch = Channel::from_shared(format!("http://{}", running.addr))
        .unwrap()
        .connect()
        .await
        .unwrap();
    SwitchboardClient::new(ch)
        .max_decoding_message_size(usize::MAX)
        .max_encoding_message_size(usize::MAX)
}

pub async fn channel(running: &Running) -> Channel {
    Channel::from_shared(format!("http://{}", running.addr))
        .unwrap()
        .connect()
        .await
        .unwrap()
}

pub fn png(w: u32, h: u32) -> Vec<u8> {
    let img = image::RgbImage::from_fn(w, h, |x, y| {
        image::Rgb([(x % 256) as u8, (y % 256) as u8, 128])
    });
    let mut out = Vec::new();
    img.write_to(&mut Cursor::new(&mut out), image::ImageFormat::Png)
        .unwrap();
    out
}

pub fn jpeg(w: u32, h: u32) -> Vec<u8> {
    let img = image::RgbImage::from_fn(w, h, |x, _| image::Rgb([(x % 256) as u8, 10, 200]));
    let mut out = Vec::new();
    img.write_to(&mut Cursor::new(&mut out), image::ImageFormat::Jpeg)
        .unwrap();
    out
}

pub fn qwen_tokenizer() -> tokenizers::Tokenizer {
    tokenizers::Tokenizer::from_file(assets().join("qwen/tokenizer.json")).unwrap()
}

/// A free loopback port (bound, then released for a child process to take).
pub fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .map(|a| a.port())
        .expect("a free port")
}

pub use switchboard_testkit::fs::copy_dir;

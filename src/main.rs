//! The `switchboard` command: `serve` runs the server; `ask`, `classify`, `rerank`,
//! `experts`, `session` and `health` are clients of a running one.

use std::collections::BTreeMap;
use std::path::PathBuf;
use std::sync::Arc;

use anyhow::{Context, Result};
use clap::{Args, Parser, Subcommand};

use switchboard::client::{self, RequestSpec, status_error};
use switchboard::config::{BackendKind, Config, Overrides};
use switchboard::proto::{DeleteSessionRequest, GetSessionRequest, ListExpertsRequest};

#[derive(Parser)]
#[command(
    name = "switchboard",
    version,
    about = "Multimodal requests answered by a panel of experts"
)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Run the gRPC server.
    Serve(ServeArgs),
    /// Ask a running server; the answer streams to the terminal.
    Ask(AskArgs),
    /// Show how a running server would route a request (no model call).
    Classify(AskArgs),
    /// Re-rank candidates for a query on a running server; prints a ranked table.
    Rerank(RerankArgs),
    /// List a running server's experts.
    Experts(ClientArgs),
    /// Train the routing model from the labelled bank (`routing.learned.bank`) and write it to
    /// `routing.learned.model`; no server needed.
    TrainRouter(TrainArgs),
    /// Show or delete a session on a running server.
    Session {
        #[command(flatten)]
        client: ClientArgs,
        /// Session id.
        id: String,
        /// Delete it instead of showing it.
        #[arg(long)]
        delete: bool,
    },
    /// Ask a running server's gRPC health service; exits 0 only on SERVING (container and
    /// orchestrator health checks). `--service ""` asks about the process (liveness).
    Health {
        /// Server address.
        #[arg(
            long,
            env = "SWITCHBOARD_SERVER",
            default_value = "http://127.0.0.1:50051"
        )]
        server: String,
        /// The service asked about; the default is readiness.
        #[arg(long, default_value = switchboard::server::SERVICE_NAME)]
        service: String,
        /// Give up after this many seconds.
        #[arg(long, default_value_t = 3.0)]
        timeout_secs: f64,
        #[command(flatten)]
        tls: TlsArgs,
    },
}

#[derive(Args)]
struct TrainArgs {
    /// Config file (default: $SWITCHBOARD_CONFIG, else ./switchboard.toml if present).
    #[arg(long)]
    config: Option<PathBuf>,
    /// Passes over the bank.
    #[arg(long, default_value_t = 300)]
    epochs: usize,
}

#[derive(Args)]
struct ServeArgs {
    /// Config file (default: $SWITCHBOARD_CONFIG, else ./switchboard.toml if present).
    #[arg(long)]
    config: Option<PathBuf>,
    #[arg(long)]
    listen: Option<String>,
    #[arg(long)]
    data_dir: Option<PathBuf>,
    #[arg(long, value_parser = parse_backend)]
    backend: Option<BackendKind>,
    #[arg(long)]
    openai_url: Option<String>,
    #[arg(long)]
    openai_model: Option<String>,
    /// Folder with the Qwen3-VL ONNX graphs; implies --backend ort.
    #[arg(long = "model")]
    model_dir: Option<PathBuf>,
    #[arg(long)]
    experts_dir: Option<PathBuf>,
    #[arg(long)]
    prompts_dir: Option<PathBuf>,
    /// Print the effective configuration as TOML and exit.
    #[arg(long)]
    print_config: bool,
}

/// The client commands' variables (`switchboard ask`, `health`, ...): not server settings, so
/// a container that sets them for its health check still starts.
const CLIENT_VARS: [&str; 6] = [
    "SWITCHBOARD_SERVER",
    "SWITCHBOARD_API_KEY",
    "SWITCHBOARD_CA",
    "SWITCHBOARD_CLIENT_CERT",
    "SWITCHBOARD_CLIENT_KEY",
    "SWITCHBOARD_SERVER_NAME",
];

/// The `SWITCHBOARD_*` variables that are server settings.
fn setting_vars() -> BTreeMap<String, String> {
    std::env::vars()
        .filter(|(k, _)| k.starts_with("SWITCHBOARD_") && !CLIENT_VARS.contains(&k.as_str()))
        .collect()
}

fn train_router(args: TrainArgs) -> Result<()> {
    let env = setting_vars();
    let config = Config::load(args.config.as_deref(), &env, &Overrides::default())?;
    let params = switchboard::dispatch::learned::TrainParams {
        epochs: args.epochs,
        ..Default::default()
    };
    let started = std::time::Instant::now();
    let (model, report) = switchboard::dispatch::learned::train_from_config(&config, &params)?;
    let out = &config.routing_model();
    if let Some(dir) = out.parent().filter(|d| !d.as_os_str().is_empty()) {
        std::fs::create_dir_all(dir)?;
    }
    std::fs::write(out, model.to_json())?;
    println!("examples per class:\n{}", report.join("\n"));
    println!(
        "wrote {} ({} classes) in {:.1} s",
        out.display(),
        model.classes.len(),
        started.elapsed().as_secs_f64()
    );
    Ok(())
}

fn parse_backend(s: &str) -> Result<BackendKind, String> {
    match s {
        "none" => Ok(BackendKind::None),
        "openai" => Ok(BackendKind::Openai),
        "ort" => Ok(BackendKind::Ort),
        _ => Err(format!("{s:?}: expected none, openai or ort")),
    }
}

#[derive(Args)]
struct ClientArgs {
    /// Server address.
    #[arg(
        long,
        env = "SWITCHBOARD_SERVER",
        default_value = "http://127.0.0.1:50051"
    )]
    server: String,
    /// API key, when the server wants one.
    #[arg(long, env = "SWITCHBOARD_API_KEY")]
    api_key: Option<String>,
    #[command(flatten)]
    tls: TlsArgs,
    /// Print JSON instead of text.
    #[arg(long)]
    json: bool,
}

/// The client side of TLS and mTLS, for every client subcommand.
#[derive(Args)]
struct TlsArgs {
    /// TLS: the CA (PEM) that signed the server's certificate; use an https:// address.
    #[arg(long, env = "SWITCHBOARD_CA")]
    ca: Option<PathBuf>,
    /// mTLS: this client's certificate (PEM), with --key.
    #[arg(long, env = "SWITCHBOARD_CLIENT_CERT")]
    cert: Option<PathBuf>,
    /// mTLS: this client's private key (PEM).
    #[arg(long, env = "SWITCHBOARD_CLIENT_KEY")]
    key: Option<PathBuf>,
    /// TLS: the name the server's certificate must carry, when not the address's host.
    #[arg(long, env = "SWITCHBOARD_SERVER_NAME")]
    server_name: Option<String>,
}

impl TlsArgs {
    fn options(&self) -> client::TlsOptions {
        client::TlsOptions {
            ca: self.ca.clone(),
            cert: self.cert.clone(),
            key: self.key.clone(),
            server_name: self.server_name.clone(),
        }
    }
}

impl ClientArgs {
    async fn connect(&self) -> Result<client::Client> {
        let tls = self.tls.options();
        client::connect(&self.server, self.api_key.as_deref(), &tls).await
    }
}

#[derive(Args)]
struct RerankArgs {
    #[command(flatten)]
    client: ClientArgs,
    /// The query's text.
    #[arg(long, short, default_value = "")]
    query: String,
    /// An image of the query (repeatable).
    #[arg(long)]
    image: Vec<PathBuf>,
    /// Candidates, one JSON object a line: {"id": "sku-1", "text": "...", "images": ["a.jpg"]}
    /// (image paths relative to the file's folder).
    #[arg(long)]
    candidates: PathBuf,
    /// Ask for a short reason with each score.
    #[arg(long)]
    reasons: bool,
    /// Give up after this many seconds: what was scored by then comes back, marked partial.
    #[arg(long)]
    timeout_secs: Option<f64>,
}

#[derive(Args)]
struct AskArgs {
    #[command(flatten)]
    client: ClientArgs,
    /// The question or instruction.
    #[arg(long, short, default_value = "")]
    text: String,
    /// An image file (repeatable).
    #[arg(long)]
    image: Vec<PathBuf>,
    /// A video file, or a folder of frames (repeatable).
    #[arg(long)]
    video: Vec<PathBuf>,
    /// Any file: an image, a video or a PDF, its type sniffed from its bytes (repeatable).
    #[arg(long)]
    file: Vec<PathBuf>,
    /// The pages of each PDF to read, from 1: `3`, `1-3`, `2-` (to the end).
    #[arg(long)]
    pages: Option<String>,
    /// Frames per second of a folder of frames.
    #[arg(long, default_value_t = 2.0)]
    fps: f32,
    /// Answer with this expert instead of routing.
    #[arg(long)]
    expert: Option<String>,
    /// A plan step, in order (repeatable): `EXPERT`, `ID=EXPERT`, then `<PARENT` for each step
    /// it waits on, and `?` when optional, e.g. `--step video --step ocr<video --step math<ocr`.
    #[arg(long = "step")]
    steps: Vec<String>,
    /// Profile data: key=value, or @file.json (repeatable).
    #[arg(long)]
    profile: Vec<String>,
    /// Continue this session.
    #[arg(long)]
    session: Option<String>,
    /// Idempotency key.
    #[arg(long)]
    request_id: Option<String>,
    #[arg(long)]
    max_new_tokens: Option<u32>,
    #[arg(long)]
    temperature: Option<f32>,
    #[arg(long)]
    seed: Option<u64>,
}

impl AskArgs {
    fn spec(&self) -> RequestSpec {
        RequestSpec {
            text: self.text.clone(),
            images: self.image.clone(),
            videos: self.video.clone(),
            files: self.file.clone(),
            pages: self.pages.clone(),
            fps: self.fps,
            expert: self.expert.clone(),
            steps: self.steps.clone(),
            profile: self.profile.clone(),
            session: self.session.clone(),
            request_id: self.request_id.clone(),
            max_new_tokens: self.max_new_tokens,
            temperature: self.temperature,
            seed: self.seed,
        }
    }
}

fn main() -> std::process::ExitCode {
    let cli = Cli::parse();
    match run(cli) {
        Ok(()) => std::process::ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("error: {e:#}");
            std::process::ExitCode::FAILURE
        }
    }
}

fn run(cli: Cli) -> Result<()> {
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()?;
    runtime.block_on(async move {
        match cli.command {
            Command::Serve(args) => serve(args).await,
            Command::TrainRouter(args) => train_router(args),
            Command::Ask(args) => {
                let mut c = args.client.connect().await?;
                client::ask(
                    &mut c,
                    client::build_request(&args.spec())?,
                    args.client.json,
                )
                .await
            }
            Command::Classify(args) => {
                let mut c = args.client.connect().await?;
                let r = c
                    .classify(client::build_request(&args.spec())?)
                    .await
                    .map_err(status_error)?
                    .into_inner();
                if args.client.json {
                    println!("{}", serde_json::to_string_pretty(&r)?);
                } else {
                    println!("{} (decided by {})", r.expert, r.stage);
                    for route in &r.routes {
                        println!("  {:<10} {:.3}  {}", route.expert, route.score, route.stage);
                    }
                }
                Ok(())
            }
            Command::Rerank(args) => {
                let req = client::rerank_request(
                    &args.query,
                    &args.image,
                    &args.candidates,
                    args.reasons,
                )?;
                let mut c = args.client.connect().await?;
                let mut req = tonic::Request::new(req);
                if let Some(t) = args.timeout_secs {
                    req.set_timeout(std::time::Duration::try_from_secs_f64(t)?);
                }
                let r = c.rerank(req).await.map_err(status_error)?.into_inner();
                if args.client.json {
                    println!("{}", serde_json::to_string_pretty(&r)?);
                } else {
                    print!("{}", client::rerank_table(&r));
                }
                Ok(())
            }
            Command::Experts(args) => {
                let mut c = args.connect().await?;
                let r = c
                    .list_experts(ListExpertsRequest {})
                    .await
                    .map_err(status_error)?
                    .into_inner();
                if args.json {
                    println!("{}", serde_json::to_string_pretty(&r)?);
                } else {
                    for e in &r.experts {
                        let state = if e.available {
                            ""
                        } else {
                            "  (needs a model backend)"
                        };
                        println!("{:<10} {}{state}", e.id, e.name);
                    }
                }
                Ok(())
            }
            Command::Health {
                server,
                service,
                timeout_secs,
                tls,
            } => {
                let secs = std::time::Duration::try_from_secs_f64(timeout_secs)?;
                let tls = tls.options();
                let asked = client::health(&server, &service, &tls);
                let status = tokio::time::timeout(secs, asked)
                    .await
                    .with_context(|| format!("no health answer from {server} in {secs:?}"))??;
                println!("{status}");
                anyhow::ensure!(status == "SERVING", "{service:?} is {status}");
                Ok(())
            }
            Command::Session {
                client: args,
                id,
                delete,
            } => {
                let mut c = args.connect().await?;
                if delete {
                    let r = c
                        .delete_session(DeleteSessionRequest { session_id: id })
                        .await
                        .map_err(status_error)?;
                    println!(
                        "{}",
                        if r.into_inner().deleted {
                            "deleted"
                        } else {
                            "no such session"
                        }
                    );
                } else {
                    let s = c
                        .get_session(GetSessionRequest { session_id: id })
                        .await
                        .map_err(status_error)?
                        .into_inner();
                    if args.json {
                        println!("{}", serde_json::to_string_pretty(&s)?);
                    } else {
                        for t in &s.turns {
                            println!("#{} [{}] {}\n  -> {}", t.index, t.expert, t.text, t.answer);
                        }
                    }
                }
                Ok(())
            }
        }
    })
}

async fn serve(args: ServeArgs) -> Result<()> {
    return_freed_memory();
    let env = setting_vars();
    let backend = match (&args.model_dir, args.backend) {
        (Some(_), None) => Some(BackendKind::Ort),
        (_, b) => b,
    };
    let flags = Overrides {
        listen: args.listen,
        data_dir: args.data_dir,
        backend,
        openai_url: args.openai_url,
        openai_model: args.openai_model,
        model_dir: args.model_dir,
        experts_dir: args.experts_dir,
        prompts_dir: args.prompts_dir,
    };
    let config = Config::load(args.config.as_deref(), &env, &flags)?;
    if args.print_config {
        print!("{}", toml::to_string_pretty(&config)?);
        return Ok(());
    }
    let telemetry = switchboard::telemetry::init(&config.telemetry)?;
    let app = Arc::new(switchboard::app::App::new(config).context("starting switchboard")?);
    if let Some(b) = app.backend() {
        match b.health().await {
            Ok(()) => tracing::info!(backend = b.name(), "model backend reachable"),
            // Not fatal: the backend may come up after us; requests will say it is unavailable.
            Err(e) => {
                tracing::warn!(backend = b.name(), error = %e, "model backend not reachable yet")
            }
        }
    } else {
        tracing::warn!(
            "no model backend configured: experts that need a model answer FAILED_PRECONDITION"
        );
    }
    // Listening before start: a SIGTERM sent as soon as health says SERVING must not kill us.
    let signal = switchboard::server::TerminationSignal::listen();
    let running = switchboard::server::start(app).await?;
    signal.recv().await;
    running.shutdown().await?;
    telemetry.shutdown();
    Ok(())
}

/// glibc raises its mmap threshold each time a large block is freed (up to 32 MiB, and its trim
/// threshold to twice that), after which big short-lived buffers (decoded pages, OCR tensors)
/// come from heaps that seldom shrink: four 7000x7000 pages left the server at 2.4x its warm
/// size. Fixed thresholds keep blocks over 1 MiB mapped and trim free heap tops over 2 MiB, so
/// freeing gives the memory back.
fn return_freed_memory() {
    #[cfg(all(target_os = "linux", target_env = "gnu"))]
    // SAFETY: mallopt only sets allocator parameters; it has no memory-safety preconditions.
    unsafe {
        libc::mallopt(libc::M_MMAP_THRESHOLD, 1 << 20);
        libc::mallopt(libc::M_TRIM_THRESHOLD, 2 << 20);
    }
}

//! ONNX Runtime for Switchboard: the one place that loads the library (ort's load-dynamic, from
//! a path the service is configured with, once per process) and builds sessions: execution
//! provider (CPU or CUDA), intra-op threads, and whether the CPU arena allocator is on. Also the
//! f16/f32 tensor helpers the graphs need, since a graph's float type is read from it, never
//! assumed, and tensors kept on a session's device (`device`). Knows nothing of models or requests; `ort` is re-exported so every crate names the
//! same version.

pub mod device;
pub mod tensor;
pub mod wire;

use std::path::{Path, PathBuf};
use std::sync::OnceLock;

pub use ort;
use ort::environment::Environment;
use ort::ep::ExecutionProviderDispatch;
use ort::session::Session;
use ort::session::builder::SessionBuilder;
pub use tensor::Float;

#[derive(Debug, Clone, thiserror::Error)]
pub enum Error {
    /// The library did not load, or its environment could not be built.
    #[error("{library}: {message}")]
    Library { library: PathBuf, message: String },
    #[error(
        "the CUDA execution provider is unavailable ({0}); use the library from the \
         onnxruntime-gpu wheel, or provider = \"cpu\""
    )]
    Cuda(String),
    /// A graph file that did not load.
    #[error("{path}: {message}")]
    Graph { path: PathBuf, message: String },
    #[error("{0}")]
    Ort(String),
    /// Graph bytes that are not the protobuf they should be.
    #[error("graph bytes: {0}")]
    Wire(String),
}

impl From<ort::Error> for Error {
    fn from(e: ort::Error) -> Self {
        Error::Ort(e.to_string())
    }
}

pub type Result<T, E = Error> = std::result::Result<T, E>;

/// Which execution provider runs a session's graph.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Provider {
    #[default]
    Cpu,
    Cuda {
        device: i32,
    },
}

/// How a session is built.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct SessionOptions {
    pub provider: Provider,
    /// Intra-op threads; 0 lets ONNX Runtime decide.
    pub threads: usize,
    /// ONNX Runtime's CPU arena allocator. Off, what a large input's activations took goes back
    /// when each tensor is freed, even when a run is terminated half-way (an arena keeps its
    /// peak for good then); on, repeated runs of similar sizes allocate less.
    pub arena: bool,
}

impl Default for SessionOptions {
    /// ONNX Runtime's defaults: CPU, its own thread count, the arena on.
    fn default() -> Self {
        SessionOptions {
            provider: Provider::Cpu,
            threads: 0,
            arena: true,
        }
    }
}

/// The process's ONNX Runtime: one library, one environment, shared by every session.
#[derive(Clone)]
pub struct Runtime {
    env: Environment,
}

static RUNTIME: OnceLock<Result<Runtime>> = OnceLock::new();

impl Runtime {
    /// Loads the ONNX Runtime library at `library` and builds its environment, once per process:
    /// later calls get the first one whatever their path (a library cannot be loaded twice).
    pub fn load(library: &Path) -> Result<Runtime> {
        RUNTIME
            .get_or_init(|| {
                let failed = |e: &dyn std::fmt::Display| Error::Library {
                    library: library.to_path_buf(),
                    message: e.to_string(),
                };
                let env = ort::init_from(library)
                    .map_err(|e| failed(&e))?
                    .with_name("switchboard")
                    .build()
                    .map_err(|e| Error::Ort(e.to_string()))?;
                Ok(Runtime { env })
            })
            .clone()
    }

    pub fn environment(&self) -> &Environment {
        &self.env
    }

    fn builder(&self, options: &SessionOptions) -> Result<SessionBuilder> {
        let mut b = Session::builder(&self.env)?;
        if options.threads > 0 {
            b = b
                .with_intra_threads(options.threads)
                .map_err(|e| Error::Ort(e.to_string()))?;
        }
        let mut providers: Vec<ExecutionProviderDispatch> = Vec::new();
        if let Provider::Cuda { device } = options.provider {
            // Fails loudly: a CPU-only library must not quietly run a GPU configuration on CPU.
            providers.push(
                ort::ep::CUDA::default()
                    .with_device_id(device)
                    .build()
                    .error_on_failure(),
            );
        }
        if !options.arena {
            providers.push(ort::ep::CPU::default().with_arena_allocator(false).build());
        }
        if !providers.is_empty() {
            b = b
                .with_execution_providers(providers)
                .map_err(|e| match options.provider {
                    Provider::Cuda { .. } => Error::Cuda(e.to_string()),
                    Provider::Cpu => Error::Ort(e.to_string()),
                })?;
        }
        Ok(b)
    }

    /// A session on the graph file at `path`.
    pub fn session_from_file(&self, path: &Path, options: &SessionOptions) -> Result<Session> {
        self.builder(options)?
            .commit_from_file(path)
            .map_err(|e| Error::Graph {
                path: path.to_path_buf(),
                message: e.to_string(),
            })
    }

    /// A session on a graph built with ONNX Runtime's model editor.
    pub fn session_from_model(
        &self,
        model: ort::editor::Model,
        options: &SessionOptions,
    ) -> Result<Session> {
        Ok(model.into_session(&self.builder(options)?)?)
    }

    /// A session on a graph held in memory (e.g. one edited at load time).
    pub fn session_from_memory(&self, graph: &[u8], options: &SessionOptions) -> Result<Session> {
        Ok(self.builder(options)?.commit_from_memory(graph)?)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The library tools/fetch-assets.sh pins (tests need it: run tools/fetch-assets.sh).
    pub(crate) fn runtime() -> Runtime {
        let library = Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("../../.assets/onnxruntime/libonnxruntime.so.1.31.1");
        Runtime::load(&library).expect("the ONNX Runtime library (tools/fetch-assets.sh)")
    }

    #[test]
    fn a_missing_graph_names_its_path() {
        let rt = runtime();
        let path = Path::new("/nonexistent/graph.onnx");
        for arena in [true, false] {
            let options = SessionOptions {
                threads: 1,
                arena,
                ..SessionOptions::default()
            };
            match rt.session_from_file(path, &options) {
                Err(Error::Graph { path: p, .. }) => assert_eq!(p, path),
                Err(other) => panic!("{other}"),
                Ok(_) => panic!("a missing file loaded"),
            }
        }
        assert!(matches!(
            rt.session_from_memory(b"not a graph", &SessionOptions::default()),
            Err(Error::Ort(_))
        ));
    }

    #[test]
    fn the_runtime_loads_once() {
        runtime();
        // A later path is ignored: the process keeps the library it loaded.
        assert!(Runtime::load(Path::new("/nonexistent/libonnxruntime.so")).is_ok());
    }
}

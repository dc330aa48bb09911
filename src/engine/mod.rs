//! The model engines behind one small trait: give a chat, get a stream of text back, stop when
//! told. Experts only see `Backend`; which engine runs (a remote OpenAI-compatible server, or the
//! in-process Qwen3-VL) is decided once at start-up, and wrapped once in the instrumented call
//! path (`instrumented`) that every caller uses. Owns no prompts and no parsing.

pub mod genai;
pub mod instrumented;
pub mod openai;
pub mod qwen3vl;

use std::pin::Pin;
use std::sync::Arc;

use bytes::Bytes;
use futures::Stream;
use futures::future::BoxFuture;
use tokio_util::sync::CancellationToken;

use crate::config::{BackendKind, Config};
use crate::cpu::CpuPool;
use crate::error::Result;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Role {
    System,
    User,
    Assistant,
}

impl Role {
    pub fn as_str(self) -> &'static str {
        match self {
            Role::System => "system",
            Role::User => "user",
            Role::Assistant => "assistant",
        }
    }
}

#[derive(Debug, Clone)]
pub enum Part {
    Text(String),
    Image {
        mime_type: String,
        data: Bytes,
    },
    /// A whole video file.
    Video {
        mime_type: String,
        data: Bytes,
    },
    /// A video as encoded images taken `fps` times a second.
    VideoFrames {
        frames: Vec<(String, Bytes)>,
        fps: f32,
    },
    /// A video file decoded by `media::video`: sampled frames with their true times, and the
    /// file for servers that decode it themselves.
    DecodedVideo(Arc<crate::media::video::DecodedVideo>),
}

#[derive(Debug, Clone)]
pub struct Message {
    pub role: Role,
    pub parts: Vec<Part>,
}

impl Message {
    pub fn text(role: Role, text: impl Into<String>) -> Self {
        Message {
            role,
            parts: vec![Part::Text(text.into())],
        }
    }
}

/// Sampling settings after the expert's defaults and the request's options are combined.
#[derive(Debug, Clone, PartialEq)]
pub struct Sampling {
    pub max_new_tokens: u32,
    pub temperature: f32,
    pub top_p: f32,
    pub top_k: Option<u32>,
    pub seed: Option<u64>,
    pub stop: Vec<String>,
}

impl Default for Sampling {
    fn default() -> Self {
        // Qwen3-VL Instruct's published defaults for vision-language tasks.
        Sampling {
            max_new_tokens: 2048,
            temperature: 0.7,
            top_p: 0.8,
            top_k: Some(20),
            seed: None,
            stop: vec![],
        }
    }
}

#[derive(Debug, Clone)]
pub struct GenerateRequest {
    pub messages: Vec<Message>,
    pub sampling: Sampling,
    /// The expert asking; the in-process scheduler shares the model fairly between experts.
    pub expert: String,
    /// Who may reuse this request's vision features in later requests (the session); `None`:
    /// only within this request.
    pub cache_scope: Option<String>,
}

#[derive(Debug, Clone, Default, PartialEq)]
pub struct Finish {
    /// "stop", "length", ...
    pub reason: String,
    pub prompt_tokens: u32,
    pub completion_tokens: u32,
    /// Images and videos whose vision features were reused rather than computed (in-process
    /// engine).
    pub vision_reused: u32,
    /// Prompt tokens whose KV came from the in-process engine's prefix cache.
    pub cached_tokens: u32,
}

#[derive(Debug, Clone, PartialEq)]
pub enum GenEvent {
    /// The next piece of text; never splits a UTF-8 character.
    Text(String),
    /// Last event of a successful generation.
    Done(Finish),
}

pub type GenStream = Pin<Box<dyn Stream<Item = Result<GenEvent>> + Send>>;

/// One scoring call (re-ranking): every candidate's chat is `prefix` followed by its own
/// messages, and the model's next token after it is judged: `yes` against `no`.
#[derive(Debug, Clone)]
pub struct ScoreRequest {
    /// The messages every candidate shares, first: the system prompt and the query's turn. An
    /// engine that can keeps their KV once and reuses it for every candidate.
    pub prefix: Vec<Message>,
    /// Per candidate, the messages after the prefix.
    pub candidates: Vec<Vec<Message>>,
    /// The two answers compared; each must be one token for the model.
    pub yes: String,
    pub no: String,
    /// Tokens of a short reason written after the answer; 0 for none.
    pub reason_tokens: u32,
    /// When the caller stops reading (`rerank::run`'s deadline). A backend that writes
    /// reasons after reading the scores cuts them short so that what it scored arrives first.
    pub deadline: Option<std::time::Instant>,
    /// Who asks, for the scheduler and the metrics.
    pub expert: String,
}

/// The reason written after an answer word (the text that follows it): punctuation and spaces
/// before it dropped. Both backends read a judgement's reason this way.
pub fn reason_after(rest: &str) -> String {
    rest.trim_start_matches(|c: char| {
        c.is_whitespace()
            || matches!(
                c,
                '.' | ',' | ':' | ';' | '!' | '-' | '。' | '，' | '：' | '；'
            )
    })
    .trim_end()
    .to_string()
}

/// One candidate's judgement.
#[derive(Debug, Clone, PartialEq)]
pub struct Scored {
    /// Its index in `ScoreRequest::candidates`.
    pub index: usize,
    /// log P(yes) - log P(no) of the next token (equal to logit(yes) - logit(no)); from text:
    /// +1 yes, -1 no, 0 unclear.
    pub score: f32,
    /// The backend gave no token probabilities: the score was read from the answer's text.
    pub from_text: bool,
    pub reason: String,
    pub prompt_tokens: u32,
    pub completion_tokens: u32,
    /// Prompt tokens whose KV was reused (the shared prefix), in-process engine.
    pub cached_tokens: u32,
}

/// Judgements as they finish, in any order.
pub type ScoreStream = Pin<Box<dyn Stream<Item = Result<Scored>> + Send>>;

pub trait Backend: Send + Sync + 'static {
    /// Short name for logs and health: "openai", "ort".
    fn name(&self) -> &'static str;

    /// Starts generating. Dropping the stream or cancelling `cancel` stops the work.
    fn generate(&self, request: GenerateRequest, cancel: CancellationToken) -> GenStream;

    /// Whether the backend can take requests now.
    fn health(&self) -> BoxFuture<'_, Result<()>>;

    /// Judges candidates (re-ranking). Dropping the stream or cancelling `cancel` stops the
    /// work; what was scored by then has been sent.
    fn score(&self, request: ScoreRequest, cancel: CancellationToken) -> ScoreStream {
        let _ = (request, cancel);
        let name = self.name();
        Box::pin(futures::stream::once(async move {
            Err(crate::error::Error::FailedPrecondition(format!(
                "the {name} backend cannot score candidates"
            )))
        }))
    }

    /// How the model wants video files sampled (its video processor's settings), when it says;
    /// `None`: the `[video]` section decides.
    fn video_sampling(&self) -> Option<switchboard_qwen3vl::config::VideoConfig> {
        None
    }
}

/// The backend the config asks for; `None` when the config says "none".
/// The in-process engine preprocesses media on `cpu`.
pub fn from_config(config: &Config, cpu: &CpuPool) -> Result<Option<Arc<dyn Backend>>> {
    match config.backend {
        BackendKind::None => Ok(None),
        BackendKind::Openai => Ok(Some(Arc::new(openai::OpenAiBackend::new(config)?))),
        BackendKind::Ort => Ok(Some(Arc::new(qwen3vl::backend::OrtBackend::start(
            config, cpu,
        )?))),
    }
}

/// How to get a model, for FAILED_PRECONDITION messages.
pub const HOW_TO_CONFIGURE: &str = "configure a model backend: SWITCHBOARD_BACKEND=openai with \
SWITCHBOARD_OPENAI__URL=http://host:8000/v1 (vLLM, SGLang, Ollama), or the flags --backend openai \
--openai-url URL";

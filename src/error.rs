//! The domain error enum. Every failure inside Switchboard is one of these, and `code_of` is the
//! one place that maps them to gRPC status codes (`api::status` makes the statuses). Messages
//! here may be shown to clients, except for the variants documented as internal.

use thiserror::Error;

pub type Result<T, E = Error> = std::result::Result<T, E>;

/// The longest message a client is sent. Client strings are already clipped where they are
/// echoed (`echo`); this bounds the rest, since a client refuses a `grpc-message` header past
/// its header size limit and would see RESOURCE_EXHAUSTED instead of the real code.
pub const MAX_MESSAGE_CHARS: usize = 1024;

pub fn code_of(e: &Error) -> tonic::Code {
    use tonic::Code;
    match e {
        Error::InvalidArgument { .. } => Code::InvalidArgument,
        Error::Unauthenticated(_) => Code::Unauthenticated,
        Error::NotFound(_) => Code::NotFound,
        Error::FailedPrecondition(_) => Code::FailedPrecondition,
        Error::ResourceExhausted(_) | Error::QuotaExceeded { .. } => Code::ResourceExhausted,
        Error::DeadlineExceeded(_) => Code::DeadlineExceeded,
        Error::Cancelled => Code::Cancelled,
        Error::Unavailable(_) | Error::MemoryUnavailable(_) => Code::Unavailable,
        Error::Backend(_)
        | Error::InvalidAnswer(_)
        | Error::Storage(_)
        | Error::Internal(_)
        | Error::Config(_) => Code::Internal,
    }
}

/// Whether the message stays in the log (clients get a generic one).
pub fn is_internal(e: &Error) -> bool {
    matches!(
        e,
        Error::Backend(_) | Error::Storage(_) | Error::Internal(_) | Error::Config(_)
    )
}

/// The message a client sees.
pub fn public_message(e: &Error) -> String {
    if is_internal(e) {
        "internal error; the server log has the details".into()
    } else {
        clip(&e.to_string(), MAX_MESSAGE_CHARS).into_owned()
    }
}

/// An error as a client reads it inside a response (an optional step's failure): the code's
/// name, then the message its status would carry.
pub fn describe(e: &Error) -> String {
    format!("{:?}: {}", code_of(e), public_message(e))
}

#[derive(Debug, Error)]
pub enum Error {
    /// Bad client input: names the field and what is wrong or the limit it broke.
    #[error("{field}: {problem}")]
    InvalidArgument { field: String, problem: String },

    /// The caller's credentials are missing or wrong.
    #[error("{0}")]
    Unauthenticated(String),

    #[error("{0}")]
    NotFound(String),

    /// The server cannot do this as configured (e.g. no model for an expert that needs one);
    /// the message says how to configure it.
    #[error("{0}")]
    FailedPrecondition(String),

    /// Overload: too many requests in flight, or the backend said it is overloaded.
    #[error("{0}")]
    ResourceExhausted(String),

    /// A tenant is over one of its quotas (`quota`: rate, concurrency or tokens); a retry after
    /// `retry_after` can succeed (the status carries it as `google.rpc.RetryInfo`).
    #[error(
        "tenant {tenant:?} is over its quota of {limit}; retry after {:.3}s",
        retry_after.as_secs_f64()
    )]
    QuotaExceeded {
        tenant: String,
        quota: &'static str,
        limit: String,
        retry_after: std::time::Duration,
    },

    #[error("{0}")]
    DeadlineExceeded(String),

    /// The client went away or cancelled; work for it has stopped.
    #[error("request cancelled")]
    Cancelled,

    /// The model backend could not be reached (after retries).
    #[error("model backend unavailable: {0}")]
    Unavailable(String),

    /// The shared session store (Redis) could not be reached, after retries; what was lost is
    /// only the attempt, never an acknowledged turn. Says nothing about the store's address.
    #[error("session memory unavailable: {0}")]
    MemoryUnavailable(String),

    /// The model backend answered with something we cannot use. Internal: logged, not sent.
    #[error("model backend error: {0}")]
    Backend(String),

    /// The model's answer did not match its expert's schema, after the retries; says what was
    /// wrong.
    #[error("{0}")]
    InvalidAnswer(String),

    /// Storage failure. Internal: logged, not sent.
    #[error("storage error: {0}")]
    Storage(String),

    /// Bad configuration, found at start-up.
    #[error("configuration error: {0}")]
    Config(String),

    /// Anything else. Internal: logged, not sent.
    #[error("internal error: {0}")]
    Internal(String),
}

impl Error {
    pub fn invalid(field: impl Into<String>, problem: impl Into<String>) -> Self {
        Error::InvalidArgument {
            field: field.into(),
            problem: problem.into(),
        }
    }

    /// The request's deadline passed while its work ran.
    pub fn deadline_passed() -> Self {
        Error::DeadlineExceeded("the request's deadline passed".into())
    }
}

/// Client strings echoed in a message are cut to this many characters: a 20,000-character
/// `mime_type` must not make a 20,000-character status (clients refuse headers that large).
pub const ECHO_CHARS: usize = 64;

/// `s`, cut to `max` characters with an ellipsis when longer.
pub fn clip(s: &str, max: usize) -> std::borrow::Cow<'_, str> {
    match s.char_indices().nth(max) {
        None => s.into(),
        Some((end, _)) => format!("{}…", &s[..end]).into(),
    }
}

/// A client string for a message: quoted and escaped like `{:?}`, cut to `ECHO_CHARS`
/// characters, with its length when it was cut.
pub fn echo(s: &str) -> String {
    let n = s.chars().count();
    if n <= ECHO_CHARS {
        format!("{s:?}")
    } else {
        format!("{:?} ({n} characters)", clip(s, ECHO_CHARS))
    }
}

/// The in-process engine's failures: what was wrong with the request's media is the client's
/// (INVALID_ARGUMENT on `media`), a stop is CANCELLED, the rest is the backend's.
impl From<switchboard_qwen3vl::EngineError> for Error {
    fn from(e: switchboard_qwen3vl::EngineError) -> Self {
        use switchboard_qwen3vl::EngineError;
        match e {
            EngineError::Preprocess(p) => p.into(),
            EngineError::Input(m) => Error::invalid("media", m),
            EngineError::Cancelled => Error::Cancelled,
            other => Error::Backend(other.to_string()),
        }
    }
}

/// An image or video the engine's preprocessing refuses (its size or aspect ratio).
impl From<switchboard_qwen3vl::PreprocessError> for Error {
    fn from(e: switchboard_qwen3vl::PreprocessError) -> Self {
        Error::invalid("media", e.to_string())
    }
}

/// The OCR tool's failures: a model that did not load is configuration, a failed model run is
/// internal, and a stopped read is the stop's own code.
impl From<switchboard_ocr::OcrError> for Error {
    fn from(e: switchboard_ocr::OcrError) -> Self {
        use switchboard_ocr::{OcrError, Reason};
        match e {
            OcrError::Load(m) => Error::Config(m),
            OcrError::Stopped(Reason::Cancelled) => Error::Cancelled,
            OcrError::Stopped(Reason::DeadlineExceeded) => Error::deadline_passed(),
            run @ OcrError::Run { .. } => Error::Internal(run.to_string()),
        }
    }
}

impl From<sled::Error> for Error {
    fn from(e: sled::Error) -> Self {
        Error::Storage(e.to_string())
    }
}

impl From<prost::DecodeError> for Error {
    fn from(e: prost::DecodeError) -> Self {
        Error::Storage(format!("corrupt record: {e}"))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn echoes_are_short_and_say_how_long_the_input_was() {
        assert_eq!(echo("image/png"), "\"image/png\"");
        let long = "é".repeat(20_000);
        let e = echo(&long);
        assert!(e.ends_with("…\" (20000 characters)"), "{e}");
        assert_eq!(e.chars().filter(|&c| c == 'é').count(), ECHO_CHARS);
        assert_eq!(clip("abc", 3), "abc");
        assert_eq!(clip("abcd", 3), "abc…");
        // Control characters are escaped, never passed through.
        assert_eq!(echo("a\nb"), "\"a\\nb\"");
    }

    #[test]
    fn engine_errors_keep_their_codes() {
        use switchboard_qwen3vl::{EngineError, PreprocessError};
        let media =
            |e: Error| matches!(e, Error::InvalidArgument { field, .. } if field == "media");
        assert!(media(
            EngineError::Preprocess(PreprocessError::Empty).into()
        ));
        assert!(media(EngineError::Input("no media #3".into()).into()));
        assert!(matches!(
            Error::from(EngineError::Cancelled),
            Error::Cancelled
        ));
        assert!(matches!(
            Error::from(EngineError::Config("tokenizer".into())),
            Error::Backend(_)
        ));
    }

    #[test]
    fn ocr_errors_keep_their_codes() {
        use switchboard_ocr::{OcrError, Reason};
        assert!(matches!(
            Error::from(OcrError::Stopped(Reason::Cancelled)),
            Error::Cancelled
        ));
        assert!(matches!(
            Error::from(OcrError::Stopped(Reason::DeadlineExceeded)),
            Error::DeadlineExceeded(_)
        ));
        let run = Error::from(OcrError::Run {
            what: "detection",
            message: "terminated".into(),
        });
        assert_eq!(run.to_string(), "internal error: OCR detection: terminated");
        assert!(matches!(
            Error::from(OcrError::Load("missing".into())),
            Error::Config(_)
        ));
    }
}

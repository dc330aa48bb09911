//! The domain error enum. Every failure inside Switchboard is one of these; `api::status` is the
//! one place that turns them into gRPC status codes. Messages here may be shown to clients, except
//! for the variants documented as internal.

use thiserror::Error;

pub type Result<T, E = Error> = std::result::Result<T, E>;

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

    #[error("{0}")]
    DeadlineExceeded(String),

    /// The client went away or cancelled; work for it has stopped.
    #[error("request cancelled")]
    Cancelled,

    /// The model backend could not be reached (after retries).
    #[error("model backend unavailable: {0}")]
    Unavailable(String),

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

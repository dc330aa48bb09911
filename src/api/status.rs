//! The one place where domain errors become gRPC status codes.

use tonic::{Code, Status};

use crate::error::{Error, clip};

/// The longest status message sent. Client strings are already clipped where they are echoed
/// (`error::echo`); this bounds the rest, since a client refuses a `grpc-message` header past
/// its header size limit and would see RESOURCE_EXHAUSTED instead of the real code.
pub const MAX_MESSAGE_CHARS: usize = 1024;

impl From<Error> for Status {
    fn from(e: Error) -> Status {
        let code = code_of(&e);
        match &e {
            // Internal details stay in the log.
            Error::Backend(_) | Error::Storage(_) | Error::Internal(_) | Error::Config(_) => {
                tracing::error!(error = %e, "request failed");
                Status::new(code, "internal error; the server log has the details")
            }
            _ => Status::new(code, clip(&e.to_string(), MAX_MESSAGE_CHARS)),
        }
    }
}

pub fn code_of(e: &Error) -> Code {
    match e {
        Error::InvalidArgument { .. } => Code::InvalidArgument,
        Error::Unauthenticated(_) => Code::Unauthenticated,
        Error::NotFound(_) => Code::NotFound,
        Error::FailedPrecondition(_) => Code::FailedPrecondition,
        Error::ResourceExhausted(_) => Code::ResourceExhausted,
        Error::DeadlineExceeded(_) => Code::DeadlineExceeded,
        Error::Cancelled => Code::Cancelled,
        Error::Unavailable(_) => Code::Unavailable,
        Error::Backend(_)
        | Error::InvalidAnswer(_)
        | Error::Storage(_)
        | Error::Internal(_)
        | Error::Config(_) => Code::Internal,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn internals_are_not_leaked() {
        let s: Status = Error::Storage("/var/lib/secret path broke".into()).into();
        assert_eq!(s.code(), Code::Internal);
        assert!(!s.message().contains("secret"));
        let s: Status = Error::invalid("media[0].data", "too big").into();
        assert_eq!(s.code(), Code::InvalidArgument);
        assert_eq!(s.message(), "media[0].data: too big");
    }

    #[test]
    fn long_messages_are_cut() {
        let s: Status = Error::invalid("text", "x".repeat(50_000)).into();
        assert_eq!(s.code(), Code::InvalidArgument);
        assert_eq!(s.message().chars().count(), MAX_MESSAGE_CHARS + 1);
        assert!(s.message().starts_with("text: xxx") && s.message().ends_with('…'));
    }
}

//! The one place where domain errors become gRPC status codes.

use tonic::{Code, Status};

use crate::error::Error;

impl From<Error> for Status {
    fn from(e: Error) -> Status {
        let code = code_of(&e);
        match &e {
            // Internal details stay in the log.
            Error::Backend(_) | Error::Storage(_) | Error::Internal(_) | Error::Config(_) => {
                tracing::error!(error = %e, "request failed");
                Status::new(code, "internal error; the server log has the details")
            }
            _ => Status::new(code, e.to_string()),
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
}

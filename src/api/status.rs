//! Domain errors become gRPC statuses here (their codes and public messages are assigned in
//! `error`, the one place, so that a step's failure inside a response reads the same).

use tonic::Status;

use crate::error::{Error, code_of, public_message};

impl From<Error> for Status {
    fn from(e: Error) -> Status {
        if crate::error::is_internal(&e) {
            tracing::error!(error = %e, "request failed");
        }
        Status::new(code_of(&e), public_message(&e))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::error::MAX_MESSAGE_CHARS;
    use tonic::Code;

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

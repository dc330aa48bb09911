//! Domain errors become gRPC statuses here (their codes and public messages are assigned in
//! `error`, the one place, so that a step's failure inside a response reads the same).

use tonic::Status;
use tonic_types::{ErrorDetails, StatusExt};

use crate::error::{Error, code_of, public_message};

impl From<Error> for Status {
    fn from(e: Error) -> Status {
        if crate::error::is_internal(&e) {
            tracing::error!(error = %e, "request failed");
        }
        let (code, message) = (code_of(&e), public_message(&e));
        if let Error::QuotaExceeded { retry_after, .. } = e {
            // google.rpc.RetryInfo: clients (and gRPC retry policies) read when to come back.
            let details = ErrorDetails::with_retry_info(Some(retry_after));
            return Status::with_error_details(code, message, details);
        }
        Status::new(code, message)
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
    fn a_quota_refusal_carries_retry_info() {
        let s: Status = Error::QuotaExceeded {
            tenant: "acme".into(),
            quota: "rate",
            limit: "2 requests per second".into(),
            retry_after: std::time::Duration::from_millis(1500),
        }
        .into();
        assert_eq!(s.code(), Code::ResourceExhausted);
        assert!(
            s.message().contains("2 requests per second"),
            "{}",
            s.message()
        );
        let retry = s.get_details_retry_info().expect("RetryInfo");
        assert_eq!(
            retry.retry_delay,
            Some(std::time::Duration::from_millis(1500))
        );
    }

    #[test]
    fn long_messages_are_cut() {
        let s: Status = Error::invalid("text", "x".repeat(50_000)).into();
        assert_eq!(s.code(), Code::InvalidArgument);
        assert_eq!(s.message().chars().count(), MAX_MESSAGE_CHARS + 1);
        assert!(s.message().starts_with("text: xxx") && s.message().ends_with('…'));
    }
}

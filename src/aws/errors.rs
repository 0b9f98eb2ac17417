//! Turning SDK errors into [`CollectError`]s with a kind a caller can branch on.

use aws_sdk_guardduty::config::http::HttpResponse;
use aws_sdk_guardduty::error::{ProvideErrorMetadata, SdkError};

use crate::model::{CollectError, ErrorKind};

/// Error codes AWS services use when the caller may not make a call.
const ACCESS_DENIED: &[&str] = &[
    "AccessDenied",
    "AccessDeniedException",
    "UnauthorizedOperation",
    "UnauthorizedException",
    "AuthorizationError",
    "UnrecognizedClientException",
    "InvalidClientTokenId",
    "ExpiredToken",
    "ExpiredTokenException",
    "InvalidSignatureException",
    "SignatureDoesNotMatch",
];

const THROTTLED: &[&str] = &[
    "Throttling",
    "ThrottlingException",
    "ThrottledException",
    "TooManyRequestsException",
    "RequestLimitExceeded",
    "SlowDown",
    "RequestThrottled",
    "RequestThrottledException",
];

/// Codes returned in a region that is not enabled for the account.
const OPT_IN: &[&str] = &["OptInRequired"];

/// Error codes that, in an opt-in region the account may not have enabled, mean
/// "this region does not know these credentials" rather than a real permission problem.
pub const UNKNOWN_CREDENTIALS: &[&str] = &["UnrecognizedClientException", "InvalidClientTokenId"];

/// Classifies a failed SDK call.
pub fn classify<E>(operation: &str, err: &SdkError<E, HttpResponse>) -> CollectError
where
    E: ProvideErrorMetadata + std::error::Error + 'static,
{
    // An error sent in a success response's body is that error (see `error_body`).
    if let Some(found) = super::error_body::find(err) {
        let message = match &found.message {
            Some(message) => format!(
                "{}: {} (in an HTTP {} response)",
                found.code, message, found.status
            ),
            None => format!("{} (in an HTTP {} response)", found.code, found.status),
        };
        return CollectError {
            kind: kind_of_code(Some(&found.code)),
            operation: operation.to_owned(),
            code: Some(found.code.clone()),
            message: bounded(one_line(&message)),
        };
    }
    let (kind, code) = match err {
        SdkError::TimeoutError(_) => (ErrorKind::Network, None),
        SdkError::DispatchFailure(_) => (ErrorKind::Network, None),
        SdkError::ServiceError(service) => {
            let code = service.err().code().map(str::to_owned);
            (kind_of_code(code.as_deref()), code)
        }
        _ => (ErrorKind::Other, err.code().map(str::to_owned)),
    };
    let message = match err {
        SdkError::TimeoutError(_) => "no answer before the time-out (see --timeout)".to_owned(),
        SdkError::ServiceError(service) => match (service.err().code(), service.err().message()) {
            (Some(code), Some(message)) => format!("{code}: {message}"),
            (Some(code), None) => code.to_owned(),
            // A success status whose body is not what the API returns (not JSON, cut off):
            // say so, and where the parser stopped.
            _ if service.raw().status().is_success() => format!(
                "could not parse the HTTP {} response: {}",
                service.raw().status().as_u16(),
                error_chain(service.err())
            ),
            _ => format!(
                "unexpected HTTP {} response: {}",
                service.raw().status().as_u16(),
                error_chain(service.err())
            ),
        },
        SdkError::ResponseError(response) => format!(
            "could not read the HTTP {} response: {}",
            response.raw().status().as_u16(),
            error_chain(err)
        ),
        _ => error_chain(err),
    };
    CollectError {
        kind,
        operation: operation.to_owned(),
        code,
        message,
    }
}

/// The kind of error an AWS error code stands for.
pub fn kind_of_code(code: Option<&str>) -> ErrorKind {
    match code {
        Some(c) if ACCESS_DENIED.contains(&c) => ErrorKind::AccessDenied,
        Some(c) if THROTTLED.contains(&c) => ErrorKind::Throttled,
        Some(c) if OPT_IN.contains(&c) => ErrorKind::OptInRequired,
        _ => ErrorKind::Other,
    }
}

/// The longest message kept, so one odd error cannot flood a report.
const MAX_MESSAGE: usize = 300;

/// The error and its causes, each once, on one line (SDK errors nest several levels deep,
/// and their `Debug` forms carry whole HTTP responses, which a report does not want).
fn error_chain(err: &(dyn std::error::Error + 'static)) -> String {
    let mut parts: Vec<String> = Vec::new();
    let mut next = Some(err);
    while let Some(e) = next {
        let text = one_line(&e.to_string());
        if !text.is_empty() && !parts.iter().any(|p| p.contains(&text)) {
            parts.push(text);
        }
        next = e.source();
    }
    bounded(parts.join(": "))
}

/// At most [`MAX_MESSAGE`] bytes of `message`, cut at a character boundary.
fn bounded(mut message: String) -> String {
    if message.len() > MAX_MESSAGE {
        let cut = (0..=MAX_MESSAGE)
            .rev()
            .find(|i| message.is_char_boundary(*i))
            .unwrap_or(0);
        message.truncate(cut);
        message.push('…');
    }
    message
}

/// Error texts from the SDK span lines; reports want one.
fn one_line(text: &str) -> String {
    text.split_whitespace().collect::<Vec<_>>().join(" ")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn codes_map_to_kinds() {
        assert_eq!(
            kind_of_code(Some("AccessDeniedException")),
            ErrorKind::AccessDenied
        );
        assert_eq!(
            kind_of_code(Some("ThrottlingException")),
            ErrorKind::Throttled
        );
        assert_eq!(
            kind_of_code(Some("OptInRequired")),
            ErrorKind::OptInRequired
        );
        assert_eq!(
            kind_of_code(Some("InternalServerErrorException")),
            ErrorKind::Other
        );
        assert_eq!(kind_of_code(None), ErrorKind::Other);
    }

    #[test]
    fn multi_line_messages_become_one_line() {
        assert_eq!(one_line("a\n  b\tc"), "a b c");
    }
}

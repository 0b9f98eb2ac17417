//! An error sent with a success status: an HTTP 200 whose JSON body is an AWS error
//! (`{"__type":"ThrottlingException","message":"Rate exceeded"}`; moto answers so). The SDK
//! reads such a body as an output with every field missing — for a paginated call, an
//! empty last page — so the data after it would be lost without a word. [`ErrorBodyCheck`],
//! installed on every call by `no_sdk_retries!`, turns it back into that error:
//! [`super::errors::classify`] gives it its code and kind, and [`super::retry::call`]
//! retries it like the same error sent with its own status (throttling as throttling).

use std::collections::BTreeMap;

use aws_sdk_guardduty::config::interceptors::AfterDeserializationInterceptorContextRef;
use aws_sdk_guardduty::config::{ConfigBag, Intercept, RuntimeComponents};
use serde::Deserialize;
use serde::de::IgnoredAny;

/// An AWS error found in the body of a success response.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ErrorInSuccessBody {
    pub status: u16,
    /// The error code, without the namespace awsJson may put before it.
    pub code: String,
    pub message: Option<String>,
}

impl std::fmt::Display for ErrorInSuccessBody {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "an HTTP {} response carried the error {}",
            self.status, self.code
        )?;
        if let Some(message) = &self.message {
            write!(f, ": {message}")?;
        }
        Ok(())
    }
}

impl std::error::Error for ErrorInSuccessBody {}

/// Keys an error body has; a body with any other key is read as the output it claims to be.
const ERROR_KEYS: &[&str] = &["__type", "message", "Message", "code", "Code"];

/// The error a success body carries: a JSON object with a string `__type` and nothing but
/// error keys (no field an output of the call would have).
pub fn error_in_body(status: u16, body: &[u8]) -> Option<ErrorInSuccessBody> {
    // Cheap test first: most bodies (pages of events) never mention `__type` as a key.
    if !body.windows(8).any(|w| w == b"\"__type\"") {
        return None;
    }
    let keys: BTreeMap<String, IgnoredAny> = serde_json::from_slice(body).ok()?;
    if !keys.keys().all(|k| ERROR_KEYS.contains(&k.as_str())) {
        return None;
    }
    #[derive(Deserialize)]
    struct Body {
        #[serde(rename = "__type")]
        kind: String,
        #[serde(alias = "Message")]
        message: Option<String>,
    }
    let parsed: Body = serde_json::from_slice(body).ok()?;
    // awsJson may send `aws.protocoltests#ThrottlingException` or `Code:http://…`.
    let code = parsed.kind.rsplit('#').next().unwrap_or_default();
    let code = code.split(':').next().unwrap_or_default().trim();
    if code.is_empty() {
        return None;
    }
    Some(ErrorInSuccessBody {
        status,
        code: code.to_owned(),
        message: parsed.message,
    })
}

/// Fails an attempt whose success response is an error body (see the module docs).
#[derive(Debug, Clone, Copy, Default)]
pub struct ErrorBodyCheck;

impl Intercept for ErrorBodyCheck {
    fn name(&self) -> &'static str {
        "gdaudit::ErrorBodyCheck"
    }

    fn read_after_deserialization(
        &self,
        context: &AfterDeserializationInterceptorContextRef<'_>,
        _runtime_components: &RuntimeComponents,
        _cfg: &mut ConfigBag,
    ) -> Result<(), Box<dyn std::error::Error + Send + Sync>> {
        let response = context.response();
        if context.output_or_error().is_err() || !response.status().is_success() {
            return Ok(());
        }
        // A non-streaming body has been read into memory by now; a streamed one (S3
        // GetObject) is data, not an answer to check.
        let Some(body) = response.body().bytes() else {
            return Ok(());
        };
        match error_in_body(response.status().as_u16(), body) {
            Some(error) => Err(Box::new(error)),
            None => Ok(()),
        }
    }
}

/// The [`ErrorInSuccessBody`] behind an SDK error, if that is what it is.
pub fn find<'a>(err: &'a (dyn std::error::Error + 'static)) -> Option<&'a ErrorInSuccessBody> {
    let mut next = Some(err);
    while let Some(e) = next {
        if let Some(found) = e.downcast_ref::<ErrorInSuccessBody>() {
            return Some(found);
        }
        next = e.source();
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_error_body_is_found_and_its_code_cleaned() {
        let found = error_in_body(
            200,
            br#"{"__type":"ThrottlingException","message":"Rate exceeded"}"#,
        );
        assert_eq!(
            found,
            Some(ErrorInSuccessBody {
                status: 200,
                code: "ThrottlingException".into(),
                message: Some("Rate exceeded".into()),
            })
        );
        let namespaced = error_in_body(
            200,
            br#"{"__type":"com.amazonaws.cloudtrail#InvalidNextTokenException","Message":"x"}"#,
        );
        assert_eq!(namespaced.unwrap().code, "InvalidNextTokenException");
        let with_url = error_in_body(200, br#"{"__type":"ThrottlingException:http://x/"}"#);
        assert_eq!(with_url.unwrap().code, "ThrottlingException");
    }

    #[test]
    fn outputs_are_not_errors() {
        // An output field next to `__type`: read as the output it claims to be.
        assert_eq!(
            error_in_body(200, br#"{"__type":"X","Events":[],"NextToken":"t"}"#),
            None
        );
        assert_eq!(error_in_body(200, br#"{"Events":[]}"#), None);
        // `__type` inside an event's text is not a key of the body.
        assert_eq!(
            error_in_body(
                200,
                br#"{"Events":[{"CloudTrailEvent":"{\"__type\":\"x\"}"}]}"#
            ),
            None
        );
        assert_eq!(error_in_body(200, br#"{"__type":""}"#), None);
        assert_eq!(error_in_body(200, br#"{"__type":7}"#), None);
        assert_eq!(error_in_body(200, b"\"__type\" not json"), None);
    }

    #[test]
    fn it_is_found_behind_the_sdk_s_wrappers() {
        #[derive(Debug)]
        struct Wrapper(ErrorInSuccessBody);
        impl std::fmt::Display for Wrapper {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str("wrapped")
            }
        }
        impl std::error::Error for Wrapper {
            fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
                Some(&self.0)
            }
        }
        let inner = error_in_body(200, br#"{"__type":"Throttling"}"#).unwrap();
        let wrapped = Wrapper(inner.clone());
        assert_eq!(find(&wrapped), Some(&inner));
    }
}

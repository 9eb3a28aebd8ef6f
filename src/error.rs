//! The error taxonomy: one [`OptInError`] whose variants tell the caller what
//! to do next, and the flat [`ErrorFields`] that the JavaScript `OptInError`
//! carries.
//!
//! Messages are written here, from static text and from values this crate
//! controls (status codes, option names, origins). They never include the
//! opt-in token, the anonymous token, the email address or any text the server
//! sent back (which may echo them); server details travel in separate fields.

use serde::Serialize;
use tsify::Tsify;

use crate::model::{ErrorDetail, ErrorMessage, Fault};

/// Which Emporix call an error belongs to; it changes what the caller should do.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Operation {
    /// `GET /customer/{tenant}/signup/optin/{token}`.
    ConfirmOptIn,
    /// `POST /customer/{tenant}/signup/optin/refresh_token`.
    ResendActivation,
}

/// The stable, machine-readable kind of an `OptInError`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Tsify)]
#[serde(rename_all = "snake_case")]
pub enum ErrorCode {
    /// An option was missing or malformed; no request was sent. `field` names it.
    InvalidInput,
    /// Emporix answered 400: for `confirmOptIn` the link is invalid, used or expired.
    BadRequest,
    /// Emporix answered 401: the anonymous access token was rejected.
    Unauthorized,
    /// Emporix answered 429: too many requests; `retryAfter` says when to try again.
    RateLimited,
    /// Emporix answered 5xx.
    ServerError,
    /// Emporix answered a status this API does not document.
    UnexpectedStatus,
    /// Emporix answered 2xx with a body that is not the documented shape.
    InvalidResponse,
    /// No response: DNS failure, refused connection, CORS rejection, dropped connection.
    Network,
    /// No complete response within `timeoutMs`.
    Timeout,
    /// The caller's `signal` aborted the call.
    Aborted,
}

/// Why an option was rejected before any request was sent. Static text only,
/// so the rejected value can never leak into a message.
pub type Problem = &'static str;

/// Everything that can go wrong in a call, with what the caller needs to react.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum OptInError {
    /// An option failed validation; nothing was sent.
    #[error("Invalid option `{field}`: {problem}.")]
    InvalidInput {
        /// The option's name as JavaScript spells it, e.g. `tenant` or `baseUrl`.
        field: &'static str,
        /// What is wrong with it.
        problem: Problem,
    },
    /// HTTP 400 with the spec's `ErrorMessage` body (empty when the body was not one).
    #[error("{}", bad_request_message(*.operation, .body))]
    BadRequest {
        /// The call that was rejected.
        operation: Operation,
        /// The decoded body.
        body: ErrorMessage,
    },
    /// HTTP 401 with the spec's fault body (empty when the body was not one).
    #[error("Emporix rejected the anonymous access token (HTTP 401{}). Request a new anonymous token and try again.", code_suffix(.fault.errorcode.as_deref()))]
    Unauthorized {
        /// The decoded fault.
        fault: Fault,
    },
    /// HTTP 429.
    #[error("Emporix is rate-limiting these requests (HTTP 429). {}", retry_hint(*.retry_after))]
    RateLimited {
        /// Seconds to wait, from the `Retry-After` header when it was present and readable.
        retry_after: Option<u32>,
    },
    /// HTTP 5xx.
    #[error("Emporix had a server error (HTTP {status}). {}", retry_hint(*.retry_after))]
    ServerError {
        /// The status code.
        status: u16,
        /// Seconds to wait, from `Retry-After` when present.
        retry_after: Option<u32>,
    },
    /// Any status the API does not document for this call.
    #[error("Emporix answered with unexpected HTTP status {status}. Check `baseUrl` points at the Emporix API.")]
    UnexpectedStatus {
        /// The status code.
        status: u16,
        /// The start of the response body, as text, for diagnosis.
        body: String,
    },
    /// A 2xx whose body could not be used.
    #[error(
        "Emporix answered HTTP {status} but {problem}. Check `baseUrl` points at the Emporix API."
    )]
    InvalidResponse {
        /// The status code.
        status: u16,
        /// What was wrong with the body.
        problem: Problem,
    },
    /// The request never got a complete response.
    #[error("Could not reach {origin} (network failure, refused connection or CORS rejection). Check the connection and `baseUrl`, then try again.")]
    Network {
        /// The origin that was contacted, e.g. `https://api.emporix.io`.
        origin: String,
    },
    /// `timeoutMs` elapsed first.
    #[error("{}", timeout_message(*.operation, *.timeout_ms))]
    Timeout {
        /// The call that timed out.
        operation: Operation,
        /// The limit that elapsed.
        timeout_ms: u32,
    },
    /// The caller's `AbortSignal` fired.
    #[error("The call was aborted by its `signal`.")]
    Aborted,
}

fn bad_request_message(operation: Operation, body: &ErrorMessage) -> String {
    let kind = body
        .error_type
        .as_deref()
        .filter(|t| is_error_type(t))
        .map(|t| format!(" ({t})"))
        .unwrap_or_default();
    match operation {
        Operation::ConfirmOptIn => format!(
            "Emporix rejected the activation token{kind}: the link is invalid, already used or expired. Offer to resend the activation email."
        ),
        Operation::ResendActivation => format!(
            "Emporix rejected the resend request{kind}. Check the email address and try again."
        ),
    }
}

/// Server-provided `type`s go into messages only when they look like the
/// spec's lowercase identifiers, so no echoed input can ride along.
fn is_error_type(value: &str) -> bool {
    (1..=64).contains(&value.len()) && value.bytes().all(|b| b.is_ascii_lowercase() || b == b'_')
}

fn code_suffix(errorcode: Option<&str>) -> String {
    match errorcode {
        Some(code)
            if code.len() <= 100
                && code
                    .bytes()
                    .all(|b| b.is_ascii_alphanumeric() || b == b'.' || b == b'_') =>
        {
            format!(": {code}")
        }
        _ => String::new(),
    }
}

fn retry_hint(retry_after: Option<u32>) -> String {
    match retry_after {
        Some(1) => "Try again in 1 second.".to_owned(),
        Some(seconds) => format!("Try again in {seconds} seconds."),
        None => "Try again later.".to_owned(),
    }
}

fn timeout_message(operation: Operation, timeout_ms: u32) -> String {
    match operation {
        // The token may have been spent by a request whose answer never came,
        // so a blind retry can only report "already used".
        Operation::ConfirmOptIn => format!(
            "No answer from Emporix within {timeout_ms} ms. The account may already be activated: let the shopper sign in, or retry once."
        ),
        Operation::ResendActivation => format!(
            "No answer from Emporix within {timeout_ms} ms. The email may still arrive; wait a minute before resending."
        ),
    }
}

/// The properties an `OptInError` carries besides `name`, `message` and `stack`.
///
/// Absent properties are absent (never `null`).
#[derive(Debug, Clone, PartialEq, Serialize, Tsify)]
#[serde(rename_all = "camelCase")]
pub struct ErrorFields {
    /// The kind of error: what to do about it is in the package README.
    pub code: ErrorCode,
    /// The HTTP status, when a response arrived.
    #[serde(skip_serializing_if = "Option::is_none")]
    #[tsify(optional)]
    pub status: Option<u16>,
    /// `invalid_input`: the name of the rejected option.
    #[serde(skip_serializing_if = "Option::is_none")]
    #[tsify(optional)]
    pub field: Option<&'static str>,
    /// `bad_request`: the `type` of Emporix's `ErrorMessage`, e.g. `validation_failure`.
    #[serde(rename = "type", skip_serializing_if = "Option::is_none")]
    #[tsify(optional)]
    pub error_type: Option<String>,
    /// `bad_request`: Emporix's own `message` (may echo the request; do not show it to shoppers).
    #[serde(skip_serializing_if = "Option::is_none")]
    #[tsify(optional)]
    pub server_message: Option<String>,
    /// `bad_request`: the `details` of Emporix's `ErrorMessage`.
    #[serde(skip_serializing_if = "Option::is_none")]
    #[tsify(optional)]
    pub details: Option<Vec<ErrorDetail>>,
    /// `bad_request`: the `moreInfo` of Emporix's `ErrorMessage`.
    #[serde(skip_serializing_if = "Option::is_none")]
    #[tsify(optional)]
    pub more_info: Option<String>,
    /// `unauthorized`: `fault.faultstring` from Emporix's 401 body.
    #[serde(skip_serializing_if = "Option::is_none")]
    #[tsify(optional)]
    pub faultstring: Option<String>,
    /// `unauthorized`: `fault.detail.errorcode` from Emporix's 401 body.
    #[serde(skip_serializing_if = "Option::is_none")]
    #[tsify(optional)]
    pub errorcode: Option<String>,
    /// `rate_limited`, `server_error`: seconds to wait, from the `Retry-After` header.
    #[serde(skip_serializing_if = "Option::is_none")]
    #[tsify(optional)]
    pub retry_after: Option<u32>,
    /// `unexpected_status`: the start of the response body, as text.
    #[serde(skip_serializing_if = "Option::is_none")]
    #[tsify(optional)]
    pub body: Option<String>,
}

impl OptInError {
    /// The stable code of this error.
    pub fn code(&self) -> ErrorCode {
        match self {
            OptInError::InvalidInput { .. } => ErrorCode::InvalidInput,
            OptInError::BadRequest { .. } => ErrorCode::BadRequest,
            OptInError::Unauthorized { .. } => ErrorCode::Unauthorized,
            OptInError::RateLimited { .. } => ErrorCode::RateLimited,
            OptInError::ServerError { .. } => ErrorCode::ServerError,
            OptInError::UnexpectedStatus { .. } => ErrorCode::UnexpectedStatus,
            OptInError::InvalidResponse { .. } => ErrorCode::InvalidResponse,
            OptInError::Network { .. } => ErrorCode::Network,
            OptInError::Timeout { .. } => ErrorCode::Timeout,
            OptInError::Aborted => ErrorCode::Aborted,
        }
    }

    /// The HTTP status of the response this error came from, if any.
    pub fn status(&self) -> Option<u16> {
        match self {
            OptInError::BadRequest { .. } => Some(400),
            OptInError::Unauthorized { .. } => Some(401),
            OptInError::RateLimited { .. } => Some(429),
            OptInError::ServerError { status, .. }
            | OptInError::UnexpectedStatus { status, .. }
            | OptInError::InvalidResponse { status, .. } => Some(*status),
            _ => None,
        }
    }

    /// Shorthand for [`OptInError::InvalidInput`].
    pub(crate) fn invalid(field: &'static str, problem: Problem) -> Self {
        OptInError::InvalidInput { field, problem }
    }

    /// The flat property set of the JavaScript error.
    pub fn fields(&self) -> ErrorFields {
        let mut fields = ErrorFields {
            code: self.code(),
            status: self.status(),
            field: None,
            error_type: None,
            server_message: None,
            details: None,
            more_info: None,
            faultstring: None,
            errorcode: None,
            retry_after: None,
            body: None,
        };
        match self {
            OptInError::InvalidInput { field, .. } => fields.field = Some(field),
            OptInError::BadRequest { body, .. } => {
                fields.error_type = body.error_type.clone();
                fields.server_message = body.message.clone();
                fields.details = body.details.clone();
                fields.more_info = body.more_info.clone();
            }
            OptInError::Unauthorized { fault } => {
                fields.faultstring = fault.faultstring.clone();
                fields.errorcode = fault.errorcode.clone();
            }
            OptInError::RateLimited { retry_after }
            | OptInError::ServerError { retry_after, .. } => fields.retry_after = *retry_after,
            OptInError::UnexpectedStatus { body, .. } => fields.body = Some(body.clone()),
            _ => {}
        }
        fields
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn codes_serialize_as_snake_case() {
        let json = serde_json::to_string(&ErrorCode::UnexpectedStatus).unwrap();
        assert_eq!(json, "\"unexpected_status\"");
        let json = serde_json::to_string(&ErrorCode::InvalidInput).unwrap();
        assert_eq!(json, "\"invalid_input\"");
    }

    #[test]
    fn bad_request_message_names_safe_types_only() {
        let body = ErrorMessage {
            error_type: Some("token_expired".into()),
            ..ErrorMessage::default()
        };
        let error = OptInError::BadRequest {
            operation: Operation::ConfirmOptIn,
            body,
        };
        assert!(error.to_string().contains("(token_expired)"));
        assert!(error.to_string().contains("resend"));

        let echoing = ErrorMessage {
            error_type: Some("shopper@example.com".into()),
            message: Some("no such customer shopper@example.com".into()),
            ..ErrorMessage::default()
        };
        let error = OptInError::BadRequest {
            operation: Operation::ResendActivation,
            body: echoing,
        };
        assert!(!error.to_string().contains("shopper@example.com"));
        assert_eq!(
            error.fields().server_message.as_deref(),
            Some("no such customer shopper@example.com")
        );
    }

    #[test]
    fn unauthorized_message_includes_only_identifier_like_codes() {
        let fault = Fault {
            faultstring: Some("Invalid access token".into()),
            errorcode: Some("oauth.v2.InvalidAccessToken".into()),
        };
        let message = OptInError::Unauthorized { fault }.to_string();
        assert!(message.contains("oauth.v2.InvalidAccessToken"), "{message}");

        let fault = Fault {
            faultstring: None,
            errorcode: Some("token abc.def is bad".into()),
        };
        let message = OptInError::Unauthorized { fault }.to_string();
        assert!(!message.contains("abc.def"), "{message}");
    }

    #[test]
    fn fields_are_flat_and_absent_when_unknown() {
        let fields = OptInError::RateLimited {
            retry_after: Some(30),
        }
        .fields();
        let json = serde_json::to_value(&fields).unwrap();
        assert_eq!(
            json,
            serde_json::json!({"code": "rate_limited", "status": 429, "retryAfter": 30})
        );

        let json = serde_json::to_value(OptInError::invalid("tenant", "x").fields()).unwrap();
        assert_eq!(
            json,
            serde_json::json!({"code": "invalid_input", "field": "tenant"})
        );
    }

    #[test]
    fn messages_say_what_to_do() {
        let cases = [
            OptInError::RateLimited { retry_after: None }.to_string(),
            OptInError::ServerError {
                status: 502,
                retry_after: Some(1),
            }
            .to_string(),
            OptInError::Network {
                origin: "https://api.emporix.io".into(),
            }
            .to_string(),
            OptInError::Timeout {
                operation: Operation::ConfirmOptIn,
                timeout_ms: 15000,
            }
            .to_string(),
        ];
        assert!(cases[0].contains("Try again later"));
        assert!(cases[1].contains("HTTP 502") && cases[1].contains("1 second."));
        assert!(cases[2].contains("https://api.emporix.io"));
        assert!(cases[3].contains("15000 ms"));
    }
}

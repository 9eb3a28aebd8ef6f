//! The error taxonomy: one [`OptInError`] whose variants tell the caller what
//! to do next, and the flat [`ErrorFields`] that the JavaScript `OptInError`
//! carries.
//!
//! Messages are written here, from static text and from values this crate
//! controls (status codes, option names, origins). They never include the
//! opt-in token, the anonymous token, the email address or any text the server
//! sent back (which may echo them); server details travel in separate fields.

use std::fmt;

use serde::Serialize;
use tsify::Tsify;

use crate::model::{ErrorDetail, ErrorMessage, Fault};
use crate::validate;

/// Which Emporix call an error belongs to; it changes what the caller should do.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Operation {
    /// `GET /customer/{tenant}/signup/optin/{token}`.
    ConfirmOptIn,
    /// `POST /customer/{tenant}/signup/optin/refresh_token`.
    ResendActivation,
    /// `GET /customerlogin/auth/anonymous/login` or `/refresh`, made by an
    /// `OptInClient` before either call; nothing has been sent for the
    /// shopper yet.
    AnonymousLogin,
}

/// The stable, machine-readable kind of an `OptInError`.
// (A plain comment: `///` lines become the TSDoc of the .d.ts.) Serialized
// through `ErrorCode::as_str` (`serde(into)`): one string lookup instead of the
// derive's per-variant `serialize_unit_variant` calls, 507 bytes of wasm with
// serde-wasm-bindgen. `rename_all` still names the TypeScript union's members;
// a test keeps the two in step.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Tsify)]
#[serde(rename_all = "snake_case", into = "&'static str")]
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

impl ErrorCode {
    /// The code as JavaScript sees it, e.g. `"invalid_input"`.
    pub fn as_str(self) -> &'static str {
        match self {
            ErrorCode::InvalidInput => "invalid_input",
            ErrorCode::BadRequest => "bad_request",
            ErrorCode::Unauthorized => "unauthorized",
            ErrorCode::RateLimited => "rate_limited",
            ErrorCode::ServerError => "server_error",
            ErrorCode::UnexpectedStatus => "unexpected_status",
            ErrorCode::InvalidResponse => "invalid_response",
            ErrorCode::Network => "network",
            ErrorCode::Timeout => "timeout",
            ErrorCode::Aborted => "aborted",
        }
    }
}

impl From<ErrorCode> for &'static str {
    fn from(code: ErrorCode) -> &'static str {
        code.as_str()
    }
}

/// Why an option was rejected before any request was sent. Static text only,
/// so the rejected value can never leak into a message.
pub type Problem = &'static str;

/// Everything that can go wrong in a call, with what the caller needs to react.
#[derive(Debug, Clone, PartialEq)]
pub enum OptInError {
    /// An option failed validation; nothing was sent.
    InvalidInput {
        /// The option's name as JavaScript spells it, e.g. `tenant` or `baseUrl`.
        field: &'static str,
        /// What is wrong with it.
        problem: Problem,
    },
    /// HTTP 400 with the spec's `ErrorMessage` body (empty when the body was not one).
    BadRequest {
        /// The call that was rejected.
        operation: Operation,
        /// The decoded body.
        body: ErrorMessage,
    },
    /// HTTP 401 with the spec's fault body (empty when the body was not one).
    Unauthorized {
        /// The decoded fault.
        fault: Fault,
    },
    /// HTTP 429.
    RateLimited {
        /// Seconds to wait, from the `Retry-After` header when it was present and readable.
        retry_after: Option<u32>,
    },
    /// HTTP 5xx.
    ServerError {
        /// The status code.
        status: u16,
        /// Seconds to wait, from `Retry-After` when present.
        retry_after: Option<u32>,
    },
    /// Any status the API does not document for this call.
    UnexpectedStatus {
        /// The status code.
        status: u16,
        /// The start of the response body, as text, for diagnosis.
        body: String,
    },
    /// A 2xx whose body could not be used.
    InvalidResponse {
        /// The status code.
        status: u16,
        /// What was wrong with the body.
        problem: Problem,
    },
    /// The request never got a complete response.
    Network {
        /// The origin that was contacted, e.g. `https://api.emporix.io`.
        origin: String,
    },
    /// `timeoutMs` elapsed first.
    Timeout {
        /// The call that timed out.
        operation: Operation,
        /// The limit that elapsed.
        timeout_ms: u32,
    },
    /// The caller's `AbortSignal` fired.
    Aborted,
}

impl OptInError {
    /// The message of the JavaScript `Error`: what went wrong and what to do.
    ///
    /// Written piece by piece into a `String`, integers through
    /// `validate::push_decimal`, rather than through `fmt::Display`: a
    /// `Formatter` over a `String` keeps `core::fmt::write` (its `write_fmt`)
    /// in the wasm, and no `write!` with arguments links `core::fmt`'s
    /// argument machinery either (`bench/SIZE.md` has the history).
    pub fn message(&self) -> String {
        let mut out = String::with_capacity(160);
        let text = &mut out;
        match self {
            OptInError::InvalidInput { field, problem } => {
                text.push_str("Invalid option `");
                text.push_str(field);
                text.push_str("`: ");
                text.push_str(problem);
                text.push('.');
            }
            OptInError::BadRequest {
                operation: Operation::ConfirmOptIn,
                body,
            } => {
                text.push_str("Emporix rejected the activation token");
                push_error_type(text, body);
                text.push_str(": the link is invalid, already used or expired. Offer to resend the activation email.");
            }
            OptInError::BadRequest {
                operation: Operation::ResendActivation,
                body,
            } => {
                text.push_str("Emporix rejected the resend request");
                push_error_type(text, body);
                text.push_str(". Check the email address and try again.");
            }
            OptInError::BadRequest {
                operation: Operation::AnonymousLogin,
                body,
            } => {
                text.push_str("Emporix rejected the anonymous login");
                push_error_type(text, body);
                text.push_str(". Check the tenant and the client id.");
            }
            OptInError::Unauthorized { fault } => {
                text.push_str("Emporix rejected the anonymous access token (HTTP 401");
                if let Some(code) = fault.errorcode.as_deref().filter(|c| is_error_code(c)) {
                    text.push_str(": ");
                    text.push_str(code);
                }
                text.push_str("). Request a new anonymous token and try again.");
            }
            OptInError::RateLimited { retry_after } => {
                text.push_str("Emporix is rate-limiting these requests (HTTP 429). ");
                push_retry_hint(text, *retry_after);
            }
            OptInError::ServerError {
                status,
                retry_after,
            } => {
                text.push_str("Emporix had a server error (HTTP ");
                validate::push_decimal(text, u32::from(*status));
                text.push_str("). ");
                push_retry_hint(text, *retry_after);
            }
            OptInError::UnexpectedStatus { status, .. } => {
                text.push_str("Emporix answered with unexpected HTTP status ");
                validate::push_decimal(text, u32::from(*status));
                text.push_str(". Check `baseUrl` points at the Emporix API.");
            }
            OptInError::InvalidResponse { status, problem } => {
                text.push_str("Emporix answered HTTP ");
                validate::push_decimal(text, u32::from(*status));
                text.push_str(" but ");
                text.push_str(problem);
                text.push_str(". Check `baseUrl` points at the Emporix API.");
            }
            OptInError::Network { origin } => {
                text.push_str("Could not reach ");
                text.push_str(origin);
                text.push_str(" (network failure, refused connection or CORS rejection). Check the connection and `baseUrl`, then try again.");
            }
            OptInError::Timeout {
                operation,
                timeout_ms,
            } => {
                text.push_str("No answer from Emporix within ");
                validate::push_decimal(text, *timeout_ms);
                text.push_str(" ms. ");
                text.push_str(match operation {
                    // The token may have been spent by a request whose answer
                    // never came, so a blind retry can only report "already used".
                    Operation::ConfirmOptIn => {
                        "The account may already be activated: let the shopper sign in, or retry once."
                    }
                    Operation::ResendActivation => {
                        "The email may still arrive; wait a minute before resending."
                    }
                    // Only the anonymous token was being fetched: the opt-in
                    // token is unused and no email was requested.
                    Operation::AnonymousLogin => {
                        "Nothing was sent for the shopper yet: try again."
                    }
                });
            }
            OptInError::Aborted => text.push_str("The call was aborted by its `signal`."),
        }
        out
    }
}

/// The [`OptInError::message`], for Rust callers and `std::error::Error`.
impl fmt::Display for OptInError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message())
    }
}

impl std::error::Error for OptInError {}

/// ` (token_expired)`, when the body's `type` is safe to show.
fn push_error_type(text: &mut String, body: &ErrorMessage) {
    if let Some(error_type) = body.error_type.as_deref().filter(|t| is_error_type(t)) {
        text.push_str(" (");
        text.push_str(error_type);
        text.push(')');
    }
}

/// Server-provided `type`s go into messages only when they look like the
/// spec's lowercase identifiers, so no echoed input can ride along.
fn is_error_type(value: &str) -> bool {
    (1..=64).contains(&value.len())
        && validate::all_bytes(value.as_bytes(), |b| b.is_ascii_lowercase() || b == b'_')
}

/// Likewise for the gateway's dotted `errorcode`s, e.g. `oauth.v2.InvalidAccessToken`.
fn is_error_code(value: &str) -> bool {
    value.len() <= 100
        && validate::all_bytes(value.as_bytes(), |b| {
            b.is_ascii_alphanumeric() || b == b'.' || b == b'_'
        })
}

fn push_retry_hint(text: &mut String, retry_after: Option<u32>) {
    match retry_after {
        Some(1) => text.push_str("Try again in 1 second."),
        Some(seconds) => {
            text.push_str("Try again in ");
            validate::push_decimal(text, seconds);
            text.push_str(" seconds.");
        }
        None => text.push_str("Try again later."),
    }
}

/// The properties an `OptInError` carries besides `name`, `message` and `stack`.
///
/// Absent properties are absent (never `null`).
// Borrowed from the error rather than cloned: the fields exist only to be
// serialized, and every text is one `Option<&str>` for the serializer.
#[derive(Debug, Clone, PartialEq, Serialize, Tsify)]
#[serde(rename_all = "camelCase")]
pub struct ErrorFields<'a> {
    /// The kind of error: what to do about it is in the package README.
    pub code: ErrorCode,
    /// The HTTP status, when a response arrived.
    // `u32` like `retry_after`: one serializer instance for both numbers.
    #[serde(skip_serializing_if = "Option::is_none")]
    #[tsify(optional)]
    pub status: Option<u32>,
    /// `invalid_input`: the name of the rejected option.
    #[serde(skip_serializing_if = "Option::is_none")]
    #[tsify(optional)]
    pub field: Option<&'a str>,
    /// `bad_request`: the `type` of Emporix's `ErrorMessage`, e.g. `validation_failure`.
    #[serde(rename = "type", skip_serializing_if = "Option::is_none")]
    #[tsify(optional)]
    pub error_type: Option<&'a str>,
    /// `bad_request`: Emporix's own `message` (may echo the request; do not show it to shoppers).
    #[serde(skip_serializing_if = "Option::is_none")]
    #[tsify(optional)]
    pub server_message: Option<&'a str>,
    /// `bad_request`: the `details` of Emporix's `ErrorMessage`.
    #[serde(skip_serializing_if = "Option::is_none")]
    #[tsify(optional)]
    pub details: Option<&'a [ErrorDetail]>,
    /// `bad_request`: the `moreInfo` of Emporix's `ErrorMessage`.
    #[serde(skip_serializing_if = "Option::is_none")]
    #[tsify(optional)]
    pub more_info: Option<&'a str>,
    /// `unauthorized`: `fault.faultstring` from Emporix's 401 body.
    #[serde(skip_serializing_if = "Option::is_none")]
    #[tsify(optional)]
    pub faultstring: Option<&'a str>,
    /// `unauthorized`: `fault.detail.errorcode` from Emporix's 401 body.
    #[serde(skip_serializing_if = "Option::is_none")]
    #[tsify(optional)]
    pub errorcode: Option<&'a str>,
    /// `rate_limited`, `server_error`: seconds to wait, from the `Retry-After` header.
    #[serde(skip_serializing_if = "Option::is_none")]
    #[tsify(optional)]
    pub retry_after: Option<u32>,
    /// `unexpected_status`: the start of the response body, as text.
    #[serde(skip_serializing_if = "Option::is_none")]
    #[tsify(optional)]
    pub body: Option<&'a str>,
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
    // One match fills `status` along with the variant's own fields (rather
    // than calling `status()`, a second match on the variant in the wasm).
    // Out of line: inlined into `to_js_error` it measured 9 B gzip larger.
    #[inline(never)]
    pub fn fields(&self) -> ErrorFields<'_> {
        let mut fields = ErrorFields {
            code: self.code(),
            status: None,
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
                fields.status = Some(400);
                fields.error_type = body.error_type.as_deref();
                fields.server_message = body.message.as_deref();
                fields.details = body.details.as_deref();
                fields.more_info = body.more_info.as_deref();
            }
            OptInError::Unauthorized { fault } => {
                fields.status = Some(401);
                fields.faultstring = fault.faultstring.as_deref();
                fields.errorcode = fault.errorcode.as_deref();
            }
            OptInError::RateLimited { retry_after } => {
                fields.status = Some(429);
                fields.retry_after = *retry_after;
            }
            OptInError::ServerError {
                status,
                retry_after,
            } => {
                fields.status = Some(u32::from(*status));
                fields.retry_after = *retry_after;
            }
            OptInError::UnexpectedStatus { status, body } => {
                fields.status = Some(u32::from(*status));
                fields.body = Some(body);
            }
            OptInError::InvalidResponse { status, .. } => {
                fields.status = Some(u32::from(*status));
            }
            OptInError::Network { .. } | OptInError::Timeout { .. } | OptInError::Aborted => {}
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
    fn codes_serialize_as_the_typescript_union_names_them() {
        let codes = [
            ErrorCode::InvalidInput,
            ErrorCode::BadRequest,
            ErrorCode::Unauthorized,
            ErrorCode::RateLimited,
            ErrorCode::ServerError,
            ErrorCode::UnexpectedStatus,
            ErrorCode::InvalidResponse,
            ErrorCode::Network,
            ErrorCode::Timeout,
            ErrorCode::Aborted,
        ];
        let union = <ErrorCode as Tsify>::DECL;
        let names: Vec<String> = codes
            .iter()
            .map(|code| serde_json::to_string(code).unwrap())
            .collect();
        let declaration = format!("\nexport type ErrorCode = {};", names.join(" | "));
        assert!(union.ends_with(&declaration), "{union}");
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
            error.fields().server_message,
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
    fn an_anonymous_login_timeout_says_nothing_was_spent() {
        let message = OptInError::Timeout {
            operation: Operation::AnonymousLogin,
            timeout_ms: 5000,
        }
        .to_string();
        assert!(message.contains("5000 ms"), "{message}");
        assert!(message.contains("Nothing was sent"), "{message}");
        assert!(!message.contains("activated"), "{message}");
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

//! Turning an HTTP response into the call's result or its [`OptInError`].

use crate::error::{Operation, OptInError};
use crate::json::Json;
use crate::model::{CustomerToken, ErrorMessage, Fault};
use crate::retry_after;

/// How much of an unexpected body an error keeps, in bytes.
pub const MAX_KEPT_BODY: usize = 1024;

/// A response as the edge read it.
#[derive(Debug, Clone, Copy)]
pub struct RawResponse<'a> {
    /// The HTTP status.
    pub status: u16,
    /// The `Retry-After` header, if present (and readable under CORS).
    pub retry_after: Option<&'a str>,
    /// The body as text.
    pub text: &'a str,
    /// The body parsed as JSON; `None` when it is not JSON (HTML, empty, truncated).
    pub json: Option<&'a Json>,
    /// The current Unix time in seconds, for HTTP-date `Retry-After` values.
    pub now_unix_secs: f64,
}

/// The result of `confirmOptIn`.
pub fn confirm_opt_in(response: &RawResponse) -> Result<CustomerToken, OptInError> {
    if !is_success(response.status) {
        return Err(error(Operation::ConfirmOptIn, response));
    }
    let Some(json) = response.json else {
        return Err(OptInError::InvalidResponse {
            status: response.status,
            problem: "the body is not valid JSON",
        });
    };
    CustomerToken::decode(json).map_err(|problem| OptInError::InvalidResponse {
        status: response.status,
        problem: problem.describe(),
    })
}

/// The result of `resendActivation`: any 2xx is success, whatever its body.
pub fn resend_activation(response: &RawResponse) -> Result<(), OptInError> {
    if is_success(response.status) {
        Ok(())
    } else {
        Err(error(Operation::ResendActivation, response))
    }
}

fn is_success(status: u16) -> bool {
    (200..300).contains(&status)
}

/// The error for a non-2xx response. Bodies are decoded only as far as they
/// go: an HTML or empty body keeps its status and code.
fn error(operation: Operation, response: &RawResponse) -> OptInError {
    let retry_after = response
        .retry_after
        .and_then(|value| retry_after::parse(value, response.now_unix_secs));
    match response.status {
        400 => OptInError::BadRequest {
            operation,
            body: ErrorMessage::decode(response.json),
        },
        401 => OptInError::Unauthorized {
            fault: Fault::decode(response.json),
        },
        429 => OptInError::RateLimited { retry_after },
        500..=599 => OptInError::ServerError {
            status: response.status,
            retry_after,
        },
        status => OptInError::UnexpectedStatus {
            status,
            body: truncate(response.text, MAX_KEPT_BODY).to_owned(),
        },
    }
}

/// The longest prefix of `text` of at most `max` bytes that ends on a
/// character boundary.
pub(crate) fn truncate(text: &str, max: usize) -> &str {
    if text.len() <= max {
        return text;
    }
    let mut end = max;
    while !text.is_char_boundary(end) {
        end -= 1;
    }
    // `get` rather than `&text[..end]`: a slice that might panic links the
    // panic message's Unicode tables into the wasm.
    text.get(..end).unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::error::ErrorCode;

    struct Fixture {
        status: u16,
        retry_after: Option<&'static str>,
        text: String,
        json: Option<Json>,
    }

    fn fixture(status: u16, text: &str) -> Fixture {
        Fixture {
            status,
            retry_after: None,
            text: text.to_owned(),
            json: serde_json::from_str(text).ok(),
        }
    }

    impl Fixture {
        fn retry_after(mut self, value: &'static str) -> Self {
            self.retry_after = Some(value);
            self
        }

        fn raw(&self) -> RawResponse<'_> {
            RawResponse {
                status: self.status,
                retry_after: self.retry_after,
                text: &self.text,
                json: self.json.as_ref(),
                now_unix_secs: 784_111_777.0,
            }
        }

        fn confirm(&self) -> Result<CustomerToken, OptInError> {
            confirm_opt_in(&self.raw())
        }

        fn resend(&self) -> Result<(), OptInError> {
            resend_activation(&self.raw())
        }
    }

    #[test]
    fn success_paths() {
        let token = fixture(200, r#"{"access_token":"at"}"#).confirm().unwrap();
        assert_eq!(token.access_token, "at");
        assert_eq!(fixture(202, "").resend(), Ok(()));
        assert_eq!(fixture(200, "<html>").resend(), Ok(()));
        assert_eq!(fixture(204, "").resend(), Ok(()));
    }

    #[test]
    fn unusable_success_bodies_are_invalid_responses() {
        for (body, problem) in [
            ("", "not valid JSON"),
            (r#"{"access_token": "abc""#, "not valid JSON"),
            ("<html><body>OK</body></html>", "not valid JSON"),
            ("[]", "not a JSON object"),
            (r#"{"refresh_token":"rt"}"#, "no `access_token`"),
        ] {
            let error = fixture(200, body).confirm().unwrap_err();
            assert_eq!(error.code(), ErrorCode::InvalidResponse, "{body}");
            assert_eq!(error.status(), Some(200));
            assert!(error.to_string().contains(problem), "{body}: {error}");
        }
    }

    #[test]
    fn bad_request_keeps_the_error_message() {
        let error = fixture(
            400,
            r#"{"status":400,"type":"token_expired","message":"Token expired","details":[{"field":"token","type":"expired"}]}"#,
        )
        .confirm()
        .unwrap_err();
        let fields = error.fields();
        assert_eq!(fields.code, ErrorCode::BadRequest);
        assert_eq!(fields.status, Some(400));
        assert_eq!(fields.error_type, Some("token_expired"));
        assert_eq!(fields.server_message, Some("Token expired"));
        assert_eq!(fields.details.unwrap()[0].field.as_deref(), Some("token"));

        let bare = fixture(400, "Bad Request").resend().unwrap_err();
        assert_eq!(bare.code(), ErrorCode::BadRequest);
        assert_eq!(bare.fields().details, None);
    }

    #[test]
    fn unauthorized_with_and_without_fault_body() {
        let error = fixture(
            401,
            r#"{"fault":{"faultstring":"Invalid access token","detail":{"errorcode":"oauth.v2.InvalidAccessToken"}}}"#,
        )
        .confirm()
        .unwrap_err();
        let fields = error.fields();
        assert_eq!(fields.code, ErrorCode::Unauthorized);
        assert_eq!(fields.faultstring, Some("Invalid access token"));
        assert_eq!(fields.errorcode, Some("oauth.v2.InvalidAccessToken"));

        let plain = fixture(401, "Unauthorized").confirm().unwrap_err();
        assert_eq!(plain.code(), ErrorCode::Unauthorized);
        assert_eq!(plain.fields().faultstring, None);
    }

    #[test]
    fn rate_limits_read_retry_after_in_both_forms() {
        let seconds = fixture(429, "").retry_after("30").confirm().unwrap_err();
        assert_eq!(
            seconds,
            OptInError::RateLimited {
                retry_after: Some(30)
            }
        );
        let date = fixture(429, "")
            .retry_after("Sun, 06 Nov 1994 08:51:37 GMT")
            .resend()
            .unwrap_err();
        assert_eq!(
            date,
            OptInError::RateLimited {
                retry_after: Some(120)
            }
        );
        let none = fixture(429, "{}").resend().unwrap_err();
        assert_eq!(none, OptInError::RateLimited { retry_after: None });
        let junk = fixture(429, "").retry_after("later").resend().unwrap_err();
        assert_eq!(junk, OptInError::RateLimited { retry_after: None });
    }

    #[test]
    fn server_errors_keep_status_whatever_the_body() {
        for (status, body) in [
            (500, "<html>Oops</html>"),
            (502, ""),
            (503, "{}"),
            (599, "x"),
        ] {
            let error = fixture(status, body).confirm().unwrap_err();
            assert_eq!(error.code(), ErrorCode::ServerError);
            assert_eq!(error.status(), Some(status));
        }
        let busy = fixture(503, "").retry_after("7").resend().unwrap_err();
        assert_eq!(busy.fields().retry_after, Some(7));
    }

    #[test]
    fn anything_else_is_an_unexpected_status_with_its_body() {
        for status in [100, 301, 304, 403, 404, 409, 418, 600] {
            let error = fixture(status, "teapot").confirm().unwrap_err();
            assert_eq!(
                error,
                OptInError::UnexpectedStatus {
                    status,
                    body: "teapot".into()
                }
            );
        }
        let long = "é".repeat(MAX_KEPT_BODY);
        let error = fixture(404, &long).resend().unwrap_err();
        let kept = error.fields().body.unwrap();
        assert!(kept.len() <= MAX_KEPT_BODY && long.starts_with(kept));
    }
}

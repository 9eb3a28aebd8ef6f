//! `OptInError` as a JavaScript value: a real `Error` (stack, `instanceof
//! Error`, readable in `console.error`) whose `name` is `"OptInError"` and whose
//! own properties are the core's [`ErrorFields`].

use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;

use super::value::Properties;
use crate::error::{ErrorCode, ErrorFields, OptInError};
use crate::model::ErrorDetail;

/// The `name` of every error this package rejects with.
pub const ERROR_NAME: &str = "OptInError";

#[wasm_bindgen(typescript_custom_section)]
const OPT_IN_ERROR_TS: &'static str = r#"
/**
 * The error every call rejects with: a real `Error` whose `name` is
 * `"OptInError"`, with `code` telling what went wrong and what to do.
 * Check for it with `isOptInError`, which also works across realms.
 */
export interface OptInError extends Error, ErrorFields {
  name: "OptInError";
}
"#;

/// Builds the JavaScript `Error` for `error`.
pub fn to_js_error(error: &OptInError) -> JsValue {
    let js_error = js_sys::Error::new(&error.to_string());
    js_error.set_name(ERROR_NAME);
    properties(&error.fields()).assign_to(js_error.unchecked_ref());
    js_error.into()
}

/// The JavaScript properties of `fields`, named as `ErrorFields` serializes
/// (and as its TypeScript declaration says).
fn properties(fields: &ErrorFields) -> Properties<'_> {
    let details = fields
        .details
        .as_deref()
        .map(|details| details.iter().map(detail_properties).collect());
    Properties::default()
        .text("code", Some(code_name(fields.code)))
        .integer("status", fields.status)
        .text("field", fields.field)
        .text("type", fields.error_type.as_deref())
        .text("serverMessage", fields.server_message.as_deref())
        .list("details", details)
        .text("moreInfo", fields.more_info.as_deref())
        .text("faultstring", fields.faultstring.as_deref())
        .text("errorcode", fields.errorcode.as_deref())
        .integer("retryAfter", fields.retry_after)
        .text("body", fields.body.as_deref())
}

fn detail_properties(detail: &ErrorDetail) -> Properties<'_> {
    Properties::default()
        .text("field", detail.field.as_deref())
        .text("type", detail.error_type.as_deref())
        .text("message", detail.message.as_deref())
        .text("moreInfo", detail.more_info.as_deref())
}

fn code_name(code: ErrorCode) -> &'static str {
    match code {
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

/// Whether `value` is an error from this package. Checks `name` and `code`
/// rather than a prototype, so errors from another realm (an iframe, a second
/// copy of the package) are recognised too.
#[wasm_bindgen(js_name = isOptInError, unchecked_return_type = "value is OptInError")]
pub fn is_opt_in_error(#[wasm_bindgen(unchecked_param_type = "unknown")] value: &JsValue) -> bool {
    if !value.is_object() {
        return false;
    }
    let property = |name: &str| js_sys::Reflect::get(value, &JsValue::from_str(name)).ok();
    property("name")
        .and_then(|name| name.as_string())
        .as_deref()
        == Some(ERROR_NAME)
        && property("code").is_some_and(|code| code.is_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    const CODES: [ErrorCode; 10] = [
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

    fn fields(code: ErrorCode) -> ErrorFields {
        ErrorFields {
            code,
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
        }
    }

    #[test]
    fn properties_match_the_serde_names_and_leave_out_absent_fields() {
        let full = ErrorFields {
            status: Some(400),
            field: Some("email"),
            error_type: Some("validation_failure".into()),
            server_message: Some("bad".into()),
            details: Some(vec![
                ErrorDetail {
                    field: Some("email".into()),
                    error_type: Some("invalid_value".into()),
                    message: Some("m".into()),
                    more_info: Some("i".into()),
                },
                ErrorDetail::default(),
            ]),
            more_info: Some("docs".into()),
            faultstring: Some("Invalid access token".into()),
            errorcode: Some("oauth.v2.InvalidAccessToken".into()),
            retry_after: Some(30),
            body: Some("<html>".into()),
            ..fields(ErrorCode::BadRequest)
        };
        for fields in [full, fields(ErrorCode::Network)] {
            let expected = serde_json::to_value(&fields).unwrap();
            assert_eq!(properties(&fields).to_json(), expected);
        }
    }

    #[test]
    fn code_names_match_the_serde_names() {
        for code in CODES {
            let expected = serde_json::to_value(code).unwrap();
            assert_eq!(code_name(code), expected, "{code:?}");
        }
    }
}

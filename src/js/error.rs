//! `OptInError` as a JavaScript value: a real `Error` (stack, `instanceof
//! Error`, readable in `console.error`) whose `name` is `"OptInError"` and whose
//! own properties are the core's [`ErrorFields`](crate::error::ErrorFields).

use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;

use super::value;
use crate::error::OptInError;

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

/// Builds the JavaScript `Error` for `error`: its message, `name`, and the
/// properties of [`ErrorFields`](crate::error::ErrorFields) as its serde derive names them (and as its
/// TypeScript declaration says), written with serde-wasm-bindgen.
pub fn to_js_error(error: &OptInError) -> JsValue {
    let js_error = js_sys::Error::new(&error.message());
    js_error.set_name(ERROR_NAME);
    // `to_js` gives `null` if serializing failed, which `Object.assign`
    // skips as a source: the error then keeps its message, name and stack.
    let fields = value::to_js(&error.fields());
    let object: &js_sys::Object = js_error.unchecked_ref();
    js_sys::Object::assign(object, fields.unchecked_ref::<js_sys::Object>());
    js_error.into()
}

/// Whether `value` is an error from this package. Checks `name` and `code`
/// rather than a prototype, so errors from another realm (an iframe, a second
/// copy of the package) are recognised too.
#[wasm_bindgen(js_name = isOptInError, unchecked_return_type = "value is OptInError")]
pub fn is_opt_in_error(#[wasm_bindgen(unchecked_param_type = "unknown")] value: &JsValue) -> bool {
    if !value.is_object() {
        return false;
    }
    // A throwing getter reads as `undefined`. The name is compared in
    // JavaScript (`===`), without copying it into a Rust `String`.
    let property =
        |name: &str| js_sys::Reflect::get(value, &JsValue::from_str(name)).unwrap_or_default();
    property("name") == ERROR_NAME && property("code").is_string()
}

#[cfg(all(test, target_arch = "wasm32"))]
mod tests {
    use wasm_bindgen_test::wasm_bindgen_test;

    use super::*;
    use crate::error::Operation;
    use crate::model::{ErrorDetail, ErrorMessage, Fault};

    /// The enumerable own properties: `message` and `stack` are not.
    fn own_properties(value: &JsValue) -> String {
        js_sys::JSON::stringify(value).unwrap().into()
    }

    /// The error's own properties are what the serde derive (the declared
    /// type) says, in order, absent fields left out.
    #[wasm_bindgen_test]
    fn error_properties_match_the_serde_derive() {
        let bad_request = OptInError::BadRequest {
            operation: Operation::ResendActivation,
            body: ErrorMessage {
                error_type: Some("validation_failure".into()),
                message: Some("bad".into()),
                more_info: Some("docs".into()),
                details: Some(vec![
                    ErrorDetail {
                        field: Some("email".into()),
                        error_type: Some("invalid_value".into()),
                        message: Some("m".into()),
                        more_info: Some("i".into()),
                    },
                    ErrorDetail::default(),
                ]),
            },
        };
        let unauthorized = OptInError::Unauthorized {
            fault: Fault {
                faultstring: Some("Invalid access token".into()),
                errorcode: Some("oauth.v2.InvalidAccessToken".into()),
            },
        };
        for error in [
            bad_request,
            unauthorized,
            OptInError::RateLimited {
                retry_after: Some(30),
            },
            OptInError::UnexpectedStatus {
                status: 418,
                body: "<html>".into(),
            },
            OptInError::invalid("tenant", "is required"),
            OptInError::Network {
                origin: "https://api.emporix.io".into(),
            },
            OptInError::Aborted,
        ] {
            let js_error = to_js_error(&error);
            let fields = serde_json::to_string(&error.fields()).unwrap();
            let expected = format!(r#"{{"name":"OptInError",{}"#, &fields[1..]);
            assert_eq!(own_properties(&js_error), expected);
            let js_error: &js_sys::Error = js_error.unchecked_ref();
            assert_eq!(String::from(js_error.name()), ERROR_NAME);
            assert_eq!(String::from(js_error.message()), error.to_string());
            assert!(is_opt_in_error(js_error));
        }
    }
}

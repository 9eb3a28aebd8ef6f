//! `OptInError` as a JavaScript value: a real `Error` (stack, `instanceof
//! Error`, readable in `console.error`) whose `name` is `"OptInError"` and whose
//! own properties are the core's [`ErrorFields`].

use serde::Serialize;
use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;

use crate::error::{ErrorFields, OptInError};

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
    // Serializing these plain fields cannot fail; should it ever, the error
    // still carries name and message rather than turning into another failure.
    if let Ok(fields) = fields_to_js(&error.fields()) {
        js_sys::Object::assign(js_error.unchecked_ref(), &fields);
    }
    js_error.into()
}

fn fields_to_js(fields: &ErrorFields) -> Result<js_sys::Object, serde_wasm_bindgen::Error> {
    Ok(fields
        .serialize(&serde_wasm_bindgen::Serializer::json_compatible())?
        .unchecked_into())
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

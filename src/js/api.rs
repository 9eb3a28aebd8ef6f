//! The exported functions: the simple path, one call with the anonymous token
//! the caller passes. They run on the same machinery as `OptInClient`, so
//! concurrent `confirmOptIn` calls for one token share one request too.

use js_sys::Promise;
use tsify::Ts;
use wasm_bindgen::prelude::*;

use super::driver;
use super::options::{function_layout, ConfirmOptInOptions, Options, ResendActivationOptions};
use super::value;
use crate::engine::Caller;
use crate::model::CustomerToken;

/// Confirms the opt-in token from the activation link: Emporix activates the
/// account and answers with the new customer's tokens. Concurrent calls for
/// the same token share one request.
///
/// Rejects with an `OptInError`; `bad_request` means the link is invalid,
/// already used or expired (offer `resendActivation`).
#[wasm_bindgen(js_name = confirmOptIn, unchecked_return_type = "Promise<CustomerToken>")]
pub fn confirm_opt_in(options: Ts<ConfirmOptInOptions>) -> Promise {
    call(&options.js_value(), false)
}

/// Asks Emporix to email a new activation link to `email`. Resolves (to
/// `undefined`) on any 2xx; the previous link stops working.
#[wasm_bindgen(js_name = resendActivation, unchecked_return_type = "Promise<void>")]
pub fn resend_activation(options: Ts<ResendActivationOptions>) -> Promise {
    call(&options.js_value(), true)
}

/// One call with the caller's own anonymous token: its options, and the
/// call's own string (`token` or `email`), in one options object.
fn call(options: &JsValue, resend: bool) -> Promise {
    let given = options;
    let mut options = Options::new();
    if let Err(error) = options.read(given, "options", function_layout(resend)) {
        return driver::rejected(error);
    }
    // The required options are set whenever `read` succeeds.
    let caller = Caller::Token {
        tenant: options.tenant.as_deref().unwrap_or_default(),
        base_url: options.base_url.as_deref(),
        anonymous_token: options.anonymous_token.as_deref().unwrap_or_default(),
    };
    driver::call(
        caller,
        options.argument.as_deref().unwrap_or_default(),
        resend,
        options.timeout_ms,
        options.signal.take(),
    )
}

/// The plain object `confirmOptIn` resolves with: the spec's snake_case names,
/// absent fields left out.
pub(crate) fn customer_token_to_js(token: &CustomerToken) -> JsValue {
    value::to_js(token)
}

#[cfg(all(test, target_arch = "wasm32"))]
mod tests {
    use wasm_bindgen_test::wasm_bindgen_test;

    use super::*;

    /// The object has what the serde derive (the declared type) says, in order.
    #[wasm_bindgen_test]
    fn customer_tokens_convert_as_their_serde_derive_says() {
        let full = CustomerToken {
            access_token: "at".into(),
            expires_in: Some(14_399),
            refresh_token: Some("rt".into()),
            refresh_token_expires_in: Some(2_591_999),
            token_type: Some("Bearer".into()),
            session_id: Some("sid".into()),
            saas_token: Some("st".into()),
            initial_password: Some(false),
        };
        let minimal = CustomerToken {
            access_token: "at".into(),
            expires_in: None,
            refresh_token: None,
            refresh_token_expires_in: None,
            token_type: None,
            session_id: None,
            saas_token: None,
            initial_password: Some(true),
        };
        for token in [full, minimal] {
            let converted = js_sys::JSON::stringify(&customer_token_to_js(&token)).unwrap();
            assert_eq!(
                String::from(converted),
                serde_json::to_string(&token).unwrap()
            );
        }
    }
}

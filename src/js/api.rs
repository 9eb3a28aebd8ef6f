//! The exported functions: the simple path, one call with the anonymous token
//! the caller passes. They run on the same machinery as `OptInClient`, so
//! concurrent `confirmOptIn` calls for one token share one request too.

use std::rc::Rc;

use tsify::Ts;
use wasm_bindgen::prelude::*;

use super::client::{CallOptions, Client};
use super::dedupe::Failure;
use super::options::{ClientOptions, ConfirmOptInOptions, ResendActivationOptions};
use super::value;
use crate::error::OptInError;
use crate::model::CustomerToken;
use crate::request::Target;
use crate::validate;

/// Confirms the opt-in token from the activation link: Emporix activates the
/// account and answers with the new customer's tokens. Concurrent calls for
/// the same token share one request.
///
/// Rejects with an `OptInError`; `bad_request` means the link is invalid,
/// already used or expired (offer `resendActivation`).
#[wasm_bindgen(js_name = confirmOptIn)]
pub async fn confirm_opt_in(
    options: Ts<ConfirmOptInOptions>,
) -> Result<Ts<CustomerToken>, JsValue> {
    confirm(&options.js_value()).await.map_err(Failure::into_js)
}

/// Asks Emporix to email a new activation link to `email`. Resolves (to
/// `undefined`) on any 2xx; the previous link stops working.
#[wasm_bindgen(js_name = resendActivation)]
pub async fn resend_activation(options: Ts<ResendActivationOptions>) -> Result<(), JsValue> {
    resend(&options.js_value()).await.map_err(Failure::into_js)
}

async fn confirm(options: &JsValue) -> Result<Ts<CustomerToken>, Failure> {
    let options = ConfirmOptInOptions::read(options)?;
    let (client, call) = one_call(options.client)?;
    let token = Rc::new(client).confirm(&options.token, call).await?;
    Ok(Ts::new_unchecked(customer_token_to_js(&token)))
}

async fn resend(options: &JsValue) -> Result<(), Failure> {
    let options = ResendActivationOptions::read(options)?;
    let (client, call) = one_call(options.client)?;
    client.resend(&options.email, call).await
}

/// A client for one call with the caller's token, and that call's options.
fn one_call(options: ClientOptions) -> Result<(Client, CallOptions), OptInError> {
    let target = Target::new(&options.tenant, options.base_url.as_deref())?;
    let timeout_ms = validate::timeout_ms(options.timeout_ms)?;
    let client = Client::supplied(target, timeout_ms, options.anonymous_token);
    let call = CallOptions {
        signal: options.signal,
        timeout_ms: None,
    };
    Ok((client, call))
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

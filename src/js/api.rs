//! The exported functions.

use serde::Serialize;
use tsify::Ts;
use wasm_bindgen::prelude::*;

use super::error::to_js_error;
use super::fetch::{self, Limits};
use super::options::{ClientOptions, ConfirmOptInOptions, ResendActivationOptions};
use crate::error::OptInError;
use crate::model::CustomerToken;
use crate::request::{ApiRequest, Target};
use crate::{response, validate};

/// Confirms the opt-in token from the activation link: Emporix activates the
/// account and answers with the new customer's tokens.
///
/// Rejects with an `OptInError`; `bad_request` means the link is invalid,
/// already used or expired (offer `resendActivation`).
#[wasm_bindgen(js_name = confirmOptIn)]
pub async fn confirm_opt_in(
    options: Ts<ConfirmOptInOptions>,
) -> Result<Ts<CustomerToken>, JsValue> {
    confirm(&options.js_value())
        .await
        .map_err(|error| to_js_error(&error))
}

/// Asks Emporix to email a new activation link to `email`. Resolves (to
/// `undefined`) on any 2xx; the previous link stops working.
#[wasm_bindgen(js_name = resendActivation)]
pub async fn resend_activation(options: Ts<ResendActivationOptions>) -> Result<(), JsValue> {
    resend(&options.js_value())
        .await
        .map_err(|error| to_js_error(&error))
}

async fn confirm(options: &JsValue) -> Result<Ts<CustomerToken>, OptInError> {
    let options = ConfirmOptInOptions::read(options)?;
    let request = target(&options.client)?.confirm_opt_in(&options.token)?;
    let exchange = send(&request, &options.client).await?;
    let token = response::confirm_opt_in(&exchange.raw())?;
    let value = token
        .serialize(&serde_wasm_bindgen::Serializer::json_compatible())
        .map_err(|_| OptInError::InvalidResponse {
            status: exchange.raw().status,
            problem: "its tokens could not be converted",
        })?;
    Ok(Ts::new_unchecked(value))
}

async fn resend(options: &JsValue) -> Result<(), OptInError> {
    let options = ResendActivationOptions::read(options)?;
    let request = target(&options.client)?.resend_activation(&options.email)?;
    let exchange = send(&request, &options.client).await?;
    response::resend_activation(&exchange.raw())
}

fn target(client: &ClientOptions) -> Result<Target, OptInError> {
    Target::new(&client.tenant, client.base_url.as_deref())
}

async fn send(request: &ApiRequest, client: &ClientOptions) -> Result<fetch::Exchange, OptInError> {
    let limits = Limits {
        timeout_ms: validate::timeout_ms(client.timeout_ms)?,
        signal: client.signal.as_ref(),
    };
    fetch::send(request, &client.anonymous_token, limits).await
}

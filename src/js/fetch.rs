//! Performing an [`ApiRequest`] with the global `fetch`.
//!
//! `fetch` is called directly with a plain init object rather than through
//! gloo-net: its builder, the `http` crate's `Method` and `URL`-based query
//! handling cost the wasm binary more than this whole module (see
//! `bench/SIZE.md`).
//!
//! I/O only: deadlines and the callers' signals are the core's business
//! ([`crate::engine`]). The driver hands in the signal of its own
//! `AbortController` for this request and aborts it when the core cancels
//! the request; the caller's signal is never handed to `fetch` itself (it
//! may be aborted with any reason, a string say, which `fetch` would reject
//! with verbatim).

use js_sys::{JsString, Object, Promise};
use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;
use wasm_bindgen_futures::JsFuture;
use web_sys::{AbortSignal, Response};

use super::value::{self, Properties};
use crate::error::OptInError;
use crate::json::Json;
use crate::request::{ApiRequest, Method};
use crate::response::{RawResponse, MAX_KEPT_BODY};

#[wasm_bindgen]
extern "C" {
    // The global `fetch` of windows, workers and Node. `catch`: where it is
    // missing, calling it throws instead of returning a promise.
    #[wasm_bindgen(js_name = fetch, catch)]
    fn fetch(url: &str, init: &Object) -> Result<Promise, JsValue>;
}

/// A response, read to the end.
pub(crate) struct Exchange {
    status: u16,
    retry_after: Option<String>,
    text: String,
    json: Option<Json>,
}

impl Exchange {
    /// The response as the core reads it.
    pub(crate) fn raw(&self) -> RawResponse<'_> {
        RawResponse {
            status: self.status,
            retry_after: self.retry_after.as_deref(),
            text: &self.text,
            json: self.json.as_ref(),
            now_unix_secs: js_sys::Date::now() / 1000.0,
        }
    }
}

/// Sends `request` — with `Authorization: Bearer {bearer}` when a bearer is
/// given (the anonymous login and refresh carry none) — and reads the whole
/// response. `Err` (a network error) when no complete response came, also
/// when `signal` aborted it.
pub(crate) async fn send(
    request: &ApiRequest,
    bearer: Option<&str>,
    signal: &AbortSignal,
) -> Result<Exchange, OptInError> {
    let network = || OptInError::Network {
        origin: request.origin.clone(),
    };
    let init = init(request, bearer, signal);
    let response: Response = JsFuture::from(fetch(&request.url, &init).map_err(|_| network())?)
        .await
        .map_err(|_| network())?
        .unchecked_into();

    let status = response.status();
    // Readable only when the server exposes it to CORS; otherwise absent.
    let retry_after = response.headers().get("retry-after").ok().flatten();
    let text: JsString = match response.text() {
        Ok(promise) => JsFuture::from(promise)
            .await
            .map_err(|_| network())?
            .unchecked_into(),
        Err(_) => return Err(network()),
    };
    let json = if text.length() == 0 {
        None
    } else {
        value::parse_json(&text).await
    };
    let kept: String = text.slice(0, MAX_KEPT_BODY as u32).into();
    Ok(Exchange {
        status,
        retry_after,
        text: kept,
        json,
    })
}

/// The `fetch` options for `request`.
fn init(request: &ApiRequest, bearer: Option<&str>, signal: &AbortSignal) -> Object {
    let authorization = bearer.map(|bearer| ["Bearer ", bearer].concat());
    let headers = Properties::default()
        .text("Accept", "application/json")
        .text("Authorization", authorization.as_deref())
        .text(
            "Content-Type",
            request.body.as_ref().map(|_| "application/json"),
        );
    let method = match request.method {
        Method::Get => "GET",
        Method::Post => "POST",
    };
    let init = Properties::default()
        .text("method", method)
        .object("headers", headers)
        .text("body", request.body.as_deref())
        // The bearer token must reach only the configured origin: never follow redirects.
        .text("redirect", "error")
        // A spent single-use token must never be answered from a cache.
        .text("cache", "no-store")
        .text("credentials", "omit")
        // The landing page's URL may still hold the opt-in token.
        .text("referrerPolicy", "no-referrer")
        .to_object();
    value::set(&init, "signal", signal);
    init
}

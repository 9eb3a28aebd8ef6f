//! Performing an [`ApiRequest`] with the global `fetch`, under a deadline and
//! the caller's `AbortSignal`.
//!
//! `fetch` is called directly with a plain init object rather than through
//! gloo-net: its builder, the `http` crate's `Method` and `URL`-based query
//! handling cost the wasm binary more than this whole module (see
//! `bench/SIZE.md`).
//!
//! The caller's signal is never handed to `fetch` itself: it may be aborted
//! with any reason (a string, say), which `fetch` would reject with verbatim.
//! Instead one internal `AbortController` is aborted by a [`Watch`] on
//! whichever comes first, the deadline or the caller, which also records
//! which it was.

use js_sys::{JsString, Object, Promise};
use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;
use wasm_bindgen_futures::JsFuture;
use web_sys::{AbortController, AbortSignal, Response};

use super::value::{self, Properties};
use super::watch::{Ended, Watch};
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

/// How a call is bounded.
pub(crate) struct Limits<'a> {
    pub timeout_ms: u32,
    pub signal: Option<&'a AbortSignal>,
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
/// response.
pub(crate) async fn send(
    request: &ApiRequest,
    bearer: Option<&str>,
    limits: Limits<'_>,
) -> Result<Exchange, OptInError> {
    let timeout = || OptInError::Timeout {
        operation: request.operation,
        timeout_ms: limits.timeout_ms,
    };
    if limits.signal.is_some_and(AbortSignal::aborted) {
        return Err(OptInError::Aborted);
    }
    let network = || OptInError::Network {
        origin: request.origin.clone(),
    };
    let controller = AbortController::new().map_err(|_| network())?;
    let watch = Watch::new(limits.signal, limits.timeout_ms, Some(controller.clone()));
    let interrupted = |fallback: OptInError| match watch.fired() {
        Some(Ended::TimedOut) => timeout(),
        Some(Ended::Aborted) => OptInError::Aborted,
        None => fallback,
    };

    let init = init(request, bearer, &controller.signal());
    let response: Response = JsFuture::from(fetch(&request.url, &init).map_err(|_| network())?)
        .await
        .map_err(|_| interrupted(network()))?
        .unchecked_into();

    let status = response.status();
    // Readable only when the server exposes it to CORS; otherwise absent.
    let retry_after = response.headers().get("retry-after").ok().flatten();
    let text: JsString = match response.text() {
        Ok(promise) => JsFuture::from(promise)
            .await
            .map_err(|_| interrupted(network()))?
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

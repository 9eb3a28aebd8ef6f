//! The one place that does I/O: an [`ApiRequest`] performed with the global
//! `fetch`, as a `Request` built by gloo-net's [`RequestBuilder`].
//!
//! [`send`] is I/O only: a request, an optional bearer token and the signal of
//! the driver's `AbortController` for this request in; the whole response, or
//! [`Transport`] when none arrived, out. What a response means, and deadlines
//! and the callers' signals, are the core's business ([`crate::engine`]). The
//! caller's signal is never handed to `fetch` itself: it may be aborted with
//! any reason (a string, say), which `fetch` would reject with verbatim.
//!
//! Only the builder is gloo-net's: `Request::send` treats a rejection that is
//! not an `Error` as `unreachable!` and a resolved value that is not a
//! `Response` as a panic, and a page (or a test) may replace `fetch` with one
//! that does either. So `fetch` is called here through a `catch` binding and
//! its outcome read as plain values.

use gloo_net::http::{Method as HttpMethod, RequestBuilder};
use js_sys::{JsString, Promise};
use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;
use wasm_bindgen_futures::JsFuture;
use web_sys::{
    AbortSignal, ReferrerPolicy, Request, RequestCache, RequestCredentials, RequestRedirect,
    Response,
};

use super::value;
use crate::json::Json;
use crate::request::{ApiRequest, Method};
use crate::response::{RawResponse, MAX_KEPT_BODY};

#[wasm_bindgen]
extern "C" {
    // The global `fetch` of windows, workers and Node. `catch`: where it is
    // missing, calling it throws instead of returning a promise.
    #[wasm_bindgen(js_name = fetch, catch)]
    fn fetch(request: &Request) -> Result<Promise, JsValue>;
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

/// No complete response: `fetch` is missing or rejected (network, CORS, a
/// refused redirect, the signal), or the body could not be read.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Transport;

/// Performs `request` — with `Authorization: Bearer {bearer}` when a bearer is
/// given (the anonymous login and refresh carry none) — under `signal`, and
/// reads the whole response.
pub(crate) async fn send(
    request: &ApiRequest,
    bearer: Option<&str>,
    signal: &AbortSignal,
) -> Result<Exchange, Transport> {
    let request = build(request, bearer, signal)?;
    let response: Response = JsFuture::from(fetch(&request).map_err(|_| Transport)?)
        .await
        .map_err(|_| Transport)?
        .unchecked_into();

    let status = response.status();
    // Readable only when the server exposes it to CORS; otherwise absent.
    let retry_after = response.headers().get("retry-after").ok().flatten();
    let text: JsString = JsFuture::from(response.text().map_err(|_| Transport)?)
        .await
        .map_err(|_| Transport)?
        .unchecked_into();
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

/// The `Request` for `request`, built with gloo-net.
fn build(
    request: &ApiRequest,
    bearer: Option<&str>,
    signal: &AbortSignal,
) -> Result<Request, Transport> {
    let method = match request.method {
        Method::Get => HttpMethod::GET,
        Method::Post => HttpMethod::POST,
    };
    let mut builder = RequestBuilder::new(&request.url)
        .method(method)
        .header("Accept", "application/json")
        // The bearer token must reach only the configured origin: never follow redirects.
        .redirect(RequestRedirect::Error)
        // A spent single-use token must never be answered from a cache.
        .cache(RequestCache::NoStore)
        .credentials(RequestCredentials::Omit)
        // The landing page's URL may still hold the opt-in token.
        .referrer_policy(ReferrerPolicy::NoReferrer)
        .abort_signal(Some(signal));
    if let Some(bearer) = bearer {
        // Pushed rather than `concat`ed: `concat` links a generic join (~900 bytes).
        let mut authorization = String::with_capacity(7 + bearer.len());
        authorization.push_str("Bearer ");
        authorization.push_str(bearer);
        builder = builder.header("Authorization", &authorization);
    }
    let built = match &request.body {
        Some(body) => builder
            .header("Content-Type", "application/json")
            .body(body.as_str()),
        None => builder.build(),
    };
    // The URL and headers were validated, so building does not fail in
    // practice; if it did, no request went out.
    built.map(Request::from).map_err(|_| Transport)
}

//! The one place that sends: an [`ApiRequest`] as a `Request` built by
//! gloo-net's [`RequestBuilder`], handed to the global `fetch`.
//!
//! I/O only: a request, an optional bearer token and the signal of the
//! driver's `AbortController` for this request in; the promise of the
//! response, or [`Transport`] when nothing went out, out. The driver reads
//! the response; what it means, deadlines and the callers' signals are the
//! core's business ([`crate::engine`]). The caller's signal is never handed
//! to `fetch` itself: it may be aborted with any reason (a string, say),
//! which `fetch` would reject with verbatim.
//!
//! Only the builder is gloo-net's: `Request::send` treats a rejection that is
//! not an `Error` as `unreachable!` and a resolved value that is not a
//! `Response` as a panic, and a page (or a test) may replace `fetch` with one
//! that does either. So `fetch` is called here through a `catch` binding and
//! its outcome read as plain values.
//!
//! gloo-net's builder is the design card's, and costs per request: a
//! `Request` from the URL alone (to resolve it), a `URL` parse to merge the
//! query, then the `Request` that is sent, from the init. Measured in
//! headless Chromium on the shared 2-core box (loaded): 32.1 µs per build
//! against 13.2 µs for one `new Request(url, init)` with the same init, and
//! with `fetch` stubbed (`make bench`'s client-side cost) the hand-written
//! baseline builds no `Request` at all.

use gloo_net::http::{Method as HttpMethod, RequestBuilder};
use js_sys::Promise;
use wasm_bindgen::prelude::*;
use web_sys::{
    AbortSignal, ReferrerPolicy, Request, RequestCache, RequestCredentials, RequestRedirect,
};

use crate::request::{ApiRequest, Method};

#[wasm_bindgen]
extern "C" {
    // The global `fetch` of windows, workers and Node. `catch`: where it is
    // missing, calling it throws instead of returning a promise.
    #[wasm_bindgen(js_name = fetch, catch)]
    fn fetch(request: &Request) -> Result<Promise, JsValue>;
}

/// No request went out: `fetch` is missing, or the request could not be built.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Transport;

/// `fetch(request)`: the promise of its `Response`.
pub(crate) fn send(request: &Request) -> Result<Promise, Transport> {
    fetch(request).map_err(|_| Transport)
}

/// The `Request` for `request` — with `Authorization: Bearer {bearer}` when a
/// bearer is given (the anonymous login and refresh carry none) — under
/// `signal`, built with gloo-net.
pub(crate) fn build(
    request: &ApiRequest,
    bearer: Option<&str>,
    signal: &AbortSignal,
) -> Result<Request, Transport> {
    let mut builder = RequestBuilder::new(&request.url)
        .header("Accept", "application/json")
        // The bearer token must reach only the configured origin: never follow redirects.
        .redirect(RequestRedirect::Error)
        // A spent single-use token must never be answered from a cache.
        .cache(RequestCache::NoStore)
        .credentials(RequestCredentials::Omit)
        // The landing page's URL may still hold the opt-in token.
        .referrer_policy(ReferrerPolicy::NoReferrer)
        .abort_signal(Some(signal));
    // `GET` is the default (measured: setting only `POST` is 13 B gzip
    // smaller than choosing between the two).
    if request.method == Method::Post {
        builder = builder.method(HttpMethod::POST);
    }
    if let Some(bearer) = bearer {
        // Pushed rather than `concat`ed: `concat` links a generic join (~900 bytes).
        let mut authorization = String::with_capacity(7 + bearer.len());
        authorization.push_str("Bearer ");
        authorization.push_str(bearer);
        builder = builder.header("Authorization", &authorization);
    }
    // One way to build for both: a `body` of `undefined` is no body (as if
    // left out of the `RequestInit`), and the `GET`s have none.
    let body = match &request.body {
        Some(body) => {
            builder = builder.header("Content-Type", "application/json");
            JsValue::from_str(body)
        }
        None => JsValue::UNDEFINED,
    };
    let built = builder.body(body);
    // The URL and headers were validated, so building does not fail in
    // practice; if it did, no request went out.
    built.map(Request::from).map_err(|_| Transport)
}

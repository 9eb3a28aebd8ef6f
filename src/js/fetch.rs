//! Performing an [`ApiRequest`] with the global `fetch` (through gloo-net),
//! under a deadline and the caller's `AbortSignal`.
//!
//! The caller's signal is never handed to `fetch` itself: it may be aborted
//! with any reason (a string, say), which `fetch` would reject with verbatim.
//! Instead one internal `AbortController` is aborted by whichever comes first,
//! the deadline or the caller, and a shared cell records which it was.

use std::cell::Cell;
use std::rc::Rc;

use gloo_net::http::{Request, RequestBuilder};
use js_sys::JsString;
use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;
use wasm_bindgen_futures::JsFuture;
use web_sys::{
    AbortController, AbortSignal, ReferrerPolicy, RequestCache, RequestCredentials, RequestRedirect,
};

use super::value;
use crate::error::OptInError;
use crate::json::Json;
use crate::request::{ApiRequest, Method};
use crate::response::{RawResponse, MAX_KEPT_BODY};

#[wasm_bindgen]
extern "C" {
    // Global timer functions exist in windows, workers and Node alike; Node's
    // handles are objects, hence `JsValue`.
    #[wasm_bindgen(js_name = setTimeout)]
    fn set_timeout(handler: &js_sys::Function, timeout_ms: u32) -> JsValue;
    #[wasm_bindgen(js_name = clearTimeout)]
    fn clear_timeout(handle: &JsValue);
    // Parses without copying the body into wasm memory.
    #[wasm_bindgen(js_namespace = JSON, js_name = parse, catch)]
    fn parse_json(text: &JsString) -> Result<JsValue, JsValue>;
}

/// How a call is bounded.
pub(crate) struct Limits<'a> {
    pub timeout_ms: u32,
    pub signal: Option<&'a AbortSignal>,
}

/// What ended a call early.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Interruption {
    Timeout,
    Aborted,
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

/// Sends `request` with `Authorization: Bearer {bearer}` and reads the whole response.
pub(crate) async fn send(
    request: &ApiRequest,
    bearer: &str,
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
    let interruption = Rc::new(Cell::new(None));
    let _deadline = Deadline::start(limits.timeout_ms, &controller, &interruption);
    let _link = limits
        .signal
        .map(|signal| CallerAbort::link(signal, &controller, &interruption));
    let interrupted = |fallback: OptInError| match interruption.get() {
        Some(Interruption::Timeout) => timeout(),
        Some(Interruption::Aborted) => OptInError::Aborted,
        None => fallback,
    };

    let signal = controller.signal();
    let fetch_request = build(request, bearer, &signal).map_err(|_| network())?;
    let response = fetch_request
        .send()
        .await
        .map_err(|_| interrupted(network()))?;

    let status = response.status();
    let retry_after = response.headers().get("retry-after");
    let raw = web_sys::Response::from(response);
    let text: JsString = match raw.text() {
        Ok(promise) => JsFuture::from(promise)
            .await
            .map_err(|_| interrupted(network()))?
            .unchecked_into(),
        Err(_) => return Err(network()),
    };
    let json = if text.length() == 0 {
        None
    } else {
        parse_json(&text).ok().and_then(|value| value::json(&value))
    };
    let kept: String = text.slice(0, MAX_KEPT_BODY as u32).into();
    Ok(Exchange {
        status,
        retry_after,
        text: kept,
        json,
    })
}

fn build(
    request: &ApiRequest,
    bearer: &str,
    signal: &AbortSignal,
) -> Result<Request, gloo_net::Error> {
    let builder = match request.method {
        Method::Get => RequestBuilder::new(&request.url).method(gloo_net::http::Method::GET),
        Method::Post => RequestBuilder::new(&request.url).method(gloo_net::http::Method::POST),
    }
    .header("Accept", "application/json")
    .header("Authorization", &format!("Bearer {bearer}"))
    // The bearer token must reach only the configured origin: never follow redirects.
    .redirect(RequestRedirect::Error)
    // A spent single-use token must never be answered from a cache.
    .cache(RequestCache::NoStore)
    .credentials(RequestCredentials::Omit)
    // The landing page's URL may still hold the opt-in token.
    .referrer_policy(ReferrerPolicy::NoReferrer)
    .abort_signal(Some(signal));
    match &request.body {
        Some(body) => builder
            .header("Content-Type", "application/json")
            .body(body.as_str()),
        None => builder.build(),
    }
}

/// Aborts the call when `timeout_ms` elapses; cancelled when dropped, so no
/// timer or closure outlives the call.
struct Deadline {
    handle: JsValue,
    _on_timeout: Closure<dyn FnMut()>,
}

impl Deadline {
    fn start(
        timeout_ms: u32,
        controller: &AbortController,
        interruption: &Rc<Cell<Option<Interruption>>>,
    ) -> Deadline {
        let controller = controller.clone();
        let interruption = interruption.clone();
        let on_timeout = Closure::<dyn FnMut()>::new(move || {
            if interruption.get().is_none() {
                interruption.set(Some(Interruption::Timeout));
            }
            controller.abort();
        });
        let handle = set_timeout(on_timeout.as_ref().unchecked_ref(), timeout_ms);
        Deadline {
            handle,
            _on_timeout: on_timeout,
        }
    }
}

impl Drop for Deadline {
    fn drop(&mut self) {
        clear_timeout(&self.handle);
    }
}

/// Forwards the caller's abort to the internal controller; the listener is
/// removed when dropped.
struct CallerAbort {
    signal: AbortSignal,
    on_abort: Closure<dyn FnMut()>,
}

impl CallerAbort {
    fn link(
        signal: &AbortSignal,
        controller: &AbortController,
        interruption: &Rc<Cell<Option<Interruption>>>,
    ) -> CallerAbort {
        let controller = controller.clone();
        let interruption = interruption.clone();
        let on_abort = Closure::<dyn FnMut()>::new(move || {
            if interruption.get().is_none() {
                interruption.set(Some(Interruption::Aborted));
            }
            controller.abort();
        });
        // Adding a listener can only fail for a non-EventTarget, which the
        // options reader has already ruled out; the call then runs unlinked.
        let _ = signal.add_event_listener_with_callback("abort", on_abort.as_ref().unchecked_ref());
        CallerAbort {
            signal: signal.clone(),
            on_abort,
        }
    }
}

impl Drop for CallerAbort {
    fn drop(&mut self) {
        let _ = self
            .signal
            .remove_event_listener_with_callback("abort", self.on_abort.as_ref().unchecked_ref());
    }
}

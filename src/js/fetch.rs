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
//! Instead one internal `AbortController` is aborted by whichever comes first,
//! the deadline or the caller, and a shared cell records which it was.

use std::cell::Cell;
use std::rc::Rc;

use js_sys::{JsString, Object, Promise};
use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;
use wasm_bindgen_futures::JsFuture;
use web_sys::{AbortController, AbortSignal, Response};

use super::value::{self, Properties};
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

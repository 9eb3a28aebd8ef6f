//! The driver: performs what the core's [`Hub`] asks for — fetches, the
//! token provider, one timer, the callers' signals and promises — and
//! decides nothing.
//!
//! One `Hub` serves the whole module (so top-level functions and every
//! `OptInClient` share confirmations), with the I/O handles behind its ids
//! beside it in one thread-local [`Driver`]. After every input (a call, a
//! response, the timer, an abort) the driver runs [`pump`]: it reports
//! aborted signals and the clock to the hub, performs every output, and arms
//! its one timer for the hub's next deadline (a timer that fires early is a
//! no-op for the hub, and is armed again). Each caller gets a promise of its
//! own, settled by the hub's `Settle` (which may name several callers: one
//! result, a JavaScript value built for each), so it can reject alone; the only thing
//! callers share is the fetch the hub shares.
//!
//! No futures and no executor: every asynchronous step is a JavaScript
//! promise whose reactions are the module's one [`Closure`],
//! [`on_event`], bound (`Function.prototype.bind`) to a number that names
//! the step and the hub's `SendId`; the callers' promises are made with it
//! too, as their executor. So a call makes no Rust closure, each
//! step of a fetch (the response, its text, the text parsed as JSON) has a
//! tag of its own, and what a fetch has read so far is its entry in
//! `fetches`. What any of it means is the hub's to say.
//!
//! No borrow of the driver's state is held while JavaScript runs (a token
//! provider, `resolve`, `reject`, a signal's getter), so a provider may
//! itself call the library; and the closure is a `Fn`, so it may run again
//! from inside such a call (a provider aborting a signal).

use std::cell::{Cell, RefCell, RefMut};

use js_sys::{Function, JsString, Promise};
use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;
use web_sys::{AbortController, AbortSignal, Response};

use super::api::customer_token_to_js;
use super::error::to_js_error;
use super::{fetch, value};
use crate::engine::{
    Answer, CallId, Caller, ClientId, Failed, Hub, Output, ProviderAnswer, SendId,
};
use crate::error::OptInError;
use crate::json::Json;
use crate::request::ApiRequest;
use crate::response::{RawResponse, MAX_KEPT_BODY};

#[wasm_bindgen]
extern "C" {
    // Global timer functions exist in windows, workers and Node alike; Node's
    // handles are objects, hence `JsValue`.
    #[wasm_bindgen(js_name = setTimeout)]
    fn set_timeout(handler: &Function, timeout_ms: f64) -> JsValue;
    #[wasm_bindgen(js_name = clearTimeout)]
    fn clear_timeout(handle: &JsValue);
    // `Function` and `Promise` once more, for two methods with plain
    // arguments: `bind` with a number, `then` with functions (js-sys's takes
    // `Closure`s).
    #[wasm_bindgen(js_name = Function)]
    type Bindable;
    #[wasm_bindgen(method, js_name = bind)]
    fn bind(this: &Bindable, this_arg: &JsValue, tag: f64) -> Function;
    #[wasm_bindgen(js_name = Promise)]
    type Thenable;
    #[wasm_bindgen(method)]
    fn then(this: &Thenable, on_fulfilled: &Function, on_rejected: Option<&Function>) -> Promise;
    // `new Promise(executor)` with a plain function (js-sys's takes a Rust
    // closure, which costs a closure shim and its glue of its own).
    #[wasm_bindgen(constructor, js_class = "Promise")]
    fn new(executor: &Function) -> Thenable;
    // `error.cause = cause`: a plain assignment, which cannot throw on a
    // fresh `Error` (`Reflect.set` would need a `catch` binding and the key
    // as a string).
    // `headers.get(name)` as a value: web-sys's `Option<String>` binding
    // copies the string into wasm memory in its glue, which `as_string` does
    // anyway. `catch`: a replaced `fetch`'s response may have no headers.
    #[wasm_bindgen(js_name = Headers)]
    type HeaderList;
    #[wasm_bindgen(method, catch)]
    fn get(this: &HeaderList, name: &str) -> Result<JsValue, JsValue>;
    #[wasm_bindgen(js_name = Error)]
    type Failure;
    #[wasm_bindgen(method, setter = cause)]
    fn set_cause(this: &Failure, cause: &JsValue);
}

// What a call of `on_event` reports: the low four bits of its bound tag (the
// rest is the `SendId`). A fetch's steps each have their own, so what a
// fulfilled value is never needs to be looked up.
/// A signal aborted.
const WAKE: u64 = 0;
/// The timer fired.
const TIMER: u64 = 1;
/// A new promise's executor ran: `resolve` and `reject` are its arguments.
const EXECUTOR: u64 = 2;
/// A token provider's value or promise fulfilled.
const PROVIDER_FULFILLED: u64 = 3;
/// A token provider's promise rejected.
const PROVIDER_REJECTED: u64 = 4;
/// `fetch(request)` fulfilled with the `Response`.
const RESPONSE: u64 = 5;
/// `response.text()` fulfilled with the body.
const TEXT: u64 = 6;
/// `JSON.parse(body)`, a reaction of `response.text()`'s promise, fulfilled
/// with the parsed value.
const JSON: u64 = 7;
/// `JSON.parse(body)` rejected: the body is not JSON (or `text()` failed).
const NOT_JSON: u64 = 8;
/// `fetch` or `response.text()` rejected: no response.
const FETCH_FAILED: u64 = 9;

thread_local! {
    // Leaked once (a wasm module has one thread, and the driver lives as long
    // as it): a `&'static Driver` lets the one non-generic [`driver`] and
    // [`borrow`] hand it out, where each `DRIVER.with(closure)` would carry
    // its own copy of the lazy-init and borrow-flag code (~25 of them, 100 to
    // 470 bytes each after wasm-opt). Created by `driver` rather than by a
    // lazy initializer: a `const` one leaves std no lazy state to keep.
    static DRIVER: Cell<Option<&'static Driver>> = const { Cell::new(None) };
}

/// The module's driver, created on first use.
#[inline(never)]
fn driver() -> &'static Driver {
    DRIVER.with(|driver| {
        driver.get().unwrap_or_else(|| {
            let created = Box::leak(Box::new(Driver::new()));
            driver.set(Some(created));
            created
        })
    })
}

/// The driver's state, borrowed. Not inlined: one copy of the borrow check.
#[inline(never)]
fn borrow() -> RefMut<'static, State> {
    driver().state.borrow_mut()
}

/// The hub, the I/O handles behind its ids, and the callback every
/// asynchronous step comes back through.
struct Driver {
    state: RefCell<State>,
    on_event: Closure<dyn Fn(f64, JsValue, JsValue)>,
    /// `on_event` bound to [`WAKE`]: every signal's abort listener (one
    /// function, so that a signal holds it once).
    wake: Function,
}

struct State {
    hub: Hub,
    calls: Vec<Pending>,
    fetches: Vec<Fetch>,
    /// The token providers (`Function`s) of the clients that have one, by `ClientId`.
    providers: Keyed,
    /// What a provider threw or rejected with, by `SendId`, while its failure
    /// settles callers.
    causes: Keyed,
    /// The armed timer: its deadline and handle.
    timer: Option<(f64, JsValue)>,
    /// The `resolve` and `reject` of the promise being made, from its
    /// executor (which runs inside `new Promise`) to [`promise`].
    made: Option<(Function, Function)>,
}

/// JavaScript values by the number inside an id. One type and one [`find`]
/// and [`remove`] for both lists, rather than a copy of each per id type.
type Keyed = Vec<(u64, JsValue)>;

/// The value kept under `key`.
#[inline(never)]
fn find(list: &Keyed, key: u64) -> Option<JsValue> {
    let found = list.iter().find(|(k, _)| *k == key);
    found.map(|(_, value)| value.clone())
}

/// Drops the value kept under `key` (a client has one provider, a send
/// one cause at a time).
#[inline(never)]
fn remove(list: &mut Keyed, key: u64) {
    if let Some(at) = list.iter().position(|(k, _)| *k == key) {
        list.swap_remove(at);
    }
}

impl State {
    /// The fetch `send`, while it is still wanted. Not inlined: the one
    /// lookup every fetch step shares.
    #[inline(never)]
    fn fetch(&mut self, send: SendId) -> Option<&mut Fetch> {
        self.fetches.iter_mut().find(|f| f.send == send)
    }
}

/// A caller's promise and signal.
struct Pending {
    call: CallId,
    resolve: Function,
    reject: Function,
    signal: Option<AbortSignal>,
}

/// A fetch in flight, aborted when the hub cancels it, with what its
/// response said so far.
struct Fetch {
    send: SendId,
    controller: AbortController,
    status: u16,
    retry_after: Option<String>,
    /// The body's first [`MAX_KEPT_BODY`] UTF-16 units.
    text: String,
}

impl Driver {
    fn new() -> Driver {
        let on_event = Closure::<dyn Fn(f64, JsValue, JsValue)>::new(on_event);
        Driver {
            wake: bind(&on_event, WAKE, 0),
            on_event,
            state: RefCell::new(State {
                hub: Hub::new(),
                calls: Vec::new(),
                fetches: Vec::new(),
                providers: Vec::new(),
                causes: Vec::new(),
                timer: None,
                made: None,
            }),
        }
    }
}

/// `on_event` with `kind` and `send` bound as its first argument.
fn bind(on_event: &Closure<dyn Fn(f64, JsValue, JsValue)>, kind: u64, send: u64) -> Function {
    let function: &Bindable = on_event.as_ref().unchecked_ref();
    function.bind(&JsValue::NULL, (send << 4 | kind) as f64)
}

/// `promise.then(on_fulfilled, on_rejected)` with `on_event` bound to
/// `fulfilled` and `rejected` for `send`.
fn react(promise: &Promise, send: SendId, fulfilled: u64, rejected: u64) {
    let on_event = &driver().on_event;
    let _ = map(
        promise,
        &bind(on_event, fulfilled, send.0),
        Some(&bind(on_event, rejected, send.0)),
    );
}

/// `promise.then(on_fulfilled, on_rejected)`: the promise of their result.
pub(super) fn map(
    promise: &Promise,
    on_fulfilled: &Function,
    on_rejected: Option<&Function>,
) -> Promise {
    promise
        .unchecked_ref::<Thenable>()
        .then(on_fulfilled, on_rejected)
}

/// Runs `f` on the driver's state. JavaScript must not run inside `f`.
fn state<T>(f: impl FnOnce(&mut State) -> T) -> T {
    f(&mut borrow())
}

fn now() -> f64 {
    js_sys::Date::now()
}

/// Runs `input` on the hub with the current time.
pub(crate) fn with_hub<T>(input: impl FnOnce(&mut Hub, f64) -> T) -> T {
    let now = now();
    state(|state| input(&mut state.hub, now))
}

/// Starts `confirmOptIn(argument)` (`resendActivation(argument)` with
/// `resend`) for `caller`: the promise of its result.
pub(crate) fn call(
    caller: Caller,
    argument: &str,
    resend: bool,
    timeout_ms: Option<f64>,
    signal: Option<AbortSignal>,
) -> Promise {
    let aborted = signal.as_ref().is_some_and(AbortSignal::aborted);
    let started = with_hub(|hub, now| {
        if resend {
            hub.resend(caller, argument, timeout_ms, aborted, now)
        } else {
            hub.confirm(caller, argument, timeout_ms, aborted, now)
        }
    });
    match started {
        Ok(call) => promise(call, signal),
        // The options were invalid: the hub took nothing.
        Err(error) => rejected(error),
    }
}

/// The promise of `call`, which the hub has taken, settled when the hub says
/// so. `signal` aborts it.
fn promise(call: CallId, signal: Option<AbortSignal>) -> Promise {
    let promise: Promise = Thenable::new(&bind(&driver().on_event, EXECUTOR, 0)).unchecked_into();
    if let Some((resolve, reject)) = state(|state| state.made.take()) {
        if let Some(signal) = &signal {
            // Only fails for a non-EventTarget, which the options reader
            // has already ruled out. Adding the same listener twice to one
            // signal adds it once, so it is never removed: a signal holds at
            // most this one module-lifetime function, however many calls it
            // served, and an abort after they settled wakes the driver to
            // find nothing to abort.
            let _ = signal.add_event_listener_with_callback("abort", &driver().wake);
        }
        state(|state| {
            state.calls.push(Pending {
                call,
                resolve,
                reject,
                signal,
            })
        });
    }
    pump();
    promise
}

/// A rejected promise, for calls refused before the hub took them.
pub(crate) fn rejected(error: OptInError) -> Promise {
    Promise::reject(&to_js_error(&error))
}

/// Keeps `client`'s token provider for the hub's `AskProvider`.
pub(crate) fn add_provider(client: ClientId, provider: Function) {
    state(|state| state.providers.push((client.0, provider.into())));
}

/// The client object is gone.
pub(crate) fn release(client: ClientId) {
    state(|state| {
        remove(&mut state.providers, client.0);
        state.hub.release(client);
    });
    pump();
}

/// Every asynchronous step: `tag` (bound) says which, `value` is what the
/// promise settled with (the event, for an abort; nothing, for the timer;
/// `resolve`, for an executor, with `reject` as `more`).
fn on_event(tag: f64, value: JsValue, more: JsValue) {
    let tag = tag as u64;
    let send = SendId(tag >> 4);
    match tag & 15 {
        EXECUTOR => {
            return state(|state| {
                state.made = Some((value.unchecked_into(), more.unchecked_into()))
            })
        }
        TIMER => state(|state| state.timer = None),
        RESPONSE => return read_response(send, value),
        TEXT => return read_text(send, value),
        JSON => return answered(send, Some(value::json(&value))),
        // Not JSON: a complete response all the same.
        NOT_JSON => return answered(send, Some(None)),
        // `fetch` rejected (network, CORS, a refused redirect, the signal),
        // or the body could not be read.
        FETCH_FAILED => return answered(send, None),
        PROVIDER_FULFILLED => {
            return provided(send, ProviderAnswer::Settled(value.as_string()), None)
        }
        PROVIDER_REJECTED => return provided(send, ProviderAnswer::Rejected, Some(value)),
        _ => {}
    }
    pump();
}

/// Feeds the hub what happened, performs its outputs, and arms the timer.
fn pump() {
    let now = now();
    let mut at = 0;
    // One call at a time, so that no borrow is held while a signal's
    // `aborted` getter runs. An aborted call is reported at once (not
    // collected first: no `Vec` of ids): the hub only marks it, and its
    // outputs wait for `poll_output` below, so `calls` is unchanged.
    while let Some((call, signal)) = state(|state| {
        let pending = state.calls.get(at)?;
        Some((pending.call, pending.signal.clone()))
    }) {
        if signal.is_some_and(|signal| signal.aborted()) {
            state(|state| state.hub.abort(call, now));
        }
        at += 1;
    }
    state(|state| state.hub.handle_timeout(now));
    while let Some(output) = state(|state| state.hub.poll_output()) {
        perform(output);
    }
    arm_timer(state(|state| state.hub.poll_timeout()));
}

#[inline(never)] // See `start_fetch`.
fn perform(output: Output) {
    match output {
        Output::Fetch {
            send,
            request,
            bearer,
        } => start_fetch(send, &request, bearer.as_deref()),
        Output::Cancel(send) => {
            if let Some(fetch) = take_fetch(send) {
                fetch.controller.abort();
            }
        }
        Output::AskProvider { send, client } => ask_provider(send, client),
        Output::Settle { calls, result } => {
            for call in calls {
                settle(call, &result);
            }
        }
    }
}

// Not inlined, as `perform`, `settle` and `ask_provider`:
// each has one caller, and kept apart they gzip better (measured: -102 B
// together; `arm_timer` apart measured +21 B, so it stays inlined).
#[inline(never)]
fn start_fetch(send: SendId, request: &ApiRequest, bearer: Option<&str>) {
    let sent = AbortController::new()
        .map_err(|_| fetch::Transport)
        .and_then(|controller| {
            let request = fetch::build(request, bearer, &controller.signal())?;
            Ok((fetch::send(&request)?, controller))
        });
    let Ok((response, controller)) = sent else {
        return with_hub(|hub, now| hub.on_response(send, None, now));
    };
    react(&response, send, RESPONSE, FETCH_FAILED);
    state(|state| {
        state.fetches.push(Fetch {
            send,
            controller,
            status: 0,
            retry_after: None,
            text: String::new(),
        })
    });
}

/// The fetch `send` is still wanted: its entry, removed.
fn take_fetch(send: SendId) -> Option<Fetch> {
    state(|state| {
        let at = state.fetches.iter().position(|f| f.send == send)?;
        Some(state.fetches.swap_remove(at))
    })
}

fn read_response(send: SendId, value: JsValue) {
    // A replaced `fetch` may resolve with anything: what is not an object
    // reads as no response. Not `instanceof Response`: a polyfill's
    // responses (another realm, node-fetch) work too.
    if !value.is_object() {
        return answered(send, None);
    }
    let response: &Response = value.unchecked_ref();
    let status = response.status();
    // Readable only when the server exposes it to CORS; otherwise absent.
    let headers: HeaderList = response.headers().unchecked_into();
    let retry_after = headers.get("retry-after").ok().and_then(|v| v.as_string());
    let wanted = state(|state| {
        let fetch = state.fetch(send)?;
        fetch.status = status;
        fetch.retry_after = retry_after;
        Some(())
    });
    if wanted.is_none() {
        return; // Cancelled.
    }
    match response.text() {
        Ok(text) => {
            react(&text, send, TEXT, FETCH_FAILED);
            // The text's second reaction, so it runs after `read_text` has
            // kept the text; an empty body is not JSON either.
            react(&value::parse_json(&text), send, JSON, NOT_JSON);
        }
        Err(_) => answered(send, None),
    }
}

/// Keeps the body's first [`MAX_KEPT_BODY`] UTF-16 units; its `JSON` or
/// `NOT_JSON` step comes next.
fn read_text(send: SendId, value: JsValue) {
    let Some(text) = value.dyn_ref::<JsString>() else {
        return answered(send, None);
    };
    let kept: String = text.slice(0, MAX_KEPT_BODY as u32).into();
    state(|state| {
        if let Some(fetch) = state.fetch(send) {
            fetch.text = kept;
        }
    });
}

/// Reports the fetch `send`'s response to the hub: `None` when none arrived,
/// else the body parsed as JSON, if it is JSON.
fn answered(send: SendId, body: Option<Option<Json>>) {
    let Some(fetch) = take_fetch(send) else {
        return;
    };
    let now = now();
    let response = body.as_ref().map(|json| RawResponse {
        status: fetch.status,
        retry_after: fetch.retry_after.as_deref(),
        text: &fetch.text,
        json: json.as_ref(),
        now_unix_secs: now / 1000.0,
    });
    state(|state| state.hub.on_response(send, response.as_ref(), now));
    pump();
}

#[inline(never)] // See `start_fetch`.
fn ask_provider(send: SendId, client: ClientId) {
    let Some(provider) = state(|state| find(&state.providers, client.0)) else {
        return;
    };
    let provider: Function = provider.unchecked_into();
    // `call1` with `undefined`, the binding `settle` uses anyway: one import
    // fewer than `call0`, and the provider takes no arguments.
    match provider.call1(&JsValue::UNDEFINED, &JsValue::UNDEFINED) {
        Err(thrown) => provided(send, ProviderAnswer::Threw, Some(thrown)),
        Ok(returned) => react(
            &Promise::resolve(&returned),
            send,
            PROVIDER_FULFILLED,
            PROVIDER_REJECTED,
        ),
    }
}

/// Reports a provider's answer; its callers settle with `cause` attached.
fn provided(send: SendId, answer: ProviderAnswer, cause: Option<JsValue>) {
    if let Some(cause) = cause {
        state(|state| state.causes.push((send.0, cause)));
    }
    with_hub(|hub, now| hub.on_provider(send, answer, now));
    pump();
    state(|state| remove(&mut state.causes, send.0));
}

/// Settles `call` with the result it shares with the other callers of its
/// output: read by reference, so each caller still gets a JavaScript value
/// (and `OptInError`) of its own, and the Rust value is never copied.
#[inline(never)] // See `start_fetch`.
fn settle(call: CallId, result: &Result<Answer, Failed>) {
    let pending = state(|state| {
        let at = state.calls.iter().position(|p| p.call == call)?;
        Some(state.calls.swap_remove(at))
    });
    let Some(pending) = pending else {
        return;
    };
    // One `call1` for the three outcomes: the function and value differ.
    let (settle, value) = match result {
        Ok(Answer::Customer(token)) => (&pending.resolve, customer_token_to_js(token)),
        Ok(Answer::Sent) => (&pending.resolve, JsValue::UNDEFINED),
        Err(failed) => (&pending.reject, failure_to_js(failed)),
    };
    let _ = settle.call1(&JsValue::UNDEFINED, &value);
}

/// The `OptInError` to reject with, its `cause` set when a provider's
/// thrown value or rejection is the cause.
fn failure_to_js(failed: &Failed) -> JsValue {
    let error = to_js_error(&failed.error);
    let cause = failed
        .cause
        .and_then(|send| state(|state| find(&state.causes, send.0)));
    if let Some(cause) = cause {
        error.unchecked_ref::<Failure>().set_cause(&cause);
    }
    error
}

/// One timer for the hub's next deadline. An armed timer that fires no
/// later than the deadline is kept (it fires early, and is armed again);
/// with no deadline left, it is cleared, so that Node can exit.
fn arm_timer(deadline: Option<f64>) {
    let stale = state(|state| {
        let keep = match (&state.timer, deadline) {
            (Some((armed, _)), Some(at)) => *armed <= at,
            (None, None) => true,
            _ => false,
        };
        if keep {
            None
        } else {
            Some(state.timer.take())
        }
    });
    let Some(stale) = stale else {
        return;
    };
    if let Some((_, handle)) = stale {
        clear_timeout(&handle);
    }
    if let Some(at) = deadline {
        let delay = (at - now()).max(0.0).ceil();
        let handle = set_timeout(&bind(&driver().on_event, TIMER, 0), delay);
        state(|state| state.timer = Some((at, handle)));
    }
}

//! The driver: performs what the core's [`Hub`] asks for — fetches, the
//! token provider, one timer, the callers' signals and promises — and
//! decides nothing.
//!
//! One `Hub` serves the whole module (so top-level functions and every
//! `OptInClient` share confirmations), with its I/O handles beside it in
//! [`Io`]. After every input (a call, a response, the timer, an abort) the
//! driver runs [`pump`]: it reports aborted signals and the clock to the hub,
//! performs every output, and re-arms its one timer for the hub's next
//! deadline (a timer that fires early is a no-op for the hub, and is armed
//! again). Each caller gets a promise of its own, settled by the hub's
//! `Settle`, so it can reject alone; the only thing callers share is the
//! fetch the hub shares.
//!
//! No borrow of the hub or of `Io` is held while JavaScript runs (a token
//! provider, `resolve`, `reject`), so a provider may itself call the library.

use std::cell::RefCell;

use js_sys::{Function, Promise};
use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;
use wasm_bindgen_futures::JsFuture;
use web_sys::{AbortController, AbortSignal};

use super::api::customer_token_to_js;
use super::error::to_js_error;
use super::fetch;
use crate::engine::{Answer, CallId, ClientId, Failed, Hub, Output, ProviderAnswer, SendId};
use crate::error::OptInError;
use crate::request::ApiRequest;

#[wasm_bindgen]
extern "C" {
    // Global timer functions exist in windows, workers and Node alike; Node's
    // handles are objects, hence `JsValue`.
    #[wasm_bindgen(js_name = setTimeout)]
    fn set_timeout(handler: &Function, timeout_ms: f64) -> JsValue;
    #[wasm_bindgen(js_name = clearTimeout)]
    fn clear_timeout(handle: &JsValue);
}

thread_local! {
    static HUB: RefCell<Hub> = const { RefCell::new(Hub::new()) };
    static IO: RefCell<Io> = RefCell::new(Io::default());
    /// Every signal's abort listener: runs [`pump`]. One function for the
    /// module's lifetime.
    static WAKE: Closure<dyn FnMut()> = Closure::new(pump);
    /// The timer's callback: forgets the timer that fired, then runs [`pump`].
    static ON_TIMER: Closure<dyn FnMut()> = Closure::new(|| {
        IO.with(|io| io.borrow_mut().timer = None);
        pump();
    });
}

/// The I/O handles behind the hub's ids.
#[derive(Default)]
struct Io {
    calls: Vec<Pending>,
    /// One controller per fetch in flight, aborted when the hub cancels it.
    fetches: Vec<(SendId, AbortController)>,
    /// The token providers of the clients that have one.
    providers: Vec<(ClientId, Function)>,
    /// What a provider threw or rejected with, while its failure settles callers.
    causes: Vec<(SendId, JsValue)>,
    /// The armed timer: its deadline and handle.
    timer: Option<(f64, JsValue)>,
}

/// A caller's promise and signal.
struct Pending {
    call: CallId,
    resolve: Function,
    reject: Function,
    signal: Option<AbortSignal>,
}

/// Runs `input` on the hub with the current time.
pub(crate) fn with_hub<T>(input: impl FnOnce(&mut Hub, f64) -> T) -> T {
    HUB.with(|hub| input(&mut hub.borrow_mut(), js_sys::Date::now()))
}

/// The promise of a call the hub has taken (`Ok`) or refused (`Err`: the
/// options were invalid), settled when the hub says so. `signal` aborts it.
pub(crate) fn promise(started: Result<CallId, OptInError>, signal: Option<AbortSignal>) -> Promise {
    let mut handles = None;
    let promise = Promise::new(&mut |resolve, reject| handles = Some((resolve, reject)));
    if let Some((resolve, reject)) = handles {
        match started {
            Ok(call) => {
                if let Some(signal) = &signal {
                    WAKE.with(|wake| {
                        // Only fails for a non-EventTarget, which the options
                        // reader has already ruled out. Adding the same
                        // listener twice to one signal adds it once.
                        let _ = signal.add_event_listener_with_callback(
                            "abort",
                            wake.as_ref().unchecked_ref(),
                        );
                    });
                }
                IO.with(|io| {
                    io.borrow_mut().calls.push(Pending {
                        call,
                        resolve,
                        reject,
                        signal,
                    })
                });
            }
            Err(error) => {
                let _ = reject.call1(&JsValue::UNDEFINED, &to_js_error(&error));
            }
        }
    }
    pump();
    promise
}

/// A rejected promise, for arguments refused before the hub is asked.
pub(crate) fn rejected(error: &OptInError) -> Promise {
    Promise::reject(&to_js_error(error))
}

/// Keeps `client`'s token provider for the hub's `AskProvider`.
pub(crate) fn add_provider(client: ClientId, provider: Function) {
    IO.with(|io| io.borrow_mut().providers.push((client, provider)));
}

/// The client object is gone.
pub(crate) fn release(client: ClientId) {
    IO.with(|io| io.borrow_mut().providers.retain(|(c, _)| *c != client));
    with_hub(|hub, _| hub.release(client));
    pump();
}

/// Feeds the hub what happened, performs its outputs, and arms the timer.
fn pump() {
    let aborted: Vec<CallId> = IO.with(|io| {
        let io = io.borrow();
        let fired = |p: &&Pending| p.signal.as_ref().is_some_and(AbortSignal::aborted);
        io.calls.iter().filter(fired).map(|p| p.call).collect()
    });
    with_hub(|hub, now| {
        for call in aborted {
            hub.abort(call, now);
        }
        hub.handle_timeout(now);
    });
    while let Some(output) = with_hub(|hub, _| hub.poll_output()) {
        perform(output);
    }
    arm_timer(with_hub(|hub, _| hub.poll_timeout()));
}

fn perform(output: Output) {
    match output {
        Output::Fetch {
            send,
            request,
            bearer,
        } => start_fetch(send, request, bearer),
        Output::Cancel(send) => {
            let controller = IO.with(|io| {
                let mut io = io.borrow_mut();
                let at = io.fetches.iter().position(|(s, _)| *s == send)?;
                Some(io.fetches.swap_remove(at).1)
            });
            if let Some(controller) = controller {
                controller.abort();
            }
        }
        Output::AskProvider { send, client } => ask_provider(send, client),
        Output::Settle { call, result } => settle(call, result),
    }
}

fn start_fetch(send: SendId, request: ApiRequest, bearer: Option<String>) {
    let Ok(controller) = AbortController::new() else {
        with_hub(|hub, now| hub.on_response(send, None, now));
        return;
    };
    let signal = controller.signal();
    IO.with(|io| io.borrow_mut().fetches.push((send, controller)));
    wasm_bindgen_futures::spawn_local(async move {
        let response = fetch::send(&request, bearer.as_deref(), &signal).await;
        let cancelled = IO.with(|io| {
            let mut io = io.borrow_mut();
            match io.fetches.iter().position(|(s, _)| *s == send) {
                Some(at) => {
                    io.fetches.swap_remove(at);
                    false
                }
                None => true,
            }
        });
        if !cancelled {
            let raw = response.as_ref().ok().map(fetch::Exchange::raw);
            with_hub(|hub, now| hub.on_response(send, raw.as_ref(), now));
            pump();
        }
    });
}

fn ask_provider(send: SendId, client: ClientId) {
    let provider = IO.with(|io| {
        let io = io.borrow();
        let found = io.providers.iter().find(|(c, _)| *c == client);
        found.map(|(_, provider)| provider.clone())
    });
    let Some(provider) = provider else {
        return;
    };
    match provider.call0(&JsValue::UNDEFINED) {
        Err(thrown) => provided(send, ProviderAnswer::Threw, Some(thrown)),
        Ok(returned) => wasm_bindgen_futures::spawn_local(async move {
            match JsFuture::from(Promise::resolve(&returned)).await {
                Ok(value) => provided(send, ProviderAnswer::Settled(value.as_string()), None),
                Err(reason) => provided(send, ProviderAnswer::Rejected, Some(reason)),
            }
            pump();
        }),
    }
}

/// Reports a provider's answer; its callers settle with `cause` attached.
fn provided(send: SendId, answer: ProviderAnswer, cause: Option<JsValue>) {
    if let Some(cause) = cause {
        IO.with(|io| io.borrow_mut().causes.push((send, cause)));
    }
    with_hub(|hub, now| hub.on_provider(send, answer, now));
    while let Some(output) = with_hub(|hub, _| hub.poll_output()) {
        perform(output);
    }
    IO.with(|io| io.borrow_mut().causes.retain(|(s, _)| *s != send));
}

fn settle(call: CallId, result: Result<Answer, Failed>) {
    let pending = IO.with(|io| {
        let mut io = io.borrow_mut();
        let at = io.calls.iter().position(|p| p.call == call)?;
        let pending = io.calls.swap_remove(at);
        // The signal's listener goes when no other call uses that signal.
        if let Some(signal) = &pending.signal {
            if !io.calls.iter().any(|p| p.signal.as_ref() == Some(signal)) {
                WAKE.with(|wake| {
                    let _ = signal.remove_event_listener_with_callback(
                        "abort",
                        wake.as_ref().unchecked_ref(),
                    );
                });
            }
        }
        Some(pending)
    });
    let Some(pending) = pending else {
        return;
    };
    let _ = match result {
        Ok(Answer::Customer(token)) => pending
            .resolve
            .call1(&JsValue::UNDEFINED, &customer_token_to_js(&token)),
        Ok(Answer::Sent) => pending
            .resolve
            .call1(&JsValue::UNDEFINED, &JsValue::UNDEFINED),
        Err(failed) => pending
            .reject
            .call1(&JsValue::UNDEFINED, &failure_to_js(failed)),
    };
}

/// The `OptInError` to reject with, its `cause` set when a provider's
/// thrown value or rejection is the cause.
fn failure_to_js(failed: Failed) -> JsValue {
    let error = to_js_error(&failed.error);
    let cause = failed.cause.and_then(|send| {
        IO.with(|io| {
            let io = io.borrow();
            let found = io.causes.iter().find(|(s, _)| *s == send);
            found.map(|(_, cause)| cause.clone())
        })
    });
    if let Some(cause) = cause {
        // Setting a property on a fresh `Error` cannot fail.
        let _ = js_sys::Reflect::set(&error, &JsValue::from_str("cause"), &cause);
    }
    error
}

/// One timer for the hub's next deadline, re-armed only when it moves.
fn arm_timer(deadline: Option<f64>) {
    IO.with(|io| {
        let mut io = io.borrow_mut();
        if io.timer.as_ref().map(|(at, _)| *at) == deadline {
            return;
        }
        if let Some((_, handle)) = io.timer.take() {
            clear_timeout(&handle);
        }
        if let Some(at) = deadline {
            let delay = (at - js_sys::Date::now()).max(0.0).ceil();
            let handle =
                ON_TIMER.with(|on_timer| set_timeout(on_timer.as_ref().unchecked_ref(), delay));
            io.timer = Some((at, handle));
        }
    });
}

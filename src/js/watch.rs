//! Watching one call's bounds: its `timeoutMs` timer and its caller's
//! `AbortSignal`, whichever fires first.
//!
//! Both the request itself ([`fetch`](super::fetch), which aborts its own
//! `AbortController` when the watch fires) and each caller waiting on a
//! shared request ([`dedupe`](super::dedupe)) use it. Dropping a watch clears
//! its timer and removes its listener, so no callback outlives the call.

use std::cell::{Cell, RefCell};
use std::rc::Rc;
use std::task::{Context, Poll, Waker};

use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;
use web_sys::{AbortController, AbortSignal};

#[wasm_bindgen]
extern "C" {
    // Global timer functions exist in windows, workers and Node alike; Node's
    // handles are objects, hence `JsValue`.
    #[wasm_bindgen(js_name = setTimeout)]
    fn set_timeout(handler: &js_sys::Function, timeout_ms: u32) -> JsValue;
    #[wasm_bindgen(js_name = clearTimeout)]
    fn clear_timeout(handle: &JsValue);
}

/// Why a call ended before its work did.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Ended {
    /// The caller's signal aborted.
    Aborted,
    /// `timeoutMs` ran out.
    TimedOut,
}

/// Fires when a signal aborts or a timer runs out, whichever comes first.
pub(crate) struct Watch {
    state: Rc<WatchState>,
    timer: JsValue,
    _on_timeout: Closure<dyn FnMut()>,
    listener: Option<(AbortSignal, Closure<dyn FnMut()>)>,
}

#[derive(Default)]
struct WatchState {
    fired: Cell<Option<Ended>>,
    waker: RefCell<Option<Waker>>,
    /// Aborted when the watch fires, to cancel a request in flight.
    controller: Option<AbortController>,
}

impl WatchState {
    fn fire(&self, ended: Ended) {
        if self.fired.get().is_none() {
            self.fired.set(Some(ended));
        }
        if let Some(controller) = &self.controller {
            controller.abort();
        }
        if let Some(waker) = self.waker.take() {
            waker.wake();
        }
    }
}

impl Watch {
    /// Starts watching `signal` (already aborted: fired at once) and a
    /// `timeout_ms` timer; when either fires, `controller` (if any) is aborted.
    pub(crate) fn new(
        signal: Option<&AbortSignal>,
        timeout_ms: u32,
        controller: Option<AbortController>,
    ) -> Watch {
        let state = Rc::new(WatchState {
            controller,
            ..WatchState::default()
        });
        let on_timeout = {
            let state = state.clone();
            Closure::<dyn FnMut()>::new(move || state.fire(Ended::TimedOut))
        };
        let timer = set_timeout(on_timeout.as_ref().unchecked_ref(), timeout_ms);
        let listener = signal.map(|signal| {
            if signal.aborted() {
                state.fire(Ended::Aborted);
            }
            let on_abort = {
                let state = state.clone();
                Closure::<dyn FnMut()>::new(move || state.fire(Ended::Aborted))
            };
            // Only fails for a non-EventTarget, which the options reader has
            // already ruled out.
            let _ =
                signal.add_event_listener_with_callback("abort", on_abort.as_ref().unchecked_ref());
            (signal.clone(), on_abort)
        });
        Watch {
            state,
            timer,
            _on_timeout: on_timeout,
            listener,
        }
    }

    /// What fired, if anything has.
    pub(crate) fn fired(&self) -> Option<Ended> {
        self.state.fired.get()
    }

    /// Ready once the watch has fired.
    pub(crate) fn poll(&self, cx: &mut Context<'_>) -> Poll<Ended> {
        match self.fired() {
            Some(ended) => Poll::Ready(ended),
            None => {
                self.state.waker.replace(Some(cx.waker().clone()));
                Poll::Pending
            }
        }
    }
}

impl Drop for Watch {
    fn drop(&mut self) {
        clear_timeout(&self.timer);
        if let Some((signal, on_abort)) = &self.listener {
            let _ = signal
                .remove_event_listener_with_callback("abort", on_abort.as_ref().unchecked_ref());
        }
    }
}

//! Sharing work between concurrent callers, each under its own `signal` and
//! `timeoutMs`.
//!
//! A confirmation spends its single-use token, so concurrent `confirmOptIn`
//! calls for one token (a double click, React 18 StrictMode running an effect
//! twice, the top-level function and an `OptInClient` at once) must not send
//! two requests: the second would be answered "already used" while the first
//! carries the customer's tokens. The first call starts a [`Flight`]; calls
//! for the same base URL, tenant and token join it and settle with its
//! outcome. A settled flight is forgotten at once, so a later call sends a
//! new request.
//!
//! Giving up (the caller's `signal` aborts, or its `timeoutMs` runs out)
//! rejects that caller only. The flight itself runs to its end under the
//! `timeoutMs` of the call that started it, even when every caller has left:
//! once sent, the token is spent whether or not anyone reads the answer, and
//! a call that joins in the meantime (the effect that StrictMode runs again
//! after aborting the first) still receives the customer's tokens.

use std::cell::RefCell;
use std::future::{poll_fn, Future};
use std::pin::pin;
use std::rc::Rc;
use std::task::{Poll, Waker};

use wasm_bindgen::prelude::*;
use web_sys::AbortSignal;

use super::error::to_js_error;
use super::fetch::Limits;
use super::watch::{Ended, Watch};
use crate::error::{Operation, OptInError};
use crate::model::CustomerToken;
use crate::request::ApiRequest;

/// An error on its way to JavaScript, with what a token provider threw when
/// that is the cause.
#[derive(Debug, Clone)]
pub(crate) struct Failure {
    pub(crate) error: OptInError,
    pub(crate) cause: Option<JsValue>,
}

impl From<OptInError> for Failure {
    fn from(error: OptInError) -> Failure {
        Failure { error, cause: None }
    }
}

impl Failure {
    /// The `OptInError` to reject with, its `cause` set when there is one.
    pub(crate) fn into_js(self) -> JsValue {
        let error = to_js_error(&self.error);
        if let Some(cause) = self.cause {
            // Setting a property on a fresh `Error` cannot fail.
            let _ = js_sys::Reflect::set(&error, &JsValue::from_str("cause"), &cause);
        }
        error
    }
}

/// One caller's bounds: its `signal`, and its `timeoutMs` counted from the
/// start of the call.
pub(crate) struct Call {
    operation: Operation,
    timeout_ms: u32,
    deadline: f64,
    signal: Option<AbortSignal>,
    watch: Watch,
}

impl Call {
    /// Starts the clock of a call.
    pub(crate) fn new(operation: Operation, timeout_ms: u32, signal: Option<AbortSignal>) -> Call {
        Call {
            operation,
            timeout_ms,
            deadline: js_sys::Date::now() + f64::from(timeout_ms),
            watch: Watch::new(signal.as_ref(), timeout_ms, None),
            signal,
        }
    }

    /// `Err` once the caller has aborted or run out of time.
    pub(crate) fn check(&self) -> Result<(), OptInError> {
        match self.watch.fired() {
            Some(ended) => Err(self.error(ended)),
            None => Ok(()),
        }
    }

    /// `work`'s output, unless the caller aborts or runs out of time first;
    /// `work` is then dropped.
    pub(crate) async fn bound<T>(&self, work: impl Future<Output = T>) -> Result<T, OptInError> {
        let mut work = pin!(work);
        poll_fn(|cx| {
            if let Poll::Ready(ended) = self.watch.poll(cx) {
                return Poll::Ready(Err(self.error(ended)));
            }
            work.as_mut().poll(cx).map(Ok)
        })
        .await
    }

    /// The limits of a request sent now: the time left and the caller's
    /// signal, which `fetch` obeys by cancelling the request.
    pub(crate) fn limits(&self) -> Result<Limits<'_>, OptInError> {
        self.check()?;
        let left = (self.deadline - js_sys::Date::now()).ceil();
        if left < 1.0 {
            return Err(self.error(Ended::TimedOut));
        }
        Ok(Limits {
            timeout_ms: left as u32,
            signal: self.signal.as_ref(),
        })
    }

    /// A request's timeout restated as the call's: the caller set
    /// `timeoutMs`, not what was left of it when the request went out.
    pub(crate) fn restate(&self, error: OptInError) -> OptInError {
        match error {
            OptInError::Timeout { .. } => self.error(Ended::TimedOut),
            error => error,
        }
    }

    fn error(&self, ended: Ended) -> OptInError {
        match ended {
            Ended::Aborted => OptInError::Aborted,
            Ended::TimedOut => OptInError::Timeout {
                operation: self.operation,
                timeout_ms: self.timeout_ms,
            },
        }
    }
}

/// Work running on its own task, whose outcome any number of callers await.
pub(crate) struct Flight<T>(Rc<Landing<T>>);

struct Landing<T> {
    outcome: RefCell<Option<Result<T, Failure>>>,
    waiting: RefCell<Vec<Waker>>,
}

impl<T> Clone for Flight<T> {
    fn clone(&self) -> Self {
        Flight(self.0.clone())
    }
}

impl<T: Clone + 'static> Flight<T> {
    /// Starts `work`. It runs to its end whoever waits; `spawn_local` only
    /// queues it, so nothing of it runs before this returns.
    pub(crate) fn start(work: impl Future<Output = Result<T, Failure>> + 'static) -> Flight<T> {
        let landing = Rc::new(Landing {
            outcome: RefCell::new(None),
            waiting: RefCell::new(Vec::new()),
        });
        let settle = landing.clone();
        wasm_bindgen_futures::spawn_local(async move {
            let outcome = work.await;
            settle.outcome.replace(Some(outcome));
            for waker in settle.waiting.take() {
                waker.wake();
            }
        });
        Flight(landing)
    }

    /// The outcome, once the work has ended; every caller gets its own copy.
    pub(crate) async fn outcome(&self) -> Result<T, Failure> {
        poll_fn(|cx| {
            if let Some(outcome) = self.0.outcome.borrow().as_ref() {
                return Poll::Ready(outcome.clone());
            }
            let mut waiting = self.0.waiting.borrow_mut();
            if !waiting.iter().any(|waker| waker.will_wake(cx.waker())) {
                waiting.push(cx.waker().clone());
            }
            Poll::Pending
        })
        .await
    }
}

thread_local! {
    /// Confirmations in flight, by request URL (base URL, tenant and token):
    /// a handful at most, so a list does.
    static CONFIRMATIONS: RefCell<Vec<(String, Flight<CustomerToken>)>> =
        const { RefCell::new(Vec::new()) };
}

/// Confirms `request` once for every concurrent caller: joins the flight for
/// its URL, or starts one with `start`. `call` bounds only this caller's wait.
pub(crate) async fn confirm_once<Work>(
    request: ApiRequest,
    call: &Call,
    start: impl FnOnce(ApiRequest) -> Work,
) -> Result<CustomerToken, Failure>
where
    Work: Future<Output = Result<CustomerToken, Failure>> + 'static,
{
    // A caller that has already given up neither starts nor joins anything.
    call.check()?;
    let url = request.url.clone();
    let flight = CONFIRMATIONS.with(|flights| {
        let mut flights = flights.borrow_mut();
        if let Some((_, flight)) = flights.iter().find(|(listed, _)| *listed == url) {
            return flight.clone();
        }
        let work = start(request);
        let key = url.clone();
        let flight = Flight::start(async move {
            let outcome = work.await;
            CONFIRMATIONS.with(|flights| flights.borrow_mut().retain(|(listed, _)| *listed != key));
            outcome
        });
        // Started (queued) before it is listed, so the removal when it
        // settles always comes after the listing.
        flights.push((url, flight.clone()));
        flight
    });
    call.bound(flight.outcome()).await?
}

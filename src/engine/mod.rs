//! The sans-IO core of every call: a [`Hub`] that takes inputs (a call
//! starting, a caller's signal aborting, a response arriving, the clock
//! moving) and says what happens next as [`Output`]s (send this request,
//! cancel that one, ask the token provider, settle this caller's promise).
//!
//! It performs no I/O and reads no clock: every `now` is milliseconds since
//! the Unix epoch, as `Date.now()` gives them, passed in by the caller. The
//! JavaScript edge ([`crate::js`]) only performs what the outputs say, so
//! everything decided here — the anonymous-token lifecycle, the one retry
//! after a 401, which confirmations share a request, whose deadline applies —
//! is tested natively, with a fake clock and a scripted server.
//!
//! The shape follows `quinn-proto`'s `Endpoint`: inputs are `Hub` methods
//! (`confirm`, `resend`, `abort`, `on_response`, `on_provider`,
//! `handle_timeout`); after each, the driver drains [`Hub::poll_output`] and
//! arms one timer for [`Hub::poll_timeout`]. A wake-up with nothing due is a
//! no-op, and input for a request the hub has forgotten (cancelled, timed
//! out) is ignored.

mod hub;

pub use hub::Hub;

use crate::context::SessionContext;
use crate::error::OptInError;
use crate::model::CustomerToken;
use crate::request::ApiRequest;

/// One caller's call (one promise).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct CallId(pub u64);

/// One request or token-provider call the edge performs for the hub.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct SendId(pub u64);

/// An `OptInClient`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct ClientId(pub u64);

/// Who makes a call.
#[derive(Debug, Clone, Copy)]
pub enum Caller<'a> {
    /// An `OptInClient`.
    Client(ClientId),
    /// A top-level function, with the caller's own anonymous token: used as
    /// it is, never renewed.
    Token {
        /// The `tenant` option.
        tenant: &'a str,
        /// The `baseUrl` option.
        base_url: Option<&'a str>,
        /// The `anonymousToken` option.
        anonymous_token: &'a str,
    },
}

/// The `anonymousToken` option of an `OptInClient`.
#[derive(Debug, Clone, Copy)]
pub enum TokenSource<'a> {
    /// The token itself.
    Token(&'a str),
    /// A function the edge keeps, asked through [`Output::AskProvider`].
    Provider,
}

/// An `OptInClient`'s configuration, as read from JavaScript.
#[derive(Debug, Clone, Copy)]
pub struct ClientConfig<'a> {
    /// The `tenant` option.
    pub tenant: &'a str,
    /// The `baseUrl` option.
    pub base_url: Option<&'a str>,
    /// The `timeoutMs` option.
    pub timeout_ms: Option<f64>,
    /// The `clientId` option.
    pub client_id: Option<&'a str>,
    /// The `anonymousToken` option.
    pub anonymous_token: Option<TokenSource<'a>>,
    /// The `context` option, already read and checked
    /// ([`SessionContext::read`]); only with `client_id`.
    pub context: Option<&'a SessionContext>,
}

/// What a call resolves with.
#[derive(Debug, Clone, PartialEq)]
pub enum Answer {
    /// `confirmOptIn`: the new customer's tokens.
    Customer(CustomerToken),
    /// `resendActivation`: Emporix accepted it (any 2xx).
    Sent,
}

/// What a call rejects with.
#[derive(Debug, Clone, PartialEq)]
pub struct Failed {
    /// The error.
    pub error: OptInError,
    /// The token-provider call whose thrown or rejected value the edge
    /// attaches as the error's `cause`.
    pub cause: Option<SendId>,
}

impl From<OptInError> for Failed {
    fn from(error: OptInError) -> Failed {
        Failed { error, cause: None }
    }
}

/// How a token provider's call went, as the edge saw it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ProviderAnswer {
    /// Calling it threw (the edge keeps what was thrown).
    Threw,
    /// Its promise rejected (the edge keeps the reason).
    Rejected,
    /// It returned or resolved with this value: `Some` when it is a string.
    Settled(Option<String>),
}

/// What the driver must do next.
#[derive(Debug, Clone, PartialEq)]
pub enum Output {
    /// Send `request`, with `Authorization: Bearer {bearer}` when given, and
    /// report the response (or its absence) with [`Hub::on_response`].
    Fetch {
        /// Names the request in `on_response` and `Cancel`.
        send: SendId,
        /// What to send.
        request: ApiRequest,
        /// The anonymous access token; `None` for the anonymous login and refresh.
        bearer: Option<String>,
    },
    /// Abort the request `Fetch` started; its answer is no longer wanted.
    Cancel(SendId),
    /// Call `client`'s token provider and report with [`Hub::on_provider`].
    AskProvider {
        /// Names the call in `on_provider`, and as the `cause` of errors.
        send: SendId,
        /// Whose provider.
        client: ClientId,
    },
    /// Settle callers' promises, all with the same result: the callers of
    /// one exchange (or of every exchange a failed renewal ends) share one
    /// output, so the result is never copied per caller.
    Settle {
        /// Whose: one or more callers, each listed once.
        calls: Vec<CallId>,
        /// Resolve each with the answer, or reject each with the error.
        result: Result<Answer, Failed>,
    },
}

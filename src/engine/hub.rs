//! The [`Hub`]: every call, shared confirmation, client and token renewal in
//! flight, and the decisions about them.
//!
//! - **Exchanges.** A confirm or resend request is an exchange: get a token,
//!   send, and after a first 401 with renewable credentials get a fresh token
//!   and send once more. Nothing else is retried: after a timeout, a dropped
//!   connection, a 429 or a 5xx the token may already be spent, or the email
//!   sent, and a retry would answer "already used" or send a second email.
//! - **Sharing.** A confirmation spends its single-use token, so concurrent
//!   `confirmOptIn` calls for one URL (base URL, tenant and token) share one
//!   exchange, process-wide: a double click, React StrictMode running an
//!   effect twice, a top-level call and a client at once. A settled exchange
//!   is forgotten at once, so a later call sends a new request. Resends are
//!   never shared: each call asks for an email.
//! - **Every caller on its own clock.** A caller ends only by its own
//!   deadline (`timeoutMs` from when it called) or its own signal. The shared
//!   exchange has no signal and a bound of its own: the latest deadline among
//!   the callers that joined it, and at least [`DEFAULT_TIMEOUT_MS`] (15 s),
//!   but at most [`MAX_TIMEOUT_MS`] (600 s) after it started. It waits for
//!   its answer up to that bound even when every caller has left: once sent, the token is spent
//!   whether or not anyone reads the answer, and a caller that joins
//!   meanwhile (StrictMode's second effect, a retry after a short
//!   `timeoutMs`) still gets the customer's tokens.
//! - **Renewals.** A client with a `clientId` or a token provider renews its
//!   anonymous token in one renewal at a time, which every exchange of that
//!   client waits on, bounded by the client's `timeoutMs`: a refresh while
//!   the refresh token is good, else a login, and a login after a refresh
//!   refused with a 4xx other than 429. It caches the session even when its
//!   waiters have left.

use super::{
    Answer, CallId, Caller, ClientConfig, ClientId, Failed, Output, ProviderAnswer, SendId,
    TokenSource,
};
use crate::anonymous::{self, AnonymousLogin, Next, Session};
use crate::error::{Operation, OptInError};
use crate::request::{ApiRequest, Target};
use crate::response::{self, RawResponse};
use crate::validate::{self, DEFAULT_TIMEOUT_MS, MAX_TIMEOUT_MS};

/// The sans-IO state of every call in the process (see the module docs).
#[derive(Debug, Default)]
pub struct Hub {
    /// The last id handed out; calls, exchanges and sends share one counter.
    next_id: u64,
    /// Registered clients, in the order they were added.
    clients: Vec<Client>,
    /// Requests under way (or waiting for a token), oldest first.
    exchanges: Vec<Exchange>,
    /// Callers not yet settled, oldest first: each names its exchange.
    calls: Vec<Call>,
    /// In the order they are due. A `Vec` drained from the front rather than
    /// a `VecDeque`: it holds a handful at most, and a `Vec<Output>` costs
    /// the wasm less code than a ring buffer of them.
    outputs: Vec<Output>,
}

/// An `OptInClient`: its configuration and its anonymous session.
#[derive(Debug)]
struct Client {
    id: ClientId,
    /// Where its calls go.
    target: Target,
    /// Its `timeoutMs`: the default for its calls, and the bound of a renewal.
    timeout_ms: u32,
    source: Source,
    /// The cached anonymous session, once a renewal got one.
    session: Option<Session>,
    /// The renewal under way, which its exchanges wait on.
    renewal: Option<Renewal>,
    /// The client object is gone; forgotten after its last exchange.
    released: bool,
}

/// Where a client's tokens come from.
#[derive(Debug)]
enum Source {
    /// The `anonymousToken` string: used as it is, never renewed.
    Supplied(String),
    /// The client's own anonymous login (`clientId`), boxed: it is most of
    /// a client's size, and a smaller `Client` is cheaper to move.
    Login(Box<AnonymousLogin>),
    /// A token provider function, asked through [`Output::AskProvider`].
    Provider,
}

/// A login, refresh or provider call under way for one client.
#[derive(Debug)]
struct Renewal {
    /// The request or provider call under way.
    send: SendId,
    stage: Stage,
    /// When the current request was sent: token lifetimes count from then.
    requested_at: f64,
    deadline: f64,
}

impl Renewal {
    /// The request to abort when the renewal is given up: none while the
    /// token provider is asked, as its call cannot be cancelled.
    fn request(&self) -> Option<SendId> {
        (self.stage != Stage::Asking).then_some(self.send)
    }
}

/// What a renewal is doing.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Stage {
    /// Exchanging the session's refresh token.
    Refreshing,
    /// Logging in anew.
    LoggingIn,
    /// Waiting for the token provider.
    Asking,
}

/// One confirm or resend request, from its first send to its answer (see
/// the module docs).
#[derive(Debug)]
struct Exchange {
    id: u64,
    /// What is sent, again after a 401.
    request: ApiRequest,
    /// The client whose session gives the token, renewed as needed; `None`:
    /// the caller supplied `token`, sent as it is and never retried.
    client: Option<ClientId>,
    /// The supplied token, or the client's token last sent (to recognise a
    /// 401 to it); empty until then.
    token: String,
    /// The request out, if any: `None` while waiting for a token (from the
    /// client's renewal).
    send: Option<SendId>,
    /// A confirmation, which callers for the same URL join.
    shared: bool,
    /// Sent once more after a 401 already.
    retried: bool,
    /// The latest this exchange may run until.
    cap: f64,
    /// When it gives up: the latest deadline of its callers, at most `cap`.
    deadline: f64,
}

/// A caller waiting for an exchange, on its own clock.
#[derive(Debug)]
struct Call {
    id: CallId,
    /// The exchange's id.
    exchange: u64,
    /// What it called, for its timeout error.
    operation: Operation,
    /// Its `timeoutMs`, for its timeout error.
    timeout_ms: u32,
    /// When it times out.
    deadline: f64,
}

impl Hub {
    /// An empty hub. `const`, so that the driver's thread-local can hold
    /// one without lazy initialisation code.
    pub const fn new() -> Hub {
        Hub {
            next_id: 0,
            clients: Vec::new(),
            exchanges: Vec::new(),
            calls: Vec::new(),
            outputs: Vec::new(),
        }
    }

    /// A fresh id for a call, an exchange or a send.
    fn next_id(&mut self) -> u64 {
        self.next_id += 1;
        self.next_id
    }

    /// Validates an `OptInClient`'s configuration and registers the client.
    pub fn add_client(&mut self, config: ClientConfig) -> Result<ClientId, OptInError> {
        let target = Target::new(config.tenant, config.base_url)?;
        let timeout_ms = validate::timeout_ms(config.timeout_ms)?;
        if config.context.is_some()
            && config.client_id.is_none()
            && config.anonymous_token.is_some()
        {
            return Err(OptInError::invalid(
                "context",
                "needs `clientId`: only the client's own anonymous login sends it",
            ));
        }
        let source = match (config.client_id, config.anonymous_token) {
            (Some(client_id), None) => {
                let login = AnonymousLogin::new(&target, client_id)?;
                Source::Login(Box::new(match config.context {
                    Some(context) => login.with_context(context.clone()),
                    None => login,
                }))
            }
            (None, Some(TokenSource::Provider)) => Source::Provider,
            (None, Some(TokenSource::Token(token))) => {
                Source::Supplied(validate::anonymous_token(token)?.to_owned())
            }
            (None, None) => {
                return Err(OptInError::invalid(
                    "clientId",
                    "or `anonymousToken` is required (pass exactly one of them)",
                ))
            }
            (Some(_), Some(_)) => {
                return Err(OptInError::invalid(
                    "anonymousToken",
                    "cannot be combined with `clientId` (pass exactly one of them)",
                ))
            }
        };
        let id = ClientId(self.next_id());
        self.clients.push(Client {
            id,
            target,
            timeout_ms,
            source,
            session: None,
            renewal: None,
            released: false,
        });
        Ok(id)
    }

    /// The client object is gone: the client is forgotten once no exchange
    /// needs it any more (its cached session with it).
    pub fn release(&mut self, client: ClientId) {
        if let Some(client) = self.clients.iter_mut().find(|c| c.id == client) {
            client.released = true;
        }
        self.collect_clients();
    }

    /// `confirmOptIn(token)`: joins the exchange for its URL or starts one.
    /// `Err` when an option is invalid (nothing is sent); an `aborted` caller
    /// is settled with `aborted` at once.
    pub fn confirm(
        &mut self,
        caller: Caller,
        token: &str,
        timeout_ms: Option<f64>,
        aborted: bool,
        now: f64,
    ) -> Result<CallId, OptInError> {
        self.call(
            Operation::ConfirmOptIn,
            caller,
            token,
            timeout_ms,
            aborted,
            now,
        )
    }

    /// `resendActivation(email)`: never shared.
    pub fn resend(
        &mut self,
        caller: Caller,
        email: &str,
        timeout_ms: Option<f64>,
        aborted: bool,
        now: f64,
    ) -> Result<CallId, OptInError> {
        self.call(
            Operation::ResendActivation,
            caller,
            email,
            timeout_ms,
            aborted,
            now,
        )
    }

    /// Validates a call in the order its options are documented (a
    /// function's tenant, base URL and timeout before the token or email; a
    /// client's token or email before the call's timeout), then starts it.
    fn call(
        &mut self,
        operation: Operation,
        caller: Caller,
        argument: &str,
        timeout_ms: Option<f64>,
        aborted: bool,
        now: f64,
    ) -> Result<CallId, OptInError> {
        // A function's target, validated here; a client's is its own.
        let function_target;
        // The target; the bearer (the client whose session gives the token,
        // or `None` and the token supplied); the default `timeoutMs`; and the
        // call's `timeoutMs` still to check (a client's, after the token or email).
        let (target, bearer, default_timeout_ms, timeout_ms) = match caller {
            Caller::Token {
                tenant,
                base_url,
                anonymous_token,
            } => {
                let anonymous_token = validate::anonymous_token(anonymous_token)?;
                function_target = Target::new(tenant, base_url)?;
                let timeout_ms = validate::timeout_ms(timeout_ms)?;
                let bearer = (None, anonymous_token.to_owned());
                (&function_target, bearer, timeout_ms, None)
            }
            Caller::Client(id) => {
                // (`let else`, not `ok_or`: the error is built only when needed.)
                let Some(client) = self.clients.iter().find(|c| c.id == id && !c.released) else {
                    return Err(OptInError::invalid(
                        "config",
                        "belongs to a released client",
                    ));
                };
                let bearer = match &client.source {
                    Source::Supplied(token) => (None, token.clone()),
                    Source::Login(_) | Source::Provider => (Some(id), String::new()),
                };
                // The client's own `timeoutMs` is valid already.
                (&client.target, bearer, client.timeout_ms, timeout_ms)
            }
        };
        let request = match operation {
            Operation::ConfirmOptIn => target.confirm_opt_in(argument),
            _ => target.resend_activation(argument),
        }?;
        let timeout_ms = match timeout_ms {
            Some(_) => validate::timeout_ms(timeout_ms)?,
            None => default_timeout_ms,
        };
        let shared = operation == Operation::ConfirmOptIn;
        Ok(self.start(request, bearer, timeout_ms, shared, aborted, now))
    }

    /// Registers a validated call: it joins the shared exchange for its URL
    /// or starts its own, which is sent at once or waits for a token. The
    /// bearer is as [`Exchange::client`] and [`Exchange::token`] say.
    fn start(
        &mut self,
        request: ApiRequest,
        (client, token): (Option<ClientId>, String),
        timeout_ms: u32,
        shared: bool,
        aborted: bool,
        now: f64,
    ) -> CallId {
        let call = CallId(self.next_id());
        if aborted {
            // A caller that has already given up neither starts nor joins anything.
            self.reject(call, OptInError::Aborted);
            return call;
        }
        let deadline = now + f64::from(timeout_ms);
        let operation = request.operation;
        let joined = self
            .exchanges
            .iter_mut()
            .find(|e| shared && e.shared && e.request.url == request.url);
        // The exchange's id, and its index when it is new and must be sent.
        let (exchange, new) = match joined {
            Some(exchange) => {
                exchange.deadline = earlier(later(exchange.deadline, deadline), exchange.cap);
                (exchange.id, None)
            }
            None => {
                let id = self.next_id();
                // A confirmation outlives a hasty first caller, so that one
                // who joins soon after still gets the tokens it spent.
                let floor = if shared {
                    now + f64::from(DEFAULT_TIMEOUT_MS)
                } else {
                    deadline
                };
                self.exchanges.push(Exchange {
                    id,
                    request,
                    client,
                    token,
                    send: None,
                    shared,
                    retried: false,
                    cap: now + f64::from(MAX_TIMEOUT_MS),
                    deadline: later(deadline, floor),
                });
                (id, Some(self.exchanges.len() - 1))
            }
        };
        self.calls.push(Call {
            id: call,
            exchange,
            operation,
            timeout_ms,
            deadline,
        });
        if let Some(at) = new {
            self.advance(at, now);
        }
        call
    }

    /// The caller's signal aborted: it rejects with `aborted`, alone.
    pub fn abort(&mut self, call: CallId, _now: f64) {
        if let Some(at) = self.calls.iter().position(|c| c.id == call) {
            self.leave(at, OptInError::Aborted);
        }
    }

    /// The response to `send` (`None`: none came — the network failed, CORS
    /// refused it, or the connection dropped).
    pub fn on_response(&mut self, send: SendId, response: Option<&RawResponse>, now: f64) {
        let exchange = self.exchanges.iter().position(|e| e.send == Some(send));
        if let Some(at) = exchange {
            self.exchange_answered(at, response, now);
        } else if let Some(at) = self.renewing(send) {
            self.renewal_answered(at, response, now);
        }
        self.collect_clients();
    }

    /// How the token provider call `send` went.
    pub fn on_provider(&mut self, send: SendId, answer: ProviderAnswer, _now: f64) {
        let Some(at) = self.renewing(send) else {
            return;
        };
        let invalid = |problem| Err(OptInError::invalid("anonymousToken", problem));
        // What was thrown or the rejection's reason becomes the error's `cause`.
        let (result, cause) = match answer {
            ProviderAnswer::Threw => (
                invalid("the token provider threw (see `cause`)"),
                Some(send),
            ),
            ProviderAnswer::Rejected => (
                invalid("the token provider rejected (see `cause`)"),
                Some(send),
            ),
            ProviderAnswer::Settled(None) => {
                (invalid("the token provider must resolve to a string"), None)
            }
            ProviderAnswer::Settled(Some(token)) => match validate::anonymous_token(&token) {
                Ok(_) => (Ok(Session::supplied(token)), None),
                Err(error) => (Err(error), None),
            },
        };
        self.renewed(at, result, cause);
        self.collect_clients();
    }

    /// The clock reached `now`: callers, exchanges and renewals past their
    /// deadlines give up. Nothing happens when nothing is due.
    pub fn handle_timeout(&mut self, now: f64) {
        // Callers first: one whose deadline is also its exchange's hears its own timeout.
        while let Some(at) = self.calls.iter().position(|c| now >= c.deadline) {
            let call = &self.calls[at];
            let error = OptInError::Timeout {
                operation: call.operation,
                timeout_ms: call.timeout_ms,
            };
            self.leave(at, error);
        }
        while let Some(at) = self.exchanges.iter().position(|e| now >= e.deadline) {
            // Only callers that joined after the 600 s cap was set are still
            // here: the request has run for the longest `timeoutMs` there is.
            let error = OptInError::Timeout {
                operation: self.exchanges[at].request.operation,
                timeout_ms: MAX_TIMEOUT_MS,
            };
            self.end(at, Err(error));
        }
        while let Some(at) = self.clients.iter().position(|c| {
            c.renewal
                .as_ref()
                .is_some_and(|renewal| now >= renewal.deadline)
        }) {
            let client = &self.clients[at];
            let error = match client.renewal.as_ref().and_then(Renewal::request) {
                Some(send) => {
                    self.outputs.push(Output::Cancel(send));
                    OptInError::Timeout {
                        operation: Operation::AnonymousLogin,
                        timeout_ms: client.timeout_ms,
                    }
                }
                None => OptInError::invalid(
                    "anonymousToken",
                    "the token provider did not settle within `timeoutMs`",
                ),
            };
            self.renewed(at, Err(error), None);
        }
        self.collect_clients();
    }

    /// The next thing for the driver to do, if any.
    pub fn poll_output(&mut self) -> Option<Output> {
        (!self.outputs.is_empty()).then(|| self.outputs.remove(0))
    }

    /// When [`Hub::handle_timeout`] is next due: the earliest deadline of a
    /// caller, an exchange or a renewal. `None` when nothing waits.
    pub fn poll_timeout(&self) -> Option<f64> {
        // Plain loops: a chain of iterator adapters costs the wasm more code.
        let mut earliest = f64::INFINITY;
        for call in &self.calls {
            earliest = earlier(earliest, call.deadline);
        }
        for exchange in &self.exchanges {
            earliest = earlier(earliest, exchange.deadline);
        }
        for client in &self.clients {
            if let Some(renewal) = &client.renewal {
                earliest = earlier(earliest, renewal.deadline);
            }
        }
        (earliest < f64::INFINITY).then_some(earliest)
    }

    /// Nothing waits and nothing is left to do.
    pub fn is_idle(&self) -> bool {
        self.outputs.is_empty() && self.poll_timeout().is_none()
    }

    /// Outputs the settlement of `calls`, if any, all with `result`.
    fn settle(&mut self, calls: Vec<CallId>, result: Result<Answer, Failed>) {
        if !calls.is_empty() {
            self.outputs.push(Output::Settle { calls, result });
        }
    }

    /// `call` rejects with `error`, alone.
    fn reject(&mut self, call: CallId, error: OptInError) {
        self.settle(vec![call], Err(error.into()));
    }

    /// The caller at `at` rejects with `error`, alone, and leaves its
    /// exchange. A resend nobody waits for any more is cancelled; a
    /// confirmation runs on (see the module docs).
    fn leave(&mut self, at: usize, error: OptInError) {
        let call = self.calls.remove(at);
        self.reject(call.id, error);
        let Some(at) = self.exchanges.iter().position(|e| e.id == call.exchange) else {
            return;
        };
        let waited = self.calls.iter().any(|c| c.exchange == call.exchange);
        if !self.exchanges[at].shared && !waited {
            self.end(at, Err(OptInError::Aborted));
        }
    }

    /// Gets the exchange at `at` a token and sends it, or leaves it waiting
    /// for its client's renewal.
    fn advance(&mut self, at: usize, now: f64) {
        let exchange = &self.exchanges[at];
        let token = match exchange.client {
            None => exchange.token.clone(),
            Some(client) => match self.client_token(client, now) {
                Some(token) => token,
                None => return,
            },
        };
        self.send(at, token);
    }

    /// Outputs the request of the exchange at `at` with `token`, and
    /// remembers the token to recognise a 401 to it.
    fn send(&mut self, at: usize, token: String) {
        let send = SendId(self.next_id());
        let exchange = &mut self.exchanges[at];
        self.outputs.push(Output::Fetch {
            send,
            request: exchange.request.clone(),
            bearer: Some(token.clone()),
        });
        exchange.send = Some(send);
        exchange.token = token;
    }

    /// The client's token to send now, or `None` after joining or starting
    /// its renewal.
    fn client_token(&mut self, client: ClientId, now: f64) -> Option<String> {
        let at = self.clients.iter().position(|c| c.id == client)?;
        let client = &self.clients[at];
        if client.renewal.is_some() {
            return None;
        }
        if let Some(Next::Use(token)) = client.session.as_ref().map(|s| s.next(now)) {
            return Some(token.to_owned());
        }
        let deadline = now + f64::from(client.timeout_ms);
        self.renew(at, true, now, deadline);
        None
    }

    /// Starts a renewal of the client at `at`, due by `deadline`: a refresh
    /// when `refresh` and its session's refresh token is still good, else a
    /// login, or asking its provider.
    fn renew(&mut self, at: usize, refresh: bool, now: f64, deadline: f64) {
        let send = SendId(self.next_id());
        let client = &mut self.clients[at];
        let refresh_token = match client.session.as_ref().map(|s| s.next(now)) {
            Some(Next::Refresh(refresh_token)) if refresh => Some(refresh_token),
            _ => None,
        };
        let (stage, output) = match (&client.source, refresh_token) {
            (Source::Login(login), Some(refresh_token)) => {
                (Stage::Refreshing, fetch(send, login.refresh(refresh_token)))
            }
            (Source::Login(login), None) => (Stage::LoggingIn, fetch(send, login.login())),
            (Source::Provider, _) => (
                Stage::Asking,
                Output::AskProvider {
                    send,
                    client: client.id,
                },
            ),
            // Never renewed: its exchanges carry the token itself
            // (`Exchange::client` is `None`), so they never ask for one.
            (Source::Supplied(_), _) => return,
        };
        client.renewal = Some(Renewal {
            send,
            stage,
            requested_at: now,
            deadline,
        });
        self.outputs.push(output);
    }

    /// The request of the exchange at `at` was answered (or not): retried
    /// once after a 401 with a renewable token, else the end of it.
    fn exchange_answered(&mut self, at: usize, response: Option<&RawResponse>, now: f64) {
        let exchange = &mut self.exchanges[at];
        let refused = response.is_some_and(|r| r.status == 401) && !exchange.retried;
        if let (true, Some(client)) = (refused, exchange.client) {
            // The gateway refused the token before the request reached the
            // customer service: nothing was spent or sent. Once more with a
            // fresh token.
            exchange.retried = true;
            let session = self
                .clients
                .iter_mut()
                .find(|c| c.id == client)
                .and_then(|c| c.session.as_mut());
            if let Some(session) = session {
                session.reject_access(&exchange.token);
            }
            exchange.send = None;
            return self.advance(at, now);
        }
        let result = match response {
            None => Err(OptInError::Network {
                origin: exchange.request.origin.clone(),
            }),
            Some(response) => match exchange.request.operation {
                Operation::ConfirmOptIn => response::confirm_opt_in(response).map(Answer::Customer),
                _ => response::resend_activation(response).map(|()| Answer::Sent),
            },
        };
        self.end(at, result);
    }

    /// Ends the exchange at `at`: its callers settle with `result` (one
    /// output for all of them), and a request still out is cancelled. An
    /// exchange's error never has a `cause`, so it becomes a [`Failed`] here,
    /// once, rather than at each of the ways an exchange ends.
    fn end(&mut self, at: usize, result: Result<Answer, OptInError>) {
        let mut calls = Vec::new();
        self.close(at, result.is_err(), &mut calls);
        self.settle(calls, result.map_err(Failed::from));
    }

    /// Removes the exchange at `at`, cancelling its request when it `failed`
    /// while one is out, and moves its callers to `calls`.
    fn close(&mut self, at: usize, failed: bool, calls: &mut Vec<CallId>) {
        let exchange = self.exchanges.remove(at);
        if let (Some(send), true) = (exchange.send, failed) {
            self.outputs.push(Output::Cancel(send));
        }
        let mut i = 0;
        while i < self.calls.len() {
            if self.calls[i].exchange == exchange.id {
                calls.push(self.calls.remove(i).id);
            } else {
                i += 1;
            }
        }
    }

    /// The client whose renewal is `send`.
    fn renewing(&self, send: SendId) -> Option<usize> {
        self.clients
            .iter()
            .position(|c| c.renewal.as_ref().is_some_and(|r| r.send == send))
    }

    /// The login or refresh of the client at `at` was answered (or not).
    fn renewal_answered(&mut self, at: usize, response: Option<&RawResponse>, now: f64) {
        let client = &self.clients[at];
        let Some(Renewal {
            stage,
            requested_at,
            deadline,
            ..
        }) = client.renewal
        else {
            return;
        };
        let refused = response.is_some_and(|r| (400..500).contains(&r.status) && r.status != 429);
        if stage == Stage::Refreshing && refused {
            // Any 4xx but 429: the refresh token was refused (revoked,
            // expired early, unknown after a restart, or a request this
            // Emporix no longer accepts), so a fresh login gets a new
            // session, within the same renewal's deadline. A 429 is no
            // refusal: the gateway asks for fewer requests, and a login
            // right after would be one more; the callers get
            // `rate_limited` and the session stays for a later refresh.
            return self.renew(at, false, now, deadline);
        }
        let client = &mut self.clients[at];
        let result = match response {
            None => Err(OptInError::Network {
                origin: client.target.base_url().origin().to_owned(),
            }),
            Some(response) => anonymous::grant(response).map(|grant| {
                // A login's session replaces the old one in `renewed`.
                let refreshed = match stage {
                    Stage::Refreshing => client.session.take(),
                    _ => None,
                };
                match refreshed {
                    Some(session) => session.refreshed(grant, requested_at),
                    None => Session::granted(grant, requested_at),
                }
            }),
        };
        self.renewed(at, result, None);
    }

    /// The renewal of the client at `at` ended: its exchanges send with the
    /// new token, or fail with the renewal's error (one output for all their
    /// callers), with `cause` when it is a token provider's failure. The
    /// error becomes a [`Failed`] here, once, rather than at each of the ways
    /// a renewal ends.
    fn renewed(&mut self, at: usize, result: Result<Session, OptInError>, cause: Option<SendId>) {
        let client = &mut self.clients[at];
        client.renewal = None;
        let id = client.id;
        let result = result.map(|session| {
            let token = session.access_token().to_owned();
            client.session = Some(session);
            token
        });
        let mut calls = Vec::new();
        let mut i = 0;
        while i < self.exchanges.len() {
            let exchange = &self.exchanges[i];
            let waiting = exchange.send.is_none() && exchange.client == Some(id);
            if !waiting {
                i += 1;
                continue;
            }
            match &result {
                Ok(token) => {
                    self.send(i, token.clone());
                    i += 1;
                }
                Err(_) => self.close(i, true, &mut calls),
            }
        }
        if let Err(error) = result {
            self.settle(calls, Err(Failed { error, cause }));
        }
    }

    /// Forgets released clients that no exchange needs any more, with a
    /// renewal they may still have out.
    fn collect_clients(&mut self) {
        // A plain loop rather than `retain`: `Vec::retain` costs the wasm
        // more code than a `remove` of a client.
        let mut at = 0;
        while at < self.clients.len() {
            let client = &self.clients[at];
            let needed =
                !client.released || self.exchanges.iter().any(|e| e.client == Some(client.id));
            if needed {
                at += 1;
                continue;
            }
            let client = self.clients.remove(at);
            if let Some(send) = client.renewal.as_ref().and_then(Renewal::request) {
                self.outputs.push(Output::Cancel(send));
            }
        }
    }
}

// Instants (milliseconds since the epoch) are never NaN: `f64::min` and
// `f64::max` would add their NaN handling to every use in the wasm.

/// The earlier of two instants.
fn earlier(a: f64, b: f64) -> f64 {
    if a < b {
        a
    } else {
        b
    }
}

/// The later of two instants.
fn later(a: f64, b: f64) -> f64 {
    if a > b {
        a
    } else {
        b
    }
}

/// A login or refresh request: sent without a bearer token.
fn fetch(send: SendId, request: ApiRequest) -> Output {
    Output::Fetch {
        send,
        request,
        bearer: None,
    }
}

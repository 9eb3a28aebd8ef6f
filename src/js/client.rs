//! `OptInClient`: the opt-in calls with the anonymous access token taken care of.
//!
//! The token comes from one of:
//! - `clientId`: the client logs in anonymously on first need, keeps the
//!   session in memory only, refreshes it shortly before it expires while the
//!   refresh token is good, and logs in again otherwise;
//! - a provider function: called on first need and after a 401;
//! - a string: used as is (the top-level functions work this way).
//!
//! Concurrent calls share one login, refresh or provider call.
//!
//! A 401 from an opt-in call means the gateway refused the token before the
//! request reached the customer service: nothing was activated and no email
//! was sent. So the call is sent once more with a fresh token, and a second
//! 401 rejects with `unauthorized`. Nothing else is retried: after a timeout,
//! a dropped connection or a 5xx the token may already be spent, or the
//! email sent, and a retry would answer "already used" or send a second email.

use std::cell::RefCell;
use std::future::Future;
use std::rc::Rc;

use js_sys::{Function, Promise};
use tsify::Tsify;
use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;
use wasm_bindgen_futures::{future_to_promise, JsFuture};
use web_sys::AbortSignal;

use super::api::customer_token_to_js;
use super::dedupe::{self, Call, Failure, Flight};
use super::fetch;
use super::value::Fields;
use crate::anonymous::{self, AnonymousLogin, Grant, Next, Session};
use crate::context::{Given, SessionContext};
use crate::error::{Operation, OptInError};
use crate::model::CustomerToken;
use crate::request::{ApiRequest, Target};
use crate::response;
use crate::validate;

/// Configuration of an `OptInClient`: the tenant, and exactly one of
/// `clientId` and `anonymousToken`.
#[derive(Debug, Clone, Tsify)]
#[serde(rename_all = "camelCase")]
pub struct OptInClientConfig {
    /// Your Emporix tenant: 3–16 characters, a lowercase letter followed by
    /// lowercase letters or digits.
    pub tenant: String,
    /// Your storefront's client id (an Emporix storefront API key). The client
    /// then obtains anonymous access tokens itself: it logs in on first need,
    /// keeps the token in memory only (never in storage), refreshes it shortly
    /// before it expires, and shares one login among concurrent calls.
    #[tsify(optional)]
    pub client_id: Option<String>,
    /// An anonymous access token, or a function that returns one (or a
    /// promise of one). The function is called on first need and again when
    /// Emporix rejects the token (HTTP 401); concurrent calls share one call.
    /// A function that throws, rejects, or returns no valid token makes the
    /// call reject with `invalid_input` (field `anonymousToken`, the thrown
    /// value as `cause`).
    #[tsify(optional, type = "string | (() => string | PromiseLike<string>)")]
    pub anonymous_token: Option<AnonymousToken>,
    /// The Emporix API. `https://` only, except `http://` to loopback hosts
    /// (`localhost`, `127.0.0.1`, `[::1]`) for local testing. A path prefix
    /// (for a proxy) is allowed; credentials, query and fragment are not.
    /// @default "https://api.emporix.io"
    #[tsify(optional)]
    pub base_url: Option<String>,
    /// Milliseconds before a call gives up with code `timeout` (1–600000),
    /// including any login it waits for. Each call may set its own.
    /// @default 15000
    #[tsify(optional)]
    pub timeout_ms: Option<f64>,
    /// Only with `clientId`: the session context of the client's anonymous
    /// logins, sent as the login's `siteCode`, `currency`, `language` and
    /// `targetLocation` query parameters, so that Emporix's session belongs
    /// to that site, currency, language and country. A wrong value makes the
    /// call reject with `invalid_input` (`field` such as `context.currency`)
    /// before anything is sent. Without it, the tenant's defaults apply.
    #[tsify(optional)]
    pub context: Option<SessionContext>,
}

/// The `anonymousToken` option.
#[derive(Debug, Clone)]
pub enum AnonymousToken {
    /// The token itself.
    Token(String),
    /// A function returning the token or a promise of it.
    Provider(Function),
}

/// Options of one `OptInClient` call.
#[derive(Debug, Clone, Default, Tsify)]
#[serde(rename_all = "camelCase")]
pub struct CallOptions {
    /// Aborts the call: it then rejects with code `aborted`. For
    /// `confirmOptIn` the request itself is not cancelled once sent: it stays
    /// available to other calls for the same token (see the README).
    #[tsify(optional, type = "AbortSignal")]
    pub signal: Option<AbortSignal>,
    /// Milliseconds before the call gives up with code `timeout` (1–600000).
    /// @default the client's `timeoutMs`
    #[tsify(optional)]
    pub timeout_ms: Option<f64>,
}

impl OptInClientConfig {
    /// Reads the config object passed from JavaScript.
    pub fn read(value: &JsValue) -> Result<OptInClientConfig, OptInError> {
        let fields = Fields::new(value, "config")?;
        Ok(OptInClientConfig {
            tenant: fields.string("tenant")?,
            client_id: fields.optional_string("clientId")?,
            anonymous_token: read_anonymous_token(value)?,
            base_url: fields.optional_string("baseUrl")?,
            timeout_ms: fields.optional_number("timeoutMs")?,
            context: read_context(value)?,
        })
    }
}

/// `config.context`: an object whose four keys [`SessionContext::read`] checks.
fn read_context(config: &JsValue) -> Result<Option<SessionContext>, OptInError> {
    const FIELD: &str = "context";
    let value = js_sys::Reflect::get(config, &JsValue::from_str(FIELD))
        .map_err(|_| OptInError::invalid(FIELD, "could not be read (its getter threw)"))?;
    if value.is_undefined() || value.is_null() {
        return Ok(None);
    }
    if !value.is_object() || js_sys::Array::is_array(&value) {
        return Err(OptInError::invalid(FIELD, "must be a plain object"));
    }
    SessionContext::read(
        |key| match js_sys::Reflect::get(&value, &JsValue::from_str(key.name())) {
            Err(_) => Given::Unreadable,
            Ok(v) if v.is_undefined() || v.is_null() => Given::Absent,
            Ok(v) => v.as_string().map_or(Given::NotText, Given::Text),
        },
    )
    .map(Some)
}

/// `config.anonymousToken`: a string or a function. Read here rather than
/// with [`Fields`], which knows no functions.
fn read_anonymous_token(config: &JsValue) -> Result<Option<AnonymousToken>, OptInError> {
    const FIELD: &str = "anonymousToken";
    let value = js_sys::Reflect::get(config, &JsValue::from_str(FIELD))
        .map_err(|_| OptInError::invalid(FIELD, "could not be read (its getter threw)"))?;
    if value.is_undefined() || value.is_null() {
        return Ok(None);
    }
    if let Some(token) = value.as_string() {
        validate::anonymous_token(&token)?;
        return Ok(Some(AnonymousToken::Token(token)));
    }
    match value.dyn_into::<Function>() {
        Ok(provider) => Ok(Some(AnonymousToken::Provider(provider))),
        Err(_) => Err(OptInError::invalid(
            FIELD,
            "must be a string or a function returning one",
        )),
    }
}

impl CallOptions {
    /// Reads the optional options object of a call.
    pub fn read(value: &JsValue) -> Result<CallOptions, OptInError> {
        if value.is_undefined() || value.is_null() {
            return Ok(CallOptions::default());
        }
        let fields = Fields::new(value, "options")?;
        Ok(CallOptions {
            signal: fields.optional_signal("signal")?,
            timeout_ms: fields.optional_number("timeoutMs")?,
        })
    }
}

/// The WebAssembly half of `OptInClient`, which creates it once the module
/// has loaded. Left out of the generated declarations: `OptInClient` is
/// declared in the package's `client.d.ts`, and a declared class would carry
/// `[Symbol.dispose]`, which TypeScript projects without the `esnext` library
/// cannot compile.
#[wasm_bindgen(skip_typescript)]
pub struct OptInClientCore {
    client: Rc<Client>,
}

#[wasm_bindgen]
impl OptInClientCore {
    /// Validates `config`; throws an `OptInError` (`invalid_input`) otherwise.
    #[wasm_bindgen(constructor)]
    pub fn new(config: JsValue) -> Result<OptInClientCore, JsValue> {
        let client = OptInClientConfig::read(&config)
            .and_then(Client::new)
            .map_err(|error| Failure::from(error).into_js())?;
        Ok(OptInClientCore {
            client: Rc::new(client),
        })
    }

    /// Confirms the opt-in token from the activation link: Emporix activates
    /// the account and answers with the new customer's tokens. Concurrent
    /// calls for the same token share one request.
    #[wasm_bindgen(js_name = confirmOptIn)]
    pub fn confirm_opt_in(&self, token: JsValue, options: JsValue) -> Promise {
        let client = self.client.clone();
        promise(async move {
            let options = CallOptions::read(&options)?;
            let token = client.confirm(&string(&token, "token")?, options).await?;
            Ok(customer_token_to_js(&token))
        })
    }

    /// Asks Emporix to email a new activation link to `email`. Resolves (to
    /// `undefined`) on any 2xx; the previous link stops working.
    #[wasm_bindgen(js_name = resendActivation)]
    pub fn resend_activation(&self, email: JsValue, options: JsValue) -> Promise {
        let client = self.client.clone();
        promise(async move {
            let options = CallOptions::read(&options)?;
            client.resend(&string(&email, "email")?, options).await?;
            Ok(JsValue::UNDEFINED)
        })
    }
}

/// A required string argument.
fn string(value: &JsValue, field: &'static str) -> Result<String, OptInError> {
    if value.is_undefined() || value.is_null() {
        return Err(OptInError::invalid(field, "is required"));
    }
    value
        .as_string()
        .ok_or(OptInError::invalid(field, "must be a string"))
}

/// The promise of a call: `work`'s value, or the `OptInError` it failed with.
fn promise(work: impl Future<Output = Result<JsValue, Failure>> + 'static) -> Promise {
    future_to_promise(async move { work.await.map_err(Failure::into_js) })
}

/// A client: where the calls go, their default timeout, and the credentials.
pub(crate) struct Client {
    target: Target,
    timeout_ms: u32,
    credentials: Credentials,
}

enum Credentials {
    /// A token from the caller: used as is, never renewed.
    Supplied(String),
    /// Renewed by logging in or by asking the caller's provider.
    Renewable(Rc<Renewable>),
}

impl Client {
    /// Validates `config`.
    pub(crate) fn new(config: OptInClientConfig) -> Result<Client, OptInError> {
        let target = Target::new(&config.tenant, config.base_url.as_deref())?;
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
        let context = config.context.unwrap_or_default();
        let source = match (config.client_id, config.anonymous_token) {
            (Some(client_id), None) => {
                Source::Login(AnonymousLogin::new(&target, &client_id)?.with_context(context))
            }
            (None, Some(AnonymousToken::Provider(provider))) => Source::Provider(provider),
            (None, Some(AnonymousToken::Token(token))) => {
                return Ok(Client::supplied(target, timeout_ms, token));
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
        let renewable = Renewable {
            source,
            timeout_ms,
            cache: RefCell::default(),
        };
        Ok(Client {
            target,
            timeout_ms,
            credentials: Credentials::Renewable(Rc::new(renewable)),
        })
    }

    /// A client that sends `anonymous_token` (already validated) as it is.
    pub(crate) fn supplied(target: Target, timeout_ms: u32, anonymous_token: String) -> Client {
        Client {
            target,
            timeout_ms,
            credentials: Credentials::Supplied(anonymous_token),
        }
    }

    /// `confirmOptIn`, sharing one request among concurrent calls for `token`
    /// (see [`dedupe`]).
    pub(crate) async fn confirm(
        self: &Rc<Self>,
        token: &str,
        options: CallOptions,
    ) -> Result<CustomerToken, Failure> {
        let request = self.target.confirm_opt_in(token)?;
        let timeout_ms = self.timeout(options.timeout_ms)?;
        let call = Call::new(Operation::ConfirmOptIn, timeout_ms, options.signal);
        let client = self.clone();
        dedupe::confirm_once(request, &call, move |request| async move {
            // The shared request runs on its own clock, the starting call's
            // `timeoutMs`, and with no signal: no single caller cancels it.
            let flight = Call::new(Operation::ConfirmOptIn, timeout_ms, None);
            let exchange = client.send(&request, &flight).await?;
            Ok(response::confirm_opt_in(&exchange.raw())?)
        })
        .await
    }

    /// `resendActivation`. Never shared: each call asks for an email.
    pub(crate) async fn resend(&self, email: &str, options: CallOptions) -> Result<(), Failure> {
        let request = self.target.resend_activation(email)?;
        let timeout_ms = self.timeout(options.timeout_ms)?;
        let call = Call::new(Operation::ResendActivation, timeout_ms, options.signal);
        call.check()?;
        let exchange = self.send(&request, &call).await?;
        Ok(response::resend_activation(&exchange.raw())?)
    }

    fn timeout(&self, per_call: Option<f64>) -> Result<u32, OptInError> {
        match per_call {
            Some(_) => validate::timeout_ms(per_call),
            None => Ok(self.timeout_ms),
        }
    }

    /// Sends `request` with the anonymous token; after a 401, once more with
    /// a fresh one when the credentials can provide it.
    async fn send(&self, request: &ApiRequest, call: &Call) -> Result<fetch::Exchange, Failure> {
        let token = call.bound(self.access_token()).await??;
        let exchange = send_with(request, &token, call).await?;
        if exchange.raw().status != 401 {
            return Ok(exchange);
        }
        match call.bound(self.fresh_token(&token)).await?? {
            Some(fresh) => Ok(send_with(request, &fresh, call).await?),
            None => Ok(exchange),
        }
    }

    async fn access_token(&self) -> Result<String, Failure> {
        match &self.credentials {
            Credentials::Supplied(token) => Ok(token.clone()),
            Credentials::Renewable(renewable) => renewable.access_token().await,
        }
    }

    /// A token to replace `rejected`, or `None` when the caller supplied it.
    async fn fresh_token(&self, rejected: &str) -> Result<Option<String>, Failure> {
        match &self.credentials {
            Credentials::Supplied(_) => Ok(None),
            Credentials::Renewable(renewable) => renewable.fresh_token(rejected).await.map(Some),
        }
    }
}

async fn send_with(
    request: &ApiRequest,
    bearer: &str,
    call: &Call,
) -> Result<fetch::Exchange, OptInError> {
    fetch::send(request, Some(bearer), call.limits()?)
        .await
        .map_err(|error| call.restate(error))
}

/// Where fresh tokens come from.
enum Source {
    Login(AnonymousLogin),
    Provider(Function),
}

/// Credentials that can be renewed, with the session they last produced.
struct Renewable {
    source: Source,
    timeout_ms: u32,
    cache: RefCell<Cache>,
}

#[derive(Default)]
struct Cache {
    session: Option<Session>,
    /// The login, refresh or provider call under way, which concurrent
    /// callers join rather than starting their own.
    renewal: Option<Flight<String>>,
}

impl Renewable {
    /// The token to send now: the cached one while it is good, else the
    /// outcome of the (shared) renewal.
    async fn access_token(self: &Rc<Self>) -> Result<String, Failure> {
        let renewal = {
            let mut cache = self.cache.borrow_mut();
            match &cache.renewal {
                Some(renewal) => renewal.clone(),
                None => {
                    let now = js_sys::Date::now();
                    let refresh = match cache.session.as_ref().map(|s| (s, s.next(now))) {
                        Some((_, Next::Use(token))) => return Ok(token.to_owned()),
                        Some((session, Next::Refresh(refresh_token))) => {
                            Some((session.clone(), refresh_token.to_owned()))
                        }
                        Some((_, Next::Renew)) | None => None,
                    };
                    // `start` only queues the renewal, so it cannot finish
                    // (and clear this slot) before it is stored here.
                    let renewal = Flight::start(self.clone().renew(refresh));
                    cache.renewal = Some(renewal.clone());
                    renewal
                }
            }
        };
        renewal.outcome().await
    }

    /// Emporix answered 401 to `rejected`: a token renewed since then, or a
    /// new one.
    async fn fresh_token(self: &Rc<Self>, rejected: &str) -> Result<String, Failure> {
        if let Some(session) = self.cache.borrow_mut().session.as_mut() {
            session.reject_access(rejected);
        }
        self.access_token().await
    }

    /// Obtains a new session and caches it; runs as the shared renewal.
    async fn renew(self: Rc<Self>, refresh: Option<(Session, String)>) -> Result<String, Failure> {
        let obtained = self.obtain(refresh).await;
        let mut cache = self.cache.borrow_mut();
        cache.renewal = None;
        let session = obtained?;
        let token = session.access_token().to_owned();
        cache.session = Some(session);
        Ok(token)
    }

    /// Runs as a renewal that callers of either call may share, so its own
    /// errors speak of the anonymous login, not of one caller's operation.
    async fn obtain(&self, refresh: Option<(Session, String)>) -> Result<Session, Failure> {
        // A login or provider that never answers must not hold every later call.
        let limit = Call::new(Operation::AnonymousLogin, self.timeout_ms, None);
        match &self.source {
            Source::Provider(provider) => ask(provider, &limit).await.map(Session::supplied),
            Source::Login(login) => {
                if let Some((session, refresh_token)) = refresh {
                    let requested_at = js_sys::Date::now();
                    let request = login.refresh(&refresh_token);
                    match fetch_grant(&request, &limit).await {
                        Ok(grant) => return Ok(session.refreshed(grant, requested_at)),
                        // Refused (revoked, or expired early): log in again.
                        Err(OptInError::Unauthorized { .. }) => {}
                        Err(error) => return Err(error.into()),
                    }
                }
                let requested_at = js_sys::Date::now();
                let grant = fetch_grant(&login.login(), &limit).await?;
                Ok(Session::granted(grant, requested_at))
            }
        }
    }
}

/// Calls the token provider and checks what it settles with.
async fn ask(provider: &Function, limit: &Call) -> Result<String, Failure> {
    let failed = |problem, cause| Failure {
        error: OptInError::invalid("anonymousToken", problem),
        cause,
    };
    let returned = provider
        .call0(&JsValue::UNDEFINED)
        .map_err(|thrown| failed("the token provider threw (see `cause`)", Some(thrown)))?;
    let value = match limit
        .bound(JsFuture::from(Promise::resolve(&returned)))
        .await
    {
        Ok(Ok(value)) => value,
        Ok(Err(reason)) => {
            return Err(failed(
                "the token provider rejected (see `cause`)",
                Some(reason),
            ))
        }
        Err(_) => {
            return Err(failed(
                "the token provider did not settle within `timeoutMs`",
                None,
            ))
        }
    };
    let token = value
        .as_string()
        .ok_or_else(|| failed("the token provider must resolve to a string", None))?;
    validate::anonymous_token(&token)?;
    Ok(token)
}

/// Sends a login or refresh `request` (no `Authorization` header) within
/// `limit`, and decodes the grant.
async fn fetch_grant(request: &ApiRequest, limit: &Call) -> Result<Grant, OptInError> {
    let exchange = fetch::send(request, None, limit.limits()?).await?;
    anonymous::grant(&exchange.raw())
}

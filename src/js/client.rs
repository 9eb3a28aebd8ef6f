//! `OptInClient`: the opt-in calls with the anonymous access token taken care of.
//!
//! The token comes from one of:
//! - `clientId`: the client logs in anonymously on first need, keeps the
//!   session in memory only, refreshes it shortly before it expires while the
//!   refresh token is good, and logs in again otherwise;
//! - a provider function: called on first need and after a 401;
//! - a string: used as is (the top-level functions work this way).
//!
//! What happens when — concurrent calls sharing one login, refresh or
//! provider call, the one retry after a 401, shared confirmations — is the
//! core's ([`crate::engine`]); this module reads the options and hands the
//! calls to the driver.

use js_sys::{Function, Promise};
use tsify::Tsify;
use wasm_bindgen::prelude::*;
use web_sys::AbortSignal;

use super::driver;
use super::error::to_js_error;
use super::options::{Layout, Options, Slot};
use super::value;
use crate::context::SessionContext;
use crate::engine::{Caller, ClientConfig, ClientId, TokenSource};
use crate::error::OptInError;

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

/// The options of an `OptInClient`, in the order of [`OptInClientConfig`].
pub(crate) const CONFIG: &Layout = &[
    ("tenant", Slot::Tenant),
    ("clientId", Slot::ClientId),
    ("anonymousToken", Slot::TokenOrProvider),
    ("baseUrl", Slot::BaseUrl),
    ("timeoutMs", Slot::TimeoutMs),
    ("context", Slot::Context),
];

/// The options of one call, in the order of [`CallOptions`].
pub(crate) const CALL: &Layout = &[("signal", Slot::Signal), ("timeoutMs", Slot::TimeoutMs)];

/// The WebAssembly half of `OptInClient`, which creates it once the module
/// has loaded. Left out of the generated declarations: `OptInClient` is
/// declared in the package's `client.d.ts`, and a declared class would carry
/// `[Symbol.dispose]`, which TypeScript projects without the `esnext` library
/// cannot compile.
#[wasm_bindgen(skip_typescript)]
pub struct OptInClientCore {
    client: ClientId,
}

#[wasm_bindgen]
impl OptInClientCore {
    /// Validates `config`; throws an `OptInError` (`invalid_input`) otherwise.
    #[wasm_bindgen(constructor)]
    pub fn new(config: JsValue) -> Result<OptInClientCore, JsValue> {
        OptInClientCore::create(&config).map_err(|e| to_js_error(&e))
    }

    /// Confirms the opt-in token from the activation link: Emporix activates
    /// the account and answers with the new customer's tokens. Concurrent
    /// calls for the same token share one request.
    #[wasm_bindgen(js_name = confirmOptIn)]
    pub fn confirm_opt_in(&self, token: JsValue, options: JsValue) -> Promise {
        self.call(&token, "token", &options, false)
    }

    /// Asks Emporix to email a new activation link to `email`. Resolves (to
    /// `undefined`) on any 2xx; the previous link stops working.
    #[wasm_bindgen(js_name = resendActivation)]
    pub fn resend_activation(&self, email: JsValue, options: JsValue) -> Promise {
        self.call(&email, "email", &options, true)
    }
}

impl OptInClientCore {
    /// Reads `config` and adds the client, its options borrowed by the
    /// engine's [`ClientConfig`] (the hub keeps its own copies).
    fn create(config: &JsValue) -> Result<OptInClientCore, OptInError> {
        let mut options = Options::new();
        options.read(config, "config", CONFIG)?;
        let anonymous_token = match (&options.anonymous_token, &options.provider) {
            (Some(token), _) => Some(TokenSource::Token(token)),
            (None, Some(_)) => Some(TokenSource::Provider),
            (None, None) => None,
        };
        let client = driver::with_hub(|hub, _| {
            hub.add_client(ClientConfig {
                // Required: set whenever `read` succeeds.
                tenant: options.tenant.as_deref().unwrap_or_default(),
                base_url: options.base_url.as_deref(),
                timeout_ms: options.timeout_ms,
                client_id: options.client_id.as_deref(),
                anonymous_token,
                context: options.context.as_ref(),
            })
        })?;
        if let Some(provider) = options.provider.take() {
            driver::add_provider(client, provider);
        }
        Ok(OptInClientCore { client })
    }

    fn call(
        &self,
        argument: &JsValue,
        field: &'static str,
        options: &JsValue,
        resend: bool,
    ) -> Promise {
        // The options first, then the argument: the first problem is reported.
        // Call options may be left out altogether.
        let given = options;
        let mut options = Options::new();
        let read = if value::absent(given) {
            Ok(())
        } else {
            options.read(given, "options", CALL)
        };
        let read = read.and_then(|()| options.take(field, Slot::Argument, value::given(argument)));
        if let Err(error) = read {
            return driver::rejected(error);
        }
        let caller = Caller::Client(self.client);
        driver::call(
            caller,
            options.argument.as_deref().unwrap_or_default(),
            resend,
            options.timeout_ms,
            options.signal.take(),
        )
    }
}

impl Drop for OptInClientCore {
    fn drop(&mut self) {
        driver::release(self.client);
    }
}

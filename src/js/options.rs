//! The options of the exported functions, and the one reader of every options
//! object. The structs are the single source of the TypeScript declarations
//! (via tsify; their `///` docs become TSDoc). The values are read by
//! [`Options::read`] from a static [`Layout`] per options object, a list of
//! (name, [`Slot`]) in the declared order (a test keeps the two in step):
//! one loop and one check per kind of option, rather than code per option at
//! each site, which cost the wasm about 600 bytes gzip (`bench/SIZE.md`).

use js_sys::Function;
use tsify::Tsify;
use wasm_bindgen::{JsCast, JsValue};
use web_sys::AbortSignal;

use super::value::{absent, is_plain_object, property};
use crate::context::{Given, SessionContext};
use crate::error::OptInError;
use crate::validate;

/// Options shared by every call.
#[derive(Debug, Clone, Tsify)]
#[serde(rename_all = "camelCase")]
pub struct ClientOptions {
    /// Your Emporix tenant: 3–16 characters, a lowercase letter followed by
    /// lowercase letters or digits.
    pub tenant: String,
    /// An Emporix anonymous access token (from `GET /customerlogin/auth/anonymous/login`),
    /// sent as `Authorization: Bearer …`.
    pub anonymous_token: String,
    /// The Emporix API. `https://` only, except `http://` to loopback hosts
    /// (`localhost`, `127.0.0.1`, `[::1]`) for local testing. A path prefix
    /// (for a proxy) is allowed; credentials, query and fragment are not.
    /// @default "https://api.emporix.io"
    #[tsify(optional)]
    pub base_url: Option<String>,
    /// Milliseconds before the call gives up with code `timeout` (1–600000).
    /// Covers the whole exchange, including reading the body.
    /// @default 15000
    #[tsify(optional)]
    pub timeout_ms: Option<f64>,
    /// Aborts the call: it then rejects with code `aborted`.
    #[tsify(optional, type = "AbortSignal")]
    pub signal: Option<AbortSignal>,
}

/// Options of `confirmOptIn`.
#[derive(Debug, Clone, Tsify)]
#[serde(rename_all = "camelCase")]
pub struct ConfirmOptInOptions {
    #[serde(flatten)]
    #[allow(missing_docs)]
    pub client: ClientOptions,
    /// The opt-in token from the activation link (see `readOptInToken`). It is
    /// sent percent-encoded as one path segment, exactly as given.
    pub token: String,
}

/// Options of `resendActivation`.
#[derive(Debug, Clone, Tsify)]
#[serde(rename_all = "camelCase")]
pub struct ResendActivationOptions {
    #[serde(flatten)]
    #[allow(missing_docs)]
    pub client: ClientOptions,
    /// The shopper's email address; Emporix sends a new activation link to it.
    pub email: String,
}

/// Which option a descriptor reads: how it is checked and where it is kept.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Slot {
    /// `tenant`: a required string.
    Tenant,
    /// The functions' `anonymousToken`: a required string, checked.
    AnonymousToken,
    /// `OptInClient`'s `anonymousToken`: a string (checked) or a function.
    TokenOrProvider,
    /// `clientId`: an optional string.
    ClientId,
    /// `baseUrl`: an optional string.
    BaseUrl,
    /// `timeoutMs`: an optional number.
    TimeoutMs,
    /// `signal`: an optional `AbortSignal`.
    Signal,
    /// `context`: an optional plain object, see [`SessionContext::read`].
    Context,
    /// A function's own required string: `token` or `email`.
    Argument,
}

/// An options object's layout: each option's name and slot, in the order
/// they are read (the first problem is the one reported).
pub(crate) type Layout = [(&'static str, Slot)];

/// The options of `confirmOptIn`, in the order of [`ConfirmOptInOptions`].
const CONFIRM: &Layout = &[
    ("anonymousToken", Slot::AnonymousToken),
    ("tenant", Slot::Tenant),
    ("baseUrl", Slot::BaseUrl),
    ("timeoutMs", Slot::TimeoutMs),
    ("signal", Slot::Signal),
    ("token", Slot::Argument),
];

/// The options of `resendActivation`: those of `confirmOptIn` but `email`.
const RESEND: &Layout = &[
    ("anonymousToken", Slot::AnonymousToken),
    ("tenant", Slot::Tenant),
    ("baseUrl", Slot::BaseUrl),
    ("timeoutMs", Slot::TimeoutMs),
    ("signal", Slot::Signal),
    ("email", Slot::Argument),
];

/// The options of a function (`resend`: `resendActivation`'s).
pub(crate) fn function_layout(resend: bool) -> &'static Layout {
    if resend {
        RESEND
    } else {
        CONFIRM
    }
}

/// Every option an options object can hold, as read by one table-driven
/// reader instead of code per option. An option left out stays `None`; a
/// required one is `Some` once [`Options::read`] succeeds.
#[derive(Debug, Default)]
pub(crate) struct Options {
    /// `tenant`.
    pub tenant: Option<String>,
    /// `anonymousToken` given as a string.
    pub anonymous_token: Option<String>,
    /// `anonymousToken` given as a function.
    pub provider: Option<Function>,
    /// `clientId`.
    pub client_id: Option<String>,
    /// `baseUrl`.
    pub base_url: Option<String>,
    /// `timeoutMs`.
    pub timeout_ms: Option<f64>,
    /// `signal`.
    pub signal: Option<AbortSignal>,
    /// `context`, checked.
    pub context: Option<SessionContext>,
    /// `token` or `email`.
    pub argument: Option<String>,
}

impl Options {
    /// No option read yet. Out of line: the struct is large to initialise at
    /// each of its three sites.
    #[inline(never)]
    pub(crate) fn new() -> Options {
        Options::default()
    }

    /// Reads the options `layout` names from `value`, an options object that
    /// `field` names in the error when it is missing or not an object. Read
    /// into `self` rather than returned: the struct is large to move.
    pub(crate) fn read(
        &mut self,
        value: &JsValue,
        field: &'static str,
        layout: &Layout,
    ) -> Result<(), OptInError> {
        if absent(value) {
            return Err(OptInError::invalid(
                field,
                "is required: pass an options object",
            ));
        }
        if !is_plain_object(value) {
            return Err(OptInError::invalid(field, "must be a plain object"));
        }
        for &(name, slot) in layout {
            let given = property(value, name)?;
            self.take(name, slot, given.as_ref())?;
        }
        Ok(())
    }

    /// Checks and keeps one option's value (`None`: left out).
    pub(crate) fn take(
        &mut self,
        name: &'static str,
        slot: Slot,
        given: Option<&JsValue>,
    ) -> Result<(), OptInError> {
        // Each arm keeps the value and returns, or names the problem: one
        // error exit for them all.
        let problem = match (given, slot) {
            (None, Slot::Tenant | Slot::AnonymousToken | Slot::Argument) => "is required",
            (None, _) => return Ok(()),
            (Some(value), Slot::TimeoutMs) => match value.as_f64() {
                Some(number) => {
                    self.timeout_ms = Some(number);
                    return Ok(());
                }
                None => "must be a number",
            },
            (Some(value), Slot::Signal) if looks_like_signal(value) => {
                self.signal = Some(value.clone().unchecked_into());
                return Ok(());
            }
            (Some(_), Slot::Signal) => "must be an AbortSignal",
            (Some(value), Slot::Context) if is_plain_object(value) => {
                self.context = Some(context(value)?);
                return Ok(());
            }
            (Some(_), Slot::Context) => "must be a plain object",
            (Some(value), _) => match value.as_string() {
                Some(text) => {
                    if matches!(slot, Slot::AnonymousToken | Slot::TokenOrProvider) {
                        validate::anonymous_token(&text)?;
                    }
                    *self.text(slot) = Some(text);
                    return Ok(());
                }
                None if slot == Slot::TokenOrProvider && value.is_function() => {
                    self.provider = Some(value.clone().unchecked_into());
                    return Ok(());
                }
                None if slot == Slot::TokenOrProvider => {
                    "must be a string or a function returning one"
                }
                None => "must be a string",
            },
        };
        Err(OptInError::invalid(name, problem))
    }

    /// Where a string option is kept. `take` asks only for the string slots:
    /// the last arm is the anonymous token's two (`AnonymousToken`,
    /// `TokenOrProvider` given a string).
    fn text(&mut self, slot: Slot) -> &mut Option<String> {
        match slot {
            Slot::Tenant => &mut self.tenant,
            Slot::ClientId => &mut self.client_id,
            Slot::BaseUrl => &mut self.base_url,
            Slot::Argument => &mut self.argument,
            _ => &mut self.anonymous_token,
        }
    }
}

/// Whether `value` is an `AbortSignal`, recognised by shape rather than
/// `instanceof` so a signal from another realm (an iframe, a Node polyfill)
/// works too.
fn looks_like_signal(value: &JsValue) -> bool {
    value.is_object()
        && property(value, "aborted")
            .is_ok_and(|aborted| aborted.is_some_and(|a| a.as_bool().is_some()))
        && property(value, "addEventListener")
            .is_ok_and(|listen| listen.is_some_and(|l| l.is_function()))
}

/// A `context` object: its four keys, which [`SessionContext::read`] checks.
fn context(value: &JsValue) -> Result<SessionContext, OptInError> {
    SessionContext::read(|key| match property(value, key.name()) {
        Err(_) => Given::Unreadable,
        Ok(None) => Given::Absent,
        Ok(Some(v)) => v.as_string().map_or(Given::NotText, Given::Text),
    })
}

#[cfg(test)]
mod tests {
    use tsify::Tsify;

    use super::*;
    use crate::js::client::{CallOptions, OptInClientConfig, CALL, CONFIG};

    /// The names of a declaration's fields, in order (`name?: type;` or
    /// `name: type;`, each after its TSDoc comment).
    fn declared(decl: &str) -> Vec<String> {
        let mut body = decl[decl.find('{').unwrap() + 1..decl.rfind('}').unwrap()].to_owned();
        while let Some(start) = body.find("/**") {
            let end = start + body[start..].find("*/").unwrap() + 2;
            body.replace_range(start..end, "");
        }
        body.split(';')
            .filter_map(|field| field.split(':').next())
            .map(|name| name.trim().trim_end_matches('?').to_owned())
            .filter(|name| !name.is_empty())
            .collect()
    }

    fn layout_names(layout: &Layout) -> Vec<String> {
        layout.iter().map(|(name, _)| (*name).to_owned()).collect()
    }

    /// Each reader's layout lists exactly the declared options, in the
    /// declared order: the TypeScript types and the reader cannot drift apart.
    #[test]
    fn layouts_read_the_declared_options_in_order() {
        let client = declared(ClientOptions::DECL);
        for (layout, own, argument) in [
            (CONFIRM, ConfirmOptInOptions::DECL, "token"),
            (RESEND, ResendActivationOptions::DECL, "email"),
        ] {
            assert_eq!(declared(own), [argument]);
            let mut names = layout_names(layout);
            assert_eq!(names.pop().as_deref(), Some(argument));
            // `anonymousToken` is read first, then the rest as declared.
            let mut expected = client.clone();
            expected.retain(|name| name != "anonymousToken");
            expected.insert(0, "anonymousToken".to_owned());
            assert_eq!(names, expected);
        }
        assert_eq!(layout_names(CONFIG), declared(OptInClientConfig::DECL));
        assert_eq!(layout_names(CALL), declared(CallOptions::DECL));
    }
}

//! The options of the exported functions. These structs are the single source
//! of the TypeScript declarations (via tsify); their `///` docs become TSDoc.

use tsify::Tsify;
use wasm_bindgen::JsValue;
use web_sys::AbortSignal;

use super::value::Fields;
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

impl ClientOptions {
    /// Reads these options from a call's options object; the call's own
    /// required string (`token` or `email`) is read after them.
    pub(crate) fn read(fields: &Fields) -> Result<ClientOptions, OptInError> {
        let anonymous_token = fields.string("anonymousToken")?;
        validate::anonymous_token(&anonymous_token)?;
        Ok(ClientOptions {
            tenant: fields.string("tenant")?,
            anonymous_token,
            base_url: fields.optional_string("baseUrl")?,
            timeout_ms: fields.optional_number("timeoutMs")?,
            signal: fields.optional_signal("signal")?,
        })
    }
}

impl ConfirmOptInOptions {
    /// Reads the options object passed from JavaScript.
    pub fn read(value: &JsValue) -> Result<ConfirmOptInOptions, OptInError> {
        let fields = Fields::new(value, "options")?;
        let client = ClientOptions::read(&fields)?;
        Ok(ConfirmOptInOptions {
            client,
            token: fields.string("token")?,
        })
    }
}

impl ResendActivationOptions {
    /// Reads the options object passed from JavaScript.
    pub fn read(value: &JsValue) -> Result<ResendActivationOptions, OptInError> {
        let fields = Fields::new(value, "options")?;
        let client = ClientOptions::read(&fields)?;
        Ok(ResendActivationOptions {
            client,
            email: fields.string("email")?,
        })
    }
}

//! Building the two Emporix requests from validated input.

use percent_encoding::{utf8_percent_encode, AsciiSet, NON_ALPHANUMERIC};

use crate::base_url::{BaseUrl, DEFAULT_BASE_URL};
use crate::error::{Operation, OptInError};
use crate::validate;

/// Everything but RFC 3986 unreserved characters is encoded, so a token can
/// never add a path segment, a query or a fragment.
const PATH_SEGMENT: &AsciiSet = &NON_ALPHANUMERIC
    .remove(b'-')
    .remove(b'.')
    .remove(b'_')
    .remove(b'~');

/// HTTP method of a request.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Method {
    /// `GET`.
    Get,
    /// `POST`, with a JSON body.
    Post,
}

/// A request ready to be sent: the edge adds `Authorization` and performs it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ApiRequest {
    /// Which call this is.
    pub operation: Operation,
    /// The method.
    pub method: Method,
    /// The absolute URL.
    pub url: String,
    /// The JSON body, for `POST`.
    pub body: Option<String>,
    /// The origin the request goes to; the bearer token is sent nowhere else.
    pub origin: String,
}

/// The validated parts every call shares.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Target {
    base_url: BaseUrl,
    tenant: String,
}

impl Target {
    /// Validates the tenant and the base URL (`None` means the production API).
    pub fn new(tenant: &str, base_url: Option<&str>) -> Result<Target, OptInError> {
        let tenant = validate::tenant(tenant)?;
        // The default is parsed like any other: one path to a `BaseUrl`.
        let base_url = BaseUrl::parse(base_url.unwrap_or(DEFAULT_BASE_URL))?;
        // Copied last, so that no error path has a copy to free.
        Ok(Target {
            base_url,
            tenant: tenant.to_owned(),
        })
    }

    /// The tenant.
    pub fn tenant(&self) -> &str {
        &self.tenant
    }

    /// The base URL.
    pub fn base_url(&self) -> &BaseUrl {
        &self.base_url
    }

    /// `GET /customer/{tenant}/signup/optin/{token}`.
    pub fn confirm_opt_in(&self, token: &str) -> Result<ApiRequest, OptInError> {
        let token = validate::optin_token(token)?;
        Ok(self.build(Operation::ConfirmOptIn, token))
    }

    /// `POST /customer/{tenant}/signup/optin/refresh_token` with `{"email": …}`.
    pub fn resend_activation(&self, email: &str) -> Result<ApiRequest, OptInError> {
        let email = validate::email(email)?;
        Ok(self.build(Operation::ResendActivation, email))
    }

    /// The request for `operation` with its validated `argument` (the token
    /// of a confirmation, the email of a resend): one function for both, so
    /// the wasm holds the URL and request building once.
    #[inline(never)]
    fn build(&self, operation: Operation, argument: &str) -> ApiRequest {
        // Written onto the base URL directly: no path string to copy and free.
        let mut url = self.base_url.join("/customer/");
        url.push_str(&self.tenant);
        url.push_str("/signup/optin/");
        let (method, body) = if operation == Operation::ConfirmOptIn {
            push_encoded(&mut url, argument);
            (Method::Get, None)
        } else {
            url.push_str("refresh_token");
            let mut body = String::with_capacity(argument.len() + 12);
            body.push_str("{\"email\":");
            push_json_string(&mut body, argument);
            body.push('}');
            (Method::Post, Some(body))
        };
        ApiRequest {
            operation,
            method,
            url,
            body,
            origin: self.base_url.origin().to_owned(),
        }
    }
}

/// `value` percent-encoded as a path segment or query parameter value: only
/// RFC 3986 unreserved characters stay as they are.
pub fn encode_component(value: &str) -> String {
    let mut encoded = String::with_capacity(value.len());
    push_encoded(&mut encoded, value);
    encoded
}

/// Appends `value` percent-encoded like [`encode_component`]. The encoder's
/// pieces are pushed one by one rather than through its `Display`, which
/// would link `core::fmt`'s argument machinery into the wasm.
pub(crate) fn push_encoded(out: &mut String, value: &str) {
    for piece in utf8_percent_encode(value, PATH_SEGMENT) {
        out.push_str(piece);
    }
}

/// `value` as a JSON string literal.
pub fn json_string(value: &str) -> String {
    let mut out = String::with_capacity(value.len() + 2);
    push_json_string(&mut out, value);
    out
}

/// Appends `value` as a JSON string literal.
fn push_json_string(out: &mut String, value: &str) {
    out.push('"');
    for c in value.chars() {
        // The escapes with a short form, as the letter after the `\`.
        let short = match c {
            '"' => '"',
            '\\' => '\\',
            '\n' => 'n',
            '\r' => 'r',
            '\t' => 't',
            _ => '\0',
        };
        if short != '\0' {
            out.push('\\');
            out.push(short);
        } else if (c as u32) < 0x20 || c == '\u{2028}' || c == '\u{2029}' {
            // `\u` and four lowercase hex digits, written by hand rather
            // than with `format!("{:04x}")` (no `core::fmt` in the wasm).
            const HEX: &[u8; 16] = b"0123456789abcdef";
            out.push_str("\\u");
            for &shift in &[12, 8, 4, 0] {
                out.push(char::from(HEX[(c as usize >> shift) & 0xf]));
            }
        } else {
            out.push(c);
        }
    }
    out.push('"');
}

#[cfg(test)]
mod tests {
    use super::*;

    fn target() -> Target {
        Target::new("myshop", Some("https://api.emporix.io")).unwrap()
    }

    #[test]
    fn builds_the_confirm_url() {
        let request = target().confirm_opt_in("3f2a-9b_c.d~e").unwrap();
        assert_eq!(request.method, Method::Get);
        assert_eq!(request.operation, Operation::ConfirmOptIn);
        assert_eq!(
            request.url,
            "https://api.emporix.io/customer/myshop/signup/optin/3f2a-9b_c.d~e"
        );
        assert_eq!(request.body, None);
        assert_eq!(request.origin, "https://api.emporix.io");
    }

    #[test]
    fn hostile_tokens_stay_one_path_segment() {
        let cases = [
            ("a/b", "a%2Fb"),
            ("../../admin", "..%2F..%2Fadmin"),
            ("a?x=1", "a%3Fx%3D1"),
            ("a#frag", "a%23frag"),
            ("100%", "100%25"),
            ("%2F", "%252F"),
            ("a b", "a%20b"),
            ("ü😀", "%C3%BC%F0%9F%98%80"),
            ("\u{202e}rtl", "%E2%80%AErtl"),
            ("...", "..."),
            ("a\\b", "a%5Cb"),
        ];
        for (token, encoded) in cases {
            let request = target().confirm_opt_in(token).unwrap();
            assert_eq!(
                request.url,
                format!("https://api.emporix.io/customer/myshop/signup/optin/{encoded}"),
                "{token:?}"
            );
        }
    }

    #[test]
    fn builds_the_resend_request() {
        let request = target().resend_activation("shopper@example.com").unwrap();
        assert_eq!(request.method, Method::Post);
        assert_eq!(
            request.url,
            "https://api.emporix.io/customer/myshop/signup/optin/refresh_token"
        );
        assert_eq!(
            request.body.as_deref(),
            Some(r#"{"email":"shopper@example.com"}"#)
        );
    }

    #[test]
    fn email_is_escaped_as_json() {
        let request = target().resend_activation(r#"a"b\c@example.com"#).unwrap();
        let body: serde_json::Value =
            serde_json::from_str(request.body.as_deref().unwrap()).unwrap();
        assert_eq!(body["email"], r#"a"b\c@example.com"#);
        assert_eq!(json_string("\u{1}\u{2028}"), "\"\\u0001\\u2028\"");
    }

    #[test]
    fn every_character_round_trips_through_json_string() {
        let mut every_char: String = (0..=0x7f_u8).map(char::from).collect();
        every_char.push_str("\u{80}\u{2028}\u{2029}ü😀");
        for c in every_char.chars() {
            let text = c.to_string();
            let json = json_string(&text);
            let decoded: String = serde_json::from_str(&json).unwrap();
            assert_eq!(decoded, text, "{json}");
            // No raw control character or line/paragraph separator is left.
            assert!(!json.contains(|c: char| c < ' ' || c == '\u{2028}' || c == '\u{2029}'));
        }
        assert_eq!(json_string("\"\\\n\r\t"), r#""\"\\\n\r\t""#);
        assert_eq!(
            json_string("\u{8}\u{c}\u{1f}\u{7f}"),
            "\"\\u0008\\u000c\\u001f\u{7f}\""
        );
    }

    #[test]
    fn base_url_prefix_and_default() {
        let proxied = Target::new("myshop", Some("http://127.0.0.1:8080/api/")).unwrap();
        assert_eq!(
            proxied.confirm_opt_in("t").unwrap().url,
            "http://127.0.0.1:8080/api/customer/myshop/signup/optin/t"
        );
        let default = Target::new("myshop", None).unwrap();
        assert_eq!(
            default.confirm_opt_in("t").unwrap().origin,
            "https://api.emporix.io"
        );
    }

    #[test]
    fn validation_runs_before_building() {
        assert!(matches!(
            Target::new("My-Shop", None),
            Err(OptInError::InvalidInput {
                field: "tenant",
                ..
            })
        ));
        assert!(matches!(
            Target::new("myshop", Some("http://example.com")),
            Err(OptInError::InvalidInput {
                field: "baseUrl",
                ..
            })
        ));
        assert!(matches!(
            target().confirm_opt_in(" "),
            Err(OptInError::InvalidInput { field: "token", .. })
        ));
        assert!(matches!(
            target().resend_activation("nope"),
            Err(OptInError::InvalidInput { field: "email", .. })
        ));
    }
}

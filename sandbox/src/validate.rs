//! Input rules shared by the handlers: tenant names, email addresses, path
//! segments and request bodies.

use percent_encoding::percent_decode_str;
use serde_json::{Map, Value};

use crate::errors::ApiError;

/// `^[a-z][a-z0-9]+$`, 3 to 16 characters.
pub fn is_valid_tenant(tenant: &str) -> bool {
    let mut chars = tenant.chars();
    (3..=16).contains(&tenant.len())
        && chars.next().is_some_and(|c| c.is_ascii_lowercase())
        && chars.all(|c| c.is_ascii_lowercase() || c.is_ascii_digit())
}

/// Checks a tenant name, returning the 400 the API gives for a bad one.
pub fn tenant(tenant: &str) -> Result<&str, ApiError> {
    if is_valid_tenant(tenant) {
        Ok(tenant)
    } else {
        Err(ApiError::invalid_tenant(tenant))
    }
}

/// Deliberately simple address check: one `@`, non-empty local part, a dotted
/// domain, no whitespace or control characters, at most 254 bytes.
pub fn is_valid_email(email: &str) -> bool {
    let Some((local, domain)) = email.split_once('@') else {
        return false;
    };
    email.len() <= 254
        && !local.is_empty()
        && local.len() <= 64
        && !domain.contains('@')
        && !email.chars().any(|c| c.is_whitespace() || c.is_control())
        && domain.split('.').count() >= 2
        && domain.split('.').all(|label| {
            !label.is_empty()
                && !label.starts_with('-')
                && !label.ends_with('-')
                && label.chars().all(|c| c.is_alphanumeric() || c == '-')
        })
}

/// Lookup key of an email: trimmed and lowercased, as the API treats addresses
/// case-insensitively.
pub fn email_key(email: &str) -> String {
    email.trim().to_lowercase()
}

/// Percent-decodes one raw path segment exactly once.
pub fn decode_segment(raw: &str) -> Option<String> {
    percent_decode_str(raw)
        .decode_utf8()
        .ok()
        .map(|s| s.into_owned())
}

/// Parses a request body as a JSON object, with 400s naming what is wrong.
pub fn json_object(body: &[u8]) -> Result<Map<String, Value>, ApiError> {
    if body.iter().all(u8::is_ascii_whitespace) {
        return Err(ApiError::validation(
            "body",
            "missing_value",
            "Request body is required",
        ));
    }
    match serde_json::from_slice::<Value>(body) {
        Ok(Value::Object(map)) => Ok(map),
        Ok(_) => Err(ApiError::validation(
            "body",
            "invalid_type",
            "Request body must be a JSON object",
        )),
        Err(err) => Err(ApiError::validation(
            "body",
            "malformed_json",
            format!("Request body is not valid JSON: {err}"),
        )),
    }
}

/// The `email` field of a body: present, a string, and a plausible address.
pub fn email_field(body: &Map<String, Value>) -> Result<String, ApiError> {
    match body.get("email") {
        None | Some(Value::Null) => Err(ApiError::validation(
            "email",
            "missing_value",
            "Field 'email' is required",
        )),
        Some(Value::String(email)) if is_valid_email(email.trim()) => Ok(email.trim().to_owned()),
        Some(Value::String(email)) => Err(ApiError::validation(
            "email",
            "invalid_value",
            format!("'{email}' is not a valid email address"),
        )),
        Some(_) => Err(ApiError::validation(
            "email",
            "invalid_type",
            "Field 'email' must be a string",
        )),
    }
}

/// Extracts the token of an `Authorization: Bearer <token>` header value.
pub fn bearer(header: Option<&str>) -> Option<&str> {
    let value = header?.trim();
    let (scheme, token) = value.split_once(' ')?;
    let token = token.trim();
    (scheme.eq_ignore_ascii_case("bearer") && !token.is_empty()).then_some(token)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tenant_rules() {
        for ok in ["abc", "a1b", "tenant1", "abcdefghijklmnop"] {
            assert!(is_valid_tenant(ok), "{ok}");
        }
        for bad in [
            "",
            "a",
            "ab",
            "AB",
            "Abc",
            "1abc",
            "ab-c",
            "abcdefghijklmnopq",
            "äbc",
            "ab c",
        ] {
            assert!(!is_valid_tenant(bad), "{bad}");
        }
    }

    #[test]
    fn email_rules() {
        for ok in ["a@b.co", "first.last+tag@example.com", "x@sub.domain.io"] {
            assert!(is_valid_email(ok), "{ok}");
        }
        for bad in [
            "", "plain", "@b.co", "a@", "a@b", "a@@b.co", "a b@c.de", "a@b..co", "a@-b.co",
            "a@b.co\n",
        ] {
            assert!(!is_valid_email(bad), "{bad:?}");
        }
    }

    #[test]
    fn bearer_parsing() {
        assert_eq!(bearer(Some("Bearer abc")), Some("abc"));
        assert_eq!(bearer(Some("bearer  abc ")), Some("abc"));
        assert_eq!(bearer(Some("Basic abc")), None);
        assert_eq!(bearer(Some("Bearer ")), None);
        assert_eq!(bearer(Some("Bearer")), None);
        assert_eq!(bearer(None), None);
    }

    #[test]
    fn decodes_once() {
        assert_eq!(decode_segment("a%2Fb%2525").as_deref(), Some("a/b%25"));
        assert_eq!(decode_segment("%F0%9F%98%80").as_deref(), Some("😀"));
        assert_eq!(decode_segment("%FF"), None);
        assert_eq!(decode_segment("a+b").as_deref(), Some("a+b"));
    }
}

//! Validation of the call options, before anything is sent.
//!
//! Values are never trimmed or otherwise repaired: a value that is not exactly
//! right is rejected with a message that says how to fix it, so what reaches
//! Emporix is always what the caller passed.

use crate::error::{OptInError, Problem};

/// Default for `timeoutMs`.
pub const DEFAULT_TIMEOUT_MS: u32 = 15_000;
/// Largest accepted `timeoutMs` (10 minutes).
pub const MAX_TIMEOUT_MS: u32 = 600_000;
/// Longest accepted opt-in token. Real tokens are far shorter; this bounds the URL.
pub const MAX_TOKEN_LEN: usize = 4096;

/// An Emporix tenant: `^[a-z][a-z0-9]+$`, 3–16 characters.
pub fn tenant(value: &str) -> Result<&str, OptInError> {
    accept("tenant", value, tenant_rules(value))
}

fn tenant_rules(value: &str) -> Result<(), Problem> {
    if value.is_empty() {
        return Err("must not be empty");
    }
    if !matches!(value.len(), 3..=16) {
        return Err("must be 3 to 16 characters long");
    }
    if any_byte(value.as_bytes(), |b| b.is_ascii_uppercase()) {
        return Err("must be lowercase (Emporix tenant names are lowercase)");
    }
    let starts_with_letter = value.as_bytes().first().is_some_and(u8::is_ascii_lowercase);
    if !starts_with_letter
        || !all_bytes(value.as_bytes(), |b| {
            b.is_ascii_lowercase() || b.is_ascii_digit()
        })
    {
        return Err("must start with a letter and contain only a-z and 0-9");
    }
    Ok(())
}

/// The opt-in token from the activation link.
///
/// Any printable text is accepted and sent percent-encoded as one path
/// segment; `.` and `..` are refused because URL parsers collapse them (even
/// when percent-encoded), which would change the path.
pub fn optin_token(value: &str) -> Result<&str, OptInError> {
    accept("token", value, optin_token_rules(value))
}

fn optin_token_rules(value: &str) -> Result<(), Problem> {
    // Empty, or whitespace only.
    if !any_char(value, |c| !c.is_whitespace()) {
        return Err("must not be empty or only whitespace");
    }
    if value.len() > MAX_TOKEN_LEN {
        return Err("is too long to be an activation token (over 4096 characters)");
    }
    if any_char(value, char::is_control) {
        return Err("must not contain control characters");
    }
    if value == "." || value == ".." {
        return Err("cannot be \".\" or \"..\"");
    }
    Ok(())
}

/// An email address, checked for shape only: `local@domain`, no whitespace or
/// control characters, at most 254 characters. Emporix does the rest.
pub fn email(value: &str) -> Result<&str, OptInError> {
    accept("email", value, email_rules(value))
}

fn email_rules(value: &str) -> Result<(), Problem> {
    if value.is_empty() {
        return Err("must not be empty");
    }
    if value.len() > 254 {
        return Err("must be at most 254 characters");
    }
    if has_space_or_control(value) {
        return Err("must not contain spaces or control characters (trim the input first)");
    }
    let bytes = value.as_bytes();
    let (mut at, mut ats) = (0, 0);
    for (i, &byte) in bytes.iter().enumerate() {
        if byte == b'@' {
            (at, ats) = (i, ats + 1);
        }
    }
    if ats != 1 {
        return Err("must be an email address like name@example.com, with one @");
    }
    let (local, domain) = (
        bytes.get(..at).unwrap_or_default(),
        bytes.get(at + 1..).unwrap_or_default(),
    );
    if local.is_empty() || local.len() > 64 {
        return Err("must have 1 to 64 characters before the @");
    }
    if domain.is_empty()
        || matches!(domain.first(), Some(b'.'))
        || matches!(domain.last(), Some(b'.'))
        || has_double_dot(domain)
        || any_byte(domain, |b| {
            matches!(
                b,
                b'[' | b']' | b'(' | b')' | b',' | b';' | b':' | b'<' | b'>' | b'"' | b'\\'
            )
        })
    {
        return Err("must have a valid domain after the @");
    }
    Ok(())
}

/// The anonymous access token, which goes into the `Authorization` header:
/// visible ASCII only (the header would be refused otherwise), at most 8 KiB.
// Inlined into each of its callers (the engine's three, the options
// reader's one): measured 27 B gzip smaller than its one out-of-line copy.
#[inline(always)]
pub fn anonymous_token(value: &str) -> Result<&str, OptInError> {
    accept("anonymousToken", value, anonymous_token_rules(value))
}

fn anonymous_token_rules(value: &str) -> Result<(), Problem> {
    if value.is_empty() {
        return Err("must not be empty");
    }
    if value.len() > 8192 {
        return Err("must be at most 8192 characters");
    }
    if value
        .as_bytes()
        .get(..7)
        .is_some_and(|head| head.eq_ignore_ascii_case(b"bearer "))
    {
        return Err("must be the token alone, without the \"Bearer \" prefix");
    }
    if !is_visible_ascii(value) {
        return Err("must contain only visible ASCII characters, without spaces");
    }
    Ok(())
}

/// `value` if its rules found no problem, else the `invalid_input` error for
/// `field`. The rules return only the problem, so each of their many early
/// returns writes a `&'static str` rather than a whole `OptInError`. Left to
/// the inliner: with every function inlinable (the release build's
/// `-Zcross-crate-inline-threshold=always`), an out-of-line copy measured
/// 79 B gzip larger than inlining it into the four validators.
fn accept<'a>(
    field: &'static str,
    value: &'a str,
    rules: Result<(), Problem>,
) -> Result<&'a str, OptInError> {
    rules
        .map(|()| value)
        .map_err(|problem| OptInError::invalid(field, problem))
}

/// `timeoutMs`: a finite number of milliseconds from 1 to 600000; fractions round up.
pub fn timeout_ms(value: Option<f64>) -> Result<u32, OptInError> {
    let Some(value) = value else {
        return Ok(DEFAULT_TIMEOUT_MS);
    };
    // One range test: NaN and both infinities fail it too (two comparisons,
    // where `is_finite` adds a float classification to each caller).
    if value > 0.0 && value <= f64::from(MAX_TIMEOUT_MS) {
        return Ok(value.ceil() as u32);
    }
    Err(OptInError::invalid(
        "timeoutMs",
        "must be a number of milliseconds from 1 to 600000",
    ))
}

// Small text checks shared by the core's parsers (`base_url`, `context`,
// `anonymous`, `retry_after`, `model`, `error`): one copy of each in the wasm.

/// Whether `value` has a whitespace or control character, as Unicode defines
/// them (`char::is_whitespace`, `char::is_control`). One function for every
/// option that refuses them, so the wasm carries one copy of the loop.
pub(crate) fn has_space_or_control(value: &str) -> bool {
    any_char(value, |c| c.is_whitespace() || c.is_control())
}

/// Whether `text` contains `..`, compared as bytes (`str::contains` with a
/// string pattern would link its searcher's panic paths into the wasm).
// Out of line: measured 7 B gzip smaller than inlined into the email check.
#[inline(never)]
fn has_double_dot(text: &[u8]) -> bool {
    let mut previous = 0;
    for &byte in text {
        if byte == b'.' && previous == b'.' {
            return true;
        }
        previous = byte;
    }
    false
}

/// Whether `value` is visible ASCII only (`!` to `~`): no spaces, no control
/// characters, nothing an HTTP header would refuse.
pub(crate) fn is_visible_ascii(value: &str) -> bool {
    all_bytes(value.as_bytes(), |b| b.is_ascii_graphic())
}

/// Appends `value` in decimal, the inverse of [`decimal`].
///
/// Hand-written for size: `Display` would link `core::fmt`'s argument and
/// padding machinery, and `itoa` (tried) cost 358 bytes of code and a 200-byte
/// table in the wasm for the few numbers the core writes (ports, statuses,
/// seconds, milliseconds).
pub(crate) fn push_decimal(out: &mut String, value: u32) {
    // The largest power of ten not above `value` (1 for 0 to 9). Cannot
    // overflow: it is multiplied only while `value` is at least ten times it.
    let mut power = 1;
    while value / power >= 10 {
        power *= 10;
    }
    loop {
        out.push(char::from(b'0' + (value / power % 10) as u8));
        if power == 1 {
            return;
        }
        power /= 10;
    }
}

// The three loops below serve every byte- and character-class check of the
// core. Each `bytes().all(|b| …)` with its own closure compiled to its own
// copy of the iterator's `try_fold` in the wasm (60 to 100 bytes each, about
// a dozen of them); a plain loop over a `fn` pointer exists once.

/// Whether every byte of `bytes` is `allowed` (true when there are none).
#[inline(never)]
pub(crate) fn all_bytes(bytes: &[u8], allowed: fn(u8) -> bool) -> bool {
    for &byte in bytes {
        if !allowed(byte) {
            return false;
        }
    }
    true
}

/// Whether some byte of `bytes` `matches`.
#[inline(never)]
pub(crate) fn any_byte(bytes: &[u8], matches: fn(u8) -> bool) -> bool {
    for &byte in bytes {
        if matches(byte) {
            return true;
        }
    }
    false
}

/// Whether some character of `text` `matches`.
#[inline(never)]
pub(crate) fn any_char(text: &str, matches: fn(char) -> bool) -> bool {
    for c in text.chars() {
        if matches(c) {
            return true;
        }
    }
    false
}

/// The value of a non-empty run of ASCII digits, saturating at `u64::MAX`;
/// `None` when `digits` is empty or holds anything else (a sign, a space).
///
/// Hand-written instead of `str::parse`: the core parsed `u8`, `u16`, `u64`
/// and `i64`, and each was its own copy of core's generic integer parser in
/// the wasm (`parse::<i64>` alone was 563 bytes). Callers that accept a sign
/// or bound the value do so themselves, visibly.
pub(crate) fn decimal(digits: &[u8]) -> Option<u64> {
    if digits.is_empty() {
        return None;
    }
    let mut value: u64 = 0;
    for &byte in digits {
        if !byte.is_ascii_digit() {
            return None;
        }
        let digit = u64::from(byte - b'0');
        // Saturating by comparison: `saturating_mul` on a u64 linked a
        // 128-bit multiplication (`__multi3`) into the wasm.
        value = if value > u64::MAX / 10 || (value == u64::MAX / 10 && digit > u64::MAX % 10) {
            u64::MAX
        } else {
            value * 10 + digit
        };
    }
    Some(value)
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;

    /// The problem of an `invalid_input` error for `expected_field`.
    pub(crate) fn problem(
        result: Result<impl std::fmt::Debug, OptInError>,
        expected_field: &str,
    ) -> String {
        match result {
            Err(OptInError::InvalidInput { field, problem }) => {
                assert_eq!(field, expected_field);
                problem.to_owned()
            }
            other => panic!("expected invalid {expected_field}, got {other:?}"),
        }
    }

    #[test]
    fn decimals_are_read_and_written_exactly() {
        for value in [0, 7, 9, 10, 99, 100, 443, 65_535, 1_000_000_000, u32::MAX] {
            let mut text = String::from("x");
            push_decimal(&mut text, value);
            assert_eq!(text, format!("x{value}"));
            assert_eq!(decimal(&text.as_bytes()[1..]), Some(u64::from(value)));
        }
        assert_eq!(decimal(b"007"), Some(7));
        assert_eq!(decimal(b"99999999999999999999999"), Some(u64::MAX));
        // Exact up to u64::MAX, which every longer or larger value saturates to.
        assert_eq!(decimal(b"18446744073709551614"), Some(u64::MAX - 1));
        assert_eq!(decimal(b"18446744073709551615"), Some(u64::MAX));
        assert_eq!(decimal(b"18446744073709551616"), Some(u64::MAX));
        assert_eq!(decimal(b"18446744073709551620"), Some(u64::MAX));
        assert_eq!(
            decimal(b"1844674407370955162"),
            Some(1_844_674_407_370_955_162)
        );
        assert_eq!(decimal(b"184467440737095516150"), Some(u64::MAX));
        assert_eq!(decimal(b"0000000000000000000000001"), Some(1));
        for not_digits in [&b""[..], b"+1", b"-1", b" 1", b"1 ", b"1.5", b"\xd9\xa1"] {
            assert_eq!(decimal(not_digits), None, "{not_digits:?}");
        }
    }

    #[test]
    fn tenant_follows_the_spec_pattern() {
        for good in ["abc", "shop1", "a12", "abcdefghijklmnop"] {
            assert_eq!(tenant(good), Ok(good));
        }
        assert!(problem(tenant(""), "tenant").contains("empty"));
        assert!(problem(tenant("ab"), "tenant").contains("3 to 16"));
        assert!(problem(tenant("abcdefghijklmnopq"), "tenant").contains("3 to 16"));
        assert!(problem(tenant("Shop"), "tenant").contains("lowercase"));
        assert!(problem(tenant("1shop"), "tenant").contains("start with a letter"));
        assert!(problem(tenant("my-shop"), "tenant").contains("a-z and 0-9"));
        assert!(problem(tenant("shop "), "tenant").contains("a-z and 0-9"));
        assert!(problem(tenant(" shop"), "tenant").contains("start with a letter"));
        assert!(problem(tenant("sh/op"), "tenant").contains("a-z and 0-9"));
        assert!(problem(tenant("shöp"), "tenant").contains("a-z and 0-9"));
        assert!(problem(tenant(&"a".repeat(65536)), "tenant").contains("3 to 16"));
    }

    #[test]
    fn token_accepts_printable_text_and_refuses_the_rest() {
        for good in ["abc", "a/b?c#d%e f", "ü😀\u{0301}", "...", " padded "] {
            assert_eq!(optin_token(good), Ok(good));
        }
        assert!(problem(optin_token(""), "token").contains("empty"));
        assert!(problem(optin_token(" \t\n"), "token").contains("whitespace"));
        assert!(problem(optin_token("a\0b"), "token").contains("control"));
        assert!(problem(optin_token("a\u{7f}"), "token").contains("control"));
        assert!(problem(optin_token("."), "token").contains("\".\""));
        assert!(problem(optin_token(".."), "token").contains("\"..\""));
        assert!(problem(optin_token(&"x".repeat(MAX_TOKEN_LEN + 1)), "token").contains("too long"));
        assert!(optin_token(&"x".repeat(MAX_TOKEN_LEN)).is_ok());
    }

    #[test]
    fn email_is_checked_for_shape() {
        for good in [
            "a@b",
            "shopper@example.com",
            "first.last+tag@sub.example.co.uk",
            "ü@exämple.de",
        ] {
            assert_eq!(email(good), Ok(good));
        }
        assert!(problem(email(""), "email").contains("empty"));
        assert!(problem(email("shopper"), "email").contains("like name@example.com"));
        assert!(problem(email("@example.com"), "email").contains("before the @"));
        assert!(problem(email("a@"), "email").contains("domain"));
        assert!(problem(email("a@b..c"), "email").contains("domain"));
        assert!(problem(email("a@.b"), "email").contains("domain"));
        assert!(problem(email("a@b@c"), "email").contains("one @"));
        assert!(problem(email(" a@b.c"), "email").contains("spaces"));
        assert!(problem(email("a@b.c "), "email").contains("trim"));
        assert!(problem(email("a\0@b.c"), "email").contains("control"));
        assert!(problem(email(&format!("{}@b.c", "a".repeat(65))), "email").contains("1 to 64"));
        assert!(problem(email(&format!("a@{}.c", "b".repeat(260))), "email").contains("254"));
    }

    #[test]
    fn anonymous_token_must_fit_a_header() {
        assert_eq!(
            anonymous_token("eyJhbGciOi.x-y_z~+/="),
            Ok("eyJhbGciOi.x-y_z~+/=")
        );
        assert!(problem(anonymous_token(""), "anonymousToken").contains("empty"));
        assert!(problem(anonymous_token("a b"), "anonymousToken").contains("visible ASCII"));
        assert!(problem(anonymous_token("a\nb"), "anonymousToken").contains("visible ASCII"));
        assert!(problem(anonymous_token("tökén"), "anonymousToken").contains("visible ASCII"));
        assert!(problem(anonymous_token(&"a".repeat(8193)), "anonymousToken").contains("8192"));
        assert!(problem(anonymous_token("Bearer abc"), "anonymousToken").contains("prefix"));
        assert!(problem(anonymous_token("abcdefüx"), "anonymousToken").contains("visible ASCII"));
    }

    #[test]
    fn timeout_is_a_sane_number_of_milliseconds() {
        assert_eq!(timeout_ms(None), Ok(DEFAULT_TIMEOUT_MS));
        assert_eq!(timeout_ms(Some(1.0)), Ok(1));
        assert_eq!(timeout_ms(Some(250.2)), Ok(251));
        assert_eq!(timeout_ms(Some(600_000.0)), Ok(600_000));
        for bad in [
            0.0,
            -1.0,
            f64::NAN,
            f64::INFINITY,
            f64::NEG_INFINITY,
            600_000.5,
            1e12,
        ] {
            assert!(
                problem(timeout_ms(Some(bad)), "timeoutMs").contains("1 to 600000"),
                "{bad}"
            );
        }
    }
}

//! Property tests of the pure core: what holds for *every* input, not just
//! the examples in the unit tests. 10,000 cases per property.
//!
//! - a token can never leave its path segment, whatever the tenant and base URL;
//! - every option is either accepted as given or rejected with its own `field`;
//! - any status, header and body decodes to a value or a typed error, without
//!   panicking and without echoing the body into the message.
#![cfg(not(target_arch = "wasm32"))]

use emporix_optin::base_url::BaseUrl;
use emporix_optin::error::{ErrorCode, OptInError};
use emporix_optin::json::{Json, MAX_DEPTH};
use emporix_optin::request::{Method, Target};
use emporix_optin::response::{self, RawResponse, MAX_KEPT_BODY};
use emporix_optin::{retry_after, validate};
use percent_encoding::percent_decode_str;
use proptest::prelude::*;
use proptest::sample::select;
use serde_json::Value;

const CASES: u32 = 10_000;

/// Characters that mean something in URLs, JSON or HTTP, plus hostile Unicode:
/// drawn often so that short random strings hit the interesting paths.
const SPECIAL: &[char] = &[
    '/', '.', '%', '?', '#', '&', '=', '@', ':', '[', ']', '\\', '"', '\'', '+', '-', '_', '~',
    ' ', '\t', '\n', '\r', '\0', '\u{7f}', '\u{85}', '\u{a0}', '\u{200b}', '\u{202e}', '\u{2028}',
    '\u{301}', '\u{feff}', 'é', 'ß', 'İ', '😀', 'a', 'Z', '0', '2', 'e', 'E', 'F',
];

/// A string mixing [`SPECIAL`] characters with arbitrary ones.
fn text(max_len: usize) -> impl Strategy<Value = String> {
    let char = prop_oneof![3 => select(SPECIAL), 1 => any::<char>()];
    prop::collection::vec(char, 0..=max_len).prop_map(String::from_iter)
}

/// Base URLs the library accepts, with and without a path prefix.
fn valid_base() -> impl Strategy<Value = &'static str> {
    select(
        &[
            "https://api.emporix.io",
            "https://API.emporix.io/",
            "https://shop.example:8443/emporix/",
            "http://127.0.0.1:18480",
            "http://[::1]:8080/a%20b/",
            "http://localhost/x~y/z",
        ][..],
    )
}

/// Everything a parser could trip on in a URL, behind plausible schemes, and
/// URLs assembled from plausible parts (which are often valid).
fn url_like() -> impl Strategy<Value = String> {
    prop_oneof![
        hostile_url(),
        "(https?|HTTPS?)://(localhost|127\\.0\\.0\\.1|api\\.emporix\\.io|\\[::1\\]|[a-z0-9.-]{0,12})\
         (:[0-9+]{0,6})?(/[a-zA-Z0-9%._~!$&'()*+,;=:@/-]{0,16})?",
    ]
}

fn hostile_url() -> impl Strategy<Value = String> {
    let scheme = select(
        &[
            "https://",
            "http://",
            "HTTPS://",
            "http://127.0.0.1",
            "http://localhost",
            "https://api.emporix.io",
            "javascript:",
            "data:",
            "//",
            "",
        ][..],
    );
    (scheme, text(24)).prop_map(|(scheme, rest)| format!("{scheme}{rest}"))
}

fn unreserved_or_escape(segment: &str) -> bool {
    let bytes = segment.as_bytes();
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b'%' {
            let hex = |j: usize| bytes.get(j).is_some_and(u8::is_ascii_hexdigit);
            if !(hex(i + 1) && hex(i + 2)) {
                return false;
            }
            i += 3;
        } else if bytes[i].is_ascii_alphanumeric() || b"-._~".contains(&bytes[i]) {
            i += 1;
        } else {
            return false;
        }
    }
    true
}

/// The `field` of a validation error (validation must not fail any other way).
fn field_of(error: OptInError) -> &'static str {
    match error {
        OptInError::InvalidInput { field, .. } => field,
        other => panic!("validation returned a non-input error: {other:?}"),
    }
}

/// Percent-encoded dot segments that URL parsers collapse like `.` and `..`.
fn is_dot_segment(segment: &str) -> bool {
    matches!(
        segment.to_ascii_lowercase().as_str(),
        "." | ".." | "%2e" | "%2e%2e" | ".%2e" | "%2e."
    )
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(CASES))]

    /// The token is either rejected for a documented reason or sent as exactly
    /// one path segment of unreserved characters and escapes, which decodes
    /// back to the token.
    #[test]
    fn a_token_never_leaves_its_path_segment(token in text(40), base in valid_base()) {
        let target = Target::new("myshop", Some(base)).unwrap();
        let expected_prefix = format!("{}/customer/myshop/signup/optin/", target.base_url().join(""));
        let must_reject = token.trim().is_empty()
            || token.len() > validate::MAX_TOKEN_LEN
            || token.chars().any(char::is_control)
            || token == "."
            || token == "..";
        match target.confirm_opt_in(&token) {
            Ok(request) => {
                prop_assert!(!must_reject, "accepted {token:?}");
                prop_assert_eq!(request.method, Method::Get);
                prop_assert!(request.url.starts_with(&request.origin));
                let segment = request.url.strip_prefix(&expected_prefix).unwrap_or_else(|| {
                    panic!("{} does not start with {expected_prefix}", request.url)
                });
                prop_assert!(!segment.is_empty() && !is_dot_segment(segment), "{segment}");
                prop_assert!(unreserved_or_escape(segment), "{segment}");
                prop_assert_eq!(percent_decode_str(segment).decode_utf8().unwrap(), token.as_str());
            }
            Err(error) => {
                prop_assert!(must_reject, "rejected {token:?}: {error}");
                prop_assert_eq!(field_of(error), "token");
            }
        }
    }

    /// Tenants follow `^[a-z][a-z0-9]{2,15}$` exactly: never trimmed, lowercased
    /// or encoded, so an accepted tenant is one literal path segment.
    #[test]
    fn a_tenant_is_accepted_exactly_when_it_matches_the_pattern(
        tenant in prop_oneof![text(20), "[a-z0-9A-Z_ -]{0,18}"],
    ) {
        let matches_pattern = (3..=16).contains(&tenant.len())
            && tenant.starts_with(|c: char| c.is_ascii_lowercase())
            && tenant.chars().all(|c| c.is_ascii_lowercase() || c.is_ascii_digit());
        match Target::new(&tenant, None) {
            Ok(target) => {
                prop_assert!(matches_pattern, "accepted {tenant:?}");
                let url = target.confirm_opt_in("t").unwrap().url;
                prop_assert_eq!(url, format!("https://api.emporix.io/customer/{tenant}/signup/optin/t"));
            }
            Err(error) => {
                prop_assert!(!matches_pattern, "rejected {tenant:?}");
                prop_assert_eq!(field_of(error), "tenant");
            }
        }
    }

    /// An accepted base URL is https (or http to loopback), has no credentials,
    /// query, fragment, dot segment or raw special character, and every request
    /// URL starts with its origin; anything else is rejected as `baseUrl`.
    #[test]
    fn an_accepted_base_url_is_safe_to_send_a_bearer_token_to(input in url_like()) {
        match BaseUrl::parse(&input) {
            Ok(base) => {
                let origin = base.origin();
                let authority = origin
                    .strip_prefix("https://")
                    .or_else(|| origin.strip_prefix("http://"))
                    .expect("http(s) origin");
                if origin.starts_with("http://") {
                    let host = authority.rsplit_once(':').map_or(authority, |(h, p)| {
                        if p.bytes().all(|b| b.is_ascii_digit()) { h } else { authority }
                    });
                    prop_assert!(
                        host == "localhost" || host == "[::1]" || host.starts_with("127."),
                        "plain http to {host}"
                    );
                }
                prop_assert!(!authority.is_empty());
                prop_assert!(!authority.contains(['@', '/', '?', '#', '\\']), "{origin}");
                let url = base.join("/customer");
                prop_assert!(url.starts_with(origin));
                let path = &url[origin.len()..];
                prop_assert!(path.ends_with("/customer"), "{url}");
                prop_assert!(url.bytes().all(|b| b.is_ascii_graphic()), "{url:?}");
                prop_assert!(!url.contains(['?', '#', '\\']), "{url}");
                prop_assert!(!path.split('/').any(is_dot_segment), "{url}");
            }
            Err(error) => {
                prop_assert_eq!(field_of(error), "baseUrl");
            }
        }
    }

    /// An accepted email goes out as a JSON body that parses back to exactly
    /// the email, with no raw control or line-separator characters.
    #[test]
    fn an_email_body_is_json_that_round_trips(local in text(12), domain in text(12)) {
        let email = format!("{local}@{domain}");
        let target = Target::new("myshop", None).unwrap();
        match target.resend_activation(&email) {
            Ok(request) => {
                let body = request.body.expect("a POST body");
                let raw = |c: char| c.is_control() || c == '\u{2028}' || c == '\u{2029}';
                prop_assert!(!body.chars().any(raw), "{body:?}");
                let parsed: Value = serde_json::from_str(&body).unwrap();
                prop_assert_eq!(parsed, serde_json::json!({ "email": email }));
            }
            Err(error) => prop_assert_eq!(field_of(error), "email"),
        }
    }

    /// `timeoutMs` is accepted exactly when it is a finite number in (0, 600000],
    /// and then rounded up to whole milliseconds.
    #[test]
    fn a_timeout_is_a_bounded_whole_number_of_milliseconds(value in prop_oneof![
        any::<f64>(),
        -1.0..700_000.0f64,
        select(&[0.0, -0.0, 0.5, 600_000.0, 600_000.000_1, f64::NAN, f64::INFINITY, f64::MIN_POSITIVE][..]),
    ]) {
        match validate::timeout_ms(Some(value)) {
            Ok(ms) => {
                prop_assert!(value.is_finite() && value > 0.0 && value <= 600_000.0, "{value}");
                prop_assert_eq!(f64::from(ms), value.ceil());
            }
            Err(error) => {
                prop_assert!(!(value > 0.0 && value <= 600_000.0), "rejected {value}");
                prop_assert_eq!(field_of(error), "timeoutMs");
            }
        }
    }
}

// ---------------------------------------------------------------------------
// Responses

/// Statuses weighted towards the ones the decoder treats specially.
fn status() -> impl Strategy<Value = u16> {
    prop_oneof![
        select(
            &[200, 201, 202, 204, 299, 300, 307, 400, 401, 404, 418, 429, 500, 502, 503, 599][..]
        ),
        any::<u16>(),
    ]
}

/// `Retry-After` values: absent, seconds, HTTP-dates (valid or not), junk.
fn retry_after_header() -> impl Strategy<Value = Option<String>> {
    prop::option::of(prop_oneof![
        any::<u64>().prop_map(|n| n.to_string()),
        (-5_000_000_000i64..5_000_000_000).prop_map(imf_fixdate),
        text(30),
    ])
}

/// A string that reveals a leak when it shows up in an error message; its `-`
/// keeps it from looking like an error type or code.
const MARKER: &str = "leak-me-7f3a9";

/// Field names the decoder looks for, so random objects hit them often.
const KEYS: &[&str] = &[
    "access_token",
    "accessToken",
    "expires_in",
    "expiresIn",
    "refresh_token",
    "refreshToken",
    "refresh_token_expires_in",
    "refreshTokenExpiresIn",
    "token_type",
    "session_id",
    "sessionId",
    "saas_token",
    "saasToken",
    "initialPassword",
    "status",
    "type",
    "message",
    "moreInfo",
    "details",
    "field",
    "fault",
    "faultstring",
    "detail",
    "errorcode",
    "",
    MARKER,
];

/// Arbitrary JSON whose objects use [`KEYS`] and whose strings are often
/// numeric, boolean-like or the [`MARKER`], wrapped up to a few levels
/// beyond [`MAX_DEPTH`].
fn json_document() -> impl Strategy<Value = Value> {
    let string = prop_oneof![
        text(16),
        select(
            &[
                "",
                "true",
                "FALSE",
                "3599",
                " 42 ",
                "1e3",
                "-0",
                "9007199254740993",
                "NaN",
                MARKER
            ][..]
        )
        .prop_map(str::to_owned),
    ];
    let leaf = prop_oneof![
        Just(Value::Null),
        any::<bool>().prop_map(Value::Bool),
        any::<i64>().prop_map(Value::from),
        any::<f64>().prop_map(Value::from),
        string.prop_map(Value::String),
    ];
    let tree = leaf.prop_recursive(6, 64, 6, |inner| {
        prop_oneof![
            prop::collection::vec(inner.clone(), 0..6).prop_map(Value::Array),
            prop::collection::vec((select(KEYS), inner), 0..8).prop_map(|members| {
                Value::Object(
                    members
                        .into_iter()
                        .map(|(k, v)| (k.to_owned(), v))
                        .collect(),
                )
            }),
        ]
    });
    (tree, 0..MAX_DEPTH + 4, any::<bool>()).prop_map(|(mut value, wraps, in_objects)| {
        for _ in 0..wraps {
            value = if in_objects {
                serde_json::json!({ "detail": value })
            } else {
                Value::Array(vec![value])
            };
        }
        value
    })
}

/// Feeds one response to both decoders and checks what must hold for any
/// response: a typed result whose code matches the status class, a message,
/// bounded fields and no echo of the body in the message.
fn check_response(
    status: u16,
    retry_after: Option<&str>,
    text: &str,
    json: Option<&Json>,
    now: f64,
) -> Result<(), TestCaseError> {
    let raw = RawResponse {
        status,
        retry_after,
        text,
        json,
        now_unix_secs: now,
    };
    let success = (200..300).contains(&status);
    let confirmed = response::confirm_opt_in(&raw);
    let resent = response::resend_activation(&raw);
    prop_assert_eq!(resent.is_ok(), success);
    if let Ok(token) = &confirmed {
        prop_assert!(success && !token.access_token.is_empty());
    }
    for error in [confirmed.err(), resent.err()].into_iter().flatten() {
        let expected = match status {
            200..=299 => ErrorCode::InvalidResponse,
            400 => ErrorCode::BadRequest,
            401 => ErrorCode::Unauthorized,
            429 => ErrorCode::RateLimited,
            500..=599 => ErrorCode::ServerError,
            _ => ErrorCode::UnexpectedStatus,
        };
        prop_assert_eq!(error.code(), expected);
        prop_assert_eq!(error.status(), Some(status));
        let message = error.to_string();
        prop_assert!(!message.is_empty());
        prop_assert!(!message.contains(MARKER), "{message}");
        let fields = error.fields();
        prop_assert!(fields.retry_after.is_none_or(|s| s <= 86_400));
        prop_assert!(fields
            .body
            .is_none_or(|b| b.len() <= MAX_KEPT_BODY && text.starts_with(b)));
        serde_json::to_value(&fields).expect("error fields serialize");
    }
    Ok(())
}

/// The first non-empty string among `keys`, as the decoder must pick it.
fn first_text<'a>(document: &'a Value, keys: &[&str]) -> Option<&'a str> {
    keys.iter().find_map(|k| {
        document
            .get(*k)
            .and_then(Value::as_str)
            .filter(|s| !s.is_empty())
    })
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(CASES))]

    /// Arbitrary bytes, as the network can deliver them.
    #[test]
    fn any_bytes_decode_to_a_value_or_a_typed_error(
        status in status(),
        retry_after in retry_after_header(),
        body in prop_oneof![
            prop::collection::vec(any::<u8>(), 0..256),
            text(64).prop_map(String::into_bytes),
        ],
        now in prop_oneof![0.0..4e9f64, any::<f64>()],
    ) {
        let text = String::from_utf8_lossy(&body);
        let json: Option<Json> = serde_json::from_slice(&body).ok();
        check_response(status, retry_after.as_deref(), &text, json.as_ref(), now)?;
    }

    /// Arbitrary JSON documents, which reach far deeper into the decoder than
    /// random bytes do.
    #[test]
    fn any_json_decodes_to_a_value_or_a_typed_error(
        status in status(),
        retry_after in retry_after_header(),
        document in json_document(),
    ) {
        let text = document.to_string();
        let json: Option<Json> = serde_json::from_str(&text).ok();
        check_response(status, retry_after.as_deref(), &text, json.as_ref(), 1.7e9)?;
        if (200..300).contains(&status) {
            let raw = RawResponse { status, retry_after: None, text: &text, json: json.as_ref(), now_unix_secs: 0.0 };
            let token = response::confirm_opt_in(&raw).ok();
            // The snake_case field wins over its deprecated camelCase twin.
            let expected = json.as_ref().and(first_text(&document, &["access_token", "accessToken"]));
            prop_assert_eq!(token.as_ref().map(|t| t.access_token.as_str()), expected);
            if let Some(token) = token {
                prop_assert_eq!(
                    token.refresh_token.as_deref(),
                    first_text(&document, &["refresh_token", "refreshToken"])
                );
            }
        }
    }

    /// `Retry-After` never yields more than a day, reads every delta-seconds
    /// value, and reads back any HTTP-date it is given.
    #[test]
    fn retry_after_is_read_and_bounded(
        at in -5_000_000_000i64..5_000_000_000,
        wait in -100_000i64..200_000,
        junk in text(30),
        seconds in any::<u64>(),
    ) {
        let now = (at - wait) as f64;
        let expected = wait.clamp(0, 86_400) as u32;
        prop_assert_eq!(retry_after::parse(&imf_fixdate(at), now), Some(expected));
        prop_assert_eq!(
            retry_after::parse(&seconds.to_string(), now),
            Some(seconds.min(86_400) as u32)
        );
        prop_assert!(retry_after::parse(&junk, now).is_none_or(|s| s <= 86_400));
    }
}

/// Unix seconds as an IMF-fixdate (`Sun, 06 Nov 1994 08:49:37 GMT`), using
/// Howard Hinnant's `civil_from_days`, independent of the parser under test.
fn imf_fixdate(unix: i64) -> String {
    const DAYS: [&str; 7] = ["Thu", "Fri", "Sat", "Sun", "Mon", "Tue", "Wed"];
    const MONTHS: [&str; 12] = [
        "Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec",
    ];
    let (days, secs) = (unix.div_euclid(86_400), unix.rem_euclid(86_400));
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let day = doy - (153 * mp + 2) / 5 + 1;
    let month = if mp < 10 { mp + 3 } else { mp - 9 };
    let year = yoe + era * 400 + i64::from(month <= 2);
    format!(
        "{}, {day:02} {} {year:04} {:02}:{:02}:{:02} GMT",
        DAYS[days.rem_euclid(7) as usize],
        MONTHS[(month - 1) as usize],
        secs / 3600,
        secs % 3600 / 60,
        secs % 60
    )
}

#[test]
fn the_date_oracle_matches_known_dates() {
    assert_eq!(imf_fixdate(784_111_777), "Sun, 06 Nov 1994 08:49:37 GMT");
    assert_eq!(imf_fixdate(0), "Thu, 01 Jan 1970 00:00:00 GMT");
    assert_eq!(imf_fixdate(951_782_400), "Tue, 29 Feb 2000 00:00:00 GMT");
}

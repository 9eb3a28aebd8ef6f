//! Any status, `Retry-After` value and body must become a `CustomerToken` or
//! a typed error whose code matches the status class: no panic, no unbounded
//! field, no echo of the body in the message.
//!
//! Input: `STATUS\nRETRY-AFTER\nBODY`, as in the seeds (`fuzz/seeds/decode_response`),
//! which are the answers of Emporix and of the sandbox's fault tenants.
#![no_main]

use emporix_optin::error::ErrorCode;
use emporix_optin::json::Json;
use emporix_optin::response::{self, RawResponse, MAX_KEPT_BODY};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|input: &[u8]| {
    let mut lines = input.splitn(3, |&b| b == b'\n');
    let (Some(status), Some(retry_after)) = (lines.next(), lines.next()) else {
        return;
    };
    let Some(status) = std::str::from_utf8(status)
        .ok()
        .and_then(|s| s.parse().ok())
    else {
        return;
    };
    let retry_after = std::str::from_utf8(retry_after)
        .ok()
        .filter(|v| !v.is_empty());
    let body = lines.next().unwrap_or_default();
    let text = String::from_utf8_lossy(body);
    let json: Option<Json> = serde_json::from_slice(body).ok();
    let raw = RawResponse {
        status,
        retry_after,
        text: &text,
        json: json.as_ref(),
        now_unix_secs: 1_764_000_000.0,
    };

    let success = (200..300).contains(&status);
    let confirmed = response::confirm_opt_in(&raw);
    let resent = response::resend_activation(&raw);
    assert_eq!(resent.is_ok(), success);
    if let Ok(token) = &confirmed {
        assert!(success && !token.access_token.is_empty());
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
        assert_eq!(error.code(), expected);
        assert_eq!(error.status(), Some(status));
        let fields = error.fields();
        assert!(fields.retry_after.is_none_or(|s| s <= 86_400));
        assert!(fields
            .body
            .as_deref()
            .is_none_or(|b| b.len() <= MAX_KEPT_BODY));
        // Server text reaches a message only as `type` (`[a-z_]`) or
        // `errorcode` (`[A-Za-z0-9._]`), so a hyphenated word never does.
        let message = error.to_string();
        for word in text.split(|c: char| !c.is_ascii_alphanumeric() && c != '-') {
            if word.len() >= 16 && word.contains('-') {
                assert!(!message.contains(word), "{message:?} echoes {word:?}");
            }
        }
    }
});

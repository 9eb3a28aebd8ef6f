//! Tenant, base URL, token and email go through validation and URL building:
//! each is rejected under its own `field` or used so that the token stays one
//! path segment, the request goes to the base URL's origin, and the email body
//! is JSON that reads back to the email.
//!
//! Input: `TENANT\nBASE_URL\nTOKEN\nEMAIL` (an empty base URL means the default).
#![no_main]

use emporix_optin::base_url::BaseUrl;
use emporix_optin::error::OptInError;
use emporix_optin::request::Target;
use libfuzzer_sys::fuzz_target;
use percent_encoding::percent_decode_str;

fuzz_target!(|input: &[u8]| {
    let Ok(input) = std::str::from_utf8(input) else {
        return;
    };
    let mut lines = input.splitn(4, '\n');
    let mut next = || lines.next().unwrap_or_default();
    let (tenant, base_url, token, email) = (next(), next(), next(), next());

    if let Ok(base) = BaseUrl::parse(base_url) {
        let origin = base.origin();
        let host = origin
            .strip_prefix("https://")
            .or_else(|| origin.strip_prefix("http://"))
            .expect("an http(s) origin");
        assert!(!host.is_empty() && !host.contains(['@', '/', '?', '#', '\\']));
        let url = base.join("/customer");
        assert!(url.starts_with(origin) && url.ends_with("/customer"));
        assert!(url.bytes().all(|b| b.is_ascii_graphic()) && !url.contains(['?', '#']));
    }

    let base_url = Some(base_url).filter(|b| !b.is_empty());
    let target = match Target::new(tenant, base_url) {
        Ok(target) => target,
        Err(error) => return assert!(["tenant", "baseUrl"].contains(&field(error))),
    };
    assert!(tenant
        .bytes()
        .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit()));

    match target.confirm_opt_in(token) {
        Ok(request) => {
            let prefix = format!(
                "{}/customer/{tenant}/signup/optin/",
                target.base_url().join("")
            );
            let segment = request
                .url
                .strip_prefix(&prefix)
                .expect("the documented path");
            assert!(request.url.starts_with(&request.origin));
            assert!(segment
                .bytes()
                .all(|b| b.is_ascii_alphanumeric() || b"-._~%".contains(&b)));
            assert!(segment != "." && segment != "..");
            assert_eq!(percent_decode_str(segment).decode_utf8().unwrap(), token);
        }
        Err(error) => assert_eq!(field(error), "token"),
    }

    match target.resend_activation(email) {
        Ok(request) => {
            let body: serde_json::Value =
                serde_json::from_str(request.body.as_deref().expect("a body")).unwrap();
            assert_eq!(body, serde_json::json!({ "email": email }));
        }
        Err(error) => assert_eq!(field(error), "email"),
    }
});

fn field(error: OptInError) -> &'static str {
    match error {
        OptInError::InvalidInput { field, .. } => field,
        other => panic!("validation failed with {other:?}"),
    }
}

//! The cases both the browser and the Node suites run against the sandbox.

use emporix_optin::js::api::{confirm_opt_in, resend_activation};
use emporix_optin::js::error::is_opt_in_error;
use tsify::Ts;
use wasm_bindgen::{JsCast, JsValue};
use wasm_bindgen_test::wasm_bindgen_test;

use super::sandbox::*;

/// Options for `confirmOptIn` against the sandbox.
fn confirm_options(
    tenant: &str,
    anonymous_token: &str,
    token: &str,
) -> Vec<(&'static str, JsValue)> {
    vec![
        ("tenant", tenant.into()),
        ("anonymousToken", anonymous_token.into()),
        ("baseUrl", SANDBOX_URL.into()),
        ("token", token.into()),
    ]
}

fn resend_options(
    tenant: &str,
    anonymous_token: &str,
    email: &str,
) -> Vec<(&'static str, JsValue)> {
    vec![
        ("tenant", tenant.into()),
        ("anonymousToken", anonymous_token.into()),
        ("baseUrl", SANDBOX_URL.into()),
        ("email", email.into()),
    ]
}

async fn confirm(entries: &[(&str, JsValue)]) -> Result<JsValue, JsValue> {
    confirm_opt_in(Ts::new_unchecked(object(entries))).await
}

async fn resend(entries: &[(&str, JsValue)]) -> Result<(), JsValue> {
    let resolved = resend_activation(Ts::new_unchecked(object(entries))).await?;
    assert!(resolved.is_undefined(), "resolves to undefined");
    Ok(())
}

/// Asserts `error` is an `OptInError` with `code` and returns it.
fn expect_error(result: Result<impl std::fmt::Debug, JsValue>, code: &str) -> JsValue {
    let error = result.expect_err("the call should reject");
    assert!(error.is_instance_of::<js_sys::Error>(), "a real Error");
    assert!(is_opt_in_error(&error), "isOptInError");
    assert_eq!(
        get(&error, "name").as_string().as_deref(),
        Some("OptInError")
    );
    let message = get(&error, "message").as_string().unwrap_or_default();
    assert_eq!(
        get(&error, "code").as_string().as_deref(),
        Some(code),
        "message: {message}"
    );
    assert!(!message.is_empty());
    error
}

fn assert_no_secret(error: &JsValue, secrets: &[&str]) {
    for key in ["message", "stack"] {
        let text = get(error, key).as_string().unwrap_or_default();
        for secret in secrets {
            assert!(!text.contains(secret), "{key} leaks {secret:?}: {text}");
        }
    }
}

#[wasm_bindgen_test]
async fn confirms_a_token_and_decodes_the_customer_token() {
    let anonymous = anonymous_token().await;
    let token = unique("tok");
    register_token(TENANT, &format!("{}@example.com", unique("c")), &token).await;

    let customer = confirm(&confirm_options(TENANT, &anonymous, &token))
        .await
        .expect("confirmed");

    assert!(get(&customer, "access_token")
        .as_string()
        .is_some_and(|t| !t.is_empty()));
    assert!(get(&customer, "expires_in").as_f64().is_some());
    assert!(get(&customer, "refresh_token").is_string());
    assert!(get(&customer, "token_type").is_string());
    // Only the spec's names: the deprecated camelCase twins are folded in.
    for deprecated in ["accessToken", "expiresIn", "refreshToken", "saasToken"] {
        assert!(!has(&customer, deprecated), "{deprecated}");
    }
    // A plain object, not a Map.
    assert!(!customer.is_instance_of::<js_sys::Map>());

    let sent = requests_to(&format!("/signup/optin/{token}")).await;
    let described: Vec<String> = sent
        .iter()
        .map(|r| String::from(js_sys::JSON::stringify(r).unwrap()))
        .collect();
    assert_eq!(sent.len(), 1, "{described:?}");
    assert_eq!(
        get(&sent[0], "authorization").as_string(),
        Some(format!("Bearer {anonymous}"))
    );
    assert_eq!(
        get(&sent[0], "accept").as_string().as_deref(),
        Some("application/json")
    );
}

#[wasm_bindgen_test]
async fn hostile_tokens_arrive_intact_in_one_path_segment() {
    let anonymous = anonymous_token().await;
    let token = format!("{}/../b?c=1#d%2Fe f ü😀", unique("h"));
    register_token(TENANT, &format!("{}@example.com", unique("h")), &token).await;

    let customer = confirm(&confirm_options(TENANT, &anonymous, &token))
        .await
        .expect("confirmed");
    assert!(get(&customer, "access_token").is_string());
}

#[wasm_bindgen_test]
async fn a_used_token_is_a_bad_request_with_the_error_message() {
    let anonymous = anonymous_token().await;
    let token = unique("used");
    register_token(TENANT, &format!("{}@example.com", unique("u")), &token).await;
    confirm(&confirm_options(TENANT, &anonymous, &token))
        .await
        .expect("first use");

    let error = expect_error(
        confirm(&confirm_options(TENANT, &anonymous, &token)).await,
        "bad_request",
    );
    assert_eq!(get(&error, "status").as_f64(), Some(400.0));
    assert!(get(&error, "type")
        .as_string()
        .is_some_and(|t| !t.is_empty()));
    assert_no_secret(&error, &[&token, &anonymous]);
}

#[wasm_bindgen_test]
async fn resend_resolves_on_202_and_sends_a_new_link() {
    let anonymous = anonymous_token().await;
    let email = format!("{}@example.com", unique("r"));
    register_token(TENANT, &email, &unique("old")).await;

    let result = resend(&resend_options(TENANT, &anonymous, &email)).await;
    assert_eq!(result, Ok(()));
    assert_eq!(outbox_for(&email).await.len(), 1);
    let sent = requests_to(&format!("/customer/{TENANT}/signup/optin/refresh_token")).await;
    let last = sent.last().expect("request logged");
    assert_eq!(get(last, "method").as_string().as_deref(), Some("POST"));
    assert!(get(last, "contentType")
        .as_string()
        .is_some_and(|c| c.starts_with("application/json")));
    let body = js_sys::JSON::parse(&get(last, "body").as_string().unwrap()).unwrap();
    assert_eq!(get(&body, "email").as_string(), Some(email));
}

#[wasm_bindgen_test]
async fn a_rejected_anonymous_token_is_unauthorized_with_the_fault() {
    let token = unique("t");
    let error = expect_error(
        confirm(&confirm_options(TENANT, "not-a-valid-token", &token)).await,
        "unauthorized",
    );
    assert_eq!(get(&error, "status").as_f64(), Some(401.0));
    assert!(get(&error, "faultstring").is_string());
    assert!(get(&error, "errorcode").is_string());
    assert_no_secret(&error, &[&token, "not-a-valid-token"]);
}

#[wasm_bindgen_test]
async fn rate_limits_carry_retry_after() {
    let anonymous = anonymous_token().await;
    let error = expect_error(
        resend(&resend_options("f429secs", &anonymous, "a@example.com")).await,
        "rate_limited",
    );
    assert_eq!(get(&error, "status").as_f64(), Some(429.0));
    assert_eq!(get(&error, "retryAfter").as_f64(), Some(30.0));
    assert_no_secret(&error, &["a@example.com"]);
}

#[wasm_bindgen_test]
async fn an_html_500_is_a_server_error() {
    let anonymous = anonymous_token().await;
    let error = expect_error(
        confirm(&confirm_options("f500html", &anonymous, "t")).await,
        "server_error",
    );
    assert_eq!(get(&error, "status").as_f64(), Some(500.0));
}

#[wasm_bindgen_test]
async fn invalid_json_on_200_is_an_invalid_response() {
    let anonymous = anonymous_token().await;
    let error = expect_error(
        confirm(&confirm_options("f200badjson", &anonymous, "t")).await,
        "invalid_response",
    );
    assert_eq!(get(&error, "status").as_f64(), Some(200.0));
}

#[wasm_bindgen_test]
async fn a_slow_answer_times_out() {
    let anonymous = anonymous_token().await;
    let mut options = confirm_options("fslow", &anonymous, "t");
    options.push(("timeoutMs", 150.into()));
    let error = expect_error(confirm(&options).await, "timeout");
    assert!(!has(&error, "status"));
}

#[wasm_bindgen_test]
async fn the_callers_signal_aborts_the_call() {
    let anonymous = anonymous_token().await;
    let controller = web_sys::AbortController::new().unwrap();
    let mut options = confirm_options("fslow", &anonymous, "t");
    options.push(("signal", controller.signal().into()));
    let call = confirm(&options);
    let abort = async {
        sleep(50).await;
        // A custom, non-Error reason must not confuse the library.
        controller.abort_with_reason(&"shopper left".into());
    };
    let (result, ()) = futures_join(call, abort).await;
    expect_error(result, "aborted");
}

#[wasm_bindgen_test]
async fn an_already_aborted_signal_sends_nothing() {
    let anonymous = anonymous_token().await;
    let controller = web_sys::AbortController::new().unwrap();
    controller.abort();
    let token = unique("never");
    let mut options = confirm_options(TENANT, &anonymous, &token);
    options.push(("signal", controller.signal().into()));
    expect_error(confirm(&options).await, "aborted");
    assert!(requests_to(&token).await.is_empty());
}

#[wasm_bindgen_test]
async fn a_refused_connection_is_a_network_error() {
    let mut options = confirm_options(TENANT, "anon", "t");
    options[2] = ("baseUrl", CLOSED_URL.into());
    let error = expect_error(confirm(&options).await, "network");
    assert!(!has(&error, "status"));
}

#[wasm_bindgen_test]
async fn invalid_input_is_caught_before_any_request() {
    let anonymous = anonymous_token().await;
    let token = unique("inv");
    let cases: Vec<(&str, Vec<(&str, JsValue)>)> = vec![
        ("tenant", confirm_options("Bad-Tenant", &anonymous, &token)),
        ("token", confirm_options(TENANT, &anonymous, "   ")),
        ("anonymousToken", confirm_options(TENANT, "", &token)),
        ("baseUrl", {
            let mut o = confirm_options(TENANT, &anonymous, &token);
            o[2] = ("baseUrl", "http://api.emporix.io".into());
            o
        }),
        ("timeoutMs", {
            let mut o = confirm_options(TENANT, &anonymous, &token);
            o.push(("timeoutMs", f64::NAN.into()));
            o
        }),
        ("signal", {
            let mut o = confirm_options(TENANT, &anonymous, &token);
            o.push(("signal", "nope".into()));
            o
        }),
    ];
    for (field, options) in cases {
        let error = expect_error(confirm(&options).await, "invalid_input");
        assert_eq!(get(&error, "field").as_string().as_deref(), Some(field));
    }
    let error = expect_error(
        resend(&resend_options(TENANT, &anonymous, "not-an-email")).await,
        "invalid_input",
    );
    assert_eq!(get(&error, "field").as_string().as_deref(), Some("email"));
    assert_no_secret(&error, &["not-an-email"]);
    for not_options in [
        JsValue::UNDEFINED,
        JsValue::NULL,
        42.into(),
        js_sys::Array::new().into(),
    ] {
        let error = expect_error(
            confirm_opt_in(Ts::new_unchecked(not_options)).await,
            "invalid_input",
        );
        assert_eq!(get(&error, "field").as_string().as_deref(), Some("options"));
    }
    assert!(requests_to(&token).await.is_empty());
}

#[wasm_bindgen_test]
fn is_opt_in_error_checks_name_and_code() {
    let plain = js_sys::Error::new("x");
    assert!(!is_opt_in_error(&plain));
    assert!(!is_opt_in_error(&JsValue::NULL));
    assert!(!is_opt_in_error(&"OptInError".into()));
    // As from another realm: right shape, no shared prototype.
    let foreign = object(&[("name", "OptInError".into()), ("code", "network".into())]);
    assert!(is_opt_in_error(&foreign));
}

/// Runs two futures concurrently on the single-threaded executor.
async fn futures_join<A: std::future::Future, B: std::future::Future>(
    a: A,
    b: B,
) -> (A::Output, B::Output) {
    use std::pin::pin;
    use std::task::Poll;
    let mut a = pin!(a);
    let mut b = pin!(b);
    let (mut out_a, mut out_b) = (None, None);
    std::future::poll_fn(|cx| {
        if out_a.is_none() {
            if let Poll::Ready(v) = a.as_mut().poll(cx) {
                out_a = Some(v);
            }
        }
        if out_b.is_none() {
            if let Poll::Ready(v) = b.as_mut().poll(cx) {
                out_b = Some(v);
            }
        }
        if out_a.is_some() && out_b.is_some() {
            Poll::Ready((out_a.take().unwrap(), out_b.take().unwrap()))
        } else {
            Poll::Pending
        }
    })
    .await
}

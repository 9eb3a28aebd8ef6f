//! `OptInClient` (through its WebAssembly half, `OptInClientCore`) and the
//! in-flight dedupe against the sandbox, run by the browser, Node and worker
//! suites.
//!
//! The suites share one sandbox: each test works on its own tenant, tokens
//! and emails and counts only the requests that carry them. Tests run one at
//! a time, so revoking every anonymous token disturbs no other test.

use std::cell::Cell;
use std::rc::Rc;

use emporix_optin::js::api::confirm_opt_in;
use emporix_optin::js::client::OptInClientCore;
use js_sys::Promise;
use tsify::Ts;
use wasm_bindgen::prelude::*;
use wasm_bindgen_futures::{future_to_promise, JsFuture};
use wasm_bindgen_test::wasm_bindgen_test;

use super::sandbox::*;

/// The client id the sandbox accepts.
const CLIENT_ID: &str = "sandbox-client";

fn new_client(config: &[(&str, JsValue)]) -> Result<OptInClientCore, JsValue> {
    OptInClientCore::new(object(config))
}

/// A client that logs in with the storefront's client id.
fn login_client(tenant: &str) -> OptInClientCore {
    new_client(&[
        ("tenant", tenant.into()),
        ("clientId", CLIENT_ID.into()),
        ("baseUrl", SANDBOX_URL.into()),
    ])
    .expect("a valid config")
}

/// A client with a caller-supplied token or provider.
fn token_client(tenant: &str, anonymous_token: &JsValue) -> OptInClientCore {
    new_client(&[
        ("tenant", tenant.into()),
        ("anonymousToken", anonymous_token.clone()),
        ("baseUrl", SANDBOX_URL.into()),
    ])
    .expect("a valid config")
}

fn confirm(client: &OptInClientCore, token: &str) -> Promise {
    client.confirm_opt_in(token.into(), JsValue::UNDEFINED)
}

fn confirm_with(client: &OptInClientCore, token: &str, options: &[(&str, JsValue)]) -> Promise {
    client.confirm_opt_in(token.into(), object(options))
}

/// The top-level `confirmOptIn`.
fn confirm_function(anonymous_token: &str, tenant: &str, token: &str) -> Promise {
    let options = object(&[
        ("tenant", tenant.into()),
        ("anonymousToken", anonymous_token.into()),
        ("baseUrl", SANDBOX_URL.into()),
        ("token", token.into()),
    ]);
    confirm_opt_in(Ts::new_unchecked(options))
}

async fn settle(promise: Promise) -> Result<JsValue, JsValue> {
    JsFuture::from(promise).await
}

/// Asserts `result` is an `OptInError` with `code` and returns it.
fn expect_code(result: Result<impl std::fmt::Debug, JsValue>, code: &str) -> JsValue {
    let error = result.expect_err("the call should reject");
    assert!(error.is_instance_of::<js_sys::Error>(), "a real Error");
    assert_eq!(
        get(&error, "name").as_string().as_deref(),
        Some("OptInError")
    );
    assert_eq!(
        get(&error, "code").as_string().as_deref(),
        Some(code),
        "{:?}",
        get(&error, "message").as_string()
    );
    error
}

fn expect_invalid(result: Result<impl std::fmt::Debug, JsValue>, field: &str) -> JsValue {
    let error = expect_code(result, "invalid_input");
    assert_eq!(get(&error, "field").as_string().as_deref(), Some(field));
    error
}

fn access_token(customer: &JsValue) -> String {
    get(customer, "access_token")
        .as_string()
        .expect("an access_token")
}

/// A tenant of this test alone, so its requests can be counted.
fn tenant() -> String {
    unique("t")
}

/// Registers a pending customer on `tenant` and returns its opt-in token.
async fn pending(tenant: &str) -> String {
    let token = unique("tok");
    register_token(tenant, &format!("{}@example.com", unique("c")), &token).await;
    token
}

/// The anonymous logins (`action` = `login`) or refreshes for `tenant`.
async fn auth_requests(tenant: &str, action: &str) -> Vec<JsValue> {
    let path = format!("/customerlogin/auth/anonymous/{action}");
    let tenant = format!("tenant={tenant}&");
    requests()
        .await
        .into_iter()
        .filter(|r| get(r, "path").as_string().as_deref() == Some(&path))
        .filter(|r| {
            get(r, "query")
                .as_string()
                .is_some_and(|q| q.starts_with(&tenant))
        })
        .collect()
}

fn bearer(request: &JsValue) -> Option<String> {
    get(request, "authorization").as_string()
}

/// Makes every anonymous access token invalid (401); refresh tokens keep working.
async fn revoke_anonymous_tokens() {
    post_json("/sandbox/revoke-anonymous-tokens", "{}").await;
}

async fn anonymous_token_for(tenant: &str) -> String {
    let grant = post_json(
        "/sandbox/anonymous-token",
        &format!(r#"{{"tenant":"{tenant}"}}"#),
    )
    .await;
    get(&grant, "access_token").as_string().expect("a token")
}

/// A token provider: `answer(n)` is what its `n`th call (from 1) returns.
struct Provider {
    function: Closure<dyn FnMut() -> JsValue>,
    calls: Rc<Cell<u32>>,
}

impl Provider {
    fn new(mut answer: impl FnMut(u32) -> JsValue + 'static) -> Provider {
        let calls = Rc::new(Cell::new(0));
        let counter = calls.clone();
        let function = Closure::<dyn FnMut() -> JsValue>::new(move || {
            counter.set(counter.get() + 1);
            answer(counter.get())
        });
        Provider { function, calls }
    }

    /// A provider that fetches a new token for `tenant` from the sandbox.
    fn fetching(tenant: &str) -> Provider {
        let tenant = tenant.to_owned();
        Provider::new(move |_| {
            let tenant = tenant.clone();
            future_to_promise(async move { Ok(anonymous_token_for(&tenant).await.into()) }).into()
        })
    }

    fn value(&self) -> JsValue {
        self.function.as_ref().clone()
    }

    fn calls(&self) -> u32 {
        self.calls.get()
    }
}

#[wasm_bindgen_test]
async fn a_client_id_client_logs_in_once_for_concurrent_calls() {
    let tenant = tenant();
    let client = login_client(&tenant);
    let mut tokens = Vec::new();
    for _ in 0..3 {
        tokens.push(pending(&tenant).await);
    }

    let calls: Vec<Promise> = tokens.iter().map(|t| confirm(&client, t)).collect();
    for call in calls {
        assert!(!access_token(&settle(call).await.expect("confirmed")).is_empty());
    }
    let later = pending(&tenant).await;
    settle(confirm(&client, &later)).await.expect("confirmed");

    let logins = auth_requests(&tenant, "login").await;
    assert_eq!(logins.len(), 1);
    // The login carries the client id and no Authorization header.
    assert!(get(&logins[0], "query")
        .as_string()
        .is_some_and(|q| q.contains("client_id=sandbox-client")));
    assert_eq!(bearer(&logins[0]), None);
    assert!(auth_requests(&tenant, "refresh").await.is_empty());
    let sent = requests_to(&format!("/customer/{tenant}/signup/optin/")).await;
    assert_eq!(sent.len(), 4);
    assert!(bearer(&sent[0]).is_some_and(|b| b.starts_with("Bearer ")));
    assert!(sent.iter().all(|r| bearer(r) == bearer(&sent[0])));
}

#[wasm_bindgen_test]
async fn a_rejected_token_is_refreshed_and_the_call_sent_once_more() {
    let tenant = tenant();
    let client = login_client(&tenant);
    let first = pending(&tenant).await;
    settle(confirm(&client, &first)).await.expect("confirmed");

    revoke_anonymous_tokens().await;
    let second = pending(&tenant).await;
    let customer = settle(confirm(&client, &second)).await.expect("confirmed");
    assert!(!access_token(&customer).is_empty());

    assert_eq!(auth_requests(&tenant, "login").await.len(), 1);
    let refreshes = auth_requests(&tenant, "refresh").await;
    assert_eq!(refreshes.len(), 1);
    assert!(get(&refreshes[0], "query")
        .as_string()
        .is_some_and(|q| q.contains("&refresh_token=")));
    let sent = requests_to(&second).await;
    assert_eq!(sent.len(), 2, "the 401, then the retry");
    assert_ne!(bearer(&sent[0]), bearer(&sent[1]));
    // The refreshed token is kept for the next call.
    let third = pending(&tenant).await;
    settle(confirm(&client, &third)).await.expect("confirmed");
    assert_eq!(bearer(&requests_to(&third).await[0]), bearer(&sent[1]));
    assert_eq!(auth_requests(&tenant, "refresh").await.len(), 1);
}

/// Issue #11: a refresh refused with any 4xx (here the sandbox's `rf400…`
/// and `rf404…` tenants) falls back to a fresh login.
#[wasm_bindgen_test]
async fn a_refresh_refused_with_400_or_404_falls_back_to_a_login() {
    for prefix in ["rf400", "rf404"] {
        let tenant = format!("{prefix}x{}", (js_sys::Math::random() * 1e9) as u32);
        let client = login_client(&tenant);
        let first = pending(&tenant).await;
        settle(confirm(&client, &first)).await.expect("confirmed");

        revoke_anonymous_tokens().await;
        let second = pending(&tenant).await;
        let customer = settle(confirm(&client, &second)).await.expect("confirmed");
        assert!(!access_token(&customer).is_empty());

        assert_eq!(auth_requests(&tenant, "refresh").await.len(), 1, "{prefix}");
        assert_eq!(auth_requests(&tenant, "login").await.len(), 2, "{prefix}");
        let sent = requests_to(&second).await;
        assert_eq!(sent.len(), 2, "the 401, then the retry");
        assert_ne!(bearer(&sent[0]), bearer(&sent[1]));
    }
}

/// Moves `Date.now`, which the client's token lifecycle reads, `ms` ahead
/// until dropped.
struct ShiftedClock {
    original: JsValue,
}

impl ShiftedClock {
    fn ahead(ms: f64) -> ShiftedClock {
        let shift = js_sys::Function::new_with_args(
            "ms",
            "const now = Date.now; Date.now = () => now.call(Date) + ms; return now;",
        );
        let original = shift
            .call1(&JsValue::UNDEFINED, &ms.into())
            .expect("Date.now shifted");
        ShiftedClock { original }
    }
}

impl Drop for ShiftedClock {
    fn drop(&mut self) {
        let date = get(&js_sys::global(), "Date");
        js_sys::Reflect::set(&date, &"now".into(), &self.original).expect("Date.now restored");
    }
}

#[wasm_bindgen_test]
async fn an_expired_token_is_refreshed_before_the_next_call() {
    let tenant = tenant();
    let client = login_client(&tenant);
    let first = pending(&tenant).await;
    settle(confirm(&client, &first)).await.expect("confirmed");
    let first_bearer = bearer(&requests_to(&first).await[0]);

    // An hour later on both sides: the sandbox's access token (3599 s) has
    // expired, its refresh token (86399 s) has not.
    post_json("/sandbox/clock", r#"{"advanceSecs":3600}"#).await;
    let _later = ShiftedClock::ahead(3_600_000.0);
    let second = pending(&tenant).await;
    let customer = settle(confirm(&client, &second)).await.expect("confirmed");
    assert!(!access_token(&customer).is_empty());

    assert_eq!(auth_requests(&tenant, "login").await.len(), 1);
    assert_eq!(auth_requests(&tenant, "refresh").await.len(), 1);
    // Refreshed before the call, not after a 401: one request, a new token.
    let sent = requests_to(&second).await;
    assert_eq!(sent.len(), 1);
    assert!(bearer(&sent[0]).is_some());
    assert_ne!(bearer(&sent[0]), first_bearer);
}

#[wasm_bindgen_test]
async fn past_the_refresh_tokens_lifetime_the_client_logs_in_again() {
    let tenant = tenant();
    let client = login_client(&tenant);
    let first = pending(&tenant).await;
    settle(confirm(&client, &first)).await.expect("confirmed");

    // A day and an hour later: the refresh token (86399 s) has expired too.
    post_json("/sandbox/clock", r#"{"advanceSecs":90000}"#).await;
    let _later = ShiftedClock::ahead(90_000_000.0);
    let second = pending(&tenant).await;
    settle(confirm(&client, &second)).await.expect("confirmed");

    assert_eq!(auth_requests(&tenant, "login").await.len(), 2);
    assert!(auth_requests(&tenant, "refresh").await.is_empty());
    assert_eq!(requests_to(&second).await.len(), 1);
}

#[wasm_bindgen_test]
async fn a_second_401_rejects_with_unauthorized() {
    let universal = anonymous_token_for(TENANT).await;
    let provider = Provider::new(move |_| universal.clone().into());
    // `f401fault` answers every opt-in call with 401.
    let client = token_client("f401fault", &provider.value());
    let token = unique("never");

    let error = expect_code(settle(confirm(&client, &token)).await, "unauthorized");

    assert_eq!(get(&error, "status").as_f64(), Some(401.0));
    assert!(get(&error, "errorcode").is_string());
    assert_eq!(provider.calls(), 2, "asked again after the first 401");
    assert_eq!(requests_to(&token).await.len(), 2);
}

#[wasm_bindgen_test]
async fn a_supplied_token_is_not_retried() {
    let client = token_client(TENANT, &"rejected-token".into());
    let token = unique("never");
    expect_code(settle(confirm(&client, &token)).await, "unauthorized");
    assert_eq!(requests_to(&token).await.len(), 1);
}

#[wasm_bindgen_test]
async fn an_unknown_client_id_is_unauthorized_and_sends_no_opt_in_call() {
    let tenant = tenant();
    let client = new_client(&[
        ("tenant", tenant.as_str().into()),
        ("clientId", "not-a-client".into()),
        ("baseUrl", SANDBOX_URL.into()),
    ])
    .expect("a valid config");
    let token = unique("never");

    let error = expect_code(settle(confirm(&client, &token)).await, "unauthorized");

    assert_eq!(
        get(&error, "errorcode").as_string().as_deref(),
        Some("oauth.v2.InvalidApiKey")
    );
    assert_eq!(auth_requests(&tenant, "login").await.len(), 1);
    assert!(requests_to(&token).await.is_empty());
}

#[wasm_bindgen_test]
async fn the_provider_is_asked_once_for_concurrent_calls_and_again_after_a_401() {
    let tenant = tenant();
    let provider = Provider::fetching(&tenant);
    let client = token_client(&tenant, &provider.value());
    let (first, second) = (pending(&tenant).await, pending(&tenant).await);

    let calls = [confirm(&client, &first), confirm(&client, &second)];
    for call in calls {
        settle(call).await.expect("confirmed");
    }
    assert_eq!(provider.calls(), 1);

    revoke_anonymous_tokens().await;
    let third = pending(&tenant).await;
    settle(confirm(&client, &third)).await.expect("confirmed");
    assert_eq!(provider.calls(), 2);
    assert_eq!(requests_to(&third).await.len(), 2);
}

#[wasm_bindgen_test]
async fn provider_failures_reject_with_invalid_input_and_the_cause() {
    let tenant = tenant();
    let token = unique("never");
    let backend_down = || js_sys::Error::new("backend down");
    let throwing: js_sys::Function =
        js_sys::Function::new_no_args("throw new Error('backend down')");
    let rejecting = Provider::new(move |_| Promise::reject(&backend_down()).into());
    let not_a_string = Provider::new(|_| 42.into());
    let empty = Provider::new(|_| Promise::resolve(&JsValue::from("")).into());
    let prefixed = Provider::new(|_| Promise::resolve(&JsValue::from("Bearer abc")).into());
    let cases = [
        (JsValue::from(throwing), "threw", true),
        (rejecting.value(), "rejected", true),
        (not_a_string.value(), "string", false),
        (empty.value(), "empty", false),
        (prefixed.value(), "Bearer", false),
    ];
    for (provider, problem, has_cause) in cases {
        let client = token_client(&tenant, &provider);
        let error = expect_invalid(settle(confirm(&client, &token)).await, "anonymousToken");
        let message = get(&error, "message").as_string().unwrap_or_default();
        assert!(message.contains(problem), "{message}");
        let cause = get(&error, "cause");
        assert_eq!(
            get(&cause, "message").as_string().as_deref(),
            has_cause.then_some("backend down"),
            "{message}"
        );
    }
    assert!(requests_to(&token).await.is_empty());
}

#[wasm_bindgen_test]
async fn a_provider_that_never_settles_does_not_block_later_calls() {
    let tenant = tenant();
    let universal = anonymous_token_for(&tenant).await;
    let provider = Provider::new(move |call| match call {
        1 => Promise::new(&mut |_, _| {}).into(),
        _ => universal.clone().into(),
    });
    let client = new_client(&[
        ("tenant", tenant.as_str().into()),
        ("anonymousToken", provider.value()),
        ("baseUrl", SANDBOX_URL.into()),
        ("timeoutMs", 200.into()),
    ])
    .expect("a valid config");
    let token = pending(&tenant).await;

    // The provider gets the client's `timeoutMs`, even under a longer call.
    let patient = [("timeoutMs", JsValue::from(5000))];
    let error = expect_invalid(
        settle(confirm_with(&client, &token, &patient)).await,
        "anonymousToken",
    );
    assert!(get(&error, "message")
        .as_string()
        .is_some_and(|m| m.contains("did not settle")));
    // Its turn over, the next call asks it again.
    settle(confirm(&client, &token)).await.expect("confirmed");
    assert_eq!(provider.calls(), 2);
}

#[wasm_bindgen_test]
async fn concurrent_confirms_of_one_token_share_one_request() {
    let tenant = tenant();
    let anonymous = anonymous_token_for(&tenant).await;
    let client = token_client(&tenant, &anonymous.as_str().into());
    let token = pending(&tenant).await;

    // A double click: two calls before the first has an answer.
    let (first, second) = (confirm(&client, &token), confirm(&client, &token));
    let first = settle(first).await.expect("confirmed");
    let second = settle(second).await.expect("confirmed");
    assert_eq!(access_token(&first), access_token(&second));
    assert_eq!(requests_to(&token).await.len(), 1);

    // Settled calls are forgotten: the next call asks again.
    let error = expect_code(settle(confirm(&client, &token)).await, "bad_request");
    assert_eq!(
        get(&error, "type").as_string().as_deref(),
        Some("token_already_used")
    );
    assert_eq!(requests_to(&token).await.len(), 2);
}

#[wasm_bindgen_test]
async fn the_function_and_clients_share_one_request_too() {
    let tenant = tenant();
    let anonymous = anonymous_token_for(&tenant).await;
    let token = pending(&tenant).await;
    let client = login_client(&tenant);

    // React 18 StrictMode runs the effect twice; another component uses a client.
    let calls = [
        confirm_function(&anonymous, &tenant, &token),
        confirm_function(&anonymous, &tenant, &token),
        confirm(&client, &token),
    ];
    let mut tokens = Vec::new();
    for call in calls {
        tokens.push(access_token(&settle(call).await.expect("confirmed")));
    }
    assert!(tokens.iter().all(|t| *t == tokens[0]));
    let sent = requests_to(&token).await;
    assert_eq!(sent.len(), 1);
    assert_eq!(bearer(&sent[0]), Some(format!("Bearer {anonymous}")));
    assert!(auth_requests(&tenant, "login").await.is_empty());
}

#[wasm_bindgen_test]
async fn aborting_one_caller_leaves_the_shared_request_to_the_other() {
    // `fslow` answers normally after 3 s; tokens of any tenant work there.
    let anonymous = anonymous_token_for(TENANT).await;
    let client = token_client("fslow", &anonymous.into());
    let token = pending("fslow").await;
    let controller = web_sys::AbortController::new().unwrap();

    let leaving = confirm_with(&client, &token, &[("signal", controller.signal().into())]);
    let staying = confirm(&client, &token);
    sleep(50).await;
    controller.abort();

    expect_code(settle(leaving).await, "aborted");
    let customer = settle(staying).await.expect("confirmed");
    assert!(!access_token(&customer).is_empty());
    assert_eq!(requests_to(&token).await.len(), 1);
}

#[wasm_bindgen_test]
async fn a_call_after_every_caller_left_gets_the_request_still_under_way() {
    // StrictMode again: the first effect's cleanup aborts, the second runs.
    let anonymous = anonymous_token_for(TENANT).await;
    let client = token_client("fslow", &anonymous.into());
    let token = pending("fslow").await;
    let controller = web_sys::AbortController::new().unwrap();

    let first = confirm_with(&client, &token, &[("signal", controller.signal().into())]);
    sleep(50).await;
    controller.abort();
    expect_code(settle(first).await, "aborted");

    let customer = settle(confirm(&client, &token)).await.expect("confirmed");
    assert!(!access_token(&customer).is_empty());
    assert_eq!(requests_to(&token).await.len(), 1);
}

#[wasm_bindgen_test]
async fn each_caller_keeps_its_own_timeout() {
    let anonymous = anonymous_token_for(TENANT).await;
    let client = token_client("fslow", &anonymous.into());

    // A joiner with a shorter timeout gives up alone.
    let token = pending("fslow").await;
    let patient = confirm(&client, &token);
    let hasty = confirm_with(&client, &token, &[("timeoutMs", 100.into())]);
    let error = expect_code(settle(hasty).await, "timeout");
    assert!(get(&error, "message")
        .as_string()
        .is_some_and(|m| m.contains("100 ms")));
    settle(patient).await.expect("confirmed");
    assert_eq!(requests_to(&token).await.len(), 1);
}

/// Issue #10, first sequence: A with `timeoutMs: 200` and B with the default,
/// concurrent on one token against a slow server (`fslow` answers after 3 s).
#[wasm_bindgen_test]
async fn a_short_timeout_rejects_its_caller_alone_and_the_other_gets_the_tokens() {
    let anonymous = anonymous_token_for(TENANT).await;
    let token = pending("fslow").await;
    let options = |extra: &[(&'static str, JsValue)]| {
        let mut options = vec![
            ("tenant", JsValue::from("fslow")),
            ("anonymousToken", anonymous.as_str().into()),
            ("baseUrl", SANDBOX_URL.into()),
            ("token", token.as_str().into()),
        ];
        options.extend_from_slice(extra);
        object(&options)
    };
    let started = js_sys::Date::now();
    let a = confirm_opt_in(Ts::new_unchecked(options(&[("timeoutMs", 200.into())])));
    let b = confirm_opt_in(Ts::new_unchecked(options(&[])));

    let error = expect_code(settle(a).await, "timeout");
    assert!(get(&error, "message")
        .as_string()
        .is_some_and(|m| m.contains("200 ms")));
    // A did not wait for the server's answer.
    assert!(js_sys::Date::now() - started < 2_500.0);
    let customer = settle(b).await.expect("B gets the tokens");
    assert!(!access_token(&customer).is_empty());
    assert_eq!(requests_to(&token).await.len(), 1);
}

/// Issue #10, second sequence: B, with a signal and no timeout, starts just
/// after A timed out while A's request is still pending.
#[wasm_bindgen_test]
async fn a_caller_after_the_first_timed_out_gets_the_request_still_pending() {
    let anonymous = anonymous_token_for(TENANT).await;
    let client = token_client("fslow", &anonymous.into());
    let token = pending("fslow").await;

    let a = confirm_with(&client, &token, &[("timeoutMs", 200.into())]);
    expect_code(settle(a).await, "timeout");
    let controller = web_sys::AbortController::new().unwrap();
    let b = confirm_with(&client, &token, &[("signal", controller.signal().into())]);
    let customer = settle(b).await.expect("B gets the tokens");
    assert!(!access_token(&customer).is_empty());
    assert_eq!(requests_to(&token).await.len(), 1, "joined, not sent again");
}

/// A caller that joins later and waits longer than the starter receives the
/// answer, which arrives after the starter's deadline.
#[wasm_bindgen_test]
async fn a_joined_caller_that_outlives_the_first_receives_the_result() {
    let anonymous = anonymous_token_for(TENANT).await;
    let token = pending("fslow").await;
    let client = token_client("fslow", &anonymous.as_str().into());
    let starter = confirm_with(&client, &token, &[("timeoutMs", 2_000.into())]);
    sleep(500).await;
    let joiner = confirm_function(&anonymous, "fslow", &token);

    let error = expect_code(settle(starter).await, "timeout");
    assert!(get(&error, "message")
        .as_string()
        .is_some_and(|m| m.contains("2000 ms")));
    let customer = settle(joiner).await.expect("the joiner gets the tokens");
    assert!(!access_token(&customer).is_empty());
    assert_eq!(requests_to(&token).await.len(), 1);
}

#[wasm_bindgen_test]
async fn resend_is_sent_once_more_only_after_a_401() {
    let tenant = tenant();
    let client = login_client(&tenant);
    let email = format!("{}@example.com", unique("r"));
    register_token(&tenant, &email, &unique("old")).await;

    let resend = || client.resend_activation(email.as_str().into(), JsValue::UNDEFINED);
    assert_eq!(settle(resend()).await, Ok(JsValue::UNDEFINED));
    revoke_anonymous_tokens().await;
    assert_eq!(settle(resend()).await, Ok(JsValue::UNDEFINED));

    // Three POSTs (202, 401, 202) and exactly one email per call.
    let posts = requests_to(&format!("/customer/{tenant}/signup/optin/refresh_token")).await;
    assert_eq!(posts.len(), 3);
    assert_eq!(outbox_for(&email).await.len(), 2);

    // Anything but a 401 is not retried: a 5xx might have sent the email.
    let provider = Provider::fetching(TENANT);
    let failing = token_client("f503retry", &provider.value());
    let email = format!("{}@example.com", unique("f"));
    let result = settle(failing.resend_activation(email.as_str().into(), JsValue::UNDEFINED)).await;
    expect_code(result, "server_error");
    let posts: Vec<JsValue> = requests_to("/customer/f503retry/signup/optin/refresh_token")
        .await
        .into_iter()
        .filter(|r| {
            get(r, "body")
                .as_string()
                .is_some_and(|b| b.contains(&email))
        })
        .collect();
    assert_eq!(posts.len(), 1);
}

#[wasm_bindgen_test]
fn the_constructor_validates_the_config_synchronously() {
    let base = |extra: &[(&'static str, JsValue)]| {
        let mut config = vec![
            ("tenant", JsValue::from("shop")),
            ("baseUrl", SANDBOX_URL.into()),
        ];
        config.extend_from_slice(extra);
        config
    };
    let cases: Vec<(Vec<(&str, JsValue)>, &str)> = vec![
        (vec![], "tenant"),
        (base(&[]), "clientId"),
        (
            base(&[
                ("clientId", CLIENT_ID.into()),
                ("anonymousToken", "t".into()),
            ]),
            "anonymousToken",
        ),
        (base(&[("clientId", "".into())]), "clientId"),
        (base(&[("clientId", "a b".into())]), "clientId"),
        (base(&[("anonymousToken", 42.into())]), "anonymousToken"),
        (
            base(&[("anonymousToken", "Bearer x".into())]),
            "anonymousToken",
        ),
        (
            vec![("tenant", "Shop".into()), ("clientId", CLIENT_ID.into())],
            "tenant",
        ),
        (
            vec![
                ("tenant", "shop".into()),
                ("clientId", CLIENT_ID.into()),
                ("baseUrl", "http://api.example.com".into()),
            ],
            "baseUrl",
        ),
        (
            base(&[("clientId", CLIENT_ID.into()), ("timeoutMs", 0.into())]),
            "timeoutMs",
        ),
    ];
    for (config, field) in cases {
        expect_invalid(new_client(&config).map(|_| ()), field);
    }
    for not_an_object in [JsValue::UNDEFINED, JsValue::NULL, "shop".into()] {
        let result = OptInClientCore::new(not_an_object);
        expect_invalid(result.map(|_| ()), "config");
    }
    // `undefined` and `null` count as absent.
    let config = base(&[
        ("clientId", CLIENT_ID.into()),
        ("anonymousToken", JsValue::UNDEFINED),
    ]);
    assert!(new_client(&config).is_ok());
}

#[wasm_bindgen_test]
async fn call_arguments_are_checked_before_any_request() {
    let tenant = tenant();
    let client = login_client(&tenant);
    let token = unique("never");
    let aborted = web_sys::AbortController::new().unwrap();
    aborted.abort();

    expect_invalid(
        settle(client.confirm_opt_in(JsValue::UNDEFINED, JsValue::UNDEFINED)).await,
        "token",
    );
    expect_invalid(
        settle(client.confirm_opt_in(42.into(), JsValue::UNDEFINED)).await,
        "token",
    );
    expect_invalid(
        settle(client.confirm_opt_in(token.as_str().into(), 7.into())).await,
        "options",
    );
    for (option, value) in [
        ("timeoutMs", JsValue::from(-1)),
        ("signal", JsValue::from("no")),
    ] {
        expect_invalid(
            settle(confirm_with(&client, &token, &[(option, value)])).await,
            option,
        );
    }
    expect_invalid(
        settle(client.resend_activation("not-an-email".into(), JsValue::UNDEFINED)).await,
        "email",
    );
    let signal = [("signal", JsValue::from(aborted.signal()))];
    expect_code(
        settle(confirm_with(&client, &token, &signal)).await,
        "aborted",
    );
    let resend_options = object(&signal);
    expect_code(
        settle(client.resend_activation("a@example.com".into(), resend_options)).await,
        "aborted",
    );

    assert!(requests_to(&token).await.is_empty());
    assert!(auth_requests(&tenant, "login").await.is_empty());
}

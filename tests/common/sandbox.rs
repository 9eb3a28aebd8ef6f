//! A client for the sandbox's own endpoints (`/sandbox/…`), and helpers to
//! call the exported functions the way JavaScript does.
#![allow(dead_code)]

use gloo_net::http::Request;
use js_sys::{Object, Reflect};
use wasm_bindgen::{JsCast, JsValue};

/// Where `make test` starts the sandbox. Compile-time, because a wasm test has
/// no environment at run time.
pub const SANDBOX_URL: &str = match option_env!("SANDBOX_URL") {
    Some(url) => url,
    None => "http://127.0.0.1:18480",
};

/// A loopback port on which nothing listens.
pub const CLOSED_URL: &str = match option_env!("CLOSED_URL") {
    Some(url) => url,
    None => "http://127.0.0.1:18479",
};

/// A tenant name that the sandbox treats normally.
pub const TENANT: &str = "testshop";

/// A string unique within this test run, for emails and tokens.
pub fn unique(prefix: &str) -> String {
    thread_local!(static NEXT: std::cell::Cell<u32> = const { std::cell::Cell::new(0) });
    let n = NEXT.with(|next| {
        let n = next.get() + 1;
        next.set(n);
        n
    });
    let random = (js_sys::Math::random() * 1e9) as u64;
    format!("{prefix}{random}x{n}")
}

/// POSTs `body` (JSON) to the sandbox's `path`; its JSON answer, or
/// `undefined` for an empty one.
pub async fn post_json(path: &str, body: &str) -> JsValue {
    let response = Request::post(&format!("{SANDBOX_URL}{path}"))
        .header("Content-Type", "application/json")
        .body(body)
        .expect("request")
        .send()
        .await
        .expect("sandbox reachable");
    assert!(response.ok(), "POST {path}: {}", response.status());
    let text = response.text().await.expect("body");
    if text.is_empty() {
        JsValue::UNDEFINED
    } else {
        js_sys::JSON::parse(&text).expect("sandbox JSON")
    }
}

async fn get_json(path: &str) -> JsValue {
    let response = Request::get(&format!("{SANDBOX_URL}{path}"))
        .send()
        .await
        .expect("sandbox reachable");
    assert!(response.ok(), "GET {path}: {}", response.status());
    js_sys::JSON::parse(&response.text().await.expect("body")).expect("sandbox JSON")
}

/// A valid anonymous access token.
pub async fn anonymous_token() -> String {
    let token = post_json(
        "/sandbox/anonymous-token",
        &format!(r#"{{"tenant":"{TENANT}"}}"#),
    )
    .await;
    get(&token, "access_token")
        .as_string()
        .expect("access_token")
}

/// Registers a pending customer whose opt-in token is exactly `token`.
pub async fn register_token(tenant: &str, email: &str, token: &str) {
    let body = js_sys::JSON::stringify(&object(&[
        ("tenant", tenant.into()),
        ("email", email.into()),
        ("token", token.into()),
    ]))
    .expect("stringify");
    post_json("/sandbox/optin-tokens", &String::from(body)).await;
}

/// Every API request the sandbox has received, oldest first.
pub async fn requests() -> Vec<JsValue> {
    js_sys::Array::from(&get_json("/sandbox/requests").await).to_vec()
}

/// The requests whose raw path contains `needle`, without CORS preflights.
pub async fn requests_to(needle: &str) -> Vec<JsValue> {
    requests()
        .await
        .into_iter()
        .filter(|r| get(r, "method").as_string().as_deref() != Some("OPTIONS"))
        .filter(|r| {
            get(r, "path")
                .as_string()
                .is_some_and(|p| p.contains(needle))
        })
        .collect()
}

/// The emails sent to `to`, oldest first.
pub async fn outbox_for(to: &str) -> Vec<JsValue> {
    js_sys::Array::from(&get_json("/sandbox/outbox").await)
        .to_vec()
        .into_iter()
        .filter(|mail| get(mail, "to").as_string().as_deref() == Some(to))
        .collect()
}

/// A plain object from key/value pairs.
pub fn object(entries: &[(&str, JsValue)]) -> JsValue {
    let object = Object::new();
    for (key, value) in entries {
        Reflect::set(&object, &JsValue::from_str(key), value).expect("set");
    }
    object.into()
}

/// `value[key]`.
pub fn get(value: &JsValue, key: &str) -> JsValue {
    Reflect::get(value, &JsValue::from_str(key)).unwrap_or(JsValue::UNDEFINED)
}

/// Whether `value` has its own property `key` (absent vs. `undefined`/`null`).
pub fn has(value: &JsValue, key: &str) -> bool {
    value
        .dyn_ref::<Object>()
        .is_some_and(|o| Object::has_own(o, &JsValue::from_str(key)))
}

/// Sleeps without blocking the event loop.
pub async fn sleep(ms: i32) {
    let promise = js_sys::Promise::new(&mut |resolve, _| {
        let global = js_sys::global();
        let set_timeout: js_sys::Function = get(&global, "setTimeout").unchecked_into();
        set_timeout
            .call2(&JsValue::NULL, &resolve, &JsValue::from(ms))
            .expect("setTimeout");
    });
    wasm_bindgen_futures::JsFuture::from(promise)
        .await
        .expect("sleep");
}

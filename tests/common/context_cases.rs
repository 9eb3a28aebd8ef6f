//! An `OptInClient`'s session context (through its WebAssembly half,
//! `OptInClientCore`) against the sandbox, run by the browser and Node
//! suites: the context reaches Emporix's anonymous login as its query
//! parameters, the session the sandbox creates carries it, and a wrong value
//! rejects before anything is sent.

use emporix_optin::js::client::OptInClientCore;
use wasm_bindgen::prelude::*;
use wasm_bindgen_futures::JsFuture;
use wasm_bindgen_test::wasm_bindgen_test;

use super::sandbox::*;

/// The client id the sandbox accepts.
const CLIENT_ID: &str = "sandbox-client";

/// A client that logs in with the sandbox's client id and `context`.
fn client_with_context(tenant: &str, context: JsValue) -> Result<OptInClientCore, JsValue> {
    OptInClientCore::new(object(&[
        ("tenant", tenant.into()),
        ("clientId", CLIENT_ID.into()),
        ("baseUrl", SANDBOX_URL.into()),
        ("context", context),
    ]))
}

/// `{siteCode, currency, language, targetLocation}` with the given entries.
fn context(entries: &[(&str, &str)]) -> JsValue {
    let entries: Vec<(&str, JsValue)> = entries.iter().map(|(k, v)| (*k, (*v).into())).collect();
    object(&entries)
}

async fn confirm(client: &OptInClientCore, token: &str) -> Result<JsValue, JsValue> {
    JsFuture::from(client.confirm_opt_in(token.into(), JsValue::UNDEFINED)).await
}

/// Registers a pending customer on `tenant` and returns its opt-in token.
async fn pending(tenant: &str) -> String {
    let token = unique("ctx");
    register_token(tenant, &format!("{}@example.com", unique("c")), &token).await;
    token
}

/// The query strings of the anonymous logins for `tenant`.
async fn logins(tenant: &str) -> Vec<String> {
    let prefix = format!("tenant={tenant}&");
    requests()
        .await
        .iter()
        .filter(|r| {
            get(r, "path").as_string().as_deref() == Some("/customerlogin/auth/anonymous/login")
        })
        .filter_map(|r| get(r, "query").as_string())
        .filter(|q| q.starts_with(&prefix))
        .collect()
}

/// The API requests that mention `text` in their path or query.
async fn mentioning(text: &str) -> Vec<JsValue> {
    requests()
        .await
        .into_iter()
        .filter(|r| {
            ["path", "query"]
                .iter()
                .any(|key| get(r, key).as_string().is_some_and(|v| v.contains(text)))
        })
        .collect()
}

/// The sandbox's session whose access tokens include `access_token`.
async fn session_of(access_token: &str) -> JsValue {
    let response = gloo_net::http::Request::get(&format!("{SANDBOX_URL}/sandbox/sessions"))
        .send()
        .await
        .expect("sandbox reachable");
    let sessions = js_sys::JSON::parse(&response.text().await.expect("body")).expect("JSON");
    js_sys::Array::from(&sessions)
        .iter()
        .find(|session| {
            js_sys::Array::from(&get(session, "accessTokens"))
                .iter()
                .any(|t| t.as_string().as_deref() == Some(access_token))
        })
        .expect("a session for the token")
}

/// The anonymous token the confirm of `token` was sent with.
async fn bearer_of_confirm(token: &str) -> String {
    let sent = requests_to(&format!("/signup/optin/{token}")).await;
    assert_eq!(sent.len(), 1);
    get(&sent[0], "authorization")
        .as_string()
        .and_then(|a| a.strip_prefix("Bearer ").map(str::to_owned))
        .expect("a Bearer token")
}

/// Each context key's value in the sandbox session whose anonymous token
/// confirmed `token` (`None` where the session has `null`), in the order
/// `siteCode`, `currency`, `language`, `targetLocation`.
async fn session_context_of_confirm(token: &str) -> [Option<String>; 4] {
    let context = get(
        &session_of(&bearer_of_confirm(token).await).await,
        "context",
    );
    ["siteCode", "currency", "language", "targetLocation"].map(|key| {
        let value = get(&context, key);
        assert!(value.is_string() || value.is_null(), "{key}: {value:?}");
        value.as_string()
    })
}

#[wasm_bindgen_test]
async fn a_storefront_with_a_site_and_currency_gets_a_session_that_matches_it() {
    let tenant = unique("t");
    let client = client_with_context(
        &tenant,
        context(&[
            ("siteCode", "ch"),
            ("currency", "CHF"),
            ("language", "de"),
            ("targetLocation", "CH"),
        ]),
    )
    .expect("a valid config");
    let token = pending(&tenant).await;

    confirm(&client, &token).await.expect("confirmed");

    let sent = logins(&tenant).await;
    assert_eq!(sent.len(), 1, "{sent:?}");
    assert!(
        sent[0].ends_with("&siteCode=ch&currency=CHF&language=de&targetLocation=CH"),
        "{}",
        sent[0]
    );
    assert_eq!(
        session_context_of_confirm(&token).await,
        [Some("ch"), Some("CHF"), Some("de"), Some("CH")].map(|v| v.map(str::to_owned))
    );
    let session = session_of(&bearer_of_confirm(&token).await).await;
    assert_eq!(get(&session, "tenant").as_string(), Some(tenant));
}

#[wasm_bindgen_test]
async fn only_the_keys_given_are_sent_and_encoded() {
    let tenant = unique("t");
    let client = client_with_context(
        &tenant,
        context(&[("siteCode", "dé&x=1"), ("currency", "EUR")]),
    )
    .expect("a valid config");
    let token = pending(&tenant).await;

    confirm(&client, &token).await.expect("confirmed");

    let sent = logins(&tenant).await;
    assert_eq!(sent.len(), 1, "{sent:?}");
    assert!(
        sent[0].ends_with("&siteCode=d%C3%A9%26x%3D1&currency=EUR"),
        "{}",
        sent[0]
    );
    assert_eq!(
        session_context_of_confirm(&token).await,
        [Some("dé&x=1"), Some("EUR"), None, None].map(|v| v.map(str::to_owned))
    );
}

#[wasm_bindgen_test]
async fn without_a_context_the_login_sends_none() {
    let tenant = unique("t");
    let client = client_with_context(&tenant, JsValue::UNDEFINED).expect("a valid config");
    let token = pending(&tenant).await;

    confirm(&client, &token).await.expect("confirmed");

    let sent = logins(&tenant).await;
    assert_eq!(sent, vec![format!("tenant={tenant}&client_id={CLIENT_ID}")]);
}

/// Every wrong context rejects each call with `invalid_input` and its field,
/// and nothing reaches the sandbox.
#[wasm_bindgen_test]
async fn a_wrong_context_rejects_before_anything_is_sent() {
    let cases: Vec<(JsValue, &str)> = vec![
        (context(&[("currency", "eur")]), "context.currency"),
        (context(&[("currency", "EURO")]), "context.currency"),
        (
            context(&[("targetLocation", "Germany")]),
            "context.targetLocation",
        ),
        (context(&[("language", "english")]), "context.language"),
        (context(&[("siteCode", "")]), "context.siteCode"),
        (context(&[("siteCode", "main site")]), "context.siteCode"),
        (
            object(&[("siteCode", "main".into()), ("currency", 978.into())]),
            "context.currency",
        ),
        ("CHF".into(), "context"),
    ];
    for (context, field) in cases {
        let tenant = unique("t");
        let result = match client_with_context(&tenant, context) {
            Ok(client) => confirm(&client, &pending(&tenant).await).await,
            Err(error) => Err(error),
        };
        let error = result.expect_err(field);
        assert_eq!(
            get(&error, "name").as_string().as_deref(),
            Some("OptInError")
        );
        assert_eq!(
            get(&error, "code").as_string().as_deref(),
            Some("invalid_input")
        );
        assert_eq!(get(&error, "field").as_string().as_deref(), Some(field));
        assert!(
            mentioning(&tenant).await.is_empty(),
            "{field}: nothing sent"
        );
    }
}

#[wasm_bindgen_test]
async fn a_context_needs_a_client_id() {
    let result = OptInClientCore::new(object(&[
        ("tenant", TENANT.into()),
        ("anonymousToken", "token".into()),
        ("baseUrl", SANDBOX_URL.into()),
        ("context", context(&[("currency", "EUR")])),
    ]));
    let error = match result {
        Ok(client) => confirm(&client, "never-sent").await.expect_err("refused"),
        Err(error) => error,
    };
    assert_eq!(
        get(&error, "code").as_string().as_deref(),
        Some("invalid_input")
    );
    assert_eq!(get(&error, "field").as_string().as_deref(), Some("context"));
    assert!(mentioning("never-sent").await.is_empty());
}

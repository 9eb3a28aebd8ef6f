//! Shared helpers: start a sandbox in-process on an ephemeral 127.0.0.1 port.
#![allow(dead_code)]

use emporix_sandbox::{bind, AppState, Config};
use percent_encoding::{utf8_percent_encode, AsciiSet, NON_ALPHANUMERIC};
use reqwest::{Client, Response};
use serde_json::{json, Value};

/// What `encodeURIComponent` leaves alone.
const COMPONENT: &AsciiSet = &NON_ALPHANUMERIC
    .remove(b'-')
    .remove(b'_')
    .remove(b'.')
    .remove(b'!')
    .remove(b'~')
    .remove(b'*')
    .remove(b'\'')
    .remove(b'(')
    .remove(b')');

/// Percent-encodes like JavaScript's `encodeURIComponent`.
pub fn enc(s: &str) -> String {
    utf8_percent_encode(s, COMPONENT).to_string()
}

pub const TENANT: &str = "mytenant";
pub const CLIENT: &str = "sandbox-client";

pub struct Sandbox {
    pub base: String,
    pub port: u16,
    pub state: AppState,
    pub client: Client,
}

pub fn client() -> Client {
    Client::builder()
        .no_proxy()
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .expect("client")
}

pub async fn start() -> Sandbox {
    start_with(Config::default()).await
}

pub async fn start_with(config: Config) -> Sandbox {
    let server = bind(Config { port: 0, ..config }).await.expect("bind");
    let port = server.local_addr().port();
    let state = server.state().clone();
    server.spawn();
    Sandbox {
        base: format!("http://127.0.0.1:{port}"),
        port,
        state,
        client: client(),
    }
}

impl Sandbox {
    pub fn url(&self, path: &str) -> String {
        format!("{}{path}", self.base)
    }

    pub async fn get(&self, path: &str) -> Response {
        self.client.get(self.url(path)).send().await.expect("send")
    }

    pub async fn delete(&self, path: &str) -> Response {
        self.client
            .delete(self.url(path))
            .send()
            .await
            .expect("send")
    }

    pub async fn post_json(&self, path: &str, body: Value) -> Response {
        self.client
            .post(self.url(path))
            .json(&body)
            .send()
            .await
            .expect("send")
    }

    /// Anonymous login through the real endpoint; returns the whole body.
    pub async fn login(&self, tenant: &str) -> Value {
        let res = self
            .get(&format!(
                "/customerlogin/auth/anonymous/login?tenant={tenant}&client_id={CLIENT}"
            ))
            .await;
        assert_eq!(res.status(), 200);
        res.json().await.expect("json")
    }

    /// An anonymous access token for `tenant`.
    pub async fn anon(&self, tenant: &str) -> String {
        self.login(tenant).await["access_token"]
            .as_str()
            .expect("access_token")
            .to_owned()
    }

    pub async fn signup(&self, tenant: &str, email: &str, bearer: &str) -> Response {
        self.client
            .post(self.url(&format!("/customer/{tenant}/signup")))
            .bearer_auth(bearer)
            .json(&json!({ "email": email, "password": "Secret123!", "firstName": "Ada" }))
            .send()
            .await
            .expect("send")
    }

    /// GET the opt-in route with an already-encoded token segment.
    pub async fn confirm_raw(
        &self,
        tenant: &str,
        raw_token: &str,
        bearer: Option<&str>,
    ) -> Response {
        let mut req = self
            .client
            .get(self.url(&format!("/customer/{tenant}/signup/optin/{raw_token}")));
        if let Some(b) = bearer {
            req = req.bearer_auth(b);
        }
        req.send().await.expect("send")
    }

    pub async fn confirm(&self, tenant: &str, token: &str, bearer: &str) -> Response {
        self.confirm_raw(tenant, &enc(token), Some(bearer)).await
    }

    pub async fn resend(&self, tenant: &str, email: &str, bearer: &str) -> Response {
        self.client
            .post(self.url(&format!("/customer/{tenant}/signup/optin/refresh_token")))
            .bearer_auth(bearer)
            .json(&json!({ "email": email }))
            .send()
            .await
            .expect("send")
    }

    pub async fn outbox(&self) -> Vec<Value> {
        self.get("/sandbox/outbox")
            .await
            .json()
            .await
            .expect("json")
    }

    pub async fn requests(&self) -> Vec<Value> {
        self.get("/sandbox/requests")
            .await
            .json()
            .await
            .expect("json")
    }

    /// Registers a pending customer with exactly `token`.
    pub async fn register(&self, tenant: &str, email: &str, token: &str) -> Response {
        self.post_json(
            "/sandbox/optin-tokens",
            json!({ "tenant": tenant, "email": email, "token": token }),
        )
        .await
    }
}

/// Body of a response as JSON.
pub async fn body(res: Response) -> Value {
    res.json().await.expect("json body")
}

/// Asserts the spec's ErrorMessage shape and returns its `type`.
pub fn assert_error_message(v: &Value, status: u16) -> String {
    assert_eq!(v["status"], status, "{v}");
    assert!(v["message"].is_string(), "{v}");
    assert!(v["moreInfo"].is_string(), "{v}");
    let kind = v["type"].as_str().expect("type").to_owned();
    assert!(
        kind.chars().all(|c| c.is_ascii_lowercase() || c == '_'),
        "{kind}"
    );
    kind
}

/// Asserts the 401 gateway fault shape and returns `errorcode`.
pub fn assert_fault(v: &Value) -> String {
    assert!(v["fault"]["faultstring"].is_string(), "{v}");
    v["fault"]["detail"]["errorcode"]
        .as_str()
        .expect("errorcode")
        .to_owned()
}

//! The contract: every answer the sandbox gives to an operation of Emporix's
//! official spec (`sandbox/spec/customer-management.yml`) matches it. The
//! status is one the operation documents, and the body validates, with the
//! `jsonschema` crate, against the schema the spec gives that status (its
//! `$ref`s resolved inside the spec); a status without content has no body.
//!
//! The spec documents less than the flow needs: login and refresh document
//! only their 200, and no operation documents 429 or 413. Those answers are
//! the sandbox's assumptions, listed in [`ASSUMED`] (and, in words, in
//! `sandbox/README.md`). An assumed status must still carry one of the spec's
//! error shapes, and every assumption must be exercised here, so the list
//! cannot go stale.
//!
//! Fault tenants are covered as well: those whose answer claims to come from
//! Emporix ([`EMPORIX_FAULTS`]) are held to the same contract; the others
//! ([`TRANSPORT_FAULTS`]) imitate proxies, gateways and networks on purpose
//! and are left out. Every fault is in exactly one of the two lists. Of the
//! refresh-only faults (tenants starting with `rf400`, `rf404`), the 400 is
//! held to the contract (an assumed status, `ErrorMessage`); the 404 is a
//! status the spec documents nowhere, there to test that a client falls back
//! to a fresh login on any 4xx, and is left out.
//!
//! The refresh quirk: the spec marks its `anonymous_token` query parameter
//! both required and deprecated. Emporix's own tutorial sends only `tenant`,
//! `refresh_token` and `client_id`, and so do these requests (and the
//! library, which must not put a token in a URL); the sandbox does not
//! require it.

mod common;

use std::collections::BTreeSet;
use std::time::Duration;

use common::*;
use emporix_sandbox::{faults, Config};
use jsonschema::{Draft, Validator};
use reqwest::{Method, RequestBuilder, Response};
use serde_json::{json, Value};

const SPEC: &str = include_str!("../spec/customer-management.yml");

const SIGNUP: &str = "POST-customer-create-customer-account";
const LOGIN: &str = "GET-oauth-generate-anonymous-access-token";
const REFRESH: &str = "GET-oauth-refresh-anonymous-access-token";
const CONFIRM: &str = "GET-customer-signup-customer-optin";
const RESEND: &str = "POST-customer-refresh-token";

/// An error shape of the spec, by JSON pointer into it.
const ERROR_MESSAGE: &str = "/components/schemas/ErrorMessage";
const GATEWAY_FAULT: &str =
    "/components/responses/401_unauthorized/content/application~1json/schema";

/// Answers the spec does not document, which the sandbox gives because the
/// flow needs them: (operation, status, the spec's error shape it must have).
const ASSUMED: &[(&str, u16, &str)] = &[
    // Login and refresh document only 200. A malformed request is a 400 and
    // a refused client id or refresh token is the gateway's 401 fault.
    (LOGIN, 400, ERROR_MESSAGE),
    (LOGIN, 401, GATEWAY_FAULT),
    (REFRESH, 400, ERROR_MESSAGE),
    (REFRESH, 401, GATEWAY_FAULT),
    // Rate limiting: the resend limit, and the f429* fault tenants everywhere.
    (RESEND, 429, ERROR_MESSAGE),
    (CONFIRM, 429, ERROR_MESSAGE),
    (LOGIN, 429, ERROR_MESSAGE),
    (REFRESH, 429, ERROR_MESSAGE),
    // A request body over the sandbox's 1 MiB limit.
    (SIGNUP, 413, ERROR_MESSAGE),
];

/// Fault tenants whose answers claim to be Emporix's: held to the contract.
const EMPORIX_FAULTS: &[&str] = &[
    "f401fault",
    "f400nodetails",
    "f429",
    "f429secs",
    "f429date",
    // These answer normally (late, without CORS headers, with the camelCase twins).
    "fslow",
    "fcors",
    "ftwins",
];

/// Fault tenants that imitate what is not Emporix: an HTML error page of a
/// proxy, a gateway's empty 502, a broken or truncated body, a redirect, a
/// teapot. Deliberately outside the contract.
const TRANSPORT_FAULTS: &[&str] = &[
    "f500html",
    "f502empty",
    "f503retry",
    "f200badjson",
    "f200noaccess",
    "f200types",
    "f200html",
    "freset",
    "f401text",
    "fredirect",
    "f418",
];

/// The spec, with its operations looked up by `operationId`.
struct Spec {
    document: Value,
}

impl Spec {
    fn load() -> Spec {
        let document: Value = serde_norway::from_str(SPEC).expect("the spec is valid YAML");
        Spec { document }
    }

    /// (path template, method, operation object) of `operation_id`.
    fn operation(&self, operation_id: &str) -> (&str, &str, &Value) {
        let paths = self.document["paths"].as_object().expect("paths");
        paths
            .iter()
            .flat_map(|(path, item)| {
                item.as_object()
                    .into_iter()
                    .flatten()
                    .map(move |(method, op)| (path.as_str(), method.as_str(), op))
            })
            .find(|(_, _, op)| op["operationId"] == operation_id)
            .unwrap_or_else(|| panic!("{operation_id} is not in the spec"))
    }

    /// Follows a local `$ref` (`#/...`), if `value` is one.
    fn resolve<'a>(&'a self, value: &'a Value) -> &'a Value {
        match value.get("$ref").and_then(Value::as_str) {
            Some(reference) => {
                let pointer = reference.strip_prefix('#').expect("a local $ref");
                self.document
                    .pointer(pointer)
                    .unwrap_or_else(|| panic!("{reference} does not resolve"))
            }
            None => value,
        }
    }

    /// The documented response of `operation_id` for `status`, if any.
    fn response(&self, operation_id: &str, status: u16) -> Option<&Value> {
        let (_, _, op) = self.operation(operation_id);
        op["responses"]
            .get(status.to_string())
            .map(|response| self.resolve(response))
    }

    /// A validator for `schema`, a schema object of the spec. The whole spec
    /// is its root document, so the `$ref`s inside (`#/components/...`)
    /// resolve as in the spec. OpenAPI 3.0 schemas are a superset of JSON
    /// Schema draft 4 (`deprecated`, `example` are annotations, ignored).
    fn validator(&self, schema: &Value) -> Validator {
        let mut root = self.document.clone();
        root["x-contract-schema"] = schema.clone();
        root["$ref"] = json!("#/x-contract-schema");
        jsonschema::options()
            .with_draft(Draft::Draft4)
            .build(&root)
            .expect("the spec's schema compiles")
    }
}

/// One answer of the sandbox, to a request for `operation`.
struct Exchange {
    operation: &'static str,
    what: String,
    path: String,
    status: u16,
    content_type: Option<String>,
    body: String,
}

/// Whether `path` (without query) matches the spec's path template.
fn matches_template(template: &str, path: &str) -> bool {
    let template: Vec<&str> = template.split('/').collect();
    let path: Vec<&str> = path.split('/').collect();
    template.len() == path.len()
        && template
            .iter()
            .zip(&path)
            .all(|(t, p)| (t.starts_with('{') && !p.is_empty()) || t == p)
}

struct Contract {
    spec: Spec,
    sandbox: Sandbox,
    failures: Vec<String>,
    /// (operation, status) seen, documented ones.
    documented: BTreeSet<(&'static str, u16)>,
    /// (operation, status) seen, assumed ones.
    assumed: BTreeSet<(&'static str, u16)>,
}

impl Contract {
    async fn new() -> Contract {
        let sandbox = start_with(Config {
            slow: Duration::from_millis(5),
            resend_limit: 1,
            ..Config::default()
        })
        .await;
        Contract {
            spec: Spec::load(),
            sandbox,
            failures: Vec::new(),
            documented: BTreeSet::new(),
            assumed: BTreeSet::new(),
        }
    }

    fn request(&self, method: Method, path: &str) -> RequestBuilder {
        self.sandbox
            .client
            .request(method, self.sandbox.url(path))
            .header("origin", "http://127.0.0.1:5173")
    }

    /// Sends `request` for `operation` and checks the answer; returns its JSON body, if any.
    async fn send(
        &mut self,
        operation: &'static str,
        what: impl Into<String>,
        request: RequestBuilder,
    ) -> Value {
        let (client, request) = request.build_split();
        let request = request.expect("request");
        let path = request.url().path().to_owned();
        let response: Response = client.execute(request).await.expect("send");
        let exchange = Exchange {
            operation,
            what: what.into(),
            path,
            status: response.status().as_u16(),
            content_type: response
                .headers()
                .get("content-type")
                .map(|v| v.to_str().unwrap_or_default().to_owned()),
            body: response.text().await.expect("body"),
        };
        if let Err(failure) = self.check(&exchange) {
            self.failures.push(format!(
                "{} ({}), {}: {failure}\n    body: {}",
                exchange.operation, exchange.what, exchange.status, exchange.body
            ));
        }
        serde_json::from_str(&exchange.body).unwrap_or(Value::Null)
    }

    fn check(&mut self, exchange: &Exchange) -> Result<(), String> {
        let (template, _, _) = self.spec.operation(exchange.operation);
        if !matches_template(template, &exchange.path) {
            return Err(format!("{} is not a path of {template}", exchange.path));
        }
        let schema = match self.spec.response(exchange.operation, exchange.status) {
            Some(response) => {
                self.documented
                    .insert((exchange.operation, exchange.status));
                match response.get("content") {
                    None => {
                        return if exchange.body.is_empty() {
                            Ok(())
                        } else {
                            Err("the spec documents no content, but there is a body".into())
                        };
                    }
                    Some(content) => content
                        .get("application/json")
                        .map(|media| self.spec.resolve(&media["schema"]).clone())
                        .ok_or("the spec documents no application/json content")?,
                }
            }
            None => {
                let shape = ASSUMED
                    .iter()
                    .find(|(op, status, _)| *op == exchange.operation && *status == exchange.status)
                    .map(|(_, _, shape)| *shape)
                    .ok_or("the spec documents no such status, and it is not in ASSUMED")?;
                self.assumed.insert((exchange.operation, exchange.status));
                self.spec.document.pointer(shape).expect("shape").clone()
            }
        };
        let content_type = exchange.content_type.as_deref().unwrap_or_default();
        if !content_type.starts_with("application/json") {
            return Err(format!(
                "content type {content_type:?}, not application/json"
            ));
        }
        let body: Value =
            serde_json::from_str(&exchange.body).map_err(|e| format!("not JSON: {e}"))?;
        let validator = self.spec.validator(&schema);
        let errors: Vec<String> = validator
            .iter_errors(&body)
            .map(|e| format!("{} at {}", e, e.instance_path()))
            .collect();
        if !errors.is_empty() {
            return Err(format!("does not match its schema: {}", errors.join("; ")));
        }
        // ErrorMessage.status: "It should be consistent with the HTTP response code."
        match body.get("status").and_then(Value::as_u64) {
            Some(status)
                if self.spec.document.pointer(ERROR_MESSAGE) == Some(&schema)
                    && status != u64::from(exchange.status) =>
            {
                Err(format!(
                    "ErrorMessage.status {status} differs from the HTTP status"
                ))
            }
            _ => Ok(()),
        }
    }

    // ---- requests, one per shape of operation -----------------------------

    async fn login(&mut self, what: &str, query: &str) -> Value {
        let request = self.request(
            Method::GET,
            &format!("/customerlogin/auth/anonymous/login?{query}"),
        );
        self.send(LOGIN, what, request).await
    }

    async fn refresh(&mut self, what: &str, query: &str) -> Value {
        let request = self.request(
            Method::GET,
            &format!("/customerlogin/auth/anonymous/refresh?{query}"),
        );
        self.send(REFRESH, what, request).await
    }

    async fn signup(&mut self, what: &str, tenant: &str, bearer: Option<&str>, body: &str) {
        let mut request = self
            .request(Method::POST, &format!("/customer/{tenant}/signup"))
            .header("content-type", "application/json")
            .body(body.to_owned());
        if let Some(bearer) = bearer {
            request = request.bearer_auth(bearer);
        }
        self.send(SIGNUP, what, request).await;
    }

    async fn confirm(&mut self, what: &str, tenant: &str, token: &str, bearer: Option<&str>) {
        let mut request = self.request(
            Method::GET,
            &format!("/customer/{tenant}/signup/optin/{}", enc(token)),
        );
        if let Some(bearer) = bearer {
            request = request.bearer_auth(bearer);
        }
        self.send(CONFIRM, what, request).await;
    }

    async fn resend(&mut self, what: &str, tenant: &str, bearer: Option<&str>, body: &str) {
        let mut request = self
            .request(
                Method::POST,
                &format!("/customer/{tenant}/signup/optin/refresh_token"),
            )
            .header("content-type", "application/json")
            .body(body.to_owned());
        if let Some(bearer) = bearer {
            request = request.bearer_auth(bearer);
        }
        self.send(RESEND, what, request).await;
    }

    /// A pending customer of `tenant` whose opt-in token is `token`.
    async fn register(&self, tenant: &str, email: &str, token: &str) {
        let res = self.sandbox.register(tenant, email, token).await;
        assert_eq!(res.status(), 201, "register {token} in {tenant}");
    }

    /// The normal flow on `tenant`: every documented success and failure.
    async fn flow(&mut self, tenant: &str) {
        let client = format!("client_id={CLIENT}");
        let login = self
            .login(
                "login",
                &format!("tenant={tenant}&{client}&siteCode=main&currency=EUR&language=EN&targetLocation=DE"),
            )
            .await;
        let anon = login["access_token"]
            .as_str()
            .unwrap_or_default()
            .to_owned();
        let refresh_token = login["refresh_token"]
            .as_str()
            .unwrap_or_default()
            .to_owned();
        let refresh = format!(
            "tenant={tenant}&{client}&refresh_token={}",
            enc(&refresh_token)
        );
        self.refresh("refresh", &refresh).await;

        // Sign-up.
        let email = format!("{tenant}.contract@example.com");
        let account = json!({"email": email, "password": "Secret123!"}).to_string();
        self.signup("sign-up", tenant, Some(&anon), &account).await;
        self.signup("duplicate", tenant, Some(&anon), &account)
            .await;
        self.signup("bad JSON", tenant, Some(&anon), "{").await;
        self.signup(
            "bad email",
            tenant,
            Some(&anon),
            r#"{"email":"x","password":"p"}"#,
        )
        .await;
        self.signup("no password", tenant, Some(&anon), r#"{"email":"a@b.co"}"#)
            .await;
        self.signup("no bearer", tenant, None, &account).await;
        self.signup("unknown bearer", tenant, Some("nope"), &account)
            .await;

        // Confirm.
        let token = format!("{tenant}-tok");
        self.register(tenant, &format!("{tenant}.c@example.com"), &token)
            .await;
        self.confirm("confirm", tenant, &token, Some(&anon)).await;
        self.confirm("used", tenant, &token, Some(&anon)).await;
        self.confirm("unknown", tenant, "nope", Some(&anon)).await;
        self.confirm("no bearer", tenant, &token, None).await;
        self.confirm("unknown bearer", tenant, &token, Some("nope"))
            .await;
        self.register(tenant, &format!("{tenant}.r@example.com"), "refresh_token")
            .await;
        self.confirm(
            "a token named refresh_token",
            tenant,
            "refresh_token",
            Some(&anon),
        )
        .await;
        let superseded = format!("{tenant}-old");
        self.register(tenant, &format!("{tenant}.s@example.com"), &superseded)
            .await;
        self.register(
            tenant,
            &format!("{tenant}.s@example.com"),
            &format!("{tenant}-new"),
        )
        .await;
        self.confirm("superseded", tenant, &superseded, Some(&anon))
            .await;

        // Resend (the limit is 1 per address).
        let pending = json!({"email": format!("{tenant}.s@example.com")}).to_string();
        self.resend("pending", tenant, Some(&anon), &pending).await;
        self.resend("over the limit", tenant, Some(&anon), &pending)
            .await;
        self.resend(
            "unknown",
            tenant,
            Some(&anon),
            r#"{"email":"nobody@example.com"}"#,
        )
        .await;
        self.resend("bad JSON", tenant, Some(&anon), "[").await;
        self.resend("bad email", tenant, Some(&anon), r#"{"email":"x"}"#)
            .await;
        self.resend("no body", tenant, Some(&anon), "").await;
        self.resend("no bearer", tenant, None, &pending).await;
    }
}

#[test]
fn every_fault_is_classified_once() {
    for (name, _) in faults::ALL {
        let claims = EMPORIX_FAULTS.contains(&name);
        let transport = TRANSPORT_FAULTS.contains(&name);
        assert!(
            claims ^ transport,
            "fault tenant {name}: put it in exactly one of EMPORIX_FAULTS (its answer claims to \
             be Emporix's, so it must match the spec) and TRANSPORT_FAULTS"
        );
    }
    assert_eq!(
        EMPORIX_FAULTS.len() + TRANSPORT_FAULTS.len(),
        faults::ALL.len()
    );
}

/// The operations and statuses the flow relies on: each must be documented
/// by the spec and produced by the sandbox under contract.
const FLOW_RESPONSES: &[(&str, u16)] = &[
    (SIGNUP, 201),
    (SIGNUP, 400),
    (SIGNUP, 401),
    (SIGNUP, 409),
    (LOGIN, 200),
    (REFRESH, 200),
    (CONFIRM, 200),
    (CONFIRM, 400),
    (CONFIRM, 401),
    (RESEND, 202),
    (RESEND, 400),
    (RESEND, 401),
];

#[test]
fn the_spec_documents_what_the_flow_uses() {
    let spec = Spec::load();
    for &(operation, status) in FLOW_RESPONSES {
        assert!(
            spec.response(operation, status).is_some(),
            "{operation} {status}"
        );
    }
    for (operation, status, _) in ASSUMED {
        assert!(
            spec.response(operation, *status).is_none(),
            "{operation} {status} is documented"
        );
    }
    // The session-context parameters the sandbox keeps (`/sandbox/sessions`).
    let (_, _, login) = spec.operation(LOGIN);
    for name in ["siteCode", "currency", "language", "targetLocation"] {
        let parameter = login["parameters"]
            .as_array()
            .and_then(|p| p.iter().find(|p| p["name"] == name))
            .unwrap_or_else(|| panic!("login parameter {name}"));
        assert_eq!(parameter["in"], "query", "{name}");
        assert_eq!(parameter["required"], false, "{name}");
        assert_eq!(parameter["schema"]["type"], "string", "{name}");
    }
    // The refresh quirk this file's requests work around.
    let (_, _, refresh) = spec.operation(REFRESH);
    let anonymous_token = refresh["parameters"]
        .as_array()
        .and_then(|p| p.iter().find(|p| p["name"] == "anonymous_token"))
        .expect("anonymous_token parameter");
    assert_eq!(anonymous_token["required"], true);
    assert_eq!(anonymous_token["deprecated"], true);
}

/// The validator is live: a wrong body fails, so the contract can fail.
#[test]
fn the_validator_rejects_what_the_spec_forbids() {
    let spec = Spec::load();
    let token = spec.resolve(
        &spec.response(CONFIRM, 200).expect("200")["content"]["application/json"]["schema"],
    );
    let validator = spec.validator(token);
    assert!(validator.is_valid(&json!({"access_token": "a", "expires_in": 1})));
    assert!(!validator.is_valid(&json!({"access_token": 1})));
    assert!(!validator.is_valid(&json!({"accessToken": ""})));
    assert!(!validator.is_valid(&json!({"expires_in": "soon"})));
    let error = spec.validator(spec.document.pointer(ERROR_MESSAGE).expect("ErrorMessage"));
    assert!(error.is_valid(&json!({"status": 409, "type": "conflict_resource"})));
    assert!(!error.is_valid(&json!({"status": 409, "type": "CONFLICT"})));
    assert!(!error.is_valid(&json!({"status": 42})));
    let fault = spec.validator(spec.document.pointer(GATEWAY_FAULT).expect("fault"));
    assert!(!fault.is_valid(&json!({"fault": {"faultstring": 1}})));
}

#[tokio::test]
async fn every_answer_matches_the_official_spec() {
    let mut contract = Contract::new().await;

    contract.flow(TENANT).await;

    // Login and refresh failures (assumed: the spec documents only 200).
    let client = format!("client_id={CLIENT}");
    contract.login("no tenant", &client).await;
    contract
        .login("bad tenant", &format!("tenant=AB&{client}"))
        .await;
    contract
        .login("no client id", &format!("tenant={TENANT}"))
        .await;
    contract
        .login(
            "unknown client id",
            &format!("tenant={TENANT}&client_id=nope"),
        )
        .await;
    contract
        .refresh("no refresh token", &format!("tenant={TENANT}&{client}"))
        .await;
    contract
        .refresh(
            "unknown refresh token",
            &format!("tenant={TENANT}&{client}&refresh_token=nope"),
        )
        .await;
    let login = contract.sandbox.login(TENANT).await;
    contract
        .sandbox
        .state
        .clock()
        .advance(Duration::from_secs(90_000));
    let expired = format!(
        "tenant={TENANT}&{client}&refresh_token={}",
        enc(login["refresh_token"].as_str().expect("refresh_token"))
    );
    contract.refresh("expired refresh token", &expired).await;
    contract
        .confirm(
            "expired bearer",
            TENANT,
            "whatever",
            login["access_token"].as_str(),
        )
        .await;
    let anon = contract.sandbox.anon(TENANT).await;
    contract
        .register(TENANT, "late@example.com", "expired-token")
        .await;
    contract
        .sandbox
        .state
        .clock()
        .advance(Duration::from_secs(90_000));
    let anon_late = contract.sandbox.anon(TENANT).await;
    contract
        .confirm(
            "expired opt-in token",
            TENANT,
            "expired-token",
            Some(&anon_late),
        )
        .await;
    contract
        .confirm("bad tenant", "AB", "tok", Some(&anon))
        .await;
    contract
        .resend("bad tenant", "AB", Some(&anon), r#"{"email":"a@b.co"}"#)
        .await;
    contract
        .signup(
            "bad tenant",
            "AB",
            Some(&anon),
            r#"{"email":"a@b.co","password":"p"}"#,
        )
        .await;
    let huge = format!(
        r#"{{"email":"a@b.co","password":"{}"}}"#,
        "x".repeat(1 << 20)
    );
    contract
        .signup("body over 1 MiB", TENANT, Some(&anon_late), &huge)
        .await;

    // The refresh-only 400 fault (an assumed status); its login is normal.
    let login = contract
        .login("login for rf400", &format!("tenant=rf400contract&{client}"))
        .await;
    let refresh = format!(
        "tenant=rf400contract&{client}&refresh_token={}",
        enc(login["refresh_token"].as_str().expect("refresh_token"))
    );
    let refused = contract.refresh("refresh fault rf400", &refresh).await;
    assert_eq!(
        refused["status"], 400,
        "rf400 refuses the refresh: {refused}"
    );

    // Faults whose answers claim to be Emporix's.
    for fault in EMPORIX_FAULTS {
        if ["fslow", "fcors", "ftwins"].contains(fault) {
            contract.flow(fault).await;
            continue;
        }
        let what = format!("fault {fault}");
        contract
            .login(&what, &format!("tenant={fault}&{client}"))
            .await;
        contract
            .refresh(&what, &format!("tenant={fault}&{client}&refresh_token=x"))
            .await;
        contract.confirm(&what, fault, "tok", None).await;
        contract
            .resend(&what, fault, None, r#"{"email":"a@b.co"}"#)
            .await;
    }

    assert!(
        contract.failures.is_empty(),
        "answers that do not match the official spec:\n{}",
        contract.failures.join("\n")
    );
    for &(operation, status) in FLOW_RESPONSES {
        assert!(
            contract.documented.contains(&(operation, status)),
            "not covered: {operation} {status}"
        );
    }
    for (operation, status, _) in ASSUMED {
        assert!(
            contract.assumed.contains(&(*operation, *status)),
            "assumption never exercised (remove it from ASSUMED?): {operation} {status}"
        );
    }
}

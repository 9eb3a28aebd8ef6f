//! The Emporix API stand-in: anonymous tokens, sign-up, confirm, resend.

mod common;

use std::sync::Arc;
use std::time::Duration;

use common::*;
use emporix_sandbox::Config;
use serde_json::{json, Value};

#[tokio::test]
async fn anonymous_login_and_refresh() {
    let sb = start().await;
    let login = sb.login(TENANT).await;
    assert_eq!(login["token_type"], "Bearer");
    assert_eq!(login["expires_in"], 3599);
    assert_eq!(login["refresh_token_expires_in"], 86399);
    assert!(login["sessionId"].is_string());
    assert!(login["scope"].is_string());
    let access = login["access_token"].as_str().unwrap();
    let refresh = login["refresh_token"].as_str().unwrap();

    let res = sb
        .get(&format!(
            "/customerlogin/auth/anonymous/refresh?tenant={TENANT}&client_id={CLIENT}&refresh_token={}",
            enc(refresh)
        ))
        .await;
    assert_eq!(res.status(), 200);
    let refreshed = body(res).await;
    assert_ne!(refreshed["access_token"], access);
    assert_eq!(refreshed["sessionId"], login["sessionId"]);
    assert_eq!(refreshed["token_type"], "Bearer");

    // Both access tokens authorize (the old one has not expired).
    for token in [access, refreshed["access_token"].as_str().unwrap()] {
        let res = sb.resend(TENANT, "nobody@example.com", token).await;
        assert_eq!(res.status(), 202);
    }
}

/// The snake_case fields of a confirm and their deprecated camelCase twins.
const TWINS: [(&str, &str); 5] = [
    ("access_token", "accessToken"),
    ("expires_in", "expiresIn"),
    ("refresh_token", "refreshToken"),
    ("refresh_token_expires_in", "refreshTokenExpiresIn"),
    ("saas_token", "saasToken"),
];

/// Confirms a fresh token in `tenant` and returns the body.
async fn confirmed_body(sb: &Sandbox, tenant: &str) -> Value {
    let anon = sb.anon(tenant).await;
    let token = format!("twins-{tenant}");
    let res = sb
        .post_json(
            "/sandbox/optin-tokens",
            json!({"tenant": tenant, "email": "twin@example.com", "token": token}),
        )
        .await;
    assert_eq!(res.status(), 201);
    let res = sb.confirm(tenant, &token, &anon).await;
    assert_eq!(res.status(), 200);
    body(res).await
}

fn assert_twins(tok: &Value) {
    for (snake, camel) in TWINS {
        assert!(!tok[snake].is_null(), "{snake}");
        assert_eq!(tok[snake], tok[camel], "{snake}/{camel}");
    }
}

#[tokio::test]
async fn camel_case_twins_come_back_with_the_ftwins_tenant_or_the_flag() {
    let sb = start().await;
    assert_twins(&confirmed_body(&sb, "ftwins").await);
    let plain = confirmed_body(&sb, TENANT).await;
    assert!(TWINS.iter().all(|(_, camel)| plain.get(camel).is_none()));

    let flagged = start_with(Config {
        camel_case_twins: true,
        ..Config::default()
    })
    .await;
    assert_twins(&confirmed_body(&flagged, TENANT).await);
    assert_eq!(
        body(flagged.get("/sandbox/info").await).await["camelCaseTwins"],
        true
    );
}

#[tokio::test]
async fn login_keeps_the_session_context_and_refresh_keeps_the_session() {
    let sb = start().await;
    let res = sb
        .get(&format!(
            "/customerlogin/auth/anonymous/login?tenant={TENANT}&client_id={CLIENT}&siteCode=main&currency=EUR&language=de&targetLocation=DE"
        ))
        .await;
    assert_eq!(res.status(), 200);
    let login = body(res).await;
    let plain = sb.login(TENANT).await;
    let refresh = login["refresh_token"].as_str().unwrap();
    let refreshed = body(
        sb.get(&format!(
            "/customerlogin/auth/anonymous/refresh?tenant={TENANT}&client_id={CLIENT}&refresh_token={}",
            enc(refresh)
        ))
        .await,
    )
    .await;

    let sessions = body(sb.get("/sandbox/sessions").await).await;
    let sessions = sessions.as_array().unwrap();
    assert_eq!(sessions.len(), 2);
    let with_context = &sessions[0];
    assert_eq!(with_context["sessionId"], login["sessionId"]);
    assert_eq!(with_context["tenant"], TENANT);
    assert_eq!(with_context["clientId"], CLIENT);
    assert_eq!(
        with_context["context"],
        json!({"siteCode": "main", "currency": "EUR", "language": "de", "targetLocation": "DE"})
    );
    assert_eq!(
        with_context["accessTokens"],
        json!([login["access_token"], refreshed["access_token"]])
    );
    assert_eq!(sessions[1]["sessionId"], plain["sessionId"]);
    assert_eq!(
        sessions[1]["context"],
        json!({"siteCode": null, "currency": null, "language": null, "targetLocation": null})
    );

    sb.post_json("/sandbox/reset", json!({})).await;
    assert_eq!(body(sb.get("/sandbox/sessions").await).await, json!([]));
}

#[tokio::test]
async fn anonymous_login_errors() {
    let sb = start().await;
    let res = sb
        .get("/customerlogin/auth/anonymous/login?tenant=mytenant&client_id=nope")
        .await;
    assert_eq!(res.status(), 401);
    assert_eq!(assert_fault(&body(res).await), "oauth.v2.InvalidApiKey");

    for query in [
        "client_id=sandbox-client",
        "tenant=AB&client_id=sandbox-client",
        "tenant=&client_id=x",
    ] {
        let res = sb
            .get(&format!("/customerlogin/auth/anonymous/login?{query}"))
            .await;
        assert_eq!(res.status(), 400, "{query}");
        assert_error_message(&body(res).await, 400);
    }
    let res = sb
        .get("/customerlogin/auth/anonymous/login?tenant=mytenant")
        .await;
    assert_eq!(res.status(), 400);

    // Refresh: unknown token, wrong client, expired token.
    let res = sb
        .get("/customerlogin/auth/anonymous/refresh?tenant=mytenant&client_id=sandbox-client&refresh_token=nope")
        .await;
    assert_eq!(res.status(), 401);
    assert_eq!(
        assert_fault(&body(res).await),
        "oauth.v2.InvalidRefreshToken"
    );

    let login = sb.login(TENANT).await;
    let refresh = login["refresh_token"].as_str().unwrap();
    let res = sb
        .get(&format!(
            "/customerlogin/auth/anonymous/refresh?tenant=mytenant&client_id=other&refresh_token={refresh}"
        ))
        .await;
    assert_eq!(res.status(), 401);
    assert_fault(&body(res).await);

    sb.state.clock().advance(Duration::from_secs(86_400));
    let res = sb
        .get(&format!(
            "/customerlogin/auth/anonymous/refresh?tenant=mytenant&client_id=sandbox-client&refresh_token={refresh}"
        ))
        .await;
    assert_eq!(res.status(), 401);
    assert_eq!(
        assert_fault(&body(res).await),
        "oauth.v2.RefreshTokenExpired"
    );
}

#[tokio::test]
async fn several_client_ids() {
    let sb = start_with(Config {
        client_ids: vec!["one".into(), "two".into()],
        ..Config::default()
    })
    .await;
    for (id, status) in [("one", 200), ("two", 200), ("sandbox-client", 401)] {
        let res = sb
            .get(&format!(
                "/customerlogin/auth/anonymous/login?tenant=mytenant&client_id={id}"
            ))
            .await;
        assert_eq!(res.status(), status, "{id}");
    }
    let info = body(sb.get("/sandbox/info").await).await;
    assert_eq!(info["clientId"], "one");
}

#[tokio::test]
async fn anonymous_token_expiry_and_revocation() {
    let sb = start().await;
    let login = sb.login(TENANT).await;
    let access = login["access_token"].as_str().unwrap().to_owned();
    sb.state.clock().advance(Duration::from_secs(3_599));
    let res = sb.resend(TENANT, "a@b.co", &access).await;
    assert_eq!(res.status(), 401);
    assert_eq!(
        assert_fault(&body(res).await),
        "keymanagement.service.access_token_expired"
    );

    // Revocation: refresh tokens survive, access tokens do not.
    let login = sb.login(TENANT).await;
    let access = login["access_token"].as_str().unwrap();
    let res = sb
        .post_json("/sandbox/revoke-anonymous-tokens", json!({}))
        .await;
    assert_eq!(res.status(), 200);
    assert!(body(res).await["revoked"].as_u64().unwrap() >= 1);
    let res = sb.resend(TENANT, "a@b.co", access).await;
    assert_eq!(res.status(), 401);
    assert_eq!(
        assert_fault(&body(res).await),
        "oauth.v2.InvalidAccessToken"
    );
    let res = sb
        .get(&format!(
            "/customerlogin/auth/anonymous/refresh?tenant={TENANT}&client_id={CLIENT}&refresh_token={}",
            login["refresh_token"].as_str().unwrap()
        ))
        .await;
    assert_eq!(res.status(), 200);
    let fresh = body(res).await["access_token"].as_str().unwrap().to_owned();
    assert_eq!(sb.resend(TENANT, "a@b.co", &fresh).await.status(), 202);
}

#[tokio::test]
async fn tokens_are_bound_to_their_tenant() {
    let sb = start().await;
    let bound = sb.anon("tenanta").await;
    let res = sb.resend("tenantb", "a@b.co", &bound).await;
    assert_eq!(res.status(), 401);
    assert_fault(&body(res).await);
    assert_eq!(sb.resend("tenanta", "a@b.co", &bound).await.status(), 202);

    // The sandbox shortcut without a tenant gives a token valid everywhere.
    let res = sb.post_json("/sandbox/anonymous-token", json!({})).await;
    assert_eq!(res.status(), 200);
    let any = body(res).await["access_token"].as_str().unwrap().to_owned();
    assert_eq!(sb.resend("tenanta", "a@b.co", &any).await.status(), 202);
    assert_eq!(sb.resend("tenantb", "a@b.co", &any).await.status(), 202);
    // ... with a tenant, bound to it; an empty body is fine too.
    let res = sb
        .post_json("/sandbox/anonymous-token", json!({ "tenant": "tenanta" }))
        .await;
    let bound = body(res).await["access_token"].as_str().unwrap().to_owned();
    assert_eq!(sb.resend("tenantb", "a@b.co", &bound).await.status(), 401);
    let res = sb
        .client
        .post(sb.url("/sandbox/anonymous-token"))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 200);
    let res = sb
        .post_json("/sandbox/anonymous-token", json!({ "tenant": "AB" }))
        .await;
    assert_eq!(res.status(), 400);
}

#[tokio::test]
async fn signup_confirm_and_single_use() {
    let sb = start().await;
    let anon = sb.anon(TENANT).await;
    let res = sb.signup(TENANT, "Ada@Example.com", &anon).await;
    assert_eq!(res.status(), 201);
    let id = body(res).await["id"].as_str().unwrap().to_owned();
    assert!(!id.is_empty());

    let outbox = sb.outbox().await;
    assert_eq!(outbox.len(), 1);
    let mail = &outbox[0];
    assert_eq!(mail["to"], "Ada@Example.com");
    assert_eq!(mail["tenant"], TENANT);
    assert!(mail["subject"].is_string());
    assert!(mail["sentAt"].as_str().unwrap().ends_with('Z'));
    let token = mail["token"].as_str().unwrap();
    assert_eq!(
        mail["link"],
        format!("http://127.0.0.1:{}/?token={}", sb.port, enc(token))
    );

    let customers = body(sb.get("/sandbox/customers").await).await;
    assert_eq!(customers[0]["status"], "pending");

    let res = sb.confirm(TENANT, token, &anon).await;
    assert_eq!(res.status(), 200);
    assert_eq!(res.headers()["content-type"], "application/json");
    let tok = body(res).await;
    // Snake_case only, as Emporix answers since 2025-11-13.
    for (snake, camel) in TWINS {
        assert!(!tok[snake].is_null(), "{snake}");
        assert!(tok.get(camel).is_none(), "{camel}");
    }
    assert!(tok["access_token"].as_str().unwrap().len() >= 16);
    // The lifetimes of the official example answer.
    assert_eq!(tok["expires_in"], 2_591_999);
    assert_eq!(tok["refresh_token_expires_in"], 86_399);
    assert_eq!(tok["token_type"], "Bearer");
    assert!(tok["session_id"].is_string());
    assert_eq!(tok["initialPassword"], "false");

    let customers = body(sb.get("/sandbox/customers").await).await;
    assert_eq!(customers[0]["status"], "active");
    assert_eq!(customers[0]["id"], id.as_str());

    let res = sb.confirm(TENANT, token, &anon).await;
    assert_eq!(res.status(), 400);
    let err = body(res).await;
    assert_eq!(assert_error_message(&err, 400), "token_already_used");
    assert_eq!(err["details"][0]["field"], "token");

    // Activated customers get nothing on resend, but still a 202.
    assert_eq!(
        sb.resend(TENANT, "ada@example.com", &anon).await.status(),
        202
    );
    assert_eq!(sb.outbox().await.len(), 1);
}

#[tokio::test]
async fn signup_errors() {
    let sb = start().await;
    let anon = sb.anon(TENANT).await;
    assert_eq!(
        sb.signup(TENANT, "dup@example.com", &anon).await.status(),
        201
    );
    let res = sb.signup(TENANT, "DUP@example.com", &anon).await;
    assert_eq!(res.status(), 409);
    let err = body(res).await;
    assert_eq!(assert_error_message(&err, 409), "conflict_resource");
    assert_eq!(
        err["message"],
        format!("Duplicate account 'DUP@example.com' for tenant '{TENANT}'.")
    );
    // Same address in another tenant is a different customer.
    let other = sb.anon("othertenant").await;
    assert_eq!(
        sb.signup("othertenant", "dup@example.com", &other)
            .await
            .status(),
        201
    );

    let url = sb.url(&format!("/customer/{TENANT}/signup"));
    for (payload, field) in [
        (r#"{"email":"not-an-email","password":"x"}"#, "email"),
        (r#"{"password":"x"}"#, "email"),
        (r#"{"email":42,"password":"x"}"#, "email"),
        (r#"{"email":"a@b.co"}"#, "password"),
        (r#"{"email":"a@b.co","password":""}"#, "password"),
        (r#"{"email":"a@b.co","password":7}"#, "password"),
        (r#"{"email":"a@b.co""#, "body"),
        (r#"[1,2]"#, "body"),
        ("", "body"),
    ] {
        let res = sb
            .client
            .post(&url)
            .bearer_auth(&anon)
            .header("content-type", "application/json")
            .body(payload)
            .send()
            .await
            .unwrap();
        assert_eq!(res.status(), 400, "{payload}");
        let err = body(res).await;
        assert_error_message(&err, 400);
        assert_eq!(err["details"][0]["field"], field, "{payload}");
    }
    let res = sb
        .client
        .post(&url)
        .json(&json!({"email": "z@b.co", "password": "x"}))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 401);
    assert_fault(&body(res).await);
}

#[tokio::test]
async fn expired_token() {
    let sb = start_with(Config {
        optin_ttl: Duration::from_secs(60),
        ..Config::default()
    })
    .await;
    let anon = sb.post_json("/sandbox/anonymous-token", json!({})).await;
    let anon = body(anon).await["access_token"]
        .as_str()
        .unwrap()
        .to_owned();
    assert_eq!(
        sb.signup(TENANT, "late@example.com", &anon).await.status(),
        201
    );
    let token = sb.outbox().await[0]["token"].as_str().unwrap().to_owned();
    // Move sandbox time through the HTTP control endpoint this time.
    let res = sb
        .post_json("/sandbox/clock", json!({ "advanceSecs": 61 }))
        .await;
    assert_eq!(res.status(), 200);
    assert!(body(res).await["offsetMs"].as_i64().unwrap() >= 61_000);
    let res = sb.confirm(TENANT, &token, &anon).await;
    assert_eq!(res.status(), 400);
    assert_eq!(assert_error_message(&body(res).await, 400), "token_expired");
    let res = sb
        .post_json("/sandbox/clock", json!({ "advanceSecs": -1 }))
        .await;
    assert_eq!(res.status(), 400);
}

#[tokio::test]
async fn resend_invalidates_old_token() {
    let sb = start().await;
    let anon = sb.anon(TENANT).await;
    assert_eq!(
        sb.signup(TENANT, "re@example.com", &anon).await.status(),
        201
    );
    let first = sb.outbox().await[0]["token"].as_str().unwrap().to_owned();

    let res = sb.resend(TENANT, "RE@example.com", &anon).await;
    assert_eq!(res.status(), 202);
    assert!(res.bytes().await.unwrap().is_empty());
    let outbox = sb.outbox().await;
    assert_eq!(outbox.len(), 2);
    let second = outbox[1]["token"].as_str().unwrap().to_owned();
    assert_ne!(first, second);
    assert_eq!(outbox[1]["to"], "re@example.com");

    let res = sb.confirm(TENANT, &first, &anon).await;
    assert_eq!(res.status(), 400);
    assert_eq!(
        assert_error_message(&body(res).await, 400),
        "token_invalidated"
    );
    assert_eq!(sb.confirm(TENANT, &second, &anon).await.status(), 200);

    let res = sb.confirm(TENANT, "never-issued", &anon).await;
    assert_eq!(res.status(), 400);
    assert_eq!(
        assert_error_message(&body(res).await, 400),
        "token_not_found"
    );
    // A token is only valid in its own tenant.
    assert_eq!(
        sb.signup(TENANT, "re2@example.com", &anon).await.status(),
        201
    );
    let third = sb.outbox().await[2]["token"].as_str().unwrap().to_owned();
    let any = body(sb.post_json("/sandbox/anonymous-token", json!({})).await).await;
    let res = sb
        .confirm("othertenant", &third, any["access_token"].as_str().unwrap())
        .await;
    assert_eq!(
        assert_error_message(&body(res).await, 400),
        "token_not_found"
    );
}

#[tokio::test]
async fn resend_unknown_email_sends_nothing() {
    let sb = start().await;
    let anon = sb.anon(TENANT).await;
    let res = sb.resend(TENANT, "ghost@example.com", &anon).await;
    assert_eq!(res.status(), 202);
    assert!(sb.outbox().await.is_empty());
}

#[tokio::test]
async fn resend_bad_input() {
    let sb = start().await;
    let anon = sb.anon(TENANT).await;
    let url = sb.url(&format!("/customer/{TENANT}/signup/optin/refresh_token"));
    for (payload, content_type) in [
        ("", "application/json"),
        ("not json", "application/json"),
        ("{\"email\":", "application/json"),
        ("{}", "application/json"),
        ("{\"email\":null}", "application/json"),
        ("{\"email\":\"nope\"}", "application/json"),
        ("{\"email\":[\"a@b.co\"]}", "application/json"),
        ("\"a@b.co\"", "application/json"),
        ("email=a@b.co", "application/x-www-form-urlencoded"),
    ] {
        let res = sb
            .client
            .post(&url)
            .bearer_auth(&anon)
            .header("content-type", content_type)
            .body(payload)
            .send()
            .await
            .unwrap();
        assert_eq!(res.status(), 400, "{payload}");
        let err = body(res).await;
        assert_error_message(&err, 400);
        assert!(!err["details"].as_array().unwrap().is_empty());
    }
    // No Authorization, wrong scheme, unknown token.
    for auth in [None, Some("Basic abc"), Some("Bearer nope"), Some("Bearer")] {
        let mut req = sb.client.post(&url).json(&json!({"email": "a@b.co"}));
        if let Some(auth) = auth {
            req = req.header("authorization", auth);
        }
        let res = req.send().await.unwrap();
        assert_eq!(res.status(), 401, "{auth:?}");
        assert_eq!(
            assert_fault(&body(res).await),
            "oauth.v2.InvalidAccessToken"
        );
    }
}

#[tokio::test]
async fn resend_rate_limit() {
    let sb = start_with(Config {
        resend_limit: 2,
        resend_window: Duration::from_secs(100),
        ..Config::default()
    })
    .await;
    let anon = sb.anon(TENANT).await;
    assert_eq!(
        sb.signup(TENANT, "rl@example.com", &anon).await.status(),
        201
    );
    for _ in 0..2 {
        assert_eq!(
            sb.resend(TENANT, "rl@example.com", &anon).await.status(),
            202
        );
    }
    let res = sb.resend(TENANT, "rl@example.com", &anon).await;
    assert_eq!(res.status(), 429);
    let retry: u64 = res.headers()["retry-after"]
        .to_str()
        .unwrap()
        .parse()
        .unwrap();
    assert!((1..=100).contains(&retry), "{retry}");
    assert_eq!(
        assert_error_message(&body(res).await, 429),
        "too_many_requests"
    );
    assert_eq!(sb.outbox().await.len(), 3);

    // Unknown addresses are limited the same way, so 429 reveals nothing.
    for _ in 0..2 {
        assert_eq!(
            sb.resend(TENANT, "x@example.com", &anon).await.status(),
            202
        );
    }
    assert_eq!(
        sb.resend(TENANT, "x@example.com", &anon).await.status(),
        429
    );

    // The window slides.
    sb.state.clock().advance(Duration::from_secs(100));
    let anon = body(sb.post_json("/sandbox/anonymous-token", json!({})).await).await;
    let anon = anon["access_token"].as_str().unwrap();
    assert_eq!(
        sb.resend(TENANT, "rl@example.com", anon).await.status(),
        202
    );
    assert_eq!(sb.outbox().await.len(), 4);
}

#[tokio::test]
async fn confirm_requires_bearer() {
    let sb = start().await;
    assert_eq!(
        sb.register(TENANT, "b@example.com", "tok").await.status(),
        201
    );
    let res = sb.confirm_raw(TENANT, "tok", None).await;
    assert_eq!(res.status(), 401);
    assert_eq!(res.headers()["content-type"], "application/json");
    let fault = body(res).await;
    assert_eq!(fault["fault"]["faultstring"], "Invalid access token");
    assert_eq!(assert_fault(&fault), "oauth.v2.InvalidAccessToken");
    let res = sb.confirm_raw(TENANT, "tok", Some("made-up")).await;
    assert_eq!(res.status(), 401);
    assert_fault(&body(res).await);
    // The token was not consumed by the failed attempts.
    let anon = sb.anon(TENANT).await;
    assert_eq!(sb.confirm(TENANT, "tok", &anon).await.status(), 200);
}

#[tokio::test]
async fn bad_tenants() {
    let sb = start().await;
    let any = body(sb.post_json("/sandbox/anonymous-token", json!({})).await).await;
    let any = any["access_token"].as_str().unwrap();
    for tenant in [
        "AB",
        "a",
        "ab",
        "abcdefghijklmnopq",
        "1abc",
        "my-tenant",
        "T%C3%BCr",
        "%FF%FE",
    ] {
        let res = sb.confirm_raw(tenant, "tok", Some(any)).await;
        assert_eq!(res.status(), 400, "{tenant}");
        let err = body(res).await;
        // The official example's type and message.
        assert_eq!(assert_error_message(&err, 400), "bad_request");
        assert_eq!(
            err["message"],
            "The tenant information provided with the request is not valid."
        );
        assert_eq!(err["details"][0]["field"], "tenant", "{tenant}");
        let res = sb.resend(tenant, "a@b.co", any).await;
        assert_eq!(res.status(), 400, "{tenant}");
        let res = sb.signup(tenant, "a@b.co", any).await;
        assert_eq!(res.status(), 400, "{tenant}");
    }
    // 16 characters is still fine.
    let res = sb.confirm_raw("abcdefghijklmnop", "tok", Some(any)).await;
    assert_eq!(
        assert_error_message(&body(res).await, 400),
        "token_not_found"
    );
}

#[tokio::test]
async fn hostile_tokens_round_trip() {
    let sb = start().await;
    let anon = sb.anon(TENANT).await;
    let hostile = [
        "a/b?c#d%e f ü😀",
        "%2F",
        "../..",
        "+plus+",
        "semi;colon,comma=eq&amp",
        "refresh_token",
        "back\\slash\"quote'",
    ];
    for (i, token) in hostile.iter().enumerate() {
        let email = format!("h{i}@example.com");
        let res = sb.register(TENANT, &email, token).await;
        assert_eq!(res.status(), 201, "{token}");
        let reg = body(res).await;
        assert_eq!(reg["token"], *token);
        let link = reg["link"].as_str().unwrap();
        let (_, encoded) = link.split_once("?token=").unwrap();
        assert!(!encoded.contains(['/', '?', '#', ' ', '&', '+']), "{link}");
        let decoded = percent_encoding::percent_decode_str(encoded)
            .decode_utf8()
            .unwrap();
        assert_eq!(decoded, *token);

        let _ = sb.delete("/sandbox/requests").await;
        let res = sb.confirm(TENANT, token, &anon).await;
        assert_eq!(res.status(), 200, "{token}");
        let log = sb.requests().await;
        assert_eq!(log.len(), 1);
        assert_eq!(
            log[0]["path"],
            format!("/customer/{TENANT}/signup/optin/{}", enc(token)),
            "raw path is logged still encoded"
        );
        assert_eq!(log[0]["authorization"], format!("Bearer {anon}"));
    }

    // Decoded exactly once: a double-encoded token is a different token.
    assert_eq!(
        sb.register(TENANT, "d@example.com", "x/y").await.status(),
        201
    );
    let res = sb.confirm_raw(TENANT, "x%252Fy", Some(&anon)).await;
    assert_eq!(
        assert_error_message(&body(res).await, 400),
        "token_not_found"
    );
    // An unencoded slash is a path separator: no such route.
    let res = sb.confirm_raw(TENANT, "x/y", Some(&anon)).await;
    assert_eq!(res.status(), 404);
    assert_error_message(&body(res).await, 404);
    // Invalid UTF-8 after decoding is answered, not a crash.
    let res = sb.confirm_raw(TENANT, "%FF", Some(&anon)).await;
    assert_eq!(
        assert_error_message(&body(res).await, 400),
        "token_not_found"
    );
    assert_eq!(
        sb.confirm_raw(TENANT, "x%2Fy", Some(&anon)).await.status(),
        200
    );
}

#[tokio::test]
async fn register_optin_errors() {
    let sb = start().await;
    assert_eq!(
        sb.register(TENANT, "e@example.com", "t1").await.status(),
        201
    );
    let res = sb.register(TENANT, "f@example.com", "t1").await;
    assert_eq!(res.status(), 409);
    // A second token for the same pending customer supersedes the first.
    assert_eq!(
        sb.register(TENANT, "e@example.com", "t2").await.status(),
        201
    );
    let anon = sb.anon(TENANT).await;
    let res = sb.confirm(TENANT, "t1", &anon).await;
    assert_eq!(
        assert_error_message(&body(res).await, 400),
        "token_invalidated"
    );
    assert_eq!(sb.confirm(TENANT, "t2", &anon).await.status(), 200);
    let res = sb.register(TENANT, "e@example.com", "t3").await;
    assert_eq!(res.status(), 409);
    for bad in [
        json!({"tenant": "AB", "email": "a@b.co", "token": "x"}),
        json!({"tenant": TENANT, "email": "nope", "token": "x"}),
        json!({"tenant": TENANT, "email": "a@b.co", "token": ""}),
        json!({"tenant": TENANT, "email": "a@b.co"}),
        json!({"tenant": TENANT, "email": "a@b.co", "token": "x", "ttlSecs": "soon"}),
    ] {
        let res = sb.post_json("/sandbox/optin-tokens", bad.clone()).await;
        assert_eq!(res.status(), 400, "{bad}");
    }
    // ttlSecs: 0 gives an already-expired token.
    let res = sb
        .post_json(
            "/sandbox/optin-tokens",
            json!({"tenant": TENANT, "email": "z@b.co", "token": "zero", "ttlSecs": 0}),
        )
        .await;
    assert_eq!(res.status(), 201);
    let res = sb.confirm(TENANT, "zero", &anon).await;
    assert_eq!(assert_error_message(&body(res).await, 400), "token_expired");
}

#[tokio::test]
async fn concurrent_confirms() {
    let sb = Arc::new(start().await);
    let anon = Arc::new(sb.anon(TENANT).await);

    // Ten at once on the same token: exactly one wins.
    assert_eq!(
        sb.register(TENANT, "same@example.com", "same")
            .await
            .status(),
        201
    );
    let mut tasks = Vec::new();
    for _ in 0..10 {
        let (sb, anon) = (sb.clone(), anon.clone());
        tasks.push(tokio::spawn(async move {
            let res = sb.confirm(TENANT, "same", &anon).await;
            let status = res.status().as_u16();
            (status, body(res).await)
        }));
    }
    let mut ok = 0;
    for task in tasks {
        let (status, body) = task.await.unwrap();
        if status == 200 {
            ok += 1;
        } else {
            assert_eq!(status, 400);
            assert_eq!(body["type"], "token_already_used");
        }
    }
    assert_eq!(ok, 1);

    // A thousand different tokens at once: all succeed.
    for i in 0..1000 {
        sb.state
            .register_optin(
                TENANT,
                &format!("c{i}@example.com"),
                &format!("tok-{i}"),
                None,
            )
            .unwrap();
    }
    let limit = Arc::new(tokio::sync::Semaphore::new(250));
    let mut tasks = Vec::new();
    for i in 0..1000 {
        let (sb, anon, limit) = (sb.clone(), anon.clone(), limit.clone());
        tasks.push(tokio::spawn(async move {
            let _permit = limit.acquire().await.unwrap();
            sb.confirm(TENANT, &format!("tok-{i}"), &anon)
                .await
                .status()
                .as_u16()
        }));
    }
    for task in tasks {
        assert_eq!(task.await.unwrap(), 200);
    }
    let customers: Vec<Value> = body(sb.get("/sandbox/customers").await)
        .await
        .as_array()
        .unwrap()
        .clone();
    assert_eq!(customers.len(), 1001);
    assert!(customers.iter().all(|c| c["status"] == "active"));
}

#[tokio::test]
async fn reset_clears_everything() {
    let sb = start().await;
    let anon = sb.anon(TENANT).await;
    assert_eq!(
        sb.signup(TENANT, "r@example.com", &anon).await.status(),
        201
    );
    sb.state.clock().advance(Duration::from_secs(10));
    let res = sb.post_json("/sandbox/reset", json!({})).await;
    assert_eq!(res.status(), 204);
    assert!(sb.outbox().await.is_empty());
    assert!(sb.requests().await.is_empty());
    assert_eq!(body(sb.get("/sandbox/customers").await).await, json!([]));
    assert_eq!(sb.state.clock().offset_ms(), 0);
    // Anonymous tokens are gone, and the email can sign up again.
    assert_eq!(
        sb.signup(TENANT, "r@example.com", &anon).await.status(),
        401
    );
    let anon = sb.anon(TENANT).await;
    assert_eq!(
        sb.signup(TENANT, "r@example.com", &anon).await.status(),
        201
    );
}

#[tokio::test]
async fn outbox_and_link_base() {
    let sb = start_with(Config {
        link_base: Some("https://shop.example/activate?lang=en".into()),
        ..Config::default()
    })
    .await;
    let anon = sb.anon(TENANT).await;
    assert_eq!(
        sb.signup(TENANT, "l@example.com", &anon).await.status(),
        201
    );
    let mail = &sb.outbox().await[0];
    assert_eq!(
        mail["link"],
        format!(
            "https://shop.example/activate?lang=en&token={}",
            mail["token"].as_str().unwrap()
        )
    );
    let res = sb.delete("/sandbox/outbox").await;
    assert_eq!(res.status(), 204);
    assert!(sb.outbox().await.is_empty());
    let info = body(sb.get("/sandbox/info").await).await;
    assert_eq!(info["sandbox"], true);
    assert_eq!(info["linkBase"], "https://shop.example/activate?lang=en");
    assert_eq!(info["optinTtlSecs"], 86400);
    assert_eq!(info["resendLimit"], 3);
    assert!(info["faultTenants"].as_array().unwrap().len() >= 18);
}

//! Fault injection through reserved tenant names.

mod common;

use std::time::{Duration, Instant};

use common::*;
use emporix_sandbox::clock::imf_fixdate;
use emporix_sandbox::Config;
use reqwest::{Method, Response};
use serde_json::{json, Value};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpStream;

const ORIGIN: &str = "http://127.0.0.1:5173";

/// The four routes faults apply to, for `tenant`.
fn routes(tenant: &str) -> Vec<(Method, String)> {
    vec![
        (Method::GET, format!("/customer/{tenant}/signup/optin/tok")),
        (
            Method::POST,
            format!("/customer/{tenant}/signup/optin/refresh_token"),
        ),
        (
            Method::GET,
            format!("/customerlogin/auth/anonymous/login?tenant={tenant}&client_id={CLIENT}"),
        ),
        (
            Method::GET,
            format!(
                "/customerlogin/auth/anonymous/refresh?tenant={tenant}&client_id={CLIENT}&refresh_token=x"
            ),
        ),
    ]
}

/// Sends without any Authorization: faults win over auth checks.
async fn hit(sb: &Sandbox, method: &Method, path: &str) -> Response {
    let mut req = sb
        .client
        .request(method.clone(), sb.url(path))
        .header("origin", ORIGIN);
    if method == Method::POST {
        req = req.json(&json!({ "email": "a@b.co" }));
    }
    req.send().await.expect("send")
}

fn content_type(res: &Response) -> &str {
    res.headers()
        .get("content-type")
        .and_then(|v| v.to_str().ok())
        .unwrap_or("")
}

fn assert_cors(res: &Response) {
    assert_eq!(res.headers()["access-control-allow-origin"], ORIGIN);
    assert_eq!(
        res.headers()["access-control-expose-headers"],
        "Retry-After"
    );
}

#[tokio::test]
async fn status_and_body_faults() {
    let sb = start().await;
    for tenant in [
        "f500html",
        "f502empty",
        "f503retry",
        "f200badjson",
        "f200noaccess",
        "f200types",
        "f200html",
        "f401fault",
        "f401text",
        "f400nodetails",
        "f429",
        "f429secs",
        "f429date",
        "f418",
    ] {
        for (method, path) in routes(tenant) {
            let res = hit(&sb, &method, &path).await;
            let what = format!("{method} {path}");
            assert_cors(&res);
            let status = res.status().as_u16();
            let ctype = content_type(&res).to_owned();
            let retry_after = res
                .headers()
                .get("retry-after")
                .map(|v| v.to_str().unwrap().to_owned());
            let now = sb.state.clock().now_ms();
            let text = res.text().await.unwrap();
            let json = || serde_json::from_str::<Value>(&text).expect(&what);
            match tenant {
                "f500html" => {
                    assert_eq!(status, 500, "{what}");
                    assert!(ctype.starts_with("text/html"), "{what}");
                    assert!(text.contains("<html"), "{what}");
                }
                "f502empty" => {
                    assert_eq!(status, 502, "{what}");
                    assert!(text.is_empty(), "{what}");
                }
                "f503retry" => {
                    assert_eq!(status, 503, "{what}");
                    assert_eq!(retry_after.as_deref(), Some("7"), "{what}");
                    assert!(text.is_empty(), "{what}");
                }
                "f200badjson" => {
                    assert_eq!(status, 200, "{what}");
                    assert_eq!(ctype, "application/json", "{what}");
                    assert_eq!(text, r#"{"access_token": "abc""#, "{what}");
                    assert!(serde_json::from_str::<Value>(&text).is_err());
                }
                "f200noaccess" => {
                    assert_eq!(status, 200, "{what}");
                    let v = json();
                    assert!(v.get("access_token").is_none() && v.get("accessToken").is_none());
                    assert!(v["refresh_token"].is_string() && v["expires_in"].is_number());
                }
                "f200types" => {
                    assert_eq!(status, 200, "{what}");
                    let v = json();
                    assert_eq!(v["access_token"], 42);
                    assert_eq!(v["expires_in"], "soon");
                    assert_eq!(v["refresh_token"], json!([]));
                    assert_eq!(v["token_type"], json!({}));
                    assert_eq!(v["session_id"], true);
                    assert_eq!(v["saas_token"], 1);
                    assert_eq!(v["initialPassword"], json!([]));
                }
                "f200html" => {
                    assert_eq!(status, 200, "{what}");
                    assert!(ctype.starts_with("text/html"), "{what}");
                    assert!(text.contains("<html"), "{what}");
                }
                "f401fault" => {
                    assert_eq!(status, 401, "{what}");
                    assert_eq!(assert_fault(&json()), "oauth.v2.InvalidAccessToken");
                }
                "f401text" => {
                    assert_eq!(status, 401, "{what}");
                    assert!(ctype.starts_with("text/plain"), "{what}");
                    assert_eq!(text, "Unauthorized");
                }
                "f400nodetails" => {
                    assert_eq!(status, 400, "{what}");
                    let v = json();
                    assert_error_message(&v, 400);
                    assert!(v.get("details").is_none(), "{what}");
                }
                "f429" => {
                    assert_eq!(status, 429, "{what}");
                    assert_eq!(retry_after, None, "{what}");
                    assert_error_message(&json(), 429);
                }
                "f429secs" => {
                    assert_eq!(status, 429, "{what}");
                    assert_eq!(retry_after.as_deref(), Some("30"), "{what}");
                }
                "f429date" => {
                    assert_eq!(status, 429, "{what}");
                    let date = retry_after.expect("Retry-After date");
                    let near: Vec<String> =
                        (115..=121).map(|s| imf_fixdate(now + s * 1_000)).collect();
                    assert!(near.contains(&date), "{date} not ~120 s ahead");
                    assert!(date.ends_with(" GMT") && date.len() == 29, "{date}");
                }
                "f418" => {
                    assert_eq!(status, 418, "{what}");
                    assert!(!text.is_empty());
                }
                _ => unreachable!(),
            }
        }
    }
}

#[tokio::test]
async fn slow_answers_normally_after_the_delay() {
    let sb = start_with(Config {
        slow: Duration::from_millis(300),
        ..Config::default()
    })
    .await;
    // A token of another tenant is accepted by fault tenants.
    let anon = sb.anon(TENANT).await;
    assert_eq!(
        sb.register("fslow", "s@example.com", "slowtok")
            .await
            .status(),
        201
    );
    let started = Instant::now();
    let res = sb.confirm("fslow", "slowtok", &anon).await;
    assert!(started.elapsed() >= Duration::from_millis(300));
    assert_eq!(res.status(), 200);
    assert!(body(res).await["access_token"].is_string());

    let started = Instant::now();
    let login = sb.login("fslow").await;
    assert!(started.elapsed() >= Duration::from_millis(300));
    assert!(login["access_token"].is_string());
    let started = Instant::now();
    assert_eq!(
        sb.resend("fslow", "s@example.com", &anon).await.status(),
        202
    );
    assert!(started.elapsed() >= Duration::from_millis(300));
    // Normal errors still apply after the delay.
    let res = sb.confirm_raw("fslow", "slowtok", None).await;
    assert_eq!(res.status(), 401);
}

#[tokio::test]
async fn sign_up_ignores_faults() {
    let sb = start().await;
    let anon = sb.anon(TENANT).await;
    assert_eq!(
        sb.signup("f500html", "n@example.com", &anon).await.status(),
        201
    );
}

/// Reads a raw HTTP/1.1 exchange until EOF or a reset.
async fn raw_get(port: u16, path: &str) -> (Vec<u8>, bool) {
    let mut stream = TcpStream::connect(("127.0.0.1", port)).await.unwrap();
    let request =
        format!("GET {path} HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\nOrigin: {ORIGIN}\r\n\r\n");
    stream.write_all(request.as_bytes()).await.unwrap();
    let mut received = Vec::new();
    let mut buf = [0u8; 4096];
    let mut errored = false;
    loop {
        match tokio::time::timeout(Duration::from_secs(5), stream.read(&mut buf)).await {
            Ok(Ok(0)) => break,
            Ok(Ok(n)) => received.extend_from_slice(&buf[..n]),
            Ok(Err(_)) => {
                errored = true;
                break;
            }
            Err(_) => panic!("connection neither finished nor dropped within 5 s"),
        }
    }
    (received, errored)
}

#[tokio::test]
async fn reset_drops_the_connection_mid_body() {
    let sb = start().await;
    for path in [
        "/customer/freset/signup/optin/tok".to_owned(),
        format!("/customerlogin/auth/anonymous/login?tenant=freset&client_id={CLIENT}"),
    ] {
        let (received, _) = raw_get(sb.port, &path).await;
        let text = String::from_utf8_lossy(&received).into_owned();
        let (head, body) = text.split_once("\r\n\r\n").expect("headers arrived");
        let head = head.to_ascii_lowercase();
        assert!(head.starts_with("http/1.1 200"), "{head}");
        assert!(head.contains("content-length: 1000"), "{head}");
        assert!(head.contains("access-control-allow-origin"), "{head}");
        assert!(!body.is_empty(), "part of the body arrives");
        assert!(body.len() < 1000, "but not all of it: {}", body.len());
    }

    // A real client sees an error while reading the body.
    let res = sb
        .client
        .get(sb.url("/customer/freset/signup/optin/tok"))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 200);
    assert!(res.bytes().await.is_err());
    // The POST route too, and the server carries on afterwards.
    let res = hit(
        &sb,
        &Method::POST,
        "/customer/freset/signup/optin/refresh_token",
    )
    .await;
    assert!(res.bytes().await.is_err());
    assert_eq!(sb.get("/sandbox/info").await.status(), 200);
}

#[tokio::test]
async fn cors_fault_strips_every_cors_header() {
    let sb = start().await;
    let anon = sb.anon(TENANT).await;
    assert_eq!(
        sb.register("fcors", "c@example.com", "corstok")
            .await
            .status(),
        201
    );
    let res = sb
        .client
        .get(sb.url("/customer/fcors/signup/optin/corstok"))
        .bearer_auth(&anon)
        .header("origin", ORIGIN)
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 200, "answers normally");
    assert!(
        !res.headers()
            .keys()
            .any(|k| k.as_str().starts_with("access-control-")),
        "{:?}",
        res.headers()
    );
    let res = sb
        .client
        .request(
            Method::OPTIONS,
            sb.url("/customer/fcors/signup/optin/corstok"),
        )
        .header("origin", ORIGIN)
        .header("access-control-request-method", "GET")
        .header("access-control-request-headers", "authorization")
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 204);
    assert!(!res
        .headers()
        .keys()
        .any(|k| k.as_str().starts_with("access-control-")));
    let res = sb
        .client
        .request(
            Method::OPTIONS,
            sb.url(&format!(
                "/customerlogin/auth/anonymous/login?tenant=fcors&client_id={CLIENT}"
            )),
        )
        .header("origin", ORIGIN)
        .send()
        .await
        .unwrap();
    assert!(!res.headers().contains_key("access-control-allow-origin"));
}

#[tokio::test]
async fn redirect_goes_to_another_origin_and_echo_records_authorization() {
    let sb = start().await;
    let path = "/customer/fredirect/signup/optin/a%2Fb";
    let res = sb
        .client
        .get(sb.url(path))
        .bearer_auth("secret-anon")
        .header("origin", ORIGIN)
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 307);
    assert_cors(&res);
    let location = res.headers()["location"].to_str().unwrap().to_owned();
    assert_eq!(
        location,
        format!("http://localhost:{}/sandbox/echo{path}", sb.port)
    );
    let res = hit(
        &sb,
        &Method::GET,
        &format!("/customerlogin/auth/anonymous/login?tenant=fredirect&client_id={CLIENT}"),
    )
    .await;
    assert!(res.headers()["location"]
        .to_str()
        .unwrap()
        .ends_with("/sandbox/echo/customerlogin/auth/anonymous/login?tenant=fredirect&client_id=sandbox-client"));

    // Follow it the way a client that keeps the header would (same host
    // name here: tests only ever talk to 127.0.0.1).
    let _ = sb.delete("/sandbox/requests").await;
    let echo_path = location.split_once(&format!(":{}", sb.port)).unwrap().1;
    let res = sb
        .client
        .get(sb.url(echo_path))
        .bearer_auth("secret-anon")
        .header("origin", ORIGIN)
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 200);
    assert_cors(&res);
    assert_eq!(body(res).await, json!({ "access_token": "leaked" }));
    let res = sb.client.get(sb.url(echo_path)).send().await.unwrap();
    assert_eq!(res.status(), 200);
    let log = sb.requests().await;
    assert_eq!(log.len(), 2);
    assert_eq!(log[0]["path"], echo_path);
    assert_eq!(log[0]["authorization"], "Bearer secret-anon");
    assert_eq!(log[1]["authorization"], Value::Null);
}

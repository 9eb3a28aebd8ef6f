//! HTTP plumbing: CORS, the request log, static files, error shapes, the binary.

mod common;

use std::path::PathBuf;
use std::process::Stdio;
use std::time::Duration;

use common::*;
use emporix_sandbox::Config;
use reqwest::Method;
use serde_json::{json, Value};
use tokio::io::{AsyncBufReadExt, BufReader};

const ORIGIN: &str = "http://localhost:5173";

#[tokio::test]
async fn preflight_on_every_api_path() {
    let sb = start().await;
    for path in [
        "/customer/mytenant/signup/optin/abc",
        "/customer/mytenant/signup/optin/refresh_token",
        "/customer/mytenant/signup",
        "/customerlogin/auth/anonymous/login?tenant=mytenant&client_id=x",
        "/customerlogin/auth/anonymous/refresh",
        "/sandbox/outbox",
        "/sandbox/requests",
        "/customer/unknown/route/here",
    ] {
        let res = sb
            .client
            .request(Method::OPTIONS, sb.url(path))
            .header("origin", ORIGIN)
            .header("access-control-request-method", "POST")
            .header(
                "access-control-request-headers",
                "authorization,content-type",
            )
            .send()
            .await
            .unwrap();
        assert_eq!(res.status(), 204, "{path}");
        let h = res.headers();
        assert_eq!(h["access-control-allow-origin"], ORIGIN, "{path}");
        assert_eq!(
            h["access-control-allow-methods"],
            "GET, POST, DELETE, OPTIONS"
        );
        assert_eq!(
            h["access-control-allow-headers"],
            "authorization, content-type, accept"
        );
        assert!(
            h["access-control-max-age"]
                .to_str()
                .unwrap()
                .parse::<u32>()
                .unwrap()
                > 0
        );
        assert_eq!(h["vary"], "Origin");
        assert!(res.bytes().await.unwrap().is_empty());
    }
}

#[tokio::test]
async fn cors_headers_on_every_response() {
    let sb = start().await;
    let anon = sb.anon(TENANT).await;
    // Success, 4xx, 401 fault, 404, 429 — with and without an Origin header.
    let cases = [
        (Method::GET, "/sandbox/info".to_owned(), None, 200),
        (
            Method::GET,
            "/customer/mytenant/signup/optin/nope".to_owned(),
            Some(&anon),
            400,
        ),
        (
            Method::GET,
            "/customer/mytenant/signup/optin/nope".to_owned(),
            None,
            401,
        ),
        (Method::GET, "/nothing-here".to_owned(), None, 404),
        (Method::PUT, "/sandbox/info".to_owned(), None, 405),
    ];
    for (method, path, bearer, status) in cases {
        for origin in [Some(ORIGIN), None] {
            let mut req = sb.client.request(method.clone(), sb.url(&path));
            if let Some(origin) = origin {
                req = req.header("origin", origin);
            }
            if let Some(bearer) = bearer {
                req = req.bearer_auth(bearer);
            }
            let res = req.send().await.unwrap();
            assert_eq!(res.status(), status, "{method} {path}");
            let h = res.headers();
            assert_eq!(h["access-control-allow-origin"], origin.unwrap_or("*"));
            assert_eq!(h["access-control-expose-headers"], "Retry-After");
            assert_eq!(h["vary"], "Origin");
            if status >= 400 {
                assert_eq!(h["content-type"], "application/json", "{method} {path}");
            }
        }
    }
}

#[tokio::test]
async fn request_log_records_requests_as_received() {
    let sb = start().await;
    let anon = sb.anon(TENANT).await;
    let _ = sb.delete("/sandbox/requests").await;

    let res = sb
        .client
        .get(sb.url("/customer/mytenant/signup/optin/a%2Fb%20c%F0%9F%98%80"))
        .header("authorization", format!("Bearer {anon}"))
        .header("accept", "application/json")
        .header("origin", ORIGIN)
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 400);
    let res = sb
        .client
        .post(sb.url("/customer/mytenant/signup/optin/refresh_token"))
        .header("authorization", format!("Bearer {anon}"))
        .header("content-type", "application/json; charset=utf-8")
        .body(r#"{"email":"q@example.com"}"#)
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 202);
    sb.client
        .request(Method::OPTIONS, sb.url("/customer/mytenant/signup/optin/x"))
        .header("origin", ORIGIN)
        .send()
        .await
        .unwrap();
    // Not logged: sandbox endpoints and static files.
    sb.get("/sandbox/info").await;
    sb.get("/sandbox/outbox").await;
    sb.get("/index.html").await;
    let res = sb
        .get("/customerlogin/auth/anonymous/login?tenant=mytenant&client_id=a%20b")
        .await;
    assert_eq!(res.status(), 401);

    let log = sb.requests().await;
    assert_eq!(log.len(), 3, "{log:#?}");
    let get = &log[0];
    assert_eq!(get["method"], "GET");
    assert_eq!(
        get["path"],
        "/customer/mytenant/signup/optin/a%2Fb%20c%F0%9F%98%80"
    );
    assert_eq!(get["query"], Value::Null);
    assert_eq!(get["authorization"], format!("Bearer {anon}"));
    assert_eq!(get["accept"], "application/json");
    assert_eq!(get["origin"], ORIGIN);
    assert_eq!(get["contentType"], Value::Null);
    assert_eq!(get["body"], Value::Null);
    assert!(get["receivedAt"].is_string());
    assert_eq!(get["headers"]["authorization"], format!("Bearer {anon}"));

    let post = &log[1];
    assert_eq!(post["method"], "POST");
    assert_eq!(post["contentType"], "application/json; charset=utf-8");
    assert_eq!(post["body"], r#"{"email":"q@example.com"}"#);
    assert_eq!(post["origin"], Value::Null);

    assert_eq!(log[2]["query"], "tenant=mytenant&client_id=a%20b");
    assert_eq!(log[2]["authorization"], Value::Null);
    // Preflights only on request.
    let all: Vec<Value> = body(sb.get("/sandbox/requests?preflight=true").await)
        .await
        .as_array()
        .unwrap()
        .clone();
    assert_eq!(all.len(), 4);
    assert_eq!(all[2]["method"], "OPTIONS");
    assert_eq!(all[2]["origin"], ORIGIN);

    let res = sb.delete("/sandbox/requests").await;
    assert_eq!(res.status(), 204);
    assert!(sb.requests().await.is_empty());
}

#[tokio::test]
async fn error_shapes_for_unknown_routes_and_methods() {
    let sb = start().await;
    for (method, path, status) in [
        (Method::GET, "/customer/mytenant/nothing", 404),
        (Method::POST, "/customer/mytenant/signup/optin/", 404),
        (Method::GET, "/sandbox/nothing", 404),
        (Method::POST, "/nothing.html", 404),
        (Method::DELETE, "/customer/mytenant/signup/optin/abc", 405),
        (Method::POST, "/customer/mytenant/signup/optin/abc", 405),
        (Method::GET, "/customer/mytenant/signup", 405),
        (Method::PUT, "/customerlogin/auth/anonymous/login", 405),
    ] {
        let res = sb
            .client
            .request(method.clone(), sb.url(path))
            .send()
            .await
            .unwrap();
        assert_eq!(res.status(), status, "{method} {path}");
        assert_error_message(&body(res).await, status);
    }
    // Bodies over the limit are refused with the JSON shape too.
    let anon = sb.anon(TENANT).await;
    let res = sb
        .client
        .post(sb.url("/customer/mytenant/signup/optin/refresh_token"))
        .bearer_auth(&anon)
        .body(vec![b' '; 2 * 1024 * 1024])
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 413);
    assert_error_message(&body(res).await, 413);
    // Garbage in sandbox endpoints too.
    for path in [
        "/sandbox/optin-tokens",
        "/sandbox/anonymous-token",
        "/sandbox/clock",
    ] {
        let res = sb
            .client
            .post(sb.url(path))
            .body("{not json")
            .send()
            .await
            .unwrap();
        assert_eq!(res.status(), 400, "{path}");
        assert_error_message(&body(res).await, 400);
    }
}

/// Status line of a raw `GET path`, bypassing client-side URL normalisation.
async fn raw_status_line(port: u16, path: &str) -> String {
    use tokio::io::{AsyncReadExt, AsyncWriteExt};
    let mut stream = tokio::net::TcpStream::connect(("127.0.0.1", port))
        .await
        .unwrap();
    let request = format!("GET {path} HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n");
    stream.write_all(request.as_bytes()).await.unwrap();
    let mut response = Vec::new();
    stream.read_to_end(&mut response).await.unwrap();
    String::from_utf8_lossy(&response)
        .lines()
        .next()
        .unwrap_or("")
        .to_owned()
}

fn temp_dir(name: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!(
        "emporix-sandbox-test-{}-{name}",
        std::process::id()
    ));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

#[tokio::test]
async fn static_files_and_pkg() {
    let www = temp_dir("www");
    let pkg = temp_dir("pkg");
    std::fs::write(www.join("index.html"), "<!doctype html><title>demo</title>").unwrap();
    std::fs::write(www.join("app.js"), "export {};").unwrap();
    std::fs::write(pkg.join("emporix_optin.js"), "export default 1;").unwrap();
    std::fs::write(pkg.join("emporix_optin_bg.wasm"), b"\0asm\x01\0\0\0").unwrap();
    let sb = start_with(Config {
        static_dir: www.clone(),
        pkg_dir: pkg.clone(),
        ..Config::default()
    })
    .await;
    for (path, ctype, contains) in [
        ("/", "text/html", "demo"),
        ("/index.html", "text/html", "demo"),
        ("/?token=abc%2F", "text/html", "demo"),
        ("/app.js", "text/javascript", "export"),
        ("/pkg/emporix_optin.js", "text/javascript", "default"),
        ("/pkg/emporix_optin_bg.wasm", "application/wasm", "asm"),
    ] {
        let res = sb.get(path).await;
        assert_eq!(res.status(), 200, "{path}");
        assert!(
            res.headers()["content-type"]
                .to_str()
                .unwrap()
                .starts_with(ctype),
            "{path}: {:?}",
            res.headers()["content-type"]
        );
        assert!(res.headers().contains_key("access-control-allow-origin"));
        assert!(String::from_utf8_lossy(&res.bytes().await.unwrap()).contains(contains));
    }
    for path in ["/missing.js", "/pkg/missing.wasm", "/pkg/"] {
        let res = sb.get(path).await;
        assert_eq!(res.status(), 404, "{path}");
        assert_error_message(&body(res).await, 404);
    }
    // Traversal, sent raw because HTTP clients normalise `..` away.
    for path in [
        "/pkg/../index.html",
        "/../../etc/passwd",
        "/pkg/%2e%2e/index.html",
    ] {
        let head = raw_status_line(sb.port, path).await;
        assert!(head.starts_with("HTTP/1.1 404"), "{path}: {head}");
    }
    assert!(
        sb.requests().await.is_empty(),
        "static files are not logged"
    );
    let _ = std::fs::remove_dir_all(www);
    let _ = std::fs::remove_dir_all(pkg);
}

#[tokio::test]
async fn missing_static_dirs_are_404s() {
    let sb = start_with(Config {
        static_dir: PathBuf::from("/nonexistent/emporix-sandbox/www"),
        pkg_dir: PathBuf::from("/nonexistent/emporix-sandbox/pkg"),
        ..Config::default()
    })
    .await;
    for path in ["/", "/index.html", "/pkg/", "/pkg/x.wasm", "/pkg"] {
        let res = sb.get(path).await;
        assert_eq!(res.status(), 404, "{path}");
        assert_error_message(&body(res).await, 404);
    }
    assert_eq!(sb.get("/sandbox/info").await.status(), 200);
}

/// Starts the real binary and returns it with the URL it printed.
async fn spawn_binary(args: &[&str], envs: &[(&str, &str)]) -> (tokio::process::Child, String) {
    let mut cmd = tokio::process::Command::new(env!("CARGO_BIN_EXE_emporix-sandbox"));
    cmd.args(args)
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .kill_on_drop(true);
    for (k, v) in envs {
        cmd.env(k, v);
    }
    let mut child = cmd.spawn().expect("spawn binary");
    let stdout = child.stdout.take().unwrap();
    let mut line = String::new();
    tokio::time::timeout(
        Duration::from_secs(20),
        BufReader::new(stdout).read_line(&mut line),
    )
    .await
    .expect("printed its line in time")
    .unwrap();
    let url = line
        .trim_end()
        .strip_prefix("emporix-sandbox listening on ")
        .unwrap_or_else(|| panic!("unexpected line {line:?}"))
        .to_owned();
    (child, url)
}

#[tokio::test]
async fn binary_prints_its_address_and_honours_flags() {
    let (mut child, url) = spawn_binary(
        &[
            "--port",
            "0",
            "--static-dir",
            "/nonexistent/www",
            "--pkg-dir",
            "/nonexistent/pkg",
            "--client-id",
            "shop-a",
            "--client-id",
            "shop-b",
            "--resend-limit",
            "5",
            "--optin-ttl-secs",
            "120",
        ],
        &[("SANDBOX_SLOW_MS", "10")],
    )
    .await;
    let port: u16 = url
        .strip_prefix("http://127.0.0.1:")
        .expect("binds 127.0.0.1")
        .parse()
        .unwrap();
    assert_ne!(port, 0);
    let c = client();
    let info: Value = c
        .get(format!("{url}/sandbox/info"))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(info["sandbox"], true);
    assert_eq!(info["clientId"], "shop-a");
    assert_eq!(info["clientIds"], json!(["shop-a", "shop-b"]));
    assert_eq!(info["resendLimit"], 5);
    assert_eq!(info["optinTtlSecs"], 120);
    assert_eq!(info["slowMs"], 10);
    assert_eq!(info["linkBase"], format!("{url}/"));
    let res = c
        .get(format!(
            "{url}/customerlogin/auth/anonymous/login?tenant=mytenant&client_id=shop-b"
        ))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 200);
    child.kill().await.unwrap();
}

#[tokio::test]
async fn binary_help_and_bad_flags() {
    let out = tokio::process::Command::new(env!("CARGO_BIN_EXE_emporix-sandbox"))
        .arg("--help")
        .output()
        .await
        .unwrap();
    assert!(out.status.success());
    let help = String::from_utf8_lossy(&out.stdout);
    for flag in [
        "--port",
        "--static-dir",
        "--pkg-dir",
        "--link-base",
        "--optin-ttl-secs",
        "--anon-ttl-secs",
        "--anon-refresh-ttl-secs",
        "--resend-limit",
        "--resend-window-secs",
        "--client-id",
        "--slow-ms",
    ] {
        assert!(help.contains(flag), "{flag} missing from --help");
    }
    let out = tokio::process::Command::new(env!("CARGO_BIN_EXE_emporix-sandbox"))
        .args(["--port", "not-a-port"])
        .output()
        .await
        .unwrap();
    assert!(!out.status.success());
}

/// Sends raw bytes and returns the status line (empty if the connection closed).
async fn raw_exchange(port: u16, request: &[u8]) -> String {
    use tokio::io::{AsyncReadExt, AsyncWriteExt};
    let mut stream = tokio::net::TcpStream::connect(("127.0.0.1", port))
        .await
        .unwrap();
    stream.write_all(request).await.unwrap();
    let mut response = Vec::new();
    let _ = tokio::time::timeout(Duration::from_secs(5), stream.read_to_end(&mut response)).await;
    String::from_utf8_lossy(&response)
        .lines()
        .next()
        .unwrap_or("")
        .to_owned()
}

#[tokio::test]
async fn hostile_requests_get_answers_not_crashes() {
    let sb = start().await;
    let anon = sb.anon(TENANT).await;
    let long = "a".repeat(20_000);
    let paths = [
        "/customer/%/signup/optin/%".to_owned(),
        "/customer/%ZZ/signup/optin/%E0%A4".to_owned(),
        "/customer/mytenant/signup/optin/%00%0D%0A".to_owned(),
        format!("/customer/mytenant/signup/optin/{long}"),
        format!("/customer/{long}/signup/optin/x"),
        "/customerlogin/auth/anonymous/login?tenant=%FF&client_id=%".to_owned(),
        "/customerlogin/auth/anonymous/login?&&==&tenant".to_owned(),
        "/customerlogin/auth/anonymous/refresh?tenant=mytenant&client_id=sandbox-client&refresh_token=%F0%9F".to_owned(),
        "/sandbox/echo/%FF/%2F/..".to_owned(),
        "/pkg/%FF%FE".to_owned(),
        "/%FF".to_owned(),
    ];
    for path in &paths {
        for method in ["GET", "POST", "DELETE", "OPTIONS", "PATCH"] {
            let request = format!(
                "{method} {path} HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer {anon}\r\nContent-Type: application/json\r\nContent-Length: 9\r\nConnection: close\r\n\r\n{{\"email\":"
            );
            let status = raw_exchange(sb.port, request.as_bytes()).await;
            assert!(
                status.starts_with("HTTP/1.1 "),
                "{method} {path}: {status:?}"
            );
            assert!(
                !status.starts_with("HTTP/1.1 5"),
                "{method} {path}: {status}"
            );
        }
    }
    // Non-UTF-8 header values.
    let mut request = b"GET /customer/mytenant/signup/optin/x HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer \xff\xfe\r\nOrigin: \xff\r\nConnection: close\r\n\r\n".to_vec();
    assert!(raw_exchange(sb.port, &request)
        .await
        .starts_with("HTTP/1.1 401"));
    request.clear();
    request.extend_from_slice(b"POST /customer/mytenant/signup/optin/refresh_token HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer ");
    request.extend_from_slice(anon.as_bytes());
    request
        .extend_from_slice(b"\r\nContent-Length: 4\r\nConnection: close\r\n\r\n\xff\xfe\x00\x01");
    assert!(raw_exchange(sb.port, &request)
        .await
        .starts_with("HTTP/1.1 400"));
    // Still serving.
    assert_eq!(sb.get("/sandbox/info").await.status(), 200);
}

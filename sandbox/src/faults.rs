//! Fault injection: reserved tenant names make the opt-in, resend and anonymous
//! login/refresh endpoints misbehave in specific ways, so clients can be tested
//! against every failure a real network and gateway can produce.

use std::time::Duration;

use axum::body::Body;
use axum::http::{header, HeaderValue, StatusCode, Uri};
use axum::response::{IntoResponse, Response};
use bytes::Bytes;
use serde_json::json;

use crate::clock::{imf_fixdate, Millis};
use crate::errors::ApiError;

/// A reserved tenant name and the misbehaviour it triggers.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Fault {
    /// 500 with an HTML error page.
    F500Html,
    /// 502 with an empty body.
    F502Empty,
    /// 503 with `Retry-After: 7` and an empty body.
    F503Retry,
    /// 200 with truncated JSON.
    F200BadJson,
    /// 200 with a JSON object lacking `access_token`.
    F200NoAccess,
    /// 200 with every field of the wrong type.
    F200Types,
    /// 200 with an HTML body.
    F200Html,
    /// Normal answer after `--slow-ms`.
    FSlow,
    /// 200 headers with `Content-Length: 1000`, a partial body, then a dropped connection.
    FReset,
    /// 401 with the gateway fault JSON.
    F401Fault,
    /// 401 with a plain-text body.
    F401Text,
    /// 400 `ErrorMessage` without `details`.
    F400NoDetails,
    /// 429 without `Retry-After`.
    F429,
    /// 429 with `Retry-After: 30`.
    F429Secs,
    /// 429 with `Retry-After` as an HTTP date 120 s ahead.
    F429Date,
    /// Normal answer, but no CORS headers at all (preflight too).
    FCors,
    /// 307 to another origin (`localhost` instead of `127.0.0.1`).
    FRedirect,
    /// 418 with a short text body.
    F418,
    /// Normal answer; a confirm's body also carries the deprecated camelCase
    /// twins (`accessToken`, …), as Emporix answered until 2025-11-13.
    FTwins,
}

/// Every fault with its tenant name, for `/sandbox/info` and the docs.
pub const ALL: [(&str, Fault); 19] = [
    ("f500html", Fault::F500Html),
    ("f502empty", Fault::F502Empty),
    ("f503retry", Fault::F503Retry),
    ("f200badjson", Fault::F200BadJson),
    ("f200noaccess", Fault::F200NoAccess),
    ("f200types", Fault::F200Types),
    ("f200html", Fault::F200Html),
    ("fslow", Fault::FSlow),
    ("freset", Fault::FReset),
    ("f401fault", Fault::F401Fault),
    ("f401text", Fault::F401Text),
    ("f400nodetails", Fault::F400NoDetails),
    ("f429", Fault::F429),
    ("f429secs", Fault::F429Secs),
    ("f429date", Fault::F429Date),
    ("fcors", Fault::FCors),
    ("fredirect", Fault::FRedirect),
    ("f418", Fault::F418),
    ("ftwins", Fault::FTwins),
];

/// Declared length of the `freset` body; fewer bytes are ever sent.
pub const RESET_DECLARED_LEN: usize = 1_000;
/// Bytes actually sent by `freset` before the connection drops.
pub const RESET_SENT: &[u8] = b"{\"access_token\":\"partial";

impl Fault {
    /// The fault a tenant name stands for, if any.
    pub fn from_tenant(tenant: &str) -> Option<Self> {
        ALL.iter()
            .find(|(name, _)| *name == tenant)
            .map(|(_, f)| *f)
    }

    /// The fault a request targets: tenant from `/customer/{tenant}/…` or the
    /// `tenant` query parameter of `/customerlogin/…`. Used by the CORS layer,
    /// which runs before routing.
    pub fn from_uri(uri: &Uri) -> Option<Self> {
        let path = uri.path();
        if let Some(rest) = path.strip_prefix("/customer/") {
            let tenant = rest.split('/').next().unwrap_or_default();
            return Self::from_tenant(tenant);
        }
        if path.starts_with("/customerlogin/") {
            let query = uri.query().unwrap_or_default();
            return form_urlencoded::parse(query.as_bytes())
                .find(|(k, _)| k == "tenant")
                .and_then(|(_, v)| Self::from_tenant(&v));
        }
        None
    }

    /// Whether the request is otherwise handled normally (`fslow`, `fcors`, `ftwins`).
    pub fn answers_normally(self) -> bool {
        matches!(self, Self::FSlow | Self::FCors | Self::FTwins)
    }
}

/// Context a fault response may need.
#[derive(Debug, Clone, Copy)]
pub struct FaultContext<'a> {
    /// Bound port (for the cross-origin redirect).
    pub port: u16,
    /// Raw request path.
    pub raw_path: &'a str,
    /// Raw query, if any.
    pub raw_query: Option<&'a str>,
    /// Sandbox time (for the `Retry-After` date).
    pub now: Millis,
    /// Delay of `fslow`.
    pub slow: Duration,
}

fn with_type(status: StatusCode, content_type: &'static str, body: impl Into<Body>) -> Response {
    let mut response = (status, body.into()).into_response();
    response
        .headers_mut()
        .insert(header::CONTENT_TYPE, HeaderValue::from_static(content_type));
    response
}

fn json_body(status: StatusCode, value: &serde_json::Value) -> Response {
    with_type(status, "application/json", value.to_string())
}

fn too_many(retry_after: Option<String>) -> Response {
    let mut response = ApiError::with_detail(
        StatusCode::TOO_MANY_REQUESTS,
        "too_many_requests",
        "Rate limit exceeded",
        "",
        "rate_limit_exceeded",
    )
    .into_response();
    if let Some(value) = retry_after.and_then(|v| HeaderValue::from_str(&v).ok()) {
        response.headers_mut().insert(header::RETRY_AFTER, value);
    }
    response
}

/// The response of a fault that replaces normal handling; `None` for faults
/// that answer normally (the handler goes on; `fslow` has already slept).
pub async fn respond(fault: Fault, ctx: FaultContext<'_>) -> Option<Response> {
    const HTML: &str = "<!DOCTYPE html><html><head><title>Error</title></head>\
        <body><h1>Something went wrong</h1><p>Please try again later.</p></body></html>";
    let response = match fault {
        Fault::FSlow => {
            tokio::time::sleep(ctx.slow).await;
            return None;
        }
        Fault::FCors | Fault::FTwins => return None,
        Fault::F500Html => with_type(StatusCode::INTERNAL_SERVER_ERROR, "text/html", HTML),
        Fault::F502Empty => StatusCode::BAD_GATEWAY.into_response(),
        Fault::F503Retry => {
            let mut response = StatusCode::SERVICE_UNAVAILABLE.into_response();
            response
                .headers_mut()
                .insert(header::RETRY_AFTER, HeaderValue::from_static("7"));
            response
        }
        Fault::F200BadJson => with_type(
            StatusCode::OK,
            "application/json",
            "{\"access_token\": \"abc\"",
        ),
        Fault::F200NoAccess => json_body(
            StatusCode::OK,
            &json!({
                "token_type": "Bearer",
                "expires_in": 2591999,
                "refresh_token": "sandbox-refresh-token",
                "refresh_token_expires_in": 86399,
                "session_id": "sess_sandbox",
                "saas_token": "sandbox-saas-token",
                "initialPassword": "false"
            }),
        ),
        Fault::F200Types => json_body(
            StatusCode::OK,
            &json!({
                "access_token": 42,
                "accessToken": 42,
                "expires_in": "soon",
                "expiresIn": "soon",
                "refresh_token": [],
                "refreshToken": [],
                "refresh_token_expires_in": "later",
                "refreshTokenExpiresIn": "later",
                "token_type": {},
                "session_id": true,
                "saas_token": 1,
                "saasToken": 1,
                "initialPassword": []
            }),
        ),
        Fault::F200Html => with_type(StatusCode::OK, "text/html", HTML),
        Fault::FReset => reset_response(),
        Fault::F401Fault => ApiError::invalid_access_token().into_response(),
        Fault::F401Text => with_type(StatusCode::UNAUTHORIZED, "text/plain", "Unauthorized"),
        Fault::F400NoDetails => ApiError::Message {
            status: StatusCode::BAD_REQUEST,
            kind: "bad_request".to_owned(),
            message: "The request could not be processed".to_owned(),
            details: None,
            retry_after: None,
        }
        .into_response(),
        Fault::F429 => too_many(None),
        Fault::F429Secs => too_many(Some("30".to_owned())),
        Fault::F429Date => too_many(Some(imf_fixdate(ctx.now.saturating_add(120_000)))),
        Fault::FRedirect => {
            let query = ctx.raw_query.map(|q| format!("?{q}")).unwrap_or_default();
            let location = format!(
                "http://localhost:{}/sandbox/echo{}{query}",
                ctx.port, ctx.raw_path
            );
            let mut response = StatusCode::TEMPORARY_REDIRECT.into_response();
            if let Ok(value) = HeaderValue::from_str(&location) {
                response.headers_mut().insert(header::LOCATION, value);
            }
            response
        }
        Fault::F418 => with_type(StatusCode::IM_A_TEAPOT, "text/plain", "I'm a teapot"),
    };
    Some(response)
}

/// 200 whose body stream yields a prefix and then fails: hyper then aborts the
/// connection, so the client sees fewer bytes than `Content-Length` promised.
fn reset_response() -> Response {
    let stream = futures_util::stream::unfold(0u8, |step| async move {
        match step {
            0 => Some((Ok(Bytes::from_static(RESET_SENT)), 1)),
            1 => {
                // Give hyper time to flush the prefix before the abort.
                tokio::time::sleep(Duration::from_millis(50)).await;
                Some((
                    Err(std::io::Error::other("freset: simulated connection reset")),
                    2,
                ))
            }
            _ => None,
        }
    });
    let mut response = Response::new(Body::from_stream(stream));
    let headers = response.headers_mut();
    headers.insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("application/json"),
    );
    headers.insert(
        header::CONTENT_LENGTH,
        HeaderValue::from(RESET_DECLARED_LEN),
    );
    response
}

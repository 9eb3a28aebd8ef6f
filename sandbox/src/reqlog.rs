//! Request log middleware: records every API request exactly as received, so
//! tests can assert encoding, headers and request counts from the outside.

use axum::body::Body;
use axum::extract::{Request, State};
use axum::http::{header, HeaderMap};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use serde_json::{Map, Value};

use crate::errors::ApiError;
use crate::state::{AppState, RequestRecord};

/// Largest request body accepted (and logged), in bytes.
pub const BODY_LIMIT: usize = 1024 * 1024;

/// API paths are logged; static files and `/sandbox/` (except the redirect
/// target `/sandbox/echo`) are not.
pub fn is_logged_path(path: &str) -> bool {
    path.starts_with("/customer") || path.starts_with("/sandbox/echo")
}

fn text(headers: &HeaderMap, name: header::HeaderName) -> Option<String> {
    headers
        .get(name)
        .map(|v| String::from_utf8_lossy(v.as_bytes()).into_owned())
}

fn all_headers(headers: &HeaderMap) -> Map<String, Value> {
    let mut map = Map::new();
    for name in headers.keys() {
        let joined = headers
            .get_all(name)
            .iter()
            .map(|v| String::from_utf8_lossy(v.as_bytes()).into_owned())
            .collect::<Vec<_>>()
            .join(", ");
        map.insert(name.as_str().to_owned(), Value::String(joined));
    }
    map
}

/// Middleware: buffers the body (up to [`BODY_LIMIT`]), logs, passes it on.
pub async fn log_requests(State(state): State<AppState>, request: Request, next: Next) -> Response {
    if !is_logged_path(request.uri().path()) {
        return next.run(request).await;
    }
    let (parts, body) = request.into_parts();
    let bytes = axum::body::to_bytes(body, BODY_LIMIT).await.ok();
    let headers = &parts.headers;
    state.log_request(RequestRecord {
        method: parts.method.to_string(),
        path: parts.uri.path().to_owned(),
        query: parts.uri.query().map(str::to_owned),
        authorization: text(headers, header::AUTHORIZATION),
        content_type: text(headers, header::CONTENT_TYPE),
        accept: text(headers, header::ACCEPT),
        origin: text(headers, header::ORIGIN),
        body: bytes
            .as_ref()
            .filter(|b| !b.is_empty())
            .map(|b| String::from_utf8_lossy(b).into_owned()),
        headers: all_headers(headers),
        received_at: String::new(),
    });
    match bytes {
        Some(bytes) => {
            next.run(Request::from_parts(parts, Body::from(bytes)))
                .await
        }
        None => ApiError::payload_too_large(BODY_LIMIT).into_response(),
    }
}

//! Hand-written CORS so the headers are exactly what the brief and browsers
//! need (echoed origin, exposed `Retry-After`), and so the `fcors` fault can
//! switch them off per request.

use axum::extract::Request;
use axum::http::{header, HeaderMap, HeaderValue, Method, StatusCode};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};

use crate::faults::Fault;

/// How long browsers may cache a preflight, in seconds.
pub const MAX_AGE_SECS: u32 = 600;
/// Methods announced in preflights.
pub const ALLOW_METHODS: &str = "GET, POST, DELETE, OPTIONS";
/// Request headers announced in preflights.
pub const ALLOW_HEADERS: &str = "authorization, content-type, accept";

fn add_common(headers: &mut HeaderMap, origin: Option<&HeaderValue>) {
    headers.insert(
        header::ACCESS_CONTROL_ALLOW_ORIGIN,
        origin
            .cloned()
            .unwrap_or_else(|| HeaderValue::from_static("*")),
    );
    headers.insert(
        header::ACCESS_CONTROL_EXPOSE_HEADERS,
        HeaderValue::from_static("Retry-After"),
    );
    headers.append(header::VARY, HeaderValue::from_static("Origin"));
}

/// Middleware: answers every `OPTIONS` with a 204 preflight and adds CORS
/// headers to every other response. `OPTIONS` still goes through the inner
/// layers first so that the request log records preflights too.
pub async fn cors(request: Request, next: Next) -> Response {
    let origin = request.headers().get(header::ORIGIN).cloned();
    let enabled = Fault::from_uri(request.uri()) != Some(Fault::FCors);
    let preflight = request.method() == Method::OPTIONS;
    let mut response = next.run(request).await;
    if preflight {
        response = StatusCode::NO_CONTENT.into_response();
        if enabled {
            let headers = response.headers_mut();
            headers.insert(
                header::ACCESS_CONTROL_ALLOW_METHODS,
                HeaderValue::from_static(ALLOW_METHODS),
            );
            headers.insert(
                header::ACCESS_CONTROL_ALLOW_HEADERS,
                HeaderValue::from_static(ALLOW_HEADERS),
            );
            headers.insert(
                header::ACCESS_CONTROL_MAX_AGE,
                HeaderValue::from(MAX_AGE_SECS),
            );
        }
    }
    if enabled {
        add_common(response.headers_mut(), origin.as_ref());
    }
    response
}

//! Request handlers, one module per group of endpoints, plus helpers they share.

pub mod auth;
pub mod customer;
pub mod files;
pub mod sandbox;

use std::collections::HashMap;

use axum::body::Bytes;
use axum::extract::rejection::BytesRejection;
use axum::http::{header, HeaderMap, Uri};
use axum::response::{IntoResponse, Response};

use crate::errors::ApiError;
use crate::faults::{self, Fault, FaultContext};
use crate::reqlog::BODY_LIMIT;
use crate::state::AppState;

/// Query parameters, percent-decoded; the first occurrence of a name wins.
pub(crate) fn query_params(query: Option<&str>) -> HashMap<String, String> {
    let mut params = HashMap::new();
    for (key, value) in form_urlencoded::parse(query.unwrap_or_default().as_bytes()) {
        params
            .entry(key.into_owned())
            .or_insert_with(|| value.into_owned());
    }
    params
}

/// The `Authorization` header as text, if present and valid UTF-8.
pub(crate) fn authorization(headers: &HeaderMap) -> Option<&str> {
    headers
        .get(header::AUTHORIZATION)
        .and_then(|v| v.to_str().ok())
}

/// The body, or the JSON error for a body that could not be read.
pub(crate) fn body_bytes(body: Result<Bytes, BytesRejection>) -> Result<Bytes, ApiError> {
    body.map_err(|_| ApiError::payload_too_large(BODY_LIMIT))
}

/// Runs the fault of a reserved tenant name. `Some` is the whole answer;
/// `None` means handle the request normally (after `fslow`'s delay).
pub(crate) async fn fault_gate(state: &AppState, tenant: &str, uri: &Uri) -> Option<Response> {
    let fault = Fault::from_tenant(tenant)?;
    let ctx = FaultContext {
        port: state.port(),
        raw_path: uri.path(),
        raw_query: uri.query(),
        now: state.clock().now_ms(),
        slow: state.config().slow,
    };
    faults::respond(fault, ctx).await
}

/// Turns a handler result into a response.
pub(crate) fn reply<T: IntoResponse>(result: Result<T, ApiError>) -> Response {
    match result {
        Ok(ok) => ok.into_response(),
        Err(err) => err.into_response(),
    }
}

/// JSON 404 for unknown API routes.
pub async fn not_found(uri: Uri) -> Response {
    ApiError::not_found(uri.path()).into_response()
}

/// JSON 405 for known routes with an unsupported method.
pub async fn method_not_allowed() -> Response {
    ApiError::method_not_allowed().into_response()
}

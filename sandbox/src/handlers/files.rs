//! Static files: the demo page at `/` and the wasm-pack output at `/pkg/`.
//! Unknown API-looking paths get the JSON 404 instead of a file lookup.

use std::path::Path;

use axum::body::Body;
use axum::extract::{Request, State};
use axum::http::{header, HeaderValue, Uri};
use axum::response::{IntoResponse, Response};
use tower::ServiceExt;
use tower_http::services::ServeDir;

use crate::errors::ApiError;
use crate::state::AppState;

/// Paths that belong to the API or the sandbox and are never files.
fn is_api_path(path: &str) -> bool {
    path.starts_with("/customer") || path.starts_with("/sandbox")
}

async fn serve(dir: &Path, request: Request) -> Response {
    let path = request.uri().path().to_owned();
    let service = ServeDir::new(dir).call_fallback_on_method_not_allowed(true);
    let Ok(response) = service.oneshot(request).await;
    let mut response = response.map(Body::new);
    if response.status().is_client_error() {
        // Missing file, missing directory or wrong method: the JSON 404.
        return ApiError::not_found(&path).into_response();
    }
    // Pin the types browsers are strict about (module scripts, streaming wasm
    // compilation) instead of relying on the MIME table.
    let content_type = match Path::new(&path).extension().and_then(|e| e.to_str()) {
        Some("js" | "mjs") => Some("text/javascript"),
        Some("wasm") => Some("application/wasm"),
        _ => None,
    };
    let headers = response.headers_mut();
    if let Some(content_type) = content_type {
        headers.insert(header::CONTENT_TYPE, HeaderValue::from_static(content_type));
    }
    // Rebuilt packages must show up on reload.
    headers.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-cache"));
    response
}

/// Fallback: files from `--static-dir`, JSON 404 for API paths.
pub async fn static_files(State(state): State<AppState>, request: Request) -> Response {
    if is_api_path(request.uri().path()) {
        return ApiError::not_found(request.uri().path()).into_response();
    }
    serve(&state.config().static_dir, request).await
}

/// `/pkg` and `/pkg/*`: files from `--pkg-dir`.
pub async fn pkg_files(State(state): State<AppState>, mut request: Request) -> Response {
    let uri = request.uri();
    let rest = uri.path().strip_prefix("/pkg").unwrap_or_default();
    let stripped = match uri.query() {
        Some(q) => format!("/{}?{q}", rest.trim_start_matches('/')),
        None => format!("/{}", rest.trim_start_matches('/')),
    };
    match stripped.parse::<Uri>() {
        Ok(new_uri) => *request.uri_mut() = new_uri,
        Err(_) => return ApiError::not_found(uri.path()).into_response(),
    }
    serve(&state.config().pkg_dir, request).await
}

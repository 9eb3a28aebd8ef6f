//! Customer endpoints: sign-up, opt-in confirm and activation resend.

use axum::body::Bytes;
use axum::extract::rejection::BytesRejection;
use axum::extract::State;
use axum::http::{HeaderMap, StatusCode, Uri};
use axum::response::{IntoResponse, Response};
use axum::Json;
use serde_json::{json, Value};

use super::{authorization, body_bytes, fault_gate, reply};
use crate::errors::ApiError;
use crate::faults::Fault;
use crate::state::{AppState, CustomerGrant, CUSTOMER_REFRESH_TTL_SECS, CUSTOMER_TTL_SECS};
use crate::validate;

/// Raw (still percent-encoded) path segment `index` (0 = `customer`).
///
/// Read from the request path itself rather than axum's path extractors,
/// which decode before handing values out and reject invalid UTF-8 with a
/// plain-text error; routing already matched on the raw path, so `%2F` stayed
/// inside its segment.
fn raw_segment(uri: &Uri, index: usize) -> &str {
    uri.path()
        .trim_start_matches('/')
        .split('/')
        .nth(index)
        .unwrap_or_default()
}

/// The tenant path segment, decoded once; undecodable input is an invalid tenant.
fn tenant_param(uri: &Uri) -> Result<String, ApiError> {
    let raw = raw_segment(uri, 1);
    validate::decode_segment(raw).ok_or_else(|| ApiError::invalid_tenant(raw))
}

/// Body of a successful confirm: the snake_case fields Emporix answers with
/// since 2025-11-13, plus, when `twins`, the deprecated camelCase twins it
/// sent before (`accessToken`, `expiresIn`, `refreshToken`,
/// `refreshTokenExpiresIn`, `saasToken`). `initialPassword` is the string
/// `"false"`, as the spec types it.
pub fn customer_token_json(grant: &CustomerGrant, twins: bool) -> Value {
    let mut body = json!({
        "access_token": grant.access_token,
        "token_type": "Bearer",
        "expires_in": CUSTOMER_TTL_SECS,
        "refresh_token": grant.refresh_token,
        "refresh_token_expires_in": CUSTOMER_REFRESH_TTL_SECS,
        "session_id": grant.session_id,
        "saas_token": grant.saas_token,
        "initialPassword": "false",
    });
    if let (true, Some(fields)) = (twins, body.as_object_mut()) {
        for (camel, snake) in [
            ("accessToken", "access_token"),
            ("expiresIn", "expires_in"),
            ("refreshToken", "refresh_token"),
            ("refreshTokenExpiresIn", "refresh_token_expires_in"),
            ("saasToken", "saas_token"),
        ] {
            let value = fields[snake].clone();
            fields.insert(camel.to_owned(), value);
        }
    }
    body
}

/// `POST /customer/{tenant}/signup` — creates a pending customer and mails an opt-in link.
pub async fn signup(
    State(state): State<AppState>,
    headers: HeaderMap,
    uri: Uri,
    body: Result<Bytes, BytesRejection>,
) -> Response {
    reply((|| {
        let tenant = tenant_param(&uri)?;
        validate::tenant(&tenant)?;
        state.authorize(authorization(&headers), &tenant)?;
        let body = validate::json_object(&body_bytes(body)?)?;
        let email = validate::email_field(&body)?;
        match body.get("password") {
            Some(Value::String(p)) if !p.is_empty() => {}
            Some(Value::String(_)) | None | Some(Value::Null) => {
                return Err(ApiError::validation(
                    "password",
                    "missing_value",
                    "Field 'password' is required",
                ))
            }
            Some(_) => {
                return Err(ApiError::validation(
                    "password",
                    "invalid_type",
                    "Field 'password' must be a string",
                ))
            }
        }
        let id = state.signup(&tenant, &email)?;
        Ok((StatusCode::CREATED, Json(json!({ "id": id }))))
    })())
}

/// `GET /customer/{tenant}/signup/optin/{token}` — the token segment is
/// matched raw (so `%2F` stays inside it) and percent-decoded exactly once here.
/// Also serves GET on `.../optin/refresh_token`, whose static resend route
/// would otherwise shadow a token of that name.
pub async fn confirm(State(state): State<AppState>, headers: HeaderMap, uri: Uri) -> Response {
    let tenant = match tenant_param(&uri) {
        Ok(tenant) => tenant,
        Err(err) => return err.into_response(),
    };
    if let Some(response) = fault_gate(&state, &tenant, &uri).await {
        return response;
    }
    reply((|| {
        validate::tenant(&tenant)?;
        state.authorize(authorization(&headers), &tenant)?;
        let token = validate::decode_segment(raw_segment(&uri, 4)).ok_or_else(|| {
            ApiError::token(
                "token_not_found",
                "The opt-in token is not valid percent-encoded UTF-8",
            )
        })?;
        let grant = state.confirm(&tenant, &token)?;
        let twins =
            state.config().camel_case_twins || Fault::from_tenant(&tenant) == Some(Fault::FTwins);
        Ok(Json(customer_token_json(&grant, twins)))
    })())
}

/// `POST /customer/{tenant}/signup/optin/refresh_token` — 202 whether or not
/// the address has a pending account, so the answer reveals nothing.
pub async fn resend(
    State(state): State<AppState>,
    headers: HeaderMap,
    uri: Uri,
    body: Result<Bytes, BytesRejection>,
) -> Response {
    let tenant = match tenant_param(&uri) {
        Ok(tenant) => tenant,
        Err(err) => return err.into_response(),
    };
    if let Some(response) = fault_gate(&state, &tenant, &uri).await {
        return response;
    }
    reply((|| {
        validate::tenant(&tenant)?;
        state.authorize(authorization(&headers), &tenant)?;
        let body = validate::json_object(&body_bytes(body)?)?;
        let email = validate::email_field(&body)?;
        state.resend(&tenant, &email)?;
        Ok(StatusCode::ACCEPTED)
    })())
}

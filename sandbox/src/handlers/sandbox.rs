//! Sandbox-only endpoints under `/sandbox/`: inspection and control for tests
//! and the demo page. Not part of the Emporix API.

use std::time::Duration;

use axum::body::Bytes;
use axum::extract::rejection::BytesRejection;
use axum::extract::{RawQuery, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::Json;
use serde_json::{json, Map, Value};

use super::auth::grant_json;
use super::{body_bytes, query_params, reply};
use crate::clock::rfc3339;
use crate::errors::ApiError;
use crate::faults;
use crate::state::{AppState, SessionContext};
use crate::validate;

/// `GET /sandbox/outbox` — sent activation emails, newest last.
pub async fn outbox(State(state): State<AppState>) -> Response {
    Json(state.outbox()).into_response()
}

/// `DELETE /sandbox/outbox`
pub async fn clear_outbox(State(state): State<AppState>) -> StatusCode {
    state.clear_outbox();
    StatusCode::NO_CONTENT
}

/// `GET /sandbox/requests` — every API request received, oldest first.
/// CORS preflights (`OPTIONS`) are left out unless `?preflight=true`: whether a
/// browser sends one depends on its preflight cache, and tests count requests.
pub async fn requests(State(state): State<AppState>, RawQuery(query): RawQuery) -> Response {
    let with_preflight = query_params(query.as_deref())
        .get("preflight")
        .is_some_and(|v| v == "true" || v == "1");
    let mut log = state.requests();
    if !with_preflight {
        log.retain(|r| r.method != "OPTIONS");
    }
    Json(log).into_response()
}

/// `DELETE /sandbox/requests`
pub async fn clear_requests(State(state): State<AppState>) -> StatusCode {
    state.clear_requests();
    StatusCode::NO_CONTENT
}

/// `GET /sandbox/sessions` — anonymous sessions with the session context
/// their login set and the access tokens issued for them, oldest first.
pub async fn sessions(State(state): State<AppState>) -> Response {
    Json(state.sessions()).into_response()
}

/// `GET /sandbox/customers` — customers and their status.
pub async fn customers(State(state): State<AppState>) -> Response {
    Json(state.customers()).into_response()
}

fn string_field(body: &Map<String, Value>, name: &str) -> Result<String, ApiError> {
    match body.get(name) {
        Some(Value::String(s)) if !s.is_empty() => Ok(s.clone()),
        Some(Value::String(_)) | None | Some(Value::Null) => Err(ApiError::validation(
            name,
            "missing_value",
            format!("Field '{name}' is required"),
        )),
        Some(_) => Err(ApiError::validation(
            name,
            "invalid_type",
            format!("Field '{name}' must be a string"),
        )),
    }
}

/// An optional body: empty is fine, anything else must be a JSON object.
fn optional_object(body: &[u8]) -> Result<Map<String, Value>, ApiError> {
    if body.iter().all(u8::is_ascii_whitespace) {
        Ok(Map::new())
    } else {
        validate::json_object(body)
    }
}

/// `POST /sandbox/optin-tokens {tenant, email, token, ttlSecs?}` — registers a
/// pending customer whose opt-in token is exactly `token` (no email is sent).
pub async fn register_optin(
    State(state): State<AppState>,
    body: Result<Bytes, BytesRejection>,
) -> Response {
    reply((|| {
        let body = validate::json_object(&body_bytes(body)?)?;
        let tenant = string_field(&body, "tenant")?;
        validate::tenant(&tenant)?;
        let email = validate::email_field(&body)?;
        let token = string_field(&body, "token")?;
        let ttl = match body.get("ttlSecs") {
            None | Some(Value::Null) => None,
            Some(v) => Some(Duration::from_secs(v.as_u64().ok_or_else(|| {
                ApiError::validation(
                    "ttlSecs",
                    "invalid_type",
                    "Field 'ttlSecs' must be a non-negative integer",
                )
            })?)),
        };
        let registered = state.register_optin(&tenant, &email, &token, ttl)?;
        Ok((
            StatusCode::CREATED,
            Json(json!({
                "tenant": tenant,
                "email": email,
                "token": token,
                "customerId": registered.customer_id,
                "link": registered.link,
                "expiresAt": rfc3339(registered.expires_at),
            })),
        ))
    })())
}

/// `POST /sandbox/anonymous-token {tenant?}` — a valid anonymous token without
/// the login round trip. Without a tenant the token is valid for every tenant.
pub async fn anonymous_token(
    State(state): State<AppState>,
    body: Result<Bytes, BytesRejection>,
) -> Response {
    reply((|| {
        let body = optional_object(&body_bytes(body)?)?;
        let tenant = match body.get("tenant") {
            None | Some(Value::Null) => None,
            Some(Value::String(t)) => Some(validate::tenant(t)?.to_owned()),
            Some(_) => {
                return Err(ApiError::validation(
                    "tenant",
                    "invalid_type",
                    "Field 'tenant' must be a string",
                ))
            }
        };
        let client_id = state.config().default_client_id().to_owned();
        Ok(Json(grant_json(&state.issue_anonymous(
            tenant.as_deref(),
            &client_id,
            SessionContext::default(),
        ))))
    })())
}

/// `POST /sandbox/revoke-anonymous-tokens` — every issued anonymous access
/// token becomes invalid; refresh tokens keep working.
pub async fn revoke_anonymous(State(state): State<AppState>) -> Response {
    Json(json!({ "revoked": state.revoke_anonymous() })).into_response()
}

/// `POST /sandbox/reset` — forget everything, clock back to wall time.
pub async fn reset(State(state): State<AppState>) -> StatusCode {
    state.reset();
    StatusCode::NO_CONTENT
}

fn clock_json(state: &AppState) -> Value {
    let now = state.clock().now_ms();
    json!({ "now": rfc3339(now), "nowMs": now, "offsetMs": state.clock().offset_ms() })
}

/// `GET /sandbox/clock` — sandbox time.
pub async fn clock(State(state): State<AppState>) -> Response {
    Json(clock_json(&state)).into_response()
}

/// `POST /sandbox/clock {advanceSecs}` — moves sandbox time forward, e.g. to
/// expire opt-in or anonymous tokens from a browser test.
pub async fn advance_clock(
    State(state): State<AppState>,
    body: Result<Bytes, BytesRejection>,
) -> Response {
    reply((|| {
        let body = validate::json_object(&body_bytes(body)?)?;
        let secs = body
            .get("advanceSecs")
            .and_then(Value::as_f64)
            .filter(|s| s.is_finite() && *s >= 0.0 && *s < 1e12)
            .ok_or_else(|| {
                ApiError::validation(
                    "advanceSecs",
                    "invalid_value",
                    "Field 'advanceSecs' must be a non-negative number",
                )
            })?;
        state.clock().advance(Duration::from_secs_f64(secs));
        Ok(Json(clock_json(&state)))
    })())
}

/// `GET /sandbox/info` — lets the demo page detect sandbox mode and settings.
pub async fn info(State(state): State<AppState>) -> Response {
    let cfg = state.config();
    Json(json!({
        "sandbox": true,
        "clientId": cfg.default_client_id(),
        "clientIds": cfg.client_ids,
        "port": state.port(),
        "apiBase": format!("http://127.0.0.1:{}", state.port()),
        "linkBase": state.link_base(),
        "optinTtlSecs": cfg.optin_ttl.as_secs(),
        "anonTtlSecs": cfg.anon_ttl.as_secs(),
        "anonRefreshTtlSecs": cfg.anon_refresh_ttl.as_secs(),
        "resendLimit": cfg.resend_limit,
        "resendWindowSecs": cfg.resend_window.as_secs(),
        "slowMs": u64::try_from(cfg.slow.as_millis()).unwrap_or(u64::MAX),
        "camelCaseTwins": cfg.camel_case_twins,
        "faultTenants": faults::ALL.iter().map(|(name, _)| *name).collect::<Vec<_>>(),
        "now": rfc3339(state.clock().now_ms()),
    }))
    .into_response()
}

/// `ANY /sandbox/echo/*` — target of the `fredirect` fault; the request log
/// shows whether the `Authorization` header survived the cross-origin redirect.
pub async fn echo() -> Response {
    Json(json!({ "access_token": "leaked" })).into_response()
}

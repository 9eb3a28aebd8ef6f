//! Anonymous login and refresh (`/customerlogin/auth/anonymous/...`).

use std::collections::HashMap;

use axum::extract::{RawQuery, State};
use axum::http::Uri;
use axum::response::Response;
use axum::Json;
use serde_json::{json, Value};

use super::{fault_gate, query_params, reply};
use crate::errors::ApiError;
use crate::state::{AnonGrant, AppState};
use crate::validate;

/// JSON of an anonymous grant, shaped like the real login endpoint.
pub fn grant_json(grant: &AnonGrant) -> Value {
    json!({
        "access_token": grant.access_token,
        "token_type": "Bearer",
        "expires_in": grant.expires_in,
        "refresh_token": grant.refresh_token,
        "refresh_token_expires_in": grant.refresh_token_expires_in,
        "sessionId": grant.session_id,
        "scope": format!("tenant={}", grant.tenant.as_deref().unwrap_or("*")),
    })
}

fn required<'a>(params: &'a HashMap<String, String>, name: &str) -> Result<&'a str, ApiError> {
    params
        .get(name)
        .map(String::as_str)
        .filter(|v| !v.is_empty())
        .ok_or_else(|| {
            ApiError::validation(
                name,
                "missing_value",
                format!("Query parameter '{name}' is required"),
            )
        })
}

/// Tenant and client id checks shared by login and refresh.
fn tenant_and_client<'a>(
    state: &AppState,
    params: &'a HashMap<String, String>,
) -> Result<(&'a str, &'a str), ApiError> {
    let tenant = validate::tenant(required(params, "tenant")?)?;
    let client_id = required(params, "client_id")?;
    if !state.is_known_client(client_id) {
        return Err(ApiError::invalid_client());
    }
    Ok((tenant, client_id))
}

/// `GET /customerlogin/auth/anonymous/login?tenant=&client_id=`
pub async fn login(State(state): State<AppState>, RawQuery(query): RawQuery, uri: Uri) -> Response {
    let params = query_params(query.as_deref());
    if let Some(tenant) = params.get("tenant") {
        if let Some(response) = fault_gate(&state, tenant, &uri).await {
            return response;
        }
    }
    reply(
        tenant_and_client(&state, &params).map(|(tenant, client_id)| {
            Json(grant_json(&state.issue_anonymous(Some(tenant), client_id)))
        }),
    )
}

/// `GET /customerlogin/auth/anonymous/refresh?tenant=&client_id=&refresh_token=`
pub async fn refresh(
    State(state): State<AppState>,
    RawQuery(query): RawQuery,
    uri: Uri,
) -> Response {
    let params = query_params(query.as_deref());
    if let Some(tenant) = params.get("tenant") {
        if let Some(response) = fault_gate(&state, tenant, &uri).await {
            return response;
        }
        if let Some(response) = crate::refresh_faults::refused(tenant, uri.path()) {
            return response;
        }
    }
    reply(
        tenant_and_client(&state, &params).and_then(|(tenant, client_id)| {
            let refresh_token = required(&params, "refresh_token")?;
            let grant = state.refresh_anonymous(tenant, client_id, refresh_token)?;
            Ok(Json(grant_json(&grant)))
        }),
    )
}

//! The two error shapes of the spec: `ErrorMessage` (4xx) and the gateway's
//! 401 `fault` object. Every failure path of the sandbox ends up here so clients
//! only ever see documented shapes.

use axum::http::{header, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use serde::Serialize;
use serde_json::json;

/// Link put into `moreInfo`.
const MORE_INFO: &str = "https://developer.emporix.io/api-references/api-guides/customer-management/customer-management/customer-service";

/// One entry of `ErrorMessage.details`.
#[derive(Debug, Clone, Serialize, PartialEq, Eq)]
#[serde(rename_all = "camelCase")]
pub struct ErrorDetail {
    /// Offending request element, empty when not field-specific.
    pub field: String,
    /// Specific cause, lowercase with underscores.
    #[serde(rename = "type")]
    pub kind: String,
    /// Human-readable description.
    pub message: String,
    /// Where to read more.
    pub more_info: String,
}

impl ErrorDetail {
    /// A detail for `field` with the given cause.
    pub fn new(field: &str, kind: &str, message: impl Into<String>) -> Self {
        Self {
            field: field.to_owned(),
            kind: kind.to_owned(),
            message: message.into(),
            more_info: MORE_INFO.to_owned(),
        }
    }
}

/// A failed request, rendered as one of the spec's error shapes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ApiError {
    /// `ErrorMessage` body with the given status.
    Message {
        /// HTTP status (also put into the body).
        status: StatusCode,
        /// `type`, lowercase with underscores.
        kind: String,
        /// `message`.
        message: String,
        /// `details`; `None` leaves the key out entirely.
        details: Option<Vec<ErrorDetail>>,
        /// `Retry-After` seconds, for 429.
        retry_after: Option<u64>,
    },
    /// 401 with the gateway's `{"fault": {...}}` body.
    Fault {
        /// `fault.faultstring`.
        faultstring: String,
        /// `fault.detail.errorcode`.
        errorcode: String,
    },
}

impl ApiError {
    /// An `ErrorMessage` with one detail naming `field`.
    pub fn with_detail(
        status: StatusCode,
        kind: &str,
        message: impl Into<String>,
        field: &str,
        detail_kind: &str,
    ) -> Self {
        let message = message.into();
        Self::Message {
            status,
            kind: kind.to_owned(),
            details: Some(vec![ErrorDetail::new(field, detail_kind, message.clone())]),
            message,
            retry_after: None,
        }
    }

    /// 400 `validation_failure` for one field.
    pub fn validation(field: &str, detail_kind: &str, message: impl Into<String>) -> Self {
        Self::with_detail(
            StatusCode::BAD_REQUEST,
            "validation_failure",
            message,
            field,
            detail_kind,
        )
    }

    /// 400 for a tenant outside `^[a-z][a-z0-9]+$`, 3–16 characters: the
    /// official `400_bad_request` example (type `bad_request`, its message),
    /// with a detail naming the field.
    pub fn invalid_tenant(tenant: &str) -> Self {
        let message = "The tenant information provided with the request is not valid.";
        Self::Message {
            status: StatusCode::BAD_REQUEST,
            kind: "bad_request".to_owned(),
            message: message.to_owned(),
            details: Some(vec![ErrorDetail::new(
                "tenant",
                "invalid_value",
                format!(
                    "Tenant '{tenant}' must match ^[a-z][a-z0-9]+$ and be 3 to 16 characters long"
                ),
            )]),
            retry_after: None,
        }
    }

    /// 400 for an opt-in token that cannot be used; `kind` names why.
    pub fn token(kind: &str, message: impl Into<String>) -> Self {
        Self::with_detail(StatusCode::BAD_REQUEST, kind, message, "token", kind)
    }

    /// 404 for an unknown route.
    pub fn not_found(path: &str) -> Self {
        Self::with_detail(
            StatusCode::NOT_FOUND,
            "not_found",
            format!("No resource found at '{path}'"),
            "",
            "not_found",
        )
    }

    /// 405 for a known route with another method.
    pub fn method_not_allowed() -> Self {
        Self::with_detail(
            StatusCode::METHOD_NOT_ALLOWED,
            "method_not_allowed",
            "This method is not supported on this resource",
            "",
            "method_not_allowed",
        )
    }

    /// 413 for a body over the sandbox's limit.
    pub fn payload_too_large(limit: usize) -> Self {
        Self::with_detail(
            StatusCode::PAYLOAD_TOO_LARGE,
            "payload_too_large",
            format!("Request body exceeds {limit} bytes"),
            "",
            "payload_too_large",
        )
    }

    /// 429 with `Retry-After`.
    pub fn too_many_requests(retry_after: u64) -> Self {
        let message =
            format!("Too many activation emails requested; retry in {retry_after} seconds");
        Self::Message {
            status: StatusCode::TOO_MANY_REQUESTS,
            kind: "too_many_requests".to_owned(),
            details: Some(vec![ErrorDetail::new(
                "email",
                "rate_limit_exceeded",
                message.clone(),
            )]),
            message,
            retry_after: Some(retry_after),
        }
    }

    /// 401 `fault` for a missing, unknown or revoked access token.
    pub fn invalid_access_token() -> Self {
        Self::Fault {
            faultstring: "Invalid access token".to_owned(),
            errorcode: "oauth.v2.InvalidAccessToken".to_owned(),
        }
    }

    /// 401 `fault` for an expired access token.
    pub fn expired_access_token() -> Self {
        Self::Fault {
            faultstring: "Access Token expired".to_owned(),
            errorcode: "keymanagement.service.access_token_expired".to_owned(),
        }
    }

    /// 401 `fault` for an unknown client id.
    pub fn invalid_client() -> Self {
        Self::Fault {
            faultstring: "Invalid ApiKey".to_owned(),
            errorcode: "oauth.v2.InvalidApiKey".to_owned(),
        }
    }

    /// 401 `fault` for an unknown or revoked refresh token.
    pub fn invalid_refresh_token() -> Self {
        Self::Fault {
            faultstring: "Invalid refresh token".to_owned(),
            errorcode: "oauth.v2.InvalidRefreshToken".to_owned(),
        }
    }

    /// 401 `fault` for an expired refresh token.
    pub fn expired_refresh_token() -> Self {
        Self::Fault {
            faultstring: "Refresh token expired".to_owned(),
            errorcode: "oauth.v2.RefreshTokenExpired".to_owned(),
        }
    }

    /// HTTP status of this error.
    pub fn status(&self) -> StatusCode {
        match self {
            Self::Message { status, .. } => *status,
            Self::Fault { .. } => StatusCode::UNAUTHORIZED,
        }
    }

    /// The JSON body of this error.
    pub fn body(&self) -> serde_json::Value {
        match self {
            Self::Message {
                status,
                kind,
                message,
                details,
                ..
            } => {
                let mut body = json!({
                    "status": status.as_u16(),
                    "type": kind,
                    "message": message,
                    "moreInfo": MORE_INFO,
                });
                if let (Some(details), Some(obj)) = (details, body.as_object_mut()) {
                    obj.insert("details".to_owned(), json!(details));
                }
                body
            }
            Self::Fault {
                faultstring,
                errorcode,
            } => json!({
                "fault": {
                    "faultstring": faultstring,
                    "detail": { "errorcode": errorcode }
                }
            }),
        }
    }
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        let mut response = (self.status(), axum::Json(self.body())).into_response();
        if let Self::Message {
            retry_after: Some(secs),
            ..
        } = self
        {
            response
                .headers_mut()
                .insert(header::RETRY_AFTER, HeaderValue::from(secs));
        }
        response
    }
}

//! Refresh-only faults: a tenant whose name starts with `rf400` or `rf404`
//! logs in and confirms normally, but its anonymous refresh is refused with
//! 400 or 404. Clients must then log in afresh (the official spec documents
//! no error status for the refresh, so any 4xx may come). A prefix rather
//! than one name, so that each test can count the logins of its own tenant.

use axum::response::{IntoResponse, Response};

use crate::errors::ApiError;

/// The refusal a refresh for `tenant` gets, if its name asks for one.
pub fn refused(tenant: &str, path: &str) -> Option<Response> {
    if tenant.starts_with("rf400") {
        let error = ApiError::validation(
            "refresh_token",
            "invalid_value",
            "The refresh token is not valid",
        );
        return Some(error.into_response());
    }
    if tenant.starts_with("rf404") {
        return Some(ApiError::not_found(path).into_response());
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;
    use axum::http::StatusCode;

    #[test]
    fn only_the_prefixes_are_refused() {
        let status = |tenant| refused(tenant, "/p").map(|r| r.status());
        assert_eq!(status("rf400abc"), Some(StatusCode::BAD_REQUEST));
        assert_eq!(status("rf404"), Some(StatusCode::NOT_FOUND));
        assert_eq!(status("myshop"), None);
        assert_eq!(status("xrf400"), None);
    }
}

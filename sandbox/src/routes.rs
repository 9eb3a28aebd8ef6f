//! The route table and the middleware stack.

use axum::middleware::{from_fn, from_fn_with_state};
use axum::routing::{any, get, post};
use axum::Router;

use crate::handlers::{self, auth, customer, files, sandbox};
use crate::state::AppState;
use crate::{cors, reqlog};

/// Builds the router. Layers run outside-in: CORS (outermost, so even errors
/// and faults carry its headers), then the request log, then routing.
pub fn router(state: AppState) -> Router {
    Router::new()
        .route("/customerlogin/auth/anonymous/login", get(auth::login))
        .route("/customerlogin/auth/anonymous/refresh", get(auth::refresh))
        .route("/customer/{tenant}/signup", post(customer::signup))
        // Static segment wins over `{token}`: POST is the resend, GET confirms
        // the (unlikely) token literally named `refresh_token`.
        .route(
            "/customer/{tenant}/signup/optin/refresh_token",
            post(customer::resend).get(customer::confirm),
        )
        .route(
            "/customer/{tenant}/signup/optin/{token}",
            get(customer::confirm),
        )
        .route(
            "/sandbox/outbox",
            get(sandbox::outbox).delete(sandbox::clear_outbox),
        )
        .route(
            "/sandbox/requests",
            get(sandbox::requests).delete(sandbox::clear_requests),
        )
        .route("/sandbox/customers", get(sandbox::customers))
        .route("/sandbox/sessions", get(sandbox::sessions))
        .route("/sandbox/optin-tokens", post(sandbox::register_optin))
        .route("/sandbox/anonymous-token", post(sandbox::anonymous_token))
        .route(
            "/sandbox/revoke-anonymous-tokens",
            post(sandbox::revoke_anonymous),
        )
        .route("/sandbox/reset", post(sandbox::reset))
        .route(
            "/sandbox/clock",
            get(sandbox::clock).post(sandbox::advance_clock),
        )
        .route("/sandbox/info", get(sandbox::info))
        .route("/sandbox/echo", any(sandbox::echo))
        .route("/sandbox/echo/{*rest}", any(sandbox::echo))
        .route("/pkg", any(files::pkg_files))
        .route("/pkg/{*rest}", any(files::pkg_files))
        .fallback(files::static_files)
        .method_not_allowed_fallback(handlers::method_not_allowed)
        .layer(from_fn_with_state(state.clone(), reqlog::log_requests))
        .layer(from_fn(cors::cors))
        .with_state(state)
}

//! The anonymous access token behind every opt-in call, for a client that
//! logs in by itself with the storefront's client id.
//!
//! `GET /customerlogin/auth/anonymous/login` issues an access token with an
//! `expires_in` and a refresh token; `GET …/anonymous/refresh` exchanges the
//! refresh token for a new access token. A [`Session`] decides, given the
//! current time, whether its access token is still good, must be refreshed,
//! or a new login is needed; the edge performs the requests and keeps the
//! session in memory only (never in `localStorage`, where any script on the
//! storefront could read it).
//!
//! Times are milliseconds since the Unix epoch, as `Date.now()` gives them.

use crate::base_url::BaseUrl;
use crate::context::SessionContext;
use crate::error::{Operation, OptInError};
use crate::model::CustomerToken;
use crate::request::{push_encoded, ApiRequest, Method, Target};
use crate::response::{self, RawResponse, MAX_KEPT_BODY};
use crate::validate;

/// The most a token is renewed ahead of its expiry: one minute absorbs clock
/// drift and the time a request spends on the way.
const MAX_RENEW_MARGIN_MS: f64 = 60_000.0;

/// Longest accepted `clientId`; Emporix's are 32 characters.
const MAX_CLIENT_ID_LEN: usize = 256;

/// Where and as whom to log in: the tenant, the base URL and the storefront's client id.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AnonymousLogin {
    base_url: BaseUrl,
    tenant: String,
    client_id: String,
    context: SessionContext,
}

impl AnonymousLogin {
    /// Validates `client_id` (visible ASCII, at most 256 characters) for `target`.
    // Inlining hints here and below: each measured smaller in the release
    // wasm (which inlines across crates), 14 to 39 B gzip.
    #[inline(always)]
    pub fn new(target: &Target, client_id: &str) -> Result<AnonymousLogin, OptInError> {
        let invalid = |problem| Err(OptInError::invalid("clientId", problem));
        if client_id.is_empty() {
            return invalid("must not be empty");
        }
        if client_id.len() > MAX_CLIENT_ID_LEN {
            return invalid("must be at most 256 characters");
        }
        if !validate::is_visible_ascii(client_id) {
            return invalid("must contain only visible ASCII characters, without spaces");
        }
        Ok(AnonymousLogin {
            base_url: target.base_url().clone(),
            tenant: target.tenant().to_owned(),
            client_id: client_id.to_owned(),
            context: SessionContext::default(),
        })
    }

    /// The same login, setting `context` in the sessions it creates.
    pub fn with_context(self, context: SessionContext) -> AnonymousLogin {
        AnonymousLogin { context, ..self }
    }

    /// `GET /customerlogin/auth/anonymous/login?tenant=&client_id=`, then the
    /// session context's `siteCode`, `currency`, `language` and
    /// `targetLocation` (each only when set): the one place the login request
    /// is built.
    pub fn login(&self) -> ApiRequest {
        self.request("login", &self.context.parameters())
    }

    /// `GET /customerlogin/auth/anonymous/refresh?tenant=&client_id=&refresh_token=`.
    /// No session context: Emporix keeps the session's.
    pub fn refresh(&self, refresh_token: &str) -> ApiRequest {
        // Never the `anonymous_token` parameter, although Emporix's spec lists
        // it (as both required and deprecated): it would put an access token
        // in a URL, where server logs, proxies and the browser's Resource
        // Timing entries keep it. The refresh works without it.
        self.request("refresh", &[("refresh_token", refresh_token)])
    }

    /// The request to `/anonymous/{action}` with the tenant, the client id and
    /// `parameters` (each value percent-encoded) in its query.
    fn request(&self, action: &str, parameters: &[(&str, &str)]) -> ApiRequest {
        // Pushed piece by piece: `format!` and `extend` over arrays of `&str`
        // each linked code of their own into the wasm.
        let mut path = String::with_capacity(128);
        path.push_str("/customerlogin/auth/anonymous/");
        path.push_str(action);
        path.push_str("?tenant=");
        path.push_str(&self.tenant);
        path.push_str("&client_id=");
        push_encoded(&mut path, &self.client_id);
        for (name, value) in parameters {
            path.push('&');
            path.push_str(name);
            path.push('=');
            push_encoded(&mut path, value);
        }
        ApiRequest {
            operation: Operation::AnonymousLogin,
            method: Method::Get,
            url: self.base_url.join(&path),
            body: None,
            origin: self.base_url.origin().to_owned(),
        }
    }
}

/// What a login or refresh returns.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Grant {
    /// The anonymous access token.
    pub access_token: String,
    /// Its lifetime in seconds.
    pub expires_in: Option<i64>,
    /// The token that obtains the next access token.
    pub refresh_token: Option<String>,
    /// Its lifetime in seconds.
    pub refresh_token_expires_in: Option<i64>,
}

impl From<CustomerToken> for Grant {
    fn from(token: CustomerToken) -> Grant {
        Grant {
            access_token: token.access_token,
            expires_in: token.expires_in,
            refresh_token: token.refresh_token,
            refresh_token_expires_in: token.refresh_token_expires_in,
        }
    }
}

/// The result of a login or refresh. Emporix answers both with the token
/// fields of the opt-in call (decoded just as leniently) and the same error
/// statuses, except that a 400 here means a malformed request rather than a
/// spent activation link.
pub fn grant(response: &RawResponse) -> Result<Grant, OptInError> {
    if response.status == 400 {
        return Err(OptInError::UnexpectedStatus {
            status: 400,
            body: response::truncate(response.text, MAX_KEPT_BODY).to_owned(),
        });
    }
    response::confirm_opt_in(response).map(Grant::from)
}

/// What to do for the next call.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Next<'a> {
    /// Send this access token.
    Use(&'a str),
    /// Exchange this refresh token for a new access token first.
    Refresh(&'a str),
    /// Obtain a new token from scratch: log in, or ask the token provider.
    Renew,
}

/// An anonymous access token and what is known about its lifetime.
#[derive(Debug, Clone, PartialEq)]
pub struct Session {
    access_token: String,
    /// From then on the access token is renewed; `None`: used until Emporix rejects it.
    renew_at: Option<f64>,
    refresh_token: Option<String>,
    /// The refresh token is used only before then; `None`: no known expiry.
    refresh_until: Option<f64>,
}

impl Session {
    /// A token whose lifetime is unknown, as the caller supplied it: used
    /// until Emporix rejects it.
    pub fn supplied(access_token: String) -> Session {
        Session {
            access_token,
            renew_at: None,
            refresh_token: None,
            refresh_until: None,
        }
    }

    /// The session a login granted. `requested_at` is when the login was
    /// sent: lifetimes run from when Emporix issued the token, which is
    /// before the answer arrived.
    pub fn granted(grant: Grant, requested_at: f64) -> Session {
        Session {
            renew_at: renew_at(requested_at, grant.expires_in),
            refresh_until: renew_at(requested_at, grant.refresh_token_expires_in),
            access_token: grant.access_token,
            refresh_token: grant.refresh_token,
        }
    }

    /// The session after a refresh. Emporix may leave out the refresh token
    /// (it stays the same); then the current one and its expiry are kept.
    #[inline(never)]
    pub fn refreshed(self, grant: Grant, requested_at: f64) -> Session {
        if grant.refresh_token.is_some() {
            return Session::granted(grant, requested_at);
        }
        Session {
            renew_at: renew_at(requested_at, grant.expires_in),
            access_token: grant.access_token,
            ..self
        }
    }

    /// The access token.
    pub fn access_token(&self) -> &str {
        &self.access_token
    }

    /// What to do at `now`: use the access token until shortly before it
    /// expires, then refresh while the refresh token is good, else renew.
    #[inline(always)]
    pub fn next(&self, now: f64) -> Next<'_> {
        if self.renew_at.is_none_or(|at| now < at) {
            return Next::Use(&self.access_token);
        }
        match &self.refresh_token {
            Some(refresh) if self.refresh_until.is_none_or(|until| now < until) => {
                Next::Refresh(refresh)
            }
            _ => Next::Renew,
        }
    }

    /// Emporix answered 401 to `access_token`. Ignored when the session has
    /// moved on to a newer token (another call already renewed it).
    pub fn reject_access(&mut self, access_token: &str) {
        if self.access_token == access_token {
            self.renew_at = Some(f64::NEG_INFINITY);
        }
    }
}

/// When to renew a token issued at `issued_at` for `lifetime_secs`: a tenth of
/// its lifetime early, at most [`MAX_RENEW_MARGIN_MS`], so that short
/// lifetimes keep most of their use. A negative lifetime counts as zero.
#[inline(never)]
fn renew_at(issued_at: f64, lifetime_secs: Option<i64>) -> Option<f64> {
    let lifetime = lifetime_secs?.max(0) as f64 * 1000.0;
    Some(issued_at + lifetime - (lifetime / 10.0).min(MAX_RENEW_MARGIN_MS))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::error::ErrorCode;
    use crate::json::Json;

    const T0: f64 = 1_800_000_000_000.0;

    fn login() -> AnonymousLogin {
        let target = Target::new("myshop", Some("https://api.emporix.io/proxy/")).unwrap();
        AnonymousLogin::new(&target, "Ab12cd34").unwrap()
    }

    fn grant_of(access: &str, expires_in: i64, refresh: Option<(&str, i64)>) -> Grant {
        Grant {
            access_token: access.into(),
            expires_in: Some(expires_in),
            refresh_token: refresh.map(|(token, _)| token.into()),
            refresh_token_expires_in: refresh.map(|(_, secs)| secs),
        }
    }

    fn response<'a>(status: u16, text: &'a str, json: Option<&'a Json>) -> RawResponse<'a> {
        RawResponse {
            status,
            retry_after: None,
            text,
            json,
            now_unix_secs: T0 / 1000.0,
        }
    }

    #[test]
    fn builds_login_and_refresh_requests_with_encoded_parameters() {
        let login = login();
        let request = login.login();
        assert_eq!(request.method, Method::Get);
        assert_eq!(request.body, None);
        assert_eq!(request.origin, "https://api.emporix.io");
        assert_eq!(request.operation, Operation::AnonymousLogin);
        assert_eq!(
            request.url,
            "https://api.emporix.io/proxy/customerlogin/auth/anonymous/login?tenant=myshop&client_id=Ab12cd34"
        );
        let refresh = login.refresh("r/t+=&x#y");
        assert_eq!(refresh.operation, Operation::AnonymousLogin);
        assert_eq!(
            refresh.url,
            "https://api.emporix.io/proxy/customerlogin/auth/anonymous/refresh?tenant=myshop&client_id=Ab12cd34&refresh_token=r%2Ft%2B%3D%26x%23y"
        );
        // The deprecated `anonymous_token` would put a token in the URL.
        assert!(!refresh.url.contains("anonymous_token"));
        let target = Target::new("myshop", None).unwrap();
        let odd = AnonymousLogin::new(&target, "id&x=1#f").unwrap();
        assert!(odd
            .login()
            .url
            .ends_with("?tenant=myshop&client_id=id%26x%3D1%23f"));
    }

    #[test]
    fn the_login_sends_the_session_context_and_the_refresh_does_not() {
        let context = SessionContext {
            site_code: Some("ch main".into()),
            currency: Some("CHF".into()),
            ..SessionContext::default()
        };
        let login = login().with_context(context);
        assert_eq!(
            login.login().url,
            "https://api.emporix.io/proxy/customerlogin/auth/anonymous/login?tenant=myshop&client_id=Ab12cd34&siteCode=ch%20main&currency=CHF"
        );
        let refresh = login.refresh("rt").url;
        assert!(refresh.ends_with("?tenant=myshop&client_id=Ab12cd34&refresh_token=rt"));
        assert!(!refresh.contains("anonymous_token"));
    }

    #[test]
    fn client_id_is_validated_before_any_request() {
        let target = Target::new("myshop", None).unwrap();
        for (bad, problem) in [
            ("", "empty"),
            ("a b", "visible ASCII"),
            ("ab\n", "visible ASCII"),
            ("clïent", "visible ASCII"),
            (&"x".repeat(257), "256"),
        ] {
            match AnonymousLogin::new(&target, bad) {
                Err(OptInError::InvalidInput { field, problem: p }) => {
                    assert_eq!(field, "clientId");
                    assert!(p.contains(problem), "{bad:?}: {p}");
                }
                other => panic!("{bad:?} should be rejected, got {other:?}"),
            }
        }
        assert!(AnonymousLogin::new(&target, &"x".repeat(256)).is_ok());
    }

    #[test]
    fn decodes_the_login_answer_leniently() {
        let body: Json = serde_json::from_str(
            r#"{"access_token":"at","token_type":"Bearer","expires_in":"3599",
                "refresh_token":"rt","refresh_token_expires_in":86399,
                "sessionId":"s","scope":"tenant=myshop"}"#,
        )
        .unwrap();
        assert_eq!(
            grant(&response(200, "", Some(&body))),
            Ok(grant_of("at", 3599, Some(("rt", 86399))))
        );
        let camel: Json = serde_json::from_str(r#"{"accessToken":"at"}"#).unwrap();
        assert_eq!(
            grant(&response(200, "", Some(&camel))),
            Ok(Grant {
                access_token: "at".into(),
                expires_in: None,
                refresh_token: None,
                refresh_token_expires_in: None,
            })
        );
        let empty: Json = serde_json::from_str("{}").unwrap();
        assert_eq!(
            grant(&response(200, "{}", Some(&empty))).map_err(|e| e.code()),
            Err(ErrorCode::InvalidResponse)
        );
        assert_eq!(
            grant(&response(200, "<html>", None)).map_err(|e| e.code()),
            Err(ErrorCode::InvalidResponse)
        );
    }

    #[test]
    fn login_errors_keep_their_meaning() {
        let fault: Json = serde_json::from_str(
            r#"{"fault":{"faultstring":"Invalid ApiKey","detail":{"errorcode":"oauth.v2.InvalidApiKey"}}}"#,
        )
        .unwrap();
        match grant(&response(401, "", Some(&fault))) {
            Err(OptInError::Unauthorized { fault }) => {
                assert_eq!(fault.errorcode.as_deref(), Some("oauth.v2.InvalidApiKey"))
            }
            other => panic!("expected unauthorized, got {other:?}"),
        }
        // Not "the activation link is invalid": no link was involved.
        let long = "é".repeat(MAX_KEPT_BODY);
        match grant(&response(400, &long, None)) {
            Err(OptInError::UnexpectedStatus { status: 400, body }) => {
                assert!(body.len() <= MAX_KEPT_BODY && long.starts_with(&body));
            }
            other => panic!("expected unexpected_status, got {other:?}"),
        }
        for (status, code) in [
            (429, ErrorCode::RateLimited),
            (503, ErrorCode::ServerError),
            (404, ErrorCode::UnexpectedStatus),
        ] {
            assert_eq!(
                grant(&response(status, "", None)).map_err(|e| e.code()),
                Err(code)
            );
        }
    }

    #[test]
    fn uses_the_token_until_a_minute_before_expiry_then_refreshes() {
        let session = Session::granted(grant_of("a1", 3600, Some(("r1", 86400))), T0);
        assert_eq!(session.next(T0), Next::Use("a1"));
        assert_eq!(session.next(T0 + 3_539_999.0), Next::Use("a1"));
        assert_eq!(session.next(T0 + 3_540_000.0), Next::Refresh("r1"));
        assert_eq!(session.next(T0 + 86_339_999.0), Next::Refresh("r1"));
        assert_eq!(session.next(T0 + 86_340_000.0), Next::Renew);
    }

    #[test]
    fn short_lifetimes_renew_a_tenth_early() {
        let session = Session::granted(grant_of("a1", 2, Some(("r1", 10))), T0);
        assert_eq!(session.next(T0 + 1_799.0), Next::Use("a1"));
        assert_eq!(session.next(T0 + 1_800.0), Next::Refresh("r1"));
        assert_eq!(session.next(T0 + 8_999.0), Next::Refresh("r1"));
        assert_eq!(session.next(T0 + 9_000.0), Next::Renew);
        // Zero and negative lifetimes: renewed on the next call.
        for lifetime in [0, -5] {
            let session = Session::granted(grant_of("a1", lifetime, None), T0);
            assert_eq!(session.next(T0), Next::Renew, "{lifetime}");
        }
    }

    #[test]
    fn unknown_lifetimes_last_until_rejected() {
        let grant = Grant {
            access_token: "a1".into(),
            expires_in: None,
            refresh_token: Some("r1".into()),
            refresh_token_expires_in: None,
        };
        let mut session = Session::granted(grant, T0);
        assert_eq!(session.next(T0 + 1e12), Next::Use("a1"));
        session.reject_access("a1");
        assert_eq!(session.next(T0), Next::Refresh("r1"));

        let mut supplied = Session::supplied("s1".into());
        assert_eq!(supplied.next(T0 + 1e12), Next::Use("s1"));
        supplied.reject_access("s1");
        assert_eq!(supplied.next(T0), Next::Renew);
    }

    #[test]
    fn a_401_renews_only_the_token_it_was_given_for() {
        let mut session = Session::granted(grant_of("a1", 3600, Some(("r1", 86400))), T0);
        session.reject_access("a0");
        assert_eq!(session.next(T0), Next::Use("a1"));
        session.reject_access("a1");
        assert_eq!(session.next(T0), Next::Refresh("r1"));
    }

    #[test]
    fn a_refresh_keeps_the_refresh_token_unless_a_new_one_comes() {
        let session = Session::granted(grant_of("a1", 3600, Some(("r1", 10_000))), T0);
        let later = T0 + 3_600_000.0;
        let refreshed = session.clone().refreshed(grant_of("a2", 3600, None), later);
        assert_eq!(refreshed.access_token(), "a2");
        assert_eq!(refreshed.next(later + 3_539_999.0), Next::Use("a2"));
        assert_eq!(refreshed.next(later + 3_540_000.0), Next::Refresh("r1"));
        // The refresh token still expires 10000 s after the login.
        assert_eq!(refreshed.next(T0 + 9_939_999.0), Next::Refresh("r1"));
        assert_eq!(refreshed.next(T0 + 9_940_000.0), Next::Renew);

        let rotated = session.refreshed(grant_of("a2", 3600, Some(("r2", 10_000))), later);
        assert_eq!(rotated.next(T0 + 9_940_000.0), Next::Refresh("r2"));
        assert_eq!(rotated.next(later + 9_940_000.0), Next::Renew);
    }
}

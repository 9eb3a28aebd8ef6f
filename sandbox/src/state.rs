//! In-memory state behind one lock. Every operation that reads and then changes
//! state (e.g. confirming a token) runs inside a single critical section, which
//! is what makes concurrent confirms of the same token yield exactly one success.

use std::collections::{HashMap, VecDeque};
use std::sync::{Arc, Mutex, MutexGuard, PoisonError};
use std::time::Duration;

use axum::http::StatusCode;
use percent_encoding::{utf8_percent_encode, AsciiSet, NON_ALPHANUMERIC};
use serde::Serialize;
use serde_json::{Map, Value};

use crate::clock::{ms, rfc3339, Clock, Millis};
use crate::config::Config;
use crate::errors::ApiError;
use crate::faults::Fault;
use crate::token::TokenGen;
use crate::validate::email_key;

/// Oldest entries are dropped beyond this, so long benchmarks cannot exhaust memory.
pub const REQUEST_LOG_CAP: usize = 50_000;
/// Same for the outbox.
pub const OUTBOX_CAP: usize = 10_000;
/// Same for the anonymous sessions listed by `/sandbox/sessions`.
pub const SESSION_CAP: usize = 10_000;
/// Access tokens remembered per session (the newest), for `/sandbox/sessions`.
pub const SESSION_TOKENS_CAP: usize = 100;
/// Lifetime of the customer access token returned by a confirm, in seconds:
/// the `expires_in` of the official spec's example answer to
/// `GET-customer-signup-customer-optin` (and to the customer login).
pub const CUSTOMER_TTL_SECS: u64 = 2_591_999;
/// Lifetime of the customer refresh token returned by a confirm, in seconds:
/// the `refresh_token_expires_in` of the same example.
pub const CUSTOMER_REFRESH_TTL_SECS: u64 = 86_399;

/// Characters kept as-is in the `token` query parameter of activation links
/// (RFC 3986 unreserved); everything else is percent-encoded.
const LINK_ENCODE: &AsciiSet = &NON_ALPHANUMERIC
    .remove(b'-')
    .remove(b'.')
    .remove(b'_')
    .remove(b'~');

/// Shared handle on configuration, clock and state; cheap to clone.
#[derive(Clone, Debug)]
pub struct AppState {
    inner: Arc<Inner>,
}

#[derive(Debug)]
struct Inner {
    config: Config,
    port: u16,
    link_base: String,
    clock: Clock,
    tokens: TokenGen,
    store: Mutex<Store>,
}

/// Where a customer is in the double opt-in flow.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum CustomerStatus {
    /// Signed up, not yet confirmed.
    Pending,
    /// Confirmed through an opt-in token.
    Active,
}

#[derive(Debug, Clone)]
struct Customer {
    id: String,
    email: String,
    status: CustomerStatus,
    /// The only opt-in token that may still activate this customer.
    current_token: Option<String>,
    created_at: Millis,
    activated_at: Option<Millis>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum OptinState {
    Pending,
    Used,
    Invalidated,
}

#[derive(Debug, Clone)]
struct OptinToken {
    email_key: String,
    expires_at: Millis,
    state: OptinState,
}

#[derive(Debug, Clone)]
struct AnonToken {
    /// `None` for tokens from `/sandbox/anonymous-token` without a tenant: valid for any tenant.
    tenant: Option<String>,
    client_id: String,
    session_id: String,
    expires_at: Millis,
}

/// The session-context values an anonymous login sets (its optional query
/// parameters `siteCode`, `currency`, `language`, `targetLocation`), exactly
/// as received; `None` when the parameter was absent.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct SessionContext {
    /// `siteCode`.
    pub site_code: Option<String>,
    /// `currency`.
    pub currency: Option<String>,
    /// `language`.
    pub language: Option<String>,
    /// `targetLocation`.
    pub target_location: Option<String>,
}

/// An anonymous session as shown by `/sandbox/sessions`.
#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct SessionView {
    /// The `sessionId` login and refresh answer with.
    pub session_id: String,
    /// Tenant the session is bound to (`None`: any).
    pub tenant: Option<String>,
    /// Client id that logged in.
    pub client_id: String,
    /// The session context set at login.
    pub context: SessionContext,
    /// Access tokens issued for the session, oldest first.
    pub access_tokens: Vec<String>,
    /// RFC 3339 login time (sandbox clock).
    pub created_at: String,
}

/// What the sandbox keeps per anonymous session.
#[derive(Debug, Clone)]
struct SessionRecord {
    tenant: Option<String>,
    client_id: String,
    context: SessionContext,
    access_tokens: Vec<String>,
    created_at: Millis,
}

/// An email "sent" by the sandbox.
#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct OutboxMail {
    /// Recipient as given at sign-up.
    pub to: String,
    /// Subject line.
    pub subject: String,
    /// Activation link: `{link-base}?token={percent-encoded token}`.
    pub link: String,
    /// The raw opt-in token.
    pub token: String,
    /// Tenant of the customer.
    pub tenant: String,
    /// RFC 3339 send time (sandbox clock).
    pub sent_at: String,
}

/// One API request as received.
#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct RequestRecord {
    /// HTTP method.
    pub method: String,
    /// Raw path exactly as received (still percent-encoded).
    pub path: String,
    /// Raw query string without `?`, if any.
    pub query: Option<String>,
    /// Full `Authorization` header value.
    pub authorization: Option<String>,
    /// `Content-Type` header value.
    pub content_type: Option<String>,
    /// `Accept` header value.
    pub accept: Option<String>,
    /// `Origin` header value.
    pub origin: Option<String>,
    /// Body as (lossy UTF-8) text; `None` when empty.
    pub body: Option<String>,
    /// All headers, names lowercased, repeated values joined with `, `.
    pub headers: Map<String, Value>,
    /// RFC 3339 receive time (sandbox clock).
    pub received_at: String,
}

/// Tokens of an anonymous session, as returned by login/refresh.
#[derive(Debug, Clone)]
pub struct AnonGrant {
    /// Bearer token.
    pub access_token: String,
    /// Seconds until the access token expires.
    pub expires_in: u64,
    /// Refresh token.
    pub refresh_token: String,
    /// Seconds until the refresh token expires.
    pub refresh_token_expires_in: u64,
    /// Session id, stable across refreshes.
    pub session_id: String,
    /// Tenant the token is bound to (`None`: any).
    pub tenant: Option<String>,
}

/// Tokens of an activated customer, as returned by a confirm.
#[derive(Debug, Clone)]
pub struct CustomerGrant {
    /// Customer access token.
    pub access_token: String,
    /// Customer refresh token.
    pub refresh_token: String,
    /// SaaS token.
    pub saas_token: String,
    /// Session id.
    pub session_id: String,
}

/// A customer as shown by `/sandbox/customers`.
#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct CustomerView {
    /// Customer id.
    pub id: String,
    /// Tenant.
    pub tenant: String,
    /// Email as given.
    pub email: String,
    /// Flow status.
    pub status: CustomerStatus,
    /// RFC 3339 sign-up time.
    pub created_at: String,
    /// RFC 3339 activation time.
    pub activated_at: Option<String>,
}

/// What `/sandbox/optin-tokens` registered.
#[derive(Debug, Clone)]
pub struct Registered {
    /// Customer id (new or existing).
    pub customer_id: String,
    /// Activation link for the token.
    pub link: String,
    /// Expiry time in sandbox milliseconds.
    pub expires_at: Millis,
}

#[derive(Debug, Default)]
struct Store {
    /// Keyed by (tenant, email key).
    customers: HashMap<(String, String), Customer>,
    /// Keyed by (tenant, exact token).
    optin: HashMap<(String, String), OptinToken>,
    anon_access: HashMap<String, AnonToken>,
    anon_refresh: HashMap<String, AnonToken>,
    /// Keyed by session id; oldest dropped beyond [`SESSION_CAP`].
    sessions: HashMap<String, SessionRecord>,
    session_order: VecDeque<String>,
    outbox: VecDeque<OutboxMail>,
    requests: VecDeque<RequestRecord>,
    /// Accepted resend times per (tenant, email key), for the sliding window.
    resends: HashMap<(String, String), VecDeque<Millis>>,
}

fn secs_until(expires_at: Millis, now: Millis) -> u64 {
    u64::try_from(expires_at.saturating_sub(now).max(0) / 1_000).unwrap_or(0)
}

fn push_capped<T>(queue: &mut VecDeque<T>, item: T, cap: usize) {
    if queue.len() >= cap {
        queue.pop_front();
    }
    queue.push_back(item);
}

impl AppState {
    /// Fresh, empty state for a server listening on `port`.
    pub fn new(config: Config, port: u16) -> Self {
        Self::with_clock(config, port, Clock::new())
    }

    /// Like [`AppState::new`] with a given (possibly shared) clock.
    pub fn with_clock(config: Config, port: u16, clock: Clock) -> Self {
        let link_base = config.link_base_for(port);
        Self {
            inner: Arc::new(Inner {
                config,
                port,
                link_base,
                clock,
                tokens: TokenGen::new(),
                store: Mutex::new(Store::default()),
            }),
        }
    }

    /// Configuration in force.
    pub fn config(&self) -> &Config {
        &self.inner.config
    }

    /// Port the server listens on.
    pub fn port(&self) -> u16 {
        self.inner.port
    }

    /// Base of activation links.
    pub fn link_base(&self) -> &str {
        &self.inner.link_base
    }

    /// The sandbox clock (tests advance it).
    pub fn clock(&self) -> &Clock {
        &self.inner.clock
    }

    fn now(&self) -> Millis {
        self.inner.clock.now_ms()
    }

    /// Handlers never panic while holding the lock, but if something ever did,
    /// the data is still consistent enough for a test double: keep serving.
    fn store(&self) -> MutexGuard<'_, Store> {
        self.inner
            .store
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
    }

    /// Activation link for `token`.
    pub fn link_for(&self, token: &str) -> String {
        let base = self.link_base();
        let sep = if base.contains('?') { '&' } else { '?' };
        format!(
            "{base}{sep}token={}",
            utf8_percent_encode(token, LINK_ENCODE)
        )
    }

    // ---- anonymous tokens -------------------------------------------------

    /// Whether `client_id` may log in.
    pub fn is_known_client(&self, client_id: &str) -> bool {
        self.config().client_ids.iter().any(|c| c == client_id)
    }

    /// Issues a new anonymous session with the given session context.
    pub fn issue_anonymous(
        &self,
        tenant: Option<&str>,
        client_id: &str,
        context: SessionContext,
    ) -> AnonGrant {
        let now = self.now();
        let cfg = self.config();
        let tokens = &self.inner.tokens;
        let grant = AnonGrant {
            access_token: tokens.token(),
            expires_in: cfg.anon_ttl.as_secs(),
            refresh_token: tokens.token(),
            refresh_token_expires_in: cfg.anon_refresh_ttl.as_secs(),
            session_id: tokens.prefixed("anon_"),
            tenant: tenant.map(str::to_owned),
        };
        let record = |ttl: Duration| AnonToken {
            tenant: grant.tenant.clone(),
            client_id: client_id.to_owned(),
            session_id: grant.session_id.clone(),
            expires_at: now.saturating_add(ms(ttl)),
        };
        let access = record(cfg.anon_ttl);
        let refresh = record(cfg.anon_refresh_ttl);
        let mut store = self.store();
        store.prune_anonymous(now);
        store.anon_access.insert(grant.access_token.clone(), access);
        store
            .anon_refresh
            .insert(grant.refresh_token.clone(), refresh);
        store.record_session(
            grant.session_id.clone(),
            SessionRecord {
                tenant: grant.tenant.clone(),
                client_id: client_id.to_owned(),
                context,
                access_tokens: vec![grant.access_token.clone()],
                created_at: now,
            },
        );
        grant
    }

    /// A new access token for the session of `refresh_token`.
    pub fn refresh_anonymous(
        &self,
        tenant: &str,
        client_id: &str,
        refresh_token: &str,
    ) -> Result<AnonGrant, ApiError> {
        let now = self.now();
        let cfg = self.config();
        let access_token = self.inner.tokens.token();
        let mut store = self.store();
        let refresh = store
            .anon_refresh
            .get(refresh_token)
            .cloned()
            .ok_or_else(ApiError::invalid_refresh_token)?;
        if refresh.client_id != client_id || refresh.tenant.as_deref().is_some_and(|t| t != tenant)
        {
            return Err(ApiError::invalid_refresh_token());
        }
        if now >= refresh.expires_at {
            return Err(ApiError::expired_refresh_token());
        }
        store.prune_anonymous(now);
        if let Some(session) = store.sessions.get_mut(&refresh.session_id) {
            if session.access_tokens.len() >= SESSION_TOKENS_CAP {
                session.access_tokens.remove(0);
            }
            session.access_tokens.push(access_token.clone());
        }
        store.anon_access.insert(
            access_token.clone(),
            AnonToken {
                expires_at: now.saturating_add(ms(cfg.anon_ttl)),
                ..refresh.clone()
            },
        );
        Ok(AnonGrant {
            access_token,
            expires_in: cfg.anon_ttl.as_secs(),
            refresh_token: refresh_token.to_owned(),
            refresh_token_expires_in: secs_until(refresh.expires_at, now),
            session_id: refresh.session_id,
            tenant: refresh.tenant,
        })
    }

    /// Checks the `Authorization` header of a request to `tenant`.
    pub fn authorize(&self, authorization: Option<&str>, tenant: &str) -> Result<(), ApiError> {
        let token =
            crate::validate::bearer(authorization).ok_or_else(ApiError::invalid_access_token)?;
        let now = self.now();
        let store = self.store();
        let anon = store
            .anon_access
            .get(token)
            .ok_or_else(ApiError::invalid_access_token)?;
        // Reserved fault tenants accept a token of any tenant, so one token can
        // drive every fault (`fslow`, `fcors` answer normally after auth).
        let foreign = anon.tenant.as_deref().is_some_and(|t| t != tenant);
        if foreign && Fault::from_tenant(tenant).is_none() {
            return Err(ApiError::invalid_access_token());
        }
        if now >= anon.expires_at {
            return Err(ApiError::expired_access_token());
        }
        Ok(())
    }

    /// Forgets every anonymous access token (refresh tokens stay valid).
    pub fn revoke_anonymous(&self) -> usize {
        let mut store = self.store();
        let n = store.anon_access.len();
        store.anon_access.clear();
        n
    }

    // ---- customers and opt-in tokens --------------------------------------

    /// Creates a pending customer and mails its first opt-in token.
    pub fn signup(&self, tenant: &str, email: &str) -> Result<String, ApiError> {
        let now = self.now();
        let key = (tenant.to_owned(), email_key(email));
        let id = self.inner.tokens.prefixed("cust_");
        let token = self.inner.tokens.token();
        let mut store = self.store();
        if store.customers.contains_key(&key) {
            // The official 409 example (`409_conflict`): type and message,
            // no details.
            return Err(ApiError::Message {
                status: StatusCode::CONFLICT,
                kind: "conflict_resource".to_owned(),
                message: format!("Duplicate account '{email}' for tenant '{tenant}'."),
                details: None,
                retry_after: None,
            });
        }
        store.customers.insert(
            key.clone(),
            Customer {
                id: id.clone(),
                email: email.to_owned(),
                status: CustomerStatus::Pending,
                current_token: None,
                created_at: now,
                activated_at: None,
            },
        );
        self.issue_optin(&mut store, &key, token, self.config().optin_ttl, now, true);
        Ok(id)
    }

    /// Makes `token` the customer's only valid opt-in token (invalidating the
    /// previous one) and, if `mail`, puts an activation email in the outbox.
    fn issue_optin(
        &self,
        store: &mut Store,
        key: &(String, String),
        token: String,
        ttl: Duration,
        now: Millis,
        mail: bool,
    ) -> Millis {
        let expires_at = now.saturating_add(ms(ttl));
        let mut to = key.1.clone();
        if let Some(customer) = store.customers.get_mut(key) {
            to.clone_from(&customer.email);
            if let Some(old) = customer.current_token.replace(token.clone()) {
                if let Some(old) = store.optin.get_mut(&(key.0.clone(), old)) {
                    if old.state == OptinState::Pending {
                        old.state = OptinState::Invalidated;
                    }
                }
            }
        }
        store.optin.insert(
            (key.0.clone(), token.clone()),
            OptinToken {
                email_key: key.1.clone(),
                expires_at,
                state: OptinState::Pending,
            },
        );
        if mail {
            let mail = OutboxMail {
                to,
                subject: "Activate your account".to_owned(),
                link: self.link_for(&token),
                token,
                tenant: key.0.clone(),
                sent_at: rfc3339(now),
            };
            push_capped(&mut store.outbox, mail, OUTBOX_CAP);
        }
        expires_at
    }

    /// Registers a pending customer with an opt-in token of exactly `token`.
    pub fn register_optin(
        &self,
        tenant: &str,
        email: &str,
        token: &str,
        ttl: Option<Duration>,
    ) -> Result<Registered, ApiError> {
        let now = self.now();
        let key = (tenant.to_owned(), email_key(email));
        let new_id = self.inner.tokens.prefixed("cust_");
        let mut store = self.store();
        if store
            .optin
            .contains_key(&(tenant.to_owned(), token.to_owned()))
        {
            return Err(ApiError::with_detail(
                StatusCode::CONFLICT,
                "token_already_exists",
                "This opt-in token is already registered for the tenant",
                "token",
                "already_exists",
            ));
        }
        let customer = store.customers.entry(key.clone()).or_insert(Customer {
            id: new_id,
            email: email.to_owned(),
            status: CustomerStatus::Pending,
            current_token: None,
            created_at: now,
            activated_at: None,
        });
        if customer.status == CustomerStatus::Active {
            return Err(ApiError::with_detail(
                StatusCode::CONFLICT,
                "customer_already_active",
                format!("The customer '{email}' is already activated"),
                "email",
                "already_active",
            ));
        }
        let customer_id = customer.id.clone();
        let ttl = ttl.unwrap_or(self.config().optin_ttl);
        let expires_at = self.issue_optin(&mut store, &key, token.to_owned(), ttl, now, false);
        Ok(Registered {
            customer_id,
            link: self.link_for(token),
            expires_at,
        })
    }

    /// Uses an opt-in token: activates its customer and returns customer tokens.
    pub fn confirm(&self, tenant: &str, token: &str) -> Result<CustomerGrant, ApiError> {
        let now = self.now();
        let tokens = &self.inner.tokens;
        let grant = CustomerGrant {
            access_token: tokens.token(),
            refresh_token: tokens.token(),
            saas_token: tokens.token(),
            session_id: tokens.prefixed("sess_"),
        };
        let mut store = self.store();
        let Some(optin) = store.optin.get_mut(&(tenant.to_owned(), token.to_owned())) else {
            return Err(ApiError::token(
                "token_not_found",
                "The opt-in token is unknown for this tenant",
            ));
        };
        match optin.state {
            OptinState::Used => {
                return Err(ApiError::token(
                    "token_already_used",
                    "The opt-in token has already been used; the account is active",
                ))
            }
            OptinState::Invalidated => {
                return Err(ApiError::token(
                    "token_invalidated",
                    "The opt-in token was superseded by a newer activation email",
                ))
            }
            OptinState::Pending if now >= optin.expires_at => {
                return Err(ApiError::token(
                    "token_expired",
                    "The opt-in token has expired; request a new activation email",
                ))
            }
            OptinState::Pending => optin.state = OptinState::Used,
        }
        let key = (tenant.to_owned(), optin.email_key.clone());
        if let Some(customer) = store.customers.get_mut(&key) {
            customer.status = CustomerStatus::Active;
            customer.current_token = None;
            customer.activated_at = Some(now);
        }
        Ok(grant)
    }

    /// Handles a resend: rate limit first (for every address, so a 429 does not
    /// reveal whether an account exists), then a new token for pending customers only.
    /// Returns whether an email was sent.
    pub fn resend(&self, tenant: &str, email: &str) -> Result<bool, ApiError> {
        let now = self.now();
        let cfg = self.config();
        let key = (tenant.to_owned(), email_key(email));
        let token = self.inner.tokens.token();
        let window = ms(cfg.resend_window);
        let mut store = self.store();
        let attempts = store.resends.entry(key.clone()).or_default();
        while attempts
            .front()
            .is_some_and(|t| now.saturating_sub(*t) >= window)
        {
            attempts.pop_front();
        }
        if attempts.len() >= cfg.resend_limit as usize {
            let oldest = attempts.front().copied().unwrap_or(now);
            let wait_ms = oldest.saturating_add(window).saturating_sub(now).max(1);
            let secs = u64::try_from(wait_ms.saturating_add(999) / 1_000).unwrap_or(1);
            return Err(ApiError::too_many_requests(secs));
        }
        attempts.push_back(now);
        let pending = store
            .customers
            .get(&key)
            .is_some_and(|c| c.status == CustomerStatus::Pending);
        if pending {
            self.issue_optin(&mut store, &key, token, cfg.optin_ttl, now, true);
        }
        Ok(pending)
    }

    // ---- sandbox views ----------------------------------------------------

    /// Outbox, oldest first.
    pub fn outbox(&self) -> Vec<OutboxMail> {
        self.store().outbox.iter().cloned().collect()
    }

    /// Empties the outbox.
    pub fn clear_outbox(&self) {
        self.store().outbox.clear();
    }

    /// Appends to the request log.
    pub fn log_request(&self, mut record: RequestRecord) {
        record.received_at = rfc3339(self.now());
        push_capped(&mut self.store().requests, record, REQUEST_LOG_CAP);
    }

    /// Request log, oldest first.
    pub fn requests(&self) -> Vec<RequestRecord> {
        self.store().requests.iter().cloned().collect()
    }

    /// Empties the request log.
    pub fn clear_requests(&self) {
        self.store().requests.clear();
    }

    /// Anonymous sessions, oldest first.
    pub fn sessions(&self) -> Vec<SessionView> {
        let store = self.store();
        store
            .session_order
            .iter()
            .filter_map(|id| {
                let session = store.sessions.get(id)?;
                Some(SessionView {
                    session_id: id.clone(),
                    tenant: session.tenant.clone(),
                    client_id: session.client_id.clone(),
                    context: session.context.clone(),
                    access_tokens: session.access_tokens.clone(),
                    created_at: rfc3339(session.created_at),
                })
            })
            .collect()
    }

    /// All customers, oldest first.
    pub fn customers(&self) -> Vec<CustomerView> {
        let store = self.store();
        let mut list: Vec<CustomerView> = store
            .customers
            .iter()
            .map(|((tenant, _), c)| CustomerView {
                id: c.id.clone(),
                tenant: tenant.clone(),
                email: c.email.clone(),
                status: c.status,
                created_at: rfc3339(c.created_at),
                activated_at: c.activated_at.map(rfc3339),
            })
            .collect();
        list.sort_by(|a, b| (&a.created_at, &a.id).cmp(&(&b.created_at, &b.id)));
        list
    }

    /// Forgets everything and puts the clock back to wall time.
    pub fn reset(&self) {
        *self.store() = Store::default();
        self.clock().reset();
    }
}

impl Store {
    /// Remembers a new session, forgetting the oldest beyond [`SESSION_CAP`].
    fn record_session(&mut self, id: String, session: SessionRecord) {
        if self.session_order.len() >= SESSION_CAP {
            if let Some(oldest) = self.session_order.pop_front() {
                self.sessions.remove(&oldest);
            }
        }
        self.session_order.push_back(id.clone());
        self.sessions.insert(id, session);
    }

    /// Drops expired anonymous tokens once the maps grow, so benchmarks that log
    /// in repeatedly do not grow memory without bound.
    fn prune_anonymous(&mut self, now: Millis) {
        const PRUNE_AT: usize = 10_000;
        if self.anon_access.len() >= PRUNE_AT {
            self.anon_access.retain(|_, t| t.expires_at > now);
        }
        if self.anon_refresh.len() >= PRUNE_AT {
            self.anon_refresh.retain(|_, t| t.expires_at > now);
        }
    }
}

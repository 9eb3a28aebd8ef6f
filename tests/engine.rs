//! The sans-IO core ([`emporix_optin::engine`]) with a fake clock and a
//! scripted server: examples of every decision the edge used to make, then
//! property tests of the lifecycle and sharing invariants over random
//! schedules.
#![cfg(not(target_arch = "wasm32"))]

use emporix_optin::engine::{
    Answer, CallId, Caller, ClientConfig, ClientId, Failed, Hub, Output, ProviderAnswer, SendId,
    TokenSource,
};
use emporix_optin::error::{ErrorCode, Operation, OptInError};
use emporix_optin::json::Json;
use emporix_optin::request::ApiRequest;
use emporix_optin::response::RawResponse;

const T0: f64 = 1_800_000_000_000.0;
const BASE: &str = "https://api.emporix.io";

/// A request the hub asked for.
#[derive(Debug, Clone)]
struct Sent {
    send: SendId,
    request: ApiRequest,
    bearer: Option<String>,
    at: f64,
}

/// The hub, its clock, and everything it has output so far.
struct World {
    hub: Hub,
    now: f64,
    sent: Vec<Sent>,
    asked: Vec<(SendId, ClientId)>,
    cancelled: Vec<SendId>,
    /// When each request ended: answered (`Some(status)`, `None` for no
    /// response) or cancelled (`Some(0)`).
    ended: Vec<(SendId, f64, Option<u16>)>,
    settled: Vec<(CallId, f64, Result<Answer, Failed>)>,
}

impl World {
    fn new() -> World {
        World {
            hub: Hub::new(),
            now: T0,
            sent: Vec::new(),
            asked: Vec::new(),
            cancelled: Vec::new(),
            ended: Vec::new(),
            settled: Vec::new(),
        }
    }

    /// Drains the outputs, as the driver does after every input.
    fn drain(&mut self) {
        while let Some(output) = self.hub.poll_output() {
            match output {
                Output::Fetch {
                    send,
                    request,
                    bearer,
                } => self.sent.push(Sent {
                    send,
                    request,
                    bearer,
                    at: self.now,
                }),
                Output::Cancel(send) => {
                    self.cancelled.push(send);
                    self.ended.push((send, self.now, Some(0)));
                }
                Output::AskProvider { send, client } => self.asked.push((send, client)),
                Output::Settle { calls, result } => {
                    assert!(!calls.is_empty(), "a settlement of no caller");
                    for call in calls {
                        assert!(
                            self.settled.iter().all(|(c, ..)| *c != call),
                            "{call:?} settled twice"
                        );
                        self.settled.push((call, self.now, result.clone()));
                    }
                }
            }
        }
    }

    fn login_client(&mut self, timeout_ms: Option<f64>) -> ClientId {
        let id = self
            .hub
            .add_client(ClientConfig {
                tenant: "myshop",
                base_url: None,
                timeout_ms,
                client_id: Some("storefront"),
                anonymous_token: None,
                context: None,
            })
            .expect("a valid config");
        self.drain();
        id
    }

    fn provider_client(&mut self, timeout_ms: Option<f64>) -> ClientId {
        let id = self
            .hub
            .add_client(ClientConfig {
                tenant: "myshop",
                base_url: None,
                timeout_ms,
                client_id: None,
                anonymous_token: Some(TokenSource::Provider),
                context: None,
            })
            .expect("a valid config");
        self.drain();
        id
    }

    fn confirm(&mut self, caller: Caller, token: &str, timeout_ms: Option<f64>) -> CallId {
        let call = self
            .hub
            .confirm(caller, token, timeout_ms, false, self.now)
            .expect("valid options");
        self.drain();
        call
    }

    fn resend(&mut self, caller: Caller, email: &str, timeout_ms: Option<f64>) -> CallId {
        let call = self
            .hub
            .resend(caller, email, timeout_ms, false, self.now)
            .expect("valid options");
        self.drain();
        call
    }

    fn abort(&mut self, call: CallId) {
        self.hub.abort(call, self.now);
        self.drain();
    }

    /// Answers `send` with `status` and `body`.
    fn answer(&mut self, send: SendId, status: u16, body: &str) {
        let json: Option<Json> = serde_json::from_str(body).ok();
        let raw = RawResponse {
            status,
            retry_after: None,
            text: body,
            json: json.as_ref(),
            now_unix_secs: self.now / 1000.0,
        };
        self.ended.push((send, self.now, Some(status)));
        self.hub.on_response(send, Some(&raw), self.now);
        self.drain();
    }

    /// No response to `send`: the network failed.
    fn drop_connection(&mut self, send: SendId) {
        self.ended.push((send, self.now, None));
        self.hub.on_response(send, None, self.now);
        self.drain();
    }

    fn provide(&mut self, send: SendId, answer: ProviderAnswer) {
        self.hub.on_provider(send, answer, self.now);
        self.drain();
    }

    /// Moves the clock to `until`, waking the hub at each deadline on the way
    /// (as the driver's one timer does).
    fn run_until(&mut self, until: f64) {
        while let Some(due) = self.hub.poll_timeout().filter(|due| *due <= until) {
            self.now = self.now.max(due);
            self.hub.handle_timeout(self.now);
            self.drain();
        }
        self.now = until;
    }

    fn wait(&mut self, ms: f64) {
        self.run_until(self.now + ms);
    }

    fn last_sent(&self) -> &Sent {
        self.sent.last().expect("a request")
    }

    fn result(&self, call: CallId) -> &Result<Answer, Failed> {
        self.outcome(call).1
    }

    fn outcome(&self, call: CallId) -> (f64, &Result<Answer, Failed>) {
        let (_, at, result) = self
            .settled
            .iter()
            .find(|(c, ..)| *c == call)
            .unwrap_or_else(|| panic!("{call:?} has not settled"));
        (*at, result)
    }

    fn is_pending(&self, call: CallId) -> bool {
        self.settled.iter().all(|(c, ..)| *c != call)
    }

    fn access_token(&self, call: CallId) -> String {
        match self.result(call) {
            Ok(Answer::Customer(token)) => token.access_token.clone(),
            other => panic!("expected the customer's tokens, got {other:?}"),
        }
    }

    fn error(&self, call: CallId) -> &OptInError {
        match self.result(call) {
            Err(failed) => &failed.error,
            other => panic!("expected an error, got {other:?}"),
        }
    }

    fn sent_to(&self, needle: &str) -> Vec<Sent> {
        self.sent
            .iter()
            .filter(|s| s.request.url.contains(needle))
            .cloned()
            .collect()
    }
}

fn function_caller(anonymous_token: &str) -> Caller<'_> {
    Caller::Token {
        tenant: "myshop",
        base_url: None,
        anonymous_token,
    }
}

fn grant(access: &str, expires_in: i64, refresh: &str, refresh_expires_in: i64) -> String {
    format!(
        r#"{{"access_token":"{access}","expires_in":{expires_in},"refresh_token":"{refresh}","refresh_token_expires_in":{refresh_expires_in}}}"#
    )
}

fn customer(access: &str) -> String {
    format!(r#"{{"access_token":"{access}","refresh_token":"r-{access}"}}"#)
}

const FAULT: &str = r#"{"fault":{"faultstring":"Invalid access token","detail":{"errorcode":"oauth.v2.InvalidAccessToken"}}}"#;

fn is_login(sent: &Sent) -> bool {
    sent.request.url.contains("/anonymous/login?")
}

fn is_refresh(sent: &Sent) -> bool {
    sent.request.url.contains("/anonymous/refresh?")
}

/// A client logged in once, its token good for an hour (refresh: a day).
fn logged_in(world: &mut World) -> ClientId {
    let client = world.login_client(None);
    let first = world.confirm(Caller::Client(client), "first", None);
    let login = world.last_sent().send;
    world.answer(login, 200, &grant("a1", 3600, "r1", 86400));
    let send = world.last_sent().send;
    world.answer(send, 200, &customer("c1"));
    assert_eq!(world.access_token(first), "c1");
    client
}

// ---- the anonymous-token lifecycle ----------------------------------------

#[test]
fn concurrent_calls_share_one_login_and_then_reuse_its_token() {
    let mut world = World::new();
    let client = world.login_client(None);
    let calls: Vec<CallId> = ["t1", "t2", "t3"]
        .iter()
        .map(|token| world.confirm(Caller::Client(client), token, None))
        .collect();
    assert_eq!(world.sent.len(), 1, "one login for three calls");
    let login = world.sent[0].clone();
    assert!(is_login(&login));
    assert_eq!(login.bearer, None, "the login carries no Authorization");
    assert!(login.request.url.contains("client_id=storefront"));

    world.answer(login.send, 200, &grant("a1", 3600, "r1", 86400));
    let confirms = world.sent_to("/signup/optin/");
    assert_eq!(confirms.len(), 3);
    assert!(confirms.iter().all(|s| s.bearer.as_deref() == Some("a1")));
    for (i, sent) in confirms.iter().enumerate() {
        world.answer(sent.send, 200, &customer(&format!("c{i}")));
    }
    for (i, call) in calls.iter().enumerate() {
        assert_eq!(world.access_token(*call), format!("c{i}"));
    }

    // A later call uses the cached token: no second login.
    world.wait(1000.0);
    world.confirm(Caller::Client(client), "t4", None);
    assert!(!is_login(world.last_sent()));
    assert_eq!(world.last_sent().bearer.as_deref(), Some("a1"));
    assert_eq!(world.sent.iter().filter(|s| is_login(s)).count(), 1);
}

#[test]
fn a_token_near_its_expiry_is_refreshed_before_the_call() {
    let mut world = World::new();
    let client = logged_in(&mut world);
    // 3600 s tokens are renewed a minute early.
    world.wait(3_540_000.0);
    let call = world.confirm(Caller::Client(client), "second", None);
    let refresh = world.last_sent().clone();
    assert!(is_refresh(&refresh), "{:?}", refresh.request.url);
    assert!(refresh.request.url.contains("&refresh_token=r1"));
    assert!(!refresh.request.url.contains("anonymous_token"));
    world.answer(refresh.send, 200, &grant("a2", 3600, "r2", 86400));
    let confirm = world.last_sent().clone();
    assert_eq!(confirm.bearer.as_deref(), Some("a2"));
    world.answer(confirm.send, 200, &customer("c2"));
    assert_eq!(world.access_token(call), "c2");
}

#[test]
fn past_the_refresh_tokens_lifetime_the_client_logs_in_again() {
    let mut world = World::new();
    let client = logged_in(&mut world);
    world.wait(86_400_000.0);
    world.confirm(Caller::Client(client), "second", None);
    assert!(is_login(world.last_sent()));
    assert_eq!(world.sent.iter().filter(|s| is_refresh(s)).count(), 0);
}

#[test]
fn a_401_renews_the_token_and_sends_once_more() {
    let mut world = World::new();
    let client = logged_in(&mut world);
    let call = world.confirm(Caller::Client(client), "second", None);
    let first = world.last_sent().clone();
    world.answer(first.send, 401, FAULT);
    let refresh = world.last_sent().clone();
    assert!(is_refresh(&refresh));
    world.answer(refresh.send, 200, &grant("a2", 3600, "r2", 86400));
    let retry = world.last_sent().clone();
    assert_eq!(retry.request, first.request);
    assert_eq!(retry.bearer.as_deref(), Some("a2"));
    world.answer(retry.send, 200, &customer("c2"));
    assert_eq!(world.access_token(call), "c2");
}

#[test]
fn a_second_401_rejects_with_unauthorized() {
    let mut world = World::new();
    let client = logged_in(&mut world);
    let call = world.confirm(Caller::Client(client), "second", None);
    world.answer(world.last_sent().send, 401, FAULT);
    world.answer(world.last_sent().send, 200, &grant("a2", 3600, "r2", 86400));
    world.answer(world.last_sent().send, 401, FAULT);
    match world.error(call) {
        OptInError::Unauthorized { fault } => assert_eq!(
            fault.errorcode.as_deref(),
            Some("oauth.v2.InvalidAccessToken")
        ),
        other => panic!("expected unauthorized, got {other:?}"),
    }
    assert_eq!(world.sent_to("/optin/second").len(), 2);
    assert!(world.hub.is_idle());
}

#[test]
fn a_supplied_token_is_never_retried() {
    let mut world = World::new();
    let call = world.confirm(function_caller("supplied"), "tok", None);
    assert_eq!(world.last_sent().bearer.as_deref(), Some("supplied"));
    world.answer(world.last_sent().send, 401, FAULT);
    assert_eq!(world.error(call).code(), ErrorCode::Unauthorized);
    assert_eq!(world.sent.len(), 1);

    // Nor is an OptInClient's string token.
    let client = world
        .hub
        .add_client(ClientConfig {
            tenant: "myshop",
            base_url: None,
            timeout_ms: None,
            client_id: None,
            anonymous_token: Some(TokenSource::Token("fixed")),
            context: None,
        })
        .unwrap();
    let call = world.resend(Caller::Client(client), "a@example.com", None);
    assert_eq!(world.last_sent().bearer.as_deref(), Some("fixed"));
    world.answer(world.last_sent().send, 401, FAULT);
    assert_eq!(world.error(call).code(), ErrorCode::Unauthorized);
    assert_eq!(world.sent.len(), 2);
}

#[test]
fn nothing_but_a_401_is_retried() {
    for (status, code) in [
        (400, ErrorCode::BadRequest),
        (403, ErrorCode::UnexpectedStatus),
        (429, ErrorCode::RateLimited),
        (500, ErrorCode::ServerError),
        (503, ErrorCode::ServerError),
    ] {
        let mut world = World::new();
        let client = logged_in(&mut world);
        let call = world.resend(Caller::Client(client), "a@example.com", None);
        world.answer(world.last_sent().send, status, "");
        assert_eq!(world.error(call).code(), code, "{status}");
        assert_eq!(world.sent_to("refresh_token").len(), 1, "{status}");
    }
    let mut world = World::new();
    let client = logged_in(&mut world);
    let call = world.confirm(Caller::Client(client), "second", None);
    world.drop_connection(world.last_sent().send);
    assert_eq!(
        world.error(call),
        &OptInError::Network {
            origin: BASE.into()
        }
    );
    assert_eq!(world.sent_to("/optin/second").len(), 1);
}

/// A client whose token was rejected, with its refresh under way.
fn refreshing(world: &mut World) -> (CallId, Sent) {
    let client = logged_in(world);
    let call = world.confirm(Caller::Client(client), "second", None);
    world.answer(world.last_sent().send, 401, FAULT);
    let refresh = world.last_sent().clone();
    assert!(is_refresh(&refresh));
    (call, refresh)
}

#[test]
fn a_refresh_refused_with_any_4xx_falls_back_to_a_login() {
    for status in [400, 401, 403, 404, 410, 499] {
        let mut world = World::new();
        let (call, refresh) = refreshing(&mut world);
        world.wait(5.0);
        world.answer(refresh.send, status, r#"{"status":400,"message":"no"}"#);
        let login = world.last_sent().clone();
        assert!(is_login(&login), "{status}");
        assert_eq!(login.at, refresh.at + 5.0);
        world.answer(login.send, 200, &grant("a3", 3600, "r3", 86400));
        let retry = world.last_sent().clone();
        assert_eq!(retry.bearer.as_deref(), Some("a3"), "{status}");
        world.answer(retry.send, 200, &customer("c3"));
        assert_eq!(world.access_token(call), "c3", "{status}");
    }
}

#[test]
fn a_refresh_failing_otherwise_rejects_without_a_login() {
    for (status, code) in [
        (429, ErrorCode::RateLimited),
        (500, ErrorCode::ServerError),
        (503, ErrorCode::ServerError),
        (302, ErrorCode::UnexpectedStatus),
    ] {
        let mut world = World::new();
        let (call, refresh) = refreshing(&mut world);
        world.answer(refresh.send, status, "");
        assert_eq!(world.error(call).code(), code, "{status}");
        assert_eq!(world.sent.iter().filter(|s| is_login(s)).count(), 1);
    }
    let mut world = World::new();
    let (call, refresh) = refreshing(&mut world);
    world.drop_connection(refresh.send);
    assert_eq!(world.error(call).code(), ErrorCode::Network);

    // A refresh that never answers: the client's timeoutMs, as an anonymous login.
    let mut world = World::new();
    let client = logged_in(&mut world);
    let call = world.confirm(Caller::Client(client), "second", Some(60_000.0));
    world.wait(10.0);
    world.answer(world.last_sent().send, 401, FAULT);
    let refresh = world.last_sent().clone();
    world.wait(15_000.0);
    assert_eq!(
        world.error(call),
        &OptInError::Timeout {
            operation: Operation::AnonymousLogin,
            timeout_ms: 15_000
        }
    );
    assert!(world.cancelled.contains(&refresh.send));
    assert!(world.hub.is_idle());
}

#[test]
fn a_login_that_fails_after_a_refused_refresh_is_the_error() {
    let mut world = World::new();
    let (call, refresh) = refreshing(&mut world);
    world.answer(refresh.send, 400, "");
    world.answer(world.last_sent().send, 401, FAULT);
    assert_eq!(world.error(call).code(), ErrorCode::Unauthorized);
    // One refresh and one login at most.
    assert_eq!(world.sent.iter().filter(|s| is_refresh(s)).count(), 1);
    assert_eq!(world.sent.iter().filter(|s| is_login(s)).count(), 2);
}

#[test]
fn a_rate_limited_refresh_keeps_the_session_for_a_later_refresh() {
    let mut world = World::new();
    let (call, refresh) = refreshing(&mut world);
    world.answer(refresh.send, 429, "");
    assert_eq!(world.error(call).code(), ErrorCode::RateLimited);
    world.wait(30_000.0);
    let client = ClientId(1);
    world.confirm(Caller::Client(client), "third", None);
    assert!(is_refresh(world.last_sent()));
}

#[test]
fn the_provider_is_asked_once_for_concurrent_calls_and_again_after_a_401() {
    let mut world = World::new();
    let client = world.provider_client(None);
    let first = world.confirm(Caller::Client(client), "t1", None);
    let second = world.confirm(Caller::Client(client), "t2", None);
    assert_eq!(world.asked.len(), 1);
    world.provide(world.asked[0].0, ProviderAnswer::Settled(Some("p1".into())));
    let sent = world.sent.clone();
    assert_eq!(sent.len(), 2);
    world.answer(sent[0].send, 200, &customer("c1"));
    world.answer(sent[1].send, 401, FAULT);
    assert_eq!(world.access_token(first), "c1");
    assert_eq!(world.asked.len(), 2, "asked again after the 401");
    world.provide(world.asked[1].0, ProviderAnswer::Settled(Some("p2".into())));
    assert_eq!(world.last_sent().bearer.as_deref(), Some("p2"));
    world.answer(world.last_sent().send, 200, &customer("c2"));
    assert_eq!(world.access_token(second), "c2");
}

#[test]
fn provider_failures_are_invalid_input_with_the_cause_named() {
    for (answer, problem, cause) in [
        (ProviderAnswer::Threw, "threw", true),
        (ProviderAnswer::Rejected, "rejected", true),
        (ProviderAnswer::Settled(None), "string", false),
        (ProviderAnswer::Settled(Some(String::new())), "empty", false),
        (
            ProviderAnswer::Settled(Some("Bearer x".into())),
            "Bearer",
            false,
        ),
    ] {
        let mut world = World::new();
        let client = world.provider_client(None);
        let a = world.confirm(Caller::Client(client), "t1", None);
        let b = world.resend(Caller::Client(client), "a@example.com", None);
        let ask = world.asked[0].0;
        world.provide(ask, answer);
        for call in [a, b] {
            let Err(failed) = world.result(call) else {
                panic!("{problem}: expected an error");
            };
            assert_eq!(failed.error.code(), ErrorCode::InvalidInput);
            assert!(
                failed.error.to_string().contains(problem),
                "{}",
                failed.error
            );
            assert_eq!(failed.cause, cause.then_some(ask), "{problem}");
        }
        assert!(world.sent.is_empty());
    }
}

#[test]
fn a_provider_that_never_settles_gets_the_clients_timeout_and_then_another_turn() {
    let mut world = World::new();
    let client = world.provider_client(Some(200.0));
    let call = world.confirm(Caller::Client(client), "t1", Some(5000.0));
    world.wait(200.0);
    let error = world.error(call);
    assert!(error.to_string().contains("did not settle"), "{error}");
    assert_eq!(world.outcome(call).0, T0 + 200.0);
    // A late answer is ignored; the next call asks again.
    let late = world.asked[0].0;
    world.provide(late, ProviderAnswer::Settled(Some("late".into())));
    assert!(world.sent.is_empty());
    world.confirm(Caller::Client(client), "t1", None);
    assert_eq!(world.asked.len(), 2);
}

#[test]
fn a_renewal_caches_the_session_even_when_its_callers_left() {
    let mut world = World::new();
    let client = world.login_client(None);
    let call = world.confirm(Caller::Client(client), "t1", Some(100.0));
    let login = world.last_sent().clone();
    world.wait(100.0);
    assert_eq!(world.error(call).code(), ErrorCode::Timeout);
    assert!(!world.cancelled.contains(&login.send));
    world.answer(login.send, 200, &grant("a1", 3600, "r1", 86400));
    world.confirm(Caller::Client(client), "t2", None);
    assert_eq!(world.last_sent().bearer.as_deref(), Some("a1"));
    assert_eq!(world.sent.iter().filter(|s| is_login(s)).count(), 1);
}

#[test]
fn a_released_client_is_forgotten_after_its_last_exchange() {
    let mut world = World::new();
    let client = world.login_client(None);
    let call = world.confirm(Caller::Client(client), "t1", None);
    world.hub.release(client);
    world.drain();
    // Still served: the exchange needs the client.
    world.answer(world.last_sent().send, 200, &grant("a1", 3600, "r1", 86400));
    world.answer(world.last_sent().send, 200, &customer("c1"));
    assert_eq!(world.access_token(call), "c1");
    let refused = world
        .hub
        .confirm(Caller::Client(client), "t2", None, false, world.now);
    assert!(refused.is_err());
    assert!(world.hub.is_idle());
}

// ---- sharing and every caller's own clock ---------------------------------

#[test]
fn concurrent_confirms_of_one_token_share_one_request_across_functions_and_clients() {
    let mut world = World::new();
    let client = world
        .hub
        .add_client(ClientConfig {
            tenant: "myshop",
            base_url: Some("https://api.emporix.io/"),
            timeout_ms: None,
            client_id: None,
            anonymous_token: Some(TokenSource::Token("other")),
            context: None,
        })
        .unwrap();
    let a = world.confirm(function_caller("anon"), "tok", None);
    let b = world.confirm(function_caller("anon"), "tok", None);
    let c = world.confirm(Caller::Client(client), "tok", None);
    assert_eq!(world.sent.len(), 1);
    world.answer(world.sent[0].send, 200, &customer("c1"));
    for call in [a, b, c] {
        assert_eq!(world.access_token(call), "c1");
    }
    // Settled exchanges are forgotten: the next call sends again.
    world.confirm(function_caller("anon"), "tok", None);
    assert_eq!(world.sent.len(), 2);
    // Other tokens, tenants or base URLs are other requests.
    world.confirm(function_caller("anon"), "tok2", None);
    assert_eq!(world.sent.len(), 3);
}

#[test]
fn a_shorter_timeout_rejects_its_caller_alone() {
    // Issue #10: A with timeoutMs 200 and B with the default, one token, a slow server.
    let mut world = World::new();
    let a = world.confirm(function_caller("anon"), "tok", Some(200.0));
    let b = world.confirm(function_caller("anon"), "tok", None);
    world.wait(199.0);
    assert!(world.is_pending(a));
    world.wait(1.0);
    assert_eq!(
        world.outcome(a),
        (
            T0 + 200.0,
            &Err(Failed::from(OptInError::Timeout {
                operation: Operation::ConfirmOptIn,
                timeout_ms: 200
            }))
        )
    );
    assert!(world.is_pending(b));
    assert!(world.cancelled.is_empty());
    world.wait(2800.0);
    world.answer(world.sent[0].send, 200, &customer("c1"));
    assert_eq!(world.access_token(b), "c1");
    assert_eq!(world.sent.len(), 1);
}

#[test]
fn a_caller_joining_after_the_first_timed_out_gets_the_request_under_way() {
    // Issue #10: B, with a signal and no timeout, starts just after A timed out.
    let mut world = World::new();
    let a = world.confirm(function_caller("anon"), "tok", Some(200.0));
    world.wait(200.0);
    assert_eq!(world.error(a).code(), ErrorCode::Timeout);
    world.wait(7.0);
    let b = world.confirm(function_caller("anon"), "tok", None);
    assert_eq!(world.sent.len(), 1, "joined, not sent again");
    world.wait(1000.0);
    assert!(world.is_pending(b));
    world.answer(world.sent[0].send, 200, &customer("c1"));
    assert_eq!(world.access_token(b), "c1");
}

#[test]
fn the_shared_request_runs_until_the_latest_callers_deadline_and_at_least_15_s() {
    let mut world = World::new();
    let a = world.confirm(function_caller("anon"), "tok", Some(10_000.0));
    world.wait(5_000.0);
    let b = world.confirm(function_caller("anon"), "tok", Some(20_000.0));
    world.wait(19_999.0);
    assert_eq!(world.outcome(a).0, T0 + 10_000.0);
    assert!(world.is_pending(b));
    assert!(world.cancelled.is_empty());
    world.wait(1.0);
    assert_eq!(
        world.outcome(b),
        (
            T0 + 25_000.0,
            &Err(Failed::from(OptInError::Timeout {
                operation: Operation::ConfirmOptIn,
                timeout_ms: 20_000
            }))
        )
    );
    assert_eq!(world.cancelled, vec![world.sent[0].send]);
    assert!(world.hub.is_idle());

    // Alone with a short timeout, the request still runs for 15 s.
    let mut world = World::new();
    world.confirm(function_caller("anon"), "tok", Some(200.0));
    world.wait(14_999.0);
    assert!(world.cancelled.is_empty());
    world.wait(1.0);
    assert_eq!(world.cancelled, vec![world.sent[0].send]);
    assert!(world.hub.is_idle());
}

#[test]
fn the_shared_request_stops_600_seconds_after_it_started() {
    let mut world = World::new();
    world.confirm(function_caller("anon"), "tok", Some(600_000.0));
    world.wait(500_000.0);
    let late = world.confirm(function_caller("anon"), "tok", Some(600_000.0));
    world.wait(100_000.0);
    assert_eq!(
        world.outcome(late),
        (
            T0 + 600_000.0,
            &Err(Failed::from(OptInError::Timeout {
                operation: Operation::ConfirmOptIn,
                timeout_ms: 600_000
            }))
        )
    );
    assert!(world.hub.is_idle());
}

#[test]
fn an_abort_rejects_only_its_caller_and_the_request_runs_on() {
    let mut world = World::new();
    let a = world.confirm(function_caller("anon"), "tok", None);
    let b = world.confirm(function_caller("anon"), "tok", None);
    world.wait(50.0);
    world.abort(a);
    assert_eq!(world.error(a), &OptInError::Aborted);
    assert!(world.is_pending(b));
    world.abort(b);
    assert!(
        world.cancelled.is_empty(),
        "a confirmation is never cancelled"
    );
    // StrictMode's second effect joins the request still under way.
    let c = world.confirm(function_caller("anon"), "tok", None);
    world.answer(world.sent[0].send, 200, &customer("c1"));
    assert_eq!(world.access_token(c), "c1");
    assert_eq!(world.sent.len(), 1);
    // Aborting a settled call changes nothing.
    world.abort(c);
    assert_eq!(world.access_token(c), "c1");
}

#[test]
fn an_aborted_resend_is_cancelled_and_an_already_aborted_call_sends_nothing() {
    let mut world = World::new();
    let call = world.resend(function_caller("anon"), "a@example.com", None);
    world.abort(call);
    assert_eq!(world.error(call), &OptInError::Aborted);
    assert_eq!(world.cancelled, vec![world.sent[0].send]);
    // Its late answer is ignored.
    world.answer(world.sent[0].send, 202, "");
    assert_eq!(world.settled.len(), 1);

    for resend in [false, true] {
        let mut world = World::new();
        let caller = function_caller("anon");
        let call = if resend {
            world
                .hub
                .resend(caller, "a@example.com", None, true, world.now)
        } else {
            world.hub.confirm(caller, "tok", None, true, world.now)
        }
        .unwrap();
        world.drain();
        assert_eq!(world.error(call), &OptInError::Aborted);
        assert!(world.sent.is_empty());
        assert!(world.hub.is_idle());
    }
}

#[test]
fn a_resend_times_out_on_its_own_deadline() {
    let mut world = World::new();
    let call = world.resend(function_caller("anon"), "a@example.com", Some(300.0));
    world.wait(300.0);
    assert_eq!(
        world.error(call),
        &OptInError::Timeout {
            operation: Operation::ResendActivation,
            timeout_ms: 300
        }
    );
    assert_eq!(world.cancelled, vec![world.sent[0].send]);
}

#[test]
fn an_answer_in_hand_wins_over_a_timer_due_at_the_same_instant() {
    let mut world = World::new();
    let call = world.confirm(function_caller("anon"), "tok", Some(200.0));
    world.now += 200.0;
    world.answer(world.sent[0].send, 200, &customer("c1"));
    world.hub.handle_timeout(world.now);
    world.drain();
    assert_eq!(world.access_token(call), "c1");
}

#[test]
fn invalid_options_send_nothing_and_name_their_field() {
    let mut world = World::new();
    let bad = |result: Result<CallId, OptInError>| match result {
        Err(OptInError::InvalidInput { field, .. }) => field,
        other => panic!("expected invalid input, got {other:?}"),
    };
    let caller = |tenant| Caller::Token {
        tenant,
        base_url: None,
        anonymous_token: "anon",
    };
    let now = world.now;
    assert_eq!(
        bad(world.hub.confirm(caller("X"), "", None, false, now)),
        "tenant"
    );
    assert_eq!(
        bad(world
            .hub
            .confirm(caller("myshop"), "", Some(0.0), false, now)),
        "timeoutMs"
    );
    assert_eq!(
        bad(world.hub.confirm(caller("myshop"), "", None, false, now)),
        "token"
    );
    assert_eq!(
        bad(world.hub.resend(caller("myshop"), "nope", None, false, now)),
        "email"
    );
    let client = world.login_client(None);
    assert_eq!(
        bad(world
            .hub
            .confirm(Caller::Client(client), "", Some(0.0), false, now)),
        "token"
    );
    assert_eq!(
        bad(world
            .hub
            .confirm(Caller::Client(client), "t", Some(0.0), false, now)),
        "timeoutMs"
    );
    world.drain();
    assert!(world.sent.is_empty() && world.settled.is_empty());
    assert!(world.hub.is_idle());

    let config = |client_id, anonymous_token| ClientConfig {
        tenant: "myshop",
        base_url: None,
        timeout_ms: None,
        client_id,
        anonymous_token,
        context: None,
    };
    let field = |result: Result<ClientId, OptInError>| match result {
        Err(OptInError::InvalidInput { field, .. }) => field,
        other => panic!("expected invalid input, got {other:?}"),
    };
    assert_eq!(field(world.hub.add_client(config(None, None))), "clientId");
    assert_eq!(
        field(
            world
                .hub
                .add_client(config(Some("id"), Some(TokenSource::Provider)))
        ),
        "anonymousToken"
    );
    assert_eq!(
        field(world.hub.add_client(config(Some("a b"), None))),
        "clientId"
    );
}

// ---- properties -----------------------------------------------------------

mod properties {
    //! Random callers (a function and two clients, shared or distinct tokens,
    //! timeouts 1–600000, aborts at random times) against a server answering
    //! each request with a random outcome after a random latency.

    use super::*;
    use emporix_optin::validate::MAX_TIMEOUT_MS;
    use proptest::prelude::*;
    use std::collections::BTreeMap;

    /// What the server (or the token provider) does with one request.
    #[derive(Debug, Clone, Copy)]
    enum Reply {
        Status(u16),
        Network,
        Never,
    }

    fn reply() -> impl Strategy<Value = Reply> {
        prop_oneof![
            5 => Just(Reply::Status(200)),
            1 => Just(Reply::Status(202)),
            1 => Just(Reply::Status(400)),
            3 => Just(Reply::Status(401)),
            1 => Just(Reply::Status(403)),
            1 => Just(Reply::Status(404)),
            1 => Just(Reply::Status(429)),
            1 => Just(Reply::Status(503)),
            1 => Just(Reply::Network),
            1 => Just(Reply::Never),
        ]
    }

    #[derive(Debug, Clone)]
    struct Start {
        at: f64,
        /// 0: the function; 1: the login client; 2: the provider client.
        who: u8,
        resend: bool,
        token: u8,
        timeout_ms: Option<f64>,
        abort_after: Option<f64>,
    }

    fn start() -> impl Strategy<Value = Start> {
        (
            0u32..3_000,
            0u8..3,
            prop::bool::weighted(0.25),
            0u8..3,
            prop_oneof![
                1 => Just(None),
                2 => (1u32..4_000).prop_map(|ms| Some(f64::from(ms))),
                1 => (1u32..=600_000).prop_map(|ms| Some(f64::from(ms))),
            ],
            prop::option::weighted(0.3, 0u32..4_000),
        )
            .prop_map(|(at, who, resend, token, timeout_ms, abort_after)| Start {
                at: f64::from(at),
                who,
                resend,
                token,
                timeout_ms,
                abort_after: abort_after.map(f64::from),
            })
    }

    /// Callers, and the outcome and latency of the n-th request or provider
    /// call the hub asks for (cycled).
    #[derive(Debug, Clone)]
    struct Schedule {
        starts: Vec<Start>,
        replies: Vec<(Reply, f64)>,
    }

    fn schedule() -> impl Strategy<Value = Schedule> {
        (
            prop::collection::vec(start(), 1..10),
            prop::collection::vec((reply(), (0u32..5_000).prop_map(f64::from)), 1..30),
        )
            .prop_map(|(starts, replies)| Schedule { starts, replies })
    }

    /// A call as its caller made it.
    #[derive(Debug)]
    struct Made {
        started: f64,
        deadline: f64,
        timeout_ms: u32,
        abort_at: Option<f64>,
        /// The confirm URL's token, or `None` for a resend.
        token: Option<String>,
    }

    struct Run {
        world: World,
        made: BTreeMap<CallId, Made>,
        /// Every input and output, in order, for the replay check.
        log: Vec<String>,
    }

    fn run(schedule: &Schedule) -> Run {
        let mut world = World::new();
        let login = world.login_client(None);
        let provider = world.provider_client(Some(5_000.0));
        let mut made = BTreeMap::new();
        let mut log = Vec::new();
        let mut starts = schedule.starts.clone();
        starts.sort_by(|a, b| a.at.total_cmp(&b.at));
        let mut starts = starts.into_iter().peekable();
        // (due, send, reply, is a provider call)
        let mut due: Vec<(f64, SendId, Reply, bool)> = Vec::new();
        let mut aborts: Vec<(f64, CallId)> = Vec::new();
        let mut replies = schedule.replies.iter().cycle();
        let (mut seen_sent, mut seen_asked) = (0, 0);
        for step in 0.. {
            // A few callers need a few dozen steps; thousands mean a loop.
            assert!(step < 5_000, "the hub keeps asking for more");
            for sent in &world.sent[seen_sent..] {
                let (reply, latency) = *replies.next().unwrap();
                due.push((world.now + latency, sent.send, reply, false));
            }
            seen_sent = world.sent.len();
            for (send, _) in &world.asked[seen_asked..] {
                let (reply, latency) = *replies.next().unwrap();
                due.push((world.now + latency, *send, reply, true));
            }
            seen_asked = world.asked.len();
            // A cancelled request is never answered.
            due.retain(|d| !world.cancelled.contains(&d.1));

            let next_answer = due
                .iter()
                .filter(|d| !matches!(d.2, Reply::Never))
                .map(|d| d.0)
                .reduce(f64::min);
            let next_abort = aborts.iter().map(|a| a.0).reduce(f64::min);
            let next_start = starts.peek().map(|s| T0 + s.at);
            let next_timer = world.hub.poll_timeout();
            let Some(next) = [next_answer, next_abort, next_timer, next_start]
                .into_iter()
                .flatten()
                .reduce(f64::min)
            else {
                break;
            };
            assert!(next >= world.now, "time runs forward");
            world.now = next;
            // At one instant: answers, then aborts, then timers, then new calls.
            if next_answer == Some(next) {
                let at = due
                    .iter()
                    .position(|d| d.0 == next && !matches!(d.2, Reply::Never))
                    .unwrap();
                let (_, send, reply, provider_call) = due.remove(at);
                log.push(format!("{next} answer {send:?} {reply:?}"));
                if provider_call {
                    let answer = match reply {
                        Reply::Status(200..=299) => ProviderAnswer::Settled(Some("p".into())),
                        Reply::Status(401) => ProviderAnswer::Settled(Some(format!("p{next}"))),
                        Reply::Status(400) => ProviderAnswer::Settled(None),
                        Reply::Network => ProviderAnswer::Threw,
                        _ => ProviderAnswer::Rejected,
                    };
                    world.provide(send, answer);
                } else if let Reply::Status(status) = reply {
                    let auth = world
                        .sent
                        .iter()
                        .any(|s| s.send == send && s.bearer.is_none());
                    let body = if auth {
                        grant(&format!("a{next}"), 3600, "r", 86400)
                    } else {
                        customer("c")
                    };
                    world.answer(send, status, &body);
                } else {
                    world.drop_connection(send);
                }
            } else if next_abort == Some(next) {
                let at = aborts.iter().position(|a| a.0 == next).unwrap();
                let (_, call) = aborts.remove(at);
                log.push(format!("{next} abort {call:?}"));
                world.abort(call);
            } else if next_timer == Some(next) {
                log.push(format!("{next} timer"));
                world.hub.handle_timeout(next);
                world.drain();
            } else {
                let start = starts.next().unwrap();
                let caller = match start.who {
                    0 => function_caller("anon"),
                    1 => Caller::Client(login),
                    _ => Caller::Client(provider),
                };
                let token = format!("tok{}", start.token);
                let call = if start.resend {
                    world
                        .hub
                        .resend(caller, "a@example.com", start.timeout_ms, false, next)
                } else {
                    world
                        .hub
                        .confirm(caller, &token, start.timeout_ms, false, next)
                }
                .expect("valid options");
                world.drain();
                log.push(format!("{next} call {call:?} {start:?}"));
                let timeout_ms = match (start.timeout_ms, start.who) {
                    (Some(ms), _) => ms as u32,
                    (None, 2) => 5_000,
                    (None, _) => 15_000,
                };
                let abort_at = start.abort_after.map(|after| next + after);
                if let Some(at) = abort_at {
                    aborts.push((at, call));
                }
                made.insert(
                    call,
                    Made {
                        started: next,
                        deadline: next + f64::from(timeout_ms),
                        timeout_ms,
                        abort_at,
                        token: (!start.resend).then_some(token),
                    },
                );
            }
        }
        for (call, at, result) in &world.settled {
            log.push(format!("settled {call:?} {at} {result:?}"));
        }
        for sent in &world.sent {
            log.push(format!(
                "sent {:?} {} {:?} {:?}",
                sent.send, sent.at, sent.request.url, sent.bearer
            ));
        }
        Run { world, made, log }
    }

    /// When `send` ended and how.
    fn end(world: &World, send: SendId) -> Option<(f64, Option<u16>)> {
        world.ended.iter().find(|e| e.0 == send).map(|e| (e.1, e.2))
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(3_000))]

        #[test]
        fn every_caller_settles_exactly_once_by_its_own_clock(schedule in schedule()) {
            let Run { world, made, .. } = run(&schedule);
            // Once at most (`drain` panics on a second), and at least once.
            prop_assert_eq!(world.settled.len(), made.len());
            for (call, at, result) in &world.settled {
                let made = &made[call];
                prop_assert!(*at >= made.started);
                prop_assert!(*at <= made.deadline, "{:?} settled at {} after its deadline {}", call, at, made.deadline);
                if let Some(abort) = made.abort_at {
                    prop_assert!(*at <= abort, "{:?} outlived its own abort", call);
                }
                match result {
                    // Aborted only by its own signal, when it fired.
                    Err(Failed { error: OptInError::Aborted, .. }) => {
                        prop_assert_eq!(Some(*at), made.abort_at);
                    }
                    // A timeout is its own `timeoutMs`, at its own deadline
                    // (or the shared request's 600 s bound, which is earlier).
                    Err(Failed { error: OptInError::Timeout { operation, timeout_ms }, .. })
                        if *operation != Operation::AnonymousLogin =>
                    {
                        let own = *timeout_ms == made.timeout_ms && *at == made.deadline;
                        let bound = *timeout_ms == MAX_TIMEOUT_MS
                            && *at < made.deadline
                            && *at - made.started < f64::from(MAX_TIMEOUT_MS);
                        prop_assert!(own || bound, "{:?}: {:?} at {}, own {:?}", call, result, at, made);
                    }
                    _ => {}
                }
            }
        }

        #[test]
        fn one_confirmation_in_flight_per_url_and_one_retry_after_a_401_only(schedule in schedule()) {
            let Run { world, made, .. } = run(&schedule);
            for token in ["tok0", "tok1", "tok2"] {
                let url = format!("/signup/optin/{token}");
                let sent: Vec<&Sent> = world.sent.iter().filter(|s| s.request.url.ends_with(&url)).collect();
                let mut tries = 0;
                for (i, request) in sent.iter().enumerate() {
                    let started_between = |from: f64| made.values().any(|m| {
                        m.token.as_deref() == Some(token) && m.started >= from && m.started <= request.at
                    });
                    if i == 0 {
                        tries = 1;
                        continue;
                    }
                    let (ended_at, how) = end(&world, sent[i - 1].send)
                        .expect("a request still in flight when the next one was sent");
                    prop_assert!(ended_at <= request.at, "two requests to {} in flight at once", url);
                    // A function's own token is never retried; a client's is, once.
                    let renewable = sent[i - 1].bearer.as_deref() != Some("anon");
                    // A new exchange: a caller came after the last one's
                    // callers had all settled.
                    let fresh = started_between(ended_at)
                        && world.settled.iter().all(|(call, at, _)| {
                            let m = &made[call];
                            m.token.as_deref() != Some(token) || m.started > ended_at || *at <= request.at
                        });
                    if how == Some(401) && renewable && tries == 1 && !fresh {
                        tries = 2;
                    } else {
                        prop_assert!(started_between(ended_at), "request {} to {} sent again without a 401 or a new caller", i, url);
                        tries = 1;
                    }
                }
            }
        }

        #[test]
        fn one_renewal_at_a_time_and_a_login_after_a_refresh_only_on_a_4xx(schedule in schedule()) {
            let Run { world, .. } = run(&schedule);
            let auth: Vec<&Sent> = world.sent.iter().filter(|s| s.bearer.is_none()).collect();
            for pair in auth.windows(2) {
                let (ended_at, how) = end(&world, pair[0].send).expect("a renewal still in flight");
                prop_assert!(ended_at <= pair[1].at, "two renewals at once");
                if is_refresh(pair[0]) && is_login(pair[1]) {
                    let refused = how.is_some_and(|s| (400..500).contains(&s) && s != 429);
                    prop_assert!(refused && ended_at == pair[1].at, "a login after a refresh answered {:?}", how);
                }
            }
            let asked: Vec<SendId> = world.asked.iter().map(|a| a.0).collect();
            prop_assert!(asked.windows(2).all(|w| w[0] < w[1]));
        }

        #[test]
        fn the_hub_ends_idle_and_the_same_schedule_replays_the_same_outputs(schedule in schedule()) {
            let first = run(&schedule);
            prop_assert!(first.world.hub.is_idle(), "{:?}", first.world.hub);
            prop_assert_eq!(first.world.hub.poll_timeout(), None);
            prop_assert_eq!(first.log, run(&schedule).log);
        }
    }
}

//! The session context through the sans-IO engine: a client's login carries
//! it, its refresh does not (nor the deprecated `anonymous_token`), and a
//! context without `clientId` is refused before anything is sent; and, for
//! any values at all, each is either refused with its own field or arrives
//! in the login URL exactly as given.
#![cfg(not(target_arch = "wasm32"))]

use emporix_optin::context::{Given, Key, SessionContext};
use emporix_optin::engine::{Caller, ClientConfig, Hub, Output, SendId, TokenSource};
use emporix_optin::error::OptInError;
use emporix_optin::json::Json;
use emporix_optin::request::Target;
use emporix_optin::response::RawResponse;
use percent_encoding::percent_decode_str;
use proptest::prelude::*;

const T0: f64 = 1_800_000_000_000.0;

fn swiss() -> SessionContext {
    SessionContext::read(|key| {
        Given::Text(
            match key {
                Key::SiteCode => "ch",
                Key::Currency => "CHF",
                Key::Language => "de",
                Key::TargetLocation => "CH",
            }
            .to_owned(),
        )
    })
    .expect("a valid context")
}

fn config<'a>(context: Option<&'a SessionContext>) -> ClientConfig<'a> {
    ClientConfig {
        tenant: "myshop",
        base_url: None,
        timeout_ms: None,
        client_id: Some("storefront"),
        anonymous_token: None,
        context,
    }
}

/// The next request the hub wants sent: its id and URL.
fn next_fetch(hub: &mut Hub) -> (SendId, String) {
    while let Some(output) = hub.poll_output() {
        if let Output::Fetch { send, request, .. } = output {
            return (send, request.url);
        }
    }
    panic!("no request to send");
}

fn answer(hub: &mut Hub, send: SendId, status: u16, body: &str, now: f64) {
    let json: Option<Json> = serde_json::from_str(body).ok();
    let raw = RawResponse {
        status,
        retry_after: None,
        text: body,
        json: json.as_ref(),
        now_unix_secs: now / 1000.0,
    };
    hub.on_response(send, Some(&raw), now);
}

#[test]
fn the_login_carries_the_context_and_the_refresh_neither_it_nor_the_access_token() {
    let context = swiss();
    let mut hub = Hub::new();
    let client = hub.add_client(config(Some(&context))).expect("valid");

    hub.confirm(Caller::Client(client), "tok", None, false, T0)
        .expect("valid");
    let (login, url) = next_fetch(&mut hub);
    assert_eq!(
        url,
        "https://api.emporix.io/customerlogin/auth/anonymous/login?tenant=myshop&client_id=storefront&siteCode=ch&currency=CHF&language=de&targetLocation=CH"
    );
    answer(
        &mut hub,
        login,
        200,
        r#"{"access_token":"at1","expires_in":3599,"refresh_token":"rt","refresh_token_expires_in":86399}"#,
        T0,
    );
    let (confirm, url) = next_fetch(&mut hub);
    assert!(url.ends_with("/customer/myshop/signup/optin/tok"), "{url}");
    answer(&mut hub, confirm, 200, r#"{"access_token":"customer"}"#, T0);

    // An hour later the access token is refreshed, without the context.
    let later = T0 + 3_600_000.0;
    hub.confirm(Caller::Client(client), "tok2", None, false, later)
        .expect("valid");
    let (_, url) = next_fetch(&mut hub);
    assert_eq!(
        url,
        "https://api.emporix.io/customerlogin/auth/anonymous/refresh?tenant=myshop&client_id=storefront&refresh_token=rt"
    );
    assert!(!url.contains("anonymous_token") && !url.contains("at1"));
}

#[test]
fn without_a_context_the_login_has_no_context_parameters() {
    let mut hub = Hub::new();
    let client = hub.add_client(config(None)).expect("valid");
    hub.confirm(Caller::Client(client), "tok", None, false, T0)
        .expect("valid");
    let (_, url) = next_fetch(&mut hub);
    assert!(
        url.ends_with("?tenant=myshop&client_id=storefront"),
        "{url}"
    );
}

#[test]
fn a_context_needs_a_client_id() {
    let context = swiss();
    let mut hub = Hub::new();
    let refused = hub.add_client(ClientConfig {
        client_id: None,
        anonymous_token: Some(TokenSource::Token("anon")),
        ..config(Some(&context))
    });
    match refused {
        Err(OptInError::InvalidInput { field, problem }) => {
            assert_eq!(field, "context");
            assert!(problem.contains("clientId"), "{problem}");
        }
        other => panic!("expected invalid context, got {other:?}"),
    }
    assert!(hub.poll_output().is_none(), "nothing to send");
}

/// Values near the rules' edges, and anything at all.
fn value() -> impl Strategy<Value = String> {
    prop_oneof![
        "[A-Z]{2,3}",
        "[A-Za-z]{2,3}([-_][A-Za-z0-9]{1,9}){0,2}",
        "[a-z0-9_-]{0,130}",
        any::<String>(),
    ]
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(5_000))]

    #[test]
    fn every_value_is_refused_with_its_field_or_sent_exactly(
        values in proptest::collection::vec(proptest::option::of(value()), 4)
    ) {
        let given = |key: Key| {
            let index = Key::ALL.iter().position(|k| *k == key).unwrap();
            values[index].clone().map_or(Given::Absent, Given::Text)
        };
        let target = Target::new("myshop", None).unwrap();
        let login = emporix_optin::anonymous::AnonymousLogin::new(&target, "storefront").unwrap();
        match SessionContext::read(given) {
            Err(OptInError::InvalidInput { field, .. }) => {
                // The field is the first key, in order, whose value alone is
                // refused: every key before it is fine on its own.
                let alone = |key: Key| SessionContext::read(|k| if k == key { given(k) } else { Given::Absent });
                let at = Key::ALL.iter().position(|k| k.field() == field);
                prop_assert!(at.is_some(), "field {field}");
                let at = at.unwrap();
                prop_assert!(alone(Key::ALL[at]).is_err(), "{field} alone");
                for key in &Key::ALL[..at] {
                    prop_assert!(alone(*key).is_ok(), "{key:?} alone");
                }
            }
            Err(other) => prop_assert!(false, "unexpected {other:?}"),
            Ok(context) => {
                let url = login.with_context(context).login().url;
                let query = url.split_once('?').unwrap().1;
                let mut pairs = query.split('&').map(|pair| pair.split_once('=').unwrap());
                prop_assert_eq!(pairs.next(), Some(("tenant", "myshop")));
                prop_assert_eq!(pairs.next(), Some(("client_id", "storefront")));
                let sent: Vec<(String, String)> = pairs
                    .map(|(name, value)| {
                        (name.to_owned(), percent_decode_str(value).decode_utf8().unwrap().into_owned())
                    })
                    .collect();
                let expected: Vec<(String, String)> = Key::ALL
                    .iter()
                    .zip(&values)
                    .filter_map(|(key, value)| Some((key.name().to_owned(), value.clone()?)))
                    .collect();
                prop_assert_eq!(sent, expected);
            }
        }
    }
}

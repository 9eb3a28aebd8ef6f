//! The hostile-input table, `hostile-cases.json`, against the pure core.
//!
//! Every case the core can receive natively (text for the string options, a
//! number for `timeoutMs`) must be rejected under its own field, or build
//! exactly the expected request. The cases only JavaScript can express (wrong
//! types, `null`, a missing options object, unknown keys) and the link
//! helpers run in Chromium, with the rest, in `hostile.test.mjs`.
#![cfg(not(target_arch = "wasm32"))]

use emporix_optin::error::OptInError;
use emporix_optin::request::{ApiRequest, Target};
use emporix_optin::validate;
use serde_json::{Map, Value};

const TABLE: &str = include_str!("hostile-cases.json");

/// Values for the table's placeholders; any will do natively.
const PLACEHOLDERS: [(&str, &str); 6] = [
    ("{u}", "u7q2"),
    ("{U}", "U7Q2"),
    ("{base}", "http://127.0.0.1:18580"),
    ("{port}", "18580"),
    ("{anon}", "anonymous-token"),
    ("{lab}", "http://localhost:18580"),
];

fn fill(text: &str) -> String {
    PLACEHOLDERS
        .iter()
        .fold(text.to_owned(), |text, (name, value)| {
            text.replace(name, value)
        })
}

/// A table value as the core receives it.
enum Input {
    Text(String),
    Number(f64),
}

/// `None` for values only JavaScript can pass (wrong types, `null`, `undefined`).
fn input(value: &Value) -> Option<Input> {
    match value {
        Value::String(text) => Some(Input::Text(fill(text))),
        Value::Number(number) => number.as_f64().map(Input::Number),
        Value::Object(special) => {
            if let Some(Value::String(unit)) = special.get("$repeat") {
                let times = special.get("times")?.as_u64()? as usize;
                let prefix = special.get("prefix").and_then(Value::as_str).unwrap_or("");
                return Some(Input::Text(fill(prefix) + &unit.repeat(times)));
            }
            match special.get("$number")?.as_str()? {
                "NaN" => Some(Input::Number(f64::NAN)),
                "Infinity" => Some(Input::Number(f64::INFINITY)),
                "-Infinity" => Some(Input::Number(f64::NEG_INFINITY)),
                _ => None,
            }
        }
        _ => None,
    }
}

/// The options of a case, or `None` when the core cannot receive them.
struct Options {
    call: String,
    tenant: String,
    anonymous_token: String,
    base_url: String,
    token: String,
    email: String,
    timeout_ms: Option<f64>,
}

fn options(defaults: &Map<String, Value>, case: &Value) -> Option<Options> {
    let call = case["call"].as_str()?;
    if !matches!(call, "confirmOptIn" | "resendActivation") || case.get("options").is_some() {
        return None;
    }
    let mut merged = defaults.clone();
    if let Some(Value::Object(set)) = case.get("set") {
        merged.extend(set.clone());
    }
    let text = |key: &str| match input(merged.get(key)?)? {
        Input::Text(text) => Some(text),
        Input::Number(_) => None,
    };
    let timeout_ms = match merged.get("timeoutMs") {
        None => None,
        Some(value) => match input(value)? {
            Input::Number(number) => Some(number),
            Input::Text(_) => return None,
        },
    };
    const KNOWN: [&str; 6] = [
        "tenant",
        "anonymousToken",
        "baseUrl",
        "token",
        "email",
        "timeoutMs",
    ];
    if merged.keys().any(|key| !KNOWN.contains(&key.as_str())) {
        return None;
    }
    Some(Options {
        call: call.to_owned(),
        tenant: text("tenant")?,
        anonymous_token: text("anonymousToken")?,
        base_url: text("baseUrl")?,
        token: text("token")?,
        email: text("email")?,
        timeout_ms,
    })
}

/// What the edge does with the options, in its order, minus the sending.
fn prepare(options: &Options) -> Result<(ApiRequest, u32), OptInError> {
    validate::anonymous_token(&options.anonymous_token)?;
    let target = Target::new(&options.tenant, Some(&options.base_url))?;
    let timeout = validate::timeout_ms(options.timeout_ms)?;
    let request = match options.call.as_str() {
        "confirmOptIn" => target.confirm_opt_in(&options.token)?,
        _ => target.resend_activation(&options.email)?,
    };
    Ok((request, timeout))
}

/// Why `case` failed, if it did.
fn check(case: &Value, options: &Options) -> Option<String> {
    let expect = &case["expect"];
    let outcome = prepare(options);
    if let Some(field) = expect.get("invalid").and_then(Value::as_str) {
        return match outcome {
            Err(OptInError::InvalidInput { field: got, .. }) if got == field => None,
            other => Some(format!("expected invalid `{field}`, got {other:?}")),
        };
    }
    let url = fill(expect["sent"].as_str().expect("`sent` or `invalid`"));
    let (request, timeout) = match outcome {
        Ok(built) => built,
        Err(error) => return Some(format!("expected a request to {url}, got {error:?}")),
    };
    if request.url != url {
        return Some(format!("sent to {} instead of {url}", request.url));
    }
    if let Some(expected) = expect.get("timeoutMs").and_then(Value::as_u64) {
        if u64::from(timeout) != expected {
            return Some(format!("timeout {timeout} instead of {expected}"));
        }
    }
    if options.call == "resendActivation" {
        let body: Option<Value> = request
            .body
            .as_deref()
            .and_then(|b| serde_json::from_str(b).ok());
        if body != Some(serde_json::json!({ "email": options.email })) {
            return Some(format!(
                "body {:?} does not carry the email as given",
                request.body
            ));
        }
    }
    None
}

#[test]
fn every_native_case_is_rejected_under_its_field_or_sent_exactly() {
    let table: Value = serde_json::from_str(TABLE).expect("hostile-cases.json is JSON");
    let defaults = table["defaults"].as_object().expect("defaults");
    let cases = table["cases"].as_array().expect("cases");
    let mut ran = 0;
    let mut failures = Vec::new();
    for case in cases {
        let Some(options) = options(defaults, case) else {
            continue;
        };
        ran += 1;
        if let Some(problem) = check(case, &options) {
            failures.push(format!("{} / {}: {problem}", case["field"], case["name"]));
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
    // Most of the table is plain text and numbers; should a change to the
    // table or to this reader skip them, the test must say so.
    assert!(
        ran >= 60,
        "only {ran} of {} cases ran natively",
        cases.len()
    );
}

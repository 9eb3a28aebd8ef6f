//! The documented response bodies, and lenient decoding of what Emporix
//! really sends.
//!
//! Real responses differ from the spec: some carry only the deprecated
//! camelCase fields, `initialPassword` arrives as a string or a boolean, and
//! `expires_in` as a number or a numeric string. Decoding accepts those forms.
//! Only `access_token` is essential: once the server has answered 200 the
//! opt-in token is spent, so an optional field of an unexpected type is
//! dropped rather than failing the whole activation.

use serde::{Serialize, Serializer};
use tsify::Tsify;

use crate::json::Json;
use crate::validate;

/// The new customer's session, returned by `confirmOptIn`.
///
/// Field names follow the Emporix API. Fields the server did not send are
/// absent (never `null`).
#[derive(Debug, Clone, PartialEq, Serialize, Tsify)]
pub struct CustomerToken {
    /// The customer's access token: send it as `Authorization: Bearer …` to customer endpoints.
    pub access_token: String,
    /// Lifetime of `access_token` in seconds.
    #[serde(skip_serializing_if = "Option::is_none", serialize_with = "seconds")]
    #[tsify(optional)]
    pub expires_in: Option<i64>,
    /// Token to obtain a new `access_token` when it expires.
    #[serde(skip_serializing_if = "Option::is_none")]
    #[tsify(optional)]
    pub refresh_token: Option<String>,
    /// Lifetime of `refresh_token` in seconds.
    #[serde(skip_serializing_if = "Option::is_none", serialize_with = "seconds")]
    #[tsify(optional)]
    pub refresh_token_expires_in: Option<i64>,
    /// Token type, normally `"Bearer"`.
    #[serde(skip_serializing_if = "Option::is_none")]
    #[tsify(optional)]
    pub token_type: Option<String>,
    /// Emporix session id.
    #[serde(skip_serializing_if = "Option::is_none")]
    #[tsify(optional)]
    pub session_id: Option<String>,
    /// The SaaS token identifying the customer to other Emporix services.
    #[serde(skip_serializing_if = "Option::is_none")]
    #[tsify(optional)]
    pub saas_token: Option<String>,
    /// Whether the login used a password created by an employee (sent by the
    /// server as a boolean or as the string `"true"`/`"false"`).
    #[serde(rename = "initialPassword", skip_serializing_if = "Option::is_none")]
    #[tsify(optional)]
    pub initial_password: Option<bool>,
}

/// A lifetime as a JavaScript number. The spec types lifetimes as int32, so
/// they are serialized as one when they fit and as an `f64` otherwise, which
/// is exact: [`integer`] keeps them within ±(2^53 − 1). Never through
/// `serialize_i64`: serde-wasm-bindgen's out-of-range error there formats the
/// number, which linked core's integer formatting into the wasm (about 870
/// bytes) for values the decoder never lets through.
fn seconds<S: Serializer>(value: &Option<i64>, serializer: S) -> Result<S::Ok, S::Error> {
    match *value {
        Some(seconds) => match i32::try_from(seconds) {
            Ok(int32) => serializer.serialize_i32(int32),
            Err(_) => serializer.serialize_f64(seconds as f64),
        },
        None => serializer.serialize_none(),
    }
}

/// One cause in an Emporix `ErrorMessage`.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Tsify)]
#[serde(rename_all = "camelCase")]
pub struct ErrorDetail {
    /// The request element causing the error, e.g. `email`.
    #[serde(skip_serializing_if = "Option::is_none")]
    #[tsify(optional)]
    pub field: Option<String>,
    /// Classification of the cause, e.g. `missing_value`.
    #[serde(rename = "type", skip_serializing_if = "Option::is_none")]
    #[tsify(optional)]
    pub error_type: Option<String>,
    /// Emporix's description, for debugging.
    #[serde(skip_serializing_if = "Option::is_none")]
    #[tsify(optional)]
    pub message: Option<String>,
    /// A link or hint for further investigation.
    #[serde(skip_serializing_if = "Option::is_none")]
    #[tsify(optional)]
    pub more_info: Option<String>,
}

/// Emporix's `ErrorMessage` body of a 400.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct ErrorMessage {
    /// Classification of the error, e.g. `validation_failure`.
    pub error_type: Option<String>,
    /// Description for debugging.
    pub message: Option<String>,
    /// Further information.
    pub more_info: Option<String>,
    /// The individual causes, when the body listed any.
    pub details: Option<Vec<ErrorDetail>>,
}

/// The fault body of a 401: `{"fault":{"faultstring":…,"detail":{"errorcode":…}}}`.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Fault {
    /// `fault.faultstring`.
    pub faultstring: Option<String>,
    /// `fault.detail.errorcode`.
    pub errorcode: Option<String>,
}

/// Why a 2xx body could not become a [`CustomerToken`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TokenProblem {
    /// The body is not a JSON object.
    NotAnObject,
    /// Neither `access_token` nor `accessToken` is a non-empty string.
    MissingAccessToken,
}

impl TokenProblem {
    /// A phrase that completes "Emporix answered HTTP 200 but …".
    pub fn describe(self) -> &'static str {
        match self {
            TokenProblem::NotAnObject => "the body is not a JSON object",
            TokenProblem::MissingAccessToken => "the body has no `access_token`",
        }
    }
}

impl CustomerToken {
    /// Decodes a 200 body, preferring snake_case fields over their deprecated
    /// camelCase twins.
    pub fn decode(body: &Json) -> Result<CustomerToken, TokenProblem> {
        if !body.is_object() {
            return Err(TokenProblem::NotAnObject);
        }
        let text = |snake: &str, camel: Option<&str>| {
            non_empty_string(body.get(snake))
                .or_else(|| camel.and_then(|camel| non_empty_string(body.get(camel))))
        };
        let seconds = |snake: &str, camel: &str| {
            integer(body.get(snake)).or_else(|| integer(body.get(camel)))
        };
        Ok(CustomerToken {
            access_token: text("access_token", Some("accessToken"))
                .ok_or(TokenProblem::MissingAccessToken)?,
            expires_in: seconds("expires_in", "expiresIn"),
            refresh_token: text("refresh_token", Some("refreshToken")),
            refresh_token_expires_in: seconds("refresh_token_expires_in", "refreshTokenExpiresIn"),
            token_type: text("token_type", None),
            session_id: text("session_id", Some("sessionId")),
            saas_token: text("saas_token", Some("saasToken")),
            initial_password: flag(body.get("initialPassword")),
        })
    }
}

impl ErrorMessage {
    /// Decodes whatever part of an `ErrorMessage` the body holds; anything
    /// else (HTML, empty, wrong types) leaves fields empty.
    pub fn decode(body: Option<&Json>) -> ErrorMessage {
        let Some(body) = body.filter(|b| b.is_object()) else {
            return ErrorMessage::default();
        };
        let details = match body.get("details") {
            Some(Json::Array(items)) => {
                // A loop rather than `filter`/`map`/`collect`, whose
                // specialised collection code cost the wasm about 300 bytes.
                let mut details = Vec::new();
                for item in items {
                    if item.is_object() {
                        details.push(ErrorDetail {
                            field: string(item.get("field")),
                            error_type: string(item.get("type")),
                            message: string(item.get("message")),
                            more_info: string(item.get("moreInfo")),
                        });
                    }
                }
                Some(details)
            }
            _ => None,
        };
        ErrorMessage {
            error_type: string(body.get("type")),
            message: string(body.get("message")),
            more_info: string(body.get("moreInfo")),
            details,
        }
    }
}

impl Fault {
    /// Decodes the 401 fault body, if the body is one.
    pub fn decode(body: Option<&Json>) -> Fault {
        let fault = body.and_then(|b| b.get("fault"));
        Fault {
            faultstring: string(fault.and_then(|f| f.get("faultstring"))),
            errorcode: string(
                fault
                    .and_then(|f| f.get("detail"))
                    .and_then(|d| d.get("errorcode")),
            ),
        }
    }
}

fn string(value: Option<&Json>) -> Option<String> {
    value.and_then(Json::as_str).map(str::to_owned)
}

fn non_empty_string(value: Option<&Json>) -> Option<String> {
    string(value).filter(|s| !s.is_empty())
}

/// A whole number, given as a JSON number or a string of digits.
///
/// Strings are parsed as integers, not as `f64`: the spec types these fields as
/// int32, and `f64` parsing would link ~15 KB (gzip) of float-parsing tables
/// into the wasm for no real input (see bench/SIZE.md).
fn integer(value: Option<&Json>) -> Option<i64> {
    const MAX_SAFE: i64 = 9_007_199_254_740_991;
    match value? {
        // Only exactly representable whole numbers; `as` would saturate silently.
        Json::Number(n) => {
            (n.is_finite() && n.fract() == 0.0 && n.abs() <= MAX_SAFE as f64).then_some(*n as i64)
        }
        // What `str::parse::<i64>` accepts (an optional sign, then digits),
        // read by the core's one digit parser rather than another instance of
        // core's generic one.
        Json::String(s) => {
            let text = s.trim().as_bytes();
            let (negative, digits) = match text.split_first() {
                Some((b'-', digits)) => (true, digits),
                Some((b'+', digits)) => (false, digits),
                _ => (false, text),
            };
            let magnitude = validate::decimal(digits).filter(|&n| n <= MAX_SAFE as u64)? as i64;
            Some(if negative { -magnitude } else { magnitude })
        }
        _ => None,
    }
}

/// A boolean, given as a JSON boolean or the string `"true"`/`"false"`.
// Out of line: inlined, its two case-insensitive compares measured 38 B
// gzip larger.
#[inline(never)]
fn flag(value: Option<&Json>) -> Option<bool> {
    match value? {
        Json::Bool(b) => Some(*b),
        Json::String(s) if s.eq_ignore_ascii_case("true") => Some(true),
        Json::String(s) if s.eq_ignore_ascii_case("false") => Some(false),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn json(text: &str) -> Json {
        serde_json::from_str(text).unwrap()
    }

    #[test]
    fn decodes_the_documented_snake_case_shape() {
        let token = CustomerToken::decode(&json(
            r#"{"access_token":"at","expires_in":3599,"refresh_token":"rt",
                "refresh_token_expires_in":86399,"token_type":"Bearer",
                "session_id":"sid","saas_token":"st","initialPassword":"false"}"#,
        ))
        .unwrap();
        assert_eq!(
            token,
            CustomerToken {
                access_token: "at".into(),
                expires_in: Some(3599),
                refresh_token: Some("rt".into()),
                refresh_token_expires_in: Some(86399),
                token_type: Some("Bearer".into()),
                session_id: Some("sid".into()),
                saas_token: Some("st".into()),
                initial_password: Some(false),
            }
        );
    }

    #[test]
    fn falls_back_to_deprecated_camel_case_twins() {
        let token = CustomerToken::decode(&json(
            r#"{"accessToken":"at","expiresIn":60,"refreshToken":"rt",
                "refreshTokenExpiresIn":120,"saasToken":"st","sessionId":"sid"}"#,
        ))
        .unwrap();
        assert_eq!(token.access_token, "at");
        assert_eq!(token.expires_in, Some(60));
        assert_eq!(token.refresh_token.as_deref(), Some("rt"));
        assert_eq!(token.refresh_token_expires_in, Some(120));
        assert_eq!(token.saas_token.as_deref(), Some("st"));
        assert_eq!(token.session_id.as_deref(), Some("sid"));
        assert_eq!(token.token_type, None);
    }

    #[test]
    fn snake_case_wins_when_both_are_present() {
        let token = CustomerToken::decode(&json(
            r#"{"accessToken":"old","access_token":"new","expiresIn":1,"expires_in":2,
                "saasToken":"old","saas_token":"new"}"#,
        ))
        .unwrap();
        assert_eq!(token.access_token, "new");
        assert_eq!(token.expires_in, Some(2));
        assert_eq!(token.saas_token.as_deref(), Some("new"));
    }

    #[test]
    fn accepts_numeric_strings_and_boolean_forms() {
        let token = CustomerToken::decode(&json(
            r#"{"access_token":"at","expires_in":"3599","refresh_token_expires_in":" 10 ",
                "initialPassword":true}"#,
        ))
        .unwrap();
        assert_eq!(token.expires_in, Some(3599));
        assert_eq!(token.refresh_token_expires_in, Some(10));
        assert_eq!(token.initial_password, Some(true));
        let token =
            CustomerToken::decode(&json(r#"{"access_token":"at","initialPassword":"TRUE"}"#))
                .unwrap();
        assert_eq!(token.initial_password, Some(true));
        // What `str::parse::<i64>` reads: an optional sign, then digits.
        for (text, seconds) in [
            ("+5", Some(5)),
            ("-5", Some(-5)),
            ("-0", Some(0)),
            ("007", Some(7)),
            ("9007199254740991", Some(9_007_199_254_740_991)),
            ("-9007199254740991", Some(-9_007_199_254_740_991)),
            ("9007199254740992", None),
            ("-9223372036854775808", None),
            ("99999999999999999999999", None),
            ("+", None),
            ("-", None),
            ("+-5", None),
            ("5 5", None),
            ("1e3", None),
        ] {
            let body = json(&format!(r#"{{"access_token":"at","expires_in":"{text}"}}"#));
            let token = CustomerToken::decode(&body).unwrap();
            assert_eq!(token.expires_in, seconds, "{text}");
        }
    }

    #[test]
    fn drops_optional_fields_of_unexpected_types() {
        let token = CustomerToken::decode(&json(
            r#"{"access_token":"at","expires_in":"soon","refresh_token":[],"token_type":{},
                "session_id":true,"saas_token":1,"initialPassword":[],
                "refresh_token_expires_in":1.5}"#,
        ))
        .unwrap();
        assert_eq!(
            token,
            CustomerToken {
                access_token: "at".into(),
                expires_in: None,
                refresh_token: None,
                refresh_token_expires_in: None,
                token_type: None,
                session_id: None,
                saas_token: None,
                initial_password: None,
            }
        );
    }

    #[test]
    fn rejects_bodies_without_a_usable_access_token() {
        for body in [
            r#"{}"#,
            r#"{"access_token":""}"#,
            r#"{"access_token":42}"#,
            r#"{"access_token":null,"refresh_token":"rt"}"#,
        ] {
            assert_eq!(
                CustomerToken::decode(&json(body)),
                Err(TokenProblem::MissingAccessToken),
                "{body}"
            );
        }
        for body in [
            r#"[]"#,
            r#""at""#,
            "null",
            "42",
            r#"[{"access_token":"at"}]"#,
        ] {
            assert_eq!(
                CustomerToken::decode(&json(body)),
                Err(TokenProblem::NotAnObject),
                "{body}"
            );
        }
    }

    #[test]
    fn absent_fields_are_not_serialized() {
        let token = CustomerToken::decode(&json(r#"{"access_token":"at"}"#)).unwrap();
        assert_eq!(
            serde_json::to_value(&token).unwrap(),
            serde_json::json!({"access_token": "at"})
        );
    }

    #[test]
    fn lifetimes_serialize_as_exact_numbers() {
        let token = CustomerToken::decode(&json(
            r#"{"access_token":"at","expires_in":3599,"refresh_token_expires_in":"-9007199254740991"}"#,
        ))
        .unwrap();
        let value = serde_json::to_value(&token).unwrap();
        assert_eq!(value["expires_in"].as_i64(), Some(3599));
        assert_eq!(
            value["refresh_token_expires_in"].as_f64(),
            Some(-9_007_199_254_740_991.0)
        );
    }

    #[test]
    fn decodes_error_messages_with_and_without_details() {
        let message = ErrorMessage::decode(Some(&json(
            r#"{"status":400,"type":"validation_failure","message":"bad","moreInfo":"docs",
                "details":[{"field":"email","type":"invalid_value","message":"m","moreInfo":"i"},
                           "junk",{"field":7}]}"#,
        )));
        assert_eq!(message.error_type.as_deref(), Some("validation_failure"));
        assert_eq!(message.message.as_deref(), Some("bad"));
        assert_eq!(message.more_info.as_deref(), Some("docs"));
        let details = message.details.unwrap();
        assert_eq!(details.len(), 2);
        assert_eq!(details[0].field.as_deref(), Some("email"));
        assert_eq!(details[0].error_type.as_deref(), Some("invalid_value"));
        assert_eq!(details[1], ErrorDetail::default());

        let bare = ErrorMessage::decode(Some(&json(r#"{"type":"token_expired"}"#)));
        assert_eq!(bare.details, None);
        assert_eq!(ErrorMessage::decode(None), ErrorMessage::default());
        assert_eq!(
            ErrorMessage::decode(Some(&json("[1]"))),
            ErrorMessage::default()
        );
    }

    #[test]
    fn decodes_faults_in_any_state_of_completeness() {
        let fault = Fault::decode(Some(&json(
            r#"{"fault":{"faultstring":"Invalid access token","detail":{"errorcode":"oauth.v2.InvalidAccessToken"}}}"#,
        )));
        assert_eq!(fault.faultstring.as_deref(), Some("Invalid access token"));
        assert_eq!(
            fault.errorcode.as_deref(),
            Some("oauth.v2.InvalidAccessToken")
        );
        assert_eq!(
            Fault::decode(Some(&json(r#"{"fault":"x"}"#))),
            Fault::default()
        );
        assert_eq!(Fault::decode(None), Fault::default());
    }
}

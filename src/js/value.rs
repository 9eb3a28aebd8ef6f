//! Converting between JavaScript values and the core's types: options objects
//! are read property by property ([`property`], by the reader in
//! [`super::options`]), so every wrong value is reported with the option's
//! name instead of a generic deserialization error; parsed response bodies
//! become [`Json`] by walking what `JSON.parse` made (serde-wasm-bindgen's
//! `Deserializer` and its error messages cost kilobytes, see `bench/SIZE.md`);
//! results and errors are written with serde-wasm-bindgen from the core
//! types' serde derives ([`to_js`]).

use js_sys::{Array, Function, Object, Promise, Reflect};
use serde::Serialize;
use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;

use super::driver::map;

use crate::error::OptInError;
use crate::json::{Json, MAX_DEPTH};

/// `undefined` or `null`: an option left out (`value == null` in JavaScript).
pub(crate) fn absent(value: &JsValue) -> bool {
    value.is_null_or_undefined()
}

/// The property `name` of `object`; `undefined` and `null` read as absent. A
/// throwing getter or proxy is reported, with `name` as the field, not
/// propagated.
pub(crate) fn property(
    object: &JsValue,
    name: &'static str,
) -> Result<Option<JsValue>, OptInError> {
    let value = Reflect::get(object, &JsValue::from_str(name))
        .map_err(|_| OptInError::invalid(name, "could not be read (its getter threw)"))?;
    Ok((!absent(&value)).then_some(value))
}

/// `value`, unless it is `undefined` or `null`.
pub(crate) fn given(value: &JsValue) -> Option<&JsValue> {
    (!absent(value)).then_some(value)
}

/// Whether `value` is an object but not an array, as options must be.
pub(crate) fn is_plain_object(value: &JsValue) -> bool {
    value.is_object() && !Array::is_array(value)
}

#[wasm_bindgen]
extern "C" {
    #[wasm_bindgen(thread_local_v2, js_namespace = JSON, js_name = parse)]
    static JSON_PARSE: Function;
}

/// `JSON.parse` of what `text` fulfils with, as a promise, without copying
/// the text into wasm memory: it fulfils with the parsed value and rejects
/// when the text is not JSON (or `text` rejects).
/// A promise reaction rather than a call, so a malformed body rejects rather
/// than throws: wasm-bindgen 0.2.130 leaks an externref table slot each time
/// a `catch` import that returns a value throws.
pub(crate) fn parse_json(text: &Promise) -> Promise {
    JSON_PARSE.with(|parse| map(text, parse, None))
}

/// A value from `JSON.parse` as [`Json`]; `None` when arrays or objects nest
/// deeper than [`MAX_DEPTH`], so a hostile body cannot exhaust the wasm stack.
pub(crate) fn json(value: &JsValue) -> Option<Json> {
    json_at(value, 0)
}

fn json_at(value: &JsValue, depth: usize) -> Option<Json> {
    if let Some(text) = value.as_string() {
        return Some(Json::String(text));
    }
    if let Some(number) = value.as_f64() {
        return Some(Json::Number(number));
    }
    if let Some(flag) = value.as_bool() {
        return Some(Json::Bool(flag));
    }
    if !value.is_object() {
        return Some(Json::Null);
    }
    if depth >= MAX_DEPTH {
        return None;
    }
    // One loop over `Object.keys` for arrays and objects alike: an array
    // from `JSON.parse` has no holes, so its keys are its indices in order,
    // and `JSON.parse` has already kept the last of duplicate keys. Plain
    // loops rather than `collect::<Option<_>>()`, whose iterator adapters
    // cost more code than the walk itself.
    let is_array = Array::is_array(value);
    let keys = Object::keys(value.unchecked_ref::<Object>());
    let mut items = Vec::new();
    let mut members = Vec::new();
    for at in 0..keys.length() {
        let key = keys.get(at);
        // A parsed value has no getters: reading it cannot throw.
        let item = json_at(&Reflect::get(value, &key).ok()?, depth + 1)?;
        if is_array {
            items.push(item);
        } else {
            members.push((key.as_string()?, item));
        }
    }
    Some(if is_array {
        Json::Array(items)
    } else {
        Json::Object(members)
    })
}

/// `value` as a plain JavaScript object, through its serde derive:
/// serde-wasm-bindgen's JSON-compatible serializer gives plain objects (never
/// `Map`s), and the derives' `skip_serializing_if` leaves absent fields out
/// (never `null`).
///
/// The core's result and error types hold only strings, booleans and integers
/// below 2^53, which always serialize; should one ever not, the value reads as
/// `null` rather than panicking.
pub(crate) fn to_js<T: Serialize + ?Sized>(value: &T) -> JsValue {
    value
        .serialize(&serde_wasm_bindgen::Serializer::json_compatible())
        .unwrap_or(JsValue::NULL)
}

#[cfg(all(test, target_arch = "wasm32"))]
mod tests {
    use wasm_bindgen_test::wasm_bindgen_test;

    use super::*;

    fn walked(text: &str) -> Option<Json> {
        json(&js_sys::JSON::parse(text).expect("valid JSON"))
    }

    /// The walk gives what the core's serde decoding gives natively.
    #[wasm_bindgen_test]
    fn agrees_with_the_serde_decoding() {
        let at_limit = format!("{}{}", "[".repeat(MAX_DEPTH), "]".repeat(MAX_DEPTH));
        let too_deep = format!("{}{}", "[".repeat(MAX_DEPTH + 1), "]".repeat(MAX_DEPTH + 1));
        let too_deep_objects = format!(
            "{}1{}",
            "{\"a\":".repeat(MAX_DEPTH + 1),
            "}".repeat(MAX_DEPTH + 1)
        );
        for text in [
            r#"{"access_token":"at","expires_in":3599,"initialPassword":"false"}"#,
            r#"{"a":[1,-2,3.5,1e300,"x",true,false,null],"b":{"c":"d","e":{}},"f":[]}"#,
            r#"{"fault":{"faultstring":"no","detail":{"errorcode":"oauth.v2.X"}}}"#,
            r#""ü😀\u0000""#,
            "null",
            "-0",
            &at_limit,
            &too_deep,
            &too_deep_objects,
        ] {
            let native = serde_json::from_str::<Json>(text).ok();
            assert_eq!(walked(text), native, "{text}");
        }
        assert!(walked(&at_limit).is_some() && walked(&too_deep).is_none());
    }

    /// What the driver gets from [`parse_json`]: the walked value, or `None`.
    async fn parsed(text: &str) -> Option<Json> {
        let text = Promise::resolve(&JsValue::from_str(text));
        let parsed = wasm_bindgen_futures::JsFuture::from(parse_json(&text));
        json(&parsed.await.ok()?)
    }

    #[wasm_bindgen_test]
    async fn parses_text_and_leaks_nothing_on_malformed_bodies() {
        let object = parsed(r#"{"a":[1,"x"]}"#).await;
        assert_eq!(object, serde_json::from_str(r#"{"a":[1,"x"]}"#).ok());
        let live = wasm_bindgen::externref_heap_live_count();
        for body in [
            "<html>Oops</html>",
            r#"{"access_token": "abc""#,
            "Unauthorized",
            "",
        ] {
            for _ in 0..10 {
                assert_eq!(parsed(body).await, None, "{body}");
            }
        }
        assert_eq!(wasm_bindgen::externref_heap_live_count(), live);
    }

    #[wasm_bindgen_test]
    fn duplicate_keys_keep_the_last_value() {
        let body = walked(r#"{"a":"first","a":"second"}"#).unwrap();
        assert_eq!(body.get("a").and_then(Json::as_str), Some("second"));
    }
}

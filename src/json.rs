//! A small, lenient JSON value for decoding response bodies.
//!
//! Bodies are parsed by the host (`JSON.parse` in the browser, `serde_json` in
//! native tests) and walked into [`Json`] through serde's `deserialize_any`,
//! so the same decoding code runs in both places while the wasm binary carries
//! no JSON parser of its own. Nesting deeper than [`MAX_DEPTH`] is refused
//! rather than recursed into: a hostile body must not exhaust the wasm stack.

use std::fmt;

use serde::de::{self, Deserialize, Deserializer, MapAccess, SeqAccess, Visitor};

/// How deeply nested a body may be. Emporix's documented bodies need 4.
pub const MAX_DEPTH: usize = 32;

/// A JSON value. Numbers are `f64`, as in JavaScript.
#[derive(Debug, Clone, PartialEq)]
pub enum Json {
    /// `null`.
    Null,
    /// `true` or `false`.
    Bool(bool),
    /// Any number.
    Number(f64),
    /// A string.
    String(String),
    /// An array.
    Array(Vec<Json>),
    /// An object, members in document order.
    Object(Vec<(String, Json)>),
}

impl Json {
    /// The member `key` of an object; `None` for absent keys and non-objects.
    /// The last occurrence wins, as with `JSON.parse`.
    pub fn get(&self, key: &str) -> Option<&Json> {
        match self {
            Json::Object(members) => members.iter().rev().find(|(k, _)| k == key).map(|(_, v)| v),
            _ => None,
        }
    }

    /// The value as a string, if it is one.
    pub fn as_str(&self) -> Option<&str> {
        match self {
            Json::String(s) => Some(s),
            _ => None,
        }
    }

    /// Whether the value is an object.
    pub fn is_object(&self) -> bool {
        matches!(self, Json::Object(_))
    }
}

impl<'de> Deserialize<'de> for Json {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        deserializer.deserialize_any(JsonVisitor { depth: 0 })
    }
}

struct JsonVisitor {
    depth: usize,
}

/// Seeds nested values with their depth.
impl<'de> de::DeserializeSeed<'de> for JsonVisitor {
    type Value = Json;

    fn deserialize<D: Deserializer<'de>>(self, deserializer: D) -> Result<Json, D::Error> {
        deserializer.deserialize_any(self)
    }
}

impl JsonVisitor {
    fn nested<E: de::Error>(&self) -> Result<JsonVisitor, E> {
        if self.depth >= MAX_DEPTH {
            return Err(E::custom("JSON nested too deeply"));
        }
        Ok(JsonVisitor {
            depth: self.depth + 1,
        })
    }
}

impl<'de> Visitor<'de> for JsonVisitor {
    type Value = Json;

    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("any JSON value")
    }

    fn visit_unit<E>(self) -> Result<Json, E> {
        Ok(Json::Null)
    }

    fn visit_none<E>(self) -> Result<Json, E> {
        Ok(Json::Null)
    }

    fn visit_some<D: Deserializer<'de>>(self, deserializer: D) -> Result<Json, D::Error> {
        deserializer.deserialize_any(self)
    }

    fn visit_bool<E>(self, value: bool) -> Result<Json, E> {
        Ok(Json::Bool(value))
    }

    fn visit_i64<E>(self, value: i64) -> Result<Json, E> {
        Ok(Json::Number(value as f64))
    }

    fn visit_u64<E>(self, value: u64) -> Result<Json, E> {
        Ok(Json::Number(value as f64))
    }

    fn visit_f64<E>(self, value: f64) -> Result<Json, E> {
        Ok(Json::Number(value))
    }

    fn visit_str<E>(self, value: &str) -> Result<Json, E> {
        Ok(Json::String(value.to_owned()))
    }

    fn visit_string<E>(self, value: String) -> Result<Json, E> {
        Ok(Json::String(value))
    }

    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Json, A::Error> {
        let mut items = Vec::new();
        while let Some(item) = seq.next_element_seed(self.nested()?)? {
            items.push(item);
        }
        Ok(Json::Array(items))
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Json, A::Error> {
        let mut members = Vec::new();
        while let Some(key) = map.next_key::<String>()? {
            let value = map.next_value_seed(self.nested()?)?;
            members.push((key, value));
        }
        Ok(Json::Object(members))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(text: &str) -> Result<Json, serde_json::Error> {
        serde_json::from_str(text)
    }

    #[test]
    fn walks_every_kind_of_value() {
        let value = parse(r#"{"a":[1,-2,3.5,"x",true,null],"b":{"c":"d"}}"#).unwrap();
        assert_eq!(
            value.get("a"),
            Some(&Json::Array(vec![
                Json::Number(1.0),
                Json::Number(-2.0),
                Json::Number(3.5),
                Json::String("x".into()),
                Json::Bool(true),
                Json::Null,
            ]))
        );
        assert_eq!(
            value
                .get("b")
                .and_then(|b| b.get("c"))
                .and_then(Json::as_str),
            Some("d")
        );
        assert_eq!(value.get("missing"), None);
        assert_eq!(Json::Null.get("a"), None);
    }

    #[test]
    fn last_duplicate_key_wins_like_json_parse() {
        let value = parse(r#"{"a":"first","a":"second"}"#).unwrap();
        assert_eq!(value.get("a").and_then(Json::as_str), Some("second"));
    }

    #[test]
    fn refuses_deep_nesting_instead_of_recursing() {
        let ok = format!("{}{}", "[".repeat(MAX_DEPTH), "]".repeat(MAX_DEPTH));
        assert!(parse(&ok).is_ok());
        let deep = format!("{}{}", "[".repeat(MAX_DEPTH + 2), "]".repeat(MAX_DEPTH + 2));
        assert!(parse(&deep).is_err());
        let deep_objects = format!(
            "{}1{}",
            "{\"a\":".repeat(MAX_DEPTH + 2),
            "}".repeat(MAX_DEPTH + 2)
        );
        assert!(parse(&deep_objects).is_err());
    }
}

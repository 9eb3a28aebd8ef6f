//! Reading plain JavaScript objects field by field, so every wrong value is
//! reported with the option's name instead of a generic deserialization error.

use js_sys::Reflect;
use wasm_bindgen::{JsCast, JsValue};

use crate::error::OptInError;

/// A JavaScript object whose properties are read as options.
pub(crate) struct Fields(js_sys::Object);

impl Fields {
    /// `value` as an options object; `field` names it in the error otherwise.
    pub(crate) fn new(value: &JsValue, field: &'static str) -> Result<Fields, OptInError> {
        if value.is_undefined() || value.is_null() {
            return Err(OptInError::invalid(
                field,
                "is required: pass an options object",
            ));
        }
        if !value.is_object() || js_sys::Array::is_array(value) {
            return Err(OptInError::invalid(field, "must be a plain object"));
        }
        Ok(Fields(value.clone().unchecked_into()))
    }

    /// The property `name`; `undefined` and `null` read as absent. A throwing
    /// getter or proxy is reported, not propagated.
    fn get(&self, name: &'static str) -> Result<Option<JsValue>, OptInError> {
        let value = Reflect::get(&self.0, &JsValue::from_str(name))
            .map_err(|_| OptInError::invalid(name, "could not be read (its getter threw)"))?;
        Ok((!value.is_undefined() && !value.is_null()).then_some(value))
    }

    /// An optional string property.
    pub(crate) fn optional_string(&self, name: &'static str) -> Result<Option<String>, OptInError> {
        match self.get(name)? {
            None => Ok(None),
            Some(value) => value
                .as_string()
                .map(Some)
                .ok_or(OptInError::invalid(name, "must be a string")),
        }
    }

    /// A required string property.
    pub(crate) fn string(&self, name: &'static str) -> Result<String, OptInError> {
        self.optional_string(name)?
            .ok_or(OptInError::invalid(name, "is required"))
    }

    /// An optional number property.
    pub(crate) fn optional_number(&self, name: &'static str) -> Result<Option<f64>, OptInError> {
        match self.get(name)? {
            None => Ok(None),
            Some(value) => value
                .as_f64()
                .map(Some)
                .ok_or(OptInError::invalid(name, "must be a number")),
        }
    }

    /// An optional `AbortSignal`, recognised by shape rather than `instanceof`
    /// so a signal from another realm (an iframe, a Node polyfill) works too.
    pub(crate) fn optional_signal(
        &self,
        name: &'static str,
    ) -> Result<Option<web_sys::AbortSignal>, OptInError> {
        let Some(value) = self.get(name)? else {
            return Ok(None);
        };
        let looks_like_signal = value.is_object()
            && Reflect::get(&value, &JsValue::from_str("aborted"))
                .is_ok_and(|aborted| aborted.as_bool().is_some())
            && Reflect::get(&value, &JsValue::from_str("addEventListener"))
                .is_ok_and(|listen| listen.is_function());
        if looks_like_signal {
            Ok(Some(value.unchecked_into()))
        } else {
            Err(OptInError::invalid(name, "must be an AbortSignal"))
        }
    }
}

//! The JavaScript edge: `#[wasm_bindgen]` exports, `fetch`, and conversions
//! between JavaScript values and the core's types.
//!
//! Everything here is thin on purpose: the `driver` performs what the
//! core's [`Hub`](crate::engine::Hub) decides, and the decisions are tested
//! natively. This module is exercised by the browser and Node tests in
//! `tests/`.

pub mod api;
pub mod client;
mod driver;
pub mod error;
mod fetch;
pub mod options;
mod value;

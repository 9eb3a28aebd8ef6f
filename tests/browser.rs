//! The library against the sandbox, in a real browser (headless Chromium via
//! `wasm-bindgen-test-runner`, or `wasm-pack test --headless --chrome`).
#![cfg(target_arch = "wasm32")]

wasm_bindgen_test::wasm_bindgen_test_configure!(run_in_browser);

#[path = "common/sandbox.rs"]
mod sandbox;

#[path = "common/cases.rs"]
mod cases;

#[path = "common/client_cases.rs"]
mod client_cases;

#[path = "common/context_cases.rs"]
mod context_cases;

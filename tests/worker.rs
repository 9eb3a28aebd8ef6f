//! The `OptInClient` cases in a dedicated Web Worker (headless Chromium), where
//! there is no `window`: only the worker's global `fetch`, timers and
//! `AbortController`.
#![cfg(target_arch = "wasm32")]

wasm_bindgen_test::wasm_bindgen_test_configure!(run_in_dedicated_worker);

#[path = "common/sandbox.rs"]
mod sandbox;

#[path = "common/client_cases.rs"]
mod client_cases;

use wasm_bindgen_test::wasm_bindgen_test;

#[wasm_bindgen_test]
fn runs_in_a_dedicated_worker() {
    let global = js_sys::global();
    let has = |name: &str| sandbox::get(&global, name).is_truthy();
    assert!(!has("window") && !has("document"));
    assert!(has("importScripts") && has("postMessage"));
}

//! The library against the sandbox, in Node (20+), whose global `fetch` and
//! `AbortController` the library uses as it does a browser's.
#![cfg(target_arch = "wasm32")]

wasm_bindgen_test::wasm_bindgen_test_configure!(run_in_node_experimental);

#[path = "common/sandbox.rs"]
mod sandbox;

#[path = "common/cases.rs"]
mod cases;

#[path = "common/client_cases.rs"]
mod client_cases;

#[path = "common/context_cases.rs"]
mod context_cases;

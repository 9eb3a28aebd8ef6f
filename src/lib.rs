//! Finish Emporix's double opt-in sign-up from a storefront, in the browser or
//! on Node.
//!
//! A shopper signs up, Emporix emails an activation link that carries a
//! token, and the storefront's landing page either confirms it
//! ([`confirmOptIn`](js::api::confirm_opt_in): the new customer's tokens) or,
//! when the link expired, asks Emporix to send a new one
//! ([`resendActivation`](js::api::resend_activation)). The `OptInClient`
//! ([`js::client`]) adds the anonymous-token lifecycle and one request per
//! opt-in token, however often it is confirmed concurrently.
//!
//! The crate is split in two:
//! - a pure core — [`validate`], [`base_url`], [`context`], [`request`], [`json`],
//!   [`model`], [`response`], [`retry_after`], [`error`], [`anonymous`], and
//!   the sans-IO [`engine`] that decides every call's course (the token
//!   lifecycle, the one retry after a 401, shared confirmations, each
//!   caller's deadline) — that knows nothing of JavaScript and is tested
//!   natively;
//! - a thin edge, [`js`], with the `#[wasm_bindgen]` exports, the driver
//!   that performs what the engine asks for (`fetch`, one timer, signals,
//!   promises), and the conversions to JavaScript values, tested in browsers
//!   and Node.
#![deny(missing_docs)]
// The `///` docs double as TSDoc, whose `@default "https://…"` tags are text.
#![allow(rustdoc::bare_urls)]

pub mod anonymous;
pub mod base_url;
pub mod context;
pub mod engine;
pub mod error;
pub mod js;
pub mod json;
pub mod model;
pub mod request;
pub mod response;
pub mod retry_after;
pub mod validate;

pub use error::{ErrorCode, Operation, OptInError};
pub use model::CustomerToken;

/// The wasm heap: lol_alloc's free list (address-ordered, coalescing) instead
/// of std's dlmalloc or talc, for a smaller module (measured in
/// bench/SIZE.md); the memory workloads of the hardening suite and `make
/// bench` check that it stays flat.
#[cfg(all(target_family = "wasm", not(target_feature = "atomics")))]
#[global_allocator]
// SAFETY: without the `atomics` target feature a wasm module has one thread,
// which is what `AssumeSingleThreaded` requires.
static ALLOCATOR: lol_alloc::AssumeSingleThreaded<lol_alloc::FreeListAllocator> =
    unsafe { lol_alloc::AssumeSingleThreaded::new(lol_alloc::FreeListAllocator::new()) };

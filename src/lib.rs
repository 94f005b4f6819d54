//! Tailor: on-device personalization for online shops.
//!
//! [`core`] is pure Rust (no wasm types) and holds every concept: catalogue, events,
//! profile, ranking, consent, storage. `web` is the thin wasm32-only binding layer
//! that the npm package wraps; see `www/lib/` for the JS layer shoppers' pages use.

pub mod core;

#[cfg(all(target_arch = "wasm32", feature = "bindings"))]
pub mod web;

/// The JS → Rust reader of both wasm modules: the main one's options, the DAP module's
/// `dap` declarations (each compiles in only what it reads).
#[cfg(target_arch = "wasm32")]
pub mod de;

#[cfg(not(target_arch = "wasm32"))]
pub mod dataset;

#[cfg(not(target_arch = "wasm32"))]
pub mod decode;

/// A DAP leader and helper for tests (tests/dap.rs, the dap-test-leader binary).
#[cfg(all(not(target_arch = "wasm32"), feature = "dap"))]
pub mod dap_aggregator;

//! Reports by the IETF Distributed Aggregation Protocol, draft-ietf-ppm-dap-18, with the
//! Prio3 VDAFs of draft-irtf-cfrg-vdaf-18 (the `prio` crate 0.18): the second transport
//! of a report kind, next to local differential privacy.
//!
//! The device splits its measurement into two secret shares, encrypts one to each of two
//! aggregators (the leader and the helper) and uploads both to the leader. Neither
//! aggregator can read a share alone; together they verify each report is well formed
//! (Prio3's proof) and release only the total of at least the task's minimum batch.
//!
//! This module makes the bytes and reads the answers; it does no I/O. The page fetches
//! each aggregator's `hpke_config` ([`DapTask::hpke_config_url`], decoded by
//! `HpkeConfigList::decode`), sends `Upload` as it is, and passes the response to
//! `upload_result`.
//!
//! Split in two: validating a kind's `dap` declaration and encoding its task
//! configuration need neither prio nor hpke and are in every build (the main wasm
//! validates `Tailor.open`'s options); making reports and reading answers are behind the
//! `dap` feature, in native builds and in the separately loaded DAP module only.

pub mod aggregator;
pub mod codec;
pub mod task;
pub mod vdaf;
// What needs prio and hpke: only the DAP module and native builds have them.
#[cfg(feature = "dap")]
pub mod error;
#[cfg(feature = "dap")]
pub mod hpke_config;
#[cfg(feature = "dap")]
pub mod report;
#[cfg(feature = "dap")]
pub mod shard;
#[cfg(feature = "dap")]
pub mod upload;

pub use aggregator::Aggregator;
pub use task::{BatchMode, DapInput, DapTask, IntervalInput, VdafInput};
pub use vdaf::Vdaf;
#[cfg(feature = "dap")]
pub use {
    error::DapError,
    hpke_config::{HpkeConfig, HpkeConfigList, HPKE_CONFIG_LIST_MEDIA_TYPE},
    report::{Upload, UPLOAD_MEDIA_TYPE},
    shard::Measurement,
    upload::{upload_result, Problem, ProblemDetails, ProblemType, Rejection, ReportError},
};

/// The draft's version tag, in the VDAF context and the HPKE info strings. (An RFC
/// would make it "dap".)
pub const DAP_VERSION: &str = "dap-18";

/// Fills `out` from `rng`, eight bytes (little-endian) per word.
#[cfg(feature = "dap")]
fn fill(rng: &mut impl crate::core::ldp::Random, out: &mut [u8]) {
    for chunk in out.chunks_mut(8) {
        let word = rng.next_u64().to_le_bytes();
        chunk.copy_from_slice(&word[..chunk.len()]);
    }
}

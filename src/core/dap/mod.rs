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
//! All of it is behind the `dap` feature: native builds and the separately loaded DAP
//! module, which also validates a kind's `dap` declaration at `Tailor.open`
//! ([`DapTask::new`]); the main wasm only knows that a kind goes by DAP.

pub mod aggregator;
pub mod codec;
pub mod error;
pub mod hpke_config;
pub mod report;
pub mod shard;
pub mod task;
pub mod upload;
pub mod vdaf;

pub use aggregator::Aggregator;
pub use error::DapError;
pub use hpke_config::{HpkeConfig, HpkeConfigList, HPKE_CONFIG_LIST_MEDIA_TYPE};
pub use report::{Upload, UPLOAD_MEDIA_TYPE};
pub use shard::Measurement;
pub use task::{BatchMode, DapInput, DapTask, IntervalInput, VdafInput};
pub use upload::{upload_result, Problem, ProblemDetails, ProblemType, Rejection, ReportError};
pub use vdaf::Vdaf;

/// The draft's version tag, in the VDAF context and the HPKE info strings. (An RFC
/// would make it "dap".)
pub const DAP_VERSION: &str = "dap-18";

/// Fills `out` from `rng`, eight bytes (little-endian) per word.
fn fill(rng: &mut impl crate::core::ldp::Random, out: &mut [u8]) {
    for chunk in out.chunks_mut(8) {
        let word = rng.next_u64().to_le_bytes();
        chunk.copy_from_slice(&word[..chunk.len()]);
    }
}

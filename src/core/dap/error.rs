//! What can go wrong with a DAP report after its task was configured: an aggregator's
//! keys that cannot be used, a value that does not fit the task, a report time outside
//! the task, and the leader refusing an upload. (A wrong configuration is the crate's
//! [`Error`](crate::core::Error), naming the field, like every other bad input.)

use std::fmt;

pub use super::aggregator::Aggregator;
use super::upload::{Problem, Rejection};

#[derive(Debug, Clone, PartialEq)]
pub enum DapError {
    /// The body of `GET {aggregator}/hpke_config` is not a usable `HpkeConfigList`:
    /// `field` is where it broke (e.g. `configs[1].public_key`).
    HpkeConfig {
        aggregator: Aggregator,
        field: String,
        problem: String,
    },
    /// The value to report does not fit the task's VDAF (a bug in the caller: the
    /// engine only measures values of the kind's domain).
    Measurement { expected: String },
    /// The report's time is outside the task (before 1970, or outside its
    /// `taskInterval`): the leader would drop it, so it is not made.
    OutsideTask { time: u64, problem: String },
    /// The leader refused the whole upload, with a problem document (RFC 9457).
    Rejected(Box<Problem>),
    /// The leader accepted the request but refused these reports (`UploadErrors`).
    ReportsRejected(Vec<Rejection>),
    /// The leader's response is not one DAP-18 allows.
    Response { status: u16, problem: String },
    /// prio or hpke failed on parameters the task had accepted: a bug, not bad input.
    Internal(String),
}

impl fmt::Display for DapError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            DapError::HpkeConfig {
                aggregator,
                field,
                problem,
            } => write!(
                f,
                "the {} aggregator's hpke_config cannot be used: {field}: {problem}",
                aggregator.name()
            ),
            DapError::Measurement { expected } => {
                write!(f, "the value does not fit the task: expected {expected}")
            }
            DapError::OutsideTask { time, problem } => {
                write!(f, "no report made for time {time}: {problem}")
            }
            DapError::Rejected(p) => write!(f, "the leader refused the upload: {p}"),
            DapError::ReportsRejected(list) => {
                f.write_str("the leader refused ")?;
                for (k, r) in list.iter().enumerate() {
                    if k > 0 {
                        f.write_str("; ")?;
                    }
                    write!(f, "{r}")?;
                }
                Ok(())
            }
            DapError::Response { status, problem } => {
                write!(
                    f,
                    "the leader's response (HTTP {status}) is not DAP-18: {problem}"
                )
            }
            DapError::Internal(what) => write!(f, "DAP report failed: {what}"),
        }
    }
}

impl std::error::Error for DapError {}

//! The two aggregators of a DAP task: the leader, to which reports are uploaded, and
//! the helper. Neither sees a report alone.

/// One of the task's two aggregators.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Aggregator {
    Leader,
    Helper,
}

impl Aggregator {
    pub fn name(self) -> &'static str {
        match self {
            Aggregator::Leader => "leader",
            Aggregator::Helper => "helper",
        }
    }

    /// The aggregator's `Role` in DAP-18 §4.1 (`leader(2)`, `helper(3)`).
    pub fn role(self) -> u8 {
        match self {
            Aggregator::Leader => 2,
            Aggregator::Helper => 3,
        }
    }
}

//! The Prio3 VDAFs a DAP report kind can use (draft-irtf-cfrg-vdaf-18, as the `prio`
//! crate 0.18 implements them): their parameters, as a task declares them, and their
//! configuration encoding for the task (DAP-18 appendix "VDAF Configuration Encodings").
//! Needs neither prio nor hpke: the main wasm validates and encodes tasks with it.
//! Sharding a measurement is `shard.rs` (feature `dap`).

use super::codec::Out;

/// A Prio3 VDAF with its parameters, exactly as the task declares them.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Vdaf {
    /// Prio3Count: a yes/no; the total is how many said yes.
    Count,
    /// Prio3Sum: an integer in `0..=max_measurement`; the total is their sum.
    Sum { max_measurement: u64 },
    /// Prio3SumVec: `length` integers in `0..=max_measurement`; the total is their
    /// element-wise sum. A bucket value is sent one-hot (1 at the bucket).
    SumVec {
        length: u32,
        max_measurement: u64,
        chunk_length: u32,
    },
    /// Prio3Histogram: one bucket of `length`, proved to be exactly one; the total is
    /// the count of each bucket.
    Histogram { length: u32, chunk_length: u32 },
}

impl Vdaf {
    /// The name a shop writes in `dap.vdaf.type`.
    pub fn name(&self) -> &'static str {
        match self {
            Vdaf::Count => "count",
            Vdaf::Sum { .. } => "sum",
            Vdaf::SumVec { .. } => "sumVec",
            Vdaf::Histogram { .. } => "histogram",
        }
    }

    /// The VDAF's codepoint in the VDAF Identifiers registry (VDAF §10), DAP's `VdafType`.
    pub fn vdaf_type(&self) -> u32 {
        match self {
            Vdaf::Count => 1,
            Vdaf::Sum { .. } => 2,
            Vdaf::SumVec { .. } => 3,
            Vdaf::Histogram { .. } => 4,
        }
    }

    /// `vdaf_configuration` of the task (DAP-18 appendix A): Prio3Count is `Empty`,
    /// the others their parameters in declaration order.
    pub fn encode_config(&self) -> Vec<u8> {
        let mut o = Out::new();
        match *self {
            Vdaf::Count => {}
            Vdaf::Sum { max_measurement } => {
                o.u64(max_measurement);
            }
            Vdaf::SumVec {
                length,
                max_measurement,
                chunk_length,
            } => {
                o.u32(length).u64(max_measurement).u32(chunk_length);
            }
            Vdaf::Histogram {
                length,
                chunk_length,
            } => {
                o.u32(length).u32(chunk_length);
            }
        }
        o.finish()
    }
}

/// The proof chunk length prio advises for a Histogram or SumVec of `measurement_length`
/// field elements (the histogram's length; for SumVec, length × bits of the maximum):
/// of the chunkings with 2^k − 1 gadget calls, the one with the shortest proof
/// (2 × chunk + 2 × (2^k − 1) field elements), the most calls on a tie. Computed here,
/// not by prio, so the main wasm can fill in a task's default; a test checks it agrees
/// with prio's `optimal_chunk_length` for every length up to 4096.
pub fn default_chunk_length(measurement_length: usize) -> usize {
    if measurement_length <= 1 {
        return 1;
    }
    let mut best = (usize::MAX, 1);
    // `calls` is 2^k − 1 for k = 1, 2, … while 2^k ≤ measurement_length + 1.
    let mut calls = 1usize;
    while calls <= measurement_length {
        let chunk = measurement_length.div_ceil(calls);
        let cost = 2 * chunk + 2 * calls;
        // `<=`: on a tie the later candidate (more gadget calls) wins.
        if cost <= best.0 {
            best = (cost, chunk);
        }
        calls = 2 * calls + 1;
    }
    best.1
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn config_encodings_follow_dap_18_appendix_a() {
        assert_eq!(Vdaf::Count.encode_config(), Vec::<u8>::new());
        assert_eq!(
            Vdaf::Sum {
                max_measurement: 0xff
            }
            .encode_config(),
            [0, 0, 0, 0, 0, 0, 0, 0xff]
        );
        assert_eq!(
            Vdaf::SumVec {
                length: 12,
                max_measurement: 8,
                chunk_length: 14
            }
            .encode_config(),
            [0, 0, 0, 12, 0, 0, 0, 0, 0, 0, 0, 8, 0, 0, 0, 14]
        );
        assert_eq!(
            Vdaf::Histogram {
                length: 4,
                chunk_length: 2
            }
            .encode_config(),
            [0, 0, 0, 4, 0, 0, 0, 2]
        );
    }

    #[test]
    fn the_default_chunk_length_is_prios() {
        for n in 0..=4096 {
            assert_eq!(
                default_chunk_length(n),
                prio::vdaf::prio3::optimal_chunk_length(n),
                "length {n}"
            );
        }
    }
}

//! Sharding a measurement with a task's Prio3 VDAF (VDAF-18 §5.1, the `prio` crate
//! 0.18): what Tailor's bucket value becomes under each VDAF, and the public share and
//! two input shares it is split into. Feature `dap` only: this is where prio is needed.

use prio::codec::Encode;
use prio::vdaf::prio3::{Prio3, Prio3Count, Prio3Histogram, Prio3Sum, Prio3SumVec};
use prio::vdaf::test_utils::TestVectorClient;
use prio::vdaf::xof::XofTurboShake128;

use super::error::DapError;
use super::vdaf::Vdaf;
use crate::core::ldp::Random;

/// A plaintext measurement, in the VDAF's own terms: what this shopper contributes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Measurement {
    Count(bool),
    Sum(u64),
    SumVec(Vec<u128>),
    Histogram(usize),
}

/// The pieces `Vdaf.shard` returns, encoded: the public share and the leader's and
/// helper's input shares (in that order).
pub struct Shares {
    pub public_share: Vec<u8>,
    pub input_shares: [Vec<u8>; 2],
}

impl Vdaf {
    /// What the bucket `value` (of `0..domain`) is under this VDAF. The task was checked
    /// against the kind's domain when it was built, so only a caller's bug fails here.
    pub fn measurement(&self, value: u32, domain: u32) -> Result<Measurement, DapError> {
        if value >= domain {
            return Err(DapError::Measurement {
                expected: format!("a bucket from 0 to {}, not {value}", domain - 1),
            });
        }
        Ok(match *self {
            // Only personalizedClick (no = 0, yes = 1) takes Count.
            Vdaf::Count => Measurement::Count(value == 1),
            Vdaf::Sum { .. } => Measurement::Sum(u64::from(value)),
            Vdaf::SumVec { length, .. } => {
                let mut v = vec![0u128; length as usize];
                v[value as usize] = 1;
                Measurement::SumVec(v)
            }
            Vdaf::Histogram { .. } => Measurement::Histogram(value as usize),
        })
    }

    /// The prio instance for two aggregators (DAP has exactly two).
    fn instance_error(e: prio::vdaf::VdafError) -> DapError {
        DapError::Internal(format!("prio refused the task's VDAF parameters: {e}"))
    }

    /// How many random bytes `shard` takes: prio's rule for Prio3 with two aggregators
    /// and 32-byte seeds (one seed per helper share plus the proving seed, twice that when
    /// the circuit uses joint randomness, as SumVec and Histogram do).
    pub fn random_len(&self) -> usize {
        match self {
            Vdaf::Count | Vdaf::Sum { .. } => 2 * 32,
            Vdaf::SumVec { .. } | Vdaf::Histogram { .. } => 4 * 32,
        }
    }

    /// `Vdaf.shard(ctx, measurement, nonce, rand)` (VDAF-18 §5.1) with `rand` drawn from
    /// `rng`, so a seeded source reproduces the shares exactly.
    pub fn shard(
        &self,
        ctx: &[u8],
        measurement: &Measurement,
        nonce: &[u8; 16],
        rng: &mut impl Random,
    ) -> Result<Shares, DapError> {
        let mut rand = vec![0u8; self.random_len()];
        super::fill(rng, &mut rand);
        match (self, measurement) {
            (Vdaf::Count, Measurement::Count(m)) => {
                let v = Prio3Count::new_count(2).map_err(Vdaf::instance_error)?;
                shard_with(&v, ctx, m, nonce, &rand)
            }
            (Vdaf::Sum { max_measurement }, Measurement::Sum(m)) => {
                let v = Prio3Sum::new_sum(2, *max_measurement).map_err(Vdaf::instance_error)?;
                shard_with(&v, ctx, m, nonce, &rand)
            }
            (
                Vdaf::SumVec {
                    length,
                    max_measurement,
                    chunk_length,
                },
                Measurement::SumVec(m),
            ) => {
                let v = Prio3SumVec::new_sum_vec(
                    2,
                    u128::from(*max_measurement),
                    *length as usize,
                    *chunk_length as usize,
                )
                .map_err(Vdaf::instance_error)?;
                shard_with(&v, ctx, m, nonce, &rand)
            }
            (
                Vdaf::Histogram {
                    length,
                    chunk_length,
                },
                Measurement::Histogram(m),
            ) => {
                let v = Prio3Histogram::new_histogram(2, *length as usize, *chunk_length as usize)
                    .map_err(Vdaf::instance_error)?;
                shard_with(&v, ctx, m, nonce, &rand)
            }
            _ => Err(DapError::Measurement {
                expected: format!("a measurement for {}", self.name()),
            }),
        }
    }
}

fn shard_with<T: prio::flp::Type>(
    vdaf: &Prio3<T, XofTurboShake128, 32>,
    ctx: &[u8],
    measurement: &T::Measurement,
    nonce: &[u8; 16],
    rand: &[u8],
) -> Result<Shares, DapError> {
    let (public, inputs) = vdaf
        .shard_with_random(ctx, measurement, nonce, rand)
        .map_err(|e| DapError::Measurement {
            expected: format!("a measurement the VDAF accepts ({e})"),
        })?;
    let encode = |r: Result<Vec<u8>, prio::codec::CodecError>| {
        r.map_err(|e| DapError::Internal(format!("encoding a share failed: {e}")))
    };
    let [leader, helper]: [_; 2] = inputs
        .try_into()
        .map_err(|_| DapError::Internal("prio did not return two input shares".into()))?;
    Ok(Shares {
        public_share: encode(public.get_encoded())?,
        input_shares: [encode(leader.get_encoded())?, encode(helper.get_encoded())?],
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::core::dap::vdaf::default_chunk_length;
    use crate::core::ldp::SeededRandom;

    #[test]
    fn every_vdaf_shards_with_the_random_length_it_declares() {
        // prio refuses a `rand` of the wrong length: this is what keeps `random_len` honest.
        let all = [
            (Vdaf::Count, 2, 1),
            (Vdaf::Sum { max_measurement: 4 }, 5, 3),
            (
                Vdaf::SumVec {
                    length: 5,
                    max_measurement: 1,
                    chunk_length: default_chunk_length(5) as u32,
                },
                5,
                2,
            ),
            (
                Vdaf::Histogram {
                    length: 5,
                    chunk_length: default_chunk_length(5) as u32,
                },
                5,
                4,
            ),
        ];
        for (vdaf, domain, value) in all {
            let m = vdaf.measurement(value, domain).unwrap();
            let shares = vdaf
                .shard(b"ctx", &m, &[7; 16], &mut SeededRandom(1))
                .unwrap_or_else(|e| panic!("{}: {e}", vdaf.name()));
            assert!(!shares.input_shares[0].is_empty());
            // The helper's share is a seed or two: far shorter than the leader's.
            assert!(shares.input_shares[1].len() <= 64);
        }
    }

    #[test]
    fn a_value_outside_the_domain_is_refused() {
        let v = Vdaf::Histogram {
            length: 3,
            chunk_length: 1,
        };
        assert!(matches!(
            v.measurement(3, 3),
            Err(DapError::Measurement { .. })
        ));
        assert_eq!(v.measurement(2, 3).unwrap(), Measurement::Histogram(2));
        assert_eq!(
            Vdaf::SumVec {
                length: 3,
                max_measurement: 1,
                chunk_length: 1
            }
            .measurement(1, 3)
            .unwrap(),
            Measurement::SumVec(vec![0, 1, 0])
        );
    }
}

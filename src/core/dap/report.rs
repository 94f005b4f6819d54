//! One DAP report, made on the device (DAP-18 §4.5.2, "Client Behavior"), and the
//! upload request that carries it, as data: the core does no I/O, the page sends it.
//!
//! ```text
//! report_id   16 bytes from the Random (the VDAF's nonce)
//! shares      Vdaf.shard("dap-18" || task_id, measurement, report_id, rand)
//! metadata    ReportMetadata { report_id; Time time; Extension public_extensions<0..2^16-1> = [] }
//! aad         InputShareAad { task_id; TaskConfiguration; metadata; opaque public_share<0..2^32-1> }
//! each share  SealBase(pk, "dap-18 input share" || 0x01 || role, aad,
//!                      PlaintextInputShare { private_extensions<0..2^16-1> = []; opaque payload<1..2^32-1> })
//! Report      { metadata; public_share<0..2^32-1>; HpkeCiphertext leader; HpkeCiphertext helper }
//!             with HpkeCiphertext { uint8 config_id; opaque enc<1..2^16-1>; opaque payload<1..2^32-1> }
//! ```
//!
//! Randomness is drawn in that order (report id, shard's `rand`, the leader's ephemeral
//! key, the helper's): a seeded [`Random`] reproduces a report byte for byte.

use super::codec::Out;
use super::error::{Aggregator, DapError};
use super::hpke_config::HpkeConfig;
use super::shard::Measurement;
use super::task::DapTask;
use super::DAP_VERSION;
use crate::core::ldp::Random;
use crate::core::Millis;

/// DAP-18's media type of an upload request.
pub const UPLOAD_MEDIA_TYPE: &str = "application/ppm-dap;message=upload-req";

/// DAP-18 §4.1 `Role` of the sender of input shares: the client.
const ROLE_CLIENT: u8 = 1;

/// A report ready to go: the HTTP request that uploads it, and what it holds in clear.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Upload {
    /// `{leader}/tasks/{task-id}/reports`.
    pub url: String,
    /// Always "POST".
    pub method: &'static str,
    /// The `Content-Type` header: [`UPLOAD_MEDIA_TYPE`].
    pub content_type: &'static str,
    /// The `UploadRequest`: this one report.
    pub body: Vec<u8>,
    pub report_id: [u8; 16],
    /// In units of the task's time precision.
    pub time: u64,
    /// What this shopper contributes, in clear: for the preview, never sent as such.
    pub measurement: Measurement,
}

impl DapTask {
    /// The report time of `now`: whole time precisions since 1970 (DAP-18 §4.1.1),
    /// checked against the task's `task_interval`, outside of which the leader drops it.
    pub fn report_time(&self, now: Millis) -> Result<u64, DapError> {
        let seconds = now.div_euclid(1000);
        let Ok(seconds) = u64::try_from(seconds) else {
            return Err(DapError::OutsideTask {
                time: 0,
                problem: "the clock is before 1970".into(),
            });
        };
        let time = seconds / self.time_precision;
        if let Some((start, duration)) = self.task_interval {
            if time < start || time - start >= duration {
                return Err(DapError::OutsideTask {
                    time,
                    problem: format!(
                        "the task runs from time {start} for {duration} time precisions; a report outside it is dropped"
                    ),
                });
            }
        }
        Ok(time)
    }

    /// Makes the report of bucket `value` at `now`, encrypted to the leader's and
    /// helper's chosen HPKE configs, with all randomness from `rng` ([`OsRandom`] for a
    /// real report).
    ///
    /// [`OsRandom`]: crate::core::ldp::OsRandom
    pub fn report(
        &self,
        value: u32,
        now: Millis,
        leader: &HpkeConfig,
        helper: &HpkeConfig,
        rng: &mut impl Random,
    ) -> Result<Upload, DapError> {
        let time = self.report_time(now)?;
        let measurement = self.vdaf.measurement(value, self.domain)?;
        let mut report_id = [0u8; 16];
        super::fill(rng, &mut report_id);

        let mut ctx = Vec::with_capacity(DAP_VERSION.len() + 32);
        ctx.extend_from_slice(DAP_VERSION.as_bytes());
        ctx.extend_from_slice(&self.task_id);
        let shares = self.vdaf.shard(&ctx, &measurement, &report_id, rng)?;

        let mut metadata = Out::new();
        metadata.fixed(&report_id).u64(time).vec16(&[]);
        let metadata = metadata.finish();

        let mut aad = Out::new();
        aad.fixed(&self.task_id)
            .fixed(&self.configuration())
            .fixed(&metadata)
            .vec32(&shares.public_share);
        let aad = aad.finish();

        let mut body = Out::new();
        body.fixed(&metadata).vec32(&shares.public_share);
        for ((aggregator, config), share) in
            [(Aggregator::Leader, leader), (Aggregator::Helper, helper)]
                .into_iter()
                .zip(&shares.input_shares)
        {
            let mut plaintext = Out::new();
            plaintext.vec16(&[]).vec32(share);
            let (enc, payload) = config.seal(
                &input_share_info(aggregator),
                &aad,
                &plaintext.finish(),
                rng,
            )?;
            body.u8(config.id).vec16(&enc).vec32(&payload);
        }
        Ok(Upload {
            url: self.upload_url(),
            method: "POST",
            content_type: UPLOAD_MEDIA_TYPE,
            body: body.finish(),
            report_id,
            time,
            measurement,
        })
    }
}

/// HPKE `info` of an input share: "dap-18 input share" || client role || recipient role.
pub fn input_share_info(aggregator: Aggregator) -> Vec<u8> {
    let mut info = Vec::from(DAP_VERSION.as_bytes());
    info.extend_from_slice(b" input share");
    info.push(ROLE_CLIENT);
    info.push(aggregator.role());
    info
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::core::dap::task::{DapInput, IntervalInput};
    use crate::core::reports::Measure;

    fn task(interval: Option<IntervalInput>) -> DapTask {
        DapTask::new(
            DapInput {
                task_id: Some("8BY0RzZMzxvA46_8ymhzycOB9krN-QIGYvg_RsByGec".into()),
                task_info: Some("t".into()),
                leader: Some("https://l.example".into()),
                helper: Some("https://h.example".into()),
                time_precision: Some(604800.0),
                min_batch_size: Some(100.0),
                batch_mode: Some("timeInterval".into()),
                vdaf: None,
                task_interval: interval,
            },
            "dap",
            Measure::PersonalizedClick.name(),
            &Measure::PersonalizedClick.labels(),
        )
        .unwrap()
    }

    #[test]
    fn info_strings_name_the_draft_and_both_roles() {
        assert_eq!(
            input_share_info(Aggregator::Leader),
            b"dap-18 input share\x01\x02"
        );
        assert_eq!(
            input_share_info(Aggregator::Helper),
            b"dap-18 input share\x01\x03"
        );
    }

    #[test]
    fn report_time_is_whole_precisions_and_stays_inside_the_task() {
        let t = task(None);
        // 2026-11-24T12:00:00Z is 1_795_521_600 s: week 2968 since 1970 (weeks start on Thursdays).
        assert_eq!(t.report_time(1_795_521_600_000).unwrap(), 2968);
        assert_eq!(t.report_time(2968 * 604_800_000).unwrap(), 2968);
        assert_eq!(t.report_time(2968 * 604_800_000 - 1).unwrap(), 2967);
        assert!(t.report_time(-1).is_err());
        let t = task(Some(IntervalInput {
            start: Some(2968.0 * 604800.0),
            duration: Some(2.0 * 604800.0),
        }));
        assert!(t.report_time(2967 * 604_800_000).is_err());
        assert_eq!(t.report_time(2969 * 604_800_000).unwrap(), 2969);
        let err = t.report_time(2970 * 604_800_000).unwrap_err();
        assert!(
            err.to_string().contains("runs from time 2968 for 2"),
            "{err}"
        );
    }
}

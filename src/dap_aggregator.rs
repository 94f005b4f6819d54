//! A DAP leader and helper for tests, in process (native only, feature `dap`): written
//! from draft-ietf-ppm-dap-18 and the `prio` and `hpke` crates' aggregator side, not with
//! Tailor's encoder. It parses a `Report`, builds the `TaskConfiguration` it binds into
//! decryption itself, decrypts both input shares, verifies them with Prio3 and releases
//! the total, so an encoding mistake in Tailor's client shows up as a refused report.
//! Used by `tests/dap.rs` and by the `dap-test-leader` binary the browser tests run.
//! Never part of a shop's deployment: real aggregators are Janus or a hosted service.

use hpke::aead::AesGcm128;
use hpke::kdf::HkdfSha256;
use hpke::kem::X25519HkdfSha256;
use hpke::{Deserializable, Kem, OpModeR, Serializable};
use prio::codec::ParameterizedDecode;
use prio::vdaf::prio3::{Prio3Count, Prio3Histogram, Prio3Sum, Prio3SumVec};
use prio::vdaf::{Collector, Vdaf, VerifyTransition};

use crate::core::dap::{Aggregator, HpkeConfig, HpkeConfigList, Upload};
use crate::core::ldp::{OsRandom, Random};

/// The task id of DAP-18 §3's example, used by the tests' task.
pub const EXAMPLE_TASK_ID: &str = "8BY0RzZMzxvA46_8ymhzycOB9krN-QIGYvg_RsByGec";

/// An upload body, as Tailor made it or as it arrived over HTTP.
pub trait Body {
    fn body(&self) -> &[u8];
}

impl Body for Upload {
    fn body(&self) -> &[u8] {
        &self.body
    }
}

impl Body for Vec<u8> {
    fn body(&self) -> &[u8] {
        self
    }
}

/// Big-endian TLS-syntax writer, the aggregators' own.
#[derive(Default)]
pub struct W(pub Vec<u8>);

impl W {
    pub fn n(&mut self, v: u64, bytes: usize) -> &mut Self {
        self.0.extend_from_slice(&v.to_be_bytes()[8 - bytes..]);
        self
    }
    pub fn raw(&mut self, b: &[u8]) -> &mut Self {
        self.0.extend_from_slice(b);
        self
    }
    /// A vector with a length prefix of `prefix` bytes.
    pub fn v(&mut self, b: &[u8], prefix: usize) -> &mut Self {
        self.n(b.len() as u64, prefix).raw(b)
    }
}

/// A reader that fails (with what it was reading) instead of panicking.
pub struct R<'a>(pub &'a [u8]);

impl<'a> R<'a> {
    pub fn take(&mut self, n: usize, what: &str) -> Result<&'a [u8], String> {
        if self.0.len() < n {
            return Err(format!("{what}: message too short"));
        }
        let (a, b) = self.0.split_at(n);
        self.0 = b;
        Ok(a)
    }
    pub fn n(&mut self, bytes: usize, what: &str) -> Result<u64, String> {
        Ok(self
            .take(bytes, what)?
            .iter()
            .fold(0, |n, &b| n << 8 | u64::from(b)))
    }
    pub fn v(&mut self, prefix: usize, what: &str) -> Result<&'a [u8], String> {
        let n = self.n(prefix, what)? as usize;
        self.take(n, what)
    }
}

/// What the aggregators agreed on with the shop (DAP-18 §4.2).
#[derive(Clone)]
pub struct TaskSpec {
    pub task_id: [u8; 32],
    pub task_info: String,
    pub leader: String,
    pub helper: String,
    pub time_precision: u64,
    pub min_batch_size: u64,
    pub vdaf_type: u32,
    pub vdaf_config: Vec<u8>,
}

impl TaskSpec {
    /// The tests' task: fixed id, URLs and sizes, with the given VDAF.
    pub fn example(vdaf_type: u32, vdaf_config: Vec<u8>) -> TaskSpec {
        TaskSpec {
            task_id: decode_task_id(EXAMPLE_TASK_ID),
            task_info: "tailor test task".into(),
            leader: "https://leader.example/dap/".into(),
            helper: "https://helper.example".into(),
            time_precision: 604_800,
            min_batch_size: 100,
            vdaf_type,
            vdaf_config,
        }
    }

    /// `TaskConfiguration`: time-interval batch mode, no extensions.
    pub fn configuration(&self) -> Vec<u8> {
        let mut w = W::default();
        w.v(self.task_info.as_bytes(), 1)
            .v(self.leader.as_bytes(), 2)
            .v(self.helper.as_bytes(), 2)
            .n(self.time_precision, 8)
            .n(self.min_batch_size, 8)
            .n(1, 1)
            .v(&[], 2)
            .n(u64::from(self.vdaf_type), 4)
            .v(&self.vdaf_config, 2)
            .v(&[], 2);
        w.0
    }
}

/// A task id from its base64url text, decoded here, not by Tailor.
pub fn decode_task_id(text: &str) -> [u8; 32] {
    // Independent of Tailor's decoder: the alphabet, 6 bits at a time.
    const A: &[u8] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
    let mut bits = 0u32;
    let mut n = 0;
    let mut out = Vec::new();
    for c in text.bytes() {
        bits = bits << 6 | A.iter().position(|&a| a == c).unwrap() as u32;
        n += 6;
        if n >= 8 {
            n -= 8;
            out.push((bits >> n) as u8);
        }
    }
    out.try_into().unwrap()
}

/// One aggregator: its HPKE key and its half of the task.
pub struct Agg {
    pub role: u8,
    pub config_id: u8,
    sk: <X25519HkdfSha256 as Kem>::PrivateKey,
    pub pk: Vec<u8>,
}

impl Agg {
    pub fn new(role: u8, config_id: u8, seed: &[u8]) -> Agg {
        let (sk, pk) = X25519HkdfSha256::derive_keypair(seed);
        Agg {
            role,
            config_id,
            sk,
            pk: pk.to_bytes().to_vec(),
        }
    }

    /// The body of `GET /hpke_config`: one X25519/HKDF-SHA256/AES-128-GCM config,
    /// after one the client cannot use (P-256), which it must skip.
    pub fn hpke_config_body(&self) -> Vec<u8> {
        let mut configs = W::default();
        configs
            .n(u64::from(self.config_id) + 100, 1)
            .n(0x0010, 2)
            .n(1, 2)
            .n(1, 2)
            .v(&[4; 65], 2);
        configs
            .n(u64::from(self.config_id), 1)
            .n(0x0020, 2)
            .n(1, 2)
            .n(1, 2)
            .v(&self.pk, 2);
        let mut w = W::default();
        w.v(&configs.0, 2);
        w.0
    }

    /// DAP-18 §4.6.2.3: decrypts this aggregator's input share of `report`; returns the
    /// `PlaintextInputShare` payload.
    pub fn open(&self, task: &TaskSpec, report: &Report) -> Result<Vec<u8>, String> {
        let (config_id, enc, payload) = &report.shares[usize::from(self.role - 2)];
        if *config_id != self.config_id {
            return Err("hpke_unknown_config_id".into());
        }
        let mut aad = W::default();
        aad.raw(&task.task_id)
            .raw(&task.configuration())
            .raw(&report.metadata)
            .v(&report.public_share, 4);
        let mut info = b"dap-18 input share".to_vec();
        info.extend_from_slice(&[1, self.role]);
        let enc = <X25519HkdfSha256 as Kem>::EncappedKey::from_bytes(enc)
            .map_err(|e| format!("enc: {e}"))?;
        let plain = hpke::single_shot_open::<AesGcm128, HkdfSha256, X25519HkdfSha256>(
            &OpModeR::Base,
            &self.sk,
            &enc,
            &info,
            payload,
            &aad.0,
        )
        .map_err(|e| format!("hpke_decrypt_error: {e}"))?;
        let mut r = R(&plain);
        if !r.v(2, "private_extensions")?.is_empty() {
            return Err("unexpected private extensions".into());
        }
        let share = r.v(4, "payload")?.to_vec();
        if !r.0.is_empty() {
            return Err("bytes after the PlaintextInputShare".into());
        }
        Ok(share)
    }
}

/// A `Report` as the leader parses it from the upload body.
pub struct Report {
    pub report_id: [u8; 16],
    pub time: u64,
    pub metadata: Vec<u8>,
    pub public_share: Vec<u8>,
    pub shares: [(u8, Vec<u8>, Vec<u8>); 2],
}

pub fn parse_report(body: &[u8]) -> Result<Report, String> {
    let mut r = R(body);
    let report_id: [u8; 16] = r.take(16, "report_id")?.try_into().unwrap();
    let time = r.n(8, "time")?;
    if !r.v(2, "public_extensions")?.is_empty() {
        return Err("unexpected public extensions".into());
    }
    let metadata = body[..26].to_vec();
    let public_share = r.v(4, "public_share")?.to_vec();
    let mut ct = || -> Result<(u8, Vec<u8>, Vec<u8>), String> {
        Ok((
            r.n(1, "config_id")? as u8,
            r.v(2, "enc")?.to_vec(),
            r.v(4, "payload")?.to_vec(),
        ))
    };
    let shares = [ct()?, ct()?];
    if !r.0.is_empty() {
        return Err("bytes after the report (this test sends one per request)".into());
    }
    Ok(Report {
        report_id,
        time,
        metadata,
        public_share,
        shares,
    })
}

/// Leader and helper of one task, with the VDAF verification key they share.
pub struct Aggregators {
    pub task: TaskSpec,
    pub leader: Agg,
    pub helper: Agg,
    pub verify_key: [u8; 32],
    /// The report time every report must have, when the caller knows it.
    pub time: Option<u64>,
}

impl Aggregators {
    /// Leader and helper with fixed test keys and a fresh random verification key.
    pub fn new(task: TaskSpec) -> Aggregators {
        let mut verify_key = [0u8; 32];
        for chunk in verify_key.chunks_mut(8) {
            chunk.copy_from_slice(&OsRandom.next_u64().to_le_bytes());
        }
        Aggregators {
            task,
            leader: Agg::new(2, 7, b"test leader key"),
            helper: Agg::new(3, 9, b"test helper key"),
            verify_key,
            time: None,
        }
    }

    /// The client's view: both aggregators' configs, fetched and chosen.
    pub fn configs(&self) -> (HpkeConfig, HpkeConfig) {
        let pick = |a: &Agg, which| {
            HpkeConfigList::decode(&a.hpke_config_body(), which)
                .unwrap()
                .choose(which)
                .unwrap()
                .clone()
        };
        (
            pick(&self.leader, Aggregator::Leader),
            pick(&self.helper, Aggregator::Helper),
        )
    }

    /// Decrypts, verifies and aggregates `uploads`; returns the total and how many
    /// reports were refused (with the first reason).
    pub fn collect<V, B: Body>(
        &self,
        vdaf: &V,
        uploads: &[B],
    ) -> (V::AggregateResult, usize, Option<String>)
    where
        V: prio::vdaf::Aggregator<32, 16> + Collector + Vdaf<AggregationParam = ()>,
    {
        let mut ctx = b"dap-18".to_vec();
        ctx.extend_from_slice(&self.task.task_id);
        let mut outputs: [Vec<V::OutputShare>; 2] = [Vec::new(), Vec::new()];
        let mut refused = 0;
        let mut first = None;
        for upload in uploads {
            match self.verify(vdaf, &ctx, upload.body()) {
                Ok([l, h]) => {
                    outputs[0].push(l);
                    outputs[1].push(h);
                }
                Err(e) => {
                    refused += 1;
                    first.get_or_insert(e);
                }
            }
        }
        let n = outputs[0].len();
        let shares = outputs.map(|o| vdaf.aggregate(&(), o).unwrap());
        let total = vdaf.unshard(&(), shares, n).unwrap();
        (total, refused, first)
    }

    fn verify<V>(&self, vdaf: &V, ctx: &[u8], body: &[u8]) -> Result<[V::OutputShare; 2], String>
    where
        V: prio::vdaf::Aggregator<32, 16> + Vdaf<AggregationParam = ()>,
    {
        let report = parse_report(body)?;
        let agg_param = ();
        let public = V::PublicShare::get_decoded_with_param(vdaf, &report.public_share)
            .map_err(|e| format!("public share: {e}"))?;
        let mut states = Vec::new();
        let mut verifier_shares = Vec::new();
        for (id, agg) in [&self.leader, &self.helper].into_iter().enumerate() {
            let plain = agg.open(&self.task, &report)?;
            let share = V::InputShare::get_decoded_with_param(&(vdaf, id), &plain)
                .map_err(|e| format!("input share: {e}"))?;
            let (state, vs) = vdaf
                .verify_init(
                    &self.verify_key,
                    ctx,
                    id,
                    &agg_param,
                    &report.report_id,
                    &public,
                    &share,
                )
                .map_err(|e| format!("vdaf_verify_error (init): {e}"))?;
            states.push(state);
            verifier_shares.push(vs);
        }
        // Checked after decryption, which already fails for a time changed in transit.
        if self.time.is_some_and(|t| t != report.time) {
            return Err(format!(
                "report time {} is not {:?}",
                report.time, self.time
            ));
        }
        let message = vdaf
            .verifier_shares_to_message(ctx, &agg_param, verifier_shares)
            .map_err(|e| format!("vdaf_verify_error: {e}"))?;
        let mut out = Vec::new();
        for state in states {
            match vdaf
                .verify_next(ctx, state, message.clone())
                .map_err(|e| format!("vdaf_verify_error (next): {e}"))?
            {
                VerifyTransition::Finish(o) => out.push(o),
                VerifyTransition::Continue(..) => return Err("Prio3 takes one round".into()),
            }
        }
        out.try_into().map_err(|_| "two output shares".to_owned())
    }
}

/// What [`Aggregators::aggregate`] releases: the total as JSON (a number for Count and
/// Sum, one per bucket for Histogram and SumVec), how many reports were refused and why.
pub struct Aggregate {
    pub total: serde_json::Value,
    pub counted: usize,
    pub refused: usize,
    pub first_refusal: Option<String>,
}

impl Aggregators {
    /// Verifies and aggregates `bodies` with the task's own VDAF, read from its
    /// `vdaf_type` and `vdaf_config`.
    pub fn aggregate(&self, bodies: &[Vec<u8>]) -> Result<Aggregate, String> {
        let mut c = R(&self.task.vdaf_config);
        let bad = |e: prio::vdaf::VdafError| format!("the task's VDAF: {e}");
        let done = |total: serde_json::Value, refused: usize, why: Option<String>| Aggregate {
            total,
            counted: bodies.len() - refused,
            refused,
            first_refusal: why,
        };
        let list = |v: Vec<u128>| {
            serde_json::Value::from(v.into_iter().map(|n| n as u64).collect::<Vec<_>>())
        };
        Ok(match self.task.vdaf_type {
            1 => {
                let (t, r, w) = self.collect(&Prio3Count::new_count(2).map_err(bad)?, bodies);
                done(t.into(), r, w)
            }
            2 => {
                let max = c.n(8, "max_measurement")?;
                let (t, r, w) = self.collect(&Prio3Sum::new_sum(2, max).map_err(bad)?, bodies);
                done(t.into(), r, w)
            }
            3 => {
                let (len, max, chunk) = (c.n(4, "length")?, c.n(8, "max")?, c.n(4, "chunk")?);
                let v = Prio3SumVec::new_sum_vec(2, max.into(), len as usize, chunk as usize)
                    .map_err(bad)?;
                let (t, r, w) = self.collect(&v, bodies);
                done(list(t), r, w)
            }
            4 => {
                let (len, chunk) = (c.n(4, "length")?, c.n(4, "chunk")?);
                let v =
                    Prio3Histogram::new_histogram(2, len as usize, chunk as usize).map_err(bad)?;
                let (t, r, w) = self.collect(&v, bodies);
                done(list(t), r, w)
            }
            other => return Err(format!("VDAF type {other} is not a Prio3 Tailor sends")),
        })
    }
}

//! DAP reports (draft-ietf-ppm-dap-18) end to end, natively: simulated shoppers make
//! reports with Tailor's client; an in-process leader and helper, built here from the
//! draft and from the `prio` and `hpke` crates' own aggregator side, read the uploads,
//! decrypt their input shares, verify them with Prio3 and release the total.
//!
//! The aggregators' side is written here from the draft, not with Tailor's encoder: it
//! parses the `Report` and builds the `TaskConfiguration` it binds into decryption
//! itself, so an encoding mistake in the client shows up as a failed decryption.
#![cfg(not(target_arch = "wasm32"))]

use hpke::aead::AesGcm128;
use hpke::kdf::HkdfSha256;
use hpke::kem::X25519HkdfSha256;
use hpke::{Deserializable, Kem, OpModeR, Serializable};
use prio::codec::{Encode, ParameterizedDecode};
use prio::vdaf::prio3::{optimal_chunk_length, Prio3Count, Prio3Histogram, Prio3Sum, Prio3SumVec};
use prio::vdaf::{Collector, Vdaf, VerifyTransition};
use serde_json::json;

use tailor::core::dap::{
    upload_result, Aggregator, DapError, DapInput, DapTask, HpkeConfig, HpkeConfigList,
    ProblemDetails, ProblemType, ReportError, Upload,
};
use tailor::core::ldp::{OsRandom, Random, SeededRandom};
use tailor::core::reports::Measure;
use tailor::core::Error;

/// A Tuesday, 2026-11-24, noon UTC.
const T0: i64 = 1_795_521_600_000;
const CLIENTS: usize = 1_000;
const TASK_ID: &str = "8BY0RzZMzxvA46_8ymhzycOB9krN-QIGYvg_RsByGec";

// ---------------------------------------------------------------------------------
// The aggregators' side, from the draft

/// Big-endian TLS-syntax writer, the aggregators' own.
#[derive(Default)]
struct W(Vec<u8>);

impl W {
    fn n(&mut self, v: u64, bytes: usize) -> &mut Self {
        self.0.extend_from_slice(&v.to_be_bytes()[8 - bytes..]);
        self
    }
    fn raw(&mut self, b: &[u8]) -> &mut Self {
        self.0.extend_from_slice(b);
        self
    }
    /// A vector with a length prefix of `prefix` bytes.
    fn v(&mut self, b: &[u8], prefix: usize) -> &mut Self {
        self.n(b.len() as u64, prefix).raw(b)
    }
}

/// A reader that fails (with what it was reading) instead of panicking.
struct R<'a>(&'a [u8]);

impl<'a> R<'a> {
    fn take(&mut self, n: usize, what: &str) -> Result<&'a [u8], String> {
        if self.0.len() < n {
            return Err(format!("{what}: message too short"));
        }
        let (a, b) = self.0.split_at(n);
        self.0 = b;
        Ok(a)
    }
    fn n(&mut self, bytes: usize, what: &str) -> Result<u64, String> {
        Ok(self
            .take(bytes, what)?
            .iter()
            .fold(0, |n, &b| n << 8 | u64::from(b)))
    }
    fn v(&mut self, prefix: usize, what: &str) -> Result<&'a [u8], String> {
        let n = self.n(prefix, what)? as usize;
        self.take(n, what)
    }
}

/// What the aggregators agreed on with the shop (DAP-18 §4.2).
#[derive(Clone)]
struct TaskSpec {
    task_id: [u8; 32],
    task_info: &'static str,
    leader: &'static str,
    helper: &'static str,
    time_precision: u64,
    min_batch_size: u64,
    vdaf_type: u32,
    vdaf_config: Vec<u8>,
}

impl TaskSpec {
    fn new(vdaf_type: u32, vdaf_config: Vec<u8>) -> TaskSpec {
        TaskSpec {
            task_id: decode_task_id(TASK_ID),
            task_info: "tailor test task",
            leader: "https://leader.example/dap/",
            helper: "https://helper.example",
            time_precision: 604_800,
            min_batch_size: 100,
            vdaf_type,
            vdaf_config,
        }
    }

    /// `TaskConfiguration`: time-interval batch mode, no extensions.
    fn configuration(&self) -> Vec<u8> {
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

    /// The shop's `dap` declaration for the same task.
    fn shop_input(&self, vdaf: serde_json::Value) -> DapInput {
        let mut j = json!({
            "taskId": base64url(&self.task_id),
            "taskInfo": self.task_info,
            "leader": self.leader,
            "helper": self.helper,
            "timePrecision": self.time_precision,
            "minBatchSize": self.min_batch_size,
            "batchMode": "timeInterval",
        });
        if !vdaf.is_null() {
            j["vdaf"] = vdaf;
        }
        serde_json::from_value(j).unwrap()
    }
}

fn decode_task_id(text: &str) -> [u8; 32] {
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

fn base64url(b: &[u8]) -> String {
    tailor::core::dap::codec::base64url(b)
}

/// One aggregator: its HPKE key and its half of the task.
struct Agg {
    role: u8,
    config_id: u8,
    sk: <X25519HkdfSha256 as Kem>::PrivateKey,
    pk: Vec<u8>,
}

impl Agg {
    fn new(role: u8, config_id: u8, seed: &[u8]) -> Agg {
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
    fn hpke_config_body(&self) -> Vec<u8> {
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
    fn open(&self, task: &TaskSpec, report: &Report) -> Result<Vec<u8>, String> {
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
struct Report {
    report_id: [u8; 16],
    time: u64,
    metadata: Vec<u8>,
    public_share: Vec<u8>,
    shares: [(u8, Vec<u8>, Vec<u8>); 2],
}

fn parse_report(body: &[u8]) -> Result<Report, String> {
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
struct Aggregators {
    task: TaskSpec,
    leader: Agg,
    helper: Agg,
    verify_key: [u8; 32],
}

impl Aggregators {
    fn new(task: TaskSpec) -> Aggregators {
        let mut verify_key = [0u8; 32];
        for chunk in verify_key.chunks_mut(8) {
            chunk.copy_from_slice(&OsRandom.next_u64().to_le_bytes());
        }
        Aggregators {
            task,
            leader: Agg::new(2, 7, b"test leader key"),
            helper: Agg::new(3, 9, b"test helper key"),
            verify_key,
        }
    }

    /// The client's view: both aggregators' configs, fetched and chosen.
    fn configs(&self) -> (HpkeConfig, HpkeConfig) {
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
    fn collect<V>(
        &self,
        vdaf: &V,
        uploads: &[Upload],
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
            match self.verify(vdaf, &ctx, upload) {
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

    fn verify<V>(
        &self,
        vdaf: &V,
        ctx: &[u8],
        upload: &Upload,
    ) -> Result<[V::OutputShare; 2], String>
    where
        V: prio::vdaf::Aggregator<32, 16> + Vdaf<AggregationParam = ()>,
    {
        let report = parse_report(&upload.body)?;
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
        if report.time != T0 as u64 / 1000 / self.task.time_precision {
            return Err(format!("report time {} is not this week", report.time));
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
        Ok(out.try_into().map_err(|_| "two output shares").unwrap())
    }
}

// ---------------------------------------------------------------------------------
// The shoppers' side: Tailor's client

fn measure_top() -> Measure {
    Measure::TopCategory {
        buckets: vec![
            "grocery".into(),
            "produce".into(),
            "deli".into(),
            "bakery".into(),
        ],
    }
}

/// `CLIENTS` shoppers report a value each (drawn, skewed, from a seeded source); the
/// reports themselves use the OS CSPRNG, as real ones do. Returns uploads and values.
fn simulate(task: &DapTask, aggs: &Aggregators, seed: u64) -> (Vec<Upload>, Vec<u32>) {
    let (leader, helper) = aggs.configs();
    let mut values = SeededRandom(seed);
    let mut uploads = Vec::new();
    let mut truth = Vec::new();
    for _ in 0..CLIENTS {
        // Skewed: bucket k about twice as likely as bucket k + 1.
        let mut v = 0;
        while v + 1 < task.domain && values.chance(0.5) {
            v += 1;
        }
        uploads.push(task.report(v, T0, &leader, &helper, &mut OsRandom).unwrap());
        truth.push(v);
    }
    (uploads, truth)
}

fn counts(values: &[u32], domain: u32) -> Vec<u128> {
    let mut c = vec![0u128; domain as usize];
    for &v in values {
        c[v as usize] += 1;
    }
    c
}

#[test]
fn a_histogram_of_1000_shoppers_is_recovered_exactly() {
    let measure = measure_top();
    let chunk = optimal_chunk_length(5);
    let mut config = W::default();
    config.n(5, 4).n(chunk as u64, 4);
    let spec = TaskSpec::new(4, config.0);
    let task = DapTask::new(spec.shop_input(serde_json::Value::Null), "dap", &measure).unwrap();
    let aggs = Aggregators::new(spec);
    let (uploads, truth) = simulate(&task, &aggs, 1);
    let vdaf = Prio3Histogram::new_histogram(2, 5, chunk).unwrap();
    let (total, refused, why) = aggs.collect(&vdaf, &uploads);
    assert_eq!(refused, 0, "{why:?}");
    assert_eq!(total, counts(&truth, 5));
    assert_eq!(total.iter().sum::<u128>(), CLIENTS as u128);
    // Every bucket has shoppers in it: the skew did not leave the test trivial.
    assert!(total.iter().all(|&c| c > 10), "{total:?}");
    // Report ids come from the OS CSPRNG: 1,000 distinct ones.
    let mut ids: Vec<[u8; 16]> = uploads.iter().map(|u| u.report_id).collect();
    ids.sort_unstable();
    ids.dedup();
    assert_eq!(ids.len(), CLIENTS);
    // Bytes per upload: 26 metadata, 4 + 64 public share (two joint-randomness parts),
    // each share 1 + 2 + 32 + 4 + (2 + 4 + share + 16 tag); every upload the same size.
    assert!(uploads
        .iter()
        .all(|u| u.body.len() == uploads[0].body.len()));
    assert_eq!(uploads[0].body.len(), UPLOAD_BYTES_HISTOGRAM_5);
}

#[test]
fn a_count_of_1000_shoppers_is_recovered_exactly() {
    let spec = TaskSpec::new(1, Vec::new());
    let task = DapTask::new(
        spec.shop_input(serde_json::Value::Null),
        "dap",
        &Measure::PersonalizedClick,
    )
    .unwrap();
    let aggs = Aggregators::new(spec);
    let (uploads, truth) = simulate(&task, &aggs, 2);
    let (total, refused, why) = aggs.collect(&Prio3Count::new_count(2).unwrap(), &uploads);
    assert_eq!(refused, 0, "{why:?}");
    let yes = truth.iter().filter(|&&v| v == 1).count() as u64;
    assert_eq!(total, yes);
    assert!(yes > 300 && yes < 700, "{yes}");
    assert_eq!(uploads[0].body.len(), UPLOAD_BYTES_COUNT);
}

#[test]
fn a_sum_of_1000_basket_buckets_is_recovered_exactly() {
    let measure = Measure::BasketSize {
        bounds: vec![1, 5, 10, 20],
    };
    let mut config = W::default();
    config.n(4, 8);
    let spec = TaskSpec::new(2, config.0);
    let task = DapTask::new(
        spec.shop_input(json!({ "type": "sum", "maxMeasurement": 4 })),
        "dap",
        &measure,
    )
    .unwrap();
    let aggs = Aggregators::new(spec);
    let (uploads, truth) = simulate(&task, &aggs, 3);
    let (total, refused, why) = aggs.collect(&Prio3Sum::new_sum(2, 4).unwrap(), &uploads);
    assert_eq!(refused, 0, "{why:?}");
    assert_eq!(total, truth.iter().map(|&v| u64::from(v)).sum::<u64>());
    assert_eq!(uploads[0].body.len(), UPLOAD_BYTES_SUM_4);
}

#[test]
fn a_sum_vec_of_1000_offer_groups_is_recovered_exactly() {
    let measure = Measure::OfferGroup {
        groups: vec!["weekly".into(), "buy-again".into()],
    };
    let chunk = optimal_chunk_length(3);
    let mut config = W::default();
    config.n(3, 4).n(1, 8).n(chunk as u64, 4);
    let spec = TaskSpec::new(3, config.0);
    let task = DapTask::new(
        spec.shop_input(json!({ "type": "sumVec", "length": 3, "maxMeasurement": 1 })),
        "dap",
        &measure,
    )
    .unwrap();
    let aggs = Aggregators::new(spec);
    let (uploads, truth) = simulate(&task, &aggs, 4);
    let vdaf = Prio3SumVec::new_sum_vec(2, 1, 3, chunk).unwrap();
    let (total, refused, why) = aggs.collect(&vdaf, &uploads);
    assert_eq!(refused, 0, "{why:?}");
    assert_eq!(total, counts(&truth, 3));
    assert_eq!(uploads[0].body.len(), UPLOAD_BYTES_SUM_VEC_3);
}

// Bytes of one upload (the whole `UploadRequest` body) per VDAF, as measured; a change
// in any encoding or in prio's share sizes moves them.
const UPLOAD_BYTES_COUNT: usize = 232;
const UPLOAD_BYTES_SUM_4: usize = 272;
const UPLOAD_BYTES_SUM_VEC_3: usize = 504;
const UPLOAD_BYTES_HISTOGRAM_5: usize = 568;

// ---------------------------------------------------------------------------------
// Rejections

fn histogram_setup() -> (TaskSpec, DapTask, Prio3Histogram) {
    let chunk = optimal_chunk_length(5);
    let mut config = W::default();
    config.n(5, 4).n(chunk as u64, 4);
    let spec = TaskSpec::new(4, config.0);
    let task = DapTask::new(
        spec.shop_input(serde_json::Value::Null),
        "dap",
        &measure_top(),
    )
    .unwrap();
    (
        spec,
        task,
        Prio3Histogram::new_histogram(2, 5, chunk).unwrap(),
    )
}

#[test]
fn a_tampered_report_is_refused_and_the_rest_still_counted() {
    let (spec, task, vdaf) = histogram_setup();
    let aggs = Aggregators::new(spec);
    let (leader, helper) = aggs.configs();
    let good = |v| task.report(v, T0, &leader, &helper, &mut OsRandom).unwrap();

    // A flipped bit in the leader's ciphertext: AES-GCM refuses it.
    let mut in_transit = good(1);
    let n = in_transit.body.len();
    in_transit.body[n - 300] ^= 1;
    // A flipped bit in the public share: it is in both shares' associated data.
    let mut public = good(1);
    public.body[26 + 4] ^= 0x80;
    // A different report time: the metadata is associated data too.
    let mut late = good(1);
    late.body[16 + 7] ^= 1;

    let (total, refused, why) = aggs.collect(&vdaf, &[good(0), in_transit, public, good(2)]);
    assert_eq!(refused, 2, "{why:?}");
    assert!(why.unwrap().starts_with("hpke_decrypt_error"));
    assert_eq!(total, vec![1, 0, 1, 0, 0]);
    let (_, refused, why) = aggs.collect(&vdaf, &[late]);
    assert_eq!(refused, 1);
    assert!(why.unwrap().starts_with("hpke_decrypt_error"));
}

#[test]
fn a_share_that_decrypts_but_was_tampered_with_fails_prio3_verification() {
    // A dishonest client encrypts shares of something other than one bucket: here, the
    // leader's measurement share of a valid report with one field element changed, sealed
    // properly (with the same AAD), so only Prio3's proof can catch it.
    let (spec, task, vdaf) = histogram_setup();
    let aggs = Aggregators::new(spec.clone());
    let (leader, helper) = aggs.configs();
    let honest = task.report(2, T0, &leader, &helper, &mut OsRandom).unwrap();
    let report = parse_report(&honest.body).unwrap();
    let mut share = aggs.leader.open(&spec, &report).unwrap();
    share[0] ^= 1; // the first field element of the measurement share (bucket 0)

    let mut plaintext = W::default();
    plaintext.v(&[], 2).v(&share, 4);
    let mut aad = W::default();
    aad.raw(&spec.task_id)
        .raw(&spec.configuration())
        .raw(&report.metadata)
        .v(&report.public_share, 4);
    let (enc, payload) = leader
        .seal(
            b"dap-18 input share\x01\x02",
            &aad.0,
            &plaintext.0,
            &mut OsRandom,
        )
        .unwrap();
    let mut body = W::default();
    body.raw(&report.metadata)
        .v(&report.public_share, 4)
        .n(u64::from(leader.id), 1)
        .v(&enc, 2)
        .v(&payload, 4)
        .n(u64::from(report.shares[1].0), 1)
        .v(&report.shares[1].1, 2)
        .v(&report.shares[1].2, 4);
    let forged = Upload {
        body: body.0,
        ..honest.clone()
    };
    // Both decrypt: the forgery is only in the share.
    let forged_report = parse_report(&forged.body).unwrap();
    assert!(aggs.leader.open(&spec, &forged_report).is_ok());

    let (total, refused, why) = aggs.collect(&vdaf, &[honest, forged]);
    assert_eq!(refused, 1);
    assert!(why.unwrap().starts_with("vdaf_verify_error"));
    assert_eq!(total, vec![0, 0, 1, 0, 0]);
}

#[test]
fn reports_made_for_another_task_configuration_do_not_decrypt() {
    let (spec, task, vdaf) = histogram_setup();
    // The aggregators' task differs from the shop's in one field each time.
    type Change = Box<dyn Fn(&mut TaskSpec)>;
    let variants: [(&str, Change); 5] = [
        ("task id", Box::new(|t| t.task_id[31] ^= 1)),
        (
            "task info",
            Box::new(|t| t.task_info = "tailor test task 2"),
        ),
        (
            "helper URL",
            Box::new(|t| t.helper = "https://helper.example/"),
        ),
        ("minimum batch size", Box::new(|t| t.min_batch_size = 101)),
        (
            "chunk length",
            Box::new(|t| {
                let mut c = W::default();
                c.n(5, 4).n(5, 4);
                t.vdaf_config = c.0;
            }),
        ),
    ];
    for (what, change) in variants {
        let mut other = spec.clone();
        change(&mut other);
        let aggs = Aggregators::new(other);
        let (leader, helper) = aggs.configs();
        let upload = task.report(1, T0, &leader, &helper, &mut OsRandom).unwrap();
        let (_, refused, why) = aggs.collect(&vdaf, &[upload]);
        assert_eq!(refused, 1, "{what}");
        assert!(why.unwrap().starts_with("hpke_decrypt_error"), "{what}");
    }
    // And the unchanged task does decrypt: the variants fail for their one difference.
    let aggs = Aggregators::new(spec);
    let (leader, helper) = aggs.configs();
    let upload = task.report(1, T0, &leader, &helper, &mut OsRandom).unwrap();
    assert_eq!(aggs.collect(&vdaf, &[upload]).1, 0);
}

// ---------------------------------------------------------------------------------
// Configuration errors

#[test]
fn config_errors_name_the_field() {
    let at = "reports.kinds[2].dap";
    let base = || {
        json!({
            "taskId": TASK_ID, "taskInfo": "t", "leader": "https://l.example",
            "helper": "https://h.example", "timePrecision": 86400, "minBatchSize": 100,
            "batchMode": "timeInterval",
        })
    };
    let cases: Vec<(serde_json::Value, &str, &str)> = vec![
        (json!({ "taskId": null }), "taskId", "missing"),
        (
            json!({ "taskId": "8BY0RzZMzxvA46_8ymhzycOB9krN-QIGYvg_RsByGec=" }),
            "taskId",
            "padding",
        ),
        (
            json!({ "taskId": "8BY0RzZMzxvA46/8ymhzycOB9krN+QIGYvg/RsByGec" }),
            "taskId",
            "standard base64",
        ),
        (json!({ "taskId": "AAAA" }), "taskId", "3 bytes, not 32"),
        (json!({ "taskInfo": "" }), "taskInfo", "1 to 255 bytes"),
        (
            json!({ "leader": "ftp://l.example" }),
            "leader",
            "not an https URL",
        ),
        (
            json!({ "leader": "http://l.example" }),
            "leader",
            "http only to localhost",
        ),
        (
            json!({ "leader": "https://l.example/?x=1" }),
            "leader",
            "query",
        ),
        (
            json!({ "leader": " https://l.example" }),
            "leader",
            "white space",
        ),
        (
            json!({ "helper": "https://l.example" }),
            "helper",
            "two different aggregators",
        ),
        (
            json!({ "timePrecision": 3600 }),
            "timePrecision",
            "at least 86400",
        ),
        (
            json!({ "timePrecision": 86400.5 }),
            "timePrecision",
            "86400.5 is not allowed",
        ),
        (
            json!({ "minBatchSize": 10 }),
            "minBatchSize",
            "at least 100",
        ),
        (
            json!({ "batchMode": "fixedSize" }),
            "batchMode",
            "\"fixedSize\" is not a batch mode",
        ),
        (
            json!({ "vdaf": { "type": "poplar1" } }),
            "vdaf.type",
            "histogram",
        ),
        (
            json!({ "vdaf": { "type": "count" } }),
            "vdaf.type",
            "only personalizedClick",
        ),
        (
            json!({ "vdaf": { "type": "sum", "maxMeasurement": 9 } }),
            "vdaf.type",
            "only basketSize",
        ),
        (
            json!({ "vdaf": { "type": "histogram", "length": 4 } }),
            "vdaf.length",
            "5 buckets (grocery, produce, deli, bakery, other)",
        ),
        (
            json!({ "vdaf": { "type": "histogram", "chunkLength": 6 } }),
            "vdaf.chunkLength",
            "longer than the measurement (5)",
        ),
        (
            json!({ "vdaf": { "type": "histogram", "maxMeasurement": 1 } }),
            "vdaf.maxMeasurement",
            "takes no maxMeasurement",
        ),
        (
            json!({ "vdaf": { "type": "sumVec", "maxMeasurement": 0 } }),
            "vdaf.maxMeasurement",
            "≥ 1",
        ),
        (
            json!({ "taskInterval": { "start": 86400, "duration": 0 } }),
            "taskInterval.duration",
            "not allowed",
        ),
        (
            json!({ "taskInterval": { "start": 86401, "duration": 86400 } }),
            "taskInterval.start",
            "not a multiple of timePrecision",
        ),
    ];
    for (change, field, says) in cases {
        let mut j = base();
        for (k, v) in change.as_object().unwrap() {
            j[k] = v.clone();
        }
        let input: DapInput = serde_json::from_value(j).unwrap();
        match DapTask::new(input, at, &measure_top()) {
            Err(Error::Invalid { field: f, expected }) => {
                assert_eq!(f, format!("{at}.{field}"), "{change}");
                assert!(expected.contains(says), "{change}: {expected}");
            }
            other => panic!("{change}: {other:?}"),
        }
    }
    // An unknown field is refused by name (the JS layer's reader adds the path).
    let mut j = base();
    j["taskid"] = json!(TASK_ID);
    let err = serde_json::from_value::<DapInput>(j)
        .unwrap_err()
        .to_string();
    assert!(err.contains("unknown field `taskid`"), "{err}");
    let err = serde_json::from_value::<DapInput>(json!({ "vdaf": { "bits": 8 } }))
        .unwrap_err()
        .to_string();
    assert!(err.contains("unknown field `bits`"), "{err}");
    // And the base itself is valid, so each case fails for its one change.
    let input: DapInput = serde_json::from_value(base()).unwrap();
    assert!(DapTask::new(input, at, &measure_top()).is_ok());
}

// ---------------------------------------------------------------------------------
// The leader's answers

#[test]
fn upload_answers_become_typed_errors() {
    let sent = [[1u8; 16], [2u8; 16], [3u8; 16]];
    assert_eq!(upload_result(201, None, &[], None, &sent), Ok(()));

    // Two of three refused, in order.
    let mut body = Vec::new();
    body.extend_from_slice(&[1u8; 16]);
    body.push(11); // outdated_config
    body.extend_from_slice(&[3u8; 16]);
    body.push(2); // report_replayed
    let ct = Some("application/ppm-dap;message=upload-errors");
    match upload_result(200, ct, &body, None, &sent) {
        Err(DapError::ReportsRejected(r)) => {
            assert_eq!(r.len(), 2);
            assert_eq!(r[0].error, ReportError::OutdatedConfig);
            assert!(r[0].error.refetch_keys());
            assert_eq!(r[1].error, ReportError::ReportReplayed);
            let text = DapError::ReportsRejected(r).to_string();
            assert!(
                text.contains(
                    "AQEBAQEBAQEBAQEBAQEBAQ (outdated_config): the aggregator's keys changed"
                ),
                "{text}"
            );
        }
        other => panic!("{other:?}"),
    }
    // A refusal of a report that was not sent, a truncated list, a body of another type.
    let mut stray = vec![9u8; 16];
    stray.push(1);
    assert!(matches!(
        upload_result(200, ct, &stray, None, &sent),
        Err(DapError::Response { .. })
    ));
    assert!(matches!(
        upload_result(200, ct, &body[..20], None, &sent),
        Err(DapError::Response { .. })
    ));
    assert!(matches!(
        upload_result(200, Some("text/html"), b"<html>", None, &sent),
        Err(DapError::Response { .. })
    ));

    // A problem document.
    let problem: ProblemDetails = serde_json::from_str(
        r#"{"type":"urn:ietf:params:ppm:dap:error:unrecognizedTask","title":"An endpoint received a message with an unknown task ID.","status":404,"taskid":"8BY0RzZMzxvA46_8ymhzycOB9krN-QIGYvg_RsByGec","extra":{"ignored":true}}"#,
    )
    .unwrap();
    match upload_result(
        404,
        Some("application/problem+json"),
        b"",
        Some(problem),
        &sent,
    ) {
        Err(DapError::Rejected(p)) => {
            assert_eq!(p.problem_type, ProblemType::UnrecognizedTask);
            assert_eq!(p.task_id.as_deref(), Some(TASK_ID));
            let text = p.to_string();
            assert!(
                text.starts_with("HTTP 404 unrecognizedTask: An endpoint received"),
                "{text}"
            );
            assert!(text.contains("check dap.taskId"), "{text}");
        }
        other => panic!("{other:?}"),
    }
    let problem: ProblemDetails = serde_json::from_str(
        r#"{"type":"urn:ietf:params:ppm:dap:error:unsupportedExtension","unsupported_extensions":[23,42]}"#,
    )
    .unwrap();
    match upload_result(400, None, b"", Some(problem), &sent) {
        Err(DapError::Rejected(p)) => assert_eq!(p.unsupported_extensions, [23, 42]),
        other => panic!("{other:?}"),
    }
    // No problem document at all: still an error with the status.
    match upload_result(503, None, b"", None, &sent) {
        Err(e @ DapError::Rejected(_)) => assert!(e.to_string().contains("HTTP 503")),
        other => panic!("{other:?}"),
    }
}

// ---------------------------------------------------------------------------------
// The byte-exact vector

#[test]
fn a_seeded_report_matches_the_committed_vector_byte_for_byte() {
    let (spec, task, vdaf) = histogram_setup();
    let aggs = Aggregators {
        verify_key: [0x5a; 32],
        ..Aggregators::new(spec)
    };
    let (leader, helper) = aggs.configs();
    let upload = task
        .report(2, T0, &leader, &helper, &mut SeededRandom(18))
        .unwrap();
    let hex: String = upload.body.iter().map(|b| format!("{b:02x}")).collect();
    let path = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/data/dap-18-report.hex");
    if std::env::var_os("TAILOR_WRITE_DAP_VECTOR").is_some() {
        let lines: Vec<&str> = hex
            .as_bytes()
            .chunks(64)
            .map(|c| std::str::from_utf8(c).unwrap())
            .collect();
        std::fs::write(path, lines.join("\n") + "\n").unwrap();
    }
    let committed: String = std::fs::read_to_string(path)
        .unwrap()
        .split_whitespace()
        .collect();
    assert_eq!(
        hex, committed,
        "the report's bytes changed; see tests/data/dap-18-report.md"
    );
    // And it is a real report: the aggregators read it as one shopper in bucket 2.
    assert_eq!(
        upload.url,
        format!("https://leader.example/dap/tasks/{TASK_ID}/reports")
    );
    assert_eq!(
        upload.content_type,
        "application/ppm-dap;message=upload-req"
    );
    let (total, refused, why) = aggs.collect(&vdaf, &[upload]);
    assert_eq!(refused, 0, "{why:?}");
    assert_eq!(total, vec![0, 0, 1, 0, 0]);
}

#[test]
fn prio_decodes_what_it_encoded() {
    // Guards the aggregators' side of this file: prio's share codec round-trips.
    let vdaf = Prio3Count::new_count(2).unwrap();
    let (public, inputs) = prio::vdaf::Client::<16>::shard(&vdaf, b"ctx", &true, &[0; 16]).unwrap();
    let bytes = inputs[0].get_encoded().unwrap();
    let back =
        <Prio3Count as Vdaf>::InputShare::get_decoded_with_param(&(&vdaf, 0), &bytes).unwrap();
    assert_eq!(back.get_encoded().unwrap(), bytes);
    assert!(public.get_encoded().unwrap().is_empty());
}

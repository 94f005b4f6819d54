//! DAP reports (draft-ietf-ppm-dap-18) end to end, natively: simulated shoppers make
//! reports with Tailor's client; an in-process leader and helper, built here from the
//! draft and from the `prio` and `hpke` crates' own aggregator side, read the uploads,
//! decrypt their input shares, verify them with Prio3 and release the total.
//!
//! The aggregators' side is written here from the draft, not with Tailor's encoder: it
//! parses the `Report` and builds the `TaskConfiguration` it binds into decryption
//! itself, so an encoding mistake in the client shows up as a failed decryption.
#![cfg(all(not(target_arch = "wasm32"), feature = "dap"))]

use prio::codec::{Encode, ParameterizedDecode};
use prio::vdaf::prio3::{optimal_chunk_length, Prio3Count, Prio3Histogram, Prio3Sum, Prio3SumVec};
use prio::vdaf::Vdaf;
use serde_json::json;

use tailor::core::dap::{
    upload_result, DapError, DapInput, DapTask, ProblemDetails, ProblemType, ReportError, Upload,
};
use tailor::core::ldp::{OsRandom, Random, SeededRandom};
use tailor::core::reports::Measure;
use tailor::core::Error;
use tailor::dap_aggregator::{parse_report, Aggregators, TaskSpec, W};

/// A Tuesday, 2026-11-24, noon UTC.
const T0: i64 = 1_795_521_600_000;
const CLIENTS: usize = 1_000;
const TASK_ID: &str = tailor::dap_aggregator::EXAMPLE_TASK_ID;

// ---------------------------------------------------------------------------------
// The aggregators' side: tailor::dap_aggregator, from the draft

/// `TaskSpec::example` under the name the tests use.
fn task_spec(vdaf_type: u32, vdaf_config: Vec<u8>) -> TaskSpec {
    TaskSpec::example(vdaf_type, vdaf_config)
}

/// The aggregators of `spec`, expecting every report at `T0`'s week.
fn aggregators(spec: TaskSpec) -> Aggregators {
    let time = T0 as u64 / 1000 / spec.time_precision;
    let mut a = Aggregators::new(spec);
    a.time = Some(time);
    a
}

fn base64url(b: &[u8]) -> String {
    tailor::core::dap::codec::base64url(b)
}

/// The shop's `dap` declaration for the same task.
fn shop_input(spec: &TaskSpec, vdaf: serde_json::Value) -> DapInput {
    let mut j = json!({
        "taskId": base64url(&spec.task_id),
        "taskInfo": spec.task_info,
        "leader": spec.leader,
        "helper": spec.helper,
        "timePrecision": spec.time_precision,
        "minBatchSize": spec.min_batch_size,
        "batchMode": "timeInterval",
    });
    if !vdaf.is_null() {
        j["vdaf"] = vdaf;
    }
    serde_json::from_value(j).unwrap()
}

// ---------------------------------------------------------------------------------
// The shoppers' side: Tailor's client

/// `DapTask::new` for a kind of `measure`: what the page passes of the kind (its measure's
/// name and bucket labels), as the DAP module's `declareTask` does.
fn new_task(input: DapInput, at: &str, measure: &Measure) -> Result<DapTask, Error> {
    DapTask::new(input, at, measure.name(), &measure.labels())
}

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
    let spec = task_spec(4, config.0);
    let task = new_task(shop_input(&spec, serde_json::Value::Null), "dap", &measure).unwrap();
    let aggs = aggregators(spec);
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
    let spec = task_spec(1, Vec::new());
    let task = new_task(
        shop_input(&spec, serde_json::Value::Null),
        "dap",
        &Measure::PersonalizedClick,
    )
    .unwrap();
    let aggs = aggregators(spec);
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
    let spec = task_spec(2, config.0);
    let task = new_task(
        shop_input(&spec, json!({ "type": "sum", "maxMeasurement": 4 })),
        "dap",
        &measure,
    )
    .unwrap();
    let aggs = aggregators(spec);
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
    let spec = task_spec(3, config.0);
    let task = new_task(
        shop_input(
            &spec,
            json!({ "type": "sumVec", "length": 3, "maxMeasurement": 1 }),
        ),
        "dap",
        &measure,
    )
    .unwrap();
    let aggs = aggregators(spec);
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
    let spec = task_spec(4, config.0);
    let task = new_task(
        shop_input(&spec, serde_json::Value::Null),
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
    let aggs = aggregators(spec);
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
    let aggs = aggregators(spec.clone());
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
            Box::new(|t| t.task_info = "tailor test task 2".into()),
        ),
        (
            "helper URL",
            Box::new(|t| t.helper = "https://helper.example/".into()),
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
        let aggs = aggregators(other);
        let (leader, helper) = aggs.configs();
        let upload = task.report(1, T0, &leader, &helper, &mut OsRandom).unwrap();
        let (_, refused, why) = aggs.collect(&vdaf, &[upload]);
        assert_eq!(refused, 1, "{what}");
        assert!(why.unwrap().starts_with("hpke_decrypt_error"), "{what}");
    }
    // And the unchanged task does decrypt: the variants fail for their one difference.
    let aggs = aggregators(spec);
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
        match new_task(input, at, &measure_top()) {
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
    assert!(new_task(input, at, &measure_top()).is_ok());
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
        ..aggregators(spec)
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

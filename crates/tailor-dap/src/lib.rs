//! Tailor's DAP module: the wasm the page loads (through www/lib/dap.js) only when the
//! shop declared a report kind with transport "dap". At `Tailor.open` it validates each
//! such kind's `dap` task (the main wasm holds no DAP code); then it makes a report from
//! the task, the value the engine says is due and the aggregators' HPKE configs the page
//! fetched, and reads the leader's answer. Thin on purpose: the work is in
//! `tailor::core::dap`, tested natively; the page does all I/O.

use js_sys::{Array, Object, Reflect, Uint8Array};
use serde::Deserialize;
use tailor::core::dap::codec::{base64url, base64url_decode};
use tailor::core::dap::{
    upload_result, Aggregator, DapInput, DapTask, HpkeConfigList, Measurement, ProblemDetails,
};
use tailor::core::ldp::OsRandom;
use tailor::de::De;
use wasm_bindgen::prelude::*;

fn set(o: &Object, key: &str, value: JsValue) {
    // Cannot fail on a plain new Object.
    let _ = Reflect::set(o, &JsValue::from_str(key), &value);
}

fn task_id(text: &str) -> Result<[u8; 32], JsError> {
    base64url_decode(text)
        .ok()
        .and_then(|b| b.try_into().ok())
        .ok_or_else(|| JsError::new("taskId: expected 43 characters of base64url (32 bytes)"))
}

/// Validates the `dap` task of a kind the main wasm validated otherwise: `input` as the
/// shop declared it, `at` its path (`reports.kinds[2].dap`, which errors name, word for
/// word as the rest of `Tailor.open`'s), `measure` and `labels` the kind's as
/// `reports.preview().kinds` gives them. Returns `{ taskId, task (the TaskConfiguration,
/// base64url), domain, vdaf, minBatchSize, leaderConfig, helperConfig }`: what
/// `makeReport` and `reports.preview().dap` need.
#[wasm_bindgen(js_name = declareTask)]
pub fn declare_task(
    input: JsValue,
    at: &str,
    measure: &str,
    labels: Vec<String>,
) -> Result<Object, JsError> {
    // Type errors are the reader's, under `options.` as for every other option.
    let input =
        DapInput::deserialize(De(input)).map_err(|e| JsError::new(&format!("options.{at}{e}")))?;
    let task =
        DapTask::new(input, at, measure, &labels).map_err(|e| JsError::new(&e.to_string()))?;
    let o = Object::new();
    set(&o, "taskId", task.task_id_text().into());
    set(&o, "task", base64url(&task.configuration()).into());
    set(&o, "domain", task.domain.into());
    set(&o, "vdaf", task.vdaf.name().into());
    set(&o, "minBatchSize", (task.min_batch_size as f64).into());
    set(
        &o,
        "leaderConfig",
        task.hpke_config_url(Aggregator::Leader).into(),
    );
    set(
        &o,
        "helperConfig",
        task.hpke_config_url(Aggregator::Helper).into(),
    );
    Ok(o)
}

/// Makes the DAP report of bucket `value` at `now` (ms since 1970): `taskId`, `task`
/// (the `TaskConfiguration`, base64url) and `domain` as `declareTask` gives them; `leader` and `helper` the bodies of the aggregators' `GET …/hpke_config`.
/// Randomness from `crypto.getRandomValues`. Returns `{ url, method, contentType, body
/// (Uint8Array), reportId (base64url), time, measurement }`: the upload, as it is to be
/// sent, and the plaintext it carries (for the preview only).
#[wasm_bindgen(js_name = makeReport)]
pub fn make_report(
    task_id_text: &str,
    task: &str,
    domain: u32,
    leader: &[u8],
    helper: &[u8],
    value: u32,
    now: f64,
) -> Result<Object, JsError> {
    let id = task_id(task_id_text)?;
    let config = base64url_decode(task).map_err(|e| JsError::new(&format!("task: {e}")))?;
    let task = DapTask::from_configuration(id, &config, domain)
        .map_err(|m| JsError::new(&format!("task.{}: {}", m.field, m.problem)))?;
    let dap = |e: tailor::core::dap::DapError| JsError::new(&e.to_string());
    let leader = HpkeConfigList::decode(leader, Aggregator::Leader).map_err(dap)?;
    let helper = HpkeConfigList::decode(helper, Aggregator::Helper).map_err(dap)?;
    if !(now.is_finite() && now >= 0.0) {
        return Err(JsError::new("now: expected milliseconds since 1970"));
    }
    let upload = task
        .report(
            value,
            now as i64,
            leader.choose(Aggregator::Leader).map_err(dap)?,
            helper.choose(Aggregator::Helper).map_err(dap)?,
            &mut OsRandom,
        )
        .map_err(dap)?;
    let o = Object::new();
    set(&o, "url", upload.url.into());
    set(&o, "method", upload.method.into());
    set(&o, "contentType", upload.content_type.into());
    set(&o, "body", Uint8Array::from(&upload.body[..]).into());
    set(&o, "reportId", base64url(&upload.report_id).into());
    set(&o, "time", (upload.time as f64).into());
    let measurement = match upload.measurement {
        Measurement::Count(yes) => JsValue::from_bool(yes),
        Measurement::Sum(n) => (n as f64).into(),
        Measurement::Histogram(bucket) => (bucket as f64).into(),
        Measurement::SumVec(v) => v
            .iter()
            .map(|&n| JsValue::from_f64(n as f64))
            .collect::<Array>()
            .into(),
    };
    set(&o, "measurement", measurement);
    Ok(o)
}

/// What the leader's answer to the upload of report `report_id` means: `undefined` when
/// it was accepted, else the error in words (a refused report with its DAP error code
/// and what to do, a problem document, or an answer DAP-18 does not allow). `problem` is
/// the parsed JSON body when the answer is `application/problem+json`.
#[wasm_bindgen(js_name = uploadError)]
pub fn upload_error(
    status: u16,
    content_type: Option<String>,
    body: &[u8],
    problem: JsValue,
    report_id: &str,
) -> Option<String> {
    let id: [u8; 16] = base64url_decode(report_id)
        .ok()
        .and_then(|b| b.try_into().ok())
        .unwrap_or_default();
    let problem = problem_details(&problem);
    upload_result(status, content_type.as_deref(), body, problem, &[id])
        .err()
        .map(|e| e.to_string())
}

/// The members of a problem document Tailor reads, from the parsed JSON (no JSON or
/// serde library in this module for five fields).
fn problem_details(v: &JsValue) -> Option<ProblemDetails> {
    if !v.is_object() {
        return None;
    }
    let get = |k: &str| Reflect::get(v, &JsValue::from_str(k)).ok();
    let text = |k: &str| get(k).and_then(|x| x.as_string());
    Some(ProblemDetails {
        problem_type: text("type"),
        title: text("title"),
        status: get("status").and_then(|x| x.as_f64()).map(|n| n as u16),
        detail: text("detail"),
        instance: text("instance"),
        taskid: text("taskid"),
        unsupported_extensions: get("unsupported_extensions")
            .filter(|x| Array::is_array(x))
            .map(|x| {
                Array::from(&x)
                    .iter()
                    .filter_map(|n| n.as_f64())
                    .map(|n| n as u16)
                    .collect()
            }),
    })
}

//! A report kind's DAP task: the shop's declaration (`dap` in a report kind), validated
//! into a [`DapTask`], and the task's `TaskConfiguration` bytes (DAP-18 §4.2), which
//! every report binds into its encryption: a report made for a task configured
//! differently anywhere (id, URLs, precision, batch size, mode, VDAF, extensions) fails
//! to decrypt at the aggregators instead of being counted in the wrong total.
//!
//! In the browser this runs in the DAP module at `Tailor.open` (`declareTask` of
//! crates/tailor-dap), after the main wasm validated the rest of the kind.

use serde::Deserialize;

use super::aggregator::Aggregator;
use super::codec::{base64url, base64url_decode, Out};
use super::vdaf::{default_chunk_length, Vdaf};
use crate::core::number::number_text;
use crate::core::Error;

/// `dap` in a report kind of `Tailor.open`'s `reports.kinds`. Every field but
/// `taskInterval` and `vdaf` is required: each must equal the aggregators' task exactly.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct DapInput {
    /// The task id, base64url without padding (43 characters: 32 bytes).
    pub task_id: Option<String>,
    /// The task's `task_info`, as text (1 to 255 bytes of UTF-8).
    pub task_info: Option<String>,
    /// The leader's base URL, e.g. `https://dap.example/api`.
    pub leader: Option<String>,
    /// The helper's base URL.
    pub helper: Option<String>,
    /// Seconds; at least a day (86400): Tailor never reports a finer time.
    pub time_precision: Option<f64>,
    /// The smallest batch the aggregators release; at least [`MIN_BATCH_FLOOR`].
    pub min_batch_size: Option<f64>,
    /// "timeInterval" or "leaderSelected".
    pub batch_mode: Option<String>,
    /// The VDAF; by default a histogram over the kind's buckets (a count for
    /// personalizedClick).
    pub vdaf: Option<VdafInput>,
    /// The task's `task_interval` extension, if it has one.
    pub task_interval: Option<IntervalInput>,
}

/// `dap.vdaf`: `{ type: "histogram", length: 4, chunkLength: 2 }` and the like.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct VdafInput {
    #[serde(rename = "type")]
    pub kind: Option<String>,
    pub length: Option<f64>,
    pub chunk_length: Option<f64>,
    pub max_measurement: Option<f64>,
}

/// `dap.taskInterval`: POSIX seconds, each a multiple of the time precision.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct IntervalInput {
    pub start: Option<f64>,
    pub duration: Option<f64>,
}

/// DAP-18 §4.2.1 `BatchMode`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum BatchMode {
    TimeInterval,
    LeaderSelected,
}

impl BatchMode {
    pub fn code(self) -> u8 {
        match self {
            BatchMode::TimeInterval => 1,
            BatchMode::LeaderSelected => 2,
        }
    }
}

/// The coarsest time a report may carry is what the task sets, but never finer than
/// a day: Tailor's reports are at day granularity (DESIGN, promise 4).
pub const MIN_TIME_PRECISION: u64 = 86_400;
/// DAP-18 §8.4.3: a client SHOULD opt out of a task whose minimum batch is too small to
/// hide one report. Below 100 a total says too much about the few shoppers in it.
pub const MIN_BATCH_FLOOR: u64 = 100;
/// Largest integer a JS number holds exactly.
const MAX_SAFE: f64 = 9_007_199_254_740_991.0;
/// Longest aggregator URL accepted (DAP allows 2^16-1; no real endpoint is this long).
const MAX_URL: usize = 2000;

/// A validated DAP task for one report kind.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DapTask {
    pub task_id: [u8; 32],
    pub task_info: Vec<u8>,
    /// The URLs byte for byte as declared: they are part of the task configuration.
    pub leader: String,
    pub helper: String,
    /// Seconds.
    pub time_precision: u64,
    pub min_batch_size: u64,
    pub batch_mode: BatchMode,
    pub vdaf: Vdaf,
    /// `(start, duration)` in units of the time precision.
    pub task_interval: Option<(u64, u64)>,
    /// The kind's number of buckets: a value to report is below it.
    pub domain: u32,
}

impl DapTask {
    /// Validates `input` for a kind measuring `measure` (its name, e.g. "topCategory")
    /// over `labels` (its buckets in domain order, as `Measure::labels` gives them: all
    /// the task needs of the kind, which the main wasm validated). `at` is the path of
    /// the `dap` field, e.g. `reports.kinds[2].dap`; errors name the field under it.
    pub fn new(
        input: DapInput,
        at: &str,
        measure: &str,
        labels: &[String],
    ) -> Result<DapTask, Error> {
        let field = |f: &str| format!("{at}.{f}");
        let task_id = task_id(&field("taskId"), input.task_id.as_deref())?;
        let task_info = match input.task_info {
            Some(t) if !t.is_empty() && t.len() <= 255 => t.into_bytes(),
            _ => {
                return Err(Error::invalid(
                    field("taskInfo"),
                    "expected the task's task_info, 1 to 255 bytes of text, exactly as the aggregators have it",
                ))
            }
        };
        let leader = aggregator_url(&field("leader"), input.leader)?;
        let helper = aggregator_url(&field("helper"), input.helper)?;
        if helper == leader {
            return Err(Error::invalid(
                field("helper"),
                "is the leader's URL; DAP needs two different aggregators, neither of which sees a report alone",
            ));
        }
        let time_precision = whole(
            &field("timePrecision"),
            input.time_precision,
            MIN_TIME_PRECISION,
            "expected the task's time precision, a whole number of seconds of at least 86400 (a day; e.g. 604800 for a week): Tailor never reports a finer time",
        )?;
        let min_batch_size = whole(
            &field("minBatchSize"),
            input.min_batch_size,
            MIN_BATCH_FLOOR,
            "expected the task's minimum batch size, a whole number of at least 100: a smaller batch's total says too much about the shoppers in it",
        )?;
        let batch_mode = match input.batch_mode.as_deref() {
            Some("timeInterval") => BatchMode::TimeInterval,
            Some("leaderSelected") => BatchMode::LeaderSelected,
            other => {
                return Err(Error::invalid(
                    field("batchMode"),
                    format!(
                        "{} is not a batch mode; expected \"timeInterval\" or \"leaderSelected\", as the task has it",
                        other.map_or("missing".to_owned(), |m| format!("\"{m}\""))
                    ),
                ))
            }
        };
        let vdaf = vdaf(&field("vdaf"), input.vdaf, measure, labels)?;
        let task_interval = match input.task_interval {
            None => None,
            Some(i) => {
                let f = |n: &str| field(&format!("taskInterval.{n}"));
                let multiple = |name: &str, v: Option<f64>, min: u64| {
                    let s = whole(
                        &f(name),
                        v,
                        min,
                        "expected whole POSIX seconds, a multiple of timePrecision",
                    )?;
                    if s % time_precision != 0 {
                        return Err(Error::invalid(
                            f(name),
                            format!(
                                "{s} is not a multiple of timePrecision ({time_precision}); DAP times are whole time precisions"
                            ),
                        ));
                    }
                    Ok(s / time_precision)
                };
                let start = multiple("start", i.start, 0)?;
                let duration = multiple("duration", i.duration, 1)?;
                Some((start, duration))
            }
        };
        Ok(DapTask {
            task_id,
            task_info,
            leader,
            helper,
            time_precision,
            min_batch_size,
            batch_mode,
            vdaf,
            task_interval,
            domain: labels.len() as u32,
        })
    }

    /// The encoded `TaskConfiguration` (DAP-18 §4.2):
    ///
    /// ```text
    /// opaque task_info<1..2^8-1>; Url leader; Url helper (each opaque<1..2^16-1>);
    /// uint64 time_precision; uint64 min_batch_size; uint8 batch_mode;
    /// opaque batch_config<0..2^16-1> (empty for both modes); uint32 vdaf_type;
    /// opaque vdaf_configuration<0..2^16-1>; TaskExtension extensions<0..2^16-1>
    /// ```
    ///
    /// Encoded from the fields each time, so it can never disagree with them.
    pub fn configuration(&self) -> Vec<u8> {
        let mut extensions = Out::new();
        if let Some((start, duration)) = self.task_interval {
            // task_interval(1): extension_data is an Interval { Time start; Duration duration }.
            let mut data = Out::new();
            data.u64(start).u64(duration);
            extensions.u16(1).vec16(&data.finish());
        }
        let mut o = Out::new();
        o.vec8(&self.task_info)
            .vec16(self.leader.as_bytes())
            .vec16(self.helper.as_bytes())
            .u64(self.time_precision)
            .u64(self.min_batch_size)
            .u8(self.batch_mode.code())
            .vec16(&[])
            .u32(self.vdaf.vdaf_type())
            .vec16(&self.vdaf.encode_config())
            .vec16(&extensions.finish());
        o.finish()
    }

    /// The task id as DAP writes it in URLs.
    pub fn task_id_text(&self) -> String {
        base64url(&self.task_id)
    }

    /// `{leader}/tasks/{task-id}/reports`, where reports are POSTed.
    pub fn upload_url(&self) -> String {
        let mut url = base(&self.leader).to_owned();
        url.push_str("/tasks/");
        url.push_str(&self.task_id_text());
        url.push_str("/reports");
        url
    }

    /// `{aggregator}/hpke_config`, where an aggregator's keys are fetched (GET).
    pub fn hpke_config_url(&self, aggregator: Aggregator) -> String {
        let a = match aggregator {
            Aggregator::Leader => &self.leader,
            Aggregator::Helper => &self.helper,
        };
        let mut url = base(a).to_owned();
        url.push_str("/hpke_config");
        url
    }
}

impl DapTask {
    /// The task back from its id and encoded `TaskConfiguration` (what [`configuration`]
    /// wrote), for a report of a kind of `domain` buckets: how the main wasm hands a
    /// validated task to the DAP module. Only what Tailor itself encodes is read back; an
    /// error says which field did not.
    ///
    /// [`configuration`]: DapTask::configuration
    pub fn from_configuration(
        task_id: [u8; 32],
        bytes: &[u8],
        domain: u32,
    ) -> Result<DapTask, super::codec::Malformed> {
        use super::codec::{In, Malformed};
        let bad = |field: &str, problem: &str| Malformed {
            field: field.to_owned(),
            problem: problem.to_owned(),
        };
        let mut r = In::new(bytes);
        let task_info = r.vec8("task_info")?.to_vec();
        let url = |r: &mut In, field: &str| -> Result<String, Malformed> {
            String::from_utf8(r.vec16(field)?.to_vec()).map_err(|_| bad(field, "not UTF-8"))
        };
        let leader = url(&mut r, "leader")?;
        let helper = url(&mut r, "helper")?;
        let time_precision = r.u64("time_precision")?;
        let min_batch_size = r.u64("min_batch_size")?;
        let batch_mode = match r.u8("batch_mode")? {
            1 => BatchMode::TimeInterval,
            2 => BatchMode::LeaderSelected,
            _ => return Err(bad("batch_mode", "expected 1 or 2")),
        };
        if !r.vec16("batch_config")?.is_empty() {
            return Err(bad("batch_config", "expected it empty"));
        }
        let vdaf_type = r.u32("vdaf_type")?;
        let mut c = In::new(r.vec16("vdaf_configuration")?);
        let vdaf = match vdaf_type {
            1 => Vdaf::Count,
            2 => Vdaf::Sum {
                max_measurement: c.u64("max_measurement")?,
            },
            3 => Vdaf::SumVec {
                length: c.u32("length")?,
                max_measurement: c.u64("max_measurement")?,
                chunk_length: c.u32("chunk_length")?,
            },
            4 => Vdaf::Histogram {
                length: c.u32("length")?,
                chunk_length: c.u32("chunk_length")?,
            },
            _ => {
                return Err(bad(
                    "vdaf_type",
                    "expected 1 to 4 (Prio3 Count, Sum, SumVec, Histogram)",
                ))
            }
        };
        if !c.at_end() {
            return Err(bad("vdaf_configuration", "bytes follow the parameters"));
        }
        let mut e = In::new(r.vec16("extensions")?);
        let task_interval = if e.at_end() {
            None
        } else {
            if e.u16("extension_type")? != 1 {
                return Err(bad("extensions", "expected only task_interval (1)"));
            }
            let mut i = In::new(e.vec16("extension_data")?);
            Some((i.u64("start")?, i.u64("duration")?))
        };
        if !e.at_end() || !r.at_end() {
            return Err(bad("TaskConfiguration", "bytes follow the last field"));
        }
        Ok(DapTask {
            task_id,
            task_info,
            leader,
            helper,
            time_precision,
            min_batch_size,
            batch_mode,
            vdaf,
            task_interval,
            domain,
        })
    }
}

/// A base URL to append a resource path to: one trailing '/' is dropped so that
/// `https://a.example/` and `https://a.example` both give `https://a.example/hpke_config`.
fn base(url: &str) -> &str {
    url.strip_suffix('/').unwrap_or(url)
}

fn task_id(field: &str, text: Option<&str>) -> Result<[u8; 32], Error> {
    let expected = "expected the task id as the aggregators give it: 43 characters of base64url (32 bytes, no padding)";
    let Some(text) = text else {
        return Err(Error::invalid(field, format!("missing; {expected}")));
    };
    let bytes = base64url_decode(text)
        .map_err(|why| Error::invalid(field, format!("\"{text}\" {why}; {expected}")))?;
    bytes.try_into().map_err(|b: Vec<u8>| {
        Error::invalid(
            field,
            format!("decodes to {} bytes, not 32; {expected}", b.len()),
        )
    })
}

/// An aggregator's base URL: https, or http to this machine only (a local test
/// aggregator); no query or fragment (resource paths are appended to it); no white space.
fn aggregator_url(field: &str, input: Option<String>) -> Result<String, Error> {
    let expected = "expected the aggregator's base URL, https://… (http:// only for localhost), exactly as the task has it";
    let Some(url) = input else {
        return Err(Error::invalid(field, format!("missing; {expected}")));
    };
    let bad = |why: &str| {
        Err(Error::invalid(
            field,
            format!("\"{url}\" {why}; {expected}"),
        ))
    };
    if url.len() > MAX_URL {
        return bad("is longer than 2000 characters");
    }
    if !url.bytes().all(|b| b.is_ascii_graphic()) {
        return bad("has white space or a character that is not ASCII (write it percent-encoded, as the task has it)");
    }
    let (rest, secure) = if let Some(rest) = url.strip_prefix("https://") {
        (rest, true)
    } else if let Some(rest) = url.strip_prefix("http://") {
        (rest, false)
    } else {
        return bad("is not an https URL");
    };
    if url.contains(['?', '#']) {
        return bad("has a query or fragment; resource paths are appended to it");
    }
    let authority = rest.split('/').next().unwrap_or("");
    if authority.contains('@') {
        return bad("has credentials in it");
    }
    // The host, without a port: "[::1]:8080" → "[::1]", "localhost:9000" → "localhost".
    let host = if authority.starts_with('[') {
        authority.split_inclusive(']').next().unwrap_or("")
    } else {
        authority.split(':').next().unwrap_or("")
    };
    if host.is_empty() {
        return bad("has no host");
    }
    if !secure && !matches!(host, "localhost" | "127.0.0.1" | "[::1]") {
        return bad("is http; reports go over https (http only to localhost, for tests)");
    }
    Ok(url)
}

/// A whole number from `min` to 2^53-1, as JS numbers hold them exactly.
fn whole(field: &str, value: Option<f64>, min: u64, expected: &str) -> Result<u64, Error> {
    match value {
        Some(v) if v.fract() == 0.0 && v >= min as f64 && v <= MAX_SAFE => Ok(v as u64),
        Some(v) => Err(Error::invalid(
            field,
            format!("{} is not allowed; {expected}", number_text(v)),
        )),
        None => Err(Error::invalid(field, format!("missing; {expected}"))),
    }
}

/// The kind's VDAF: declared, or by default a Histogram over its buckets (Count for
/// personalizedClick). Whatever is declared must fit the measure.
fn vdaf(
    field: &str,
    input: Option<VdafInput>,
    measure: &str,
    labels: &[String],
) -> Result<Vdaf, Error> {
    let domain = labels.len() as u64;
    let sub = |f: &str| format!("{field}.{f}");
    let Some(input) = input else {
        return Ok(match measure {
            "personalizedClick" => Vdaf::Count,
            _ => Vdaf::Histogram {
                length: domain as u32,
                chunk_length: default_chunk_length(domain as usize) as u32,
            },
        });
    };
    // A parameter the type does not take is a mistake, not something to ignore.
    let takes = |name: &str, given: bool, ok: bool| {
        if given && !ok {
            Err(Error::invalid(
                sub(name),
                format!(
                    "a {} VDAF takes no {name}",
                    input.kind.as_deref().unwrap_or("")
                ),
            ))
        } else {
            Ok(())
        }
    };
    let kind = input.kind.as_deref();
    let (has_len, has_chunk, has_max) = match kind {
        Some("count") => (false, false, false),
        Some("sum") => (false, false, true),
        Some("sumVec") => (true, true, true),
        Some("histogram") => (true, true, false),
        other => {
            return Err(Error::invalid(
                sub("type"),
                format!(
                    "{} is not a VDAF Tailor sends; expected \"histogram\", \"count\", \"sum\" or \"sumVec\"",
                    other.map_or("missing".to_owned(), |m| format!("\"{m}\""))
                ),
            ))
        }
    };
    takes("length", input.length.is_some(), has_len)?;
    takes("chunkLength", input.chunk_length.is_some(), has_chunk)?;
    takes("maxMeasurement", input.max_measurement.is_some(), has_max)?;
    let labels = || labels.join(", ");
    // The vector's length is the kind's bucket count: say so, with the buckets.
    let length = || -> Result<u64, Error> {
        match input.length {
            None => Ok(domain),
            Some(l) => {
                let l = whole(&sub("length"), Some(l), 1, "expected the number of buckets")?;
                if l != domain {
                    return Err(Error::invalid(
                        sub("length"),
                        format!(
                            "{l} is not the kind's {domain} buckets ({}); expected {domain}",
                            labels()
                        ),
                    ));
                }
                Ok(l)
            }
        }
    };
    let chunk = |measurement_length: u64| -> Result<u32, Error> {
        match input.chunk_length {
            None => Ok(default_chunk_length(measurement_length as usize) as u32),
            Some(c) => {
                let c = whole(
                    &sub("chunkLength"),
                    Some(c),
                    1,
                    "expected the task's proof chunk length, a whole number ≥ 1",
                )?;
                if c > measurement_length {
                    return Err(Error::invalid(
                        sub("chunkLength"),
                        format!("{c} is longer than the measurement ({measurement_length}); expected at most that"),
                    ));
                }
                Ok(c as u32)
            }
        }
    };
    let max = |min: u64, why: &str| -> Result<u64, Error> {
        whole(
            &sub("maxMeasurement"),
            input.max_measurement,
            min,
            &format!("expected a whole number ≥ {min} ({why})"),
        )
    };
    match kind {
        Some("count") => {
            if measure != "personalizedClick" {
                return Err(Error::invalid(
                    sub("type"),
                    format!(
                        "a count VDAF sends yes/no; only personalizedClick is yes/no, this kind is {}; expected \"histogram\"",
                        measure
                    ),
                ));
            }
            Ok(Vdaf::Count)
        }
        Some("sum") => {
            // A sum of bucket numbers means something only when buckets are ordered.
            if !matches!(measure, "basketSize" | "personalizedClick") {
                return Err(Error::invalid(
                    sub("type"),
                    format!(
                        "a sum adds bucket numbers, which only basketSize and personalizedClick order; this kind is {}; expected \"histogram\"",
                        measure
                    ),
                ));
            }
            Ok(Vdaf::Sum {
                max_measurement: max(domain - 1, "the highest bucket number")?,
            })
        }
        Some("sumVec") => {
            let length = length()?;
            let max_measurement = max(1, "a bucket is sent as a 1")?;
            let bits = u64::from(64 - max_measurement.leading_zeros());
            Ok(Vdaf::SumVec {
                length: length as u32,
                max_measurement,
                chunk_length: chunk(length * bits)?,
            })
        }
        _ => {
            let length = length()?;
            Ok(Vdaf::Histogram {
                length: length as u32,
                chunk_length: chunk(length)?,
            })
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::core::reports::Measure;

    /// `DapTask::new` for a kind of `measure`, as the page calls it.
    fn new_task(input: DapInput, measure: &Measure) -> Result<DapTask, Error> {
        DapTask::new(input, "dap", measure.name(), &measure.labels())
    }

    fn input() -> DapInput {
        DapInput {
            task_id: Some("8BY0RzZMzxvA46_8ymhzycOB9krN-QIGYvg_RsByGec".into()),
            task_info: Some("foobar".into()),
            leader: Some("https://example.com/".into()),
            helper: Some("https://another.example.com/".into()),
            time_precision: Some(86400.0),
            min_batch_size: Some(10000.0),
            batch_mode: Some("timeInterval".into()),
            vdaf: None,
            task_interval: None,
        }
    }

    fn hex(s: &str) -> Vec<u8> {
        let s: String = s.split_whitespace().collect();
        (0..s.len())
            .step_by(2)
            .map(|k| u8::from_str_radix(&s[k..k + 2], 16).unwrap())
            .collect()
    }

    #[test]
    fn task_configuration_is_dap_18_section_4_2_field_by_field() {
        let mut i = input();
        i.task_interval = Some(IntervalInput {
            start: Some(86400.0 * 20_000.0),
            duration: Some(86400.0 * 28.0),
        });
        let task = new_task(i, &Measure::PersonalizedClick).unwrap();
        let expected = hex(concat!(
            "06 666f6f626172",                               // task_info<1..2^8-1>
            "0014 68747470733a2f2f6578616d706c652e636f6d2f", // leader Url
            "001c 68747470733a2f2f616e6f746865722e6578616d706c652e636f6d2f", // helper Url
            "0000000000015180",                              // time_precision 86400
            "0000000000002710",                              // min_batch_size 10000
            "01",                                            // time_interval
            "0000",                                          // batch_config: empty
            "00000001",                                      // Prio3Count
            "0000",                                          // vdaf_configuration: Empty
            "0014 0001 0010 0000000000004e20 000000000000001c", // task_interval 20000, 28
        ));
        assert_eq!(task.configuration(), expected);
        assert_eq!(task.task_interval, Some((20_000, 28)));
    }

    #[test]
    fn a_task_reads_back_from_its_configuration() {
        let top = Measure::TopCategory {
            buckets: vec!["a".into(), "b".into()],
        };
        let mut with_interval = input();
        with_interval.task_interval = Some(IntervalInput {
            start: Some(86400.0 * 5.0),
            duration: Some(86400.0 * 7.0),
        });
        let sum_vec = VdafInput {
            kind: Some("sumVec".into()),
            max_measurement: Some(1.0),
            ..Default::default()
        };
        let mut leader_selected = input();
        leader_selected.batch_mode = Some("leaderSelected".into());
        leader_selected.vdaf = Some(sum_vec);
        for (i, measure) in [
            (input(), Measure::PersonalizedClick),
            (with_interval, top.clone()),
            (leader_selected, top),
        ] {
            let task = new_task(i, &measure).unwrap();
            let back =
                DapTask::from_configuration(task.task_id, &task.configuration(), task.domain)
                    .unwrap();
            assert_eq!(back, task);
        }
        let mut cut = new_task(input(), &Measure::PersonalizedClick)
            .unwrap()
            .configuration();
        cut.pop();
        let err = DapTask::from_configuration([0; 32], &cut, 2).unwrap_err();
        assert_eq!(err.field, "extensions");
    }

    #[test]
    fn urls_append_resource_paths_to_the_base() {
        let task = new_task(input(), &Measure::PersonalizedClick).unwrap();
        assert_eq!(
            task.upload_url(),
            "https://example.com/tasks/8BY0RzZMzxvA46_8ymhzycOB9krN-QIGYvg_RsByGec/reports"
        );
        assert_eq!(
            task.hpke_config_url(Aggregator::Helper),
            "https://another.example.com/hpke_config"
        );
    }

    #[test]
    fn the_default_vdaf_follows_the_measure() {
        let task = new_task(
            input(),
            &Measure::TopCategory {
                buckets: vec!["a".into(), "b".into(), "c".into()],
            },
        )
        .unwrap();
        assert_eq!(
            task.vdaf,
            Vdaf::Histogram {
                length: 4,
                chunk_length: default_chunk_length(4) as u32
            }
        );
        assert_eq!(task.domain, 4);
        let click = new_task(input(), &Measure::PersonalizedClick).unwrap();
        assert_eq!(click.vdaf, Vdaf::Count);
    }
}

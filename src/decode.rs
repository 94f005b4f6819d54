//! The shop's side of privatized reports (native tools only): reading report lines
//! strictly, grouping them into streams (one shop, kind and period), estimating each
//! stream with [`Tally`], withholding streams with too few reports, labelling buckets
//! from the shop's `reports` config, and simulating populations for tests.
//!
//! Strict means a line that is not exactly what [`Report::to_json`] writes is refused,
//! with its line number and the field at fault: a decoder that silently skipped odd lines
//! would publish estimates from a population nobody can describe.

use std::collections::BTreeMap;
use std::fmt;
use std::io::BufRead;

use serde::de::{Deserialize, Deserializer, MapAccess, Visitor};
use serde_json::Value;

use crate::core::ldp::{
    date, epsilon_text, micro_epsilon, parse_date, period_start, privatize, Estimate, Mechanism,
    MicroEpsilon, Privatized, Random, Report, Tally, FORMAT_VERSION, MAX_DOMAIN, MICRO, OLH_PRIME,
};
use crate::core::reports::{ReportsConfig, ReportsInput};
use crate::core::Error;

/// The largest ε a report may carry. Far above any sensible budget (the device's default
/// cap is 2 per period); it only keeps e^ε finite and the arithmetic meaningful.
pub const MAX_EPSILON: MicroEpsilon = 20 * MICRO;

/// Default of `--min-reports`: below this many reports a stream's estimates are withheld.
pub const DEFAULT_MIN_REPORTS: u64 = 100;

/// A report line that cannot be used: where, which field, and what was expected.
#[derive(Debug, Clone, PartialEq)]
pub struct DecodeError {
    /// 1-based line number in the reports file.
    pub line: usize,
    /// The field at fault; `None` when the line is not a JSON object at all.
    pub field: Option<String>,
    pub message: String,
}

impl DecodeError {
    fn at(line: usize, error: Error) -> DecodeError {
        match error {
            Error::Invalid { field, expected } => DecodeError {
                line,
                field: Some(field),
                message: expected,
            },
            other => DecodeError {
                line,
                field: None,
                message: other.to_string(),
            },
        }
    }
}

impl fmt::Display for DecodeError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match &self.field {
            Some(field) => write!(f, "line {}: {}: {}", self.line, field, self.message),
            None => write!(f, "line {}: {}", self.line, self.message),
        }
    }
}

impl std::error::Error for DecodeError {}

/// A JSON object's members in order, duplicates kept (serde_json's `Map` would keep
/// only the last one, and a report with two `value`s must be refused, not half-read).
struct Members(Vec<(String, Value)>);

impl<'de> Deserialize<'de> for Members {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Members, D::Error> {
        struct MembersVisitor;
        impl<'de> Visitor<'de> for MembersVisitor {
            type Value = Members;
            fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                f.write_str("a JSON object")
            }
            fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Members, A::Error> {
                let mut members = Vec::new();
                while let Some(member) = map.next_entry::<String, Value>()? {
                    members.push(member);
                }
                Ok(Members(members))
            }
        }
        deserializer.deserialize_map(MembersVisitor)
    }
}

/// Every field a report may have, in wire order.
const FIELDS: [&str; 12] = [
    "v",
    "shop",
    "kind",
    "period",
    "mechanism",
    "epsilon",
    "domain",
    "value",
    "bits",
    "a",
    "b",
    "g",
];

/// How a JSON value looks, for messages: `the string "4"`, `1.5`, `null`.
fn describe(value: &Value) -> String {
    match value {
        Value::String(s) => format!("the string {}", Value::String(s.clone())),
        Value::Array(_) => "an array".into(),
        Value::Object(_) => "an object".into(),
        other => other.to_string(),
    }
}

/// A report's members, looked up by name.
struct Fields<'a>(&'a [(String, Value)]);

impl Fields<'_> {
    fn get(&self, name: &str) -> Option<&Value> {
        self.0.iter().find(|(k, _)| k == name).map(|(_, v)| v)
    }

    fn required(&self, name: &str) -> Result<&Value, Error> {
        self.get(name)
            .ok_or_else(|| Error::invalid(name, "missing; every report of this kind has it"))
    }

    fn whole(&self, name: &str, max: u64) -> Result<u64, Error> {
        let value = self.required(name)?;
        match value.as_u64() {
            Some(n) if n <= max => Ok(n),
            Some(n) => Err(Error::invalid(
                name,
                format!("expected at most {max}, got {n}"),
            )),
            None => Err(Error::invalid(
                name,
                format!("expected a whole number, got {}", describe(value)),
            )),
        }
    }

    fn text(&self, name: &str) -> Result<&str, Error> {
        let value = self.required(name)?;
        match value.as_str() {
            Some(s) if !s.is_empty() => Ok(s),
            _ => Err(Error::invalid(
                name,
                format!("expected a non-empty string, got {}", describe(value)),
            )),
        }
    }
}

/// Reads report line number `line` (1-based, for messages), refusing anything
/// [`Report::to_json`] would not have written: unknown or repeated fields, fields of
/// another mechanism, wrong types, values out of range, a period that is not a Monday.
pub fn parse_report(text: &str, line: usize) -> Result<Report, DecodeError> {
    let Members(members) = serde_json::from_str(text).map_err(|e| {
        // serde_json says "… at line 1 column 17": only the column means anything here.
        let message = e.to_string();
        let message = match message.rfind(" at line 1 column ") {
            Some(i) if e.column() > 0 => format!("{} (column {})", &message[..i], e.column()),
            Some(i) => message[..i].to_string(),
            None => message,
        };
        DecodeError {
            line,
            field: None,
            message: format!("not a JSON report: {message}"),
        }
    })?;
    check_report(&members).map_err(|e| DecodeError::at(line, e))
}

fn check_report(members: &[(String, Value)]) -> Result<Report, Error> {
    for (i, (name, _)) in members.iter().enumerate() {
        if !FIELDS.contains(&name.as_str()) {
            return Err(Error::invalid(
                name.as_str(),
                format!("not a report field; expected {}", FIELDS.join(", ")),
            ));
        }
        if members[..i].iter().any(|(k, _)| k == name) {
            return Err(Error::invalid(name.as_str(), "appears twice"));
        }
    }
    let fields = Fields(members);

    let version = fields.whole("v", u32::MAX as u64)?;
    if version != FORMAT_VERSION as u64 {
        return Err(Error::invalid(
            "v",
            format!("format version {version} is not known; expected {FORMAT_VERSION}"),
        ));
    }
    let shop = fields.text("shop")?.to_string();
    let kind = fields.text("kind")?.to_string();
    let period_text = fields.text("period")?;
    let period = parse_date(period_text).ok_or_else(|| {
        Error::invalid(
            "period",
            format!("expected a date YYYY-MM-DD, got the string \"{period_text}\""),
        )
    })?;
    if period_start(period) != period {
        return Err(Error::invalid(
            "period",
            format!(
                "{period_text} is not the first day (a Monday) of a period; expected {}",
                date(period_start(period))
            ),
        ));
    }
    let mechanism_text = fields.text("mechanism")?;
    let mechanism = Mechanism::parse(mechanism_text).ok_or_else(|| {
        Error::invalid(
            "mechanism",
            format!("\"{mechanism_text}\" is not a mechanism; expected grr, oue or olh"),
        )
    })?;
    let epsilon_value = fields.required("epsilon")?;
    let epsilon = match epsilon_value.as_f64() {
        Some(x) => micro_epsilon("epsilon", x, MAX_EPSILON)?,
        None => {
            return Err(Error::invalid(
                "epsilon",
                format!("expected a number, got {}", describe(epsilon_value)),
            ))
        }
    };
    let domain = fields.whole("domain", u32::MAX as u64)? as u32;
    if !(2..=MAX_DOMAIN).contains(&domain) {
        return Err(Error::invalid(
            "domain",
            format!("expected 2 to {MAX_DOMAIN} buckets, got {domain}"),
        ));
    }

    let own: &[&str] = match mechanism {
        Mechanism::Grr => &["value"],
        Mechanism::Oue => &["bits"],
        Mechanism::Olh => &["a", "b", "g", "value"],
    };
    for name in ["value", "bits", "a", "b", "g"] {
        if fields.get(name).is_some() && !own.contains(&name) {
            return Err(Error::invalid(
                name,
                format!("not a field of a {} report", mechanism.name()),
            ));
        }
    }
    let data = match mechanism {
        Mechanism::Grr => Privatized::Grr {
            value: fields.whole("value", domain as u64 - 1)? as u32,
        },
        Mechanism::Oue => {
            let value = fields.required("bits")?;
            let text = value.as_str().unwrap_or("");
            let bits: Option<Vec<bool>> = text
                .bytes()
                .map(|c| match c {
                    b'0' => Some(false),
                    b'1' => Some(true),
                    _ => None,
                })
                .collect();
            match bits {
                Some(bits) if bits.len() == domain as usize => Privatized::Oue { bits },
                _ => {
                    return Err(Error::invalid(
                        "bits",
                        format!(
                        "expected a string of {domain} characters 0 or 1 (one per bucket), got {}",
                        describe(value)
                    ),
                    ))
                }
            }
        }
        Mechanism::Olh => {
            let a = fields.whole("a", OLH_PRIME - 1)? as u32;
            if a == 0 {
                return Err(Error::invalid("a", "expected 1 to 2147483646, got 0"));
            }
            let b = fields.whole("b", OLH_PRIME - 1)? as u32;
            let g = fields.whole("g", u32::MAX as u64)? as u32;
            if g < 2 {
                return Err(Error::invalid(
                    "g",
                    format!("expected a hash range of at least 2, got {g}"),
                ));
            }
            let value = fields.whole("value", g as u64 - 1)? as u32;
            Privatized::Olh { a, b, g, value }
        }
    };
    Ok(Report {
        shop,
        kind,
        period,
        epsilon,
        domain,
        data,
    })
}

/// The reports of one shop, kind and period, tallied.
#[derive(Debug, Clone, PartialEq)]
pub struct Stream {
    pub shop: String,
    pub kind: String,
    /// First day of the period (days since 1970-01-01).
    pub period: i64,
    pub tally: Tally,
    /// The line of the stream's first report: mixed parameters are reported against it.
    pub first_line: usize,
}

/// Reads report lines (blank lines are skipped) into streams, ordered by shop, kind and
/// period. Every report of a stream must share its mechanism, ε, domain and (OLH) hash
/// range: estimates over a mix would be wrong, so a mix is an error, not a guess.
pub fn decode(reader: impl BufRead) -> Result<Vec<Stream>, DecodeError> {
    let mut streams: BTreeMap<(String, String, i64), Stream> = BTreeMap::new();
    for (i, line) in reader.lines().enumerate() {
        let number = i + 1;
        let line = line.map_err(|e| DecodeError {
            line: number,
            field: None,
            message: format!("cannot be read: {e}"),
        })?;
        if line.trim().is_empty() {
            continue;
        }
        let report = parse_report(&line, number)?;
        let key = (report.shop.clone(), report.kind.clone(), report.period);
        let stream = match streams.get_mut(&key) {
            Some(stream) => {
                check_same_stream(stream, &report).map_err(|e| DecodeError::at(number, e))?;
                stream
            }
            None => {
                let tally = Tally::new(report.data.mechanism(), report.domain, report.epsilon)
                    .map_err(|e| DecodeError::at(number, e))?;
                streams.entry(key).or_insert(Stream {
                    shop: report.shop,
                    kind: report.kind,
                    period: report.period,
                    tally,
                    first_line: number,
                })
            }
        };
        stream
            .tally
            .add(&report.data)
            .map_err(|e| DecodeError::at(number, e))?;
    }
    Ok(streams.into_values().collect())
}

fn check_same_stream(stream: &Stream, report: &Report) -> Result<(), Error> {
    let t = &stream.tally;
    let g = match report.data {
        Privatized::Olh { g, .. } => g,
        _ => 0,
    };
    let mismatch = if report.data.mechanism() != t.mechanism() {
        Some((
            "mechanism",
            report.data.mechanism().name().to_string(),
            t.mechanism().name().to_string(),
        ))
    } else if report.epsilon != t.epsilon() {
        Some((
            "epsilon",
            epsilon_text(report.epsilon),
            epsilon_text(t.epsilon()),
        ))
    } else if report.domain != t.domain() {
        Some(("domain", report.domain.to_string(), t.domain().to_string()))
    } else if g != t.range() {
        Some(("g", g.to_string(), t.range().to_string()))
    } else {
        None
    };
    match mismatch {
        None => Ok(()),
        Some((field, got, first)) => Err(Error::invalid(
            field,
            format!(
                "{got} differs from the {first} of line {} (shop {}, kind {}, period {}); \
                 one kind and period must use one mechanism, ε, domain and hash range",
                stream.first_line,
                stream.shop,
                stream.kind,
                date(stream.period)
            ),
        )),
    }
}

/// Bucket labels of one report kind, from the shop's config.
#[derive(Debug, Clone, PartialEq)]
pub struct KindLabels {
    pub name: String,
    pub measure: String,
    /// One label per bucket, in bucket order.
    pub labels: Vec<String>,
}

/// Reads the bucket labels of every kind from the `reports` object a shop passes to
/// `Tailor.open` (or the whole options object holding it). Only what labels need is read
/// (`name`, `measure`, `buckets`, `bounds`, `groups`); other fields are the device's business.
pub fn parse_labels(config: &str) -> Result<Vec<KindLabels>, Error> {
    let root: Value = serde_json::from_str(config)
        .map_err(|e| Error::invalid("config", format!("not JSON: {e}")))?;
    let reports = match root.get("reports") {
        Some(reports) if root.get("kinds").is_none() => reports.clone(),
        _ => root,
    };
    let input: ReportsInput = serde_json::from_value(reports)
        .map_err(|e| Error::invalid("config", format!("not a reports declaration: {e}")))?;
    // The device's own validation and labels: one definition of what each bucket is.
    let declared = ReportsConfig::new(input, &[])?;
    Ok(declared
        .kinds
        .into_iter()
        .map(|k| KindLabels {
            name: k.name,
            measure: k.measure.name().to_owned(),
            labels: k.measure.labels(),
        })
        .collect())
}

/// What the shop may see of one stream.
#[derive(Debug, Clone, PartialEq)]
pub struct Summary {
    pub shop: String,
    pub kind: String,
    pub period: i64,
    pub mechanism: Mechanism,
    pub epsilon: MicroEpsilon,
    pub domain: u32,
    pub n: u64,
    /// One label per bucket: the config's, or the bucket number when the kind is not in it.
    pub labels: Vec<String>,
    /// `None` when withheld: no estimate of a withheld stream is ever computed into a summary.
    pub estimates: Option<Vec<Estimate>>,
    /// Why the estimates are withheld.
    pub withheld: Option<String>,
}

/// Summarizes streams for publication: estimates of streams with at least `min_reports`
/// reports, the others withheld. With labels, a kind whose label count differs from its
/// reports' domain is an error: the shop's config and its devices disagree.
pub fn summarize(
    streams: &[Stream],
    labels: Option<&[KindLabels]>,
    min_reports: u64,
) -> Result<Vec<Summary>, Error> {
    streams
        .iter()
        .map(|s| {
            let t = &s.tally;
            let kind_labels = labels.and_then(|l| l.iter().find(|k| k.name == s.kind));
            let labels = match kind_labels {
                Some(k) if k.labels.len() == t.domain() as usize => k.labels.clone(),
                Some(k) => {
                    return Err(Error::invalid(
                        format!("config: kind {}", s.kind),
                        format!(
                            "its {} measure has {} buckets ({}) but the reports of line {} on \
                             have a domain of {}",
                            k.measure,
                            k.labels.len(),
                            k.labels.join(", "),
                            s.first_line,
                            t.domain()
                        ),
                    ))
                }
                None => (0..t.domain()).map(|b| b.to_string()).collect(),
            };
            let (estimates, withheld) = if t.n() >= min_reports {
                (Some(t.estimates()), None)
            } else {
                let reason = format!(
                    "{} reports, fewer than the minimum of {min_reports}: no estimate is published",
                    t.n()
                );
                (None, Some(reason))
            };
            Ok(Summary {
                shop: s.shop.clone(),
                kind: s.kind.clone(),
                period: s.period,
                mechanism: t.mechanism(),
                epsilon: t.epsilon(),
                domain: t.domain(),
                n: t.n(),
                labels,
                estimates,
                withheld,
            })
        })
        .collect()
}

/// Shares falling like 1/(rank + 1), normalized: a plausible spread of interests, with a
/// long tail of small buckets where the noise shows.
pub fn zipf_shares(domain: u32) -> Vec<f64> {
    let raw: Vec<f64> = (0..domain).map(|i| 1.0 / (i as f64 + 1.0)).collect();
    let total: f64 = raw.iter().sum();
    raw.iter().map(|x| x / total).collect()
}

/// Uniform in [0, 1), to 53 bits.
fn uniform(rng: &mut impl Random) -> f64 {
    (rng.next_u64() >> 11) as f64 * (1.0 / 9_007_199_254_740_992.0)
}

/// `clients` true buckets drawn independently with probabilities proportional to `shares`.
pub fn draw_population(shares: &[f64], clients: u64, rng: &mut impl Random) -> Vec<u32> {
    let total: f64 = shares.iter().sum();
    let mut cumulative = Vec::with_capacity(shares.len());
    let mut sum = 0.0;
    for s in shares {
        sum += s / total;
        cumulative.push(sum);
    }
    (0..clients)
        .map(|_| {
            let u = uniform(rng);
            // The last bucket takes whatever rounding left above the final partial sum.
            cumulative
                .iter()
                .position(|&c| u < c)
                .unwrap_or(shares.len() - 1) as u32
        })
        .collect()
}

/// What simulated devices report on: one stream's parameters.
#[derive(Debug, Clone, Copy)]
pub struct Simulation<'a> {
    pub shop: &'a str,
    pub kind: &'a str,
    pub period: i64,
    pub mechanism: Mechanism,
    pub domain: u32,
    pub epsilon: MicroEpsilon,
}

impl Simulation<'_> {
    /// Privatizes every true bucket of a population into a report, as devices would
    /// (with a seeded generator: simulations only).
    pub fn reports(&self, truth: &[u32], rng: &mut impl Random) -> Vec<Report> {
        truth
            .iter()
            .map(|&value| Report {
                shop: self.shop.to_string(),
                kind: self.kind.to_string(),
                period: self.period,
                epsilon: self.epsilon,
                domain: self.domain,
                data: privatize(self.mechanism, self.domain, self.epsilon, value, rng),
            })
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::core::ldp::SeededRandom;

    const MONDAY: &str = "2026-11-23";

    fn line(rest: &str) -> String {
        format!(r#"{{"v":1,"shop":"demo","kind":"interest","period":"{MONDAY}",{rest}}}"#)
    }

    fn field_error(text: &str) -> (String, String) {
        let e = parse_report(text, 1).unwrap_err();
        let message = e.to_string().trim_start_matches("line 1: ").to_string();
        (e.field.unwrap_or_default(), message)
    }

    #[test]
    fn what_the_device_writes_reads_back() {
        let mut rng = SeededRandom(3);
        for mechanism in Mechanism::ALL {
            for value in 0..5 {
                let report = Report {
                    shop: "demo".into(),
                    kind: "interest".into(),
                    period: parse_date(MONDAY).unwrap(),
                    epsilon: 750_000,
                    domain: 5,
                    data: privatize(mechanism, 5, 750_000, value, &mut rng),
                };
                assert_eq!(parse_report(&report.to_json(), 1).unwrap(), report);
            }
        }
    }

    #[test]
    fn every_malformed_field_is_named() {
        let cases: &[(&str, &str)] = &[
            (
                r#""mechanism":"grr","epsilon":1,"domain":4,"value":1,"x":2"#,
                "x",
            ),
            (
                r#""mechanism":"grr","epsilon":1,"domain":4,"value":1,"value":2"#,
                "value",
            ),
            (
                r#""mechanism":"grr","epsilon":1,"domain":4,"value":4"#,
                "value",
            ),
            (
                r#""mechanism":"grr","epsilon":1,"domain":4,"value":"1""#,
                "value",
            ),
            (
                r#""mechanism":"grr","epsilon":1,"domain":4,"value":1.5"#,
                "value",
            ),
            (
                r#""mechanism":"grr","epsilon":1,"domain":4,"value":-1"#,
                "value",
            ),
            (r#""mechanism":"grr","epsilon":1,"domain":4"#, "value"),
            (
                r#""mechanism":"grr","epsilon":1,"domain":4,"value":1,"bits":"0101""#,
                "bits",
            ),
            (
                r#""mechanism":"grr","epsilon":"1","domain":4,"value":1"#,
                "epsilon",
            ),
            (
                r#""mechanism":"grr","epsilon":0,"domain":4,"value":1"#,
                "epsilon",
            ),
            (
                r#""mechanism":"grr","epsilon":1,"domain":1,"value":0"#,
                "domain",
            ),
            (
                r#""mechanism":"grr","epsilon":1,"domain":1001,"value":0"#,
                "domain",
            ),
            (
                r#""mechanism":"rr","epsilon":1,"domain":4,"value":1"#,
                "mechanism",
            ),
            (
                r#""mechanism":"oue","epsilon":1,"domain":4,"bits":"010""#,
                "bits",
            ),
            (
                r#""mechanism":"oue","epsilon":1,"domain":4,"bits":"01a1""#,
                "bits",
            ),
            (
                r#""mechanism":"oue","epsilon":1,"domain":4,"bits":[0,1,0,1]"#,
                "bits",
            ),
            (
                r#""mechanism":"olh","epsilon":1,"domain":4,"a":0,"b":1,"g":4,"value":1"#,
                "a",
            ),
            (
                r#""mechanism":"olh","epsilon":1,"domain":4,"a":1,"b":2147483647,"g":4,"value":1"#,
                "b",
            ),
            (
                r#""mechanism":"olh","epsilon":1,"domain":4,"a":1,"b":1,"g":1,"value":0"#,
                "g",
            ),
            (
                r#""mechanism":"olh","epsilon":1,"domain":4,"a":1,"b":1,"g":4,"value":4"#,
                "value",
            ),
            (
                r#""mechanism":"olh","epsilon":1,"domain":4,"a":1,"b":1,"value":1"#,
                "g",
            ),
        ];
        for (rest, field) in cases {
            let (got, message) = field_error(&line(rest));
            assert_eq!(&got, field, "{rest}: {message}");
        }
        let (field, message) = field_error(&line(
            r#""mechanism":"grr","epsilon":1,"domain":4,"value":"1""#,
        ));
        assert_eq!(field, "value");
        assert_eq!(
            message,
            r#"value: expected a whole number, got the string "1""#
        );
        let tuesday = r#"{"v":1,"shop":"demo","kind":"k","period":"2026-11-24","mechanism":"grr","epsilon":1,"domain":4,"value":1}"#;
        assert_eq!(
            field_error(tuesday).1,
            "period: 2026-11-24 is not the first day (a Monday) of a period; expected 2026-11-23"
        );
        let v2 = r#"{"v":2,"shop":"demo","kind":"k","period":"2026-11-23","mechanism":"grr","epsilon":1,"domain":4,"value":1}"#;
        assert_eq!(field_error(v2).0, "v");
        let no_shop = r#"{"v":1,"shop":"","kind":"k","period":"2026-11-23","mechanism":"grr","epsilon":1,"domain":4,"value":1}"#;
        assert_eq!(field_error(no_shop).0, "shop");
    }

    #[test]
    fn a_file_is_grouped_into_streams_and_errors_name_their_line() {
        let grr = |kind: &str, value: u32| {
            format!(
                r#"{{"v":1,"shop":"demo","kind":"{kind}","period":"{MONDAY}","mechanism":"grr","epsilon":1,"domain":3,"value":{value}}}"#
            )
        };
        let text = [grr("b", 0), String::new(), grr("a", 1), grr("b", 2)].join("\n");
        let streams = decode(text.as_bytes()).unwrap();
        assert_eq!(streams.len(), 2);
        assert_eq!((streams[0].kind.as_str(), streams[0].tally.n()), ("a", 1));
        assert_eq!((streams[1].kind.as_str(), streams[1].tally.n()), ("b", 2));
        assert_eq!(streams[1].first_line, 1);

        // Another ε in the same kind and period: refused at its line, naming the first.
        let mixed = format!(
            "{}\n{}\n",
            grr("a", 0),
            grr("a", 1).replace("\"epsilon\":1", "\"epsilon\":0.5")
        );
        let e = decode(mixed.as_bytes()).unwrap_err();
        assert_eq!((e.line, e.field.as_deref()), (2, Some("epsilon")));
        assert!(
            e.to_string()
                .starts_with("line 2: epsilon: 0.5 differs from the 1 of line 1"),
            "{e}"
        );
        let mixed = format!(
            "{}\n{}\n",
            grr("a", 0),
            grr("a", 1).replace("\"domain\":3", "\"domain\":4")
        );
        assert_eq!(
            decode(mixed.as_bytes()).unwrap_err().field.as_deref(),
            Some("domain")
        );
        let olh = |g: u32| {
            format!(
                r#"{{"v":1,"shop":"demo","kind":"a","period":"{MONDAY}","mechanism":"olh","epsilon":1,"domain":3,"a":3,"b":4,"g":{g},"value":1}}"#
            )
        };
        let mixed = format!("{}\n{}\n{}\n", olh(4), olh(4), olh(5));
        let e = decode(mixed.as_bytes()).unwrap_err();
        assert_eq!((e.line, e.field.as_deref()), (3, Some("g")));
        let mixed = format!("{}\n{}\n", olh(4), grr("a", 1));
        assert_eq!(
            decode(mixed.as_bytes()).unwrap_err().field.as_deref(),
            Some("mechanism")
        );
        let e = decode("\n{\"v\":1,\n".as_bytes()).unwrap_err();
        assert_eq!((e.line, e.field.as_deref()), (2, None));
        assert!(
            e.to_string().starts_with("line 2: not a JSON report: "),
            "{e}"
        );
        let e = decode("[1]\n".as_bytes()).unwrap_err();
        assert_eq!(
            e.to_string(),
            "line 1: not a JSON report: invalid type: sequence, expected a JSON object"
        );
    }

    const CONFIG: &str = r#"{ "endpoint": "/reports", "kinds": [
        { "name": "interest", "measure": "topCategory", "buckets": ["produce", "dairy"], "epsilon": 1 },
        { "name": "basket", "measure": "basketSize", "bounds": [1, 5, 10, 20] },
        { "name": "clicked", "measure": "personalizedClick" },
        { "name": "offers", "measure": "offerGroup", "groups": ["produce-deals", "bakery"] } ] }"#;

    #[test]
    fn labels_follow_the_measure() {
        let kinds = parse_labels(CONFIG).unwrap();
        let labels: Vec<Vec<&str>> = kinds
            .iter()
            .map(|k| k.labels.iter().map(String::as_str).collect())
            .collect();
        assert_eq!(labels[0], ["produce", "dairy", "other"]);
        assert_eq!(labels[1], ["0", "1-4", "5-9", "10-19", "20+"]);
        assert_eq!(labels[2], ["no", "yes"]);
        assert_eq!(labels[3], ["produce-deals", "bakery", "none"]);
        // The whole Tailor.open options object works too.
        let options = format!(r#"{{ "shop": "demo", "reports": {CONFIG} }}"#);
        assert_eq!(parse_labels(&options).unwrap(), kinds);
        // Path normalization and single-size buckets, as the device labels them.
        let config = r#"{ "endpoint": "/r", "kinds": [
            { "name": "interest", "measure": "topCategory", "buckets": [" produce / fruit ", "dairy"] },
            { "name": "basket", "measure": "basketSize", "bounds": [1, 2, 5] } ] }"#;
        let kinds = parse_labels(config).unwrap();
        assert_eq!(kinds[0].labels, ["produce/fruit", "dairy", "other"]);
        assert_eq!(kinds[1].labels, ["0", "1", "2-4", "5+"]);

        // Mistakes are the device's own messages, naming the field.
        let bad = |config: &str| parse_labels(config).unwrap_err().to_string();
        assert!(bad(
            r#"{"endpoint":"/r","kinds":[{"name":"b","measure":"basketSize","bounds":[5,5]}]}"#
        )
        .starts_with("reports.kinds[0].bounds[1]: 5 is not a whole number"));
        assert!(
            bad(r#"{"endpoint":"/r","kinds":[{"name":"i","measure":"top"}]}"#)
                .starts_with("reports.kinds[0].measure: \"top\" is not a measure")
        );
        assert!(bad(r#"{"endpoint":"/r","kinds":[{"name":"c","measure":"personalizedClick"},{"name":"c","measure":"personalizedClick"}]}"#)
            .contains("declared twice"));
        assert!(
            bad(r#"{"kinds":[{"name":"i","measure":"topCategory","buckets":["a",3]}]}"#)
                .starts_with("config: not a reports declaration")
        );
    }

    #[test]
    fn small_streams_are_withheld_and_labels_must_fit() {
        let mut rng = SeededRandom(5);
        let period = parse_date(MONDAY).unwrap();
        let sim = |kind, domain| Simulation {
            shop: "demo",
            kind,
            period,
            mechanism: Mechanism::Grr,
            domain,
            epsilon: MICRO,
        };
        let mut reports = sim("clicked", 2).reports(&[1; 150], &mut rng);
        reports.extend(sim("interest", 3).reports(&[0; 99], &mut rng));
        let text: String = reports.iter().map(|r| r.to_json() + "\n").collect();
        let streams = decode(text.as_bytes()).unwrap();
        let kinds = parse_labels(CONFIG).unwrap();
        let summaries = summarize(&streams, Some(&kinds), 100).unwrap();
        assert_eq!(summaries[0].labels, ["no", "yes"]);
        assert_eq!(summaries[0].estimates.as_ref().unwrap().len(), 2);
        assert_eq!(summaries[1].kind, "interest");
        assert_eq!(summaries[1].estimates, None);
        assert_eq!(
            summaries[1].withheld.as_deref(),
            Some("99 reports, fewer than the minimum of 100: no estimate is published")
        );
        // Without a config, bucket numbers stand in for labels.
        assert_eq!(
            summarize(&streams, None, 100).unwrap()[1].labels,
            ["0", "1", "2"]
        );
        // A config whose kind has another number of buckets than the reports is an error.
        let wrong = parse_labels(
            r#"{"endpoint":"/r","kinds":[{"name":"clicked","measure":"topCategory","buckets":["a","b"]}]}"#,
        )
        .unwrap();
        let e = summarize(&streams, Some(&wrong), 100).unwrap_err();
        assert_eq!(e.field(), Some("config: kind clicked"));
    }

    #[test]
    fn populations_follow_their_shares() {
        let shares = [0.5, 0.3, 0.2];
        let truth = draw_population(&shares, 100_000, &mut SeededRandom(1));
        for (v, share) in shares.iter().enumerate() {
            let n = truth.iter().filter(|&&t| t == v as u32).count() as f64;
            // Binomial standard error at 100k is at most 0.0016.
            assert!((n / 100_000.0 - share).abs() < 0.007, "{v}: {n}");
        }
        let z = zipf_shares(4);
        assert!((z.iter().sum::<f64>() - 1.0).abs() < 1e-12 && z[0] > z[1] && z[2] > z[3]);
    }
}

//! Reports the shop declared: what each kind measures, what the device counts for it
//! during a period, the privacy budget it spends, and when a report is due.
//!
//! Timing: a period is a week (Monday to Sunday, UTC). A kind that counts events
//! (basket size, a personalized click, offer redemption) reports on the *finished*
//! previous period, once, on the shopper's first visit after it; the interest kind
//! reports the profile as it stands, once per period. Nothing is measured or made
//! without the analytics purpose, nothing from a sensitive item is ever counted, and
//! the budget ledger is read back from storage before every report, so two tabs share it.
//!
//! A kind goes by one of two transports: `ldp` (the default) privatizes its value here,
//! spending ε; `dap` hands the true value to the page, which splits it into two secret
//! shares for two DAP aggregators (`core::dap`). Both follow the same rules: analytics
//! only, never a sensitive category, at most once per kind per period (the ledger).
//! A DAP kind's `dap` task is not read here: the DAP module validates it (see `dap`
//! in [`KindInput`]), so that the main wasm holds no DAP code.

use super::catalogue::{normalize_path, path_is_under};
use super::ldp::{self, Mechanism, MicroEpsilon, Random, Report, MICRO};
use super::number::number_text;
use super::profile::Affinities;
use super::Error;
use serde::de::IgnoredAny;
use serde::Deserialize;

/// `reports` in the options of `Tailor.open`.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct ReportsInput {
    pub endpoint: Option<String>,
    pub kinds: Option<Vec<KindInput>>,
    /// Largest ε any one report may spend (default 1).
    pub max_epsilon_per_report: Option<f64>,
    /// Largest ε all reports of one period may spend together (default 2).
    pub max_epsilon_per_period: Option<f64>,
}

#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct KindInput {
    pub name: Option<String>,
    pub measure: Option<String>,
    pub epsilon: Option<f64>,
    /// `topCategory`: the category paths to report over.
    pub buckets: Option<Vec<String>>,
    /// `basketSize`: ascending lower bounds, e.g. [1, 5, 10, 20].
    pub bounds: Option<Vec<f64>>,
    /// `offerGroup`: the offer groups to report over.
    pub groups: Option<Vec<String>>,
    /// Overrides the choice by domain size: "grr", "oue" or "olh".
    pub mechanism: Option<String>,
    /// "ldp" (the default: privatized on the device) or "dap" (secret-shared to two
    /// aggregators, which release only totals).
    pub transport: Option<String>,
    /// The kind's DAP task, for transport "dap". Only whether it is there is read here:
    /// the DAP module validates it (`core::dap::DapTask::new`, called by the page at
    /// `Tailor.open`), which keeps DAP code out of the main wasm.
    pub dap: Option<IgnoredAny>,
}

pub const DEFAULT_EPSILON_PER_REPORT: MicroEpsilon = MICRO;
pub const DEFAULT_EPSILON_PER_PERIOD: MicroEpsilon = 2 * MICRO;
/// No configuration may allow more than this per period: past it, LDP protects little.
pub const MAX_EPSILON_PER_PERIOD: MicroEpsilon = 8 * MICRO;
const MAX_KINDS: usize = 16;
const MEASURES: [&str; 4] = [
    "topCategory",
    "basketSize",
    "personalizedClick",
    "offerGroup",
];
const MAX_NAME: usize = 40;
/// Offer groups the device keeps counts for in one period.
const MAX_GROUPS_COUNTED: usize = 32;

/// What a report kind measures, with its buckets.
#[derive(Debug, Clone, PartialEq)]
pub enum Measure {
    /// The declared category with the shopper's strongest interest; one more bucket,
    /// "other", when the strongest interests are elsewhere.
    TopCategory { buckets: Vec<String> },
    /// Items (counting quantities) in the period's largest one-day basket, bucketed by
    /// lower bounds; a size below the first bound counts in the first bucket.
    BasketSize { bounds: Vec<u32> },
    /// Whether the shopper clicked an item in a slot Tailor personalized: no / yes.
    PersonalizedClick,
    /// The declared offer group the shopper redeemed most often; one more bucket, "none".
    OfferGroup { groups: Vec<String> },
}

impl Measure {
    pub fn name(&self) -> &'static str {
        match self {
            Measure::TopCategory { .. } => "topCategory",
            Measure::BasketSize { .. } => "basketSize",
            Measure::PersonalizedClick => "personalizedClick",
            Measure::OfferGroup { .. } => "offerGroup",
        }
    }

    pub fn domain(&self) -> u32 {
        match self {
            Measure::TopCategory { buckets } => buckets.len() as u32 + 1,
            Measure::BasketSize { bounds } => bounds.len() as u32 + 1,
            Measure::PersonalizedClick => 2,
            Measure::OfferGroup { groups } => groups.len() as u32 + 1,
        }
    }

    /// Bucket labels in domain order, as the decoder prints them.
    pub fn labels(&self) -> Vec<String> {
        match self {
            Measure::TopCategory { buckets } => {
                let mut l = buckets.clone();
                l.push("other".into());
                l
            }
            // "0" (nothing bought), then "1-4", "5", "20+": built with `push_int`, as the
            // codecs are, not `format!`.
            Measure::BasketSize { bounds } => std::iter::once("0".to_owned())
                .chain(bounds.iter().enumerate().map(|(k, &b)| {
                    let mut l = String::new();
                    super::number::push_int(&mut l, i64::from(b));
                    match bounds.get(k + 1) {
                        Some(&next) if next == b + 1 => {}
                        Some(&next) => {
                            l.push('-');
                            super::number::push_int(&mut l, i64::from(next - 1));
                        }
                        None => l.push('+'),
                    }
                    l
                }))
                .collect(),
            Measure::PersonalizedClick => vec!["no".into(), "yes".into()],
            Measure::OfferGroup { groups } => {
                let mut l = groups.clone();
                l.push("none".into());
                l
            }
        }
    }

    /// Whether the kind describes the finished previous period (event counts) or the
    /// profile as it stands.
    fn counts_events(&self) -> bool {
        !matches!(self, Measure::TopCategory { .. })
    }
}

#[derive(Debug, Clone, PartialEq)]
pub struct Kind {
    pub name: String,
    pub measure: Measure,
    /// 0 for a DAP kind, which spends no ε.
    pub epsilon: MicroEpsilon,
    /// Unused by a DAP kind.
    pub mechanism: Mechanism,
    /// Transport "dap" (its task is validated and kept by the DAP module); false: local
    /// differential privacy.
    pub dap: bool,
}

#[derive(Debug, Clone, PartialEq)]
pub struct ReportsConfig {
    /// The LDP collector; "" when every kind goes by DAP.
    pub endpoint: String,
    pub kinds: Vec<Kind>,
    pub per_report: MicroEpsilon,
    pub per_period: MicroEpsilon,
}

impl ReportsConfig {
    /// Validates the shop's declaration; `sensitive` are the shop's sensitive category
    /// paths, none of which may be a bucket. Errors name the field, e.g. `reports.kinds[1].bounds[2]`.
    pub fn new(input: ReportsInput, sensitive: &[String]) -> Result<ReportsConfig, Error> {
        let per_report = match input.max_epsilon_per_report {
            None => DEFAULT_EPSILON_PER_REPORT,
            Some(e) => {
                ldp::micro_epsilon("reports.maxEpsilonPerReport", e, MAX_EPSILON_PER_PERIOD)?
            }
        };
        let per_period = match input.max_epsilon_per_period {
            None => DEFAULT_EPSILON_PER_PERIOD,
            Some(e) => {
                ldp::micro_epsilon("reports.maxEpsilonPerPeriod", e, MAX_EPSILON_PER_PERIOD)?
            }
        };
        if per_report > per_period {
            return Err(Error::invalid(
                "reports.maxEpsilonPerReport",
                "is above maxEpsilonPerPeriod; no report could ever be made",
            ));
        }
        let no_endpoint = || {
            Error::invalid(
                "reports.endpoint",
                "missing or not a URL; expected the shop's collector, e.g. \"/tailor/reports\" or \"https://shop.example/tailor/reports\"",
            )
        };
        // Missing is fine only when every kind goes by DAP (checked after the kinds).
        let endpoint = match input.endpoint.as_deref().map(str::trim) {
            Some(e)
                if (e.starts_with('/') && !e.starts_with("//"))
                    || e.starts_with("https://")
                    || e.starts_with("http://") =>
            {
                Some(e.to_owned())
            }
            None => None,
            _ => return Err(no_endpoint()),
        };
        let inputs = input.kinds.unwrap_or_default();
        if inputs.len() > MAX_KINDS {
            return Err(Error::invalid(
                "reports.kinds",
                "more than 16 kinds; every kind spends budget, declare fewer",
            ));
        }
        let mut kinds: Vec<Kind> = Vec::with_capacity(inputs.len());
        for (k, input) in inputs.into_iter().enumerate() {
            let at = |field: &str| format!("reports.kinds[{k}].{field}");
            let name = input.name.unwrap_or_default();
            let name_ok = !name.is_empty()
                && name.len() <= MAX_NAME
                && name
                    .chars()
                    .all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_');
            if !name_ok {
                return Err(Error::invalid(
                    at("name"),
                    format!("\"{name}\" is not 1–40 letters, digits, '-' or '_'"),
                ));
            }
            if kinds.iter().any(|other| other.name == name) {
                return Err(Error::invalid(
                    at("name"),
                    format!("\"{name}\" is declared twice"),
                ));
            }
            // A field of another measure is a mistake (a misspelt measure?), not something to ignore.
            for (field, given, owner) in [
                ("buckets", input.buckets.is_some(), "topCategory"),
                ("bounds", input.bounds.is_some(), "basketSize"),
                ("groups", input.groups.is_some(), "offerGroup"),
            ] {
                // (An unknown measure is reported below, as itself.)
                let known = |m: &str| MEASURES.contains(&m);
                if given
                    && input
                        .measure
                        .as_deref()
                        .is_some_and(|m| m != owner && known(m))
                {
                    let mut expected = String::from("only a ");
                    expected.push_str(owner);
                    expected.push_str(" kind takes it");
                    return Err(Error::invalid(at(field), expected));
                }
            }
            let measure = match input.measure.as_deref() {
                Some("topCategory") => Measure::TopCategory {
                    buckets: labels(&at("buckets"), input.buckets, true, sensitive)?,
                },
                Some("basketSize") => Measure::BasketSize {
                    bounds: bounds(&at("bounds"), input.bounds)?,
                },
                Some("personalizedClick") => Measure::PersonalizedClick,
                Some("offerGroup") => Measure::OfferGroup {
                    groups: labels(&at("groups"), input.groups, false, sensitive)?,
                },
                other => {
                    return Err(Error::invalid(
                        at("measure"),
                        format!(
                            "{} is not a measure; expected one of topCategory, basketSize, personalizedClick, offerGroup",
                            other.map_or("missing".to_owned(), |m| format!("\"{m}\""))
                        ),
                    ))
                }
            };
            let dap = match input.transport.as_deref() {
                None | Some("ldp") => {
                    if input.dap.is_some() {
                        return Err(Error::invalid(
                            at("dap"),
                            "only a kind with transport \"dap\" takes it",
                        ));
                    }
                    false
                }
                Some("dap") => {
                    for (field, given) in [
                        ("epsilon", input.epsilon.is_some()),
                        ("mechanism", input.mechanism.is_some()),
                    ] {
                        if given {
                            return Err(Error::invalid(
                                at(field),
                                "a dap kind is not randomized on the device and spends no ε: the aggregators release only totals of at least minBatchSize shoppers",
                            ));
                        }
                    }
                    if input.dap.is_none() {
                        return Err(Error::invalid(
                            at("dap"),
                            "missing; expected the kind's DAP task { taskId, taskInfo, leader, helper, timePrecision, minBatchSize, batchMode }",
                        ));
                    }
                    true
                }
                Some(other) => {
                    return Err(Error::invalid(
                        at("transport"),
                        format!("\"{other}\" is not a transport; expected \"ldp\" or \"dap\""),
                    ))
                }
            };
            if dap {
                kinds.push(Kind {
                    name,
                    measure,
                    epsilon: 0,
                    mechanism: Mechanism::Grr,
                    dap,
                });
                continue;
            }
            let epsilon = match input.epsilon {
                None => per_report,
                Some(e) => ldp::micro_epsilon(&at("epsilon"), e, per_report)?,
            };
            let domain = measure.domain();
            let mechanism = match input.mechanism.as_deref() {
                None => Mechanism::choose(domain, epsilon),
                Some(m) => Mechanism::parse(m).ok_or_else(|| {
                    Error::invalid(
                        at("mechanism"),
                        format!("\"{m}\" is not a mechanism; expected grr, oue or olh"),
                    )
                })?,
            };
            kinds.push(Kind {
                name,
                measure,
                epsilon,
                mechanism,
                dap: false,
            });
        }
        let endpoint = match endpoint {
            Some(e) => e,
            None if !kinds.is_empty() && kinds.iter().all(|k| k.dap) => String::new(),
            None => return Err(no_endpoint()),
        };
        Ok(ReportsConfig {
            endpoint,
            kinds,
            per_report,
            per_period,
        })
    }
}

/// Category paths (`normalize`) or offer-group labels: 1 to 100 distinct, none sensitive.
fn labels(
    field: &str,
    input: Option<Vec<String>>,
    paths: bool,
    sensitive: &[String],
) -> Result<Vec<String>, Error> {
    let list = input.unwrap_or_default();
    if list.is_empty() || list.len() > 100 {
        return Err(Error::invalid(
            field,
            "expected a list of 1 to 100 names (the buckets to report over)",
        ));
    }
    let mut out: Vec<String> = Vec::with_capacity(list.len());
    for (k, raw) in list.iter().enumerate() {
        let item = || format!("{field}[{k}]");
        let label = if paths {
            normalize_path(raw)
        } else {
            raw.trim().to_owned()
        };
        if paths {
            if label.is_empty() {
                return Err(Error::invalid(item(), "empty; expected a category path"));
            }
            if sensitive.iter().any(|s| path_is_under(&label, s)) {
                return Err(Error::invalid(
                    item(),
                    format!("\"{label}\" is a sensitive category; sensitive categories are never reported"),
                ));
            }
        } else {
            super::consent::validate_label(&item(), &label)?;
        }
        if out.contains(&label) {
            return Err(Error::invalid(
                item(),
                format!("\"{label}\" is listed twice"),
            ));
        }
        out.push(label);
    }
    Ok(out)
}

fn bounds(field: &str, input: Option<Vec<f64>>) -> Result<Vec<u32>, Error> {
    let list = input.unwrap_or_default();
    if !(2..=20).contains(&list.len()) {
        return Err(Error::invalid(
            field,
            "expected 2 to 20 ascending whole numbers ≥ 1, the lower bound of each bucket, e.g. [1, 5, 10, 20]",
        ));
    }
    let mut out: Vec<u32> = Vec::with_capacity(list.len());
    for (k, &b) in list.iter().enumerate() {
        if !(b.is_finite() && b.fract() == 0.0 && b >= 1.0 && b <= 10_000.0)
            || out.last().is_some_and(|&prev| b as u32 <= prev)
        {
            return Err(Error::invalid(
                format!("{field}[{k}]"),
                format!(
                    "{} is not a whole number from 1 to 10000 above the bound before it",
                    number_text(b)
                ),
            ));
        }
        out.push(b as u32);
    }
    Ok(out)
}

// ---------------------------------------------------------------------------------
// What the device counts during a period (kept only with the analytics purpose)

/// One period's counts. Only what the declared measures need, nothing about items.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct PeriodCounts {
    /// First day of the period (days since 1970-01-01).
    pub start: i64,
    /// Any event was counted: a shopper who did not visit reports nothing for the period.
    pub active: bool,
    pub clicked: bool,
    /// The day of the basket being filled, and its items so far.
    pub basket_day: i64,
    pub basket_items: u32,
    pub largest_basket: u32,
    /// Redemptions per offer group.
    pub redeemed: Vec<(String, u32)>,
}

impl PeriodCounts {
    fn new(start: i64) -> PeriodCounts {
        PeriodCounts {
            start,
            ..Default::default()
        }
    }
}

/// The counts of this period and of the one before (kept until the next week begins).
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Measures {
    pub current: PeriodCounts,
    pub previous: Option<PeriodCounts>,
}

const MEASURES_HEADER: &str = "tailor-measures 1";

impl Measures {
    /// Moves on to the period of `now`: this period's counts become the previous
    /// period's if it is the one just before, and are dropped if older.
    pub fn roll(&mut self, now: i64) -> bool {
        let start = ldp::period_start(ldp::day_of(now));
        if self.current.start == start {
            return false;
        }
        let finished = std::mem::replace(&mut self.current, PeriodCounts::new(start));
        self.previous = (finished.active && finished.start == start - ldp::PERIOD_DAYS)
            .then_some(finished)
            .or_else(|| {
                self.previous
                    .take()
                    .filter(|p| p.start == start - ldp::PERIOD_DAYS)
            });
        true
    }

    /// Counts a non-sensitive event at `at` (live only: a replayed old event is not this
    /// period's). `personalized_click`: it was a click on a slot Tailor ranked.
    pub fn count_event(
        &mut self,
        purchase_quantity: Option<u32>,
        personalized_click: bool,
        at: i64,
        now: i64,
    ) {
        self.roll(now);
        let c = &mut self.current;
        if ldp::period_start(ldp::day_of(at)) != c.start {
            return;
        }
        c.active = true;
        c.clicked |= personalized_click;
        if let Some(q) = purchase_quantity {
            let day = ldp::day_of(at);
            if day != c.basket_day {
                c.basket_day = day;
                c.basket_items = 0;
            }
            c.basket_items = c.basket_items.saturating_add(q);
            c.largest_basket = c.largest_basket.max(c.basket_items);
        }
    }

    pub fn count_redemption(&mut self, group: &str, now: i64) {
        self.roll(now);
        let c = &mut self.current;
        c.active = true;
        match c.redeemed.iter().position(|(g, _)| g == group) {
            Some(k) => c.redeemed[k].1 = c.redeemed[k].1.saturating_add(1),
            None if c.redeemed.len() < MAX_GROUPS_COUNTED => c.redeemed.push((group.to_owned(), 1)),
            None => {}
        }
    }

    pub fn encode(&self) -> String {
        let mut out = String::from(MEASURES_HEADER);
        for (tag, p) in [
            ("current", Some(&self.current)),
            ("previous", self.previous.as_ref()),
        ] {
            let Some(p) = p else { continue };
            out.push('\n');
            out.push_str(tag);
            for n in [
                p.start,
                i64::from(p.active),
                i64::from(p.clicked),
                p.basket_day,
                i64::from(p.basket_items),
                i64::from(p.largest_basket),
            ] {
                out.push(' ');
                super::number::push_int(&mut out, n);
            }
            for (g, n) in &p.redeemed {
                out.push(' ');
                out.push_str(g);
                out.push('=');
                super::number::push_int(&mut out, i64::from(*n));
            }
        }
        out
    }

    pub fn decode(text: &str) -> Option<Measures> {
        let mut lines = text.split('\n');
        if lines.next()? != MEASURES_HEADER {
            return None;
        }
        let mut m = Measures::default();
        for line in lines {
            let mut parts = line.split(' ');
            let tag = parts.next()?;
            let mut num = || parts.next()?.parse::<i64>().ok();
            let (start, active, clicked, basket_day, basket_items, largest) =
                (num()?, num()?, num()?, num()?, num()?, num()?);
            let flag = |n: i64| match n {
                0 => Some(false),
                1 => Some(true),
                _ => None,
            };
            let count = |n: i64| u32::try_from(n).ok();
            let mut p = PeriodCounts {
                start,
                active: flag(active)?,
                clicked: flag(clicked)?,
                basket_day,
                basket_items: count(basket_items)?,
                largest_basket: count(largest)?,
                redeemed: Vec::new(),
            };
            for r in parts {
                let (g, n) = r.split_once('=')?;
                p.redeemed.push((g.to_owned(), n.parse().ok()?));
            }
            match tag {
                "current" => m.current = p,
                "previous" => m.previous = Some(p),
                _ => return None,
            }
        }
        Some(m)
    }
}

// ---------------------------------------------------------------------------------
// The budget

/// What this device spent in the current period. Holds no personal data: the period,
/// the ε spent, the kinds reported. Read back before every report and written before
/// the report leaves the engine, so a report is never made unaccounted.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Ledger {
    pub start: i64,
    pub spent: MicroEpsilon,
    pub kinds: Vec<String>,
}

const LEDGER_HEADER: &str = "tailor-budget 1";

impl Ledger {
    /// The ledger for the period of `now`: a stored one of another period starts over.
    /// An unreadable one counts as spent beyond any cap a shop may set (fail closed:
    /// its list of kinds already reported is lost too).
    pub fn read(stored: Option<&str>, now: i64) -> Ledger {
        let start = ldp::period_start(ldp::day_of(now));
        let fresh = Ledger {
            start,
            ..Default::default()
        };
        match stored.map(Ledger::decode) {
            None => fresh,
            Some(Some(l)) if l.start == start => l,
            // A ledger dated after now (the clock went back) fails closed like an unreadable
            // one: starting over would let the same real week be spent twice.
            Some(Some(l)) if l.start > start => Ledger {
                start,
                spent: MAX_EPSILON_PER_PERIOD,
                kinds: Vec::new(),
            },
            Some(Some(_)) => fresh,
            Some(None) => Ledger {
                start,
                spent: MAX_EPSILON_PER_PERIOD,
                kinds: Vec::new(),
            },
        }
    }

    pub fn encode(&self) -> String {
        let mut out = String::from(LEDGER_HEADER);
        out.push('\n');
        super::number::push_int(&mut out, self.start);
        out.push(' ');
        super::number::push_int(&mut out, i64::from(self.spent));
        for k in &self.kinds {
            out.push(' ');
            out.push_str(k);
        }
        out
    }

    fn decode(text: &str) -> Option<Ledger> {
        let body = text.strip_prefix(LEDGER_HEADER)?.strip_prefix('\n')?;
        let mut parts = body.split(' ');
        Some(Ledger {
            start: parts.next()?.parse().ok()?,
            spent: parts.next()?.parse().ok()?,
            kinds: parts.map(str::to_owned).collect(),
        })
    }
}

/// A DAP kind's true value, due now. The engine does no I/O: the page makes the report
/// from it with the DAP module (secret shares encrypted to the two aggregators).
#[derive(Debug, Clone, PartialEq)]
pub struct DapDue {
    pub kind: String,
    /// First day of the period the value describes (days since 1970-01-01).
    pub period: i64,
    /// The bucket, of `0..domain`.
    pub value: u32,
}

/// What [`due`] made: privatized reports, and DAP values for the page to report.
#[derive(Debug, Default)]
pub struct Made {
    pub ldp: Vec<Report>,
    pub dap: Vec<DapDue>,
}

/// Makes the reports due now, spending `ledger`: for each declared kind, in order,
/// not yet reported this period, with a true value to report, and (LDP) within both
/// budgets. `top_category` maps the topCategory buckets to the shopper's strongest one
/// (`buckets.len()` for "other"), `None` without a profile.
pub fn due(
    config: &ReportsConfig,
    shop: &str,
    ledger: &mut Ledger,
    measures: &Measures,
    top_category: &dyn Fn(&[String]) -> Option<u32>,
    rng: &mut impl Random,
) -> Made {
    let mut out = Made::default();
    for kind in &config.kinds {
        let blocked = if kind.dap {
            // A ledger read as unreadable (or dated ahead) is "all spent" with its list
            // of reported kinds lost: a DAP kind fails closed on it too.
            ledger.spent >= MAX_EPSILON_PER_PERIOD
        } else {
            kind.epsilon > config.per_report
                || ledger.spent.saturating_add(kind.epsilon) > config.per_period
        };
        if blocked || ledger.kinds.contains(&kind.name) {
            continue;
        }
        let previous = measures
            .previous
            .as_ref()
            .filter(|p| p.active && p.start == ledger.start - ldp::PERIOD_DAYS);
        let (period, value) = match (&kind.measure, previous) {
            (Measure::TopCategory { buckets }, _) => (ledger.start, top_category(buckets)),
            (m, None) if m.counts_events() => continue,
            // A week without a purchase is reported too ("0"): whether a report is sent
            // must not depend on the private value.
            (Measure::BasketSize { bounds }, Some(p)) => (
                p.start,
                Some(if p.largest_basket == 0 {
                    0
                } else {
                    1 + bounds
                        .iter()
                        .rposition(|&b| p.largest_basket >= b)
                        .unwrap_or(0) as u32
                }),
            ),
            (Measure::PersonalizedClick, Some(p)) => (p.start, Some(u32::from(p.clicked))),
            (Measure::OfferGroup { groups }, Some(p)) => {
                // The most redeemed declared group; ties go to the one declared first.
                let mut best: Option<(usize, u32)> = None;
                for (k, g) in groups.iter().enumerate() {
                    let n = p.redeemed.iter().find(|(r, _)| r == g).map_or(0, |r| r.1);
                    if n > 0 && best.is_none_or(|(_, m)| n > m) {
                        best = Some((k, n));
                    }
                }
                (p.start, Some(best.map_or(groups.len(), |b| b.0) as u32))
            }
            _ => continue,
        };
        let Some(value) = value else { continue };
        let domain = kind.measure.domain();
        ledger.kinds.push(kind.name.clone());
        if kind.dap {
            // No ε is charged: a DAP report is not randomized here. Its privacy comes
            // from the aggregators, which release only totals of at least the task's
            // minimum batch (and, deployed with it, add differential-privacy noise).
            out.dap.push(DapDue {
                kind: kind.name.clone(),
                period,
                value: value.min(domain - 1),
            });
            continue;
        }
        ledger.spent += kind.epsilon;
        out.ldp.push(Report {
            shop: shop.to_owned(),
            kind: kind.name.clone(),
            period,
            epsilon: kind.epsilon,
            domain,
            data: ldp::privatize(
                kind.mechanism,
                domain,
                kind.epsilon,
                value.min(domain - 1),
                rng,
            ),
        });
    }
    out
}

/// The declared bucket with the strongest interest in `categories` (ties: the first
/// declared); `buckets.len()` ("other") when the interests lie elsewhere; `None` when
/// there are none. Only the main profile is passed here: sensitive interests are never in it.
pub fn strongest(categories: &Affinities, buckets: &[String], now: i64) -> Option<u32> {
    let mut best: Option<(usize, f32)> = None;
    for (k, b) in buckets.iter().enumerate() {
        let w = categories.get(b, now);
        if w > 0.0 && best.is_none_or(|(_, m)| w > m) {
            best = Some((k, w));
        }
    }
    match best {
        Some((k, _)) => Some(k as u32),
        None if categories.entries.iter().any(|e| e.weight > 0.0) => Some(buckets.len() as u32),
        None => None,
    }
}

//! Local differential privacy: the three randomizers a report can use, the wire format
//! of one report, and the period and epsilon arithmetic both sides share.
//!
//! Which randomizer, by domain size `d` and ε (Wang et al., "Locally Differentially
//! Private Protocols for Frequency Estimation", USENIX Security 2017):
//! - generalized randomized response (GRR) while `d < 3·e^ε + 2`, where its variance is lowest;
//! - optimized unary encoding (OUE) above that, up to [`OUE_MAX_DOMAIN`] buckets (a report
//!   is `d` bits);
//! - optimized local hashing (OLH) beyond: same variance as OUE, a report of four numbers.
//!
//! OLH's hash is `((a·x + b) mod 2^31−1) mod g`, a pairwise-independent family (what the
//! OLH analysis needs) that plain integer SQL can evaluate, so a warehouse can decode too.

use super::number::push_int;
use super::Error;

/// ε is accounted in whole micro-epsilons: budgets add up exactly, with no float drift.
pub type MicroEpsilon = u32;
pub const MICRO: u32 = 1_000_000;

/// Largest domain a report kind may declare: more buckets than this gives a shop noise, not data.
pub const MAX_DOMAIN: u32 = 1000;
/// Past this many buckets a unary report gets long; local hashing sends four numbers instead.
pub const OUE_MAX_DOMAIN: u32 = 64;
/// The prime of OLH's hash family (2^31 − 1): products stay inside 63-bit integers.
pub const OLH_PRIME: u64 = 2_147_483_647;

/// A source of uniformly random 64-bit words.
pub trait Random {
    fn next_u64(&mut self) -> u64;

    /// Uniform in `0..n` (n ≥ 1), without modulo bias.
    fn below(&mut self, n: u64) -> u64 {
        // Reject the top partial block so every residue is equally likely.
        let zone = u64::MAX - (u64::MAX % n);
        loop {
            let r = self.next_u64();
            if r < zone {
                return r % n;
            }
        }
    }

    /// True with probability `p`, to 53 bits.
    fn chance(&mut self, p: f64) -> bool {
        ((self.next_u64() >> 11) as f64) * (1.0 / 9_007_199_254_740_992.0) < p
    }
}

/// The operating system's CSPRNG (in the browser, `crypto.getRandomValues`): what
/// every real report uses.
pub struct OsRandom;

impl Random for OsRandom {
    fn next_u64(&mut self) -> u64 {
        // A browser without a CSPRNG cannot privatize: a panic is better than weak noise.
        // Not `expect`: formatting the error with Debug would ship core's Debug
        // machinery (PadAdapter, str escaping) for a message no one sees.
        match getrandom::u64() {
            Ok(n) => n,
            Err(_) => panic!("the OS random number generator failed"),
        }
    }
}

/// A seeded generator (SplitMix64) for simulations and tests only; never for real reports.
pub struct SeededRandom(pub u64);

impl Random for SeededRandom {
    fn next_u64(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9e37_79b9_7f4a_7c15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
        z ^ (z >> 31)
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Mechanism {
    /// Generalized (k-ary) randomized response.
    Grr,
    /// Optimized unary encoding.
    Oue,
    /// Optimized local hashing.
    Olh,
}

impl Mechanism {
    pub const ALL: [Mechanism; 3] = [Mechanism::Grr, Mechanism::Oue, Mechanism::Olh];

    pub fn name(self) -> &'static str {
        match self {
            Mechanism::Grr => "grr",
            Mechanism::Oue => "oue",
            Mechanism::Olh => "olh",
        }
    }

    pub fn parse(name: &str) -> Option<Mechanism> {
        Mechanism::ALL.into_iter().find(|m| m.name() == name)
    }

    /// The lowest-variance randomizer for `domain` buckets at ε.
    pub fn choose(domain: u32, epsilon: MicroEpsilon) -> Mechanism {
        if (domain as f64) < 3.0 * e_eps(epsilon) + 2.0 {
            Mechanism::Grr
        } else if domain <= OUE_MAX_DOMAIN {
            Mechanism::Oue
        } else {
            Mechanism::Olh
        }
    }
}

/// e^ε.
pub fn e_eps(epsilon: MicroEpsilon) -> f64 {
    (epsilon as f64 / MICRO as f64).exp()
}

/// OLH's hash range: e^ε + 1 rounded, at least 2 (the variance-optimal choice).
pub fn olh_range(epsilon: MicroEpsilon) -> u32 {
    ((e_eps(epsilon) + 1.0).round() as u32).max(2)
}

/// OLH's hash of bucket `x` under the report's `(a, b)`, into `0..g`.
pub fn olh_hash(a: u32, b: u32, g: u32, x: u32) -> u32 {
    (((a as u64 * x as u64 + b as u64) % OLH_PRIME) % g as u64) as u32
}

/// What a randomizer outputs: the only profile-derived part of a report.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Privatized {
    Grr {
        value: u32,
    },
    /// One flag per bucket.
    Oue {
        bits: Vec<bool>,
    },
    /// The hash chosen (`a` in 1..p, `b` in 0..p), its range `g`, and the randomized hash value.
    Olh {
        a: u32,
        b: u32,
        g: u32,
        value: u32,
    },
}

impl Privatized {
    pub fn mechanism(&self) -> Mechanism {
        match self {
            Privatized::Grr { .. } => Mechanism::Grr,
            Privatized::Oue { .. } => Mechanism::Oue,
            Privatized::Olh { .. } => Mechanism::Olh,
        }
    }
}

/// Randomizes bucket `value` (< `domain`, ≥ 2 buckets) so that any two inputs give any
/// output with probabilities within a factor e^ε.
pub fn privatize(
    mechanism: Mechanism,
    domain: u32,
    epsilon: MicroEpsilon,
    value: u32,
    rng: &mut impl Random,
) -> Privatized {
    debug_assert!(domain >= 2 && value < domain);
    let e = e_eps(epsilon);
    match mechanism {
        Mechanism::Grr => Privatized::Grr {
            value: randomized_response(value, domain, e, rng),
        },
        Mechanism::Oue => {
            // The true bucket's bit is a fair coin; every other bit is 1 with 1/(e^ε+1).
            let q = 1.0 / (e + 1.0);
            let bits = (0..domain)
                .map(|i| rng.chance(if i == value { 0.5 } else { q }))
                .collect();
            Privatized::Oue { bits }
        }
        Mechanism::Olh => {
            let g = olh_range(epsilon);
            let a = 1 + rng.below(OLH_PRIME - 1) as u32;
            let b = rng.below(OLH_PRIME) as u32;
            let hashed = olh_hash(a, b, g, value);
            Privatized::Olh {
                a,
                b,
                g,
                value: randomized_response(hashed, g, e, rng),
            }
        }
    }
}

/// Keeps `value` with probability e^ε/(e^ε+k−1), else any one of the other k−1 values.
fn randomized_response(value: u32, k: u32, e: f64, rng: &mut impl Random) -> u32 {
    if rng.chance(e / (e + k as f64 - 1.0)) {
        value
    } else {
        let other = rng.below(k as u64 - 1) as u32;
        if other >= value {
            other + 1
        } else {
            other
        }
    }
}

/// One report, as sent: no identifier, no time finer than the period, no clear value.
#[derive(Debug, Clone, PartialEq)]
pub struct Report {
    pub shop: String,
    pub kind: String,
    /// First day of the period the report describes (days since 1970-01-01).
    pub period: i64,
    pub epsilon: MicroEpsilon,
    pub domain: u32,
    pub data: Privatized,
}

/// The version of the wire format, first field of every report.
pub const FORMAT_VERSION: u32 = 1;

impl Report {
    /// One line of JSON, fields in a fixed order. Built by hand: the wasm carries no
    /// JSON serializer, and shop and kind names are validated labels that need no escaping.
    pub fn to_json(&self) -> String {
        let mut s = String::with_capacity(160);
        s.push_str("{\"v\":");
        push_int(&mut s, FORMAT_VERSION as i64);
        s.push_str(",\"shop\":\"");
        s.push_str(&self.shop);
        s.push_str("\",\"kind\":\"");
        s.push_str(&self.kind);
        s.push_str("\",\"period\":\"");
        s.push_str(&date(self.period));
        s.push_str("\",\"mechanism\":\"");
        s.push_str(self.data.mechanism().name());
        s.push_str("\",\"epsilon\":");
        s.push_str(&epsilon_text(self.epsilon));
        s.push_str(",\"domain\":");
        push_int(&mut s, self.domain as i64);
        match &self.data {
            Privatized::Grr { value } => {
                s.push_str(",\"value\":");
                push_int(&mut s, *value as i64);
            }
            Privatized::Oue { bits } => {
                s.push_str(",\"bits\":\"");
                s.extend(bits.iter().map(|&b| if b { '1' } else { '0' }));
                s.push('"');
            }
            Privatized::Olh { a, b, g, value } => {
                for (name, n) in [("a", a), ("b", b), ("g", g), ("value", value)] {
                    s.push_str(",\"");
                    s.push_str(name);
                    s.push_str("\":");
                    push_int(&mut s, *n as i64);
                }
            }
        }
        s.push('}');
        s
    }
}

/// ε in decimal, shortest form: 1, 0.5, 0.125.
pub fn epsilon_text(epsilon: MicroEpsilon) -> String {
    let mut s = String::new();
    push_int(&mut s, (epsilon / MICRO) as i64);
    let mut frac = epsilon % MICRO;
    if frac > 0 {
        s.push('.');
        let mut unit = MICRO / 10;
        while frac > 0 {
            s.push((b'0' + (frac / unit) as u8) as char);
            frac %= unit;
            unit /= 10;
        }
    }
    s
}

/// ε as the shop writes it (a number) → micro-epsilons, rounding to the nearest.
pub fn micro_epsilon(field: &str, value: f64, max: MicroEpsilon) -> Result<MicroEpsilon, Error> {
    let micro = (value * MICRO as f64).round();
    if value.is_finite() && micro >= 1.0 && micro <= max as f64 {
        Ok(micro as MicroEpsilon)
    } else {
        let mut expected = super::number::number_text(value);
        expected.push_str(" is not a privacy budget; expected a number above 0 and at most ");
        expected.push_str(&epsilon_text(max));
        Err(Error::invalid(field, expected))
    }
}

pub const DAY_MS: i64 = 86_400_000;
/// A report period: one week, Monday to Sunday (UTC).
pub const PERIOD_DAYS: i64 = 7;

/// Days since 1970-01-01 (UTC) of `millis`.
pub fn day_of(millis: i64) -> i64 {
    millis.div_euclid(DAY_MS)
}

/// The first day (a Monday) of the period holding `day`. 1970-01-01 was a Thursday.
pub fn period_start(day: i64) -> i64 {
    day - (day + 3).rem_euclid(PERIOD_DAYS)
}

/// `YYYY-MM-DD` of a day number (the proleptic Gregorian calendar, by the well-known
/// days-to-civil conversion over 400-year eras).
pub fn date(day: i64) -> String {
    let z = day + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z.rem_euclid(146_097);
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = doy - (153 * mp + 2) / 5 + 1;
    let m = if mp < 10 { mp + 3 } else { mp - 9 };
    let y = yoe + era * 400 + i64::from(m <= 2);
    let mut s = String::with_capacity(10);
    push_int(&mut s, y.max(0));
    for part in [m, d] {
        s.push('-');
        if part < 10 {
            s.push('0');
        }
        push_int(&mut s, part);
    }
    s
}

/// The day number of a `YYYY-MM-DD` date (inverse of [`date`]); `None` if malformed.
pub fn parse_date(text: &str) -> Option<i64> {
    let mut parts = text.splitn(3, '-');
    let y: i64 = parts.next()?.parse().ok()?;
    let m: i64 = parts.next()?.parse().ok()?;
    let d: i64 = parts.next()?.parse().ok()?;
    if !(1..=12).contains(&m) || !(1..=31).contains(&d) || text.len() != 10 {
        return None;
    }
    let y = if m <= 2 { y - 1 } else { y };
    let era = y.div_euclid(400);
    let yoe = y.rem_euclid(400);
    let mp = if m > 2 { m - 3 } else { m + 9 };
    let doy = (153 * mp + 2) / 5 + d - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    let day = era * 146_097 + doe - 719_468;
    (date(day) == text).then_some(day)
}

/// The 95 % normal quantile: a confidence interval is the estimate ± 1.96 standard errors.
pub const Z95: f64 = 1.96;

/// P[a report supports bucket v | its true bucket is v] (`p*`) and P[… | any other true
/// bucket] (`q*`), from which every estimate follows. `g` is OLH's hash range (ignored otherwise).
pub fn support_probabilities(
    mechanism: Mechanism,
    domain: u32,
    epsilon: MicroEpsilon,
    g: u32,
) -> (f64, f64) {
    let e = e_eps(epsilon);
    match mechanism {
        Mechanism::Grr => (
            e / (e + domain as f64 - 1.0),
            1.0 / (e + domain as f64 - 1.0),
        ),
        Mechanism::Oue => (0.5, 1.0 / (e + 1.0)),
        // A report supports v when v hashes to the value sent: the true bucket does so
        // when the value was kept, any other bucket by a hash collision, 1/g whatever was sent.
        Mechanism::Olh => (e / (e + g as f64 - 1.0), 1.0 / g as f64),
    }
}

/// Variance of the estimated count of a bucket holding share `f` of `n` reports
/// (Wang et al. 2017): each report supports the bucket independently with p* (true
/// bucket) or q* (any other), so Var C = n·f·p*(1−p*) + n·(1−f)·q*(1−q*), divided by (p*−q*)².
pub fn theoretical_variance(
    mechanism: Mechanism,
    domain: u32,
    epsilon: MicroEpsilon,
    n: u64,
    f: f64,
) -> f64 {
    let (p, q) = support_probabilities(mechanism, domain, epsilon, olh_range(epsilon));
    variance(p, q, n as f64, f)
}

/// n·q*(1−q*)/(p*−q*)² + n·f·(1−p*−q*)/(p*−q*): the same sum as above, rearranged.
fn variance(p: f64, q: f64, n: f64, f: f64) -> f64 {
    n * q * (1.0 - q) / ((p - q) * (p - q)) + n * f * (1.0 - p - q) / (p - q)
}

/// One bucket's estimate from a [`Tally`].
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Estimate {
    /// Unbiased estimate of how many reports had this true bucket. Not clamped: it can be
    /// negative or exceed `n`, as an unbiased estimate of a small count must sometimes be.
    pub count: f64,
    pub std_error: f64,
    /// The 95 % confidence interval, `count ∓ 1.96·std_error`.
    pub low: f64,
    pub high: f64,
}

/// Privatized outputs of one stream of reports — one kind and period, with one
/// mechanism, ε and domain — reduced to support counts: C(v) is how many reports are
/// consistent with true bucket v. Memory is one counter per bucket, whatever `n`.
#[derive(Debug, Clone, PartialEq)]
pub struct Tally {
    mechanism: Mechanism,
    domain: u32,
    epsilon: MicroEpsilon,
    /// OLH's hash range, fixed by the first report (0 until then, and for GRR and OUE).
    g: u32,
    n: u64,
    support: Vec<u64>,
}

impl Tally {
    /// An empty tally. The domain must have 2 to [`MAX_DOMAIN`] buckets and ε be positive,
    /// else p* = q* and nothing can be estimated.
    pub fn new(mechanism: Mechanism, domain: u32, epsilon: MicroEpsilon) -> Result<Tally, Error> {
        if !(2..=MAX_DOMAIN).contains(&domain) {
            let mut expected = String::from("expected 2 to ");
            push_int(&mut expected, MAX_DOMAIN as i64);
            expected.push_str(" buckets");
            return Err(Error::invalid("domain", expected));
        }
        if epsilon == 0 {
            return Err(Error::invalid(
                "epsilon",
                "expected a privacy budget above 0",
            ));
        }
        Ok(Tally {
            mechanism,
            domain,
            epsilon,
            g: 0,
            n: 0,
            support: vec![0; domain as usize],
        })
    }

    pub fn mechanism(&self) -> Mechanism {
        self.mechanism
    }

    pub fn domain(&self) -> u32 {
        self.domain
    }

    pub fn epsilon(&self) -> MicroEpsilon {
        self.epsilon
    }

    /// OLH's hash range the reports use (0 for GRR and OUE, and before the first report).
    pub fn range(&self) -> u32 {
        self.g
    }

    /// How many reports were added.
    pub fn n(&self) -> u64 {
        self.n
    }

    /// C(v) per bucket.
    pub fn support(&self) -> &[u64] {
        &self.support
    }

    /// Counts one privatized output. A report that does not fit the tally (another
    /// mechanism, a value outside its range, another OLH range) is refused, naming the
    /// field, and leaves the tally unchanged.
    pub fn add(&mut self, data: &Privatized) -> Result<(), Error> {
        if data.mechanism() != self.mechanism {
            let mut expected = String::from("expected ");
            expected.push_str(self.mechanism.name());
            expected.push_str(" like the rest of the stream, got ");
            expected.push_str(data.mechanism().name());
            return Err(Error::invalid("mechanism", expected));
        }
        match data {
            Privatized::Grr { value } => {
                if *value >= self.domain {
                    return Err(out_of_range("value", *value, self.domain));
                }
                self.support[*value as usize] += 1;
            }
            Privatized::Oue { bits } => {
                if bits.len() != self.domain as usize {
                    let mut expected = String::from("expected one bit per bucket (");
                    push_int(&mut expected, self.domain as i64);
                    expected.push_str("), got ");
                    push_int(&mut expected, bits.len() as i64);
                    return Err(Error::invalid("bits", expected));
                }
                for (count, &bit) in self.support.iter_mut().zip(bits) {
                    *count += bit as u64;
                }
            }
            &Privatized::Olh { a, b, g, value } => {
                if a == 0 || a as u64 >= OLH_PRIME {
                    return Err(Error::invalid("a", "expected 1 to 2147483646"));
                }
                if b as u64 >= OLH_PRIME {
                    return Err(Error::invalid("b", "expected 0 to 2147483646"));
                }
                if g < 2 || (self.g != 0 && g != self.g) {
                    let mut expected = String::from("expected a hash range of at least 2");
                    if self.g != 0 {
                        expected.push_str(", the same as the rest of the stream (");
                        push_int(&mut expected, self.g as i64);
                        expected.push(')');
                    }
                    return Err(Error::invalid("g", expected));
                }
                if value >= g {
                    return Err(out_of_range("value", value, g));
                }
                self.g = g;
                for (x, count) in self.support.iter_mut().enumerate() {
                    *count += (olh_hash(a, b, g, x as u32) == value) as u64;
                }
            }
        }
        self.n += 1;
        Ok(())
    }

    /// The estimate of every bucket: (C(v) − n·q*)/(p* − q*), which is unbiased because
    /// E[C(v)] = n_v·p* + (n − n_v)·q*.
    pub fn estimates(&self) -> Vec<Estimate> {
        // Before the first OLH report the range is unknown: the device's choice stands in
        // (it only matters for the empty tally's standard error).
        let g = if self.g == 0 {
            olh_range(self.epsilon)
        } else {
            self.g
        };
        let (p, q) = support_probabilities(self.mechanism, self.domain, self.epsilon, g);
        let n = self.n as f64;
        self.support
            .iter()
            .map(|&c| {
                let count = (c as f64 - n * q) / (p - q);
                // The variance depends on the bucket's true share, which is unknown: plug in
                // the estimated share, clamped to [0, 1] (an unclamped negative share could
                // give a negative variance when 1 − p* − q* < 0, as for OLH with g = 2).
                let f = if n > 0.0 {
                    (count / n).clamp(0.0, 1.0)
                } else {
                    0.0
                };
                let std_error = variance(p, q, n, f).sqrt();
                Estimate {
                    count,
                    std_error,
                    low: count - Z95 * std_error,
                    high: count + Z95 * std_error,
                }
            })
            .collect()
    }
}

fn out_of_range(field: &str, value: u32, range: u32) -> Error {
    let mut expected = String::from("expected 0 to ");
    push_int(&mut expected, range as i64 - 1);
    expected.push_str(", got ");
    push_int(&mut expected, value as i64);
    Error::invalid(field, expected)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dates_round_trip_and_periods_start_on_monday() {
        assert_eq!(date(0), "1970-01-01");
        assert_eq!(parse_date("2026-11-24"), Some(20_781));
        assert_eq!(date(20_781), "2026-11-24");
        // 2026-11-24 is a Tuesday: its period starts Monday the 23rd.
        assert_eq!(date(period_start(20_781)), "2026-11-23");
        assert_eq!(period_start(20_780), 20_780);
        for day in [1, 0, 59, 60, 11_016, 20_781, 2_000_000] {
            assert_eq!(parse_date(&date(day)), Some(day), "{day}");
            assert_eq!(period_start(period_start(day)), period_start(day));
            assert!(day - period_start(day) < 7 && day >= period_start(day));
        }
        assert_eq!(parse_date("2026-02-30"), None);
        assert_eq!(parse_date("2026-1-05"), None);
    }

    #[test]
    fn epsilon_text_is_exact() {
        assert_eq!(epsilon_text(1_000_000), "1");
        assert_eq!(epsilon_text(500_000), "0.5");
        assert_eq!(epsilon_text(2_125_000), "2.125");
        assert_eq!(epsilon_text(1), "0.000001");
        assert_eq!(micro_epsilon("e", 0.3, MICRO).unwrap(), 300_000);
        assert!(micro_epsilon("e", 0.0, MICRO).is_err());
        assert!(micro_epsilon("e", 1.5, MICRO).is_err());
        assert!(micro_epsilon("e", f64::NAN, MICRO).is_err());
    }

    #[test]
    fn mechanism_follows_domain_size() {
        // At ε = 1, 3e + 2 ≈ 10.2.
        assert_eq!(Mechanism::choose(2, MICRO), Mechanism::Grr);
        assert_eq!(Mechanism::choose(10, MICRO), Mechanism::Grr);
        assert_eq!(Mechanism::choose(11, MICRO), Mechanism::Oue);
        assert_eq!(Mechanism::choose(64, MICRO), Mechanism::Oue);
        assert_eq!(Mechanism::choose(65, MICRO), Mechanism::Olh);
        assert_eq!(olh_range(MICRO), 4);
    }

    #[test]
    fn outputs_stay_in_their_domain() {
        let mut rng = SeededRandom(7);
        for _ in 0..2000 {
            let v = rng.below(13) as u32;
            match privatize(Mechanism::Grr, 13, MICRO, v, &mut rng) {
                Privatized::Grr { value } => assert!(value < 13),
                _ => unreachable!(),
            }
            match privatize(Mechanism::Oue, 13, MICRO, v, &mut rng) {
                Privatized::Oue { bits } => assert_eq!(bits.len(), 13),
                _ => unreachable!(),
            }
            match privatize(Mechanism::Olh, 13, MICRO, v, &mut rng) {
                Privatized::Olh { a, b, g, value } => {
                    assert!(a >= 1 && (a as u64) < OLH_PRIME && (b as u64) < OLH_PRIME);
                    assert!(value < g && g == 4);
                }
                _ => unreachable!(),
            }
        }
    }

    #[test]
    fn wire_format_is_fixed() {
        let r = Report {
            shop: "demo".into(),
            kind: "interest".into(),
            period: 20_780,
            epsilon: 500_000,
            domain: 4,
            data: Privatized::Oue {
                bits: vec![false, true, true, false],
            },
        };
        assert_eq!(
            r.to_json(),
            r#"{"v":1,"shop":"demo","kind":"interest","period":"2026-11-23","mechanism":"oue","epsilon":0.5,"domain":4,"bits":"0110"}"#
        );
        let h = Report {
            data: Privatized::Olh {
                a: 12,
                b: 0,
                g: 3,
                value: 2,
            },
            ..r
        };
        assert!(h.to_json().ends_with(
            r#""mechanism":"olh","epsilon":0.5,"domain":4,"a":12,"b":0,"g":3,"value":2}"#
        ));
    }

    #[test]
    fn variances_have_the_papers_closed_forms() {
        // Wang et al. 2017 at f = 0: GRR n·(e^ε + d − 2)/(e^ε − 1)², OUE n·4e^ε/(e^ε − 1)².
        let e = e_eps(MICRO);
        for d in [2, 4, 10] {
            let v = theoretical_variance(Mechanism::Grr, d, MICRO, 1000, 0.0);
            let closed = 1000.0 * (e + d as f64 - 2.0) / ((e - 1.0) * (e - 1.0));
            assert!((v - closed).abs() < 1e-9 * closed, "{d}: {v} {closed}");
        }
        let v = theoretical_variance(Mechanism::Oue, 50, MICRO, 1000, 0.0);
        let closed = 1000.0 * 4.0 * e / ((e - 1.0) * (e - 1.0));
        assert!((v - closed).abs() < 1e-9 * closed);
        // OLH with its rounded g = 4 is within a few per cent of OUE (equal at g = e^ε + 1).
        let olh = theoretical_variance(Mechanism::Olh, 500, MICRO, 1000, 0.0);
        assert!((olh / closed - 1.0).abs() < 0.05, "{olh} {closed}");
        // A bucket's own share adds n·f·(1 − p* − q*)/(p* − q*): for OUE that is exactly n·f.
        let with_f = theoretical_variance(Mechanism::Oue, 50, MICRO, 1000, 0.3);
        assert!((with_f - v - 300.0).abs() < 1e-9);
    }

    #[test]
    fn support_probabilities_are_e_eps_apart() {
        // The worst-case likelihood ratio of each randomizer is exactly e^ε.
        let e = e_eps(700_000);
        let (p, q) = support_probabilities(Mechanism::Grr, 6, 700_000, 0);
        assert!((p / q - e).abs() < 1e-12);
        let (p, q) = support_probabilities(Mechanism::Oue, 6, 700_000, 0);
        assert!((p * (1.0 - q) / ((1.0 - p) * q) - e).abs() < 1e-12);
        let g = olh_range(700_000);
        let (p, q) = support_probabilities(Mechanism::Olh, 6, 700_000, g);
        assert!((q - 1.0 / g as f64).abs() < 1e-15 && p > q);
    }

    #[test]
    fn a_hand_made_tally_gives_the_formula() {
        // GRR, d = 3, ε = 1: p* = e/(e + 2), q* = 1/(e + 2).
        let mut t = Tally::new(Mechanism::Grr, 3, MICRO).unwrap();
        for value in [0, 0, 1, 0] {
            t.add(&Privatized::Grr { value }).unwrap();
        }
        assert_eq!((t.n(), t.support()), (4, &[3, 1, 0][..]));
        let e = e_eps(MICRO);
        let (p, q) = (e / (e + 2.0), 1.0 / (e + 2.0));
        let est = t.estimates();
        assert!((est[0].count - (3.0 - 4.0 * q) / (p - q)).abs() < 1e-12);
        assert!((est[2].count - (0.0 - 4.0 * q) / (p - q)).abs() < 1e-12);
        // The estimates of a GRR tally always add up to n.
        let total: f64 = est.iter().map(|x| x.count).sum();
        assert!((total - 4.0).abs() < 1e-9);
        // Bucket 2's estimate is negative: its share is clamped to 0 in the variance.
        let se = theoretical_variance(Mechanism::Grr, 3, MICRO, 4, 0.0).sqrt();
        assert!((est[2].std_error - se).abs() < 1e-12);
        assert!((est[2].high - est[2].count - Z95 * se).abs() < 1e-12);
        assert!((est[2].count - est[2].low - Z95 * se).abs() < 1e-12);
    }

    #[test]
    fn a_tally_refuses_what_does_not_fit_and_stays_unchanged() {
        let mut t = Tally::new(Mechanism::Olh, 10, MICRO).unwrap();
        let ok = Privatized::Olh {
            a: 5,
            b: 7,
            g: 4,
            value: 3,
        };
        t.add(&ok).unwrap();
        let before = t.clone();
        let bad = [
            (Privatized::Grr { value: 1 }, "mechanism"),
            (
                Privatized::Olh {
                    a: 0,
                    b: 7,
                    g: 4,
                    value: 1,
                },
                "a",
            ),
            (
                Privatized::Olh {
                    a: 5,
                    b: 2_147_483_647,
                    g: 4,
                    value: 1,
                },
                "b",
            ),
            (
                Privatized::Olh {
                    a: 5,
                    b: 7,
                    g: 5,
                    value: 1,
                },
                "g",
            ),
            (
                Privatized::Olh {
                    a: 5,
                    b: 7,
                    g: 4,
                    value: 4,
                },
                "value",
            ),
        ];
        for (data, field) in bad {
            assert_eq!(t.add(&data).unwrap_err().field(), Some(field), "{data:?}");
        }
        assert_eq!(t, before);
        let mut u = Tally::new(Mechanism::Oue, 3, MICRO).unwrap();
        let short = Privatized::Oue {
            bits: vec![true, false],
        };
        assert_eq!(
            u.add(&short).unwrap_err().to_string(),
            "bits: expected one bit per bucket (3), got 2"
        );
        let mut g = Tally::new(Mechanism::Grr, 3, MICRO).unwrap();
        assert_eq!(
            g.add(&Privatized::Grr { value: 3 })
                .unwrap_err()
                .to_string(),
            "value: expected 0 to 2, got 3"
        );
        assert_eq!(
            Tally::new(Mechanism::Grr, 1, MICRO).unwrap_err().field(),
            Some("domain")
        );
        assert_eq!(
            Tally::new(Mechanism::Grr, 1001, MICRO).unwrap_err().field(),
            Some("domain")
        );
        assert_eq!(
            Tally::new(Mechanism::Grr, 4, 0).unwrap_err().field(),
            Some("epsilon")
        );
    }

    #[test]
    fn estimates_land_near_the_truth_for_every_mechanism() {
        // A smoke test; tests/ldp_stats.rs checks bias, variance and coverage properly.
        let truth = [9_000u32, 6_000, 3_000, 1_500, 500];
        for (mechanism, epsilon) in [
            (Mechanism::Grr, MICRO),
            (Mechanism::Oue, MICRO),
            (Mechanism::Olh, MICRO),
            // g = 2, where 1 − p* − q* < 0: the clamped share keeps the variance positive.
            (Mechanism::Olh, 100_000),
        ] {
            let mut rng = SeededRandom(11);
            let mut t = Tally::new(mechanism, 5, epsilon).unwrap();
            for (v, &count) in truth.iter().enumerate() {
                for _ in 0..count {
                    t.add(&privatize(mechanism, 5, epsilon, v as u32, &mut rng))
                        .unwrap();
                }
            }
            for (e, &count) in t.estimates().iter().zip(&truth) {
                assert!(e.std_error.is_finite() && e.std_error > 0.0);
                let z = (e.count - count as f64) / e.std_error;
                assert!(z.abs() < 4.0, "{mechanism:?} ε {epsilon}: {e:?} vs {count}");
            }
        }
        // An empty tally estimates zero everywhere, with a zero standard error.
        let empty = Tally::new(Mechanism::Olh, 3, MICRO).unwrap().estimates();
        assert!(empty.iter().all(|e| e.count == 0.0 && e.std_error == 0.0));
    }
}

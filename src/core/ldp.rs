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
        getrandom::u64().expect("the OS random number generator failed")
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
        push_u64(&mut s, FORMAT_VERSION as u64);
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
        push_u64(&mut s, self.domain as u64);
        match &self.data {
            Privatized::Grr { value } => {
                s.push_str(",\"value\":");
                push_u64(&mut s, *value as u64);
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
                    push_u64(&mut s, *n as u64);
                }
            }
        }
        s.push('}');
        s
    }
}

fn push_u64(s: &mut String, mut n: u64) {
    let mut digits = [0u8; 20];
    let mut i = digits.len();
    loop {
        i -= 1;
        digits[i] = b'0' + (n % 10) as u8;
        n /= 10;
        if n == 0 {
            break;
        }
    }
    s.extend(digits[i..].iter().map(|&d| d as char));
}

/// ε in decimal, shortest form: 1, 0.5, 0.125.
pub fn epsilon_text(epsilon: MicroEpsilon) -> String {
    let mut s = String::new();
    push_u64(&mut s, (epsilon / MICRO) as u64);
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
        let mut expected =
            String::from("is not a privacy budget; expected a number above 0 and at most ");
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
    push_u64(&mut s, y.max(0) as u64);
    for part in [m, d] {
        s.push('-');
        if part < 10 {
            s.push('0');
        }
        push_u64(&mut s, part as u64);
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
}

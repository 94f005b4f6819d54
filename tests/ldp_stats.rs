//! Statistical proof that the report estimator is right and the randomizers are private,
//! on simulated populations with fixed seeds (so every run sees the same numbers).
//!
//! Each mechanism where a shop meets it, at ε = 1: GRR over 4 buckets, OUE over 20,
//! OLH over 100 (its hash range g = 4). The true population is fixed (a Zipf-like spread
//! drawn once) and only the devices' randomness changes between repetitions, so the
//! theoretical variance of every bucket is exactly [`theoretical_variance`] at its true share.
//!
//! Every tolerance is derived below from the test's own sampling error, with the chance
//! that a correct estimator fails it; a fixed seed makes the outcome deterministic, the
//! chance says how unlikely it was that the chosen seed hides a real fault or shows a
//! false one. Each check also has a negative control that must fail it, so the check has
//! the power to catch the fault it is about.

#![cfg(not(target_arch = "wasm32"))]

use tailor::core::ldp::{
    olh_hash, privatize, theoretical_variance, Mechanism, MicroEpsilon, Privatized, SeededRandom,
    Tally, MICRO,
};
use tailor::decode::{draw_population, zipf_shares};

const EPSILON: MicroEpsilon = MICRO;
/// Reports per repetition.
const CLIENTS: u64 = 10_000;
/// Repetitions: enough for a variance ratio known to ±15 % per bucket, few enough that
/// the whole file runs in seconds in a debug build.
const REPS: u64 = 100;

const CASES: [(Mechanism, u32); 3] = [
    (Mechanism::Grr, 4),
    (Mechanism::Oue, 20),
    (Mechanism::Olh, 100),
];

/// The standard normal quantile of probability `p` (Acklam's rational approximation,
/// relative error below 1.2e-9: far finer than any tolerance here).
fn normal_quantile(p: f64) -> f64 {
    const A: [f64; 6] = [
        -3.969683028665376e+01,
        2.209460984245205e+02,
        -2.759285104469687e+02,
        1.383_577_518_672_69e+02,
        -3.066479806614716e+01,
        2.506628277459239e+00,
    ];
    const B: [f64; 5] = [
        -5.447609879822406e+01,
        1.615858368580409e+02,
        -1.556989798598866e+02,
        6.680131188771972e+01,
        -1.328068155288572e+01,
    ];
    const C: [f64; 6] = [
        -7.784894002430293e-03,
        -3.223964580411365e-01,
        -2.400758277161838e+00,
        -2.549732539343734e+00,
        4.374664141464968e+00,
        2.938163982698783e+00,
    ];
    const D: [f64; 4] = [
        7.784695709041462e-03,
        3.224671290700398e-01,
        2.445134137142996e+00,
        3.754408661907416e+00,
    ];
    let tail = |q: f64| {
        (((((C[0] * q + C[1]) * q + C[2]) * q + C[3]) * q + C[4]) * q + C[5])
            / ((((D[0] * q + D[1]) * q + D[2]) * q + D[3]) * q + 1.0)
    };
    if p < 0.02425 {
        tail((-2.0 * p.ln()).sqrt())
    } else if p > 1.0 - 0.02425 {
        -tail((-2.0 * (1.0 - p).ln()).sqrt())
    } else {
        let q = p - 0.5;
        let r = q * q;
        (((((A[0] * r + A[1]) * r + A[2]) * r + A[3]) * r + A[4]) * r + A[5]) * q
            / (((((B[0] * r + B[1]) * r + B[2]) * r + B[3]) * r + B[4]) * r + 1.0)
    }
}

/// Quantile `p` of χ²/k with k degrees of freedom (Wilson–Hilferty: χ²/k ≈ (1 − 2/9k +
/// z·√(2/9k))³, accurate to a fraction of a per cent for k ≥ 100).
fn chi_square_ratio_quantile(k: f64, p: f64) -> f64 {
    let s = 2.0 / (9.0 * k);
    (1.0 - s + normal_quantile(p) * s.sqrt()).powi(3)
}

/// The fixed true population of one case: `CLIENTS` true buckets and their counts.
fn population(domain: u32, clients: u64, seed: u64) -> (Vec<u32>, Vec<f64>) {
    let truth = draw_population(&zipf_shares(domain), clients, &mut SeededRandom(seed));
    let mut counts = vec![0.0; domain as usize];
    for &v in &truth {
        counts[v as usize] += 1.0;
    }
    (truth, counts)
}

/// One repetition: every device privatizes its true bucket; the shop tallies at ε
/// `assumed` (the truth unless a negative control mis-specifies it).
fn tally(
    mechanism: Mechanism,
    domain: u32,
    truth: &[u32],
    assumed: MicroEpsilon,
    rng: &mut SeededRandom,
) -> Tally {
    let mut t = Tally::new(mechanism, domain, assumed).unwrap();
    for &v in truth {
        t.add(&privatize(mechanism, domain, EPSILON, v, rng))
            .unwrap();
    }
    t
}

/// Per bucket over `REPS` repetitions: the mean estimate, the mean squared error against
/// the truth, and how many 95 % intervals held the truth.
struct Repeated {
    mean: Vec<f64>,
    mse: Vec<f64>,
    covered: u64,
}

fn repeat(
    mechanism: Mechanism,
    domain: u32,
    counts: &[f64],
    truth: &[u32],
    assumed: MicroEpsilon,
) -> Repeated {
    let d = domain as usize;
    let mut rng = SeededRandom(1000 + domain as u64);
    let (mut sum, mut squares, mut covered) = (vec![0.0; d], vec![0.0; d], 0);
    for _ in 0..REPS {
        let estimates = tally(mechanism, domain, truth, assumed, &mut rng).estimates();
        for (v, e) in estimates.iter().enumerate() {
            sum[v] += e.count;
            squares[v] += (e.count - counts[v]).powi(2);
            covered += (e.low <= counts[v] && counts[v] <= e.high) as u64;
        }
    }
    Repeated {
        mean: sum.iter().map(|s| s / REPS as f64).collect(),
        mse: squares.iter().map(|s| s / REPS as f64).collect(),
        covered,
    }
}

/// The largest |mean − truth| in units of the mean's standard error σ/√R.
fn worst_bias(mechanism: Mechanism, domain: u32, counts: &[f64], r: &Repeated) -> f64 {
    (0..domain as usize)
        .map(|v| {
            let sd = theoretical_variance(
                mechanism,
                domain,
                EPSILON,
                CLIENTS,
                counts[v] / CLIENTS as f64,
            )
            .sqrt();
            (r.mean[v] - counts[v]).abs() / (sd / (REPS as f64).sqrt())
        })
        .fold(0.0, f64::max)
}

/// Per bucket, observed mean squared error over theoretical variance.
fn variance_ratios(mechanism: Mechanism, domain: u32, counts: &[f64], r: &Repeated) -> Vec<f64> {
    (0..domain as usize)
        .map(|v| {
            r.mse[v]
                / theoretical_variance(
                    mechanism,
                    domain,
                    EPSILON,
                    CLIENTS,
                    counts[v] / CLIENTS as f64,
                )
        })
        .collect()
}

/// (a), (b), (c) for one mechanism, with its negative control.
fn estimator_is_unbiased_with_the_stated_variance_and_coverage(mechanism: Mechanism, domain: u32) {
    let d = domain as f64;
    let (truth, counts) = population(domain, CLIENTS, 7 + domain as u64);
    let r = repeat(mechanism, domain, &counts, &truth, EPSILON);
    let name = format!("{mechanism:?} d={domain}");

    // (a) Unbiased: per bucket, the mean of R estimates is normal around the truth with
    // standard error σ/√R, so |mean − truth| ≤ 4σ/√R fails a correct estimator with
    // probability 6.3e-5 per bucket, under 0.7 % for all of at most 100 buckets.
    let bias = worst_bias(mechanism, domain, &counts, &r);
    assert!(
        bias <= 4.0,
        "{name}: a bucket's mean estimate is {bias:.2} standard errors off"
    );

    // (b) Variance: per bucket, R·MSE/σ² is χ² with R degrees of freedom (errors against
    // the known truth). Bounds at two-sided probability 1e-3/d per bucket (Bonferroni: a
    // correct estimator fails any bucket with under 0.1 %): for R = 100, [0.56, 1.60] at
    // d = 4 and [0.49, 1.75] at d = 100. The mean ratio over buckets is much tighter: the
    // buckets' errors are uncorrelated for OUE and OLH (pairwise-independent hashing), so
    // it is χ²/(R·d) — [0.95, 1.05] at d = 100, a 5 % error in the variance formula shows;
    // GRR's estimates always sum to n, leaving about d − 1 free, so R·(d − 1) there. Its
    // bound is at two-sided 1e-3.
    let ratios = variance_ratios(mechanism, domain, &counts, &r);
    let k = REPS as f64;
    let (low, high) = (
        chi_square_ratio_quantile(k, 0.0005 / d),
        chi_square_ratio_quantile(k, 1.0 - 0.0005 / d),
    );
    for (v, ratio) in ratios.iter().enumerate() {
        assert!(
            (low..=high).contains(ratio),
            "{name}: bucket {v} variance ratio {ratio:.3} outside [{low:.3}, {high:.3}]"
        );
    }
    let free = if mechanism == Mechanism::Grr {
        d - 1.0
    } else {
        d
    };
    let mean_ratio = ratios.iter().sum::<f64>() / d;
    let (pooled_low, pooled_high) = (
        chi_square_ratio_quantile(k * free, 0.0005),
        chi_square_ratio_quantile(k * free, 0.9995),
    );
    assert!(
        (pooled_low..=pooled_high).contains(&mean_ratio),
        "{name}: mean variance ratio {mean_ratio:.3} outside [{pooled_low:.3}, {pooled_high:.3}]"
    );

    // (c) Coverage of the 95 % intervals (with the standard error the shop sees, from the
    // estimated share): over d·R intervals, within 4 binomial standard errors of 95 %
    // (treating intervals as independent), and never closer than 1 point, since the
    // normal approximation itself may be off by a fraction of one.
    let cells = d * k;
    let coverage = r.covered as f64 / cells;
    let slack = (4.0 * (0.95 * 0.05 / cells).sqrt()).max(0.01);
    assert!(
        (coverage - 0.95).abs() <= slack,
        "{name}: 95 % intervals held the truth {:.2} % of the time (allowed 95 ± {:.2})",
        100.0 * coverage,
        100.0 * slack
    );
    println!(
        "{name}: worst bias {bias:.2} se; variance ratio mean {mean_ratio:.3} in [{pooled_low:.3}, {pooled_high:.3}], \
         buckets {:.3}–{:.3} in [{low:.3}, {high:.3}]; coverage {:.2} % (95 ± {:.2})",
        ratios.iter().cloned().fold(f64::INFINITY, f64::min),
        ratios.iter().cloned().fold(0.0, f64::max),
        100.0 * coverage,
        100.0 * slack
    );

    // Negative control: the shop decodes with ε = 1.1 while devices used 1. The estimates
    // are then biased (wrong p*, q*), and test (a) must see it.
    let wrong = repeat(mechanism, domain, &counts, &truth, 1_100_000);
    let bias = worst_bias(mechanism, domain, &counts, &wrong);
    assert!(
        bias > 4.0,
        "{name}: a mis-specified ε went unnoticed (worst bias {bias:.2} se)"
    );
}

#[test]
fn grr_estimates_are_unbiased_with_the_stated_variance() {
    estimator_is_unbiased_with_the_stated_variance_and_coverage(Mechanism::Grr, 4);
}

#[test]
fn oue_estimates_are_unbiased_with_the_stated_variance() {
    estimator_is_unbiased_with_the_stated_variance_and_coverage(Mechanism::Oue, 20);
}

#[test]
fn olh_estimates_are_unbiased_with_the_stated_variance() {
    estimator_is_unbiased_with_the_stated_variance_and_coverage(Mechanism::Olh, 100);
}

/// (d) One large population: 100k reports, every bucket within 4 of its own standard
/// errors (the shop's: from the estimated share). For at most 100 buckets a correct
/// estimator fails with under 0.7 %.
#[test]
fn a_hundred_thousand_reports_land_within_four_standard_errors() {
    for (mechanism, domain) in CASES {
        let (truth, counts) = population(domain, 100_000, 99 + domain as u64);
        let t = tally(mechanism, domain, &truth, EPSILON, &mut SeededRandom(5));
        assert_eq!(t.n(), 100_000);
        let worst = t
            .estimates()
            .iter()
            .zip(&counts)
            .map(|(e, c)| (e.count - c).abs() / e.std_error)
            .fold(0.0, f64::max);
        println!("{mechanism:?} d={domain} at 100k: worst error {worst:.2} standard errors");
        assert!(
            worst <= 4.0,
            "{mechanism:?}: a bucket is {worst:.2} standard errors off"
        );
    }
}

/// Runs per input in the privacy check.
const RUNS: u64 = 200_000;

/// What the privacy check sees of one output, for a pair of neighbouring inputs (u, w):
/// an outcome number among `outcomes`.
///
/// - GRR: the value sent (d outcomes).
/// - OUE on d = 4: the whole bit pattern (16 outcomes) — the full output.
/// - OLH: (hash of u, hash of w, value sent) under the report's own (a, b): g³ outcomes.
///   The report's (a, b) are drawn independently of the input, and given them the value's
///   distribution depends on the input only through whether it hashes like u or like w,
///   so the likelihood ratio of the full output (a, b, g, value) between u and w is the
///   ratio of this outcome's probabilities: checking it is checking the full output.
fn outcome(data: &Privatized, u: u32, w: u32) -> usize {
    match *data {
        Privatized::Grr { value } => value as usize,
        Privatized::Oue { ref bits } => bits
            .iter()
            .enumerate()
            .map(|(i, &b)| (b as usize) << i)
            .sum(),
        Privatized::Olh { a, b, g, value } => {
            let g = g as usize;
            (olh_hash(a, b, g as u32, u) as usize * g + olh_hash(a, b, g as u32, w) as usize) * g
                + value as usize
        }
    }
}

fn outcomes(mechanism: Mechanism, domain: u32, epsilon: MicroEpsilon) -> usize {
    match mechanism {
        Mechanism::Grr => domain as usize,
        Mechanism::Oue => 1 << domain,
        Mechanism::Olh => (tailor::core::ldp::olh_range(epsilon) as usize).pow(3),
    }
}

/// The largest observed log-likelihood ratio ln(P̂[o | u] / P̂[o | w]) over outcomes o and
/// ordered pairs of inputs, with its standard error, and the largest excess over
/// ε_claimed in standard errors. Every outcome is seen hundreds of times here; one seen
/// fewer than 30 times under either input would make the ratio meaningless, so the check
/// asserts there is none.
struct Privacy {
    max_log_ratio: f64,
    se_at_max: f64,
    max_excess: f64,
}

fn privacy(
    mechanism: Mechanism,
    domain: u32,
    actual: MicroEpsilon,
    claimed: MicroEpsilon,
) -> Privacy {
    let eps = claimed as f64 / MICRO as f64;
    let n_out = outcomes(mechanism, domain, actual);
    let mut rng = SeededRandom(31 + mechanism as u64);
    // Outputs per input, kept whole: OLH's outcome depends on the pair compared.
    let samples: Vec<Vec<Privatized>> = (0..domain)
        .map(|v| {
            (0..RUNS)
                .map(|_| privatize(mechanism, domain, actual, v, &mut rng))
                .collect()
        })
        .collect();
    let mut result = Privacy {
        max_log_ratio: f64::NEG_INFINITY,
        se_at_max: 0.0,
        max_excess: f64::NEG_INFINITY,
    };
    for u in 0..domain {
        for w in 0..domain {
            if u == w {
                continue;
            }
            let histogram = |input: u32| {
                let mut h = vec![0u64; n_out];
                for data in &samples[input as usize] {
                    h[outcome(data, u, w)] += 1;
                }
                h
            };
            let (hu, hw) = (histogram(u), histogram(w));
            for o in 0..n_out {
                let (ku, kw) = (hu[o] as f64, hw[o] as f64);
                assert!(
                    ku >= 30.0 && kw >= 30.0,
                    "{mechanism:?}: outcome {o} seen {ku} and {kw} times"
                );
                let log_ratio = (ku / kw).ln();
                // Delta method: Var ln p̂ = (1 − p)/(M·p) for a binomial proportion.
                let m = RUNS as f64;
                let se = ((1.0 - ku / m) / ku + (1.0 - kw / m) / kw).sqrt();
                if log_ratio > result.max_log_ratio {
                    result.max_log_ratio = log_ratio;
                    result.se_at_max = se;
                }
                result.max_excess = result.max_excess.max((log_ratio - eps) / se);
            }
        }
    }
    result
}

/// (e) Empirical privacy: for every pair of neighbouring inputs and every outcome, the
/// observed ratio of output probabilities stays within e^ε up to sampling error — at most
/// 4 standard errors of the log-ratio above ε. With at most 12 pairs × 64 outcomes, a
/// private randomizer fails with under 2.5 % even if every outcome sat exactly at e^ε
/// (most sit well below). The bound is also approached: each randomizer is tight, so the
/// largest ratio is within 4 standard errors of e^ε. Negative control: a randomizer that
/// spends 2ε while claiming ε must fail.
#[test]
fn randomizers_are_epsilon_private_and_no_more() {
    let eps = EPSILON as f64 / MICRO as f64;
    for mechanism in Mechanism::ALL {
        // d = 4 for all three: OUE's 16 full patterns stay countable, and OLH's
        // outcome (two hashes and the value, g = 4) has 64.
        let domain = 4;
        let p = privacy(mechanism, domain, EPSILON, EPSILON);
        println!(
            "{mechanism:?}: largest ln ratio {:.4} ± {:.4} (ε = {eps}); largest excess {:.2} se",
            p.max_log_ratio, p.se_at_max, p.max_excess
        );
        assert!(
            p.max_excess <= 4.0,
            "{mechanism:?}: a ratio exceeds e^ε by {:.2} standard errors",
            p.max_excess
        );
        assert!(
            p.max_log_ratio >= eps - 4.0 * p.se_at_max,
            "{mechanism:?}: the largest ratio e^{:.4} is well below e^ε: the check would be blind",
            p.max_log_ratio
        );

        let leaky = privacy(mechanism, domain, 2 * EPSILON, EPSILON);
        println!(
            "{mechanism:?} spending 2ε: largest excess {:.1} se",
            leaky.max_excess
        );
        assert!(
            leaky.max_excess > 4.0,
            "{mechanism:?}: a 2ε randomizer passed the ε check"
        );
    }
}

/// (e) continued, on the domains of the accuracy tests, where full outputs are too many
/// to count: OUE's per-bit marginals (d = 20) and OLH's "the report supports bucket 0"
/// event (d = 100). Each is at most e^ε apart between two inputs — in fact less: a 1 in
/// OUE's bit is (e^ε + 1)/2 times likelier, a 0 at most 2e^ε/(e^ε + 1); OLH's support
/// event e^ε·g/(e^ε + g − 1). Same 4-standard-error slack as above.
#[test]
fn single_bits_and_hash_matches_stay_within_e_epsilon() {
    let eps = EPSILON as f64 / MICRO as f64;
    let m = RUNS as f64;
    let check = |name: &str, ku: f64, kw: f64| {
        for (a, b) in [(ku, kw), (m - ku, m - kw)] {
            let se = ((1.0 - a / m) / a + (1.0 - b / m) / b).sqrt();
            let excess = ((a / b).ln() - eps) / se;
            assert!(
                excess <= 4.0,
                "{name}: ratio {:.4} exceeds e^ε by {excess:.2} se",
                a / b
            );
        }
    };
    // OUE, d = 20, inputs 0 and 1: bit 0 and bit 1 (the only bits whose law differs).
    let mut rng = SeededRandom(77);
    let mut ones = [[0.0; 2]; 2]; // ones[input][bit]
    for input in 0..2u32 {
        for _ in 0..RUNS {
            if let Privatized::Oue { bits } =
                privatize(Mechanism::Oue, 20, EPSILON, input, &mut rng)
            {
                ones[input as usize][0] += bits[0] as u8 as f64;
                ones[input as usize][1] += bits[1] as u8 as f64;
            }
        }
    }
    let [zero, one] = ones;
    for (a, b) in zero.into_iter().zip(one) {
        check("OUE bit, input 0 vs 1", a, b);
        check("OUE bit, input 1 vs 0", b, a);
    }
    // OLH, d = 100: the event "the report supports bucket 0", inputs 0 and 1.
    let mut supports = [0.0; 2];
    for input in 0..2u32 {
        for _ in 0..RUNS {
            if let Privatized::Olh { a, b, g, value } =
                privatize(Mechanism::Olh, 100, EPSILON, input, &mut rng)
            {
                supports[input as usize] += (olh_hash(a, b, g, 0) == value) as u8 as f64;
            }
        }
    }
    check("OLH supports 0, input 0 vs 1", supports[0], supports[1]);
    check("OLH supports 0, input 1 vs 0", supports[1], supports[0]);
}

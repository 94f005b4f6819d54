//! The shop's tool for privatized reports.
//!
//! ```text
//! tailor-reports decode REPORTS.jsonl [--config CONFIG.json] [--min-reports N] [--json]
//! tailor-reports simulate --kind K --mechanism grr|oue|olh --domain D --epsilon E
//!                         --clients N --seed S [--shares "0.5,0.3,…"] [--truth FILE]
//!                         [--shop NAME] [--period YYYY-MM-DD]
//! tailor-reports accuracy [--epsilon E] [--reps R (default 100)] [--seed S]
//! ```
//!
//! `decode` prints, per shop, kind and period, the mechanism, ε, the number of reports
//! and each bucket's unbiased estimate with its 95 % confidence interval; a stream with
//! fewer than `--min-reports` reports (default 100) is withheld. `REPORTS.jsonl` may be
//! `-` for standard input. `--config` takes the shop's `reports` config (or its whole
//! `Tailor.open` options) for bucket labels. `--json` prints one JSON document instead.
//!
//! `simulate` writes privatized reports of a simulated population as JSON lines, exactly
//! as devices send them, drawn with a seeded generator; `--truth` writes the true counts.
//!
//! `accuracy` prints the table of docs/reports-accuracy.md: the 95 % half-width a shop can
//! expect per mechanism and domain at 10k and 100k reports, in theory and measured.

#![cfg_attr(target_arch = "wasm32", no_main)]

#[cfg(not(target_arch = "wasm32"))]
fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    match tool::run(&args) {
        Ok(()) => {}
        Err(tool::Failure::Usage(message)) => {
            eprintln!("tailor-reports: {message}\n\n{}", tool::USAGE);
            std::process::exit(2);
        }
        Err(tool::Failure::Failed(message)) => {
            eprintln!("tailor-reports: {message}");
            std::process::exit(1);
        }
    }
}

#[cfg(not(target_arch = "wasm32"))]
mod tool {
    use std::fmt::Write as _;
    use std::fs;
    use std::io::{self, BufReader, BufWriter, Write};

    use serde_json::json;
    use tailor::core::ldp::{
        date, epsilon_text, micro_epsilon, parse_date, period_start, theoretical_variance,
        Mechanism, MicroEpsilon, SeededRandom, Tally, MAX_DOMAIN, MICRO, Z95,
    };
    use tailor::decode::{
        decode, draw_population, parse_labels, summarize, zipf_shares, Simulation, Summary,
        DEFAULT_MIN_REPORTS, MAX_EPSILON,
    };

    pub const USAGE: &str = "usage:
  tailor-reports decode REPORTS.jsonl [--config CONFIG.json] [--min-reports N] [--json]
  tailor-reports simulate --kind K --mechanism grr|oue|olh --domain D --epsilon E --clients N --seed S
                          [--shares \"0.5,0.3,...\"] [--truth FILE] [--shop NAME] [--period YYYY-MM-DD]
  tailor-reports accuracy [--epsilon E] [--reps R] [--seed S]";

    pub enum Failure {
        /// The command line is wrong: exit 2 with the usage.
        Usage(String),
        /// The input is wrong or unreadable: exit 1.
        Failed(String),
    }

    fn usage(message: impl Into<String>) -> Failure {
        Failure::Usage(message.into())
    }

    fn failed(message: impl Into<String>) -> Failure {
        Failure::Failed(message.into())
    }

    /// `--name value` options and bare arguments, in the order given.
    struct Args {
        options: Vec<(String, Option<String>)>,
        positional: Vec<String>,
    }

    impl Args {
        /// Splits `args`; `flags` are the options that take no value.
        fn parse(args: &[String], known: &[&str], flags: &[&str]) -> Result<Args, Failure> {
            let mut options: Vec<(String, Option<String>)> = Vec::new();
            let mut positional = Vec::new();
            let mut i = 0;
            while i < args.len() {
                let arg = &args[i];
                if let Some(name) = arg.strip_prefix("--") {
                    if !known.contains(&name) && !flags.contains(&name) {
                        return Err(usage(format!("unknown option --{name}")));
                    }
                    if options.iter().any(|(n, _)| n == name) {
                        return Err(usage(format!("--{name} is given twice")));
                    }
                    if flags.contains(&name) {
                        options.push((name.to_string(), None));
                    } else {
                        let value = args
                            .get(i + 1)
                            .ok_or_else(|| usage(format!("--{name} needs a value")))?;
                        options.push((name.to_string(), Some(value.clone())));
                        i += 1;
                    }
                } else {
                    positional.push(arg.clone());
                }
                i += 1;
            }
            Ok(Args {
                options,
                positional,
            })
        }

        fn flag(&self, name: &str) -> bool {
            self.options.iter().any(|(n, _)| n == name)
        }

        fn value(&self, name: &str) -> Option<&str> {
            self.options
                .iter()
                .find(|(n, _)| n == name)
                .and_then(|(_, v)| v.as_deref())
        }

        fn required(&self, name: &str) -> Result<&str, Failure> {
            self.value(name)
                .ok_or_else(|| usage(format!("--{name} is required")))
        }

        fn number<T: std::str::FromStr>(
            &self,
            name: &str,
            default: Option<T>,
        ) -> Result<T, Failure> {
            match self.value(name) {
                Some(text) => text
                    .parse()
                    .map_err(|_| usage(format!("--{name}: expected a whole number, got {text:?}"))),
                None => default.ok_or_else(|| usage(format!("--{name} is required"))),
            }
        }

        fn epsilon(&self, default: Option<MicroEpsilon>) -> Result<MicroEpsilon, Failure> {
            match self.value("epsilon") {
                Some(text) => {
                    let x: f64 = text.parse().map_err(|_| {
                        usage(format!("--epsilon: expected a number, got {text:?}"))
                    })?;
                    micro_epsilon("--epsilon", x, MAX_EPSILON).map_err(|e| usage(e.to_string()))
                }
                None => default.ok_or_else(|| usage("--epsilon is required")),
            }
        }
    }

    pub fn run(args: &[String]) -> Result<(), Failure> {
        match args.first().map(String::as_str) {
            Some("decode") => run_decode(&args[1..]),
            Some("simulate") => run_simulate(&args[1..]),
            Some("accuracy") => run_accuracy(&args[1..]),
            Some("--help" | "-h" | "help") => {
                println!("{USAGE}");
                Ok(())
            }
            Some(other) => Err(usage(format!("{other:?} is not a command"))),
            None => Err(usage("a command is needed")),
        }
    }

    fn run_decode(args: &[String]) -> Result<(), Failure> {
        let args = Args::parse(args, &["config", "min-reports"], &["json"])?;
        let [path] = args.positional.as_slice() else {
            return Err(usage(
                "decode takes one reports file (or - for standard input)",
            ));
        };
        let min_reports: u64 = args.number("min-reports", Some(DEFAULT_MIN_REPORTS))?;
        let labels = match args.value("config") {
            Some(config) => {
                let text = fs::read_to_string(config)
                    .map_err(|e| failed(format!("{config}: cannot be read: {e}")))?;
                Some(parse_labels(&text).map_err(|e| failed(format!("{config}: {e}")))?)
            }
            None => None,
        };
        let streams = if path == "-" {
            decode(io::stdin().lock())
        } else {
            let file =
                fs::File::open(path).map_err(|e| failed(format!("{path}: cannot be read: {e}")))?;
            decode(BufReader::new(file))
        }
        .map_err(|e| failed(format!("{path}: {e}")))?;
        let summaries = summarize(&streams, labels.as_deref(), min_reports)
            .map_err(|e| failed(e.to_string()))?;
        let out = if args.flag("json") {
            let doc = json!({
                "minReports": min_reports,
                "streams": summaries.iter().map(summary_json).collect::<Vec<_>>(),
            });
            serde_json::to_string_pretty(&doc).expect("JSON of plain values") + "\n"
        } else {
            let mut out = String::new();
            if summaries.is_empty() {
                out.push_str("no reports\n");
            }
            for s in &summaries {
                write_summary(&mut out, s);
            }
            out
        };
        io::stdout()
            .write_all(out.as_bytes())
            .map_err(|e| failed(format!("cannot write: {e}")))
    }

    fn summary_json(s: &Summary) -> serde_json::Value {
        let buckets: Vec<serde_json::Value> = match &s.estimates {
            Some(estimates) => estimates
                .iter()
                .zip(&s.labels)
                .enumerate()
                .map(|(bucket, (e, label))| {
                    json!({
                        "bucket": bucket,
                        "label": label,
                        "estimate": e.count,
                        "stdError": e.std_error,
                        "low": e.low,
                        "high": e.high,
                    })
                })
                .collect(),
            None => Vec::new(),
        };
        json!({
            "shop": s.shop,
            "kind": s.kind,
            "period": date(s.period),
            "mechanism": s.mechanism.name(),
            "epsilon": s.epsilon as f64 / MICRO as f64,
            "domain": s.domain,
            "n": s.n,
            "withheld": s.withheld,
            "buckets": buckets,
        })
    }

    fn write_summary(out: &mut String, s: &Summary) {
        let _ = writeln!(
            out,
            "{} · {} · week of {} to {}",
            s.shop,
            s.kind,
            date(s.period),
            date(s.period + 6)
        );
        let _ = writeln!(
            out,
            "  {}, ε = {}, {} reports, {} buckets",
            s.mechanism.name(),
            epsilon_text(s.epsilon),
            s.n,
            s.domain
        );
        let Some(estimates) = &s.estimates else {
            let _ = writeln!(out, "  withheld: {}\n", s.withheld.as_deref().unwrap_or(""));
            return;
        };
        let width = s
            .labels
            .iter()
            .map(|l| l.chars().count())
            .max()
            .unwrap_or(0)
            .max(6);
        let _ = writeln!(
            out,
            "  {:<width$}  {:>10}  {:>23}  {:>7}",
            "bucket", "estimate", "95 % interval", "share"
        );
        for (e, label) in estimates.iter().zip(&s.labels) {
            let pad = width - label.chars().count();
            let _ = writeln!(
                out,
                "  {label}{:pad$}  {:>10.1}  [{:>10.1}, {:>10.1}]  {:>6.1} %",
                "",
                e.count,
                e.low,
                e.high,
                100.0 * e.count / s.n as f64
            );
        }
        out.push('\n');
    }

    fn run_simulate(args: &[String]) -> Result<(), Failure> {
        let args = Args::parse(
            args,
            &[
                "kind",
                "mechanism",
                "domain",
                "epsilon",
                "clients",
                "seed",
                "shares",
                "truth",
                "shop",
                "period",
            ],
            &[],
        )?;
        if let Some(extra) = args.positional.first() {
            return Err(usage(format!("simulate takes no argument {extra:?}")));
        }
        let kind = args.required("kind")?;
        let shop = args.value("shop").unwrap_or("sim");
        let mechanism_text = args.required("mechanism")?;
        let mechanism = Mechanism::parse(mechanism_text).ok_or_else(|| {
            usage(format!(
                "--mechanism: expected grr, oue or olh, got {mechanism_text:?}"
            ))
        })?;
        let domain: u32 = args.number("domain", None)?;
        if !(2..=MAX_DOMAIN).contains(&domain) {
            return Err(usage(format!(
                "--domain: expected 2 to {MAX_DOMAIN}, got {domain}"
            )));
        }
        let epsilon = args.epsilon(None)?;
        let clients: u64 = args.number("clients", None)?;
        let seed: u64 = args.number("seed", None)?;
        let period_text = args.value("period").unwrap_or("2026-11-23");
        let period = parse_date(period_text)
            .filter(|&d| period_start(d) == d)
            .ok_or_else(|| {
                usage(format!(
                    "--period: expected a Monday YYYY-MM-DD, got {period_text:?}"
                ))
            })?;
        let shares = match args.value("shares") {
            Some(text) => {
                let shares: Vec<f64> = text
                    .split(',')
                    .map(|s| s.trim().parse::<f64>())
                    .collect::<Result<_, _>>()
                    .map_err(|_| {
                        usage(format!(
                            "--shares: expected numbers separated by commas, got {text:?}"
                        ))
                    })?;
                if shares.len() != domain as usize
                    || shares.iter().any(|s| !s.is_finite() || *s < 0.0)
                    || shares.iter().sum::<f64>() <= 0.0
                {
                    return Err(usage(format!(
                        "--shares: expected {domain} non-negative numbers, not all 0 (they are normalized)"
                    )));
                }
                shares
            }
            None => zipf_shares(domain),
        };
        // Two independent streams: the population depends on the seed only, so every
        // mechanism run with one seed describes the same true counts.
        let truth = draw_population(&shares, clients, &mut SeededRandom(seed));
        let mut privacy = SeededRandom(seed ^ 0xd1b5_4a32_d192_ed03);
        let simulation = Simulation {
            shop,
            kind,
            period,
            mechanism,
            domain,
            epsilon,
        };
        let reports = simulation.reports(&truth, &mut privacy);
        let stdout = io::stdout();
        let mut out = BufWriter::new(stdout.lock());
        for r in &reports {
            writeln!(out, "{}", r.to_json()).map_err(|e| failed(format!("cannot write: {e}")))?;
        }
        out.flush()
            .map_err(|e| failed(format!("cannot write: {e}")))?;
        if let Some(path) = args.value("truth") {
            let mut counts = vec![0u64; domain as usize];
            for &v in &truth {
                counts[v as usize] += 1;
            }
            let doc = json!({
                "shop": shop, "kind": kind, "period": date(period), "domain": domain,
                "clients": clients, "counts": counts,
            });
            fs::write(path, doc.to_string() + "\n")
                .map_err(|e| failed(format!("{path}: cannot be written: {e}")))?;
        }
        Ok(())
    }

    /// Mechanisms and domains of the accuracy table: each where a shop would meet it
    /// (GRR while d < 3e^ε + 2, OUE to 64 buckets, OLH beyond).
    const ACCURACY_CASES: [(Mechanism, u32); 7] = [
        (Mechanism::Grr, 2),
        (Mechanism::Grr, 4),
        (Mechanism::Grr, 8),
        (Mechanism::Oue, 16),
        (Mechanism::Oue, 64),
        (Mechanism::Olh, 100),
        (Mechanism::Olh, 1000),
    ];

    fn run_accuracy(args: &[String]) -> Result<(), Failure> {
        let args = Args::parse(args, &["epsilon", "reps", "seed"], &[])?;
        let epsilon = args.epsilon(Some(MICRO))?;
        let reps: u64 = args.number("reps", Some(100))?;
        let seed: u64 = args.number("seed", Some(1))?;
        if reps < 2 {
            return Err(usage("--reps: expected at least 2"));
        }
        let mut out = String::new();
        let _ = writeln!(
            out,
            "| mechanism | buckets d | reports n | ±95 % (reports) | ±95 % (share of n) | ±95 % of an average bucket (n/d) | measured ±95 % | measured coverage |"
        );
        let _ = writeln!(
            out,
            "| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: |"
        );
        for (mechanism, domain) in ACCURACY_CASES {
            for n in [1_000u64, 10_000, 100_000] {
                // A uniform population: every bucket holds n/d reports, share f = 1/d, so
                // one theoretical half-width holds for every bucket and the measured one
                // (1.96 × root-mean-square error over buckets and repetitions) compares to it.
                let f = 1.0 / domain as f64;
                let half = Z95 * theoretical_variance(mechanism, domain, epsilon, n, f).sqrt();
                let truth: Vec<u32> = (0..n).map(|i| (i % domain as u64) as u32).collect();
                let mut counts = vec![0u64; domain as usize];
                for &v in &truth {
                    counts[v as usize] += 1;
                }
                let mut rng = SeededRandom(seed ^ (n << 20) ^ domain as u64);
                let (mut squares, mut covered, mut cells) = (0.0, 0u64, 0u64);
                for _ in 0..reps {
                    let mut tally = Tally::new(mechanism, domain, epsilon).expect("valid case");
                    for &v in &truth {
                        let data =
                            tailor::core::ldp::privatize(mechanism, domain, epsilon, v, &mut rng);
                        tally.add(&data).expect("own output fits");
                    }
                    for (e, &c) in tally.estimates().iter().zip(&counts) {
                        let error = e.count - c as f64;
                        squares += error * error;
                        covered += (e.low <= c as f64 && c as f64 <= e.high) as u64;
                        cells += 1;
                    }
                }
                let measured = Z95 * (squares / cells as f64).sqrt();
                let _ = writeln!(
                    out,
                    "| {} | {domain} | {n} | {half:.0} | {:.2} % | {:.0} % | {measured:.0} | {:.1} % |",
                    mechanism.name().to_uppercase(),
                    100.0 * half / n as f64,
                    100.0 * half * domain as f64 / n as f64,
                    100.0 * covered as f64 / cells as f64,
                );
            }
        }
        let _ = writeln!(
            out,
            "\nε = {}, {reps} repetitions per row, seed {seed}; measured over every bucket of every repetition.",
            epsilon_text(epsilon)
        );
        io::stdout()
            .write_all(out.as_bytes())
            .map_err(|e| failed(format!("cannot write: {e}")))
    }
}

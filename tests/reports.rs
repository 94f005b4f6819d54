//! Reports end to end in the engine, natively: nothing without the analytics purpose,
//! once per kind per period, the budget never exceeded whatever the sequence of calls,
//! withdrawal drops what is pending, sensitive items never counted.

mod common;
use common::Shared;
use serde_json::Value;
use tailor::core::engine::{Config, ConfigInput, SensitiveInput};
use tailor::core::ldp::{self, SeededRandom};
use tailor::core::offers::{AppliesToInput, OfferContext, OfferInput, ValueInput};
use tailor::core::reports::{KindInput, Measures, ReportsInput};
use tailor::core::{ConsentChange, Engine, Error, EventInput, ItemInput, Source, Store};

const DAY: i64 = 86_400_000;
/// A Tuesday, 2026-11-24, noon UTC.
const T0: i64 = 1_795_521_600_000;
const MEASURES: &str = "tailor.v1.shop.measures";
const BUDGET: &str = "tailor.v1.shop.budget";

fn kind(name: &str, measure: &str, epsilon: Option<f64>) -> KindInput {
    KindInput {
        name: Some(name.into()),
        measure: Some(measure.into()),
        epsilon,
        ..Default::default()
    }
}

/// Four kinds worth 2.5 ε together: with the default cap of 2, the last never fits
/// in a week where all four are due.
fn kinds() -> Vec<KindInput> {
    vec![
        KindInput {
            buckets: Some(vec!["fruit".into(), "dairy".into(), "bakery".into()]),
            ..kind("interest", "topCategory", None)
        },
        KindInput {
            bounds: Some(vec![1.0, 3.0, 6.0]),
            ..kind("basket", "basketSize", Some(0.5))
        },
        kind("clicked", "personalizedClick", Some(0.5)),
        KindInput {
            groups: Some(vec!["fresh".into(), "bakery-deals".into()]),
            ..kind("deals", "offerGroup", Some(0.5))
        },
    ]
}

fn config_with(reports: ReportsInput) -> Result<Config, Error> {
    Config::new(ConfigInput {
        shop: Some("shop".into()),
        policy_version: Some("v1".into()),
        sensitive: Some(SensitiveInput {
            categories: vec!["pharmacy/pregnancy".into()],
        }),
        seed: Some(1.0),
        reports: Some(reports),
        ..Default::default()
    })
}

fn reports(kinds: Vec<KindInput>) -> ReportsInput {
    ReportsInput {
        endpoint: Some("/tailor/reports".into()),
        kinds: Some(kinds),
        ..Default::default()
    }
}

fn catalogue() -> Vec<ItemInput> {
    let cats = [
        "fruit/apples",
        "dairy/milk",
        "bakery/bread",
        "pharmacy/pregnancy",
        "frozen/peas",
    ];
    (0..10)
        .map(|i| ItemInput {
            id: Some(format!("s{i}")),
            title: Some(format!("Item {i}")),
            category: Some(cats[i % 5].into()),
            price: Some(2.0),
            popularity: Some(100.0 - i as f64),
            ..Default::default()
        })
        .collect()
}

fn open_with(store: &Shared, config: Config, now: i64) -> Engine<Shared> {
    let mut e = Engine::open(config, Some(store.clone()), None, false, now);
    e.load_catalogue(catalogue());
    e
}

fn open(store: &Shared, now: i64) -> Engine<Shared> {
    open_with(store, config_with(reports(kinds())).unwrap(), now)
}

fn consent(e: &mut Engine<Shared>, personalization: bool, analytics: bool, now: i64) {
    e.set_consent(
        &ConsentChange {
            personalization: Some(personalization),
            analytics: Some(analytics),
            ..Default::default()
        },
        Source::Api,
        now,
    );
}

fn event(e: &mut Engine<Shared>, kind: &str, item: &str, now: i64, more: EventInput) {
    let input = EventInput {
        kind: Some(kind.into()),
        item: Some(item.into()),
        ..more
    };
    e.track(input, now).unwrap();
}

fn track(e: &mut Engine<Shared>, kind: &str, item: &str, now: i64) {
    event(e, kind, item, now, EventInput::default());
}

/// A view of an item in a slot Tailor ranked.
fn click(e: &mut Engine<Shared>, item: &str, now: i64) {
    let more = EventInput {
        personalized: Some(true),
        ..Default::default()
    };
    event(e, "view", item, now, more);
}

fn buy(e: &mut Engine<Shared>, item: &str, quantity: f64, now: i64) {
    let more = EventInput {
        quantity: Some(quantity),
        ..Default::default()
    };
    event(e, "purchase", item, now, more);
}

/// Makes what is due and takes it, parsed.
fn send(e: &mut Engine<Shared>, now: i64, rng: &mut SeededRandom) -> Vec<Value> {
    e.prepare_reports(now, rng);
    e.take_reports(now)
        .iter()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect()
}

fn names(reports: &[Value]) -> Vec<&str> {
    reports
        .iter()
        .map(|r| r["kind"].as_str().unwrap())
        .collect()
}

fn this_period(now: i64) -> String {
    ldp::date(ldp::period_start(ldp::day_of(now)))
}

#[test]
fn t0_is_a_tuesday() {
    assert_eq!(ldp::date(ldp::day_of(T0)), "2026-11-24");
    assert_eq!(this_period(T0), "2026-11-23");
}

#[test]
fn nothing_is_counted_or_made_without_analytics() {
    let store = Shared::default();
    let mut e = open(&store, T0);
    let mut rng = SeededRandom(1);
    consent(&mut e, true, false, T0);
    track(&mut e, "view", "s0", T0);
    buy(&mut e, "s1", 2.0, T0);
    assert!(send(&mut e, T0, &mut rng).is_empty());
    let next = T0 + 7 * DAY;
    let mut e = open(&store, next);
    assert!(send(&mut e, next, &mut rng).is_empty());
    assert_eq!(store.raw(MEASURES), None);
    assert_eq!(store.raw(BUDGET), None);
    let preview = e.preview(next);
    assert!(!preview.sending);
    assert_eq!(preview.body, "");
    assert_eq!(preview.kinds.len(), 4);
}

#[test]
fn interest_now_and_counts_of_the_finished_week_once_each() {
    let store = Shared::default();
    let mut e = open(&store, T0);
    let mut rng = SeededRandom(2);
    consent(&mut e, true, true, T0);
    for _ in 0..3 {
        track(&mut e, "view", "s0", T0);
    }
    click(&mut e, "s1", T0);
    buy(&mut e, "s0", 2.0, T0);
    buy(&mut e, "s1", 2.0, T0 + 60_000);
    buy(&mut e, "s2", 1.0, T0 + DAY);
    // The interest kind goes out this week; the counting kinds wait for the week to end.
    let first = send(&mut e, T0, &mut rng);
    assert_eq!(names(&first), ["interest"]);
    let r = &first[0];
    assert_eq!(r["period"], this_period(T0));
    assert_eq!(r["mechanism"], "grr", "4 buckets at ε = 1");
    assert_eq!(r["epsilon"], 1);
    assert_eq!(r["domain"], 4);
    assert!(r["value"].as_u64().unwrap() < 4);
    let fields: Vec<&String> = r.as_object().unwrap().keys().collect();
    assert_eq!(
        fields,
        [
            "domain",
            "epsilon",
            "kind",
            "mechanism",
            "period",
            "shop",
            "v",
            "value"
        ],
        "nothing else: no id, no time finer than the week"
    );
    // Once per kind per period, across reloads too.
    assert!(send(&mut e, T0 + DAY, &mut rng).is_empty());
    let mut e = open(&store, T0 + 2 * DAY);
    assert!(send(&mut e, T0 + 2 * DAY, &mut rng).is_empty());

    let next = T0 + 7 * DAY;
    let mut e = open(&store, next);
    let second = send(&mut e, next, &mut rng);
    // 1 + 0.5 + 0.5 = 2, the default cap: the offer-group kind does not fit.
    assert_eq!(names(&second), ["interest", "basket", "clicked"]);
    assert_eq!(second[0]["period"], this_period(next));
    for r in &second[1..] {
        assert_eq!(
            r["period"],
            this_period(T0),
            "counts describe the finished week"
        );
        assert_eq!(r["epsilon"], 0.5);
    }
    let budget = e.preview(next).budget.unwrap();
    assert_eq!((budget.spent.as_str(), budget.cap.as_str()), ("2", "2"));
    assert!(send(&mut e, next + DAY, &mut rng).is_empty());
}

#[test]
fn measured_values_are_the_true_ones_before_noise() {
    // At ε = 8 randomized response keeps the true value with probability
    // e^8/(e^8 + 2) ≈ 0.9993 (3 buckets), so with a fixed seed the reports show what was
    // measured: the largest one-day basket (3 items: bucket "3-5"; the sensitive
    // purchase is not counted), a personalized click, the most redeemed declared group.
    // Basket buckets: "0", "1-2", "3-5", "6+": 3 items is bucket 2.
    for (name, expected) in [("basket", 2), ("clicked", 1), ("deals", 1)] {
        let mut kinds = kinds_only(name);
        kinds[0].epsilon = Some(8.0);
        let config = config_with(ReportsInput {
            max_epsilon_per_report: Some(8.0),
            max_epsilon_per_period: Some(8.0),
            ..reports(kinds)
        })
        .unwrap();
        let store = Shared::default();
        let mut e = open_with(&store, config.clone(), T0);
        consent(&mut e, true, true, T0);
        buy(&mut e, "s0", 1.0, T0);
        buy(&mut e, "s3", 5.0, T0);
        buy(&mut e, "s1", 3.0, T0 + DAY);
        click(&mut e, "s2", T0 + DAY);
        offers(&mut e, T0 + DAY);
        for id in [
            "o-bread",
            "o-apples",
            "o-bread",
            "o-pregnancy",
            "o-pregnancy",
        ] {
            e.offer_redeemed(id, T0 + DAY).unwrap();
        }
        let next = T0 + 7 * DAY;
        let mut e = open_with(&store, config, next);
        let r = send(&mut e, next, &mut SeededRandom(3));
        assert_eq!(names(&r), [name]);
        assert_eq!(r[0]["mechanism"], "grr");
        assert_eq!(r[0]["value"], expected, "{name}: {}", r[0]);
    }
    let too_much = ReportsInput {
        max_epsilon_per_report: Some(30.0),
        ..reports(kinds())
    };
    let err = config_with(too_much).unwrap_err();
    assert_eq!(err.field(), Some("reports.maxEpsilonPerReport"), "{err}");
}

fn kinds_only(name: &str) -> Vec<KindInput> {
    kinds()
        .into_iter()
        .filter(|k| k.name.as_deref() == Some(name))
        .collect()
}

fn offers(e: &mut Engine<Shared>, now: i64) {
    let offer = |id: &str, category: &str, group: &str| OfferInput {
        id: Some(id.into()),
        applies_to: Some(AppliesToInput {
            categories: Some(vec![category.into()]),
            ..Default::default()
        }),
        value: Some(ValueInput {
            percent: Some(10.0),
            amount: None,
        }),
        group: Some(group.into()),
        ..Default::default()
    };
    let pool = vec![
        offer("o-apples", "fruit", "fresh"),
        offer("o-bread", "bakery", "bakery-deals"),
        offer("o-pregnancy", "pharmacy/pregnancy", "fresh"),
    ];
    e.offers(pool, &OfferContext::default(), now).unwrap();
}

#[test]
fn withdrawal_drops_pending_reports_and_counts_but_not_the_spend() {
    let store = Shared::default();
    let mut e = open(&store, T0);
    let mut rng = SeededRandom(4);
    consent(&mut e, true, true, T0);
    track(&mut e, "view", "s0", T0);
    e.prepare_reports(T0, &mut rng);
    assert_eq!(e.preview(T0).reports.len(), 1);
    assert!(store.raw(MEASURES).is_some());
    consent(&mut e, true, false, T0);
    assert!(e.take_reports(T0).is_empty());
    assert_eq!(e.preview(T0).body, "");
    assert_eq!(store.raw(MEASURES), None);
    // Granting again the same week makes no second interest report.
    consent(&mut e, true, true, T0 + 1);
    assert!(send(&mut e, T0 + 1, &mut rng).is_empty());
    // Erasing everything keeps the week's spend too (it holds no personal data).
    e.forget();
    assert_eq!(store.keys(), [BUDGET]);
    consent(&mut e, true, true, T0 + 2);
    track(&mut e, "view", "s0", T0 + 2);
    assert!(send(&mut e, T0 + 2, &mut rng).is_empty());
}

#[test]
fn a_withdrawal_in_another_tab_drops_this_tabs_pending_reports() {
    let store = Shared::default();
    let mut a = open(&store, T0);
    consent(&mut a, true, true, T0);
    track(&mut a, "view", "s0", T0);
    a.prepare_reports(T0, &mut SeededRandom(5));
    let mut b = open(&store, T0);
    consent(&mut b, true, false, T0 + 1);
    assert!(a.take_reports(T0 + 2).is_empty());
}

#[test]
fn sensitive_items_are_never_counted_nor_reported() {
    let store = Shared::default();
    let mut e = open(&store, T0);
    let mut rng = SeededRandom(6);
    e.set_consent(
        &ConsentChange {
            personalization: Some(true),
            analytics: Some(true),
            sensitive: Some(true),
            ..Default::default()
        },
        Source::Api,
        T0,
    );
    // Only sensitive activity: no interest to report, no basket to count.
    track(&mut e, "view", "s3", T0);
    buy(&mut e, "s3", 4.0, T0);
    click(&mut e, "s8", T0);
    assert!(send(&mut e, T0, &mut rng).is_empty());
    let counts = Measures::decode(&store.raw(MEASURES).unwrap()).unwrap();
    assert!(!counts.current.active, "no activity counted: {counts:?}");
    assert_eq!(
        (counts.current.largest_basket, counts.current.clicked),
        (0, false)
    );
    let next = T0 + 7 * DAY;
    let mut e = open(&store, next);
    assert!(send(&mut e, next, &mut rng).is_empty());
    // And no shop can ask for a sensitive bucket.
    let mut k = kinds();
    k[0].buckets = Some(vec!["fruit".into(), " pharmacy/pregnancy ".into()]);
    let err = config_with(reports(k)).unwrap_err();
    assert_eq!(err.field(), Some("reports.kinds[0].buckets[1]"));
    assert!(err.to_string().contains("sensitive"), "{err}");
}

#[test]
fn an_unreadable_ledger_means_the_budget_is_spent() {
    let store = Shared::default();
    let mut e = open(&store, T0);
    consent(&mut e, true, true, T0);
    track(&mut e, "view", "s0", T0);
    store
        .clone()
        .set(BUDGET, "tailor-budget 1\nnot a number")
        .unwrap();
    assert!(send(&mut e, T0, &mut SeededRandom(7)).is_empty());
    // A new week starts a new ledger (last week's basket, empty, is reported as "0";
    // the offer kind no longer fits the cap).
    let next = T0 + 7 * DAY;
    let mut e = open(&store, next);
    let made = send(&mut e, next, &mut SeededRandom(8));
    assert_eq!(names(&made), ["interest", "basket", "clicked"]);
    assert_eq!(made[1]["domain"], 4);
    // A ledger dated after the clock (the clock went back) counts as spent, too.
    let mut e = open(&store, T0);
    consent(&mut e, true, true, T0);
    assert!(send(&mut e, T0, &mut SeededRandom(9)).is_empty());
}

#[test]
fn without_persistent_storage_no_report_is_made() {
    // A store that refuses every write: Tailor runs in memory, where a spend would be
    // forgotten with the page.
    #[derive(Clone, Default)]
    struct Full(Shared);
    impl Store for Full {
        fn get(&self, k: &str) -> Result<Option<String>, tailor::core::StoreError> {
            self.0.get(k)
        }
        fn set(&mut self, _: &str, _: &str) -> Result<(), tailor::core::StoreError> {
            Err(tailor::core::StoreError("quota exceeded".into()))
        }
        fn remove(&mut self, k: &str) -> Result<(), tailor::core::StoreError> {
            self.0.remove(k)
        }
        fn keys(&self) -> Result<Vec<String>, tailor::core::StoreError> {
            Store::keys(&self.0)
        }
    }
    let config = config_with(reports(kinds())).unwrap();
    let mut e = Engine::open(config, Some(Full::default()), None, false, T0);
    e.load_catalogue(catalogue());
    e.set_consent(
        &ConsentChange {
            personalization: Some(true),
            analytics: Some(true),
            ..Default::default()
        },
        Source::Api,
        T0,
    );
    e.track(
        EventInput {
            kind: Some("view".into()),
            item: Some("s0".into()),
            ..Default::default()
        },
        T0,
    )
    .unwrap();
    assert_eq!(e.status(T0).storage, "memory");
    e.prepare_reports(T0, &mut SeededRandom(10));
    assert!(e.take_reports(T0).is_empty());
}

#[test]
fn configuration_errors_name_the_field() {
    let cases: Vec<(ReportsInput, &str, &str)> = vec![
        (
            ReportsInput {
                endpoint: None,
                ..reports(kinds())
            },
            "reports.endpoint",
            "collector",
        ),
        (
            reports(vec![kind("a b", "personalizedClick", None)]),
            "reports.kinds[0].name",
            "letters",
        ),
        (
            reports(vec![
                kind("x", "personalizedClick", None),
                kind("x", "personalizedClick", None),
            ]),
            "reports.kinds[1].name",
            "twice",
        ),
        (
            ReportsInput {
                max_epsilon_per_report: Some(5.0),
                ..reports(kinds())
            },
            "reports.maxEpsilonPerReport",
            "above maxEpsilonPerPeriod",
        ),
        (
            reports(vec![kind("x", "clicks", None)]),
            "reports.kinds[0].measure",
            "topCategory, basketSize",
        ),
        (
            reports(vec![kind("x", "personalizedClick", Some(1.5))]),
            "reports.kinds[0].epsilon",
            "at most 1",
        ),
        (
            reports(vec![kind("x", "personalizedClick", Some(0.0))]),
            "reports.kinds[0].epsilon",
            "above 0",
        ),
        (
            reports(vec![KindInput {
                bounds: Some(vec![1.0, 5.0, 5.0]),
                ..kind("x", "basketSize", None)
            }]),
            "reports.kinds[0].bounds[2]",
            "above the bound before it",
        ),
        (
            reports(vec![KindInput {
                buckets: Some(vec!["fruit".into()]),
                ..kind("x", "basketSize", None)
            }]),
            "reports.kinds[0].buckets",
            "only a topCategory kind",
        ),
        (
            reports(vec![kind("x", "topCategory", None)]),
            "reports.kinds[0].buckets",
            "1 to 100",
        ),
        (
            reports(vec![KindInput {
                mechanism: Some("laplace".into()),
                ..kind("x", "personalizedClick", None)
            }]),
            "reports.kinds[0].mechanism",
            "grr, oue or olh",
        ),
    ];
    for (input, field, words) in cases {
        let err = config_with(input).unwrap_err();
        assert_eq!(err.field(), Some(field), "{err}");
        assert!(err.to_string().contains(words), "{err}");
    }
}

/// A small deterministic generator for the property test's choices (not the reports').
struct Dice(u64);
impl Dice {
    fn roll(&mut self, n: u64) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0 % n
    }
}

#[test]
fn no_sequence_of_calls_spends_more_than_the_cap_in_a_period() {
    // Random sequences over several tabs and two shop configurations (the shop raised
    // its ε between visits): consent toggles, events, redemptions, reloads, erasure,
    // a garbled ledger, time moving on. Every report made is attributed to the period
    // it was made in; per period, ε adds up to at most the cap and no kind repeats.
    let cheap = config_with(reports(kinds())).unwrap();
    let mut dear_kinds = kinds();
    for k in &mut dear_kinds {
        k.epsilon = Some(1.0);
    }
    let dear = config_with(ReportsInput {
        max_epsilon_per_period: Some(3.0),
        ..reports(dear_kinds)
    })
    .unwrap();
    let mut made_total = 0;
    for seed in 1..=40u64 {
        let mut dice = Dice(seed * 0x9e37_79b9 + 1);
        let mut rng = SeededRandom(seed);
        let store = Shared::default();
        let mut now = T0;
        let mut tabs = vec![open_with(&store, cheap.clone(), now)];
        // The cap each tab's configuration enforces.
        let mut caps = vec![2_000_000u64];
        let mut spent: std::collections::BTreeMap<String, (u64, Vec<String>)> = Default::default();
        for _ in 0..250 {
            now += dice.roll(DAY as u64 / 2) as i64;
            let t = dice.roll(tabs.len() as u64) as usize;
            match dice.roll(40) {
                0..=3 => consent(&mut tabs[t], dice.roll(3) > 0, dice.roll(3) > 0, now),
                4..=13 => {
                    let item = format!("s{}", dice.roll(10));
                    track(&mut tabs[t], "view", &item, now)
                }
                14..=16 => buy(&mut tabs[t], "s2", 1.0 + dice.roll(4) as f64, now),
                17 | 18 => click(&mut tabs[t], "s1", now),
                19 | 20 => {
                    offers(&mut tabs[t], now);
                    tabs[t].offer_redeemed("o-apples", now).unwrap();
                }
                21 | 22 => {
                    let (config, cap) = if dice.roll(2) == 0 {
                        (&cheap, 2_000_000)
                    } else {
                        (&dear, 3_000_000)
                    };
                    if tabs.len() < 3 {
                        tabs.push(open_with(&store, config.clone(), now));
                        caps.push(cap);
                    } else {
                        tabs[t] = open_with(&store, config.clone(), now);
                        caps[t] = cap;
                    }
                }
                23 => tabs[t].forget(),
                24 if dice.roll(4) == 0 => store.clone().set(BUDGET, "garbled").unwrap(),
                _ => {
                    tabs[t].prepare_reports(now, &mut rng);
                    for line in tabs[t].take_reports(now) {
                        let r: Value = serde_json::from_str(&line).unwrap();
                        let micro = (r["epsilon"].as_f64().unwrap() * 1e6).round() as u64;
                        let entry = spent.entry(this_period(now)).or_default();
                        entry.0 += micro;
                        assert!(
                            entry.0 <= caps[t],
                            "seed {seed}, week of {}: {} µε spent against a cap of {}",
                            this_period(now),
                            entry.0,
                            caps[t]
                        );
                        let kind = r["kind"].as_str().unwrap().to_owned();
                        assert!(!entry.1.contains(&kind), "{kind} twice in a period");
                        entry.1.push(kind);
                        made_total += 1;
                    }
                }
            }
        }
    }
    eprintln!("{made_total} reports made over 40 sequences");
    assert!(
        made_total > 100,
        "the sequences made too few reports to test: {made_total}"
    );
}

// ---------------------------------------------------------------------------------
// DAP kinds (issue 7): same rules, no ε, the value handed to the page

fn dap_interest() -> KindInput {
    KindInput {
        transport: Some("dap".into()),
        // The engine reads only that it is there (the DAP module validates it).
        dap: Some(serde::de::IgnoredAny),
        epsilon: None,
        ..kinds().remove(0)
    }
}

#[test]
fn a_dap_kind_is_due_once_a_week_after_analytics_and_spends_no_epsilon() {
    let store = Shared::default();
    let config = config_with(ReportsInput {
        endpoint: None, // every kind is DAP: no LDP collector needed
        kinds: Some(vec![dap_interest()]),
        ..Default::default()
    })
    .unwrap();
    let mut e = open_with(&store, config.clone(), T0);
    consent(&mut e, true, false, T0);
    event(&mut e, "view", "s0", T0, EventInput::default()); // fruit
    e.prepare_reports(T0, &mut SeededRandom(1));
    assert!(e.preview(T0).dap.is_empty(), "nothing without analytics");
    consent(&mut e, true, true, T0);
    e.prepare_reports(T0, &mut SeededRandom(1));
    let p = e.preview(T0);
    assert_eq!(p.dap.len(), 1);
    assert_eq!((p.dap[0].value, p.dap[0].label.as_str()), (0, "fruit"));
    assert_eq!(p.budget.unwrap().spent, "0", "no ε charged");
    assert!(p.body.is_empty(), "no LDP report");
    assert!(e.take_dap("interest", T0));
    assert!(!e.take_dap("interest", T0), "taken once");
    // Another page the same week: already reported.
    let mut again = open_with(&store, config, T0 + DAY);
    again.prepare_reports(T0 + DAY, &mut SeededRandom(2));
    assert!(again.preview(T0 + DAY).dap.is_empty());
    assert!(again.preview(T0 + DAY).kinds[0].reported);
}

#[test]
fn withdrawing_analytics_drops_a_pending_dap_value() {
    let store = Shared::default();
    let config = config_with(reports(vec![dap_interest()])).unwrap();
    let mut e = open_with(&store, config, T0);
    consent(&mut e, true, true, T0);
    event(&mut e, "view", "s0", T0, EventInput::default());
    e.prepare_reports(T0, &mut SeededRandom(1));
    assert_eq!(e.preview(T0).dap.len(), 1);
    consent(&mut e, true, false, T0);
    assert!(!e.take_dap("interest", T0));
}

#[test]
fn dap_declaration_errors_name_the_field() {
    let err = |k: KindInput| config_with(reports(vec![k])).unwrap_err().to_string();
    // The task itself is the DAP module's to validate (`DapTask::new`, tests/dap.rs): read
    // from JSON, whatever it holds, the engine only notes that it is there.
    let read: KindInput = serde_json::from_value(serde_json::json!({
        "name": "interest", "measure": "personalizedClick", "transport": "dap",
        "dap": { "minBatchSize": 10, "vdaf": { "type": "nonsense" } },
    }))
    .unwrap();
    assert!(read.dap.is_some());
    assert!(config_with(reports(vec![read])).is_ok());
    let mut eps = dap_interest();
    eps.epsilon = Some(1.0);
    assert!(err(eps).starts_with("reports.kinds[0].epsilon: a dap kind"));
    let mut missing = dap_interest();
    missing.dap = None;
    assert!(err(missing).starts_with("reports.kinds[0].dap: missing"));
    let mut ldp_with_dap = dap_interest();
    ldp_with_dap.transport = None;
    assert!(err(ldp_with_dap).starts_with("reports.kinds[0].dap: only a kind with transport"));
    let mut other = dap_interest();
    other.transport = Some("beacon".into());
    assert!(err(other).starts_with("reports.kinds[0].transport: \"beacon\" is not a transport"));
    // Without an endpoint, an LDP kind is still an error.
    let ldp_only = config_with(ReportsInput {
        kinds: Some(kinds()),
        ..Default::default()
    });
    assert!(ldp_only
        .unwrap_err()
        .to_string()
        .starts_with("reports.endpoint"));
}

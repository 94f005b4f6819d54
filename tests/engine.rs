//! The engine end to end, natively: the consent gate, persistence, fail-closed reads
//! and the ranking signals, over a real in-memory store shared between "page loads".

use tailor::core::engine::{Ask, Config, ConfigInput, RemoveTarget, SensitiveInput};
use tailor::core::offers::{AppliesToInput, OfferContext, OfferInput, ValueInput};
use tailor::core::Purpose;
use tailor::core::{
    ConsentChange, Engine, EventInput, ItemInput, OrderRequest, RankRequest, Source, Store,
    TrackOutcome,
};

mod common;
use common::Shared;

const DAY: i64 = 86_400_000;
const T0: i64 = 1_790_000_000_000;
const PROFILE: &str = "tailor.v1.test-shop.profile";
const CONSENT: &str = "tailor.v1.test-shop.consent";

fn config(policy: &str) -> Config {
    Config::new(ConfigInput {
        shop: Some("test-shop".into()),
        policy_version: Some(policy.into()),
        sensitive: Some(SensitiveInput {
            categories: vec!["pharmacy/pregnancy".into()],
        }),
        consent_expiry_days: None,
        policy_note: Some("We now keep consent for six months.".into()),
        seed: Some(7.0),
        reports: None,
    })
    .unwrap()
}

fn item(id: &str, title: &str, category: &str, brand: &str, popularity: f64) -> ItemInput {
    ItemInput {
        id: Some(id.into()),
        title: Some(title.into()),
        category: Some(category.into()),
        brand: Some(brand.into()),
        price: Some(10.0),
        popularity: Some(popularity),
        ..Default::default()
    }
}

/// Twelve items; the server's order is s0, s1, … (popularity descending).
fn catalogue() -> Vec<ItemInput> {
    let cats = [
        "fruit/apples",
        "fruit/pears",
        "dairy/milk",
        "dairy/cheese",
        "bakery/bread",
        "pharmacy/pregnancy",
    ];
    let mut items: Vec<ItemInput> = (0..12)
        .map(|i| {
            item(
                &format!("s{i}"),
                &format!("Item {i}"),
                cats[i % 6],
                &format!("Brand{}", i % 4),
                (100 - i) as f64,
            )
        })
        .collect();
    items[0].related = Some(vec!["s9".into()]);
    items
}

fn open(store: &Shared, now: i64) -> Engine<Shared> {
    let mut e = Engine::open(config("v1"), Some(store.clone()), None, false, now);
    e.load_catalogue(catalogue());
    e
}

fn ev(kind: &str, id: &str) -> EventInput {
    EventInput {
        kind: Some(kind.into()),
        item: Some(id.into()),
        ..Default::default()
    }
}

fn grant(e: &mut Engine<Shared>, on: bool, now: i64) {
    e.set_consent(
        &ConsentChange {
            personalization: Some(on),
            ..Default::default()
        },
        Source::Api,
        now,
    );
}

fn order(e: &mut Engine<Shared>, now: i64) -> Vec<String> {
    e.rank(&RankRequest::default(), now)
        .unwrap()
        .into_iter()
        .map(|r| r.id)
        .collect()
}

fn server_order() -> Vec<String> {
    (0..12).map(|i| format!("s{i}")).collect()
}

#[test]
fn without_consent_nothing_is_recorded_or_stored_and_order_is_the_servers() {
    let store = Shared::default();
    let mut e = open(&store, T0);
    for id in ["s3", "s9", "s9"] {
        assert_eq!(
            e.track(ev("view", id), T0).unwrap(),
            TrackOutcome::NoConsent
        );
    }
    assert_eq!(
        e.track(ev("purchase", "s3"), T0).unwrap(),
        TrackOutcome::NoConsent
    );
    assert!(
        store.keys().is_empty(),
        "stored without consent: {:?}",
        store.keys()
    );
    assert!(e.profile().is_empty());
    let ranked = e.rank(&RankRequest::default(), T0).unwrap();
    assert_eq!(
        ranked.iter().map(|r| r.id.clone()).collect::<Vec<_>>(),
        server_order()
    );
    assert!(ranked
        .iter()
        .all(|r| r.match_pct == 0 && r.reasons.is_empty()));
    // Refusing stores the consent record and nothing else.
    grant(&mut e, false, T0);
    assert_eq!(store.keys(), vec![CONSENT.to_string()]);
}

#[test]
fn viewing_a_category_lifts_it_and_survives_a_reload() {
    let store = Shared::default();
    let mut e = open(&store, T0);
    grant(&mut e, true, T0);
    for id in ["s3", "s9"] {
        assert_eq!(e.track(ev("view", id), T0).unwrap(), TrackOutcome::Recorded);
    }
    let ranked = e
        .rank(
            &RankRequest {
                items: None,
                limit: Some(3.0),
                ..Default::default()
            },
            T0 + 1000,
        )
        .unwrap();
    let top: Vec<&str> = ranked.iter().map(|r| r.id.as_str()).collect();
    assert_eq!(
        top[..2],
        ["s9", "s3"],
        "the cheese items lead, the one viewed last first"
    );
    assert!(ranked[0].match_pct >= 80, "{:?}", ranked[0]);
    assert!(
        ranked[0]
            .reasons
            .iter()
            .any(|r| r == "You often look at Cheese"),
        "{:?}",
        ranked[0].reasons
    );
    let before = order(&mut e, T0 + 1000);
    assert!(store.raw(PROFILE).is_some());

    let mut reopened = open(&store, T0 + 2000);
    assert!(reopened.personalizing(T0 + 2000));
    assert_eq!(order(&mut reopened, T0 + 1000), before);
}

#[test]
fn withdrawal_erases_the_profile_at_once() {
    let store = Shared::default();
    let mut e = open(&store, T0);
    grant(&mut e, true, T0);
    e.track(ev("view", "s4"), T0).unwrap();
    assert!(store.raw(PROFILE).is_some());
    grant(&mut e, false, T0 + 1);
    assert_eq!(store.raw(PROFILE), None);
    assert!(e.profile().is_empty());
    assert_eq!(order(&mut e, T0 + 2), server_order());
    // Granting again starts from nothing.
    grant(&mut e, true, T0 + 3);
    assert_eq!(order(&mut e, T0 + 4), server_order());
}

#[test]
fn another_tab_withdrawing_takes_effect_on_reload() {
    let store = Shared::default();
    let mut tab_a = open(&store, T0);
    grant(&mut tab_a, true, T0);
    tab_a.track(ev("view", "s5"), T0).unwrap();
    let mut tab_b = open(&store, T0);
    grant(&mut tab_b, false, T0 + 1);
    tab_a.reload(T0 + 2); // what the `storage` event triggers
    assert!(!tab_a.personalizing(T0 + 2));
    assert!(tab_a.profile().is_empty());
    assert_eq!(
        tab_a.track(ev("view", "s5"), T0 + 3).unwrap(),
        TrackOutcome::NoConsent
    );
    assert_eq!(store.raw(PROFILE), None);
}

#[test]
fn unreadable_consent_means_no_consent_and_the_profile_is_not_used() {
    for bad in [
        "granted",
        "tailor-consent 1\nshop other-shop\npolicy v1\npersonalization 1 0 api",
        "tailor-consent 9\n",
        "",
    ] {
        let store = Shared::default();
        let mut e = open(&store, T0);
        grant(&mut e, true, T0);
        e.track(ev("view", "s5"), T0).unwrap();
        store.0.borrow_mut().set(CONSENT, bad).unwrap();
        let mut e = open(&store, T0 + 1);
        assert!(!e.personalizing(T0 + 1), "{bad:?} read as consent");
        assert_eq!(order(&mut e, T0 + 1), server_order());
        assert!(
            e.status(T0 + 1).last_error.is_some(),
            "{bad:?} not reported"
        );
        assert_eq!(store.raw(PROFILE), None, "a profile outlived consent");
    }
}

#[test]
fn a_new_policy_version_or_expiry_ends_consent() {
    let store = Shared::default();
    let mut e = open(&store, T0);
    grant(&mut e, true, T0);
    e.track(ev("view", "s5"), T0).unwrap();
    let e2 = Engine::open(config("v2"), Some(store.clone()), None, false, T0 + 1);
    assert!(!e2.personalizing(T0 + 1));
    assert_eq!(e2.consent_state(T0 + 1).updated_at, None);

    let store = Shared::default();
    let mut e = open(&store, T0);
    grant(&mut e, true, T0);
    assert!(open(&store, T0 + 181 * DAY).personalizing(T0 + 181 * DAY));
    let late = open(&store, T0 + 183 * DAY);
    assert!(!late.personalizing(T0 + 183 * DAY));
}

#[test]
fn bad_calls_name_the_field_and_lose_nothing() {
    let store = Shared::default();
    let mut e = open(&store, T0);
    grant(&mut e, true, T0);
    e.track(ev("view", "s3"), T0).unwrap();
    let stored = store.raw(PROFILE);
    let err = e.track(ev("view", "nope"), T0).unwrap_err();
    assert_eq!(err.field(), Some("item"));
    assert!(
        err.to_string()
            .contains("\"nope\" is not in the loaded catalogue"),
        "{err}"
    );
    assert_eq!(
        e.track(ev("like", "s3"), T0).unwrap_err().field(),
        Some("type")
    );
    let err = e
        .rank(
            &RankRequest {
                items: Some(vec!["s1".into(), "zz".into()]),
                limit: None,
                ..Default::default()
            },
            T0,
        )
        .unwrap_err();
    assert_eq!(err.field(), Some("items[1]"));
    assert_eq!(
        e.rank(
            &RankRequest {
                items: None,
                limit: Some(-1.0),
                ..Default::default()
            },
            T0
        )
        .unwrap_err()
        .field(),
        Some("limit")
    );
    assert_eq!(store.raw(PROFILE), stored);
    assert_eq!(e.profile().recent.len(), 1);

    let missing = Config::new(ConfigInput {
        shop: Some("x".into()),
        ..Default::default()
    })
    .unwrap_err();
    assert_eq!(missing.field(), Some("policyVersion"));
}

#[test]
fn related_to_recent_repeat_and_penalties() {
    let store = Shared::default();
    let mut e = open(&store, T0);
    grant(&mut e, true, T0);
    // s0 lists s9 as related: viewing s0 lifts s9 with a true reason.
    e.track(ev("view", "s0"), T0).unwrap();
    let ranked = e.rank(&RankRequest::default(), T0).unwrap();
    let s9 = ranked.iter().find(|r| r.id == "s9").unwrap();
    assert!(
        s9.reasons
            .contains(&"Because you viewed Item 0".to_string()),
        "{:?}",
        s9.reasons
    );
    let pos =
        |ranked: &[tailor::core::Ranked], id: &str| ranked.iter().position(|r| r.id == id).unwrap();
    assert!(pos(&ranked, "s9") < 9);

    e.track(ev("purchase", "s8"), T0).unwrap();
    e.track(ev("purchase", "s8"), T0 + 1).unwrap();
    let ranked = e.rank(&RankRequest::default(), T0 + 2).unwrap();
    let s8 = ranked.iter().find(|r| r.id == "s8").unwrap();
    assert!(
        s8.reasons
            .contains(&"You have bought this more than once".to_string()),
        "{:?}",
        s8.reasons
    );

    e.track(ev("dismiss", "s0"), T0 + 3).unwrap();
    let ranked = e.rank(&RankRequest::default(), T0 + 4).unwrap();
    assert_eq!(ranked.last().unwrap().id, "s0", "dismissed goes last");

    // Out of stock sinks below an otherwise equal item.
    let mut items = catalogue();
    items[1].in_stock = Some(false);
    e.load_catalogue(items);
    let ranked = e.rank(&RankRequest::default(), T0 + 5).unwrap();
    assert!(pos(&ranked, "s1") > pos(&ranked, "s2"));
}

#[test]
fn every_reason_is_true_of_the_history() {
    let store = Shared::default();
    let mut e = open(&store, T0);
    grant(&mut e, true, T0);
    for (k, id) in [
        ("view", "s0"),
        ("cart", "s2"),
        ("purchase", "s4"),
        ("view", "s7"),
    ] {
        e.track(ev(k, id), T0).unwrap();
    }
    let history_titles: Vec<String> = ["s0", "s2", "s4", "s7"]
        .iter()
        .map(|id| format!("Item {}", &id[1..]))
        .collect();
    for r in e.rank(&RankRequest::default(), T0).unwrap() {
        assert!(r.reasons.len() <= 2);
        for reason in &r.reasons {
            if let Some(rest) = reason.strip_prefix("Because you ") {
                let title = rest.split_once(' ').unwrap().1;
                assert!(
                    history_titles.iter().any(|t| t == title),
                    "untrue reason {reason:?}"
                );
            }
        }
    }
}

#[test]
fn sensitive_items_are_never_recorded_boosted_or_cited() {
    let store = Shared::default();
    let mut e = open(&store, T0);
    grant(&mut e, true, T0);
    let before = store.raw(PROFILE);
    assert_eq!(
        e.track(ev("view", "s4"), T0).unwrap(),
        TrackOutcome::Recorded
    );
    let after_normal = store.raw(PROFILE);
    assert_ne!(before, after_normal);
    for id in ["s11", "s11", "s11"] {
        assert_eq!(
            e.track(ev("purchase", id), T0).unwrap(),
            TrackOutcome::Sensitive
        );
    }
    assert_eq!(
        store.raw(PROFILE),
        after_normal,
        "a sensitive event changed the stored profile"
    );
    // Even if the profile favours a sensitive item's brand, the item gets no personal score.
    e.track(ev("view", "s7"), T0).unwrap(); // Brand3, like s11
    for r in e.rank(&RankRequest::default(), T0).unwrap() {
        if r.id == "s5" || r.id == "s11" {
            // s5 and s11 sit under pharmacy/pregnancy, marked sensitive by the config.
            assert_eq!(r.match_pct, 0, "{r:?}");
            assert!(r.reasons.is_empty(), "{r:?}");
        }
    }
}

#[test]
fn forget_erases_every_key() {
    let store = Shared::default();
    store.0.borrow_mut().set("another-app", "keep me").unwrap();
    let mut e = open(&store, T0);
    grant(&mut e, true, T0);
    e.track(ev("view", "s5"), T0).unwrap();
    e.forget();
    assert_eq!(store.keys(), vec!["another-app".to_string()]);
    assert!(!e.personalizing(T0));
}

#[test]
fn ranking_is_deterministic() {
    let store = Shared::default();
    let mut e = open(&store, T0);
    grant(&mut e, true, T0);
    for id in ["s1", "s4", "s7", "s10"] {
        e.track(ev("view", id), T0).unwrap();
    }
    let a = e.rank(&RankRequest::default(), T0 + DAY).unwrap();
    let b = open(&store, T0)
        .rank(&RankRequest::default(), T0 + DAY)
        .unwrap();
    assert_eq!(a, b);
}

#[test]
fn earlier_calls_leave_nothing_behind_in_the_ranker() {
    // The ranker keeps per-item tables between calls and blanks only what it wrote: a
    // used engine must answer exactly as a fresh one over the same store.
    let store = Shared::default();
    let mut e = open(&store, T0);
    grant(&mut e, true, T0);
    e.track(ev("view", "s0"), T0).unwrap(); // s0's related list lends s9 a boost
    e.track(ev("purchase", "s3"), T0).unwrap();
    e.track(ev("dismiss", "s5"), T0).unwrap();
    let page = RankRequest {
        items: Some(vec!["s9".into(), "s3".into(), "s2".into()]),
        limit: Some(2.0),
        ..Default::default()
    };
    e.rank(&page, T0).unwrap();
    e.rank_order(&OrderRequest::default(), T0).unwrap();
    // Forgetting the profile: what the last calls marked must not linger.
    grant(&mut e, false, T0 + 1);
    grant(&mut e, true, T0 + 1);
    e.track(ev("view", "s6"), T0 + 1).unwrap();
    let used = e.rank(&RankRequest::default(), T0 + DAY).unwrap();
    let fresh = open(&store, T0 + 1)
        .rank(&RankRequest::default(), T0 + DAY)
        .unwrap();
    assert_eq!(used, fresh);
    assert!(used
        .iter()
        .all(|r| r.reasons.iter().all(|t| !t.contains("Item 0"))));
}

#[test]
fn rank_order_is_ranks_order_as_positions_in_the_array_given() {
    let store = Shared::default();
    let mut e = Engine::open(config("v1"), Some(store.clone()), None, false, T0);
    // Two items that are skipped (no id, a repeated id) shift every later position.
    let mut items = catalogue();
    items.insert(0, ItemInput::default());
    items.insert(5, items[3].clone());
    let summary = e.load_catalogue(items.clone());
    assert_eq!((summary.loaded, summary.skipped), (12, 2));
    let id_at = |positions: Vec<(f32, u32)>, e: &Engine<Shared>| -> Vec<String> {
        let cat = e.catalogue().unwrap();
        positions
            .into_iter()
            .map(|(_, i)| items[cat.position(i) as usize].id.clone().unwrap())
            .collect()
    };
    let servers = e.rank_order(&OrderRequest::default(), T0).unwrap();
    assert_eq!(
        id_at(servers, &e),
        server_order(),
        "without consent: the server's order"
    );
    grant(&mut e, true, T0);
    for id in ["s11", "s8", "s0"] {
        e.track(ev("view", id), T0).unwrap();
    }
    let ranked: Vec<String> = order(&mut e, T0);
    assert_ne!(ranked, server_order());
    let personal = e.rank_order(&OrderRequest::default(), T0).unwrap();
    assert_eq!(id_at(personal, &e), ranked);
    let ids: Vec<String> = ["s2", "s4", "s6", "s1"].map(String::from).to_vec();
    let page = OrderRequest {
        items: Some(ids.clone()),
        limit: Some(2.0),
    };
    let top = e.rank_order(&page, T0).unwrap();
    let req = RankRequest {
        items: Some(ids),
        limit: Some(2.0),
        ..Default::default()
    };
    assert_eq!(id_at(top, &e), ranked_ids(&mut e, req, T0));
    let bad = OrderRequest {
        items: Some(vec!["s2".into(), "nope".into()]),
        limit: None,
    };
    let err = e.rank_order(&bad, T0).unwrap_err().to_string();
    assert!(err.contains("items[1]") && err.contains("nope"), "{err}");
}

const SENSITIVE_KEY: &str = "tailor.v1.test-shop.sensitive";

fn set(e: &mut Engine<Shared>, change: ConsentChange, now: i64) {
    e.set_consent(&change, Source::Widget, now);
}

#[test]
fn the_sensitive_purpose_keeps_its_learning_apart_and_withdrawal_erases_exactly_it() {
    let store = Shared::default();
    let mut e = open(&store, T0);
    // Sensitive alone does nothing: it counts only with personalization.
    set(
        &mut e,
        ConsentChange {
            sensitive: Some(true),
            ..Default::default()
        },
        T0,
    );
    assert!(!e.consent_state(T0).sensitive);
    grant(&mut e, true, T0);
    assert!(e.consent_state(T0).sensitive);
    e.track(ev("view", "s4"), T0).unwrap();
    let main_before = store.raw(PROFILE);
    assert_eq!(
        e.track(ev("view", "s5"), T0).unwrap(),
        TrackOutcome::Recorded
    );
    assert_eq!(
        e.track(ev("purchase", "s11"), T0).unwrap(),
        TrackOutcome::Recorded
    );
    assert_eq!(
        store.raw(PROFILE),
        main_before,
        "sensitive learning leaked into the main profile"
    );
    assert!(store.raw(SENSITIVE_KEY).is_some());
    // Used for personalization, with reasons, now that the shopper allowed it.
    let ranked = e.rank(&RankRequest::default(), T0).unwrap();
    let s11 = ranked.iter().find(|r| r.id == "s11").unwrap();
    assert!(s11.match_pct > 0 && !s11.reasons.is_empty(), "{s11:?}");
    assert!(e.describe(T0).sensitive.is_some());

    set(
        &mut e,
        ConsentChange {
            sensitive: Some(false),
            ..Default::default()
        },
        T0 + 1,
    );
    assert_eq!(store.raw(SENSITIVE_KEY), None);
    assert_eq!(
        store.raw(PROFILE),
        main_before,
        "the rest of the profile stays"
    );
    assert!(e.sensitive_profile().is_empty());
    assert_eq!(
        e.track(ev("view", "s5"), T0 + 2).unwrap(),
        TrackOutcome::Sensitive
    );
    let ranked = e.rank(&RankRequest::default(), T0 + 2).unwrap();
    assert!(ranked
        .iter()
        .filter(|r| r.id == "s5" || r.id == "s11")
        .all(|r| r.match_pct == 0 && r.reasons.is_empty()));

    // Withdrawing personalization erases both parts.
    set(
        &mut e,
        ConsentChange {
            sensitive: Some(true),
            ..Default::default()
        },
        T0 + 3,
    );
    e.track(ev("view", "s5"), T0 + 3).unwrap();
    grant(&mut e, false, T0 + 4);
    assert_eq!(store.keys(), vec![CONSENT.to_string()]);
}

#[test]
fn every_choice_is_logged_with_its_source_across_policy_versions() {
    let store = Shared::default();
    let mut e = open(&store, T0);
    grant(&mut e, true, T0);
    set(
        &mut e,
        ConsentChange {
            analytics: Some(true),
            personalization: Some(false),
            ..Default::default()
        },
        T0 + 5,
    );
    let mut e2 = Engine::open(config("v2"), Some(store.clone()), None, false, T0 + 6);
    e2.set_consent(
        &ConsentChange {
            personalization: Some(true),
            ..Default::default()
        },
        Source::Widget,
        T0 + 7,
    );
    let log: Vec<(Purpose, bool, Source, &str)> = e2
        .consent_log()
        .iter()
        .map(|l| (l.purpose, l.granted, l.source, l.policy_version.as_str()))
        .collect();
    assert_eq!(
        log,
        [
            (Purpose::Personalization, true, Source::Api, "v1"),
            (Purpose::Personalization, false, Source::Widget, "v1"),
            (Purpose::Analytics, true, Source::Widget, "v1"),
            (Purpose::Personalization, true, Source::Widget, "v2"),
        ]
    );
    // The v1 analytics grant does not carry over to v2.
    assert!(!e2.consent_state(T0 + 8).analytics);
}

#[test]
fn the_widget_is_told_when_to_ask_and_why() {
    let store = Shared::default();
    let mut e = open(&store, T0);
    assert_eq!(e.consent_state(T0).ask, Some(Ask::FirstVisit));
    assert_eq!(e.consent_state(T0).policy_note, None);
    grant(&mut e, false, T0);
    assert_eq!(e.consent_state(T0).ask, None, "a refusal is an answer");
    grant(&mut e, true, T0);
    assert_eq!(e.consent_state(T0).ask, None);
    let e2 = Engine::open(config("v2"), Some(store.clone()), None, false, T0);
    let state = e2.consent_state(T0);
    assert_eq!(state.ask, Some(Ask::PolicyChanged));
    assert_eq!(
        state.policy_note.as_deref(),
        Some("We now keep consent for six months.")
    );
    assert!(!state.personalization);
    let late = open(&store, T0 + 183 * DAY);
    assert_eq!(late.consent_state(T0 + 183 * DAY).ask, Some(Ask::Expired));
}

#[test]
fn global_privacy_control_refuses_analytics_until_the_shopper_says_otherwise() {
    let store = Shared::default();
    let mut e = Engine::open(config("v1"), Some(store.clone()), None, true, T0);
    let state = e.consent_state(T0);
    assert!(state.gpc && !state.analytics);
    assert_eq!(state.sources.analytics, Some(Source::BrowserSignal));
    assert_eq!(
        state.ask,
        Some(Ask::FirstVisit),
        "the browser's signal does not answer for the shopper"
    );
    assert_eq!(e.consent_log().len(), 1);
    // Nothing but the consent record was written.
    assert_eq!(store.keys(), vec![CONSENT.to_string()]);
    // An explicit opt-in counts, and a later visit with GPC does not undo it.
    e.load_catalogue(catalogue());
    set(
        &mut e,
        ConsentChange {
            analytics: Some(true),
            ..Default::default()
        },
        T0 + 1,
    );
    let again = Engine::open(config("v1"), Some(store.clone()), None, true, T0 + 2);
    assert!(again.consent_state(T0 + 2).analytics);
    assert_eq!(
        again.consent_state(T0 + 2).sources.analytics,
        Some(Source::Widget)
    );
    assert_eq!(again.consent_log().len(), 2);
}

#[test]
fn removing_an_interest_erases_it_and_blocks_it_until_allowed() {
    let store = Shared::default();
    let mut e = open(&store, T0);
    grant(&mut e, true, T0);
    for id in ["s3", "s9", "s2"] {
        e.track(ev("view", id), T0).unwrap();
    }
    let removed = e
        .remove(
            RemoveTarget {
                interest: Some("dairy/cheese".into()),
                ..Default::default()
            },
            T0,
        )
        .unwrap();
    assert!(removed);
    let d = e.describe(T0);
    assert!(d.interests.iter().all(|i| i.key != "dairy/cheese"));
    assert!(d.interests.iter().any(|i| i.key == "dairy/milk"));
    assert!(d.recent.iter().all(|r| r.id != "s3" && r.id != "s9"));
    assert_eq!(d.blocked, vec!["dairy/cheese".to_string()]);
    // Stored, too.
    let reopened = open(&store, T0);
    assert_eq!(reopened.profile().blocked, vec!["dairy/cheese".to_string()]);
    assert_eq!(
        e.track(ev("view", "s3"), T0).unwrap(),
        TrackOutcome::Blocked
    );
    let ranked = e.rank(&RankRequest::default(), T0).unwrap();
    assert!(ranked
        .iter()
        .filter(|r| r.id == "s3" || r.id == "s9")
        .all(|r| r.match_pct == 0 && r.reasons.is_empty()));

    assert!(e.allow("dairy/cheese", T0));
    assert_eq!(
        e.track(ev("view", "s3"), T0).unwrap(),
        TrackOutcome::Recorded
    );

    // One item's history.
    assert!(e
        .remove(
            RemoveTarget {
                item: Some("s2".into()),
                ..Default::default()
            },
            T0
        )
        .unwrap());
    assert!(e.describe(T0).recent.iter().all(|r| r.id != "s2"));
    // A brand.
    assert!(e
        .remove(
            RemoveTarget {
                brand: Some("Brand3".into()),
                ..Default::default()
            },
            T0
        )
        .unwrap());
    assert_eq!(
        e.track(ev("view", "s7"), T0).unwrap(),
        TrackOutcome::Blocked
    );
    // Exactly one target.
    let err = e
        .remove(
            RemoveTarget {
                brand: Some("x".into()),
                item: Some("y".into()),
                ..Default::default()
            },
            T0,
        )
        .unwrap_err();
    assert_eq!(err.field(), Some("target"));
}

#[test]
fn without_consent_removal_stores_nothing() {
    let store = Shared::default();
    let mut e = open(&store, T0);
    assert!(!e
        .remove(
            RemoveTarget {
                interest: Some("dairy".into()),
                ..Default::default()
            },
            T0
        )
        .unwrap());
    assert!(!e.allow("dairy", T0));
    assert!(store.keys().is_empty());
}

const OFFERS_KEY: &str = "tailor.v1.test-shop.offers";

fn offer(id: &str, percent: f64, categories: &[&str]) -> OfferInput {
    OfferInput {
        id: Some(id.into()),
        title: Some(format!("Offer {id}")),
        value: Some(ValueInput {
            percent: Some(percent),
            amount: None,
        }),
        applies_to: (!categories.is_empty()).then(|| AppliesToInput {
            categories: Some(categories.iter().map(|c| c.to_string()).collect()),
            ..Default::default()
        }),
        ..Default::default()
    }
}

fn pool() -> Vec<OfferInput> {
    vec![
        offer("cheese-10", 10.0, &["dairy/cheese"]),
        offer("shop-30", 30.0, &[]),
        offer("bread-15", 15.0, &["bakery"]),
        offer("pregnancy-20", 20.0, &["pharmacy/pregnancy"]),
    ]
}

fn picked(e: &mut Engine<Shared>, now: i64) -> Vec<String> {
    let ctx = OfferContext {
        basket_value: Some(40.0),
        limit: Some(3.0),
    };
    e.offers(pool(), &ctx, now)
        .unwrap()
        .0
        .into_iter()
        .map(|p| p.id)
        .collect()
}

#[test]
fn offers_follow_consent_interest_and_the_sensitive_guard() {
    let store = Shared::default();
    let mut e = open(&store, T0);
    // Without consent: by value alone, nothing stored, never the sensitive offer.
    let before = picked(&mut e, T0);
    assert_eq!(before[0], "shop-30");
    assert!(!before.contains(&"pregnancy-20".to_string()));
    assert!(store.keys().is_empty());
    assert!(!e.offer_redeemed("shop-30", T0).unwrap());
    assert!(store.keys().is_empty());

    grant(&mut e, true, T0);
    for k in 0..6 {
        e.track(ev("view", if k % 2 == 0 { "s3" } else { "s9" }), T0 + k)
            .unwrap();
    }
    e.track(ev("purchase", "s3"), T0 + 10).unwrap();
    let with_interest = picked(&mut e, T0 + 20);
    assert_eq!(
        with_interest[0], "cheese-10",
        "a strong interest beats a bigger whole-shop discount: {with_interest:?}"
    );
    assert!(!with_interest.contains(&"pregnancy-20".to_string()));
    assert!(
        store.raw(OFFERS_KEY).is_some(),
        "shown offers are remembered (fatigue)"
    );
    assert!(e.offer_redeemed("cheese-10", T0 + 30).unwrap());
    assert!(
        e.offer_redeemed("nope", T0 + 30).is_ok(),
        "an unknown offer counts as sensitive: not recorded"
    );
    assert!(!e.offer_redeemed("nope", T0 + 30).unwrap());
    assert_eq!(e.offer_redeemed(" ", T0).unwrap_err().field(), Some("id"));

    // Withdrawing personalization erases the offer history with the profile.
    grant(&mut e, false, T0 + 40);
    assert_eq!(store.raw(OFFERS_KEY), None);
}

#[test]
fn offers_are_deterministic_under_the_seed() {
    let store = Shared::default();
    let mut a = open(&store, T0);
    let first = picked(&mut a, T0);
    let mut b = open(&Shared::default(), T0);
    assert_eq!(picked(&mut b, T0), first);
}

fn rule(
    action: &str,
    items: &[&str],
    categories: &[&str],
    brands: &[&str],
) -> tailor::core::rules::RuleInput {
    let list = |v: &[&str]| (!v.is_empty()).then(|| v.iter().map(|s| s.to_string()).collect());
    tailor::core::rules::RuleInput {
        action: Some(action.into()),
        items: list(items),
        categories: list(categories),
        brands: list(brands),
        by: None,
    }
}

fn ranked_ids(e: &mut Engine<Shared>, req: RankRequest, now: i64) -> Vec<String> {
    e.rank(&req, now)
        .unwrap()
        .into_iter()
        .map(|r| r.id)
        .collect()
}

#[test]
fn merchant_rules_pin_boost_bury_and_filter_with_or_without_consent() {
    let store = Shared::default();
    let mut e = open(&store, T0);
    let req = |rules| RankRequest {
        rules: Some(rules),
        ..Default::default()
    };
    // Pins first, in the order given; filtered items gone.
    let rules = vec![
        rule("pin", &["s8", "s2", "s7"], &[], &[]),
        rule("filter", &[], &["fruit"], &[]),
    ];
    let ids = ranked_ids(&mut e, req(rules), T0);
    assert_eq!(ids[..2], ["s8", "s2"]);
    // A filter wins over a pin (what must not show, never shows): s7 is fruit.
    assert!(
        ids.iter()
            .all(|id| !["s0", "s1", "s6", "s7"].contains(&id.as_str())),
        "{ids:?}"
    );
    assert_eq!(ids.len(), 8);
    // Boost lifts a category above the server's favourites; bury sinks an item.
    let ids = ranked_ids(
        &mut e,
        req(vec![
            rule("boost", &[], &["bakery"], &[]),
            rule("bury", &["s0"], &[], &[]),
        ]),
        T0,
    );
    assert_eq!(ids[..2], ["s4", "s10"]);
    assert_eq!(ids.last().map(String::as_str), Some("s0"));
    // With consent too: rules still hold over personalization.
    grant(&mut e, true, T0);
    e.track(ev("view", "s3"), T0).unwrap();
    let ids = ranked_ids(&mut e, req(vec![rule("pin", &["s8"], &[], &[])]), T0);
    assert_eq!(ids[0], "s8");
    assert_eq!(ids[1], "s3", "then the personalized order");
    // Limit counts the pins.
    let ids = ranked_ids(
        &mut e,
        RankRequest {
            limit: Some(3.0),
            rules: Some(vec![rule("pin", &["s8"], &[], &[])]),
            ..Default::default()
        },
        T0,
    );
    assert_eq!(ids.len(), 3);
}

#[test]
fn bad_rules_name_their_field() {
    let store = Shared::default();
    let mut e = open(&store, T0);
    let field = |e: &mut Engine<Shared>, rules| {
        e.rank(
            &RankRequest {
                rules: Some(rules),
                ..Default::default()
            },
            T0,
        )
        .unwrap_err()
        .field()
        .map(str::to_owned)
    };
    assert_eq!(
        field(&mut e, vec![rule("promote", &["s1"], &[], &[])]).as_deref(),
        Some("rules[0].action")
    );
    assert_eq!(
        field(
            &mut e,
            vec![
                rule("pin", &["s1"], &[], &[]),
                rule("pin", &[], &["dairy"], &[])
            ]
        )
        .as_deref(),
        Some("rules[1].action")
    );
    let mut bad_by = rule("boost", &["s1"], &[], &[]);
    bad_by.by = Some(f64::NAN);
    assert_eq!(field(&mut e, vec![bad_by]).as_deref(), Some("rules[0].by"));
    assert_eq!(
        field(&mut e, vec![rule("filter", &[], &[], &[])]).as_deref(),
        Some("rules[0]")
    );
    let err = e
        .rank(
            &RankRequest {
                explore: Some(0.5),
                ..Default::default()
            },
            T0,
        )
        .unwrap_err();
    assert_eq!(err.field(), Some("explore"));
}

#[test]
fn diversity_caps_a_brand_in_the_first_results() {
    let store = Shared::default();
    let mut e = open(&store, T0);
    let diversity = tailor::core::rules::DiversityInput {
        max_per_brand: Some(1.0),
        max_per_category: None,
        window: Some(4.0),
    };
    let ranked = e
        .rank(
            &RankRequest {
                diversity: Some(diversity),
                ..Default::default()
            },
            T0,
        )
        .unwrap();
    let brands: Vec<u32> = ranked[..4]
        .iter()
        .map(|r| r.id[1..].parse::<u32>().unwrap() % 4)
        .collect();
    let mut unique = brands.clone();
    unique.sort();
    unique.dedup();
    assert_eq!(unique.len(), 4, "four brands in the first four: {brands:?}");
    assert_eq!(ranked.len(), 12, "nothing is lost, only moved");
}

#[test]
fn exploration_takes_a_seeded_share_of_slots_for_items_outside_the_profile() {
    let store = Shared::default();
    let mut e = open(&store, T0);
    // No prices, so only category and brand speak: once s3 (dairy/cheese, Brand3) is
    // viewed, s6 and s10 below the cut have nothing personal for them.
    let mut items = catalogue();
    for i in &mut items {
        i.price = None;
    }
    e.load_catalogue(items);
    grant(&mut e, true, T0);
    e.track(ev("view", "s3"), T0).unwrap();
    let req = || RankRequest {
        limit: Some(8.0),
        explore: Some(0.3),
        ..Default::default()
    };
    let a = e.rank(&req(), T0).unwrap();
    assert_eq!(a, e.rank(&req(), T0).unwrap(), "same seed, same slots");
    let explored: Vec<(usize, &str)> = a
        .iter()
        .enumerate()
        .filter(|(_, r)| r.reasons == ["Something new to try"])
        .map(|(k, r)| (k, r.id.as_str()))
        .collect();
    // 30 % of 8 slots is 2; below the cut only s6 and s10 are outside the profile and
    // allowed: s5 and s11 have nothing personal either, but are sensitive.
    let mut ids: Vec<&str> = explored.iter().map(|x| x.1).collect();
    ids.sort();
    assert_eq!(ids, ["s10", "s6"], "{a:?}");
    assert!(explored.iter().all(|&(k, _)| k > 0), "never the first slot");
    // A removed topic is not explored either (nothing was learned about bakery;
    // removing it still blocks it).
    e.remove(
        RemoveTarget {
            interest: Some("bakery".into()),
            ..Default::default()
        },
        T0,
    )
    .unwrap();
    let b = e.rank(&req(), T0).unwrap();
    assert!(
        b.iter()
            .filter(|r| r.reasons == ["Something new to try"])
            .all(|r| r.id == "s6"),
        "{b:?}"
    );
    // Without consent there is nothing to explore away from.
    grant(&mut e, false, T0);
    assert!(e
        .rank(&req(), T0)
        .unwrap()
        .iter()
        .all(|r| r.reasons.is_empty()));
}

#[test]
fn a_durable_already_bought_sinks_while_a_consumable_is_offered_again() {
    let store = Shared::default();
    let mut e = open(&store, T0);
    let mut items = catalogue();
    items[2].repurchase = Some(0.9); // milk: bought again and again
    items[4].repurchase = Some(0.0); // bread here plays a durable: nobody buys a second
    e.load_catalogue(items);
    grant(&mut e, true, T0);
    e.track(ev("purchase", "s2"), T0).unwrap();
    e.track(ev("purchase", "s4"), T0).unwrap();
    let ranked = e.rank(&RankRequest::default(), T0 + DAY).unwrap();
    let pos = |id: &str| ranked.iter().position(|r| r.id == id).unwrap();
    let s2 = &ranked[pos("s2")];
    assert!(
        s2.reasons.contains(&"You bought this before".to_string()),
        "{s2:?}"
    );
    assert!(
        pos("s2") < 3,
        "the consumable comes back near the top: {}",
        pos("s2")
    );
    let s4 = &ranked[pos("s4")];
    assert!(
        !s4.reasons.iter().any(|r| r.contains("bought this")),
        "{s4:?}"
    );
    assert!(
        pos("s4") > pos("s10"),
        "the durable sinks below an unbought item of its own category"
    );
    // A bad share is reported, not fatal.
    let mut bad = catalogue();
    bad[0].repurchase = Some(1.5);
    let summary = e.load_catalogue(bad);
    assert_eq!(summary.problems[0].field, "repurchase");
}

#[test]
fn an_offer_on_a_brand_with_sensitive_items_is_sensitive() {
    let store = Shared::default();
    let mut e = open(&store, T0);
    // Brand3 makes s11, which sits under pharmacy/pregnancy.
    let mut brand_offer = offer("brand3-50", 50.0, &[]);
    brand_offer.applies_to = Some(AppliesToInput {
        brands: Some(vec!["Brand3".into()]),
        ..Default::default()
    });
    let ctx = OfferContext {
        basket_value: Some(40.0),
        limit: Some(5.0),
    };
    let picks = e
        .offers(vec![brand_offer, offer("shop-5", 5.0, &[])], &ctx, T0)
        .unwrap()
        .0;
    assert_eq!(
        picks.iter().map(|p| p.id.as_str()).collect::<Vec<_>>(),
        ["shop-5"]
    );
}

#[test]
fn a_stale_tab_never_writes_back_what_another_tab_erased() {
    let store = Shared::default();
    let mut tab_a = open(&store, T0);
    grant(&mut tab_a, true, T0);
    tab_a.track(ev("view", "s4"), T0).unwrap();
    let mut tab_b = open(&store, T0);
    grant(&mut tab_b, false, T0 + 1);
    // Tab A has not heard of it yet (no reload): its next call must still see it.
    assert_eq!(
        tab_a.track(ev("view", "s4"), T0 + 2).unwrap(),
        TrackOutcome::NoConsent
    );
    assert_eq!(store.raw(PROFILE), None);
    // Nor can a stale tab's consent change re-grant what it never saw withdrawn.
    tab_a.set_consent(
        &ConsentChange {
            analytics: Some(true),
            ..Default::default()
        },
        Source::Widget,
        T0 + 3,
    );
    assert!(!tab_a.personalizing(T0 + 3));
}

#[test]
fn granting_personalization_again_does_not_bring_back_the_sensitive_purpose() {
    let store = Shared::default();
    let mut e = open(&store, T0);
    set(
        &mut e,
        ConsentChange {
            personalization: Some(true),
            sensitive: Some(true),
            ..Default::default()
        },
        T0,
    );
    assert!(e.consent_state(T0).sensitive);
    grant(&mut e, false, T0 + 1);
    grant(&mut e, true, T0 + 2);
    assert!(!e.consent_state(T0 + 2).sensitive, "asked for anew");
    assert_eq!(
        e.track(ev("view", "s5"), T0 + 3).unwrap(),
        TrackOutcome::Sensitive
    );
}

/// Three items per test that differ in one thing only, so one signal decides.
fn trio(e: &mut Engine<Shared>, items: Vec<ItemInput>) {
    e.load_catalogue(items);
    grant(e, true, T0);
}

fn rank_of(e: &mut Engine<Shared>, id: &str) -> usize {
    let ranked = e.rank(&RankRequest::default(), T0 + 1).unwrap();
    ranked.iter().position(|r| r.id == id).unwrap()
}

#[test]
fn the_brand_signal_lifts_the_brand_across_categories() {
    let store = Shared::default();
    let mut e = open(&store, T0);
    let mk = |id: &str, cat: &str, brand: &str, pop: f64| item(id, id, cat, brand, pop);
    trio(
        &mut e,
        vec![
            mk("seen", "tea/green", "Leafy", 1.0),
            mk("other", "coffee/beans", "Roast", 9.0),
            mk("same-brand", "coffee/ground", "Leafy", 8.0),
        ],
    );
    assert!(rank_of(&mut e, "other") < rank_of(&mut e, "same-brand"));
    e.track(ev("view", "seen"), T0).unwrap();
    assert!(rank_of(&mut e, "same-brand") < rank_of(&mut e, "other"));
    let r = e.rank(&RankRequest::default(), T0 + 1).unwrap();
    assert!(r
        .iter()
        .find(|x| x.id == "same-brand")
        .unwrap()
        .reasons
        .contains(&"You often choose Leafy".to_string()));
}

#[test]
fn the_attribute_signal_lifts_shared_tags() {
    let store = Shared::default();
    let mut e = open(&store, T0);
    let mut seen = item("seen", "seen", "tea/green", "A", 1.0);
    seen.tags = Some(vec!["organic".into()]);
    let mut organic = item("organic", "organic", "coffee/beans", "B", 8.0);
    organic.tags = Some(vec!["organic".into()]);
    let plain = item("plain", "plain", "coffee/beans", "C", 9.0);
    trio(&mut e, vec![seen, organic, plain]);
    assert!(rank_of(&mut e, "plain") < rank_of(&mut e, "organic"));
    e.track(ev("view", "seen"), T0).unwrap();
    assert!(rank_of(&mut e, "organic") < rank_of(&mut e, "plain"));
}

#[test]
fn the_price_band_signal_lifts_the_usual_price() {
    let store = Shared::default();
    let mut e = open(&store, T0);
    let priced = |id: &str, price: f64, pop: f64| ItemInput {
        price: Some(price),
        ..item(id, id, "x/y", "", pop)
    };
    // Same category, no brand: only the price band tells cheap and dear apart.
    // Bands are relative to the category's median price (4.5 here): seen and cheap sit
    // in the middle band, dear far above it.
    trio(
        &mut e,
        vec![
            priced("seen", 4.5, 1.0),
            priced("cheap", 4.6, 8.0),
            priced("dear", 90.0, 9.0),
            priced("base-1", 4.0, 0.0),
            priced("base-2", 4.0, 0.0),
        ],
    );
    assert!(rank_of(&mut e, "dear") < rank_of(&mut e, "cheap"));
    e.track(ev("view", "seen"), T0).unwrap();
    assert!(rank_of(&mut e, "cheap") < rank_of(&mut e, "dear"));
}

#[test]
fn an_unreadable_profile_is_erased_and_reported_once() {
    let store = Shared::default();
    let mut e = open(&store, T0);
    grant(&mut e, true, T0);
    e.track(ev("view", "s4"), T0).unwrap();
    store.0.borrow_mut().set(PROFILE, "not a profile").unwrap();
    let mut e = open(&store, T0 + 1);
    assert!(e.status(T0 + 1).last_error.unwrap().contains("unreadable"));
    assert_eq!(store.raw(PROFILE), None, "nothing unreadable is kept");
    assert!(e.describe(T0 + 1).recent.is_empty());
    e.reload(T0 + 2);
    assert_eq!(
        e.status(T0 + 2).last_error,
        None,
        "a later clean read clears it"
    );
    assert_eq!(
        e.remove(
            RemoveTarget {
                brand: Some("  ".into()),
                ..Default::default()
            },
            T0
        )
        .unwrap_err()
        .field(),
        Some("brand")
    );
}

#[test]
fn nothing_is_described_once_consent_has_run_out() {
    let store = Shared::default();
    let mut e = open(&store, T0);
    grant(&mut e, true, T0);
    e.track(ev("view", "s4"), T0).unwrap();
    assert_eq!(e.describe(T0).recent.len(), 1);
    assert!(e.describe(T0 + 183 * DAY).recent.is_empty());
}

//! The browser layer in a real headless Chromium (wasm-bindgen-test-runner + chromedriver):
//! real localStorage, real quota errors, real JS values crossing the boundary.
#![cfg(target_arch = "wasm32")]

use tailor::web::TailorCore;
use wasm_bindgen::{JsCast, JsValue};
use wasm_bindgen_test::*;

wasm_bindgen_test_configure!(run_in_browser);

const T0: f64 = 1_790_000_000_000.0;
const PROFILE: &str = "tailor.v1.web-test.profile";
const CONSENT: &str = "tailor.v1.web-test.consent";

fn storage() -> web_sys::Storage {
    web_sys::window().unwrap().local_storage().unwrap().unwrap()
}

fn js(json: &str) -> JsValue {
    js_sys::JSON::parse(json).unwrap()
}

fn get(v: &JsValue, key: &str) -> JsValue {
    js_sys::Reflect::get(v, &JsValue::from_str(key)).unwrap()
}

fn message(e: wasm_bindgen::JsError) -> String {
    get(&JsValue::from(e), "message").as_string().unwrap()
}

fn open() -> TailorCore {
    let mut core = TailorCore::new(
        js(r#"{"shop":"web-test","policyVersion":"2026-11"}"#),
        T0,
        false,
    )
    .unwrap();
    core.load_catalogue(js(r#"[
        {"id":"a","title":"Apple","category":"fruit/apples","popularity":9},
        {"id":"b","title":"Brie","category":"dairy/cheese","popularity":8},
        {"id":"c","title":"Cheddar","category":"dairy/cheese","popularity":1},
        {"id":"d","title":"Pear","category":"fruit/pears","popularity":5}
    ]"#))
        .unwrap();
    core
}

/// The ids of a `rank` answer (`[text, lengths, scores, matches]`, as index.js reads it).
fn ids(ranked: &js_sys::Array) -> Vec<String> {
    let text: Vec<u16> = ranked.get(0).as_string().unwrap().encode_utf16().collect();
    let lengths = js_sys::Uint32Array::from(ranked.get(1)).to_vec();
    let (mut out, mut at, mut j) = (Vec::new(), 0usize, 0usize);
    while j < lengths.len() {
        let id = &text[at..at + lengths[j] as usize];
        out.push(String::from_utf16(id).unwrap());
        at += lengths[j] as usize;
        let reasons = lengths[j + 1] as usize;
        at += lengths[j + 2..j + 2 + reasons]
            .iter()
            .map(|&l| l as usize)
            .sum::<usize>();
        j += 2 + reasons;
    }
    out
}

fn tailor_keys() -> Vec<String> {
    let s = storage();
    let mut keys: Vec<String> = (0..s.length().unwrap())
        .filter_map(|i| s.key(i).unwrap())
        .filter(|k| k.starts_with("tailor."))
        .collect();
    keys.sort();
    keys
}

#[wasm_bindgen_test]
fn nothing_but_the_consent_record_is_stored_before_consent() {
    storage().clear().unwrap();
    let mut core = open();
    assert_eq!(
        core.track(js(r#"{"type":"view","item":"c"}"#), T0).unwrap(),
        "no-consent"
    );
    assert_eq!(
        ids(&core.rank(JsValue::UNDEFINED, T0).unwrap()),
        ["a", "b", "d", "c"]
    );
    assert!(tailor_keys().is_empty(), "{:?}", tailor_keys());
    core.set_consent(
        js(r#"{"personalization":false}"#),
        JsValue::from_str("widget"),
        T0,
    )
    .unwrap();
    assert_eq!(tailor_keys(), [CONSENT]);
}

#[wasm_bindgen_test]
fn the_profile_persists_across_a_reopen_and_withdrawal_erases_it() {
    storage().clear().unwrap();
    let mut core = open();
    core.set_consent(
        js(r#"{"personalization":true}"#),
        JsValue::from_str("api"),
        T0,
    )
    .unwrap();
    assert_eq!(
        core.track(js(r#"{"type":"view","item":"c"}"#), T0).unwrap(),
        "recorded"
    );
    let personalized = ids(&core.rank(JsValue::UNDEFINED, T0).unwrap());
    // The viewed Cheddar first (session intent), then the other cheese.
    assert_eq!(personalized[..2], ["c", "b"]);
    assert!(storage().get_item(PROFILE).unwrap().is_some());
    drop(core);

    // A new page load: same storage, new engine.
    let mut core = open();
    assert_eq!(
        get(
            &get(&core.status(T0).unwrap(), "consent"),
            "personalization"
        ),
        JsValue::TRUE
    );
    assert_eq!(
        ids(&core.rank(JsValue::UNDEFINED, T0).unwrap()),
        personalized
    );

    core.set_consent(
        js(r#"{"personalization":false}"#),
        JsValue::from_str("api"),
        T0,
    )
    .unwrap();
    assert_eq!(storage().get_item(PROFILE).unwrap(), None);
    assert_eq!(
        ids(&core.rank(JsValue::UNDEFINED, T0).unwrap()),
        ["a", "b", "d", "c"]
    );
}

#[wasm_bindgen_test]
fn a_corrupt_consent_record_reads_as_no_consent() {
    storage().clear().unwrap();
    storage()
        .set_item(CONSENT, "{\"personalization\":true}")
        .unwrap();
    let mut core = open();
    let status = core.status(T0).unwrap();
    assert_eq!(
        get(&get(&status, "consent"), "personalization"),
        JsValue::FALSE
    );
    assert!(get(&status, "lastError")
        .as_string()
        .unwrap()
        .contains("unreadable"));
    assert_eq!(
        core.track(js(r#"{"type":"view","item":"c"}"#), T0).unwrap(),
        "no-consent"
    );
}

#[wasm_bindgen_test]
fn bad_input_errors_name_the_field() {
    storage().clear().unwrap();
    let mut core = open();
    let e = core
        .load_catalogue(js(r#"[{"id":"x","price":"cheap"}]"#))
        .unwrap_err();
    let m = message(e);
    assert_eq!(
        m,
        "items[0].price: expected a number, got the string \"cheap\""
    );
    let m = message(
        core.load_catalogue(js(r#"[{"id":"x","related":"y"}]"#))
            .unwrap_err(),
    );
    assert!(m.starts_with("items[0].related: expected a list"), "{m}");
    let m = message(
        core.load_catalogue(js(r#"[{"id":"x","attributes":{"size":4}}]"#))
            .unwrap_err(),
    );
    assert_eq!(
        m,
        "items[0].attributes.size: expected a string, got the number 4"
    );
    let e = core
        .track(js(r#"{"type":"like","item":"a"}"#), T0)
        .unwrap_err();
    assert!(message(e).starts_with("type: \"like\" is not an event type"));
    let m = message(
        core.rank(js(r#"{"rules":[{"action":"pin","item":["a"]}]}"#), T0)
            .unwrap_err(),
    );
    assert!(m.starts_with("request.rules[0].item: unknown field"), "{m}");
    let m = message(
        core.rank(js(r#"{"diversity":{"maxPerBrands":1}}"#), T0)
            .unwrap_err(),
    );
    assert!(
        m.starts_with("request.diversity.maxPerBrands: unknown field"),
        "{m}"
    );
    let e = core.rank(js(r#"{"limit":"5"}"#), T0).unwrap_err();
    assert!(message(e).starts_with("request.limit:"));
    let e = core
        .set_consent(
            js(r#"{"personalisation":true}"#),
            JsValue::from_str("api"),
            T0,
        )
        .unwrap_err();
    assert!(message(e).starts_with(
        "consent.personalisation: unknown field; expected one of personalization, analytics, sensitive"
    ));
    let e = TailorCore::new(js(r#"{"shop":"web-test"}"#), T0, false)
        .err()
        .unwrap();
    assert!(message(e).starts_with("policyVersion: missing"));
    // The bad catalogue call kept the good catalogue.
    assert_eq!(ids(&core.rank(JsValue::UNDEFINED, T0).unwrap()).len(), 4);
}

#[wasm_bindgen_test]
fn a_full_quota_falls_back_to_memory_without_throwing() {
    storage().clear().unwrap();
    // Fill this origin's real localStorage until the browser refuses a write.
    let chunk = "x".repeat(256 * 1024);
    let mut n = 0;
    while storage().set_item(&format!("filler-{n}"), &chunk).is_ok() {
        n += 1;
        assert!(n < 400, "localStorage never filled up");
    }
    let mut small = 0;
    while storage()
        .set_item(&format!("filler-small-{small}"), "x")
        .is_ok()
    {
        small += 1;
        assert!(small < 100_000);
    }

    let mut core = open();
    core.set_consent(
        js(r#"{"personalization":true}"#),
        JsValue::from_str("api"),
        T0,
    )
    .unwrap();
    assert_eq!(
        core.track(js(r#"{"type":"view","item":"c"}"#), T0).unwrap(),
        "recorded"
    );
    let status = core.status(T0).unwrap();
    assert_eq!(get(&status, "storage").as_string().unwrap(), "memory");
    assert!(
        get(&status, "lastError")
            .as_string()
            .unwrap()
            .contains("QuotaExceededError"),
        "{:?}",
        get(&status, "lastError")
    );
    // Still personalized for this page's life.
    assert_eq!(
        ids(&core.rank(JsValue::UNDEFINED, T0).unwrap())[..2],
        ["c", "b"]
    );
    storage().clear().unwrap();
}

#[wasm_bindgen_test]
fn forget_leaves_no_tailor_key() {
    storage().clear().unwrap();
    storage().set_item("shop-cart", "keep").unwrap();
    let mut core = open();
    core.set_consent(
        js(r#"{"personalization":true}"#),
        JsValue::from_str("api"),
        T0,
    )
    .unwrap();
    core.track(js(r#"{"type":"cart","item":"a","quantity":2}"#), T0)
        .unwrap();
    assert_eq!(tailor_keys().len(), 2);
    core.forget();
    assert!(tailor_keys().is_empty());
    assert_eq!(
        storage().get_item("shop-cart").unwrap().as_deref(),
        Some("keep")
    );
    let _ = JsValue::NULL.dyn_ref::<js_sys::Object>();
}

//! The wasm bindings: one class, `TailorCore`, that the JS layer in `www/lib/` wraps.
//! Thin on purpose: each method deserializes its plain JS argument, calls the core and
//! serializes the answer. Time comes in from the JS layer's injectable clock.

mod packed;
mod storage;

use crate::core::engine::{Config, ConfigInput, RemoveTarget};
use crate::core::ldp::OsRandom;
use crate::core::offers::{OfferContext, OfferInput};
use crate::core::ranking::PackedRanking;
use crate::core::{
    ConsentChange, Engine, EventInput, ItemInput, OrderRequest, RankRequest, Source,
};
use crate::de::{self, De};
use serde::de::DeserializeOwned;
use serde::{Deserialize, Serialize};
use storage::LocalStore;
use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;

/// Deserializes `value` into `T`; an error names the field by its path under `arg` and
/// says, in JS terms, what was expected and what came:
/// `items[3].price: expected a number, got the string "cheap"`.
fn from_js<T: DeserializeOwned + Default>(arg: &str, value: JsValue) -> Result<T, JsError> {
    if value.is_undefined() || value.is_null() {
        return Ok(T::default());
    }
    T::deserialize(De(value)).map_err(|e| named(arg, e))
}

/// Not generic: one copy of the error path, not one per input type.
#[inline(never)]
fn named(arg: &str, e: de::Error) -> JsError {
    JsError::new(&format!("{arg}{e}"))
}

/// Unknown fields of an object whose type does not deny them itself (`deny_unknown_fields`
/// does, through `de::Error::unknown_field`); a misspelt field must still be an error.
fn check_fields(arg: &str, value: &JsValue, allowed: &[&str]) -> Result<(), JsError> {
    if !value.is_object() {
        return Ok(());
    }
    for key in js_sys::Object::keys(value.unchecked_ref::<js_sys::Object>())
        .iter()
        .filter_map(|k| k.as_string())
    {
        if !allowed.contains(&key.as_str()) {
            return Err(JsError::new(&format!(
                "{arg}.{key}: unknown field; expected one of {}",
                allowed.join(", ")
            )));
        }
    }
    Ok(())
}

/// An offer pool from JS. The rule objects (`appliesTo`, `value`) deny unknown fields — a
/// misspelt `category` would widen an offer to the whole shop — while the offer itself
/// may carry the shop's own display fields (image, code, …).
fn offer_pool(pool: JsValue) -> Result<Vec<OfferInput>, JsError> {
    if !js_sys::Array::is_array(&pool) {
        return Err(JsError::new("pool: expected an array of offers"));
    }
    from_js("pool", pool)
}

/// The one serializer: plain objects, `null` for absent values.
fn to_js<T: Serialize>(value: &T) -> JsValue {
    value
        .serialize(&serde_wasm_bindgen::Serializer::json_compatible())
        .unwrap_or(JsValue::NULL)
}

fn core_err(e: crate::core::Error) -> JsError {
    JsError::new(&e.to_string())
}

fn now_ms(now: f64) -> Result<i64, JsError> {
    if now.is_finite() && now >= 0.0 {
        Ok(now as i64)
    } else {
        Err(JsError::new(
            "clock: returned something other than milliseconds since 1970 (like Date.now())",
        ))
    }
}

/// Tailor's engine in the browser. Use the `Tailor` class of the package, which wraps this.
#[wasm_bindgen]
pub struct TailorCore {
    engine: Engine<LocalStore>,
}

#[wasm_bindgen]
impl TailorCore {
    /// Opens Tailor for a shop. Bad stored state never throws: it reads as no consent.
    /// `gpc`: the browser sends Global Privacy Control (`navigator.globalPrivacyControl`).
    #[wasm_bindgen(constructor)]
    pub fn new(options: JsValue, now: f64, gpc: bool) -> Result<TailorCore, JsError> {
        // First, so that the list names the JS layer's own options (clock, wasm) too.
        check_fields("options", &options, ConfigInput::FIELDS)?;
        let input: ConfigInput = from_js("options", options)?;
        let config = Config::new(input).map_err(core_err)?;
        let (store, open_error) = LocalStore::open();
        Ok(TailorCore {
            engine: Engine::open(config, store, open_error, gpc, now_ms(now)?),
        })
    }

    /// Validates and ingests the catalogue; returns `{ loaded, skipped, problems, problemCount }`.
    #[wasm_bindgen(js_name = loadCatalogue)]
    pub fn load_catalogue(&mut self, items: JsValue) -> Result<JsValue, JsError> {
        if !js_sys::Array::is_array(&items) {
            return Err(JsError::new("items: expected an array of catalogue items"));
        }
        let items: Vec<ItemInput> = from_js("items", items)?;
        Ok(to_js(&self.engine.load_catalogue(items)))
    }

    /// `loadCatalogue` of the JSON payload itself (the bytes as fetched): read in one
    /// pass (`core::catalogue_json`), no JS object made. A mistake throws, naming the
    /// item and field or the line and column, and the catalogue loaded before stays.
    #[wasm_bindgen(js_name = loadCatalogueJson)]
    pub fn load_catalogue_json(&mut self, bytes: &[u8]) -> Result<JsValue, JsError> {
        let mut built = self.engine.catalogue_builder(bytes.len() / 256);
        crate::core::catalogue_json::read(bytes, &mut built, &|text| js_sys::parse_float(text))
            .map_err(core_err)?;
        Ok(to_js(&self.engine.use_catalogue(built)))
    }

    /// `loadCatalogue` of a catalogue packed by the JS layer (see `packed.rs`); `undefined`
    /// when the packing does not add up, and the JS layer then calls `loadCatalogue`.
    #[wasm_bindgen(js_name = loadPacked)]
    pub fn load_packed(&mut self, text: &[u8], nums: &[f64]) -> JsValue {
        let expected = nums.first().map_or(0, |&n| n as usize).min(nums.len());
        let mut built = self.engine.catalogue_builder(expected);
        match packed::unpack(text, nums, &mut built) {
            Some(()) => to_js(&self.engine.use_catalogue(built)),
            None => JsValue::UNDEFINED,
        }
    }

    /// Records an event if the shopper allows it: "recorded", "no-consent" or "sensitive".
    pub fn track(&mut self, event: JsValue, now: f64) -> Result<String, JsError> {
        if !event.is_object() {
            return Err(JsError::new(
                "event: expected an object such as { type: \"view\", item: \"sku-1\" }",
            ));
        }
        check_fields("event", &event, EventInput::FIELDS)?;
        let event: EventInput = from_js("event", event)?;
        let outcome = self.engine.track(event, now_ms(now)?).map_err(core_err)?;
        Ok(outcome.as_str().to_owned())
    }

    /// The ranking, best first, as `[text, lengths, scores, matches]`
    /// (`core::ranking::PackedRanking`), which index.js turns into
    /// `[{ id, score, match, reasons }]`.
    #[wasm_bindgen(unchecked_return_type = "[string, Uint32Array, Float64Array, Uint8Array]")]
    pub fn rank(&mut self, request: JsValue, now: f64) -> Result<js_sys::Array, JsError> {
        let request: RankRequest = from_js("request", request)?;
        let ranked = self.engine.rank(&request, now_ms(now)?).map_err(core_err)?;
        let p = PackedRanking::new(&ranked);
        Ok(js_sys::Array::of4(
            &JsValue::from_str(&p.text),
            &js_sys::Uint32Array::from(&p.lengths[..]),
            &js_sys::Float64Array::from(&p.scores[..]),
            &js_sys::Uint8Array::from(&p.matches[..]),
        ))
    }

    /// The best `limit` candidates as their positions in the array given to
    /// `loadCatalogue`, best first (a `Uint32Array`): `rank`'s order without ids, match,
    /// reasons or rules, for whole-catalogue listings.
    #[wasm_bindgen(js_name = rankOrder)]
    pub fn rank_order(&mut self, request: JsValue, now: f64) -> Result<Vec<u32>, JsError> {
        let request: OrderRequest = from_js("request", request)?;
        let order = self
            .engine
            .rank_order(&request, now_ms(now)?)
            .map_err(core_err)?;
        // (An order came back, so a catalogue is loaded.)
        let positions = self
            .engine
            .catalogue()
            .map(|cat| order.into_iter().map(|(_, i)| cat.position(i)).collect());
        Ok(positions.unwrap_or_default())
    }

    #[wasm_bindgen(js_name = getConsent)]
    pub fn get_consent(&self, now: f64) -> Result<JsValue, JsError> {
        Ok(to_js(&self.engine.consent_state(now_ms(now)?)))
    }

    /// `source` is "api", "widget" or "browser-signal".
    #[wasm_bindgen(js_name = setConsent)]
    pub fn set_consent(
        &mut self,
        change: JsValue,
        source: JsValue,
        now: f64,
    ) -> Result<JsValue, JsError> {
        if !change.is_object() {
            return Err(JsError::new(
                "consent: expected an object such as { personalization: true }",
            ));
        }
        let change: ConsentChange = from_js("consent", change)?;
        let source = Source::deserialize(De(source)).map_err(|_| {
            JsError::new("source: expected \"api\", \"widget\" or \"browser-signal\"")
        })?;
        Ok(to_js(&self.engine.set_consent(
            &change,
            source,
            now_ms(now)?,
        )))
    }

    /// Every grant and withdrawal, oldest first.
    #[wasm_bindgen(js_name = consentLog)]
    pub fn consent_log(&self) -> JsValue {
        to_js(&self.engine.consent_log())
    }

    /// Removes `{ interest }`, `{ brand }` or `{ item }` from the profile.
    pub fn remove(&mut self, target: JsValue, now: f64) -> Result<bool, JsError> {
        if !target.is_object() {
            return Err(JsError::new(
                "target: expected { interest }, { brand } or { item }",
            ));
        }
        let target: RemoveTarget = from_js("target", target)?;
        self.engine.remove(target, now_ms(now)?).map_err(core_err)
    }

    /// Lets a removed interest or brand be learned again.
    pub fn allow(&mut self, topic: &str, now: f64) -> Result<bool, JsError> {
        Ok(self.engine.allow(topic, now_ms(now)?))
    }

    /// The best offers of `pool` for this shopper: `[{ id, title, score, reasons, savings }]`.
    pub fn offers(
        &mut self,
        pool: JsValue,
        context: JsValue,
        now: f64,
    ) -> Result<JsValue, JsError> {
        let pool = offer_pool(pool)?;
        let context: OfferContext = from_js("context", context)?;
        let (picks, _) = self
            .engine
            .offers(pool, &context, now_ms(now)?)
            .map_err(core_err)?;
        Ok(to_js(&picks))
    }

    /// What `offers` would skip in `pool`, and why: `{ loaded, skipped, problems, problemCount }`.
    #[wasm_bindgen(js_name = checkOffers)]
    pub fn check_offers(&self, pool: JsValue) -> Result<JsValue, JsError> {
        let pool = offer_pool(pool)?;
        Ok(to_js(&self.engine.check_offers(pool).map_err(core_err)?))
    }

    /// Records that the shopper used offer `id`; false when nothing was recorded.
    #[wasm_bindgen(js_name = offerRedeemed)]
    pub fn offer_redeemed(&mut self, id: &str, now: f64) -> Result<bool, JsError> {
        self.engine
            .offer_redeemed(id, now_ms(now)?)
            .map_err(core_err)
    }

    pub fn shop(&self) -> String {
        self.engine.shop().to_owned()
    }

    pub fn describe(&self, now: f64) -> Result<JsValue, JsError> {
        Ok(to_js(&self.engine.describe(now_ms(now)?)))
    }

    pub fn status(&self, now: f64) -> Result<JsValue, JsError> {
        Ok(to_js(&self.engine.status(now_ms(now)?)))
    }

    /// Re-reads storage after another tab changed it.
    pub fn reload(&mut self, now: f64) -> Result<(), JsError> {
        self.engine.reload(now_ms(now)?);
        Ok(())
    }

    /// Every key Tailor stored for this shop, with its value: `[[key, value], …]`.
    pub fn stored(&mut self) -> JsValue {
        to_js(&self.engine.stored())
    }

    /// The storage key prefix of this shop (for the cross-tab `storage` listener).
    #[wasm_bindgen(js_name = keyPrefix)]
    pub fn key_prefix(&self) -> String {
        self.engine.key_prefix()
    }

    /// Erases everything Tailor stored for this shop (but the week's privacy-budget ledger).
    pub fn forget(&mut self) {
        self.engine.forget();
    }

    /// Makes the reports that are due, randomized with the browser's CSPRNG; nothing
    /// without the analytics purpose.
    #[wasm_bindgen(js_name = prepareReports)]
    pub fn prepare_reports(&mut self, now: f64) -> Result<(), JsError> {
        self.engine.prepare_reports(now_ms(now)?, &mut OsRandom);
        Ok(())
    }

    /// Takes the pending reports for the transport: one JSON line each.
    // Through `to_js`, not a `Vec<String>` return: wasm-bindgen's vector conversion
    // would be a second copy of code the serializer already has (0.5 KiB gzip).
    #[wasm_bindgen(js_name = takeReports, unchecked_return_type = "string[]")]
    pub fn take_reports(&mut self, now: f64) -> Result<JsValue, JsError> {
        Ok(to_js(&self.engine.take_reports(now_ms(now)?)))
    }

    /// Takes the DAP value of `kind` (listed in `previewReports().dap`) for sending: false
    /// when its report must not leave (analytics withdrawn, or already taken).
    #[wasm_bindgen(js_name = takeDap)]
    pub fn take_dap(&mut self, kind: &str, now: f64) -> Result<bool, JsError> {
        Ok(self.engine.take_dap(kind, now_ms(now)?))
    }

    /// What the next send carries, byte for byte, and what the shop declared.
    #[wasm_bindgen(js_name = previewReports)]
    pub fn preview_reports(&mut self, now: f64) -> Result<JsValue, JsError> {
        Ok(to_js(&self.engine.preview(now_ms(now)?)))
    }
}

//! Offer selection: which few of the shop's offers (a pool of hundreds) to show this
//! shopper now.
//!
//! An offer is first *eligible* or not (date window, minimum basket, new or returning
//! shopper, per-shopper cap, fatigue, sensitive purpose), and eligibility always fails
//! closed: an offer whose rules cannot be read is skipped, never shown more widely than
//! the shop meant. Eligible offers are then scored:
//!
//! score = worth (the discount, with diminishing returns) + fit (relevance to the profile)
//!
//! Both are 0..1. Fit is the strongest single thing the offer applies to that the
//! shopper cares about (a union of items, categories and brands: the max, so listing
//! more things does not make an offer more relevant). A whole-shop offer has a small
//! fixed fit ([`WHOLE_SHOP_FIT`]) because it applies to whatever the shopper buys.
//! Interests count in full only with enough evidence ([`STRONG_EVIDENCE`]): a single
//! view does not make a category the shopper's favourite.
//!
//! Exact ties are broken by a seeded hash of the offer id, so the output is a pure
//! function of the inputs and the seed. Per call, the profile is mapped once onto the
//! catalogue's and the pool's interned ids; scoring an offer is then array look-ups
//! over what it applies to, with no allocation per offer.

use super::catalogue::{
    normalize_path, path_is_under, Catalogue, FastMap, MAX_REPORTED_PROBLEMS, NONE,
};
use super::codec::{base64_decode, base64_encode, DecodeError, Reader, Writer};
use super::event::EventKind;
use super::number::number_text;
use super::profile::decay;
use super::ranking::{category_label, Shopper};
use super::{Error, Millis};
use serde::{Deserialize, Serialize};
use std::borrow::Cow;

const DAY_MS: Millis = 86_400_000;

/// How many offers `offers()` returns unless asked otherwise, and at most.
pub const DEFAULT_LIMIT: usize = 3;
pub const MAX_LIMIT: usize = 20;
/// Offer ids longer than this are rejected: they are stored in the history, whose
/// codec reads strings of at most 4096 bytes, and no real id is this long.
pub const MAX_ID: usize = 256;

/// The fit of an offer on the whole shop: below any real interest, above none.
pub const WHOLE_SHOP_FIT: f32 = 0.2;
/// Decayed event weight (a view is 1, a purchase 4) at which an interest counts in
/// full; below it, its fit shrinks in proportion.
pub const STRONG_EVIDENCE: f32 = 8.0;
/// An item signal (bought, recently viewed) gives a reason only from this strength (0..1).
pub const REASON_MIN: f32 = 0.25;
/// "You often …" (a category or brand) needs this strength: at least half the shopper's
/// strongest interest of its kind and level, and with [`STRONG_EVIDENCE`] over 4 points
/// of recent evidence (a single purchase or a few views are not "often").
pub const OFTEN_MIN: f32 = 0.5;
const W_CATEGORY: f32 = 1.0;
const W_BRAND: f32 = 0.8;
const W_BOUGHT: f32 = 1.0;
const W_VIEWED: f32 = 0.6;
const W_CARTED: f32 = 0.8;
/// An amount off whose size cannot be compared to anything (no basket, no prices) is
/// ranked as this percentage.
const UNKNOWN_REFERENCE_PERCENT: f64 = 10.0;

/// An offer shown this many times with no redemption since is rested...
pub const FATIGUE_SHOWS: u32 = 3;
/// ...for this long after it was last shown; then it gets [`FATIGUE_SHOWS`] more.
pub const REST_MS: Millis = 7 * DAY_MS;
/// Shows closer together than this are one impression (re-renders, a few pages of one
/// visit), so a page that asks for offers often does not tire them out by itself.
pub const IMPRESSION_GAP_MS: Millis = 30 * 60 * 1000;
/// Offers remembered in the history; the one least recently shown or redeemed goes first.
pub const CAP_HISTORY: usize = 64;

// ---------------------------------------------------------------------------------
// Input

/// An offer as the shop sends it. Every field is optional here so that one bad offer is
/// reported (with its field and index) instead of failing the whole pool.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct OfferInput {
    pub id: Option<String>,
    pub title: Option<String>,
    /// Absent or empty: the whole shop.
    pub applies_to: Option<AppliesToInput>,
    pub value: Option<ValueInput>,
    pub min_basket: Option<f64>,
    /// "new", "returning" or "all" (the default). A string, not an enum, so a bad one
    /// is reported for its offer rather than failing the pool.
    pub audience: Option<String>,
    /// Milliseconds since the epoch; the offer runs from `startsAt` until before `endsAt`.
    pub starts_at: Option<f64>,
    pub ends_at: Option<f64>,
    /// How many times this shopper may redeem it.
    pub cap_per_shopper: Option<f64>,
    pub sensitive: Option<bool>,
    /// The shop's name for a family of offers ("produce-deals"): what redemption reports count.
    pub group: Option<String>,
}

/// What an offer applies to: any listed item, any item under a listed category, any
/// item of a listed brand (a union). Unknown fields are refused: a misspelt `category`
/// here would silently turn an offer into a whole-shop one.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct AppliesToInput {
    pub items: Option<Vec<String>>,
    pub categories: Option<Vec<String>>,
    pub brands: Option<Vec<String>>,
}

/// Exactly one of the two.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ValueInput {
    pub percent: Option<f64>,
    pub amount: Option<f64>,
}

/// The occasion of an `offers()` call. The time comes separately, from the clock.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct OfferContext {
    pub basket_value: Option<f64>,
    pub limit: Option<f64>,
}

impl OfferContext {
    pub fn validate(&self) -> Result<SelectOptions, Error> {
        let basket_value = match self.basket_value {
            None => None,
            Some(b) if b.is_finite() && b >= 0.0 => Some(b),
            Some(b) => {
                return Err(Error::invalid(
                    "basketValue",
                    format!("{} is not a finite number ≥ 0", number_text(b)),
                ))
            }
        };
        let limit = match self.limit {
            None => DEFAULT_LIMIT,
            Some(l)
                if l.is_finite() && l.fract() == 0.0 && (0.0..=MAX_LIMIT as f64).contains(&l) =>
            {
                l as usize
            }
            Some(l) => {
                return Err(Error::invalid(
                    "limit",
                    format!(
                        "{} is not a whole number from 0 to {MAX_LIMIT}",
                        number_text(l)
                    ),
                ))
            }
        };
        Ok(SelectOptions {
            basket_value,
            limit,
        })
    }
}

/// A validated [`OfferContext`].
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct SelectOptions {
    pub basket_value: Option<f64>,
    pub limit: usize,
}

impl Default for SelectOptions {
    fn default() -> Self {
        SelectOptions {
            basket_value: None,
            limit: DEFAULT_LIMIT,
        }
    }
}

/// One thing wrong with one offer. Serialized like the catalogue's problems; the field
/// is a path (`appliesTo.items[2]`), hence not always static.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct OfferProblem {
    /// Position of the offer in the pool that was passed.
    pub index: usize,
    pub id: Option<String>,
    pub field: Cow<'static, str>,
    pub message: String,
}

/// What ingesting a pool did; the same shape as the catalogue's `LoadSummary`.
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct OfferSummary {
    pub loaded: usize,
    /// Offers left out entirely: no usable id, a repeated id, or rules that cannot be read.
    pub skipped: usize,
    /// The first [`MAX_REPORTED_PROBLEMS`]; `problemCount` has them all.
    pub problems: Vec<OfferProblem>,
    #[serde(rename = "problemCount")]
    pub problem_count: usize,
}

impl OfferSummary {
    fn report(
        &mut self,
        index: usize,
        id: Option<&str>,
        field: impl Into<Cow<'static, str>>,
        message: impl Into<String>,
    ) {
        self.problem_count += 1;
        if self.problems.len() < MAX_REPORTED_PROBLEMS {
            self.problems.push(OfferProblem {
                index,
                id: id.map(str::to_owned),
                field: field.into(),
                message: message.into(),
            });
        }
    }
}

// ---------------------------------------------------------------------------------
// The pool

#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Value {
    /// 0 < p ≤ 100.
    Percent(f64),
    /// > 0, in the shop's currency.
    Amount(f64),
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Audience {
    All,
    /// No purchase in the profile.
    New,
    /// At least one purchase in the profile.
    Returning,
}

/// A validated offer. What it applies to lives in the pool's shared arrays.
#[derive(Debug, Clone, PartialEq)]
pub struct Offer {
    pub id: Box<str>,
    pub title: Box<str>,
    pub value: Value,
    /// 0 when there is no minimum.
    pub min_basket: f64,
    pub audience: Audience,
    pub starts_at: Option<Millis>,
    pub ends_at: Option<Millis>,
    /// Redemptions allowed per shopper; `None` for no cap.
    pub cap: Option<u32>,
    /// Marked so, under a sensitive category, or on a sensitive item.
    pub sensitive: bool,
    pub group: Option<Box<str>>,
    items: (u32, u32),
    categories: (u32, u32),
    brands: (u32, u32),
    /// Lists items only, and none of them is in stock.
    nothing_in_stock: bool,
    /// Mean price of its items, when it lists priced items.
    item_price: Option<f64>,
    id_hash: u64,
}

impl Offer {
    pub fn whole_shop(&self) -> bool {
        self.items.0 == self.items.1
            && self.categories.0 == self.categories.1
            && self.brands.0 == self.brands.1
    }
}

/// Why an offer is not eligible now.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Ineligible {
    /// On sensitive things, and the sensitive purpose is not granted.
    Sensitive,
    NotStarted,
    Ended,
    /// The basket is below the minimum, or its value was not given.
    MinBasket,
    /// For new or returning shoppers, and this one is the other kind (or unknown:
    /// without a profile, only offers for all are shown).
    Audience,
    /// Lists only items, none in stock.
    NothingInStock,
    /// Redeemed as often as the cap allows.
    Capped,
    /// Shown [`FATIGUE_SHOWS`] times without a redemption; resting.
    Resting,
}

/// The shop's offers, validated and interned against one catalogue: its item lists are
/// catalogue indices, so select with the catalogue it was ingested with.
#[derive(Debug, Default)]
pub struct OfferPool {
    pub offers: Vec<Offer>,
    index: FastMap<Box<str>, u32>,
    item_refs: Vec<u32>,
    category_refs: Vec<u32>,
    /// Distinct normalized category paths the offers name.
    pub categories: Vec<Box<str>>,
    category_index: FastMap<Box<str>, u32>,
    brand_refs: Vec<u32>,
    pub brands: Vec<Box<str>>,
    brand_index: FastMap<Box<str>, u32>,
    /// Mean known price of the catalogue: the last resort to size an amount off.
    mean_price: Option<f64>,
    catalogue_len: usize,
}

fn intern(names: &mut Vec<Box<str>>, index: &mut FastMap<Box<str>, u32>, name: &str) -> u32 {
    if let Some(&i) = index.get(name) {
        return i;
    }
    let i = names.len() as u32;
    names.push(name.into());
    index.insert(name.into(), i);
    i
}

fn time(t: f64) -> Option<Millis> {
    (t.is_finite() && (0.0..8.64e15).contains(&t)).then_some(t as Millis)
}

impl OfferPool {
    /// Validates and ingests `inputs` against `catalogue`. Offers without a usable id, with
    /// a repeated id, or with any eligibility rule or value that cannot be read are skipped
    /// (never shown more widely than meant); unknown item ids and empty names in
    /// `appliesTo` are reported and dropped. `sensitive_categories` are category paths.
    pub fn ingest(
        inputs: Vec<OfferInput>,
        catalogue: &Catalogue,
        sensitive_categories: &[String],
    ) -> (OfferPool, OfferSummary) {
        let mut pool = OfferPool {
            catalogue_len: catalogue.len(),
            ..Default::default()
        };
        let mut summary = OfferSummary::default();
        // A brand with any sensitive item makes its offers sensitive (fail closed: an
        // offer on a cigarette maker says as much as one on cigarettes).
        let mut sensitive_brands = vec![false; catalogue.brands.len()];
        for (i, &b) in catalogue.brand.iter().enumerate() {
            if catalogue.sensitive[i] && b != NONE {
                sensitive_brands[b as usize] = true;
            }
        }
        let sensitive_prefixes: Vec<String> = sensitive_categories
            .iter()
            .map(|p| normalize_path(p))
            .filter(|p| !p.is_empty())
            .collect();
        let mut need_mean_price = false;

        for (index, input) in inputs.into_iter().enumerate() {
            let id = match input.id.as_deref().map(str::trim) {
                Some(id) if id.len() > MAX_ID => {
                    summary.report(index, None, "id", "longer than 256 bytes; offer skipped");
                    summary.skipped += 1;
                    continue;
                }
                Some(id) if !id.is_empty() => id.to_owned(),
                _ => {
                    summary.report(
                        index,
                        None,
                        "id",
                        "missing; expected a non-empty string; offer skipped",
                    );
                    summary.skipped += 1;
                    continue;
                }
            };
            if pool.index.contains_key(id.as_str()) {
                summary.report(
                    index,
                    Some(&id),
                    "id",
                    "repeats an earlier offer's id; this offer was skipped",
                );
                summary.skipped += 1;
                continue;
            }
            let some_id = Some(id.as_str());
            let mut ok = true;

            let value = match input.value {
                None => None,
                Some(ValueInput {
                    percent: Some(p),
                    amount: None,
                }) => {
                    if p.is_finite() && p > 0.0 && p <= 100.0 {
                        Some(Value::Percent(p))
                    } else {
                        summary.report(
                            index,
                            some_id,
                            "value.percent",
                            format!(
                                "{} is not a number above 0 and at most 100; offer skipped",
                                number_text(p)
                            ),
                        );
                        ok = false;
                        None
                    }
                }
                Some(ValueInput {
                    percent: None,
                    amount: Some(a),
                }) => {
                    if a.is_finite() && a > 0.0 {
                        Some(Value::Amount(a))
                    } else {
                        summary.report(
                            index,
                            some_id,
                            "value.amount",
                            format!(
                                "{} is not a finite number above 0; offer skipped",
                                number_text(a)
                            ),
                        );
                        ok = false;
                        None
                    }
                }
                Some(ValueInput {
                    percent: Some(_),
                    amount: Some(_),
                }) => {
                    summary.report(
                        index,
                        some_id,
                        "value",
                        "has both percent and amount; expected exactly one; offer skipped",
                    );
                    ok = false;
                    None
                }
                Some(ValueInput {
                    percent: None,
                    amount: None,
                }) => None,
            };
            if value.is_none() && ok {
                summary.report(
                    index,
                    some_id,
                    "value",
                    "missing; expected { percent } or { amount }; offer skipped",
                );
                ok = false;
            }

            let min_basket = match input.min_basket {
                None => 0.0,
                Some(m) if m.is_finite() && m >= 0.0 => m,
                Some(m) => {
                    summary.report(
                        index,
                        some_id,
                        "minBasket",
                        format!(
                            "{} is not a finite number ≥ 0; offer skipped",
                            number_text(m)
                        ),
                    );
                    ok = false;
                    0.0
                }
            };
            let audience = match input.audience.as_deref().map(str::trim) {
                None | Some("all") => Audience::All,
                Some("new") => Audience::New,
                Some("returning") => Audience::Returning,
                Some(a) => {
                    summary.report(
                        index,
                        some_id,
                        "audience",
                        format!(
                            "\"{a}\" is not an audience; expected new, returning or all; offer skipped"
                        ),
                    );
                    ok = false;
                    Audience::All
                }
            };
            let mut window = [None, None];
            for (slot, (field, t)) in [("startsAt", input.starts_at), ("endsAt", input.ends_at)]
                .into_iter()
                .enumerate()
            {
                if let Some(t) = t {
                    window[slot] = time(t);
                    if window[slot].is_none() {
                        summary.report(
                            index,
                            some_id,
                            field,
                            format!(
                                "{} is not a time; expected milliseconds since 1970 (like Date.now()); offer skipped",
                                number_text(t)
                            ),
                        );
                        ok = false;
                    }
                }
            }
            let [starts_at, ends_at] = window;
            if let (Some(s), Some(e)) = (starts_at, ends_at) {
                if s >= e {
                    summary.report(
                        index,
                        some_id,
                        "endsAt",
                        format!("{e} is not after startsAt ({s}); offer skipped"),
                    );
                    ok = false;
                }
            }
            let cap = match input.cap_per_shopper {
                None => None,
                Some(c) if c.is_finite() && c.fract() == 0.0 && (1.0..=1e6).contains(&c) => {
                    Some(c as u32)
                }
                Some(c) => {
                    summary.report(
                        index,
                        some_id,
                        "capPerShopper",
                        format!(
                            "{} is not a whole number from 1 to 1000000; offer skipped",
                            number_text(c)
                        ),
                    );
                    ok = false;
                    None
                }
            };

            // What it applies to, last: on failure the refs pushed here are taken back.
            let marks = (
                pool.item_refs.len(),
                pool.category_refs.len(),
                pool.brand_refs.len(),
            );
            let applies = input.applies_to.unwrap_or_default();
            let mut listed = false;
            let mut sensitive = input.sensitive.unwrap_or(false);
            let mut in_stock = false;
            let (mut price_sum, mut priced) = (0.0f64, 0u32);
            for (k, item) in applies.items.iter().flatten().enumerate() {
                listed = true;
                match catalogue.lookup(item.trim()) {
                    Some(i) => {
                        let iu = i as usize;
                        pool.item_refs.push(i);
                        sensitive |= catalogue.sensitive[iu];
                        in_stock |= catalogue.in_stock[iu];
                        let price = catalogue.price[iu];
                        if price.is_finite() && price > 0.0 {
                            price_sum += f64::from(price);
                            priced += 1;
                        }
                    }
                    None => summary.report(
                        index,
                        some_id,
                        format!("appliesTo.items[{k}]"),
                        format!("\"{item}\" is not in the loaded catalogue; dropped"),
                    ),
                }
            }
            for (k, c) in applies.categories.iter().flatten().enumerate() {
                listed = true;
                let path = normalize_path(c);
                if path.is_empty() {
                    summary.report(
                        index,
                        some_id,
                        format!("appliesTo.categories[{k}]"),
                        "empty; expected a category path such as \"dairy/cheese\"; dropped",
                    );
                    continue;
                }
                sensitive |= sensitive_prefixes.iter().any(|p| path_is_under(&path, p));
                let c = intern(&mut pool.categories, &mut pool.category_index, &path);
                pool.category_refs.push(c);
            }
            for (k, b) in applies.brands.iter().flatten().enumerate() {
                listed = true;
                let b = b.trim();
                if b.is_empty() {
                    summary.report(
                        index,
                        some_id,
                        format!("appliesTo.brands[{k}]"),
                        "empty; expected a brand name; dropped",
                    );
                    continue;
                }
                sensitive |= catalogue
                    .brand_id(b)
                    .is_some_and(|id| sensitive_brands[id as usize]);
                let b = intern(&mut pool.brands, &mut pool.brand_index, b);
                pool.brand_refs.push(b);
            }
            let ends = (
                pool.item_refs.len(),
                pool.category_refs.len(),
                pool.brand_refs.len(),
            );
            if listed && ends == marks {
                // An offer meant for some things must not become an offer on everything.
                summary.report(
                    index,
                    some_id,
                    "appliesTo",
                    "none of the listed items, categories or brands is usable; offer skipped rather than applied to the whole shop",
                );
                ok = false;
            }
            let Some(value) = value.filter(|_| ok) else {
                pool.item_refs.truncate(marks.0);
                pool.category_refs.truncate(marks.1);
                pool.brand_refs.truncate(marks.2);
                summary.skipped += 1;
                continue;
            };

            let only_items = ends.0 > marks.0 && ends.1 == marks.1 && ends.2 == marks.2;
            let item_price = (priced > 0).then(|| price_sum / f64::from(priced));
            need_mean_price |=
                matches!(value, Value::Amount(_)) && min_basket == 0.0 && item_price.is_none();
            let title = input
                .title
                .as_deref()
                .map(str::trim)
                .filter(|t| !t.is_empty())
                .unwrap_or(&id);
            let group = match input.group.as_deref().map(str::trim) {
                None => None,
                Some(g) if super::consent::validate_label("group", g).is_ok() => Some(g.into()),
                Some(g) => {
                    summary.report(
                        index,
                        some_id,
                        "group",
                        format!("\"{g}\" is not 1–100 letters, digits, '-', '_' or '.'; offer kept without a group"),
                    );
                    None
                }
            };
            let n = pool.offers.len() as u32;
            pool.offers.push(Offer {
                title: title.into(),
                group,
                id_hash: fnv1a(id.as_bytes()),
                value,
                min_basket,
                audience,
                starts_at,
                ends_at,
                cap,
                sensitive,
                items: (marks.0 as u32, ends.0 as u32),
                categories: (marks.1 as u32, ends.1 as u32),
                brands: (marks.2 as u32, ends.2 as u32),
                nothing_in_stock: only_items && !in_stock,
                item_price,
                id: id.as_str().into(),
            });
            pool.index.insert(id.into(), n);
        }

        if need_mean_price {
            let (sum, n) = catalogue
                .price
                .iter()
                .filter(|p| p.is_finite() && **p > 0.0)
                .fold((0.0f64, 0u32), |(s, n), &p| (s + f64::from(p), n + 1));
            pool.mean_price = (n > 0).then(|| sum / f64::from(n));
        }
        summary.loaded = pool.offers.len();
        (pool, summary)
    }

    pub fn len(&self) -> usize {
        self.offers.len()
    }
    pub fn is_empty(&self) -> bool {
        self.offers.is_empty()
    }
    pub fn get(&self, id: &str) -> Option<&Offer> {
        self.index.get(id).map(|&o| &self.offers[o as usize])
    }
    /// Catalogue indices of the items the offer lists.
    pub fn items_of(&self, offer: &Offer) -> &[u32] {
        &self.item_refs[offer.items.0 as usize..offer.items.1 as usize]
    }
    pub fn categories_of<'a>(&'a self, offer: &Offer) -> impl Iterator<Item = &'a str> + 'a {
        self.category_refs[offer.categories.0 as usize..offer.categories.1 as usize]
            .iter()
            .map(|&c| &*self.categories[c as usize])
    }
    pub fn brands_of<'a>(&'a self, offer: &Offer) -> impl Iterator<Item = &'a str> + 'a {
        self.brand_refs[offer.brands.0 as usize..offer.brands.1 as usize]
            .iter()
            .map(|&b| &*self.brands[b as usize])
    }

    /// The discount as a percentage of what it applies to: an amount off is sized
    /// against its items' price, else the basket, else the minimum basket, else the
    /// catalogue's mean price.
    fn percent_equivalent(&self, offer: &Offer, basket: Option<f64>) -> f64 {
        match offer.value {
            Value::Percent(p) => p,
            Value::Amount(a) => {
                let reference = offer
                    .item_price
                    .or(basket.filter(|&b| b > 0.0))
                    .or((offer.min_basket > 0.0).then_some(offer.min_basket))
                    .or(self.mean_price);
                match reference {
                    Some(r) => (100.0 * a / r).min(100.0),
                    None => UNKNOWN_REFERENCE_PERCENT,
                }
            }
        }
    }

    /// What the shopper would save, where it can be told: an amount off (at most the
    /// basket), a percentage of a known basket on a whole-shop offer, or of the item's
    /// price on an offer for items. Rounded to cents.
    fn savings(&self, offer: &Offer, basket: Option<f64>) -> Option<f64> {
        let s = match offer.value {
            Value::Amount(a) => Some(basket.map_or(a, |b| a.min(b))),
            Value::Percent(p) if offer.whole_shop() => basket.map(|b| b * p / 100.0),
            Value::Percent(p) => offer.item_price.map(|price| price * p / 100.0),
        }?;
        Some((s * 100.0).round() / 100.0)
    }

    /// Picks at most `opts.limit` eligible offers, best first.
    ///
    /// `shopper.profiles` empty means no profile may be used (no personalization
    /// purpose): offers are then ranked on worth and breadth alone, and offers for new or
    /// returning shoppers only are left out (who the shopper is, is unknown).
    /// `history` should be empty then too. Same inputs and seed, same output; another
    /// seed reorders exact ties only.
    pub fn select(
        &self,
        cat: &Catalogue,
        shopper: &Shopper,
        history: &OfferHistory,
        opts: &SelectOptions,
        now: Millis,
        seed: u64,
    ) -> Vec<PickedOffer> {
        debug_assert_eq!(
            cat.len(),
            self.catalogue_len,
            "a pool is tied to its catalogue"
        );
        if cat.len() != self.catalogue_len || opts.limit == 0 {
            return Vec::new();
        }
        let fitter = Fitter::new(self, cat, shopper, now);
        let mut seen_at = vec![NONE; self.offers.len()];
        for (h, e) in history.entries.iter().enumerate() {
            if let Some(&o) = self.index.get(e.offer.as_str()) {
                seen_at[o as usize] = h as u32;
            }
        }
        let returning = (!shopper.profiles.is_empty())
            .then(|| shopper.profiles.iter().any(|p| !p.purchased.is_empty()));

        let rules = Rules {
            returning,
            basket: opts.basket_value,
            allow_sensitive: shopper.allow_sensitive,
            now,
        };
        let mut scored: Vec<(f32, u64, u32)> = Vec::with_capacity(self.offers.len());
        for (o, offer) in self.offers.iter().enumerate() {
            let seen = history.entries.get(seen_at[o] as usize);
            if rules.check(offer, seen).is_err() {
                continue;
            }
            let score = worth(self.percent_equivalent(offer, opts.basket_value))
                + fitter.offer(self, offer).relevance;
            scored.push((score, splitmix64(seed ^ offer.id_hash), o as u32));
        }

        let order = |a: &(f32, u64, u32), b: &(f32, u64, u32)| {
            b.0.total_cmp(&a.0).then(a.1.cmp(&b.1)).then(a.2.cmp(&b.2))
        };
        super::sort::top_k(&mut scored, opts.limit, &order);
        scored
            .into_iter()
            .map(|(score, _, o)| {
                let offer = &self.offers[o as usize];
                let fit = fitter.offer(self, offer);
                PickedOffer {
                    id: offer.id.to_string(),
                    title: offer.title.to_string(),
                    score: f64::from(score),
                    reasons: fitter.reasons(&fit),
                    savings: self.savings(offer, opts.basket_value),
                }
            })
            .collect()
    }
}

/// One offer chosen for the shopper.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct PickedOffer {
    pub id: String,
    pub title: String,
    pub score: f64,
    /// Up to two, strongest first; each is true of the shopper's own history.
    pub reasons: Vec<String>,
    /// Estimated saving in the shop's currency, when it can be told.
    pub savings: Option<f64>,
}

/// 0..1 for a discount of 0..100 %: 10 % → 0.29, 30 % → 0.58, 50 % → 0.75. Logarithmic,
/// so each extra point counts less (40 % is not twice as good a reason as 20 %).
fn worth(percent: f64) -> f32 {
    ((percent / 10.0).ln_1p() / 11f64.ln()) as f32
}

// ---------------------------------------------------------------------------------
// Eligibility

/// What eligibility depends on besides the offer and its history.
struct Rules {
    /// Has the shopper bought before; `None` without a profile.
    returning: Option<bool>,
    basket: Option<f64>,
    allow_sensitive: bool,
    now: Millis,
}

impl Rules {
    fn check(&self, offer: &Offer, seen: Option<&Seen>) -> Result<(), Ineligible> {
        if offer.sensitive && !self.allow_sensitive {
            return Err(Ineligible::Sensitive);
        }
        if offer.starts_at.is_some_and(|s| self.now < s) {
            return Err(Ineligible::NotStarted);
        }
        if offer.ends_at.is_some_and(|e| self.now >= e) {
            return Err(Ineligible::Ended);
        }
        if offer.min_basket > 0.0 && !self.basket.is_some_and(|b| b >= offer.min_basket) {
            return Err(Ineligible::MinBasket);
        }
        let audience_ok = match offer.audience {
            Audience::All => true,
            Audience::New => self.returning == Some(false),
            Audience::Returning => self.returning == Some(true),
        };
        if !audience_ok {
            return Err(Ineligible::Audience);
        }
        if offer.nothing_in_stock {
            return Err(Ineligible::NothingInStock);
        }
        if let Some(seen) = seen {
            if offer.cap.is_some_and(|c| seen.redeemed >= c) {
                return Err(Ineligible::Capped);
            }
            if seen.resting(self.now) {
                return Err(Ineligible::Resting);
            }
        }
        Ok(())
    }
}

// ---------------------------------------------------------------------------------
// Relevance

/// Why an offer fits: each variant is a sentence that is true of the profile.
#[derive(Debug, Clone, Copy, PartialEq)]
enum Why<'a> {
    Bought(u32),
    /// A recent view, search click or cart add (the kind says which).
    Looked(u32, EventKind),
    Category(&'a str),
    Brand(&'a str),
}

impl Why<'_> {
    fn min_evidence(self) -> f32 {
        match self {
            Why::Bought(_) | Why::Looked(..) => REASON_MIN,
            Why::Category(_) | Why::Brand(_) => OFTEN_MIN,
        }
    }
}

/// An offer's relevance and its two strongest reasons; `Copy`, so scoring allocates nothing.
#[derive(Debug, Clone, Copy, Default)]
struct Fit<'a> {
    relevance: f32,
    why: [Option<(f32, Why<'a>)>; 2],
}

impl<'a> Fit<'a> {
    /// Adds a signal of strength `value`; it is a reason only if `evidence` (its own
    /// 0..1 strength) is enough for what the reason says.
    fn add(&mut self, value: f32, evidence: f32, why: Why<'a>) {
        self.relevance = self.relevance.max(value);
        if evidence < why.min_evidence() {
            return;
        }
        match self.why {
            [Some((v, w)), _] if w == why => self.why[0] = Some((v.max(value), w)),
            [first, Some((v, w))] if w == why => {
                if first.is_some_and(|(f, _)| value > f) {
                    self.why = [Some((value, w)), first];
                } else {
                    self.why[1] = Some((v.max(value), w));
                }
            }
            [Some((f, _)), _] if value <= f => {
                if self.why[1].is_none_or(|(s, _)| value > s) {
                    self.why[1] = Some((value, why));
                }
            }
            [first, _] => self.why = [Some((value, why)), first],
        }
    }
}

/// A category's fit: the depth-weighted mean of its levels' strengths (deeper levels
/// weigh more, up to 3), and the level that contributes most, for the reason.
#[derive(Debug, Clone, Copy, Default)]
struct CatFit<'a> {
    score: f32,
    best: &'a str,
    best_strength: f32,
}

#[derive(Default)]
struct Levels<'a> {
    sum: f32,
    weights: f32,
    best: CatFit<'a>,
    best_key: (f32, u8),
}

impl<'a> Levels<'a> {
    fn push(&mut self, depth: u8, strength: f32, path: &'a str) {
        let dw = f32::from(depth.min(3));
        self.sum += dw * strength;
        self.weights += dw;
        let key = (dw * strength, depth);
        // The most specific level that carries the most weight names the reason,
        // whichever way the chain is walked.
        if key.0 > 0.0
            && (key.0 > self.best_key.0 || (key.0 == self.best_key.0 && depth > self.best_key.1))
        {
            self.best_key = key;
            self.best.best = path;
            self.best.best_strength = strength;
        }
    }
    fn finish(mut self) -> CatFit<'a> {
        if self.weights > 0.0 {
            self.best.score = self.sum / self.weights;
        }
        self.best
    }
}

/// The profile mapped onto the catalogue's and the pool's ids, once per call.
struct Fitter<'a> {
    cat: &'a Catalogue,
    allow_sensitive: bool,
    node_fit: Vec<CatFit<'a>>,
    node_blocked: Vec<bool>,
    brand_fit: Vec<f32>,
    brand_blocked: Vec<bool>,
    pool_category_fit: Vec<CatFit<'a>>,
    pool_brand_fit: Vec<f32>,
    /// Sorted by item: (item, strength of the signal).
    bought: Vec<(u32, f32)>,
    looked: Vec<(u32, f32, EventKind)>,
    dismissed: Vec<u32>,
}

fn depth_of(path: &str) -> u8 {
    (path.matches('/').count() + 1).min(255) as u8
}

/// The strength 0..1 of an interest of decayed weight `w`: relative to the strongest of
/// its kind and level, times how much evidence there is.
fn strength(w: f32, max: f32) -> f32 {
    if w > 0.0 && max > 0.0 {
        (w / max) * (w / STRONG_EVIDENCE).min(1.0)
    } else {
        0.0
    }
}

impl<'a> Fitter<'a> {
    fn new(pool: &'a OfferPool, cat: &'a Catalogue, shopper: &Shopper<'a>, now: Millis) -> Self {
        let profiles = &shopper.profiles;
        let blocked = shopper.blocked;

        let mut levels: FastMap<&'a str, f32> = FastMap::default();
        for e in profiles.iter().flat_map(|p| &p.categories.entries) {
            *levels.entry(e.key.as_str()).or_default() += decay(e.weight, e.at, now);
        }
        let mut max_at_depth = [0.0f32; 8];
        for (k, &w) in &levels {
            let d = usize::from(depth_of(k)).min(7);
            max_at_depth[d] = max_at_depth[d].max(w);
        }
        let level_strength = |d: u8, w: f32| strength(w, max_at_depth[usize::from(d).min(7)]);

        let nodes = cat.categories.len();
        let mut own = vec![0.0f32; nodes];
        for (k, &w) in &levels {
            if let Some(n) = cat.category_id(k) {
                own[n as usize] = w;
            }
        }
        let mut node_fit = Vec::with_capacity(nodes);
        let mut node_blocked = Vec::with_capacity(nodes);
        for (n, node) in cat.categories.iter().enumerate() {
            let mut acc = Levels::default();
            let mut cur = n as u32;
            while cur != NONE {
                let c = &cat.categories[cur as usize];
                acc.push(c.depth, level_strength(c.depth, own[cur as usize]), &c.path);
                cur = c.parent;
            }
            node_fit.push(acc.finish());
            node_blocked.push(blocked.iter().any(|b| path_is_under(&node.path, b)));
        }
        // Offer categories need not be in this page's catalogue: walk their prefixes.
        let pool_category_fit = pool
            .categories
            .iter()
            .map(|path| {
                if blocked.iter().any(|b| path_is_under(path, b)) {
                    return CatFit::default();
                }
                let mut acc = Levels::default();
                let ends = path
                    .match_indices('/')
                    .map(|(i, _)| i)
                    .chain(std::iter::once(path.len()));
                for (d, end) in ends.enumerate() {
                    let prefix = path.get(..end).unwrap_or_default();
                    let depth = (d + 1).min(255) as u8;
                    let w = levels.get(prefix).copied().unwrap_or(0.0);
                    acc.push(depth, level_strength(depth, w), prefix);
                }
                acc.finish()
            })
            .collect();

        let mut brands: FastMap<&'a str, f32> = FastMap::default();
        for e in profiles.iter().flat_map(|p| &p.brands.entries) {
            *brands.entry(e.key.as_str()).or_default() += decay(e.weight, e.at, now);
        }
        let max_brand = brands.values().copied().fold(0.0, f32::max);
        let is_blocked = |b: &str| blocked.iter().any(|t| t == b);
        let mut brand_fit = vec![0.0f32; cat.brands.len()];
        for (k, &w) in &brands {
            if let Some(b) = cat.brand_id(k) {
                brand_fit[b as usize] = strength(w, max_brand);
            }
        }
        let brand_blocked = cat.brands.iter().map(|b| is_blocked(b)).collect();
        let pool_brand_fit = pool
            .brands
            .iter()
            .map(|b| {
                let w = brands.get(&**b).copied().unwrap_or(0.0);
                if is_blocked(b) {
                    0.0
                } else {
                    strength(w, max_brand)
                }
            })
            .collect();

        // Bought is true whenever it was: it fades to half, never below.
        let mut bought: Vec<(u32, f32)> = profiles
            .iter()
            .flat_map(|p| &p.purchased)
            .filter_map(|b| Some((cat.lookup(&b.item)?, 0.5 + 0.5 * decay(1.0, b.last_at, now))))
            .collect();
        super::sort::sort_by(&mut bought, &|a, b| a.0.cmp(&b.0).then(b.1.total_cmp(&a.1)));
        bought.dedup_by_key(|b| b.0);
        let mut looked: Vec<(u32, f32, EventKind)> = profiles
            .iter()
            .flat_map(|p| &p.recent)
            .filter(|r| {
                matches!(
                    r.kind,
                    EventKind::View | EventKind::Search | EventKind::Cart
                )
            })
            .filter_map(|r| {
                let w = if r.kind == EventKind::Cart {
                    W_CARTED
                } else {
                    W_VIEWED
                };
                Some((cat.lookup(&r.item)?, w * decay(1.0, r.at, now), r.kind))
            })
            .collect();
        super::sort::sort_by(&mut looked, &|a, b| a.0.cmp(&b.0).then(b.1.total_cmp(&a.1)));
        looked.dedup_by_key(|l| l.0);
        let mut dismissed: Vec<u32> = profiles
            .iter()
            .flat_map(|p| &p.dismissed)
            .filter_map(|(item, _)| cat.lookup(item))
            .collect();
        super::sort::sort_by(&mut dismissed, &|a, b| a.cmp(b));
        dismissed.dedup();

        Fitter {
            cat,
            allow_sensitive: shopper.allow_sensitive,
            node_fit,
            node_blocked,
            brand_fit,
            brand_blocked,
            pool_category_fit,
            pool_brand_fit,
            bought,
            looked,
            dismissed,
        }
    }

    fn offer(&self, pool: &'a OfferPool, offer: &Offer) -> Fit<'a> {
        let mut fit = Fit::default();
        if offer.whole_shop() {
            fit.relevance = WHOLE_SHOP_FIT;
            return fit;
        }
        for &i in pool.items_of(offer) {
            self.item(i, &mut fit);
        }
        for &c in &pool.category_refs[offer.categories.0 as usize..offer.categories.1 as usize] {
            let f = self.pool_category_fit[c as usize];
            fit.add(W_CATEGORY * f.score, f.best_strength, Why::Category(f.best));
        }
        for &b in &pool.brand_refs[offer.brands.0 as usize..offer.brands.1 as usize] {
            let s = self.pool_brand_fit[b as usize];
            fit.add(W_BRAND * s, s, Why::Brand(&pool.brands[b as usize]));
        }
        fit
    }

    fn item(&self, i: u32, fit: &mut Fit<'a>) {
        let cat = self.cat;
        let iu = i as usize;
        let node = cat.category[iu];
        let brand = cat.brand[iu];
        // The same items ranking would not personalize: sensitive without the purpose,
        // under a removed topic, or dismissed.
        if (cat.sensitive[iu] && !self.allow_sensitive)
            || (node != NONE && self.node_blocked[node as usize])
            || (brand != NONE && self.brand_blocked[brand as usize])
            || self.dismissed.binary_search(&i).is_ok()
        {
            return;
        }
        if let Ok(k) = self.bought.binary_search_by_key(&i, |b| b.0) {
            let v = W_BOUGHT * self.bought[k].1;
            fit.add(v, v, Why::Bought(i));
        } else if let Ok(k) = self.looked.binary_search_by_key(&i, |l| l.0) {
            let (_, v, kind) = self.looked[k];
            fit.add(v, v, Why::Looked(i, kind));
        }
        if node != NONE {
            let f = self.node_fit[node as usize];
            fit.add(W_CATEGORY * f.score, f.best_strength, Why::Category(f.best));
        }
        if brand != NONE {
            let s = self.brand_fit[brand as usize];
            fit.add(W_BRAND * s, s, Why::Brand(&cat.brands[brand as usize]));
        }
    }

    fn reasons(&self, fit: &Fit) -> Vec<String> {
        let title = |i: u32| self.cat.title(i);
        fit.why
            .iter()
            .flatten()
            .map(|&(_, why)| match why {
                Why::Bought(i) => concat(&["You have bought ", title(i), " before"]),
                Why::Looked(i, EventKind::Cart) => {
                    concat(&["You recently added ", title(i), " to your basket"])
                }
                Why::Looked(i, _) => concat(&["You recently viewed ", title(i)]),
                Why::Category(path) => concat(&["You often look at ", &category_label(path)]),
                Why::Brand(b) => concat(&["You often choose ", b]),
            })
            .collect()
    }
}

fn concat(parts: &[&str]) -> String {
    let mut s = String::with_capacity(parts.iter().map(|p| p.len()).sum());
    for p in parts {
        s.push_str(p);
    }
    s
}

// ---------------------------------------------------------------------------------
// Determinism

/// FNV-1a: a stable hash of an offer id (std's hasher is seeded per process).
fn fnv1a(bytes: &[u8]) -> u64 {
    let mut h: u64 = 0xcbf2_9ce4_8422_2325;
    for &b in bytes {
        h ^= u64::from(b);
        h = h.wrapping_mul(0x0100_0000_01b3);
    }
    h
}

/// splitmix64's finalizer: mixes the seed into every bit of the tie-break.
fn splitmix64(x: u64) -> u64 {
    let mut z = x.wrapping_add(0x9e37_79b9_7f4a_7c15);
    z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
    z ^ (z >> 31)
}

// ---------------------------------------------------------------------------------
// History

/// What happened to one offer with this shopper.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Seen {
    pub offer: String,
    /// Impressions (shows at least [`IMPRESSION_GAP_MS`] apart).
    pub shown: u32,
    /// Impressions since the last redemption (or since the last rest ended).
    pub unanswered: u32,
    pub last_shown: Option<Millis>,
    pub redeemed: u32,
    pub last_redeemed: Option<Millis>,
    /// The offer is on sensitive things: its entry goes when the sensitive purpose does.
    pub sensitive: bool,
}

impl Seen {
    fn resting(&self, now: Millis) -> bool {
        self.unanswered >= FATIGUE_SHOWS
            && self
                .last_shown
                .is_some_and(|t| now.saturating_sub(t) < REST_MS)
    }

    fn last_activity(&self) -> Millis {
        self.last_shown
            .max(self.last_redeemed)
            .unwrap_or(Millis::MIN)
    }
}

/// Which offers this shopper has seen and redeemed: bounded to [`CAP_HISTORY`] offers,
/// stored (while personalization is granted) under its own key. That a sensitive offer
/// was shown or redeemed is itself sensitive: such entries are flagged, never made
/// without the sensitive purpose, and dropped with it ([`OfferHistory::drop_sensitive`]).
#[derive(Debug, Clone, PartialEq, Default)]
pub struct OfferHistory {
    pub entries: Vec<Seen>,
}

const HISTORY_MAGIC: &[u8; 2] = b"TO";
/// 1: the first encoding.
const HISTORY_VERSION: u8 = 1;

/// Checks an offer id from the caller (e.g. of a redemption), whether or not anything
/// will be recorded: a shop finds its bugs before its shoppers opt in.
pub fn check_offer_id(id: &str) -> Result<(), Error> {
    if id.trim().is_empty() {
        return Err(Error::invalid("id", "missing; expected the id of an offer"));
    }
    if id.len() > MAX_ID {
        return Err(Error::invalid(
            "id",
            "longer than 256 bytes; not an offer id",
        ));
    }
    Ok(())
}

impl OfferHistory {
    pub fn is_empty(&self) -> bool {
        self.entries.is_empty()
    }

    pub fn get(&self, id: &str) -> Option<&Seen> {
        self.entries.iter().find(|e| e.offer == id)
    }

    fn entry(&mut self, id: &str) -> &mut Seen {
        if let Some(k) = self.entries.iter().position(|e| e.offer == id) {
            return &mut self.entries[k];
        }
        if self.entries.len() >= CAP_HISTORY {
            if let Some(oldest) = self
                .entries
                .iter()
                .enumerate()
                .min_by_key(|(k, e)| (e.last_activity(), *k))
                .map(|(k, _)| k)
            {
                self.entries.swap_remove(oldest);
            }
        }
        self.entries.push(Seen {
            offer: id.to_owned(),
            ..Default::default()
        });
        self.entries.last_mut().expect("just pushed")
    }

    /// Records that the offers `ids` of `pool` (the picks of its `select`) were shown at
    /// `now`. Ids not in the pool are ignored: only a pool knows if an offer is sensitive.
    pub fn shown<'s>(
        &mut self,
        pool: &OfferPool,
        ids: impl IntoIterator<Item = &'s str>,
        now: Millis,
    ) {
        for id in ids {
            let Some(offer) = pool.get(id) else {
                continue;
            };
            let e = self.entry(id);
            e.sensitive |= offer.sensitive;
            if let Some(t) = e.last_shown {
                // Part of the same visit (or a clock that went back): not a new impression.
                if now.saturating_sub(t) < IMPRESSION_GAP_MS {
                    continue;
                }
                if e.unanswered >= FATIGUE_SHOWS && !e.resting(now) {
                    e.unanswered = 0;
                }
            }
            e.shown = e.shown.saturating_add(1);
            e.unanswered = e.unanswered.saturating_add(1);
            e.last_shown = Some(e.last_shown.map_or(now, |t| t.max(now)));
        }
    }

    /// Records a redemption of offer `id`: it counts toward the cap and ends any fatigue.
    /// `sensitive`: the offer is sensitive (from the pool, or this history's entry); pass
    /// `true` when that is unknown, and record nothing without the sensitive purpose.
    pub fn redeemed(&mut self, id: &str, sensitive: bool, now: Millis) -> Result<(), Error> {
        check_offer_id(id)?;
        let e = self.entry(id.trim());
        e.sensitive |= sensitive;
        e.redeemed = e.redeemed.saturating_add(1);
        e.unanswered = 0;
        e.last_redeemed = Some(e.last_redeemed.map_or(now, |t| t.max(now)));
        Ok(())
    }

    /// Whether offer `id` is known to be sensitive: `None` if it is not in the history.
    pub fn sensitive(&self, id: &str) -> Option<bool> {
        self.get(id.trim()).map(|e| e.sensitive)
    }

    /// Drops what the history says about sensitive offers (the sensitive purpose was
    /// withdrawn, or is not granted when the history is read); true if anything went.
    pub fn drop_sensitive(&mut self) -> bool {
        let before = self.entries.len();
        self.entries.retain(|e| !e.sensitive);
        before != self.entries.len()
    }

    pub fn encode(&self) -> String {
        let opt = |w: &mut Writer, t: Option<Millis>| {
            w.varint(t.map_or(0, |t| (t as u64).saturating_add(1)));
        };
        let mut w = Writer::new();
        w.bytes(HISTORY_MAGIC);
        w.u8(HISTORY_VERSION);
        w.varint(self.entries.len() as u64);
        for e in &self.entries {
            w.str(&e.offer);
            w.u8(u8::from(e.sensitive));
            w.varint(u64::from(e.shown));
            w.varint(u64::from(e.unanswered));
            opt(&mut w, e.last_shown);
            w.varint(u64::from(e.redeemed));
            opt(&mut w, e.last_redeemed);
        }
        base64_encode(&w.finish())
    }

    /// Reads a stored history. Anything malformed, inconsistent, over the cap or from an
    /// unknown version is an error: the caller starts empty rather than guess.
    pub fn decode(text: &str) -> Result<OfferHistory, DecodeError> {
        let bytes = base64_decode(text)?;
        let mut r = Reader::new(&bytes);
        if r.bytes(2)? != HISTORY_MAGIC || r.u8()? != HISTORY_VERSION {
            return Err(DecodeError);
        }
        let number = |r: &mut Reader| u32::try_from(r.varint()?).map_err(|_| DecodeError);
        let opt = |r: &mut Reader| -> Result<Option<Millis>, DecodeError> {
            match r.varint()? {
                0 => Ok(None),
                t => Millis::try_from(t - 1).map(Some).map_err(|_| DecodeError),
            }
        };
        let mut h = OfferHistory::default();
        for _ in 0..r.count(CAP_HISTORY)? {
            let offer = r.str()?;
            let sensitive = match r.u8()? {
                0 => false,
                1 => true,
                _ => return Err(DecodeError),
            };
            let e = Seen {
                offer,
                sensitive,
                shown: number(&mut r)?,
                unanswered: number(&mut r)?,
                last_shown: opt(&mut r)?,
                redeemed: number(&mut r)?,
                last_redeemed: opt(&mut r)?,
            };
            let consistent = check_offer_id(&e.offer).is_ok()
                && e.unanswered <= e.shown
                && (e.shown > 0) == e.last_shown.is_some()
                && (e.redeemed > 0) == e.last_redeemed.is_some()
                && h.get(&e.offer).is_none();
            if !consistent {
                return Err(DecodeError);
            }
            h.entries.push(e);
        }
        if !r.at_end() {
            return Err(DecodeError);
        }
        Ok(h)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::core::catalogue::ItemInput;
    use crate::core::event::Event;
    use crate::core::profile::Profile;

    const DAY: Millis = DAY_MS;
    const NOW: Millis = 1_800_000_000_000;

    fn item(id: &str, title: &str, category: &str, brand: &str, price: f64) -> ItemInput {
        ItemInput {
            id: Some(id.into()),
            title: Some(title.into()),
            category: Some(category.into()),
            brand: Some(brand.into()),
            price: Some(price),
            ..Default::default()
        }
    }

    /// A small grocer: two cheeses, bread, peanut butter, a pregnancy test (sensitive by
    /// category), a pork chop (sensitive by category), a flagged item, one out of stock.
    fn catalogue() -> Catalogue {
        let mut flagged = item("vit", "Vitamins", "pharmacy/vitamins", "Vita", 9.0);
        flagged.sensitive = Some(true);
        let mut gone = item("gone", "Sold out jam", "pantry/jam", "Jammy", 4.0);
        gone.in_stock = Some(false);
        let items = vec![
            item("brie", "Brie", "dairy/cheese", "Fromagerie", 6.0),
            item("gouda", "Gouda", "dairy/cheese", "Fromagerie", 5.0),
            item("milk", "Milk", "dairy/milk", "Moo", 1.0),
            item("bread", "Bread", "bakery/bread", "Baker", 2.0),
            item("pb", "Peanut butter", "pantry/spreads", "Nutty", 4.0),
            item(
                "test",
                "Pregnancy test",
                "pharmacy/pregnancy",
                "Clear",
                12.0,
            ),
            item("pork", "Pork chops", "meat/pork", "Farm", 8.0),
            flagged,
            gone,
        ];
        Catalogue::ingest(items, &sensitive()).0
    }

    fn sensitive() -> Vec<String> {
        vec!["pharmacy/pregnancy".into(), "meat/pork".into()]
    }

    fn offer(id: &str, percent: f64) -> OfferInput {
        OfferInput {
            id: Some(id.into()),
            value: Some(ValueInput {
                percent: Some(percent),
                amount: None,
            }),
            ..Default::default()
        }
    }

    fn on(mut o: OfferInput, items: &[&str], categories: &[&str], brands: &[&str]) -> OfferInput {
        let list = |v: &[&str]| (!v.is_empty()).then(|| v.iter().map(|s| s.to_string()).collect());
        o.applies_to = Some(AppliesToInput {
            items: list(items),
            categories: list(categories),
            brands: list(brands),
        });
        o
    }

    fn pool(cat: &Catalogue, offers: Vec<OfferInput>) -> OfferPool {
        let (pool, summary) = OfferPool::ingest(offers, cat, &sensitive());
        assert_eq!(summary.problems, vec![], "test pools are valid");
        pool
    }

    fn record(p: &mut Profile, cat: &Catalogue, kind: EventKind, id: &str, n: usize, at: Millis) {
        for _ in 0..n {
            let event = Event {
                kind,
                item: id.into(),
                at,
                quantity: 1,
                personalized: false,
            };
            p.record(&event, cat, cat.lookup(id).unwrap());
        }
    }

    fn shopper<'a>(profiles: Vec<&'a Profile>) -> Shopper<'a> {
        Shopper {
            profiles,
            allow_sensitive: false,
            blocked: &[],
        }
    }

    fn ids(picked: &[PickedOffer]) -> Vec<&str> {
        picked.iter().map(|p| p.id.as_str()).collect()
    }

    fn pick(
        pool: &OfferPool,
        cat: &Catalogue,
        shopper: &Shopper,
        history: &OfferHistory,
        basket: Option<f64>,
        now: Millis,
    ) -> Vec<PickedOffer> {
        let opts = SelectOptions {
            basket_value: basket,
            limit: MAX_LIMIT,
        };
        pool.select(cat, shopper, history, &opts, now, 7)
    }

    #[test]
    fn validation_names_the_field_and_the_offer() {
        let cat = catalogue();
        let mut both = offer("both", 10.0);
        both.value.as_mut().unwrap().amount = Some(5.0);
        let mut window = offer("window", 10.0);
        window.starts_at = Some(2000.0);
        window.ends_at = Some(1000.0);
        let mut misc = offer("misc", 10.0);
        misc.min_basket = Some(-1.0);
        misc.audience = Some("vip".into());
        misc.cap_per_shopper = Some(1.5);
        misc.starts_at = Some(f64::NAN);
        let inputs = vec![
            OfferInput::default(),
            offer("ok", 10.0),
            offer("ok", 20.0),
            OfferInput {
                value: None,
                ..offer("novalue", 1.0)
            },
            offer("pct", 120.0),
            both,
            window,
            misc,
            OfferInput {
                value: Some(ValueInput {
                    percent: None,
                    amount: Some(f64::INFINITY),
                }),
                ..offer("amt", 1.0)
            },
            on(
                offer("items", 10.0),
                &["brie", "nope", " "],
                &[" / "],
                &[""],
            ),
            on(offer("allgone", 10.0), &["nope"], &[], &[]),
        ];
        let (pool, s) = OfferPool::ingest(inputs, &cat, &sensitive());
        let got: Vec<(usize, &str)> = s.problems.iter().map(|p| (p.index, &*p.field)).collect();
        assert_eq!(
            got,
            [
                (0, "id"),
                (2, "id"),
                (3, "value"),
                (4, "value.percent"),
                (5, "value"),
                (6, "endsAt"),
                (7, "minBasket"),
                (7, "audience"),
                (7, "startsAt"),
                (7, "capPerShopper"),
                (8, "value.amount"),
                (9, "appliesTo.items[1]"),
                (9, "appliesTo.items[2]"),
                (9, "appliesTo.categories[0]"),
                (9, "appliesTo.brands[0]"),
                (10, "appliesTo.items[0]"),
                (10, "appliesTo"),
            ]
        );
        assert_eq!(s.problems[1].id.as_deref(), Some("ok"));
        assert!(s.problems[11].message.contains("\"nope\""));
        assert!(s.problems[7].message.contains("\"vip\""));
        assert_eq!(s.loaded, 2);
        assert_eq!(s.skipped, 9);
        assert_eq!(s.problem_count, s.problems.len());
        // The first "ok" is kept; "items" keeps its one known item and stays targeted.
        assert_eq!(pool.get("ok").unwrap().value, Value::Percent(10.0));
        let items = pool.get("items").unwrap();
        assert_eq!(pool.items_of(items), &[cat.lookup("brie").unwrap()]);
        assert!(!items.whole_shop());
        assert_eq!(pool.categories_of(items).count(), 0);
        // A skipped offer leaves nothing behind in the shared arrays.
        assert_eq!(pool.item_refs.len(), 1);
    }

    #[test]
    fn context_errors_name_the_field() {
        let field = |c: OfferContext| c.validate().unwrap_err().field().unwrap().to_owned();
        assert_eq!(
            field(OfferContext {
                basket_value: Some(-1.0),
                limit: None
            }),
            "basketValue"
        );
        for l in [2.5, 21.0, -1.0, f64::NAN] {
            assert_eq!(
                field(OfferContext {
                    basket_value: None,
                    limit: Some(l)
                }),
                "limit"
            );
        }
        assert_eq!(
            OfferContext::default().validate().unwrap(),
            SelectOptions::default()
        );
        assert_eq!(SelectOptions::default().limit, 3);
    }

    #[test]
    fn ingest_normalizes_and_interns() {
        let cat = catalogue();
        let mut o = on(offer("a", 10.0), &[], &[" dairy / cheese "], &[" Moo "]);
        o.title = Some("  ".into());
        let p = pool(
            &cat,
            vec![o, on(offer("b", 5.0), &[], &["dairy/cheese"], &[])],
        );
        let a = p.get("a").unwrap();
        assert_eq!(p.categories_of(a).collect::<Vec<_>>(), ["dairy/cheese"]);
        assert_eq!(p.brands_of(a).collect::<Vec<_>>(), ["Moo"]);
        assert_eq!(&*a.title, "a");
        assert_eq!(p.categories.len(), 1);
    }

    #[test]
    fn date_window_is_start_inclusive_end_exclusive() {
        let cat = catalogue();
        let mut o = offer("w", 10.0);
        o.starts_at = Some(1000.0);
        o.ends_at = Some(2000.0);
        let p = pool(&cat, vec![o]);
        let s = shopper(vec![]);
        let h = OfferHistory::default();
        let at = |t| ids(&pick(&p, &cat, &s, &h, None, t)).len();
        assert_eq!([at(999), at(1000), at(1999), at(2000)], [0, 1, 1, 0]);
        let rules = |now| Rules {
            returning: None,
            basket: None,
            allow_sensitive: false,
            now,
        };
        assert_eq!(
            rules(999).check(&p.offers[0], None),
            Err(Ineligible::NotStarted)
        );
        assert_eq!(
            rules(2000).check(&p.offers[0], None),
            Err(Ineligible::Ended)
        );
    }

    #[test]
    fn minimum_basket_needs_a_basket_that_reaches_it() {
        let cat = catalogue();
        let mut o = offer("min", 10.0);
        o.min_basket = Some(50.0);
        let mut zero = offer("zero", 10.0);
        zero.min_basket = Some(0.0);
        let p = pool(&cat, vec![o, zero]);
        let s = shopper(vec![]);
        let h = OfferHistory::default();
        let at = |b| ids(&pick(&p, &cat, &s, &h, b, NOW)).contains(&"min");
        assert!(!at(None), "no basket value: not eligible");
        assert!(!at(Some(49.99)));
        assert!(at(Some(50.0)));
        assert!(ids(&pick(&p, &cat, &s, &h, None, NOW)).contains(&"zero"));
    }

    #[test]
    fn audience_follows_purchases_and_needs_a_profile() {
        let cat = catalogue();
        let mut new = offer("new", 10.0);
        new.audience = Some("new".into());
        let mut ret = offer("returning", 10.0);
        ret.audience = Some("returning".into());
        let p = pool(&cat, vec![new, ret, offer("all", 10.0)]);
        let h = OfferHistory::default();
        let got = |s: &Shopper| {
            let mut v: Vec<String> = pick(&p, &cat, s, &h, None, NOW)
                .into_iter()
                .map(|p| p.id)
                .collect();
            v.sort();
            v
        };
        let fresh = Profile::default();
        let mut viewer = Profile::default();
        record(&mut viewer, &cat, EventKind::View, "brie", 3, NOW);
        let mut buyer = Profile::default();
        record(&mut buyer, &cat, EventKind::Purchase, "bread", 1, NOW);
        assert_eq!(
            got(&shopper(vec![])),
            ["all"],
            "no profile: unknown audience"
        );
        assert_eq!(got(&shopper(vec![&fresh])), ["all", "new"]);
        assert_eq!(got(&shopper(vec![&viewer])), ["all", "new"]);
        assert_eq!(got(&shopper(vec![&buyer])), ["all", "returning"]);
        // A purchase in the sensitive part counts only when that part is passed.
        assert_eq!(got(&shopper(vec![&fresh, &buyer])), ["all", "returning"]);
    }

    #[test]
    fn cap_counts_redemptions() {
        let cat = catalogue();
        let mut o = offer("capped", 10.0);
        o.cap_per_shopper = Some(2.0);
        let p = pool(&cat, vec![o, offer("free", 10.0)]);
        let profile = Profile::default();
        let s = shopper(vec![&profile]);
        let mut h = OfferHistory::default();
        h.redeemed("capped", false, NOW).unwrap();
        assert_eq!(ids(&pick(&p, &cat, &s, &h, None, NOW)).len(), 2);
        h.redeemed("capped", false, NOW + 1).unwrap();
        assert_eq!(ids(&pick(&p, &cat, &s, &h, None, NOW)), ["free"]);
        for _ in 0..5 {
            h.redeemed("free", false, NOW).unwrap();
        }
        assert_eq!(
            ids(&pick(&p, &cat, &s, &h, None, NOW)),
            ["free"],
            "no cap: no limit"
        );
        assert!(h.redeemed(" ", false, NOW).is_err());
        assert_eq!(
            h.redeemed(&"x".repeat(MAX_ID + 1), false, NOW)
                .unwrap_err()
                .field(),
            Some("id")
        );
    }

    #[test]
    fn fatigue_rests_an_ignored_offer_then_lets_it_back() {
        let cat = catalogue();
        let p = pool(&cat, vec![offer("tired", 10.0), offer("fresh", 5.0)]);
        let profile = Profile::default();
        let s = shopper(vec![&profile]);
        let mut h = OfferHistory::default();
        let mut t = NOW;
        for visit in 0..FATIGUE_SHOWS {
            assert!(
                ids(&pick(&p, &cat, &s, &h, None, t)).contains(&"tired"),
                "visit {visit}"
            );
            // Several shows within one visit are one impression.
            h.shown(&p, ["tired"], t);
            h.shown(&p, ["tired"], t + 60_000);
            t += DAY;
        }
        assert_eq!(h.get("tired").unwrap().shown, FATIGUE_SHOWS);
        let last = t - DAY;
        assert_eq!(ids(&pick(&p, &cat, &s, &h, None, t)), ["fresh"]);
        assert_eq!(
            ids(&pick(&p, &cat, &s, &h, None, last + REST_MS - 1)),
            ["fresh"]
        );
        // The rest is over: it is back, and its next show starts a new streak.
        let back = last + REST_MS;
        assert!(ids(&pick(&p, &cat, &s, &h, None, back)).contains(&"tired"));
        h.shown(&p, ["tired"], back);
        assert_eq!(h.get("tired").unwrap().unanswered, 1);
        assert!(ids(&pick(&p, &cat, &s, &h, None, back + DAY)).contains(&"tired"));

        // A redemption ends the streak at once.
        let mut h = OfferHistory::default();
        for k in 0..FATIGUE_SHOWS as i64 {
            h.shown(&p, ["tired"], NOW + k * DAY);
        }
        assert_eq!(ids(&pick(&p, &cat, &s, &h, None, NOW + 3 * DAY)), ["fresh"]);
        h.redeemed("tired", false, NOW + 3 * DAY).unwrap();
        assert!(ids(&pick(&p, &cat, &s, &h, None, NOW + 3 * DAY)).contains(&"tired"));
    }

    #[test]
    fn sensitive_offers_need_the_sensitive_purpose() {
        let cat = catalogue();
        let mut flagged = offer("flag", 10.0);
        flagged.sensitive = Some(true);
        let offers = vec![
            flagged,
            on(offer("path", 10.0), &[], &["pharmacy/pregnancy/tests"], &[]),
            on(offer("item", 10.0), &["bread", "test"], &[], &[]),
            on(offer("flagged-item", 10.0), &["vit"], &[], &[]),
            on(offer("pork", 10.0), &[], &["meat/pork"], &[]),
            // Not under "meat/pork": a sibling with a longer name, and the parent.
            on(offer("porky", 10.0), &[], &["meat/porky"], &[]),
            on(offer("pharmacy", 10.0), &[], &["pharmacy"], &[]),
            offer("plain", 10.0),
        ];
        let p = pool(&cat, offers);
        let flags: Vec<(&str, bool)> = p.offers.iter().map(|o| (&*o.id, o.sensitive)).collect();
        assert_eq!(
            flags,
            [
                ("flag", true),
                ("path", true),
                ("item", true),
                ("flagged-item", true),
                ("pork", true),
                ("porky", false),
                ("pharmacy", false),
                ("plain", false)
            ]
        );
        let profile = Profile::default();
        let h = OfferHistory::default();
        let mut without: Vec<String> = pick(&p, &cat, &shopper(vec![&profile]), &h, None, NOW)
            .into_iter()
            .map(|p| p.id)
            .collect();
        without.sort();
        assert_eq!(without, ["pharmacy", "plain", "porky"]);
        let with = Shopper {
            profiles: vec![&profile],
            allow_sensitive: true,
            blocked: &[],
        };
        assert_eq!(pick(&p, &cat, &with, &h, None, NOW).len(), 8);
    }

    #[test]
    fn bigger_discounts_rank_higher_with_diminishing_returns() {
        let cat = catalogue();
        let p = pool(
            &cat,
            vec![
                offer("ten", 10.0),
                offer("forty", 40.0),
                offer("twenty", 20.0),
            ],
        );
        let h = OfferHistory::default();
        assert_eq!(
            ids(&pick(&p, &cat, &shopper(vec![]), &h, None, NOW)),
            ["forty", "twenty", "ten"]
        );
        assert!(worth(20.0) - worth(10.0) > worth(40.0) - worth(30.0));
        assert!(worth(100.0) <= 1.0 && worth(100.0) > 0.99);
        // An amount is sized against the basket: 5 off 20 beats 10 %, 5 off 100 does not.
        let amount = OfferInput {
            value: Some(ValueInput {
                percent: None,
                amount: Some(5.0),
            }),
            ..offer("five", 1.0)
        };
        let p = pool(&cat, vec![amount, offer("ten", 10.0)]);
        let s = shopper(vec![]);
        assert_eq!(
            ids(&pick(&p, &cat, &s, &h, Some(20.0), NOW)),
            ["five", "ten"]
        );
        assert_eq!(
            ids(&pick(&p, &cat, &s, &h, Some(100.0), NOW)),
            ["ten", "five"]
        );
    }

    /// The choice pinned here: a 10 % offer on the shopper's favourite category beats a
    /// 30 % whole-shop offer only when the interest is both the strongest at its level and
    /// backed by at least ~4 points of recent evidence (4 views, or 1 purchase); a single
    /// view, or a side interest however well evidenced, loses to the bigger discount.
    #[test]
    fn a_favourite_category_beats_a_bigger_whole_shop_discount_only_when_strong() {
        let cat = catalogue();
        let p = pool(
            &cat,
            vec![
                on(offer("cheese", 10.0), &[], &["dairy/cheese"], &[]),
                offer("shop", 30.0),
            ],
        );
        let h = OfferHistory::default();
        let first = |profile: &Profile| {
            pick(&p, &cat, &shopper(vec![profile]), &h, None, NOW)[0]
                .id
                .clone()
        };

        let mut once = Profile::default();
        record(&mut once, &cat, EventKind::View, "brie", 1, NOW);
        assert_eq!(first(&once), "shop");
        let mut three = Profile::default();
        record(&mut three, &cat, EventKind::View, "brie", 3, NOW);
        assert_eq!(first(&three), "shop");
        let mut five = Profile::default();
        record(&mut five, &cat, EventKind::View, "brie", 5, NOW);
        assert_eq!(first(&five), "cheese");
        let mut bought = Profile::default();
        record(&mut bought, &cat, EventKind::Purchase, "gouda", 1, NOW);
        assert_eq!(first(&bought), "cheese");
        // Strong, but a side interest: bread is what this shopper is about.
        let mut side = Profile::default();
        record(&mut side, &cat, EventKind::View, "brie", 8, NOW);
        record(&mut side, &cat, EventKind::Purchase, "bread", 8, NOW);
        assert_eq!(first(&side), "shop");
        // Evidence fades: five views two months ago are no longer strong.
        let mut old = Profile::default();
        record(&mut old, &cat, EventKind::View, "brie", 5, NOW - 60 * DAY);
        assert_eq!(first(&old), "shop");
        // Without any profile, worth decides.
        assert_eq!(
            pick(&p, &cat, &shopper(vec![]), &h, None, NOW)[0].id,
            "shop"
        );
    }

    #[test]
    fn a_whole_shop_offer_outranks_an_untargeted_one_of_equal_value() {
        let cat = catalogue();
        let p = pool(
            &cat,
            vec![
                on(offer("bakery", 20.0), &[], &["bakery"], &[]),
                offer("shop", 20.0),
            ],
        );
        let h = OfferHistory::default();
        let mut cheese = Profile::default();
        record(&mut cheese, &cat, EventKind::Purchase, "brie", 2, NOW);
        for s in [shopper(vec![]), shopper(vec![&cheese])] {
            let picked = pick(&p, &cat, &s, &h, None, NOW);
            assert_eq!(ids(&picked), ["shop", "bakery"]);
            assert!(picked.iter().all(|p| p.reasons.is_empty()));
        }
    }

    #[test]
    fn reasons_are_true_of_the_profile() {
        let cat = catalogue();
        let p = pool(
            &cat,
            vec![
                on(offer("pb", 10.0), &["pb"], &[], &[]),
                on(offer("cheese", 10.0), &[], &["dairy/cheese"], &[]),
                on(offer("gouda", 10.0), &["gouda"], &[], &[]),
                on(offer("moo", 10.0), &[], &[], &["Moo"]),
                on(offer("bread", 10.0), &["bread"], &[], &[]),
                offer("shop", 10.0),
            ],
        );
        let mut profile = Profile::default();
        record(&mut profile, &cat, EventKind::Purchase, "pb", 1, NOW - DAY);
        record(&mut profile, &cat, EventKind::View, "brie", 6, NOW - DAY);
        record(&mut profile, &cat, EventKind::View, "bread", 1, NOW - DAY);
        let h = OfferHistory::default();
        let picked = pick(&p, &cat, &shopper(vec![&profile]), &h, None, NOW);
        let reasons = |id: &str| picked.iter().find(|p| p.id == id).unwrap().reasons.clone();
        assert_eq!(reasons("pb"), ["You have bought Peanut butter before"]);
        assert_eq!(reasons("cheese"), ["You often look at Cheese"]);
        // Gouda was never viewed: the reason is its category, not the item.
        assert_eq!(
            reasons("gouda"),
            ["You often look at Cheese", "You often choose Fromagerie"]
        );
        // Never looked at Moo: no reason, however the offer ranks.
        assert_eq!(reasons("moo"), Vec::<String>::new());
        // One view is not "often", but it is a recent view.
        assert_eq!(reasons("bread"), ["You recently viewed Bread"]);
        assert_eq!(reasons("shop"), Vec::<String>::new());
        assert!(picked.iter().all(|p| p.reasons.len() <= 2));
    }

    #[test]
    fn removed_topics_and_dismissed_items_give_no_relevance_or_reason() {
        let cat = catalogue();
        let p = pool(
            &cat,
            vec![
                on(offer("cheese", 10.0), &[], &["dairy/cheese"], &[]),
                on(offer("brie", 10.0), &["brie"], &[], &[]),
                on(offer("fromagerie", 10.0), &[], &[], &["Fromagerie"]),
            ],
        );
        let mut profile = Profile::default();
        record(&mut profile, &cat, EventKind::Purchase, "brie", 3, NOW);
        let h = OfferHistory::default();
        let all_reasons = |s: &Shopper| -> Vec<String> {
            pick(&p, &cat, s, &h, None, NOW)
                .into_iter()
                .flat_map(|p| p.reasons)
                .collect()
        };
        assert!(!all_reasons(&shopper(vec![&profile])).is_empty());
        let blocked = ["dairy".to_string(), "Fromagerie".to_string()];
        let s = Shopper {
            profiles: vec![&profile],
            allow_sensitive: false,
            blocked: &blocked,
        };
        assert_eq!(all_reasons(&s), Vec::<String>::new());
        assert!(pick(&p, &cat, &s, &h, None, NOW)
            .iter()
            .all(|p| p.score < 0.3));

        let mut dismissed = Profile::default();
        record(&mut dismissed, &cat, EventKind::View, "brie", 1, NOW);
        record(&mut dismissed, &cat, EventKind::Dismiss, "brie", 1, NOW);
        let picked = pick(&p, &cat, &shopper(vec![&dismissed]), &h, None, NOW);
        let brie = picked.iter().find(|p| p.id == "brie").unwrap();
        assert!(brie.reasons.is_empty());
        assert_eq!(brie.score, f64::from(worth(10.0)));
    }

    #[test]
    fn items_out_of_stock_make_an_item_offer_ineligible() {
        let cat = catalogue();
        let p = pool(
            &cat,
            vec![
                on(offer("jam", 10.0), &["gone"], &[], &[]),
                on(offer("jam-or-bread", 10.0), &["gone", "bread"], &[], &[]),
                on(offer("pantry", 10.0), &["gone"], &["pantry"], &[]),
            ],
        );
        let h = OfferHistory::default();
        let mut got = ids(&pick(&p, &cat, &shopper(vec![]), &h, None, NOW))
            .into_iter()
            .map(str::to_owned)
            .collect::<Vec<_>>();
        got.sort();
        assert_eq!(got, ["jam-or-bread", "pantry"]);
    }

    #[test]
    fn savings_are_estimated_only_where_they_can_be() {
        let cat = catalogue();
        let amount = OfferInput {
            value: Some(ValueInput {
                percent: None,
                amount: Some(5.0),
            }),
            ..offer("five", 1.0)
        };
        let p = pool(
            &cat,
            vec![
                amount,
                offer("shop", 10.0),
                on(offer("brie", 50.0), &["brie"], &[], &[]),
                on(offer("cheese", 10.0), &[], &["dairy/cheese"], &[]),
            ],
        );
        let h = OfferHistory::default();
        let savings = |basket| {
            let mut v: Vec<(String, Option<f64>)> =
                pick(&p, &cat, &shopper(vec![]), &h, basket, NOW)
                    .into_iter()
                    .map(|p| (p.id, p.savings))
                    .collect();
            v.sort_by(|a, b| a.0.cmp(&b.0));
            v
        };
        let s = |id: &str, v: Option<f64>| (id.to_string(), v);
        assert_eq!(
            savings(Some(42.5)),
            [
                s("brie", Some(3.0)),
                s("cheese", None),
                s("five", Some(5.0)),
                s("shop", Some(4.25))
            ]
        );
        assert_eq!(
            savings(None),
            [
                s("brie", Some(3.0)),
                s("cheese", None),
                s("five", Some(5.0)),
                s("shop", None)
            ]
        );
        assert_eq!(savings(Some(3.0))[2], s("five", Some(3.0)));
    }

    #[test]
    fn same_seed_same_output_other_seeds_reorder_exact_ties_only() {
        let cat = catalogue();
        let mut offers: Vec<OfferInput> =
            (0..10).map(|k| offer(&format!("tie-{k}"), 10.0)).collect();
        offers.push(offer("best", 50.0));
        offers.push(on(offer("worst", 5.0), &[], &["bakery"], &[]));
        let p = pool(&cat, offers);
        let h = OfferHistory::default();
        let s = shopper(vec![]);
        let opts = SelectOptions {
            basket_value: None,
            limit: MAX_LIMIT,
        };
        let run = |seed| -> Vec<String> {
            p.select(&cat, &s, &h, &opts, NOW, seed)
                .into_iter()
                .map(|p| p.id)
                .collect()
        };
        assert_eq!(run(1), run(1));
        let orders: Vec<Vec<String>> = (0..8).map(run).collect();
        for o in &orders {
            assert_eq!(o[0], "best");
            assert_eq!(o[11], "worst");
            let mut ties = o[1..11].to_vec();
            ties.sort();
            assert_eq!(ties.len(), 10);
        }
        assert!(orders.iter().any(|o| *o != orders[0]), "seeds reorder ties");
        // The top of a limited selection is the head of the full order.
        let three: Vec<String> = p
            .select(&cat, &s, &h, &SelectOptions::default(), NOW, 3)
            .into_iter()
            .map(|p| p.id)
            .collect();
        assert_eq!(three, orders[3][..3]);
        assert!(p
            .select(
                &cat,
                &s,
                &h,
                &SelectOptions {
                    basket_value: None,
                    limit: 0
                },
                NOW,
                3
            )
            .is_empty());
    }

    #[test]
    fn the_hash_is_stable() {
        // Pinned: a change here silently reshuffles every shop's tie-breaks.
        assert_eq!(fnv1a(b""), 0xcbf2_9ce4_8422_2325);
        assert_eq!(fnv1a(b"a"), 0xaf63_dc4c_8601_ec8c);
        assert_eq!(splitmix64(0), 0xe220_a839_7b1d_cdaf);
    }

    #[test]
    fn history_round_trips_and_stays_bounded() {
        let cat = catalogue();
        let n = CAP_HISTORY as i64 + 10;
        let p = pool(
            &cat,
            (0..n).map(|k| offer(&format!("offer-{k}"), 10.0)).collect(),
        );
        let mut h = OfferHistory::default();
        assert_eq!(OfferHistory::decode(&h.encode()).unwrap(), h);
        for k in 0..n {
            h.shown(&p, [format!("offer-{k}").as_str()], NOW + k);
        }
        h.shown(&p, ["not-in-the-pool"], NOW);
        assert!(h.get("not-in-the-pool").is_none());
        h.redeemed("offer-70", false, NOW + 100).unwrap();
        h.redeemed("late", false, 5).unwrap();
        assert_eq!(h.entries.len(), CAP_HISTORY);
        // The least recently active went first.
        assert!(h.get("offer-0").is_none());
        assert!(h.get("offer-10").is_none());
        assert!(h.get("offer-11").is_some());
        assert_eq!(h.get("offer-70").unwrap().redeemed, 1);
        assert!(h.get("late").is_some());
        let text = h.encode();
        assert!(text.len() < 4096, "history is {} bytes", text.len());
        assert_eq!(OfferHistory::decode(&text).unwrap(), h);
    }

    #[test]
    fn corrupt_or_foreign_histories_are_rejected() {
        let cat = catalogue();
        let p = pool(&cat, vec![offer("a", 10.0), offer("b", 10.0)]);
        let mut h = OfferHistory::default();
        h.shown(&p, ["a", "b"], NOW);
        h.redeemed("a", false, NOW).unwrap();
        let good = h.encode();
        assert!(OfferHistory::decode(&good).is_ok());
        assert!(OfferHistory::decode("").is_err());
        assert!(OfferHistory::decode("not base64!").is_err());
        assert!(OfferHistory::decode(&good[..good.len() - 4]).is_err());
        let edit = |f: &dyn Fn(&mut Vec<u8>)| {
            let mut bytes = base64_decode(&good).unwrap();
            f(&mut bytes);
            OfferHistory::decode(&base64_encode(&bytes))
        };
        assert!(edit(&|b| b[0] = b'X').is_err(), "foreign magic");
        assert!(edit(&|b| b[2] = 99).is_err(), "unknown version");
        assert!(edit(&|b| b.push(0)).is_err(), "trailing bytes");
        // The sensitive flag of the first entry ("a": after magic, version, count, id) is 0 or 1.
        assert!(edit(&|b| b[6] = 1).is_ok());
        assert!(edit(&|b| b[6] = 2).is_err(), "unknown flag");
        // A profile is not a history.
        assert!(OfferHistory::decode(&Profile::default().encode()).is_err());

        let encode = |entries: Vec<Seen>| OfferHistory { entries }.encode();
        let seen = |id: &str, shown, unanswered, last_shown| Seen {
            offer: id.into(),
            shown,
            unanswered,
            last_shown,
            ..Default::default()
        };
        assert!(OfferHistory::decode(&encode(vec![seen("a", 1, 1, Some(5))])).is_ok());
        assert!(OfferHistory::decode(&encode(vec![seen("a", 1, 2, Some(5))])).is_err());
        assert!(OfferHistory::decode(&encode(vec![seen("a", 1, 0, None)])).is_err());
        assert!(OfferHistory::decode(&encode(vec![seen("", 1, 0, Some(5))])).is_err());
        assert!(OfferHistory::decode(&encode(vec![
            seen("a", 1, 0, Some(5)),
            seen("a", 1, 0, Some(5))
        ]))
        .is_err());
        let too_many = (0..=CAP_HISTORY)
            .map(|k| seen(&k.to_string(), 1, 0, Some(5)))
            .collect();
        assert!(OfferHistory::decode(&encode(too_many)).is_err());
    }

    #[test]
    fn sensitive_offers_leave_flagged_history_that_goes_with_the_purpose() {
        let cat = catalogue();
        let p = pool(
            &cat,
            vec![
                on(offer("tests", 10.0), &["test"], &[], &[]),
                offer("plain", 10.0),
            ],
        );
        let mut h = OfferHistory::default();
        h.shown(&p, ["tests", "plain"], NOW);
        h.redeemed("code-typed-in", true, NOW).unwrap();
        h.redeemed("plain", false, NOW).unwrap();
        assert_eq!(h.sensitive("tests"), Some(true));
        assert_eq!(h.sensitive("plain"), Some(false));
        assert_eq!(h.sensitive("code-typed-in"), Some(true));
        assert_eq!(h.sensitive("never"), None);
        let again = OfferHistory::decode(&h.encode()).unwrap();
        assert_eq!(again, h);
        assert!(h.drop_sensitive());
        assert!(!h.drop_sensitive());
        let left: Vec<&str> = h.entries.iter().map(|e| e.offer.as_str()).collect();
        assert_eq!(left, ["plain"]);
    }

    #[test]
    fn fit_keeps_the_two_strongest_distinct_reasons() {
        let mut f = Fit::default();
        f.add(0.3, 0.3, Why::Bought(1));
        f.add(0.5, 0.5, Why::Bought(2));
        f.add(0.4, 0.4, Why::Bought(3));
        f.add(0.6, 0.6, Why::Bought(3));
        f.add(0.9, 0.1, Why::Bought(4));
        // Strong enough for an item reason, not for "often".
        f.add(0.45, 0.45, Why::Brand("Acme"));
        assert_eq!(f.relevance, 0.9);
        assert_eq!(
            f.why,
            [Some((0.6, Why::Bought(3))), Some((0.5, Why::Bought(2)))]
        );
        f.add(0.55, 0.55, Why::Bought(2));
        assert_eq!(f.why[1], Some((0.55, Why::Bought(2))));
        f.add(0.7, 0.7, Why::Brand("Acme"));
        assert_eq!(
            f.why,
            [Some((0.7, Why::Brand("Acme"))), Some((0.6, Why::Bought(3)))]
        );
    }
}

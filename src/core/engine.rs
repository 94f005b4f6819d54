//! The engine behind `Tailor`: ties consent, profile, catalogue and storage together
//! and enforces the promises of DESIGN.md at one place — nothing is recorded or stored
//! before consent, withdrawal erases at once, unreadable state means no consent.
//!
//! What is learned from sensitive items (only with the `sensitive` purpose) lives in a
//! profile of its own under its own key, so withdrawing that purpose erases exactly it.

use super::catalogue::{path_is_under, Catalogue, CatalogueBuilder, ItemInput, LoadSummary};
use super::consent::{self, Consent, ConsentChange, LogEntry, Purpose, ReadError, Source};
use super::event::{EventInput, EventKind};
use super::ldp::{self, Random};
use super::number::number_text;
use super::offers::{
    check_offer_id, OfferContext, OfferHistory, OfferInput, OfferPool, OfferSummary, PickedOffer,
};
use super::profile::{Affinities, Profile};
use super::ranking::{self, OrderRequest, RankRequest, Ranked, Ranker, Shopper};
use super::reports::{self, Ledger, Measures, ReportsConfig, ReportsInput};
use super::rules::Arrangement;
use super::storage::{FallbackStore, StorageMode, Store, StoreError};
use super::{Error, Millis};
use serde::{Deserialize, Serialize};

/// Options of `Tailor.open`, as the shop passes them (less the JS-only hooks).
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct ConfigInput {
    pub shop: Option<String>,
    pub policy_version: Option<String>,
    pub policy_note: Option<String>,
    pub sensitive: Option<SensitiveInput>,
    pub consent_expiry_days: Option<f64>,
    pub seed: Option<f64>,
    pub reports: Option<ReportsInput>,
}

impl ConfigInput {
    /// `clock` and `wasm` belong to the JS layer, which takes them out before they get here.
    pub const FIELDS: &'static [&'static str] = &[
        "shop",
        "policyVersion",
        "policyNote",
        "sensitive",
        "consentExpiryDays",
        "seed",
        "reports",
        "clock",
        "wasm",
    ];
}

#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SensitiveInput {
    pub categories: Vec<String>,
}

#[derive(Debug, Clone)]
pub struct Config {
    pub shop: String,
    pub policy_version: String,
    pub policy_note: Option<String>,
    pub sensitive_categories: Vec<String>,
    pub consent_expiry_days: u32,
    /// Seeds every random choice (offer ties): injectable for tests and replays.
    pub seed: Option<u64>,
    /// The reports the shop declared; `None`: Tailor sends nothing, ever.
    pub reports: Option<ReportsConfig>,
}

const MAX_POLICY_NOTE: usize = 500;

impl Config {
    pub fn new(input: ConfigInput) -> Result<Config, Error> {
        let shop = input.shop.ok_or_else(|| {
            Error::invalid(
                "shop",
                "missing; expected the shop's name, e.g. \"example-grocer\"",
            )
        })?;
        consent::validate_label("shop", &shop)?;
        let policy_version = input.policy_version.ok_or_else(|| {
            Error::invalid(
                "policyVersion",
                "missing; expected the version of the shop's privacy policy, e.g. \"2026-11\"",
            )
        })?;
        consent::validate_label("policyVersion", &policy_version)?;
        let policy_note = match input.policy_note.map(|n| n.trim().to_owned()) {
            Some(n) if n.chars().count() > MAX_POLICY_NOTE => {
                return Err(Error::invalid(
                    "policyNote",
                    "longer than 500 characters; say what changed in a sentence or two",
                ))
            }
            Some(n) if n.is_empty() => None,
            n => n,
        };
        let consent_expiry_days = match input.consent_expiry_days {
            None => consent::DEFAULT_EXPIRY_DAYS,
            Some(d) if d.is_finite() && (1.0..=395.0).contains(&d) && d.fract() == 0.0 => d as u32,
            Some(d) => {
                return Err(Error::invalid(
                    "consentExpiryDays",
                    format!(
                        "{} is not a whole number of days from 1 to 395",
                        number_text(d)
                    ),
                ))
            }
        };
        let mut sensitive_categories = Vec::new();
        for (k, c) in input
            .sensitive
            .map(|s| s.categories)
            .unwrap_or_default()
            .into_iter()
            .enumerate()
        {
            let path = super::catalogue::normalize_path(&c);
            if path.is_empty() {
                return Err(Error::invalid(
                    format!("sensitive.categories[{k}]"),
                    "empty; expected a category path such as \"pharmacy/pregnancy\"",
                ));
            }
            sensitive_categories.push(path);
        }
        let seed = match input.seed {
            None => None,
            Some(s)
                if s.is_finite()
                    && s >= 0.0
                    && s.fract() == 0.0
                    && s <= 9_007_199_254_740_991.0 =>
            {
                Some(s as u64)
            }
            Some(s) => {
                return Err(Error::invalid(
                    "seed",
                    format!(
                        "{} is not a whole number ≥ 0 (up to 2^53 − 1)",
                        number_text(s)
                    ),
                ))
            }
        };
        let reports = match input.reports {
            Some(r) => Some(ReportsConfig::new(r, &sensitive_categories)?),
            None => None,
        };
        Ok(Config {
            shop,
            policy_version,
            policy_note,
            sensitive_categories,
            consent_expiry_days,
            seed,
            reports,
        })
    }

    /// Every key Tailor writes starts with this: namespaced by shop, versioned.
    pub fn key_prefix(&self) -> String {
        format!("tailor.v1.{}.", self.shop)
    }
}

/// What `track` did with an event.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TrackOutcome {
    Recorded,
    /// The personalization purpose is not granted: nothing was recorded.
    NoConsent,
    /// The item is sensitive and the sensitive purpose is not granted.
    Sensitive,
    /// The item is under a topic the shopper removed.
    Blocked,
}

impl TrackOutcome {
    pub fn as_str(self) -> &'static str {
        match self {
            TrackOutcome::Recorded => "recorded",
            TrackOutcome::NoConsent => "no-consent",
            TrackOutcome::Sensitive => "sensitive",
            TrackOutcome::Blocked => "blocked",
        }
    }
}

#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Status {
    /// "local" (persisted) or "memory" (storage failed; lost when the page closes).
    pub storage: &'static str,
    pub consent: ConsentState,
    pub catalogue_items: usize,
    /// The last thing that went wrong, in words (never profile contents).
    pub last_error: Option<String>,
}

/// Why the widget should ask the shopper now.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Ask {
    FirstVisit,
    PolicyChanged,
    Expired,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct ConsentState {
    pub personalization: bool,
    pub analytics: bool,
    /// Counts only together with personalization.
    pub sensitive: bool,
    pub policy_version: String,
    /// When the shopper last chose anything under this policy (ms), if ever.
    pub updated_at: Option<Millis>,
    pub ask: Option<Ask>,
    pub policy_note: Option<String>,
    /// The browser sent Global Privacy Control.
    pub gpc: bool,
    pub sources: Sources,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Sources {
    pub personalization: Option<Source>,
    pub analytics: Option<Source>,
    pub sensitive: Option<Source>,
}

/// The profile in human terms, for the shopper.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Description {
    pub interests: Vec<Interest>,
    pub brands: Vec<Interest>,
    pub recent: Vec<DescribedItem>,
    pub purchased: Vec<DescribedItem>,
    pub dismissed: usize,
    pub blocked: Vec<String>,
    /// What was learned from sensitive items, kept apart; `None` when there is none.
    pub sensitive: Option<Box<Description>>,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Interest {
    pub key: String,
    pub label: String,
    /// Category level (1 = department); 0 for brands.
    pub depth: u8,
    /// 0–100, relative to the strongest of its kind and level.
    pub weight: u8,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct DescribedItem {
    pub id: String,
    /// The item's title when it is in the loaded catalogue.
    pub title: Option<String>,
    #[serde(rename = "type")]
    pub kind: &'static str,
    pub at: Millis,
    pub count: u32,
}

/// What `profile.remove` takes: exactly one of the three.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RemoveTarget {
    pub interest: Option<String>,
    pub brand: Option<String>,
    pub item: Option<String>,
}

const PROFILE: &str = "profile";
const SENSITIVE: &str = "sensitive";
const CONSENT: &str = "consent";
const OFFERS: &str = "offers";
/// This period's counts for the declared reports: kept only with the analytics purpose.
const MEASURES: &str = "measures";
/// The privacy budget spent this period (no personal data; see `reports::Ledger`).
const BUDGET: &str = "budget";

pub struct Engine<S: Store> {
    config: Config,
    store: FallbackStore<S>,
    consent: Consent,
    profile: Profile,
    /// Learned from sensitive items, with the sensitive purpose only.
    sensitive_profile: Profile,
    gpc: bool,
    /// The consent record as this engine last read or wrote it (see `sync`).
    consent_seen: Option<String>,
    /// Which offers this shopper saw and redeemed (cap, fatigue): kept only with personalization.
    offer_history: OfferHistory,
    /// The pool of the last `offers` call: tells whether a redeemed offer is sensitive.
    last_pool: Option<OfferPool>,
    catalogue: Option<Catalogue>,
    ranker: Ranker,
    last_error: Option<String>,
    measures: Measures,
    /// Reports made and not yet handed to the transport: dropped if analytics is withdrawn.
    pending: Vec<ldp::Report>,
    /// DAP kinds' values due and not yet sent: the page makes their reports (it does
    /// the I/O); dropped, like `pending`, if analytics is withdrawn.
    pending_dap: Vec<reports::DapDue>,
}

impl<S: Store> Engine<S> {
    /// Opens Tailor over `primary` (None if the browser refused storage outright).
    /// `gpc`: the browser sends Global Privacy Control. Never fails on bad stored state:
    /// it reads as "no consent" and says so in `status`.
    pub fn open(
        config: Config,
        primary: Option<S>,
        open_error: Option<StoreError>,
        gpc: bool,
        now: Millis,
    ) -> Engine<S> {
        let prefix = config.key_prefix();
        let mut e = Engine {
            store: FallbackStore::new(primary, &prefix, open_error),
            config,
            consent: Consent::default(),
            profile: Profile::default(),
            sensitive_profile: Profile::default(),
            offer_history: OfferHistory::default(),
            last_pool: None,
            consent_seen: None,
            gpc,
            catalogue: None,
            ranker: Ranker::default(),
            last_error: None,
            measures: Measures::default(),
            pending: Vec::new(),
            pending_dap: Vec::new(),
        };
        e.reload(now);
        e
    }

    pub fn key_prefix(&self) -> String {
        self.config.key_prefix()
    }

    pub fn shop(&self) -> &str {
        &self.config.shop
    }

    fn key(&self, name: &str) -> String {
        let mut k = self.config.key_prefix();
        k.push_str(name);
        k
    }

    /// Re-reads consent and profiles from storage: on open, and when another tab changed them.
    pub fn reload(&mut self, now: Millis) {
        // A fresh read: an old read error no longer describes what is stored.
        self.last_error = None;
        self.consent_seen = self.store.get(&self.key(CONSENT));
        self.consent = match self.consent_seen.clone() {
            None => Consent::default(),
            Some(text) => {
                Consent::decode(&text, &self.config.shop).unwrap_or_else(|err: ReadError| {
                    self.last_error = Some(err.message().to_owned());
                    Consent::default()
                })
            }
        };
        // Global Privacy Control: with no choice of the shopper's on analytics under this
        // policy, the browser's signal is recorded as a refusal (and logged as its source).
        let current = self.consent.policy_version == self.config.policy_version;
        if self.gpc && !(current && self.consent.choice(Purpose::Analytics).is_some()) {
            let refuse = ConsentChange {
                analytics: Some(false),
                ..Default::default()
            };
            self.consent.apply(
                &refuse,
                &self.config.policy_version,
                Source::BrowserSignal,
                now,
            );
            self.write_consent();
        }
        let personalizing = self.personalizing(now);
        let sensitive = self.sensitive_allowed(now);
        self.profile = self.load_profile(PROFILE, personalizing);
        self.sensitive_profile = self.load_profile(SENSITIVE, sensitive);
        self.offer_history = OfferHistory::default();
        let key = self.key(OFFERS);
        match self.store.get(&key) {
            Some(text) if personalizing => match OfferHistory::decode(&text) {
                Ok(h) => self.offer_history = h,
                Err(_) => {
                    self.store.remove(&key);
                    self.last_error = Some(
                        "the stored offer history is unreadable; starting a new one".to_owned(),
                    )
                }
            },
            Some(_) => self.store.remove(&key),
            None => {}
        }
        if !sensitive && self.offer_history.drop_sensitive() {
            self.persist_offers();
        }
        self.measures = Measures::default();
        let key = self.key(MEASURES);
        match self.store.get(&key) {
            Some(text) if self.measuring(now) => match Measures::decode(&text) {
                Some(m) => self.measures = m,
                None => {
                    self.store.remove(&key);
                    self.last_error = Some(
                        "the stored report counts are unreadable; starting new ones".to_owned(),
                    )
                }
            },
            Some(_) => self.store.remove(&key),
            None => {}
        }
        if !self.granted(Purpose::Analytics, now) {
            self.pending.clear();
            self.pending_dap.clear();
        }
    }

    /// The analytics purpose is granted and the shop declared reports: counting is on.
    fn measuring(&self, now: Millis) -> bool {
        self.config.reports.is_some() && self.granted(Purpose::Analytics, now)
    }

    fn persist_measures(&mut self) {
        let text = self.measures.encode();
        let key = self.key(MEASURES);
        self.store.set(&key, &text);
    }

    fn persist_offers(&mut self) {
        let text = self.offer_history.encode();
        let key = self.key(OFFERS);
        self.store.set(&key, &text);
    }

    /// Reads a stored profile if its purpose is granted; if not, a stored one must not
    /// outlive the consent (withdrawn elsewhere, expired, new policy, unreadable): erased.
    fn load_profile(&mut self, name: &str, allowed: bool) -> Profile {
        let key = self.key(name);
        let stored = self.store.get(&key);
        match stored {
            Some(text) if allowed => Profile::decode(&text).unwrap_or_else(|_| {
                // Unreadable is as good as gone: nothing of it can be used or shown.
                self.store.remove(&key);
                self.last_error =
                    Some("a stored profile is unreadable; starting a new one".to_owned());
                Profile::default()
            }),
            Some(_) => {
                self.store.remove(&key);
                Profile::default()
            }
            None => Profile::default(),
        }
    }

    pub fn personalizing(&self, now: Millis) -> bool {
        self.granted(Purpose::Personalization, now)
    }

    fn sensitive_allowed(&self, now: Millis) -> bool {
        self.personalizing(now) && self.granted(Purpose::Sensitive, now)
    }

    fn granted(&self, p: Purpose, now: Millis) -> bool {
        self.consent.granted(
            p,
            &self.config.policy_version,
            now,
            self.config.consent_expiry_days,
        )
    }

    pub fn consent_state(&self, now: Millis) -> ConsentState {
        let current = self.consent.policy_version == self.config.policy_version;
        let choice = |p: Purpose| {
            if current {
                self.consent.choice(p)
            } else {
                None
            }
        };
        // Only the shopper's own choice on personalization settles whether to ask: a
        // browser signal on analytics is not an answer to the question.
        let ask = match choice(Purpose::Personalization) {
            Some(_)
                if !self.personalizing(now)
                    && choice(Purpose::Personalization).is_some_and(|c| c.granted) =>
            {
                Some(Ask::Expired)
            }
            Some(_) => None,
            None if self.consent.log.iter().any(|e| {
                e.source != Source::BrowserSignal && e.policy_version != self.config.policy_version
            }) =>
            {
                Some(Ask::PolicyChanged)
            }
            None => Some(Ask::FirstVisit),
        };
        ConsentState {
            personalization: self.personalizing(now),
            analytics: self.granted(Purpose::Analytics, now),
            sensitive: self.sensitive_allowed(now),
            policy_version: self.config.policy_version.clone(),
            updated_at: Purpose::ALL
                .iter()
                .filter_map(|&p| choice(p))
                .map(|c| c.at)
                .max(),
            policy_note: if ask == Some(Ask::PolicyChanged) {
                self.config.policy_note.clone()
            } else {
                None
            },
            ask,
            gpc: self.gpc,
            sources: Sources {
                personalization: choice(Purpose::Personalization).map(|c| c.source),
                analytics: choice(Purpose::Analytics).map(|c| c.source),
                sensitive: choice(Purpose::Sensitive).map(|c| c.source),
            },
        }
    }

    pub fn consent_log(&self) -> &[LogEntry] {
        &self.consent.log
    }

    /// Grants or withdraws purposes. Withdrawing erases at once what the purpose kept:
    /// personalization both profiles, sensitive the sensitive one.
    pub fn set_consent(
        &mut self,
        change: &ConsentChange,
        source: Source,
        now: Millis,
    ) -> ConsentState {
        self.sync(now);
        let mut withdrawn = self
            .consent
            .apply(change, &self.config.policy_version, source, now);
        if withdrawn.contains(&Purpose::Personalization)
            && self
                .consent
                .choice(Purpose::Sensitive)
                .is_some_and(|c| c.granted)
        {
            // The sensitive purpose rides on personalization: granting that again later
            // must not quietly bring sensitive learning back. It is asked for anew.
            let off = ConsentChange {
                sensitive: Some(false),
                ..Default::default()
            };
            withdrawn.extend(
                self.consent
                    .apply(&off, &self.config.policy_version, source, now),
            );
        }
        // Erase first, then record the choice: the erasure frees space, and if the
        // record cannot be written the data is already gone.
        if withdrawn.contains(&Purpose::Personalization) {
            self.profile = Profile::default();
            self.store.remove(&self.key(PROFILE));
            self.offer_history = OfferHistory::default();
            self.store.remove(&self.key(OFFERS));
        } else if withdrawn.contains(&Purpose::Sensitive) && self.offer_history.drop_sensitive() {
            self.persist_offers();
        }
        if withdrawn.contains(&Purpose::Personalization) || withdrawn.contains(&Purpose::Sensitive)
        {
            self.sensitive_profile = Profile::default();
            self.store.remove(&self.key(SENSITIVE));
        }
        if withdrawn.contains(&Purpose::Analytics) {
            self.pending.clear();
            self.pending_dap.clear();
            self.measures = Measures::default();
            self.store.remove(&self.key(MEASURES));
        }
        self.write_consent();
        self.consent_state(now)
    }

    fn write_consent(&mut self) {
        let record = self.consent.encode(&self.config.shop);
        self.store.set(&self.key(CONSENT), &record);
        self.consent_seen = Some(record);
    }

    /// Another tab may have changed consent since this one last looked (its `storage`
    /// event can arrive after our next call): re-read before writing anything, so a
    /// stale tab never writes back what another tab's withdrawal erased.
    fn sync(&mut self, now: Millis) {
        if self.store.get(&self.key(CONSENT)) != self.consent_seen {
            self.reload(now);
        }
    }

    pub fn load_catalogue(&mut self, items: Vec<ItemInput>) -> LoadSummary {
        let (catalogue, summary) = Catalogue::ingest(items, &self.config.sensitive_categories);
        self.catalogue = Some(catalogue);
        summary
    }

    /// A builder for a catalogue of about `expected` items, with this shop's sensitive
    /// categories; [`Engine::use_catalogue`] puts what it built in place.
    pub fn catalogue_builder(&self, expected: usize) -> CatalogueBuilder {
        CatalogueBuilder::new(expected, &self.config.sensitive_categories)
    }

    pub fn use_catalogue(&mut self, built: CatalogueBuilder) -> LoadSummary {
        let (catalogue, summary) = built.finish();
        self.catalogue = Some(catalogue);
        summary
    }

    /// Is catalogue item `i` under a topic the shopper removed?
    fn blocked(&self, cat: &Catalogue, i: u32) -> bool {
        let path = cat.category_path(i);
        let brand = cat.brand_name(i);
        self.profile
            .blocked
            .iter()
            .any(|t| path.is_some_and(|p| path_is_under(p, t)) || brand == Some(t.as_str()))
    }

    /// Records an event, if the shopper allows it. Bad events are errors whether or not
    /// consent is given (so a shop finds its bugs before its shoppers opt in).
    pub fn track(&mut self, input: EventInput, now: Millis) -> Result<TrackOutcome, Error> {
        let event = input.validate(now)?;
        self.sync(now);
        let measuring = self.measuring(now);
        if !self.personalizing(now) && !measuring {
            return Ok(TrackOutcome::NoConsent);
        }
        let catalogue = self.catalogue.as_ref().ok_or(Error::NoCatalogue)?;
        let i = catalogue.lookup(&event.item).ok_or_else(|| {
            Error::invalid(
                "item",
                format!("\"{}\" is not in the loaded catalogue", event.item),
            )
        })?;
        // Counted for the shop's reports: never a sensitive item; a click counts as
        // personalized only if Tailor really ranked the slot.
        if measuring && !catalogue.sensitive[i as usize] {
            let purchase = (event.kind == EventKind::Purchase).then_some(event.quantity);
            let click = event.personalized && self.personalizing(now);
            self.measures.count_event(purchase, click, event.at, now);
            let (key, text) = (self.key(MEASURES), self.measures.encode());
            self.store.set(&key, &text);
        }
        if !self.personalizing(now) {
            return Ok(TrackOutcome::NoConsent);
        }
        if self.blocked(catalogue, i) {
            return Ok(TrackOutcome::Blocked);
        }
        if catalogue.sensitive[i as usize] {
            if !self.sensitive_allowed(now) {
                // Not even recorded.
                return Ok(TrackOutcome::Sensitive);
            }
            self.sensitive_profile.record(&event, catalogue, i);
            self.persist(SENSITIVE);
        } else {
            self.profile.record(&event, catalogue, i);
            self.persist(PROFILE);
        }
        Ok(TrackOutcome::Recorded)
    }

    fn persist(&mut self, name: &str) {
        let p = if name == SENSITIVE {
            &self.sensitive_profile
        } else {
            &self.profile
        };
        let text = p.encode();
        let key = self.key(name);
        self.store.set(&key, &text);
    }

    /// Ranks the candidates: the server's order without consent, personalized with it;
    /// then the shop's arrangement (rules, diversity; exploration only with a profile).
    pub fn rank(&mut self, req: &RankRequest, now: Millis) -> Result<Vec<Ranked>, Error> {
        let catalogue = self.catalogue.as_ref().ok_or(Error::NoCatalogue)?;
        let mut cands = ranking::candidates(catalogue, req.items.as_deref())?;
        let limit = ranking::limit(req.limit, cands.len())?;
        let arrange = Arrangement::new(
            catalogue,
            req.rules.as_deref().unwrap_or(&[]),
            req.diversity.as_ref(),
            req.explore,
        )?;
        let pins = arrange.split(catalogue, &mut cands);
        let personalizing = self.personalizing(now);
        let explore = personalizing && arrange.explore > 0.0;
        // Reordering and exploring look below the cut; the plain ranking only needs the top.
        let need = if arrange.reorders() || explore {
            cands.len()
        } else {
            limit.saturating_sub(pins.len())
        };
        let shopper = shopper(
            &self.profile,
            &self.sensitive_profile,
            self.sensitive_allowed(now),
        );
        let (mut ranked, mut pinned) = if personalizing {
            // Each rank call maps the whole profile onto the catalogue: only when there are pins.
            let pinned = if pins.is_empty() {
                Vec::new()
            } else {
                self.ranker
                    .rank(catalogue, &shopper, &pins, pins.len(), now)
            };
            (
                self.ranker.rank(catalogue, &shopper, &cands, need, now),
                pinned,
            )
        } else {
            (
                ranking::server_order(catalogue, cands, need),
                ranking::server_order(catalogue, pins.clone(), pins.len()),
            )
        };
        // Pins keep the order the rules gave them.
        super::sort::sort_by(&mut pinned, &|a, b| {
            let pos = |r: &Ranked| {
                catalogue
                    .lookup(&r.id)
                    .and_then(|i| pins.iter().position(|&p| p == i))
            };
            pos(a).cmp(&pos(b))
        });
        let rest = limit.saturating_sub(pinned.len());
        arrange.reorder(catalogue, &mut ranked, rest);
        if explore {
            let allow_sensitive = self.sensitive_allowed(now);
            let eligible = |r: &Ranked| {
                catalogue.lookup(&r.id).is_some_and(|i| {
                    (allow_sensitive || !catalogue.sensitive[i as usize])
                        && !self.blocked(catalogue, i)
                })
            };
            arrange.explore(&mut ranked, rest, self.seed(now), &eligible);
        }
        ranked.truncate(rest);
        pinned.append(&mut ranked);
        pinned.truncate(limit);
        Ok(pinned)
    }

    /// The ranking as (score, catalogue index), best first, without match, reasons or
    /// the shop's arrangement: `rankOrder`, and what the offline evaluation measures
    /// (the same scores and order as `rank`). The server's order without consent.
    pub fn rank_order(
        &mut self,
        req: &OrderRequest,
        now: Millis,
    ) -> Result<Vec<(f32, u32)>, Error> {
        let catalogue = self.catalogue.as_ref().ok_or(Error::NoCatalogue)?;
        let mut cands = ranking::candidates(catalogue, req.items.as_deref())?;
        let limit = ranking::limit(req.limit, cands.len())?;
        if !self.personalizing(now) {
            ranking::in_server_order(catalogue, &mut cands);
            cands.truncate(limit);
            let prior = ranking::WEIGHTS.prior;
            return Ok(cands
                .into_iter()
                .map(|i| (prior * catalogue.prior[i as usize], i))
                .collect());
        }
        let shopper = shopper(
            &self.profile,
            &self.sensitive_profile,
            self.sensitive_allowed(now),
        );
        Ok(self.ranker.order(catalogue, &shopper, &cands, limit, now))
    }

    /// Picks the best offers of `pool` for this shopper. Without the personalization
    /// purpose it reads no profile and records nothing (offers by value alone); with it,
    /// the picks count as shown (fatigue) in a history kept under its own key.
    pub fn offers(
        &mut self,
        pool: Vec<OfferInput>,
        ctx: &OfferContext,
        now: Millis,
    ) -> Result<(Vec<PickedOffer>, OfferSummary), Error> {
        let opts = ctx.validate()?;
        self.sync(now);
        let catalogue = self.catalogue.as_ref().ok_or(Error::NoCatalogue)?;
        let (pool, summary) = OfferPool::ingest(pool, catalogue, &self.config.sensitive_categories);
        let personalizing = self.personalizing(now);
        let seed = self.seed(now);
        let picks = if personalizing {
            let shopper = shopper(
                &self.profile,
                &self.sensitive_profile,
                self.sensitive_allowed(now),
            );
            pool.select(catalogue, &shopper, &self.offer_history, &opts, now, seed)
        } else {
            let nobody = Shopper {
                profiles: Vec::new(),
                allow_sensitive: false,
                blocked: &[],
            };
            pool.select(
                catalogue,
                &nobody,
                &OfferHistory::default(),
                &opts,
                now,
                seed,
            )
        };
        if personalizing && !picks.is_empty() {
            self.offer_history
                .shown(&pool, picks.iter().map(|p| p.id.as_str()), now);
            self.persist_offers();
        }
        self.last_pool = Some(pool);
        Ok((picks, summary))
    }

    /// Validates an offer pool against the loaded catalogue: what `offers` would skip, and why.
    pub fn check_offers(&self, pool: Vec<OfferInput>) -> Result<OfferSummary, Error> {
        let catalogue = self.catalogue.as_ref().ok_or(Error::NoCatalogue)?;
        Ok(OfferPool::ingest(pool, catalogue, &self.config.sensitive_categories).1)
    }

    /// Records that the shopper used offer `id` (it counts toward its cap and ends its
    /// fatigue). Nothing is recorded without consent, nor for a sensitive offer without
    /// the sensitive purpose; an offer of unknown sensitivity counts as sensitive.
    pub fn offer_redeemed(&mut self, id: &str, now: Millis) -> Result<bool, Error> {
        check_offer_id(id)?;
        self.sync(now);
        let offer = self.last_pool.as_ref().and_then(|p| p.get(id.trim()));
        if self.measuring(now) {
            // Only a known, non-sensitive offer of a group some report declares counts.
            let declared = |g: &str| {
                self.config.reports.as_ref().is_some_and(|r| {
                    r.kinds.iter().any(|k| {
                        matches!(&k.measure, reports::Measure::OfferGroup { groups } if groups.iter().any(|d| d == g))
                    })
                })
            };
            if let Some(group) = offer
                .filter(|o| !o.sensitive)
                .and_then(|o| o.group.clone())
                .filter(|g| declared(g))
            {
                self.measures.count_redemption(&group, now);
                self.persist_measures();
            }
        }
        if !self.personalizing(now) {
            return Ok(false);
        }
        let sensitive = self
            .last_pool
            .as_ref()
            .and_then(|p| p.get(id.trim()))
            .map(|o| o.sensitive)
            .or_else(|| self.offer_history.sensitive(id))
            .unwrap_or(true);
        if sensitive && !self.sensitive_allowed(now) {
            return Ok(false);
        }
        self.offer_history.redeemed(id, sensitive, now)?;
        self.persist_offers();
        Ok(true)
    }

    /// Offer ties are broken by this seed: the shop's `seed` option, else one that turns
    /// daily (stable within a visit, deterministic under an injected clock).
    fn seed(&self, now: Millis) -> u64 {
        self.config.seed.unwrap_or_else(|| {
            let day = now.div_euclid(86_400_000) as u64;
            let shop = self
                .config
                .shop
                .bytes()
                .fold(0xcbf2_9ce4_8422_2325u64, |h, b| {
                    (h ^ u64::from(b)).wrapping_mul(0x0100_0000_01b3)
                });
            day ^ shop
        })
    }

    /// Sets the ranking's signal weights (the offline evaluation switches signals off).
    pub fn set_weights(&mut self, weights: ranking::Weights) {
        self.ranker.weights = weights;
    }

    pub fn catalogue(&self) -> Option<&Catalogue> {
        self.catalogue.as_ref()
    }

    /// Removes an interest, brand or item from what Tailor knows; a removed interest or
    /// brand is blocked from being learned again. Returns whether anything changed.
    /// Without the personalization purpose there is nothing to remove (and nothing is stored).
    pub fn remove(&mut self, target: RemoveTarget, now: Millis) -> Result<bool, Error> {
        self.sync(now);
        let personalizing = self.personalizing(now);
        let cat = self.catalogue.as_ref();
        let mut changed = false;
        match (target.interest, target.brand, target.item) {
            (Some(path), None, None) => {
                let path = super::catalogue::normalize_path(&path);
                if path.is_empty() {
                    return Err(Error::invalid(
                        "interest",
                        "empty; expected a category path from profile.describe()",
                    ));
                }
                let under = |id: &str| {
                    cat.and_then(|c| c.lookup(id).and_then(|i| c.category_path(i)))
                        .is_some_and(|p| path_is_under(p, &path))
                };
                for p in [&mut self.profile, &mut self.sensitive_profile] {
                    changed |= p.remove_category(&path);
                    changed |= p.remove_items(under);
                }
                self.profile.block(&path);
            }
            (None, Some(brand), None) => {
                let brand = brand.trim().to_owned();
                if brand.is_empty() {
                    return Err(Error::invalid(
                        "brand",
                        "empty; expected a brand from profile.describe()",
                    ));
                }
                let of_brand = |id: &str| {
                    cat.and_then(|c| c.lookup(id).and_then(|i| c.brand_name(i)))
                        == Some(brand.as_str())
                };
                for p in [&mut self.profile, &mut self.sensitive_profile] {
                    changed |= p.brands.remove(&brand);
                    changed |= p.remove_items(of_brand);
                }
                self.profile.block(&brand);
            }
            (None, None, Some(item)) => {
                for p in [&mut self.profile, &mut self.sensitive_profile] {
                    changed |= p.remove_items(|id| id == item);
                }
            }
            _ => {
                return Err(Error::invalid(
                    "target",
                    "expected exactly one of { interest }, { brand } or { item }",
                ))
            }
        }
        if !personalizing {
            self.profile = Profile::default();
            return Ok(false);
        }
        self.persist_all();
        Ok(changed)
    }

    /// Lets Tailor learn a removed topic again.
    pub fn allow(&mut self, topic: &str, now: Millis) -> bool {
        self.sync(now);
        if !self.personalizing(now) {
            return false;
        }
        let before = self.profile.blocked.len();
        self.profile.blocked.retain(|t| t != topic.trim());
        let changed = before != self.profile.blocked.len();
        if changed {
            self.persist_all();
        }
        changed
    }

    /// Writes both profiles after a removal (called only under personalization; the
    /// sensitive part is non-empty only while its purpose is granted).
    fn persist_all(&mut self) {
        self.persist(PROFILE);
        if !self.sensitive_profile.is_empty() {
            self.persist(SENSITIVE);
        } else {
            self.store.remove(&self.key(SENSITIVE));
        }
    }

    pub fn describe(&self, now: Millis) -> Description {
        if !self.personalizing(now) {
            // Consent ran out during the visit: what is still in memory is not to be shown.
            return self.describe_part(&Profile::default(), now);
        }
        let mut d = self.describe_part(&self.profile, now);
        if !self.sensitive_profile.is_empty() {
            d.sensitive = Some(Box::new(self.describe_part(&self.sensitive_profile, now)));
        }
        d
    }

    fn describe_part(&self, p: &Profile, now: Millis) -> Description {
        let cat = self.catalogue.as_ref();
        let title = |id: &str| cat.and_then(|c| c.lookup(id).map(|i| c.title(i).to_string()));
        Description {
            interests: interests(&p.categories, now),
            brands: top(&p.brands, now, 8)
                .into_iter()
                .map(|(key, weight)| Interest {
                    label: key.to_owned(),
                    key: key.to_owned(),
                    depth: 0,
                    weight,
                })
                .collect(),
            recent: p
                .recent
                .iter()
                .map(|r| DescribedItem {
                    id: r.item.clone(),
                    title: title(&r.item),
                    kind: r.kind.name(),
                    at: r.at,
                    count: 1,
                })
                .collect(),
            purchased: p
                .purchased
                .iter()
                .map(|b| DescribedItem {
                    id: b.item.clone(),
                    title: title(&b.item),
                    kind: "purchase",
                    at: b.last_at,
                    count: b.count,
                })
                .collect(),
            dismissed: p.dismissed.len(),
            blocked: p.blocked.clone(),
            sensitive: None,
        }
    }

    /// Erases everything Tailor stored for this shop, consent record included, except
    /// the privacy-budget ledger: it holds no personal data (the week, the ε spent, the
    /// kinds reported), and erasing it would let a re-grant spend the week's budget twice.
    pub fn forget(&mut self) {
        let budget = self.key(BUDGET);
        for key in self.store.keys() {
            if key != budget {
                self.store.remove(&key);
            }
        }
        self.consent = Consent::default();
        self.profile = Profile::default();
        self.sensitive_profile = Profile::default();
        self.offer_history = OfferHistory::default();
        self.measures = Measures::default();
        self.pending.clear();
        self.pending_dap.clear();
    }

    /// Makes the reports that are due (see `reports`), if the analytics purpose is
    /// granted: they wait in `pending` until the transport takes them. The ledger is
    /// re-read from storage first (another tab may have spent budget) and written
    /// before any report is queued.
    pub fn prepare_reports(&mut self, now: Millis, rng: &mut impl Random) {
        self.sync(now);
        // Without persistent storage the spend would be forgotten with the page, and the
        // next page would spend the week's budget again: no reports at all then.
        if !self.measuring(now) || self.store.mode() != StorageMode::Persistent {
            return;
        }
        if self.measures.roll(now) {
            self.persist_measures();
        }
        let Some(config) = self.config.reports.as_ref() else {
            return;
        };
        let budget_key = self.key(BUDGET);
        let stored = self.store.get(&budget_key);
        let mut ledger = Ledger::read(stored.as_deref(), now);
        let profile = &self.profile;
        let personalizing = self.personalizing(now);
        let top = |buckets: &[String]| {
            personalizing
                .then(|| reports::strongest(&profile.categories, buckets, now))
                .flatten()
        };
        let made = reports::due(
            config,
            &self.config.shop,
            &mut ledger,
            &self.measures,
            &top,
            rng,
        );
        // Written whenever it changed (a spend, a new week, an unreadable one replaced by
        // "all spent"), and read back: a spend that cannot be recorded sends nothing.
        let encoded = ledger.encode();
        if stored.as_deref() != Some(encoded.as_str()) {
            self.store.set(&budget_key, &encoded);
            if self.store.mode() != StorageMode::Persistent
                || self.store.get(&budget_key).as_deref() != Some(encoded.as_str())
            {
                self.last_error =
                    Some("the privacy budget could not be stored; no report made".into());
                return;
            }
        }
        self.pending.extend(made.ldp);
        self.pending_dap.extend(made.dap);
    }

    /// Takes the DAP value of `kind` for sending, if it is still pending (the page made
    /// its report from `preview().dap`). False, and the report must not leave, when
    /// analytics was withdrawn meanwhile (here or in another tab) or it was sent already.
    pub fn take_dap(&mut self, kind: &str, now: Millis) -> bool {
        self.sync(now);
        if !self.measuring(now) {
            self.pending_dap.clear();
            return false;
        }
        match self.pending_dap.iter().position(|d| d.kind == kind) {
            Some(k) => {
                self.pending_dap.remove(k);
                true
            }
            None => false,
        }
    }

    /// Hands the pending reports to the transport (each one JSON line), emptying the
    /// queue. Consent is re-read first: a withdrawal in another tab drops them.
    pub fn take_reports(&mut self, now: Millis) -> Vec<String> {
        self.sync(now);
        if !self.measuring(now) {
            self.pending.clear();
        }
        self.pending.drain(..).map(|r| r.to_json()).collect()
    }

    /// What would be sent, byte for byte, and what the shop declared.
    pub fn preview(&mut self, now: Millis) -> ReportsPreview {
        self.sync(now);
        let stored = self.store.get(&self.key(BUDGET));
        let config = self.config.reports.as_ref();
        let ledger = config.map(|_| Ledger::read(stored.as_deref(), now));
        let lines: Vec<String> = if self.measuring(now) {
            self.pending.iter().map(ldp::Report::to_json).collect()
        } else {
            Vec::new()
        };
        // A loop, not `join`: the generic join is 1 KB of wasm for this one call.
        let mut body = String::new();
        for line in &lines {
            if !body.is_empty() {
                body.push('\n');
            }
            body.push_str(line);
        }
        let dap = match config {
            Some(c) if self.measuring(now) => self
                .pending_dap
                .iter()
                .filter_map(|d| {
                    let kind = c.kinds.iter().find(|k| k.name == d.kind)?;
                    Some(DapPending {
                        kind: d.kind.clone(),
                        measure: kind.measure.name(),
                        value: d.value,
                        label: kind.measure.labels().swap_remove(d.value as usize),
                        period: ldp::date(d.period),
                    })
                })
                .collect(),
            _ => Vec::new(),
        };
        ReportsPreview {
            endpoint: config.map(|c| c.endpoint.clone()).filter(|e| !e.is_empty()),
            dap,
            sending: self.measuring(now),
            body,
            reports: lines,
            kinds: config
                .map(|c| {
                    c.kinds
                        .iter()
                        .map(|k| KindSummary {
                            name: k.name.clone(),
                            measure: k.measure.name(),
                            epsilon: ldp::epsilon_text(k.epsilon),
                            mechanism: k.mechanism.name(),
                            transport: if k.dap { "dap" } else { "ldp" },
                            buckets: k.measure.labels(),
                            reported: ledger.as_ref().is_some_and(|l| l.kinds.contains(&k.name)),
                        })
                        .collect()
                })
                .unwrap_or_default(),
            budget: ledger.zip(config).map(|(l, c)| Budget {
                period: ldp::date(l.start),
                spent: ldp::epsilon_text(l.spent.min(c.per_period)),
                cap: ldp::epsilon_text(c.per_period),
            }),
        }
    }

    pub fn status(&self, now: Millis) -> Status {
        Status {
            storage: self.store.mode().as_str(),
            consent: self.consent_state(now),
            catalogue_items: self.catalogue.as_ref().map_or(0, Catalogue::len),
            last_error: self
                .store
                .failure
                .as_ref()
                .map(|f| {
                    format!(
                        "storage failed ({}); keeping state in memory for this page",
                        f.0
                    )
                })
                .or_else(|| self.last_error.clone()),
        }
    }

    /// Every stored key under this shop's prefix with its value: for export and tests.
    pub fn stored(&mut self) -> Vec<(String, String)> {
        let keys = self.store.keys();
        keys.into_iter()
            .filter_map(|k| self.store.get(&k).map(|v| (k, v)))
            .collect()
    }

    pub fn profile(&self) -> &Profile {
        &self.profile
    }

    pub fn sensitive_profile(&self) -> &Profile {
        &self.sensitive_profile
    }
}

/// What `reports.preview()` shows the shopper and the shop's developer.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ReportsPreview {
    pub endpoint: Option<String>,
    /// The analytics purpose is granted: pending reports will be sent.
    pub sending: bool,
    /// Exactly the bytes the next send carries: the pending reports, one JSON per line.
    pub body: String,
    pub reports: Vec<String>,
    /// DAP kinds' values due, for the page to report (and show) with the DAP module.
    pub dap: Vec<DapPending>,
    pub kinds: Vec<KindSummary>,
    pub budget: Option<Budget>,
}

/// A DAP kind's value due. The page adds the kind's task (validated by the DAP module,
/// which the main wasm does not contain) and, once made, the report.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct DapPending {
    pub kind: String,
    pub measure: &'static str,
    /// The bucket this shopper contributes, and its label.
    pub value: u32,
    pub label: String,
    /// First day of the period it describes, YYYY-MM-DD.
    pub period: String,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct KindSummary {
    pub name: String,
    pub measure: &'static str,
    /// ε as a decimal string (exact, as accounted).
    pub epsilon: String,
    pub mechanism: &'static str,
    /// "ldp" or "dap" (epsilon "0": not randomized on the device; the page adds the
    /// task's `minBatchSize`).
    pub transport: &'static str,
    pub buckets: Vec<String>,
    /// Already reported this period.
    pub reported: bool,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Budget {
    /// First day of the current period, YYYY-MM-DD.
    pub period: String,
    pub spent: String,
    pub cap: String,
}

/// The `n` strongest entries with weights 0–100 relative to the strongest.
fn top(set: &Affinities, now: Millis, n: usize) -> Vec<(&str, u8)> {
    let ranked = set.ranked(now);
    let max = ranked.first().map_or(0.0, |x| x.1);
    ranked
        .into_iter()
        .take(n)
        .map(|(k, w)| {
            (
                k,
                if max > 0.0 {
                    (100.0 * w / max).round() as u8
                } else {
                    0
                },
            )
        })
        .collect()
}

/// Category interests, most specific level first, each level weighed against its own
/// strongest (a department always outweighs its aisles, which says nothing).
fn interests(set: &Affinities, now: Millis) -> Vec<Interest> {
    let depth = |k: &str| (k.matches('/').count() + 1).min(255) as u8;
    let mut out = Vec::new();
    let mut levels: Vec<u8> = set.entries.iter().map(|e| depth(&e.key)).collect();
    super::sort::sort_by(&mut levels, &|a, b| b.cmp(a));
    levels.dedup();
    for level in levels {
        let mut at_level = Affinities::default();
        at_level.entries = set
            .entries
            .iter()
            .filter(|e| depth(&e.key) == level)
            .cloned()
            .collect();
        for (key, weight) in top(&at_level, now, 10) {
            let label = key.rsplit('/').next().unwrap_or(key).to_owned();
            out.push(Interest {
                key: key.to_owned(),
                label,
                depth: level,
                weight,
            });
        }
    }
    out
}

/// The profile parts ranking may use, and what is off limits: the sensitive part only
/// with its purpose.
fn shopper<'a>(profile: &'a Profile, sensitive: &'a Profile, allow_sensitive: bool) -> Shopper<'a> {
    let mut profiles = vec![profile];
    if allow_sensitive {
        profiles.push(sensitive);
    }
    Shopper {
        profiles,
        allow_sensitive,
        blocked: &profile.blocked,
    }
}

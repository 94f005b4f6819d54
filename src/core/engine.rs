//! The engine behind `Tailor`: ties consent, profile, catalogue and storage together
//! and enforces the promises of DESIGN.md at one place — nothing is recorded or stored
//! before consent, withdrawal erases at once, unreadable state means no consent.

use super::catalogue::{Catalogue, ItemInput, LoadSummary};
use super::consent::{self, Consent, ConsentChange, Purpose, ReadError, Source};
use super::event::EventInput;
use super::profile::Profile;
use super::ranking::{self, RankRequest, Ranked, Ranker};
use super::storage::{FallbackStore, Store, StoreError};
use super::{Error, Millis};
use serde::{Deserialize, Serialize};

/// Options of `Tailor.open`, as the shop passes them (less the JS-only hooks).
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct ConfigInput {
    pub shop: Option<String>,
    pub policy_version: Option<String>,
    pub sensitive: Option<SensitiveInput>,
    pub consent_expiry_days: Option<f64>,
}

impl ConfigInput {
    /// The option names, as JS spells them.
    /// `clock` and `wasm` belong to the JS layer, which takes them out before they get here.
    pub const FIELDS: &'static [&'static str] = &[
        "shop",
        "policyVersion",
        "sensitive",
        "consentExpiryDays",
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
    pub sensitive_categories: Vec<String>,
    pub consent_expiry_days: u32,
}

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
        let consent_expiry_days = match input.consent_expiry_days {
            None => consent::DEFAULT_EXPIRY_DAYS,
            Some(d) if d.is_finite() && (1.0..=395.0).contains(&d) && d.fract() == 0.0 => d as u32,
            Some(d) => {
                return Err(Error::invalid(
                    "consentExpiryDays",
                    format!("{d} is not a whole number of days from 1 to 395"),
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
        Ok(Config {
            shop,
            policy_version,
            sensitive_categories,
            consent_expiry_days,
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
}

impl TrackOutcome {
    pub fn as_str(self) -> &'static str {
        match self {
            TrackOutcome::Recorded => "recorded",
            TrackOutcome::NoConsent => "no-consent",
            TrackOutcome::Sensitive => "sensitive",
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

#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct ConsentState {
    pub personalization: bool,
    pub analytics: bool,
    pub policy_version: String,
    /// When the shopper last chose anything under this policy (ms), if ever.
    pub updated_at: Option<Millis>,
}

/// The profile in human terms, for the shopper.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Description {
    pub interests: Vec<Interest>,
    pub brands: Vec<Interest>,
    pub recent: Vec<DescribedItem>,
    pub purchased: Vec<DescribedItem>,
    pub dismissed: usize,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Interest {
    pub key: String,
    /// 0–100, relative to the strongest interest of its kind.
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

pub struct Engine<S: Store> {
    config: Config,
    store: FallbackStore<S>,
    consent: Consent,
    profile: Profile,
    catalogue: Option<Catalogue>,
    ranker: Ranker,
    last_error: Option<String>,
}

impl<S: Store> Engine<S> {
    /// Opens Tailor over `primary` (None if the browser refused storage outright).
    /// Never fails on bad stored state: it reads as "no consent" and says so in `status`.
    pub fn open(
        config: Config,
        primary: Option<S>,
        open_error: Option<StoreError>,
        now: Millis,
    ) -> Engine<S> {
        let prefix = config.key_prefix();
        let mut e = Engine {
            store: FallbackStore::new(primary, &prefix, open_error),
            config,
            consent: Consent::default(),
            profile: Profile::default(),
            catalogue: None,
            ranker: Ranker::default(),
            last_error: None,
        };
        e.reload(now);
        e
    }

    pub fn key_prefix(&self) -> String {
        self.config.key_prefix()
    }

    fn key(&self, name: &str) -> String {
        let mut k = self.config.key_prefix();
        k.push_str(name);
        k
    }

    /// Re-reads consent and profile from storage: on open, and when another tab changed them.
    pub fn reload(&mut self, now: Millis) {
        self.consent = match self.store.get(&self.key("consent")) {
            None => Consent::default(),
            Some(text) => {
                Consent::decode(&text, &self.config.shop).unwrap_or_else(|err: ReadError| {
                    self.last_error = Some(err.message().to_owned());
                    Consent::default()
                })
            }
        };
        self.profile = Profile::default();
        let profile_key = self.key("profile");
        if self.personalizing(now) {
            if let Some(text) = self.store.get(&profile_key) {
                match Profile::decode(&text) {
                    Ok(p) => self.profile = p,
                    Err(_) => {
                        self.last_error =
                            Some("the stored profile is unreadable; starting a new one".to_owned())
                    }
                }
            }
        } else if self.store.get(&profile_key).is_some() {
            // Consent no longer counts (withdrawn elsewhere, expired, new policy,
            // unreadable): a profile must not outlive it.
            self.store.remove(&profile_key);
        }
    }

    pub fn personalizing(&self, now: Millis) -> bool {
        self.granted(Purpose::Personalization, now)
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
        ConsentState {
            personalization: self.granted(Purpose::Personalization, now),
            analytics: self.granted(Purpose::Analytics, now),
            policy_version: self.config.policy_version.clone(),
            updated_at: if current {
                Purpose::ALL
                    .iter()
                    .filter_map(|&p| self.consent.choice(p))
                    .map(|c| c.at)
                    .max()
            } else {
                None
            },
        }
    }

    /// Grants or withdraws purposes. Withdrawing personalization erases the profile at once.
    pub fn set_consent(
        &mut self,
        change: &ConsentChange,
        source: Source,
        now: Millis,
    ) -> ConsentState {
        let withdrawn = self
            .consent
            .apply(change, &self.config.policy_version, source, now);
        let record = self.consent.encode(&self.config.shop);
        self.store.set(&self.key("consent"), &record);
        if withdrawn.contains(&Purpose::Personalization) {
            self.profile = Profile::default();
            self.store.remove(&self.key("profile"));
        }
        self.consent_state(now)
    }

    pub fn load_catalogue(&mut self, items: Vec<ItemInput>) -> LoadSummary {
        let (catalogue, summary) = Catalogue::ingest(items, &self.config.sensitive_categories);
        self.catalogue = Some(catalogue);
        summary
    }

    /// Records an event, if the shopper allows it. Bad events are errors whether or not
    /// consent is given (so a shop finds its bugs before its shoppers opt in).
    pub fn track(&mut self, input: EventInput, now: Millis) -> Result<TrackOutcome, Error> {
        let event = input.validate(now)?;
        if !self.personalizing(now) {
            return Ok(TrackOutcome::NoConsent);
        }
        let catalogue = self.catalogue.as_ref().ok_or(Error::NoCatalogue)?;
        let i = catalogue.lookup(&event.item).ok_or_else(|| {
            Error::invalid(
                "item",
                format!("\"{}\" is not in the loaded catalogue", event.item),
            )
        })?;
        if catalogue.sensitive[i as usize] {
            // Not even recorded: the sensitive purpose does not exist yet, so never granted.
            return Ok(TrackOutcome::Sensitive);
        }
        self.profile.record(&event, catalogue, i);
        self.persist_profile();
        Ok(TrackOutcome::Recorded)
    }

    fn persist_profile(&mut self) {
        let text = self.profile.encode();
        let key = self.key("profile");
        self.store.set(&key, &text);
    }

    /// Ranks the candidates: the server's order without consent, personalized with it.
    pub fn rank(&mut self, req: &RankRequest, now: Millis) -> Result<Vec<Ranked>, Error> {
        let catalogue = self.catalogue.as_ref().ok_or(Error::NoCatalogue)?;
        let cands = ranking::candidates(catalogue, req)?;
        let limit = ranking::limit(req, cands.len())?;
        if !self.personalizing(now) {
            return Ok(ranking::server_order(catalogue, cands, limit));
        }
        Ok(self
            .ranker
            .rank(catalogue, &self.profile, &cands, limit, now, false))
    }

    pub fn describe(&self, now: Millis) -> Description {
        let cat = self.catalogue.as_ref();
        let title = |id: &str| {
            cat.and_then(|c| c.lookup(id))
                .map(|i| cat.unwrap().titles[i as usize].to_string())
        };
        let top = |set: &super::profile::Affinities, n: usize| -> Vec<Interest> {
            let ranked = set.ranked(now);
            let max = ranked.first().map_or(0.0, |x| x.1);
            ranked
                .into_iter()
                .take(n)
                .map(|(k, w)| Interest {
                    key: k.to_owned(),
                    weight: if max > 0.0 {
                        (100.0 * w / max).round() as u8
                    } else {
                        0
                    },
                })
                .collect()
        };
        let p = &self.profile;
        Description {
            interests: top(&p.categories, 10),
            brands: top(&p.brands, 5),
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
        }
    }

    /// Erases everything Tailor stored for this shop, consent record included.
    pub fn forget(&mut self) {
        for key in self.store.keys() {
            self.store.remove(&key);
        }
        self.consent = Consent::default();
        self.profile = Profile::default();
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
}

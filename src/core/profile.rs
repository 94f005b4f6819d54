//! What Tailor knows about the shopper: bounded, time-decayed affinities and short item
//! lists. Every collection has a hard cap, so the profile stays a few KB whatever the
//! length of the history; the encoding is versioned so old profiles can be migrated.

use super::catalogue::{Catalogue, NO_BAND};
use super::codec::{base64_decode, base64_encode, DecodeError, Reader, Writer};
use super::event::{Event, EventKind};
use super::Millis;

const DAY_MS: f64 = 86_400_000.0;
/// Long-term interests halve every three weeks without new evidence.
pub const HALF_LIFE_DAYS: f64 = 21.0;

pub const CAP_CATEGORIES: usize = 96;
pub const CAP_BRANDS: usize = 32;
pub const CAP_ATTRIBUTES: usize = 48;
pub const CAP_PRICE_BANDS: usize = 16;
pub const CAP_RECENT: usize = 30;
pub const CAP_PURCHASED: usize = 64;
pub const CAP_DISMISSED: usize = 32;
pub const CAP_BLOCKED: usize = 32;

/// How much one event of each kind says about interest.
pub fn event_weight(kind: EventKind) -> f32 {
    match kind {
        EventKind::View => 1.0,
        EventKind::Search => 1.5,
        EventKind::Cart => 3.0,
        EventKind::Purchase => 4.0,
        EventKind::Dismiss => 0.0,
    }
}

/// `weight` as of `at`, decayed on read: no timer, no rewrite of the whole profile.
#[derive(Debug, Clone, PartialEq)]
pub struct Affinity {
    pub key: String,
    pub weight: f32,
    pub at: Millis,
}

pub fn decay(weight: f32, at: Millis, now: Millis) -> f32 {
    let days = ((now - at).max(0) as f64) / DAY_MS;
    (f64::from(weight) * (-days / HALF_LIFE_DAYS).exp2()) as f32
}

/// A capped set of keyed, decaying weights. When full, the weakest entry makes room.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Affinities {
    pub entries: Vec<Affinity>,
}

impl Affinities {
    pub fn add(&mut self, key: &str, delta: f32, now: Millis, cap: usize) {
        if let Some(e) = self.entries.iter_mut().find(|e| e.key == key) {
            e.weight = decay(e.weight, e.at, now) + delta;
            e.at = now.max(e.at);
            return;
        }
        if self.entries.len() >= cap {
            let weakest = self
                .entries
                .iter()
                .enumerate()
                .min_by(|a, b| {
                    decay(a.1.weight, a.1.at, now).total_cmp(&decay(b.1.weight, b.1.at, now))
                })
                .map(|(i, _)| i);
            match weakest {
                Some(i) if decay(self.entries[i].weight, self.entries[i].at, now) <= delta => {
                    self.entries.swap_remove(i);
                }
                _ => return,
            }
        }
        self.entries.push(Affinity {
            key: key.to_owned(),
            weight: delta,
            at: now,
        });
    }

    pub fn get(&self, key: &str, now: Millis) -> f32 {
        self.entries
            .iter()
            .find(|e| e.key == key)
            .map_or(0.0, |e| decay(e.weight, e.at, now))
    }

    pub fn remove(&mut self, key: &str) -> bool {
        let before = self.entries.len();
        self.entries.retain(|e| e.key != key);
        before != self.entries.len()
    }

    /// (key, decayed weight), strongest first.
    pub fn ranked(&self, now: Millis) -> Vec<(&str, f32)> {
        let mut v: Vec<(&str, f32)> = self
            .entries
            .iter()
            .map(|e| (e.key.as_str(), decay(e.weight, e.at, now)))
            .collect();
        super::sort::sort_by(&mut v, &|a, b| b.1.total_cmp(&a.1).then(a.0.cmp(b.0)));
        v
    }
}

#[derive(Debug, Clone, PartialEq)]
pub struct Recent {
    pub item: String,
    pub kind: EventKind,
    pub at: Millis,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Purchased {
    pub item: String,
    pub count: u32,
    pub last_at: Millis,
}

#[derive(Debug, Clone, PartialEq, Default)]
pub struct Profile {
    pub categories: Affinities,
    pub brands: Affinities,
    /// `key=value` attributes and `tag=…` tags.
    pub attributes: Affinities,
    /// Keyed by the decimal price band relative to the category (see
    /// [`super::catalogue::relative_price_bands`]).
    pub price_bands: Affinities,
    /// Newest first (at most 30: a `Vec`, whose insert at the front costs nothing here;
    /// a `VecDeque` compiled a second set of retain/compare/grow code into the wasm).
    pub recent: Vec<Recent>,
    pub purchased: Vec<Purchased>,
    pub dismissed: Vec<(String, Millis)>,
    /// Topics (category paths or brands) the shopper removed: never learned again until allowed.
    pub blocked: Vec<String>,
}

const MAGIC: &[u8; 2] = b"TP";
/// 1: the first encoding. 2: adds `blocked`; version 1 profiles read with none blocked.
const VERSION: u8 = 2;

impl Profile {
    pub fn is_empty(&self) -> bool {
        *self == Profile::default()
    }

    /// Folds one validated event on catalogue item `i` into the profile.
    pub fn record(&mut self, event: &Event, catalogue: &Catalogue, i: u32) {
        let now = event.at;
        if event.kind == EventKind::Dismiss {
            self.dismissed.retain(|(id, _)| *id != event.item);
            if self.dismissed.len() >= CAP_DISMISSED {
                self.dismissed.remove(0);
            }
            self.dismissed.push((event.item.clone(), now));
            return;
        }
        // Quantity strengthens a purchase, with diminishing returns (a 12-pack is not 12 purchases).
        let w = event_weight(event.kind) * (1.0 + (event.quantity as f32).ln());
        for node in catalogue.category_chain(i) {
            let c = &catalogue.categories[node as usize];
            self.categories.add(&c.path, w, now, CAP_CATEGORIES);
        }
        if let Some(b) = catalogue.brand_name(i) {
            self.brands.add(b, w, now, CAP_BRANDS);
        }
        for &a in catalogue.attributes_of(i) {
            self.attributes
                .add(&catalogue.attributes[a as usize], w, now, CAP_ATTRIBUTES);
        }
        let band = catalogue.price_band[i as usize];
        if band != NO_BAND {
            self.price_bands
                .add(&band.to_string(), w, now, CAP_PRICE_BANDS);
        }
        self.recent.retain(|r| r.item != event.item);
        self.recent.insert(
            0,
            Recent {
                item: event.item.clone(),
                kind: event.kind,
                at: now,
            },
        );
        self.recent.truncate(CAP_RECENT);
        if event.kind == EventKind::Purchase {
            match self.purchased.iter_mut().find(|p| p.item == event.item) {
                Some(p) => {
                    p.count = p.count.saturating_add(1);
                    p.last_at = p.last_at.max(now);
                }
                None => {
                    if self.purchased.len() >= CAP_PURCHASED {
                        if let Some(oldest) = self
                            .purchased
                            .iter()
                            .enumerate()
                            .min_by_key(|(_, p)| p.last_at)
                            .map(|(i, _)| i)
                        {
                            self.purchased.swap_remove(oldest);
                        }
                    }
                    self.purchased.push(Purchased {
                        item: event.item.clone(),
                        count: 1,
                        last_at: now,
                    });
                }
            }
        }
    }

    /// Removes every trace of items for which `matches` holds from the item lists.
    pub fn remove_items(&mut self, mut matches: impl FnMut(&str) -> bool) -> bool {
        let before = self.recent.len() + self.purchased.len() + self.dismissed.len();
        self.recent.retain(|r| !matches(&r.item));
        self.purchased.retain(|p| !matches(&p.item));
        self.dismissed.retain(|(id, _)| !matches(id));
        before != self.recent.len() + self.purchased.len() + self.dismissed.len()
    }

    /// Removes the category `path` and everything under it; true if anything went.
    pub fn remove_category(&mut self, path: &str) -> bool {
        let before = self.categories.entries.len();
        self.categories
            .entries
            .retain(|e| !super::catalogue::path_is_under(&e.key, path));
        before != self.categories.entries.len()
    }

    pub fn block(&mut self, topic: &str) {
        if !self.blocked.iter().any(|t| t == topic) {
            if self.blocked.len() >= CAP_BLOCKED {
                self.blocked.remove(0);
            }
            self.blocked.push(topic.to_owned());
        }
    }

    pub fn encode(&self) -> String {
        let mut w = Writer::new();
        w.bytes(MAGIC);
        w.u8(VERSION);
        for set in [
            &self.categories,
            &self.brands,
            &self.attributes,
            &self.price_bands,
        ] {
            w.varint(set.entries.len() as u64);
            for e in &set.entries {
                w.str(&e.key);
                w.f32(e.weight);
                w.varint(e.at as u64);
            }
        }
        w.varint(self.recent.len() as u64);
        for r in &self.recent {
            w.str(&r.item);
            w.u8(r.kind.code());
            w.varint(r.at as u64);
        }
        w.varint(self.purchased.len() as u64);
        for p in &self.purchased {
            w.str(&p.item);
            w.varint(u64::from(p.count));
            w.varint(p.last_at as u64);
        }
        w.varint(self.dismissed.len() as u64);
        for (item, at) in &self.dismissed {
            w.str(item);
            w.varint(*at as u64);
        }
        w.varint(self.blocked.len() as u64);
        for topic in &self.blocked {
            w.str(topic);
        }
        base64_encode(&w.finish())
    }

    /// Reads a stored profile. Anything malformed, truncated, over a cap or from an
    /// unknown version is an error: the caller starts empty rather than guess.
    pub fn decode(text: &str) -> Result<Profile, DecodeError> {
        let bytes = base64_decode(text)?;
        let mut r = Reader::new(&bytes);
        if r.bytes(2)? != MAGIC {
            return Err(DecodeError);
        }
        let version = r.u8()?;
        if !(1..=VERSION).contains(&version) {
            return Err(DecodeError);
        }
        let mut p = Profile::default();
        let time = |r: &mut Reader| -> Result<Millis, DecodeError> {
            let t = r.varint()?;
            Millis::try_from(t).map_err(|_| DecodeError)
        };
        for (set, cap) in [
            (&mut p.categories, CAP_CATEGORIES),
            (&mut p.brands, CAP_BRANDS),
            (&mut p.attributes, CAP_ATTRIBUTES),
            (&mut p.price_bands, CAP_PRICE_BANDS),
        ] {
            for _ in 0..r.count(cap)? {
                let key = r.str()?;
                let weight = r.f32()?;
                if weight < 0.0 {
                    return Err(DecodeError);
                }
                set.entries.push(Affinity {
                    key,
                    weight,
                    at: time(&mut r)?,
                });
            }
        }
        for _ in 0..r.count(CAP_RECENT)? {
            let item = r.str()?;
            let kind = EventKind::from_code(r.u8()?).ok_or(DecodeError)?;
            p.recent.push(Recent {
                item,
                kind,
                at: time(&mut r)?,
            });
        }
        for _ in 0..r.count(CAP_PURCHASED)? {
            let item = r.str()?;
            let count = u32::try_from(r.varint()?).map_err(|_| DecodeError)?;
            p.purchased.push(Purchased {
                item,
                count,
                last_at: time(&mut r)?,
            });
        }
        for _ in 0..r.count(CAP_DISMISSED)? {
            let item = r.str()?;
            p.dismissed.push((item, time(&mut r)?));
        }
        if version >= 2 {
            for _ in 0..r.count(CAP_BLOCKED)? {
                p.blocked.push(r.str()?);
            }
        }
        if !r.at_end() {
            return Err(DecodeError);
        }
        Ok(p)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::core::catalogue::{Catalogue, ItemInput};

    fn catalogue() -> Catalogue {
        let items = (0..200)
            .map(|i| ItemInput {
                id: Some(format!("sku-{i}")),
                category: Some(format!("dept-{}/cat-{}/type-{i}", i % 7, i % 31)),
                brand: Some(format!("brand-{}", i % 53)),
                price: Some(1.0 + i as f64),
                attributes: Some([("size".to_string(), format!("s{}", i % 60))].into()),
                ..Default::default()
            })
            .collect();
        Catalogue::ingest(items, &[]).0
    }

    fn event(kind: EventKind, item: &str, at: Millis) -> Event {
        Event {
            kind,
            item: item.into(),
            at,
            quantity: 1,
            personalized: false,
        }
    }

    #[test]
    fn decay_halves_each_half_life() {
        let day = DAY_MS as Millis;
        assert_eq!(decay(8.0, 0, 0), 8.0);
        assert!((decay(8.0, 0, 21 * day) - 4.0).abs() < 1e-4);
        assert!((decay(8.0, 0, 42 * day) - 2.0).abs() < 1e-4);
        // A clock that goes backwards never inflates a weight.
        assert_eq!(decay(8.0, 10 * day, 0), 8.0);
    }

    #[test]
    fn record_updates_every_level() {
        let c = catalogue();
        let mut p = Profile::default();
        let i = c.lookup("sku-8").unwrap();
        p.record(&event(EventKind::View, "sku-8", 1000), &c, i);
        p.record(&event(EventKind::Purchase, "sku-8", 2000), &c, i);
        assert_eq!(p.categories.entries.len(), 3);
        assert!((p.categories.get("dept-1", 2000) - 5.0).abs() < 1e-3);
        assert!(p.brands.get("brand-8", 2000) > 4.9);
        assert!(p.attributes.get("size=s8", 2000) > 4.9);
        assert_eq!(p.recent.len(), 1);
        assert_eq!(p.recent[0].kind, EventKind::Purchase);
        assert_eq!(p.purchased[0].count, 1);
        p.record(
            &event(EventKind::Dismiss, "sku-9", 3000),
            &c,
            c.lookup("sku-9").unwrap(),
        );
        assert_eq!(p.dismissed, vec![("sku-9".to_string(), 3000)]);
    }

    #[test]
    fn stays_bounded_and_round_trips_after_a_long_history() {
        let c = catalogue();
        let mut p = Profile::default();
        let mut t = 0;
        for n in 0..20_000u32 {
            let id = format!("sku-{}", (n / 5) % 200);
            let kind = EventKind::ALL[(n % 5) as usize];
            t += 60_000;
            p.record(&event(kind, &id, t), &c, c.lookup(&id).unwrap());
        }
        assert!(p.categories.entries.len() <= CAP_CATEGORIES);
        assert!(p.brands.entries.len() <= CAP_BRANDS);
        assert!(p.attributes.entries.len() <= CAP_ATTRIBUTES);
        assert!(p.price_bands.entries.len() <= CAP_PRICE_BANDS);
        assert_eq!(p.recent.len(), CAP_RECENT);
        assert_eq!(p.purchased.len(), CAP_PURCHASED);
        assert_eq!(p.dismissed.len(), CAP_DISMISSED);
        let text = p.encode();
        assert!(text.len() < 16 * 1024, "profile is {} bytes", text.len());
        assert_eq!(Profile::decode(&text).unwrap(), p);
    }

    #[test]
    fn corrupt_or_foreign_blobs_are_rejected() {
        let c = catalogue();
        let mut p = Profile::default();
        p.record(&event(EventKind::View, "sku-1", 5), &c, 1);
        let good = p.encode();
        assert!(Profile::decode(&good).is_ok());
        assert!(Profile::decode("").is_err());
        assert!(Profile::decode("not base64!").is_err());
        assert!(Profile::decode(&good[..good.len() - 4]).is_err());
        let mut bytes = base64_decode(&good).unwrap();
        bytes[2] = 99; // unknown version
        assert!(Profile::decode(&base64_encode(&bytes)).is_err());
        let mut bytes = base64_decode(&good).unwrap();
        bytes.push(0); // trailing garbage
        assert!(Profile::decode(&base64_encode(&bytes)).is_err());
    }

    /// A version-1 profile, as the first release stored it (made with that release's
    /// encoder): dairy and dairy/cheese at 2.0, brand Acme and price band 22 at 1.0, all at
    /// t=1000; sku-1 bought twice; sku-9 dismissed at 900.
    const V1: &str = "VFABAgVkYWlyeQAAAEDoBwxkYWlyeS9jaGVlc2UAAABA6AcBBEFjbWUAAIA/6AcAAQIyMgAAgD/oBwEFc2t1LTED6AcBBXNrdS0xAugHAQVza3UtOYQH";

    #[test]
    fn version_1_profiles_migrate() {
        let p = Profile::decode(V1).unwrap();
        assert_eq!(p.categories.get("dairy/cheese", 1000), 2.0);
        assert_eq!(p.brands.get("Acme", 1000), 1.0);
        assert_eq!(p.purchased[0].count, 2);
        assert_eq!(p.dismissed, vec![("sku-9".to_string(), 900)]);
        assert!(p.blocked.is_empty());
        // Written back in the current version, it reads the same.
        let again = Profile::decode(&p.encode()).unwrap();
        assert_eq!(again, p);
        assert_eq!(base64_decode(&p.encode()).unwrap()[2], VERSION);
    }

    #[test]
    fn removal_and_blocking() {
        let c = catalogue();
        let mut p = Profile::default();
        for id in ["sku-1", "sku-8", "sku-2"] {
            p.record(
                &event(EventKind::Purchase, id, 5),
                &c,
                c.lookup(id).unwrap(),
            );
        }
        assert!(p.remove_category("dept-1"));
        assert!(p
            .categories
            .entries
            .iter()
            .all(|e| !e.key.starts_with("dept-1")));
        assert!(p.categories.entries.iter().any(|e| e.key == "dept-2"));
        assert!(p.remove_items(|id| id == "sku-8"));
        assert!(!p.remove_items(|id| id == "sku-8"));
        assert_eq!(p.recent.len(), 2);
        for n in 0..40 {
            p.block(&format!("t{n}"));
        }
        p.block("t39");
        assert_eq!(p.blocked.len(), CAP_BLOCKED);
        assert_eq!(p.blocked.last().map(String::as_str), Some("t39"));
        assert_eq!(Profile::decode(&p.encode()).unwrap(), p);
    }

    #[test]
    fn weakest_affinity_makes_room_but_not_for_a_weaker_newcomer() {
        let mut a = Affinities::default();
        a.add("strong", 10.0, 0, 2);
        a.add("weak", 1.0, 0, 2);
        a.add("new", 2.0, 0, 2);
        assert_eq!(a.get("weak", 0), 0.0);
        assert_eq!(a.get("new", 0), 2.0);
        a.add("tiny", 0.5, 0, 2);
        assert_eq!(a.get("tiny", 0), 0.0);
        assert!(a.remove("strong"));
        assert_eq!(a.ranked(0), vec![("new", 2.0)]);
    }
}

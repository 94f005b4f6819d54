//! How the shop arranges a ranked list: its own rules (pin, boost, bury, filter),
//! diversity (no wall of one brand or category at the top) and exploration (a seeded
//! share of the top slots for items outside what Tailor knows of the shopper).
//!
//! Rules and diversity are the shop's, not the shopper's: they apply with or without
//! consent. Exploration only means something with a profile, so it needs one.

use super::catalogue::{normalize_path, path_is_under, Catalogue, NONE};
use super::number::number_text;
use super::ranking::Ranked;
use super::Error;
use serde::Deserialize;

/// One merchant rule: what it does, and to which items (any of the listed ones).
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct RuleInput {
    /// "pin" (first, in the order given), "boost", "bury" or "filter" (left out).
    pub action: Option<String>,
    pub items: Option<Vec<String>>,
    pub categories: Option<Vec<String>>,
    pub brands: Option<Vec<String>>,
    /// For boost and bury: how much score to add or take (default 1, about a strong
    /// personal signal; the server's prior is 0..1.25).
    pub by: Option<f64>,
}

#[derive(Debug, Clone, Default, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct DiversityInput {
    /// At most this many items of one brand in the first `window` results.
    pub max_per_brand: Option<f64>,
    /// At most this many items of one (deepest) category in the first `window` results.
    pub max_per_category: Option<f64>,
    /// How many of the first results the caps apply to (default: the request's limit).
    pub window: Option<f64>,
}

#[derive(Debug, Clone, Copy, PartialEq)]
enum Action {
    Pin,
    Adjust(f32),
    Filter,
}

#[derive(Debug)]
struct Rule {
    action: Action,
    items: Vec<u32>,
    categories: Vec<String>,
    brands: Vec<u32>,
}

impl Rule {
    fn matches(&self, cat: &Catalogue, i: u32) -> bool {
        self.items.contains(&i)
            || (cat.brand[i as usize] != NONE && self.brands.contains(&cat.brand[i as usize]))
            || cat
                .category_path(i)
                .is_some_and(|p| self.categories.iter().any(|c| path_is_under(p, c)))
    }
}

/// The validated arrangement of one `rank` call.
#[derive(Debug, Default)]
pub struct Arrangement {
    rules: Vec<Rule>,
    max_per_brand: Option<usize>,
    max_per_category: Option<usize>,
    window: Option<usize>,
    /// Share of the top slots given to exploration, 0..=0.3.
    pub explore: f32,
}

fn whole(field: &str, v: f64, min: f64, max: f64) -> Result<usize, Error> {
    if v.is_finite() && v.fract() == 0.0 && (min..=max).contains(&v) {
        Ok(v as usize)
    } else {
        Err(Error::invalid(
            field,
            format!(
                "{} is not a whole number from {} to {}",
                number_text(v),
                number_text(min),
                number_text(max)
            ),
        ))
    }
}

impl Arrangement {
    pub fn new(
        cat: &Catalogue,
        rules: &[RuleInput],
        diversity: Option<&DiversityInput>,
        explore: Option<f64>,
    ) -> Result<Arrangement, Error> {
        let mut out = Arrangement::default();
        for (k, r) in rules.iter().enumerate() {
            let field = |f: &str| format!("rules[{k}].{f}");
            let action = match r.action.as_deref() {
                Some("pin") => Action::Pin,
                Some("filter") => Action::Filter,
                Some(a @ ("boost" | "bury")) => {
                    let by = r.by.unwrap_or(1.0);
                    if !(by.is_finite() && by > 0.0 && by <= 100.0) {
                        return Err(Error::invalid(
                            field("by"),
                            format!(
                                "{} is not a number above 0 and at most 100",
                                number_text(by)
                            ),
                        ));
                    }
                    Action::Adjust(if a == "boost" { by as f32 } else { -by as f32 })
                }
                Some(a) => {
                    return Err(Error::invalid(
                        field("action"),
                        format!("\"{a}\" is not one of pin, boost, bury, filter"),
                    ))
                }
                None => {
                    return Err(Error::invalid(
                        field("action"),
                        "missing; expected one of pin, boost, bury, filter",
                    ))
                }
            };
            if r.by.is_some() && !matches!(action, Action::Adjust(_)) {
                return Err(Error::invalid(
                    field("by"),
                    "only boost and bury take an amount",
                ));
            }
            let mut rule = Rule {
                action,
                items: Vec::new(),
                categories: Vec::new(),
                brands: Vec::new(),
            };
            // Ids and brands not on this page are fine (the rule may be shop-wide): skipped.
            for id in r.items.iter().flatten() {
                rule.items.extend(cat.lookup(id));
            }
            for b in r.brands.iter().flatten() {
                rule.brands.extend(cat.brand_id(b.trim()));
            }
            for c in r.categories.iter().flatten() {
                let path = normalize_path(c);
                if path.is_empty() {
                    return Err(Error::invalid(
                        field("categories"),
                        "holds an empty category path",
                    ));
                }
                rule.categories.push(path);
            }
            if action == Action::Pin && (!rule.categories.is_empty() || !rule.brands.is_empty()) {
                return Err(Error::invalid(
                    field("action"),
                    "pin takes items only (a position is for one item)",
                ));
            }
            if r.items.is_none() && r.categories.is_none() && r.brands.is_none() {
                return Err(Error::invalid(
                    format!("rules[{k}]"),
                    "names no items, categories or brands",
                ));
            }
            out.rules.push(rule);
        }
        if let Some(d) = diversity {
            out.max_per_brand = d
                .max_per_brand
                .map(|v| whole("diversity.maxPerBrand", v, 1.0, 1000.0))
                .transpose()?;
            out.max_per_category = d
                .max_per_category
                .map(|v| whole("diversity.maxPerCategory", v, 1.0, 1000.0))
                .transpose()?;
            out.window = d
                .window
                .map(|v| whole("diversity.window", v, 1.0, 10_000.0))
                .transpose()?;
        }
        if let Some(e) = explore {
            if !(e.is_finite() && (0.0..=0.3).contains(&e)) {
                return Err(Error::invalid(
                    "explore",
                    format!("{} is not a share from 0 to 0.3", number_text(e)),
                ));
            }
            out.explore = e as f32;
        }
        Ok(out)
    }

    /// Does anything reorder beyond the plain ranking (so it needs the whole list)?
    pub fn reorders(&self) -> bool {
        self.rules
            .iter()
            .any(|r| matches!(r.action, Action::Adjust(_)))
            || self.max_per_brand.is_some()
            || self.max_per_category.is_some()
    }

    /// Leaves out filtered items and takes the pinned ones out of `cands`, returning
    /// them in the order the rules pin them.
    pub fn split(&self, cat: &Catalogue, cands: &mut Vec<u32>) -> Vec<u32> {
        cands.retain(|&i| {
            !self
                .rules
                .iter()
                .any(|r| r.action == Action::Filter && r.matches(cat, i))
        });
        let mut pins = Vec::new();
        for r in self.rules.iter().filter(|r| r.action == Action::Pin) {
            for &i in &r.items {
                if let Some(pos) = cands.iter().position(|&c| c == i) {
                    cands.remove(pos);
                    pins.push(i);
                }
            }
        }
        pins
    }

    /// Applies boost and bury, then the diversity caps, to a whole ranked list.
    pub fn reorder(&self, cat: &Catalogue, ranked: &mut Vec<Ranked>, limit: usize) {
        let index = |r: &Ranked| cat.lookup(&r.id).unwrap_or(0);
        if self
            .rules
            .iter()
            .any(|r| matches!(r.action, Action::Adjust(_)))
        {
            for r in ranked.iter_mut() {
                let i = index(r);
                for rule in &self.rules {
                    if let Action::Adjust(by) = rule.action {
                        if rule.matches(cat, i) {
                            r.score += f64::from(by);
                        }
                    }
                }
            }
            let rank = &cat.server_rank;
            super::sort::sort_by(ranked, &|a, b| {
                b.score
                    .total_cmp(&a.score)
                    .then(rank[index(a) as usize].cmp(&rank[index(b) as usize]))
            });
        }
        if self.max_per_brand.is_none() && self.max_per_category.is_none() {
            return;
        }
        // Greedy: walk down the list, taking each item unless its brand or category has
        // used up its slots in the window; what was passed over follows, in order.
        let window = self.window.unwrap_or(limit).min(ranked.len());
        // Counts by interned id; items without a brand or category are never capped.
        let mut brand_count = vec![0usize; cat.brands.len()];
        let mut cat_count = vec![0usize; cat.categories.len()];
        let (mut taken, mut passed) = (Vec::with_capacity(ranked.len()), Vec::new());
        for r in ranked.drain(..) {
            let i = index(&r) as usize;
            let (b, c) = (cat.brand[i] as usize, cat.category[i] as usize);
            let over = |counts: &[usize], k: usize, cap: Option<usize>| {
                cap.is_some_and(|m| counts.get(k).is_some_and(|&n| n >= m))
            };
            if taken.len() < window
                && (over(&brand_count, b, self.max_per_brand)
                    || over(&cat_count, c, self.max_per_category))
            {
                passed.push(r);
                continue;
            }
            if taken.len() < window {
                for (counts, k) in [(&mut brand_count, b), (&mut cat_count, c)] {
                    if let Some(n) = counts.get_mut(k) {
                        *n += 1;
                    }
                }
            }
            taken.push(r);
            if taken.len() == window {
                // The window is full: the passed-over items come next, in order.
                taken.append(&mut passed);
            }
        }
        taken.append(&mut passed);
        *ranked = taken;
    }

    /// Gives a seeded share of the first `limit` slots (never the first) to items with
    /// nothing personal for them, taken from below the cut; each says so.
    /// `eligible` leaves out what may never be shown as personal: sensitive items without
    /// their purpose, topics the shopper removed.
    pub fn explore(
        &self,
        ranked: &mut Vec<Ranked>,
        limit: usize,
        seed: u64,
        eligible: &dyn Fn(&Ranked) -> bool,
    ) {
        let slots = (self.explore * limit as f32).round() as usize;
        if slots == 0 || ranked.len() <= limit || limit < 2 {
            return;
        }
        let mut rng = seed;
        let mut pool: Vec<usize> = (limit..ranked.len())
            .filter(|&k| ranked[k].match_pct == 0 && eligible(&ranked[k]))
            .collect();
        let mut chosen = Vec::new();
        for _ in 0..slots.min(pool.len()) {
            let k = (splitmix64(&mut rng) % pool.len() as u64) as usize;
            chosen.push(pool.swap_remove(k));
        }
        // Remove from the back first. The shared sort: a few slots, not worth a sort of its own.
        super::sort::sort_by(&mut chosen, &|a: &usize, b: &usize| b.cmp(a));
        let mut picked: Vec<Ranked> = chosen.into_iter().map(|k| ranked.remove(k)).collect();
        for r in &mut picked {
            r.reasons = vec!["Something new to try".to_owned()];
        }
        for r in picked {
            let at = 1 + (splitmix64(&mut rng) % (limit as u64 - 1)) as usize;
            ranked.insert(at.min(ranked.len()), r);
        }
    }
}

/// A tiny seeded generator: exploration must be reproducible under the shop's seed.
fn splitmix64(state: &mut u64) -> u64 {
    *state = state.wrapping_add(0x9e37_79b9_7f4a_7c15);
    let mut z = *state;
    z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
    z ^ (z >> 31)
}

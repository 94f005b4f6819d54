//! Re-ranking the shop's candidates for this shopper.
//!
//! score = server prior + category + brand + attribute + price-band affinity
//!       + related-to-recent + repeat purchase − dismissed − out of stock.
//! Each signal is normalized to 0..1 before its weight, so weights compare signals.
//! Per call, the profile is mapped once onto the catalogue's interned ids (a handful
//! of entries); scoring an item is then array look-ups, with no per-item allocation.

use super::catalogue::{Catalogue, NONE, NO_BAND};
use super::event::EventKind;
use super::number::number_text;
use super::profile::{decay, Profile};
use super::sort::{f32_key, key_f32, radix_sort};
use super::{Error, Millis};
use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, Default, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct RankRequest {
    /// Candidate ids (e.g. one category page); all loaded items when absent.
    pub items: Option<Vec<String>>,
    /// How many results to return; all candidates when absent.
    pub limit: Option<f64>,
    /// The shop's rules: pin, boost, bury, filter.
    pub rules: Option<Vec<super::rules::RuleInput>>,
    /// Caps per brand / category among the first results.
    pub diversity: Option<super::rules::DiversityInput>,
    /// Share (0–0.3) of the first results given to items outside the profile.
    pub explore: Option<f64>,
}

/// What `rankOrder` takes: which candidates, and how many of the best.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct OrderRequest {
    /// Candidate ids; all loaded items when absent.
    pub items: Option<Vec<String>>,
    /// How many; all candidates when absent.
    pub limit: Option<f64>,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Ranked {
    pub id: String,
    pub score: f64,
    /// 0–100: the share of the other candidates this item outscores, shown only when
    /// something personal speaks for it (0 otherwise). Falls as the list goes down.
    #[serde(rename = "match")]
    pub match_pct: u8,
    /// Up to two, strongest first; each is true of the shopper's own history.
    pub reasons: Vec<String>,
}

/// Ranked results laid out for the JS layer to rebuild as objects (`index.js`): crossing
/// into JS once, as a string and three arrays, instead of an object, two strings and an
/// array per result built through the boundary (two thirds of a 92k-item `rank()`).
#[derive(Debug, Default, PartialEq)]
pub struct PackedRanking {
    /// Each result's id, then its reasons, end to end.
    pub text: String,
    /// Per result: the id's length, the number of reasons, each reason's length; lengths
    /// in UTF-16 code units, as JS's `slice` counts.
    pub lengths: Vec<u32>,
    pub scores: Vec<f64>,
    pub matches: Vec<u8>,
}

impl PackedRanking {
    pub fn new(ranked: &[Ranked]) -> PackedRanking {
        let mut p = PackedRanking {
            scores: Vec::with_capacity(ranked.len()),
            matches: Vec::with_capacity(ranked.len()),
            ..Default::default()
        };
        let push = |p: &mut PackedRanking, s: &str| {
            p.text.push_str(s);
            p.lengths
                .push(s.chars().map(|c| c.len_utf16() as u32).sum());
        };
        for r in ranked {
            push(&mut p, &r.id);
            p.lengths.push(r.reasons.len() as u32);
            for reason in &r.reasons {
                push(&mut p, reason);
            }
            p.scores.push(r.score);
            p.matches.push(r.match_pct);
        }
        p
    }
}

/// The weight of each signal. Fixed for shops; the offline evaluation varies them.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Weights {
    pub prior: f32,
    pub category: f32,
    pub brand: f32,
    pub attribute: f32,
    pub price: f32,
    pub related: f32,
    /// The item itself was viewed or put in the basket lately (session intent).
    pub recent: f32,
    pub repeat: f32,
    pub dismissed: f32,
    pub out_of_stock: f32,
    /// Penalty for an item already bought, times (1 − its repurchase share).
    pub bought_durable: f32,
}

/// Chosen on the offline evaluation of the shared data (docs/evaluation.md): the
/// prior keeps popular staples in view, the item's own recent views say most about
/// session intent, related lists help less than they cost when weighed heavier.
pub const WEIGHTS: Weights = Weights {
    prior: 1.25,
    category: 1.0,
    brand: 0.4,
    attribute: 0.2,
    price: 0.1,
    related: 0.5,
    recent: 2.0,
    repeat: 1.0,
    dismissed: 5.0,
    out_of_stock: 1.5,
    bought_durable: 3.0,
};

impl Default for Weights {
    fn default() -> Self {
        WEIGHTS
    }
}

/// A signal must add at least this much to be given as a reason.
const REASON_MIN: f32 = 0.05;
/// Each step back in the recent list counts this much less for related items.
const RECENCY_STEP: f32 = 0.85;

/// Whose ranking this is: the profile parts that may be used, and what is off limits.
pub struct Shopper<'a> {
    /// The main profile, plus the sensitive part when the sensitive purpose is granted.
    pub profiles: Vec<&'a Profile>,
    /// The sensitive purpose: without it, sensitive items get no personal score or reason.
    pub allow_sensitive: bool,
    /// Topics (category paths, brands) the shopper removed: no personal score for them.
    pub blocked: &'a [String],
}

/// Reusable per-call buffers, sized to the catalogue and cleared after use.
#[derive(Default)]
pub struct Ranker {
    /// The signal weights; the offline evaluation switches signals off through them.
    pub weights: Weights,
    /// The profile's own affinity per category node, and which nodes have one.
    own: Vec<f32>,
    own_set: Vec<u32>,
    node_score: Vec<f32>,
    node_best: Vec<u32>,
    node_blocked: Vec<bool>,
    brand_blocked: Vec<bool>,
    brand_score: Vec<f32>,
    attr_score: Vec<f32>,
    price_table: Vec<f32>,
    related: Vec<f32>,
    related_src: Vec<u32>,
    /// Recency of the item's own last view / cart (1 = the latest event), 0 if none.
    recent: Vec<f32>,
    recent_kind: Vec<u8>,
    /// Items whose `related` / `related_src` entries this call set.
    touched: Vec<u32>,
    /// Items whose `recent`, `recent_kind`, `repeat` or `dismissed` entries this call set.
    marked: Vec<u32>,
    repeat: Vec<u32>,
    dismissed: Vec<bool>,
}

/// The candidate list of a request, as catalogue indices.
pub fn candidates(cat: &Catalogue, items: Option<&[String]>) -> Result<Vec<u32>, Error> {
    let Some(ids) = items else {
        return Ok((0..cat.len() as u32).collect());
    };
    let mut out = Vec::with_capacity(ids.len());
    let mut unknown = None;
    for (k, id) in ids.iter().enumerate() {
        match cat.lookup(id) {
            Some(i) => out.push(i),
            None => {
                unknown = Some(k);
                break;
            }
        }
    }
    // Repeats, found by sorting (index, position) pairs: a table over the whole
    // catalogue would cost a 92k-item page fault per call for a 500-item page.
    let mut keys: Vec<u64> = out
        .iter()
        .enumerate()
        .map(|(k, &i)| u64::from(i) << 32 | k as u64)
        .collect();
    radix_sort(&mut keys);
    let repeat = keys
        .windows(2)
        .filter(|w| w[0] >> 32 == w[1] >> 32)
        .map(|w| w[1] as u32 as usize)
        .min();
    match (unknown, repeat) {
        (Some(k), r) if r.is_none_or(|r| k < r) => Err(Error::invalid(
            format!("items[{k}]"),
            format!("\"{}\" is not in the loaded catalogue", ids[k]),
        )),
        (_, Some(k)) => Err(Error::invalid(
            format!("items[{k}]"),
            format!("\"{}\" is listed twice", ids[k]),
        )),
        _ => Ok(out),
    }
}

pub fn limit(limit: Option<f64>, n: usize) -> Result<usize, Error> {
    match limit {
        None => Ok(n),
        Some(l) if l.is_finite() && l >= 0.0 && l.fract() == 0.0 => Ok((l as usize).min(n)),
        Some(l) => Err(Error::invalid(
            "limit",
            format!("{} is not a whole number ≥ 0", number_text(l)),
        )),
    }
}

/// The server's order: no profile is read, nothing personal is computed.
pub fn server_order(cat: &Catalogue, mut cands: Vec<u32>, limit: usize) -> Vec<Ranked> {
    in_server_order(cat, &mut cands);
    cands.truncate(limit);
    cands
        .into_iter()
        .map(|i| Ranked {
            id: cat.id(i).to_string(),
            score: f64::from(WEIGHTS.prior * cat.prior[i as usize]),
            match_pct: 0,
            reasons: Vec::new(),
        })
        .collect()
}

/// Puts `cands` in the server's order (in linear time: 92k items are common).
pub fn in_server_order(cat: &Catalogue, cands: &mut [u32]) {
    let mut keys: Vec<u64> = cands
        .iter()
        .map(|&i| u64::from(cat.server_rank[i as usize]))
        .collect();
    radix_sort(&mut keys);
    for (c, k) in cands.iter_mut().zip(keys) {
        *c = cat.server_order[k as usize];
    }
}

/// Turns `flowers/roses_red` into "Roses red": the last path segment, readable. Only
/// the first letter changes case (ASCII only: no Unicode tables in the wasm), so names
/// such as "USB cables" or "Épicerie" stay as the shop wrote them.
pub(crate) fn category_label(path: &str) -> String {
    let segment = path.rsplit('/').next().unwrap_or(path);
    // A slug ("running-shoes") reads as words; a name with spaces ("Vegetables - shelf
    // stable") is kept as the shop wrote it.
    let mut label: String = if segment.bytes().any(|b| b == b' ') {
        segment.to_owned()
    } else {
        segment
            .chars()
            .map(|c| if c == '_' || c == '-' { ' ' } else { c })
            .collect()
    };
    if let Some(first) = label.get_mut(..1) {
        first.make_ascii_uppercase();
    }
    label
}

fn fill(v: &mut Vec<f32>, n: usize) {
    v.clear();
    v.resize(n, 0.0);
}

impl Ranker {
    /// Ranks `cands` for `shopper`: the `limit` best with match and reasons.
    pub fn rank(
        &mut self,
        cat: &Catalogue,
        shopper: &Shopper,
        cands: &[u32],
        limit: usize,
        now: Millis,
    ) -> Vec<Ranked> {
        let scored = self.score(cat, shopper, cands, now);
        // Match % ranks each result among all candidates: their scores, sorted.
        let mut keys: Vec<u64> = scored.iter().map(|s| u64::from(f32_key(s.0))).collect();
        radix_sort(&mut keys);
        let denom = (cands.len().max(2) - 1) as f32;
        let cols = self.columns(cat, shopper);
        let out = best(cat, scored, limit)
            .into_iter()
            .map(|(score, i)| {
                let s = if cols.muted(i) {
                    Signals::default()
                } else {
                    cols.signals(i)
                };
                let personal = s.total();
                let match_pct = if personal > 0.0 {
                    let key = u64::from(f32_key(score));
                    let below = keys.partition_point(|&k| k < key) as f32;
                    (100.0 * below / denom).round().min(100.0) as u8
                } else {
                    0
                };
                Ranked {
                    id: cat.id(i).to_string(),
                    score: f64::from(score),
                    match_pct,
                    reasons: self.reasons(cat, shopper, i, &s),
                }
            })
            .collect();
        self.clear();
        out
    }

    /// The `limit` best candidates as (score, catalogue index), best first: the ranking
    /// without match or reasons (`rankOrder`, and the offline evaluation).
    pub fn order(
        &mut self,
        cat: &Catalogue,
        shopper: &Shopper,
        cands: &[u32],
        limit: usize,
        now: Millis,
    ) -> Vec<(f32, u32)> {
        let scored = self.score(cat, shopper, cands, now);
        self.clear();
        best(cat, scored, limit)
    }

    /// Scores every candidate, in candidate order; leaves the per-call buffers filled
    /// for match and reasons.
    fn score(
        &mut self,
        cat: &Catalogue,
        shopper: &Shopper,
        cands: &[u32],
        now: Millis,
    ) -> Vec<(f32, u32)> {
        self.prepare(cat, shopper, now);
        for &i in cands {
            let node = cat.category[i as usize];
            if node != NONE {
                self.visit_node(cat, shopper, node);
            }
        }
        let cols = self.columns(cat, shopper);
        cands.iter().map(|&i| (cols.score(i), i)).collect()
    }

    /// The columns scoring reads, as slices.
    fn columns<'a>(&'a self, cat: &'a Catalogue, shopper: &Shopper) -> Columns<'a> {
        let (attr_start, attr_ids) = cat.attribute_rows();
        Columns {
            w: self.weights,
            allow_sensitive: shopper.allow_sensitive,
            category: &cat.category,
            brand: &cat.brand,
            sensitive: &cat.sensitive,
            prior: &cat.prior,
            in_stock: &cat.in_stock,
            repurchase: &cat.repurchase,
            price_band: &cat.price_band,
            attr_start,
            attr_ids,
            node_score: &self.node_score,
            node_blocked: &self.node_blocked,
            brand_score: &self.brand_score,
            brand_blocked: &self.brand_blocked,
            attr_score: &self.attr_score,
            price_table: &self.price_table,
            related: &self.related,
            recent: &self.recent,
            repeat: &self.repeat,
            dismissed: &self.dismissed,
        }
    }

    /// Works out category `node`'s score, its reason's level and whether the shopper
    /// blocked it, once per call.
    fn visit_node(&mut self, cat: &Catalogue, shopper: &Shopper, node: u32) {
        if !self.node_score[node as usize].is_nan() {
            return;
        }
        let (mut sum, mut wsum, mut best, mut best_v) = (0.0, 0.0, NONE, 0.0);
        let mut cur = node;
        while cur != NONE {
            let c = &cat.categories[cur as usize];
            let dw = f32::from(c.depth.min(3));
            let v = self.own[cur as usize];
            sum += dw * v;
            wsum += dw;
            // The reason names the most specific level that carries real weight.
            if v * dw > best_v {
                best_v = v * dw;
                best = cur;
            }
            cur = c.parent;
        }
        let n = node as usize;
        self.node_score[n] = if wsum > 0.0 { sum / wsum } else { 0.0 };
        self.node_best[n] = best;
        let path = &cat.categories[n].path;
        self.node_blocked[n] = shopper
            .blocked
            .iter()
            .any(|b| super::catalogue::path_is_under(path, b));
    }

    /// Sensitive without the purpose, or under a topic the shopper removed.
    fn muted(&self, cat: &Catalogue, shopper: &Shopper, i: u32) -> bool {
        let iu = i as usize;
        (cat.sensitive[iu] && !shopper.allow_sensitive)
            || (cat.category[iu] != NONE && self.node_blocked[cat.category[iu] as usize])
            || (cat.brand[iu] != NONE && self.brand_blocked[cat.brand[iu] as usize])
    }

    /// Maps the profile parts onto this catalogue's interned ids.
    fn prepare(&mut self, cat: &Catalogue, shopper: &Shopper, now: Millis) {
        let profiles = &shopper.profiles;
        // Category: each node scores the depth-weighted mean of its own and its
        // ancestors' affinities, each normalized by the strongest at that depth. Only the
        // profile's few nodes are touched here; a node's score is worked out the first
        // time a candidate needs it (`visit_node`), so a 500-item page of a catalogue
        // with thousands of categories does not walk them all.
        let nodes = cat.categories.len();
        if self.own.len() != nodes {
            self.own = vec![0.0; nodes]; // blank between calls: `clear` undoes `own_set`
        }
        for e in profiles.iter().flat_map(|p| &p.categories.entries) {
            if let Some(node) = cat.category_id(&e.key) {
                if !self.own_set.contains(&node) {
                    self.own_set.push(node);
                }
                self.own[node as usize] += decay(e.weight, e.at, now);
            }
        }
        let mut max_at_depth = [0.0f32; 8];
        for &node in &self.own_set {
            let d = (cat.categories[node as usize].depth as usize).min(7);
            max_at_depth[d] = max_at_depth[d].max(self.own[node as usize]);
        }
        for &node in &self.own_set {
            let d = (cat.categories[node as usize].depth as usize).min(7);
            if max_at_depth[d] > 0.0 {
                self.own[node as usize] /= max_at_depth[d];
            }
        }
        self.node_score.clear();
        self.node_score.resize(nodes, f32::NAN); // NaN: not worked out yet
        self.node_best.clear();
        self.node_best.resize(nodes, NONE);
        self.node_blocked.clear();
        self.node_blocked.resize(nodes, false);
        self.brand_blocked.clear();
        self.brand_blocked.resize(cat.brands.len(), false);
        for b in shopper.blocked.iter().filter_map(|b| cat.brand_id(b)) {
            self.brand_blocked[b as usize] = true;
        }

        normalized(
            &mut self.brand_score,
            cat.brands.len(),
            profiles
                .iter()
                .flat_map(|p| &p.brands.entries)
                .filter_map(|e| Some((cat.brand_id(&e.key)?, decay(e.weight, e.at, now)))),
        );
        normalized(
            &mut self.attr_score,
            cat.attributes.len(),
            profiles
                .iter()
                .flat_map(|p| &p.attributes.entries)
                .filter_map(|e| Some((cat.attribute_id(&e.key)?, decay(e.weight, e.at, now)))),
        );
        // 64 price bands at most: a small fixed table.
        normalized(
            &mut self.price_table,
            64,
            profiles
                .iter()
                .flat_map(|p| &p.price_bands.entries)
                .filter_map(|e| Some((e.key.parse::<u32>().ok()?, decay(e.weight, e.at, now)))),
        );

        // Related to recent: each recent item lends its server-computed related list a
        // boost that fades with how far back it is and how far down the list.
        // The per-item tables are left blank by `clear` after each call, so they are only
        // reset here when the catalogue's size changes: a 500-item page of a 92k catalogue
        // must not cost six writes per catalogue item.
        if self.recent.len() != cat.len() {
            fill(&mut self.related, cat.len());
            fill(&mut self.recent, cat.len());
            self.recent_kind = vec![0; cat.len()];
            self.related_src = vec![NONE; cat.len()];
            self.repeat = vec![0; cat.len()];
            self.dismissed = vec![false; cat.len()];
        }
        let mut recent: Vec<(usize, &super::profile::Recent)> = profiles
            .iter()
            .flat_map(|p| &p.recent)
            .enumerate()
            .collect();
        super::sort::sort_by(&mut recent, &|a, b| b.1.at.cmp(&a.1.at).then(a.0.cmp(&b.0)));
        let mut recency = 1.0f32;
        for (_, r) in recent {
            if let Some(src) = cat.lookup(&r.item) {
                let looked = matches!(
                    r.kind,
                    EventKind::View | EventKind::Search | EventKind::Cart
                );
                if looked && self.recent[src as usize] == 0.0 {
                    self.marked.push(src);
                    self.recent[src as usize] = recency;
                    self.recent_kind[src as usize] = r.kind.code();
                }
                if cat.category[src as usize] != NONE {
                    self.visit_node(cat, shopper, cat.category[src as usize]);
                }
                if !self.muted(cat, shopper, src) {
                    let base = recency * super::profile::event_weight(r.kind);
                    for (pos, &j) in cat.related_of(src).iter().enumerate() {
                        let add = base / (1.0 + 0.1 * pos as f32);
                        if self.related[j as usize] == 0.0 {
                            self.touched.push(j);
                        }
                        if add > self.related[j as usize] {
                            self.related_src[j as usize] = src;
                        }
                        self.related[j as usize] += add;
                    }
                }
            }
            recency *= RECENCY_STEP;
        }
        let max_rel = self
            .touched
            .iter()
            .map(|&j| self.related[j as usize])
            .fold(0.0, f32::max);
        if max_rel > 0.0 {
            for &j in &self.touched {
                self.related[j as usize] /= max_rel;
            }
        }

        for p in profiles {
            for b in &p.purchased {
                if let Some(i) = cat.lookup(&b.item) {
                    self.marked.push(i);
                    self.repeat[i as usize] += b.count;
                }
            }
            for (item, _) in &p.dismissed {
                if let Some(i) = cat.lookup(item) {
                    self.marked.push(i);
                    self.dismissed[i as usize] = true;
                }
            }
        }
    }

    fn reasons(&self, cat: &Catalogue, shopper: &Shopper, i: u32, s: &Signals) -> Vec<String> {
        let iu = i as usize;
        let mut cands: Vec<(f32, u8)> = [
            (s.related, 0),
            (s.repeat, 1),
            (s.recent, 2),
            (s.category, 3),
            (s.brand, 4),
            (s.attribute, 5),
            (s.price, 6),
        ]
        .into_iter()
        .filter(|(v, _)| *v >= REASON_MIN)
        .collect();
        // Reasons about specific items (related, repeat, recent: kinds 0–2) say more to
        // a shopper than general ones, so they come first; then by contribution.
        super::sort::sort_by(&mut cands, &|a, b| {
            (a.1 > 2)
                .cmp(&(b.1 > 2))
                .then(b.0.total_cmp(&a.0))
                .then(a.1.cmp(&b.1))
        });
        let mut out = Vec::new();
        for (_, kind) in cands {
            if out.len() == 2 {
                break;
            }
            let reason = match kind {
                0 => {
                    let src = self.related_src[iu];
                    let verb = shopper
                        .profiles
                        .iter()
                        .flat_map(|p| &p.recent)
                        .find(|r| cat.lookup(&r.item) == Some(src))
                        .map(|r| match r.kind {
                            EventKind::Purchase => "bought",
                            EventKind::Cart => "added",
                            _ => "viewed",
                        });
                    verb.map(|v| format!("Because you {v} {}", cat.title(src)))
                }
                // The count can lag the truth (the purchase list is capped), so the
                // reason claims no more than it knows.
                1 => Some(
                    if self.repeat[iu] > 1 {
                        "You have bought this more than once"
                    } else {
                        "You bought this before"
                    }
                    .to_string(),
                ),
                2 => Some(
                    if self.recent_kind[iu] == EventKind::Cart.code() {
                        "In your basket lately"
                    } else {
                        "You looked at this lately"
                    }
                    .to_string(),
                ),
                3 => {
                    let best = self.node_best[cat.category[iu] as usize];
                    (best != NONE).then(|| {
                        format!(
                            "You often look at {}",
                            category_label(&cat.categories[best as usize].path)
                        )
                    })
                }
                4 => cat.brand_name(i).map(|b| format!("You often choose {b}")),
                5 => {
                    let best = cat.attributes_of(i).iter().copied().max_by(|&a, &b| {
                        self.attr_score[a as usize].total_cmp(&self.attr_score[b as usize])
                    });
                    best.map(|a| {
                        let kv = &cat.attributes[a as usize];
                        match kv.split_once('=') {
                            Some(("tag", v)) => format!("You often choose {v}"),
                            Some((k, v)) => format!("You often choose {k}: {v}"),
                            None => format!("You often choose {kv}"),
                        }
                    })
                }
                _ => Some("In your usual price range".to_string()),
            };
            // A tag can repeat the brand ("Store brand" / "store brand"): say it once.
            if let Some(r) =
                reason.filter(|r| !out.iter().any(|o: &String| o.eq_ignore_ascii_case(r)))
            {
                out.push(r);
            }
        }
        out
    }

    /// Blanks what `prepare` wrote into the per-item tables.
    fn clear(&mut self) {
        for &j in &self.touched {
            self.related[j as usize] = 0.0;
            self.related_src[j as usize] = NONE;
        }
        self.touched.clear();
        for &j in &self.marked {
            let j = j as usize;
            (self.recent[j], self.recent_kind[j]) = (0.0, 0);
            (self.repeat[j], self.dismissed[j]) = (0, false);
        }
        self.marked.clear();
        for &node in &self.own_set {
            self.own[node as usize] = 0.0;
        }
        self.own_set.clear();
    }
}

/// The `limit` best of `scored`, best first: by score, ties in the server's order. Score
/// and server rank are packed into one integer key (the highest score, inverted, first),
/// so that selecting and sorting compare plain integers: the top of a page is selected,
/// then sorted in linear time like a whole catalogue's order.
fn best(cat: &Catalogue, scored: Vec<(f32, u32)>, limit: usize) -> Vec<(f32, u32)> {
    let rank = &cat.server_rank;
    let mut keys: Vec<u64> = scored
        .iter()
        .map(|&(s, i)| u64::from(!f32_key(s)) << 32 | u64::from(rank[i as usize]))
        .collect();
    drop(scored);
    if limit > 0 && limit < keys.len() {
        keys.select_nth_unstable(limit - 1);
    }
    keys.truncate(limit);
    radix_sort(&mut keys);
    keys.into_iter()
        .map(|k| {
            (
                key_f32(!((k >> 32) as u32)),
                cat.server_order[k as u32 as usize],
            )
        })
        .collect()
}

/// Fills `out` (length `n`) with each key's summed weight divided by the largest.
fn normalized(out: &mut Vec<f32>, n: usize, entries: impl Iterator<Item = (u32, f32)>) {
    fill(out, n);
    let mut max = 0.0f32;
    // Only the keys the profile names are divided: thousands of brands, a few liked.
    let mut keys: Vec<u32> = Vec::new();
    for (k, v) in entries {
        if (k as usize) < n {
            if !keys.contains(&k) {
                keys.push(k);
            }
            out[k as usize] += v;
            max = max.max(out[k as usize]);
        }
    }
    if max > 0.0 {
        for k in keys {
            out[k as usize] /= max;
        }
    }
}

/// What scoring reads, as slices: indexing a slice is an inline bounds check, while
/// indexing a `Vec` is a call that opt-level "z" leaves out of line (natively, scoring
/// 10k items took a quarter of its time in those calls).
struct Columns<'a> {
    w: Weights,
    allow_sensitive: bool,
    category: &'a [u32],
    brand: &'a [u32],
    sensitive: &'a [bool],
    prior: &'a [f32],
    in_stock: &'a [bool],
    repurchase: &'a [f32],
    price_band: &'a [u8],
    attr_start: &'a [u32],
    attr_ids: &'a [u32],
    node_score: &'a [f32],
    node_blocked: &'a [bool],
    brand_score: &'a [f32],
    brand_blocked: &'a [bool],
    attr_score: &'a [f32],
    price_table: &'a [f32],
    related: &'a [f32],
    recent: &'a [f32],
    repeat: &'a [u32],
    dismissed: &'a [bool],
}

impl Columns<'_> {
    /// Item `i`'s score: prior + personal signals − penalties.
    #[inline(always)]
    fn score(&self, i: u32) -> f32 {
        let (w, iu) = (self.w, i as usize);
        let personal = if self.muted(i) {
            0.0
        } else {
            self.signals(i).total()
        };
        let mut penalty = 0.0;
        if self.dismissed[iu] {
            penalty += w.dismissed;
        }
        if !self.in_stock[iu] {
            penalty += w.out_of_stock;
        }
        if self.repeat[iu] > 0 {
            // A durable already bought is not wanted again soon.
            penalty += w.bought_durable * (1.0 - self.repurchase[iu]);
        }
        w.prior * self.prior[iu] + personal - penalty
    }

    /// Sensitive without the purpose, or under a topic the shopper removed.
    #[inline(always)]
    fn muted(&self, i: u32) -> bool {
        let iu = i as usize;
        (self.sensitive[iu] && !self.allow_sensitive)
            || (self.category[iu] != NONE && self.node_blocked[self.category[iu] as usize])
            || (self.brand[iu] != NONE && self.brand_blocked[self.brand[iu] as usize])
    }

    #[inline(always)]
    fn signals(&self, i: u32) -> Signals {
        let w = self.w;
        let iu = i as usize;
        let category = match self.category[iu] {
            NONE => 0.0,
            node => self.node_score[node as usize],
        };
        let brand = match self.brand[iu] {
            NONE => 0.0,
            b => self.brand_score[b as usize],
        };
        let mut attribute = 0.0f32;
        for &a in &self.attr_ids[self.attr_start[iu] as usize..self.attr_start[iu + 1] as usize] {
            let v = self.attr_score[a as usize];
            // (Not f32::max: that is a libm call in the wasm; no score here is NaN.)
            if v > attribute {
                attribute = v;
            }
        }
        let price = match self.price_band[iu] {
            NO_BAND => 0.0,
            b => self.price_table[b as usize],
        };
        // Bought once already says "buy it again"; more purchases say it more firmly.
        // Scaled by how often such items are bought again: "buy it again" for
        // consumables, nothing for a durable already bought (its penalty is in `score`).
        let repeat = match self.repeat[iu] {
            0 => 0.0,
            n => (0.5 + 0.5 * (n.min(4) - 1) as f32 / 3.0) * self.repurchase[iu],
        };
        Signals {
            // Scaled by the item's prior: a liked category lifts its staples more than
            // its long tail (on the shared grocery data this beat a flat lift).
            category: w.category * category * (0.5 + 0.5 * self.prior[iu]),
            brand: w.brand * brand,
            attribute: w.attribute * attribute,
            price: w.price * price,
            related: w.related * self.related[iu],
            recent: w.recent * self.recent[iu],
            repeat: w.repeat * repeat,
        }
    }
}

/// Each personal signal's weighted contribution to one item's score.
#[derive(Debug, Default, Clone, Copy)]
struct Signals {
    category: f32,
    brand: f32,
    attribute: f32,
    price: f32,
    related: f32,
    recent: f32,
    repeat: f32,
}

impl Signals {
    #[inline(always)]
    fn total(&self) -> f32 {
        self.category
            + self.brand
            + self.attribute
            + self.price
            + self.related
            + self.recent
            + self.repeat
    }
}

#[cfg(test)]
mod tests {
    use super::{category_label, Ranked};

    #[test]
    fn packed_rankings_count_lengths_as_js_does() {
        let ranked = [
            Ranked {
                id: "sku-1".into(),
                score: 1.5,
                match_pct: 80,
                reasons: vec!["You looked at this lately".into(), "Épicerie 🧀".into()],
            },
            Ranked {
                id: "🧀".into(),
                score: -0.25,
                match_pct: 0,
                reasons: vec![],
            },
        ];
        let p = super::PackedRanking::new(&ranked);
        assert_eq!(p.text, "sku-1You looked at this latelyÉpicerie 🧀🧀");
        // "Épicerie 🧀" is 11 UTF-16 units (the cheese is a surrogate pair); "🧀" is 2.
        assert_eq!(p.lengths, [5, 2, 25, 11, 2, 0]);
        assert_eq!(p.scores, [1.5, -0.25]);
        assert_eq!(p.matches, [80, 0]);
    }

    #[test]
    fn category_labels_keep_the_shops_spelling() {
        assert_eq!(category_label("flowers/roses_red"), "Roses red");
        assert_eq!(category_label("tech/USB cables"), "USB cables");
        assert_eq!(category_label("Épicerie"), "Épicerie");
        assert_eq!(category_label("dairy/cheese"), "Cheese");
        assert_eq!(category_label("shoes/running-shoes"), "Running shoes");
        assert_eq!(
            category_label("Grocery/Vegetables - shelf stable"),
            "Vegetables - shelf stable"
        );
    }
}

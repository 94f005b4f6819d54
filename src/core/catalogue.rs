//! The catalogue the shop's server sends, validated and interned once into a compact
//! columnar form: ranking then reads plain arrays and never allocates per item.

use super::number::number_text;
use serde::Deserialize;
use std::borrow::Cow;
use std::collections::{BTreeMap, HashMap};
use std::hash::{BuildHasherDefault, Hasher};

/// The hasher of the catalogue's and the offers' string tables: Fx-style (xor a word,
/// multiply), several times faster than std's SipHash on short ids, and smaller in the
/// wasm. SipHash's random keys guard against HashDoS by untrusted keys; these keys come
/// from the shop's own server (its catalogue and offers), and the worst a crafted
/// catalogue could do is slow down its own shop's page.
#[derive(Default, Clone, Copy)]
pub struct FastHasher(u64);

impl FastHasher {
    #[inline]
    fn add(&mut self, word: u64) {
        self.0 = (self.0.rotate_left(5) ^ word).wrapping_mul(0xf135_7aea_2e62_a9c5);
    }
}

impl Hasher for FastHasher {
    fn write(&mut self, bytes: &[u8]) {
        let mut words = bytes.chunks_exact(8);
        for w in &mut words {
            self.add(u64::from_le_bytes(w.try_into().unwrap()));
        }
        let mut tail = [0u8; 8];
        tail[..words.remainder().len()].copy_from_slice(words.remainder());
        self.add(u64::from_le_bytes(tail));
    }
    fn write_u8(&mut self, b: u8) {
        self.add(b as u64);
    }
    fn write_usize(&mut self, n: usize) {
        self.add(n as u64);
    }
    /// The product's well-mixed high bits moved down: the table picks buckets by the low ones.
    fn finish(&self) -> u64 {
        self.0.rotate_left(26)
    }
}

/// A `HashMap` with [`FastHasher`].
pub type FastMap<K, V> = HashMap<K, V, BuildHasherDefault<FastHasher>>;

/// `str::trim`, without its char-by-char walk when both ends are visible ASCII (every
/// whitespace char is either ≤ ' ' or not ASCII).
pub fn trim(s: &str) -> &str {
    match s.as_bytes() {
        [a, .., b] if (b'!'..0x80).contains(a) && (b'!'..0x80).contains(b) => s,
        [a] if (b'!'..0x80).contains(a) => s,
        _ => s.trim(),
    }
}

/// An item as the shop sends it. Every field is optional here so that one bad item is
/// reported (with its field) instead of failing the whole catalogue.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ItemInput {
    pub id: Option<String>,
    pub title: Option<String>,
    /// A path such as `apparel/shoes/running`.
    pub category: Option<String>,
    pub brand: Option<String>,
    pub price: Option<f64>,
    pub tags: Option<Vec<String>>,
    pub attributes: Option<BTreeMap<String, String>>,
    /// The server's own score: higher comes first in the server's order.
    pub popularity: Option<f64>,
    #[serde(alias = "in_stock")]
    pub in_stock: Option<bool>,
    pub sensitive: Option<bool>,
    /// Share (0–1) of the item's buyers who buy it (or its kind) again, from the server's
    /// aggregate data: high for groceries, low for durables already bought.
    pub repurchase: Option<f64>,
    /// Ids the server computed from aggregate co-view / co-purchase data.
    pub related: Option<Vec<String>>,
}

/// One thing wrong with one item, as `loadCatalogue` reports it.
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
pub struct Problem {
    /// Position of the item in the array that was passed.
    pub index: usize,
    /// The item's id, when it had a usable one.
    pub id: Option<String>,
    pub field: &'static str,
    pub message: String,
}

/// What `loadCatalogue` did: how many items are usable, and what was wrong.
#[derive(Debug, Clone, Default, PartialEq, serde::Serialize)]
pub struct LoadSummary {
    pub loaded: usize,
    /// Items left out entirely (no usable id, or a repeated id).
    pub skipped: usize,
    /// The first [`MAX_REPORTED_PROBLEMS`] problems; `problemCount` has them all.
    pub problems: Vec<Problem>,
    #[serde(rename = "problemCount")]
    pub problem_count: usize,
}

pub const MAX_REPORTED_PROBLEMS: usize = 100;
/// Related lists beyond this are cut: the server sorts them best first.
pub const MAX_RELATED: usize = 50;
pub const NONE: u32 = u32::MAX;
pub const NO_BAND: u8 = u8::MAX;
pub const MAX_PATH_LEVELS: usize = 16;
pub const MAX_PATH_BYTES: usize = 512;

/// A category path prefix, e.g. `apparel/shoes` (depth 2) under `apparel` (depth 1).
#[derive(Debug, Clone)]
pub struct CategoryNode {
    pub path: Box<str>,
    pub depth: u8,
    pub parent: u32,
}

/// The ingested catalogue: one entry per item in each column, indexed by item number.
#[derive(Debug, Default)]
pub struct Catalogue {
    pub ids: Vec<Box<str>>,
    pub titles: Vec<Box<str>>,
    index: FastMap<Box<str>, u32>,
    /// Deepest category node of each item, or [`NONE`].
    pub category: Vec<u32>,
    pub categories: Vec<CategoryNode>,
    category_index: FastMap<Box<str>, u32>,
    pub brand: Vec<u32>,
    pub brands: Vec<Box<str>>,
    brand_index: FastMap<Box<str>, u32>,
    /// `NaN` where the price is unknown.
    pub price: Vec<f32>,
    /// The price band relative to the item's category (see [`relative_price_bands`]);
    /// [`NO_BAND`] where the price is unknown.
    pub price_band: Vec<u8>,
    pub popularity: Vec<f32>,
    /// Position of each item in the server's order (0 = first).
    pub server_rank: Vec<u32>,
    /// The server's opinion of each item as 0..1: log-scaled popularity (popularity is
    /// long-tailed, so the 500th of 12,000 items is far below the first), or the
    /// position in the server's order when the shop sends no popularity.
    pub prior: Vec<f32>,
    pub in_stock: Vec<bool>,
    /// See [`ItemInput::repurchase`]; 1 (a consumable) when the shop does not say.
    pub repurchase: Vec<f32>,
    pub sensitive: Vec<bool>,
    /// Attribute values (`colour=red`, `tag=organic`) in compressed rows.
    attr_start: Vec<u32>,
    attr_ids: Vec<u32>,
    pub attributes: Vec<Box<str>>,
    attribute_index: FastMap<Box<str>, u32>,
    related_start: Vec<u32>,
    related_ids: Vec<u32>,
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

/// Splits a category path into trimmed, non-empty segments joined by `/`.
pub fn normalize_path(path: &str) -> String {
    normal_path(path).into_owned()
}

/// [`normalize_path`], borrowing the path when it is already normal (most are).
fn normal_path(path: &str) -> Cow<'_, str> {
    if path
        .split('/')
        .all(|seg| !seg.is_empty() && trim(seg).len() == seg.len())
    {
        return Cow::Borrowed(path);
    }
    let mut out = String::with_capacity(path.len());
    for seg in path.split('/').map(trim).filter(|s| !s.is_empty()) {
        if !out.is_empty() {
            out.push('/');
        }
        out.push_str(seg);
    }
    Cow::Owned(out)
}

/// Does `path` equal `prefix` or lie under it (`a/b` is under `a`, `ab` is not)?
pub fn path_is_under(path: &str, prefix: &str) -> bool {
    path.strip_prefix(prefix)
        .is_some_and(|rest| rest.is_empty() || rest.starts_with('/'))
}

impl Catalogue {
    /// Validates and ingests `items`. Items without a usable id, or repeating one, are
    /// skipped; any other bad field is dropped from its item and reported.
    /// `sensitive_categories` marks every item under those paths as sensitive.
    pub fn ingest(
        items: Vec<ItemInput>,
        sensitive_categories: &[String],
    ) -> (Catalogue, LoadSummary) {
        let mut c = Catalogue::default();
        let mut summary = LoadSummary::default();
        let problem =
            |summary: &mut LoadSummary, index, id: Option<&str>, field, message: String| {
                summary.problem_count += 1;
                if summary.problems.len() < MAX_REPORTED_PROBLEMS {
                    summary.problems.push(Problem {
                        index,
                        id: id.map(str::to_owned),
                        field,
                        message,
                    });
                }
            };
        let sensitive_prefixes: Vec<String> = sensitive_categories
            .iter()
            .map(|p| normalize_path(p))
            .collect();
        // Sized once: growing by doubling would copy every column and leave the wasm
        // memory (which never shrinks) at up to twice the need.
        let n_in = items.len();
        c.index.reserve(n_in);
        c.ids.reserve(n_in);
        c.titles.reserve(n_in);
        c.category.reserve(n_in);
        c.sensitive.reserve(n_in);
        c.brand.reserve(n_in);
        c.price.reserve(n_in);
        c.popularity.reserve(n_in);
        c.in_stock.reserve(n_in);
        c.repurchase.reserve(n_in);
        c.attr_start.reserve(n_in + 1);
        // Related ids, resolved at once when they point back (most do); the rest, flagged
        // with PENDING, index `pending` (raw ids in one buffer) until every id is known.
        const PENDING: u32 = 1 << 31;
        let mut related: Vec<u32> = Vec::new();
        let mut related_end: Vec<u32> = Vec::with_capacity(n_in);
        let mut pending = String::new();
        let mut pending_end: Vec<u32> = Vec::new();
        let mut input_index: Vec<u32> = Vec::with_capacity(n_in);
        let mut key = String::new();

        // Each item is consumed (and its strings freed) as it is interned.
        for (index, item) in items.into_iter().enumerate() {
            let mut id = match item.id {
                Some(id) if !trim(&id).is_empty() => id,
                _ => {
                    problem(
                        &mut summary,
                        index,
                        None,
                        "id",
                        "missing; expected a non-empty string".into(),
                    );
                    summary.skipped += 1;
                    continue;
                }
            };
            if trim(&id).len() != id.len() {
                id = trim(&id).to_owned();
            }
            if c.index.contains_key(id.as_str()) {
                problem(
                    &mut summary,
                    index,
                    Some(&id),
                    "id",
                    "repeats an earlier item's id; this item was skipped".into(),
                );
                summary.skipped += 1;
                continue;
            }
            let n = c.ids.len() as u32;
            c.index.insert(id.as_str().into(), n);
            input_index.push(index as u32);

            c.titles.push(match item.title {
                Some(t) if trim(&t).len() == t.len() && !t.is_empty() => t.into(),
                Some(t) if !trim(&t).is_empty() => trim(&t).into(),
                _ => id.as_str().into(),
            });

            let mut path = item
                .category
                .as_deref()
                .map(normal_path)
                .unwrap_or_default();
            let sensitive_by_path =
                !path.is_empty() && sensitive_prefixes.iter().any(|p| path_is_under(&path, p));
            // (Judged on the path as sent, so a refused path cannot hide a sensitive item.)
            // Paths are interned level by level: a bound keeps that cheap and the depth in a u8.
            if path.len() > MAX_PATH_BYTES || path.matches('/').count() >= MAX_PATH_LEVELS {
                problem(
                    &mut summary,
                    index,
                    Some(&id),
                    "category",
                    "deeper than 16 levels or longer than 512 bytes; ignored".into(),
                );
                path = Cow::Borrowed("");
            }
            let node = if path.is_empty() {
                NONE
            } else {
                c.intern_category(&path)
            };
            c.category.push(node);
            c.sensitive
                .push(item.sensitive.unwrap_or(false) || sensitive_by_path);

            let brand = item.brand.as_deref().map(trim).filter(|b| !b.is_empty());
            c.brand
                .push(brand.map_or(NONE, |b| intern(&mut c.brands, &mut c.brand_index, b)));

            let price = match item.price {
                Some(p) if p.is_finite() && p >= 0.0 => p as f32,
                Some(p) => {
                    problem(
                        &mut summary,
                        index,
                        Some(&id),
                        "price",
                        format!(
                            "{} is not a finite, non-negative number; price ignored",
                            number_text(p)
                        ),
                    );
                    f32::NAN
                }
                None => f32::NAN,
            };
            c.price.push(price);

            let popularity = match item.popularity {
                Some(p) if p.is_finite() => p as f32,
                Some(p) => {
                    problem(
                        &mut summary,
                        index,
                        Some(&id),
                        "popularity",
                        format!("{} is not a finite number; treated as 0", number_text(p)),
                    );
                    0.0
                }
                None => 0.0,
            };
            c.popularity.push(popularity);
            c.in_stock.push(item.in_stock.unwrap_or(true));
            let repurchase = match item.repurchase {
                Some(r) if (0.0..=1.0).contains(&r) => r as f32,
                Some(r) => {
                    problem(
                        &mut summary,
                        index,
                        Some(&id),
                        "repurchase",
                        format!(
                            "{} is not a share from 0 to 1; treated as 1",
                            number_text(r)
                        ),
                    );
                    1.0
                }
                None => 1.0,
            };
            c.repurchase.push(repurchase);

            c.attr_start.push(c.attr_ids.len() as u32);
            for (k, v) in item.attributes.iter().flatten() {
                key.clear();
                key.push_str(trim(k));
                key.push('=');
                key.push_str(trim(v));
                let a = intern(&mut c.attributes, &mut c.attribute_index, &key);
                c.attr_ids.push(a);
            }
            for tag in item
                .tags
                .iter()
                .flatten()
                .map(|t| trim(t))
                .filter(|t| !t.is_empty())
            {
                key.clear();
                key.push_str("tag=");
                key.push_str(tag);
                let a = intern(&mut c.attributes, &mut c.attribute_index, &key);
                c.attr_ids.push(a);
            }
            for r in item.related.iter().flatten() {
                related.push(match c.index.get(trim(r)) {
                    Some(&j) => j,
                    None => {
                        pending.push_str(r);
                        pending_end.push(pending.len() as u32);
                        PENDING | (pending_end.len() as u32 - 1)
                    }
                });
            }
            related_end.push(related.len() as u32);
            c.ids.push(id.into());
        }
        c.attr_start.push(c.attr_ids.len() as u32);

        // Related ids can point forward, so the rest are resolved once every id is known.
        c.related_start.reserve(c.ids.len() + 1);
        c.related_ids.reserve(related.len());
        let mut from = 0;
        for (n, &end) in related_end.iter().enumerate() {
            c.related_start.push(c.related_ids.len() as u32);
            let mut kept = 0;
            for &r in &related[from..end as usize] {
                let found = if r & PENDING == 0 {
                    Ok(r)
                } else {
                    let k = (r & !PENDING) as usize;
                    let start = if k == 0 {
                        0
                    } else {
                        pending_end[k - 1] as usize
                    };
                    let raw = &pending[start..pending_end[k] as usize];
                    c.index.get(trim(raw)).copied().ok_or(raw)
                };
                match found {
                    Ok(j) if j as usize != n && kept < MAX_RELATED => {
                        c.related_ids.push(j);
                        kept += 1;
                    }
                    Ok(_) => {}
                    Err(raw) => problem(
                        &mut summary,
                        input_index[n] as usize,
                        Some(&c.ids[n]),
                        "related",
                        format!("unknown item id \"{raw}\"; dropped"),
                    ),
                }
            }
            from = end as usize;
        }
        c.related_start.push(c.related_ids.len() as u32);

        // The server's order: popularity descending, ties in the order given.
        let mut order: Vec<u32> = (0..c.ids.len() as u32).collect();
        let pop = &c.popularity;
        super::sort::sort_by(&mut order, &|a, b| {
            pop[*b as usize].total_cmp(&pop[*a as usize]).then(a.cmp(b))
        });
        c.server_rank = vec![0; order.len()];
        for (rank, &i) in order.iter().enumerate() {
            c.server_rank[i as usize] = rank as u32;
        }
        let max = c.popularity.iter().copied().fold(0.0f32, f32::max);
        let min = c.popularity.iter().copied().fold(0.0f32, f32::min);
        let n = c.ids.len().max(1) as f32;
        c.prior = if max > 0.0 && min >= 0.0 {
            c.popularity
                .iter()
                .map(|p| p.ln_1p() / max.ln_1p())
                .collect()
        } else {
            c.server_rank.iter().map(|&r| 1.0 - r as f32 / n).collect()
        };
        c.price_band = relative_price_bands(&c);
        summary.loaded = c.ids.len();
        (c, summary)
    }

    fn intern_category(&mut self, path: &str) -> u32 {
        if let Some(&i) = self.category_index.get(path) {
            return i;
        }
        let (parent, depth) = match path.rfind('/') {
            Some(cut) => {
                let p = self.intern_category(&path[..cut]);
                (p, self.categories[p as usize].depth + 1)
            }
            None => (NONE, 1),
        };
        let i = self.categories.len() as u32;
        self.categories.push(CategoryNode {
            path: path.into(),
            depth,
            parent,
        });
        self.category_index.insert(path.into(), i);
        i
    }

    pub fn len(&self) -> usize {
        self.ids.len()
    }
    pub fn is_empty(&self) -> bool {
        self.ids.is_empty()
    }
    pub fn lookup(&self, id: &str) -> Option<u32> {
        self.index.get(id).copied()
    }
    pub fn category_id(&self, path: &str) -> Option<u32> {
        self.category_index.get(path).copied()
    }
    pub fn brand_id(&self, name: &str) -> Option<u32> {
        self.brand_index.get(name).copied()
    }
    pub fn attribute_id(&self, key: &str) -> Option<u32> {
        self.attribute_index.get(key).copied()
    }
    pub fn attributes_of(&self, i: u32) -> &[u32] {
        let i = i as usize;
        &self.attr_ids[self.attr_start[i] as usize..self.attr_start[i + 1] as usize]
    }
    pub fn related_of(&self, i: u32) -> &[u32] {
        let i = i as usize;
        &self.related_ids[self.related_start[i] as usize..self.related_start[i + 1] as usize]
    }
    /// The item's category node and its ancestors, deepest first.
    pub fn category_chain(&self, i: u32) -> impl Iterator<Item = u32> + '_ {
        let mut node = self.category[i as usize];
        std::iter::from_fn(move || {
            if node == NONE {
                return None;
            }
            let n = node;
            node = self.categories[n as usize].parent;
            Some(n)
        })
    }
    pub fn category_path(&self, i: u32) -> Option<&str> {
        let n = self.category[i as usize];
        (n != NONE).then(|| &*self.categories[n as usize].path)
    }
    pub fn brand_name(&self, i: u32) -> Option<&str> {
        let b = self.brand[i as usize];
        (b != NONE).then(|| &*self.brands[b as usize])
    }
}

/// Each item's price band against the median price of its (deepest) category — the
/// catalogue's median for items without one — so "your usual price range" means cheap or
/// premium *for that kind of thing*: a 3-dollar cheese and a 300-dollar phone can both be
/// the shopper's "budget pick".
pub fn relative_price_bands(c: &Catalogue) -> Vec<u8> {
    let median = |mut v: Vec<f32>| -> f32 {
        if v.is_empty() {
            return f32::NAN;
        }
        // The shared sort (src/core/sort.rs): a selection here would add its own copy to the wasm.
        super::sort::sort_by(&mut v, &|a, b| a.total_cmp(b));
        v[v.len() / 2]
    };
    let priced = |i: usize| c.price[i] > 0.0;
    let overall = median(
        (0..c.len())
            .filter(|&i| priced(i))
            .map(|i| c.price[i])
            .collect(),
    );
    let mut by_node: Vec<Vec<f32>> = vec![Vec::new(); c.categories.len()];
    for i in (0..c.len()).filter(|&i| priced(i) && c.category[i] != NONE) {
        by_node[c.category[i] as usize].push(c.price[i]);
    }
    let medians: Vec<f32> = by_node.into_iter().map(median).collect();
    (0..c.len())
        .map(|i| {
            let m = match c.category[i] {
                NONE => overall,
                n => medians[n as usize],
            };
            price_band(c.price[i] / m).unwrap_or(NO_BAND)
        })
        .collect()
}

/// The price band of a price (or a price ratio): bands are a factor of √2 wide, and a
/// ratio of 1 is band 16.
pub fn price_band(price: f32) -> Option<u8> {
    if !(price > 0.0) {
        return None;
    }
    Some(((price.log2() * 2.0).floor() + 16.0).clamp(0.0, 63.0) as u8)
}

#[cfg(test)]
mod tests {
    use super::*;

    pub fn item(id: &str, category: &str) -> ItemInput {
        ItemInput {
            id: Some(id.into()),
            title: Some(format!("Item {id}")),
            category: Some(category.into()),
            ..Default::default()
        }
    }

    #[test]
    fn ingest_interns_categories_brands_and_related() {
        let mut a = item("a", "apparel/shoes/running");
        a.brand = Some("Acme".into());
        a.related = Some(vec!["b".into(), "zzz".into()]);
        a.tags = Some(vec!["trail".into()]);
        let mut b = item("b", "apparel/shoes");
        b.brand = Some("Acme".into());
        let (c, s) = Catalogue::ingest(vec![a, b], &[]);
        assert_eq!(s.loaded, 2);
        assert_eq!(s.problem_count, 1);
        assert_eq!(s.problems[0].field, "related");
        assert_eq!(s.problems[0].id.as_deref(), Some("a"));
        assert!(s.problems[0].message.contains("zzz"));
        assert_eq!(c.related_of(0), &[1]);
        assert_eq!(c.brand[0], c.brand[1]);
        assert_eq!(c.categories.len(), 3);
        let chain: Vec<&str> = c
            .category_chain(0)
            .map(|n| &*c.categories[n as usize].path)
            .collect();
        assert_eq!(chain, ["apparel/shoes/running", "apparel/shoes", "apparel"]);
        assert_eq!(
            c.attributes[c.attributes_of(0)[0] as usize].as_ref(),
            "tag=trail"
        );
    }

    #[test]
    fn bad_items_are_reported_with_field_and_item() {
        let mut nan = item("n", "x");
        nan.price = Some(f64::NAN);
        let mut inf = item("i", "x");
        inf.popularity = Some(f64::INFINITY);
        let items = vec![
            ItemInput::default(),
            item("d", "x"),
            item("d", "y"),
            nan,
            inf,
            item("  ", "x"),
        ];
        let (c, s) = Catalogue::ingest(items, &[]);
        assert_eq!(s.loaded, 3);
        assert_eq!(s.skipped, 3);
        let fields: Vec<(usize, &str)> = s.problems.iter().map(|p| (p.index, p.field)).collect();
        assert_eq!(
            fields,
            [
                (0, "id"),
                (2, "id"),
                (3, "price"),
                (4, "popularity"),
                (5, "id")
            ]
        );
        assert_eq!(s.problems[1].id.as_deref(), Some("d"));
        // The value in JS's words, not Rust's ("inf").
        assert_eq!(
            s.problems[3].message,
            "Infinity is not a finite number; treated as 0"
        );
        assert!(c.price[c.lookup("n").unwrap() as usize].is_nan());
        // The first "d" is the one kept.
        assert_eq!(c.category_path(c.lookup("d").unwrap()), Some("x"));
    }

    #[test]
    fn server_order_is_popularity_then_input_order() {
        let mut items: Vec<ItemInput> = (0..4).map(|i| item(&i.to_string(), "c")).collect();
        items[2].popularity = Some(5.0);
        items[3].popularity = Some(5.0);
        let (c, _) = Catalogue::ingest(items, &[]);
        assert_eq!(c.server_rank, vec![2, 3, 0, 1]);
    }

    #[test]
    fn absurd_category_paths_are_refused_not_interned() {
        let deep = "a/".repeat(100_000);
        let (c, s) = Catalogue::ingest(vec![item("x", &deep), item("y", &"z".repeat(600))], &[]);
        assert_eq!(s.loaded, 2);
        assert_eq!(
            s.problems.iter().map(|p| p.field).collect::<Vec<_>>(),
            ["category", "category"]
        );
        assert_eq!(c.category_path(0), None);
        assert!(c.categories.is_empty());
    }

    #[test]
    fn sensitive_categories_mark_items_under_them() {
        let items = vec![
            item("p", "meat/pork/chops"),
            item("b", "meat/beef"),
            item("q", "meat/porky"),
        ];
        let (c, _) = Catalogue::ingest(items, &["meat/pork".into()]);
        assert_eq!(c.sensitive, vec![true, false, false]);
    }

    #[test]
    fn fast_trim_and_paths_agree_with_std() {
        for s in [
            "",
            " ",
            "a",
            " a",
            "a ",
            "\u{b}a",
            "a\u{b}",
            "\u{a0}a",
            "a\u{3000}",
            "é",
            "ab",
            "a b",
        ] {
            assert_eq!(trim(s), s.trim(), "{s:?}");
        }
        for p in ["a/b", "a//b", " a / b ", "/a/", "", "a/\u{b}/b", "é/ü"] {
            let std: Vec<&str> = p
                .split('/')
                .map(str::trim)
                .filter(|s| !s.is_empty())
                .collect();
            assert_eq!(normalize_path(p), std.join("/"), "{p:?}");
        }
    }

    #[test]
    fn price_bands_are_ordered_and_bounded() {
        assert_eq!(price_band(0.0), None);
        assert_eq!(price_band(f32::NAN), None);
        assert!(price_band(1.0) < price_band(2.0));
        assert_eq!(price_band(1.0), price_band(1.3));
        assert_eq!(price_band(1e30), Some(63));
    }
}

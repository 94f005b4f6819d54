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
        // The last bytes gathered by shifts: copying them into a word is a `memcpy` call
        // in the wasm, on every key hashed.
        let tail = words
            .remainder()
            .iter()
            .rev()
            .fold(0, |t, &x| t << 8 | u64::from(x));
        self.add(tail);
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
    /// Every id, end to end (item `i`'s ends at `id_end[i]`): one allocation for all.
    id_text: String,
    id_end: Vec<u32>,
    /// Titles as ids (the id when the item has none).
    title_text: String,
    title_end: Vec<u32>,
    index: IdIndex,
    /// Position of each item in the array the shop passed, when items were skipped
    /// (empty when item `i` was at position `i`).
    position: Vec<u32>,
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
    /// The items in the server's order: the inverse of `server_rank`.
    pub server_order: Vec<u32>,
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

/// Ids → item numbers by open addressing over the ids in `Catalogue::id_text`: a map
/// keyed by the ids would keep a second copy of every id, each its own allocation.
#[derive(Debug, Default)]
struct IdIndex {
    /// Item number + 1, or 0 for a free slot; the length is a power of two.
    slots: Vec<u32>,
}

fn id_hash(id: &str) -> usize {
    let mut h = FastHasher::default();
    h.write(id.as_bytes());
    h.finish() as usize
}

/// The `i`-th of the strings kept end to end in `text`, the `k`-th ending at `ends[k]`.
fn nth<'a>(text: &'a str, ends: &[u32], i: u32) -> &'a str {
    let i = i as usize;
    let start = if i == 0 { 0 } else { ends[i - 1] as usize };
    // `get`, not `[a..b]` (the ends are always char boundaries): indexing's panic path
    // brings str slicing's error formatting (char Debug, Unicode tables) into the wasm.
    text.get(start..ends[i] as usize).unwrap_or_default()
}

#[inline]
fn same_bytes(a: &[u8], b: &[u8]) -> bool {
    a.len() == b.len() && a.iter().zip(b).all(|(x, y)| x == y)
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
    // Normal: no empty segment, none starting or ending with whitespace. One pass over
    // the bytes (ingest calls this for every item); anything else takes the slow way.
    let b = path.as_bytes();
    let ok = |c: u8| (b'!'..0x80).contains(&c) && c != b'/';
    let normal = matches!((b.first(), b.last()), (Some(&f), Some(&l)) if ok(f) && ok(l))
        && (1..b.len().saturating_sub(1)).all(|i| b[i] != b'/' || (ok(b[i - 1]) && ok(b[i + 1])));
    if normal {
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

/// One item as ingest reads it, borrowed from wherever it came from (an [`ItemInput`],
/// or the JS layer's packed buffer): nothing is copied until it is kept.
#[derive(Debug, Default, Clone, Copy)]
pub struct ItemView<'a> {
    pub id: Option<&'a str>,
    pub title: Option<&'a str>,
    pub category: Option<&'a str>,
    pub brand: Option<&'a str>,
    pub price: Option<f64>,
    pub tags: &'a [&'a str],
    /// Sorted by key, as in [`ItemInput::attributes`].
    pub attributes: &'a [(&'a str, &'a str)],
    pub popularity: Option<f64>,
    pub in_stock: Option<bool>,
    pub sensitive: Option<bool>,
    pub repurchase: Option<f64>,
    pub related: &'a [&'a str],
}

/// Ingests items one at a time ([`CatalogueBuilder::add`]), copying what it keeps into
/// the catalogue's columns, then [`CatalogueBuilder::finish`]es the derived columns.
pub struct CatalogueBuilder {
    c: Catalogue,
    summary: LoadSummary,
    sensitive_prefixes: Vec<String>,
    /// Items passed so far, kept or not.
    seen: usize,
    /// Every item's related ids as sent, end to end, resolved once every id is known
    /// (they can point forward): item `n`'s are `pending_end[related_end[n - 1]..related_end[n]]`.
    related_end: Vec<u32>,
    pending: String,
    pending_end: Vec<u32>,
    key: String,
}

impl CatalogueBuilder {
    /// A builder for about `expected` items; `sensitive_categories` marks every item
    /// under those paths as sensitive.
    pub fn new(expected: usize, sensitive_categories: &[String]) -> CatalogueBuilder {
        let mut c = Catalogue::default();
        // Sized once: growing by doubling would copy every column and leave the wasm
        // memory (which never shrinks) at up to twice the need.
        c.index.slots = vec![0; (2 * expected).max(16).next_power_of_two()];
        c.id_end.reserve(expected);
        c.title_end.reserve(expected);
        c.category.reserve(expected);
        c.sensitive.reserve(expected);
        c.brand.reserve(expected);
        c.price.reserve(expected);
        c.popularity.reserve(expected);
        c.in_stock.reserve(expected);
        c.repurchase.reserve(expected);
        c.attr_start.reserve(expected + 1);
        // The vocabularies grow far slower than the items (92k real products: 4,270
        // category nodes, 6,452 brands, 3,707 attribute values): a start that spares
        // most rehashing.
        c.category_index.reserve(expected / 16);
        c.brand_index.reserve(expected / 16);
        c.attribute_index.reserve(expected / 16);
        CatalogueBuilder {
            c,
            summary: LoadSummary::default(),
            sensitive_prefixes: sensitive_categories
                .iter()
                .map(|p| normalize_path(p))
                .collect(),
            seen: 0,
            related_end: Vec::with_capacity(expected),
            pending: String::new(),
            pending_end: Vec::new(),
            key: String::new(),
        }
    }

    fn problem(&mut self, index: usize, id: Option<&str>, field: &'static str, message: String) {
        self.summary.problem_count += 1;
        if self.summary.problems.len() < MAX_REPORTED_PROBLEMS {
            self.summary.problems.push(Problem {
                index,
                id: id.map(str::to_owned),
                field,
                message,
            });
        }
    }

    /// Adds the next item. Items without a usable id, or repeating one, are skipped;
    /// any other bad field is dropped from its item and reported.
    pub fn add(&mut self, item: &ItemView) {
        let index = self.seen;
        self.seen += 1;
        let id = match item.id.map(trim) {
            Some(id) if !id.is_empty() => id,
            _ => {
                self.problem(
                    index,
                    None,
                    "id",
                    "missing; expected a non-empty string".into(),
                );
                self.summary.skipped += 1;
                return;
            }
        };
        let slot = match self.c.find(id) {
            Err(slot) => slot,
            Ok(_) => {
                self.problem(
                    index,
                    Some(id),
                    "id",
                    "repeats an earlier item's id; this item was skipped".into(),
                );
                self.summary.skipped += 1;
                return;
            }
        };
        let c = &mut self.c;
        let n = c.id_end.len() as u32;
        // Once an item is skipped, every later one sits further in the array than in
        // the catalogue: from then on positions are kept.
        if index != n as usize {
            if c.position.is_empty() {
                c.position.extend(0..n);
            }
            c.position.push(index as u32);
        }
        c.id_text.push_str(id);
        c.id_end.push(c.id_text.len() as u32);
        c.index.slots[slot] = n + 1;
        if 4 * c.id_end.len() > 3 * c.index.slots.len() {
            c.grow_index();
        }
        c.title_text
            .push_str(item.title.map(trim).filter(|t| !t.is_empty()).unwrap_or(id));
        c.title_end.push(c.title_text.len() as u32);

        let mut path = item.category.map(normal_path).unwrap_or_default();
        let sensitive_by_path = !path.is_empty()
            && self
                .sensitive_prefixes
                .iter()
                .any(|p| path_is_under(&path, p));
        // (Judged on the path as sent, so a refused path cannot hide a sensitive item.)
        // Paths are interned level by level: a bound keeps that cheap and the depth in a u8.
        if path.len() > MAX_PATH_BYTES
            || path.bytes().filter(|&c| c == b'/').count() >= MAX_PATH_LEVELS
        {
            self.problem(
                index,
                Some(id),
                "category",
                "deeper than 16 levels or longer than 512 bytes; ignored".into(),
            );
            path = Cow::Borrowed("");
        }
        let c = &mut self.c;
        let node = if path.is_empty() {
            NONE
        } else {
            c.intern_category(&path)
        };
        c.category.push(node);
        c.sensitive
            .push(item.sensitive.unwrap_or(false) || sensitive_by_path);
        let brand = item.brand.map(trim).filter(|b| !b.is_empty());
        c.brand
            .push(brand.map_or(NONE, |b| intern(&mut c.brands, &mut c.brand_index, b)));
        c.in_stock.push(item.in_stock.unwrap_or(true));

        // Kept as f32: a finite f64 beyond f32's range would become infinite there (and an
        // infinite popularity makes every prior NaN), so it is refused like a non-finite one.
        let price = match item.price {
            Some(p) if p >= 0.0 && (p as f32).is_finite() => p as f32,
            Some(p) if p.is_finite() && p >= 0.0 => {
                let m = number_text(p) + " is above 3.4e38, the largest price kept; price ignored";
                self.problem(index, Some(id), "price", m);
                f32::NAN
            }
            Some(p) => {
                let m = number_text(p) + " is not a finite, non-negative number; price ignored";
                self.problem(index, Some(id), "price", m);
                f32::NAN
            }
            None => f32::NAN,
        };
        self.c.price.push(price);
        let popularity = match item.popularity {
            Some(p) if (p as f32).is_finite() => p as f32,
            Some(p) if p.is_finite() => {
                let m = number_text(p) + " is beyond ±3.4e38, the range kept; treated as 0";
                self.problem(index, Some(id), "popularity", m);
                0.0
            }
            Some(p) => {
                let m = number_text(p) + " is not a finite number; treated as 0";
                self.problem(index, Some(id), "popularity", m);
                0.0
            }
            None => 0.0,
        };
        self.c.popularity.push(popularity);
        let repurchase = match item.repurchase {
            Some(r) if (0.0..=1.0).contains(&r) => r as f32,
            Some(r) => {
                let m = number_text(r) + " is not a share from 0 to 1; treated as 1";
                self.problem(index, Some(id), "repurchase", m);
                1.0
            }
            None => 1.0,
        };
        self.c.repurchase.push(repurchase);

        let (c, key) = (&mut self.c, &mut self.key);
        c.attr_start.push(c.attr_ids.len() as u32);
        for (k, v) in item.attributes {
            key.clear();
            key.push_str(trim(k));
            key.push('=');
            key.push_str(trim(v));
            let a = intern(&mut c.attributes, &mut c.attribute_index, key);
            c.attr_ids.push(a);
        }
        for tag in item.tags.iter().map(|t| trim(t)).filter(|t| !t.is_empty()) {
            key.clear();
            key.push_str("tag=");
            key.push_str(tag);
            let a = intern(&mut c.attributes, &mut c.attribute_index, key);
            c.attr_ids.push(a);
        }
        for r in item.related {
            self.pending.push_str(r);
            self.pending_end.push(self.pending.len() as u32);
        }
        self.related_end.push(self.pending_end.len() as u32);
    }

    /// Resolves the related ids and derives the server's order, the priors and the
    /// price bands.
    pub fn finish(mut self) -> (Catalogue, LoadSummary) {
        let mut c = std::mem::take(&mut self.c);
        c.attr_start.push(c.attr_ids.len() as u32);
        c.related_start.reserve(c.len() + 1);
        c.related_ids.reserve(self.pending_end.len());
        let mut from = 0;
        for (n, &end) in self.related_end.iter().enumerate() {
            c.related_start.push(c.related_ids.len() as u32);
            let mut kept = 0;
            for k in from..end {
                let raw = nth(&self.pending, &self.pending_end, k);
                match c.find(trim(raw)) {
                    Ok(j) if j as usize != n && kept < MAX_RELATED => {
                        c.related_ids.push(j);
                        kept += 1;
                    }
                    Ok(_) => {}
                    Err(_) => {
                        let index = c.position(n as u32) as usize;
                        let m = "unknown item id \"".to_owned() + raw + "\"; dropped";
                        self.summary.problem_count += 1;
                        if self.summary.problems.len() < MAX_REPORTED_PROBLEMS {
                            self.summary.problems.push(Problem {
                                index,
                                id: Some(c.id(n as u32).to_owned()),
                                field: "related",
                                message: m,
                            });
                        }
                    }
                }
            }
            from = end;
        }
        c.related_start.push(c.related_ids.len() as u32);

        // The server's order: popularity descending, ties in the order given.
        let mut keys: Vec<u64> = c
            .popularity
            .iter()
            .enumerate()
            .map(|(i, &p)| u64::from(!super::sort::f32_key(p)) << 32 | i as u64)
            .collect();
        super::sort::radix_sort(&mut keys);
        c.server_order = keys.into_iter().map(|k| k as u32).collect();
        c.server_rank = vec![0; c.len()];
        for (rank, &i) in c.server_order.iter().enumerate() {
            c.server_rank[i as usize] = rank as u32;
        }
        let max = c.popularity.iter().copied().fold(0.0f32, f32::max);
        let min = c.popularity.iter().copied().fold(0.0f32, f32::min);
        let n = c.len().max(1) as f32;
        c.prior = if max > 0.0 && min >= 0.0 {
            c.popularity
                .iter()
                .map(|p| p.ln_1p() / max.ln_1p())
                .collect()
        } else {
            c.server_rank.iter().map(|&r| 1.0 - r as f32 / n).collect()
        };
        c.price_band = relative_price_bands(&c);
        self.summary.loaded = c.len();
        (c, self.summary)
    }
}

impl Catalogue {
    /// Validates and ingests `items` (see [`CatalogueBuilder`]).
    pub fn ingest(
        items: Vec<ItemInput>,
        sensitive_categories: &[String],
    ) -> (Catalogue, LoadSummary) {
        let mut b = CatalogueBuilder::new(items.len(), sensitive_categories);
        let (mut tags, mut attributes, mut related) = (Vec::new(), Vec::new(), Vec::new());
        for item in &items {
            tags.clear();
            tags.extend(item.tags.iter().flatten().map(String::as_str));
            attributes.clear();
            attributes.extend(
                item.attributes
                    .iter()
                    .flatten()
                    .map(|(k, v)| (k.as_str(), v.as_str())),
            );
            related.clear();
            related.extend(item.related.iter().flatten().map(String::as_str));
            b.add(&ItemView {
                id: item.id.as_deref(),
                title: item.title.as_deref(),
                category: item.category.as_deref(),
                brand: item.brand.as_deref(),
                price: item.price,
                tags: &tags,
                attributes: &attributes,
                popularity: item.popularity,
                in_stock: item.in_stock,
                sensitive: item.sensitive,
                repurchase: item.repurchase,
                related: &related,
            });
        }
        drop(items);
        b.finish()
    }

    /// Item `i`'s id.
    pub fn id(&self, i: u32) -> &str {
        nth(&self.id_text, &self.id_end, i)
    }

    /// Item `i`'s title (its id when it has none).
    pub fn title(&self, i: u32) -> &str {
        nth(&self.title_text, &self.title_end, i)
    }

    /// Item `i`'s position in the array the shop passed to `loadCatalogue`.
    pub fn position(&self, i: u32) -> u32 {
        self.position.get(i as usize).copied().unwrap_or(i)
    }

    /// The item numbered `id`, or the free slot where it would go.
    fn find(&self, id: &str) -> Result<u32, usize> {
        let mask = self.index.slots.len() - 1;
        let mut slot = id_hash(id) & mask;
        loop {
            match self.index.slots[slot] {
                0 => return Err(slot),
                // Bytes compared in line: `==` on strings is a `memcmp` call in the wasm.
                k if same_bytes(self.id(k - 1).as_bytes(), id.as_bytes()) => return Ok(k - 1),
                _ => slot = (slot + 1) & mask,
            }
        }
    }

    /// Doubles the id index (more items came than were announced).
    fn grow_index(&mut self) {
        let slots = vec![0; 2 * self.index.slots.len()];
        let mask = slots.len() - 1;
        self.index.slots = slots;
        for i in 0..self.id_end.len() as u32 {
            let mut slot = id_hash(self.id(i)) & mask;
            while self.index.slots[slot] != 0 {
                slot = (slot + 1) & mask;
            }
            self.index.slots[slot] = i + 1;
        }
    }

    fn intern_category(&mut self, path: &str) -> u32 {
        if let Some(&i) = self.category_index.get(path) {
            return i;
        }
        let (parent, depth) = match path.rfind('/') {
            Some(cut) => {
                let p = self.intern_category(path.get(..cut).unwrap_or_default());
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
        self.id_end.len()
    }
    pub fn is_empty(&self) -> bool {
        self.id_end.is_empty()
    }
    pub fn lookup(&self, id: &str) -> Option<u32> {
        if self.index.slots.is_empty() {
            return None; // the default, empty catalogue
        }
        self.find(id).ok()
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
    /// The attribute rows: item `i`'s attributes are `ids[start[i]..start[i + 1]]`.
    pub fn attribute_rows(&self) -> (&[u32], &[u32]) {
        (&self.attr_start, &self.attr_ids)
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
    use super::sort::{f32_key, key_f32, radix_sort};
    // Medians (the upper one of an even count) from linear-time sorts of the prices, the
    // per-category ones keyed by category first so each category's prices are one run.
    let priced = |i: &usize| c.price[*i] > 0.0;
    let mut all: Vec<u64> = (0..c.len())
        .filter(priced)
        .map(|i| u64::from(f32_key(c.price[i])))
        .collect();
    radix_sort(&mut all);
    let overall = all
        .get(all.len() / 2)
        .map_or(f32::NAN, |&k| key_f32(k as u32));
    drop(all);
    let mut keyed: Vec<u64> = (0..c.len())
        .filter(|i| priced(i) && c.category[*i] != NONE)
        .map(|i| u64::from(c.category[i]) << 32 | u64::from(f32_key(c.price[i])))
        .collect();
    radix_sort(&mut keyed);
    let mut medians = vec![f32::NAN; c.categories.len()];
    for run in keyed.chunk_by(|a, b| a >> 32 == b >> 32) {
        medians[(run[0] >> 32) as usize] = key_f32(run[run.len() / 2] as u32);
    }
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
    fn numbers_beyond_f32_are_refused_and_leave_the_priors_whole() {
        let mut big = item("a", "x");
        big.popularity = Some(1e39);
        big.price = Some(1e39);
        let mut b = item("b", "x");
        b.popularity = Some(5.0);
        b.price = Some(2.0);
        let mut c = item("c", "x");
        c.popularity = Some(1.0);
        c.price = Some(3.0);
        let (cat, s) = Catalogue::ingest(vec![big, b, c], &[]);
        let problems: Vec<(&str, &str)> = s
            .problems
            .iter()
            .map(|p| (p.field, p.message.as_str()))
            .collect();
        assert_eq!(
            problems,
            [
                (
                    "price",
                    "1e+39 is above 3.4e38, the largest price kept; price ignored"
                ),
                (
                    "popularity",
                    "1e+39 is beyond ±3.4e38, the range kept; treated as 0"
                ),
            ]
        );
        assert!(cat.prior.iter().all(|p| p.is_finite()), "{:?}", cat.prior);
        assert_eq!(cat.server_order, [1, 2, 0]);
        assert_ne!(cat.price_band[1], NO_BAND);
    }

    #[test]
    fn the_id_index_grows_past_the_announced_count_and_finds_every_id() {
        let mut b = CatalogueBuilder::new(1, &[]);
        let ids: Vec<String> = (0..1000).map(|k| format!(" sku-{k} ")).collect();
        for id in &ids {
            b.add(&ItemView {
                id: Some(id),
                related: &["sku-0", "sku-999"],
                ..Default::default()
            });
        }
        let (c, s) = b.finish();
        assert_eq!((s.loaded, s.problem_count), (1000, 0));
        for (k, id) in ids.iter().enumerate() {
            assert_eq!(c.lookup(id.trim()), Some(k as u32));
            assert_eq!((c.id(k as u32), c.title(k as u32)), (id.trim(), id.trim()));
            assert_eq!(c.position(k as u32), k as u32);
        }
        assert_eq!(c.lookup("sku-1000"), None);
        assert_eq!(c.related_of(5), &[0, 999]);
        assert_eq!(c.related_of(0), &[999], "an item is not related to itself");
        assert_eq!(Catalogue::default().lookup("sku-0"), None);
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
        for p in [
            "a/b",
            "a//b",
            " a / b ",
            "/a/",
            "",
            "a/\u{b}/b",
            "é/ü",
            "a",
            "a/ b",
            "a /b",
            "x/y/z",
            "a/\u{a0}b",
            "/",
        ] {
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

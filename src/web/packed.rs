//! The fast path of `loadCatalogue`: the JS layer (`packCatalogue` in www/lib/index.js)
//! walks the items once and sends every text field in ONE UTF-8 buffer (each followed by
//! the byte 1) and every flag, count and number in ONE `Float64Array`, instead of one
//! crossing and one copy per string through `de.rs`; ingest borrows the strings in place.
//! It only packs catalogues that the reader of `de.rs` would read without an error (and
//! no string holding U+0001), so there is nothing to report here: anything that does not
//! add up returns `None`, and the JS layer falls back to the plain reader.
//!
//! Per item: a bit mask of the fields present (in `ItemInput`'s order: id, title,
//! category, brand, price, tags, attributes, popularity, inStock, sensitive, repurchase,
//! related), then, for each present field, its number (price, popularity, repurchase),
//! 0/1 (inStock, sensitive) or count (tags, attribute pairs, related); the strings follow
//! in the same order (an attribute as key then value).

use crate::core::catalogue::{CatalogueBuilder, ItemView};

/// Adds the packed items to `b`, borrowing every string from `text`; `None` when the
/// packing does not add up (then `b` must be dropped).
pub fn unpack(text: &[u8], nums: &[f64], b: &mut CatalogueBuilder) -> Option<()> {
    let mut strings = std::str::from_utf8(text).ok()?.split('\u{1}');
    let mut nums = nums.iter().copied();
    let n = nums.next()? as usize;
    // One set of list buffers for every item: no allocation per item.
    let (mut tags, mut attributes, mut related) = (Vec::new(), Vec::new(), Vec::new());
    for _ in 0..n {
        let mask = nums.next()? as u32;
        let has = |bit: u32| mask & (1 << bit) != 0;
        let mut item = ItemView::default();
        if has(0) {
            item.id = Some(strings.next()?);
        }
        if has(1) {
            item.title = Some(strings.next()?);
        }
        if has(2) {
            item.category = Some(strings.next()?);
        }
        if has(3) {
            item.brand = Some(strings.next()?);
        }
        if has(4) {
            item.price = Some(nums.next()?);
        }
        tags.clear();
        if has(5) {
            for _ in 0..nums.next()? as usize {
                tags.push(strings.next()?);
            }
        }
        attributes.clear();
        if has(6) {
            for _ in 0..nums.next()? as usize {
                let pair = (strings.next()?, strings.next()?);
                // In key order, as the plain reader's map holds them (a JS object's
                // keys are distinct): an insertion into the few pairs before it.
                let at = attributes.partition_point(|&(k, _): &(&str, &str)| k < pair.0);
                attributes.insert(at, pair);
            }
        }
        if has(7) {
            item.popularity = Some(nums.next()?);
        }
        if has(8) {
            item.in_stock = Some(nums.next()? != 0.0);
        }
        if has(9) {
            item.sensitive = Some(nums.next()? != 0.0);
        }
        if has(10) {
            item.repurchase = Some(nums.next()?);
        }
        related.clear();
        if has(11) {
            for _ in 0..nums.next()? as usize {
                related.push(strings.next()?);
            }
        }
        item.tags = &tags;
        item.attributes = &attributes;
        item.related = &related;
        b.add(&item);
    }
    // Every string taken, every number read: the text ends with one empty piece after
    // the last separator.
    (strings.next()?.is_empty() && strings.next().is_none() && nums.next().is_none()).then_some(())
}

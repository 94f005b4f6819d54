//! The fast path of `loadCatalogue`: the JS layer (`packCatalogue` in www/lib/index.js)
//! walks the items once and sends every text field in ONE UTF-8 buffer (each followed by
//! the byte 1) and every flag, count and number in ONE `Float64Array`, instead of one
//! crossing and one copy per string through `de.rs`. It only packs catalogues that the
//! reader of `de.rs` would read without an error (and no string holding U+0001), so there
//! is nothing to report here: anything that does not add up returns `None` and the JS
//! layer falls back to the plain reader.
//!
//! Per item: a bit mask of the fields present (in [`ItemInput`]'s order: id, title,
//! category, brand, price, tags, attributes, popularity, inStock, sensitive, repurchase,
//! related), then, for each present field, its number (price, popularity, repurchase),
//! 0/1 (inStock, sensitive) or count (tags, attribute pairs, related); the strings follow
//! in the same order (an attribute as key then value).

use crate::core::ItemInput;
use std::collections::BTreeMap;

/// The next `k` strings.
fn strings_of(text: &mut impl FnMut() -> Option<String>, k: f64) -> Option<Vec<String>> {
    let mut out = Vec::new();
    for _ in 0..k as usize {
        out.push(text()?);
    }
    Some(out)
}

pub fn unpack(text: &[u8], nums: &[f64]) -> Option<Vec<ItemInput>> {
    let mut strings = std::str::from_utf8(text).ok()?.split('\u{1}');
    let mut nums = nums.iter().copied();
    let n = nums.next()? as usize;
    let mut items = Vec::with_capacity(n.min(nums.len()));
    let mut text = || strings.next().map(str::to_owned);
    for _ in 0..n {
        let mask = nums.next()? as u32;
        let has = |bit: u32| mask & (1 << bit) != 0;
        let mut item = ItemInput::default();
        if has(0) {
            item.id = Some(text()?);
        }
        if has(1) {
            item.title = Some(text()?);
        }
        if has(2) {
            item.category = Some(text()?);
        }
        if has(3) {
            item.brand = Some(text()?);
        }
        if has(4) {
            item.price = Some(nums.next()?);
        }
        if has(5) {
            item.tags = Some(strings_of(&mut text, nums.next()?)?);
        }
        if has(6) {
            // One by one, as de.rs's reader inserts them: BTreeMap's FromIterator would
            // bring its sort into the wasm.
            let mut map = BTreeMap::new();
            for _ in 0..nums.next()? as usize {
                map.insert(text()?, text()?);
            }
            item.attributes = Some(map);
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
        if has(11) {
            item.related = Some(strings_of(&mut text, nums.next()?)?);
        }
        items.push(item);
    }
    // Every string taken, every number read: the text ends with one empty piece after
    // the last separator.
    (text()?.is_empty() && text().is_none() && nums.next().is_none()).then_some(items)
}

//! Writes the demo shop's catalogue and its offer pool from the real Complete Journey
//! data (84.51°, CC0) — what a shop's server would send.
//!
//! The catalogue (`catalogue.json`): the most-bought products with prices from the
//! transactions, the server's popularity (distinct buying households) and `related`
//! lists from aggregate co-purchase.
//!
//! The offers (`offers.json`, next to the catalogue): an always-on pool of a few hundred,
//! each sized from what the sample's transactions show (`retail_disc`, the loyalty-card
//! discount, and `coupon_disc`, redeemed coupons; a rate is `retail_disc / (sales_value +
//! retail_disc)`, i.e. off the shelf price), rounded the way shops print offers:
//! - **categories** (`off-cat-…`): every "Dept/Category" with at least 20 purchase lines
//!   of catalogue products, plus the demo's sensitive categories, at the median discount
//!   rate of its discounted lines (5–40 %);
//! - **makers** (`off-maker-…`): the 80 makers bought by the most households, as an amount
//!   off where the sample has coupons redeemed on them (the median coupon, at most 30 % of
//!   their median price), else as their median discount rate (5–30 %), and every maker
//!   with 3 or more products in a sensitive category; marked `sensitive` when the maker
//!   has any product in a sensitive category (Tailor cannot tell that from a brand name);
//! - **buy again** (`off-item-…`): the 30 products most often bought again by the same
//!   household, at their median discount rate (10–30 %);
//! - **weekly deals** (`off-week-…`, capped at one per shopper): the products most often
//!   sold on promotion, at their median promoted rate (10–50 %): 20 running this week,
//!   2 that ended last week and 2 that start next week, so the date rule is visible;
//! - **the whole shop**: an amount off orders from the 90th, 99th and 99.9th percentile
//!   of the sample's basket values (rounded up to $5), sized by the discount rate of
//!   baskets that large, once per shopper (`off-basket-…`); a first-order percentage for
//!   new shoppers (`off-welcome`, the rate on households' first baskets) and one for
//!   returning shoppers on orders of the smallest threshold (`off-returning`, the rate on
//!   later baskets of that size).
//!
//! `offers.json` is `{ about, day, sensitiveCategories, offers }`: `offers` is the pool to
//! pass to `tailor.offers`; `sensitiveCategories` are the ones the offers were judged by
//! (the shop passes the same to `Tailor.open`). Offer titles are unique (one offer per
//! product title), ids are stable across runs (`off-<kind>-<category, maker or product>`).
//!
//! Deterministic: no randomness; the only input besides the data is the day, which sets
//! the date windows (UTC midnight of today, or of `SOURCE_DATE_EPOCH` when set). The pool
//! is checked with Tailor's own offer validation against the catalogue: any problem fails
//! the export.
//!
//! Usage: make-catalogue [DATA_DIR] [OUT_FILE] [N_ITEMS]
//!   defaults: ../shared/data/completejourney www/data/catalogue.json 3000
//!   (the offers go to offers.json in OUT_FILE's directory)

// A native tool: on wasm32 (built alongside the wasm tests) it compiles to nothing.
#![cfg_attr(target_arch = "wasm32", no_main)]

#[cfg(not(target_arch = "wasm32"))]
fn main() -> Result<(), Box<dyn std::error::Error>> {
    tool::main()
}

#[cfg(not(target_arch = "wasm32"))]
mod tool {
    use serde_json::{json, Value};
    use std::collections::{BTreeMap, BTreeSet, HashMap, HashSet};
    use std::path::{Path, PathBuf};
    use tailor::core::catalogue::{Catalogue, ItemInput};
    use tailor::core::offers::{OfferInput, OfferPool};
    use tailor::dataset::{
        co_purchase, label, parse_timestamp, read_complete_journey, unit_prices, Table, DEPARTMENTS,
    };

    /// The demo shop's sensitive categories (www/shop.js passes the same to Tailor):
    /// religion-linked food, infants, tobacco, alcohol.
    const SENSITIVE: &[&str] = &[
        "Meat/Pork",
        "Health & home/Infant formula",
        "Health & home/Cigarettes",
        "Grocery/Beers, ales",
    ];
    const RELATED_PER_ITEM: usize = 8;
    /// Pairs bought by fewer households than this are noise, not "goes together".
    const MIN_CO_BUYERS: u32 = 2;

    const DAY_MS: i64 = 86_400_000;
    /// A category gets an offer from this many purchase lines of its catalogue products.
    const MIN_CATEGORY_LINES: usize = 20;
    const MAKERS: usize = 80;
    const BUY_AGAIN: usize = 30;
    const BUY_AGAIN_MIN_HOUSEHOLDS: usize = 10;
    const WEEKLY_RUNNING: usize = 20;
    const WEEKLY_ENDED: usize = 2;
    const WEEKLY_UPCOMING: usize = 2;
    const WEEKLY_MIN_LINES: usize = 15;

    /// One product of the shop, as the offers need it.
    struct ShopItem {
        /// The catalogue id (`cj-…`).
        id: String,
        /// The data's product id.
        product: String,
        title: String,
        /// `Dept/Category`: the level offers name.
        dept_category: String,
        /// The manufacturer id of a national brand.
        maker: Option<String>,
        price: f64,
    }

    impl ShopItem {
        fn sensitive(&self) -> bool {
            SENSITIVE.contains(&self.dept_category.as_str())
        }
    }

    /// One purchase line with its discounts (read apart: the shared reader keeps none).
    struct Sale {
        household: String,
        basket: String,
        product: String,
        /// What the shopper paid.
        paid: f64,
        /// The loyalty-card discount.
        retail_disc: f64,
        /// A redeemed coupon.
        coupon: f64,
        at: i64,
    }

    impl Sale {
        /// The discount off the shelf price, 0..1; `None` for returns and free lines.
        fn rate(&self) -> Option<f64> {
            let shelf = self.paid + self.retail_disc;
            (self.paid > 0.0 && self.retail_disc >= 0.0 && shelf > 0.0)
                .then(|| self.retail_disc / shelf)
        }
    }

    fn read_sales(dir: &Path) -> std::io::Result<Vec<Sale>> {
        let t = Table::read(&dir.join("transactions.csv"))?;
        let (hh, basket, prod, value, disc, coupon, ts) = (
            t.col("household_id")?,
            t.col("basket_id")?,
            t.col("product_id")?,
            t.col("sales_value")?,
            t.col("retail_disc")?,
            t.col("coupon_disc")?,
            t.col("transaction_timestamp")?,
        );
        let num = |s: &str| {
            s.parse::<f64>()
                .ok()
                .filter(|x| x.is_finite())
                .unwrap_or(0.0)
        };
        Ok(t.rows
            .iter()
            .filter(|r| r.len() == t.header.len())
            .map(|r| Sale {
                household: r[hh].clone(),
                basket: r[basket].clone(),
                product: r[prod].clone(),
                paid: num(&r[value]),
                // Discounts are stored as negatives in some releases of the data.
                retail_disc: num(&r[disc]).abs(),
                coupon: num(&r[coupon]).abs(),
                at: parse_timestamp(&r[ts]).unwrap_or(0),
            })
            .collect())
    }

    pub fn main() -> Result<(), Box<dyn std::error::Error>> {
        let args: Vec<String> = std::env::args().skip(1).collect();
        let dir = PathBuf::from(
            args.first()
                .map_or("../shared/data/completejourney", String::as_str),
        );
        let out = PathBuf::from(
            args.get(1)
                .map_or("www/data/catalogue.json", String::as_str),
        );
        let n_items: usize = args.get(2).map_or(Ok(3000), |s| s.parse())?;
        let offers_out = out.with_file_name("offers.json");

        let (products, lines) = read_complete_journey(&dir)?;
        let prices = unit_prices(&lines);
        let departments: HashMap<&str, &str> = DEPARTMENTS.iter().copied().collect();
        let by_id: HashMap<&str, _> = products
            .iter()
            .filter(|p| {
                departments.contains_key(p.department.as_str())
                    && !p.category.is_empty()
                    && !p.kind.is_empty()
            })
            .map(|p| (p.id.as_str(), p))
            .collect();

        // Popularity: distinct households that bought the product.
        let mut buyers: HashMap<&str, HashSet<&str>> = HashMap::new();
        for l in &lines {
            if by_id.contains_key(l.product.as_str()) && prices.contains_key(l.product.as_str()) {
                buyers.entry(&l.product).or_default().insert(&l.household);
            }
        }
        let mut chosen: Vec<(&str, usize)> = buyers.iter().map(|(p, h)| (*p, h.len())).collect();
        chosen.sort_by(|a, b| b.1.cmp(&a.1).then(a.0.cmp(b.0)));
        chosen.truncate(n_items);
        let chosen_set: HashSet<&str> = chosen.iter().map(|c| c.0).collect();

        // Related: cosine similarity of the sets of households that bought each pair.
        let mut baskets: BTreeMap<&str, Vec<&str>> = BTreeMap::new();
        for (p, hs) in &buyers {
            if chosen_set.contains(p) {
                for h in hs {
                    baskets.entry(h).or_default().push(p);
                }
            }
        }
        let mut related = co_purchase(&mut baskets, &buyers, MIN_CO_BUYERS);

        let mut shop_items = Vec::with_capacity(chosen.len());
        let items: Vec<Value> = chosen
            .iter()
            .map(|&(id, households)| {
                let p = by_id[id];
                let mut rel = related.remove(id).unwrap_or_default();
                rel.sort_by(|a, b| b.0.total_cmp(&a.0).then(a.1.cmp(b.1)));
                let rel: Vec<&str> = rel.into_iter().take(RELATED_PER_ITEM).map(|r| r.1).collect();
                let kind = label(&p.kind);
                // A one-word type ("Traditional") says little alone: lead with its category.
                let name = if kind.split_whitespace().count() < 2 { format!("{} – {}", label(&p.category), kind.to_lowercase()) } else { kind.clone() };
                let title = if p.package_size.trim().is_empty() { name } else { format!("{name}, {}", p.package_size.trim().to_lowercase()) };
                let brand = if p.national_brand { format!("Maker {}", p.manufacturer) } else { "Store brand".to_string() };
                let mut attributes = serde_json::Map::new();
                if !p.package_size.trim().is_empty() {
                    attributes.insert("size".into(), json!(p.package_size.trim().to_lowercase()));
                }
                let dept_category = format!("{}/{}", departments[p.department.as_str()], label(&p.category));
                let category = format!("{dept_category}/{kind}");
                let price = (prices[id] * 100.0).round() / 100.0;
                shop_items.push(ShopItem {
                    id: format!("cj-{id}"),
                    product: id.to_owned(),
                    title: title.clone(),
                    dept_category,
                    maker: p.national_brand.then(|| p.manufacturer.clone()),
                    price,
                });
                json!({
                    "id": format!("cj-{id}"),
                    "title": title,
                    "category": category,
                    "brand": brand,
                    "price": price,
                    "tags": if p.national_brand { vec!["national brand"] } else { vec!["store brand"] },
                    "attributes": attributes,
                    "popularity": households,
                    "related": rel.iter().map(|r| format!("cj-{r}")).collect::<Vec<_>>(),
                })
            })
            .collect();
        let with_related = items
            .iter()
            .filter(|i| i["related"].as_array().is_some_and(|r| !r.is_empty()))
            .count();
        if let Some(parent) = out.parent() {
            std::fs::create_dir_all(parent)?;
        }
        std::fs::write(&out, serde_json::to_string(&items)?)?;
        eprintln!(
            "make-catalogue: {} items ({} with related lists) from {} products and {} purchase lines → {}",
            items.len(),
            with_related,
            products.len(),
            lines.len(),
            out.display()
        );

        // The offers, from the same data, checked against the catalogue as Tailor reads it.
        let sales = read_sales(&dir)?;
        let today = today_utc()?;
        let offers = make_offers(&shop_items, &sales, today);
        let (sensitive, problems) = check_pool(&items, &offers)?;
        if !problems.is_empty() {
            return Err(format!("the offer pool has problems:\n{}", problems.join("\n")).into());
        }
        let pool = json!({
            "about": "Offers derived from the discounts and coupons in 84.51° “The Complete Journey” (CC0): see src/bin/make-catalogue.rs.",
            "day": iso_day(today),
            "sensitiveCategories": SENSITIVE,
            "offers": offers,
        });
        std::fs::write(&offers_out, serde_json::to_string(&pool)?)?;
        eprintln!(
            "make-catalogue: {} offers ({} on sensitive things; windows around {}) from {} discounted lines → {}",
            offers.len(),
            sensitive,
            iso_day(today),
            sales.iter().filter(|s| s.retail_disc > 0.0 || s.coupon > 0.0).count(),
            offers_out.display()
        );
        Ok(())
    }

    // ------------------------------------------------------------------ offers

    /// UTC midnight of today, or of `SOURCE_DATE_EPOCH` (seconds) when set.
    fn today_utc() -> Result<i64, Box<dyn std::error::Error>> {
        let now_ms = match std::env::var("SOURCE_DATE_EPOCH") {
            Ok(s) => {
                s.trim()
                    .parse::<i64>()
                    .map_err(|e| format!("SOURCE_DATE_EPOCH: {e}"))?
                    * 1000
            }
            Err(_) => std::time::SystemTime::now()
                .duration_since(std::time::UNIX_EPOCH)?
                .as_millis() as i64,
        };
        Ok(now_ms.div_euclid(DAY_MS) * DAY_MS)
    }

    /// `YYYY-MM-DD` of a UTC midnight.
    fn iso_day(ms: i64) -> String {
        tailor::core::ldp::date(ms.div_euclid(DAY_MS))
    }

    fn median(mut v: Vec<f64>) -> Option<f64> {
        if v.is_empty() {
            return None;
        }
        v.sort_by(f64::total_cmp);
        Some(v[v.len() / 2])
    }

    /// The median of the positive rates, as a whole percentage in steps of 5, within
    /// `lo..=hi`; `lo` when nothing was discounted.
    fn percent(rates: &[f64], lo: u32, hi: u32) -> u32 {
        let positive: Vec<f64> = rates.iter().copied().filter(|r| *r > 0.0).collect();
        median(positive).map_or(lo, |m| ((m * 20.0).round() as u32 * 5).clamp(lo, hi))
    }

    /// The rate of a group of baskets: their discount over their shelf value.
    fn pooled_rate<'a>(baskets: impl Iterator<Item = &'a (f64, f64)>) -> f64 {
        let (paid, disc) = baskets.fold((0.0, 0.0), |(p, d), b| (p + b.0, d + b.1));
        if paid + disc > 0.0 {
            disc / (paid + disc)
        } else {
            0.0
        }
    }

    fn money(x: f64) -> String {
        if x.fract().abs() < 1e-9 {
            format!("${x:.0}")
        } else {
            format!("${x:.2}")
        }
    }

    /// One space between words (some package sizes in the data have runs of them).
    fn tidy(title: &str) -> String {
        title.split_whitespace().collect::<Vec<_>>().join(" ")
    }

    /// `Grocery/Beers, ales` → `grocery-beers-ales`.
    fn slug(text: &str) -> String {
        let mut s = String::new();
        for c in text.chars() {
            if c.is_ascii_alphanumeric() {
                s.push(c.to_ascii_lowercase());
            } else if !s.ends_with('-') && !s.is_empty() {
                s.push('-');
            }
        }
        s.trim_end_matches('-').to_owned()
    }

    fn value(percent: Option<u32>, amount: Option<f64>) -> Value {
        match (percent, amount) {
            (Some(p), _) => json!({ "percent": p }),
            (None, Some(a)) => json!({ "amount": a }),
            (None, None) => unreachable!("an offer has a value"),
        }
    }

    fn make_offers(items: &[ShopItem], sales: &[Sale], today: i64) -> Vec<Value> {
        let by_product: HashMap<&str, &ShopItem> =
            items.iter().map(|i| (i.product.as_str(), i)).collect();

        // What the data says about each product, category and maker of the shop.
        let mut item_rates: BTreeMap<&str, Vec<f64>> = BTreeMap::new();
        let mut category_rates: BTreeMap<&str, Vec<f64>> = BTreeMap::new();
        let mut maker_rates: BTreeMap<&str, Vec<f64>> = BTreeMap::new();
        let mut maker_coupons: BTreeMap<&str, Vec<f64>> = BTreeMap::new();
        let mut maker_households: BTreeMap<&str, HashSet<&str>> = BTreeMap::new();
        let mut item_baskets: BTreeMap<&str, HashMap<&str, HashSet<&str>>> = BTreeMap::new();
        for s in sales {
            let Some(item) = by_product.get(s.product.as_str()) else {
                continue;
            };
            let Some(rate) = s.rate() else {
                continue;
            };
            item_rates.entry(&item.id).or_default().push(rate);
            category_rates
                .entry(&item.dept_category)
                .or_default()
                .push(rate);
            item_baskets
                .entry(&item.id)
                .or_default()
                .entry(&s.household)
                .or_default()
                .insert(&s.basket);
            if let Some(m) = &item.maker {
                maker_rates.entry(m).or_default().push(rate);
                maker_households.entry(m).or_default().insert(&s.household);
                if s.coupon > 0.0 {
                    maker_coupons.entry(m).or_default().push(s.coupon);
                }
            }
        }
        // Every basket's (paid, discount), and each household's first basket.
        let mut baskets: BTreeMap<&str, (f64, f64)> = BTreeMap::new();
        let mut first: BTreeMap<&str, (i64, &str)> = BTreeMap::new();
        for s in sales.iter().filter(|s| s.paid > 0.0) {
            let b = baskets.entry(&s.basket).or_default();
            b.0 += s.paid;
            b.1 += s.retail_disc;
            let f = first.entry(&s.household).or_insert((s.at, &s.basket));
            if (s.at, s.basket.as_str()) < (f.0, f.1) {
                *f = (s.at, &s.basket);
            }
        }

        let mut offers = Vec::new();
        let label_of = |path: &str| path.rsplit('/').next().unwrap_or(path).to_owned();

        // Categories: always on, at the category's usual discount.
        let sensitive: BTreeSet<&str> = SENSITIVE.iter().copied().collect();
        let shop_categories: BTreeSet<&str> =
            items.iter().map(|i| i.dept_category.as_str()).collect();
        for path in &shop_categories {
            let rates = category_rates.get(path).map_or(&[][..], Vec::as_slice);
            if rates.len() < MIN_CATEGORY_LINES && !sensitive.contains(path) {
                continue;
            }
            let p = percent(rates, 5, 40);
            offers.push(json!({
                "id": format!("off-cat-{}", slug(path)),
                "title": format!("{p}% off {}", label_of(path)),
                "group": "category",
                "appliesTo": { "categories": [path] },
                "value": { "percent": p },
            }));
        }

        // Makers: the most-bought, a coupon where the data has coupons for them.
        let mut makers: Vec<(&str, usize)> = maker_households
            .iter()
            .map(|(m, h)| (*m, h.len()))
            .collect();
        makers.sort_by(|a, b| b.1.cmp(&a.1).then(a.0.cmp(b.0)));
        fn of_maker<'a>(
            items: &'a [ShopItem],
            m: &'a str,
        ) -> impl Iterator<Item = &'a ShopItem> + 'a {
            items.iter().filter(move |i| i.maker.as_deref() == Some(m))
        }
        let maker_items = |m| of_maker(items, m);
        let mut picked_makers: Vec<&str> = makers
            .iter()
            .filter(|(m, _)| maker_items(m).count() >= 3)
            .take(MAKERS)
            .map(|m| m.0)
            .collect();
        // And every maker of sensitive things with a few products: their offers show the guard.
        for (m, _) in &makers {
            if !picked_makers.contains(m) && maker_items(m).filter(|i| i.sensitive()).count() >= 3 {
                picked_makers.push(m);
            }
        }
        for m in picked_makers {
            let brand = format!("Maker {m}");
            let median_price = median(maker_items(m).map(|i| i.price).collect()).unwrap_or(0.0);
            let coupon = maker_coupons
                .get(m)
                .filter(|c| c.len() >= 2)
                .and_then(|c| median(c.clone()))
                .map(|c| (c.min(0.3 * median_price) * 20.0).floor() / 20.0)
                .filter(|a| *a >= 0.25);
            let (p, a) = match coupon {
                Some(a) => (None, Some(a)),
                None => (
                    Some(percent(
                        maker_rates.get(m).map_or(&[][..], Vec::as_slice),
                        5,
                        30,
                    )),
                    None,
                ),
            };
            let title = match (p, a) {
                (Some(p), _) => format!("{p}% off {brand}"),
                (_, Some(a)) => format!("{} off {brand}", money(a)),
                _ => unreachable!(),
            };
            let mut offer = json!({
                "id": format!("off-maker-{}", slug(m)),
                "title": title,
                "group": "maker",
                "appliesTo": { "brands": [brand] },
                "value": value(p, a),
            });
            if maker_items(m).any(ShopItem::sensitive) {
                offer["sensitive"] = json!(true);
            }
            offers.push(offer);
        }

        // Buy again: the products households come back for.
        let mut repeat: Vec<(f64, usize, &ShopItem)> = items
            .iter()
            .filter_map(|i| {
                let hs = item_baskets.get(i.id.as_str())?;
                let again = hs.values().filter(|b| b.len() >= 2).count();
                (hs.len() >= BUY_AGAIN_MIN_HOUSEHOLDS)
                    .then(|| (again as f64 / hs.len() as f64, hs.len(), i))
            })
            .collect();
        repeat.sort_by(|a, b| {
            b.0.total_cmp(&a.0)
                .then(b.1.cmp(&a.1))
                .then(a.2.id.cmp(&b.2.id))
        });
        let mut used_titles: HashSet<String> = HashSet::new();
        let mut used_items: HashSet<&str> = HashSet::new();
        for (_, _, item) in repeat
            .iter()
            .filter(|r| used_titles.insert(tidy(&r.2.title)))
            .take(BUY_AGAIN)
        {
            let p = percent(&item_rates[item.id.as_str()], 10, 30);
            used_items.insert(&item.id);
            offers.push(json!({
                "id": format!("off-item-{}", item.product),
                "title": format!("{p}% off {}", tidy(&item.title)),
                "group": "buy-again",
                "appliesTo": { "items": [item.id] },
                "value": { "percent": p },
            }));
        }

        // Weekly deals: the products most often on promotion.
        let mut promoted: Vec<(f64, usize, &ShopItem)> = items
            .iter()
            .filter(|i| !used_items.contains(i.id.as_str()))
            .filter_map(|i| {
                let rates = item_rates.get(i.id.as_str())?;
                let on = rates.iter().filter(|r| **r > 0.0).count();
                (rates.len() >= WEEKLY_MIN_LINES)
                    .then(|| (on as f64 / rates.len() as f64, rates.len(), i))
            })
            .collect();
        promoted.sort_by(|a, b| {
            b.0.total_cmp(&a.0)
                .then(b.1.cmp(&a.1))
                .then(a.2.id.cmp(&b.2.id))
        });
        let weeks = std::iter::repeat_n(("This week", -2, 7), WEEKLY_RUNNING)
            .chain(std::iter::repeat_n(("Last week", -9, -2), WEEKLY_ENDED))
            .chain(std::iter::repeat_n(("Next week", 7, 14), WEEKLY_UPCOMING));
        let deals = promoted
            .iter()
            .filter(|r| used_titles.insert(tidy(&r.2.title)));
        for ((when, from, to), (_, _, item)) in weeks.zip(deals) {
            let p = percent(&item_rates[item.id.as_str()], 10, 50);
            offers.push(json!({
                "id": format!("off-week-{}", item.product),
                "title": format!("{when}: {p}% off {}", tidy(&item.title)),
                "group": "weekly",
                "appliesTo": { "items": [item.id] },
                "value": { "percent": p },
                "startsAt": today + from * DAY_MS,
                "endsAt": today + to * DAY_MS,
                "capPerShopper": 1,
            }));
        }

        // The whole shop: basket thresholds, a first order, a return.
        let mut values: Vec<f64> = baskets.values().map(|b| b.0).collect();
        values.sort_by(f64::total_cmp);
        let quantile = |q: f64| values[((values.len() - 1) as f64 * q).round() as usize];
        let mut thresholds: Vec<f64> = [0.90, 0.99, 0.999]
            .iter()
            .map(|&q| (quantile(q) / 5.0).ceil() * 5.0)
            .collect();
        thresholds.dedup();
        for &t in &thresholds {
            let rate = pooled_rate(baskets.values().filter(|b| b.0 >= t));
            let amount = ((t * rate * 2.0).round() / 2.0).max(1.0);
            offers.push(json!({
                "id": format!("off-basket-{t:.0}"),
                "title": format!("{} off orders of {} or more", money(amount), money(t)),
                "group": "basket",
                "value": { "amount": amount },
                "minBasket": t,
                "capPerShopper": 1,
            }));
        }
        let first_baskets: HashSet<&str> = first.values().map(|f| f.1).collect();
        let welcome = percent(
            &[pooled_rate(
                baskets
                    .iter()
                    .filter(|(b, _)| first_baskets.contains(*b))
                    .map(|(_, v)| v),
            )],
            5,
            20,
        );
        offers.push(json!({
            "id": "off-welcome",
            "title": format!("Welcome: {welcome}% off your first order"),
            "group": "welcome",
            "value": { "percent": welcome },
            "audience": "new",
            "capPerShopper": 1,
        }));
        let t = thresholds[0];
        let back = percent(
            &[pooled_rate(
                baskets
                    .iter()
                    .filter(|(b, v)| !first_baskets.contains(*b) && v.0 >= t)
                    .map(|(_, v)| v),
            )],
            5,
            20,
        );
        offers.push(json!({
            "id": "off-returning",
            "title": format!("Good to see you again: {back}% off orders of {} or more", money(t)),
            "group": "returning",
            "value": { "percent": back },
            "minBasket": t,
            "audience": "returning",
            "capPerShopper": 1,
        }));
        offers
    }

    /// Reads the pool the way the shop's Tailor will (same sensitive categories): returns
    /// how many offers are sensitive, and every problem.
    fn check_pool(
        items: &[Value],
        offers: &[Value],
    ) -> Result<(usize, Vec<String>), Box<dyn std::error::Error>> {
        let sensitive: Vec<String> = SENSITIVE.iter().map(|s| s.to_string()).collect();
        let inputs: Vec<ItemInput> = serde_json::from_value(Value::Array(items.to_vec()))?;
        let (catalogue, loaded) = Catalogue::ingest(inputs, &sensitive);
        let offer_inputs: Vec<OfferInput> = serde_json::from_value(Value::Array(offers.to_vec()))?;
        let (pool, summary) = OfferPool::ingest(offer_inputs, &catalogue, &sensitive);
        let mut problems: Vec<String> = summary
            .problems
            .iter()
            .map(|p| {
                format!(
                    "offers[{}] ({:?}) {}: {}",
                    p.index, p.id, p.field, p.message
                )
            })
            .collect();
        problems.extend(
            loaded
                .problems
                .iter()
                .map(|p| format!("catalogue[{}] {}: {}", p.index, p.field, p.message)),
        );
        for s in SENSITIVE {
            if !offers.iter().any(|o| {
                o["appliesTo"]["categories"]
                    .as_array()
                    .is_some_and(|c| c.iter().any(|c| c == s))
            }) {
                problems.push(format!(
                    "no offer on the sensitive category {s:?}: is it still in the catalogue?"
                ));
            }
        }
        Ok((pool.offers.iter().filter(|o| o.sensitive).count(), problems))
    }
}

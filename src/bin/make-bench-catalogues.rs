//! Writes the benchmark's catalogues and scenarios (issue 6) from the real Complete
//! Journey data (84.51°, CC0): `target/bench/catalogue-{1k,10k,92k}.json` and
//! `target/bench/scenario-{1k,10k,92k}.json`. `scripts/bench.sh` runs it when they are
//! missing; `bench/run.mjs` reads them.
//!
//! **Catalogues** — Tailor catalogue items, made the way `make-catalogue` makes the demo's:
//! - `id` `cj-<product_id>`; `title` from the product type (led by its category when the
//!   type is one word) and the package size; `category` the path
//!   `Department/Category/Type` with the demo's department names (other departments by
//!   their own name; empty levels are left out, so a product with neither category nor
//!   type sits at its department); `brand` `Maker <manufacturer>` or `Store brand`;
//!   `tags` national / store brand; `attributes.size` the package size;
//! - `price`: the median unit price (sales value / quantity) of its purchase lines, only
//!   where the sample has a line with a positive quantity and value (about 14k products);
//!   left out otherwise (unknown, as a shop may send);
//! - `popularity`: distinct households that bought it (0 for products never bought);
//! - `related` (up to 8): household co-purchase, cosine of the buyer sets, pairs bought by
//!   at least 2 households, within the catalogue (as `make-catalogue`). The sample is
//!   sparse, so most products have fewer than 8 such neighbours and 78k of the 92k were
//!   never bought at all: their lists are **filled up** with the most popular other items
//!   of the same product type, then of the same category, in the catalogue's order —
//!   cheap, and honest about what a server knows without co-purchase data.
//!
//! Which products: `92k` is every product of `products.csv` (92,331, all departments);
//! `10k` and `1k` are the most popular (households, then purchase lines, then id). Items
//! are listed in that order (the server's order), the never-bought ones by product id.
//!
//! **Scenarios** — what the benchmark replays on each catalogue:
//! - `events`: a real household's history: the household with the most purchase lines
//!   (ties: the smaller id), its 180 most recent lines as `purchase` events (quantity and
//!   time from the data), then today's session: 20 `view` events, one a minute, on the
//!   products it bought most often. A product that is not in the (smaller) catalogue is
//!   mapped onto the most popular item of its type, else category, else department;
//! - `clock`: the session's time (7 days after the last purchase), the benchmark's `now`;
//! - `page`: 500 candidate ids as a category page sends them: the most popular items of
//!   the household's most-bought department, then of the rest of the catalogue.
//!
//! Deterministic: no randomness, no clock; every order has an explicit tie-break.
//!
//! Usage: make-bench-catalogues [DATA_DIR] [OUT_DIR]
//!   defaults: ../shared/data/completejourney target/bench

// A native tool: on wasm32 (built alongside the wasm tests) it compiles to nothing.
#![cfg_attr(target_arch = "wasm32", no_main)]

#[cfg(not(target_arch = "wasm32"))]
fn main() -> Result<(), Box<dyn std::error::Error>> {
    tool::main()
}

#[cfg(not(target_arch = "wasm32"))]
mod tool {
    use serde_json::{json, Map, Value};
    use std::collections::{BTreeMap, HashMap, HashSet};
    use std::path::PathBuf;
    use tailor::dataset::{
        co_purchase, label, parse_timestamp, read_complete_journey, unit_prices, CjLine, CjProduct,
        DEPARTMENTS,
    };

    const SIZES: &[(&str, usize)] = &[("1k", 1_000), ("10k", 10_000), ("92k", usize::MAX)];
    const RELATED_PER_ITEM: usize = 8;
    const MIN_CO_BUYERS: u32 = 2;
    const PURCHASE_EVENTS: usize = 180;
    const VIEW_EVENTS: usize = 20;
    const PAGE: usize = 500;
    const DAY_MS: i64 = 86_400_000;
    const MINUTE_MS: i64 = 60_000;

    /// One product with what the benchmark needs of it.
    struct Product<'a> {
        p: &'a CjProduct,
        /// `Dept`, `Dept/Category`, `Dept/Category/Type` (as many as the data has).
        levels: Vec<String>,
        households: usize,
        lines: usize,
        price: Option<f64>,
    }

    pub fn main() -> Result<(), Box<dyn std::error::Error>> {
        let args: Vec<String> = std::env::args().skip(1).collect();
        let dir = PathBuf::from(
            args.first()
                .map_or("../shared/data/completejourney", String::as_str),
        );
        let out = PathBuf::from(args.get(1).map_or("target/bench", String::as_str));
        std::fs::create_dir_all(&out)?;

        let (products, lines) = read_complete_journey(&dir)?;
        let prices = unit_prices(&lines);
        let departments: HashMap<&str, &str> = DEPARTMENTS.iter().copied().collect();
        let known: HashSet<&str> = products.iter().map(|p| p.id.as_str()).collect();
        let lines: Vec<&CjLine> = lines
            .iter()
            .filter(|l| known.contains(l.product.as_str()))
            .collect();

        // Popularity: distinct households (of products with a known price, as make-catalogue).
        let mut buyers: HashMap<&str, HashSet<&str>> = HashMap::new();
        let mut line_count: HashMap<&str, usize> = HashMap::new();
        for l in &lines {
            if prices.contains_key(l.product.as_str()) {
                buyers.entry(&l.product).or_default().insert(&l.household);
                *line_count.entry(&l.product).or_default() += 1;
            }
        }
        let mut all: Vec<Product> = products
            .iter()
            .map(|p| {
                let dept = departments
                    .get(p.department.as_str())
                    .map_or_else(|| label(&p.department), |d| d.to_string());
                let mut levels = Vec::new();
                let mut path = if dept.is_empty() {
                    "Other".to_string()
                } else {
                    dept
                };
                levels.push(path.clone());
                for part in [&p.category, &p.kind] {
                    let l = label(part);
                    if !l.is_empty() {
                        path = format!("{path}/{l}");
                        levels.push(path.clone());
                    }
                }
                Product {
                    p,
                    levels,
                    households: buyers.get(p.id.as_str()).map_or(0, HashSet::len),
                    lines: line_count.get(p.id.as_str()).copied().unwrap_or(0),
                    price: prices
                        .get(p.id.as_str())
                        .map(|x| (x * 100.0).round() / 100.0),
                }
            })
            .collect();
        // The server's order: households, then lines, then the product id (numerically).
        let num = |id: &str| id.parse::<u64>().unwrap_or(u64::MAX);
        all.sort_by(|a, b| {
            b.households
                .cmp(&a.households)
                .then(b.lines.cmp(&a.lines))
                .then(num(&a.p.id).cmp(&num(&b.p.id)))
                .then(a.p.id.cmp(&b.p.id))
        });

        let household = pick_household(&lines);
        eprintln!(
            "make-bench-catalogues: {} products, {} purchase lines, household {household}",
            all.len(),
            lines.len()
        );
        for &(name, n) in SIZES {
            let chosen = &all[..n.min(all.len())];
            let (items, stats) = catalogue(chosen, &buyers);
            let scenario = scenario(chosen, &all, &lines, &household)?;
            let file = out.join(format!("catalogue-{name}.json"));
            let text = serde_json::to_string(&items)?;
            std::fs::write(&file, &text)?;
            std::fs::write(
                out.join(format!("scenario-{name}.json")),
                serde_json::to_string_pretty(&scenario)?,
            )?;
            eprintln!(
                "make-bench-catalogues: {name}: {} items ({} priced, {} bought; related: {} from co-purchase only, {} filled up, {} empty), {:.1} MB → {}",
                items.len(),
                stats.priced,
                stats.bought,
                stats.co_only,
                stats.filled,
                stats.empty,
                text.len() as f64 / 1e6,
                file.display()
            );
        }
        Ok(())
    }

    #[derive(Default)]
    struct Stats {
        priced: usize,
        bought: usize,
        co_only: usize,
        filled: usize,
        empty: usize,
    }

    fn catalogue(chosen: &[Product], buyers: &HashMap<&str, HashSet<&str>>) -> (Vec<Value>, Stats) {
        let ids: HashSet<&str> = chosen.iter().map(|c| c.p.id.as_str()).collect();
        // Co-purchase within the catalogue: cosine of the buyer sets.
        let mut baskets: BTreeMap<&str, Vec<&str>> = BTreeMap::new();
        for c in chosen {
            for h in buyers.get(c.p.id.as_str()).into_iter().flatten() {
                baskets.entry(h).or_default().push(&c.p.id);
            }
        }
        let mut related = co_purchase(&mut baskets, &buyers, MIN_CO_BUYERS);
        // The fill: the most popular items of each type and category path, in catalogue order.
        let mut top_of: HashMap<&str, Vec<&str>> = HashMap::new();
        for c in chosen {
            for level in c.levels.iter().skip(1) {
                let v = top_of.entry(level.as_str()).or_default();
                if v.len() <= RELATED_PER_ITEM {
                    v.push(&c.p.id);
                }
            }
        }
        let mut stats = Stats::default();
        let items = chosen
            .iter()
            .map(|c| {
                let p = c.p;
                let id = p.id.as_str();
                let mut rel = related.remove(id).unwrap_or_default();
                rel.sort_by(|a, b| b.0.total_cmp(&a.0).then(a.1.cmp(b.1)));
                let mut list: Vec<&str> = rel
                    .into_iter()
                    .take(RELATED_PER_ITEM)
                    .map(|r| r.1)
                    .collect();
                let from_co = list.len();
                // Type first, then category: the deepest levels, most specific first.
                for level in c.levels.iter().skip(1).rev() {
                    for &other in top_of.get(level.as_str()).into_iter().flatten() {
                        if list.len() < RELATED_PER_ITEM
                            && other != id
                            && !list.contains(&other)
                            && ids.contains(other)
                        {
                            list.push(other);
                        }
                    }
                }
                match (from_co, list.len()) {
                    (_, 0) => stats.empty += 1,
                    (a, b) if a == b => stats.co_only += 1,
                    _ => stats.filled += 1,
                }
                stats.priced += usize::from(c.price.is_some());
                stats.bought += usize::from(c.households > 0);

                let kind = label(&p.kind);
                let category = label(&p.category);
                let dept = c.levels[0].clone();
                let name = match (kind.is_empty(), category.is_empty()) {
                    (false, true) => kind.clone(),
                    (false, false) if kind.split_whitespace().count() >= 2 => kind.clone(),
                    (false, false) => format!("{category} – {}", kind.to_lowercase()),
                    (true, false) => category.clone(),
                    (true, true) => format!("{dept} item {id}"),
                };
                let size = p.package_size.trim().to_lowercase();
                let title = if size.is_empty() {
                    name
                } else {
                    format!("{name}, {size}")
                };
                let brand = if p.national_brand {
                    format!("Maker {}", p.manufacturer)
                } else {
                    "Store brand".to_string()
                };
                let mut item = Map::new();
                item.insert("id".into(), json!(format!("cj-{id}")));
                item.insert("title".into(), json!(title));
                item.insert(
                    "category".into(),
                    json!(c.levels.last().expect("a department")),
                );
                item.insert("brand".into(), json!(brand));
                if let Some(price) = c.price {
                    item.insert("price".into(), json!(price));
                }
                item.insert(
                    "tags".into(),
                    json!([if p.national_brand {
                        "national brand"
                    } else {
                        "store brand"
                    }]),
                );
                let mut attributes = Map::new();
                if !size.is_empty() {
                    attributes.insert("size".into(), json!(size));
                }
                item.insert("attributes".into(), Value::Object(attributes));
                item.insert("popularity".into(), json!(c.households));
                item.insert(
                    "related".into(),
                    json!(list.iter().map(|r| format!("cj-{r}")).collect::<Vec<_>>()),
                );
                Value::Object(item)
            })
            .collect();
        (items, stats)
    }

    /// The household with the most purchase lines (ties: the smaller id).
    fn pick_household(lines: &[&CjLine]) -> String {
        let mut n: BTreeMap<&str, usize> = BTreeMap::new();
        for l in lines.iter().filter(|l| l.quantity > 0.0) {
            *n.entry(&l.household).or_default() += 1;
        }
        let mut v: Vec<(&str, usize)> = n.into_iter().collect();
        v.sort_by(|a, b| {
            b.1.cmp(&a.1).then(
                a.0.parse::<u64>()
                    .unwrap_or(0)
                    .cmp(&b.0.parse::<u64>().unwrap_or(0)),
            )
        });
        v[0].0.to_owned()
    }

    fn scenario(
        chosen: &[Product],
        all: &[Product],
        lines: &[&CjLine],
        household: &str,
    ) -> Result<Value, Box<dyn std::error::Error>> {
        let ids: HashSet<&str> = chosen.iter().map(|c| c.p.id.as_str()).collect();
        // The most popular catalogue item at each path level (chosen is in popularity order).
        let mut best: HashMap<&str, &str> = HashMap::new();
        for c in chosen {
            for level in &c.levels {
                best.entry(level.as_str()).or_insert(&c.p.id);
            }
        }
        // Every product's levels (not only the chosen ones'), to map the household's products.
        let levels_of: HashMap<&str, &Product> = all.iter().map(|c| (c.p.id.as_str(), c)).collect();
        let mapped = |product: &str| -> String {
            if ids.contains(product) {
                return format!("cj-{product}");
            }
            let levels = levels_of
                .get(product)
                .map_or(&[][..], |c| c.levels.as_slice());
            for level in levels.iter().rev() {
                if let Some(b) = best.get(level.as_str()) {
                    return format!("cj-{b}");
                }
            }
            format!("cj-{}", chosen[0].p.id)
        };
        let mut mine: Vec<&CjLine> = lines
            .iter()
            .copied()
            .filter(|l| l.household == household && l.quantity > 0.0)
            .collect();
        mine.sort_by(|a, b| {
            a.timestamp
                .cmp(&b.timestamp)
                .then(a.basket.cmp(&b.basket))
                .then(a.product.cmp(&b.product))
        });
        let recent = &mine[mine.len().saturating_sub(PURCHASE_EVENTS)..];
        let mut events = Vec::new();
        let mut last = 0;
        for l in recent {
            let at =
                parse_timestamp(&l.timestamp).ok_or("a transaction timestamp does not parse")?;
            last = last.max(at);
            events.push(json!({
                "type": "purchase",
                "item": mapped(&l.product),
                "quantity": (l.quantity.round() as u32).clamp(1, 10_000),
                "at": at,
            }));
        }
        let clock = last + 7 * DAY_MS;
        let mut often: BTreeMap<&str, usize> = BTreeMap::new();
        for l in &mine {
            *often.entry(&l.product).or_default() += 1;
        }
        let mut often: Vec<(&str, usize)> = often.into_iter().collect();
        often.sort_by(|a, b| b.1.cmp(&a.1).then(a.0.cmp(b.0)));
        for (k, (product, _)) in often.iter().take(VIEW_EVENTS).enumerate() {
            events.push(json!({
                "type": "view",
                "item": mapped(product),
                "at": clock - (VIEW_EVENTS - k) as i64 * MINUTE_MS,
            }));
        }
        // The page: the household's most-bought department first.
        let mut depts: BTreeMap<String, usize> = BTreeMap::new();
        for l in &mine {
            if let Some(c) = levels_of.get(l.product.as_str()) {
                *depts.entry(c.levels[0].clone()).or_default() += 1;
            }
        }
        let dept = depts
            .iter()
            .max_by(|a, b| a.1.cmp(b.1).then(b.0.cmp(a.0)))
            .map(|d| d.0.clone())
            .unwrap_or_default();
        let mut page: Vec<String> = chosen
            .iter()
            .filter(|c| c.levels[0] == dept)
            .take(PAGE)
            .map(|c| format!("cj-{}", c.p.id))
            .collect();
        for c in chosen.iter().filter(|c| c.levels[0] != dept) {
            if page.len() >= PAGE {
                break;
            }
            page.push(format!("cj-{}", c.p.id));
        }
        Ok(json!({
            "about": "Benchmark scenario from 84.51° “The Complete Journey” (CC0): see src/bin/make-bench-catalogues.rs.",
            "household": household,
            "clock": clock,
            "pageDepartment": dept,
            "events": events,
            "page": page,
        }))
    }
}

//! Writes the demo shop's catalogue from the real Complete Journey data (84.51°, CC0):
//! the most-bought products with prices from the transactions, the server's popularity
//! (distinct buying households) and `related` lists from aggregate co-purchase — what a
//! shop's server would send.
//!
//! Usage: make-catalogue [DATA_DIR] [OUT_FILE] [N_ITEMS]
//!   defaults: ../shared/data/completejourney www/data/catalogue.json 3000

// A native tool: on wasm32 (built alongside the wasm tests) it compiles to nothing.
#![cfg_attr(target_arch = "wasm32", no_main)]

#[cfg(not(target_arch = "wasm32"))]
fn main() -> Result<(), Box<dyn std::error::Error>> {
    tool::main()
}

#[cfg(not(target_arch = "wasm32"))]
mod tool {
    use serde_json::{json, Value};
    use std::collections::{BTreeMap, HashMap, HashSet};
    use std::path::PathBuf;
    use tailor::dataset::{label, read_complete_journey, unit_prices};

    /// Departments shown in the shop, with the names shoppers see. Fuel, coupons and
    /// store supplies are not products a shop grid would show.
    const DEPARTMENTS: &[(&str, &str)] = &[
        ("GROCERY", "Grocery"),
        ("DRUG GM", "Health & home"),
        ("PRODUCE", "Produce"),
        ("MEAT-PCKGD", "Packaged meat"),
        ("DELI", "Deli"),
        ("MEAT", "Meat"),
        ("NUTRITION", "Nutrition"),
        ("PASTRY", "Bakery"),
        ("COSMETICS", "Cosmetics"),
        ("SEAFOOD-PCKGD", "Packaged seafood"),
        ("SEAFOOD", "Seafood"),
        ("FLORAL", "Floral"),
        ("SPIRITS", "Spirits"),
        ("SALAD BAR", "Salad bar"),
        ("GARDEN CENTER", "Garden"),
    ];
    const RELATED_PER_ITEM: usize = 8;
    /// Pairs bought by fewer households than this are noise, not "goes together".
    const MIN_CO_BUYERS: u32 = 2;

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
        let mut co: HashMap<(&str, &str), u32> = HashMap::new();
        for items in baskets.values_mut() {
            items.sort_unstable();
            for (i, a) in items.iter().enumerate() {
                for b in &items[i + 1..] {
                    *co.entry((a, b)).or_default() += 1;
                }
            }
        }
        let mut related: HashMap<&str, Vec<(f64, &str)>> = HashMap::new();
        for ((a, b), n) in co {
            if n >= MIN_CO_BUYERS {
                let sim = f64::from(n) / ((buyers[a].len() * buyers[b].len()) as f64).sqrt();
                related.entry(a).or_default().push((sim, b));
                related.entry(b).or_default().push((sim, a));
            }
        }

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
                json!({
                    "id": format!("cj-{id}"),
                    "title": title,
                    "category": format!("{}/{}/{}", departments[p.department.as_str()], label(&p.category), kind),
                    "brand": brand,
                    "price": (prices[id] * 100.0).round() / 100.0,
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
        Ok(())
    }
}

//! Reading the real shopping data in `../shared/data` (native tools only): the demo
//! catalogue export now, the offline evaluation later.

use std::collections::HashMap;
use std::fs;
use std::io;
use std::path::Path;

/// Splits CSV text into rows of fields (RFC 4180 quoting); the header row is kept.
pub fn parse_csv(text: &str) -> Vec<Vec<String>> {
    let mut rows = Vec::new();
    let mut row = Vec::new();
    let mut field = String::new();
    let mut quoted = false;
    let mut chars = text.chars().peekable();
    while let Some(c) = chars.next() {
        match (quoted, c) {
            (true, '"') if chars.peek() == Some(&'"') => {
                field.push('"');
                chars.next();
            }
            (true, '"') => quoted = false,
            (true, c) => field.push(c),
            (false, '"') => quoted = true,
            (false, ',') => row.push(std::mem::take(&mut field)),
            (false, '\r') => {}
            (false, '\n') => {
                row.push(std::mem::take(&mut field));
                rows.push(std::mem::take(&mut row));
            }
            (false, c) => field.push(c),
        }
    }
    if !field.is_empty() || !row.is_empty() {
        row.push(field);
        rows.push(row);
    }
    rows
}

/// A CSV file as header-indexed records.
pub struct Table {
    pub header: Vec<String>,
    pub rows: Vec<Vec<String>>,
}

impl Table {
    pub fn read(path: &Path) -> io::Result<Table> {
        let text = fs::read_to_string(path)
            .map_err(|e| io::Error::new(e.kind(), format!("{}: {e}", path.display())))?;
        let mut rows = parse_csv(&text);
        if rows.is_empty() {
            return Err(io::Error::new(
                io::ErrorKind::InvalidData,
                format!("{}: empty", path.display()),
            ));
        }
        let header = rows.remove(0);
        Ok(Table { header, rows })
    }

    /// The position of column `name`; an error names the file's columns.
    pub fn col(&self, name: &str) -> io::Result<usize> {
        self.header.iter().position(|h| h == name).ok_or_else(|| {
            io::Error::new(
                io::ErrorKind::InvalidData,
                format!("no column {name:?} in {:?}", self.header),
            )
        })
    }
}

/// One product of the Complete Journey sample.
#[derive(Debug, Clone)]
pub struct CjProduct {
    pub id: String,
    pub manufacturer: String,
    pub department: String,
    pub national_brand: bool,
    pub category: String,
    pub kind: String,
    pub package_size: String,
}

/// One purchase line of the Complete Journey sample.
#[derive(Debug, Clone)]
pub struct CjLine {
    pub household: String,
    pub basket: String,
    pub product: String,
    pub quantity: f64,
    pub sales_value: f64,
    /// `YYYY-MM-DD HH:MM:SS`, as in the file (sorts as time).
    pub timestamp: String,
}

pub fn read_complete_journey(dir: &Path) -> io::Result<(Vec<CjProduct>, Vec<CjLine>)> {
    let p = Table::read(&dir.join("products.csv"))?;
    let (id, mf, dept, brand, cat, kind, size) = (
        p.col("product_id")?,
        p.col("manufacturer_id")?,
        p.col("department")?,
        p.col("brand")?,
        p.col("product_category")?,
        p.col("product_type")?,
        p.col("package_size")?,
    );
    let products = p
        .rows
        .iter()
        .filter(|r| r.len() == p.header.len())
        .map(|r| CjProduct {
            id: r[id].clone(),
            manufacturer: r[mf].clone(),
            department: r[dept].clone(),
            national_brand: r[brand] == "National",
            category: r[cat].clone(),
            kind: r[kind].clone(),
            package_size: r[size].clone(),
        })
        .collect();
    let t = Table::read(&dir.join("transactions.csv"))?;
    let (hh, basket, prod, qty, value, ts) = (
        t.col("household_id")?,
        t.col("basket_id")?,
        t.col("product_id")?,
        t.col("quantity")?,
        t.col("sales_value")?,
        t.col("transaction_timestamp")?,
    );
    let lines = t
        .rows
        .iter()
        .filter(|r| r.len() == t.header.len())
        .map(|r| CjLine {
            household: r[hh].clone(),
            basket: r[basket].clone(),
            product: r[prod].clone(),
            quantity: r[qty].parse().unwrap_or(0.0),
            sales_value: r[value].parse().unwrap_or(0.0),
            timestamp: r[ts].clone(),
        })
        .collect();
    Ok((products, lines))
}

/// Unit price per product: the median of sales value / quantity over its purchase lines.
pub fn unit_prices(lines: &[CjLine]) -> HashMap<&str, f64> {
    let mut seen: HashMap<&str, Vec<f64>> = HashMap::new();
    for l in lines
        .iter()
        .filter(|l| l.quantity > 0.0 && l.sales_value > 0.0)
    {
        seen.entry(l.product.as_str())
            .or_default()
            .push(l.sales_value / l.quantity);
    }
    seen.into_iter()
        .map(|(k, mut v)| {
            v.sort_by(f64::total_cmp);
            (k, v[v.len() / 2])
        })
        .collect()
}

/// "BAKED BREAD/BUNS/ROLLS" → "Baked bread, buns, rolls": readable, and free of `/`,
/// which separates category path levels.
pub fn label(raw: &str) -> String {
    let lower = raw.trim().to_lowercase().replace('/', ", ");
    let mut c = lower.chars();
    match c.next() {
        Some(f) => f.to_uppercase().chain(c).collect(),
        None => String::new(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn csv_handles_quotes_and_crlf() {
        let rows = parse_csv("a,b\r\n\"x, y\",\"say \"\"hi\"\"\"\n1,\n");
        assert_eq!(
            rows,
            vec![vec!["a", "b"], vec!["x, y", "say \"hi\""], vec!["1", ""]]
        );
    }

    #[test]
    fn timestamps_parse_as_utc() {
        assert_eq!(parse_timestamp("1970-01-01 00:00:00"), Some(0));
        assert_eq!(
            parse_timestamp("2019-10-01 00:00:01 UTC"),
            Some(1_569_888_001_000)
        );
        assert_eq!(
            parse_timestamp("2017-03-02 20:05:57"),
            Some(1_488_485_157_000)
        );
        assert_eq!(parse_timestamp("2017-13-02 20:05:57"), None);
        assert_eq!(parse_timestamp("yesterday"), None);
    }

    #[test]
    fn labels_are_readable() {
        assert_eq!(label("BAKED BREAD/BUNS/ROLLS"), "Baked bread, buns, rolls");
        assert_eq!(label(""), "");
    }
}

/// `YYYY-MM-DD HH:MM:SS` (a trailing ` UTC` is allowed) as ms since the epoch, UTC.
pub fn parse_timestamp(text: &str) -> Option<i64> {
    let t = text.trim().trim_end_matches(" UTC");
    let (date, time) = t.split_once(' ').unwrap_or((t, "00:00:00"));
    let mut d = date.split('-').map(|x| x.parse::<i64>().ok());
    let (y, m, day) = (d.next()??, d.next()??, d.next()??);
    let mut h = time.split(':').map(|x| x.parse::<i64>().ok());
    let (hh, mm, ss) = (h.next()??, h.next()??, h.next()??);
    if !(1..=12).contains(&m) || !(1..=31).contains(&day) {
        return None;
    }
    // Days from the civil date (Howard Hinnant's algorithm).
    let y = if m <= 2 { y - 1 } else { y };
    let era = y.div_euclid(400);
    let yoe = y - era * 400;
    let mp = (m + 9) % 12;
    let doy = (153 * mp + 2) / 5 + day - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    let days = era * 146_097 + doe - 719_468;
    Some(((days * 24 + hh) * 60 + mm) * 60_000 + ss * 1000)
}

/// One shopper event of either data set, in the evaluation's terms.
#[derive(Debug, Clone)]
pub struct Interaction {
    pub user: String,
    /// Co-occurrence group for the server's `related` lists: the household (Complete
    /// Journey) or the browsing session (REES46).
    pub group: String,
    pub item: String,
    pub kind: crate::core::EventKind,
    pub at: i64,
    pub quantity: u32,
}

/// What a shop's catalogue says about an item (not learned from anyone's history).
#[derive(Debug, Clone, Default)]
pub struct ItemMeta {
    pub category: String,
    pub brand: String,
    pub price: f64,
}

/// Complete Journey as interactions (every line a purchase) and item metadata. Prices
/// are the median unit price of the lines given (pass training lines only for a strict split).
pub fn complete_journey_interactions(
    dir: &Path,
) -> io::Result<(Vec<Interaction>, HashMap<String, ItemMeta>)> {
    let (products, lines) = read_complete_journey(dir)?;
    let by_id: HashMap<&str, &CjProduct> = products.iter().map(|p| (p.id.as_str(), p)).collect();
    let prices = unit_prices(&lines);
    let mut meta = HashMap::new();
    let mut out = Vec::new();
    for l in &lines {
        let (Some(p), Some(at)) = (by_id.get(l.product.as_str()), parse_timestamp(&l.timestamp))
        else {
            continue;
        };
        if l.quantity <= 0.0 {
            continue;
        }
        meta.entry(l.product.clone()).or_insert_with(|| ItemMeta {
            category: format!(
                "{}/{}/{}",
                label(&p.department),
                label(&p.category),
                label(&p.kind)
            ),
            brand: if p.national_brand {
                format!("Maker {}", p.manufacturer)
            } else {
                "Store brand".into()
            },
            price: prices.get(l.product.as_str()).copied().unwrap_or(0.0),
        });
        out.push(Interaction {
            user: l.household.clone(),
            group: l.household.clone(),
            item: l.product.clone(),
            kind: crate::core::EventKind::Purchase,
            at,
            quantity: (l.quantity.round() as u32).clamp(1, 10_000),
        });
    }
    Ok((out, meta))
}

/// REES46 events (view / cart / purchase) as interactions and item metadata.
pub fn rees46_interactions(
    path: &Path,
) -> io::Result<(Vec<Interaction>, HashMap<String, ItemMeta>)> {
    let t = Table::read(path)?;
    let (time, kind, product, code, brand, price, user, session) = (
        t.col("event_time")?,
        t.col("event_type")?,
        t.col("product_id")?,
        t.col("category_code")?,
        t.col("brand")?,
        t.col("price")?,
        t.col("user_id")?,
        t.col("user_session")?,
    );
    let mut meta = HashMap::new();
    let mut out = Vec::new();
    for r in t.rows.iter().filter(|r| r.len() == t.header.len()) {
        let kind = match r[kind].as_str() {
            "view" => crate::core::EventKind::View,
            "cart" => crate::core::EventKind::Cart,
            "purchase" => crate::core::EventKind::Purchase,
            _ => continue,
        };
        let Some(at) = parse_timestamp(&r[time]) else {
            continue;
        };
        meta.entry(r[product].clone()).or_insert_with(|| ItemMeta {
            // About a third of the items have no category path: they share one "unknown" shelf.
            category: if r[code].is_empty() {
                "unknown".into()
            } else {
                r[code].replace('.', "/")
            },
            brand: r[brand].clone(),
            price: r[price].parse().unwrap_or(0.0),
        });
        out.push(Interaction {
            user: r[user].clone(),
            group: r[session].clone(),
            item: r[product].clone(),
            kind,
            at,
            quantity: 1,
        });
    }
    Ok((out, meta))
}

/// Departments shown in the shop, with the names shoppers see. Fuel, coupons and
/// store supplies are not products a shop grid would show.
pub const DEPARTMENTS: &[(&str, &str)] = &[
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

/// Items bought together, as a shop's server would compute `related`: for every pair of
/// items with at least `min_co_buyers` households in common, the cosine of their buyer
/// sets, listed under both items. `baskets` maps a household to the items it bought.
pub fn co_purchase<'a>(
    baskets: &mut std::collections::BTreeMap<&'a str, Vec<&'a str>>,
    buyers: &HashMap<&str, std::collections::HashSet<&str>>,
    min_co_buyers: u32,
) -> HashMap<&'a str, Vec<(f64, &'a str)>> {
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
        if n >= min_co_buyers {
            let sim = f64::from(n) / ((buyers[a].len() * buyers[b].len()) as f64).sqrt();
            related.entry(a).or_default().push((sim, b));
            related.entry(b).or_default().push((sim, a));
        }
    }
    related
}

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
    fn labels_are_readable() {
        assert_eq!(label("BAKED BREAD/BUNS/ROLLS"), "Baked bread, buns, rolls");
        assert_eq!(label(""), "");
    }
}

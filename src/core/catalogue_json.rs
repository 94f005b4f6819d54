//! Reading the catalogue straight from the JSON payload the shop's server sent, as the
//! bytes arrived: one pass, strings borrowed in place, no JS object made for any item.
//! `JSON.parse` followed by `loadCatalogue(items)` builds a 92k-item object graph only for
//! ingest to walk it again; this reads the same text once.
//!
//! It accepts and refuses what that pair would, and loads the same catalogue: `null` is an
//! absent field, unknown fields (the shop's display data) are skipped, a repeated key
//! keeps its last value, `inStock` and `in_stock` together are an error, attributes are
//! read in key order. Errors name the field as the plain reader does
//! (`items[3].price: expected a number, got the string "cheap"`); a syntax error says
//! where (`items: not JSON at line 4, column 17: expected ',' or '}'`).
//!
//! Where it differs, knowingly: a repeated key whose earlier value has the wrong type is
//! refused (the pair would keep the last value); display data nested deeper than 256 is
//! refused; a leading byte order mark is skipped (as `Response.json()` does, though
//! `JSON.parse` of a string refuses it); columns count bytes, not characters.

use super::catalogue::{CatalogueBuilder, ItemView};
use super::number::{number_text, push_int};
use super::Error;

/// Reads `bytes` (a JSON array of items) into `b`. `number` reads a JSON number that
/// the exact fast path here cannot (more than 15 significant digits or a large exponent):
/// the browser's `parseFloat` in the wasm, so that Rust's float parser stays out of it.
pub fn read(
    bytes: &[u8],
    b: &mut CatalogueBuilder,
    number: &dyn Fn(&str) -> f64,
) -> Result<(), Error> {
    // Invalid UTF-8 reads as the browser's decoder reads it (U+FFFD for each bad run).
    let text = match std::str::from_utf8(bytes) {
        Ok(text) => std::borrow::Cow::Borrowed(text),
        Err(_) => String::from_utf8_lossy(bytes),
    };
    let mut r = Reader {
        s: text.as_bytes(),
        pos: 0,
        number,
        decoded: String::new(),
        texts: Vec::new(),
        pairs: Vec::new(),
        spare_strs: Vec::new(),
        spare_pairs: Vec::new(),
    };
    if r.s.starts_with("\u{feff}".as_bytes()) {
        r.pos = 3; // a byte order mark, as Response.json() drops it
    }
    r.ws();
    if r.peek() != Some(b'[') {
        return match r.value_kind() {
            Ok(kind) => Err(Error::invalid(
                "items",
                "expected an array of catalogue items, got ".to_owned() + &kind,
            )),
            Err(e) => Err(e),
        };
    }
    r.pos += 1;
    let mut k = 0;
    r.ws();
    if r.peek() == Some(b']') {
        r.pos += 1;
    } else {
        loop {
            r.ws();
            r.item(k, b)?;
            k += 1;
            r.ws();
            match r.next_byte() {
                Some(b',') => {}
                Some(b']') => break,
                _ => return Err(r.syntax_before("',' or ']'")),
            }
        }
    }
    r.ws();
    if r.pos < r.s.len() {
        return Err(r.syntax("the end after the array"));
    }
    Ok(())
}

/// A string of the item being read: where it is in the text, or in `Reader::decoded`
/// when it had escapes.
#[derive(Clone, Copy)]
enum Text {
    Raw(u32, u32),
    Decoded(u32, u32),
}

/// The item's fields as read, before they are handed over as an [`ItemView`].
#[derive(Default)]
struct Fields {
    id: Option<Text>,
    title: Option<Text>,
    category: Option<Text>,
    brand: Option<Text>,
    price: Option<f64>,
    popularity: Option<f64>,
    repurchase: Option<f64>,
    in_stock: Option<bool>,
    /// Which spelling set `in_stock`: both is an error, as for the plain reader.
    stock_keys: u8,
    sensitive: Option<bool>,
    /// Ranges of `Reader::texts` / `Reader::pairs`.
    tags: Option<(usize, usize)>,
    related: Option<(usize, usize)>,
    attributes: Option<(usize, usize)>,
}

struct Reader<'a> {
    s: &'a [u8],
    pos: usize,
    number: &'a dyn Fn(&str) -> f64,
    /// The current item's strings that had escapes, decoded.
    decoded: String,
    /// The current item's list elements and attribute pairs.
    texts: Vec<Text>,
    pairs: Vec<(Text, Text)>,
    /// The allocations of `item`'s string lists, kept empty between items.
    spare_strs: Vec<&'static str>,
    spare_pairs: Vec<(&'static str, &'static str)>,
}

/// An empty vector on `v`'s allocation, for another element type of the same layout
/// (collecting in place reuses it): one allocation per list for a whole catalogue
/// instead of three per item, which showed in profiles of the wasm.
fn reuse<A, B>(mut v: Vec<A>) -> Vec<B> {
    v.clear();
    v.into_iter().map(|_| unreachable!()).collect()
}

/// Which item and field a value belongs to; its path is only written for an error.
struct Place {
    k: usize,
    name: &'static str,
}

impl Place {
    #[cold]
    fn path(&self) -> String {
        path(self.k, self.name)
    }
}

/// `items[k]` or `items[k].name`.
#[cold]
fn path(k: usize, name: &str) -> String {
    let mut f = "items[".to_owned();
    push_int(&mut f, k as i64);
    f.push(']');
    if !name.is_empty() {
        f.push('.');
        f.push_str(name);
    }
    f
}

impl<'a> Reader<'a> {
    #[inline(always)]
    fn peek(&self) -> Option<u8> {
        self.s.get(self.pos).copied()
    }

    #[inline(always)]
    fn next_byte(&mut self) -> Option<u8> {
        let c = self.peek();
        self.pos += 1;
        c
    }

    #[inline(always)]
    fn ws(&mut self) {
        while let Some(b' ' | b'\n' | b'\r' | b'\t') = self.peek() {
            self.pos += 1;
        }
    }

    /// `items: not JSON at line L, column C: expected …`.
    #[cold]
    fn syntax(&self, expected: &str) -> Error {
        let at = self.pos.min(self.s.len());
        let before = &self.s[..at];
        let line = before.iter().filter(|&&c| c == b'\n').count() + 1;
        let column = at
            - before
                .iter()
                .rposition(|&c| c == b'\n')
                .map_or(0, |p| p + 1)
            + 1;
        let mut m = "not JSON at line ".to_owned();
        push_int(&mut m, line as i64);
        m.push_str(", column ");
        push_int(&mut m, column as i64);
        m.push_str(": expected ");
        m.push_str(expected);
        Error::invalid("items", m)
    }

    /// [`Reader::syntax`] at the byte just read.
    #[cold]
    fn syntax_before(&mut self, expected: &str) -> Error {
        self.pos -= 1;
        self.syntax(expected)
    }

    #[inline(always)]
    fn text(&self, t: Text) -> &str {
        let bytes = match t {
            Text::Raw(a, b) => &self.s[a as usize..b as usize],
            Text::Decoded(a, b) => &self.decoded.as_bytes()[a as usize..b as usize],
        };
        // SAFETY: `s` is a `str`'s bytes and `decoded` a `String`; every range starts
        // and ends at an ASCII quote or at a decoded char's end, so on char boundaries.
        unsafe { std::str::from_utf8_unchecked(bytes) }
    }

    /// Reads one item object into `b`.
    fn item(&mut self, k: usize, b: &mut CatalogueBuilder) -> Result<(), Error> {
        if self.peek() != Some(b'{') {
            let kind = self.value_kind()?;
            return Err(Error::invalid(
                path(k, ""),
                "expected an object, got ".to_owned() + &kind,
            ));
        }
        self.pos += 1;
        self.decoded.clear();
        self.texts.clear();
        self.pairs.clear();
        let mut f = Fields::default();
        self.ws();
        if self.peek() == Some(b'}') {
            self.pos += 1;
        } else {
            loop {
                self.ws();
                if self.peek() != Some(b'"') {
                    return Err(self.syntax("a field name in quotes"));
                }
                let key = self.string()?;
                self.ws();
                if self.next_byte() != Some(b':') {
                    return Err(self.syntax_before("':'"));
                }
                self.ws();
                // Matched in place (no allocation per key): by length and first byte,
                // then one comparison (a plain string match compares arm by arm).
                let k_bytes = self.text(key).as_bytes();
                let name = match (k_bytes.len(), k_bytes.first()) {
                    (2, Some(b'i')) => "id",
                    (5, Some(b't')) => "title",
                    (8, Some(b'c')) => "category",
                    (5, Some(b'b')) => "brand",
                    (5, Some(b'p')) => "price",
                    (10, Some(b'p')) => "popularity",
                    (10, Some(b'r')) => "repurchase",
                    (7, Some(b'i')) => "inStock",
                    (8, Some(b'i')) => "in_stock",
                    (9, Some(b's')) => "sensitive",
                    (4, Some(b't')) => "tags",
                    (7, Some(b'r')) => "related",
                    (10, Some(b'a')) => "attributes",
                    _ => "",
                };
                let name = if name.as_bytes() == k_bytes { name } else { "" };
                let at = Place { k, name };
                match at.name {
                    "id" => f.id = self.opt_string(&at)?,
                    "title" => f.title = self.opt_string(&at)?,
                    "category" => f.category = self.opt_string(&at)?,
                    "brand" => f.brand = self.opt_string(&at)?,
                    "price" => f.price = self.opt_number(&at)?,
                    "popularity" => f.popularity = self.opt_number(&at)?,
                    "repurchase" => f.repurchase = self.opt_number(&at)?,
                    "inStock" | "in_stock" => {
                        f.stock_keys |= if at.name == "inStock" { 1 } else { 2 };
                        f.in_stock = self.opt_bool(&at)?;
                    }
                    "sensitive" => f.sensitive = self.opt_bool(&at)?,
                    "tags" => f.tags = self.opt_list(&at)?,
                    "related" => f.related = self.opt_list(&at)?,
                    "attributes" => f.attributes = self.opt_attributes(&at)?,
                    _ => self.skip(0)?, // display data of the shop's own
                }
                self.ws();
                match self.next_byte() {
                    Some(b',') => {}
                    Some(b'}') => break,
                    _ => return Err(self.syntax_before("',' or '}'")),
                }
            }
        }
        if f.stock_keys == 3 {
            return Err(Error::invalid(path(k, ""), "duplicate field `inStock`"));
        }
        // The lists as strings, in the same two buffers for every item.
        let mut strs: Vec<&str> = reuse(std::mem::take(&mut self.spare_strs));
        let mut attributes: Vec<(&str, &str)> = reuse(std::mem::take(&mut self.spare_pairs));
        let text = |t: Option<Text>| t.map(|t| self.text(t));
        for range in [f.tags, f.related] {
            let (a, z) = range.unwrap_or((0, 0));
            strs.extend(self.texts[a..z].iter().map(|&t| self.text(t)));
        }
        let n_tags = f.tags.map_or(0, |(a, z)| z - a);
        let (tags, related) = strs.split_at(n_tags);
        for &(key, value) in f.attributes.map_or(&[][..], |(a, z)| &self.pairs[a..z]) {
            let pair = (self.text(key), self.text(value));
            // In key order, the last of a repeated key kept: as JSON.parse, then the
            // plain reader's map.
            match attributes.binary_search_by(|&(k, _)| k.cmp(pair.0)) {
                Ok(i) => attributes[i] = pair,
                Err(i) => attributes.insert(i, pair),
            }
        }
        b.add(&ItemView {
            id: text(f.id),
            title: text(f.title),
            category: text(f.category),
            brand: text(f.brand),
            price: f.price,
            tags,
            attributes: &attributes,
            popularity: f.popularity,
            in_stock: f.in_stock,
            sensitive: f.sensitive,
            repurchase: f.repurchase,
            related,
        });
        (self.spare_strs, self.spare_pairs) = (reuse(strs), reuse(attributes));
        Ok(())
    }

    /// `null` (absent) or a string.
    fn opt_string(&mut self, at: &Place) -> Result<Option<Text>, Error> {
        match self.peek() {
            Some(b'"') => self.string().map(Some),
            _ if self.null() => Ok(None),
            _ => Err(self.wrong(&at.path(), "a string")?),
        }
    }

    fn opt_number(&mut self, at: &Place) -> Result<Option<f64>, Error> {
        match self.peek() {
            Some(b'-' | b'0'..=b'9') => self.number().map(Some),
            _ if self.null() => Ok(None),
            _ => Err(self.wrong(&at.path(), "a number")?),
        }
    }

    fn opt_bool(&mut self, at: &Place) -> Result<Option<bool>, Error> {
        if self.word(b"true") {
            return Ok(Some(true));
        }
        if self.peek() == Some(b'f') {
            self.pos += 1;
            if self.word(b"alse") {
                return Ok(Some(false));
            }
            self.pos -= 1;
        }
        if self.null() {
            return Ok(None);
        }
        Err(self.wrong(&at.path(), "true or false")?)
    }

    /// `null` or a list of strings, kept in `texts`.
    fn opt_list(&mut self, at: &Place) -> Result<Option<(usize, usize)>, Error> {
        if self.peek() != Some(b'[') && self.null() {
            return Ok(None);
        }
        if self.peek() != Some(b'[') {
            return Err(self.wrong(&at.path(), "a list")?);
        }
        self.pos += 1;
        let start = self.texts.len();
        self.ws();
        if self.peek() == Some(b']') {
            self.pos += 1;
            return Ok(Some((start, start)));
        }
        loop {
            self.ws();
            if self.peek() != Some(b'"') {
                let mut field = at.path();
                field.push('[');
                push_int(&mut field, (self.texts.len() - start) as i64);
                field.push(']');
                return Err(self.wrong(&field, "a string")?);
            }
            let t = self.string()?;
            self.texts.push(t);
            self.ws();
            match self.next_byte() {
                Some(b',') => {}
                Some(b']') => return Ok(Some((start, self.texts.len()))),
                _ => return Err(self.syntax_before("',' or ']'")),
            }
        }
    }

    /// `null` or an object of strings, kept in `pairs`.
    fn opt_attributes(&mut self, at: &Place) -> Result<Option<(usize, usize)>, Error> {
        if self.peek() != Some(b'{') && self.null() {
            return Ok(None);
        }
        if self.peek() != Some(b'{') {
            return Err(self.wrong(&at.path(), "an object")?);
        }
        self.pos += 1;
        let start = self.pairs.len();
        self.ws();
        if self.peek() == Some(b'}') {
            self.pos += 1;
            return Ok(Some((start, start)));
        }
        loop {
            self.ws();
            if self.peek() != Some(b'"') {
                return Err(self.syntax("a field name in quotes"));
            }
            let key = self.string()?;
            self.ws();
            if self.next_byte() != Some(b':') {
                return Err(self.syntax_before("':'"));
            }
            self.ws();
            if self.peek() != Some(b'"') {
                let field = at.path() + "." + self.text(key);
                return Err(self.wrong(&field, "a string")?);
            }
            let value = self.string()?;
            self.pairs.push((key, value));
            self.ws();
            match self.next_byte() {
                Some(b',') => {}
                Some(b'}') => return Ok(Some((start, self.pairs.len()))),
                _ => return Err(self.syntax_before("',' or '}'")),
            }
        }
    }

    fn null(&mut self) -> bool {
        self.word(b"null")
    }

    /// Takes `w` if it is next (four bytes compared as one word: a `memcmp` call per
    /// field showed in profiles).
    #[inline(always)]
    fn word(&mut self, w: &[u8; 4]) -> bool {
        let next = self.s.get(self.pos..self.pos + 4);
        let is = next.is_some_and(|n| {
            u32::from_le_bytes([n[0], n[1], n[2], n[3]]) == u32::from_le_bytes(*w)
        });
        if is {
            self.pos += 4;
        }
        is
    }

    /// `field: expected …, got <the value here>` (or the syntax error in that value).
    #[cold]
    fn wrong(&mut self, field: &str, expected: &str) -> Result<Error, Error> {
        let kind = self.value_kind()?;
        Ok(Error::invalid(
            field,
            "expected ".to_owned() + expected + ", got " + &kind,
        ))
    }

    /// The value here in words, as the plain reader words a JS value.
    #[cold]
    fn value_kind(&mut self) -> Result<String, Error> {
        Ok(match self.peek() {
            Some(b'"') => {
                let t = self.string()?;
                let s = self.text(t);
                // As the plain reader quotes it: JSON, at most 40 UTF-16 units.
                let mut short = String::new();
                let mut units = 0;
                for c in s.chars() {
                    units += c.len_utf16();
                    if units > 40 {
                        break;
                    }
                    short.push(c);
                }
                let mut out = "the string \"".to_owned();
                for c in short.chars() {
                    match c {
                        '"' => out.push_str("\\\""),
                        '\\' => out.push_str("\\\\"),
                        '\n' => out.push_str("\\n"),
                        c => out.push(c),
                    }
                }
                out + "\""
            }
            Some(b'-' | b'0'..=b'9') => "the number ".to_owned() + &number_text(self.number()?),
            Some(b'[') => "a list".to_owned(),
            Some(b'{') => "an object".to_owned(),
            Some(b't') if self.s[self.pos..].starts_with(b"true") => "true".to_owned(),
            Some(b'f') if self.s[self.pos..].starts_with(b"false") => "false".to_owned(),
            Some(b'n') if self.null() => "null".to_owned(),
            _ => return Err(self.syntax("a value")),
        })
    }

    /// A string at `pos` (on its opening quote).
    fn string(&mut self) -> Result<Text, Error> {
        self.pos += 1;
        let start = self.pos;
        // Eight bytes at a time to the next quote, backslash or control character.
        while self.pos + 8 <= self.s.len() {
            let w = u64::from_le_bytes(self.s[self.pos..self.pos + 8].try_into().unwrap());
            const ONES: u64 = 0x0101_0101_0101_0101;
            const HIGHS: u64 = 0x8080_8080_8080_8080;
            let zero = |x: u64| x.wrapping_sub(ONES) & !x & HIGHS;
            let hit = zero(w ^ (ONES * b'"' as u64))
                | zero(w ^ (ONES * b'\\' as u64))
                | (w.wrapping_sub(ONES * 0x20) & !w & HIGHS);
            if hit != 0 {
                self.pos += (hit.trailing_zeros() / 8) as usize;
                break;
            }
            self.pos += 8;
        }
        loop {
            match self.peek() {
                Some(b'"') => {
                    self.pos += 1;
                    return Ok(Text::Raw(start as u32, self.pos as u32 - 1));
                }
                Some(b'\\') => return self.escaped(start),
                Some(0..=0x1f) | None => return Err(self.syntax("'\"' to end the string")),
                _ => self.pos += 1,
            }
        }
    }

    /// The rest of a string from its first backslash, decoded into `decoded`.
    #[cold]
    fn escaped(&mut self, start: usize) -> Result<Text, Error> {
        let from = self.decoded.len();
        let raw = std::str::from_utf8(&self.s[start..self.pos]).unwrap_or("");
        self.decoded.push_str(raw);
        loop {
            let run = self.pos;
            while let Some(c) = self.peek() {
                if c == b'"' || c == b'\\' || c < 0x20 {
                    break;
                }
                self.pos += 1;
            }
            let plain = std::str::from_utf8(&self.s[run..self.pos]).unwrap_or("");
            self.decoded.push_str(plain);
            match self.next_byte() {
                Some(b'"') => return Ok(Text::Decoded(from as u32, self.decoded.len() as u32)),
                Some(b'\\') => {
                    let c = match self.next_byte() {
                        Some(b'"') => '"',
                        Some(b'\\') => '\\',
                        Some(b'/') => '/',
                        Some(b'b') => '\u{8}',
                        Some(b'f') => '\u{c}',
                        Some(b'n') => '\n',
                        Some(b'r') => '\r',
                        Some(b't') => '\t',
                        Some(b'u') => {
                            let hi = self.hex4()?;
                            if (0xd800..0xdc00).contains(&hi)
                                && self.s[self.pos..].starts_with(b"\\u")
                            {
                                let back = self.pos;
                                self.pos += 2;
                                let lo = self.hex4()?;
                                if (0xdc00..0xe000).contains(&lo) {
                                    let c = 0x10000 + ((hi - 0xd800) << 10) + (lo - 0xdc00);
                                    char::from_u32(c).unwrap_or('\u{fffd}')
                                } else {
                                    self.pos = back; // a lone high surrogate, then another escape
                                    '\u{fffd}'
                                }
                            } else {
                                // A lone surrogate: what encoding the JS string gives.
                                char::from_u32(hi).unwrap_or('\u{fffd}')
                            }
                        }
                        _ => {
                            self.pos -= 1;
                            return Err(self.syntax("an escape such as \\n, \\\" or \\u00e9"));
                        }
                    };
                    self.decoded.push(c);
                }
                _ => {
                    self.pos -= 1;
                    return Err(self.syntax("'\"' to end the string"));
                }
            }
        }
    }

    fn hex4(&mut self) -> Result<u32, Error> {
        let mut v = 0;
        for _ in 0..4 {
            let d = match self.peek() {
                Some(c @ b'0'..=b'9') => c - b'0',
                Some(c @ b'a'..=b'f') => c - b'a' + 10,
                Some(c @ b'A'..=b'F') => c - b'A' + 10,
                _ => return Err(self.syntax("four hex digits after \\u")),
            };
            v = v * 16 + u32::from(d);
            self.pos += 1;
        }
        Ok(v)
    }

    /// A JSON number. Up to 15 significant digits and a power of ten up to 22 it is
    /// exact here (an integer times or over an exact power of ten, rounded once);
    /// anything longer goes to `self.number`.
    fn number(&mut self) -> Result<f64, Error> {
        let start = self.pos;
        let negative = self.peek() == Some(b'-');
        if negative {
            self.pos += 1;
        }
        let (mut mantissa, mut digits, mut exp10) = (0u64, 0u32, 0i32);
        let mut digit_run = |r: &mut Self, fraction: bool| -> usize {
            let from = r.pos;
            while let Some(c @ b'0'..=b'9') = r.peek() {
                if mantissa != 0 || c != b'0' {
                    digits += 1;
                }
                if digits <= 19 {
                    mantissa = mantissa * 10 + u64::from(c - b'0');
                    exp10 -= i32::from(fraction);
                } else if !fraction {
                    exp10 += 1; // a digit past what u64 holds: the slow path reads it
                }
                r.pos += 1;
            }
            r.pos - from
        };
        match self.peek() {
            Some(b'0') => self.pos += 1,
            Some(b'1'..=b'9') => {
                digit_run(self, false);
            }
            _ => return Err(self.syntax("a digit")),
        }
        if self.peek() == Some(b'.') {
            self.pos += 1;
            if digit_run(self, true) == 0 {
                return Err(self.syntax("a digit after '.'"));
            }
        }
        if let Some(b'e' | b'E') = self.peek() {
            self.pos += 1;
            let sign = match self.peek() {
                Some(b'-') => {
                    self.pos += 1;
                    -1
                }
                Some(b'+') => {
                    self.pos += 1;
                    1
                }
                _ => 1,
            };
            let from = self.pos;
            let mut e = 0i32;
            while let Some(c @ b'0'..=b'9') = self.peek() {
                e = e.saturating_mul(10).saturating_add(i32::from(c - b'0'));
                self.pos += 1;
            }
            if self.pos == from {
                return Err(self.syntax("a digit in the exponent"));
            }
            exp10 = exp10.saturating_add(sign * e);
        }
        const POW10: [f64; 23] = [
            1e0, 1e1, 1e2, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9, 1e10, 1e11, 1e12, 1e13, 1e14, 1e15,
            1e16, 1e17, 1e18, 1e19, 1e20, 1e21, 1e22,
        ];
        let value = if mantissa == 0 {
            0.0
        } else if digits <= 15 && (-22..=22).contains(&exp10) {
            let m = mantissa as f64;
            if exp10 < 0 {
                m / POW10[(-exp10) as usize]
            } else {
                m * POW10[exp10 as usize]
            }
        } else {
            let text = std::str::from_utf8(&self.s[start..self.pos]).unwrap_or("");
            return Ok((self.number)(text));
        };
        Ok(if negative { -value } else { value })
    }

    /// Skips one value of a field Tailor does not read (the shop's display data).
    fn skip(&mut self, depth: u32) -> Result<(), Error> {
        if depth > 256 {
            return Err(self.syntax("less deeply nested values"));
        }
        match self.peek() {
            Some(b'"') => {
                self.string()?;
            }
            Some(b'-' | b'0'..=b'9') => {
                self.number()?;
            }
            Some(open @ (b'[' | b'{')) => {
                let close = if open == b'[' { b']' } else { b'}' };
                self.pos += 1;
                self.ws();
                if self.peek() == Some(close) {
                    self.pos += 1;
                    return Ok(());
                }
                loop {
                    self.ws();
                    if open == b'{' {
                        if self.peek() != Some(b'"') {
                            return Err(self.syntax("a field name in quotes"));
                        }
                        self.string()?;
                        self.ws();
                        if self.next_byte() != Some(b':') {
                            return Err(self.syntax_before("':'"));
                        }
                        self.ws();
                    }
                    self.skip(depth + 1)?;
                    self.ws();
                    match self.next_byte() {
                        Some(b',') => {}
                        Some(c) if c == close => return Ok(()),
                        _ => {
                            return Err(self.syntax_before(if open == b'[' {
                                "',' or ']'"
                            } else {
                                "',' or '}'"
                            }));
                        }
                    }
                }
            }
            _ => {
                for word in ["true", "false", "null"] {
                    if self.s[self.pos..].starts_with(word.as_bytes()) {
                        self.pos += word.len();
                        return Ok(());
                    }
                }
                return Err(self.syntax("a value"));
            }
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::core::catalogue::{Catalogue, ItemInput};

    fn parse(text: &str) -> Result<(Catalogue, crate::core::LoadSummary), Error> {
        let mut b = CatalogueBuilder::new(4, &[]);
        read(text.as_bytes(), &mut b, &|s| s.parse().unwrap())?;
        Ok(b.finish())
    }

    fn via_objects(text: &str) -> (Catalogue, crate::core::LoadSummary) {
        let items: Vec<ItemInput> = serde_json::from_str(text).unwrap();
        Catalogue::ingest(items, &[])
    }

    /// Everything the ranking reads, item by item.
    fn fingerprint(c: &Catalogue) -> Vec<String> {
        (0..c.len() as u32)
            .map(|i| {
                let iu = i as usize;
                format!(
                    "{}|{}|{:?}|{:?}|{:?}/{:?}/{:?}|{}/{}|{:?}|{:?}|{}",
                    c.id(i),
                    c.title(i),
                    c.category_path(i),
                    c.brand_name(i),
                    c.price[iu],
                    c.popularity[iu],
                    c.repurchase[iu],
                    c.in_stock[iu],
                    c.sensitive[iu],
                    c.attributes_of(i)
                        .iter()
                        .map(|&a| &*c.attributes[a as usize])
                        .collect::<Vec<_>>(),
                    c.related_of(i).iter().map(|&j| c.id(j)).collect::<Vec<_>>(),
                    c.position(i),
                )
            })
            .collect()
    }

    #[test]
    fn loads_what_parsing_then_loading_the_objects_loads() {
        let text = r#" [
          {"id": "sku-1", "title": "Trail Runner 2", "category": "shoes/running", "brand": "Acme",
           "popularity": 1, "price": 89.5, "tags": ["trail", ""], "image": {"src": "/a.jpg", "sizes": [1, 2.5e3, null, true]},
           "attributes": {"size": "40 lb", "colour": "grey", "": ""}, "inStock": false, "related": ["sku-2", "nope"]},
          {"id": " sku-2 ", "title": "R\u00e9genjacke \ud83c\udf27 \"quoted\"\n", "category": " outdoor / jackets/",
           "brand": null, "popularity": 9.000000000000001, "price": -0, "in_stock": true, "sensitive": false,
           "repurchase": 0.4, "attributes": {}, "tags": []},
          {"id": "sku-3", "title": "ctrl \u0001 inside", "category": "shoes", "price": -1, "repurchase": 7},
          {"id": "sku-1", "title": "repeated id"},
          {"title": "no id", "price": 1e300},
          {"id": "", "sensitive": true},
          {"id": "sku-4", "category": "a/a/a/a/a/a/a/a/a/a/a/a/a/a/a/a/a/a/a/a/", "brand": "Acme", "related": null,
           "price": 12.3456789012345678, "popularity": 1E2, "title": "x"},
          {}
        ] "#;
        let (a, sa) = parse(text).unwrap();
        let (b, sb) = via_objects(text);
        assert_eq!(sa, sb);
        assert_eq!(fingerprint(&a), fingerprint(&b));
        assert_eq!(sa.loaded, 4);
        assert_eq!(a.title(1), "Régenjacke 🌧 \"quoted\"");
        // A lone surrogate (which serde_json refuses, and JSON.parse keeps until the
        // string is encoded): U+FFFD, as the packed and plain readers get it.
        let (c, _) = parse(r#"[{"id": "a\ud800b\udc00\ud800\u0041"}]"#).unwrap();
        assert_eq!(c.id(0), "a\u{fffd}b\u{fffd}\u{fffd}A");
        // A repeated key keeps its last value, as JSON.parse (serde_json refuses it).
        let (c, _) = parse(r#"[{"id": "a", "title": "x", "title": "last wins"}]"#).unwrap();
        assert_eq!(c.title(0), "last wins");
        // Past f64's range: Infinity, as JSON.parse reads it (serde_json refuses it).
        let (_, s) = parse(r#"[{"id": "a", "price": 1e400}]"#).unwrap();
        assert_eq!(
            s.problems[0].message,
            "Infinity is not a finite, non-negative number; price ignored"
        );
    }

    #[test]
    fn numbers_read_exactly_as_json_parse_reads_them() {
        for n in [
            "0",
            "-0",
            "1",
            "0.93",
            "2.49",
            "89.5",
            "1e2",
            "1E-7",
            "123456789012345",
            "9007199254740993",
            "0.1",
            "0.30000000000000004",
            "1.7976931348623157e308",
            "5e-324",
            "123.456e-10",
            "100000000000000000000000",
            "-12.5",
            "3.14159265358979323846",
        ] {
            let (c, _) = parse(&format!(r#"[{{"id": "a", "popularity": {n}}}]"#)).unwrap();
            let want: f64 = n.parse().unwrap();
            // Beyond f32 (what is kept) a popularity is refused and counts as 0.
            let kept = if (want as f32).is_finite() {
                want as f32
            } else {
                0.0
            };
            assert_eq!(c.popularity[0], kept, "{n}");
            let mut r = Reader {
                s: n.as_bytes(),
                pos: 0,
                number: &|s| s.parse().unwrap(),
                decoded: String::new(),
                texts: Vec::new(),
                pairs: Vec::new(),
                spare_strs: Vec::new(),
                spare_pairs: Vec::new(),
            };
            assert_eq!(r.number().unwrap().to_bits(), want.to_bits(), "{n}");
        }
    }

    #[test]
    fn mistakes_name_the_field_or_the_place() {
        let err = |text: &str| parse(text).err().map(|e| e.to_string()).unwrap_or_default();
        assert_eq!(
            err(r#"[{"id": "a", "price": "cheap"}]"#),
            r#"items[0].price: expected a number, got the string "cheap""#
        );
        assert_eq!(
            err(r#"[{"id": "a"}, {"id": "b", "tags": ["x", 3]}]"#),
            "items[1].tags[1]: expected a string, got the number 3"
        );
        assert_eq!(
            err(r#"[{"id": "a", "attributes": {"size": 40}}]"#),
            "items[0].attributes.size: expected a string, got the number 40"
        );
        assert_eq!(
            err(r#"[{"id": "a", "related": "b"}]"#),
            r#"items[0].related: expected a list, got the string "b""#
        );
        assert_eq!(
            err(r#"[{"id": "a", "inStock": "yes"}]"#),
            r#"items[0].inStock: expected true or false, got the string "yes""#
        );
        assert_eq!(
            err(r#"[{"id": "a", "inStock": true, "in_stock": false}]"#),
            "items[0]: duplicate field `inStock`"
        );
        assert_eq!(
            err(r#"[3]"#),
            "items[0]: expected an object, got the number 3"
        );
        assert_eq!(
            err(r#"{"items": []}"#),
            "items: expected an array of catalogue items, got an object"
        );
        assert_eq!(
            err("[\n  {\"id\": \"a\",\n   \"price\": 1,}\n]"),
            "items: not JSON at line 3, column 15: expected a field name in quotes"
        );
        assert_eq!(
            err(r#"[{"id": "a"} {"id": "b"}]"#),
            "items: not JSON at line 1, column 14: expected ',' or ']'"
        );
        assert_eq!(
            err(r#"[{"id": "a\q"}]"#),
            r#"items: not JSON at line 1, column 12: expected an escape such as \n, \" or \u00e9"#
        );
        assert_eq!(
            err(r#"[{"id": "a", "price": 1.}]"#),
            "items: not JSON at line 1, column 25: expected a digit after '.'"
        );
        assert_eq!(
            err(r#"[{"id": "a"}] x"#),
            "items: not JSON at line 1, column 15: expected the end after the array"
        );
        assert_eq!(
            err("[{\"id\": \"a\tb\"}]"),
            "items: not JSON at line 1, column 11: expected '\"' to end the string"
        );
        assert_eq!(
            err("[{\"id\": \"ab"),
            "items: not JSON at line 1, column 12: expected '\"' to end the string"
        );
        assert!(
            err(&("[{\"x\": ".to_owned() + &"[".repeat(300) + &"]".repeat(300) + "}]"))
                .contains("less deeply nested")
        );
    }

    #[test]
    fn invalid_utf8_reads_as_the_browser_decodes_it_and_a_bom_is_dropped() {
        let mut bytes = b"\xef\xbb\xbf[{\"id\": \"a\", \"title\": \"caf\xe9!\"}]".to_vec();
        let mut b = CatalogueBuilder::new(1, &[]);
        read(&bytes, &mut b, &|s| s.parse().unwrap()).unwrap();
        let (c, _) = b.finish();
        assert_eq!(c.title(0), "caf\u{fffd}!");
        bytes.truncate(3);
        let mut b = CatalogueBuilder::new(1, &[]);
        assert!(read(&bytes, &mut b, &|s| s.parse().unwrap()).is_err());
    }
}

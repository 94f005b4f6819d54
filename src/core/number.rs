//! A float in words for error messages, as JS would print it (`String(x)`), without
//! Rust's float formatting: `{x}` on an `f64` pulls flt2dec (Grisu and Dragon, with
//! their bignums and tables) into the wasm, 7 KiB gzip for a few messages.
//!
//! Exact where messages need it: integers below 2^64 and every number from 10^-6 up to
//! 2^53 get JS's shortest round-trip digits, found with integer arithmetic. Beyond that
//! (tiny, or above 2^64, where JS also switches to e-notation from 10^21 on) the number
//! is written in e-notation rounded to 13 significant digits: near, not always shortest.

/// `x` as JS's `String(x)` writes it: `12.345`, `-0.5`, `1e-7`, `NaN`, `-Infinity`.
pub fn number_text(x: f64) -> String {
    let mut s = String::new();
    if x.is_nan() {
        s.push_str("NaN");
        return s;
    }
    if x < 0.0 {
        s.push('-');
    }
    let a = x.abs();
    if a == f64::INFINITY {
        s.push_str("Infinity");
    } else if a == 0.0 {
        s = "0".into(); // JS writes -0 as "0"
    } else if a.fract() == 0.0 && a < 18_446_744_073_709_551_616.0 {
        integer(&mut s, a);
    } else if (1e-6..9_007_199_254_740_992.0).contains(&a) {
        fraction(&mut s, a);
    } else {
        scientific(&mut s, a);
    }
    s
}

/// The bits of a finite `a > 0`: `a = f·2^e`, and whether the next float down is only
/// half as far as the next one up (`f` is a power of two), which halves the room below.
fn parts(a: f64) -> (u64, i32, bool) {
    let bits = a.to_bits();
    let exp = (bits >> 52) as i32;
    let mant = bits & ((1 << 52) - 1);
    if exp == 0 {
        (mant, -1074, false)
    } else {
        (mant | 1 << 52, exp - 1075, mant == 0 && exp > 1)
    }
}

/// An integer below 2^64: its digits, ending in zeros where JS ends them so (2^60 is
/// "1152921504606847000"): the fewest digits that still read back as `a`.
fn integer(s: &mut String, a: f64) {
    let v = a as u64;
    let (f, e, tight) = parts(a);
    // The gaps to the neighbouring floats (below 2^53 there is no room: e ≤ 0, gap 0).
    let up = if e > 0 { 1u128 << e } else { 0 };
    let down = if tight { up / 2 } else { up };
    let mut k = 19;
    let mut p = 10_000_000_000_000_000_000u64;
    while k > 0 {
        let n = v / p + u64::from(v % p >= p / 2);
        let c = n as u128 * p as u128;
        let (gap, twice) = if c >= v as u128 {
            (up, 2 * (c - v as u128))
        } else {
            (down, 2 * (v as u128 - c))
        };
        // Exact; within half a gap; or exactly halfway, which reads back as the float
        // with the even mantissa.
        let fits = twice == 0 || twice < gap || (twice == gap && f % 2 == 0);
        if n > 0 && fits {
            push_u64(s, n);
            (0..k).for_each(|_| s.push('0'));
            return;
        }
        k -= 1;
        p /= 10;
    }
    push_u64(s, v);
}

/// A non-integer from 10^-6 to 2^53: the fewest decimals `d` whose nearest `n·10^-d`
/// reads back as `a`. All in integers: `a·10^d = f·5^d·2^-(sh-d)` with `sh = -e`.
fn fraction(s: &mut String, a: f64) {
    let (f, e, tight) = parts(a);
    let sh = -e as u32; // a < 2^53 and not an integer, so e < 0
    let mut p5: u128 = 1;
    let mut d = 0;
    loop {
        d += 1;
        p5 *= 5;
        let num = f as u128 * p5; // < 2^53 · 5^23 < 2^107: 17 digits are reached by d = 23
        let shift = sh - d; // sh ≥ d: at d = sh, a·10^d is a whole number and ends the loop
        let n = num >> shift;
        let rem = num - (n << shift);
        let unit = 1u128 << shift;
        // The nearest n, and whether it lies within half a float-gap of a (in 2^-shift units).
        let (n, fits) = if 2 * rem >= unit {
            (n + 1, 2 * (unit - rem) < p5)
        } else {
            (n, if tight { 4 * rem < p5 } else { 2 * rem < p5 })
        };
        if fits {
            let mut digits = String::new();
            push_u64(&mut digits, n as u64);
            let d = d as usize;
            if digits.len() <= d {
                s.push_str("0.");
                (digits.len()..d).for_each(|_| s.push('0'));
                s.push_str(&digits);
            } else {
                push_point(s, &digits, digits.len() - d);
            }
            return;
        }
    }
}

/// `1.5e-7`, `1.797693134862e+308`: 13 significant digits, trailing zeros dropped. The
/// scaling by powers of ten is inexact (a few parts in 10^15), well below the last digit.
fn scientific(s: &mut String, a: f64) {
    let mut m = a;
    let mut e: i32 = 0;
    while m >= 1e16 {
        m /= 1e16;
        e += 16;
    }
    while m >= 10.0 {
        m /= 10.0;
        e += 1;
    }
    while m < 1e-16 {
        m *= 1e16;
        e -= 16;
    }
    while m < 1.0 {
        m *= 10.0;
        e -= 1;
    }
    let mut n = (m * 1e12).round() as u64;
    if n >= 10_000_000_000_000 {
        n /= 10;
        e += 1;
    }
    while n % 10 == 0 && n >= 10 {
        n /= 10;
    }
    let mut digits = String::new();
    push_u64(&mut digits, n);
    push_point(s, &digits, 1);
    s.push_str(if e < 0 { "e-" } else { "e+" });
    push_u64(s, e.unsigned_abs() as u64);
}

/// Appends the (ASCII) `digits` with a point before the `cut`-th, none if `cut` is their
/// length: ("12345", 2) → "12.345". Not `split_at`: its panic path brings str slicing's
/// error formatting (char Debug, Unicode tables) into the wasm.
fn push_point(s: &mut String, digits: &str, cut: usize) {
    for (i, c) in digits.chars().enumerate() {
        if i == cut {
            s.push('.');
        }
        s.push(c);
    }
}

/// Appends `n` in decimal, exactly as `Display` would, without pulling in its code: the
/// one integer writer of the wasm (report, ledger and count codecs, messages).
pub fn push_int(s: &mut String, n: i64) {
    if n < 0 {
        s.push('-');
    }
    push_u64(s, n.unsigned_abs());
}

pub fn push_u64(s: &mut String, mut n: u64) {
    let mut digits = [0u8; 20];
    let mut i = digits.len();
    loop {
        i -= 1;
        digits[i] = b'0' + (n % 10) as u8;
        n /= 10;
        if n == 0 {
            break;
        }
    }
    s.extend(digits[i..].iter().map(|&d| d as char));
}

#[cfg(test)]
mod tests {
    use super::number_text;

    #[test]
    fn as_js_writes_them() {
        for (x, js) in [
            (0.0, "0"),
            (-0.0, "0"),
            (1.0, "1"),
            (-7.0, "-7"),
            (395.0, "395"),
            (12.345, "12.345"),
            (0.1, "0.1"),
            (-0.5, "-0.5"),
            (0.3, "0.3"),
            (0.1 + 0.2, "0.30000000000000004"),
            (1.0 / 3.0, "0.3333333333333333"),
            (2.0 / 3.0, "0.6666666666666666"),
            (100.5, "100.5"),
            (1e-6, "0.000001"),
            (1.5e-6, "0.0000015"),
            (123456.789, "123456.789"),
            (4503599627370495.5, "4503599627370495.5"),
            (9007199254740991.0, "9007199254740991"),
            (9007199254740992.0, "9007199254740992"),
            (9007199254740994.0, "9007199254740994"),
            (1152921504606846976.0, "1152921504606847000"),
            (18446744073709549568.0, "18446744073709550000"),
            (1.7e18, "1700000000000000000"),
            (1e21, "1e+21"),
            (1e25, "1e+25"),
            (-1.5e300, "-1.5e+300"),
            (1e-7, "1e-7"),
            (1.5e-7, "1.5e-7"),
            (2.5e-10, "2.5e-10"),
            (f64::MAX, "1.797693134862e+308"),
            (f64::MIN_POSITIVE, "2.225073858507e-308"),
            (5e-324, "4.940656458412e-324"),
            (f64::NAN, "NaN"),
            (f64::INFINITY, "Infinity"),
            (f64::NEG_INFINITY, "-Infinity"),
        ] {
            assert_eq!(number_text(x), js, "{x:e}");
        }
    }

    /// From 10^-6 to 2^64, Rust's `Display` is also shortest round-trip in plain decimals:
    /// the two must agree digit for digit, across magnitudes and awkward mantissas.
    #[test]
    fn agrees_with_display_where_both_are_exact() {
        let mut state = 0x9e37_79b9_7f4a_7c15u64;
        let mut next = || {
            state ^= state << 13;
            state ^= state >> 7;
            state ^= state << 17;
            state
        };
        for _ in 0..200_000 {
            let bits = next();
            let mantissa = bits & ((1 << 52) - 1);
            let exponent = 1023 - 20 + (next() % 84); // 2^-20 ≈ 10^-6 to 2^63
            let x = f64::from_bits(exponent << 52 | mantissa);
            let x = if bits >> 63 == 1 { -x } else { x };
            if x.abs() < 1e-6 {
                continue;
            }
            assert_eq!(number_text(x), format!("{x}"), "{x:e}");
            // Prices and times as shops write them: a few decimals.
            let y = (next() % 100_000_000) as f64 / 10f64.powi((next() % 7) as i32);
            assert_eq!(number_text(y), format!("{y}"));
        }
        for n in [1u64 << 53, (1 << 53) + 2, 1 << 62, u64::MAX - 2047] {
            let x = n as f64;
            assert_eq!(number_text(x), format!("{x}"));
        }
    }

    #[test]
    fn scientific_reads_back_near() {
        for x in [3.14159e-9, 6.02214076e23, 1.234e-300, 9.999999999999e22] {
            let back: f64 = number_text(x).parse().unwrap();
            assert!((back - x).abs() <= x * 1e-12, "{x:e}");
        }
    }
}

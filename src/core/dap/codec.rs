//! The two encodings DAP messages use: the TLS presentation language of RFC 8446 §3
//! (big-endian integers, vectors with a length prefix of 1, 2 or 4 bytes) and URL-safe
//! base64 without padding (RFC 4648 §5), in which task ids appear in URLs and configs.

/// Builds a message in TLS presentation syntax.
#[derive(Debug, Default)]
pub struct Out {
    buf: Vec<u8>,
}

impl Out {
    pub fn new() -> Out {
        Out::default()
    }

    pub fn u8(&mut self, v: u8) -> &mut Self {
        self.buf.push(v);
        self
    }

    pub fn u16(&mut self, v: u16) -> &mut Self {
        self.buf.extend_from_slice(&v.to_be_bytes());
        self
    }

    pub fn u32(&mut self, v: u32) -> &mut Self {
        self.buf.extend_from_slice(&v.to_be_bytes());
        self
    }

    pub fn u64(&mut self, v: u64) -> &mut Self {
        self.buf.extend_from_slice(&v.to_be_bytes());
        self
    }

    /// A fixed-length field (`opaque ReportID[16]`): no prefix.
    pub fn fixed(&mut self, b: &[u8]) -> &mut Self {
        self.buf.extend_from_slice(b);
        self
    }

    /// `opaque x<0..2^8-1>`. The caller has checked the length (a task's fields are
    /// validated when the task is built), so an overlong vector is a bug: it panics
    /// rather than send a message no aggregator could parse.
    pub fn vec8(&mut self, b: &[u8]) -> &mut Self {
        // `assert!`, not `expect`: that would format the error with Debug (KBs of wasm).
        assert!(b.len() <= u8::MAX as usize, "vector longer than 2^8-1");
        self.u8(b.len() as u8);
        self.fixed(b)
    }

    /// `opaque x<0..2^16-1>`.
    pub fn vec16(&mut self, b: &[u8]) -> &mut Self {
        assert!(b.len() <= u16::MAX as usize, "vector longer than 2^16-1");
        self.u16(b.len() as u16);
        self.fixed(b)
    }

    /// `opaque x<0..2^32-1>`.
    pub fn vec32(&mut self, b: &[u8]) -> &mut Self {
        assert!(b.len() <= u32::MAX as usize, "vector longer than 2^32-1");
        self.u32(b.len() as u32);
        self.fixed(b)
    }

    pub fn len(&self) -> usize {
        self.buf.len()
    }

    pub fn is_empty(&self) -> bool {
        self.buf.is_empty()
    }

    pub fn finish(self) -> Vec<u8> {
        self.buf
    }
}

/// Reads a message in TLS presentation syntax. Every read names what it reads, so a
/// short or malformed message says where it broke (e.g. `configs[1].public_key`).
pub struct In<'a> {
    buf: &'a [u8],
    at: usize,
}

/// Where a message could not be read, and why.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Malformed {
    pub field: String,
    pub problem: String,
}

impl<'a> In<'a> {
    pub fn new(buf: &'a [u8]) -> In<'a> {
        In { buf, at: 0 }
    }

    pub fn fixed(&mut self, field: &str, n: usize) -> Result<&'a [u8], Malformed> {
        let left = self.buf.len() - self.at;
        if n > left {
            return Err(Malformed {
                field: field.to_owned(),
                problem: format!(
                    "the message ends {left} bytes into it, {n} bytes were expected (at byte {})",
                    self.at
                ),
            });
        }
        let out = &self.buf[self.at..self.at + n];
        self.at += n;
        Ok(out)
    }

    pub fn u8(&mut self, field: &str) -> Result<u8, Malformed> {
        Ok(self.fixed(field, 1)?[0])
    }

    pub fn u16(&mut self, field: &str) -> Result<u16, Malformed> {
        let b = self.fixed(field, 2)?;
        Ok(u16::from_be_bytes([b[0], b[1]]))
    }

    pub fn vec16(&mut self, field: &str) -> Result<&'a [u8], Malformed> {
        let n = self.u16(field)?;
        self.fixed(field, usize::from(n))
    }

    pub fn u32(&mut self, field: &str) -> Result<u32, Malformed> {
        let b = self.fixed(field, 4)?;
        Ok(u32::from_be_bytes([b[0], b[1], b[2], b[3]]))
    }

    pub fn u64(&mut self, field: &str) -> Result<u64, Malformed> {
        let b = self.fixed(field, 8)?;
        let mut w = [0u8; 8];
        w.copy_from_slice(b);
        Ok(u64::from_be_bytes(w))
    }

    pub fn vec8(&mut self, field: &str) -> Result<&'a [u8], Malformed> {
        let n = self.u8(field)?;
        self.fixed(field, usize::from(n))
    }

    pub fn at_end(&self) -> bool {
        self.at == self.buf.len()
    }

    pub fn position(&self) -> usize {
        self.at
    }
}

const URL_SAFE: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";

/// URL-safe base64 without padding, as DAP writes task ids in URLs.
pub fn base64url(data: &[u8]) -> String {
    let mut out = String::with_capacity(data.len().div_ceil(3) * 4);
    for chunk in data.chunks(3) {
        let n = chunk
            .iter()
            .enumerate()
            .fold(0u32, |n, (k, &b)| n | u32::from(b) << (16 - 8 * k));
        // A chunk of k bytes gives k + 1 characters; no '=' after them.
        for k in 0..=chunk.len() {
            out.push(URL_SAFE[(n >> (18 - 6 * k) & 63) as usize] as char);
        }
    }
    out
}

/// Decodes URL-safe base64 without padding. Strict: any other character (padding, the
/// standard alphabet's '+' and '/', white space), an impossible length, or non-zero
/// bits after the last byte is an error, so one text names exactly one byte string.
pub fn base64url_decode(text: &str) -> Result<Vec<u8>, String> {
    if text.len() % 4 == 1 {
        return Err(format!(
            "{} characters is not a length base64 can have",
            text.len()
        ));
    }
    let mut out = Vec::with_capacity(text.len() * 3 / 4);
    let mut acc = 0u32;
    let mut bits = 0;
    for (k, c) in text.bytes().enumerate() {
        let v = match URL_SAFE.iter().position(|&a| a == c) {
            Some(v) => v as u32,
            None => {
                return Err(match c {
                    b'=' => "has '=' padding; DAP writes base64url without padding".to_owned(),
                    b'+' | b'/' => format!(
                        "has '{}' at {k}: that is standard base64, expected the URL-safe alphabet ('-' and '_')",
                        c as char
                    ),
                    _ => format!("has a character that is not base64url at {k}"),
                })
            }
        };
        acc = acc << 6 | v;
        bits += 6;
        if bits >= 8 {
            bits -= 8;
            out.push((acc >> bits) as u8);
            acc &= (1 << bits) - 1;
        }
    }
    if acc != 0 {
        return Err("its last character has bits set past the end of the data".to_owned());
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn base64url_matches_rfc_4648_and_round_trips() {
        // RFC 4648 §10 vectors, without padding.
        for (data, text) in [
            ("", ""),
            ("f", "Zg"),
            ("fo", "Zm8"),
            ("foo", "Zm9v"),
            ("foob", "Zm9vYg"),
            ("fooba", "Zm9vYmE"),
            ("foobar", "Zm9vYmFy"),
        ] {
            assert_eq!(base64url(data.as_bytes()), text);
            assert_eq!(base64url_decode(text).unwrap(), data.as_bytes());
        }
        // The URL-safe characters, and the example task id of DAP-18 §3.
        assert_eq!(base64url(&[0xfb, 0xff]), "-_8");
        let id = [
            0xf0, 0x16, 0x34, 0x47, 0x36, 0x4c, 0xcf, 0x1b, 0xc0, 0xe3, 0xaf, 0xfc, 0xca, 0x68,
            0x73, 0xc9, 0xc3, 0x81, 0xf6, 0x4a, 0xcd, 0xf9, 0x02, 0x06, 0x62, 0xf8, 0x3f, 0x46,
            0xc0, 0x72, 0x19, 0xe7,
        ];
        assert_eq!(
            base64url(&id),
            "8BY0RzZMzxvA46_8ymhzycOB9krN-QIGYvg_RsByGec"
        );
        let all: Vec<u8> = (0..=255).collect();
        for len in 0..all.len() {
            assert_eq!(
                base64url_decode(&base64url(&all[..len])).unwrap(),
                &all[..len]
            );
        }
    }

    #[test]
    fn base64url_refuses_what_is_not_exactly_base64url() {
        assert!(base64url_decode("Zg==").unwrap_err().contains("padding"));
        assert!(base64url_decode("+_8")
            .unwrap_err()
            .contains("standard base64"));
        assert!(base64url_decode("Zm9vY").unwrap_err().contains("length"));
        assert!(base64url_decode("Zh").unwrap_err().contains("bits set"));
        assert!(base64url_decode("Zm 9").is_err());
    }

    #[test]
    fn vectors_carry_their_length_prefix() {
        let mut o = Out::new();
        o.vec8(b"ab").vec16(b"c").vec32(b"").u64(1);
        assert_eq!(
            o.finish(),
            [2, b'a', b'b', 0, 1, b'c', 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1]
        );
        let mut i = In::new(&[0, 2, 7, 8, 9]);
        assert_eq!(i.vec16("v").unwrap(), [7, 8]);
        let err = i.u16("w").unwrap_err();
        assert_eq!(err.field, "w");
        assert!(err.problem.contains("2 bytes were expected"));
    }
}

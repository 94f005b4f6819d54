//! A small binary codec (varints, f32, strings) and base64, for the stored profile.
//! Binary keeps the profile a few KB whatever its history; base64 because browser
//! storage holds strings. Hand-written to keep serde_json and its size out of the wasm.

#[derive(Default)]
pub struct Writer {
    buf: Vec<u8>,
}

impl Writer {
    pub fn new() -> Self {
        Self::default()
    }
    pub fn bytes(&mut self, b: &[u8]) {
        self.buf.extend_from_slice(b);
    }
    pub fn u8(&mut self, v: u8) {
        self.buf.push(v);
    }
    pub fn varint(&mut self, mut v: u64) {
        while v >= 0x80 {
            self.buf.push((v as u8) | 0x80);
            v >>= 7;
        }
        self.buf.push(v as u8);
    }
    pub fn f32(&mut self, v: f32) {
        self.buf.extend_from_slice(&v.to_le_bytes());
    }
    pub fn str(&mut self, s: &str) {
        self.varint(s.len() as u64);
        self.buf.extend_from_slice(s.as_bytes());
    }
    pub fn finish(self) -> Vec<u8> {
        self.buf
    }
}

/// Why a stored blob could not be read. Callers treat any of these as "nothing stored".
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct DecodeError;

pub struct Reader<'a> {
    buf: &'a [u8],
    pos: usize,
}

impl<'a> Reader<'a> {
    pub fn new(buf: &'a [u8]) -> Self {
        Reader { buf, pos: 0 }
    }
    pub fn bytes(&mut self, n: usize) -> Result<&'a [u8], DecodeError> {
        let end = self.pos.checked_add(n).ok_or(DecodeError)?;
        let s = self.buf.get(self.pos..end).ok_or(DecodeError)?;
        self.pos = end;
        Ok(s)
    }
    pub fn u8(&mut self) -> Result<u8, DecodeError> {
        Ok(self.bytes(1)?[0])
    }
    pub fn varint(&mut self) -> Result<u64, DecodeError> {
        let mut v = 0u64;
        for shift in (0..64).step_by(7) {
            let b = self.u8()?;
            v |= u64::from(b & 0x7f) << shift;
            if b & 0x80 == 0 {
                return Ok(v);
            }
        }
        Err(DecodeError)
    }
    /// A count that must fit the cap the encoder obeyed; larger means corrupt.
    pub fn count(&mut self, cap: usize) -> Result<usize, DecodeError> {
        let n = self.varint()?;
        if n > cap as u64 {
            return Err(DecodeError);
        }
        Ok(n as usize)
    }
    pub fn f32(&mut self) -> Result<f32, DecodeError> {
        let b = self.bytes(4)?;
        let v = f32::from_le_bytes([b[0], b[1], b[2], b[3]]);
        if v.is_finite() {
            Ok(v)
        } else {
            Err(DecodeError)
        }
    }
    pub fn str(&mut self) -> Result<String, DecodeError> {
        let n = self.count(4096)?;
        let b = self.bytes(n)?;
        String::from_utf8(b.to_vec()).map_err(|_| DecodeError)
    }
    pub fn at_end(&self) -> bool {
        self.pos == self.buf.len()
    }
}

const B64: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

pub fn base64_encode(data: &[u8]) -> String {
    let mut out = String::with_capacity(data.len().div_ceil(3) * 4);
    for chunk in data.chunks(3) {
        let n = (u32::from(chunk[0]) << 16)
            | (u32::from(*chunk.get(1).unwrap_or(&0)) << 8)
            | u32::from(*chunk.get(2).unwrap_or(&0));
        for i in 0..4 {
            if i <= chunk.len() {
                out.push(B64[(n >> (18 - 6 * i)) as usize & 63] as char);
            } else {
                out.push('=');
            }
        }
    }
    out
}

pub fn base64_decode(text: &str) -> Result<Vec<u8>, DecodeError> {
    let bytes = text.as_bytes();
    if bytes.len() % 4 != 0 {
        return Err(DecodeError);
    }
    let mut out = Vec::with_capacity(bytes.len() / 4 * 3);
    for (ci, chunk) in bytes.chunks(4).enumerate() {
        let last = ci == bytes.len() / 4 - 1;
        let mut n = 0u32;
        let mut pad = 0;
        for (i, &c) in chunk.iter().enumerate() {
            let v = match c {
                b'A'..=b'Z' => c - b'A',
                b'a'..=b'z' => c - b'a' + 26,
                b'0'..=b'9' => c - b'0' + 52,
                b'+' => 62,
                b'/' => 63,
                b'=' if last && i >= 2 => {
                    pad += 1;
                    0
                }
                _ => return Err(DecodeError),
            };
            if pad > 0 && c != b'=' {
                return Err(DecodeError);
            }
            n = (n << 6) | u32::from(v);
        }
        let b = [(n >> 16) as u8, (n >> 8) as u8, n as u8];
        out.extend_from_slice(&b[..3 - pad]);
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn base64_round_trips_every_length() {
        for len in 0..40 {
            let data: Vec<u8> = (0..len).map(|i| (i * 37 + 11) as u8).collect();
            let text = base64_encode(&data);
            assert_eq!(base64_decode(&text).unwrap(), data, "len {len}");
        }
        assert_eq!(base64_encode(b"Man"), "TWFu");
        assert_eq!(base64_encode(b"Ma"), "TWE=");
    }

    #[test]
    fn base64_rejects_garbage() {
        assert!(base64_decode("abc").is_err());
        assert!(base64_decode("ab!d").is_err());
        assert!(base64_decode("a=bc").is_err());
        assert!(base64_decode("ab=c").is_err());
    }

    #[test]
    fn reader_rejects_truncated_and_oversized() {
        let mut w = Writer::new();
        w.varint(300);
        w.str("hé");
        w.f32(1.5);
        let buf = w.finish();
        let mut r = Reader::new(&buf);
        assert_eq!(r.varint().unwrap(), 300);
        assert_eq!(r.str().unwrap(), "hé");
        assert_eq!(r.f32().unwrap(), 1.5);
        assert!(r.at_end());
        let mut short = Reader::new(&buf[..buf.len() - 1]);
        short.varint().unwrap();
        short.str().unwrap();
        assert!(short.f32().is_err());
        let mut w = Writer::new();
        w.varint(10);
        assert!(Reader::new(&w.finish()).count(5).is_err());
        assert!(Reader::new(&[0xff; 11]).varint().is_err());
    }
}

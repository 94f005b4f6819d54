//! The one JS → Rust reader: a serde `Deserializer` over plain JS values whose errors
//! name the field at fault (`items[3].price: expected a number, got the string "cheap"`).
//!
//! Why our own: serde_path_to_error wrapped serde-wasm-bindgen's reader in a second
//! generic layer, instantiated for every input type (12 KiB gzip of the wasm). This reader
//! is the only layer: it knows the value in hand, so a wrong type is described on the
//! spot, and the path is prepended while the error travels back up (`.price`, then `[3]`).
//! It reads only what the engine's inputs are made of (objects, arrays, strings, numbers,
//! booleans, null/undefined, string enums), which also makes it smaller than
//! serde-wasm-bindgen's reader: 16 KiB less in all. Rust → JS stays serde-wasm-bindgen's.

use crate::core::number::number_text;
use js_sys::{Array, JsString, Object, JSON};
use serde::de::{self, IntoDeserializer, Visitor};
use std::fmt;
use wasm_bindgen::{JsCast, JsValue};

/// `{path}: {message}` in one string, the path relative to the argument (`[3].price`);
/// it starts empty and grows at the front while the error travels up.
#[derive(Debug)]
pub struct Error(String);

impl Error {
    /// The error of the value under `segment` (`[3]` or `.price`), as seen from its parent.
    #[inline(never)]
    fn under(mut self, segment: &str) -> Self {
        self.0.insert_str(0, segment);
        self
    }
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl std::error::Error for Error {}

impl de::Error for Error {
    fn custom<T: fmt::Display>(message: T) -> Self {
        Error(format!(": {message}"))
    }

    /// Names the field itself, like the core's own errors (`policyVersion: missing`).
    fn missing_field(field: &'static str) -> Self {
        Error(format!(".{field}: missing"))
    }

    /// For `#[serde(deny_unknown_fields)]`: a misspelt option (`personalisation`) must not
    /// pass silently as "absent".
    fn unknown_field(field: &str, expected: &'static [&'static str]) -> Self {
        Error(format!(
            ".{field}: unknown field; expected one of {}",
            expected.join(", ")
        ))
    }

    fn unknown_variant(variant: &str, expected: &'static [&'static str]) -> Self {
        Error(format!(
            ": \"{variant}\" is not one of {}",
            expected.join(", ")
        ))
    }
}

/// A JS value in words, for error messages (short: never a whole catalogue).
fn describe(v: &JsValue) -> String {
    if let Some(s) = v.dyn_ref::<JsString>() {
        // Quoted as JS would (JSON.stringify), not with Rust's escapes.
        let short = JSON::stringify(&s.slice(0, 40)).unwrap_or_default();
        return format!("the string {short}");
    }
    if let Some(n) = v.as_f64() {
        return format!("the number {}", number_text(n));
    }
    if let Some(b) = v.as_bool() {
        return b.to_string();
    }
    if v.is_null() {
        "null".to_owned()
    } else if v.is_undefined() {
        "nothing".to_owned()
    } else if Array::is_array(v) {
        "a list".to_owned()
    } else {
        "an object".to_owned()
    }
}

/// Reads one JS value.
pub struct De(pub JsValue);

impl De {
    #[cold]
    fn expected(&self, what: &str) -> Error {
        Error(format!(": expected {what}, got {}", describe(&self.0)))
    }
}

impl<'de> de::Deserializer<'de> for De {
    type Error = Error;

    /// By the JS type; only for types that do not say what they want.
    fn deserialize_any<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, Error> {
        let v = &self.0;
        if v.is_null() || v.is_undefined() {
            visitor.visit_unit()
        } else if let Some(b) = v.as_bool() {
            visitor.visit_bool(b)
        } else if let Some(n) = v.as_f64() {
            visitor.visit_f64(n)
        } else if let Some(s) = v.as_string() {
            visitor.visit_string(s)
        } else if Array::is_array(v) {
            self.deserialize_seq(visitor)
        } else {
            self.deserialize_map(visitor)
        }
    }

    /// `undefined` and `null` are both "absent".
    fn deserialize_option<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, Error> {
        if self.0.is_null_or_undefined() {
            visitor.visit_none()
        } else {
            visitor.visit_some(self)
        }
    }

    fn deserialize_bool<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, Error> {
        match self.0.as_bool() {
            Some(b) => visitor.visit_bool(b),
            None => Err(self.expected("true or false")),
        }
    }

    fn deserialize_f64<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, Error> {
        match self.0.as_f64() {
            Some(n) => visitor.visit_f64(n),
            None => Err(self.expected("a number")),
        }
    }

    fn deserialize_f32<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, Error> {
        self.deserialize_f64(visitor)
    }

    fn deserialize_string<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, Error> {
        match self.0.as_string() {
            Some(s) => visitor.visit_string(s),
            None => Err(self.expected("a string")),
        }
    }

    fn deserialize_str<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, Error> {
        self.deserialize_string(visitor)
    }

    fn deserialize_identifier<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, Error> {
        self.deserialize_string(visitor)
    }

    fn deserialize_seq<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, Error> {
        match self.0.dyn_into::<Array>() {
            Ok(list) => visitor.visit_seq(Items {
                len: list.length(),
                list,
                next: 0,
            }),
            Err(v) => Err(De(v).expected("a list")),
        }
    }

    /// A string-keyed map: an object, or (as serde-wasm-bindgen read it) a list of
    /// `[key, value]` pairs.
    fn deserialize_map<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, Error> {
        let object = if Array::is_array(&self.0) {
            Object::from_entries(&self.0).ok()
        } else if self.0.is_object() {
            Some(self.0.clone().unchecked_into())
        } else {
            None
        };
        match object {
            Some(object) => visitor.visit_map(Entries::new(&object)),
            None => Err(self.expected("a list or an object")),
        }
    }

    /// The object's own properties, all of them: a struct ignores those it does not name,
    /// or rejects them under `#[serde(deny_unknown_fields)]` (see `unknown_field`).
    fn deserialize_struct<V: Visitor<'de>>(
        self,
        _name: &'static str,
        _fields: &'static [&'static str],
        visitor: V,
    ) -> Result<V::Value, Error> {
        if self.0.is_object() && !Array::is_array(&self.0) {
            visitor.visit_map(Entries::new(self.0.unchecked_ref()))
        } else {
            Err(self.expected("an object"))
        }
    }

    /// Unit variants only, named by a string (`"api"`).
    fn deserialize_enum<V: Visitor<'de>>(
        self,
        _name: &'static str,
        _variants: &'static [&'static str],
        visitor: V,
    ) -> Result<V::Value, Error> {
        match self.0.as_string() {
            Some(s) => visitor.visit_enum(s.into_deserializer()),
            None => Err(self.expected("a string")),
        }
    }

    fn deserialize_ignored_any<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, Error> {
        visitor.visit_unit()
    }

    serde::forward_to_deserialize_any! {
        i8 i16 i32 i64 i128 u8 u16 u32 u64 u128 char bytes byte_buf
        unit unit_struct newtype_struct tuple tuple_struct
    }
}

/// The elements of an array; an element's error gets `[index]` in front.
/// (Lengths are read once: each read is a crossing into JS, per element.)
struct Items {
    list: Array,
    len: u32,
    next: u32,
}

impl Items {
    #[inline(never)]
    fn at(&self, e: Error) -> Error {
        e.under(&format!("[{}]", self.next - 1))
    }
}

impl<'de> de::SeqAccess<'de> for Items {
    type Error = Error;

    fn next_element_seed<T: de::DeserializeSeed<'de>>(
        &mut self,
        seed: T,
    ) -> Result<Option<T::Value>, Error> {
        let k = self.next;
        if k >= self.len {
            return Ok(None);
        }
        self.next += 1;
        seed.deserialize(De(self.list.get(k)))
            .map(Some)
            .map_err(|e| self.at(e))
    }
}

/// The `[key, value]` pairs of `Object.entries`; a value's error gets `.key` in front.
struct Entries {
    pairs: Array,
    len: u32,
    next: u32,
    pair: Array,
}

impl Entries {
    fn new(object: &Object) -> Self {
        let pairs = Object::entries(object);
        Entries {
            len: pairs.length(),
            pairs,
            next: 0,
            pair: JsValue::UNDEFINED.unchecked_into(), // set by next_key_seed before use
        }
    }

    #[inline(never)]
    fn at(&self, e: Error) -> Error {
        e.under(&format!(
            ".{}",
            self.pair.get(0).as_string().unwrap_or_default()
        ))
    }
}

impl<'de> de::MapAccess<'de> for Entries {
    type Error = Error;

    fn next_key_seed<K: de::DeserializeSeed<'de>>(
        &mut self,
        seed: K,
    ) -> Result<Option<K::Value>, Error> {
        if self.next >= self.len {
            return Ok(None);
        }
        self.pair = self.pairs.get(self.next).unchecked_into();
        self.next += 1;
        seed.deserialize(De(self.pair.get(0))).map(Some)
    }

    fn next_value_seed<V: de::DeserializeSeed<'de>>(&mut self, seed: V) -> Result<V::Value, Error> {
        seed.deserialize(De(self.pair.get(1)))
            .map_err(|e| self.at(e))
    }
}

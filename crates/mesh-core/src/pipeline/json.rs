//! Compact JSON straight from any `Serialize` value, with map and struct keys sorted (byte
//! order): the text `serde_json::to_string(&serde_json::to_value(v)?)` gives, without building
//! the `Value`. The HTTP API answers with it; going through a `Value` cost about two thirds of
//! a conversion request (measured with callgrind on `mesh serve`).
//!
//! As in [`crate::yaml`], an entry is written where it is met and recorded; a map whose keys
//! arrived out of order is reordered once, at its end (a repeated key keeps its last value, as a
//! `Value` map would).

use serde::ser::{self, Error as _, Serialize};

use crate::yaml::EXACT_NUMBER;

/// `value` as compact JSON with sorted keys.
pub(crate) fn to_string<T: Serialize + ?Sized>(value: &T) -> Result<String, serde_json::Error> {
    let mut w = Writer::default();
    w.out.reserve(2048);
    value.serialize(&mut w)?;
    Ok(w.out)
}

/// One written entry of an open map: its key (a range of `keys`) and its `"key":value` text (a
/// range of `out`).
struct Entry {
    key: (usize, usize),
    text: (usize, usize),
}

#[derive(Default)]
struct Writer {
    out: String,
    keys: String,
    entries: Vec<Entry>,
    scratch: String,
}

/// Writes `s` as a JSON string, escaped as `serde_json` escapes it. Runs without anything to
/// escape (nearly every string) are copied whole.
fn string(out: &mut String, s: &str) {
    const HEX: &[u8; 16] = b"0123456789abcdef";
    let bytes = s.as_bytes();
    out.push('"');
    let mut start = 0;
    while let Some(offset) = bytes[start..]
        .iter()
        .position(|&b| b < 0x20 || b == b'"' || b == b'\\')
    {
        let i = start + offset;
        out.push_str(&s[start..i]);
        match bytes[i] {
            b'"' => out.push_str("\\\""),
            b'\\' => out.push_str("\\\\"),
            b'\n' => out.push_str("\\n"),
            b'\r' => out.push_str("\\r"),
            b'\t' => out.push_str("\\t"),
            0x08 => out.push_str("\\b"),
            0x0c => out.push_str("\\f"),
            b => {
                out.push_str("\\u00");
                out.push(char::from(HEX[usize::from(b >> 4)]));
                out.push(char::from(HEX[usize::from(b & 0xf)]));
            }
        }
        start = i + 1;
    }
    out.push_str(&s[start..]);
    out.push('"');
}

fn float(out: &mut String, v: f64) {
    match serde_json::Number::from_f64(v) {
        Some(n) => out.push_str(&n.to_string()),
        None => out.push_str("null"),
    }
}

macro_rules! integers {
    ($($method:ident: $t:ty),*) => {$(
        fn $method(self, v: $t) -> Result<(), serde_json::Error> {
            use std::fmt::Write as _;
            let _ = write!(self.out, "{v}");
            Ok(())
        }
    )*};
}

impl<'a> ser::Serializer for &'a mut Writer {
    type Ok = ();
    type Error = serde_json::Error;
    type SerializeSeq = Seq<'a>;
    type SerializeTuple = Seq<'a>;
    type SerializeTupleStruct = Seq<'a>;
    type SerializeTupleVariant = Seq<'a>;
    type SerializeMap = Map<'a>;
    type SerializeStruct = Map<'a>;
    type SerializeStructVariant = Map<'a>;

    fn serialize_bool(self, v: bool) -> Result<(), serde_json::Error> {
        self.out.push_str(if v { "true" } else { "false" });
        Ok(())
    }
    integers!(serialize_i8: i8, serialize_i16: i16, serialize_i32: i32, serialize_i64: i64,
        serialize_i128: i128, serialize_u8: u8, serialize_u16: u16, serialize_u32: u32,
        serialize_u64: u64, serialize_u128: u128);
    fn serialize_f32(self, v: f32) -> Result<(), serde_json::Error> {
        // As a `Value` keeps it: the shortest text of the f32.
        match serde_json::to_value(v)? {
            serde_json::Value::Number(n) => self.out.push_str(&n.to_string()),
            _ => self.out.push_str("null"),
        }
        Ok(())
    }
    fn serialize_f64(self, v: f64) -> Result<(), serde_json::Error> {
        float(&mut self.out, v);
        Ok(())
    }
    fn serialize_char(self, v: char) -> Result<(), serde_json::Error> {
        string(&mut self.out, v.encode_utf8(&mut [0; 4]));
        Ok(())
    }
    fn serialize_str(self, v: &str) -> Result<(), serde_json::Error> {
        string(&mut self.out, v);
        Ok(())
    }
    fn serialize_bytes(self, v: &[u8]) -> Result<(), serde_json::Error> {
        let mut seq = ser::Serializer::serialize_seq(self, Some(v.len()))?;
        for b in v {
            ser::SerializeSeq::serialize_element(&mut seq, b)?;
        }
        ser::SerializeSeq::end(seq)
    }
    fn serialize_none(self) -> Result<(), serde_json::Error> {
        self.out.push_str("null");
        Ok(())
    }
    fn serialize_some<T: Serialize + ?Sized>(self, value: &T) -> Result<(), serde_json::Error> {
        value.serialize(self)
    }
    fn serialize_unit(self) -> Result<(), serde_json::Error> {
        self.serialize_none()
    }
    fn serialize_unit_struct(self, _: &'static str) -> Result<(), serde_json::Error> {
        self.serialize_none()
    }
    fn serialize_unit_variant(
        self,
        _: &'static str,
        _: u32,
        variant: &'static str,
    ) -> Result<(), serde_json::Error> {
        self.serialize_str(variant)
    }
    fn serialize_newtype_struct<T: Serialize + ?Sized>(
        self,
        _: &'static str,
        value: &T,
    ) -> Result<(), serde_json::Error> {
        value.serialize(self)
    }
    fn serialize_newtype_variant<T: Serialize + ?Sized>(
        self,
        _: &'static str,
        _: u32,
        variant: &'static str,
        value: &T,
    ) -> Result<(), serde_json::Error> {
        let mut map = ser::Serializer::serialize_map(self, Some(1))?;
        ser::SerializeMap::serialize_entry(&mut map, variant, value)?;
        ser::SerializeMap::end(map)
    }
    fn serialize_seq(self, _: Option<usize>) -> Result<Seq<'a>, serde_json::Error> {
        self.out.push('[');
        Ok(Seq {
            w: self,
            first: true,
            variant: false,
        })
    }
    fn serialize_tuple(self, len: usize) -> Result<Seq<'a>, serde_json::Error> {
        self.serialize_seq(Some(len))
    }
    fn serialize_tuple_struct(self, _: &'static str, len: usize) -> Result<Seq<'a>, serde_json::Error> {
        self.serialize_seq(Some(len))
    }
    fn serialize_tuple_variant(
        self,
        _: &'static str,
        _: u32,
        variant: &'static str,
        _: usize,
    ) -> Result<Seq<'a>, serde_json::Error> {
        self.out.push('{');
        string(&mut self.out, variant);
        self.out.push_str(":[");
        Ok(Seq {
            w: self,
            first: true,
            variant: true,
        })
    }
    fn serialize_map(self, _: Option<usize>) -> Result<Map<'a>, serde_json::Error> {
        self.out.push('{');
        Ok(Map::open(self, false))
    }
    fn serialize_struct(self, name: &'static str, _: usize) -> Result<Map<'a>, serde_json::Error> {
        if name == EXACT_NUMBER {
            return Ok(Map::exact(self));
        }
        self.serialize_map(None)
    }
    fn serialize_struct_variant(
        self,
        _: &'static str,
        _: u32,
        variant: &'static str,
        _: usize,
    ) -> Result<Map<'a>, serde_json::Error> {
        self.out.push('{');
        string(&mut self.out, variant);
        self.out.push_str(":{");
        Ok(Map::open(self, true))
    }
}

/// A sequence being written.
pub(crate) struct Seq<'a> {
    w: &'a mut Writer,
    first: bool,
    /// Inside `{"variant":…}`, which closes too.
    variant: bool,
}

impl Seq<'_> {
    fn element<T: Serialize + ?Sized>(&mut self, value: &T) -> Result<(), serde_json::Error> {
        if !self.first {
            self.w.out.push(',');
        }
        self.first = false;
        value.serialize(&mut *self.w)
    }

    fn finish(self) {
        self.w.out.push(']');
        if self.variant {
            self.w.out.push('}');
        }
    }
}

macro_rules! seq_impl {
    ($($trait:ident: $method:ident),*) => {$(
        impl ser::$trait for Seq<'_> {
            type Ok = ();
            type Error = serde_json::Error;
            fn $method<T: Serialize + ?Sized>(&mut self, value: &T) -> Result<(), serde_json::Error> {
                self.element(value)
            }
            fn end(self) -> Result<(), serde_json::Error> {
                self.finish();
                Ok(())
            }
        }
    )*};
}

seq_impl!(SerializeSeq: serialize_element, SerializeTuple: serialize_element,
    SerializeTupleStruct: serialize_field, SerializeTupleVariant: serialize_field);

/// A map or struct being written.
pub(crate) struct Map<'a> {
    w: &'a mut Writer,
    /// Where this map's entries start in the shared stack.
    base: usize,
    keys_base: usize,
    /// Inside `{"variant":…}`, which closes too.
    variant: bool,
    /// An exact number (`arbitrary_precision`): its one field is its text, written as it is.
    exact: bool,
}

impl<'a> Map<'a> {
    fn open(w: &'a mut Writer, variant: bool) -> Self {
        let (base, keys_base) = (w.entries.len(), w.keys.len());
        Self {
            w,
            base,
            keys_base,
            variant,
            exact: false,
        }
    }

    fn exact(w: &'a mut Writer) -> Self {
        Self {
            exact: true,
            ..Self::open(w, false)
        }
    }

    fn key(&mut self, key: &str) {
        if self.w.entries.len() > self.base {
            self.w.out.push(',');
        }
        let k0 = self.w.keys.len();
        self.w.keys.push_str(key);
        let start = self.w.out.len();
        string(&mut self.w.out, key);
        self.w.out.push(':');
        self.w.entries.push(Entry {
            key: (k0, self.w.keys.len()),
            text: (start, start),
        });
    }

    fn value<T: Serialize + ?Sized>(&mut self, value: &T) -> Result<(), serde_json::Error> {
        value.serialize(&mut *self.w)?;
        let end = self.w.out.len();
        if let Some(e) = self.w.entries.last_mut() {
            e.text.1 = end;
        }
        Ok(())
    }

    fn finish(self) {
        let w = self.w;
        let keys = &w.keys;
        let key = |e: &Entry| &keys[e.key.0..e.key.1];
        let entries = &mut w.entries[self.base..];
        if !entries.windows(2).all(|p| key(&p[0]) < key(&p[1])) {
            let region_start = entries[0].text.0;
            // Stable: of entries with one key, the last written stays last, and wins.
            entries.sort_by(|a, b| key(a).cmp(key(b)));
            w.scratch.clear();
            let mut written = 0;
            for (i, e) in entries.iter().enumerate() {
                if entries.get(i + 1).is_some_and(|next| key(next) == key(e)) {
                    continue;
                }
                if written > 0 {
                    w.scratch.push(',');
                }
                w.scratch.push_str(&w.out[e.text.0..e.text.1]);
                written += 1;
            }
            w.out.truncate(region_start);
            w.out.push_str(&w.scratch);
        }
        w.entries.truncate(self.base);
        w.keys.truncate(self.keys_base);
        w.out.push('}');
        if self.variant {
            w.out.push('}');
        }
    }
}

impl ser::SerializeMap for Map<'_> {
    type Ok = ();
    type Error = serde_json::Error;
    fn serialize_key<T: Serialize + ?Sized>(&mut self, key: &T) -> Result<(), serde_json::Error> {
        let text = key.serialize(KeyText)?;
        self.key(&text);
        Ok(())
    }
    fn serialize_value<T: Serialize + ?Sized>(&mut self, value: &T) -> Result<(), serde_json::Error> {
        self.value(value)
    }
    fn end(self) -> Result<(), serde_json::Error> {
        self.finish();
        Ok(())
    }
}

impl ser::SerializeStruct for Map<'_> {
    type Ok = ();
    type Error = serde_json::Error;
    fn serialize_field<T: Serialize + ?Sized>(
        &mut self,
        name: &'static str,
        value: &T,
    ) -> Result<(), serde_json::Error> {
        if self.exact {
            let text = value.serialize(KeyText)?;
            self.w.out.push_str(&text);
            return Ok(());
        }
        self.key(name);
        self.value(value)
    }
    fn end(self) -> Result<(), serde_json::Error> {
        if !self.exact {
            self.finish();
        }
        Ok(())
    }
}

impl ser::SerializeStructVariant for Map<'_> {
    type Ok = ();
    type Error = serde_json::Error;
    fn serialize_field<T: Serialize + ?Sized>(
        &mut self,
        name: &'static str,
        value: &T,
    ) -> Result<(), serde_json::Error> {
        ser::SerializeStruct::serialize_field(self, name, value)
    }
    fn end(self) -> Result<(), serde_json::Error> {
        ser::SerializeStruct::end(self)
    }
}

/// A map key as the text a `Value` map would hold: strings as they are, numbers, booleans and
/// unit variants as their text; anything else is refused as `serde_json` refuses it.
struct KeyText;

fn key_error() -> serde_json::Error {
    serde_json::Error::custom("key must be a string")
}

macro_rules! key_integers {
    ($($method:ident: $t:ty),*) => {$(
        fn $method(self, v: $t) -> Result<String, serde_json::Error> {
            Ok(v.to_string())
        }
    )*};
}

impl ser::Serializer for KeyText {
    type Ok = String;
    type Error = serde_json::Error;
    type SerializeSeq = ser::Impossible<String, serde_json::Error>;
    type SerializeTuple = ser::Impossible<String, serde_json::Error>;
    type SerializeTupleStruct = ser::Impossible<String, serde_json::Error>;
    type SerializeTupleVariant = ser::Impossible<String, serde_json::Error>;
    type SerializeMap = ser::Impossible<String, serde_json::Error>;
    type SerializeStruct = ser::Impossible<String, serde_json::Error>;
    type SerializeStructVariant = ser::Impossible<String, serde_json::Error>;

    fn serialize_bool(self, v: bool) -> Result<String, serde_json::Error> {
        Ok(v.to_string())
    }
    key_integers!(serialize_i8: i8, serialize_i16: i16, serialize_i32: i32, serialize_i64: i64,
        serialize_i128: i128, serialize_u8: u8, serialize_u16: u16, serialize_u32: u32,
        serialize_u64: u64, serialize_u128: u128);
    fn serialize_f32(self, _: f32) -> Result<String, serde_json::Error> {
        Err(key_error())
    }
    fn serialize_f64(self, _: f64) -> Result<String, serde_json::Error> {
        Err(key_error())
    }
    fn serialize_char(self, v: char) -> Result<String, serde_json::Error> {
        Ok(v.to_string())
    }
    fn serialize_str(self, v: &str) -> Result<String, serde_json::Error> {
        Ok(v.to_owned())
    }
    fn serialize_bytes(self, _: &[u8]) -> Result<String, serde_json::Error> {
        Err(key_error())
    }
    fn serialize_none(self) -> Result<String, serde_json::Error> {
        Err(key_error())
    }
    fn serialize_some<T: Serialize + ?Sized>(self, _: &T) -> Result<String, serde_json::Error> {
        Err(key_error())
    }
    fn serialize_unit(self) -> Result<String, serde_json::Error> {
        Err(key_error())
    }
    fn serialize_unit_struct(self, _: &'static str) -> Result<String, serde_json::Error> {
        Err(key_error())
    }
    fn serialize_unit_variant(
        self,
        _: &'static str,
        _: u32,
        variant: &'static str,
    ) -> Result<String, serde_json::Error> {
        Ok(variant.to_owned())
    }
    fn serialize_newtype_struct<T: Serialize + ?Sized>(
        self,
        _: &'static str,
        value: &T,
    ) -> Result<String, serde_json::Error> {
        value.serialize(self)
    }
    fn serialize_newtype_variant<T: Serialize + ?Sized>(
        self,
        _: &'static str,
        _: u32,
        _: &'static str,
        _: &T,
    ) -> Result<String, serde_json::Error> {
        Err(key_error())
    }
    fn serialize_seq(self, _: Option<usize>) -> Result<Self::SerializeSeq, serde_json::Error> {
        Err(key_error())
    }
    fn serialize_tuple(self, _: usize) -> Result<Self::SerializeTuple, serde_json::Error> {
        Err(key_error())
    }
    fn serialize_tuple_struct(
        self,
        _: &'static str,
        _: usize,
    ) -> Result<Self::SerializeTupleStruct, serde_json::Error> {
        Err(key_error())
    }
    fn serialize_tuple_variant(
        self,
        _: &'static str,
        _: u32,
        _: &'static str,
        _: usize,
    ) -> Result<Self::SerializeTupleVariant, serde_json::Error> {
        Err(key_error())
    }
    fn serialize_map(self, _: Option<usize>) -> Result<Self::SerializeMap, serde_json::Error> {
        Err(key_error())
    }
    fn serialize_struct(self, _: &'static str, _: usize) -> Result<Self::SerializeStruct, serde_json::Error> {
        Err(key_error())
    }
    fn serialize_struct_variant(
        self,
        _: &'static str,
        _: u32,
        _: &'static str,
        _: usize,
    ) -> Result<Self::SerializeStructVariant, serde_json::Error> {
        Err(key_error())
    }
}

#[cfg(test)]
mod tests {
    use std::collections::BTreeMap;

    use serde::Serialize;
    use serde_json::{Value, json};

    use super::*;

    /// The reference: through a `Value`.
    fn via_value<T: Serialize>(v: &T) -> String {
        serde_json::to_string(&serde_json::to_value(v).unwrap()).unwrap()
    }

    #[derive(Serialize)]
    struct OutOfOrder {
        zeta: u8,
        alpha: Option<String>,
        #[serde(rename = "Mid")]
        mid: Vec<f64>,
        nested: BTreeMap<i32, bool>,
        unit: (),
        variant: Shape,
        other: Shape,
        tuple: (u8, &'static str),
    }

    #[derive(Serialize)]
    enum Shape {
        Circle { r: f64, center: (i8, i8) },
        Pair(u8, u8),
    }

    #[test]
    fn writes_what_a_value_would_give() {
        let v = OutOfOrder {
            zeta: 7,
            alpha: Some("quote \" back \\ nl \n tab \t ctl \u{1} del \u{7f} é ☃".to_owned()),
            mid: vec![0.1, 1e300, -0.0, f64::NAN, 2.0],
            nested: [(10, true), (-2, false), (3, true)].into_iter().collect(),
            unit: (),
            variant: Shape::Circle {
                r: 1.5,
                center: (-1, 2),
            },
            other: Shape::Pair(1, 2),
            tuple: (9, "x"),
        };
        assert_eq!(to_string(&v).unwrap(), via_value(&v));
        for v in [
            json!(null),
            json!({}),
            json!([]),
            json!({"b": {"d": [], "c": {}}, "a": [1, {"y": 1, "x": 2}]}),
            serde_json::from_str::<Value>(
                r#"{"big": 123456789012345678901234567890, "tiny": 1e-400, "n": -3}"#,
            )
            .unwrap(),
        ] {
            assert_eq!(to_string(&v).unwrap(), via_value(&v), "{v}");
        }
    }

    #[test]
    fn every_control_character_is_escaped_as_serde_json_escapes_it() {
        let all: String = (0u8..0x80).map(char::from).collect();
        assert_eq!(to_string(&all).unwrap(), serde_json::to_string(&all).unwrap());
    }

    #[test]
    fn a_repeated_key_keeps_its_last_value() {
        struct Twice;
        impl Serialize for Twice {
            fn serialize<S: ser::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
                use ser::SerializeMap as _;
                let mut m = s.serialize_map(None)?;
                m.serialize_entry("b", &1)?;
                m.serialize_entry("a", &2)?;
                m.serialize_entry("b", &3)?;
                m.end()
            }
        }
        assert_eq!(to_string(&Twice).unwrap(), r#"{"a":2,"b":3}"#);
        assert_eq!(to_string(&Twice).unwrap(), via_value(&Twice));
    }
}

//! The serde `Serializer` behind [`super::to_string`]: writes block YAML straight from any
//! `Serialize` value, without building a `serde_json::Value` first.
//!
//! Map and struct keys come out sorted (byte order), as `serde_json::Value` would give them, so
//! typed values and their `Value` form print the same. An entry is written where it is met and
//! recorded in a shared stack; a container whose keys arrived out of order is reordered once,
//! at its end. Containers are opened lazily: nothing is written until the first entry, so an
//! empty one can still become `{}` or `[]`.

use std::fmt::Write as _;

use serde::ser::{self, Serialize};

use super::{Error, MAX_DEPTH, MAX_NODES, MAX_SIMPLE_KEY_CHARS, string};

/// The name `serde_json` gives a number it keeps as its exact text (`arbitrary_precision`).
pub(crate) const EXACT_NUMBER: &str = "$serde_json::private::Number";

const SPACES: &str = "                                                                ";

/// Where a value is written, which decides what goes before and after it.
#[derive(Clone, Copy)]
pub(super) enum Pos {
    /// The document root.
    Top,
    /// After `key:` in a map whose keys are at `level`.
    AfterKey(usize),
    /// After `- ` in a sequence whose dashes are at `level`.
    SeqItem(usize),
}

/// One written entry of an open map: its key (a range of `keys`) and its text (a range of `out`,
/// without the indentation before it).
struct Entry {
    key: (usize, usize),
    text: (usize, usize),
}

/// The output and the scratch space shared by every container.
pub(super) struct Writer {
    pub out: String,
    keys: String,
    entries: Vec<Entry>,
    scratch: String,
    /// Collections open now, and nodes (scalars, keys, collections) written, as the reader counts them.
    depth: usize,
    nodes: usize,
}

impl Writer {
    /// A writer that appends to `out`.
    pub fn new(mut out: String) -> Self {
        out.reserve(4096);
        Self {
            out,
            keys: String::with_capacity(256),
            entries: Vec::with_capacity(32),
            scratch: String::new(),
            depth: 0,
            nodes: 0,
        }
    }

    /// Counts one node; past the reader's budget the document could not be read back.
    fn node(&mut self) -> Result<(), Error> {
        self.nodes += 1;
        if self.nodes > MAX_NODES {
            return Err(Error::TooManyNodes { max: MAX_NODES });
        }
        Ok(())
    }

    /// Counts one collection node and the level it opens.
    fn open(&mut self) -> Result<(), Error> {
        self.node()?;
        self.depth += 1;
        if self.depth > MAX_DEPTH {
            return Err(Error::TooDeep { max: MAX_DEPTH });
        }
        Ok(())
    }

    fn indent(&mut self, mut n: usize) {
        while n > SPACES.len() {
            self.out.push_str(SPACES);
            n -= SPACES.len();
        }
        self.out.push_str(&SPACES[..n]);
    }

    fn scalar(&mut self, pos: Pos, text: &str) -> Result<(), Error> {
        self.node()?;
        if let Pos::AfterKey(_) = pos {
            self.out.push(' ');
        }
        self.out.push_str(text);
        self.out.push('\n');
        Ok(())
    }

    fn scalar_string(&mut self, pos: Pos, s: &str) -> Result<(), Error> {
        self.node()?;
        if let Pos::AfterKey(_) = pos {
            self.out.push(' ');
        }
        string(&mut self.out, s);
        self.out.push('\n');
        Ok(())
    }
}

/// Serializes one value at one position.
pub(super) struct ValueSerializer<'w> {
    pub w: &'w mut Writer,
    pub pos: Pos,
}

impl<'w> ValueSerializer<'w> {
    pub fn top(w: &'w mut Writer) -> Self {
        Self { w, pos: Pos::Top }
    }

    fn display(self, v: impl std::fmt::Display) -> Result<(), Error> {
        self.w.node()?;
        if let Pos::AfterKey(_) = self.pos {
            self.w.out.push(' ');
        }
        let _ = write!(self.w.out, "{v}");
        self.w.out.push('\n');
        Ok(())
    }

    fn open_map(self) -> Result<MapSerializer<'w>, Error> {
        self.w.open()?;
        let (level, prefix_level) = match self.pos {
            Pos::Top => (0, None),
            Pos::AfterKey(l) => (l + 2, Some(l + 2)),
            Pos::SeqItem(l) => (l + 2, None),
        };
        Ok(MapSerializer {
            base: self.w.entries.len(),
            keys_base: self.w.keys.len(),
            w: self.w,
            pos: self.pos,
            level,
            prefix_level,
            key: None,
        })
    }

    fn open_seq(self) -> Result<SeqSerializer<'w>, Error> {
        self.w.open()?;
        let (level, prefix_level) = match self.pos {
            Pos::Top => (0, None),
            Pos::AfterKey(l) => (l, Some(l)),
            Pos::SeqItem(l) => (l + 2, None),
        };
        Ok(SeqSerializer {
            w: self.w,
            pos: self.pos,
            level,
            prefix_level,
            first: true,
        })
    }
}

/// Closes an empty collection as `{}` or `[]` (already counted as a node when opened).
fn empty(w: &mut Writer, pos: Pos, text: &str) {
    if let Pos::AfterKey(_) = pos {
        w.out.push(' ');
    }
    w.out.push_str(text);
    w.out.push('\n');
}

/// A map or struct being written.
pub(super) struct MapSerializer<'w> {
    w: &'w mut Writer,
    pos: Pos,
    /// Indentation of the keys.
    level: usize,
    /// `Some(n)`: before the first key, a line break and `n` spaces.
    prefix_level: Option<usize>,
    /// First entry of this map in the shared stack.
    base: usize,
    keys_base: usize,
    /// The key of the entry being written (a range of `keys`).
    key: Option<(usize, usize)>,
}

impl MapSerializer<'_> {
    fn start_entry(&mut self, key: &str) -> Result<(), Error> {
        self.w.node()?;
        if self.w.entries.len() == self.base {
            if let Some(n) = self.prefix_level {
                self.w.out.push('\n');
                self.w.indent(n);
            }
        } else {
            self.w.indent(self.level);
        }
        let k0 = self.w.keys.len();
        self.w.keys.push_str(key);
        self.key = Some((k0, self.w.keys.len()));
        let start = self.w.out.len();
        string(&mut self.w.out, key);
        let written = &self.w.out[start..];
        if written.len() > MAX_SIMPLE_KEY_CHARS && written.chars().count() > MAX_SIMPLE_KEY_CHARS {
            // Too long for an implicit key: an explicit one, `? key` then `:` on its own line.
            self.w.out.insert_str(start, "? ");
            self.w.out.push('\n');
            self.w.indent(self.level);
        }
        self.w.out.push(':');
        self.w.entries.push(Entry {
            key: (k0, self.w.keys.len()),
            text: (start, start),
        });
        Ok(())
    }

    fn value<T: Serialize + ?Sized>(&mut self, value: &T) -> Result<(), Error> {
        value.serialize(ValueSerializer {
            w: self.w,
            pos: Pos::AfterKey(self.level),
        })?;
        let end = self.w.out.len();
        if let Some(e) = self.w.entries.last_mut() {
            e.text.1 = end;
        }
        self.key = None;
        Ok(())
    }

    fn finish(self) {
        let w = self.w;
        w.depth -= 1;
        if w.entries.len() == self.base {
            empty(w, self.pos, "{}");
            return;
        }
        let keys = &w.keys;
        let key = |e: &Entry| &keys[e.key.0..e.key.1];
        let entries = &mut w.entries[self.base..];
        if !entries.windows(2).all(|p| key(&p[0]) <= key(&p[1])) {
            let region_start = entries[0].text.0;
            entries.sort_unstable_by(|a, b| key(a).cmp(key(b)));
            w.scratch.clear();
            for (i, e) in entries.iter().enumerate() {
                if i > 0 {
                    let mut n = self.level;
                    while n > SPACES.len() {
                        w.scratch.push_str(SPACES);
                        n -= SPACES.len();
                    }
                    w.scratch.push_str(&SPACES[..n]);
                }
                w.scratch.push_str(&w.out[e.text.0..e.text.1]);
            }
            w.out.truncate(region_start);
            w.out.push_str(&w.scratch);
        }
        w.entries.truncate(self.base);
        w.keys.truncate(self.keys_base);
    }
}

/// A sequence being written.
pub(super) struct SeqSerializer<'w> {
    w: &'w mut Writer,
    pos: Pos,
    level: usize,
    prefix_level: Option<usize>,
    first: bool,
}

impl SeqSerializer<'_> {
    fn element<T: Serialize + ?Sized>(&mut self, value: &T) -> Result<(), Error> {
        if self.first {
            if let Some(n) = self.prefix_level {
                self.w.out.push('\n');
                self.w.indent(n);
            }
            self.first = false;
        } else {
            self.w.indent(self.level);
        }
        self.w.out.push_str("- ");
        value.serialize(ValueSerializer {
            w: self.w,
            pos: Pos::SeqItem(self.level),
        })
    }

    fn finish(self) {
        self.w.depth -= 1;
        if self.first {
            empty(self.w, self.pos, "[]");
        }
    }
}

impl<'w> ser::Serializer for ValueSerializer<'w> {
    type Ok = ();
    type Error = Error;
    type SerializeSeq = SeqSerializer<'w>;
    type SerializeTuple = SeqSerializer<'w>;
    type SerializeTupleStruct = SeqSerializer<'w>;
    type SerializeTupleVariant = ser::Impossible<(), Error>;
    type SerializeMap = MapSerializer<'w>;
    type SerializeStruct = StructSerializer<'w>;
    type SerializeStructVariant = ser::Impossible<(), Error>;

    fn serialize_bool(self, v: bool) -> Result<(), Error> {
        self.w.scalar(self.pos, if v { "true" } else { "false" })
    }
    fn serialize_i8(self, v: i8) -> Result<(), Error> {
        self.display(v)
    }
    fn serialize_i16(self, v: i16) -> Result<(), Error> {
        self.display(v)
    }
    fn serialize_i32(self, v: i32) -> Result<(), Error> {
        self.display(v)
    }
    fn serialize_i64(self, v: i64) -> Result<(), Error> {
        self.display(v)
    }
    fn serialize_i128(self, v: i128) -> Result<(), Error> {
        self.display(v)
    }
    fn serialize_u8(self, v: u8) -> Result<(), Error> {
        self.display(v)
    }
    fn serialize_u16(self, v: u16) -> Result<(), Error> {
        self.display(v)
    }
    fn serialize_u32(self, v: u32) -> Result<(), Error> {
        self.display(v)
    }
    fn serialize_u64(self, v: u64) -> Result<(), Error> {
        self.display(v)
    }
    fn serialize_u128(self, v: u128) -> Result<(), Error> {
        self.display(v)
    }
    fn serialize_f32(self, v: f32) -> Result<(), Error> {
        self.serialize_f64(f64::from(v))
    }
    fn serialize_f64(self, v: f64) -> Result<(), Error> {
        // As JSON numbers print (`1.0`, `0.5`); not-finite values are null, as in JSON.
        match serde_json::Number::from_f64(v) {
            Some(n) => self.display(n),
            None => self.serialize_unit(),
        }
    }
    fn serialize_char(self, v: char) -> Result<(), Error> {
        self.serialize_str(v.encode_utf8(&mut [0; 4]))
    }
    fn serialize_str(self, v: &str) -> Result<(), Error> {
        self.w.scalar_string(self.pos, v)
    }
    fn serialize_bytes(self, v: &[u8]) -> Result<(), Error> {
        let mut s = self.open_seq()?;
        for b in v {
            s.element(b)?;
        }
        s.finish();
        Ok(())
    }
    fn serialize_none(self) -> Result<(), Error> {
        self.serialize_unit()
    }
    fn serialize_some<T: Serialize + ?Sized>(self, value: &T) -> Result<(), Error> {
        value.serialize(self)
    }
    fn serialize_unit(self) -> Result<(), Error> {
        self.w.scalar(self.pos, "null")
    }
    fn serialize_unit_struct(self, _name: &'static str) -> Result<(), Error> {
        self.serialize_unit()
    }
    fn serialize_unit_variant(
        self,
        _name: &'static str,
        _index: u32,
        variant: &'static str,
    ) -> Result<(), Error> {
        self.serialize_str(variant)
    }
    fn serialize_newtype_struct<T: Serialize + ?Sized>(
        self,
        _name: &'static str,
        value: &T,
    ) -> Result<(), Error> {
        value.serialize(self)
    }
    fn serialize_newtype_variant<T: Serialize + ?Sized>(
        self,
        _name: &'static str,
        _index: u32,
        variant: &'static str,
        value: &T,
    ) -> Result<(), Error> {
        let mut m = self.open_map()?;
        m.start_entry(variant)?;
        m.value(value)?;
        m.finish();
        Ok(())
    }
    fn serialize_seq(self, _len: Option<usize>) -> Result<Self::SerializeSeq, Error> {
        self.open_seq()
    }
    fn serialize_tuple(self, _len: usize) -> Result<Self::SerializeTuple, Error> {
        self.open_seq()
    }
    fn serialize_tuple_struct(
        self,
        _name: &'static str,
        _len: usize,
    ) -> Result<Self::SerializeTupleStruct, Error> {
        self.open_seq()
    }
    fn serialize_tuple_variant(
        self,
        name: &'static str,
        _index: u32,
        variant: &'static str,
        _len: usize,
    ) -> Result<Self::SerializeTupleVariant, Error> {
        Err(Error::Unsupported(format!("tuple variant {name}::{variant}")))
    }
    fn serialize_map(self, _len: Option<usize>) -> Result<Self::SerializeMap, Error> {
        self.open_map()
    }
    fn serialize_struct(self, name: &'static str, _len: usize) -> Result<Self::SerializeStruct, Error> {
        if name == EXACT_NUMBER {
            Ok(StructSerializer::Number(self))
        } else {
            self.open_map().map(StructSerializer::Map)
        }
    }
    fn serialize_struct_variant(
        self,
        name: &'static str,
        _index: u32,
        variant: &'static str,
        _len: usize,
    ) -> Result<Self::SerializeStructVariant, Error> {
        Err(Error::Unsupported(format!("struct variant {name}::{variant}")))
    }
}

impl ser::SerializeSeq for SeqSerializer<'_> {
    type Ok = ();
    type Error = Error;
    fn serialize_element<T: Serialize + ?Sized>(&mut self, value: &T) -> Result<(), Error> {
        self.element(value)
    }
    fn end(self) -> Result<(), Error> {
        self.finish();
        Ok(())
    }
}

impl ser::SerializeTuple for SeqSerializer<'_> {
    type Ok = ();
    type Error = Error;
    fn serialize_element<T: Serialize + ?Sized>(&mut self, value: &T) -> Result<(), Error> {
        self.element(value)
    }
    fn end(self) -> Result<(), Error> {
        self.finish();
        Ok(())
    }
}

impl ser::SerializeTupleStruct for SeqSerializer<'_> {
    type Ok = ();
    type Error = Error;
    fn serialize_field<T: Serialize + ?Sized>(&mut self, value: &T) -> Result<(), Error> {
        self.element(value)
    }
    fn end(self) -> Result<(), Error> {
        self.finish();
        Ok(())
    }
}

impl ser::SerializeMap for MapSerializer<'_> {
    type Ok = ();
    type Error = Error;
    fn serialize_key<T: Serialize + ?Sized>(&mut self, key: &T) -> Result<(), Error> {
        let mut k = std::mem::take(&mut self.w.scratch);
        k.clear();
        key.serialize(KeySerializer(&mut k))?;
        let started = self.start_entry(&k);
        self.w.scratch = k;
        started
    }
    fn serialize_value<T: Serialize + ?Sized>(&mut self, value: &T) -> Result<(), Error> {
        self.value(value)
    }
    fn end(self) -> Result<(), Error> {
        self.finish();
        Ok(())
    }
}

/// A struct being written: a map, or a number `serde_json` keeps as its exact text.
pub(super) enum StructSerializer<'w> {
    /// Any struct: a map of its fields.
    Map(MapSerializer<'w>),
    /// `serde_json::Number` with `arbitrary_precision`: its one field is the number's text,
    /// written as it is (JSON's number syntax is a YAML number too).
    Number(ValueSerializer<'w>),
}

impl ser::SerializeStruct for StructSerializer<'_> {
    type Ok = ();
    type Error = Error;
    fn serialize_field<T: Serialize + ?Sized>(&mut self, key: &'static str, value: &T) -> Result<(), Error> {
        match self {
            Self::Map(m) => {
                m.start_entry(key)?;
                m.value(value)
            }
            Self::Number(v) => {
                // The number's text, straight into the output.
                v.w.node()?;
                if let Pos::AfterKey(_) = v.pos {
                    v.w.out.push(' ');
                }
                value.serialize(KeySerializer(&mut v.w.out))?;
                v.w.out.push('\n');
                Ok(())
            }
        }
    }
    fn end(self) -> Result<(), Error> {
        if let Self::Map(m) = self {
            m.finish();
        }
        Ok(())
    }
}

/// Map keys: strings, and numbers, booleans and unit variants as their text (as JSON keys are).
struct KeySerializer<'a>(&'a mut String);

impl KeySerializer<'_> {
    fn text(self, v: impl std::fmt::Display) {
        let _ = write!(self.0, "{v}");
    }
}

impl ser::Serializer for KeySerializer<'_> {
    type Ok = ();
    type Error = Error;
    type SerializeSeq = ser::Impossible<(), Error>;
    type SerializeTuple = ser::Impossible<(), Error>;
    type SerializeTupleStruct = ser::Impossible<(), Error>;
    type SerializeTupleVariant = ser::Impossible<(), Error>;
    type SerializeMap = ser::Impossible<(), Error>;
    type SerializeStruct = ser::Impossible<(), Error>;
    type SerializeStructVariant = ser::Impossible<(), Error>;

    fn serialize_bool(self, v: bool) -> Result<(), Error> {
        self.text(v);
        Ok(())
    }
    fn serialize_i8(self, v: i8) -> Result<(), Error> {
        self.text(v);
        Ok(())
    }
    fn serialize_i16(self, v: i16) -> Result<(), Error> {
        self.text(v);
        Ok(())
    }
    fn serialize_i32(self, v: i32) -> Result<(), Error> {
        self.text(v);
        Ok(())
    }
    fn serialize_i64(self, v: i64) -> Result<(), Error> {
        self.text(v);
        Ok(())
    }
    fn serialize_u8(self, v: u8) -> Result<(), Error> {
        self.text(v);
        Ok(())
    }
    fn serialize_u16(self, v: u16) -> Result<(), Error> {
        self.text(v);
        Ok(())
    }
    fn serialize_u32(self, v: u32) -> Result<(), Error> {
        self.text(v);
        Ok(())
    }
    fn serialize_u64(self, v: u64) -> Result<(), Error> {
        self.text(v);
        Ok(())
    }
    fn serialize_f32(self, _v: f32) -> Result<(), Error> {
        Err(Error::Key)
    }
    fn serialize_f64(self, _v: f64) -> Result<(), Error> {
        Err(Error::Key)
    }
    fn serialize_char(self, v: char) -> Result<(), Error> {
        self.text(v);
        Ok(())
    }
    fn serialize_str(self, v: &str) -> Result<(), Error> {
        self.0.push_str(v);
        Ok(())
    }
    fn serialize_bytes(self, _v: &[u8]) -> Result<(), Error> {
        Err(Error::Key)
    }
    fn serialize_none(self) -> Result<(), Error> {
        Err(Error::Key)
    }
    fn serialize_some<T: Serialize + ?Sized>(self, value: &T) -> Result<(), Error> {
        value.serialize(self)
    }
    fn serialize_unit(self) -> Result<(), Error> {
        Err(Error::Key)
    }
    fn serialize_unit_struct(self, _name: &'static str) -> Result<(), Error> {
        Err(Error::Key)
    }
    fn serialize_unit_variant(
        self,
        _name: &'static str,
        _index: u32,
        variant: &'static str,
    ) -> Result<(), Error> {
        self.0.push_str(variant);
        Ok(())
    }
    fn serialize_newtype_struct<T: Serialize + ?Sized>(
        self,
        _name: &'static str,
        value: &T,
    ) -> Result<(), Error> {
        value.serialize(self)
    }
    fn serialize_newtype_variant<T: Serialize + ?Sized>(
        self,
        _name: &'static str,
        _index: u32,
        _variant: &'static str,
        _value: &T,
    ) -> Result<(), Error> {
        Err(Error::Key)
    }
    fn serialize_seq(self, _len: Option<usize>) -> Result<Self::SerializeSeq, Error> {
        Err(Error::Key)
    }
    fn serialize_tuple(self, _len: usize) -> Result<Self::SerializeTuple, Error> {
        Err(Error::Key)
    }
    fn serialize_tuple_struct(
        self,
        _name: &'static str,
        _len: usize,
    ) -> Result<Self::SerializeTupleStruct, Error> {
        Err(Error::Key)
    }
    fn serialize_tuple_variant(
        self,
        _name: &'static str,
        _index: u32,
        _variant: &'static str,
        _len: usize,
    ) -> Result<Self::SerializeTupleVariant, Error> {
        Err(Error::Key)
    }
    fn serialize_map(self, _len: Option<usize>) -> Result<Self::SerializeMap, Error> {
        Err(Error::Key)
    }
    fn serialize_struct(self, _name: &'static str, _len: usize) -> Result<Self::SerializeStruct, Error> {
        Err(Error::Key)
    }
    fn serialize_struct_variant(
        self,
        _name: &'static str,
        _index: u32,
        _variant: &'static str,
        _len: usize,
    ) -> Result<Self::SerializeStructVariant, Error> {
        Err(Error::Key)
    }
}

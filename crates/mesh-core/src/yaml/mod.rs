//! A small, fast YAML writer for anything serde can serialize as JSON: block style, keys sorted
//! as in a `serde_json::Value`, sequences at the indentation of their key (as kubectl writes them), and a string written
//! plain only when no YAML 1.1 or 1.2 reader can take it for anything else (`"yes"`, `"0755"`,
//! `"1181116006"`, `"2024-01-01"`, `"on"` are quoted).
//!
//! Reading stays with serde-saphyr; this writer exists because it is several times faster than a
//! general serializer for the documents mesh emits, and its output is checked against
//! serde-saphyr by property tests.
//!
//! ```
//! let v = serde_json::json!({"a": "yes", "b": [1, {"c": "x: y"}], "d": {}});
//! assert_eq!(mesh_core::yaml::to_string(&v).unwrap(), "a: \"yes\"\nb:\n- 1\n- c: \"x: y\"\nd: {}\n");
//! ```

mod ser;

pub(crate) use ser::EXACT_NUMBER;

use std::fmt::Write as _;

use serde::Serialize;

/// Why a value cannot be written as YAML.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    /// A map key that is not a string, number, boolean or unit variant.
    #[error("map keys must be strings, numbers or booleans")]
    Key,
    /// A shape JSON has no form for.
    #[error("cannot write {0} as YAML")]
    Unsupported(String),
    /// The value's own `Serialize` failed.
    #[error("{0}")]
    Custom(String),
    /// Nested deeper than any mesh reader accepts ([`MAX_DEPTH`]).
    #[error("the document nests more than {max} levels of maps and lists, more than mesh reads back")]
    TooDeep {
        /// The deepest nesting readers accept.
        max: usize,
    },
    /// More nodes than any mesh reader accepts ([`MAX_NODES`]).
    #[error("the document holds more than {max} values, more than mesh reads back")]
    TooManyNodes {
        /// The most nodes readers accept.
        max: usize,
    },
}

/// The deepest nesting of maps and lists mesh reads from YAML and writes to it. JSON's reader
/// stops at 128 levels; a converted resource adds a few of its own above the user's values.
pub const MAX_DEPTH: usize = 160;

/// The most nodes (scalars, keys, maps and lists) mesh reads in one YAML document and writes to
/// one. 50,000 input topics make about 250,000.
pub const MAX_NODES: usize = 4_000_000;

/// A thread stack that reads and writes documents nested [`MAX_DEPTH`] deep in any build (an
/// optimised build needs under 512 KiB, an unoptimised one about 4 MiB).
pub const READER_STACK: usize = 8 << 20;

/// The longest implicit (`key: value`) key YAML allows, in characters; longer keys are written
/// as explicit `? key` entries.
pub const MAX_SIMPLE_KEY_CHARS: usize = 1024;

impl serde::ser::Error for Error {
    fn custom<T: std::fmt::Display>(msg: T) -> Self {
        Self::Custom(msg.to_string())
    }
}

/// Writes `value` as a YAML document, straight from its `Serialize` form: the same text as for
/// its `serde_json::Value`, without building one.
///
/// Whatever it writes, [`crate::document`] reads back: keys too long for `key: value` become
/// explicit `? key` entries, and a value nested or sized past the readers' budget
/// ([`MAX_DEPTH`], [`MAX_NODES`]) is an error rather than a file no one can read.
pub fn to_string<T: Serialize + ?Sized>(value: &T) -> Result<String, Error> {
    let mut out = String::new();
    append(&mut out, value)?;
    Ok(out)
}

/// Writes `value` as a YAML document at the end of `out` ([`to_string`] without a string of its
/// own). On an error `out` is left as it was.
pub fn append<T: Serialize + ?Sized>(out: &mut String, value: &T) -> Result<(), Error> {
    let start = out.len();
    let mut w = ser::Writer::new(std::mem::take(out));
    let written = value.serialize(ser::ValueSerializer::top(&mut w));
    *out = w.out;
    if written.is_err() {
        out.truncate(start);
    }
    written
}

fn string(out: &mut String, s: &str) {
    if is_plain_safe(s) {
        out.push_str(s);
    } else {
        quoted(out, s);
    }
}

fn quoted(out: &mut String, s: &str) {
    out.push('"');
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\t' => out.push_str("\\t"),
            '\r' => out.push_str("\\r"),
            c if c.is_control() || c == '\u{feff}' || c == '\u{2028}' || c == '\u{2029}' || c == '\u{85}' => {
                let _ = write!(out, "\\u{:04x}", u32::from(c));
            }
            c => out.push(c),
        }
    }
    out.push('"');
}

/// Words YAML 1.1 or 1.2 readers take for null, booleans, infinities, NaN or merge keys.
fn is_reserved_word(s: &str) -> bool {
    matches!(
        s,
        "null"
            | "Null"
            | "NULL"
            | "~"
            | "true"
            | "True"
            | "TRUE"
            | "false"
            | "False"
            | "FALSE"
            | "y"
            | "Y"
            | "yes"
            | "Yes"
            | "YES"
            | "n"
            | "N"
            | "no"
            | "No"
            | "NO"
            | "on"
            | "On"
            | "ON"
            | "off"
            | "Off"
            | "OFF"
            | ".inf"
            | ".Inf"
            | ".INF"
            | "-.inf"
            | "-.Inf"
            | "-.INF"
            | "+.inf"
            | "+.Inf"
            | "+.INF"
            | ".nan"
            | ".NaN"
            | ".NAN"
            | "<<"
            | "="
    )
}

/// Byte classes of [`is_plain_safe`].
const CONTROL: u8 = 1;
const NON_ASCII: u8 = 2;
/// Can appear in a number, a sexagesimal or a timestamp.
const NUMBERISH: u8 = 4;
/// `:` and ` `, which need a look at the next byte.
const PAIRED: u8 = 8;
/// May not start a plain scalar.
const INDICATOR: u8 = 16;

const CLASSES: [u8; 256] = {
    let mut t = [0u8; 256];
    let mut i = 0;
    while i < 256 {
        let c = i as u8;
        let mut f = 0;
        if c < 0x20 || c == 0x7f {
            f |= CONTROL;
        }
        if c >= 0x80 {
            f |= NON_ASCII;
        }
        if c.is_ascii_hexdigit()
            || matches!(
                c,
                b'+' | b'-'
                    | b'.'
                    | b'_'
                    | b':'
                    | b'x'
                    | b'X'
                    | b'o'
                    | b'O'
                    | b'T'
                    | b't'
                    | b'Z'
                    | b'z'
                    | b' '
            )
        {
            f |= NUMBERISH;
        }
        if c == b':' || c == b' ' {
            f |= PAIRED;
        }
        if matches!(
            c,
            b'-' | b'?'
                | b':'
                | b','
                | b'['
                | b']'
                | b'{'
                | b'}'
                | b'#'
                | b'&'
                | b'*'
                | b'!'
                | b'|'
                | b'>'
                | b'\''
                | b'"'
                | b'%'
                | b'@'
                | b'`'
                | b' '
        ) {
            f |= INDICATOR;
        }
        t[i] = f;
        i += 1;
    }
    t
};

/// Whether `s` reads back as the same string when written plain, in YAML 1.1 and 1.2 readers.
pub fn is_plain_safe(s: &str) -> bool {
    let b = s.as_bytes();
    let (Some(&first), Some(&last)) = (b.first(), b.last()) else {
        return false;
    };
    // Indicators, and a leading or trailing blank.
    if CLASSES[usize::from(first)] & INDICATOR != 0 || matches!(last, b' ' | b':') {
        return false;
    }
    // One branch-free pass gathers the classes; the rare `: ` / ` #` pairs get a second look.
    let (any, all) = b.iter().fold((0u8, NUMBERISH), |(any, all), &c| {
        let f = CLASSES[usize::from(c)];
        (any | f, all & f)
    });
    if any & PAIRED != 0 && b.windows(2).any(|p| p == b": " || p == b" #") {
        return false;
    }
    if any & CONTROL != 0 {
        return false;
    }
    if any & NON_ASCII != 0
        && s.chars()
            .any(|c| c.is_whitespace() && !c.is_ascii() || c.is_control() || c == '\u{feff}')
    {
        return false;
    }
    // Anything a resolver could read as a number, a sexagesimal or a timestamp.
    if all & NUMBERISH != 0 && (first.is_ascii_digit() || first == b'+' || first == b'.') {
        return false;
    }
    if b.len() >= 5 && b[..4].iter().all(u8::is_ascii_digit) && b[4] == b'-' {
        return false;
    }
    !(b.len() <= 6 && is_reserved_word(s))
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn writes_block_style_like_kubectl() {
        let v = json!({
            "apiVersion": "v1",
            "metadata": {"labels": {"a": "1", "b": "x"}, "name": "n"},
            "spec": {"list": [{"k": "v", "n": 2}, "plain"], "empty": [], "none": {}, "flag": true, "f": 0.5}
        });
        assert_eq!(
            to_string(&v).unwrap(),
            "apiVersion: v1\nmetadata:\n  labels:\n    a: \"1\"\n    b: x\n  name: \"n\"\nspec:\n  empty: []\n  f: 0.5\n  flag: true\n  list:\n  - k: v\n    \"n\": 2\n  - plain\n  none: {}\n"
        );
    }

    #[test]
    fn quotes_what_readers_would_misread() {
        for s in [
            "",
            "yes",
            "No",
            "on",
            "~",
            "null",
            "0755",
            "1181116006",
            "1e3",
            "0x1F",
            "1:20",
            "2024-01-01",
            "-",
            "- x",
            "a: b",
            "a #b",
            "#c",
            "*x",
            "&x",
            "!x",
            "'q'",
            "\"q\"",
            " lead",
            "trail ",
            "x:",
            "multi\nline",
            "@x",
            "%x",
            "{a}",
            "[b]",
            ".5",
            "+1",
            "1_000",
            ".inf",
            "<<",
        ] {
            assert!(!is_plain_safe(s), "{s:?} must be quoted");
        }
        for s in [
            "word-count",
            "persistent://public/default/in",
            "500m",
            "1Gi",
            "java.lang.String",
            "[B",
            "a b",
            "ünïcödé",
            "x-1.2",
            "org.example.Fn",
            "busybox:1.36",
        ] {
            if s == "[B" {
                assert!(!is_plain_safe(s));
            } else {
                assert!(is_plain_safe(s), "{s:?} can be plain");
            }
        }
    }

    #[test]
    fn escapes_inside_quotes() {
        assert_eq!(
            to_string(&json!("a\"b\\c\nd\u{1}")).unwrap(),
            "\"a\\\"b\\\\c\\nd\\u0001\"\n"
        );
    }

    #[test]
    fn nested_sequences_and_scalars_at_the_root() {
        assert_eq!(
            to_string(&json!([[1, 2], [], {"a": []}])).unwrap(),
            "- - 1\n  - 2\n- []\n- a: []\n"
        );
        assert_eq!(to_string(&json!(null)).unwrap(), "null\n");
        assert_eq!(to_string(&json!({})).unwrap(), "{}\n");
    }

    #[derive(serde::Serialize)]
    #[serde(rename_all = "camelCase")]
    struct Typed {
        zeta: u8,
        alpha: Option<&'static str>,
        #[serde(skip_serializing_if = "Option::is_none")]
        skipped: Option<u8>,
        nested: Vec<Inner>,
        empty: std::collections::BTreeMap<String, u8>,
        ratio: f64,
    }

    #[derive(serde::Serialize)]
    struct Inner {
        b: bool,
        a: [u8; 0],
    }

    #[test]
    fn typed_values_print_as_their_json_value_does() {
        let t = Typed {
            zeta: 1,
            alpha: None,
            skipped: None,
            nested: vec![Inner { b: true, a: [] }],
            empty: std::collections::BTreeMap::new(),
            ratio: 1.0,
        };
        let text = to_string(&t).unwrap();
        assert_eq!(text, to_string(&serde_json::to_value(&t).unwrap()).unwrap());
        assert_eq!(
            text,
            "alpha: null\nempty: {}\nnested:\n- a: []\n  b: true\nratio: 1.0\nzeta: 1\n"
        );
        let m: std::collections::HashMap<u8, u8> = [(1, 2)].into_iter().collect();
        assert_eq!(to_string(&m).unwrap(), "\"1\": 2\n");
        let bad: std::collections::BTreeMap<Vec<u8>, u8> = [(vec![1], 2)].into_iter().collect();
        assert!(matches!(to_string(&bad), Err(Error::Key)));
    }
}

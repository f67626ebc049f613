//! A small, fast YAML writer for JSON-shaped values: block style, keys in the value's order,
//! sequences at the indentation of their key (as kubectl writes them), and a string written
//! plain only when no YAML 1.1 or 1.2 reader can take it for anything else (`"yes"`, `"0755"`,
//! `"1181116006"`, `"2024-01-01"`, `"on"` are quoted).
//!
//! Reading stays with serde-saphyr; this writer exists because it is several times faster than a
//! general serializer for the documents mesh emits, and its output is checked against
//! serde-saphyr by property tests.
//!
//! ```
//! let v = serde_json::json!({"a": "yes", "b": [1, {"c": "x: y"}], "d": {}});
//! assert_eq!(mesh_core::yaml::to_string(&v), "a: \"yes\"\nb:\n- 1\n- c: \"x: y\"\nd: {}\n");
//! ```

use std::fmt::Write as _;

use serde_json::Value;

/// Writes `value` as a YAML document.
pub fn to_string(value: &Value) -> String {
    let mut out = String::with_capacity(1024);
    match value {
        Value::Object(m) if !m.is_empty() => map(&mut out, m, 0),
        Value::Array(a) if !a.is_empty() => seq(&mut out, a, 0),
        other => {
            scalar(&mut out, other);
            out.push('\n');
        }
    }
    out
}

fn indent(out: &mut String, n: usize) {
    for _ in 0..n {
        out.push(' ');
    }
}

fn map(out: &mut String, m: &serde_json::Map<String, Value>, level: usize) {
    let mut first = true;
    for (k, v) in m {
        if !first {
            indent(out, level);
        }
        first = false;
        string(out, k);
        out.push(':');
        value_after_key(out, v, level);
    }
}

fn value_after_key(out: &mut String, v: &Value, level: usize) {
    match v {
        Value::Object(m) if !m.is_empty() => {
            out.push('\n');
            indent(out, level + 2);
            map(out, m, level + 2);
        }
        Value::Array(a) if !a.is_empty() => {
            out.push('\n');
            indent(out, level);
            seq(out, a, level);
        }
        other => {
            out.push(' ');
            scalar(out, other);
            out.push('\n');
        }
    }
}

fn seq(out: &mut String, a: &[Value], level: usize) {
    let mut first = true;
    for v in a {
        if !first {
            indent(out, level);
        }
        first = false;
        out.push_str("- ");
        match v {
            Value::Object(m) if !m.is_empty() => map(out, m, level + 2),
            Value::Array(inner) if !inner.is_empty() => seq(out, inner, level + 2),
            other => {
                scalar(out, other);
                out.push('\n');
            }
        }
    }
}

fn scalar(out: &mut String, v: &Value) {
    match v {
        Value::Null => out.push_str("null"),
        Value::Bool(b) => out.push_str(if *b { "true" } else { "false" }),
        Value::Number(n) => {
            let _ = write!(out, "{n}");
        }
        Value::String(s) => string(out, s),
        Value::Object(_) => out.push_str("{}"),
        Value::Array(_) => out.push_str("[]"),
    }
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

const RESERVED_WORDS: &[&str] = &[
    "null", "Null", "NULL", "~", "true", "True", "TRUE", "false", "False", "FALSE", "y", "Y", "yes", "Yes",
    "YES", "n", "N", "no", "No", "NO", "on", "On", "ON", "off", "Off", "OFF", ".inf", ".Inf", ".INF",
    "-.inf", "-.Inf", "-.INF", "+.inf", "+.Inf", "+.INF", ".nan", ".NaN", ".NAN", "<<", "=",
];

/// Whether `s` reads back as the same string when written plain, in YAML 1.1 and 1.2 readers.
pub fn is_plain_safe(s: &str) -> bool {
    let b = s.as_bytes();
    let Some(&first) = b.first() else { return false };
    // Indicators, and a leading or trailing blank.
    if matches!(
        first,
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
    ) || matches!(b[b.len() - 1], b' ' | b':')
    {
        return false;
    }
    let mut numberish = true;
    let mut ascii = true;
    for (i, &c) in b.iter().enumerate() {
        if c < 0x20 || c == 0x7f {
            return false;
        }
        if c >= 0x80 {
            ascii = false;
        }
        if (c == b':' && b.get(i + 1) == Some(&b' ')) || (c == b' ' && b.get(i + 1) == Some(&b'#')) {
            return false;
        }
        numberish &= c.is_ascii_hexdigit()
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
            );
    }
    if !ascii
        && s.chars()
            .any(|c| c.is_whitespace() && !c.is_ascii() || c.is_control() || c == '\u{feff}')
    {
        return false;
    }
    // Anything a resolver could read as a number, a sexagesimal or a timestamp.
    if numberish && (first.is_ascii_digit() || first == b'+' || first == b'.') {
        return false;
    }
    if b.len() >= 5 && b[..4].iter().all(u8::is_ascii_digit) && b[4] == b'-' {
        return false;
    }
    !(b.len() <= 6 && RESERVED_WORDS.contains(&s))
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
            to_string(&v),
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
            to_string(&json!("a\"b\\c\nd\u{1}")),
            "\"a\\\"b\\\\c\\nd\\u0001\"\n"
        );
    }

    #[test]
    fn nested_sequences_and_scalars_at_the_root() {
        assert_eq!(
            to_string(&json!([[1, 2], [], {"a": []}])),
            "- - 1\n  - 2\n- []\n- a: []\n"
        );
        assert_eq!(to_string(&json!(null)), "null\n");
        assert_eq!(to_string(&json!({})), "{}\n");
    }
}

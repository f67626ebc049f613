//! YAML numbers at their exact value.
//!
//! serde-saphyr hands an untyped reader every number that is not a 64-bit integer as an `f64`,
//! so `123456789012345678901234567890` or `0.1000000000000000000001` would come back rounded.
//! Pulsar keeps such values exactly (Jackson's `BigInteger`/`BigDecimal`), and so does mesh: a
//! document that holds a number an `f64` could round is read once more with the location of
//! every value, and each such number is taken from its own text in the source.
//!
//! Only documents with a long run of digits or a large exponent take that second read; all
//! others keep the single fast one.

use serde::de::{self, Deserialize, Deserializer, MapAccess, SeqAccess, Visitor};
use serde_json::{Map, Number, Value};
use serde_saphyr::Spanned;

/// Shortest run of digits an `f64` may not keep exactly (it keeps any 15).
const EXACT_DIGITS: usize = 16;

/// Whether `text` may hold a number that an `f64` would not keep exactly: a run of 16 or more
/// digits (`.` and `_` do not end a run), or an exponent of three or more digits.
pub(super) fn may_round(text: &str) -> bool {
    let b = text.as_bytes();
    let mut run = 0usize;
    for (i, &c) in b.iter().enumerate() {
        match c {
            b'0'..=b'9' => {
                run += 1;
                if run >= EXACT_DIGITS {
                    return true;
                }
            }
            b'.' | b'_' if run > 0 => {}
            b'e' | b'E' if run > 0 => {
                let rest = b[i + 1..]
                    .strip_prefix(b"-")
                    .or_else(|| b[i + 1..].strip_prefix(b"+"));
                let rest = rest.unwrap_or(&b[i + 1..]);
                if rest.iter().take_while(|d| d.is_ascii_digit()).count() >= 3 {
                    return true;
                }
                run = 0;
            }
            _ => run = 0,
        }
    }
    false
}

/// Reads one YAML document as a value, every number at the value its text has.
///
/// Numbers past an `f64`'s range (`1e400`) are read from their text too; `.inf` and `.nan`,
/// which no JSON number spells, stay errors.
pub(super) fn value(text: &str, mut options: serde_saphyr::Options) -> Result<Value, serde_saphyr::Error> {
    options.non_finite_float_policy = serde_saphyr::NonFiniteFloatPolicy::PassThrough;
    let root: Spanned<Node> = serde_saphyr::from_str_with_options(text, options)?;
    resolve(root, text)
}

/// A value as read, before floats are replaced by their source text.
enum Node {
    Null,
    Bool(bool),
    Unsigned(u64),
    Signed(i64),
    Float(f64),
    Text(String),
    Seq(Vec<Spanned<Node>>),
    Map(Vec<(String, Spanned<Node>)>),
}

fn resolve(node: Spanned<Node>, text: &str) -> Result<Value, serde_saphyr::Error> {
    Ok(match node.value {
        Node::Null => Value::Null,
        Node::Bool(b) => Value::Bool(b),
        Node::Unsigned(n) => Value::Number(n.into()),
        Node::Signed(n) => Value::Number(n.into()),
        Node::Float(f) => {
            let raw = source(&node.defined, text).or_else(|| source(&node.referenced, text));
            let number = raw
                .and_then(|raw| exact_number(raw, f))
                .or_else(|| Number::from_f64(f));
            let Some(n) = number else {
                let at = &node.referenced;
                return Err(<serde_saphyr::Error as de::Error>::custom(format!(
                    "line {} column {}: non-finite float `{}` is not a number JSON can hold",
                    at.line(),
                    at.column(),
                    raw.unwrap_or("?")
                )));
            };
            Value::Number(n)
        }
        Node::Text(s) => Value::String(s),
        Node::Seq(items) => Value::Array(
            items
                .into_iter()
                .map(|i| resolve(i, text))
                .collect::<Result<_, _>>()?,
        ),
        Node::Map(entries) => Value::Object(
            entries
                .into_iter()
                .map(|(k, v)| Ok((k, resolve(v, text)?)))
                .collect::<Result<Map<_, _>, serde_saphyr::Error>>()?,
        ),
    })
}

/// The source text at `at`, when the reader knows its bytes.
fn source<'t>(at: &serde_saphyr::Location, text: &'t str) -> Option<&'t str> {
    let span = at.span();
    let start = usize::try_from(span.byte_offset()?).ok()?;
    let len = usize::try_from(span.byte_len()?).ok()?;
    text.get(start..start.checked_add(len)?)
}

/// `raw` as a JSON number when it is the text of the float `read` (YAML's `+1.5`, `.5`, `1.`
/// and `1_000.5` spelled as JSON); `None` for the text of a tagged integer (`!!float 1`), which
/// stays the float it was read as.
fn exact_number(raw: &str, read: f64) -> Option<Number> {
    let t = raw.trim();
    let t = t.strip_prefix('+').unwrap_or(t).replace('_', "");
    let (sign, unsigned) = t.strip_prefix('-').map_or(("", t.as_str()), |u| ("-", u));
    let mut json = String::with_capacity(t.len() + 2);
    json.push_str(sign);
    if unsigned.starts_with('.') {
        json.push('0');
    }
    let (mantissa, exponent) = unsigned
        .split_once(['e', 'E'])
        .map_or((unsigned, None), |(m, e)| (m, Some(e)));
    json.push_str(mantissa);
    if mantissa.ends_with('.') {
        json.push('0');
    }
    if let Some(exponent) = exponent {
        json.push('e');
        json.push_str(exponent);
    }
    let float_text = unsigned.contains(['.', 'e', 'E']);
    if !float_text && (json.parse::<u64>().is_ok() || json.parse::<i64>().is_ok()) {
        return None;
    }
    // The text must be of the number read (past the f64 range: the same infinity).
    if json.parse::<f64>().ok()?.to_bits() != read.to_bits() {
        return None;
    }
    serde_json::from_str(&json).ok()
}

impl<'de> Deserialize<'de> for Node {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        deserializer.deserialize_any(NodeVisitor)
    }
}

struct NodeVisitor;

impl<'de> Visitor<'de> for NodeVisitor {
    type Value = Node;

    fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
        f.write_str("any YAML value")
    }
    fn visit_unit<E: de::Error>(self) -> Result<Node, E> {
        Ok(Node::Null)
    }
    fn visit_none<E: de::Error>(self) -> Result<Node, E> {
        Ok(Node::Null)
    }
    fn visit_some<D: Deserializer<'de>>(self, d: D) -> Result<Node, D::Error> {
        Node::deserialize(d)
    }
    fn visit_bool<E: de::Error>(self, v: bool) -> Result<Node, E> {
        Ok(Node::Bool(v))
    }
    fn visit_u64<E: de::Error>(self, v: u64) -> Result<Node, E> {
        Ok(Node::Unsigned(v))
    }
    fn visit_i64<E: de::Error>(self, v: i64) -> Result<Node, E> {
        Ok(Node::Signed(v))
    }
    fn visit_f64<E: de::Error>(self, v: f64) -> Result<Node, E> {
        Ok(Node::Float(v))
    }
    fn visit_str<E: de::Error>(self, v: &str) -> Result<Node, E> {
        Ok(Node::Text(v.to_owned()))
    }
    fn visit_string<E: de::Error>(self, v: String) -> Result<Node, E> {
        Ok(Node::Text(v))
    }
    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Node, A::Error> {
        let mut items = Vec::new();
        while let Some(item) = seq.next_element()? {
            items.push(item);
        }
        Ok(Node::Seq(items))
    }
    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Node, A::Error> {
        let mut entries = Vec::new();
        while let Some(key) = map.next_key::<String>()? {
            entries.push((key, map.next_value()?));
        }
        Ok(Node::Map(entries))
    }
}

/// Whether `a` and `b` are the same value, numbers compared by their exact decimal value:
/// `1.50`, `1.5` and `15e-1` are one number (with `arbitrary_precision` their texts differ).
pub fn same_value(a: &Value, b: &Value) -> bool {
    match (a, b) {
        (Value::Number(x), Value::Number(y)) => x == y || decimal(&x.to_string()) == decimal(&y.to_string()),
        (Value::Array(x), Value::Array(y)) => {
            x.len() == y.len() && x.iter().zip(y).all(|(x, y)| same_value(x, y))
        }
        (Value::Object(x), Value::Object(y)) => {
            x.len() == y.len()
                && x.iter()
                    .zip(y)
                    .all(|((kx, vx), (ky, vy))| kx == ky && same_value(vx, vy))
        }
        _ => a == b,
    }
}

/// A JSON number's text as its digits without leading or trailing zeros and the power of ten
/// they are scaled by; `None` for a text that is not a JSON number.
fn decimal(text: &str) -> Option<(bool, String, i128)> {
    let (negative, t) = text.strip_prefix('-').map_or((false, text), |t| (true, t));
    let (mantissa, exponent) = t.split_once(['e', 'E']).unwrap_or((t, "0"));
    let mut exponent: i128 = exponent.strip_prefix('+').unwrap_or(exponent).parse().ok()?;
    let (int, frac) = mantissa.split_once('.').unwrap_or((mantissa, ""));
    exponent -= i128::try_from(frac.len()).ok()?;
    let mut digits: String = int
        .chars()
        .chain(frac.chars())
        .skip_while(|&c| c == '0')
        .collect();
    while digits.ends_with('0') {
        digits.pop();
        exponent += 1;
    }
    if digits.is_empty() {
        // Zero, whatever its sign or scale.
        return Some((false, String::new(), 0));
    }
    Some((negative, digits, exponent))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_long_digit_runs_and_large_exponents_take_the_second_read() {
        assert!(!may_round("a: 1\nb: 123456789012345\nc: 0.5\nd: 1e10\n"));
        assert!(may_round("a: 1234567890123456\n"));
        assert!(may_round("a: 1234567.891234567\n"));
        assert!(may_round("a: 1e-400\n"));
        assert!(may_round("a: 2.5E+308\n"));
    }

    #[test]
    fn values_compare_by_what_their_numbers_are() {
        let n = |t: &str| Value::Number(serde_json::from_str(t).unwrap());
        assert!(same_value(&n("1.50"), &n("1.5")));
        assert!(same_value(&n("15e-1"), &n("1.5")));
        assert!(same_value(&n("-0.0"), &n("0")));
        assert!(same_value(&n("100"), &n("1e2")));
        assert!(!same_value(&n("1.5"), &n("1.6")));
        assert!(!same_value(&n("-1.5"), &n("1.5")));
        assert!(!same_value(
            &n("123456789012345678901234567890"),
            &n("123456789012345678901234567891")
        ));
        assert!(same_value(
            &serde_json::json!({"a": [n("2.0")]}),
            &serde_json::json!({"a": [n("2")]})
        ));
        assert!(!same_value(
            &serde_json::json!({"a": 1}),
            &serde_json::json!({"b": 1})
        ));
    }

    #[test]
    fn numbers_keep_their_text() {
        for (raw, read, want) in [
            (
                "123456789012345678901234567890",
                1.234_567_890_123_456_8e29,
                Some("123456789012345678901234567890"),
            ),
            ("0.1000000000000000000001", 0.1, Some("0.1000000000000000000001")),
            ("+1.50", 1.5, Some("1.50")),
            (".5", 0.5, Some("0.5")),
            ("-.5", -0.5, Some("-0.5")),
            ("5.", 5.0, Some("5.0")),
            ("1_000.5", 1000.5, Some("1000.5")),
            ("1.e3", 1000.0, Some("1.0e+3")),
            ("1", 1.0, None),
            ("2.5", 3.5, None),
        ] {
            assert_eq!(
                exact_number(raw, read).map(|n| n.to_string()),
                want.map(str::to_owned),
                "{raw}"
            );
        }
    }
}

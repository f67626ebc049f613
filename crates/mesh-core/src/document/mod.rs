//! Bytes to documents and documents to typed values, with every type error reported at once.
//!
//! JSON or YAML is detected from the content: a document whose first significant character is
//! `{` or `[` is JSON, anything else is YAML (multi-document YAML allowed). YAML is read with
//! serde-saphyr: duplicate keys are errors, alias expansion is budgeted (no alias bombs), and
//! scalars are read for the type that wants them: `autoAck: yes` is true (as in the YAML 1.1
//! readers Pulsar and kubectl use) while `inputs: [y]` and `imageTag: 2.10` stay the strings
//! `y` and `2.10`. Where a typed read fails, the document is read again as a value to report
//! every error, with Jackson's scalar coercions (`"2"` for a number, `yes` for a boolean).
//!
//! Numbers keep their exact value in both syntaxes (`123456789012345678901234567890` stays
//! that, as in Pulsar), and the YAML budget is the one [`crate::yaml`] writes within, so every
//! document mesh writes reads back.

mod exact;

pub use exact::same_value;

use serde::de::DeserializeOwned;
use serde_json::Value;

use crate::diag::{Diagnostic, Diagnostics};

/// The syntax a document was written in.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Syntax {
    /// JSON.
    Json,
    /// YAML (one or more documents).
    Yaml,
}

/// Why bytes could not be read as documents.
#[derive(Debug, thiserror::Error)]
pub enum ParseError {
    /// The input is not UTF-8 text.
    #[error("input is not UTF-8 text")]
    NotUtf8(#[source] std::str::Utf8Error),
    /// The input looked like JSON but does not parse.
    #[error("invalid JSON")]
    Json(#[source] serde_json::Error),
    /// The input does not parse as YAML.
    #[error("invalid YAML")]
    Yaml(#[source] serde_saphyr::Error),
    /// The input holds no document: it is empty, blank, or only comments and document markers.
    #[error(
        "the input holds no document (it is empty, or only blank lines, comments and `---`/`...` markers)"
    )]
    Empty,
}

impl ParseError {
    /// The error and its causes in one line, for a diagnostic.
    pub fn to_diagnostic(&self) -> Diagnostic {
        Diagnostic::error("", crate::error_chain(self))
    }
}

/// Detects the syntax of `text` from its first significant character.
pub fn detect(text: &str) -> Syntax {
    match text.trim_start_matches('\u{feff}').trim_start().chars().next() {
        Some('{' | '[') => Syntax::Json,
        _ => Syntax::Yaml,
    }
}

fn yaml_options(strict_booleans: bool) -> serde_saphyr::Options {
    let mut options = serde_saphyr::Options::default();
    options.leading_zero_numbers_as_strings = true;
    options.duplicate_keys = serde_saphyr::DuplicateKeyPolicy::Error;
    options.emit_comments = false;
    options.strict_booleans = strict_booleans;
    let mut budget = serde_saphyr::Budget::default();
    budget.max_depth = crate::yaml::MAX_DEPTH;
    budget.max_nodes = crate::yaml::MAX_NODES;
    // Every node opens one event, every collection one more to close it.
    budget.max_events = 2 * crate::yaml::MAX_NODES + 16;
    options.budget = Some(budget);
    options
}

/// One document of an input, as text, with its syntax.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct RawDocument {
    text: String,
    syntax: Syntax,
}

impl RawDocument {
    /// A document from its text.
    pub fn new(text: impl Into<String>) -> Self {
        let text = text.into();
        let syntax = detect(&text);
        Self { text, syntax }
    }

    /// The document's text.
    pub fn text(&self) -> &str {
        &self.text
    }

    /// The document as an untyped value (YAML booleans only `true`/`false`, so that nothing a
    /// typed read would keep as a string is turned into a boolean).
    pub fn value(&self) -> Result<Value, ParseError> {
        match self.syntax {
            Syntax::Json => serde_json::from_str(&self.text).map_err(ParseError::Json),
            Syntax::Yaml if exact::may_round(&self.text) => {
                exact::value(&self.text, yaml_options(true)).map_err(ParseError::Yaml)
            }
            Syntax::Yaml => {
                serde_saphyr::from_str_with_options(&self.text, yaml_options(true)).map_err(ParseError::Yaml)
            }
        }
    }

    /// A first, shallow read of the document as `T`, with the options of [`Self::value`]; `None`
    /// when it does not read so (the full read then says why).
    pub fn peek<T: DeserializeOwned>(&self) -> Option<T> {
        match self.syntax {
            Syntax::Json => serde_json::from_str(&self.text).ok(),
            Syntax::Yaml => serde_saphyr::from_str_with_options(&self.text, yaml_options(true)).ok(),
        }
    }

    /// The document as `T`; every type error is reported at once, with its path.
    pub fn typed<T: DeserializeOwned>(&self) -> Result<T, Diagnostics> {
        let fast = match self.syntax {
            // The paths of errors come from the slow path below; a read that succeeds needs none.
            Syntax::Json => serde_json::from_str::<T>(&self.text).ok(),
            // A number an f64 could round is read through the exact value instead.
            Syntax::Yaml if exact::may_round(&self.text) => None,
            Syntax::Yaml => serde_saphyr::from_str_with_options::<T>(&self.text, yaml_options(false)).ok(),
        };
        if let Some(v) = fast {
            return Ok(v);
        }
        let value = self
            .value()
            .map_err(|e| Diagnostics::from_iter([e.to_diagnostic()]))?;
        from_value(value)
    }
}

fn is_document_marker(line: &str) -> bool {
    let rest = line.strip_prefix("---").or_else(|| line.strip_prefix("..."));
    rest.is_some_and(|r| r.is_empty() || r.starts_with([' ', '\t', '#']))
}

fn is_blank_yaml(text: &str) -> bool {
    text.lines().all(|l| {
        let t = l.trim();
        t.is_empty() || t.starts_with('#') || t.starts_with('%')
    })
}

/// Splits input bytes into documents: one for JSON, one per `---` section for YAML (empty ones
/// skipped). A document marker is a line starting with `---` or `...` in the first column.
pub fn split(bytes: &[u8]) -> Result<Vec<RawDocument>, ParseError> {
    let text = std::str::from_utf8(bytes).map_err(ParseError::NotUtf8)?;
    let text = text.trim_start_matches('\u{feff}');
    if detect(text) == Syntax::Json {
        return Ok(vec![RawDocument {
            text: text.to_owned(),
            syntax: Syntax::Json,
        }]);
    }
    let mut docs = Vec::new();
    let mut current = String::new();
    let mut flush = |current: &mut String| {
        if !is_blank_yaml(current) {
            docs.push(RawDocument {
                text: std::mem::take(current),
                syntax: Syntax::Yaml,
            });
        }
        current.clear();
    };
    for line in text.split_inclusive('\n') {
        if is_document_marker(line.trim_end_matches(['\n', '\r'])) {
            flush(&mut current);
            // Content after `--- ` on the marker line belongs to the new document.
            if let Some(rest) = line.strip_prefix("---") {
                let rest = rest.trim_start();
                if !rest.is_empty() && !rest.starts_with('#') {
                    current.push_str(rest);
                }
            }
        } else {
            current.push_str(line);
        }
    }
    flush(&mut current);
    Ok(docs)
}

/// [`split`], refusing an input that holds no document ([`ParseError::Empty`]).
pub fn split_some(bytes: &[u8]) -> Result<Vec<RawDocument>, ParseError> {
    let docs = split(bytes)?;
    if docs.is_empty() {
        Err(ParseError::Empty)
    } else {
        Ok(docs)
    }
}

/// Reads every document in `bytes` as an untyped value (one for JSON, one or more for YAML).
pub fn parse_documents(bytes: &[u8]) -> Result<Vec<Value>, ParseError> {
    split(bytes)?
        .iter()
        .map(RawDocument::value)
        .filter(|v| !matches!(v, Ok(Value::Null)))
        .collect()
}

/// Reads exactly one YAML or JSON document into `T`; every type error is reported at once.
pub fn parse_one<T: DeserializeOwned>(bytes: &[u8]) -> Result<T, Diagnostics> {
    let mut docs = split(bytes).map_err(|e| Diagnostics::from_iter([e.to_diagnostic()]))?;
    match docs.len() {
        1 => docs.remove(0).typed(),
        0 => Err(Diagnostics::from_iter([Diagnostic::error(
            "",
            "the input holds no document",
        )])),
        n => Err(Diagnostics::from_iter([Diagnostic::error(
            "",
            format!("expected one document, found {n}"),
        )])),
    }
}

/// Deserializes `value` into `T`, reporting every type error with its path.
///
/// After a failure the offending entry is removed and the rest is tried again, so one bad field
/// does not hide the next; the loop is bounded by the number of entries in the document.
pub fn from_value<T: DeserializeOwned>(mut value: Value) -> Result<T, Diagnostics> {
    let mut diags = Diagnostics::new();
    let mut last_path: Option<String> = None;
    for _ in 0..256 {
        match serde_path_to_error::deserialize::<_, T>(&value) {
            Ok(v) if diags.is_empty() => return Ok(v),
            Ok(_) => return Err(diags),
            Err(e) => {
                let segments: Vec<Segment> = e.path().iter().map(Segment::from).collect();
                if coerce_at(&mut value, &segments, &e.inner().to_string()) {
                    continue;
                }
                let path = e.path().to_string();
                let path = if path == "." { String::new() } else { path };
                let repeated = last_path.as_deref() == Some(path.as_str());
                if !repeated {
                    diags.error(path.clone(), e.inner().to_string());
                }
                // A repeated error (a required field still missing) removes the parent instead.
                let depth = if repeated {
                    segments.len().saturating_sub(1)
                } else {
                    segments.len()
                };
                if !remove_at(&mut value, &segments[..depth]) {
                    return Err(diags);
                }
                last_path = Some(path);
            }
        }
    }
    Err(diags)
}

enum Segment {
    Index(usize),
    Key(String),
    Other,
}

impl From<&serde_path_to_error::Segment> for Segment {
    fn from(s: &serde_path_to_error::Segment) -> Self {
        match s {
            serde_path_to_error::Segment::Seq { index } => Self::Index(*index),
            serde_path_to_error::Segment::Map { key } => Self::Key(key.clone()),
            _ => Self::Other,
        }
    }
}

fn at_mut<'a>(root: &'a mut Value, path: &[Segment]) -> Option<&'a mut Value> {
    let mut cur = root;
    for seg in path {
        cur = match seg {
            Segment::Index(i) => cur.get_mut(*i)?,
            Segment::Key(k) => cur.get_mut(k.as_str())?,
            Segment::Other => return None,
        };
    }
    Some(cur)
}

/// Jackson's scalar coercions where the type wants them: YAML 1.1 booleans and `"true"` for a
/// boolean, a number or boolean for a string, a numeric string for a number.
fn coerce_at(root: &mut Value, path: &[Segment], message: &str) -> bool {
    let Some(v) = at_mut(root, path) else { return false };
    let replacement = match (&*v, message) {
        (Value::String(s), m) if m.ends_with("expected a boolean") => match s.to_ascii_lowercase().as_str() {
            "y" | "yes" | "true" | "on" => Some(Value::Bool(true)),
            "n" | "no" | "false" | "off" => Some(Value::Bool(false)),
            _ => None,
        },
        (Value::Number(n), m) if m.ends_with("expected a string") => Some(Value::String(n.to_string())),
        (Value::Bool(b), m) if m.ends_with("expected a string") => Some(Value::String(b.to_string())),
        (Value::String(s), m)
            if m.contains("expected i") || m.contains("expected u") || m.contains("expected f") =>
        {
            serde_json::from_str::<serde_json::Number>(s.trim())
                .ok()
                .map(Value::Number)
        }
        _ => None,
    };
    match replacement {
        Some(r) => {
            *v = r;
            true
        }
        None => false,
    }
}

/// Removes the deepest map entry on `path`; false when there is none to remove.
fn remove_at(root: &mut Value, path: &[Segment]) -> bool {
    let Some(last_key) = path.iter().rposition(|s| matches!(s, Segment::Key(_))) else {
        return false;
    };
    let Some(cur) = at_mut(root, &path[..last_key]) else {
        return false;
    };
    match (&path[last_key], cur) {
        (Segment::Key(k), Value::Object(m)) => m.remove(k).is_some(),
        _ => false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde::Deserialize;
    use std::fmt::Write as _;

    #[derive(Debug, Deserialize, PartialEq)]
    struct Inner {
        size: Option<i32>,
    }

    #[derive(Debug, Deserialize, PartialEq)]
    #[serde(rename_all = "camelCase")]
    struct Outer {
        name: Option<String>,
        parallelism: Option<i32>,
        specs: Option<std::collections::BTreeMap<String, Inner>>,
    }

    #[test]
    fn detects_json_and_yaml() {
        assert_eq!(detect("  {\"a\":1}"), Syntax::Json);
        assert_eq!(detect("\u{feff}[1]"), Syntax::Json);
        assert_eq!(detect("a: 1"), Syntax::Yaml);
        assert_eq!(detect("---\na: 1"), Syntax::Yaml);
    }

    #[test]
    fn reads_multi_document_yaml_and_skips_empty_documents() {
        let docs = parse_documents(b"a: 1\n---\n---\nb: 2\n").unwrap();
        assert_eq!(
            docs,
            vec![serde_json::json!({"a": 1}), serde_json::json!({"b": 2})]
        );
    }

    #[test]
    fn scalars_are_read_for_the_type_that_wants_them() {
        #[derive(Debug, Deserialize, PartialEq)]
        #[serde(rename_all = "camelCase")]
        struct C {
            auto_ack: Option<bool>,
            inputs: Vec<String>,
            image_tag: Option<String>,
            parallelism: Option<i32>,
        }
        let c: C = parse_one(b"autoAck: yes\ninputs: [y, on, 0755]\nimageTag: 2.10\n").unwrap();
        assert_eq!(
            c,
            C {
                auto_ack: Some(true),
                inputs: vec!["y".into(), "on".into(), "0755".into()],
                image_tag: Some("2.10".into()),
                parallelism: None
            }
        );
        // The coercing fallback gives the same reading when the typed read cannot.
        let c: C = parse_one(b"autoAck: \"on\"\ninputs: [y]\nparallelism: \"3\"\n").unwrap();
        assert_eq!(
            (c.auto_ack, c.parallelism, c.inputs),
            (Some(true), Some(3), vec!["y".to_owned()])
        );
        let c: C = parse_one(br#"{"autoAck": "false", "inputs": [1], "parallelism": "4"}"#).unwrap();
        assert_eq!(
            (c.auto_ack, c.parallelism, c.inputs),
            (Some(false), Some(4), vec!["1".to_owned()])
        );
    }

    #[test]
    fn splits_yaml_documents_on_markers() {
        let docs =
            split(b"# head\na: 1\n--- # second\nb: 2\n...\n---\n# only a comment\n--- c: 3\n").unwrap();
        let texts: Vec<&str> = docs.iter().map(RawDocument::text).collect();
        assert_eq!(texts, ["# head\na: 1\n", "b: 2\n", "c: 3\n"]);
        assert_eq!(split(b"  {\"a\": 1}").unwrap().len(), 1);
    }

    #[test]
    fn leading_zero_numbers_stay_strings() {
        let docs = parse_documents(b"mode: 0755\nn: 12\n").unwrap();
        assert_eq!(docs[0], serde_json::json!({"mode": "0755", "n": 12}));
    }

    #[test]
    fn duplicate_yaml_keys_are_rejected() {
        let err = parse_documents(b"a: 1\na: 2\n").unwrap_err();
        assert!(matches!(err, ParseError::Yaml(_)));
        assert!(
            err.to_diagnostic().message.contains("duplicate"),
            "{}",
            err.to_diagnostic().message
        );
    }

    #[test]
    fn alias_bombs_are_stopped() {
        let mut bomb = String::from("a: &a [x, x, x, x, x, x, x, x, x, x]\n");
        let mut prev = 'a';
        for name in 'b'..='k' {
            let refs = vec![format!("*{prev}"); 10].join(", ");
            writeln!(bomb, "{name}: &{name} [{refs}]").unwrap();
            prev = name;
        }
        assert!(parse_documents(bomb.as_bytes()).is_err());
    }

    #[test]
    fn invalid_json_is_an_error_not_a_panic() {
        let err = parse_documents(b"{\"a\": ").unwrap_err();
        assert!(err.to_diagnostic().message.starts_with("invalid JSON: "));
        assert!(parse_documents(&[0xff, 0xfe]).is_err());
    }

    #[test]
    fn every_type_error_is_reported_with_its_path() {
        let v = serde_json::json!({"name": [3], "parallelism": "two", "specs": {"t": {"size": "big"}}});
        let diags = from_value::<Outer>(v).unwrap_err();
        let lines: Vec<String> = diags.iter().map(ToString::to_string).collect();
        assert_eq!(lines.len(), 3, "{lines:?}");
        assert!(
            lines[0].starts_with("error: name: invalid type: sequence, expected a string"),
            "{lines:?}"
        );
        assert!(
            lines
                .iter()
                .any(|l| l.starts_with("error: parallelism: invalid type: string \"two\""))
        );
        assert!(
            lines
                .iter()
                .any(|l| l.starts_with("error: specs.t.size: invalid type: string \"big\""))
        );
    }

    #[test]
    fn parse_one_reads_json_and_yaml_alike() {
        let a: Outer = parse_one(b"{\"name\":\"x\",\"parallelism\":2}").unwrap();
        let b: Outer = parse_one(b"name: x\nparallelism: 2\n").unwrap();
        assert_eq!(a, b);
        let err = parse_one::<Outer>(b"{\"name\":\"x\",\"parallelism\":\"2x\"}").unwrap_err();
        assert_eq!(err.len(), 1);
        assert!(parse_one::<Outer>(b"a: 1\n---\nb: 2\n").is_err());
    }
}

//! Bytes to documents and documents to typed values, with every type error reported at once.
//!
//! JSON or YAML is detected from the content: a document whose first significant character is
//! `{` or `[` is JSON, anything else is YAML (multi-document YAML allowed). YAML is read with
//! serde-saphyr: duplicate keys are errors, alias expansion is budgeted (no alias bombs),
//! numbers with a leading zero stay strings (`0755` is not silently the number 755), and
//! `yes`/`no`/`on`/`off` are booleans as in the YAML 1.1 readers Pulsar and kubectl use.

use serde::Serialize;
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

fn yaml_options() -> serde_saphyr::Options {
    let mut options = serde_saphyr::Options::default();
    options.leading_zero_numbers_as_strings = true;
    options.duplicate_keys = serde_saphyr::DuplicateKeyPolicy::Error;
    options.emit_comments = false;
    options
}

/// Reads every document in `bytes` (one for JSON, one or more for YAML); empty YAML documents are skipped.
pub fn parse_documents(bytes: &[u8]) -> Result<Vec<Value>, ParseError> {
    let text = std::str::from_utf8(bytes).map_err(ParseError::NotUtf8)?;
    let text = text.trim_start_matches('\u{feff}');
    match detect(text) {
        Syntax::Json => {
            let mut out = Vec::new();
            for doc in serde_json::Deserializer::from_str(text).into_iter::<Value>() {
                out.push(doc.map_err(ParseError::Json)?);
            }
            Ok(out)
        }
        Syntax::Yaml => {
            let docs: Vec<Value> =
                serde_saphyr::from_multiple_with_options(text, yaml_options()).map_err(ParseError::Yaml)?;
            Ok(docs.into_iter().filter(|d| !d.is_null()).collect())
        }
    }
}

/// Reads exactly one YAML or JSON document into `T`; every type error is reported at once.
pub fn parse_one<T: DeserializeOwned>(bytes: &[u8]) -> Result<T, Diagnostics> {
    let text = std::str::from_utf8(bytes)
        .map_err(|e| Diagnostics::from_iter([ParseError::NotUtf8(e).to_diagnostic()]))?;
    if detect(text) == Syntax::Json {
        // Fast path: straight into the typed model; on failure, re-read as a value to find every error.
        let mut de = serde_json::Deserializer::from_str(text);
        if let Ok(v) = serde_path_to_error::deserialize::<_, T>(&mut de)
            && de.end().is_ok()
        {
            return Ok(v);
        }
    }
    let mut docs = parse_documents(bytes).map_err(|e| Diagnostics::from_iter([e.to_diagnostic()]))?;
    match docs.len() {
        1 => from_value(docs.remove(0)),
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

/// Serializes `value` to YAML text the way every mesh output is written.
pub fn to_yaml<T: Serialize>(value: &T) -> Result<String, serde_saphyr::SerializeError> {
    serde_saphyr::to_string(value)
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

/// Removes the deepest map entry on `path`; false when there is none to remove.
fn remove_at(root: &mut Value, path: &[Segment]) -> bool {
    let Some(last_key) = path.iter().rposition(|s| matches!(s, Segment::Key(_))) else {
        return false;
    };
    let mut cur = root;
    for seg in &path[..last_key] {
        let next = match seg {
            Segment::Index(i) => cur.get_mut(*i),
            Segment::Key(k) => cur.get_mut(k.as_str()),
            Segment::Other => None,
        };
        match next {
            Some(v) => cur = v,
            None => return false,
        }
    }
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
        let v = serde_json::json!({"name": 3, "parallelism": "two", "specs": {"t": {"size": "big"}}});
        let diags = from_value::<Outer>(v).unwrap_err();
        let lines: Vec<String> = diags.iter().map(ToString::to_string).collect();
        assert_eq!(lines.len(), 3, "{lines:?}");
        assert!(
            lines[0].starts_with("error: name: invalid type: integer `3`"),
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
        let err = parse_one::<Outer>(b"{\"name\":\"x\",\"parallelism\":\"2\"}").unwrap_err();
        assert_eq!(err.len(), 1);
        assert!(parse_one::<Outer>(b"a: 1\n---\nb: 2\n").is_err());
    }
}

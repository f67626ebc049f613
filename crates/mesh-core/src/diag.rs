//! Diagnostics: every problem found in an input, each with the field path it concerns.
//!
//! A rejected input yields all of its violations at once. Warnings (unknown keys, ignored
//! options) are collected next to errors and never fail a conversion.

use std::fmt;
use std::fmt::Write as _;

/// How serious a [`Diagnostic`] is; `error` or `warning` in JSON.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, serde::Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Severity {
    /// The input is rejected.
    Error,
    /// The input is accepted, but something in it is ignored or suspicious.
    Warning,
}

impl fmt::Display for Severity {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Self::Error => "error",
            Self::Warning => "warning",
        })
    }
}

/// One problem, located by a field path such as `inputs[0]` or `spec.input.topics[0]`; in JSON
/// `{"severity", "path", "message"}`.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, serde::Serialize)]
pub struct Diagnostic {
    /// Error or warning.
    pub severity: Severity,
    /// Dotted field path; array elements as `[i]`, map entries as `.key`. Empty for the whole document.
    pub path: String,
    /// What is wrong, in the words Pulsar or the worker service use where they have any.
    pub message: String,
}

impl Diagnostic {
    /// An error at `path`.
    pub fn error(path: impl Into<String>, message: impl Into<String>) -> Self {
        Self {
            severity: Severity::Error,
            path: path.into(),
            message: message.into(),
        }
    }

    /// A warning at `path`.
    pub fn warning(path: impl Into<String>, message: impl Into<String>) -> Self {
        Self {
            severity: Severity::Warning,
            path: path.into(),
            message: message.into(),
        }
    }

    /// The same diagnostic with `prefix` put in front of its path (`spec` + `replicas` = `spec.replicas`).
    #[must_use]
    pub fn under(mut self, prefix: &str) -> Self {
        self.path = join(prefix, &self.path);
        self
    }
}

impl fmt::Display for Diagnostic {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let path = if self.path.is_empty() {
            "<document>"
        } else {
            &self.path
        };
        write!(f, "{}: {}: {}", self.severity, path, self.message)
    }
}

/// Joins two path fragments: `join("a", "b") == "a.b"`, `join("a", "[0]") == "a[0]"`.
pub fn join(prefix: &str, rest: &str) -> String {
    if prefix.is_empty() {
        rest.to_owned()
    } else if rest.is_empty() {
        prefix.to_owned()
    } else if rest.starts_with('[') {
        format!("{prefix}{rest}")
    } else {
        format!("{prefix}.{rest}")
    }
}

/// An ordered collection of diagnostics.
#[derive(Clone, Debug, Default, PartialEq, Eq, serde::Serialize)]
#[serde(transparent)]
pub struct Diagnostics(Vec<Diagnostic>);

impl Diagnostics {
    /// No diagnostics.
    pub fn new() -> Self {
        Self::default()
    }

    /// Adds one diagnostic.
    pub fn push(&mut self, diagnostic: Diagnostic) {
        self.0.push(diagnostic);
    }

    /// Adds an error at `path`.
    pub fn error(&mut self, path: impl Into<String>, message: impl Into<String>) {
        self.push(Diagnostic::error(path, message));
    }

    /// Adds a warning at `path`.
    pub fn warning(&mut self, path: impl Into<String>, message: impl Into<String>) {
        self.push(Diagnostic::warning(path, message));
    }

    /// Moves every diagnostic of `other` in, its paths put under `prefix`.
    pub fn extend_under(&mut self, prefix: &str, other: Diagnostics) {
        self.0.extend(other.0.into_iter().map(|d| d.under(prefix)));
    }

    /// Whether any error is present.
    pub fn has_errors(&self) -> bool {
        self.0.iter().any(|d| d.severity == Severity::Error)
    }

    /// Whether there is nothing at all.
    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    /// How many diagnostics there are.
    pub fn len(&self) -> usize {
        self.0.len()
    }

    /// The errors, in the order found.
    pub fn errors(&self) -> impl Iterator<Item = &Diagnostic> {
        self.0.iter().filter(|d| d.severity == Severity::Error)
    }

    /// The warnings, in the order found.
    pub fn warnings(&self) -> impl Iterator<Item = &Diagnostic> {
        self.0.iter().filter(|d| d.severity == Severity::Warning)
    }

    /// All diagnostics, in the order found.
    pub fn iter(&self) -> std::slice::Iter<'_, Diagnostic> {
        self.0.iter()
    }
}

impl Extend<Diagnostic> for Diagnostics {
    fn extend<I: IntoIterator<Item = Diagnostic>>(&mut self, iter: I) {
        self.0.extend(iter);
    }
}

impl FromIterator<Diagnostic> for Diagnostics {
    fn from_iter<I: IntoIterator<Item = Diagnostic>>(iter: I) -> Self {
        Self(iter.into_iter().collect())
    }
}

impl IntoIterator for Diagnostics {
    type Item = Diagnostic;
    type IntoIter = std::vec::IntoIter<Diagnostic>;

    fn into_iter(self) -> Self::IntoIter {
        self.0.into_iter()
    }
}

impl<'a> IntoIterator for &'a Diagnostics {
    type Item = &'a Diagnostic;
    type IntoIter = std::slice::Iter<'a, Diagnostic>;

    fn into_iter(self) -> Self::IntoIter {
        self.0.iter()
    }
}

impl fmt::Display for Diagnostics {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for d in &self.0 {
            writeln!(f, "{d}")?;
        }
        Ok(())
    }
}

/// An error and all its causes on one line: `invalid YAML: line 2 column 3: duplicate key`.
///
/// A cause whose text its error already shows (as some libraries' errors repeat their
/// source) is not repeated.
pub fn error_chain(error: &dyn std::error::Error) -> String {
    let mut out = error.to_string();
    let mut source = error.source();
    while let Some(cause) = source {
        let text = cause.to_string();
        if !out.contains(&text) {
            let _ = write!(out, ": {text}");
        }
        source = cause.source();
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn paths_join_like_field_paths() {
        assert_eq!(join("spec", "replicas"), "spec.replicas");
        assert_eq!(join("inputs", "[0]"), "inputs[0]");
        assert_eq!(join("", "name"), "name");
        assert_eq!(join("spec", ""), "spec");
    }

    #[derive(Debug, thiserror::Error)]
    #[error("outer")]
    struct Outer(#[source] Repeats);

    #[derive(Debug, thiserror::Error)]
    #[error("client failed: {0}")]
    struct Repeats(#[source] std::io::Error);

    #[test]
    fn a_chain_shows_each_cause_once() {
        let e = Outer(Repeats(std::io::Error::other("connection refused")));
        assert_eq!(error_chain(&e), "outer: client failed: connection refused");
    }

    #[test]
    fn display_matches_the_cli_contract() {
        let d = Diagnostic::error("inputs[0]", "Input topic a//b is invalid");
        assert_eq!(d.to_string(), "error: inputs[0]: Input topic a//b is invalid");
        let w = Diagnostic::warning("", "empty document");
        assert_eq!(w.to_string(), "warning: <document>: empty document");
    }

    #[test]
    fn errors_and_warnings_are_told_apart() {
        let mut all = Diagnostics::new();
        all.warning("x", "unknown key");
        assert!(!all.has_errors());
        all.error("y", "bad");
        assert!(all.has_errors());
        assert_eq!(all.errors().count(), 1);
        assert_eq!(all.warnings().count(), 1);
    }
}

//! `mesh-core`: the pure heart of mesh.
//!
//! It models Apache Pulsar Functions and IO connector configurations ([`pulsar`]), a worker's
//! configuration and connector catalogue ([`worker`]) and the Function Mesh custom resources
//! ([`crd`]), and reads them from JSON or YAML ([`document`]) with every problem reported at once
//! ([`diag`]). Nothing here does I/O, reads the environment or looks at the clock: everything a
//! result depends on is an explicit input.
//!
//! ```
//! use mesh_core::pulsar::{FunctionConfig, UnknownFields};
//!
//! let config: FunctionConfig = mesh_core::document::parse_one(
//!     br#"{"className": "org.example.Exclaim", "inputs": ["in"], "outptu": "out"}"#,
//! ).unwrap();
//! let warnings = config.unknown_field_warnings();
//! assert_eq!(warnings.iter().next().unwrap().to_string(),
//!            "warning: outptu: unknown field, ignored (Pulsar would drop it silently)");
//! assert_eq!(config.infer_missing(true).name.as_deref(), Some("Exclaim"));
//! ```

pub mod convert;
pub mod crd;
pub mod detect;
pub mod diag;
pub mod document;
pub mod lifecycle;
pub mod pulsar;
pub mod quantity;
pub mod status;
pub mod validate;
pub mod worker;
pub mod yaml;

use std::fmt::Write as _;

/// The three kinds of Pulsar component.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Kind {
    /// A Pulsar Function.
    Function,
    /// A source connector.
    Source,
    /// A sink connector.
    Sink,
}

impl Kind {
    /// Capitalised, as in Pulsar's messages and the CR kind: `Function`, `Source`, `Sink`.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Function => "Function",
            Self::Source => "Source",
            Self::Sink => "Sink",
        }
    }

    /// Lower case: `function`, `source`, `sink`.
    pub fn lower(self) -> &'static str {
        match self {
            Self::Function => "function",
            Self::Source => "source",
            Self::Sink => "sink",
        }
    }
}

impl std::fmt::Display for Kind {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

/// An error and all its causes on one line: `invalid YAML: line 2 column 3: duplicate key`.
pub fn error_chain(error: &dyn std::error::Error) -> String {
    let mut out = error.to_string();
    let mut source = error.source();
    while let Some(cause) = source {
        let _ = write!(out, ": {cause}");
        source = cause.source();
    }
    out
}

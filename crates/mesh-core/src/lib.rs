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
pub mod identity;
mod kind;
pub mod lifecycle;
pub mod native;
pub mod pipeline;
pub mod pulsar;
pub mod quantity;
pub mod schema;
pub mod status;
mod text;
pub mod validate;
pub mod worker;
pub mod yaml;

pub use diag::error_chain;
pub use kind::{Kind, UnknownKind};

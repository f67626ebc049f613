//! Function Mesh CR -> Pulsar config: what `pulsar-admin functions|sources|sinks get` shows.
//!
//! The worker service's reverse direction, corrected: memory comes from the requests (the user's
//! value, never the padded limit), `py`/`go` keep their package URL and `jar` stays unset for
//! them, and nothing the CR carries is dropped (patterns, `maxPendingAsyncRequests`, the window
//! config, custom schema inputs, logging and images come back). The identity comes from the
//! reserved labels first, so CRs made by the Java worker (whose `spec.name` is the hashed object
//! name) read back under their Pulsar names.
//!
//! Converting the result forward with the same context gives back the same CR.
//!
//! ```
//! use mesh_core::convert::{self, Context};
//! use mesh_core::pulsar::FunctionConfig;
//! use mesh_core::worker::WorkerConfig;
//!
//! let worker = WorkerConfig { pulsar_functions_cluster: Some("test-pulsar".into()), ..Default::default() };
//! let ctx = Context::new(&worker);
//! let config: FunctionConfig = mesh_core::document::parse_one(br#"{
//!     "name": "word-count", "className": "org.example.WordCount",
//!     "py": "function://public/default/word-count@1.0", "inputs": ["in"], "output": "out",
//!     "resources": {"cpu": 0.3, "ram": 536870912}}"#).unwrap();
//! let cr = convert::function(config, &ctx).unwrap().resource;
//! let back = convert::reverse::function(&cr, &ctx).unwrap().config;
//! assert_eq!(back.py.as_deref(), Some("function://public/default/word-count@1.0"));
//! assert_eq!(back.jar, None);
//! assert_eq!(back.resources.as_ref().unwrap().ram, Some(536870912));
//! assert_eq!(convert::function(back, &ctx).unwrap().resource, cr);
//! ```

mod connector;
mod function;
mod identity;
mod resources;
mod runtime;
mod secrets;
mod sink;
mod source;
mod topics;

pub use function::function;
pub use sink::sink;
pub use source::source;

use crate::diag::Diagnostics;

/// A CR read back as a Pulsar config.
#[derive(Clone, Debug, PartialEq)]
pub struct Reversed<T> {
    /// The Pulsar config.
    pub config: T,
    /// What the CR holds that a Pulsar config cannot express.
    pub warnings: Diagnostics,
}

/// The result of reading a CR back: the config, or every error that stopped it.
pub type ReverseOutcome<T> = Result<Reversed<T>, Diagnostics>;

//! The Pulsar model: `FunctionConfig`, `SourceConfig`, `SinkConfig` and everything inside them,
//! with Pulsar's JSON names.
//!
//! Parsing is lenient like Pulsar's, with two differences: keys Pulsar does not know are kept
//! in each struct's `unknown` map and reported as warnings ([`UnknownFields`]) instead of being
//! dropped silently, and an unknown enum value is an error naming the allowed values instead of
//! silently becoming `null`. Pulsar's defaults are never applied by parsing: call
//! [`FunctionConfig::infer_missing`] and friends ([`infer`]) explicitly.

mod common;
mod connector;
mod enums;
mod function;
pub mod infer;
mod sink;
mod source;
pub mod update;

pub use common::{
    BatchingConfig, ConsumerConfig, CryptoConfig, MessagePayloadProcessorConfig, ProducerConfig, Resources,
    UpdateOptions,
};
pub use connector::ConnectorConfig;
pub use enums::{
    CompressionType, ConsumerCryptoFailureAction, ProcessingGuarantees, ProducerCryptoFailureAction, Runtime,
    SubscriptionInitialPosition, WindowProcessingGuarantees,
};
pub use function::{FunctionConfig, WindowConfig};
pub use sink::SinkConfig;
pub use source::{BatchSourceConfig, SourceConfig};

use crate::diag::{Diagnostics, join};

/// Keys a struct does not know, kept as they were given.
pub type Extra = serde_json::Map<String, serde_json::Value>;

/// Reports the keys a parsed value did not know, as warnings with their paths.
pub trait UnknownFields {
    /// Adds one warning per unknown key found in `self` and below, paths prefixed with `path`.
    fn unknown_fields(&self, path: &str, out: &mut Diagnostics);

    /// The warnings for `self` as a document of its own.
    fn unknown_field_warnings(&self) -> Diagnostics {
        let mut out = Diagnostics::new();
        self.unknown_fields("", &mut out);
        out
    }
}

pub(crate) fn warn_unknown(extra: &Extra, path: &str, out: &mut Diagnostics) {
    for key in extra.keys() {
        out.warning(
            join(path, key),
            "unknown field, ignored (Pulsar would drop it silently)",
        );
    }
}

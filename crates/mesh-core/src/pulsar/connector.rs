//! What a source config and a sink config share, read through one trait, so that the code
//! preparing either (identity, runtime options, the archive and its class) is written once.

use super::{SinkConfig, SourceConfig};
use crate::Kind;

/// The fields both connector configs have, spelled the same.
pub trait ConnectorConfig {
    /// The kind of connector.
    const KIND: Kind;
    /// `tenant`.
    fn tenant(&self) -> Option<&String>;
    /// `namespace`.
    fn namespace(&self) -> Option<&String>;
    /// `name`.
    fn name(&self) -> Option<&String>;
    /// `className`.
    fn class_name(&self) -> Option<&String>;
    /// `archive`: the connector's package.
    fn archive(&self) -> Option<&String>;
    /// `parallelism`.
    fn parallelism(&self) -> Option<i32>;
    /// `logLevel`.
    fn log_level(&self) -> Option<&String>;
    /// `customRuntimeOptions`, the JSON string.
    fn custom_runtime_options(&self) -> Option<&String>;
}

macro_rules! connector_config {
    ($config:ty, $kind:expr) => {
        impl ConnectorConfig for $config {
            const KIND: Kind = $kind;
            fn tenant(&self) -> Option<&String> {
                self.tenant.as_ref()
            }
            fn namespace(&self) -> Option<&String> {
                self.namespace.as_ref()
            }
            fn name(&self) -> Option<&String> {
                self.name.as_ref()
            }
            fn class_name(&self) -> Option<&String> {
                self.class_name.as_ref()
            }
            fn archive(&self) -> Option<&String> {
                self.archive.as_ref()
            }
            fn parallelism(&self) -> Option<i32> {
                self.parallelism
            }
            fn log_level(&self) -> Option<&String> {
                self.log_level.as_ref()
            }
            fn custom_runtime_options(&self) -> Option<&String> {
                self.custom_runtime_options.as_ref()
            }
        }
    };
}

connector_config!(SourceConfig, Kind::Source);
connector_config!(SinkConfig, Kind::Sink);

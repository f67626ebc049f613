//! `SourceConfig` and `BatchSourceConfig`, as `pulsar-admin sources create` sends them.

use std::collections::BTreeMap;

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};
use serde_json::Value;

use super::common::{ProducerConfig, Resources};
use super::enums::ProcessingGuarantees;
use super::{Extra, UnknownFields, warn_unknown};
use crate::diag::{Diagnostics, join};

/// `SourceConfig`: a Pulsar IO source connector.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct SourceConfig {
    /// Pulsar tenant.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub tenant: Option<String>,
    /// Pulsar namespace.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub namespace: Option<String>,
    /// Source name.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    /// Source class (from the connector's descriptor when missing).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub class_name: Option<String>,
    /// Destination topic.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub topic_name: Option<String>,
    /// Producer settings.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub producer_config: Option<ProducerConfig>,
    /// SerDe class; exclusive with `schemaType`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub serde_class_name: Option<String>,
    /// Schema type.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub schema_type: Option<String>,
    /// Connector config.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub configs: Option<BTreeMap<String, Value>>,
    /// Secrets.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub secrets: Option<BTreeMap<String, Value>>,
    /// Number of instances.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub parallelism: Option<i32>,
    /// Delivery semantics.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub processing_guarantees: Option<ProcessingGuarantees>,
    /// Resources of one instance.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub resources: Option<Resources>,
    /// Built-in source type (CLI convenience for `archive: builtin://<type>`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub source_type: Option<String>,
    /// NAR package, `builtin://` name or package URL.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub archive: Option<String>,
    /// Extra runtime flags.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub runtime_flags: Option<String>,
    /// Runtime options: a JSON document as a string.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub custom_runtime_options: Option<String>,
    /// Makes the source a batch source.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub batch_source_config: Option<BatchSourceConfig>,
    /// Batch builder of the producer.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub batch_builder: Option<String>,
    /// Topic the logs go to.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub log_topic: Option<String>,
    /// Log level.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub log_level: Option<String>,
    /// Keys Pulsar does not know; kept, and reported as warnings.
    #[serde(flatten, skip_serializing_if = "Extra::is_empty")]
    pub unknown: Extra,
}

impl UnknownFields for SourceConfig {
    fn unknown_fields(&self, path: &str, out: &mut Diagnostics) {
        warn_unknown(&self.unknown, path, out);
        if let Some(p) = &self.producer_config {
            p.unknown_fields(&join(path, "producerConfig"), out);
        }
        if let Some(r) = &self.resources {
            r.unknown_fields(&join(path, "resources"), out);
        }
        if let Some(b) = &self.batch_source_config {
            b.unknown_fields(&join(path, "batchSourceConfig"), out);
        }
    }
}

/// `BatchSourceConfig`: the discovery triggerer of a batch source.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct BatchSourceConfig {
    /// Discovery triggerer class; required.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub discovery_triggerer_class_name: Option<String>,
    /// Triggerer config.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub discovery_triggerer_config: Option<BTreeMap<String, Value>>,
    /// Keys Pulsar does not know; kept, and reported as warnings.
    #[serde(flatten, skip_serializing_if = "Extra::is_empty")]
    pub unknown: Extra,
}

impl UnknownFields for BatchSourceConfig {
    fn unknown_fields(&self, path: &str, out: &mut Diagnostics) {
        warn_unknown(&self.unknown, path, out);
    }
}

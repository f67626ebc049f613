//! `SinkConfig`, as `pulsar-admin sinks create` sends it.

use std::collections::BTreeMap;

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};
use serde_json::Value;

use super::common::{ConsumerConfig, Resources};
use super::enums::{ProcessingGuarantees, SubscriptionInitialPosition};
use super::{Extra, UnknownFields, warn_unknown};
use crate::diag::{Diagnostics, join};

/// `SinkConfig`: a Pulsar IO sink connector.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct SinkConfig {
    /// Pulsar tenant.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub tenant: Option<String>,
    /// Pulsar namespace.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub namespace: Option<String>,
    /// Sink name.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    /// Sink class (from the connector's descriptor when missing).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub class_name: Option<String>,
    /// Subscription name.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub source_subscription_name: Option<String>,
    /// Initial subscription position (Pulsar's object default: `Latest`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub source_subscription_position: Option<SubscriptionInitialPosition>,
    /// Input topics.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub inputs: Option<Vec<String>>,
    /// Input topic to SerDe class.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub topic_to_serde_class_name: Option<BTreeMap<String, String>>,
    /// Regex input subscription.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub topics_pattern: Option<String>,
    /// Input topic to schema type.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub topic_to_schema_type: Option<BTreeMap<String, String>>,
    /// Input topic to schema properties (ignored by Pulsar's server).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub topic_to_schema_properties: Option<BTreeMap<String, String>>,
    /// Per-input consumer settings.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub input_specs: Option<BTreeMap<String, ConsumerConfig>>,
    /// Retries before a message goes to the dead-letter topic (only used when above zero).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub max_message_retries: Option<i32>,
    /// Dead-letter topic.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub dead_letter_topic: Option<String>,
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
    /// Failover subscription.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub retain_ordering: Option<bool>,
    /// Key-shared subscription.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub retain_key_ordering: Option<bool>,
    /// Resources of one instance.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub resources: Option<Resources>,
    /// Acknowledge automatically (deprecated in Pulsar).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub auto_ack: Option<bool>,
    /// Message timeout in milliseconds.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub timeout_ms: Option<i64>,
    /// Negative-ack redelivery delay in milliseconds.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub negative_ack_redelivery_delay_ms: Option<i64>,
    /// Built-in sink type (CLI convenience for `archive: builtin://<type>`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub sink_type: Option<String>,
    /// NAR package, `builtin://` name or package URL.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub archive: Option<String>,
    /// Delete the subscription when the sink is deleted.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub cleanup_subscription: Option<bool>,
    /// Extra runtime flags.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub runtime_flags: Option<String>,
    /// Runtime options: a JSON document as a string.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub custom_runtime_options: Option<String>,
    /// Transform function package (`builtin://<fn>` or a package).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub transform_function: Option<String>,
    /// Transform function class.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub transform_function_class_name: Option<String>,
    /// Transform function config: a JSON string.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub transform_function_config: Option<String>,
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

impl UnknownFields for SinkConfig {
    fn unknown_fields(&self, path: &str, out: &mut Diagnostics) {
        warn_unknown(&self.unknown, path, out);
        for (topic, spec) in self.input_specs.iter().flatten() {
            spec.unknown_fields(&join(&join(path, "inputSpecs"), topic), out);
        }
        if let Some(r) = &self.resources {
            r.unknown_fields(&join(path, "resources"), out);
        }
    }
}

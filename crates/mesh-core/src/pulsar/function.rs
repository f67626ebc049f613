//! `FunctionConfig` and `WindowConfig`, as `pulsar-admin functions create` sends them.

use std::collections::BTreeMap;

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};
use serde_json::Value;

use super::common::{ConsumerConfig, ProducerConfig, Resources};
use super::enums::{ProcessingGuarantees, Runtime, SubscriptionInitialPosition, WindowProcessingGuarantees};
use super::{Extra, UnknownFields, warn_unknown};
use crate::diag::{Diagnostics, join};

/// `FunctionConfig`: a Pulsar Function, with Pulsar's JSON names.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct FunctionConfig {
    /// Extra flags for process or Kubernetes runtimes.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub runtime_flags: Option<String>,
    /// Pulsar tenant (`public` when missing).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub tenant: Option<String>,
    /// Pulsar namespace (`default` when missing).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub namespace: Option<String>,
    /// Function name (the last `.` segment of `className` when missing).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    /// The user's function class.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub class_name: Option<String>,
    /// Input topics.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub inputs: Option<Vec<String>>,
    /// Input topic to SerDe class.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub custom_serde_inputs: Option<BTreeMap<String, String>>,
    /// Regex input subscription.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub topics_pattern: Option<String>,
    /// Input topic to a JSON string of a `ConsumerConfig`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub custom_schema_inputs: Option<BTreeMap<String, String>>,
    /// Output topic to a JSON string of a `ConsumerConfig`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub custom_schema_outputs: Option<BTreeMap<String, String>>,
    /// Per-input consumer settings, keyed by topic or pattern.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub input_specs: Option<BTreeMap<String, ConsumerConfig>>,
    /// Input type for functions whose type cannot be extracted.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub input_type_class_name: Option<String>,
    /// Output topic.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub output: Option<String>,
    /// Output producer settings.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub producer_config: Option<ProducerConfig>,
    /// Built-in schema name or schema class of the output.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub output_schema_type: Option<String>,
    /// Output type class.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub output_type_class_name: Option<String>,
    /// Output SerDe class.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub output_serde_class_name: Option<String>,
    /// Topic the function's logs go to.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub log_topic: Option<String>,
    /// Log level: INFO, DEBUG, WARN or ERROR, any case.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub log_level: Option<String>,
    /// Delivery semantics.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub processing_guarantees: Option<ProcessingGuarantees>,
    /// Failover subscription.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub retain_ordering: Option<bool>,
    /// Key-shared subscription.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub retain_key_ordering: Option<bool>,
    /// Batch builder of the output producer.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub batch_builder: Option<String>,
    /// Forward the input message's properties to the output.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub forward_source_message_property: Option<bool>,
    /// Arbitrary user config.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub user_config: Option<BTreeMap<String, Value>>,
    /// Secret name to provider-specific reference (`{"path": …, "key": …}` on Kubernetes).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub secrets: Option<BTreeMap<String, Value>>,
    /// Language; inferred from `jar`/`py`/`go`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub runtime: Option<Runtime>,
    /// Acknowledge automatically (deprecated in Pulsar).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub auto_ack: Option<bool>,
    /// Retries before a message goes to the dead-letter topic.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub max_message_retries: Option<i32>,
    /// Dead-letter topic.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub dead_letter_topic: Option<String>,
    /// Subscription name.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub sub_name: Option<String>,
    /// Number of instances.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub parallelism: Option<i32>,
    /// Resources of one instance.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub resources: Option<Resources>,
    /// Fully qualified function name (informational).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub fqfn: Option<String>,
    /// Makes the function a window function.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub window_config: Option<WindowConfig>,
    /// Message timeout in milliseconds.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub timeout_ms: Option<i64>,
    /// Java package.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub jar: Option<String>,
    /// Python package.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub py: Option<String>,
    /// Go executable.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub go: Option<String>,
    /// Built-in function type (CLI convenience for `jar: builtin://<type>`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub function_type: Option<String>,
    /// Delete the subscription when the function is deleted.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub cleanup_subscription: Option<bool>,
    /// Runtime options: a JSON document as a string.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub custom_runtime_options: Option<String>,
    /// Maximum pending async requests per instance.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub max_pending_async_requests: Option<i32>,
    /// Expose the Pulsar admin client to the function.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub expose_pulsar_admin_client_enabled: Option<bool>,
    /// Skip to the latest message when an instance restarts.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub skip_to_latest: Option<bool>,
    /// Initial subscription position (Pulsar's object default: `Latest`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub subscription_position: Option<SubscriptionInitialPosition>,
    /// Keys Pulsar does not know; kept, and reported as warnings.
    #[serde(flatten, skip_serializing_if = "Extra::is_empty")]
    pub unknown: Extra,
}

impl UnknownFields for FunctionConfig {
    fn unknown_fields(&self, path: &str, out: &mut Diagnostics) {
        warn_unknown(&self.unknown, path, out);
        for (topic, spec) in self.input_specs.iter().flatten() {
            spec.unknown_fields(&join(&join(path, "inputSpecs"), topic), out);
        }
        if let Some(p) = &self.producer_config {
            p.unknown_fields(&join(path, "producerConfig"), out);
        }
        if let Some(r) = &self.resources {
            r.unknown_fields(&join(path, "resources"), out);
        }
        if let Some(w) = &self.window_config {
            w.unknown_fields(&join(path, "windowConfig"), out);
        }
    }
}

/// `WindowConfig`: count or time windows over the input.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct WindowConfig {
    /// Window length in messages.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub window_length_count: Option<i32>,
    /// Window length in milliseconds.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub window_length_duration_ms: Option<i64>,
    /// Sliding interval in messages.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub sliding_interval_count: Option<i32>,
    /// Sliding interval in milliseconds.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub sliding_interval_duration_ms: Option<i64>,
    /// Topic late messages go to.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub late_data_topic: Option<String>,
    /// Maximum lag in milliseconds.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub max_lag_ms: Option<i64>,
    /// Watermark interval in milliseconds.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub watermark_emit_interval_ms: Option<i64>,
    /// Timestamp extractor class.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub timestamp_extractor_class_name: Option<String>,
    /// The user's window function class (set by the server).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub actual_window_function_class_name: Option<String>,
    /// Guarantee of the window executor (set by the server from the function's).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub processing_guarantees: Option<WindowProcessingGuarantees>,
    /// Keys Pulsar does not know; kept, and reported as warnings.
    #[serde(flatten, skip_serializing_if = "Extra::is_empty")]
    pub unknown: Extra,
}

impl UnknownFields for WindowConfig {
    fn unknown_fields(&self, path: &str, out: &mut Diagnostics) {
        warn_unknown(&self.unknown, path, out);
    }
}

//! Structures shared by functions, sources and sinks: consumer, producer, crypto and resources.

use std::collections::BTreeMap;

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};
use serde_json::Value;

use super::enums::{CompressionType, ConsumerCryptoFailureAction, ProducerCryptoFailureAction};
use super::{Extra, UnknownFields, warn_unknown};
use crate::diag::{Diagnostics, join};

/// `ConsumerConfig`: how one input topic (or pattern) is consumed.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct ConsumerConfig {
    /// Built-in schema name or schema class; exclusive with `serdeClassName`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub schema_type: Option<String>,
    /// SerDe class name.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub serde_class_name: Option<String>,
    /// Whether the key is a regex pattern. Jackson spells it `regexPattern`, Gson `isRegexPattern`;
    /// both are read, `regexPattern` is written.
    #[serde(alias = "isRegexPattern", skip_serializing_if = "Option::is_none")]
    pub regex_pattern: Option<bool>,
    /// Schema properties.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub schema_properties: Option<BTreeMap<String, String>>,
    /// Consumer properties.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub consumer_properties: Option<BTreeMap<String, String>>,
    /// Receiver queue size; must be at least zero.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub receiver_queue_size: Option<i32>,
    /// End-to-end encryption settings.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub crypto_config: Option<CryptoConfig>,
    /// Message payload processor.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub message_payload_processor_config: Option<MessagePayloadProcessorConfig>,
    /// Whether the consumer pools message buffers.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub pool_messages: Option<bool>,
    /// Keys Pulsar does not know; kept, and reported as warnings.
    #[serde(flatten, skip_serializing_if = "Extra::is_empty")]
    pub unknown: Extra,
}

impl UnknownFields for ConsumerConfig {
    fn unknown_fields(&self, path: &str, out: &mut Diagnostics) {
        warn_unknown(&self.unknown, path, out);
        if let Some(c) = &self.crypto_config {
            c.unknown_fields(&join(path, "cryptoConfig"), out);
        }
        if let Some(m) = &self.message_payload_processor_config {
            m.unknown_fields(&join(path, "messagePayloadProcessorConfig"), out);
        }
    }
}

/// `MessagePayloadProcessorConfig`: a custom payload processor class and its config.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct MessagePayloadProcessorConfig {
    /// Processor class name.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub class_name: Option<String>,
    /// Processor config.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub config: Option<BTreeMap<String, Value>>,
    /// Keys Pulsar does not know; kept, and reported as warnings.
    #[serde(flatten, skip_serializing_if = "Extra::is_empty")]
    pub unknown: Extra,
}

impl UnknownFields for MessagePayloadProcessorConfig {
    fn unknown_fields(&self, path: &str, out: &mut Diagnostics) {
        warn_unknown(&self.unknown, path, out);
    }
}

/// `CryptoConfig`: end-to-end encryption of consumed or produced messages.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct CryptoConfig {
    /// `CryptoKeyReader` implementation class; required.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub crypto_key_reader_class_name: Option<String>,
    /// Config passed to the key reader.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub crypto_key_reader_config: Option<BTreeMap<String, Value>>,
    /// Encryption key names (producers need at least one).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub encryption_keys: Option<Vec<String>>,
    /// What a producer does when encryption fails.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub producer_crypto_failure_action: Option<ProducerCryptoFailureAction>,
    /// What a consumer does when decryption fails.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub consumer_crypto_failure_action: Option<ConsumerCryptoFailureAction>,
    /// Keys Pulsar does not know; kept, and reported as warnings.
    #[serde(flatten, skip_serializing_if = "Extra::is_empty")]
    pub unknown: Extra,
}

impl UnknownFields for CryptoConfig {
    fn unknown_fields(&self, path: &str, out: &mut Diagnostics) {
        warn_unknown(&self.unknown, path, out);
    }
}

/// `ProducerConfig`: how output messages are produced.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct ProducerConfig {
    /// Maximum pending messages.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub max_pending_messages: Option<i32>,
    /// Maximum pending messages across partitions.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub max_pending_messages_across_partitions: Option<i32>,
    /// Whether producers are thread-local.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub use_thread_local_producers: Option<bool>,
    /// End-to-end encryption settings.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub crypto_config: Option<CryptoConfig>,
    /// Batch builder: `DEFAULT` or `KEY_BASED`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub batch_builder: Option<String>,
    /// Compression (Pulsar uses LZ4 when unset).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub compression_type: Option<CompressionType>,
    /// Batching settings.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub batching_config: Option<BatchingConfig>,
    /// Keys Pulsar does not know; kept, and reported as warnings.
    #[serde(flatten, skip_serializing_if = "Extra::is_empty")]
    pub unknown: Extra,
}

impl UnknownFields for ProducerConfig {
    fn unknown_fields(&self, path: &str, out: &mut Diagnostics) {
        warn_unknown(&self.unknown, path, out);
        if let Some(c) = &self.crypto_config {
            c.unknown_fields(&join(path, "cryptoConfig"), out);
        }
        if let Some(b) = &self.batching_config {
            b.unknown_fields(&join(path, "batchingConfig"), out);
        }
    }
}

/// `BatchingConfig`: producer batching. Pulsar's object defaults are `enabled: true` and
/// `batchingMaxPublishDelayMs: 10` ([`BatchingConfig::pulsar_default`]).
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct BatchingConfig {
    /// Whether batching is on.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub enabled: Option<bool>,
    /// Maximum publish delay of a batch, in milliseconds.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub batching_max_publish_delay_ms: Option<i32>,
    /// Partition switch frequency of the round-robin router.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub round_robin_router_batching_partition_switch_frequency: Option<i32>,
    /// Maximum messages in a batch.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub batching_max_messages: Option<i32>,
    /// Maximum bytes in a batch.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub batching_max_bytes: Option<i32>,
    /// Batch builder.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub batch_builder: Option<String>,
    /// Keys Pulsar does not know; kept, and reported as warnings.
    #[serde(flatten, skip_serializing_if = "Extra::is_empty")]
    pub unknown: Extra,
}

impl BatchingConfig {
    /// What `new BatchingConfig()` holds in Pulsar: enabled, 10 ms publish delay.
    pub fn pulsar_default() -> Self {
        Self {
            enabled: Some(true),
            batching_max_publish_delay_ms: Some(10),
            ..Self::default()
        }
    }
}

impl UnknownFields for BatchingConfig {
    fn unknown_fields(&self, path: &str, out: &mut Diagnostics) {
        warn_unknown(&self.unknown, path, out);
    }
}

/// `Resources`: what one instance asks for. Missing members take Pulsar's defaults
/// ([`Resources::DEFAULT_CPU`] and friends) or a worker's `defaultResources`.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct Resources {
    /// CPU cores.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub cpu: Option<f64>,
    /// Memory in bytes.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub ram: Option<i64>,
    /// Disk in bytes (not mapped to any Kubernetes resource).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub disk: Option<i64>,
    /// Keys Pulsar does not know; kept, and reported as warnings.
    #[serde(flatten, skip_serializing_if = "Extra::is_empty")]
    pub unknown: Extra,
}

impl Resources {
    /// Pulsar's default CPU: one core.
    pub const DEFAULT_CPU: f64 = 1.0;
    /// Pulsar's default RAM: 1 GiB.
    pub const DEFAULT_RAM: i64 = 1_073_741_824;
    /// Pulsar's default disk: 10 GiB.
    pub const DEFAULT_DISK: i64 = 10_737_418_240;

    /// Pulsar's `Resources.getDefaultResources()`: 1 core, 1 GiB RAM, 10 GiB disk.
    pub fn pulsar_default() -> Self {
        Self {
            cpu: Some(Self::DEFAULT_CPU),
            ram: Some(Self::DEFAULT_RAM),
            disk: Some(Self::DEFAULT_DISK),
            unknown: Extra::new(),
        }
    }

    /// `mergeWithDefault`: `config` with each missing member taken from `defaults` (and from
    /// Pulsar's defaults where `defaults` lacks it too). Every member of the result is set.
    pub fn merge_with_default(defaults: Option<&Resources>, config: Option<&Resources>) -> Resources {
        let pick_f = |c: Option<f64>, d: Option<f64>, p: f64| c.or(d).unwrap_or(p);
        let pick_i = |c: Option<i64>, d: Option<i64>, p: i64| c.or(d).unwrap_or(p);
        let d = defaults.cloned().unwrap_or_default();
        let c = config.cloned().unwrap_or_default();
        Resources {
            cpu: Some(pick_f(c.cpu, d.cpu, Self::DEFAULT_CPU)),
            ram: Some(pick_i(c.ram, d.ram, Self::DEFAULT_RAM)),
            disk: Some(pick_i(c.disk, d.disk, Self::DEFAULT_DISK)),
            unknown: Extra::new(),
        }
    }
}

impl UnknownFields for Resources {
    fn unknown_fields(&self, path: &str, out: &mut Diagnostics) {
        warn_unknown(&self.unknown, path, out);
    }
}

/// `UpdateOptions` sent with an update: whether to refresh the stored auth data.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct UpdateOptions {
    /// Refresh the function's auth data.
    #[serde(default)]
    pub update_auth_data: bool,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn both_regex_spellings_are_read_and_jackson_is_written() {
        let a: ConsumerConfig = serde_json::from_str(r#"{"isRegexPattern":true}"#).unwrap();
        let b: ConsumerConfig = serde_json::from_str(r#"{"regexPattern":true}"#).unwrap();
        assert_eq!(a, b);
        assert_eq!(a.regex_pattern, Some(true));
        assert_eq!(serde_json::to_string(&a).unwrap(), r#"{"regexPattern":true}"#);
    }

    #[test]
    fn unknown_keys_are_kept_and_reported() {
        let c: ConsumerConfig =
            serde_json::from_str(r#"{"schemaType":"avro","recieverQueueSize":5,"cryptoConfig":{"x":1}}"#)
                .unwrap();
        assert_eq!(c.unknown.get("recieverQueueSize"), Some(&serde_json::json!(5)));
        let mut d = Diagnostics::new();
        c.unknown_fields("inputSpecs.t", &mut d);
        let paths: Vec<_> = d.iter().map(|d| d.path.as_str()).collect();
        assert_eq!(
            paths,
            ["inputSpecs.t.recieverQueueSize", "inputSpecs.t.cryptoConfig.x"]
        );
        assert!(!d.has_errors());
        assert!(serde_json::to_string(&c).unwrap().contains("recieverQueueSize"));
    }

    #[test]
    fn resources_merge_member_by_member() {
        let defaults = Resources {
            cpu: Some(0.5),
            ram: Some(2048),
            disk: None,
            unknown: Extra::new(),
        };
        let config = Resources {
            cpu: Some(2.0),
            ..Resources::default()
        };
        let merged = Resources::merge_with_default(Some(&defaults), Some(&config));
        assert_eq!(
            (merged.cpu, merged.ram, merged.disk),
            (Some(2.0), Some(2048), Some(Resources::DEFAULT_DISK))
        );
        assert_eq!(
            Resources::merge_with_default(None, None),
            Resources::pulsar_default()
        );
    }
}

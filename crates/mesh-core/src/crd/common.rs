//! Structures shared by the Function, Source and Sink specs.

use std::collections::BTreeMap;

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};
use serde_json::Value;

use super::free_form;
use crate::pulsar::{CompressionType, WindowProcessingGuarantees};

/// `processingGuarantee` of a CR.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum ProcessingGuarantee {
    /// At least once.
    AtleastOnce,
    /// At most once.
    AtmostOnce,
    /// Effectively once.
    EffectivelyOnce,
    /// Acknowledged by the user code.
    Manual,
}

/// `subscriptionPosition` of a CR.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "lowercase")]
pub enum SubscriptionPosition {
    /// Newest message.
    Latest,
    /// Oldest available message.
    Earliest,
}

/// `logTopicAgent`: who ships logs to the log topic.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "lowercase")]
pub enum LogTopicAgent {
    /// The runtime itself.
    Runtime,
    /// A sidecar.
    Sidecar,
}

/// `input` of a Function or Sink.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct InputConf {
    /// Topic to schema type.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub custom_schema_sources: Option<BTreeMap<String, String>>,
    /// Topic to SerDe class.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub custom_serde_sources: Option<BTreeMap<String, String>>,
    /// Per-topic consumer settings.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub source_specs: Option<BTreeMap<String, ConsumerConfig>>,
    /// Regex input subscription.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub topic_pattern: Option<String>,
    /// Input topics.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub topics: Option<Vec<String>>,
    /// Input type class.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub type_class_name: Option<String>,
}

/// `ConsumerConfig` of a CR input spec (note `serdeClassname` with a lower-case n).
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct ConsumerConfig {
    /// Consumer properties.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub consumer_properties: Option<BTreeMap<String, String>>,
    /// End-to-end encryption.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub crypto_config: Option<CryptoConfig>,
    /// Whether the key is a regex pattern.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub is_regex_pattern: Option<bool>,
    /// Receiver queue size.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub receiver_queue_size: Option<i32>,
    /// Schema properties.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub schema_properties: Option<BTreeMap<String, String>>,
    /// Schema type.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub schema_type: Option<String>,
    /// SerDe class.
    #[serde(rename = "serdeClassname", skip_serializing_if = "Option::is_none")]
    pub serde_classname: Option<String>,
}

/// `output` of a Function or Source.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct OutputConf {
    /// Topic to a JSON string of a consumer config.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub custom_schema_sinks: Option<BTreeMap<String, String>>,
    /// Producer settings.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub producer_conf: Option<ProducerConfig>,
    /// Output schema type.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub sink_schema_type: Option<String>,
    /// Output SerDe class.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub sink_serde_class_name: Option<String>,
    /// Output topic.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub topic: Option<String>,
    /// Output type class.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub type_class_name: Option<String>,
}

/// `producerConf` of an output.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct ProducerConfig {
    /// Batch builder.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub batch_builder: Option<String>,
    /// Compression.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub compression_type: Option<CompressionType>,
    /// End-to-end encryption.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub crypto_config: Option<CryptoConfig>,
    /// Maximum pending messages.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub max_pending_messages: Option<i32>,
    /// Maximum pending messages across partitions.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub max_pending_messages_across_partitions: Option<i32>,
    /// Thread-local producers.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub use_thread_local_producers: Option<bool>,
}

/// `cryptoConfig` of a consumer or producer.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct CryptoConfig {
    /// Consumer failure action.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub consumer_crypto_failure_action: Option<String>,
    /// Key reader class.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub crypto_key_reader_class_name: Option<String>,
    /// Key reader config.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub crypto_key_reader_config: Option<BTreeMap<String, String>>,
    /// Secrets holding the keys.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub crypto_secrets: Option<Vec<CryptoSecret>>,
    /// Encryption key names.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub encryption_keys: Option<Vec<String>>,
    /// Producer failure action.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub producer_crypto_failure_action: Option<String>,
}

/// A secret key the crypto key reader needs.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct CryptoSecret {
    /// Mount path when mounted as a volume.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub as_volume: Option<String>,
    /// Key in the secret.
    pub secret_key: String,
    /// Secret name.
    pub secret_name: String,
}

/// A `secretsMap` entry: a key of a Kubernetes Secret.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
pub struct SecretRef {
    /// Key in the secret.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub key: Option<String>,
    /// Secret name.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub path: Option<String>,
}

/// `pulsar` (and `pulsarPackageService`): how the instance reaches Pulsar.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct PulsarMessaging {
    /// Auth settings.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub auth_config: Option<AuthConfig>,
    /// Secret with the client auth settings.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub auth_secret: Option<String>,
    /// Auth settings of the subscription clean-up job.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub cleanup_auth_config: Option<AuthConfig>,
    /// ConfigMap with the service URLs.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub pulsar_config: Option<String>,
    /// TLS settings.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub tls_config: Option<TlsConfig>,
    /// Secret with the TLS settings.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub tls_secret: Option<String>,
}

/// `tlsConfig`.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct TlsConfig {
    /// Accept untrusted certificates.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub allow_insecure: Option<bool>,
    /// Key of the certificate in that secret.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub cert_secret_key: Option<String>,
    /// Secret with the CA certificate.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub cert_secret_name: Option<String>,
    /// TLS on.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub enabled: Option<bool>,
    /// Verify host names.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub hostname_verification: Option<bool>,
}

/// `authConfig`: OAuth2 or a generic auth plugin.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct AuthConfig {
    /// Any auth plugin.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub generic_auth: Option<GenericAuth>,
    /// OAuth2 client credentials.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub oauth2_config: Option<OAuth2Config>,
}

/// `oauth2Config`.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct OAuth2Config {
    /// Audience.
    pub audience: String,
    /// Issuer URL.
    pub issuer_url: String,
    /// Key of the private key in that secret.
    pub key_secret_key: String,
    /// Secret holding the private key.
    pub key_secret_name: String,
    /// Scope.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub scope: Option<String>,
}

/// `genericAuth`.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct GenericAuth {
    /// Plugin parameters.
    pub client_authentication_parameters: String,
    /// Auth plugin class.
    pub client_authentication_plugin: String,
}

/// Log level of a runtime.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "lowercase")]
pub enum LogLevel {
    /// Off.
    Off,
    /// Trace.
    Trace,
    /// Debug.
    Debug,
    /// Info.
    Info,
    /// Warn.
    Warn,
    /// Error.
    Error,
    /// Fatal.
    Fatal,
    /// All.
    All,
    /// Panic.
    Panic,
}

/// Log rotation policy of a runtime.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize, JsonSchema)]
pub enum RotatePolicy {
    /// Daily.
    TimedPolicyWithDaily,
    /// Weekly.
    TimedPolicyWithWeekly,
    /// Monthly.
    TimedPolicyWithMonthly,
    /// At 10 MB.
    SizedPolicyWith10MB,
    /// At 50 MB.
    SizedPolicyWith50MB,
    /// At 100 MB.
    SizedPolicyWith100MB,
}

/// Log format.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "lowercase")]
pub enum LogFormat {
    /// JSON lines.
    Json,
    /// Plain text.
    Text,
}

/// Format of a custom Log4j config file.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "lowercase")]
pub enum Log4jConfigFileType {
    /// YAML.
    Yaml,
    /// XML.
    Xml,
    /// INI.
    Ini,
}

/// `log` of a runtime.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct RuntimeLogConfig {
    /// Format.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub format: Option<LogFormat>,
    /// Format of that file (Java).
    #[serde(rename = "javaLog4JConfigFileType", skip_serializing_if = "Option::is_none")]
    pub java_log4j_config_file_type: Option<Log4jConfigFileType>,
    /// Level.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub level: Option<LogLevel>,
    /// ConfigMap key with a custom log config.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub log_config: Option<LogConfigRef>,
    /// Rotation policy.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub rotate_policy: Option<RotatePolicy>,
}

/// `logConfig`: a key of a ConfigMap.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
pub struct LogConfigRef {
    /// Key in it.
    pub key: String,
    /// ConfigMap name.
    pub name: String,
}

/// `java` runtime.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct JavaRuntime {
    /// Entry class of the instance.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub entry_class: Option<String>,
    /// Extra dependencies directory.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub extra_dependencies_dir: Option<String>,
    /// Path of the instance in the image.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub instance_path: Option<String>,
    /// Local path of the jar in the pod.
    pub jar: String,
    /// Package URL to download the jar from.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub jar_location: Option<String>,
    /// JVM options.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub java_opts: Option<Vec<String>>,
    /// Logging.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub log: Option<RuntimeLogConfig>,
}

/// `python` runtime.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct PythonRuntime {
    /// Logging.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub log: Option<RuntimeLogConfig>,
    /// Local path of the package in the pod.
    pub py: String,
    /// Package URL.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub py_location: Option<String>,
}

/// `golang` runtime.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct GoRuntime {
    /// Local path of the executable in the pod.
    pub go: String,
    /// Package URL.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub go_location: Option<String>,
    /// Logging.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub log: Option<RuntimeLogConfig>,
}

/// `genericRuntime`.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct GenericRuntime {
    /// Local path of the function file.
    pub function_file: String,
    /// URL of the function file.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub function_file_location: Option<String>,
    /// Language.
    pub language: String,
}

/// `windowConfig` of a Function.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct WindowConfig {
    /// The user's window function class.
    pub actual_window_function_class_name: String,
    /// Late data topic.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub late_data_topic: Option<String>,
    /// Maximum lag in milliseconds.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub max_lag_ms: Option<i64>,
    /// Guarantee of the window executor.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub processing_guarantees: Option<WindowProcessingGuarantees>,
    /// Sliding interval in messages.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub sliding_interval_count: Option<i32>,
    /// Sliding interval in milliseconds.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub sliding_interval_duration_ms: Option<i64>,
    /// Timestamp extractor class.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub timestamp_extractor_class_name: Option<String>,
    /// Watermark interval in milliseconds.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub watermark_emit_interval_ms: Option<i64>,
    /// Window length in messages.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub window_length_count: Option<i32>,
    /// Window length in milliseconds.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub window_length_duration_ms: Option<i64>,
}

/// `statefulConfig`.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct StatefulConfig {
    /// Pulsar's state store.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub pulsar: Option<PulsarStateStore>,
}

/// `statefulConfig.pulsar`.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct PulsarStateStore {
    /// Java state store provider.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub java_provider: Option<PulsarStateStoreJavaProvider>,
    /// State storage service URL.
    pub service_url: String,
}

/// `statefulConfig.pulsar.javaProvider`.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct PulsarStateStoreJavaProvider {
    /// Provider class.
    pub class_name: String,
    /// Provider config.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schemars(schema_with = "free_form")]
    pub config: Option<BTreeMap<String, Value>>,
}

/// `batchSourceConfig` of a Source.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct BatchSourceConfig {
    /// Discovery triggerer class.
    pub discovery_triggerer_class_name: String,
    /// Triggerer config.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schemars(schema_with = "free_form")]
    pub discovery_triggerer_config: Option<BTreeMap<String, Value>>,
}

/// A Function's `sourceConfig`: run a source connector inside the function.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct SourceConnectorSpec {
    /// Batch source settings.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub batch_source_config: Option<BatchSourceConfig>,
    /// Source class.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub class_name: Option<String>,
    /// Connector config.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schemars(schema_with = "free_form")]
    pub configs: Option<BTreeMap<String, Value>>,
    /// Built-in source type.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub source_type: Option<String>,
    /// Type class.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub type_class_name: Option<String>,
}

/// A Function's `sinkConfig`: run a sink connector inside the function.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct SinkConnectorSpec {
    /// Sink class.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub class_name: Option<String>,
    /// Connector config.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schemars(schema_with = "free_form")]
    pub configs: Option<BTreeMap<String, Value>>,
    /// Built-in sink type.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub sink_type: Option<String>,
    /// Type class.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub type_class_name: Option<String>,
}

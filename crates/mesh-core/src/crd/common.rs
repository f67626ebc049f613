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
    /// Input type class.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub type_class_name: Option<String>,
    /// Input topics.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub topics: Option<Vec<String>>,
    /// Regex input subscription.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub topic_pattern: Option<String>,
    /// Topic to SerDe class.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub custom_serde_sources: Option<BTreeMap<String, String>>,
    /// Topic to schema type.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub custom_schema_sources: Option<BTreeMap<String, String>>,
    /// Per-topic consumer settings.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub source_specs: Option<BTreeMap<String, ConsumerConfig>>,
}

/// `ConsumerConfig` of a CR input spec (note `serdeClassname` with a lower-case n).
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct ConsumerConfig {
    /// Schema type.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub schema_type: Option<String>,
    /// SerDe class.
    #[serde(rename = "serdeClassname", skip_serializing_if = "Option::is_none")]
    pub serde_classname: Option<String>,
    /// Whether the key is a regex pattern.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub is_regex_pattern: Option<bool>,
    /// Schema properties.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub schema_properties: Option<BTreeMap<String, String>>,
    /// Consumer properties.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub consumer_properties: Option<BTreeMap<String, String>>,
    /// Receiver queue size.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub receiver_queue_size: Option<i32>,
    /// End-to-end encryption.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub crypto_config: Option<CryptoConfig>,
}

/// `output` of a Function or Source.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct OutputConf {
    /// Output type class.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub type_class_name: Option<String>,
    /// Output topic.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub topic: Option<String>,
    /// Output SerDe class.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub sink_serde_class_name: Option<String>,
    /// Output schema type.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub sink_schema_type: Option<String>,
    /// Producer settings.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub producer_conf: Option<ProducerConfig>,
    /// Topic to a JSON string of a consumer config.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub custom_schema_sinks: Option<BTreeMap<String, String>>,
}

/// `producerConf` of an output.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct ProducerConfig {
    /// Maximum pending messages.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub max_pending_messages: Option<i32>,
    /// Maximum pending messages across partitions.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub max_pending_messages_across_partitions: Option<i32>,
    /// Thread-local producers.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub use_thread_local_producers: Option<bool>,
    /// End-to-end encryption.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub crypto_config: Option<CryptoConfig>,
    /// Batch builder.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub batch_builder: Option<String>,
    /// Compression.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub compression_type: Option<CompressionType>,
}

/// `cryptoConfig` of a consumer or producer.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct CryptoConfig {
    /// Key reader class.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub crypto_key_reader_class_name: Option<String>,
    /// Key reader config.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub crypto_key_reader_config: Option<BTreeMap<String, String>>,
    /// Encryption key names.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub encryption_keys: Option<Vec<String>>,
    /// Producer failure action.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub producer_crypto_failure_action: Option<String>,
    /// Consumer failure action.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub consumer_crypto_failure_action: Option<String>,
    /// Secrets holding the keys.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub crypto_secrets: Option<Vec<CryptoSecret>>,
}

/// A secret key the crypto key reader needs.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct CryptoSecret {
    /// Secret name.
    pub secret_name: String,
    /// Key in the secret.
    pub secret_key: String,
    /// Mount path when mounted as a volume.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub as_volume: Option<String>,
}

/// A `secretsMap` entry: a key of a Kubernetes Secret.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
pub struct SecretRef {
    /// Secret name.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub path: Option<String>,
    /// Key in the secret.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub key: Option<String>,
}

/// `pulsar` (and `pulsarPackageService`): how the instance reaches Pulsar.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct PulsarMessaging {
    /// ConfigMap with the service URLs.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub pulsar_config: Option<String>,
    /// Secret with the client auth settings.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub auth_secret: Option<String>,
    /// Secret with the TLS settings.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub tls_secret: Option<String>,
    /// TLS settings.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub tls_config: Option<TlsConfig>,
    /// Auth settings.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub auth_config: Option<AuthConfig>,
    /// Auth settings of the subscription clean-up job.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub cleanup_auth_config: Option<AuthConfig>,
}

/// `tlsConfig`.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct TlsConfig {
    /// TLS on.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub enabled: Option<bool>,
    /// Accept untrusted certificates.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub allow_insecure: Option<bool>,
    /// Verify host names.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub hostname_verification: Option<bool>,
    /// Secret with the CA certificate.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub cert_secret_name: Option<String>,
    /// Key of the certificate in that secret.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub cert_secret_key: Option<String>,
}

/// `authConfig`: OAuth2 or a generic auth plugin.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct AuthConfig {
    /// OAuth2 client credentials.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub oauth2_config: Option<OAuth2Config>,
    /// Any auth plugin.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub generic_auth: Option<GenericAuth>,
}

/// `oauth2Config`.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct OAuth2Config {
    /// Audience.
    pub audience: String,
    /// Issuer URL.
    pub issuer_url: String,
    /// Scope.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub scope: Option<String>,
    /// Secret holding the private key.
    pub key_secret_name: String,
    /// Key of the private key in that secret.
    pub key_secret_key: String,
}

/// `genericAuth`.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct GenericAuth {
    /// Auth plugin class.
    pub client_authentication_plugin: String,
    /// Plugin parameters.
    pub client_authentication_parameters: String,
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
    /// Level.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub level: Option<LogLevel>,
    /// Rotation policy.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub rotate_policy: Option<RotatePolicy>,
    /// Format.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub format: Option<LogFormat>,
    /// ConfigMap key with a custom log config.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub log_config: Option<LogConfigRef>,
    /// Format of that file (Java).
    #[serde(rename = "javaLog4JConfigFileType", skip_serializing_if = "Option::is_none")]
    pub java_log4j_config_file_type: Option<Log4jConfigFileType>,
}

/// `logConfig`: a key of a ConfigMap.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
pub struct LogConfigRef {
    /// ConfigMap name.
    pub name: String,
    /// Key in it.
    pub key: String,
}

/// `java` runtime.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct JavaRuntime {
    /// Local path of the jar in the pod.
    pub jar: String,
    /// Package URL to download the jar from.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub jar_location: Option<String>,
    /// Extra dependencies directory.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub extra_dependencies_dir: Option<String>,
    /// Logging.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub log: Option<RuntimeLogConfig>,
    /// JVM options.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub java_opts: Option<Vec<String>>,
    /// Path of the instance in the image.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub instance_path: Option<String>,
    /// Entry class of the instance.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub entry_class: Option<String>,
}

/// `python` runtime.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct PythonRuntime {
    /// Local path of the package in the pod.
    pub py: String,
    /// Package URL.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub py_location: Option<String>,
    /// Logging.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub log: Option<RuntimeLogConfig>,
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
    /// Late data topic.
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
    /// Guarantee of the window executor.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub processing_guarantees: Option<WindowProcessingGuarantees>,
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
    /// State storage service URL.
    pub service_url: String,
    /// Java state store provider.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub java_provider: Option<PulsarStateStoreJavaProvider>,
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
    /// Built-in source type.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub source_type: Option<String>,
    /// Batch source settings.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub batch_source_config: Option<BatchSourceConfig>,
    /// Source class.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub class_name: Option<String>,
    /// Type class.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub type_class_name: Option<String>,
    /// Connector config.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schemars(schema_with = "free_form")]
    pub configs: Option<BTreeMap<String, Value>>,
}

/// A Function's `sinkConfig`: run a sink connector inside the function.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct SinkConnectorSpec {
    /// Built-in sink type.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub sink_type: Option<String>,
    /// Sink class.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub class_name: Option<String>,
    /// Type class.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub type_class_name: Option<String>,
    /// Connector config.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schemars(schema_with = "free_form")]
    pub configs: Option<BTreeMap<String, Value>>,
}

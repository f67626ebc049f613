//! `FunctionDetails`: the protobuf message Pulsar's instances run from, in the JSON form its
//! `JsonFormat` printer gives (`Function.proto`): fields in field-number order, default values
//! left out, enums by name, 64-bit integers as strings.

use std::collections::BTreeMap;

use serde::{Deserialize, Deserializer, Serialize, Serializer};

fn is_default<T: Default + PartialEq>(t: &T) -> bool {
    *t == T::default()
}

/// 64-bit integers: written as JSON strings (protobuf's JSON mapping), read from either form.
mod int64 {
    use super::{Deserialize, Deserializer, Serializer};

    pub fn serialize<S: Serializer, T: std::fmt::Display>(v: &T, s: S) -> Result<S::Ok, S::Error> {
        s.collect_str(v)
    }

    pub fn deserialize<'de, D: Deserializer<'de>, T>(d: D) -> Result<T, D::Error>
    where
        T: std::str::FromStr + TryFrom<i64> + TryFrom<u64>,
    {
        #[derive(Deserialize)]
        #[serde(untagged)]
        enum Either {
            Signed(i64),
            Unsigned(u64),
            Text(String),
        }
        let bad = || serde::de::Error::custom("not a 64-bit integer");
        match Either::deserialize(d)? {
            Either::Signed(n) => T::try_from(n).map_err(|_| bad()),
            Either::Unsigned(n) => T::try_from(n).map_err(|_| bad()),
            Either::Text(t) => t.parse().map_err(|_| bad()),
        }
    }
}

macro_rules! proto_enum {
    ($(#[$m:meta])* $name:ident { $($(#[$vm:meta])* $variant:ident = $text:literal),+ $(,)? }) => {
        $(#[$m])*
        #[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
        pub enum $name {
            $($(#[$vm])* #[serde(rename = $text)] $variant,)+
        }
    };
}

proto_enum!(
    /// `ProcessingGuarantees`.
    Guarantees {
        /// At least once (0, the default).
        #[default]
        AtleastOnce = "ATLEAST_ONCE",
        /// At most once.
        AtmostOnce = "ATMOST_ONCE",
        /// Effectively once.
        EffectivelyOnce = "EFFECTIVELY_ONCE",
        /// The function acknowledges.
        Manual = "MANUAL",
    }
);

proto_enum!(
    /// `SubscriptionType`.
    SubscriptionType {
        /// Shared (0, the default).
        #[default]
        Shared = "SHARED",
        /// Failover.
        Failover = "FAILOVER",
        /// Key shared.
        KeyShared = "KEY_SHARED",
    }
);

proto_enum!(
    /// `SubscriptionPosition`.
    Position {
        /// Latest (0, the default).
        #[default]
        Latest = "LATEST",
        /// Earliest.
        Earliest = "EARLIEST",
    }
);

proto_enum!(
    /// `FunctionDetails.Runtime`.
    Runtime {
        /// Java (0, the default).
        #[default]
        Java = "JAVA",
        /// Python.
        Python = "PYTHON",
        /// Go.
        Go = "GO",
    }
);

impl Runtime {
    /// The enum's number, which the Go instance config carries.
    pub fn number(self) -> i32 {
        match self {
            Self::Java => 0,
            Self::Python => 1,
            Self::Go => 3,
        }
    }
}

proto_enum!(
    /// `FunctionDetails.ComponentType`.
    ComponentType {
        /// Unknown (0, the default).
        #[default]
        Unknown = "UNKNOWN",
        /// A function.
        Function = "FUNCTION",
        /// A source.
        Source = "SOURCE",
        /// A sink.
        Sink = "SINK",
    }
);

proto_enum!(
    /// `CompressionType`.
    Compression {
        /// LZ4 (0, the default).
        #[default]
        Lz4 = "LZ4",
        /// None.
        None = "NONE",
        /// ZLIB.
        Zlib = "ZLIB",
        /// ZSTD.
        Zstd = "ZSTD",
        /// Snappy.
        Snappy = "SNAPPY",
    }
);

proto_enum!(
    /// `CryptoSpec.FailureAction`.
    FailureAction {
        /// Fail (0, the default).
        #[default]
        Fail = "FAIL",
        /// Discard the message.
        Discard = "DISCARD",
        /// Consume it encrypted.
        Consume = "CONSUME",
        /// Send it unencrypted.
        Send = "SEND",
    }
);

/// `Resources`.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Resources {
    /// Cores.
    #[serde(skip_serializing_if = "is_default", default)]
    pub cpu: f64,
    /// Bytes of memory.
    #[serde(skip_serializing_if = "is_default", default, with = "int64")]
    pub ram: i64,
    /// Bytes of disk.
    #[serde(skip_serializing_if = "is_default", default, with = "int64")]
    pub disk: i64,
}

/// `RetryDetails`.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct RetryDetails {
    /// Redeliveries before the dead letter topic.
    #[serde(skip_serializing_if = "is_default", default)]
    pub max_message_retries: i32,
    /// The dead letter topic.
    #[serde(skip_serializing_if = "is_default", default)]
    pub dead_letter_topic: String,
}

/// `CryptoSpec`.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct CryptoSpec {
    /// Key reader class.
    #[serde(skip_serializing_if = "is_default", default)]
    pub crypto_key_reader_class_name: String,
    /// Key reader config, as JSON text.
    #[serde(skip_serializing_if = "is_default", default)]
    pub crypto_key_reader_config: String,
    /// Encryption key names.
    #[serde(skip_serializing_if = "is_default", default)]
    pub producer_encryption_key_name: Vec<String>,
    /// What a producer does when encryption fails.
    #[serde(skip_serializing_if = "is_default", default)]
    pub producer_crypto_failure_action: FailureAction,
    /// What a consumer does when decryption fails.
    #[serde(skip_serializing_if = "is_default", default)]
    pub consumer_crypto_failure_action: FailureAction,
}

/// `ConsumerSpec.ReceiverQueueSize`.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct ReceiverQueueSize {
    /// The size.
    #[serde(skip_serializing_if = "is_default", default)]
    pub value: i32,
}

/// `ConsumerSpec`: how one input topic is read.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ConsumerSpec {
    /// Schema type or class.
    #[serde(skip_serializing_if = "is_default", default)]
    pub schema_type: String,
    /// SerDe class.
    #[serde(skip_serializing_if = "is_default", default)]
    pub serde_class_name: String,
    /// The key is a topic pattern.
    #[serde(skip_serializing_if = "is_default", default)]
    pub is_regex_pattern: bool,
    /// Receiver queue size.
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub receiver_queue_size: Option<ReceiverQueueSize>,
    /// Schema properties.
    #[serde(skip_serializing_if = "BTreeMap::is_empty", default)]
    pub schema_properties: BTreeMap<String, String>,
    /// Consumer properties.
    #[serde(skip_serializing_if = "BTreeMap::is_empty", default)]
    pub consumer_properties: BTreeMap<String, String>,
    /// Decryption.
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub crypto_spec: Option<CryptoSpec>,
    /// Pooled messages.
    #[serde(skip_serializing_if = "is_default", default)]
    pub pool_messages: bool,
}

/// `ProducerSpec`.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ProducerSpec {
    /// Pending messages.
    #[serde(skip_serializing_if = "is_default", default)]
    pub max_pending_messages: i32,
    /// Pending messages across partitions.
    #[serde(skip_serializing_if = "is_default", default)]
    pub max_pending_messages_across_partitions: i32,
    /// One producer per thread.
    #[serde(skip_serializing_if = "is_default", default)]
    pub use_thread_local_producers: bool,
    /// Encryption.
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub crypto_spec: Option<CryptoSpec>,
    /// Batch builder.
    #[serde(skip_serializing_if = "is_default", default)]
    pub batch_builder: String,
    /// Compression.
    #[serde(skip_serializing_if = "is_default", default)]
    pub compression_type: Compression,
}

/// `SourceSpec`: where a component reads from (a connector's class, or input topics).
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct SourceSpec {
    /// Source connector class.
    #[serde(skip_serializing_if = "is_default", default)]
    pub class_name: String,
    /// Connector config, as JSON text.
    #[serde(skip_serializing_if = "is_default", default)]
    pub configs: String,
    /// Subscription type.
    #[serde(skip_serializing_if = "is_default", default)]
    pub subscription_type: SubscriptionType,
    /// Input type class.
    #[serde(skip_serializing_if = "is_default", default)]
    pub type_class_name: String,
    /// Ack timeout.
    #[serde(skip_serializing_if = "is_default", default, with = "int64")]
    pub timeout_ms: u64,
    /// Built-in connector name.
    #[serde(skip_serializing_if = "is_default", default)]
    pub builtin: String,
    /// Subscription name.
    #[serde(skip_serializing_if = "is_default", default)]
    pub subscription_name: String,
    /// Input topics.
    #[serde(skip_serializing_if = "BTreeMap::is_empty", default)]
    pub input_specs: BTreeMap<String, ConsumerSpec>,
    /// Delete the subscription with the component.
    #[serde(skip_serializing_if = "is_default", default)]
    pub cleanup_subscription: bool,
    /// Initial position.
    #[serde(skip_serializing_if = "is_default", default)]
    pub subscription_position: Position,
    /// Negative-ack redelivery delay.
    #[serde(skip_serializing_if = "is_default", default, with = "int64")]
    pub negative_ack_redelivery_delay_ms: u64,
    /// Start from the latest message.
    #[serde(skip_serializing_if = "is_default", default)]
    pub skip_to_latest: bool,
}

/// `SinkSpec`: where a component writes to (a connector's class, or an output topic).
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct SinkSpec {
    /// Sink connector class.
    #[serde(skip_serializing_if = "is_default", default)]
    pub class_name: String,
    /// Connector config, as JSON text.
    #[serde(skip_serializing_if = "is_default", default)]
    pub configs: String,
    /// Output topic.
    #[serde(skip_serializing_if = "is_default", default)]
    pub topic: String,
    /// Output SerDe class.
    #[serde(skip_serializing_if = "is_default", default)]
    pub ser_de_class_name: String,
    /// Output type class.
    #[serde(skip_serializing_if = "is_default", default)]
    pub type_class_name: String,
    /// Built-in connector name.
    #[serde(skip_serializing_if = "is_default", default)]
    pub builtin: String,
    /// Output schema type.
    #[serde(skip_serializing_if = "is_default", default)]
    pub schema_type: String,
    /// Forward the input message's properties.
    #[serde(skip_serializing_if = "is_default", default)]
    pub forward_source_message_property: bool,
    /// Schema properties.
    #[serde(skip_serializing_if = "BTreeMap::is_empty", default)]
    pub schema_properties: BTreeMap<String, String>,
    /// Consumer properties.
    #[serde(skip_serializing_if = "BTreeMap::is_empty", default)]
    pub consumer_properties: BTreeMap<String, String>,
    /// Producer settings.
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub producer_spec: Option<ProducerSpec>,
}

/// `FunctionDetails`.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct FunctionDetails {
    /// Tenant.
    #[serde(skip_serializing_if = "is_default", default)]
    pub tenant: String,
    /// Namespace.
    #[serde(skip_serializing_if = "is_default", default)]
    pub namespace: String,
    /// Name.
    #[serde(skip_serializing_if = "is_default", default)]
    pub name: String,
    /// Class the instance runs.
    #[serde(skip_serializing_if = "is_default", default)]
    pub class_name: String,
    /// Log topic.
    #[serde(skip_serializing_if = "is_default", default)]
    pub log_topic: String,
    /// Processing guarantees.
    #[serde(skip_serializing_if = "is_default", default)]
    pub processing_guarantees: Guarantees,
    /// User config, as JSON text.
    #[serde(skip_serializing_if = "is_default", default)]
    pub user_config: String,
    /// Runtime.
    #[serde(skip_serializing_if = "is_default", default)]
    pub runtime: Runtime,
    /// Acknowledge automatically.
    #[serde(skip_serializing_if = "is_default", default)]
    pub auto_ack: bool,
    /// Instances.
    #[serde(skip_serializing_if = "is_default", default)]
    pub parallelism: i32,
    /// What it reads.
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub source: Option<SourceSpec>,
    /// What it writes.
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub sink: Option<SinkSpec>,
    /// Resources per instance.
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub resources: Option<Resources>,
    /// The package URL it was given.
    #[serde(skip_serializing_if = "is_default", default)]
    pub package_url: String,
    /// Retries and dead letters.
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub retry_details: Option<RetryDetails>,
    /// Secrets, as JSON text.
    #[serde(skip_serializing_if = "is_default", default)]
    pub secrets_map: String,
    /// Extra runtime flags.
    #[serde(skip_serializing_if = "is_default", default)]
    pub runtime_flags: String,
    /// Function, source or sink.
    #[serde(skip_serializing_if = "is_default", default)]
    pub component_type: ComponentType,
    /// The runtime options string, as given.
    #[serde(skip_serializing_if = "is_default", default)]
    pub custom_runtime_options: String,
    /// Built-in function name.
    #[serde(skip_serializing_if = "is_default", default)]
    pub builtin: String,
    /// Keep message order.
    #[serde(skip_serializing_if = "is_default", default)]
    pub retain_ordering: bool,
    /// Keep per-key order.
    #[serde(skip_serializing_if = "is_default", default)]
    pub retain_key_ordering: bool,
    /// Initial position.
    #[serde(skip_serializing_if = "is_default", default)]
    pub subscription_position: Position,
    /// Instance log level.
    #[serde(skip_serializing_if = "is_default", default)]
    pub log_level: String,
}

impl FunctionDetails {
    /// The compact JSON the instance is given.
    pub fn to_json(&self) -> String {
        // Only strings, numbers and maps with string keys: serializing cannot fail.
        serde_json::to_string(self).unwrap_or_default()
    }

    /// `tenant/namespace/name`.
    pub fn fqfn(&self) -> String {
        format!("{}/{}/{}", self.tenant, self.namespace, self.name)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn json_is_protobufs() {
        let d = FunctionDetails {
            tenant: "t".into(),
            name: "f".into(),
            auto_ack: true,
            parallelism: 2,
            component_type: ComponentType::Function,
            resources: Some(Resources {
                cpu: 1.0,
                ram: 1_073_741_824,
                disk: 10_737_418_240,
            }),
            source: Some(SourceSpec {
                timeout_ms: 5,
                subscription_type: SubscriptionType::Failover,
                ..SourceSpec::default()
            }),
            ..FunctionDetails::default()
        };
        assert_eq!(
            d.to_json(),
            r#"{"tenant":"t","name":"f","autoAck":true,"parallelism":2,"source":{"subscriptionType":"FAILOVER","timeoutMs":"5"},"resources":{"cpu":1.0,"ram":"1073741824","disk":"10737418240"},"componentType":"FUNCTION"}"#
        );
        let back: FunctionDetails = serde_json::from_str(&d.to_json()).unwrap();
        assert_eq!(back, d);
        let numbers: FunctionDetails =
            serde_json::from_str(r#"{"resources":{"ram":1000},"source":{"timeoutMs":"7"}}"#).unwrap();
        assert_eq!(numbers.resources.unwrap().ram, 1000);
        assert!(serde_json::from_str::<FunctionDetails>(r#"{"resources":{"ram":"x"}}"#).is_err());
    }
}

//! The enums of Pulsar's function and connector configs, spelled exactly as Pulsar's JSON.
//!
//! Pulsar turns an unknown enum string into `null`; mesh rejects it and names the allowed values.

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

/// `FunctionConfig.ProcessingGuarantees`: delivery semantics of a function, source or sink.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize, JsonSchema)]
pub enum ProcessingGuarantees {
    /// At least once (Pulsar's default).
    #[serde(rename = "ATLEAST_ONCE")]
    AtleastOnce,
    /// At most once.
    #[serde(rename = "ATMOST_ONCE")]
    AtmostOnce,
    /// Effectively once.
    #[serde(rename = "EFFECTIVELY_ONCE")]
    EffectivelyOnce,
    /// Acknowledged by the user code.
    #[serde(rename = "MANUAL")]
    Manual,
}

impl ProcessingGuarantees {
    /// Pulsar's JSON spelling (`ATLEAST_ONCE`).
    pub fn as_str(self) -> &'static str {
        match self {
            Self::AtleastOnce => "ATLEAST_ONCE",
            Self::AtmostOnce => "ATMOST_ONCE",
            Self::EffectivelyOnce => "EFFECTIVELY_ONCE",
            Self::Manual => "MANUAL",
        }
    }
}

/// `FunctionConfig.Runtime`: the language of a function.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize, JsonSchema)]
pub enum Runtime {
    /// Java (a jar or NAR).
    #[serde(rename = "JAVA")]
    Java,
    /// Python (a file, wheel or zip).
    #[serde(rename = "PYTHON")]
    Python,
    /// Go (an executable).
    #[serde(rename = "GO")]
    Go,
}

impl Runtime {
    /// Pulsar's JSON spelling (`JAVA`), also the key of `functionRunnerImages`.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Java => "JAVA",
            Self::Python => "PYTHON",
            Self::Go => "GO",
        }
    }
}

/// `SubscriptionInitialPosition` (mixed case, as Pulsar writes it).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize, JsonSchema)]
pub enum SubscriptionInitialPosition {
    /// Start from the newest message (Pulsar's default).
    Latest,
    /// Start from the oldest available message.
    Earliest,
}

/// `CompressionType` of a producer.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "UPPERCASE")]
pub enum CompressionType {
    /// No compression.
    None,
    /// LZ4 (Pulsar's default for function producers).
    Lz4,
    /// zlib.
    Zlib,
    /// Zstandard.
    Zstd,
    /// Snappy.
    Snappy,
}

/// `ConsumerCryptoFailureAction`: what a consumer does with a message it cannot decrypt.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "UPPERCASE")]
pub enum ConsumerCryptoFailureAction {
    /// Fail the receive.
    Fail,
    /// Drop the message.
    Discard,
    /// Deliver the encrypted message.
    Consume,
}

/// `ProducerCryptoFailureAction`: what a producer does when encryption fails.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "UPPERCASE")]
pub enum ProducerCryptoFailureAction {
    /// Fail the send.
    Fail,
    /// Send unencrypted.
    Send,
}

/// `WindowConfig.ProcessingGuarantees`: the guarantee a window function's executor applies.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize, JsonSchema)]
pub enum WindowProcessingGuarantees {
    /// At least once.
    #[serde(rename = "ATLEAST_ONCE")]
    AtleastOnce,
    /// At most once.
    #[serde(rename = "ATMOST_ONCE")]
    AtmostOnce,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn spelled_as_pulsar_spells_them() {
        let j = |v: &dyn erased::Ser| v.json();
        assert_eq!(j(&ProcessingGuarantees::AtleastOnce), "\"ATLEAST_ONCE\"");
        assert_eq!(j(&SubscriptionInitialPosition::Earliest), "\"Earliest\"");
        assert_eq!(j(&CompressionType::Lz4), "\"LZ4\"");
        assert_eq!(j(&ConsumerCryptoFailureAction::Discard), "\"DISCARD\"");
        assert_eq!(j(&WindowProcessingGuarantees::AtmostOnce), "\"ATMOST_ONCE\"");
        assert_eq!(j(&Runtime::Python), "\"PYTHON\"");
    }

    #[test]
    fn unknown_values_name_the_allowed_ones() {
        let err = serde_json::from_str::<ProcessingGuarantees>("\"FOO\"")
            .unwrap_err()
            .to_string();
        assert!(err.contains("unknown variant `FOO`"), "{err}");
        assert!(
            err.contains("`ATLEAST_ONCE`, `ATMOST_ONCE`, `EFFECTIVELY_ONCE`, `MANUAL`"),
            "{err}"
        );
        assert!(serde_json::from_str::<SubscriptionInitialPosition>("\"latest\"").is_err());
    }

    mod erased {
        pub trait Ser {
            fn json(&self) -> String;
        }
        impl<T: serde::Serialize> Ser for T {
            fn json(&self) -> String {
                serde_json::to_string(self).unwrap()
            }
        }
    }
}

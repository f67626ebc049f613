//! Inputs and outputs: consumer specs, producer settings, crypto, processing guarantees.

use std::collections::BTreeMap;

use crate::crd;
use crate::diag::{Diagnostics, join};
use crate::pulsar::{self, ProcessingGuarantees, SubscriptionInitialPosition};

use crate::text::non_empty;

/// Pulsar's guarantee as the CR spells it (`MANUAL` included, which the Java worker dropped).
pub(crate) fn guarantee(g: Option<ProcessingGuarantees>) -> Option<crd::ProcessingGuarantee> {
    g.map(|g| match g {
        ProcessingGuarantees::AtleastOnce => crd::ProcessingGuarantee::AtleastOnce,
        ProcessingGuarantees::AtmostOnce => crd::ProcessingGuarantee::AtmostOnce,
        ProcessingGuarantees::EffectivelyOnce => crd::ProcessingGuarantee::EffectivelyOnce,
        ProcessingGuarantees::Manual => crd::ProcessingGuarantee::Manual,
    })
}

/// `latest` unless the config says `Earliest`.
pub(crate) fn position(p: Option<SubscriptionInitialPosition>) -> crd::SubscriptionPosition {
    match p {
        Some(SubscriptionInitialPosition::Earliest) => crd::SubscriptionPosition::Earliest,
        _ => crd::SubscriptionPosition::Latest,
    }
}

/// A Pulsar crypto config as the CR holds it (config values that are not strings become JSON text).
pub(crate) fn crypto(path: &str, c: &pulsar::CryptoConfig, d: &mut Diagnostics) -> crd::CryptoConfig {
    let config = c.crypto_key_reader_config.as_ref().map(|m| {
        m.iter()
            .map(|(k, v)| {
                let text = match v {
                    serde_json::Value::String(s) => s.clone(),
                    other => {
                        d.warning(
                            join(&join(path, "cryptoKeyReaderConfig"), k),
                            "the CR holds key reader config values as strings; written as JSON text",
                        );
                        other.to_string()
                    }
                };
                (k.clone(), text)
            })
            .collect()
    });
    crd::CryptoConfig {
        crypto_key_reader_class_name: c.crypto_key_reader_class_name.clone(),
        crypto_key_reader_config: config,
        encryption_keys: c.encryption_keys.clone(),
        producer_crypto_failure_action: c
            .producer_crypto_failure_action
            .and_then(|a| serde_json::to_value(a).ok())
            .and_then(|v| v.as_str().map(str::to_owned)),
        consumer_crypto_failure_action: c
            .consumer_crypto_failure_action
            .and_then(|a| serde_json::to_value(a).ok())
            .and_then(|v| v.as_str().map(str::to_owned)),
        crypto_secrets: None,
    }
}

fn some_map(m: Option<&BTreeMap<String, String>>) -> Option<BTreeMap<String, String>> {
    m.filter(|m| !m.is_empty()).cloned()
}

/// One consumer spec from a Pulsar `ConsumerConfig` (schema type wins over a SerDe, as in Pulsar).
pub(crate) fn consumer(path: &str, c: &pulsar::ConsumerConfig, d: &mut Diagnostics) -> crd::ConsumerConfig {
    if c.pool_messages.is_some() {
        d.warning(
            join(path, "poolMessages"),
            "dropped: Function Mesh CRs have no field for it",
        );
    }
    if c.message_payload_processor_config.is_some() {
        d.warning(
            join(path, "messagePayloadProcessorConfig"),
            "dropped: Function Mesh CRs have no field for it",
        );
    }
    let schema = non_empty(c.schema_type.as_ref());
    crd::ConsumerConfig {
        schema_type: schema.map(str::to_owned),
        serde_classname: if schema.is_some() {
            None
        } else {
            non_empty(c.serde_class_name.as_ref()).map(str::to_owned)
        },
        is_regex_pattern: Some(c.regex_pattern.unwrap_or(false)),
        schema_properties: some_map(c.schema_properties.as_ref()),
        consumer_properties: some_map(c.consumer_properties.as_ref()),
        receiver_queue_size: c.receiver_queue_size,
        crypto_config: c
            .crypto_config
            .as_ref()
            .map(|x| crypto(&join(path, "cryptoConfig"), x, d)),
    }
}

/// The input specs Pulsar derives, in its order (later writers replace earlier ones):
/// plain inputs, the topics pattern, SerDe inputs, schema inputs, then `inputSpecs`.
pub(crate) struct InputSources<'a> {
    pub inputs: Option<&'a Vec<String>>,
    pub pattern: Option<&'a String>,
    pub serde: (&'a str, Option<&'a BTreeMap<String, String>>),
    pub schema: (&'a str, Option<&'a BTreeMap<String, String>>),
    /// Whether `schema` values are `ConsumerConfig` JSON (functions) or bare schema types (sinks).
    pub schema_is_json: bool,
    pub specs: Option<&'a BTreeMap<String, pulsar::ConsumerConfig>>,
}

pub(crate) fn source_specs(
    s: &InputSources<'_>,
    d: &mut Diagnostics,
) -> BTreeMap<String, crd::ConsumerConfig> {
    let plain = |regex: bool| crd::ConsumerConfig {
        is_regex_pattern: Some(regex),
        ..crd::ConsumerConfig::default()
    };
    let mut out = BTreeMap::new();
    for t in s.inputs.into_iter().flatten() {
        out.insert(t.clone(), plain(false));
    }
    if let Some(p) = s.pattern {
        out.insert(p.clone(), plain(true));
    }
    for (t, serde) in s.serde.1.into_iter().flatten() {
        let spec = crd::ConsumerConfig {
            serde_classname: Some(serde.clone()).filter(|s| !s.is_empty()),
            ..plain(false)
        };
        out.insert(t.clone(), spec);
    }
    for (t, v) in s.schema.1.into_iter().flatten() {
        let spec = if s.schema_is_json {
            match serde_json::from_str::<pulsar::ConsumerConfig>(v) {
                Ok(c) => crd::ConsumerConfig {
                    schema_type: non_empty(c.schema_type.as_ref()).map(str::to_owned),
                    schema_properties: some_map(c.schema_properties.as_ref()),
                    consumer_properties: some_map(c.consumer_properties.as_ref()),
                    ..plain(false)
                },
                // Reported by validation with Pulsar's message.
                Err(_) => continue,
            }
        } else {
            crd::ConsumerConfig {
                schema_type: Some(v.clone()).filter(|s| !s.is_empty()),
                ..plain(false)
            }
        };
        out.insert(t.clone(), spec);
    }
    for (t, c) in s.specs.into_iter().flatten() {
        out.insert(t.clone(), consumer(&join("inputSpecs", t), c, d));
    }
    out
}

/// `producerConf`: always present, as the worker service writes it, plus the compression and
/// crypto settings it used to drop.
pub(crate) fn producer(
    p: Option<&pulsar::ProducerConfig>,
    batch_builder: Option<&String>,
    d: &mut Diagnostics,
) -> crd::ProducerConfig {
    let default = pulsar::ProducerConfig::default();
    let p = p.unwrap_or(&default);
    if p.batching_config.is_some() {
        d.warning(
            "producerConfig.batchingConfig",
            "dropped: Function Mesh CRs have no field for it",
        );
    }
    crd::ProducerConfig {
        max_pending_messages: Some(p.max_pending_messages.unwrap_or(0)),
        max_pending_messages_across_partitions: Some(p.max_pending_messages_across_partitions.unwrap_or(0)),
        use_thread_local_producers: Some(p.use_thread_local_producers.unwrap_or(false)),
        crypto_config: p
            .crypto_config
            .as_ref()
            .map(|c| crypto("producerConfig.cryptoConfig", c, d)),
        batch_builder: non_empty(p.batch_builder.as_ref())
            .or(non_empty(batch_builder))
            .map(str::to_owned),
        compression_type: p.compression_type,
    }
}

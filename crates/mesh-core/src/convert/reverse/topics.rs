//! Inputs, outputs and their settings read back: subscriptions, delivery, producer, consumer
//! and crypto configs.

use std::collections::BTreeMap;

use serde::de::DeserializeOwned;
use serde_json::Value;

use crate::crd::{self, InputConf};
use crate::diag::{Diagnostics, join};
use crate::pulsar::{self, ProcessingGuarantees, SubscriptionInitialPosition};
use crate::text::non_empty;

/// A Pulsar enum from the CR's string, or a warning naming the value.
fn parse_enum<T: DeserializeOwned>(path: &str, value: Option<&String>, d: &mut Diagnostics) -> Option<T> {
    let v = value?;
    let parsed = serde_json::from_value(Value::String(v.clone())).ok();
    if parsed.is_none() {
        d.warning(path, format!("dropped: `{v}` is not a value Pulsar knows"));
    }
    parsed
}

/// The CR's guarantee as Pulsar spells it.
pub(super) fn guarantee(g: Option<crd::ProcessingGuarantee>) -> Option<ProcessingGuarantees> {
    g.map(|g| match g {
        crd::ProcessingGuarantee::AtleastOnce => ProcessingGuarantees::AtleastOnce,
        crd::ProcessingGuarantee::AtmostOnce => ProcessingGuarantees::AtmostOnce,
        crd::ProcessingGuarantee::EffectivelyOnce => ProcessingGuarantees::EffectivelyOnce,
        crd::ProcessingGuarantee::Manual => ProcessingGuarantees::Manual,
    })
}

/// The CR's subscription position as Pulsar spells it.
pub(super) fn position(p: Option<crd::SubscriptionPosition>) -> Option<SubscriptionInitialPosition> {
    p.map(|p| match p {
        crd::SubscriptionPosition::Latest => SubscriptionInitialPosition::Latest,
        crd::SubscriptionPosition::Earliest => SubscriptionInitialPosition::Earliest,
    })
}

/// A crypto config as Pulsar holds it.
fn crypto(path: &str, c: &crd::CryptoConfig, d: &mut Diagnostics) -> pulsar::CryptoConfig {
    if c.crypto_secrets.as_ref().is_some_and(|s| !s.is_empty()) {
        d.warning(
            join(path, "cryptoSecrets"),
            "dropped: a Pulsar config has no field for crypto secrets",
        );
    }
    pulsar::CryptoConfig {
        crypto_key_reader_class_name: c.crypto_key_reader_class_name.clone(),
        crypto_key_reader_config: c.crypto_key_reader_config.as_ref().map(|m| {
            m.iter()
                .map(|(k, v)| (k.clone(), Value::String(v.clone())))
                .collect()
        }),
        encryption_keys: c.encryption_keys.clone(),
        producer_crypto_failure_action: parse_enum(
            &join(path, "producerCryptoFailureAction"),
            c.producer_crypto_failure_action.as_ref(),
            d,
        ),
        consumer_crypto_failure_action: parse_enum(
            &join(path, "consumerCryptoFailureAction"),
            c.consumer_crypto_failure_action.as_ref(),
            d,
        ),
        ..pulsar::CryptoConfig::default()
    }
}

/// `producerConfig`, when the CR's differs from the defaults the forward direction writes.
pub(super) fn producer(
    path: &str,
    p: Option<&crd::ProducerConfig>,
    d: &mut Diagnostics,
) -> Option<pulsar::ProducerConfig> {
    let p = p?;
    let out = pulsar::ProducerConfig {
        max_pending_messages: p.max_pending_messages.filter(|n| *n != 0),
        max_pending_messages_across_partitions: p.max_pending_messages_across_partitions.filter(|n| *n != 0),
        use_thread_local_producers: p.use_thread_local_producers.filter(|u| *u),
        crypto_config: p
            .crypto_config
            .as_ref()
            .map(|c| crypto(&join(path, "cryptoConfig"), c, d)),
        batch_builder: non_empty(p.batch_builder.as_ref()).map(str::to_owned),
        compression_type: p.compression_type,
        ..pulsar::ProducerConfig::default()
    };
    (out != pulsar::ProducerConfig::default()).then_some(out)
}

fn consumer(path: &str, c: &crd::ConsumerConfig, d: &mut Diagnostics) -> pulsar::ConsumerConfig {
    pulsar::ConsumerConfig {
        schema_type: c.schema_type.clone(),
        serde_class_name: c.serde_classname.clone(),
        regex_pattern: c.is_regex_pattern.filter(|r| *r),
        schema_properties: c.schema_properties.clone(),
        consumer_properties: c.consumer_properties.clone(),
        receiver_queue_size: c.receiver_queue_size,
        crypto_config: c
            .crypto_config
            .as_ref()
            .map(|x| crypto(&join(path, "cryptoConfig"), x, d)),
        ..pulsar::ConsumerConfig::default()
    }
}

/// The inputs of a function or sink in Pulsar's terms.
pub(super) struct InputParts {
    /// Plain input topics.
    pub topics: Option<Vec<String>>,
    /// The topics pattern (a regex source spec with nothing else set).
    pub pattern: Option<String>,
    /// Every other source spec, keyed by topic or pattern.
    pub specs: Option<BTreeMap<String, pulsar::ConsumerConfig>>,
}

/// Splits `spec.input` back into `inputs`, `topicsPattern` and `inputSpecs`: a source spec that
/// only restates a plain input or the pattern is not repeated; SerDe and schema sources become
/// input specs (the same meaning, one place).
pub(super) fn inputs(input: &InputConf, d: &mut Diagnostics) -> InputParts {
    let topics = input.topics.clone().filter(|t| !t.is_empty());
    let mut pattern = non_empty(input.topic_pattern.as_ref()).map(str::to_owned);
    let mut specs: BTreeMap<String, pulsar::ConsumerConfig> = BTreeMap::new();
    for (t, serde) in input.custom_serde_sources.iter().flatten() {
        specs.entry(t.clone()).or_default().serde_class_name = Some(serde.clone());
    }
    for (t, schema) in input.custom_schema_sources.iter().flatten() {
        specs.entry(t.clone()).or_default().schema_type = Some(schema.clone());
    }
    for (t, spec) in input.source_specs.iter().flatten() {
        let plain = crd::ConsumerConfig {
            is_regex_pattern: spec.is_regex_pattern,
            ..crd::ConsumerConfig::default()
        } == *spec;
        let regex = spec.is_regex_pattern == Some(true);
        if plain && !specs.contains_key(t) {
            if !regex && topics.as_ref().is_some_and(|ts| ts.contains(t)) {
                continue;
            }
            if regex && pattern.as_ref().is_none_or(|p| p == t) {
                pattern = Some(t.clone());
                continue;
            }
        }
        let path = join("spec.input.sourceSpecs", t);
        specs.insert(t.clone(), consumer(&path, spec, d));
    }
    InputParts {
        topics,
        pattern,
        specs: (!specs.is_empty()).then_some(specs),
    }
}

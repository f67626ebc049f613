//! Pulsar's update merge (`validateUpdate`): what an update request makes of the stored config.
//!
//! An update names only what changes: present values replace the stored ones, resources merge
//! member by member, and what a running component cannot change (its inputs, guarantees,
//! ordering, runtime, subscription) is refused with Pulsar's messages. Unlike Pulsar, every
//! refusal is reported at once, each with its field path, and a sink update applies
//! `maxMessageRetries`, `deadLetterTopic` and `negativeAckRedeliveryDelayMs` instead of keeping
//! the stored values silently.
//!
//! ```
//! use mesh_core::pulsar::{FunctionConfig, update};
//!
//! let stored = FunctionConfig { name: Some("f".into()), parallelism: Some(1), ..Default::default() };
//! let change = FunctionConfig { name: Some("f".into()), parallelism: Some(3), ..Default::default() };
//! let merged = update::function(&stored, &change).unwrap();
//! assert_eq!(merged.parallelism, Some(3));
//! assert!(update::function(&stored, &stored).unwrap() == stored);
//! ```

use std::collections::BTreeMap;

use super::{
    ConsumerConfig, FunctionConfig, ProcessingGuarantees, Resources, Runtime, SinkConfig, SourceConfig,
};
use crate::diag::Diagnostics;

/// Pulsar's message when an update changes nothing.
pub const NO_CHANGE: &str = "Update contains no change";

fn non_empty(s: Option<&String>) -> Option<&String> {
    s.filter(|s| !s.is_empty())
}

/// Replaces `target` with `new` when `new` is a non-empty string.
fn replace_text(target: &mut Option<String>, new: Option<&String>) {
    if let Some(v) = non_empty(new) {
        *target = Some(v.clone());
    }
}

/// Replaces `target` with `new` when `new` is present.
fn replace<T: Clone>(target: &mut Option<T>, new: Option<&T>) {
    if let Some(v) = new {
        *target = Some(v.clone());
    }
}

/// Refuses a present `new` value that differs from the stored one (or its default).
fn fixed<T: PartialEq + Copy>(
    d: &mut Diagnostics,
    path: &str,
    message: &str,
    new: Option<T>,
    stored: Option<T>,
    default: T,
) {
    if let Some(n) = new
        && n != stored.unwrap_or(default)
    {
        d.error(path, message);
    }
}

/// `ResourceConfigUtils.merge`: the stored resources with each member the update gives replaced.
fn merge_resources(stored: Option<&Resources>, new: &Resources) -> Resources {
    let mut out = stored.cloned().unwrap_or_default();
    replace(&mut out.cpu, new.cpu.as_ref());
    replace(&mut out.ram, new.ram.as_ref());
    replace(&mut out.disk, new.disk.as_ref());
    out
}

fn identity(
    d: &mut Diagnostics,
    name_message: &str,
    stored: [Option<&String>; 3],
    new: [Option<&String>; 3],
) {
    let messages = ["Tenants differ", "Namespaces differ", name_message];
    let paths = ["tenant", "namespace", "name"];
    for i in 0..3 {
        if stored[i].map_or("", String::as_str) != new[i].map_or("", String::as_str) {
            d.error(paths[i], messages[i]);
        }
    }
}

/// The inputs of a config, folded into one map as Pulsar folds them: plain inputs, the
/// pattern, SerDe inputs, schema inputs, then `inputSpecs` (later ones replace earlier ones).
struct Inputs<'a> {
    plain: Option<&'a Vec<String>>,
    pattern: Option<&'a String>,
    serde: Option<&'a BTreeMap<String, String>>,
    schema: Option<&'a BTreeMap<String, String>>,
    specs: Option<&'a BTreeMap<String, ConsumerConfig>>,
}

impl Inputs<'_> {
    fn fold(&self) -> BTreeMap<String, ConsumerConfig> {
        let plain = |regex: bool| ConsumerConfig {
            regex_pattern: Some(regex),
            ..ConsumerConfig::default()
        };
        let mut out = BTreeMap::new();
        for t in self.plain.into_iter().flatten() {
            out.insert(t.clone(), plain(false));
        }
        if let Some(p) = non_empty(self.pattern) {
            out.insert(p.clone(), plain(true));
        }
        for (t, s) in self.serde.into_iter().flatten() {
            let spec = ConsumerConfig {
                serde_class_name: Some(s.clone()),
                ..plain(false)
            };
            out.insert(t.clone(), spec);
        }
        for (t, s) in self.schema.into_iter().flatten() {
            let spec = ConsumerConfig {
                schema_type: Some(s.clone()),
                ..plain(false)
            };
            out.insert(t.clone(), spec);
        }
        for (t, c) in self.specs.into_iter().flatten() {
            out.insert(t.clone(), c.clone());
        }
        out
    }
}

fn function_inputs(c: &FunctionConfig) -> Inputs<'_> {
    Inputs {
        plain: c.inputs.as_ref(),
        pattern: c.topics_pattern.as_ref(),
        serde: c.custom_serde_inputs.as_ref(),
        schema: c.custom_schema_inputs.as_ref(),
        specs: c.input_specs.as_ref(),
    }
}

fn sink_inputs(c: &SinkConfig) -> Inputs<'_> {
    Inputs {
        plain: c.inputs.as_ref(),
        pattern: c.topics_pattern.as_ref(),
        serde: c.topic_to_serde_class_name.as_ref(),
        schema: c.topic_to_schema_type.as_ref(),
        specs: c.input_specs.as_ref(),
    }
}

/// Checks the update's inputs against the stored ones and returns the specs that change:
/// every topic must exist already, with the same regex flag.
fn merge_inputs(
    d: &mut Diagnostics,
    stored: &Inputs<'_>,
    new: &Inputs<'_>,
) -> BTreeMap<String, ConsumerConfig> {
    let stored = stored.fold();
    let mut changed = BTreeMap::new();
    for (topic, spec) in new.fold() {
        let Some(old) = stored.get(&topic) else {
            d.error(format!("inputs.{topic}"), "Input Topics cannot be altered");
            continue;
        };
        if spec.regex_pattern.unwrap_or(false) != old.regex_pattern.unwrap_or(false) {
            d.error(
                format!("inputs.{topic}"),
                format!("isRegexPattern for input topic {topic} cannot be altered"),
            );
            continue;
        }
        if spec != *old {
            changed.insert(topic, spec);
        }
    }
    changed
}

fn add_specs(
    target: &mut Option<BTreeMap<String, ConsumerConfig>>,
    changed: BTreeMap<String, ConsumerConfig>,
) {
    if !changed.is_empty() {
        target.get_or_insert_with(BTreeMap::new).extend(changed);
    }
}

/// What every kind merges alike: the identity must match, the guarantee cannot change, and the
/// class, secrets, parallelism, resources (member by member), runtime flags and options and the
/// log settings are replaced when given.
macro_rules! merge_shared {
    ($d:expr, $m:expr, $stored:expr, $new:expr, $names_differ:expr) => {{
        identity(
            $d,
            $names_differ,
            [
                $stored.tenant.as_ref(),
                $stored.namespace.as_ref(),
                $stored.name.as_ref(),
            ],
            [$new.tenant.as_ref(), $new.namespace.as_ref(), $new.name.as_ref()],
        );
        fixed(
            $d,
            "processingGuarantees",
            "Processing Guarantees cannot be altered",
            $new.processing_guarantees,
            $stored.processing_guarantees,
            ProcessingGuarantees::AtleastOnce,
        );
        replace_text(&mut $m.class_name, $new.class_name.as_ref());
        replace(&mut $m.secrets, $new.secrets.as_ref());
        replace(&mut $m.parallelism, $new.parallelism.as_ref());
        if let Some(r) = &$new.resources {
            $m.resources = Some(merge_resources($stored.resources.as_ref(), r));
        }
        replace_text(&mut $m.runtime_flags, $new.runtime_flags.as_ref());
        replace_text(
            &mut $m.custom_runtime_options,
            $new.custom_runtime_options.as_ref(),
        );
        replace_text(&mut $m.log_topic, $new.log_topic.as_ref());
        replace_text(&mut $m.log_level, $new.log_level.as_ref());
    }};
}

/// What functions and sinks merge alike: the ordering and acknowledgement cannot change, and the
/// timeout and subscription cleanup are replaced when given.
macro_rules! merge_consumer {
    ($d:expr, $m:expr, $stored:expr, $new:expr) => {{
        fixed(
            $d,
            "retainOrdering",
            "Retain Ordering cannot be altered",
            $new.retain_ordering,
            $stored.retain_ordering,
            false,
        );
        fixed(
            $d,
            "retainKeyOrdering",
            "Retain Key Ordering cannot be altered",
            $new.retain_key_ordering,
            $stored.retain_key_ordering,
            false,
        );
        fixed(
            $d,
            "autoAck",
            "AutoAck cannot be altered",
            $new.auto_ack,
            $stored.auto_ack,
            true,
        );
        replace(&mut $m.timeout_ms, $new.timeout_ms.as_ref());
        replace(&mut $m.cleanup_subscription, $new.cleanup_subscription.as_ref());
        replace(&mut $m.max_message_retries, $new.max_message_retries.as_ref());
        replace_text(&mut $m.dead_letter_topic, $new.dead_letter_topic.as_ref());
    }};
}

/// `FunctionConfigUtils.validateUpdate`: `stored` with the update `new` merged in, or every
/// reason the update is refused.
pub fn function(stored: &FunctionConfig, new: &FunctionConfig) -> Result<FunctionConfig, Diagnostics> {
    let mut d = Diagnostics::new();
    let mut m = stored.clone();
    merge_shared!(&mut d, m, stored, new, "Function Names differ");
    merge_consumer!(&mut d, m, stored, new);
    replace_text(&mut m.jar, new.jar.as_ref());
    let changed = merge_inputs(&mut d, &function_inputs(stored), &function_inputs(new));
    add_specs(&mut m.input_specs, changed);
    if let Some(s) = non_empty(new.output_serde_class_name.as_ref())
        && Some(s) != stored.output_serde_class_name.as_ref()
    {
        d.error("outputSerdeClassName", "Output Serde mismatch");
    }
    if let Some(s) = non_empty(new.output_schema_type.as_ref())
        && Some(s) != stored.output_schema_type.as_ref()
    {
        d.error("outputSchemaType", "Output Schema mismatch");
    }
    fixed(
        &mut d,
        "runtime",
        "Runtime cannot be altered",
        new.runtime,
        stored.runtime,
        Runtime::Java,
    );
    if let Some(s) = non_empty(new.sub_name.as_ref())
        && Some(s) != stored.sub_name.as_ref()
    {
        d.error("subName", "Subscription Name cannot be altered");
    }
    replace_text(&mut m.output, new.output.as_ref());
    replace(&mut m.user_config, new.user_config.as_ref());
    replace(&mut m.window_config, new.window_config.as_ref());
    replace(&mut m.producer_config, new.producer_config.as_ref());
    if d.has_errors() { Err(d) } else { Ok(m) }
}

/// `SourceConfigUtils.validateUpdate`: `stored` with the update `new` merged in, or every
/// reason the update is refused.
pub fn source(stored: &SourceConfig, new: &SourceConfig) -> Result<SourceConfig, Diagnostics> {
    let mut d = Diagnostics::new();
    let mut m = stored.clone();
    // Pulsar's own wording, "Function" for sources too.
    merge_shared!(&mut d, m, stored, new, "Function Names differ");
    replace_text(&mut m.topic_name, new.topic_name.as_ref());
    replace_text(&mut m.serde_class_name, new.serde_class_name.as_ref());
    replace_text(&mut m.schema_type, new.schema_type.as_ref());
    replace(&mut m.configs, new.configs.as_ref());
    replace_text(&mut m.archive, new.archive.as_ref());
    if let Some(batch) = &new.batch_source_config {
        match &stored.batch_source_config {
            None => d.error(
                "batchSourceConfig",
                "Sources cannot be update between regular sources and batchsource",
            ),
            Some(old) if old.discovery_triggerer_class_name != batch.discovery_triggerer_class_name => d
                .error(
                    "batchSourceConfig.discoveryTriggererClassName",
                    "DiscoverTriggerer class cannot be updated for batchsources",
                ),
            Some(_) => m.batch_source_config = Some(batch.clone()),
        }
    }
    replace(&mut m.producer_config, new.producer_config.as_ref());
    if d.has_errors() { Err(d) } else { Ok(m) }
}

/// `SinkConfigUtils.validateUpdate`: `stored` with the update `new` merged in, or every reason
/// the update is refused. Unlike Pulsar, `maxMessageRetries`, `deadLetterTopic` and
/// `negativeAckRedeliveryDelayMs` are applied: Pulsar keeps the stored values silently.
pub fn sink(stored: &SinkConfig, new: &SinkConfig) -> Result<SinkConfig, Diagnostics> {
    let mut d = Diagnostics::new();
    let mut m = stored.clone();
    merge_shared!(&mut d, m, stored, new, "Sink Names differ");
    if let Some(s) = non_empty(new.source_subscription_name.as_ref())
        && Some(s) != stored.source_subscription_name.as_ref()
    {
        d.error("sourceSubscriptionName", "Subscription Name cannot be altered");
    }
    let changed = merge_inputs(&mut d, &sink_inputs(stored), &sink_inputs(new));
    add_specs(&mut m.input_specs, changed);
    merge_consumer!(&mut d, m, stored, new);
    replace(&mut m.configs, new.configs.as_ref());
    replace_text(&mut m.archive, new.archive.as_ref());
    replace(&mut m.transform_function, new.transform_function.as_ref());
    replace(
        &mut m.transform_function_class_name,
        new.transform_function_class_name.as_ref(),
    );
    replace(
        &mut m.transform_function_config,
        new.transform_function_config.as_ref(),
    );
    replace(
        &mut m.source_subscription_position,
        new.source_subscription_position.as_ref(),
    );
    replace(
        &mut m.negative_ack_redelivery_delay_ms,
        new.negative_ack_redelivery_delay_ms.as_ref(),
    );
    if d.has_errors() { Err(d) } else { Ok(m) }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::pulsar::BatchSourceConfig;

    fn named(name: &str) -> FunctionConfig {
        FunctionConfig {
            tenant: Some("t".into()),
            namespace: Some("n".into()),
            name: Some(name.into()),
            ..FunctionConfig::default()
        }
    }

    fn stored_function() -> FunctionConfig {
        FunctionConfig {
            inputs: Some(vec!["in".into()]),
            topics_pattern: Some("persistent://t/n/p.*".into()),
            output: Some("out".into()),
            runtime: Some(Runtime::Java),
            parallelism: Some(1),
            resources: Some(Resources {
                cpu: Some(1.0),
                ram: Some(1024),
                ..Resources::default()
            }),
            ..named("f")
        }
    }

    #[test]
    fn present_values_replace_and_resources_merge() {
        let new = FunctionConfig {
            parallelism: Some(4),
            output: Some("out2".into()),
            inputs: Some(vec!["in".into()]),
            resources: Some(Resources {
                ram: Some(2048),
                ..Resources::default()
            }),
            ..named("f")
        };
        let m = function(&stored_function(), &new).unwrap();
        assert_eq!(m.parallelism, Some(4));
        assert_eq!(m.output.as_deref(), Some("out2"));
        let r = m.resources.unwrap();
        assert_eq!((r.cpu, r.ram), (Some(1.0), Some(2048)));
        // The same input again changes nothing.
        assert_eq!(m.input_specs, None);
    }

    #[test]
    fn every_refusal_is_reported_with_pulsar_messages() {
        let new = FunctionConfig {
            inputs: Some(vec!["other".into()]),
            custom_serde_inputs: Some(BTreeMap::from([(
                "persistent://t/n/p.*".to_owned(),
                "S".to_owned(),
            )])),
            processing_guarantees: Some(ProcessingGuarantees::EffectivelyOnce),
            retain_ordering: Some(true),
            runtime: Some(Runtime::Python),
            auto_ack: Some(false),
            sub_name: Some("sub".into()),
            output_serde_class_name: Some("X".into()),
            ..named("g")
        };
        let d = function(&stored_function(), &new).unwrap_err();
        let messages: Vec<_> = d.errors().map(|e| e.message.as_str()).collect();
        assert_eq!(
            messages,
            [
                "Function Names differ",
                "Processing Guarantees cannot be altered",
                "Retain Ordering cannot be altered",
                "AutoAck cannot be altered",
                "Input Topics cannot be altered",
                "isRegexPattern for input topic persistent://t/n/p.* cannot be altered",
                "Output Serde mismatch",
                "Runtime cannot be altered",
                "Subscription Name cannot be altered",
            ]
        );
    }

    #[test]
    fn defaults_count_as_the_stored_value() {
        let stored = named("f");
        let new = FunctionConfig {
            processing_guarantees: Some(ProcessingGuarantees::AtleastOnce),
            auto_ack: Some(true),
            retain_ordering: Some(false),
            ..named("f")
        };
        assert_eq!(function(&stored, &new).unwrap(), stored);
    }

    #[test]
    fn a_changed_input_spec_is_merged() {
        let new = FunctionConfig {
            custom_serde_inputs: Some(BTreeMap::from([("in".to_owned(), "S".to_owned())])),
            ..named("f")
        };
        let m = function(&stored_function(), &new).unwrap();
        let spec = &m.input_specs.unwrap()["in"];
        assert_eq!(spec.serde_class_name.as_deref(), Some("S"));
    }

    #[test]
    fn sources_guard_batch_switches_and_triggerers() {
        let batch = |class: &str| BatchSourceConfig {
            discovery_triggerer_class_name: Some(class.into()),
            ..BatchSourceConfig::default()
        };
        let plain = SourceConfig {
            name: Some("s".into()),
            ..SourceConfig::default()
        };
        let to_batch = SourceConfig {
            batch_source_config: Some(batch("A")),
            ..plain.clone()
        };
        let d = source(&plain, &to_batch).unwrap_err();
        assert_eq!(
            d.errors().next().unwrap().message,
            "Sources cannot be update between regular sources and batchsource"
        );
        let other = SourceConfig {
            batch_source_config: Some(batch("B")),
            ..plain.clone()
        };
        let d = source(&to_batch, &other).unwrap_err();
        assert_eq!(
            d.errors().next().unwrap().message,
            "DiscoverTriggerer class cannot be updated for batchsources"
        );
        let more = SourceConfig {
            parallelism: Some(2),
            topic_name: Some("t2".into()),
            ..plain.clone()
        };
        let m = source(&to_batch, &more).unwrap();
        assert_eq!((m.parallelism, m.topic_name.as_deref()), (Some(2), Some("t2")));
        assert!(m.batch_source_config.is_some());
    }

    #[test]
    fn sinks_apply_retries_and_dead_letters() {
        let stored = SinkConfig {
            name: Some("k".into()),
            inputs: Some(vec!["in".into()]),
            max_message_retries: Some(1),
            ..SinkConfig::default()
        };
        let new = SinkConfig {
            name: Some("k".into()),
            max_message_retries: Some(5),
            dead_letter_topic: Some("dlq".into()),
            ..SinkConfig::default()
        };
        let m = sink(&stored, &new).unwrap();
        assert_eq!(m.max_message_retries, Some(5));
        assert_eq!(m.dead_letter_topic.as_deref(), Some("dlq"));
        let renamed = SinkConfig {
            name: Some("other".into()),
            source_subscription_name: Some("s".into()),
            inputs: Some(vec!["x".into()]),
            ..SinkConfig::default()
        };
        let messages: Vec<_> = sink(&stored, &renamed)
            .unwrap_err()
            .errors()
            .map(|e| e.message.clone())
            .collect();
        assert_eq!(
            messages,
            [
                "Sink Names differ",
                "Subscription Name cannot be altered",
                "Input Topics cannot be altered"
            ]
        );
    }
}

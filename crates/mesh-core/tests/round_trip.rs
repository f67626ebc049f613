//! Round trips, proven on generated configs (1,000 cases per kind):
//! * config -> CR -> config gives back every field the CR carries (the fields that cannot survive
//!   are listed in docs/compatibility.md, and checked here to be the only differences);
//! * CR -> config -> CR is the identity for CRs mesh produces, secrets included;
//! * a second get/update cycle changes nothing (the reverse is a fixed point).

#![allow(clippy::unwrap_used, clippy::expect_used)]

mod support;

use std::cell::Cell;

use mesh_core::convert::{self, Context, reverse};
use mesh_core::pulsar::{
    ConsumerConfig, FunctionConfig, ProducerConfig, Resources, SinkConfig, SourceConfig,
    SubscriptionInitialPosition,
};
use mesh_core::worker::{CustomRuntimeOptions, WorkerConfig};
use proptest::prelude::*;
use proptest::test_runner::{Config, FileFailurePersistence, TestRunner};
use support::configs::{catalogue, rich_function_config, rich_sink_config, rich_source_config, worker};

const CASES: u32 = 1000;

fn runner() -> TestRunner {
    TestRunner::new(Config {
        cases: CASES,
        failure_persistence: Some(Box::new(FileFailurePersistence::WithSource("regressions"))),
        ..Config::default()
    })
}

fn options(text: Option<&String>) -> CustomRuntimeOptions {
    CustomRuntimeOptions::parse(text.map(String::as_str), "customRuntimeOptions").unwrap()
}

fn merged_resources(w: &WorkerConfig, r: Option<&Resources>) -> (Option<f64>, Option<i64>) {
    let m = Resources::merge_with_default(w.custom().default_resources.as_ref(), r);
    (
        m.cpu.or(Some(Resources::DEFAULT_CPU)),
        m.ram.or(Some(Resources::DEFAULT_RAM)),
    )
}

/// What survives of the runtime options: env, the log level (as the CR spells it), the rotation
/// policy and `maxReplicas` when it is above the parallelism (else it had no effect).
fn check_options(
    sent: Option<&String>,
    back: Option<&String>,
    parallelism: i32,
) -> Result<(), TestCaseError> {
    let (sent, back) = (options(sent), options(back));
    for (k, v) in sent.env.iter().flatten() {
        prop_assert_eq!(back.env.as_ref().and_then(|e| e.get(k)), Some(v), "env {}", k);
    }
    prop_assert_eq!(
        back.log_level.clone(),
        sent.log_level.as_ref().map(|l| l.to_lowercase()),
        "logLevel"
    );
    let max = sent.max_replicas().max(0);
    prop_assert_eq!(back.max_replicas(), if max > parallelism { max } else { 0 });
    prop_assert_eq!(back.managed, Some(true));
    Ok(())
}

/// Input specs: every spec the user gave comes back with its settings, under its topic.
fn check_specs(
    sent: Option<&std::collections::BTreeMap<String, ConsumerConfig>>,
    back: Option<&std::collections::BTreeMap<String, ConsumerConfig>>,
    inputs: Option<&Vec<String>>,
    pattern: Option<&String>,
) -> Result<(), TestCaseError> {
    for (t, s) in sent.into_iter().flatten() {
        let got = back.and_then(|b| b.get(t));
        let plain = ConsumerConfig {
            regex_pattern: s.regex_pattern,
            ..ConsumerConfig::default()
        } == *s;
        if got.is_none() && plain {
            // A spec that says nothing comes back as a plain input or the pattern.
            let absorbed = if s.regex_pattern == Some(true) {
                pattern == Some(t)
            } else {
                inputs.is_some_and(|i| i.contains(t))
            };
            prop_assert!(absorbed, "plain spec {} lost", t);
            continue;
        }
        let got = got.ok_or_else(|| TestCaseError::fail(format!("input spec {t} lost")))?;
        prop_assert_eq!(&got.schema_type, &s.schema_type, "schemaType of {}", t);
        if s.schema_type.is_none() {
            prop_assert_eq!(&got.serde_class_name, &s.serde_class_name, "serde of {}", t);
        }
        prop_assert_eq!(got.receiver_queue_size, s.receiver_queue_size);
        prop_assert_eq!(&got.consumer_properties, &s.consumer_properties);
        prop_assert_eq!(
            got.regex_pattern.unwrap_or(false),
            s.regex_pattern.unwrap_or(false)
        );
    }
    Ok(())
}

fn check_producer(sent: Option<&ProducerConfig>, back: Option<&ProducerConfig>) -> Result<(), TestCaseError> {
    let (s, b) = (
        sent.cloned().unwrap_or_default(),
        back.cloned().unwrap_or_default(),
    );
    prop_assert_eq!(s.max_pending_messages.filter(|m| *m != 0), b.max_pending_messages);
    prop_assert_eq!(s.batch_builder, b.batch_builder);
    prop_assert_eq!(s.compression_type, b.compression_type);
    prop_assert_eq!(
        s.use_thread_local_producers.filter(|u| *u),
        b.use_thread_local_producers
    );
    Ok(())
}

fn report(kind: &str, converted: u32) {
    eprintln!("{kind}: {converted} of {CASES} generated configs converted and round-tripped");
    assert!(
        converted >= CASES / 5,
        "only {converted} of {CASES} generated {kind} configs converted; the generator is too wild"
    );
}

/// Converts every generated config that passes, reads the CR back, converts that again and
/// reads it back again: the CR and its secrets must not change, the reversed config must be a
/// fixed point, and `check(sent, back, worker)` must hold.
fn cycle<C, R>(
    kind: &str,
    configs: impl Strategy<Value = serde_json::Value>,
    forward: fn(C, &Context<'_>) -> convert::Outcome<R>,
    backward: fn(&R, &Context<'_>) -> reverse::ReverseOutcome<C>,
    check: fn(&C, &C, &WorkerConfig) -> Result<(), TestCaseError>,
) where
    C: serde::de::DeserializeOwned + Clone + PartialEq + std::fmt::Debug,
    R: PartialEq + std::fmt::Debug,
{
    let (w, cat) = (worker(), catalogue());
    let ctx = Context {
        catalogue: Some(&cat),
        ..Context::new(&w)
    };
    let converted = Cell::new(0);
    runner()
        .run(&configs, |v| {
            let sent: C = serde_json::from_value(v).unwrap();
            let Ok(first) = forward(sent.clone(), &ctx) else {
                return Ok(());
            };
            converted.set(converted.get() + 1);
            let back = backward(&first.resource, &ctx).unwrap();
            prop_assert!(!back.warnings.has_errors());
            let again = forward(back.config.clone(), &ctx)
                .map_err(|d| TestCaseError::fail(format!("the reversed config does not convert:\n{d}")))?;
            prop_assert_eq!(&again.resource, &first.resource);
            prop_assert_eq!(&again.secrets, &first.secrets);
            prop_assert_eq!(&backward(&again.resource, &ctx).unwrap().config, &back.config);
            check(&sent, &back.config, &w)
        })
        .unwrap();
    report(kind, converted.get());
}

#[test]
fn functions_round_trip() {
    cycle(
        "function",
        rich_function_config(),
        convert::function,
        reverse::function,
        function_fields,
    );
}

#[test]
fn sinks_round_trip() {
    cycle(
        "sink",
        rich_sink_config(),
        convert::sink,
        reverse::sink,
        sink_fields,
    );
}

#[test]
fn sources_round_trip() {
    cycle(
        "source",
        rich_source_config(),
        convert::source,
        reverse::source,
        source_fields,
    );
}

/// Every function field the CR carries comes back.
fn function_fields(sent: &FunctionConfig, b: &FunctionConfig, w: &WorkerConfig) -> Result<(), TestCaseError> {
    let s = sent.infer_missing(true);

    prop_assert_eq!(
        (&b.tenant, &b.namespace, &b.name),
        (&s.tenant, &s.namespace, &s.name)
    );
    prop_assert_eq!(&b.class_name, &s.class_name);
    prop_assert_eq!(&b.inputs, &s.inputs.clone().filter(|i| !i.is_empty()));
    if let Some(p) = &s.topics_pattern {
        let as_spec = b
            .input_specs
            .as_ref()
            .and_then(|m| m.get(p))
            .is_some_and(|c| c.regex_pattern == Some(true));
        prop_assert!(b.topics_pattern.as_ref() == Some(p) || as_spec, "pattern lost");
    }
    check_specs(
        s.input_specs.as_ref(),
        b.input_specs.as_ref(),
        b.inputs.as_ref(),
        b.topics_pattern.as_ref(),
    )?;
    for (t, serde) in s.custom_serde_inputs.iter().flatten() {
        if s.input_specs.as_ref().is_none_or(|m| !m.contains_key(t)) {
            let got = b.input_specs.as_ref().and_then(|m| m.get(t));
            prop_assert_eq!(got.and_then(|c| c.serde_class_name.as_ref()), Some(serde));
        }
    }
    prop_assert_eq!(&b.output, &s.output);
    prop_assert_eq!(&b.output_schema_type, &s.output_schema_type);
    prop_assert_eq!(&b.log_topic, &s.log_topic);
    check_producer(s.producer_config.as_ref(), b.producer_config.as_ref())?;
    prop_assert_eq!(b.processing_guarantees, s.processing_guarantees);
    prop_assert_eq!(b.retain_ordering, Some(s.retain_ordering.unwrap_or(false)));
    prop_assert_eq!(
        b.retain_key_ordering,
        Some(s.retain_key_ordering.unwrap_or(false))
    );
    prop_assert_eq!(b.auto_ack, Some(s.auto_ack.unwrap_or(true)));
    prop_assert_eq!(
        b.cleanup_subscription,
        Some(s.cleanup_subscription.unwrap_or(true))
    );
    prop_assert_eq!(
        b.forward_source_message_property,
        Some(s.forward_source_message_property != Some(false))
    );
    prop_assert_eq!(&b.user_config, &Some(s.user_config.clone().unwrap_or_default()));
    prop_assert_eq!(&b.secrets, &s.secrets);
    prop_assert_eq!(b.runtime, s.runtime);
    prop_assert_eq!((&b.jar, &b.py, &b.go), (&s.jar, &s.py, &s.go));
    let parallelism = s.parallelism.unwrap_or(1);
    prop_assert_eq!(b.parallelism, Some(parallelism));
    let r = b.resources.clone().unwrap();
    prop_assert_eq!((r.cpu, r.ram), merged_resources(w, s.resources.as_ref()));
    prop_assert_eq!(
        s.window_config
            .as_ref()
            .map(|x| (x.window_length_count, x.sliding_interval_count)),
        b.window_config
            .as_ref()
            .map(|x| (x.window_length_count, x.sliding_interval_count))
    );
    prop_assert_eq!(b.timeout_ms, s.timeout_ms.filter(|t| *t != 0));
    let retries = s.max_message_retries.filter(|r| *r >= 0);
    prop_assert_eq!(b.max_message_retries, retries);
    prop_assert_eq!(&b.dead_letter_topic, &retries.and(s.dead_letter_topic.clone()));
    prop_assert_eq!(&b.sub_name, &s.sub_name);
    prop_assert_eq!(
        b.subscription_position,
        Some(
            s.subscription_position
                .unwrap_or(SubscriptionInitialPosition::Latest)
        )
    );
    prop_assert_eq!(b.max_pending_async_requests, sent.max_pending_async_requests);
    prop_assert_eq!(b.skip_to_latest, s.skip_to_latest);
    check_options(
        s.custom_runtime_options.as_ref(),
        b.custom_runtime_options.as_ref(),
        parallelism,
    )?;
    Ok(())
}

/// Every sink field the CR carries comes back.
fn sink_fields(sent: &SinkConfig, b: &SinkConfig, w: &WorkerConfig) -> Result<(), TestCaseError> {
    let s = sent.infer_missing();

    prop_assert_eq!(
        (&b.tenant, &b.namespace, &b.name),
        (&s.tenant, &s.namespace, &s.name)
    );
    prop_assert_eq!(&b.archive, &s.archive);
    prop_assert_eq!(&b.class_name, &s.class_name);
    prop_assert_eq!(&b.inputs, &s.inputs.clone().filter(|i| !i.is_empty()));
    check_specs(
        s.input_specs.as_ref(),
        b.input_specs.as_ref(),
        b.inputs.as_ref(),
        b.topics_pattern.as_ref(),
    )?;
    prop_assert_eq!(&b.configs, &Some(s.configs.clone().unwrap_or_default()));
    prop_assert_eq!(&b.secrets, &s.secrets);
    prop_assert_eq!(b.processing_guarantees, s.processing_guarantees);
    let parallelism = s.parallelism.unwrap_or(1);
    prop_assert_eq!(b.parallelism, Some(parallelism));
    let r = b.resources.clone().unwrap();
    prop_assert_eq!((r.cpu, r.ram), merged_resources(w, s.resources.as_ref()));
    prop_assert_eq!(b.timeout_ms, s.timeout_ms.filter(|t| *t != 0));
    prop_assert_eq!(
        b.negative_ack_redelivery_delay_ms,
        s.negative_ack_redelivery_delay_ms.filter(|t| *t > 0)
    );
    prop_assert_eq!(&b.source_subscription_name, &s.source_subscription_name);
    prop_assert_eq!(
        b.retain_key_ordering,
        Some(s.retain_key_ordering.unwrap_or(false))
    );
    prop_assert_eq!(b.auto_ack, Some(s.auto_ack.unwrap_or(true)));
    prop_assert_eq!(&b.log_topic, &s.log_topic);
    check_options(
        s.custom_runtime_options.as_ref(),
        b.custom_runtime_options.as_ref(),
        parallelism,
    )?;
    Ok(())
}

/// Every source field the CR carries comes back.
fn source_fields(sent: &SourceConfig, b: &SourceConfig, w: &WorkerConfig) -> Result<(), TestCaseError> {
    let s = sent.infer_missing();

    prop_assert_eq!(
        (&b.tenant, &b.namespace, &b.name),
        (&s.tenant, &s.namespace, &s.name)
    );
    prop_assert_eq!(&b.archive, &s.archive);
    prop_assert_eq!(&b.class_name, &s.class_name);
    prop_assert_eq!(&b.topic_name, &s.topic_name);
    check_producer(s.producer_config.as_ref(), b.producer_config.as_ref())?;
    if s.schema_type.is_some() || s.serde_class_name.is_some() {
        prop_assert_eq!(&b.schema_type, &s.schema_type);
    }
    prop_assert_eq!(&b.configs, &Some(s.configs.clone().unwrap_or_default()));
    prop_assert_eq!(b.processing_guarantees, s.processing_guarantees);
    let parallelism = s.parallelism.unwrap_or(1);
    prop_assert_eq!(b.parallelism, Some(parallelism));
    let r = b.resources.clone().unwrap();
    prop_assert_eq!((r.cpu, r.ram), merged_resources(w, s.resources.as_ref()));
    prop_assert_eq!(
        b.batch_source_config
            .as_ref()
            .map(|x| x.discovery_triggerer_class_name.clone()),
        s.batch_source_config
            .as_ref()
            .map(|x| x.discovery_triggerer_class_name.clone().or(Some(String::new())))
    );
    prop_assert_eq!(&b.log_topic, &s.log_topic);
    check_options(
        s.custom_runtime_options.as_ref(),
        b.custom_runtime_options.as_ref(),
        parallelism,
    )?;
    Ok(())
}

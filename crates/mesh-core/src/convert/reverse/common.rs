//! What every kind reads back the same way: identity, runtime options, resources, secrets,
//! inputs, producer and consumer settings.

use std::collections::BTreeMap;

use k8s_openapi::api::core::v1::ResourceRequirements;
use k8s_openapi::apimachinery::pkg::apis::meta::v1::ObjectMeta;
use serde::Serialize;
use serde::de::DeserializeOwned;
use serde_json::Value;

use crate::convert::Context;
use crate::convert::{CPU_RULES, MANAGED_ANNOTATION, MEMORY_RULES, with_tag};
use crate::crd::{self, ComponentSpec, InputConf, PodPolicy, RuntimeLogConfig, SecretRef};
use crate::diag::{Diagnostics, join};
use crate::identity::Claim;
use crate::pulsar::{self, ProcessingGuarantees, Resources, SubscriptionInitialPosition};
use crate::quantity;
use crate::text::non_empty;
use crate::worker::{
    CustomConfig, CustomRuntimeOptions, HpaSpec, VpaContainerPolicy, VpaSpec, VpaUpdatePolicy,
};

/// Tenant, namespace and name of a component.
pub(super) struct Identity {
    pub tenant: Option<String>,
    pub namespace: Option<String>,
    pub name: Option<String>,
}

/// The Pulsar identity: the reserved labels (`compute.functionmesh.io/pulsar-*`, then the legacy
/// `pulsar-*`), then the spec's fields. The Java worker left the hashed object name in
/// `spec.name`, so the labels must win.
pub(super) fn identity<S: ComponentSpec>(meta: &ObjectMeta, spec: &S, d: &mut Diagnostics) -> Identity {
    let label = |claim: Claim| {
        let labels = meta.labels.as_ref()?;
        labels
            .get(claim.key())
            .or_else(|| labels.get(claim.legacy_key()))
            .filter(|v| !v.is_empty())
            .cloned()
    };
    let pick =
        |claim: Claim, spec: Option<&String>| label(claim).or_else(|| non_empty(spec).map(str::to_owned));
    let name = pick(Claim::Component, spec.name()).or_else(|| {
        let object = meta.name.clone();
        if let Some(n) = &object {
            d.warning(
                "metadata.name",
                format!(
                    "no component label and no spec.name: the resource name `{n}` is used as the Pulsar name"
                ),
            );
        }
        object
    });
    Identity {
        tenant: pick(Claim::Tenant, spec.tenant()),
        namespace: pick(Claim::Namespace, spec.namespace()),
        name,
    }
}

/// A CR enum as the string it serializes to.
pub(super) fn enum_name<T: Serialize>(value: &T) -> Option<String> {
    serde_json::to_value(value).ok()?.as_str().map(str::to_owned)
}

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

/// `resources` from the container's **requests** (the user's values; the memory limit is padded).
/// A member missing from the requests is read from the limits, with a warning for memory.
pub(super) fn resources(r: Option<&ResourceRequirements>, d: &mut Diagnostics) -> Option<Resources> {
    let r = r?;
    let get = |key: &str| {
        r.requests
            .as_ref()
            .and_then(|m| m.get(key))
            .map(|q| (q, "requests"))
            .or_else(|| r.limits.as_ref().and_then(|m| m.get(key)).map(|q| (q, "limits")))
    };
    let cpu = get("cpu").and_then(|(q, from)| {
        let v = quantity::parse_exact(&q.0);
        if v.is_none() {
            d.warning(
                format!("spec.resources.{from}.cpu"),
                format!("dropped: `{}` is not a quantity", q.0),
            );
        }
        v
    });
    let ram = get("memory").and_then(|(q, from)| {
        if from == "limits" {
            d.warning(
                "spec.resources.requests.memory",
                "missing: ram is read from the memory limit, which may include padding",
            );
        }
        let v = quantity::parse_bytes(&q.0);
        if v.is_none() {
            d.warning(
                format!("spec.resources.{from}.memory"),
                format!("dropped: `{}` is not a quantity", q.0),
            );
        }
        v
    });
    (cpu.is_some() || ram.is_some()).then(|| Resources {
        cpu,
        ram,
        ..Resources::default()
    })
}

/// `secrets`: each entry as `{"path": …, "key": …}`.
pub(super) fn secrets(m: Option<&BTreeMap<String, SecretRef>>) -> Option<BTreeMap<String, Value>> {
    let m = m.filter(|m| !m.is_empty())?;
    Some(
        m.iter()
            .map(|(name, s)| {
                let mut o = serde_json::Map::new();
                if let Some(p) = &s.path {
                    o.insert("path".to_owned(), Value::String(p.clone()));
                }
                if let Some(k) = &s.key {
                    o.insert("key".to_owned(), Value::String(k.clone()));
                }
                (name.clone(), Value::Object(o))
            })
            .collect(),
    )
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

/// The image settings that reproduce `image` from the worker's `base` image: nothing when they
/// are equal, a `runnerImageTag` when only the tag differs, else a `runnerImage`.
fn image_options(
    image: Option<&String>,
    base: Option<&str>,
    custom: &CustomConfig,
    d: &mut Diagnostics,
) -> (Option<String>, Option<String>) {
    let Some(image) = non_empty(image) else {
        return (None, None);
    };
    if base == Some(image) {
        return (None, None);
    }
    if let Some(b) = base.filter(|b| !b.contains('@'))
        && !image.contains('@')
    {
        let name_start = image.rfind('/').map_or(0, |i| i + 1);
        if let Some(colon) = image[name_start..].rfind(':') {
            let tag = &image[name_start + colon + 1..];
            if with_tag(b, tag) == image {
                return (None, Some(tag.to_owned()));
            }
        }
    }
    if !custom.trusted_mode() {
        d.warning(
            "spec.image",
            format!(
                "`{image}` is not the worker's image for this component: it comes back as \
                 customRuntimeOptions.runnerImage, which only trusted mode honours"
            ),
        );
    }
    (Some(image.to_owned()), None)
}

/// `customRuntimeOptions` as the JSON string Pulsar clients expect: the worker service's keys in
/// its declaration order, absent values left out, `maxReplicas` and `managed` always present.
/// `log` is the runtime's log settings, `base_image` the image the worker would use for this
/// component without any option.
pub(super) fn runtime_options<S: ComponentSpec>(
    meta: &ObjectMeta,
    spec: &S,
    log: Option<&RuntimeLogConfig>,
    base_image: Option<&str>,
    ctx: &Context<'_>,
    d: &mut Diagnostics,
) -> String {
    let custom = ctx.worker.custom();
    let pod = spec.pod();
    let defaults = custom.env_for(S::KIND);
    let mut env = BTreeMap::new();
    for (i, e) in pod.and_then(|p| p.env.as_ref()).into_iter().flatten().enumerate() {
        match &e.value {
            Some(v) if defaults.get(&e.name) != Some(v) => {
                env.insert(e.name.clone(), v.clone());
            }
            Some(_) => {}
            None if e.value_from.is_some() => d.warning(
                format!("spec.pod.env[{i}]"),
                format!(
                    "dropped: `{}` takes its value from a reference, which runtime options cannot hold",
                    e.name
                ),
            ),
            None => {
                env.insert(e.name.clone(), String::new());
            }
        }
    }
    let service_account = pod
        .and_then(|p| non_empty(p.service_account_name.as_ref()))
        .filter(|sa| non_empty(custom.default_service_account_name.as_ref()) != Some(*sa))
        .map(str::to_owned);
    let managed = meta
        .annotations
        .as_ref()
        .and_then(|a| a.get(MANAGED_ANNOTATION))
        .is_none_or(|v| v != "false");
    let (runner_image, runner_image_tag) = image_options(spec.image(), base_image, &custom, d);
    let options = CustomRuntimeOptions {
        cluster_name: non_empty(spec.cluster_name()).map(str::to_owned),
        input_type_class_name: non_empty(spec.input().and_then(|i| i.type_class_name.as_ref()))
            .map(str::to_owned),
        output_type_class_name: non_empty(spec.output().and_then(|o| o.type_class_name.as_ref()))
            .map(str::to_owned),
        max_replicas: Some(spec.max_replicas().filter(|m| *m > 0).unwrap_or(0)),
        env: (!env.is_empty()).then_some(env),
        vpa_spec: pod.and_then(|p| p.vpa.as_ref()).map(vpa),
        managed: Some(managed),
        service_account_name: service_account,
        runner_image,
        log_level: log.and_then(|l| l.level.as_ref()).and_then(enum_name),
        log_rotation_policy: log.and_then(|l| l.rotate_policy.as_ref()).and_then(enum_name),
        runner_image_tag,
        hpa_spec: pod.and_then(|p| hpa(p, d)),
        ..CustomRuntimeOptions::default()
    };
    if let Some(log) = log
        && (log.format.is_some() || log.log_config.is_some() || log.java_log4j_config_file_type.is_some())
    {
        d.warning(
            "spec.log",
            "dropped: runtime options hold only the log level and rotation policy",
        );
    }
    serde_json::to_string(&options).unwrap_or_default()
}

fn hpa(pod: &PodPolicy, d: &mut Diagnostics) -> Option<HpaSpec> {
    if let Some(rules) = pod.builtin_autoscaler.as_ref().filter(|r| !r.is_empty()) {
        let mut spec = HpaSpec::default();
        for (i, rule) in rules.iter().enumerate() {
            if CPU_RULES.contains(&rule.as_str()) && spec.builtin_cpu_rule.is_none() {
                spec.builtin_cpu_rule = Some(rule.clone());
            } else if MEMORY_RULES.contains(&rule.as_str()) && spec.builtin_memory_rule.is_none() {
                spec.builtin_memory_rule = Some(rule.clone());
            } else {
                d.warning(
                    format!("spec.pod.builtinAutoscaler[{i}]"),
                    format!("dropped: runtime options hold one CPU and one memory rule, not `{rule}`"),
                );
            }
        }
        return Some(spec);
    }
    (pod.auto_scaling_metrics.is_some() || pod.auto_scaling_behavior.is_some()).then(|| HpaSpec {
        auto_scaling_metrics: pod.auto_scaling_metrics.clone(),
        auto_scaling_behavior: pod.auto_scaling_behavior.clone(),
        ..HpaSpec::default()
    })
}

fn vpa(v: &crd::VpaSpec) -> VpaSpec {
    VpaSpec {
        update_policy: v.update_policy.as_ref().map(|u| VpaUpdatePolicy {
            update_mode: u.update_mode.as_ref().and_then(enum_name),
            min_replicas: u.min_replicas,
        }),
        resource_policy: v
            .resource_policy
            .as_ref()
            .and_then(|r| r.container_policies.as_ref())
            .map(|policies| {
                policies
                    .iter()
                    .map(|p| VpaContainerPolicy {
                        container_name: p.container_name.clone(),
                        mode: p.mode.as_ref().and_then(enum_name),
                        max_allowed: p.max_allowed.clone(),
                        min_allowed: p.min_allowed.clone(),
                        controlled_resources: p.controlled_resources.clone(),
                        controlled_values: p.controlled_values.as_ref().and_then(enum_name),
                    })
                    .collect()
            }),
        ..VpaSpec::default()
    }
}

/// The package of a Java connector: its URL, else the catalogue connector whose jar it is
/// (`builtin://<name>`), else the local path.
pub(super) fn connector_archive(java: Option<&crd::JavaRuntime>, ctx: &Context<'_>) -> Option<String> {
    let java = java?;
    if let Some(url) = non_empty(java.jar_location.as_ref()) {
        return Some(url.to_owned());
    }
    builtin(java, ctx)
        .and_then(|def| def.name.as_ref())
        .map(|n| format!("{}{n}", crate::pulsar::infer::BUILTIN_PREFIX))
        .or_else(|| non_empty(Some(&java.jar)).map(str::to_owned))
}

/// The catalogue connector a Java runtime runs, recognised by its jar.
pub(super) fn builtin<'a>(
    java: &crd::JavaRuntime,
    ctx: &Context<'a>,
) -> Option<&'a crate::worker::ConnectorDefinition> {
    if non_empty(java.jar_location.as_ref()).is_some() {
        return None;
    }
    ctx.catalogue?
        .connectors
        .iter()
        .rev()
        .find(|def| def.name.is_some() && def.jar() == java.jar)
}

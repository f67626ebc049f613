//! The rules every kind shares: cluster, namespace, metadata, labels, pod policy, resources,
//! images, logging, secrets, autoscaling.

use std::collections::BTreeMap;

use k8s_openapi::api::core::v1::{EnvVar, ResourceRequirements};
use k8s_openapi::apimachinery::pkg::apis::meta::v1::{ObjectMeta, OwnerReference};

use super::Context;
use super::naming;
use crate::Kind;
use crate::crd::{
    ContainerResourcePolicy, ContainerScalingMode, ControlledValues, LogLevel, PodPolicy, PodResourcePolicy,
    PodUpdatePolicy, RotatePolicy, RuntimeLogConfig, SecretRef, UpdateMode, VpaSpec,
};
use crate::diag::{Diagnostics, join};
use crate::pulsar::Resources;
use crate::quantity;
use crate::validate::k8s::{
    IMAGE_PULL_POLICIES, MAX_CR_NAME, dns_label_problem, label_key_problem, label_value_problem,
};
use crate::worker::{CustomConfig, CustomRuntimeOptions};

/// Path of the worker service's custom config in a worker file.
pub(crate) const CUSTOM: &str = "functionsWorkerServiceCustomConfigs";
/// Path of the runtime options in a component config.
pub(crate) const CRO: &str = "customRuntimeOptions";
/// The annotation that stops the operator from reconciling a CR.
pub const MANAGED_ANNOTATION: &str = "compute.functionmesh.io/managed";
/// Label keys the operator uses in its pod selectors; pod labels must not override them.
pub const OPERATOR_SELECTOR_KEYS: [&str; 10] = [
    "app",
    "component",
    "name",
    "namespace",
    "compute.functionmesh.io/app",
    "compute.functionmesh.io/component",
    "compute.functionmesh.io/name",
    "compute.functionmesh.io/namespace",
    "app.kubernetes.io/name",
    "app.kubernetes.io/instance",
];
/// The built-in CPU autoscaling rules.
pub const CPU_RULES: [&str; 3] = [
    "AverageUtilizationCPUPercent80",
    "AverageUtilizationCPUPercent50",
    "AverageUtilizationCPUPercent20",
];
/// The built-in memory autoscaling rules.
pub const MEMORY_RULES: [&str; 3] = [
    "AverageUtilizationMemoryPercent80",
    "AverageUtilizationMemoryPercent50",
    "AverageUtilizationMemoryPercent20",
];

/// Pulsar's identity of a component.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Identity<'a> {
    /// Function, source or sink.
    pub kind: Kind,
    /// Pulsar tenant.
    pub tenant: &'a str,
    /// Pulsar namespace.
    pub namespace: &'a str,
    /// Component name.
    pub name: &'a str,
}

impl<'a> Identity<'a> {
    /// The identity from a config's optional fields (missing ones are empty).
    pub fn of(
        kind: Kind,
        tenant: Option<&'a String>,
        namespace: Option<&'a String>,
        name: Option<&'a String>,
    ) -> Self {
        let s = |v: Option<&'a String>| v.map_or("", String::as_str);
        Self {
            kind,
            tenant: s(tenant),
            namespace: s(namespace),
            name: s(name),
        }
    }
}

pub(crate) fn non_empty(s: Option<&String>) -> Option<&str> {
    s.map(String::as_str).filter(|s| !s.trim().is_empty())
}

/// Cluster: explicit input, worker `pulsarFunctionsCluster`, runtime options `clusterName`, fallback.
pub(crate) fn cluster(ctx: &Context<'_>, cro: &CustomRuntimeOptions, d: &mut Diagnostics) -> Option<String> {
    let worker = ctx
        .cluster
        .or(non_empty(ctx.worker.pulsar_functions_cluster.as_ref()));
    let from_options = non_empty(cro.cluster_name.as_ref());
    if let (Some(w), Some(o)) = (worker, from_options)
        && w != o
    {
        d.warning(
            join(CRO, "clusterName"),
            format!(
                "ignored: the worker's cluster `{w}` names every resource it manages, so `{o}` cannot be used"
            ),
        );
    }
    let cluster = worker
        .or(from_options)
        .or(ctx.cluster_fallback.filter(|c| !c.is_empty()));
    if cluster.is_none() {
        d.error("clusterName", "clusterName is not provided.");
    }
    cluster.map(str::to_owned)
}

/// Refuses a job namespace that Kubernetes would refuse (`../x`, `UPPER_NS`), at the worker key
/// that gave it.
fn check_namespace(ctx: &Context<'_>, namespace: &str, d: &mut Diagnostics) {
    let Some(problem) = crate::validate::k8s::dns_label_problem(namespace) else {
        return;
    };
    let from_factory = ctx
        .worker
        .function_runtime_factory_configs
        .as_ref()
        .and_then(|f| non_empty(f.job_namespace.as_ref()))
        .is_some();
    let path = if from_factory {
        "functionRuntimeFactoryConfigs.jobNamespace"
    } else {
        "functionsWorkerServiceCustomConfigs.jobNamespace"
    };
    d.error(
        path,
        format!("`{namespace}` cannot be a Kubernetes namespace: {problem}"),
    );
}

/// Kubernetes namespace of the CRs: factory `jobNamespace`, else custom `jobNamespace`, else the
/// pod's namespace, else `default` (an empty factory value no longer hides the custom one).
pub(crate) fn k8s_namespace(ctx: &Context<'_>) -> String {
    let factory = ctx
        .worker
        .function_runtime_factory_configs
        .as_ref()
        .and_then(|f| non_empty(f.job_namespace.as_ref()));
    let custom = ctx
        .worker
        .functions_worker_service_custom_configs
        .as_ref()
        .and_then(|c| non_empty(c.job_namespace.as_ref()));
    factory
        .or(custom)
        .or(ctx.pod_namespace.filter(|n| !n.is_empty()))
        .unwrap_or("default")
        .to_owned()
}

/// Checks the CR name derived from a Pulsar name: at most 43 characters and a DNS label, since
/// the operator derives Service and StatefulSet names from it.
pub(crate) fn check_object_name(id: Identity<'_>, object_name: &str, d: &mut Diagnostics) {
    let kind = id.kind.lower();
    if object_name.len() > MAX_CR_NAME {
        let over = object_name.len() - MAX_CR_NAME;
        d.error(
            "name",
            format!(
                "{kind} name must be no more than {MAX_CR_NAME} characters: the resource name `{object_name}` made from \
                 `{}` has {}, so the Pulsar name is {over} characters too long (at most {} fit)",
                id.name,
                object_name.len(),
                id.name.len().saturating_sub(over),
            ),
        );
    }
    if let Some(p) = dns_label_problem(object_name) {
        d.error(
            "name",
            format!(
                "the resource name `{object_name}` made from `{}` is not a valid DNS label: it {p}",
                id.name
            ),
        );
    }
}

/// Labels of metadata and pod: factory `customLabels`, custom `labels`, the kind's labels, then
/// the eight reserved claims, which always win. Keys the operator's pod selectors use are refused.
pub(crate) fn labels(
    id: Identity<'_>,
    cluster: &str,
    ctx: &Context<'_>,
    custom: &CustomConfig,
    d: &mut Diagnostics,
) -> BTreeMap<String, String> {
    let kind_field = match id.kind {
        Kind::Function => "functionLabels",
        Kind::Source => "sourceLabels",
        Kind::Sink => "sinkLabels",
    };
    let kind_labels = match id.kind {
        Kind::Function => &custom.function_labels,
        Kind::Source => &custom.source_labels,
        Kind::Sink => &custom.sink_labels,
    };
    let factory = ctx
        .worker
        .function_runtime_factory_configs
        .as_ref()
        .and_then(|f| f.custom_labels.as_ref());
    let sources = [
        ("functionRuntimeFactoryConfigs", "customLabels", factory),
        (CUSTOM, "labels", custom.labels.as_ref()),
        (CUSTOM, kind_field, kind_labels.as_ref()),
    ];
    let reserved = reserved_pairs(id, cluster);
    let mut labels = BTreeMap::new();
    for (section, field, map) in sources {
        for (k, v) in map.into_iter().flatten() {
            // Paths are built only for what is reported.
            let path = || join(&join(section, field), k);
            if OPERATOR_SELECTOR_KEYS.contains(&k.as_str()) {
                d.error(
                    path(),
                    format!("label `{k}` is a key of the operator's pod selector and cannot be set"),
                );
                continue;
            }
            if reserved.iter().any(|(r, _)| r == k) {
                d.warning(
                    path(),
                    format!("label `{k}` is reserved for the component's identity; the reserved value wins"),
                );
                continue;
            }
            if let Some(p) = label_key_problem(k) {
                d.error(path(), format!("invalid label key `{k}`: {p}"));
            }
            if let Some(p) = label_value_problem(v) {
                d.error(path(), format!("invalid label value `{v}`: {p}"));
            }
            labels.insert(k.clone(), v.clone());
        }
    }
    for (field, value, what) in [
        ("clusterName", cluster, "cluster"),
        ("tenant", id.tenant, "tenant"),
        ("namespace", id.namespace, "namespace"),
        ("name", id.name, "name"),
    ] {
        if let Some(p) = label_value_problem(value) {
            d.error(
                field,
                format!("the {what} `{value}` cannot be used as a label value: it {p}"),
            );
        }
    }
    for (k, v) in reserved {
        labels.insert(k.to_owned(), v.to_owned());
    }
    labels
}

/// The eight reserved claims (`compute.functionmesh.io/pulsar-*` and the legacy `pulsar-*`).
pub fn reserved_claims(id: Identity<'_>, cluster: &str) -> BTreeMap<String, String> {
    reserved_pairs(id, cluster)
        .into_iter()
        .map(|(k, v)| (k.to_owned(), v.to_owned()))
        .collect()
}

/// The reserved claims as key and value, borrowed.
fn reserved_pairs<'a>(id: Identity<'a>, cluster: &'a str) -> [(&'static str, &'a str); 8] {
    use crate::identity::Claim;
    let value = |c: Claim| match c {
        Claim::Cluster => cluster,
        Claim::Tenant => id.tenant,
        Claim::Namespace => id.namespace,
        Claim::Component => id.name,
    };
    let [a, b, c, d] = Claim::ALL;
    [
        (a.key(), value(a)),
        (a.legacy_key(), value(a)),
        (b.key(), value(b)),
        (b.legacy_key(), value(b)),
        (c.key(), value(c)),
        (c.legacy_key(), value(c)),
        (d.key(), value(d)),
        (d.legacy_key(), value(d)),
    ]
}

/// `metadata`: name, namespace, labels, the `managed` annotation (trusted mode), owner reference.
pub(crate) fn metadata(
    object_name: String,
    namespace: String,
    labels: &BTreeMap<String, String>,
    custom: &CustomConfig,
    cro: &CustomRuntimeOptions,
    d: &mut Diagnostics,
) -> ObjectMeta {
    let mut annotations = BTreeMap::new();
    if custom.trusted_mode() && !cro.managed() {
        annotations.insert(MANAGED_ANNOTATION.to_owned(), "false".to_owned());
    } else if !custom.trusted_mode() && cro.managed == Some(false) {
        d.warning(
            join(CRO, "managed"),
            "ignored: `managed` is honoured only in trusted mode (enableTrustedMode)",
        );
    }
    let owner = custom.owner_reference.as_ref().and_then(|o| {
        let mut missing = Vec::new();
        for (key, v) in [
            ("apiVersion", &o.api_version),
            ("kind", &o.kind),
            ("name", &o.name),
            ("uid", &o.uid),
        ] {
            if non_empty(v.as_ref()).is_none() {
                missing.push(key);
            }
        }
        if !missing.is_empty() {
            d.error(
                join(CUSTOM, "ownerReference"),
                format!("owner reference is missing {}", missing.join(", ")),
            );
            return None;
        }
        Some(vec![OwnerReference {
            api_version: o.api_version.clone().unwrap_or_default(),
            kind: o.kind.clone().unwrap_or_default(),
            name: o.name.clone().unwrap_or_default(),
            uid: o.uid.clone().unwrap_or_default(),
            ..OwnerReference::default()
        }])
    });
    ObjectMeta {
        name: Some(object_name),
        namespace: Some(namespace),
        labels: Some(labels.clone()),
        annotations: (!annotations.is_empty()).then_some(annotations),
        owner_references: owner,
        ..ObjectMeta::default()
    }
}

/// `spec.pod`: labels, annotations, environment, service account, volumes, pull secrets, init
/// containers and autoscaling.
pub(crate) fn pod(
    kind: Kind,
    labels: BTreeMap<String, String>,
    custom: &CustomConfig,
    cro: &CustomRuntimeOptions,
    replicas: i32,
    d: &mut Diagnostics,
) -> PodPolicy {
    let annotations = custom.annotations_for(kind);
    for k in annotations.keys() {
        if let Some(p) = label_key_problem(k) {
            d.error(
                join(CUSTOM, "annotations"),
                format!("invalid annotation key `{k}`: {p}"),
            );
        }
    }
    let mut env = custom.env_for(kind);
    env.extend(cro.env.clone().unwrap_or_default());
    let env: Vec<EnvVar> = env
        .into_iter()
        .map(|(name, value)| EnvVar {
            name,
            value: Some(value),
            value_from: None,
        })
        .collect();
    let mut pod = PodPolicy {
        labels: Some(labels),
        annotations: (!annotations.is_empty()).then_some(annotations),
        env: (!env.is_empty()).then_some(env),
        service_account_name: service_account(custom, cro, d),
        volumes: custom.volumes.clone().filter(|v| !v.is_empty()),
        image_pull_secrets: custom.image_pull_secrets.clone().filter(|v| !v.is_empty()),
        init_containers: custom
            .init_containers_for(kind)
            .cloned()
            .filter(|v| !v.is_empty()),
        ..PodPolicy::default()
    };
    autoscaling(&mut pod, cro, replicas, d);
    pod.vpa = vpa(cro, d);
    if pod.vpa.is_some() && max_replicas(cro, replicas).is_some() {
        d.error(
            join(CRO, "vpaSpec"),
            "you can not enable HPA and VPA at the same time",
        );
    }
    pod
}

fn service_account(custom: &CustomConfig, cro: &CustomRuntimeOptions, d: &mut Diagnostics) -> Option<String> {
    let requested = non_empty(cro.service_account_name.as_ref());
    let allowed = custom.allow_user_defined_service_account_name == Some(true) || custom.trusted_mode();
    if requested.is_some() && !allowed {
        d.warning(
            join(CRO, "serviceAccountName"),
            "ignored: a service account is honoured only in trusted mode or with allowUserDefinedServiceAccountName",
        );
    }
    requested
        .filter(|_| allowed)
        .or(non_empty(custom.default_service_account_name.as_ref()))
        .map(str::to_owned)
}

/// `spec.maxReplicas`: the runtime options' `maxReplicas` when it is above the replicas.
pub(crate) fn max_replicas(cro: &CustomRuntimeOptions, replicas: i32) -> Option<i32> {
    Some(cro.max_replicas()).filter(|m| *m > replicas)
}

fn autoscaling(pod: &mut PodPolicy, cro: &CustomRuntimeOptions, replicas: i32, d: &mut Diagnostics) {
    let Some(hpa) = &cro.hpa_spec else {
        if cro.max_replicas() > 0 && max_replicas(cro, replicas).is_none() {
            d.warning(
                join(CRO, "maxReplicas"),
                format!(
                    "ignored: maxReplicas {} is not above the parallelism {replicas}",
                    cro.max_replicas()
                ),
            );
        }
        return;
    };
    let path = join(CRO, "hpaSpec");
    if max_replicas(cro, replicas).is_none() {
        d.warning(
            path,
            format!(
                "ignored: autoscaling needs maxReplicas above the parallelism {replicas} (maxReplicas is {})",
                cro.max_replicas()
            ),
        );
        return;
    }
    let mut rules = Vec::new();
    for (field, value, allowed) in [
        ("builtinCPURule", &hpa.builtin_cpu_rule, &CPU_RULES),
        ("builtinMemoryRule", &hpa.builtin_memory_rule, &MEMORY_RULES),
    ] {
        if let Some(rule) = value {
            if allowed.contains(&rule.as_str()) {
                rules.push(rule.clone());
            } else {
                d.error(
                    join(&path, field),
                    format!("unknown rule `{rule}`: must be one of {}", allowed.join(", ")),
                );
            }
        }
    }
    if hpa.builtin_cpu_rule.is_some() || hpa.builtin_memory_rule.is_some() {
        if hpa.auto_scaling_metrics.is_some() || hpa.auto_scaling_behavior.is_some() {
            d.warning(
                path,
                "ignored: autoScalingMetrics and autoScalingBehavior are not used with built-in rules",
            );
        }
        pod.builtin_autoscaler = (!rules.is_empty()).then_some(rules);
    } else {
        pod.auto_scaling_metrics.clone_from(&hpa.auto_scaling_metrics);
        pod.auto_scaling_behavior.clone_from(&hpa.auto_scaling_behavior);
    }
}

fn pick<T: Copy>(
    path: &str,
    value: Option<&String>,
    options: &[(&str, T)],
    d: &mut Diagnostics,
) -> Option<T> {
    let v = value?;
    let found = options
        .iter()
        .find(|(name, _)| name.eq_ignore_ascii_case(v))
        .map(|(_, t)| *t);
    if found.is_none() {
        let names: Vec<&str> = options.iter().map(|(n, _)| *n).collect();
        d.error(
            path,
            format!(
                "unknown value `{v}`: must be one of {} (any case)",
                names.join(", ")
            ),
        );
    }
    found
}

fn vpa(cro: &CustomRuntimeOptions, d: &mut Diagnostics) -> Option<VpaSpec> {
    let v = cro.vpa_spec.as_ref()?;
    let path = join(CRO, "vpaSpec");
    let update_policy = v.update_policy.as_ref().map(|u| PodUpdatePolicy {
        update_mode: pick(
            &join(&path, "updatePolicy.updateMode"),
            u.update_mode.as_ref(),
            &[
                ("Off", UpdateMode::Off),
                ("Initial", UpdateMode::Initial),
                ("Recreate", UpdateMode::Recreate),
                ("Auto", UpdateMode::Auto),
            ],
            d,
        ),
        min_replicas: u.min_replicas.filter(|m| *m > 0),
    });
    let policies: Vec<ContainerResourcePolicy> = v
        .resource_policy
        .iter()
        .flatten()
        .enumerate()
        .map(|(i, p)| {
            let at = format!("{path}.resourcePolicy[{i}]");
            if non_empty(p.container_name.as_ref()).is_none() {
                d.error(join(&at, "containerName"), "container name must be specified");
            }
            ContainerResourcePolicy {
                container_name: p.container_name.clone(),
                mode: pick(
                    &join(&at, "mode"),
                    p.mode.as_ref(),
                    &[
                        ("Auto", ContainerScalingMode::Auto),
                        ("Off", ContainerScalingMode::Off),
                    ],
                    d,
                ),
                min_allowed: p.min_allowed.clone(),
                max_allowed: p.max_allowed.clone(),
                controlled_resources: p.controlled_resources.clone().filter(|r| !r.is_empty()),
                controlled_values: pick(
                    &join(&at, "controlledValues"),
                    p.controlled_values.as_ref(),
                    &[
                        ("RequestsAndLimits", ControlledValues::RequestsAndLimits),
                        ("RequestsOnly", ControlledValues::RequestsOnly),
                    ],
                    d,
                ),
            }
        })
        .collect();
    Some(VpaSpec {
        update_policy,
        resource_policy: (!policies.is_empty()).then_some(PodResourcePolicy {
            container_policies: Some(policies),
        }),
    })
}

/// Container resources: the config's resources, each missing member from the worker's
/// `defaultResources` (then Pulsar's defaults); requests as given, memory limit padded by 10 %.
pub(crate) fn resources(resources: Option<&Resources>, custom: &CustomConfig) -> ResourceRequirements {
    let r = Resources::merge_with_default(custom.default_resources.as_ref(), resources);
    let cpu = quantity::cpu(r.cpu.unwrap_or(Resources::DEFAULT_CPU));
    let ram = r.ram.unwrap_or(Resources::DEFAULT_RAM);
    let requests = BTreeMap::from([
        ("cpu".to_owned(), cpu.clone()),
        ("memory".to_owned(), quantity::memory(ram)),
    ]);
    let limits = BTreeMap::from([
        ("cpu".to_owned(), cpu),
        ("memory".to_owned(), quantity::memory(quantity::padded(ram))),
    ]);
    ResourceRequirements {
        requests: Some(requests),
        limits: Some(limits),
        claims: None,
    }
}

/// The worker's `functionInstanceMinResources` / `functionInstanceMaxResources`.
pub(crate) fn check_resource_bounds(ctx: &Context<'_>, resources: Option<&Resources>, d: &mut Diagnostics) {
    let custom = ctx.worker.custom();
    let r = Resources::merge_with_default(custom.default_resources.as_ref(), resources);
    let (cpu, ram) = (r.cpu.unwrap_or_default(), r.ram.unwrap_or_default());
    if let Some(min) = &ctx.worker.function_instance_min_resources
        && (min.cpu.is_some_and(|m| cpu < m) || min.ram.is_some_and(|m| ram < m))
    {
        d.error("resources", "Resource is less than minimum requirement");
    }
    if let Some(max) = &ctx.worker.function_instance_max_resources
        && (max.cpu.is_some_and(|m| cpu > m) || max.ram.is_some_and(|m| ram > m))
    {
        d.error("resources", "Resource is larger than max requirement");
    }
}

/// `spec.imagePullPolicy`: the custom config's value, which must be one Kubernetes knows.
pub(crate) fn image_pull_policy(custom: &CustomConfig, d: &mut Diagnostics) -> Option<String> {
    let p = non_empty(custom.image_pull_policy.as_ref())?;
    if !IMAGE_PULL_POLICIES.contains(&p) {
        d.error(
            join(CUSTOM, "imagePullPolicy"),
            format!(
                "invalid image pull policy `{p}`: must be one of {}",
                IMAGE_PULL_POLICIES.join(", ")
            ),
        );
    }
    Some(p.to_owned())
}

/// Replaces (or adds) the tag of an image reference, leaving a registry port and a digest alone.
pub fn with_tag(image: &str, tag: &str) -> String {
    if image.contains('@') {
        return image.to_owned();
    }
    let name_start = image.rfind('/').map_or(0, |i| i + 1);
    match image[name_start..].rfind(':') {
        Some(i) => format!("{}:{tag}", &image[..name_start + i]),
        None => format!("{image}:{tag}"),
    }
}

/// The final image: `runnerImageTag` applied, then trusted mode's `runnerImage`.
pub(crate) fn image(
    base: Option<String>,
    custom: &CustomConfig,
    cro: &CustomRuntimeOptions,
    d: &mut Diagnostics,
) -> Option<String> {
    let mut image = base;
    if let Some(tag) = non_empty(cro.runner_image_tag.as_ref()) {
        match &image {
            Some(i) if i.contains('@') => {
                d.warning(
                    join(CRO, "runnerImageTag"),
                    format!("ignored: the image `{i}` is pinned by digest"),
                );
            }
            Some(i) => image = Some(with_tag(i, tag)),
            None => d.warning(
                join(CRO, "runnerImageTag"),
                "ignored: no runner image is configured for this runtime",
            ),
        }
    }
    if let Some(runner) = non_empty(cro.runner_image.as_ref()) {
        if custom.trusted_mode() {
            image = Some(runner.to_owned());
        } else {
            d.warning(
                join(CRO, "runnerImage"),
                "ignored: `runnerImage` is honoured only in trusted mode (enableTrustedMode)",
            );
        }
    }
    image
}

/// Runtime logging: level from the runtime options, else the config's `logLevel`; rotation policy
/// from the runtime options. Unknown values are errors.
pub(crate) fn log_config(
    cro: &CustomRuntimeOptions,
    config_level: Option<&String>,
    d: &mut Diagnostics,
) -> Option<RuntimeLogConfig> {
    let levels = [
        ("off", LogLevel::Off),
        ("trace", LogLevel::Trace),
        ("debug", LogLevel::Debug),
        ("info", LogLevel::Info),
        ("warn", LogLevel::Warn),
        ("error", LogLevel::Error),
        ("fatal", LogLevel::Fatal),
        ("all", LogLevel::All),
        ("panic", LogLevel::Panic),
    ];
    let level = match non_empty(cro.log_level.as_ref()) {
        Some(_) => pick(&join(CRO, "logLevel"), cro.log_level.as_ref(), &levels, d),
        None => non_empty(config_level).and_then(|l| {
            levels
                .iter()
                .find(|(n, _)| n.eq_ignore_ascii_case(l))
                .map(|(_, v)| *v)
        }),
    };
    let rotate_policy = non_empty(cro.log_rotation_policy.as_ref()).and_then(|_| {
        pick(
            &join(CRO, "logRotationPolicy"),
            cro.log_rotation_policy.as_ref(),
            &[
                ("TimedPolicyWithDaily", RotatePolicy::TimedPolicyWithDaily),
                ("TimedPolicyWithWeekly", RotatePolicy::TimedPolicyWithWeekly),
                ("TimedPolicyWithMonthly", RotatePolicy::TimedPolicyWithMonthly),
                ("SizedPolicyWith10MB", RotatePolicy::SizedPolicyWith10MB),
                ("SizedPolicyWith50MB", RotatePolicy::SizedPolicyWith50MB),
                ("SizedPolicyWith100MB", RotatePolicy::SizedPolicyWith100MB),
            ],
            d,
        )
    });
    (level.is_some() || rotate_policy.is_some()).then(|| RuntimeLogConfig {
        level,
        rotate_policy,
        ..RuntimeLogConfig::default()
    })
}

/// `spec.secretsMap`: entries with a `path` and a `key` (others are reported by validation).
pub(crate) fn secrets_map(
    secrets: Option<&BTreeMap<String, serde_json::Value>>,
) -> Option<BTreeMap<String, SecretRef>> {
    let map: BTreeMap<String, SecretRef> = secrets?
        .iter()
        .filter_map(|(name, v)| {
            let path = v.get("path")?.as_str()?;
            let key = v.get("key")?.as_str()?;
            Some((
                name.clone(),
                SecretRef {
                    path: Some(path.to_owned()),
                    key: Some(key.to_owned()),
                },
            ))
        })
        .collect();
    (!map.is_empty()).then_some(map)
}

/// `extraDependenciesDir` of Java components: factory `extraFunctionDependenciesDir`, else the
/// custom `extraDependenciesDir`, else `/pulsar/instances/deps`; relative paths go under `/pulsar/`.
pub(crate) fn extra_dependencies_dir(ctx: &Context<'_>, custom: &CustomConfig) -> String {
    let factory = ctx
        .worker
        .function_runtime_factory_configs
        .as_ref()
        .and_then(|f| non_empty(f.extra_function_dependencies_dir.as_ref()));
    let dir = factory.or(Some(custom.extra_dependencies_dir()).filter(|s| !s.trim().is_empty()));
    match dir {
        Some(d) if d.starts_with('/') => d.to_owned(),
        Some(d) => ["/pulsar/", d].concat(),
        None => "/pulsar/instances/deps".to_owned(),
    }
}

/// Where the package is downloaded in the pod: `downloadDirectory` (default `/pulsar/`) plus the
/// file's base name.
pub(crate) fn download_path(ctx: &Context<'_>, file_name: &str) -> String {
    let dir = non_empty(ctx.worker.download_directory.as_ref()).unwrap_or("/pulsar/");
    let base = file_name.rsplit('/').next().unwrap_or(file_name);
    let mut path = String::with_capacity(dir.len() + 1 + base.len());
    path.push_str(dir);
    if !dir.ends_with('/') {
        path.push('/');
    }
    path.push_str(base);
    path
}

/// Whether `url` has a Pulsar package prefix (`function://`, `sink://`, `source://`).
pub fn has_package_type_prefix(url: &str) -> bool {
    ["function", "sink", "source"].iter().any(|p| url.starts_with(p)) && url.contains("://")
}

/// What every kind derives the same way from its identity, runtime options and the context.
pub(crate) struct Base<'a> {
    pub custom: std::borrow::Cow<'a, CustomConfig>,
    pub cro: CustomRuntimeOptions,
    pub cluster: String,
    pub metadata: ObjectMeta,
    pub pod: PodPolicy,
    pub pulsar: crate::crd::PulsarMessaging,
    pub secrets: Vec<k8s_openapi::api::core::v1::Secret>,
    pub replicas: i32,
}

/// Builds the [`Base`] of a component: runtime options, cluster, object name, namespace, labels,
/// metadata, pod policy and Pulsar messaging.
pub(crate) fn base<'a>(
    id: Identity<'_>,
    options: Option<&str>,
    parallelism: Option<i32>,
    ctx: &Context<'a>,
    d: &mut Diagnostics,
) -> Base<'a> {
    use crate::pulsar::UnknownFields;
    let cro = CustomRuntimeOptions::parse(options, CRO).unwrap_or_else(|e| {
        d.extend(e);
        CustomRuntimeOptions::default()
    });
    cro.unknown_fields(CRO, d);
    let custom = ctx.worker.custom();
    let cluster = cluster(ctx, &cro, d).unwrap_or_default();
    let object_name = naming::object_name(&cluster, id.tenant, id.namespace, id.name);
    check_object_name(id, &object_name, d);
    let namespace = k8s_namespace(ctx);
    check_namespace(ctx, &namespace, d);
    let labels = labels(id, &cluster, ctx, &custom, d);
    let metadata = metadata(object_name, namespace.clone(), &labels, &custom, &cro, d);
    let replicas = parallelism.unwrap_or(1);
    let pod = pod(id.kind, labels, &custom, &cro, replicas, d);
    let (pulsar, secrets) = super::auth::messaging(id, &cluster, &namespace, ctx, d);
    Base {
        custom,
        cro,
        cluster,
        metadata,
        pod,
        pulsar,
        secrets,
        replicas,
    }
}

/// Converts a 64-bit millisecond setting into the CR's 32-bit field, or reports that it does not fit.
pub(crate) fn to_i32(path: &str, value: Option<i64>, d: &mut Diagnostics) -> Option<i32> {
    let v = value?;
    let fits = i32::try_from(v).ok();
    if fits.is_none() {
        d.error(path, format!("{v} does not fit the CR's 32-bit field"));
    }
    fits
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tags_are_replaced_properly() {
        assert_eq!(
            with_tag("pulsar-mesh-function-runner-java:latest", "new"),
            "pulsar-mesh-function-runner-java:new"
        );
        assert_eq!(
            with_tag("registry:5000/runner:1.0", "2.0"),
            "registry:5000/runner:2.0"
        );
        assert_eq!(
            with_tag("registry:5000/runner", "2.0"),
            "registry:5000/runner:2.0"
        );
        assert_eq!(with_tag("runner", "2.0"), "runner:2.0");
        assert_eq!(with_tag("runner@sha256:abc", "2.0"), "runner@sha256:abc");
    }

    #[test]
    fn download_paths() {
        let worker = crate::worker::WorkerConfig::default();
        let ctx = Context::new(&worker);
        assert_eq!(
            download_path(&ctx, "function-executable"),
            "/pulsar/function-executable"
        );
        assert_eq!(download_path(&ctx, "/Users/sample/a.jar"), "/pulsar/a.jar");
        let worker = crate::worker::WorkerConfig {
            download_directory: Some("/download".into()),
            ..Default::default()
        };
        assert_eq!(download_path(&Context::new(&worker), "a.jar"), "/download/a.jar");
    }

    #[test]
    fn package_prefixes() {
        assert!(has_package_type_prefix("function://t/n/f@1"));
        assert!(has_package_type_prefix("sink://t/n/s"));
        assert!(!has_package_type_prefix("https://x/y.jar"));
        assert!(!has_package_type_prefix("builtin://x"));
    }
}

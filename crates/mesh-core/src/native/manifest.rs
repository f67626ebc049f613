//! The headless Service and the StatefulSet (`KubernetesRuntime.createService`,
//! `createStatefulSet`, `getFunctionContainer`), then the manifest customizer's options.

use std::collections::BTreeMap;

use k8s_openapi::api::apps::v1::{StatefulSet, StatefulSetSpec};
use k8s_openapi::api::core::v1::{
    Container, ContainerPort, EnvVar, EnvVarSource, ObjectFieldSelector, PodSpec, PodTemplateSpec,
    ResourceRequirements, SecretKeySelector, SecretVolumeSource, Service, ServicePort, ServiceSpec,
    Toleration, Volume, VolumeMount,
};
use k8s_openapi::apimachinery::pkg::api::resource::Quantity;
use k8s_openapi::apimachinery::pkg::apis::meta::v1::{LabelSelector, ObjectMeta};
use serde_json::Value;

use super::customizer::RuntimeOpts;
use super::details::{ComponentType, Runtime};
use super::naming::to_valid_label_value;
use super::settings::{SecretsProvider, Settings};
use crate::convert::cluster_config::MANAGED_BY;
use crate::diag::{Diagnostics, join};

/// The function container's name.
pub const CONTAINER: &str = "pulsarfunction";
/// Where the function's auth Secret is mounted.
pub const AUTH_MOUNT: &str = "/etc/auth";
/// The auth volume's name.
pub const AUTH_VOLUME: &str = "function-auth";
/// The three tolerations every pod gets (rescheduled 10 s after its node goes away).
pub const TOLERATIONS: [&str; 3] = [
    "node.kubernetes.io/not-ready",
    "node.alpha.kubernetes.io/notReady",
    "node.alpha.kubernetes.io/unreachable",
];

/// The selector labels: `component`, `namespace`, `tenant`, `name`, then the factory's
/// `customLabels` (values made valid). A custom label never replaces one of the four: Pulsar let
/// it, so every function with `customLabels: {name: x}` selected every other's pods.
pub(crate) fn selector_labels(
    kind: ComponentType,
    tenant: &str,
    namespace: &str,
    name: &str,
    s: &Settings<'_>,
    d: &mut Diagnostics,
) -> BTreeMap<String, String> {
    let component = match kind {
        ComponentType::Source => "source",
        ComponentType::Sink => "sink",
        ComponentType::Function | ComponentType::Unknown => "function",
    };
    let mut labels = BTreeMap::from([
        ("component".to_owned(), component.to_owned()),
        ("namespace".to_owned(), to_valid_label_value(namespace)),
        ("tenant".to_owned(), to_valid_label_value(tenant)),
        ("name".to_owned(), to_valid_label_value(name)),
    ]);
    for (k, v) in s.custom_labels.into_iter().flatten() {
        let path = join("functionRuntimeFactoryConfigs.customLabels", k);
        if labels.contains_key(k) {
            d.warning(
                path,
                "ignored: it would replace a selector label mesh needs to tell components apart",
            );
            continue;
        }
        if let Some(problem) = crate::validate::k8s::label_key_problem(k) {
            d.error(path, problem);
            continue;
        }
        labels.insert(k.clone(), to_valid_label_value(v));
    }
    labels
}

/// The object labels: the selector labels, mesh's `managed-by` label, then the customizer's
/// `extraLabels` (which never replace a selector label either).
pub(crate) fn object_labels(
    selector: &BTreeMap<String, String>,
    opts: &RuntimeOpts,
    d: &mut Diagnostics,
) -> BTreeMap<String, String> {
    let mut labels = selector.clone();
    let (key, value) = MANAGED_BY;
    labels.insert(key.to_owned(), value.to_owned());
    for (k, v) in opts.extra_labels.iter().flatten() {
        let path = join("customRuntimeOptions.extraLabels", k);
        if labels.contains_key(k) {
            d.warning(path, "ignored: it would change a selector label, and the pods would no longer match their StatefulSet");
            continue;
        }
        let problems: Vec<String> = [
            crate::validate::k8s::label_key_problem(k),
            crate::validate::k8s::label_value_problem(v),
        ]
        .into_iter()
        .flatten()
        .collect();
        if problems.is_empty() {
            labels.insert(k.clone(), v.clone());
        } else {
            for p in problems {
                d.error(path.clone(), p);
            }
        }
    }
    labels
}

fn millis(cores: f64) -> i64 {
    // Pulsar's roundDecimal(x, 3): three decimals, half up.
    #[allow(clippy::cast_possible_truncation)]
    let m = (cores * 1000.0).round() as i64;
    m
}

/// A CPU quantity of `m` millicores, in the form Kubernetes prints.
pub fn cpu_quantity(m: i64) -> Quantity {
    if m % 1000 == 0 {
        Quantity((m / 1000).to_string())
    } else {
        Quantity(format!("{m}m"))
    }
}

/// Container resources: memory limit = RAM + padding, request = limit / memory ratio; CPU
/// limit = cores, request = cores / CPU ratio (both to 3 decimals); then the customizer's
/// `cpu` and `memory` overrides.
pub(crate) fn resources(cpu: f64, ram: i64, s: &Settings<'_>, opts: &RuntimeOpts) -> ResourceRequirements {
    let ram = if ram == 0 {
        crate::pulsar::Resources::DEFAULT_RAM
    } else {
        ram
    };
    let cpu = if cpu == 0.0 { 1.0 } else { cpu };
    #[allow(clippy::cast_possible_truncation, clippy::cast_precision_loss)]
    let (padding, request) = {
        let padding = (ram as f64 * (f64::from(s.percent_memory_padding) / 100.0)).round() as i64;
        let with = ram.saturating_add(padding);
        (padding, (with as f64 / s.memory_over_commit_ratio) as i64)
    };
    let mut limits = BTreeMap::from([
        ("cpu".to_owned(), cpu_quantity(millis(cpu))),
        (
            "memory".to_owned(),
            Quantity(ram.saturating_add(padding).to_string()),
        ),
    ]);
    let mut requests = BTreeMap::from([
        (
            "cpu".to_owned(),
            cpu_quantity(millis(cpu / s.cpu_over_commit_ratio)),
        ),
        ("memory".to_owned(), Quantity(request.to_string())),
    ]);
    if let Some(r) = &opts.resource_requirements {
        for (given, out) in [(&r.limits, &mut limits), (&r.requests, &mut requests)] {
            for key in ["cpu", "memory"] {
                if let Some(q) = given.as_ref().and_then(|m| m.get(key)) {
                    out.insert(key.to_owned(), q.clone());
                }
            }
        }
    }
    ResourceRequirements {
        limits: Some(limits),
        requests: Some(requests),
        claims: None,
    }
}

/// What the Service and the StatefulSet of a component share.
pub(crate) struct Job<'a> {
    pub name: &'a str,
    pub namespace: &'a str,
    pub selector: &'a BTreeMap<String, String>,
    pub labels: &'a BTreeMap<String, String>,
    pub opts: &'a RuntimeOpts,
    pub settings: &'a Settings<'a>,
}

/// The headless Service: one `grpc` port, selecting the pods.
pub(crate) fn service(job: &Job<'_>) -> Service {
    let Job {
        name,
        namespace,
        selector,
        labels,
        opts,
        settings: s,
    } = *job;
    Service {
        metadata: ObjectMeta {
            name: Some(name.to_owned()),
            namespace: Some(namespace.to_owned()),
            labels: Some(labels.clone()),
            annotations: opts.extra_annotations.clone().filter(|a| !a.is_empty()),
            ..ObjectMeta::default()
        },
        spec: Some(ServiceSpec {
            cluster_ip: Some("None".to_owned()),
            ports: Some(vec![ServicePort {
                name: Some("grpc".to_owned()),
                port: s.grpc_port,
                protocol: Some("TCP".to_owned()),
                ..ServicePort::default()
            }]),
            selector: Some(selector.clone()),
            ..ServiceSpec::default()
        }),
        status: None,
    }
}

/// What the pod template holds besides labels and the command.
pub(crate) struct Pod<'a> {
    pub runtime: Runtime,
    pub command: Vec<String>,
    pub resources: ResourceRequirements,
    pub secrets: &'a BTreeMap<String, Value>,
    /// The auth Secret's name, when the function has one.
    pub auth_secret: Option<String>,
    pub replicas: i32,
}

fn secret_env(secrets: &BTreeMap<String, Value>) -> Vec<EnvVar> {
    secrets
        .iter()
        .filter_map(|(name, v)| {
            let path = v.get("path")?.as_str()?;
            let key = v.get("key")?.as_str()?;
            Some(EnvVar {
                name: name.clone(),
                value_from: Some(EnvVarSource {
                    secret_key_ref: Some(SecretKeySelector {
                        name: path.to_owned(),
                        key: key.to_owned(),
                        optional: None,
                    }),
                    ..EnvVarSource::default()
                }),
                value: None,
            })
        })
        .collect()
}

/// The StatefulSet: `Parallel` pods, one per instance, with the function container.
pub(crate) fn stateful_set(job: &Job<'_>, pod: Pod<'_>, d: &mut Diagnostics) -> StatefulSet {
    let Job {
        name,
        namespace,
        selector,
        labels,
        opts,
        settings: s,
    } = *job;
    let image = s.image_for(
        match pod.runtime {
            Runtime::Java => "JAVA",
            Runtime::Python => "PYTHON",
            Runtime::Go => "GO",
        },
        d,
    );
    let mut env = vec![EnvVar {
        name: "POD_NAME".to_owned(),
        value_from: Some(EnvVarSource {
            field_ref: Some(ObjectFieldSelector {
                field_path: "metadata.name".to_owned(),
                api_version: None,
            }),
            ..EnvVarSource::default()
        }),
        value: None,
    }];
    if s.secrets == SecretsProvider::Kubernetes {
        env.extend(secret_env(pod.secrets));
    }
    let mut ports = vec![ContainerPort {
        name: Some("grpc".to_owned()),
        container_port: s.grpc_port,
        ..ContainerPort::default()
    }];
    let mut annotations = BTreeMap::new();
    if let Some(m) = s.metrics_port {
        ports.push(ContainerPort {
            name: Some("prometheus".to_owned()),
            container_port: m,
            ..ContainerPort::default()
        });
        annotations.insert("prometheus.io/scrape".to_owned(), "true".to_owned());
        annotations.insert("prometheus.io/port".to_owned(), m.to_string());
    }
    annotations.extend(opts.extra_annotations.clone().unwrap_or_default());
    let mut tolerations: Vec<Toleration> = TOLERATIONS
        .iter()
        .map(|key| Toleration {
            key: Some((*key).to_owned()),
            operator: Some("Exists".to_owned()),
            effect: Some("NoExecute".to_owned()),
            toleration_seconds: Some(10),
            value: None,
        })
        .collect();
    tolerations.extend(opts.tolerations.clone().unwrap_or_default());
    let (volumes, mounts) = match &pod.auth_secret {
        Some(secret) => (
            Some(vec![Volume {
                name: AUTH_VOLUME.to_owned(),
                secret: Some(SecretVolumeSource {
                    secret_name: Some(secret.clone()),
                    ..SecretVolumeSource::default()
                }),
                ..Volume::default()
            }]),
            Some(vec![VolumeMount {
                name: AUTH_VOLUME.to_owned(),
                mount_path: AUTH_MOUNT.to_owned(),
                read_only: Some(true),
                ..VolumeMount::default()
            }]),
        ),
        None => (None, None),
    };
    let container = Container {
        name: CONTAINER.to_owned(),
        image: Some(image),
        image_pull_policy: Some(s.image_pull_policy.clone()),
        command: Some(pod.command),
        env: Some(env),
        resources: Some(pod.resources),
        ports: Some(ports),
        volume_mounts: mounts,
        ..Container::default()
    };
    StatefulSet {
        metadata: ObjectMeta {
            name: Some(name.to_owned()),
            namespace: Some(namespace.to_owned()),
            labels: Some(labels.clone()),
            annotations: opts.extra_annotations.clone().filter(|a| !a.is_empty()),
            ..ObjectMeta::default()
        },
        spec: StatefulSetSpec {
            service_name: Some(name.to_owned()),
            replicas: Some(pod.replicas),
            pod_management_policy: Some("Parallel".to_owned()),
            selector: LabelSelector {
                match_labels: Some(selector.clone()),
                match_expressions: None,
            },
            template: PodTemplateSpec {
                metadata: Some(ObjectMeta {
                    labels: Some(
                        labels
                            .iter()
                            .filter(|(k, _)| k.as_str() != MANAGED_BY.0)
                            .map(|(k, v)| (k.clone(), v.clone()))
                            .collect(),
                    ),
                    annotations: Some(annotations).filter(|a| !a.is_empty()),
                    ..ObjectMeta::default()
                }),
                spec: Some(PodSpec {
                    termination_grace_period_seconds: Some(0),
                    tolerations: Some(tolerations),
                    node_selector: opts.node_selector_labels.clone().filter(|n| !n.is_empty()),
                    containers: vec![container],
                    volumes,
                    ..PodSpec::default()
                }),
            },
            ..StatefulSetSpec::default()
        },
        status: None,
    }
}

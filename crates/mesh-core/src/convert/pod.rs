//! The pod policy: labels, node selector, tolerations, affinity, service account, autoscaling
//! and the vertical pod autoscaler.

use std::collections::BTreeMap;

use k8s_openapi::api::core::v1::EnvVar;

use super::{CRO, CUSTOM};
use crate::Kind;
use crate::crd::{
    ContainerResourcePolicy, ContainerScalingMode, ControlledValues, PodPolicy, PodResourcePolicy,
    PodUpdatePolicy, UpdateMode, VpaSpec,
};
use crate::diag::{Diagnostics, join};
use crate::text::{non_empty, pick};
use crate::validate::k8s::label_key_problem;
use crate::worker::{CustomConfig, CustomRuntimeOptions};

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

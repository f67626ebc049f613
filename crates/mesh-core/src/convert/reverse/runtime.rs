//! `customRuntimeOptions` rebuilt from a CR: env, service account, images, log settings,
//! autoscaling.

use std::collections::BTreeMap;

use k8s_openapi::apimachinery::pkg::apis::meta::v1::ObjectMeta;
use serde::Serialize;

use crate::convert::Context;
use crate::convert::{CPU_RULES, MANAGED_ANNOTATION, MEMORY_RULES, with_tag};
use crate::crd::{self, ComponentSpec, PodPolicy, RuntimeLogConfig};
use crate::diag::Diagnostics;
use crate::text::non_empty;
use crate::worker::{
    CustomConfig, CustomRuntimeOptions, HpaSpec, VpaContainerPolicy, VpaSpec, VpaUpdatePolicy,
};

/// A CR enum as the string it serializes to.
pub(super) fn enum_name<T: Serialize>(value: &T) -> Option<String> {
    serde_json::to_value(value).ok()?.as_str().map(str::to_owned)
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

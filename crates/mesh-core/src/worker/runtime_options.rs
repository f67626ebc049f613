//! `customRuntimeOptions`: the per-component JSON document the worker service reads.

use std::collections::BTreeMap;

use k8s_openapi::api::autoscaling::v2::{HorizontalPodAutoscalerBehavior, MetricSpec};
use k8s_openapi::apimachinery::pkg::api::resource::Quantity;
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

use crate::diag::{Diagnostic, Diagnostics, join};
use crate::pulsar::{Extra, UnknownFields, warn_unknown};

/// The message the worker service gives for options that do not parse.
pub const CANNOT_BE_DESERIALIZED: &str = "customRuntimeOptions cannot be deserialized.";

/// The 13 options of the worker service's `CustomRuntimeOptions`, in its declaration order (the
/// order the reverse direction writes them in).
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct CustomRuntimeOptions {
    /// Cluster name when the worker has none.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub cluster_name: Option<String>,
    /// `spec.input.typeClassName` (functions, sinks).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub input_type_class_name: Option<String>,
    /// `spec.output.typeClassName` (functions, sources).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub output_type_class_name: Option<String>,
    /// `spec.maxReplicas` when above the replicas; gates the HPA (Java default 0).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub max_replicas: Option<i32>,
    /// Pod environment, highest priority.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub env: Option<BTreeMap<String, String>>,
    /// Vertical pod autoscaler.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub vpa_spec: Option<VpaSpec>,
    /// Whether the operator reconciles the CR (trusted mode only; Java default true).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub managed: Option<bool>,
    /// Pod service account (trusted mode, or `allowUserDefinedServiceAccountName`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub service_account_name: Option<String>,
    /// Runner image (trusted mode only).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub runner_image: Option<String>,
    /// Runtime log level.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub log_level: Option<String>,
    /// Log rotation policy.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub log_rotation_policy: Option<String>,
    /// Replaces the tag of the configured runner image.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub runner_image_tag: Option<String>,
    /// Horizontal pod autoscaler.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub hpa_spec: Option<HpaSpec>,
    /// Keys the worker service does not know; kept, and reported as warnings.
    #[serde(flatten, skip_serializing_if = "Extra::is_empty")]
    pub unknown: Extra,
}

impl CustomRuntimeOptions {
    /// Parses the options string of a component: absent, blank or `null` means all defaults;
    /// anything else must be a JSON object of the right shape, else every problem is reported as
    /// `customRuntimeOptions cannot be deserialized.` plus the precise reason, under `path`.
    pub fn parse(text: Option<&str>, path: &str) -> Result<CustomRuntimeOptions, Diagnostics> {
        let Some(text) = text.map(str::trim).filter(|t| !t.is_empty() && *t != "null") else {
            return Ok(CustomRuntimeOptions::default());
        };
        let fail = |reason: String, at: &str| {
            Diagnostic::error(join(path, at), format!("{CANNOT_BE_DESERIALIZED} {reason}"))
        };
        let value: serde_json::Value = serde_json::from_str(text)
            .map_err(|e| Diagnostics::from_iter([fail(format!("invalid JSON: {e}"), "")]))?;
        if !value.is_object() {
            return Err(Diagnostics::from_iter([fail(
                "expected a JSON object".to_owned(),
                "",
            )]));
        }
        crate::document::from_value(value)
            .map_err(|diags| diags.into_iter().map(|d| fail(d.message, &d.path)).collect())
    }

    /// `maxReplicas`, 0 when unset (the worker service's default).
    pub fn max_replicas(&self) -> i32 {
        self.max_replicas.unwrap_or(0)
    }

    /// `managed`, true when unset (the worker service's default).
    pub fn managed(&self) -> bool {
        self.managed.unwrap_or(true)
    }
}

impl UnknownFields for CustomRuntimeOptions {
    fn unknown_fields(&self, path: &str, out: &mut Diagnostics) {
        warn_unknown(&self.unknown, path, out);
        if let Some(v) = &self.vpa_spec {
            warn_unknown(&v.unknown, &join(path, "vpaSpec"), out);
        }
        if let Some(h) = &self.hpa_spec {
            warn_unknown(&h.unknown, &join(path, "hpaSpec"), out);
        }
    }
}

/// `vpaSpec` of the runtime options.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct VpaSpec {
    /// Update policy.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub update_policy: Option<VpaUpdatePolicy>,
    /// One policy per container.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub resource_policy: Option<Vec<VpaContainerPolicy>>,
    /// Keys not known; kept, and reported as warnings.
    #[serde(flatten, skip_serializing_if = "Extra::is_empty")]
    pub unknown: Extra,
}

/// `vpaSpec.updatePolicy`.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct VpaUpdatePolicy {
    /// `off`, `initial`, `recreate` or `auto`, any case.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub update_mode: Option<String>,
    /// Minimum live replicas during updates.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub min_replicas: Option<i32>,
}

/// One entry of `vpaSpec.resourcePolicy`.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct VpaContainerPolicy {
    /// Container the policy applies to.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub container_name: Option<String>,
    /// `off` or `auto`, any case.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub mode: Option<String>,
    /// Upper bounds.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub max_allowed: Option<BTreeMap<String, Quantity>>,
    /// Lower bounds.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub min_allowed: Option<BTreeMap<String, Quantity>>,
    /// Resources the VPA controls.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub controlled_resources: Option<Vec<String>>,
    /// `requestsonly` or `requestsandlimits`, any case.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub controlled_values: Option<String>,
}

/// `hpaSpec` of the runtime options.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct HpaSpec {
    /// `AverageUtilizationCPUPercent80`, `…50` or `…20`.
    #[serde(rename = "builtinCPURule", skip_serializing_if = "Option::is_none")]
    pub builtin_cpu_rule: Option<String>,
    /// `AverageUtilizationMemoryPercent80`, `…50` or `…20`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub builtin_memory_rule: Option<String>,
    /// Custom metrics (used when no built-in rule is given).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub auto_scaling_metrics: Option<Vec<MetricSpec>>,
    /// Scaling behaviour (used when no built-in rule is given).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub auto_scaling_behavior: Option<HorizontalPodAutoscalerBehavior>,
    /// Keys not known; kept, and reported as warnings.
    #[serde(flatten, skip_serializing_if = "Extra::is_empty")]
    pub unknown: Extra,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn blank_and_null_mean_defaults() {
        for text in [None, Some(""), Some("  "), Some("null"), Some(" null ")] {
            assert_eq!(
                CustomRuntimeOptions::parse(text, "customRuntimeOptions").unwrap(),
                CustomRuntimeOptions::default()
            );
        }
    }

    #[test]
    fn reads_every_option() {
        let o = CustomRuntimeOptions::parse(
            Some(r#"{"clusterName":"c","maxReplicas":4,"env":{"A":"b"},"managed":false,
                "hpaSpec":{"builtinCPURule":"AverageUtilizationCPUPercent80"},
                "vpaSpec":{"updatePolicy":{"updateMode":"auto"},"resourcePolicy":[{"containerName":"x","maxAllowed":{"cpu":"2"}}]}}"#),
            "customRuntimeOptions",
        )
        .unwrap();
        assert_eq!((o.max_replicas(), o.managed()), (4, false));
        assert_eq!(
            o.hpa_spec.unwrap().builtin_cpu_rule.as_deref(),
            Some("AverageUtilizationCPUPercent80")
        );
        let vpa = o.vpa_spec.unwrap();
        assert_eq!(
            vpa.resource_policy.unwrap()[0].max_allowed.as_ref().unwrap()["cpu"],
            Quantity("2".into())
        );
    }

    #[test]
    fn malformed_options_say_why() {
        let e = CustomRuntimeOptions::parse(Some("{not json"), "customRuntimeOptions").unwrap_err();
        let d = e.iter().next().unwrap();
        assert_eq!(d.path, "customRuntimeOptions");
        assert!(
            d.message
                .starts_with("customRuntimeOptions cannot be deserialized. invalid JSON: "),
            "{}",
            d.message
        );

        let e = CustomRuntimeOptions::parse(
            Some(r#"{"maxReplicas":"many","managed":3}"#),
            "customRuntimeOptions",
        )
        .unwrap_err();
        let paths: Vec<_> = e.iter().map(|d| d.path.as_str()).collect();
        assert_eq!(
            paths,
            ["customRuntimeOptions.managed", "customRuntimeOptions.maxReplicas"]
        );

        let e = CustomRuntimeOptions::parse(Some("[1,2]"), "customRuntimeOptions").unwrap_err();
        assert!(
            e.iter()
                .next()
                .unwrap()
                .message
                .ends_with("expected a JSON object")
        );
    }

    #[test]
    fn unknown_options_are_warnings() {
        let o = CustomRuntimeOptions::parse(Some(r#"{"jobName":"x"}"#), "customRuntimeOptions").unwrap();
        let w = o.unknown_field_warnings();
        assert_eq!(w.iter().next().unwrap().path, "jobName");
    }
}

//! `spec.pod`: the pod policy of a Function, Source or Sink.

use std::collections::BTreeMap;

use k8s_openapi::api::autoscaling::v2::{HorizontalPodAutoscalerBehavior, MetricSpec};
use k8s_openapi::api::core::v1::{
    Affinity, Container, EnvVar, LocalObjectReference, PodSecurityContext, Probe, Toleration, Volume,
};
use k8s_openapi::apimachinery::pkg::api::resource::Quantity;
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

/// `spec.pod`.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct PodPolicy {
    /// Affinity.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub affinity: Option<Affinity>,
    /// Pod annotations.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub annotations: Option<BTreeMap<String, String>>,
    /// HPA behaviour.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub auto_scaling_behavior: Option<HorizontalPodAutoscalerBehavior>,
    /// Custom HPA metrics.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub auto_scaling_metrics: Option<Vec<MetricSpec>>,
    /// Built-in HPA rules (`AverageUtilizationCPUPercent80`, …).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub builtin_autoscaler: Option<Vec<String>>,
    /// Do not add the operator's default anti-affinity.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub disable_default_affinity: Option<bool>,
    /// Container environment.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub env: Option<Vec<EnvVar>>,
    /// Image pull secrets.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub image_pull_secrets: Option<Vec<LocalObjectReference>>,
    /// Init containers.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub init_containers: Option<Vec<Container>>,
    /// Pod labels (merged over the operator's own).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub labels: Option<BTreeMap<String, String>>,
    /// Liveness probe settings.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub liveness: Option<Liveness>,
    /// Node selector.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub node_selector: Option<BTreeMap<String, String>>,
    /// Pod security context.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub security_context: Option<PodSecurityContext>,
    /// Service account.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub service_account_name: Option<String>,
    /// Sidecar containers.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub sidecars: Option<Vec<Container>>,
    /// Startup probe.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub startup_probe: Option<Probe>,
    /// Termination grace period.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub termination_grace_period_seconds: Option<i64>,
    /// Tolerations.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub tolerations: Option<Vec<Toleration>>,
    /// Volumes.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub volumes: Option<Vec<Volume>>,
    /// Vertical pod autoscaler.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub vpa: Option<VpaSpec>,
}

/// `spec.pod.liveness`.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct Liveness {
    /// Failure threshold.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub failure_threshold: Option<i32>,
    /// Initial delay.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub initial_delay_seconds: Option<i32>,
    /// Probe period.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub period_seconds: Option<i32>,
    /// Success threshold.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub success_threshold: Option<i32>,
}

/// `spec.pod.vpa`.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct VpaSpec {
    /// Resource policy.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub resource_policy: Option<PodResourcePolicy>,
    /// Update policy.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub update_policy: Option<PodUpdatePolicy>,
}

/// VPA update mode.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize, JsonSchema)]
pub enum UpdateMode {
    /// Recommend only.
    Off,
    /// Apply at pod creation.
    Initial,
    /// Evict to apply.
    Recreate,
    /// Apply automatically.
    Auto,
}

/// VPA container scaling mode.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize, JsonSchema)]
pub enum ContainerScalingMode {
    /// Scale the container.
    Auto,
    /// Leave it alone.
    Off,
}

/// Which values the VPA controls.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize, JsonSchema)]
pub enum ControlledValues {
    /// Requests and limits.
    RequestsAndLimits,
    /// Requests only.
    RequestsOnly,
}

/// `vpa.updatePolicy`.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct PodUpdatePolicy {
    /// Minimum live replicas during updates.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub min_replicas: Option<i32>,
    /// Update mode.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub update_mode: Option<UpdateMode>,
}

/// `vpa.resourcePolicy`.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct PodResourcePolicy {
    /// One policy per container.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub container_policies: Option<Vec<ContainerResourcePolicy>>,
}

/// One container's VPA policy.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct ContainerResourcePolicy {
    /// Container name.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub container_name: Option<String>,
    /// Controlled resources.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub controlled_resources: Option<Vec<String>>,
    /// Controlled values.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub controlled_values: Option<ControlledValues>,
    /// Upper bounds.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub max_allowed: Option<BTreeMap<String, Quantity>>,
    /// Lower bounds.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub min_allowed: Option<BTreeMap<String, Quantity>>,
    /// Scaling mode.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub mode: Option<ContainerScalingMode>,
}

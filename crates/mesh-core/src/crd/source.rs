//! The `Source` custom resource.

use std::collections::BTreeMap;

use k8s_openapi::api::core::v1::{ResourceRequirements, VolumeMount};
use kube::CustomResource;
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};
use serde_json::Value;

use super::common::{
    BatchSourceConfig, GenericRuntime, GoRuntime, JavaRuntime, LogTopicAgent, OutputConf,
    ProcessingGuarantee, PulsarMessaging, PythonRuntime, SecretRef, StatefulConfig,
};
use super::pod::PodPolicy;
use super::status::ComponentStatus;
use super::{free_form, min_replicas_schema, replicas_schema};

/// `spec` of a `Source` (`compute.functionmesh.io/v1alpha1`).
#[derive(CustomResource, Clone, Debug, Default, PartialEq, Serialize, Deserialize, JsonSchema)]
#[kube(
    group = "compute.functionmesh.io",
    version = "v1alpha1",
    kind = "Source",
    namespaced,
    status = "ComponentStatus",
    scale(
        spec_replicas_path = ".spec.replicas",
        status_replicas_path = ".status.replicas",
        label_selector_path = ".status.selector"
    ),
    derive = "PartialEq",
    doc = "A Pulsar IO source connector run by the Function Mesh operator."
)]
#[serde(rename_all = "camelCase")]
pub struct SourceSpec {
    /// Batch source settings.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub batch_source_config: Option<BatchSourceConfig>,
    /// Source class.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub class_name: Option<String>,
    /// Image of the subscription clean-up job.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub cleanup_image: Option<String>,
    /// Pulsar cluster.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub cluster_name: Option<String>,
    /// Image of the package downloader init container.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub downloader_image: Option<String>,
    /// Image of the log-shipping sidecar.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub filebeat_image: Option<String>,
    /// Forward message properties.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub forward_source_message_property: Option<bool>,
    /// Generic runtime.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub generic_runtime: Option<GenericRuntime>,
    /// Go runtime.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub golang: Option<GoRuntime>,
    /// Runner image.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub image: Option<String>,
    /// The image has wget.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub image_has_get: Option<bool>,
    /// The image has pulsarctl.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub image_has_pulsarctl: Option<bool>,
    /// Image pull policy.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub image_pull_policy: Option<String>,
    /// Java runtime.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub java: Option<JavaRuntime>,
    /// Log topic.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub log_topic: Option<String>,
    /// Who ships logs to the log topic.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub log_topic_agent: Option<LogTopicAgent>,
    /// Maximum instances (HPA).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub max_replicas: Option<i32>,
    /// Minimum instances (HPA).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schemars(schema_with = "min_replicas_schema")]
    pub min_replicas: Option<i32>,
    /// Pulsar source name.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    /// Pulsar namespace.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub namespace: Option<String>,
    /// Output.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub output: Option<OutputConf>,
    /// Pod policy.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub pod: Option<PodPolicy>,
    /// Delivery semantics.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub processing_guarantee: Option<ProcessingGuarantee>,
    /// How the instance reaches Pulsar.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub pulsar: Option<PulsarMessaging>,
    /// How the downloader reaches Pulsar's package service.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub pulsar_package_service: Option<PulsarMessaging>,
    /// Python runtime.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub python: Option<PythonRuntime>,
    /// Instances.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schemars(schema_with = "replicas_schema")]
    pub replicas: Option<i32>,
    /// Container resources.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub resources: Option<ResourceRequirements>,
    /// Extra runtime flags.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub runtime_flags: Option<String>,
    /// Secrets as environment variables.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub secrets_map: Option<BTreeMap<String, SecretRef>>,
    /// Show the precise parallelism.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub show_precise_parallelism: Option<bool>,
    /// Connector config.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schemars(schema_with = "free_form")]
    pub source_config: Option<BTreeMap<String, Value>>,
    /// Built-in source type.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub source_type: Option<String>,
    /// State store.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub stateful_config: Option<StatefulConfig>,
    /// Pulsar tenant.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub tenant: Option<String>,
    /// Volume mounts of the container.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub volume_mounts: Option<Vec<VolumeMount>>,
}

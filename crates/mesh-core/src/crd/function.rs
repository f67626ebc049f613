//! The `Function` custom resource.

use std::collections::BTreeMap;

use k8s_openapi::api::apps::v1::StatefulSetPersistentVolumeClaimRetentionPolicy;
use k8s_openapi::api::core::v1::{PersistentVolumeClaim, ResourceRequirements, VolumeMount};
use kube::CustomResource;
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};
use serde_json::Value;

use super::common::{
    GenericRuntime, GoRuntime, InputConf, JavaRuntime, LogTopicAgent, OutputConf, ProcessingGuarantee,
    PulsarMessaging, PythonRuntime, SecretRef, SinkConnectorSpec, SourceConnectorSpec, StatefulConfig,
    SubscriptionPosition, WindowConfig,
};
use super::pod::PodPolicy;
use super::status::ComponentStatus;
use super::{free_form, min_replicas_schema, replicas_schema};

/// `spec` of a `Function` (`compute.functionmesh.io/v1alpha1`).
#[derive(CustomResource, Clone, Debug, Default, PartialEq, Serialize, Deserialize, JsonSchema)]
#[kube(
    group = "compute.functionmesh.io",
    version = "v1alpha1",
    kind = "Function",
    namespaced,
    status = "ComponentStatus",
    scale(
        spec_replicas_path = ".spec.replicas",
        status_replicas_path = ".status.replicas",
        label_selector_path = ".status.selector"
    ),
    derive = "PartialEq",
    doc = "A Pulsar Function run by the Function Mesh operator."
)]
#[serde(rename_all = "camelCase")]
pub struct FunctionSpec {
    /// Acknowledge automatically.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub auto_ack: Option<bool>,
    /// Function class.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub class_name: Option<String>,
    /// Image of the subscription clean-up job.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub cleanup_image: Option<String>,
    /// Delete the subscription with the function.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub cleanup_subscription: Option<bool>,
    /// Pulsar cluster.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub cluster_name: Option<String>,
    /// Dead-letter topic.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub dead_letter_topic: Option<String>,
    /// Image of the package downloader init container.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub downloader_image: Option<String>,
    /// Image of the log-shipping sidecar.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub filebeat_image: Option<String>,
    /// Forward input message properties.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub forward_source_message_property: Option<bool>,
    /// User config.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schemars(schema_with = "free_form")]
    pub func_config: Option<BTreeMap<String, Value>>,
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
    /// Inputs.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub input: Option<InputConf>,
    /// Java runtime.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub java: Option<JavaRuntime>,
    /// Log topic.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub log_topic: Option<String>,
    /// Who ships logs to the log topic.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub log_topic_agent: Option<LogTopicAgent>,
    /// Retries before the dead-letter topic.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub max_message_retry: Option<i32>,
    /// Maximum pending async requests.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub max_pending_async_requests: Option<i32>,
    /// Maximum instances (HPA).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub max_replicas: Option<i32>,
    /// Minimum instances (HPA).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schemars(schema_with = "min_replicas_schema")]
    pub min_replicas: Option<i32>,
    /// Pulsar function name.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    /// Pulsar namespace.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub namespace: Option<String>,
    /// Output.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub output: Option<OutputConf>,
    /// Retention of those claims.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub persistent_volume_claim_retention_policy: Option<StatefulSetPersistentVolumeClaimRetentionPolicy>,
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
    /// Key-shared subscription.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub retain_key_ordering: Option<bool>,
    /// Failover subscription.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub retain_ordering: Option<bool>,
    /// Extra runtime flags.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub runtime_flags: Option<String>,
    /// Secrets as environment variables.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub secrets_map: Option<BTreeMap<String, SecretRef>>,
    /// Show the precise parallelism.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub show_precise_parallelism: Option<bool>,
    /// A sink connector run inside the function.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub sink_config: Option<SinkConnectorSpec>,
    /// Skip to the latest message on restart.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub skip_to_latest: Option<bool>,
    /// A source connector run inside the function.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub source_config: Option<SourceConnectorSpec>,
    /// State store.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub stateful_config: Option<StatefulConfig>,
    /// Subscription name.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub subscription_name: Option<String>,
    /// Initial subscription position.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub subscription_position: Option<SubscriptionPosition>,
    /// Pulsar tenant.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub tenant: Option<String>,
    /// Message timeout in milliseconds.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub timeout: Option<i32>,
    /// Volume claim templates.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub volume_claim_templates: Option<Vec<PersistentVolumeClaim>>,
    /// Volume mounts of the container.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub volume_mounts: Option<Vec<VolumeMount>>,
    /// Window settings.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub window_config: Option<WindowConfig>,
}

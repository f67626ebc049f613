//! Status of the Function Mesh resources, as the operator writes it.

use std::collections::BTreeMap;

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

/// One component's condition.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
pub struct ResourceCondition {
    /// What the operator is doing about it.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub action: Option<String>,
    /// Condition type (`Ready`, …).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub condition: Option<String>,
    /// `True`, `False` or `Unknown`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub status: Option<String>,
}

/// `status` of a Function, Source or Sink.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct ComponentStatus {
    /// Conditions by sub-resource (`StatefulSet`, `Service`, `HPA`, …).
    #[serde(default)]
    #[schemars(transform = no_default)]
    pub conditions: BTreeMap<String, ResourceCondition>,
    /// Revision of the global backend config applied.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub global_backend_config_revision: Option<String>,
    /// Revision of the namespaced backend config applied.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub namespaced_backend_config_revision: Option<String>,
    /// Generation the status describes.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub observed_generation: Option<i64>,
    /// A change waiting to be applied.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub pending_change: Option<String>,
    /// Replicas running.
    #[serde(default)]
    #[schemars(transform = no_default)]
    pub replicas: i32,
    /// Label selector of the pods.
    #[serde(default)]
    #[schemars(transform = no_default)]
    pub selector: String,
}

/// `status` of a FunctionMesh.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct FunctionMeshStatus {
    /// The mesh's own condition.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub condition: Option<ResourceCondition>,
    /// Conditions of the functions, by name.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub function_conditions: Option<BTreeMap<String, ResourceCondition>>,
    /// Generation the status describes.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub observed_generation: Option<i64>,
    /// Conditions of the sinks, by name.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub sink_conditions: Option<BTreeMap<String, ResourceCondition>>,
    /// Conditions of the sources, by name.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub source_conditions: Option<BTreeMap<String, ResourceCondition>>,
}

/// Drops the `default` serde's `#[serde(default)]` puts in the schema: the operator's CRD has
/// none for status fields, and Kubernetes 1.20 rejects an empty-string default (`"null"`).
fn no_default(schema: &mut schemars::Schema) {
    schema.remove("default");
}

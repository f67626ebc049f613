//! The `FunctionMesh` custom resource: several functions, sources and sinks deployed together.

use kube::CustomResource;
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

use super::function::FunctionSpec;
use super::sink::SinkSpec;
use super::source::SourceSpec;
use super::status::FunctionMeshStatus;

/// `spec` of a `FunctionMesh` (`compute.functionmesh.io/v1alpha1`).
#[derive(CustomResource, Clone, Debug, Default, PartialEq, Serialize, Deserialize, JsonSchema)]
#[kube(
    group = "compute.functionmesh.io",
    version = "v1alpha1",
    kind = "FunctionMesh",
    plural = "functionmeshes",
    namespaced,
    status = "FunctionMeshStatus",
    derive = "PartialEq",
    doc = "A bundle of functions, sources and sinks managed as one unit."
)]
#[serde(rename_all = "camelCase")]
pub struct FunctionMeshSpec {
    /// Functions.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub functions: Option<Vec<FunctionSpec>>,
    /// Sinks.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub sinks: Option<Vec<SinkSpec>>,
    /// Sources.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub sources: Option<Vec<SourceSpec>>,
}

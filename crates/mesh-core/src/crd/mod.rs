//! Function Mesh `compute.functionmesh.io/v1alpha1` resources: `Function`, `Source`, `Sink` and
//! `FunctionMesh`, with every field of the operator's CRDs. Embedded Kubernetes objects use
//! `k8s-openapi` types; optional fields are `Option` and nothing empty is serialized.
//!
//! Fields are declared in byte order of their JSON names, as `k8s-openapi` declares its own: the
//! typed serialization is then already sorted, as a `serde_json::Value` would be, and the YAML
//! writer has nothing to reorder (the `crd_field_order` test checks every field).
//!
//! Our own CRDs are generated from these types ([`crds`]); a test walks the operator's CRDs and
//! checks that every property path exists here with a compatible type and the same enum.

mod common;
mod function;
mod mesh;
mod pod;
mod sink;
mod source;
mod spec;
mod status;

pub use common::{
    AuthConfig, BatchSourceConfig, ConsumerConfig, CryptoConfig, CryptoSecret, GenericAuth, GenericRuntime,
    GoRuntime, InputConf, JavaRuntime, Log4jConfigFileType, LogConfigRef, LogFormat, LogLevel, LogTopicAgent,
    OAuth2Config, OutputConf, ProcessingGuarantee, ProducerConfig, PulsarMessaging, PulsarStateStore,
    PulsarStateStoreJavaProvider, PythonRuntime, RotatePolicy, RuntimeLogConfig, SecretRef,
    SinkConnectorSpec, SourceConnectorSpec, StatefulConfig, SubscriptionPosition, TlsConfig, WindowConfig,
};
pub use function::{Function, FunctionSpec};
pub use mesh::{FunctionMesh, FunctionMeshSpec};
pub use pod::{
    ContainerResourcePolicy, ContainerScalingMode, ControlledValues, Liveness, PodPolicy, PodResourcePolicy,
    PodUpdatePolicy, UpdateMode, VpaSpec,
};
pub use sink::{Sink, SinkSpec};
pub use source::{Source, SourceSpec};
pub use spec::ComponentSpec;
pub use status::{ComponentStatus, FunctionMeshStatus, ResourceCondition};

use k8s_openapi::apiextensions_apiserver::pkg::apis::apiextensions::v1::CustomResourceDefinition;
use kube::CustomResourceExt;
use schemars::{Schema, SchemaGenerator, json_schema};

/// The API group of every Function Mesh resource.
pub const GROUP: &str = "compute.functionmesh.io";
/// The API version mesh reads and writes.
pub const VERSION: &str = "v1alpha1";
/// `apiVersion` of every Function Mesh resource.
pub const API_VERSION: &str = "compute.functionmesh.io/v1alpha1";

/// Our generated CRDs, in the order Function, Source, Sink, FunctionMesh.
pub fn crds() -> Vec<CustomResourceDefinition> {
    vec![Function::crd(), Source::crd(), Sink::crd(), FunctionMesh::crd()]
}

/// A free-form object whose unknown fields the API server keeps.
pub(crate) fn free_form(_: &mut SchemaGenerator) -> Schema {
    json_schema!({"type": "object", "x-kubernetes-preserve-unknown-fields": true})
}

/// `replicas`: an int32 of at least 0.
pub(crate) fn replicas_schema(_: &mut SchemaGenerator) -> Schema {
    json_schema!({"type": "integer", "format": "int32", "minimum": 0})
}

/// `minReplicas`: an int32 of at least 0, defaulting to 1.
pub(crate) fn min_replicas_schema(_: &mut SchemaGenerator) -> Schema {
    json_schema!({"type": "integer", "format": "int32", "minimum": 0, "default": 1})
}

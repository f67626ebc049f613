//! The objects a store holds: Function Mesh resources and the Secrets they refer to, as JSON
//! values (what `mesh convert` produces), with their kind, name and Pulsar identity.

use std::collections::BTreeMap;

use mesh_core::identity::Claim;
use serde_json::Value;

use crate::StoreError;

/// The kinds of object mesh manages.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum ResourceKind {
    /// `compute.functionmesh.io/v1alpha1` `Function`.
    Function,
    /// `compute.functionmesh.io/v1alpha1` `Source`.
    Source,
    /// `compute.functionmesh.io/v1alpha1` `Sink`.
    Sink,
    /// `compute.functionmesh.io/v1alpha1` `FunctionMesh`.
    FunctionMesh,
    /// `v1` `Secret` (client auth and TLS for a component).
    Secret,
    /// `v1` `ConfigMap` (the Pulsar cluster's URLs the resources refer to).
    ConfigMap,
}

impl ResourceKind {
    /// Every kind, in apply order: ConfigMaps and Secrets before the resources that use them.
    pub const ALL: [ResourceKind; 6] = [
        ResourceKind::ConfigMap,
        ResourceKind::Secret,
        ResourceKind::Function,
        ResourceKind::Source,
        ResourceKind::Sink,
        ResourceKind::FunctionMesh,
    ];

    /// The kind as objects spell it.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Function => "Function",
            Self::Source => "Source",
            Self::Sink => "Sink",
            Self::FunctionMesh => "FunctionMesh",
            Self::Secret => "Secret",
            Self::ConfigMap => "ConfigMap",
        }
    }

    /// Lower case, as in directory paths: `function`, `functionmesh`, `secret`.
    pub fn lower(self) -> &'static str {
        match self {
            Self::Function => "function",
            Self::Source => "source",
            Self::Sink => "sink",
            Self::FunctionMesh => "functionmesh",
            Self::Secret => "secret",
            Self::ConfigMap => "configmap",
        }
    }

    /// The API server's plural resource name.
    pub fn plural(self) -> &'static str {
        match self {
            Self::Function => "functions",
            Self::Source => "sources",
            Self::Sink => "sinks",
            Self::FunctionMesh => "functionmeshes",
            Self::Secret => "secrets",
            Self::ConfigMap => "configmaps",
        }
    }

    /// What the API server calls the kind, from its Rust type (the CRD's derive, or
    /// k8s-openapi's `Secret` and `ConfigMap`).
    pub fn api_resource(self) -> kube::core::ApiResource {
        use kube::core::ApiResource;
        match self {
            Self::Function => ApiResource::erase::<mesh_core::crd::Function>(&()),
            Self::Source => ApiResource::erase::<mesh_core::crd::Source>(&()),
            Self::Sink => ApiResource::erase::<mesh_core::crd::Sink>(&()),
            Self::FunctionMesh => ApiResource::erase::<mesh_core::crd::FunctionMesh>(&()),
            Self::Secret => ApiResource::erase::<k8s_openapi::api::core::v1::Secret>(&()),
            Self::ConfigMap => ApiResource::erase::<k8s_openapi::api::core::v1::ConfigMap>(&()),
        }
    }

    /// `apiVersion` of the kind.
    pub fn api_version(self) -> &'static str {
        match self {
            Self::Secret | Self::ConfigMap => "v1",
            _ => mesh_core::crd::API_VERSION,
        }
    }

    /// The kind of a Pulsar component.
    pub fn of(kind: mesh_core::Kind) -> Self {
        match kind {
            mesh_core::Kind::Function => Self::Function,
            mesh_core::Kind::Source => Self::Source,
            mesh_core::Kind::Sink => Self::Sink,
        }
    }

    /// The kind named by an object's `apiVersion` and `kind`.
    pub fn from_object(v: &Value) -> Option<Self> {
        let api = v.get("apiVersion")?.as_str()?;
        let kind = v.get("kind")?.as_str()?;
        Self::ALL
            .into_iter()
            .find(|k| k.api_version() == api && k.as_str() == kind)
    }
}

impl std::fmt::Display for ResourceKind {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

/// Where an object lives: kind, Kubernetes namespace and name.
#[derive(Clone, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct ObjectKey {
    /// Its kind.
    pub kind: ResourceKind,
    /// Its Kubernetes namespace.
    pub namespace: String,
    /// Its name.
    pub name: String,
}

impl ObjectKey {
    /// The key of `object`, whose namespace defaults to `default_namespace`.
    pub fn of(object: &Value, default_namespace: &str) -> Result<Self, StoreError> {
        let kind = ResourceKind::from_object(object).ok_or_else(|| {
            StoreError::rule(format!(
                "`{}` `{}` is not a resource mesh manages",
                object.get("apiVersion").and_then(Value::as_str).unwrap_or(""),
                object.get("kind").and_then(Value::as_str).unwrap_or("")
            ))
        })?;
        let meta = object.get("metadata");
        let name = meta
            .and_then(|m| m.get("name"))
            .and_then(Value::as_str)
            .filter(|n| !n.is_empty())
            .ok_or_else(|| StoreError::rule("metadata.name is missing"))?;
        let namespace = meta
            .and_then(|m| m.get("namespace"))
            .and_then(Value::as_str)
            .filter(|n| !n.is_empty())
            .unwrap_or(default_namespace);
        Ok(Self {
            kind,
            namespace: namespace.to_owned(),
            name: name.to_owned(),
        })
    }
}

impl std::fmt::Display for ObjectKey {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{} {}/{}", self.kind, self.namespace, self.name)
    }
}

/// Which objects to list: a kind, optionally one Kubernetes namespace, and the Pulsar identity
/// parts that are given (matched on the reserved labels).
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Selector {
    /// Kubernetes namespace; `None` for every namespace.
    pub namespace: Option<String>,
    /// Pulsar cluster.
    pub cluster: Option<String>,
    /// Pulsar tenant.
    pub tenant: Option<String>,
    /// Pulsar namespace.
    pub pulsar_namespace: Option<String>,
    /// Component name.
    pub component: Option<String>,
}

/// The value of an object's reserved claim (its `compute.functionmesh.io/pulsar-<claim>` label).
pub fn claim(object: &Value, claim: Claim) -> Option<&str> {
    object.get("metadata")?.get("labels")?.get(claim.key())?.as_str()
}

impl Selector {
    /// What selects the component of `object`: its namespace and its reserved claims, which
    /// its pods carry too.
    pub fn of_object(object: &Value) -> Self {
        let get = |c: Claim| claim(object, c).map(str::to_owned);
        Self {
            namespace: object
                .pointer("/metadata/namespace")
                .and_then(Value::as_str)
                .map(str::to_owned),
            cluster: get(Claim::Cluster),
            tenant: get(Claim::Tenant),
            pulsar_namespace: get(Claim::Namespace),
            component: get(Claim::Component),
        }
    }

    /// The reserved labels the selector requires.
    pub fn labels(&self) -> Vec<(&'static str, &str)> {
        [
            (Claim::Cluster, &self.cluster),
            (Claim::Tenant, &self.tenant),
            (Claim::Namespace, &self.pulsar_namespace),
            (Claim::Component, &self.component),
        ]
        .into_iter()
        .filter_map(|(claim, v)| v.as_deref().map(|v| (claim.key(), v)))
        .collect()
    }

    /// As a Kubernetes label selector (`k=v,k=v`).
    pub fn label_selector(&self) -> String {
        self.labels()
            .iter()
            .map(|(k, v)| format!("{k}={v}"))
            .collect::<Vec<_>>()
            .join(",")
    }

    /// Whether an object's labels satisfy the selector.
    pub fn matches(&self, object: &Value) -> bool {
        let labels: BTreeMap<&str, &str> = object
            .pointer("/metadata/labels")
            .and_then(Value::as_object)
            .map(|m| {
                m.iter()
                    .filter_map(|(k, v)| Some((k.as_str(), v.as_str()?)))
                    .collect()
            })
            .unwrap_or_default();
        self.labels().iter().all(|(k, v)| labels.get(*k) == Some(v))
    }
}

/// What an apply did.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Applied {
    /// The object did not exist.
    Created,
    /// The object changed.
    Updated,
    /// The object was already as asked.
    Unchanged,
}

/// How to apply.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct ApplyOptions {
    /// Check everything, change nothing (the API server's dry run).
    pub dry_run: bool,
    /// Take over fields another field manager owns.
    pub force_conflicts: bool,
}

/// An object's status, if it has one.
pub fn status_of(object: &Value) -> Option<&Value> {
    object.get("status").filter(|s| !s.is_null())
}

/// The part of a stored object its writer owns: `apiVersion`, `kind`, `spec`, `data`/`type`
/// (Secrets), and of the metadata the name, namespace, labels, annotations and owner
/// references. What a server adds (uid, resourceVersion, managed fields, status) is left out,
/// so that a read-modify-write can apply the result.
pub fn desired(object: &Value) -> Value {
    let mut out = serde_json::Map::new();
    for key in ["apiVersion", "kind", "spec", "data", "stringData", "type"] {
        if let Some(v) = object.get(key) {
            out.insert(key.to_owned(), v.clone());
        }
    }
    let meta: serde_json::Map<String, Value> =
        ["name", "namespace", "labels", "annotations", "ownerReferences"]
            .into_iter()
            .filter_map(|k| Some((k.to_owned(), object.get("metadata")?.get(k)?.clone())))
            .collect();
    out.insert("metadata".to_owned(), Value::Object(meta));
    Value::Object(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The names the stores spell (directory paths, errors, label selectors) are the ones the
    /// API server knows the types by.
    #[test]
    fn kind_names_are_those_of_the_types() {
        for kind in ResourceKind::ALL {
            let ar = kind.api_resource();
            assert_eq!(
                (kind.as_str(), kind.plural(), kind.api_version()),
                (ar.kind.as_str(), ar.plural.as_str(), ar.api_version.as_str()),
                "{kind:?}"
            );
        }
    }
}

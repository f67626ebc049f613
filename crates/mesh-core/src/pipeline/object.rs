//! What the pipeline produces, typed: the CRs, their Secrets, configs read back, and resources
//! passed through as given.

use k8s_openapi::api::apps::v1::StatefulSet;
use k8s_openapi::api::core::v1::{ConfigMap, Secret, Service};
use serde::Serialize;
use serde_json::Value;

use crate::convert::Component;
use crate::crd::{Function, FunctionMesh, Sink, Source};

/// One object of a result.
#[derive(Clone, Debug, PartialEq)]
pub enum Object {
    /// A `Function` CR.
    Function(Box<Function>),
    /// A `Source` CR.
    Source(Box<Source>),
    /// A `Sink` CR.
    Sink(Box<Sink>),
    /// A `FunctionMesh` CR.
    FunctionMesh(Box<FunctionMesh>),
    /// A Secret a CR refers to.
    Secret(Box<Secret>),
    /// The Pulsar cluster ConfigMap CRs refer to (`--cluster-config`).
    ConfigMap(Box<ConfigMap>),
    /// The headless Service of Pulsar's Kubernetes runtime (`--to statefulset`).
    Service(Box<Service>),
    /// The StatefulSet of Pulsar's Kubernetes runtime (`--to statefulset`).
    StatefulSet(Box<StatefulSet>),
    /// A Pulsar config (a CR read back).
    Config(Component),
    /// A document passed on as it was given (a resource `mesh apply` admits).
    Given(Value),
}

impl Object {
    /// The object as JSON, which the stores take.
    pub fn to_value(&self) -> Result<Value, serde_json::Error> {
        match self {
            Self::Given(v) => Ok(v.clone()),
            other => serde_json::to_value(other),
        }
    }

    /// The object as JSON, without a copy for a given document.
    pub fn into_value(self) -> Result<Value, serde_json::Error> {
        match self {
            Self::Given(v) => Ok(v),
            other => serde_json::to_value(&other),
        }
    }
}

impl Serialize for Object {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        match self {
            Self::Function(o) => o.serialize(s),
            Self::Source(o) => o.serialize(s),
            Self::Sink(o) => o.serialize(s),
            Self::FunctionMesh(o) => o.serialize(s),
            Self::Secret(o) => o.serialize(s),
            Self::ConfigMap(o) => o.serialize(s),
            Self::Service(o) => o.serialize(s),
            Self::StatefulSet(o) => o.serialize(s),
            Self::Config(c) => crate::convert::each_kind!(c, c: _C => c.serialize(s)),
            Self::Given(v) => v.serialize(s),
        }
    }
}

macro_rules! boxed_from {
    ($($variant:ident($t:ty)),*) => {$(
        impl From<$t> for Object {
            fn from(o: $t) -> Self {
                Self::$variant(Box::new(o))
            }
        }
    )*};
}

boxed_from!(
    Function(Function),
    Source(Source),
    Sink(Sink),
    FunctionMesh(FunctionMesh),
    Secret(Secret)
);

impl From<Component> for Object {
    fn from(c: Component) -> Self {
        Self::Config(c)
    }
}

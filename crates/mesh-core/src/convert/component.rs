//! The three Pulsar components as one model: [`PulsarComponent`] says, once per kind, which CR a
//! config becomes and which rules apply in each direction; [`Component`] holds any one of them and
//! dispatches to its kind once.
//!
//! kube's `Resource` trait plays the same part for Kubernetes kinds: code that handles "a
//! component" is written once, generic over the kind, instead of once per kind.

use k8s_openapi::apimachinery::pkg::apis::meta::v1::ObjectMeta;
use kube::core::object::HasSpec;
use serde::Serialize;
use serde::de::DeserializeOwned;
use serde_json::Value;

use super::reverse::{self, ReverseOutcome};
use super::{Context, Outcome};
use crate::Kind;
use crate::crd::{
    ComponentSpec, Function, FunctionMeshSpec, FunctionSpec, Sink, SinkSpec, Source, SourceSpec,
};
use crate::diag::{Diagnostic, Diagnostics};
use crate::pipeline::Object;
use crate::pulsar::{FunctionConfig, Runtime, SinkConfig, SourceConfig, update};
use crate::validate::webhook;

/// A Pulsar config kind and everything mesh does with it.
pub trait PulsarComponent:
    Clone + PartialEq + Serialize + DeserializeOwned + Into<Component> + Sized
{
    /// The kind.
    const KIND: Kind;
    /// The Function Mesh CR a config of this kind becomes.
    type Resource: Clone + Serialize + DeserializeOwned + Into<Object> + HasSpec<Spec = Self::Spec>;
    /// The spec of [`Self::Resource`], as a `FunctionMesh` lists its members.
    type Spec: Clone + Default + ComponentSpec;

    /// Pulsar's inference and validation, the worker service's rules and the operator's
    /// admission checks: the config as its CR and secrets.
    fn convert(self, ctx: &Context<'_>) -> Outcome<Self::Resource>;
    /// The CR read back as the config that produces it.
    fn reverse(resource: &Self::Resource, ctx: &Context<'_>) -> ReverseOutcome<Self>;
    /// The operator's admission checks on a CR of this kind.
    fn admit(resource: &Self::Resource, origin: webhook::Origin) -> Diagnostics;
    /// Pulsar's update: `new` merged into `stored`.
    fn merge(stored: &Self, new: &Self) -> Result<Self, Diagnostics>;

    /// The tenant, namespace and name fields.
    fn identity_mut(&mut self) -> [&mut Option<String>; 3];
    /// Names the package of a request (`url`) in the config when it names none.
    fn default_package(&mut self, url: &str);

    /// A CR of this kind around a `FunctionMesh` member's spec.
    fn resource(metadata: ObjectMeta, spec: Self::Spec) -> Self::Resource;
    /// The spec of a CR of this kind.
    fn spec(mut resource: Self::Resource) -> Self::Spec {
        std::mem::take(resource.spec_mut())
    }
    /// The members of this kind in a `FunctionMesh`.
    fn members(mesh: &mut FunctionMeshSpec) -> &mut Option<Vec<Self::Spec>>;
}

fn empty(s: Option<&String>) -> bool {
    s.is_none_or(String::is_empty)
}

impl PulsarComponent for FunctionConfig {
    const KIND: Kind = Kind::Function;
    type Resource = Function;
    type Spec = FunctionSpec;

    fn convert(self, ctx: &Context<'_>) -> Outcome<Function> {
        super::function(self, ctx)
    }
    fn reverse(resource: &Function, ctx: &Context<'_>) -> ReverseOutcome<Self> {
        reverse::function(resource, ctx)
    }
    fn admit(resource: &Function, origin: webhook::Origin) -> Diagnostics {
        webhook::function(resource, origin)
    }
    fn merge(stored: &Self, new: &Self) -> Result<Self, Diagnostics> {
        update::function(stored, new)
    }
    fn identity_mut(&mut self) -> [&mut Option<String>; 3] {
        [&mut self.tenant, &mut self.namespace, &mut self.name]
    }
    fn default_package(&mut self, url: &str) {
        if empty(self.jar.as_ref()) && empty(self.py.as_ref()) && empty(self.go.as_ref()) {
            let slot = match self.runtime {
                Some(Runtime::Python) => &mut self.py,
                Some(Runtime::Go) => &mut self.go,
                _ => &mut self.jar,
            };
            *slot = Some(url.to_owned());
        }
    }
    fn resource(metadata: ObjectMeta, spec: FunctionSpec) -> Function {
        Function {
            metadata,
            spec,
            status: None,
        }
    }
    fn members(mesh: &mut FunctionMeshSpec) -> &mut Option<Vec<FunctionSpec>> {
        &mut mesh.functions
    }
}

impl PulsarComponent for SourceConfig {
    const KIND: Kind = Kind::Source;
    type Resource = Source;
    type Spec = SourceSpec;

    fn convert(self, ctx: &Context<'_>) -> Outcome<Source> {
        super::source(self, ctx)
    }
    fn reverse(resource: &Source, ctx: &Context<'_>) -> ReverseOutcome<Self> {
        reverse::source(resource, ctx)
    }
    fn admit(resource: &Source, origin: webhook::Origin) -> Diagnostics {
        webhook::source(resource, origin)
    }
    fn merge(stored: &Self, new: &Self) -> Result<Self, Diagnostics> {
        update::source(stored, new)
    }
    fn identity_mut(&mut self) -> [&mut Option<String>; 3] {
        [&mut self.tenant, &mut self.namespace, &mut self.name]
    }
    fn default_package(&mut self, url: &str) {
        if empty(self.archive.as_ref()) {
            self.archive = Some(url.to_owned());
        }
    }
    fn resource(metadata: ObjectMeta, spec: SourceSpec) -> Source {
        Source {
            metadata,
            spec,
            status: None,
        }
    }
    fn members(mesh: &mut FunctionMeshSpec) -> &mut Option<Vec<SourceSpec>> {
        &mut mesh.sources
    }
}

impl PulsarComponent for SinkConfig {
    const KIND: Kind = Kind::Sink;
    type Resource = Sink;
    type Spec = SinkSpec;

    fn convert(self, ctx: &Context<'_>) -> Outcome<Sink> {
        super::sink(self, ctx)
    }
    fn reverse(resource: &Sink, ctx: &Context<'_>) -> ReverseOutcome<Self> {
        reverse::sink(resource, ctx)
    }
    fn admit(resource: &Sink, origin: webhook::Origin) -> Diagnostics {
        webhook::sink(resource, origin)
    }
    fn merge(stored: &Self, new: &Self) -> Result<Self, Diagnostics> {
        update::sink(stored, new)
    }
    fn identity_mut(&mut self) -> [&mut Option<String>; 3] {
        [&mut self.tenant, &mut self.namespace, &mut self.name]
    }
    fn default_package(&mut self, url: &str) {
        if empty(self.archive.as_ref()) {
            self.archive = Some(url.to_owned());
        }
    }
    fn resource(metadata: ObjectMeta, spec: SinkSpec) -> Sink {
        Sink {
            metadata,
            spec,
            status: None,
        }
    }
    fn members(mesh: &mut FunctionMeshSpec) -> &mut Option<Vec<SinkSpec>> {
        &mut mesh.sinks
    }
}

/// Any one Pulsar config.
#[derive(Clone, Debug, PartialEq)]
pub enum Component {
    /// A function.
    Function(Box<FunctionConfig>),
    /// A source.
    Source(Box<SourceConfig>),
    /// A sink.
    Sink(Box<SinkConfig>),
}

impl From<FunctionConfig> for Component {
    fn from(c: FunctionConfig) -> Self {
        Self::Function(Box::new(c))
    }
}

impl From<SourceConfig> for Component {
    fn from(c: SourceConfig) -> Self {
        Self::Source(Box::new(c))
    }
}

impl From<SinkConfig> for Component {
    fn from(c: SinkConfig) -> Self {
        Self::Sink(Box::new(c))
    }
}

/// Runs `$body` with `$c` bound to the config inside `$component`, typed as its kind; `$C` names
/// that kind's type. The one place that matches the three kinds.
macro_rules! each_kind {
    ($component:expr, $c:ident: $C:ident => $body:expr) => {
        match $component {
            Component::Function($c) => {
                type $C = $crate::pulsar::FunctionConfig;
                $body
            }
            Component::Source($c) => {
                type $C = $crate::pulsar::SourceConfig;
                $body
            }
            Component::Sink($c) => {
                type $C = $crate::pulsar::SinkConfig;
                $body
            }
        }
    };
}
pub(crate) use each_kind;

/// Runs `$body` with `$C` naming the config type of the kind `$kind`.
macro_rules! for_kind {
    ($kind:expr, $C:ident => $body:expr) => {
        match $kind {
            $crate::Kind::Function => {
                type $C = $crate::pulsar::FunctionConfig;
                $body
            }
            $crate::Kind::Source => {
                type $C = $crate::pulsar::SourceConfig;
                $body
            }
            $crate::Kind::Sink => {
                type $C = $crate::pulsar::SinkConfig;
                $body
            }
        }
    };
}
pub(crate) use for_kind;

/// Converted objects and the warnings of their conversion.
#[derive(Clone, Debug, PartialEq)]
pub struct Produced {
    /// The CR first, then the secrets it refers to.
    pub objects: Vec<Object>,
    /// What was ignored or dropped.
    pub warnings: Diagnostics,
}

/// Converts one config of a known kind into its objects.
pub fn produce<C: PulsarComponent>(config: C, ctx: &Context<'_>) -> Result<Produced, Diagnostics> {
    let done = config.convert(ctx)?;
    let mut objects = Vec::with_capacity(1 + done.secrets.len());
    objects.push(done.resource.into());
    objects.extend(done.secrets.into_iter().map(Object::from));
    Ok(Produced {
        objects,
        warnings: done.warnings,
    })
}

/// What an update request carries besides the config.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct UpdateRequest {
    /// A new package was given (a `url`).
    pub new_package: bool,
    /// `updateOptions.updateAuthData`.
    pub update_auth_data: bool,
}

impl Component {
    /// The kind of the component.
    pub fn kind(&self) -> Kind {
        each_kind!(self, _c: C => C::KIND)
    }

    /// Sets the tenant, namespace and name, as Pulsar does with the values of a request's path.
    pub fn set_identity(&mut self, tenant: &str, namespace: &str, name: &str) {
        each_kind!(self, c: C => {
            let [t, n, c] = C::identity_mut(c);
            *t = Some(tenant.to_owned());
            *n = Some(namespace.to_owned());
            *c = Some(name.to_owned());
        });
    }

    /// Names the package of a request (`url`) in the config when the config names none, as
    /// Pulsar's server does: `jar`, `py` or `go` by runtime for a function, `archive` for a
    /// connector. A config that names its package keeps it; the URL still wins in conversion.
    pub fn default_package(&mut self, url: &str) {
        each_kind!(self, c: C => C::default_package(c, url));
    }

    /// The config as JSON, as Pulsar's `get` answers it.
    pub fn to_json(&self) -> Result<Value, serde_json::Error> {
        each_kind!(self, c: C => serde_json::to_value::<&C>(c))
    }

    /// Converts the component into its CR and secrets.
    pub fn convert(self, ctx: &Context<'_>) -> Result<Produced, Diagnostics> {
        each_kind!(self, c: C => produce::<C>(*c, ctx))
    }

    /// Reads a stored CR of `kind` (as JSON) back as the config that produces it; its warnings
    /// are dropped, as `get` has no place for them.
    pub fn reverse_value(kind: Kind, object: Value, ctx: &Context<'_>) -> Result<Self, Diagnostics> {
        for_kind!(kind, C => {
            let cr = crate::document::from_value::<<C as PulsarComponent>::Resource>(object)?;
            Ok(C::reverse(&cr, ctx)?.config.into())
        })
    }

    /// Pulsar's update: merges `new` into `self` (the config read back from the stored CR) with
    /// Pulsar's rules ([`crate::pulsar::update`]) and converts the result. An update that
    /// changes nothing is refused with Pulsar's `Update contains no change`.
    pub fn update(
        &self,
        new: &Self,
        request: UpdateRequest,
        ctx: &Context<'_>,
    ) -> Result<Produced, Diagnostics> {
        let merged: Self = match (self, new) {
            (Self::Function(s), Self::Function(n)) => PulsarComponent::merge(&**s, &**n)?.into(),
            (Self::Source(s), Self::Source(n)) => PulsarComponent::merge(&**s, &**n)?.into(),
            (Self::Sink(s), Self::Sink(n)) => PulsarComponent::merge(&**s, &**n)?.into(),
            (s, n) => {
                return Err(Diagnostics::from_iter([Diagnostic::error(
                    "",
                    format!("a {} cannot be updated with a {} config", s.kind(), n.kind()),
                )]));
            }
        };
        if merged == *self && !request.new_package && !request.update_auth_data {
            return Err(Diagnostics::from_iter([Diagnostic::error("", update::NO_CHANGE)]));
        }
        merged.convert(ctx)
    }
}

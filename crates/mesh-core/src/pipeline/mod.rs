//! Documents in, objects out: the one entry point of both adapters. An adapter reads bytes
//! (files, request bodies), hands each input to a [`Pipeline`] once, and prints or answers what
//! comes back; every rule in between is here. Per document the text is split off, its kind is
//! told from its top-level keys, it is read once into its type, and converted, checked or read
//! back. Results are typed [`Object`]s, written by the one [`Renderer`].
//!
//! ```
//! use mesh_core::convert::Context;
//! use mesh_core::pipeline::{Format, Options, Pipeline, Renderer, Task};
//! use mesh_core::worker::WorkerConfig;
//!
//! let worker = WorkerConfig { pulsar_functions_cluster: Some("test-pulsar".into()), ..Default::default() };
//! let ctx = Context::new(&worker);
//! let mut run = Pipeline::new(Options::new(Task::Convert), &ctx, Renderer::new(Format::Yaml));
//! run.feed(br#"{"name": "wc", "className": "org.example.WordCount",
//!               "jar": "function://public/default/wc@1", "inputs": ["in"], "output": "out"}"#);
//! let report = run.finish();
//! assert!(!report.has_errors());
//! assert!(report.out.finish().starts_with("apiVersion: compute.functionmesh.io/v1alpha1\nkind: Function\n"));
//! ```

mod json;
mod object;
mod render;

pub use object::Object;
pub use render::{Format, RenderError, Renderer};

use k8s_openapi::apimachinery::pkg::apis::meta::v1::ObjectMeta;

use std::collections::BTreeSet;

use serde::de::DeserializeOwned;
use serde_json::Value;

use crate::Kind;
use crate::convert::cluster_config::{ClusterUrls, Reference, references};
use crate::convert::{self, Component, Context, PulsarComponent, for_kind};
use crate::crd::{ComponentSpec, FunctionMesh, FunctionMeshSpec};
use crate::detect::{DocumentKind, detect_document};
use crate::diag::{Diagnostic, Diagnostics, Severity};
use crate::document::{ParseError, RawDocument};
use crate::validate::{defaults, webhook};

/// What to do with each document.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Task {
    /// Pulsar configs become Function Mesh resources (`mesh convert`).
    Convert,
    /// Pulsar configs are converted and Function Mesh resources checked as the operator admits
    /// them; nothing is produced (`mesh validate`).
    Validate,
    /// As [`Task::Validate`], and both are produced: the converted objects, and the resources
    /// that pass, as given (`mesh apply`).
    Admit,
    /// Function Mesh resources are read back as Pulsar configs (`--to pulsar`).
    Reverse,
}

/// How a [`Pipeline`] treats its inputs.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Options {
    /// What to do.
    pub task: Task,
    /// The kind of every Pulsar config, instead of telling it from its keys.
    pub kind: Option<Kind>,
    /// Bundle every config into one `FunctionMesh` of this name.
    pub bundle: Option<String>,
    /// Also produce the Pulsar cluster ConfigMap each resource refers to, once per namespace
    /// and name, before the first resource that needs it (`--cluster-config`).
    pub cluster_config: bool,
    /// What Pulsar configs become.
    pub target: Target,
}

/// What Pulsar configs become.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum Target {
    /// Function Mesh resources (the operator runs them).
    #[default]
    Mesh,
    /// The Service, StatefulSet and Secret of Pulsar's own Kubernetes runtime ([`crate::native`]).
    StatefulSet,
}

impl Options {
    /// `task`, with the kind told per document and no bundle.
    pub fn new(task: Task) -> Self {
        Self {
            task,
            kind: None,
            bundle: None,
            cluster_config: false,
            target: Target::Mesh,
        }
    }
}

/// Which document a diagnostic is about.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct At {
    /// The input, counted from 0 in the order they were fed.
    pub input: usize,
    /// The document within the input, when the input holds several.
    pub document: Option<usize>,
}

/// A diagnostic and where it belongs.
#[derive(Clone, Debug, PartialEq)]
pub struct Located {
    /// The document, or `None` for a bundle as a whole.
    pub at: Option<At>,
    /// The problem is the input itself (it holds no document), so its name is the only path.
    pub whole_input: bool,
    /// The diagnostic, its path inside the document.
    pub diagnostic: Diagnostic,
}

/// Where a pipeline's objects go.
pub trait Collect {
    /// Takes one object.
    fn collect(&mut self, object: Object) -> Result<(), RenderError>;
}

impl Collect for Vec<Object> {
    fn collect(&mut self, object: Object) -> Result<(), RenderError> {
        self.push(object);
        Ok(())
    }
}

/// Drops every object, for runs that only check.
#[derive(Clone, Copy, Debug, Default)]
pub struct Discard;

impl Collect for Discard {
    fn collect(&mut self, _: Object) -> Result<(), RenderError> {
        Ok(())
    }
}

impl Collect for Renderer {
    fn collect(&mut self, object: Object) -> Result<(), RenderError> {
        self.push(&object)
    }
}

/// What a run produced.
#[derive(Debug)]
pub struct Report<C> {
    /// The objects, as collected (none after the first error: a failed run writes nothing).
    pub out: C,
    /// Every diagnostic, in input order.
    pub diagnostics: Vec<Located>,
    /// Documents read, an input that could not be split counting as one.
    pub documents: usize,
}

impl<C> Report<C> {
    /// Whether any diagnostic is an error (then nothing should be written).
    pub fn has_errors(&self) -> bool {
        self.diagnostics
            .iter()
            .any(|d| d.diagnostic.severity == Severity::Error)
    }
}

/// One run over any number of inputs.
#[derive(Debug)]
pub struct Pipeline<'c, 'w, C> {
    options: Options,
    ctx: &'c Context<'w>,
    out: C,
    diagnostics: Vec<Located>,
    members: Vec<(At, Component)>,
    inputs: usize,
    documents: usize,
    /// An error was reported.
    failed: bool,
    /// The cluster ConfigMaps' URLs, once a resource needed them (`Err` when the worker config
    /// has none: reported once).
    cluster_urls: Option<Result<ClusterUrls, ()>>,
    /// The cluster ConfigMaps produced so far.
    config_maps: BTreeSet<Reference>,
}

impl<'c, 'w, C: Collect> Pipeline<'c, 'w, C> {
    /// A run with `options` and `ctx` whose objects go to `out`.
    pub fn new(options: Options, ctx: &'c Context<'w>, out: C) -> Self {
        Self {
            options,
            ctx,
            out,
            diagnostics: Vec::new(),
            members: Vec::new(),
            inputs: 0,
            documents: 0,
            failed: false,
            cluster_urls: None,
            config_maps: BTreeSet::new(),
        }
    }

    /// Handles one input: every document in it.
    pub fn feed(&mut self, bytes: &[u8]) {
        let input = self.inputs;
        self.inputs += 1;
        match crate::document::split_some(bytes) {
            Ok(docs) => {
                let several = docs.len() > 1;
                for (i, doc) in docs.into_iter().enumerate() {
                    self.documents += 1;
                    let at = At {
                        input,
                        document: several.then_some(i),
                    };
                    self.document(at, &doc);
                }
            }
            Err(e) => {
                self.documents += 1;
                self.failed = true;
                self.diagnostics.push(Located {
                    at: Some(At {
                        input,
                        document: None,
                    }),
                    whole_input: matches!(e, ParseError::Empty),
                    diagnostic: e.to_diagnostic(),
                });
            }
        }
    }

    fn report(&mut self, at: Option<At>, diagnostics: Diagnostics) {
        self.failed |= diagnostics.has_errors();
        self.diagnostics
            .extend(diagnostics.into_iter().map(|diagnostic| Located {
                at,
                whole_input: false,
                diagnostic,
            }));
    }

    /// Hands `objects` to the collector, unless the run already failed: then nothing is
    /// written, so rendering more would be wasted.
    fn emit(&mut self, at: Option<At>, objects: Vec<Object>) {
        if self.failed {
            return;
        }
        for o in objects {
            if self.options.cluster_config {
                for map in self.cluster_config_maps(at, &o) {
                    if let Err(e) = self.out.collect(map) {
                        self.report(
                            at,
                            Diagnostics::from_iter([Diagnostic::error("", crate::error_chain(&e))]),
                        );
                    }
                }
                if self.failed {
                    return;
                }
            }
            if let Err(e) = self.out.collect(o) {
                self.report(
                    at,
                    Diagnostics::from_iter([Diagnostic::error("", crate::error_chain(&e))]),
                );
            }
        }
    }

    /// What `mesh validate` checks of objects it does not produce: that their cluster
    /// ConfigMaps can be made, when asked for.
    fn validate_only(&mut self, at: Option<At>, objects: &[Object]) {
        if self.options.cluster_config {
            for o in objects {
                self.cluster_config_maps(at, o);
            }
        }
    }

    /// The cluster ConfigMaps `object` refers to that were not produced yet. The worker
    /// config's problems with them are reported once, at the first document that needs them.
    fn cluster_config_maps(&mut self, at: Option<At>, object: &Object) -> Vec<Object> {
        let references = match object {
            Object::Function(_)
            | Object::Source(_)
            | Object::Sink(_)
            | Object::FunctionMesh(_)
            | Object::Given(_) => object.to_value().map(|v| references(&v)).unwrap_or_default(),
            Object::Secret(_)
            | Object::ConfigMap(_)
            | Object::Service(_)
            | Object::StatefulSet(_)
            | Object::Config(_) => Vec::new(),
        };
        let wanted: Vec<Reference> = references
            .into_iter()
            .filter(|r| !self.config_maps.contains(r))
            .collect();
        if wanted.is_empty() {
            return Vec::new();
        }
        if self.cluster_urls.is_none() {
            let found = ClusterUrls::of(self.ctx.worker);
            let (urls, diagnostics) = match found {
                Ok((urls, warnings)) => (Ok(urls), warnings),
                Err(errors) => (Err(()), errors),
            };
            self.cluster_urls = Some(urls);
            self.report(at, diagnostics);
        }
        let Some(Ok(urls)) = &self.cluster_urls else {
            return Vec::new();
        };
        let maps = wanted
            .iter()
            .map(|r| Object::ConfigMap(Box::new(urls.config_map(r))))
            .collect();
        self.config_maps.extend(wanted);
        maps
    }

    fn document(&mut self, at: At, doc: &RawDocument) {
        let kind = match (self.options.task, self.options.kind) {
            (Task::Reverse, _) => {
                let r = reverse(doc, self.ctx);
                return self.produced(at, r);
            }
            (Task::Convert, Some(kind)) => kind,
            (Task::Convert, None) => match detect_document(doc) {
                Ok(DocumentKind::Config(kind)) => kind,
                Ok(DocumentKind::Resource(_) | DocumentKind::Mesh) => {
                    return self.report(
                        Some(at),
                        one(Diagnostic::error(
                            "kind",
                            "this is already a Function Mesh resource; convert it back with --to pulsar",
                        )),
                    );
                }
                Err(d) => return self.report(Some(at), one(d)),
            },
            (Task::Validate | Task::Admit, given) => match (detect_document(doc), given) {
                (Ok(found @ (DocumentKind::Resource(_) | DocumentKind::Mesh)), _) => {
                    return self.admit(at, doc, found);
                }
                (_, Some(kind)) | (Ok(DocumentKind::Config(kind)), None) => kind,
                (Err(d), None) => return self.report(Some(at), one(d)),
            },
        };
        let component = match read(doc, kind) {
            Ok(c) => c,
            Err(d) => return self.report(Some(at), d),
        };
        if self.options.target == Target::StatefulSet {
            let r = crate::native::produce(component, self.ctx);
            return self.produced(at, r);
        }
        if self.options.bundle.is_some() {
            self.members.push((at, component));
            return;
        }
        let r = component.convert(self.ctx);
        self.produced(at, r);
    }

    fn produced(&mut self, at: At, r: Result<convert::Produced, Diagnostics>) {
        match r {
            Ok(p) => {
                if self.options.task == Task::Validate {
                    self.validate_only(Some(at), &p.objects);
                } else {
                    self.emit(Some(at), p.objects);
                }
                self.report(Some(at), p.warnings);
            }
            Err(d) => self.report(Some(at), d),
        }
    }

    fn admit(&mut self, at: At, doc: &RawDocument, kind: DocumentKind) {
        let (found, defaulted) = admit_as(doc, kind);
        if self.options.task == Task::Admit && !found.has_errors() {
            // As the operator would take it: with the defaults it fills, when any were missing.
            match defaulted.map_or_else(|| doc.value(), Ok) {
                Ok(v) => self.emit(Some(at), vec![Object::Given(v)]),
                Err(e) => self.report(Some(at), one(e.to_diagnostic())),
            }
        }
        self.report(Some(at), found);
    }

    /// Ends the run: converts the bundle, if any, and returns what was produced.
    pub fn finish(mut self) -> Report<C> {
        if let Some(name) = self.options.bundle.take() {
            let members = std::mem::take(&mut self.members);
            // Members that failed to read are not in the bundle: it is still converted for its
            // diagnostics, and `emit` produces nothing of a failed run.
            if !members.is_empty() || !self.failed {
                let (places, components): (Vec<At>, Vec<Component>) = members.into_iter().unzip();
                let (found, objects) = match convert::bundle(&name, components, self.ctx) {
                    Ok(b) => {
                        let mut objects = vec![Object::from(b.resource)];
                        objects.extend(b.secrets.into_iter().map(Object::from));
                        (b.warnings, objects)
                    }
                    Err(d) => (d, Vec::new()),
                };
                if self.options.task == Task::Validate {
                    self.validate_only(None, &objects);
                } else {
                    self.emit(None, objects);
                }
                self.report(None, found.own);
                for (at, d) in places.into_iter().zip(found.members) {
                    self.report(Some(at), d);
                }
            }
        }
        Report {
            out: self.out,
            diagnostics: self.diagnostics,
            documents: self.documents,
        }
    }
}

fn one(d: Diagnostic) -> Diagnostics {
    Diagnostics::from_iter([d])
}

/// Reads `doc` as the Pulsar config of `kind`.
pub fn read(doc: &RawDocument, kind: Kind) -> Result<Component, Diagnostics> {
    for_kind!(kind, C => doc.typed::<C>().map(Component::from))
}

/// Why a request body is not one config.
#[derive(Clone, Debug, PartialEq)]
pub enum ReadError {
    /// The body holds this many documents, not one.
    Documents(usize),
    /// The one document is not a valid config.
    Invalid(Diagnostics),
}

/// Reads `bytes` as exactly one Pulsar config of `kind`, as a request body must be.
pub fn read_one(bytes: &[u8], kind: Kind) -> Result<Component, ReadError> {
    let mut docs = crate::document::split(bytes).map_err(|e| ReadError::Invalid(one(e.to_diagnostic())))?;
    if docs.len() != 1 {
        return Err(ReadError::Documents(docs.len()));
    }
    read(&docs.remove(0), kind).map_err(ReadError::Invalid)
}

/// Checks a Function Mesh `Function`, `Source`, `Sink` or `FunctionMesh` document as the
/// operator would admit it.
pub fn admit(doc: &RawDocument) -> Diagnostics {
    match detect_document(doc) {
        Ok(kind) => admit_as(doc, kind).0,
        Err(d) => one(d),
    }
}

/// [`admit`] of a document whose kind is already told.
/// The operator's checks of a resource, and the resource with the defaults the operator fills
/// first when it lacked any ([`defaults::operator_defaults`]).
fn admit_as(doc: &RawDocument, kind: DocumentKind) -> (Diagnostics, Option<Value>) {
    match kind {
        DocumentKind::Resource(kind) => for_kind!(kind, C => {
            match typed_with_defaults::<<C as PulsarComponent>::Resource>(doc, kind.as_str()) {
                Ok((r, defaulted, mut filled)) => {
                    filled.extend(C::admit(&r, webhook::Origin::Given));
                    (filled, defaulted)
                }
                Err(d) => (d, None),
            }
        }),
        DocumentKind::Mesh => match typed_with_defaults::<FunctionMesh>(doc, "FunctionMesh") {
            Ok((_, defaulted, filled)) => (filled, defaulted),
            Err(d) => (d, None),
        },
        DocumentKind::Config(_) => (
            one(Diagnostic::error(
                "",
                "this is a Pulsar config, not a Function Mesh resource",
            )),
            None,
        ),
    }
}

/// `doc` read as `T`; when that fails, read again after the defaults the operator fills for the
/// resource kind `kind` (`Function`, `FunctionMesh`): then also the defaulted document and a
/// warning per default. The first read's errors stand when no default applies.
fn typed_with_defaults<T: DeserializeOwned>(
    doc: &RawDocument,
    kind: &str,
) -> Result<(T, Option<Value>, Diagnostics), Diagnostics> {
    let errors = match doc.typed::<T>() {
        Ok(t) => return Ok((t, None, Diagnostics::new())),
        Err(errors) => errors,
    };
    let Ok(mut value) = doc.value() else {
        return Err(errors);
    };
    let filled = defaults::operator_defaults(kind, &mut value);
    if filled.is_empty() {
        return Err(errors);
    }
    let typed = crate::document::from_value::<T>(value.clone())?;
    Ok((typed, Some(value), filled))
}

/// Reads a CR back as its config, its warnings and errors under `path`.
fn reversed<C: PulsarComponent>(
    path: &str,
    resource: &C::Resource,
    ctx: &Context<'_>,
    out: &mut convert::Produced,
    errors: &mut Diagnostics,
) {
    match C::reverse(resource, ctx) {
        Ok(r) => {
            out.objects.push(Object::Config(r.config.into()));
            out.warnings.extend_under(path, r.warnings);
        }
        Err(e) => errors.extend_under(path, e),
    }
}

/// Reads back this kind's members of a `FunctionMesh`; a member carries its identity in its pod
/// labels.
fn members<C: PulsarComponent>(
    mesh: &mut FunctionMeshSpec,
    ctx: &Context<'_>,
    out: &mut convert::Produced,
    errors: &mut Diagnostics,
) {
    for (i, spec) in C::members(mesh).take().into_iter().flatten().enumerate() {
        let metadata = ObjectMeta {
            labels: spec.pod().and_then(|p| p.labels.clone()),
            ..ObjectMeta::default()
        };
        let path = format!("spec.{}[{i}]", C::KIND.plural());
        reversed::<C>(&path, &C::resource(metadata, spec), ctx, out, errors);
    }
}

/// Reads a Function Mesh `Function`, `Source` or `Sink` document back as its Pulsar config, or a
/// `FunctionMesh` as the configs of its members (functions, sources, sinks).
pub fn reverse(doc: &RawDocument, ctx: &Context<'_>) -> Result<convert::Produced, Diagnostics> {
    let mut out = convert::Produced {
        objects: Vec::new(),
        warnings: Diagnostics::new(),
    };
    let mut errors = Diagnostics::new();
    if let Some(native) = native_reverse(doc, &mut out) {
        return native.map(|()| out);
    }
    match detect_document(doc) {
        Ok(DocumentKind::Resource(kind)) => for_kind!(kind, C => {
            let (resource, _, filled) =
                typed_with_defaults::<<C as PulsarComponent>::Resource>(doc, kind.as_str())?;
            out.warnings.extend(filled);
            reversed::<C>("", &resource, ctx, &mut out, &mut errors);
        }),
        Ok(DocumentKind::Mesh) => {
            let (mesh, _, filled) = typed_with_defaults::<FunctionMesh>(doc, "FunctionMesh")?;
            out.warnings.extend(filled);
            let mut mesh = mesh.spec;
            members::<crate::pulsar::FunctionConfig>(&mut mesh, ctx, &mut out, &mut errors);
            members::<crate::pulsar::SourceConfig>(&mut mesh, ctx, &mut out, &mut errors);
            members::<crate::pulsar::SinkConfig>(&mut mesh, ctx, &mut out, &mut errors);
        }
        Ok(DocumentKind::Config(_)) => {
            return Err(one(Diagnostic::error(
                "",
                "this is a Pulsar config, not a Function Mesh resource; convert it with --to mesh",
            )));
        }
        Err(d) => return Err(one(d)),
    }
    if errors.has_errors() {
        errors.extend(out.warnings);
        return Err(errors);
    }
    Ok(out)
}

#[derive(serde::Deserialize)]
#[serde(rename_all = "camelCase")]
struct TypeMeta {
    api_version: Option<String>,
    kind: Option<String>,
    #[serde(default)]
    metadata: Option<ObjectMeta>,
}

/// `--to pulsar` of the objects of Pulsar's Kubernetes runtime: a StatefulSet is read back as
/// its config; the Service and Secret beside it (made by mesh, or carrying Pulsar's
/// `component` label) add nothing and are passed over. `None`: not such an object.
fn native_reverse(doc: &RawDocument, out: &mut convert::Produced) -> Option<Result<(), Diagnostics>> {
    let meta = doc.peek::<TypeMeta>()?;
    match (meta.api_version.as_deref()?, meta.kind.as_deref()?) {
        ("apps/v1", "StatefulSet") => Some(
            doc.typed::<k8s_openapi::api::apps::v1::StatefulSet>()
                .and_then(|s| crate::native::reverse::stateful_set(&s))
                .map(|r| {
                    out.objects.push(Object::Config(r.config));
                    out.warnings.extend(r.warnings);
                }),
        ),
        ("v1", "Service" | "Secret") => {
            let labels = meta.metadata.and_then(|m| m.labels).unwrap_or_default();
            let (key, value) = crate::convert::cluster_config::MANAGED_BY;
            let ours = labels.get(key).is_some_and(|v| v == value) || labels.contains_key("component");
            ours.then_some(Ok(()))
        }
        _ => None,
    }
}

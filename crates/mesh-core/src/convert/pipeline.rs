//! Documents in, objects out: detection, typed parsing, conversion and serialization in one place,
//! so that every adapter (CLI, HTTP) behaves the same.

use serde::Serialize;
use serde_json::Value;

use super::{Component, Context, Converted};
use crate::Kind;
use crate::crd::{Function, Sink, Source};
use crate::detect::{DocumentKind, detect};
use crate::diag::{Diagnostic, Diagnostics};
use crate::document::RawDocument;
use crate::validate::webhook;

/// Converted objects, ready to write, and the warnings of their conversion.
#[derive(Clone, Debug, PartialEq)]
pub struct Rendered {
    /// The CR first, then the secrets it refers to.
    pub objects: Vec<Value>,
    /// What was ignored or dropped.
    pub warnings: Diagnostics,
}

fn one(d: Diagnostic) -> Diagnostics {
    Diagnostics::from_iter([d])
}

/// Reads `doc` as the Pulsar config of `kind`, or of the kind its keys show.
pub fn parse_component(doc: &RawDocument, kind: Option<Kind>) -> Result<Component, Diagnostics> {
    let kind = match kind {
        Some(k) => k,
        None => match detect(&doc.value().map_err(|e| one(e.to_diagnostic()))?) {
            Ok(DocumentKind::Config(k)) => k,
            Ok(DocumentKind::Resource(_) | DocumentKind::Mesh) => {
                return Err(one(Diagnostic::error(
                    "kind",
                    "this is already a Function Mesh resource; convert it back with --to pulsar",
                )));
            }
            Err(e) => return Err(one(Diagnostic::error("", e.to_string()))),
        },
    };
    Ok(match kind {
        Kind::Function => Component::Function(Box::new(doc.typed()?)),
        Kind::Source => Component::Source(Box::new(doc.typed()?)),
        Kind::Sink => Component::Sink(Box::new(doc.typed()?)),
    })
}

fn render<T: Serialize>(done: Converted<T>) -> Result<Rendered, Diagnostics> {
    let mut objects = Vec::with_capacity(1 + done.secrets.len());
    let to_value = |v: Result<Value, serde_json::Error>| {
        v.map_err(|e| one(Diagnostic::error("", format!("cannot serialize the result: {e}"))))
    };
    objects.push(to_value(serde_json::to_value(&done.resource))?);
    for s in &done.secrets {
        objects.push(to_value(serde_json::to_value(s))?);
    }
    Ok(Rendered {
        objects,
        warnings: done.warnings,
    })
}

/// Converts one component into its CR and secrets.
pub fn convert_component(component: Component, ctx: &Context<'_>) -> Result<Rendered, Diagnostics> {
    match component {
        Component::Function(c) => render(super::function(*c, ctx)?),
        Component::Source(c) => render(super::source(*c, ctx)?),
        Component::Sink(c) => render(super::sink(*c, ctx)?),
    }
}

/// Converts several components into one `FunctionMesh` named `name`, plus their secrets.
pub fn convert_bundle(
    name: &str,
    components: Vec<Component>,
    ctx: &Context<'_>,
) -> Result<Rendered, Diagnostics> {
    render(super::bundle(name, components, ctx)?)
}

/// Validates a Function Mesh `Function`, `Source` or `Sink` document as the operator would admit it.
pub fn validate_resource(doc: &RawDocument) -> Diagnostics {
    let value = match doc.value() {
        Ok(v) => v,
        Err(e) => return one(e.to_diagnostic()),
    };
    match detect(&value) {
        Ok(DocumentKind::Resource(Kind::Function)) => doc
            .typed::<Function>()
            .map_or_else(|d| d, |f| webhook::function(&f, webhook::Origin::Given)),
        Ok(DocumentKind::Resource(Kind::Source)) => doc
            .typed::<Source>()
            .map_or_else(|d| d, |s| webhook::source(&s, webhook::Origin::Given)),
        Ok(DocumentKind::Resource(Kind::Sink)) => doc
            .typed::<Sink>()
            .map_or_else(|d| d, |s| webhook::sink(&s, webhook::Origin::Given)),
        Ok(DocumentKind::Mesh) => doc.typed::<crate::crd::FunctionMesh>().err().unwrap_or_default(),
        Ok(DocumentKind::Config(_)) => one(Diagnostic::error(
            "",
            "this is a Pulsar config, not a Function Mesh resource",
        )),
        Err(e) => one(Diagnostic::error("", e.to_string())),
    }
}

fn reversed<T: Serialize>(
    path: &str,
    r: Result<super::reverse::Reversed<T>, Diagnostics>,
    out: &mut Rendered,
    errors: &mut Diagnostics,
) {
    match r {
        Ok(r) => match serde_json::to_value(&r.config) {
            Ok(v) => {
                out.objects.push(v);
                out.warnings.extend_under(path, r.warnings);
            }
            Err(e) => errors.push(Diagnostic::error(
                path,
                format!("cannot serialize the result: {e}"),
            )),
        },
        Err(e) => errors.extend_under(path, e),
    }
}

/// Reads a Function Mesh `Function`, `Source` or `Sink` document back as its Pulsar config (one
/// JSON object), or a `FunctionMesh` as the configs of its members (functions, sources, sinks).
pub fn reverse_resource(doc: &RawDocument, ctx: &Context<'_>) -> Result<Rendered, Diagnostics> {
    use super::reverse;
    use crate::crd::{FunctionMesh, PodPolicy};
    use k8s_openapi::apimachinery::pkg::apis::meta::v1::ObjectMeta;

    let value = doc.value().map_err(|e| one(e.to_diagnostic()))?;
    let mut out = Rendered {
        objects: Vec::new(),
        warnings: Diagnostics::new(),
    };
    let mut errors = Diagnostics::new();
    match detect(&value) {
        Ok(DocumentKind::Resource(Kind::Function)) => {
            reversed(
                "",
                reverse::function(&doc.typed::<Function>()?, ctx),
                &mut out,
                &mut errors,
            );
        }
        Ok(DocumentKind::Resource(Kind::Source)) => {
            reversed(
                "",
                reverse::source(&doc.typed::<Source>()?, ctx),
                &mut out,
                &mut errors,
            );
        }
        Ok(DocumentKind::Resource(Kind::Sink)) => {
            reversed(
                "",
                reverse::sink(&doc.typed::<Sink>()?, ctx),
                &mut out,
                &mut errors,
            );
        }
        Ok(DocumentKind::Mesh) => {
            let mesh = doc.typed::<FunctionMesh>()?;
            // Members carry their identity in their pod labels.
            let meta = |pod: Option<&PodPolicy>| ObjectMeta {
                labels: pod.and_then(|p| p.labels.clone()),
                ..ObjectMeta::default()
            };
            for (i, spec) in mesh.spec.functions.into_iter().flatten().enumerate() {
                let cr = Function {
                    metadata: meta(spec.pod.as_ref()),
                    spec,
                    status: None,
                };
                reversed(
                    &format!("spec.functions[{i}]"),
                    reverse::function(&cr, ctx),
                    &mut out,
                    &mut errors,
                );
            }
            for (i, spec) in mesh.spec.sources.into_iter().flatten().enumerate() {
                let cr = Source {
                    metadata: meta(spec.pod.as_ref()),
                    spec,
                    status: None,
                };
                reversed(
                    &format!("spec.sources[{i}]"),
                    reverse::source(&cr, ctx),
                    &mut out,
                    &mut errors,
                );
            }
            for (i, spec) in mesh.spec.sinks.into_iter().flatten().enumerate() {
                let cr = Sink {
                    metadata: meta(spec.pod.as_ref()),
                    spec,
                    status: None,
                };
                reversed(
                    &format!("spec.sinks[{i}]"),
                    reverse::sink(&cr, ctx),
                    &mut out,
                    &mut errors,
                );
            }
        }
        Ok(DocumentKind::Config(_)) => {
            return Err(one(Diagnostic::error(
                "",
                "this is a Pulsar config, not a Function Mesh resource; convert it with --to mesh",
            )));
        }
        Err(e) => return Err(one(Diagnostic::error("", e.to_string()))),
    }
    if errors.has_errors() {
        errors.extend(out.warnings);
        return Err(errors);
    }
    Ok(out)
}

impl Component {
    /// The kind of the component.
    pub fn kind(&self) -> Kind {
        match self {
            Self::Function(_) => Kind::Function,
            Self::Source(_) => Kind::Source,
            Self::Sink(_) => Kind::Sink,
        }
    }

    /// Sets the tenant, namespace and name, as Pulsar does with the values of a request's path.
    pub fn set_identity(&mut self, tenant: &str, namespace: &str, name: &str) {
        let (t, n, c) = match self {
            Self::Function(c) => (&mut c.tenant, &mut c.namespace, &mut c.name),
            Self::Source(c) => (&mut c.tenant, &mut c.namespace, &mut c.name),
            Self::Sink(c) => (&mut c.tenant, &mut c.namespace, &mut c.name),
        };
        *t = Some(tenant.to_owned());
        *n = Some(namespace.to_owned());
        *c = Some(name.to_owned());
    }

    /// The config as JSON, as Pulsar's `get` answers it.
    pub fn to_json(&self) -> Result<Value, serde_json::Error> {
        match self {
            Self::Function(c) => serde_json::to_value(c),
            Self::Source(c) => serde_json::to_value(c),
            Self::Sink(c) => serde_json::to_value(c),
        }
    }
}

/// Reads a stored CR of `kind` (as JSON) back as the config that produces it; its warnings are
/// dropped, as `get` has no place for them.
pub fn reverse_component(kind: Kind, object: &Value, ctx: &Context<'_>) -> Result<Component, Diagnostics> {
    use super::reverse;
    let value = object.clone();
    Ok(match kind {
        Kind::Function => Component::Function(Box::new(
            reverse::function(&crate::document::from_value::<Function>(value)?, ctx)?.config,
        )),
        Kind::Source => Component::Source(Box::new(
            reverse::source(&crate::document::from_value::<Source>(value)?, ctx)?.config,
        )),
        Kind::Sink => Component::Sink(Box::new(
            reverse::sink(&crate::document::from_value::<Sink>(value)?, ctx)?.config,
        )),
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

/// Pulsar's update: merges `new` into `stored` (the config read back from the stored CR) with
/// Pulsar's rules ([`crate::pulsar::update`]) and converts the result. An update that changes
/// nothing is refused with Pulsar's `Update contains no change`.
pub fn update_component(
    stored: &Component,
    new: &Component,
    request: UpdateRequest,
    ctx: &Context<'_>,
) -> Result<Rendered, Diagnostics> {
    use crate::pulsar::update;
    let merged = match (stored, new) {
        (Component::Function(s), Component::Function(n)) => {
            Component::Function(Box::new(update::function(s, n)?))
        }
        (Component::Source(s), Component::Source(n)) => Component::Source(Box::new(update::source(s, n)?)),
        (Component::Sink(s), Component::Sink(n)) => Component::Sink(Box::new(update::sink(s, n)?)),
        (s, n) => {
            return Err(one(Diagnostic::error(
                "",
                format!("a {} cannot be updated with a {} config", s.kind(), n.kind()),
            )));
        }
    };
    if merged == *stored && !request.new_package && !request.update_auth_data {
        return Err(one(Diagnostic::error("", update::NO_CHANGE)));
    }
    convert_component(merged, ctx)
}

impl Component {
    /// Names the package of a request (`url`) in the config when the config names none, as
    /// Pulsar's server does: `jar`, `py` or `go` by runtime for a function, `archive` for a
    /// connector. A config that names its package keeps it; the URL still wins in conversion.
    pub fn default_package(&mut self, url: &str) {
        use crate::pulsar::Runtime;
        let empty = |s: &Option<String>| s.as_deref().is_none_or(str::is_empty);
        match self {
            Self::Function(c) => {
                if empty(&c.jar) && empty(&c.py) && empty(&c.go) {
                    let slot = match c.runtime {
                        Some(Runtime::Python) => &mut c.py,
                        Some(Runtime::Go) => &mut c.go,
                        _ => &mut c.jar,
                    };
                    *slot = Some(url.to_owned());
                }
            }
            Self::Source(c) if empty(&c.archive) => c.archive = Some(url.to_owned()),
            Self::Sink(c) if empty(&c.archive) => c.archive = Some(url.to_owned()),
            Self::Source(_) | Self::Sink(_) => {}
        }
    }
}

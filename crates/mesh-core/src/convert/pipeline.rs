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
pub fn convert_component(component: &Component, ctx: &Context<'_>) -> Result<Rendered, Diagnostics> {
    match component {
        Component::Function(c) => render(super::function(c, ctx)?),
        Component::Source(c) => render(super::source(c, ctx)?),
        Component::Sink(c) => render(super::sink(c, ctx)?),
    }
}

/// Converts several components into one `FunctionMesh` named `name`, plus their secrets.
pub fn convert_bundle(
    name: &str,
    components: &[Component],
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
            .map_or_else(|d| d, |f| webhook::function(&f)),
        Ok(DocumentKind::Resource(Kind::Source)) => {
            doc.typed::<Source>().map_or_else(|d| d, |s| webhook::source(&s))
        }
        Ok(DocumentKind::Resource(Kind::Sink)) => {
            doc.typed::<Sink>().map_or_else(|d| d, |s| webhook::sink(&s))
        }
        Ok(DocumentKind::Mesh) => doc.typed::<crate::crd::FunctionMesh>().err().unwrap_or_default(),
        Ok(DocumentKind::Config(_)) => one(Diagnostic::error(
            "",
            "this is a Pulsar config, not a Function Mesh resource",
        )),
        Err(e) => one(Diagnostic::error("", e.to_string())),
    }
}

//! Several configs -> one `FunctionMesh`, which the Java worker service could not manage at all.

use std::collections::BTreeSet;

use k8s_openapi::apimachinery::pkg::apis::meta::v1::ObjectMeta;

use super::common::{self, CUSTOM};
use super::{Context, Converted, Outcome};
use crate::crd::{FunctionMesh, FunctionMeshSpec};
use crate::diag::{Diagnostics, join};
use crate::pulsar::{FunctionConfig, SinkConfig, SourceConfig};
use crate::validate::k8s::{MAX_CR_NAME, dns_label_problem};

/// One member of a bundle.
#[derive(Clone, Debug, PartialEq)]
pub enum Component {
    /// A function.
    Function(Box<FunctionConfig>),
    /// A source.
    Source(Box<SourceConfig>),
    /// A sink.
    Sink(Box<SinkConfig>),
}

/// Converts every component and bundles the specs into one `FunctionMesh` named `name`. Paths of
/// diagnostics start with the component's index (`[1].inputs[0]`).
pub fn bundle(name: &str, components: Vec<Component>, ctx: &Context<'_>) -> Outcome<FunctionMesh> {
    let mut d = Diagnostics::new();
    if let Some(p) = dns_label_problem(name) {
        d.error(
            "bundle",
            format!("the bundle name `{name}` is not a valid DNS label: it {p}"),
        );
    }
    let mut spec = FunctionMeshSpec::default();
    let mut secrets = Vec::new();
    let mut seen = BTreeSet::new();
    let empty = components.is_empty();
    for (i, component) in components.into_iter().enumerate() {
        let at = format!("[{i}]");
        let (kind, member) = match component {
            Component::Function(c) => (
                "function",
                super::function(*c, ctx).map(|f| {
                    let n = f.resource.spec.name.clone();
                    spec.functions.get_or_insert_with(Vec::new).push(f.resource.spec);
                    (n, f.secrets, f.warnings)
                }),
            ),
            Component::Source(c) => (
                "source",
                super::source(*c, ctx).map(|f| {
                    let n = f.resource.spec.name.clone();
                    spec.sources.get_or_insert_with(Vec::new).push(f.resource.spec);
                    (n, f.secrets, f.warnings)
                }),
            ),
            Component::Sink(c) => (
                "sink",
                super::sink(*c, ctx).map(|f| {
                    let n = f.resource.spec.name.clone();
                    spec.sinks.get_or_insert_with(Vec::new).push(f.resource.spec);
                    (n, f.secrets, f.warnings)
                }),
            ),
        };
        match member {
            Ok((member_name, member_secrets, warnings)) => {
                d.extend_under(&at, warnings);
                secrets.extend(member_secrets);
                let member_name = member_name.unwrap_or_default();
                if !seen.insert((kind, member_name.clone())) {
                    d.error(
                        join(&at, "name"),
                        format!("the bundle already has a {kind} named `{member_name}`"),
                    );
                }
                let child = format!("{name}-{member_name}");
                if child.len() > MAX_CR_NAME {
                    d.error(
                        join(&at, "name"),
                        format!(
                            "the operator names this {kind} `{child}`, longer than {MAX_CR_NAME} characters"
                        ),
                    );
                } else if let Some(p) = dns_label_problem(&child) {
                    d.error(
                        join(&at, "name"),
                        format!("the operator names this {kind} `{child}`, which {p}"),
                    );
                }
            }
            Err(errors) => d.extend_under(&at, errors),
        }
    }
    if empty {
        d.error("bundle", "a bundle needs at least one function, source or sink");
    }
    if d.has_errors() {
        return Err(d);
    }
    let custom = ctx.worker.custom();
    let mut meta_diags = Diagnostics::new();
    let owner = common::metadata(
        name.to_owned(),
        common::k8s_namespace(ctx),
        &std::collections::BTreeMap::new(),
        &custom,
        &crate::worker::CustomRuntimeOptions::default(),
        &mut meta_diags,
    );
    if meta_diags.has_errors() {
        d.extend_under(CUSTOM, Diagnostics::new());
        d.extend(meta_diags);
        return Err(d);
    }
    let metadata = ObjectMeta {
        labels: None,
        ..owner
    };
    Ok(Converted {
        resource: FunctionMesh {
            metadata,
            spec,
            status: None,
        },
        secrets,
        warnings: d,
    })
}

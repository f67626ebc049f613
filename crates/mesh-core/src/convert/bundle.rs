//! Several configs -> one `FunctionMesh`, which the Java worker service could not manage at all.

use std::collections::BTreeSet;

use k8s_openapi::api::core::v1::Secret;
use k8s_openapi::apimachinery::pkg::apis::meta::v1::ObjectMeta;

use super::Context;
use super::component::{Component, PulsarComponent, each_kind};
use super::identity;
use super::metadata;
use crate::crd::{ComponentSpec, FunctionMesh, FunctionMeshSpec};
use crate::diag::Diagnostics;
use crate::validate::k8s::{MAX_CR_NAME, dns_label_problem};

/// The diagnostics of a bundle: its own, and each member's (in the order the members were
/// given), so that an adapter can say which input a problem is in without parsing paths.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct BundleDiagnostics {
    /// About the bundle as a whole (its name, no members, the worker's labels).
    pub own: Diagnostics,
    /// Per member, by position.
    pub members: Vec<Diagnostics>,
}

impl BundleDiagnostics {
    /// Whether any of them is an error.
    pub fn has_errors(&self) -> bool {
        self.own.has_errors() || self.members.iter().any(Diagnostics::has_errors)
    }
}

/// A converted bundle.
#[derive(Clone, Debug, PartialEq)]
pub struct Bundle {
    /// The `FunctionMesh`.
    pub resource: FunctionMesh,
    /// The secrets its members refer to.
    pub secrets: Vec<Secret>,
    /// What was ignored or dropped.
    pub warnings: BundleDiagnostics,
}

/// Converts one member into the bundle's spec; returns the member's own diagnostics.
fn member<C: PulsarComponent>(
    config: C,
    ctx: &Context<'_>,
    spec: &mut FunctionMeshSpec,
    secrets: &mut Vec<Secret>,
    seen: &mut BTreeSet<(&'static str, String)>,
    bundle: &str,
) -> Diagnostics {
    let kind = C::KIND.lower();
    let done = match config.convert(ctx) {
        Ok(done) => done,
        Err(errors) => return errors,
    };
    let mut d = done.warnings;
    secrets.extend(done.secrets);
    let member_spec = C::spec(done.resource);
    let member_name = member_spec.name().cloned().unwrap_or_default();
    C::members(spec).get_or_insert_with(Vec::new).push(member_spec);
    if !seen.insert((kind, member_name.clone())) {
        d.error(
            "name",
            format!("the bundle already has a {kind} named `{member_name}`"),
        );
    }
    let child = format!("{bundle}-{member_name}");
    if child.len() > MAX_CR_NAME {
        d.error(
            "name",
            format!("the operator names this {kind} `{child}`, longer than {MAX_CR_NAME} characters"),
        );
    } else if let Some(p) = dns_label_problem(&child) {
        d.error(
            "name",
            format!("the operator names this {kind} `{child}`, which {p}"),
        );
    }
    d
}

/// Converts every component and bundles the specs into one `FunctionMesh` named `name`. Each
/// member's diagnostics stay with it ([`BundleDiagnostics::members`]).
pub fn bundle(
    name: &str,
    components: Vec<Component>,
    ctx: &Context<'_>,
) -> Result<Bundle, BundleDiagnostics> {
    let mut d = BundleDiagnostics::default();
    if let Some(p) = dns_label_problem(name) {
        d.own.error(
            "bundle",
            format!("the bundle name `{name}` is not a valid DNS label: it {p}"),
        );
    }
    let mut spec = FunctionMeshSpec::default();
    let mut secrets = Vec::new();
    let mut seen = BTreeSet::new();
    if components.is_empty() {
        d.own
            .error("bundle", "a bundle needs at least one function, source or sink");
    }
    for component in components {
        let found = each_kind!(component, c: C => {
            member::<C>(*c, ctx, &mut spec, &mut secrets, &mut seen, name)
        });
        d.members.push(found);
    }
    if d.has_errors() {
        return Err(d);
    }
    let custom = ctx.worker.custom();
    let mut meta_diags = Diagnostics::new();
    let owner = metadata::metadata(
        name.to_owned(),
        identity::k8s_namespace(ctx),
        &std::collections::BTreeMap::new(),
        &custom,
        &crate::worker::CustomRuntimeOptions::default(),
        &mut meta_diags,
    );
    if meta_diags.has_errors() {
        d.own.extend(meta_diags);
        return Err(d);
    }
    let metadata = ObjectMeta {
        labels: None,
        ..owner
    };
    Ok(Bundle {
        resource: FunctionMesh {
            metadata,
            spec,
            status: None,
        },
        secrets,
        warnings: d,
    })
}

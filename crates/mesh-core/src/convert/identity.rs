//! Who a component is and where its resource goes: the Pulsar identity, the cluster, the
//! Kubernetes namespace, the object name's checks and the reserved claims.

use std::collections::BTreeMap;

use super::CRO;
use super::Context;
use crate::Kind;
use crate::diag::{Diagnostics, join};
use crate::text::non_empty;
use crate::validate::k8s::{MAX_CR_NAME, dns_label_problem};
use crate::worker::CustomRuntimeOptions;

/// Pulsar's identity of a component.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Identity<'a> {
    /// Function, source or sink.
    pub kind: Kind,
    /// Pulsar tenant.
    pub tenant: &'a str,
    /// Pulsar namespace.
    pub namespace: &'a str,
    /// Component name.
    pub name: &'a str,
}

impl<'a> Identity<'a> {
    /// The identity from a config's optional fields (missing ones are empty).
    pub fn of(
        kind: Kind,
        tenant: Option<&'a String>,
        namespace: Option<&'a String>,
        name: Option<&'a String>,
    ) -> Self {
        let s = |v: Option<&'a String>| v.map_or("", String::as_str);
        Self {
            kind,
            tenant: s(tenant),
            namespace: s(namespace),
            name: s(name),
        }
    }
}

/// Cluster: explicit input, worker `pulsarFunctionsCluster`, runtime options `clusterName`, fallback.
pub(crate) fn cluster(ctx: &Context<'_>, cro: &CustomRuntimeOptions, d: &mut Diagnostics) -> Option<String> {
    let worker = ctx
        .cluster
        .or(non_empty(ctx.worker.pulsar_functions_cluster.as_ref()));
    let from_options = non_empty(cro.cluster_name.as_ref());
    if let (Some(w), Some(o)) = (worker, from_options)
        && w != o
    {
        d.warning(
            join(CRO, "clusterName"),
            format!(
                "ignored: the worker's cluster `{w}` names every resource it manages, so `{o}` cannot be used"
            ),
        );
    }
    let cluster = worker
        .or(from_options)
        .or(ctx.cluster_fallback.filter(|c| !c.is_empty()));
    if cluster.is_none() {
        d.error("clusterName", "clusterName is not provided.");
    }
    cluster.map(str::to_owned)
}

/// Refuses a job namespace that Kubernetes would refuse (`../x`, `UPPER_NS`), at the worker key
/// that gave it.
pub(crate) fn check_namespace(ctx: &Context<'_>, namespace: &str, d: &mut Diagnostics) {
    let Some(problem) = crate::validate::k8s::dns_label_problem(namespace) else {
        return;
    };
    let from_factory = ctx
        .worker
        .function_runtime_factory_configs
        .as_ref()
        .and_then(|f| non_empty(f.job_namespace.as_ref()))
        .is_some();
    let path = if from_factory {
        "functionRuntimeFactoryConfigs.jobNamespace"
    } else {
        "functionsWorkerServiceCustomConfigs.jobNamespace"
    };
    d.error(
        path,
        format!("`{namespace}` cannot be a Kubernetes namespace: {problem}"),
    );
}

/// Kubernetes namespace of the CRs: factory `jobNamespace`, else custom `jobNamespace`, else the
/// pod's namespace, else `default` (an empty factory value no longer hides the custom one).
pub(crate) fn k8s_namespace(ctx: &Context<'_>) -> String {
    let factory = ctx
        .worker
        .function_runtime_factory_configs
        .as_ref()
        .and_then(|f| non_empty(f.job_namespace.as_ref()));
    let custom = ctx
        .worker
        .functions_worker_service_custom_configs
        .as_ref()
        .and_then(|c| non_empty(c.job_namespace.as_ref()));
    factory
        .or(custom)
        .or(ctx.pod_namespace.filter(|n| !n.is_empty()))
        .unwrap_or("default")
        .to_owned()
}

/// Checks the CR name derived from a Pulsar name: at most 43 characters and a DNS label, since
/// the operator derives Service and StatefulSet names from it.
pub(crate) fn check_object_name(id: Identity<'_>, object_name: &str, d: &mut Diagnostics) {
    let kind = id.kind.lower();
    if object_name.len() > MAX_CR_NAME {
        let over = object_name.len() - MAX_CR_NAME;
        d.error(
            "name",
            format!(
                "{kind} name must be no more than {MAX_CR_NAME} characters: the resource name `{object_name}` made from \
                 `{}` has {}, so the Pulsar name is {over} characters too long (at most {} fit)",
                id.name,
                object_name.len(),
                id.name.len().saturating_sub(over),
            ),
        );
    }
    if let Some(p) = dns_label_problem(object_name) {
        d.error(
            "name",
            format!(
                "the resource name `{object_name}` made from `{}` is not a valid DNS label: it {p}",
                id.name
            ),
        );
    }
}

/// The eight reserved claims (`compute.functionmesh.io/pulsar-*` and the legacy `pulsar-*`).
pub fn reserved_claims(id: Identity<'_>, cluster: &str) -> BTreeMap<String, String> {
    reserved_pairs(id, cluster)
        .into_iter()
        .map(|(k, v)| (k.to_owned(), v.to_owned()))
        .collect()
}

/// The reserved claims as key and value, borrowed.
pub(crate) fn reserved_pairs<'a>(id: Identity<'a>, cluster: &'a str) -> [(&'static str, &'a str); 8] {
    use crate::identity::Claim;
    let value = |c: Claim| match c {
        Claim::Cluster => cluster,
        Claim::Tenant => id.tenant,
        Claim::Namespace => id.namespace,
        Claim::Component => id.name,
    };
    let [a, b, c, d] = Claim::ALL;
    [
        (a.key(), value(a)),
        (a.legacy_key(), value(a)),
        (b.key(), value(b)),
        (b.legacy_key(), value(b)),
        (c.key(), value(c)),
        (c.legacy_key(), value(c)),
        (d.key(), value(d)),
        (d.legacy_key(), value(d)),
    ]
}

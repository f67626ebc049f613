//! What every kind's conversion starts from: the runtime options, cluster, metadata, pod policy
//! and Pulsar messaging, derived the same way for functions, sources and sinks.

use k8s_openapi::apimachinery::pkg::apis::meta::v1::ObjectMeta;

use super::identity::{Identity, check_namespace, check_object_name, cluster, k8s_namespace};
use super::metadata::{labels, metadata};
use super::naming;
use super::pod::pod;
use super::{CRO, Context};
use crate::crd::PodPolicy;
use crate::diag::Diagnostics;
use crate::worker::{CustomConfig, CustomRuntimeOptions};

/// What every kind derives the same way from its identity, runtime options and the context.
pub(crate) struct Base<'a> {
    pub custom: std::borrow::Cow<'a, CustomConfig>,
    pub cro: CustomRuntimeOptions,
    pub cluster: String,
    pub metadata: ObjectMeta,
    pub pod: PodPolicy,
    pub pulsar: crate::crd::PulsarMessaging,
    pub secrets: Vec<k8s_openapi::api::core::v1::Secret>,
    pub replicas: i32,
}

/// Builds the [`Base`] of a component: runtime options, cluster, object name, namespace, labels,
/// metadata, pod policy and Pulsar messaging.
pub(crate) fn base<'a>(
    id: Identity<'_>,
    options: Option<&str>,
    parallelism: Option<i32>,
    ctx: &Context<'a>,
    d: &mut Diagnostics,
) -> Base<'a> {
    use crate::pulsar::UnknownFields;
    let cro = CustomRuntimeOptions::parse(options, CRO).unwrap_or_else(|e| {
        d.extend(e);
        CustomRuntimeOptions::default()
    });
    cro.unknown_fields(CRO, d);
    let custom = ctx.worker.custom();
    let cluster = cluster(ctx, &cro, d).unwrap_or_default();
    let object_name = naming::object_name(&cluster, id.tenant, id.namespace, id.name);
    check_object_name(id, &object_name, d);
    let namespace = k8s_namespace(ctx);
    check_namespace(ctx, &namespace, d);
    let labels = labels(id, &cluster, ctx, &custom, d);
    let metadata = metadata(object_name, namespace.clone(), &labels, &custom, &cro, d);
    let replicas = parallelism.unwrap_or(1);
    let pod = pod(id.kind, labels, &custom, &cro, replicas, d);
    let (pulsar, secrets) = super::auth::messaging(id, &cluster, &namespace, ctx, d);
    Base {
        custom,
        cro,
        cluster,
        metadata,
        pod,
        pulsar,
        secrets,
        replicas,
    }
}

/// Converts a 64-bit millisecond setting into the CR's 32-bit field, or reports that it does not fit.
pub(crate) fn to_i32(path: &str, value: Option<i64>, d: &mut Diagnostics) -> Option<i32> {
    let v = value?;
    let fits = i32::try_from(v).ok();
    if fits.is_none() {
        d.error(path, format!("{v} does not fit the CR's 32-bit field"));
    }
    fits
}

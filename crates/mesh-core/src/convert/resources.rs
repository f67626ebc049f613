//! CPU, memory and disk: Pulsar's resources as Kubernetes requests and limits, and the worker's
//! bounds on them.

use std::collections::BTreeMap;

use k8s_openapi::api::core::v1::ResourceRequirements;

use super::Context;
use crate::diag::Diagnostics;
use crate::pulsar::Resources;
use crate::quantity;
use crate::worker::CustomConfig;

/// Container resources: the config's resources, each missing member from the worker's
/// `defaultResources` (then Pulsar's defaults); requests as given, memory limit padded by 10 %.
pub(crate) fn resources(resources: Option<&Resources>, custom: &CustomConfig) -> ResourceRequirements {
    let r = Resources::merge_with_default(custom.default_resources.as_ref(), resources);
    let cpu = quantity::cpu(r.cpu.unwrap_or(Resources::DEFAULT_CPU));
    let ram = r.ram.unwrap_or(Resources::DEFAULT_RAM);
    let requests = BTreeMap::from([
        ("cpu".to_owned(), cpu.clone()),
        ("memory".to_owned(), quantity::memory(ram)),
    ]);
    let limits = BTreeMap::from([
        ("cpu".to_owned(), cpu),
        ("memory".to_owned(), quantity::memory(quantity::padded(ram))),
    ]);
    ResourceRequirements {
        requests: Some(requests),
        limits: Some(limits),
        claims: None,
    }
}

/// The worker's `functionInstanceMinResources` / `functionInstanceMaxResources`.
pub(crate) fn check_resource_bounds(ctx: &Context<'_>, resources: Option<&Resources>, d: &mut Diagnostics) {
    let custom = ctx.worker.custom();
    let r = Resources::merge_with_default(custom.default_resources.as_ref(), resources);
    let (cpu, ram) = (r.cpu.unwrap_or_default(), r.ram.unwrap_or_default());
    if let Some(min) = &ctx.worker.function_instance_min_resources
        && (min.cpu.is_some_and(|m| cpu < m) || min.ram.is_some_and(|m| ram < m))
    {
        d.error("resources", "Resource is less than minimum requirement");
    }
    if let Some(max) = &ctx.worker.function_instance_max_resources
        && (max.cpu.is_some_and(|m| cpu > m) || max.ram.is_some_and(|m| ram > m))
    {
        d.error("resources", "Resource is larger than max requirement");
    }
}

//! Kubernetes resource requirements read back as Pulsar's `resources`.

use k8s_openapi::api::core::v1::ResourceRequirements;

use crate::diag::Diagnostics;
use crate::pulsar::Resources;
use crate::quantity;

/// `resources` from the container's **requests** (the user's values; the memory limit is padded).
/// A member missing from the requests is read from the limits, with a warning for memory.
pub(super) fn resources(r: Option<&ResourceRequirements>, d: &mut Diagnostics) -> Option<Resources> {
    let r = r?;
    let get = |key: &str| {
        r.requests
            .as_ref()
            .and_then(|m| m.get(key))
            .map(|q| (q, "requests"))
            .or_else(|| r.limits.as_ref().and_then(|m| m.get(key)).map(|q| (q, "limits")))
    };
    let cpu = get("cpu").and_then(|(q, from)| {
        let v = quantity::parse_exact(&q.0);
        if v.is_none() {
            d.warning(
                format!("spec.resources.{from}.cpu"),
                format!("dropped: `{}` is not a quantity", q.0),
            );
        }
        v
    });
    let ram = get("memory").and_then(|(q, from)| {
        if from == "limits" {
            d.warning(
                "spec.resources.requests.memory",
                "missing: ram is read from the memory limit, which may include padding",
            );
        }
        let v = quantity::parse_bytes(&q.0);
        if v.is_none() {
            d.warning(
                format!("spec.resources.{from}.memory"),
                format!("dropped: `{}` is not a quantity", q.0),
            );
        }
        v
    });
    (cpu.is_some() || ram.is_some()).then(|| Resources {
        cpu,
        ram,
        ..Resources::default()
    })
}

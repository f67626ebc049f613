//! The Pulsar identity of a CR: its reserved labels, then its spec's fields.

use k8s_openapi::apimachinery::pkg::apis::meta::v1::ObjectMeta;

use crate::crd::ComponentSpec;
use crate::diag::Diagnostics;
use crate::identity::Claim;
use crate::text::non_empty;

/// Tenant, namespace and name of a component.
pub(super) struct Identity {
    pub tenant: Option<String>,
    pub namespace: Option<String>,
    pub name: Option<String>,
}

/// The Pulsar identity: the reserved labels (`compute.functionmesh.io/pulsar-*`, then the legacy
/// `pulsar-*`), then the spec's fields. The Java worker left the hashed object name in
/// `spec.name`, so the labels must win.
pub(super) fn identity<S: ComponentSpec>(meta: &ObjectMeta, spec: &S, d: &mut Diagnostics) -> Identity {
    let label = |claim: Claim| {
        let labels = meta.labels.as_ref()?;
        labels
            .get(claim.key())
            .or_else(|| labels.get(claim.legacy_key()))
            .filter(|v| !v.is_empty())
            .cloned()
    };
    let pick =
        |claim: Claim, spec: Option<&String>| label(claim).or_else(|| non_empty(spec).map(str::to_owned));
    let name = pick(Claim::Component, spec.name()).or_else(|| {
        let object = meta.name.clone();
        if let Some(n) = &object {
            d.warning(
                "metadata.name",
                format!(
                    "no component label and no spec.name: the resource name `{n}` is used as the Pulsar name"
                ),
            );
        }
        object
    });
    Identity {
        tenant: pick(Claim::Tenant, spec.tenant()),
        namespace: pick(Claim::Namespace, spec.namespace()),
        name,
    }
}

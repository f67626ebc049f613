//! The reserved claims that tie a Kubernetes object to its Pulsar component: one vocabulary for
//! writing them (conversion), reading them back (the reverse direction) and selecting by them
//! (the stores). The worker service writes each claim twice: under `compute.functionmesh.io/`
//! and, for its older readers, as a bare `pulsar-<claim>` label.

/// One reserved claim.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Claim {
    /// The Pulsar cluster.
    Cluster,
    /// The Pulsar tenant.
    Tenant,
    /// The Pulsar namespace.
    Namespace,
    /// The component's name.
    Component,
}

impl Claim {
    /// Every claim, in the order the labels are written.
    pub const ALL: [Self; 4] = [Self::Cluster, Self::Tenant, Self::Namespace, Self::Component];

    /// The label key: `compute.functionmesh.io/pulsar-<claim>`.
    pub fn key(self) -> &'static str {
        match self {
            Self::Cluster => "compute.functionmesh.io/pulsar-cluster",
            Self::Tenant => "compute.functionmesh.io/pulsar-tenant",
            Self::Namespace => "compute.functionmesh.io/pulsar-namespace",
            Self::Component => "compute.functionmesh.io/pulsar-component",
        }
    }

    /// The legacy label key: `pulsar-<claim>`.
    pub fn legacy_key(self) -> &'static str {
        &self.key()["compute.functionmesh.io/".len()..]
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn each_claim_has_its_two_keys() {
        let keys: Vec<(&str, &str)> = Claim::ALL.iter().map(|c| (c.key(), c.legacy_key())).collect();
        assert_eq!(
            keys,
            [
                ("compute.functionmesh.io/pulsar-cluster", "pulsar-cluster"),
                ("compute.functionmesh.io/pulsar-tenant", "pulsar-tenant"),
                ("compute.functionmesh.io/pulsar-namespace", "pulsar-namespace"),
                ("compute.functionmesh.io/pulsar-component", "pulsar-component"),
            ]
        );
    }
}

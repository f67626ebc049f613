//! Components by their Pulsar identity: the one rule for finding the resource of a
//! `tenant/namespace/name`, and the one order in which a conversion's objects are written.
//! `mesh serve`'s admin API and the CLI's `get`, `delete` and `apply` both go through here.

use mesh_core::convert::{Identity, naming};
use serde_json::Value;

use crate::{ApplyOptions, ObjectKey, ResourceKind, Selector, Store, StoreError};

/// A component, and what is known of where its resource lives.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Wanted<'a> {
    /// Its kind and Pulsar name.
    pub id: Identity<'a>,
    /// The Kubernetes namespace, when known; else every namespace is searched.
    pub k8s_namespace: Option<&'a str>,
    /// The Pulsar cluster, when known.
    pub cluster: Option<&'a str>,
}

/// What a search found.
#[derive(Clone, Debug, PartialEq)]
pub enum Found {
    /// No resource is the component.
    Missing,
    /// The one resource that is.
    One(ObjectKey, Value),
    /// This many resources are (in different clusters or Kubernetes namespaces): the caller
    /// must say which.
    Several(usize),
}

impl Wanted<'_> {
    /// The store key, when the Kubernetes namespace and the cluster are known: the object name
    /// is then computed as conversion computes it, not searched for.
    pub fn key(&self) -> Option<ObjectKey> {
        Some(ObjectKey {
            kind: ResourceKind::of(self.id.kind),
            namespace: self.k8s_namespace?.to_owned(),
            name: naming::object_name(self.cluster?, self.id.tenant, self.id.namespace, self.id.name),
        })
    }

    /// The reserved labels of the component, within what is known.
    pub fn selector(&self) -> Selector {
        Selector {
            namespace: self.k8s_namespace.map(str::to_owned),
            cluster: self.cluster.map(str::to_owned),
            tenant: Some(self.id.tenant.to_owned()),
            pulsar_namespace: Some(self.id.namespace.to_owned()),
            component: Some(self.id.name.to_owned()),
        }
    }
}

/// Finds the resource of `wanted`: by its computed key when the Kubernetes namespace and the
/// cluster are known, else by the reserved labels; more than one match is not a guess.
pub async fn find(store: &impl Store, wanted: &Wanted<'_>) -> Result<Found, StoreError> {
    if let Some(key) = wanted.key() {
        return match store.get(&key).await {
            Ok(v) => Ok(Found::One(key, v)),
            Err(StoreError::NotFound { .. }) => Ok(Found::Missing),
            Err(e) => Err(e),
        };
    }
    let mut found = store
        .list(ResourceKind::of(wanted.id.kind), &wanted.selector())
        .await?;
    match found.pop() {
        None => Ok(Found::Missing),
        Some(v) if found.is_empty() => Ok(Found::One(ObjectKey::of(&v, store.default_namespace())?, v)),
        Some(_) => Ok(Found::Several(found.len() + 1)),
    }
}

/// The order in which objects are applied: Secrets first, then the components that use them,
/// then the meshes, so that no pod starts before its Secret exists. A sort key.
pub fn apply_order(object: &Value) -> usize {
    ResourceKind::from_object(object)
        .and_then(|k| ResourceKind::ALL.iter().position(|x| *x == k))
        .unwrap_or(usize::MAX)
}

/// Writes one component's objects (its CR first, then the Secrets it refers to, as conversion
/// produces them). A create writes the CR first with a create-only call: when two creates race,
/// the loser stops at [`StoreError::AlreadyExists`] having written nothing. An update applies
/// in [`apply_order`].
pub async fn write(
    store: &impl Store,
    objects: &[Value],
    create: bool,
    options: ApplyOptions,
) -> Result<(), StoreError> {
    if create {
        let Some((cr, secrets)) = objects.split_first() else {
            return Ok(());
        };
        store.create(cr, options).await?;
        for s in secrets {
            store.apply(s, options).await?;
        }
        return Ok(());
    }
    let mut ordered: Vec<&Value> = objects.iter().collect();
    ordered.sort_by_key(|o| apply_order(o));
    for o in ordered {
        store.apply(o, options).await?;
    }
    Ok(())
}

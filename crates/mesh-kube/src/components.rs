//! Components by their Pulsar identity: the one rule for finding the resource of a
//! `tenant/namespace/name`, the one order in which a conversion's objects are written, and the
//! read-modify-writes of the lifecycle (update, start/stop/restart, delete with the Secrets the
//! conversion wrote). `mesh serve`'s admin API and the CLI's `get`, `delete` and `apply` both go
//! through here.

use mesh_core::convert::{Identity, cluster_config, naming};
use mesh_core::lifecycle::{self, Action};
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
/// the loser stops at [`StoreError::AlreadyExists`] having written nothing. When a Secret then
/// fails, the create is undone (the CR and the Secrets written before are deleted again) and
/// the answer is [`StoreError::Undone`]: a create leaves all of a component or nothing. An
/// update applies in [`apply_order`].
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
        for (written, s) in secrets.iter().enumerate() {
            if let Err(e) = store.apply(s, options).await {
                return Err(undo(store, &objects[..=written], e, options).await);
            }
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

/// Deletes `written` again (newest first) after `failure` stopped a create. Answers
/// [`StoreError::Undone`] when everything was deleted; when something could not be, the
/// original failure, with a warning naming what was left behind.
async fn undo(
    store: &impl Store,
    written: &[Value],
    failure: StoreError,
    options: ApplyOptions,
) -> StoreError {
    if options.dry_run {
        return failure;
    }
    let mut undone = Vec::new();
    for object in written.iter().rev() {
        let key = match ObjectKey::of(object, store.default_namespace()) {
            Ok(k) => k,
            Err(e) => {
                tracing::warn!(error = %e, "a create failed part-way and cannot be undone");
                return failure;
            }
        };
        match store.delete(&key).await {
            Ok(()) | Err(StoreError::NotFound { .. }) => {
                undone.push(format!("{} {}", key.kind.as_str(), key.name));
            }
            Err(e) => {
                tracing::warn!(
                    object = %format!("{} {}/{}", key.kind.as_str(), key.namespace, key.name),
                    error = %mesh_core::error_chain(&e),
                    "a create failed part-way; this object it wrote could not be deleted again"
                );
                return failure;
            }
        }
    }
    StoreError::Undone {
        undone: undone.join(", "),
        cause: Box::new(failure),
    }
}

/// Replaces a stored component by its updated conversion `objects` (its CR first): the stored
/// lifecycle state is carried over (a stopped component stays stopped, the restart mark stays)
/// and, unless `update_auth`, so is the stored auth Secret reference; then the objects are
/// written in [`apply_order`].
pub async fn replace(
    store: &impl Store,
    stored: &Value,
    objects: &mut [Value],
    update_auth: bool,
    options: ApplyOptions,
) -> Result<(), StoreError> {
    if let Some(cr) = objects.first_mut() {
        lifecycle::carry_over(stored, cr);
        if !update_auth {
            lifecycle::keep_auth(stored, cr);
        }
    }
    write(store, objects, false, options).await
}

/// Does `action` to the stored component `object` at `at` (an RFC 3339 time) and writes it
/// when that changed it; whether it did.
pub async fn act(
    store: &impl Store,
    object: &Value,
    action: Action,
    at: &str,
    options: ApplyOptions,
) -> Result<bool, StoreError> {
    let mut desired = crate::desired(object);
    let changed = action.apply(&mut desired, at);
    if changed {
        store.apply(&desired, options).await?;
    }
    Ok(changed)
}

/// Deletes the component stored as `object` under `key`, then the auth and TLS Secrets it
/// referred to when they are the ones its conversion wrote (same reserved labels; a Secret of
/// anyone else's stays). A resource or Secret already gone counts as deleted. Returns the
/// Secrets deleted.
pub async fn remove(
    store: &impl Store,
    key: &ObjectKey,
    object: &Value,
) -> Result<Vec<ObjectKey>, StoreError> {
    match store.delete(key).await {
        Ok(()) | Err(StoreError::NotFound { .. }) => {}
        Err(e) => return Err(e),
    }
    let owner = Selector::of_object(object);
    let mut deleted = Vec::new();
    for name in lifecycle::owned_secrets(object) {
        let secret = ObjectKey {
            kind: ResourceKind::Secret,
            namespace: key.namespace.clone(),
            name: name.to_owned(),
        };
        let stored = match store.get(&secret).await {
            Ok(v) => v,
            Err(StoreError::NotFound { .. }) => continue,
            Err(e) => return Err(e),
        };
        if !owner.matches(&stored) {
            continue;
        }
        match store.delete(&secret).await {
            Ok(()) => deleted.push(secret),
            Err(StoreError::NotFound { .. }) => {}
            Err(e) => return Err(e),
        }
    }
    Ok(deleted)
}

/// What [`ensure_cluster_config`] did.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Ensured {
    /// The ConfigMap was missing and is now there.
    Created,
    /// mesh's ConfigMap was there and now holds what was given.
    Updated,
    /// mesh's ConfigMap already held what was given.
    Unchanged,
    /// A ConfigMap of that name that mesh did not make is there: it was left as it is.
    Kept,
}

/// Makes the cluster ConfigMap `map` (mesh's, [`cluster_config::MANAGED_BY`]) exist: creates it
/// when missing, brings one mesh made up to date, and never touches one it did not make.
pub async fn ensure_cluster_config(
    store: &impl Store,
    map: &Value,
    options: ApplyOptions,
) -> Result<Ensured, StoreError> {
    let key = ObjectKey::of(map, store.default_namespace())?;
    let (label, value) = cluster_config::MANAGED_BY;
    let ours = |v: &Value| v["metadata"]["labels"][label].as_str() == Some(value);
    let existing = match store.get(&key).await {
        Ok(v) => Some(v),
        Err(StoreError::NotFound { .. }) => match store.create(map, options).await {
            Ok(()) => return Ok(Ensured::Created),
            // Another writer (a second replica) made it first: look at what it made.
            Err(StoreError::AlreadyExists { .. }) => Some(store.get(&key).await?),
            Err(e) => return Err(e),
        },
        Err(e) => return Err(e),
    };
    match existing {
        Some(v) if !ours(&v) => Ok(Ensured::Kept),
        _ => Ok(match store.apply(map, options).await? {
            crate::Applied::Unchanged => Ensured::Unchanged,
            crate::Applied::Created => Ensured::Created,
            crate::Applied::Updated => Ensured::Updated,
        }),
    }
}

//! `mesh-kube`: where mesh resources land.
//!
//! A [`Store`] holds Function Mesh resources and the Secrets they refer to, as the JSON objects
//! `mesh convert` produces. Two stores exist:
//! * [`Cluster`]: a Kubernetes cluster, written with server-side apply (field manager `mesh`),
//!   with bounded retries and a timeout on every call;
//! * [`Directory`]: a manifests directory (`<dir>/<namespace>/<kind>/<name>.yaml`), written
//!   atomically and under a lock, for Git-synced setups and as the embedded default.
//!
//! [`AnyStore`] picks one at run time.

mod any;
mod cluster;
pub mod components;
mod directory;
mod error;
mod object;
mod retry;

pub use any::{AnyStore, StoreSpec};
pub use cluster::{Cluster, ClusterOptions, FIELD_MANAGER};
pub use directory::Directory;
pub use error::{ApiStatus, Refusal, StoreError, Transient};
pub use object::{Applied, ApplyOptions, ObjectKey, ResourceKind, Selector, claim, desired, status_of};
pub use retry::RetryPolicy;

use std::future::Future;

use serde_json::Value;

/// Somewhere mesh resources are kept.
pub trait Store: Send + Sync {
    /// The Kubernetes namespace of objects that name none.
    fn default_namespace(&self) -> &str;

    /// Creates `object` or updates it to what is given.
    fn apply(
        &self,
        object: &Value,
        options: ApplyOptions,
    ) -> impl Future<Output = Result<Applied, StoreError>> + Send;

    /// Applies every object, `concurrency` at a time, calling `done` after each; the results are
    /// in the order of `objects`.
    fn apply_all(
        &self,
        objects: &[Value],
        options: ApplyOptions,
        concurrency: usize,
        done: &(dyn Fn() + Sync),
    ) -> impl Future<Output = Vec<Result<Applied, StoreError>>> + Send {
        use futures::StreamExt;
        let applies: Vec<_> = objects
            .iter()
            .map(move |o| async move {
                let r = self.apply(o, options).await;
                done();
                r
            })
            .collect();
        futures::stream::iter(applies)
            .buffered(concurrency.max(1))
            .collect()
    }

    /// Creates `object`; [`StoreError::AlreadyExists`] if it exists, even when two creates race.
    fn create(
        &self,
        object: &Value,
        options: ApplyOptions,
    ) -> impl Future<Output = Result<(), StoreError>> + Send;

    /// The object at `key`.
    fn get(&self, key: &ObjectKey) -> impl Future<Output = Result<Value, StoreError>> + Send;

    /// The objects of `kind` the selector matches, sorted by namespace and name.
    fn list(
        &self,
        kind: ResourceKind,
        selector: &Selector,
    ) -> impl Future<Output = Result<Vec<Value>, StoreError>> + Send;

    /// Deletes the object at `key`.
    fn delete(&self, key: &ObjectKey) -> impl Future<Output = Result<(), StoreError>> + Send;

    /// Restarts one instance of a component: deletes the pod with StatefulSet ordinal `ordinal`
    /// among the pods `pods` selects, and its StatefulSet starts a new one. Answers the pod's
    /// name; [`StoreError::NotFound`] when no such pod runs, [`StoreError::Unsupported`] from a
    /// store that runs no pods.
    fn restart_instance(
        &self,
        pods: &Selector,
        ordinal: i32,
    ) -> impl Future<Output = Result<String, StoreError>> + Send;

    /// Whether the store can be reached.
    fn ping(&self) -> impl Future<Output = Result<(), StoreError>> + Send;
}

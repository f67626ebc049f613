//! A store chosen at run time (`--store kube` or `--store dir:PATH`).

use std::path::PathBuf;

use serde_json::Value;

use crate::{
    Applied, ApplyOptions, Cluster, ClusterOptions, Directory, ObjectKey, ResourceKind, Selector, Store,
    StoreError,
};

/// Which store to use, as the command line names it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum StoreSpec {
    /// `kube`: the cluster of the kubeconfig.
    Kube,
    /// `dir:PATH`: a manifests directory.
    Dir(PathBuf),
}

impl std::str::FromStr for StoreSpec {
    type Err = String;

    fn from_str(s: &str) -> Result<Self, String> {
        match s {
            "kube" => Ok(Self::Kube),
            _ => match s.strip_prefix("dir:") {
                Some(p) if !p.is_empty() => Ok(Self::Dir(PathBuf::from(p))),
                _ => Err(format!("`{s}` is not a store: use `kube` or `dir:PATH`")),
            },
        }
    }
}

/// A [`Cluster`] or a [`Directory`].
#[derive(Clone)]
pub enum AnyStore {
    /// A cluster.
    Cluster(Cluster),
    /// A directory.
    Directory(Directory),
}

impl AnyStore {
    /// Opens the store `spec` names; `cluster` says how to reach a cluster (its namespace is
    /// also the directory's default namespace).
    pub async fn open(spec: &StoreSpec, cluster: &ClusterOptions) -> Result<Self, StoreError> {
        Ok(match spec {
            StoreSpec::Kube => Self::Cluster(Cluster::connect(cluster).await?),
            StoreSpec::Dir(path) => {
                let dir = Directory::new(
                    path.clone(),
                    cluster.namespace.clone().unwrap_or_else(|| "default".to_owned()),
                );
                let cleaner = dir.clone();
                let removed = tokio::task::spawn_blocking(move || cleaner.clean())
                    .await
                    .map_err(|e| StoreError::Io {
                        path: path.display().to_string(),
                        source: std::io::Error::other(e),
                    })??;
                if removed > 0 {
                    tracing::info!(removed, dir = %path.display(), "removed files crashed writers left behind");
                }
                Self::Directory(dir)
            }
        })
    }
}

macro_rules! each {
    ($self:ident, $s:ident => $e:expr) => {
        match $self {
            AnyStore::Cluster($s) => $e,
            AnyStore::Directory($s) => $e,
        }
    };
}

impl Store for AnyStore {
    fn default_namespace(&self) -> &str {
        each!(self, s => s.default_namespace())
    }

    async fn apply(&self, object: &Value, options: ApplyOptions) -> Result<Applied, StoreError> {
        each!(self, s => s.apply(object, options).await)
    }

    async fn create(&self, object: &Value, options: ApplyOptions) -> Result<(), StoreError> {
        each!(self, s => s.create(object, options).await)
    }

    async fn get(&self, key: &ObjectKey) -> Result<Value, StoreError> {
        each!(self, s => s.get(key).await)
    }

    async fn list(&self, kind: ResourceKind, selector: &Selector) -> Result<Vec<Value>, StoreError> {
        each!(self, s => s.list(kind, selector).await)
    }

    async fn delete(&self, key: &ObjectKey) -> Result<(), StoreError> {
        each!(self, s => s.delete(key).await)
    }

    async fn restart_instance(&self, pods: &Selector, ordinal: i32) -> Result<String, StoreError> {
        each!(self, s => s.restart_instance(pods, ordinal).await)
    }

    async fn ping(&self) -> Result<(), StoreError> {
        each!(self, s => s.ping().await)
    }
}

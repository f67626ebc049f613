//! A real Kubernetes cluster: server-side apply with field manager `mesh`, bounded retries with
//! backoff, a timeout on every call, CRD installation that waits until the CRDs are Established.

use std::collections::BTreeMap;
use std::fmt::Write as _;
use std::path::PathBuf;
use std::time::Duration;

use futures::StreamExt;
use k8s_openapi::api::core::v1::Pod;
use k8s_openapi::apiextensions_apiserver::pkg::apis::apiextensions::v1::CustomResourceDefinition;
use kube::api::{Api, DeleteParams, DynamicObject, ListParams, Patch, PatchParams, PostParams};
use kube::config::{KubeConfigOptions, Kubeconfig};
use kube::core::ApiResource;
use serde_json::{Value, json};

use crate::error::{ApiStatus, Refusal, Transient};
use crate::retry::{self, Failure, RetryPolicy};
use crate::{Applied, ApplyOptions, ObjectKey, ResourceKind, Selector, Store, StoreError};

/// The field manager of every apply.
pub const FIELD_MANAGER: &str = "mesh";

/// Refuses an object holding a number the API server would change: it keeps integers in 64
/// bits and every other number as a 64-bit float, so `123456789012345678901234567890` or
/// `0.1000000000000000000001` would silently come back as another value. Every such number is
/// named at once, with its path.
fn exact_in_kubernetes(object: &Value) -> Result<(), StoreError> {
    fn walk(v: &Value, path: &mut String, bad: &mut Vec<String>) {
        match v {
            Value::Number(n) => {
                let text = n.to_string();
                let kept = if n.is_i64() || n.is_u64() && n.as_u64().is_some_and(|u| i64::try_from(u).is_ok())
                {
                    true
                } else {
                    n.as_f64()
                        .filter(|f| f.is_finite())
                        .and_then(serde_json::Number::from_f64)
                        .is_some_and(|f| mesh_core::document::same_value(&Value::Number(f), v))
                };
                if !kept {
                    bad.push(format!("{path}: {text}"));
                }
            }
            Value::Array(items) => {
                for (i, item) in items.iter().enumerate() {
                    let len = path.len();
                    let _ = write!(path, "[{i}]");
                    walk(item, path, bad);
                    path.truncate(len);
                }
            }
            Value::Object(map) => {
                for (k, item) in map {
                    let len = path.len();
                    if !path.is_empty() {
                        path.push('.');
                    }
                    path.push_str(k);
                    walk(item, path, bad);
                    path.truncate(len);
                }
            }
            _ => {}
        }
    }
    let mut bad = Vec::new();
    walk(object, &mut String::new(), &mut bad);
    if bad.is_empty() {
        return Ok(());
    }
    Err(StoreError::rule(format!(
        "the Kubernetes API server keeps integers in 64 bits and other numbers as 64-bit floats, \
         so it would change {}; give such values as strings",
        bad.join(", ")
    )))
}

/// The time a readiness check ([`Store::ping`]) waits for the API server.
const PING_TIMEOUT: Duration = Duration::from_secs(3);

/// How to reach a cluster.
#[derive(Clone, Debug, Default)]
pub struct ClusterOptions {
    /// A kubeconfig file; else `$KUBECONFIG`, `~/.kube/config` or the in-cluster config.
    pub kubeconfig: Option<PathBuf>,
    /// The kubeconfig context; else its current context.
    pub context: Option<String>,
    /// The namespace of objects that name none; else the context's namespace, else `default`.
    pub namespace: Option<String>,
    /// Retries and timeouts.
    pub retry: RetryPolicy,
}

/// A Kubernetes cluster as a [`Store`].
#[derive(Clone)]
pub struct Cluster {
    client: kube::Client,
    namespace: String,
    retry: RetryPolicy,
}

/// The pod's name when it is the StatefulSet pod with ordinal `ordinal`: owned by a StatefulSet
/// and named `<statefulset>-<ordinal>`, as the StatefulSet controller names its pods.
fn statefulset_pod(meta: &kube::core::ObjectMeta, ordinal: i32) -> Option<String> {
    let name = meta.name.as_deref()?;
    let owned = meta.owner_references.iter().flatten().any(|o| {
        o.kind == "StatefulSet"
            && name
                .strip_prefix(o.name.as_str())
                .and_then(|rest| rest.strip_prefix('-'))
                .is_some_and(|n| n == ordinal.to_string())
    });
    owned.then(|| name.to_owned())
}

/// Whether a failed call is worth another attempt: the API server is busy or failing (429,
/// 5xx), or could not be reached.
fn retryable(e: &kube::Error) -> bool {
    match e {
        kube::Error::Api(s) => s.code == 429 || (500..600).contains(&s.code),
        kube::Error::HyperError(_) | kube::Error::Service(_) => true,
        _ => false,
    }
}

/// The last failure of a call, as the store tells it.
fn transient(e: kube::Error) -> Transient {
    match e {
        kube::Error::Api(s) => Transient::Status(ApiStatus(s)),
        kube::Error::HyperError(h) => Transient::Connection(Box::new(h)),
        kube::Error::Service(s) => Transient::Connection(s),
        other => Transient::Client(other),
    }
}

/// Maps a final failure of an operation on the object `kind` `name` to the store's error.
fn store_error(kind: &str, name: &str, e: Failure<kube::Error>) -> StoreError {
    match e {
        Failure::Exhausted { attempts, last } => StoreError::Unavailable {
            attempts,
            last: last.map_or_else(Transient::TimedOut, transient),
        },
        Failure::Final(kube::Error::Api(s)) => match (s.code, s.reason.as_str()) {
            (404, _) => StoreError::NotFound {
                kind: kind.to_owned(),
                name: name.to_owned(),
            },
            (409, "AlreadyExists") => StoreError::AlreadyExists {
                kind: kind.to_owned(),
                name: name.to_owned(),
            },
            (409, _) => StoreError::Conflict(ApiStatus(s)),
            (401 | 403, _) => StoreError::Forbidden(ApiStatus(s)),
            _ => StoreError::Invalid(Refusal::Api(ApiStatus(s))),
        },
        Failure::Final(other) => StoreError::Unavailable {
            attempts: 1,
            last: transient(other),
        },
    }
}

/// An object without what the server changes on every write, to tell whether an apply changed it.
fn content(object: &Value) -> Value {
    let mut v = object.clone();
    if let Some(m) = v.get_mut("metadata").and_then(Value::as_object_mut) {
        for k in ["resourceVersion", "managedFields", "generation"] {
            m.remove(k);
        }
    }
    v
}

impl Cluster {
    /// Connects with a kubeconfig (or the in-cluster config).
    pub async fn connect(options: &ClusterOptions) -> Result<Self, StoreError> {
        let kube_options = KubeConfigOptions {
            context: options.context.clone(),
            ..KubeConfigOptions::default()
        };
        let config: Result<kube::Config, kube::Error> = match &options.kubeconfig {
            Some(path) => match Kubeconfig::read_from(path) {
                Ok(k) => kube::Config::from_custom_kubeconfig(k, &kube_options)
                    .await
                    .map_err(kube::Error::from),
                Err(e) => Err(e.into()),
            },
            None if options.context.is_some() => kube::Config::from_kubeconfig(&kube_options)
                .await
                .map_err(kube::Error::from),
            None => kube::Config::infer().await.map_err(kube::Error::InferConfig),
        };
        let unusable = |source| StoreError::Config {
            kubeconfig: options.kubeconfig.clone(),
            source,
        };
        let config = config.map_err(unusable)?;
        let mut config = config;
        config.read_timeout = Some(options.retry.call_timeout);
        config.connect_timeout = Some(Duration::from_secs(5));
        // One retry layer: ours (`RetryPolicy`), which also rides out connection errors and
        // API server restarts. kube's own would multiply the attempts.
        config.default_retry = false;
        let namespace = options
            .namespace
            .clone()
            .unwrap_or_else(|| config.default_namespace.clone());
        let client = kube::Client::try_from(config).map_err(unusable)?;
        Ok(Self::from_client(client, namespace, options.retry))
    }

    /// A store over an existing client (tests use a mocked one).
    pub fn from_client(client: kube::Client, namespace: String, retry: RetryPolicy) -> Self {
        Self {
            client,
            namespace,
            retry,
        }
    }

    /// The namespace of objects that name none.
    pub fn namespace(&self) -> &str {
        &self.namespace
    }

    fn api(&self, kind: ResourceKind, namespace: Option<&str>) -> Api<DynamicObject> {
        let ar = kind.api_resource();
        match namespace {
            Some(ns) => Api::namespaced_with(self.client.clone(), ns, &ar),
            None => Api::all_with(self.client.clone(), &ar),
        }
    }

    /// Runs `call` on the object `kind` `name` (which names it in errors) under the retry policy.
    async fn call<T, F, Fut>(&self, kind: &str, name: &str, call: F) -> Result<T, StoreError>
    where
        F: FnMut() -> Fut,
        Fut: Future<Output = Result<T, kube::Error>>,
    {
        retry::run(&self.retry, retryable, call)
            .await
            .map_err(|e| store_error(kind, name, e))
    }

    async fn get_opt(&self, key: &ObjectKey) -> Result<Option<Value>, StoreError> {
        match self.get(key).await {
            Ok(v) => Ok(Some(v)),
            Err(e) if e.is_not_found() => Ok(None),
            Err(e) => Err(e),
        }
    }

    /// Server-side applies `object` (at `key`), whose current state is `before`.
    async fn apply_over(
        &self,
        object: &Value,
        key: &ObjectKey,
        before: Option<&Value>,
        options: ApplyOptions,
    ) -> Result<Applied, StoreError> {
        exact_in_kubernetes(object)?;
        let mut object = object.clone();
        object["metadata"]["namespace"] = json!(key.namespace);
        // The operator owns the status; an apply never sends one.
        if let Some(o) = object.as_object_mut() {
            o.remove("status");
        }
        let mut pp = PatchParams::apply(FIELD_MANAGER);
        pp.force = options.force_conflicts;
        pp.dry_run = options.dry_run;
        let api = self.api(key.kind, Some(&key.namespace));
        let patch = Patch::Apply(&object);
        let after = retry::run(&self.retry, retryable, || api.patch(&key.name, &pp, &patch))
            .await
            .map_err(|e| match e {
                // The object itself cannot be missing on apply: its namespace or type is.
                Failure::Final(kube::Error::Api(s)) if s.code == 404 => {
                    StoreError::Invalid(Refusal::NoNamespaceOrType(ApiStatus(s)))
                }
                other => store_error(key.kind.as_str(), &key.name, other),
            })?;
        let after = serde_json::to_value(after).map_err(|e| StoreError::Invalid(e.into()))?;
        Ok(match before {
            None => Applied::Created,
            Some(b) if content(b) == content(&after) => Applied::Unchanged,
            Some(_) => Applied::Updated,
        })
    }

    /// Applies mesh's CRDs (Function, Source, Sink, FunctionMesh) and waits until the API server
    /// reports each Established, or `wait` has passed. Returns the CRD names.
    pub async fn install_crds(&self, wait: Duration) -> Result<Vec<String>, StoreError> {
        let api: Api<CustomResourceDefinition> = Api::all(self.client.clone());
        let pp = PatchParams::apply(FIELD_MANAGER).force();
        let mut names = Vec::new();
        for crd in mesh_core::crd::crds() {
            let name = crd.metadata.name.clone().unwrap_or_default();
            let patch = Patch::Apply(&crd);
            self.call("CustomResourceDefinition", &name, || {
                api.patch(&name, &pp, &patch)
            })
            .await?;
            names.push(name);
        }
        let deadline = tokio::time::Instant::now() + wait;
        for name in &names {
            loop {
                let crd = self
                    .call("CustomResourceDefinition", name, || api.get(name))
                    .await?;
                let established = crd
                    .status
                    .as_ref()
                    .and_then(|s| s.conditions.as_ref())
                    .is_some_and(|cs| cs.iter().any(|c| c.type_ == "Established" && c.status == "True"));
                if established {
                    break;
                }
                if tokio::time::Instant::now() >= deadline {
                    return Err(StoreError::Unavailable {
                        attempts: 1,
                        last: Transient::NotEstablished {
                            name: name.clone(),
                            wait,
                        },
                    });
                }
                tokio::time::sleep(Duration::from_millis(200)).await;
            }
        }
        Ok(names)
    }
}

impl Store for Cluster {
    fn default_namespace(&self) -> &str {
        &self.namespace
    }

    async fn apply(&self, object: &Value, options: ApplyOptions) -> Result<Applied, StoreError> {
        let key = ObjectKey::of(object, &self.namespace)?;
        let before = self.get_opt(&key).await?;
        self.apply_over(object, &key, before.as_ref(), options).await
    }

    /// One list per kind and namespace tells what exists, then one server-side apply per object:
    /// half the requests of getting each object first.
    async fn apply_all(
        &self,
        objects: &[Value],
        options: ApplyOptions,
        concurrency: usize,
        done: &(dyn Fn() + Sync),
    ) -> Vec<Result<Applied, StoreError>> {
        let keys: Vec<Result<ObjectKey, StoreError>> = objects
            .iter()
            .map(|o| ObjectKey::of(o, &self.namespace))
            .collect();
        let mut groups: BTreeMap<(ResourceKind, String), Option<BTreeMap<String, Value>>> = BTreeMap::new();
        for k in keys.iter().flatten() {
            groups.entry((k.kind, k.namespace.clone())).or_insert(None);
        }
        for ((kind, namespace), existing) in &mut groups {
            let sel = Selector {
                namespace: Some(namespace.clone()),
                ..Selector::default()
            };
            // When the list fails, each object is looked up on its own.
            *existing = self.list(*kind, &sel).await.ok().map(|items| {
                items
                    .into_iter()
                    .filter_map(|v| Some((v.pointer("/metadata/name")?.as_str()?.to_owned(), v)))
                    .collect()
            });
        }
        let groups = &groups;
        let applies: Vec<_> = objects
            .iter()
            .zip(keys)
            .map(|(o, key)| async move {
                let r = match key {
                    Err(e) => Err(e),
                    Ok(key) => match groups.get(&(key.kind, key.namespace.clone())) {
                        Some(Some(existing)) => {
                            self.apply_over(o, &key, existing.get(&key.name), options).await
                        }
                        _ => self.apply(o, options).await,
                    },
                };
                done();
                r
            })
            .collect();
        futures::stream::iter(applies)
            .buffered(concurrency.max(1))
            .collect()
            .await
    }

    async fn create(&self, object: &Value, options: ApplyOptions) -> Result<(), StoreError> {
        let key = ObjectKey::of(object, &self.namespace)?;
        exact_in_kubernetes(object)?;
        let mut object: DynamicObject =
            serde_json::from_value(object.clone()).map_err(|e| StoreError::Invalid(e.into()))?;
        object.metadata.namespace = Some(key.namespace.clone());
        let pp = PostParams {
            dry_run: options.dry_run,
            field_manager: Some(FIELD_MANAGER.to_owned()),
        };
        let api = self.api(key.kind, Some(&key.namespace));
        self.call(key.kind.as_str(), &key.name, || api.create(&pp, &object))
            .await?;
        Ok(())
    }

    async fn get(&self, key: &ObjectKey) -> Result<Value, StoreError> {
        let api = self.api(key.kind, Some(&key.namespace));
        let o = self
            .call(key.kind.as_str(), &key.name, || api.get(&key.name))
            .await?;
        let mut v = serde_json::to_value(o).map_err(|e| StoreError::Invalid(e.into()))?;
        v["apiVersion"] = json!(key.kind.api_version());
        v["kind"] = json!(key.kind.as_str());
        Ok(v)
    }

    async fn list(&self, kind: ResourceKind, selector: &Selector) -> Result<Vec<Value>, StoreError> {
        let api = self.api(kind, selector.namespace.as_deref());
        let lp = ListParams::default().labels(&selector.label_selector());
        let list = self.call(kind.as_str(), "", || api.list(&lp)).await?;
        list.items
            .into_iter()
            .map(|o| {
                let mut v = serde_json::to_value(o).map_err(|e| StoreError::Invalid(e.into()))?;
                v["apiVersion"] = json!(kind.api_version());
                v["kind"] = json!(kind.as_str());
                Ok(v)
            })
            .collect()
    }

    async fn delete(&self, key: &ObjectKey) -> Result<(), StoreError> {
        let api = self.api(key.kind, Some(&key.namespace));
        let dp = DeleteParams::default();
        self.call(key.kind.as_str(), &key.name, || api.delete(&key.name, &dp))
            .await?;
        Ok(())
    }

    async fn restart_instance(&self, pods: &Selector, ordinal: i32) -> Result<String, StoreError> {
        let namespace = pods.namespace.as_deref().unwrap_or(&self.namespace);
        let api: Api<DynamicObject> =
            Api::namespaced_with(self.client.clone(), namespace, &ApiResource::erase::<Pod>(&()));
        let lp = ListParams::default().labels(&pods.label_selector());
        let list = self.call("Pod", "", || api.list(&lp)).await?;
        let name = list
            .items
            .iter()
            .find_map(|p| statefulset_pod(&p.metadata, ordinal))
            .ok_or_else(|| StoreError::NotFound {
                kind: "Pod".to_owned(),
                name: format!("with ordinal {ordinal}"),
            })?;
        let dp = DeleteParams::default();
        match self.call("Pod", &name, || api.delete(&name, &dp)).await {
            // Gone in the meantime is as good as deleted.
            Ok(_) | Err(StoreError::NotFound { .. }) => Ok(name),
            Err(e) => Err(e),
        }
    }

    /// One call, no retries, within 3 seconds: readiness reports the API server as it is now.
    async fn ping(&self) -> Result<(), StoreError> {
        retry::run(&RetryPolicy::once(PING_TIMEOUT), retryable, || {
            self.client.apiserver_version()
        })
        .await
        .map(|_| ())
        .map_err(|e| store_error("version", "", e))
    }
}

//! Create, update, get, list, delete, status and lifecycle of one kind of component.

use std::collections::BTreeSet;
use std::sync::Arc;

use axum::Json;
use axum::body::Bytes;
use axum::extract::multipart::MultipartRejection;
use axum::extract::{Multipart, Path, State};
use axum::http::StatusCode;
use mesh_core::Kind;
use mesh_core::convert::{self, AuthContext, Component, Context, Identity, Produced, UpdateRequest};
use mesh_core::diag::Diagnostics;
use mesh_core::lifecycle::{self, Action};
use mesh_core::pipeline::{self, ReadError};
use mesh_kube::components::{self, Found, Wanted};
use mesh_kube::{ApplyOptions, ObjectKey, ResourceKind, Selector, Store, StoreError};
use serde_json::Value;

use super::form::{self, Form};
use crate::auth::Caller;
use crate::{ApiError, AppState};

/// `{tenant}/{namespace}/{name}` of a request.
type NamePath = Path<(String, String, String)>;
/// `{tenant}/{namespace}/{name}/{instanceId}` of a request.
type InstancePath = Path<(String, String, String, String)>;

/// The worker service's answer when the API of `kind` is switched off.
fn enabled(state: &AppState, kind: Kind) -> Result<(), ApiError> {
    if state.worker.api_enabled(kind) {
        Ok(())
    } else {
        Err(ApiError::BadRequest(format!("{kind} API is disabled")))
    }
}

/// Pulsar's missing-parameter answers: a path with an empty segment (`public//x`) names no
/// namespace, and is refused instead of being read as the default one.
fn given(kind: Kind, tenant: &str, namespace: &str, name: Option<&str>) -> Result<(), ApiError> {
    let blank = |s: &str| s.trim().is_empty();
    if blank(tenant) {
        Err(ApiError::BadRequest("Tenant is not provided".to_owned()))
    } else if blank(namespace) {
        Err(ApiError::BadRequest("Namespace is not provided".to_owned()))
    } else if name.is_some_and(blank) {
        Err(ApiError::BadRequest(format!("{kind} name is not provided")))
    } else {
        Ok(())
    }
}

/// The API of `kind` is on, the path names everything, and the caller may operate on
/// `tenant/namespace`, in Pulsar's order.
async fn guard(
    state: &AppState,
    kind: Kind,
    caller: &Caller,
    (tenant, namespace, name): (&str, &str, Option<&str>),
) -> Result<(), ApiError> {
    enabled(state, kind)?;
    given(kind, tenant, namespace, name)?;
    state.security.authorize(caller, kind, tenant, namespace).await
}

fn missing(kind: Kind, name: &str) -> String {
    format!("{kind} {name} doesn't exist")
}

/// How the admin API writes: it owns the resources it manages, as the worker service did, so an
/// update takes over fields another writer (or its own create, a different operation to the API
/// server) set.
const WRITE: ApplyOptions = ApplyOptions {
    dry_run: false,
    force_conflicts: true,
};

fn store_error(state: &AppState, e: StoreError) -> ApiError {
    state.metrics.store_error(&e);
    ApiError::Store(e)
}

/// Where the resource of `kind` for the Pulsar name lives: its namespace, and its object name
/// when the cluster is known.
fn located(state: &AppState, kind: Kind, tenant: &str, namespace: &str, name: &str) -> convert::Location {
    let id = Identity {
        kind,
        tenant,
        namespace,
        name,
    };
    convert::locate(id, &state.context())
}

/// The component as the store searches for it: the Kubernetes namespace is always known here,
/// the cluster when the worker config or the context names it.
fn wanted<'a>(
    kind: Kind,
    (tenant, namespace, name): (&'a str, &'a str, &'a str),
    at: &'a convert::Location,
) -> Wanted<'a> {
    Wanted {
        id: Identity {
            kind,
            tenant,
            namespace,
            name,
        },
        k8s_namespace: Some(&at.namespace),
        cluster: at.cluster.as_deref(),
    }
}

/// The store key of the resource of `kind` for the Pulsar name, when the cluster is known (the
/// object name is then computed, not searched for).
fn known_key(state: &AppState, kind: Kind, tenant: &str, namespace: &str, name: &str) -> Option<ObjectKey> {
    let at = located(state, kind, tenant, namespace, name);
    wanted(kind, (tenant, namespace, name), &at).key()
}

/// Finds the resource of `kind` for the Pulsar name ([`components::find`]).
async fn lookup(
    state: &AppState,
    kind: Kind,
    tenant: &str,
    namespace: &str,
    name: &str,
) -> Result<Option<(ObjectKey, Value)>, ApiError> {
    let at = located(state, kind, tenant, namespace, name);
    let found = components::find(&state.store, &wanted(kind, (tenant, namespace, name), &at))
        .await
        .map_err(|e| store_error(state, e))?;
    match found {
        Found::Missing => Ok(None),
        Found::One(key, object) => Ok(Some((key, object))),
        Found::Several(n) => Err(ApiError::BadRequest(format!(
            "{n} resources are {kind} {tenant}/{namespace}/{name} in different clusters: give mesh serve a worker config that names the cluster"
        ))),
    }
}

/// The resource of `kind` the path names, or 404 `<Kind> <name> doesn't exist`.
async fn find(
    state: &AppState,
    kind: Kind,
    (tenant, namespace, name): &(String, String, String),
) -> Result<(ObjectKey, Value), ApiError> {
    lookup(state, kind, tenant, namespace, name)
        .await?
        .ok_or_else(|| ApiError::NotFound(missing(kind, name)))
}

/// The kind of component that has the Pulsar name, if any.
async fn existing_kind(
    state: &AppState,
    tenant: &str,
    namespace: &str,
    name: &str,
) -> Result<Option<Kind>, ApiError> {
    for kind in Kind::ALL {
        if lookup(state, kind, tenant, namespace, name).await?.is_some() {
            return Ok(Some(kind));
        }
    }
    Ok(None)
}

fn parse_config(
    kind: Kind,
    bytes: Option<&Bytes>,
    (tenant, namespace, name): &(String, String, String),
) -> Result<Component, ApiError> {
    let not_provided = || ApiError::BadRequest(format!("{kind} config is not provided"));
    let bytes = bytes.ok_or_else(not_provided)?;
    let mut component = pipeline::read_one(bytes, kind).map_err(|e| match e {
        ReadError::Documents(0) => not_provided(),
        ReadError::Documents(n) => ApiError::BadRequest(format!(
            "{} must be one config, got {n} documents",
            form::config_part(kind)
        )),
        ReadError::Invalid(d) => ApiError::Rejected(d),
    })?;
    // Pulsar overwrites the config's identity with the path's.
    component.set_identity(tenant, namespace, name);
    Ok(component)
}

/// The worker service's answers to an uploaded package: mesh keeps no packages.
fn refuse_upload(state: &AppState, form: &Form) -> Result<(), ApiError> {
    if !form.data || form.url.is_some() {
        return Ok(());
    }
    Err(ApiError::BadRequest(if state.worker.upload_enabled() {
        "uploading package to mesh worker service is not supported yet.".to_owned()
    } else {
        "Uploading Jar File is not enabled".to_owned()
    }))
}

/// Writes the converted objects ([`components::write`]): a create writes nothing when the
/// component exists by then.
async fn write(
    state: &AppState,
    kind: Kind,
    name: &str,
    objects: &[Value],
    create: bool,
) -> Result<(), ApiError> {
    cluster_config(state, objects).await?;
    match components::write(&state.store, objects, create, WRITE).await {
        Ok(()) => Ok(()),
        Err(StoreError::AlreadyExists { .. }) => {
            Err(ApiError::BadRequest(format!("{kind} {name} already exists")))
        }
        Err(e) => Err(store_error(state, e)),
    }
}

/// Makes the cluster ConfigMap the resource (`objects[0]`) refers to exist in its namespace,
/// when the worker config gives its URLs: created when missing, never one mesh did not make
/// ([`components::ensure_cluster_config`]).
async fn cluster_config(state: &AppState, objects: &[Value]) -> Result<(), ApiError> {
    let (Ok(urls), Some(resource)) = (&state.cluster_urls, objects.first()) else {
        return Ok(());
    };
    for at in convert::cluster_config::references(resource) {
        let map = serde_json::to_value(urls.config_map(&at))
            .map_err(|e| ApiError::BadRequest(format!("cannot serialize the result: {e}")))?;
        let ensured = components::ensure_cluster_config(&state.store, &map, WRITE)
            .await
            .map_err(|e| store_error(state, e))?;
        if ensured == components::Ensured::Created {
            tracing::info!(configmap = %at.name, namespace = ?at.namespace, "cluster ConfigMap created");
        }
    }
    Ok(())
}

/// The objects of a conversion as the store takes them, counted in the metrics.
fn converted(state: &AppState, kind: Kind, r: Result<Produced, Diagnostics>) -> Result<Vec<Value>, ApiError> {
    state.metrics.conversion(kind, r.is_ok());
    r.map_err(ApiError::Rejected)?
        .objects
        .into_iter()
        .map(|o| {
            o.into_value()
                .map_err(|e| ApiError::BadRequest(format!("cannot serialize the result: {e}")))
        })
        .collect()
}

/// Logs a change the request made (`created`, `stopped`, ...) and answers 204, as Pulsar does.
fn done(kind: Kind, (tenant, namespace, name): &(String, String, String), what: &str) -> StatusCode {
    tracing::info!(kind = kind.lower(), tenant, namespace, name, what);
    StatusCode::NO_CONTENT
}

/// The config a create or update submits, with the path's identity, after refusing an upload.
fn submitted(
    state: &AppState,
    kind: Kind,
    form: &Form,
    path: &(String, String, String),
) -> Result<Component, ApiError> {
    refuse_upload(state, form)?;
    parse_config(kind, form.config.as_ref(), path)
}

/// The conversion context of a submission: the request's package URL, if any, and the
/// caller's credentials, if they are to reach the component.
fn package_context<'a>(state: &'a AppState, form: &'a Form, auth: Option<&'a AuthContext>) -> Context<'a> {
    Context {
        package_url: form.url.as_deref(),
        auth,
        ..state.context()
    }
}

/// What the component gets of the caller's credentials (`function-mesh.md` a.3.17): nothing
/// unless a provider authenticated the caller; the bearer token; and for the OAuth2 handler the
/// Secret in the job namespace whose annotation names the caller's role.
async fn auth_context(
    state: &AppState,
    kind: Kind,
    caller: &Caller,
    (tenant, namespace, name): &(String, String, String),
) -> Result<Option<AuthContext>, ApiError> {
    if !caller.authenticated || !state.security.authenticates() {
        return Ok(None);
    }
    let custom = state.worker.custom();
    let oauth2 = !custom.using_insecure_auth()
        && state.worker.broker_client_authentication_plugin.as_deref() == Some(convert::OAUTH2_PLUGIN);
    let mut oauth2_key_secret = None;
    if let (true, Some(role)) = (oauth2, caller.role.as_deref()) {
        let at = convert::locate(
            Identity {
                kind,
                tenant,
                namespace,
                name,
            },
            &state.context(),
        );
        let secrets = state
            .store
            .list(
                ResourceKind::Secret,
                &Selector {
                    namespace: Some(at.namespace),
                    ..Selector::default()
                },
            )
            .await
            .map_err(|e| store_error(state, e))?;
        let annotation = custom.oauth2_secret_annotation_key();
        oauth2_key_secret = secrets
            .iter()
            .find(|s| s["metadata"]["annotations"][annotation].as_str() == Some(role))
            .and_then(|s| s.pointer("/metadata/name")?.as_str())
            .map(str::to_owned);
    }
    Ok(Some(AuthContext {
        client_role: caller.role.clone(),
        bearer_token: caller.token.as_ref().map(|t| t.expose().to_owned()),
        oauth2_key_secret,
    }))
}

/// `POST /{tenant}/{namespace}/{name}`: register.
pub(crate) async fn create(
    kind: Kind,
    State(state): State<Arc<AppState>>,
    Path(path): NamePath,
    caller: Caller,
    body: Result<Multipart, MultipartRejection>,
) -> Result<StatusCode, ApiError> {
    let (tenant, namespace, name) = &path;
    guard(&state, kind, &caller, (tenant, namespace, Some(name))).await?;
    let form = form::read(kind, body).await?;
    let id = Identity {
        kind,
        tenant,
        namespace,
        name,
    };
    let cluster = convert::locate(id, &state.context()).cluster;
    state
        .security
        .check_exists(tenant, namespace, cluster.as_deref())
        .await?;
    if existing_kind(&state, tenant, namespace, name).await?.is_some() {
        return Err(ApiError::BadRequest(format!("{kind} {name} already exists")));
    }
    let mut component = submitted(&state, kind, &form, &path)?;
    if let Some(url) = &form.url {
        component.default_package(url);
    }
    let auth = auth_context(&state, kind, &caller, &path).await?;
    let ctx = package_context(&state, &form, auth.as_ref());
    let objects = converted(&state, kind, component.convert(&ctx))?;
    write(&state, kind, name, &objects, true).await?;
    Ok(done(kind, &path, "created"))
}

/// Reads a stored resource back as its config.
fn read_back(state: &AppState, kind: Kind, key: &ObjectKey, object: &Value) -> Result<Component, ApiError> {
    Component::reverse_value(kind, lifecycle::as_running(object), &state.context()).map_err(|d| {
        ApiError::Corrupt {
            what: key.to_string(),
            problems: d.errors().map(ToString::to_string).collect::<Vec<_>>().join("; "),
        }
    })
}

/// `PUT /{tenant}/{namespace}/{name}`: update.
pub(crate) async fn update(
    kind: Kind,
    State(state): State<Arc<AppState>>,
    Path(path): NamePath,
    caller: Caller,
    body: Result<Multipart, MultipartRejection>,
) -> Result<StatusCode, ApiError> {
    let (tenant, namespace, name) = &path;
    guard(&state, kind, &caller, (tenant, namespace, Some(name))).await?;
    let form = form::read(kind, body).await?;
    let Some((key, stored)) = lookup(&state, kind, tenant, namespace, name).await? else {
        // Pulsar: a name nobody has is a bad request, a name another kind has is not found.
        return Err(match existing_kind(&state, tenant, namespace, name).await? {
            Some(_) => ApiError::NotFound(missing(kind, name)),
            None => ApiError::BadRequest(missing(kind, name)),
        });
    };
    let new = submitted(&state, kind, &form, &path)?;
    let existing = read_back(&state, kind, &key, &stored)?;
    let update_auth_data = form.update_options.update_auth_data;
    let auth = if update_auth_data {
        auth_context(&state, kind, &caller, &path).await?
    } else {
        None
    };
    let ctx = package_context(&state, &form, auth.as_ref());
    let request = UpdateRequest {
        new_package: form.url.is_some(),
        update_auth_data,
    };
    let mut objects = converted(&state, kind, existing.update(&new, request, &ctx))?;
    cluster_config(&state, &objects).await?;
    components::replace(&state.store, &stored, &mut objects, update_auth_data, WRITE)
        .await
        .map_err(|e| store_error(&state, e))?;
    Ok(done(kind, &path, "updated"))
}

/// `GET /{tenant}/{namespace}/{name}`: the config.
pub(crate) async fn get_config(
    kind: Kind,
    State(state): State<Arc<AppState>>,
    Path(path): NamePath,
    caller: Caller,
) -> Result<Json<Value>, ApiError> {
    guard(&state, kind, &caller, (&path.0, &path.1, Some(&path.2))).await?;
    let (key, object) = find(&state, kind, &path).await?;
    let config = read_back(&state, kind, &key, &object)?;
    let json = config.to_json().map_err(|e| ApiError::Corrupt {
        what: key.to_string(),
        problems: e.to_string(),
    })?;
    Ok(Json(json))
}

/// `GET /{tenant}/{namespace}`: the names of the components of `kind`.
pub(crate) async fn list(
    kind: Kind,
    State(state): State<Arc<AppState>>,
    Path((tenant, namespace)): Path<(String, String)>,
    caller: Caller,
) -> Result<Json<Vec<String>>, ApiError> {
    guard(&state, kind, &caller, (&tenant, &namespace, None)).await?;
    let ctx = state.context();
    let at = convert::locate(
        Identity {
            kind,
            tenant: &tenant,
            namespace: &namespace,
            name: "",
        },
        &ctx,
    );
    let selector = Selector {
        namespace: Some(at.namespace),
        cluster: at.cluster,
        tenant: Some(tenant),
        pulsar_namespace: Some(namespace),
        ..Selector::default()
    };
    let objects = state
        .store
        .list(ResourceKind::of(kind), &selector)
        .await
        .map_err(|e| store_error(&state, e))?;
    let names: BTreeSet<String> = objects
        .iter()
        .filter_map(|o| mesh_kube::claim(o, mesh_core::identity::Claim::Component).map(str::to_owned))
        .collect();
    Ok(Json(names.into_iter().collect()))
}

/// `DELETE /{tenant}/{namespace}/{name}`.
pub(crate) async fn delete(
    kind: Kind,
    State(state): State<Arc<AppState>>,
    Path(path): NamePath,
    caller: Caller,
) -> Result<StatusCode, ApiError> {
    guard(&state, kind, &caller, (&path.0, &path.1, Some(&path.2))).await?;
    let (key, object) = match find(&state, kind, &path).await {
        Ok(found) => found,
        // A stored object that no longer parses can still be deleted by its computed name;
        // what it referred to cannot be known, so its Secrets stay (and are logged).
        Err(ApiError::Store(e @ StoreError::Corrupt { .. })) => {
            let Some(key) = known_key(&state, kind, &path.0, &path.1, &path.2) else {
                return Err(ApiError::Store(e));
            };
            tracing::warn!(error = %e, "deleting an unreadable object; Secrets it referred to are left");
            match state.store.delete(&key).await {
                Ok(()) | Err(StoreError::NotFound { .. }) => return Ok(done(kind, &path, "deleted")),
                Err(e) => return Err(store_error(&state, e)),
            }
        }
        Err(e) => return Err(e),
    };
    let secrets = components::remove(&state.store, &key, &object)
        .await
        .map_err(|e| store_error(&state, e))?;
    tracing::debug!(resource = %key, secrets = secrets.len(), "deleted");
    Ok(done(kind, &path, "deleted"))
}

/// `GET /{tenant}/{namespace}/{name}/status`.
pub(crate) async fn status(
    kind: Kind,
    State(state): State<Arc<AppState>>,
    Path(path): NamePath,
    caller: Caller,
) -> Result<Json<mesh_core::status::StatusReport>, ApiError> {
    guard(&state, kind, &caller, (&path.0, &path.1, Some(&path.2))).await?;
    let (_, object) = find(&state, kind, &path).await?;
    Ok(Json(lifecycle::status(kind, &object)))
}

/// The instance id of a path, which must name an instance of `object`.
fn instance(kind: Kind, name: &str, id: &str, object: &Value) -> Result<i32, ApiError> {
    let bad = || ApiError::BadRequest(format!("{kind} {name} doesn't have instance with id {id}"));
    let id: i32 = id.parse().map_err(|_| bad())?;
    if (0..lifecycle::parallelism(object)).contains(&i64::from(id)) {
        Ok(id)
    } else {
        Err(bad())
    }
}

/// `GET /{tenant}/{namespace}/{name}/{instanceId}/status`: the instance's status data.
pub(crate) async fn instance_status(
    kind: Kind,
    State(state): State<Arc<AppState>>,
    Path((tenant, namespace, name, id)): InstancePath,
    caller: Caller,
) -> Result<Json<mesh_core::status::InstanceState>, ApiError> {
    guard(&state, kind, &caller, (&tenant, &namespace, Some(&name))).await?;
    let path = (tenant, namespace, name);
    let (_, object) = find(&state, kind, &path).await?;
    let id = instance(kind, &path.2, &id, &object)?;
    lifecycle::status(kind, &object)
        .instances
        .into_iter()
        .find(|i| i.instance_id == id)
        .map(|i| Json(i.status))
        .ok_or_else(|| ApiError::BadRequest(format!("{kind} {} doesn't have instance with id {id}", path.2)))
}

/// `POST /{tenant}/{namespace}/{name}/start|stop|restart`.
pub(crate) async fn action(
    kind: Kind,
    action: Action,
    State(state): State<Arc<AppState>>,
    Path(path): NamePath,
    caller: Caller,
) -> Result<StatusCode, ApiError> {
    guard(&state, kind, &caller, (&path.0, &path.1, Some(&path.2))).await?;
    let (_, object) = find(&state, kind, &path).await?;
    let at = jiff::Timestamp::now().to_string();
    let changed = components::act(&state.store, &object, action, &at, WRITE)
        .await
        .map_err(|e| store_error(&state, e))?;
    let what = match (action, changed) {
        (Action::Start, true) => "started",
        (Action::Stop, true) => "stopped",
        (Action::Restart, _) => "restarted",
        (Action::Start, false) => "start: already running",
        (Action::Stop, false) => "stop: already stopped",
    };
    Ok(done(kind, &path, what))
}

/// `POST /{tenant}/{namespace}/{name}/{instanceId}/start|stop|restart`. A component's instances
/// are the pods of one StatefulSet: restarting one deletes its pod, which the StatefulSet starts
/// again; one instance cannot be stopped or started alone.
pub(crate) async fn instance_action(
    kind: Kind,
    action: Action,
    State(state): State<Arc<AppState>>,
    Path((tenant, namespace, name, id)): InstancePath,
    caller: Caller,
) -> Result<StatusCode, ApiError> {
    guard(&state, kind, &caller, (&tenant, &namespace, Some(&name))).await?;
    let path = (tenant, namespace, name);
    let (_, object) = find(&state, kind, &path).await?;
    let id = instance(kind, &path.2, &id, &object)?;
    let unsupported = |why: String| ApiError::BadRequest(format!("Unsupported Operation: {why}"));
    if action != Action::Restart {
        return Err(unsupported(format!(
            "Function Mesh runs the instances of a {} as one StatefulSet, which cannot {} instance {id} alone; {} the whole {} instead",
            kind.lower(),
            action.as_str(),
            action.as_str(),
            kind.lower()
        )));
    }
    let pods = Selector::of_object(&object);
    match state.store.restart_instance(&pods, id).await {
        Ok(pod) => Ok(done(
            kind,
            &path,
            &format!("instance {id} restarted: pod {pod} deleted"),
        )),
        Err(StoreError::NotFound { .. }) => Err(ApiError::BadRequest(format!(
            "{kind} {} instance {id} is not running: it has no pod to restart",
            path.2
        ))),
        Err(StoreError::Unsupported(why)) => Err(unsupported(why)),
        Err(e) => Err(store_error(&state, e)),
    }
}

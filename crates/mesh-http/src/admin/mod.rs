//! The Pulsar Functions admin REST API v3, as `pulsar-admin functions|sources|sinks` calls it,
//! over a store of Function Mesh resources.
//!
//! | request | answer |
//! | --- | --- |
//! | `POST /{tenant}/{namespace}/{name}` (multipart config + `url`) | 204; 400 already exists or rejected |
//! | `PUT /{tenant}/{namespace}/{name}` (multipart, `updateOptions`) | 204; 400 missing, rejected or no change |
//! | `GET /{tenant}/{namespace}/{name}` | the config read back from the resource |
//! | `GET /{tenant}/{namespace}` | the names in the namespace |
//! | `DELETE /{tenant}/{namespace}/{name}` | 204 |
//! | `GET …/{name}/status`, `GET …/{name}/{instanceId}/status` | Pulsar's status shapes |
//! | `POST …/{name}/start|stop|restart` | 204: scale back, scale to 0, roll the pods |
//! | `POST …/{name}/{instanceId}/start|stop|restart` | 400 `Unsupported Operation` (one StatefulSet) |
//!
//! Functions are under `/admin/v3/functions`, sources under `/admin/v3/sources` and
//! `/admin/v3/source`, sinks under `/admin/v3/sinks` and `/admin/v3/sink`. Missing objects and
//! objects of another kind are 404 `<Kind> <name> doesn't exist`, except that updating a name
//! nothing has is 400, as in Pulsar.

mod catalogue;
mod component;
mod form;

use std::sync::Arc;

use axum::Router;
use axum::routing::{get, post};
use mesh_core::Kind;

use crate::AppState;

/// Where the API of each kind is mounted (Pulsar serves sources and sinks under two names).
pub const MOUNTS: [(Kind, &str); 5] = [
    (Kind::Function, "/admin/v3/functions"),
    (Kind::Source, "/admin/v3/sources"),
    (Kind::Source, "/admin/v3/source"),
    (Kind::Sink, "/admin/v3/sinks"),
    (Kind::Sink, "/admin/v3/sink"),
];

/// The admin API of every kind.
pub(crate) fn routes() -> Router<Arc<AppState>> {
    MOUNTS
        .into_iter()
        .fold(Router::new(), |r, (kind, mount)| r.nest(mount, kind_routes(kind)))
}

fn kind_routes(kind: Kind) -> Router<Arc<AppState>> {
    use component::{create, delete, get_config, instance_action, instance_status, list, status, update};
    use mesh_core::lifecycle::Action;
    let mut r = Router::new()
        .route("/{tenant}/{namespace}", get(move |s, p, c| list(kind, s, p, c)))
        .route(
            "/{tenant}/{namespace}/{name}",
            post(move |s, p, c, m| create(kind, s, p, c, m))
                .put(move |s, p, c, m| update(kind, s, p, c, m))
                .get(move |s, p, c| get_config(kind, s, p, c))
                .delete(move |s, p, c| delete(kind, s, p, c)),
        )
        .route(
            "/{tenant}/{namespace}/{name}/status",
            get(move |s, p, c| status(kind, s, p, c)),
        )
        .route(
            "/{tenant}/{namespace}/{name}/{instance}/status",
            get(move |s, p, c| instance_status(kind, s, p, c)),
        );
    for action in [Action::Start, Action::Stop, Action::Restart] {
        r = r
            .route(
                &format!("/{{tenant}}/{{namespace}}/{{name}}/{}", action.as_str()),
                post(move |s, p, c| component::action(kind, action, s, p, c)),
            )
            .route(
                &format!(
                    "/{{tenant}}/{{namespace}}/{{name}}/{{instance}}/{}",
                    action.as_str()
                ),
                post(move |s, p, c| instance_action(kind, action, s, p, c)),
            );
    }
    match kind {
        Kind::Function => r
            .route("/builtins", get(catalogue::functions))
            .route("/connectors", get(catalogue::connectors)),
        Kind::Source => r
            .route("/builtinsources", get(move |s| catalogue::builtins(kind, s)))
            .route(
                "/builtinsources/{connector}/configdefinition",
                get(move |s, p| catalogue::config_definition(kind, s, p)),
            ),
        Kind::Sink => r
            .route("/builtinsinks", get(move |s| catalogue::builtins(kind, s)))
            .route(
                "/builtinsinks/{connector}/configdefinition",
                get(move |s, p| catalogue::config_definition(kind, s, p)),
            ),
    }
}

//! The built-in connector lists, from the worker's connector catalogue.

use std::sync::Arc;

use axum::Json;
use axum::extract::{Path, State};
use mesh_core::Kind;
use mesh_core::worker::ConnectorDefinition;
use serde::Serialize;

use crate::{ApiError, AppState};

/// Pulsar's `ConnectorDefinition`, the shape `available-sources` and `available-sinks` print.
#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
pub(crate) struct Definition {
    name: Option<String>,
    description: Option<String>,
    source_class: Option<String>,
    sink_class: Option<String>,
    source_config_class: Option<String>,
    sink_config_class: Option<String>,
}

impl From<&ConnectorDefinition> for Definition {
    fn from(c: &ConnectorDefinition) -> Self {
        Self {
            name: c.name.clone(),
            description: c.description.clone(),
            source_class: c.source_class.clone(),
            sink_class: c.sink_class.clone(),
            source_config_class: c.source_config_class.clone(),
            sink_config_class: c.sink_config_class.clone(),
        }
    }
}

fn of_kind(c: &ConnectorDefinition, kind: Kind) -> bool {
    match kind {
        Kind::Source => c.source_class.is_some(),
        Kind::Sink => c.sink_class.is_some(),
        Kind::Function => true,
    }
}

fn definitions(state: &AppState, kind: Kind) -> Vec<Definition> {
    state
        .catalogue
        .iter()
        .flat_map(|c| &c.connectors)
        .filter(|c| of_kind(c, kind))
        .map(Definition::from)
        .collect()
}

/// `GET /admin/v3/functions/builtins`: the worker service has no built-in functions. Pulsar
/// answers it to superusers only.
pub(crate) async fn functions(
    State(state): State<Arc<AppState>>,
    caller: crate::auth::Caller,
) -> Result<Json<[(); 0]>, ApiError> {
    state
        .security
        .require_super_user(&caller, "Client is not authorized to perform operation")?;
    Ok(Json([]))
}

/// `GET /admin/v3/functions/connectors`: every connector.
pub(crate) async fn connectors(State(state): State<Arc<AppState>>) -> Json<Vec<Definition>> {
    Json(definitions(&state, Kind::Function))
}

#[expect(clippy::unused_async, reason = "axum handlers are async")]
/// `GET /admin/v3/source/builtinsources` and `GET /admin/v3/sink/builtinsinks`.
pub(crate) async fn builtins(kind: Kind, State(state): State<Arc<AppState>>) -> Json<Vec<Definition>> {
    Json(definitions(&state, kind))
}

#[expect(clippy::unused_async, reason = "axum handlers are async")]
/// `GET …/builtinsources/{name}/configdefinition`: the catalogue carries no field definitions,
/// so a known connector has an empty list.
pub(crate) async fn config_definition(
    kind: Kind,
    State(state): State<Arc<AppState>>,
    Path(name): Path<String>,
) -> Result<Json<[(); 0]>, ApiError> {
    let known = state
        .catalogue
        .as_ref()
        .and_then(|c| c.get(&name))
        .is_some_and(|c| of_kind(c, kind));
    if known {
        Ok(Json([]))
    } else {
        Err(ApiError::NotFound(format!(
            "builtin {} does not exist",
            kind.lower()
        )))
    }
}

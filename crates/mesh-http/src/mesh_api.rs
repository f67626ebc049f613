//! `/mesh/v1`: conversion, validation and the CRDs; `/readyz`.

use std::sync::Arc;

use axum::body::Bytes;
use axum::extract::{Path, Query, State};
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use mesh_core::Kind;
use mesh_core::convert::{self, Context};
use mesh_core::diag::Diagnostics;
use mesh_kube::Store;
use serde::Deserialize;
use serde_json::{Value, json};

use crate::{ApiError, AppState};

/// Conversion inputs that are not part of the config.
#[derive(Debug, Default, Deserialize)]
#[serde(rename_all = "camelCase")]
pub(crate) struct ConvertQuery {
    package_url: Option<String>,
    package_file_name: Option<String>,
    cluster: Option<String>,
}

pub(crate) fn kind(name: &str) -> Result<Kind, ApiError> {
    match name {
        "function" => Ok(Kind::Function),
        "source" => Ok(Kind::Source),
        "sink" => Ok(Kind::Sink),
        other => Err(ApiError::NotFound(format!(
            "unknown kind `{other}`: use function, source or sink"
        ))),
    }
}

fn wants_yaml(headers: &HeaderMap) -> bool {
    headers
        .get(header::ACCEPT)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|a| a.contains("yaml"))
}

/// Objects as JSON (one object or a `v1` `List`) or YAML documents.
fn objects_response(
    mut objects: Vec<Value>,
    yaml: bool,
    warnings: &Diagnostics,
) -> Result<Response, ApiError> {
    let (body, content_type) = if yaml {
        let mut text = String::new();
        for (i, o) in objects.iter().enumerate() {
            if i > 0 {
                text.push_str("---\n");
            }
            text.push_str(&mesh_core::yaml::to_string(o).map_err(|e| ApiError::BadRequest(e.to_string()))?);
        }
        (text, "application/yaml")
    } else {
        let value = match objects.len() {
            1 => objects.pop().unwrap_or_default(),
            _ => json!({"apiVersion": "v1", "kind": "List", "items": objects}),
        };
        (value.to_string(), "application/json")
    };
    let mut response = (StatusCode::OK, body).into_response();
    let headers = response.headers_mut();
    headers.insert(header::CONTENT_TYPE, HeaderValue::from_static(content_type));
    for w in warnings {
        // Kubernetes' convention for warnings that do not fail a request.
        let text = format!("299 - {:?}", w.to_string()).replace(['\r', '\n'], " ");
        if let Ok(v) = HeaderValue::from_str(&text) {
            headers.append(header::WARNING, v);
        }
    }
    Ok(response)
}

fn parse(body: &Bytes, kind: Kind) -> Result<convert::Component, ApiError> {
    let mut docs = mesh_core::document::split(body)
        .map_err(|e| ApiError::Rejected(Diagnostics::from_iter([e.to_diagnostic()])))?;
    if docs.len() != 1 {
        return Err(ApiError::BadRequest(format!(
            "expected one document, got {}",
            docs.len()
        )));
    }
    convert::parse_component(&docs.remove(0), Some(kind)).map_err(ApiError::Rejected)
}

/// Reads and converts a request body as the config of `kind_name`.
fn convert_body(
    state: &AppState,
    q: &ConvertQuery,
    body: &Bytes,
    kind_name: &str,
) -> Result<convert::Rendered, ApiError> {
    let kind = kind(kind_name)?;
    let component = parse(body, kind)?;
    let ctx = Context {
        package_url: q.package_url.as_deref(),
        package_file_name: q.package_file_name.as_deref(),
        cluster: q.cluster.as_deref(),
        ..state.context()
    };
    let rendered = convert::convert_component(component, &ctx);
    state.metrics.conversion(kind, rendered.is_ok());
    rendered.map_err(ApiError::Rejected)
}

/// `POST /mesh/v1/convert/{kind}`.
pub(crate) async fn convert(
    State(state): State<Arc<AppState>>,
    Path(kind_name): Path<String>,
    Query(q): Query<ConvertQuery>,
    headers: HeaderMap,
    body: Bytes,
) -> Result<Response, ApiError> {
    let rendered = convert_body(&state, &q, &body, &kind_name)?;
    objects_response(rendered.objects, wants_yaml(&headers), &rendered.warnings)
}

/// `POST /mesh/v1/validate/{kind}`: 200 with the warnings, or 400 with every diagnostic.
pub(crate) async fn validate(
    State(state): State<Arc<AppState>>,
    Path(kind_name): Path<String>,
    Query(q): Query<ConvertQuery>,
    body: Bytes,
) -> Result<Response, ApiError> {
    let rendered = convert_body(&state, &q, &body, &kind_name)?;
    Ok(axum::Json(json!({"diagnostics": crate::error::diagnostics(&rendered.warnings)})).into_response())
}

/// `GET /mesh/v1/crds`.
pub(crate) async fn crds(headers: HeaderMap) -> Result<Response, ApiError> {
    let crds: Vec<Value> = mesh_core::crd::crds()
        .iter()
        .map(|c| serde_json::to_value(c).map_err(|e| ApiError::BadRequest(e.to_string())))
        .collect::<Result<_, _>>()?;
    objects_response(crds, wants_yaml(&headers), &Diagnostics::new())
}

/// `GET /readyz`: the store answers.
pub(crate) async fn ready(State(state): State<Arc<AppState>>) -> Result<&'static str, ApiError> {
    state.store.ping().await.map_err(|e| {
        state.metrics.store_error(&e);
        ApiError::Store(e)
    })?;
    Ok("ready\n")
}

//! `/mesh/v1`: conversion, validation and the CRDs; `/readyz`.

use std::sync::Arc;

use axum::body::Bytes;
use axum::extract::{Path, Query, State};
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use mesh_core::Kind;
use mesh_core::convert::{Context, Produced};
use mesh_core::diag::Diagnostics;
use mesh_core::pipeline::{self, Format, ReadError, Renderer};
use mesh_kube::Store;
use serde::Deserialize;
use serde_json::json;

use crate::{ApiError, AppState};

/// Conversion inputs that are not part of the config.
#[derive(Debug, Default, Deserialize)]
#[serde(rename_all = "camelCase")]
pub(crate) struct ConvertQuery {
    package_url: Option<String>,
    package_file_name: Option<String>,
    cluster: Option<String>,
    /// `mesh` (Function Mesh resources, the default) or `statefulset` (Pulsar's own runtime).
    to: Option<String>,
}

pub(crate) fn kind(name: &str) -> Result<Kind, ApiError> {
    name.parse()
        .map_err(|e: mesh_core::UnknownKind| ApiError::NotFound(e.to_string()))
}

fn wants_yaml(headers: &HeaderMap) -> bool {
    headers
        .get(header::ACCEPT)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|a| a.contains("yaml"))
}

/// Objects as JSON (one object or a `v1` `List`) or YAML documents.
fn objects_response<T: serde::Serialize>(
    objects: &[T],
    yaml: bool,
    warnings: &Diagnostics,
) -> Result<Response, ApiError> {
    let (format, content_type) = if yaml {
        (Format::Yaml, "application/yaml")
    } else {
        (Format::CompactJson, "application/json")
    };
    let mut renderer = Renderer::new(format);
    for o in objects {
        renderer
            .push(o)
            .map_err(|e| ApiError::BadRequest(mesh_core::error_chain(&e)))?;
    }
    let mut response = (StatusCode::OK, renderer.finish()).into_response();
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

/// Reads and converts a request body as the config of `kind_name`.
fn convert_body(
    state: &AppState,
    q: &ConvertQuery,
    body: &Bytes,
    kind_name: &str,
) -> Result<Produced, ApiError> {
    let kind = kind(kind_name)?;
    let component = pipeline::read_one(body, kind).map_err(|e| match e {
        ReadError::Documents(n) => ApiError::BadRequest(format!("expected one document, got {n}")),
        ReadError::Invalid(d) => ApiError::Rejected(d),
    })?;
    let ctx = Context {
        package_url: q.package_url.as_deref(),
        package_file_name: q.package_file_name.as_deref(),
        cluster: q.cluster.as_deref(),
        ..state.context()
    };
    let produced = match q.to.as_deref() {
        None | Some("mesh") => component.convert(&ctx),
        Some("statefulset") => mesh_core::native::produce(component, &ctx),
        Some(other) => {
            return Err(ApiError::BadRequest(format!(
                "to={other} is not a target: mesh or statefulset"
            )));
        }
    };
    state.metrics.conversion(kind, produced.is_ok());
    produced.map_err(ApiError::Rejected)
}

/// `POST /mesh/v1/convert/{kind}`.
pub(crate) async fn convert(
    State(state): State<Arc<AppState>>,
    Path(kind_name): Path<String>,
    Query(q): Query<ConvertQuery>,
    headers: HeaderMap,
    body: Bytes,
) -> Result<Response, ApiError> {
    let produced = convert_body(&state, &q, &body, &kind_name)?;
    objects_response(&produced.objects, wants_yaml(&headers), &produced.warnings)
}

/// `POST /mesh/v1/validate/{kind}`: 200 with the warnings, or 400 with every diagnostic.
pub(crate) async fn validate(
    State(state): State<Arc<AppState>>,
    Path(kind_name): Path<String>,
    Query(q): Query<ConvertQuery>,
    body: Bytes,
) -> Result<Response, ApiError> {
    let produced = convert_body(&state, &q, &body, &kind_name)?;
    Ok(axum::Json(json!({"diagnostics": produced.warnings})).into_response())
}

/// `GET /mesh/v1/crds`.
pub(crate) async fn crds(headers: HeaderMap) -> Result<Response, ApiError> {
    objects_response(&mesh_core::crd::crds(), wants_yaml(&headers), &Diagnostics::new())
}

/// `GET /readyz`: the store answers, and the server is not shutting down.
pub(crate) async fn ready(State(state): State<Arc<AppState>>) -> Result<&'static str, ApiError> {
    if state.draining.is_draining() {
        return Err(ApiError::ShuttingDown);
    }
    state.store.ping().await.map_err(|e| {
        state.metrics.store_error(&e);
        ApiError::Store(e)
    })?;
    Ok("ready\n")
}

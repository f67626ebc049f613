//! Every failure of a request, mapped to a status and Pulsar's `{"reason": "..."}` body in one place.

use axum::Json;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use mesh_core::diag::Diagnostics;
use serde_json::json;

/// Why a request failed.
#[derive(Debug, thiserror::Error)]
pub enum ApiError {
    /// The input was rejected: every diagnostic.
    #[error("{}", .0.errors().next().map_or_else(String::new, |d| d.message.clone()))]
    Rejected(Diagnostics),
    /// The request itself is malformed.
    #[error("{0}")]
    BadRequest(String),
    /// No such endpoint or object.
    #[error("{0}")]
    NotFound(String),
    /// The store failed.
    #[error("store: {0}")]
    Store(#[source] mesh_kube::StoreError),
}

/// Diagnostics as JSON: severity, path, message.
pub(crate) fn diagnostics(d: &Diagnostics) -> serde_json::Value {
    d.iter()
        .map(|d| {
            json!({
                "severity": if d.severity == mesh_core::diag::Severity::Error { "error" } else { "warning" },
                "path": d.path,
                "message": d.message,
            })
        })
        .collect()
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        let (status, body) = match &self {
            Self::Rejected(d) => (
                StatusCode::BAD_REQUEST,
                json!({"reason": self.to_string(), "diagnostics": diagnostics(d)}),
            ),
            Self::BadRequest(m) => (StatusCode::BAD_REQUEST, json!({"reason": m})),
            Self::NotFound(m) => (StatusCode::NOT_FOUND, json!({"reason": m})),
            Self::Store(e) => {
                let status = match e {
                    mesh_kube::StoreError::Unavailable { .. } => StatusCode::SERVICE_UNAVAILABLE,
                    _ => StatusCode::INTERNAL_SERVER_ERROR,
                };
                (status, json!({"reason": mesh_core::error_chain(e)}))
            }
        };
        (status, Json(body)).into_response()
    }
}

//! Every failure of a request, mapped to a status and Pulsar's `{"reason": "..."}` body in one place.

use axum::Json;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use mesh_core::diag::Diagnostics;
use mesh_kube::StoreError;
use serde_json::json;

/// Why a request failed.
#[derive(Debug, thiserror::Error)]
pub enum ApiError {
    /// The input was rejected: every diagnostic (400; `reason` is the first error).
    #[error("{}", .0.errors().next().map_or_else(String::new, |d| d.message.clone()))]
    Rejected(Diagnostics),
    /// The request itself is malformed or not allowed (400).
    #[error("{0}")]
    BadRequest(String),
    /// No such endpoint or object (404).
    #[error("{0}")]
    NotFound(String),
    /// The endpoint does not take this method (405).
    #[error("method not allowed")]
    MethodNotAllowed,
    /// The body is larger than the server accepts (413).
    #[error("{0}")]
    TooLarge(String),
    /// The request took longer than allowed (503).
    #[error("request timed out after {0:?}")]
    Timeout(std::time::Duration),
    /// The server is shutting down: readiness fails so that traffic moves elsewhere (503).
    #[error("shutting down")]
    ShuttingDown,
    /// The client did not send the request body in time (408).
    #[error("the request body did not arrive within {0:?}")]
    BodyTimeout(std::time::Duration),
    /// A stored object could not be read back (500).
    #[error("stored resource {what} cannot be read back: {problems}")]
    Corrupt {
        /// Which resource.
        what: String,
        /// Every problem, `path: message`, joined by `; `.
        problems: String,
    },
    /// The caller is not authenticated, or not authorized (401, as Pulsar answers both).
    #[error("{0}")]
    Unauthorized(String),
    /// The broker could not say whether the caller is allowed (503 when it cannot be reached
    /// or fails, 500 when the worker's own access to it is wrong).
    #[error("broker")]
    Broker(#[source] crate::auth::BrokerError),
    /// The store failed.
    #[error("store")]
    Store(#[source] StoreError),
}

impl ApiError {
    /// The HTTP status of the error.
    pub fn status(&self) -> StatusCode {
        match self {
            Self::Rejected(_) | Self::BadRequest(_) => StatusCode::BAD_REQUEST,
            Self::NotFound(_) => StatusCode::NOT_FOUND,
            Self::MethodNotAllowed => StatusCode::METHOD_NOT_ALLOWED,
            Self::TooLarge(_) => StatusCode::PAYLOAD_TOO_LARGE,
            Self::Timeout(_) | Self::ShuttingDown => StatusCode::SERVICE_UNAVAILABLE,
            Self::BodyTimeout(_) => StatusCode::REQUEST_TIMEOUT,
            Self::Corrupt { .. } => StatusCode::INTERNAL_SERVER_ERROR,
            Self::Unauthorized(_) => StatusCode::UNAUTHORIZED,
            Self::Broker(e) => match e {
                crate::auth::BrokerError::Unreachable { .. } => StatusCode::SERVICE_UNAVAILABLE,
                crate::auth::BrokerError::Status { status, .. } if *status >= 500 => {
                    StatusCode::SERVICE_UNAVAILABLE
                }
                _ => StatusCode::INTERNAL_SERVER_ERROR,
            },
            Self::Store(e) => match e.cause() {
                StoreError::NotFound { .. } => StatusCode::NOT_FOUND,
                // The API server refused the resource: the request's content is at fault.
                StoreError::AlreadyExists { .. } | StoreError::Invalid(_) => StatusCode::BAD_REQUEST,
                StoreError::Conflict(_) => StatusCode::CONFLICT,
                StoreError::Forbidden(_) => StatusCode::FORBIDDEN,
                StoreError::Unsupported(_) => StatusCode::NOT_IMPLEMENTED,
                StoreError::Unavailable { .. } => StatusCode::SERVICE_UNAVAILABLE,
                StoreError::Config { .. }
                | StoreError::Io { .. }
                | StoreError::Corrupt { .. }
                | StoreError::Undone { .. } => StatusCode::INTERNAL_SERVER_ERROR,
            },
        }
    }

    /// The `reason` text: the message with its causes.
    pub fn reason(&self) -> String {
        match self {
            Self::Store(e) => mesh_core::error_chain(e),
            Self::Broker(e) => mesh_core::error_chain(e),
            other => mesh_core::error_chain(other),
        }
    }
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        let status = self.status();
        let body = match &self {
            Self::Rejected(d) => json!({"reason": self.reason(), "diagnostics": d}),
            _ => json!({"reason": self.reason()}),
        };
        if status.is_server_error() {
            tracing::warn!(status = status.as_u16(), reason = %self.reason(), "request failed");
        }
        (status, Json(body)).into_response()
    }
}

/// The largest error body [`reason_json`] rewraps; anything longer is cut.
const MAX_REASON_BYTES: usize = 16 * 1024;

/// Gives every error answer Pulsar's `{"reason": "..."}` shape, also those that axum and its
/// extractors write as plain text (a path that is not UTF-8, a repeated query parameter, a body
/// over the limit): one place for every rejection there is or will be.
pub(crate) async fn reason_json(request: axum::extract::Request, next: axum::middleware::Next) -> Response {
    let response = next.run(request).await;
    let status = response.status();
    let is_json = response
        .headers()
        .get(axum::http::header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.starts_with("application/json"));
    if !(status.is_client_error() || status.is_server_error()) || is_json {
        return response;
    }
    let (mut parts, body) = response.into_parts();
    let text = match axum::body::to_bytes(body, MAX_REASON_BYTES).await {
        Ok(b) => String::from_utf8_lossy(&b).trim().to_owned(),
        Err(_) => String::new(),
    };
    let reason = if text.is_empty() {
        status.canonical_reason().unwrap_or("request failed").to_owned()
    } else {
        text
    };
    parts.headers.remove(axum::http::header::CONTENT_TYPE);
    parts.headers.remove(axum::http::header::CONTENT_LENGTH);
    let mut answer = (status, Json(json!({"reason": reason}))).into_response();
    for (k, v) in &parts.headers {
        answer.headers_mut().append(k.clone(), v.clone());
    }
    answer
}

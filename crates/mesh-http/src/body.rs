//! Request bodies, read whole before a request takes one of the `--max-concurrency` slots.
//!
//! A client that sends its headers and then a byte a minute must not hold a slot that a normal
//! request needs: the body is read here, outside the concurrency limit, within its own time
//! limit ([`crate::Limits::body_read_timeout`], 408 past it) and size limit (413). A declared
//! `Content-Length` over the limit is refused before a byte is read, and so before
//! `100 Continue`. Waiting for a body costs only what has arrived.

use std::time::Duration;

use axum::body::Body;
use axum::extract::{Request, State};
use axum::http::header::{CONTENT_LENGTH, TRANSFER_ENCODING};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use http_body_util::{BodyExt, LengthLimitError, Limited};

use crate::error::ApiError;

/// The body limits of one server.
#[derive(Clone, Copy, Debug)]
pub(crate) struct BodyLimits {
    /// Largest body, in bytes.
    pub bytes: usize,
    /// Time allowed for the whole body to arrive.
    pub read_timeout: Duration,
}

fn too_large(n: impl std::fmt::Display, limit: usize) -> ApiError {
    ApiError::TooLarge(format!(
        "the request body of {n} bytes is larger than the {limit} bytes this server accepts"
    ))
}

/// Reads the body of `request` whole, within `limits`, then passes the request on with it.
pub(crate) async fn read_whole(State(limits): State<BodyLimits>, request: Request, next: Next) -> Response {
    let headers = request.headers();
    let declared = headers
        .get(CONTENT_LENGTH)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.trim().parse::<u64>().ok());
    if let Some(n) = declared
        && n > limits.bytes as u64
    {
        return too_large(n, limits.bytes).into_response();
    }
    // Most requests (GET, DELETE, stop/start) have no body: nothing to wait for.
    if declared.unwrap_or(0) == 0 && !headers.contains_key(TRANSFER_ENCODING) {
        return next.run(request).await;
    }
    let (parts, body) = request.into_parts();
    let read = tokio::time::timeout(limits.read_timeout, Limited::new(body, limits.bytes).collect()).await;
    let bytes = match read {
        Ok(Ok(collected)) => collected.to_bytes(),
        Ok(Err(e)) if e.is::<LengthLimitError>() => {
            return too_large(format!("more than {}", limits.bytes), limits.bytes).into_response();
        }
        Ok(Err(e)) => {
            tracing::debug!(error = %e, "request body could not be read");
            return ApiError::BadRequest("the request body could not be read to its end".to_owned())
                .into_response();
        }
        Err(_) => return ApiError::BodyTimeout(limits.read_timeout).into_response(),
    };
    next.run(Request::from_parts(parts, Body::from(bytes))).await
}

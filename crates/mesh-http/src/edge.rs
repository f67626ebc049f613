//! The layers every request passes first, from the ecosystem: a request id (tower-http's
//! `SetRequestId`/`PropagateRequestId`), a span and an access log line (tower-http's `Trace`),
//! and a time limit (tower's `Timeout`, answered as [`ApiError::Timeout`]).

use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::Duration;

use axum::extract::Request;
use axum::http::{HeaderName, HeaderValue, Response};
use tower_http::request_id::{MakeRequestId, RequestId};
use tower_http::trace::{MakeSpan, OnResponse};
use tracing::Span;

use crate::ApiError;
use crate::metrics::{Answered, method_label, route_of};

/// The header that carries a request's id, both ways.
pub(crate) const REQUEST_ID: HeaderName = HeaderName::from_static("x-request-id");

/// The longest request id taken from a client.
const MAX_CLIENT_ID: usize = 128;

/// New request ids: a process-wide counter, as 16 hex digits.
#[derive(Clone, Default)]
pub(crate) struct NextId(Arc<AtomicU64>);

impl MakeRequestId for NextId {
    fn make_request_id<B>(&mut self, _: &axum::http::Request<B>) -> Option<RequestId> {
        let n = self.0.fetch_add(1, Ordering::Relaxed) + 1;
        HeaderValue::from_str(&format!("{n:016x}"))
            .ok()
            .map(RequestId::new)
    }
}

/// Keeps a client's request id only when it is printable and at most 128 bytes; otherwise
/// removes it, so that [`NextId`] gives the request one of ours.
pub(crate) fn screen_client_id(mut request: Request) -> Request {
    let acceptable = request.headers().get(REQUEST_ID).is_none_or(|v| {
        v.to_str()
            .is_ok_and(|s| !s.is_empty() && s.len() <= MAX_CLIENT_ID)
    });
    if !acceptable {
        request.headers_mut().remove(REQUEST_ID);
    }
    request
}

/// The span of a request: its id, method and path.
#[derive(Clone, Copy)]
pub(crate) struct RequestSpan;

impl<B> MakeSpan<B> for RequestSpan {
    fn make_span(&mut self, request: &axum::http::Request<B>) -> Span {
        let id = request
            .headers()
            .get(REQUEST_ID)
            .and_then(|v| v.to_str().ok())
            .unwrap_or("");
        tracing::info_span!(
            "request",
            id,
            method = method_label(request.method()),
            path = request.uri().path()
        )
    }
}

/// The access log: one line per answer. Server errors warn; changes are info; reads and
/// conversions (which change nothing) only at debug.
#[derive(Clone, Copy)]
pub(crate) struct AccessLog;

impl<B> OnResponse<B> for AccessLog {
    fn on_response(self, response: &Response<B>, latency: Duration, span: &Span) {
        let status = response.status().as_u16();
        let route = route_of(response);
        let method = response
            .extensions()
            .get::<Answered>()
            .map_or("OTHER", |a| a.method);
        let micros = u64::try_from(latency.as_micros()).unwrap_or(u64::MAX);
        if status >= 500 {
            tracing::warn!(parent: span, status, route, micros, "answered");
        } else if method == "GET" || method == "HEAD" || route.starts_with("/mesh/v1/") {
            tracing::debug!(parent: span, status, route, micros, "answered");
        } else {
            tracing::info!(parent: span, status, route, micros, "answered");
        }
    }
}

/// The answer to a request that ran out of time (tower's `Timeout` fails it with `Elapsed`).
pub(crate) fn timed_out(limit: Duration) -> impl Fn(tower::BoxError) -> std::future::Ready<ApiError> + Clone {
    move |_| std::future::ready(ApiError::Timeout(limit))
}

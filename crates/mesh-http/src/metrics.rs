//! Request ids, logs and counters: one middleware around every request, and `GET /metrics`.
//!
//! Exposed in Prometheus text format:
//! * `mesh_http_requests_total{method,route,status}`;
//! * `mesh_http_request_duration_seconds{method,route}` (histogram);
//! * `mesh_http_requests_in_flight`;
//! * `mesh_conversions_total{kind,outcome}` (`converted` or `rejected`);
//! * `mesh_store_errors_total{class}`.
//!
//! Routes are the matched path patterns (`/admin/v3/functions/{tenant}/{namespace}/{name}`),
//! so the number of series stays bounded whatever clients send.

use std::collections::BTreeMap;
use std::fmt::Write as _;
use std::sync::atomic::{AtomicI64, AtomicU64, Ordering};
use std::sync::{Arc, Mutex, PoisonError};
use std::time::{Duration, Instant};

use axum::extract::{MatchedPath, Request, State};
use axum::http::{HeaderValue, Method, header};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use mesh_core::Kind;
use mesh_kube::StoreError;
use tracing::Instrument;

use crate::{ApiError, AppState};

/// Upper bounds of the latency histogram, in seconds.
const BUCKETS: [f64; 14] = [
    0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0,
];

#[derive(Default)]
struct Histogram {
    counts: [u64; BUCKETS.len()],
    count: u64,
    sum: f64,
}

/// The series of one route.
#[derive(Default)]
struct RouteSeries {
    requests: BTreeMap<(&'static str, u16), u64>,
    latency: BTreeMap<&'static str, Histogram>,
}

#[derive(Default)]
struct Series {
    routes: BTreeMap<String, RouteSeries>,
    conversions: BTreeMap<(Kind, &'static str), u64>,
    store_errors: BTreeMap<&'static str, u64>,
}

/// The server's counters.
#[derive(Default)]
pub struct Metrics {
    series: Mutex<Series>,
    in_flight: AtomicI64,
    next_id: AtomicU64,
}

fn method_label(m: &Method) -> &'static str {
    match *m {
        Method::GET => "GET",
        Method::POST => "POST",
        Method::PUT => "PUT",
        Method::DELETE => "DELETE",
        Method::HEAD => "HEAD",
        Method::PATCH => "PATCH",
        Method::OPTIONS => "OPTIONS",
        _ => "OTHER",
    }
}

fn store_error_class(e: &StoreError) -> &'static str {
    match e {
        StoreError::NotFound { .. } => "not_found",
        StoreError::AlreadyExists { .. } => "already_exists",
        StoreError::Conflict(_) => "conflict",
        StoreError::Invalid(_) => "invalid",
        StoreError::Forbidden(_) => "forbidden",
        StoreError::Unavailable { .. } => "unavailable",
        StoreError::Config(_) => "config",
        StoreError::Io { .. } => "io",
        StoreError::Corrupt { .. } => "corrupt",
        StoreError::Unsupported(_) => "unsupported",
    }
}

impl Metrics {
    fn series(&self) -> std::sync::MutexGuard<'_, Series> {
        // A panic while holding the lock leaves only counters behind: keep counting.
        self.series.lock().unwrap_or_else(PoisonError::into_inner)
    }

    fn request(&self, method: &'static str, route: &str, status: u16, elapsed: Duration) {
        let mut s = self.series();
        // Allocates the route's name once, on its first request.
        let r = match s.routes.get_mut(route) {
            Some(r) => r,
            None => s.routes.entry(route.to_owned()).or_default(),
        };
        *r.requests.entry((method, status)).or_default() += 1;
        let h = r.latency.entry(method).or_default();
        let secs = elapsed.as_secs_f64();
        for (count, bound) in h.counts.iter_mut().zip(BUCKETS) {
            if secs <= bound {
                *count += 1;
            }
        }
        h.count += 1;
        h.sum += secs;
    }

    /// Counts a conversion of `kind`: `converted` or `rejected`.
    pub fn conversion(&self, kind: Kind, converted: bool) {
        let outcome = if converted { "converted" } else { "rejected" };
        *self.series().conversions.entry((kind, outcome)).or_default() += 1;
    }

    /// Counts a store error by its class.
    pub fn store_error(&self, e: &StoreError) {
        *self
            .series()
            .store_errors
            .entry(store_error_class(e))
            .or_default() += 1;
    }

    /// The counters in Prometheus text format.
    pub fn render(&self) -> String {
        let s = self.series();
        let mut out = String::new();
        out.push_str("# HELP mesh_http_requests_total HTTP requests answered.\n# TYPE mesh_http_requests_total counter\n");
        for (route, r) in &s.routes {
            for ((method, status), n) in &r.requests {
                let _ = writeln!(
                    out,
                    "mesh_http_requests_total{{method=\"{method}\",route=\"{}\",status=\"{status}\"}} {n}",
                    escape(route)
                );
            }
        }
        out.push_str("# HELP mesh_http_request_duration_seconds Time from request to response.\n# TYPE mesh_http_request_duration_seconds histogram\n");
        for (route, method, h) in s
            .routes
            .iter()
            .flat_map(|(route, r)| r.latency.iter().map(move |(m, h)| (route, m, h)))
        {
            let labels = format!("method=\"{method}\",route=\"{}\"", escape(route));
            for (bound, count) in BUCKETS.iter().zip(h.counts) {
                let _ = writeln!(
                    out,
                    "mesh_http_request_duration_seconds_bucket{{{labels},le=\"{bound}\"}} {count}"
                );
            }
            let _ = writeln!(
                out,
                "mesh_http_request_duration_seconds_bucket{{{labels},le=\"+Inf\"}} {}",
                h.count
            );
            let _ = writeln!(
                out,
                "mesh_http_request_duration_seconds_sum{{{labels}}} {}",
                h.sum
            );
            let _ = writeln!(
                out,
                "mesh_http_request_duration_seconds_count{{{labels}}} {}",
                h.count
            );
        }
        out.push_str("# HELP mesh_http_requests_in_flight Requests being served.\n# TYPE mesh_http_requests_in_flight gauge\n");
        let _ = writeln!(
            out,
            "mesh_http_requests_in_flight {}",
            self.in_flight.load(Ordering::Relaxed)
        );
        out.push_str("# HELP mesh_conversions_total Pulsar configs converted or rejected.\n# TYPE mesh_conversions_total counter\n");
        for ((kind, outcome), n) in &s.conversions {
            let _ = writeln!(
                out,
                "mesh_conversions_total{{kind=\"{}\",outcome=\"{outcome}\"}} {n}",
                kind.lower()
            );
        }
        out.push_str("# HELP mesh_store_errors_total Store operations that failed, by class.\n# TYPE mesh_store_errors_total counter\n");
        for (class, n) in &s.store_errors {
            let _ = writeln!(out, "mesh_store_errors_total{{class=\"{class}\"}} {n}");
        }
        out
    }
}

fn escape(label: &str) -> String {
    label
        .replace('\\', "\\\\")
        .replace('"', "\\\"")
        .replace('\n', "\\n")
}

/// The matched route of a response, set by [`tag_route`].
#[derive(Clone)]
struct Route(MatchedPath);

/// Copies the matched route into the response, where [`observe`] reads it.
pub(crate) async fn tag_route(path: Option<MatchedPath>, request: Request, next: Next) -> Response {
    let mut response = next.run(request).await;
    if let Some(p) = path {
        response.extensions_mut().insert(Route(p));
    }
    response
}

/// A request id from the client (printable, at most 128 bytes) or a new one.
fn request_id(request: &Request, metrics: &Metrics) -> String {
    request
        .headers()
        .get("x-request-id")
        .and_then(|v| v.to_str().ok())
        .filter(|v| !v.is_empty() && v.len() <= 128)
        .map_or_else(
            || format!("{:016x}", metrics.next_id.fetch_add(1, Ordering::Relaxed) + 1),
            str::to_owned,
        )
}

/// One request in flight: counted while it lives, also when its client goes away and the
/// request's future is dropped before it answers.
struct InFlight<'a>(&'a AtomicI64);

impl<'a> InFlight<'a> {
    fn enter(metrics: &'a Metrics) -> Self {
        metrics.in_flight.fetch_add(1, Ordering::Relaxed);
        Self(&metrics.in_flight)
    }
}

impl Drop for InFlight<'_> {
    fn drop(&mut self) {
        self.0.fetch_sub(1, Ordering::Relaxed);
    }
}

/// Gives every request an id, a span, a time limit and a log line, and counts it.
pub(crate) async fn observe(
    State((state, timeout)): State<(Arc<AppState>, Duration)>,
    request: Request,
    next: Next,
) -> Response {
    let metrics = &state.metrics;
    let id = request_id(&request, metrics);
    let method = method_label(request.method());
    let span = tracing::info_span!("request", id = %id, method, path = %request.uri().path());
    let started = Instant::now();
    let in_flight = InFlight::enter(metrics);
    let mut response = match tokio::time::timeout(timeout, next.run(request).instrument(span.clone())).await {
        Ok(r) => r,
        Err(_) => ApiError::Timeout(timeout).into_response(),
    };
    drop(in_flight);
    let elapsed = started.elapsed();
    let status = response.status().as_u16();
    let route = response
        .extensions()
        .get::<Route>()
        .map_or("unmatched", |r| r.0.as_str());
    metrics.request(method, route, status, elapsed);
    span.in_scope(|| {
        let micros = elapsed.as_micros() as u64;
        // Changes are worth a line each; reads (and conversions, which change nothing) only
        // when asked for.
        if status >= 500 {
            tracing::warn!(status, route, micros, "answered");
        } else if method == "GET" || method == "HEAD" || route.starts_with("/mesh/v1/") {
            tracing::debug!(status, route, micros, "answered");
        } else {
            tracing::info!(status, route, micros, "answered");
        }
    });
    if let Ok(v) = HeaderValue::from_str(&id) {
        response.headers_mut().insert("x-request-id", v);
    }
    response
}

/// `GET /metrics`.
pub(crate) async fn render(State(state): State<Arc<AppState>>) -> Response {
    (
        [(header::CONTENT_TYPE, "text/plain; version=0.0.4; charset=utf-8")],
        state.metrics.render(),
    )
        .into_response()
}

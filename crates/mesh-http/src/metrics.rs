//! Counters, on the Prometheus client library, and `GET /metrics` (the `OpenMetrics` text format).
//!
//! * `mesh_http_requests_total{method,route,status}`;
//! * `mesh_http_request_duration_seconds{method,route}` (histogram);
//! * `mesh_http_requests_in_flight`;
//! * `mesh_conversions_total{kind,outcome}` (`converted` or `rejected`);
//! * `mesh_store_errors_total{class}`.
//!
//! Routes are the matched path patterns (`/admin/v3/functions/{tenant}/{namespace}/{name}`),
//! so the number of series stays bounded whatever clients send.

use std::sync::Arc;
use std::time::Instant;

use axum::extract::{MatchedPath, Request, State};
use axum::http::{Method, header};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use mesh_core::Kind;
use mesh_kube::StoreError;
use prometheus_client::encoding::EncodeLabelSet;
use prometheus_client::metrics::counter::Counter;
use prometheus_client::metrics::family::Family;
use prometheus_client::metrics::gauge::Gauge;
use prometheus_client::metrics::histogram::Histogram;
use prometheus_client::registry::Registry;

use crate::AppState;

/// Upper bounds of the latency histogram, in seconds.
const BUCKETS: [f64; 14] = [
    0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0,
];

#[derive(Clone, Debug, Hash, PartialEq, Eq, EncodeLabelSet)]
struct RequestLabels {
    method: &'static str,
    route: String,
    status: u16,
}

#[derive(Clone, Debug, Hash, PartialEq, Eq, EncodeLabelSet)]
struct RouteLabels {
    method: &'static str,
    route: String,
}

#[derive(Clone, Debug, Hash, PartialEq, Eq, EncodeLabelSet)]
struct ConversionLabels {
    kind: &'static str,
    outcome: &'static str,
}

#[derive(Clone, Debug, Hash, PartialEq, Eq, EncodeLabelSet)]
struct StoreErrorLabels {
    class: &'static str,
}

fn latency_histogram() -> Histogram {
    Histogram::new(BUCKETS)
}

/// The server's counters, registered once in their own registry.
pub struct Metrics {
    registry: Registry,
    requests: Family<RequestLabels, Counter>,
    latency: Family<RouteLabels, Histogram, fn() -> Histogram>,
    in_flight: Gauge,
    conversions: Family<ConversionLabels, Counter>,
    store_errors: Family<StoreErrorLabels, Counter>,
}

impl Default for Metrics {
    fn default() -> Self {
        let requests = Family::<RequestLabels, Counter>::default();
        let latency =
            Family::<RouteLabels, Histogram, fn() -> Histogram>::new_with_constructor(latency_histogram);
        let in_flight = Gauge::default();
        let conversions = Family::<ConversionLabels, Counter>::default();
        let store_errors = Family::<StoreErrorLabels, Counter>::default();
        let mut registry = Registry::default();
        registry.register("mesh_http_requests", "HTTP requests answered", requests.clone());
        registry.register(
            "mesh_http_request_duration_seconds",
            "Time from request to response",
            latency.clone(),
        );
        registry.register(
            "mesh_http_requests_in_flight",
            "Requests being served",
            in_flight.clone(),
        );
        registry.register(
            "mesh_conversions",
            "Pulsar configs converted or rejected",
            conversions.clone(),
        );
        registry.register(
            "mesh_store_errors",
            "Store operations that failed, by class",
            store_errors.clone(),
        );
        Self {
            registry,
            requests,
            latency,
            in_flight,
            conversions,
            store_errors,
        }
    }
}

/// The label of a request method; methods beyond the standard ones share `OTHER`, so clients
/// cannot make series.
pub(crate) fn method_label(m: &Method) -> &'static str {
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
    match e.cause() {
        StoreError::NotFound { .. } => "not_found",
        StoreError::AlreadyExists { .. } => "already_exists",
        StoreError::Conflict(_) => "conflict",
        StoreError::Invalid(_) => "invalid",
        StoreError::Forbidden(_) => "forbidden",
        StoreError::Unavailable { .. } => "unavailable",
        StoreError::Config { .. } => "config",
        StoreError::Io { .. } => "io",
        StoreError::Corrupt { .. } => "corrupt",
        StoreError::Unsupported(_) => "unsupported",
        StoreError::Undone { .. } => "undone",
    }
}

impl Metrics {
    /// Counts a conversion of `kind`: `converted` or `rejected`.
    pub fn conversion(&self, kind: Kind, converted: bool) {
        let outcome = if converted { "converted" } else { "rejected" };
        self.conversions
            .get_or_create(&ConversionLabels {
                kind: kind.lower(),
                outcome,
            })
            .inc();
    }

    /// Counts a store error by its class.
    pub fn store_error(&self, e: &StoreError) {
        self.store_errors
            .get_or_create(&StoreErrorLabels {
                class: store_error_class(e),
            })
            .inc();
    }

    /// The counters in the `OpenMetrics` text format.
    pub fn render(&self) -> String {
        let mut out = String::new();
        // Writing into a String cannot fail.
        let _ = prometheus_client::encoding::text::encode(&mut out, &self.registry);
        out
    }
}

/// The matched route of a response, set by [`tag_route`].
#[derive(Clone)]
struct Route(MatchedPath);

/// Copies the matched route into the response, where [`count`] reads it.
pub(crate) async fn tag_route(path: Option<MatchedPath>, request: Request, next: Next) -> Response {
    let mut response = next.run(request).await;
    if let Some(p) = path {
        response.extensions_mut().insert(Route(p));
    }
    response
}

/// What a response answered, by its metric labels: set by [`count`], read by the access log.
#[derive(Clone, Copy, Debug)]
pub(crate) struct Answered {
    /// The request's method label.
    pub method: &'static str,
}

/// One request in flight: counted while it lives, also when its client goes away and the
/// request's future is dropped before it answers.
struct InFlight(Gauge);

impl InFlight {
    fn enter(gauge: &Gauge) -> Self {
        gauge.inc();
        Self(gauge.clone())
    }
}

impl Drop for InFlight {
    fn drop(&mut self) {
        self.0.dec();
    }
}

/// Counts every request: in flight while it is served, then by method, route and status, and
/// its latency.
pub(crate) async fn count(State(state): State<Arc<AppState>>, request: Request, next: Next) -> Response {
    let metrics = &state.metrics;
    let method = method_label(request.method());
    let started = Instant::now();
    let in_flight = InFlight::enter(&metrics.in_flight);
    let mut response = next.run(request).await;
    drop(in_flight);
    let elapsed = started.elapsed();
    let route = route_of(&response).to_owned();
    metrics
        .latency
        .get_or_create(&RouteLabels {
            method,
            route: route.clone(),
        })
        .observe(elapsed.as_secs_f64());
    metrics
        .requests
        .get_or_create(&RequestLabels {
            method,
            route,
            status: response.status().as_u16(),
        })
        .inc();
    response.extensions_mut().insert(Answered { method });
    response
}

/// The route label of a response: its matched path pattern, or `unmatched`.
pub(crate) fn route_of<B>(response: &axum::http::Response<B>) -> &str {
    response
        .extensions()
        .get::<Route>()
        .map_or("unmatched", |r| r.0.as_str())
}

/// `GET /metrics`.
pub(crate) async fn render(State(state): State<Arc<AppState>>) -> Response {
    (
        [(
            header::CONTENT_TYPE,
            "application/openmetrics-text; version=1.0.0; charset=utf-8",
        )],
        state.metrics.render(),
    )
        .into_response()
}

//! `mesh-http`: mesh over HTTP, served by `mesh serve`.
//!
//! * The Pulsar Functions admin REST API v3 ([`admin`]) for functions (`/admin/v3/functions`),
//!   sources (`/admin/v3/sources` and `/admin/v3/source`) and sinks (`/admin/v3/sinks` and
//!   `/admin/v3/sink`), over a [`mesh_kube::Store`]: what `pulsar-admin` sends, answered with
//!   Pulsar's status codes and `{"reason": "..."}` bodies.
//! * mesh's own API: `POST /mesh/v1/convert/{function|source|sink}` (a Pulsar config in, the
//!   resources out, JSON or YAML by `Accept`, warnings as `Warning: 299` headers),
//!   `POST /mesh/v1/validate/{kind}` (the diagnostics only), `GET /mesh/v1/crds`.
//! * `GET /healthz` (the process answers), `GET /readyz` (the store answers and
//!   the server is not shutting down) and
//!   `GET /metrics` (the `OpenMetrics` text format).
//!
//! Every request gets an id (`x-request-id`, taken from the request when it has one), a tracing
//! span, a time limit, and is counted. Bodies are limited in size, requests in number, and
//! [`serve`] limits the time a client may take to send its headers.

pub mod admin;
pub mod auth;
mod body;
mod edge;
mod error;
mod mesh_api;
mod metrics;
mod server;
pub mod tls;

pub use auth::Security;
pub use error::ApiError;
pub use metrics::Metrics;
pub use server::{Listeners, serve, serve_all};

use std::sync::Arc;
use std::time::Duration;

use axum::Router;
use axum::extract::DefaultBodyLimit;
use axum::routing::{get, post};
use mesh_core::convert::Context;
use mesh_core::convert::cluster_config::ClusterUrls;
use mesh_core::diag::Diagnostics;
use mesh_core::worker::{Catalogue, WorkerConfig};
use mesh_kube::{AnyStore, Store};

/// What every request reads: the worker config, the catalogue, the store, who may do what, and
/// the counters.
pub struct AppState {
    /// The worker's `functions_worker.yml`.
    pub worker: WorkerConfig,
    /// The connector catalogue.
    pub catalogue: Option<Catalogue>,
    /// Where resources are kept.
    pub store: AnyStore,
    /// The cluster name, when the worker config does not give one.
    pub cluster: Option<String>,
    /// Authentication, authorization and the broker.
    pub security: Security,
    /// Request, conversion and store counters.
    pub metrics: Metrics,
    /// Set when shutdown begins: `/readyz` then fails while requests are still served.
    pub draining: Draining,
    /// The URLs of the Pulsar cluster ConfigMap that creates and updates make in each namespace
    /// they write to, or why the worker config gives none (then none is made).
    pub cluster_urls: Result<ClusterUrls, Diagnostics>,
}

/// Whether the server is shutting down. From the moment it is, `GET /readyz` answers 503
/// `shutting down`, so that a load balancer (a Service's endpoints) stops sending new requests
/// while the listener still accepts the ones already on their way.
#[derive(Debug, Default)]
pub struct Draining(std::sync::atomic::AtomicBool);

impl Draining {
    /// Marks the server as shutting down (for good).
    pub fn start(&self) {
        self.0.store(true, std::sync::atomic::Ordering::Relaxed);
    }

    /// Whether [`Draining::start`] was called.
    pub fn is_draining(&self) -> bool {
        self.0.load(std::sync::atomic::Ordering::Relaxed)
    }
}

impl AppState {
    /// State over `store` with the given worker config, catalogue and security
    /// ([`Security::new`] from the worker config, or [`Security::disabled`]).
    pub fn new(
        worker: WorkerConfig,
        catalogue: Option<Catalogue>,
        store: AnyStore,
        security: Security,
    ) -> Self {
        Self {
            catalogue,
            store,
            cluster: None,
            security,
            metrics: Metrics::default(),
            draining: Draining::default(),
            cluster_urls: ClusterUrls::of(&worker).map(|(urls, _)| urls),
            worker,
        }
    }

    /// The conversion context of a request: the worker, the catalogue, the cluster fallback, and
    /// the store's namespace as the namespace the service runs in.
    pub fn context(&self) -> Context<'_> {
        Context {
            catalogue: self.catalogue.as_ref(),
            cluster_fallback: self.cluster.as_deref(),
            pod_namespace: Some(self.store.default_namespace()),
            ..Context::new(&self.worker)
        }
    }
}

/// Bounds on what one client can ask of the server.
#[derive(Clone, Copy, Debug)]
pub struct Limits {
    /// Largest request body.
    pub body_bytes: usize,
    /// Requests served at once; more wait.
    pub concurrency: usize,
    /// Time allowed for one request, from its headers to its answer.
    pub request_timeout: Duration,
    /// Time allowed for a client to send a request's headers.
    pub header_read_timeout: Duration,
    /// Time allowed for a client to send a request's body, read before the request takes a
    /// concurrency slot (so slow senders cannot hold the slots).
    pub body_read_timeout: Duration,
}

impl Limits {
    /// The defaults, also those of `mesh serve`'s flags: 4 MiB bodies, 256 requests at once, a
    /// minute per request, 10 seconds for the headers and 30 for the body.
    pub const DEFAULT: Self = Self {
        body_bytes: 4 * 1024 * 1024,
        concurrency: 256,
        request_timeout: Duration::from_mins(1),
        header_read_timeout: Duration::from_secs(10),
        body_read_timeout: Duration::from_secs(30),
    };
}

impl Default for Limits {
    fn default() -> Self {
        Self::DEFAULT
    }
}

/// The application's routes, with request ids, logs, metrics and limits.
pub fn router(state: Arc<AppState>, limits: Limits) -> Router {
    let routes = Router::new()
        .route("/healthz", get(|| async { "ok\n" }))
        .route("/readyz", get(mesh_api::ready))
        .route("/metrics", get(metrics::render))
        .route("/mesh/v1/crds", get(mesh_api::crds))
        .route("/mesh/v1/convert/{kind}", post(mesh_api::convert))
        .route("/mesh/v1/validate/{kind}", post(mesh_api::validate))
        .merge(admin::routes())
        .route_layer(axum::middleware::from_fn(metrics::tag_route))
        .fallback(|| async { ApiError::NotFound("no such endpoint".to_owned()) })
        .method_not_allowed_fallback(|| async { ApiError::MethodNotAllowed });
    routes
        .layer(axum::middleware::from_fn_with_state(
            state.clone(),
            auth::authenticate,
        ))
        .layer(axum::middleware::from_fn(error::reason_json))
        .layer(DefaultBodyLimit::max(limits.body_bytes))
        .layer(tower::limit::ConcurrencyLimitLayer::new(
            limits.concurrency.max(1),
        ))
        .layer(axum::middleware::from_fn_with_state(
            body::BodyLimits {
                bytes: limits.body_bytes,
                read_timeout: limits.body_read_timeout,
            },
            body::read_whole,
        ))
        .layer(
            tower::ServiceBuilder::new()
                .layer(axum::error_handling::HandleErrorLayer::new(edge::timed_out(
                    limits.request_timeout,
                )))
                .timeout(limits.request_timeout),
        )
        .layer(axum::middleware::from_fn_with_state(
            state.clone(),
            metrics::count,
        ))
        .layer(
            tower::ServiceBuilder::new()
                .map_request(edge::screen_client_id)
                .layer(tower_http::request_id::SetRequestIdLayer::new(
                    edge::REQUEST_ID,
                    edge::NextId::default(),
                ))
                .layer(tower_http::request_id::PropagateRequestIdLayer::new(
                    edge::REQUEST_ID,
                ))
                .layer(
                    tower_http::trace::TraceLayer::new_for_http()
                        .make_span_with(edge::RequestSpan)
                        .on_request(())
                        .on_response(edge::AccessLog)
                        .on_failure(()),
                ),
        )
        .with_state(state)
}

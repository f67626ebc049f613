//! `mesh-http`: mesh over HTTP, served by `mesh serve`.
//!
//! This first part serves mesh's own API and the probes:
//! * `POST /mesh/v1/convert/{function|source|sink}`: a Pulsar config (JSON or YAML) in, the
//!   resources out, as JSON (one object or a `v1` `List`) or YAML documents by `Accept`; warnings
//!   ride along as `Warning: 299` headers, as Kubernetes sends them;
//! * `POST /mesh/v1/validate/{function|source|sink}`: the diagnostics only;
//! * `GET /mesh/v1/crds`: the generated CRDs;
//! * `GET /healthz` (the process answers) and `GET /readyz` (the store answers).
//!
//! A rejected input is a 400 whose body has Pulsar's `reason` (the first error) and every
//! diagnostic with its path. Bodies are limited in size, requests in number.

mod error;
mod mesh_api;

pub use error::ApiError;

use std::sync::Arc;
use std::time::Duration;

use axum::Router;
use axum::extract::DefaultBodyLimit;
use axum::routing::{get, post};
use mesh_core::worker::{Catalogue, WorkerConfig};
use mesh_kube::AnyStore;

/// What every request reads: the worker config, the catalogue and the store.
pub struct AppState {
    /// The worker's `functions_worker.yml`.
    pub worker: WorkerConfig,
    /// The connector catalogue.
    pub catalogue: Option<Catalogue>,
    /// Where resources are kept.
    pub store: AnyStore,
}

/// Bounds on what one client can ask of the server.
#[derive(Clone, Copy, Debug)]
pub struct Limits {
    /// Largest request body.
    pub body_bytes: usize,
    /// Requests served at once; more wait.
    pub concurrency: usize,
    /// Time allowed for one request.
    pub request_timeout: Duration,
}

impl Default for Limits {
    fn default() -> Self {
        Self {
            body_bytes: 4 * 1024 * 1024,
            concurrency: 256,
            request_timeout: Duration::from_secs(30),
        }
    }
}

/// The application's routes.
pub fn router(state: Arc<AppState>, limits: Limits) -> Router {
    Router::new()
        .route("/healthz", get(|| async { "ok\n" }))
        .route("/readyz", get(mesh_api::ready))
        .route("/mesh/v1/crds", get(mesh_api::crds))
        .route("/mesh/v1/convert/{kind}", post(mesh_api::convert))
        .route("/mesh/v1/validate/{kind}", post(mesh_api::validate))
        .fallback(|| async { ApiError::NotFound("no such endpoint".to_owned()) })
        .layer(DefaultBodyLimit::max(limits.body_bytes))
        .layer(tower::limit::ConcurrencyLimitLayer::new(
            limits.concurrency.max(1),
        ))
        .with_state(state)
}

/// Serves `router` on `listener` until `shutdown` completes; requests in flight are finished.
pub async fn serve(
    listener: tokio::net::TcpListener,
    router: Router,
    shutdown: impl Future<Output = ()> + Send + 'static,
) -> std::io::Result<()> {
    axum::serve(listener, router)
        .with_graceful_shutdown(shutdown)
        .await
}

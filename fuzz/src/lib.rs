//! What the fuzz targets share: the worker config and connector catalogue `mesh serve` and
//! `mesh convert` are shipped with.

use std::sync::OnceLock;

use mesh_core::worker::{Catalogue, WorkerConfig};

/// The shipped worker config (`fixtures/worker/functions_worker.yml`).
pub fn worker() -> &'static WorkerConfig {
    static W: OnceLock<WorkerConfig> = OnceLock::new();
    W.get_or_init(|| {
        mesh_core::document::parse_one(include_bytes!("../../fixtures/worker/functions_worker.yml"))
            .expect("the shipped worker config")
    })
}

/// The shipped connector catalogue (`fixtures/worker/connectors.yaml`).
pub fn catalogue() -> &'static Catalogue {
    static C: OnceLock<Catalogue> = OnceLock::new();
    C.get_or_init(|| {
        mesh_core::document::parse_one(include_bytes!("../../fixtures/worker/connectors.yaml"))
            .expect("the shipped catalogue")
    })
}

/// Converts the function config `json` with `worker` (the cluster falls back to `local`), for
/// the targets that vary the worker or the runtime options around one config.
pub fn convert_with(worker: &WorkerConfig, json: &str) {
    let mut ctx = mesh_core::convert::Context::new(worker);
    ctx.cluster_fallback = Some("local");
    let options = mesh_core::pipeline::Options::new(mesh_core::pipeline::Task::Convert);
    let mut run = mesh_core::pipeline::Pipeline::new(options, &ctx, mesh_core::pipeline::Discard);
    run.feed(json.as_bytes());
    let _ = run.finish();
}

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

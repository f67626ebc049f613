//! Worker configs and connector catalogues as `mesh convert` and `mesh serve` load them, then the
//! security settings `mesh serve` derives from a worker config: errors, never panics.
#![no_main]

use libfuzzer_sys::fuzz_target;
use mesh_core::document;
use mesh_core::pulsar::UnknownFields as _;
use mesh_core::worker::security::SecurityConfig;
use mesh_core::worker::{Catalogue, WorkerConfig};

fuzz_target!(|data: &[u8]| {
    if let Ok(worker) = document::parse_one::<WorkerConfig>(data) {
        let _ = worker.unknown_field_warnings();
        let _ = SecurityConfig::from_worker(&worker);
        let _ = worker.custom();
        mesh_fuzz::convert_with(
            &worker,
            r#"{"className":"a.B","inputs":["in"],"jar":"function://t/n/f@1"}"#,
        );
    }
    if let Ok(catalogue) = document::parse_one::<Catalogue>(data) {
        for c in catalogue.sources().into_iter().chain(catalogue.sinks()) {
            let _ = (c.image(), c.jar());
        }
    }
});

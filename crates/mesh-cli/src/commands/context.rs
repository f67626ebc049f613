//! What every command that converts starts from: the worker config and connector catalogue
//! files, read once, and the one way diagnostics are printed.

use std::io::Write;
use std::path::Path;

use mesh_core::diag::Diagnostic;
use mesh_core::pulsar::UnknownFields;
use mesh_core::worker::{Catalogue, WorkerConfig};

use super::Status;

/// Diagnostics, each with the label of the input it is about (empty for none).
pub(crate) type Labelled = Vec<(String, Diagnostic)>;

fn load<T: serde::de::DeserializeOwned + UnknownFields>(
    path: Option<&Path>,
    what: &str,
    diags: &mut Labelled,
) -> Result<Option<T>, Status> {
    let Some(path) = path else { return Ok(None) };
    let label = path.display().to_string();
    let bytes = std::fs::read(path).map_err(|e| {
        diags.push((
            String::new(),
            Diagnostic::error(&label, format!("cannot read the {what}: {e}")),
        ));
        Status::Usage
    })?;
    match mesh_core::document::parse_one::<T>(&bytes) {
        Ok(v) => {
            for w in v.unknown_field_warnings() {
                diags.push((label.clone(), w));
            }
            Ok(Some(v))
        }
        Err(errors) => {
            diags.extend(errors.into_iter().map(|d| (label.clone(), d)));
            Err(Status::Rejected)
        }
    }
}

/// Reads the worker config (the default one when no file is named) and the connector
/// catalogue; their warnings go to `diags`, and so do their errors, with the exit status.
pub(crate) fn load_worker(
    worker: Option<&Path>,
    connectors: Option<&Path>,
    diags: &mut Labelled,
) -> Result<(WorkerConfig, Option<Catalogue>), Status> {
    let worker = load::<WorkerConfig>(worker, "worker config", diags)?;
    let catalogue = load::<Catalogue>(connectors, "connector catalogue", diags)?;
    Ok((worker.unwrap_or_default(), catalogue))
}

/// Prints `diags`, each path preceded by its input's label when `prefix` is set.
pub(crate) fn print(err: &mut dyn Write, diags: &[(String, Diagnostic)], prefix: bool) {
    for (label, d) in diags {
        let d = if prefix && !label.is_empty() {
            let path = if d.path.is_empty() {
                label.clone()
            } else {
                format!("{label}:{}", d.path)
            };
            Diagnostic { path, ..d.clone() }
        } else {
            d.clone()
        };
        let _ = writeln!(err, "{d}");
    }
}

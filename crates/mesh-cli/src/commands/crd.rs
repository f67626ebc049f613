//! `mesh crd`: print the generated CRDs.

use std::io::Write;

use super::{Status, report};
use crate::cli::Format;
use crate::output;

pub fn run(format: Format, out: &mut dyn Write, err: &mut dyn Write) -> Status {
    let docs: Result<Vec<serde_json::Value>, _> =
        mesh_core::crd::crds().iter().map(serde_json::to_value).collect();
    let result = docs
        .map_err(output::OutputError::Json)
        .and_then(|docs| output::write(out, &docs, format));
    match result {
        Ok(()) => Status::Ok,
        Err(e) if super::is_broken_pipe(&e) => Status::Ok,
        Err(e) => {
            report(err, &e);
            Status::Rejected
        }
    }
}

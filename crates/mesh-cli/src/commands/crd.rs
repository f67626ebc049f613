//! `mesh crd`: print the generated CRDs.

use std::io::Write;

use super::{Status, report};
use crate::cli::Format;
use crate::output;

pub fn run(format: Format, out: &mut dyn Write, err: &mut dyn Write) -> Status {
    match output::write(out, &mesh_core::crd::crds(), format) {
        Ok(()) => Status::Ok,
        Err(e) if super::is_broken_pipe(&e) => Status::Ok,
        Err(e) => {
            report(err, &e);
            Status::Rejected
        }
    }
}

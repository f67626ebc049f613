//! Helpers shared by mesh-core's integration tests.
#![allow(dead_code, missing_docs, clippy::expect_used, clippy::unwrap_used)]

pub mod arbitrary;
pub mod configs;
pub mod fixtures;
pub mod schema;

use std::path::{Path, PathBuf};

use serde_json::Value;

/// The repository root.
pub fn repo_root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../..")
}

/// `../shared/crds` beside the checkout, if present.
pub fn upstream_crds_dir() -> Option<PathBuf> {
    let dir = repo_root().join("../shared/crds");
    dir.is_dir().then_some(dir)
}

/// The `openAPIV3Schema` of an upstream CRD file, e.g. `compute.functionmesh.io_functions.yaml`.
pub fn upstream_schema(file: &str) -> Option<Value> {
    let dir = upstream_crds_dir()?;
    let text = std::fs::read_to_string(dir.join(file)).expect("read upstream CRD");
    let crd: Value = serde_saphyr::from_str(&text).expect("parse upstream CRD");
    Some(crd["spec"]["versions"][0]["schema"]["openAPIV3Schema"].clone())
}

/// The `openAPIV3Schema` of our generated CRD for `kind`.
pub fn our_schema(kind: &str) -> Value {
    let crd = mesh_core::crd::crds()
        .into_iter()
        .find(|c| c.spec.names.kind == kind)
        .expect("kind generated");
    let crd = serde_json::to_value(crd).expect("serialize CRD");
    crd["spec"]["versions"][0]["schema"]["openAPIV3Schema"].clone()
}

/// Prints why a test that needs `../shared/crds` did nothing.
pub fn skip_without_upstream(test: &str) -> bool {
    if upstream_crds_dir().is_none() {
        eprintln!("{test}: skipped, ../shared/crds is not beside the checkout (CI always has it)");
        return true;
    }
    false
}

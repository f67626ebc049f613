//! The documents both benchmarks convert, and the two ways of handling them: the full pipeline
//! (parse JSON + convert + write YAML) and its floor (parse into a `Value`, write the output
//! `Value` as YAML).

use std::path::Path;

use mesh_core::convert::{self, Context};
use mesh_core::diag::Diagnostics;
use mesh_core::worker::{Catalogue, WorkerConfig};
use serde_json::Value;

/// A file of the repository's `fixtures/`.
pub fn fixture(p: &str) -> Vec<u8> {
    std::fs::read(
        Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("../../fixtures")
            .join(p),
    )
    .unwrap_or_else(|e| panic!("fixture {p}: {e}"))
}

/// The production-shaped worker and connector catalogue of the fixtures, for the whole run.
pub fn context() -> Context<'static> {
    let worker: &'static WorkerConfig = Box::leak(Box::new(
        mesh_core::document::parse_one(&fixture("worker/functions_worker.yml")).expect("worker fixture"),
    ));
    let catalogue: &'static Catalogue = Box::leak(Box::new(
        mesh_core::document::parse_one(&fixture("worker/connectors.yaml")).expect("catalogue fixture"),
    ));
    Context {
        catalogue: Some(catalogue),
        ..Context::new(worker)
    }
}

/// One benchmarked document.
pub struct Case {
    /// Its benchmark name.
    pub name: &'static str,
    /// The config as compact JSON.
    pub input: String,
    /// Its converted CR as a `Value`, for the floor.
    pub output: Value,
    pipeline: fn(&str, &Context<'_>) -> Result<String, Diagnostics>,
}

impl Case {
    /// Parse JSON + convert + write YAML.
    pub fn run(&self, ctx: &Context<'_>) -> String {
        (self.pipeline)(&self.input, ctx).expect("benchmark documents convert")
    }

    /// The floor for the same documents.
    pub fn floor(&self) -> String {
        let v: Value = serde_json::from_str(std::hint::black_box(&self.input)).expect("JSON");
        std::hint::black_box(v);
        mesh_core::document::to_yaml(std::hint::black_box(&self.output)).expect("YAML")
    }
}

fn function(input: &str, ctx: &Context<'_>) -> Result<String, Diagnostics> {
    let config = serde_json::from_str(input).expect("function JSON");
    let done = convert::function(config, ctx)?;
    Ok(mesh_core::document::to_yaml(&done.resource).expect("YAML"))
}

fn sink(input: &str, ctx: &Context<'_>) -> Result<String, Diagnostics> {
    let config = serde_json::from_str(input).expect("sink JSON");
    let done = convert::sink(config, ctx)?;
    Ok(mesh_core::document::to_yaml(&done.resource).expect("YAML"))
}

fn source(input: &str, ctx: &Context<'_>) -> Result<String, Diagnostics> {
    let config = serde_json::from_str(input).expect("source JSON");
    let done = convert::source(config, ctx)?;
    Ok(mesh_core::document::to_yaml(&done.resource).expect("YAML"))
}

/// A typical function, a built-in sink and a batch source.
pub fn cases(ctx: &Context<'_>) -> Vec<Case> {
    [
        (
            "function",
            "function/java-exclamation.yaml",
            function as fn(&str, &Context<'_>) -> _,
        ),
        ("builtin sink", "sink/elastic-builtin.yaml", sink),
        ("batch source", "source/batch-files.yaml", source),
    ]
    .into_iter()
    .map(|(name, file, pipeline)| {
        let v: Value = mesh_core::document::parse_one(&fixture(file)).expect("fixture parses");
        let input = serde_json::to_string(&v).expect("JSON");
        let yaml = pipeline(&input, ctx).expect("benchmark documents convert");
        let output = mesh_core::document::parse_one(yaml.as_bytes()).expect("written YAML reads back");
        Case {
            name,
            input,
            output,
            pipeline,
        }
    })
    .collect()
}

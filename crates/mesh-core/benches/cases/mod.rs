//! The documents both benchmarks convert, and the two ways of handling them: the full pipeline
//! (the entry point `mesh convert` and the HTTP API call: [`mesh_core::pipeline`], telling the
//! kind, parsing, converting and rendering YAML) and its floor (parse into a `Value`, write the
//! output `Value` as YAML).

use std::path::Path;

use mesh_core::convert::Context;
use mesh_core::pipeline::{Format, Options, Pipeline, Renderer, Task};
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
}

/// The production path: one input through the pipeline, YAML out.
pub fn pipeline(input: &[u8], ctx: &Context<'_>) -> String {
    let mut run = Pipeline::new(Options::new(Task::Convert), ctx, Renderer::new(Format::Yaml));
    run.feed(input);
    let report = run.finish();
    assert!(!report.has_errors(), "{:?}", report.diagnostics);
    report.out.finish()
}

impl Case {
    /// Tell the kind, parse, convert, write YAML.
    pub fn run(&self, ctx: &Context<'_>) -> String {
        pipeline(std::hint::black_box(self.input.as_bytes()), ctx)
    }

    /// The floor for the same documents.
    pub fn floor(&self) -> String {
        let v: Value = serde_json::from_str(std::hint::black_box(&self.input)).expect("JSON");
        std::hint::black_box(v);
        mesh_core::yaml::to_string(std::hint::black_box(&self.output)).expect("YAML")
    }
}

/// A typical function, a built-in sink and a batch source.
pub fn cases(ctx: &Context<'_>) -> Vec<Case> {
    [
        ("function", "function/java-exclamation.yaml"),
        ("builtin sink", "sink/elastic-builtin.yaml"),
        ("batch source", "source/batch-files.yaml"),
    ]
    .into_iter()
    .map(|(name, file)| {
        let v: Value = mesh_core::document::parse_one(&fixture(file)).expect("fixture parses");
        let input = serde_json::to_string(&v).expect("JSON");
        let yaml = pipeline(input.as_bytes(), ctx);
        let output = mesh_core::document::parse_one(yaml.as_bytes()).expect("written YAML reads back");
        Case { name, input, output }
    })
    .collect()
}

//! The documents both benchmarks convert, and the two ways of handling them: the full pipeline
//! (the entry point `mesh convert` and the HTTP API call: [`mesh_core::pipeline`], telling the
//! kind, parsing, converting and rendering YAML) and its floor (parse into a `Value`, write the
//! output `Value` as YAML).

use std::path::Path;

use mesh_core::convert::Context;
use mesh_core::pipeline::{Format, Options, Pipeline, Renderer, Target, Task};
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

/// A worker that runs Pulsar's own Kubernetes runtime (`--to statefulset`), for the whole run.
pub fn native_context() -> Context<'static> {
    let worker: &'static WorkerConfig = Box::leak(Box::new(
        mesh_core::document::parse_one(&fixture("worker/kubernetes_runtime_worker.yml"))
            .expect("worker fixture"),
    ));
    let base = context();
    Context { worker, ..base }
}

/// One benchmarked document.
pub struct Case {
    /// Its benchmark name.
    pub name: &'static str,
    /// The config as compact JSON.
    pub input: String,
    /// Its converted objects as `Value`s, for the floor.
    pub output: Vec<Value>,
    /// What the config becomes.
    pub target: Target,
    /// The context of this case, when it is not the shared one.
    pub ctx: Option<Context<'static>>,
}

/// The production path: one input through the pipeline, YAML out.
pub fn pipeline(input: &[u8], ctx: &Context<'_>, target: Target) -> String {
    let options = Options {
        target,
        ..Options::new(Task::Convert)
    };
    let mut run = Pipeline::new(options, ctx, Renderer::new(Format::Yaml));
    run.feed(input);
    let report = run.finish();
    assert!(!report.has_errors(), "{:?}", report.diagnostics);
    report.out.finish()
}

impl Case {
    /// Tell the kind, parse, convert, write YAML.
    pub fn run(&self, ctx: &Context<'_>) -> String {
        pipeline(
            std::hint::black_box(self.input.as_bytes()),
            self.ctx.as_ref().unwrap_or(ctx),
            self.target,
        )
    }

    /// The floor for the same documents.
    pub fn floor(&self) -> String {
        let v: Value = serde_json::from_str(std::hint::black_box(&self.input)).expect("JSON");
        std::hint::black_box(v);
        let mut out = String::new();
        for (i, o) in self.output.iter().enumerate() {
            if i > 0 {
                out.push_str("---\n");
            }
            out.push_str(&mesh_core::yaml::to_string(std::hint::black_box(o)).expect("YAML"));
        }
        out
    }
}

/// A typical function, a built-in sink and a batch source as CRs; the function and the sink as
/// the StatefulSet and Service of Pulsar's runtime.
pub fn cases(ctx: &Context<'_>) -> Vec<Case> {
    let native = native_context();
    [
        ("function", "function/java-exclamation.yaml", Target::Mesh),
        ("builtin sink", "sink/elastic-builtin.yaml", Target::Mesh),
        ("batch source", "source/batch-files.yaml", Target::Mesh),
        (
            "function sts",
            "function/java-exclamation.yaml",
            Target::StatefulSet,
        ),
        ("sink sts", "sink/elastic-builtin.yaml", Target::StatefulSet),
    ]
    .into_iter()
    .map(|(name, file, target)| {
        let v: Value = mesh_core::document::parse_one(&fixture(file)).expect("fixture parses");
        let input = serde_json::to_string(&v).expect("JSON");
        let own = (target == Target::StatefulSet).then_some(native);
        let yaml = pipeline(input.as_bytes(), own.as_ref().unwrap_or(ctx), target);
        let output = mesh_core::document::parse_documents(yaml.as_bytes()).expect("written YAML reads back");
        Case {
            name,
            input,
            output,
            target,
            ctx: own,
        }
    })
    .collect()
}

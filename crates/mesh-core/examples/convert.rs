//! Convert a Pulsar function config into its Function Mesh CR, as `mesh convert` does.
//!
//! `cargo run -p mesh-core --example convert`

use mesh_core::convert::Context;
use mesh_core::pipeline::{Format, Options, Pipeline, Renderer, Task};
use mesh_core::worker::WorkerConfig;

const CONFIG: &str = r#"{
  "tenant": "public", "namespace": "default", "name": "word-count",
  "className": "org.example.WordCount", "jar": "function://public/default/word-count@1.0",
  "inputs": ["persistent://public/default/sentences"],
  "output": "persistent://public/default/counts",
  "parallelism": 2
}"#;

fn main() -> std::process::ExitCode {
    // What the worker's functions_worker.yml would say; here only the cluster name.
    let worker = WorkerConfig {
        pulsar_functions_cluster: Some("test-pulsar".into()),
        ..WorkerConfig::default()
    };
    let ctx = Context::new(&worker);
    let mut run = Pipeline::new(Options::new(Task::Convert), &ctx, Renderer::new(Format::Yaml));
    run.feed(CONFIG.as_bytes());
    let report = run.finish();
    for d in &report.diagnostics {
        eprintln!("{}", d.diagnostic);
    }
    if report.has_errors() {
        return std::process::ExitCode::FAILURE;
    }
    print!("{}", report.out.finish());
    std::process::ExitCode::SUCCESS
}

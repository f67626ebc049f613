//! Check configs and CRs before they reach a cluster, as `mesh validate` does: every problem at
//! once, each with the field it concerns and the input it is in.
//!
//! `cargo run -p mesh-core --example validate`

use mesh_core::convert::Context;
use mesh_core::pipeline::{Discard, Options, Pipeline, Task};
use mesh_core::worker::WorkerConfig;

fn main() {
    let worker = WorkerConfig::default();
    let ctx = Context::new(&worker);
    let inputs: [&[u8]; 2] = [
        // A function with no inputs, a negative parallelism and a misspelt key.
        br#"{"name": "f", "className": "org.example.F", "jar": "function://public/default/f@1",
             "parallelism": -1, "outptu": "out"}"#,
        // A Function CR the operator would refuse: replicas above maxReplicas.
        b"apiVersion: compute.functionmesh.io/v1alpha1\nkind: Function\nmetadata:\n  name: f\nspec:\n  className: org.example.F\n  replicas: 3\n  maxReplicas: 2\n",
    ];
    let mut run = Pipeline::new(Options::new(Task::Validate), &ctx, Discard);
    for input in inputs {
        run.feed(input);
    }
    let report = run.finish();
    for d in &report.diagnostics {
        let input = d.at.map_or(String::from("-"), |at| format!("input {}", at.input));
        println!("{input}: {}", d.diagnostic);
    }
}

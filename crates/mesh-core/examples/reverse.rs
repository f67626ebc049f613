//! Read a Function Mesh `Function` CR back as the Pulsar config that produces it, as
//! `mesh convert --to pulsar` does, and convert it forward again.
//!
//! `cargo run -p mesh-core --example reverse`

use mesh_core::convert::{self, Context};
use mesh_core::pulsar::FunctionConfig;
use mesh_core::worker::WorkerConfig;

fn main() -> Result<(), mesh_core::diag::Diagnostics> {
    let worker = WorkerConfig {
        pulsar_functions_cluster: Some("test-pulsar".into()),
        ..WorkerConfig::default()
    };
    let ctx = Context::new(&worker);
    let config: FunctionConfig = mesh_core::document::parse_one(
        br#"{"name": "exclaim", "className": "org.example.Exclaim", "py": "function://public/default/exclaim@1",
             "runtime": "PYTHON", "inputs": ["in"], "output": "out"}"#,
    )?;
    let cr = convert::function(config, &ctx)?.resource;
    // The CR as it would be read from a cluster or a file.
    let back = convert::reverse::function(&cr, &ctx)?;
    for w in &back.warnings {
        eprintln!("{w}");
    }
    println!(
        "{}",
        serde_json::to_string_pretty(&back.config).unwrap_or_default()
    );
    // Forward again with the same context: the same CR.
    assert_eq!(convert::function(back.config, &ctx)?.resource, cr);
    Ok(())
}

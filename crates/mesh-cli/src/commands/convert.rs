//! `mesh convert` and `mesh validate`: read the inputs, hand each to the core's pipeline once,
//! print what comes back.

use std::io::{Read, Write};

use mesh_core::convert::Context;
use mesh_core::pipeline::{
    At, Collect, Discard, Located, Options, Pipeline, Renderer, Target as PipelineTarget, Task,
};

use super::context::{self, Labelled, print};
use super::{Status, report};
use crate::cli::{ConvertArgs, Target};
use crate::input::{self, Input};
use crate::output;

/// Whether to print the converted objects or only the diagnostics, or to hand them on.
#[derive(Clone, Copy, PartialEq, Eq)]
pub enum Mode {
    /// `mesh convert`.
    Convert,
    /// `mesh validate`.
    Validate,
    /// `mesh apply`: Pulsar configs are converted; ready Function Mesh resources pass through
    /// after the operator's checks.
    Apply,
}

/// Runs `convert` (or `validate`) with `args`.
pub fn run(
    args: &ConvertArgs,
    mode: Mode,
    stdin: &mut dyn Read,
    out: &mut dyn Write,
    err: &mut dyn Write,
) -> Status {
    if mode == Mode::Validate {
        return produce(args, mode, None, stdin, err, Discard).map_or_else(|s| s, |_| Status::Ok);
    }
    let format = args.format();
    let renderer = match produce(args, mode, None, stdin, err, Renderer::new(format.into())) {
        Ok(r) => r,
        Err(status) => return status,
    };
    match output::finish(out, &renderer, format) {
        Err(e) if !super::is_broken_pipe(&e) => {
            report(err, &e);
            Status::Rejected
        }
        _ => Status::Ok,
    }
}

/// The label of the document `at`: the input's path, with the document's index when the input
/// holds several; empty for a bundle as a whole.
fn label(inputs: &[Input], at: Option<At>) -> String {
    let Some(at) = at else { return String::new() };
    let input = inputs.get(at.input).map_or("", |i| i.label.as_str());
    match at.document {
        None => input.to_owned(),
        Some(i) => format!("{input}[{i}]"),
    }
}

/// Reads, converts and checks every input, prints the diagnostics to `err`, and returns what
/// `out` collected (or the exit status when anything was rejected). `namespace` (the store's
/// `-n`) is where resources go when the worker config names no `jobNamespace`.
pub fn produce<C: Collect>(
    args: &ConvertArgs,
    mode: Mode,
    namespace: Option<&str>,
    stdin: &mut dyn Read,
    err: &mut dyn Write,
    out: C,
) -> Result<C, Status> {
    let mut diags: Labelled = Vec::new();
    let (worker, catalogue) = context::load_worker(
        args.worker_config.as_deref(),
        args.connectors.as_deref(),
        &mut diags,
    )
    .inspect_err(|_| print(err, &diags, true))?;
    if args.to == Target::Statefulset && (args.bundle.is_some() || args.cluster_config) {
        let _ = writeln!(
            err,
            "error: --bundle and --cluster-config make Function Mesh resources; --to statefulset makes Pulsar's runtime objects"
        );
        return Err(Status::Usage);
    }
    if args.to == Target::Pulsar && (args.bundle.is_some() || args.kind.is_some()) {
        let _ = writeln!(
            err,
            "error: --bundle and --kind apply to Pulsar configs; --to pulsar reads Function Mesh resources"
        );
        return Err(Status::Usage);
    }
    let inputs = input::inputs(&args.inputs).map_err(|e| {
        report(err, &e);
        Status::Usage
    })?;
    let ctx = Context {
        catalogue: catalogue.as_ref(),
        package_url: args.package_url.as_deref(),
        package_file_name: args.package_file_name.as_deref(),
        cluster: args.cluster.as_deref(),
        pod_namespace: namespace,
        packages_in_image: args.packages_in_image,
        ..Context::new(&worker)
    };
    let task = match (args.to, mode) {
        (Target::Pulsar, _) => Task::Reverse,
        (Target::Mesh | Target::Statefulset, Mode::Convert) => Task::Convert,
        (Target::Mesh | Target::Statefulset, Mode::Validate) => Task::Validate,
        (Target::Mesh | Target::Statefulset, Mode::Apply) => Task::Admit,
    };
    let options = Options {
        task,
        kind: args.kind.map(Into::into),
        bundle: args.bundle.clone(),
        cluster_config: args.cluster_config,
        target: match args.to {
            Target::Statefulset => PipelineTarget::StatefulSet,
            Target::Mesh | Target::Pulsar => PipelineTarget::Mesh,
        },
    };
    let mut run = Pipeline::new(options, &ctx, out);
    for i in &inputs {
        let bytes = i.read(stdin).map_err(|e| {
            report(err, &e);
            Status::Usage
        })?;
        run.feed(&bytes);
    }
    let done = run.finish();
    let prefix = done.documents > 1 || args.bundle.is_some();
    let failed = done.has_errors();
    diags.extend(done.diagnostics.into_iter().map(
        |Located {
             at,
             whole_input,
             mut diagnostic,
         }| {
            let label = label(&inputs, at);
            if whole_input && !prefix {
                // The only input, and nothing in it: name it, as there is no field to name.
                diagnostic.path.clone_from(&label);
            }
            (label, diagnostic)
        },
    ));
    print(err, &diags, prefix);
    if failed {
        return Err(Status::Rejected);
    }
    Ok(done.out)
}

//! `mesh convert` and `mesh validate`.

use std::io::{Read, Write};

use mesh_core::convert::{self, Component, Context};
use mesh_core::detect::{DocumentKind, detect};
use mesh_core::diag::{Diagnostic, Diagnostics};
use mesh_core::pulsar::UnknownFields;
use mesh_core::worker::{Catalogue, WorkerConfig};

use super::{Status, report};
use crate::cli::{ConvertArgs, Target};
use crate::{input, output};

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

pub(crate) fn load<T: serde::de::DeserializeOwned + UnknownFields>(
    path: Option<&std::path::Path>,
    what: &str,
    diags: &mut Vec<(String, Diagnostic)>,
) -> Result<Option<T>, Status> {
    let Some(path) = path else { return Ok(None) };
    let label = path.display().to_string();
    let bytes = std::fs::read(path).map_err(|e| {
        diags.push((
            String::new(),
            Diagnostic::error(&label, format!("cannot read the {what}: {e}")),
        ));
        Status::Usage
    })?;
    match mesh_core::document::parse_one::<T>(&bytes) {
        Ok(v) => {
            for w in v.unknown_field_warnings() {
                diags.push((label.clone(), w));
            }
            Ok(Some(v))
        }
        Err(errors) => {
            diags.extend(errors.into_iter().map(|d| (label.clone(), d)));
            Err(Status::Rejected)
        }
    }
}

pub(crate) fn print(err: &mut dyn Write, diags: &[(String, Diagnostic)], prefix: bool) {
    for (label, d) in diags {
        let d = if prefix && !label.is_empty() {
            let path = if d.path.is_empty() {
                label.clone()
            } else {
                format!("{label}:{}", d.path)
            };
            Diagnostic { path, ..d.clone() }
        } else {
            d.clone()
        };
        let _ = writeln!(err, "{d}");
    }
}

/// Runs `convert` (or `validate`) with `args`.
pub fn run(
    args: &ConvertArgs,
    mode: Mode,
    stdin: &mut dyn Read,
    out: &mut dyn Write,
    err: &mut dyn Write,
) -> Status {
    let objects = match produce(args, mode, None, stdin, err) {
        Ok(o) => o,
        Err(status) => return status,
    };
    if mode == Mode::Convert
        && let Err(e) = output::write(out, &objects, args.format())
        && !super::is_broken_pipe(&e)
    {
        report(err, &e);
        return Status::Rejected;
    }
    Status::Ok
}

/// Reads, converts and checks every input, prints the diagnostics to `err`, and returns the
/// objects (or the exit status when anything was rejected). `namespace` (the store's `-n`) is
/// where resources go when the worker config names no `jobNamespace`.
pub fn produce(
    args: &ConvertArgs,
    mode: Mode,
    namespace: Option<&str>,
    stdin: &mut dyn Read,
    err: &mut dyn Write,
) -> Result<Vec<serde_json::Value>, Status> {
    let mut diags: Vec<(String, Diagnostic)> = Vec::new();
    let loaded =
        load::<WorkerConfig>(args.worker_config.as_deref(), "worker config", &mut diags).and_then(|w| {
            Ok((
                w,
                load::<Catalogue>(args.connectors.as_deref(), "connector catalogue", &mut diags)?,
            ))
        });
    let (worker, catalogue) = match loaded {
        Ok(v) => v,
        Err(status) => {
            print(err, &diags, true);
            return Err(status);
        }
    };
    if args.to == Target::Pulsar && (args.bundle.is_some() || args.kind.is_some()) {
        let _ = writeln!(
            err,
            "error: --bundle and --kind apply to Pulsar configs; --to pulsar reads Function Mesh resources"
        );
        return Err(Status::Usage);
    }
    let (docs, unparsable) = match input::read(&args.inputs, stdin) {
        Ok(v) => v,
        Err(e) => {
            report(err, &e);
            return Err(Status::Usage);
        }
    };
    let worker = worker.unwrap_or_default();
    let ctx = Context {
        catalogue: catalogue.as_ref(),
        package_url: args.package_url.as_deref(),
        package_file_name: args.package_file_name.as_deref(),
        cluster: args.cluster.as_deref(),
        pod_namespace: namespace,
        ..Context::new(&worker)
    };
    let many = docs.len() + unparsable.len() > 1;
    for u in &unparsable {
        let mut d = u.error.to_diagnostic();
        if !many && matches!(u.error, mesh_core::document::ParseError::Empty) {
            // The only input, and nothing in it: name it, as there is no field to name.
            d.path.clone_from(&u.label);
        }
        diags.push((u.label.clone(), d));
    }
    let kind = args.kind.map(Into::into);
    let mut objects = Vec::new();
    let mut components = Vec::new();
    for doc in docs {
        let label = doc.label;
        if args.to == Target::Pulsar {
            match convert::reverse_resource(&doc.raw, &ctx) {
                Ok(r) => {
                    objects.extend(r.objects);
                    diags.extend(r.warnings.into_iter().map(|d| (label.clone(), d)));
                }
                Err(e) => diags.extend(e.into_iter().map(|d| (label.clone(), d))),
            }
            continue;
        }
        let is_resource = doc
            .raw
            .value()
            .is_ok_and(|v| matches!(detect(&v), Ok(DocumentKind::Resource(_) | DocumentKind::Mesh)));
        if mode != Mode::Convert && is_resource {
            let found = convert::validate_resource(&doc.raw);
            if mode == Mode::Apply
                && !found.has_errors()
                && let Ok(v) = doc.raw.value()
            {
                objects.push(v);
            }
            diags.extend(found.into_iter().map(|d| (label.clone(), d)));
            continue;
        }
        let component: Component = match convert::parse_component(&doc.raw, kind) {
            Ok(c) => c,
            Err(e) => {
                diags.extend(e.into_iter().map(|d| (label.clone(), d)));
                continue;
            }
        };
        if args.bundle.is_some() {
            components.push((label, component));
            continue;
        }
        match convert::convert_component(component, &ctx) {
            Ok(r) => {
                objects.extend(r.objects);
                diags.extend(r.warnings.into_iter().map(|d| (label.clone(), d)));
            }
            Err(e) => diags.extend(e.into_iter().map(|d| (label.clone(), d))),
        }
    }
    if let Some(name) = &args.bundle {
        let (labels, members): (Vec<String>, Vec<Component>) = components.into_iter().unzip();
        let relabel = |d: Diagnostics| -> Vec<(String, Diagnostic)> {
            d.into_iter()
                .map(
                    |d| match d.path.strip_prefix('[').and_then(|r| r.split_once(']')) {
                        Some((i, rest)) => {
                            let label = i
                                .parse::<usize>()
                                .ok()
                                .and_then(|i| labels.get(i))
                                .cloned()
                                .unwrap_or_default();
                            let path = rest.strip_prefix('.').unwrap_or(rest).to_owned();
                            (label, Diagnostic { path, ..d })
                        }
                        None => (String::new(), d),
                    },
                )
                .collect()
        };
        if !members.is_empty()
            || !diags
                .iter()
                .any(|(_, d)| d.severity == mesh_core::diag::Severity::Error)
        {
            match convert::convert_bundle(name, members, &ctx) {
                Ok(r) => {
                    objects.extend(r.objects);
                    diags.extend(relabel(r.warnings));
                }
                Err(e) => diags.extend(relabel(e)),
            }
        }
    }
    let failed = diags
        .iter()
        .any(|(_, d)| d.severity == mesh_core::diag::Severity::Error);
    print(err, &diags, many || args.bundle.is_some());
    if failed {
        return Err(Status::Rejected);
    }
    Ok(objects)
}

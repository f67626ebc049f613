//! `mesh apply`, `get`, `list`, `delete` and `install-crds`: the store commands.

use std::fmt::Write as _;
use std::io::{IsTerminal, Read, Write};
use std::time::Duration;

use std::sync::atomic::{AtomicUsize, Ordering};

use mesh_core::convert::{Identity, cluster_config};
use mesh_core::identity::Claim;
use mesh_core::pipeline::{Object, Renderer};
use mesh_kube::components::{self, Ensured, Found, Wanted};
use mesh_kube::{
    AnyStore, Applied, ApplyOptions, ClusterOptions, ObjectKey, ResourceKind, Selector, Store, StoreError,
};
use serde_json::Value;

use super::convert::{self, Mode};
use super::{Status, report};
use crate::cli::{ApplyArgs, Format, ListArgs, ListFormat, ObjectArgs, StoreArgs, Target};
use crate::output;

fn runtime() -> Result<tokio::runtime::Runtime, std::io::Error> {
    tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .thread_stack_size(mesh_core::yaml::READER_STACK)
        .enable_all()
        .build()
}

pub(crate) fn cluster_options(s: &StoreArgs) -> ClusterOptions {
    ClusterOptions {
        kubeconfig: s.kubeconfig.clone(),
        context: s.context.clone(),
        namespace: s.namespace.clone(),
        ..ClusterOptions::default()
    }
}

/// Runs `f` with the store `args` name, on a runtime; store failures print and exit 1.
fn with_store(
    args: &StoreArgs,
    err: &mut dyn Write,
    f: impl AsyncFnOnce(&AnyStore, &mut dyn Write) -> Status,
) -> Status {
    let rt = match runtime() {
        Ok(rt) => rt,
        Err(e) => {
            report(err, &e);
            return Status::Rejected;
        }
    };
    rt.block_on(async {
        match AnyStore::open(&args.store, &cluster_options(args)).await {
            Ok(store) => f(&store, err).await,
            Err(e) => {
                report(err, &e);
                Status::Usage
            }
        }
    })
}

/// `mesh apply`.
pub fn apply(args: &ApplyArgs, stdin: &mut dyn Read, err: &mut dyn Write) -> Status {
    if args.convert.to == Target::Statefulset {
        let _ = writeln!(
            err,
            "error: apply keeps Function Mesh resources in its store; --to statefulset is for convert and validate (the store does not hold StatefulSets yet)"
        );
        return Status::Usage;
    }
    if args.convert.to == Target::Pulsar {
        let _ = writeln!(
            err,
            "error: apply takes Pulsar configs or Function Mesh resources, not --to pulsar"
        );
        return Status::Usage;
    }
    let namespace = args.store.namespace.as_deref();
    let objects = match convert::produce(&args.convert, Mode::Apply, namespace, stdin, err, Vec::new()) {
        Ok(o) => o,
        Err(status) => return status,
    };
    let mut objects = match objects
        .into_iter()
        .map(Object::into_value)
        .collect::<Result<Vec<Value>, _>>()
    {
        Ok(o) => o,
        Err(e) => {
            report(err, &e);
            return Status::Rejected;
        }
    };
    objects.sort_by_key(components::apply_order);
    let options = ApplyOptions {
        dry_run: args.dry_run,
        force_conflicts: args.force_conflicts,
    };
    // The cluster ConfigMaps go first, and are only made or kept up to date, never taken over.
    let (config_maps, objects): (Vec<Value>, Vec<Value>) = objects
        .into_iter()
        .partition(|o| ResourceKind::from_object(o) == Some(ResourceKind::ConfigMap));
    let progress = objects.len() > 1 && std::io::stderr().is_terminal();
    with_store(&args.store, err, async |store, err| {
        let total = config_maps.len() + objects.len();
        let done = AtomicUsize::new(0);
        let tick = || {
            let n = done.fetch_add(1, Ordering::Relaxed) + 1;
            if progress {
                let mut e = std::io::stderr();
                let _ = write!(e, "\rapplying {n}/{total}");
                let _ = e.flush();
            }
        };
        let (mut created, mut updated, mut unchanged) = (0, 0, 0);
        let mut failed: Vec<String> = Vec::new();
        for map in &config_maps {
            let what = ObjectKey::of(map, store.default_namespace())
                .map_or_else(|e| e.to_string(), |k| k.to_string());
            match components::ensure_cluster_config(store, map, options).await {
                Ok(Ensured::Created) => created += 1,
                Ok(Ensured::Updated) => updated += 1,
                Ok(Ensured::Unchanged) => unchanged += 1,
                Ok(Ensured::Kept) => {
                    unchanged += 1;
                    let _ = writeln!(
                        err,
                        "warning: {what}: kept as it is: mesh did not make it (no {}={} label)",
                        cluster_config::MANAGED_BY.0,
                        cluster_config::MANAGED_BY.1
                    );
                }
                Err(e) => failed.push(format!("error: {what}: {}", mesh_core::error_chain(&e))),
            }
            tick();
        }
        let results = store
            .apply_all(&objects, options, usize::from(args.concurrency), &tick)
            .await;
        for (o, outcome) in objects.iter().zip(results) {
            let what =
                ObjectKey::of(o, store.default_namespace()).map_or_else(|e| e.to_string(), |k| k.to_string());
            match outcome {
                Ok(Applied::Created) => created += 1,
                Ok(Applied::Updated) => updated += 1,
                Ok(Applied::Unchanged) => unchanged += 1,
                Err(e) => failed.push(format!("error: {what}: {}", mesh_core::error_chain(&e))),
            }
        }
        if progress {
            let _ = write!(err, "\r\x1b[K");
        }
        for f in &failed {
            let _ = writeln!(err, "{f}");
        }
        let dry = if options.dry_run { " (dry run)" } else { "" };
        let _ = writeln!(
            err,
            "{total} objects{dry}: {created} created, {updated} updated, {unchanged} unchanged, {} failed",
            failed.len()
        );
        if failed.is_empty() {
            Status::Ok
        } else {
            Status::Rejected
        }
    })
}

/// The selector of `tenant/namespace/name` (or a prefix of it).
fn selector(
    scope: Option<&str>,
    full: bool,
    cluster: Option<&String>,
    store: &StoreArgs,
) -> Result<Selector, String> {
    let parts: Vec<&str> = scope.map(|s| s.split('/').collect()).unwrap_or_default();
    let ok = if full { parts.len() == 3 } else { parts.len() <= 2 } && parts.iter().all(|p| !p.is_empty());
    if !ok {
        let want = if full {
            "tenant/namespace/name"
        } else {
            "tenant or tenant/namespace"
        };
        return Err(format!("`{}` is not {want}", scope.unwrap_or("")));
    }
    let part = |i: usize| parts.get(i).map(|s| (*s).to_owned());
    Ok(Selector {
        namespace: store.namespace.clone(),
        cluster: cluster.cloned(),
        tenant: part(0),
        pulsar_namespace: part(1),
        component: part(2),
    })
}

/// The one resource `args` names ([`components::find`]: by its computed name when `-n` and
/// `--cluster` are given, else by its labels).
async fn find(store: &AnyStore, args: &ObjectArgs) -> Result<Value, String> {
    let kind = args.kind.into();
    let sel = selector(Some(&args.name), true, args.cluster.as_ref(), &args.store)?;
    let (Some(tenant), Some(namespace), Some(name)) = (&sel.tenant, &sel.pulsar_namespace, &sel.component)
    else {
        return Err(format!("`{}` is not tenant/namespace/name", args.name));
    };
    let wanted = Wanted {
        id: Identity {
            kind,
            tenant,
            namespace,
            name,
        },
        k8s_namespace: sel.namespace.as_deref(),
        cluster: sel.cluster.as_deref(),
    };
    match components::find(store, &wanted)
        .await
        .map_err(|e| mesh_core::error_chain(&e))?
    {
        Found::Missing => Err(StoreError::NotFound {
            kind: ResourceKind::of(kind).as_str().to_owned(),
            name: args.name.clone(),
        }
        .to_string()),
        Found::One(_, v) => Ok(v),
        Found::Several(n) => Err(format!(
            "{n} resources are {} {}: name the cluster (--cluster) or the Kubernetes namespace (-n)",
            ResourceKind::of(kind).as_str(),
            args.name
        )),
    }
}

/// `mesh get`.
pub fn get(args: &ObjectArgs, out: &mut dyn Write, err: &mut dyn Write) -> Status {
    with_store(&args.store, err, async |store, err| {
        match find(store, args).await {
            Ok(v) => match output::write(out, &[v], args.output) {
                Ok(()) => Status::Ok,
                Err(e) if super::is_broken_pipe(&e) => Status::Ok,
                Err(e) => {
                    report(err, &e);
                    Status::Rejected
                }
            },
            Err(e) => {
                let _ = writeln!(err, "error: {e}");
                Status::Rejected
            }
        }
    })
}

/// `mesh delete`.
pub fn delete(args: &ObjectArgs, err: &mut dyn Write) -> Status {
    with_store(&args.store, err, async |store, err| {
        let found = match find(store, args).await {
            Ok(v) => v,
            Err(e) => {
                let _ = writeln!(err, "error: {e}");
                return Status::Rejected;
            }
        };
        let key = match ObjectKey::of(&found, store.default_namespace()) {
            Ok(k) => k,
            Err(e) => {
                report(err, &e);
                return Status::Rejected;
            }
        };
        match mesh_kube::components::remove(store, &key, &found).await {
            Ok(secrets) => {
                let _ = writeln!(err, "deleted {key}");
                for s in secrets {
                    let _ = writeln!(err, "deleted {s}");
                }
                Status::Ok
            }
            Err(e) => {
                report(err, &e);
                Status::Rejected
            }
        }
    })
}

fn label(o: &Value, claim: Claim) -> &str {
    mesh_kube::claim(o, claim).unwrap_or("")
}

/// `mesh list`.
pub fn list(args: &ListArgs, out: &mut dyn Write, err: &mut dyn Write) -> Status {
    let sel = match selector(args.scope.as_deref(), false, args.cluster.as_ref(), &args.store) {
        Ok(s) => s,
        Err(e) => {
            let _ = writeln!(err, "error: {e}");
            return Status::Usage;
        }
    };
    with_store(&args.store, err, async |store, err| {
        let kind = ResourceKind::of(args.kind.into());
        let items = match store.list(kind, &sel).await {
            Ok(i) => i,
            Err(e) => {
                report(err, &e);
                return Status::Rejected;
            }
        };
        let written = match args.output {
            ListFormat::Yaml => output::write(out, &items, Format::Yaml),
            ListFormat::Json => output::write_with(
                out,
                Renderer::list(mesh_core::pipeline::Format::Json),
                &items,
                Format::Json,
            ),
            ListFormat::Table => {
                let mut text = String::from("NAMESPACE\tNAME\tPULSAR NAME\tREPLICAS\n");
                for o in &items {
                    let meta = |k: &str| {
                        o.pointer(&format!("/metadata/{k}"))
                            .and_then(Value::as_str)
                            .unwrap_or("")
                    };
                    let replicas = o
                        .pointer("/spec/replicas")
                        .map_or_else(String::new, ToString::to_string);
                    let _ = writeln!(
                        text,
                        "{}\t{}\t{}/{}/{}\t{replicas}",
                        meta("namespace"),
                        meta("name"),
                        label(o, Claim::Tenant),
                        label(o, Claim::Namespace),
                        label(o, Claim::Component)
                    );
                }
                out.write_all(text.as_bytes()).map_err(output::OutputError::Io)
            }
        };
        match written {
            Err(e) if !super::is_broken_pipe(&e) => {
                report(err, &e);
                Status::Rejected
            }
            _ => Status::Ok,
        }
    })
}

/// `mesh install-crds`.
pub fn install_crds(args: &StoreArgs, out: &mut dyn Write, err: &mut dyn Write) -> Status {
    with_store(args, err, async |store, err| {
        let AnyStore::Cluster(cluster) = store else {
            let _ = writeln!(err, "error: install-crds needs --store kube");
            return Status::Usage;
        };
        match cluster.install_crds(Duration::from_mins(1)).await {
            Ok(names) => {
                for n in names {
                    let _ = writeln!(out, "customresourcedefinition/{n} established");
                }
                Status::Ok
            }
            Err(e) => {
                report(err, &e);
                Status::Rejected
            }
        }
    })
}

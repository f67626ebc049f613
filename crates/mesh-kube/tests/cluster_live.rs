//! The cluster store against a real kube-apiserver (`../shared/kube/start-kube-apiserver.sh`).
//!
//! Runs when `MESH_TEST_KUBECONFIG` names the server's kubeconfig (`.ci/run` starts the server
//! and sets it); otherwise each test says it is skipped. The failure-injection test also needs
//! `MESH_TEST_KUBE_SCRIPTS`, the folder of the start and stop scripts.

#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Duration;

use k8s_openapi::api::core::v1::Namespace;
use kube::api::{Api, PostParams};
use mesh_core::convert::{self, Context};
use mesh_core::pipeline::{Object, Options, Pipeline, Task};
use mesh_kube::{
    Applied, ApplyOptions, Cluster, ClusterOptions, ObjectKey, ResourceKind, Selector, Store, StoreError,
};
use serde_json::{Value, json};

/// The tests share one API server, and one of them stops it: one at a time.
static SERIAL: tokio::sync::Mutex<()> = tokio::sync::Mutex::const_new(());

fn kubeconfig() -> Option<PathBuf> {
    let k = std::env::var_os("MESH_TEST_KUBECONFIG").map(PathBuf::from);
    if k.is_none() {
        eprintln!("skipped: MESH_TEST_KUBECONFIG is not set (.ci/run starts a kube-apiserver and sets it)");
    }
    k
}

fn repo() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../..")
}

async fn connect(kubeconfig: &Path, namespace: &str) -> Cluster {
    let store = Cluster::connect(&ClusterOptions {
        kubeconfig: Some(kubeconfig.to_owned()),
        namespace: Some(namespace.to_owned()),
        ..ClusterOptions::default()
    })
    .await
    .unwrap();
    store.install_crds(Duration::from_mins(1)).await.unwrap();
    store
}

async fn ensure_namespace(kubeconfig: &Path, name: &str) {
    let config = kube::Config::from_custom_kubeconfig(
        kube::config::Kubeconfig::read_from(kubeconfig).unwrap(),
        &kube::config::KubeConfigOptions::default(),
    )
    .await
    .unwrap();
    let client = kube::Client::try_from(config).unwrap();
    let api: Api<Namespace> = Api::all(client);
    let ns: Namespace = serde_json::from_value(json!({"metadata": {"name": name}})).unwrap();
    match api.create(&PostParams::default(), &ns).await {
        Ok(_) => {}
        Err(kube::Error::Api(s)) if s.code == 409 => {}
        Err(e) => panic!("cannot create namespace {name}: {e}"),
    }
}

/// Converted fixtures (every passing function, source and sink fixture with the production-shaped
/// worker) and generated functions, `n` CRs in all, all in Kubernetes namespace `namespace`.
fn converted(n: usize, namespace: &str, tenant: &str) -> Vec<Value> {
    let read = |p: &str| std::fs::read(repo().join("fixtures").join(p)).unwrap();
    let worker: mesh_core::worker::WorkerConfig =
        mesh_core::document::parse_one(&read("worker/functions_worker.yml")).unwrap();
    let catalogue: mesh_core::worker::Catalogue =
        mesh_core::document::parse_one(&read("worker/connectors.yaml")).unwrap();
    let ctx = Context {
        catalogue: Some(&catalogue),
        ..Context::new(&worker)
    };
    let mut out = Vec::new();
    for kind in ["function", "source", "sink"] {
        let mut files: Vec<_> = std::fs::read_dir(repo().join("fixtures").join(kind))
            .unwrap()
            .filter_map(Result::ok)
            .map(|e| e.path())
            .filter(|p| p.is_file())
            .collect();
        files.sort();
        for f in files {
            let mut run = Pipeline::new(Options::new(Task::Convert), &ctx, Vec::new());
            run.feed(&std::fs::read(&f).unwrap());
            let report = run.finish();
            if !report.has_errors() {
                out.extend(
                    report
                        .out
                        .iter()
                        .filter(|o| !matches!(o, Object::Secret(_)))
                        .map(|o| o.to_value().unwrap()),
                );
            }
        }
    }
    let mut i = 0;
    while out.len() < n {
        let config = mesh_core::document::parse_one(
            json!({"tenant": tenant, "namespace": "gen", "name": format!("gen-{i}"), "className": "org.example.F",
                   "inputs": [format!("in-{i}")], "jar": format!("function://{tenant}/gen/gen-{i}@1")})
            .to_string()
            .as_bytes(),
        )
        .unwrap();
        out.push(serde_json::to_value(convert::function(config, &ctx).unwrap().resource).unwrap());
        i += 1;
    }
    out.truncate(n);
    for o in &mut out {
        o["metadata"]["namespace"] = json!(namespace);
    }
    out
}

async fn apply_all(
    store: &Cluster,
    objects: &[Value],
    applied: &AtomicUsize,
) -> Vec<Result<Applied, StoreError>> {
    // The path `mesh apply` takes: one list per kind and namespace, then concurrent applies.
    let tick = || {
        applied.fetch_add(1, Ordering::SeqCst);
    };
    store.apply_all(objects, ApplyOptions::default(), 16, &tick).await
}

/// Whether every field of `sent` is in `back` with the same value.
fn sent_fields_come_back(sent: &Value, back: &Value) -> bool {
    match (sent, back) {
        (Value::Object(s), Value::Object(b)) => s
            .iter()
            .all(|(k, v)| b.get(k).is_some_and(|bv| sent_fields_come_back(v, bv))),
        (Value::Array(s), Value::Array(b)) => {
            s.len() == b.len() && s.iter().zip(b).all(|(x, y)| sent_fields_come_back(x, y))
        }
        _ => sent == back,
    }
}

fn key(o: &Value) -> ObjectKey {
    ObjectKey::of(o, "default").unwrap()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn fifty_converted_resources_apply_read_back_list_update_and_delete() {
    let _serial = SERIAL.lock().await;
    let Some(kc) = kubeconfig() else { return };
    ensure_namespace(&kc, "mesh-live").await;
    let store = connect(&kc, "mesh-live").await;
    let objects = converted(50, "mesh-live", "live");
    let counter = AtomicUsize::new(0);
    for r in apply_all(&store, &objects, &counter).await {
        assert!(matches!(r, Ok(Applied::Created | Applied::Unchanged)), "{r:?}");
    }
    for o in &objects {
        let back = store.get(&key(o)).await.unwrap();
        // Equal but for the defaults the CRD schema adds (`minReplicas: 1`).
        assert!(
            sent_fields_come_back(&o["spec"], &back["spec"]),
            "{}:\n{:#}\n{:#}",
            key(o),
            o["spec"],
            back["spec"]
        );
        assert_eq!(back["metadata"]["labels"], o["metadata"]["labels"], "{}", key(o));
    }
    // Re-applying changes nothing.
    for r in apply_all(&store, &objects, &counter).await {
        assert_eq!(r.unwrap(), Applied::Unchanged);
    }
    let generated = Selector {
        namespace: Some("mesh-live".into()),
        tenant: Some("live".into()),
        ..Selector::default()
    };
    let listed = store.list(ResourceKind::Function, &generated).await.unwrap();
    let expected = objects
        .iter()
        .filter(|o| o["metadata"]["labels"]["compute.functionmesh.io/pulsar-tenant"] == "live")
        .count();
    assert_eq!(listed.len(), expected);

    let mut changed = objects[0].clone();
    changed["spec"]["replicas"] = json!(3);
    assert_eq!(
        store.apply(&changed, ApplyOptions::default()).await.unwrap(),
        Applied::Updated
    );
    assert_eq!(store.get(&key(&changed)).await.unwrap()["spec"]["replicas"], 3);
    // Stopping is an apply of the stopped object (the lifecycle's read-modify-write).
    let mut stopped = store.get(&key(&changed)).await.unwrap();
    assert!(mesh_core::lifecycle::stop(&mut stopped));
    store
        .apply(&mesh_kube::desired(&stopped), ApplyOptions::default())
        .await
        .unwrap();
    assert_eq!(store.get(&key(&changed)).await.unwrap()["spec"]["replicas"], 0);

    for o in &objects {
        store.delete(&key(o)).await.unwrap();
    }
    assert!(store.get(&key(&objects[0])).await.unwrap_err().is_not_found());
    assert!(
        store
            .list(ResourceKind::Function, &generated)
            .await
            .unwrap()
            .is_empty()
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn invalid_resources_come_back_with_the_servers_message() {
    let _serial = SERIAL.lock().await;
    let Some(kc) = kubeconfig() else { return };
    ensure_namespace(&kc, "mesh-live").await;
    let store = connect(&kc, "mesh-live").await;
    let bad = json!({
        "apiVersion": "compute.functionmesh.io/v1alpha1", "kind": "Function",
        "metadata": {"name": "bad-replicas", "namespace": "mesh-live"},
        "spec": {"className": "A", "replicas": "many"}
    });
    let e = store.apply(&bad, ApplyOptions::default()).await.unwrap_err();
    assert!(
        matches!(&e, StoreError::Invalid(mesh_kube::Refusal::Api(s)) if s.code() == 422 && s.message().contains("spec.replicas")),
        "{e}"
    );
    let e = store
        .apply(
            &json!({"apiVersion": "compute.functionmesh.io/v1alpha1", "kind": "Function",
                    "metadata": {"name": "x", "namespace": "no-such-namespace"}, "spec": {}}),
            ApplyOptions::default(),
        )
        .await
        .unwrap_err();
    assert!(
        matches!(&e, StoreError::Invalid(mesh_kube::Refusal::NoNamespaceOrType(s)) if s.message().contains("no-such-namespace")),
        "{e}"
    );
}

fn script(name: &str) -> Option<PathBuf> {
    std::env::var_os("MESH_TEST_KUBE_SCRIPTS").map(|d| PathBuf::from(d).join(name))
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_api_server_restart_during_apply_loses_nothing() {
    let _serial = SERIAL.lock().await;
    let Some(kc) = kubeconfig() else { return };
    let (Some(stop), Some(start)) = (
        script("stop-kube-apiserver.sh"),
        script("start-kube-apiserver.sh"),
    ) else {
        eprintln!("skipped: MESH_TEST_KUBE_SCRIPTS is not set");
        return;
    };
    ensure_namespace(&kc, "mesh-restart").await;
    let store = connect(&kc, "mesh-restart").await;
    let objects = converted(200, "mesh-restart", "restart");
    let applied = AtomicUsize::new(0);
    let outage = async {
        while applied.load(Ordering::SeqCst) < 50 {
            tokio::time::sleep(Duration::from_millis(5)).await;
        }
        let stopped = tokio::process::Command::new("bash")
            .arg(&stop)
            .output()
            .await
            .unwrap();
        assert!(
            stopped.status.success(),
            "{}",
            String::from_utf8_lossy(&stopped.stderr)
        );
        let at = applied.load(Ordering::SeqCst);
        tokio::time::sleep(Duration::from_secs(2)).await;
        let started = tokio::process::Command::new("bash")
            .arg(&start)
            .output()
            .await
            .unwrap();
        assert!(
            started.status.success(),
            "{}",
            String::from_utf8_lossy(&started.stderr)
        );
        at
    };
    let (results, stopped_at) = tokio::join!(apply_all(&store, &objects, &applied), outage);
    eprintln!(
        "API server stopped after {stopped_at} of {} applies, restarted 2 s later",
        objects.len()
    );
    assert!(stopped_at < objects.len(), "the outage happened during the run");
    let failed: Vec<String> = results
        .iter()
        .filter_map(|r| r.as_ref().err().map(ToString::to_string))
        .collect();
    assert!(failed.is_empty(), "{failed:?}");
    let all = store
        .list(
            ResourceKind::Function,
            &Selector {
                namespace: Some("mesh-restart".into()),
                ..Selector::default()
            },
        )
        .await
        .unwrap();
    let functions = objects.iter().filter(|o| o["kind"] == "Function").count();
    assert_eq!(all.len(), functions, "every applied function is in the cluster");
    for o in &objects {
        store.delete(&key(o)).await.unwrap();
    }
}

//! The manifests directory store: layout, apply outcomes, names that would escape, atomic
//! writes, and concurrent writers in one process and in two processes.

#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::process::Command;

use mesh_kube::{Applied, ApplyOptions, Directory, ObjectKey, ResourceKind, Selector, Store, StoreError};
use serde_json::{Value, json};

/// A scratch directory, removed when the test ends (also when it fails).
fn temp(name: &str) -> tempfile::TempDir {
    tempfile::Builder::new()
        .prefix(&format!("mesh-kube-{name}-"))
        .tempdir()
        .unwrap()
}

fn function(name: &str, tenant: &str, replicas: i32) -> Value {
    json!({
        "apiVersion": "compute.functionmesh.io/v1alpha1",
        "kind": "Function",
        "metadata": {
            "name": name,
            "labels": {
                "compute.functionmesh.io/pulsar-cluster": "c",
                "compute.functionmesh.io/pulsar-tenant": tenant,
                "compute.functionmesh.io/pulsar-namespace": "ns",
                "compute.functionmesh.io/pulsar-component": name,
            }
        },
        "spec": {"className": "A", "replicas": replicas}
    })
}

fn key(name: &str) -> ObjectKey {
    ObjectKey {
        kind: ResourceKind::Function,
        namespace: "default".into(),
        name: name.into(),
    }
}

#[tokio::test]
async fn apply_get_list_scale_delete() {
    let root = temp("basic");
    let store = Directory::new(root.path(), "default");
    let opts = ApplyOptions::default();
    assert_eq!(
        store.apply(&function("a", "t1", 1), opts).await.unwrap(),
        Applied::Created
    );
    assert_eq!(
        store.apply(&function("a", "t1", 1), opts).await.unwrap(),
        Applied::Unchanged
    );
    assert_eq!(
        store.apply(&function("a", "t1", 2), opts).await.unwrap(),
        Applied::Updated
    );
    store.apply(&function("b", "t2", 1), opts).await.unwrap();
    assert!(
        root.path().join("default/function/a.yaml").is_file(),
        "the documented layout"
    );

    let text = std::fs::read_to_string(root.path().join("default/function/a.yaml")).unwrap();
    assert_eq!(
        text,
        mesh_core::yaml::to_string(&store.get(&key("a")).await.unwrap()).unwrap()
    );
    assert_eq!(
        store.get(&key("a")).await.unwrap()["metadata"]["namespace"],
        "default"
    );

    let all = store
        .list(ResourceKind::Function, &Selector::default())
        .await
        .unwrap();
    assert_eq!(all.len(), 2);
    let t2 = Selector {
        tenant: Some("t2".into()),
        ..Selector::default()
    };
    let only = store.list(ResourceKind::Function, &t2).await.unwrap();
    assert_eq!(only.len(), 1);
    assert_eq!(only[0]["metadata"]["name"], "b");
    assert!(
        store
            .list(ResourceKind::Sink, &Selector::default())
            .await
            .unwrap()
            .is_empty()
    );

    store
        .modify(&key("a"), |o| o["spec"]["replicas"] = json!(0))
        .unwrap();
    assert_eq!(store.get(&key("a")).await.unwrap()["spec"]["replicas"], 0);

    store.delete(&key("a")).await.unwrap();
    assert!(store.get(&key("a")).await.unwrap_err().is_not_found());
    assert!(store.delete(&key("a")).await.unwrap_err().is_not_found());
    assert!(
        store
            .modify(&key("a"), |o| o["spec"]["replicas"] = json!(1))
            .unwrap_err()
            .is_not_found()
    );
    let _ = std::fs::remove_dir_all(root.path());
}

#[tokio::test]
async fn status_is_kept_and_dry_run_writes_nothing() {
    let root = temp("status");
    let store = Directory::new(root.path(), "default");
    store
        .apply(&function("a", "t", 1), ApplyOptions::default())
        .await
        .unwrap();
    let path = root.path().join("default/function/a.yaml");
    let mut with_status = store.get(&key("a")).await.unwrap();
    with_status["status"] = json!({"replicas": 1});
    std::fs::write(&path, mesh_core::yaml::to_string(&with_status).unwrap()).unwrap();
    store
        .apply(&function("a", "t", 3), ApplyOptions::default())
        .await
        .unwrap();
    assert_eq!(
        mesh_kube::status_of(&store.get(&key("a")).await.unwrap()),
        Some(&json!({"replicas": 1}))
    );

    let dry = ApplyOptions {
        dry_run: true,
        ..ApplyOptions::default()
    };
    assert_eq!(
        store.apply(&function("new", "t", 1), dry).await.unwrap(),
        Applied::Created
    );
    assert!(!root.path().join("default/function/new.yaml").exists());
    let _ = std::fs::remove_dir_all(root.path());
}

#[tokio::test]
async fn names_cannot_escape_the_directory() {
    let root = temp("escape");
    let store = Directory::new(root.path(), "default");
    for (name, ns) in [
        ("../../etc/x", "default"),
        ("a", "../up"),
        ("a/b", "default"),
        ("UPPER", "default"),
        ("", "default"),
    ] {
        let mut o = function("a", "t", 1);
        o["metadata"]["name"] = json!(name);
        o["metadata"]["namespace"] = json!(ns);
        let e = store.apply(&o, ApplyOptions::default()).await.unwrap_err();
        assert!(matches!(e, StoreError::Invalid(_)), "{name} {ns}: {e}");
    }
    assert!(!root.path().exists() || std::fs::read_dir(root.path()).unwrap().count() == 0);
    let foreign = json!({"apiVersion": "apps/v1", "kind": "Deployment", "metadata": {"name": "x"}});
    assert!(matches!(
        store.apply(&foreign, ApplyOptions::default()).await,
        Err(StoreError::Invalid(_))
    ));
    let _ = std::fs::remove_dir_all(root.path());
}

#[tokio::test]
async fn corrupt_files_are_reported_with_their_path() {
    let root = temp("corrupt");
    let store = Directory::new(root.path(), "default");
    std::fs::create_dir_all(root.path().join("default/function")).unwrap();
    std::fs::write(root.path().join("default/function/bad.yaml"), "a: [unclosed").unwrap();
    let e = store.get(&key("bad")).await.unwrap_err();
    assert!(
        matches!(e, StoreError::Corrupt { ref path, .. } if path.ends_with("bad.yaml")),
        "{e}"
    );
    let _ = std::fs::remove_dir_all(root.path());
}

#[tokio::test]
async fn one_unreadable_file_neither_hides_the_others_nor_resists_deletion() {
    let root = temp("one-bad");
    let store = Directory::new(root.path(), "default");
    for name in ["a", "c"] {
        store
            .apply(&function(name, "t", 1), ApplyOptions::default())
            .await
            .unwrap();
    }
    // A key over YAML's implicit-key limit, as an older writer would have left it.
    let bad = format!("{}: 1\n", "k".repeat(2000));
    std::fs::write(root.path().join("default/function/b.yaml"), bad).unwrap();
    let listed = store
        .list(ResourceKind::Function, &Selector::default())
        .await
        .unwrap();
    let names: Vec<&str> = listed
        .iter()
        .filter_map(|o| o["metadata"]["name"].as_str())
        .collect();
    assert_eq!(names, ["a", "c"]);
    assert!(matches!(
        store.get(&key("b")).await,
        Err(StoreError::Corrupt { .. })
    ));
    store.delete(&key("b")).await.unwrap();
    assert!(!root.path().join("default/function/b.yaml").exists());
    let _ = std::fs::remove_dir_all(root.path());
}

#[tokio::test]
async fn whatever_is_stored_reads_back_and_what_could_not_be_is_refused() {
    let root = temp("readable");
    let store = Directory::new(root.path(), "default");
    let long = "k".repeat(5000);
    let big: serde_json::Number = serde_json::from_str("123456789012345678901234567890").unwrap();
    let mut object = function("long", "t", 1);
    object["spec"]["funcConfig"] = json!({(long.clone()): {"nested": [1]}, "big": big});
    store.apply(&object, ApplyOptions::default()).await.unwrap();
    let back = store.get(&key("long")).await.unwrap();
    assert_eq!(back["spec"]["funcConfig"], object["spec"]["funcConfig"]);
    let text = std::fs::read_to_string(root.path().join("default/function/long.yaml")).unwrap();
    assert!(text.contains("big: 123456789012345678901234567890\n"), "{text}");
    assert_eq!(
        store
            .list(ResourceKind::Function, &Selector::default())
            .await
            .unwrap()
            .len(),
        1
    );

    let mut deep = json!(1);
    for _ in 0..mesh_core::yaml::MAX_DEPTH {
        deep = json!({"d": deep});
    }
    let mut object = function("deep", "t", 1);
    object["spec"]["funcConfig"] = deep;
    let e = store.apply(&object, ApplyOptions::default()).await.unwrap_err();
    assert!(
        matches!(e, StoreError::Invalid(mesh_kube::Refusal::Yaml(ref y)) if y.to_string().contains("more than 160 levels")),
        "{e}"
    );
    assert!(!root.path().join("default/function/deep.yaml").exists());
    let _ = std::fs::remove_dir_all(root.path());
}

#[tokio::test]
async fn racing_creates_in_one_process_yield_exactly_one() {
    let root = temp("race");
    let store = Directory::new(root.path(), "default");
    let tasks: Vec<_> = (0..32)
        .map(|i| {
            let store = store.clone();
            tokio::spawn(async move {
                store
                    .create(&function("same", &format!("t{i}"), 1), ApplyOptions::default())
                    .await
            })
        })
        .collect();
    let mut ok = 0;
    for t in tasks {
        match t.await.unwrap() {
            Ok(()) => ok += 1,
            Err(e) => assert!(matches!(e, StoreError::AlreadyExists { .. }), "{e}"),
        }
    }
    assert_eq!(ok, 1);
    let _ = std::fs::remove_dir_all(root.path());
}

const CHILD_ENV: &str = "MESH_KUBE_DIRECTORY_CHILD";
const ROUNDS: i64 = 150;

/// Increments a counter annotation of one shared object and writes objects of its own.
fn writer(root: &str, me: &str) {
    let store = Directory::new(root, "default");
    for i in 0..ROUNDS {
        store
            .modify(&key("shared"), |o| {
                let n = o["spec"]["counter"].as_i64().unwrap_or(0);
                o["spec"]["counter"] = json!(n + 1);
            })
            .unwrap();
        if i % 10 == 0 {
            let rt = tokio::runtime::Builder::new_current_thread()
                .enable_all()
                .build()
                .unwrap();
            rt.block_on(store.apply(&function(&format!("{me}-{i}"), me, 1), ApplyOptions::default()))
                .unwrap();
        }
    }
}

/// The second process's body (does nothing unless started by the test below).
#[test]
fn child_writer() {
    if let Ok(spec) = std::env::var(CHILD_ENV) {
        let (root, me) = spec.split_once('|').unwrap();
        writer(root, me);
    }
}

#[tokio::test]
async fn two_processes_never_lose_an_update() {
    let root = temp("processes");
    let store = Directory::new(root.path(), "default");
    store
        .apply(&function("shared", "t", 1), ApplyOptions::default())
        .await
        .unwrap();
    let child = Command::new(std::env::current_exe().unwrap())
        .args(["--exact", "child_writer", "--nocapture", "--test-threads=1"])
        .env(CHILD_ENV, format!("{}|child", root.path().display()))
        .spawn()
        .unwrap();
    let root_text = root.path().display().to_string();
    let here = tokio::task::spawn_blocking(move || writer(&root_text, "parent"));
    here.await.unwrap();
    let status = tokio::task::spawn_blocking(move || {
        let mut child = child;
        child.wait()
    })
    .await
    .unwrap()
    .unwrap();
    assert!(status.success());
    let shared = store.get(&key("shared")).await.unwrap();
    assert_eq!(shared["spec"]["counter"], json!(2 * ROUNDS), "an update was lost");
    let all = store
        .list(ResourceKind::Function, &Selector::default())
        .await
        .unwrap();
    assert_eq!(
        i64::try_from(all.len()).unwrap(),
        1 + 2 * ROUNDS / 10,
        "every object of both writers is there"
    );
    let leftovers: Vec<_> = std::fs::read_dir(root.path().join("default/function"))
        .unwrap()
        .filter_map(Result::ok)
        .filter(|e| e.file_name().to_string_lossy().contains(".tmp-"))
        .collect();
    assert!(leftovers.is_empty(), "temporary files left behind");
    let _ = std::fs::remove_dir_all(root.path());
}

#[tokio::test]
async fn reads_see_changes_made_behind_the_stores_back() {
    let root = temp("cache");
    let store = Directory::new(root.path(), "default");
    store
        .apply(&function("f", "t", 1), ApplyOptions::default())
        .await
        .unwrap();
    assert_eq!(store.get(&key("f")).await.unwrap()["spec"]["replicas"], 1);
    let path = store.path(&key("f")).unwrap();
    // Rewritten in place, the same length: only the modification time tells.
    let text = std::fs::read_to_string(&path)
        .unwrap()
        .replace("replicas: 1", "replicas: 2");
    std::thread::sleep(std::time::Duration::from_millis(10));
    std::fs::write(&path, &text).unwrap();
    assert_eq!(store.get(&key("f")).await.unwrap()["spec"]["replicas"], 2);
    // Replaced by another file, as editors and Git do.
    let other = root.path().join("other.yaml");
    std::fs::write(&other, text.replace("replicas: 2", "replicas: 30")).unwrap();
    std::fs::rename(&other, &path).unwrap();
    assert_eq!(store.get(&key("f")).await.unwrap()["spec"]["replicas"], 30);
    std::fs::remove_file(&path).unwrap();
    assert!(matches!(
        store.get(&key("f")).await,
        Err(StoreError::NotFound { .. })
    ));
}

fn names_in(folder: &std::path::Path) -> Vec<String> {
    let mut names: Vec<String> = std::fs::read_dir(folder)
        .unwrap()
        .filter_map(|e| e.ok()?.file_name().into_string().ok())
        .collect();
    names.sort();
    names
}

#[tokio::test]
async fn writes_leave_one_lock_per_folder_not_one_per_object() {
    let dir = temp("one-lock");
    let store = Directory::new(dir.path(), "default");
    for i in 0..5 {
        store
            .apply(&function(&format!("f-{i}"), "t", 1), ApplyOptions::default())
            .await
            .unwrap();
    }
    for i in 0..5 {
        store.delete(&key(&format!("f-{i}"))).await.unwrap();
    }
    assert_eq!(names_in(&dir.path().join("default/function")), [".mesh.lock"]);
}

#[tokio::test]
async fn opening_a_store_removes_what_crashed_writers_left_and_nothing_else() {
    let dir = temp("clean");
    let folder = dir.path().join("default/function");
    std::fs::create_dir_all(&folder).unwrap();
    let old = std::time::SystemTime::now() - std::time::Duration::from_hours(1);
    let make = |name: &str, aged: bool| {
        let p = folder.join(name);
        std::fs::write(&p, "x").unwrap();
        if aged {
            std::fs::File::options()
                .write(true)
                .open(&p)
                .unwrap()
                .set_modified(old)
                .unwrap();
        }
    };
    make(".a.yaml.tmp-123-0", true); // a crashed write: removed
    make(".b.lock", true); // an earlier version's lock, not held: removed
    make(".c.yaml.tmp-456-7", false); // a write in progress now: kept
    make("x.yaml.tmp-1-2", true); // not a name mesh writes: kept
    make(".notes.tmp", true); // someone else's: kept
    make(".d.yaml.tmp-12-x", true); // not mesh's pattern: kept
    make(".e.lock", true); // an earlier version's lock, held: kept
    let held = std::fs::File::options()
        .write(true)
        .open(folder.join(".e.lock"))
        .unwrap();
    held.lock().unwrap();

    let spec = mesh_kube::StoreSpec::Dir(dir.path().to_path_buf());
    mesh_kube::AnyStore::open(&spec, &mesh_kube::ClusterOptions::default())
        .await
        .unwrap();
    assert_eq!(
        names_in(&folder),
        [
            ".c.yaml.tmp-456-7",
            ".d.yaml.tmp-12-x",
            ".e.lock",
            ".notes.tmp",
            "x.yaml.tmp-1-2"
        ]
    );
    drop(held);
    assert_eq!(
        Directory::new(dir.path(), "default").clean().unwrap(),
        1,
        "the lock no one holds now"
    );
}

//! Components by Pulsar identity (`mesh_kube::components`), over the directory store: the one
//! lookup rule (computed name when namespace and cluster are known, labels otherwise, ambiguity
//! refused) and the one write order.

#![allow(clippy::unwrap_used, clippy::expect_used)]

use mesh_core::Kind;
use mesh_core::convert::{Identity, naming};
use mesh_kube::components::{self, Found, Wanted};
use mesh_kube::{ApplyOptions, Directory, ResourceKind, Selector, Store, StoreError};
use serde_json::{Value, json};

fn function(cluster: &str, name: &str) -> Value {
    json!({
        "apiVersion": "compute.functionmesh.io/v1alpha1",
        "kind": "Function",
        "metadata": {
            "name": naming::object_name(cluster, "public", "default", name),
            "namespace": "default",
            "labels": {
                "compute.functionmesh.io/pulsar-cluster": cluster,
                "compute.functionmesh.io/pulsar-tenant": "public",
                "compute.functionmesh.io/pulsar-namespace": "default",
                "compute.functionmesh.io/pulsar-component": name,
            }
        },
        "spec": {"className": "A", "replicas": 1}
    })
}

fn secret(name: &str) -> Value {
    json!({"apiVersion": "v1", "kind": "Secret", "metadata": {"name": name, "namespace": "default"},
           "stringData": {"token": "t"}})
}

fn wanted<'a>(name: &'a str, k8s_namespace: Option<&'a str>, cluster: Option<&'a str>) -> Wanted<'a> {
    Wanted {
        id: Identity {
            kind: Kind::Function,
            tenant: "public",
            namespace: "default",
            name,
        },
        k8s_namespace,
        cluster,
    }
}

const WRITE: ApplyOptions = ApplyOptions {
    dry_run: false,
    force_conflicts: true,
};

#[tokio::test]
async fn one_rule_finds_a_component_by_its_pulsar_name() {
    let dir = tempfile::tempdir().unwrap();
    let store = Directory::new(dir.path(), "default");
    for o in [
        function("east", "wc"),
        function("west", "wc"),
        function("east", "solo"),
    ] {
        store.apply(&o, WRITE).await.unwrap();
    }
    // Known namespace and cluster: the computed name, no search.
    let w = wanted("wc", Some("default"), Some("east"));
    assert_eq!(
        w.key().unwrap().name,
        naming::object_name("east", "public", "default", "wc")
    );
    let Found::One(key, object) = components::find(&store, &w).await.unwrap() else {
        panic!("east/wc is there");
    };
    assert_eq!(key, w.key().unwrap());
    assert_eq!(
        object["metadata"]["labels"]["compute.functionmesh.io/pulsar-cluster"],
        "east"
    );
    // A cluster that holds none: missing, though another cluster has the name.
    assert_eq!(
        components::find(&store, &wanted("wc", Some("default"), Some("north")))
            .await
            .unwrap(),
        Found::Missing
    );
    // Without the cluster: the labels; two clusters hold `wc`, which is not a guess.
    assert_eq!(
        components::find(&store, &wanted("wc", Some("default"), None))
            .await
            .unwrap(),
        Found::Several(2)
    );
    assert!(matches!(
        components::find(&store, &wanted("solo", None, None))
            .await
            .unwrap(),
        Found::One(..)
    ));
    assert_eq!(
        components::find(&store, &wanted("nobody", None, Some("east")))
            .await
            .unwrap(),
        Found::Missing
    );
}

#[tokio::test]
async fn a_create_that_loses_writes_nothing_and_an_update_writes_secrets_first() {
    let dir = tempfile::tempdir().unwrap();
    let store = Directory::new(dir.path(), "default");
    let first = [function("east", "wc"), secret("first-token")];
    components::write(&store, &first, true, WRITE).await.unwrap();
    let second = [function("east", "wc"), secret("second-token")];
    let e = components::write(&store, &second, true, WRITE).await.unwrap_err();
    assert!(matches!(e, StoreError::AlreadyExists { .. }), "{e}");
    let secrets = store
        .list(ResourceKind::Secret, &Selector::default())
        .await
        .unwrap();
    let names: Vec<&str> = secrets
        .iter()
        .map(|s| s["metadata"]["name"].as_str().unwrap())
        .collect();
    assert_eq!(names, ["first-token"], "the losing create wrote its Secret");

    // An update applies Secrets before the CR that refers to them.
    let mut objects = [
        function("east", "wc"),
        secret("b"),
        json!({"apiVersion": "compute.functionmesh.io/v1alpha1", "kind": "FunctionMesh"}),
    ];
    objects.sort_by_key(components::apply_order);
    let kinds: Vec<&str> = objects.iter().map(|o| o["kind"].as_str().unwrap()).collect();
    assert_eq!(kinds, ["Secret", "Function", "FunctionMesh"]);
    components::write(&store, &objects[..2], false, WRITE)
        .await
        .unwrap();
}

/// A Secret labelled as the conversion of `east/wc` labels it.
fn owned_secret(name: &str) -> Value {
    let mut s = secret(name);
    s["metadata"]["labels"] = function("east", "wc")["metadata"]["labels"].clone();
    s
}

#[tokio::test]
async fn removing_a_component_deletes_its_own_secrets_and_no_one_elses() {
    let dir = tempfile::tempdir().unwrap();
    let store = Directory::new(dir.path(), "default");
    let mut cr = function("east", "wc");
    cr["spec"]["pulsar"] = json!({"authSecret": "wc-auth", "tlsSecret": "shared-tls"});
    for o in [&cr, &owned_secret("wc-auth"), &secret("shared-tls")] {
        store.apply(o, WRITE).await.unwrap();
    }
    let key = mesh_kube::ObjectKey::of(&cr, "default").unwrap();
    let deleted = components::remove(&store, &key, &cr).await.unwrap();
    assert_eq!(
        deleted.iter().map(|k| k.name.as_str()).collect::<Vec<_>>(),
        ["wc-auth"]
    );
    assert!(store.get(&key).await.unwrap_err().is_not_found());
    let secret_key = |name: &str| mesh_kube::ObjectKey {
        kind: ResourceKind::Secret,
        namespace: "default".to_owned(),
        name: name.to_owned(),
    };
    assert!(
        store
            .get(&secret_key("wc-auth"))
            .await
            .unwrap_err()
            .is_not_found()
    );
    // Unlabelled: someone else's, it stays.
    store.get(&secret_key("shared-tls")).await.unwrap();
    // Removing again: already gone counts as removed.
    assert!(components::remove(&store, &key, &cr).await.unwrap().is_empty());
}

#[tokio::test]
async fn lifecycle_actions_write_only_what_changes_and_updates_keep_the_lifecycle() {
    use mesh_core::lifecycle::{self, Action};
    let dir = tempfile::tempdir().unwrap();
    let store = Directory::new(dir.path(), "default");
    let mut cr = function("east", "wc");
    cr["spec"]["replicas"] = json!(3);
    store.apply(&cr, WRITE).await.unwrap();
    let key = mesh_kube::ObjectKey::of(&cr, "default").unwrap();
    let at = "2026-12-01T20:00:00Z";

    assert!(
        !components::act(&store, &cr, Action::Start, at, WRITE)
            .await
            .unwrap()
    );
    assert!(
        components::act(&store, &cr, Action::Stop, at, WRITE)
            .await
            .unwrap()
    );
    let stopped = store.get(&key).await.unwrap();
    assert_eq!(stopped["spec"]["replicas"], 0);
    assert!(lifecycle::is_stopped(&stopped));
    assert!(
        !components::act(&store, &stopped, Action::Stop, at, WRITE)
            .await
            .unwrap()
    );

    // An update of a stopped component (now 5 instances) stays stopped, remembering 5.
    let mut updated = [function("east", "wc")];
    updated[0]["spec"]["replicas"] = json!(5);
    components::replace(&store, &stopped, &mut updated, false, WRITE)
        .await
        .unwrap();
    let after = store.get(&key).await.unwrap();
    assert_eq!(after["spec"]["replicas"], 0);
    assert_eq!(lifecycle::parallelism(&after), 5);

    assert!(
        components::act(&store, &after, Action::Start, at, WRITE)
            .await
            .unwrap()
    );
    let started = store.get(&key).await.unwrap();
    assert_eq!(started["spec"]["replicas"], 5);
    assert!(
        components::act(&store, &started, Action::Restart, at, WRITE)
            .await
            .unwrap()
    );
    assert_eq!(
        store.get(&key).await.unwrap()["spec"]["pod"]["annotations"][lifecycle::RESTARTED_AT],
        at
    );
}

#[tokio::test]
async fn an_update_without_auth_data_keeps_the_stored_auth_references() {
    let dir = tempfile::tempdir().unwrap();
    let store = Directory::new(dir.path(), "default");
    let mut cr = function("east", "wc");
    cr["spec"]["pulsar"] = json!({"pulsarConfig": "c", "authSecret": "wc-auth"});
    store.apply(&cr, WRITE).await.unwrap();
    let mut updated = [function("east", "wc")];
    updated[0]["spec"]["pulsar"] = json!({"pulsarConfig": "c", "authSecret": "other"});
    components::replace(&store, &cr, &mut updated.clone(), false, WRITE)
        .await
        .unwrap();
    let key = mesh_kube::ObjectKey::of(&cr, "default").unwrap();
    assert_eq!(
        store.get(&key).await.unwrap()["spec"]["pulsar"]["authSecret"],
        "wc-auth"
    );
    components::replace(&store, &cr, &mut updated, true, WRITE)
        .await
        .unwrap();
    assert_eq!(
        store.get(&key).await.unwrap()["spec"]["pulsar"]["authSecret"],
        "other"
    );
}

#[tokio::test]
async fn a_create_whose_secret_fails_is_undone_and_says_so() {
    let dir = tempfile::tempdir().unwrap();
    let store = Directory::new(dir.path(), "default");
    let cr = function("east", "half");
    let cr_name = cr["metadata"]["name"].as_str().unwrap().to_owned();
    // The first Secret is written; the second is refused by the store (no such name).
    let objects = [cr, secret("half-auth"), secret("Not A Name")];
    let e = components::write(&store, &objects, true, WRITE)
        .await
        .unwrap_err();
    let StoreError::Undone { undone, cause } = &e else {
        panic!("{e:?}")
    };
    assert!(matches!(**cause, StoreError::Invalid(_)), "{cause:?}");
    assert_eq!(undone, &format!("Secret half-auth, Function {cr_name}"));
    assert!(
        matches!(e.cause(), StoreError::Invalid(_)),
        "the cause is the failure itself"
    );
    let reason = mesh_core::error_chain(&e);
    assert!(
        reason.starts_with(&format!(
            "create undone (Secret half-auth, Function {cr_name} deleted again): "
        )),
        "{reason}"
    );
    for kind in [ResourceKind::Function, ResourceKind::Secret] {
        let left = store.list(kind, &Selector::default()).await.unwrap();
        assert!(left.is_empty(), "nothing of the create is kept: {left:?}");
    }
    // The same create succeeds once its objects are right.
    components::write(&store, &objects[..2], true, WRITE)
        .await
        .unwrap();
    assert_eq!(
        store
            .list(ResourceKind::Secret, &Selector::default())
            .await
            .unwrap()
            .len(),
        1
    );
}

fn cluster_map(url: &str, ours: bool) -> Value {
    let labels = if ours {
        json!({"app.kubernetes.io/managed-by": "mesh"})
    } else {
        json!({"team": "pulsar"})
    };
    json!({"apiVersion": "v1", "kind": "ConfigMap",
           "metadata": {"name": "c-function-mesh-config", "namespace": "default", "labels": labels},
           "data": {"brokerServiceURL": url, "webServiceURL": "http://broker:8080"}})
}

#[tokio::test]
async fn a_cluster_config_map_is_made_and_kept_up_to_date_but_never_taken_over() {
    use mesh_kube::ObjectKey;
    use mesh_kube::components::{Ensured, ensure_cluster_config};
    let dir = tempfile::tempdir().unwrap();
    let store = Directory::new(dir.path(), "default");
    let key = ObjectKey {
        kind: ResourceKind::ConfigMap,
        namespace: "default".to_owned(),
        name: "c-function-mesh-config".to_owned(),
    };
    let first = cluster_map("pulsar://broker:6650", true);
    assert_eq!(
        ensure_cluster_config(&store, &first, WRITE).await.unwrap(),
        Ensured::Created
    );
    assert_eq!(
        ensure_cluster_config(&store, &first, WRITE).await.unwrap(),
        Ensured::Unchanged
    );
    let moved = cluster_map("pulsar://proxy:6650", true);
    assert_eq!(
        ensure_cluster_config(&store, &moved, WRITE).await.unwrap(),
        Ensured::Updated
    );
    assert_eq!(
        store.get(&key).await.unwrap()["data"]["brokerServiceURL"],
        "pulsar://proxy:6650"
    );

    // Someone else's ConfigMap of that name stays as it is.
    store.delete(&key).await.unwrap();
    store
        .apply(&cluster_map("pulsar://theirs:6650", false), WRITE)
        .await
        .unwrap();
    assert_eq!(
        ensure_cluster_config(&store, &first, WRITE).await.unwrap(),
        Ensured::Kept
    );
    let kept = store.get(&key).await.unwrap();
    assert_eq!(kept["data"]["brokerServiceURL"], "pulsar://theirs:6650");
    assert_eq!(kept["metadata"]["labels"]["team"], "pulsar");
}

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

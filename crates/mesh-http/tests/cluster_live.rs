//! `mesh serve` over a real kube-apiserver (`../shared/kube/start-kube-apiserver.sh`): the admin
//! API's create, get, list, update, stop/start/restart and delete, through HTTP, with the CR
//! checked in the cluster after each step, and racing creates against the API server.
//!
//! Runs when `MESH_TEST_KUBECONFIG` names the server's kubeconfig (`.ci/run` sets it); otherwise
//! each test says it is skipped.

#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use std::net::SocketAddr;
use std::path::PathBuf;
use std::sync::Arc;
use std::time::Duration;

use magnetar_admin::{AdminClient, FunctionConfig};
use mesh_http::{AppState, Limits, router};
use mesh_kube::{AnyStore, Cluster, ClusterOptions, ObjectKey, ResourceKind, Store, StoreError};
use serde_json::{Value, json};
use tokio::sync::oneshot;

fn kubeconfig() -> Option<PathBuf> {
    let k = std::env::var_os("MESH_TEST_KUBECONFIG").map(PathBuf::from);
    if k.is_none() {
        eprintln!("skipped: MESH_TEST_KUBECONFIG is not set (.ci/run starts a kube-apiserver and sets it)");
    }
    k
}

/// A tenant of its own per run, so that runs against one server do not meet.
fn tenant() -> String {
    format!("e2e-{}", std::process::id())
}

async fn connect(kubeconfig: PathBuf) -> Cluster {
    let cluster = Cluster::connect(&ClusterOptions {
        kubeconfig: Some(kubeconfig),
        namespace: Some("default".to_owned()),
        ..ClusterOptions::default()
    })
    .await
    .unwrap();
    cluster.install_crds(Duration::from_mins(1)).await.unwrap();
    cluster
}

async fn serve(kubeconfig: PathBuf) -> (SocketAddr, Arc<AppState>, oneshot::Sender<()>) {
    // magnetar's reqwest shares mesh's rustls build, which has no provider of its own.
    mesh_http::auth::install_crypto_provider();
    let cluster = connect(kubeconfig).await;
    let state = Arc::new(AppState::new(
        common::worker("minimal_worker.yml"),
        Some(common::catalogue()),
        AnyStore::Cluster(cluster),
        mesh_http::Security::disabled(),
    ));
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    let (stop, stopped) = oneshot::channel::<()>();
    let limits = Limits::default();
    tokio::spawn(mesh_http::serve(
        listener,
        router(Arc::clone(&state), limits),
        limits,
        async move {
            let _ = stopped.await;
        },
    ));
    (addr, state, stop)
}

fn key(kind: ResourceKind, tenant: &str, name: &str) -> ObjectKey {
    ObjectKey {
        kind,
        namespace: "default".to_owned(),
        name: mesh_core::convert::naming::object_name("local", tenant, "default", name),
    }
}

async fn pods_api(kubeconfig: &std::path::Path) -> kube::Api<k8s_openapi::api::core::v1::Pod> {
    let config = kube::Config::from_custom_kubeconfig(
        kube::config::Kubeconfig::read_from(kubeconfig).unwrap(),
        &kube::config::KubeConfigOptions::default(),
    )
    .await
    .unwrap();
    kube::Api::namespaced(kube::Client::try_from(config).unwrap(), "default")
}

async fn in_cluster(state: &AppState, key: &ObjectKey) -> Option<Value> {
    match state.store.get(key).await {
        Ok(v) => Some(v),
        Err(StoreError::NotFound { .. }) => None,
        Err(e) => panic!("{e}"),
    }
}

#[tokio::test]
async fn functions_live_and_die_through_http_in_the_cluster() {
    let Some(kubeconfig) = kubeconfig() else { return };
    let (addr, state, stop) = serve(kubeconfig.clone()).await;
    let t = tenant();
    let admin = AdminClient::builder()
        .service_url(url::Url::parse(&format!("http://{addr}")).unwrap())
        .build()
        .unwrap();
    let config = FunctionConfig {
        tenant: t.clone(),
        namespace: "default".into(),
        name: "echo".into(),
        class_name: "org.example.Echo".into(),
        inputs: vec![format!("persistent://{t}/default/in")],
        output: format!("persistent://{t}/default/out"),
        runtime: "JAVA".into(),
        parallelism: 1,
        user_config: None,
    };
    let k = key(ResourceKind::Function, &t, "echo");
    admin
        .function_create_with_url(
            &t,
            "default",
            "echo",
            "function://public/default/echo@1",
            config.clone(),
        )
        .await
        .unwrap();
    let cr = in_cluster(&state, &k).await.expect("the CR is in the cluster");
    assert_eq!(cr["spec"]["name"], "echo");
    assert_eq!(cr["spec"]["replicas"], 1);
    assert_eq!(
        cr["metadata"]["labels"]["compute.functionmesh.io/pulsar-tenant"],
        t.as_str()
    );

    let got = admin.function_get(&t, "default", "echo").await.unwrap();
    assert_eq!(got["className"], "org.example.Echo");
    assert_eq!(
        admin.functions_list_by_namespace(&t, "default").await.unwrap(),
        ["echo"]
    );

    admin
        .function_update_with_url(
            &t,
            "default",
            "echo",
            "function://public/default/echo@2",
            FunctionConfig {
                parallelism: 2,
                ..config
            },
        )
        .await
        .unwrap();
    let cr = in_cluster(&state, &k).await.unwrap();
    assert_eq!(cr["spec"]["replicas"], 2);
    assert_eq!(
        cr["spec"]["java"]["jarLocation"],
        "function://public/default/echo@2"
    );

    admin.function_stop(&t, "default", "echo").await.unwrap();
    let cr = in_cluster(&state, &k).await.unwrap();
    assert_eq!(cr["spec"]["replicas"], 0);
    assert_eq!(cr["metadata"]["annotations"]["mesh/stopped-replicas"], "2");
    let status = admin.function_status(&t, "default", "echo").await.unwrap();
    assert_eq!(status["numInstances"], 2);
    admin.function_start(&t, "default", "echo").await.unwrap();
    let cr = in_cluster(&state, &k).await.unwrap();
    assert_eq!(cr["spec"]["replicas"], 2);
    admin.function_restart(&t, "default", "echo").await.unwrap();
    let cr = in_cluster(&state, &k).await.unwrap();
    assert!(
        cr["spec"]["pod"]["annotations"]["kubectl.kubernetes.io/restartedAt"].is_string(),
        "{cr}"
    );

    // One instance: its pod (as the operator's StatefulSet would have made it) is deleted, and
    // the StatefulSet would start it again. No controllers run here, so the pod stays gone.
    let pods = pods_api(&kubeconfig).await;
    let set = format!("{}-function", k.name);
    for ordinal in [0, 1] {
        let pod = json!({
            "apiVersion": "v1", "kind": "Pod",
            "metadata": {"name": format!("{set}-{ordinal}"), "labels": cr["spec"]["pod"]["labels"],
                "ownerReferences": [{"apiVersion": "apps/v1", "kind": "StatefulSet", "name": set,
                    "uid": "6d2b8e9a-0000-4000-8000-000000000001"}]},
            "spec": {"containers": [{"name": "echo", "image": "runner"}]}
        });
        pods.create(
            &kube::api::PostParams::default(),
            &serde_json::from_value(pod).unwrap(),
        )
        .await
        .unwrap();
    }
    let app = router(Arc::clone(&state), Limits::default());
    let uri = format!("/admin/v3/functions/{t}/default/echo/1/restart");
    let a = common::call(&app, common::post_empty(&uri)).await;
    assert_eq!(a.status, 204, "{}", a.body);
    let left: Vec<String> = pods
        .list(&kube::api::ListParams::default())
        .await
        .unwrap()
        .items
        .into_iter()
        .filter(|p| p.metadata.deletion_timestamp.is_none())
        .filter_map(|p| p.metadata.name)
        .filter(|n| n.starts_with(&set))
        .collect();
    assert_eq!(left, [format!("{set}-0")], "only instance 1's pod is gone");
    let a = common::call(&app, common::post_empty(&uri)).await;
    assert_eq!(a.status, 400);
    assert!(a.reason().contains("instance 1 is not running"), "{}", a.body);
    pods.delete(&format!("{set}-0"), &kube::api::DeleteParams::default())
        .await
        .unwrap();

    admin.function_delete(&t, "default", "echo").await.unwrap();
    assert!(in_cluster(&state, &k).await.is_none(), "deleted from the cluster");
    assert!(admin.function_get(&t, "default", "echo").await.is_err());
    let _ = stop.send(());
}

#[tokio::test]
async fn racing_sink_creates_leave_one_resource_in_the_cluster() {
    let Some(kubeconfig) = kubeconfig() else { return };
    let (_, state, stop) = serve(kubeconfig).await;
    let app = router(Arc::clone(&state), Limits::default());
    let t = tenant();
    let sink = json!({"inputs": [format!("persistent://{t}/default/in")], "archive": "builtin://elastic_search",
        "configs": {"elasticSearchUrl": "http://es:9200"}});
    let uri = format!("/admin/v3/sink/{t}/default/race");
    let tasks: Vec<_> = (0..20)
        .map(|_| {
            let app = app.clone();
            let req = common::form(
                "POST",
                &uri,
                &[common::Part::jersey(
                    "sinkConfig",
                    "application/json",
                    &sink.to_string(),
                )],
            );
            tokio::spawn(async move { common::call(&app, req).await })
        })
        .collect();
    let mut statuses = Vec::new();
    for t in tasks {
        statuses.push(t.await.unwrap().status.as_u16());
    }
    assert_eq!(statuses.iter().filter(|s| **s == 204).count(), 1, "{statuses:?}");
    assert_eq!(statuses.iter().filter(|s| **s == 400).count(), 19, "{statuses:?}");
    let k = key(ResourceKind::Sink, &t, "race");
    assert!(in_cluster(&state, &k).await.is_some());
    let a = common::call(&app, common::delete(&uri)).await;
    assert_eq!(a.status.as_u16(), 204, "{}", a.body);
    let _ = stop.send(());
}

#[tokio::test]
async fn an_authenticated_create_lands_the_cr_and_the_callers_secret_in_the_cluster() {
    use base64::Engine as _;
    use common::secure::{bearer, token_for, token_worker};
    let Some(kubeconfig) = kubeconfig() else { return };
    let worker = token_worker(
        "brokerClientAuthenticationPlugin: org.apache.pulsar.client.impl.auth.AuthenticationToken\nbrokerClientAuthenticationParameters: file:///pulsar/tokens/broker/token\nfunctionsWorkerServiceCustomConfigs:\n  usingInsecureAuth: false\n",
    );
    let security = common::secure::security(&worker).unwrap();
    let state = Arc::new(AppState::new(
        worker,
        None,
        AnyStore::Cluster(connect(kubeconfig).await),
        security,
    ));
    let app = router(Arc::clone(&state), Limits::default());
    let t = format!("{}-auth", tenant());
    let uri = format!("/admin/v3/functions/{t}/default/echo");
    let config = json!({"className": "org.example.Echo", "inputs": [format!("persistent://{t}/default/in")]});
    let create = || {
        common::create_with_url(
            "POST",
            &uri,
            "functionConfig",
            &config,
            "function://public/default/echo@1",
        )
    };

    let refused = common::call(&app, create()).await;
    assert_eq!(refused.status, http::StatusCode::UNAUTHORIZED, "{}", refused.body);
    let token = token_for("alice");
    let created = common::call(&app, bearer(create(), &token)).await;
    assert_eq!(created.status, http::StatusCode::NO_CONTENT, "{}", created.body);

    let k = ObjectKey {
        kind: ResourceKind::Function,
        namespace: "default".to_owned(),
        name: mesh_core::convert::naming::object_name("test", &t, "default", "echo"),
    };
    let cr = in_cluster(&state, &k).await.expect("the CR is in the cluster");
    let secret_name = cr["spec"]["pulsar"]["authSecret"]
        .as_str()
        .expect("the CR names its auth secret")
        .to_owned();
    let secret_key = ObjectKey {
        kind: ResourceKind::Secret,
        namespace: "default".to_owned(),
        name: secret_name,
    };
    let secret = in_cluster(&state, &secret_key)
        .await
        .expect("the caller's Secret is in the cluster");
    let params = base64::engine::general_purpose::STANDARD
        .decode(secret["data"]["clientAuthenticationParameters"].as_str().unwrap())
        .unwrap();
    assert_eq!(String::from_utf8(params).unwrap(), format!("token:{token}"));
    assert_eq!(
        secret["metadata"]["labels"]["compute.functionmesh.io/pulsar-tenant"],
        t.as_str()
    );

    let deleted = common::call(&app, bearer(common::delete(&uri), &token)).await;
    assert_eq!(deleted.status, http::StatusCode::NO_CONTENT, "{}", deleted.body);
    assert!(in_cluster(&state, &k).await.is_none());
    assert!(
        in_cluster(&state, &secret_key).await.is_none(),
        "the Secret goes with the CR"
    );
}

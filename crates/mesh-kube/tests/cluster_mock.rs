//! The cluster store against a mocked API server (`tower_test::mock::pair`): the requests it
//! sends, how it reads outcomes, how it maps errors, and that it retries what is transient.

#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::time::Duration;

use http::{Request, Response, StatusCode};
use kube::client::Body;
use mesh_kube::{Applied, ApplyOptions, Cluster, RetryPolicy, Store, StoreError};
use serde_json::{Value, json};
use tower_test::mock;

type Handle = mock::Handle<Request<Body>, Response<Body>>;

fn cluster() -> (Cluster, Handle) {
    let (service, handle) = mock::pair::<Request<Body>, Response<Body>>();
    let client = kube::Client::new(service, "default");
    let retry = RetryPolicy {
        attempts: 3,
        initial_delay: Duration::from_millis(1),
        max_delay: Duration::from_millis(2),
        call_timeout: Duration::from_secs(5),
    };
    (Cluster::from_client(client, "default".into(), retry), handle)
}

fn function() -> Value {
    json!({
        "apiVersion": "compute.functionmesh.io/v1alpha1", "kind": "Function",
        "metadata": {"name": "f-1", "namespace": "jobs"},
        "spec": {"className": "A", "replicas": 1}
    })
}

fn respond(code: StatusCode, body: &Value) -> Response<Body> {
    Response::builder()
        .status(code)
        .header("content-type", "application/json")
        .body(Body::from(serde_json::to_vec(body).unwrap()))
        .unwrap()
}

fn status(code: u16, reason: &str, message: &str) -> Value {
    json!({"kind": "Status", "apiVersion": "v1", "status": "Failure", "code": code, "reason": reason, "message": message})
}

async fn expect(
    handle: &mut Handle,
    method: &str,
    path: &str,
) -> (Request<Body>, mock::SendResponse<Response<Body>>) {
    let (req, send) = handle.next_request().await.expect("a request");
    assert_eq!(req.method().as_str(), method);
    assert_eq!(req.uri().path(), path);
    (req, send)
}

const PATH: &str = "/apis/compute.functionmesh.io/v1alpha1/namespaces/jobs/functions/f-1";

#[tokio::test]
async fn apply_of_a_new_object_is_a_server_side_apply_by_mesh() {
    let (store, mut handle) = cluster();
    let server = tokio::spawn(async move {
        let (_, send) = expect(&mut handle, "GET", PATH).await;
        send.send_response(respond(
            StatusCode::NOT_FOUND,
            &status(404, "NotFound", "not found"),
        ));
        let (req, send) = expect(&mut handle, "PATCH", PATH).await;
        let query = req.uri().query().unwrap_or("");
        assert!(query.contains("fieldManager=mesh"), "{query}");
        assert!(
            !query.contains("force=true"),
            "never forced unless asked: {query}"
        );
        assert_eq!(req.headers()["content-type"], "application/apply-patch+yaml");
        let mut back = function();
        back["metadata"]["resourceVersion"] = json!("1");
        send.send_response(respond(StatusCode::OK, &back));
    });
    assert_eq!(
        store.apply(&function(), ApplyOptions::default()).await.unwrap(),
        Applied::Created
    );
    server.await.unwrap();
}

#[tokio::test]
async fn reapplying_the_same_object_is_unchanged_and_force_is_opt_in() {
    let (store, mut handle) = cluster();
    let server = tokio::spawn(async move {
        let mut existing = function();
        existing["metadata"]["resourceVersion"] = json!("7");
        let (_, send) = expect(&mut handle, "GET", PATH).await;
        send.send_response(respond(StatusCode::OK, &existing));
        let (req, send) = expect(&mut handle, "PATCH", PATH).await;
        let query = req.uri().query().unwrap_or("").to_owned();
        assert!(
            query.contains("force=true") && query.contains("dryRun=All"),
            "{query}"
        );
        send.send_response(respond(StatusCode::OK, &existing));
    });
    let options = ApplyOptions {
        dry_run: true,
        force_conflicts: true,
    };
    assert_eq!(
        store.apply(&function(), options).await.unwrap(),
        Applied::Unchanged
    );
    server.await.unwrap();
}

#[tokio::test]
async fn conflicts_and_invalid_objects_carry_the_servers_message() {
    let (store, mut handle) = cluster();
    let server = tokio::spawn(async move {
        let (_, send) = expect(&mut handle, "GET", PATH).await;
        send.send_response(respond(StatusCode::OK, &function()));
        let (_, send) = expect(&mut handle, "PATCH", PATH).await;
        send.send_response(respond(
            StatusCode::CONFLICT,
            &status(
                409,
                "Conflict",
                "Apply failed with 1 conflict: conflict with \"kubectl\": .spec.replicas",
            ),
        ));
        let (_, send) = expect(&mut handle, "GET", PATH).await;
        send.send_response(respond(StatusCode::NOT_FOUND, &status(404, "NotFound", "x")));
        let (_, send) = expect(&mut handle, "PATCH", PATH).await;
        send.send_response(respond(
            StatusCode::UNPROCESSABLE_ENTITY,
            &status(
                422,
                "Invalid",
                "Function.compute.functionmesh.io \"f-1\" is invalid: spec.replicas: Invalid value",
            ),
        ));
    });
    let e = store
        .apply(&function(), ApplyOptions::default())
        .await
        .unwrap_err();
    assert!(
        matches!(&e, StoreError::Conflict(s) if s.code() == 409 && s.message().contains("conflict with \"kubectl\"")),
        "{e}"
    );
    let e = store
        .apply(&function(), ApplyOptions::default())
        .await
        .unwrap_err();
    assert!(
        matches!(&e, StoreError::Invalid(mesh_kube::Refusal::Api(s)) if s.message().contains("spec.replicas: Invalid value")),
        "{e}"
    );
    server.await.unwrap();
}

#[tokio::test]
async fn transient_failures_are_retried_and_then_reported_as_unavailable() {
    let (store, mut handle) = cluster();
    let server = tokio::spawn(async move {
        // A 503 and a 429, then success.
        let (_, send) = expect(&mut handle, "GET", PATH).await;
        send.send_response(respond(
            StatusCode::SERVICE_UNAVAILABLE,
            &status(503, "ServiceUnavailable", "etcd"),
        ));
        let (_, send) = expect(&mut handle, "GET", PATH).await;
        send.send_response(respond(
            StatusCode::TOO_MANY_REQUESTS,
            &status(429, "TooManyRequests", "slow down"),
        ));
        let (_, send) = expect(&mut handle, "GET", PATH).await;
        send.send_response(respond(StatusCode::OK, &function()));
        // Three 500s: given up.
        for _ in 0..3 {
            let (_, send) = expect(&mut handle, "GET", PATH).await;
            send.send_response(respond(
                StatusCode::INTERNAL_SERVER_ERROR,
                &status(500, "InternalError", "boom"),
            ));
        }
    });
    let key = mesh_kube::ObjectKey::of(&function(), "default").unwrap();
    assert_eq!(store.get(&key).await.unwrap()["spec"]["className"], "A");
    let e = store.get(&key).await.unwrap_err();
    assert!(
        matches!(&e, StoreError::Unavailable { attempts: 3, last: mesh_kube::Transient::Status(s) } if s.code() == 500 && s.message().contains("boom")),
        "{e}"
    );
    server.await.unwrap();
}

#[tokio::test]
async fn create_only_reports_an_existing_object_and_list_selects_by_reserved_labels() {
    let (store, mut handle) = cluster();
    let server = tokio::spawn(async move {
        let (req, send) = expect(
            &mut handle,
            "POST",
            "/apis/compute.functionmesh.io/v1alpha1/namespaces/jobs/functions",
        )
        .await;
        drop(req);
        send.send_response(respond(
            StatusCode::CONFLICT,
            &status(409, "AlreadyExists", "exists"),
        ));
        let (req, send) = expect(
            &mut handle,
            "GET",
            "/apis/compute.functionmesh.io/v1alpha1/functions",
        )
        .await;
        let query = req.uri().query().unwrap_or("").to_owned();
        assert!(
            query.contains("labelSelector=compute.functionmesh.io%2Fpulsar-tenant%3Dt"),
            "{query}"
        );
        send.send_response(respond(
            StatusCode::OK,
            &json!({"apiVersion": "compute.functionmesh.io/v1alpha1", "kind": "FunctionList", "metadata": {}, "items": [function()]}),
        ));
    });
    let e = store
        .create(&function(), ApplyOptions::default())
        .await
        .unwrap_err();
    assert!(matches!(e, StoreError::AlreadyExists { .. }), "{e}");
    let sel = mesh_kube::Selector {
        tenant: Some("t".into()),
        ..mesh_kube::Selector::default()
    };
    let items = store.list(mesh_kube::ResourceKind::Function, &sel).await.unwrap();
    assert_eq!(items.len(), 1);
    assert_eq!(items[0]["kind"], "Function");
    server.await.unwrap();
}

fn pod(name: &str, owner: Option<(&str, &str)>) -> Value {
    let owners: Vec<Value> = owner
        .map(|(kind, name)| json!({"apiVersion": "apps/v1", "kind": kind, "name": name, "uid": "u"}))
        .into_iter()
        .collect();
    json!({"metadata": {"name": name, "namespace": "jobs", "ownerReferences": owners}})
}

#[tokio::test]
async fn restarting_an_instance_deletes_exactly_its_statefulset_pod() {
    let (store, mut handle) = cluster();
    let server = tokio::spawn(async move {
        let (req, send) = expect(&mut handle, "GET", "/api/v1/namespaces/jobs/pods").await;
        let query = req.uri().query().unwrap_or("").to_owned();
        assert!(
            query.contains("compute.functionmesh.io%2Fpulsar-component%3Dwc")
                && query.contains("compute.functionmesh.io%2Fpulsar-tenant%3Dpublic"),
            "{query}"
        );
        // Decoys: a pod with the same ordinal that no StatefulSet owns, another set's pod 12,
        // and the set's pod 0.
        let items = json!([
            pod("wc-1", None),
            pod("wc-function-12", Some(("StatefulSet", "wc-function"))),
            pod("wc-function-0", Some(("StatefulSet", "wc-function"))),
            pod("wc-function-1", Some(("StatefulSet", "wc-function"))),
        ]);
        send.send_response(respond(
            StatusCode::OK,
            &json!({"kind": "PodList", "apiVersion": "v1", "metadata": {}, "items": items}),
        ));
        let (_, send) = expect(
            &mut handle,
            "DELETE",
            "/api/v1/namespaces/jobs/pods/wc-function-1",
        )
        .await;
        send.send_response(respond(StatusCode::OK, &pod("wc-function-1", None)));

        // Not running: no pod with that ordinal.
        let (_, send) = expect(&mut handle, "GET", "/api/v1/namespaces/jobs/pods").await;
        send.send_response(respond(
            StatusCode::OK,
            &json!({"kind": "PodList", "apiVersion": "v1", "metadata": {}, "items": [pod("wc-function-0", Some(("StatefulSet", "wc-function")))]}),
        ));
    });
    let selector = mesh_kube::Selector {
        namespace: Some("jobs".into()),
        cluster: Some("c".into()),
        tenant: Some("public".into()),
        pulsar_namespace: Some("default".into()),
        component: Some("wc".into()),
    };
    assert_eq!(
        store.restart_instance(&selector, 1).await.unwrap(),
        "wc-function-1"
    );
    let e = store.restart_instance(&selector, 2).await.unwrap_err();
    assert!(e.is_not_found(), "{e}");
    server.await.unwrap();
}

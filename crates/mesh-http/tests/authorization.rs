//! Authorization of `mesh serve` as Pulsar's worker decides it (`../shared/reference/pulsar-auth.md`
//! §3, §4): superusers, tenant admins and namespace permissions read from the broker's admin API
//! (a local stub speaking its JSON shapes), proxy roles with `X-Original-Principal`, the
//! create-time existence checks, and refusal whenever the broker cannot tell.

#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use std::collections::BTreeMap;

use axum::Router;
use common::get;
use common::pulsar::{self, BrokerData, StubBroker};
use common::secure::{answer, bearer, secured, token_for, token_worker, with};
use http::StatusCode;
use mesh_http::router;
use serde_json::json;

fn data() -> BrokerData {
    let mut permissions = BTreeMap::new();
    permissions.insert(
        "acme/apps".to_owned(),
        BTreeMap::from([
            (
                "alice".to_owned(),
                vec!["functions".to_owned(), "produce".to_owned()],
            ),
            ("bob".to_owned(), vec!["sinks".to_owned()]),
            ("team-*".to_owned(), vec!["functions".to_owned()]),
            ("*.ops".to_owned(), vec!["sources".to_owned()]),
            ("proxy".to_owned(), vec!["functions".to_owned()]),
        ]),
    );
    BrokerData {
        tenants: BTreeMap::from([
            ("acme".to_owned(), vec!["acme-admin".to_owned()]),
            ("other".to_owned(), vec!["other-admin".to_owned()]),
        ]),
        namespaces: vec![
            "acme/apps".to_owned(),
            "acme/empty".to_owned(),
            "other/apps".to_owned(),
        ],
        permissions,
        fail_with: None,
    }
}

async fn setup(name: &str, extra: &str) -> (Router, StubBroker) {
    let broker = pulsar::broker(data()).await;
    let worker = token_worker(&format!(
        "authorizationEnabled: true\nsuperUserRoles: [root]\nproxyRoles: [proxy, proxy2]\npulsarWebServiceUrl: {}\nbrokerClientAuthenticationPlugin: org.apache.pulsar.client.impl.auth.AuthenticationToken\nbrokerClientAuthenticationParameters: \"token:worker-own-token\"\n{extra}",
        broker.url()
    ));
    (router(secured(worker, name).0, common::limits()), broker)
}

async fn as_role(app: &Router, role: &str, uri: &str) -> StatusCode {
    answer(app, bearer(get(uri), &token_for(role))).await.0
}

const DENIED: &str = "Client is not authorized to perform operation";

#[tokio::test]
async fn superusers_tenant_admins_and_namespace_permissions() {
    let (app, _broker) = setup("roles", "").await;
    let cases = [
        ("root", "/admin/v3/functions/acme/apps", StatusCode::OK),
        ("root", "/admin/v3/functions/nobody/apps", StatusCode::OK),
        ("acme-admin", "/admin/v3/functions/acme/apps", StatusCode::OK),
        ("acme-admin", "/admin/v3/sinks/acme/empty", StatusCode::OK),
        (
            "acme-admin",
            "/admin/v3/functions/other/apps",
            StatusCode::UNAUTHORIZED,
        ),
        ("alice", "/admin/v3/functions/acme/apps", StatusCode::OK),
        ("alice", "/admin/v3/sources/acme/apps", StatusCode::UNAUTHORIZED),
        ("alice", "/admin/v3/sinks/acme/apps", StatusCode::UNAUTHORIZED),
        (
            "alice",
            "/admin/v3/functions/acme/empty",
            StatusCode::UNAUTHORIZED,
        ),
        (
            "alice",
            "/admin/v3/functions/other/apps",
            StatusCode::UNAUTHORIZED,
        ),
        ("bob", "/admin/v3/sinks/acme/apps", StatusCode::OK),
        ("bob", "/admin/v3/sink/acme/apps", StatusCode::OK),
        ("bob", "/admin/v3/functions/acme/apps", StatusCode::UNAUTHORIZED),
        // Wildcard entries are plain role names unless wildcards are allowed.
        (
            "team-a",
            "/admin/v3/functions/acme/apps",
            StatusCode::UNAUTHORIZED,
        ),
        (
            "night.ops",
            "/admin/v3/sources/acme/apps",
            StatusCode::UNAUTHORIZED,
        ),
        ("carol", "/admin/v3/functions/acme/apps", StatusCode::UNAUTHORIZED),
        // A tenant that does not exist: nobody but a superuser has rights in it.
        (
            "alice",
            "/admin/v3/functions/nobody/apps",
            StatusCode::UNAUTHORIZED,
        ),
    ];
    for (role, uri, want) in cases {
        assert_eq!(as_role(&app, role, uri).await, want, "{role} {uri}");
    }
    let (_, reason) = answer(
        &app,
        bearer(get("/admin/v3/functions/acme/apps"), &token_for("carol")),
    )
    .await;
    assert_eq!(reason, DENIED);
}

#[tokio::test]
async fn every_operation_on_a_component_is_authorized() {
    let (app, _broker) = setup("operations", "").await;
    let t = token_for("carol");
    let base = "/admin/v3/functions/acme/apps/echo";
    let config = json!({"className": "org.example.Echo", "inputs": ["in"]});
    let requests = [
        common::create_with_url(
            "POST",
            base,
            "functionConfig",
            &config,
            "function://acme/apps/echo@1",
        ),
        common::create_with_url(
            "PUT",
            base,
            "functionConfig",
            &config,
            "function://acme/apps/echo@1",
        ),
        get(base),
        common::delete(base),
        get(&format!("{base}/status")),
        get(&format!("{base}/0/status")),
        common::post_empty(&format!("{base}/start")),
        common::post_empty(&format!("{base}/stop")),
        common::post_empty(&format!("{base}/restart")),
        common::post_empty(&format!("{base}/0/restart")),
        get("/admin/v3/functions/acme/apps"),
    ];
    for req in requests {
        let what = format!("{} {}", req.method(), req.uri());
        let (s, reason) = answer(&app, bearer(req, &t)).await;
        assert_eq!(s, StatusCode::UNAUTHORIZED, "{what}");
        assert_eq!(reason, DENIED, "{what}");
    }
}

#[tokio::test]
async fn wildcards_match_when_allowed() {
    let (app, _broker) = setup("wildcards", "authorizationAllowWildcardsMatching: true\n").await;
    assert_eq!(
        as_role(&app, "team-a", "/admin/v3/functions/acme/apps").await,
        StatusCode::OK
    );
    assert_eq!(
        as_role(&app, "team-a", "/admin/v3/sinks/acme/apps").await,
        StatusCode::UNAUTHORIZED
    );
    assert_eq!(
        as_role(&app, "night.ops", "/admin/v3/sources/acme/apps").await,
        StatusCode::OK
    );
    assert_eq!(
        as_role(&app, "ops.night", "/admin/v3/sources/acme/apps").await,
        StatusCode::UNAUTHORIZED
    );
}

#[tokio::test]
async fn a_proxy_acts_for_its_original_principal_and_both_must_be_authorized() {
    let (app, _broker) = setup("proxy", "").await;
    let uri = "/admin/v3/functions/acme/apps";
    let proxied = |role: &str, principal: Option<&str>| {
        let req = bearer(get(uri), &token_for(role));
        match principal {
            Some(p) => with(req, "x-original-principal", p),
            None => req,
        }
    };
    assert_eq!(
        answer(&app, proxied("proxy", Some("alice"))).await.0,
        StatusCode::OK
    );
    let (s, reason) = answer(&app, proxied("proxy", Some("carol"))).await;
    assert_eq!((s, reason.as_str()), (StatusCode::UNAUTHORIZED, DENIED));
    let (s, reason) = answer(&app, proxied("proxy", None)).await;
    assert_eq!(s, StatusCode::UNAUTHORIZED);
    assert_eq!(
        reason,
        "originalPrincipal must be provided when connecting with a proxy role."
    );
    let (s, reason) = answer(&app, proxied("proxy", Some("proxy2"))).await;
    assert_eq!(s, StatusCode::UNAUTHORIZED);
    assert_eq!(reason, "originalPrincipal cannot be a proxy role.");
    // proxy2 itself has no rights in acme/apps: alice's rights are not enough.
    assert_eq!(
        answer(&app, proxied("proxy2", Some("alice"))).await.0,
        StatusCode::UNAUTHORIZED
    );
    // A role that is not a proxy cannot borrow another's rights with the header.
    assert_eq!(
        answer(&app, proxied("carol", Some("root"))).await.0,
        StatusCode::UNAUTHORIZED
    );
    assert_eq!(
        answer(&app, proxied("alice", Some("carol"))).await.0,
        StatusCode::OK
    );
}

#[tokio::test]
async fn the_broker_is_asked_with_the_workers_own_credentials_and_answers_are_cached() {
    let (app, broker) = setup("cache", "").await;
    assert_eq!(
        as_role(&app, "alice", "/admin/v3/functions/acme/apps").await,
        StatusCode::OK
    );
    assert_eq!(
        broker.last_authorization.lock().unwrap().as_deref(),
        Some("Bearer worker-own-token")
    );
    let calls = broker.calls();
    assert_eq!(calls, 2, "one tenant and one permissions read");
    for _ in 0..5 {
        assert_eq!(
            as_role(&app, "alice", "/admin/v3/functions/acme/apps").await,
            StatusCode::OK
        );
    }
    assert_eq!(
        broker.calls(),
        calls,
        "answers are reused within the cache's time"
    );
}

#[tokio::test]
async fn the_workers_token_file_is_read_for_the_broker() {
    let path = common::secure::file("broker-token", b"from-a-file\n");
    let broker = pulsar::broker(data()).await;
    let worker = token_worker(&format!(
        "authorizationEnabled: true\npulsarWebServiceUrl: {}/\nbrokerClientAuthenticationPlugin: org.apache.pulsar.client.impl.auth.AuthenticationToken\nbrokerClientAuthenticationParameters: \"file://{}\"\n",
        broker.url(),
        path.display()
    ));
    let app = router(secured(worker, "token-file").0, common::limits());
    assert_eq!(
        as_role(&app, "alice", "/admin/v3/functions/acme/apps").await,
        StatusCode::OK
    );
    assert_eq!(
        broker.last_authorization.lock().unwrap().as_deref(),
        Some("Bearer from-a-file")
    );
}

#[tokio::test]
async fn a_broker_that_cannot_answer_never_means_allowed() {
    let dead = pulsar::dead_address().await;
    let worker = token_worker(&format!(
        "authorizationEnabled: true\nsuperUserRoles: [root]\npulsarWebServiceUrl: http://{dead}\n"
    ));
    let app = router(secured(worker, "dead").0, common::limits());
    let (s, reason) = answer(
        &app,
        bearer(get("/admin/v3/functions/acme/apps"), &token_for("alice")),
    )
    .await;
    assert_eq!(s, StatusCode::SERVICE_UNAVAILABLE);
    assert!(reason.contains("cannot reach the broker"), "{reason}");
    // A superuser needs no broker.
    assert_eq!(
        as_role(&app, "root", "/admin/v3/functions/acme/apps").await,
        StatusCode::OK
    );

    let (app, broker) = setup("failing", "").await;
    for (code, want, words) in [
        (500, StatusCode::SERVICE_UNAVAILABLE, "answered HTTP 500"),
        (503, StatusCode::SERVICE_UNAVAILABLE, "answered HTTP 503"),
        (
            401,
            StatusCode::INTERNAL_SERVER_ERROR,
            "refused mesh serve's own credentials",
        ),
        (
            403,
            StatusCode::INTERNAL_SERVER_ERROR,
            "refused mesh serve's own credentials",
        ),
        (400, StatusCode::INTERNAL_SERVER_ERROR, "answered HTTP 400"),
    ] {
        broker.data.lock().unwrap().fail_with = Some(code);
        let (s, reason) = answer(
            &app,
            bearer(get("/admin/v3/functions/acme/apps"), &token_for("alice")),
        )
        .await;
        assert_eq!(s, want, "{code}");
        assert!(reason.contains(words), "{code}: {reason}");
        assert!(!reason.contains("worker-own-token"), "{reason}");
    }
    broker.data.lock().unwrap().fail_with = None;
    assert_eq!(
        as_role(&app, "alice", "/admin/v3/functions/acme/apps").await,
        StatusCode::OK
    );
}

#[tokio::test]
async fn a_role_less_token_is_refused() {
    let (app, _broker) = setup("null-role", "").await;
    let t = common::secure::hs(jsonwebtoken::Algorithm::HS256, &json!({"name": "alice"}));
    let (s, reason) = answer(&app, bearer(get("/admin/v3/functions/acme/apps"), &t)).await;
    assert_eq!((s, reason.as_str()), (StatusCode::UNAUTHORIZED, DENIED));
}

#[tokio::test]
async fn creates_check_that_the_tenant_and_namespace_exist() {
    let (app, _broker) = setup("exists", "").await;
    let t = token_for("root");
    let config = json!({"className": "org.example.Echo", "inputs": ["in"]});
    for (uri, reason) in [
        ("/admin/v3/functions/nobody/apps/echo", "Tenant does not exist"),
        (
            "/admin/v3/functions/acme/missing/echo",
            "Namespace does not exist",
        ),
    ] {
        let req = common::create_with_url(
            "POST",
            uri,
            "functionConfig",
            &config,
            "function://acme/apps/echo@1",
        );
        let (s, got) = answer(&app, bearer(req, &t)).await;
        assert_eq!((s, got.as_str()), (StatusCode::BAD_REQUEST, reason), "{uri}");
    }
    let req = common::create_with_url(
        "POST",
        "/admin/v3/functions/acme/apps/echo",
        "functionConfig",
        &config,
        "function://acme/apps/echo@1",
    );
    let (s, reason) = answer(&app, bearer(req, &t)).await;
    assert_eq!(s, StatusCode::NO_CONTENT, "{reason}");
    assert_eq!(
        as_role(&app, "alice", "/admin/v3/functions/acme/apps/echo").await,
        StatusCode::OK
    );
    assert_eq!(
        as_role(&app, "bob", "/admin/v3/functions/acme/apps/echo").await,
        StatusCode::UNAUTHORIZED
    );
}

#[tokio::test]
async fn built_in_functions_are_for_superusers() {
    let (app, _broker) = setup("builtins", "").await;
    assert_eq!(
        as_role(&app, "root", "/admin/v3/functions/builtins").await,
        StatusCode::OK
    );
    assert_eq!(
        as_role(&app, "alice", "/admin/v3/functions/builtins").await,
        StatusCode::UNAUTHORIZED
    );
    let (s, reason) = answer(
        &app,
        with(
            bearer(get("/admin/v3/functions/builtins"), &token_for("proxy")),
            "x-original-principal",
            "root",
        ),
    )
    .await;
    assert_eq!(
        (s, reason.as_str()),
        (StatusCode::UNAUTHORIZED, DENIED),
        "a proxy must be a superuser too"
    );
}

//! Requests at the edges of the admin API: paths with empty segments, parameters that are not
//! text, repeated query parameters and oversized bodies all answer `{"reason": ...}` with a 4xx,
//! and a request whose client goes away is no longer counted as in flight.

#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use axum::body::Body;
use common::{app, call, get, state};
use http::{Request, StatusCode};
use mesh_http::router;
use serde_json::json;

#[tokio::test]
async fn empty_path_segments_are_missing_parameters_not_defaults() {
    let (state, dir) = state("empty-segments");
    let app = router(state, common::limits());
    let config = json!({"className": "org.example.Echo", "inputs": ["in"]});
    let create = |uri: &str| {
        common::create_with_url(
            "POST",
            uri,
            "functionConfig",
            &config,
            "function://public/default/x@1",
        )
    };
    for (req, reason) in [
        (
            create("/admin/v3/functions/public//x"),
            "Namespace is not provided",
        ),
        (create("/admin/v3/functions//default/x"), "Tenant is not provided"),
        (
            create("/admin/v3/sinks/public/default/%20"),
            "Sink name is not provided",
        ),
        (get("/admin/v3/functions/public//x"), "Namespace is not provided"),
        (
            get("/admin/v3/sources/public//x/status"),
            "Namespace is not provided",
        ),
        (get("/admin/v3/functions//default"), "Tenant is not provided"),
        (
            common::delete("/admin/v3/functions/public//x"),
            "Namespace is not provided",
        ),
        (
            common::post_empty("/admin/v3/functions/public//x/stop"),
            "Namespace is not provided",
        ),
        (
            get("/admin/v3/functions/public//x/0/status"),
            "Namespace is not provided",
        ),
    ] {
        let what = format!("{} {}", req.method(), req.uri());
        let a = call(&app, req).await;
        assert_eq!(a.status, StatusCode::BAD_REQUEST, "{what}: {}", a.body);
        assert_eq!(a.reason(), reason, "{what}");
    }
    assert!(!dir.path().join("default").exists(), "nothing may be stored");
}

#[tokio::test]
async fn rejections_of_every_kind_are_json_reasons() {
    let app = app("rejections");
    let big = vec![b'x'; 200 * 1024];
    let cases = [
        get("/admin/v3/functions/public/default/%FF"),
        get("/admin/v3/functions/%FF%FE/default"),
        Request::post("/mesh/v1/convert/function?cluster=a&cluster=b")
            .header("content-type", "application/json")
            .body(Body::from(r#"{"name":"x","className":"X","inputs":["i"]}"#))
            .unwrap(),
        Request::post("/mesh/v1/convert/function")
            .header("content-type", "application/json")
            .body(Body::from(big))
            .unwrap(),
        Request::post("/mesh/v1/convert/nonsense")
            .body(Body::empty())
            .unwrap(),
        Request::delete("/healthz").body(Body::empty()).unwrap(),
        get("/nowhere"),
    ];
    for req in cases {
        let what = format!("{} {}", req.method(), req.uri());
        let a = call(&app, req).await;
        assert!(a.status.is_client_error(), "{what}: {}", a.status);
        assert!(
            a.headers["content-type"]
                .to_str()
                .unwrap()
                .starts_with("application/json"),
            "{what}: {:?}",
            a.headers
        );
        assert!(!a.reason().is_empty(), "{what}: {}", a.body);
    }
}

/// `mesh_http_requests_in_flight` as `/metrics` shows it (the metrics request itself counts).
async fn in_flight(app: &axum::Router) -> i64 {
    let body = call(app, get("/metrics")).await.body;
    body.lines()
        .find_map(|l| l.strip_prefix("mesh_http_requests_in_flight "))
        .unwrap()
        .parse()
        .unwrap()
}

#[tokio::test]
async fn a_request_whose_client_goes_away_is_no_longer_in_flight() {
    use tower::ServiceExt;
    let app = app("in-flight");
    assert_eq!(in_flight(&app).await, 1);
    // A body that never ends: the request waits in the handler until its future is dropped.
    let stalled = Body::from_stream(futures::stream::pending::<Result<Vec<u8>, std::io::Error>>());
    let req = Request::post("/mesh/v1/convert/function")
        .header("content-type", "application/json")
        .body(stalled)
        .unwrap();
    let pending = app.router().oneshot(req);
    assert!(
        tokio::time::timeout(std::time::Duration::from_millis(100), pending)
            .await
            .is_err()
    );
    assert_eq!(in_flight(&app).await, 1, "the abandoned request is still counted");
}

fn stored_files(dir: &std::path::Path) -> Vec<std::path::PathBuf> {
    let folder = dir.join("pulsar-functions/function");
    let mut files: Vec<_> = std::fs::read_dir(&folder)
        .map(|d| d.filter_map(Result::ok).map(|e| e.path()).collect())
        .unwrap_or_default();
    files.retain(|p| p.extension().is_some_and(|x| x == "yaml"));
    files
}

#[tokio::test]
async fn keys_past_yamls_implicit_key_limit_are_stored_readable() {
    let (state, dir) = state("long-keys");
    let app = router(state, common::limits());
    let long = "k".repeat(1500);
    let topic = format!("persistent://public/default/{}", "t".repeat(1100));
    let config = json!({
        "className": "org.example.Echo",
        "inputs": [topic.clone()],
        "customSerdeInputs": {(topic.clone()): "org.example.Serde"},
        "inputSpecs": {(topic.clone()): {"receiverQueueSize": 5}},
        "userConfig": {(long.clone()): {"nested": [1, 2]}, "short": "v"},
    });
    let create = common::create_with_url(
        "POST",
        "/admin/v3/functions/public/default/long",
        "functionConfig",
        &config,
        "function://public/default/long@1",
    );
    let a = call(&app, create).await;
    assert_eq!(a.status, StatusCode::NO_CONTENT, "{}", a.body);
    let got = call(&app, get("/admin/v3/functions/public/default/long")).await;
    assert_eq!(got.status, StatusCode::OK, "{}", got.body);
    let got = got.json();
    assert_eq!(got["userConfig"][&long], json!({"nested": [1, 2]}));
    assert_eq!(got["inputSpecs"][&topic]["receiverQueueSize"], 5);
    for uri in [
        "/admin/v3/functions/public/default",
        "/admin/v3/functions/other/default",
    ] {
        let listed = call(&app, get(uri)).await;
        assert_eq!(listed.status, StatusCode::OK, "{uri}: {}", listed.body);
    }
    let gone = call(&app, common::delete("/admin/v3/functions/public/default/long")).await;
    assert_eq!(gone.status, StatusCode::NO_CONTENT, "{}", gone.body);
    assert!(stored_files(dir.path()).is_empty());
}

#[tokio::test]
async fn big_numbers_keep_their_exact_value_through_the_store() {
    let (state, dir) = state("big-numbers");
    let app = router(state, common::limits());
    let config = r#"{"className":"org.example.Echo","inputs":["in"],
        "userConfig":{"big":123456789012345678901234567890,"u64+1":18446744073709551616,
        "precise":0.1000000000000000000001,"neg":-98765432109876543210}}"#;
    let create = common::form(
        "POST",
        "/admin/v3/functions/public/default/big",
        &[
            common::Part::jersey("url", "text/plain", "function://public/default/big@1"),
            common::Part::jersey("functionConfig", "application/json", config),
        ],
    );
    let a = call(&app, create).await;
    assert_eq!(a.status, StatusCode::NO_CONTENT, "{}", a.body);
    let files = stored_files(dir.path());
    let text = std::fs::read_to_string(&files[0]).unwrap();
    assert!(text.contains("123456789012345678901234567890"), "{text}");
    let got = call(&app, get("/admin/v3/functions/public/default/big")).await;
    assert_eq!(got.status, StatusCode::OK, "{}", got.body);
    for exact in [
        "\"big\":123456789012345678901234567890",
        "\"u64+1\":18446744073709551616",
        "\"precise\":0.1000000000000000000001",
        "\"neg\":-98765432109876543210",
    ] {
        assert!(got.body.contains(exact), "{exact} in {}", got.body);
    }
}

#[tokio::test]
async fn an_unreadable_stored_file_is_reported_skipped_in_lists_and_deletable() {
    let (state, dir) = state("unreadable");
    let app = router(state, common::limits());
    for name in ["good", "bad"] {
        let create = common::create_with_url(
            "POST",
            &format!("/admin/v3/functions/public/default/{name}"),
            "functionConfig",
            &json!({"className": "org.example.Echo", "inputs": ["in"]}),
            &format!("function://public/default/{name}@1"),
        );
        assert_eq!(call(&app, create).await.status, StatusCode::NO_CONTENT);
    }
    let bad = stored_files(dir.path())
        .into_iter()
        .find(|p| {
            std::fs::read_to_string(p)
                .unwrap()
                .contains("pulsar-component: bad")
        })
        .unwrap();
    std::fs::write(&bad, "spec: [unclosed\n").unwrap();
    let got = call(&app, get("/admin/v3/functions/public/default/bad")).await;
    assert_eq!(got.status, StatusCode::INTERNAL_SERVER_ERROR, "{}", got.body);
    assert!(got.reason().contains(".yaml"), "{}", got.body);
    let listed = call(&app, get("/admin/v3/functions/public/default")).await;
    assert_eq!(listed.status, StatusCode::OK, "{}", listed.body);
    assert_eq!(listed.json(), json!(["good"]));
    let gone = call(&app, common::delete("/admin/v3/functions/public/default/bad")).await;
    assert_eq!(gone.status, StatusCode::NO_CONTENT, "{}", gone.body);
    assert!(!bad.exists());
    let still = call(&app, get("/admin/v3/functions/public/default/good")).await;
    assert_eq!(still.status, StatusCode::OK);
}

#[tokio::test]
async fn a_request_past_its_time_limit_is_answered_503_with_the_limit_and_counted() {
    let (state, _dir) = state("time-limit");
    let limits = mesh_http::Limits {
        request_timeout: std::time::Duration::from_millis(200),
        ..common::limits()
    };
    let app = router(state, limits);
    // A body that never ends, with the body's own limit far away: the request's limit ends it.
    let stalled = Body::from_stream(futures::stream::pending::<Result<Vec<u8>, std::io::Error>>());
    let req = Request::post("/mesh/v1/convert/function")
        .header("content-type", "application/json")
        .header("x-request-id", "slow-1")
        .body(stalled)
        .unwrap();
    let a = call(&app, req).await;
    assert_eq!(a.status, StatusCode::SERVICE_UNAVAILABLE, "{}", a.body);
    assert_eq!(a.reason(), "request timed out after 200ms");
    assert_eq!(a.headers["x-request-id"], "slow-1");
    let metrics = call(&app, get("/metrics")).await.body;
    assert!(
        metrics
            .lines()
            .any(|l| l == r#"mesh_http_requests_total{method="POST",route="unmatched",status="503"} 1"#),
        "{metrics}"
    );
    assert_eq!(in_flight(&app).await, 1);
}

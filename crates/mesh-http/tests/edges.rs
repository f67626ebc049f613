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
    assert!(!dir.join("default").exists(), "nothing may be stored");
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
    let pending = app.clone().oneshot(req);
    assert!(
        tokio::time::timeout(std::time::Duration::from_millis(100), pending)
            .await
            .is_err()
    );
    assert_eq!(in_flight(&app).await, 1, "the abandoned request is still counted");
}

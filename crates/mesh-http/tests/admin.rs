//! The Pulsar admin API v3 through `Router::oneshot`: every endpoint, success and each error class,
//! with request bodies shaped like `pulsar-admin`'s.

#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use std::sync::Arc;

use common::{
    Part, call, config_form, create_with_url, delete, form, get, limits, post_empty, state, state_with,
    worker,
};
use http::{Request, StatusCode, header};
use mesh_core::worker::CustomConfig;
use mesh_http::router;
use serde_json::{Value, json};

const F: &str = "/admin/v3/functions/public/default/echo";
const URL: &str = "function://public/default/echo@1.0";

fn function() -> Value {
    json!({
        "tenant": "public", "namespace": "default", "name": "echo",
        "className": "org.example.Echo", "jar": URL,
        "inputs": ["persistent://public/default/in"], "output": "persistent://public/default/out",
        "runtime": "JAVA", "parallelism": 1, "autoAck": true,
        "resources": {"cpu": 0.5, "ram": 536_870_912_i64, "disk": 1_073_741_824_i64}
    })
}

fn stored_files(dir: &std::path::Path, kind: &str) -> Vec<String> {
    let at = dir.join("pulsar-functions").join(kind);
    let mut names: Vec<String> = std::fs::read_dir(at)
        .map(|d| {
            d.filter_map(Result::ok)
                .map(|e| e.file_name().to_string_lossy().into_owned())
                .filter(|n| std::path::Path::new(n).extension().is_some_and(|e| e == "yaml"))
                .collect()
        })
        .unwrap_or_default();
    names.sort();
    names
}

fn stored(dir: &std::path::Path, kind: &str) -> Value {
    let files = stored_files(dir, kind);
    assert_eq!(files.len(), 1, "{files:?}");
    let text = std::fs::read(dir.join("pulsar-functions").join(kind).join(&files[0])).unwrap();
    mesh_core::document::parse_one(&text).unwrap()
}

#[tokio::test]
async fn a_function_goes_through_its_whole_life() {
    let (state, dir) = state("life");
    let app = router(state, limits());

    let a = call(
        &app,
        create_with_url("POST", F, "functionConfig", &function(), URL),
    )
    .await;
    assert_eq!(a.status, StatusCode::NO_CONTENT, "{}", a.body);
    let cr = stored(dir.path(), "function");
    let name = mesh_core::convert::naming::object_name("prod-eu", "public", "default", "echo");
    assert_eq!(cr["metadata"]["name"], name.as_str(), "{cr}");
    assert_eq!(cr["spec"]["name"], "echo");
    assert_eq!(cr["spec"]["replicas"], 1);

    let a = call(&app, get(F)).await;
    assert_eq!(a.status, StatusCode::OK, "{}", a.body);
    let c = a.json();
    assert_eq!(c["name"], "echo");
    assert_eq!(c["className"], "org.example.Echo");
    assert_eq!(c["inputs"], json!(["persistent://public/default/in"]));
    assert_eq!(c["jar"], URL);
    assert_eq!(
        c["resources"]["ram"], 536_870_912,
        "memory reads back unpadded: {c}"
    );

    let a = call(&app, get("/admin/v3/functions/public/default")).await;
    assert_eq!((a.status, a.json()), (StatusCode::OK, json!(["echo"])));
    let a = call(&app, get("/admin/v3/functions/public/other")).await;
    assert_eq!(a.json(), json!([]));

    let a = call(&app, get(&format!("{F}/status"))).await;
    assert_eq!(a.status, StatusCode::OK);
    let s = a.json();
    assert_eq!(
        (s["numInstances"].as_i64(), s["numRunning"].as_i64()),
        (Some(1), Some(0))
    );
    assert_eq!(
        s["instances"][0]["status"]["error"],
        "Function has not been scheduled"
    );
    let a = call(&app, get(&format!("{F}/0/status"))).await;
    assert_eq!(
        (a.status, a.json()["running"].clone()),
        (StatusCode::OK, json!(false))
    );
    let a = call(&app, get(&format!("{F}/3/status"))).await;
    assert_eq!(a.status, StatusCode::BAD_REQUEST);
    assert_eq!(a.reason(), "Function echo doesn't have instance with id 3");
    let a = call(&app, get(&format!("{F}/x/status"))).await;
    assert_eq!(a.status, StatusCode::BAD_REQUEST);

    // Stop scales to 0 and remembers; get still reports the parallelism; start restores it.
    let a = call(&app, post_empty(&format!("{F}/stop"))).await;
    assert_eq!(a.status, StatusCode::NO_CONTENT, "{}", a.body);
    assert_eq!(stored(dir.path(), "function")["spec"]["replicas"], 0);
    assert_eq!(call(&app, get(F)).await.json()["parallelism"], 1);
    let s = call(&app, get(&format!("{F}/status"))).await.json();
    assert_eq!(s["instances"][0]["status"]["error"], "Function is stopped");
    assert_eq!(
        call(&app, post_empty(&format!("{F}/stop"))).await.status,
        StatusCode::NO_CONTENT
    );
    let a = call(&app, post_empty(&format!("{F}/start"))).await;
    assert_eq!(a.status, StatusCode::NO_CONTENT);
    let cr = stored(dir.path(), "function");
    assert_eq!(cr["spec"]["replicas"], 1);
    assert!(cr["metadata"].get("annotations").is_none(), "{cr}");

    let a = call(&app, post_empty(&format!("{F}/restart"))).await;
    assert_eq!(a.status, StatusCode::NO_CONTENT);
    let at =
        stored(dir.path(), "function")["spec"]["pod"]["annotations"]["kubectl.kubernetes.io/restartedAt"]
            .clone();
    assert!(at.as_str().is_some_and(|t| t.ends_with('Z')), "{at}");

    for action in ["start", "stop", "restart"] {
        let a = call(&app, post_empty(&format!("{F}/0/{action}"))).await;
        assert_eq!(a.status, StatusCode::BAD_REQUEST);
        assert!(a.reason().starts_with("Unsupported Operation"), "{}", a.body);
        if action == "restart" {
            assert!(a.reason().contains("directory store runs no pods"), "{}", a.body);
        }
        let a = call(&app, post_empty(&format!("{F}/7/{action}"))).await;
        assert_eq!(a.reason(), "Function echo doesn't have instance with id 7");
    }

    // Update: only what is sent changes, and the restart mark survives.
    let change = json!({"parallelism": 3, "userConfig": {"greeting": "hi"}});
    let a = call(&app, config_form("PUT", F, "functionConfig", &change.to_string())).await;
    assert_eq!(a.status, StatusCode::NO_CONTENT, "{}", a.body);
    let c = call(&app, get(F)).await.json();
    assert_eq!(
        (c["parallelism"].clone(), c["userConfig"]["greeting"].clone()),
        (json!(3), json!("hi"))
    );
    assert_eq!(c["output"], "persistent://public/default/out");
    assert_eq!(
        stored(dir.path(), "function")["spec"]["pod"]["annotations"]["kubectl.kubernetes.io/restartedAt"],
        at
    );

    let a = call(&app, config_form("PUT", F, "functionConfig", &change.to_string())).await;
    assert_eq!(
        (a.status, a.reason()),
        (StatusCode::BAD_REQUEST, "Update contains no change".to_owned())
    );
    // ...unless the auth data is to be refreshed.
    let a = call(
        &app,
        form(
            "PUT",
            F,
            &[
                Part::jersey("functionConfig", "application/json", &change.to_string()),
                Part::jersey("updateOptions", "application/json", r#"{"updateAuthData":true}"#),
            ],
        ),
    )
    .await;
    assert_eq!(a.status, StatusCode::NO_CONTENT, "{}", a.body);

    let bad =
        json!({"inputs": ["persistent://public/default/other"], "processingGuarantees": "EFFECTIVELY_ONCE"});
    let a = call(
        &app,
        form(
            "PUT",
            F,
            &[Part::jersey("functionConfig", "text/plain", &bad.to_string())],
        ),
    )
    .await;
    assert_eq!(a.status, StatusCode::BAD_REQUEST);
    assert_eq!(a.reason(), "Processing Guarantees cannot be altered");
    let messages: Vec<_> = a.json()["diagnostics"]
        .as_array()
        .unwrap()
        .iter()
        .map(|d| d["message"].as_str().unwrap().to_owned())
        .collect();
    assert!(
        messages.contains(&"Input Topics cannot be altered".to_owned()),
        "{messages:?}"
    );

    // A stopped function stays stopped through an update, with the new parallelism.
    call(&app, post_empty(&format!("{F}/stop"))).await;
    let a = call(
        &app,
        config_form("PUT", F, "functionConfig", r#"{"parallelism": 2}"#),
    )
    .await;
    assert_eq!(a.status, StatusCode::NO_CONTENT, "{}", a.body);
    let cr = stored(dir.path(), "function");
    assert_eq!(cr["spec"]["replicas"], 0);
    assert_eq!(call(&app, get(F)).await.json()["parallelism"], 2);

    let a = call(&app, delete(F)).await;
    assert_eq!(a.status, StatusCode::NO_CONTENT);
    assert!(stored_files(dir.path(), "function").is_empty());
    for req in [
        get(F),
        delete(F),
        get(&format!("{F}/status")),
        post_empty(&format!("{F}/stop")),
    ] {
        let a = call(&app, req).await;
        assert_eq!(
            (a.status, a.reason()),
            (StatusCode::NOT_FOUND, "Function echo doesn't exist".to_owned())
        );
    }
}

#[tokio::test]
async fn creates_are_refused_with_pulsar_messages() {
    let (state, dir) = state("create");
    let app = router(state, limits());
    assert_eq!(
        call(
            &app,
            create_with_url("POST", F, "functionConfig", &function(), URL)
        )
        .await
        .status,
        StatusCode::NO_CONTENT
    );

    let a = call(
        &app,
        create_with_url("POST", F, "functionConfig", &function(), URL),
    )
    .await;
    assert_eq!(
        (a.status, a.reason()),
        (StatusCode::BAD_REQUEST, "Function echo already exists".to_owned())
    );
    // The name is taken whatever the kind.
    let sink = json!({"inputs": ["in"], "archive": "builtin://elastic_search"});
    let a = call(
        &app,
        create_with_url(
            "POST",
            "/admin/v3/sink/public/default/echo",
            "sinkConfig",
            &sink,
            "",
        ),
    )
    .await;
    assert_eq!(a.reason(), "Sink echo already exists");

    let g = "/admin/v3/functions/public/default/g";
    let a = call(&app, form("POST", g, &[Part::jersey("url", "text/plain", URL)])).await;
    assert_eq!(
        (a.status, a.reason()),
        (
            StatusCode::BAD_REQUEST,
            "Function config is not provided".to_owned()
        )
    );

    let upload = [
        Part::jersey("functionConfig", "application/json", &function().to_string()),
        Part::file("data", "echo.jar", b"PK\x03\x04 not really a jar"),
    ];
    let a = call(&app, form("POST", g, &upload)).await;
    assert_eq!(
        (a.status, a.reason()),
        (
            StatusCode::BAD_REQUEST,
            "Uploading Jar File is not enabled".to_owned()
        )
    );

    // Every violation at once, with its path; nothing is stored.
    let bad = json!({"className": "", "inputs": [], "parallelism": 0, "runtime": "JAVA"});
    let a = call(&app, create_with_url("POST", g, "functionConfig", &bad, URL)).await;
    assert_eq!(a.status, StatusCode::BAD_REQUEST, "{}", a.body);
    assert!(
        a.json()["diagnostics"].as_array().unwrap().len() >= 2,
        "{}",
        a.body
    );
    let a = call(
        &app,
        create_with_url("POST", g, "functionConfig", &json!({"runtime": "COBOL"}), URL),
    )
    .await;
    assert_eq!(a.status, StatusCode::BAD_REQUEST);
    assert!(a.reason().contains("COBOL"), "{}", a.body);
    let a = call(&app, config_form("POST", g, "functionConfig", "{\"name\": ")).await;
    assert_eq!(a.status, StatusCode::BAD_REQUEST, "{}", a.body);
    assert_eq!(stored_files(dir.path(), "function").len(), 1);
}

#[tokio::test]
async fn malformed_bodies_and_paths_get_clean_4xx() {
    let app = common::app("malformed");
    let g = "/admin/v3/functions/public/default/g";
    let json_body = Request::post(g)
        .header(header::CONTENT_TYPE, "application/json")
        .body(axum::body::Body::from(function().to_string()))
        .unwrap();
    let a = call(&app, json_body).await;
    assert_eq!(a.status, StatusCode::BAD_REQUEST);
    assert!(a.reason().contains("multipart/form-data"), "{}", a.body);

    let truncated = Request::post(g)
        .header(header::CONTENT_TYPE, common::multipart_type())
        .body(axum::body::Body::from(format!(
            "--{}\r\nContent-Disposition: form-data; name=\"functionConfig\"\r\n\r\n{{\"a\":",
            common::BOUNDARY
        )))
        .unwrap();
    let a = call(&app, truncated).await;
    assert_eq!(a.status, StatusCode::BAD_REQUEST, "{}", a.body);
    assert!(a.reason().starts_with("malformed multipart body"), "{}", a.body);

    let big = "x".repeat(100 * 1024);
    let a = call(
        &app,
        form("POST", g, &[Part::file("data", "big.jar", big.as_bytes())]),
    )
    .await;
    assert_eq!(a.status, StatusCode::PAYLOAD_TOO_LARGE, "{}", a.body);
    assert!(a.json()["reason"].is_string());

    for uri in [
        "/admin/v3/functions/public",
        "/admin/v3/widgets/a/b/c",
        "/admin/v3/functions/a/b/c/d/e/f",
    ] {
        let a = call(&app, get(uri)).await;
        assert_eq!(a.status, StatusCode::NOT_FOUND, "{uri}");
        assert!(a.json()["reason"].is_string());
    }
    let a = call(&app, Request::patch(F).body(axum::body::Body::empty()).unwrap()).await;
    assert_eq!(a.status, StatusCode::METHOD_NOT_ALLOWED);
    assert_eq!(a.reason(), "method not allowed");
}

#[tokio::test]
async fn updates_of_missing_and_other_kinds_follow_pulsar() {
    let app = common::app("update");
    let change = [Part::jersey(
        "functionConfig",
        "application/json",
        r#"{"parallelism": 2}"#,
    )];
    let a = call(&app, form("PUT", F, &change)).await;
    assert_eq!(
        (a.status, a.reason()),
        (StatusCode::BAD_REQUEST, "Function echo doesn't exist".to_owned())
    );

    let sink = json!({"inputs": ["persistent://public/default/in"], "archive": "builtin://elastic_search", "parallelism": 1});
    let a = call(
        &app,
        config_form(
            "POST",
            "/admin/v3/sinks/public/default/echo",
            "sinkConfig",
            &sink.to_string(),
        ),
    )
    .await;
    assert_eq!(a.status, StatusCode::NO_CONTENT, "{}", a.body);
    // The name exists as a sink: to the function API it does not exist.
    let a = call(&app, form("PUT", F, &change)).await;
    assert_eq!(
        (a.status, a.reason()),
        (StatusCode::NOT_FOUND, "Function echo doesn't exist".to_owned())
    );
    let a = call(&app, get(F)).await;
    assert_eq!(a.status, StatusCode::NOT_FOUND);
    let a = call(&app, get("/admin/v3/sources/public/default/echo/status")).await;
    assert_eq!(a.reason(), "Source echo doesn't exist");
}

#[tokio::test]
async fn sources_and_sinks_answer_under_both_mounts() {
    let (state, dir) = state("connectors");
    let app = router(state, limits());
    let sink = json!({
        "tenant": "public", "namespace": "default", "name": "es",
        "archive": "builtin://elastic_search", "inputs": ["persistent://public/default/es-in"],
        "parallelism": 2, "configs": {"elasticSearchUrl": "http://es:9200", "indexName": "events"}
    });
    let a = call(
        &app,
        config_form(
            "POST",
            "/admin/v3/sink/public/default/es",
            "sinkConfig",
            &sink.to_string(),
        ),
    )
    .await;
    assert_eq!(a.status, StatusCode::NO_CONTENT, "{}", a.body);
    for mount in ["/admin/v3/sink", "/admin/v3/sinks"] {
        let c = call(&app, get(&format!("{mount}/public/default/es")))
            .await
            .json();
        assert_eq!(c["archive"], "builtin://elastic_search", "{c}");
        assert_eq!(
            c["className"],
            "org.apache.pulsar.io.elasticsearch.ElasticSearchSink"
        );
        assert_eq!(c["configs"]["indexName"], "events");
        assert_eq!(
            call(&app, get(&format!("{mount}/public/default"))).await.json(),
            json!(["es"])
        );
        let s = call(&app, get(&format!("{mount}/public/default/es/status")))
            .await
            .json();
        assert_eq!(s["numInstances"], 2);
        assert_eq!(
            s["instances"][1]["status"]["error"],
            "Sink has not been scheduled"
        );
    }

    let source = json!({
        "archive": "builtin://data-generator", "topicName": "persistent://public/default/generated",
        "configs": {"sleepBetweenMessages": 1000}
    });
    let url = "/admin/v3/source/public/default/gen";
    let a = call(
        &app,
        config_form("POST", url, "sourceConfig", &source.to_string()),
    )
    .await;
    assert_eq!(a.status, StatusCode::NO_CONTENT, "{}", a.body);
    let a = call(
        &app,
        config_form(
            "PUT",
            "/admin/v3/sources/public/default/gen",
            "sourceConfig",
            r#"{"parallelism": 4}"#,
        ),
    )
    .await;
    assert_eq!(a.status, StatusCode::NO_CONTENT, "{}", a.body);
    assert_eq!(stored(dir.path(), "source")["spec"]["replicas"], 4);
    let c = call(&app, get(url)).await.json();
    assert_eq!(
        (c["topicName"].clone(), c["parallelism"].clone()),
        (json!("persistent://public/default/generated"), json!(4))
    );
    let a = call(&app, post_empty(&format!("{url}/stop"))).await;
    assert_eq!(a.status, StatusCode::NO_CONTENT);
    assert_eq!(stored(dir.path(), "source")["spec"]["replicas"], 0);
    assert_eq!(call(&app, delete(url)).await.status, StatusCode::NO_CONTENT);
    assert_eq!(
        call(&app, delete("/admin/v3/sinks/public/default/es"))
            .await
            .status,
        StatusCode::NO_CONTENT
    );
}

#[tokio::test]
async fn built_in_connectors_come_from_the_catalogue() {
    let app = common::app("builtins");
    let sources = call(&app, get("/admin/v3/source/builtinsources")).await.json();
    let names: Vec<_> = sources
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c["name"].as_str().unwrap())
        .collect();
    assert_eq!(names, ["kafka", "debezium-mysql", "data-generator"]);
    assert_eq!(
        sources[0]["sourceClass"],
        "org.apache.pulsar.io.kafka.KafkaBytesSource"
    );
    let sinks = call(&app, get("/admin/v3/sinks/builtinsinks")).await.json();
    assert!(
        sinks
            .as_array()
            .unwrap()
            .iter()
            .all(|c| c["sinkClass"].is_string())
    );
    assert_eq!(sinks.as_array().unwrap().len(), 4);
    assert_eq!(
        call(&app, get("/admin/v3/functions/connectors"))
            .await
            .json()
            .as_array()
            .unwrap()
            .len(),
        5
    );
    assert_eq!(
        call(&app, get("/admin/v3/functions/builtins")).await.json(),
        json!([])
    );
    let a = call(&app, get("/admin/v3/sink/builtinsinks/kafka/configdefinition")).await;
    assert_eq!((a.status, a.json()), (StatusCode::OK, json!([])));
    let a = call(
        &app,
        get("/admin/v3/sink/builtinsinks/debezium-mysql/configdefinition"),
    )
    .await;
    assert_eq!(
        (a.status, a.reason()),
        (StatusCode::NOT_FOUND, "builtin sink does not exist".to_owned())
    );
}

#[tokio::test]
async fn disabled_apis_answer_with_the_worker_service_message() {
    let mut w = worker("functions_worker.yml");
    w.functions_worker_service_custom_configs = Some(CustomConfig {
        function_enabled: Some(false),
        sink_enabled: Some(false),
        ..CustomConfig::default()
    });
    let dir = common::scratch("disabled");
    let app = router(state_with(w, dir.path().to_path_buf()), limits());
    let a = call(
        &app,
        create_with_url("POST", F, "functionConfig", &function(), URL),
    )
    .await;
    assert_eq!(
        (a.status, a.reason()),
        (StatusCode::BAD_REQUEST, "Function API is disabled".to_owned())
    );
    let a = call(&app, get("/admin/v3/functions/public/default")).await;
    assert_eq!(a.reason(), "Function API is disabled");
    let a = call(&app, get("/admin/v3/sink/public/default/x")).await;
    assert_eq!(a.reason(), "Sink API is disabled");
    let a = call(&app, get("/admin/v3/source/public/default")).await;
    assert_eq!(a.status, StatusCode::OK);
}

#[tokio::test]
async fn of_a_hundred_racing_creates_exactly_one_wins() {
    let (state, dir) = state("race");
    let app = router(state, limits());
    let tasks: Vec<_> = (0..100)
        .map(|_| {
            let app = app.clone();
            tokio::spawn(async move {
                call(
                    &app,
                    create_with_url("POST", F, "functionConfig", &function(), URL),
                )
                .await
            })
        })
        .collect();
    let mut created = 0;
    let mut refused = 0;
    for t in tasks {
        let a = t.await.unwrap();
        match a.status {
            StatusCode::NO_CONTENT => created += 1,
            StatusCode::BAD_REQUEST => {
                assert_eq!(a.reason(), "Function echo already exists");
                refused += 1;
            }
            other => panic!("{other}: {}", a.body),
        }
    }
    assert_eq!((created, refused), (1, 99));
    assert_eq!(stored_files(dir.path(), "function").len(), 1);
}

#[tokio::test]
async fn requests_are_counted_and_carry_ids() {
    let state = state("metrics").0;
    let app = router(Arc::clone(&state), limits());
    call(
        &app,
        create_with_url("POST", F, "functionConfig", &function(), URL),
    )
    .await;
    let a = call(&app, get(F)).await;
    assert!(a.headers.contains_key("x-request-id"));
    let mine = Request::get(F)
        .header("x-request-id", "trace-me-42")
        .body(axum::body::Body::empty())
        .unwrap();
    assert_eq!(call(&app, mine).await.headers["x-request-id"], "trace-me-42");
    // A client id that is too long is not echoed: the request gets one of ours.
    let long = "x".repeat(129);
    let theirs = Request::get(F)
        .header("x-request-id", long.as_str())
        .body(axum::body::Body::empty())
        .unwrap();
    let ours = call(&app, theirs).await.headers["x-request-id"].clone();
    assert_ne!(ours, long.as_str());
    assert_eq!(ours.len(), 16, "{ours:?}");
    assert!(ours.to_str().unwrap().bytes().all(|b| b.is_ascii_hexdigit()));
    call(&app, get("/admin/v3/functions/public/default/missing")).await;
    call(&app, get("/nowhere")).await;

    let m = call(&app, get("/metrics")).await;
    assert_eq!(m.status, StatusCode::OK);
    assert!(
        m.headers[header::CONTENT_TYPE]
            .to_str()
            .unwrap()
            .starts_with("application/openmetrics-text; version=1.0.0")
    );
    let text = m.body;
    assert!(text.ends_with("# EOF\n"), "{text}");
    for line in [
        r#"mesh_http_requests_total{method="POST",route="/admin/v3/functions/{tenant}/{namespace}/{name}",status="204"} 1"#,
        r#"mesh_http_requests_total{method="GET",route="/admin/v3/functions/{tenant}/{namespace}/{name}",status="200"} 3"#,
        r#"mesh_http_requests_total{method="GET",route="/admin/v3/functions/{tenant}/{namespace}/{name}",status="404"} 1"#,
        r#"mesh_http_requests_total{method="GET",route="unmatched",status="404"} 1"#,
        r#"mesh_conversions_total{kind="function",outcome="converted"} 1"#,
        r#"mesh_http_request_duration_seconds_count{method="GET",route="/admin/v3/functions/{tenant}/{namespace}/{name}"} 4"#,
    ] {
        assert!(text.lines().any(|l| l == line), "missing `{line}` in\n{text}");
    }
}

//! The caller's credentials reach the component as `function-mesh.md` a.3.17 says, through
//! HTTP with an authenticated caller: the token handler's Secret holds the caller's token, the
//! OAuth2 handler names the Secret annotated with the caller's role, the insecure handler uses
//! the worker's own credentials; an update changes them only with `updateAuthData`, a delete
//! removes them. No token reaches a log line, an error or `/metrics`.

#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use std::sync::{Arc, Mutex};

use axum::Router;
use base64::Engine as _;
use common::secure::{bearer, secured, token_for, worker_yaml};
use common::{Part, call, form, get};
use http::StatusCode;
use mesh_http::{AppState, router};
use mesh_kube::{ApplyOptions, ResourceKind, Selector, Store};
use serde_json::{Value, json};

/// A worker from a fixture, with token authentication of callers added.
fn worker(fixture: &str) -> mesh_core::worker::WorkerConfig {
    let text = std::fs::read_to_string(common::root().join("fixtures/worker").join(fixture)).unwrap();
    worker_yaml(&format!(
        "{text}\nauthenticationProviders: [org.apache.pulsar.broker.authentication.AuthenticationProviderToken]\nproperties:\n  tokenSecretKey: \"{}\"\n",
        common::secure::secret_data_url()
    ))
}

const URI: &str = "/admin/v3/functions/public/default/echo";

fn create(method: &str, token: &str, update_auth: bool) -> http::Request<axum::body::Body> {
    let config = json!({"className": "org.example.Echo", "inputs": ["in"], "runtime": "JAVA", "parallelism": if method == "PUT" { 2 } else { 1 }});
    let mut parts = vec![
        Part::jersey("url", "text/plain", "function://public/default/echo@1"),
        Part::jersey("functionConfig", "application/json", &config.to_string()),
    ];
    let options = json!({"updateAuthData": true}).to_string();
    if update_auth {
        parts.push(Part::jersey("updateOptions", "application/json", &options));
    }
    bearer(form(method, URI, &parts), token)
}

async fn objects(state: &AppState, kind: ResourceKind) -> Vec<Value> {
    state.store.list(kind, &Selector::default()).await.unwrap()
}

/// The stored auth Secret `name`'s `clientAuthenticationParameters`.
async fn stored_params(state: &AppState, name: &str) -> String {
    let secrets = objects(state, ResourceKind::Secret).await;
    let secret = secrets
        .iter()
        .find(|s| s["metadata"]["name"] == name)
        .expect("the auth secret is stored");
    secret_text(secret, "clientAuthenticationParameters")
}

fn secret_text(secret: &Value, key: &str) -> String {
    let b64 = secret["data"][key].as_str().unwrap_or_default();
    String::from_utf8(base64::engine::general_purpose::STANDARD.decode(b64).unwrap()).unwrap()
}

fn app(state: &Arc<AppState>) -> Router {
    router(state.clone(), common::limits())
}

#[tokio::test]
async fn the_token_handler_gives_the_component_the_callers_token() {
    let (state, _) = secured(worker("auth_token_worker.yml"), "token-handler");
    let app = app(&state);
    let alice = token_for("alice");
    let a = call(&app, create("POST", &alice, false)).await;
    assert_eq!(a.status, StatusCode::NO_CONTENT, "{}", a.body);
    let crs = objects(&state, ResourceKind::Function).await;
    let auth_secret = crs[0]["spec"]["pulsar"]["authSecret"]
        .as_str()
        .unwrap()
        .to_owned();
    let secrets = objects(&state, ResourceKind::Secret).await;
    let secret = secrets
        .iter()
        .find(|s| s["metadata"]["name"] == auth_secret.as_str())
        .expect("the auth secret is stored");
    assert_eq!(
        secret_text(secret, "clientAuthenticationPlugin"),
        "org.apache.pulsar.client.impl.auth.AuthenticationToken"
    );
    assert_eq!(
        stored_params(&state, &auth_secret).await,
        format!("token:{alice}")
    );
    let namespace = secret["metadata"]["namespace"].clone();
    assert!(
        crs[0]["spec"]["pulsar"]["tlsSecret"].is_string(),
        "tlsEnabled adds the TLS secret"
    );

    // An update without updateAuthData keeps alice's credentials.
    let bob = token_for("bob");
    let a = call(&app, create("PUT", &bob, false)).await;
    assert_eq!(a.status, StatusCode::NO_CONTENT, "{}", a.body);
    assert_eq!(
        stored_params(&state, &auth_secret).await,
        format!("token:{alice}")
    );
    let crs = objects(&state, ResourceKind::Function).await;
    assert_eq!(crs[0]["spec"]["pulsar"]["authSecret"], auth_secret.as_str());
    assert_eq!(crs[0]["spec"]["replicas"], 2);

    // With updateAuthData the caller's token replaces them.
    let a = call(&app, create("PUT", &bob, true)).await;
    assert_eq!(a.status, StatusCode::NO_CONTENT, "{}", a.body);
    assert_eq!(stored_params(&state, &auth_secret).await, format!("token:{bob}"));

    // A delete removes the CR and the Secrets it wrote, and nothing else.
    let unrelated = json!({
        "apiVersion": "v1", "kind": "Secret",
        "metadata": {"name": "someone-elses", "namespace": namespace},
        "data": {"k": "dg=="}
    });
    state
        .store
        .apply(&unrelated, ApplyOptions::default())
        .await
        .unwrap();
    let a = call(&app, bearer(common::delete(URI), &bob)).await;
    assert_eq!(a.status, StatusCode::NO_CONTENT, "{}", a.body);
    assert!(objects(&state, ResourceKind::Function).await.is_empty());
    let left: Vec<Value> = objects(&state, ResourceKind::Secret).await;
    let names: Vec<&str> = left
        .iter()
        .filter_map(|s| s["metadata"]["name"].as_str())
        .collect();
    assert_eq!(names, ["someone-elses"]);
}

#[tokio::test]
async fn the_oauth2_handler_names_the_secret_annotated_with_the_callers_role() {
    let mut w = worker("auth_oauth2_worker.yml");
    let custom = w.functions_worker_service_custom_configs.as_mut().unwrap();
    custom.using_insecure_auth = Some(false);
    let (state, _) = secured(w, "oauth2-handler");
    let ns = state.store.default_namespace().to_owned();
    let key_secret = json!({
        "apiVersion": "v1", "kind": "Secret",
        "metadata": {
            "name": "alice-key", "namespace": ns,
            "annotations": {"cloud.streamnative.io/service-account.email": "alice"}
        },
        "data": {"auth.json": "e30="}
    });
    state
        .store
        .apply(&key_secret, ApplyOptions::default())
        .await
        .unwrap();
    let app = app(&state);
    let a = call(&app, create("POST", &token_for("alice"), false)).await;
    assert_eq!(a.status, StatusCode::NO_CONTENT, "{}", a.body);
    let crs = objects(&state, ResourceKind::Function).await;
    let oauth2 = &crs[0]["spec"]["pulsar"]["authConfig"]["oauth2Config"];
    assert_eq!(oauth2["keySecretName"], "alice-key");
    assert_eq!(oauth2["keySecretKey"], "auth.json");
    assert_eq!(oauth2["issuerUrl"], "https://auth.example.com");

    // A caller with no annotated secret is refused with the worker service's words.
    let a = call(
        &app,
        bearer(
            common::create_with_url(
                "POST",
                "/admin/v3/functions/public/default/other",
                "functionConfig",
                &json!({"className": "org.example.Echo", "inputs": ["in"]}),
                "function://public/default/other@1",
            ),
            &token_for("bob"),
        ),
    )
    .await;
    assert_eq!(a.status, StatusCode::BAD_REQUEST, "{}", a.body);
    assert_eq!(a.reason(), "Failed to get oauth2 private key secret");
}

#[tokio::test]
async fn the_insecure_handler_gives_the_component_the_workers_credentials() {
    let (state, _) = secured(worker("auth_generic_worker.yml"), "generic-handler");
    let app = app(&state);
    let a = call(&app, create("POST", &token_for("alice"), false)).await;
    assert_eq!(a.status, StatusCode::NO_CONTENT, "{}", a.body);
    let secrets = objects(&state, ResourceKind::Secret).await;
    assert_eq!(secrets.len(), 1);
    assert_eq!(
        secret_text(&secrets[0], "clientAuthenticationPlugin"),
        "org.apache.pulsar.client.impl.auth.AuthenticationBasic"
    );
    assert_eq!(
        secret_text(&secrets[0], "clientAuthenticationParameters"),
        r#"{"userId":"functions","password":"s3cret"}"#
    );
}

#[tokio::test]
async fn an_unknown_client_plugin_is_refused_through_http() {
    let mut w = worker("auth_generic_worker.yml");
    w.functions_worker_service_custom_configs = Some(mesh_core::worker::CustomConfig {
        using_insecure_auth: Some(false),
        ..Default::default()
    });
    let (state, _) = secured(w, "unknown-plugin");
    let a = call(&app(&state), create("POST", &token_for("alice"), false)).await;
    assert_eq!(a.status, StatusCode::BAD_REQUEST, "{}", a.body);
    assert_eq!(
        a.reason(),
        "No handler for given auth plugin: org.apache.pulsar.client.impl.auth.AuthenticationBasic"
    );
    assert!(objects(&state, ResourceKind::Function).await.is_empty());
}

/// Log lines written while the test runs.
#[derive(Clone, Default)]
struct Captured(Arc<Mutex<Vec<u8>>>);

impl std::io::Write for Captured {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        self.0.lock().unwrap().extend_from_slice(buf);
        Ok(buf.len())
    }
    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

#[tokio::test]
async fn no_token_reaches_a_log_line_an_error_or_the_metrics() {
    let logs = Captured::default();
    let writer = logs.clone();
    let subscriber = tracing_subscriber::fmt()
        .with_max_level(tracing::Level::DEBUG)
        .with_ansi(false)
        .with_writer(move || writer.clone())
        .finish();
    // Global: a per-thread subscriber misses callsites whose interest other tests' threads
    // already cached. The other tests of this file log here too, which is fine.
    tracing::subscriber::set_global_default(subscriber).unwrap();

    let (state, _) = secured(worker("auth_token_worker.yml"), "no-leaks");
    let app = app(&state);
    let alice = token_for("alice");
    let mut answers = Vec::new();
    answers.push(call(&app, create("POST", &alice, false)).await);
    answers.push(call(&app, create("POST", &alice, false)).await); // already exists
    answers.push(call(&app, bearer(get(URI), &alice)).await);
    let broken = format!("{}x", &alice[..alice.len() - 1]);
    answers.push(call(&app, bearer(get(URI), &broken)).await);
    answers.push(call(&app, get(&format!("{URI}?token={broken}"))).await);
    answers.push(call(&app, get("/metrics")).await);
    let signature = alice.rsplit('.').next().unwrap().to_owned();
    let text = String::from_utf8(logs.0.lock().unwrap().clone()).unwrap();
    assert!(text.contains("created"), "the logs are captured: {text}");
    for a in &answers {
        assert!(!a.body.contains(&signature), "{}", a.body);
        for v in a.headers.values() {
            assert!(!v.to_str().unwrap_or_default().contains(&signature));
        }
    }
    assert!(!text.contains(&signature), "a token reached the logs: {text}");
    assert!(
        !text.contains(&broken[broken.len() - 20..]),
        "a token reached the logs: {text}"
    );
    // The GET answer shows no credentials either.
    assert!(!answers[2].body.contains("token:"), "{}", answers[2].body);
}

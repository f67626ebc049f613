//! What the HTTP tests share: fixtures, an app over a fresh directory store, and requests shaped
//! like `pulsar-admin`'s.

#![allow(dead_code, clippy::unwrap_used, clippy::expect_used)]

pub mod pulsar;
pub mod secure;

use std::path::PathBuf;
use std::sync::Arc;

use axum::Router;
use axum::body::Body;
use http::{HeaderMap, Request, StatusCode, header};
use http_body_util::BodyExt;
use mesh_core::worker::{Catalogue, WorkerConfig};
use mesh_http::{AppState, Limits, router};
use mesh_kube::{AnyStore, Directory};
use serde_json::Value;
use tower::ServiceExt;

pub fn root() -> PathBuf {
    std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../..")
}

pub fn worker(file: &str) -> WorkerConfig {
    mesh_core::document::parse_one(&std::fs::read(root().join("fixtures/worker").join(file)).unwrap())
        .unwrap()
}

pub fn catalogue() -> Catalogue {
    mesh_core::document::parse_one(&std::fs::read(root().join("fixtures/worker/connectors.yaml")).unwrap())
        .unwrap()
}

/// A scratch directory, removed when dropped (also when the test fails).
pub type Scratch = tempfile::TempDir;

/// A new, empty directory for one test.
pub fn scratch(name: &str) -> Scratch {
    tempfile::Builder::new()
        .prefix(&format!("mesh-http-{name}-"))
        .tempdir()
        .unwrap()
}

pub fn limits() -> Limits {
    Limits {
        body_bytes: 64 * 1024,
        ..Limits::default()
    }
}

/// State over a fresh directory store, with the production-shaped worker config.
pub fn state_with(worker: WorkerConfig, dir: PathBuf) -> Arc<AppState> {
    Arc::new(AppState::new(
        worker,
        Some(catalogue()),
        AnyStore::Directory(Directory::new(dir, "default")),
        mesh_http::Security::disabled(),
    ))
}

pub fn state(name: &str) -> (Arc<AppState>, Scratch) {
    let dir = scratch(name);
    (
        state_with(worker("functions_worker.yml"), dir.path().to_path_buf()),
        dir,
    )
}

/// A router over a fresh directory store, which lives as long as the router does.
#[derive(Clone)]
pub struct App {
    router: Router,
    _dir: Arc<Scratch>,
}

impl std::ops::Deref for App {
    type Target = Router;
    fn deref(&self) -> &Router {
        &self.router
    }
}

impl App {
    /// The router, to drive with `oneshot`.
    pub fn router(&self) -> Router {
        self.router.clone()
    }
}

pub fn app(name: &str) -> App {
    let (state, dir) = state(name);
    App {
        router: router(state, limits()),
        _dir: Arc::new(dir),
    }
}

pub struct Answer {
    pub status: StatusCode,
    pub headers: HeaderMap,
    pub body: String,
}

impl Answer {
    pub fn json(&self) -> Value {
        serde_json::from_str(&self.body).unwrap_or_else(|e| panic!("{e}: {}", self.body))
    }

    pub fn reason(&self) -> String {
        self.json()["reason"].as_str().unwrap_or_default().to_owned()
    }
}

pub async fn call(app: &Router, req: Request<Body>) -> Answer {
    let res = app.clone().oneshot(req).await.unwrap();
    let status = res.status();
    let headers = res.headers().clone();
    let body = res.into_body().collect().await.unwrap().to_bytes();
    Answer {
        status,
        headers,
        body: String::from_utf8(body.to_vec()).unwrap(),
    }
}

pub fn get(uri: &str) -> Request<Body> {
    Request::get(uri).body(Body::empty()).unwrap()
}

pub fn delete(uri: &str) -> Request<Body> {
    Request::delete(uri).body(Body::empty()).unwrap()
}

/// `POST` with an empty JSON body, as `pulsar-admin` sends start, stop and restart.
pub fn post_empty(uri: &str) -> Request<Body> {
    Request::post(uri)
        .header(header::CONTENT_TYPE, "application/json")
        .body(Body::empty())
        .unwrap()
}

/// One part of a multipart body: name, file name, header lines, content.
pub struct Part<'a> {
    pub name: &'a str,
    pub filename: Option<&'a str>,
    pub headers: Vec<String>,
    pub content: Vec<u8>,
}

impl<'a> Part<'a> {
    /// A part as Jersey's `FormDataBodyPart` writes it (Content-Type first).
    pub fn jersey(name: &'a str, content_type: &str, content: &str) -> Self {
        Self {
            name,
            filename: None,
            headers: vec![format!("Content-Type: {content_type}")],
            content: content.as_bytes().to_vec(),
        }
    }

    /// A file part as `AsyncHttpClient`'s `FilePart` writes it.
    pub fn file(name: &'a str, filename: &'a str, content: &[u8]) -> Self {
        Self {
            name,
            filename: Some(filename),
            headers: vec![
                "Content-Type: application/octet-stream".to_owned(),
                "Content-Transfer-Encoding: binary".to_owned(),
            ],
            content: content.to_vec(),
        }
    }
}

pub const BOUNDARY: &str = "Boundary_1_1740393582_1732233600000";

/// The bytes of a multipart body with Jersey's boundary style.
pub fn multipart_body(parts: &[Part<'_>]) -> Vec<u8> {
    let mut out = Vec::new();
    for p in parts {
        out.extend_from_slice(format!("--{BOUNDARY}\r\n").as_bytes());
        let mut disposition = format!("Content-Disposition: form-data; name=\"{}\"", p.name);
        if let Some(f) = p.filename {
            disposition = format!("{disposition}; filename=\"{f}\"");
        }
        for h in &p.headers {
            out.extend_from_slice(format!("{h}\r\n").as_bytes());
        }
        out.extend_from_slice(format!("{disposition}\r\n\r\n").as_bytes());
        out.extend_from_slice(&p.content);
        out.extend_from_slice(b"\r\n");
    }
    out.extend_from_slice(format!("--{BOUNDARY}--\r\n").as_bytes());
    out
}

pub fn multipart_type() -> String {
    format!("multipart/form-data;boundary={BOUNDARY}")
}

/// A create (`POST`) or update (`PUT`) as `pulsar-admin` sends it with a package URL.
pub fn form(method: &str, uri: &str, parts: &[Part<'_>]) -> Request<Body> {
    Request::builder()
        .method(method)
        .uri(uri)
        .header(header::CONTENT_TYPE, multipart_type())
        .header("MIME-Version", "1.0")
        .body(Body::from(multipart_body(parts)))
        .unwrap()
}

/// `functionConfig` + `url`, as `functions create --jar function://…` sends them.
pub fn create_with_url(
    method: &str,
    uri: &str,
    config_part: &str,
    config: &Value,
    url: &str,
) -> Request<Body> {
    form(
        method,
        uri,
        &[
            Part::jersey("url", "text/plain", url),
            Part::jersey(config_part, "application/json", &config.to_string()),
        ],
    )
}

/// A create or update with only the config part, as `application/json`.
pub fn config_form(method: &str, uri: &str, part: &str, config: &str) -> Request<Body> {
    form(method, uri, &[Part::jersey(part, "application/json", config)])
}

//! Secured servers for the tests: worker configs with auth, tokens minted here (jsonwebtoken),
//! and requests that carry them.

#![allow(dead_code, clippy::unwrap_used, clippy::expect_used)]

use std::path::PathBuf;
use std::sync::Arc;

use axum::body::Body;
use http::Request;
use jsonwebtoken::{Algorithm, EncodingKey, Header};
use mesh_core::worker::WorkerConfig;
use mesh_core::worker::security::SecurityConfig;
use mesh_http::auth::SecurityError;
use mesh_http::{AppState, Security};
use mesh_kube::{AnyStore, Directory};
use serde_json::Value;

use super::{catalogue, root};

/// A 512-bit HMAC secret (good for HS256, HS384 and HS512).
pub fn secret() -> Vec<u8> {
    (0u8..64).map(|i| i.wrapping_mul(37).wrapping_add(11)).collect()
}

/// A file in its own scratch directory, removed with it; reads as the file's path.
pub struct File {
    path: PathBuf,
    _dir: super::Scratch,
}

impl std::ops::Deref for File {
    type Target = std::path::Path;
    fn deref(&self) -> &std::path::Path {
        &self.path
    }
}

impl AsRef<std::path::Path> for File {
    fn as_ref(&self) -> &std::path::Path {
        &self.path
    }
}

/// Writes `bytes` to a fresh file ([`File`]).
pub fn file(name: &str, bytes: &[u8]) -> File {
    let dir = super::scratch(&format!("keys-{name}"));
    let path = dir.path().join(name);
    std::fs::write(&path, bytes).unwrap();
    File { path, _dir: dir }
}

pub fn auth_fixture(name: &str) -> Vec<u8> {
    std::fs::read(root().join("fixtures/auth").join(name)).unwrap()
}

/// Seconds since the epoch.
pub fn now() -> i64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .as_secs()
        .cast_signed()
}

pub fn hs(alg: Algorithm, claims: &Value) -> String {
    jsonwebtoken::encode(
        &Header::new(alg),
        claims,
        &EncodingKey::from_secret(&secret()).unwrap(),
    )
    .unwrap()
}

/// An HS256 token for `sub`, valid for an hour.
pub fn token_for(sub: &str) -> String {
    hs(
        Algorithm::HS256,
        &serde_json::json!({"sub": sub, "exp": now() + 3600}),
    )
}

pub fn rs(alg: Algorithm, claims: &Value) -> String {
    let key = EncodingKey::from_rsa_pem(&auth_fixture("rsa-private.pem")).unwrap();
    jsonwebtoken::encode(&Header::new(alg), claims, &key).unwrap()
}

/// A worker config from YAML text.
pub fn worker_yaml(yaml: &str) -> WorkerConfig {
    mesh_core::document::parse_one(yaml.as_bytes()).unwrap()
}

/// `properties.tokenSecretKey` as a `data:` URL of [`secret`].
pub fn secret_data_url() -> String {
    use base64::Engine as _;
    format!(
        "data:;base64,{}",
        base64::engine::general_purpose::STANDARD.encode(secret())
    )
}

/// A worker config with token authentication by [`secret`] and `extra` YAML lines.
pub fn token_worker(extra: &str) -> WorkerConfig {
    worker_yaml(&format!(
        "pulsarFunctionsCluster: test\nauthenticationEnabled: true\nauthenticationProviders: [org.apache.pulsar.broker.authentication.AuthenticationProviderToken]\nproperties:\n  tokenSecretKey: \"{}\"\n{extra}",
        secret_data_url()
    ))
}

/// The security of `worker`, as `mesh serve` puts it in place.
pub fn security(worker: &WorkerConfig) -> Result<Security, SecurityError> {
    let config = SecurityConfig::from_worker(worker).map_err(SecurityError::Config)?;
    Security::new(&config, false)
}

/// State over a fresh directory store, secured as `worker` says.
pub fn secured(worker: WorkerConfig, name: &str) -> (Arc<AppState>, super::Scratch) {
    let dir = super::scratch(name);
    let security = security(&worker).unwrap_or_else(|e| panic!("{}", mesh_core::error_chain(&e)));
    (
        Arc::new(AppState::new(
            worker,
            Some(catalogue()),
            AnyStore::Directory(Directory::new(dir.path().to_path_buf(), "default")),
            security,
        )),
        dir,
    )
}

/// `request` with `Authorization: Bearer <token>`.
pub fn bearer(mut request: Request<Body>, token: &str) -> Request<Body> {
    request
        .headers_mut()
        .insert("authorization", format!("Bearer {token}").parse().unwrap());
    request
}

/// `request` with a header.
pub fn with(mut request: Request<Body>, name: &'static str, value: &str) -> Request<Body> {
    request.headers_mut().insert(name, value.parse().unwrap());
    request
}

/// The status of `request` and, unless it succeeded, its `reason`.
pub async fn answer(app: &axum::Router, request: Request<Body>) -> (http::StatusCode, String) {
    let a = super::call(app, request).await;
    let reason = if a.status.is_success() {
        String::new()
    } else {
        a.reason()
    };
    (a.status, reason)
}

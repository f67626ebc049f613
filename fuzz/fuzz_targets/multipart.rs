//! The multipart body of a create or update, as `pulsar-admin` sends it, through the real router
//! (form parsing, the config part, conversion, the store): every answer is a status below 500
//! with a `{"reason": ...}` body when it is an error.
#![no_main]

use std::sync::OnceLock;

use axum::body::Body;
use http_body_util::BodyExt as _;
use libfuzzer_sys::fuzz_target;
use tower::ServiceExt as _;

fn app() -> &'static (tokio::runtime::Runtime, axum::Router) {
    static APP: OnceLock<(tokio::runtime::Runtime, axum::Router)> = OnceLock::new();
    APP.get_or_init(|| {
        let runtime = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .expect("runtime");
        let dir = std::env::temp_dir().join(format!("mesh-fuzz-multipart-{}", std::process::id()));
        let state = mesh_http::AppState::new(
            mesh_fuzz::worker().clone(),
            Some(mesh_fuzz::catalogue().clone()),
            mesh_kube::AnyStore::Directory(mesh_kube::Directory::new(dir, "default")),
            mesh_http::Security::disabled(),
        );
        let limits = mesh_http::Limits {
            body_bytes: 64 * 1024,
            ..mesh_http::Limits::default()
        };
        (runtime, mesh_http::router(std::sync::Arc::new(state), limits))
    })
}

fuzz_target!(|data: &[u8]| {
    let (runtime, router) = app();
    // The first byte picks the request; the rest is the body.
    let Some((&pick, body)) = data.split_first() else {
        return;
    };
    let (method, uri) = match pick % 4 {
        0 => ("POST", "/admin/v3/functions/public/default/f"),
        1 => ("PUT", "/admin/v3/functions/public/default/f"),
        2 => ("POST", "/admin/v3/sources/public/default/s"),
        _ => ("PUT", "/admin/v3/sinks/public/default/k"),
    };
    let request = axum::http::Request::builder()
        .method(method)
        .uri(uri)
        .header("content-type", "multipart/form-data; boundary=X")
        .body(Body::from(body.to_vec()))
        .expect("request");
    runtime.block_on(async {
        let response = router.clone().oneshot(request).await.expect("infallible");
        let status = response.status();
        let bytes = response.into_body().collect().await.expect("body").to_bytes();
        assert!(
            status.as_u16() < 500,
            "{status}: {}",
            String::from_utf8_lossy(&bytes)
        );
        if !status.is_success() {
            let v: serde_json::Value = serde_json::from_slice(&bytes).expect("an error is JSON");
            assert!(v["reason"].is_string(), "{}", String::from_utf8_lossy(&bytes));
        }
    });
});

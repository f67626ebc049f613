//! The real client stack (kubeconfig → kube's client → the store's retry policy) against a
//! local server that answers every request with 503: the store makes exactly the attempts its
//! policy allows, no more (kube's client retries 503 by itself unless told not to).

#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Duration;

use mesh_kube::{Cluster, ClusterOptions, ObjectKey, ResourceKind, RetryPolicy, Store, StoreError};
use tokio::io::{AsyncReadExt, AsyncWriteExt};

/// Answers every request 503 with a Kubernetes `Status`, one request per connection; counts them.
async fn unavailable_server() -> (String, Arc<AtomicUsize>) {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    let count = Arc::new(AtomicUsize::new(0));
    let seen = count.clone();
    tokio::spawn(async move {
        loop {
            let Ok((mut stream, _)) = listener.accept().await else {
                return;
            };
            let seen = seen.clone();
            tokio::spawn(async move {
                let mut buf = Vec::new();
                let mut chunk = [0u8; 4096];
                while !buf.windows(4).any(|w| w == b"\r\n\r\n") {
                    match stream.read(&mut chunk).await {
                        Ok(0) | Err(_) => return,
                        Ok(n) => buf.extend_from_slice(&chunk[..n]),
                    }
                }
                seen.fetch_add(1, Ordering::SeqCst);
                let body = r#"{"kind":"Status","apiVersion":"v1","status":"Failure","message":"the server is shutting down","reason":"ServiceUnavailable","code":503}"#;
                let answer = format!(
                    "HTTP/1.1 503 Service Unavailable\r\nContent-Type: application/json\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{body}",
                    body.len()
                );
                let _ = stream.write_all(answer.as_bytes()).await;
            });
        }
    });
    (format!("http://{addr}"), count)
}

fn kubeconfig(server: &str) -> std::path::PathBuf {
    let dir = std::env::temp_dir().join(format!("mesh-kube-retries-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let path = dir.join("kubeconfig");
    std::fs::write(
        &path,
        format!(
            "apiVersion: v1\nkind: Config\nclusters:\n- name: c\n  cluster:\n    server: {server}\ncontexts:\n- name: c\n  context:\n    cluster: c\n    user: u\ncurrent-context: c\nusers:\n- name: u\n  user:\n    token: t\n"
        ),
    )
    .unwrap();
    path
}

#[tokio::test]
async fn a_503_is_tried_exactly_as_often_as_the_policy_says() {
    let (server, count) = unavailable_server().await;
    let cluster = Cluster::connect(&ClusterOptions {
        kubeconfig: Some(kubeconfig(&server)),
        namespace: Some("default".to_owned()),
        retry: RetryPolicy {
            attempts: 3,
            initial_delay: Duration::from_millis(10),
            max_delay: Duration::from_millis(20),
            call_timeout: Duration::from_secs(5),
        },
        ..ClusterOptions::default()
    })
    .await
    .unwrap();
    let key = ObjectKey {
        kind: ResourceKind::Function,
        namespace: "default".to_owned(),
        name: "x".to_owned(),
    };
    let e = cluster.get(&key).await.unwrap_err();
    assert!(matches!(e, StoreError::Unavailable { .. }), "{e}");
    assert_eq!(
        count.load(Ordering::SeqCst),
        3,
        "attempts: ours only, not kube's on top"
    );
}

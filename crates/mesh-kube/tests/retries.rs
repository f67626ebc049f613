//! The real client stack (kubeconfig → kube's client → the store's retry policy) against a
//! local server that answers every request with 503: the store makes exactly the attempts its
//! policy allows, no more (kube's client retries 503 by itself unless told not to).

#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Duration;

use mesh_kube::{
    Cluster, ClusterOptions, ObjectKey, ResourceKind, RetryPolicy, Store, StoreError, Transient,
};
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

/// A kubeconfig for `server`, in a scratch directory that lives as long as the returned guard.
fn kubeconfig(server: &str) -> (tempfile::TempDir, std::path::PathBuf) {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("kubeconfig");
    std::fs::write(
        &path,
        format!(
            "apiVersion: v1\nkind: Config\nclusters:\n- name: c\n  cluster:\n    server: {server}\ncontexts:\n- name: c\n  context:\n    cluster: c\n    user: u\ncurrent-context: c\nusers:\n- name: u\n  user:\n    token: t\n"
        ),
    )
    .unwrap();
    (dir, path)
}

fn quick(attempts: u32) -> RetryPolicy {
    RetryPolicy {
        attempts,
        initial_delay: Duration::from_millis(10),
        max_delay: Duration::from_millis(20),
        call_timeout: Duration::from_secs(5),
    }
}

/// A store over `server` with `attempts` quick attempts, through a kubeconfig in a scratch
/// directory that lives as long as the returned guard.
async fn cluster(server: &str, attempts: u32) -> (tempfile::TempDir, Cluster) {
    let (dir, kubeconfig) = kubeconfig(server);
    let cluster = Cluster::connect(&ClusterOptions {
        kubeconfig: Some(kubeconfig),
        namespace: Some("default".to_owned()),
        retry: quick(attempts),
        ..ClusterOptions::default()
    })
    .await
    .unwrap();
    (dir, cluster)
}

fn key() -> ObjectKey {
    ObjectKey {
        kind: ResourceKind::Function,
        namespace: "default".to_owned(),
        name: "x".to_owned(),
    }
}

#[tokio::test]
async fn a_503_is_tried_exactly_as_often_as_the_policy_says() {
    let (server, count) = unavailable_server().await;
    let (_dir, cluster) = cluster(&server, 3).await;
    let e = cluster.get(&key()).await.unwrap_err();
    assert!(
        matches!(&e, StoreError::Unavailable { attempts: 3, last: Transient::Status(s) } if s.code() == 503),
        "{e:?}"
    );
    assert_eq!(
        mesh_core::error_chain(&e),
        "unavailable after 3 attempts: 503 ServiceUnavailable: the server is shutting down"
    );
    assert_eq!(
        count.load(Ordering::SeqCst),
        3,
        "attempts: ours only, not kube's on top"
    );
}

#[tokio::test]
async fn a_refused_connection_is_unavailable_with_the_connection_error_as_its_cause() {
    // A port that was just free: nothing listens there.
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let (_dir, cluster) = cluster(&format!("http://127.0.0.1:{port}"), 2).await;
    let e = cluster.get(&key()).await.unwrap_err();
    let StoreError::Unavailable {
        attempts: 2,
        last: Transient::Connection(cause),
    } = &e
    else {
        panic!("{e:?}")
    };
    assert!(
        mesh_core::error_chain(cause.as_ref()).contains("Connection refused"),
        "{}",
        mesh_core::error_chain(&e)
    );
    assert!(
        mesh_core::error_chain(&e).starts_with("unavailable after 2 attempts: cannot reach the API server: "),
        "{}",
        mesh_core::error_chain(&e)
    );
}

#[tokio::test]
async fn an_unreadable_kubeconfig_is_a_config_error_naming_the_file() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("kubeconfig");
    std::fs::write(&path, "clusters: [not, a, kubeconfig").unwrap();
    let Err(e) = Cluster::connect(&ClusterOptions {
        kubeconfig: Some(path.clone()),
        ..ClusterOptions::default()
    })
    .await
    else {
        panic!("a broken kubeconfig was accepted")
    };
    assert!(
        matches!(&e, StoreError::Config { kubeconfig: Some(p), .. } if *p == path),
        "{e:?}"
    );
    let text = mesh_core::error_chain(&e);
    assert!(
        text.starts_with(&format!("cannot use the store (kubeconfig {}): ", path.display())),
        "{text}"
    );
}

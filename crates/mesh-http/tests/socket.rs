//! The server on a real socket: an independent Pulsar admin client (`magnetar-admin`), raw
//! requests byte for byte as `pulsar-admin` sends them, slow and broken clients, and a graceful
//! shutdown that finishes the request in flight.

#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use std::net::SocketAddr;
use std::time::Duration;

use magnetar_admin::{AdminClient, AdminError, FunctionConfig};
use mesh_http::{Limits, router};
use serde_json::{Value, json};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpStream;
use tokio::sync::oneshot;

struct Server {
    addr: SocketAddr,
    stop: Option<oneshot::Sender<()>>,
    done: tokio::task::JoinHandle<std::io::Result<()>>,
}

impl Server {
    async fn start(name: &str, limits: Limits) -> Self {
        let (state, _) = common::state(name);
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let addr = listener.local_addr().unwrap();
        let (stop, stopped) = oneshot::channel::<()>();
        let done = tokio::spawn(mesh_http::serve(
            listener,
            router(state, limits),
            limits,
            async move {
                let _ = stopped.await;
            },
        ));
        Self {
            addr,
            stop: Some(stop),
            done,
        }
    }

    async fn shutdown(mut self) {
        let _ = self.stop.take().unwrap().send(());
        tokio::time::timeout(Duration::from_secs(10), self.done)
            .await
            .expect("shutdown finishes")
            .unwrap()
            .unwrap();
    }
}

fn limits() -> Limits {
    Limits {
        body_bytes: 64 * 1024,
        header_read_timeout: Duration::from_secs(1),
        ..Limits::default()
    }
}

/// Sends raw bytes on a new connection and reads the whole answer (the request asks to close).
async fn raw(addr: SocketAddr, request: &[u8]) -> String {
    let mut s = TcpStream::connect(addr).await.unwrap();
    s.write_all(request).await.unwrap();
    let mut out = Vec::new();
    tokio::time::timeout(Duration::from_secs(10), s.read_to_end(&mut out))
        .await
        .expect("the server answers and closes")
        .unwrap();
    String::from_utf8_lossy(&out).into_owned()
}

fn status_of(response: &str) -> u16 {
    response
        .split(' ')
        .nth(1)
        .and_then(|c| c.parse().ok())
        .unwrap_or_else(|| panic!("no status line in {response:?}"))
}

fn body_of(response: &str) -> Value {
    let body = response.split("\r\n\r\n").nth(1).unwrap_or_default();
    serde_json::from_str(body).unwrap_or_else(|e| panic!("{e}: {response}"))
}

/// A multipart request as pulsar-admin's Jersey client writes it.
fn jersey_request(method: &str, path: &str, addr: SocketAddr, parts: &[common::Part<'_>]) -> Vec<u8> {
    let body = common::multipart_body(parts);
    let mut out = format!(
        "{method} {path} HTTP/1.1\r\nContent-Type: {}\r\nMIME-Version: 1.0\r\nUser-Agent: Pulsar-Java-v3.2.0\r\n\
         Accept: application/json\r\nHost: {addr}\r\nConnection: close\r\nContent-Length: {}\r\n\r\n",
        common::multipart_type(),
        body.len()
    )
    .into_bytes();
    out.extend_from_slice(&body);
    out
}

#[tokio::test]
async fn an_independent_admin_client_manages_functions() {
    // magnetar's reqwest shares mesh's rustls build, which has no provider of its own.
    mesh_http::auth::install_crypto_provider();
    let server = Server::start("magnetar", limits()).await;
    let admin = AdminClient::builder()
        .service_url(url::Url::parse(&format!("http://{}", server.addr)).unwrap())
        .build()
        .unwrap();
    let config = FunctionConfig {
        tenant: "public".into(),
        namespace: "default".into(),
        name: "echo".into(),
        class_name: "org.example.Echo".into(),
        inputs: vec!["persistent://public/default/in".into()],
        output: "persistent://public/default/out".into(),
        runtime: "JAVA".into(),
        parallelism: 2,
        user_config: Some(json!({"greeting": "hello"})),
    };
    let url = "function://public/default/echo@1.0";
    admin
        .function_create_with_url("public", "default", "echo", url, config.clone())
        .await
        .unwrap();
    match admin
        .function_create_with_url("public", "default", "echo", url, config.clone())
        .await
    {
        Err(AdminError::Status { code: 400, body, .. }) => {
            assert!(body.contains("Function echo already exists"), "{body}");
        }
        other => panic!("{other:?}"),
    }
    let got = admin.function_get("public", "default", "echo").await.unwrap();
    assert_eq!(got["parallelism"], 2);
    assert_eq!(got["userConfig"]["greeting"], "hello");
    assert_eq!(got["jar"], url);
    assert_eq!(
        admin
            .functions_list_by_namespace("public", "default")
            .await
            .unwrap(),
        ["echo"]
    );
    let status = admin.function_status("public", "default", "echo").await.unwrap();
    assert_eq!(status["numInstances"], 2);
    let one = admin
        .function_instance_status("public", "default", "echo", 1)
        .await
        .unwrap();
    assert_eq!(one["running"], false);

    admin.function_stop("public", "default", "echo").await.unwrap();
    admin.function_start("public", "default", "echo").await.unwrap();
    admin.function_restart("public", "default", "echo").await.unwrap();

    let updated = FunctionConfig {
        parallelism: 3,
        ..config
    };
    admin
        .function_update_with_url(
            "public",
            "default",
            "echo",
            "function://public/default/echo@2.0",
            updated,
        )
        .await
        .unwrap();
    let got = admin.function_get("public", "default", "echo").await.unwrap();
    assert_eq!(
        (got["parallelism"].clone(), got["jar"].clone()),
        (json!(3), json!("function://public/default/echo@2.0"))
    );

    admin.function_delete("public", "default", "echo").await.unwrap();
    match admin.function_get("public", "default", "echo").await {
        Err(AdminError::Status { code: 404, body, .. }) => {
            assert!(body.contains("Function echo doesn't exist"), "{body}");
        }
        other => panic!("{other:?}"),
    }
    server.shutdown().await;
}

#[tokio::test]
async fn raw_pulsar_admin_requests_for_sinks_and_sources() {
    let server = Server::start("raw", limits()).await;
    let addr = server.addr;
    // `pulsar-admin sinks create --archive builtin://elastic_search …`: no data part.
    let sink = json!({"tenant": "public", "namespace": "default", "name": "es", "className": null,
        "inputs": ["persistent://public/default/es-in"], "parallelism": 1, "archive": "builtin://elastic_search",
        "configs": {"elasticSearchUrl": "http://es:9200"}, "autoAck": true});
    let req = jersey_request(
        "POST",
        "/admin/v3/sink/public/default/es",
        addr,
        &[common::Part::jersey(
            "sinkConfig",
            "application/json",
            &sink.to_string(),
        )],
    );
    let answer = raw(addr, &req).await;
    assert_eq!(status_of(&answer), 204, "{answer}");

    let get = format!(
        "GET /admin/v3/sink/public/default/es HTTP/1.1\r\nHost: {addr}\r\nAccept: application/json\r\nConnection: close\r\n\r\n"
    );
    let answer = raw(addr, get.as_bytes()).await;
    assert_eq!(status_of(&answer), 200, "{answer}");
    assert_eq!(body_of(&answer)["archive"], "builtin://elastic_search");

    // `pulsar-admin sources create --archive ./x.nar`: a file upload, which mesh does not keep.
    let source = json!({"tenant": "public", "namespace": "default", "name": "gen",
        "topicName": "persistent://public/default/out", "archive": "x.nar", "className": "org.example.Gen"});
    let req = jersey_request(
        "POST",
        "/admin/v3/source/public/default/gen",
        addr,
        &[
            common::Part::jersey("sourceConfig", "application/json", &source.to_string()),
            common::Part::file("data", "x.nar", b"PK\x03\x04"),
        ],
    );
    let answer = raw(addr, &req).await;
    assert_eq!(status_of(&answer), 400, "{answer}");
    assert_eq!(body_of(&answer)["reason"], "Uploading Jar File is not enabled");

    // With a URL instead: created; then stop, start, status and delete the way the CLI does them.
    let req = jersey_request(
        "POST",
        "/admin/v3/source/public/default/gen",
        addr,
        &[
            common::Part::jersey("url", "text/plain", "source://public/default/gen@1"),
            common::Part::jersey("sourceConfig", "application/json", &source.to_string()),
        ],
    );
    assert_eq!(status_of(&raw(addr, &req).await), 204);
    for action in ["stop", "start", "restart"] {
        let req = format!(
            "POST /admin/v3/source/public/default/gen/{action} HTTP/1.1\r\nHost: {addr}\r\nContent-Type: application/json\r\nContent-Length: 0\r\nConnection: close\r\n\r\n"
        );
        assert_eq!(status_of(&raw(addr, req.as_bytes()).await), 204, "{action}");
    }
    let req = format!(
        "GET /admin/v3/source/public/default/gen/status HTTP/1.1\r\nHost: {addr}\r\nConnection: close\r\n\r\n"
    );
    let answer = raw(addr, req.as_bytes()).await;
    assert_eq!(body_of(&answer)["numInstances"], 1, "{answer}");
    let req = format!(
        "DELETE /admin/v3/source/public/default/gen HTTP/1.1\r\nHost: {addr}\r\nConnection: close\r\n\r\n"
    );
    assert_eq!(status_of(&raw(addr, req.as_bytes()).await), 204);
    server.shutdown().await;
}

#[tokio::test]
async fn broken_and_slow_clients_get_answers_not_hangs() {
    let server = Server::start("broken", limits()).await;
    let addr = server.addr;

    let answer = raw(addr, b"NOT A REQUEST\r\n\r\n").await;
    assert_eq!(status_of(&answer), 400, "{answer}");

    let big = vec![b'x'; 200 * 1024];
    let req = jersey_request(
        "POST",
        "/admin/v3/functions/public/default/big",
        addr,
        &[common::Part::file("data", "big.jar", &big)],
    );
    let answer = raw(addr, &req).await;
    assert_eq!(status_of(&answer), 413, "{answer}");

    let req = format!(
        "POST /admin/v3/functions/public/default/x HTTP/1.1\r\nHost: {addr}\r\nContent-Type: multipart/form-data; boundary=zz\r\nContent-Length: 17\r\nConnection: close\r\n\r\n--zz\r\nbroken-----"
    );
    let answer = raw(addr, req.as_bytes()).await;
    assert_eq!(status_of(&answer), 400, "{answer}");

    // Headers that never end: the connection is closed after the header timeout.
    let mut slow = TcpStream::connect(addr).await.unwrap();
    slow.write_all(b"GET /healthz HTTP/1.1\r\nHost: x\r\n")
        .await
        .unwrap();
    let mut buf = Vec::new();
    let read = tokio::time::timeout(Duration::from_secs(5), slow.read_to_end(&mut buf)).await;
    assert!(
        read.is_ok(),
        "the server must close a connection whose headers never end"
    );
    server.shutdown().await;
}

#[tokio::test]
async fn shutdown_finishes_the_request_in_flight() {
    let server = Server::start("graceful", limits()).await;
    let addr = server.addr;
    let config = json!({"className": "org.example.Echo", "inputs": ["in"], "runtime": "JAVA"}).to_string();
    let req = jersey_request(
        "POST",
        "/admin/v3/functions/public/default/late",
        addr,
        &[
            common::Part::jersey("url", "text/plain", "function://public/default/late@1"),
            common::Part::jersey("functionConfig", "application/json", &config),
        ],
    );
    let (head, tail) = req.split_at(req.len() - 10);
    let mut s = TcpStream::connect(addr).await.unwrap();
    s.write_all(head).await.unwrap();
    tokio::time::sleep(Duration::from_millis(200)).await;
    let stopping = tokio::spawn(server.shutdown());
    tokio::time::sleep(Duration::from_millis(200)).await;
    s.write_all(tail).await.unwrap();
    let mut out = Vec::new();
    s.read_to_end(&mut out).await.unwrap();
    let answer = String::from_utf8_lossy(&out);
    assert_eq!(status_of(&answer), 204, "{answer}");
    stopping.await.unwrap();
    assert!(TcpStream::connect(addr).await.is_err(), "no longer listening");
}

/// Sends `head` (and nothing of the body it announces) and reads what comes back within 5 s.
async fn answer_to_head(addr: SocketAddr, head: &str) -> String {
    let mut stream = TcpStream::connect(addr).await.unwrap();
    stream.write_all(head.as_bytes()).await.unwrap();
    let mut got = Vec::new();
    let mut chunk = [0u8; 4096];
    let _ = tokio::time::timeout(Duration::from_secs(5), async {
        loop {
            match stream.read(&mut chunk).await {
                Ok(0) | Err(_) => break,
                Ok(n) => {
                    got.extend_from_slice(&chunk[..n]);
                    if got.windows(4).any(|w| w == b"\r\n\r\n") && got.ends_with(b"}") {
                        break;
                    }
                }
            }
        }
    })
    .await;
    String::from_utf8_lossy(&got).into_owned()
}

#[tokio::test]
async fn an_announced_body_over_the_limit_is_refused_before_it_is_sent() {
    let server = Server::start("declared", limits()).await;
    let addr = server.addr;
    for expect in ["", "Expect: 100-continue\r\n"] {
        let head = format!(
            "POST /admin/v3/functions/public/default/big HTTP/1.1\r\nHost: x\r\nContent-Type: multipart/form-data; boundary=b\r\nContent-Length: 1000000000000\r\n{expect}\r\nx"
        );
        let started = std::time::Instant::now();
        let got = answer_to_head(addr, &head).await;
        assert!(got.starts_with("HTTP/1.1 413"), "{expect:?}: {got}");
        assert!(!got.contains("100 Continue"), "{got}");
        assert!(got.contains(r#"{"reason":"the request body of 1000000000000 bytes is larger than the 65536 bytes this server accepts"}"#), "{got}");
        assert!(started.elapsed() < Duration::from_secs(3), "answered at once");
    }
    server.shutdown().await;
}

#[tokio::test]
async fn a_client_still_uploading_reads_the_refusal_instead_of_a_reset() {
    let server = Server::start("linger", limits()).await;
    let addr = server.addr;
    for round in 0..5 {
        let stream = TcpStream::connect(addr).await.unwrap();
        let (mut read, mut write) = stream.into_split();
        let uploading = tokio::spawn(async move {
            let head = "POST /admin/v3/functions/public/default/big HTTP/1.1\r\nHost: x\r\nContent-Type: multipart/form-data; boundary=b\r\nContent-Length: 8388608\r\n\r\n";
            let _ = write.write_all(head.as_bytes()).await;
            let chunk = vec![b'x'; 64 * 1024];
            for _ in 0..128 {
                write.write_all(&chunk).await?;
            }
            write.shutdown().await
        });
        // As pulsar-admin does: the whole body first, then read the answer. The server reads
        // and drops the rest of the upload instead of resetting the connection under it.
        let uploaded = tokio::time::timeout(Duration::from_secs(5), uploading).await;
        assert!(
            matches!(uploaded, Ok(Ok(Ok(())))),
            "round {round}: the upload was cut off: {uploaded:?}"
        );
        let mut got = Vec::new();
        let read_result = tokio::time::timeout(Duration::from_secs(10), read.read_to_end(&mut got))
            .await
            .expect("the server answers and closes");
        let answer = String::from_utf8_lossy(&got);
        assert!(read_result.is_ok(), "round {round}: closed with {read_result:?}");
        assert!(answer.starts_with("HTTP/1.1 413"), "round {round}: {answer:?}");
        assert!(answer.contains("larger than the 65536 bytes"), "{answer}");
    }
    server.shutdown().await;
}

#[tokio::test]
async fn slow_bodies_hold_no_concurrency_slot_and_time_out_with_408() {
    let limits = Limits {
        concurrency: 2,
        body_read_timeout: Duration::from_secs(4),
        ..limits()
    };
    let server = Server::start("slow-bodies", limits).await;
    let addr = server.addr;
    let config =
        json!({"className": "org.example.Echo", "inputs": ["in"], "jar": "function://public/default/x@1"})
            .to_string();
    let head = format!(
        "POST /mesh/v1/convert/function HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: {}\r\n\r\n",
        config.len()
    );
    // Ten clients that send the headers and one byte of the body, then nothing.
    let mut slow = Vec::new();
    for _ in 0..10 {
        let mut s = TcpStream::connect(addr).await.unwrap();
        s.write_all(head.as_bytes()).await.unwrap();
        s.write_all(&config.as_bytes()[..1]).await.unwrap();
        slow.push(s);
    }
    tokio::time::sleep(Duration::from_millis(200)).await;
    // A normal request is served at once, well before the slow bodies time out.
    let normal = format!("{head}{config}").replace("HTTP/1.1\r\n", "HTTP/1.1\r\nConnection: close\r\n");
    let answer = tokio::time::timeout(Duration::from_secs(3), raw(addr, normal.as_bytes()))
        .await
        .expect("a normal request is not starved by slow senders");
    assert_eq!(status_of(&answer), 200, "{answer}");
    // The slow ones are told why.
    for mut s in slow {
        let mut out = Vec::new();
        let _ = tokio::time::timeout(Duration::from_secs(10), s.read_to_end(&mut out)).await;
        let answer = String::from_utf8_lossy(&out);
        assert_eq!(status_of(&answer), 408, "{answer}");
        assert!(
            answer.contains(r#"{"reason":"the request body did not arrive within 4s"}"#),
            "{answer}"
        );
    }
    server.shutdown().await;
}

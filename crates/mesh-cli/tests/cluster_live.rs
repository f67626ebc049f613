//! The `mesh` binary against a real kube-apiserver whose process dies: `mesh apply` of 200
//! functions interrupted by a `kill -9` completes on the next run with exactly the 200, and
//! `mesh serve --store kube` answers 503 with a reason (and fails `/readyz`) while the API server
//! is away, then recovers by itself.
//!
//! Runs when `MESH_TEST_KUBECONFIG` names the server's kubeconfig and `MESH_TEST_KUBE_SCRIPTS`
//! the folder of its start and stop scripts (`.ci/run` sets both); otherwise each test says it
//! is skipped.

#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use std::path::Path;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use common::exchange as http;
use common::kube::{Kube, install_crds, kube, mesh, scratch, text};

/// Both tests stop the API server: one at a time.
static SERIAL: std::sync::Mutex<()> = std::sync::Mutex::new(());

/// 200 function configs, one file each.
fn configs(dir: &Path, n: usize) {
    for i in 0..n {
        std::fs::write(
            dir.join(format!("f{i:03}.yaml")),
            format!(
                "tenant: public\nnamespace: fault\nname: f{i:03}\nclassName: org.example.Echo\n\
                 jar: function://public/fault/f{i:03}@1\ninputs: [in-{i}]\nparallelism: 1\n\
                 userConfig: {{index: {i}, big: 9007199254740993}}\n"
            ),
        )
        .unwrap();
    }
}

/// The API server to itself (tests run one at a time), with mesh's CRDs and `namespace`.
fn prepared(namespace: &str) -> Option<(std::sync::MutexGuard<'static, ()>, Kube)> {
    let serial = SERIAL.lock().unwrap_or_else(std::sync::PoisonError::into_inner);
    let kube = kube()?;
    install_crds(&kube);
    kube.namespace(namespace);
    Some((serial, kube))
}

#[test]
fn an_apply_of_200_killed_mid_way_completes_on_the_next_run() {
    let namespace = "mesh-fault-apply";
    let Some((_serial, kube)) = prepared(namespace) else {
        return;
    };
    kube.delete_functions(namespace);
    let scratch = scratch("apply");
    let dir = scratch.path();
    configs(dir, 200);
    let mut apply = vec!["apply".to_owned(), "--cluster".to_owned(), "c".to_owned()];
    apply.extend(kube.store_args(namespace));
    apply.push(dir.display().to_string());

    let child = Command::new(env!("CARGO_BIN_EXE_mesh"))
        .args(&apply)
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let started = Instant::now();
    let mut before = 0;
    while before < 40 {
        assert!(started.elapsed() < Duration::from_mins(1), "apply makes progress");
        before = kube.functions(namespace).len();
        std::thread::sleep(Duration::from_millis(20));
    }
    kube.kill_api_server();
    let killed_at = Instant::now();
    kube.restart();
    let first = child.wait_with_output().unwrap();
    eprintln!(
        "API server killed with {before} of 200 applied, back after {:?}; the interrupted apply exited {:?}: {}",
        killed_at.elapsed(),
        first.status.code(),
        text(&first.stderr).lines().last().unwrap_or_default()
    );

    let again = mesh(&apply);
    assert_eq!(
        again.status.code(),
        Some(0),
        "the same command completes: {}",
        text(&again.stderr)
    );
    let items = kube.functions(namespace);
    assert_eq!(items.len(), 200, "exactly the 200 are in the cluster");
    // Unchanged: a third run changes nothing, and every object holds what its config said.
    let third = mesh(&apply);
    assert_eq!(third.status.code(), Some(0), "{}", text(&third.stderr));
    let summary = text(&third.stderr);
    assert!(
        summary.contains("0 created, 0 updated, 200 unchanged, 0 failed"),
        "{summary}"
    );
    for item in &items {
        let component = item["metadata"]["labels"]["compute.functionmesh.io/pulsar-component"]
            .as_str()
            .unwrap();
        let index: usize = component.trim_start_matches('f').parse().unwrap();
        let config = &item["spec"]["funcConfig"];
        assert_eq!(config["index"], index, "{item}");
        // 2^53 + 1: past an f64's integers, within the API server's 64-bit ones.
        assert_eq!(config["big"].to_string(), "9007199254740993", "{item}");
    }
    // A number the API server would change is refused, named, and nothing is written.
    let bigger = dir.join("f000.yaml");
    let text_of = std::fs::read_to_string(&bigger).unwrap();
    std::fs::write(
        &bigger,
        text_of.replace("9007199254740993", "123456789012345678901234567890"),
    )
    .unwrap();
    let refused = mesh(&apply);
    assert_eq!(refused.status.code(), Some(1));
    let why = text(&refused.stderr);
    assert!(
        why.contains("spec.funcConfig.big: 123456789012345678901234567890") && why.contains("1 failed"),
        "{why}"
    );
    kube.delete_functions(namespace);
}

fn get(addr: &str, path: &str) -> (u16, String) {
    http(
        addr,
        &format!("GET {path} HTTP/1.1\r\nHost: {addr}\r\nConnection: close\r\n\r\n"),
    )
}

#[test]
fn serve_answers_503_while_the_api_server_is_away_and_recovers_by_itself() {
    let namespace = "mesh-fault-serve";
    let Some((_serial, kube)) = prepared(namespace) else {
        return;
    };
    // A worker config that names the cluster and leaves the namespace to `-n`.
    let scratch = scratch("serve");
    let worker = scratch.path().join("worker.yml");
    std::fs::write(&worker, "pulsarFunctionsCluster: local\n").unwrap();
    let mut args = vec![
        "--listen".to_owned(),
        "127.0.0.1:0".to_owned(),
        "--worker-config".to_owned(),
        worker.display().to_string(),
    ];
    args.extend(kube.store_args(namespace));
    let args: Vec<&str> = args.iter().map(String::as_str).collect();
    let (addr, mut child, lines) = common::serve(&args);
    std::thread::spawn(move || for _ in lines {});

    assert_eq!(get(&addr, "/readyz").0, 200);
    let create = common::create_request(&addr, None);
    let (status, answer) = http(&addr, &create);
    assert!(
        status == 204 || answer.contains("already exists"),
        "{status} {answer}"
    );

    kube.kill_api_server();
    kube.script("stop-kube-apiserver.sh");
    let started = Instant::now();
    let (status, answer) = get(&addr, "/readyz");
    assert_eq!(status, 503, "{answer}");
    assert!(answer.contains("\"reason\""), "{answer}");
    let readyz_took = started.elapsed();
    let started = Instant::now();
    let (status, answer) = get(&addr, "/admin/v3/functions/public/default/echo");
    assert_eq!(status, 503, "{answer}");
    let reason: serde_json::Value = serde_json::from_str(&answer).unwrap();
    assert!(
        reason["reason"].as_str().is_some_and(|r| !r.is_empty()),
        "{answer}"
    );
    eprintln!(
        "while the API server was away: /readyz 503 in {readyz_took:?}, a get 503 in {:?}: {}",
        started.elapsed(),
        reason["reason"]
    );

    kube.script("start-kube-apiserver.sh");
    let back = Instant::now();
    while get(&addr, "/readyz").0 != 200 {
        assert!(
            back.elapsed() < Duration::from_mins(1),
            "/readyz recovers by itself"
        );
        std::thread::sleep(Duration::from_millis(500));
    }
    let (status, answer) = get(&addr, "/admin/v3/functions/public/default/echo");
    assert_eq!(status, 200, "{answer}");
    let gone = http(
        &addr,
        &format!(
            "DELETE /admin/v3/functions/public/default/echo HTTP/1.1\r\nHost: {addr}\r\nConnection: close\r\n\r\n"
        ),
    );
    assert_eq!(gone.0, 204, "{}", gone.1);
    let _ = Command::new("kill")
        .args(["-TERM", &child.id().to_string()])
        .status();
    let _ = child.wait();
}

//! The objects of `mesh convert --to statefulset` on the real kube-apiserver: for every fixture
//! that converts, the Service, StatefulSet and Secret are created with a server-side dry run
//! (`dryRun=All`), so Kubernetes' own validation of names, labels, selectors, ports, probes and
//! resources admits each one. Kubernetes' checks are stricter than any schema file: this is
//! where a dotted Service name or a port without a number would be refused.
//!
//! Runs when `MESH_TEST_KUBECONFIG` names the server's kubeconfig and `MESH_TEST_KUBE_SCRIPTS`
//! the folder of its scripts (`.ci/run` sets both); otherwise the test says it is skipped.

#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use std::path::{Path, PathBuf};

use common::kube::{kube, mesh};
use serde_json::Value;

fn repo() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../..")
}

fn fixtures() -> Vec<PathBuf> {
    let mut out = Vec::new();
    for kind in ["function", "source", "sink"] {
        for entry in std::fs::read_dir(repo().join("fixtures").join(kind)).unwrap() {
            let path = entry.unwrap().path();
            if path.is_file() {
                out.push(path);
            }
        }
    }
    out.sort();
    out
}

fn collection(kind: &str, namespace: &str) -> String {
    match kind {
        "StatefulSet" => format!("/apis/apps/v1/namespaces/{namespace}/statefulsets?dryRun=All"),
        "Service" => format!("/api/v1/namespaces/{namespace}/services?dryRun=All"),
        "Secret" => format!("/api/v1/namespaces/{namespace}/secrets?dryRun=All"),
        other => panic!("unexpected object kind {other}"),
    }
}

#[test]
fn every_native_object_is_admitted_by_the_api_server() {
    let Some(k) = kube() else { return };
    let worker = repo().join("fixtures/worker/kubernetes_runtime_worker.yml");
    let connectors = repo().join("fixtures/worker/connectors.yaml");
    let mut admitted = 0;
    let mut converted = 0;
    for path in fixtures() {
        let out = mesh(&[
            "convert".into(),
            "--to".into(),
            "statefulset".into(),
            "-o".into(),
            "json".into(),
            "--worker-config".into(),
            worker.display().to_string(),
            "--connectors".into(),
            connectors.display().to_string(),
            "--package-file-name".into(),
            "package.jar".into(),
            path.display().to_string(),
        ]);
        if !out.status.success() {
            continue;
        }
        converted += 1;
        let list: Value = serde_json::from_slice(&out.stdout).unwrap();
        let items = list["items"]
            .as_array()
            .cloned()
            .unwrap_or_else(|| vec![list.clone()]);
        for item in items {
            let kind = item["kind"].as_str().unwrap().to_owned();
            let namespace = item["metadata"]["namespace"].as_str().unwrap().to_owned();
            k.namespace(&namespace);
            let (code, answer) = k.api("POST", &collection(&kind, &namespace), Some(&item.to_string()));
            assert_eq!(
                code,
                "201",
                "{}: {kind} {} refused: {answer}",
                path.display(),
                item["metadata"]["name"]
            );
            admitted += 1;
        }
    }
    eprintln!("{converted} fixtures converted, {admitted} objects admitted");
    assert!(converted >= 20, "only {converted} fixtures converted");
}

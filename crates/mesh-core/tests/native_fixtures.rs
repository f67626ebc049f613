//! Every fixture as the objects of Pulsar's own Kubernetes runtime (`--to statefulset`), with
//! `fixtures/worker/kubernetes_runtime_worker.yml` and the fixture's package file name, catalogue
//! and caller (`fixtures/contexts.yaml`); a fixture whose worker authenticates clients keeps that
//! worker's authentication settings. The objects are snapshotted; the cluster tier has the real
//! API server admit them (`mesh-cli/tests/native_live.rs`).

#![allow(clippy::unwrap_used, clippy::expect_used)]

mod support;

use mesh_core::convert::Context;
use mesh_core::pipeline;
use mesh_core::worker::WorkerConfig;
use support::fixtures::{self, Loaded};

fn native_worker(own: &WorkerConfig) -> WorkerConfig {
    let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../../fixtures/worker/kubernetes_runtime_worker.yml");
    let mut w: WorkerConfig = mesh_core::document::parse_one(&std::fs::read(path).unwrap()).unwrap();
    if own.authentication_enabled == Some(true) {
        w.authentication_enabled = Some(true);
        w.broker_client_authentication_plugin
            .clone_from(&own.broker_client_authentication_plugin);
        w.broker_client_authentication_parameters
            .clone_from(&own.broker_client_authentication_parameters);
    }
    w
}

fn check(kind: &str, path: &std::path::Path) {
    let rel = fixtures::relative(path);
    let loaded = Loaded::load(fixtures::context_spec(&rel));
    let worker = native_worker(&loaded.worker);
    let ctx = Context {
        worker: &worker,
        ..loaded.context()
    };
    let mut docs = mesh_core::document::split(&std::fs::read(path).unwrap()).unwrap();
    let result = pipeline::read(&docs.remove(0), fixtures::kind_of(&rel))
        .and_then(|c| mesh_core::native::produce(c, &ctx));
    if let Ok(r) = &result {
        // Read back from the StatefulSet, the config makes the same objects again.
        let sts = r.objects.iter().find_map(|o| match o {
            mesh_core::pipeline::Object::StatefulSet(s) => Some(s),
            _ => None,
        });
        let back = mesh_core::native::reverse::stateful_set(sts.unwrap()).unwrap();
        let again = mesh_core::native::produce(back.config.clone(), &ctx).unwrap_or_else(|d| {
            panic!(
                "{rel}: the config read back does not convert:\n{d}\n{:?}",
                back.config
            )
        });
        let yaml = |objects: &[mesh_core::pipeline::Object]| -> Vec<String> {
            objects
                .iter()
                .map(|o| mesh_core::yaml::to_string(o).unwrap())
                .collect()
        };
        let (first, second) = (yaml(&r.objects), yaml(&again.objects));
        for (a, b) in first.iter().zip(&second) {
            let diff: Vec<String> = a
                .lines()
                .zip(b.lines())
                .filter(|(x, y)| x != y)
                .map(|(x, y)| format!("- {x}\n+ {y}"))
                .collect();
            assert!(
                diff.is_empty(),
                "{rel}: config -> StatefulSet -> config -> StatefulSet changed:\n{}",
                diff.join("\n")
            );
        }
        assert_eq!(first, second, "{rel}");
        // Every object names its kind, and the StatefulSet's selector selects its own pods.
        for o in &r.objects {
            let v = o.to_value().unwrap();
            assert!(v["apiVersion"].is_string() && v["kind"].is_string(), "{rel}");
            if v["kind"] == "StatefulSet" {
                let selector = v["spec"]["selector"]["matchLabels"].as_object().unwrap();
                let labels = v["spec"]["template"]["metadata"]["labels"].as_object().unwrap();
                for (k, val) in selector {
                    assert_eq!(labels.get(k), Some(val), "{rel}: pod label {k}");
                }
            }
        }
    } else if let Err(d) = &result {
        // Only rejected inputs, local packages that are not in any image, and callers with no
        // token to hand to their function (OAuth2, basic auth) fail.
        let tokenless = loaded.auth.as_ref().is_some_and(|a| a.bearer_token.is_none())
            && d.errors().all(|e| e.path == "authenticationEnabled");
        assert!(
            rel.contains("/invalid/") || rel.contains("local-archive") || tokenless,
            "{rel} should convert:\n{}",
            fixtures::render(&result)
        );
    }
    insta::assert_snapshot!(format!("native_{kind}"), fixtures::render(&result));
}

#[test]
fn function_fixtures_as_statefulsets() {
    insta::glob!("../../../fixtures/function", "**/*.{yaml,json}", |path| check(
        "function", path
    ));
}

#[test]
fn source_fixtures_as_statefulsets() {
    insta::glob!("../../../fixtures/source", "**/*.{yaml,json}", |path| check(
        "source", path
    ));
}

#[test]
fn sink_fixtures_as_statefulsets() {
    insta::glob!("../../../fixtures/sink", "**/*.{yaml,json}", |path| check(
        "sink", path
    ));
}

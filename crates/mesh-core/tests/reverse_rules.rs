//! The reverse direction's rules, one test each: identity from labels (Java-worker CRs), memory
//! from requests (§b.3), `py`/`go` keep their URL (§b.4), nothing dropped (§b.21), the runtime
//! options string, built-in connectors, and CRs that cannot be read back.

#![allow(clippy::unwrap_used, clippy::expect_used)]

mod support;

use mesh_core::convert::{self, Context, reverse};
use mesh_core::crd::{Function, Sink};
use mesh_core::pulsar::Runtime;
use mesh_core::worker::WorkerConfig;
use serde_json::{Value, json};
use support::configs::{catalogue, worker};

fn java_worker_cr() -> Function {
    let text = std::fs::read(support::repo_root().join("fixtures/resource/java-worker-python-function.yaml"))
        .unwrap();
    mesh_core::document::parse_one(&text).unwrap()
}

fn options(config: Option<&String>) -> Value {
    serde_json::from_str(config.unwrap()).unwrap()
}

#[test]
fn java_worker_crs_read_back_under_their_pulsar_names() {
    let w = WorkerConfig::default();
    let back = reverse::function(&java_worker_cr(), &Context::new(&w))
        .unwrap()
        .config;
    assert_eq!(
        back.name.as_deref(),
        Some("word-count"),
        "not the hashed spec.name"
    );
    assert_eq!(back.tenant.as_deref(), Some("analytics"));
    assert_eq!(back.namespace.as_deref(), Some("streams"));
}

#[test]
fn labels_win_then_legacy_labels_then_spec() {
    let w = WorkerConfig::default();
    let mut cr = java_worker_cr();
    let labels = cr.metadata.labels.as_mut().unwrap();
    labels.remove("compute.functionmesh.io/pulsar-component");
    labels.insert("pulsar-component".into(), "legacy-name".into());
    labels.remove("compute.functionmesh.io/pulsar-tenant");
    labels.remove("pulsar-tenant");
    cr.spec.tenant = Some("from-spec".into());
    let back = reverse::function(&cr, &Context::new(&w)).unwrap().config;
    assert_eq!(back.name.as_deref(), Some("legacy-name"));
    assert_eq!(back.tenant.as_deref(), Some("from-spec"));
}

#[test]
fn memory_comes_from_requests_not_the_padded_limit() {
    let w = WorkerConfig::default();
    let back = reverse::function(&java_worker_cr(), &Context::new(&w)).unwrap();
    let r = back.config.resources.unwrap();
    assert_eq!(r.ram, Some(1_073_741_824));
    assert_eq!(r.cpu, Some(1.0));
    assert_eq!(r.disk, None, "the CR carries no disk");
}

#[test]
fn python_keeps_its_package_url_and_no_jar() {
    let w = WorkerConfig::default();
    let back = reverse::function(&java_worker_cr(), &Context::new(&w))
        .unwrap()
        .config;
    assert_eq!(back.runtime, Some(Runtime::Python));
    assert_eq!(
        back.py.as_deref(),
        Some("function://analytics/streams/word-count@3")
    );
    assert_eq!(back.jar, None);
}

#[test]
fn nothing_the_cr_carries_is_dropped() {
    let w = WorkerConfig::default();
    let back = reverse::function(&java_worker_cr(), &Context::new(&w))
        .unwrap()
        .config;
    assert_eq!(
        back.topics_pattern.as_deref(),
        Some("persistent://analytics/streams/extra-.*")
    );
    assert_eq!(
        back.inputs,
        Some(vec!["persistent://analytics/streams/sentences".to_owned()]),
        "the pattern is not an input"
    );
    assert_eq!(back.input_specs, None, "plain specs are not repeated");
    assert_eq!(back.max_pending_async_requests, Some(500));
    let window = back.window_config.unwrap();
    assert_eq!(window.window_length_count, Some(10));
    assert_eq!(
        window.actual_window_function_class_name, None,
        "set by the server"
    );
    assert_eq!(
        back.subscription_position,
        Some(mesh_core::pulsar::SubscriptionInitialPosition::Earliest)
    );
}

#[test]
fn runtime_options_are_the_json_string_clients_expect() {
    let w = WorkerConfig::default();
    let back = reverse::function(&java_worker_cr(), &Context::new(&w))
        .unwrap()
        .config;
    let text = back.custom_runtime_options.unwrap();
    // The worker service's declaration order; maxReplicas and managed always present.
    assert_eq!(
        text,
        r#"{"clusterName":"legacy","maxReplicas":5,"env":{"MODE":"fast"},"managed":true,"hpaSpec":{"builtinCPURule":"AverageUtilizationCPUPercent80"}}"#
    );
}

#[test]
fn worker_env_and_default_service_account_are_not_user_options() {
    let w = worker();
    let cat = catalogue();
    let ctx = Context {
        catalogue: Some(&cat),
        ..Context::new(&w)
    };
    let config = mesh_core::document::parse_one(
        br#"{"tenant":"t","namespace":"n","name":"f","className":"A","inputs":["i"],
             "jar":"function://t/n/f@1","customRuntimeOptions":"{\"env\":{\"MINE\":\"1\"}}"}"#,
    )
    .unwrap();
    let cr = convert::function(config, &ctx).unwrap().resource;
    assert!(
        cr.spec.pod.as_ref().unwrap().env.as_ref().unwrap().len() > 1,
        "worker env present"
    );
    let back = reverse::function(&cr, &ctx).unwrap().config;
    let o = options(back.custom_runtime_options.as_ref());
    assert_eq!(o["env"], json!({"MINE": "1"}));
    assert_eq!(o.get("serviceAccountName"), None);
}

#[test]
fn trusted_mode_managed_false_and_runner_image_come_back() {
    let text = std::fs::read(support::repo_root().join("fixtures/worker/trusted_worker.yml")).unwrap();
    let w: WorkerConfig = mesh_core::document::parse_one(&text).unwrap();
    let ctx = Context::new(&w);
    let config = mesh_core::document::parse_one(
        br#"{"tenant":"t","namespace":"n","name":"f","className":"A","inputs":["i"],"jar":"function://t/n/f@1",
             "customRuntimeOptions":"{\"managed\":false,\"runnerImage\":\"registry.example/runner:9\"}"}"#,
    )
    .unwrap();
    let cr = convert::function(config, &ctx).unwrap().resource;
    let back = reverse::function(&cr, &ctx).unwrap().config;
    let o = options(back.custom_runtime_options.as_ref());
    assert_eq!(o["managed"], json!(false));
    assert_eq!(o["runnerImage"], json!("registry.example/runner:9"));
    assert_eq!(convert::function(back, &ctx).unwrap().resource, cr);
}

#[test]
fn builtin_connectors_come_back_as_builtin_archives() {
    let (w, cat) = (worker(), catalogue());
    let ctx = Context {
        catalogue: Some(&cat),
        ..Context::new(&w)
    };
    let config = mesh_core::document::parse_one(
        br#"{"tenant":"t","namespace":"n","name":"es","archive":"builtin://elastic_search","inputs":["i"]}"#,
    )
    .unwrap();
    let cr = convert::sink(config, &ctx).unwrap().resource;
    let back = reverse::sink(&cr, &ctx).unwrap().config;
    assert_eq!(back.archive.as_deref(), Some("builtin://elastic_search"));
    // Without the catalogue, the local path is all that is known.
    let bare = reverse::sink(&cr, &Context::new(&w)).unwrap().config;
    assert!(bare.archive.unwrap().starts_with("connectors/"));
}

#[test]
fn crs_without_input_are_rejected_with_the_worker_message() {
    let w = WorkerConfig::default();
    let mut f = java_worker_cr();
    f.spec.input = None;
    let e = reverse::function(&f, &Context::new(&w)).unwrap_err();
    assert_eq!(
        e.to_string().trim_end(),
        "error: spec.input: FunctionSpec CRD without Input defined."
    );
    let s: Sink = serde_json::from_value(json!({
        "apiVersion": "compute.functionmesh.io/v1alpha1", "kind": "Sink",
        "metadata": {"name": "s"}, "spec": {"className": "A"}
    }))
    .unwrap();
    let e = reverse::sink(&s, &Context::new(&w)).unwrap_err();
    assert_eq!(
        e.to_string().trim_end(),
        "error: spec.input: SinkSpec CRD without Input defined."
    );
}

#[test]
fn what_a_config_cannot_hold_is_a_warning() {
    let w = WorkerConfig::default();
    let mut f = java_worker_cr();
    f.spec.pod.as_mut().unwrap().env.as_mut().unwrap().push(
        serde_json::from_value(
            json!({"name": "TOKEN", "valueFrom": {"secretKeyRef": {"name": "s", "key": "k"}}}),
        )
        .unwrap(),
    );
    f.spec.resources.as_mut().unwrap().requests = None;
    let r = reverse::function(&f, &Context::new(&w)).unwrap();
    let warnings: Vec<String> = r.warnings.iter().map(ToString::to_string).collect();
    assert!(
        warnings
            .iter()
            .any(|w| w.starts_with("warning: spec.pod.env[1]: dropped: `TOKEN`")),
        "{warnings:?}"
    );
    assert!(
        warnings
            .iter()
            .any(|w| w.starts_with("warning: spec.resources.requests.memory: missing")),
        "{warnings:?}"
    );
}

#[test]
fn a_mesh_reads_back_as_its_members() {
    let (w, cat) = (worker(), catalogue());
    let ctx = Context {
        catalogue: Some(&cat),
        ..Context::new(&w)
    };
    let f = mesh_core::pipeline::read_one(
        br#"{"name":"f","className":"A","inputs":["i"],"output":"o","jar":"function://public/default/f@1"}"#,
        mesh_core::Kind::Function,
    )
    .unwrap();
    let s = mesh_core::pipeline::read_one(
        br#"{"name":"es","archive":"builtin://elastic_search","inputs":["o"]}"#,
        mesh_core::Kind::Sink,
    )
    .unwrap();
    let mesh = convert::bundle("pipeline", vec![f, s], &ctx).unwrap();
    let text = serde_json::to_vec(&mesh.resource).unwrap();
    let back =
        mesh_core::pipeline::reverse(&mesh_core::document::split(&text).unwrap().remove(0), &ctx).unwrap();
    let back: Vec<serde_json::Value> = back.objects.iter().map(|o| o.to_value().unwrap()).collect();
    let names: Vec<&str> = back.iter().map(|o| o["name"].as_str().unwrap()).collect();
    assert_eq!(names, ["f", "es"]);
    assert_eq!(back[1]["archive"], json!("builtin://elastic_search"));
}

#[test]
fn exact_cpu_quantities_read_back_exactly() {
    for cores in [0.1, 0.3, 0.7, 1.1, 2.675, 0.001, 12.5] {
        let q = mesh_core::quantity::cpu(cores);
        assert_eq!(mesh_core::quantity::parse_exact(&q.0), Some(cores), "{}", q.0);
    }
    assert_eq!(mesh_core::quantity::parse_exact("1Gi"), Some(1_073_741_824.0));
    assert_eq!(mesh_core::quantity::parse_exact("lots"), None);
}

//! One test per conversion rule that matters, each named after the behaviour it proves,
//! including every place mesh is deliberately different from the Java worker service.

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::needless_pass_by_value,
    clippy::unreadable_literal
)]

mod support;

use mesh_core::convert::{self, AuthContext, Context};
use mesh_core::crd::{Function, ProcessingGuarantee, Sink, Source};
use mesh_core::diag::Diagnostics;
use mesh_core::pulsar::{FunctionConfig, SinkConfig, SourceConfig};
use mesh_core::worker::{Catalogue, WorkerConfig};
use serde_json::{Value, json};

fn worker(v: Value) -> WorkerConfig {
    serde_json::from_value(v).unwrap()
}

fn base_worker() -> WorkerConfig {
    worker(json!({"pulsarFunctionsCluster": "test-pulsar"}))
}

fn function_config(extra: Value) -> FunctionConfig {
    let mut v = json!({
        "tenant": "public", "namespace": "default", "name": "word-count",
        "className": "org.example.WordCount", "jar": "function://public/default/word-count@1.0",
        "inputs": ["persistent://public/default/in"], "output": "persistent://public/default/out"
    });
    v.as_object_mut()
        .unwrap()
        .extend(extra.as_object().unwrap().clone());
    serde_json::from_value(v).unwrap()
}

fn function(extra: Value, w: &WorkerConfig) -> Function {
    convert::function(function_config(extra), &Context::new(w))
        .unwrap_or_else(|d| panic!("{d}"))
        .resource
}

fn function_errors(extra: Value, w: &WorkerConfig) -> Diagnostics {
    convert::function(function_config(extra), &Context::new(w)).unwrap_err()
}

fn catalogue() -> Catalogue {
    let text = std::fs::read(support::repo_root().join("fixtures/worker/connectors.yaml")).unwrap();
    mesh_core::document::parse_one(&text).unwrap()
}

fn sink(extra: Value, w: &WorkerConfig) -> Result<Sink, Diagnostics> {
    let mut v = json!({"tenant": "public", "namespace": "default", "name": "es",
        "archive": "builtin://elastic_search", "inputs": ["persistent://public/default/in"]});
    v.as_object_mut()
        .unwrap()
        .extend(extra.as_object().unwrap().clone());
    let c: SinkConfig = serde_json::from_value(v).unwrap();
    let cat = catalogue();
    let ctx = Context {
        catalogue: Some(&cat),
        ..Context::new(w)
    };
    convert::sink(c, &ctx).map(|d| d.resource)
}

fn source(extra: Value, w: &WorkerConfig) -> Result<Source, Diagnostics> {
    let mut v = json!({"tenant": "public", "namespace": "default", "name": "gen",
        "archive": "builtin://data-generator", "topicName": "persistent://public/default/out"});
    v.as_object_mut()
        .unwrap()
        .extend(extra.as_object().unwrap().clone());
    let c: SourceConfig = serde_json::from_value(v).unwrap();
    let cat = catalogue();
    let ctx = Context {
        catalogue: Some(&cat),
        ..Context::new(w)
    };
    convert::source(c, &ctx).map(|d| d.resource)
}

fn messages(d: &Diagnostics) -> Vec<String> {
    d.errors().map(|d| format!("{}: {}", d.path, d.message)).collect()
}

#[test]
fn object_name_is_the_sanitised_name_plus_a_sha1_prefix() {
    let f = function(json!({}), &base_worker());
    assert_eq!(f.metadata.name.as_deref(), Some("word-count-640ae9e6"));
}

#[test]
fn spec_name_is_the_pulsar_name_not_the_object_name() {
    let f = function(json!({}), &base_worker());
    assert_eq!(f.spec.name.as_deref(), Some("word-count"));
}

#[test]
fn reserved_claims_win_over_configured_labels() {
    let w = worker(
        json!({"pulsarFunctionsCluster": "c", "functionsWorkerServiceCustomConfigs": {
        "labels": {"pulsar-cluster": "evil", "team": "a"},
        "functionLabels": {"compute.functionmesh.io/pulsar-component": "other"}}}),
    );
    let done = convert::function(function_config(json!({})), &Context::new(&w)).unwrap();
    let labels = done.resource.metadata.labels.unwrap();
    assert_eq!(labels["pulsar-cluster"], "c");
    assert_eq!(labels["compute.functionmesh.io/pulsar-component"], "word-count");
    assert_eq!(labels["team"], "a");
    assert_eq!(done.warnings.warnings().count(), 2);
}

#[test]
fn labels_that_collide_with_the_operator_selector_are_rejected() {
    let w = worker(
        json!({"pulsarFunctionsCluster": "c", "functionsWorkerServiceCustomConfigs": {"labels": {"app": "x"}}}),
    );
    assert_eq!(
        messages(&function_errors(json!({}), &w)),
        [
            "functionsWorkerServiceCustomConfigs.labels.app: label `app` is a key of the operator's pod selector and cannot be set"
        ]
    );
}

#[test]
fn sinks_use_sink_init_containers() {
    let w = worker(
        json!({"pulsarFunctionsCluster": "c", "functionsWorkerServiceCustomConfigs": {
        "functionInitContainers": [{"name": "f"}], "sinkInitContainers": [{"name": "s"}]}}),
    );
    let s = sink(json!({}), &w).unwrap();
    assert_eq!(s.spec.pod.unwrap().init_containers.unwrap()[0].name, "s");
}

#[test]
fn forward_source_message_property_defaults_to_true() {
    assert_eq!(
        function(json!({}), &base_worker())
            .spec
            .forward_source_message_property,
        Some(true)
    );
    let off = function(json!({"forwardSourceMessageProperty": false}), &base_worker());
    assert_eq!(off.spec.forward_source_message_property, Some(false));
    let w = worker(json!({"pulsarFunctionsCluster": "c", "forwardSourceMessageProperty": false}));
    assert_eq!(
        function(json!({"forwardSourceMessageProperty": true}), &w)
            .spec
            .forward_source_message_property,
        Some(false)
    );
}

#[test]
fn window_functions_get_the_actual_class_and_guarantee() {
    let f = function(
        json!({"processingGuarantees": "ATMOST_ONCE", "autoAck": true, "windowConfig": {"windowLengthCount": 10}}),
        &base_worker(),
    );
    let w = f.spec.window_config.unwrap();
    assert_eq!(w.actual_window_function_class_name, "org.example.WordCount");
    assert_eq!(w.sliding_interval_count, Some(10));
    assert_eq!(
        serde_json::to_value(w.processing_guarantees).unwrap(),
        "ATMOST_ONCE"
    );
    assert_eq!(
        f.spec.auto_ack,
        Some(false),
        "Pulsar runs window functions without auto ack"
    );
}

#[test]
fn memory_limit_is_padded_and_requests_are_as_given() {
    let f = function(
        json!({"resources": {"cpu": 0.5, "ram": 1073741824}}),
        &base_worker(),
    );
    let r = f.spec.resources.unwrap();
    assert_eq!(r.requests.unwrap()["memory"].0, "1073741824");
    assert_eq!(r.limits.as_ref().unwrap()["memory"].0, "1181116006");
    assert_eq!(r.limits.unwrap()["cpu"].0, "500m");
}

#[test]
fn partial_resources_merge_from_default_resources() {
    let w = worker(
        json!({"pulsarFunctionsCluster": "c", "functionsWorkerServiceCustomConfigs": {
        "defaultResources": {"cpu": 0.25, "ram": 268435456}}}),
    );
    let f = function(json!({"resources": {"cpu": 2}}), &w);
    let r = f.spec.resources.unwrap().requests.unwrap();
    assert_eq!((r["cpu"].0.as_str(), r["memory"].0.as_str()), ("2", "268435456"));
    let f = function(json!({}), &w);
    assert_eq!(f.spec.resources.unwrap().requests.unwrap()["cpu"].0, "250m");
}

#[test]
fn manual_guarantee_is_mapped() {
    let f = function(json!({"processingGuarantees": "MANUAL"}), &base_worker());
    assert_eq!(f.spec.processing_guarantee, Some(ProcessingGuarantee::Manual));
}

#[test]
fn image_pull_policies_are_taken_in_any_case_and_refused_otherwise() {
    let with = |policy: &str| {
        worker(
            json!({"pulsarFunctionsCluster": "c", "functionsWorkerServiceCustomConfigs": {"imagePullPolicy": policy}}),
        )
    };
    for (given, taken) in [
        ("always", "Always"),
        ("IFNOTPRESENT", "IfNotPresent"),
        (" never ", "Never"),
    ] {
        let produced = convert::function(function_config(json!({})), &Context::new(&with(given)))
            .unwrap_or_else(|d| panic!("{d}"));
        let warnings: Vec<String> = produced
            .warnings
            .iter()
            .filter(|d| d.path.ends_with("imagePullPolicy"))
            .map(|d| format!("{}: {}", d.path, d.message))
            .collect();
        assert_eq!(
            warnings,
            [format!(
                "functionsWorkerServiceCustomConfigs.imagePullPolicy: `{}` taken as `{taken}`: Kubernetes accepts a pull policy only in that spelling",
                given.trim()
            )]
        );
        assert_eq!(produced.resource.spec.image_pull_policy.as_deref(), Some(taken));
    }
    let exact = convert::function(function_config(json!({})), &Context::new(&with("IfNotPresent")))
        .unwrap_or_else(|d| panic!("{d}"));
    assert!(!exact.warnings.iter().any(|d| d.path.ends_with("imagePullPolicy")));
    assert_eq!(
        messages(&function_errors(json!({}), &with("sometimes"))),
        [
            "functionsWorkerServiceCustomConfigs.imagePullPolicy: invalid image pull policy `sometimes`: must be one of Always, IfNotPresent, Never"
        ]
    );
}

#[test]
fn names_longer_than_the_operator_allows_say_by_how_much() {
    let e = function_errors(
        json!({"name": "a-name-that-is-thirty-five-chars-xy"}),
        &base_worker(),
    );
    let m = messages(&e);
    assert_eq!(m.len(), 1, "{m:?}");
    assert!(
        m[0].contains("is 1 characters too long (at most 34 fit)"),
        "{m:?}"
    );
    assert!(
        convert::function(
            function_config(json!({"name": "a-name-that-is-thirty-four-chars-x"})),
            &Context::new(&base_worker())
        )
        .is_ok()
    );
}

#[test]
fn reserved_label_values_are_validated() {
    let e = function_errors(json!({"tenant": "a:b"}), &base_worker());
    assert_eq!(e.errors().next().unwrap().path, "tenant");
}

#[test]
fn data_the_worker_dropped_is_kept() {
    let f = function(
        json!({"runtimeFlags": "-Xss1m", "skipToLatest": true, "maxPendingAsyncRequests": 7,
            "producerConfig": {"compressionType": "ZSTD", "cryptoConfig": {"cryptoKeyReaderClassName": "R", "encryptionKeys": ["k"]}},
            "inputSpecs": {"persistent://public/default/x": {"consumerProperties": {"a": "b"}, "cryptoConfig": {"cryptoKeyReaderClassName": "R"}}}}),
        &base_worker(),
    );
    assert_eq!(f.spec.runtime_flags.as_deref(), Some("-Xss1m"));
    assert_eq!(f.spec.skip_to_latest, Some(true));
    assert_eq!(f.spec.max_pending_async_requests, Some(7));
    let p = f.spec.output.unwrap().producer_conf.unwrap();
    assert_eq!(serde_json::to_value(p.compression_type).unwrap(), "ZSTD");
    assert_eq!(p.crypto_config.unwrap().encryption_keys.unwrap(), ["k"]);
    let spec = &f.spec.input.unwrap().source_specs.unwrap()["persistent://public/default/x"];
    assert_eq!(spec.consumer_properties.as_ref().unwrap()["a"], "b");
    assert!(spec.crypto_config.is_some());
}

#[test]
fn custom_schema_sinks_need_only_one_kind_of_property() {
    let f = function(
        json!({"customSchemaOutputs": {"persistent://public/default/out": "{\"schemaProperties\":{\"a\":\"b\"}}"}}),
        &base_worker(),
    );
    assert!(
        f.spec
            .output
            .unwrap()
            .custom_schema_sinks
            .unwrap()
            .contains_key("persistent://public/default/out")
    );
}

#[test]
fn sink_keeps_retain_key_ordering_negative_ack_delay_and_log_topic() {
    let s = sink(
        json!({"retainKeyOrdering": true, "negativeAckRedeliveryDelayMs": 5000, "logTopic": "persistent://public/default/log"}),
        &base_worker(),
    )
    .unwrap();
    assert_eq!(s.spec.retain_key_ordering, Some(true));
    assert_eq!(s.spec.negative_ack_redelivery_delay_ms, Some(5000));
    assert_eq!(
        s.spec.log_topic.as_deref(),
        Some("persistent://public/default/log")
    );
}

#[test]
fn builtin_connectors_resolve_class_image_jar_and_types() {
    let s = sink(json!({}), &base_worker()).unwrap();
    assert_eq!(
        s.spec.class_name.as_deref(),
        Some("org.apache.pulsar.io.elasticsearch.ElasticSearchSink")
    );
    assert_eq!(
        s.spec.image.as_deref(),
        Some("docker.io/streamnative/pulsar-io-elastic-search:3.2.0.1")
    );
    assert_eq!(
        s.spec.java.as_ref().unwrap().jar,
        "connectors/pulsar-io-elastic-search-3.2.0.1.nar"
    );
    let input = s.spec.input.unwrap();
    assert_eq!(
        input.type_class_name.as_deref(),
        Some("org.apache.pulsar.client.api.schema.GenericObject")
    );
    assert_eq!(
        input.source_specs.unwrap()["persistent://public/default/in"]
            .schema_type
            .as_deref(),
        Some("org.apache.pulsar.client.impl.schema.AutoConsumeSchema")
    );
    let e = sink(json!({"archive": "builtin://nope"}), &base_worker()).unwrap_err();
    assert_eq!(messages(&e), ["archive: connectorType nope is not supported yet"]);
}

#[test]
fn sources_forward_properties_and_carry_batch_config() {
    let s = source(
        json!({"className": "C", "batchSourceConfig": {"discoveryTriggererClassName": "T"}}),
        &base_worker(),
    )
    .unwrap();
    assert_eq!(s.spec.forward_source_message_property, Some(true));
    assert_eq!(
        s.spec.batch_source_config.unwrap().discovery_triggerer_class_name,
        "T"
    );
    assert_eq!(s.spec.output.unwrap().type_class_name.as_deref(), Some("[B"));
}

#[test]
fn missing_archives_and_packages_are_clear_errors() {
    assert_eq!(
        messages(&source(json!({"archive": null}), &base_worker()).unwrap_err()),
        ["archive: Source archive not specified"]
    );
    let e = function_errors(json!({"jar": null}), &base_worker());
    assert!(
        messages(&e)
            .iter()
            .any(|m| m.starts_with("jar: Either a Java jar")),
        "{e}"
    );
}

#[test]
fn runner_image_tag_handles_registry_ports() {
    let w = worker(
        json!({"pulsarFunctionsCluster": "c", "functionsWorkerServiceCustomConfigs": {
        "functionRunnerImages": {"JAVA": "reg:5000/java-runner:1.0"}}}),
    );
    let f = function(
        json!({"customRuntimeOptions": "{\"runnerImageTag\":\"2.0\"}"}),
        &w,
    );
    assert_eq!(f.spec.image.as_deref(), Some("reg:5000/java-runner:2.0"));
}

#[test]
fn hpa_needs_max_replicas_above_parallelism() {
    let f = function(
        json!({"parallelism": 3, "customRuntimeOptions": "{\"maxReplicas\":3,\"hpaSpec\":{\"builtinCPURule\":\"AverageUtilizationCPUPercent80\"}}"}),
        &base_worker(),
    );
    assert_eq!(f.spec.max_replicas, None);
    assert_eq!(f.spec.pod.unwrap().builtin_autoscaler, None);
    let f = function(
        json!({"customRuntimeOptions": "{\"maxReplicas\":3,\"hpaSpec\":{\"builtinCPURule\":\"AverageUtilizationCPUPercent80\"}}"}),
        &base_worker(),
    );
    assert_eq!(f.spec.max_replicas, Some(3));
    assert_eq!(
        f.spec.pod.unwrap().builtin_autoscaler.unwrap(),
        ["AverageUtilizationCPUPercent80"]
    );
}

#[test]
fn vpa_without_optional_fields_does_not_crash() {
    let f = function(
        json!({"customRuntimeOptions": "{\"vpaSpec\":{\"resourcePolicy\":[{\"containerName\":\"c\"}]}}"}),
        &base_worker(),
    );
    let vpa = f.spec.pod.unwrap().vpa.unwrap();
    assert_eq!(
        vpa.resource_policy.unwrap().container_policies.unwrap()[0]
            .container_name
            .as_deref(),
        Some("c")
    );
}

#[test]
fn log_level_comes_from_options_or_config_for_every_runtime() {
    let f = function(json!({"logLevel": "DEBUG"}), &base_worker());
    assert_eq!(
        serde_json::to_value(f.spec.java.unwrap().log.unwrap().level).unwrap(),
        "debug"
    );
    let g = function(
        json!({"jar": null, "go": "function://public/default/g@1", "className": null, "customRuntimeOptions": "{\"logLevel\":\"WARN\"}"}),
        &base_worker(),
    );
    assert_eq!(
        serde_json::to_value(g.spec.golang.unwrap().log.unwrap().level).unwrap(),
        "warn"
    );
    let e = function_errors(
        json!({"customRuntimeOptions": "{\"logLevel\":\"chatty\"}"}),
        &base_worker(),
    );
    assert_eq!(e.errors().next().unwrap().path, "customRuntimeOptions.logLevel");
}

#[test]
fn oauth2_key_secret_key_is_derived_the_same_for_every_kind() {
    let w = worker(
        json!({"pulsarFunctionsCluster": "c", "authenticationEnabled": true,
        "brokerClientAuthenticationPlugin": "org.apache.pulsar.client.impl.auth.oauth2.AuthenticationOAuth2",
        "brokerClientAuthenticationParameters": "{\"issuerUrl\":\"https://i\",\"privateKey\":\"file:///keys/k.json\",\"audience\":\"a\"}",
        "functionsWorkerServiceCustomConfigs": {"oauth2SecretName": "key-secret"}}),
    );
    let auth = AuthContext {
        client_role: Some("r".into()),
        ..AuthContext::default()
    };
    let cat = catalogue();
    let ctx = Context {
        auth: Some(&auth),
        catalogue: Some(&cat),
        ..Context::new(&w)
    };
    let f = convert::function(function_config(json!({})), &ctx).unwrap();
    let s: SinkConfig =
        serde_json::from_value(json!({"name": "s", "archive": "builtin://elastic_search", "inputs": ["in"]}))
            .unwrap();
    let s = convert::sink(s, &ctx).unwrap();
    for oauth in [
        f.resource.spec.pulsar.unwrap().auth_config.unwrap(),
        s.resource.spec.pulsar.unwrap().auth_config.unwrap(),
    ] {
        let o = oauth.oauth2_config.unwrap();
        assert_eq!(
            (o.key_secret_name.as_str(), o.key_secret_key.as_str()),
            ("key-secret", "k.json")
        );
    }
}

#[test]
fn tls_secret_uses_the_trust_certificates() {
    let w = worker(
        json!({"pulsarFunctionsCluster": "c", "authenticationEnabled": true, "tlsEnabled": true,
        "brokerClientAuthenticationPlugin": "x.Plugin", "brokerClientAuthenticationParameters": "p",
        "tlsCertificateFilePath": "/server.pem", "tlsTrustCertsFilePath": "/ca.pem"}),
    );
    let auth = AuthContext::default();
    let ctx = Context {
        auth: Some(&auth),
        ..Context::new(&w)
    };
    let done = convert::function(function_config(json!({})), &ctx).unwrap();
    let tls = done
        .secrets
        .iter()
        .find(|s| s.metadata.name.as_deref().unwrap().starts_with("function-tls-"))
        .unwrap();
    assert_eq!(tls.data.as_ref().unwrap()["tlsTrustCertsFilePath"].0, b"/ca.pem");
}

#[test]
fn job_namespace_precedence_is_not_hidden_by_an_empty_factory_value() {
    let w = worker(
        json!({"pulsarFunctionsCluster": "c", "functionRuntimeFactoryConfigs": {"jobNamespace": ""},
        "functionsWorkerServiceCustomConfigs": {"jobNamespace": "mesh"}}),
    );
    assert_eq!(
        function(json!({}), &w).metadata.namespace.as_deref(),
        Some("mesh")
    );
}

#[test]
fn owner_reference_without_uid_is_an_error_not_the_string_null() {
    let w = worker(
        json!({"pulsarFunctionsCluster": "c", "functionsWorkerServiceCustomConfigs": {
        "ownerReference": {"apiVersion": "v1", "kind": "Pod", "name": "p", "controller": true}}}),
    );
    assert_eq!(
        messages(&function_errors(json!({}), &w)),
        ["functionsWorkerServiceCustomConfigs.ownerReference: owner reference is missing uid"]
    );
    let w = worker(
        json!({"pulsarFunctionsCluster": "c", "functionsWorkerServiceCustomConfigs": {
        "ownerReference": {"apiVersion": "v1", "kind": "Pod", "name": "p", "uid": "u", "controller": true}}}),
    );
    let owner = &function(json!({}), &w).metadata.owner_references.unwrap()[0];
    assert_eq!((owner.uid.as_str(), owner.controller), ("u", None));
}

#[test]
fn output_is_deterministic() {
    let w = worker(
        json!({"pulsarFunctionsCluster": "c", "functionsWorkerServiceCustomConfigs": {"env": {"B": "2", "A": "1"}}}),
    );
    let a = serde_json::to_string(&function(
        json!({"customRuntimeOptions": "{\"env\":{\"Z\":\"9\",\"C\":\"3\"}}"}),
        &w,
    ))
    .unwrap();
    let b = serde_json::to_string(&function(
        json!({"customRuntimeOptions": "{\"env\":{\"C\":\"3\",\"Z\":\"9\"}}"}),
        &w,
    ))
    .unwrap();
    assert_eq!(a, b);
    let env: Vec<String> = function(json!({}), &w)
        .spec
        .pod
        .unwrap()
        .env
        .unwrap()
        .into_iter()
        .map(|e| e.name)
        .collect();
    assert_eq!(env, ["A", "B"]);
}

#[test]
fn cluster_precedence_and_its_error() {
    let no_cluster = WorkerConfig::default();
    assert_eq!(
        messages(&function_errors(json!({}), &no_cluster)),
        ["clusterName: clusterName is not provided."]
    );
    let f = function(
        json!({"customRuntimeOptions": "{\"clusterName\":\"from-options\"}"}),
        &no_cluster,
    );
    assert_eq!(f.spec.cluster_name.as_deref(), Some("from-options"));
    let ctx = Context {
        cluster_fallback: Some("from-env"),
        ..Context::new(&no_cluster)
    };
    let f = convert::function(function_config(json!({})), &ctx)
        .unwrap()
        .resource;
    assert_eq!(f.spec.cluster_name.as_deref(), Some("from-env"));
    let w = base_worker();
    let ctx = Context {
        cluster: Some("explicit"),
        ..Context::new(&w)
    };
    let f = convert::function(function_config(json!({})), &ctx)
        .unwrap()
        .resource;
    assert_eq!(
        f.spec.pulsar.unwrap().pulsar_config.as_deref(),
        Some("explicit-function-mesh-config")
    );
}

#[test]
fn bundles_hold_every_component_and_report_by_index() {
    let w = base_worker();
    let cat = catalogue();
    let ctx = Context {
        catalogue: Some(&cat),
        ..Context::new(&w)
    };
    let components = vec![
        convert::Component::Function(Box::new(function_config(json!({})))),
        convert::Component::Sink(Box::new(serde_json::from_value(json!({"name": "es", "archive": "builtin://elastic_search", "inputs": ["persistent://public/default/out"]})).unwrap())),
    ];
    let mesh = convert::bundle("pipeline", components.clone(), &ctx)
        .unwrap()
        .resource;
    assert_eq!(mesh.metadata.name.as_deref(), Some("pipeline"));
    assert_eq!(
        mesh.spec.functions.as_ref().unwrap()[0].name.as_deref(),
        Some("word-count")
    );
    assert_eq!(mesh.spec.sinks.as_ref().unwrap().len(), 1);
    support::schema::assert_valid_cr(&serde_json::to_value(&mesh).unwrap(), "bundle");

    let bad = vec![
        components[0].clone(),
        components[0].clone(),
        convert::Component::Function(Box::new(function_config(json!({"inputs": []})))),
    ];
    // Each member's diagnostics stay with the member, by position.
    let e = convert::bundle("pipeline", bad, &ctx).unwrap_err();
    assert!(messages(&e.members[0]).is_empty(), "{e:?}");
    let m = messages(&e.members[1]);
    assert!(
        m.contains(&"name: the bundle already has a function named `word-count`".to_owned()),
        "{m:?}"
    );
    assert!(
        messages(&e.members[2]).iter().any(|m| m.starts_with("inputs")),
        "{e:?}"
    );
    assert!(convert::bundle("Bad_Name", components, &ctx).is_err());
}

#[test]
fn a_job_namespace_kubernetes_would_refuse_is_a_worker_error() {
    for (w, path) in [
        (
            json!({"pulsarFunctionsCluster": "c", "functionsWorkerServiceCustomConfigs": {"jobNamespace": "../x"}}),
            "functionsWorkerServiceCustomConfigs.jobNamespace",
        ),
        (
            json!({"pulsarFunctionsCluster": "c", "functionsWorkerServiceCustomConfigs": {"jobNamespace": "UPPER_NS"}}),
            "functionsWorkerServiceCustomConfigs.jobNamespace",
        ),
        (
            json!({"pulsarFunctionsCluster": "c", "functionRuntimeFactoryConfigs": {"jobNamespace": "a.b"}}),
            "functionRuntimeFactoryConfigs.jobNamespace",
        ),
    ] {
        let d = function_errors(json!({}), &worker(w));
        let found: Vec<_> = d.errors().filter(|e| e.path == path).collect();
        assert_eq!(found.len(), 1, "{:?}", messages(&d));
        assert!(
            found[0].message.contains("cannot be a Kubernetes namespace"),
            "{}",
            found[0].message
        );
    }
    let ok = worker(
        json!({"pulsarFunctionsCluster": "c", "functionsWorkerServiceCustomConfigs": {"jobNamespace": "pulsar-functions"}}),
    );
    assert!(convert::function(function_config(json!({})), &Context::new(&ok)).is_ok());
}

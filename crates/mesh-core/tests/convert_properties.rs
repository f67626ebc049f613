//! Properties of conversion: whatever config passes validation converts to a CR that the
//! operator's CRDs accept, and nothing panics on configs that do not.

#![allow(clippy::unwrap_used, clippy::expect_used)]

mod support;

use mesh_core::convert::{self, Context};
use mesh_core::pulsar::{FunctionConfig, SinkConfig, SourceConfig};
use mesh_core::worker::{Catalogue, WorkerConfig};
use proptest::prelude::*;
use serde_json::{Value, json};
use support::arbitrary::any_json;

fn config() -> ProptestConfig {
    ProptestConfig {
        cases: 256,
        failure_persistence: Some(Box::new(
            proptest::test_runner::FileFailurePersistence::WithSource("regressions"),
        )),
        ..ProptestConfig::default()
    }
}

fn name() -> impl Strategy<Value = String> {
    "[a-z][a-z0-9-]{0,18}[a-z0-9]"
}

fn topic() -> impl Strategy<Value = String> {
    prop_oneof![
        "[a-z][a-z0-9-]{0,12}",
        ("[a-z]{1,8}", "[a-z]{1,8}", "[a-z][a-z0-9-]{0,12}")
            .prop_map(|(t, n, l)| format!("persistent://{t}/{n}/{l}")),
    ]
}

fn guarantee() -> impl Strategy<Value = Option<&'static str>> {
    proptest::option::of(proptest::sample::select(vec![
        "ATLEAST_ONCE",
        "ATMOST_ONCE",
        "EFFECTIVELY_ONCE",
        "MANUAL",
    ]))
}

fn resources() -> impl Strategy<Value = Option<Value>> {
    proptest::option::of(
        (
            proptest::option::of(1u32..16_000),
            proptest::option::of(1i64..1 << 36),
        )
            .prop_map(|(cpu, ram)| {
                let mut r = serde_json::Map::new();
                if let Some(c) = cpu {
                    r.insert("cpu".into(), json!(f64::from(c) / 1000.0));
                }
                if let Some(m) = ram {
                    r.insert("ram".into(), json!(m));
                }
                Value::Object(r)
            }),
    )
}

fn runtime_options() -> impl Strategy<Value = Option<String>> {
    proptest::option::of(
        (
            proptest::option::of(0i32..10),
            proptest::option::of("[A-Z_]{1,6}"),
            proptest::option::of(proptest::sample::select(vec!["info", "DEBUG", "warn"])),
        )
            .prop_map(|(max, env, level)| {
                let mut o = serde_json::Map::new();
                if let Some(m) = max {
                    o.insert("maxReplicas".into(), json!(m));
                    o.insert(
                        "hpaSpec".into(),
                        json!({"builtinCPURule": "AverageUtilizationCPUPercent50"}),
                    );
                }
                if let Some(e) = env {
                    o.insert("env".into(), json!({e: "v"}));
                }
                if let Some(l) = level {
                    o.insert("logLevel".into(), json!(l));
                }
                Value::Object(o).to_string()
            }),
    )
}

prop_compose! {
    fn function_config()(
        tenant in name(), namespace in name(), fname in "[a-z][a-z0-9-]{0,20}",
        runtime in 0..3usize,
        inputs in proptest::collection::vec(topic(), 0..3), output in proptest::option::of(topic()),
        parallelism in proptest::option::of(-1i32..6), g in guarantee(),
        retain in proptest::option::weighted(0.3, any::<bool>()), retain_key in proptest::option::weighted(0.2, any::<bool>()),
        timeout in proptest::option::weighted(0.2, -5i64..100_000), retries in proptest::option::weighted(0.2, -1i32..5),
        dlq in proptest::option::weighted(0.2, topic()), window in proptest::option::weighted(0.2, (1i32..100, proptest::option::of(1i32..100))),
        res in resources(), cro in runtime_options(), user in proptest::option::of(any_json(2)),
        secret in proptest::option::of(("[A-Z]{1,5}", name(), "[a-z]{1,5}")),
    ) -> Value {
        let mut c = json!({"tenant": tenant, "namespace": namespace, "name": fname, "className": "org.example.Fn", "inputs": inputs});
        let package = format!("function://{tenant}/{namespace}/{fname}@1.0");
        c[["jar", "py", "go"][runtime]] = json!(package);
        let set = |c: &mut Value, k: &str, v: Value| { c[k] = v; };
        if let Some(o) = output { set(&mut c, "output", json!(o)); }
        if let Some(p) = parallelism { set(&mut c, "parallelism", json!(p)); }
        if let Some(g) = g { set(&mut c, "processingGuarantees", json!(g)); }
        if let Some(r) = retain { set(&mut c, "retainOrdering", json!(r)); }
        if let Some(r) = retain_key { set(&mut c, "retainKeyOrdering", json!(r)); }
        if let Some(t) = timeout { set(&mut c, "timeoutMs", json!(t)); }
        if let Some(r) = retries { set(&mut c, "maxMessageRetries", json!(r)); }
        if let Some(d) = dlq { set(&mut c, "deadLetterTopic", json!(d)); }
        if let Some((len, slide)) = window { set(&mut c, "windowConfig", json!({"windowLengthCount": len, "slidingIntervalCount": slide})); }
        if let Some(r) = res { set(&mut c, "resources", r); }
        if let Some(o) = cro { set(&mut c, "customRuntimeOptions", json!(o)); }
        if let Some(Value::Object(u)) = user { set(&mut c, "userConfig", Value::Object(u)); }
        if let Some((k, path, key)) = secret { set(&mut c, "secrets", json!({k: {"path": path, "key": key}})); }
        c
    }
}

fn worker() -> WorkerConfig {
    let text = std::fs::read(support::repo_root().join("fixtures/worker/functions_worker.yml")).unwrap();
    let mut w: WorkerConfig = mesh_core::document::parse_one(&text).unwrap();
    // Bounds would reject most random resources; they are tested by fixtures.
    w.function_instance_min_resources = None;
    w.function_instance_max_resources = None;
    w
}

fn catalogue() -> Catalogue {
    mesh_core::document::parse_one(
        &std::fs::read(support::repo_root().join("fixtures/worker/connectors.yaml")).unwrap(),
    )
    .unwrap()
}

fn check_outcome(
    result: Result<Vec<Value>, mesh_core::diag::Diagnostics>,
    converted: &std::cell::Cell<u32>,
) -> Result<(), TestCaseError> {
    match result {
        Ok(objects) => {
            converted.set(converted.get() + 1);
            support::schema::assert_valid_cr(&objects[0], "generated config");
        }
        Err(d) => {
            prop_assert!(d.has_errors());
            prop_assert!(d.errors().all(|e| !e.message.is_empty()));
        }
    }
    Ok(())
}

#[test]
fn functions_that_pass_validation_convert_to_valid_crs() {
    let w = worker();
    let ctx = Context::new(&w);
    let converted = std::cell::Cell::new(0u32);
    let mut runner = proptest::test_runner::TestRunner::new(config());
    runner
        .run(&function_config(), |v| {
            let c: FunctionConfig = serde_json::from_value(v).unwrap();
            let result = convert::function(&c, &ctx).map(|d| vec![serde_json::to_value(d.resource).unwrap()]);
            check_outcome(result, &converted)
        })
        .unwrap();
    let converted = converted.get();
    eprintln!("{converted} of 256 generated configs converted");
    assert!(
        converted >= 30,
        "only {converted} of 256 generated functions converted; the generator is too wild"
    );
}

prop_compose! {
    fn sink_config()(
        fname in name(), inputs in proptest::collection::vec(topic(), 0..3), builtin in any::<bool>(),
        g in guarantee(), retries in proptest::option::of(-1i32..5), dlq in proptest::option::of(topic()),
        timeout in proptest::option::of(-5i64..100_000), res in resources(), cro in runtime_options(),
        configs in proptest::option::of(any_json(2)), retain_key in proptest::option::of(any::<bool>()),
    ) -> Value {
        let archive = if builtin { "builtin://elastic_search".to_owned() } else { format!("sink://public/default/{fname}@1") };
        let mut c = json!({"name": fname, "archive": archive, "inputs": inputs, "className": "org.example.Sink"});
        if let Some(g) = g { c["processingGuarantees"] = json!(g); }
        if let Some(r) = retries { c["maxMessageRetries"] = json!(r); }
        if let Some(d) = dlq { c["deadLetterTopic"] = json!(d); }
        if let Some(t) = timeout { c["timeoutMs"] = json!(t); }
        if let Some(r) = res { c["resources"] = r; }
        if let Some(o) = cro { c["customRuntimeOptions"] = json!(o); }
        if let Some(Value::Object(m)) = configs { c["configs"] = Value::Object(m); }
        if let Some(r) = retain_key { c["retainKeyOrdering"] = json!(r); }
        c
    }
}

#[test]
fn sinks_that_pass_validation_convert_to_valid_crs() {
    let (w, cat) = (worker(), catalogue());
    let ctx = Context {
        catalogue: Some(&cat),
        ..Context::new(&w)
    };
    let converted = std::cell::Cell::new(0u32);
    let mut runner = proptest::test_runner::TestRunner::new(config());
    runner
        .run(&sink_config(), |v| {
            let c: SinkConfig = serde_json::from_value(v).unwrap();
            let result = convert::sink(&c, &ctx).map(|d| vec![serde_json::to_value(d.resource).unwrap()]);
            check_outcome(result, &converted)
        })
        .unwrap();
    let converted = converted.get();
    eprintln!("{converted} of 256 generated configs converted");
    assert!(
        converted >= 20,
        "only {converted} of 256 generated sinks converted"
    );
}

prop_compose! {
    fn source_config()(
        fname in name(), topic in proptest::option::of(topic()), builtin in any::<bool>(), g in guarantee(),
        res in resources(), cro in runtime_options(), batch in proptest::option::of(proptest::option::of("[a-z.]{1,10}")),
        serde in proptest::option::of("[a-z.]{1,10}"), schema in proptest::option::of("[a-z]{1,6}"),
    ) -> Value {
        let archive = if builtin { "builtin://kafka".to_owned() } else { format!("source://public/default/{fname}@1") };
        let mut c = json!({"name": fname, "archive": archive, "className": "org.example.Source"});
        if let Some(t) = topic { c["topicName"] = json!(t); }
        if let Some(g) = g { c["processingGuarantees"] = json!(g); }
        if let Some(r) = res { c["resources"] = r; }
        if let Some(o) = cro { c["customRuntimeOptions"] = json!(o); }
        if let Some(b) = batch { c["batchSourceConfig"] = json!({"discoveryTriggererClassName": b}); }
        if let Some(s) = serde { c["serdeClassName"] = json!(s); }
        if let Some(s) = schema { c["schemaType"] = json!(s); }
        c
    }
}

#[test]
fn sources_that_pass_validation_convert_to_valid_crs() {
    let (w, cat) = (worker(), catalogue());
    let ctx = Context {
        catalogue: Some(&cat),
        ..Context::new(&w)
    };
    let converted = std::cell::Cell::new(0u32);
    let mut runner = proptest::test_runner::TestRunner::new(config());
    runner
        .run(&source_config(), |v| {
            let c: SourceConfig = serde_json::from_value(v).unwrap();
            let result = convert::source(&c, &ctx).map(|d| vec![serde_json::to_value(d.resource).unwrap()]);
            check_outcome(result, &converted)
        })
        .unwrap();
    let converted = converted.get();
    eprintln!("{converted} of 256 generated configs converted");
    assert!(
        converted >= 20,
        "only {converted} of 256 generated sources converted"
    );
}

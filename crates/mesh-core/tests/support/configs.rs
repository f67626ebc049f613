//! Generators of Pulsar configs for property tests: mostly valid, with every field a
//! conversion reads, and the worker and catalogue they are converted with.

use mesh_core::worker::{Catalogue, WorkerConfig};
use proptest::prelude::*;
use serde_json::{Value, json};

use super::arbitrary::any_json;

pub fn name() -> impl Strategy<Value = String> {
    "[a-z][a-z0-9-]{0,18}[a-z0-9]"
}

pub fn topic() -> impl Strategy<Value = String> {
    prop_oneof![
        "[a-z][a-z0-9-]{0,12}",
        ("[a-z]{1,8}", "[a-z]{1,8}", "[a-z][a-z0-9-]{0,12}")
            .prop_map(|(t, n, l)| format!("persistent://{t}/{n}/{l}")),
    ]
}

pub fn guarantee() -> impl Strategy<Value = Option<&'static str>> {
    proptest::option::of(proptest::sample::select(vec![
        "ATLEAST_ONCE",
        "ATMOST_ONCE",
        "EFFECTIVELY_ONCE",
        "MANUAL",
    ]))
}

pub fn resources() -> impl Strategy<Value = Option<Value>> {
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

pub fn runtime_options() -> impl Strategy<Value = Option<String>> {
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
    pub fn function_config()(
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

prop_compose! {
    pub fn sink_config()(
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

prop_compose! {
    pub fn source_config()(
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

pub fn worker() -> WorkerConfig {
    let text = std::fs::read(super::repo_root().join("fixtures/worker/functions_worker.yml")).unwrap();
    let mut w: WorkerConfig = mesh_core::document::parse_one(&text).unwrap();
    // Bounds would reject most random resources; they are tested by fixtures.
    w.function_instance_min_resources = None;
    w.function_instance_max_resources = None;
    w
}

pub fn catalogue() -> Catalogue {
    mesh_core::document::parse_one(
        &std::fs::read(super::repo_root().join("fixtures/worker/connectors.yaml")).unwrap(),
    )
    .unwrap()
}

fn consumer_spec() -> impl Strategy<Value = Value> {
    (
        proptest::option::of(proptest::sample::select(vec!["JSON", "AVRO", "STRING"])),
        proptest::option::weighted(0.2, "org\\.example\\.[A-Z][a-z]{1,6}Serde"),
        proptest::option::of(1i32..5000),
        proptest::option::weighted(0.3, ("[a-z]{1,5}", "[a-z0-9]{1,5}")),
        proptest::option::weighted(0.2, any::<bool>()),
    )
        .prop_map(|(schema, serde, queue, props, regex)| {
            let mut o = serde_json::Map::new();
            if let Some(s) = schema {
                o.insert("schemaType".into(), json!(s));
            } else if let Some(s) = serde {
                o.insert("serdeClassName".into(), json!(s));
            }
            if let Some(q) = queue {
                o.insert("receiverQueueSize".into(), json!(q));
            }
            if let Some((k, v)) = props {
                o.insert("consumerProperties".into(), json!({k: v}));
            }
            if let Some(r) = regex {
                o.insert("regexPattern".into(), json!(r));
            }
            Value::Object(o)
        })
}

fn producer() -> impl Strategy<Value = Value> {
    (
        proptest::option::of(0i32..2000),
        proptest::option::of(proptest::sample::select(vec!["DEFAULT", "KEY_BASED"])),
        proptest::option::of(proptest::sample::select(vec![
            "NONE", "LZ4", "ZLIB", "ZSTD", "SNAPPY",
        ])),
        proptest::option::of(any::<bool>()),
    )
        .prop_map(|(pending, batch, compression, local)| {
            let mut o = serde_json::Map::new();
            if let Some(p) = pending {
                o.insert("maxPendingMessages".into(), json!(p));
            }
            if let Some(b) = batch {
                o.insert("batchBuilder".into(), json!(b));
            }
            if let Some(c) = compression {
                o.insert("compressionType".into(), json!(c));
            }
            if let Some(l) = local {
                o.insert("useThreadLocalProducers".into(), json!(l));
            }
            Value::Object(o)
        })
}

fn insert_some(c: &mut Value, key: &str, v: Option<Value>) {
    if let Some(v) = v {
        c[key] = v;
    }
}

prop_compose! {
    /// The input side shared by functions and sinks: a pattern and per-topic consumer specs.
    fn input_extras()(
        pattern in proptest::option::weighted(0.3, "persistent://public/default/[a-z]{1,5}-\\.\\*"),
        specs in proptest::option::weighted(0.4, proptest::collection::btree_map(topic(), consumer_spec(), 1..3)),
        serde in proptest::option::weighted(0.2, proptest::collection::btree_map(topic(), "org\\.example\\.[A-Z][a-z]{1,6}", 1..2)),
        position in proptest::option::of(proptest::sample::select(vec!["Earliest", "Latest"])),
        sub in proptest::option::weighted(0.3, "[a-z][a-z0-9-]{0,10}"),
        cleanup in proptest::option::weighted(0.3, any::<bool>()),
        auto_ack in proptest::option::weighted(0.3, any::<bool>()),
        log_topic in proptest::option::weighted(0.2, topic()),
    ) -> Value {
        let mut c = json!({});
        insert_some(&mut c, "topicsPattern", pattern.map(|p| json!(p)));
        insert_some(&mut c, "inputSpecs", specs.map(|s| json!(s)));
        insert_some(&mut c, "customSerdeInputs", serde.map(|s| json!(s)));
        insert_some(&mut c, "subscriptionPosition", position.map(|p| json!(p)));
        insert_some(&mut c, "subName", sub.map(|s| json!(s)));
        insert_some(&mut c, "cleanupSubscription", cleanup.map(|s| json!(s)));
        insert_some(&mut c, "autoAck", auto_ack.map(|s| json!(s)));
        insert_some(&mut c, "logTopic", log_topic.map(|s| json!(s)));
        c
    }
}

prop_compose! {
    fn function_extras()(
        inputs in input_extras(),
        producer in proptest::option::weighted(0.4, producer()),
        schema in proptest::option::weighted(0.2, proptest::sample::select(vec!["JSON", "AVRO"])),
        pending in proptest::option::weighted(0.3, 1i32..5000),
        skip in proptest::option::weighted(0.2, any::<bool>()),
        forward in proptest::option::weighted(0.2, any::<bool>()),
    ) -> Value {
        let mut c = inputs;
        insert_some(&mut c, "producerConfig", producer);
        insert_some(&mut c, "outputSchemaType", schema.map(|s| json!(s)));
        insert_some(&mut c, "maxPendingAsyncRequests", pending.map(|s| json!(s)));
        insert_some(&mut c, "skipToLatest", skip.map(|s| json!(s)));
        insert_some(&mut c, "forwardSourceMessageProperty", forward.map(|s| json!(s)));
        c
    }
}

fn merged(mut base: Value, extras: Value) -> Value {
    if let (Some(b), Value::Object(e)) = (base.as_object_mut(), extras) {
        b.extend(e);
    }
    base
}

/// A function config with every field a conversion reads.
pub fn rich_function_config() -> impl Strategy<Value = Value> {
    (function_config(), function_extras()).prop_map(|(b, e)| merged(b, e))
}

/// A sink config with every field a conversion reads.
pub fn rich_sink_config() -> impl Strategy<Value = Value> {
    (
        sink_config(),
        input_extras(),
        proptest::option::weighted(0.2, 1i64..100_000),
        proptest::option::of(-1i32..5),
        proptest::option::weighted(0.2, ("[A-Z]{1,5}", name(), "[a-z]{1,5}")),
    )
        .prop_map(|(b, mut e, nack, parallelism, secret)| {
            // Sinks name these differently.
            let obj = e.as_object_mut().expect("object");
            for (from, to) in [
                ("subName", "sourceSubscriptionName"),
                ("subscriptionPosition", "sourceSubscriptionPosition"),
                ("customSerdeInputs", "topicToSerdeClassName"),
            ] {
                if let Some(v) = obj.remove(from) {
                    obj.insert(to.into(), v);
                }
            }
            insert_some(&mut e, "negativeAckRedeliveryDelayMs", nack.map(|n| json!(n)));
            insert_some(&mut e, "parallelism", parallelism.map(|n| json!(n)));
            insert_some(
                &mut e,
                "secrets",
                secret.map(|(k, path, key)| json!({k: {"path": path, "key": key}})),
            );
            merged(b, e)
        })
}

/// A source config with every field a conversion reads.
pub fn rich_source_config() -> impl Strategy<Value = Value> {
    (
        source_config(),
        proptest::option::weighted(0.4, producer()),
        proptest::option::weighted(0.3, any_json(2)),
        proptest::option::of(-1i32..5),
        proptest::option::weighted(0.2, topic()),
    )
        .prop_map(|(mut c, producer, configs, parallelism, log_topic)| {
            insert_some(&mut c, "producerConfig", producer);
            insert_some(&mut c, "configs", configs.filter(Value::is_object));
            insert_some(&mut c, "parallelism", parallelism.map(|n| json!(n)));
            insert_some(&mut c, "logTopic", log_topic.map(|n| json!(n)));
            c
        })
}

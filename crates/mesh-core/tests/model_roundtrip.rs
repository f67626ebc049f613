//! Property tests: arbitrary Pulsar configs, worker configs and CRs survive serialize -> parse
//! unchanged, through JSON and through YAML.

#![allow(clippy::unwrap_used, clippy::expect_used)]

mod support;

use std::fmt::Debug;

use mesh_core::crd::{Function, FunctionMesh, Sink, Source};
use mesh_core::pulsar::{FunctionConfig, SinkConfig, SourceConfig};
use mesh_core::worker::{Catalogue, CustomRuntimeOptions, WorkerConfig};
use proptest::prelude::*;
use serde::Serialize;
use serde::de::DeserializeOwned;
use serde_json::Value;
use support::arbitrary;

fn config() -> ProptestConfig {
    ProptestConfig {
        cases: 128,
        failure_persistence: Some(Box::new(
            proptest::test_runner::FileFailurePersistence::WithSource("regressions"),
        )),
        ..ProptestConfig::default()
    }
}

fn schema_of<T: schemars::JsonSchema>() -> Value {
    serde_json::to_value(schemars::schema_for!(T)).unwrap()
}

fn crd_schema(kind: &str) -> Value {
    let mut s = support::our_schema(kind);
    // apiVersion/kind/metadata are fixed by the type; generate the parts the type owns.
    let props = s["properties"].as_object_mut().unwrap();
    props.remove("apiVersion");
    props.remove("kind");
    props.remove("metadata");
    s
}

/// Parses `value` into `T`, then checks `T` survives JSON and YAML round trips.
fn round_trips<T: Serialize + DeserializeOwned + PartialEq + Debug>(
    value: &Value,
) -> Result<(), TestCaseError> {
    let typed: T = mesh_core::document::from_value(value.clone())
        .map_err(|d| TestCaseError::fail(format!("generated value does not parse: {d}\n{value:#}")))?;
    let json = serde_json::to_string(&typed).unwrap();
    let back: T = mesh_core::document::parse_one(json.as_bytes())
        .map_err(|d| TestCaseError::fail(format!("JSON does not parse back: {d}\n{json}")))?;
    prop_assert_eq!(&back, &typed);
    let yaml = mesh_core::yaml::to_string(&typed).unwrap();
    // Written straight from the typed value, the text is the one of its JSON value.
    prop_assert_eq!(
        &yaml,
        &mesh_core::yaml::to_string(&serde_json::to_value(&typed).unwrap()).unwrap()
    );
    let back: T = mesh_core::document::parse_one(yaml.as_bytes())
        .map_err(|d| TestCaseError::fail(format!("YAML does not parse back: {d}\n{yaml}")))?;
    prop_assert_eq!(&back, &typed, "YAML:\n{}", yaml);
    Ok(())
}

fn with_kind(mut v: Value, kind: &str) -> Value {
    v["apiVersion"] = Value::String("compute.functionmesh.io/v1alpha1".into());
    v["kind"] = Value::String(kind.into());
    v["metadata"] = serde_json::json!({"name": "x", "namespace": "ns"});
    v
}

macro_rules! roundtrip_test {
    ($name:ident, $ty:ty, $schema:expr) => {
        proptest! {
            #![proptest_config(config())]
            #[test]
            fn $name(v in { let s = $schema; arbitrary::strategy(&s, &s, 0) }) {
                round_trips::<$ty>(&v)?;
            }
        }
    };
    ($name:ident, $ty:ty, $schema:expr, kind = $kind:literal) => {
        proptest! {
            #![proptest_config(config())]
            #[test]
            fn $name(v in { let s = $schema; arbitrary::strategy(&s, &s, 0) }) {
                round_trips::<$ty>(&with_kind(v, $kind))?;
            }
        }
    };
}

roundtrip_test!(
    function_config_round_trips,
    FunctionConfig,
    schema_of::<FunctionConfig>()
);
roundtrip_test!(
    source_config_round_trips,
    SourceConfig,
    schema_of::<SourceConfig>()
);
roundtrip_test!(sink_config_round_trips, SinkConfig, schema_of::<SinkConfig>());
roundtrip_test!(
    worker_config_round_trips,
    WorkerConfig,
    schema_of::<WorkerConfig>()
);
roundtrip_test!(
    runtime_options_round_trip,
    CustomRuntimeOptions,
    schema_of::<CustomRuntimeOptions>()
);
roundtrip_test!(catalogue_round_trips, Catalogue, schema_of::<Catalogue>());
roundtrip_test!(
    function_round_trips,
    Function,
    crd_schema("Function"),
    kind = "Function"
);
roundtrip_test!(source_round_trips, Source, crd_schema("Source"), kind = "Source");
roundtrip_test!(sink_round_trips, Sink, crd_schema("Sink"), kind = "Sink");
roundtrip_test!(
    function_mesh_round_trips,
    FunctionMesh,
    crd_schema("FunctionMesh"),
    kind = "FunctionMesh"
);

proptest! {
    #![proptest_config(ProptestConfig { cases: 512, ..config() })]
    /// Whatever mesh writes as YAML reads back as the same value, both with YAML 1.2 booleans and
    /// with the YAML 1.1 readings (`yes`, `on`, `y`) Pulsar and kubectl use.
    #[test]
    fn yaml_writer_output_reads_back_the_same(v in support::arbitrary::any_json(4)) {
        let text = mesh_core::yaml::to_string(&v).unwrap();
        let strict: Value = mesh_core::document::RawDocument::new(text.clone()).value().unwrap();
        prop_assert_eq!(&strict, &v, "YAML:\n{}", text);
        let yaml11: Value = serde_saphyr::from_str(&text).unwrap();
        prop_assert_eq!(&yaml11, &v, "YAML 1.1 reading of:\n{}", text);
    }
}

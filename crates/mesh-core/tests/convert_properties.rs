//! Properties of conversion: whatever config passes validation converts to a CR that the
//! operator's CRDs accept, and nothing panics on configs that do not.

#![allow(clippy::unwrap_used, clippy::expect_used)]

mod support;

use mesh_core::convert::{self, Context};
use mesh_core::pulsar::{FunctionConfig, SinkConfig, SourceConfig};
use proptest::prelude::*;
use serde_json::Value;
use support::configs::{catalogue, function_config, sink_config, source_config, worker};

fn config() -> ProptestConfig {
    ProptestConfig {
        cases: 256,
        failure_persistence: Some(Box::new(
            proptest::test_runner::FileFailurePersistence::WithSource("regressions"),
        )),
        ..ProptestConfig::default()
    }
}

fn check_outcome(
    result: Result<Vec<Value>, mesh_core::diag::Diagnostics>,
    converted: &std::cell::Cell<u32>,
) -> Result<(), TestCaseError> {
    match result {
        Ok(objects) => {
            converted.set(converted.get() + 1);
            support::schema::assert_valid_cr(&objects[0], "generated config");
            // A conversion skips re-checking the labels it wrote; the full admission check,
            // labels included, must agree that there was nothing to find.
            let doc = mesh_core::document::RawDocument::new(objects[0].to_string());
            let d = mesh_core::pipeline::admit(&doc);
            prop_assert!(!d.has_errors(), "{d:?}");
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
            let result = convert::function(c, &ctx).map(|d| vec![serde_json::to_value(d.resource).unwrap()]);
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
            let result = convert::sink(c, &ctx).map(|d| vec![serde_json::to_value(d.resource).unwrap()]);
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
            let result = convert::source(c, &ctx).map(|d| vec![serde_json::to_value(d.resource).unwrap()]);
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

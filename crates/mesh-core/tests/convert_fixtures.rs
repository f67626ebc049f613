//! Every fixture converts (or fails) exactly as its snapshot says; every CR produced validates
//! against the operator's CRDs and against our generated CRDs, reads back as the Pulsar config
//! its `reverse_*` snapshot shows, and that config converts to the same CR again.

#![allow(clippy::unwrap_used, clippy::expect_used)]

mod support;

use mesh_core::pipeline::{Format, Renderer};
use support::fixtures;
use support::schema::assert_valid_cr;

fn check(kind: &str, path: &std::path::Path) {
    let rel = fixtures::relative(path);
    let result = fixtures::convert(path);
    let invalid = rel.contains("/invalid/");
    match (&result, invalid) {
        (Ok(r), false) => {
            let objects: Vec<serde_json::Value> = r.objects.iter().map(|o| o.to_value().unwrap()).collect();
            // The HTTP API's compact JSON, written from the typed object, is the `Value`'s text.
            for (typed, value) in r.objects.iter().zip(&objects) {
                let mut json = Renderer::new(Format::CompactJson);
                json.push(typed).unwrap();
                assert_eq!(json.finish(), value.to_string(), "{rel}: compact JSON");
            }
            for o in objects
                .iter()
                .filter(|o| o["apiVersion"] == "compute.functionmesh.io/v1alpha1")
            {
                assert_valid_cr(o, &rel);
            }
            let (reversed, again) = fixtures::reverse_and_again(path, r);
            assert_eq!(again, objects[0], "{rel}: CR -> config -> CR changed the CR");
            insta::assert_snapshot!(format!("reverse_{kind}"), reversed);
        }
        (Err(d), false) => panic!("{rel} should convert:\n{d}"),
        (Ok(_), true) => panic!("{rel} should be rejected"),
        (Err(d), true) => assert!(d.has_errors(), "{rel}"),
    }
    insta::assert_snapshot!(kind, fixtures::render(&result));
}

#[test]
fn function_fixtures_convert() {
    insta::glob!("../../../fixtures/function", "**/*.{yaml,json}", |path| check(
        "function", path
    ));
}

#[test]
fn source_fixtures_convert() {
    insta::glob!("../../../fixtures/source", "**/*.{yaml,json}", |path| check(
        "source", path
    ));
}

#[test]
fn sink_fixtures_convert() {
    insta::glob!("../../../fixtures/sink", "**/*.{yaml,json}", |path| check(
        "sink", path
    ));
}

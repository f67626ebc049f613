//! Every fixture parses into its model type and re-serializes; the exact text (and the warnings
//! about unknown keys) is an insta snapshot.

#![allow(clippy::unwrap_used, clippy::expect_used)]

mod support;

use std::fmt::Write as _;
use std::path::Path;

use mesh_core::document::parse_one;
use mesh_core::pulsar::{FunctionConfig, SinkConfig, SourceConfig, UnknownFields};
use mesh_core::worker::{Catalogue, WorkerConfig};
use mesh_core::yaml::to_string as to_yaml;
use serde::Serialize;
use serde::de::DeserializeOwned;

/// Parses `path` as `T` and renders the re-serialized YAML plus its warnings.
fn render<T: DeserializeOwned + Serialize + UnknownFields>(path: &Path) -> String {
    let bytes = std::fs::read(path).unwrap();
    let value: T = parse_one(&bytes).unwrap_or_else(|d| panic!("{} does not parse:\n{d}", path.display()));
    let mut out = to_yaml(&value).unwrap();
    let warnings = value.unknown_field_warnings();
    if !warnings.is_empty() {
        out.push_str("# warnings\n");
        for w in &warnings {
            let _ = writeln!(out, "# {w}");
        }
    }
    // The text must parse back into an equal value.
    let again: T = parse_one(out.as_bytes()).unwrap();
    assert_eq!(
        to_yaml(&again).unwrap(),
        to_yaml(&value).unwrap(),
        "{}",
        path.display()
    );
    out
}

#[test]
fn function_fixtures() {
    insta::glob!("../../../fixtures", "function/*.{yaml,json}", |path| {
        insta::assert_snapshot!(render::<FunctionConfig>(path));
    });
}

#[test]
fn source_fixtures() {
    insta::glob!("../../../fixtures", "source/*.{yaml,json}", |path| {
        insta::assert_snapshot!(render::<SourceConfig>(path));
    });
}

#[test]
fn sink_fixtures() {
    insta::glob!("../../../fixtures", "sink/*.{yaml,json}", |path| {
        insta::assert_snapshot!(render::<SinkConfig>(path));
    });
}

#[test]
fn worker_fixtures() {
    insta::glob!("../../../fixtures", "worker/*.yml", |path| {
        insta::assert_snapshot!(render::<WorkerConfig>(path));
    });
}

#[test]
fn connector_catalogue_fixture() {
    let path = support::repo_root().join("fixtures/worker/connectors.yaml");
    let text = render::<Catalogue>(&path);
    insta::assert_snapshot!(text);
    let catalogue: Catalogue = parse_one(&std::fs::read(&path).unwrap()).unwrap();
    let kafka = catalogue.get("kafka").unwrap();
    assert_eq!(
        kafka.image(),
        "registry.example.com/streamnative/pulsar-io-kafka:3.2.0.1-hardened"
    );
    assert_eq!(kafka.jar(), "connectors/pulsar-io-kafka-3.2.0.1.nar");
    assert_eq!(kafka.source_type_class(), "java.nio.ByteBuffer");
    assert_eq!(catalogue.sinks().len(), 4);
    assert_eq!(catalogue.sources().len(), 3);
}

#[test]
fn the_full_worker_config_reads_every_section() {
    let path = support::repo_root().join("fixtures/worker/functions_worker.yml");
    let worker: WorkerConfig = parse_one(&std::fs::read(path).unwrap()).unwrap();
    let custom = worker.custom();
    assert_eq!(worker.pulsar_functions_cluster.as_deref(), Some("prod-eu"));
    assert_eq!(
        worker
            .function_runtime_factory_configs
            .as_ref()
            .unwrap()
            .percent_memory_padding,
        Some(10)
    );
    assert_eq!(
        custom.sink_init_containers.as_ref().unwrap()[0].name,
        "sink-warmup"
    );
    assert_eq!(
        custom.volumes.as_ref().unwrap()[0]
            .config_map
            .as_ref()
            .unwrap()
            .name,
        "mesh-trust-bundle"
    );
    assert_eq!(custom.owner_reference.as_ref().unwrap().controller, Some(true));
    assert_eq!(custom.default_resources.as_ref().unwrap().ram, Some(536_870_912));
    // Worker keys mesh does not model are kept, not reported.
    assert!(worker.other.contains_key("workerPort"));
    assert!(worker.unknown_field_warnings().is_empty());
}

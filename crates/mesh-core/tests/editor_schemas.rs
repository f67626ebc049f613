//! The editor schemas (`mesh schema`, [`mesh_core::schema`]) against the fixtures: every file
//! mesh reads validates against its schema, and where a schema refuses a bad file, mesh's typed
//! read refuses it at the same place (a schema is never stricter than mesh).

#![allow(clippy::unwrap_used, clippy::expect_used)]

mod support;

use std::path::{Path, PathBuf};

use mesh_core::diag::Diagnostics;
use mesh_core::document::{parse_documents, parse_one};
use mesh_core::pulsar::{FunctionConfig, SinkConfig, SourceConfig};
use mesh_core::schema::{Document, json_schema};
use mesh_core::worker::{Catalogue, WorkerConfig};
use serde_json::Value;
use support::repo_root;

fn files(folder: &str) -> Vec<PathBuf> {
    let mut found: Vec<PathBuf> = std::fs::read_dir(repo_root().join("fixtures").join(folder))
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| {
            p.extension()
                .is_some_and(|e| e == "yaml" || e == "yml" || e == "json")
        })
        .collect();
    found.sort();
    assert!(!found.is_empty(), "fixtures/{folder} has files");
    found
}

fn document(path: &Path) -> Value {
    let mut docs = parse_documents(&std::fs::read(path).unwrap()).unwrap();
    assert_eq!(docs.len(), 1, "{}", path.display());
    docs.remove(0)
}

/// The places (mesh's path syntax: `a.b[0]`) where `value` breaks the schema of `kind`.
fn schema_errors(kind: Document, value: &Value) -> Vec<String> {
    let validator = jsonschema::validator_for(&json_schema(kind)).unwrap();
    let mut paths: Vec<String> = validator
        .iter_errors(value)
        .map(|e| {
            let mut path = String::new();
            for segment in e.instance_path().as_str().split('/').skip(1) {
                let segment = segment.replace("~1", "/").replace("~0", "~");
                if segment.parse::<usize>().is_ok() {
                    path.push('[');
                    path.push_str(&segment);
                    path.push(']');
                } else {
                    if !path.is_empty() {
                        path.push('.');
                    }
                    path.push_str(&segment);
                }
            }
            path
        })
        .collect();
    paths.dedup();
    paths
}

/// mesh's typed read of `path` as `kind`: its errors, none when it reads.
fn read_errors(kind: Document, path: &Path) -> Diagnostics {
    let bytes = std::fs::read(path).unwrap();
    let result = match kind {
        Document::Function => parse_one::<FunctionConfig>(&bytes).map(drop),
        Document::Source => parse_one::<SourceConfig>(&bytes).map(drop),
        Document::Sink => parse_one::<SinkConfig>(&bytes).map(drop),
        Document::Worker => parse_one::<WorkerConfig>(&bytes).map(drop),
        Document::Connectors => parse_one::<Catalogue>(&bytes).map(drop),
    };
    result.err().unwrap_or_default()
}

fn kinds_and_fixtures() -> Vec<(Document, Vec<PathBuf>)> {
    // The worker configs of fixtures/ and the ones deploy/ ships.
    let worker = files("worker")
        .into_iter()
        .filter(|p| !p.ends_with("connectors.yaml"))
        .chain([
            repo_root().join("deploy/base/functions_worker.yml"),
            repo_root().join("deploy/overlays/token-auth/functions_worker.yml"),
        ])
        .collect();
    vec![
        (Document::Function, files("function")),
        (Document::Source, files("source")),
        (Document::Sink, files("sink")),
        (Document::Worker, worker),
        (
            Document::Connectors,
            vec![repo_root().join("fixtures/worker/connectors.yaml")],
        ),
    ]
}

#[test]
fn every_fixture_mesh_reads_validates_against_its_schema() {
    for (kind, fixtures) in kinds_and_fixtures() {
        for path in fixtures {
            let errors = read_errors(kind, &path);
            assert!(errors.is_empty(), "{} reads: {errors}", path.display());
            let refused = schema_errors(kind, &document(&path));
            assert!(
                refused.is_empty(),
                "{} against the {} schema: {refused:?}",
                path.display(),
                kind.as_str()
            );
        }
    }
}

#[test]
fn where_a_schema_refuses_a_bad_fixture_mesh_refuses_it_at_the_same_place() {
    let mut refused_somewhere = 0;
    for kind in [Document::Function, Document::Source, Document::Sink] {
        for path in files(&format!("{}/invalid", kind.as_str())) {
            let by_schema = schema_errors(kind, &document(&path));
            let by_mesh: Vec<String> = read_errors(kind, &path).iter().map(|d| d.path.clone()).collect();
            for place in &by_schema {
                assert!(
                    by_mesh.contains(place),
                    "{}: the schema refuses {place:?}, mesh's read refuses {by_mesh:?}",
                    path.display()
                );
            }
            refused_somewhere += usize::from(!by_schema.is_empty());
        }
    }
    // The type errors are the schema's to tell: every one of them.
    let typed = repo_root().join("fixtures/function/invalid/type-errors.yaml");
    let by_schema = schema_errors(Document::Function, &document(&typed));
    assert_eq!(
        by_schema,
        ["inputs", "parallelism", "processingGuarantees", "retainOrdering"],
        "{by_schema:?}"
    );
    assert!(refused_somewhere >= 1);
}

#[test]
fn the_schemas_take_scalars_as_mesh_coerces_them() {
    let config: Value = serde_json::json!({
        "className": 12, "parallelism": " 3 ", "retainOrdering": "Yes", "autoAck": "off",
        "resources": {"cpu": "0.5", "ram": "1073741824"}, "inputs": ["in"]
    });
    assert_eq!(schema_errors(Document::Function, &config), Vec::<String>::new());
    let bytes = serde_json::to_vec(&config).unwrap();
    assert!(parse_one::<FunctionConfig>(&bytes).is_ok());
    // What mesh does not coerce, the schema refuses too.
    for (field, value) in [
        ("parallelism", serde_json::json!("2.5")),
        ("parallelism", serde_json::json!("two")),
        ("retainOrdering", serde_json::json!("maybe")),
        ("processingGuarantees", serde_json::json!("atleast_once")),
        ("inputs", serde_json::json!({"in": 1})),
    ] {
        let bad = serde_json::json!({ field: value });
        assert_eq!(schema_errors(Document::Function, &bad), [field], "{bad}");
        let read = parse_one::<FunctionConfig>(&serde_json::to_vec(&bad).unwrap());
        assert!(read.is_err(), "mesh refuses {bad} too");
    }
}

#[test]
fn every_schema_is_draft_7_with_descriptions() {
    for kind in Document::ALL {
        let schema = json_schema(kind);
        assert_eq!(
            schema["$schema"],
            "http://json-schema.org/draft-07/schema#",
            "{}",
            kind.as_str()
        );
        // The catalogue is a list of connector definitions.
        let object = match kind {
            Document::Connectors => &schema["definitions"]["ConnectorDefinition"],
            _ => &schema,
        };
        let properties = object["properties"].as_object().unwrap();
        assert!(!properties.is_empty());
        let described = properties
            .values()
            .filter(|p| p["description"].is_string())
            .count();
        assert_eq!(
            described,
            properties.len(),
            "{}: every field described",
            kind.as_str()
        );
        assert!(!schema.to_string().contains("[`"), "no rustdoc links left");
    }
}

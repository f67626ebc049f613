//! The one entry point of the adapters (`mesh_core::pipeline`): kind detection from the text,
//! attribution of diagnostics to inputs as data, what each task produces, and the renderer on
//! the typed objects.

#![allow(missing_docs, clippy::unwrap_used, clippy::expect_used)]

mod support;

use mesh_core::Kind;
use mesh_core::convert::Context;
use mesh_core::detect::{detect, detect_document};
use mesh_core::diag::Severity;
use mesh_core::document::RawDocument;
use mesh_core::pipeline::{At, Discard, Format, Object, Options, Pipeline, Renderer, Task};
use mesh_core::worker::WorkerConfig;
use serde_json::Value;

fn worker() -> WorkerConfig {
    WorkerConfig {
        pulsar_functions_cluster: Some("test-pulsar".into()),
        ..WorkerConfig::default()
    }
}

const FUNCTION: &str = r#"{"name": "wc", "className": "org.example.WordCount",
    "jar": "function://public/default/wc@1", "inputs": ["in"], "output": "out"}"#;
const SINK: &str = r#"{"name": "es", "archive": "builtin://elastic_search", "inputs": ["in"]}"#;

fn every_document_below(dir: &std::path::Path, out: &mut Vec<(String, RawDocument)>) {
    for entry in std::fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        if path.is_dir() {
            every_document_below(&path, out);
        } else if path
            .extension()
            .is_some_and(|e| e == "yaml" || e == "json" || e == "yml")
            && let Ok(docs) = mesh_core::document::split(&std::fs::read(&path).unwrap())
        {
            out.extend(docs.into_iter().map(|d| (path.display().to_string(), d)));
        }
    }
}

/// Telling the kind from the top-level keys alone gives the answer of the full read, for every
/// fixture (valid or not) and for the shapes a shallow read could take differently.
#[test]
fn shallow_detection_agrees_with_the_full_read() {
    let mut docs = Vec::new();
    every_document_below(&support::repo_root().join("fixtures"), &mut docs);
    assert!(docs.len() > 50, "{} documents", docs.len());
    for text in [
        "[1, 2]",
        "- a\n- b\n",
        "just text\n",
        "12\n",
        "true\n",
        "~\n",
        "1: a\n2: b\n",
        "? [a, b]\n: c\n",
        "apiVersion: 7\nkind: Function\n",
        "apiVersion: compute.functionmesh.io/v1alpha1\nkind: [Function]\n",
        "kind: yes\napiVersion: v1\n",
        "a: 1\na: 2\n",
        "a: [1\n",
        "{\"jar\": \"x\", \"topicName\": \"t\"}",
        "inputs: [a]\nvalue: 123456789012345678901234567890\n",
        "{\"inputs\": [\"a\"], \"cpu\": 1e400}",
    ] {
        docs.push((text.to_owned(), RawDocument::new(text)));
    }
    for (from, doc) in &docs {
        let full = doc
            .value()
            .map_err(|e| e.to_diagnostic())
            .and_then(|v| detect(&v).map_err(|e| mesh_core::diag::Diagnostic::error("", e.to_string())));
        assert_eq!(detect_document(doc), full, "{from}");
    }
}

fn run<C: mesh_core::pipeline::Collect>(
    options: Options,
    out: C,
    inputs: &[&str],
) -> mesh_core::pipeline::Report<C> {
    let w = worker();
    let catalogue: mesh_core::worker::Catalogue = mesh_core::document::parse_one(
        &std::fs::read(support::repo_root().join("fixtures/worker/connectors.yaml")).unwrap(),
    )
    .unwrap();
    let ctx = Context {
        catalogue: Some(&catalogue),
        ..Context::new(&w)
    };
    let mut run = Pipeline::new(options, &ctx, out);
    for i in inputs {
        run.feed(i.as_bytes());
    }
    run.finish()
}

/// A bundle member's problems name the input (and document) the member came from, as data.
#[test]
fn bundle_members_keep_their_input() {
    let bad_sink = r#"{"name": "es", "archive": "builtin://elastic_search", "inputs": []}"#;
    let yaml_pair = format!(
        "# a second function, and a sink with no input\n{}\n---\n{bad_sink}\n",
        FUNCTION.replace("\"wc\"", "\"wc2\"").replace('\n', " ")
    );
    let options = Options {
        bundle: Some("pipe".into()),
        ..Options::new(Task::Convert)
    };
    let report = run(options, Vec::new(), &[FUNCTION, &yaml_pair]);
    assert!(report.has_errors());
    assert!(report.out.is_empty(), "nothing is produced when a member fails");
    let errors: Vec<_> = report
        .diagnostics
        .iter()
        .filter(|d| d.diagnostic.severity == Severity::Error)
        .collect();
    assert!(!errors.is_empty());
    for e in &errors {
        assert_eq!(
            e.at,
            Some(At {
                input: 1,
                document: Some(1)
            }),
            "{e:?}"
        );
        assert!(!e.diagnostic.path.starts_with('['), "{e:?}");
    }
    assert_eq!(report.documents, 3);

    let options = Options {
        bundle: Some("pipe".into()),
        ..Options::new(Task::Convert)
    };
    let report = run(options, Vec::new(), &[FUNCTION, SINK]);
    assert!(!report.has_errors(), "{:?}", report.diagnostics);
    assert!(matches!(report.out.as_slice(), [Object::FunctionMesh(_)]));
}

#[test]
fn each_task_produces_its_objects() {
    let converted = run(Options::new(Task::Convert), Vec::new(), &[FUNCTION, SINK]);
    assert!(!converted.has_errors(), "{:?}", converted.diagnostics);
    assert!(matches!(
        converted.out.as_slice(),
        [Object::Function(_), Object::Sink(_)]
    ));

    // The CR read back is a config again; forward, it is the same CR.
    let cr = converted.out[0].to_value().unwrap();
    let back = run(Options::new(Task::Reverse), Vec::new(), &[&cr.to_string()]);
    assert!(!back.has_errors(), "{:?}", back.diagnostics);
    let [Object::Config(config)] = back.out.as_slice() else {
        panic!("{:?}", back.out)
    };
    assert_eq!(config.kind(), Kind::Function);

    // Validation produces nothing; admission passes a resource on as given, unknown keys and all.
    let mut given: Value = cr.clone();
    given["metadata"]["annotations"] = serde_json::json!({"kept": "yes"});
    let checked = run(
        Options::new(Task::Validate),
        Vec::new(),
        &[FUNCTION, &given.to_string()],
    );
    assert!(!checked.has_errors(), "{:?}", checked.diagnostics);
    assert!(checked.out.is_empty());
    let admitted = run(
        Options::new(Task::Admit),
        Vec::new(),
        &[FUNCTION, &given.to_string()],
    );
    assert!(matches!(&admitted.out[1], Object::Given(v) if *v == given));

    // Converting a resource is refused with a pointer to the other direction.
    let refused = run(Options::new(Task::Convert), Discard, &[&cr.to_string()]);
    assert_eq!(refused.diagnostics[0].diagnostic.path, "kind");
}

/// An input with no document is a problem of the input as a whole; a broken one of its own.
#[test]
fn empty_and_unreadable_inputs_are_reported_per_input() {
    let report = run(
        Options::new(Task::Convert),
        Discard,
        &["# nothing\n", FUNCTION, "a: [1\n"],
    );
    let located: Vec<_> = report
        .diagnostics
        .iter()
        .filter(|d| d.diagnostic.severity == Severity::Error)
        .map(|d| (d.at.map(|a| a.input), d.whole_input))
        .collect();
    assert_eq!(located, [(Some(0), true), (Some(2), false)]);
}

/// The renderer writes typed objects as the same text as their JSON values.
#[test]
fn typed_objects_render_as_their_values() {
    let converted = run(Options::new(Task::Convert), Vec::new(), &[FUNCTION, SINK]);
    for format in [Format::Yaml, Format::Json, Format::CompactJson] {
        let (mut typed, mut values) = (Renderer::new(format), Renderer::new(format));
        for o in &converted.out {
            typed.push(o).unwrap();
            values.push(&o.to_value().unwrap()).unwrap();
        }
        assert_eq!(typed.finish(), values.finish(), "{format:?}");
    }
}

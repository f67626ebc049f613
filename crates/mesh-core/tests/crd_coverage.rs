//! Every property path of the operator's CRDs exists in our generated CRDs, with a compatible type
//! and the same enum values.

#![allow(clippy::unwrap_used, clippy::expect_used)]

mod support;

use serde_json::Value;

#[derive(Debug, PartialEq)]
enum Shape {
    Object,
    Array,
    String,
    Integer,
    Number,
    Boolean,
    IntOrString,
    Free,
    Unknown(String),
}

fn shape(s: &Value) -> Shape {
    if s.get("x-kubernetes-int-or-string") == Some(&Value::Bool(true)) {
        return Shape::IntOrString;
    }
    match s.get("type").and_then(Value::as_str) {
        Some("object") => Shape::Object,
        Some("array") => Shape::Array,
        Some("string") => Shape::String,
        Some("integer") => Shape::Integer,
        Some("number") => Shape::Number,
        Some("boolean") => Shape::Boolean,
        None if s.get("x-kubernetes-preserve-unknown-fields") == Some(&Value::Bool(true)) => Shape::Free,
        other => Shape::Unknown(format!("{other:?}")),
    }
}

fn compatible(upstream: &Shape, ours: &Shape) -> bool {
    upstream == ours
        || matches!(
            (upstream, ours),
            (Shape::Free, Shape::Object) | (Shape::Object, Shape::Free)
        )
}

fn enum_set(s: &Value) -> Option<Vec<String>> {
    let mut v: Vec<String> = s
        .get("enum")?
        .as_array()?
        .iter()
        .map(ToString::to_string)
        .collect();
    v.sort();
    Some(v)
}

/// Walks `upstream`, looking each node up in `ours`; returns the problems found.
fn walk(path: &str, upstream: &Value, ours: Option<&Value>, problems: &mut Vec<String>, count: &mut usize) {
    *count += 1;
    let Some(ours) = ours else {
        problems.push(format!("{path}: missing"));
        return;
    };
    let (u, o) = (shape(upstream), shape(ours));
    if !compatible(&u, &o) {
        problems.push(format!("{path}: upstream {u:?}, ours {o:?}"));
        return;
    }
    if enum_set(upstream) != enum_set(ours) && enum_set(upstream).is_some() {
        problems.push(format!(
            "{path}: enum {:?} vs {:?}",
            enum_set(upstream),
            enum_set(ours)
        ));
    }
    let ours_free =
        o == Shape::Free || ours.get("x-kubernetes-preserve-unknown-fields") == Some(&Value::Bool(true));
    if ours_free && upstream.get("properties").is_none() {
        return;
    }
    if let Some(props) = upstream.get("properties").and_then(Value::as_object) {
        for (name, sub) in props {
            let mine = ours.get("properties").and_then(|p| p.get(name));
            walk(&format!("{path}.{name}"), sub, mine, problems, count);
        }
    }
    if let Some(items) = upstream.get("items") {
        walk(&format!("{path}[]"), items, ours.get("items"), problems, count);
    }
    if let Some(ap) = upstream.get("additionalProperties").filter(|a| a.is_object()) {
        walk(
            &format!("{path}{{}}"),
            ap,
            ours.get("additionalProperties"),
            problems,
            count,
        );
    }
}

fn check(file: &str, kind: &str) {
    let Some(upstream) = support::upstream_schema(file) else {
        support::skip_without_upstream(kind);
        return;
    };
    let ours = support::our_schema(kind);
    let mut problems = Vec::new();
    let mut count = 0;
    for top in ["spec", "status"] {
        walk(
            top,
            &upstream["properties"][top],
            ours["properties"].get(top),
            &mut problems,
            &mut count,
        );
    }
    eprintln!(
        "{kind}: {count} upstream property paths checked, {} missing or incompatible",
        problems.len()
    );
    assert!(
        problems.is_empty(),
        "{kind}: {} problems:\n{}",
        problems.len(),
        problems.join("\n")
    );
}

#[test]
fn function_crd_covers_upstream() {
    check("compute.functionmesh.io_functions.yaml", "Function");
}

#[test]
fn source_crd_covers_upstream() {
    check("compute.functionmesh.io_sources.yaml", "Source");
}

#[test]
fn sink_crd_covers_upstream() {
    check("compute.functionmesh.io_sinks.yaml", "Sink");
}

#[test]
fn function_mesh_crd_covers_upstream() {
    check("compute.functionmesh.io_functionmeshes.yaml", "FunctionMesh");
}

#[test]
fn generated_crds_have_the_operator_names_and_subresources() {
    for crd in mesh_core::crd::crds() {
        let v = serde_json::to_value(&crd).unwrap();
        assert_eq!(v["spec"]["group"], "compute.functionmesh.io");
        assert_eq!(v["spec"]["scope"], "Namespaced");
        assert_eq!(v["spec"]["versions"][0]["name"], "v1alpha1");
        if crd.spec.names.kind != "FunctionMesh" {
            let sub = &v["spec"]["versions"][0]["subresources"];
            assert_eq!(
                sub["scale"]["specReplicasPath"], ".spec.replicas",
                "{}",
                crd.spec.names.kind
            );
            assert_eq!(sub["scale"]["labelSelectorPath"], ".status.selector");
        }
    }
    let names: Vec<_> = mesh_core::crd::crds()
        .iter()
        .map(|c| c.spec.names.plural.clone())
        .collect();
    assert_eq!(names, ["functions", "sources", "sinks", "functionmeshes"]);
}

#[test]
fn the_walk_finds_missing_paths_type_clashes_and_enum_differences() {
    let upstream = serde_json::json!({"type": "object", "properties": {
        "a": {"type": "string", "enum": ["x", "y"]},
        "b": {"type": "integer"},
        "c": {"type": "object", "additionalProperties": {"type": "string"}},
    }});
    let ours = serde_json::json!({"type": "object", "properties": {
        "a": {"type": "string", "enum": ["x"]},
        "b": {"type": "string"},
    }});
    let mut problems = Vec::new();
    let mut count = 0;
    walk("spec", &upstream, Some(&ours), &mut problems, &mut count);
    assert_eq!(count, 4);
    assert_eq!(problems.len(), 3, "{problems:?}");
    assert!(problems.iter().any(|p| p.starts_with("spec.a: enum")));
    assert!(
        problems
            .iter()
            .any(|p| p == "spec.b: upstream Integer, ours String")
    );
    assert!(problems.iter().any(|p| p == "spec.c: missing"));
}

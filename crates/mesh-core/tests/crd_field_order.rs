//! Every resource type declares its fields in the order they are written (byte order of their
//! JSON names), so its typed serialization is already the canonical, sorted form: the YAML
//! writer then has nothing to reorder, and typed JSON equals the JSON of its `Value`.
//!
//! Each resource is filled from our generated CRD schema, with every property present, so a
//! field that no fixture sets is still checked.

#![allow(clippy::unwrap_used, clippy::expect_used)]

mod support;

use serde::Serialize;
use serde::de::DeserializeOwned;
use serde_json::{Map, Value, json};

/// A value with every property the schema names, each of the right type. Embedded Kubernetes
/// objects carry their fixed `apiVersion` and `kind` (only volume claim templates embed one).
fn sample(schema: &Value, at: &str) -> Value {
    if at.ends_with(".volumeClaimTemplates[]") {
        let mut claim = sample(schema, &format!("{at}/claim"));
        claim["apiVersion"] = json!("v1");
        claim["kind"] = json!("PersistentVolumeClaim");
        return claim;
    }
    if schema.get("x-kubernetes-int-or-string") == Some(&Value::Bool(true)) {
        return json!("1");
    }
    if let Some(first) = schema
        .get("enum")
        .and_then(Value::as_array)
        .and_then(|e| e.first())
    {
        return first.clone();
    }
    match schema.get("type").and_then(Value::as_str) {
        Some("object") => {
            let mut m = Map::new();
            if let Some(props) = schema.get("properties").and_then(Value::as_object) {
                for (k, v) in props {
                    m.insert(k.clone(), sample(v, &format!("{at}.{k}")));
                }
            } else if let Some(values) = schema.get("additionalProperties").filter(|a| a.is_object()) {
                m.insert("k".to_owned(), sample(values, &format!("{at}.k")));
            }
            Value::Object(m)
        }
        Some("array") => json!([sample(&schema["items"], &format!("{at}[]"))]),
        Some("string") => match schema.get("format").and_then(Value::as_str) {
            Some("date-time") => json!("2024-01-01T00:00:00Z"),
            Some("byte") => json!("eA=="),
            _ => json!("x"),
        },
        Some("integer") => json!(1),
        Some("number") => json!(1.5),
        Some("boolean") => json!(true),
        _ => json!({}),
    }
}

fn check<T: Serialize + DeserializeOwned>(kind: &str, part: &str) {
    let schema = support::our_schema(kind);
    let value = sample(&schema["properties"][part], part);
    let typed: T = serde_json::from_value(value.clone())
        .unwrap_or_else(|e| panic!("{kind}.{part}: the schema sample does not read: {e}"));
    let written = serde_json::to_string(&typed).unwrap();
    let canonical = serde_json::to_value(&typed).unwrap().to_string();
    assert_eq!(
        written, canonical,
        "{kind}.{part}: a struct declares its fields out of byte order of their JSON names"
    );
    // Nothing the sample set was dropped: the check saw every field.
    assert_eq!(
        serde_json::to_value(&typed).unwrap(),
        value,
        "{kind}.{part}: sample lost data"
    );
}

#[test]
fn resource_fields_are_declared_in_written_order() {
    use mesh_core::crd::{
        ComponentStatus, FunctionMeshSpec, FunctionMeshStatus, FunctionSpec, SinkSpec, SourceSpec,
    };
    check::<FunctionSpec>("Function", "spec");
    check::<SourceSpec>("Source", "spec");
    check::<SinkSpec>("Sink", "spec");
    check::<FunctionMeshSpec>("FunctionMesh", "spec");
    check::<ComponentStatus>("Function", "status");
    check::<FunctionMeshStatus>("FunctionMesh", "status");
}

//! Random JSON documents that follow a JSON schema: schemars output (with `$defs`/`$ref`) or a
//! structural CRD schema (`nullable`, `x-kubernetes-*`). Used to drive property tests of the model
//! and of conversions without writing a strategy by hand for each of hundreds of fields.

use proptest::prelude::*;
use serde_json::{Map, Value, json};

/// Strings that YAML readers like to turn into something else; they must survive a round trip.
const TRICKY: &[&str] = &[
    "",
    "yes",
    "no",
    "on",
    "off",
    "true",
    "null",
    "~",
    "0755",
    "1e3",
    "0x1F",
    "-",
    "a: b",
    "#x",
    "@x",
    "'q'",
    "\"dq\"",
    " lead",
    "trail ",
    "multi\nline",
    "ünïcödé",
    "*star",
    "&amp",
    "!tag",
    "[b]",
    "{c}",
    "%p",
];

/// How deep objects nest before only required fields are generated.
pub const MAX_DEPTH: u32 = 5;

/// A strategy for documents matching `schema` (resolving `$ref` against `root`).
pub fn strategy(schema: &Value, root: &Value, depth: u32) -> BoxedStrategy<Value> {
    let schema = resolve(schema, root);
    if schema == &Value::Bool(true) || schema.as_object().is_some_and(Map::is_empty) {
        return any_json(2).boxed();
    }
    if let Some(c) = schema.get("const") {
        return Just(c.clone()).boxed();
    }
    if let Some(values) = schema.get("enum").and_then(Value::as_array) {
        let values: Vec<Value> = values.iter().filter(|v| !v.is_null()).cloned().collect();
        return proptest::sample::select(values).boxed();
    }
    if let Some(alts) = schema
        .get("anyOf")
        .or_else(|| schema.get("oneOf"))
        .and_then(Value::as_array)
    {
        let alts: Vec<BoxedStrategy<Value>> = alts
            .iter()
            .filter(|a| resolve(a, root).get("type") != Some(&json!("null")))
            .map(|a| strategy(a, root, depth))
            .collect();
        return proptest::strategy::Union::new(alts).boxed();
    }
    if schema.get("x-kubernetes-int-or-string") == Some(&Value::Bool(true)) {
        return prop_oneof![
            (0u32..5000).prop_map(|n| json!(n)),
            (0u32..5000).prop_map(|n| json!(n.to_string()))
        ]
        .boxed();
    }
    let ty = match schema.get("type") {
        Some(Value::String(t)) => t.clone(),
        Some(Value::Array(ts)) => ts
            .iter()
            .filter_map(Value::as_str)
            .find(|t| *t != "null")
            .unwrap_or("null")
            .to_owned(),
        _ if schema.get("properties").is_some() => "object".to_owned(),
        _ if schema.get("x-kubernetes-preserve-unknown-fields").is_some() => "free".to_owned(),
        _ => "any".to_owned(),
    };
    match ty.as_str() {
        "object" => object(schema, root, depth),
        "free" => free_object().boxed(),
        "array" => {
            let items = schema.get("items").cloned().unwrap_or(Value::Bool(true));
            let max = if depth >= MAX_DEPTH { 1 } else { 3 };
            proptest::collection::vec(strategy(&items, root, depth + 1), 0..max)
                .prop_map(Value::Array)
                .boxed()
        }
        "string" => string(schema),
        "integer" => integer(schema),
        "number" => prop_oneof![
            Just(0.5),
            Just(1.0),
            Just(2.25),
            (-1000i32..1000).prop_map(|n| f64::from(n) / 8.0)
        ]
        .prop_map(|f| json!(f))
        .boxed(),
        "boolean" => any::<bool>().prop_map(Value::Bool).boxed(),
        _ => any_json(2).boxed(),
    }
}

fn resolve<'a>(schema: &'a Value, root: &'a Value) -> &'a Value {
    let mut s = schema;
    while let Some(r) = s.get("$ref").and_then(Value::as_str) {
        let Some(path) = r.strip_prefix('#') else { break };
        match root.pointer(path) {
            Some(target) => s = target,
            None => break,
        }
    }
    s
}

fn object(schema: &Value, root: &Value, depth: u32) -> BoxedStrategy<Value> {
    let required: Vec<String> = schema
        .get("required")
        .and_then(Value::as_array)
        .map(|r| r.iter().filter_map(Value::as_str).map(str::to_owned).collect())
        .unwrap_or_default();
    let mut fields: Vec<BoxedStrategy<Option<(String, Value)>>> = Vec::new();
    if let Some(props) = schema.get("properties").and_then(Value::as_object) {
        let embedded_object = props.contains_key("apiVersion") && props.contains_key("metadata");
        for (name, sub) in props {
            // Embedded Kubernetes objects check apiVersion/kind against their own type: leave them out.
            if embedded_object && (name == "apiVersion" || name == "kind") {
                continue;
            }
            let name = name.clone();
            let value = strategy(sub, root, depth + 1);
            if required.contains(&name) {
                fields.push(value.prop_map(move |v| Some((name.clone(), v))).boxed());
            } else if depth < MAX_DEPTH {
                let weight = if depth == 0 { 0.6 } else { 0.3 };
                fields.push(
                    proptest::option::weighted(weight, value)
                        .prop_map(move |v| v.map(|v| (name.clone(), v)))
                        .boxed(),
                );
            }
        }
    }
    let known: Vec<String> = schema
        .get("properties")
        .and_then(Value::as_object)
        .map(|p| p.keys().cloned().collect())
        .unwrap_or_default();
    let extra: BoxedStrategy<Vec<(String, Value)>> = match schema.get("additionalProperties") {
        Some(ap) if ap != &Value::Bool(false) && depth < MAX_DEPTH => {
            // Keys of typed maps are data; keys beside known fields are unknown fields ("x-…").
            let prefix = if known.is_empty() { "" } else { "x-" };
            let value = strategy(ap, root, depth + 1);
            let max = if known.is_empty() { 3 } else { 2 };
            proptest::collection::vec(("[a-z][a-z0-9./-]{0,8}", value), 0..max)
                .prop_map(move |kv| kv.into_iter().map(|(k, v)| (format!("{prefix}{k}"), v)).collect())
                .boxed()
        }
        _ => Just(Vec::new()).boxed(),
    };
    (fields, extra)
        .prop_map(|(fields, extra)| {
            let mut m = Map::new();
            for (k, v) in extra {
                m.insert(k, v);
            }
            for (k, v) in fields.into_iter().flatten() {
                m.insert(k, v);
            }
            Value::Object(m)
        })
        .boxed()
}

fn string(schema: &Value) -> BoxedStrategy<Value> {
    match schema.get("format").and_then(Value::as_str) {
        Some("date-time") => Just(json!("2024-05-06T07:08:09Z")).boxed(),
        Some("byte") => Just(json!("aGVsbG8=")).boxed(),
        _ => prop_oneof![
            3 => "[a-zA-Z0-9][a-zA-Z0-9 ._:/-]{0,14}",
            1 => proptest::sample::select(TRICKY).prop_map(str::to_owned),
        ]
        .prop_map(Value::String)
        .boxed(),
    }
}

fn integer(schema: &Value) -> BoxedStrategy<Value> {
    let min = schema
        .get("minimum")
        .and_then(Value::as_f64)
        .map_or(-100_000, |m| m as i64);
    match schema.get("format").and_then(Value::as_str) {
        Some("int64") => (min..i64::from(i32::MAX) * 4).prop_map(|n| json!(n)).boxed(),
        Some("uint32" | "uint64" | "uint") => (0i64..1_000_000).prop_map(|n| json!(n)).boxed(),
        _ => (min.max(i64::from(i32::MIN))..i64::from(i32::MAX))
            .prop_map(|n| json!(n))
            .boxed(),
    }
}

fn free_object() -> impl Strategy<Value = Value> {
    proptest::collection::btree_map("[a-z][a-zA-Z0-9_.]{0,8}", any_json(2), 0..4)
        .prop_map(|m| Value::Object(m.into_iter().collect()))
}

/// Any JSON value of limited depth (numbers kept exactly representable).
pub fn any_json(depth: u32) -> BoxedStrategy<Value> {
    let leaf = prop_oneof![
        Just(Value::Null),
        any::<bool>().prop_map(Value::Bool),
        (-10_000i64..10_000).prop_map(|n| json!(n)),
        (-1000i32..1000).prop_map(|n| json!(f64::from(n) / 4.0)),
        "[a-zA-Z0-9 ._-]{0,10}".prop_map(Value::String),
        proptest::sample::select(TRICKY).prop_map(|s| Value::String(s.to_owned())),
    ];
    if depth == 0 {
        return leaf.boxed();
    }
    prop_oneof![
        3 => leaf,
        1 => proptest::collection::vec(any_json(depth - 1), 0..3).prop_map(Value::Array),
        1 => proptest::collection::btree_map("[a-z]{1,6}", any_json(depth - 1), 0..3)
            .prop_map(|m| Value::Object(m.into_iter().collect())),
    ]
    .boxed()
}

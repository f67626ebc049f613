//! Validating produced CRs against the operator's CRD schemas and our generated ones.

use std::sync::OnceLock;

use serde_json::Value;

fn validators() -> &'static Vec<(String, String, jsonschema::Validator)> {
    static V: OnceLock<Vec<(String, String, jsonschema::Validator)>> = OnceLock::new();
    V.get_or_init(|| {
        let mut v = Vec::new();
        for (kind, file) in [
            ("Function", "compute.functionmesh.io_functions.yaml"),
            ("Source", "compute.functionmesh.io_sources.yaml"),
            ("Sink", "compute.functionmesh.io_sinks.yaml"),
            ("FunctionMesh", "compute.functionmesh.io_functionmeshes.yaml"),
        ] {
            if let Some(upstream) = super::upstream_schema(file) {
                v.push((
                    kind.to_owned(),
                    "operator".to_owned(),
                    jsonschema::validator_for(&upstream).unwrap(),
                ));
            }
            let ours = super::our_schema(kind);
            v.push((
                kind.to_owned(),
                "generated".to_owned(),
                jsonschema::validator_for(&ours).unwrap(),
            ));
        }
        v
    })
}

/// Validates `object` against the operator's and our CRD schema of its kind.
/// # Panics
/// When `object` does not validate.
pub fn assert_valid_cr(object: &Value, what: &str) {
    let kind = object["kind"].as_str().unwrap_or_default();
    let mut checked = 0;
    for (k, source, validator) in validators() {
        if k == kind {
            let errors: Vec<String> = validator
                .iter_errors(object)
                .map(|e| format!("{e} at {}", e.instance_path()))
                .collect();
            assert!(
                errors.is_empty(),
                "{what}: invalid against the {source} {kind} CRD:\n{}",
                errors.join("\n")
            );
            checked += 1;
        }
    }
    assert!(checked >= 1, "{what}: no schema for kind {kind:?}");
}

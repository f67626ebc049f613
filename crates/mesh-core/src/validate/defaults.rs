//! What the operator fills in before a resource is checked, where its CRD marks the field
//! required (`../shared/reference/function-mesh.md` §c.1, §c.3, §c.4): a Function's
//! `windowConfig.actualWindowFunctionClassName`, which the operator's controller sets to
//! `spec.className` (it runs the user's class through Pulsar's window executor). The operator's
//! own CI applies window functions without it; mesh fills it the same way, says so in a warning,
//! and applies the filled resource, so that it is accepted also where no mutating webhook runs.
//! No other field the CRDs require is filled by the operator.

use serde_json::Value;

use crate::diag::{Diagnostics, join};

/// Fills the operator's defaults into the `Function` (`kind` = `"Function"`) or `FunctionMesh`
/// resource `value`; answers a warning per field filled (none: nothing was missing).
pub fn operator_defaults(kind: &str, value: &mut Value) -> Diagnostics {
    let mut filled = Diagnostics::new();
    match kind {
        "Function" => window_class(&mut value["spec"], "spec", &mut filled),
        "FunctionMesh" => {
            if let Some(functions) = value.pointer_mut("/spec/functions").and_then(Value::as_array_mut) {
                for (i, f) in functions.iter_mut().enumerate() {
                    window_class(f, &format!("spec.functions[{i}]"), &mut filled);
                }
            }
        }
        _ => {}
    }
    filled
}

/// `windowConfig.actualWindowFunctionClassName` of the function spec `spec` at `path`, from its
/// `className`, when the window config lacks it.
fn window_class(spec: &mut Value, path: &str, filled: &mut Diagnostics) {
    let Some(class) = spec.get("className").and_then(Value::as_str).map(str::to_owned) else {
        return;
    };
    let Some(window) = spec.get_mut("windowConfig").and_then(Value::as_object_mut) else {
        return;
    };
    let key = "actualWindowFunctionClassName";
    if window.get(key).is_some_and(|v| !v.is_null()) {
        return;
    }
    window.insert(key.to_owned(), Value::String(class.clone()));
    filled.warning(
        join(path, "windowConfig.actualWindowFunctionClassName"),
        format!("missing: set to className ({class}), as the operator sets it"),
    );
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn a_window_function_gets_its_class_as_the_window_class() {
        let mut f =
            json!({"spec": {"className": "org.example.Count", "windowConfig": {"windowLengthCount": 10}}});
        let filled = operator_defaults("Function", &mut f);
        assert_eq!(
            f["spec"]["windowConfig"]["actualWindowFunctionClassName"],
            "org.example.Count"
        );
        assert_eq!(
            filled.iter().map(ToString::to_string).collect::<Vec<_>>(),
            [
                "warning: spec.windowConfig.actualWindowFunctionClassName: missing: set to className (org.example.Count), as the operator sets it"
            ]
        );
    }

    #[test]
    fn what_is_there_or_cannot_be_known_is_left_alone() {
        for mut f in [
            json!({"spec": {"className": "A", "windowConfig": {"actualWindowFunctionClassName": "B"}}}),
            json!({"spec": {"windowConfig": {}}}),
            json!({"spec": {"className": "A"}}),
        ] {
            let before = f.clone();
            assert!(operator_defaults("Function", &mut f).is_empty());
            assert_eq!(f, before);
        }
        let mut sink = json!({"spec": {"className": "A", "windowConfig": {}}});
        assert!(operator_defaults("Sink", &mut sink).is_empty());
    }

    #[test]
    fn each_function_of_a_mesh_is_filled() {
        let mut mesh = json!({"spec": {"functions": [
            {"className": "A", "windowConfig": {}}, {"className": "B"}, {"className": "C", "windowConfig": {}}
        ]}});
        let filled = operator_defaults("FunctionMesh", &mut mesh);
        let paths: Vec<&str> = filled.iter().map(|d| d.path.as_str()).collect();
        assert_eq!(
            paths,
            [
                "spec.functions[0].windowConfig.actualWindowFunctionClassName",
                "spec.functions[2].windowConfig.actualWindowFunctionClassName"
            ]
        );
        assert_eq!(
            mesh["spec"]["functions"][2]["windowConfig"]["actualWindowFunctionClassName"],
            "C"
        );
    }
}

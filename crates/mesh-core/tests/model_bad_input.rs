//! Bad input gets every diagnostic at once, with its path, and never a panic.

#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::fmt::Write as _;

use mesh_core::document::parse_one;
use mesh_core::pulsar::{FunctionConfig, SinkConfig, SourceConfig};
use mesh_core::worker::{Catalogue, WorkerConfig};

fn errors<T: serde::de::DeserializeOwned + std::fmt::Debug>(input: &str) -> Vec<String> {
    parse_one::<T>(input.as_bytes())
        .unwrap_err()
        .iter()
        .map(ToString::to_string)
        .collect()
}

#[test]
fn wrong_types_and_enum_values_are_all_reported() {
    let e = errors::<FunctionConfig>(
        "name: f\nparallelism: two\nprocessingGuarantees: SOMETIMES\ninputs: in-topic\nresources: {cpu: lots}\n",
    );
    assert_eq!(e.len(), 4, "{e:#?}");
    assert!(
        e.iter()
            .any(|l| l.starts_with("error: parallelism: invalid type: string \"two\", expected i32"))
    );
    assert!(e.iter().any(|l| l.starts_with(
        "error: processingGuarantees: unknown variant `SOMETIMES`, expected one of `ATLEAST_ONCE`"
    )));
    assert!(
        e.iter()
            .any(|l| l.starts_with("error: inputs: invalid type: string \"in-topic\", expected a sequence"))
    );
    assert!(
        e.iter()
            .any(|l| l.starts_with("error: resources.cpu: invalid type: string \"lots\""))
    );
}

#[test]
fn nested_enum_errors_name_the_map_key() {
    let e = errors::<SinkConfig>(
        r#"{"inputSpecs": {"persistent://t/n/a": {"cryptoConfig": {"consumerCryptoFailureAction": "IGNORE"}}},
            "sourceSubscriptionPosition": "latest"}"#,
    );
    assert_eq!(e.len(), 2, "{e:#?}");
    assert!(e[0].starts_with("error: inputSpecs.persistent://t/n/a.cryptoConfig.consumerCryptoFailureAction: unknown variant `IGNORE`"));
    assert!(
        e[1].contains(
            "sourceSubscriptionPosition: unknown variant `latest`, expected `Latest` or `Earliest`"
        )
    );
}

#[test]
fn both_regex_spellings_at_once_is_an_error() {
    let e =
        errors::<FunctionConfig>(r#"{"inputSpecs": {"t": {"regexPattern": true, "isRegexPattern": false}}}"#);
    assert!(
        e[0].contains("inputSpecs.t") && e[0].contains("duplicate field"),
        "{e:?}"
    );
}

#[test]
fn duplicate_yaml_keys_are_rejected() {
    let e = errors::<SourceConfig>("name: a\nname: b\n");
    assert!(
        e[0].starts_with("error: <document>: invalid YAML: ") && e[0].contains("duplicate"),
        "{e:?}"
    );
}

#[test]
fn alias_bombs_are_rejected() {
    let mut doc = String::from("a: &a [\"x\",\"x\",\"x\",\"x\",\"x\",\"x\",\"x\",\"x\",\"x\"]\n");
    let mut prev = String::from("a");
    for i in 0..12 {
        let name = format!("l{i}");
        let refs = vec![format!("*{prev}"); 9].join(",");
        writeln!(doc, "{name}: &{name} [{refs}]").unwrap();
        prev = name;
    }
    writeln!(doc, "userConfig: {{bomb: *{prev}}}").unwrap();
    let e = errors::<FunctionConfig>(&doc);
    assert!(e[0].starts_with("error: <document>: invalid YAML"), "{e:?}");
}

#[test]
fn not_a_mapping_is_an_error() {
    let e = errors::<FunctionConfig>("- a\n- b\n");
    assert!(
        e[0].contains("invalid type: sequence, expected struct FunctionConfig"),
        "{e:?}"
    );
    let e = errors::<FunctionConfig>("");
    assert_eq!(e, ["error: <document>: the input holds no document"]);
    let e = errors::<FunctionConfig>("{\"name\": ");
    assert!(e[0].starts_with("error: <document>: invalid JSON: "), "{e:?}");
}

#[test]
fn bad_worker_configs_say_where() {
    let e = errors::<WorkerConfig>(
        "functionsWorkerServiceCustomConfigs:\n  enableTrustedMode: maybe\n  volumes: {name: x}\n",
    );
    assert_eq!(e.len(), 2, "{e:#?}");
    assert!(e.iter().any(|l| {
        l.starts_with("error: functionsWorkerServiceCustomConfigs.enableTrustedMode: invalid type")
    }));
    assert!(
        e.iter()
            .any(|l| l.starts_with("error: functionsWorkerServiceCustomConfigs.volumes: invalid type: map"))
    );
    let e = errors::<Catalogue>("name: kafka\n");
    assert!(e[0].contains("expected a sequence"), "{e:?}");
}

#[test]
fn garbage_never_panics() {
    let inputs: [&[u8]; 8] = [
        b"\xff\xfe\x00",
        b"{",
        b"[",
        b"---\n---\n",
        b"a: [",
        b"!!binary x",
        b"{\"a\":1}{",
        b":::",
    ];
    for input in inputs {
        let _ = parse_one::<FunctionConfig>(input);
        let _ = parse_one::<WorkerConfig>(input);
    }
}

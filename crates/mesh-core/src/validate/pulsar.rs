//! Pulsar's own rules for function, source and sink configs, with Pulsar's exact messages.
//!
//! Run on a config after [`FunctionConfig::infer_missing`] (resp. the source and sink
//! inference), as Pulsar's server does. Rules that need the package's classes (class exists,
//! implements the right interface, SerDe/schema compatibility) cannot run without the package and
//! are left to the runtime.

use std::collections::BTreeMap;

use serde_json::Value;

use super::topic::is_valid_pulsar;
use crate::diag::{Diagnostics, join};
use crate::pulsar::{
    ConsumerConfig, FunctionConfig, ProcessingGuarantees, ProducerConfig, Resources, Runtime, SinkConfig,
    SourceConfig, WindowConfig,
};

fn blank(s: Option<&String>) -> bool {
    s.is_none_or(|s| s.trim().is_empty())
}

/// Both a package and a built-in type were given (inference turns a lone type into `builtin://<type>`).
fn both_package_and_type(package: Option<&String>, kind: Option<&String>) -> bool {
    match (package, kind) {
        (Some(p), Some(t)) => *p != format!("builtin://{}", t.trim()),
        _ => false,
    }
}

fn present(s: Option<&String>) -> Option<&str> {
    s.map(String::as_str).filter(|s| !s.is_empty())
}

/// Where an input was given: `inputs[0]`, `topicsPattern`, `inputSpecs.<topic>`, … (built only
/// when a diagnostic needs it).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum InputPath<'a> {
    /// An element of a list field.
    Index(&'static str, usize),
    /// A single-valued field.
    Field(&'static str),
    /// A key of a map field.
    Key(&'static str, &'a str),
}

impl std::fmt::Display for InputPath<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Self::Index(field, i) => write!(f, "{field}[{i}]"),
            Self::Field(field) => f.write_str(field),
            Self::Key(field, key) => write!(f, "{field}.{key}"),
        }
    }
}

/// Every input of a function with where it was given: `inputs`, `topicsPattern`,
/// `customSerdeInputs`, `customSchemaInputs`, `inputSpecs`.
pub fn function_inputs(c: &FunctionConfig) -> Vec<(InputPath<'_>, &str)> {
    let mut out = Vec::new();
    for (i, t) in c.inputs.iter().flatten().enumerate() {
        out.push((InputPath::Index("inputs", i), t.as_str()));
    }
    if let Some(p) = c.topics_pattern.as_deref() {
        out.push((InputPath::Field("topicsPattern"), p));
    }
    for (field, map) in [
        ("customSerdeInputs", &c.custom_serde_inputs),
        ("customSchemaInputs", &c.custom_schema_inputs),
    ] {
        for t in map.iter().flat_map(BTreeMap::keys) {
            out.push((InputPath::Key(field, t), t.as_str()));
        }
    }
    for t in c.input_specs.iter().flat_map(BTreeMap::keys) {
        out.push((InputPath::Key("inputSpecs", t), t.as_str()));
    }
    out
}

/// Every input of a sink with where it was given.
pub fn sink_inputs(c: &SinkConfig) -> Vec<(InputPath<'_>, &str)> {
    let mut out = Vec::new();
    for (i, t) in c.inputs.iter().flatten().enumerate() {
        out.push((InputPath::Index("inputs", i), t.as_str()));
    }
    for t in c.topic_to_serde_class_name.iter().flat_map(BTreeMap::keys) {
        out.push((InputPath::Key("topicToSerdeClassName", t), t.as_str()));
    }
    if let Some(p) = c.topics_pattern.as_deref() {
        out.push((InputPath::Field("topicsPattern"), p));
    }
    for t in c.topic_to_schema_type.iter().flat_map(BTreeMap::keys) {
        out.push((InputPath::Key("topicToSchemaType", t), t.as_str()));
    }
    for t in c.input_specs.iter().flat_map(BTreeMap::keys) {
        out.push((InputPath::Key("inputSpecs", t), t.as_str()));
    }
    out
}

fn check_log(log_topic: Option<&String>, log_level: Option<&String>, d: &mut Diagnostics) {
    if let Some(t) = present(log_topic)
        && !is_valid_pulsar(t)
    {
        d.error("logTopic", format!("LogTopic topic {t} is invalid"));
    }
    if let Some(l) = present(log_level)
        && !matches!(
            l.to_ascii_uppercase().as_str(),
            "INFO" | "DEBUG" | "WARN" | "ERROR"
        )
    {
        d.error("logLevel", format!("LogLevel {l} is invalid"));
    }
}

/// `ResourceConfigUtils.validate`.
pub fn check_resources(r: Option<&Resources>, d: &mut Diagnostics) {
    let Some(r) = r else { return };
    if r.cpu.is_some_and(|c| c <= 0.0) {
        d.error(
            "resources.cpu",
            "The cpu allocation for the function must be positive",
        );
    }
    if r.ram.is_some_and(|v| v <= 0) {
        d.error(
            "resources.ram",
            "The ram allocation for the function must be positive",
        );
    }
    if r.disk.is_some_and(|v| v <= 0) {
        d.error(
            "resources.disk",
            "The disk allocation for the function must be positive",
        );
    }
}

/// `WindowConfigUtils.validate`.
pub fn check_window(w: &WindowConfig, d: &mut Diagnostics) {
    let p = |f: &str| join("windowConfig", f);
    match (w.window_length_count, w.window_length_duration_ms) {
        (None, None) => d.error("windowConfig", "Window length is not specified"),
        (Some(_), Some(_)) => {
            d.error(
                "windowConfig",
                "Window length for time and count are set! Please set one or the other.",
            );
        }
        (Some(n), None) if n <= 0 => d.error(
            p("windowLengthCount"),
            format!("Window length must be positive [{n}]"),
        ),
        (None, Some(n)) if n <= 0 => {
            d.error(
                p("windowLengthDurationMs"),
                format!("Window length must be positive [{n}]"),
            );
        }
        _ => {}
    }
    if let Some(n) = w.sliding_interval_count.filter(|n| *n <= 0) {
        d.error(
            p("slidingIntervalCount"),
            format!("Sliding interval must be positive [{n}]"),
        );
    }
    if let Some(n) = w.sliding_interval_duration_ms.filter(|n| *n <= 0) {
        d.error(
            p("slidingIntervalDurationMs"),
            format!("Sliding interval must be positive [{n}]"),
        );
    }
    if w.timestamp_extractor_class_name.is_some() {
        if let Some(n) = w.max_lag_ms.filter(|n| *n < 0) {
            d.error(p("maxLagMs"), format!("Lag duration must be positive [{n}]"));
        }
        if let Some(n) = w.watermark_emit_interval_ms.filter(|n| *n <= 0) {
            d.error(
                p("watermarkEmitIntervalMs"),
                format!("Watermark interval must be positive [{n}]"),
            );
        }
    }
}

fn check_consumer_crypto(topic: &str, spec: &ConsumerConfig, d: &mut Diagnostics) {
    let path = || join("inputSpecs", topic);
    if spec.receiver_queue_size.is_some_and(|n| n < 0) {
        d.error(
            join(&path(), "receiverQueueSize"),
            "Receiver queue size should be >= zero",
        );
    }
    if let Some(c) = &spec.crypto_config
        && blank(c.crypto_key_reader_class_name.as_ref())
    {
        d.error(
            join(&path(), "cryptoConfig.cryptoKeyReaderClassName"),
            "CryptoKeyReader class name required",
        );
    }
}

/// The ordering rules functions and sinks share.
fn check_ordering(
    effectively_once: bool,
    retain: Option<bool>,
    retain_key: Option<bool>,
    d: &mut Diagnostics,
) {
    if retain_key == Some(true) && effectively_once {
        d.error(
            "retainKeyOrdering",
            "When effectively once processing guarantee is specified, retain Key ordering cannot be set",
        );
    }
    if retain_key == Some(true) && retain == Some(true) {
        d.error(
            "retainKeyOrdering",
            "Only one of retain ordering or retain key ordering can be set",
        );
    }
}

fn check_producer(p: Option<&ProducerConfig>, d: &mut Diagnostics) {
    let Some(c) = p.and_then(|p| p.crypto_config.as_ref()) else {
        return;
    };
    if blank(c.crypto_key_reader_class_name.as_ref()) {
        d.error(
            "producerConfig.cryptoConfig.cryptoKeyReaderClassName",
            "CryptoKeyReader class name required",
        );
    }
    if c.encryption_keys.as_ref().is_none_or(Vec::is_empty) {
        d.error(
            "producerConfig.cryptoConfig.encryptionKeys",
            "Must provide encryption key name for crypto key reader",
        );
    }
}

/// The Kubernetes secrets provider's format check: each secret is `{"path": …, "key": …}`.
pub fn check_secrets(secrets: Option<&BTreeMap<String, Value>>, d: &mut Diagnostics) {
    for (name, v) in secrets.into_iter().flatten() {
        let path = join("secrets", name);
        let Some(m) = v.as_object() else {
            d.error(path, "Kubernetes Secret should be a Map containing id/key pairs");
            continue;
        };
        if m.len() < 2 {
            d.error(path, "Kubernetes Secret should contain id and key");
        } else if !m.get("path").is_some_and(Value::is_string) {
            d.error(path, "Kubernetes Secret should contain id information");
        } else if !m.get("key").is_some_and(Value::is_string) {
            d.error(path, "Kubernetes Secret should contain key information");
        }
    }
}

const ATMOST_ONCE_AUTO_ACK: &str = "When Guarantees == ATMOST_ONCE, autoAck must be equal to true. This is a contradictory configuration, autoAck will be removed later. Please refer to PIP: https://github.com/apache/pulsar/issues/15560";

/// Pulsar's checks of a function config (`doCommonChecks`, the runtime checks, and the errors
/// `convert` raises), on an inferred config.
pub fn function(c: &FunctionConfig) -> Diagnostics {
    let mut d = Diagnostics::new();
    let g = c.processing_guarantees;
    let eo = g == Some(ProcessingGuarantees::EffectivelyOnce);
    if blank(c.tenant.as_ref()) {
        d.error("tenant", "Function tenant cannot be null");
    }
    if blank(c.namespace.as_ref()) {
        d.error("namespace", "Function namespace cannot be null");
    }
    if blank(c.name.as_ref()) {
        d.error("name", "Function name cannot be null");
    }
    if both_package_and_type(c.jar.as_ref(), c.function_type.as_ref()) {
        d.error("functionType", "Cannot specify both jar and function-type");
    }
    if c.runtime == Some(Runtime::Python) && blank(c.class_name.as_ref()) {
        d.error("className", "Function classname cannot be null");
    }
    let inputs = function_inputs(c);
    if inputs.is_empty() {
        d.error("inputs", "No input topic(s) specified for the function");
    }
    for (path, t) in &inputs {
        if !is_valid_pulsar(t) {
            d.error(path.to_string(), format!("Input topic {t} is invalid"));
        }
    }
    if let Some(o) = present(c.output.as_ref())
        && !is_valid_pulsar(o)
    {
        d.error("output", format!("Output topic {o} is invalid"));
    }
    check_log(c.log_topic.as_ref(), c.log_level.as_ref(), &mut d);
    if let Some(t) = present(c.dead_letter_topic.as_ref())
        && !is_valid_pulsar(t)
    {
        d.error("deadLetterTopic", format!("DeadLetter topic {t} is invalid"));
    }
    if c.parallelism.is_some_and(|p| p <= 0) {
        d.error("parallelism", "Function parallelism must be a positive number");
    }
    if let Some(o) = present(c.output.as_ref())
        && inputs.iter().any(|(_, t)| *t == o)
    {
        d.error(
            "output",
            format!(
                "Output topic {o} is also being used as an input topic (topics must be one or the other)"
            ),
        );
    }
    if let Some(w) = &c.window_config {
        check_window(w, &mut d);
    }
    check_resources(c.resources.as_ref(), &mut d);
    if let Some(t) = c.timeout_ms {
        if t <= 0 {
            d.error("timeoutMs", "Function timeout must be a positive number");
        }
        if g.is_some_and(|g| g != ProcessingGuarantees::AtleastOnce) {
            d.error(
                "timeoutMs",
                "Message timeout can only be specified with processing guarantee is ATLEAST_ONCE",
            );
        }
    }
    let retries = c.max_message_retries.filter(|r| *r >= 0);
    if retries.is_some() && eo {
        d.error(
            "maxMessageRetries",
            "MaxMessageRetries and Effectively once don't gel well",
        );
    }
    if retries.is_none() && !blank(c.dead_letter_topic.as_ref()) {
        d.error(
            "deadLetterTopic",
            "Dead Letter Topic specified, however max retries is set to infinity",
        );
    }
    check_ordering(eo, c.retain_ordering, c.retain_key_ordering, &mut d);
    for (topic, spec) in c.input_specs.iter().flatten() {
        check_consumer_crypto(topic, spec, &mut d);
        if c.runtime == Some(Runtime::Java)
            && !blank(spec.schema_type.as_ref())
            && !blank(spec.serde_class_name.as_ref())
        {
            d.error(
                join("inputSpecs", topic),
                "Only one of schemaType or serdeClassName should be set in inputSpec",
            );
        }
    }
    check_producer(c.producer_config.as_ref(), &mut d);
    for (topic, conf) in c.custom_schema_inputs.iter().flatten() {
        if serde_json::from_str::<ConsumerConfig>(conf).is_err() {
            d.error(
                join("customSchemaInputs", topic),
                format!("Incorrect custom schema inputs,Topic {topic} "),
            );
        }
    }
    for (topic, conf) in c.custom_schema_outputs.iter().flatten() {
        if serde_json::from_str::<ConsumerConfig>(conf).is_err() {
            d.error(
                join("customSchemaOutputs", topic),
                format!("Incorrect custom schema outputs,Topic {topic} "),
            );
        }
    }
    if c.window_config.is_some()
        && let Some(g @ (ProcessingGuarantees::EffectivelyOnce | ProcessingGuarantees::Manual)) = g
    {
        d.error(
            "processingGuarantees",
            format!("Windows Function not support {} delivery semantics.", g.as_str()),
        );
    }
    // A window function runs as MANUAL (its guarantee moves to the window), so the check does not apply.
    if c.auto_ack == Some(false) && g == Some(ProcessingGuarantees::AtmostOnce) && c.window_config.is_none() {
        d.error("autoAck", ATMOST_ONCE_AUTO_ACK);
    }
    match c.runtime {
        None => d.error(
            "runtime",
            "Function language runtime is either not set or cannot be determined",
        ),
        Some(Runtime::Java) => {
            let builtin = c.jar.as_deref().is_some_and(|j| j.starts_with("builtin://"));
            if blank(c.class_name.as_ref()) && !builtin {
                d.error("className", "Function class name is not provided.");
            }
            if !blank(c.output_serde_class_name.as_ref()) && !blank(c.output_schema_type.as_ref()) {
                d.error(
                    "outputSerdeClassName",
                    "Only one of outputSchemaType or outputSerdeClassName should be set",
                );
            }
        }
        Some(Runtime::Python) => {
            if eo {
                d.error(
                    "processingGuarantees",
                    "Effectively-once processing guarantees not yet supported in Python",
                );
            }
            if c.window_config.is_some() {
                d.error(
                    "windowConfig",
                    "There is currently no support windowing in python",
                );
            }
            if retries.is_some() {
                d.error("maxMessageRetries", "Message retries not yet supported in python");
            }
        }
        Some(Runtime::Go) => {
            if eo {
                d.error(
                    "processingGuarantees",
                    "Effectively-once processing guarantees not yet supported in Go function",
                );
            }
            if c.window_config.is_some() {
                d.error("windowConfig", "Windowing is not supported in Go function yet");
            }
            if retries.is_some() {
                d.error(
                    "maxMessageRetries",
                    "Message retries not yet supported in Go function",
                );
            }
            if c.retain_key_ordering == Some(true) {
                d.error(
                    "retainKeyOrdering",
                    "Retain Key Orderering not yet supported in Go function",
                );
            }
        }
    }
    if c.jar.is_none() && c.py.is_none() && c.go.is_none() {
        d.error(
            "jar",
            "Either a Java jar or a Python file or a Go executable binary needs to be specified for the function. Please specify one.",
        );
    }
    check_secrets(c.secrets.as_ref(), &mut d);
    d
}

/// Pulsar's checks of a source config (`SourceConfigUtils.validateAndExtractDetails`), on an inferred config.
pub fn source(c: &SourceConfig) -> Diagnostics {
    let mut d = Diagnostics::new();
    if blank(c.tenant.as_ref()) {
        d.error("tenant", "Source tenant cannot be null");
    }
    if blank(c.namespace.as_ref()) {
        d.error("namespace", "Source namespace cannot be null");
    }
    if blank(c.name.as_ref()) {
        d.error("name", "Source name cannot be null");
    }
    if both_package_and_type(c.archive.as_ref(), c.source_type.as_ref()) {
        d.error("sourceType", "Cannot specify both archive and source-type");
    }
    if let Some(t) = present(c.topic_name.as_ref())
        && !is_valid_pulsar(t)
    {
        d.error("topicName", "Topic name is invalid");
    }
    check_log(c.log_topic.as_ref(), c.log_level.as_ref(), &mut d);
    if c.parallelism.is_some_and(|p| p <= 0) {
        d.error("parallelism", "Source parallelism must be a positive number");
    }
    check_resources(c.resources.as_ref(), &mut d);
    if let Some(b) = &c.batch_source_config
        && blank(b.discovery_triggerer_class_name.as_ref())
    {
        d.error(
            "batchSourceConfig.discoveryTriggererClassName",
            "BatchSourceConfig does not specify Discovery Trigger ClassName",
        );
    }
    if !blank(c.serde_class_name.as_ref()) && !blank(c.schema_type.as_ref()) {
        d.error(
            "serdeClassName",
            "Only one of serdeClassName or schemaType should be set",
        );
    }
    check_producer(c.producer_config.as_ref(), &mut d);
    if blank(c.archive.as_ref()) {
        d.error("archive", "Source archive not specified");
    }
    check_secrets(c.secrets.as_ref(), &mut d);
    d
}

/// What a sink config asks that `target` cannot do (transform functions: an error), and what
/// Pulsar ignores (`topicToSchemaProperties`: a warning).
pub fn sink_unsupported(c: &SinkConfig, target: &str, d: &mut Diagnostics) {
    let transform = [
        ("transformFunction", &c.transform_function),
        ("transformFunctionClassName", &c.transform_function_class_name),
        ("transformFunctionConfig", &c.transform_function_config),
    ];
    if let Some((field, _)) = transform
        .iter()
        .find(|(_, v)| v.as_deref().is_some_and(|v| !v.is_empty()))
    {
        d.error(
            *field,
            format!("transform functions are not supported by {target}"),
        );
    }
    if c.topic_to_schema_properties.is_some() {
        d.warning(
            "topicToSchemaProperties",
            "ignored, as Pulsar ignores it: use inputSpecs.<topic>.schemaProperties",
        );
    }
}

/// Pulsar's checks of a sink config (`SinkConfigUtils.validateAndExtractDetails`), on an inferred config.
pub fn sink(c: &SinkConfig) -> Diagnostics {
    let mut d = Diagnostics::new();
    let eo = c.processing_guarantees == Some(ProcessingGuarantees::EffectivelyOnce);
    if blank(c.tenant.as_ref()) {
        d.error("tenant", "Sink tenant cannot be null");
    }
    if blank(c.namespace.as_ref()) {
        d.error("namespace", "Sink namespace cannot be null");
    }
    if blank(c.name.as_ref()) {
        d.error("name", "Sink name cannot be null");
    }
    if both_package_and_type(c.archive.as_ref(), c.sink_type.as_ref()) {
        d.error("sinkType", "Cannot specify both archive and sink-type");
    }
    let inputs = sink_inputs(c);
    if inputs.is_empty() {
        d.error(
            "inputs",
            "Must specify at least one topic of input via topicToSerdeClassName, topicsPattern, topicToSchemaType or inputSpecs",
        );
    }
    for (path, t) in &inputs {
        if !is_valid_pulsar(t) {
            d.error(path.to_string(), format!("Input topic {t} is invalid"));
        }
    }
    check_log(c.log_topic.as_ref(), c.log_level.as_ref(), &mut d);
    if c.parallelism.is_some_and(|p| p <= 0) {
        d.error("parallelism", "Sink parallelism must be a positive number");
    }
    check_resources(c.resources.as_ref(), &mut d);
    if c.timeout_ms.is_some_and(|t| t < 0) {
        d.error("timeoutMs", "Sink timeout must be a positive number");
    }
    for (topic, spec) in c.input_specs.iter().flatten() {
        check_consumer_crypto(topic, spec, &mut d);
        if !blank(spec.schema_type.as_ref()) && !blank(spec.serde_class_name.as_ref()) {
            d.error(
                join("inputSpecs", topic),
                "Only one of serdeClassName or schemaType should be set",
            );
        }
    }
    check_ordering(eo, c.retain_ordering, c.retain_key_ordering, &mut d);
    if c.auto_ack == Some(false) && c.processing_guarantees == Some(ProcessingGuarantees::AtmostOnce) {
        d.error("autoAck", ATMOST_ONCE_AUTO_ACK);
    }
    if blank(c.archive.as_ref()) {
        d.error("archive", "Sink archive not specified");
    }
    check_secrets(c.secrets.as_ref(), &mut d);
    d
}

#[cfg(test)]
mod tests {
    use super::*;

    fn messages(d: &Diagnostics) -> Vec<String> {
        d.iter().map(|d| format!("{}: {}", d.path, d.message)).collect()
    }

    #[test]
    fn function_rules_report_everything_at_once() {
        let c = FunctionConfig {
            tenant: Some("t".into()),
            namespace: Some("n".into()),
            name: Some("f".into()),
            class_name: Some("C".into()),
            jar: Some("function://t/n/f@1".into()),
            runtime: Some(Runtime::Java),
            inputs: Some(vec!["ok".into(), "a/b".into()]),
            output: Some("ok".into()),
            parallelism: Some(0),
            timeout_ms: Some(0),
            processing_guarantees: Some(ProcessingGuarantees::EffectivelyOnce),
            max_message_retries: Some(0),
            retain_key_ordering: Some(true),
            retain_ordering: Some(true),
            log_level: Some("trace".into()),
            ..FunctionConfig::default()
        };
        let m = messages(&function(&c));
        assert_eq!(
            m,
            [
                "inputs[1]: Input topic a/b is invalid",
                "logLevel: LogLevel trace is invalid",
                "parallelism: Function parallelism must be a positive number",
                "output: Output topic ok is also being used as an input topic (topics must be one or the other)",
                "timeoutMs: Function timeout must be a positive number",
                "timeoutMs: Message timeout can only be specified with processing guarantee is ATLEAST_ONCE",
                "maxMessageRetries: MaxMessageRetries and Effectively once don't gel well",
                "retainKeyOrdering: When effectively once processing guarantee is specified, retain Key ordering cannot be set",
                "retainKeyOrdering: Only one of retain ordering or retain key ordering can be set",
            ]
        );
    }

    #[test]
    fn window_rules() {
        let mut d = Diagnostics::new();
        check_window(&WindowConfig::default(), &mut d);
        check_window(
            &WindowConfig {
                window_length_count: Some(0),
                sliding_interval_count: Some(-1),
                ..WindowConfig::default()
            },
            &mut d,
        );
        check_window(
            &WindowConfig {
                window_length_duration_ms: Some(10),
                timestamp_extractor_class_name: Some("x".into()),
                max_lag_ms: Some(-1),
                watermark_emit_interval_ms: Some(0),
                ..WindowConfig::default()
            },
            &mut d,
        );
        assert_eq!(
            d.iter().map(|d| d.message.as_str()).collect::<Vec<_>>(),
            [
                "Window length is not specified",
                "Window length must be positive [0]",
                "Sliding interval must be positive [-1]",
                "Lag duration must be positive [-1]",
                "Watermark interval must be positive [0]",
            ]
        );
    }

    #[test]
    fn secrets_must_name_path_and_key() {
        let secrets: BTreeMap<String, Value> = serde_json::from_str(
            r#"{"a": "x", "b": {"path": "p"}, "c": {"key": "k", "other": 1}, "d": {"path": "p", "x": 1}, "ok": {"path": "p", "key": "k"}}"#,
        )
        .unwrap();
        let mut d = Diagnostics::new();
        check_secrets(Some(&secrets), &mut d);
        assert_eq!(
            messages(&d),
            [
                "secrets.a: Kubernetes Secret should be a Map containing id/key pairs",
                "secrets.b: Kubernetes Secret should contain id and key",
                "secrets.c: Kubernetes Secret should contain id information",
                "secrets.d: Kubernetes Secret should contain key information",
            ]
        );
    }

    #[test]
    fn sink_rules_differ_from_function_rules() {
        let c = SinkConfig {
            tenant: Some("t".into()),
            namespace: Some("n".into()),
            name: Some("s".into()),
            archive: Some("builtin://x".into()),
            timeout_ms: Some(0),
            dead_letter_topic: Some("dlq".into()),
            ..SinkConfig::default()
        };
        assert_eq!(
            messages(&sink(&c)),
            [
                "inputs: Must specify at least one topic of input via topicToSerdeClassName, topicsPattern, topicToSchemaType or inputSpecs"
            ]
        );
    }
}

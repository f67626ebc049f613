//! A StatefulSet that mesh or Pulsar's Kubernetes runtime made, read back as the Pulsar config
//! that makes it (Pulsar's `convertFromDetails`): the function details in its command line hold
//! almost everything; what they do not hold (the package's file name, the worker's settings) the
//! config never held either.

use std::collections::BTreeMap;

use k8s_openapi::api::apps::v1::StatefulSet;
use serde_json::Value;

use super::build::{
    BATCH_CLASS_KEY, BATCH_CONFIG_KEY, BATCH_SOURCE_EXECUTOR, WINDOW_CONFIG_KEY, WINDOW_EXECUTOR,
};
use super::details::{
    ComponentType, Compression, ConsumerSpec, CryptoSpec, FailureAction, FunctionDetails, Guarantees,
    Position, ProducerSpec, Runtime,
};
use super::manifest::CONTAINER;
use crate::convert::Component;
use crate::diag::{Diagnostic, Diagnostics};
use crate::pulsar::infer::BUILTIN_PREFIX;
use crate::pulsar::{
    self, CompressionType, ConsumerCryptoFailureAction, FunctionConfig, ProcessingGuarantees,
    ProducerCryptoFailureAction, SinkConfig, SourceConfig, SubscriptionInitialPosition,
};

/// What reading a StatefulSet back gave.
#[derive(Clone, Debug, PartialEq)]
pub struct Reversed {
    /// The config.
    pub config: Component,
    /// What could not be read back exactly.
    pub warnings: Diagnostics,
}

fn err(path: &str, message: impl Into<String>) -> Diagnostics {
    Diagnostics::from_iter([Diagnostic::error(path, message)])
}

/// The shell word starting at `text[at..]`: quotes removed, as `sh` reads it.
fn shell_word(text: &str) -> String {
    let mut out = String::new();
    let mut chars = text.chars().peekable();
    while let Some(c) = chars.next() {
        match c {
            '\'' => {
                for q in chars.by_ref() {
                    if q == '\'' {
                        break;
                    }
                    out.push(q);
                }
            }
            '"' => {
                while let Some(q) = chars.next() {
                    match q {
                        '"' => break,
                        '\\' => {
                            if let Some(n) = chars.next() {
                                out.push(n);
                            }
                        }
                        other => out.push(other),
                    }
                }
            }
            '\\' => {
                if let Some(n) = chars.next() {
                    out.push(n);
                }
            }
            c if c.is_whitespace() => break,
            c => out.push(c),
        }
    }
    out
}

fn after<'a>(script: &'a str, flag: &str) -> Option<&'a str> {
    let at = script.find(&format!(" {flag} "))?;
    Some(&script[at + flag.len() + 2..])
}

/// The function details in a container script: after `--function_details` (Java, Python), or
/// inside the Go instance config after `-instance-conf`.
pub fn details_in_script(script: &str) -> Result<FunctionDetails, Diagnostics> {
    let path = "spec.template.spec.containers[0].command";
    if let Some(rest) = after(script, "--function_details") {
        return serde_json::from_str(&shell_word(rest)).map_err(|e| {
            err(
                path,
                format!("the function details after --function_details are not valid: {e}"),
            )
        });
    }
    if let Some(rest) = after(script, "-instance-conf") {
        let config = shell_word(rest).replace("$SHARD_ID", "0");
        let go: Value = serde_json::from_str(&config).map_err(|e| {
            err(
                path,
                format!("the Go instance config after -instance-conf is not JSON: {e}"),
            )
        })?;
        let Some(details) = go.get("functionDetails").and_then(Value::as_str) else {
            return Err(err(path, "the Go instance config holds no functionDetails"));
        };
        return serde_json::from_str(details).map_err(|e| {
            err(
                path,
                format!("the Go instance config's functionDetails are not valid: {e}"),
            )
        });
    }
    Err(err(
        path,
        "no function details in the command: this StatefulSet was not made by Pulsar's Kubernetes runtime or mesh",
    ))
}

fn some(s: &str) -> Option<String> {
    (!s.is_empty()).then(|| s.to_owned())
}

fn json_map(text: &str, path: &str, d: &mut Diagnostics) -> Option<BTreeMap<String, Value>> {
    if text.is_empty() {
        return None;
    }
    match serde_json::from_str(text) {
        Ok(m) => Some(m),
        Err(e) => {
            d.warning(path, format!("not a JSON object, dropped: {e}"));
            None
        }
    }
}

fn guarantees(g: Guarantees) -> ProcessingGuarantees {
    match g {
        Guarantees::AtleastOnce => ProcessingGuarantees::AtleastOnce,
        Guarantees::AtmostOnce => ProcessingGuarantees::AtmostOnce,
        Guarantees::EffectivelyOnce => ProcessingGuarantees::EffectivelyOnce,
        Guarantees::Manual => ProcessingGuarantees::Manual,
    }
}

fn position(p: Position) -> SubscriptionInitialPosition {
    match p {
        Position::Latest => SubscriptionInitialPosition::Latest,
        Position::Earliest => SubscriptionInitialPosition::Earliest,
    }
}

fn crypto(c: &CryptoSpec, path: &str, d: &mut Diagnostics) -> pulsar::CryptoConfig {
    pulsar::CryptoConfig {
        crypto_key_reader_class_name: some(&c.crypto_key_reader_class_name),
        crypto_key_reader_config: json_map(&c.crypto_key_reader_config, path, d),
        encryption_keys: (!c.producer_encryption_key_name.is_empty())
            .then(|| c.producer_encryption_key_name.clone()),
        producer_crypto_failure_action: match c.producer_crypto_failure_action {
            FailureAction::Send => Some(ProducerCryptoFailureAction::Send),
            _ => Some(ProducerCryptoFailureAction::Fail),
        },
        consumer_crypto_failure_action: match c.consumer_crypto_failure_action {
            FailureAction::Discard => Some(ConsumerCryptoFailureAction::Discard),
            FailureAction::Consume => Some(ConsumerCryptoFailureAction::Consume),
            _ => Some(ConsumerCryptoFailureAction::Fail),
        },
        unknown: pulsar::Extra::default(),
    }
}

fn consumer(s: &ConsumerSpec, path: &str, d: &mut Diagnostics) -> pulsar::ConsumerConfig {
    pulsar::ConsumerConfig {
        schema_type: some(&s.schema_type),
        serde_class_name: some(&s.serde_class_name),
        regex_pattern: s.is_regex_pattern.then_some(true),
        schema_properties: (!s.schema_properties.is_empty()).then(|| s.schema_properties.clone()),
        consumer_properties: (!s.consumer_properties.is_empty()).then(|| s.consumer_properties.clone()),
        receiver_queue_size: s.receiver_queue_size.as_ref().map(|r| r.value),
        crypto_config: s.crypto_spec.as_ref().map(|c| crypto(c, path, d)),
        pool_messages: s.pool_messages.then_some(true),
        ..pulsar::ConsumerConfig::default()
    }
}

/// Inputs: plain topics as `inputs`, a bare pattern as `topicsPattern`, the rest as `inputSpecs`.
type Inputs = (
    Option<Vec<String>>,
    Option<String>,
    Option<BTreeMap<String, pulsar::ConsumerConfig>>,
);

fn inputs(specs: &BTreeMap<String, ConsumerSpec>, d: &mut Diagnostics) -> Inputs {
    let (mut plain, mut pattern, mut rich) = (Vec::new(), None, BTreeMap::new());
    for (topic, s) in specs {
        if *s == ConsumerSpec::default() {
            plain.push(topic.clone());
        } else if pattern.is_none()
            && *s
                == (ConsumerSpec {
                    is_regex_pattern: true,
                    ..ConsumerSpec::default()
                })
        {
            pattern = Some(topic.clone());
        } else {
            rich.insert(
                topic.clone(),
                consumer(s, &format!("inputSpecs.{topic}.cryptoConfig"), d),
            );
        }
    }
    (
        (!plain.is_empty()).then_some(plain),
        pattern,
        (!rich.is_empty()).then_some(rich),
    )
}

fn producer(p: &ProducerSpec, d: &mut Diagnostics) -> pulsar::ProducerConfig {
    pulsar::ProducerConfig {
        max_pending_messages: (p.max_pending_messages != 0).then_some(p.max_pending_messages),
        max_pending_messages_across_partitions: (p.max_pending_messages_across_partitions != 0)
            .then_some(p.max_pending_messages_across_partitions),
        use_thread_local_producers: p.use_thread_local_producers.then_some(true),
        crypto_config: p
            .crypto_spec
            .as_ref()
            .map(|c| crypto(c, "producerConfig.cryptoConfig", d)),
        batch_builder: some(&p.batch_builder),
        compression_type: Some(match p.compression_type {
            Compression::Lz4 => CompressionType::Lz4,
            Compression::None => CompressionType::None,
            Compression::Zlib => CompressionType::Zlib,
            Compression::Zstd => CompressionType::Zstd,
            Compression::Snappy => CompressionType::Snappy,
        }),
        ..pulsar::ProducerConfig::default()
    }
}

fn resources(d: &FunctionDetails) -> Option<pulsar::Resources> {
    d.resources.as_ref().map(|r| pulsar::Resources {
        cpu: Some(r.cpu),
        ram: Some(r.ram),
        disk: Some(r.disk),
        unknown: pulsar::Extra::default(),
    })
}

/// The package: the built-in name (`builtin`, for connectors in their spec), else the URL.
fn package(d: &FunctionDetails, builtin: &str, warnings: &mut Diagnostics) -> Option<String> {
    if !builtin.is_empty() {
        return Some(format!("{BUILTIN_PREFIX}{builtin}"));
    }
    if !d.package_url.is_empty() {
        return Some(d.package_url.clone());
    }
    warnings.warning(
        "packageUrl",
        "the details name no package URL: the package is in the image, or was uploaded to the worker; give it again to convert this config",
    );
    None
}

fn function(d: &FunctionDetails, w: &mut Diagnostics) -> FunctionConfig {
    let source = d.source.clone().unwrap_or_default();
    let sink = d.sink.clone().unwrap_or_default();
    let mut user_config = json_map(&d.user_config, "userConfig", w).unwrap_or_default();
    let (mut class_name, mut guarantee, mut window) = (
        some(&d.class_name),
        Some(guarantees(d.processing_guarantees)),
        None,
    );
    if d.class_name == WINDOW_EXECUTOR
        && let Some(v) = user_config.remove(WINDOW_CONFIG_KEY)
    {
        match serde_json::from_value::<pulsar::WindowConfig>(v) {
            Ok(mut wc) => {
                class_name = wc.actual_window_function_class_name.take();
                guarantee = Some(match wc.processing_guarantees.take() {
                    Some(pulsar::WindowProcessingGuarantees::AtmostOnce) => ProcessingGuarantees::AtmostOnce,
                    _ => ProcessingGuarantees::AtleastOnce,
                });
                window = Some(wc);
            }
            Err(e) => w.warning(
                format!("userConfig.{WINDOW_CONFIG_KEY}"),
                format!("not a window config, dropped: {e}"),
            ),
        }
    }
    let (ins, pattern, specs) = inputs(&source.input_specs, w);
    let pkg = package(d, &d.builtin, w);
    let (mut jar, mut py, mut go) = (None, None, None);
    match d.runtime {
        Runtime::Java => jar = pkg,
        Runtime::Python => py = pkg,
        Runtime::Go => go = pkg,
    }
    let retry = d.retry_details.clone();
    let has_properties = !sink.schema_properties.is_empty() || !sink.consumer_properties.is_empty();
    let custom_schema_outputs = (!sink.topic.is_empty() && has_properties).then(|| {
        let c = pulsar::ConsumerConfig {
            schema_properties: Some(sink.schema_properties.clone()).filter(|m| !m.is_empty()),
            consumer_properties: Some(sink.consumer_properties.clone()).filter(|m| !m.is_empty()),
            ..pulsar::ConsumerConfig::default()
        };
        BTreeMap::from([(sink.topic.clone(), serde_json::to_string(&c).unwrap_or_default())])
    });
    FunctionConfig {
        custom_schema_outputs,
        tenant: some(&d.tenant),
        namespace: some(&d.namespace),
        name: some(&d.name),
        class_name,
        inputs: ins,
        topics_pattern: pattern,
        input_specs: specs,
        input_type_class_name: some(&source.type_class_name),
        output: some(&sink.topic),
        producer_config: sink.producer_spec.as_ref().map(|p| producer(p, w)),
        output_schema_type: some(&sink.schema_type),
        output_type_class_name: some(&sink.type_class_name),
        output_serde_class_name: some(&sink.ser_de_class_name),
        log_topic: some(&d.log_topic),
        log_level: some(&d.log_level),
        processing_guarantees: guarantee,
        retain_ordering: Some(d.retain_ordering),
        retain_key_ordering: Some(d.retain_key_ordering),
        forward_source_message_property: Some(sink.forward_source_message_property),
        user_config: (!user_config.is_empty()).then_some(user_config),
        secrets: json_map(&d.secrets_map, "secrets", w),
        runtime: Some(match d.runtime {
            Runtime::Java => pulsar::Runtime::Java,
            Runtime::Python => pulsar::Runtime::Python,
            Runtime::Go => pulsar::Runtime::Go,
        }),
        auto_ack: Some(d.auto_ack),
        max_message_retries: retry.as_ref().map(|r| r.max_message_retries),
        dead_letter_topic: retry.as_ref().and_then(|r| some(&r.dead_letter_topic)),
        sub_name: some(&source.subscription_name),
        parallelism: Some(d.parallelism),
        resources: resources(d),
        window_config: window,
        timeout_ms: (source.timeout_ms != 0).then(|| i64::try_from(source.timeout_ms).unwrap_or(i64::MAX)),
        jar,
        py,
        go,
        cleanup_subscription: Some(source.cleanup_subscription),
        custom_runtime_options: some(&d.custom_runtime_options),
        skip_to_latest: source.skip_to_latest.then_some(true),
        subscription_position: Some(position(source.subscription_position)),
        runtime_flags: some(&d.runtime_flags),
        ..FunctionConfig::default()
    }
}

fn source(d: &FunctionDetails, w: &mut Diagnostics) -> SourceConfig {
    let spec = d.source.clone().unwrap_or_default();
    let sink = d.sink.clone().unwrap_or_default();
    let mut configs = json_map(&spec.configs, "configs", w).unwrap_or_default();
    let mut class_name = some(&spec.class_name);
    let mut batch = None;
    if spec.class_name == BATCH_SOURCE_EXECUTOR {
        class_name = configs
            .remove(BATCH_CLASS_KEY)
            .and_then(|v| v.as_str().map(str::to_owned));
        batch = configs.remove(BATCH_CONFIG_KEY).and_then(|v| {
            v.as_str()
                .and_then(|t| serde_json::from_str::<pulsar::BatchSourceConfig>(t).ok())
        });
    }
    SourceConfig {
        tenant: some(&d.tenant),
        namespace: some(&d.namespace),
        name: some(&d.name),
        class_name,
        topic_name: some(&sink.topic),
        producer_config: sink.producer_spec.as_ref().map(|p| producer(p, w)),
        serde_class_name: some(&sink.ser_de_class_name),
        schema_type: some(&sink.schema_type),
        configs: (!configs.is_empty()).then_some(configs),
        secrets: json_map(&d.secrets_map, "secrets", w),
        parallelism: Some(d.parallelism),
        processing_guarantees: Some(guarantees(d.processing_guarantees)),
        resources: resources(d),
        archive: package(d, &spec.builtin, w),
        runtime_flags: some(&d.runtime_flags),
        custom_runtime_options: some(&d.custom_runtime_options),
        batch_source_config: batch,
        log_topic: some(&d.log_topic),
        log_level: some(&d.log_level),
        ..SourceConfig::default()
    }
}

fn sink(d: &FunctionDetails, w: &mut Diagnostics) -> SinkConfig {
    let source = d.source.clone().unwrap_or_default();
    let spec = d.sink.clone().unwrap_or_default();
    let (ins, pattern, specs) = inputs(&source.input_specs, w);
    let retry = d.retry_details.clone();
    SinkConfig {
        tenant: some(&d.tenant),
        namespace: some(&d.namespace),
        name: some(&d.name),
        class_name: some(&spec.class_name),
        source_subscription_name: some(&source.subscription_name),
        source_subscription_position: Some(position(source.subscription_position)),
        inputs: ins,
        topics_pattern: pattern,
        input_specs: specs,
        max_message_retries: retry.as_ref().map(|r| r.max_message_retries),
        dead_letter_topic: retry.as_ref().and_then(|r| some(&r.dead_letter_topic)),
        configs: json_map(&spec.configs, "configs", w).filter(|c| !c.is_empty()),
        secrets: json_map(&d.secrets_map, "secrets", w),
        parallelism: Some(d.parallelism),
        processing_guarantees: Some(guarantees(d.processing_guarantees)),
        retain_ordering: Some(d.retain_ordering),
        retain_key_ordering: Some(d.retain_key_ordering),
        resources: resources(d),
        auto_ack: Some(d.auto_ack),
        timeout_ms: (source.timeout_ms != 0).then(|| i64::try_from(source.timeout_ms).unwrap_or(i64::MAX)),
        negative_ack_redelivery_delay_ms: (source.negative_ack_redelivery_delay_ms != 0)
            .then(|| i64::try_from(source.negative_ack_redelivery_delay_ms).unwrap_or(i64::MAX)),
        archive: package(d, &spec.builtin, w),
        cleanup_subscription: Some(source.cleanup_subscription),
        runtime_flags: some(&d.runtime_flags),
        custom_runtime_options: some(&d.custom_runtime_options),
        log_topic: some(&d.log_topic),
        log_level: some(&d.log_level),
        ..SinkConfig::default()
    }
}

/// The component whose details these are.
pub fn from_details(d: &FunctionDetails) -> Reversed {
    let mut w = Diagnostics::new();
    let config = match d.component_type {
        ComponentType::Source => Component::from(source(d, &mut w)),
        ComponentType::Sink => Component::from(sink(d, &mut w)),
        // Pulsar's `calculateSubjectType` for details without a type: a source class makes a
        // source, a sink class a sink.
        ComponentType::Unknown if d.source.as_ref().is_some_and(|s| !s.class_name.is_empty()) => {
            Component::from(source(d, &mut w))
        }
        ComponentType::Unknown if d.sink.as_ref().is_some_and(|s| !s.class_name.is_empty()) => {
            Component::from(sink(d, &mut w))
        }
        ComponentType::Function | ComponentType::Unknown => Component::from(function(d, &mut w)),
    };
    Reversed { config, warnings: w }
}

/// Reads a StatefulSet back as the config that makes it.
pub fn stateful_set(s: &StatefulSet) -> Result<Reversed, Diagnostics> {
    let containers = s
        .spec
        .template
        .spec
        .as_ref()
        .map(|p| p.containers.as_slice())
        .unwrap_or_default();
    let Some(container) = containers
        .iter()
        .find(|c| c.name == CONTAINER)
        .or(containers.first())
    else {
        return Err(err(
            "spec.template.spec.containers",
            "the StatefulSet has no container",
        ));
    };
    let Some(script) = container.command.as_ref().and_then(|c| c.get(2)) else {
        return Err(err(
            "spec.template.spec.containers[0].command",
            "the container's command is not `sh -c <script>`: this StatefulSet was not made by Pulsar's Kubernetes runtime or mesh",
        ));
    };
    let details = details_in_script(script)?;
    Ok(from_details(&details))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn shell_words_read_as_sh_reads_them() {
        assert_eq!(shell_word("'a b'c \"d\" rest"), "a bc");
        assert_eq!(shell_word(r"'it'\''s' x"), "it's");
        assert_eq!(shell_word(r#""q\"x" y"#), "q\"x");
    }

    #[test]
    fn pulsar_scripts_are_read_too() {
        // Pulsar writes the details in single quotes, the rest bare.
        let script = r#"exec java -cp x --function_details '{"tenant":"t","namespace":"n","name":"f","componentType":"SINK","sink":{"className":"C"},"builtin":""}' --pulsar_serviceurl pulsar://b:6650"#;
        let d = details_in_script(script).unwrap();
        assert_eq!((d.tenant.as_str(), d.component_type), ("t", ComponentType::Sink));
        assert!(details_in_script("exec java -jar x").is_err());
        assert!(details_in_script("exec x --function_details '{bad' --y").is_err());
    }
}

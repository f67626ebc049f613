//! A Pulsar config as the `FunctionDetails` its instances run (Pulsar's
//! `FunctionConfigUtils.convert`, `SourceConfigUtils.convert`, `SinkConfigUtils.convert`), and
//! where its package comes from.

use std::collections::BTreeMap;

use serde_json::Value;

use super::details::{
    ComponentType, Compression, ConsumerSpec, CryptoSpec, FailureAction, FunctionDetails, Guarantees,
    Position, ProducerSpec, ReceiverQueueSize, Resources, RetryDetails, Runtime, SinkSpec, SourceSpec,
    SubscriptionType,
};
use super::settings::Settings;
use crate::Kind;
use crate::convert::{Context, DEFAULT_FUNCTION_FILE, has_package_type_prefix};
use crate::diag::{Diagnostics, join};
use crate::pulsar::infer::BUILTIN_PREFIX;
use crate::pulsar::{
    self, CompressionType, ConsumerCryptoFailureAction, FunctionConfig, ProcessingGuarantees,
    ProducerCryptoFailureAction, SinkConfig, SourceConfig, SubscriptionInitialPosition,
};
use crate::text::non_empty;
use crate::worker::BYTES_TYPE_CLASS;

/// The class every source and sink instance runs.
pub const IDENTITY_FUNCTION: &str = "org.apache.pulsar.functions.api.utils.IdentityFunction";
/// The class a window function runs under.
pub const WINDOW_EXECUTOR: &str = "org.apache.pulsar.functions.windowing.WindowFunctionExecutor";
/// The class a batch source runs under.
pub const BATCH_SOURCE_EXECUTOR: &str = "org.apache.pulsar.functions.source.batch.BatchSourceExecutor";
/// `userConfig` key of a window function's settings.
pub const WINDOW_CONFIG_KEY: &str = "__WINDOWCONFIGS__";
/// `configs` key of a batch source's settings.
pub const BATCH_CONFIG_KEY: &str = "__BATCHSOURCECONFIGS__";
/// `configs` key of a batch source's real class.
pub const BATCH_CLASS_KEY: &str = "__BATCHSOURCECLASSNAME__";

/// Where the instance's code comes from.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Package {
    /// Downloaded from Pulsar's package service (`function://`, `source://`, `sink://`) to `file`.
    Download {
        /// The package URL.
        url: String,
        /// Where in the pod it lands.
        file: String,
    },
    /// Already in the image, at this path (a built-in connector, or `--packages-in-image`).
    InImage(String),
    /// None could be determined (an error was reported).
    Missing,
}

impl Package {
    /// The package URL, when it is downloaded.
    pub fn url(&self) -> String {
        match self {
            Self::Download { url, .. } => url.clone(),
            Self::InImage(_) | Self::Missing => String::new(),
        }
    }

    /// The file the instance runs.
    pub fn file(&self) -> &str {
        match self {
            Self::Download { file, .. } | Self::InImage(file) => file,
            Self::Missing => "",
        }
    }
}

/// A component as its instances run it.
#[derive(Clone, Debug, PartialEq)]
pub struct Built {
    /// The function details.
    pub details: FunctionDetails,
    /// The package.
    pub package: Package,
    /// The secrets map, as given.
    pub secrets: BTreeMap<String, Value>,
    /// Java only: the `--pending_async_requests` setting.
    pub max_pending_async_requests: Option<i32>,
}

/// Pulsar's `sanitizeFileName`: non-ASCII characters dropped, others outside `[a-zA-Z0-9-_.]`
/// replaced by `_`.
pub fn sanitize_file_name(name: &str) -> String {
    name.chars()
        .filter(char::is_ascii)
        .map(|c| {
            if c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '.') {
                c
            } else {
                '_'
            }
        })
        .collect()
}

fn json_text<T: serde::Serialize>(t: &T) -> String {
    serde_json::to_string(t).unwrap_or_default()
}

fn string(s: Option<&String>) -> String {
    non_empty(s).unwrap_or_default().to_owned()
}

fn guarantees(g: Option<ProcessingGuarantees>) -> Guarantees {
    match g {
        None | Some(ProcessingGuarantees::AtleastOnce) => Guarantees::AtleastOnce,
        Some(ProcessingGuarantees::AtmostOnce) => Guarantees::AtmostOnce,
        Some(ProcessingGuarantees::EffectivelyOnce) => Guarantees::EffectivelyOnce,
        Some(ProcessingGuarantees::Manual) => Guarantees::Manual,
    }
}

fn position(p: Option<SubscriptionInitialPosition>) -> Position {
    match p {
        Some(SubscriptionInitialPosition::Earliest) => Position::Earliest,
        _ => Position::Latest,
    }
}

/// `FAILOVER` when ordered or effectively once, `KEY_SHARED` when key-ordered, else `SHARED`.
fn subscription(
    retain: Option<bool>,
    retain_key: Option<bool>,
    g: Option<ProcessingGuarantees>,
) -> SubscriptionType {
    if retain == Some(true) || g == Some(ProcessingGuarantees::EffectivelyOnce) {
        SubscriptionType::Failover
    } else if retain_key == Some(true) {
        SubscriptionType::KeyShared
    } else {
        SubscriptionType::Shared
    }
}

fn resources(r: Option<&pulsar::Resources>) -> Resources {
    let r = pulsar::Resources::merge_with_default(None, r);
    Resources {
        cpu: r.cpu.unwrap_or(pulsar::Resources::DEFAULT_CPU),
        ram: r.ram.unwrap_or(pulsar::Resources::DEFAULT_RAM),
        disk: r.disk.unwrap_or(pulsar::Resources::DEFAULT_DISK),
    }
}

fn crypto(c: &pulsar::CryptoConfig) -> CryptoSpec {
    CryptoSpec {
        crypto_key_reader_class_name: string(c.crypto_key_reader_class_name.as_ref()),
        crypto_key_reader_config: c
            .crypto_key_reader_config
            .as_ref()
            .map(json_text)
            .unwrap_or_default(),
        producer_encryption_key_name: c.encryption_keys.clone().unwrap_or_default(),
        producer_crypto_failure_action: match c.producer_crypto_failure_action {
            Some(ProducerCryptoFailureAction::Send) => FailureAction::Send,
            _ => FailureAction::Fail,
        },
        consumer_crypto_failure_action: match c.consumer_crypto_failure_action {
            Some(ConsumerCryptoFailureAction::Discard) => FailureAction::Discard,
            Some(ConsumerCryptoFailureAction::Consume) => FailureAction::Consume,
            _ => FailureAction::Fail,
        },
    }
}

fn consumer(c: &pulsar::ConsumerConfig, path: &str, d: &mut Diagnostics) -> ConsumerSpec {
    if c.message_payload_processor_config.is_some() {
        d.warning(
            join(path, "messagePayloadProcessorConfig"),
            "dropped: FunctionDetails has no field for it",
        );
    }
    let schema = string(c.schema_type.as_ref());
    ConsumerSpec {
        // A schema type wins over a SerDe.
        serde_class_name: if schema.is_empty() {
            string(c.serde_class_name.as_ref())
        } else {
            String::new()
        },
        schema_type: schema,
        is_regex_pattern: c.regex_pattern == Some(true),
        receiver_queue_size: c.receiver_queue_size.map(|value| ReceiverQueueSize { value }),
        schema_properties: c.schema_properties.clone().unwrap_or_default(),
        consumer_properties: c.consumer_properties.clone().unwrap_or_default(),
        crypto_spec: c.crypto_config.as_ref().map(crypto),
        pool_messages: c.pool_messages == Some(true),
    }
}

/// The input specs in Pulsar's order, later writers replacing earlier ones: plain inputs, the
/// pattern, SerDe inputs, schema inputs (ConsumerConfig JSON for functions, bare types for
/// sinks), then `inputSpecs`.
#[allow(clippy::too_many_arguments)]
fn input_specs(
    inputs: Option<&Vec<String>>,
    pattern: Option<&String>,
    serde: Option<&BTreeMap<String, String>>,
    schema: Option<&BTreeMap<String, String>>,
    schema_is_json: bool,
    specs: Option<&BTreeMap<String, pulsar::ConsumerConfig>>,
    d: &mut Diagnostics,
) -> BTreeMap<String, ConsumerSpec> {
    let mut out = BTreeMap::new();
    for t in inputs.into_iter().flatten() {
        out.insert(t.clone(), ConsumerSpec::default());
    }
    if let Some(p) = non_empty(pattern) {
        out.insert(
            p.to_owned(),
            ConsumerSpec {
                is_regex_pattern: true,
                ..ConsumerSpec::default()
            },
        );
    }
    for (t, s) in serde.into_iter().flatten() {
        out.insert(
            t.clone(),
            ConsumerSpec {
                serde_class_name: s.clone(),
                ..ConsumerSpec::default()
            },
        );
    }
    for (t, v) in schema.into_iter().flatten() {
        let spec = if schema_is_json {
            // Bad JSON is reported by validation, with Pulsar's message.
            let Ok(c) = serde_json::from_str::<pulsar::ConsumerConfig>(v) else {
                continue;
            };
            ConsumerSpec {
                schema_type: string(c.schema_type.as_ref()),
                schema_properties: c.schema_properties.unwrap_or_default(),
                consumer_properties: c.consumer_properties.unwrap_or_default(),
                ..ConsumerSpec::default()
            }
        } else {
            ConsumerSpec {
                schema_type: v.clone(),
                ..ConsumerSpec::default()
            }
        };
        out.insert(t.clone(), spec);
    }
    for (t, c) in specs.into_iter().flatten() {
        out.insert(t.clone(), consumer(c, &join("inputSpecs", t), d));
    }
    out
}

fn producer(
    p: Option<&pulsar::ProducerConfig>,
    batch_builder: Option<&String>,
    d: &mut Diagnostics,
) -> Option<ProducerSpec> {
    if p.is_none() && non_empty(batch_builder).is_none() {
        return None;
    }
    let default = pulsar::ProducerConfig::default();
    let p = p.unwrap_or(&default);
    if p.batching_config.is_some() {
        d.warning(
            "producerConfig.batchingConfig",
            "dropped: FunctionDetails has no field for it",
        );
    }
    Some(ProducerSpec {
        max_pending_messages: p.max_pending_messages.unwrap_or(0),
        max_pending_messages_across_partitions: p.max_pending_messages_across_partitions.unwrap_or(0),
        use_thread_local_producers: p.use_thread_local_producers == Some(true),
        crypto_spec: p.crypto_config.as_ref().map(crypto),
        batch_builder: string(
            non_empty(p.batch_builder.as_ref()).map_or(batch_builder, |_| p.batch_builder.as_ref()),
        ),
        compression_type: match p.compression_type {
            None | Some(CompressionType::Lz4) => Compression::Lz4,
            Some(CompressionType::None) => Compression::None,
            Some(CompressionType::Zlib) => Compression::Zlib,
            Some(CompressionType::Zstd) => Compression::Zstd,
            Some(CompressionType::Snappy) => Compression::Snappy,
        },
    })
}

/// The package of `field` = `value`: a Pulsar package URL is downloaded; a built-in connector
/// runs from the image's `connectors/` directory; a local path only with packages in the image.
fn package(
    kind: Kind,
    field: &str,
    value: Option<&String>,
    ctx: &Context<'_>,
    s: &Settings<'_>,
    d: &mut Diagnostics,
) -> (Package, String) {
    let Some(value) = non_empty(value).map(str::trim) else {
        d.error(field, format!("a {} needs a package ({field})", kind.lower()));
        return (Package::Missing, String::new());
    };
    let root = s.root.as_str();
    if let Some(name) = value.strip_prefix(BUILTIN_PREFIX) {
        if kind == Kind::Function {
            return (
                Package::InImage(format!("{root}/functions/{name}")),
                name.to_owned(),
            );
        }
        let Some(catalogue) = ctx.catalogue else {
            d.error(
                field,
                format!(
                    "`{value}` is a built-in connector: the connector catalogue (connectors.yaml) is needed"
                ),
            );
            return (Package::Missing, name.to_owned());
        };
        let Some(def) = catalogue.get(name) else {
            d.error(field, format!("connectorType {name} is not supported yet"));
            return (Package::Missing, name.to_owned());
        };
        return (Package::InImage(format!("{root}/{}", def.jar())), name.to_owned());
    }
    let url = ctx
        .package_url
        .filter(|u| !u.is_empty())
        .or(Some(value).filter(|v| v.contains("://")));
    let Some(url) = url else {
        if ctx.packages_in_image || ctx.worker.custom().packages_in_image() {
            d.warning(field, format!("`{value}` is a local path and no package URL is given: the image must contain it (packages in image)"));
            return (Package::InImage(value.to_owned()), String::new());
        }
        d.error(
            field,
            format!("`{value}` is a local file: upload it as a Pulsar package and give its function://, source:// or sink:// URL (or say the image contains it with --packages-in-image)"),
        );
        return (Package::Missing, String::new());
    };
    if !has_package_type_prefix(url) {
        d.error(
            if ctx.package_url.is_some() {
                "packageUrl"
            } else {
                field
            },
            "Function Package url is not valid. supported url (function/sink/source)",
        );
        return (Package::Missing, String::new());
    }
    let download_dir = &s.download_dir;
    let name = ctx
        .package_file_name
        .filter(|f| !f.is_empty())
        .unwrap_or(DEFAULT_FUNCTION_FILE);
    (
        Package::Download {
            url: url.to_owned(),
            file: format!("{download_dir}/{}", sanitize_file_name(name)),
        },
        String::new(),
    )
}

fn retry_details(retries: Option<i32>, dead_letter_topic: Option<&String>) -> Option<RetryDetails> {
    retries.map(|r| RetryDetails {
        max_message_retries: r,
        dead_letter_topic: string(dead_letter_topic),
    })
}

fn secrets(s: Option<&BTreeMap<String, Value>>) -> (String, BTreeMap<String, Value>) {
    match s.filter(|s| !s.is_empty()) {
        Some(s) => (json_text(s), s.clone()),
        None => (String::new(), BTreeMap::new()),
    }
}

/// A function (`c` already inferred and validated).
pub(crate) fn function(
    c: &FunctionConfig,
    ctx: &Context<'_>,
    s: &Settings<'_>,
    d: &mut Diagnostics,
) -> Built {
    let (field, value, runtime) = if non_empty(c.jar.as_ref()).is_some() {
        ("jar", c.jar.as_ref(), Runtime::Java)
    } else if non_empty(c.py.as_ref()).is_some() {
        ("py", c.py.as_ref(), Runtime::Python)
    } else if non_empty(c.go.as_ref()).is_some() {
        ("go", c.go.as_ref(), Runtime::Go)
    } else {
        ("jar", None, Runtime::Java)
    };
    let (package, builtin) = package(Kind::Function, field, value, ctx, s, d);
    if ctx.package_file_name.is_none()
        && matches!(package, Package::Download { .. })
        && runtime != Runtime::Java
    {
        d.warning(
            "packageFileName",
            format!("unknown: the package is downloaded as `{DEFAULT_FUNCTION_FILE}`; give the package's file name"),
        );
    }
    let mut user_config = c.user_config.clone().unwrap_or_default();
    let mut class_name = string(c.class_name.as_ref());
    let mut guarantee = guarantees(c.processing_guarantees);
    if let Some(w) = &c.window_config {
        let mut w = w.clone().into_inferred();
        w.actual_window_function_class_name = Some(class_name.clone());
        w.processing_guarantees = Some(match guarantee {
            Guarantees::AtmostOnce => pulsar::WindowProcessingGuarantees::AtmostOnce,
            _ => pulsar::WindowProcessingGuarantees::AtleastOnce,
        });
        user_config.insert(
            WINDOW_CONFIG_KEY.to_owned(),
            serde_json::to_value(&w).unwrap_or_default(),
        );
        WINDOW_EXECUTOR.clone_into(&mut class_name);
        guarantee = Guarantees::Manual;
    }
    if runtime == Runtime::Java && non_empty(c.input_type_class_name.as_ref()).is_none() {
        d.warning(
            "inputTypeClassName",
            "unknown: Pulsar reads it from the function's class in the jar; give it, or the instance reads bytes",
        );
    }
    let output = non_empty(c.output.as_ref());
    let (schema_properties, consumer_properties) = output
        .and_then(|t| c.custom_schema_outputs.as_ref()?.get(t))
        .and_then(|j| serde_json::from_str::<pulsar::ConsumerConfig>(j).ok())
        .map(|cc| {
            (
                cc.schema_properties.unwrap_or_default(),
                cc.consumer_properties.unwrap_or_default(),
            )
        })
        .unwrap_or_default();
    let retries = c.max_message_retries.filter(|r| *r >= 0);
    let (secrets_map, secrets) = secrets(c.secrets.as_ref());
    let timeout = c.timeout_ms.and_then(|t| u64::try_from(t).ok()).unwrap_or(0);
    let details = FunctionDetails {
        tenant: string(c.tenant.as_ref()),
        namespace: string(c.namespace.as_ref()),
        name: string(c.name.as_ref()),
        class_name,
        log_topic: string(c.log_topic.as_ref()),
        processing_guarantees: guarantee,
        user_config: if user_config.is_empty() {
            String::new()
        } else {
            json_text(&user_config)
        },
        runtime,
        auto_ack: c.auto_ack.unwrap_or(true),
        parallelism: c.parallelism.unwrap_or(1),
        source: Some(SourceSpec {
            type_class_name: string(c.input_type_class_name.as_ref()),
            subscription_type: subscription(
                c.retain_ordering,
                c.retain_key_ordering,
                c.processing_guarantees,
            ),
            input_specs: input_specs(
                c.inputs.as_ref(),
                c.topics_pattern.as_ref(),
                c.custom_serde_inputs.as_ref(),
                c.custom_schema_inputs.as_ref(),
                true,
                c.input_specs.as_ref(),
                d,
            ),
            timeout_ms: timeout,
            negative_ack_redelivery_delay_ms: timeout,
            subscription_name: string(c.sub_name.as_ref()),
            cleanup_subscription: c.cleanup_subscription.unwrap_or(true),
            subscription_position: position(c.subscription_position),
            skip_to_latest: c.skip_to_latest == Some(true),
            ..SourceSpec::default()
        }),
        sink: Some(SinkSpec {
            topic: output.unwrap_or_default().to_owned(),
            ser_de_class_name: string(c.output_serde_class_name.as_ref()),
            type_class_name: string(c.output_type_class_name.as_ref()),
            schema_type: string(c.output_schema_type.as_ref()),
            forward_source_message_property: c.forward_source_message_property == Some(true),
            schema_properties,
            consumer_properties,
            producer_spec: producer(c.producer_config.as_ref(), c.batch_builder.as_ref(), d),
            ..SinkSpec::default()
        }),
        resources: Some(resources(c.resources.as_ref())),
        package_url: package.url(),
        retry_details: retry_details(retries, c.dead_letter_topic.as_ref()),
        secrets_map,
        runtime_flags: string(c.runtime_flags.as_ref()),
        component_type: ComponentType::Function,
        custom_runtime_options: string(c.custom_runtime_options.as_ref()),
        builtin,
        retain_ordering: c.retain_ordering == Some(true),
        retain_key_ordering: c.retain_key_ordering == Some(true),
        subscription_position: Position::Latest,
        log_level: string(c.log_level.as_ref()),
    };
    Built {
        details,
        package,
        secrets,
        max_pending_async_requests: c.max_pending_async_requests,
    }
}

fn connector_class(
    kind: Kind,
    given: Option<&String>,
    archive: Option<&String>,
    ctx: &Context<'_>,
) -> (String, String) {
    let def = archive
        .and_then(|a| a.strip_prefix(BUILTIN_PREFIX))
        .and_then(|n| ctx.catalogue?.get(n));
    let class = non_empty(given).map(str::to_owned).or_else(|| {
        def.and_then(|def| match kind {
            Kind::Sink => def.sink_class.clone(),
            _ => def.source_class.clone(),
        })
    });
    let type_class = def.map_or(BYTES_TYPE_CLASS, |def| match kind {
        Kind::Sink => def.sink_type_class(),
        _ => def.source_type_class(),
    });
    (class.unwrap_or_default(), type_class.to_owned())
}

/// A source (`c` already inferred and validated).
pub(crate) fn source(c: &SourceConfig, ctx: &Context<'_>, s: &Settings<'_>, d: &mut Diagnostics) -> Built {
    let (package, builtin) = package(Kind::Source, "archive", c.archive.as_ref(), ctx, s, d);
    let (mut class, type_class) =
        connector_class(Kind::Source, c.class_name.as_ref(), c.archive.as_ref(), ctx);
    if class.is_empty() && !matches!(package, Package::Missing) {
        d.error("className", "no className provided");
    }
    let mut configs = c.configs.clone().unwrap_or_default();
    if let Some(b) = &c.batch_source_config {
        configs.insert(BATCH_CONFIG_KEY.to_owned(), Value::String(json_text(b)));
        configs.insert(BATCH_CLASS_KEY.to_owned(), Value::String(class.clone()));
        BATCH_SOURCE_EXECUTOR.clone_into(&mut class);
    }
    let (secrets_map, secrets) = secrets(c.secrets.as_ref());
    let details = FunctionDetails {
        tenant: string(c.tenant.as_ref()),
        namespace: string(c.namespace.as_ref()),
        name: string(c.name.as_ref()),
        class_name: IDENTITY_FUNCTION.to_owned(),
        log_topic: string(c.log_topic.as_ref()),
        processing_guarantees: guarantees(c.processing_guarantees),
        runtime: Runtime::Java,
        auto_ack: true,
        parallelism: c.parallelism.unwrap_or(1),
        source: Some(SourceSpec {
            class_name: class,
            configs: json_text(&configs),
            type_class_name: type_class.clone(),
            builtin: builtin.clone(),
            ..SourceSpec::default()
        }),
        sink: Some(SinkSpec {
            topic: string(c.topic_name.as_ref()),
            ser_de_class_name: string(c.serde_class_name.as_ref()),
            type_class_name: type_class,
            schema_type: string(c.schema_type.as_ref()),
            forward_source_message_property: true,
            producer_spec: producer(c.producer_config.as_ref(), c.batch_builder.as_ref(), d),
            ..SinkSpec::default()
        }),
        resources: Some(resources(c.resources.as_ref())),
        package_url: package.url(),
        secrets_map,
        runtime_flags: string(c.runtime_flags.as_ref()),
        component_type: ComponentType::Source,
        custom_runtime_options: string(c.custom_runtime_options.as_ref()),
        log_level: string(c.log_level.as_ref()),
        ..FunctionDetails::default()
    };
    Built {
        details,
        package,
        secrets,
        max_pending_async_requests: None,
    }
}

/// A sink (`c` already inferred and validated).
pub(crate) fn sink(c: &SinkConfig, ctx: &Context<'_>, s: &Settings<'_>, d: &mut Diagnostics) -> Built {
    crate::validate::pulsar::sink_unsupported(c, "mesh's StatefulSet target yet", d);
    let (package, builtin) = package(Kind::Sink, "archive", c.archive.as_ref(), ctx, s, d);
    let (class, type_class) = connector_class(Kind::Sink, c.class_name.as_ref(), c.archive.as_ref(), ctx);
    if class.is_empty() && !matches!(package, Package::Missing) {
        d.error("className", "no className provided");
    }
    let retries = c.max_message_retries.filter(|r| *r > 0);
    if retries.is_none() && non_empty(c.dead_letter_topic.as_ref()).is_some() {
        d.warning(
            "deadLetterTopic",
            "ignored, as Pulsar ignores it: a sink needs maxMessageRetries above 0 for it",
        );
    }
    let (secrets_map, secrets) = secrets(c.secrets.as_ref());
    let details = FunctionDetails {
        tenant: string(c.tenant.as_ref()),
        namespace: string(c.namespace.as_ref()),
        name: string(c.name.as_ref()),
        class_name: IDENTITY_FUNCTION.to_owned(),
        log_topic: string(c.log_topic.as_ref()),
        processing_guarantees: guarantees(c.processing_guarantees),
        runtime: Runtime::Java,
        auto_ack: c.auto_ack.unwrap_or(true),
        parallelism: c.parallelism.unwrap_or(1),
        source: Some(SourceSpec {
            type_class_name: type_class.clone(),
            subscription_type: subscription(
                c.retain_ordering,
                c.retain_key_ordering,
                c.processing_guarantees,
            ),
            input_specs: input_specs(
                c.inputs.as_ref(),
                c.topics_pattern.as_ref(),
                c.topic_to_serde_class_name.as_ref(),
                c.topic_to_schema_type.as_ref(),
                false,
                c.input_specs.as_ref(),
                d,
            ),
            timeout_ms: c.timeout_ms.and_then(|t| u64::try_from(t).ok()).unwrap_or(0),
            negative_ack_redelivery_delay_ms: c
                .negative_ack_redelivery_delay_ms
                .and_then(|t| u64::try_from(t).ok())
                .unwrap_or(0),
            subscription_name: string(c.source_subscription_name.as_ref()),
            cleanup_subscription: c.cleanup_subscription.unwrap_or(true),
            subscription_position: position(c.source_subscription_position),
            ..SourceSpec::default()
        }),
        sink: Some(SinkSpec {
            class_name: class,
            configs: json_text(&c.configs.clone().unwrap_or_default()),
            type_class_name: type_class,
            builtin,
            ..SinkSpec::default()
        }),
        resources: Some(resources(c.resources.as_ref())),
        package_url: package.url(),
        retry_details: retry_details(retries, c.dead_letter_topic.as_ref()),
        secrets_map,
        runtime_flags: string(c.runtime_flags.as_ref()),
        component_type: ComponentType::Sink,
        custom_runtime_options: string(c.custom_runtime_options.as_ref()),
        retain_ordering: c.retain_ordering == Some(true),
        retain_key_ordering: c.retain_key_ordering == Some(true),
        log_level: string(c.log_level.as_ref()),
        ..FunctionDetails::default()
    };
    Built {
        details,
        package,
        secrets,
        max_pending_async_requests: None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn file_names_are_sanitized_as_pulsar_does() {
        assert_eq!(sanitize_file_name("my func (1).jar"), "my_func__1_.jar");
        assert_eq!(sanitize_file_name("café.py"), "caf.py");
        assert_eq!(sanitize_file_name("a-b_c.d"), "a-b_c.d");
    }
}

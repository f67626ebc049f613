//! `FunctionConfig` -> `Function`.

use super::base;
use super::identity::Identity;
use super::pod;
use super::resources;
use super::runtime;
use super::topics;
use super::{Context, Converted, Outcome, finish};
use crate::Kind;
use crate::crd::{
    Function, FunctionSpec, GoRuntime, InputConf, JavaRuntime, OutputConf, PulsarStateStore,
    PulsarStateStoreJavaProvider, PythonRuntime, StatefulConfig, WindowConfig,
};
use crate::diag::{Diagnostics, join};
use crate::pulsar::{
    FunctionConfig, ProcessingGuarantees, Runtime, UnknownFields, WindowProcessingGuarantees,
};
use crate::text::non_empty;
use crate::validate;
use crate::worker::{CustomConfig, CustomRuntimeOptions};

/// The file name a function package gets when none is known.
pub const DEFAULT_FUNCTION_FILE: &str = "function-executable";

/// Converts a function config into a `Function` CR (plus any auth/TLS secrets it needs).
pub fn function(config: FunctionConfig, ctx: &Context<'_>) -> Outcome<Function> {
    let mut d = Diagnostics::new();
    config.unknown_fields("", &mut d);
    // The CR keeps what the config said, not Pulsar's inferred default.
    let max_pending_async_requests = config.max_pending_async_requests;
    let mut c = config.into_inferred(ctx.worker.forwards_source_message_property());
    d.extend(validate::pulsar::function(&c));
    resources::check_resource_bounds(ctx, c.resources.as_ref(), &mut d);
    let id = Identity::of(
        Kind::Function,
        c.tenant.as_ref(),
        c.namespace.as_ref(),
        c.name.as_ref(),
    );
    let base::Base {
        custom,
        cro,
        cluster,
        metadata,
        pod,
        pulsar,
        secrets,
        replicas,
    } = base::base(
        id,
        c.custom_runtime_options.as_deref(),
        c.parallelism,
        ctx,
        &mut d,
    );

    let package = package(&c, ctx, &custom, &mut d);
    let file_name = ctx
        .package_file_name
        .filter(|f| !f.is_empty())
        .unwrap_or(DEFAULT_FUNCTION_FILE);
    // A package in the image runs from where the image has it; a downloaded one from where the
    // download puts it.
    let (package_url, download) = match package {
        Package::InImage(path) => (None, path),
        Package::Url(url) => (url, runtime::download_path(ctx, file_name)),
    };
    let log = runtime::log_config(&cro, c.log_level.as_ref(), &mut d);
    let runtime = c.runtime;
    let (mut java, mut python, mut golang, mut base_image) = (None, None, None, None);
    let images = custom.function_runner_images.as_ref();
    if non_empty(c.jar.as_ref()).is_some() {
        java = Some(JavaRuntime {
            jar: download,
            jar_location: package_url.clone(),
            extra_dependencies_dir: Some(runtime::extra_dependencies_dir(ctx, &custom)),
            log,
            java_opts: custom.java_opts.clone().filter(|o| !o.is_empty()),
            ..JavaRuntime::default()
        });
        base_image = images.and_then(|m| m.get(Runtime::Java.as_str())).cloned();
    } else if non_empty(c.py.as_ref()).is_some() {
        python = Some(PythonRuntime {
            py: download,
            py_location: package_url.clone(),
            log,
        });
        base_image = images.and_then(|m| m.get(Runtime::Python.as_str())).cloned();
    } else if non_empty(c.go.as_ref()).is_some() {
        golang = Some(GoRuntime {
            go: download,
            go_location: package_url.clone(),
            log,
        });
        base_image = images.and_then(|m| m.get(Runtime::Go.as_str())).cloned();
    } else if !d.has_errors() {
        d.error("jar", "a function needs a jar, py or go package");
    }
    if ctx.package_file_name.is_none() && matches!(runtime, Some(Runtime::Python | Runtime::Go)) {
        d.warning(
            "packageFileName",
            format!("unknown: the package is downloaded as `{DEFAULT_FUNCTION_FILE}`; give the package's file name"),
        );
    }

    let input = input(&c, &cro, &mut d);
    let output = output(&c, &cro, &mut d);
    let retries = c.max_message_retries.filter(|r| *r >= 0);
    let timeout = base::to_i32("timeoutMs", c.timeout_ms.filter(|t| *t != 0), &mut d);
    let spec = FunctionSpec {
        name: c.name.clone(),
        class_name: c.class_name.clone(),
        tenant: c.tenant.clone(),
        namespace: c.namespace.clone(),
        cluster_name: Some(cluster.clone()),
        replicas: Some(replicas),
        max_replicas: pod::max_replicas(&cro, replicas),
        input: Some(input),
        output: Some(output),
        log_topic: non_empty(c.log_topic.as_ref()).map(str::to_owned),
        func_config: Some(c.user_config.take().unwrap_or_default()),
        resources: Some(resources::resources(c.resources.as_ref(), &custom)),
        secrets_map: runtime::secrets_map(c.secrets.as_ref()),
        volume_mounts: custom.volume_mounts.clone().filter(|v| !v.is_empty()),
        timeout,
        auto_ack: Some(c.auto_ack.unwrap_or(true)),
        max_message_retry: retries,
        processing_guarantee: topics::guarantee(c.processing_guarantees),
        retain_ordering: Some(c.retain_ordering.unwrap_or(false)),
        retain_key_ordering: Some(c.retain_key_ordering.unwrap_or(false)),
        dead_letter_topic: retries.and(non_empty(c.dead_letter_topic.as_ref()).map(str::to_owned)),
        forward_source_message_property: Some(
            c.forward_source_message_property != Some(false) && ctx.worker.forwards_source_message_property(),
        ),
        max_pending_async_requests,
        runtime_flags: non_empty(c.runtime_flags.as_ref()).map(str::to_owned),
        subscription_name: non_empty(c.sub_name.as_ref()).map(str::to_owned),
        cleanup_subscription: Some(c.cleanup_subscription.unwrap_or(true)),
        subscription_position: Some(topics::position(c.subscription_position)),
        skip_to_latest: c.skip_to_latest,
        pod: Some(pod),
        window_config: c.window_config.as_ref().map(|w| WindowConfig {
            actual_window_function_class_name: c.class_name.clone().unwrap_or_default(),
            window_length_count: w.window_length_count,
            window_length_duration_ms: w.window_length_duration_ms,
            sliding_interval_count: w.sliding_interval_count,
            sliding_interval_duration_ms: w.sliding_interval_duration_ms,
            late_data_topic: w.late_data_topic.clone(),
            max_lag_ms: w.max_lag_ms,
            watermark_emit_interval_ms: w.watermark_emit_interval_ms,
            timestamp_extractor_class_name: w.timestamp_extractor_class_name.clone(),
            processing_guarantees: match c.processing_guarantees {
                Some(ProcessingGuarantees::AtmostOnce) => Some(WindowProcessingGuarantees::AtmostOnce),
                _ => Some(WindowProcessingGuarantees::AtleastOnce),
            },
        }),
        pulsar: Some(pulsar),
        java,
        python,
        golang,
        image: runtime::image(base_image, &custom, &cro, &mut d),
        image_pull_policy: runtime::image_pull_policy(&custom, &mut d),
        stateful_config: stateful(ctx, runtime, &mut d),
        ..FunctionSpec::default()
    };
    let resource = Function {
        metadata,
        spec,
        status: None,
    };
    finish(
        Converted {
            resource,
            secrets,
            warnings: Diagnostics::new(),
        },
        d,
        validate::webhook::function,
    )
}

/// Where a function's package comes from.
enum Package {
    /// A Pulsar package URL, downloaded into the pod (`None` when it is invalid or missing).
    Url(Option<String>),
    /// The file at this path of the runner image (`--packages-in-image`).
    InImage(String),
}

/// The package: the explicit URL, else the `jar`/`py`/`go` value when it is a URL (the worker
/// service accepts only Pulsar packages: `function://`, `sink://`, `source://`), else, when
/// packages are in the image, the local path there.
fn package(c: &FunctionConfig, ctx: &Context<'_>, custom: &CustomConfig, d: &mut Diagnostics) -> Package {
    let Some((field, value)) = [("jar", &c.jar), ("py", &c.py), ("go", &c.go)]
        .into_iter()
        .find_map(|(f, v)| non_empty(v.as_ref()).map(|v| (f, v)))
    else {
        return Package::Url(None);
    };
    let given = ctx.package_url.filter(|u| !u.is_empty());
    let local = given.is_none() && !value.contains("://");
    if local && (ctx.packages_in_image || custom.packages_in_image()) {
        d.warning(
            field,
            format!("`{value}` is a local path and no package URL is given: the runner image must contain it (packages in image)"),
        );
        return Package::InImage(value.trim().to_owned());
    }
    let (path, url) = match given {
        Some(u) => ("packageUrl", u),
        None if !local => (field, value),
        None => {
            d.error(
                field,
                "uploading package to mesh worker service is not supported yet. (If the runner image contains the file, say so with --packages-in-image, or packagesInImage: true in functionsWorkerServiceCustomConfigs.)",
            );
            d.warning(
                field,
                format!(
                    "`{value}` is a local file: upload it as a Pulsar package and give its function:// URL"
                ),
            );
            return Package::Url(None);
        }
    };
    if !runtime::has_package_type_prefix(url) {
        d.error(
            path,
            "Function Package url is not valid. supported url (function/sink/source)",
        );
        return Package::Url(None);
    }
    Package::Url(Some(url.to_owned()))
}

fn input(c: &FunctionConfig, cro: &CustomRuntimeOptions, d: &mut Diagnostics) -> InputConf {
    let specs = topics::source_specs(
        &topics::InputSources {
            inputs: c.inputs.as_ref(),
            pattern: c.topics_pattern.as_ref(),
            serde: ("customSerdeInputs", c.custom_serde_inputs.as_ref()),
            schema: ("customSchemaInputs", c.custom_schema_inputs.as_ref()),
            schema_is_json: true,
            specs: c.input_specs.as_ref(),
        },
        d,
    );
    InputConf {
        type_class_name: non_empty(cro.input_type_class_name.as_ref())
            .or(non_empty(c.input_type_class_name.as_ref()))
            .map(str::to_owned),
        topics: c.inputs.clone().filter(|i| !i.is_empty()),
        source_specs: (!specs.is_empty()).then_some(specs),
        ..InputConf::default()
    }
}

fn output(c: &FunctionConfig, cro: &CustomRuntimeOptions, d: &mut Diagnostics) -> OutputConf {
    let topic = non_empty(c.output.as_ref());
    let mut custom_schema_sinks = None;
    for (t, conf) in c.custom_schema_outputs.iter().flatten() {
        if Some(t.as_str()) == topic {
            custom_schema_sinks = Some([(t.clone(), conf.clone())].into_iter().collect());
        } else {
            d.warning(
                join("customSchemaOutputs", t),
                "ignored: only the output topic's entry is used",
            );
        }
    }
    OutputConf {
        type_class_name: non_empty(cro.output_type_class_name.as_ref())
            .or(non_empty(c.output_type_class_name.as_ref()))
            .map(str::to_owned),
        topic: topic.map(str::to_owned),
        sink_serde_class_name: non_empty(c.output_serde_class_name.as_ref()).map(str::to_owned),
        sink_schema_type: non_empty(c.output_schema_type.as_ref()).map(str::to_owned),
        producer_conf: Some(topics::producer(
            c.producer_config.as_ref(),
            c.batch_builder.as_ref(),
            d,
        )),
        custom_schema_sinks,
    }
}

fn stateful(ctx: &Context<'_>, runtime: Option<Runtime>, d: &mut Diagnostics) -> Option<StatefulConfig> {
    let url = non_empty(ctx.worker.state_storage_service_url.as_ref())?;
    if runtime == Some(Runtime::Go) {
        d.warning(
            "stateStorageServiceUrl",
            "not applied: Go functions do not support state",
        );
        return None;
    }
    let java_provider = non_empty(ctx.worker.state_storage_provider_implementation.as_ref())
        .filter(|_| runtime == Some(Runtime::Java))
        .map(|class| PulsarStateStoreJavaProvider {
            class_name: class.to_owned(),
            config: None,
        });
    Some(StatefulConfig {
        pulsar: Some(PulsarStateStore {
            service_url: url.to_owned(),
            java_provider,
        }),
    })
}

//! `Function` -> `FunctionConfig`.

use super::{ReverseOutcome, Reversed};
use super::{identity, resources, runtime, secrets, topics};
use crate::convert::Context;
use crate::crd::{Function, RuntimeLogConfig};
use crate::diag::Diagnostics;
use crate::pulsar::{FunctionConfig, Runtime, WindowConfig};
use crate::text::non_empty;

/// Reads a `Function` CR back as the `FunctionConfig` that produces it.
///
/// Fails only when the CR has no input, which no function can run without
/// (`FunctionSpec CRD without Input defined.`).
pub fn function(cr: &Function, ctx: &Context<'_>) -> ReverseOutcome<FunctionConfig> {
    let mut d = Diagnostics::new();
    let spec = &cr.spec;
    let Some(input) = &spec.input else {
        d.error("spec.input", "FunctionSpec CRD without Input defined.");
        return Err(d);
    };
    let id = identity::identity(&cr.metadata, spec, &mut d);
    let custom = ctx.worker.custom();
    let (mut jar, mut py, mut go, mut runtime, mut log) = (None, None, None, None, None::<&RuntimeLogConfig>);
    // The field whose package has no location, when the runtime's has none.
    let missing = |location: &Option<String>, field| non_empty(location.as_ref()).is_none().then_some(field);
    let mut in_image = None;
    if let Some(j) = &spec.java {
        in_image = missing(&j.jar_location, "spec.java.jar");
        jar = non_empty(j.jar_location.as_ref()).or(non_empty(Some(&j.jar)));
        runtime = Some(Runtime::Java);
        log = j.log.as_ref();
    } else if let Some(p) = &spec.python {
        in_image = missing(&p.py_location, "spec.python.py");
        py = non_empty(p.py_location.as_ref()).or(non_empty(Some(&p.py)));
        runtime = Some(Runtime::Python);
        log = p.log.as_ref();
    } else if let Some(g) = &spec.golang {
        in_image = missing(&g.go_location, "spec.golang.go");
        go = non_empty(g.go_location.as_ref()).or(non_empty(Some(&g.go)));
        runtime = Some(Runtime::Go);
        log = g.log.as_ref();
    } else if spec.generic_runtime.is_some() {
        d.warning(
            "spec.genericRuntime",
            "dropped: a Pulsar function runs on Java, Python or Go",
        );
    } else {
        d.warning("spec", "the function has no runtime (java, python or golang)");
    }
    // A package without a location is the file the runner image has.
    if let (Some(path), Some(file)) = (in_image, jar.or(py).or(go)) {
        d.warning(
            path,
            format!("`{file}` has no package location: the runner image contains it, so converting this config again needs --packages-in-image (or packagesInImage: true)"),
        );
    }
    let base_image = runtime.and_then(|r| {
        custom
            .function_runner_images
            .as_ref()
            .and_then(|m| m.get(r.as_str()))
            .map(String::as_str)
    });
    let output = spec.output.as_ref();
    let options = runtime::runtime_options(&cr.metadata, spec, log, base_image, ctx, &mut d);
    let inputs = topics::inputs(input, &mut d);
    let retries = spec.max_message_retry;
    let config = FunctionConfig {
        runtime_flags: non_empty(spec.runtime_flags.as_ref()).map(str::to_owned),
        tenant: id.tenant,
        namespace: id.namespace,
        name: id.name,
        class_name: spec.class_name.clone(),
        inputs: inputs.topics,
        topics_pattern: inputs.pattern,
        input_specs: inputs.specs,
        custom_schema_outputs: output.and_then(|o| o.custom_schema_sinks.clone()),
        output: output
            .and_then(|o| non_empty(o.topic.as_ref()))
            .map(str::to_owned),
        producer_config: topics::producer(
            "spec.output.producerConf",
            output.and_then(|o| o.producer_conf.as_ref()),
            &mut d,
        ),
        output_schema_type: output.and_then(|o| o.sink_schema_type.clone()),
        output_serde_class_name: output.and_then(|o| o.sink_serde_class_name.clone()),
        log_topic: non_empty(spec.log_topic.as_ref()).map(str::to_owned),
        processing_guarantees: topics::guarantee(spec.processing_guarantee),
        retain_ordering: spec.retain_ordering,
        retain_key_ordering: spec.retain_key_ordering,
        forward_source_message_property: spec.forward_source_message_property,
        user_config: spec.func_config.clone(),
        secrets: secrets::secrets(spec.secrets_map.as_ref()),
        runtime,
        auto_ack: spec.auto_ack,
        max_message_retries: retries,
        dead_letter_topic: retries.and(spec.dead_letter_topic.clone()),
        sub_name: non_empty(spec.subscription_name.as_ref()).map(str::to_owned),
        parallelism: spec.replicas,
        resources: resources::resources(spec.resources.as_ref(), &mut d),
        window_config: spec.window_config.as_ref().map(|w| WindowConfig {
            window_length_count: w.window_length_count,
            window_length_duration_ms: w.window_length_duration_ms,
            sliding_interval_count: w.sliding_interval_count,
            sliding_interval_duration_ms: w.sliding_interval_duration_ms,
            late_data_topic: w.late_data_topic.clone(),
            max_lag_ms: w.max_lag_ms,
            watermark_emit_interval_ms: w.watermark_emit_interval_ms,
            timestamp_extractor_class_name: w.timestamp_extractor_class_name.clone(),
            ..WindowConfig::default()
        }),
        timeout_ms: spec.timeout.map(i64::from),
        jar: jar.map(str::to_owned),
        py: py.map(str::to_owned),
        go: go.map(str::to_owned),
        cleanup_subscription: spec.cleanup_subscription,
        custom_runtime_options: Some(options),
        max_pending_async_requests: spec.max_pending_async_requests,
        skip_to_latest: spec.skip_to_latest,
        subscription_position: topics::position(spec.subscription_position),
        ..FunctionConfig::default()
    };
    if spec.source_config.is_some() || spec.sink_config.is_some() {
        d.warning(
            "spec",
            "dropped: connectors run inside a function (sourceConfig, sinkConfig) have no Pulsar config field",
        );
    }
    Ok(Reversed { config, warnings: d })
}

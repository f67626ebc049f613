//! `Sink` -> `SinkConfig`.

use super::{ReverseOutcome, Reversed};
use super::{connector, identity, resources, runtime, secrets, topics};
use crate::convert::Context;
use crate::crd::Sink;
use crate::diag::Diagnostics;
use crate::pulsar::SinkConfig;
use crate::text::non_empty;

/// Reads a `Sink` CR back as the `SinkConfig` that produces it: a catalogue connector comes back
/// as `builtin://<name>`, a package as its URL.
///
/// Fails only when the CR has no input (`SinkSpec CRD without Input defined.`).
pub fn sink(cr: &Sink, ctx: &Context<'_>) -> ReverseOutcome<SinkConfig> {
    let mut d = Diagnostics::new();
    let spec = &cr.spec;
    let Some(input) = &spec.input else {
        d.error("spec.input", "SinkSpec CRD without Input defined.");
        return Err(d);
    };
    let id = identity::identity(&cr.metadata, spec, &mut d);
    if spec.python.is_some() || spec.golang.is_some() || spec.generic_runtime.is_some() {
        d.warning("spec", "dropped: Pulsar sinks run on Java only");
    }
    let java = spec.java.as_ref();
    let base_image = connector::connector_image(java, ctx);
    let options = runtime::runtime_options(
        &cr.metadata,
        spec,
        java.and_then(|j| j.log.as_ref()),
        base_image.as_deref(),
        ctx,
        &mut d,
    );
    let inputs = topics::inputs(input, &mut d);
    let retries = spec.max_message_retry;
    let config = SinkConfig {
        tenant: id.tenant,
        namespace: id.namespace,
        name: id.name,
        class_name: spec.class_name.clone(),
        source_subscription_name: non_empty(spec.subscription_name.as_ref()).map(str::to_owned),
        source_subscription_position: topics::position(spec.subscription_position),
        inputs: inputs.topics,
        topics_pattern: inputs.pattern,
        input_specs: inputs.specs,
        max_message_retries: retries,
        dead_letter_topic: retries.and(spec.dead_letter_topic.clone()),
        configs: spec.sink_config.clone(),
        secrets: secrets::secrets(spec.secrets_map.as_ref()),
        parallelism: spec.replicas,
        processing_guarantees: topics::guarantee(spec.processing_guarantee),
        retain_ordering: spec.retain_ordering,
        retain_key_ordering: spec.retain_key_ordering,
        resources: resources::resources(spec.resources.as_ref(), &mut d),
        auto_ack: spec.auto_ack,
        timeout_ms: spec.timeout.map(i64::from),
        negative_ack_redelivery_delay_ms: spec.negative_ack_redelivery_delay_ms.map(i64::from),
        sink_type: non_empty(spec.sink_type.as_ref()).map(str::to_owned),
        archive: connector::connector_archive(java, ctx),
        cleanup_subscription: spec.cleanup_subscription,
        runtime_flags: non_empty(spec.runtime_flags.as_ref()).map(str::to_owned),
        custom_runtime_options: Some(options),
        log_topic: non_empty(spec.log_topic.as_ref()).map(str::to_owned),
        ..SinkConfig::default()
    };
    Ok(Reversed { config, warnings: d })
}

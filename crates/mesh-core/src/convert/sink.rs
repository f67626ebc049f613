//! `SinkConfig` -> `Sink`.

use super::base;
use super::pod;
use super::resources;
use super::runtime;
use super::{Context, Converted, Outcome, connector, finish, topics};
use crate::crd::{InputConf, Sink, SinkSpec};
use crate::diag::Diagnostics;
use crate::pulsar::{SinkConfig, UnknownFields};
use crate::text::non_empty;
use crate::validate;
use crate::worker::ConnectorDefinition;

/// Converts a sink config into a `Sink` CR (plus any auth/TLS secrets it needs).
pub fn sink(config: SinkConfig, ctx: &Context<'_>) -> Outcome<Sink> {
    let mut d = Diagnostics::new();
    config.unknown_fields("", &mut d);
    let mut c = config.into_inferred();
    d.extend(validate::pulsar::sink(&c));
    resources::check_resource_bounds(ctx, c.resources.as_ref(), &mut d);
    validate::pulsar::sink_unsupported(&c, "Function Mesh sinks", &mut d);
    let connector::Prepared {
        base,
        resolved,
        class_name,
    } = connector::prepare(&c, ctx, &mut d);

    let mut specs = topics::source_specs(
        &topics::InputSources {
            inputs: c.inputs.as_ref(),
            pattern: c.topics_pattern.as_ref(),
            serde: ("topicToSerdeClassName", c.topic_to_serde_class_name.as_ref()),
            schema: ("topicToSchemaType", c.topic_to_schema_type.as_ref()),
            schema_is_json: false,
            specs: c.input_specs.as_ref(),
        },
        &mut d,
    );
    if ctx.catalogue.is_some()
        && let Some(def) = resolved.definition
    {
        for t in c.inputs.iter().flatten() {
            if let Some(spec) = specs.get_mut(t)
                && spec.schema_type.is_none()
                && spec.serde_classname.is_none()
            {
                spec.schema_type.clone_from(&def.default_schema_type);
                spec.serde_classname = if spec.schema_type.is_some() {
                    None
                } else {
                    def.default_serde_class_name.clone()
                };
            }
        }
    }
    let catalogue_type = resolved
        .definition
        .filter(|_| ctx.catalogue.is_some())
        .map(ConnectorDefinition::sink_type_class);
    let input = InputConf {
        type_class_name: Some(connector::type_class(
            base.cro.input_type_class_name.as_ref(),
            catalogue_type,
        )),
        topics: c.inputs.clone().filter(|i| !i.is_empty()),
        source_specs: (!specs.is_empty()).then_some(specs),
        ..InputConf::default()
    };
    let retries = c.max_message_retries.filter(|r| *r > 0);
    if retries.is_none() && non_empty(c.dead_letter_topic.as_ref()).is_some() {
        d.warning(
            "deadLetterTopic",
            "ignored, as Pulsar ignores it: a sink needs maxMessageRetries above 0 for it",
        );
    }
    let spec = SinkSpec {
        name: c.name.clone(),
        class_name,
        cluster_name: Some(base.cluster.clone()),
        tenant: c.tenant.clone(),
        namespace: c.namespace.clone(),
        replicas: Some(base.replicas),
        max_replicas: pod::max_replicas(&base.cro, base.replicas),
        input: Some(input),
        log_topic: non_empty(c.log_topic.as_ref()).map(str::to_owned),
        sink_config: Some(c.configs.take().unwrap_or_default()),
        resources: Some(resources::resources(c.resources.as_ref(), &base.custom)),
        secrets_map: runtime::secrets_map(c.secrets.as_ref()),
        volume_mounts: base.custom.volume_mounts.clone().filter(|v| !v.is_empty()),
        timeout: base::to_i32("timeoutMs", c.timeout_ms.filter(|t| *t != 0), &mut d),
        negative_ack_redelivery_delay_ms: base::to_i32(
            "negativeAckRedeliveryDelayMs",
            c.negative_ack_redelivery_delay_ms.filter(|t| *t > 0),
            &mut d,
        ),
        auto_ack: Some(c.auto_ack.unwrap_or(true)),
        max_message_retry: retries,
        processing_guarantee: topics::guarantee(c.processing_guarantees),
        retain_ordering: Some(c.retain_ordering.unwrap_or(false)),
        retain_key_ordering: Some(c.retain_key_ordering.unwrap_or(false)),
        dead_letter_topic: retries.and(non_empty(c.dead_letter_topic.as_ref()).map(str::to_owned)),
        runtime_flags: non_empty(c.runtime_flags.as_ref()).map(str::to_owned),
        subscription_name: non_empty(c.source_subscription_name.as_ref()).map(str::to_owned),
        cleanup_subscription: Some(c.cleanup_subscription.unwrap_or(true)),
        subscription_position: Some(topics::position(c.source_subscription_position)),
        pod: Some(base.pod),
        pulsar: Some(base.pulsar),
        java: resolved.java,
        image: runtime::image(resolved.image, &base.custom, &base.cro, &mut d),
        image_pull_policy: runtime::image_pull_policy(&base.custom, &mut d),
        ..SinkSpec::default()
    };
    let resource = Sink {
        metadata: base.metadata,
        spec,
        status: None,
    };
    finish(
        Converted {
            resource,
            secrets: base.secrets,
            warnings: Diagnostics::new(),
        },
        d,
        validate::webhook::sink,
    )
}

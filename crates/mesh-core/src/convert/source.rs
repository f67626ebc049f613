//! `SourceConfig` -> `Source`.

use super::pod;
use super::resources;
use super::runtime;
use super::{Context, Converted, Outcome, connector, finish, topics};
use crate::crd::{BatchSourceConfig, OutputConf, Source, SourceSpec};
use crate::diag::Diagnostics;
use crate::pulsar::{SourceConfig, UnknownFields};
use crate::text::non_empty;
use crate::validate;
use crate::worker::ConnectorDefinition;

/// Converts a source config into a `Source` CR (plus any auth/TLS secrets it needs).
pub fn source(config: SourceConfig, ctx: &Context<'_>) -> Outcome<Source> {
    let mut d = Diagnostics::new();
    config.unknown_fields("", &mut d);
    let mut c = config.into_inferred();
    d.extend(validate::pulsar::source(&c));
    resources::check_resource_bounds(ctx, c.resources.as_ref(), &mut d);
    let connector::Prepared {
        base,
        resolved,
        class_name,
    } = connector::prepare(&c, ctx, &mut d);
    let mut serde = non_empty(c.serde_class_name.as_ref()).map(str::to_owned);
    let mut schema = non_empty(c.schema_type.as_ref()).map(str::to_owned);
    let catalogue_def = resolved.definition.filter(|_| ctx.catalogue.is_some());
    if let Some(def) = catalogue_def
        && serde.is_none()
        && schema.is_none()
    {
        schema.clone_from(&def.default_schema_type);
        if schema.is_none() {
            serde.clone_from(&def.default_serde_class_name);
        }
    }
    let output = OutputConf {
        type_class_name: Some(connector::type_class(
            base.cro.output_type_class_name.as_ref(),
            catalogue_def.map(ConnectorDefinition::source_type_class),
        )),
        topic: non_empty(c.topic_name.as_ref()).map(str::to_owned),
        sink_serde_class_name: serde,
        sink_schema_type: schema,
        producer_conf: Some(topics::producer(
            c.producer_config.as_ref(),
            c.batch_builder.as_ref(),
            &mut d,
        )),
        custom_schema_sinks: None,
    };
    let spec = SourceSpec {
        name: c.name.clone(),
        class_name,
        tenant: c.tenant.clone(),
        namespace: c.namespace.clone(),
        cluster_name: Some(base.cluster.clone()),
        replicas: Some(base.replicas),
        max_replicas: pod::max_replicas(&base.cro, base.replicas),
        output: Some(output),
        log_topic: non_empty(c.log_topic.as_ref()).map(str::to_owned),
        batch_source_config: c.batch_source_config.as_ref().map(|b| BatchSourceConfig {
            discovery_triggerer_class_name: b.discovery_triggerer_class_name.clone().unwrap_or_default(),
            discovery_triggerer_config: Some(b.discovery_triggerer_config.clone().unwrap_or_default()),
        }),
        source_config: Some(c.configs.take().unwrap_or_default()),
        resources: Some(resources::resources(c.resources.as_ref(), &base.custom)),
        secrets_map: runtime::secrets_map(c.secrets.as_ref()),
        processing_guarantee: topics::guarantee(c.processing_guarantees),
        runtime_flags: non_empty(c.runtime_flags.as_ref()).map(str::to_owned),
        volume_mounts: base.custom.volume_mounts.clone().filter(|v| !v.is_empty()),
        forward_source_message_property: Some(true),
        pod: Some(base.pod),
        pulsar: Some(base.pulsar),
        java: resolved.java,
        image: runtime::image(resolved.image, &base.custom, &base.cro, &mut d),
        image_pull_policy: runtime::image_pull_policy(&base.custom, &mut d),
        ..SourceSpec::default()
    };
    let resource = Source {
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
        validate::webhook::source,
    )
}

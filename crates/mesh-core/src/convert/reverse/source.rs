//! `Source` -> `SourceConfig`.

use super::{ReverseOutcome, Reversed};
use super::{connector, identity, resources, runtime, secrets, topics};
use crate::convert::Context;
use crate::crd::Source;
use crate::diag::Diagnostics;
use crate::pulsar::{BatchSourceConfig, SourceConfig};
use crate::text::non_empty;

/// Reads a `Source` CR back as the `SourceConfig` that produces it: a catalogue connector comes
/// back as `builtin://<name>`, a package as its URL.
pub fn source(cr: &Source, ctx: &Context<'_>) -> ReverseOutcome<SourceConfig> {
    let mut d = Diagnostics::new();
    let spec = &cr.spec;
    let id = identity::identity(&cr.metadata, spec, &mut d);
    if spec.python.is_some() || spec.golang.is_some() || spec.generic_runtime.is_some() {
        d.warning("spec", "dropped: Pulsar sources run on Java only");
    }
    let java = spec.java.as_ref();
    let base_image = connector::connector_image(java, ctx);
    let output = spec.output.as_ref();
    let options = runtime::runtime_options(
        &cr.metadata,
        spec,
        java.and_then(|j| j.log.as_ref()),
        base_image.as_deref(),
        ctx,
        &mut d,
    );
    if output.is_some_and(|o| o.custom_schema_sinks.is_some()) {
        d.warning(
            "spec.output.customSchemaSinks",
            "dropped: a Pulsar source config has no field for it",
        );
    }
    let config = SourceConfig {
        tenant: id.tenant,
        namespace: id.namespace,
        name: id.name,
        class_name: spec.class_name.clone(),
        topic_name: output
            .and_then(|o| non_empty(o.topic.as_ref()))
            .map(str::to_owned),
        producer_config: topics::producer(
            "spec.output.producerConf",
            output.and_then(|o| o.producer_conf.as_ref()),
            &mut d,
        ),
        serde_class_name: output.and_then(|o| o.sink_serde_class_name.clone()),
        schema_type: output.and_then(|o| o.sink_schema_type.clone()),
        configs: spec.source_config.clone(),
        secrets: secrets::secrets(spec.secrets_map.as_ref()),
        parallelism: spec.replicas,
        processing_guarantees: topics::guarantee(spec.processing_guarantee),
        resources: resources::resources(spec.resources.as_ref(), &mut d),
        source_type: non_empty(spec.source_type.as_ref()).map(str::to_owned),
        archive: connector::connector_archive(java, ctx),
        runtime_flags: non_empty(spec.runtime_flags.as_ref()).map(str::to_owned),
        custom_runtime_options: Some(options),
        batch_source_config: spec.batch_source_config.as_ref().map(|b| BatchSourceConfig {
            discovery_triggerer_class_name: Some(b.discovery_triggerer_class_name.clone()),
            discovery_triggerer_config: b.discovery_triggerer_config.clone(),
            ..BatchSourceConfig::default()
        }),
        log_topic: non_empty(spec.log_topic.as_ref()).map(str::to_owned),
        ..SourceConfig::default()
    };
    Ok(Reversed { config, warnings: d })
}

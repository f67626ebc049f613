//! The Java runtime of sources and sinks: a built-in connector from the catalogue, or an archive.

use super::Context;
use super::base;
use super::base::Base;
use super::identity;
use super::runtime;
use crate::Kind;
use crate::crd::{JavaRuntime, RuntimeLogConfig};
use crate::diag::Diagnostics;
use crate::pulsar::ConnectorConfig;
use crate::pulsar::infer::BUILTIN_PREFIX;
use crate::text::non_empty;
use crate::worker::{BYTES_TYPE_CLASS, ConnectorDefinition};

/// What a connector's archive resolves to.
pub(crate) struct Resolved<'a> {
    pub java: Option<JavaRuntime>,
    pub image: Option<String>,
    /// The catalogue entry the archive names (built-in or not), if any.
    pub definition: Option<&'a ConnectorDefinition>,
}

pub(crate) fn resolve<'a>(
    kind: Kind,
    archive: Option<&String>,
    ctx: &Context<'a>,
    base: &Base<'_>,
    log: Option<RuntimeLogConfig>,
    d: &mut Diagnostics,
) -> Resolved<'a> {
    let named = archive.map(|a| a.strip_prefix(BUILTIN_PREFIX).unwrap_or(a));
    let definition = named.and_then(|n| ctx.catalogue.and_then(|c| c.get(n)));
    let mut java = JavaRuntime {
        extra_dependencies_dir: Some(runtime::extra_dependencies_dir(ctx, &base.custom)),
        java_opts: base.custom.java_opts.clone().filter(|o| !o.is_empty()),
        log,
        ..JavaRuntime::default()
    };
    let Some(archive) = non_empty(archive) else {
        return Resolved {
            java: None,
            image: None,
            definition,
        };
    };
    if let Some(name) = archive.strip_prefix(BUILTIN_PREFIX) {
        let Some(catalogue) = ctx.catalogue else {
            d.error(
                "archive",
                format!(
                    "`{archive}` is a built-in connector: the connector catalogue (connectors.yaml) is needed"
                ),
            );
            return Resolved {
                java: None,
                image: None,
                definition,
            };
        };
        let Some(def) = catalogue.get(name) else {
            d.error("archive", format!("connectorType {name} is not supported yet"));
            return Resolved {
                java: None,
                image: None,
                definition,
            };
        };
        let has_class = match kind {
            Kind::Sink => def.sink_class.is_some(),
            _ => def.source_class.is_some(),
        };
        if !has_class {
            d.error("archive", format!("connector {name} has no {}", kind.lower()));
        }
        java.jar = def.jar();
        return Resolved {
            java: Some(java),
            image: Some(def.image()),
            definition,
        };
    }
    let url = ctx
        .package_url
        .filter(|u| !u.is_empty())
        .or(Some(archive).filter(|a| a.contains("://")));
    if url.is_none() {
        d.warning(
            "archive",
            format!(
                "`{archive}` is a local file and no package URL is given: the runner image must contain it"
            ),
        );
    }
    let file = ctx.package_file_name.filter(|f| !f.is_empty()).unwrap_or(archive);
    java.jar = runtime::download_path(ctx, file);
    java.jar_location = url.map(str::to_owned);
    let image = base
        .custom
        .function_runner_images
        .as_ref()
        .and_then(|m| m.get("JAVA"))
        .cloned();
    Resolved {
        java: Some(java),
        image,
        definition,
    }
}

/// What a source or sink conversion starts from: the shared base, the resolved archive and the
/// class name (from the config, else the catalogue; its absence is reported unless the archive
/// already failed).
pub(crate) struct Prepared<'a> {
    pub base: Base<'a>,
    pub resolved: Resolved<'a>,
    pub class_name: Option<String>,
}

pub(crate) fn prepare<'a, C: ConnectorConfig>(c: &C, ctx: &Context<'a>, d: &mut Diagnostics) -> Prepared<'a> {
    let kind = C::KIND;
    let id = identity::Identity::of(kind, c.tenant(), c.namespace(), c.name());
    let base = base::base(
        id,
        c.custom_runtime_options().map(String::as_str),
        c.parallelism(),
        ctx,
        d,
    );
    let log = runtime::log_config(&base.cro, c.log_level(), d);
    let errors_before = d.errors().count();
    let resolved = resolve(kind, c.archive(), ctx, &base, log, d);
    let archive_failed = d.errors().count() > errors_before || non_empty(c.archive()).is_none();
    let from_catalogue = |def: &ConnectorDefinition| match kind {
        Kind::Sink => def.sink_class.clone(),
        _ => def.source_class.clone(),
    };
    let class_name = non_empty(c.class_name())
        .map(str::to_owned)
        .or_else(|| resolved.definition.and_then(from_catalogue));
    if class_name.is_none() && !archive_failed {
        d.error("className", "no className provided");
    }
    Prepared {
        base,
        resolved,
        class_name,
    }
}

/// The type class: the runtime options' value, else the catalogue's when the archive names a
/// connector, else `[B`.
pub(crate) fn type_class(explicit: Option<&String>, from_catalogue: Option<&str>) -> String {
    non_empty(explicit)
        .or(from_catalogue)
        .unwrap_or(BYTES_TYPE_CLASS)
        .to_owned()
}

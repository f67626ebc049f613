//! A connector's archive read back: a built-in connector's name, else its package.

use crate::convert::Context;
use crate::crd;
use crate::text::non_empty;

/// The package of a Java connector: its URL, else the catalogue connector whose jar it is
/// (`builtin://<name>`), else the local path.
pub(super) fn connector_archive(java: Option<&crd::JavaRuntime>, ctx: &Context<'_>) -> Option<String> {
    let java = java?;
    if let Some(url) = non_empty(java.jar_location.as_ref()) {
        return Some(url.to_owned());
    }
    builtin(java, ctx)
        .and_then(|def| def.name.as_ref())
        .map(|n| format!("{}{n}", crate::pulsar::infer::BUILTIN_PREFIX))
        .or_else(|| non_empty(Some(&java.jar)).map(str::to_owned))
}

/// The catalogue connector a Java runtime runs, recognised by its jar.
pub(super) fn builtin<'a>(
    java: &crd::JavaRuntime,
    ctx: &Context<'a>,
) -> Option<&'a crate::worker::ConnectorDefinition> {
    if non_empty(java.jar_location.as_ref()).is_some() {
        return None;
    }
    ctx.catalogue?
        .connectors
        .iter()
        .rev()
        .find(|def| def.name.is_some() && def.jar() == java.jar)
}

/// The image the worker gives a Java connector: the catalogue connector's, else the Java runner's.
pub(super) fn connector_image(java: Option<&crd::JavaRuntime>, ctx: &Context<'_>) -> Option<String> {
    if let Some(def) = java.and_then(|j| builtin(j, ctx)) {
        return Some(def.image());
    }
    ctx.worker
        .custom()
        .function_runner_images
        .as_ref()
        .and_then(|m| m.get("JAVA"))
        .cloned()
}

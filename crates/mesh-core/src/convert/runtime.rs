//! What runs: images and pull policy, logging, secrets, download paths and package URLs.

use std::collections::BTreeMap;

use super::Context;
use super::{CRO, CUSTOM};
use crate::crd::{LogLevel, RotatePolicy, RuntimeLogConfig, SecretRef};
use crate::diag::{Diagnostics, join};
use crate::text::{non_empty, pick};
use crate::validate::k8s::IMAGE_PULL_POLICIES;
use crate::worker::{CustomConfig, CustomRuntimeOptions};

/// `spec.imagePullPolicy`: the custom config's value, one Kubernetes knows. Written in another
/// case (`always`, as the worker service's own sample config has it) it is taken in Kubernetes'
/// spelling with a warning, since Kubernetes refuses any other; anything else is an error.
pub(crate) fn image_pull_policy(custom: &CustomConfig, d: &mut Diagnostics) -> Option<String> {
    let p = non_empty(custom.image_pull_policy.as_ref())?.trim();
    let path = join(CUSTOM, "imagePullPolicy");
    if let Some(exact) = IMAGE_PULL_POLICIES.iter().find(|k| **k == p) {
        return Some((*exact).to_owned());
    }
    if let Some(known) = IMAGE_PULL_POLICIES.iter().find(|k| k.eq_ignore_ascii_case(p)) {
        d.warning(
            path,
            format!("`{p}` taken as `{known}`: Kubernetes accepts a pull policy only in that spelling"),
        );
        return Some((*known).to_owned());
    }
    d.error(
        path,
        format!(
            "invalid image pull policy `{p}`: must be one of {}",
            IMAGE_PULL_POLICIES.join(", ")
        ),
    );
    Some(p.to_owned())
}

/// Replaces (or adds) the tag of an image reference, leaving a registry port and a digest alone.
pub fn with_tag(image: &str, tag: &str) -> String {
    if image.contains('@') {
        return image.to_owned();
    }
    let name_start = image.rfind('/').map_or(0, |i| i + 1);
    match image[name_start..].rfind(':') {
        Some(i) => format!("{}:{tag}", &image[..name_start + i]),
        None => format!("{image}:{tag}"),
    }
}

/// The final image: `runnerImageTag` applied, then trusted mode's `runnerImage`.
pub(crate) fn image(
    base: Option<String>,
    custom: &CustomConfig,
    cro: &CustomRuntimeOptions,
    d: &mut Diagnostics,
) -> Option<String> {
    let mut image = base;
    if let Some(tag) = non_empty(cro.runner_image_tag.as_ref()) {
        match &image {
            Some(i) if i.contains('@') => {
                d.warning(
                    join(CRO, "runnerImageTag"),
                    format!("ignored: the image `{i}` is pinned by digest"),
                );
            }
            Some(i) => image = Some(with_tag(i, tag)),
            None => d.warning(
                join(CRO, "runnerImageTag"),
                "ignored: no runner image is configured for this runtime",
            ),
        }
    }
    if let Some(runner) = non_empty(cro.runner_image.as_ref()) {
        if custom.trusted_mode() {
            image = Some(runner.to_owned());
        } else {
            d.warning(
                join(CRO, "runnerImage"),
                "ignored: `runnerImage` is honoured only in trusted mode (enableTrustedMode)",
            );
        }
    }
    image
}

/// Runtime logging: level from the runtime options, else the config's `logLevel`; rotation policy
/// from the runtime options. Unknown values are errors.
pub(crate) fn log_config(
    cro: &CustomRuntimeOptions,
    config_level: Option<&String>,
    d: &mut Diagnostics,
) -> Option<RuntimeLogConfig> {
    let levels = [
        ("off", LogLevel::Off),
        ("trace", LogLevel::Trace),
        ("debug", LogLevel::Debug),
        ("info", LogLevel::Info),
        ("warn", LogLevel::Warn),
        ("error", LogLevel::Error),
        ("fatal", LogLevel::Fatal),
        ("all", LogLevel::All),
        ("panic", LogLevel::Panic),
    ];
    let level = match non_empty(cro.log_level.as_ref()) {
        Some(_) => pick(&join(CRO, "logLevel"), cro.log_level.as_ref(), &levels, d),
        None => non_empty(config_level).and_then(|l| {
            levels
                .iter()
                .find(|(n, _)| n.eq_ignore_ascii_case(l))
                .map(|(_, v)| *v)
        }),
    };
    let rotate_policy = non_empty(cro.log_rotation_policy.as_ref()).and_then(|_| {
        pick(
            &join(CRO, "logRotationPolicy"),
            cro.log_rotation_policy.as_ref(),
            &[
                ("TimedPolicyWithDaily", RotatePolicy::TimedPolicyWithDaily),
                ("TimedPolicyWithWeekly", RotatePolicy::TimedPolicyWithWeekly),
                ("TimedPolicyWithMonthly", RotatePolicy::TimedPolicyWithMonthly),
                ("SizedPolicyWith10MB", RotatePolicy::SizedPolicyWith10MB),
                ("SizedPolicyWith50MB", RotatePolicy::SizedPolicyWith50MB),
                ("SizedPolicyWith100MB", RotatePolicy::SizedPolicyWith100MB),
            ],
            d,
        )
    });
    (level.is_some() || rotate_policy.is_some()).then(|| RuntimeLogConfig {
        level,
        rotate_policy,
        ..RuntimeLogConfig::default()
    })
}

/// `spec.secretsMap`: entries with a `path` and a `key` (others are reported by validation).
pub(crate) fn secrets_map(
    secrets: Option<&BTreeMap<String, serde_json::Value>>,
) -> Option<BTreeMap<String, SecretRef>> {
    let map: BTreeMap<String, SecretRef> = secrets?
        .iter()
        .filter_map(|(name, v)| {
            let path = v.get("path")?.as_str()?;
            let key = v.get("key")?.as_str()?;
            Some((
                name.clone(),
                SecretRef {
                    path: Some(path.to_owned()),
                    key: Some(key.to_owned()),
                },
            ))
        })
        .collect();
    (!map.is_empty()).then_some(map)
}

/// `extraDependenciesDir` of Java components: factory `extraFunctionDependenciesDir`, else the
/// custom `extraDependenciesDir`, else `/pulsar/instances/deps`; relative paths go under `/pulsar/`.
pub(crate) fn extra_dependencies_dir(ctx: &Context<'_>, custom: &CustomConfig) -> String {
    let factory = ctx
        .worker
        .function_runtime_factory_configs
        .as_ref()
        .and_then(|f| non_empty(f.extra_function_dependencies_dir.as_ref()));
    let dir = factory.or(Some(custom.extra_dependencies_dir()).filter(|s| !s.trim().is_empty()));
    match dir {
        Some(d) if d.starts_with('/') => d.to_owned(),
        Some(d) => ["/pulsar/", d].concat(),
        None => "/pulsar/instances/deps".to_owned(),
    }
}

/// Where the package is downloaded in the pod: `downloadDirectory` (default `/pulsar/`) plus the
/// file's base name.
pub(crate) fn download_path(ctx: &Context<'_>, file_name: &str) -> String {
    let dir = non_empty(ctx.worker.download_directory.as_ref()).unwrap_or("/pulsar/");
    let base = file_name.rsplit('/').next().unwrap_or(file_name);
    let mut path = String::with_capacity(dir.len() + 1 + base.len());
    path.push_str(dir);
    if !dir.ends_with('/') {
        path.push('/');
    }
    path.push_str(base);
    path
}

/// Whether `url` has a Pulsar package prefix (`function://`, `sink://`, `source://`).
pub fn has_package_type_prefix(url: &str) -> bool {
    ["function", "sink", "source"].iter().any(|p| url.starts_with(p)) && url.contains("://")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tags_are_replaced_properly() {
        assert_eq!(
            with_tag("pulsar-mesh-function-runner-java:latest", "new"),
            "pulsar-mesh-function-runner-java:new"
        );
        assert_eq!(
            with_tag("registry:5000/runner:1.0", "2.0"),
            "registry:5000/runner:2.0"
        );
        assert_eq!(
            with_tag("registry:5000/runner", "2.0"),
            "registry:5000/runner:2.0"
        );
        assert_eq!(with_tag("runner", "2.0"), "runner:2.0");
        assert_eq!(with_tag("runner@sha256:abc", "2.0"), "runner@sha256:abc");
    }

    #[test]
    fn download_paths() {
        let worker = crate::worker::WorkerConfig::default();
        let ctx = Context::new(&worker);
        assert_eq!(
            download_path(&ctx, "function-executable"),
            "/pulsar/function-executable"
        );
        assert_eq!(download_path(&ctx, "/Users/sample/a.jar"), "/pulsar/a.jar");
        let worker = crate::worker::WorkerConfig {
            download_directory: Some("/download".into()),
            ..Default::default()
        };
        assert_eq!(download_path(&Context::new(&worker), "a.jar"), "/download/a.jar");
    }

    #[test]
    fn package_prefixes() {
        assert!(has_package_type_prefix("function://t/n/f@1"));
        assert!(has_package_type_prefix("sink://t/n/s"));
        assert!(!has_package_type_prefix("https://x/y.jar"));
        assert!(!has_package_type_prefix("builtin://x"));
    }
}

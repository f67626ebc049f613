//! `functionsWorkerServiceCustomConfigs`: the Function Mesh worker service's own settings.

use std::collections::BTreeMap;

use k8s_openapi::api::core::v1::{Container, LocalObjectReference, Volume, VolumeMount};
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

use crate::Kind;
use crate::diag::{Diagnostics, join};
use crate::pulsar::{Extra, Resources, UnknownFields, warn_unknown};

/// Default `extraDependenciesDir`.
pub const DEFAULT_EXTRA_DEPENDENCIES_DIR: &str = "/pulsar/lib/";
/// Default `oauth2SecretAnnotationKey`.
pub const DEFAULT_OAUTH2_SECRET_ANNOTATION_KEY: &str = "cloud.streamnative.io/service-account.email";

/// Every key of the worker service's custom config. Absent keys keep the worker service's
/// defaults, which the accessor methods apply.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct CustomConfig {
    /// Accept multipart package uploads (default false).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub upload_enabled: Option<bool>,
    /// Serve the functions API (default true).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub function_enabled: Option<bool>,
    /// Serve the sinks API (default true).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub sink_enabled: Option<bool>,
    /// Serve the sources API (default true).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub source_enabled: Option<bool>,
    /// Use the "insecure" auth handler (default true).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub using_insecure_auth: Option<bool>,
    /// Secret holding the OAuth2 private key (insecure handler).
    #[serde(rename = "oauth2SecretName", skip_serializing_if = "Option::is_none")]
    pub oauth2_secret_name: Option<String>,
    /// Annotation that maps a client role to its OAuth2 key secret.
    #[serde(rename = "oauth2SecretAnnotationKey", skip_serializing_if = "Option::is_none")]
    pub oauth2_secret_annotation_key: Option<String>,
    /// JVM options for Java components.
    #[serde(rename = "javaOPTs", skip_serializing_if = "Option::is_none")]
    pub java_opts: Option<Vec<String>>,
    /// Extra dependencies directory of Java components (default `/pulsar/lib/`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub extra_dependencies_dir: Option<String>,
    /// Volume mounts of the component container.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub volume_mounts: Option<Vec<VolumeMount>>,
    /// Pod volumes.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub volumes: Option<Vec<Volume>>,
    /// Owner of every CR.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub owner_reference: Option<OwnerReferenceConfig>,
    /// Honour `customRuntimeOptions.serviceAccountName` outside trusted mode (deprecated).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub allow_user_defined_service_account_name: Option<bool>,
    /// Service account when nothing else sets one.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub default_service_account_name: Option<String>,
    /// Image pull policy of every component.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub image_pull_policy: Option<String>,
    /// Runner images keyed `JAVA`, `PYTHON`, `GO`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub function_runner_images: Option<BTreeMap<String, String>>,
    /// Image pull secrets of every pod.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub image_pull_secrets: Option<Vec<LocalObjectReference>>,
    /// Labels of every component.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub labels: Option<BTreeMap<String, String>>,
    /// Labels of functions.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub function_labels: Option<BTreeMap<String, String>>,
    /// Labels of sinks.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub sink_labels: Option<BTreeMap<String, String>>,
    /// Labels of sources.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub source_labels: Option<BTreeMap<String, String>>,
    /// Pod annotations of every component.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub annotations: Option<BTreeMap<String, String>>,
    /// Pod annotations of functions.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub function_annotations: Option<BTreeMap<String, String>>,
    /// Pod annotations of sinks.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub sink_annotations: Option<BTreeMap<String, String>>,
    /// Pod annotations of sources.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub source_annotations: Option<BTreeMap<String, String>>,
    /// Environment of every component.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub env: Option<BTreeMap<String, String>>,
    /// Environment of functions.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub function_env: Option<BTreeMap<String, String>>,
    /// Environment of sinks.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub sink_env: Option<BTreeMap<String, String>>,
    /// Environment of sources.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub source_env: Option<BTreeMap<String, String>>,
    /// Init containers of functions.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub function_init_containers: Option<Vec<Container>>,
    /// Init containers of sources.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub source_init_containers: Option<Vec<Container>>,
    /// Init containers of sinks.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub sink_init_containers: Option<Vec<Container>>,
    /// Kubernetes namespace of the CRs.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub job_namespace: Option<String>,
    /// Resources merged into what a component leaves out.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub default_resources: Option<Resources>,
    /// Apply the trusted `customRuntimeOptions` (runner image, service account, managed).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub enable_trusted_mode: Option<bool>,
    /// mesh's own key: a function whose `jar`, `py` or `go` is a local path and that has no
    /// package URL runs the file its runner image contains (default false: refused, as the
    /// worker service refuses it).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub packages_in_image: Option<bool>,
    /// Reload period of the connector catalogue, in seconds (default 60).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub connector_search_interval_seconds: Option<i64>,
    /// Path of the connector catalogue (default `conf/connectors.yaml`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub connector_definitions_file_path: Option<String>,
    /// Runtimes that may not be used: `java`, `python`, `go`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub disabled_runtimes: Option<Vec<String>>,
    /// Keys the worker service does not know; kept, and reported as warnings.
    #[serde(flatten, skip_serializing_if = "Extra::is_empty")]
    pub unknown: Extra,
}

fn merged(
    a: Option<&BTreeMap<String, String>>,
    b: Option<&BTreeMap<String, String>>,
) -> BTreeMap<String, String> {
    let mut out = a.cloned().unwrap_or_default();
    out.extend(b.cloned().unwrap_or_default());
    out
}

impl CustomConfig {
    /// Whether the API of `kind` is enabled (default true).
    pub fn enabled(&self, kind: Kind) -> bool {
        match kind {
            Kind::Function => self.function_enabled,
            Kind::Source => self.source_enabled,
            Kind::Sink => self.sink_enabled,
        }
        .unwrap_or(true)
    }

    /// `labels` overlaid with the labels of `kind`.
    pub fn labels_for(&self, kind: Kind) -> BTreeMap<String, String> {
        let own = match kind {
            Kind::Function => &self.function_labels,
            Kind::Source => &self.source_labels,
            Kind::Sink => &self.sink_labels,
        };
        merged(self.labels.as_ref(), own.as_ref())
    }

    /// `annotations` overlaid with the annotations of `kind`.
    pub fn annotations_for(&self, kind: Kind) -> BTreeMap<String, String> {
        let own = match kind {
            Kind::Function => &self.function_annotations,
            Kind::Source => &self.source_annotations,
            Kind::Sink => &self.sink_annotations,
        };
        merged(self.annotations.as_ref(), own.as_ref())
    }

    /// `env` overlaid with the environment of `kind`.
    pub fn env_for(&self, kind: Kind) -> BTreeMap<String, String> {
        let own = match kind {
            Kind::Function => &self.function_env,
            Kind::Source => &self.source_env,
            Kind::Sink => &self.sink_env,
        };
        merged(self.env.as_ref(), own.as_ref())
    }

    /// The init containers of `kind` (sinks use `sinkInitContainers`, unlike the Java worker).
    pub fn init_containers_for(&self, kind: Kind) -> Option<&Vec<Container>> {
        match kind {
            Kind::Function => self.function_init_containers.as_ref(),
            Kind::Source => self.source_init_containers.as_ref(),
            Kind::Sink => self.sink_init_containers.as_ref(),
        }
    }

    /// Whether the insecure auth handler is used (default true).
    pub fn using_insecure_auth(&self) -> bool {
        self.using_insecure_auth.unwrap_or(true)
    }

    /// Whether trusted mode is on (default false).
    pub fn trusted_mode(&self) -> bool {
        self.enable_trusted_mode.unwrap_or(false)
    }

    /// Whether local package paths name files in the runner image (default false).
    pub fn packages_in_image(&self) -> bool {
        self.packages_in_image.unwrap_or(false)
    }

    /// Whether uploads are accepted (default false).
    pub fn upload_enabled(&self) -> bool {
        self.upload_enabled.unwrap_or(false)
    }

    /// The annotation key that maps client roles to OAuth2 key secrets.
    pub fn oauth2_secret_annotation_key(&self) -> &str {
        self.oauth2_secret_annotation_key
            .as_deref()
            .unwrap_or(DEFAULT_OAUTH2_SECRET_ANNOTATION_KEY)
    }

    /// The configured extra dependencies directory, or `/pulsar/lib/`.
    pub fn extra_dependencies_dir(&self) -> &str {
        self.extra_dependencies_dir
            .as_deref()
            .unwrap_or(DEFAULT_EXTRA_DEPENDENCIES_DIR)
    }
}

impl UnknownFields for CustomConfig {
    fn unknown_fields(&self, path: &str, out: &mut Diagnostics) {
        warn_unknown(&self.unknown, path, out);
        if let Some(o) = &self.owner_reference {
            warn_unknown(&o.unknown, &join(path, "ownerReference"), out);
        }
        if let Some(r) = &self.default_resources {
            r.unknown_fields(&join(path, "defaultResources"), out);
        }
    }
}

/// `ownerReference`: the owner every CR is created under. Only `apiVersion`, `kind`, `name` and
/// `uid` reach the CR; `controller` and `blockOwnerDeletion` are accepted and not copied.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct OwnerReferenceConfig {
    /// API version of the owner.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub api_version: Option<String>,
    /// Kind of the owner.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub kind: Option<String>,
    /// Name of the owner.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    /// UID of the owner.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub uid: Option<String>,
    /// Whether the owner is the controller (not copied to CRs).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub controller: Option<bool>,
    /// Block owner deletion (not copied to CRs).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub block_owner_deletion: Option<bool>,
    /// Keys not known; kept, and reported as warnings.
    #[serde(flatten, skip_serializing_if = "Extra::is_empty")]
    pub unknown: Extra,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn kind_maps_overlay_the_common_map() {
        let c = CustomConfig {
            labels: Some(BTreeMap::from([
                ("a".into(), "1".into()),
                ("b".into(), "1".into()),
            ])),
            sink_labels: Some(BTreeMap::from([("b".into(), "2".into())])),
            ..CustomConfig::default()
        };
        assert_eq!(c.labels_for(Kind::Sink)["b"], "2");
        assert_eq!(c.labels_for(Kind::Function)["b"], "1");
        assert!(c.enabled(Kind::Source));
        assert_eq!(c.extra_dependencies_dir(), "/pulsar/lib/");
    }

    #[test]
    fn sinks_use_their_own_init_containers() {
        let named = |n: &str| Container {
            name: n.into(),
            ..Container::default()
        };
        let c = CustomConfig {
            function_init_containers: Some(vec![named("f")]),
            sink_init_containers: Some(vec![named("s")]),
            ..CustomConfig::default()
        };
        assert_eq!(c.init_containers_for(Kind::Sink).unwrap()[0].name, "s");
    }
}

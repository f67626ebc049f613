//! The worker side: the parts of `functions_worker.yml` a conversion depends on, the per-component
//! `customRuntimeOptions`, and the built-in connector catalogue (`connectors.yaml`).

mod connectors;
mod custom;
mod factory;
mod runtime_options;
pub mod security;

pub use connectors::{BYTES_TYPE_CLASS, Catalogue, ConnectorDefinition};
pub use custom::{CustomConfig, OwnerReferenceConfig};
pub use factory::{FactoryConfig, MetricsPort};
pub use runtime_options::{CustomRuntimeOptions, HpaSpec, VpaContainerPolicy, VpaSpec, VpaUpdatePolicy};

use std::collections::BTreeMap;

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};
use serde_json::Value;

use crate::diag::{Diagnostics, join};
use crate::pulsar::{Extra, Resources, UnknownFields};

/// A worker's `functions_worker.yml`: the top-level keys that shape a conversion, the runtime
/// factory config and the Function Mesh worker-service custom config. Every other key of a real
/// worker file is kept in `other` and not reported (it is a valid worker setting mesh does not need).
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct WorkerConfig {
    /// Cluster name: object-name hash, labels, `spec.clusterName`, ConfigMap and secret names.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub pulsar_functions_cluster: Option<String>,
    /// Directory packages are downloaded to in the pod (default `/pulsar/`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub download_directory: Option<String>,
    /// Smallest resources a component may ask for.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub function_instance_min_resources: Option<Resources>,
    /// Largest resources a component may ask for.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub function_instance_max_resources: Option<Resources>,
    /// Resource granularities (Pulsar's Kubernetes runtime).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub function_instance_resource_granularities: Option<Resources>,
    /// Whether cpu and ram must be the same multiple of their granularities.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub function_instance_resource_change_in_lock_step: Option<bool>,
    /// State storage service URL: enables `spec.statefulConfig`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub state_storage_service_url: Option<String>,
    /// State store provider class (Java functions).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub state_storage_provider_implementation: Option<String>,
    /// Whether functions forward source message properties by default (Pulsar: true).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub forward_source_message_property: Option<bool>,
    /// Whether the broker authenticates clients.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub authentication_enabled: Option<bool>,
    /// Authentication providers of the worker's admin API (class names).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub authentication_providers: Option<Vec<String>>,
    /// Whether the worker authorizes requests (tenant admins, namespace permissions).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub authorization_enabled: Option<bool>,
    /// Authorization provider class.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub authorization_provider: Option<String>,
    /// Whether namespace permissions may name roles with a leading or trailing `*`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub authorization_allow_wildcards_matching: Option<bool>,
    /// Roles allowed everything.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub super_user_roles: Option<Vec<String>>,
    /// Roles of proxies, which act for the principal in `X-Original-Principal`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub proxy_roles: Option<Vec<String>>,
    /// Whether `/metrics` needs authentication too.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub authenticate_metrics_endpoint: Option<bool>,
    /// Role of a request no provider authenticates (unset: such requests are refused).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub anonymous_user_role: Option<String>,
    /// Settings of the authentication providers (`tokenSecretKey`, `openIDAllowedTokenIssuers`, ...).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub properties: Option<BTreeMap<String, Value>>,
    /// Auth plugin the functions use to reach the broker.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub broker_client_authentication_plugin: Option<String>,
    /// Parameters of that plugin.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub broker_client_authentication_parameters: Option<String>,
    /// Whether TLS is on.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub tls_enabled: Option<bool>,
    /// The worker's certificate file.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub tls_certificate_file_path: Option<String>,
    /// The worker's private key file (PEM).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub tls_key_file_path: Option<String>,
    /// Whether HTTPS clients must present a certificate signed by `tlsTrustCertsFilePath`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub tls_require_trusted_client_cert_on_connect: Option<bool>,
    /// Seconds between checks for a renewed certificate (default 300).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub tls_cert_refresh_check_duration_sec: Option<u64>,
    /// The worker's HTTPS port.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub worker_port_tls: Option<i64>,
    /// The CA certificates clients should trust.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub tls_trust_certs_file_path: Option<String>,
    /// Accept untrusted TLS certificates.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub tls_allow_insecure_connection: Option<bool>,
    /// Verify TLS host names.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub tls_enable_hostname_verification: Option<bool>,
    /// NAR extraction directory.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub nar_extraction_directory: Option<String>,
    /// Broker service URL.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub pulsar_service_url: Option<String>,
    /// Broker web service URL.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub pulsar_web_service_url: Option<String>,
    /// Directory of built-in functions.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub functions_directory: Option<String>,
    /// Directory of built-in connectors.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub connectors_directory: Option<String>,
    /// Runtime factory class.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub function_runtime_factory_class_name: Option<String>,
    /// The Kubernetes runtime factory's config.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub function_runtime_factory_configs: Option<FactoryConfig>,
    /// Manifest customizer class.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub runtime_customizer_class_name: Option<String>,
    /// The customizer's config (same schema as `customRuntimeOptions`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub runtime_customizer_config: Option<BTreeMap<String, Value>>,
    /// Secrets provider configurator class (Pulsar's Kubernetes runtime).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub secrets_provider_configurator_class_name: Option<String>,
    /// Function auth provider class (Pulsar's Kubernetes runtime).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub function_auth_provider_class_name: Option<String>,
    /// JVM arguments added to every Java instance.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub additional_java_runtime_arguments: Option<Vec<String>>,
    /// Pending async requests per Java instance (default 1000).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub max_pending_async_requests: Option<i32>,
    /// Whether Java functions get an admin client (`--web_serviceurl`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub expose_admin_client_enabled: Option<bool>,
    /// The worker-service NAR the broker loads.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub functions_worker_service_nar_package: Option<String>,
    /// The Function Mesh worker service's own settings.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub functions_worker_service_custom_configs: Option<CustomConfig>,
    /// Whether built-in connectors are uploaded to the package store.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub upload_builtin_sinks_sources: Option<bool>,
    /// Every other worker setting, kept as given.
    #[serde(flatten, skip_serializing_if = "Extra::is_empty")]
    pub other: Extra,
}

impl WorkerConfig {
    /// The custom config, or the worker service's defaults when the file has none.
    pub fn custom(&self) -> std::borrow::Cow<'_, CustomConfig> {
        match &self.functions_worker_service_custom_configs {
            Some(c) => std::borrow::Cow::Borrowed(c),
            None => std::borrow::Cow::Owned(CustomConfig::default()),
        }
    }

    /// Whether the admin API of `kind` is on (`functionsWorkerServiceCustomConfigs`'
    /// `functionEnabled`, `sourceEnabled`, `sinkEnabled`; default true).
    pub fn api_enabled(&self, kind: crate::Kind) -> bool {
        self.functions_worker_service_custom_configs
            .as_ref()
            .is_none_or(|c| c.enabled(kind))
    }

    /// Whether package uploads are accepted (`uploadEnabled`; default false).
    pub fn upload_enabled(&self) -> bool {
        self.functions_worker_service_custom_configs
            .as_ref()
            .is_some_and(CustomConfig::upload_enabled)
    }

    /// Whether functions forward source message properties (Pulsar's default: true).
    pub fn forwards_source_message_property(&self) -> bool {
        self.forward_source_message_property.unwrap_or(true)
    }
}

impl UnknownFields for WorkerConfig {
    fn unknown_fields(&self, path: &str, out: &mut Diagnostics) {
        // Top-level keys are worker settings in their own right: not reported.
        if let Some(f) = &self.function_runtime_factory_configs {
            f.unknown_fields(&join(path, "functionRuntimeFactoryConfigs"), out);
        }
        if let Some(c) = &self.functions_worker_service_custom_configs {
            c.unknown_fields(&join(path, "functionsWorkerServiceCustomConfigs"), out);
        }
        for (key, r) in [
            (
                "functionInstanceMinResources",
                &self.function_instance_min_resources,
            ),
            (
                "functionInstanceMaxResources",
                &self.function_instance_max_resources,
            ),
            (
                "functionInstanceResourceGranularities",
                &self.function_instance_resource_granularities,
            ),
        ] {
            if let Some(r) = r {
                r.unknown_fields(&join(path, key), out);
            }
        }
    }
}

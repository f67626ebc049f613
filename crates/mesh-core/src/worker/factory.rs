//! `functionRuntimeFactoryConfigs`: Pulsar's `KubernetesRuntimeFactoryConfig`.

use std::collections::BTreeMap;

use schemars::{JsonSchema, json_schema};
use serde::{Deserialize, Serialize};

use crate::diag::Diagnostics;
use crate::pulsar::{Extra, UnknownFields, warn_unknown};

/// The Kubernetes runtime factory's config. The worker service reads `extraFunctionDependenciesDir`,
/// `customLabels` and `jobNamespace`; the rest shapes Pulsar's own Kubernetes runtime.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct FactoryConfig {
    /// Kubernetes API server URL.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub k8_uri: Option<String>,
    /// Kubernetes namespace of the workloads (default `default`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub job_namespace: Option<String>,
    /// Base name of every job (switches to hashed names).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub job_name: Option<String>,
    /// Image when `functionDockerImages` is unset.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub pulsar_docker_image_name: Option<String>,
    /// Images keyed `JAVA`, `PYTHON`, `GO`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub function_docker_images: Option<BTreeMap<String, String>>,
    /// Image pull policy.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub image_pull_policy: Option<String>,
    /// Pulsar's root directory in the image (default `/pulsar`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub pulsar_root_dir: Option<String>,
    /// Admin CLI path under the root directory.
    #[serde(rename = "configAdminCLI", skip_serializing_if = "Option::is_none")]
    pub config_admin_cli: Option<String>,
    /// Broker service URL used inside pods.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub pulsar_service_url: Option<String>,
    /// Admin URL used inside pods.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub pulsar_admin_url: Option<String>,
    /// Whether the instance is submitted from inside a pod.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub submitting_inside_pod: Option<bool>,
    /// Install Python user-code dependencies.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub install_user_code_dependencies: Option<bool>,
    /// Python dependency repository.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub python_dependency_repository: Option<String>,
    /// Extra Python dependency repository.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub python_extra_dependency_repository: Option<String>,
    /// Directory of extra dependencies (relative: under the root directory).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub extra_function_dependencies_dir: Option<String>,
    /// Labels on every object.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub custom_labels: Option<BTreeMap<String, String>>,
    /// Expected metrics collection interval in seconds.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub expected_metrics_collection_interval: Option<i32>,
    /// ConfigMap that overrides these settings.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub change_config_map: Option<String>,
    /// Namespace of that ConfigMap.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub change_config_map_namespace: Option<String>,
    /// Memory padding in percent.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub percent_memory_padding: Option<i32>,
    /// CPU over-commit ratio (request = limit / ratio).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub cpu_over_commit_ratio: Option<f64>,
    /// Memory over-commit ratio.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub memory_over_commit_ratio: Option<f64>,
    /// Instance control port (default 9093).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub grpc_port: Option<i32>,
    /// Prometheus port (default 9094); an empty value disables metrics.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub metrics_port: Option<MetricsPort>,
    /// NAR extraction directory.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub nar_extraction_directory: Option<String>,
    /// Instance class path.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub function_instance_class_path: Option<String>,
    /// Grace period when deleting a StatefulSet.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub grace_period_seconds: Option<i32>,
    /// Keys the factory does not know; kept, and reported as warnings.
    #[serde(flatten, skip_serializing_if = "Extra::is_empty")]
    pub unknown: Extra,
}

impl UnknownFields for FactoryConfig {
    fn unknown_fields(&self, path: &str, out: &mut Diagnostics) {
        warn_unknown(&self.unknown, path, out);
    }
}

/// `metricsPort`: a port, or the empty string, which disables Prometheus metrics.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum MetricsPort {
    /// Metrics on this port.
    Port(i32),
    /// No metrics (`metricsPort: ""`).
    Disabled,
}

impl Serialize for MetricsPort {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        match self {
            Self::Port(p) => s.serialize_i32(*p),
            Self::Disabled => s.serialize_str(""),
        }
    }
}

impl<'de> Deserialize<'de> for MetricsPort {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V;
        impl serde::de::Visitor<'_> for V {
            type Value = MetricsPort;
            fn expecting(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str("a port number, or an empty string to disable metrics")
            }
            fn visit_i64<E: serde::de::Error>(self, v: i64) -> Result<MetricsPort, E> {
                i32::try_from(v)
                    .map(MetricsPort::Port)
                    .map_err(|_| E::custom(format!("{v} is not a port")))
            }
            fn visit_u64<E: serde::de::Error>(self, v: u64) -> Result<MetricsPort, E> {
                i32::try_from(v)
                    .map(MetricsPort::Port)
                    .map_err(|_| E::custom(format!("{v} is not a port")))
            }
            fn visit_str<E: serde::de::Error>(self, v: &str) -> Result<MetricsPort, E> {
                let t = v.trim();
                if t.is_empty() {
                    return Ok(MetricsPort::Disabled);
                }
                t.parse()
                    .map(MetricsPort::Port)
                    .map_err(|_| E::custom(format!("`{v}` is not a port")))
            }
        }
        d.deserialize_any(V)
    }
}

impl JsonSchema for MetricsPort {
    fn schema_name() -> std::borrow::Cow<'static, str> {
        "MetricsPort".into()
    }
    fn json_schema(_: &mut schemars::SchemaGenerator) -> schemars::Schema {
        json_schema!({
            "description": "A port number, or an empty string to disable metrics.",
            "anyOf": [{"type": "integer", "minimum": 1, "maximum": 65535}, {"type": "string", "enum": [""]}]
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn metrics_port_reads_numbers_and_empty() {
        let read =
            |t: &str| crate::document::parse_one::<FactoryConfig>(t.as_bytes()).map(|f| f.metrics_port);
        assert_eq!(
            read("metricsPort: 12345").unwrap(),
            Some(MetricsPort::Port(12345))
        );
        assert_eq!(read("metricsPort: ''").unwrap(), Some(MetricsPort::Disabled));
        assert_eq!(
            read(r#"{"metricsPort": "9094"}"#).unwrap(),
            Some(MetricsPort::Port(9094))
        );
        let e = read("metricsPort: many").unwrap_err();
        assert_eq!(e.iter().next().unwrap().path, "metricsPort");
        assert!(read("metricsPort: 99999999999").is_err());
    }
}

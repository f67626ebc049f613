//! `BasicKubernetesManifestCustomizer`: the runtime options a worker's `runtimeCustomizerConfig`
//! and a component's `customRuntimeOptions` give, and how the two merge (the component wins).

use std::collections::BTreeMap;

use k8s_openapi::api::core::v1::Toleration;
use k8s_openapi::apimachinery::pkg::api::resource::Quantity;
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};
use serde_json::Value;

use crate::diag::{Diagnostic, Diagnostics, join};
use crate::pulsar::{Extra, warn_unknown};

/// The customizer class Pulsar ships; the only one mesh can run.
pub const BASIC_CUSTOMIZER: &str =
    "org.apache.pulsar.functions.runtime.kubernetes.BasicKubernetesManifestCustomizer";

/// `limits` and `requests` of the options' `resourceRequirements` (only `cpu` and `memory` apply).
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct ResourceOverrides {
    /// Limits by resource name.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub limits: Option<BTreeMap<String, Quantity>>,
    /// Requests by resource name.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub requests: Option<BTreeMap<String, Quantity>>,
    /// Keys not known; kept, and reported as warnings.
    #[serde(flatten, skip_serializing_if = "Extra::is_empty")]
    pub unknown: Extra,
}

/// The customizer's `RuntimeOpts`.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct RuntimeOpts {
    /// Kubernetes namespace of the objects.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub job_namespace: Option<String>,
    /// Base of the object names (then hashed).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub job_name: Option<String>,
    /// Labels on the StatefulSet, its pods and the Service (never in selectors).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub extra_labels: Option<BTreeMap<String, String>>,
    /// Annotations on the StatefulSet, its pods and the Service.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub extra_annotations: Option<BTreeMap<String, String>>,
    /// The pods' node selector.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub node_selector_labels: Option<BTreeMap<String, String>>,
    /// Tolerations added after the three built-in ones.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub tolerations: Option<Vec<Toleration>>,
    /// Overrides of the computed `cpu` and `memory` limits and requests.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub resource_requirements: Option<ResourceOverrides>,
    /// Keys the customizer does not know; kept, and reported as warnings.
    #[serde(flatten, skip_serializing_if = "Extra::is_empty")]
    pub unknown: Extra,
}

fn non_empty(s: Option<&String>) -> Option<&String> {
    s.filter(|s| !s.is_empty())
}

fn union(
    a: Option<&BTreeMap<String, String>>,
    b: Option<&BTreeMap<String, String>>,
) -> Option<BTreeMap<String, String>> {
    if a.is_none() && b.is_none() {
        return None;
    }
    Some(
        a.into_iter()
            .chain(b)
            .flatten()
            .map(|(k, v)| (k.clone(), v.clone()))
            .collect(),
    )
}

fn quantities(
    a: Option<&BTreeMap<String, Quantity>>,
    b: Option<&BTreeMap<String, Quantity>>,
) -> Option<BTreeMap<String, Quantity>> {
    let mut out = a.cloned();
    for key in ["cpu", "memory"] {
        if let Some(q) = b.and_then(|b| b.get(key)) {
            out.get_or_insert_with(BTreeMap::new)
                .insert(key.to_owned(), q.clone());
        }
    }
    out
}

impl RuntimeOpts {
    /// Reads the worker's `runtimeCustomizerConfig`; problems are errors under `path`.
    pub fn from_worker(config: &BTreeMap<String, Value>, path: &str) -> Result<RuntimeOpts, Diagnostics> {
        let value = Value::Object(config.iter().map(|(k, v)| (k.clone(), v.clone())).collect());
        // The fast read; the slow one only to say where every problem is.
        if let Ok(o) = RuntimeOpts::deserialize(&value) {
            return Ok(o);
        }
        crate::document::from_value(value).map_err(|e| e.into_iter().map(|d| under(path, d)).collect())
    }

    /// Reads a component's `customRuntimeOptions` string: blank means none; anything else must be
    /// a JSON object of this shape (Pulsar: `… cannot be admitted:- …`), reported under `path`.
    pub fn from_component(text: Option<&str>, path: &str) -> Result<RuntimeOpts, Diagnostics> {
        let Some(text) = text.map(str::trim).filter(|t| !t.is_empty()) else {
            return Ok(RuntimeOpts::default());
        };
        if let Ok(o) = serde_json::from_str::<RuntimeOpts>(text) {
            return Ok(o);
        }
        let value: Value = serde_json::from_str(text).map_err(|e| {
            Diagnostics::from_iter([Diagnostic::error(
                path,
                format!("runtime options are not a JSON object the manifest customizer can read: {e}"),
            )])
        })?;
        if !value.is_object() {
            return Err(Diagnostics::from_iter([Diagnostic::error(
                path,
                "runtime options must be a JSON object",
            )]));
        }
        crate::document::from_value(value).map_err(|e| e.into_iter().map(|d| under(path, d)).collect())
    }

    /// Pulsar's `mergeRuntimeOpts(worker, component)`: names from the component when it gives
    /// them; maps united, the component's value winning; tolerations the worker's then the
    /// component's; `cpu` and `memory` limits and requests replaced one by one. Neither input
    /// changes (Pulsar wrote the component's resources into the worker's object).
    pub fn merge(worker: &RuntimeOpts, component: &RuntimeOpts) -> RuntimeOpts {
        let resources = match (&worker.resource_requirements, &component.resource_requirements) {
            (None, None) => None,
            (w, c) => Some(ResourceOverrides {
                limits: quantities(
                    w.as_ref().and_then(|w| w.limits.as_ref()),
                    c.as_ref().and_then(|c| c.limits.as_ref()),
                ),
                requests: quantities(
                    w.as_ref().and_then(|w| w.requests.as_ref()),
                    c.as_ref().and_then(|c| c.requests.as_ref()),
                ),
                unknown: Extra::default(),
            }),
        };
        RuntimeOpts {
            job_namespace: non_empty(component.job_namespace.as_ref())
                .or(non_empty(worker.job_namespace.as_ref()))
                .cloned(),
            job_name: non_empty(component.job_name.as_ref())
                .or(non_empty(worker.job_name.as_ref()))
                .cloned(),
            extra_labels: union(worker.extra_labels.as_ref(), component.extra_labels.as_ref()),
            extra_annotations: union(
                worker.extra_annotations.as_ref(),
                component.extra_annotations.as_ref(),
            ),
            node_selector_labels: union(
                worker.node_selector_labels.as_ref(),
                component.node_selector_labels.as_ref(),
            ),
            tolerations: match (&worker.tolerations, &component.tolerations) {
                (None, None) => None,
                (w, c) => Some(w.iter().chain(c.iter()).flatten().cloned().collect()),
            },
            resource_requirements: resources,
            unknown: Extra::default(),
        }
    }

    /// Warnings for keys the customizer ignores, under `path`.
    pub(crate) fn unknown_fields(&self, path: &str, out: &mut Diagnostics) {
        warn_unknown(&self.unknown, path, out);
        if let Some(r) = &self.resource_requirements {
            warn_unknown(&r.unknown, &join(path, "resourceRequirements"), out);
            for (side, map) in [("limits", &r.limits), ("requests", &r.requests)] {
                for key in map.iter().flat_map(BTreeMap::keys) {
                    if key != "cpu" && key != "memory" {
                        out.warning(
                            join(&join(&join(path, "resourceRequirements"), side), key),
                            "ignored: only cpu and memory are applied",
                        );
                    }
                }
            }
        }
    }
}

fn under(path: &str, mut d: Diagnostic) -> Diagnostic {
    d.path = join(path, &d.path);
    d
}

#[cfg(test)]
mod tests {
    use super::*;

    /// KubernetesRuntimeTest.createRuntimeCustomizerConfig, as JSON.
    pub(crate) const CUSTOMIZER_CONFIG: &str = r#"{"jobNamespace":"custom-ns","jobName":"custom-name",
        "extraAnnotations":{"annotation":"test"},"extraLabels":{"label":"test"},
        "nodeSelectorLabels":{"selector":"test"},
        "tolerations":[{"key":"test","value":"test","effect":"test"}],
        "resourceRequirements":{"requests":{"cpu":"1","memory":"4G"},"limits":{"cpu":"2","memory":"8G"}}}"#;

    fn worker_opts() -> RuntimeOpts {
        let map: BTreeMap<String, Value> = serde_json::from_str(CUSTOMIZER_CONFIG).unwrap();
        RuntimeOpts::from_worker(&map, "runtimeCustomizerConfig").unwrap()
    }

    // BasicKubernetesManifestCustomizerTest.TestInitializeWithNullData
    #[test]
    fn test_initialize_with_null_data() {
        let o = RuntimeOpts::from_worker(&BTreeMap::new(), "runtimeCustomizerConfig").unwrap();
        assert_eq!(o, RuntimeOpts::default());
        assert_eq!(
            RuntimeOpts::from_component(Some("  "), "customRuntimeOptions").unwrap(),
            o
        );
    }

    // BasicKubernetesManifestCustomizerTest.TestInitializeWithData
    #[test]
    fn test_initialize_with_data() {
        let map = BTreeMap::from([
            ("jobNamespace".to_owned(), Value::from("custom-ns")),
            ("jobName".to_owned(), Value::from("custom-name")),
        ]);
        let o = RuntimeOpts::from_worker(&map, "runtimeCustomizerConfig").unwrap();
        assert_eq!(o.job_name.as_deref(), Some("custom-name"));
        assert_eq!(o.job_namespace.as_deref(), Some("custom-ns"));
    }

    // BasicKubernetesManifestCustomizerTest.TestMergeRuntimeOpts
    #[test]
    fn test_merge_runtime_opts() {
        let component = RuntimeOpts::from_component(
            Some(r#"{"jobName":"merged-name",
                "tolerations":[{"key":"merge-key","effect":"NoSchedule","operator":"Equal","tolerationSeconds":6000}],
                "resourceRequirements":{"limits":{"cpu":"20","memory":"10240"}},
                "nodeSelectorLabels":{"disktype":"ssd"},"extraAnnotations":{"functiontype":"sink"},
                "extraLabels":{"functiontype":"sink"}}"#),
            "customRuntimeOptions",
        )
        .unwrap();
        let merged = RuntimeOpts::merge(&worker_opts(), &component);
        assert_eq!(merged.job_name.as_deref(), Some("merged-name"));
        assert_eq!(merged.job_namespace.as_deref(), Some("custom-ns"));
        assert_eq!(merged.tolerations.as_ref().map(Vec::len), Some(2));
        assert_eq!(merged.extra_annotations.as_ref().map(BTreeMap::len), Some(2));
        assert_eq!(merged.extra_labels.as_ref().map(BTreeMap::len), Some(2));
        assert_eq!(merged.node_selector_labels.as_ref().map(BTreeMap::len), Some(2));
        let r = merged.resource_requirements.unwrap();
        let limits = r.limits.unwrap();
        assert_eq!(limits["cpu"], Quantity("20".into()));
        assert_eq!(limits["memory"], Quantity("10240".into()));
        assert_eq!(r.requests.unwrap()["memory"], Quantity("4G".into()));
    }

    // BasicKubernetesManifestCustomizerTest.testMergeRuntimeOptsDoesNotModifyArguments, and
    // Pulsar's leak of one component's resources into the worker default.
    #[test]
    fn test_merge_runtime_opts_does_not_modify_arguments() {
        let worker = worker_opts();
        let before = worker.clone();
        let component = RuntimeOpts::from_component(
            Some(r#"{"jobNamespace":"namespace2","resourceRequirements":{"limits":{"cpu":"9"}}}"#),
            "customRuntimeOptions",
        )
        .unwrap();
        let component_before = component.clone();
        let _ = RuntimeOpts::merge(&worker, &component);
        assert_eq!(worker, before);
        assert_eq!(component, component_before);
        let next = RuntimeOpts::merge(&worker, &RuntimeOpts::default());
        assert_eq!(
            next.resource_requirements.unwrap().limits.unwrap()["cpu"],
            Quantity("2".into())
        );
    }

    #[test]
    fn bad_options_name_the_field() {
        let e =
            RuntimeOpts::from_component(Some("custom-service-account"), "customRuntimeOptions").unwrap_err();
        assert_eq!(e.iter().next().unwrap().path, "customRuntimeOptions");
        let e = RuntimeOpts::from_component(
            Some(r#"{"extraLabels":["a"],"tolerations":{}}"#),
            "customRuntimeOptions",
        )
        .unwrap_err();
        let paths: Vec<_> = e.iter().map(|d| d.path.as_str()).collect();
        assert_eq!(
            paths,
            [
                "customRuntimeOptions.extraLabels",
                "customRuntimeOptions.tolerations"
            ]
        );
    }

    #[test]
    fn ignored_keys_are_warned() {
        let map: BTreeMap<String, Value> = serde_json::from_str(
            r#"{"extractLabels":{"a":"b"},"resourceRequirements":{"limits":{"nvidia.com/gpu":"1"}}}"#,
        )
        .unwrap();
        let o = RuntimeOpts::from_worker(&map, "runtimeCustomizerConfig").unwrap();
        let mut d = Diagnostics::new();
        o.unknown_fields("runtimeCustomizerConfig", &mut d);
        let paths: Vec<_> = d.iter().map(|d| d.path.as_str()).collect();
        assert_eq!(
            paths,
            [
                "runtimeCustomizerConfig.extractLabels",
                "runtimeCustomizerConfig.resourceRequirements.limits.nvidia.com/gpu"
            ]
        );
    }
}

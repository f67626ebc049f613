//! The CR's `metadata`: labels (the worker's, the kind's, the reserved claims), annotations,
//! owner reference.

use std::collections::BTreeMap;

use k8s_openapi::apimachinery::pkg::apis::meta::v1::{ObjectMeta, OwnerReference};

use super::Context;
use super::identity::{Identity, reserved_pairs};
use super::{CRO, CUSTOM};
use crate::Kind;
use crate::diag::{Diagnostics, join};
use crate::text::non_empty;
use crate::validate::k8s::{label_key_problem, label_value_problem};
use crate::worker::{CustomConfig, CustomRuntimeOptions};

/// The annotation that stops the operator from reconciling a CR.
pub const MANAGED_ANNOTATION: &str = "compute.functionmesh.io/managed";

/// Label keys the operator uses in its pod selectors; pod labels must not override them.
pub const OPERATOR_SELECTOR_KEYS: [&str; 10] = [
    "app",
    "component",
    "name",
    "namespace",
    "compute.functionmesh.io/app",
    "compute.functionmesh.io/component",
    "compute.functionmesh.io/name",
    "compute.functionmesh.io/namespace",
    "app.kubernetes.io/name",
    "app.kubernetes.io/instance",
];

/// Labels of metadata and pod: factory `customLabels`, custom `labels`, the kind's labels, then
/// the eight reserved claims, which always win. Keys the operator's pod selectors use are refused.
pub(crate) fn labels(
    id: Identity<'_>,
    cluster: &str,
    ctx: &Context<'_>,
    custom: &CustomConfig,
    d: &mut Diagnostics,
) -> BTreeMap<String, String> {
    let kind_field = match id.kind {
        Kind::Function => "functionLabels",
        Kind::Source => "sourceLabels",
        Kind::Sink => "sinkLabels",
    };
    let kind_labels = match id.kind {
        Kind::Function => &custom.function_labels,
        Kind::Source => &custom.source_labels,
        Kind::Sink => &custom.sink_labels,
    };
    let factory = ctx
        .worker
        .function_runtime_factory_configs
        .as_ref()
        .and_then(|f| f.custom_labels.as_ref());
    let sources = [
        ("functionRuntimeFactoryConfigs", "customLabels", factory),
        (CUSTOM, "labels", custom.labels.as_ref()),
        (CUSTOM, kind_field, kind_labels.as_ref()),
    ];
    let reserved = reserved_pairs(id, cluster);
    let mut labels = BTreeMap::new();
    for (section, field, map) in sources {
        for (k, v) in map.into_iter().flatten() {
            // Paths are built only for what is reported.
            let path = || join(&join(section, field), k);
            if OPERATOR_SELECTOR_KEYS.contains(&k.as_str()) {
                d.error(
                    path(),
                    format!("label `{k}` is a key of the operator's pod selector and cannot be set"),
                );
                continue;
            }
            if reserved.iter().any(|(r, _)| r == k) {
                d.warning(
                    path(),
                    format!("label `{k}` is reserved for the component's identity; the reserved value wins"),
                );
                continue;
            }
            if let Some(p) = label_key_problem(k) {
                d.error(path(), format!("invalid label key `{k}`: {p}"));
            }
            if let Some(p) = label_value_problem(v) {
                d.error(path(), format!("invalid label value `{v}`: {p}"));
            }
            labels.insert(k.clone(), v.clone());
        }
    }
    for (field, value, what) in [
        ("clusterName", cluster, "cluster"),
        ("tenant", id.tenant, "tenant"),
        ("namespace", id.namespace, "namespace"),
        ("name", id.name, "name"),
    ] {
        if let Some(p) = label_value_problem(value) {
            d.error(
                field,
                format!("the {what} `{value}` cannot be used as a label value: it {p}"),
            );
        }
    }
    for (k, v) in reserved {
        labels.insert(k.to_owned(), v.to_owned());
    }
    labels
}

/// `metadata`: name, namespace, labels, the `managed` annotation (trusted mode), owner reference.
pub(crate) fn metadata(
    object_name: String,
    namespace: String,
    labels: &BTreeMap<String, String>,
    custom: &CustomConfig,
    cro: &CustomRuntimeOptions,
    d: &mut Diagnostics,
) -> ObjectMeta {
    let mut annotations = BTreeMap::new();
    if custom.trusted_mode() && !cro.managed() {
        annotations.insert(MANAGED_ANNOTATION.to_owned(), "false".to_owned());
    } else if !custom.trusted_mode() && cro.managed == Some(false) {
        d.warning(
            join(CRO, "managed"),
            "ignored: `managed` is honoured only in trusted mode (enableTrustedMode)",
        );
    }
    let owner = custom.owner_reference.as_ref().and_then(|o| {
        let mut missing = Vec::new();
        for (key, v) in [
            ("apiVersion", &o.api_version),
            ("kind", &o.kind),
            ("name", &o.name),
            ("uid", &o.uid),
        ] {
            if non_empty(v.as_ref()).is_none() {
                missing.push(key);
            }
        }
        if !missing.is_empty() {
            d.error(
                join(CUSTOM, "ownerReference"),
                format!("owner reference is missing {}", missing.join(", ")),
            );
            return None;
        }
        Some(vec![OwnerReference {
            api_version: o.api_version.clone().unwrap_or_default(),
            kind: o.kind.clone().unwrap_or_default(),
            name: o.name.clone().unwrap_or_default(),
            uid: o.uid.clone().unwrap_or_default(),
            ..OwnerReference::default()
        }])
    });
    ObjectMeta {
        name: Some(object_name),
        namespace: Some(namespace),
        labels: Some(labels.clone()),
        annotations: (!annotations.is_empty()).then_some(annotations),
        owner_references: owner,
        ..ObjectMeta::default()
    }
}

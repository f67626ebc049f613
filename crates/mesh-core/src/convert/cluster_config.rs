//! The Pulsar cluster ConfigMap: the one a resource's `spec.pulsar.pulsarConfig` names
//! (`<cluster>-function-mesh-config`, [`super::naming::pulsar_config_map`]), whose keys the operator
//! gives every pod as environment variables: `brokerServiceURL` (the instance's
//! `--pulsar_serviceurl`) and `webServiceURL` (`pulsar-admin --admin-url` of the package download
//! and of the instance). The Java worker service leaves it to the user; mesh builds it from the
//! worker config's URLs as the pods use them: the runtime factory's `pulsarServiceUrl` /
//! `pulsarAdminUrl`, else the worker's `pulsarServiceUrl` / `pulsarWebServiceUrl`. With TLS the
//! same keys hold the `pulsar+ssl://` and `https://` URLs: the operator reads no other.

use std::collections::BTreeMap;

use k8s_openapi::api::core::v1::ConfigMap;
use k8s_openapi::apimachinery::pkg::apis::meta::v1::ObjectMeta;

#[cfg(test)]
use super::naming;
use crate::diag::Diagnostics;
use crate::identity::Claim;
use crate::text::non_empty;
use crate::worker::WorkerConfig;

/// The label that marks a ConfigMap mesh made: mesh updates those, and never one without it.
pub const MANAGED_BY: (&str, &str) = ("app.kubernetes.io/managed-by", "mesh");

/// The ConfigMap key of the broker's service URL.
pub const BROKER_SERVICE_URL: &str = "brokerServiceURL";
/// The ConfigMap key of the broker's web service (admin) URL.
pub const WEB_SERVICE_URL: &str = "webServiceURL";

/// The two URLs of a cluster ConfigMap, as read from a worker config.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ClusterUrls {
    /// `brokerServiceURL`.
    pub broker_service_url: String,
    /// `webServiceURL`.
    pub web_service_url: String,
}

impl ClusterUrls {
    /// The URLs of `worker`, with warnings; the errors name the worker config's keys.
    pub fn of(worker: &WorkerConfig) -> Result<(Self, Diagnostics), Diagnostics> {
        let factory = worker.function_runtime_factory_configs.as_ref();
        let pick = |in_factory: Option<&String>, own: Option<&String>, factory_key: &str, key: &str| {
            match non_empty(in_factory) {
                Some(v) => Some((
                    v.trim().to_owned(),
                    format!("functionRuntimeFactoryConfigs.{factory_key}"),
                )),
                None => non_empty(own).map(|v| (v.trim().to_owned(), key.to_owned())),
            }
        };
        let mut d = Diagnostics::new();
        let broker = pick(
            factory.and_then(|f| f.pulsar_service_url.as_ref()),
            worker.pulsar_service_url.as_ref(),
            "pulsarServiceUrl",
            "pulsarServiceUrl",
        );
        let web = pick(
            factory.and_then(|f| f.pulsar_admin_url.as_ref()),
            worker.pulsar_web_service_url.as_ref(),
            "pulsarAdminUrl",
            "pulsarWebServiceUrl",
        );
        let tls = worker.tls_enabled == Some(true);
        check(
            &mut d,
            broker.as_ref(),
            (
                "pulsarServiceUrl",
                "the cluster ConfigMap needs the worker config's broker service URL (its pods' brokerServiceURL)",
            ),
            ("pulsar://", "pulsar+ssl://"),
            tls.then_some("the pods connect without TLS"),
        );
        check(
            &mut d,
            web.as_ref(),
            (
                "pulsarWebServiceUrl",
                "the cluster ConfigMap needs the worker config's broker web service URL (its pods' webServiceURL, which downloads packages)",
            ),
            ("http://", "https://"),
            tls.then_some("the pods call it without TLS"),
        );
        match (broker, web) {
            (Some((broker_service_url, _)), Some((web_service_url, _))) if !d.has_errors() => Ok((
                Self {
                    broker_service_url,
                    web_service_url,
                },
                d,
            )),
            _ => Err(d),
        }
    }

    /// The ConfigMap a resource refers to, labelled as mesh's.
    pub fn config_map(&self, at: &Reference) -> ConfigMap {
        let mut labels = BTreeMap::from([(MANAGED_BY.0.to_owned(), MANAGED_BY.1.to_owned())]);
        if let Some(cluster) = &at.cluster {
            labels.insert(Claim::Cluster.key().to_owned(), cluster.clone());
        }
        ConfigMap {
            metadata: ObjectMeta {
                name: Some(at.name.clone()),
                namespace: at.namespace.clone(),
                labels: Some(labels),
                ..ObjectMeta::default()
            },
            data: Some(BTreeMap::from([
                (BROKER_SERVICE_URL.to_owned(), self.broker_service_url.clone()),
                (WEB_SERVICE_URL.to_owned(), self.web_service_url.clone()),
            ])),
            ..ConfigMap::default()
        }
    }
}

/// Checks one URL found at a key (`found`): an error at `missing.0` saying `missing.1` when there
/// is none, an error when its scheme is neither of `schemes` (plain, TLS), and under TLS a
/// warning (`under_tls` says what follows) when it is the plain one.
fn check(
    d: &mut Diagnostics,
    found: Option<&(String, String)>,
    missing: (&str, &str),
    (plain, secure): (&str, &str),
    under_tls: Option<&str>,
) {
    let Some((url, key)) = found else {
        return d.error(missing.0, missing.1);
    };
    let article = |scheme: &str| if scheme.starts_with('h') { "an" } else { "a" };
    if !(url.starts_with(plain) || url.starts_with(secure)) {
        d.error(
            key,
            format!("{url} is not {} {plain} or {secure} URL", article(plain)),
        );
    } else if let Some(consequence) = under_tls
        && url.starts_with(plain)
    {
        d.warning(
            key,
            format!(
                "tlsEnabled is true but this is not {} {secure} URL: {consequence}",
                article(secure)
            ),
        );
    }
}

/// A cluster ConfigMap a resource refers to.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub struct Reference {
    /// The resource's namespace (the ConfigMap must be in it), when it names one.
    pub namespace: Option<String>,
    /// `spec.pulsar.pulsarConfig`.
    pub name: String,
    /// `spec.clusterName`, when set.
    pub cluster: Option<String>,
}

/// The cluster ConfigMaps `object` (a `Function`, `Source`, `Sink` or `FunctionMesh`, as JSON)
/// refers to, each once; none for anything else.
pub fn references(object: &serde_json::Value) -> Vec<Reference> {
    let namespace = object
        .pointer("/metadata/namespace")
        .and_then(serde_json::Value::as_str)
        .map(str::to_owned);
    let of = |spec: &serde_json::Value| {
        let name = spec.pointer("/pulsar/pulsarConfig")?.as_str()?.trim();
        (!name.is_empty()).then(|| Reference {
            namespace: namespace.clone(),
            name: name.to_owned(),
            cluster: spec
                .get("clusterName")
                .and_then(serde_json::Value::as_str)
                .map(str::to_owned),
        })
    };
    let spec = &object["spec"];
    let mut found: Vec<Reference> = match object.get("kind").and_then(serde_json::Value::as_str) {
        Some("Function" | "Source" | "Sink") => of(spec).into_iter().collect(),
        Some("FunctionMesh") => ["functions", "sources", "sinks"]
            .iter()
            .filter_map(|k| spec.get(*k)?.as_array())
            .flatten()
            .filter_map(of)
            .collect(),
        _ => Vec::new(),
    };
    found.sort();
    found.dedup();
    found
}

#[cfg(test)]
mod tests {
    use super::*;

    fn worker(yaml: &str) -> WorkerConfig {
        crate::document::parse_one(yaml.as_bytes()).unwrap_or_else(|d| panic!("{d}"))
    }

    fn messages(d: &Diagnostics) -> Vec<String> {
        d.iter().map(ToString::to_string).collect()
    }

    #[test]
    fn the_urls_are_the_pods_urls_of_the_worker_config() {
        let (urls, warnings) = ClusterUrls::of(&worker(
            "pulsarServiceUrl: pulsar://broker:6650\npulsarWebServiceUrl: http://broker:8080\n",
        ))
        .unwrap();
        assert!(warnings.is_empty());
        assert_eq!(urls.broker_service_url, "pulsar://broker:6650");
        let cr = serde_json::json!({"kind": "Function", "metadata": {"namespace": "jobs"},
            "spec": {"clusterName": "Prod_EU", "pulsar": {"pulsarConfig": naming::pulsar_config_map("Prod_EU")}}});
        let [at] = &references(&cr)[..] else {
            panic!("one reference")
        };
        let map = urls.config_map(at);
        assert_eq!(map.metadata.name.as_deref(), Some("prod-eu-function-mesh-config"));
        assert_eq!(map.metadata.namespace.as_deref(), Some("jobs"));
        let labels = map.metadata.labels.unwrap();
        assert_eq!(labels["app.kubernetes.io/managed-by"], "mesh");
        assert_eq!(labels["compute.functionmesh.io/pulsar-cluster"], "Prod_EU");
        let data = map.data.unwrap();
        assert_eq!(data["webServiceURL"], "http://broker:8080");
        assert_eq!(data["brokerServiceURL"], "pulsar://broker:6650");

        // The runtime factory's URLs are what the pods use, when it names them.
        let (urls, _) = ClusterUrls::of(&worker(
            "pulsarServiceUrl: pulsar://broker:6650\npulsarWebServiceUrl: http://broker:8080\n\
             functionRuntimeFactoryConfigs:\n  pulsarServiceUrl: pulsar+ssl://proxy:6651\n  pulsarAdminUrl: https://proxy:8443\n",
        ))
        .unwrap();
        assert_eq!(urls.broker_service_url, "pulsar+ssl://proxy:6651");
        assert_eq!(urls.web_service_url, "https://proxy:8443");
    }

    #[test]
    fn missing_or_wrong_urls_are_every_one_an_error_naming_its_key() {
        let d = ClusterUrls::of(&worker("pulsarFunctionsCluster: c\n")).unwrap_err();
        assert_eq!(
            messages(&d),
            [
                "error: pulsarServiceUrl: the cluster ConfigMap needs the worker config's broker service URL (its pods' brokerServiceURL)",
                "error: pulsarWebServiceUrl: the cluster ConfigMap needs the worker config's broker web service URL (its pods' webServiceURL, which downloads packages)",
            ]
        );
        let d = ClusterUrls::of(&worker(
            "pulsarServiceUrl: http://broker:6650\nfunctionRuntimeFactoryConfigs:\n  pulsarAdminUrl: broker:8080\n",
        ))
        .unwrap_err();
        assert_eq!(
            messages(&d),
            [
                "error: pulsarServiceUrl: http://broker:6650 is not a pulsar:// or pulsar+ssl:// URL",
                "error: functionRuntimeFactoryConfigs.pulsarAdminUrl: broker:8080 is not an http:// or https:// URL",
            ]
        );
    }

    #[test]
    fn a_mesh_refers_to_each_of_its_members_configs_once() {
        let mesh = serde_json::json!({"kind": "FunctionMesh", "metadata": {"namespace": "jobs"}, "spec": {
            "functions": [{"clusterName": "a", "pulsar": {"pulsarConfig": "a-function-mesh-config"}},
                          {"clusterName": "a", "pulsar": {"pulsarConfig": "a-function-mesh-config"}}],
            "sinks": [{"clusterName": "b", "pulsar": {"pulsarConfig": "b-function-mesh-config"}}],
            "sources": [{"pulsar": {}}]}});
        let names: Vec<String> = references(&mesh).into_iter().map(|r| r.name).collect();
        assert_eq!(names, ["a-function-mesh-config", "b-function-mesh-config"]);
        assert!(references(&serde_json::json!({"kind": "Secret"})).is_empty());
    }

    #[test]
    fn plain_urls_under_tls_are_warned_about() {
        let (_, warnings) = ClusterUrls::of(&worker(
            "tlsEnabled: true\npulsarServiceUrl: pulsar://broker:6650\npulsarWebServiceUrl: https://broker:8443\n",
        ))
        .unwrap();
        assert_eq!(
            messages(&warnings),
            [
                "warning: pulsarServiceUrl: tlsEnabled is true but this is not a pulsar+ssl:// URL: the pods connect without TLS"
            ]
        );
    }
}

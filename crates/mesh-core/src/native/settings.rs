//! The worker config as Pulsar's Kubernetes runtime reads it: `functionRuntimeFactoryConfigs`
//! with its defaults, the manifest customizer, the secrets provider and the function auth
//! provider. Settings mesh cannot honour are errors naming their key.

use std::collections::BTreeMap;

use super::customizer::{BASIC_CUSTOMIZER, RuntimeOpts};
use crate::diag::Diagnostics;
use crate::text::non_empty;
use crate::worker::{FactoryConfig, MetricsPort, WorkerConfig};

/// Pulsar's Kubernetes runtime factory.
pub const KUBERNETES_FACTORY: &str =
    "org.apache.pulsar.functions.runtime.kubernetes.KubernetesRuntimeFactory";
/// The secrets configurator that maps secrets to environment variables from Kubernetes Secrets.
pub const KUBERNETES_SECRETS: &str =
    "org.apache.pulsar.functions.secretsproviderconfigurator.KubernetesSecretsProviderConfigurator";
/// The secrets configurator that hands secrets over in clear text.
pub const DEFAULT_SECRETS: &str =
    "org.apache.pulsar.functions.secretsproviderconfigurator.DefaultSecretsProviderConfigurator";
/// The function auth provider that stores the caller's token in a Secret.
pub const TOKEN_AUTH_PROVIDER: &str = "org.apache.pulsar.functions.auth.KubernetesSecretsTokenAuthProvider";

const FACTORY: &str = "functionRuntimeFactoryConfigs";

/// How secrets reach the instance.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum SecretsProvider {
    /// Environment variables from Kubernetes Secrets (`EnvironmentBasedSecretsProvider`).
    Kubernetes,
    /// The secrets map itself (`ClearTextSecretsProvider`).
    ClearText,
}

/// Everything the runtime takes from the worker config, defaults applied.
#[derive(Clone, Debug)]
pub struct Settings<'a> {
    /// The worker config.
    pub worker: &'a WorkerConfig,
    /// Namespace of the objects (`jobNamespace`, default `default`).
    pub job_namespace: String,
    /// `jobName` of the factory.
    pub job_name: Option<String>,
    /// `pulsarDockerImageName` (default `apachepulsar/pulsar`).
    pub image: String,
    /// `functionDockerImages`.
    pub images: Option<&'a BTreeMap<String, String>>,
    /// `imagePullPolicy` (default `IfNotPresent`).
    pub image_pull_policy: String,
    /// `pulsarRootDir` (default `/pulsar`).
    pub root: String,
    /// The admin CLI, under the root.
    pub admin_cli: String,
    /// Where packages are downloaded to.
    pub download_dir: String,
    /// `extraFunctionDependenciesDir`, under the root when relative.
    pub extra_deps_dir: String,
    /// The broker service URL pods use.
    pub service_url: Option<String>,
    /// The admin URL pods use.
    pub admin_url: Option<String>,
    /// Python only.
    pub install_user_code_dependencies: bool,
    /// Python only.
    pub python_dependency_repository: Option<String>,
    /// Python only.
    pub python_extra_dependency_repository: Option<String>,
    /// `customLabels`.
    pub custom_labels: Option<&'a BTreeMap<String, String>>,
    /// `percentMemoryPadding`.
    pub percent_memory_padding: i32,
    /// `cpuOverCommitRatio`.
    pub cpu_over_commit_ratio: f64,
    /// `memoryOverCommitRatio`.
    pub memory_over_commit_ratio: f64,
    /// `grpcPort` (default 9093).
    pub grpc_port: i32,
    /// `metricsPort` (default 9094); `None` when disabled.
    pub metrics_port: Option<i32>,
    /// `narExtractionDirectory` of the factory, else of the worker.
    pub nar_extraction_dir: Option<String>,
    /// The instance class path (`functionInstanceClassPath`, default `<root>/lib/*`).
    pub instance_class_path: String,
    /// The customizer's worker-level options, when the worker runs the basic customizer.
    pub customizer: Option<RuntimeOpts>,
    /// How secrets reach the instance.
    pub secrets: SecretsProvider,
    /// Whether the worker authenticates clients (then pods get the broker client auth).
    pub authentication: bool,
}

fn under_root(root: &str, path: &str) -> String {
    if path.starts_with('/') {
        path.to_owned()
    } else {
        format!("{}/{path}", root.trim_end_matches('/'))
    }
}

impl<'a> Settings<'a> {
    /// Reads `worker`; every setting mesh cannot honour is an error.
    pub fn of(worker: &'a WorkerConfig) -> Result<(Settings<'a>, Diagnostics), Diagnostics> {
        let mut d = Diagnostics::new();
        let default = FactoryConfig::default();
        let f = worker
            .function_runtime_factory_configs
            .as_ref()
            .unwrap_or(&default);
        if let Some(class) = non_empty(worker.function_runtime_factory_class_name.as_ref())
            && class != KUBERNETES_FACTORY
        {
            d.warning(
                "functionRuntimeFactoryClassName",
                format!("`{class}` is not Pulsar's Kubernetes runtime; its functionRuntimeFactoryConfigs are read as the Kubernetes runtime's"),
            );
        }
        if non_empty(f.change_config_map.as_ref()).is_some() {
            d.error(
                format!("{FACTORY}.changeConfigMap"),
                "not supported: mesh reads the factory settings from the worker config only; put them there",
            );
        }
        if non_empty(f.k8_uri.as_ref()).is_some() || f.submitting_inside_pod.is_some() {
            d.warning(
                format!("{FACTORY}.k8Uri"),
                "ignored: mesh reaches the API server through its store (--store kube, kubeconfig)",
            );
        }
        let root = non_empty(f.pulsar_root_dir.as_ref())
            .unwrap_or("/pulsar")
            .to_owned();
        let admin_cli = format!(
            "{root}{}",
            non_empty(f.config_admin_cli.as_ref()).unwrap_or("/bin/pulsar-admin")
        );
        let download_dir = non_empty(worker.download_directory.as_ref())
            .map_or_else(|| root.clone(), |dir| under_root(&root, dir));
        let extra_deps_dir = under_root(
            &root,
            non_empty(f.extra_function_dependencies_dir.as_ref()).unwrap_or("instances/deps"),
        );
        let ratio = |key: &str, v: Option<f64>, d: &mut Diagnostics| match v {
            Some(r) if !(r.is_finite() && r > 0.0) => {
                d.error(format!("{FACTORY}.{key}"), format!("{r} is not a ratio above 0"));
                1.0
            }
            Some(r) => r,
            None => 1.0,
        };
        let cpu_over_commit_ratio = ratio("cpuOverCommitRatio", f.cpu_over_commit_ratio, &mut d);
        let memory_over_commit_ratio = ratio("memoryOverCommitRatio", f.memory_over_commit_ratio, &mut d);
        let percent_memory_padding = f.percent_memory_padding.unwrap_or(0);
        if percent_memory_padding < 0 {
            d.error(
                format!("{FACTORY}.percentMemoryPadding"),
                format!("{percent_memory_padding} is below 0"),
            );
        }
        let port = |key: &str, p: i32, d: &mut Diagnostics| {
            if !(1..=65535).contains(&p) {
                d.error(
                    format!("{FACTORY}.{key}"),
                    format!("{p} is not a port (1 to 65535)"),
                );
            }
            p
        };
        let grpc_port = port("grpcPort", f.grpc_port.unwrap_or(9093), &mut d);
        let metrics_port = match f.metrics_port {
            None => Some(9094),
            Some(MetricsPort::Port(p)) => Some(port("metricsPort", p, &mut d)),
            Some(MetricsPort::Disabled) => None,
        };
        if metrics_port == Some(grpc_port) {
            d.error(
                format!("{FACTORY}.metricsPort"),
                format!("{grpc_port} is the grpcPort too"),
            );
        }
        let customizer = match non_empty(worker.runtime_customizer_class_name.as_ref()) {
            None => None,
            Some(BASIC_CUSTOMIZER) => {
                let config = worker.runtime_customizer_config.clone().unwrap_or_default();
                match RuntimeOpts::from_worker(&config, "runtimeCustomizerConfig") {
                    Ok(o) => {
                        o.unknown_fields("runtimeCustomizerConfig", &mut d);
                        Some(o)
                    }
                    Err(e) => {
                        d.extend(e);
                        None
                    }
                }
            }
            Some(other) => {
                d.error(
                    "runtimeCustomizerClassName",
                    format!("`{other}` cannot run in mesh: only {BASIC_CUSTOMIZER} is supported"),
                );
                None
            }
        };
        let secrets = match non_empty(worker.secrets_provider_configurator_class_name.as_ref()) {
            None | Some(KUBERNETES_SECRETS) => SecretsProvider::Kubernetes,
            Some(DEFAULT_SECRETS) => SecretsProvider::ClearText,
            Some(other) => {
                d.error(
                    "secretsProviderConfiguratorClassName",
                    format!("`{other}` cannot run in mesh: use {KUBERNETES_SECRETS} or {DEFAULT_SECRETS}"),
                );
                SecretsProvider::Kubernetes
            }
        };
        let authentication = worker.authentication_enabled == Some(true);
        if authentication
            && let Some(other) = non_empty(worker.function_auth_provider_class_name.as_ref())
            && other != TOKEN_AUTH_PROVIDER
        {
            d.error(
                "functionAuthProviderClassName",
                format!("`{other}` cannot run in mesh: only {TOKEN_AUTH_PROVIDER} is supported"),
            );
        }
        let service_url = non_empty(f.pulsar_service_url.as_ref())
            .or(non_empty(worker.pulsar_service_url.as_ref()))
            .map(str::to_owned);
        let admin_url = non_empty(f.pulsar_admin_url.as_ref())
            .or(non_empty(worker.pulsar_web_service_url.as_ref()))
            .map(str::to_owned);
        if service_url.is_none() {
            d.error(
                "pulsarServiceUrl",
                "the broker URL the instances connect to is needed (pulsarServiceUrl, or functionRuntimeFactoryConfigs.pulsarServiceUrl)",
            );
        }
        if admin_url.is_none() {
            d.error(
                "pulsarWebServiceUrl",
                "the admin URL the pods download their package from is needed (pulsarWebServiceUrl, or functionRuntimeFactoryConfigs.pulsarAdminUrl)",
            );
        }
        if d.has_errors() {
            return Err(d);
        }
        let settings = Settings {
            worker,
            job_namespace: non_empty(f.job_namespace.as_ref())
                .unwrap_or("default")
                .to_owned(),
            job_name: non_empty(f.job_name.as_ref()).map(str::to_owned),
            image: non_empty(f.pulsar_docker_image_name.as_ref())
                .unwrap_or("apachepulsar/pulsar")
                .to_owned(),
            images: worker
                .function_runtime_factory_configs
                .as_ref()
                .and_then(|f| f.function_docker_images.as_ref()),
            image_pull_policy: non_empty(f.image_pull_policy.as_ref())
                .unwrap_or("IfNotPresent")
                .to_owned(),
            instance_class_path: non_empty(f.function_instance_class_path.as_ref())
                .map_or_else(|| format!("{root}/lib/*"), str::to_owned),
            admin_cli,
            download_dir,
            extra_deps_dir,
            root,
            service_url,
            admin_url,
            install_user_code_dependencies: f.install_user_code_dependencies == Some(true),
            python_dependency_repository: non_empty(f.python_dependency_repository.as_ref())
                .map(str::to_owned),
            python_extra_dependency_repository: non_empty(f.python_extra_dependency_repository.as_ref())
                .map(str::to_owned),
            custom_labels: worker
                .function_runtime_factory_configs
                .as_ref()
                .and_then(|f| f.custom_labels.as_ref()),
            percent_memory_padding,
            cpu_over_commit_ratio,
            memory_over_commit_ratio,
            grpc_port,
            metrics_port,
            nar_extraction_dir: non_empty(f.nar_extraction_directory.as_ref())
                .or(non_empty(worker.nar_extraction_directory.as_ref()))
                .map(str::to_owned),
            customizer,
            secrets,
            authentication,
        };
        Ok((settings, d))
    }

    /// The image of `runtime` (`JAVA`, `PYTHON`, `GO`): from `functionDockerImages` when given,
    /// else `pulsarDockerImageName`. Pulsar leaves the image empty when the map lacks the
    /// runtime; mesh falls back to `pulsarDockerImageName` and says so.
    pub fn image_for(&self, runtime: &str, d: &mut Diagnostics) -> String {
        let Some(m) = self.images else {
            return self.image.clone();
        };
        if let Some(i) = m.get(runtime).filter(|i| !i.is_empty()) {
            return i.clone();
        }
        d.warning(
            format!("{FACTORY}.functionDockerImages"),
            format!(
                "has no {runtime} image: using pulsarDockerImageName `{}`",
                self.image
            ),
        );
        self.image.clone()
    }
}

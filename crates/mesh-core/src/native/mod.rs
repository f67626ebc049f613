//! Pulsar config -> the objects of Pulsar's own Kubernetes runtime: a headless `Service`, a
//! `StatefulSet` and, for an authenticated caller, the `Secret` with its token, exactly as
//! `KubernetesRuntime` and its `BasicKubernetesManifestCustomizer` make them (bugs fixed, see
//! `docs/compatibility.md`), and back ([`reverse`]).
//!
//! ```
//! use mesh_core::convert::{Component, Context};
//! use mesh_core::worker::WorkerConfig;
//!
//! let worker: WorkerConfig = mesh_core::document::parse_one(br#"{
//!     "pulsarFunctionsCluster": "standalone", "pulsarServiceUrl": "pulsar://broker:6650",
//!     "pulsarWebServiceUrl": "http://broker:8080"}"#).unwrap();
//! let config: mesh_core::pulsar::FunctionConfig = mesh_core::document::parse_one(br#"{
//!     "tenant": "tenant", "namespace": "namespace", "name": "container", "className": "org.example.Add",
//!     "jar": "function://tenant/namespace/container@1", "inputs": ["in"]}"#).unwrap();
//! let native = mesh_core::native::convert(Component::from(config), &Context::new(&worker)).unwrap();
//! assert_eq!(native.stateful_set.metadata.name.as_deref(), Some("pf-tenant-namespace-container"));
//! assert_eq!(native.service.spec.unwrap().cluster_ip.as_deref(), Some("None"));
//! ```

mod build;
mod command;
pub mod customizer;
pub mod details;
mod manifest;
pub mod naming;
pub mod reverse;
pub mod settings;
#[cfg(test)]
mod upstream_tests;

pub use build::{Package, sanitize_file_name};
pub use command::{ClientAuth, function_id, quote};
pub use manifest::{AUTH_MOUNT, CONTAINER, cpu_quantity};

use std::collections::BTreeMap;

use k8s_openapi::ByteString;
use k8s_openapi::api::apps::v1::StatefulSet;
use k8s_openapi::api::core::v1::{Secret, Service};
use k8s_openapi::apimachinery::pkg::apis::meta::v1::ObjectMeta;

use crate::convert::{Component, Context, TOKEN_PLUGIN};
use crate::diag::Diagnostics;
use crate::pipeline::Object;
use crate::pulsar::UnknownFields;
use crate::text::non_empty;
use crate::validate;
use customizer::RuntimeOpts;
use settings::{Settings, TOKEN_AUTH_PROVIDER};

/// The objects of one component.
#[derive(Clone, Debug, PartialEq)]
pub struct Native {
    /// The headless Service (created first).
    pub service: Service,
    /// The StatefulSet.
    pub stateful_set: StatefulSet,
    /// The Secret with the caller's token, mounted at [`AUTH_MOUNT`].
    pub secret: Option<Secret>,
    /// What was ignored or changed.
    pub warnings: Diagnostics,
}

impl Native {
    /// The objects in the order they are applied: Secret, Service, StatefulSet.
    pub fn into_objects(self) -> Vec<Object> {
        let mut out = Vec::with_capacity(3);
        if let Some(s) = self.secret {
            out.push(Object::from(s));
        }
        out.push(Object::Service(Box::new(self.service)));
        out.push(Object::StatefulSet(Box::new(self.stateful_set)));
        out
    }
}

/// Pulsar's admission checks on resources (`KubernetesRuntimeFactory.doAdmissionChecks`), its messages.
fn admit_resources(worker: &crate::worker::WorkerConfig, r: &details::Resources, d: &mut Diagnostics) {
    let java = |x: f64| {
        if x.fract() == 0.0 && x.abs() < 1e7 {
            format!("{x:.1}")
        } else {
            x.to_string()
        }
    };
    if let Some(min) = &worker.function_instance_min_resources {
        if let Some(m) = min.cpu.filter(|m| r.cpu < *m) {
            d.error(
                "resources.cpu",
                format!(
                    "Per instance CPU requested, {}, for function is less than the minimum required, {}",
                    java(r.cpu),
                    java(m)
                ),
            );
        }
        if let Some(m) = min.ram.filter(|m| r.ram < *m) {
            d.error(
                "resources.ram",
                format!(
                    "Per instance RAM requested, {}, for function is less than the minimum required, {m}",
                    r.ram
                ),
            );
        }
    }
    if let Some(max) = &worker.function_instance_max_resources {
        if let Some(m) = max.cpu.filter(|m| r.cpu > *m) {
            d.error(
                "resources.cpu",
                format!(
                    "Per instance CPU requested, {}, for function is greater than the maximum required, {}",
                    java(r.cpu),
                    java(m)
                ),
            );
        }
        if let Some(m) = max.ram.filter(|m| r.ram > *m) {
            d.error(
                "resources.ram",
                format!(
                    "Per instance RAM requested, {}, for function is greater than the maximum required, {m}",
                    r.ram
                ),
            );
        }
    }
    if let Some(g) = &worker.function_instance_resource_granularities {
        #[allow(clippy::cast_possible_truncation)]
        let milli = |x: f64| (x * 1000.0).round() as i64;
        let cpu_multiple = g.cpu.filter(|c| *c > 0.0).map(|c| {
            let (have, unit) = (milli(r.cpu), milli(c));
            (have > 0 && unit > 0 && have % unit == 0).then(|| have / unit)
        });
        let ram_multiple = g
            .ram
            .filter(|m| *m > 0)
            .map(|m| (r.ram > 0 && r.ram % m == 0).then(|| r.ram / m));
        if worker.function_instance_resource_change_in_lock_step == Some(true)
            && let (Some(c), Some(m)) = (g.cpu.filter(|c| *c > 0.0), g.ram.filter(|m| *m > 0))
        {
            let same = matches!((cpu_multiple, ram_multiple), (Some(Some(a)), Some(Some(b))) if a == b);
            if !same {
                d.error(
                    "resources",
                    format!(
                        "Per instance cpu requested, {}, ram requested, {}, for function should be positive and the same multiple of the granularity, cpu, {}, ram, {m}",
                        java(r.cpu),
                        r.ram,
                        java(c)
                    ),
                );
            }
        } else {
            if let (Some(None), Some(c)) = (cpu_multiple, g.cpu) {
                d.error("resources.cpu", format!("Per instance cpu requested, {}, for function should be positive and a multiple of the granularity, {}", java(r.cpu), java(c)));
            }
            if let (Some(None), Some(m)) = (ram_multiple, g.ram) {
                d.error("resources.ram", format!("Per instance ram requested, {}, for function should be positive and a multiple of the granularity, {m}", r.ram));
            }
        }
    }
}

/// The name of a function's token Secret: `pf-secret-` and a hash of its identity (Pulsar
/// picks 5 random characters; mesh's objects follow from the config alone).
pub fn auth_secret_name(tenant: &str, namespace: &str, name: &str) -> String {
    let hex = sha1_smol::Sha1::from(format!("{tenant}/{namespace}/{name}"))
        .digest()
        .to_string();
    format!("pf-secret-{}", &hex[..10])
}

/// The pods' client auth and, with a caller's token, its Secret.
fn client_auth(
    s: &Settings<'_>,
    ctx: &Context<'_>,
    names: (&str, &str, &str, &str),
    labels: &BTreeMap<String, String>,
    d: &mut Diagnostics,
) -> (Option<ClientAuth>, Option<Secret>) {
    if !s.authentication {
        return (None, None);
    }
    let w = s.worker;
    let mut auth = ClientAuth {
        plugin: non_empty(w.broker_client_authentication_plugin.as_ref()).map(str::to_owned),
        params: non_empty(w.broker_client_authentication_parameters.as_ref()).map(str::to_owned),
        use_tls: s
            .service_url
            .as_deref()
            .is_some_and(|u| u.starts_with("pulsar+ssl://")),
        tls_allow_insecure: w.tls_allow_insecure_connection == Some(true),
        hostname_verification: w.tls_enable_hostname_verification == Some(true),
        trust_cert_path: non_empty(w.tls_trust_certs_file_path.as_ref()).map(str::to_owned),
    };
    let Some(caller) = ctx.auth else {
        d.warning(
            "authenticationEnabled",
            "no caller: the pods use the worker's broker client auth; mesh serve gives each function its caller's token instead",
        );
        if auth.params.as_deref().is_some_and(|p| !p.starts_with("file://")) {
            // The value itself is never repeated.
            d.warning(
                "brokerClientAuthenticationParameters",
                "written into the StatefulSet's command in clear: anyone who can read StatefulSets sees it; name a file in the image instead (file:///...)",
            );
        }
        return (Some(auth), None);
    };
    let Some(token) = caller.bearer_token.as_ref().filter(|t| !t.is_empty()) else {
        d.error(
            "authenticationEnabled",
            format!("the function would run with the caller's token ({TOKEN_AUTH_PROVIDER}), but the request carries none: authenticate with a token"),
        );
        return (Some(auth), None);
    };
    let (tenant, namespace, name, job_namespace) = names;
    let secret_name = auth_secret_name(tenant, namespace, name);
    auth.plugin = Some(TOKEN_PLUGIN.to_owned());
    auth.params = Some(format!("file://{AUTH_MOUNT}/token"));
    let secret = Secret {
        metadata: ObjectMeta {
            name: Some(secret_name),
            namespace: Some(job_namespace.to_owned()),
            labels: Some(labels.clone()),
            ..ObjectMeta::default()
        },
        data: Some(BTreeMap::from([(
            "token".to_owned(),
            ByteString(token.clone().into_bytes()),
        )])),
        type_: Some("Opaque".to_owned()),
        ..Secret::default()
    };
    (Some(auth), Some(secret))
}

/// Converts `component` into the objects of Pulsar's Kubernetes runtime, with every problem at once.
pub fn convert(component: Component, ctx: &Context<'_>) -> Result<Native, Diagnostics> {
    let mut d = Diagnostics::new();
    let settings = match Settings::of(ctx.worker) {
        Ok((s, warnings)) => {
            d.extend(warnings);
            Some(s)
        }
        Err(e) => {
            d.extend(e);
            None
        }
    };
    let Some(s) = settings else {
        // The component's own problems are still worth reporting with the worker's.
        check_only(component, ctx, &mut d);
        return Err(d);
    };
    let built = match component {
        Component::Function(c) => {
            c.unknown_fields("", &mut d);
            let c = c.into_inferred(ctx.worker.forwards_source_message_property());
            d.extend(validate::pulsar::function(&c));
            build::function(&c, ctx, &s, &mut d)
        }
        Component::Source(c) => {
            c.unknown_fields("", &mut d);
            let c = c.into_inferred();
            d.extend(validate::pulsar::source(&c));
            build::source(&c, ctx, &s, &mut d)
        }
        Component::Sink(c) => {
            c.unknown_fields("", &mut d);
            let c = c.into_inferred();
            d.extend(validate::pulsar::sink(&c));
            build::sink(&c, ctx, &s, &mut d)
        }
    };
    let details = &built.details;
    let opts = component_opts(&s, &details.custom_runtime_options, &mut d);
    let job_namespace = opts
        .job_namespace
        .clone()
        .unwrap_or_else(|| s.job_namespace.clone());
    if let Some(problem) = validate::k8s::dns_label_problem(&job_namespace) {
        d.error(
            "jobNamespace",
            format!("`{job_namespace}` is not a namespace name: {problem}"),
        );
    }
    let job = opts.job_name.as_deref().or(s.job_name.as_deref());
    let job_name = naming::job_name(&details.tenant, &details.namespace, &details.name, job);
    naming::check_job_name(&job_name, if job.is_some() { "jobName" } else { "name" }, &mut d);
    if let Some(r) = &details.resources {
        admit_resources(ctx.worker, r, &mut d);
    }
    let cluster = ctx
        .cluster
        .or(non_empty(ctx.worker.pulsar_functions_cluster.as_ref()))
        .or(ctx.cluster_fallback.filter(|c| !c.is_empty()));
    if cluster.is_none() {
        d.error("pulsarFunctionsCluster", "clusterName is not provided.");
    }
    let selector = manifest::selector_labels(
        details.component_type,
        &details.tenant,
        &details.namespace,
        &details.name,
        &s,
        &mut d,
    );
    let labels = manifest::object_labels(&selector, &opts, &mut d);
    let (auth, secret) = client_auth(
        &s,
        ctx,
        (&details.tenant, &details.namespace, &details.name, &job_namespace),
        &labels,
        &mut d,
    );
    let id = function_id(details);
    let instance = command::Instance {
        settings: &s,
        built: &built,
        auth: auth.as_ref(),
        cluster: cluster.unwrap_or_default(),
        function_id: &id,
        function_version: "0",
    };
    let command = command::command(&instance);
    let r = details.resources.clone().unwrap_or_default();
    let pod = manifest::Pod {
        runtime: details.runtime,
        command,
        resources: manifest::resources(r.cpu, r.ram, &s, &opts),
        secrets: &built.secrets,
        auth_secret: secret.as_ref().and_then(|x| x.metadata.name.clone()),
        replicas: details.parallelism,
    };
    let job = manifest::Job {
        name: &job_name,
        namespace: &job_namespace,
        selector: &selector,
        labels: &labels,
        opts: &opts,
        settings: &s,
    };
    let service = manifest::service(&job);
    let stateful_set = manifest::stateful_set(&job, pod, &mut d);
    if d.has_errors() {
        return Err(d);
    }
    Ok(Native {
        service,
        stateful_set,
        secret,
        warnings: d,
    })
}

/// The customizer's options for a component: the worker's merged with the component's, or
/// none when the worker runs no customizer (then the component's are ignored, as by Pulsar).
fn component_opts(s: &Settings<'_>, options: &str, d: &mut Diagnostics) -> RuntimeOpts {
    let Some(worker_opts) = &s.customizer else {
        if !options.trim().is_empty() {
            d.warning(
                crate::convert::CRO,
                "ignored, as Pulsar ignores it: the worker runs no manifest customizer (runtimeCustomizerClassName)",
            );
        }
        return RuntimeOpts::default();
    };
    match RuntimeOpts::from_component(Some(options), crate::convert::CRO) {
        Ok(o) => {
            o.unknown_fields(crate::convert::CRO, d);
            RuntimeOpts::merge(worker_opts, &o)
        }
        Err(e) => {
            d.extend(e);
            worker_opts.clone()
        }
    }
}

/// A component's own checks, when the worker config already failed.
fn check_only(component: Component, ctx: &Context<'_>, d: &mut Diagnostics) {
    match component {
        Component::Function(c) => d.extend(validate::pulsar::function(
            &c.into_inferred(ctx.worker.forwards_source_message_property()),
        )),
        Component::Source(c) => d.extend(validate::pulsar::source(&c.into_inferred())),
        Component::Sink(c) => d.extend(validate::pulsar::sink(&c.into_inferred())),
    }
}

/// [`convert`] as the objects a pipeline produces.
pub fn produce(component: Component, ctx: &Context<'_>) -> Result<crate::convert::Produced, Diagnostics> {
    let native = convert(component, ctx)?;
    let warnings = native.warnings.clone();
    Ok(crate::convert::Produced {
        objects: native.into_objects(),
        warnings,
    })
}

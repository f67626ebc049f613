//! Pulsar config -> Function Mesh CR, with an explicit context: the worker config, the connector
//! catalogue, the package URL and file name, the cluster and the caller's auth context.
//!
//! Each conversion runs Pulsar's inference and validation, the worker service's rules (corrected
//! where they are wrong, see `docs/compatibility.md`), and then the operator's admission rules on
//! the result. Every problem is reported at once; warnings never fail a conversion.
//!
//! ```
//! use mesh_core::convert::{self, Context};
//! use mesh_core::pulsar::FunctionConfig;
//! use mesh_core::worker::WorkerConfig;
//!
//! let worker = WorkerConfig { pulsar_functions_cluster: Some("test-pulsar".into()), ..Default::default() };
//! let config: FunctionConfig = mesh_core::document::parse_one(br#"{
//!     "name": "word-count", "className": "org.example.WordCount",
//!     "jar": "function://public/default/word-count@1.0", "inputs": ["in"], "output": "out"}"#).unwrap();
//! let done = convert::function(config, &Context::new(&worker)).unwrap();
//! assert_eq!(done.resource.metadata.name.as_deref(), Some("word-count-640ae9e6"));
//! assert_eq!(done.resource.spec.name.as_deref(), Some("word-count"));
//! ```

mod auth;
mod base;
mod bundle;
pub mod cluster_config;
mod component;
mod connector;
mod function;
mod identity;
mod metadata;
pub mod naming;
mod pod;
mod resources;
pub mod reverse;
mod runtime;
mod sink;
mod source;
mod topics;

pub use auth::{AuthContext, OAUTH2_PLUGIN, TOKEN_PLUGIN};
pub use bundle::{Bundle, BundleDiagnostics, bundle};
pub use component::{Component, Produced, PulsarComponent, UpdateRequest, produce};
pub(crate) use component::{each_kind, for_kind};
pub use function::{DEFAULT_FUNCTION_FILE, function};
pub use identity::{Identity, reserved_claims};
pub use metadata::{MANAGED_ANNOTATION, OPERATOR_SELECTOR_KEYS};
pub use pod::{CPU_RULES, MEMORY_RULES};
pub use runtime::{has_package_type_prefix, with_tag};
pub use sink::sink;
pub use source::source;

use k8s_openapi::api::core::v1::Secret;

use crate::diag::Diagnostics;
use crate::worker::{Catalogue, WorkerConfig};

/// Path of the worker service's custom config in a worker file.
pub(crate) const CUSTOM: &str = "functionsWorkerServiceCustomConfigs";

/// Path of the runtime options in a component config.
pub(crate) const CRO: &str = "customRuntimeOptions";

/// Everything a conversion depends on besides the config itself.
#[derive(Clone, Copy, Debug)]
pub struct Context<'a> {
    /// The worker's `functions_worker.yml`.
    pub worker: &'a WorkerConfig,
    /// The built-in connector catalogue, if the worker has one.
    pub catalogue: Option<&'a Catalogue>,
    /// The package URL (the `url` of a create request); else the config's package field when it is a URL.
    pub package_url: Option<&'a str>,
    /// The file name stored with the package (functions download it under this name).
    pub package_file_name: Option<&'a str>,
    /// The cluster name; overrides the worker's `pulsarFunctionsCluster`.
    pub cluster: Option<&'a str>,
    /// The cluster name used when neither the worker nor the runtime options give one (the Java
    /// worker read it from its `clusterName` environment variable).
    pub cluster_fallback: Option<&'a str>,
    /// The namespace the service runs in (the Java worker read it from its service account).
    pub pod_namespace: Option<&'a str>,
    /// Who asks; used only when the worker authenticates clients.
    pub auth: Option<&'a AuthContext>,
    /// A function's local `jar`/`py`/`go` path names the file in its runner image
    /// (`--packages-in-image`; the worker config's `packagesInImage` says the same).
    pub packages_in_image: bool,
}

impl<'a> Context<'a> {
    /// A context with only a worker config.
    pub fn new(worker: &'a WorkerConfig) -> Self {
        Self {
            worker,
            catalogue: None,
            package_url: None,
            package_file_name: None,
            cluster: None,
            cluster_fallback: None,
            pod_namespace: None,
            auth: None,
            packages_in_image: false,
        }
    }
}

/// A successful conversion.
#[derive(Clone, Debug, PartialEq)]
pub struct Converted<T> {
    /// The CR.
    pub resource: T,
    /// Secrets the CR refers to (client auth, TLS), to be created beside it.
    pub secrets: Vec<Secret>,
    /// What was ignored or dropped.
    pub warnings: Diagnostics,
}

/// A conversion's result: the CR, or every error (with the warnings) that stopped it.
pub type Outcome<T> = Result<Converted<T>, Diagnostics>;

/// Ends a conversion: with errors, all diagnostics; else the operator's admission rules run on
/// the result (as a conversion's own output), whose findings are errors too.
fn finish<T>(
    mut done: Converted<T>,
    mut d: Diagnostics,
    webhook: fn(&T, crate::validate::webhook::Origin) -> Diagnostics,
) -> Outcome<T> {
    if !d.has_errors() {
        d.extend(webhook(
            &done.resource,
            crate::validate::webhook::Origin::Converted,
        ));
    }
    if d.has_errors() {
        return Err(d);
    }
    done.warnings = d;
    Ok(done)
}

/// Where the CR of a Pulsar component lives, as far as the context tells without its config.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Location {
    /// The Kubernetes namespace of the CR.
    pub namespace: String,
    /// The cluster, when the context names one (else only the config's runtime options could).
    pub cluster: Option<String>,
    /// The CR's name, when the cluster is known.
    pub name: Option<String>,
}

/// Locates the CR of the component `id`: the namespace a conversion with `ctx` writes to, and
/// its object name when `ctx` or the worker names the cluster.
///
/// ```
/// use mesh_core::Kind;
/// use mesh_core::convert::{Context, Identity, locate};
/// use mesh_core::worker::WorkerConfig;
///
/// let worker = WorkerConfig { pulsar_functions_cluster: Some("test-pulsar".into()), ..Default::default() };
/// let at = locate(Identity { kind: Kind::Function, tenant: "public", namespace: "default", name: "word-count" },
///                 &Context::new(&worker));
/// assert_eq!((at.namespace.as_str(), at.name.as_deref()), ("default", Some("word-count-640ae9e6")));
/// ```
pub fn locate(id: Identity<'_>, ctx: &Context<'_>) -> Location {
    let cluster = ctx
        .cluster
        .or(crate::text::non_empty(
            ctx.worker.pulsar_functions_cluster.as_ref(),
        ))
        .or(ctx.cluster_fallback.filter(|c| !c.is_empty()))
        .map(str::to_owned);
    Location {
        namespace: identity::k8s_namespace(ctx),
        name: cluster
            .as_deref()
            .map(|c| naming::object_name(c, id.tenant, id.namespace, id.name)),
        cluster,
    }
}

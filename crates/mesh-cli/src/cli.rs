//! Command-line arguments.

use std::path::PathBuf;

use clap::{Args, Parser, Subcommand, ValueEnum};
use mesh_http::Limits;

/// Convert Pulsar Functions and IO connector configs into Function Mesh resources, validate them,
/// and convert back.
#[derive(Debug, Parser)]
#[command(name = "mesh", version, about, max_term_width = 100)]
pub struct Cli {
    /// What to do.
    #[command(subcommand)]
    pub command: Command,
}

/// The subcommands.
#[derive(Debug, Subcommand)]
pub enum Command {
    /// Convert Pulsar configs into Function Mesh resources (YAML or JSON on stdout).
    Convert(ConvertArgs),
    /// Check Pulsar configs (or Function Mesh resources) and print the diagnostics only.
    Validate(ConvertArgs),
    /// Convert Pulsar configs (ready Function Mesh resources are taken as they are) and apply
    /// them to a cluster or a manifests directory.
    Apply(ApplyArgs),
    /// Print one component's resource, found by its Pulsar name.
    Get(ObjectArgs),
    /// List the components of a kind, optionally of one tenant or namespace.
    List(ListArgs),
    /// Delete one component's resource, found by its Pulsar name.
    Delete(ObjectArgs),
    /// Install mesh's CRDs in the cluster and wait until they are Established.
    InstallCrds(StoreArgs),
    /// Serve mesh's HTTP API (conversion, validation, CRDs, probes) until SIGTERM or SIGINT.
    Serve(ServeArgs),
    /// Print the generated Function Mesh CRDs (Function, Source, Sink, FunctionMesh).
    Crd {
        /// Output format.
        #[arg(short = 'o', long = "output", value_enum, default_value_t = Format::Yaml)]
        output: Format,
    },
    /// Print a completion script for a shell (for example `mesh completions bash >
    /// /etc/bash_completion.d/mesh`).
    Completions {
        /// The shell.
        #[arg(value_enum)]
        shell: clap_complete::Shell,
    },
    /// Print the manual page (roff), with every subcommand's options (`mesh man | man -l -`).
    Man,
    /// Print the JSON Schema of a kind of file, for editors (`# yaml-language-server:
    /// $schema=function.schema.json` on a config's first line).
    Schema {
        /// The kind of file.
        #[arg(value_enum)]
        document: SchemaArg,
    },
}

/// A kind of file `mesh schema` describes.
#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum SchemaArg {
    /// A Pulsar `FunctionConfig`.
    Function,
    /// A Pulsar `SourceConfig`.
    Source,
    /// A Pulsar `SinkConfig`.
    Sink,
    /// A worker's `functions_worker.yml`.
    Worker,
    /// The connector catalogue (`--connectors`).
    Connectors,
}

impl From<SchemaArg> for mesh_core::schema::Document {
    fn from(d: SchemaArg) -> Self {
        match d {
            SchemaArg::Function => Self::Function,
            SchemaArg::Source => Self::Source,
            SchemaArg::Sink => Self::Sink,
            SchemaArg::Worker => Self::Worker,
            SchemaArg::Connectors => Self::Connectors,
        }
    }
}

/// Options of `convert` and `validate`.
#[derive(Debug, Args)]
pub struct ConvertArgs {
    /// The kind of the input configs; detected from their keys when omitted.
    #[arg(long, value_enum)]
    pub kind: Option<KindArg>,
    /// The direction: Pulsar config to Function Mesh resource, or back; or Pulsar config to the
    /// StatefulSet and Service of Pulsar's Kubernetes runtime.
    #[arg(long, value_enum, default_value_t = Target::Mesh)]
    pub to: Target,
    /// A `functions_worker.yml`; without it the worker service's defaults apply.
    #[arg(long, value_name = "FILE")]
    pub worker_config: Option<PathBuf>,
    /// The built-in connector catalogue (`connectors.yaml`).
    #[arg(long, value_name = "FILE")]
    pub connectors: Option<PathBuf>,
    /// The package URL (`function://`, `sink://`, `source://`); default: the config's package field when it is a URL.
    #[arg(long, value_name = "URL")]
    pub package_url: Option<String>,
    /// The file name the package is downloaded as in the pod.
    #[arg(long, value_name = "NAME")]
    pub package_file_name: Option<String>,
    /// The Pulsar cluster name (overrides the worker's `pulsarFunctionsCluster`).
    #[arg(long, value_name = "NAME")]
    pub cluster: Option<String>,
    /// Bundle every input into one FunctionMesh of this name.
    #[arg(long, value_name = "NAME")]
    pub bundle: Option<String>,
    /// A function whose `jar`, `py` or `go` is a local path and that has no package URL runs
    /// the file its runner image contains (the worker config's `packagesInImage: true` says
    /// the same); without it such a function is refused, as the worker service refuses it.
    #[arg(long)]
    pub packages_in_image: bool,
    /// Also produce the Pulsar cluster ConfigMap the resources refer to (`brokerServiceURL` and
    /// `webServiceURL`, from the worker config's URLs); `apply` creates it when missing and
    /// updates only one that mesh made.
    #[arg(long)]
    pub cluster_config: bool,
    /// Output format [default: yaml with `--to mesh`, json with `--to pulsar`].
    #[arg(short = 'o', long = "output", value_enum)]
    pub output: Option<Format>,
    /// Files, directories (every .json/.yaml/.yml below) or `-` for stdin.
    #[arg(required = true, value_name = "INPUT")]
    pub inputs: Vec<String>,
}

/// Where resources are kept.
#[derive(Debug, Args)]
pub struct StoreArgs {
    /// `kube` (the cluster of the kubeconfig) or `dir:PATH` (a manifests directory).
    #[arg(long, value_name = "STORE", default_value = "dir:mesh-store")]
    pub store: mesh_kube::StoreSpec,
    /// The kubeconfig (`--store kube`); default: `$KUBECONFIG`, `~/.kube/config` or in-cluster.
    #[arg(long, value_name = "FILE")]
    pub kubeconfig: Option<PathBuf>,
    /// The kubeconfig context.
    #[arg(long, value_name = "NAME")]
    pub context: Option<String>,
    /// The Kubernetes namespace: where resources naming none go (converted configs too, when the
    /// worker config names no `jobNamespace`), and where to look.
    #[arg(short = 'n', long = "namespace", value_name = "NAMESPACE")]
    pub namespace: Option<String>,
}

/// Options of `serve`.
#[derive(Debug, Args)]
pub struct ServeArgs {
    /// Plain HTTP address (port 0 picks a free port; the address is printed). Default
    /// 127.0.0.1:6750, or none when an HTTPS listener is configured.
    #[arg(long, value_name = "ADDR")]
    pub listen: Option<std::net::SocketAddr>,
    /// HTTPS address, beside or instead of `--listen` (default: `0.0.0.0:<workerPortTls>` when
    /// the worker config enables TLS).
    #[arg(long, value_name = "ADDR")]
    pub listen_tls: Option<std::net::SocketAddr>,
    /// HTTPS certificate chain, PEM (over `tlsCertificateFilePath`).
    #[arg(long, value_name = "FILE")]
    pub tls_cert: Option<PathBuf>,
    /// HTTPS private key, PEM: PKCS#8, RSA or EC (over `tlsKeyFilePath`).
    #[arg(long, value_name = "FILE")]
    pub tls_key: Option<PathBuf>,
    /// CAs of client certificates, PEM (over `tlsTrustCertsFilePath`): client certificates are
    /// then requested, or required with `tlsRequireTrustedClientCertOnConnect`.
    #[arg(long, value_name = "FILE")]
    pub tls_client_ca: Option<PathBuf>,
    /// A `functions_worker.yml`; without it the worker service's defaults apply.
    #[arg(long, value_name = "FILE")]
    pub worker_config: Option<PathBuf>,
    /// The built-in connector catalogue (`connectors.yaml`).
    #[arg(long, value_name = "FILE")]
    pub connectors: Option<PathBuf>,
    /// The Pulsar cluster name, when the worker config has no `pulsarFunctionsCluster`.
    #[arg(long, value_name = "NAME")]
    pub cluster: Option<String>,
    /// Largest request body in bytes.
    #[arg(long, value_name = "BYTES", default_value_t = Limits::DEFAULT.body_bytes)]
    pub max_body: usize,
    /// Requests served at once; more wait.
    #[arg(long, value_name = "N", default_value_t = Limits::DEFAULT.concurrency)]
    pub max_concurrency: usize,
    /// Seconds a client may take to send a request's headers.
    #[arg(long, value_name = "SECONDS", default_value_t = Limits::DEFAULT.header_read_timeout.as_secs())]
    pub header_timeout: u64,
    /// Seconds allowed for one request; also how long shutdown waits for requests in flight.
    #[arg(long, value_name = "SECONDS", default_value_t = Limits::DEFAULT.request_timeout.as_secs())]
    pub request_timeout: u64,
    /// Seconds a client may take to send a request's body (read before the request takes a
    /// concurrency slot, so slow senders cannot hold the slots).
    #[arg(long, value_name = "SECONDS", default_value_t = Limits::DEFAULT.body_read_timeout.as_secs())]
    pub body_timeout: u64,
    /// Seconds between SIGTERM and closing the listener, while `/readyz` already answers 503 and
    /// requests are still served: time for a Service to take the pod out of its endpoints
    /// (a second signal ends the wait). Then the requests in flight finish.
    #[arg(long, value_name = "SECONDS", default_value_t = 0)]
    pub shutdown_delay: u64,
    /// Log lines as text or JSON (filter with `MESH_LOG`, e.g. `MESH_LOG=debug`; default info).
    #[arg(long, value_enum, default_value_t = LogFormat::Text)]
    pub log_format: LogFormat,
    /// Where resources are kept.
    #[command(flatten)]
    pub store: StoreArgs,
}

/// How `mesh serve` writes its logs.
#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum LogFormat {
    /// `key=value` lines.
    Text,
    /// One JSON object per line.
    Json,
}

/// Options of `apply`.
#[derive(Debug, Args)]
pub struct ApplyArgs {
    /// Conversion options and inputs, as for `convert`.
    #[command(flatten)]
    pub convert: ConvertArgs,
    /// Where to apply.
    #[command(flatten)]
    pub store: StoreArgs,
    /// Check everything (the API server's dry run for `--store kube`), change nothing.
    #[arg(long)]
    pub dry_run: bool,
    /// Take over fields another field manager owns instead of reporting the conflict.
    #[arg(long)]
    pub force_conflicts: bool,
    /// Applies in flight at once.
    #[arg(long, value_name = "N", default_value_t = 32, value_parser = clap::value_parser!(u16).range(1..=256))]
    pub concurrency: u16,
}

/// Options of `get` and `delete`.
#[derive(Debug, Args)]
pub struct ObjectArgs {
    /// The component kind.
    #[arg(value_enum)]
    pub kind: KindArg,
    /// `tenant/namespace/name`.
    #[arg(value_name = "TENANT/NAMESPACE/NAME")]
    pub name: String,
    /// The Pulsar cluster, when several share the store.
    #[arg(long, value_name = "NAME")]
    pub cluster: Option<String>,
    /// Where to look.
    #[command(flatten)]
    pub store: StoreArgs,
    /// Output format (`get`).
    #[arg(short = 'o', long = "output", value_enum, default_value_t = Format::Yaml)]
    pub output: Format,
}

/// Options of `list`.
#[derive(Debug, Args)]
pub struct ListArgs {
    /// The component kind.
    #[arg(value_enum)]
    pub kind: KindArg,
    /// `tenant` or `tenant/namespace`; default: every component.
    #[arg(value_name = "TENANT[/NAMESPACE]")]
    pub scope: Option<String>,
    /// The Pulsar cluster.
    #[arg(long, value_name = "NAME")]
    pub cluster: Option<String>,
    /// Where to look.
    #[command(flatten)]
    pub store: StoreArgs,
    /// Output format: a table, or the resources.
    #[arg(short = 'o', long = "output", value_enum, default_value_t = ListFormat::Table)]
    pub output: ListFormat,
}

/// Output of `list`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum ListFormat {
    /// One line per component.
    Table,
    /// The resources as YAML documents.
    Yaml,
    /// The resources as a `v1` `List`.
    Json,
}

impl ConvertArgs {
    /// The output format: the one asked for, else YAML for resources and JSON for Pulsar configs.
    pub fn format(&self) -> Format {
        self.output.unwrap_or(match self.to {
            Target::Mesh | Target::Statefulset => Format::Yaml,
            Target::Pulsar => Format::Json,
        })
    }
}

/// Output format.
#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum Format {
    /// YAML documents separated by `---`.
    Yaml,
    /// JSON: one object, or a `v1` `List` for several.
    Json,
}

/// A config kind.
#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum KindArg {
    /// `FunctionConfig`.
    Function,
    /// `SourceConfig`.
    Source,
    /// `SinkConfig`.
    Sink,
}

impl From<KindArg> for mesh_core::Kind {
    fn from(k: KindArg) -> Self {
        match k {
            KindArg::Function => Self::Function,
            KindArg::Source => Self::Source,
            KindArg::Sink => Self::Sink,
        }
    }
}

/// Conversion direction.
#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum Target {
    /// Pulsar config -> Function Mesh resource.
    Mesh,
    /// Function Mesh resource (`Function`, `Source`, `Sink`, `FunctionMesh`) -> Pulsar config.
    Pulsar,
    /// Pulsar config -> the Service + StatefulSet (+ token Secret) of Pulsar's own Kubernetes
    /// runtime, no operator needed.
    Statefulset,
}

//! Command-line arguments.

use std::path::PathBuf;

use clap::{Args, Parser, Subcommand, ValueEnum};

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
    /// Print the generated Function Mesh CRDs (Function, Source, Sink, FunctionMesh).
    Crd {
        /// Output format.
        #[arg(short = 'o', long = "output", value_enum, default_value_t = Format::Yaml)]
        output: Format,
    },
}

/// Options of `convert` and `validate`.
#[derive(Debug, Args)]
pub struct ConvertArgs {
    /// The kind of the input configs; detected from their keys when omitted.
    #[arg(long, value_enum)]
    pub kind: Option<KindArg>,
    /// The direction: Pulsar config to Function Mesh resource, or back.
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
    /// Output format [default: yaml with `--to mesh`, json with `--to pulsar`].
    #[arg(short = 'o', long = "output", value_enum)]
    pub output: Option<Format>,
    /// Files, directories (every .json/.yaml/.yml below) or `-` for stdin.
    #[arg(required = true, value_name = "INPUT")]
    pub inputs: Vec<String>,
}

impl ConvertArgs {
    /// The output format: the one asked for, else YAML for resources and JSON for Pulsar configs.
    pub fn format(&self) -> Format {
        self.output.unwrap_or(match self.to {
            Target::Mesh => Format::Yaml,
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
}

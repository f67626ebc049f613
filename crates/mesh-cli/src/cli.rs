//! Command-line arguments.

use clap::{Parser, Subcommand, ValueEnum};

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
    /// Print the generated Function Mesh CRDs (Function, Source, Sink, FunctionMesh).
    Crd {
        /// Output format.
        #[arg(short = 'o', long = "output", value_enum, default_value_t = Format::Yaml)]
        output: Format,
    },
}

/// Output format.
#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum Format {
    /// YAML documents separated by `---`.
    Yaml,
    /// JSON: one object, or a `v1` `List` for several.
    Json,
}

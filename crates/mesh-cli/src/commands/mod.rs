//! One module per subcommand; [`run`] dispatches and maps results to exit codes.

mod context;
mod convert;
mod crd;
mod docs;
mod serve;
mod store;

use std::io::{Read, Write};

use crate::cli::{Cli, Command};

/// Exit status of a command.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[repr(u8)]
pub enum Status {
    /// Done.
    Ok = 0,
    /// Input rejected; nothing written to stdout.
    Rejected = 1,
    /// Bad usage: an input or option that cannot be read.
    Usage = 2,
}

/// Runs `cli`, reading `-` from `stdin`, writing results to `out` and diagnostics to `err`.
pub fn run(cli: &Cli, stdin: &mut dyn Read, out: &mut dyn Write, err: &mut dyn Write) -> Status {
    match &cli.command {
        Command::Convert(args) => convert::run(args, convert::Mode::Convert, stdin, out, err),
        Command::Validate(args) => convert::run(args, convert::Mode::Validate, stdin, out, err),
        Command::Apply(args) => store::apply(args, stdin, err),
        Command::Get(args) => store::get(args, out, err),
        Command::List(args) => store::list(args, out, err),
        Command::Delete(args) => store::delete(args, err),
        Command::InstallCrds(args) => store::install_crds(args, out, err),
        Command::Serve(args) => serve::run(args, err),
        Command::Crd { output } => crd::run(*output, out, err),
        Command::Completions { shell } => docs::completions(*shell, out, err),
        Command::Man => docs::man(out, err),
        Command::Schema { document } => docs::schema((*document).into(), out, err),
    }
}

/// Whether writing failed only because the reader went away (`mesh convert … | head`).
pub(crate) fn is_broken_pipe(error: &crate::output::OutputError) -> bool {
    matches!(error, crate::output::OutputError::Io(e) if e.kind() == std::io::ErrorKind::BrokenPipe)
}

/// Writes `error` with its causes as one `error: …` line.
pub(crate) fn report(err: &mut dyn Write, error: &dyn std::error::Error) {
    let _ = writeln!(err, "error: {}", mesh_core::error_chain(error));
}

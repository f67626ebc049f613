//! `mesh`: convert, validate and manage Pulsar Functions and connectors as Function Mesh resources.
//!
//! This binary only parses arguments, reads and writes files and streams, and calls into
//! `mesh-core`; every rule lives in the libraries.

mod cli;
mod commands;
mod input;
mod output;

use std::io::Write;
use std::process::ExitCode;

use clap::Parser;

/// Conversion allocates many small strings; mimalloc serves them markedly faster than glibc.
#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn main() -> ExitCode {
    let cli = cli::Cli::parse();
    let stdout = std::io::stdout();
    let mut out = stdout.lock();
    // Not locked for the whole run: `mesh serve` logs to stderr from other threads.
    let mut err = std::io::stderr();
    let mut stdin = std::io::stdin().lock();
    let status = commands::run(&cli, &mut stdin, &mut out, &mut err);
    let _ = out.flush();
    let _ = err.flush();
    ExitCode::from(status as u8)
}

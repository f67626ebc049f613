//! `mesh completions` and `mesh man`, generated from the argument definitions in `cli.rs`, and
//! `mesh schema`, generated from the model's types: none can drift from what the binary accepts.

use std::io::Write;

use clap::CommandFactory as _;

use super::{Status, report};
use crate::cli::Cli;

/// Writes the completion script of `shell`.
pub fn completions(shell: clap_complete::Shell, out: &mut dyn Write, err: &mut dyn Write) -> Status {
    let mut command = Cli::command();
    let mut text = Vec::new();
    clap_complete::generate(shell, &mut command, "mesh", &mut text);
    write(out, err, &text)
}

/// Writes the JSON Schema of `document` (indented JSON).
pub fn schema(document: mesh_core::schema::Document, out: &mut dyn Write, err: &mut dyn Write) -> Status {
    let schema = mesh_core::schema::json_schema(document);
    match serde_json::to_vec_pretty(&schema) {
        Ok(mut text) => {
            text.push(b'\n');
            write(out, err, &text)
        }
        Err(e) => {
            report(err, &e);
            Status::Rejected
        }
    }
}

/// Writes the manual page of `mesh` with a section per subcommand.
pub fn man(out: &mut dyn Write, err: &mut dyn Write) -> Status {
    let command = Cli::command();
    let mut text = Vec::new();
    if let Err(e) = page(&command, &mut text) {
        report(err, &e);
        return Status::Rejected;
    }
    write(out, err, &text)
}

/// The page of `command`, then each subcommand's options as a section of its own.
fn page(command: &clap::Command, text: &mut Vec<u8>) -> std::io::Result<()> {
    let man = clap_mangen::Man::new(command.clone());
    man.render(text)?;
    for sub in command.get_subcommands() {
        let name = format!("mesh {}", sub.get_name());
        writeln!(text, ".SH \"{}\"", name.to_uppercase())?;
        if let Some(about) = sub.get_long_about().or_else(|| sub.get_about()) {
            writeln!(text, "{}", escape(&about.to_string()))?;
        }
        let man = clap_mangen::Man::new(sub.clone().bin_name(name));
        man.render_synopsis_section(text)?;
        man.render_options_section(text)?;
    }
    Ok(())
}

/// Text as a roff line: a leading `.` or `'` would be read as a request, backslashes as escapes.
fn escape(s: &str) -> String {
    let s = s.replace('\\', "\\e");
    if s.starts_with(['.', '\'']) {
        format!("\\&{s}")
    } else {
        s
    }
}

fn write(out: &mut dyn Write, err: &mut dyn Write, text: &[u8]) -> Status {
    match out.write_all(text).and_then(|()| out.flush()) {
        Ok(()) => Status::Ok,
        Err(e) if e.kind() == std::io::ErrorKind::BrokenPipe => Status::Ok,
        Err(e) => {
            report(err, &e);
            Status::Rejected
        }
    }
}

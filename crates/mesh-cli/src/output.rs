//! Writing results: the core's [`Renderer`] to a stream.

use std::io::Write;

use mesh_core::pipeline::{RenderError, Renderer};
use serde::Serialize;

use crate::cli::Format;

/// Why output could not be written.
#[derive(Debug, thiserror::Error)]
pub enum OutputError {
    /// An object could not be rendered.
    #[error(transparent)]
    Render(#[from] RenderError),
    /// The stream is closed or full.
    #[error("cannot write to the output stream")]
    Io(#[source] std::io::Error),
}

impl From<Format> for mesh_core::pipeline::Format {
    fn from(f: Format) -> Self {
        match f {
            Format::Yaml => Self::Yaml,
            Format::Json => Self::Json,
        }
    }
}

/// Writes what `renderer` holds to `out`, JSON with a final line break.
pub fn finish(out: &mut dyn Write, renderer: &Renderer, format: Format) -> Result<(), OutputError> {
    let mut out = std::io::BufWriter::new(out);
    renderer.write_to(&mut out).map_err(OutputError::Io)?;
    if format == Format::Json {
        out.write_all(b"\n").map_err(OutputError::Io)?;
    }
    out.flush().map_err(OutputError::Io)
}

/// Renders `docs` to `out` in `format`: YAML documents, or JSON (one object, or a `List`).
pub fn write<T: Serialize>(out: &mut dyn Write, docs: &[T], format: Format) -> Result<(), OutputError> {
    write_with(out, Renderer::new(format.into()), docs, format)
}

/// Renders `docs` to `out` in `format` into `renderer`, then writes it.
pub fn write_with<T: Serialize>(
    out: &mut dyn Write,
    mut renderer: Renderer,
    docs: &[T],
    format: Format,
) -> Result<(), OutputError> {
    for d in docs {
        renderer.push(d)?;
    }
    finish(out, &renderer, format)
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::Value;

    fn render(docs: &[Value], format: Format) -> String {
        let mut out = Vec::new();
        write(&mut out, docs, format).unwrap();
        String::from_utf8(out).unwrap()
    }

    #[test]
    fn several_json_documents_become_a_list() {
        let docs = [serde_json::json!({"a": 1}), serde_json::json!({"b": 2})];
        let v: Value = serde_json::from_str(&render(&docs, Format::Json)).unwrap();
        assert_eq!(v["kind"], "List");
        assert_eq!(v["items"][1]["b"], 2);
        let one: Value = serde_json::from_str(&render(&docs[..1], Format::Json)).unwrap();
        assert_eq!(one, docs[0]);
    }

    #[test]
    fn yaml_documents_are_separated() {
        let docs = [serde_json::json!({"a": "yes"}), serde_json::json!({"b": 2})];
        assert_eq!(render(&docs, Format::Yaml), "a: \"yes\"\n---\nb: 2\n");
    }
}

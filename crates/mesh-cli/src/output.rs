//! Writing results: YAML documents separated by `---`, or JSON (one object, or a `v1` `List`).

use std::io::Write;

use serde_json::Value;

use crate::cli::Format;

/// Why output could not be written.
#[derive(Debug, thiserror::Error)]
pub enum OutputError {
    /// JSON serialization failed.
    #[error("cannot write JSON")]
    Json(#[source] serde_json::Error),
    /// YAML serialization failed.
    #[error("cannot write YAML")]
    Yaml(#[source] mesh_core::yaml::Error),
    /// The stream is closed or full.
    #[error("cannot write to the output stream")]
    Io(#[source] std::io::Error),
}

/// Renders `docs` in `format`.
pub fn render(docs: &[Value], format: Format) -> Result<String, OutputError> {
    match format {
        Format::Yaml => {
            let mut text = String::new();
            for (i, doc) in docs.iter().enumerate() {
                if i > 0 {
                    text.push_str("---\n");
                }
                text.push_str(&mesh_core::yaml::to_string(doc).map_err(OutputError::Yaml)?);
            }
            Ok(text)
        }
        Format::Json => {
            let value = if docs.len() == 1 {
                docs[0].clone()
            } else {
                serde_json::json!({"apiVersion": "v1", "kind": "List", "items": docs})
            };
            let mut text = serde_json::to_string_pretty(&value).map_err(OutputError::Json)?;
            text.push('\n');
            Ok(text)
        }
    }
}

/// Renders `docs` in `format` to `out`.
pub fn write(out: &mut dyn Write, docs: &[Value], format: Format) -> Result<(), OutputError> {
    let text = render(docs, format)?;
    out.write_all(text.as_bytes()).map_err(OutputError::Io)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn several_json_documents_become_a_list() {
        let docs = [serde_json::json!({"a": 1}), serde_json::json!({"b": 2})];
        let v: Value = serde_json::from_str(&render(&docs, Format::Json).unwrap()).unwrap();
        assert_eq!(v["kind"], "List");
        assert_eq!(v["items"][1]["b"], 2);
        let one: Value = serde_json::from_str(&render(&docs[..1], Format::Json).unwrap()).unwrap();
        assert_eq!(one, docs[0]);
    }

    #[test]
    fn yaml_documents_are_separated() {
        let docs = [serde_json::json!({"a": "yes"}), serde_json::json!({"b": 2})];
        assert_eq!(render(&docs, Format::Yaml).unwrap(), "a: \"yes\"\n---\nb: 2\n");
    }
}

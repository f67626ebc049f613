//! JSON Schemas of the files mesh reads, for editors (`yaml-language-server`'s
//! `# yaml-language-server: $schema=` line): generated from the model's own types, so that a
//! schema names exactly the fields mesh knows, with their doc comments as descriptions.
//!
//! A schema is a help while typing, not the validation: it tells types, enum values and field
//! names, while the rules that span fields (a function needs inputs, a package URL scheme, the
//! resource bounds) are `mesh validate`'s. It never refuses what mesh reads: unknown keys are
//! allowed (mesh warns about them), and scalars may be written as mesh reads them with Pulsar's
//! (Jackson's) coercions: a number or boolean where a string is wanted, a numeric string where a
//! number is, `yes`/`no`/`on`/`off`/`true`/`false` in any case where a boolean is. Draft 7, which
//! every editor integration reads.
//!
//! ```
//! let schema = mesh_core::schema::json_schema(mesh_core::schema::Document::Function);
//! assert_eq!(schema["title"], "FunctionConfig");
//! assert_eq!(schema["properties"]["className"]["description"], "The user's function class.");
//! ```

use schemars::JsonSchema;
use serde_json::Value;

use crate::pulsar::{FunctionConfig, SinkConfig, SourceConfig};
use crate::worker::{Catalogue, WorkerConfig};

/// A kind of file mesh reads.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Document {
    /// A Pulsar `FunctionConfig` (`pulsar-admin functions create --function-config-file`).
    Function,
    /// A Pulsar `SourceConfig`.
    Source,
    /// A Pulsar `SinkConfig`.
    Sink,
    /// A worker's `functions_worker.yml`.
    Worker,
    /// The connector catalogue (`connectors.yaml`, `--connectors`).
    Connectors,
}

impl Document {
    /// Every kind, in the order `mesh schema` lists them.
    pub const ALL: [Self; 5] = [
        Self::Function,
        Self::Source,
        Self::Sink,
        Self::Worker,
        Self::Connectors,
    ];

    /// The name `mesh schema` takes.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Function => "function",
            Self::Source => "source",
            Self::Sink => "sink",
            Self::Worker => "worker",
            Self::Connectors => "connectors",
        }
    }
}

/// The JSON Schema (draft 7) of `document`.
pub fn json_schema(document: Document) -> Value {
    match document {
        Document::Function => of::<FunctionConfig>(),
        Document::Source => of::<SourceConfig>(),
        Document::Sink => of::<SinkConfig>(),
        Document::Worker => of::<WorkerConfig>(),
        Document::Connectors => of::<Catalogue>(),
    }
}

fn of<T: JsonSchema>() -> Value {
    let generator = schemars::generate::SchemaSettings::draft07().into_generator();
    let mut schema = generator.into_root_schema_for::<T>().to_value();
    as_mesh_reads(&mut schema);
    schema
}

/// A boolean written as a string, as mesh reads it (any case).
const BOOLEAN_TEXT: &str =
    "^([Yy]([Ee][Ss])?|[Nn][Oo]?|[Tt][Rr][Uu][Ee]|[Ff][Aa][Ll][Ss][Ee]|[Oo][Nn]|[Oo][Ff][Ff])$";
/// An integer written as a string (JSON's integer syntax, surrounding blanks allowed).
const INTEGER_TEXT: &str = r"^\s*-?(0|[1-9][0-9]*)\s*$";
/// A number written as a string (JSON's number syntax, surrounding blanks allowed).
const NUMBER_TEXT: &str = r"^\s*-?(0|[1-9][0-9]*)(\.[0-9]+)?([eE][+-]?[0-9]+)?\s*$";

/// Widens every scalar type of `schema` to what mesh's reader coerces into it (see the module
/// documentation), and turns the doc comments' intra-doc links into plain code spans.
fn as_mesh_reads(schema: &mut Value) {
    match schema {
        Value::Object(map) => {
            if let Some(Value::String(text)) = map.get_mut("description") {
                *text = plain_links(text);
            }
            // `int32`, `uint64`, `double`: not formats of the standard, which validators warn
            // about; the ranges they imply are mesh's to check.
            if map.get("format").and_then(Value::as_str).is_some_and(|f| {
                f.starts_with("int") || f.starts_with("uint") || f == "float" || f == "double"
            }) {
                map.remove("format");
            }
            let types: Vec<String> = match map.get("type") {
                Some(Value::String(t)) => vec![t.clone()],
                Some(Value::Array(ts)) => ts.iter().filter_map(Value::as_str).map(str::to_owned).collect(),
                _ => Vec::new(),
            };
            let has = |t: &str| types.iter().any(|x| x == t);
            let mut widened = types.clone();
            let mut add = |t: &str| {
                if !widened.iter().any(|x| x == t) {
                    widened.push(t.to_owned());
                }
            };
            if has("string") {
                add("number");
                add("boolean");
            } else if has("boolean") {
                add("string");
                map.insert("pattern".to_owned(), Value::from(BOOLEAN_TEXT));
            } else if has("integer") {
                add("string");
                map.insert("pattern".to_owned(), Value::from(INTEGER_TEXT));
            } else if has("number") {
                add("string");
                map.insert("pattern".to_owned(), Value::from(NUMBER_TEXT));
            }
            if widened.len() != types.len() {
                map.insert("type".to_owned(), Value::from(widened));
            }
            for (key, value) in map.iter_mut() {
                // `const`, `enum` and `default` hold values, not schemas.
                if !matches!(key.as_str(), "const" | "enum" | "default" | "examples") {
                    as_mesh_reads(value);
                }
            }
        }
        Value::Array(items) => items.iter_mut().for_each(as_mesh_reads),
        _ => {}
    }
}

/// "[`Name`]" and "[`Name`](path)" as "`Name`": rustdoc's links mean nothing in an editor.
fn plain_links(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    while let Some(start) = rest.find("[`") {
        out.push_str(&rest[..start]);
        let after = &rest[start + 1..];
        let Some(end) = after.find("`]") else {
            out.push_str(&rest[start..]);
            return out;
        };
        out.push_str(&after[..=end]);
        rest = &after[end + 2..];
        if rest.starts_with('(')
            && let Some(close) = rest.find(')')
        {
            rest = &rest[close + 1..];
        }
    }
    out.push_str(rest);
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn links_become_code_spans() {
        assert_eq!(
            plain_links("see [`A::b`] and [`C`](crate::C), or [x]"),
            "see `A::b` and `C`, or [x]"
        );
        assert_eq!(plain_links("[`open"), "[`open");
    }

    #[test]
    fn scalars_take_what_the_reader_coerces() {
        let mut s = serde_json::json!({"properties": {
            "a": {"type": ["integer", "null"], "format": "int32"}, "b": {"type": "boolean"}, "c": {"type": "string"},
            "d": {"const": "X", "type": "string"}
        }});
        as_mesh_reads(&mut s);
        assert!(s["properties"]["a"].get("format").is_none());
        assert_eq!(
            s["properties"]["a"]["type"],
            serde_json::json!(["integer", "null", "string"])
        );
        assert_eq!(s["properties"]["a"]["pattern"], INTEGER_TEXT);
        assert_eq!(s["properties"]["b"]["pattern"], BOOLEAN_TEXT);
        assert_eq!(
            s["properties"]["c"]["type"],
            serde_json::json!(["string", "number", "boolean"])
        );
        assert_eq!(s["properties"]["d"]["const"], "X");
    }
}

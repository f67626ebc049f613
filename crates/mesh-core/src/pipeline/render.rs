//! The one renderer of results: YAML documents separated by `---`, or JSON (one object, or a
//! `v1` `List` of several), written object by object so that a long run holds text, not trees.

use serde::Serialize;

/// How results are written.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Format {
    /// YAML documents, `---` between them ([`crate::yaml`]).
    Yaml,
    /// Indented JSON, as the CLI prints it.
    Json,
    /// JSON on one line, as the HTTP API answers.
    CompactJson,
}

/// Why an object could not be written.
#[derive(Debug, thiserror::Error)]
pub enum RenderError {
    /// YAML writing failed.
    #[error("cannot write YAML")]
    Yaml(#[source] crate::yaml::Error),
    /// JSON writing failed.
    #[error("cannot write JSON")]
    Json(#[source] serde_json::Error),
}

/// Renders objects one at a time. Each object's text is kept on its own, sized to fit, so a
/// long run holds about its output's size (a single growing string would, while growing, hold
/// up to three times that), and [`Renderer::write_to`] writes it without joining.
#[derive(Debug)]
pub struct Renderer {
    format: Format,
    /// One text per object: YAML documents (with the `---` before every one but the first), or
    /// JSON items as a list holds them (after the first: with the `,` that separates them).
    parts: Vec<String>,
    /// JSON: the first object, as written when it stays the only one.
    first: Option<String>,
    /// JSON: a `List` even for one object (or none), as `mesh list` writes.
    always_list: bool,
    /// Where an object is written before it is copied into a part of its exact size (an
    /// allocator may keep a shrunk string's block whole).
    scratch: String,
}

/// How far a JSON list indents its items.
const ITEM_INDENT: &str = "    ";

impl Renderer {
    /// An empty result in `format`.
    pub fn new(format: Format) -> Self {
        Self {
            format,
            parts: Vec::new(),
            first: None,
            always_list: false,
            scratch: String::new(),
        }
    }

    /// As [`Renderer::new`], but JSON is a `v1` `List` whatever the number of objects.
    pub fn list(format: Format) -> Self {
        Self {
            always_list: true,
            ..Self::new(format)
        }
    }

    /// How many objects were written.
    pub fn len(&self) -> usize {
        self.parts.len() + usize::from(self.first.is_some())
    }

    /// Whether nothing was written.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// Writes one more object. JSON keys come out sorted, as YAML's do.
    pub fn push<T: Serialize + ?Sized>(&mut self, object: &T) -> Result<(), RenderError> {
        let count = self.len();
        let part = match self.format {
            Format::Yaml => {
                self.scratch.clear();
                if count > 0 {
                    self.scratch.push_str("---\n");
                }
                crate::yaml::append(&mut self.scratch, object).map_err(RenderError::Yaml)?;
                self.scratch.as_str().to_owned()
            }
            Format::Json | Format::CompactJson => {
                let item = if self.format == Format::Json {
                    // Through a `Value`, whose maps are sorted (the command line's `-o json`).
                    serde_json::to_value(object).and_then(|v| serde_json::to_string_pretty(&v))
                } else {
                    // Straight from the typed object, sorted as a `Value` is (the HTTP API's).
                    super::json::to_string(object)
                }
                .map_err(RenderError::Json)?;
                if count == 0 && !self.always_list {
                    self.first = Some(item);
                    return Ok(());
                }
                if let Some(first) = self.first.take() {
                    let first = self.list_item(&first, true);
                    self.parts.push(first);
                }
                self.list_item(&item, self.parts.is_empty())
            }
        };
        self.parts.push(part);
        Ok(())
    }

    /// `item` as a list holds it: after a separator unless it is the first, indented when
    /// indented JSON is written.
    fn list_item(&self, item: &str, first: bool) -> String {
        let mut out = String::new();
        if self.format == Format::Json {
            if !first {
                out.push_str(",\n");
            }
            // JSON strings hold no raw line breaks: every line is structure.
            for (i, line) in item.lines().enumerate() {
                if i > 0 {
                    out.push('\n');
                }
                out.push_str(ITEM_INDENT);
                out.push_str(line);
            }
        } else {
            if !first {
                out.push(',');
            }
            out.push_str(item);
        }
        out.as_str().to_owned()
    }

    /// What comes before and after the parts.
    fn frame(&self) -> (&'static str, &'static str) {
        match (self.format, &self.first) {
            (Format::Yaml, _) | (_, Some(_)) => ("", ""),
            (Format::Json, None) if self.parts.is_empty() => (
                "{\n  \"apiVersion\": \"v1\",\n  \"items\": [],\n  \"kind\": \"List\"\n}",
                "",
            ),
            (Format::Json, None) => (
                "{\n  \"apiVersion\": \"v1\",\n  \"items\": [\n",
                "\n  ],\n  \"kind\": \"List\"\n}",
            ),
            (_, None) => ("{\"apiVersion\":\"v1\",\"items\":[", "],\"kind\":\"List\"}"),
        }
    }

    /// Writes the text to `out` piece by piece: YAML documents each ending in a line break; JSON
    /// without a final one.
    pub fn write_to(&self, out: &mut dyn std::io::Write) -> std::io::Result<()> {
        let (head, tail) = self.frame();
        out.write_all(head.as_bytes())?;
        if let Some(only) = &self.first {
            out.write_all(only.as_bytes())?;
        }
        for p in &self.parts {
            out.write_all(p.as_bytes())?;
        }
        out.write_all(tail.as_bytes())
    }

    /// The text, as [`Renderer::write_to`] writes it.
    pub fn finish(self) -> String {
        if let Some(only) = self.first {
            return only;
        }
        let (head, tail) = self.frame();
        let mut text = String::with_capacity(
            head.len() + tail.len() + self.parts.iter().map(String::len).sum::<usize>(),
        );
        text.push_str(head);
        for p in &self.parts {
            text.push_str(p);
        }
        text.push_str(tail);
        text
    }
}

#[cfg(test)]
mod tests {
    use serde_json::{Value, json};

    use super::*;

    /// The text, checked to be the same whether written piece by piece or joined.
    fn rendered(format: Format, docs: &[Value]) -> String {
        let mut r = Renderer::new(format);
        for d in docs {
            r.push(d).unwrap();
        }
        let mut written = Vec::new();
        r.write_to(&mut written).unwrap();
        let text = r.finish();
        assert_eq!(String::from_utf8(written).unwrap(), text);
        text
    }

    /// The list is written as `serde_json` writes the `List` value, for any number of items.
    #[test]
    fn json_lists_are_what_serde_json_writes() {
        let docs = [
            json!({"b": [1, {"x": "y\nz"}], "a": {}}),
            json!({"kind": "Secret", "data": {"k": "dg=="}}),
            json!([]),
            json!("s"),
        ];
        for n in 0..=docs.len() {
            let items = &docs[..n];
            let list = if n == 1 {
                items[0].clone()
            } else {
                json!({"apiVersion": "v1", "kind": "List", "items": items})
            };
            assert_eq!(
                rendered(Format::Json, items),
                serde_json::to_string_pretty(&list).unwrap(),
                "{n} items"
            );
            assert_eq!(
                rendered(Format::CompactJson, items),
                list.to_string(),
                "{n} items"
            );
        }
    }

    #[test]
    fn a_list_is_a_list_for_one_object_too() {
        let one = [json!({"a": 1})];
        let list = json!({"apiVersion": "v1", "kind": "List", "items": one});
        let mut r = Renderer::list(Format::Json);
        r.push(&one[0]).unwrap();
        assert_eq!(r.finish(), serde_json::to_string_pretty(&list).unwrap());
    }

    #[test]
    fn yaml_documents_are_separated() {
        let docs = [json!({"a": "yes"}), json!({"b": 2})];
        assert_eq!(rendered(Format::Yaml, &docs), "a: \"yes\"\n---\nb: 2\n");
    }

    #[test]
    fn an_object_that_cannot_be_written_leaves_the_text_as_it_was() {
        let mut deep = json!(1);
        for _ in 0..=crate::yaml::MAX_DEPTH {
            deep = json!([deep]);
        }
        let mut r = Renderer::new(Format::Yaml);
        r.push(&json!({"a": 1})).unwrap();
        assert!(matches!(r.push(&deep), Err(RenderError::Yaml(_))));
        assert_eq!((r.len(), r.finish()), (1, "a: 1\n".to_owned()));
    }
}

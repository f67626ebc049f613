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

/// Renders objects one at a time into one text.
#[derive(Debug)]
pub struct Renderer {
    format: Format,
    /// YAML: the documents so far. JSON: the list's items so far, as the list holds them.
    text: String,
    /// JSON: the first object, as written when it stays the only one.
    first: Option<String>,
    count: usize,
    /// JSON: a `List` even for one object (or none), as `mesh list` writes.
    always_list: bool,
}

/// How far a JSON list indents its items.
const ITEM_INDENT: &str = "    ";

impl Renderer {
    /// An empty result in `format`.
    pub fn new(format: Format) -> Self {
        Self {
            format,
            text: String::new(),
            first: None,
            count: 0,
            always_list: false,
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
        self.count
    }

    /// Whether nothing was written.
    pub fn is_empty(&self) -> bool {
        self.count == 0
    }

    /// Writes one more object. JSON keys come out sorted, as YAML's do.
    pub fn push<T: Serialize + ?Sized>(&mut self, object: &T) -> Result<(), RenderError> {
        match self.format {
            Format::Yaml => {
                let start = self.text.len();
                if self.count > 0 {
                    self.text.push_str("---\n");
                }
                if let Err(e) = crate::yaml::append(&mut self.text, object) {
                    self.text.truncate(start);
                    return Err(RenderError::Yaml(e));
                }
            }
            Format::Json | Format::CompactJson => {
                // Through a `Value`, whose maps are sorted.
                let value = serde_json::to_value(object).map_err(RenderError::Json)?;
                let item = if self.format == Format::Json {
                    serde_json::to_string_pretty(&value)
                } else {
                    serde_json::to_string(&value)
                }
                .map_err(RenderError::Json)?;
                if self.count == 0 && !self.always_list {
                    self.first = Some(item);
                } else {
                    if let Some(first) = self.first.take() {
                        self.list_item(&first);
                    }
                    self.list_item(&item);
                }
            }
        }
        self.count += 1;
        Ok(())
    }

    fn list_item(&mut self, item: &str) {
        if self.format == Format::Json {
            if !self.text.is_empty() {
                self.text.push_str(",\n");
            }
            // JSON strings hold no raw line breaks: every line is structure.
            for (i, line) in item.lines().enumerate() {
                if i > 0 {
                    self.text.push('\n');
                }
                self.text.push_str(ITEM_INDENT);
                self.text.push_str(line);
            }
        } else {
            if !self.text.is_empty() {
                self.text.push(',');
            }
            self.text.push_str(item);
        }
    }

    /// The text: YAML documents each ending in a line break; JSON without a final one.
    pub fn finish(self) -> String {
        match (self.format, self.first) {
            (Format::Yaml, _) => self.text,
            (_, Some(only)) => only,
            (Format::Json, None) if self.count == 0 => {
                "{\n  \"apiVersion\": \"v1\",\n  \"items\": [],\n  \"kind\": \"List\"\n}".to_owned()
            }
            (Format::Json, None) => format!(
                "{{\n  \"apiVersion\": \"v1\",\n  \"items\": [\n{}\n  ],\n  \"kind\": \"List\"\n}}",
                self.text
            ),
            (_, None) => format!(
                "{{\"apiVersion\":\"v1\",\"items\":[{}],\"kind\":\"List\"}}",
                self.text
            ),
        }
    }
}

#[cfg(test)]
mod tests {
    use serde_json::{Value, json};

    use super::*;

    fn rendered(format: Format, docs: &[Value]) -> String {
        let mut r = Renderer::new(format);
        for d in docs {
            r.push(d).unwrap();
        }
        r.finish()
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

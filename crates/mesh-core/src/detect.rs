//! What a document is: a Pulsar function, source or sink config, or a Function Mesh resource.

use serde_json::Value;

use crate::Kind;
use crate::diag::Diagnostic;
use crate::document::RawDocument;

/// The kinds of document mesh reads.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum DocumentKind {
    /// A Pulsar config of this kind.
    Config(Kind),
    /// A Function Mesh `Function`, `Source` or `Sink` CR.
    Resource(Kind),
    /// A Function Mesh `FunctionMesh` CR.
    Mesh,
}

/// Why a document's kind could not be told.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum DetectError {
    /// Not a mapping.
    #[error("expected a mapping, found {0}")]
    NotAMapping(&'static str),
    /// A Kubernetes object of a kind mesh does not read.
    #[error("`{api_version}` `{kind}` is not a Function Mesh resource mesh reads")]
    ForeignResource {
        /// Its `apiVersion`.
        api_version: String,
        /// Its `kind`.
        kind: String,
    },
    /// A Function Mesh kind of an API version mesh does not know.
    #[error(
        "`{kind}` of `compute.functionmesh.io/{version}` is not a version mesh reads: only compute.functionmesh.io/v1alpha1"
    )]
    UnknownVersion {
        /// The version (`v9`).
        version: String,
        /// Its `kind`.
        kind: String,
    },
    /// Keys of more than one config kind, or none that tell.
    #[error("cannot tell whether this is a function, source or sink config ({0}); say which with --kind")]
    Ambiguous(String),
}

const FUNCTION_ONLY: &[&str] = &[
    "jar",
    "py",
    "go",
    "runtime",
    "functionType",
    "output",
    "userConfig",
    "windowConfig",
    "customSerdeInputs",
    "customSchemaInputs",
    "customSchemaOutputs",
    "outputSchemaType",
    "outputSerdeClassName",
    "outputTypeClassName",
    "inputTypeClassName",
    "subName",
    "fqfn",
    "maxPendingAsyncRequests",
    "exposePulsarAdminClientEnabled",
    "skipToLatest",
    "subscriptionPosition",
    "forwardSourceMessageProperty",
];
const SINK_ONLY: &[&str] = &[
    "sinkType",
    "sourceSubscriptionName",
    "sourceSubscriptionPosition",
    "topicToSerdeClassName",
    "topicToSchemaType",
    "topicToSchemaProperties",
    "negativeAckRedeliveryDelayMs",
    "transformFunction",
    "transformFunctionClassName",
    "transformFunctionConfig",
];
const SOURCE_ONLY: &[&str] = &["topicName", "sourceType", "batchSourceConfig"];
const FUNCTION_AND_SINK: &[&str] = &[
    "inputs",
    "topicsPattern",
    "inputSpecs",
    "retainOrdering",
    "retainKeyOrdering",
    "autoAck",
    "maxMessageRetries",
    "deadLetterTopic",
    "timeoutMs",
    "cleanupSubscription",
];
const CONNECTOR: &[&str] = &["archive", "configs"];
const SOURCE_AND_FUNCTION: &[&str] = &["producerConfig", "batchBuilder"];
const SOURCE_ONLY_SCHEMA: &[&str] = &["serdeClassName", "schemaType"];

/// Tells what `doc` is: by `apiVersion`/`kind` for resources, by its keys for Pulsar configs.
pub fn detect(doc: &Value) -> Result<DocumentKind, DetectError> {
    let Some(map) = doc.as_object() else {
        return Err(DetectError::NotAMapping(match doc {
            Value::Array(_) => "a sequence",
            Value::String(_) => "a string",
            Value::Number(_) => "a number",
            Value::Bool(_) => "a boolean",
            _ => "nothing",
        }));
    };
    classify(
        map.get("apiVersion").and_then(Value::as_str),
        map.get("kind").and_then(Value::as_str),
        |k| map.contains_key(k),
    )
}

/// Tells what a document is from its text, reading only its top-level keys (and the values of
/// `apiVersion` and `kind`), so that the one full read that follows is the only one. A
/// document that does not read so is read whole, and the reader's error is the answer.
pub fn detect_document(doc: &RawDocument) -> Result<DocumentKind, Diagnostic> {
    match doc.peek::<Top>() {
        Some(Top::Map {
            api_version,
            kind,
            keys,
        }) => classify(api_version.as_deref(), kind.as_deref(), |k| {
            keys.iter().any(|key| key == k)
        }),
        Some(Top::Other(what)) => Err(DetectError::NotAMapping(what)),
        None => detect(&doc.value().map_err(|e| e.to_diagnostic())?),
    }
    .map_err(|e| Diagnostic::error("", e.to_string()))
}

/// The top level of a document, as far as detection reads it.
enum Top {
    Map {
        api_version: Option<String>,
        kind: Option<String>,
        keys: Vec<String>,
    },
    Other(&'static str),
}

impl<'de> serde::Deserialize<'de> for Top {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        d.deserialize_any(TopVisitor)
    }
}

struct TopVisitor;

impl<'de> serde::de::Visitor<'de> for TopVisitor {
    type Value = Top;

    fn expecting(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("a document")
    }

    fn visit_map<A: serde::de::MapAccess<'de>>(self, mut map: A) -> Result<Top, A::Error> {
        let (mut api_version, mut kind, mut keys) = (None, None, Vec::new());
        while let Some(key) = map.next_key::<String>()? {
            match key.as_str() {
                "apiVersion" => api_version = map.next_value::<Value>()?.as_str().map(str::to_owned),
                "kind" => kind = map.next_value::<Value>()?.as_str().map(str::to_owned),
                _ => {
                    map.next_value::<serde::de::IgnoredAny>()?;
                }
            }
            keys.push(key);
        }
        Ok(Top::Map {
            api_version,
            kind,
            keys,
        })
    }

    fn visit_seq<A: serde::de::SeqAccess<'de>>(self, mut seq: A) -> Result<Top, A::Error> {
        while seq.next_element::<serde::de::IgnoredAny>()?.is_some() {}
        Ok(Top::Other("a sequence"))
    }

    fn visit_str<E>(self, _: &str) -> Result<Top, E> {
        Ok(Top::Other("a string"))
    }

    fn visit_bool<E>(self, _: bool) -> Result<Top, E> {
        Ok(Top::Other("a boolean"))
    }

    fn visit_i64<E>(self, _: i64) -> Result<Top, E> {
        Ok(Top::Other("a number"))
    }

    fn visit_u64<E>(self, _: u64) -> Result<Top, E> {
        Ok(Top::Other("a number"))
    }

    fn visit_f64<E>(self, _: f64) -> Result<Top, E> {
        Ok(Top::Other("a number"))
    }

    fn visit_unit<E>(self) -> Result<Top, E> {
        Ok(Top::Other("nothing"))
    }

    fn visit_none<E>(self) -> Result<Top, E> {
        Ok(Top::Other("nothing"))
    }
}

/// The decision itself, over the `apiVersion`, the `kind` and which keys a mapping has.
fn classify(
    api_version: Option<&str>,
    kind: Option<&str>,
    contains_key: impl Fn(&str) -> bool,
) -> Result<DocumentKind, DetectError> {
    if let (Some(api), Some(kind)) = (api_version, kind) {
        if let Some(version) = api.strip_prefix("compute.functionmesh.io/")
            && api != crate::crd::API_VERSION
            && matches!(kind, "Function" | "Source" | "Sink" | "FunctionMesh")
        {
            return Err(DetectError::UnknownVersion {
                version: version.to_owned(),
                kind: kind.to_owned(),
            });
        }
        if api == crate::crd::API_VERSION {
            match kind {
                "Function" => return Ok(DocumentKind::Resource(Kind::Function)),
                "Source" => return Ok(DocumentKind::Resource(Kind::Source)),
                "Sink" => return Ok(DocumentKind::Resource(Kind::Sink)),
                "FunctionMesh" => return Ok(DocumentKind::Mesh),
                _ => {}
            }
        }
        return Err(DetectError::ForeignResource {
            api_version: api.to_owned(),
            kind: kind.to_owned(),
        });
    }
    let has = |keys: &[&'static str]| {
        keys.iter()
            .filter(|k| contains_key(k))
            .copied()
            .collect::<Vec<_>>()
    };
    let (f, si, so) = (has(FUNCTION_ONLY), has(SINK_ONLY), has(SOURCE_ONLY));
    let (fs, conn, sf, schema) = (
        has(FUNCTION_AND_SINK),
        has(CONNECTOR),
        has(SOURCE_AND_FUNCTION),
        has(SOURCE_ONLY_SCHEMA),
    );
    // A kind stays possible while no key rules it out.
    let function_possible = si.is_empty() && so.is_empty() && conn.is_empty() && schema.is_empty();
    let sink_possible = f.is_empty() && so.is_empty() && sf.is_empty() && schema.is_empty();
    let source_possible = f.is_empty() && si.is_empty() && fs.is_empty();
    let possible: Vec<Kind> = [
        (function_possible, Kind::Function),
        (sink_possible, Kind::Sink),
        (source_possible, Kind::Source),
    ]
    .into_iter()
    .filter_map(|(p, k)| p.then_some(k))
    .collect();
    match possible.as_slice() {
        [one] => Ok(DocumentKind::Config(*one)),
        [] => {
            let mut keys: Vec<&str> = f.iter().chain(&si).chain(&so).copied().collect();
            keys.sort_unstable();
            Err(DetectError::Ambiguous(format!(
                "it has keys of several kinds: {}",
                keys.join(", ")
            )))
        }
        many => {
            let names: Vec<&str> = many.iter().map(|k| k.lower()).collect();
            Err(DetectError::Ambiguous(format!(
                "it could be a {}",
                names.join(" or a ")
            )))
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn configs_are_told_apart_by_their_keys() {
        assert_eq!(
            detect(&json!({"className": "C", "jar": "x", "inputs": ["a"]})),
            Ok(DocumentKind::Config(Kind::Function))
        );
        assert_eq!(
            detect(&json!({"archive": "builtin://x", "inputs": ["a"]})),
            Ok(DocumentKind::Config(Kind::Sink))
        );
        assert_eq!(
            detect(&json!({"archive": "builtin://x", "topicName": "t"})),
            Ok(DocumentKind::Config(Kind::Source))
        );
        assert_eq!(
            detect(&json!({"inputs": ["a"], "output": "b"})),
            Ok(DocumentKind::Config(Kind::Function))
        );
        assert_eq!(
            detect(&json!({"archive": "a.nar", "configs": {}, "sourceSubscriptionName": "s"})),
            Ok(DocumentKind::Config(Kind::Sink))
        );
    }

    #[test]
    fn ambiguity_is_an_error_that_says_so() {
        let e = detect(&json!({"name": "x", "className": "C", "parallelism": 1})).unwrap_err();
        assert_eq!(
            e.to_string(),
            "cannot tell whether this is a function, source or sink config (it could be a function or a sink or a source); say which with --kind"
        );
        let e = detect(&json!({"jar": "x", "topicName": "t"})).unwrap_err();
        assert!(
            e.to_string()
                .contains("it has keys of several kinds: jar, topicName"),
            "{e}"
        );
    }

    #[test]
    fn resources_are_told_by_kind() {
        let f = json!({"apiVersion": "compute.functionmesh.io/v1alpha1", "kind": "Sink"});
        assert_eq!(detect(&f), Ok(DocumentKind::Resource(Kind::Sink)));
        let cm = json!({"apiVersion": "v1", "kind": "ConfigMap"});
        assert!(matches!(detect(&cm), Err(DetectError::ForeignResource { .. })));
        assert!(matches!(
            detect(&json!([1])),
            Err(DetectError::NotAMapping("a sequence"))
        ));
    }

    #[test]
    fn function_mesh_kinds_of_another_version_are_refused() {
        for api in [
            "compute.functionmesh.io/v9",
            "compute.functionmesh.io/v1alpha2",
            "compute.functionmesh.io/",
        ] {
            let e = detect(&json!({"apiVersion": api, "kind": "Function"})).unwrap_err();
            assert!(matches!(e, DetectError::UnknownVersion { .. }), "{api}: {e}");
            assert!(
                e.to_string()
                    .ends_with("is not a version mesh reads: only compute.functionmesh.io/v1alpha1")
            );
        }
        let other = json!({"apiVersion": "compute.functionmesh.io/v1alpha1", "kind": "Gadget"});
        assert!(matches!(detect(&other), Err(DetectError::ForeignResource { .. })));
    }
}

//! The built-in connector catalogue (`connectors.yaml`) and what a conversion derives from it.

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

use crate::diag::{Diagnostics, join};
use crate::pulsar::{Extra, UnknownFields, warn_unknown};

/// The type class used when nothing better is known: a byte array.
pub const BYTES_TYPE_CLASS: &str = "[B";

/// One connector of the catalogue: Pulsar's `ConnectorDefinition` plus the worker service's image,
/// jar and type-class fields.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct ConnectorDefinition {
    /// Artifact id (`pulsar-io-kafka`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub id: Option<String>,
    /// The name after `builtin://` (`kafka`); entries are looked up by it.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    /// Description.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub description: Option<String>,
    /// Source class, if the connector has a source.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub source_class: Option<String>,
    /// Sink class, if the connector has a sink.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub sink_class: Option<String>,
    /// Source config class.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub source_config_class: Option<String>,
    /// Sink config class.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub sink_config_class: Option<String>,
    /// Version; the image tag when `imageTag` is missing.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub version: Option<String>,
    /// Registry; unset means `docker.io/`, empty means none.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub image_registry: Option<String>,
    /// Image repository.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub image_repository: Option<String>,
    /// Image tag.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub image_tag: Option<String>,
    /// Type class of both directions.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub type_class_name: Option<String>,
    /// Type class of the source.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub source_type_class_name: Option<String>,
    /// Type class of the sink.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub sink_type_class_name: Option<String>,
    /// NAR file name inside the image's `connectors/` directory.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub jar_full_name: Option<String>,
    /// Schema type used for inputs/outputs that set none.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub default_schema_type: Option<String>,
    /// SerDe class used for inputs/outputs that set none.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub default_serde_class_name: Option<String>,
    /// Keys not known; kept, and reported as warnings.
    #[serde(flatten, skip_serializing_if = "Extra::is_empty")]
    pub unknown: Extra,
}

fn non_blank(s: Option<&String>) -> Option<&str> {
    s.map(String::as_str).filter(|s| !s.trim().is_empty())
}

impl ConnectorDefinition {
    /// `registry + imageRepository + ":" + (imageTag or version)`; the registry is `docker.io/` when
    /// unset, nothing when empty, and gets a trailing `/` when it lacks one.
    pub fn image(&self) -> String {
        let registry = match self.image_registry.as_deref() {
            None => "docker.io/".to_owned(),
            Some(r) if r.trim().is_empty() => String::new(),
            Some(r) if r.ends_with('/') => r.to_owned(),
            Some(r) => format!("{r}/"),
        };
        let tag = non_blank(self.image_tag.as_ref())
            .or(self.version.as_deref())
            .unwrap_or_default();
        format!(
            "{registry}{}:{tag}",
            self.image_repository.as_deref().unwrap_or_default()
        )
    }

    /// `connectors/<jarFullName>`, else `connectors/<id>-<version>.nar`.
    pub fn jar(&self) -> String {
        match non_blank(self.jar_full_name.as_ref()) {
            Some(jar) => format!("connectors/{jar}"),
            None => format!(
                "connectors/{}-{}.nar",
                self.id.as_deref().unwrap_or_default(),
                self.version.as_deref().unwrap_or_default()
            ),
        }
    }

    /// `sinkTypeClassName`, else `typeClassName`, else `[B`.
    pub fn sink_type_class(&self) -> &str {
        non_blank(self.sink_type_class_name.as_ref())
            .or(non_blank(self.type_class_name.as_ref()))
            .unwrap_or(BYTES_TYPE_CLASS)
    }

    /// `sourceTypeClassName`, else `typeClassName`, else `[B`.
    pub fn source_type_class(&self) -> &str {
        non_blank(self.source_type_class_name.as_ref())
            .or(non_blank(self.type_class_name.as_ref()))
            .unwrap_or(BYTES_TYPE_CLASS)
    }
}

/// The catalogue: a YAML list of [`ConnectorDefinition`]s.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(transparent)]
pub struct Catalogue {
    /// The connectors, in file order.
    pub connectors: Vec<ConnectorDefinition>,
}

impl Catalogue {
    /// The connector named `name` (the part after `builtin://`); the last one wins on duplicates,
    /// as in the worker service's map.
    pub fn get(&self, name: &str) -> Option<&ConnectorDefinition> {
        self.connectors
            .iter()
            .rev()
            .find(|c| c.name.as_deref() == Some(name))
    }

    /// Connectors that have a source class, sorted by name.
    pub fn sources(&self) -> Vec<&ConnectorDefinition> {
        self.sorted(|c| c.source_class.is_some())
    }

    /// Connectors that have a sink class, sorted by name.
    pub fn sinks(&self) -> Vec<&ConnectorDefinition> {
        self.sorted(|c| c.sink_class.is_some())
    }

    fn sorted(&self, keep: impl Fn(&ConnectorDefinition) -> bool) -> Vec<&ConnectorDefinition> {
        let mut v: Vec<_> = self.connectors.iter().filter(|c| keep(c)).collect();
        v.sort_by(|a, b| a.name.cmp(&b.name));
        v.dedup_by(|a, b| a.name == b.name);
        v
    }
}

impl UnknownFields for Catalogue {
    fn unknown_fields(&self, path: &str, out: &mut Diagnostics) {
        for (i, c) in self.connectors.iter().enumerate() {
            warn_unknown(&c.unknown, &join(path, &format!("[{i}]")), out);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn def(registry: Option<&str>) -> ConnectorDefinition {
        ConnectorDefinition {
            id: Some("pulsar-io-test".into()),
            name: Some("test".into()),
            version: Some("2.7.0".into()),
            image_registry: registry.map(Into::into),
            image_repository: Some("privateregistry.io/streamnative/pulsar-io-test".into()),
            ..ConnectorDefinition::default()
        }
    }

    #[test]
    fn image_registry_rules() {
        assert_eq!(
            def(Some("")).image(),
            "privateregistry.io/streamnative/pulsar-io-test:2.7.0"
        );
        assert_eq!(
            def(None).image(),
            "docker.io/privateregistry.io/streamnative/pulsar-io-test:2.7.0"
        );
        let mut d = def(Some("reg.example"));
        d.image_repository = Some("sn/pulsar-io-test".into());
        d.image_tag = Some("3.0".into());
        assert_eq!(d.image(), "reg.example/sn/pulsar-io-test:3.0");
    }

    #[test]
    fn jar_and_type_classes() {
        let mut d = def(None);
        assert_eq!(d.jar(), "connectors/pulsar-io-test-2.7.0.nar");
        assert_eq!(d.sink_type_class(), "[B");
        d.jar_full_name = Some("x.nar".into());
        d.type_class_name = Some("java.lang.String".into());
        d.source_type_class_name = Some("org.Foo".into());
        assert_eq!(d.jar(), "connectors/x.nar");
        assert_eq!(d.sink_type_class(), "java.lang.String");
        assert_eq!(d.source_type_class(), "org.Foo");
    }
}

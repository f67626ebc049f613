//! Conversion fixtures: the contexts index and running one fixture through the pipeline.

use std::collections::BTreeMap;
use std::fmt::Write as _;
use std::path::Path;

use mesh_core::Kind;
use mesh_core::convert::{AuthContext, Context, Produced};
use mesh_core::diag::Diagnostics;
use mesh_core::pipeline;
use mesh_core::worker::{Catalogue, WorkerConfig};
use serde::Deserialize;
use serde_json::Value;

use super::repo_root;

#[derive(Clone, Debug, Default, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct AuthSpec {
    pub client_role: Option<String>,
    pub bearer_token: Option<String>,
    pub oauth2_key_secret: Option<String>,
}

/// One entry of `fixtures/contexts.yaml`; missing keys come from `defaults`.
#[derive(Clone, Debug, Default, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ContextSpec {
    pub worker_config: Option<String>,
    pub connectors: Option<String>,
    /// No connector catalogue at all.
    #[serde(default)]
    pub no_connectors: bool,
    pub package_url: Option<String>,
    pub package_file_name: Option<String>,
    pub cluster: Option<String>,
    pub pod_namespace: Option<String>,
    pub auth: Option<AuthSpec>,
}

#[derive(Debug, Deserialize)]
struct Index {
    defaults: ContextSpec,
    fixtures: BTreeMap<String, ContextSpec>,
}

/// The context spec of the fixture at `relative` (to `fixtures/`).
pub fn context_spec(relative: &str) -> ContextSpec {
    let text = std::fs::read_to_string(repo_root().join("fixtures/contexts.yaml")).unwrap();
    let index: Index = serde_saphyr::from_str(&text).unwrap();
    let own = index.fixtures.get(relative).cloned().unwrap_or_default();
    ContextSpec {
        worker_config: own.worker_config.or(index.defaults.worker_config),
        connectors: if own.no_connectors {
            None
        } else {
            own.connectors.or(index.defaults.connectors)
        },
        no_connectors: own.no_connectors,
        package_url: own.package_url,
        package_file_name: own.package_file_name,
        cluster: own.cluster,
        pod_namespace: own.pod_namespace,
        auth: own.auth,
    }
}

/// The owned inputs of a context.
pub struct Loaded {
    pub spec: ContextSpec,
    pub worker: WorkerConfig,
    pub catalogue: Option<Catalogue>,
    pub auth: Option<AuthContext>,
}

impl Loaded {
    pub fn load(spec: ContextSpec) -> Self {
        let read = |p: &str| std::fs::read(repo_root().join("fixtures").join(p)).unwrap();
        let worker = spec
            .worker_config
            .as_deref()
            .map_or_else(WorkerConfig::default, |p| {
                mesh_core::document::parse_one(&read(p)).unwrap()
            });
        let catalogue = spec
            .connectors
            .clone()
            .map(|p| mesh_core::document::parse_one(&read(&p)).unwrap());
        let auth = spec.auth.clone().map(|a| AuthContext {
            client_role: a.client_role,
            bearer_token: a.bearer_token,
            oauth2_key_secret: a.oauth2_key_secret,
        });
        Self {
            spec,
            worker,
            catalogue,
            auth,
        }
    }

    pub fn context(&self) -> Context<'_> {
        Context {
            catalogue: self.catalogue.as_ref(),
            package_url: self.spec.package_url.as_deref(),
            package_file_name: self.spec.package_file_name.as_deref(),
            cluster: self.spec.cluster.as_deref(),
            pod_namespace: self.spec.pod_namespace.as_deref(),
            auth: self.auth.as_ref(),
            ..Context::new(&self.worker)
        }
    }
}

/// The kind a fixture's folder names.
pub fn kind_of(relative: &str) -> Kind {
    match relative.split('/').next() {
        Some("function") => Kind::Function,
        Some("source") => Kind::Source,
        Some("sink") => Kind::Sink,
        other => panic!("fixture outside a kind folder: {other:?}"),
    }
}

/// `path` relative to `fixtures/`.
pub fn relative(path: &Path) -> String {
    path.strip_prefix(repo_root().join("fixtures").canonicalize().unwrap())
        .or_else(|_| path.strip_prefix(repo_root().join("fixtures")))
        .unwrap()
        .to_string_lossy()
        .replace('\\', "/")
}

/// Converts the fixture at `path`.
pub fn convert(path: &Path) -> Result<Produced, Diagnostics> {
    let rel = relative(path);
    let loaded = Loaded::load(context_spec(&rel));
    let mut docs = mesh_core::document::split(&std::fs::read(path).unwrap()).unwrap();
    assert_eq!(docs.len(), 1, "{rel}: one document per fixture");
    let component = pipeline::read(&docs.remove(0), kind_of(&rel))?;
    component.convert(&loaded.context())
}

/// The snapshot text of a conversion: the YAML objects and warnings, or the diagnostics.
pub fn render(result: &Result<Produced, Diagnostics>) -> String {
    let mut out = String::new();
    match result {
        Ok(r) => {
            for (i, o) in r.objects.iter().enumerate() {
                if i > 0 {
                    out.push_str("---\n");
                }
                out.push_str(&mesh_core::yaml::to_string(o).unwrap());
            }
            for w in &r.warnings {
                writeln!(out, "# {w}").unwrap();
            }
        }
        Err(d) => {
            for e in d {
                writeln!(out, "{e}").unwrap();
            }
        }
    }
    out
}

/// Reads the CR of a converted fixture back as a Pulsar config, converts that forward again with
/// the same context, and returns the reversed config's snapshot text and the CR of the second
/// conversion.
pub fn reverse_and_again(path: &Path, first: &Produced) -> (String, Value) {
    let rel = relative(path);
    let loaded = Loaded::load(context_spec(&rel));
    let ctx = loaded.context();
    let cr = serde_json::to_vec(&first.objects[0]).unwrap();
    let doc = mesh_core::document::split(&cr).unwrap().remove(0);
    let back = pipeline::reverse(&doc, &ctx).unwrap_or_else(|d| panic!("{rel}: reverse failed:\n{d}"));
    let mut text = serde_json::to_string_pretty(&back.objects[0].to_value().unwrap()).unwrap();
    text.push('\n');
    for w in &back.warnings {
        writeln!(text, "# {w}").unwrap();
    }
    let config = serde_json::to_vec(&back.objects[0]).unwrap();
    let doc = mesh_core::document::split(&config).unwrap().remove(0);
    let component = pipeline::read(&doc, kind_of(&rel)).unwrap();
    let again = component
        .convert(&ctx)
        .unwrap_or_else(|d| panic!("{rel}: the reversed config does not convert:\n{d}"));
    (text, again.objects[0].to_value().unwrap())
}

//! The shipped installation (`deploy/`) on a real kube-apiserver: its manifests are accepted,
//! and `mesh serve --store kube`, calling the API server as the shipped ServiceAccount (a token
//! from the `TokenRequest` API) bound by the shipped Role, runs every admin flow of every kind;
//! each permission of the Role is needed (without it, its flow is refused by the API server),
//! and nothing outside it is allowed. Then two replicas over the one API server: racing
//! creates, each other's writes, and a SIGTERM under load.
//!
//! Runs when `MESH_TEST_KUBECONFIG` names the server's kubeconfig and `MESH_TEST_KUBE_SCRIPTS`
//! the folder of its scripts (`.ci/run` sets both), with `kubectl` on the PATH; otherwise each
//! test says it is skipped.
//!
//! The test API server is Kubernetes 1.20 (`../shared/reference/kube-apiserver.md`), which
//! predates `policy/v1` (1.21): the `PodDisruptionBudget` is sent to it as `policy/v1beta1`, whose
//! fields are the same for what it uses (`maxUnavailable`, `selector`).

#![allow(clippy::unwrap_used, clippy::expect_used)]
// The flows read as `(s, b) = http(a, ...)` on the installation `k`: short names on purpose.
#![allow(clippy::many_single_char_names)]

mod common;

use std::io::{Read as _, Write as _};
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex, MutexGuard, PoisonError};
use std::time::{Duration, Instant};

use common::exchange as http;
use common::kube::{Kube, install_crds, kube, mesh, scratch, text};
use common::{form, plain};
use serde_json::{Value, json};

/// The base's namespace, where mesh runs and writes.
const NS: &str = "mesh";
/// The base's worker config names this Pulsar cluster.
const CLUSTER: &str = "pulsar";
/// The broker's admin URL in the shipped worker configs.
const SHIPPED_BROKER: &str = "http://pulsar-broker.pulsar.svc.cluster.local:8080";

/// The tests share the installation and its Role: one at a time.
static SERIAL: Mutex<()> = Mutex::new(());

fn deploy_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../../deploy")
}

/// Runs kubectl as the admin, with `stdin` piped in.
fn kubectl(kube: &Kube, args: &[&str], stdin: Option<&str>) -> String {
    let mut child = Command::new("kubectl")
        .env("KUBECONFIG", &kube.kubeconfig)
        .args(args)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("kubectl is on the PATH (.ci/run makes sure)");
    child
        .stdin
        .take()
        .unwrap()
        .write_all(stdin.unwrap_or_default().as_bytes())
        .unwrap();
    let out = child.wait_with_output().unwrap();
    assert!(
        out.status.success(),
        "kubectl {args:?}: {}{}",
        text(&out.stdout),
        text(&out.stderr)
    );
    text(&out.stdout)
}

/// `kubectl kustomize` of a folder of `deploy/`, as this API server takes it (see the top).
fn rendered(kube: &Kube, folder: &str) -> String {
    let path = deploy_dir().join(folder);
    let yaml = kubectl(kube, &["kustomize", &path.display().to_string()], None);
    let pdb = "apiVersion: policy/v1\nkind: PodDisruptionBudget";
    assert!(yaml.contains(pdb), "the PodDisruptionBudget is policy/v1");
    yaml.replace(pdb, "apiVersion: policy/v1beta1\nkind: PodDisruptionBudget")
}

/// The installation: `deploy/` applied, and a kubeconfig with a token of its ServiceAccount;
/// mesh's namespace holds no component.
struct Installed {
    kube: Kube,
    /// A kubeconfig as the pod has it: the API server, its CA, the ServiceAccount's token,
    /// the namespace.
    sa_kubeconfig: PathBuf,
    /// The ServiceAccount's token.
    sa_token: String,
    /// The Role as shipped.
    role: Value,
    scratch: tempfile::TempDir,
}

fn install() -> Option<(MutexGuard<'static, ()>, Installed)> {
    let serial = SERIAL.lock().unwrap_or_else(PoisonError::into_inner);
    let kube = kube()?;
    install_crds(&kube);
    let applied = kubectl(&kube, &["apply", "-f", "-"], Some(&rendered(&kube, "")));
    for object in [
        "namespace/mesh",
        "serviceaccount/mesh",
        "role.rbac.authorization.k8s.io/mesh",
        "rolebinding.rbac.authorization.k8s.io/mesh",
        "deployment.apps/mesh",
        "service/mesh",
        "poddisruptionbudget.policy/mesh",
    ] {
        assert!(applied.contains(object), "{object} applied: {applied}");
    }
    let (code, answer) = kube.api(
        "POST",
        &format!("/api/v1/namespaces/{NS}/serviceaccounts/mesh/token"),
        Some(r#"{"apiVersion":"authentication.k8s.io/v1","kind":"TokenRequest","spec":{"expirationSeconds":3600}}"#),
    );
    assert_eq!(code, "201", "TokenRequest: {answer}");
    let answer: Value = serde_json::from_str(&answer).unwrap();
    let sa_token = answer["status"]["token"].as_str().unwrap().to_owned();
    let scratch = scratch("deploy");
    let sa_kubeconfig = scratch.path().join("mesh-sa.kubeconfig");
    std::fs::write(
        &sa_kubeconfig,
        format!(
            "apiVersion: v1\nkind: Config\nclusters:\n- name: local\n  cluster:\n    server: {}\n    certificate-authority: {}\n\
             users:\n- name: mesh\n  user:\n    token: {sa_token}\ncontexts:\n- name: mesh\n  context:\n    cluster: local\n    user: mesh\n    namespace: {NS}\n\
             current-context: mesh\n",
            kube.server_url(),
            kube.state_dir().join("ca.crt").display()
        ),
    )
    .unwrap();
    let (code, role) = kube.api(
        "GET",
        &format!("/apis/rbac.authorization.k8s.io/v1/namespaces/{NS}/roles/mesh"),
        None,
    );
    assert_eq!(code, "200", "{role}");
    let role = serde_json::from_str(&role).unwrap();
    let installed = Installed {
        kube,
        sa_kubeconfig,
        sa_token,
        role,
        scratch,
    };
    // What a run that failed half-way left.
    installed.clean();
    Some((serial, installed))
}

impl Installed {
    /// Whether the API server lets the ServiceAccount `verb` `resource` in `namespace`.
    fn allowed(&self, group: &str, resource: &str, verb: &str, namespace: &str) -> bool {
        let review = json!({
            "apiVersion": "authorization.k8s.io/v1", "kind": "SubjectAccessReview",
            "spec": {
                "user": format!("system:serviceaccount:{NS}:mesh"),
                "groups": ["system:serviceaccounts", format!("system:serviceaccounts:{NS}"), "system:authenticated"],
                "resourceAttributes": {"namespace": namespace, "verb": verb, "group": group, "resource": resource}
            }
        });
        let (code, answer) = self.kube.api(
            "POST",
            "/apis/authorization.k8s.io/v1/subjectaccessreviews",
            Some(&review.to_string()),
        );
        assert_eq!(code, "201", "{answer}");
        let answer: Value = serde_json::from_str(&answer).unwrap();
        answer["status"]["allowed"] == true
    }

    /// Replaces the Role's rules and waits until the API server's authorizer has them.
    fn set_rules(&self, rules: &Value, (group, resource, verb): (&str, &str, &str), allowed: bool) {
        let mut role = self.role.clone();
        role["rules"] = rules.clone();
        for k in ["resourceVersion", "managedFields", "uid", "creationTimestamp"] {
            role["metadata"].as_object_mut().unwrap().remove(k);
        }
        let (code, answer) = self.kube.api(
            "PUT",
            &format!("/apis/rbac.authorization.k8s.io/v1/namespaces/{NS}/roles/mesh"),
            Some(&role.to_string()),
        );
        assert_eq!(code, "200", "{answer}");
        let since = Instant::now();
        while self.allowed(group, resource, verb, NS) != allowed {
            assert!(
                since.elapsed() < Duration::from_secs(20),
                "the Role change takes effect"
            );
            std::thread::sleep(Duration::from_millis(100));
        }
    }

    /// The shipped rules without `verb` on `resource`.
    fn rules_without(&self, group: &str, resource: &str, verb: &str) -> Value {
        let mut removed = false;
        let rules: Vec<Value> = self.role["rules"]
            .as_array()
            .unwrap()
            .iter()
            .flat_map(|rule| {
                let grants = rule["apiGroups"].as_array().unwrap().contains(&json!(group))
                    && rule["resources"].as_array().unwrap().contains(&json!(resource));
                if !grants {
                    return vec![rule.clone()];
                }
                removed = true;
                // The rule for the other resources as it is; for this one without the verb.
                let others: Vec<&Value> = rule["resources"]
                    .as_array()
                    .unwrap()
                    .iter()
                    .filter(|r| *r != resource)
                    .collect();
                let verbs: Vec<&Value> = rule["verbs"]
                    .as_array()
                    .unwrap()
                    .iter()
                    .filter(|v| *v != verb)
                    .collect();
                let mut split = Vec::new();
                if !others.is_empty() {
                    let mut r = rule.clone();
                    r["resources"] = json!(others);
                    split.push(r);
                }
                if !verbs.is_empty() {
                    let mut r = rule.clone();
                    r["resources"] = json!([resource]);
                    r["verbs"] = json!(verbs);
                    split.push(r);
                }
                split
            })
            .collect();
        assert!(removed, "the shipped Role grants {verb} on {resource}");
        json!(rules)
    }

    fn cr(&self, plural: &str, name: &str) -> Option<Value> {
        let (code, body) = self.kube.api(
            "GET",
            &format!("/apis/compute.functionmesh.io/v1alpha1/namespaces/{NS}/{plural}/{name}"),
            None,
        );
        (code == "200").then(|| serde_json::from_str(&body).unwrap())
    }

    fn secret_exists(&self, name: &str) -> bool {
        self.kube
            .api("GET", &format!("/api/v1/namespaces/{NS}/secrets/{name}"), None)
            .0
            == "200"
    }

    /// Deletes every component mesh wrote in the namespace (a run that failed half-way).
    fn clean(&self) {
        for plural in ["functions", "sources", "sinks"] {
            self.kube.api(
                "DELETE",
                &format!("/apis/compute.functionmesh.io/v1alpha1/namespaces/{NS}/{plural}"),
                None,
            );
        }
        self.kube.api(
            "DELETE",
            &format!("/api/v1/namespaces/{NS}/secrets?labelSelector=compute.functionmesh.io/pulsar-cluster"),
            None,
        );
        self.kube
            .api("DELETE", &format!("/api/v1/namespaces/{NS}/pods"), None);
        self.kube.api(
            "DELETE",
            &format!("/api/v1/namespaces/{NS}/configmaps?labelSelector=app.kubernetes.io/managed-by%3Dmesh"),
            None,
        );
    }

    /// A shipped worker config, as this test runs it: the broker's admin URL is the local stub's
    /// (`common::broker`), and `replace` pairs change more.
    fn worker_config(&self, shipped: &str, replace: &[(&str, &str)], broker: &str) -> PathBuf {
        let mut text = std::fs::read_to_string(deploy_dir().join(shipped)).unwrap();
        for (from, to) in [(SHIPPED_BROKER, broker)].iter().chain(replace) {
            assert!(text.contains(from), "{shipped} holds {from}");
            text = text.replace(from, to);
        }
        let path = self.scratch.path().join(shipped.replace('/', "-"));
        std::fs::write(&path, text).unwrap();
        path
    }

    /// The ConfigMap `name`, when it is there.
    fn config_map(&self, name: &str) -> Option<Value> {
        let (code, body) = self
            .kube
            .api("GET", &format!("/api/v1/namespaces/{NS}/configmaps/{name}"), None);
        (code == "200").then(|| serde_json::from_str(&body).unwrap())
    }

    /// Creates the pod a StatefulSet of the operator would run as instance `ordinal` of `cr`.
    fn pod(&self, cr: &Value, suffix: &str, ordinal: u32) {
        let set = format!("{}-{suffix}", cr["metadata"]["name"].as_str().unwrap());
        let pod = json!({
            "apiVersion": "v1", "kind": "Pod",
            "metadata": {"name": format!("{set}-{ordinal}"), "labels": cr["spec"]["pod"]["labels"],
                "ownerReferences": [{"apiVersion": "apps/v1", "kind": "StatefulSet", "name": set,
                    "uid": "6d2b8e9a-0000-4000-8000-000000000002"}]},
            "spec": {"containers": [{"name": "runner", "image": "runner"}]}
        });
        let (code, answer) = self.kube.api(
            "POST",
            &format!("/api/v1/namespaces/{NS}/pods"),
            Some(&pod.to_string()),
        );
        assert_eq!(code, "201", "{answer}");
    }

    fn pod_exists(&self, name: &str) -> bool {
        let (code, body) = self
            .kube
            .api("GET", &format!("/api/v1/namespaces/{NS}/pods/{name}"), None);
        code == "200" && !body.contains("deletionTimestamp")
    }
}

/// The name of the resource of `public/default/{name}` (the same for every kind).
fn object_name(name: &str) -> String {
    mesh_core::convert::naming::object_name(CLUSTER, "public", "default", name)
}

/// One kind of component as the admin API and the cluster name it.
struct KindUnderTest {
    /// The admin API's mount (`/admin/v3/functions`).
    mount: &'static str,
    /// The config's form part.
    part: &'static str,
    /// The CRD's plural.
    plural: &'static str,
    /// The suffix of its StatefulSet's name.
    suffix: &'static str,
    /// The package URL's scheme.
    package: &'static str,
    /// A config of it.
    config: fn(u32) -> Value,
}

const KINDS: [KindUnderTest; 3] = [
    KindUnderTest {
        mount: "/admin/v3/functions",
        part: "functionConfig",
        plural: "functions",
        suffix: "function",
        package: "function",
        config: |p| json!({"className": "org.example.Echo", "inputs": ["persistent://public/default/in"], "parallelism": p}),
    },
    KindUnderTest {
        mount: "/admin/v3/sources",
        part: "sourceConfig",
        plural: "sources",
        suffix: "source",
        package: "source",
        config: |p| json!({"className": "org.example.Generate", "topicName": "persistent://public/default/generated", "parallelism": p}),
    },
    KindUnderTest {
        mount: "/admin/v3/sinks",
        part: "sinkConfig",
        plural: "sinks",
        suffix: "sink",
        package: "sink",
        config: |p| json!({"className": "org.example.Store", "inputs": ["persistent://public/default/out"], "parallelism": p}),
    },
];

impl KindUnderTest {
    fn path(&self, name: &str) -> String {
        format!("{}/public/default/{name}", self.mount)
    }

    fn url(&self, name: &str, version: u32) -> String {
        format!("{}://public/default/{name}@{version}", self.package)
    }

    fn create(&self, addr: &str, name: &str, parallelism: u32, token: Option<&str>) -> String {
        self.write("POST", addr, name, (parallelism, 1), token)
    }

    fn update(&self, addr: &str, name: &str, parallelism: u32, token: Option<&str>) -> String {
        self.write("PUT", addr, name, (parallelism, 2), token)
    }

    /// A create or update with `parallelism` and package version `version`.
    fn write(
        &self,
        method: &str,
        addr: &str,
        name: &str,
        (parallelism, version): (u32, u32),
        token: Option<&str>,
    ) -> String {
        let config = (self.config)(parallelism).to_string();
        form(
            method,
            addr,
            &self.path(name),
            (self.part, &config),
            &self.url(name, version),
            token,
        )
    }
}

/// `mesh serve` on the shipped kind of kubeconfig: the child and its address.
fn serve_as(kubeconfig: &Path, worker: &Path, extra: &[&str]) -> (String, std::process::Child) {
    let kubeconfig = kubeconfig.display().to_string();
    let worker = worker.display().to_string();
    let mut args = vec![
        "--listen",
        "127.0.0.1:0",
        "--worker-config",
        &worker,
        "--store",
        "kube",
        "--kubeconfig",
        &kubeconfig,
    ];
    args.extend_from_slice(extra);
    let (addr, child, lines) = common::serve(&args);
    std::thread::spawn(move || for _ in lines {});
    (addr, child)
}

fn stop(mut child: std::process::Child) -> Option<i32> {
    common::sigterm(&child);
    child.wait().unwrap().code()
}

/// An RSA key pair made by openssl (PEM): the private key's text, and the public key's file.
fn key_pair(dir: &Path) -> (String, PathBuf) {
    let private = dir.join("private.pem");
    let public = dir.join("public.key");
    let run = |args: &[&str]| {
        let out = Command::new("openssl").args(args).output().unwrap();
        assert!(out.status.success(), "openssl {args:?}: {}", text(&out.stderr));
    };
    run(&["genrsa", "-out", &private.display().to_string(), "2048"]);
    run(&[
        "rsa",
        "-in",
        &private.display().to_string(),
        "-pubout",
        "-out",
        &public.display().to_string(),
    ]);
    (std::fs::read_to_string(private).unwrap(), public)
}

#[test]
fn the_shipped_installation_runs_every_admin_flow_with_exactly_its_rbac() {
    let Some((_serial, installed)) = install() else {
        return;
    };
    let k = &installed;
    // The token overlay, as docs/deploy.md installs it: its Secret from a key file, then the
    // overlay (server-side dry runs, the base being installed).
    let (private_key, public_key) = key_pair(k.scratch.path());
    // mesh's own token toward the broker (the stub does not check it).
    let broker_token = k.scratch.path().join("mesh.jwt");
    std::fs::write(&broker_token, "mesh-worker-token").unwrap();
    for (secret, file) in [
        (
            "mesh-token-key",
            format!("--from-file=public.key={}", public_key.display()),
        ),
        (
            "mesh-broker-token",
            format!("--from-file=token={}", broker_token.display()),
        ),
    ] {
        kubectl(
            &k.kube,
            &[
                "create",
                "secret",
                "generic",
                secret,
                "-n",
                NS,
                &file,
                "--dry-run=server",
            ],
            None,
        );
    }
    let overlay = rendered(&k.kube, "overlays/token-auth");
    kubectl(&k.kube, &["apply", "--dry-run=server", "-f", "-"], Some(&overlay));

    // mesh serve with the overlay's worker config (its key file where this test keeps it):
    // callers authenticate with tokens, and each component gets its caller's token in a Secret.
    let broker = common::broker::broker();
    let key_file = format!("file://{}", public_key.display());
    let token_file = format!("file://{}", broker_token.display());
    let worker = k.worker_config(
        "overlays/token-auth/functions_worker.yml",
        &[
            ("file:///etc/mesh/token/public.key", &key_file),
            ("file:///etc/mesh/broker-token/token", &token_file),
        ],
        &broker,
    );
    let token = jsonwebtoken::encode(
        &jsonwebtoken::Header::new(jsonwebtoken::Algorithm::RS256),
        &json!({"sub": "alice"}),
        &jsonwebtoken::EncodingKey::from_rsa_pem(private_key.as_bytes()).unwrap(),
    )
    .unwrap();
    let t = Some(token.as_str());
    let (addr, child) = serve_as(&k.sa_kubeconfig, &worker, &[]);
    let a = addr.as_str();
    assert_eq!(http(a, &plain("GET", a, "/readyz", None)).0, 200);
    let refused = http(a, &KINDS[0].create(a, "echo", 1, None));
    assert_eq!(refused.0, 401, "{refused:?}");

    // Every admin flow of every kind, with exactly the shipped permissions.
    for kind in &KINDS {
        let name = format!("e2e-{}", kind.suffix);
        let object = object_name(&name);
        let path = kind.path(&name);
        let (s, b) = http(a, &kind.create(a, &name, 2, t));
        assert_eq!(s, 204, "create {name}: {b}");
        let cr = k.cr(kind.plural, &object).expect("the CR is in the cluster");
        assert_eq!(cr["spec"]["replicas"], 2);
        let secret = cr["spec"]["pulsar"]["authSecret"]
            .as_str()
            .expect("an auth Secret");
        assert!(
            k.secret_exists(secret),
            "the caller's Secret {secret} is in the cluster"
        );
        // The cluster ConfigMap it refers to, made from the worker config's URLs.
        let config = cr["spec"]["pulsar"]["pulsarConfig"].as_str().unwrap();
        let map = k.config_map(config).expect("the cluster ConfigMap is there");
        assert_eq!(map["data"]["webServiceURL"], broker.as_str());
        assert_eq!(
            map["data"]["brokerServiceURL"],
            "pulsar://pulsar-broker.pulsar.svc.cluster.local:6650"
        );
        assert_eq!(map["metadata"]["labels"]["app.kubernetes.io/managed-by"], "mesh");

        let (s, b) = http(a, &plain("GET", a, &path, t));
        assert_eq!(s, 200, "get {name}: {b}");
        assert_eq!(serde_json::from_str::<Value>(&b).unwrap()["parallelism"], 2);
        let (s, b) = http(a, &plain("GET", a, &format!("{}/public/default", kind.mount), t));
        assert_eq!((s, b.as_str()), (200, format!("[\"{name}\"]").as_str()));
        let (s, b) = http(a, &kind.update(a, &name, 3, t));
        assert_eq!(s, 204, "update {name}: {b}");
        assert_eq!(k.cr(kind.plural, &object).unwrap()["spec"]["replicas"], 3);
        let (s, b) = http(a, &plain("GET", a, &format!("{path}/status"), t));
        assert_eq!(s, 200, "status {name}: {b}");
        assert_eq!(serde_json::from_str::<Value>(&b).unwrap()["numInstances"], 3);
        for (action, replicas) in [("stop", 0), ("start", 3), ("restart", 3)] {
            let (s, b) = http(a, &plain("POST", a, &format!("{path}/{action}"), t));
            assert_eq!(s, 204, "{action} {name}: {b}");
            assert_eq!(k.cr(kind.plural, &object).unwrap()["spec"]["replicas"], replicas);
        }
        let cr = k.cr(kind.plural, &object).unwrap();
        k.pod(&cr, kind.suffix, 0);
        let pod = format!("{object}-{}-0", kind.suffix);
        let (s, b) = http(a, &plain("POST", a, &format!("{path}/0/restart"), t));
        assert_eq!(s, 204, "restart instance 0 of {name}: {b}");
        assert!(!k.pod_exists(&pod), "{pod} deleted");
        let (s, b) = http(a, &plain("DELETE", a, &path, t));
        assert_eq!(s, 204, "delete {name}: {b}");
        assert!(k.cr(kind.plural, &object).is_none(), "{name} gone");
        assert!(!k.secret_exists(secret), "its Secret gone with it");
    }

    // Outside the Role: another namespace, through the store and directly.
    let sa = k.sa_kubeconfig.display().to_string();
    let elsewhere = mesh(&[
        "list".into(),
        "function".into(),
        "--store".into(),
        "kube".into(),
        "--kubeconfig".into(),
        sa.clone(),
        "-n".into(),
        "default".into(),
    ]);
    assert_ne!(elsewhere.status.code(), Some(0));
    assert!(
        text(&elsewhere.stderr).contains("forbidden"),
        "{}",
        text(&elsewhere.stderr)
    );
    let (code, answer) = k
        .kube
        .api_as(&k.sa_token, "GET", "/api/v1/namespaces/default/secrets", None);
    assert_eq!(code, "403", "{answer}");
    for (group, resource, verb) in [
        ("compute.functionmesh.io", "functions", "update"),
        ("compute.functionmesh.io", "functions", "watch"),
        ("compute.functionmesh.io", "functionmeshes", "create"),
        ("", "pods", "get"),
        ("", "configmaps", "delete"),
        ("apps", "statefulsets", "get"),
    ] {
        assert!(
            !k.allowed(group, resource, verb, NS),
            "{verb} {resource} is not granted"
        );
    }

    // Each permission is needed: without it, the flow that needs it is refused by the API
    // server (answered 403 with its reason), and a create that fails part-way is undone.
    let f = &KINDS[0];
    let name = "needed";
    let object = object_name(name);
    let path = f.path(name);
    let (s, b) = http(a, &f.create(a, name, 1, t));
    assert_eq!(s, 204, "{b}");
    let cr = k.cr(f.plural, &object).unwrap();
    k.pod(&cr, f.suffix, 0);
    let group = "compute.functionmesh.io";
    let probe = "probe";
    let config = cr["spec"]["pulsar"]["pulsarConfig"].as_str().unwrap().to_owned();
    let checks: [(&str, &str, &str, String); 15] = [
        (group, "functions", "create", f.create(a, probe, 1, t)),
        (group, "functions", "get", plain("GET", a, &path, t)),
        (
            group,
            "functions",
            "list",
            plain("GET", a, &format!("{}/public/default", f.mount), t),
        ),
        (group, "functions", "patch", f.update(a, name, 2, t)),
        (group, "functions", "delete", plain("DELETE", a, &path, t)),
        (group, "sources", "create", KINDS[1].create(a, probe, 1, t)),
        (group, "sinks", "create", KINDS[2].create(a, probe, 1, t)),
        ("", "secrets", "get", f.create(a, probe, 1, t)),
        ("", "secrets", "create", f.create(a, probe, 1, t)),
        ("", "secrets", "patch", f.create(a, probe, 1, t)),
        ("", "configmaps", "get", f.create(a, probe, 1, t)),
        ("", "configmaps", "patch", f.create(a, probe, 1, t)),
        // Last of the three: it needs the ConfigMap missing, and the check deletes it.
        ("", "configmaps", "create", f.create(a, probe, 1, t)),
        (
            "",
            "pods",
            "list",
            plain("POST", a, &format!("{path}/0/restart"), t),
        ),
        (
            "",
            "pods",
            "delete",
            plain("POST", a, &format!("{path}/0/restart"), t),
        ),
    ];
    for (group, resource, verb, request) in checks {
        k.set_rules(
            &k.rules_without(group, resource, verb),
            (group, resource, verb),
            false,
        );
        if (resource, verb) == ("configmaps", "create") {
            k.kube.api(
                "DELETE",
                &format!("/api/v1/namespaces/{NS}/configmaps/{config}"),
                None,
            );
        }
        let (s, b) = http(a, &request);
        assert_eq!(s, 403, "without {verb} on {resource}: {b}");
        assert!(b.contains("forbidden"), "{b}");
        if resource == "secrets" {
            assert!(b.contains("create undone"), "{b}");
        }
        for kind in &KINDS {
            assert!(
                k.cr(kind.plural, &object_name(probe)).is_none(),
                "nothing half-made"
            );
        }
        k.set_rules(&k.role["rules"], (group, resource, verb), true);
    }
    // Last, as it leaves the CR deleted: without deleting Secrets, the delete is refused.
    let secret = cr["spec"]["pulsar"]["authSecret"].as_str().unwrap().to_owned();
    let deleting = ("", "secrets", "delete");
    k.set_rules(&k.rules_without("", "secrets", "delete"), deleting, false);
    let (s, b) = http(a, &plain("DELETE", a, &path, t));
    assert_eq!(s, 403, "{b}");
    assert!(k.secret_exists(&secret));
    k.set_rules(&k.role["rules"], deleting, true);
    assert_eq!(stop(child), Some(0));

    // The Secrets `list` rule serves the OAuth2 handler: a caller's key Secret is found by its
    // annotation. A worker config of that handler (no broker URL: mesh calls no broker with
    // OAuth2), and the key Secret of the caller `alice`.
    let oauth2 = k.scratch.path().join("oauth2_worker.yml");
    std::fs::write(
        &oauth2,
        format!(
            "pulsarFunctionsCluster: pulsar\nauthenticationEnabled: true\n\
             authenticationProviders: [org.apache.pulsar.broker.authentication.AuthenticationProviderToken]\n\
             properties: {{tokenPublicKey: '{key_file}', tokenPublicAlg: RS256}}\n\
             brokerClientAuthenticationPlugin: org.apache.pulsar.client.impl.auth.oauth2.AuthenticationOAuth2\n\
             brokerClientAuthenticationParameters: '{{\"issuerUrl\":\"https://auth.example.com\",\"privateKey\":\"file:///mnt/keys/key.json\",\"audience\":\"urn:pulsar\"}}'\n\
             functionsWorkerServiceCustomConfigs: {{usingInsecureAuth: false}}\n"
        ),
    )
    .unwrap();
    let key_secret = json!({"apiVersion": "v1", "kind": "Secret",
        "metadata": {"name": "alice-oauth2-key", "annotations": {"cloud.streamnative.io/service-account.email": "alice"}},
        "stringData": {"auth.json": "{}"}});
    let (code, answer) = k.kube.api(
        "POST",
        &format!("/api/v1/namespaces/{NS}/secrets"),
        Some(&key_secret.to_string()),
    );
    assert!(code == "201" || code == "409", "{answer}");
    let (addr, child) = serve_as(&k.sa_kubeconfig, &oauth2, &[]);
    let a = addr.as_str();
    let (s, b) = http(a, &f.create(a, "oauth", 1, t));
    assert_eq!(s, 204, "{b}");
    let cr = k.cr(f.plural, &object_name("oauth")).unwrap();
    assert_eq!(
        cr["spec"]["pulsar"]["authConfig"]["oauth2Config"]["keySecretName"], "alice-oauth2-key",
        "{cr}"
    );
    let listing = ("", "secrets", "list");
    k.set_rules(&k.rules_without("", "secrets", "list"), listing, false);
    let (s, b) = http(a, &f.create(a, "oauth-unlisted", 1, t));
    assert_eq!(s, 403, "without list on secrets: {b}");
    assert!(k.cr(f.plural, &object_name("oauth-unlisted")).is_none());
    k.set_rules(&k.role["rules"], listing, true);
    assert_eq!(stop(child), Some(0));
    k.kube.api(
        "DELETE",
        &format!("/api/v1/namespaces/{NS}/secrets/alice-oauth2-key"),
        None,
    );
    installed.clean();
}

/// What a client saw of one request.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Seen {
    /// A whole response with this status.
    Answered(u16),
    /// The connection was refused: the server was not accepting.
    Refused,
    /// Connected and sent, but no whole response came back: a lost request.
    Lost,
}

/// One GET on a connection of its own, classified.
fn attempt(addr: &str, path: &str) -> Seen {
    let Ok(mut stream) = std::net::TcpStream::connect(addr) else {
        return Seen::Refused;
    };
    let request = format!("GET {path} HTTP/1.1\r\nHost: {addr}\r\nConnection: close\r\n\r\n");
    if stream.write_all(request.as_bytes()).is_err() {
        return Seen::Lost;
    }
    let mut response = Vec::new();
    if stream.read_to_end(&mut response).is_err() {
        return Seen::Lost;
    }
    let response = String::from_utf8_lossy(&response);
    let whole = response.split_once("\r\n\r\n").is_some_and(|(head, body)| {
        head.lines()
            .find_map(|l| l.strip_prefix("content-length: "))
            .and_then(|n| n.trim().parse::<usize>().ok())
            .is_some_and(|n| n == body.len())
    });
    match response.split(' ').nth(1).and_then(|c| c.parse().ok()) {
        Some(status) if whole => Seen::Answered(status),
        _ => Seen::Lost,
    }
}

#[test]
fn two_replicas_race_share_their_writes_and_one_drains_on_sigterm() {
    let Some((_serial, installed)) = install() else {
        return;
    };
    let k = &installed;
    let broker = common::broker::broker();
    let worker = k.worker_config("base/functions_worker.yml", &[], &broker);
    let (a, child_a) = serve_as(&k.sa_kubeconfig, &worker, &["--shutdown-delay", "2"]);
    let (b, child_b) = serve_as(&k.sa_kubeconfig, &worker, &[]);
    let f = &KINDS[0];

    // 100 creates of one name, raced across both: exactly one wins.
    let threads: Vec<_> = (0..100)
        .map(|i| {
            let addr = if i % 2 == 0 { a.clone() } else { b.clone() };
            let request = f.create(&addr, "race", 1, None);
            std::thread::spawn(move || http(&addr, &request))
        })
        .collect();
    let answers: Vec<(u16, String)> = threads.into_iter().map(|t| t.join().unwrap()).collect();
    let won = answers.iter().filter(|(s, _)| *s == 204).count();
    assert_eq!(won, 1, "{answers:?}");
    for (s, body) in answers.iter().filter(|(s, _)| *s != 204) {
        assert_eq!(*s, 400, "{body}");
        assert!(body.contains("already exists"), "{body}");
    }
    let (code, list) = k.kube.api(
        "GET",
        &format!("/apis/compute.functionmesh.io/v1alpha1/namespaces/{NS}/functions"),
        None,
    );
    assert_eq!(code, "200");
    let list: Value = serde_json::from_str(&list).unwrap();
    assert_eq!(
        list["items"].as_array().unwrap().len(),
        1,
        "one resource in the cluster"
    );

    // Each sees the other's writes: no state but the API server's.
    let path = f.path("race");
    let (s, body) = http(&b, &f.update(&b, "race", 4, None));
    assert_eq!(s, 204, "{body}");
    let (s, body) = http(&a, &plain("GET", &a, &path, None));
    assert_eq!(s, 200, "{body}");
    assert_eq!(serde_json::from_str::<Value>(&body).unwrap()["parallelism"], 4);
    let (s, body) = http(&a, &plain("POST", &a, &format!("{path}/stop"), None));
    assert_eq!(s, 204, "{body}");
    let (s, body) = http(&b, &plain("GET", &b, &format!("{path}/status"), None));
    assert_eq!(s, 200, "{body}");
    assert_eq!(serde_json::from_str::<Value>(&body).unwrap()["numRunning"], 0);

    // A request in flight when the signal comes: its body arrives after the listener closed.
    let slow = f.create(&a, "in-flight", 1, None);
    let (head, rest) = slow.split_at(slow.len() - 20);
    let mut in_flight = std::net::TcpStream::connect(&a).unwrap();
    in_flight.write_all(head.as_bytes()).unwrap();

    // Load on both; clients leave A when its readiness fails, as a Service's endpoints do.
    let draining = Arc::new(AtomicBool::new(false));
    let done = Arc::new(AtomicBool::new(false));
    let load: Vec<_> = (0..4)
        .map(|i| {
            let (a, b, path) = (a.clone(), b.clone(), path.clone());
            let (draining, done) = (Arc::clone(&draining), Arc::clone(&done));
            std::thread::spawn(move || {
                let mut seen = Vec::new();
                while !done.load(Ordering::Relaxed) {
                    let to_a = i % 2 == 0 && !draining.load(Ordering::Relaxed);
                    let addr = if to_a { &a } else { &b };
                    seen.push((to_a, attempt(addr, &path)));
                }
                seen
            })
        })
        .collect();
    std::thread::sleep(Duration::from_millis(500));
    let signalled = Instant::now();
    common::sigterm(&child_a);
    while attempt(&a, "/readyz") == Seen::Answered(200) {
        assert!(signalled.elapsed() < Duration::from_secs(1));
    }
    draining.store(true, Ordering::Relaxed);
    // The listener closes after the delay; the request in flight is still finished after that.
    while std::net::TcpStream::connect(&a).is_ok() {
        assert!(
            signalled.elapsed() < Duration::from_secs(10),
            "A's listener closes"
        );
        std::thread::sleep(Duration::from_millis(50));
    }
    let closed_after = signalled.elapsed();
    assert!(
        closed_after >= Duration::from_secs(2),
        "open for the delay: {closed_after:?}"
    );
    in_flight.write_all(rest.as_bytes()).unwrap();
    let mut answer = String::new();
    in_flight.read_to_string(&mut answer).unwrap();
    assert!(answer.starts_with("HTTP/1.1 204"), "{answer}");
    let mut child_a = child_a;
    let exit = child_a.wait().unwrap();
    let exited_after = signalled.elapsed();
    std::thread::sleep(Duration::from_millis(300));
    done.store(true, Ordering::Relaxed);
    let seen: Vec<(bool, Seen)> = load.into_iter().flat_map(|t| t.join().unwrap()).collect();
    assert_eq!(exit.code(), Some(0), "A stopped cleanly");
    let dropped: Vec<_> = seen.iter().filter(|(_, s)| *s == Seen::Lost).collect();
    assert!(dropped.is_empty(), "no accepted request is lost: {dropped:?}");
    let to_a = seen.iter().filter(|(to_a, _)| *to_a).count();
    let to_b = seen.iter().filter(|(to_a, _)| !*to_a).count();
    assert!(to_a > 0 && to_b > 0, "{to_a} to A, {to_b} to B");
    assert!(
        seen.iter().all(|(_, s)| *s == Seen::Answered(200)),
        "every request answered: {seen:?}"
    );
    let (s, body) = http(&b, &plain("GET", &b, &path, None));
    assert_eq!(s, 200, "B keeps answering: {body}");
    assert!(k.cr(f.plural, &object_name("in-flight")).is_some());
    eprintln!(
        "race: 1 of 100 creates won; drain: {to_a} requests to A, {to_b} to B, none lost; A closed its listener {closed_after:?} and exited {exited_after:?} after SIGTERM"
    );
    assert_eq!(stop(child_b), Some(0));
    installed.clean();
}

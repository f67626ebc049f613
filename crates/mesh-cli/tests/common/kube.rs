//! The real kube-apiserver of the cluster tier (`../shared/kube/start-kube-apiserver.sh`): where
//! it is, calls to it with the admin token, its lifecycle, and running the `mesh` binary on it.
//!
//! Tests use it when `MESH_TEST_KUBECONFIG` names the server's kubeconfig and
//! `MESH_TEST_KUBE_SCRIPTS` the folder of its start and stop scripts (`.ci/run` sets both);
//! otherwise [`kube`] says the test is skipped.

use std::path::PathBuf;
use std::process::{Command, Output};
use std::time::Duration;

/// The API server of the cluster tier.
pub struct Kube {
    /// The admin kubeconfig the start script wrote.
    pub kubeconfig: PathBuf,
    /// The folder of the start and stop scripts.
    pub scripts: PathBuf,
}

pub fn kube() -> Option<Kube> {
    let (Some(kubeconfig), Some(scripts)) = (
        std::env::var_os("MESH_TEST_KUBECONFIG"),
        std::env::var_os("MESH_TEST_KUBE_SCRIPTS"),
    ) else {
        eprintln!("skipped: MESH_TEST_KUBECONFIG and MESH_TEST_KUBE_SCRIPTS are not set (.ci/run sets them)");
        return None;
    };
    Some(Kube {
        kubeconfig: kubeconfig.into(),
        scripts: scripts.into(),
    })
}

impl Kube {
    /// The folder the start script keeps its state in (certificates, token, pids).
    pub fn state_dir(&self) -> PathBuf {
        self.kubeconfig.parent().unwrap().to_owned()
    }

    /// Kills the kube-apiserver process abruptly (etcd keeps running until `restart`).
    pub fn kill_api_server(&self) {
        let pid = std::fs::read_to_string(self.state_dir().join("kube-apiserver.pid")).unwrap();
        let killed = Command::new("kill").args(["-KILL", pid.trim()]).status().unwrap();
        assert!(killed.success());
    }

    pub fn script(&self, name: &str) {
        let out = Command::new("bash")
            .arg(self.scripts.join(name))
            .output()
            .unwrap();
        assert!(
            out.status.success(),
            "{name}: {}",
            String::from_utf8_lossy(&out.stderr)
        );
    }

    /// Stops what is left of etcd and the API server, then starts both again on the same data.
    pub fn restart(&self) {
        self.script("stop-kube-apiserver.sh");
        std::thread::sleep(Duration::from_secs(1));
        self.script("start-kube-apiserver.sh");
    }

    /// Calls the API server with the admin token: the status code and the body.
    pub fn api(&self, method: &str, path: &str, body: Option<&str>) -> (String, String) {
        let token = std::fs::read_to_string(self.state_dir().join("token")).unwrap();
        self.api_as(token.trim(), method, path, body)
    }

    /// Calls the API server with the bearer token `token`: the status code and the body.
    pub fn api_as(&self, token: &str, method: &str, path: &str, body: Option<&str>) -> (String, String) {
        let mut curl = Command::new("curl");
        curl.args(["-sS", "-w", "\n%{http_code}", "--cacert"])
            .arg(self.state_dir().join("ca.crt"))
            .args(["-H", &format!("Authorization: Bearer {token}")])
            .args(["-H", "Content-Type: application/json", "-X", method]);
        if let Some(b) = body {
            curl.args(["--data", b]);
        }
        let out = curl.arg(self.server_url() + path).output().unwrap();
        let text = text(&out.stdout);
        let (body, code) = text.rsplit_once('\n').unwrap_or(("", ""));
        (code.to_owned(), body.to_owned())
    }

    /// Creates `namespace` (a conflict means it is there already).
    pub fn namespace(&self, namespace: &str) {
        let body = format!(r#"{{"metadata":{{"name":"{namespace}"}}}}"#);
        let (code, answer) = self.api("POST", "/api/v1/namespaces", Some(&body));
        assert!(
            code == "201" || code == "409",
            "namespace {namespace}: {code} {answer}"
        );
    }

    /// Deletes every Function in `namespace`.
    pub fn delete_functions(&self, namespace: &str) {
        let (code, answer) = self.api(
            "DELETE",
            &format!("/apis/compute.functionmesh.io/v1alpha1/namespaces/{namespace}/functions"),
            None,
        );
        assert_eq!(code, "200", "{answer}");
    }

    /// The Functions in `namespace`, as the API server has them (none while it is away).
    pub fn functions(&self, namespace: &str) -> Vec<serde_json::Value> {
        let (code, body) = self.api(
            "GET",
            &format!("/apis/compute.functionmesh.io/v1alpha1/namespaces/{namespace}/functions"),
            None,
        );
        if code != "200" {
            return Vec::new();
        }
        let list: serde_json::Value = serde_json::from_str(&body).unwrap();
        list["items"].as_array().cloned().unwrap_or_default()
    }

    pub fn server_url(&self) -> String {
        let text = std::fs::read_to_string(&self.kubeconfig).unwrap();
        let line = text
            .lines()
            .find(|l| l.trim_start().starts_with("server:"))
            .unwrap();
        line.trim_start().trim_start_matches("server:").trim().to_owned()
    }

    pub fn store_args(&self, namespace: &str) -> Vec<String> {
        vec![
            "--store".into(),
            "kube".into(),
            "--kubeconfig".into(),
            self.kubeconfig.display().to_string(),
            "-n".into(),
            namespace.into(),
        ]
    }
}

pub fn mesh(args: &[String]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_mesh"))
        .args(args)
        .output()
        .unwrap()
}

pub fn text(b: &[u8]) -> String {
    String::from_utf8_lossy(b).into_owned()
}

/// A scratch directory, removed when dropped (also when the test fails).
pub fn scratch(name: &str) -> tempfile::TempDir {
    tempfile::Builder::new()
        .prefix(&format!("mesh-cli-cluster-{name}-"))
        .tempdir()
        .unwrap()
}

/// Installs the operator's CRDs (idempotent).
pub fn install_crds(kube: &Kube) {
    let out = mesh(&[
        "install-crds".to_owned(),
        "--store".to_owned(),
        "kube".to_owned(),
        "--kubeconfig".to_owned(),
        kube.kubeconfig.display().to_string(),
    ]);
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
}

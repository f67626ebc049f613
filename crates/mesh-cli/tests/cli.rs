//! The real `mesh` binary on files, directories, stdin and bad input.

#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};
use std::time::Duration;

mod common;
use common::{create_request, http, serve};

fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../..")
}

fn fixture(p: &str) -> String {
    root().join("fixtures").join(p).display().to_string()
}

fn mesh(args: &[&str], stdin: Option<&str>) -> Output {
    let mut child = Command::new(env!("CARGO_BIN_EXE_mesh"))
        .args(args)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let mut input = child.stdin.take().unwrap();
    if let Some(text) = stdin {
        input.write_all(text.as_bytes()).unwrap();
    }
    drop(input);
    child.wait_with_output().unwrap()
}

fn text(b: &[u8]) -> String {
    String::from_utf8(b.to_vec()).unwrap()
}

/// Asserts that `out`'s diagnostics (stderr) say `needle`.
#[track_caller]
fn says(out: &Output, needle: &str) {
    let stderr = text(&out.stderr);
    assert!(stderr.contains(needle), "{needle:?} not in:\n{stderr}");
}

/// A scratch directory, removed when the test ends (also when it fails).
struct Scratch(tempfile::TempDir);

impl std::ops::Deref for Scratch {
    type Target = std::path::Path;
    fn deref(&self) -> &std::path::Path {
        self.0.path()
    }
}

impl AsRef<std::path::Path> for Scratch {
    fn as_ref(&self) -> &std::path::Path {
        self.0.path()
    }
}

impl AsRef<std::ffi::OsStr> for Scratch {
    fn as_ref(&self) -> &std::ffi::OsStr {
        self.0.path().as_os_str()
    }
}

fn temp_dir(name: &str) -> Scratch {
    Scratch(
        tempfile::Builder::new()
            .prefix(&format!("mesh-cli-{name}-"))
            .tempdir()
            .unwrap(),
    )
}

const FUNCTION: &str = r#"{"name": "echo", "className": "org.example.Echo",
  "jar": "function://public/default/echo@1.0", "inputs": ["in"], "output": "out"}"#;

#[test]
fn converts_a_file_to_yaml() {
    let worker = fixture("worker/functions_worker.yml");
    let out = mesh(
        &[
            "convert",
            "--worker-config",
            &worker,
            &fixture("function/java-exclamation.yaml"),
        ],
        None,
    );
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
    let yaml = text(&out.stdout);
    assert!(
        yaml.starts_with("apiVersion: compute.functionmesh.io/v1alpha1\nkind: Function\n"),
        "{yaml}"
    );
    assert!(yaml.contains("name: exclamation-1b9d0a53"));
    assert!(text(&out.stderr).is_empty());
}

#[test]
fn reads_stdin_and_writes_json() {
    let out = mesh(
        &["convert", "--cluster", "local", "-o", "json", "-"],
        Some(FUNCTION),
    );
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(v["kind"], "Function");
    assert_eq!(v["spec"]["clusterName"], "local");
}

#[test]
fn several_documents_become_a_list_in_json_and_documents_in_yaml() {
    let two = "name: a\nclassName: A\njar: function://public/default/a@1\ninputs: [x]\n---\nname: b\nclassName: B\njar: function://public/default/b@1\ninputs: [y]\n";
    let out = mesh(&["convert", "--cluster", "c", "-o", "json", "-"], Some(two));
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(v["kind"], "List");
    assert_eq!(v["items"].as_array().unwrap().len(), 2);
    let out = mesh(&["convert", "--cluster", "c", "-"], Some(two));
    assert_eq!(text(&out.stdout).matches("\n---\n").count(), 1);
}

#[test]
fn converts_a_directory_recursively() {
    let dir = temp_dir("dir");
    std::fs::create_dir_all(dir.join("nested")).unwrap();
    std::fs::write(dir.join("a.json"), FUNCTION).unwrap();
    std::fs::copy(fixture("sink/elastic-builtin.yaml"), dir.join("nested/sink.yaml")).unwrap();
    std::fs::write(dir.join("notes.txt"), "not a config").unwrap();
    let args = [
        "convert",
        "--cluster",
        "c",
        "--connectors",
        &fixture("worker/connectors.yaml"),
        dir.to_str().unwrap(),
    ];
    let out = mesh(&args, None);
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
    let yaml = text(&out.stdout);
    assert!(
        yaml.contains("kind: Function") && yaml.contains("kind: Sink"),
        "{yaml}"
    );
}

#[test]
fn rejected_input_prints_every_error_and_nothing_on_stdout() {
    let out = mesh(&["convert", &fixture("function/invalid/bad-topics.yaml")], None);
    assert_eq!(out.status.code(), Some(1));
    assert!(out.stdout.is_empty());
    let err = text(&out.stderr);
    assert!(
        err.lines()
            .all(|l| l.starts_with("error: ") || l.starts_with("warning: ")),
        "{err}"
    );
    assert!(
        err.contains("error: inputs[1]: Input topic a/b is invalid\n"),
        "{err}"
    );
    assert!(
        err.contains("error: clusterName: clusterName is not provided.\n"),
        "{err}"
    );
}

#[test]
fn diagnostics_of_several_inputs_name_their_file() {
    let bad = fixture("function/invalid/no-inputs.yaml");
    let out = mesh(&["convert", "--cluster", "c", &bad, "-"], Some(FUNCTION));
    assert_eq!(out.status.code(), Some(1));
    let err = text(&out.stderr);
    assert!(
        err.contains(&format!(
            "error: {bad}:inputs: No input topic(s) specified for the function"
        )),
        "{err}"
    );
}

#[test]
fn ambiguous_kind_is_an_error_that_says_so_and_kind_resolves_it() {
    let doc = r#"{"name": "x", "className": "C", "parallelism": 1}"#;
    let out = mesh(&["convert", "--cluster", "c", "-"], Some(doc));
    assert_eq!(out.status.code(), Some(1));
    assert!(
        text(&out.stderr).contains("cannot tell whether this is a function, source or sink config"),
        "{}",
        text(&out.stderr)
    );
    let out = mesh(
        &["validate", "--kind", "function", "--cluster", "c", "-"],
        Some(doc),
    );
    assert!(
        text(&out.stderr).contains("No input topic(s) specified for the function"),
        "{}",
        text(&out.stderr)
    );
}

#[test]
fn usage_errors_exit_2() {
    let out = mesh(&["convert", "/no/such/file.yaml"], None);
    assert_eq!(out.status.code(), Some(2));
    assert!(
        text(&out.stderr).starts_with("error: cannot read /no/such/file.yaml: "),
        "{}",
        text(&out.stderr)
    );
    assert_eq!(mesh(&["convert"], None).status.code(), Some(2));
    assert_eq!(
        mesh(&["convert", "--to", "elsewhere", "x"], None).status.code(),
        Some(2)
    );
    let empty = temp_dir("empty");
    assert_eq!(
        mesh(&["convert", empty.to_str().unwrap()], None).status.code(),
        Some(2)
    );
}

#[test]
fn garbage_is_rejected_cleanly() {
    for garbage in ["{\"name\": ", "a: [", "\u{0}\u{1}", "- 1\n- 2\n", "a: 1\na: 2\n"] {
        let out = mesh(&["convert", "--cluster", "c", "-"], Some(garbage));
        assert_eq!(out.status.code(), Some(1), "{garbage:?}");
        assert!(out.stdout.is_empty());
        assert!(
            text(&out.stderr).starts_with("error: "),
            "{garbage:?}: {}",
            text(&out.stderr)
        );
    }
}

#[test]
fn validate_prints_diagnostics_only() {
    let out = mesh(&["validate", "--cluster", "c", "-"], Some(FUNCTION));
    assert_eq!(out.status.code(), Some(0));
    assert!(out.stdout.is_empty());
    let out = mesh(
        &[
            "validate",
            &fixture("function/java-unknown-keys.yaml"),
            "--cluster",
            "c",
        ],
        None,
    );
    assert_eq!(out.status.code(), Some(0));
    assert!(
        text(&out.stderr).contains("warning: ouput: unknown field"),
        "{}",
        text(&out.stderr)
    );
}

#[test]
fn validate_checks_resources_as_the_operator_would() {
    let cr = "apiVersion: compute.functionmesh.io/v1alpha1\nkind: Function\nmetadata: {name: f}\nspec:\n  replicas: 2\n  maxReplicas: 1\n";
    let out = mesh(&["validate", "-"], Some(cr));
    assert_eq!(out.status.code(), Some(1));
    let err = text(&out.stderr);
    assert!(
        err.contains("error: spec.maxReplicas: maxReplicas must be greater than or equal to replicas"),
        "{err}"
    );
    assert!(
        err.contains("error: spec.runtime.java: runtime cannot be empty"),
        "{err}"
    );
}

#[test]
fn bundles_several_configs_into_one_function_mesh() {
    let args = [
        "convert",
        "--worker-config",
        &fixture("worker/functions_worker.yml"),
        "--connectors",
        &fixture("worker/connectors.yaml"),
        "--bundle",
        "pipeline",
        &fixture("function/java-exclamation.yaml"),
        &fixture("sink/elastic-builtin.yaml"),
    ];
    let out = mesh(&args, None);
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
    let yaml = text(&out.stdout);
    assert!(
        yaml.starts_with("apiVersion: compute.functionmesh.io/v1alpha1\nkind: FunctionMesh\n"),
        "{yaml}"
    );
    assert!(yaml.contains("  functions:\n") && yaml.contains("  sinks:\n"));
}

#[test]
fn worker_config_errors_name_the_file() {
    let dir = temp_dir("worker");
    let bad = dir.join("w.yml");
    std::fs::write(
        &bad,
        "functionsWorkerServiceCustomConfigs:\n  enableTrustedMode: maybe\n",
    )
    .unwrap();
    let out = mesh(
        &["convert", "--worker-config", bad.to_str().unwrap(), "-"],
        Some(FUNCTION),
    );
    assert_eq!(out.status.code(), Some(1));
    let err = text(&out.stderr);
    assert!(
        err.starts_with(&format!(
            "error: {}:functionsWorkerServiceCustomConfigs.enableTrustedMode: ",
            bad.display()
        )),
        "{err}"
    );
}

#[test]
fn crd_prints_the_four_crds() {
    let out = mesh(&["crd"], None);
    assert_eq!(out.status.code(), Some(0));
    let yaml = text(&out.stdout);
    assert_eq!(yaml.matches("kind: CustomResourceDefinition").count(), 4);
}

#[test]
fn to_pulsar_reads_converted_resources_back_as_json() {
    let worker = fixture("worker/functions_worker.yml");
    let catalogue = fixture("worker/connectors.yaml");
    let forward = mesh(
        &[
            "convert",
            "--worker-config",
            &worker,
            "--connectors",
            &catalogue,
            &fixture("function/java-exclamation.yaml"),
            &fixture("sink/elastic-builtin.yaml"),
        ],
        None,
    );
    assert_eq!(forward.status.code(), Some(0), "{}", text(&forward.stderr));
    let back = mesh(
        &[
            "convert",
            "--to",
            "pulsar",
            "--worker-config",
            &worker,
            "--connectors",
            &catalogue,
            "-",
        ],
        Some(&text(&forward.stdout)),
    );
    assert_eq!(back.status.code(), Some(0), "{}", text(&back.stderr));
    let list: serde_json::Value = serde_json::from_slice(&back.stdout).unwrap();
    assert_eq!(list["kind"], "List");
    assert_eq!(list["items"][0]["name"], "exclamation");
    assert_eq!(list["items"][1]["archive"], "builtin://elastic_search");

    // One resource gives one object; the Java worker's CRs read back under their Pulsar names.
    let legacy = mesh(
        &[
            "convert",
            "--to",
            "pulsar",
            &fixture("resource/java-worker-python-function.yaml"),
        ],
        None,
    );
    assert_eq!(legacy.status.code(), Some(0), "{}", text(&legacy.stderr));
    let config: serde_json::Value = serde_json::from_slice(&legacy.stdout).unwrap();
    assert_eq!(config["name"], "word-count");
    assert_eq!(config["py"], "function://analytics/streams/word-count@3");
}

#[test]
fn to_pulsar_rejects_configs_and_config_only_options() {
    let out = mesh(&["convert", "--to", "pulsar", "-"], Some(FUNCTION));
    assert_eq!(out.status.code(), Some(1));
    assert!(out.stdout.is_empty());
    assert!(
        text(&out.stderr).contains("this is a Pulsar config, not a Function Mesh resource"),
        "{}",
        text(&out.stderr)
    );
    let out = mesh(
        &["convert", "--to", "pulsar", "--bundle", "x", "-"],
        Some(FUNCTION),
    );
    assert_eq!(out.status.code(), Some(2));
}

#[test]
fn apply_get_list_delete_with_a_manifests_directory() {
    let dir = temp_dir("store");
    let store = format!("dir:{}", dir.display());
    let worker = fixture("worker/functions_worker.yml");
    let catalogue = fixture("worker/connectors.yaml");
    let apply = |extra: &[&str]| {
        let mut args = vec![
            "apply",
            "--store",
            &store,
            "--worker-config",
            &worker,
            "--connectors",
            &catalogue,
        ];
        args.extend_from_slice(extra);
        mesh(&args, None)
    };
    let function = fixture("function/java-exclamation.yaml");
    let sink = fixture("sink/elastic-builtin.yaml");
    let out = apply(&[&function, &sink]);
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
    assert!(
        text(&out.stderr).contains("2 objects: 2 created, 0 updated, 0 unchanged, 0 failed"),
        "{}",
        text(&out.stderr)
    );
    assert!(
        dir.join("pulsar-functions/function/exclamation-1b9d0a53.yaml")
            .is_file()
    );
    let again = apply(&[&function, &sink]);
    assert!(
        text(&again.stderr).contains("0 created, 0 updated, 2 unchanged"),
        "{}",
        text(&again.stderr)
    );

    // A ready CR is applied as it is.
    let cr = dir
        .join("pulsar-functions/function/exclamation-1b9d0a53.yaml")
        .display()
        .to_string();
    let out = mesh(&["apply", "--store", &store, &cr], None);
    assert!(text(&out.stderr).contains("1 unchanged"), "{}", text(&out.stderr));

    let list = mesh(&["list", "function", "public", "--store", &store], None);
    assert_eq!(list.status.code(), Some(0), "{}", text(&list.stderr));
    assert!(
        text(&list.stdout).contains("exclamation-1b9d0a53\tpublic/default/exclamation\t2"),
        "{}",
        text(&list.stdout)
    );

    let get = mesh(
        &[
            "get",
            "function",
            "public/default/exclamation",
            "--store",
            &store,
            "-o",
            "json",
        ],
        None,
    );
    assert_eq!(get.status.code(), Some(0), "{}", text(&get.stderr));
    let v: serde_json::Value = serde_json::from_slice(&get.stdout).unwrap();
    assert_eq!(v["spec"]["name"], "exclamation");

    let missing = mesh(
        &["get", "function", "public/default/nope", "--store", &store],
        None,
    );
    assert_eq!(missing.status.code(), Some(1));
    assert!(
        text(&missing.stderr).contains("not found"),
        "{}",
        text(&missing.stderr)
    );
    let bad = mesh(&["get", "function", "just-a-name", "--store", &store], None);
    assert_eq!(bad.status.code(), Some(1));
    assert!(
        text(&bad.stderr).contains("tenant/namespace/name"),
        "{}",
        text(&bad.stderr)
    );

    let del = mesh(
        &["delete", "sink", "public/default/es-sink", "--store", &store],
        None,
    );
    assert_eq!(del.status.code(), Some(0), "{}", text(&del.stderr));
    let sinks = text(&mesh(&["list", "sink", "--store", &store], None).stdout);
    assert_eq!(sinks.lines().count(), 1, "only the header is left: {sinks}");

    // A rejected input applies nothing.
    let out = mesh(
        &["apply", "--store", &store, "-"],
        Some(r#"{"name": "x", "className": "A"}"#),
    );
    assert_eq!(out.status.code(), Some(1));
    assert!(!text(&out.stderr).contains("objects:"));
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn store_options_are_checked() {
    let out = mesh(&["list", "function", "--store", "s3:bucket"], None);
    assert_eq!(out.status.code(), Some(2));
    assert!(
        text(&out.stderr).contains("use `kube` or `dir:PATH`"),
        "{}",
        text(&out.stderr)
    );
    let dir = temp_dir("crds");
    let out = mesh(
        &["install-crds", "--store", &format!("dir:{}", dir.display())],
        None,
    );
    assert_eq!(out.status.code(), Some(2));
    assert!(text(&out.stderr).contains("install-crds needs --store kube"));
}

#[test]
fn serve_answers_over_a_socket_and_stops_cleanly_on_sigterm() {
    use std::io::Read;
    let dir = temp_dir("serve");
    let (addr, mut child, lines) = serve(&[
        "--listen",
        "127.0.0.1:0",
        "--store",
        &format!("dir:{}", dir.display()),
    ]);

    let body = r#"{"name": "echo", "className": "org.example.Echo", "jar": "function://public/default/echo@1.0", "inputs": ["in"]}"#;
    let mut stream = std::net::TcpStream::connect(&addr).unwrap();
    write!(
        stream,
        "POST /mesh/v1/convert/function?cluster=test HTTP/1.1\r\nHost: {addr}\r\nContent-Type: application/json\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{body}",
        body.len()
    )
    .unwrap();
    let mut response = String::new();
    stream.read_to_string(&mut response).unwrap();
    assert!(response.starts_with("HTTP/1.1 200"), "{response}");
    assert!(response.contains("\"kind\":\"Function\""), "{response}");

    let killed = Command::new("kill")
        .args(["-TERM", &child.id().to_string()])
        .status()
        .unwrap();
    assert!(killed.success());
    let status = child.wait().unwrap();
    assert_eq!(status.code(), Some(0));
    let rest: Vec<String> = lines.map_while(Result::ok).collect();
    assert!(rest.iter().any(|l| l == "stopped"), "{rest:?}");
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn serve_fails_readiness_at_sigterm_and_keeps_serving_for_the_shutdown_delay() {
    let dir = temp_dir("serve-drain");
    let (addr, mut child, lines) = serve(&[
        "--listen",
        "127.0.0.1:0",
        "--shutdown-delay",
        "2",
        "--store",
        &format!("dir:{}", dir.display()),
    ]);
    let get = |path: &str| {
        http(
            &addr,
            &format!("GET {path} HTTP/1.1\r\nHost: {addr}\r\nConnection: close\r\n\r\n"),
        )
    };
    assert!(get("/readyz").starts_with("HTTP/1.1 200"));
    let signalled = std::time::Instant::now();
    common::sigterm(&child);
    // Readiness fails as soon as the signal is handled; the API is still answered meanwhile.
    let mut ready = get("/readyz");
    while ready.starts_with("HTTP/1.1 200") {
        assert!(signalled.elapsed() < Duration::from_secs(1), "{ready}");
        ready = get("/readyz");
    }
    assert!(ready.starts_with("HTTP/1.1 503"), "{ready}");
    assert!(ready.contains(r#"{"reason":"shutting down"}"#), "{ready}");
    let listed = get("/admin/v3/functions/public/default");
    assert!(listed.starts_with("HTTP/1.1 200"), "{listed}");
    assert!(get("/healthz").starts_with("HTTP/1.1 200"));

    let status = child.wait().unwrap();
    let took = signalled.elapsed();
    assert_eq!(status.code(), Some(0));
    assert!(
        took >= Duration::from_secs(2),
        "the listener stayed open for the delay: {took:?}"
    );
    assert!(
        std::net::TcpStream::connect(&addr).is_err(),
        "the listener is closed after the delay"
    );
    let rest: Vec<String> = lines.map_while(Result::ok).collect();
    assert!(rest.iter().any(|l| l.contains("shutting down")), "{rest:?}");
    assert!(rest.iter().any(|l| l == "stopped"), "{rest:?}");
}

#[test]
fn serve_with_token_authentication_refuses_a_create_without_a_token() {
    let dir = temp_dir("serve-auth");
    let secret: Vec<u8> = (0u8..32).map(|i| i.wrapping_mul(7).wrapping_add(3)).collect();
    let key = dir.join("secret.key");
    std::fs::write(&key, &secret).unwrap();
    let worker = dir.join("worker.yml");
    std::fs::write(
        &worker,
        format!(
            "pulsarFunctionsCluster: local\nauthenticationEnabled: true\nauthenticationProviders:\n  - org.apache.pulsar.broker.authentication.AuthenticationProviderToken\nproperties:\n  tokenSecretKey: file://{}\n",
            key.display()
        ),
    )
    .unwrap();
    let store = dir.join("store");
    let (addr, mut child, _lines) = serve(&[
        "--listen",
        "127.0.0.1:0",
        "--worker-config",
        &worker.display().to_string(),
        "--store",
        &format!("dir:{}", store.display()),
    ]);
    let refused = http(&addr, &create_request(&addr, None));
    assert!(refused.starts_with("HTTP/1.1 401"), "{refused}");
    assert!(
        refused.contains(r#"{"reason":"No token credentials passed"}"#),
        "{refused}"
    );
    assert!(!store.join("default").exists(), "nothing may be stored");

    let token = jsonwebtoken::encode(
        &jsonwebtoken::Header::default(),
        &serde_json::json!({"sub": "alice"}),
        &jsonwebtoken::EncodingKey::from_secret(&secret).unwrap(),
    )
    .unwrap();
    let created = http(&addr, &create_request(&addr, Some(&token)));
    assert!(created.starts_with("HTTP/1.1 204"), "{created}");
    assert!(
        store.join("default/function").is_dir(),
        "the authenticated create is stored"
    );
    let probe = http(
        &addr,
        &format!("GET /healthz HTTP/1.1\r\nHost: {addr}\r\nConnection: close\r\n\r\n"),
    );
    assert!(probe.starts_with("HTTP/1.1 200"), "{probe}");
    let _ = Command::new("kill")
        .args(["-TERM", &child.id().to_string()])
        .status();
    assert_eq!(child.wait().unwrap().code(), Some(0));
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn serve_refuses_to_start_on_security_it_cannot_honour() {
    let dir = temp_dir("serve-closed");
    let cases = [
        (
            "authenticationEnabled: true\n",
            "authenticationProviders: authentication is enabled but no provider is configured",
        ),
        (
            "authenticationEnabled: true\nauthenticationProviders: [org.apache.pulsar.broker.authentication.AuthenticationProviderToken]\n",
            "properties.tokenSecretKey: No secret key was provided for token authentication",
        ),
        (
            "authenticationEnabled: true\nauthenticationProviders: [org.apache.pulsar.broker.authentication.AuthenticationProviderSasl]\n",
            "authenticationProviders[0]: org.apache.pulsar.broker.authentication.AuthenticationProviderSasl is not supported",
        ),
        (
            "authenticationEnabled: true\nauthenticationProviders: [org.apache.pulsar.broker.authentication.AuthenticationProviderToken]\nproperties:\n  tokenSecretKey: file:///no/such/secret.key\n",
            "tokenSecretKey: cannot read /no/such/secret.key",
        ),
        ("tlsEnabled: true\n", "names no workerPortTls"),
    ];
    for (i, (yaml, words)) in cases.into_iter().enumerate() {
        let worker = dir.join(format!("worker-{i}.yml"));
        std::fs::write(&worker, yaml).unwrap();
        let out = mesh(
            &[
                "serve",
                "--listen",
                "127.0.0.1:0",
                "--worker-config",
                &worker.display().to_string(),
                "--store",
                &format!("dir:{}", dir.join("store").display()),
            ],
            None,
        );
        let stderr = text(&out.stderr);
        assert_eq!(out.status.code(), Some(1), "{yaml}: {stderr}");
        assert!(stderr.contains(words), "{yaml}: {stderr}");
        assert!(!stderr.contains("listening on"), "{stderr}");
    }
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn an_input_without_a_document_is_an_error_naming_it() {
    let dir = temp_dir("empty-inputs");
    for (i, content) in [
        "",
        "   \n\t\n",
        "---\n",
        "...\n",
        "# only a comment\n",
        "---\n# c\n---\n...\n",
    ]
    .into_iter()
    .enumerate()
    {
        let file = dir.join(format!("empty-{i}.yaml"));
        std::fs::write(&file, content).unwrap();
        let name = file.display().to_string();
        for command in ["convert", "validate"] {
            let out = mesh(&[command, &name], None);
            assert_eq!(out.status.code(), Some(1), "{command} {content:?}");
            assert!(out.stdout.is_empty());
            let err = text(&out.stderr);
            assert!(err.contains(&format!("error: {name}")), "{err}");
            assert!(err.contains("holds no document"), "{err}");
        }
    }
    let out = mesh(&["convert", "-"], Some(""));
    assert_eq!(out.status.code(), Some(1));
    assert!(text(&out.stderr).contains("error: -"), "{}", text(&out.stderr));
    // One empty file among good ones still fails the whole run, and nothing is written.
    let empty = dir.join("empty-0.yaml").display().to_string();
    let out = mesh(
        &["convert", &fixture("function/java-exclamation.yaml"), &empty],
        None,
    );
    assert_eq!(out.status.code(), Some(1));
    assert!(out.stdout.is_empty());
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn what_convert_writes_validate_and_the_reverse_read_exactly() {
    let long = "k".repeat(1200);
    let config = format!(
        "name: echo\nclassName: org.example.Echo\njar: function://public/default/echo@1\ninputs: [in]\n\
         userConfig:\n  {long}x: short key is fine\n  big: 123456789012345678901234567890\n  \
         precise: 0.1000000000000000000001\n  \"{long}\": {{nested: [1, 2]}}\n"
    );
    // The long key cannot be written as `key: value` in YAML; as input it is quoted, and flow
    // style ends at 1024 characters too, so give it as JSON instead.
    let config_json = format!(
        r#"{{"name":"echo","className":"org.example.Echo","jar":"function://public/default/echo@1","inputs":["in"],
        "userConfig":{{"{long}":{{"nested":[1,2]}},"big":123456789012345678901234567890,"precise":0.1000000000000000000001}}}}"#
    );
    let yaml_rejected = mesh(&["convert", "--cluster", "c", "-"], Some(&config));
    assert_eq!(
        yaml_rejected.status.code(),
        Some(1),
        "a 1,200-character implicit key is not YAML"
    );
    let forward = mesh(
        &["convert", "--cluster", "c", "-o", "yaml", "-"],
        Some(&config_json),
    );
    assert_eq!(forward.status.code(), Some(0), "{}", text(&forward.stderr));
    let cr = text(&forward.stdout);
    assert!(cr.contains(&format!("? {long}\n")), "{cr}");
    assert!(cr.contains("big: 123456789012345678901234567890\n"), "{cr}");
    let validated = mesh(&["validate", "-"], Some(&cr));
    assert_eq!(validated.status.code(), Some(0), "{}", text(&validated.stderr));
    let back = mesh(&["convert", "--to", "pulsar", "-"], Some(&cr));
    assert_eq!(back.status.code(), Some(0), "{}", text(&back.stderr));
    let json = text(&back.stdout);
    assert!(json.contains("\"big\": 123456789012345678901234567890"), "{json}");
    assert!(json.contains("\"precise\": 0.1000000000000000000001"), "{json}");
    let config: serde_json::Value = serde_json::from_str(&json).unwrap();
    assert_eq!(config["userConfig"][&long], serde_json::json!({"nested": [1, 2]}));
}

const SUBCOMMANDS: [&str; 11] = [
    "convert",
    "validate",
    "apply",
    "get",
    "list",
    "delete",
    "install-crds",
    "serve",
    "crd",
    "completions",
    "man",
];

#[test]
fn completion_scripts_know_every_subcommand_and_bash_reads_its_own() {
    for shell in ["bash", "zsh", "fish", "powershell", "elvish"] {
        let out = mesh(&["completions", shell], None);
        assert_eq!(out.status.code(), Some(0), "{shell}: {}", text(&out.stderr));
        let script = text(&out.stdout);
        for sub in SUBCOMMANDS {
            assert!(script.contains(sub), "{shell} script lacks `{sub}`");
        }
        assert!(
            script.contains("worker-config"),
            "{shell} script lacks the options"
        );
    }
    // bash parses the script it is given (`-n`: read, do not run).
    let script = mesh(&["completions", "bash"], None).stdout;
    let dir = temp_dir("completions");
    let path = dir.join("mesh.bash");
    std::fs::write(&path, script).unwrap();
    let check = Command::new("bash").arg("-n").arg(&path).output().unwrap();
    assert!(check.status.success(), "{}", text(&check.stderr));

    let bad = mesh(&["completions", "tcsh"], None);
    assert_eq!(bad.status.code(), Some(2), "an unknown shell is a usage error");
    assert!(text(&bad.stderr).contains("tcsh"), "{}", text(&bad.stderr));
}

#[test]
fn the_manual_page_has_a_section_for_every_subcommand() {
    let out = mesh(&["man"], None);
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
    let page = text(&out.stdout);
    assert!(page.contains(".TH mesh 1"), "{page}");
    for sub in SUBCOMMANDS {
        let heading = format!(".SH \"MESH {}\"", sub.to_uppercase());
        assert!(page.contains(&heading), "no `{heading}` in the page");
    }
    assert!(page.contains("worker\\-config"), "options are listed");
}

#[test]
fn schema_prints_a_json_schema_per_kind_of_file_and_refuses_others() {
    for (document, title) in [
        ("function", "FunctionConfig"),
        ("source", "SourceConfig"),
        ("sink", "SinkConfig"),
        ("worker", "WorkerConfig"),
        ("connectors", "Catalogue"),
    ] {
        let out = mesh(&["schema", document], None);
        assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
        let schema: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
        assert_eq!(schema["title"], title);
        assert_eq!(schema["$schema"], "http://json-schema.org/draft-07/schema#");
    }
    let bad = mesh(&["schema", "pod"], None);
    assert_eq!(bad.status.code(), Some(2));
    says(&bad, "invalid value 'pod'");
}

#[test]
fn cluster_config_adds_the_clusters_config_map_once_and_apply_never_takes_one_over() {
    let worker = fixture("worker/functions_worker.yml");
    let connectors = fixture("worker/connectors.yaml");
    let inputs = [
        fixture("function/java-exclamation.yaml"),
        fixture("sink/elastic-builtin.yaml"),
    ];
    let mut args = vec![
        "convert",
        "--cluster-config",
        "--worker-config",
        &worker,
        "--connectors",
        &connectors,
        "-o",
        "json",
    ];
    args.extend(inputs.iter().map(String::as_str));
    let out = mesh(&args, None);
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
    let stream = text(&out.stdout);
    let list: serde_json::Value = serde_json::from_str(&stream).unwrap();
    let objects = list["items"].as_array().unwrap();
    let kinds: Vec<&str> = objects.iter().map(|o| o["kind"].as_str().unwrap()).collect();
    // Both resources are in one namespace of one cluster: one ConfigMap, before them.
    assert_eq!(kinds, ["ConfigMap", "Function", "Sink"], "{stream}");
    let map = &objects[0];
    assert_eq!(
        map["metadata"]["name"],
        objects[1]["spec"]["pulsar"]["pulsarConfig"]
    );
    assert_eq!(map["metadata"]["namespace"], objects[1]["metadata"]["namespace"]);
    assert_eq!(map["data"]["brokerServiceURL"], "pulsar://broker.pulsar.svc:6650");
    assert_eq!(map["data"]["webServiceURL"], "http://broker.pulsar.svc:8080");

    // Without the URLs in the worker config, validate says which keys are missing.
    let minimal = fixture("worker/minimal_worker.yml");
    let refused = mesh(
        &[
            "validate",
            "--cluster-config",
            "--worker-config",
            &minimal,
            &inputs[0],
        ],
        None,
    );
    assert_eq!(refused.status.code(), Some(1));
    says(&refused, "error: pulsarServiceUrl: the cluster ConfigMap needs");
    says(
        &refused,
        "error: pulsarWebServiceUrl: the cluster ConfigMap needs",
    );

    // apply makes it, then finds it unchanged; one it did not make is kept as it is.
    let dir = temp_dir("cluster-config");
    let store = format!("dir:{}", dir.display());
    let mut apply = vec![
        "apply",
        "--cluster-config",
        "--worker-config",
        &worker,
        "--connectors",
        &connectors,
        "--store",
        &store,
    ];
    apply.extend(inputs.iter().map(String::as_str));
    let first = mesh(&apply, None);
    says(&first, "3 objects: 3 created, 0 updated, 0 unchanged, 0 failed");
    let file = dir.join("pulsar-functions/configmap/prod-eu-function-mesh-config.yaml");
    let again = mesh(&apply, None);
    says(&again, "0 created, 0 updated, 3 unchanged");
    let theirs = "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: prod-eu-function-mesh-config\n  namespace: pulsar-functions\ndata:\n  brokerServiceURL: pulsar+ssl://theirs:6651\n";
    std::fs::write(&file, theirs).unwrap();
    let kept = mesh(&apply, None);
    assert_eq!(kept.status.code(), Some(0), "{}", text(&kept.stderr));
    says(
        &kept,
        "warning: ConfigMap pulsar-functions/prod-eu-function-mesh-config: kept as it is: mesh did not make it",
    );
    assert_eq!(std::fs::read_to_string(&file).unwrap(), theirs);
}

#[test]
fn a_window_function_cr_without_its_window_class_is_taken_as_the_operator_takes_it() {
    let cr = fixture("upstream-like/window-function-cr.yaml");
    let filled = "warning: spec.windowConfig.actualWindowFunctionClassName: missing: set to className (org.example.windows.CountWordsInWindow), as the operator sets it";
    let checked = mesh(&["validate", &cr], None);
    assert_eq!(checked.status.code(), Some(0), "{}", text(&checked.stderr));
    says(&checked, filled);

    let back = mesh(&["convert", "--to", "pulsar", &cr], None);
    assert_eq!(back.status.code(), Some(0), "{}", text(&back.stderr));
    let config: serde_json::Value = serde_json::from_slice(&back.stdout).unwrap();
    assert_eq!(config["className"], "org.example.windows.CountWordsInWindow");
    assert_eq!(config["windowConfig"]["windowLengthCount"], 10);
    says(&back, filled);

    // apply stores it filled in, so that it is accepted also where no webhook runs.
    let dir = temp_dir("window-cr");
    let store = format!("dir:{}", dir.display());
    let applied = mesh(&["apply", "--store", &store, &cr], None);
    assert_eq!(applied.status.code(), Some(0), "{}", text(&applied.stderr));
    let stored = std::fs::read_to_string(dir.join("default/function/window-function-sample.yaml")).unwrap();
    assert!(
        stored.contains("actualWindowFunctionClassName: org.example.windows.CountWordsInWindow"),
        "{stored}"
    );

    // Without a className nothing can be filled: the CRD's rule stands.
    let source = std::fs::read_to_string(&cr).unwrap();
    let nameless = source.replace("  className: org.example.windows.CountWordsInWindow\n", "");
    let refused = mesh(&["validate", "-"], Some(&nameless));
    assert_eq!(refused.status.code(), Some(1));
    says(
        &refused,
        "spec.windowConfig: missing field `actualWindowFunctionClassName`",
    );
}

#[test]
fn packages_in_the_image_are_opt_in_and_survive_reading_back() {
    let config = fixture("upstream-like/exclamation-in-image.yaml");
    let minimal = fixture("worker/minimal_worker.yml");
    let refused = mesh(&["convert", "--worker-config", &minimal, &config], None);
    assert_eq!(refused.status.code(), Some(1));
    says(
        &refused,
        "error: jar: uploading package to mesh worker service is not supported yet. (If the runner image contains the file, say so with --packages-in-image, or packagesInImage: true in functionsWorkerServiceCustomConfigs.)",
    );

    let by_flag = mesh(
        &[
            "convert",
            "--packages-in-image",
            "--worker-config",
            &minimal,
            "-o",
            "json",
            &config,
        ],
        None,
    );
    assert_eq!(by_flag.status.code(), Some(0), "{}", text(&by_flag.stderr));
    says(&by_flag, "the runner image must contain it");
    let cr: serde_json::Value = serde_json::from_slice(&by_flag.stdout).unwrap();
    assert_eq!(cr["spec"]["java"]["jar"], "/pulsar/examples/api-examples.jar");
    assert!(cr["spec"]["java"].get("jarLocation").is_none(), "{cr}");
    // The worker config's key says the same.
    let worker = fixture("upstream-like/packages-in-image-worker.yml");
    let by_worker = mesh(
        &["convert", "--worker-config", &worker, "-o", "json", &config],
        None,
    );
    assert_eq!(by_worker.status.code(), Some(0), "{}", text(&by_worker.stderr));
    let same: serde_json::Value = serde_json::from_slice(&by_worker.stdout).unwrap();
    assert_eq!(same["spec"]["java"], cr["spec"]["java"]);

    // Read back (with a warning), then converted again: the same resource.
    let dir = temp_dir("in-image");
    let cr_file = dir.join("cr.json");
    std::fs::write(&cr_file, &by_flag.stdout).unwrap();
    let back = mesh(
        &["convert", "--to", "pulsar", &cr_file.display().to_string()],
        None,
    );
    assert_eq!(back.status.code(), Some(0), "{}", text(&back.stderr));
    says(
        &back,
        "warning: spec.java.jar: `/pulsar/examples/api-examples.jar` has no package location: the runner image contains it, so converting this config again needs --packages-in-image",
    );
    let again = mesh(
        &[
            "convert",
            "--packages-in-image",
            "--worker-config",
            &minimal,
            "-o",
            "json",
            "-",
        ],
        Some(&text(&back.stdout)),
    );
    assert_eq!(again.status.code(), Some(0), "{}", text(&again.stderr));
    let again: serde_json::Value = serde_json::from_slice(&again.stdout).unwrap();
    assert_eq!(again["spec"], cr["spec"]);
}

#[test]
fn to_statefulset_makes_pulsars_runtime_objects_and_reads_them_back() {
    let worker = fixture("worker/kubernetes_runtime_worker.yml");
    let connectors = fixture("worker/connectors.yaml");
    let out = mesh(
        &[
            "convert",
            "--to",
            "statefulset",
            "--worker-config",
            &worker,
            "--connectors",
            &connectors,
            &fixture("function/java-exclamation.yaml"),
            &fixture("sink/elastic-builtin.yaml"),
        ],
        None,
    );
    assert!(out.status.success(), "{}", text(&out.stderr));
    let yaml = text(&out.stdout);
    assert_eq!(yaml.matches("kind: StatefulSet").count(), 2);
    assert_eq!(yaml.matches("kind: Service").count(), 2);
    let back = mesh(&["convert", "--to", "pulsar", "-"], Some(&yaml));
    assert!(back.status.success(), "{}", text(&back.stderr));
    let list: serde_json::Value = serde_json::from_slice(&back.stdout).unwrap();
    let items = list["items"].as_array().unwrap();
    assert_eq!(items[0]["name"], "exclamation");
    assert_eq!(items[0]["jar"], "function://public/default/exclamation@1.0.0");
    assert_eq!(items[1]["archive"], "builtin://elastic_search");
    // validate checks without printing; bundles and the cluster ConfigMap are CR features.
    let v = mesh(
        &[
            "validate",
            "--to",
            "statefulset",
            "--worker-config",
            &worker,
            &fixture("function/java-exclamation.yaml"),
        ],
        None,
    );
    assert!(v.status.success() && v.stdout.is_empty());
    let bad = mesh(
        &[
            "convert",
            "--to",
            "statefulset",
            "--bundle",
            "b",
            &fixture("function/java-exclamation.yaml"),
        ],
        None,
    );
    assert_eq!(bad.status.code(), Some(2));
    // Without the broker URLs the pods need, nothing is made, and the keys are named.
    let none = mesh(
        &[
            "convert",
            "--to",
            "statefulset",
            &fixture("function/java-exclamation.yaml"),
        ],
        None,
    );
    assert_eq!(none.status.code(), Some(1));
    says(&none, "pulsarServiceUrl");
    says(&none, "pulsarWebServiceUrl");
}

//! The container's command line: the package download, the shard id, and the Java, Python or
//! Go instance, as Pulsar's `KubernetesRuntime.getExecutorCommand` and `RuntimeUtils.getCmd`
//! write it, with every word quoted for the shell (Pulsar joined them bare, so auth parameters
//! with spaces, or a `'` in the function details, broke the script).

use std::borrow::Cow;

use super::build::{Built, Package};
use super::details::{FunctionDetails, Runtime};
use super::settings::{SecretsProvider, Settings};

/// The log directory the instances write to.
pub const LOG_DIRECTORY: &str = "logs/functions";
/// The Java instance's main class.
pub const JAVA_MAIN: &str = "org.apache.pulsar.functions.instance.JavaInstanceMain";
/// The buffer size the worker gives every instance.
pub const MAX_BUFFERED_TUPLES: i32 = 1024;

/// One word of the script: literal text (quoted as needed) or shell syntax (as is).
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) enum Word<'a> {
    /// Literal text.
    Lit(Cow<'a, str>),
    /// Shell syntax: `&&`, `$SHARD_ID`, the user's runtime flags.
    Sh(Cow<'a, str>),
}

fn lit<'a>(s: impl Into<Cow<'a, str>>) -> Word<'a> {
    Word::Lit(s.into())
}

fn sh<'a>(s: impl Into<Cow<'a, str>>) -> Word<'a> {
    Word::Sh(s.into())
}

fn safe(s: &str) -> bool {
    !s.is_empty()
        && s.bytes().all(|c| {
            c.is_ascii_alphanumeric()
                || matches!(
                    c,
                    b'_' | b'-' | b'.' | b'/' | b':' | b'=' | b',' | b'@' | b'%' | b'+'
                )
        })
}

/// Appends `s` to `out` as one shell word: bare when it holds only safe characters, else in
/// single quotes (a `'` inside written `'\''`).
fn push_quoted(out: &mut String, s: &str) {
    if safe(s) {
        out.push_str(s);
        return;
    }
    out.push('\'');
    let mut rest = s;
    while let Some(at) = rest.find('\'') {
        out.push_str(&rest[..at]);
        out.push_str(r"'\''");
        rest = &rest[at + 1..];
    }
    out.push_str(rest);
    out.push('\'');
}

/// `s` as one shell word: bare when it holds only safe characters, else in single quotes.
pub fn quote(s: &str) -> String {
    let mut out = String::with_capacity(s.len() + 2);
    push_quoted(&mut out, s);
    out
}

fn render(words: &[Word<'_>]) -> String {
    let len: usize = words
        .iter()
        .map(|w| match w {
            Word::Lit(s) | Word::Sh(s) => s.len() + 3,
        })
        .sum();
    let mut out = String::with_capacity(len + len / 16);
    for w in words {
        if !out.is_empty() {
            out.push(' ');
        }
        match w {
            Word::Lit(s) => push_quoted(&mut out, s),
            Word::Sh(s) => out.push_str(s),
        }
    }
    out
}

/// The client auth an instance and its package download use (present when the worker
/// authenticates clients).
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct ClientAuth {
    /// Auth plugin class.
    pub plugin: Option<String>,
    /// Its parameters.
    pub params: Option<String>,
    /// Whether the broker URL is TLS.
    pub use_tls: bool,
    /// Accept untrusted certificates.
    pub tls_allow_insecure: bool,
    /// Verify host names.
    pub hostname_verification: bool,
    /// CA certificates file in the pod.
    pub trust_cert_path: Option<String>,
}

/// What the command line says besides the details.
pub(crate) struct Instance<'a> {
    pub settings: &'a Settings<'a>,
    pub built: &'a Built,
    pub auth: Option<&'a ClientAuth>,
    pub cluster: &'a str,
    pub function_id: &'a str,
    pub function_version: &'a str,
}

/// The id Pulsar gives an instance is random; mesh derives a UUID-shaped one from the
/// component's `tenant/namespace/name`, so the same config always yields the same objects.
pub fn function_id(details: &FunctionDetails) -> String {
    const HEX: &[u8; 16] = b"0123456789abcdef";
    let b = sha1_smol::Sha1::from(details.fqfn()).digest().bytes();
    let mut b: [u8; 16] = std::array::from_fn(|i| b[i]);
    b[6] = (b[6] & 0x0f) | 0x50;
    b[8] = (b[8] & 0x3f) | 0x80;
    let hex: String = b
        .iter()
        .flat_map(|x| {
            [
                char::from(HEX[usize::from(x >> 4)]),
                char::from(HEX[usize::from(x & 15)]),
            ]
        })
        .collect();
    format!(
        "{}-{}-{}-{}-{}",
        &hex[0..8],
        &hex[8..12],
        &hex[12..16],
        &hex[16..20],
        &hex[20..32]
    )
}

fn download<'a>(i: &'a Instance<'a>, url: &'a str, file: &'a str) -> Vec<Word<'a>> {
    let s = i.settings;
    let mut w = vec![
        lit(&s.admin_cli),
        lit("--admin-url"),
        lit(s.admin_url.clone().unwrap_or_default()),
    ];
    if let Some(a) = i.auth {
        if let (Some(p), Some(x)) = (&a.plugin, &a.params) {
            w.extend([lit("--auth-plugin"), lit(p), lit("--auth-params"), lit(x)]);
        }
        if a.tls_allow_insecure {
            w.push(lit("--tls-allow-insecure"));
        }
        if a.hostname_verification {
            w.push(lit("--tls-enable-hostname-verification"));
        }
        if let Some(f) = &a.trust_cert_path {
            w.extend([lit("--tls-trust-cert-path"), lit(f)]);
        }
    }
    // mesh holds no packages: the pod reads its package from Pulsar's package service.
    w.extend([
        lit("packages"),
        lit("download"),
        lit(url),
        lit("--path"),
        lit(file),
    ]);
    w
}

fn secrets_provider(s: &Settings<'_>, runtime: Runtime) -> Option<&'static str> {
    match (s.secrets, runtime) {
        (_, Runtime::Go) => None,
        (SecretsProvider::Kubernetes, Runtime::Java) => {
            Some("org.apache.pulsar.functions.secretsprovider.EnvironmentBasedSecretsProvider")
        }
        (SecretsProvider::Kubernetes, Runtime::Python) => {
            Some("secretsprovider.EnvironmentBasedSecretsProvider")
        }
        (SecretsProvider::ClearText, Runtime::Java) => {
            Some("org.apache.pulsar.functions.secretsprovider.ClearTextSecretsProvider")
        }
        (SecretsProvider::ClearText, Runtime::Python) => Some("secretsprovider.ClearTextSecretsProvider"),
    }
}

fn metrics_port(s: &Settings<'_>) -> String {
    // 0: the instance picks a free port; nothing advertises it.
    s.metrics_port.unwrap_or(0).to_string()
}

fn java<'a>(i: &'a Instance<'a>) -> Vec<Word<'a>> {
    let s = i.settings;
    let d = &i.built.details;
    let level = if d.log_level.trim().is_empty() {
        "info"
    } else {
        d.log_level.as_str()
    };
    let mut w = vec![
        lit("java"),
        lit("-cp"),
        lit(format!(
            "{}/instances/java-instance.jar:{}/*",
            s.root, s.extra_deps_dir
        )),
        lit(format!(
            "-Dpulsar.functions.extra.dependencies.dir={}",
            s.extra_deps_dir
        )),
        lit(format!(
            "-Dpulsar.functions.instance.classpath={}",
            s.instance_class_path
        )),
        lit(format!("-Dpulsar.log.level={level}")),
        lit("-Dlog4j.configurationFile=kubernetes_instance_log4j2.xml"),
        lit(format!("-Dpulsar.function.log.dir={LOG_DIRECTORY}/{}", d.fqfn())),
        sh(format!(
            "{}$SHARD_ID",
            quote(&format!("-Dpulsar.function.log.file={}-", d.name))
        )),
        lit("-Dio.netty.tryReflectionSetAccessible=true"),
        lit("-Dorg.apache.pulsar.shade.io.netty.tryReflectionSetAccessible=true"),
        lit("-Dio.grpc.netty.shaded.io.netty.tryReflectionSetAccessible=true"),
        lit("--add-opens"),
        lit("java.base/java.nio=ALL-UNNAMED"),
        lit("--add-opens"),
        lit("java.base/jdk.internal.misc=ALL-UNNAMED"),
        lit("--add-opens"),
        lit("java.base/java.util.zip=ALL-UNNAMED"),
    ];
    w.extend(
        s.worker
            .additional_java_runtime_arguments
            .iter()
            .flatten()
            .map(lit),
    );
    if !d.runtime_flags.trim().is_empty() {
        // The user's own shell words, as Pulsar splits them.
        w.push(sh(d.runtime_flags.trim()));
    }
    if let Some(r) = &d.resources
        && r.ram != 0
    {
        w.push(lit(format!("-Xmx{}", r.ram)));
    }
    w.extend([lit(JAVA_MAIN), lit("--jar"), lit(i.built.package.file())]);
    w
}

fn python<'a>(i: &'a Instance<'a>) -> Vec<Word<'a>> {
    let s = i.settings;
    let d = &i.built.details;
    let mut w = vec![
        sh(format!("PYTHONPATH=${{PYTHONPATH}}:{}", quote(&s.extra_deps_dir))),
        lit("exec"),
        lit("python3"),
    ];
    if !d.runtime_flags.trim().is_empty() {
        w.push(sh(d.runtime_flags.trim()));
    }
    w.extend([
        lit(format!(
            "{}/instances/python-instance/python_instance_main.py",
            s.root
        )),
        lit("--py"),
        lit(i.built.package.file()),
        lit("--logging_directory"),
        lit(LOG_DIRECTORY),
        lit("--logging_file"),
        lit(&d.name),
        lit("--logging_config_file"),
        lit(format!(
            "{}/conf/functions-logging/console_logging_config.ini",
            s.root
        )),
    ]);
    if s.install_user_code_dependencies {
        w.extend([lit("--install_usercode_dependencies"), lit("True")]);
    }
    if let Some(r) = &s.python_dependency_repository {
        w.extend([lit("--dependency_repository"), lit(r)]);
    }
    if let Some(r) = &s.python_extra_dependency_repository {
        w.extend([lit("--extra_dependency_repository"), lit(r)]);
    }
    w
}

fn shared<'a>(i: &'a Instance<'a>, w: &mut Vec<Word<'a>>) {
    let s = i.settings;
    let d = &i.built.details;
    w.extend([
        lit("--instance_id"),
        sh("$SHARD_ID"),
        lit("--function_id"),
        lit(i.function_id),
        lit("--function_version"),
        lit(i.function_version),
        lit("--function_details"),
        lit(d.to_json()),
        lit("--pulsar_serviceurl"),
        lit(s.service_url.clone().unwrap_or_default()),
    ]);
    if d.runtime == Runtime::Java
        && s.worker.expose_admin_client_enabled == Some(true)
        && let Some(admin) = &s.admin_url
    {
        w.extend([lit("--web_serviceurl"), lit(admin), lit("--expose_pulsaradmin")]);
    }
    if let Some(a) = i.auth {
        if let (Some(p), Some(x)) = (&a.plugin, &a.params) {
            w.extend([
                lit("--client_auth_plugin"),
                lit(p),
                lit("--client_auth_params"),
                lit(x),
            ]);
        }
        w.extend([
            lit("--use_tls"),
            lit(a.use_tls.to_string()),
            lit("--tls_allow_insecure"),
            lit(a.tls_allow_insecure.to_string()),
            lit("--hostname_verification_enabled"),
            lit(a.hostname_verification.to_string()),
        ]);
        if let Some(f) = &a.trust_cert_path {
            w.extend([lit("--tls_trust_cert_path"), lit(f)]);
        }
    }
    w.extend([
        lit("--max_buffered_tuples"),
        lit(MAX_BUFFERED_TUPLES.to_string()),
        lit("--port"),
        lit(s.grpc_port.to_string()),
        lit("--metrics_port"),
        lit(metrics_port(s)),
    ]);
    if d.runtime == Runtime::Java {
        let pending = s.worker.max_pending_async_requests.unwrap_or(1000);
        w.extend([lit("--pending_async_requests"), lit(pending.to_string())]);
    }
    if let Some(url) = s
        .worker
        .state_storage_service_url
        .as_ref()
        .filter(|u| !u.is_empty())
    {
        w.extend([lit("--state_storage_serviceurl"), lit(url)]);
    }
    w.extend([lit("--expected_healthcheck_interval"), lit("-1")]);
    if let Some(p) = secrets_provider(s, d.runtime) {
        w.extend([lit("--secrets_provider"), lit(p)]);
    }
    w.extend([lit("--cluster_name"), lit(i.cluster)]);
    if d.runtime == Runtime::Java
        && let Some(dir) = &s.nar_extraction_dir
    {
        w.extend([lit("--nar_extraction_directory"), lit(dir)]);
    }
}

/// The Go instance config: Pulsar's `GoInstanceConfig` fields, with the pod's shard as its
/// instance id and the control port as its port (Pulsar wrote 0 and the worker's own port).
fn go_config(i: &Instance<'_>) -> String {
    use serde_json::{Map, Value, json};
    let s = i.settings;
    let d = &i.built.details;
    let source = d.source.clone().unwrap_or_default();
    let sink = d.sink.clone().unwrap_or_default();
    let resources = d.resources.clone().unwrap_or_default();
    let retry = d.retry_details.clone().unwrap_or_default();
    let mut m = Map::new();
    let mut put = |k: &str, v: Value| {
        m.insert(k.to_owned(), v);
    };
    put(
        "pulsarServiceURL",
        json!(s.service_url.clone().unwrap_or_default()),
    );
    put("instanceID", json!(SHARD_MARK));
    put("funcID", json!(i.function_id));
    put("funcVersion", json!(i.function_version));
    put("maxBufTuples", json!(MAX_BUFFERED_TUPLES));
    put("port", json!(s.grpc_port));
    put("clusterName", json!(i.cluster));
    put("killAfterIdleMs", json!(0));
    put("expectedHealthCheckInterval", json!(-1));
    put("tenant", json!(d.tenant));
    put("nameSpace", json!(d.namespace));
    put("name", json!(d.name));
    put("className", json!(d.class_name));
    put("logTopic", json!(d.log_topic));
    put("processingGuarantees", json!(guarantee_number(d)));
    put("secretsMap", json!(d.secrets_map));
    put("userConfig", json!(d.user_config));
    put("runtime", json!(d.runtime.number()));
    put("autoAck", json!(d.auto_ack));
    put("parallelism", json!(d.parallelism));
    put("subscriptionType", json!(source.subscription_type as i32));
    put("timeoutMs", json!(source.timeout_ms));
    put("subscriptionName", json!(source.subscription_name));
    put("cleanupSubscription", json!(source.cleanup_subscription));
    put("subscriptionPosition", json!(source.subscription_position as i32));
    let (topic, spec) = source
        .input_specs
        .iter()
        .next_back()
        .map_or((String::new(), None), |(t, s)| (t.clone(), Some(s)));
    put("sourceSpecsTopic", json!(topic));
    put(
        "sourceSchemaType",
        json!(spec.map(|s| s.schema_type.clone()).unwrap_or_default()),
    );
    put(
        "regexPatternSubscription",
        json!(spec.is_some_and(|s| s.is_regex_pattern)),
    );
    put(
        "receiverQueueSize",
        json!(
            spec.and_then(|s| s.receiver_queue_size.as_ref())
                .map_or(0, |r| r.value)
        ),
    );
    put(
        "sourceInputSpecs",
        Value::Object(
            source
                .input_specs
                .iter()
                .map(|(t, s)| (t.clone(), json!(serde_json::to_string(s).unwrap_or_default())))
                .collect(),
        ),
    );
    put("sinkSpecsTopic", json!(sink.topic));
    put("sinkSchemaType", json!(sink.schema_type));
    put("cpu", json!(resources.cpu));
    put("ram", json!(resources.ram));
    put("disk", json!(resources.disk));
    put("maxMessageRetries", json!(retry.max_message_retries));
    put("deadLetterTopic", json!(retry.dead_letter_topic));
    put("metricsPort", json!(s.metrics_port.unwrap_or(0)));
    put("functionDetails", json!(d.to_json()));
    if let Some(url) = s
        .worker
        .state_storage_service_url
        .as_ref()
        .filter(|u| !u.is_empty())
    {
        put("stateStorageServiceUrl", json!(url));
    }
    if let Some(a) = i.auth {
        if let (Some(p), Some(x)) = (&a.plugin, &a.params) {
            put("clientAuthenticationPlugin", json!(p));
            put("clientAuthenticationParameters", json!(x));
        }
        put("tlsAllowInsecureConnection", json!(a.tls_allow_insecure));
        put("tlsHostnameVerificationEnable", json!(a.hostname_verification));
        if let Some(f) = &a.trust_cert_path {
            put("tlsTrustCertsFilePath", json!(f));
        }
    }
    serde_json::to_string(&Value::Object(m)).unwrap_or_default()
}

/// Stands for the shard id in the Go config until the script splices `$SHARD_ID` in.
const SHARD_MARK: &str = "\u{0}shard\u{0}";

fn guarantee_number(d: &FunctionDetails) -> i32 {
    use super::details::Guarantees;
    match d.processing_guarantees {
        Guarantees::AtleastOnce => 0,
        Guarantees::AtmostOnce => 1,
        Guarantees::EffectivelyOnce => 2,
        Guarantees::Manual => 3,
    }
}

fn go<'a>(i: &'a Instance<'a>) -> Vec<Word<'a>> {
    let file = i.built.package.file();
    let config = go_config(i);
    let mark = serde_json::to_string(SHARD_MARK).unwrap_or_default();
    // The JSON in single quotes, the shard id spliced in bare: '{…"instanceID":'$SHARD_ID',…}'
    let spliced = quote_always(&config).replace(&mark, "'$SHARD_ID'");
    vec![
        lit("chmod"),
        lit("777"),
        lit(file),
        sh("&&"),
        lit("exec"),
        lit(file),
        lit("-instance-conf"),
        sh(spliced),
    ]
}

fn quote_always(s: &str) -> String {
    let q = quote(s);
    if q.starts_with('\'') { q } else { format!("'{q}'") }
}

/// The words of the instance alone (`getProcessArgs`): what follows the download and shard id.
pub(crate) fn process_words<'a>(i: &'a Instance<'a>) -> Vec<Word<'a>> {
    match i.built.details.runtime {
        Runtime::Go => go(i),
        Runtime::Java => {
            let mut w = vec![lit("exec")];
            w.extend(java(i));
            shared(i, &mut w);
            w
        }
        Runtime::Python => {
            let mut w = python(i);
            shared(i, &mut w);
            w
        }
    }
}

/// `["sh", "-c", <script>]`.
pub(crate) fn command(i: &Instance<'_>) -> Vec<String> {
    let mut words = Vec::new();
    if let Package::Download { url, file } = &i.built.package {
        words.extend(download(i, url, file));
        words.push(sh("&&"));
    }
    words.push(sh("SHARD_ID=${POD_NAME##*-} && echo shardId=${SHARD_ID}"));
    words.push(sh("&&"));
    words.extend(process_words(i));
    vec!["sh".to_owned(), "-c".to_owned(), render(&words)]
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn words_are_quoted_only_when_needed() {
        assert_eq!(quote("/pulsar/bin/pulsar-admin"), "/pulsar/bin/pulsar-admin");
        assert_eq!(quote(r#"{"a": "b"}"#), r#"'{"a": "b"}'"#);
        assert_eq!(quote("it's"), r"'it'\''s'");
        assert_eq!(quote(""), "''");
        assert_eq!(quote("a;rm -rf /"), "'a;rm -rf /'");
    }

    #[test]
    fn function_ids_are_stable_uuids() {
        let d = FunctionDetails {
            tenant: "t".into(),
            namespace: "n".into(),
            name: "f".into(),
            ..FunctionDetails::default()
        };
        let id = function_id(&d);
        assert_eq!(id, function_id(&d));
        assert_eq!(id.len(), 36);
        assert_eq!(&id[14..15], "5");
        let other = FunctionDetails {
            name: "g".into(),
            ..d
        };
        assert_ne!(id, function_id(&other));
    }
}

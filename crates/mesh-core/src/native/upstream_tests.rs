//! Pulsar's `KubernetesRuntimeTest`, one test per upstream test method reproduced, against the
//! objects mesh makes. The setup mirrors the upstream factory: root `/pulsar`, gRPC port 4332,
//! metrics port 4331, Python dependency repositories, NAR directory `/tmp/foo`, state storage
//! `bk://localhost:4181`, cluster `standalone`, and a Java function `tenant/namespace/container`
//! with 1000 bytes of RAM. Where mesh differs on purpose (a §5 bug fixed), the test says so.

use k8s_openapi::api::apps::v1::StatefulSet;
use k8s_openapi::apimachinery::pkg::api::resource::Quantity;

use super::details::FunctionDetails;
use super::{Native, convert};
use crate::convert::{AuthContext, Component, Context};
use crate::pulsar::FunctionConfig;
use crate::worker::WorkerConfig;

const ROOT_JAR: &str = "/pulsar/UserJar.jar";

fn worker(extra: &str) -> WorkerConfig {
    let text = format!(
        "
pulsarFunctionsCluster: standalone
stateStorageServiceUrl: bk://localhost:4181
functionRuntimeFactoryClassName: org.apache.pulsar.functions.runtime.kubernetes.KubernetesRuntimeFactory
functionRuntimeFactoryConfigs:
  pulsarRootDir: /pulsar
  installUserCodeDependencies: true
  pythonDependencyRepository: myrepo
  pythonExtraDependencyRepository: anotherrepo
  percentMemoryPadding: 10
  pulsarServiceUrl: pulsar://localhost:6670
  pulsarAdminUrl: http://localhost:8080
  grpcPort: 4332
  metricsPort: 4331
  narExtractionDirectory: /tmp/foo
  functionInstanceClassPath: /pulsar/lib/*
{extra}"
    );
    crate::document::parse_one(text.as_bytes()).unwrap()
}

fn function(runtime: &str, extra: &str) -> FunctionConfig {
    let package = match runtime {
        "py" => "py: function://tenant/namespace/container@1",
        "go" => "go: function://tenant/namespace/container@1",
        _ => "jar: function://tenant/namespace/container@1",
    };
    let text = format!(
        "tenant: tenant\nnamespace: namespace\nname: container\nclassName: org.apache.pulsar.functions.utils.functioncache.AddFunction\n\
         inputs: [test_src]\noutput: container-output\nlogTopic: container-log\nretainOrdering: true\n\
         outputSerdeClassName: org.apache.pulsar.functions.runtime.serde.Utf8Serializer\n\
         inputTypeClassName: java.lang.String\noutputTypeClassName: java.lang.String\n\
         resources: {{cpu: 1, ram: 1000, disk: 10000}}\n{package}\n{extra}"
    );
    crate::document::parse_one(text.as_bytes()).unwrap()
}

fn run(w: &WorkerConfig, f: FunctionConfig) -> Native {
    let mut ctx = Context::new(w);
    ctx.package_file_name = Some("UserJar.jar");
    convert(Component::from(f), &ctx).unwrap()
}

fn script(s: &StatefulSet) -> String {
    s.spec.template.spec.as_ref().unwrap().containers[0]
        .command
        .as_ref()
        .unwrap()[2]
        .clone()
}

/// The function details in the script (the word after `--function_details`, in single quotes).
fn details_in(script: &str) -> FunctionDetails {
    let start = script.find("--function_details '").unwrap() + "--function_details '".len();
    let end = start + script[start..].find("' --").unwrap();
    serde_json::from_str(&script[start..end]).unwrap()
}

fn limits(s: &StatefulSet, key: &str) -> (Quantity, Quantity) {
    let r = s.spec.template.spec.as_ref().unwrap().containers[0]
        .resources
        .clone()
        .unwrap();
    (r.limits.unwrap()[key].clone(), r.requests.unwrap()[key].clone())
}

/// The Java instance as `verifyJavaInstance` expects it, with mesh's differences: the log level
/// flag and the shaded Netty flags of current Pulsar, the Java 11+ `--add-opens`, and the
/// package downloaded to the download directory under its sanitized name. The class path is
/// quoted: bare, the shell would expand its `*` into file names.
fn expected_java(depsdir: &str, jar: &str, details: &FunctionDetails, admin: &str) -> String {
    format!(
        "exec java -cp '/pulsar/instances/java-instance.jar:{depsdir}/*' -Dpulsar.functions.extra.dependencies.dir={depsdir} \
         '-Dpulsar.functions.instance.classpath=/pulsar/lib/*' -Dpulsar.log.level=info \
         -Dlog4j.configurationFile=kubernetes_instance_log4j2.xml -Dpulsar.function.log.dir=logs/functions/tenant/namespace/container \
         -Dpulsar.function.log.file=container-$SHARD_ID -Dio.netty.tryReflectionSetAccessible=true \
         -Dorg.apache.pulsar.shade.io.netty.tryReflectionSetAccessible=true -Dio.grpc.netty.shaded.io.netty.tryReflectionSetAccessible=true \
         --add-opens java.base/java.nio=ALL-UNNAMED --add-opens java.base/jdk.internal.misc=ALL-UNNAMED --add-opens java.base/java.util.zip=ALL-UNNAMED \
         -Xmx1000 org.apache.pulsar.functions.instance.JavaInstanceMain --jar {jar} --instance_id $SHARD_ID --function_id {} \
         --function_version 0 --function_details '{}' --pulsar_serviceurl pulsar://localhost:6670{admin} \
         --max_buffered_tuples 1024 --port 4332 --metrics_port 4331 --pending_async_requests 1000 \
         --state_storage_serviceurl bk://localhost:4181 --expected_healthcheck_interval -1 \
         --secrets_provider org.apache.pulsar.functions.secretsprovider.EnvironmentBasedSecretsProvider \
         --cluster_name standalone --nar_extraction_directory /tmp/foo",
        super::function_id(details),
        details.to_json(),
    )
}

fn verify_java_instance(n: &Native, depsdir: &str, jar: &str) {
    let s = script(&n.stateful_set);
    let details = details_in(&s);
    let expected = expected_java(depsdir, jar, &details, "");
    assert!(
        s.ends_with(&expected),
        "script:\n{s}\nexpected to end with:\n{expected}"
    );
    assert_eq!(details.resources.as_ref().unwrap().ram, 1000);
    // Padding and heap: the heap is the RAM asked for, the limit 10 % more.
    assert_eq!(limits(&n.stateful_set, "memory").0, Quantity("1100".into()));
    assert_eq!(
        limits(&n.stateful_set, "cpu"),
        (Quantity("1".into()), Quantity("1".into()))
    );
}

#[test]
fn test_ram_padding() {
    for (padding, expected) in [(0, "1000"), (5, "1050"), (10, "1100")] {
        let mut w = worker("");
        w.function_runtime_factory_configs
            .as_mut()
            .unwrap()
            .percent_memory_padding = Some(padding);
        let n = run(&w, function("jar", ""));
        assert_eq!(
            limits(&n.stateful_set, "memory"),
            (Quantity(expected.into()), Quantity(expected.into()))
        );
    }
}

#[test]
fn test_java_constructor() {
    let n = run(&worker(""), function("jar", ""));
    verify_java_instance(&n, "/pulsar/instances/deps", ROOT_JAR);
}

#[test]
fn test_java_constructor_with_secrets() {
    let n = run(
        &worker(""),
        function(
            "jar",
            "secrets: {password: {path: db-credentials, key: password}}",
        ),
    );
    verify_java_instance(&n, "/pulsar/instances/deps", ROOT_JAR);
    let env = n.stateful_set.spec.template.spec.as_ref().unwrap().containers[0]
        .env
        .clone()
        .unwrap();
    let secret = env.iter().find(|e| e.name == "password").unwrap();
    let r = secret
        .value_from
        .as_ref()
        .unwrap()
        .secret_key_ref
        .as_ref()
        .unwrap();
    assert_eq!((r.name.as_str(), r.key.as_str()), ("db-credentials", "password"));
    assert_eq!(
        details_in(&script(&n.stateful_set)).secrets_map,
        r#"{"password":{"key":"password","path":"db-credentials"}}"#
    );
}

#[test]
fn test_java_constructor_with_deps() {
    let mut w = worker("");
    w.function_runtime_factory_configs
        .as_mut()
        .unwrap()
        .extra_function_dependencies_dir = Some("/path/to/deps/dir".into());
    let n = run(&w, function("jar", ""));
    verify_java_instance(&n, "/path/to/deps/dir", ROOT_JAR);
}

#[test]
fn test_resources() {
    for (cpu, cpu_ratio, memory_ratio, limit_cpu, request_cpu, request_memory) in [
        (1.0, 1.0, 1.0, "1", "1", "1100"),
        (1.0, 2.0, 1.0, "1", "500m", "1100"),
        (1.0, 1.0, 2.0, "1", "1", "550"),
        (1.0, 1.5, 1.5, "1", "667m", "733"),
        (1.0, 1.3, 1.0, "1", "769m", "1100"),
        // cpu rounding: 1 / 1.5 cores, then over-committed
        (1.0 / 1.5, 1.3, 1.0, "667m", "513m", "1100"),
    ] {
        let mut w = worker("");
        let f = w.function_runtime_factory_configs.as_mut().unwrap();
        f.cpu_over_commit_ratio = Some(cpu_ratio);
        f.memory_over_commit_ratio = Some(memory_ratio);
        let mut config = function("jar", "");
        config.resources.as_mut().unwrap().cpu = Some(cpu);
        let n = run(&w, config);
        assert_eq!(
            limits(&n.stateful_set, "cpu"),
            (Quantity(limit_cpu.into()), Quantity(request_cpu.into()))
        );
        assert_eq!(
            limits(&n.stateful_set, "memory"),
            (Quantity("1100".into()), Quantity(request_memory.into()))
        );
    }
}

fn verify_python_instance(n: &Native, deps: &str) {
    let s = script(&n.stateful_set);
    let details = details_in(&s);
    let expected = format!(
        "PYTHONPATH=${{PYTHONPATH}}:{deps} exec python3 /pulsar/instances/python-instance/python_instance_main.py --py {ROOT_JAR} \
         --logging_directory logs/functions --logging_file container \
         --logging_config_file /pulsar/conf/functions-logging/console_logging_config.ini --install_usercode_dependencies True \
         --dependency_repository myrepo --extra_dependency_repository anotherrepo --instance_id $SHARD_ID --function_id {} \
         --function_version 0 --function_details '{}' --pulsar_serviceurl pulsar://localhost:6670 --max_buffered_tuples 1024 \
         --port 4332 --metrics_port 4331 --state_storage_serviceurl bk://localhost:4181 --expected_healthcheck_interval -1 \
         --secrets_provider secretsprovider.EnvironmentBasedSecretsProvider --cluster_name standalone",
        super::function_id(&details),
        details.to_json()
    );
    assert!(
        s.ends_with(&expected),
        "script:\n{s}\nexpected to end with:\n{expected}"
    );
    assert_eq!(limits(&n.stateful_set, "memory").0, Quantity("1100".into()));
}

#[test]
fn test_python_constructor() {
    verify_python_instance(&run(&worker(""), function("py", "")), "/pulsar/instances/deps");
}

#[test]
fn test_python_constructor_with_deps() {
    let mut w = worker("");
    w.function_runtime_factory_configs
        .as_mut()
        .unwrap()
        .extra_function_dependencies_dir = Some("/path/to/deps/dir".into());
    verify_python_instance(&run(&w, function("py", "")), "/path/to/deps/dir");
}

#[test]
fn test_create_function_labels() {
    let namespace = format!("{:0<100}", "namespace:$second.part:third@test_0");
    let mut f = function("jar", "");
    f.namespace = Some(namespace);
    f.name = Some("$function_name!".into());
    // The upstream test names the job `custom-name`: the long namespace would not fit a name.
    let mut w = worker("");
    w.function_runtime_factory_configs.as_mut().unwrap().job_name = Some("custom-name".into());
    let n = run(&w, f);
    let labels = n.stateful_set.metadata.labels.unwrap();
    assert_eq!(labels["tenant"], "tenant");
    assert_eq!(
        labels["namespace"],
        format!("{:0<63}", "namespace--second.part-third-test_0")
    );
    assert_eq!(labels["name"], "0function_name0");
}

#[test]
fn test_no_op_kubernetes_manifest_customizer() {
    let n = run(
        &worker(""),
        function(
            "jar",
            r#"customRuntimeOptions: '{"jobNamespace":"custom-ns","jobName":"custom-name"}'"#,
        ),
    );
    verify_java_instance(&n, "/pulsar/instances/deps", ROOT_JAR);
    assert_eq!(n.service.metadata.namespace.as_deref(), Some("default"));
    assert_eq!(
        n.service.metadata.name.as_deref(),
        Some("pf-tenant-namespace-container")
    );
    assert!(n.warnings.iter().any(|w| w.path == "customRuntimeOptions"));
}

const CUSTOMIZER: &str = r#"{"jobNamespace":"custom-ns","jobName":"custom-name","extraAnnotations":{"annotation":"test"},"extraLabels":{"label":"test"},"nodeSelectorLabels":{"selector":"test"},"tolerations":[{"key":"test","value":"test","effect":"test"}],"resourceRequirements":{"requests":{"cpu":"1","memory":"4G"},"limits":{"cpu":"2","memory":"8G"}}}"#;

fn verify_customized(n: &Native, namespace: &str, name: &str) {
    let sts = &n.stateful_set;
    assert_eq!(sts.metadata.annotations.as_ref().unwrap()["annotation"], "test");
    assert_eq!(sts.metadata.labels.as_ref().unwrap()["label"], "test");
    let pod = sts.spec.template.spec.as_ref().unwrap();
    assert_eq!(pod.node_selector.as_ref().unwrap()["selector"], "test");
    let tolerations = pod.tolerations.as_ref().unwrap();
    assert_eq!(tolerations.len(), 4);
    assert_eq!(tolerations[3].key.as_deref(), Some("test"));
    assert_eq!(tolerations[3].value.as_deref(), Some("test"));
    assert_eq!(tolerations[3].effect.as_deref(), Some("test"));
    assert_eq!(n.service.metadata.namespace.as_deref(), Some(namespace));
    assert_eq!(n.service.metadata.name.as_deref(), Some(name));
    assert_eq!(
        n.service.metadata.annotations.as_ref().unwrap()["annotation"],
        "test"
    );
    assert_eq!(n.service.metadata.labels.as_ref().unwrap()["label"], "test");
    assert_eq!(limits(sts, "cpu"), (Quantity("2".into()), Quantity("1".into())));
    assert_eq!(
        limits(sts, "memory"),
        (Quantity("8G".into()), Quantity("4G".into()))
    );
}

#[test]
fn test_basic_kubernetes_manifest_customizer() {
    let w = worker(&format!(
        "runtimeCustomizerClassName: {}\n",
        super::customizer::BASIC_CUSTOMIZER
    ));
    let n = run(
        &w,
        function("jar", &format!("customRuntimeOptions: '{CUSTOMIZER}'")),
    );
    verify_java_instance_customized(&n);
    verify_customized(&n, "custom-ns", "custom-name-2deb2c2b");
}

fn verify_java_instance_customized(n: &Native) {
    let s = script(&n.stateful_set);
    let details = details_in(&s);
    assert!(s.ends_with(&expected_java("/pulsar/instances/deps", ROOT_JAR, &details, "")));
}

#[test]
fn test_custom_kubernetes_manifest_customizer() {
    // A customizer class of the user's own cannot run outside a JVM worker: refused, named.
    let w = worker("runtimeCustomizerClassName: org.example.TestKubernetesCustomManifestCustomizer\n");
    let mut ctx = Context::new(&w);
    ctx.package_file_name = Some("UserJar.jar");
    let e = convert(
        Component::from(function("jar", "customRuntimeOptions: custom-service-account")),
        &ctx,
    )
    .unwrap_err();
    assert!(
        e.errors().any(|d| d.path == "runtimeCustomizerClassName"),
        "{e:?}"
    );
}

const AUTH_WORKER: &str = "authenticationEnabled: true\nbrokerClientAuthenticationPlugin: com.MyAuth\nbrokerClientAuthenticationParameters: '{\"authParam1\": \"authParamValue1\"}'\n";

#[test]
fn test_custom_kubernetes_download_commands_with_auth() {
    // With a caller's token (Pulsar's FunctionAuthenticationSpec), the download runs as the
    // caller, from the token mounted out of the function's Secret.
    let w = worker(AUTH_WORKER);
    let auth = AuthContext {
        client_role: Some("user".into()),
        bearer_token: Some("caller-token".into()),
        oauth2_key_secret: None,
    };
    let mut ctx = Context::new(&w);
    ctx.package_file_name = Some("UserJar.jar");
    ctx.auth = Some(&auth);
    let n = convert(Component::from(function("jar", "")), &ctx).unwrap();
    let s = script(&n.stateful_set);
    let expected = format!(
        "/pulsar/bin/pulsar-admin --admin-url http://localhost:8080 --auth-plugin org.apache.pulsar.client.impl.auth.AuthenticationToken \
         --auth-params file:///etc/auth/token packages download function://tenant/namespace/container@1 --path {ROOT_JAR}"
    );
    assert!(s.starts_with(&expected), "{s}");
    let secret = n.secret.unwrap();
    assert_eq!(secret.data.unwrap()["token"].0, b"caller-token");
    let pod = n.stateful_set.spec.template.spec.unwrap();
    assert_eq!(
        pod.volumes.unwrap()[0].secret.as_ref().unwrap().secret_name,
        secret.metadata.name
    );
    assert_eq!(
        pod.containers[0].volume_mounts.as_ref().unwrap()[0].mount_path,
        "/etc/auth"
    );
}

#[test]
fn test_custom_kubernetes_download_commands_with_auth_without_auth_spec() {
    // No caller (an offline conversion): the worker's broker client auth, quoted as one word
    // (Pulsar split `{"authParam1": "authParamValue1"}` into two).
    let n = run(&worker(AUTH_WORKER), function("jar", ""));
    let s = script(&n.stateful_set);
    let expected = format!(
        "/pulsar/bin/pulsar-admin --admin-url http://localhost:8080 --auth-plugin com.MyAuth --auth-params '{{\"authParam1\": \"authParamValue1\"}}' \
         packages download function://tenant/namespace/container@1 --path {ROOT_JAR}"
    );
    assert!(s.starts_with(&expected), "{s}");
    assert!(s.contains(" --use_tls false --tls_allow_insecure false --hostname_verification_enabled false "));
    // Credentials in the spec are said to be there, without repeating them.
    let n = run(&worker(AUTH_WORKER), function("jar", ""));
    let w = n
        .warnings
        .iter()
        .find(|w| w.path == "brokerClientAuthenticationParameters")
        .unwrap();
    assert!(!w.message.contains("authParamValue1"));
    // A request that is authenticated but carries no token cannot hand the function one.
    let w = worker(AUTH_WORKER);
    let auth = AuthContext {
        client_role: Some("user".into()),
        ..AuthContext::default()
    };
    let mut ctx = Context::new(&w);
    ctx.auth = Some(&auth);
    let e = convert(Component::from(function("jar", "")), &ctx).unwrap_err();
    assert!(e.errors().any(|d| d.path == "authenticationEnabled"));
}

#[test]
fn test_custom_kubernetes_download_commands_with_auth_and_custom_tls_without_auth_spec() {
    let w = worker(&format!(
        "{AUTH_WORKER}tlsEnableHostnameVerification: true\ntlsTrustCertsFilePath: /my/ca.pem\n"
    ));
    let mut w = w;
    w.function_runtime_factory_configs
        .as_mut()
        .unwrap()
        .pulsar_service_url = Some("pulsar+ssl://localhost:6651".into());
    let s = script(&run(&w, function("jar", "")).stateful_set);
    // Only the TLS flags that are on, as current Pulsar writes them.
    assert!(s.contains("--auth-params '{\"authParam1\": \"authParamValue1\"}' --tls-enable-hostname-verification --tls-trust-cert-path /my/ca.pem packages download"), "{s}");
    assert!(s.contains("--use_tls true --tls_allow_insecure false --hostname_verification_enabled true --tls_trust_cert_path /my/ca.pem"));
}

#[test]
fn test_golang_constructor() {
    let n = run(&worker(""), function("go", ""));
    let s = script(&n.stateful_set);
    let at = s.find("chmod 777 ").unwrap();
    let tail = &s[at..];
    assert!(
        tail.starts_with(&format!(
            "chmod 777 {ROOT_JAR} && exec {ROOT_JAR} -instance-conf '"
        )),
        "{tail}"
    );
    // The config with the shard spliced in, as the shell reads it for pod 0.
    let quoted = &tail[tail.find("-instance-conf ").unwrap() + "-instance-conf ".len()..];
    let json = quoted
        .trim_start_matches('\'')
        .trim_end_matches('\'')
        .replace("'$SHARD_ID'", "0");
    let c: serde_json::Value = serde_json::from_str(&json).unwrap();
    for (key, want) in [
        ("maxBufTuples", serde_json::json!(1024)),
        ("maxMessageRetries", serde_json::json!(0)),
        ("killAfterIdleMs", serde_json::json!(0)),
        ("parallelism", serde_json::json!(1)),
        ("sourceSpecsTopic", serde_json::json!("test_src")),
        ("sourceSchemaType", serde_json::json!("")),
        ("sinkSpecsTopic", serde_json::json!("container-output")),
        ("clusterName", serde_json::json!("standalone")),
        ("nameSpace", serde_json::json!("namespace")),
        ("receiverQueueSize", serde_json::json!(0)),
        ("tenant", serde_json::json!("tenant")),
        ("logTopic", serde_json::json!("container-log")),
        ("processingGuarantees", serde_json::json!(0)),
        ("autoAck", serde_json::json!(true)),
        ("regexPatternSubscription", serde_json::json!(false)),
        ("pulsarServiceURL", serde_json::json!("pulsar://localhost:6670")),
        ("runtime", serde_json::json!(3)),
        ("cpu", serde_json::json!(1.0)),
        ("funcVersion", serde_json::json!("0")),
        ("disk", serde_json::json!(10000)),
        // Pulsar: 0 in every pod, and the worker's own port.
        ("instanceID", serde_json::json!(0)),
        ("port", serde_json::json!(4332)),
        ("cleanupSubscription", serde_json::json!(true)),
        ("subscriptionType", serde_json::json!(1)),
        ("timeoutMs", serde_json::json!(0)),
        ("subscriptionName", serde_json::json!("")),
        ("name", serde_json::json!("container")),
        ("expectedHealthCheckInterval", serde_json::json!(-1)),
        ("deadLetterTopic", serde_json::json!("")),
        ("metricsPort", serde_json::json!(4331)),
    ] {
        assert_eq!(c[key], want, "{key}");
    }
    assert_eq!(limits(&n.stateful_set, "memory").0, Quantity("1100".into()));
}

#[test]
fn test_kubernetes_runtime_with_expose_admin_client_enabled() {
    let n = run(&worker("exposeAdminClientEnabled: true\n"), function("jar", ""));
    let s = script(&n.stateful_set);
    let details = details_in(&s);
    let expected = expected_java(
        "/pulsar/instances/deps",
        ROOT_JAR,
        &details,
        " --web_serviceurl http://localhost:8080 --expose_pulsaradmin",
    );
    assert!(s.ends_with(&expected), "{s}");
}

#[test]
fn test_kubernetes_runtime_with_expose_admin_client_disabled() {
    let n = run(&worker("exposeAdminClientEnabled: false\n"), function("jar", ""));
    verify_java_instance(&n, "/pulsar/instances/deps", ROOT_JAR);
}

#[test]
fn test_basic_kubernetes_manifest_customizer_with_runtime_customizer_config() {
    let w = worker(&format!(
        "runtimeCustomizerClassName: {}\nruntimeCustomizerConfig: {CUSTOMIZER}\n",
        super::customizer::BASIC_CUSTOMIZER
    ));
    let n = run(&w, function("jar", ""));
    verify_java_instance_customized(&n);
    verify_customized(&n, "custom-ns", "custom-name-2deb2c2b");
}

#[test]
fn test_basic_kubernetes_manifest_customizer_with_runtime_customizer_config_overwrite() {
    let w = worker(&format!(
        "runtimeCustomizerClassName: {}\nruntimeCustomizerConfig: {CUSTOMIZER}\n",
        super::customizer::BASIC_CUSTOMIZER
    ));
    let n = run(
        &w,
        function(
            "jar",
            r#"customRuntimeOptions: '{"jobNamespace":"custom-ns-overwrite","jobName":"custom-name-overwrite"}'"#,
        ),
    );
    verify_customized(&n, "custom-ns-overwrite", "custom-name-overwrite-7757f1ff");
}

#[test]
fn test_java_constructor_without_download_directory_defined() {
    verify_java_instance(
        &run(&worker(""), function("jar", "")),
        "/pulsar/instances/deps",
        ROOT_JAR,
    );
}

#[test]
fn test_java_constructor_with_download_directory_defined() {
    let n = run(
        &worker("downloadDirectory: download/pulsar_functions\n"),
        function("jar", ""),
    );
    verify_java_instance(
        &n,
        "/pulsar/instances/deps",
        "/pulsar/download/pulsar_functions/UserJar.jar",
    );
}

#[test]
fn test_java_constructor_with_absolut_download_directory_defined() {
    let n = run(
        &worker("downloadDirectory: /functions/download/pulsar_functions\n"),
        function("jar", ""),
    );
    verify_java_instance(
        &n,
        "/pulsar/instances/deps",
        "/functions/download/pulsar_functions/UserJar.jar",
    );
}

fn metrics(port: Option<&str>) -> (Native, String) {
    let mut w = worker("");
    let f = w.function_runtime_factory_configs.as_mut().unwrap();
    f.metrics_port = port.map(|p| {
        crate::document::parse_one::<crate::worker::FactoryConfig>(format!("metricsPort: {p}").as_bytes())
            .unwrap()
            .metrics_port
            .unwrap()
    });
    if port.is_none() {
        f.metrics_port = None;
    }
    let n = run(&w, function("jar", ""));
    let s = script(&n.stateful_set);
    (n, s)
}

fn annotations(n: &Native) -> std::collections::BTreeMap<String, String> {
    n.stateful_set
        .spec
        .template
        .metadata
        .as_ref()
        .and_then(|m| m.annotations.clone())
        .unwrap_or_default()
}

#[test]
fn should_use_configured_metrics_port() {
    let (n, s) = metrics(Some("12345"));
    assert_eq!(annotations(&n)["prometheus.io/port"], "12345");
    assert_eq!(annotations(&n)["prometheus.io/scrape"], "true");
    assert!(s.contains("--metrics_port 12345"));
}

#[test]
fn should_use_default_metrics_port_when_metrics_port_isnt_set() {
    let (n, s) = metrics(None);
    assert_eq!(annotations(&n)["prometheus.io/port"], "9094");
    assert!(s.contains("--metrics_port 9094"));
}

#[test]
fn should_not_add_prometheus_annotation_if_metrics_port_is_set_to_empty() {
    let (n, s) = metrics(Some("''"));
    assert!(annotations(&n).is_empty());
    assert!(s.contains("--metrics_port 0"));
    // Pulsar still listed a `prometheus` port, with no number, which the API server rejects.
    let ports = n.stateful_set.spec.template.spec.as_ref().unwrap().containers[0]
        .ports
        .clone()
        .unwrap();
    assert_eq!(ports.len(), 1);
    assert_eq!(ports[0].name.as_deref(), Some("grpc"));
}

#[test]
fn custom_labels_never_replace_selector_labels() {
    let mut w = worker("");
    w.function_runtime_factory_configs.as_mut().unwrap().custom_labels = Some(
        [
            ("name".to_owned(), "shared".to_owned()),
            ("team".to_owned(), "Data Eng".to_owned()),
        ]
        .into(),
    );
    let w2 = w.clone();
    let n = run(&w2, function("jar", ""));
    let selector = n.stateful_set.spec.selector.match_labels.clone().unwrap();
    assert_eq!(selector["name"], "container");
    assert_eq!(selector["team"], "data-eng");
    assert_eq!(
        n.service.spec.as_ref().unwrap().selector.as_ref().unwrap(),
        &selector
    );
    assert!(
        n.warnings
            .iter()
            .any(|d| d.path == "functionRuntimeFactoryConfigs.customLabels.name")
    );
}

#[test]
fn admission_checks_say_every_violation() {
    let w = worker(
        "functionInstanceMinResources: {cpu: 2, ram: 2000}\nfunctionInstanceResourceGranularities: {ram: 300}\n",
    );
    let mut ctx = Context::new(&w);
    ctx.package_file_name = Some("UserJar.jar");
    let mut f = function("jar", "");
    f.name = Some("Bad_Name".into());
    let e = convert(Component::from(f), &ctx).unwrap_err();
    let messages: Vec<String> = e.errors().map(ToString::to_string).collect();
    assert!(messages.contains(&"error: resources.cpu: Per instance CPU requested, 1.0, for function is less than the minimum required, 2.0".to_owned()), "{messages:?}");
    assert!(messages.contains(&"error: resources.ram: Per instance RAM requested, 1000, for function is less than the minimum required, 2000".to_owned()));
    assert!(messages.contains(&"error: resources.ram: Per instance ram requested, 1000, for function should be positive and a multiple of the granularity, 300".to_owned()));
}

//! The Function Mesh operator's admission webhook (create), with its exact messages, plus the
//! CRD constraints and Kubernetes syntax the API server would enforce.

use std::collections::BTreeMap;

use k8s_openapi::api::core::v1::ResourceRequirements;
use k8s_openapi::apimachinery::pkg::api::resource::Quantity;
use k8s_openapi::apimachinery::pkg::apis::meta::v1::ObjectMeta;

use super::k8s::{MAX_CR_NAME, label_key_problem, label_value_problem};
use super::topic::is_valid_operator;
use crate::Kind;
use crate::crd::{
    ComponentSpec, ConsumerConfig, Function, InputConf, OutputConf, ProcessingGuarantee, Sink, Source,
    WindowConfig,
};
use crate::diag::{Diagnostics, join};
use crate::quantity::{is_quantity, parse_exact};

/// Who wrote the resource being checked.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Origin {
    /// Someone else: every check runs.
    Given,
    /// A mesh conversion, which checked every label and annotation it wrote (and whose reserved
    /// keys are valid by construction): their syntax is not checked a second time.
    Converted,
}

fn blank(s: Option<&String>) -> bool {
    s.is_none_or(String::is_empty)
}

/// Validates a `Function` as the operator's webhook would on create.
pub fn function(function: &Function, origin: Origin) -> Diagnostics {
    let s = &function.spec;
    let mut d = common(&function.metadata, s, origin);
    let g = s.processing_guarantee;
    delivery(
        s.timeout,
        s.max_message_retry,
        g,
        s.dead_letter_topic.as_ref(),
        &mut d,
    );
    if s.retain_key_ordering == Some(true) && g == Some(ProcessingGuarantee::EffectivelyOnce) {
        d.error(
            "spec.retainKeyOrdering",
            "when effectively once processing guarantee is specified, retain Key ordering cannot be set",
        );
    }
    if s.retain_key_ordering == Some(true) && s.retain_ordering == Some(true) {
        for p in ["spec.retainKeyOrdering", "spec.retainOrdering"] {
            d.error(p, "only one of retain ordering or retain key ordering can be set");
        }
    }
    if let Some(t) = s.log_topic.as_deref().filter(|t| !t.is_empty())
        && !is_valid_operator(t)
    {
        d.error("spec.logTopic", format!("Log topic {t} is invalid"));
    }
    if let Some(st) = &s.stateful_config {
        let pure_go = s.golang.is_some() && s.java.is_none() && s.python.is_none();
        if pure_go {
            d.error(
                "spec.statefulConfig",
                "Golang function do not support stateful function yet",
            );
        }
        if st.pulsar.as_ref().is_some_and(|p| p.service_url.is_empty()) {
            d.error(
                "spec.statefulConfig.pulsar.serviceUrl",
                "serviceUrl cannot be empty",
            );
        }
    }
    if let Some(rules) = s.pod.as_ref().and_then(|p| p.builtin_autoscaler.as_ref()) {
        if rules.iter().filter(|r| r.contains("CPU")).count() > 1 {
            d.error(
                "spec.pod.builtinAutoscaler",
                "Duplicate CPU autoscaler metrics are set",
            );
        }
        if rules.iter().filter(|r| r.contains("Memory")).count() > 1 {
            d.error(
                "spec.pod.builtinAutoscaler",
                "Duplicate Memory autoscaler metrics are set",
            );
        }
    }
    if let Some(w) = &s.window_config {
        window(w, &mut d);
    }
    if s.source_config.is_none() {
        inputs(s.input.as_ref(), &mut d);
    }
    if s.sink_config.is_none() {
        output(s.output.as_ref(), s.input.as_ref(), &mut d);
    }
    d
}

/// Validates a `Sink` as the operator's webhook would on create.
pub fn sink(k: &Sink, origin: Origin) -> Diagnostics {
    let s = &k.spec;
    let mut d = common(&k.metadata, s, origin);
    delivery(
        s.timeout,
        s.max_message_retry,
        s.processing_guarantee,
        s.dead_letter_topic.as_ref(),
        &mut d,
    );
    if s.sink_config.is_none() {
        d.error("spec.sinkConfig", "sink config is not provided");
    }
    inputs(s.input.as_ref(), &mut d);
    d
}

/// Validates a `Source` as the operator's webhook would on create.
pub fn source(k: &Source, origin: Origin) -> Diagnostics {
    let s = &k.spec;
    let mut d = common(&k.metadata, s, origin);
    if s.source_config.is_none() {
        d.error("spec.sourceConfig", "source config is not provided");
    }
    output(s.output.as_ref(), None, &mut d);
    d
}

fn common<S: ComponentSpec>(meta: &ObjectMeta, c: &S, origin: Origin) -> Diagnostics {
    let mut d = Diagnostics::new();
    let kind = S::KIND.lower();
    let name = meta.name.as_deref().unwrap_or_default();
    if name.is_empty() {
        d.error("metadata.name", format!("{kind} name is not provided"));
    } else if name.len() > MAX_CR_NAME {
        d.error(
            "metadata.name",
            format!("{kind} name must be no more than {MAX_CR_NAME} characters"),
        );
    }
    if origin == Origin::Given {
        metadata(meta, &mut d);
    }
    runtimes(c, &mut d);
    replicas(c, &mut d);
    if let Some(vpa) = c.pod().and_then(|p| p.vpa.as_ref()) {
        if c.max_replicas().is_some() {
            d.error("spec.pod.vpa", "you can not enable HPA and VPA at the same time");
        }
        for (i, p) in vpa
            .resource_policy
            .iter()
            .flat_map(|r| r.container_policies.iter().flatten())
            .enumerate()
        {
            if blank(p.container_name.as_ref()) {
                d.error(
                    format!("spec.pod.vpa.resourcePolicy.containerPolicies[{i}].containerName"),
                    "container name must be specified",
                );
            }
        }
    }
    resources(c.resources(), &mut d);
    match c.pulsar() {
        Some(p) if !blank(p.pulsar_config.as_ref()) => {}
        _ => d.error("spec.pulsar.pulsarConfig", "Pulsar configuration needs to be set"),
    }
    if c.package_service()
        .is_some_and(|p| blank(p.pulsar_config.as_ref()))
    {
        d.error(
            "spec.pulsarPackageService.pulsarConfig",
            "pulsarPackageService.pulsarConfig needs to be set",
        );
    }
    d
}

fn metadata(meta: &ObjectMeta, d: &mut Diagnostics) {
    for (field, map) in [
        ("metadata.labels", &meta.labels),
        ("metadata.annotations", &meta.annotations),
    ] {
        for (k, v) in map.iter().flatten() {
            if let Some(p) = label_key_problem(k) {
                d.error(join(field, k), format!("invalid key: {p}"));
            }
            if field == "metadata.labels"
                && let Some(p) = label_value_problem(v)
            {
                d.error(join(field, k), format!("invalid label value {v:?}: {p}"));
            }
        }
    }
}

fn runtimes<S: ComponentSpec>(c: &S, d: &mut Diagnostics) {
    let set = [c.java().is_some(), c.python().is_some(), c.golang().is_some()]
        .iter()
        .filter(|b| **b)
        .count();
    match S::KIND {
        Kind::Function => {
            if set == 0 && c.generic_runtime().is_none() {
                for r in ["java", "python", "golang", "genericRuntime"] {
                    d.error(format!("spec.runtime.{r}"), "runtime cannot be empty");
                }
            } else if set > 1 {
                d.error("spec.runtime", "you can only specify one runtime");
            }
        }
        Kind::Sink | Kind::Source => {
            if c.java().is_none() {
                d.error(
                    "spec.java",
                    format!("{} must have java runtime specified", S::KIND.lower()),
                );
            }
        }
    }
    if let Some(j) = c.java() {
        if blank(c.class_name()) {
            d.error("spec.className", "class name cannot be empty");
        }
        if j.jar.is_empty() {
            d.error("spec.java.jar", "jar cannot be empty in java runtime");
        }
        package_location("spec.java.jarLocation", j.jar_location.as_ref(), d);
    }
    if let Some(p) = c.python() {
        if blank(c.class_name()) {
            d.error("spec.className", "class name cannot be empty");
        }
        if p.py.is_empty() {
            d.error("spec.python.py", "py cannot be empty in python runtime");
        }
        package_location("spec.python.pyLocation", p.py_location.as_ref(), d);
    }
    if let Some(g) = c.golang() {
        if g.go.is_empty() {
            d.error("spec.golang.go", "go cannot be empty in golang runtime");
        }
        package_location("spec.golang.goLocation", g.go_location.as_ref(), d);
    }
}

/// The operator's package location rule: a `function://`/`sink://`/`source://` package name
/// `tenant/namespace/name[@version]`, or an `http(s)://` URL.
pub fn package_location_problem(url: &str) -> Option<String> {
    let has_prefix = |p: &str| {
        url.as_bytes()
            .get(..p.len())
            .is_some_and(|head| head.eq_ignore_ascii_case(p.as_bytes()))
    };
    if ["function://", "source://", "sink://"]
        .into_iter()
        .any(has_prefix)
    {
        let mut parts = url.split("://");
        let ok = match (parts.next(), parts.next(), parts.next()) {
            (Some(_), Some(rest), None) => {
                let mut at = rest.split('@');
                let name = at.next().unwrap_or_default();
                at.nth(1).is_none() && name.split('/').count() == 3
            }
            _ => false,
        };
        return (!ok).then(|| format!("invalid package name {url}"));
    }
    if has_prefix("http://") || has_prefix("https://") {
        return None;
    }
    Some(format!(
        "invalid function package url {url}, supported url (http/https)"
    ))
}

fn package_location(path: &str, url: Option<&String>, d: &mut Diagnostics) {
    if let Some(problem) = url
        .filter(|u| !u.is_empty())
        .and_then(|u| package_location_problem(u))
    {
        d.error(path, problem);
    }
}

fn replicas<S: ComponentSpec>(c: &S, d: &mut Diagnostics) {
    // The CRD defaults minReplicas to 1 and the webhook copies it to replicas when unset.
    let min = c.min_replicas().unwrap_or(1);
    let replicas = c.replicas().unwrap_or(min);
    if replicas < 0 {
        d.error("spec.replicas", "replicas cannot be negative");
    }
    if let Some(max) = c.max_replicas() {
        if replicas > max {
            d.error(
                "spec.maxReplicas",
                "maxReplicas must be greater than or equal to replicas",
            );
        }
        if replicas == 0 {
            d.error(
                "spec.replicas",
                "replicas cannot be zero or negative when HPA is enabled",
            );
        }
        if min > max {
            d.error(
                "spec.minReplicas",
                "minReplicas must be less than or equal to maxReplicas",
            );
        }
    }
    if min <= 0 {
        d.error("spec.minReplicas", "minReplicas cannot be zero or negative");
    }
    if min > replicas {
        d.error(
            "spec.minReplicas",
            "minReplicas must be less than or equal to replicas",
        );
    }
}

fn resources(r: Option<&ResourceRequirements>, d: &mut Diagnostics) {
    let empty = BTreeMap::new();
    let requests = r.and_then(|r| r.requests.as_ref()).unwrap_or(&empty);
    let limits = r.and_then(|r| r.limits.as_ref()).unwrap_or(&empty);
    let mut syntax_ok = true;
    for (field, map) in [
        ("spec.resources.requests", requests),
        ("spec.resources.limits", limits),
    ] {
        for (k, Quantity(v)) in map {
            if !is_quantity(v) {
                syntax_ok = false;
                d.error(
                    join(field, k),
                    format!("quantities must match the regular expression of a Kubernetes quantity: {v:?}"),
                );
            }
        }
    }
    if !syntax_ok {
        return;
    }
    // Each side's cpu, memory and storage, parsed once.
    let read = |m: &BTreeMap<String, Quantity>| {
        let get = |k: &str| m.get(k).and_then(|q| parse_exact(&q.0));
        (
            get("cpu"),
            get("memory"),
            get("ephemeral-storage").or_else(|| get("storage")),
        )
    };
    let (requests, limits) = (read(requests), read(limits));
    let valid_side = |(cpu, memory, storage): (Option<f64>, Option<f64>, Option<f64>)| {
        cpu.unwrap_or(0.0) >= 0.0 && memory.is_some_and(|v| v > 0.0) && storage.unwrap_or(0.0) >= 0.0
    };
    let mut ok = valid_side(requests) && valid_side(limits);
    if ok {
        ok = requests.1 <= limits.1;
        let limit_cpu = limits.0.unwrap_or(0.0);
        if limit_cpu != 0.0 && requests.0.unwrap_or(0.0) > limit_cpu {
            ok = false;
        }
    }
    if !ok {
        d.error("spec.resources", "resource requirement is invalid");
    }
}

fn delivery(
    timeout: Option<i32>,
    retries: Option<i32>,
    g: Option<ProcessingGuarantee>,
    dlq: Option<&String>,
    d: &mut Diagnostics,
) {
    let eo = g == Some(ProcessingGuarantee::EffectivelyOnce);
    if timeout.is_some_and(|t| t != 0) && eo {
        d.error(
            "spec.timeout",
            "message timeout can only be set for AtleastOnce processing guarantee",
        );
    }
    if retries.is_some_and(|r| r > 0) && eo {
        d.error(
            "spec.maxMessageRetry",
            "MaxMessageRetries and Effectively once are not compatible",
        );
    }
    if let Some(t) = dlq.filter(|t| !t.is_empty()) {
        if retries.unwrap_or(0) <= 0 {
            d.error(
                "spec.deadLetterTopic",
                "dead letter topic is set but max message retry is set to infinity",
            );
        }
        if !is_valid_operator(t) {
            d.error("spec.deadLetterTopic", format!("DeadLetter topic {t} is invalid"));
        }
    }
}

fn window(w: &WindowConfig, d: &mut Diagnostics) {
    let p = "spec.windowConfig";
    let problem = match (w.window_length_count, w.window_length_duration_ms) {
        (None, None) => Some("Window length is not specified"),
        (Some(_), Some(_)) => Some("Window length for time and count are set! Please set one or the other"),
        (Some(n), None) if n <= 0 => Some("Window length must be positive"),
        (None, Some(n)) if n <= 0 => Some("Window length must be positive"),
        _ if w.sliding_interval_count.is_some_and(|n| n <= 0)
            || w.sliding_interval_duration_ms.is_some_and(|n| n <= 0) =>
        {
            Some("Sliding interval must be positive")
        }
        _ if w.timestamp_extractor_class_name.is_some() && w.max_lag_ms.unwrap_or(0) <= 0 => {
            Some("Lag duration must be positive")
        }
        _ if w.timestamp_extractor_class_name.is_some() && w.watermark_emit_interval_ms.unwrap_or(0) <= 0 => {
            Some("Watermark interval must be positive")
        }
        _ => None,
    };
    if let Some(m) = problem {
        d.error(p, m);
    }
}

fn inputs(input: Option<&InputConf>, d: &mut Diagnostics) {
    use super::pulsar::InputPath;
    let mut all: Vec<(InputPath<'_>, &str)> = Vec::new();
    if let Some(i) = input {
        for (n, t) in i.topics.iter().flatten().enumerate() {
            all.push((InputPath::Index("spec.input.topics", n), t));
        }
        if let Some(p) = i.topic_pattern.as_deref().filter(|p| !p.is_empty()) {
            all.push((InputPath::Field("spec.input.topicPattern"), p));
        }
        for (field, map) in [
            ("spec.input.customSerdeSources", &i.custom_serde_sources),
            ("spec.input.customSchemaSources", &i.custom_schema_sources),
        ] {
            for t in map.iter().flat_map(BTreeMap::keys) {
                all.push((InputPath::Key(field, t), t));
            }
        }
        for t in i.source_specs.iter().flat_map(BTreeMap::keys) {
            all.push((InputPath::Key("spec.input.sourceSpecs", t), t));
        }
    }
    if all.is_empty() {
        d.error("spec.input", "No input topic(s) specified for the function");
    }
    for (path, t) in &all {
        if !is_valid_operator(t) {
            d.error(path.to_string(), format!("Input topic {t} is invalid"));
        }
    }
    for (t, spec) in input.and_then(|i| i.source_specs.as_ref()).into_iter().flatten() {
        consumer(t, spec, d);
    }
}

fn consumer(topic: &str, spec: &ConsumerConfig, d: &mut Diagnostics) {
    let path = || join("spec.input.sourceSpecs", topic);
    if spec.receiver_queue_size.is_some_and(|n| n < 0) {
        d.error(
            join(&path(), "receiverQueueSize"),
            format!("{topic} receiver queue size should be >= zero"),
        );
    }
    if spec
        .crypto_config
        .as_ref()
        .is_some_and(|c| blank(c.crypto_key_reader_class_name.as_ref()))
    {
        d.error(
            join(&path(), "cryptoConfig"),
            format!("{topic} cryptoKeyReader class name required"),
        );
    }
}

fn output(out: Option<&OutputConf>, input: Option<&InputConf>, d: &mut Diagnostics) {
    let Some(o) = out else { return };
    let Some(t) = o.topic.as_deref().filter(|t| !t.is_empty()) else {
        return;
    };
    if !is_valid_operator(t) {
        d.error("spec.output.topic", format!("Output topic {t} is invalid"));
    }
    let clash = input.is_some_and(|i| {
        i.topics.iter().flatten().any(|x| x == t)
            || i.topic_pattern.as_deref() == Some(t)
            || i.custom_serde_sources.as_ref().is_some_and(|m| m.contains_key(t))
            || i.custom_schema_sources
                .as_ref()
                .is_some_and(|m| m.contains_key(t))
            || i.source_specs.as_ref().is_some_and(|m| m.contains_key(t))
    });
    if clash {
        d.error(
            "spec.output.topic",
            format!(
                "Output topic {t} is also being used as an input topic (topics must be one or the other)"
            ),
        );
    }
    if let Some(c) = o.producer_conf.as_ref().and_then(|p| p.crypto_config.as_ref()) {
        if blank(c.crypto_key_reader_class_name.as_ref()) {
            d.error(
                "spec.output.producerConf.cryptoConfig",
                "cryptoKeyReader class name required",
            );
        }
        if c.encryption_keys.as_ref().is_none_or(Vec::is_empty) {
            d.error(
                "spec.output.producerConf.cryptoConfig",
                "must provide encryption key name for crypto key reader",
            );
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::crd::FunctionSpec;

    fn named(name: &str, spec: FunctionSpec) -> Function {
        let mut f = Function::new(name, spec);
        f.metadata.namespace = Some("default".into());
        f
    }

    fn messages(d: &Diagnostics) -> Vec<String> {
        d.iter().map(|d| format!("{}: {}", d.path, d.message)).collect()
    }

    #[test]
    fn resources_compare_requests_with_limits() {
        let check = |requests: &[(&str, &str)], limits: &[(&str, &str)]| {
            let side = |pairs: &[(&str, &str)]| {
                Some(
                    pairs
                        .iter()
                        .map(|(k, v)| ((*k).to_owned(), Quantity((*v).to_owned())))
                        .collect(),
                )
            };
            let r = ResourceRequirements {
                requests: side(requests),
                limits: side(limits),
                claims: None,
            };
            let mut d = Diagnostics::new();
            resources(Some(&r), &mut d);
            messages(&d)
        };
        let invalid = ["spec.resources: resource requirement is invalid"];
        assert!(
            check(
                &[("cpu", "500m"), ("memory", "1Gi")],
                &[("cpu", "1"), ("memory", "1.1Gi")]
            )
            .is_empty()
        );
        // The same amount spelled two ways is equal (700 × 0.001 in floating point is not 0.7).
        assert!(
            check(
                &[("cpu", "700m"), ("memory", "1.1G")],
                &[("cpu", "0.7"), ("memory", "1100M")]
            )
            .is_empty()
        );
        // A cpu limit of 0 means none.
        assert!(
            check(
                &[("cpu", "2"), ("memory", "1G")],
                &[("cpu", "0"), ("memory", "1G")]
            )
            .is_empty()
        );
        assert_eq!(
            check(
                &[("cpu", "2"), ("memory", "1G")],
                &[("cpu", "1"), ("memory", "1G")]
            ),
            invalid
        );
        assert_eq!(
            check(
                &[("cpu", "1"), ("memory", "2G")],
                &[("cpu", "1"), ("memory", "1G")]
            ),
            invalid
        );
        assert_eq!(check(&[("cpu", "1")], &[("cpu", "1"), ("memory", "1G")]), invalid);
        assert_eq!(
            check(
                &[("cpu", "1"), ("memory", "1G"), ("storage", "-1")],
                &[("memory", "1G")]
            ),
            invalid
        );
        assert_eq!(
            check(&[("cpu", "one"), ("memory", "1G")], &[("memory", "1Gb")]),
            [
                "spec.resources.requests.cpu: quantities must match the regular expression of a Kubernetes quantity: \"one\"",
                "spec.resources.limits.memory: quantities must match the regular expression of a Kubernetes quantity: \"1Gb\"",
            ]
        );
    }

    #[test]
    fn an_empty_function_fails_like_the_operator_says() {
        let m = messages(&function(
            &named(&"x".repeat(44), FunctionSpec::default()),
            Origin::Given,
        ));
        assert_eq!(
            m,
            [
                "metadata.name: function name must be no more than 43 characters",
                "spec.runtime.java: runtime cannot be empty",
                "spec.runtime.python: runtime cannot be empty",
                "spec.runtime.golang: runtime cannot be empty",
                "spec.runtime.genericRuntime: runtime cannot be empty",
                "spec.resources: resource requirement is invalid",
                "spec.pulsar.pulsarConfig: Pulsar configuration needs to be set",
                "spec.input: No input topic(s) specified for the function",
            ]
        );
    }

    #[test]
    fn package_locations() {
        assert_eq!(package_location_problem("function://public/default/f@1.0"), None);
        assert_eq!(package_location_problem("sink://public/default/s"), None);
        assert_eq!(package_location_problem("https://example.com/f.jar"), None);
        // Schemes are matched whatever their case, as the operator lower-cases before comparing.
        assert_eq!(package_location_problem("Source://public/default/s@2"), None);
        assert_eq!(package_location_problem("HTTP://example.com/f.jar"), None);
        for bad in [
            "function://public/default/f@1@2",
            "function://public/default/f://x",
            "function://public/default/f/g",
            "function://",
        ] {
            assert_eq!(
                package_location_problem(bad).as_deref(),
                Some(format!("invalid package name {bad}").as_str()),
                "{bad}"
            );
        }
        assert!(package_location_problem("ftp://example.com/é").is_some());
        assert!(package_location_problem("é").is_some());
        assert_eq!(
            package_location_problem("function://public/f").unwrap(),
            "invalid package name function://public/f"
        );
        assert_eq!(
            package_location_problem("s3://bucket/f.jar").unwrap(),
            "invalid function package url s3://bucket/f.jar, supported url (http/https)"
        );
    }
}

//! Object names and label values, as Pulsar's Kubernetes runtime derives them
//! (`KubernetesRuntime.createJobName`, `toValidPodName`, `toValidLabelName`, `doChecks`), with
//! its two naming bugs fixed: dots never reach a name (a Service name is a DNS-1035 label), and
//! a label value is cut to 63 characters before its ends are fixed, so it stays valid.

use crate::diag::Diagnostics;

/// Longest job name Pulsar admits (pod names add `-<ordinal>`, the controller a revision hash).
pub const MAX_JOB_NAME: usize = 53;
/// Longest Kubernetes label value.
pub const MAX_LABEL: usize = 63;

/// Lower case, every character outside `[a-z0-9-]` replaced by `-`. Pulsar keeps dots; mesh
/// does not, as a Service may not be named with one.
pub fn to_valid_pod_name(s: &str) -> String {
    s.to_lowercase()
        .chars()
        .map(|c| {
            if c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-' {
                c
            } else {
                '-'
            }
        })
        .collect()
}

/// A label value: lower case, characters outside `[a-z0-9-_.]` replaced by `-`, cut to 63
/// characters, then a first or last character that is not alphanumeric replaced by `0`.
pub fn to_valid_label_value(s: &str) -> String {
    let mut chars: Vec<char> = s
        .to_lowercase()
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '.') {
                c
            } else {
                '-'
            }
        })
        .take(MAX_LABEL)
        .collect();
    if let Some(first) = chars.first_mut()
        && !first.is_ascii_alphanumeric()
    {
        *first = '0';
    }
    if let Some(last) = chars.last_mut()
        && !last.is_ascii_alphanumeric()
    {
        *last = '0';
    }
    chars.into_iter().collect()
}

fn sha1_prefix(s: &str) -> String {
    let hex = sha1_smol::Sha1::from(s).digest().to_string();
    hex[..8].to_owned()
}

/// The name of the StatefulSet, its headless Service and its pods' prefix.
///
/// Without an override (`job`): `pf-<tenant>-<namespace>-<name>` when that is already valid,
/// else its valid form plus `-` and the first 8 hex digits of `sha1("<tenant>-<namespace>-<name>")`.
/// With one: its valid form plus the hash of `"<job>-<tenant>-<namespace>-<name>"`, always.
///
/// ```
/// use mesh_core::native::naming::job_name;
/// assert_eq!(job_name("tenant", "namespace", "container", None), "pf-tenant-namespace-container");
/// assert_eq!(job_name("tenant", "namespace", "UpperCaseFunction", None),
///            "pf-tenant-namespace-uppercasefunction-f0c5ca9a");
/// assert_eq!(job_name("tenant", "namespace", "clazz.testfunction", Some("custom-k8s-pod-name")),
///            "custom-k8s-pod-name-dedfc7cf");
/// ```
pub fn job_name(tenant: &str, namespace: &str, name: &str, job: Option<&str>) -> String {
    if let Some(job) = job {
        return format!(
            "{}-{}",
            to_valid_pod_name(job),
            sha1_prefix(&format!("{job}-{tenant}-{namespace}-{name}"))
        );
    }
    let base = format!("{tenant}-{namespace}-{name}");
    let plain = format!("pf-{base}");
    let valid = to_valid_pod_name(&plain);
    if valid == plain {
        plain
    } else {
        format!("{valid}-{}", sha1_prefix(&base))
    }
}

/// Pulsar's `doChecks` on a job name, its messages; reported under `path`.
pub(crate) fn check_job_name(name: &str, path: &str, d: &mut Diagnostics) {
    if name != name.to_lowercase() {
        d.error(path, "Kubernetes does not allow upper case jobNames.");
    }
    let valid_label = |l: &str| {
        !l.is_empty()
            && l.chars()
                .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-')
            && !l.starts_with('-')
            && !l.ends_with('-')
    };
    if !valid_label(name) {
        d.error(
            path,
            format!("Kubernetes only admits lower case and numbers. (jobName={name})"),
        );
    }
    if name.len() > MAX_JOB_NAME {
        d.error(
            path,
            format!(
                "Kubernetes job name size should be less than {MAX_JOB_NAME} (`{name}` has {} characters)",
                name.len()
            ),
        );
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn checked(tenant: &str, name: &str, job: Option<&str>) -> (String, Diagnostics) {
        let n = job_name(tenant, "namespace", name, job);
        let mut d = Diagnostics::new();
        check_job_name(&n, "jobName", &mut d);
        (n, d)
    }

    // KubernetesRuntimeTest.testCreateJobName, one case per verifyCreateJobName… method.
    #[test]
    fn verify_create_job_name_with_backward_compatibility() {
        let (n, d) = checked("tenant", "container", None);
        assert_eq!(n, "pf-tenant-namespace-container");
        assert!(d.is_empty());
    }

    #[test]
    fn verify_create_job_name_with_upper_case_function_name() {
        let (n, d) = checked("tenant", "UpperCaseFunction", None);
        assert_eq!(n, "pf-tenant-namespace-uppercasefunction-f0c5ca9a");
        assert!(d.is_empty());
    }

    /// Pulsar keeps the dot (`pf-tenant-namespace-clazz.testfunction`), which no Service may
    /// carry; mesh replaces it and adds the hash, as for any other character it changes.
    #[test]
    fn verify_create_job_name_with_dot_function_name() {
        let (n, d) = checked("tenant", "clazz.testfunction", None);
        assert_eq!(
            n,
            format!(
                "pf-tenant-namespace-clazz-testfunction-{}",
                sha1_prefix("tenant-namespace-clazz.testfunction")
            )
        );
        assert!(d.is_empty());
    }

    #[test]
    fn verify_create_job_name_with_dot_and_upper_case_function_name() {
        let (n, d) = checked("tenant", "Clazz.TestFunction", None);
        // Pulsar: pf-tenant-namespace-clazz.testfunction-92ec5bf6 (same hash, dot replaced).
        assert_eq!(n, "pf-tenant-namespace-clazz-testfunction-92ec5bf6");
        assert!(d.is_empty());
    }

    #[test]
    fn verify_create_job_name_with_invalid_marks_function_name() {
        let (n, d) = checked("tenant", "test_function*name", None);
        assert_eq!(n, "pf-tenant-namespace-test-function-name-b5a215ad");
        assert!(d.is_empty());
    }

    #[test]
    fn verify_create_job_name_with_collisional_function_name() {
        assert_ne!(
            checked("tenant", "testfunction", None).0,
            checked("tenant", "testFunction", None).0
        );
    }

    #[test]
    fn verify_create_job_name_with_collisional_and_invalid_marks_function_name() {
        assert_ne!(
            checked("tenant", "test_function*name", None).0,
            checked("tenant", "test+function*name", None).0
        );
    }

    #[test]
    fn verify_create_job_name_with_overridden_k8s_pod_name() {
        let (n, d) = checked("tenant", "clazz.testfunction", Some("custom-k8s-pod-name"));
        assert_eq!(n, "custom-k8s-pod-name-dedfc7cf");
        assert!(d.is_empty());
    }

    #[test]
    fn verify_create_job_name_with_overridden_k8s_pod_name_with_invalid_marks() {
        let (n, d) = checked("tenant", "clazz.testfunction", Some("invalid_pod*name"));
        assert_eq!(n, "invalid-pod-name-af8c3a6c");
        assert!(d.is_empty());
    }

    #[test]
    fn verify_create_job_name_with_overridden_k8s_pod_name_no_collision_with_same_name() {
        assert_eq!(
            checked("tenant", "clazz.testfunction", Some("custom-name")).0,
            "custom-name-85ac54b0"
        );
        assert_eq!(
            job_name("tenantA", "nsA", "clazz.testfunction", Some("custom-name")),
            "custom-name-c66edfe1"
        );
        assert_eq!(
            checked("tenant", "clazz.testfunction-extra", Some("custom-name")).0,
            "custom-name-0fc9c728"
        );
    }

    #[test]
    fn verify_create_job_name_with_name_over_max_char_limit() {
        let (_, d) = checked(
            "tenant",
            "clazz.testfunction",
            Some("custom-k8s-pod-name-over-kuberenetes-max-character-limit-123456789"),
        );
        let messages: Vec<_> = d.iter().map(|d| d.message.as_str()).collect();
        assert_eq!(messages.len(), 1);
        assert!(messages[0].starts_with("Kubernetes job name size should be less than 53"));
    }

    #[test]
    fn every_violation_at_once() {
        let mut d = Diagnostics::new();
        check_job_name(&format!("Bad_{}", "x".repeat(60)), "jobName", &mut d);
        assert_eq!(d.iter().count(), 3);
    }

    // KubernetesRuntimeTest.testCreateFunctionLabels
    #[test]
    fn test_create_function_labels() {
        let namespace = format!("{:0<100}", "namespace:$second.part:third@test_0");
        assert_eq!(
            to_valid_label_value(&namespace),
            format!("{:0<63}", "namespace--second.part-third-test_0")
        );
        assert_eq!(to_valid_label_value("$function_name!"), "0function_name0");
        assert_eq!(to_valid_label_value("tenant"), "tenant");
    }

    #[test]
    fn label_values_cut_then_fixed_stay_valid() {
        // Pulsar cuts after fixing the end, so position 63 could be `-`.
        let v = to_valid_label_value(&format!("{}-tail", "a".repeat(62)));
        assert_eq!(v.len(), 63);
        assert!(v.ends_with('0'));
        assert_eq!(to_valid_label_value("My:Tenant"), "my-tenant");
        assert_eq!(to_valid_label_value("-abc"), "0abc");
        assert_eq!(to_valid_label_value("p[q]"), "p-q0");
        assert_eq!(to_valid_label_value("u_v"), "u_v");
    }
}

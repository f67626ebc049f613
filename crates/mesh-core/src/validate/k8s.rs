//! Kubernetes syntax: object names, label keys and values, image pull policies, quantities.

/// Longest name the Function Mesh operator accepts for a CR.
pub const MAX_CR_NAME: usize = 43;
/// Longest label value.
pub const MAX_LABEL_VALUE: usize = 63;

/// Why a label value is invalid, or `None` when it is valid.
pub fn label_value_problem(value: &str) -> Option<String> {
    if value.is_empty() {
        return None;
    }
    if value.len() > MAX_LABEL_VALUE {
        return Some(format!(
            "must be no more than {MAX_LABEL_VALUE} characters (it has {})",
            value.len()
        ));
    }
    if !is_label_name(value) {
        return Some(
            "must consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character"
                .to_owned(),
        );
    }
    None
}

/// Why a label (or annotation) key is invalid, or `None`. `prefix/name`, prefix a DNS subdomain.
pub fn label_key_problem(key: &str) -> Option<String> {
    let (prefix, name) = match key.rsplit_once('/') {
        Some((p, n)) => (Some(p), n),
        None => (None, key),
    };
    if let Some(p) = prefix
        && let Some(problem) = subdomain_problem(p)
    {
        return Some(format!("prefix {problem}"));
    }
    if name.is_empty() || name.len() > 63 {
        return Some("name part must be 1 to 63 characters".to_owned());
    }
    if !is_label_name(name) {
        return Some(
            "name part must consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character"
                .to_owned(),
        );
    }
    None
}

/// Alphanumerics, `-`, `_` and `.`, starting and ending with an alphanumeric (bytes: labels are ASCII).
fn is_label_name(s: &str) -> bool {
    let b = s.as_bytes();
    b.first().is_some_and(u8::is_ascii_alphanumeric)
        && b.last().is_some_and(u8::is_ascii_alphanumeric)
        && b.iter()
            .all(|&c| c.is_ascii_alphanumeric() || matches!(c, b'-' | b'_' | b'.'))
}

/// Why `s` is not a DNS-1123 subdomain (lower case, digits, `-`, `.`; at most 253), or `None`.
pub fn subdomain_problem(s: &str) -> Option<String> {
    if s.is_empty() || s.len() > 253 {
        return Some("must be 1 to 253 characters".to_owned());
    }
    let ok = s.as_bytes().split(|&c| c == b'.').all(|label| {
        label
            .iter()
            .all(|&c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == b'-')
            && label.first().is_some_and(|&c| c != b'-')
            && label.last().is_some_and(|&c| c != b'-')
    });
    (!ok).then(|| {
        "must consist of lower case alphanumeric characters, '-' or '.', and must start and end with an alphanumeric character"
            .to_owned()
    })
}

/// Why `s` is not a DNS-1035 label (lower case letter first, then letters, digits, `-`; at most 63).
pub fn dns_label_problem(s: &str) -> Option<String> {
    if s.is_empty() || s.len() > 63 {
        return Some("must be 1 to 63 characters".to_owned());
    }
    let b = s.as_bytes();
    let ok = b
        .iter()
        .all(|&c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == b'-')
        && b.first().is_some_and(u8::is_ascii_lowercase)
        && !s.ends_with('-');
    (!ok).then(|| {
        "must consist of lower case alphanumeric characters or '-', start with a letter and end with an alphanumeric character"
            .to_owned()
    })
}

/// The image pull policies Kubernetes knows.
pub const IMAGE_PULL_POLICIES: [&str; 3] = ["Always", "IfNotPresent", "Never"];

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn label_values() {
        assert_eq!(label_value_problem("word-count"), None);
        assert_eq!(label_value_problem("a_b.c"), None);
        assert_eq!(label_value_problem(""), None);
        assert!(label_value_problem("a=b").is_some());
        assert!(label_value_problem("ns:1").is_some());
        assert!(label_value_problem("-a").is_some());
        assert!(label_value_problem(&"x".repeat(64)).unwrap().contains("64"));
    }

    #[test]
    fn label_keys() {
        assert_eq!(label_key_problem("compute.functionmesh.io/pulsar-cluster"), None);
        assert_eq!(label_key_problem("app"), None);
        assert!(label_key_problem("Bad_Prefix/x").is_some());
        assert!(label_key_problem("a/").is_some());
        assert!(label_key_problem("a b").is_some());
    }

    #[test]
    fn names() {
        assert_eq!(dns_label_problem("word-count-640ae9e6"), None);
        assert!(dns_label_problem("clazz.fn-1").is_some());
        assert!(dns_label_problem("1abc").is_some());
        assert_eq!(subdomain_problem("a.b-c"), None);
        assert!(subdomain_problem("A").is_some());
    }
}

//! Names the worker service derives: CR object names, resource names, secret names.

use sha2::Digest;

/// `toValidName`: lower case, every character outside `[a-z0-9-.]` replaced by `-`.
pub fn to_valid_name(s: &str) -> String {
    let valid = |c: char| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-' || c == '.';
    if s.chars().all(valid) {
        return s.to_owned();
    }
    s.to_lowercase()
        .chars()
        .map(|c| if valid(c) { c } else { '-' })
        .collect()
}

/// `createObjectName`: `toValidName(name)` + `-` + the first 8 hex digits of
/// `sha1(cluster-tenant-namespace-name)` (original strings).
pub fn object_name(cluster: &str, tenant: &str, namespace: &str, name: &str) -> String {
    let mut sha = sha1_smol::Sha1::new();
    for (i, part) in [cluster, tenant, namespace, name].into_iter().enumerate() {
        if i > 0 {
            sha.update(b"-");
        }
        sha.update(part.as_bytes());
    }
    let mut out = to_valid_name(name);
    out.push('-');
    hex(&sha.digest().bytes()[..4], &mut out);
    out
}

/// Appends `bytes` as lower-case hex.
fn hex(bytes: &[u8], out: &mut String) {
    const DIGITS: &[u8; 16] = b"0123456789abcdef";
    for b in bytes {
        out.push(char::from(DIGITS[usize::from(b >> 4)]));
        out.push(char::from(DIGITS[usize::from(b & 0xf)]));
    }
}

/// The ConfigMap holding the cluster's service URLs: `<cluster>-function-mesh-config`, made valid.
pub fn pulsar_config_map(cluster: &str) -> String {
    // The suffix is already valid, so only the cluster needs mending.
    let mut name = to_valid_name(cluster);
    name.push_str("-function-mesh-config");
    name
}

fn sha256_hex(s: &str) -> String {
    let mut out = String::with_capacity(64);
    hex(&sha2::Sha256::digest(s.as_bytes()), &mut out);
    out
}

/// The auth secret of a component: `<kind>-auth-<sha256(cluster-tenant-namespace-name)>`.
pub fn auth_secret(kind: crate::Kind, cluster: &str, tenant: &str, namespace: &str, name: &str) -> String {
    format!(
        "{}-auth-{}",
        kind.lower(),
        sha256_hex(&format!("{cluster}-{tenant}-{namespace}-{name}"))
    )
}

/// The TLS secret of a component: `<kind>-tls-<sha256(cluster-tenant-namespace-name)>`.
pub fn tls_secret(kind: crate::Kind, cluster: &str, tenant: &str, namespace: &str, name: &str) -> String {
    format!(
        "{}-tls-{}",
        kind.lower(),
        sha256_hex(&format!("{cluster}-{tenant}-{namespace}-{name}"))
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn object_names_match_the_worker_service() {
        assert_eq!(
            object_name("test-pulsar", "public", "default", "word-count"),
            "word-count-640ae9e6"
        );
        assert_eq!(
            object_name("test-pulsar", "test-tenant", "test-namespace", "test-function"),
            "test-function-f4af5787"
        );
    }

    #[test]
    fn names_are_made_valid() {
        assert_eq!(to_valid_name("My_Func.v2"), "my-func.v2");
        assert_eq!(
            pulsar_config_map("test-pulsar"),
            "test-pulsar-function-mesh-config"
        );
        assert_eq!(pulsar_config_map("Prod_EU"), "prod-eu-function-mesh-config");
    }

    #[test]
    fn secret_names_hash_with_sha256() {
        let n = auth_secret(crate::Kind::Sink, "c", "t", "n", "s");
        assert!(
            n.starts_with("sink-auth-") && n.len() == "sink-auth-".len() + 64,
            "{n}"
        );
        assert_ne!(n, auth_secret(crate::Kind::Sink, "c", "t", "n", "s2"));
        assert!(tls_secret(crate::Kind::Function, "c", "t", "n", "f").starts_with("function-tls-"));
    }
}

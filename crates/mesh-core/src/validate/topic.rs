//! Topic-name validity, as Pulsar's `TopicName` (Java) and the operator's Go client judge it.

/// A tenant, namespace or cluster: non-empty and `^[-=:.\w]*$`, where `\w` is ASCII (as in Java's
/// and Go's regular expressions, so `tënant` is refused).
fn valid_segment(s: &str) -> bool {
    !s.is_empty()
        && s.bytes()
            .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'_' | b'-' | b'=' | b':' | b'.'))
}

/// `tenant/namespace/local`: valid tenant and namespace, non-empty local name.
fn valid_full(tenant: &str, namespace: &str, local: &str) -> bool {
    valid_segment(tenant) && valid_segment(namespace) && !local.is_empty()
}

/// Pulsar's `TopicName.isValid`: short names (`topic`, `tenant/ns/topic`; empty segments dropped),
/// or `persistent://` / `non-persistent://` with `tenant/ns/topic` or legacy `tenant/cluster/ns/topic`.
/// The local name is not character-checked, so regex patterns pass.
pub fn is_valid_pulsar(topic: &str) -> bool {
    match topic.split_once("://") {
        None => {
            let mut parts = topic.split('/').filter(|s| !s.is_empty());
            match (parts.next(), parts.next(), parts.next(), parts.next()) {
                (Some(_), None, _, _) => true,
                (Some(tenant), Some(namespace), Some(local), None) => valid_full(tenant, namespace, local),
                _ => false,
            }
        }
        Some((domain, rest)) => {
            if !domain.eq_ignore_ascii_case("persistent") && !domain.eq_ignore_ascii_case("non-persistent") {
                return false;
            }
            let mut parts = rest.splitn(4, '/');
            match (parts.next(), parts.next(), parts.next(), parts.next()) {
                (Some(tenant), Some(namespace), Some(local), None) => valid_full(tenant, namespace, local),
                (Some(tenant), Some(cluster), Some(namespace), Some(local)) => {
                    valid_segment(cluster) && valid_full(tenant, namespace, local)
                }
                _ => false,
            }
        }
    }
}

/// The operator's check (pulsar-client-go `GetTopicName`): `topic` or `tenant/ns/topic`, or a
/// `persistent://`/`non-persistent://` name with exactly `tenant/ns/topic`.
pub fn is_valid_operator(topic: &str) -> bool {
    let (rest, short) = match topic.split_once("://") {
        None => (topic, true),
        Some(("persistent" | "non-persistent", rest)) => (rest, false),
        Some(_) => return false,
    };
    let mut parts = rest.split('/');
    match (parts.next(), parts.next(), parts.next(), parts.next()) {
        (Some(local), None, _, _) => short && !local.is_empty(),
        (Some(tenant), Some(namespace), Some(local), None) => valid_full(tenant, namespace, local),
        _ => false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pulsar_accepts_what_topic_name_parses() {
        for ok in [
            "my-topic",
            "public/default/my-topic",
            "/foo/",
            "//foo",
            "persistent://public/default/t",
            "Non-Persistent://a/b/c",
            "persistent://a/b/c/d/e",
            "persistent://public/default/.*",
            "tenant/ns/topic-[0-9]+",
            "persistent://my=tenant/ns:1/t",
        ] {
            assert!(is_valid_pulsar(ok), "{ok}");
        }
        for bad in [
            "",
            "a/b",
            "a/b/c/d",
            "http://a/b/c",
            "persistent://a/b",
            "persistent://a//c",
            "persistent://a b/c/d",
            "a/b c/t",
        ] {
            assert!(!is_valid_pulsar(bad), "{bad}");
        }
    }

    #[test]
    fn the_operator_is_stricter() {
        assert!(is_valid_operator("persistent://public/default/t"));
        assert!(is_valid_operator("public/default/t"));
        assert!(is_valid_operator("t"));
        assert!(!is_valid_operator("persistent://a/b/c/d"));
        assert!(!is_valid_operator("/foo/"));
        assert!(!is_valid_operator("Persistent://a/b/c"));
        assert!(!is_valid_operator("persistent://t"));
        assert!(!is_valid_operator("persistent://a/b"));
        assert!(!is_valid_operator("a/b"));
        assert!(!is_valid_operator(""));
        assert!(!is_valid_operator("a//c"));
    }

    #[test]
    fn tenants_and_namespaces_are_ascii_word_characters() {
        // `\w` is ASCII in Java's and Go's regular expressions.
        for bad in ["tënant/ns/t", "persistent://t/nämespace/t", "t/名前/x"] {
            assert!(!is_valid_pulsar(bad), "{bad}");
            assert!(!is_valid_operator(bad), "{bad}");
        }
        assert!(!is_valid_pulsar("persistent://t/clüster/ns/topic"));
        // The local name is free.
        assert!(is_valid_pulsar("t/ns/tëpic"));
        assert!(is_valid_operator("persistent://t/ns/tëpic"));
    }
}

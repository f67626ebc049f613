//! Topic-name validity, as Pulsar's `TopicName` (Java) and the operator's Go client judge it.

fn valid_segment(s: &str) -> bool {
    !s.is_empty()
        && s.chars()
            .all(|c| c.is_alphanumeric() || c == '_' || matches!(c, '-' | '=' | ':' | '.'))
}

/// Pulsar's `TopicName.isValid`: short names (`topic`, `tenant/ns/topic`; empty segments dropped),
/// or `persistent://` / `non-persistent://` with `tenant/ns/topic` or legacy `tenant/cluster/ns/topic`.
/// The local name is not character-checked, so regex patterns pass.
pub fn is_valid_pulsar(topic: &str) -> bool {
    match topic.split_once("://") {
        None => {
            let parts: Vec<&str> = topic.split('/').filter(|s| !s.is_empty()).collect();
            match parts.len() {
                1 => true,
                3 => valid_segment(parts[0]) && valid_segment(parts[1]) && !parts[2].is_empty(),
                _ => false,
            }
        }
        Some((domain, rest)) => {
            if !domain.eq_ignore_ascii_case("persistent") && !domain.eq_ignore_ascii_case("non-persistent") {
                return false;
            }
            let parts: Vec<&str> = rest.splitn(4, '/').collect();
            match parts.len() {
                3 => valid_segment(parts[0]) && valid_segment(parts[1]) && !parts[2].is_empty(),
                4 => {
                    valid_segment(parts[0])
                        && valid_segment(parts[1])
                        && valid_segment(parts[2])
                        && !parts[3].is_empty()
                }
                _ => false,
            }
        }
    }
}

/// The operator's check (pulsar-client-go `GetTopicName`): `topic` or `tenant/ns/topic`, or a
/// `persistent://`/`non-persistent://` name with exactly `tenant/ns/topic`.
pub fn is_valid_operator(topic: &str) -> bool {
    let Some((domain, rest)) = topic.split_once("://") else {
        let parts: Vec<&str> = topic.split('/').collect();
        return match parts.len() {
            1 => !parts[0].is_empty(),
            3 => valid_segment(parts[0]) && valid_segment(parts[1]) && !parts[2].is_empty(),
            _ => false,
        };
    };
    if domain != "persistent" && domain != "non-persistent" {
        return false;
    }
    let parts: Vec<&str> = rest.splitn(3, '/').collect();
    parts.len() == 3
        && valid_segment(parts[0])
        && valid_segment(parts[1])
        && !parts[2].is_empty()
        && !parts[2].contains('/')
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
    }
}

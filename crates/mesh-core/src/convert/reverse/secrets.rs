//! `secretsMap` read back as Pulsar's `secrets`.

use std::collections::BTreeMap;

use serde_json::Value;

use crate::crd::SecretRef;

/// `secrets`: each entry as `{"path": …, "key": …}`.
pub(super) fn secrets(m: Option<&BTreeMap<String, SecretRef>>) -> Option<BTreeMap<String, Value>> {
    let m = m.filter(|m| !m.is_empty())?;
    Some(
        m.iter()
            .map(|(name, s)| {
                let mut o = serde_json::Map::new();
                if let Some(p) = &s.path {
                    o.insert("path".to_owned(), Value::String(p.clone()));
                }
                if let Some(k) = &s.key {
                    o.insert("key".to_owned(), Value::String(k.clone()));
                }
                (name.clone(), Value::Object(o))
            })
            .collect(),
    )
}

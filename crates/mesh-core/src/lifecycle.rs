//! Stop, start and restart of a stored resource, as the admin API asks for them.
//!
//! Function Mesh has no "stopped" state: a component runs `spec.replicas` pods. Stopping scales
//! it to 0 and remembers the replicas in the [`STOPPED_REPLICAS`] annotation, starting restores
//! them, and restarting changes the [`RESTARTED_AT`] pod annotation so that the StatefulSet rolls
//! its pods (what `kubectl rollout restart` does). These functions change JSON objects as a
//! store holds them; the caller supplies the time, so nothing here reads a clock.
//!
//! ```
//! use mesh_core::lifecycle;
//! use serde_json::json;
//!
//! let mut cr = json!({"metadata": {"name": "f"}, "spec": {"replicas": 3}});
//! assert!(lifecycle::stop(&mut cr));
//! assert_eq!(cr["spec"]["replicas"], 0);
//! assert_eq!(lifecycle::parallelism(&cr), 3);
//! assert!(lifecycle::start(&mut cr));
//! assert_eq!(cr["spec"]["replicas"], 3);
//! ```

use serde_json::{Map, Value};

use crate::Kind;
use crate::crd::ComponentStatus;
use crate::status::{InstanceState, StatusReport};

/// Annotation on a stopped resource: the replicas it had.
pub const STOPPED_REPLICAS: &str = "mesh/stopped-replicas";
/// Pod annotation whose change rolls the pods.
pub const RESTARTED_AT: &str = "kubectl.kubernetes.io/restartedAt";

fn replicas(object: &Value) -> i64 {
    object
        .pointer("/spec/replicas")
        .and_then(Value::as_i64)
        .unwrap_or(1)
}

fn stopped_replicas(object: &Value) -> Option<i64> {
    object
        .pointer("/metadata/annotations")
        .and_then(|a| a.get(STOPPED_REPLICAS))
        .and_then(Value::as_str)
        .and_then(|s| s.parse().ok())
}

/// `v` as a map, replacing whatever else it was.
fn ensure_object(v: &mut Value) -> &mut Map<String, Value> {
    if !v.is_object() {
        *v = Value::Object(Map::new());
    }
    match v {
        Value::Object(m) => m,
        _ => unreachable!("made an object above"),
    }
}

/// The map at `path` below `v`, created where missing or not a map.
fn map_at<'a>(v: &'a mut Value, path: &[&str]) -> &'a mut Map<String, Value> {
    path.iter().fold(ensure_object(v), |m, key| {
        ensure_object(m.entry(*key).or_insert(Value::Null))
    })
}

/// What `start`, `stop` and `restart` ask of a component.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Action {
    /// Scale back to the remembered replicas ([`start`]).
    Start,
    /// Scale to 0, remembering the replicas ([`stop`]).
    Stop,
    /// Roll the pods ([`restart`]).
    Restart,
}

impl Action {
    /// Its name, as the admin API's last path segment spells it.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Start => "start",
            Self::Stop => "stop",
            Self::Restart => "restart",
        }
    }

    /// Does it to `object`, at `at` (an RFC 3339 time, used by a restart); whether `object`
    /// changed (starting a running resource or stopping a stopped one changes nothing).
    pub fn apply(self, object: &mut Value, at: &str) -> bool {
        match self {
            Self::Start => start(object),
            Self::Stop => stop(object),
            Self::Restart => {
                restart(object, at);
                true
            }
        }
    }
}

/// Whether the resource is stopped.
pub fn is_stopped(object: &Value) -> bool {
    stopped_replicas(object).is_some()
}

/// The parallelism the user asked for: the remembered replicas of a stopped resource, else
/// `spec.replicas`.
pub fn parallelism(object: &Value) -> i64 {
    stopped_replicas(object).unwrap_or_else(|| replicas(object))
}

/// Stops the resource; `false` if it was stopped already.
pub fn stop(object: &mut Value) -> bool {
    if is_stopped(object) {
        return false;
    }
    let n = replicas(object);
    map_at(object, &["metadata", "annotations"])
        .insert(STOPPED_REPLICAS.to_owned(), Value::from(n.to_string()));
    map_at(object, &["spec"]).insert("replicas".to_owned(), Value::from(0));
    true
}

/// Starts a stopped resource with the replicas it had; `false` if it was not stopped.
pub fn start(object: &mut Value) -> bool {
    let Some(n) = stopped_replicas(object) else {
        return false;
    };
    let annotations = map_at(object, &["metadata", "annotations"]);
    annotations.remove(STOPPED_REPLICAS);
    if annotations.is_empty()
        && let Some(meta) = object.get_mut("metadata").and_then(Value::as_object_mut)
    {
        meta.remove("annotations");
    }
    map_at(object, &["spec"]).insert("replicas".to_owned(), Value::from(n));
    true
}

/// Rolls the pods: sets the [`RESTARTED_AT`] pod annotation to `at` (an RFC 3339 time).
pub fn restart(object: &mut Value, at: &str) {
    map_at(object, &["spec", "pod", "annotations"]).insert(RESTARTED_AT.to_owned(), Value::from(at));
}

/// Carries the lifecycle state of `stored` over to `updated`, its replacement: a stopped
/// resource stays stopped (remembering the new parallelism) and the restart mark is kept, so an
/// update neither starts a stopped component nor rolls pods for nothing.
pub fn carry_over(stored: &Value, updated: &mut Value) {
    if let Some(at) = stored
        .pointer("/spec/pod/annotations")
        .and_then(|a| a.get(RESTARTED_AT))
        .and_then(Value::as_str)
    {
        restart(updated, at);
    }
    if is_stopped(stored) {
        stop(updated);
    }
}

/// Keeps the auth and TLS references of `stored` (`spec.pulsar.authSecret`, `authConfig`,
/// `tlsSecret`) in `updated`, for an update that does not update the auth data: its Secrets
/// stay as they are.
pub fn keep_auth(stored: &Value, updated: &mut Value) {
    let Some(pulsar) = updated.pointer_mut("/spec/pulsar").and_then(Value::as_object_mut) else {
        return;
    };
    for key in ["authSecret", "authConfig", "tlsSecret"] {
        match stored.pointer(&format!("/spec/pulsar/{key}")) {
            Some(v) if !v.is_null() => {
                pulsar.insert(key.to_owned(), v.clone());
            }
            _ => {
                pulsar.remove(key);
            }
        }
    }
}

/// The names of the Secrets a resource's `spec.pulsar` refers to that its conversion wrote
/// (`authSecret`, `tlsSecret`).
pub fn owned_secrets(object: &Value) -> Vec<&str> {
    ["authSecret", "tlsSecret"]
        .into_iter()
        .filter_map(|k| object.pointer(&format!("/spec/pulsar/{k}"))?.as_str())
        .filter(|n| !n.is_empty())
        .collect()
}

/// The resource as it would run: a stopped one with its remembered replicas, and without the
/// lifecycle annotations (for reading it back as a Pulsar config).
pub fn as_running(object: &Value) -> Value {
    let mut out = object.clone();
    start(&mut out);
    if let Some(a) = out
        .pointer_mut("/spec/pod/annotations")
        .and_then(Value::as_object_mut)
    {
        a.remove(RESTARTED_AT);
        if a.is_empty()
            && let Some(pod) = out.pointer_mut("/spec/pod").and_then(Value::as_object_mut)
        {
            pod.remove("annotations");
        }
    }
    out
}

/// The Pulsar status of a stored resource: every instance of a stopped one is reported as
/// stopped, else [`crate::status::report`] from its status.
pub fn status(kind: Kind, object: &Value) -> StatusReport {
    let instances = i32::try_from(parallelism(object)).unwrap_or(i32::MAX);
    let status: Option<ComponentStatus> = object
        .get("status")
        .and_then(|s| serde_json::from_value(s.clone()).ok());
    let mut report = crate::status::report(kind, instances, status.as_ref());
    if is_stopped(object) {
        for i in &mut report.instances {
            i.status = InstanceState {
                running: false,
                error: format!("{kind} is stopped"),
            };
        }
        report.num_running = 0;
    }
    report
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    #[test]
    fn stop_and_start_are_idempotent_and_restore_replicas() {
        let mut cr = json!({"metadata": {"name": "f", "annotations": {"a": "b"}}, "spec": {"replicas": 2}});
        let original = cr.clone();
        assert!(stop(&mut cr));
        assert!(!stop(&mut cr));
        assert_eq!(cr["metadata"]["annotations"][STOPPED_REPLICAS], "2");
        assert_eq!(parallelism(&cr), 2);
        assert!(start(&mut cr));
        assert!(!start(&mut cr));
        assert_eq!(cr, original);
    }

    #[test]
    fn start_removes_an_annotation_map_it_emptied() {
        let mut cr = json!({"metadata": {"name": "f"}, "spec": {"replicas": 1}});
        stop(&mut cr);
        start(&mut cr);
        assert_eq!(cr, json!({"metadata": {"name": "f"}, "spec": {"replicas": 1}}));
    }

    #[test]
    fn updates_keep_the_stopped_state_with_the_new_parallelism() {
        let mut stored = json!({"metadata": {}, "spec": {"replicas": 2}});
        stop(&mut stored);
        restart(&mut stored, "2026-01-01T00:00:00Z");
        let mut updated = json!({"metadata": {}, "spec": {"replicas": 5}});
        carry_over(&stored, &mut updated);
        assert_eq!(updated["spec"]["replicas"], 0);
        assert_eq!(parallelism(&updated), 5);
        assert_eq!(
            updated["spec"]["pod"]["annotations"][RESTARTED_AT],
            "2026-01-01T00:00:00Z"
        );
        let running = as_running(&updated);
        assert_eq!(running["spec"]["replicas"], 5);
        assert!(running["spec"]["pod"].get("annotations").is_none());
    }

    #[test]
    fn a_stopped_resource_reports_stopped_instances() {
        let mut cr = json!({"spec": {"replicas": 2}});
        stop(&mut cr);
        let r = status(Kind::Sink, &cr);
        assert_eq!((r.num_instances, r.num_running), (2, 0));
        assert_eq!(r.instances[1].status.error, "Sink is stopped");
    }
}

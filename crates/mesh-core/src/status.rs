//! A CR's status as Pulsar's `FunctionStatus` / `SourceStatus` / `SinkStatus`: as far as the CR
//! knows it, with nothing invented.
//!
//! The operator records one condition per object it manages; the `StatefulSet` condition is
//! `True` once every replica is ready, and `status.replicas` counts the pods that exist. The CR
//! knows nothing of message counters, so they are left out rather than reported as zero; Pulsar
//! clients read absent counters as 0 anyway.
//!
//! ```
//! use mesh_core::Kind;
//! use mesh_core::status::report;
//!
//! let s = report(Kind::Sink, 2, None);
//! assert_eq!(s.num_instances, 2);
//! assert_eq!(s.num_running, 0);
//! assert_eq!(s.instances[1].status.error, "Sink has not been scheduled");
//! ```

use serde::{Deserialize, Serialize};

use crate::Kind;
use crate::crd::ComponentStatus;

/// The condition key of the operator's StatefulSet.
pub const STATEFUL_SET: &str = "StatefulSet";

/// `FunctionStatus`, `SourceStatus` and `SinkStatus` share this envelope.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct StatusReport {
    /// The parallelism.
    pub num_instances: i32,
    /// Instances known to run.
    pub num_running: i32,
    /// One entry per instance.
    pub instances: Vec<InstanceStatus>,
}

/// One instance of a [`StatusReport`].
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct InstanceStatus {
    /// Instance number, from 0.
    pub instance_id: i32,
    /// What is known of it.
    pub status: InstanceState,
}

/// What the CR tells of one instance.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct InstanceState {
    /// Whether it runs.
    pub running: bool,
    /// Why it does not run; empty when it does.
    pub error: String,
}

/// The state of instance `id` of a component with `instances` instances and the given status.
pub fn instance(
    kind: Kind,
    instances: i32,
    status: Option<&ComponentStatus>,
    id: i32,
) -> Option<InstanceState> {
    (0..instances).contains(&id).then(|| {
        let Some(status) = status else {
            return InstanceState {
                running: false,
                error: format!("{kind} has not been scheduled"),
            };
        };
        match status.conditions.get(STATEFUL_SET) {
            Some(c) if c.status.as_deref() == Some("True") => InstanceState {
                running: true,
                error: String::new(),
            },
            Some(c) => InstanceState {
                running: false,
                error: format!(
                    "not ready: the operator reports the StatefulSet {} (action {}), {} of {instances} pods exist",
                    c.condition.as_deref().unwrap_or("without a condition"),
                    c.action.as_deref().unwrap_or("none"),
                    status.replicas,
                ),
            },
            None => InstanceState {
                running: false,
                error: format!("{kind} has not been scheduled"),
            },
        }
    })
}

/// The status of a component with `instances` instances (its parallelism).
pub fn report(kind: Kind, instances: i32, status: Option<&ComponentStatus>) -> StatusReport {
    let instances_list: Vec<InstanceStatus> = (0..instances.max(0))
        .filter_map(|id| {
            instance(kind, instances, status, id).map(|status| InstanceStatus {
                instance_id: id,
                status,
            })
        })
        .collect();
    let running = instances_list.iter().filter(|i| i.status.running).count();
    StatusReport {
        num_instances: instances.max(0),
        num_running: i32::try_from(running).unwrap_or(i32::MAX),
        instances: instances_list,
    }
}

#[cfg(test)]
mod tests {
    use std::collections::BTreeMap;

    use super::*;
    use crate::crd::ResourceCondition;

    fn status(ready: &str, replicas: i32) -> ComponentStatus {
        ComponentStatus {
            conditions: BTreeMap::from([(
                STATEFUL_SET.to_owned(),
                ResourceCondition {
                    condition: Some("StatefulSetReady".into()),
                    status: Some(ready.into()),
                    action: Some("Wait".into()),
                },
            )]),
            replicas,
            ..ComponentStatus::default()
        }
    }

    #[test]
    fn ready_statefulset_means_every_instance_runs() {
        let r = report(Kind::Function, 3, Some(&status("True", 3)));
        assert_eq!((r.num_instances, r.num_running), (3, 3));
        assert!(
            r.instances
                .iter()
                .all(|i| i.status.running && i.status.error.is_empty())
        );
        assert_eq!(
            serde_json::to_value(&r.instances[0]).unwrap(),
            serde_json::json!({"instanceId": 0, "status": {"running": true, "error": ""}})
        );
    }

    #[test]
    fn not_ready_says_what_the_operator_reports() {
        let r = report(Kind::Source, 2, Some(&status("False", 1)));
        assert_eq!(r.num_running, 0);
        assert_eq!(
            r.instances[0].status.error,
            "not ready: the operator reports the StatefulSet StatefulSetReady (action Wait), 1 of 2 pods exist"
        );
    }

    #[test]
    fn unscheduled_and_out_of_range() {
        let r = report(Kind::Function, 1, Some(&ComponentStatus::default()));
        assert_eq!(r.instances[0].status.error, "Function has not been scheduled");
        assert_eq!(instance(Kind::Sink, 2, None, 2), None);
        assert_eq!(instance(Kind::Sink, 2, None, -1), None);
        assert_eq!(report(Kind::Sink, 0, None).instances, []);
    }
}

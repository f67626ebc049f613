//! Validation with field paths: Pulsar's rules ([`pulsar`]), the Function Mesh operator's
//! admission webhook and CRD constraints ([`webhook`]) with the defaults it fills first
//! ([`defaults`]), topic names ([`topic`]) and Kubernetes
//! syntax ([`k8s`]). Every check reports every violation it finds.

pub mod defaults;
pub mod k8s;
pub mod pulsar;
pub mod topic;
pub mod webhook;

//! What the specs of the three component CRs share, read through one trait: code that checks
//! or reads back "any component" takes `R: Resource + HasSpec<Spec: ComponentSpec>` (kube's
//! traits for the object, this one for its spec) instead of copying the fields out by hand.

use k8s_openapi::api::core::v1::ResourceRequirements;

use super::common::{
    GenericRuntime, GoRuntime, InputConf, JavaRuntime, OutputConf, PulsarMessaging, PythonRuntime,
};
use super::pod::PodPolicy;
use super::{FunctionSpec, SinkSpec, SourceSpec};
use crate::Kind;

/// The fields every component spec has (the three specs spell them the same), and its inputs and
/// outputs where its kind has them.
pub trait ComponentSpec {
    /// The kind of component the spec describes.
    const KIND: Kind;
    /// `name`: the Pulsar name.
    fn name(&self) -> Option<&String>;
    /// `tenant`.
    fn tenant(&self) -> Option<&String>;
    /// `namespace`: the Pulsar namespace.
    fn namespace(&self) -> Option<&String>;
    /// `clusterName`.
    fn cluster_name(&self) -> Option<&String>;
    /// `className`.
    fn class_name(&self) -> Option<&String>;
    /// `replicas`.
    fn replicas(&self) -> Option<i32>;
    /// `minReplicas`.
    fn min_replicas(&self) -> Option<i32>;
    /// `maxReplicas`.
    fn max_replicas(&self) -> Option<i32>;
    /// `image`.
    fn image(&self) -> Option<&String>;
    /// `pod`.
    fn pod(&self) -> Option<&PodPolicy>;
    /// `resources`.
    fn resources(&self) -> Option<&ResourceRequirements>;
    /// `java`.
    fn java(&self) -> Option<&JavaRuntime>;
    /// `python`.
    fn python(&self) -> Option<&PythonRuntime>;
    /// `golang`.
    fn golang(&self) -> Option<&GoRuntime>;
    /// `genericRuntime`.
    fn generic_runtime(&self) -> Option<&GenericRuntime>;
    /// `pulsar`.
    fn pulsar(&self) -> Option<&PulsarMessaging>;
    /// `pulsarPackageService`.
    fn package_service(&self) -> Option<&PulsarMessaging>;
    /// `input` (functions and sinks).
    fn input(&self) -> Option<&InputConf>;
    /// `output` (functions and sources).
    fn output(&self) -> Option<&OutputConf>;
}

/// Implements [`ComponentSpec`] for a spec type: the shared fields by name, and `input` /
/// `output` from the field where the kind has one (`none` where it does not).
macro_rules! component_spec {
    ($spec:ty, $kind:expr, input: $input:tt, output: $output:tt) => {
        impl ComponentSpec for $spec {
            const KIND: Kind = $kind;
            fn name(&self) -> Option<&String> {
                self.name.as_ref()
            }
            fn tenant(&self) -> Option<&String> {
                self.tenant.as_ref()
            }
            fn namespace(&self) -> Option<&String> {
                self.namespace.as_ref()
            }
            fn cluster_name(&self) -> Option<&String> {
                self.cluster_name.as_ref()
            }
            fn class_name(&self) -> Option<&String> {
                self.class_name.as_ref()
            }
            fn replicas(&self) -> Option<i32> {
                self.replicas
            }
            fn min_replicas(&self) -> Option<i32> {
                self.min_replicas
            }
            fn max_replicas(&self) -> Option<i32> {
                self.max_replicas
            }
            fn image(&self) -> Option<&String> {
                self.image.as_ref()
            }
            fn pod(&self) -> Option<&PodPolicy> {
                self.pod.as_ref()
            }
            fn resources(&self) -> Option<&ResourceRequirements> {
                self.resources.as_ref()
            }
            fn java(&self) -> Option<&JavaRuntime> {
                self.java.as_ref()
            }
            fn python(&self) -> Option<&PythonRuntime> {
                self.python.as_ref()
            }
            fn golang(&self) -> Option<&GoRuntime> {
                self.golang.as_ref()
            }
            fn generic_runtime(&self) -> Option<&GenericRuntime> {
                self.generic_runtime.as_ref()
            }
            fn pulsar(&self) -> Option<&PulsarMessaging> {
                self.pulsar.as_ref()
            }
            fn package_service(&self) -> Option<&PulsarMessaging> {
                self.pulsar_package_service.as_ref()
            }
            component_spec!(@field self, input, InputConf, $input);
            component_spec!(@field self, output, OutputConf, $output);
        }
    };
    (@field $self:ident, $name:ident, $ty:ty, none) => {
        fn $name(&$self) -> Option<&$ty> {
            None
        }
    };
    (@field $self:ident, $name:ident, $ty:ty, $field:ident) => {
        fn $name(&$self) -> Option<&$ty> {
            $self.$field.as_ref()
        }
    };
}

component_spec!(FunctionSpec, Kind::Function, input: input, output: output);
component_spec!(SourceSpec, Kind::Source, input: none, output: output);
component_spec!(SinkSpec, Kind::Sink, input: input, output: none);

#[cfg(test)]
mod tests {
    use super::*;

    fn kinds_and_io<S: ComponentSpec>(spec: &S) -> (Kind, bool, bool, Option<&str>) {
        (
            S::KIND,
            spec.input().is_some(),
            spec.output().is_some(),
            spec.name().map(String::as_str),
        )
    }

    #[test]
    fn each_spec_reads_its_own_fields() {
        let f = FunctionSpec {
            name: Some("f".to_owned()),
            input: Some(InputConf::default()),
            output: Some(OutputConf::default()),
            ..FunctionSpec::default()
        };
        assert_eq!(kinds_and_io(&f), (Kind::Function, true, true, Some("f")));
        let s = SourceSpec {
            name: Some("s".to_owned()),
            output: Some(OutputConf::default()),
            ..SourceSpec::default()
        };
        assert_eq!(kinds_and_io(&s), (Kind::Source, false, true, Some("s")));
        let k = SinkSpec {
            name: Some("k".to_owned()),
            input: Some(InputConf::default()),
            replicas: Some(3),
            ..SinkSpec::default()
        };
        assert_eq!(kinds_and_io(&k), (Kind::Sink, true, false, Some("k")));
        assert_eq!(k.replicas(), Some(3));
    }
}

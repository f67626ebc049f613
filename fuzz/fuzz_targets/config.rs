//! Pulsar function, source and sink configs, JSON or YAML, through the whole forward path:
//! split, detect, typed parse, convert; every object produced must write as YAML and read back
//! as the same value, and read back to a config without a panic.
#![no_main]

use libfuzzer_sys::fuzz_target;
use mesh_core::Kind;
use mesh_core::convert::{self as pipeline, Context};
use mesh_core::document::{self, same_value};
use mesh_fuzz::{catalogue, worker};

fuzz_target!(|data: &[u8]| {
    let Ok(docs) = document::split(data) else { return };
    let (worker, catalogue) = (worker(), catalogue());
    let mut ctx = Context::new(worker);
    ctx.catalogue = Some(catalogue);
    ctx.cluster_fallback = Some("local");
    for doc in docs {
        for kind in [None, Some(Kind::Function), Some(Kind::Source), Some(Kind::Sink)] {
            let Ok(component) = pipeline::parse_component(&doc, kind) else {
                continue;
            };
            let component_kind = component.kind();
            let Ok(rendered) = pipeline::convert_component(component, &ctx) else {
                continue;
            };
            for object in &rendered.objects {
                let text = mesh_core::yaml::to_string(object).expect("a converted object writes as YAML");
                let back = document::parse_one::<serde_json::Value>(text.as_bytes())
                    .unwrap_or_else(|e| panic!("{e}: mesh wrote YAML it cannot read:\n{text}"));
                assert!(same_value(&back, object), "YAML changed the object:\n{text}");
            }
            let _ = pipeline::reverse_component(component_kind, &rendered.objects[0], &ctx);
        }
    }
});

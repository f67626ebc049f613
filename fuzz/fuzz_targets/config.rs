//! Pulsar function, source and sink configs, JSON or YAML, through the whole forward path as
//! `mesh convert` takes it (the pipeline: split, detect, typed parse, convert); every object
//! produced must write as YAML and read back as the same value, write as the compact JSON of its
//! `Value` (the HTTP API's writer), and read back to a config without a panic.
#![no_main]

use libfuzzer_sys::fuzz_target;
use mesh_core::Kind;
use mesh_core::convert::{Component, Context};
use mesh_core::document::{self, same_value};
use mesh_core::pipeline::{Format, Object, Options, Pipeline, Renderer, Task};
use mesh_fuzz::{catalogue, worker};

fuzz_target!(|data: &[u8]| {
    let (worker, catalogue) = (worker(), catalogue());
    let mut ctx = Context::new(worker);
    ctx.catalogue = Some(catalogue);
    ctx.cluster_fallback = Some("local");
    for kind in [None, Some(Kind::Function), Some(Kind::Source), Some(Kind::Sink)] {
        let options = Options {
            kind,
            ..Options::new(Task::Convert)
        };
        let mut run = Pipeline::new(options, &ctx, Vec::new());
        run.feed(data);
        let report = run.finish();
        for object in &report.out {
            let value = object.to_value().expect("a converted object is JSON");
            let text = mesh_core::yaml::to_string(object).expect("a converted object writes as YAML");
            let back = document::parse_one::<serde_json::Value>(text.as_bytes())
                .unwrap_or_else(|e| panic!("{e}: mesh wrote YAML it cannot read:\n{text}"));
            assert!(same_value(&back, &value), "YAML changed the object:\n{text}");
            let mut json = Renderer::new(Format::CompactJson);
            json.push(object).expect("a converted object writes as JSON");
            assert_eq!(
                json.finish(),
                value.to_string(),
                "compact JSON differs from the value's"
            );
            let kind = match object {
                Object::Function(_) => Kind::Function,
                Object::Source(_) => Kind::Source,
                Object::Sink(_) => Kind::Sink,
                _ => continue,
            };
            let _ = Component::reverse_value(kind, value, &ctx);
        }
    }
});

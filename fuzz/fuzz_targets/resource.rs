//! Function Mesh resources (`Function`, `Source`, `Sink`, `FunctionMesh`) as `mesh validate` and
//! `mesh convert --to pulsar` read them: no input may panic, and a config read back converts
//! forward again without a panic.
#![no_main]

use libfuzzer_sys::fuzz_target;
use mesh_core::convert::{self as pipeline, Context};
use mesh_core::document;
use mesh_fuzz::{catalogue, worker};

fuzz_target!(|data: &[u8]| {
    let Ok(docs) = document::split(data) else { return };
    let mut ctx = Context::new(worker());
    ctx.catalogue = Some(catalogue());
    for doc in docs {
        let _ = pipeline::validate_resource(&doc);
        let Ok(back) = pipeline::reverse_resource(&doc, &ctx) else {
            continue;
        };
        for config in back.objects {
            let again = document::RawDocument::new(config.to_string());
            if let Ok(component) = pipeline::parse_component(&again, None) {
                let _ = pipeline::convert_component(component, &ctx);
            }
        }
    }
});

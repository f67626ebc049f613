//! Function Mesh resources (`Function`, `Source`, `Sink`, `FunctionMesh`) as `mesh validate` and
//! `mesh convert --to pulsar` read them: no input may panic, and a config read back converts
//! forward again without a panic.
#![no_main]

use libfuzzer_sys::fuzz_target;
use mesh_core::convert::Context;
use mesh_core::document;
use mesh_core::pipeline::{self, Discard, Options, Pipeline, Task};
use mesh_fuzz::{catalogue, worker};

fuzz_target!(|data: &[u8]| {
    let Ok(docs) = document::split(data) else { return };
    let mut ctx = Context::new(worker());
    ctx.catalogue = Some(catalogue());
    for doc in docs {
        let _ = pipeline::admit(&doc);
        let Ok(back) = pipeline::reverse(&doc, &ctx) else {
            continue;
        };
        for config in back.objects {
            let Ok(json) = config.to_value() else { continue };
            let mut run = Pipeline::new(Options::new(Task::Convert), &ctx, Discard);
            run.feed(json.to_string().as_bytes());
            let _ = run.finish();
        }
    }
});

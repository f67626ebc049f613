//! Conversion throughput: parse JSON + convert + serialize YAML for a typical function, a built-in
//! sink and a batch source, beside the floor for the same documents (parse the input into a
//! `serde_json::Value` and serialize the output as a `Value`), and the parts of the function
//! pipeline on their own.
//!
//! Run with `cargo bench -p mesh-core --bench convert`. On a shared, noisy host prefer the paired
//! `--bench ratio`, which times each pipeline and its floor side by side.

#![allow(missing_docs, clippy::unwrap_used, clippy::expect_used)]

mod cases;

use std::hint::black_box;

use criterion::{BatchSize, Criterion, Throughput, criterion_group, criterion_main};
use mesh_core::convert::{self, Context};
use mesh_core::pulsar::FunctionConfig;
use mesh_core::worker::WorkerConfig;

/// The allocator the `mesh` binary uses.
#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn bench(c: &mut Criterion) {
    let ctx = cases::context();
    let cases = cases::cases(&ctx);

    let mut g = c.benchmark_group("convert");
    g.throughput(Throughput::Elements(1));
    for case in &cases {
        g.bench_function(case.name, |b| {
            b.iter(|| black_box(case.run(&ctx)));
        });
        g.bench_function(format!("{} floor", case.name), |b| {
            b.iter(|| black_box(case.floor()));
        });
    }

    let function = &cases[0].input;
    let parsed: FunctionConfig = serde_json::from_str(function).unwrap();
    let converted = convert::function(parsed.clone(), &ctx).unwrap().resource;
    let minimal: &'static WorkerConfig = Box::leak(Box::new(
        mesh_core::document::parse_one(&cases::fixture("worker/minimal_worker.yml")).unwrap(),
    ));
    let small_ctx = Context::new(minimal);
    let small = convert::function(parsed.clone(), &small_ctx).unwrap().resource;
    g.bench_function("function parts/convert minimal worker", |b| {
        // The conversion consumes its config; the copy it is handed is made outside the timing.
        b.iter_batched(
            || parsed.clone(),
            |c| black_box(convert::function(c, &small_ctx).unwrap()),
            BatchSize::SmallInput,
        );
    });
    g.bench_function("function parts/yaml minimal worker", |b| {
        b.iter(|| black_box(mesh_core::yaml::to_string(black_box(&small)).unwrap()));
    });
    g.bench_function("function parts/parse", |b| {
        b.iter(|| black_box(serde_json::from_str::<FunctionConfig>(black_box(function)).unwrap()));
    });
    g.bench_function("function parts/convert", |b| {
        b.iter_batched(
            || parsed.clone(),
            |c| black_box(convert::function(c, &ctx).unwrap()),
            BatchSize::SmallInput,
        );
    });
    g.bench_function("function parts/yaml", |b| {
        b.iter(|| black_box(mesh_core::yaml::to_string(black_box(&converted)).unwrap()));
    });
    let converted_value = serde_json::to_value(&converted).unwrap();
    g.bench_function("function parts/yaml of the Value", |b| {
        b.iter(|| black_box(mesh_core::yaml::to_string(black_box(&converted_value)).unwrap()));
    });
    // The general serializer the writer competes with, on the same CR: the writer's reason to exist.
    g.bench_function("function parts/yaml by serde-saphyr", |b| {
        b.iter(|| black_box(serde_saphyr::to_string(black_box(&converted)).unwrap()));
    });
    g.bench_function("function parts/json", |b| {
        b.iter(|| black_box(serde_json::to_string(black_box(&converted)).unwrap()));
    });
    g.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);

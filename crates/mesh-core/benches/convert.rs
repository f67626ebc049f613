//! Conversion throughput: parse JSON + convert + serialize YAML for a typical function, a built-in
//! sink and a batch source, beside the floor for the same documents (parse the input into a
//! `serde_json::Value` and serialize the output as a `Value`).
//!
//! Run with `cargo bench -p mesh-core --bench convert`.

#![allow(missing_docs, clippy::unwrap_used, clippy::expect_used)]

use std::hint::black_box;
use std::path::Path;

use criterion::{Criterion, Throughput, criterion_group, criterion_main};
use mesh_core::convert::{self, Context};
use mesh_core::pulsar::{FunctionConfig, SinkConfig, SourceConfig};
use mesh_core::worker::{Catalogue, WorkerConfig};
use serde_json::Value;

/// The allocator the `mesh` binary uses.
#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn fixture(p: &str) -> Vec<u8> {
    std::fs::read(
        Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("../../fixtures")
            .join(p),
    )
    .unwrap()
}

fn as_json(p: &str) -> String {
    let v: Value = mesh_core::document::parse_one(&fixture(p)).unwrap();
    serde_json::to_string(&v).unwrap()
}

fn bench(c: &mut Criterion) {
    let worker: WorkerConfig =
        mesh_core::document::parse_one(&fixture("worker/functions_worker.yml")).unwrap();
    let catalogue: Catalogue = mesh_core::document::parse_one(&fixture("worker/connectors.yaml")).unwrap();
    let ctx = Context {
        catalogue: Some(&catalogue),
        ..Context::new(&worker)
    };
    let function = as_json("function/java-exclamation.yaml");
    let sink = as_json("sink/elastic-builtin.yaml");
    let source = as_json("source/batch-files.yaml");

    let mut g = c.benchmark_group("convert");
    g.throughput(Throughput::Elements(1));

    let f_out = serde_json::to_value(
        convert::function(&serde_json::from_str(&function).unwrap(), &ctx)
            .unwrap()
            .resource,
    )
    .unwrap();
    g.bench_function("function", |b| {
        b.iter(|| {
            let config: FunctionConfig = serde_json::from_str(black_box(&function)).unwrap();
            let done = convert::function(&config, &ctx).unwrap();
            black_box(mesh_core::document::to_yaml(&done.resource).unwrap())
        });
    });
    g.bench_function("function floor", |b| {
        b.iter(|| {
            let v: Value = serde_json::from_str(black_box(&function)).unwrap();
            black_box(v);
            black_box(mesh_core::document::to_yaml(black_box(&f_out)).unwrap())
        });
    });

    let parsed: FunctionConfig = serde_json::from_str(&function).unwrap();
    let converted = convert::function(&parsed, &ctx).unwrap().resource;
    let minimal: WorkerConfig =
        mesh_core::document::parse_one(&fixture("worker/minimal_worker.yml")).unwrap();
    let small_ctx = Context::new(&minimal);
    let small = convert::function(&parsed, &small_ctx).unwrap().resource;
    g.bench_function("function parts/convert minimal worker", |b| {
        b.iter(|| black_box(convert::function(black_box(&parsed), &small_ctx).unwrap()));
    });
    g.bench_function("function parts/yaml minimal worker", |b| {
        b.iter(|| black_box(mesh_core::document::to_yaml(black_box(&small)).unwrap()));
    });
    g.bench_function("function parts/json minimal worker", |b| {
        b.iter(|| black_box(serde_json::to_string(black_box(&small)).unwrap()));
    });
    g.bench_function("function parts/parse", |b| {
        b.iter(|| black_box(serde_json::from_str::<FunctionConfig>(black_box(&function)).unwrap()));
    });
    g.bench_function("function parts/convert", |b| {
        b.iter(|| black_box(convert::function(black_box(&parsed), &ctx).unwrap()));
    });
    g.bench_function("function parts/yaml", |b| {
        b.iter(|| black_box(mesh_core::document::to_yaml(black_box(&converted)).unwrap()));
    });
    let converted_value = serde_json::to_value(&converted).unwrap();
    g.bench_function("function parts/yaml of the Value", |b| {
        b.iter(|| black_box(mesh_core::yaml::to_string(black_box(&converted_value)).unwrap()));
    });
    g.bench_function("function parts/json", |b| {
        b.iter(|| black_box(serde_json::to_string(black_box(&converted)).unwrap()));
    });

    let s_out = serde_json::to_value(
        convert::sink(&serde_json::from_str(&sink).unwrap(), &ctx)
            .unwrap()
            .resource,
    )
    .unwrap();
    g.bench_function("builtin sink", |b| {
        b.iter(|| {
            let config: SinkConfig = serde_json::from_str(black_box(&sink)).unwrap();
            let done = convert::sink(&config, &ctx).unwrap();
            black_box(mesh_core::document::to_yaml(&done.resource).unwrap())
        });
    });
    g.bench_function("builtin sink floor", |b| {
        b.iter(|| {
            let v: Value = serde_json::from_str(black_box(&sink)).unwrap();
            black_box(v);
            black_box(mesh_core::document::to_yaml(black_box(&s_out)).unwrap())
        });
    });

    let b_out = serde_json::to_value(
        convert::source(&serde_json::from_str(&source).unwrap(), &ctx)
            .unwrap()
            .resource,
    )
    .unwrap();
    g.bench_function("batch source", |b| {
        b.iter(|| {
            let config: SourceConfig = serde_json::from_str(black_box(&source)).unwrap();
            let done = convert::source(&config, &ctx).unwrap();
            black_box(mesh_core::document::to_yaml(&done.resource).unwrap())
        });
    });
    g.bench_function("batch source floor", |b| {
        b.iter(|| {
            let v: Value = serde_json::from_str(black_box(&source)).unwrap();
            black_box(v);
            black_box(mesh_core::document::to_yaml(black_box(&b_out)).unwrap())
        });
    });
    g.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);

//! The pipeline/floor ratio, measured in pairs: each round times a block of pipeline runs and then
//! a block of floor runs of the same document, back to back, so both see the same host. A shared
//! host's noise moves whole rounds; the ratio within a round stays put, and the median over the
//! rounds is what we report, beside the fastest block of each (the least disturbed).
//!
//! Last, the function's conversion step alone (`convert::function` on a parsed config, no JSON or
//! YAML), as conversions per second on one core, and the same for `native::convert`.
//!
//! Run with `cargo bench -p mesh-core --bench ratio [-- ROUNDS]` (default 200 rounds).

#![allow(missing_docs, clippy::unwrap_used, clippy::expect_used)]

mod cases;

use std::hint::black_box;
use std::time::{Duration, Instant};

/// The allocator the `mesh` binary uses.
#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

/// Runs of each side per round: long enough to dwarf the clock's cost, short enough that a round
/// rarely straddles a burst of noise.
const BLOCK: u32 = 200;

fn per_run(block: impl Fn()) -> f64 {
    let start = Instant::now();
    for _ in 0..BLOCK {
        block();
    }
    start.elapsed().as_secs_f64() / f64::from(BLOCK)
}

fn median(mut v: Vec<f64>) -> f64 {
    v.sort_by(f64::total_cmp);
    v[v.len() / 2]
}

fn micros(s: f64) -> String {
    format!("{:.2} µs", s * 1e6)
}

fn main() {
    // `cargo bench` passes `--bench`; a number among the arguments is the round count.
    let rounds: usize = std::env::args()
        .skip(1)
        .find_map(|a| a.parse().ok())
        .unwrap_or(200);
    let ctx = cases::context();
    println!(
        "{:<14} {:>12} {:>12} {:>13} {:>13} {:>12} {:>14}",
        "case", "pipeline min", "floor min", "pipeline med", "floor med", "ratio (med)", "pipelines/s"
    );
    let cases = cases::cases(&ctx);
    for case in &cases {
        // Warm caches, the allocator and the branch predictors.
        let warm = Instant::now();
        while warm.elapsed() < Duration::from_millis(300) {
            black_box(case.run(&ctx));
            black_box(case.floor());
        }
        let (mut pipeline, mut floor, mut ratio) = (Vec::new(), Vec::new(), Vec::new());
        for _ in 0..rounds {
            let p = per_run(|| {
                black_box(case.run(&ctx));
            });
            let f = per_run(|| {
                black_box(case.floor());
            });
            pipeline.push(p);
            floor.push(f);
            ratio.push(p / f);
        }
        let p_min = pipeline.iter().copied().fold(f64::INFINITY, f64::min);
        let f_min = floor.iter().copied().fold(f64::INFINITY, f64::min);
        println!(
            "{:<14} {:>12} {:>12} {:>13} {:>13} {:>12.2} {:>14.0}",
            case.name,
            micros(p_min),
            micros(f_min),
            micros(median(pipeline)),
            micros(median(floor)),
            median(ratio),
            1.0 / p_min,
        );
    }

    let config: mesh_core::pulsar::FunctionConfig = serde_json::from_str(&cases[0].input).unwrap();
    // The conversion consumes its config: each round's copies are made before its clock starts.
    let step: Vec<f64> = (0..rounds)
        .map(|_| {
            let copies: Vec<_> = (0..BLOCK).map(|_| config.clone()).collect();
            let start = Instant::now();
            for c in copies {
                black_box(mesh_core::convert::function(c, &ctx).unwrap());
            }
            start.elapsed().as_secs_f64() / f64::from(BLOCK)
        })
        .collect();
    let step_min = step.iter().copied().fold(f64::INFINITY, f64::min);
    println!(
        "function conversion step alone: {} min, {} median, {:.0} conversions/s",
        micros(step_min),
        micros(median(step)),
        1.0 / step_min
    );

    let native = cases::native_context();
    let step: Vec<f64> = (0..rounds)
        .map(|_| {
            let copies: Vec<_> = (0..BLOCK)
                .map(|_| mesh_core::convert::Component::from(config.clone()))
                .collect();
            let start = Instant::now();
            for c in copies {
                black_box(mesh_core::native::convert(c, &native).unwrap());
            }
            start.elapsed().as_secs_f64() / f64::from(BLOCK)
        })
        .collect();
    let step_min = step.iter().copied().fold(f64::INFINITY, f64::min);
    println!(
        "function as a StatefulSet, conversion step alone: {} min, {} median, {:.0} conversions/s",
        micros(step_min),
        micros(median(step)),
        1.0 / step_min
    );
}

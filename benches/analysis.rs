//! Criterion bench of `analysis::analyze` on a synthetic 50-point sweep (USL-shaped throughput
//! with seeded noise, 5 samples per count): the whole analysis, fits included. Target: < 10 ms.

use criterion::{Criterion, criterion_group, criterion_main};
use plateau::analysis::{AnalysisOptions, analyze};
use plateau::model::{ConfigRecord, Point, RunInfo, RunRecord, SCHEMA_VERSION, Sample, ToolInfo};
use plateau::rng::SplitMix64;
use plateau::summary::summarize_points;
use std::hint::black_box;

/// 50 worker counts, 1..=50, of a machine with contention 0.03 and coherency 0.0004.
fn sweep() -> RunRecord {
    let tasks = 960;
    let mut rng = SplitMix64::new(7);
    let points = (1..=50usize)
        .map(|w| {
            let n = w as f64;
            let x = 100.0 * n / (1.0 + 0.03 * (n - 1.0) + 0.0004 * n * (n - 1.0));
            let samples = (0..5)
                .map(|_| Sample {
                    wall_s: tasks as f64 / x * (1.0 + 0.02 * (unit(&mut rng) - 0.5)),
                    ..Sample::default()
                })
                .collect();
            Point {
                workers: w,
                samples,
                summary: None,
            }
        })
        .collect();
    let mut r = RunRecord {
        schema_version: SCHEMA_VERSION,
        tool: ToolInfo::current(),
        run: RunInfo {
            label: "bench".into(),
            started_at: "2026-01-01T00:00:00Z".into(),
            finished_at: None,
            interrupted: false,
            price_per_hour: None,
            command_line: vec![],
            stop_reason: None,
            resumed_at: vec![],
        },
        machine: plateau::machine::detect(),
        config: ConfigRecord {
            workload: serde_json::json!({"name": "synthetic"}),
            mode: "threads".into(),
            tasks,
            workers: (1..=50).collect(),
            repetitions: 5,
            warmup: 0,
            schedule: "dynamic".into(),
            pin: false,
            seed: 1,
            adaptive: None,
        },
        points,
        analysis: None,
    };
    summarize_points(&mut r.points, tasks, 1);
    r
}

/// A uniform number in [0, 1).
fn unit(rng: &mut SplitMix64) -> f64 {
    (rng.next_u64() >> 11) as f64 / (1u64 << 53) as f64
}

fn analysis(c: &mut Criterion) {
    let record = sweep();
    let opts = AnalysisOptions::default();
    assert!(analyze(&record, &opts).and_then(|a| a.usl).is_some());
    c.bench_function("analyze_50_points", |b| {
        b.iter(|| analyze(black_box(&record), &opts))
    });
}

criterion_group!(benches, analysis);
criterion_main!(benches);

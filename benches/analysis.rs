//! Criterion bench of `analysis::analyze` on a synthetic 50-point sweep (USL-shaped throughput
//! with seeded noise, 5 samples per count): the whole analysis, fits included. Target: < 10 ms.

use criterion::{Criterion, criterion_group, criterion_main};
use plateau::analysis::{AnalysisOptions, analyze};
use plateau::model::RunRecord;
use plateau::rng::SplitMix64;
use plateau::testdata::{self, RecordSpec};
use std::hint::black_box;

/// 50 worker counts, 1..=50, of a machine with contention 0.03 and coherency 0.0004.
fn sweep() -> RunRecord {
    let tasks = 960;
    let mut rng = SplitMix64::new(7);
    let points = (1..=50usize)
        .map(|w| {
            let n = w as f64;
            let x = 100.0 * n / (1.0 + 0.03 * (n - 1.0) + 0.0004 * n * (n - 1.0));
            let walls: Vec<f64> = (0..5)
                .map(|_| tasks as f64 / x * (1.0 + 0.02 * (unit(&mut rng) - 0.5)))
                .collect();
            testdata::point(w, &walls)
        })
        .collect();
    RecordSpec {
        label: "bench".into(),
        machine: plateau::machine::detect(),
        workload: serde_json::json!({"name": "synthetic"}),
        tasks,
        repetitions: 5,
        ..RecordSpec::default()
    }
    .summarized(points)
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

//! Criterion benches of plateau's writers: chart.svg and results.json of a 24-point record
//! (1..24 workers, 5 samples each), the size of a default sweep on a 6-CPU machine.

#[path = "../tests/common/recording.rs"]
mod recording;

use criterion::{Criterion, criterion_group, criterion_main};
use plateau::model::json;
use plateau::render::chart;
use recording::{Recording, record};
use std::hint::black_box;

const WORKERS: [usize; 24] = [
    1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16, 17, 18, 19, 20, 21, 22, 23, 24,
];

fn writers(c: &mut Criterion) {
    let rec = record(Recording {
        workers: &WORKERS,
        cores: 6,
        ..Recording::new(7)
    });
    let mut group = c.benchmark_group("render_24_points");
    group.bench_function("chart_svg", |b| {
        b.iter(|| chart::render(black_box(&rec)).expect("the chart renders"))
    });
    group.bench_function("results_json", |b| b.iter(|| json::render(black_box(&rec))));
    group.finish();
}

criterion_group!(benches, writers);
criterion_main!(benches);

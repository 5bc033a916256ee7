//! Criterion benches of plateau's hot paths: the cpu task's kernel per iteration.

use criterion::{BenchmarkId, Criterion, Throughput, criterion_group, criterion_main};
use plateau::workload::cpu::kernel;
use std::hint::black_box;

fn cpu_kernel(c: &mut Criterion) {
    let mut group = c.benchmark_group("cpu_kernel");
    for iterations in [100_000u64, 1_000_000] {
        group.throughput(Throughput::Elements(iterations));
        group.bench_with_input(
            BenchmarkId::from_parameter(iterations),
            &iterations,
            |b, &n| b.iter(|| kernel(black_box(7), n)),
        );
    }
    group.finish();
}

criterion_group!(benches, cpu_kernel);
criterion_main!(benches);

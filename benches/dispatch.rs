//! Dispatch overhead per task: `tiny` tasks with no work (`--work-ns 0`) through the threads
//! executor (adaptive and fixed chunks) beside rayon's `par_iter` over the same tasks, and
//! through the processes executor. Each iteration is one batch; the time is the batch's
//! `wall_s` as plateau measures it (start-up excluded, as rayon's pool is built beforehand),
//! so the reported throughput's inverse is the amortized cost per task.
//!
//! `latency_record` isolates what the latency recording adds to one task: the same no-op task
//! called bare and through `TaskTimes::time` (two clock reads and a histogram increment).
//!
//! Run: `cargo bench --bench dispatch`. Per task = 1 / (elements per second).

use criterion::{BenchmarkId, Criterion, Throughput, criterion_group, criterion_main};
use plateau::cancel::CancelToken;
use plateau::exec::chunking::Chunking;
use plateau::exec::latency::TaskTimes;
use plateau::exec::processes::ProcessesExecutor;
use plateau::exec::threads::ThreadsExecutor;
use plateau::exec::{BatchSpec, Executor, Schedule};
use plateau::workload::SharedWorkload;
use plateau::workload::tiny::TinyWorkload;
use rayon::prelude::*;
use std::num::{NonZeroU64, NonZeroUsize};
use std::sync::Arc;
use std::time::{Duration, Instant};

const THREAD_TASKS: u64 = 1_000_000;
const PROCESS_TASKS: u64 = 200_000;
const PROCESS_TASKS_CHUNK1: u64 = 20_000;

fn noop() -> SharedWorkload {
    Arc::new(TinyWorkload::new(0, 0))
}

fn spec(workers: usize, tasks: u64, chunk: Chunking) -> BatchSpec {
    let workers = NonZeroUsize::new(workers).unwrap();
    BatchSpec::new(
        workers,
        tasks,
        Schedule::Dynamic,
        chunk,
        &CancelToken::new(),
    )
}

/// Sums the batches' own wall times over `iters` batches.
fn batches(exe: &mut dyn Executor, spec: &BatchSpec, w: &SharedWorkload, iters: u64) -> Duration {
    (0..iters)
        .map(|_| Duration::from_secs_f64(exe.run_batch(spec, w).expect("batch").wall_s))
        .sum()
}

fn threads_vs_rayon(c: &mut Criterion) {
    let w = noop();
    let mut group = c.benchmark_group("dispatch_threads");
    group
        .sample_size(20)
        .measurement_time(Duration::from_secs(5));
    group.throughput(Throughput::Elements(THREAD_TASKS));
    for workers in [1usize, 2] {
        let chunk8 = Chunking::Fixed(NonZeroU64::new(1024).unwrap());
        for (name, chunk) in [
            ("plateau_adaptive", Chunking::Adaptive),
            ("plateau_chunk1024", chunk8),
        ] {
            let s = spec(workers, THREAD_TASKS, chunk);
            group.bench_function(BenchmarkId::new(name, workers), |b| {
                b.iter_custom(|iters| batches(&mut ThreadsExecutor, &s, &w, iters))
            });
        }
        let pool = rayon::ThreadPoolBuilder::new()
            .num_threads(workers)
            .build()
            .unwrap();
        group.bench_function(BenchmarkId::new("rayon_par_iter", workers), |b| {
            b.iter_custom(|iters| {
                let t = Instant::now();
                for _ in 0..iters {
                    pool.install(|| {
                        (0..THREAD_TASKS)
                            .into_par_iter()
                            .try_for_each(|task| w.run_task(task))
                            .expect("task")
                    });
                }
                t.elapsed()
            })
        });
    }
    group.finish();
}

fn processes(c: &mut Criterion) {
    let w = noop();
    let mut exe = ProcessesExecutor::new(env!("CARGO_BIN_EXE_plateau").into());
    let mut group = c.benchmark_group("dispatch_processes");
    group
        .sample_size(10)
        .measurement_time(Duration::from_secs(5));
    for workers in [1usize, 2] {
        group.throughput(Throughput::Elements(PROCESS_TASKS));
        let s = spec(workers, PROCESS_TASKS, Chunking::Adaptive);
        group.bench_function(BenchmarkId::new("adaptive", workers), |b| {
            b.iter_custom(|iters| batches(&mut exe, &s, &w, iters))
        });
        group.throughput(Throughput::Elements(PROCESS_TASKS_CHUNK1));
        let s = spec(
            workers,
            PROCESS_TASKS_CHUNK1,
            Chunking::Fixed(NonZeroU64::MIN),
        );
        group.bench_function(BenchmarkId::new("chunk1", workers), |b| {
            b.iter_custom(|iters| batches(&mut exe, &s, &w, iters))
        });
    }
    group.finish();
}

fn latency_record(c: &mut Criterion) {
    let w = noop();
    let mut group = c.benchmark_group("latency_record");
    group.throughput(Throughput::Elements(1));
    group.bench_function("bare_task", |b| {
        b.iter(|| w.run_task(std::hint::black_box(7)))
    });
    let mut times = TaskTimes::new();
    group.bench_function("timed_task", |b| {
        b.iter(|| times.time(|| w.run_task(std::hint::black_box(7))))
    });
    group.finish();
}

criterion_group!(benches, threads_vs_rayon, processes, latency_record);
criterion_main!(benches);

//! Recorded runs from the deterministic fake executor, for the compare tests and
//! benches/render.rs.

use plateau::cancel::CancelToken;
use plateau::config::design::Design;
use plateau::exec::{Schedule, fake::FakeExecutor};
use plateau::model::RunRecord;
use plateau::sweep::{Silent, SweepSpec, run_sweep};
use plateau::testdata::{self, RecordSpec};
use plateau::workload::{Workload, cpu::CpuWorkload};
use std::num::NonZeroUsize;
use std::sync::Arc;

/// How a recorded run is made.
#[derive(Debug, Clone, Copy)]
pub struct Recording {
    /// Seconds per task on the pretend 2-core machine (10% more = a 10% slower build).
    pub task_s: f64,
    /// Relative spread of the fake's uniform jitter.
    pub jitter: f64,
    /// Seed of the fake's jitter and of the run.
    pub seed: u64,
    /// Kept batches per worker count.
    pub repetitions: u32,
    /// The cpu workload's iterations, as recorded in config.workload.
    pub iterations: u64,
    /// The worker counts swept.
    pub workers: &'static [usize],
    /// Cores of the pretend machine.
    pub cores: usize,
}

impl Recording {
    /// 5 repetitions, 3% jitter, 3,000,000 iterations, 10 ms per task.
    pub fn new(seed: u64) -> Self {
        Self {
            task_s: 0.01,
            jitter: 0.03,
            seed,
            repetitions: 5,
            iterations: 3_000_000,
            workers: &[1, 2, 4],
            cores: 2,
        }
    }
}

/// A run of 16 tasks per batch, swept by the fake executor.
pub fn record(r: Recording) -> RunRecord {
    let workers = r.workers;
    let spec = SweepSpec {
        workers: workers
            .iter()
            .map(|&w| NonZeroUsize::new(w).unwrap())
            .collect(),
        design: Design::fixed_rounds(16, 1, r.repetitions),
        analysis: Default::default(),
        capacity_cpus: None,
        seed: r.seed,
        schedule: Schedule::Dynamic,
        pin_cpus: vec![],
        cancel: CancelToken::new(),
        chunk: Default::default(),
        watch: None,
    };
    let workload = CpuWorkload::new(r.iterations);
    let mut rec = RecordSpec {
        label: format!("fake-{}", r.seed),
        machine: testdata::machine(r.cores),
        workload: workload.describe(),
        ..RecordSpec::for_sweep(&spec)
    }
    .unmeasured(workers);
    let mut fake = FakeExecutor::new(r.cores, r.task_s, r.seed);
    fake.jitter = r.jitter;
    let shared: plateau::workload::SharedWorkload = Arc::new(workload);
    run_sweep(&spec, &mut fake, &shared, &mut rec, &mut Silent)
        .expect("the fake executor does not fail");
    rec
}

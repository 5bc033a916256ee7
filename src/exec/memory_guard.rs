//! The memory guard around a process-based executor (processes, persistent, command): it
//! measures 1 worker first (a trial batch before any timed one, which also proves the workers
//! start; not for commands, whose every run may have side effects the user counts), keeps the largest per-worker peak RSS seen, and refuses a batch whose pool would not
//! fit under the memory limit (`BatchError::WontFit`, which the sweep records as skipped)
//! instead of running it into the OOM killer.

use super::rusage::{self, Who};
use super::{BatchError, BatchSpec, Executor};
use crate::machine::memory::{max_workers, usable_bytes};
use crate::model::{Point, Sample};
use crate::workload::SharedWorkload;
use std::num::NonZeroUsize;

/// Tasks of the trial batch: enough for a task's memory to show, few enough to cost little.
const TRIAL_TASKS: u64 = 4;

/// An executor whose batches are first checked against the memory limit.
pub struct MemoryGuard {
    inner: Box<dyn Executor>,
    usable: Option<u64>,
    per_worker: u64,
    tried: bool,
}

impl MemoryGuard {
    /// Guards `inner` under `limit` bytes (none: only the trial batch), knowing the samples of
    /// `points` (a resumed run's); `trial` runs the 1-worker trial batch first.
    pub fn new(
        inner: Box<dyn Executor>,
        limit: Option<u64>,
        points: &[Point],
        trial: bool,
    ) -> Self {
        let per_worker = points
            .iter()
            .flat_map(|p| &p.samples)
            .flat_map(|s| &s.worker_peak_rss_bytes)
            .copied()
            .max()
            .unwrap_or(0);
        Self {
            inner,
            usable: limit.map(usable_bytes),
            per_worker,
            tried: !trial,
        }
    }

    fn learn(&mut self, s: &Sample) {
        if let Some(&m) = s.worker_peak_rss_bytes.iter().max() {
            self.per_worker = self.per_worker.max(m);
        }
    }

    /// The trial batch: 1 worker, a few tasks, not recorded. A worker dying or a task failing
    /// here is a worker that cannot run at all: bad input, reported as the trial's (never a
    /// timed count's) before anything is timed.
    fn trial(&mut self, spec: &BatchSpec, workload: &SharedWorkload) -> Result<(), BatchError> {
        let trial = BatchSpec {
            workers: NonZeroUsize::MIN,
            tasks: spec.tasks.min(TRIAL_TASKS),
            ..spec.clone()
        };
        match self.inner.run_batch(&trial, workload) {
            Ok(s) => {
                self.learn(&s);
                Ok(())
            }
            // Whatever fails here failed before any timed batch: the worker cannot run, which is
            // no worker count's fault (and nothing measured is there to resume).
            Err(BatchError::Task(t)) => Err(BatchError::Trial(t)),
            Err(BatchError::WorkerDied { worker, reason }) => Err(BatchError::BadWorker(format!(
                "in the untimed trial batch of 1 worker, before any timed batch, worker {worker}, {reason}"
            ))),
            // plateau's own faults (setup, a built-in's batch check) and a stop stay as they are.
            Err(e) => Err(e),
        }
    }
}

impl Executor for MemoryGuard {
    fn run_batch(
        &mut self,
        spec: &BatchSpec,
        workload: &SharedWorkload,
    ) -> Result<Sample, BatchError> {
        if !self.tried {
            self.tried = true;
            self.trial(spec, workload)?;
        }
        let workers = spec.workers.get();
        if let (Some(usable), true) = (self.usable, self.per_worker > 0) {
            let own = rusage::read(Who::SelfProcess).maxrss_bytes;
            if workers > max_workers(usable, own, self.per_worker) {
                return Err(BatchError::WontFit {
                    workers,
                    projected_bytes: own
                        .saturating_add(self.per_worker.saturating_mul(workers as u64)),
                    usable_bytes: usable,
                });
            }
        }
        let s = self.inner.run_batch(spec, workload)?;
        self.learn(&s);
        Ok(s)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::exec::fake::FakeExecutor;

    /// The fake, with every worker holding `rss` bytes.
    struct Heavy(FakeExecutor, u64);

    impl Executor for Heavy {
        fn run_batch(&mut self, s: &BatchSpec, w: &SharedWorkload) -> Result<Sample, BatchError> {
            let mut out = self.0.run_batch(s, w)?;
            out.worker_peak_rss_bytes = vec![self.1; s.workers.get()];
            Ok(out)
        }
    }

    fn spec(workers: usize) -> BatchSpec {
        let workers = NonZeroUsize::new(workers).unwrap();
        let cancel = crate::cancel::CancelToken::new();
        BatchSpec::new(
            workers,
            16,
            crate::exec::Schedule::Dynamic,
            Default::default(),
            &cancel,
        )
    }

    #[test]
    fn counts_that_would_not_fit_are_refused_after_a_trial_of_one() {
        let w: SharedWorkload = std::sync::Arc::new(crate::workload::cpu::CpuWorkload::new(10));
        let own = rusage::read(Who::SelfProcess).maxrss_bytes;
        // Room for plateau and exactly 3 workers of 100 MiB, after the margin.
        let limit = ((own + (300 << 20)) as f64 / 0.9) as u64 + (1 << 20);
        let heavy = Heavy(FakeExecutor::new(2, 0.01, 1), 100 << 20);
        let mut g = MemoryGuard::new(Box::new(heavy), Some(limit), &[], true);
        // The first batch asked for is 8 workers: the trial of 1 runs first and refuses it.
        match g.run_batch(&spec(8), &w) {
            Err(BatchError::WontFit { workers: 8, .. }) => {}
            other => panic!("{other:?}"),
        }
        assert!(g.run_batch(&spec(3), &w).is_ok());
        assert!(matches!(
            g.run_batch(&spec(4), &w),
            Err(BatchError::WontFit { .. })
        ));
        let mut free = MemoryGuard::new(
            Box::new(Heavy(FakeExecutor::new(2, 0.01, 1), 1)),
            None,
            &[],
            true,
        );
        assert!(free.run_batch(&spec(64), &w).is_ok());
    }

    /// Fails every batch's task 2.
    struct Failing;

    impl Executor for Failing {
        fn run_batch(&mut self, _: &BatchSpec, _: &SharedWorkload) -> Result<Sample, BatchError> {
            Err(BatchError::Task(crate::workload::TaskError {
                task: 2,
                reason: "ValueError: no".into(),
            }))
        }
    }

    #[test]
    fn a_failure_in_the_trial_is_the_trial_s_not_a_timed_count_s() {
        let w: SharedWorkload = std::sync::Arc::new(crate::workload::cpu::CpuWorkload::new(10));
        let mut g = MemoryGuard::new(Box::new(Failing), None, &[], true);
        match g.run_batch(&spec(4), &w) {
            Err(e @ BatchError::Trial(_)) => {
                let m = e.to_string();
                assert!(m.contains("untimed trial batch of 1 worker"), "{m}");
                assert!(m.contains("task 2 failed: ValueError: no"), "{m}");
            }
            other => panic!("{other:?}"),
        }
        let mut timed = MemoryGuard::new(Box::new(Failing), None, &[], false);
        assert!(matches!(
            timed.run_batch(&spec(4), &w),
            Err(BatchError::Task(_))
        ));
    }
}

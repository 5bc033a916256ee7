//! The `tiny` workload: tasks of about a microsecond (`--work-ns`, 0 for none), so the cost of
//! handing a task to a worker dominates. The work is the cpu kernel, checked by its closed form.

use super::cpu::{check, kernel};
use super::setup::WorkloadSetup;
use super::{TaskError, Workload};
use serde_json::json;
use std::hint::black_box;
use std::time::Instant;

/// The workload's name: the value of `--workload`, `config.workload.name` in results.json and
/// the end of the default folder's name.
pub const NAME: &str = "tiny";

/// Default nanoseconds of work per task.
pub const DEFAULT_WORK_NS: u64 = 1_000;

/// Tiny tasks: dispatch overhead, not work, decides throughput, so more workers can be slower.
#[derive(Debug, Clone)]
pub struct TinyWorkload {
    work_ns: u64,
    iterations: u64,
}

impl TinyWorkload {
    /// A tiny workload of `iterations` kernel iterations per task, sized for `work_ns`.
    /// Worker processes get both numbers, so every process does the same work.
    pub fn new(work_ns: u64, iterations: u64) -> Self {
        Self {
            work_ns,
            iterations,
        }
    }

    /// Sizes the task for `work_ns` nanoseconds on this machine: the kernel's speed is measured
    /// once (best of a few short runs, so a preempted run does not shrink the task).
    pub fn calibrated(work_ns: u64) -> Self {
        Self::new(work_ns, iterations_for(work_ns))
    }

    /// Kernel iterations per task.
    pub fn iterations(&self) -> u64 {
        self.iterations
    }
}

/// Kernel iterations that take about `work_ns` nanoseconds here (0 for 0, else at least 1).
pub fn iterations_for(work_ns: u64) -> u64 {
    if work_ns == 0 {
        return 0;
    }
    const PROBE: u64 = 200_000;
    let best_ns = (0..5)
        .map(|_| {
            let t = Instant::now();
            black_box(kernel(black_box(3), PROBE));
            t.elapsed().as_nanos().max(1)
        })
        .min()
        .unwrap_or(1) as f64;
    let per_iteration_ns = best_ns / PROBE as f64;
    ((work_ns as f64 / per_iteration_ns).round() as u64).max(1)
}

impl Workload for TinyWorkload {
    fn describe(&self) -> serde_json::Value {
        json!({"name": NAME, "work_ns": self.work_ns, "iterations": self.iterations})
    }

    fn worker_setup(&self) -> Result<WorkloadSetup, String> {
        Ok(WorkloadSetup::Tiny {
            work_ns: self.work_ns,
            iterations: self.iterations,
        })
    }

    fn run_task(&self, task: u64) -> Result<(), TaskError> {
        let n = task + 1;
        check(task, n, self.iterations, kernel(n, self.iterations))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn calibration_scales_with_the_requested_time() {
        assert_eq!(iterations_for(0), 0);
        let small = iterations_for(1_000);
        let big = iterations_for(100_000);
        assert!(small >= 1 && big > small, "{small} {big}");
        assert!(TinyWorkload::calibrated(1_000).run_task(9).is_ok());
        assert!(TinyWorkload::new(0, 0).run_task(9).is_ok());
    }

    #[test]
    fn a_skipped_task_fails_the_check() {
        // The sum of a task whose loop was skipped is 0, which only matches when there is no work.
        assert!(check(4, 5, 1000, 0).is_err());
        assert!(check(4, 5, 0, 0).is_ok());
    }
}

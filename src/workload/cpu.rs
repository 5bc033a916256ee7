//! The `cpu` workload, the Python seed's task: task n sums `i * n` (wrapping u64) for i in
//! 0..iterations, and the sum is checked against its closed form.

use super::setup::WorkloadSetup;
use super::{TaskError, Workload};
use serde_json::json;
use std::hint::black_box;

/// The workload's name: the value of `--workload`, `config.workload.name` in results.json and
/// the end of the default folder's name.
pub const NAME: &str = "cpu";

/// Default iterations per task (the seed's 10 million).
pub const DEFAULT_ITERATIONS: std::num::NonZeroU64 = match std::num::NonZeroU64::new(10_000_000) {
    Some(n) => n,
    None => panic!("10000000 is not zero"),
};

/// CPU-bound work with no shared state: scales to the core count, then plateaus.
#[derive(Debug, Clone)]
pub struct CpuWorkload {
    iterations: u64,
}

impl CpuWorkload {
    /// A cpu workload of `iterations` loop iterations per task (at least 1, checked by Config).
    pub fn new(iterations: u64) -> Self {
        Self { iterations }
    }
}

/// The kernel: the wrapping sum of `i * n` for i in 0..iterations. `black_box` on the running
/// sum keeps the optimizer from replacing the loop with its closed form, so time grows
/// linearly with `iterations`.
#[inline(never)]
pub fn kernel(n: u64, iterations: u64) -> u64 {
    let mut sum = 0u64;
    for i in 0..iterations {
        sum = black_box(sum.wrapping_add(i.wrapping_mul(n)));
    }
    sum
}

/// The closed form of `kernel`: n * m(m-1)/2 modulo 2^64.
pub fn expected(n: u64, iterations: u64) -> u64 {
    let m = u128::from(iterations);
    let tri = if m == 0 { 0 } else { (m * (m - 1) / 2) as u64 };
    tri.wrapping_mul(n)
}

impl Workload for CpuWorkload {
    fn describe(&self) -> serde_json::Value {
        json!({"name": NAME, "iterations": self.iterations})
    }

    fn worker_setup(&self) -> Result<WorkloadSetup, String> {
        Ok(WorkloadSetup::Cpu {
            iterations: self.iterations,
        })
    }

    fn run_task(&self, task: u64) -> Result<(), TaskError> {
        // Task numbers start at 1 so that no task multiplies by zero.
        let n = task + 1;
        let got = kernel(n, self.iterations);
        check(task, n, self.iterations, got)
    }
}

/// Compares a task's sum with the closed form; a mismatch is an error, never a number.
pub fn check(task: u64, n: u64, iterations: u64, got: u64) -> Result<(), TaskError> {
    let want = expected(n, iterations);
    if got == want {
        Ok(())
    } else {
        Err(TaskError {
            task,
            reason: format!("cpu sum is {got}, expected {want}: the work was not done correctly"),
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn kernel_matches_closed_form() {
        assert_eq!(kernel(3, 0), 0);
        assert_eq!(kernel(3, 4), 3 * (1 + 2 + 3));
        assert!(CpuWorkload::new(10_000).run_task(41).is_ok());
    }

    #[test]
    fn a_skipped_or_wrong_sum_fails_the_check() {
        assert!(check(0, 1, 1000, 0).is_err());
        assert!(check(0, 7, 1000, kernel(7, 999)).is_err());
    }

    proptest! {
        #[test]
        fn closed_form_wraps_like_the_loop(n in any::<u64>(), m in 0u64..3000) {
            prop_assert_eq!(kernel(n, m), expected(n, m));
        }
    }
}

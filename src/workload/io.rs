//! The `io` workload: each task blocks the way a network call does (`--io-ms`, default 20),
//! then does a small CPU part. Blocked workers use no CPU, so throughput scales far past the
//! cores. The check: the task really waited, and its CPU part's sum matches the closed form.

use super::cpu::{check, kernel};
use super::setup::WorkloadSetup;
use super::{TaskError, Workload};
use serde_json::json;
use std::time::{Duration, Instant};

/// The workload's name: the value of `--workload`, `config.workload.name` in results.json and
/// the end of the default folder's name.
pub const NAME: &str = "io";

/// Default milliseconds a task blocks.
pub const DEFAULT_IO_MS: u64 = 20;
/// Kernel iterations of the CPU part (tens of microseconds: parsing a response, say).
pub const CPU_ITERATIONS: u64 = 20_000;

/// I/O-bound tasks: a blocking wait plus a little CPU.
#[derive(Debug, Clone)]
pub struct IoWorkload {
    io: Duration,
    cpu_iterations: u64,
}

impl IoWorkload {
    /// Tasks that block for `io_ms` milliseconds, then run `cpu_iterations` kernel iterations.
    pub fn new(io_ms: u64, cpu_iterations: u64) -> Self {
        Self {
            io: Duration::from_millis(io_ms),
            cpu_iterations,
        }
    }
}

impl Workload for IoWorkload {
    fn describe(&self) -> serde_json::Value {
        json!({"name": NAME, "io_ms": self.io.as_millis() as u64, "cpu_iterations": self.cpu_iterations})
    }

    fn worker_setup(&self) -> Result<WorkloadSetup, String> {
        Ok(WorkloadSetup::Io {
            io_ms: self.io.as_millis() as u64,
            cpu_iterations: self.cpu_iterations,
        })
    }

    fn run_task(&self, task: u64) -> Result<(), TaskError> {
        let start = Instant::now();
        // A sleep blocks the worker without using CPU, as waiting on a socket does.
        std::thread::sleep(self.io);
        let waited = start.elapsed();
        let n = task + 1;
        let sum = kernel(n, self.cpu_iterations);
        check_waited(task, waited, self.io)?;
        check(task, n, self.cpu_iterations, sum)
    }
}

/// A task that returned before its wait was over did not do its I/O.
pub fn check_waited(task: u64, waited: Duration, io: Duration) -> Result<(), TaskError> {
    if waited >= io {
        Ok(())
    } else {
        Err(TaskError {
            task,
            reason: format!(
                "the io task waited {:.3} ms, expected at least {:.3} ms: the wait did not happen",
                waited.as_secs_f64() * 1e3,
                io.as_secs_f64() * 1e3
            ),
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_task_waits_and_checks() {
        let w = IoWorkload::new(2, 100);
        let t = Instant::now();
        w.run_task(3).unwrap();
        assert!(t.elapsed() >= Duration::from_millis(2));
        assert_eq!(w.describe()["io_ms"], 2);
    }

    #[test]
    fn a_skipped_wait_or_sum_fails_the_check() {
        let io = Duration::from_millis(20);
        assert!(check_waited(0, Duration::ZERO, io).is_err());
        assert!(check_waited(0, Duration::from_millis(19), io).is_err());
        assert!(check_waited(0, io, io).is_ok());
        assert!(check(0, 1, CPU_ITERATIONS, 0).is_err());
    }
}

//! A deterministic fake executor: wall times from a simple machine model plus seeded jitter,
//! so tests of the sweep, analysis and writers are repeatable on any machine.

use super::{BatchError, BatchSpec, Executor};
use crate::model::Sample;
use crate::rng::SplitMix64;
use crate::workload::SharedWorkload;

/// A pretend machine with `cores` cores on which each task takes `task_s` seconds.
/// Past the core count each extra worker costs `oversub_penalty` (relative) of throughput.
#[derive(Debug, Clone)]
pub struct FakeExecutor {
    /// Cores of the pretend machine.
    pub cores: usize,
    /// Seconds one task takes on one core.
    pub task_s: f64,
    /// Relative slowdown per worker beyond `cores`.
    pub oversub_penalty: f64,
    /// Relative spread of the multiplicative jitter (0 for none).
    pub jitter: f64,
    /// Fail every batch at this worker count, as a crashed worker would.
    pub fail_at_workers: Option<usize>,
    /// Jitter overriding `jitter` at particular worker counts (a noisy point).
    pub jitter_at: std::collections::BTreeMap<usize, f64>,
    rng: SplitMix64,
}

impl FakeExecutor {
    /// A fake with the given model and a fixed jitter seed.
    pub fn new(cores: usize, task_s: f64, seed: u64) -> Self {
        Self {
            cores: cores.max(1),
            task_s,
            oversub_penalty: 0.01,
            jitter: 0.01,
            fail_at_workers: None,
            jitter_at: Default::default(),
            rng: SplitMix64::new(seed),
        }
    }

    /// The model's noise-free wall time of a batch.
    pub fn model_wall(&self, workers: usize, tasks: u64) -> f64 {
        let busy = workers.min(self.cores) as f64;
        // Tasks are whole: the batch lasts as many task rounds as the busiest worker runs.
        let rounds = (tasks as f64 / workers as f64).ceil() * workers as f64 / busy;
        let over = workers.saturating_sub(self.cores) as f64;
        rounds * self.task_s * (1.0 + self.oversub_penalty * over)
    }
}

impl Executor for FakeExecutor {
    fn run_batch(
        &mut self,
        spec: &BatchSpec,
        _workload: &SharedWorkload,
    ) -> Result<Sample, BatchError> {
        let w = spec.workers.get();
        if self.fail_at_workers == Some(w) {
            return Err(BatchError::WorkerDied {
                worker: 0,
                reason: format!("the fake executor fails at {w} workers"),
            });
        }
        let u = self.rng.next_u64() as f64 / u64::MAX as f64;
        let jitter = self.jitter_at.get(&w).copied().unwrap_or(self.jitter);
        let wall = self.model_wall(w, spec.tasks) * (1.0 + jitter * (2.0 * u - 1.0));
        Ok(Sample {
            wall_s: wall,
            startup_s: 1e-4 * w as f64,
            user_s: wall * w.min(self.cores) as f64,
            sys_s: 0.0,
            voluntary_ctx_switches: w as u64,
            involuntary_ctx_switches: w.saturating_sub(self.cores) as u64 * 10,
            peak_rss_bytes: 10 << 20,
            ..Sample::default()
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn model_scales_then_degrades() {
        let f = FakeExecutor::new(4, 0.1, 1);
        assert!((f.model_wall(1, 8) - 0.8).abs() < 1e-12);
        assert!((f.model_wall(4, 8) - 0.2).abs() < 1e-12);
        assert!(f.model_wall(8, 8) > f.model_wall(4, 8));
    }
}

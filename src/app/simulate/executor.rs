//! The simulated executor: a batch of T tasks on W workers takes T / X(W) seconds of the
//! machine model, stretched by the noise (slow phases that come and go on the virtual clock, a
//! drift, a lognormal factor, rare outliers), and advances the virtual clock and the counters
//! the interference watch reads. Deterministic for a seed.

use super::machine::{MachineModel, NoiseModel};
use crate::exec::{BatchError, BatchSpec, Executor};
use crate::model::Sample;
use crate::rng::SplitMix64;
use crate::sweep::interference::VirtualCounters;
use crate::workload::SharedWorkload;
use std::sync::{Arc, Mutex};

/// Slow phases on the virtual clock: an alternating renewal process of normal and slow spells
/// with exponential lengths.
#[derive(Debug, Clone)]
struct Phases {
    /// When the current spell ends.
    until_s: f64,
    /// True in a slow spell.
    slow: bool,
}

/// Seconds of the simulated start-up of one worker.
const STARTUP_PER_WORKER_S: f64 = 2e-4;

/// A simulated machine behind the `Executor` trait.
#[derive(Debug)]
pub struct SimExecutor {
    model: MachineModel,
    rng: SplitMix64,
    phases: Phases,
    counters: Arc<Mutex<VirtualCounters>>,
}

impl SimExecutor {
    /// The machine `model` with noise seeded by `seed`.
    pub fn new(model: MachineModel, seed: u64) -> Self {
        let mut rng = SplitMix64::new(seed);
        let phases = Phases {
            until_s: spell(&mut rng, &model.noise, false),
            slow: false,
        };
        Self {
            model,
            rng,
            phases,
            counters: Arc::default(),
        }
    }

    /// The counters the interference watch reads, shared.
    pub fn counters(&self) -> Arc<Mutex<VirtualCounters>> {
        self.counters.clone()
    }

    /// Seconds on the virtual clock.
    pub fn now_s(&self) -> f64 {
        self.lock().now_s
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, VirtualCounters> {
        self.counters.lock().unwrap_or_else(|e| e.into_inner())
    }

    fn uniform(&mut self) -> f64 {
        (self.rng.next_u64() >> 11) as f64 / (1u64 << 53) as f64
    }

    /// A standard normal draw (Box-Muller).
    fn normal(&mut self) -> f64 {
        let u = self.uniform().max(1e-300);
        let v = self.uniform();
        (-2.0 * u.ln()).sqrt() * (std::f64::consts::TAU * v).cos()
    }

    /// Seconds the work of `work_s` quiet seconds takes from `start_s` through the slow
    /// phases.
    fn through_phases(&mut self, start_s: f64, work_s: f64) -> f64 {
        let noise = self.model.noise.clone();
        if noise.phase_share <= 0.0 || noise.phase_slowdown <= 0.0 {
            return work_s;
        }
        let (mut t, mut left) = (start_s, work_s);
        loop {
            while self.phases.until_s <= t {
                self.phases.slow = !self.phases.slow;
                let len = spell(&mut self.rng, &noise, self.phases.slow);
                self.phases.until_s += len;
            }
            let speed = if self.phases.slow {
                1.0 / (1.0 + noise.phase_slowdown)
            } else {
                1.0
            };
            let room = self.phases.until_s - t;
            if room * speed >= left {
                return t + left / speed - start_s;
            }
            left -= room * speed;
            t = self.phases.until_s;
        }
    }
}

/// The length of the next spell: slow spells last `phase_s` on average, normal ones long
/// enough that slow ones cover `phase_share` of the time.
fn spell(rng: &mut SplitMix64, noise: &NoiseModel, slow: bool) -> f64 {
    let share = noise.phase_share.clamp(1e-6, 0.999);
    let mean = if slow {
        noise.phase_s.max(1e-3)
    } else {
        noise.phase_s.max(1e-3) * (1.0 - share) / share
    };
    let u = ((rng.next_u64() >> 11) as f64 / (1u64 << 53) as f64).max(1e-300);
    -mean * u.ln()
}

impl Executor for SimExecutor {
    fn run_batch(
        &mut self,
        spec: &BatchSpec,
        _workload: &SharedWorkload,
    ) -> Result<Sample, BatchError> {
        if spec.cancel.is_cancelled() {
            return Err(BatchError::Cancelled);
        }
        let w = spec.workers.get();
        let x = self.model.throughput(w).max(1e-12);
        let ideal = spec.tasks as f64 / x;
        // Whole tasks: the busiest worker runs ceil(T / W) of them.
        let waves = spec.tasks.div_ceil(w as u64) as f64 * w as f64 / spec.tasks.max(1) as f64;
        let startup = STARTUP_PER_WORKER_S * w as f64;
        let start = self.now_s() + startup;
        let n = self.model.noise.clone();
        let drift = 1.0 + n.drift_per_min * start / 60.0;
        let outlier = if self.uniform() < n.outlier_rate {
            n.outlier_factor
        } else {
            1.0
        };
        let factor = (n.sigma * self.normal()).exp() * drift * outlier;
        let wall = self.through_phases(start, ideal * waves * factor);
        let busy = (w as f64).min(self.model.capacity());
        let cpu = busy * wall;
        let mut c = self.lock();
        c.now_s = start + wall;
        c.busy_s += cpu;
        c.own_s += cpu;
        drop(c);
        Ok(Sample {
            wall_s: wall,
            startup_s: startup,
            user_s: cpu,
            sys_s: 0.0,
            voluntary_ctx_switches: w as u64,
            involuntary_ctx_switches: 0,
            peak_rss_bytes: 8 << 20,
            ..Sample::default()
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::cancel::CancelToken;
    use std::num::NonZeroUsize;

    fn batch(sim: &mut SimExecutor, w: usize, tasks: u64) -> Sample {
        let cancel = CancelToken::new();
        let spec = BatchSpec::new(
            NonZeroUsize::new(w).unwrap(),
            tasks,
            crate::exec::Schedule::Dynamic,
            Default::default(),
            &cancel,
        );
        let wl = crate::config::Execution::Threads(crate::config::BuiltIn::Cpu {
            iterations: std::num::NonZeroU64::MIN,
        })
        .build();
        sim.run_batch(&spec, &wl).unwrap()
    }

    #[test]
    fn a_quiet_machine_runs_the_model_and_the_clock_follows() {
        let m = MachineModel::parse(
            r#"{"logical_cpus": 4, "task_s": 0.1, "noise": {"sigma": 0}}"#,
            "m",
        )
        .unwrap();
        let mut sim = SimExecutor::new(m, 1);
        let s = batch(&mut sim, 4, 40);
        assert!((s.wall_s - 1.0).abs() < 1e-9, "{}", s.wall_s);
        assert!((sim.now_s() - 1.0 - s.startup_s).abs() < 1e-9);
        // 5 tasks on 4 workers: the busiest runs 2.
        let s = batch(&mut sim, 4, 5);
        assert!((s.wall_s - 0.2).abs() < 1e-9, "{}", s.wall_s);
    }

    #[test]
    fn slow_phases_cover_their_share_of_the_time() {
        let m = MachineModel::parse(
            r#"{"logical_cpus": 1, "task_s": 0.1, "noise": {"sigma": 0, "phase_share": 0.2, "phase_slowdown": 1.0, "phase_s": 2}}"#,
            "m",
        )
        .unwrap();
        let mut sim = SimExecutor::new(m, 7);
        let walls: Vec<f64> = (0..2000).map(|_| batch(&mut sim, 1, 5).wall_s).collect();
        // Time on the clock in batches that ran mostly slow: the share slow spells cover.
        let total: f64 = walls.iter().sum();
        let slow: f64 = walls.iter().filter(|&&w| w > 0.75).sum();
        assert!((0.15..0.25).contains(&(slow / total)), "{}", slow / total);
        // The same seed gives the same batches.
        let mut again = SimExecutor::new(sim.model.clone(), 7);
        assert_eq!(batch(&mut again, 1, 5).wall_s, walls[0]);
    }
}

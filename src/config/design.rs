//! The design a sweep follows, as one value: how many tasks each worker count's batch holds
//! and how that was chosen, the discarded and kept rounds, and when adaptive rounds stop (the
//! target and the time budget). A `RunConfig` holds the planned design; `app::calibrate`
//! settles a new one from it (the config itself never changes), a resumed run plans what it
//! recorded, and the sweep borrows the settled one.

use crate::model::{AdaptiveConfig, TasksChoice};
use std::num::{NonZeroU32, NonZeroU64};
use std::time::Duration;

/// How many tasks a batch at W workers holds.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TaskPlan {
    /// One fixed job of N tasks at every count (`--tasks N`, the seed's `Pool.map` over N
    /// tasks): the makespan includes load imbalance.
    Fixed(NonZeroU64),
    /// Batches sized per count: k tasks per worker up to the capacity, T(W) = k x W, and past
    /// it T(W) = ceil(k x C / W) x W (the W workers share C CPUs), so every batch is a
    /// multiple of W (no load imbalance) and lasts about the same time at every count.
    PerWorker {
        /// k: tasks per worker up to the capacity.
        per_worker: NonZeroU64,
        /// C, the capacity the plan was sized for, in thousandths of a CPU.
        capacity_milli: u64,
    },
}

impl TaskPlan {
    /// Tasks of the batch at `workers` workers.
    pub fn tasks_at(&self, workers: usize) -> u64 {
        match *self {
            TaskPlan::Fixed(n) => n.get(),
            TaskPlan::PerWorker {
                per_worker,
                capacity_milli,
            } => {
                let w = workers.max(1) as u64;
                let k = per_worker.get();
                let c = capacity_milli.max(1);
                // ceil(k x min(W, C) / W) tasks each, in thousandths.
                let busy = (w * 1000).min(c);
                let each = (k.saturating_mul(busy)).div_ceil(w * 1000).max(1);
                let most = (super::batch_time::MAX_TASKS / w).max(1);
                each.min(most).saturating_mul(w)
            }
        }
    }

    /// The count results.json's `config.tasks` records: the fixed job, or the 1-worker batch
    /// (k) of a per-count plan, whose points each record their own count.
    pub fn recorded(&self) -> u64 {
        self.tasks_at(1)
    }

    /// The task count a point records: its own under a per-count plan, none (the config's)
    /// under a fixed one.
    pub fn point_tasks(&self, workers: usize) -> Option<u64> {
        match self {
            TaskPlan::Fixed(_) => None,
            TaskPlan::PerWorker { .. } => Some(self.tasks_at(workers)),
        }
    }

    /// Tasks per worker up to the capacity, under a per-count plan.
    pub fn per_worker(&self) -> Option<u64> {
        match self {
            TaskPlan::Fixed(_) => None,
            TaskPlan::PerWorker { per_worker, .. } => Some(per_worker.get()),
        }
    }
}

/// How the task plan is (to be) chosen.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Sizing {
    /// `--tasks` gave it.
    Given,
    /// A short calibration sizes it by time before anything is measured.
    Calibrate,
    /// Settled: calibrated, or a resumed run's recorded plan, kept as it was.
    Settled,
}

/// The time budget of adaptive rounds, and whether the user chose it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Budget {
    /// `--max-time` gave it: a calibration refuses it when one round does not fit.
    Given(Duration),
    /// plateau's default: a calibration sets it from the rounds it should hold.
    Default(Duration),
}

impl Budget {
    /// The time it allows, counted in batches (start-up plus wall), warmup included.
    pub fn limit(&self) -> Duration {
        match *self {
            Budget::Given(d) | Budget::Default(d) => d,
        }
    }

    /// True when `--max-time` gave it.
    pub fn given(&self) -> bool {
        matches!(self, Budget::Given(_))
    }
}

/// When adaptive rounds stop: the target every count's interval must reach, and the budget.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Adaptive {
    /// Largest accepted CI half-width relative to the level (0.02 = 2%).
    pub target: f64,
    /// The time budget of the whole sweep.
    pub budget: Budget,
    /// True when neither `--repetitions` nor `--target-ci` was given: adaptive by default.
    pub by_default: bool,
}

impl Adaptive {
    /// results.json's `config.adaptive`.
    pub fn recorded(&self) -> AdaptiveConfig {
        AdaptiveConfig {
            target_ci: self.target,
            max_time_s: self.budget.limit().as_secs_f64(),
            by_default: self.by_default,
        }
    }
}

/// Tasks per batch, rounds and the adaptive policy, as the sweep runs them.
#[derive(Debug, Clone, PartialEq)]
pub struct Design {
    /// Tasks per batch at each worker count.
    pub tasks: TaskPlan,
    /// How `tasks` is (to be) chosen.
    pub sizing: Sizing,
    /// How `tasks` was chosen, for results.json.
    pub tasks_choice: Option<TasksChoice>,
    /// Discarded rounds, run first.
    pub warmup: u32,
    /// Kept batches per worker count in the planned rounds.
    pub repetitions: NonZeroU32,
    /// Rounds added after the planned ones, and when they stop; `None` for a fixed design.
    pub adaptive: Option<Adaptive>,
}

impl Design {
    /// A fixed design: `tasks` at every count, `warmup` discarded and `repetitions` kept
    /// rounds (at least one), no adaptive rounds.
    pub fn fixed_rounds(tasks: u64, warmup: u32, repetitions: u32) -> Self {
        Self {
            tasks: fixed(tasks),
            sizing: Sizing::Given,
            tasks_choice: None,
            warmup,
            repetitions: NonZeroU32::new(repetitions).unwrap_or(NonZeroU32::MIN),
            adaptive: None,
        }
    }

    /// Tasks of the batch at `workers` workers.
    pub fn tasks_at(&self, workers: usize) -> u64 {
        self.tasks.tasks_at(workers)
    }
}

/// A fixed task count, at least 1.
pub fn fixed(tasks: u64) -> TaskPlan {
    TaskPlan::Fixed(NonZeroU64::new(tasks).unwrap_or(NonZeroU64::MIN))
}

/// k tasks per worker up to `capacity` CPUs, at least 1.
pub fn per_worker(k: u64, capacity: f64) -> TaskPlan {
    TaskPlan::PerWorker {
        per_worker: NonZeroU64::new(k).unwrap_or(NonZeroU64::MIN),
        capacity_milli: (capacity.max(0.001) * 1000.0).round() as u64,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_per_worker_plan_grows_with_the_count_and_a_fixed_one_does_not() {
        let p = per_worker(25, 8.0);
        assert_eq!(p.tasks_at(8), 200);
        assert_eq!(p.recorded(), 25);
        // Past the 8 CPUs the batch keeps its length: 16 workers share 200 tasks' worth.
        assert_eq!(p.tasks_at(16), 208);
        assert_eq!(p.tasks_at(800), 800);
        // A 1.5-CPU quota: 2 workers get 19 each (ceil(25 x 1.5 / 2)).
        assert_eq!(per_worker(25, 1.5).tasks_at(2), 38);
        assert_eq!(p.point_tasks(4), Some(100));
        assert_eq!(fixed(40).point_tasks(4), None);
        assert_eq!(fixed(40).tasks_at(8), 40);
        assert_eq!(fixed(0).tasks_at(1), 1);
    }

    #[test]
    fn a_budget_says_whether_it_was_chosen() {
        let d = Duration::from_secs(9);
        assert!(Budget::Given(d).given() && !Budget::Default(d).given());
        assert_eq!(Budget::Default(d).limit(), d);
    }
}

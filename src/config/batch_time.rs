//! Batches sized by time, per worker count: the target batch time (0.5 s, and 20 quota periods
//! under a CPU quota, so scheduler quanta, quota bursts and short host hiccups average out),
//! the task plan that reaches it at every count (a multiple of W tasks, so no load imbalance),
//! the cost of one round and the default budget, which follows from the rounds it should
//! hold. Pure; the timed calibration itself is `app::calibrate`.

use super::defaults;
use super::design::{Sizing, TaskPlan};
use super::execution::{BuiltIn, Execution};
use crate::model::{TasksChoice, TasksMethod};
use crate::plan::imbalance;
use std::num::NonZeroU64;
use std::time::Duration;

/// Most tasks a calibrated batch may hold.
pub const MAX_TASKS: u64 = 10_000_000;

/// The sizing of a run: given with `--tasks`, else calibrated by time.
pub fn sizing(given: bool) -> Sizing {
    if given {
        Sizing::Given
    } else {
        Sizing::Calibrate
    }
}

/// True for the CPU-bound built-in workloads: their speedup cannot exceed the CPUs and their
/// workers should get all the CPU they ask for.
pub fn cpu_bound(execution: &Execution) -> bool {
    matches!(
        execution.built_in(),
        Some(BuiltIn::Cpu { .. } | BuiltIn::Memory { .. })
    )
}

/// The batch time to aim for at every count: `MIN_BATCH_S`, or `QUOTA_PERIODS` periods of a
/// binding quota.
pub fn target_batch_s(quota_period_s: Option<f64>) -> f64 {
    quota_period_s.map_or(defaults::MIN_BATCH_S, |p| {
        (defaults::QUOTA_PERIODS * p).max(defaults::MIN_BATCH_S)
    })
}

/// Largest load imbalance of `tasks` over the plan.
pub fn max_imbalance(tasks: u64, plan: &[usize]) -> f64 {
    plan.iter()
        .map(|&w| imbalance(tasks, w))
        .fold(0.0, f64::max)
}

/// The per-count plan whose batches last about `target_s` at every count, given a task's time
/// on one worker: k tasks per worker up to the capacity, fewer per worker past it (the W
/// workers share the capacity's CPUs), never fewer than one, and at most `MAX_TASKS` in a
/// batch. An error sentence naming the flags when even the 1-worker batch would exceed
/// `MAX_TASKS`.
pub fn per_count_plan(task_s: f64, target_s: f64, capacity: f64) -> Result<TaskPlan, String> {
    let need = (target_s / task_s.max(1e-12)).ceil();
    if !need.is_finite() || need > MAX_TASKS as f64 {
        return Err(format!(
            "--tasks: the calibration cannot reach {target_s:.1} s batches within {MAX_TASKS} tasks (one task takes {:.0} ns); give --tasks, or more --iterations",
            task_s * 1e9
        ));
    }
    Ok(TaskPlan::PerWorker {
        per_worker: NonZeroU64::new(need.max(1.0) as u64).unwrap_or(NonZeroU64::MIN),
        capacity_milli: (capacity.max(0.001) * 1000.0).round() as u64,
    })
}

/// Seconds the batch at `workers` should take, given a task's time on one worker.
pub fn batch_estimate_s(plan: &TaskPlan, task_s: f64, workers: usize, capacity: f64) -> f64 {
    plan.tasks_at(workers) as f64 * task_s / (workers as f64).min(capacity).max(1.0)
}

/// Seconds one round of `counts` should take: each count's batch at its ideal speed.
pub fn round_estimate_s(plan: &TaskPlan, task_s: f64, counts: &[usize], capacity: f64) -> f64 {
    counts
        .iter()
        .map(|&w| batch_estimate_s(plan, task_s, w, capacity))
        .sum()
}

/// The default budget: `BUDGET_ROUNDS` rounds of `round_s`, so the run can add rounds where
/// the decision is unsure after its `BASE_ROUNDS`.
pub fn default_budget(round_s: f64) -> Duration {
    Duration::try_from_secs_f64(round_s * f64::from(defaults::BUDGET_ROUNDS))
        .unwrap_or(Duration::MAX)
}

/// How a task plan not calibrated was chosen.
pub fn given_choice(tasks: u64, plan: &[usize]) -> TasksChoice {
    TasksChoice {
        method: TasksMethod::Given,
        task_s: None,
        target_batch_s: None,
        capacity_cpus: None,
        calibration_s: None,
        max_imbalance: max_imbalance(tasks, plan),
        per_worker: None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::machine::{capacity, quota_limits};

    const PLAN: [usize; 6] = [1, 2, 3, 4, 6, 8];

    #[test]
    fn twenty_ms_tasks_on_two_cpus_make_half_second_batches_at_every_count() {
        let plan = per_count_plan(0.02, 0.5, 2.0).unwrap();
        for w in PLAN {
            let t = plan.tasks_at(w);
            assert_eq!(t % w as u64, 0, "{w} workers, {t} tasks");
            let s = batch_estimate_s(&plan, 0.02, w, 2.0);
            assert!((0.5..0.7).contains(&s), "{w} workers: {s} s");
        }
        // Under a 1-CPU quota every batch spans 20 periods.
        let q = per_count_plan(0.004, target_batch_s(Some(0.1)), 1.0).unwrap();
        assert!(batch_estimate_s(&q, 0.004, 1, 1.0) >= 2.0);
        assert!(batch_estimate_s(&q, 0.004, 4, 1.0) >= 2.0);
    }

    #[test]
    fn a_round_costs_the_same_whatever_the_core_count() {
        // 20 counts of half-second batches up to 4x the CPUs, on 2 CPUs or on 192.
        for cpus in [2usize, 192] {
            let counts: Vec<usize> = (1..=20).map(|i| (i * 4 * cpus).div_ceil(20)).collect();
            let plan = per_count_plan(0.02, 0.5, cpus as f64).unwrap();
            let round = round_estimate_s(&plan, 0.02, &counts, cpus as f64);
            assert!((9.9..11.0).contains(&round), "{cpus} CPUs: {round} s");
            assert!(default_budget(round) <= Duration::from_secs(132));
        }
    }

    #[test]
    fn tasks_longer_than_the_target_run_one_per_worker() {
        let plan = per_count_plan(2.0, 0.5, 4.0).unwrap();
        assert_eq!(plan.tasks_at(1), 1);
        assert_eq!(plan.tasks_at(16), 16);
        // 16 workers on 4 CPUs: four task times.
        assert!((batch_estimate_s(&plan, 2.0, 16, 4.0) - 8.0).abs() < 1e-9);
    }

    #[test]
    fn a_fractional_quota_is_the_capacity() {
        let mut m = crate::testdata::machine(2);
        assert_eq!(capacity(&m), 2.0);
        assert!(!quota_limits(&m));
        m.cgroup_cpu_quota = Some(1.5);
        assert_eq!(capacity(&m), 1.5);
        assert!(quota_limits(&m));
        m.cgroup_cpu_quota = Some(8.0);
        assert_eq!(capacity(&m), 2.0);
        assert!(!quota_limits(&m));
    }

    #[test]
    fn tasks_too_short_to_reach_the_batch_time_are_refused() {
        let e = per_count_plan(1e-9, 0.5, 2.0).unwrap_err();
        assert!(e.starts_with("--tasks"), "{e}");
    }
}

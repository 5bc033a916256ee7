//! Batches sized by time, and the default adaptive design: the calibration target (the shortest
//! batch lasts at least 0.5 s, and 20 quota periods under a CPU quota, so scheduler quanta,
//! quota bursts and short host hiccups average out), the task count that reaches it with at
//! most 5% load imbalance, the default time budget and the estimate of one round. Pure; the
//! timed calibration itself is `app::calibrate`.

use super::execution::{BuiltIn, Execution};
use crate::model::{TasksChoice, TasksMethod};
use crate::plan::{MAX_IMBALANCE, MIN_TASKS, imbalance};
use std::time::Duration;

/// The shortest batch a calibrated default aims for, seconds.
pub const MIN_BATCH_S: f64 = 0.5;
/// Quota periods the shortest batch spans under a binding CPU quota: a period's burst at the
/// start and the end of a batch then moves its throughput by a few percent at most.
pub const QUOTA_PERIODS: f64 = 20.0;
/// Most tasks a calibrated batch may hold.
pub const MAX_TASKS: u64 = 10_000_000;
/// Planned rounds of a default adaptive run before the decision steers (fewer when the budget
/// holds fewer).
pub const DEFAULT_BASE_ROUNDS: u32 = 3;
/// Default budget per planned worker count: 51 s for the 6 counts of a 2-CPU machine.
pub const BUDGET_PER_COUNT_S: f64 = 8.5;

/// How the task count is chosen.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Sizing {
    /// `--tasks` gave it.
    Given,
    /// A short calibration sizes it by time (cpu and memory workloads).
    Calibrate,
    /// The smallest balanced count from 32 (workloads whose tasks are not sized by time).
    CountDefault,
    /// A resumed run's: the count (and design) it recorded, kept as they were.
    Recorded,
}

/// The sizing of a run: given, or calibrated for the CPU-bound built-ins.
pub fn sizing(given: bool, execution: &Execution) -> Sizing {
    match (given, cpu_bound(execution)) {
        (true, _) => Sizing::Given,
        (false, true) => Sizing::Calibrate,
        (false, false) => Sizing::CountDefault,
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

/// The default time budget of an adaptive run with `counts` planned worker counts.
pub fn default_budget(counts: usize) -> Duration {
    Duration::from_secs_f64(BUDGET_PER_COUNT_S * counts.max(1) as f64)
}

/// The shortest batch to aim for: `MIN_BATCH_S`, or `QUOTA_PERIODS` periods of a binding quota.
pub fn target_batch_s(quota_period_s: Option<f64>) -> f64 {
    quota_period_s.map_or(MIN_BATCH_S, |p| (QUOTA_PERIODS * p).max(MIN_BATCH_S))
}

/// Largest load imbalance of `tasks` over the plan.
pub fn max_imbalance(tasks: u64, plan: &[usize]) -> f64 {
    plan.iter()
        .map(|&w| imbalance(tasks, w))
        .fold(0.0, f64::max)
}

/// The smallest count of at least `from` with at most 5% imbalance at every planned count
/// (it exists: from 20 x the largest count on, the imbalance is below 5%).
pub fn balanced_from(from: u64, plan: &[usize]) -> u64 {
    let mut t = from.max(1);
    while max_imbalance(t, plan) > MAX_IMBALANCE + 1e-12 {
        t += 1;
    }
    t
}

/// The fastest a batch can run relative to one worker: the capacity, or the largest count.
fn best_speed(plan: &[usize], capacity: f64) -> f64 {
    let top = plan.iter().copied().max().unwrap_or(1) as f64;
    top.min(capacity).max(1.0)
}

/// The task count whose shortest batch lasts `target_s`, given a task's time on one worker;
/// an error sentence naming the flags when it would exceed `MAX_TASKS`.
pub fn calibrated_tasks(
    task_s: f64,
    target_s: f64,
    capacity: f64,
    plan: &[usize],
) -> Result<u64, String> {
    let need = (target_s * best_speed(plan, capacity) / task_s.max(1e-12)).ceil();
    if !need.is_finite() || need > MAX_TASKS as f64 {
        return Err(format!(
            "--tasks: the calibration cannot reach {target_s:.1} s batches within {MAX_TASKS} tasks (one task takes {:.0} ns); give --tasks, or more --iterations",
            task_s * 1e9
        ));
    }
    let t = balanced_from((need as u64).max(MIN_TASKS), plan);
    if t > MAX_TASKS {
        return Err(format!(
            "--tasks: the calibration cannot balance batches within {MAX_TASKS} tasks; give --tasks"
        ));
    }
    Ok(t)
}

/// Seconds one round of `plan` should take: each count's batch at its ideal speed.
pub fn round_estimate_s(tasks: u64, task_s: f64, plan: &[usize], capacity: f64) -> f64 {
    plan.iter()
        .map(|&w| tasks as f64 * task_s / (w as f64).min(capacity).max(1.0))
        .sum()
}

/// How a task count not calibrated was chosen.
pub fn count_choice(given: bool, tasks: u64, plan: &[usize]) -> TasksChoice {
    TasksChoice {
        method: if given {
            TasksMethod::Given
        } else {
            TasksMethod::CountDefault
        },
        task_s: None,
        target_batch_s: None,
        capacity_cpus: None,
        calibration_s: None,
        max_imbalance: max_imbalance(tasks, plan),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::machine::{capacity, quota_limits};

    const PLAN: [usize; 6] = [1, 2, 3, 4, 6, 8];

    #[test]
    fn four_ms_tasks_on_two_cpus_make_half_second_batches() {
        let t = calibrated_tasks(0.004, 0.5, 2.0, &PLAN).unwrap();
        assert!(t as f64 * 0.004 / 2.0 >= 0.5, "{t}");
        assert!(max_imbalance(t, &PLAN) <= MAX_IMBALANCE + 1e-12);
        assert!(t < 300, "{t}");
        // Under a 1-CPU quota every batch spans 20 periods.
        let q = calibrated_tasks(0.004, target_batch_s(Some(0.1)), 1.0, &[1, 2, 3, 4]).unwrap();
        assert!(q as f64 * 0.004 >= 2.0);
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
        let e = calibrated_tasks(1e-9, 0.5, 2.0, &PLAN).unwrap_err();
        assert!(e.starts_with("--tasks"), "{e}");
    }

    #[test]
    fn budget_and_round_estimates() {
        assert!(default_budget(6).as_secs_f64() <= 60.0);
        assert_eq!(default_budget(12), default_budget(6) * 2);
        // 1 worker 1 s, five more counts at 2x: 3.5 s.
        let r = round_estimate_s(250, 0.004, &PLAN, 2.0);
        assert!((r - 3.5).abs() < 1e-9, "{r}");
        assert_eq!(balanced_from(21, &[1, 8]), 23);
    }
}

//! The calibration of `plateau run`: before anything is measured, time the task on one worker
//! (batches of 1, 2, 4, ... tasks until one lasts a quarter of a second), size the batch by
//! time (`config::batch_time`), and fit the default design into its budget. Errors are usage
//! errors naming the flag, raised before any measured batch.

use crate::cancel::CancelToken;
use crate::config::RunConfig;
use crate::config::batch_time;
use crate::config::design::{Budget, Design, Sizing};
use crate::error::usage;
use crate::exec::{BatchSpec, Executor};
use crate::model::{MachineInfo, TasksChoice, TasksMethod};
use crate::workload::SharedWorkload;
use std::num::NonZeroUsize;
use std::time::{Duration, Instant};

/// A calibration batch this long gives the time of one task.
const LONG_ENOUGH_S: f64 = 0.25;

/// The design the sweep follows: `config`'s own, or, when its task plan is calibrated, the
/// settled per-count plan with the adaptive budget fitted to it: a budget the user chose is
/// refused when one round does not fit, plateau's default is set from the rounds it should
/// hold (`--target-ci`'s default only raised to one round and a half when below one round).
pub fn settle(
    config: &RunConfig,
    machine: &MachineInfo,
    executor: &mut dyn Executor,
    workload: &SharedWorkload,
    cancel: &CancelToken,
) -> anyhow::Result<Design> {
    let period = crate::machine::quota_period(machine).map(|p| p.as_secs_f64());
    settle_under(config, machine, period, executor, workload, cancel)
}

/// `settle` with the period of the quota that binds given (`None` without one): the
/// simulator gives its machine's, `settle` this machine's.
pub fn settle_under(
    config: &RunConfig,
    machine: &MachineInfo,
    quota_period_s: Option<f64>,
    executor: &mut dyn Executor,
    workload: &SharedWorkload,
    cancel: &CancelToken,
) -> anyhow::Result<Design> {
    let planned = config.design.clone();
    if planned.sizing != Sizing::Calibrate {
        return Ok(planned);
    }
    let capacity = crate::machine::capacity(machine);
    let target = batch_time::target_batch_s(quota_period_s);
    let started = Instant::now();
    let task_s = time_one_task(config, executor, workload, cancel)?;
    let tasks = batch_time::per_count_plan(task_s, target, capacity).map_err(usage)?;
    let plan = config.worker_counts();
    let calibrated = Design {
        tasks,
        sizing: Sizing::Settled,
        tasks_choice: Some(TasksChoice {
            method: TasksMethod::Calibrated,
            task_s: Some(task_s),
            target_batch_s: Some(target),
            capacity_cpus: Some(capacity),
            calibration_s: Some(started.elapsed().as_secs_f64()),
            max_imbalance: 0.0,
            per_worker: tasks.per_worker(),
        }),
        ..planned
    };
    let round_s = batch_time::round_estimate_s(&tasks, task_s, &plan, capacity);
    fit_budget(calibrated, round_s, plan.len())
}

/// The adaptive budget fitted to one round of `round_s` seconds over `counts` worker counts
/// (warmup rounds included in what one round needs).
fn fit_budget(design: Design, round_s: f64, counts: usize) -> anyhow::Result<Design> {
    let Some(mut a) = design.adaptive else {
        return Ok(design);
    };
    let need = round_s * f64::from(design.warmup + 1);
    a.budget = match a.budget {
        Budget::Given(d) if need > d.as_secs_f64() => {
            return Err(usage(format!(
                "--max-time {:.0}s is below what one round needs here (about {need:.0} s for {counts} worker counts of {} tasks per worker); give at least {:.0}s, or fewer --workers",
                d.as_secs_f64(),
                design.tasks.per_worker().unwrap_or(1),
                need.ceil() + 1.0
            )));
        }
        Budget::Default(_) if a.by_default => {
            let rounds = round_s * f64::from(design.warmup);
            Budget::Default(batch_time::default_budget(round_s) + secs(rounds))
        }
        Budget::Default(d) if need > d.as_secs_f64() => Budget::Default(secs(need * 1.5)),
        kept => kept,
    };
    // The default design's base rounds are as many as its budget holds, up to `BASE_ROUNDS`.
    let mut repetitions = design.repetitions;
    if a.by_default {
        let fit = (a.budget.limit().as_secs_f64() / round_s.max(1e-9)).floor() as u32;
        let base = fit
            .saturating_sub(design.warmup)
            .clamp(1, crate::plan::defaults::BASE_ROUNDS);
        repetitions = std::num::NonZeroU32::new(base).unwrap_or(std::num::NonZeroU32::MIN);
    }
    Ok(Design {
        adaptive: Some(a),
        repetitions,
        ..design
    })
}

/// `s` seconds as a duration (saturating).
fn secs(s: f64) -> Duration {
    Duration::try_from_secs_f64(s.max(0.0)).unwrap_or(Duration::MAX)
}

/// Seconds of one task on one worker: batches of 1, 2, 4, ... tasks until one lasts
/// `LONG_ENOUGH_S` (or holds `MAX_TASKS`); the last batch's time per task.
fn time_one_task(
    config: &RunConfig,
    executor: &mut dyn Executor,
    workload: &SharedWorkload,
    cancel: &CancelToken,
) -> anyhow::Result<f64> {
    let mut tasks = 1u64;
    loop {
        let spec = BatchSpec::new(
            NonZeroUsize::MIN,
            tasks,
            config.schedule,
            config.chunk,
            cancel,
        );
        let sample = executor
            .run_batch(&spec, workload)
            .map_err(|e| crate::error::RunFailed(format!("the calibration batch failed: {e}")))?;
        let wall = sample.wall_s.max(1e-9);
        if wall >= LONG_ENOUGH_S || tasks >= batch_time::MAX_TASKS {
            return Ok(wall / tasks as f64);
        }
        // Aim straight for the target once the time is measurable, else double.
        let next = if wall > 0.01 {
            (tasks as f64 * LONG_ENOUGH_S * 1.2 / wall).ceil() as u64
        } else {
            tasks * 4
        };
        tasks = next.clamp(tasks + 1, batch_time::MAX_TASKS);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::config::defaults;
    use crate::exec::fake::FakeExecutor;

    fn config(argv: &[&str]) -> (RunConfig, MachineInfo) {
        let m = crate::testdata::machine(2);
        (crate::config::test_config(argv, &m).unwrap(), m)
    }

    fn settle_with(argv: &[&str], task_s: f64) -> anyhow::Result<Design> {
        let (c, m) = config(argv);
        let mut fake = FakeExecutor::new(2, task_s, 1);
        fake.jitter = 0.0;
        let w = c.execution.build();
        settle(&c, &m, &mut fake, &w, &CancelToken::new())
    }

    #[test]
    fn the_default_is_sized_per_count_and_budgeted_by_rounds() {
        let d = settle_with(&[], 0.004).unwrap();
        // 0.5 s at 4 ms a task: 125 tasks per worker, so every batch lasts half a second.
        assert_eq!(d.tasks.per_worker(), Some(125));
        assert_eq!(d.tasks_at(1), 125);
        assert_eq!(d.tasks_at(2), 250);
        assert_eq!(d.tasks_at(8) % 8, 0);
        let choice = d.tasks_choice.clone().unwrap();
        assert_eq!(choice.method, TasksMethod::Calibrated);
        assert!((choice.task_s.unwrap() - 0.004).abs() < 1e-9);
        assert_eq!(choice.per_worker, Some(125));
        assert_eq!(d.repetitions.get(), defaults::BASE_ROUNDS);
        // Six counts of half-second batches: 3 s a round, and the budget holds 12 of them.
        let budget = d.adaptive.unwrap().budget;
        assert!(!budget.given());
        let s = budget.limit().as_secs_f64();
        assert!((s - 36.0).abs() < 1.0, "{s}");
    }

    #[test]
    fn long_tasks_raise_the_default_budget_with_the_round() {
        // Tasks of half a second: one per worker, and 8 workers on 2 CPUs take four.
        let d = settle_with(&[], 0.5).unwrap();
        assert_eq!(d.tasks.per_worker(), Some(1));
        let round = 0.5 * (1.0 + 1.0 + 1.5 + 2.0 + 3.0 + 4.0);
        let s = d.adaptive.unwrap().budget.limit().as_secs_f64();
        assert!((s - 12.0 * round).abs() < 1e-6, "{s}");
    }

    #[test]
    fn a_short_given_budget_plans_only_the_rounds_it_holds() {
        // Six half-second batches a round: 8 s holds 2 rounds.
        let d = settle_with(&["--max-time", "8s"], 0.004).unwrap();
        assert_eq!(d.repetitions.get(), 2);
        let d = settle_with(&["--max-time", "90s"], 0.004).unwrap();
        assert_eq!(d.repetitions.get(), defaults::BASE_ROUNDS);
    }

    #[test]
    fn given_tasks_and_fixed_designs_are_left_alone() {
        let (c, _) = config(&["--tasks", "40", "-r", "4"]);
        let d = settle_with(&["--tasks", "40", "-r", "4"], 0.004).unwrap();
        assert_eq!(d, c.design);
        assert_eq!((d.tasks_at(3), d.repetitions.get()), (40, 4));
        assert_eq!(d.tasks_choice.unwrap().method, TasksMethod::Given);
    }

    #[test]
    fn a_budget_below_one_round_is_refused_naming_the_flag() {
        let e = settle_with(&["--max-time", "2s"], 0.004).unwrap_err();
        assert!(e.downcast_ref::<crate::error::UsageError>().is_some());
        assert!(
            e.to_string()
                .starts_with("--max-time 2s is below what one round needs"),
            "{e}"
        );
    }

    #[test]
    fn tasks_too_short_for_the_batch_time_are_refused() {
        let e = settle_with(&[], 1e-10).unwrap_err();
        assert!(
            e.to_string()
                .starts_with("--tasks: the calibration cannot reach"),
            "{e}"
        );
    }
}

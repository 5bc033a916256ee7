//! The calibration of `plateau run`: before anything is measured, time the task on one worker
//! (batches of 1, 2, 4, ... tasks until one lasts a quarter of a second), size the batch by
//! time (`config::batch_time`), and fit the default design into its budget. Errors are usage
//! errors naming the flag, raised before any measured batch.

use crate::cancel::CancelToken;
use crate::config::RunConfig;
use crate::config::batch_time::{self, Sizing};
use crate::config::design::Design;
use crate::error::usage;
use crate::exec::{BatchSpec, Executor};
use crate::model::{MachineInfo, TasksChoice, TasksMethod};
use crate::workload::SharedWorkload;
use std::num::{NonZeroU32, NonZeroU64, NonZeroUsize};
use std::time::{Duration, Instant};

/// A calibration batch this long gives the time of one task.
const LONG_ENOUGH_S: f64 = 0.25;

/// The design the sweep follows: `config`'s own, or, when its task count is calibrated, the
/// settled task count and the default adaptive design fitted to it: a budget the user chose
/// (`robust.max_time_given`) is refused when one round does not fit, a default one raised.
pub fn settle(
    config: &RunConfig,
    machine: &MachineInfo,
    executor: &mut dyn Executor,
    workload: &SharedWorkload,
    cancel: &CancelToken,
) -> anyhow::Result<Design> {
    let planned = Design::planned(config);
    if config.sizing != Sizing::Calibrate {
        return Ok(planned);
    }
    let capacity = crate::machine::capacity(machine);
    let period = crate::machine::quota_period(machine).map(|p| p.as_secs_f64());
    let target = batch_time::target_batch_s(period);
    let started = Instant::now();
    let task_s = time_one_task(config, executor, workload, cancel)?;
    let plan = config.worker_counts();
    let tasks = batch_time::calibrated_tasks(task_s, target, capacity, &plan).map_err(usage)?;
    let calibrated = Design {
        tasks: NonZeroU64::new(tasks).unwrap_or(NonZeroU64::MIN),
        tasks_choice: Some(TasksChoice {
            method: TasksMethod::Calibrated,
            task_s: Some(task_s),
            target_batch_s: Some(target),
            capacity_cpus: Some(capacity),
            calibration_s: Some(started.elapsed().as_secs_f64()),
            max_imbalance: batch_time::max_imbalance(tasks, &plan),
        }),
        ..planned
    };
    let round_s = batch_time::round_estimate_s(tasks, task_s, &plan, capacity);
    fit_budget(
        calibrated,
        round_s,
        plan.len(),
        config.warmup,
        config.robust.max_time_given,
    )
}

/// The adaptive budget and base rounds fitted to one round of `round_s` seconds over `counts`
/// worker counts: a default budget below one round (warmup included) is raised, a given one
/// refused; the default design gets as many base rounds as the budget holds, up to
/// `DEFAULT_BASE_ROUNDS`.
fn fit_budget(
    design: Design,
    round_s: f64,
    counts: usize,
    warmup: u32,
    max_time_given: bool,
) -> anyhow::Result<Design> {
    let Some(mut a) = design.adaptive else {
        return Ok(design);
    };
    let budget = a.max_time.as_secs_f64();
    let need = round_s * f64::from(warmup + 1);
    if need > budget {
        if max_time_given {
            return Err(usage(format!(
                "--max-time {:.0}s is below what one round needs here (about {need:.0} s for {} worker counts at {} tasks per batch); give at least {:.0}s, or fewer --workers",
                budget,
                counts,
                design.tasks,
                need.ceil() + 1.0
            )));
        }
        a.max_time = Duration::from_secs_f64(need * 1.5);
    }
    let mut repetitions = design.repetitions;
    if a.by_default {
        let fit = ((a.max_time.as_secs_f64() / round_s).floor() as u32).saturating_sub(warmup);
        let base = fit.clamp(1, batch_time::DEFAULT_BASE_ROUNDS);
        repetitions = NonZeroU32::new(base).unwrap_or(NonZeroU32::MIN);
    }
    Ok(Design {
        adaptive: Some(a),
        repetitions,
        ..design
    })
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
    fn the_default_is_sized_by_time_and_fits_the_budget() {
        let c = settle_with(&[], 0.004).unwrap();
        let tasks = c.tasks.get();
        // The shortest batch (2 workers on 2 CPUs) lasts at least half a second.
        assert!(
            tasks as f64 * 0.004 / 2.0 >= batch_time::MIN_BATCH_S,
            "{tasks}"
        );
        let choice = c.tasks_choice.unwrap();
        assert_eq!(choice.method, TasksMethod::Calibrated);
        assert!((choice.task_s.unwrap() - 0.004).abs() < 1e-9);
        assert!(choice.max_imbalance <= 0.05 + 1e-12);
        assert_eq!(c.repetitions.get(), batch_time::DEFAULT_BASE_ROUNDS);
    }

    #[test]
    fn a_default_budget_below_one_round_is_raised_to_fit() {
        let (c, _) = config(&[]);
        let planned = c.robust.adaptive.unwrap().max_time;
        // Tasks of half a second: one round of the 6 counts takes over a minute.
        let d = settle_with(&[], 0.5).unwrap();
        let round = batch_time::round_estimate_s(d.tasks.get(), 0.5, &c.worker_counts(), 2.0);
        let raised = d.adaptive.unwrap().max_time;
        assert!(raised > planned, "{raised:?} <= {planned:?}");
        assert!(
            (raised.as_secs_f64() - 1.5 * round).abs() < 1e-6,
            "{raised:?}"
        );
        assert_eq!(d.repetitions.get(), 1);
    }

    #[test]
    fn given_tasks_and_fixed_designs_are_left_alone() {
        let (c, _) = config(&["--tasks", "40", "-r", "4"]);
        assert_eq!(
            settle_with(&["--tasks", "40", "-r", "4"], 0.004).unwrap(),
            Design::planned(&c)
        );
        let c = settle_with(&["--tasks", "40", "-r", "4"], 0.004).unwrap();
        assert_eq!((c.tasks.get(), c.repetitions.get()), (40, 4));
        assert_eq!(c.tasks_choice.unwrap().method, TasksMethod::Given);
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

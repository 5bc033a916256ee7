//! `plateau run`: validate (or load the run to resume), claim the output folder, take the
//! machine lock, guard against a noisy start, sweep (saving after every round, stopping cleanly
//! on Ctrl-C), then write results.json, chart.svg, report.html and summary.md (rescuing the
//! record if results.json cannot be written) and print the table or the JSON.

use super::print_stdout;
use super::{machine_lock, noise, resume, save, signals, test_hooks};
use crate::cli::RunArgs;
use crate::clock::UtcTime;
use crate::config::RunConfig;
use crate::error::RunFailed;
use crate::exec::Executor;
use crate::model::json;
use crate::model::{
    AdaptiveConfig, ConfigRecord, MachineInfo, Point, RunInfo, RunRecord, SCHEMA_VERSION,
    StopReason, ToolInfo,
};
use crate::outdir::OutputDir;
use crate::summary::summarize_points;
use crate::sweep::adaptive::AdaptiveStop;
use crate::sweep::{BatchEvent, SweepEnd, SweepObserver, SweepSpec, rounds, run_sweep};
use crate::term::notes;
use crate::term::progress::Progress;

/// Runs a sweep from the command line's flags.
pub fn run(args: &RunArgs, command_line: Vec<String>) -> anyhow::Result<()> {
    let machine = crate::machine::detect();
    let started = UtcTime::now();
    let config = RunConfig::from_args(
        args,
        &machine,
        &started.folder_stamp(),
        command_line.clone(),
    )?;
    let (mut config, resumed, found) = match &config.robust.resume {
        Some(dir) => {
            let r = resume::load(dir, &config, &command_line, &machine)?;
            (r.config, Some(r.record), Some(r.found))
        }
        None => (config, None, None),
    };
    crate::outdir::target::check_folder(
        "--out",
        &config.out.path,
        &crate::outdir::target::RUN_OUTPUTS,
        &[],
    )?;
    // Whether this run makes the folder: then a refusal found while calibrating removes it.
    let fresh = config.out.dated || !config.out.path.exists();
    let out = save::claim_folder(&config)?;
    if let Some(found) = found.filter(|_| !config.quiet) {
        eprintln!("{found}");
    }
    let cancel = signals::install();
    let _lock = machine_lock::hold(config.robust.lock, &command_line, out.path(), &cancel)?;
    let _guard = super::executor::guard_for(&config);
    let busy = noise::guard(&machine, config.robust.wait_idle, &cancel)?;
    let prior = resumed.as_ref().map_or(&[][..], |r| &r.points[..]);
    let mut executor: Box<dyn Executor> = test_hooks::wrap(super::executor::guarded(
        &config,
        machine.memory_limit_bytes,
        prior,
    )?);
    let workload = config.workload.build();
    if resumed.is_none() {
        let settled = super::calibrate::settle(
            &mut config,
            &machine,
            executor.as_mut(),
            &workload,
            &cancel,
            args.max_time.is_some(),
        );
        if let Err(e) = settled {
            if fresh {
                out.discard_unused();
            }
            return Err(e);
        }
    }
    let capacity = crate::machine::capacity(&machine);
    let cpu_bound = crate::config::batch_time::cpu_bound(&config.workload);
    if let Some(a) = config.robust.adaptive.as_mut() {
        a.capacity_cpus = cpu_bound.then_some(capacity);
    }
    let mut record = match resumed {
        Some(r) => r,
        None => new_record(&config, machine, &started),
    };
    record.run.allow_concurrent |= config.robust.lock.allow_concurrent;
    record.machine.busy_cpus_at_start = busy;
    let mut saver = save::Saver::new(&out, &record, config.warmup + config.repetitions.get());
    saver.initial(&record);
    let spec = SweepSpec {
        workers: config.workers.clone(),
        tasks: config.tasks.get(),
        warmup: config.warmup,
        repetitions: config.repetitions.get(),
        seed: config.seed,
        schedule: config.schedule,
        pin_cpus: if config.pin {
            record.machine.allowed_cpu_ids.clone()
        } else {
            vec![]
        },
        cancel: cancel.clone(),
        adaptive: config.robust.adaptive,
        chunk: config.chunk,
        watch: Some(crate::sweep::interference::Watch {
            capacity_cpus: capacity,
            cpu_bound,
        }),
    };
    let mut planned = rounds::planned_batches(
        &record.points,
        &spec.workers,
        spec.warmup,
        spec.repetitions,
        spec.adaptive.is_some(),
    );
    // The bar spans the adaptive budget too: as many more full rounds as it should hold.
    let padded = budget_rounds(&config, &planned, capacity);
    for _ in 0..padded {
        planned.extend(config.worker_counts());
    }
    let mut observer = RunObserver {
        progress: Progress::for_batches(&planned, record.machine.effective_cpus, !config.quiet),
        planned_rounds: spec.rounds() + padded,
        warmup: spec.warmup,
        saver,
    };
    let outcome = run_sweep(
        &spec,
        executor.as_mut(),
        &workload,
        &mut record,
        &mut observer,
    );
    observer.progress.finish();
    if let Some(warning) = observer.saver.finish(&mut record) {
        eprintln!("{warning}");
    }

    record.run.finished_at = Some(UtcTime::now().rfc3339());
    summarize_points(&mut record.points, record.config.tasks, record.config.seed);
    record.analysis = crate::analysis::analyze(&record, &config.analysis);
    match outcome {
        Ok(end) => {
            let mut reason = stop_reason(end);
            let all_failed = super::executor::every_task_failed(&record);
            if all_failed {
                reason = StopReason::Failed;
            }
            record.run.stop_reason = Some(reason);
            record.run.interrupted = reason == StopReason::Interrupted;
            save::final_outputs(&out, &record)?;
            let notes = [
                super::executor::failed_tasks_note,
                super::executor::leftovers_note,
            ];
            for note in notes.iter().filter_map(|n| n(&record)) {
                eprintln!("{note}");
            }
            print_results(&config, &record, &out)?;
            emit_results(args.emit_results, &record)?;
            if all_failed {
                return Err(RunFailed(format!(
                    "every task failed (--keep-going recorded them all), so nothing was measured; fix the command, then rerun (what was recorded is in {})",
                    out.path().display()
                ))
                .into());
            }
            if reason == StopReason::Interrupted {
                return Err(RunFailed(format!(
                    "interrupted: {}; continue it with `plateau run --resume {}`",
                    kept(&record, &out),
                    out.path().display()
                ))
                .into());
            }
            Ok(())
        }
        Err(err) => {
            // Keep everything measured before the failure, then report it.
            record.run.interrupted = true;
            record.run.stop_reason = Some(StopReason::Failed);
            let where_ = match save::final_outputs(&out, &record) {
                Ok(()) => format!(
                    "{}; after a fix, `plateau run --resume {}` continues it",
                    kept(&record, &out),
                    out.path().display()
                ),
                Err(e) => format!("saving the points measured before it also failed: {e:#}"),
            };
            emit_results(args.emit_results, &record)?;
            // A worker that cannot start or breaks the protocol is bad input, not a failed run.
            if let crate::exec::BatchError::BadWorker(why) = &err.source {
                let measured = record.points.iter().any(|p| !p.samples.is_empty());
                return Err(crate::error::usage(match measured {
                    false => format!("the worker cannot run, so nothing was measured: {why}"),
                    true => format!("the worker broke the protocol {err}; {where_}"),
                }));
            }
            Err(RunFailed(format!("the workload failed {err}; {where_}")).into())
        }
    }
}

/// Full rounds the adaptive budget holds beyond the planned batches (0 for a fixed design or
/// when the time of a task is unknown), so the progress bar's ETA counts the budget.
fn budget_rounds(config: &RunConfig, planned: &[usize], capacity: f64) -> u32 {
    let (Some(a), Some(task_s)) = (
        config.robust.adaptive,
        config.tasks_choice.as_ref().and_then(|c| c.task_s),
    ) else {
        return 0;
    };
    let plan = config.worker_counts();
    let tasks = config.tasks.get();
    let round = crate::config::batch_time::round_estimate_s(tasks, task_s, &plan, capacity);
    let done = crate::config::batch_time::round_estimate_s(tasks, task_s, planned, capacity);
    let left = a.max_time.as_secs_f64() - done;
    if round > 0.0 && left > round {
        (left / round).floor() as u32
    } else {
        0
    }
}

/// Why the sweep ended, as results.json records it.
fn stop_reason(end: SweepEnd) -> StopReason {
    match end {
        SweepEnd::Completed => StopReason::Completed,
        SweepEnd::Stopped => StopReason::Interrupted,
        SweepEnd::Adaptive(AdaptiveStop::TargetMet) => StopReason::TargetCiMet,
        SweepEnd::Adaptive(AdaptiveStop::MaxTime) => StopReason::MaxTime,
        SweepEnd::Adaptive(AdaptiveStop::MaxSamples) => StopReason::MaxSamples,
    }
}

/// "the N worker counts measured so far (S batches) are saved in DIR/results.json".
fn kept(record: &RunRecord, out: &OutputDir) -> String {
    let counts = record
        .points
        .iter()
        .filter(|p| !p.samples.is_empty())
        .count();
    let batches: usize = record.points.iter().map(|p| p.samples.len()).sum();
    let file = out.path().join("results.json");
    if batches == 0 {
        return format!(
            "no batch had finished yet; the run's settings are saved in {}",
            file.display()
        );
    }
    format!(
        "the {counts} worker counts measured so far ({batches} batches) are saved in {}",
        file.display()
    )
}

/// The table and notes (or the JSON) on stdout; with `--json`, notes go to stderr.
fn print_results(config: &RunConfig, record: &RunRecord, out: &OutputDir) -> anyhow::Result<()> {
    let notes = notes::render(record);
    if config.json {
        print_stdout(&String::from_utf8_lossy(&json::render(record)))?;
        for n in &notes {
            eprintln!("{n}");
        }
    } else if !config.quiet {
        print_stdout(&super::written_text(record, &notes, out))?;
    }
    Ok(())
}

/// With `--emit-results`: results.json on stdout between the marker lines `fleet collect` reads.
fn emit_results(emit: bool, record: &RunRecord) -> anyhow::Result<()> {
    if emit {
        let text = String::from_utf8_lossy(&json::render(record)).into_owned();
        print_stdout(&crate::fleet::marked::wrap(&text))?;
    }
    Ok(())
}

/// The `config` object of results.json for a validated config.
pub(crate) fn config_record(config: &RunConfig) -> ConfigRecord {
    let workload = config.workload.build();
    ConfigRecord {
        workload: workload.describe(),
        mode: config.mode.as_str().into(),
        tasks: config.tasks.get(),
        workers: config.worker_counts(),
        repetitions: config.repetitions.get(),
        warmup: config.warmup,
        schedule: config.schedule.as_str().into(),
        pin: config.pin,
        seed: config.seed,
        adaptive: config.robust.adaptive.map(|a| AdaptiveConfig {
            target_ci: a.target,
            max_time_s: a.max_time.as_secs_f64(),
            by_default: a.by_default,
        }),
        tasks_choice: config.tasks_choice.clone(),
    }
}

pub(crate) fn new_record(config: &RunConfig, machine: MachineInfo, started: &UtcTime) -> RunRecord {
    RunRecord {
        schema_version: SCHEMA_VERSION,
        tool: ToolInfo::current(),
        run: RunInfo {
            label: config.label.clone(),
            started_at: started.rfc3339(),
            finished_at: None,
            interrupted: false,
            price_per_hour: config.price_per_hour,
            command_line: config.command_line.clone(),
            stop_reason: None,
            resumed_at: vec![],
            allow_concurrent: false,
            sweep_state: None,
        },
        machine,
        config: config_record(config),
        points: config
            .worker_counts()
            .into_iter()
            .map(Point::unmeasured)
            .collect(),
        analysis: None,
    }
}

/// Shows progress and saves results.json after every round.
struct RunObserver<'a> {
    progress: Progress,
    planned_rounds: u32,
    warmup: u32,
    saver: save::Saver<'a>,
}

impl SweepObserver for RunObserver<'_> {
    fn round_starting(&mut self, round: u32, workers: &[usize], _warmup: bool) {
        self.saver.round_starting(round, workers);
        // Adaptive rounds come on top of the plan the bar was sized for.
        if round >= self.planned_rounds {
            self.progress.extend(workers);
        }
    }

    fn batch_starting(&mut self, round: u32, workers: usize) {
        let rounds = self.planned_rounds.max(round + 1);
        self.progress
            .starting(round, rounds, workers, round < self.warmup);
    }

    fn batch_done(&mut self, e: &BatchEvent<'_>) {
        self.progress.done(e.workers);
        self.saver.batch_done(e);
    }

    fn round_done(&mut self, record: &RunRecord) -> anyhow::Result<()> {
        self.saver.round_done(record);
        Ok(())
    }
}

//! `plateau run`: validate (or load the run to resume), claim the output folder, take the
//! machine lock, guard against a noisy start, sweep (saving after every round, stopping cleanly
//! on Ctrl-C), then write results.json, chart.svg, report.html and summary.md (rescuing the
//! record if results.json cannot be written) and print the table or the JSON.

use super::print_stdout;
use super::sweep_setup::{new_record, sweep_spec};
use super::{calibrate, machine_lock, noise, resume, save, signals, test_hooks};
use crate::cli::RunArgs;
use crate::clock::UtcTime;
use crate::config::RunConfig;
use crate::config::design::Design;
use crate::error::RunFailed;
use crate::model::json;
use crate::model::{MachineInfo, RunRecord, StopReason};
use crate::outdir::OutputDir;
use crate::summary::summarize_points;
use crate::sweep::adaptive::AdaptiveStop;
use crate::sweep::{BatchEvent, SweepEnd, SweepError, SweepObserver, SweepSpec, rounds, run_sweep};
use crate::term::notes;
use crate::term::progress::Progress;

/// Runs a sweep from the command line's flags.
pub fn run(args: &RunArgs, command_line: Vec<String>) -> anyhow::Result<()> {
    let machine = crate::machine::detect();
    if let Some(plan) = super::sizes::plan(args, &machine)? {
        return super::sizes::run(args, plan, machine, command_line);
    }
    let started = UtcTime::now();
    let (config, resumed) = configure(args, &machine, &started, &command_line)?;
    // Before the folder, the calibration or any batch: the largest pool must fit the host.
    let machine = super::host_limits::checked(&[&config], machine)?;
    // Whether this run makes the folder: then a refusal found while calibrating removes it.
    let fresh = config.out.dated || !config.out.path.exists();
    let out = save::claim_folder(&config)?;
    if let Some(r) = resumed.as_ref().filter(|_| !config.quiet) {
        eprintln!("{}", r.found);
    }
    let cancel = signals::install();
    let _lock = machine_lock::hold(config.robust.lock, &command_line, out.path(), &cancel)?;
    let _guard = super::executor::guard_for(&config);
    let busy = noise::guard(&machine, config.robust.wait_idle, &cancel)?;
    let prior = resumed.as_ref().map_or(&[][..], |r| &r.record.points[..]);
    let guarded = super::executor::guarded(&config, machine.memory_limit_bytes, prior)?;
    let mut executor = test_hooks::wrap(guarded);
    let workload = config.execution.build();
    let settled = calibrate::settle(&config, &machine, executor.as_mut(), &workload, &cancel);
    let design = match settled {
        Ok(design) => design,
        Err(e) => {
            if fresh {
                out.discard_unused();
            }
            return Err(e);
        }
    };
    let capacity = crate::machine::capacity(&machine);
    let mut record = start_record(&config, &design, resumed, machine, &started, busy);
    let spec = sweep_spec(
        &config,
        &design,
        &record.machine.allowed_cpu_ids,
        capacity,
        &cancel,
    );
    let mut observer = RunObserver::new(&config, &design, &spec, &record, capacity, &out);
    let outcome = run_sweep(
        &spec,
        executor.as_mut(),
        &workload,
        &mut record,
        &mut observer,
    );
    observer.finish(&mut record);
    conclude(&config, &out, record, outcome)
}

/// This run's validated config and, when it resumes one, the recorded run's config instead
/// with its record so far.
fn configure(
    args: &RunArgs,
    machine: &MachineInfo,
    started: &UtcTime,
    command_line: &[String],
) -> anyhow::Result<(RunConfig, Option<resume::Resumed>)> {
    let config = RunConfig::from_args(
        args,
        machine,
        &started.folder_stamp(),
        command_line.to_vec(),
    )?;
    let Some(dir) = &config.robust.resume else {
        return Ok((config, None));
    };
    let (resumed_config, resumed) = resume::load(dir, &config, command_line, machine)?;
    Ok((resumed_config, Some(resumed)))
}

/// The record the sweep fills: the resumed run's so far, or a new one; either notes this
/// session's lock policy and the CPUs busy at its start.
fn start_record(
    config: &RunConfig,
    design: &Design,
    resumed: Option<resume::Resumed>,
    machine: MachineInfo,
    started: &UtcTime,
    busy: Option<f64>,
) -> RunRecord {
    let mut record = match resumed {
        Some(r) => r.record,
        None => new_record(config, design, machine, started),
    };
    record.run.allow_concurrent |= config.robust.lock.allow_concurrent;
    record.machine.busy_cpus_at_start = busy;
    record
}

/// Ends the run: summaries and the analysis into the record, the outputs written, and the
/// exit the sweep's end calls for.
fn conclude(
    config: &RunConfig,
    out: &OutputDir,
    mut record: RunRecord,
    outcome: Result<SweepEnd, SweepError>,
) -> anyhow::Result<()> {
    record.run.finished_at = Some(UtcTime::now().rfc3339());
    summarize_points(&mut record.points, record.config.tasks, record.config.seed);
    record.analysis = crate::analysis::analyze(&record, &config.analysis);
    match outcome {
        Ok(end) => completed(config, out, &mut record, end),
        Err(err) => failed(config, out, &mut record, err),
    }
}

/// A sweep that ended without error: saved and printed; a run where every task failed, or
/// one interrupted, still exits as failed, saying how to continue.
fn completed(
    config: &RunConfig,
    out: &OutputDir,
    record: &mut RunRecord,
    end: SweepEnd,
) -> anyhow::Result<()> {
    let mut reason = stop_reason(end);
    let all_failed = super::executor::every_task_failed(record);
    if all_failed {
        reason = StopReason::Failed;
    }
    record.run.stop_reason = Some(reason);
    record.run.interrupted = reason == StopReason::Interrupted;
    save::final_outputs(out, record)?;
    for note in notes::end_of_run(record) {
        eprintln!("{note}");
    }
    print_results(config, record, out)?;
    emit_results(config.emit_results, record)?;
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
            kept(record, out),
            out.path().display()
        ))
        .into());
    }
    Ok(())
}

/// A batch failed: everything measured before it is kept, then the failure is reported.
fn failed(
    config: &RunConfig,
    out: &OutputDir,
    record: &mut RunRecord,
    err: SweepError,
) -> anyhow::Result<()> {
    record.run.interrupted = true;
    record.run.stop_reason = Some(StopReason::Failed);
    // A task that failed before any timed batch: no count to blame, nothing to resume.
    if let crate::exec::BatchError::Trial(_) = &err.source {
        let saved = save::final_outputs(out, record).err();
        emit_results(config.emit_results, record)?;
        let note = saved.map_or(String::new(), |e| {
            format!(" (saving the run also failed: {e:#})")
        });
        return Err(RunFailed(format!(
            "the workload failed {}, so nothing was measured; fix it and run again{note}",
            err.source
        ))
        .into());
    }
    let where_ = match save::final_outputs(out, record) {
        Ok(()) => format!(
            "{}; after a fix, `plateau run --resume {}` continues it",
            kept(record, out),
            out.path().display()
        ),
        Err(e) => format!("saving the points measured before it also failed: {e:#}"),
    };
    emit_results(config.emit_results, record)?;
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

/// Full rounds the adaptive budget holds beyond the planned batches (0 for a fixed design or
/// when the time of a task is unknown), so the progress bar's ETA counts the budget.
fn budget_rounds(config: &RunConfig, design: &Design, planned: &[usize], capacity: f64) -> u32 {
    let (Some(a), Some(task_s)) = (
        design.adaptive,
        design.tasks_choice.as_ref().and_then(|c| c.task_s),
    ) else {
        return 0;
    };
    let plan = config.worker_counts();
    let tasks = &design.tasks;
    let round = crate::config::batch_time::round_estimate_s(tasks, task_s, &plan, capacity);
    let done = crate::config::batch_time::round_estimate_s(tasks, task_s, planned, capacity);
    let left = a.budget.limit().as_secs_f64() - done;
    if round > 0.0 && left > round {
        (left / round).floor() as u32
    } else {
        0
    }
}

/// Why the sweep ended, as results.json records it.
pub(crate) fn stop_reason(end: SweepEnd) -> StopReason {
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

/// Shows progress and saves results.json after every round.
struct RunObserver<'a> {
    progress: Progress,
    planned_rounds: u32,
    warmup: u32,
    saver: save::Saver<'a>,
}

impl<'a> RunObserver<'a> {
    /// The progress bar over the batches `spec` plans for `record`, padded with the full
    /// rounds the adaptive budget should hold, and the saver into `out`, which saves the
    /// record at once.
    fn new(
        config: &RunConfig,
        design: &Design,
        spec: &SweepSpec,
        record: &RunRecord,
        capacity: f64,
        out: &'a OutputDir,
    ) -> Self {
        let mut saver = save::Saver::new(out, record, design.warmup + design.repetitions.get());
        saver.initial(record);
        let mut planned = rounds::planned_batches(
            &record.points,
            &spec.workers,
            spec.design.warmup,
            spec.design.repetitions.get(),
            spec.design.adaptive.is_some(),
        );
        // The bar spans the adaptive budget too: as many more full rounds as it should hold.
        let padded = budget_rounds(config, design, &planned, capacity);
        for _ in 0..padded {
            planned.extend(config.worker_counts());
        }
        Self {
            progress: Progress::for_batches(&planned, record.machine.effective_cpus, !config.quiet),
            planned_rounds: spec.rounds() + padded,
            warmup: spec.design.warmup,
            saver,
        }
    }

    /// The sweep ended: the bar closes, and the sweep's position goes into the record, with a
    /// warning when saves failed.
    fn finish(self, record: &mut RunRecord) {
        self.progress.finish();
        if let Some(warning) = self.saver.finish(record) {
            eprintln!("{warning}");
        }
    }
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

    fn round_done(&mut self, record: &RunRecord) {
        self.saver.round_done(record);
    }
}

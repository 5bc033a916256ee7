//! `plateau run`: validate (or load the run to resume), prepare the output folder, guard against
//! a noisy start, sweep (saving after every round, stopping cleanly on Ctrl-C), then write
//! results.json, chart.svg, report.html and summary.md and print the table or the JSON.

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
    let (config, mut record) = match &config.robust.resume {
        Some(dir) => {
            let r = resume::load(dir, &config, &command_line, &machine)?;
            (r.config, r.record)
        }
        None => {
            let record = new_record(&config, machine, &started);
            (config, record)
        }
    };
    let out = save::claim_folder(&config)?;
    record.run.allow_concurrent |= config.robust.lock.allow_concurrent;
    let cancel = signals::install();
    let _lock = machine_lock::hold(config.robust.lock, &command_line, out.path(), &cancel)?;
    let mut saver = save::Saver::new(&out, &record, config.warmup + config.repetitions.get());
    saver.initial(&record);
    record.machine.busy_cpus_at_start =
        noise::guard(&record.machine, config.robust.wait_idle, &cancel)?;
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
    };
    let _guard = super::executor::guard_for(&config);
    let mut executor: Box<dyn Executor> =
        test_hooks::wrap(super::executor::guarded(&config, &record)?);
    let workload = config.workload.build();
    let planned = rounds::planned_batches(
        &record.points,
        &spec.workers,
        spec.warmup,
        spec.repetitions,
        spec.adaptive.is_some(),
    );
    let mut observer = RunObserver {
        progress: Progress::for_batches(&planned, record.machine.effective_cpus, !config.quiet),
        planned_rounds: spec.rounds(),
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
            let reason = stop_reason(end);
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
        }),
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

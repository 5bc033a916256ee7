//! `plateau run`: validate, prepare the output folder, sweep (saving after every round),
//! then write results.json and chart.svg and print the table or the JSON.

use super::print_stdout;
use crate::cli::RunArgs;
use crate::clock::UtcTime;
use crate::config::RunConfig;
use crate::error::RunFailed;
use crate::exec::Executor;
use crate::model::{
    ConfigRecord, MachineInfo, Point, RunInfo, RunRecord, SCHEMA_VERSION, ToolInfo,
};
use crate::report::{chart, json, outdir::OutputDir, progress::Progress, table};
use crate::summary::summarize_points;
use crate::sweep::{BatchEvent, SweepEnd, SweepObserver, SweepSpec, run_sweep};

/// Runs a sweep from the command line's flags.
pub fn run(args: &RunArgs, command_line: Vec<String>) -> anyhow::Result<()> {
    let machine = crate::machine::detect();
    let started = UtcTime::now();
    let config = RunConfig::from_args(args, &machine, &started.folder_stamp(), command_line)?;
    let out = OutputDir::prepare(&config.out)?;
    let mut record = new_record(&config, machine, &started);
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
        cancel: crate::cancel::CancelToken::new(),
        chunk: config.chunk,
    };
    let mut executor: Box<dyn Executor> = super::executor::for_config(&config)?;
    let workload = config.workload.build();
    let mut observer = RunObserver {
        progress: Progress::new(
            &config.worker_counts(),
            spec.rounds(),
            record.machine.effective_cpus,
            !config.quiet,
        ),
        out: &out,
        save_error: None,
    };
    let outcome = run_sweep(
        &spec,
        executor.as_mut(),
        &workload,
        &mut record,
        &mut observer,
    );
    observer.progress.finish();
    if let Some(e) = observer.save_error.take() {
        eprintln!("warning: saving results.json during the sweep failed: {e:#}");
    }

    record.run.finished_at = Some(UtcTime::now().rfc3339());
    summarize_points(&mut record.points, record.config.tasks, record.config.seed);
    match outcome {
        Ok(end) => {
            record.run.interrupted = end == SweepEnd::Stopped;
            write_outputs(&out, &record)?;
            if let Some(note) = super::executor::failed_tasks_note(&record) {
                eprintln!("{note}");
            }
            if config.json {
                print_stdout(&String::from_utf8_lossy(&json::render(&record)))?;
            } else if !config.quiet {
                print_stdout(&format!(
                    "{}\n{}\n\nWrote {}/results.json and chart.svg\n",
                    table::render(&record),
                    table::summary_line(&record),
                    out.path().display()
                ))?;
            }
            Ok(())
        }
        Err(err) => {
            // Keep everything measured before the failure, then report it.
            record.run.interrupted = true;
            let saved = write_outputs(&out, &record);
            let kept = record
                .points
                .iter()
                .filter(|p| !p.samples.is_empty())
                .count();
            let where_ = match saved {
                Ok(()) => format!(
                    "the {kept} worker counts measured before it are saved in {}",
                    out.path().display()
                ),
                Err(e) => format!("saving the points measured before it also failed: {e:#}"),
            };
            Err(RunFailed(format!("the workload failed {err}; {where_}")).into())
        }
    }
}

/// Writes results.json and chart.svg from the record as it stands.
fn write_outputs(out: &OutputDir, record: &RunRecord) -> anyhow::Result<()> {
    out.write("results.json", &json::render(record))?;
    out.write("chart.svg", chart::render(record)?.as_bytes())?;
    Ok(())
}

fn new_record(config: &RunConfig, machine: MachineInfo, started: &UtcTime) -> RunRecord {
    let workload = config.workload.build();
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
        },
        machine,
        config: ConfigRecord {
            workload: workload.describe(),
            mode: config.mode.as_str().into(),
            tasks: config.tasks.get(),
            workers: config.worker_counts(),
            repetitions: config.repetitions.get(),
            warmup: config.warmup,
            schedule: config.schedule.as_str().into(),
            pin: config.pin,
            seed: config.seed,
        },
        points: config
            .worker_counts()
            .into_iter()
            .map(|workers| Point {
                workers,
                samples: vec![],
                summary: None,
            })
            .collect(),
        analysis: None,
    }
}

/// Shows progress and saves results.json after every round.
struct RunObserver<'a> {
    progress: Progress,
    out: &'a OutputDir,
    save_error: Option<anyhow::Error>,
}

impl SweepObserver for RunObserver<'_> {
    fn batch_starting(&mut self, round: u32, workers: usize) {
        let _ = (round, workers);
    }

    fn batch_done(&mut self, e: &BatchEvent<'_>) {
        self.progress.done(e.workers);
        if e.done < e.total {
            self.progress
                .starting(e.round, e.rounds, e.workers, e.warmup);
        }
    }

    fn round_done(&mut self, record: &RunRecord) -> anyhow::Result<()> {
        if let Err(e) = self.out.write("results.json", &json::render(record)) {
            self.save_error.get_or_insert(e);
        }
        Ok(())
    }
}

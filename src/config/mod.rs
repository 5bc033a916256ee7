//! Validated settings: raw CLI flags become a `RunConfig` here, once. Every bad flag of `run` is
//! refused in this module or its submodules, before anything is measured (the folder given to
//! `--resume` is checked by `app::resume`, which reads it).

pub mod analyze;
pub mod batch_time;
pub mod command;
pub mod compare;
pub mod gate;
pub mod persistent;
pub mod report;
pub mod robust;
pub mod shell_words;
pub mod workers;
pub mod workload;

use crate::cli::{Mode, RunArgs};
use crate::error::usage;
use crate::exec::Schedule;
use crate::exec::chunking::Chunking;
use crate::exec::command::{CommandSpec, CommandWorkload};
use crate::model::MachineInfo;
use crate::workload::{SharedWorkload, cpu::CpuWorkload};
use crate::workload::{
    contended::ContendedWorkload, io::IoWorkload, memory::MemoryWorkload, tiny::TinyWorkload,
};
use std::num::{NonZeroU32, NonZeroU64, NonZeroUsize};
use std::path::PathBuf;
use std::sync::Arc;

/// The workload and its validated parameters.
#[derive(Debug, Clone, PartialEq)]
pub enum WorkloadSpec {
    /// The cpu task with this many iterations per task.
    Cpu {
        /// Iterations per task.
        iterations: NonZeroU64,
    },
    /// Each task streams a buffer of this many bytes.
    Memory {
        /// Buffer size in bytes.
        buffer_bytes: NonZeroU64,
    },
    /// Each task blocks this long, then does a little CPU work.
    Io {
        /// Milliseconds each task blocks.
        io_ms: NonZeroU64,
    },
    /// Each task makes this many locked updates of one shared counter.
    Contended {
        /// Updates per task.
        updates: NonZeroU64,
    },
    /// Tasks of about `work_ns` nanoseconds.
    Tiny {
        /// Requested nanoseconds of work per task (0 for none).
        work_ns: u64,
        /// Kernel iterations that take about `work_ns` here, calibrated once.
        iterations: u64,
    },
    /// The user's command, once per task.
    Command(CommandSpec),
    /// The user's command as long-lived workers fed over the worker protocol.
    Persistent(crate::exec::persistent::PersistentSpec),
}

impl WorkloadSpec {
    /// Builds the workload the executor runs.
    pub fn build(&self) -> SharedWorkload {
        match self {
            WorkloadSpec::Cpu { iterations } => Arc::new(CpuWorkload::new(iterations.get())),
            WorkloadSpec::Memory { buffer_bytes } => {
                Arc::new(MemoryWorkload::new(buffer_bytes.get()))
            }
            WorkloadSpec::Io { io_ms } => Arc::new(IoWorkload::new(
                io_ms.get(),
                crate::workload::io::CPU_ITERATIONS,
            )),
            WorkloadSpec::Contended { updates } => Arc::new(ContendedWorkload::new(updates.get())),
            WorkloadSpec::Tiny {
                work_ns,
                iterations,
            } => Arc::new(TinyWorkload::new(*work_ns, *iterations)),
            WorkloadSpec::Command(c) => Arc::new(CommandWorkload::new(c.clone())),
            WorkloadSpec::Persistent(p) => {
                Arc::new(crate::exec::persistent::PersistentWorkload::new(p.clone()))
            }
        }
    }
}

/// Where the outputs go.
#[derive(Debug, Clone, PartialEq)]
pub struct OutDir {
    /// The folder.
    pub path: PathBuf,
    /// True for the default dated folder, which is marked ignored for git.
    pub dated: bool,
}

/// A validated `plateau run`.
#[derive(Debug, Clone)]
pub struct RunConfig {
    /// What each task does.
    pub workload: WorkloadSpec,
    /// The worker counts, ascending, always including 1.
    pub workers: Vec<NonZeroUsize>,
    /// Tasks per batch.
    pub tasks: NonZeroU64,
    /// Kept batches per worker count.
    pub repetitions: NonZeroU32,
    /// Discarded batches per worker count.
    pub warmup: u32,
    /// Execution model.
    pub mode: Mode,
    /// How tasks are handed out.
    pub schedule: Schedule,
    /// Pin worker i to allowed CPU i modulo their count.
    pub pin: bool,
    /// Tasks per claim under the dynamic schedule.
    pub chunk: Chunking,
    /// Seed of the shuffles and the bootstrap.
    pub seed: u64,
    /// Where the outputs go.
    pub out: OutDir,
    /// The run's name.
    pub label: String,
    /// USD per hour, when given.
    pub price_per_hour: Option<f64>,
    /// Print results.json on stdout.
    pub json: bool,
    /// No progress bar, no table.
    pub quiet: bool,
    /// The command line as typed.
    pub command_line: Vec<String>,
    /// How the analysis judges the curve.
    pub analysis: crate::analysis::AnalysisOptions,
    /// Adaptive repetitions, waiting for quiet, resuming.
    pub robust: robust::RobustSettings,
    /// How `tasks` is (to be) chosen; `app::calibrate` settles a `Calibrate` before measuring.
    pub sizing: batch_time::Sizing,
    /// How `tasks` was chosen, for results.json.
    pub tasks_choice: Option<crate::model::TasksChoice>,
}

impl RunConfig {
    /// Validates `args` against the machine. `now_stamp` names the default dated folder.
    pub fn from_args(
        args: &RunArgs,
        machine: &MachineInfo,
        now_stamp: &str,
        command_line: Vec<String>,
    ) -> anyhow::Result<Self> {
        let mut workers = match &args.workers {
            Some(spec) => workers::parse_workers(spec).map_err(usage)?,
            None => crate::plan::default_plan(machine)
                .into_iter()
                .filter_map(NonZeroUsize::new)
                .collect(),
        };
        // Speedup and efficiency are relative to one worker, so it is always measured.
        if workers.first().map(|w| w.get()) != Some(1) {
            workers.insert(0, NonZeroUsize::MIN);
        }
        let analysis = analyze::analysis_options(&args.analysis);
        let robust = robust::validate(args, machine, &workers, &analysis)?;
        let plain: Vec<usize> = workers.iter().map(|w| w.get()).collect();
        let tasks = match args.tasks {
            Some(0) => {
                return Err(usage(
                    "--tasks must be at least 1: it is the number of tasks each batch runs",
                ));
            }
            Some(t) => t,
            None => crate::plan::default_tasks(&plain),
        };
        let iterations = NonZeroU64::new(
            args.iterations
                .unwrap_or(crate::workload::cpu::DEFAULT_ITERATIONS),
        )
        .ok_or_else(|| {
            usage("--iterations must be at least 1: it is the loop length of each cpu task (default 10000000)")
        })?;
        let adaptive_default = robust.adaptive.is_some_and(|a| a.by_default);
        let repetitions = NonZeroU32::new(args.repetitions.unwrap_or(if adaptive_default {
            batch_time::DEFAULT_BASE_ROUNDS
        } else {
            5
        }))
        .ok_or_else(|| {
            usage("--repetitions must be at least 1: it is how many measured batches each worker count gets (default 5)")
        })?;
        let (workload, mode) = workload::workload_and_mode(args, machine, iterations)?;
        let sizing = batch_time::sizing(args.tasks.is_some(), &workload);
        let tasks_choice = Some(batch_time::count_choice(
            args.tasks.is_some(),
            tasks,
            &plain,
        ));
        workload::check_memory_fits(&workload, mode, &workers, machine)?;
        let chunk = workload::chunking(args, mode)?;
        let out = match &args.out {
            Some(p) => OutDir {
                path: p.clone(),
                dated: false,
            },
            None => OutDir {
                path: PathBuf::from("reports")
                    .join(format!("{now_stamp}_{}", workload_name(&workload))),
                dated: true,
            },
        };
        Ok(Self {
            workload,
            workers,
            tasks: NonZeroU64::new(tasks).expect("checked above"),
            repetitions,
            warmup: args.warmup.unwrap_or(
                if adaptive_default && sizing == batch_time::Sizing::Calibrate {
                    0
                } else {
                    1
                },
            ),
            mode,
            schedule: args.schedule,
            pin: args.pin,
            chunk,
            seed: args.seed.unwrap_or_else(crate::rng::fresh_seed),
            out,
            label: args
                .label
                .clone()
                .unwrap_or_else(|| machine.hostname.clone()),
            price_per_hour: args.price_per_hour.map(crate::limits::Price::usd_per_hour),
            json: args.json,
            quiet: args.quiet,
            command_line,
            analysis,
            robust,
            sizing,
            tasks_choice,
        })
    }

    /// The worker counts as plain numbers.
    pub fn worker_counts(&self) -> Vec<usize> {
        self.workers.iter().map(|w| w.get()).collect()
    }
}

fn workload_name(w: &WorkloadSpec) -> &'static str {
    match w {
        WorkloadSpec::Cpu { .. } => "cpu",
        WorkloadSpec::Memory { .. } => "memory",
        WorkloadSpec::Io { .. } => "io",
        WorkloadSpec::Contended { .. } => "contended",
        WorkloadSpec::Tiny { .. } => "tiny",
        WorkloadSpec::Command(_) | WorkloadSpec::Persistent(_) => "command",
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::cli::{Cli, Command};
    use clap::Parser;

    fn machine() -> MachineInfo {
        let mut m = crate::machine::detect();
        m.logical_cpus = 2;
        m.physical_cores = 2;
        m.effective_cpus = 2;
        m.hostname = "box".into();
        m
    }

    fn config(argv: &[&str]) -> anyhow::Result<RunConfig> {
        let mut full = vec!["plateau", "run"];
        full.extend_from_slice(argv);
        // Ranges are checked while parsing (crate::limits): those refusals are usage errors too.
        let cli = Cli::try_parse_from(full).map_err(|e| usage(e.to_string()))?;
        let Command::Run(args) = cli.command else {
            panic!("not run")
        };
        RunConfig::from_args(&args, &machine(), "2026-01-01_000000", vec![])
    }

    #[test]
    fn defaults_follow_the_machine() {
        let c = config(&[]).unwrap();
        assert_eq!(c.worker_counts(), vec![1, 2, 3, 4, 6, 8]);
        assert!(c.tasks.get() >= 32);
        // Adaptive by default: a few base rounds, no warmup round after a calibration.
        assert_eq!(c.repetitions.get(), batch_time::DEFAULT_BASE_ROUNDS);
        assert_eq!(c.warmup, 0);
        assert_eq!(c.sizing, batch_time::Sizing::Calibrate);
        let a = c.robust.adaptive.unwrap();
        assert!(a.by_default && (a.target - 0.02).abs() < 1e-12);
        assert!(a.max_time.as_secs_f64() <= 60.0);
        let fixed = config(&["-r", "5"]).unwrap();
        assert!(fixed.robust.adaptive.is_none());
        assert_eq!((fixed.repetitions.get(), fixed.warmup), (5, 1));
        assert_eq!(c.label, "box");
        assert!(c.out.dated);
        assert!(c.out.path.starts_with("reports"));
    }

    #[test]
    fn one_worker_is_always_measured() {
        assert_eq!(
            config(&["--workers", "2,4"]).unwrap().worker_counts(),
            vec![1, 2, 4]
        );
    }

    #[test]
    fn bad_values_are_usage_errors_naming_the_flag() {
        for (argv, flag) in [
            (vec!["--workers", "0"], "--workers"),
            (vec!["--workers", "8..2"], "--workers"),
            (vec!["--workers", "abc"], "--workers"),
            (vec!["--tasks", "0"], "--tasks"),
            (vec!["--iterations", "0"], "--iterations"),
            (vec!["--repetitions", "0"], "--repetitions"),
            (vec!["--price-per-hour", "-1"], "--price-per-hour"),
            (vec!["--tolerance", "5"], "--tolerance"),
            (
                vec!["--retrograde-threshold", "x"],
                "--retrograde-threshold",
            ),
        ] {
            let err = config(&argv).unwrap_err();
            assert!(err.downcast_ref::<crate::error::UsageError>().is_some());
            let msg = err.to_string();
            assert!(
                msg.starts_with(flag) || msg.contains(&format!("for '{flag} ")),
                "{argv:?}: {err}"
            );
        }
    }
}

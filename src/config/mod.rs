//! Validated settings: raw CLI flags become a `RunConfig` here, once. Every bad flag of `run` is
//! refused in this module or its submodules, before anything is measured (the folder given to
//! `--resume` is checked by `app::resume`, which reads it).

pub mod analyze;
pub mod batch_time;
pub mod command;
pub mod compare;
pub mod design;
pub mod execution;
pub mod gate;
pub mod persistent;
pub mod report;
pub mod resumed;
pub mod robust;
pub mod shell_words;
pub mod workload;

use crate::cli::RunArgs;
use crate::exec::Schedule;
use crate::exec::chunking::Chunking;
use crate::model::MachineInfo;
pub use execution::{BuiltIn, Execution};
use std::num::{NonZeroU32, NonZeroU64, NonZeroUsize};
use std::path::PathBuf;

/// Where the outputs go.
#[derive(Debug, Clone, PartialEq)]
pub struct OutDir {
    /// The folder.
    pub path: PathBuf,
    /// True for the default dated folder, which is marked ignored for git.
    pub dated: bool,
}

/// A validated `plateau run`, built once (`from_args`, or `resumed` for `--resume`) and never
/// changed afterwards: what a calibration settles is a `design::Design` beside it.
#[derive(Debug, Clone)]
pub struct RunConfig {
    /// What each task does and how the workers run it.
    pub execution: Execution,
    /// The worker counts, ascending, always including 1.
    pub workers: Vec<NonZeroUsize>,
    /// Tasks per batch, before any calibration.
    pub tasks: NonZeroU64,
    /// Kept batches per worker count, before any calibration.
    pub repetitions: NonZeroU32,
    /// Discarded batches per worker count.
    pub warmup: u32,
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
    /// `--emit-results`: results.json also on stdout, between the marker lines `fleet collect`
    /// reads.
    pub emit_results: bool,
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
        let workers = worker_plan(args, machine);
        let analysis = analyze::analysis_options(&args.analysis);
        let robust = robust::validate(args, machine, &workers, &analysis)?;
        let plain: Vec<usize> = workers.iter().map(|w| w.get()).collect();
        let tasks = task_count(args, &plain);
        let iterations = args
            .batch
            .iterations
            .unwrap_or(crate::workload::cpu::DEFAULT_ITERATIONS);
        let adaptive_default = robust.adaptive.is_some_and(|a| a.by_default);
        let repetitions = repetitions(args, adaptive_default);
        let execution = workload::execution(args, machine, iterations)?;
        let sizing = batch_time::sizing(args.batch.tasks.is_some(), &execution);
        let tasks_choice =
            batch_time::count_choice(args.batch.tasks.is_some(), tasks.get(), &plain);
        workload::check_memory_fits(&execution, &workers, machine)?;
        let chunk = workload::chunking(args, &execution)?;
        // A calibrated adaptive default needs no warmup round: the calibration warmed up.
        let calibrated_default = adaptive_default && sizing == batch_time::Sizing::Calibrate;
        Ok(Self {
            out: out_dir(args, now_stamp, &execution),
            execution,
            workers,
            tasks,
            repetitions,
            warmup: args
                .warmup
                .unwrap_or(if calibrated_default { 0 } else { 1 }),
            schedule: args.schedule,
            pin: args.pin,
            chunk,
            seed: args.seed.unwrap_or_else(crate::rng::fresh_seed),
            label: args
                .label
                .clone()
                .unwrap_or_else(|| machine.hostname.clone()),
            price_per_hour: args.price_per_hour.map(crate::limits::Price::usd_per_hour),
            json: args.json,
            quiet: args.quiet,
            emit_results: args.emit_results,
            command_line,
            analysis,
            robust,
            sizing,
            tasks_choice: Some(tasks_choice),
        })
    }

    /// The worker counts as plain numbers.
    pub fn worker_counts(&self) -> Vec<usize> {
        self.workers.iter().map(|w| w.get()).collect()
    }

    /// The CPUs workers are pinned to: `allowed_cpu_ids` under `--pin`, else none.
    pub fn pin_cpus(&self, allowed_cpu_ids: &[usize]) -> Vec<usize> {
        if self.pin {
            allowed_cpu_ids.to_vec()
        } else {
            vec![]
        }
    }
}

/// `--workers`, or the machine's default plan; 1 is always measured, as speedup and
/// efficiency are relative to it.
fn worker_plan(args: &RunArgs, machine: &MachineInfo) -> Vec<NonZeroUsize> {
    let mut workers = match &args.workers {
        Some(list) => list.counts().to_vec(),
        None => crate::plan::default_plan(machine)
            .into_iter()
            .filter_map(NonZeroUsize::new)
            .collect(),
    };
    if workers.first().map(|w| w.get()) != Some(1) {
        workers.insert(0, NonZeroUsize::MIN);
    }
    workers
}

/// `--tasks`, or the smallest balanced count for the plan.
fn task_count(args: &RunArgs, plan: &[usize]) -> NonZeroU64 {
    args.batch.tasks.unwrap_or_else(|| {
        NonZeroU64::new(crate::plan::default_tasks(plan)).unwrap_or(NonZeroU64::MIN)
    })
}

/// `--repetitions`, or a few base rounds under the adaptive default, else 5.
fn repetitions(args: &RunArgs, adaptive_default: bool) -> NonZeroU32 {
    let default = if adaptive_default {
        batch_time::DEFAULT_BASE_ROUNDS
    } else {
        5
    };
    args.repetitions
        .unwrap_or_else(|| NonZeroU32::new(default).unwrap_or(NonZeroU32::MIN))
}

/// `--out`, or a new dated folder under reports/ named after the workload.
fn out_dir(args: &RunArgs, now_stamp: &str, execution: &Execution) -> OutDir {
    match &args.out {
        Some(p) => OutDir {
            path: p.clone(),
            dated: false,
        },
        None => OutDir {
            path: PathBuf::from("reports").join(format!("{now_stamp}_{}", execution.folder_name())),
            dated: true,
        },
    }
}

/// `plateau run ARGS` validated on `machine` as typed (its command line recorded), for tests;
/// clap's refusals (ranges are checked while parsing, in `crate::limits`) are usage errors too.
#[cfg(test)]
pub(crate) fn test_config(args: &[&str], machine: &MachineInfo) -> anyhow::Result<RunConfig> {
    use clap::Parser;
    let mut argv = vec!["plateau".to_string(), "run".to_string()];
    argv.extend(args.iter().map(|a| a.to_string()));
    let cli =
        crate::cli::Cli::try_parse_from(&argv).map_err(|e| crate::error::usage(e.to_string()))?;
    let crate::cli::Command::Run(run) = cli.command else {
        panic!("not run")
    };
    RunConfig::from_args(&run, machine, "2026-01-01_000000", argv)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn machine() -> MachineInfo {
        let mut m = crate::machine::detect();
        m.logical_cpus = 2;
        m.physical_cores = 2;
        m.effective_cpus = 2;
        m.hostname = "box".into();
        m
    }

    fn config(argv: &[&str]) -> anyhow::Result<RunConfig> {
        test_config(argv, &machine())
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
    fn emit_results_and_a_chosen_budget_are_carried_from_the_flags() {
        let c = config(&[]).unwrap();
        assert!(!c.emit_results && !c.robust.max_time_given);
        let c = config(&["--emit-results", "--max-time", "30s"]).unwrap();
        assert!(c.emit_results && c.robust.max_time_given);
        assert_eq!(c.robust.adaptive.unwrap().max_time.as_secs(), 30);
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

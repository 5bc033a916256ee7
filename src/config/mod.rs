//! Validated settings: raw CLI flags become a `RunConfig` here, once. Every bad flag of `run` is
//! refused in this module or its submodules, before anything is measured (the folder given to
//! `--resume` is checked by `app::resume`, which reads it).

pub mod analyze;
pub mod batch_time;
pub mod command;
pub mod compare;
pub mod design;
pub use crate::plan::defaults;
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
use std::num::{NonZeroU32, NonZeroUsize};
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
    /// The planned design: tasks per batch, rounds and the adaptive policy, before any
    /// calibration settles it.
    pub design: design::Design,
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
    /// Waiting for quiet, resuming, replacing, the lock.
    pub robust: robust::RobustSettings,
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
        let robust = robust::validate(args, machine, &workers)?;
        let iterations = args
            .batch
            .iterations
            .unwrap_or(crate::workload::cpu::DEFAULT_ITERATIONS);
        let execution = workload::execution(args, machine, iterations)?;
        let design = planned_design(args, &workers, machine)?;
        workload::check_memory_fits(&execution, &workers, machine)?;
        let chunk = workload::chunking(args, &execution)?;
        Ok(Self {
            out: out_dir(args, now_stamp, &execution),
            execution,
            workers,
            design,
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

/// The design the flags plan, before any calibration: `--tasks` as one fixed job at every
/// count, else a plan the calibration sizes per count (until then, its estimate: one task per
/// worker at the target batch time); `--repetitions`, or the base rounds of the adaptive
/// default; no warmup round after a calibration, which warmed up.
fn planned_design(
    args: &RunArgs,
    workers: &[NonZeroUsize],
    machine: &MachineInfo,
) -> anyhow::Result<design::Design> {
    let plain: Vec<usize> = workers.iter().map(|w| w.get()).collect();
    let capacity = crate::machine::capacity(machine);
    let sizing = batch_time::sizing(args.batch.tasks.is_some());
    let (tasks, tasks_choice) = match args.batch.tasks {
        Some(n) => (
            design::TaskPlan::Fixed(n),
            Some(batch_time::given_choice(n.get(), &plain)),
        ),
        None => (design::per_worker(1, capacity), None),
    };
    let period = crate::machine::quota_period(machine).map(|p| p.as_secs_f64());
    let target_s = batch_time::target_batch_s(period);
    // Before a calibration, a round is estimated at one target batch time per count.
    let round_s = target_s * plain.len() as f64;
    let adaptive = robust::adaptive(args, round_s)?;
    let by_default = adaptive.is_some_and(|a| a.by_default);
    let base = if by_default {
        defaults::BASE_ROUNDS
    } else {
        defaults::REPETITIONS
    };
    let calibrated_default = by_default && sizing == design::Sizing::Calibrate;
    Ok(design::Design {
        tasks,
        sizing,
        tasks_choice,
        warmup: args.warmup.unwrap_or(if calibrated_default {
            0
        } else {
            defaults::WARMUP
        }),
        repetitions: args
            .repetitions
            .unwrap_or_else(|| NonZeroU32::new(base).unwrap_or(NonZeroU32::MIN)),
        adaptive,
    })
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
        // Adaptive by default: the base rounds, no warmup round after a calibration.
        let d = &c.design;
        assert_eq!(d.repetitions.get(), defaults::BASE_ROUNDS);
        assert_eq!(d.warmup, 0);
        assert_eq!(d.sizing, design::Sizing::Calibrate);
        assert!(d.tasks.per_worker().is_some());
        let a = d.adaptive.unwrap();
        assert!(a.by_default && (a.target - defaults::TARGET_CI).abs() < 1e-12);
        assert!(!a.budget.given() && a.budget.limit().as_secs_f64() <= 60.0);
        let fixed = config(&["-r", "5", "--tasks", "40"]).unwrap();
        assert!(fixed.design.adaptive.is_none());
        assert_eq!(fixed.design.tasks, design::fixed(40));
        assert_eq!(
            (fixed.design.repetitions.get(), fixed.design.warmup),
            (5, 1)
        );
        assert_eq!(c.label, "box");
        assert!(c.out.dated);
        assert!(c.out.path.starts_with("reports"));
    }

    #[test]
    fn emit_results_and_a_chosen_budget_are_carried_from_the_flags() {
        let c = config(&[]).unwrap();
        assert!(!c.emit_results && !c.design.adaptive.unwrap().budget.given());
        let c = config(&["--emit-results", "--max-time", "30s"]).unwrap();
        let budget = c.design.adaptive.unwrap().budget;
        assert!(c.emit_results);
        assert_eq!(
            budget,
            design::Budget::Given(std::time::Duration::from_secs(30))
        );
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

//! The config of `plateau run --resume DIR`, built in one place: the recorded command line
//! validated again by `RunConfig::from_args`, then pinned to what results.json recorded (seed,
//! plan, design, label, price; a recorded design is never calibrated again) and to DIR, with
//! this session's own output and waiting flags. `app::resume` checks the record before, and
//! that the rebuilt settings match it after.

use super::design::{Adaptive, Budget, Design, Sizing, TaskPlan};
use super::robust::RobustSettings;
use super::{OutDir, RunConfig};
use crate::cli::{Cli, Command};
use crate::error::usage;
use crate::model::{AdaptiveConfig, MachineInfo, RunRecord};
use clap::Parser;
use std::num::{NonZeroU32, NonZeroU64, NonZeroUsize};
use std::path::Path;
use std::time::Duration;

/// The refusal of a recorded run whose settings cannot be rebuilt, saying why.
pub fn cannot_replay(dir: &Path, why: &str) -> anyhow::Error {
    usage(format!(
        "--resume {}: the recorded command line cannot be replayed ({why}); start a new run",
        dir.display()
    ))
}

impl RunConfig {
    /// The config of the run `record` holds, writing into `dir`; `current` (this session's
    /// flags) gives only how this session prints, waits and locks.
    pub fn resumed(
        record: &RunRecord,
        dir: &Path,
        current: &RunConfig,
        machine: &MachineInfo,
    ) -> anyhow::Result<RunConfig> {
        let cannot = |why: String| cannot_replay(dir, &why);
        let argv = &record.run.command_line;
        let cli = Cli::try_parse_from(argv)
            .map_err(|e| cannot(e.to_string().lines().next().unwrap_or("").to_string()))?;
        let Command::Run(args) = cli.command else {
            return Err(cannot("it is not a `plateau run`".into()));
        };
        let replayed = RunConfig::from_args(&args, machine, "resume", argv.clone())
            .map_err(|e| cannot(e.to_string()))?;
        let recorded = &record.config;
        let design = recorded_design(&replayed.design, record).map_err(|w| cannot(w.into()))?;
        let robust = RobustSettings {
            wait_idle: current.robust.wait_idle,
            lock: current.robust.lock,
            replace: false,
            resume: Some(dir.to_path_buf()),
        };
        Ok(RunConfig {
            seed: recorded.seed,
            workers: recorded
                .workers
                .iter()
                .filter_map(|&w| NonZeroUsize::new(w))
                .collect(),
            design,
            out: OutDir {
                path: dir.to_path_buf(),
                dated: false,
            },
            label: record.run.label.clone(),
            price_per_hour: record.run.price_per_hour,
            json: current.json,
            quiet: current.quiet,
            emit_results: current.emit_results,
            robust,
            ..replayed
        })
    }
}

/// The design `record` ran: its task plan (per count when its calibration said so), rounds
/// and budget, settled (a recorded design is never calibrated again); the replayed command
/// line gives the rest (the target, and whether the budget was chosen).
fn recorded_design(replayed: &Design, record: &RunRecord) -> Result<Design, &'static str> {
    let recorded = &record.config;
    let tasks = NonZeroU64::new(recorded.tasks).ok_or("tasks is 0")?;
    let repetitions = NonZeroU32::new(recorded.repetitions).ok_or("repetitions is 0")?;
    let choice = recorded.tasks_choice.as_ref();
    let plan = match (
        choice.and_then(|c| c.per_worker),
        choice.and_then(|c| c.capacity_cpus),
    ) {
        (Some(k), Some(capacity)) => super::design::per_worker(k, capacity),
        _ => TaskPlan::Fixed(tasks),
    };
    Ok(Design {
        tasks: plan,
        sizing: Sizing::Settled,
        tasks_choice: recorded.tasks_choice.clone(),
        warmup: recorded.warmup,
        repetitions,
        adaptive: recorded_budget(replayed.adaptive, recorded.adaptive.as_ref()),
    })
}

/// The replayed adaptive policy with the budget the run recorded (a calibration may have
/// set it), still given or default as the command line says.
fn recorded_budget(
    replayed: Option<Adaptive>,
    recorded: Option<&AdaptiveConfig>,
) -> Option<Adaptive> {
    let a = replayed?;
    let Some(d) = recorded.and_then(|r| Duration::try_from_secs_f64(r.max_time_s).ok()) else {
        return Some(a);
    };
    let budget = match a.budget {
        Budget::Given(_) => Budget::Given(d),
        Budget::Default(_) => Budget::Default(d),
    };
    Some(Adaptive { budget, ..a })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::TasksChoice;

    fn from(args: &[&str]) -> RunConfig {
        crate::config::test_config(args, &crate::testdata::machine(2)).unwrap()
    }

    /// A record of `plateau run --workers 1,2,4 --seed 3 --max-time 90s --emit-results` whose
    /// design a calibration changed.
    fn record() -> RunRecord {
        let mut r = crate::testdata::RecordSpec {
            machine: crate::testdata::machine(2),
            tasks: 96,
            repetitions: 4,
            warmup: 0,
            seed: 3,
            ..Default::default()
        }
        .record(vec![]);
        r.run.command_line = [
            "plateau",
            "run",
            "--workers",
            "1,2,4",
            "--seed",
            "3",
            "--max-time",
            "90s",
            "--emit-results",
        ]
        .map(String::from)
        .to_vec();
        r.run.label = "recorded".into();
        r.run.price_per_hour = Some(1.5);
        r.config.workers = vec![1, 2, 4];
        r.config.adaptive = Some(AdaptiveConfig {
            target_ci: 0.02,
            max_time_s: 90.0,
            by_default: true,
        });
        r.config.tasks_choice = Some(TasksChoice {
            method: crate::model::TasksMethod::Calibrated,
            task_s: Some(0.004),
            target_batch_s: Some(0.5),
            capacity_cpus: Some(2.0),
            calibration_s: Some(0.3),
            max_imbalance: 0.0,
            per_worker: None,
        });
        r
    }

    #[test]
    fn a_resumed_config_holds_the_recorded_values() {
        let r = record();
        let current = from(&["--resume", "d", "--quiet", "--json"]);
        let c = RunConfig::resumed(&r, Path::new("d"), &current, &r.machine).unwrap();
        assert_eq!(c.worker_counts(), vec![1, 2, 4]);
        let d = &c.design;
        assert_eq!((d.tasks_at(4), d.repetitions.get(), d.warmup), (96, 4, 0));
        assert_eq!(c.seed, 3);
        assert_eq!(d.tasks_choice, r.config.tasks_choice);
        // Recorded, so never calibrated again.
        assert_eq!(d.sizing, Sizing::Settled);
        // The budget, and whether it was chosen, are the recorded run's.
        assert_eq!(
            d.adaptive.unwrap().budget,
            Budget::Given(Duration::from_secs(90))
        );
        assert_eq!(
            (c.label.as_str(), c.price_per_hour),
            ("recorded", Some(1.5))
        );
        assert_eq!(c.command_line, r.run.command_line);
        assert_eq!(c.out.path, Path::new("d"));
        assert!(!c.out.dated && !c.robust.replace);
        assert_eq!(c.robust.resume.as_deref(), Some(Path::new("d")));
        // How this session prints is its own.
        assert!(c.quiet && c.json && !c.emit_results);
    }

    #[test]
    fn a_per_count_plan_is_resumed_as_it_was_sized() {
        let mut r = record();
        r.config.tasks = 125;
        if let Some(c) = r.config.tasks_choice.as_mut() {
            c.per_worker = Some(125);
        }
        let current = from(&["--resume", "d"]);
        let c = RunConfig::resumed(&r, Path::new("d"), &current, &r.machine).unwrap();
        assert_eq!(c.design.tasks, crate::config::design::per_worker(125, 2.0));
        // 4 workers share the 2 CPUs: 63 tasks each keep the batch at its length.
        assert_eq!(c.design.tasks_at(4), 252);
    }

    #[test]
    fn a_record_that_cannot_be_replayed_is_refused_naming_why() {
        let current = from(&["--resume", "d"]);
        let mut r = record();
        r.config.tasks = 0;
        let e = RunConfig::resumed(&r, Path::new("d"), &current, &r.machine).unwrap_err();
        assert!(e.downcast_ref::<crate::error::UsageError>().is_some());
        assert_eq!(
            e.to_string(),
            "--resume d: the recorded command line cannot be replayed (tasks is 0); start a new run"
        );
        r.run.command_line = ["plateau", "info"].map(String::from).to_vec();
        let e = RunConfig::resumed(&r, Path::new("d"), &current, &r.machine).unwrap_err();
        assert!(e.to_string().contains("(it is not a `plateau run`)"), "{e}");
    }
}

//! The config of `plateau run --resume DIR`, built in one place: the recorded command line
//! validated again by `RunConfig::from_args`, then pinned to what results.json recorded (seed,
//! plan, design, label, price; a recorded design is never calibrated again) and to DIR, with
//! this session's own output and waiting flags. `app::resume` checks the record before, and
//! that the rebuilt settings match it after.

use super::robust::RobustSettings;
use super::{OutDir, RunConfig};
use crate::cli::{Cli, Command};
use crate::error::usage;
use crate::model::{AdaptiveConfig, MachineInfo, RunRecord};
use crate::sweep::adaptive::AdaptiveSpec;
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
        let tasks = NonZeroU64::new(recorded.tasks).ok_or_else(|| cannot("tasks is 0".into()))?;
        // A calibrated run keeps the design its calibration settled.
        let repetitions = NonZeroU32::new(recorded.repetitions)
            .ok_or_else(|| cannot("repetitions is 0".into()))?;
        let robust = RobustSettings {
            adaptive: recorded_budget(replayed.robust.adaptive, recorded.adaptive.as_ref()),
            // The budget is the recorded run's (never calibrated again), and so is whether it
            // was chosen.
            max_time_given: replayed.robust.max_time_given,
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
            tasks,
            repetitions,
            warmup: recorded.warmup,
            tasks_choice: recorded.tasks_choice.clone(),
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
            sizing: super::batch_time::Sizing::Recorded,
            ..replayed
        })
    }
}

/// The replayed adaptive policy with the budget the run recorded (a calibration may have
/// raised it).
fn recorded_budget(
    replayed: Option<AdaptiveSpec>,
    recorded: Option<&AdaptiveConfig>,
) -> Option<AdaptiveSpec> {
    let a = replayed?;
    let max_time = recorded
        .and_then(|r| Duration::try_from_secs_f64(r.max_time_s).ok())
        .unwrap_or(a.max_time);
    Some(AdaptiveSpec { max_time, ..a })
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
        });
        r
    }

    #[test]
    fn a_resumed_config_holds_the_recorded_values() {
        let r = record();
        let current = from(&["--resume", "d", "--quiet", "--json"]);
        let c = RunConfig::resumed(&r, Path::new("d"), &current, &r.machine).unwrap();
        assert_eq!(c.worker_counts(), vec![1, 2, 4]);
        assert_eq!((c.tasks.get(), c.repetitions.get(), c.warmup), (96, 4, 0));
        assert_eq!(c.seed, 3);
        assert_eq!(c.tasks_choice, r.config.tasks_choice);
        // Recorded, so never calibrated again.
        assert_eq!(c.sizing, crate::config::batch_time::Sizing::Recorded);
        assert_eq!(c.robust.adaptive.unwrap().max_time.as_secs(), 90);
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
        // The budget, and whether it was chosen, are the recorded run's.
        assert!(c.robust.max_time_given);
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

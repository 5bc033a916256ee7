//! Validation of the robustness flags of `run` (`--target-ci`, `--max-time`, `--wait-idle`,
//! `--resume`, `--force`, `--no-wait`, `--allow-concurrent`) and the range checks that keep a typo from starting a run that never
//! ends. Each error is one sentence naming the flag.

use super::units::{DurationRange, MAX_DURATION, PercentRange, parse_duration, parse_percent};
use crate::cli::RunArgs;
use crate::error::usage;
use crate::model::MachineInfo;
use crate::numbers::show_duration;
use crate::sweep::adaptive::AdaptiveSpec;
use std::num::NonZeroUsize;
use std::path::PathBuf;
use std::time::Duration;

/// Workers per logical CPU beyond which `--force` is needed: far past any useful
/// oversubscription, and a likely typo (`1..1000` for `1..100`).
pub const MAX_WORKERS_PER_CPU: usize = 64;

/// `--max-time` when `--target-ci` is given without it.
pub const DEFAULT_MAX_TIME: Duration = Duration::from_secs(600);

/// `--max-time`: at least a second (a budget for whole rounds of batches), at most a week.
pub const MAX_TIME_RANGE: DurationRange = DurationRange {
    min: Duration::from_secs(1),
    max: MAX_DURATION,
};

/// `--wait-idle`: at least the quiet period it waits for (`app::noise` wants three quiet
/// one-second samples in a row), so a shorter wait could only ever time out; at most a week.
pub const WAIT_IDLE_RANGE: DurationRange = DurationRange {
    min: Duration::from_secs(3),
    max: MAX_DURATION,
};

/// Most kept batches per worker count `--repetitions` accepts.
pub const MAX_REPETITIONS: u32 = 10_000;

/// Most discarded batches per worker count `--warmup` accepts.
pub const MAX_WARMUP: u32 = 1_000;

/// The validated robustness settings.
#[derive(Debug, Clone, PartialEq)]
pub struct RobustSettings {
    /// Adaptive repetitions, when `--target-ci` is given.
    pub adaptive: Option<AdaptiveSpec>,
    /// How long `--wait-idle` waits at most for a quiet machine.
    pub wait_idle: Option<Duration>,
    /// The interrupted run to continue.
    pub resume: Option<PathBuf>,
    /// `--force`: replace a run the `--out` folder already holds.
    pub replace: bool,
    /// How the run treats the machine lock.
    pub lock: LockPolicy,
}

/// How a run treats the machine-wide measurement lock (`crate::lock`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct LockPolicy {
    /// `--allow-concurrent`: measure without the lock.
    pub allow_concurrent: bool,
    /// `--no-wait`: refuse at once when another run holds it.
    pub no_wait: bool,
}

/// Checks the robustness flags and ranges against the machine and the parsed worker counts.
pub fn validate(
    args: &RunArgs,
    machine: &MachineInfo,
    workers: &[NonZeroUsize],
) -> anyhow::Result<RobustSettings> {
    if args.repetitions > MAX_REPETITIONS {
        return Err(usage(format!(
            "--repetitions {} is out of range: at most {MAX_REPETITIONS}; for tighter intervals use --target-ci",
            args.repetitions
        )));
    }
    if args.warmup > MAX_WARMUP {
        return Err(usage(format!(
            "--warmup {} is out of range: at most {MAX_WARMUP} discarded batches per worker count",
            args.warmup
        )));
    }
    if args.label.as_deref().is_some_and(|l| l.trim().is_empty()) {
        return Err(usage(
            "--label is empty; give a name such as the instance type, or drop the flag to use the host name",
        ));
    }
    check_worker_ceiling(workers, machine.logical_cpus, args.force)?;
    let target = args
        .target_ci
        .as_deref()
        .map(|t| parse_percent("--target-ci", t, PercentRange::ABOVE_ZERO))
        .transpose()
        .map_err(usage)?;
    let max_time = args
        .max_time
        .as_deref()
        .map(|t| parse_duration("--max-time", t, MAX_TIME_RANGE))
        .transpose()
        .map_err(usage)?;
    let adaptive = match (target, max_time) {
        (None, Some(m)) => {
            return Err(usage(format!(
                "--max-time {} bounds the extra rounds of --target-ci; add --target-ci (e.g. 2%) or drop --max-time",
                show_duration(m)
            )));
        }
        (None, None) => None,
        (Some(target), m) => Some(AdaptiveSpec {
            target,
            max_time: m.unwrap_or(DEFAULT_MAX_TIME),
        }),
    };
    let wait_idle = args
        .wait_idle
        .as_deref()
        .map(|t| parse_duration("--wait-idle", t, WAIT_IDLE_RANGE))
        .transpose()
        .map_err(usage)?;
    if args.resume.is_some() && args.out.is_some() {
        return Err(usage(
            "--resume DIR writes into DIR; drop --out (a resumed run keeps its folder)",
        ));
    }
    if args.resume.is_some() && args.force {
        return Err(usage(
            "--force cannot be combined with --resume: a resumed run continues its folder and replaces nothing; drop --force",
        ));
    }
    if args.no_wait && args.allow_concurrent {
        return Err(usage(
            "--no-wait and --allow-concurrent contradict each other (--allow-concurrent takes no lock to wait for); keep one",
        ));
    }
    Ok(RobustSettings {
        adaptive,
        wait_idle,
        resume: args.resume.clone(),
        replace: args.force,
        lock: LockPolicy {
            allow_concurrent: args.allow_concurrent,
            no_wait: args.no_wait,
        },
    })
}

/// Refuses worker counts above `MAX_WORKERS_PER_CPU` x the logical CPUs unless forced.
pub fn check_worker_ceiling(
    workers: &[NonZeroUsize],
    logical_cpus: usize,
    force: bool,
) -> anyhow::Result<()> {
    let ceiling = MAX_WORKERS_PER_CPU * logical_cpus.max(1);
    match workers.iter().map(|w| w.get()).max() {
        Some(top) if top > ceiling && !force => Err(usage(format!(
            "--workers asks for {top} workers, more than {MAX_WORKERS_PER_CPU}x this machine's {logical_cpus} logical CPUs ({ceiling}); lower it, or add --force if you mean it"
        ))),
        _ => Ok(()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn nz(ws: &[usize]) -> Vec<NonZeroUsize> {
        ws.iter().map(|&w| NonZeroUsize::new(w).unwrap()).collect()
    }

    #[test]
    fn the_ceiling_needs_force() {
        assert!(check_worker_ceiling(&nz(&[1, 128]), 2, false).is_ok());
        let e = check_worker_ceiling(&nz(&[1, 129]), 2, false).unwrap_err();
        assert!(e.to_string().starts_with("--workers asks for 129"), "{e}");
        assert!(e.to_string().contains("--force"), "{e}");
        assert!(check_worker_ceiling(&nz(&[1, 129]), 2, true).is_ok());
    }
}

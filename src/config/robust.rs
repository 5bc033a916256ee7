//! Validation of the robustness flags of `run` (`--target-ci`, `--max-time`, `--wait-idle`,
//! `--resume`, `--force`, `--no-wait`, `--allow-concurrent`): how they combine, and the worker
//! ceiling that keeps a typo from starting a run that never ends. Their values arrive typed and
//! range-checked (`crate::limits`). Each error is one sentence naming the flag.

use super::defaults;
use super::design::{Adaptive, Budget};
use crate::cli::RunArgs;
use crate::error::usage;
use crate::model::MachineInfo;
use crate::numbers::show_duration;
use std::num::NonZeroUsize;
use std::path::PathBuf;
use std::time::Duration;

/// Workers per logical CPU beyond which `--force` is needed: far past any useful
/// oversubscription, and a likely typo (`1..1000` for `1..100`).
pub const MAX_WORKERS_PER_CPU: usize = 64;

/// The validated robustness settings.
#[derive(Debug, Clone, PartialEq)]
pub struct RobustSettings {
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

/// Checks the robustness flags against the machine, the parsed worker counts and each other
/// (each value's range was checked by its parser, `crate::limits`).
pub fn validate(
    args: &RunArgs,
    machine: &MachineInfo,
    workers: &[NonZeroUsize],
) -> anyhow::Result<RobustSettings> {
    if args.label.as_deref().is_some_and(|l| l.trim().is_empty()) {
        return Err(usage(
            "--label is empty; give a name such as the instance type, or drop the flag to use the host name",
        ));
    }
    check_worker_ceiling(workers, machine.logical_cpus, args.force)?;
    check_combinations(args)?;
    Ok(RobustSettings {
        wait_idle: args.wait_idle,
        resume: args.resume.clone(),
        replace: args.force,
        lock: LockPolicy {
            allow_concurrent: args.allow_concurrent,
            no_wait: args.no_wait,
        },
    })
}

/// The adaptive policy of `--target-ci` and `--max-time`, adaptive by default unless
/// `--repetitions` fixes the design; a default budget holds `defaults::BUDGET_ROUNDS` rounds of
/// `round_s` (the calibration sets it again from what it measured).
pub fn adaptive(args: &RunArgs, round_s: f64) -> anyhow::Result<Option<Adaptive>> {
    let budget = |given: Option<Duration>, default: Duration| match given {
        Some(d) => Budget::Given(d),
        None => Budget::Default(default),
    };
    Ok(match (args.target_ci, args.max_time, args.repetitions) {
        (None, Some(m), Some(_)) => {
            return Err(usage(format!(
                "--max-time {} bounds adaptive rounds, but --repetitions fixes the design; add --target-ci (e.g. 2%) or drop --max-time",
                show_duration(m)
            )));
        }
        (None, None, Some(_)) => None,
        (None, m, None) => Some(Adaptive {
            target: defaults::TARGET_CI,
            budget: budget(m, super::batch_time::default_budget(round_s)),
            by_default: true,
        }),
        (Some(target), m, _) => Some(Adaptive {
            target: target.fraction(),
            budget: budget(m, defaults::TARGET_CI_MAX_TIME),
            by_default: false,
        }),
    })
}

/// Refuses flags that contradict each other: `--resume` with `--out` or `--force`, and
/// `--no-wait` with `--allow-concurrent`.
fn check_combinations(args: &RunArgs) -> anyhow::Result<()> {
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
    Ok(())
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

//! The host's limits checked before anything is measured, for `plateau run` and both sides of
//! the interleaved gate: the pool kind of a validated config, the check of its largest planned
//! count (`machine::host_limits`), the soft open-files limit raised when that is enough, and the
//! figures recorded in `machine.host_limits`; a pool that cannot fit is bad input (exit 2).

use crate::config::{Execution, RunConfig};
use crate::machine::host_limits::{self, PoolKind, readings};
use crate::model::MachineInfo;

/// How `config`'s workers run, as the limits see them.
pub fn pool_kind(config: &RunConfig) -> PoolKind {
    match &config.execution {
        Execution::Threads(_) => PoolKind::Threads,
        Execution::Processes(_) => PoolKind::Processes,
        Execution::Persistent(_) => PoolKind::Persistent,
        Execution::Command(c) => PoolKind::Command { shell: c.shell },
    }
}

/// Checks `configs` (one run, or the gate's two sides, whose batches run one at a time)
/// against the host's limits, raises the soft open-files limit when that is enough, and
/// returns `machine` with the figures recorded; refuses (exit 2) a pool that cannot fit.
pub fn checked(configs: &[&RunConfig], mut machine: MachineInfo) -> anyhow::Result<MachineInfo> {
    let now = readings::read();
    let mut fits = vec![];
    for c in configs {
        let workers = c.worker_counts().last().copied().unwrap_or(1);
        let fit = host_limits::check(pool_kind(c), workers, &now)
            .map_err(|refusal| crate::error::usage(refusal.to_string()))?;
        fits.push(fit);
    }
    // The side that needs the most descriptors sets the record (and any raise).
    let Some(fit) = fits.into_iter().max_by_key(|f| f.record.open_files_needed) else {
        return Ok(machine);
    };
    if let Some(to) = fit.raise_open_files_to {
        readings::raise_open_files(to).map_err(|e| {
            crate::error::usage(format!(
                "{} workers need up to {} open files, more than the soft limit of {}, and raising it to the hard limit of {to} failed ({e}): raise it with `ulimit -n {}` before running plateau",
                fit.record.workers,
                fit.record.open_files_needed,
                fit.record.open_files_raised_from.unwrap_or(0),
                fit.record.open_files_needed
            ))
        })?;
    }
    machine.host_limits = Some(fit.record);
    Ok(machine)
}

//! The machine lock as `plateau run` takes it: after the output folder is claimed and before
//! anything is measured; skipped with `--allow-concurrent` (which results.json records);
//! `--no-wait` refuses instead of waiting. See `crate::lock`.

use crate::cancel::CancelToken;
use crate::config::robust::LockPolicy;
use crate::lock::{self, Holder, MachineLock, WhenBusy};
use std::path::Path;

/// Takes the lock for this run (None with `--allow-concurrent`), saying on stderr whom it
/// waits for.
pub fn hold(
    policy: LockPolicy,
    command_line: &[String],
    folder: &Path,
    cancel: &CancelToken,
) -> anyhow::Result<Option<MachineLock>> {
    if policy.allow_concurrent {
        let path = lock::lock_path();
        if let Some(other) = lock::current_holder(&path) {
            eprintln!(
                "warning: --allow-concurrent: another measurement is running ({other}); both will measure each other's load"
            );
        }
        return Ok(None);
    }
    let busy = if policy.no_wait {
        WhenBusy::Refuse
    } else {
        WhenBusy::Wait
    };
    let me = Holder::this_process(command_line, folder);
    let path = lock::lock_path();
    let held = lock::acquire(&path, &me, busy, cancel, &mut |holder| {
        eprintln!(
            "plateau: waiting for another measurement to finish ({holder}); one measurement at a time keeps both honest (Ctrl-C to stop, --no-wait to refuse instead)"
        );
    })?;
    Ok(Some(held))
}

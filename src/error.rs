//! The error kinds that decide plateau's exit code; everything else travels as `anyhow::Error`.

use std::process::ExitCode;

/// Bad input or usage: one sentence that names the flag or file and says what to do (exit 2).
#[derive(Debug, thiserror::Error)]
#[error("{0}")]
pub struct UsageError(pub String);

/// A flag's value refused by its clap value parser (in the `limits`, `units`, `worker_list` and
/// `fleet_value` modules): one sentence naming the flag and what it accepts, which `main` finds
/// in clap's error by its type (`limits::own_sentence`) and prints alone (exit 2).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{0}")]
pub struct FlagError(pub String);

/// The workload or a worker failed, or the run was interrupted; results so far are saved (exit 3).
#[derive(Debug, thiserror::Error)]
#[error("{0}")]
pub struct RunFailed(pub String);

/// `compare` found a real regression (exit 1).
#[derive(Debug, thiserror::Error)]
#[error("{0}")]
pub struct RegressionFound(pub String);

/// `compare` could not decide within its budget or its files' resolution (exit 4): neither a
/// regression nor the absence of one is established. `--inconclusive pass|fail` maps it.
#[derive(Debug, thiserror::Error)]
#[error("{0}")]
pub struct Inconclusive(pub String);

/// The exit code of an inconclusive comparison.
pub const INCONCLUSIVE_EXIT: u8 = 4;

/// Shorthand for a usage error built from a formatted sentence.
pub fn usage(msg: impl Into<String>) -> anyhow::Error {
    UsageError(msg.into()).into()
}

/// The exit code an error maps to: 2 for bad input, 3 for a failed or interrupted run,
/// 1 for a regression, 4 for an inconclusive comparison. Unclassified errors (I/O on output, say) are treated as run failures.
pub fn exit_code_for(err: &anyhow::Error) -> ExitCode {
    if err.downcast_ref::<UsageError>().is_some() {
        ExitCode::from(2)
    } else if err.downcast_ref::<RegressionFound>().is_some() {
        ExitCode::from(1)
    } else if err.downcast_ref::<Inconclusive>().is_some() {
        ExitCode::from(INCONCLUSIVE_EXIT)
    } else {
        ExitCode::from(3)
    }
}

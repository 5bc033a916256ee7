//! The flags of `plateau run` for persistent workers (`--persistent`, `--ready-timeout`),
//! flattened into `RunArgs`. Clap derive only, the timeout typed by its value parser;
//! `config::persistent` checks it belongs to a persistent run.

use clap::Args;
use std::time::Duration;

/// Flags of a run of persistent workers.
#[derive(Debug, Clone, Default, Args)]
pub struct PersistentArgs {
    /// Run the command after `--` as a pool of long-lived workers, one process per worker,
    /// started and initialised before the clock; each reads task numbers on stdin and answers
    /// `ok` or `error MESSAGE` per task (docs/worker-protocol.md). Python functions:
    /// `--persistent -- python3 -m plateau_bench.worker mymod:func`.
    #[arg(long)]
    pub persistent: bool,

    /// --persistent: how long a worker may take to start and say `ready 1` (e.g. 30s, 2m)
    /// [default: 60s].
    #[arg(long, value_name = "DURATION", allow_hyphen_values = true, value_parser = crate::limits::READY_TIMEOUT.parser())]
    pub ready_timeout: Option<Duration>,
}

//! `--tasks` and `--iterations`, the batch flags `plateau run` and `compare`'s gate share, typed
//! and range-checked by their value parsers. The help is `run`'s; the gate words its own
//! (`mut_arg` in `gate.rs`).

use crate::limits;
use clap::Args;
use std::num::NonZeroU64;

/// How many tasks a batch runs, and how long a cpu task loops.
#[derive(Debug, Clone, Default, Args)]
pub struct BatchArgs {
    #[arg(long, short = 't', value_name = "N", allow_negative_numbers = true, value_parser = limits::TASKS.parser_nonzero(), help = crate::plan::defaults::help::tasks())]
    pub tasks: Option<NonZeroU64>,

    /// cpu workload: loop iterations per task (time per task grows linearly with it), from 1
    /// to 100000000000 [default: 10000000].
    #[arg(long, value_name = "N", allow_negative_numbers = true, value_parser = limits::ITERATIONS.parser_nonzero())]
    pub iterations: Option<NonZeroU64>,
}

//! The command line, clap derive only: raw flags as the user typed them. `config` validates.

use crate::exec::Schedule;
use clap::{Args, Parser, Subcommand, ValueEnum};
use std::path::PathBuf;

/// How many workers, on which machine? plateau runs a workload across 1..N parallel workers,
/// finds where throughput plateaus and where more workers only add context switches, and
/// recommends a worker count.
#[derive(Debug, Parser)]
#[command(
    name = "plateau",
    version,
    propagate_version = true,
    after_help = "Start with `plateau run`: it sweeps the CPU task over 1..4x your cores and writes \
results.json, chart.svg and a table.\nExit codes: 0 success, 1 regression (compare), 2 bad input, \
3 workload failed or run interrupted (results so far are saved)."
)]
pub struct Cli {
    /// What to do.
    #[command(subcommand)]
    pub command: Command,
}

/// The subcommands.
#[derive(Debug, Subcommand)]
pub enum Command {
    /// Sweep a workload over worker counts and write results.json, chart.svg and a table.
    Run(RunArgs),
    /// Show the machine as plateau sees it: cores, limits, CPU, memory, load.
    Info(InfoArgs),
    /// CI gate: compare a run with a baseline; exit 1 on a real regression.
    Compare(CompareArgs),
}

/// The built-in workloads.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum WorkloadKind {
    /// CPU-bound arithmetic with no shared state (the Python seed's task): scales to the
    /// cores, then plateaus.
    Cpu,
}

/// Execution models.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum Mode {
    /// Workers are OS threads of this process.
    Threads,
}

/// Flags of `plateau run`.
#[derive(Debug, Args)]
#[command(
    after_help = "Examples:\n  plateau run                          default sweep of the cpu task\n  \
plateau run --workers 1..16 --tasks 64\n  plateau run --workers 1,2,4,8 --iterations 50000000 --label c7i.2xlarge\n\n\
Each worker count runs --warmup discarded batches and --repetitions kept batches of --tasks tasks,\n\
visited in shuffled rounds so drift shows up as spread, not bias. Results are saved after every round."
)]
pub struct RunArgs {
    /// The workload each task runs.
    #[arg(long, value_enum, default_value_t = WorkloadKind::Cpu)]
    pub workload: WorkloadKind,

    /// Worker counts: 8, 1..16, 1..64:4 (1, multiples of 4, 64) or lists like 1,2,4,8.
    /// Default: 1 to the effective CPUs, then up to 4x them. 1 is always measured.
    #[arg(long, short = 'w', value_name = "SPEC")]
    pub workers: Option<String>,

    /// Tasks per batch. Default: at least 32, chosen so every planned worker count gets an
    /// even share (load imbalance at most 5%).
    #[arg(long, short = 't', value_name = "N")]
    pub tasks: Option<u64>,

    /// Loop iterations per cpu task (time per task grows linearly with it).
    #[arg(long, value_name = "N", default_value_t = crate::workload::cpu::DEFAULT_ITERATIONS)]
    pub iterations: u64,

    /// Kept batches per worker count.
    #[arg(long, short = 'r', value_name = "N", default_value_t = 5)]
    pub repetitions: u32,

    /// Discarded batches per worker count, run first (warms caches and frequency).
    #[arg(long, value_name = "N", default_value_t = 1)]
    pub warmup: u32,

    /// Execution model.
    #[arg(long, value_enum, default_value_t = Mode::Threads)]
    pub mode: Mode,

    /// How tasks are handed out.
    #[arg(long, value_enum, default_value_t = Schedule::Dynamic)]
    pub schedule: Schedule,

    /// Seed of the round shuffles and bootstrap (default: random, recorded in results.json).
    #[arg(long, value_name = "N")]
    pub seed: Option<u64>,

    /// Output folder. Default: reports/<date>_<time>_<workload> under the current folder,
    /// ignored by git so unpublished runs never dirty a checkout.
    #[arg(long, short = 'o', value_name = "DIR")]
    pub out: Option<PathBuf>,

    /// A name for this run, e.g. the instance type (default: the host name).
    #[arg(long, value_name = "NAME")]
    pub label: Option<String>,

    /// The machine's price in USD per hour, for cost per throughput in reports.
    #[arg(long, value_name = "USD", allow_negative_numbers = true)]
    pub price_per_hour: Option<f64>,

    /// Print results.json to stdout instead of the table.
    #[arg(long)]
    pub json: bool,

    /// No progress bar and no table; errors are still printed.
    #[arg(long, short = 'q')]
    pub quiet: bool,
}

/// Flags of `plateau info`.
#[derive(Debug, Args)]
pub struct InfoArgs {
    /// Print the machine as JSON (the `machine` object of results.json).
    #[arg(long)]
    pub json: bool,
}

/// Flags of `plateau compare`.
#[derive(Debug, Args)]
#[command(
    after_help = "Examples:\n  plateau compare baseline.json results.json\n  \
plateau compare base.json cur.json --threshold 10% --markdown compare.md\n  \
plateau compare base.json cur.json --json > verdict.json\n\n\
A regression is a throughput drop larger than --threshold that is also significant at --alpha\n\
(one-sided Mann-Whitney U on the raw samples, Holm-corrected over the worker counts and the\n\
whole curve). Worker counts with fewer than 5 samples on a side are reported, never judged.\n\
When $GITHUB_STEP_SUMMARY is set, the markdown table is appended to it.\n\
Exit codes: 0 no regression, 1 regression, 2 bad input (or nothing could be decided)."
)]
pub struct CompareArgs {
    /// The baseline results.json (e.g. from the main branch).
    #[arg(value_name = "BASELINE.json")]
    pub baseline: PathBuf,

    /// The results.json to judge.
    #[arg(value_name = "CURRENT.json")]
    pub current: PathBuf,

    /// Smallest throughput change that counts, in percent: 5% or 5.
    #[arg(long, value_name = "PERCENT", default_value = "5%")]
    pub threshold: String,

    /// Significance level after the Holm correction.
    #[arg(long, value_name = "P", default_value_t = 0.05)]
    pub alpha: f64,

    /// Also write the markdown table to FILE.
    #[arg(long, value_name = "FILE")]
    pub markdown: Option<PathBuf>,

    /// Print the verdict as JSON (for machines) instead of the table.
    #[arg(long)]
    pub json: bool,

    /// Compare runs whose workload, task count, mode, schedule or pinning differ (the
    /// output lists the differences).
    #[arg(long)]
    pub allow_config_change: bool,
}

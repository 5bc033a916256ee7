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
// Parsed once per process: the size of the largest variant does not matter.
#[allow(clippy::large_enum_variant)]
#[derive(Debug, Subcommand)]
pub enum Command {
    /// Sweep a workload over worker counts and write results.json, chart.svg and a table.
    Run(RunArgs),
    /// Show the machine as plateau sees it: cores, limits, CPU, memory, load.
    Info(InfoArgs),
    /// A worker process of `--mode processes` (internal: started by plateau itself).
    #[command(name = "__worker", hide = true)]
    Worker(WorkerArgs),
}

/// The built-in workloads.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum WorkloadKind {
    /// CPU-bound arithmetic with no shared state (the Python seed's task): scales to the
    /// cores, then plateaus.
    Cpu,
    /// Streams a buffer larger than the last-level cache (--buffer-mib): bound by memory
    /// bandwidth, so it can plateau before the core count.
    Memory,
    /// Blocks like a network call (--io-ms) plus a little CPU: scales far past the cores.
    Io,
    /// Every task updates one shared counter under a lock (Python's Value + get_lock()):
    /// workers queue for the lock, so more workers can be slower.
    Contended,
    /// Tasks of about a microsecond (--work-ns, 0 for none): dispatch overhead dominates.
    Tiny,
}

/// Execution models.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum Mode {
    /// Workers are OS threads of this process.
    Threads,
    /// Workers are processes (plateau re-executed), fed tasks over pipes, like
    /// multiprocessing.Pool.
    Processes,
    /// Each task runs the command given after `--` (implied by giving one).
    Command,
}

impl Mode {
    /// The name recorded in results.json.
    pub fn as_str(self) -> &'static str {
        match self {
            Mode::Threads => "threads",
            Mode::Processes => "processes",
            Mode::Command => "command",
        }
    }
}

/// Flags of `plateau run`.
#[derive(Debug, Args)]
#[command(
    after_help = "Examples:\n  plateau run                          default sweep of the cpu task\n  \
plateau run --workers 1..16 --tasks 64\n  plateau run --workers 1,2,4,8 --iterations 50000000 --label c7i.2xlarge\n  \
plateau run --workload io --workers 1..16        I/O-bound tasks scale past the cores\n  \
plateau run --mode processes --workload memory   a process pool on the memory workload\n  \
plateau run --tasks 64 -- python3 job.py {task}  your own job, once per task\n\n\
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
    /// even share (load imbalance at most 5%). With a command, choose it: each task is one
    /// run of your command (e.g. --tasks 64).
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

    /// memory workload: MiB of buffer each task streams through (default: twice the
    /// last-level cache, within 32..1024).
    #[arg(long, value_name = "MIB")]
    pub buffer_mib: Option<u64>,

    /// io workload: milliseconds each task blocks [default: 20].
    #[arg(long, value_name = "MS")]
    pub io_ms: Option<u64>,

    /// contended workload: locked updates of the shared counter per task [default: 10000].
    #[arg(long, value_name = "N")]
    pub updates: Option<u64>,

    /// tiny workload: nanoseconds of work per task, 0 for none [default: 1000].
    #[arg(long, value_name = "NS")]
    pub work_ns: Option<u64>,

    /// Tasks a worker claims at once under the dynamic schedule. Default: adaptive (large
    /// claims first, single tasks at the end, so the balance stays dynamic).
    #[arg(long, value_name = "N")]
    pub chunk: Option<u64>,

    /// Pin worker i to CPU i modulo the allowed CPUs (threads, processes and commands).
    #[arg(long)]
    pub pin: bool,

    /// Command: run it through `sh -c` (the arguments joined by spaces). Default: no shell.
    #[arg(long)]
    pub shell: bool,

    /// Command: record failing tasks in results.json instead of stopping the run.
    #[arg(long)]
    pub keep_going: bool,

    /// Command: kill a task that runs longer than this, e.g. 30s, 500ms, 2m.
    #[arg(long, value_name = "DURATION")]
    pub timeout: Option<String>,

    /// Your command, run once per task (at most one per worker at a time). `{task}` and
    /// `{worker}` in it are replaced, and PLATEAU_TASK / PLATEAU_WORKER are set. Its stdout is
    /// discarded; the tail of its stderr is shown when it fails.
    #[arg(last = true, value_name = "CMD")]
    pub command: Vec<String>,
}

/// Flags of the hidden `__worker` subcommand (the setup arrives on stdin).
#[derive(Debug, Args)]
pub struct WorkerArgs {}

/// Flags of `plateau info`.
#[derive(Debug, Args)]
pub struct InfoArgs {
    /// Print the machine as JSON (the `machine` object of results.json).
    #[arg(long)]
    pub json: bool,
}

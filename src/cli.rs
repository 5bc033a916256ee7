//! The command line, clap derive only: each flag's value typed and range-checked by its value
//! parser (`crate::limits`) while the line is parsed; `config` checks how the flags combine.

use crate::exec::Schedule;
use crate::limits;
use crate::units::Percent;
use crate::worker_list::{self, WorkerList};
use clap::{Args, Parser, Subcommand};
use std::num::{NonZeroU32, NonZeroU64};
use std::path::PathBuf;
use std::time::Duration;

mod batch;
mod choices;
mod compare;
pub mod fleet;
pub mod gate;
pub mod persistent;
pub mod sizes;

pub use batch::BatchArgs;
pub use choices::{Mode, WorkloadKind};
pub use compare::CompareArgs;

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
3 workload failed, run interrupted (results so far are saved) or a fleet result lost, 4 compare \
inconclusive within its budget, 130 a second Ctrl-C."
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
    /// Render report.html and summary.md from one results.json, or a comparison of several.
    Report(ReportArgs),
    /// Analyse measurements made elsewhere (CSV, hyperfine JSON, results.json): the same table,
    /// verdict, results.json and chart.svg as `run`.
    Analyze(AnalyzeArgs),
    /// A worker process of `--mode processes` (internal: started by plateau itself).
    #[command(name = "__worker", hide = true)]
    Worker(WorkerArgs),
    /// The guard of a command-mode run (internal: kills its commands if plateau dies).
    #[command(name = "__guard", hide = true)]
    Guard(WorkerArgs),
    /// CI gate: compare a run with a baseline; exit 1 on a real regression.
    Compare(CompareArgs),
    /// Machines of a fleet: collect their results into one comparison, or write the Kubernetes
    /// Jobs or the Slurm job array that measure them.
    Fleet(fleet::FleetArgs),
}

/// Flags of `plateau run`.
#[derive(Debug, Clone, Args)]
#[command(
    after_help = "Examples:\n  plateau run                          default sweep of the cpu task\n  \
plateau run --workers 1..16 --tasks 64\n  plateau run --workers 1,2,4,8 --iterations 50000000 --label c7i.2xlarge\n  \
plateau run --workload io --workers 1..16        I/O-bound tasks scale past the cores\n  \
plateau run --mode processes --workload memory   a process pool on the memory workload\n  \
plateau run --tasks 64 -- python3 job.py {task}  your own job, once per task\n  \
plateau run --persistent -- python3 -m plateau_bench.worker mymod:task   your function in a warmed pool\n\n\
Each worker count runs --warmup discarded batches and --repetitions kept batches of --tasks tasks,\n\
visited in shuffled rounds so drift shows up as spread, not bias. Results are saved after every round.\n\
Ctrl-C stops the sweep, keeps every finished batch and prints how to continue it with --resume DIR;\n\
a second Ctrl-C exits at once (exit 130). A run killed any other way (kill -9) resumes the same way.\n\
An --out folder that holds a run is refused (--resume DIR continues it, --force replaces it).\n\
One measurement at a time per machine: a second run waits for the first (--no-wait refuses,\n\
--allow-concurrent measures anyway). With a command, a task is its whole process group: what it\n\
leaves running when its main process exits is killed and counted."
)]
pub struct RunArgs {
    /// The workload each task runs.
    #[arg(long, value_enum, default_value_t = WorkloadKind::Cpu)]
    pub workload: WorkloadKind,

    /// Worker counts: 8, 1..16, 1..64:4 (1, multiples of 4, 64) or lists like 1,2,4,8.
    /// Default: 1 to the effective CPUs, then up to 4x them. 1 is always measured.
    #[arg(long, short = 'w', value_name = "SPEC", allow_hyphen_values = true, value_parser = worker_list::parse)]
    pub workers: Option<WorkerList>,

    /// Tasks per batch (`--tasks`) and the cpu loop's length (`--iterations`).
    #[command(flatten)]
    pub batch: BatchArgs,

    #[arg(
        long,
        short = 'r',
        value_name = "N",
        allow_negative_numbers = true,
        value_parser = limits::REPETITIONS.parser_nonzero_u32(),
        help = crate::plan::defaults::help::repetitions()
    )]
    pub repetitions: Option<NonZeroU32>,

    #[arg(
        long,
        value_name = "N",
        allow_negative_numbers = true,
        value_parser = limits::WARMUP.parser_u32(),
        help = crate::plan::defaults::help::warmup()
    )]
    pub warmup: Option<u32>,

    /// Execution model.
    #[arg(long, value_enum, default_value_t = Mode::Threads)]
    pub mode: Mode,

    /// How tasks are handed out.
    #[arg(long, value_enum, default_value_t = Schedule::Dynamic)]
    pub schedule: Schedule,

    /// Seed of the round shuffles and bootstrap (default: random, recorded in results.json).
    #[arg(long, value_name = "N", allow_negative_numbers = true, value_parser = limits::SEED.parser())]
    pub seed: Option<u64>,

    /// Output folder. Default: reports/<date>_<time>_<workload> under the current folder,
    /// ignored by git so unpublished runs never dirty a checkout.
    #[arg(long, short = 'o', value_name = "DIR")]
    pub out: Option<PathBuf>,

    /// A name for this run, e.g. the instance type (default: the host name).
    #[arg(long, value_name = "NAME")]
    pub label: Option<String>,

    /// The machine's price in USD per hour, for cost per throughput in reports (above 0, at
    /// most 1000000).
    #[arg(long, value_name = "USD", allow_negative_numbers = true, value_parser = limits::price)]
    pub price_per_hour: Option<limits::Price>,

    /// Print results.json to stdout instead of the table.
    #[arg(long)]
    pub json: bool,

    /// Also print results.json to stdout between the lines `----- BEGIN PLATEAU RESULTS.JSON
    /// -----` and `----- END ...`, so a job's log carries the result home (`plateau fleet
    /// collect` reads it); the folder is written as usual.
    #[arg(long, conflicts_with = "json")]
    pub emit_results: bool,

    /// No progress bar and no table; errors are still printed.
    #[arg(long, short = 'q')]
    pub quiet: bool,

    /// How the analysis judges the curve.
    #[command(flatten)]
    pub analysis: AnalysisArgs,
    #[arg(long, value_name = "PERCENT", allow_hyphen_values = true, value_parser = limits::TARGET_CI.parser(), help = crate::plan::defaults::help::target_ci())]
    pub target_ci: Option<Percent>,

    #[arg(long, value_name = "DURATION", allow_hyphen_values = true, value_parser = limits::MAX_TIME.parser(), help = crate::plan::defaults::help::max_time())]
    pub max_time: Option<Duration>,

    /// Before measuring, wait until the machine is quiet, for at most TIMEOUT (e.g. 90s, 5m; at
    /// least 3s; default 5m).
    #[arg(long, value_name = "TIMEOUT", num_args = 0..=1, default_missing_value = "5m", value_parser = limits::WAIT_IDLE.parser())]
    pub wait_idle: Option<Duration>,

    /// Continue the unfinished run in DIR (interrupted, failed, or killed) with its recorded
    /// settings (flags given beside it must match them); it first says what it found.
    #[arg(long, value_name = "DIR")]
    pub resume: Option<PathBuf>,

    /// Replace the run an --out folder already holds (finished or not), and allow more than 64
    /// workers per logical CPU.
    #[arg(long)]
    pub force: bool,

    /// Refuse at once (exit 2, naming it) when another measurement holds the machine lock,
    /// instead of waiting for it to finish.
    #[arg(long)]
    pub no_wait: bool,

    /// Measure even while another plateau measurement runs on this machine (no lock taken;
    /// results.json records it). Both runs then measure each other's load.
    #[arg(long)]
    pub allow_concurrent: bool,
    /// memory workload: MiB of buffer each task streams through (default: twice the
    /// last-level cache, within 32..1024). At most 1048576, and it must fit in memory.
    #[arg(long, value_name = "MIB", allow_negative_numbers = true, value_parser = limits::BUFFER_MIB.parser_nonzero())]
    pub buffer_mib: Option<NonZeroU64>,

    /// io workload: milliseconds each task blocks, from 1 to 60000 [default: 20].
    #[arg(long, value_name = "MS", allow_negative_numbers = true, value_parser = limits::IO_MS.parser_nonzero())]
    pub io_ms: Option<NonZeroU64>,

    /// contended workload: locked updates of the shared counter per task, from 1 to 1000000000
    /// [default: 10000].
    #[arg(long, value_name = "N", allow_negative_numbers = true, value_parser = limits::UPDATES.parser_nonzero())]
    pub updates: Option<NonZeroU64>,

    /// tiny workload: nanoseconds of work per task, 0 for none, at most 1000000000 [default:
    /// 1000].
    #[arg(long, value_name = "NS", allow_negative_numbers = true, value_parser = limits::WORK_NS.parser())]
    pub work_ns: Option<u64>,

    /// Tasks a worker claims at once under the dynamic schedule. Default: adaptive (large
    /// claims first, single tasks at the end, so the balance stays dynamic). From 1 to 10000000.
    #[arg(long, value_name = "N", allow_negative_numbers = true, value_parser = limits::CHUNK.parser_nonzero())]
    pub chunk: Option<NonZeroU64>,

    /// Pin worker i to CPU i modulo the allowed CPUs (threads, processes and commands).
    #[arg(long)]
    pub pin: bool,

    /// Command: run it through `sh -c` (the arguments joined by spaces). Default: no shell.
    #[arg(long)]
    pub shell: bool,

    /// Command: record failing tasks in results.json instead of stopping the run.
    #[arg(long)]
    pub keep_going: bool,

    /// Persistent workers: --persistent, --ready-timeout.
    #[command(flatten)]
    pub workers_mode: persistent::PersistentArgs,

    /// Emulated instance sizes: --sizes and its flags.
    #[command(flatten)]
    pub sizes: sizes::SizesArgs,

    /// Command: kill a task that runs longer than this (e.g. 30s, 500ms, 2m; units us, ms, s, m,
    /// h).
    #[arg(long, value_name = "DURATION", allow_hyphen_values = true, value_parser = limits::TIMEOUT.parser())]
    pub timeout: Option<Duration>,

    /// Your command, run once per task (at most one per worker at a time). `{task}` and
    /// `{worker}` in it are replaced, and PLATEAU_TASK / PLATEAU_WORKER are set. Its stdout is
    /// discarded; the tail of its stderr is shown when it fails.
    #[arg(last = true, value_name = "CMD")]
    pub command: Vec<String>,
}

/// Flags of the hidden `__worker` subcommand: none (its setup arrives in the
/// `PLATEAU_WORKER_SETUP` environment variable, its tasks on stdin).
#[derive(Debug, Args)]
pub struct WorkerArgs {}

/// Flags of `plateau info`.
#[derive(Debug, Args)]
pub struct InfoArgs {
    /// Print the machine as JSON (the `machine` object of results.json).
    #[arg(long)]
    pub json: bool,
}

/// Flags of `plateau report`.
#[derive(Debug, Args)]
#[command(
    after_help = "Examples:\n  plateau report reports/2026-01-01_120000_cpu/results.json\n  \
plateau report c7i.json m7g.json r7a.json --price c7i.2xlarge=0.357 --price m7g.2xlarge=0.326\n  \
plateau report a.json b.json --markdown - >> \"$GITHUB_STEP_SUMMARY\"\n\n\
With several files, the runs are told apart by their --label and must share the workload (its\n\
parameters, or the command); each sweep's task count is shown. Cost per million tasks is price_per_hour / (tasks/s x 3600) x 1e6 at the\n\
recommended worker count."
)]
pub struct ReportArgs {
    /// results.json files written by `plateau run` (one for a report, several for a comparison).
    #[arg(value_name = "RESULTS.json", required = true)]
    pub results: Vec<PathBuf>,

    /// Output folder. Default: reports/<date>_<time>_report under the current folder, ignored
    /// by git like a run's folder.
    #[arg(long, short = 'o', value_name = "DIR")]
    pub out: Option<PathBuf>,

    /// The price of a run's machine in USD per hour, as LABEL=USD (repeatable); overrides the
    /// --price-per-hour recorded at run time.
    #[arg(long, value_name = "LABEL=USD", value_parser = limits::price_override)]
    pub price: Vec<limits::PriceOverride>,

    /// Also write the markdown summary to FILE (`-` prints it on stdout), e.g. for a pull
    /// request comment or a CI step summary.
    #[arg(long, value_name = "FILE")]
    pub markdown: Option<PathBuf>,

    /// Replace the report.html and summary.md an --out folder already holds.
    #[arg(long)]
    pub force: bool,
}

/// Flags of `run` and `analyze` that tune the analysis. Percentages are written `5%` or as the
/// fraction `0.05`; a bare number of 1 or more is refused as ambiguous.
#[derive(Debug, Clone, Args)]
pub struct AnalysisArgs {
    /// Worker counts whose throughput is within this share of the peak (5% or 0.05) form the
    /// plateau; the fewest of them is the recommendation.
    #[arg(
        long,
        value_name = "PERCENT",
        default_value = "5%",
        allow_hyphen_values = true,
        value_parser = limits::TOLERANCE.parser()
    )]
    pub tolerance: Percent,

    /// A count above the peak is oversubscribed when it is slower than the peak by more than
    /// this (and, with repeated samples, with confidence intervals apart).
    #[arg(
        long,
        value_name = "PERCENT",
        default_value = "2%",
        allow_hyphen_values = true,
        value_parser = limits::RETROGRADE_THRESHOLD.parser()
    )]
    pub retrograde_threshold: Percent,

    /// A latency objective, PERCENTILE=LIMIT with p50, p90, p99 or p999 (e.g. p99=50ms): the
    /// recommendation is the fewest workers within --tolerance of the best throughput among the
    /// counts that meet it.
    #[arg(long, value_name = "P=LIMIT", value_parser = crate::units::latency_slo::parse)]
    pub latency_slo: Option<crate::units::latency_slo::LatencySlo>,
}

/// Flags of `plateau analyze`.
#[derive(Debug, Args)]
#[command(after_help = "Inputs (the format is detected from the content):\n  \
CSV        a header naming `workers` and one of `throughput`/`tasks_per_sec`\n             \
(higher is better) or `seconds` (with a `tasks` column or --tasks);\n             \
repeated rows of a worker count are samples; other columns are ignored\n  \
hyperfine  --export-json of a --parameter-scan run: the parameter is the worker\n             \
count, `times` are the samples\n  \
plateau    a results.json (re-analysis, e.g. with another --tolerance)\n\
Several files are pooled: samples of the same worker count add up.\n\n\
Examples:\n  plateau analyze times.csv --tasks 32\n  \
hyperfine --parameter-scan workers 1 8 'python job.py -w {workers}' --export-json scan.json\n  \
plateau analyze scan.json")]
pub struct AnalyzeArgs {
    /// Measurement files: CSV, hyperfine --export-json, or plateau results.json.
    #[arg(required = true, value_name = "FILE")]
    pub files: Vec<PathBuf>,

    /// Output folder. Default: reports/<date>_<time>_analyze under the current folder.
    #[arg(long, short = 'o', value_name = "DIR")]
    pub out: Option<PathBuf>,

    /// Print results.json to stdout instead of the table.
    #[arg(long)]
    pub json: bool,

    /// Tasks per measured run, to turn seconds into tasks/s (a CSV `tasks` column wins), from 1
    /// to 1000000000000. Not for a results.json, which records its own.
    #[arg(long, short = 't', value_name = "N", allow_negative_numbers = true, value_parser = limits::ANALYZE_TASKS.parser_nonzero())]
    pub tasks: Option<NonZeroU64>,

    /// A name for the analysed data (default: the file names, or the run's own label).
    #[arg(long, value_name = "NAME")]
    pub label: Option<String>,

    /// Replace the results.json an --out folder already holds.
    #[arg(long)]
    pub force: bool,

    /// How the analysis judges the curve.
    #[command(flatten)]
    pub analysis: AnalysisArgs,
}

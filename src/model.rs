//! The serde types of results.json, schema_version 1 (the layout is in docs/ARCHITECTURE.md).
//! Field names are a contract read by tests, scripts, `compare` and users: add, never rename.
//! `json` writes the record and reads it back.

pub mod json;

use serde::{Deserialize, Serialize};

mod named;

mod config;
pub use config::{AdaptiveConfig, ConfigRecord, RunMode, RunSchedule};
mod decision;
pub use decision::{
    CountDecision, DecisionMethod, DecisionRecord, DisturbedBatch, Regions, TasksChoice,
    TasksMethod,
};
mod fits;
pub use fits::{AmdahlFit, KarpFlatt, UslConstraint, UslFit};
mod emulated;
pub use emulated::{EmulatedShape, Emulation, EmulationMethod};
mod latency;
pub use latency::{
    LatencyAnalysis, LatencySummary, LittleCheck, Percentile, ResponseFit, SloOutcome, SloRecord,
};
mod machine;
pub use machine::{BindingLimit, HostLimits, MachineInfo, MemoryLimitKind};
mod memory;
pub use memory::{MemoryAnalysis, MemoryBinds, MemoryPoint};
mod origin;
pub use origin::{ImportFormat, ImportedFrom, Origin, ThroughputUnit};

/// The schema version this build writes and reads.
pub const SCHEMA_VERSION: u32 = 1;

/// One whole run: what ran, where, how, and every raw sample.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct RunRecord {
    /// Version of this file's layout; readers refuse versions newer than theirs.
    pub schema_version: u32,
    /// The program that wrote the file.
    pub tool: ToolInfo,
    /// When and how the run happened.
    pub run: RunInfo,
    /// The machine as plateau saw it at the start of the run.
    pub machine: MachineInfo,
    /// The validated settings of the sweep.
    pub config: ConfigRecord,
    /// One entry per worker count, in ascending order of workers.
    pub points: Vec<Point>,
    /// The scaling analysis of `points`; null until it has been computed.
    #[serde(default)]
    pub analysis: Option<Analysis>,
}

/// The program that wrote the file.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct ToolInfo {
    /// Always "plateau".
    pub name: String,
    /// The crate version.
    pub version: String,
}

impl ToolInfo {
    /// This build of plateau.
    pub fn current() -> Self {
        Self {
            name: "plateau".into(),
            version: env!("CARGO_PKG_VERSION").into(),
        }
    }
}

/// When and how the run happened.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct RunInfo {
    /// A name for the run (`--label`), e.g. the instance type.
    pub label: String,
    /// RFC 3339 UTC time the sweep started.
    pub started_at: String,
    /// RFC 3339 UTC time the sweep ended; null while it is still running.
    pub finished_at: Option<String>,
    /// True when the sweep was stopped before it completed its plan.
    pub interrupted: bool,
    /// The machine's price in USD per hour, when given, for cost per throughput.
    pub price_per_hour: Option<f64>,
    /// The exact command line that produced this file.
    pub command_line: Vec<String>,
    /// Why the sweep ended; null in files written before plateau recorded it.
    #[serde(default)]
    pub stop_reason: Option<StopReason>,
    /// RFC 3339 UTC times at which `plateau run --resume` continued this run.
    #[serde(default)]
    pub resumed_at: Vec<String>,
    /// True when some session of this run measured with `--allow-concurrent` (without the
    /// machine lock), so another measurement may have run at the same time. Absent when false.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub allow_concurrent: bool,
    /// Where the sweep stood at the last save, so a run killed at any point can be continued
    /// exactly; absent in files written before plateau recorded it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub sweep_state: Option<SweepState>,
}

/// Where a sweep stood when results.json was last saved.
#[derive(Debug, Clone, Default, Serialize, Deserialize, PartialEq)]
pub struct SweepState {
    /// Seed of the round orders (the same as `config.seed`).
    pub seed: u64,
    /// 0-based index of the round in progress or last finished: warmup rounds first, then
    /// measured round k at `warmup + k`, then adaptive rounds (a resumed session numbers its
    /// new warmup rounds from 0 again).
    pub round: u32,
    /// That round's visiting order (worker counts).
    pub order: Vec<usize>,
    /// Batches of that order finished: its position in the round order.
    pub position: usize,
    /// Measured rounds finished over all sessions (planned and adaptive).
    pub rounds_done: u32,
    /// Of those, rounds added beyond the planned ones (adaptive repetitions).
    pub adaptive_rounds: u32,
    /// Batches finished over all sessions, warmup included.
    pub batches_done: u64,
    /// Seconds spent in batches (start-up plus wall) over all sessions, warmup included: the
    /// part of a time budget already used.
    pub batch_time_s: f64,
}

/// Why a sweep ended.
#[derive(Debug, Clone, Copy, Serialize, Deserialize, PartialEq, Eq)]
#[serde(rename_all = "snake_case")]
pub enum StopReason {
    /// Every planned batch ran.
    Completed,
    /// Ctrl-C or SIGTERM stopped it; `plateau run --resume DIR` continues it.
    Interrupted,
    /// A batch failed (a task's check or a worker died); what ran before it is kept.
    Failed,
    /// With `--target-ci`: every point's CI came within the target.
    TargetCiMet,
    /// With `--target-ci`: the `--max-time` budget was spent first.
    MaxTime,
    /// With `--target-ci`: the points still above the target reached the sample cap.
    MaxSamples,
    /// A reason written by a newer plateau.
    #[serde(other)]
    Other,
}

impl StopReason {
    /// The name written in results.json.
    pub fn as_str(self) -> &'static str {
        match self {
            StopReason::Completed => "completed",
            StopReason::Interrupted => "interrupted",
            StopReason::Failed => "failed",
            StopReason::TargetCiMet => "target_ci_met",
            StopReason::MaxTime => "max_time",
            StopReason::MaxSamples => "max_samples",
            StopReason::Other => "other",
        }
    }
}

/// One worker count: its raw samples and their summary.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct Point {
    /// Number of workers.
    pub workers: usize,
    /// Every kept batch, in the order it ran.
    pub samples: Vec<Sample>,
    /// Statistics of the samples; null until at least one sample exists.
    pub summary: Option<Summary>,
    /// Set when this count was skipped, not run: the bytes its pool (plus plateau) was
    /// projected to need, from the RSS measured at smaller counts, over the usable memory.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub skipped_for_memory: Option<u64>,
    /// Tasks of every batch at this count, when batches are sized per count (k tasks per
    /// worker); absent when every count ran `config.tasks` (a fixed job, or an older file).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub tasks: Option<u64>,
}

impl Point {
    /// A worker count with no samples yet: a planned point before the sweep reaches it.
    pub fn unmeasured(workers: usize) -> Self {
        Self {
            workers,
            samples: vec![],
            summary: None,
            skipped_for_memory: None,
            tasks: None,
        }
    }

    /// Tasks of this count's batches: its own, else the record's `config.tasks`.
    pub fn tasks_or(&self, config_tasks: u64) -> u64 {
        self.tasks.unwrap_or(config_tasks)
    }

    /// How many batches its summary is computed from: the undisturbed ones while there are
    /// any, else all of them (as `summary::summarize_points` chooses).
    pub fn summarised_batches(&self) -> usize {
        let clean = self.samples.iter().filter(|s| !s.disturbed).count();
        if clean > 0 { clean } else { self.samples.len() }
    }

    /// True when its intervals are intervals: at least two batches behind them. A count with
    /// one batch has none, and every output shows "—" rather than a zero-width interval.
    pub fn has_interval(&self) -> bool {
        self.summarised_batches() >= 2
    }
}

/// One batch: T tasks run by W workers.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Default)]
pub struct Sample {
    /// Seconds from the release of the start barrier to the completion of the last task.
    pub wall_s: f64,
    /// Seconds to start the workers and bring them to the barrier (not part of wall_s).
    pub startup_s: f64,
    /// User CPU seconds spent during the batch.
    pub user_s: f64,
    /// System CPU seconds spent during the batch.
    pub sys_s: f64,
    /// Voluntary context switches during the batch (a worker waited).
    pub voluntary_ctx_switches: u64,
    /// Involuntary context switches during the batch (a worker was preempted).
    pub involuntary_ctx_switches: u64,
    /// Peak resident set size in bytes (the process's high-water mark so far).
    pub peak_rss_bytes: u64,
    /// Peak RSS in bytes of each worker process (processes mode) or of the largest command
    /// each worker ran (command mode): the memory price of processes. Absent for threads.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub worker_peak_rss_bytes: Vec<u64>,
    /// Tasks that failed but were recorded instead of stopping the run (`--keep-going`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub failed_tasks: Option<u64>,
    /// Command mode: processes the tasks left running in their process group when their main
    /// process exited (e.g. `cmd &`), which plateau then killed. Absent when none were left.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub leftover_processes: Option<u64>,
    /// Quota periods in which the cgroup was throttled during the batch (cpu.stat
    /// `nr_throttled` delta); absent when no cgroup CPU quota applies.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub throttled_periods: Option<u64>,
    /// Seconds the cgroup spent throttled during the batch (cpu.stat `throttled_usec` or
    /// `throttled_time` delta); absent when no cgroup CPU quota applies.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub throttled_s: Option<f64>,
    /// 0-based round of the sweep this batch belongs to (warmup rounds counted); rounds are the
    /// blocks the decision compares within. Absent in files written before plateau recorded it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub round: Option<u32>,
    /// Seconds of steal time (the hypervisor ran something else) summed over all CPUs during
    /// the batch, from /proc/stat; absent where the OS does not say.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub steal_s: Option<f64>,
    /// CPU seconds other processes used during the batch: all CPUs' busy time from /proc/stat
    /// minus plateau's own (getrusage of itself and its children); absent where unknown.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub other_cpu_s: Option<f64>,
    /// For CPU-bound built-in workloads: the workers' CPU time over what W workers on the
    /// machine's CPUs should get in the batch's wall time (1 = all they should get).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub cpu_share: Option<f64>,
    /// True when something else used the machine during the batch (see `decision::interference`);
    /// a disturbed batch is left out of the summary and the decision while undisturbed ones exist.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub disturbed: bool,
    /// Median time of one task in the batch, seconds: a worker's own time from taking a task to
    /// finishing it (service time in a closed loop, not a response time under an arrival rate).
    /// Absent in files written before plateau recorded latencies, and for imports.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub p50_s: Option<f64>,
    /// 99th percentile of the batch's task times, seconds; absent like `p50_s`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub p99_s: Option<f64>,
    /// Every task time of the batch as an HDR histogram (HdrHistogram's V2 encoding, base64; 1 ns
    /// to 1 h at 2 significant digits), so the kept batches of a count can be merged; absent
    /// like `p50_s`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub latency_histogram: Option<String>,
}

/// Statistics of one worker count's samples.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct Summary {
    /// Median wall time of a batch, seconds.
    pub median_s: f64,
    /// Mean wall time, seconds.
    pub mean_s: f64,
    /// Fastest batch, seconds.
    pub min_s: f64,
    /// Slowest batch, seconds.
    pub max_s: f64,
    /// Sample standard deviation, seconds (0 with one sample).
    pub stddev_s: f64,
    /// 95% bootstrap confidence interval of the median, seconds.
    pub ci95_s: [f64; 2],
    /// Coefficient of variation: stddev / mean.
    pub cv: f64,
    /// Samples further than 3 scaled MADs from the median.
    pub outliers: usize,
    /// Tasks per second at the median: tasks / median_s.
    pub tasks_per_sec: f64,
    /// 95% interval of tasks/sec, from the CI of the median.
    pub tasks_per_sec_ci95: [f64; 2],
    /// Throughput relative to one worker.
    pub speedup: f64,
    /// Speedup divided by the worker count.
    pub efficiency: f64,
    /// Task latency over the kept batches (their histograms merged); absent when no batch
    /// recorded latencies (older files, imports).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub latency: Option<LatencySummary>,
}

/// The scaling analysis: where throughput peaks and plateaus, and how many workers to run.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct Analysis {
    /// The worker count with the highest median throughput.
    pub peak: Peak,
    /// The worker counts within tolerance of the peak.
    pub plateau: Plateau,
    /// The fewest workers on the plateau.
    pub recommended_workers: usize,
    /// The smallest count above the peak that is significantly slower, if any.
    pub oversubscribed_from: Option<usize>,
    /// Relative throughput drop at the largest count measured, if it dropped.
    pub retrograde_drop: Option<f64>,
    /// Amdahl's law fitted to the speedups; null when it cannot be fitted.
    pub amdahl: Option<AmdahlFit>,
    /// The Universal Scalability Law fitted to throughput; null when it cannot be fitted.
    pub usl: Option<UslFit>,
    /// Experimentally determined serial fraction at each W > 1.
    pub karp_flatt: Vec<KarpFlatt>,
    /// Plain sentences a sizing engineer can act on.
    pub verdict: String,
    /// Reasons to distrust or qualify the numbers.
    pub warnings: Vec<String>,
    /// How the recommendation was decided, with its stability; null in older files.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub decision: Option<DecisionRecord>,
    /// Where the models were fitted and what oversubscription costs; null in older files.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub regions: Option<Regions>,
    /// Memory per worker and the largest pool that fits the memory limit; absent when the
    /// record has no memory limit (older files, imports).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub memory: Option<MemoryAnalysis>,
    /// Little's law, the response-time fit and the latency SLO; absent when no count recorded
    /// latencies (older files, imports).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub latency: Option<LatencyAnalysis>,
}

/// The best worker count and its throughput.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct Peak {
    /// Workers at the peak.
    pub workers: usize,
    /// Median tasks/sec at the peak.
    pub tasks_per_sec: f64,
}

/// The range of worker counts whose throughput is within tolerance of the peak.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct Plateau {
    /// Smallest worker count on the plateau.
    pub from_workers: usize,
    /// Largest worker count on the plateau.
    pub to_workers: usize,
    /// Fraction below the peak still counted as the plateau (0.05 = 5%).
    pub tolerance: f64,
}

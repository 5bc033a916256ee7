//! The latency fields of results.json: a point's `summary.latency`, and `analysis.latency` (the
//! Little's law check at every count, the USL's response-time fit, the latency SLO's outcome).
//! Every field is optional when read, so older files still load.

use serde::{Deserialize, Serialize};

/// Task latency of one worker count over its kept batches.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct LatencySummary {
    /// Tasks timed.
    pub tasks: u64,
    /// Mean time of a task, seconds.
    pub mean_s: f64,
    /// Median, seconds.
    pub p50_s: f64,
    /// 90th percentile, seconds.
    pub p90_s: f64,
    /// 99th percentile, seconds.
    pub p99_s: f64,
    /// 99.9th percentile, seconds.
    pub p999_s: f64,
    /// Longest task, seconds.
    pub max_s: f64,
}

/// A percentile of task latency, as `--latency-slo` names it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Percentile {
    /// The median.
    P50,
    /// The 90th percentile.
    P90,
    /// The 99th percentile.
    P99,
    /// The 99.9th percentile.
    P999,
    /// A percentile written by a newer plateau.
    #[serde(other)]
    Other,
}

impl Percentile {
    /// Every percentile `--latency-slo` accepts, in order.
    pub const KNOWN: [Percentile; 4] = [
        Percentile::P50,
        Percentile::P90,
        Percentile::P99,
        Percentile::P999,
    ];

    /// The name: `p50`, `p90`, `p99` or `p999`.
    pub fn as_str(self) -> &'static str {
        match self {
            Percentile::P50 => "p50",
            Percentile::P90 => "p90",
            Percentile::P99 => "p99",
            Percentile::P999 => "p999",
            Percentile::Other => "other",
        }
    }

    /// This percentile of a latency summary, seconds (`None` for an unknown one).
    pub fn of(self, s: &LatencySummary) -> Option<f64> {
        match self {
            Percentile::P50 => Some(s.p50_s),
            Percentile::P90 => Some(s.p90_s),
            Percentile::P99 => Some(s.p99_s),
            Percentile::P999 => Some(s.p999_s),
            Percentile::Other => None,
        }
    }
}

impl std::fmt::Display for Percentile {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

/// What the analysis read from the latencies.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct LatencyAnalysis {
    /// Little's law at every count with latencies: the workers against throughput x mean
    /// latency.
    pub little: Vec<LittleCheck>,
    /// The USL's response-time form fitted to the mean latencies; null with fewer than three
    /// counts or a fit that does not hold.
    #[serde(default)]
    pub response_fit: Option<ResponseFit>,
    /// The workers' CPU share at the plateau's first count: their CPU seconds over wall x
    /// workers (1 = every worker busy on a CPU all the time); null when not measured.
    #[serde(default)]
    pub cpu_share: Option<f64>,
    /// True when throughput stopped rising while the CPUs were not busy and latency grew in
    /// proportion to the workers past the plateau: the work waits on something outside.
    #[serde(default)]
    pub waits_outside: bool,
    /// The outcome of `--latency-slo`, when given.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub slo: Option<SloRecord>,
}

/// Little's law at one worker count: in a closed loop, W = throughput x mean latency.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct LittleCheck {
    /// Workers.
    pub workers: usize,
    /// Tasks in flight by Little's law: tasks/s x mean latency in seconds.
    pub in_flight: f64,
    /// `in_flight / workers`: 1 when every worker was always busy with a task; below 1 when
    /// workers sat idle or tasks waited to be handed out; above 1 is a measurement fault.
    pub ratio: f64,
}

/// R(N) = (1 + sigma (N-1) + kappa N (N-1)) / lambda, the USL's response-time form, fitted to
/// the mean latency at each count.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct ResponseFit {
    /// Contention: the share of a task that queues behind the others.
    pub sigma: f64,
    /// Coherency: the cost of each pair of workers.
    pub kappa: f64,
    /// Tasks per second of one worker alone (1 / its latency).
    pub lambda: f64,
    /// Coefficient of determination of the fit over the mean latencies.
    pub r2: f64,
}

/// What binds the recommendation under a latency SLO.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum SloOutcome {
    /// The SLO: it holds at fewer workers than the plateau would recommend.
    Slo,
    /// The plateau: every count up to its recommendation meets the SLO.
    Plateau,
    /// No count meets the SLO; the recommendation is the plateau's.
    NoneMeet,
    /// An outcome written by a newer plateau.
    #[serde(other)]
    Other,
}

/// The outcome of `--latency-slo PERCENTILE=LIMIT`.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct SloRecord {
    /// The percentile the SLO bounds.
    pub percentile: Percentile,
    /// Its limit, seconds.
    pub limit_s: f64,
    /// The counts whose percentile is at or below the limit.
    pub meeting: Vec<usize>,
    /// What binds the recommendation.
    pub binds: SloOutcome,
    /// The recommendation without the SLO (the plateau's, capped by memory).
    pub unconstrained_workers: usize,
    /// The count with the lowest value of the percentile, and that value in seconds.
    pub best_workers: usize,
    /// The lowest value of the percentile seen, seconds.
    pub best_s: f64,
}

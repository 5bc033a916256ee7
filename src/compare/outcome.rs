//! The comparison's outcome as the writers and `--json` see it: the verdict, per-worker-count
//! statuses with their evidence, the whole-curve test and the curve checks. Serialized field
//! names are read by CI scripts (documented in docs/ci.md): add, never rename.

use super::config_diff::ConfigDifference;
use super::curve::CurveChecks;
use crate::stats::mann_whitney::PMethod;
use crate::stats::ratio_ci::RatioCi;
use serde::Serialize;

/// The overall outcome.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Verdict {
    /// No regression found among the points that could be decided.
    Pass,
    /// At least one regression (a worker count or the whole curve): exit code 1.
    Regression,
    /// No worker count had enough samples on both sides to decide anything.
    Undecided,
    /// No regression was established, but a slowdown beyond the threshold was seen that is
    /// not significant: the files cannot tell it from noise (exit 4).
    Inconclusive,
}

/// What the comparison found at one worker count (or for the whole curve).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Status {
    /// Slower by more than the threshold, and significant.
    Regression,
    /// Faster by more than the threshold, and significant.
    Improvement,
    /// The change is within the threshold.
    WithinThreshold,
    /// Changed by more than the threshold, but not significantly: too noisy to call.
    Inconclusive,
    /// Fewer than `MIN_SAMPLES` samples on a side.
    TooFewSamples,
    /// Measured in the baseline only.
    OnlyInBaseline,
    /// Measured in the current run only.
    OnlyInCurrent,
}

impl Status {
    /// The status in a few words, for tables.
    pub fn words(self) -> &'static str {
        match self {
            Status::Regression => "REGRESSION",
            Status::Improvement => "improvement",
            Status::WithinThreshold => "within threshold",
            Status::Inconclusive => "inconclusive (noisy)",
            Status::TooFewSamples => "too few samples",
            Status::OnlyInBaseline => "baseline only",
            Status::OnlyInCurrent => "current only",
        }
    }
}

/// Whether a figure moved beyond the threshold.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Movement {
    /// Lower by more than the threshold.
    Lower,
    /// Higher by more than the threshold.
    Higher,
    /// Within the threshold.
    Steady,
}

impl Movement {
    /// The movement in a word, for tables.
    pub fn words(self) -> &'static str {
        match self {
            Movement::Lower => "lower",
            Movement::Higher => "higher",
            Movement::Steady => "steady",
        }
    }

    /// The movement of `ratio` (current / baseline) against `threshold`.
    pub fn of(ratio: f64, threshold: f64) -> Self {
        if ratio < 1.0 - threshold {
            Movement::Lower
        } else if ratio > 1.0 + threshold {
            Movement::Higher
        } else {
            Movement::Steady
        }
    }
}

/// The tests' outcome for a worker count or the whole curve.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct Evidence {
    /// Throughput ratio current / baseline with its 95% bootstrap CI.
    pub ratio: RatioCi,
    /// One-sided p-value of "current is slower".
    pub p_slower: f64,
    /// `p_slower` after Holm's correction over the family (curve + every decided count).
    pub p_slower_holm: f64,
    /// One-sided p-value of "current is faster".
    pub p_faster: f64,
    /// `p_faster` after Holm's correction.
    pub p_faster_holm: f64,
}

/// One worker count.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct PointComparison {
    /// Workers.
    pub workers: usize,
    /// Usable samples (finite, positive wall time) in the baseline.
    pub baseline_samples: usize,
    /// Usable samples in the current run.
    pub current_samples: usize,
    /// Median tasks/s in the baseline; null when not measured there.
    pub baseline_tasks_per_sec: Option<f64>,
    /// Median tasks/s in the current run; null when not measured there.
    pub current_tasks_per_sec: Option<f64>,
    /// The tests; null when the point was not decided.
    pub evidence: Option<Evidence>,
    /// "exact" or "normal": how the Mann-Whitney p-values were computed; null when not tested.
    pub p_method: Option<PMethod>,
    /// What was found.
    pub status: Status,
}

/// The whole curve: the pooled test over every decided worker count.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct WholeCurve {
    /// Worker counts pooled.
    pub workers: Vec<usize>,
    /// Ratio = geometric mean of the per-count ratios, with its bootstrap CI; stratified
    /// Mann-Whitney p-values (normal approximation).
    pub evidence: Evidence,
    /// What was found.
    pub status: Status,
}

/// Which run a side is.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct RunRef {
    /// `run.label`.
    pub label: String,
    /// `run.started_at`.
    pub started_at: String,
    /// `tool.version` of the plateau that measured it.
    pub tool_version: String,
    /// The file it was read from; null when compared in memory.
    pub file: Option<String>,
}

/// The comparison: everything the writers and the exit code need.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Comparison {
    /// pass, regression or undecided.
    pub verdict: Verdict,
    /// Threshold as a fraction (0.05 = 5%).
    pub threshold: f64,
    /// Significance level.
    pub alpha: f64,
    /// Minimum samples per side for a worker count to be decided.
    pub min_samples: usize,
    /// The baseline run.
    pub baseline: RunRef,
    /// The current run.
    pub current: RunRef,
    /// Settings that differ (non-empty only when the change was allowed).
    pub config_differences: Vec<ConfigDifference>,
    /// The pooled test over the whole curve; null when no count was decided.
    pub whole_curve: Option<WholeCurve>,
    /// One entry per worker count found in either run, ascending.
    pub points: Vec<PointComparison>,
    /// Peak, recommendation and efficiency checks.
    pub curve: CurveChecks,
    /// Worker counts found to regress (the whole curve is not counted here).
    pub regressions: Vec<usize>,
    /// Worker counts found to improve.
    pub improvements: Vec<usize>,
    /// Plain sentences: skipped checks, too few samples, machine differences.
    pub notes: Vec<String>,
}

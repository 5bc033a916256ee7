//! The results.json types added for decisions on noisy machines: how the task count was
//! chosen, how the recommendation was decided and how stable it is, the disturbed batches,
//! and the regions the models were fitted on. Schema version 1: fields are only added.

use super::named::named_enum;
use serde::{Deserialize, Serialize};

named_enum! {
    /// How the task count was found. A name this build does not know reads as `Other` and is
    /// shown as written.
    pub enum TasksMethod {
        /// From a short timed run, so the shortest batch lasts the batch time aimed for.
        Calibrated => "calibrated",
        /// Given with `--tasks`.
        Given => "given",
        /// The smallest count with at most 5% imbalance, for workloads plateau does not
        /// calibrate.
        CountDefault => "count_default",
    }
}

/// How `config.tasks` was chosen.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct TasksChoice {
    /// How the count was found.
    pub method: TasksMethod,
    /// Seconds one task took on one worker in the calibration.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub task_s: Option<f64>,
    /// The shortest batch aimed for, at the fastest planned count, seconds.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub target_batch_s: Option<f64>,
    /// CPUs' worth of parallel speed the sizing assumed (the quota, else the effective CPUs).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub capacity_cpus: Option<f64>,
    /// Seconds the calibration took.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub calibration_s: Option<f64>,
    /// Largest load imbalance of the chosen count over the planned worker counts (0 when
    /// batches are sized per count: each holds a multiple of its workers).
    pub max_imbalance: f64,
    /// Tasks per worker up to the capacity, when batches are sized per count (each point then
    /// records its own `tasks`); absent for one fixed job at every count.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub per_worker: Option<u64>,
}

/// The decision behind peak, plateau and recommendation, and how certain it is.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct DecisionRecord {
    /// How the counts were compared.
    pub method: DecisionMethod,
    /// Rounds (or the most samples of a count, when independent) behind the decision.
    pub rounds: usize,
    /// Bootstrap resamples drawn.
    pub resamples: usize,
    /// Share of resamples that recommend the same count (null under "medians").
    pub stability: Option<f64>,
    /// Half-width of a point's 95% CI, relative to its level, at or below which it converged.
    pub target_ci: f64,
    /// Every count's level and standing.
    pub counts: Vec<CountDecision>,
    /// Counts whose 95% CI is wider than the target.
    pub unconverged: Vec<usize>,
    /// Counts that, for a CPU-bound workload, measured a speedup above the CPUs available
    /// (beyond 10%): a measurement fault, not scaling.
    pub physics_faults: Vec<usize>,
    /// Every batch that other work on the machine disturbed.
    pub disturbed: Vec<DisturbedBatch>,
    /// Share of all batches that were disturbed; at half or more the decision is not made
    /// (the verdict says so) because the numbers measure the competition for the CPUs.
    #[serde(default)]
    pub disturbed_share: f64,
}

named_enum! {
    /// How a decision compared the counts. A name this build does not know reads as `Other`
    /// and is treated as a resampling method (its unconverged counts are shown).
    pub enum DecisionMethod {
        /// Levels within rounds, rounds resampled as blocks.
        RoundBlocks => "round_blocks",
        /// Each count's samples resampled on their own.
        Independent => "independent",
        /// Medians only: too few samples to resample.
        Medians => "medians",
    }
}

impl DecisionMethod {
    /// True when the counts were resampled, so their CIs (and which did not converge) mean
    /// something; false under plain medians.
    pub fn resampled(&self) -> bool {
        *self != DecisionMethod::Medians
    }
}

/// One count in the decision.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct CountDecision {
    /// Workers.
    pub workers: usize,
    /// Throughput relative to the peak's (1 = the peak), compared within rounds.
    pub relative_to_peak: f64,
    /// 95% interval of `relative_to_peak`.
    pub relative_ci95: [f64; 2],
    /// Half-width of the count's own 95% CI relative to its level (0.02 = ±2%), with the
    /// slowdowns common to a whole round taken out.
    pub ci_half_width: f64,
    /// True when `ci_half_width` is within the target.
    pub converged: bool,
    /// True when the count is not credibly more than the tolerance below the peak.
    pub on_plateau: bool,
}

/// A batch that other work disturbed.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct DisturbedBatch {
    /// Workers of the batch.
    pub workers: usize,
    /// 0-based round, when recorded.
    pub round: Option<u32>,
    /// CPUs' worth of other processes' work during it.
    pub other_cpus: Option<f64>,
    /// CPUs' worth of steal during it.
    pub steal_cpus: Option<f64>,
    /// The workers' share of the CPU they should have had.
    pub cpu_share: Option<f64>,
}

/// The scalable region the models were fitted on, and the oversubscribed region past it.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct Regions {
    /// Largest count of the scalable region (the effective CPUs), when the machine is known.
    pub scalable_up_to: Option<usize>,
    /// Counts the models were fitted on.
    pub fitted_counts: Vec<usize>,
    /// Why a model was not fitted, in words, when one was not.
    pub fit_note: Option<String>,
    /// Share of the throughput at the effective CPUs lost per worker beyond them (a
    /// least-squares slope; negative when throughput still grew), with two or more counts past.
    pub lost_per_extra_worker: Option<f64>,
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::named::assert_round_trips;

    #[test]
    fn method_names_round_trip() {
        assert_round_trips(
            DecisionMethod::KNOWN,
            &["round_blocks", "independent", "medians"],
            DecisionMethod::Other,
        );
        assert_round_trips(
            TasksMethod::KNOWN,
            &["calibrated", "given", "count_default"],
            TasksMethod::Other,
        );
        assert!(DecisionMethod::Other("bayes".into()).resampled());
        assert!(!DecisionMethod::Medians.resampled());
    }
}

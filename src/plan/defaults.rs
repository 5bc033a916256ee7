//! Every default of a run's design and of the gate, in one place: the help text, the config,
//! the calibration and the analysis all read them from here.

use std::time::Duration;

/// Target of adaptive runs: every count's interval within ±2% of its level.
pub const TARGET_CI: f64 = 0.02;
/// Kept batches per count of a fixed design (`--max-time`-less `--repetitions` aside).
pub const REPETITIONS: u32 = 5;
/// Discarded batches per count, unless a calibration already warmed up.
pub const WARMUP: u32 = 1;
/// Planned rounds of a default adaptive run before the decision steers: as many as the decision
/// needs before it calls anything certain (`decision::MIN_ROUNDS`).
pub const BASE_ROUNDS: u32 = 5;
/// Rounds the default budget holds: the base rounds, then as many again and more where the
/// decision is unsure. A round costs about the batch time per planned count, whatever the core
/// count, so the budget grows with the plan, never with the machine.
pub const BUDGET_ROUNDS: u32 = 12;
/// `--max-time` when `--target-ci` is given without it.
pub const TARGET_CI_MAX_TIME: Duration = Duration::from_secs(600);
/// The shortest batch a calibrated default aims for, seconds.
pub const MIN_BATCH_S: f64 = 0.5;
/// Quota periods the shortest batch spans under a binding CPU quota: a period's burst at the
/// start and the end of a batch then moves its throughput by a few percent at most.
pub const QUOTA_PERIODS: f64 = 20.0;
/// The gate's `--max-time`.
pub const GATE_MAX_TIME: Duration = Duration::from_secs(120);

/// Help texts of the flags whose defaults live here, written from the constants above.
pub mod help {
    use super::*;

    /// `--tasks`.
    pub fn tasks() -> String {
        format!(
            "Tasks per batch, one fixed job at every worker count (the seed's Pool.map over N tasks; its time includes load imbalance). Default: sized per count from a short untimed calibration of your task, so each count's batch holds a multiple of its workers (no imbalance) and lasts about {MIN_BATCH_S} s ({} s, {QUOTA_PERIODS} quota periods, under a CPU quota). From 1 to 10000000",
            QUOTA_PERIODS * 0.1
        )
    }

    /// `--max-time`.
    pub fn max_time() -> String {
        format!(
            "Time budget of adaptive rounds, counted in batches (e.g. 90s, 10m, 1h; at least one round). Default: {BUDGET_ROUNDS} rounds, and a round costs about {MIN_BATCH_S} s per planned worker count whatever the core count ({} s for the 6 counts of a 2-CPU machine), or {}m with --target-ci",
            f64::from(BUDGET_ROUNDS) * MIN_BATCH_S * 6.0,
            TARGET_CI_MAX_TIME.as_secs() / 60
        )
    }

    /// `--target-ci`.
    pub fn target_ci() -> String {
        format!(
            "Adaptive rounds until certain: every count's 95% CI half-width (slowdowns common to a round taken out) within this share of its level (2% or the fraction 0.02), and the recommendation stable in 95% of bootstrap resamples of rounds. Default {}% when neither --repetitions nor --target-ci is given",
            TARGET_CI * 100.0
        )
    }

    /// `--warmup`.
    pub fn warmup() -> String {
        format!(
            "Discarded batches per worker count, run first (warms caches and frequency). Default {WARMUP}; 0 in an adaptive run whose task count was calibrated (the calibration warmed up). From 0 to 1000"
        )
    }

    /// `--repetitions`.
    pub fn repetitions() -> String {
        format!(
            "Kept batches per worker count: a fixed design of N rounds (e.g. -r {REPETITIONS}). Without it (and without --target-ci) the run is adaptive: {BASE_ROUNDS} rounds, then more until the recommendation is certain or the time budget (--max-time) is spent. From 1 to 10000"
        )
    }
}

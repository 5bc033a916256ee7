//! Decisions that respect uncertainty, shared by the sweep (when to stop, where to measure
//! more) and the analysis (what to recommend). Rounds are blocks: levels are compared within
//! rounds, and whole rounds are resampled. Pure, apart from nothing: points in, decisions out.

pub mod interference;
pub mod rule;
pub mod table;

pub use rule::{Decision, Method, RuleOptions, decide};

use crate::model::Point;

/// A speedup above the CPUs available by more than this share is a measurement fault for
/// CPU-bound work.
pub const PHYSICS_TOLERANCE: f64 = 0.10;

/// Share of resamples naming the same count at or above which a recommendation is stable.
pub const STABLE: f64 = 0.95;

/// Fewest rounds before a decision may count as certain: with fewer, a bootstrap of rounds
/// takes so few distinct values that its intervals look narrow by chance.
pub const MIN_ROUNDS: usize = 5;

/// The decision on `points` (disturbed batches left out while clean ones exist).
pub fn on_points(points: &[Point], o: &RuleOptions) -> Option<Decision> {
    decide(&table::Table::of(points), o)
}

/// Counts whose speedup over one worker (compared within rounds) exceeds `capacity_cpus` by
/// more than `PHYSICS_TOLERANCE`: impossible for CPU-bound work, so the data are disturbed.
pub fn physics_faults(d: &Decision, capacity_cpus: f64) -> Vec<usize> {
    let Some(one) = d.col(1) else {
        return vec![];
    };
    (0..d.workers.len())
        .filter(|&i| d.ratio(i, one) > capacity_cpus * (1.0 + PHYSICS_TOLERANCE))
        .map(|i| d.workers[i])
        .collect()
}

/// Counts whose own 95% CI is wider than `target` (relative half-width).
pub fn unconverged(d: &Decision, target: f64) -> Vec<usize> {
    (0..d.workers.len())
        .filter(|&i| d.half_width[i].is_nan() || d.half_width[i] > target)
        .map(|i| d.workers[i])
        .collect()
}

/// True when every CI is within `target`, the recommendation is stable and enough rounds ran.
pub fn certain(d: &Decision, target: f64) -> bool {
    d.method != Method::Medians
        && d.rounds >= MIN_ROUNDS
        && unconverged(d, target).is_empty()
        && d.stability.is_some_and(|s| s >= STABLE)
}

#[cfg(test)]
mod noisy_tests;

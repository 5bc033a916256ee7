//! Adaptive repetitions (`--target-ci`): after the planned rounds, keep adding rounds, each
//! visiting only the worker counts whose 95% CI is still wider than the target, until every
//! count is within it, the time budget is spent, or a count hits the sample cap. Pure: points
//! and time spent in, a decision out.
//!
//! The anchor is the Phoronix Test Suite's dynamic run count, which re-runs a whole test while
//! its relative standard deviation is above a threshold. Here the criterion is the CI of the
//! median the report shows, extra rounds go only to the counts that need them, and a round that
//! would not fit in the remaining budget is not started.

use crate::model::Point;
use std::time::Duration;

/// Fewest samples before a point's bootstrap CI is trusted to judge convergence: with fewer,
/// the resampled medians take so few values that the interval can look narrow by chance.
pub const MIN_SAMPLES: usize = 5;

/// Most samples any point gets, whatever the budget: a cap that keeps results.json small and
/// ends runs of near-instant batches that would otherwise loop for the whole budget.
pub const MAX_SAMPLES: usize = 500;

/// The adaptive policy's settings.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct AdaptiveSpec {
    /// Largest accepted CI half-width relative to the median (0.02 = 2%).
    pub target: f64,
    /// Budget of time spent in batches (warmup included) for the whole sweep.
    pub max_time: Duration,
}

/// Why adaptive rounds ended.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum AdaptiveStop {
    /// Every point's CI is within the target.
    TargetMet,
    /// The time budget is spent, or the next round would not fit in what is left.
    MaxTime,
    /// Every point still above the target already holds `MAX_SAMPLES` samples.
    MaxSamples,
}

/// What to do after a round.
#[derive(Debug, Clone, PartialEq)]
pub enum Next {
    /// Run one more round over these worker counts.
    Visit(Vec<usize>),
    /// Stop adding rounds.
    Stop(AdaptiveStop),
}

/// Half-width of the point's 95% CI relative to its median; infinite without a summary or a
/// positive median, so such a point never counts as converged.
pub fn relative_half_width(point: &Point) -> f64 {
    match &point.summary {
        Some(s) if s.median_s > 0.0 => (s.ci95_s[1] - s.ci95_s[0]) / 2.0 / s.median_s,
        _ => f64::INFINITY,
    }
}

/// True when the point has enough samples and its CI is within `target`.
pub fn converged(point: &Point, target: f64) -> bool {
    point.samples.len() >= MIN_SAMPLES && relative_half_width(point) <= target
}

/// Expected seconds of one more batch at this point: its median startup plus wall time.
fn expected_batch_s(point: &Point) -> f64 {
    let mut costs: Vec<f64> = point
        .samples
        .iter()
        .map(|s| s.startup_s + s.wall_s)
        .filter(|c| c.is_finite())
        .collect();
    if costs.is_empty() {
        return 0.0;
    }
    costs.sort_by(f64::total_cmp);
    costs[costs.len() / 2]
}

/// The decision after a round, given the points (with fresh summaries) and the time spent.
pub fn next_round(points: &[Point], spec: &AdaptiveSpec, spent: Duration) -> Next {
    let open: Vec<&Point> = points
        .iter()
        .filter(|p| !converged(p, spec.target) && p.skipped_for_memory.is_none())
        .collect();
    if open.is_empty() {
        return Next::Stop(AdaptiveStop::TargetMet);
    }
    let room: Vec<&Point> = open
        .into_iter()
        .filter(|p| p.samples.len() < MAX_SAMPLES)
        .collect();
    if room.is_empty() {
        return Next::Stop(AdaptiveStop::MaxSamples);
    }
    let round_s: f64 = room.iter().map(|p| expected_batch_s(p)).sum();
    if spent.as_secs_f64() + round_s > spec.max_time.as_secs_f64() {
        return Next::Stop(AdaptiveStop::MaxTime);
    }
    Next::Visit(room.iter().map(|p| p.workers).collect())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::summary::summarize_points;
    use crate::testdata::point;

    fn spec(target: f64, secs: u64) -> AdaptiveSpec {
        AdaptiveSpec {
            target,
            max_time: Duration::from_secs(secs),
        }
    }

    #[test]
    fn only_wide_points_get_more_rounds() {
        let mut pts = vec![
            point(1, &[1.0, 1.001, 0.999, 1.0, 1.0005]),
            point(2, &[0.5, 0.7, 0.4, 0.6, 0.45]),
        ];
        summarize_points(&mut pts, 8, 1);
        assert!(converged(&pts[0], 0.02));
        assert!(!converged(&pts[1], 0.02));
        assert_eq!(
            next_round(&pts, &spec(0.02, 60), Duration::ZERO),
            Next::Visit(vec![2])
        );
    }

    #[test]
    fn too_few_samples_never_converge() {
        let mut pts = vec![point(1, &[1.0, 1.0, 1.0])];
        summarize_points(&mut pts, 8, 1);
        assert_eq!(relative_half_width(&pts[0]), 0.0);
        assert!(!converged(&pts[0], 0.02));
        assert_eq!(
            next_round(&pts, &spec(0.02, 60), Duration::ZERO),
            Next::Visit(vec![1])
        );
    }

    #[test]
    fn all_within_target_stops() {
        let mut pts = vec![point(1, &[1.0; 5]), point(2, &[0.5; 6])];
        summarize_points(&mut pts, 8, 1);
        assert_eq!(
            next_round(&pts, &spec(0.02, 60), Duration::ZERO),
            Next::Stop(AdaptiveStop::TargetMet)
        );
    }

    #[test]
    fn a_round_that_would_overrun_the_budget_is_not_started() {
        let mut pts = vec![point(1, &[1.0, 2.0, 3.0, 1.0, 2.0])];
        summarize_points(&mut pts, 8, 1);
        // Median batch costs 2 s: 9 s spent of 10 leaves no room; 7 s spent does.
        assert_eq!(
            next_round(&pts, &spec(0.02, 10), Duration::from_secs(9)),
            Next::Stop(AdaptiveStop::MaxTime)
        );
        assert_eq!(
            next_round(&pts, &spec(0.02, 10), Duration::from_secs(7)),
            Next::Visit(vec![1])
        );
    }

    #[test]
    fn the_sample_cap_ends_hopeless_points() {
        let walls: Vec<f64> = (0..MAX_SAMPLES).map(|i| 1.0 + (i % 2) as f64).collect();
        let mut pts = vec![point(1, &walls)];
        summarize_points(&mut pts, 8, 1);
        assert_eq!(
            next_round(&pts, &spec(0.001, 1_000_000), Duration::ZERO),
            Next::Stop(AdaptiveStop::MaxSamples)
        );
    }

    #[test]
    fn a_point_without_summary_is_open() {
        let pts = vec![point(1, &[])];
        assert_eq!(relative_half_width(&pts[0]), f64::INFINITY);
        assert_eq!(
            next_round(&pts, &spec(0.5, 10), Duration::ZERO),
            Next::Visit(vec![1])
        );
    }
}

//! Adaptive rounds, the default of `plateau run` (and `--target-ci`): after the planned rounds,
//! keep adding rounds until the decision is certain (every count's 95% CI, with the slowdowns a
//! whole round shares taken out, within the target, and the recommendation stable under a
//! bootstrap of rounds), the time budget is spent, or a count hits the sample cap. Extra rounds
//! visit only the counts the decision is unsure about (plus the recommended count and the peak,
//! which anchor each round's comparison). Pure: points and time spent in, a decision out.
//!
//! The anchor is the Phoronix Test Suite's dynamic run count, which re-runs a whole test while
//! its relative standard deviation is above a threshold. Here the criterion is the decision
//! itself, and a round that would not fit in the remaining budget is not started.

use crate::analysis::AnalysisOptions;
use crate::config::design::Adaptive;
use crate::model::Point;
use std::time::Duration;

/// Fewest samples before a point's bootstrap CI is trusted to judge convergence: with fewer,
/// the resampled medians take so few values that the interval can look narrow by chance.
pub const MIN_SAMPLES: usize = 5;

/// Most samples any point gets, whatever the budget: a cap that keeps results.json small and
/// ends runs of near-instant batches that would otherwise loop for the whole budget.
pub const MAX_SAMPLES: usize = 500;

/// The adaptive policy as the sweep applies it: the design's stopping rule, the decision's
/// options (borrowed from the analysis, so the sweep stops on the decision the report shows)
/// and, for a CPU-bound built-in workload, the CPUs of the physics check.
#[derive(Debug, Clone, Copy)]
pub struct Policy<'a> {
    /// The target and the time budget.
    pub adaptive: &'a Adaptive,
    /// `--tolerance` and `--retrograde-threshold`, which the decision uses.
    pub analysis: &'a AnalysisOptions,
    /// CPUs a CPU-bound built-in workload can use (for the physics check); `None` otherwise.
    pub capacity_cpus: Option<f64>,
}

/// Resamples of the decision while the sweep runs: as many as the analysis draws, so the
/// sweep stops on the decision the report shows.
pub const SWEEP_RESAMPLES: usize = crate::decision::rule::RESAMPLES;

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

/// The decision after a round, given the points (with fresh summaries), the time spent and
/// the record's seed.
pub fn next_round(points: &[Point], spec: &Policy<'_>, spent: Duration, seed: u64) -> Next {
    let wanted = wanted(points, spec, seed);
    let Some(want) = wanted else {
        return Next::Stop(AdaptiveStop::TargetMet);
    };
    let room: Vec<&Point> = points
        .iter()
        .filter(|p| want.contains(&p.workers) && p.samples.len() < MAX_SAMPLES)
        .collect();
    if room.len() < want.len().min(2) {
        return Next::Stop(AdaptiveStop::MaxSamples);
    }
    let round_s: f64 = room.iter().map(|p| expected_batch_s(p)).sum();
    if spent.as_secs_f64() + round_s > spec.adaptive.budget.limit().as_secs_f64() {
        return Next::Stop(AdaptiveStop::MaxTime);
    }
    Next::Visit(room.iter().map(|p| p.workers).collect())
}

/// The counts the next round should visit, or `None` when the decision is certain.
fn wanted(points: &[Point], spec: &Policy<'_>, seed: u64) -> Option<Vec<usize>> {
    // A count skipped because its pool would not fit in memory is never measured again.
    let kept: Vec<Point> = points
        .iter()
        .filter(|p| p.skipped_for_memory.is_none())
        .cloned()
        .collect();
    let points = &kept[..];
    let all: Vec<usize> = points.iter().map(|p| p.workers).collect();
    let opts = crate::decision::RuleOptions {
        tolerance: spec.analysis.tolerance,
        threshold: spec.analysis.retrograde_threshold,
        seed,
        resamples: SWEEP_RESAMPLES,
    };
    let Some(d) = crate::decision::on_points(points, &opts) else {
        return Some(all);
    };
    let faults = spec
        .capacity_cpus
        .map(|c| crate::decision::physics_faults(&d, c))
        .unwrap_or_default();
    if crate::decision::certain(&d, spec.adaptive.target) && faults.is_empty() {
        return None;
    }
    if d.rounds < crate::decision::MIN_ROUNDS || d.workers.len() < all.len() {
        return Some(all);
    }
    let open = crate::decision::unconverged(&d, spec.adaptive.target);
    let mut want: Vec<usize> = all
        .iter()
        .copied()
        .filter(|w| {
            open.contains(w) || faults.contains(w) || d.col(*w).is_some_and(|c| d.unsettled[c])
        })
        .collect();
    if want.is_empty() {
        return Some(all);
    }
    want.extend([d.recommended(), d.peak()]);
    if !faults.is_empty() {
        want.push(1);
    }
    want.sort_unstable();
    want.dedup();
    Some(want)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::Sample;
    use crate::summary::summarize_points;

    const OPTS: AnalysisOptions = AnalysisOptions {
        tolerance: 0.05,
        retrograde_threshold: 0.02,
        latency_slo: None,
    };

    fn spec(target: f64, secs: u64) -> Policy<'static> {
        let adaptive = Box::leak(Box::new(Adaptive {
            target,
            budget: crate::config::design::Budget::Given(Duration::from_secs(secs)),
            by_default: true,
        }));
        Policy {
            adaptive,
            analysis: &OPTS,
            capacity_cpus: Some(2.0),
        }
    }

    /// Points at `workers` over rounds; `wall(w, r)` gives each batch.
    fn rounds(workers: &[usize], n: u32, wall: &dyn Fn(usize, u32) -> f64) -> Vec<Point> {
        let mut pts: Vec<Point> = workers
            .iter()
            .map(|&w| Point {
                workers: w,
                samples: (0..n)
                    .map(|r| Sample {
                        wall_s: wall(w, r),
                        round: Some(r),
                        ..Sample::default()
                    })
                    .collect(),
                summary: None,
                skipped_for_memory: None,
                tasks: None,
            })
            .collect();
        summarize_points(&mut pts, 8, 1);
        pts
    }

    fn two_cpus(w: usize, r: u32) -> f64 {
        let jitter = 1.0 + 0.001 * ((r * 7 + w as u32) % 3) as f64;
        jitter / w.min(2) as f64
    }

    #[test]
    fn a_certain_decision_stops() {
        let pts = rounds(&[1, 2, 4], 6, &two_cpus);
        assert_eq!(
            next_round(&pts, &spec(0.02, 60), Duration::ZERO, 1),
            Next::Stop(AdaptiveStop::TargetMet)
        );
    }

    #[test]
    fn too_few_rounds_visit_everything() {
        let pts = rounds(&[1, 2, 4], 3, &two_cpus);
        assert_eq!(
            next_round(&pts, &spec(0.02, 60), Duration::ZERO, 1),
            Next::Visit(vec![1, 2, 4])
        );
    }

    #[test]
    fn extra_rounds_go_where_the_decision_is_unsure() {
        // 8 workers swing by ±15% from round to round; the rest are steady.
        let wall = |w: usize, r: u32| {
            let swing = if w == 8 {
                1.0 + 0.15 * [1.0, -1.0, 0.5, -0.5, 0.8, -0.9][r as usize]
            } else {
                1.0
            };
            two_cpus(w, r) * swing
        };
        let pts = rounds(&[1, 2, 4, 8], 6, &wall);
        match next_round(&pts, &spec(0.02, 600), Duration::ZERO, 1) {
            Next::Visit(v) => {
                assert!(v.contains(&8) && v.contains(&2), "{v:?}");
                assert!(!v.contains(&1), "{v:?}");
            }
            other => panic!("{other:?}"),
        }
    }

    #[test]
    fn a_speedup_beyond_the_cpus_is_measured_again() {
        let wall = |w: usize, r: u32| if w == 4 { 0.4 } else { two_cpus(w, r) };
        let pts = rounds(&[1, 2, 4], 6, &wall);
        match next_round(&pts, &spec(0.02, 600), Duration::ZERO, 1) {
            Next::Visit(v) => assert!(v.contains(&4) && v.contains(&1), "{v:?}"),
            other => panic!("{other:?}"),
        }
    }

    #[test]
    fn a_round_that_would_overrun_the_budget_is_not_started() {
        // Batches of 1 s and 0.5 s: a round costs 1.5 s.
        let pts = rounds(&[1, 2], 3, &two_cpus);
        assert_eq!(
            next_round(&pts, &spec(0.02, 10), Duration::from_secs(9), 1),
            Next::Stop(AdaptiveStop::MaxTime)
        );
    }

    #[test]
    fn the_sample_cap_ends_hopeless_points() {
        let wall = |w: usize, r: u32| {
            two_cpus(w, r) * (1.0 + 0.3 * (r % 2) as f64 * (w == 2) as u32 as f64)
        };
        let pts = rounds(&[1, 2], MAX_SAMPLES as u32, &wall);
        assert_eq!(
            next_round(&pts, &spec(0.0001, 1_000_000), Duration::ZERO, 1),
            Next::Stop(AdaptiveStop::MaxSamples)
        );
    }

    #[test]
    fn nothing_measured_visits_everything() {
        let pts = vec![Point::unmeasured(1), Point::unmeasured(2)];
        assert_eq!(relative_half_width(&pts[0]), f64::INFINITY);
        assert_eq!(
            next_round(&pts, &spec(0.5, 10), Duration::ZERO, 1),
            Next::Visit(vec![1, 2])
        );
    }
}

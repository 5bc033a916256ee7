//! Turns a point's raw samples into its `Summary` (median, CI, throughput, speedup, efficiency).
//! Pure: samples in, summaries out.

pub mod latency;

use crate::model::{Point, Summary};
use crate::rng::{Stream, derive};
use crate::stats::Sorted;

/// Resamples of the bootstrap CI: enough for a stable 95% interval, cheap for 24 points.
pub const BOOTSTRAP_RESAMPLES: usize = 2_000;

/// Summary of one worker count's wall times, without speedup (set by `summarize_points`).
/// `None` when there is no finite sample.
pub fn summarize_walls(walls: &[f64], tasks: u64, seed: u64) -> Option<Summary> {
    let s = Sorted::new(walls)?;
    let median = s.median();
    let ci = s.bootstrap_median_ci(0.95, BOOTSTRAP_RESAMPLES, seed);
    let tasks = tasks as f64;
    let per_sec = |secs: f64| if secs > 0.0 { tasks / secs } else { 0.0 };
    Some(Summary {
        median_s: median,
        mean_s: s.mean(),
        min_s: s.min(),
        max_s: s.max(),
        stddev_s: s.stddev(),
        ci95_s: ci.to_array(),
        cv: s.cv(),
        outliers: s.outliers(),
        tasks_per_sec: per_sec(median),
        tasks_per_sec_ci95: [per_sec(ci.hi), per_sec(ci.lo)],
        speedup: 0.0,
        efficiency: 0.0,
        latency: None,
    })
}

/// A measured worker count: a point that has a summary.
#[derive(Debug, Clone, Copy)]
pub struct Measured<'a> {
    /// Workers.
    pub workers: usize,
    /// The point's summary.
    pub summary: &'a Summary,
}

/// Every point that has a summary, in order.
pub fn measured(points: &[Point]) -> impl Iterator<Item = Measured<'_>> {
    points.iter().filter_map(|p| {
        p.summary.as_ref().map(|summary| Measured {
            workers: p.workers,
            summary,
        })
    })
}

/// The measured point with the highest median throughput (the last of equal ones), or
/// `None` when nothing was measured.
pub fn measured_peak(points: &[Point]) -> Option<Measured<'_>> {
    measured(points).max_by(|a, b| a.summary.tasks_per_sec.total_cmp(&b.summary.tasks_per_sec))
}

/// Recomputes every point's summary (from its undisturbed batches, while it has any), then
/// speedup and efficiency relative to the one-worker point. A point's throughput counts its
/// own tasks per batch (`Point::tasks`), else `tasks`, the record's `config.tasks`. Without a
/// one-worker point, speedups are relative to the smallest worker count measured, scaled as
/// if it had scaled perfectly up to there.
pub fn summarize_points(points: &mut [Point], tasks: u64, seed: u64) {
    for p in points.iter_mut() {
        // Disturbed batches are left out while the count has clean ones (see `decision`).
        let clean = p.samples.iter().any(|s| !s.disturbed);
        let walls: Vec<f64> = p
            .samples
            .iter()
            .filter(|s| !clean || !s.disturbed)
            .map(|s| s.wall_s)
            .collect();
        // A seed per worker count keeps each CI independent of the others' sample counts.
        let own = p.tasks_or(tasks);
        p.summary = summarize_walls(&walls, own, derive(seed, Stream::Count(p.workers)));
        let kept = p.samples.iter().filter(|s| !clean || !s.disturbed);
        if let Some(s) = p.summary.as_mut() {
            s.latency = latency::summarize(kept);
        }
    }
    let base = points
        .iter()
        .filter_map(|p| p.summary.as_ref().map(|s| (p.workers, s.tasks_per_sec)))
        .min_by_key(|(w, _)| *w);
    let Some((base_w, base_x)) = base else { return };
    for p in points.iter_mut() {
        if let Some(s) = p.summary.as_mut() {
            let speedup = if base_x > 0.0 {
                s.tasks_per_sec / base_x * base_w as f64
            } else {
                0.0
            };
            s.speedup = speedup;
            s.efficiency = speedup / p.workers as f64;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::testdata::point;
    use proptest::prelude::*;

    #[test]
    fn the_measured_peak_skips_unmeasured_points() {
        let mut pts = vec![
            point(1, &[4.0]),
            point(2, &[1.0]),
            point(3, &[]),
            point(4, &[2.0]),
        ];
        summarize_points(&mut pts, 8, 1);
        assert_eq!(
            measured(&pts).map(|m| m.workers).collect::<Vec<_>>(),
            [1, 2, 4]
        );
        let peak = measured_peak(&pts).unwrap();
        assert_eq!(peak.workers, 2);
        assert_eq!(peak.summary.tasks_per_sec, 8.0);
        assert!(measured_peak(&[Point::unmeasured(1)]).is_none());
    }

    #[test]
    fn speedup_and_efficiency_from_medians() {
        let mut pts = vec![point(1, &[4.0, 4.1, 3.9]), point(2, &[2.0, 2.1, 1.9])];
        summarize_points(&mut pts, 32, 1);
        let s1 = pts[0].summary.as_ref().unwrap();
        let s2 = pts[1].summary.as_ref().unwrap();
        assert_eq!(s1.speedup, 1.0);
        assert!((s1.tasks_per_sec - 8.0).abs() < 1e-12);
        assert!((s2.speedup - 2.0).abs() < 1e-12);
        assert!((s2.efficiency - 1.0).abs() < 1e-12);
        assert!(
            s2.tasks_per_sec_ci95[0] <= s2.tasks_per_sec
                && s2.tasks_per_sec <= s2.tasks_per_sec_ci95[1]
        );
    }

    #[test]
    fn a_point_without_samples_has_no_summary() {
        let mut pts = vec![point(1, &[1.0]), point(2, &[])];
        summarize_points(&mut pts, 8, 1);
        assert!(pts[1].summary.is_none());
    }

    #[test]
    fn each_point_counts_its_own_tasks() {
        // 10 tasks per worker: 1 worker 10 tasks in 1 s, 2 workers 20 tasks in 1 s.
        let mut pts = vec![point(1, &[1.0]), point(2, &[1.0])];
        pts[0].tasks = Some(10);
        pts[1].tasks = Some(20);
        summarize_points(&mut pts, 10, 1);
        let s2 = pts[1].summary.as_ref().unwrap();
        assert!((s2.tasks_per_sec - 20.0).abs() < 1e-12);
        assert!((s2.speedup - 2.0).abs() < 1e-12);
    }

    proptest! {
        #[test]
        fn speedup_at_one_is_one(walls in prop::collection::vec(prop::collection::vec(0.01f64..100.0, 1..8), 1..6), tasks in 1u64..1000) {
            let mut pts: Vec<Point> = walls.iter().enumerate().map(|(i, w)| point(i + 1, w)).collect();
            summarize_points(&mut pts, tasks, 9);
            let s1 = pts[0].summary.as_ref().unwrap();
            prop_assert!((s1.speedup - 1.0).abs() < 1e-12);
            for p in &pts {
                let s = p.summary.as_ref().unwrap();
                prop_assert!(s.speedup.is_finite() && s.speedup > 0.0);
                prop_assert!((s.efficiency * p.workers as f64 - s.speedup).abs() < 1e-9 * s.speedup.max(1.0));
            }
        }
    }
}

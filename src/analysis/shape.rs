//! The shape of the throughput curve: the peak, the plateau within `--tolerance` of it (whose
//! smallest count is the recommendation), where oversubscription starts, and the drop at the end.

use super::{AnalysisOptions, Obs};

/// Peak, plateau and oversubscription of a measured curve.
#[derive(Debug, Clone, PartialEq)]
pub struct Shape {
    /// The count with the highest median throughput (the fewest workers on a tie).
    pub peak: Obs,
    /// Smallest count within tolerance of the peak: the recommendation.
    pub plateau_from: usize,
    /// Largest count within tolerance of the peak.
    pub plateau_to: usize,
    /// Smallest count above the peak that is slower by more than the threshold and, where both
    /// have at least two samples, with 95% intervals that do not overlap.
    pub oversubscribed_from: Option<usize>,
    /// Relative drop from the peak at the largest count measured, when it is below the peak.
    pub retrograde_drop: Option<f64>,
}

impl Shape {
    /// The shape of `obs` (ascending by workers); `None` when it is empty.
    pub fn of(obs: &[Obs], opts: &AnalysisOptions) -> Option<Self> {
        let mut peak = obs.first()?;
        for o in obs {
            if o.tasks_per_sec > peak.tasks_per_sec {
                peak = o;
            }
        }
        let px = peak.tasks_per_sec;
        // A hair of slack so that a point exactly at the tolerance counts, despite rounding.
        let floor = (1.0 - opts.tolerance) * px * (1.0 - 1e-12);
        let on_plateau: Vec<usize> = obs
            .iter()
            .filter(|o| o.tasks_per_sec >= floor)
            .map(|o| o.workers)
            .collect();
        let oversubscribed_from = obs
            .iter()
            .filter(|o| o.workers > peak.workers)
            .find(|o| drop(px, o.tasks_per_sec) > opts.retrograde_threshold && apart(peak, o))
            .map(|o| o.workers);
        let last = obs.last()?;
        let retrograde_drop = (last.workers > peak.workers && last.tasks_per_sec < px)
            .then(|| drop(px, last.tasks_per_sec));
        Some(Self {
            peak: peak.clone(),
            plateau_from: on_plateau.first().copied().unwrap_or(peak.workers),
            plateau_to: on_plateau.last().copied().unwrap_or(peak.workers),
            oversubscribed_from,
            retrograde_drop,
        })
    }
}

/// Relative drop of `x` below `peak`.
pub fn drop(peak: f64, x: f64) -> f64 {
    if peak > 0.0 { (peak - x) / peak } else { 0.0 }
}

/// True when the point is significantly below the peak: with raw samples on both sides the
/// intervals must not overlap; with a single sample there is no interval, and the threshold alone
/// decides.
fn apart(peak: &Obs, o: &Obs) -> bool {
    if peak.samples >= 2 && o.samples >= 2 {
        o.ci.hi < peak.ci.lo
    } else {
        true
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::testdata::obs;
    use proptest::prelude::*;

    fn shape(points: &[(usize, f64)]) -> Option<Shape> {
        let o: Vec<Obs> = points.iter().map(|&(w, x)| obs(w, x)).collect();
        Shape::of(&o, &AnalysisOptions::default())
    }

    #[test]
    fn one_point_is_its_own_peak_and_plateau() {
        let s = shape(&[(4, 10.0)]).unwrap();
        assert_eq!((s.peak.workers, s.plateau_from, s.plateau_to), (4, 4, 4));
        assert_eq!(s.oversubscribed_from, None);
        assert_eq!(s.retrograde_drop, None);
        assert!(shape(&[]).is_none());
    }

    #[test]
    fn flat_data_recommends_one_worker() {
        let s = shape(&[(1, 5.0), (2, 5.0), (4, 5.0)]).unwrap();
        assert_eq!(s.peak.workers, 1, "ties go to the fewest workers");
        assert_eq!((s.plateau_from, s.plateau_to), (1, 4));
        assert_eq!(s.retrograde_drop, None);
    }

    #[test]
    fn linear_data_peaks_at_the_end() {
        let s = shape(&[(1, 1.0), (2, 2.0), (4, 4.0), (8, 8.0)]).unwrap();
        assert_eq!((s.peak.workers, s.plateau_from), (8, 8));
        assert_eq!(s.retrograde_drop, None);
    }

    #[test]
    fn a_small_drop_is_not_oversubscription() {
        let s = shape(&[(1, 1.0), (2, 2.0), (3, 1.99), (4, 1.9)]).unwrap();
        assert_eq!(s.oversubscribed_from, Some(4));
        assert!((s.retrograde_drop.unwrap() - 0.05).abs() < 1e-12);
        let mild = shape(&[(1, 1.0), (2, 2.0), (3, 1.99)]).unwrap();
        assert_eq!(mild.oversubscribed_from, None);
        assert!((mild.retrograde_drop.unwrap() - 0.005).abs() < 1e-12);
    }

    proptest! {
        #[test]
        fn invariants(xs in prop::collection::vec(0.001f64..1e6, 1..30)) {
            let pts: Vec<(usize, f64)> = xs.iter().enumerate().map(|(i, &x)| (i + 1, x)).collect();
            let s = shape(&pts).unwrap();
            let max = xs.iter().cloned().fold(0.0, f64::max);
            prop_assert_eq!(s.peak.tasks_per_sec, max);
            prop_assert!(s.plateau_from <= s.peak.workers && s.peak.workers <= s.plateau_to);
            if let Some(o) = s.oversubscribed_from {
                prop_assert!(o > s.peak.workers);
            }
            if let Some(d) = s.retrograde_drop {
                prop_assert!(d > 0.0 && d < 1.0);
            }
        }
    }
}

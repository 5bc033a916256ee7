//! The two intervals a worker count has, as text, so every writer labels and shows them alike:
//! the decision's within-round CI (the count's tightest comparison with another count within
//! the same rounds, the interval the `--target-ci` target is judged on) and the bootstrap CI of
//! its median batch time. Where there is no interval (one batch, no resampled decision) the
//! text is "—", never a zero-width interval. Pure.

use crate::model::{Point, RunRecord};
use crate::numbers::secs;
use crate::stats::Ci;

/// What every output shows where a count has no interval.
pub const NONE: &str = "—";

/// Column heading of the decision's interval.
pub const WITHIN_ROUNDS: &str = "within-round CI";

/// Column heading of the bootstrap interval of the median.
pub const OF_MEDIAN: &str = "95% CI of median";

/// The decision's relative half-width at `p` (0.012 = ±1.2%), when the record's decision
/// resampled and `p` has at least two batches.
pub fn half_width(record: &RunRecord, p: &Point) -> Option<f64> {
    let d = record.analysis.as_ref()?.decision.as_ref()?;
    if !d.method.resampled() || !p.has_interval() {
        return None;
    }
    let c = d.counts.iter().find(|c| c.workers == p.workers)?;
    (c.ci_half_width.is_finite() && c.ci_half_width >= 0.0).then_some(c.ci_half_width)
}

/// The decision's interval at `p` as `±1.2%`, or "—".
pub fn within_rounds(record: &RunRecord, p: &Point) -> String {
    half_width(record, p).map_or_else(|| NONE.to_string(), |w| format!("±{:.1}%", w * 100.0))
}

/// The bootstrap 95% CI of `p`'s median batch time, when it has one.
pub fn median_ci(p: &Point) -> Option<Ci> {
    let s = p.summary.as_ref()?;
    p.has_interval().then(|| Ci::from_array(s.ci95_s))
}

/// The bootstrap 95% CI of `p`'s median batch time as `[lo, hi]`, or "—".
pub fn of_median(p: &Point) -> String {
    median_ci(p).map_or_else(
        || NONE.to_string(),
        |c| format!("[{}, {}]", secs(c.lo), secs(c.hi)),
    )
}

/// The bootstrap 95% CI of `p`'s throughput, when it has one (the chart's error bars).
pub fn throughput_ci(p: &Point) -> Option<Ci> {
    let s = p.summary.as_ref()?;
    p.has_interval()
        .then(|| Ci::from_array(s.tasks_per_sec_ci95))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::analysis::{AnalysisOptions, analyze};
    use crate::testdata::{record_from_medians, record_from_samples};

    #[test]
    fn one_batch_has_no_interval_of_either_kind() {
        let mut r = record_from_medians(&[1, 2, 4], &[4.0, 2.0, 1.0], 8, 4);
        r.analysis = analyze(&r, &AnalysisOptions::default());
        for p in &r.points {
            assert_eq!(p.samples.len(), 1);
            assert_eq!(within_rounds(&r, p), NONE);
            assert_eq!(of_median(p), NONE);
            assert!(throughput_ci(p).is_none());
        }
    }

    #[test]
    fn several_batches_show_both_intervals() {
        let mut r = record_from_samples(
            &[
                (1, vec![4.0, 4.1, 3.9, 4.0, 4.05]),
                (2, vec![2.0, 2.1, 1.9, 2.0, 2.02]),
            ],
            8,
            2,
        );
        r.analysis = analyze(&r, &AnalysisOptions::default());
        let p = &r.points[1];
        let w = half_width(&r, p).expect("a resampled decision with five batches");
        assert!(w > 0.0 && w < 0.2, "{w}");
        assert_eq!(within_rounds(&r, p), format!("±{:.1}%", w * 100.0));
        assert!(of_median(p).starts_with('['), "{}", of_median(p));
        // Without an analysis there is no decision, so no within-round interval.
        r.analysis = None;
        assert_eq!(within_rounds(&r, p), NONE);
        assert!(of_median(p).starts_with('['));
    }

    #[test]
    fn a_disturbed_count_counts_only_its_clean_batches() {
        let mut r = record_from_samples(&[(1, vec![4.0, 4.1]), (2, vec![2.0, 2.1])], 8, 2);
        r.points[1].samples[0].disturbed = true;
        assert_eq!(r.points[1].summarised_batches(), 1);
        assert_eq!(of_median(&r.points[1]), NONE);
        r.points[1].samples[1].disturbed = true;
        // All disturbed: the summary is of all of them again.
        assert_eq!(r.points[1].summarised_batches(), 2);
    }
}

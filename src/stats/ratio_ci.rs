//! The throughput ratio current / baseline at one worker count (ratio of median tasks/s) and
//! its 95% percentile-bootstrap confidence interval over the raw samples, each side resampled
//! on its own from a seeded generator. Pure.

use super::Sorted;
use super::bootstrap::{Ci, percentile_ci, resampled_median};
use serde::Serialize;

/// A ratio and its confidence interval (serialized flat: `{ratio, lo, hi}`).
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct RatioCi {
    /// Median of current over median of baseline (1.0 = unchanged, 0.9 = 10% slower).
    pub ratio: f64,
    /// The interval.
    #[serde(flatten)]
    pub ci: Ci,
}

/// The ratio of medians `current / baseline` with a percentile bootstrap interval at `level`
/// (e.g. 0.95) from `resamples` resamples seeded by `seed`. `None` when either side is empty,
/// holds a non-finite value, or has a median of 0 (no ratio exists).
pub fn ratio_of_medians_ci(
    baseline: &[f64],
    current: &[f64],
    level: f64,
    resamples: usize,
    seed: u64,
) -> Option<RatioCi> {
    geomean_ratio_ci(&[SamplePair { baseline, current }], level, resamples, seed)
}

/// One worker count's samples on both sides.
#[derive(Debug, Clone, Copy)]
pub struct SamplePair<'a> {
    /// Baseline samples.
    pub baseline: &'a [f64],
    /// Current samples.
    pub current: &'a [f64],
}

/// The geometric mean over pairs of the ratio of medians (how much the whole curve moved,
/// every worker count weighing the same), with a percentile bootstrap interval: each
/// resample redraws every side of every pair. `None` when any pair has no ratio.
pub fn geomean_ratio_ci(
    pairs: &[SamplePair<'_>],
    level: f64,
    resamples: usize,
    seed: u64,
) -> Option<RatioCi> {
    let mut sorted = Vec::with_capacity(pairs.len());
    for p in pairs {
        let b = Sorted::new(p.baseline)?;
        let c = Sorted::new(p.current)?;
        if b.median() <= 0.0 || c.median() <= 0.0 {
            return None;
        }
        sorted.push((b, c));
    }
    if sorted.is_empty() {
        return None;
    }
    let k = sorted.len() as f64;
    let ratio = (sorted
        .iter()
        .map(|(b, c)| (c.median() / b.median()).ln())
        .sum::<f64>()
        / k)
        .exp();
    let longest = sorted
        .iter()
        .map(|(b, c)| b.values().len().max(c.values().len()))
        .max()
        .unwrap_or(1);
    let mut buf = vec![0.0; longest];
    let ci = percentile_ci(level, resamples, seed, |rng| {
        let mut log_sum = 0.0;
        for (b, c) in &sorted {
            let mb = resampled_median(b.values(), &mut buf[..b.values().len()], rng);
            let mc = resampled_median(c.values(), &mut buf[..c.values().len()], rng);
            // Only a sample holding zeros can resample to a zero median; leave such draws out.
            if mb <= 0.0 || mc <= 0.0 {
                return None;
            }
            log_sum += (mc / mb).ln();
        }
        Some((log_sum / k).exp())
    })?;
    Some(RatioCi { ratio, ci })
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn ratio_is_of_medians_and_interval_is_seeded() {
        let b = [10.0, 10.2, 9.8, 10.1, 9.9];
        let c = [9.0, 9.2, 8.8, 9.1, 8.9];
        let r = ratio_of_medians_ci(&b, &c, 0.95, 2000, 7).unwrap();
        assert!((r.ratio - 0.9).abs() < 1e-12);
        assert!(r.ci.lo <= r.ratio && r.ratio <= r.ci.hi);
        // Every resampled median lies in the sample's range: the interval cannot leave it.
        assert!(r.ci.lo >= 8.8 / 10.2 && r.ci.hi <= 9.2 / 9.8);
        assert!(r.ci.hi < 1.0, "a clean 10% drop excludes 1: {r:?}");
        assert_eq!(Some(r), ratio_of_medians_ci(&b, &c, 0.95, 2000, 7));
    }

    #[test]
    fn geomean_of_two_counts() {
        let b = [10.0, 10.0, 10.0];
        let half = [5.0, 5.0, 5.0];
        let double = [20.0, 20.0, 20.0];
        let pairs = [
            SamplePair {
                baseline: &b,
                current: &half,
            },
            SamplePair {
                baseline: &b,
                current: &double,
            },
        ];
        let r = geomean_ratio_ci(&pairs, 0.95, 100, 1).unwrap();
        assert!(
            (r.ratio - 1.0).abs() < 1e-12 && (r.ci.lo - 1.0).abs() < 1e-12,
            "{r:?}"
        );
        assert!(geomean_ratio_ci(&[], 0.95, 100, 1).is_none());
    }

    #[test]
    fn no_ratio_without_data() {
        assert!(ratio_of_medians_ci(&[], &[1.0], 0.95, 10, 1).is_none());
        assert!(ratio_of_medians_ci(&[0.0, 0.0], &[1.0], 0.95, 10, 1).is_none());
        assert!(ratio_of_medians_ci(&[1.0], &[f64::NAN], 0.95, 10, 1).is_none());
    }

    proptest! {
        #[test]
        fn interval_is_ordered_and_positive(
            b in prop::collection::vec(1.0f64..2.0, 1..12),
            c in prop::collection::vec(1.0f64..2.0, 1..12),
            seed in any::<u64>(),
        ) {
            let r = ratio_of_medians_ci(&b, &c, 0.95, 300, seed).unwrap();
            prop_assert!(r.ci.lo <= r.ci.hi);
            prop_assert!(r.ci.lo > 0.0 && r.ci.hi.is_finite());
        }
    }
}

//! The one bootstrap: a percentile confidence interval of any statistic, each resample drawn
//! from a generator seeded for reproducibility, and the one confidence-interval type. Pure.

use super::{median_of_sorted, quantile_of_sorted};
use crate::rng::SplitMix64;
use serde::Serialize;

/// A confidence interval: `lo <= hi`, both finite.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct Ci {
    /// Lower end.
    pub lo: f64,
    /// Upper end.
    pub hi: f64,
}

impl Ci {
    /// The interval that holds one value.
    pub fn point(x: f64) -> Self {
        Self { lo: x, hi: x }
    }

    /// `[lo, hi]`, the form results.json stores.
    pub fn to_array(self) -> [f64; 2] {
        [self.lo, self.hi]
    }
}

/// The percentile interval at `level` (0.95 for 95%) of `statistic` over `resamples` draws
/// (at least one) from a generator seeded by `seed`. A draw may yield `None` (no value exists
/// for that resample) and is left out; `None` when every draw is.
pub fn percentile_ci(
    level: f64,
    resamples: usize,
    seed: u64,
    mut statistic: impl FnMut(&mut SplitMix64) -> Option<f64>,
) -> Option<Ci> {
    let mut rng = SplitMix64::new(seed);
    let mut draws: Vec<f64> = (0..resamples.max(1))
        .filter_map(|_| statistic(&mut rng))
        .collect();
    if draws.is_empty() {
        return None;
    }
    draws.sort_by(f64::total_cmp);
    let tail = (1.0 - level.clamp(0.0, 1.0)) / 2.0;
    Some(Ci {
        lo: quantile_of_sorted(&draws, tail),
        hi: quantile_of_sorted(&draws, 1.0 - tail),
    })
}

/// The median of one resample (with replacement) of `values` (not empty), drawn into `buf`,
/// which must be as long as `values`.
pub fn resampled_median(values: &[f64], buf: &mut [f64], rng: &mut SplitMix64) -> f64 {
    debug_assert_eq!(values.len(), buf.len());
    for slot in buf.iter_mut() {
        *slot = values[rng.below(values.len())];
    }
    buf.sort_by(f64::total_cmp);
    median_of_sorted(buf)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_interval_is_seeded_ordered_and_within_the_draws() {
        let values = [3.0, 1.0, 4.0, 1.0, 5.0, 9.0, 2.0, 6.0];
        let mut buf = [0.0; 8];
        let ci = |seed| {
            percentile_ci(0.95, 400, seed, |rng| {
                Some(resampled_median(&values, &mut buf.clone(), rng))
            })
        };
        let a = ci(7).unwrap();
        assert_eq!(Some(a), ci(7));
        assert!(a.lo <= a.hi && a.lo >= 1.0 && a.hi <= 9.0, "{a:?}");
        let m = resampled_median(&values, &mut buf, &mut SplitMix64::new(1));
        assert!((1.0..=9.0).contains(&m));
    }

    #[test]
    fn draws_without_a_value_are_left_out() {
        let mut n = 0;
        let ci = percentile_ci(0.9, 10, 1, |_| {
            n += 1;
            (n % 2 == 0).then_some(n as f64)
        })
        .unwrap();
        assert_eq!((ci.lo, ci.hi), (2.0 + 0.05 * 8.0, 10.0 - 0.05 * 8.0));
        assert_eq!(percentile_ci(0.95, 10, 1, |_| None), None);
        assert_eq!(Ci::point(2.0).to_array(), [2.0, 2.0]);
    }
}

//! The one bootstrap: replicates of any statistic (a number, a vector, a matrix), each resample
//! drawn with replacement from a generator seeded for reproducibility; the percentile interval
//! of a statistic's replicates; and the one confidence-interval type. Pure.

use super::{median_of_sorted, quantile_of_sorted};
use crate::rng::SplitMix64;
use serde::Serialize;

/// A confidence interval from `lo` to `hi`. Those computed here are ordered and finite; one
/// read back from a file holds what the file held.
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

    /// The interval results.json stores as `[lo, hi]`.
    pub fn from_array([lo, hi]: [f64; 2]) -> Self {
        Self { lo, hi }
    }

    /// `[lo, hi]`, the form results.json stores.
    pub fn to_array(self) -> [f64; 2] {
        [self.lo, self.hi]
    }

    /// `hi - lo`.
    pub fn width(self) -> f64 {
        self.hi - self.lo
    }

    /// The smallest interval holding this one and `x` (a NaN `x` leaves it as it is).
    pub fn widened_to(self, x: f64) -> Self {
        Self {
            lo: self.lo.min(x),
            hi: self.hi.max(x),
        }
    }
}

/// `resamples` replicates of `statistic`, drawn one after another from one generator seeded by
/// `seed`: the bootstrap distribution of any statistic, whatever its shape.
pub fn replicates<T>(
    resamples: usize,
    seed: u64,
    mut statistic: impl FnMut(&mut SplitMix64) -> T,
) -> Vec<T> {
    let mut rng = SplitMix64::new(seed);
    (0..resamples).map(|_| statistic(&mut rng)).collect()
}

/// The percentile interval at `level` (0.95 for 95%) of a statistic's replicates `draws`
/// (reordered in place); a NaN or infinite draw (no value for that resample) is left out.
/// Each end is interpolated between the two neighbouring finite draws (`quantile_of_sorted`).
/// `None` when no draw is finite.
pub fn percentile(draws: &mut Vec<f64>, level: f64) -> Option<Ci> {
    draws.retain(|x| x.is_finite());
    if draws.is_empty() {
        return None;
    }
    draws.sort_by(f64::total_cmp);
    let tail = (1.0 - level.clamp(0.0, 1.0)) / 2.0;
    Some(Ci {
        lo: quantile_of_sorted(draws, tail),
        hi: quantile_of_sorted(draws, 1.0 - tail),
    })
}

/// The percentile interval at `level` of `statistic` over `resamples` draws (at least one)
/// from a generator seeded by `seed`. A draw may yield `None` (no value exists for that
/// resample) and is left out; `None` when every draw is.
pub fn percentile_ci(
    level: f64,
    resamples: usize,
    seed: u64,
    statistic: impl FnMut(&mut SplitMix64) -> Option<f64>,
) -> Option<Ci> {
    let mut draws: Vec<f64> = replicates(resamples.max(1), seed, statistic)
        .into_iter()
        .flatten()
        .collect();
    percentile(&mut draws, level)
}

/// `n` items drawn with replacement from `items` (not empty), one uniform index each: one
/// resample of values, of a count's batches, or of whole blocks such as rounds.
pub fn draw<'a, T>(
    items: &'a [T],
    n: usize,
    rng: &'a mut SplitMix64,
) -> impl Iterator<Item = &'a T> + 'a {
    (0..n).map(move |_| &items[rng.below(items.len())])
}

/// The median of one resample (with replacement) of `values` (not empty), drawn into `buf`,
/// which must be as long as `values`.
pub fn resampled_median(values: &[f64], buf: &mut [f64], rng: &mut SplitMix64) -> f64 {
    debug_assert_eq!(values.len(), buf.len());
    for (slot, &v) in buf.iter_mut().zip(draw(values, values.len(), rng)) {
        *slot = v;
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

    #[test]
    fn replicates_of_a_vector_give_one_interval_per_entry() {
        // Resamples of (x, 2x): the second entry's interval is the first's doubled.
        let values = [1.0, 2.0, 3.0, 4.0, 10.0];
        let reps = replicates(300, 5, |rng| {
            let mean = draw(&values, values.len(), rng).sum::<f64>() / 5.0;
            [mean, 2.0 * mean]
        });
        assert_eq!(reps.len(), 300);
        assert_eq!(
            reps,
            replicates(300, 5, |rng| {
                let mean = draw(&values, values.len(), rng).sum::<f64>() / 5.0;
                [mean, 2.0 * mean]
            })
        );
        let mut first: Vec<f64> = reps.iter().map(|r| r[0]).collect();
        let mut second: Vec<f64> = reps.iter().map(|r| r[1]).collect();
        let (a, b) = (
            percentile(&mut first, 0.9).unwrap(),
            percentile(&mut second, 0.9).unwrap(),
        );
        assert_eq!((2.0 * a.lo, 2.0 * a.hi), (b.lo, b.hi));
        assert!(a.lo >= 1.0 && a.hi <= 10.0 && a.lo < a.hi, "{a:?}");
    }

    #[test]
    fn percentile_leaves_out_non_finite_draws() {
        let mut draws = vec![f64::NAN, 3.0, f64::INFINITY, 1.0, 2.0];
        assert_eq!(percentile(&mut draws, 1.0), Some(Ci { lo: 1.0, hi: 3.0 }));
        assert_eq!(percentile(&mut vec![f64::NAN], 0.95), None);
    }

    #[test]
    fn draws_are_with_replacement_from_the_items() {
        let blocks = [[1, 1], [2, 2], [3, 3]];
        let mut rng = SplitMix64::new(4);
        let got: Vec<&[i32; 2]> = draw(&blocks, 30, &mut rng).collect();
        assert_eq!(got.len(), 30);
        assert!(got.iter().all(|b| blocks.contains(b)));
        let distinct = (1..=3).filter(|v| got.iter().any(|b| b[0] == *v)).count();
        assert_eq!(distinct, 3, "30 draws of 3 blocks miss none");
    }

    #[test]
    fn widening_holds_the_point() {
        let ci = Ci { lo: 1.0, hi: 2.0 };
        assert_eq!(ci.widened_to(3.0), Ci { lo: 1.0, hi: 3.0 });
        assert_eq!(ci.widened_to(0.5), Ci { lo: 0.5, hi: 2.0 });
        assert_eq!(ci.widened_to(f64::NAN), ci);
        assert_eq!(ci.width(), 1.0);
        assert_eq!(Ci::from_array([1.0, 2.0]), ci);
    }
}

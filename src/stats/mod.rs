//! Pure statistics over samples (wall seconds, throughputs): median, mean, stddev, CV, MAD
//! outliers, bootstrap CI of the median, quantiles. No I/O, no clocks. The methods work on a
//! `Sorted`, whose constructor refuses an empty sample or a NaN or infinity.

pub mod betting;
pub mod bootstrap;
pub mod histogram;
pub mod holm;
pub mod mann_whitney;
pub mod ratio_ci;
pub mod stratified;

pub use bootstrap::Ci;

/// A non-empty slice of finite numbers, sorted ascending: the invariant every function here needs.
#[derive(Debug, Clone, PartialEq)]
pub struct Sorted(Vec<f64>);

impl Sorted {
    /// Sorts `xs`; `None` when it is empty or holds a NaN or infinity.
    pub fn new(xs: &[f64]) -> Option<Self> {
        if xs.is_empty() || xs.iter().any(|x| !x.is_finite()) {
            return None;
        }
        let mut v = xs.to_vec();
        v.sort_by(f64::total_cmp);
        Some(Self(v))
    }

    /// The values, ascending.
    pub fn values(&self) -> &[f64] {
        &self.0
    }

    /// Smallest value.
    pub fn min(&self) -> f64 {
        self.0[0]
    }

    /// Largest value.
    pub fn max(&self) -> f64 {
        self.0[self.0.len() - 1]
    }

    /// The median (mean of the two middle values for an even count).
    pub fn median(&self) -> f64 {
        median_of_sorted(&self.0)
    }

    /// Arithmetic mean.
    pub fn mean(&self) -> f64 {
        self.0.iter().sum::<f64>() / self.0.len() as f64
    }

    /// Sample standard deviation (n - 1 in the denominator); 0 for a single value.
    pub fn stddev(&self) -> f64 {
        let n = self.0.len();
        if n < 2 {
            return 0.0;
        }
        let m = self.mean();
        let ss: f64 = self.0.iter().map(|x| (x - m) * (x - m)).sum();
        (ss / (n - 1) as f64).sqrt()
    }

    /// Coefficient of variation, stddev / mean; 0 when the mean is 0.
    pub fn cv(&self) -> f64 {
        let m = self.mean();
        if m == 0.0 {
            0.0
        } else {
            self.stddev() / m.abs()
        }
    }

    /// Median absolute deviation from the median (unscaled).
    pub fn mad(&self) -> f64 {
        let med = self.median();
        let mut dev: Vec<f64> = self.0.iter().map(|x| (x - med).abs()).collect();
        dev.sort_by(f64::total_cmp);
        median_of_sorted(&dev)
    }

    /// Values further than 3 scaled MADs (1.4826 x MAD, the normal-consistent scale)
    /// from the median. With a MAD of 0 nothing is an outlier: the data carry no spread to judge by.
    pub fn outliers(&self) -> usize {
        let scale = 1.4826 * self.mad();
        if scale == 0.0 {
            return 0;
        }
        let med = self.median();
        self.0
            .iter()
            .filter(|x| (*x - med).abs() > 3.0 * scale)
            .count()
    }

    /// Percentile bootstrap confidence interval of the median at `level` (e.g. 0.95), from
    /// `resamples` resamples seeded by `seed`. A single value is its own interval.
    pub fn bootstrap_median_ci(&self, level: f64, resamples: usize, seed: u64) -> Ci {
        if self.0.len() == 1 {
            return Ci::point(self.0[0]);
        }
        let mut buf = vec![0.0; self.0.len()];
        bootstrap::percentile_ci(level, resamples, seed, |rng| {
            Some(bootstrap::resampled_median(&self.0, &mut buf, rng))
        })
        .expect("every draw of a non-empty sample has a median")
    }
}

pub(crate) fn median_of_sorted(v: &[f64]) -> f64 {
    let n = v.len();
    if n % 2 == 1 {
        v[n / 2]
    } else {
        (v[n / 2 - 1] + v[n / 2]) / 2.0
    }
}

/// Linear-interpolated quantile `q` in [0, 1] of a sorted, non-empty slice.
pub fn quantile_of_sorted(v: &[f64], q: f64) -> f64 {
    let pos = q.clamp(0.0, 1.0) * (v.len() - 1) as f64;
    let lo = pos.floor() as usize;
    let hi = pos.ceil() as usize;
    let frac = pos - lo as f64;
    v[lo] + (v[hi] - v[lo]) * frac
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn rejects_empty_and_non_finite() {
        assert!(Sorted::new(&[]).is_none());
        assert!(Sorted::new(&[1.0, f64::NAN]).is_none());
        assert!(Sorted::new(&[f64::INFINITY]).is_none());
    }

    #[test]
    fn known_values() {
        let s = Sorted::new(&[4.0, 1.0, 3.0, 2.0]).unwrap();
        assert_eq!(s.median(), 2.5);
        assert_eq!(s.mean(), 2.5);
        assert!((s.stddev() - 1.290_994_448_735_805_6).abs() < 1e-12);
        assert_eq!(s.mad(), 1.0);
        let one = Sorted::new(&[2.0]).unwrap();
        assert_eq!(one.stddev(), 0.0);
        assert_eq!(one.bootstrap_median_ci(0.95, 100, 1), Ci::point(2.0));
    }

    #[test]
    fn an_obvious_outlier_is_counted() {
        let s = Sorted::new(&[1.0, 1.01, 0.99, 1.02, 0.98, 5.0]).unwrap();
        assert_eq!(s.outliers(), 1);
        let flat = Sorted::new(&[1.0, 1.0, 1.0, 9.0]).unwrap();
        assert_eq!(flat.outliers(), 0, "zero MAD means no scale to judge by");
    }

    #[test]
    fn bootstrap_is_seeded() {
        let s = Sorted::new(&[1.0, 1.2, 0.9, 1.1, 1.05, 0.95, 1.3]).unwrap();
        assert_eq!(
            s.bootstrap_median_ci(0.95, 500, 42),
            s.bootstrap_median_ci(0.95, 500, 42)
        );
    }

    proptest! {
        #[test]
        fn order_invariants(xs in prop::collection::vec(0.001f64..1e6, 1..40), seed in any::<u64>()) {
            let s = Sorted::new(&xs).unwrap();
            prop_assert!(s.min() <= s.median() && s.median() <= s.max());
            prop_assert!(s.min() <= s.mean() + 1e-9 * s.max() && s.mean() <= s.max() + 1e-9 * s.max());
            prop_assert!(s.stddev() >= 0.0 && s.cv() >= 0.0);
            let Ci { lo, hi } = s.bootstrap_median_ci(0.95, 200, seed);
            prop_assert!(s.min() <= lo && lo <= hi && hi <= s.max());
            prop_assert!(s.outliers() < xs.len());
        }
    }
}

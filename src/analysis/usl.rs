//! Gunther's Universal Scalability Law X(N) = lambda N / (1 + sigma (N - 1) + kappa N (N - 1))
//! fitted to the median throughputs by bounded nonlinear least squares (sigma, kappa in [0, 1],
//! lambda > 0), as the R package `usl` does. A grid of (sigma, kappa) with the best lambda for
//! each picks the starting points; projected Levenberg-Marquardt refines the best few.

use super::lm::{Bounds, Problem, Solution, minimize};
use super::{Obs, r_squared};
use crate::model::{UslConstraint, UslFit};

/// Three parameters need at least three distinct worker counts.
pub const MIN_COUNTS: usize = 3;
/// Below this much extra cost at the largest count measured, sigma and kappa are negligible.
const LINEAR_EXCESS: f64 = 0.02;
const SIGMAS: [f64; 8] = [0.0, 1e-3, 0.01, 0.03, 0.1, 0.3, 0.6, 0.9];
const KAPPAS: [f64; 9] = [0.0, 1e-6, 1e-5, 1e-4, 1e-3, 1e-2, 0.05, 0.2, 0.6];
/// How many of the best grid points are refined.
const REFINED: usize = 4;

/// Workers and throughput scaled by its maximum, so lambda is of order 1 whatever the units.
struct Throughput {
    n: Vec<f64>,
    y: Vec<f64>,
}

impl Throughput {
    /// N / D(N) for sigma, kappa: the model without lambda.
    fn shape(n: f64, sigma: f64, kappa: f64) -> f64 {
        n / (1.0 + sigma * (n - 1.0) + kappa * n * (n - 1.0))
    }

    /// The least-squares lambda for fixed sigma and kappa (the model is linear in lambda).
    fn best_lambda(&self, sigma: f64, kappa: f64) -> f64 {
        let (mut gy, mut gg) = (0.0, 0.0);
        for (&n, &y) in self.n.iter().zip(&self.y) {
            let g = Self::shape(n, sigma, kappa);
            gy += g * y;
            gg += g * g;
        }
        if gg > 0.0 {
            (gy / gg).max(LAMBDA_MIN)
        } else {
            1.0
        }
    }
}

/// Lambda's lower bound (on the scaled data): positive, as the model requires.
const LAMBDA_MIN: f64 = 1e-12;

impl Problem<3> for Throughput {
    fn residual_count(&self) -> usize {
        self.n.len()
    }
    fn residual(&self, i: usize, p: &[f64; 3]) -> (f64, [f64; 3]) {
        let [sigma, kappa, lambda] = *p;
        let n = self.n[i];
        let d = 1.0 + sigma * (n - 1.0) + kappa * n * (n - 1.0);
        let x = lambda * n / d;
        let dd = lambda * n / (d * d);
        (x - self.y[i], [-dd * (n - 1.0), -dd * n * (n - 1.0), n / d])
    }
}

/// The fit, or `None` with fewer than `MIN_COUNTS` distinct worker counts.
pub fn fit(obs: &[Obs]) -> Option<UslFit> {
    if obs.len() < MIN_COUNTS {
        return None;
    }
    let y_max = obs.iter().map(|o| o.tasks_per_sec).fold(0.0, f64::max);
    if !(y_max > 0.0 && y_max.is_finite()) {
        return None;
    }
    let data = Throughput {
        n: obs.iter().map(|o| o.workers as f64).collect(),
        y: obs.iter().map(|o| o.tasks_per_sec / y_max).collect(),
    };
    let bounds = Bounds {
        lo: [0.0, 0.0, LAMBDA_MIN],
        hi: [1.0, 1.0, f64::INFINITY],
    };
    let mut starts: Vec<Solution<3>> = SIGMAS
        .iter()
        .flat_map(|&s| KAPPAS.iter().map(move |&k| (s, k)))
        .map(|(s, k)| {
            let p = [s, k, data.best_lambda(s, k)];
            Solution {
                params: p,
                sse: super::lm::sse(&data, &p),
            }
        })
        .collect();
    starts.sort_by(|a, b| a.sse.total_cmp(&b.sse));
    let best = starts
        .iter()
        .take(REFINED)
        .map(|s| minimize(&data, s.params, &bounds))
        .min_by(|a, b| a.sse.total_cmp(&b.sse))?;
    let [sigma, kappa, scaled_lambda] = best.params;
    let lambda = scaled_lambda * y_max;
    let n_max = data.n.iter().cloned().fold(1.0, f64::max);
    let peak_workers = (kappa > 0.0).then(|| ((1.0 - sigma) / kappa).sqrt().max(1.0));
    Some(UslFit {
        sigma,
        kappa,
        lambda,
        peak_workers,
        peak_tasks_per_sec: peak_workers.map(|n| lambda * Throughput::shape(n, sigma, kappa)),
        r2: r_squared(&data.y, best.sse),
        constraint: constraint(sigma, kappa, n_max),
    })
}

/// Linear when both coefficients cost under 2% at the largest count measured, else
/// contention when sigma > kappa and coherency otherwise.
pub fn constraint(sigma: f64, kappa: f64, n_max: f64) -> UslConstraint {
    if sigma * (n_max - 1.0) + kappa * n_max * (n_max - 1.0) < LINEAR_EXCESS {
        UslConstraint::Linear
    } else if sigma > kappa {
        UslConstraint::Contention
    } else {
        UslConstraint::Coherency
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::testdata::obs;
    use proptest::prelude::*;

    fn fit_xs(ns: &[usize], xs: &[f64]) -> Option<UslFit> {
        let o: Vec<Obs> = ns.iter().zip(xs).map(|(&n, &x)| obs(n, x)).collect();
        fit(&o)
    }

    fn close(a: f64, b: f64, rel: f64) -> bool {
        (a - b).abs() <= rel * b.abs()
    }

    #[test]
    fn the_synthetic_case_of_the_r_package() {
        let f = fit_xs(
            &[1, 2, 4, 6, 8, 10],
            &[1.0, 1.8868, 3.0769, 3.5294, 3.5398, 3.3557],
        )
        .unwrap();
        eprintln!("synthetic USL case: {f:?}");
        assert!(close(f.sigma, 0.02, 0.01), "{f:?}");
        assert!(close(f.kappa, 0.02, 0.01), "{f:?}");
        assert!(close(f.lambda, 1.0, 0.01), "{f:?}");
        assert!(close(f.peak_workers.unwrap(), 7.0, 0.01), "{f:?}");
        assert!(f.r2 > 0.9999);
        // sigma and kappa are equal here, so either label is right; only "linear" is not.
        assert_ne!(f.constraint, UslConstraint::Linear);
    }

    #[test]
    fn specsdm91_matches_the_r_package() {
        // SPEC SDM91 on a Sun SPARCcenter 2000 (R package `usl`, dataset specsdm91); R's nls
        // gives sigma 0.0277285, kappa 0.0001044, lambda 89.995.
        let f = fit_xs(
            &[1, 18, 36, 72, 108, 144, 216],
            &[64.9, 995.9, 1652.4, 1853.2, 1828.9, 1775.0, 1702.2],
        )
        .unwrap();
        assert!(close(f.sigma, 0.0277285, 0.005), "{f:?}");
        assert!(close(f.kappa, 0.0001044, 0.005), "{f:?}");
        assert!(close(f.lambda, 89.995, 0.005), "{f:?}");
        assert_eq!(f.constraint, UslConstraint::Contention);
    }

    #[test]
    fn pure_amdahl_data_has_no_coherency() {
        let ns = [1usize, 2, 4, 8, 16, 32];
        let xs: Vec<f64> = ns
            .iter()
            .map(|&n| 50.0 * n as f64 / (1.0 + 0.05 * (n as f64 - 1.0)))
            .collect();
        let f = fit_xs(&ns, &xs).unwrap();
        assert!(f.kappa < 1e-9, "{f:?}");
        assert!(
            close(f.sigma, 0.05, 1e-6) && close(f.lambda, 50.0, 1e-6),
            "{f:?}"
        );
        assert_eq!(f.peak_workers, None);
        assert_eq!(f.constraint, UslConstraint::Contention);
    }

    #[test]
    fn linear_flat_and_tiny_inputs() {
        let lin = fit_xs(&[1, 2, 4, 8], &[3.0, 6.0, 12.0, 24.0]).unwrap();
        assert!(lin.sigma < 1e-9 && lin.kappa < 1e-9, "{lin:?}");
        assert_eq!(lin.constraint, UslConstraint::Linear);
        let flat = fit_xs(&[1, 2, 4, 8], &[5.0, 5.0, 5.0, 5.0]).unwrap();
        assert!(flat.sigma > 0.99, "{flat:?}");
        assert!(flat.r2.is_finite() && flat.lambda.is_finite());
        assert!(fit_xs(&[1], &[1.0]).is_none());
        assert!(fit_xs(&[1, 2], &[1.0, 2.0]).is_none());
    }

    proptest! {
        #[test]
        fn never_nan_and_always_in_bounds(xs in prop::collection::vec(1e-6f64..1e9, 3..24), step in 1usize..40) {
            let ns: Vec<usize> = (0..xs.len()).map(|i| 1 + i * step).collect();
            let f = fit_xs(&ns, &xs).unwrap();
            prop_assert!((0.0..=1.0).contains(&f.sigma) && (0.0..=1.0).contains(&f.kappa));
            prop_assert!(f.lambda > 0.0 && f.lambda.is_finite());
            prop_assert!(f.r2.is_finite());
            if let Some(p) = f.peak_workers {
                prop_assert!(p.is_finite() && p >= 1.0);
                prop_assert!(f.peak_tasks_per_sec.unwrap().is_finite());
            }
        }
    }
}

//! Amdahl's law S(W) = 1 / (s + (1 - s) / W) fitted to the measured speedups by bounded least
//! squares (s in [0, 1]), from several starting points.

use super::lm::{Bounds, Problem, Solution, minimize};
use super::{Obs, r_squared};
use crate::model::AmdahlFit;

/// The largest `max_speedup` recorded: a serial fraction of 0 means unbounded speedup, which
/// JSON cannot hold, so it is written as this number.
pub const MAX_SPEEDUP_CAP: f64 = 1e9;

/// Starting serial fractions: the problem is one-dimensional, so a handful covers it.
const STARTS: [f64; 7] = [0.0, 1e-3, 0.01, 0.05, 0.2, 0.5, 1.0];

struct Speedups<'a>(&'a [(f64, f64)]);

impl Problem<1> for Speedups<'_> {
    fn residual_count(&self) -> usize {
        self.0.len()
    }
    fn residual(&self, i: usize, p: &[f64; 1]) -> (f64, [f64; 1]) {
        let (w, s_obs) = self.0[i];
        let s = p[0];
        let d = s + (1.0 - s) / w;
        (1.0 / d - s_obs, [-(1.0 - 1.0 / w) / (d * d)])
    }
}

/// The fit, or `None` with fewer than two distinct worker counts (nothing to fit).
pub fn fit(obs: &[Obs]) -> Option<AmdahlFit> {
    let data: Vec<(f64, f64)> = obs
        .iter()
        .filter(|o| o.speedup.is_finite() && o.speedup > 0.0)
        .map(|o| (o.workers as f64, o.speedup))
        .collect();
    if data.len() < 2 {
        return None;
    }
    let problem = Speedups(&data);
    let bounds = Bounds {
        lo: [0.0],
        hi: [1.0],
    };
    let best = STARTS
        .iter()
        .map(|&s| minimize(&problem, [s], &bounds))
        .min_by(|a: &Solution<1>, b| a.sse.total_cmp(&b.sse))?;
    let s = best.params[0];
    let observed: Vec<f64> = data.iter().map(|d| d.1).collect();
    Some(AmdahlFit {
        serial_fraction: s,
        max_speedup: if s > 1.0 / MAX_SPEEDUP_CAP {
            1.0 / s
        } else {
            MAX_SPEEDUP_CAP
        },
        r2: r_squared(&observed, best.sse),
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::testdata::obs;
    use proptest::prelude::*;

    #[test]
    fn recovers_the_serial_fraction() {
        for s in [0.0, 0.05, 0.3, 1.0] {
            let pts: Vec<Obs> = [1usize, 2, 4, 8, 16]
                .iter()
                .map(|&w| obs(w, 1.0 / (s + (1.0 - s) / w as f64)))
                .collect();
            let f = fit(&pts).unwrap();
            assert!((f.serial_fraction - s).abs() < 1e-9, "{s}: {f:?}");
            assert!(f.r2 > 0.999_999, "{f:?}");
            assert!(f.max_speedup.is_finite());
        }
    }

    #[test]
    fn one_point_cannot_be_fitted_and_two_can() {
        assert!(fit(&[obs(1, 1.0)]).is_none());
        let two = fit(&[obs(1, 1.0), obs(2, 1.5)]).unwrap();
        // 1 / (s + (1 - s) / 2) = 1.5 gives s = 1/3.
        assert!((two.serial_fraction - 1.0 / 3.0).abs() < 1e-9, "{two:?}");
    }

    #[test]
    fn superlinear_and_retrograde_data_stay_in_bounds() {
        let sup = fit(&[obs(1, 1.0), obs(2, 2.5), obs(4, 6.0)]).unwrap();
        assert_eq!(sup.serial_fraction, 0.0);
        assert_eq!(sup.max_speedup, MAX_SPEEDUP_CAP);
        let retro = fit(&[obs(1, 1.0), obs(2, 0.5), obs(4, 0.3)]).unwrap();
        assert_eq!(retro.serial_fraction, 1.0);
    }

    proptest! {
        #[test]
        fn never_nan(speedups in prop::collection::vec(0.001f64..100.0, 2..20)) {
            let pts: Vec<Obs> = speedups.iter().enumerate().map(|(i, &s)| obs(i + 1, s)).collect();
            let f = fit(&pts).unwrap();
            prop_assert!((0.0..=1.0).contains(&f.serial_fraction));
            prop_assert!(f.max_speedup.is_finite() && f.r2.is_finite());
        }
    }
}

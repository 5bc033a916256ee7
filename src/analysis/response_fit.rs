//! The USL's response-time form, R(N) = (1 + sigma (N-1) + kappa N (N-1)) / lambda, fitted to
//! the mean task latency at each count. It is linear in 1/lambda, sigma/lambda and
//! kappa/lambda, so the fit is an exact non-negative least squares over those three (each
//! subset of free terms solved, the best feasible one kept). Pure.

use super::latency::Lat;
use crate::model::ResponseFit;

/// Fewest counts the three-term fit is made from.
const MIN_COUNTS: usize = 3;

/// The fit over the counts' mean latencies; `None` with fewer than three counts or no
/// feasible fit.
pub(super) fn fit(lats: &[Lat<'_>]) -> Option<ResponseFit> {
    let pts: Vec<(f64, f64)> = lats
        .iter()
        .map(|l| (l.workers as f64, l.latency.mean_s))
        .filter(|(_, r)| r.is_finite() && *r > 0.0)
        .collect();
    if pts.len() < MIN_COUNTS {
        return None;
    }
    let rows: Vec<[f64; 3]> = pts
        .iter()
        .map(|&(n, _)| [1.0, n - 1.0, n * (n - 1.0)])
        .collect();
    let ys: Vec<f64> = pts.iter().map(|p| p.1).collect();
    // The constant term is always free; sigma's and kappa's may each be held at zero.
    let best = [
        [true, false, false],
        [true, true, false],
        [true, false, true],
        [true, true, true],
    ]
    .into_iter()
    .filter_map(|free| solve(&rows, &ys, free))
    .filter(|c| c[0] > 0.0 && c[1] >= 0.0 && c[2] >= 0.0)
    .map(|c| (sse(&rows, &ys, &c), c))
    .min_by(|a, b| a.0.total_cmp(&b.0))?;
    let (sse, [a, b, c]) = best;
    Some(ResponseFit {
        sigma: b / a,
        kappa: c / a,
        lambda: 1.0 / a,
        r2: super::r_squared(&ys, sse),
    })
}

/// Least squares over the `free` columns (the others held at zero), by the normal equations.
fn solve(rows: &[[f64; 3]], ys: &[f64], free: [bool; 3]) -> Option<[f64; 3]> {
    let cols: Vec<usize> = (0..3).filter(|&j| free[j]).collect();
    let k = cols.len();
    // The augmented normal matrix [X'X | X'y] over the free columns.
    let mut m = vec![vec![0.0; k + 1]; k];
    for (row, y) in rows.iter().zip(ys) {
        for (i, &ci) in cols.iter().enumerate() {
            for (j, &cj) in cols.iter().enumerate() {
                m[i][j] += row[ci] * row[cj];
            }
            m[i][k] += row[ci] * y;
        }
    }
    for p in 0..k {
        let pivot = (p..k).max_by(|&a, &b| m[a][p].abs().total_cmp(&m[b][p].abs()))?;
        m.swap(p, pivot);
        if m[p][p].abs() < 1e-300 {
            return None;
        }
        let pivot_row = m[p].clone();
        for (r, row) in m.iter_mut().enumerate() {
            if r != p {
                let f = row[p] / pivot_row[p];
                for (cell, pv) in row.iter_mut().zip(&pivot_row).skip(p) {
                    *cell -= f * pv;
                }
            }
        }
    }
    let mut out = [0.0; 3];
    for (i, &ci) in cols.iter().enumerate() {
        out[ci] = m[i][k] / m[i][i];
    }
    out.iter().all(|v| v.is_finite()).then_some(out)
}

fn sse(rows: &[[f64; 3]], ys: &[f64], c: &[f64; 3]) -> f64 {
    rows.iter()
        .zip(ys)
        .map(|(r, y)| (y - (c[0] * r[0] + c[1] * r[1] + c[2] * r[2])).powi(2))
        .sum()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::analysis::latency::tests::lat;
    use crate::model::LatencySummary;

    fn lats(summaries: &[(usize, LatencySummary)]) -> Vec<Lat<'_>> {
        summaries
            .iter()
            .map(|(w, l)| Lat {
                workers: *w,
                tasks_per_sec: 1.0,
                latency: l,
                wall_s: 1.0,
            })
            .collect()
    }

    #[test]
    fn a_curve_of_the_form_is_recovered() {
        let (sigma, kappa, lambda) = (0.2, 0.01, 50.0);
        let r = |n: f64| (1.0 + sigma * (n - 1.0) + kappa * n * (n - 1.0)) / lambda;
        let data: Vec<(usize, LatencySummary)> = [1, 2, 4, 8, 16]
            .into_iter()
            .map(|n| (n, lat(r(n as f64), 0.0, r(n as f64))))
            .collect();
        let f = fit(&lats(&data)).unwrap();
        assert!((f.sigma - sigma).abs() < 1e-9, "{f:?}");
        assert!((f.kappa - kappa).abs() < 1e-9, "{f:?}");
        assert!((f.lambda - lambda).abs() < 1e-6, "{f:?}");
        assert!(f.r2 > 0.999999);
    }

    #[test]
    fn a_falling_curve_holds_the_terms_at_zero_and_few_counts_fit_nothing() {
        // Latency that falls with N cannot take negative terms: the flat fit is kept.
        let data: Vec<(usize, LatencySummary)> = [(1, 0.03), (2, 0.02), (4, 0.01)]
            .into_iter()
            .map(|(n, r)| (n, lat(r, r, r)))
            .collect();
        let f = fit(&lats(&data)).unwrap();
        assert_eq!((f.sigma, f.kappa), (0.0, 0.0));
        assert!((1.0 / f.lambda - 0.02).abs() < 1e-12, "{f:?}");
        assert!(fit(&lats(&data[..2])).is_none());
    }
}

//! A small bounded nonlinear least-squares solver: projected Levenberg-Marquardt with an active
//! set, for the 1- to 3-parameter fits of this module. Never returns NaN: a step that produces
//! a non-finite residual is rejected like any step that does not lower the sum of squares.

/// A least-squares problem in `N` parameters: residuals and their Jacobian at a point.
pub trait Problem<const N: usize> {
    /// Number of residuals.
    fn residual_count(&self) -> usize;
    /// Residual `i` at `p` and its gradient with respect to `p`.
    fn residual(&self, i: usize, p: &[f64; N]) -> (f64, [f64; N]);
}

/// Box constraints: `lo[j] <= p[j] <= hi[j]` (use `f64::INFINITY` for no upper bound).
#[derive(Debug, Clone, Copy)]
pub struct Bounds<const N: usize> {
    /// Lower bounds.
    pub lo: [f64; N],
    /// Upper bounds.
    pub hi: [f64; N],
}

impl<const N: usize> Bounds<N> {
    fn clamp(&self, p: [f64; N]) -> [f64; N] {
        std::array::from_fn(|j| p[j].clamp(self.lo[j], self.hi[j]))
    }
}

/// The result of a minimisation.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Solution<const N: usize> {
    /// The parameters at the minimum found, within the bounds.
    pub params: [f64; N],
    /// The sum of squared residuals there.
    pub sse: f64,
}

const MAX_ITERATIONS: usize = 500;
/// Relative decrease of the sum of squares below which an accepted step counts as converged.
const RTOL: f64 = 1e-15;

/// Sum of squared residuals, or infinity when any residual is not finite.
pub fn sse<const N: usize>(problem: &impl Problem<N>, p: &[f64; N]) -> f64 {
    let s: f64 = (0..problem.residual_count())
        .map(|i| problem.residual(i, p).0.powi(2))
        .sum();
    if s.is_finite() { s } else { f64::INFINITY }
}

/// Minimises the sum of squared residuals from `start` within `bounds`.
pub fn minimize<const N: usize>(
    problem: &impl Problem<N>,
    start: [f64; N],
    bounds: &Bounds<N>,
) -> Solution<N> {
    let mut p = bounds.clamp(start);
    let mut cost = sse(problem, &p);
    let mut damping = 1e-3;
    let mut quiet_steps = 0;
    for _ in 0..MAX_ITERATIONS {
        if cost == 0.0 || !cost.is_finite() {
            break;
        }
        let (jtj, grad) = normal_equations(problem, &p);
        // Parameters held at a bound by a gradient that points outwards stay fixed this step.
        let free: [bool; N] = std::array::from_fn(|j| {
            let at_lo = p[j] <= bounds.lo[j] && grad[j] > 0.0;
            let at_hi = p[j] >= bounds.hi[j] && grad[j] < 0.0;
            !(at_lo || at_hi)
        });
        if !free.iter().any(|&f| f) {
            break;
        }
        let mut accepted = false;
        while damping < 1e16 {
            if let Some(step) = damped_step(&jtj, &grad, &free, damping) {
                let trial = bounds.clamp(std::array::from_fn(|j| p[j] + step[j]));
                let trial_cost = sse(problem, &trial);
                if trial_cost < cost {
                    let gain = (cost - trial_cost) / cost;
                    p = trial;
                    cost = trial_cost;
                    damping = (damping / 3.0).max(1e-12);
                    accepted = true;
                    quiet_steps = if gain < RTOL { quiet_steps + 1 } else { 0 };
                    break;
                }
            }
            damping *= 4.0;
        }
        if !accepted || quiet_steps >= 3 {
            break;
        }
    }
    Solution {
        params: p,
        sse: cost,
    }
}

/// J^T J and the gradient J^T r at `p`.
fn normal_equations<const N: usize>(
    problem: &impl Problem<N>,
    p: &[f64; N],
) -> ([[f64; N]; N], [f64; N]) {
    let mut jtj = [[0.0; N]; N];
    let mut grad = [0.0; N];
    for i in 0..problem.residual_count() {
        let (r, g) = problem.residual(i, p);
        for a in 0..N {
            grad[a] += g[a] * r;
            for b in 0..N {
                jtj[a][b] += g[a] * g[b];
            }
        }
    }
    (jtj, grad)
}

/// Solves (J^T J + damping diag(J^T J)) step = -grad over the free parameters; fixed ones get 0.
fn damped_step<const N: usize>(
    jtj: &[[f64; N]; N],
    grad: &[f64; N],
    free: &[bool; N],
    damping: f64,
) -> Option<[f64; N]> {
    let idx: Vec<usize> = (0..N).filter(|&j| free[j]).collect();
    let n = idx.len();
    let max_diag = idx.iter().map(|&j| jtj[j][j]).fold(0.0, f64::max);
    // A floor on the diagonal keeps a parameter the data cannot see from making the system singular.
    let floor = (max_diag * 1e-12).max(1e-300);
    let mut a = vec![vec![0.0; n + 1]; n];
    for (r, &jr) in idx.iter().enumerate() {
        for (c, &jc) in idx.iter().enumerate() {
            a[r][c] = jtj[jr][jc];
        }
        a[r][r] += damping * jtj[jr][jr].max(floor);
        a[r][n] = -grad[jr];
    }
    let x = solve(a)?;
    let mut step = [0.0; N];
    for (r, &j) in idx.iter().enumerate() {
        step[j] = x[r];
    }
    step.iter().all(|s| s.is_finite()).then_some(step)
}

/// Gaussian elimination with partial pivoting on an augmented n x (n+1) matrix.
fn solve(mut a: Vec<Vec<f64>>) -> Option<Vec<f64>> {
    let n = a.len();
    for col in 0..n {
        let pivot = (col..n).max_by(|&x, &y| a[x][col].abs().total_cmp(&a[y][col].abs()))?;
        if a[pivot][col].abs() < 1e-300 || !a[pivot][col].is_finite() {
            return None;
        }
        a.swap(col, pivot);
        let pivot_row = a[col].clone();
        for row in a.iter_mut().skip(col + 1) {
            let f = row[col] / pivot_row[col];
            for (v, p) in row.iter_mut().zip(&pivot_row).skip(col) {
                *v -= f * p;
            }
        }
    }
    let mut x = vec![0.0; n];
    for row in (0..n).rev() {
        let s: f64 = (row + 1..n).map(|k| a[row][k] * x[k]).sum();
        x[row] = (a[row][n] - s) / a[row][row];
    }
    Some(x)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// y = a + b x, a linear problem the solver must solve exactly.
    struct Line(Vec<(f64, f64)>);
    impl Problem<2> for Line {
        fn residual_count(&self) -> usize {
            self.0.len()
        }
        fn residual(&self, i: usize, p: &[f64; 2]) -> (f64, [f64; 2]) {
            let (x, y) = self.0[i];
            (p[0] + p[1] * x - y, [1.0, x])
        }
    }

    const FREE: Bounds<2> = Bounds {
        lo: [f64::NEG_INFINITY; 2],
        hi: [f64::INFINITY; 2],
    };

    #[test]
    fn solves_a_linear_fit() {
        let line = Line(vec![(0.0, 1.0), (1.0, 3.0), (2.0, 5.0), (3.0, 7.0)]);
        let s = minimize(&line, [0.0, 0.0], &FREE);
        assert!((s.params[0] - 1.0).abs() < 1e-9 && (s.params[1] - 2.0).abs() < 1e-9);
        assert!(s.sse < 1e-18);
    }

    #[test]
    fn a_bound_holds_and_the_other_parameter_adapts() {
        // The unconstrained slope is 2; capped at 1, the best intercept is mean(y - x) = 2.5.
        let line = Line(vec![(0.0, 1.0), (1.0, 3.0), (2.0, 5.0), (3.0, 7.0)]);
        let b = Bounds {
            lo: [f64::NEG_INFINITY, 0.0],
            hi: [f64::INFINITY, 1.0],
        };
        let s = minimize(&line, [0.0, 0.5], &b);
        assert_eq!(s.params[1], 1.0);
        assert!((s.params[0] - 2.5).abs() < 1e-9, "{:?}", s.params);
    }

    #[test]
    fn singular_problems_do_not_produce_nan() {
        // Every x is the same: the slope and intercept cannot be told apart.
        let line = Line(vec![(1.0, 2.0), (1.0, 2.0)]);
        let s = minimize(&line, [0.0, 0.0], &FREE);
        assert!(s.params.iter().all(|v| v.is_finite()));
        assert!(s.sse < 1e-12);
        let empty = Line(vec![]);
        let e = minimize(&empty, [1.0, 1.0], &FREE);
        assert_eq!(e.params, [1.0, 1.0]);
    }

    #[test]
    fn solve_rejects_singular_matrices() {
        assert!(solve(vec![vec![0.0, 0.0, 1.0], vec![0.0, 0.0, 1.0]]).is_none());
        assert_eq!(solve(vec![vec![2.0, 4.0]]), Some(vec![2.0]));
    }
}

//! The Mann-Whitney U test (Wilcoxon rank-sum), one-sided: is sample `x` stochastically
//! smaller (or larger) than sample `y`? Pure; no assumption of normality, which matters for
//! wall times whose noise is skewed (a preempted batch is slow, never fast).
//!
//! Method: the exact null distribution of U when there are no ties and both samples hold at
//! most `EXACT_MAX_N` values (CI samples are small: 5 to 30 per point); otherwise the normal
//! approximation with the tie correction of the variance and a continuity correction of 0.5.
//! These match `scipy.stats.mannwhitneyu(x, y, alternative=..., method="exact")` and
//! `method="asymptotic", use_continuity=True` respectively (the tests hold scipy's numbers).

use serde::Serialize;

/// Largest sample size for which the exact distribution is used (counts fit an i128 easily).
pub const EXACT_MAX_N: usize = 50;

/// The direction of the alternative hypothesis, for `x` relative to `y`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Alternative {
    /// `x` tends to be smaller than `y`.
    Less,
    /// `x` tends to be larger than `y`.
    Greater,
}

/// How the p-value was computed.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum PMethod {
    /// The exact permutation distribution of U (no ties, small samples).
    Exact,
    /// Normal approximation with tie and continuity corrections.
    Normal,
}

/// The outcome of one test.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct UTest {
    /// U of `x`: the number of (x, y) pairs with x > y, ties counting one half.
    pub u: f64,
    /// One-sided p-value for the alternative asked.
    pub p_value: f64,
    /// How `p_value` was computed.
    pub method: PMethod,
}

/// Tests `x` against `y`. `None` when either sample is empty or holds a NaN or infinity.
pub fn u_test(x: &[f64], y: &[f64], alternative: Alternative) -> Option<UTest> {
    if x.is_empty() || y.is_empty() || x.iter().chain(y).any(|v| !v.is_finite()) {
        return None;
    }
    let ranks = midranks(x, y);
    let n1 = x.len();
    let n2 = y.len();
    let rank_sum_x: f64 = ranks.ranks[..n1].iter().sum();
    let u = rank_sum_x - (n1 * (n1 + 1)) as f64 / 2.0;
    let exact = !ranks.has_ties && n1 <= EXACT_MAX_N && n2 <= EXACT_MAX_N;
    let p_value = if exact {
        exact_p(u, n1, n2, alternative)
    } else {
        normal_p(u, n1, n2, ranks.tie_term, alternative)
    };
    Some(UTest {
        u,
        p_value: p_value.clamp(0.0, 1.0),
        method: if exact {
            PMethod::Exact
        } else {
            PMethod::Normal
        },
    })
}

/// The smallest one-sided p-value any outcome can reach with these sample sizes (complete
/// separation, no ties): 1 / C(n1 + n2, n1). With 5 against 5 it is 1/252, about 0.004.
pub fn min_p_value(n1: usize, n2: usize) -> f64 {
    if n1 == 0 || n2 == 0 {
        return 1.0;
    }
    if n1 <= EXACT_MAX_N && n2 <= EXACT_MAX_N {
        1.0 / binomial(n1 + n2, n1)
    } else {
        // Far below any alpha in use; the exact figure does not matter here.
        0.0
    }
}

/// Midranks of a pooled sample and what the ties contribute.
pub(crate) struct Ranks {
    /// Midranks of x's values then y's, 1-based.
    pub(crate) ranks: Vec<f64>,
    has_ties: bool,
    /// Sum of t^3 - t over groups of t tied values.
    pub(crate) tie_term: f64,
}

/// Midranks of the pooled sample (tied values share the mean of their ranks).
pub(crate) fn midranks(x: &[f64], y: &[f64]) -> Ranks {
    let pooled: Vec<f64> = x.iter().chain(y).copied().collect();
    let mut order: Vec<usize> = (0..pooled.len()).collect();
    order.sort_by(|&a, &b| pooled[a].total_cmp(&pooled[b]));
    let mut ranks = vec![0.0; pooled.len()];
    let mut tie_term = 0.0;
    let mut i = 0;
    while i < order.len() {
        let mut j = i + 1;
        while j < order.len() && pooled[order[j]] == pooled[order[i]] {
            j += 1;
        }
        // Positions i..j (0-based) share ranks i+1..=j, whose mean is (i + 1 + j) / 2.
        let mid = (i + 1 + j) as f64 / 2.0;
        for &k in &order[i..j] {
            ranks[k] = mid;
        }
        let t = (j - i) as f64;
        tie_term += t * t * t - t;
        i = j;
    }
    Ranks {
        ranks,
        has_ties: tie_term > 0.0,
        tie_term,
    }
}

/// P(U <= u) or P(U >= u) under the null, from the exact distribution.
fn exact_p(u: f64, n1: usize, n2: usize, alternative: Alternative) -> f64 {
    let counts = u_counts(n1, n2);
    let total: f64 = counts.iter().map(|&c| c as f64).sum();
    // Without ties U is a whole number.
    let u = u.round() as usize;
    let tail: i128 = match alternative {
        Alternative::Less => counts[..=u.min(counts.len() - 1)].iter().sum(),
        Alternative::Greater => counts[u.min(counts.len())..].iter().sum(),
    };
    tail as f64 / total
}

/// How many of the C(n1 + n2, n1) arrangements give each U in 0..=n1*n2: the coefficients of
/// the Gaussian binomial [n1 + n2 choose n1]_q, built as the product over k = 1..=n1 of
/// (1 - q^(n2 + k)) / (1 - q^k). Every partial product is itself a Gaussian binomial, so the
/// coefficients stay whole and the division is exact.
fn u_counts(n1: usize, n2: usize) -> Vec<i128> {
    let top = n1 * n2;
    let mut c = vec![0i128; top + n1 + 1];
    c[0] = 1;
    for k in 1..=n1 {
        let a = n2 + k;
        // Multiply by (1 - q^a): from the top down so each term reads the old value.
        for u in (a..c.len()).rev() {
            c[u] -= c[u - a];
        }
        // Divide by (1 - q^k), i.e. multiply by 1 + q^k + q^2k + ...: running sums of stride k.
        for u in k..c.len() {
            c[u] += c[u - k];
        }
    }
    c.truncate(top + 1);
    c
}

fn binomial(n: usize, k: usize) -> f64 {
    (0..k).fold(1.0, |acc, i| acc * (n - i) as f64 / (i + 1) as f64)
}

/// The normal approximation with tie-corrected variance and a continuity correction of 0.5.
fn normal_p(u: f64, n1: usize, n2: usize, tie_term: f64, alternative: Alternative) -> f64 {
    let (a, b) = (n1 as f64, n2 as f64);
    let n = a + b;
    let mean = a * b / 2.0;
    let var = a * b / 12.0 * ((n + 1.0) - tie_term / (n * (n - 1.0)));
    if var <= 0.0 {
        // Every value tied: no evidence either way.
        return 1.0;
    }
    let sd = var.sqrt();
    match alternative {
        Alternative::Greater => upper_tail((u - mean - 0.5) / sd),
        Alternative::Less => upper_tail((mean - u - 0.5) / sd),
    }
}

/// P(Z > z) for a standard normal Z.
pub(crate) fn upper_tail(z: f64) -> f64 {
    0.5 * erfc(z / std::f64::consts::SQRT_2)
}

/// The complementary error function, by the Chebyshev fit of Numerical Recipes (`erfcc`):
/// fractional error below 1.2e-7 everywhere, plenty for p-values compared with alpha.
fn erfc(x: f64) -> f64 {
    let z = x.abs();
    let t = 1.0 / (1.0 + 0.5 * z);
    let poly = -z * z - 1.265_512_23
        + t * (1.000_023_68
            + t * (0.374_091_96
                + t * (0.096_784_18
                    + t * (-0.186_288_06
                        + t * (0.278_868_07
                            + t * (-1.135_203_98
                                + t * (1.488_515_87 + t * (-0.822_152_23 + t * 0.170_872_77))))))));
    let r = t * poly.exp();
    if x >= 0.0 { r } else { 2.0 - r }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn close(got: f64, want: f64) {
        assert!(
            (got - want).abs() <= 1e-6 * want.max(1e-3),
            "got {got}, want {want}"
        );
    }

    /// Reference values from scipy 1.17.1, `mannwhitneyu(x, y, alternative, method="exact")`.
    #[test]
    fn exact_matches_scipy() {
        struct Case {
            x: &'static [f64],
            y: &'static [f64],
            u: f64,
            p_less: f64,
            p_greater: f64,
        }
        let cases = [
            Case {
                x: &[1.1, 2.2, 3.3, 4.4, 5.5],
                y: &[6.1, 7.2, 8.3, 9.4, 10.5],
                u: 0.0,
                p_less: 0.003968253968253968,
                p_greater: 1.0,
            },
            Case {
                x: &[1.0, 3.0, 5.0, 7.0, 9.0],
                y: &[2.0, 4.0, 6.0, 8.0, 10.0],
                u: 10.0,
                p_less: 0.34523809523809523,
                p_greater: 0.7261904761904762,
            },
            Case {
                x: &[0.51, 0.62, 0.48, 0.55, 0.60, 0.58],
                y: &[0.63, 0.71, 0.52, 0.69, 0.66],
                u: 4.0,
                p_less: 0.025974025974025976,
                p_greater: 0.9848484848484849,
            },
            Case {
                x: &[19.0, 22.0, 16.0, 29.0, 24.0],
                y: &[20.0, 11.0, 17.0, 12.0],
                u: 17.0,
                p_less: 0.9682539682539683,
                p_greater: 0.05555555555555555,
            },
        ];
        for c in cases {
            let less = u_test(c.x, c.y, Alternative::Less).unwrap();
            let greater = u_test(c.x, c.y, Alternative::Greater).unwrap();
            assert_eq!(less.method, PMethod::Exact);
            assert_eq!(less.u, c.u);
            close(less.p_value, c.p_less);
            close(greater.p_value, c.p_greater);
        }
    }

    /// scipy 1.17.1, `method="asymptotic", use_continuity=True`, with ties.
    #[test]
    fn ties_use_the_corrected_normal_approximation() {
        let x = [1.0, 2.0, 2.0, 3.0, 3.0, 3.0, 4.0, 5.0];
        let y = [3.0, 4.0, 4.0, 5.0, 5.0, 6.0, 7.0, 7.0, 8.0];
        let less = u_test(&x, &y, Alternative::Less).unwrap();
        assert_eq!(less.method, PMethod::Normal);
        assert_eq!(less.u, 7.5);
        close(less.p_value, 0.0031865669190429364);
        close(
            u_test(&x, &y, Alternative::Greater).unwrap().p_value,
            0.9976386658073535,
        );
    }

    /// scipy 1.17.1, asymptotic, for samples past EXACT_MAX_N: `mannwhitneyu(range(60),
    /// [i + 10.5 for i in range(55)], method="asymptotic")`, and a heavily tied pair
    /// (`[i % 7 for i in range(60)]` against `[i % 5 + 1 for i in range(55)]`).
    #[test]
    fn large_samples_use_the_normal_approximation() {
        let x: Vec<f64> = (0..60).map(f64::from).collect();
        let y: Vec<f64> = (0..55).map(|i| f64::from(i) + 10.5).collect();
        let less = u_test(&x, &y, Alternative::Less).unwrap();
        assert_eq!(less.method, PMethod::Normal);
        assert_eq!(less.u, 1225.0);
        close(less.p_value, 0.008733109551984121);
        close(
            u_test(&x, &y, Alternative::Greater).unwrap().p_value,
            0.9913985585816014,
        );
        let x: Vec<f64> = (0..60).map(|i| f64::from(i % 7)).collect();
        let y: Vec<f64> = (0..55).map(|i| f64::from(i % 5) + 1.0).collect();
        let less = u_test(&x, &y, Alternative::Less).unwrap();
        assert_eq!(less.u, 1589.5);
        close(less.p_value, 0.366811618896004);
        close(
            u_test(&x, &y, Alternative::Greater).unwrap().p_value,
            0.6353217398426176,
        );
    }

    #[test]
    fn counts_sum_to_the_binomial_and_are_symmetric() {
        for (n1, n2) in [(1, 1), (3, 4), (5, 5), (12, 9), (30, 30)] {
            let c = u_counts(n1, n2);
            let total: f64 = c.iter().map(|&v| v as f64).sum();
            close(total, binomial(n1 + n2, n1));
            assert!(c.iter().all(|&v| v >= 0));
            let rev: Vec<i128> = c.iter().rev().copied().collect();
            assert_eq!(c, rev);
        }
        close(min_p_value(5, 5), 1.0 / 252.0);
    }

    #[test]
    fn rejects_empty_and_non_finite() {
        assert!(u_test(&[], &[1.0], Alternative::Less).is_none());
        assert!(u_test(&[f64::NAN], &[1.0], Alternative::Less).is_none());
    }

    #[test]
    fn all_tied_is_no_evidence() {
        let t = u_test(&[1.0; 6], &[1.0; 6], Alternative::Less).unwrap();
        assert_eq!(t.p_value, 1.0);
    }

    proptest! {
        /// The two one-sided p-values of a tie-free exact test add up to 1 + P(U = u).
        #[test]
        fn one_sided_tails_overlap_by_one_point(
            x in prop::collection::vec(0.0f64..1.0, 1..9),
            y in prop::collection::vec(0.0f64..1.0, 1..9),
        ) {
            let less = u_test(&x, &y, Alternative::Less).unwrap();
            let greater = u_test(&x, &y, Alternative::Greater).unwrap();
            prop_assert!(less.p_value > 0.0 && less.p_value <= 1.0);
            prop_assert!(less.p_value + greater.p_value >= 1.0 - 1e-12);
            prop_assert!(less.u >= 0.0 && less.u <= (x.len() * y.len()) as f64);
        }
    }
}

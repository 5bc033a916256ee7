//! The stratified Mann-Whitney test over a whole curve: one U statistic per worker count
//! (stratum), summed, against the null distribution of the sum (normal approximation with
//! tie and continuity corrections). It pools the evidence of every worker count, so a
//! slowdown of the whole curve is detected even when each count alone has too few samples
//! to pass a multiple-comparison correction. Pure.

use super::mann_whitney::{Alternative, midranks, upper_tail};

/// One stratum: the `x` and `y` samples of one worker count.
#[derive(Debug, Clone, Copy)]
pub struct Stratum<'a> {
    /// Samples of the side whose shift is tested.
    pub x: &'a [f64],
    /// Samples of the other side.
    pub y: &'a [f64],
}

/// The stratified test's outcome.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct StratifiedTest {
    /// The standardized sum of U, continuity-corrected (negative when x tends to be smaller).
    pub z: f64,
    /// One-sided p-value for the alternative asked.
    pub p_value: f64,
}

/// Tests whether `x` tends to be smaller (or larger) than `y` across all strata. Strata with
/// an empty side or a non-finite value are skipped; `None` when none is left.
pub fn stratified_u_test(
    strata: &[Stratum<'_>],
    alternative: Alternative,
) -> Option<StratifiedTest> {
    let mut u_sum = 0.0;
    let mut mean_sum = 0.0;
    let mut var_sum = 0.0;
    let mut used = 0;
    for s in strata {
        if s.x.is_empty() || s.y.is_empty() || s.x.iter().chain(s.y).any(|v| !v.is_finite()) {
            continue;
        }
        let ranks = midranks(s.x, s.y);
        let (n1, n2) = (s.x.len() as f64, s.y.len() as f64);
        let n = n1 + n2;
        let rank_sum: f64 = ranks.ranks[..s.x.len()].iter().sum();
        u_sum += rank_sum - n1 * (n1 + 1.0) / 2.0;
        mean_sum += n1 * n2 / 2.0;
        var_sum += n1 * n2 / 12.0 * ((n + 1.0) - ranks.tie_term / (n * (n - 1.0)));
        used += 1;
    }
    if used == 0 {
        return None;
    }
    if var_sum <= 0.0 {
        return Some(StratifiedTest {
            z: 0.0,
            p_value: 1.0,
        });
    }
    let sd = var_sum.sqrt();
    let diff = u_sum - mean_sum;
    // Continuity correction towards the null, by half a step of U.
    let z = (diff - 0.5 * diff.signum()) / sd;
    let p_value = match alternative {
        Alternative::Greater => upper_tail((diff - 0.5) / sd),
        Alternative::Less => upper_tail((-diff - 0.5) / sd),
    };
    Some(StratifiedTest {
        z,
        p_value: p_value.clamp(0.0, 1.0),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    /// With one stratum past the exact limit it is the plain normal approximation: scipy
    /// 1.17.1 `mannwhitneyu(range(60), [i + 10.5 for i in range(55)], method="asymptotic")`.
    #[test]
    fn one_stratum_is_the_plain_normal_test() {
        let x: Vec<f64> = (0..60).map(f64::from).collect();
        let y: Vec<f64> = (0..55).map(|i| f64::from(i) + 10.5).collect();
        let t = stratified_u_test(&[Stratum { x: &x, y: &y }], Alternative::Less).unwrap();
        assert!((t.p_value - 0.008733109551984121).abs() < 1e-8, "{t:?}");
        assert!(t.z < 0.0);
    }

    #[test]
    fn evidence_adds_up_across_strata() {
        // Each 5-vs-5 stratum is completely separated; more strata give a smaller p.
        let slow = [1.10, 1.11, 1.12, 1.13, 1.14];
        let fast = [1.00, 1.01, 1.02, 1.03, 1.04];
        let one = [Stratum { x: &fast, y: &slow }];
        let four = [one[0]; 4];
        let p1 = stratified_u_test(&one, Alternative::Less).unwrap().p_value;
        let p4 = stratified_u_test(&four, Alternative::Less).unwrap().p_value;
        assert!(p4 < p1 && p4 < 1e-4, "{p1} {p4}");
        // By hand for four strata: sum U = 0, mean 50, variance 4 * 25 * 11 / 12.
        let z = (50.0f64 - 0.5) / (4.0f64 * 25.0 * 11.0 / 12.0).sqrt();
        assert!((p4 - upper_tail(z)).abs() < 1e-12);
        let against = stratified_u_test(&four, Alternative::Greater)
            .unwrap()
            .p_value;
        assert!(against > 0.99);
    }

    #[test]
    fn empty_strata_are_skipped() {
        assert!(stratified_u_test(&[Stratum { x: &[], y: &[1.0] }], Alternative::Less).is_none());
        let same = [1.0, 1.0, 1.0];
        let t = stratified_u_test(&[Stratum { x: &same, y: &same }], Alternative::Less).unwrap();
        assert_eq!(t.p_value, 1.0);
    }
}

//! Holm's step-down adjustment of p-values, which keeps the chance of any false alarm across
//! a family of tests (here: one test per worker count) at alpha, without assuming the tests
//! are independent. Pure.

/// Holm-adjusted p-values, in the order given: sorted ascending, the i-th smallest (0-based)
/// is multiplied by (m - i), then made monotone and capped at 1. A test is significant at
/// alpha exactly when its adjusted p-value is below alpha.
pub fn holm_adjust(p_values: &[f64]) -> Vec<f64> {
    let m = p_values.len();
    let mut order: Vec<usize> = (0..m).collect();
    order.sort_by(|&a, &b| p_values[a].total_cmp(&p_values[b]));
    let mut adjusted = vec![1.0; m];
    let mut running = 0.0f64;
    for (i, &k) in order.iter().enumerate() {
        running = running.max(((m - i) as f64 * p_values[k]).min(1.0));
        adjusted[k] = running;
    }
    adjusted
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn known_values() {
        // By hand: sorted 0.01, 0.02, 0.04 -> 0.03, 0.04, 0.04 (monotone), in input order.
        let adj = holm_adjust(&[0.04, 0.01, 0.02]);
        let want = [0.04, 0.03, 0.04];
        for (a, w) in adj.iter().zip(want) {
            assert!((a - w).abs() < 1e-12, "{adj:?}");
        }
        assert_eq!(holm_adjust(&[0.5, 0.9]), vec![1.0, 1.0]);
        assert!(holm_adjust(&[]).is_empty());
    }

    proptest! {
        #[test]
        fn adjusted_is_at_least_raw_and_at_most_bonferroni(ps in prop::collection::vec(0.0f64..=1.0, 1..20)) {
            let adj = holm_adjust(&ps);
            let m = ps.len() as f64;
            for (p, a) in ps.iter().zip(&adj) {
                prop_assert!(*a >= *p - 1e-15);
                prop_assert!(*a <= (p * m).min(1.0) + 1e-15);
            }
        }
    }
}

//! The first question of a comparison: do the two runs share a measured worker count? When
//! they do not, the right diagnosis is that, not "too few samples".

use crate::model::RunRecord;

/// The worker counts of `r` that have samples.
fn measured(r: &RunRecord) -> Vec<usize> {
    r.points
        .iter()
        .filter(|p| !p.samples.is_empty())
        .map(|p| p.workers)
        .collect()
}

/// A sentence when `baseline` and `current` (named `base_name` and `cur_name`) share no
/// measured worker count; `None` when they share one.
pub fn no_shared_count(
    baseline: &RunRecord,
    current: &RunRecord,
    base_name: &str,
    cur_name: &str,
) -> Option<String> {
    let a = measured(baseline);
    let b = measured(current);
    if a.iter().any(|w| b.contains(w)) {
        return None;
    }
    let show = |v: &[usize]| {
        if v.is_empty() {
            "no worker count".to_string()
        } else {
            let list: Vec<String> = v.iter().map(ToString::to_string).collect();
            format!("workers {}", list.join(", "))
        }
    };
    Some(format!(
        "{base_name} measured {} and {cur_name} measured {}: they share no worker count, so there is nothing to compare; rerun one with the other's --workers",
        show(&a),
        show(&b)
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn record_with_workers(workers: &[usize], n: usize) -> RunRecord {
        let points: Vec<(usize, Vec<f64>)> = workers.iter().map(|&w| (w, vec![1.0; n])).collect();
        crate::testdata::record_from_samples(&points, 8, 4)
    }

    #[test]
    fn disjoint_counts_are_named_and_shared_ones_pass() {
        let a = record_with_workers(&[1, 2, 4], 6);
        let b = record_with_workers(&[3, 5], 6);
        let msg = no_shared_count(&a, &b, "a.json", "b.json").unwrap();
        assert!(
            msg.contains("workers 1, 2, 4") && msg.contains("workers 3, 5"),
            "{msg}"
        );
        assert!(!msg.contains("samples"), "{msg}");
        let c = record_with_workers(&[2, 8], 6);
        assert_eq!(no_shared_count(&a, &c, "a", "c"), None);
    }
}

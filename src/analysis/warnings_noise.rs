//! Warnings from the decision, found: the batches other work disturbed (summed up per count:
//! rounds, the most other work and steal, the least CPU share), a recommendation that is not yet
//! stable under resampling, and measurement faults. Their sentences are in `warning_decision`.
//! Pure.

use super::warning::{DisturbedCount, Warning};
use crate::model::{DecisionRecord, DisturbedBatch};

/// The decision's warnings.
pub fn collect(d: &DecisionRecord) -> Vec<Warning> {
    let mut out = Vec::new();
    out.extend(disturbed(&d.disturbed));
    if let Some(stability) = d.stability.filter(|&s| s < crate::decision::STABLE) {
        out.push(Warning::Unstable { stability });
    }
    if !d.physics_faults.is_empty() {
        out.push(Warning::MeasurementFault {
            workers: d.physics_faults.clone(),
        });
    }
    out
}

/// The disturbed batches summed up per worker count, ascending; `None` when there are none.
pub fn disturbed(batches: &[DisturbedBatch]) -> Option<Warning> {
    if batches.is_empty() {
        return None;
    }
    let mut counts: Vec<usize> = batches.iter().map(|b| b.workers).collect();
    counts.sort_unstable();
    counts.dedup();
    let counts = counts.iter().map(|&w| of_count(batches, w)).collect();
    Some(Warning::Disturbed { counts })
}

/// The batches of `workers`: their rounds, the most other work and steal, the least CPU share.
fn of_count(batches: &[DisturbedBatch], workers: usize) -> DisturbedCount {
    let mine: Vec<&DisturbedBatch> = batches.iter().filter(|b| b.workers == workers).collect();
    let worst = |f: fn(&DisturbedBatch) -> Option<f64>| {
        mine.iter()
            .filter_map(|b| f(b))
            .fold(None, |m: Option<f64>, x| Some(m.map_or(x, |m| m.max(x))))
    };
    let least = mine
        .iter()
        .filter_map(|b| b.cpu_share)
        .fold(f64::INFINITY, f64::min);
    DisturbedCount {
        workers,
        rounds: mine.iter().filter_map(|b| b.round).collect(),
        batches: mine.len(),
        other_cpus: worst(|b| b.other_cpus),
        steal_cpus: worst(|b| b.steal_cpus),
        cpu_share: Some(least).filter(|l| l.is_finite()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_mostly_disturbed_run_cannot_decide() {
        let mut r = crate::testdata::record_from_samples(
            &[(1, vec![2.0, 2.0, 2.1]), (2, vec![1.0, 1.0, 1.05])],
            8,
            2,
        );
        for p in &mut r.points {
            for s in p.samples.iter_mut().take(2) {
                s.disturbed = true;
            }
        }
        let a = crate::analysis::analyze(&r, &Default::default()).unwrap();
        let d = a.decision.unwrap();
        assert!((d.disturbed_share - 4.0 / 6.0).abs() < 1e-12);
        assert!(a.verdict.starts_with("Cannot decide yet"), "{}", a.verdict);
        assert!(a.verdict.contains("provisional"), "{}", a.verdict);
    }

    #[test]
    fn disturbed_batches_are_named_by_count_and_round() {
        let b = |w, r, o| DisturbedBatch {
            workers: w,
            round: Some(r),
            other_cpus: Some(o),
            steal_cpus: Some(0.0),
            cpu_share: Some(0.6),
        };
        let w = disturbed(&[b(2, 3, 0.9), b(2, 4, 0.7), b(8, 4, 0.5)])
            .unwrap()
            .to_string();
        assert!(
            w.contains("2 workers in rounds 4 and 5 (other processes up to 0.90 CPUs"),
            "{w}"
        );
        assert!(w.contains("8 workers in round 5"), "{w}");
        assert!(w.contains("60% of their CPU"), "{w}");
        assert!(disturbed(&[]).is_none());
    }
}

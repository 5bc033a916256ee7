//! Warnings from the decision: the batches other work disturbed (which counts, which rounds,
//! by how much), a recommendation that is not yet stable under resampling, and measurement
//! faults. Pure.

use crate::model::{DecisionRecord, DisturbedBatch};

/// The decision's warnings.
pub fn collect(d: &DecisionRecord) -> Vec<String> {
    let mut out = Vec::new();
    if let Some(w) = disturbed(&d.disturbed) {
        out.push(w);
    }
    if let Some(s) = d.stability.filter(|&s| s < crate::decision::STABLE) {
        out.push(format!(
            "The recommendation is not yet stable: only {:.0}% of bootstrap resamples of the \
rounds give the same count; give a longer --max-time (or run on a quieter machine) to settle it.",
            (s * 100.0).floor()
        ));
    }
    if !d.physics_faults.is_empty() {
        let at: Vec<String> = d.physics_faults.iter().map(|w| w.to_string()).collect();
        out.push(format!(
            "Measurement fault at {} workers: a CPU-bound speedup above the CPUs available means \
those batches were disturbed (a slowed 1-worker batch, or bursts past a quota), not that workers \
waited.",
            crate::analysis::verdict_noise::join(&at)
        ));
    }
    out
}

/// "Disturbed batches (other work on the machine; left out of summaries and the decision):
/// 2 workers in rounds 4 and 5 (other processes 0.9 CPUs, workers got 62% of their CPU); ..."
pub fn disturbed(batches: &[DisturbedBatch]) -> Option<String> {
    if batches.is_empty() {
        return None;
    }
    let mut counts: Vec<usize> = batches.iter().map(|b| b.workers).collect();
    counts.sort_unstable();
    counts.dedup();
    let parts: Vec<String> = counts
        .iter()
        .map(|&w| {
            let mine: Vec<&DisturbedBatch> = batches.iter().filter(|b| b.workers == w).collect();
            let rounds: Vec<String> = mine
                .iter()
                .filter_map(|b| b.round.map(|r| (r + 1).to_string()))
                .collect();
            let worst = |f: fn(&DisturbedBatch) -> Option<f64>| {
                mine.iter()
                    .filter_map(|b| f(b))
                    .fold(None, |m: Option<f64>, x| Some(m.map_or(x, |m| m.max(x))))
            };
            let mut how = Vec::new();
            if let Some(o) = worst(|b| b.other_cpus).filter(|&o| o >= 0.05) {
                how.push(format!("other processes up to {o:.2} CPUs"));
            }
            if let Some(s) = worst(|b| b.steal_cpus).filter(|&s| s >= 0.05) {
                how.push(format!("steal up to {s:.2} CPUs"));
            }
            let least = mine
                .iter()
                .filter_map(|b| b.cpu_share)
                .fold(f64::INFINITY, f64::min);
            if least.is_finite() && least < 1.0 {
                how.push(format!(
                    "workers got as little as {:.0}% of their CPU",
                    least * 100.0
                ));
            }
            let where_ = if rounds.is_empty() {
                format!("{} batches", mine.len())
            } else {
                format!(
                    "round{} {}",
                    if rounds.len() == 1 { "" } else { "s" },
                    crate::analysis::verdict_noise::join(&rounds)
                )
            };
            let how = if how.is_empty() {
                String::new()
            } else {
                format!(" ({})", how.join(", "))
            };
            format!("{} in {where_}{how}", crate::words::workers(w))
        })
        .collect();
    Some(format!(
        "Disturbed batches (other work used the machine; left out of the summaries and the \
decision, and re-measured where the budget allowed): {}.",
        parts.join("; ")
    ))
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
        let w = disturbed(&[b(2, 3, 0.9), b(2, 4, 0.7), b(8, 4, 0.5)]).unwrap();
        assert!(
            w.contains("2 workers in rounds 4 and 5 (other processes up to 0.90 CPUs"),
            "{w}"
        );
        assert!(w.contains("8 workers in round 5"), "{w}");
        assert!(w.contains("60% of their CPU"), "{w}");
        assert!(disturbed(&[]).is_none());
    }
}

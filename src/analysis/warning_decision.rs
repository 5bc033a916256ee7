//! The sentences of the decision's warnings: the batches other work disturbed (which counts,
//! which rounds, by how much), a recommendation not yet stable under resampling, and
//! measurement faults. Pure writers for `Warning`'s Display.

use super::warning::{DisturbedCount, and_list};
use std::fmt::{Formatter, Result};

/// Other processes' or steal CPUs below this are too small to name.
const NAMED_CPUS: f64 = 0.05;

/// "Disturbed batches (...): 2 workers in rounds 4 and 5 (other processes up to 0.90 CPUs,
/// workers got as little as 60% of their CPU); 8 workers in round 5 (...)."
pub(super) fn disturbed(f: &mut Formatter<'_>, counts: &[DisturbedCount]) -> Result {
    let parts: Vec<String> = counts.iter().map(count_part).collect();
    write!(
        f,
        "Disturbed batches (other work used the machine; left out of the summaries and the \
decision, and re-measured where the budget allowed): {}.",
        parts.join("; ")
    )
}

/// "2 workers in rounds 4 and 5 (other processes up to 0.90 CPUs)".
fn count_part(c: &DisturbedCount) -> String {
    let mut how = Vec::new();
    if let Some(o) = c.other_cpus.filter(|&o| o >= NAMED_CPUS) {
        how.push(format!("other processes up to {o:.2} CPUs"));
    }
    if let Some(s) = c.steal_cpus.filter(|&s| s >= NAMED_CPUS) {
        how.push(format!("steal up to {s:.2} CPUs"));
    }
    if let Some(least) = c.cpu_share.filter(|&l| l < 1.0) {
        how.push(format!(
            "workers got as little as {:.0}% of their CPU",
            least * 100.0
        ));
    }
    let where_ = match c.rounds.as_slice() {
        [] => format!("{} batches", c.batches),
        rounds => {
            let said: Vec<u32> = rounds.iter().map(|r| r + 1).collect();
            let s = if said.len() == 1 { "" } else { "s" };
            format!("round{s} {}", and_list(&said))
        }
    };
    let how = if how.is_empty() {
        String::new()
    } else {
        format!(" ({})", how.join(", "))
    };
    format!("{} in {where_}{how}", crate::words::workers(c.workers))
}

pub(super) fn unstable(f: &mut Formatter<'_>, stability: f64) -> Result {
    write!(
        f,
        "The recommendation is not yet stable: only {:.0}% of bootstrap resamples of the \
rounds give the same count; give a longer --max-time (or run on a quieter machine) to settle it.",
        (stability * 100.0).floor()
    )
}

pub(super) fn measurement_fault(f: &mut Formatter<'_>, at: &[usize]) -> Result {
    write!(
        f,
        "Measurement fault at {} workers: a CPU-bound speedup above the CPUs available means \
those batches were disturbed (a slowed 1-worker batch, or bursts past a quota), not that workers \
waited.",
        and_list(at)
    )
}

#[cfg(test)]
mod tests {
    use crate::analysis::warning::DisturbedCount;
    use crate::analysis::warning::Warning::*;
    use crate::analysis::warning::says;

    #[test]
    fn disturbed() {
        let at = |workers, rounds: Vec<u32>, other, share| DisturbedCount {
            workers,
            batches: rounds.len().max(3),
            rounds,
            other_cpus: Some(other),
            steal_cpus: Some(0.0),
            cpu_share: share,
        };
        says(
            Disturbed {
                counts: vec![
                    at(2, vec![3, 4], 0.9, Some(0.6)),
                    at(8, vec![4], 0.01, Some(1.0)),
                    at(1, vec![], 0.5, None),
                ],
            },
            "Disturbed batches (other work used the machine; left out of the summaries and the \
decision, and re-measured where the budget allowed): 2 workers in rounds 4 and 5 (other \
processes up to 0.90 CPUs, workers got as little as 60% of their CPU); 8 workers in round 5; \
1 worker in 3 batches (other processes up to 0.50 CPUs).",
        );
    }

    #[test]
    fn steal_is_named() {
        let c = DisturbedCount {
            workers: 4,
            rounds: vec![0],
            batches: 1,
            other_cpus: None,
            steal_cpus: Some(0.25),
            cpu_share: None,
        };
        assert!(
            Disturbed { counts: vec![c] }
                .to_string()
                .ends_with("4 workers in round 1 (steal up to 0.25 CPUs)."),
        );
    }

    #[test]
    fn unstable() {
        says(
            Unstable { stability: 0.876 },
            "The recommendation is not yet stable: only 87% of bootstrap resamples of the rounds \
give the same count; give a longer --max-time (or run on a quieter machine) to settle it.",
        );
    }

    #[test]
    fn measurement_fault() {
        says(
            MeasurementFault {
                workers: vec![4, 8, 16],
            },
            "Measurement fault at 4, 8 and 16 workers: a CPU-bound speedup above the CPUs \
available means those batches were disturbed (a slowed 1-worker batch, or bursts past a quota), \
not that workers waited.",
        );
    }
}

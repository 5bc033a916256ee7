//! The verdict's sentences about certainty and models: the recommendation's stability under
//! resampling of rounds, measurement faults (a CPU-bound speedup above the CPUs), the models
//! fitted on the scalable region and the cost of oversubscription, the points that did not
//! converge and the disturbed batches. Pure.

use super::verdict::Facts;
use crate::words::workers;

/// ", the same in 99% of resamples" (empty without a stability; "provisional" when most
/// batches were disturbed).
pub fn stability_clause(f: &Facts<'_>) -> String {
    if f.decision
        .is_some_and(|d| d.disturbed_share >= UNDECIDED_SHARE)
    {
        return " (provisional: most batches were disturbed)".into();
    }
    match f.decision.and_then(|d| d.stability) {
        Some(s) => format!(", the same in {:.0}% of resamples", (s * 100.0).floor()),
        None => String::new(),
    }
}

/// Share of disturbed batches at or above which the run cannot decide.
pub const UNDECIDED_SHARE: f64 = 0.5;

/// First in the verdict: that the run cannot decide (most batches disturbed), or the physics
/// check when it failed.
pub fn faults(f: &Facts<'_>) -> Option<String> {
    let d = f.decision?;
    if d.disturbed_share >= UNDECIDED_SHARE {
        return Some(format!(
            "Cannot decide yet: other work on the machine disturbed {:.0}% of the batches, so these numbers measure the competition for the CPUs, not the workload; the figures below are provisional. Rerun on a quiet machine (or with --wait-idle).",
            d.disturbed_share * 100.0
        ));
    }
    if d.physics_faults.is_empty() {
        return None;
    }
    let at: Vec<String> = d.physics_faults.iter().map(|w| w.to_string()).collect();
    Some(format!(
        "Measurement fault: at {} workers this CPU-bound work measured a speedup above the \
machine's {} effective CPUs, which the hardware cannot give; those batches were disturbed, so \
that part of the curve is noise (rerun on a quieter machine, or with a longer --max-time).",
        join(&at),
        f.machine.effective_cpus
    ))
}

/// Amdahl's law on the scalable region, the fits not made, and oversubscription's cost.
pub fn models(f: &Facts<'_>) -> Vec<String> {
    let r = f.regions;
    let mut out = Vec::new();
    if let (Some(e), Some(a)) = (r.scalable_up_to, f.amdahl) {
        out.push(format!(
            "Fitted on 1 to {} (the scalable region), Amdahl's law gives a serial fraction of \
{:.3}.",
            workers(e),
            a.serial_fraction
        ));
    }
    if let Some(note) = &r.fit_note {
        let mut c = note.chars();
        if let Some(first) = c.next() {
            out.push(format!("{}{}.", first.to_uppercase(), c.as_str()));
        }
    }
    if let (Some(e), Some(lost)) = (r.scalable_up_to, r.lost_per_extra_worker) {
        out.push(if lost > 0.0 {
            format!(
                "Past {}, each extra worker costs about {:.1}% of the throughput at {e}.",
                workers(e),
                lost * 100.0
            )
        } else {
            format!(
                "Past {}, throughput does not fall (about {:.1}% gained per extra worker).",
                workers(e),
                -lost * 100.0
            )
        });
    }
    out
}

/// The points whose CI is still wider than the target, and the disturbed batches.
pub fn unconverged(f: &Facts<'_>) -> Vec<String> {
    let Some(d) = f.decision else {
        return vec![];
    };
    let mut out = Vec::new();
    if !d.unconverged.is_empty() && d.method.resampled() {
        let widths: Vec<String> = d
            .counts
            .iter()
            .filter(|c| d.unconverged.contains(&c.workers))
            .map(|c| {
                if c.ci_half_width >= 0.0 {
                    format!("{} (±{:.1}%)", c.workers, c.ci_half_width * 100.0)
                } else {
                    c.workers.to_string()
                }
            })
            .collect();
        out.push(format!(
            "Not converged: the 95% CI at {} workers is wider than ±{:.0}% (rounds compared within \
themselves); more rounds would narrow it.",
            join(&widths),
            d.target_ci * 100.0
        ));
    }
    if !d.disturbed.is_empty() {
        out.push(format!(
            "{} disturbed by other work on the machine {} left out (see the warnings).",
            if d.disturbed.len() == 1 {
                "1 batch".to_string()
            } else {
                format!("{} batches", d.disturbed.len())
            },
            if d.disturbed.len() == 1 {
                "was"
            } else {
                "were"
            }
        ));
    }
    out
}

/// "a, b and c".
pub fn join(items: &[String]) -> String {
    match items {
        [] => String::new(),
        [one] => one.clone(),
        [init @ .., last] => format!("{} and {last}", init.join(", ")),
    }
}

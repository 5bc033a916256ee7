//! Notes printed under the terminal table that only the run itself can give: how adaptive
//! repetitions (`--target-ci`) ended. Warnings about the data and the machine (spread, a busy
//! start, the governor) are the analysis's, in `analysis::warnings`. Pure: record in, sentences out.

use crate::model::RunRecord;
use crate::sweep::adaptive;

/// One sentence per note, in the order a reader should act on them.
pub fn render(record: &RunRecord) -> Vec<String> {
    let mut notes = Vec::new();
    if let Some(a) = &record.config.adaptive {
        notes.push(adaptive_note(record, a));
    }
    notes
}

/// How adaptive repetitions ended: the reason, samples per worker count, and any count still
/// above the target.
fn adaptive_note(record: &RunRecord, a: &crate::model::AdaptiveConfig) -> String {
    let target = a.target_ci;
    let reason = record
        .run
        .stop_reason
        .map_or("unknown", |r| r.as_str())
        .replace('_', " ");
    let per_point: Vec<String> = record
        .points
        .iter()
        .map(|p| format!("{}w {}", p.workers, p.samples.len()))
        .collect();
    // The decision's CIs (rounds as blocks) when the analysis has them.
    let open: Vec<String> = match record.analysis.as_ref().and_then(|x| x.decision.as_ref()) {
        Some(d) => d.unconverged.iter().map(|w| w.to_string()).collect(),
        None => record
            .points
            .iter()
            .filter(|p| !adaptive::converged(p, target))
            .map(|p| p.workers.to_string())
            .collect(),
    };
    let how = if a.by_default {
        format!(
            "adaptive (the default: until certain, within {:.0} s), target ±{}%",
            a.max_time_s,
            target * 100.0
        )
    } else {
        format!("--target-ci {}%", target * 100.0)
    };
    let open = if open.is_empty() {
        "every count is within it".to_string()
    } else {
        format!("still above it at {} workers", open.join(", "))
    };
    format!(
        "note: {how}: stopped ({reason}); samples per worker count: {}; {open}",
        per_point.join(", ")
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::{AdaptiveConfig, StopReason};

    fn record() -> RunRecord {
        let text = include_str!("../../tests/fixtures/results-v1.json");
        crate::model::json::parse(text, std::path::Path::new("x")).unwrap()
    }

    #[test]
    fn a_plain_run_has_no_notes() {
        let mut r = record();
        r.config.adaptive = None;
        assert!(render(&r).is_empty());
    }

    #[test]
    fn adaptive_runs_say_why_they_stopped() {
        let mut r = record();
        r.config.adaptive = Some(AdaptiveConfig {
            target_ci: 0.02,
            max_time_s: 60.0,
            by_default: false,
        });
        r.run.stop_reason = Some(StopReason::MaxTime);
        let note = render(&r).pop().unwrap();
        assert!(
            note.contains("--target-ci 2%: stopped (max time)"),
            "{note}"
        );
        assert!(note.contains("1w "), "{note}");
    }
}

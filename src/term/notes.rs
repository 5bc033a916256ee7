//! Notes that only the run itself can give: how adaptive repetitions (`--target-ci`) ended,
//! under the terminal table, and the end-of-run warnings about failed tasks and leftover
//! processes, on stderr. Warnings about the data and the machine (spread, a busy start, the
//! governor) are the analysis's, in `analysis::warnings`. Pure: record in, sentences out.

use crate::analysis::data_notes;
use crate::model::{RunRecord, Sample};
use crate::sweep::adaptive;

/// One sentence per note, in the order a reader should act on them.
pub fn render(record: &RunRecord) -> Vec<String> {
    let mut notes = Vec::new();
    if let Some(line) = sizing_note(record) {
        notes.push(line);
    }
    if let Some(a) = &record.config.adaptive {
        notes.push(adaptive_note(record, a));
    }
    notes
}

/// How big the batches were, when sized per count: "batches sized to ~0.5 s (25 tasks per
/// worker)"; nothing for one fixed job, whose count the table's title gives.
fn sizing_note(record: &RunRecord) -> Option<String> {
    let choice = record.config.tasks_choice.as_ref()?;
    let k = choice.per_worker?;
    let target = choice
        .target_batch_s
        .map_or(String::new(), |t| format!(" to ~{t} s"));
    Some(format!(
        "note: batches sized{target} ({k} tasks per worker; fewer each past the capacity, so every batch lasts about as long)"
    ))
}

/// The warnings a run ends with, for stderr: tasks `--keep-going` recorded as failed, and
/// processes commands left behind in their process groups (said once, however many tasks did it).
pub fn end_of_run(record: &RunRecord) -> Vec<String> {
    let failed = counted(record, |s| s.failed_tasks).map(|failed| {
        format!("warning: {failed} tasks failed and were recorded (--keep-going); see failed_tasks in results.json")
    });
    let left = counted(record, |s| s.leftover_processes).map(|left| {
        format!("warning: the command left {left} processes running after its main process exited (e.g. `cmd &`); plateau killed them, as a task is its whole process group (see leftover_processes in results.json)")
    });
    failed.into_iter().chain(left).collect()
}

/// The sum of `count` over every sample of `record`, when above 0.
fn counted(record: &RunRecord, count: impl Fn(&Sample) -> Option<u64>) -> Option<u64> {
    let n = data_notes::total(record.points.iter().flat_map(|p| &p.samples), count);
    (n > 0).then_some(n)
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
    fn a_run_ends_with_a_warning_per_kind_of_leftover() {
        let mut r = record();
        assert!(end_of_run(&r).is_empty());
        r.points[0].samples[0].leftover_processes = Some(2);
        r.points[1].samples[0].leftover_processes = Some(1);
        assert_eq!(end_of_run(&r).len(), 1);
        assert!(end_of_run(&r)[0].contains("the command left 3 processes"));
        r.points[0].samples[0].failed_tasks = Some(5);
        let notes = end_of_run(&r);
        assert_eq!(notes.len(), 2);
        assert!(
            notes[0].starts_with("warning: 5 tasks failed and were recorded (--keep-going)"),
            "{notes:?}"
        );
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

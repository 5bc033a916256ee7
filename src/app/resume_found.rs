//! What `plateau run --resume DIR` found in DIR, in one line: how the run ended, the measured
//! rounds done and the samples kept per worker count, and the seed the round orders replay.

use crate::model::{RunRecord, StopReason};
use std::path::Path;

/// "resuming DIR: it was killed before it could save its end (no finished_at); 3 of 10
/// measured rounds done, 7 samples kept (1 worker: 3, 2 workers: 2, 4 workers: 2); seed 5".
pub fn found(record: &RunRecord, dir: &Path) -> String {
    let how = match (record.run.finished_at.is_some(), record.run.stop_reason) {
        (false, _) => "it was stopped before it could save its end (killed? no finished_at)",
        (true, Some(StopReason::Failed)) => "it stopped when the workload failed",
        (true, _) => "it was interrupted",
    };
    let per_count: Vec<String> = record
        .points
        .iter()
        .map(|p| format!("{}: {}", crate::words::workers(p.workers), p.samples.len()))
        .collect();
    let samples: usize = record.points.iter().map(|p| p.samples.len()).sum();
    let min = record
        .points
        .iter()
        .map(|p| p.samples.len())
        .min()
        .unwrap_or(0);
    let rounds = record
        .run
        .sweep_state
        .as_ref()
        .map_or(min as u32, |s| s.rounds_done.max(min as u32));
    format!(
        "resuming {}: {how}; {rounds} of {} measured rounds done, {samples} samples kept ({}); seed {}",
        dir.display(),
        record.config.repetitions,
        per_count.join(", "),
        record.config.seed
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_the_end_rounds_and_samples() {
        let mut r = crate::testdata::RecordSpec::default().record(vec![]);
        r.config.repetitions = 4;
        r.config.seed = 9;
        r.points = vec![
            crate::model::Point::unmeasured(1),
            crate::model::Point::unmeasured(2),
        ];
        r.points[0].samples = vec![Default::default(); 2];
        r.points[1].samples = vec![Default::default(); 1];
        let text = found(&r, Path::new("d"));
        assert!(
            text.starts_with("resuming d: it was stopped before"),
            "{text}"
        );
        assert!(
            text.contains(
                "1 of 4 measured rounds done, 3 samples kept (1 worker: 2, 2 workers: 1); seed 9"
            ),
            "{text}"
        );
        r.run.finished_at = Some("x".into());
        r.run.stop_reason = Some(StopReason::Interrupted);
        assert!(found(&r, Path::new("d")).contains("it was interrupted"));
    }
}

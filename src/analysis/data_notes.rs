//! Warnings about what the data itself holds, so nothing is used silently: imports sampled
//! down to a bounded size, tasks that failed under `--keep-going`, and worker counts listed
//! with no samples (not measured, or emptied by hand).

use super::warning::Warning;
use crate::model::RunRecord;

/// Every such warning of `record`.
pub fn collect(record: &RunRecord) -> Vec<Warning> {
    let mut out = Vec::new();
    out.extend(aggregated(record));
    out.extend(failed_tasks(record));
    out.extend(empty_points(record));
    out
}

/// Adds to a saved record's analysis the warnings of this module it lacks (a hand-edited file,
/// or one written before they existed), so `report` shows them too.
pub fn add_missing(record: &mut RunRecord) {
    let notes = collect(record);
    if let Some(a) = record.analysis.as_mut() {
        for n in notes.iter().map(Warning::to_string) {
            if !a.warnings.contains(&n) {
                a.warnings.push(n);
            }
        }
    }
}

/// Imports whose rows were sampled (see `import::aggregate`).
fn aggregated(record: &RunRecord) -> Option<Warning> {
    let s = record.config.sampled()?;
    Some(Warning::Aggregated {
        rows: s.rows,
        kept: s.kept_per_worker_count,
    })
}

/// Tasks recorded as failed (`--keep-going`): their batches' throughput counts tasks that did
/// not do their work.
fn failed_tasks(record: &RunRecord) -> Option<Warning> {
    let tasks = record.config.tasks;
    let mut failed = 0u64;
    let mut run = 0u64;
    let mut workers = Vec::new();
    for p in &record.points {
        let f: u64 = p
            .samples
            .iter()
            .filter_map(|s| s.failed_tasks)
            .fold(0, u64::saturating_add);
        failed = failed.saturating_add(f);
        run = run.saturating_add(tasks.saturating_mul(p.samples.len() as u64));
        if f > 0 {
            workers.push(p.workers);
        }
    }
    (failed > 0).then_some(Warning::FailedTasks {
        failed,
        run,
        workers,
    })
}

/// Worker counts in the record with no samples.
fn empty_points(record: &RunRecord) -> Option<Warning> {
    if record.run.interrupted {
        return None; // the interruption's own warning says counts are missing
    }
    let workers: Vec<usize> = record
        .points
        .iter()
        .filter(|p| p.samples.is_empty())
        .map(|p| p.workers)
        .collect();
    (!workers.is_empty()).then_some(Warning::EmptyPoints { workers })
}

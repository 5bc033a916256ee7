//! Warnings about what the data itself holds, so nothing is used silently: imports sampled
//! down to a bounded size, tasks that failed under `--keep-going`, and worker counts listed
//! with no samples (not measured, or emptied by hand).

use super::warning::Warning;
use crate::model::{RunRecord, Sample};

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
        let f = total(&p.samples, |s| s.failed_tasks);
        failed = failed.saturating_add(f);
        let own = p.tasks_or(tasks);
        run = run.saturating_add(own.saturating_mul(p.samples.len() as u64));
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

/// The sum of a count some samples record (`failed_tasks`, `leftover_processes`) over
/// `samples`, saturating; samples without it count 0.
pub fn total<'a>(
    samples: impl IntoIterator<Item = &'a Sample>,
    count: impl Fn(&Sample) -> Option<u64>,
) -> u64 {
    samples
        .into_iter()
        .filter_map(count)
        .fold(0, u64::saturating_add)
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_total_counts_only_the_samples_that_record_it_and_saturates() {
        let mut r = crate::testdata::record_from_medians(&[1, 2], &[2.0, 1.0], 8, 2);
        let all =
            |r: &RunRecord| total(r.points.iter().flat_map(|p| &p.samples), |s| s.failed_tasks);
        assert_eq!(all(&r), 0);
        assert!(failed_tasks(&r).is_none());
        r.points[0].samples[0].failed_tasks = Some(3);
        r.points[1].samples[0].failed_tasks = Some(4);
        assert_eq!(all(&r), 7);
        r.points[1].samples[0].failed_tasks = Some(u64::MAX);
        assert_eq!(all(&r), u64::MAX);
        let w = failed_tasks(&r).unwrap();
        assert!(matches!(
            w,
            Warning::FailedTasks {
                failed: u64::MAX,
                ..
            }
        ));
    }
}

//! Warnings about what the data itself holds, so nothing is used silently: imports sampled
//! down to a bounded size, tasks that failed under `--keep-going`, and worker counts listed
//! with no samples (not measured, or emptied by hand).

use crate::model::RunRecord;

/// Every such warning of `record`.
pub fn collect(record: &RunRecord) -> Vec<String> {
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
        for n in notes {
            if !a.warnings.contains(&n) {
                a.warnings.push(n);
            }
        }
    }
}

/// Imports whose rows were sampled (see `import::aggregate`).
fn aggregated(record: &RunRecord) -> Option<String> {
    let files = record.config.workload.get("aggregated")?.as_array()?;
    let rows: u64 = files
        .iter()
        .filter_map(|f| f.get("rows").and_then(|r| r.as_u64()))
        .sum();
    let keep = files
        .iter()
        .find_map(|f| f.get("kept_per_worker_count").and_then(|k| k.as_u64()))?;
    Some(format!(
        "The import held {rows} rows: each worker count kept a random sample of at most {keep} \
of them, so the medians and intervals come from that sample; the exact count, mean, minimum and \
maximum of every row are in results.json under config.workload.aggregated."
    ))
}

/// Tasks recorded as failed (`--keep-going`): their batches' throughput counts tasks that did
/// not do their work.
fn failed_tasks(record: &RunRecord) -> Option<String> {
    let tasks = record.config.tasks;
    let mut failed = 0u64;
    let mut run = 0u64;
    let mut counts = Vec::new();
    for p in &record.points {
        let f: u64 = p
            .samples
            .iter()
            .filter_map(|s| s.failed_tasks)
            .fold(0, u64::saturating_add);
        failed = failed.saturating_add(f);
        run = run.saturating_add(tasks.saturating_mul(p.samples.len() as u64));
        if f > 0 {
            counts.push(p.workers.to_string());
        }
    }
    (failed > 0).then(|| {
        format!(
            "{failed} of {run} tasks failed (--keep-going) at {} workers: their throughput counts \
failed tasks as done, so it overstates the work done there; see failed_tasks in results.json.",
            super::warnings::list(&counts)
        )
    })
}

/// Worker counts in the record with no samples.
fn empty_points(record: &RunRecord) -> Option<String> {
    if record.run.interrupted {
        return None; // the interruption's own warning says counts are missing
    }
    let empty: Vec<String> = record
        .points
        .iter()
        .filter(|p| p.samples.is_empty())
        .map(|p| p.workers.to_string())
        .collect();
    (!empty.is_empty()).then(|| {
        format!(
            "No samples at {} workers: {} left out of the analysis and the charts.",
            super::warnings::list(&empty),
            if empty.len() == 1 {
                "it is"
            } else {
                "they are"
            }
        )
    })
}

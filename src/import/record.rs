//! Pools imported files into one `RunRecord`: samples of the same worker count from any file
//! add up. A single results.json is kept as it is (re-analysis). Without a recorded machine the
//! analysing machine stands in, and the record says so (`machine_recorded: false` in its
//! workload), as it says when the task count or the tasks/s unit is unknown.

use super::{Format, Imported, Unit};
use crate::error::usage;
use crate::model::{
    ConfigRecord, MachineInfo, Point, RunInfo, RunRecord, SCHEMA_VERSION, ToolInfo,
};
use std::collections::BTreeMap;

/// Seed of the bootstrap CIs of imported data: fixed, so re-analysis is repeatable.
pub const IMPORT_SEED: u64 = 1;

/// Where and how the import happens.
#[derive(Debug, Clone)]
pub struct ImportContext {
    /// `--label`, when given.
    pub label: Option<String>,
    /// The `plateau analyze` command line.
    pub command_line: Vec<String>,
    /// RFC 3339 time of the analysis.
    pub now: String,
}

/// The record of `files` (at least one). `machine` is called only when no file recorded one.
pub fn to_record(
    mut files: Vec<Imported>,
    ctx: &ImportContext,
    machine: impl FnOnce() -> MachineInfo,
) -> anyhow::Result<RunRecord> {
    let Some(first) = files.first() else {
        return Err(usage("give at least one FILE to analyse"));
    };
    if let Some(other) = files.iter().find(|f| f.unit != first.unit) {
        let (a, b) = if first.unit == Unit::RunsPerSec {
            (first, other)
        } else {
            (other, first)
        };
        return Err(usage(format!(
            "{} gives seconds per run without a task count, so it cannot be pooled with {} (tasks/s); give --tasks N",
            a.source.display(),
            b.source.display()
        )));
    }
    if files.len() == 1 && first.format == Format::Results {
        let mut record = files
            .remove(0)
            .record
            .expect("results.json keeps its record");
        if let Some(l) = &ctx.label {
            record.run.label = l.clone();
        }
        record.analysis = None;
        return Ok(record);
    }
    let unit = first.unit;
    let tasks = files.iter().find_map(|f| f.tasks).unwrap_or(1);
    let tasks_known = files.iter().all(|f| f.tasks == Some(tasks));
    let mut by_workers: BTreeMap<usize, Point> = BTreeMap::new();
    for f in &files {
        for m in &f.rows {
            let mut sample = m.sample.clone();
            if f.tasks != Some(tasks) {
                // Another batch size: the same throughput, as the time of the pooled batch.
                sample.wall_s = tasks as f64 / m.tasks_per_sec;
            }
            by_workers
                .entry(m.workers)
                .or_insert_with(|| Point::unmeasured(m.workers))
                .samples
                .push(sample);
        }
    }
    let recorded = files.iter().find_map(|f| f.record.as_ref());
    let machine_recorded = recorded
        .map(|r| crate::analysis::Provenance::of(r).machine_recorded)
        .unwrap_or(false);
    let machine = match recorded {
        Some(r) => r.machine.clone(),
        None => machine(),
    };
    let sources: Vec<String> = files
        .iter()
        .map(|f| f.source.display().to_string())
        .collect();
    let mut formats: Vec<&str> = files.iter().map(|f| f.format.as_str()).collect();
    formats.dedup();
    let label = ctx.label.clone().unwrap_or_else(|| {
        files
            .iter()
            .map(|f| {
                f.source
                    .file_stem()
                    .map(|s| s.to_string_lossy().into_owned())
                    .unwrap_or_default()
            })
            .collect::<Vec<_>>()
            .join("+")
    });
    let points: Vec<Point> = by_workers.into_values().collect();
    Ok(RunRecord {
        schema_version: SCHEMA_VERSION,
        tool: ToolInfo::current(),
        run: RunInfo {
            label,
            started_at: ctx.now.clone(),
            finished_at: Some(ctx.now.clone()),
            interrupted: false,
            price_per_hour: None,
            command_line: ctx.command_line.clone(),
            stop_reason: None,
            resumed_at: vec![],
            allow_concurrent: false,
            sweep_state: None,
        },
        machine,
        config: ConfigRecord {
            workload: serde_json::json!({
                "name": "imported",
                "formats": formats,
                "sources": sources,
                "unit": unit.as_str(),
                "tasks_known": tasks_known,
                "machine_recorded": machine_recorded,
            }),
            mode: "imported".into(),
            tasks,
            workers: points.iter().map(|p| p.workers).collect(),
            repetitions: points
                .iter()
                .map(|p| p.samples.len() as u32)
                .min()
                .unwrap_or(0),
            warmup: 0,
            schedule: "unknown".into(),
            pin: false,
            seed: IMPORT_SEED,
            adaptive: None,
        },
        points,
        analysis: None,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::import::csv::from_text;
    use std::num::NonZeroU64;
    use std::path::Path;

    fn ctx() -> ImportContext {
        ImportContext {
            label: None,
            command_line: vec!["plateau".into(), "analyze".into()],
            now: "2026-01-01T00:00:00Z".into(),
        }
    }

    fn csv(name: &str, text: &str, tasks: Option<u64>) -> Imported {
        from_text(text, Path::new(name), tasks.and_then(NonZeroU64::new)).unwrap()
    }

    #[test]
    fn files_pool_by_worker_count() {
        let a = csv("a.csv", "workers,seconds\n1,4\n2,2\n", Some(8));
        let b = csv("b.csv", "workers,seconds\n2,2.2\n4,1.1\n", Some(8));
        let r = to_record(vec![a, b], &ctx(), || crate::testdata::machine(4)).unwrap();
        assert_eq!(r.config.workers, vec![1, 2, 4]);
        assert_eq!(r.points[1].samples.len(), 2);
        assert_eq!(r.config.tasks, 8);
        assert_eq!(r.run.label, "a+b");
        assert_eq!(r.config.workload["tasks_known"], true);
        assert_eq!(r.config.workload["machine_recorded"], false);
        assert_eq!(r.config.workload["unit"], "tasks/s");
    }

    #[test]
    fn batch_sizes_are_reconciled_through_throughput() {
        let a = csv("a.csv", "workers,seconds\n1,4\n", Some(8));
        let b = csv("b.csv", "workers,throughput\n1,2.5\n", None);
        let r = to_record(vec![a, b], &ctx(), || crate::testdata::machine(4)).unwrap();
        assert_eq!(r.config.tasks, 8);
        assert_eq!(r.points[0].samples[0].wall_s, 4.0);
        assert!((r.points[0].samples[1].wall_s - 3.2).abs() < 1e-12);
        assert_eq!(r.config.workload["tasks_known"], false);
    }

    #[test]
    fn runs_per_second_do_not_pool_with_tasks_per_second() {
        let a = csv("a.csv", "workers,seconds\n1,4\n", None);
        let b = csv("b.csv", "workers,throughput\n1,2.5\n", None);
        let e = to_record(vec![b, a], &ctx(), || crate::testdata::machine(4))
            .unwrap_err()
            .to_string();
        assert!(e.starts_with("a.csv") && e.contains("--tasks"), "{e}");
    }
}

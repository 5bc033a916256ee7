//! Pools imported files into one `RunRecord`: samples of the same worker count from any file
//! add up. A single results.json is kept as it is (re-analysis). Without a recorded machine the
//! analysing machine stands in, and the record says so (`machine_recorded: false` in its
//! workload), as it says when the task count or the tasks/s unit is unknown.

use super::{Format, Imported, Unit};
use crate::error::usage;
use crate::model::{
    ConfigRecord, ImportFormat, ImportedFrom, MachineInfo, Point, RunInfo, RunMode, RunRecord,
    RunSchedule, SCHEMA_VERSION, ToolInfo,
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
    check_units(&files)?;
    if files.len() == 1 && first.format == Format::Results {
        return Ok(kept_whole(files.remove(0), ctx));
    }
    let tasks = files.iter().find_map(|f| f.tasks).unwrap_or(1);
    let points = pooled(&files, tasks);
    let recorded = files.iter().find_map(|f| f.record.as_ref());
    let machine_recorded = recorded.is_some_and(|r| r.config.origin().machine_recorded());
    let machine = match recorded {
        Some(r) => r.machine.clone(),
        None => machine(),
    };
    let workload = imported_from(&files, tasks, machine_recorded).to_workload(aggregated(&files));
    Ok(RunRecord {
        schema_version: SCHEMA_VERSION,
        tool: ToolInfo::current(),
        run: run_info(label(&files, ctx), ctx),
        machine,
        config: config_record(workload, tasks, &points),
        points,
        analysis: None,
    })
}

/// Refuses to pool seconds per run (no task count) with tasks per second.
fn check_units(files: &[Imported]) -> anyhow::Result<()> {
    let Some(first) = files.first() else {
        return Ok(());
    };
    let Some(other) = files.iter().find(|f| f.unit != first.unit) else {
        return Ok(());
    };
    let (a, b) = if first.unit == Unit::RunsPerSec {
        (first, other)
    } else {
        (other, first)
    };
    Err(usage(format!(
        "{} gives seconds per run without a task count, so it cannot be pooled with {} (tasks/s); give --tasks N",
        a.source.display(),
        b.source.display()
    )))
}

/// A single results.json, kept as it is for re-analysis (with `--label`, when given).
fn kept_whole(file: Imported, ctx: &ImportContext) -> RunRecord {
    let mut record = file.record.expect("results.json keeps its record");
    if let Some(l) = &ctx.label {
        record.run.label = l.clone();
    }
    record.analysis = None;
    record
}

/// The files' samples pooled by worker count, ascending. A file of another batch size adds
/// the same throughput, as the time of a batch of `tasks`.
fn pooled(files: &[Imported], tasks: u64) -> Vec<Point> {
    let mut by_workers: BTreeMap<usize, Point> = BTreeMap::new();
    for f in files {
        for m in &f.rows {
            let mut sample = m.sample.clone();
            if f.tasks != Some(tasks) {
                sample.wall_s = tasks as f64 / m.tasks_per_sec;
            }
            by_workers
                .entry(m.workers)
                .or_insert_with(|| Point::unmeasured(m.workers))
                .samples
                .push(sample);
        }
    }
    by_workers.into_values().collect()
}

/// What the import records about its files (`config.workload`).
fn imported_from(files: &[Imported], tasks: u64, machine_recorded: bool) -> ImportedFrom {
    let mut formats: Vec<ImportFormat> = files.iter().map(|f| f.format.recorded()).collect();
    formats.dedup();
    ImportedFrom {
        formats,
        sources: files
            .iter()
            .map(|f| f.source.display().to_string())
            .collect(),
        unit: files
            .first()
            .map_or(Unit::TasksPerSec, |f| f.unit)
            .recorded(),
        tasks_known: files.iter().all(|f| f.tasks == Some(tasks)),
        wall_times: files.iter().all(|f| f.timed),
        machine_recorded,
    }
}

/// Which files were too large to keep whole, with their exact figures per worker count.
fn aggregated(files: &[Imported]) -> Vec<serde_json::Value> {
    files
        .iter()
        .filter_map(|f| {
            let a = f.aggregated.as_ref()?;
            let mut v = serde_json::to_value(a).ok()?;
            v["source"] = f.source.display().to_string().into();
            Some(v)
        })
        .collect()
}

/// `--label`, or the files' stems joined by "+".
fn label(files: &[Imported], ctx: &ImportContext) -> String {
    ctx.label.clone().unwrap_or_else(|| {
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
    })
}

/// The run of an import: finished when it was analysed, never interrupted.
fn run_info(label: String, ctx: &ImportContext) -> RunInfo {
    RunInfo {
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
    }
}

/// The settings of an import: what the files say of the plan, nothing of how it ran.
fn config_record(workload: serde_json::Value, tasks: u64, points: &[Point]) -> ConfigRecord {
    ConfigRecord {
        workload,
        mode: RunMode::Imported,
        tasks,
        workers: points.iter().map(|p| p.workers).collect(),
        repetitions: points
            .iter()
            .map(|p| p.samples.len() as u32)
            .min()
            .unwrap_or(0),
        warmup: 0,
        schedule: RunSchedule::Unknown,
        pin: false,
        seed: IMPORT_SEED,
        adaptive: None,
        tasks_choice: None,
    }
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

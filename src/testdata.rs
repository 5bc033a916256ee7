//! Run records for tests and benches, built in this one place: a pretend machine, points from
//! wall times, and `RecordSpec` for the rest, so a schema addition touches only this file.
//! Public (hidden from the docs) so integration tests and benches use it too; it needs no
//! dev-dependencies.

use crate::analysis::Obs;
use crate::model::{
    Analysis, BindingLimit, ConfigRecord, MachineInfo, Peak, Plateau, Point, RunInfo, RunMode,
    RunRecord, RunSchedule, SCHEMA_VERSION, Sample, ToolInfo,
};
use crate::summary::summarize_points;
use crate::sweep::SweepSpec;

/// The start time every built record gives (a fixed time keeps outputs repeatable).
pub const STARTED_AT: &str = "2026-01-01T00:00:00Z";

/// A machine with `cores` physical cores = logical CPUs = effective CPUs, idle at the start.
pub fn machine(cores: usize) -> MachineInfo {
    MachineInfo {
        hostname: "box".into(),
        os: "Linux".into(),
        kernel: "6".into(),
        arch: "x86_64".into(),
        cpu_brand: "Test CPU".into(),
        cpu_mhz: 0,
        logical_cpus: cores,
        physical_cores: cores,
        threads_per_core: 1,
        affinity_cpus: cores,
        cgroup_cpu_quota: None,
        effective_cpus: cores,
        binding_limit: BindingLimit::LogicalCpus,
        memory_total_bytes: 0,
        load_average_1m: 0.0,
        last_level_cache_bytes: None,
        cpu_governor: None,
        allowed_cpu_ids: (0..cores).collect(),
        busy_cpus_at_start: None,
        memory_limit_bytes: None,
        memory_limit_binding: None,
        host_limits: None,
        emulated: None,
    }
}

/// A point with one sample per wall time (nothing else measured), not yet summarized.
pub fn point(workers: usize, walls: &[f64]) -> Point {
    Point {
        samples: walls
            .iter()
            .map(|&wall_s| Sample {
                wall_s,
                ..Sample::default()
            })
            .collect(),
        ..Point::unmeasured(workers)
    }
}

/// The settings of a built record; everything else is fixed (threads mode, dynamic schedule,
/// no pinning, started at `STARTED_AT`, unfinished). Override fields with
/// `RecordSpec { tasks: 16, ..RecordSpec::default() }`, or set the record's fields afterwards.
#[derive(Debug, Clone)]
pub struct RecordSpec {
    /// `run.label`.
    pub label: String,
    /// The machine; `machine(2)` unless given.
    pub machine: MachineInfo,
    /// `config.workload`; `{"name": "cpu"}` unless given.
    pub workload: serde_json::Value,
    /// Tasks per batch.
    pub tasks: u64,
    /// `config.repetitions`.
    pub repetitions: u32,
    /// `config.warmup`.
    pub warmup: u32,
    /// `config.seed`, also the seed of the bootstrap in `summarized`.
    pub seed: u64,
}

impl Default for RecordSpec {
    fn default() -> Self {
        Self {
            label: "test".into(),
            machine: machine(2),
            workload: serde_json::json!({"name": "cpu"}),
            tasks: 1,
            repetitions: 1,
            warmup: 0,
            seed: 1,
        }
    }
}

impl RecordSpec {
    /// The tasks, repetitions, warmup and seed of `sweep`.
    pub fn for_sweep(sweep: &SweepSpec) -> Self {
        Self {
            tasks: sweep.design.tasks.recorded(),
            repetitions: sweep.design.repetitions.get(),
            warmup: sweep.design.warmup,
            seed: sweep.seed,
            ..Self::default()
        }
    }

    /// A record of these points (as given, summaries included); `config.workers` lists them.
    pub fn record(self, points: Vec<Point>) -> RunRecord {
        RunRecord {
            schema_version: SCHEMA_VERSION,
            tool: ToolInfo::current(),
            run: RunInfo {
                label: self.label,
                started_at: STARTED_AT.into(),
                finished_at: None,
                interrupted: false,
                price_per_hour: None,
                command_line: vec![],
                stop_reason: None,
                resumed_at: vec![],
                allow_concurrent: false,
                sweep_state: None,
            },
            machine: self.machine,
            config: ConfigRecord {
                workload: self.workload,
                mode: RunMode::Threads,
                tasks: self.tasks,
                workers: points.iter().map(|p| p.workers).collect(),
                repetitions: self.repetitions,
                warmup: self.warmup,
                schedule: RunSchedule::Dynamic,
                pin: false,
                seed: self.seed,
                adaptive: None,
                tasks_choice: None,
            },
            points,
            analysis: None,
        }
    }

    /// A record of these worker counts with no samples yet, as a sweep starts.
    pub fn unmeasured(self, workers: &[usize]) -> RunRecord {
        self.record(workers.iter().map(|&w| Point::unmeasured(w)).collect())
    }

    /// A record of these wall times per worker count, not summarized.
    pub fn with_samples(self, points: &[(usize, Vec<f64>)]) -> RunRecord {
        self.record(points.iter().map(|(w, walls)| point(*w, walls)).collect())
    }

    /// A record of these points, summarized with the record's task count and seed.
    pub fn summarized(self, points: Vec<Point>) -> RunRecord {
        let mut r = self.record(points);
        summarize_points(&mut r.points, r.config.tasks, r.config.seed);
        r
    }
}

/// The unmeasured record a sweep of `sweep` starts from.
pub fn empty_record(sweep: &SweepSpec) -> RunRecord {
    let workers: Vec<usize> = sweep.workers.iter().map(|w| w.get()).collect();
    RecordSpec::for_sweep(sweep).unmeasured(&workers)
}

/// A summarized record of `tasks` tasks per batch with these samples per worker count, on a
/// machine of `cores` cores.
pub fn record_from_samples(points: &[(usize, Vec<f64>)], tasks: u64, cores: usize) -> RunRecord {
    RecordSpec {
        machine: machine(cores),
        tasks,
        ..RecordSpec::default()
    }
    .summarized(points.iter().map(|(w, walls)| point(*w, walls)).collect())
}

/// One sample per worker count.
pub fn record_from_medians(workers: &[usize], secs: &[f64], tasks: u64, cores: usize) -> RunRecord {
    let pts: Vec<(usize, Vec<f64>)> = workers
        .iter()
        .zip(secs)
        .map(|(&w, &s)| (w, vec![s]))
        .collect();
    record_from_samples(&pts, tasks, cores)
}

/// A record whose throughput at each count is exactly `xs` (tasks = 1, wall = 1/x).
pub fn record_from_throughput(workers: &[usize], xs: &[f64], cores: usize) -> RunRecord {
    let secs: Vec<f64> = xs.iter().map(|x| 1.0 / x).collect();
    record_from_medians(workers, &secs, 1, cores)
}

/// An analysis with only its peak, a plateau of the peak alone (5% tolerance) and a
/// recommendation: no fits, verdict or warnings. Fill more with `..analysis(..)`.
pub fn analysis(peak: Peak, recommended: usize) -> Analysis {
    Analysis {
        plateau: Plateau {
            from_workers: peak.workers,
            to_workers: peak.workers,
            tolerance: 0.05,
        },
        peak,
        recommended_workers: recommended,
        oversubscribed_from: None,
        retrograde_drop: None,
        amdahl: None,
        usl: None,
        karp_flatt: vec![],
        verdict: String::new(),
        warnings: vec![],
        decision: None,
        regions: None,
        memory: None,
        latency: None,
    }
}

/// A single-sample observation whose throughput and speedup are both `x`.
pub fn obs(workers: usize, x: f64) -> Obs {
    Obs {
        workers,
        tasks_per_sec: x,
        ci: crate::stats::Ci::point(x),
        samples: 1,
        cv: 0.0,
        speedup: x,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_spec_reaches_the_record_and_lists_its_points() {
        let r = RecordSpec {
            label: "x".into(),
            tasks: 8,
            seed: 3,
            ..RecordSpec::default()
        }
        .with_samples(&[(1, vec![2.0, 2.2]), (4, vec![0.6])]);
        assert_eq!(r.run.label, "x");
        assert_eq!(r.config.tasks, 8);
        assert_eq!(r.config.seed, 3);
        assert_eq!(r.config.workers, vec![1, 4]);
        assert_eq!(r.points[0].samples.len(), 2);
        assert_eq!(r.points[1].samples[0].wall_s, 0.6);
        assert!(r.points.iter().all(|p| p.summary.is_none()));
    }

    #[test]
    fn summarized_records_have_throughput() {
        let r = record_from_throughput(&[1, 2], &[5.0, 9.0], 4);
        assert_eq!(r.machine.effective_cpus, 4);
        let tps: Vec<f64> = r
            .points
            .iter()
            .map(|p| p.summary.as_ref().unwrap().tasks_per_sec)
            .collect();
        assert!((tps[0] - 5.0).abs() < 1e-9 && (tps[1] - 9.0).abs() < 1e-9);
    }
}

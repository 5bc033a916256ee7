//! Records for the analysis tests: a pretend machine and points built from wall times.

use super::Obs;
use crate::model::{
    ConfigRecord, MachineInfo, Point, RunInfo, RunRecord, SCHEMA_VERSION, Sample, ToolInfo,
};
use crate::summary::summarize_points;

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
        binding_limit: "logical_cpus".into(),
        memory_total_bytes: 0,
        load_average_1m: 0.0,
        last_level_cache_bytes: None,
        cpu_governor: None,
        allowed_cpu_ids: (0..cores).collect(),
        busy_cpus_at_start: None,
    }
}

/// A summarized record of `tasks` tasks per batch with these samples per worker count.
pub fn record_from_samples(points: &[(usize, Vec<f64>)], tasks: u64, cores: usize) -> RunRecord {
    let mut r = RunRecord {
        schema_version: SCHEMA_VERSION,
        tool: ToolInfo::current(),
        run: RunInfo {
            label: "test".into(),
            started_at: "2026-01-01T00:00:00Z".into(),
            finished_at: None,
            interrupted: false,
            price_per_hour: None,
            command_line: vec![],
            stop_reason: None,
            resumed_at: vec![],
        },
        machine: machine(cores),
        config: ConfigRecord {
            workload: serde_json::json!({"name": "cpu"}),
            mode: "threads".into(),
            tasks,
            workers: points.iter().map(|p| p.0).collect(),
            repetitions: 1,
            warmup: 0,
            schedule: "dynamic".into(),
            pin: false,
            seed: 1,
            adaptive: None,
        },
        points: points
            .iter()
            .map(|(w, walls)| Point {
                workers: *w,
                samples: walls
                    .iter()
                    .map(|&wall_s| Sample {
                        wall_s,
                        ..Sample::default()
                    })
                    .collect(),
                summary: None,
            })
            .collect(),
        analysis: None,
    };
    summarize_points(&mut r.points, tasks, 1);
    r
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

/// A single-sample observation whose throughput and speedup are both `x`.
pub fn obs(workers: usize, x: f64) -> Obs {
    Obs {
        workers,
        tasks_per_sec: x,
        ci: [x, x],
        samples: 1,
        cv: 0.0,
        speedup: x,
    }
}

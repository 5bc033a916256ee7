//! What a run's sweep starts from, each built by one function from the validated config and
//! the design it settled: the sweep's `SweepSpec`, results.json's `config` object, and the new
//! run's record.

use crate::cancel::CancelToken;
use crate::clock::UtcTime;
use crate::config::RunConfig;
use crate::config::design::Design;
use crate::model::{
    ConfigRecord, MachineInfo, Point, RunInfo, RunRecord, SCHEMA_VERSION, ToolInfo,
};
use crate::sweep::SweepSpec;
use crate::sweep::interference::Watch;

/// The sweep of `config` under `design`. Workers are pinned to `allowed_cpu_ids` under
/// `--pin`; `capacity` is the CPUs the machine gives (for the physics check of CPU-bound
/// workloads and the interference watch).
pub fn sweep_spec(
    config: &RunConfig,
    design: &Design,
    allowed_cpu_ids: &[usize],
    capacity: f64,
    cancel: &CancelToken,
) -> SweepSpec {
    let cpu_bound = crate::config::batch_time::cpu_bound(&config.execution);
    SweepSpec {
        workers: config.workers.clone(),
        design: design.clone(),
        analysis: config.analysis,
        capacity_cpus: cpu_bound.then_some(capacity),
        seed: config.seed,
        schedule: config.schedule,
        pin_cpus: config.pin_cpus(allowed_cpu_ids),
        cancel: cancel.clone(),
        chunk: config.chunk,
        watch: Some(Watch {
            capacity_cpus: capacity,
            cpu_bound,
        }),
    }
}

/// The `config` object of results.json for a validated config under `design`.
pub fn config_record(config: &RunConfig, design: &Design) -> ConfigRecord {
    let workload = config.execution.build();
    ConfigRecord {
        workload: workload.describe(),
        mode: config.execution.recorded_mode(),
        tasks: design.tasks.recorded(),
        workers: config.worker_counts(),
        repetitions: design.repetitions.get(),
        warmup: design.warmup,
        schedule: config.schedule.recorded(),
        pin: config.pin,
        seed: config.seed,
        adaptive: design.adaptive.map(|a| a.recorded()),
        tasks_choice: design.tasks_choice.clone(),
    }
}

/// The record of a new run of `config` under `design`, started at `started`: one
/// unmeasured point per planned worker count.
pub fn new_record(
    config: &RunConfig,
    design: &Design,
    machine: MachineInfo,
    started: &UtcTime,
) -> RunRecord {
    RunRecord {
        schema_version: SCHEMA_VERSION,
        tool: ToolInfo::current(),
        run: RunInfo {
            label: config.label.clone(),
            started_at: started.rfc3339(),
            finished_at: None,
            interrupted: false,
            price_per_hour: config.price_per_hour,
            command_line: config.command_line.clone(),
            stop_reason: None,
            resumed_at: vec![],
            allow_concurrent: false,
            sweep_state: None,
        },
        machine,
        config: config_record(config, design),
        points: config
            .worker_counts()
            .into_iter()
            .map(|w| Point {
                tasks: design.tasks.point_tasks(w),
                ..Point::unmeasured(w)
            })
            .collect(),
        analysis: None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::path::Path;

    fn config(args: &[&str]) -> RunConfig {
        crate::config::test_config(args, &crate::testdata::machine(2)).unwrap()
    }

    #[test]
    fn the_sweep_and_the_record_follow_the_settled_design() {
        let c = config(&["--workers", "1,2", "--pin", "--seed", "4"]);
        let design = Design {
            tasks: crate::config::design::fixed(77),
            repetitions: std::num::NonZeroU32::new(2).unwrap(),
            ..c.design.clone()
        };
        let spec = sweep_spec(&c, &design, &[5, 6], 2.0, &CancelToken::new());
        assert_eq!(spec.design, design);
        assert_eq!((spec.seed, spec.pin_cpus.clone()), (4, vec![5, 6]));
        // The cpu workload is CPU-bound: the adaptive policy knows the capacity.
        assert_eq!(spec.capacity_cpus, Some(2.0));
        let r = config_record(&c, &design);
        assert_eq!(
            (r.tasks, r.repetitions, r.workers.clone()),
            (77, 2, vec![1, 2])
        );
        assert_eq!(r.seed, 4);
        assert_eq!(serde_json::to_value(&r).unwrap()["mode"], "threads");
    }

    #[test]
    fn a_resumed_config_records_what_the_run_recorded() {
        let c = config(&["--workers", "1,2,4", "--tasks", "24", "-r", "3"]);
        let machine = crate::testdata::machine(2);
        let record = new_record(&c, &c.design, machine.clone(), &UtcTime::now());
        let current = config(&["--resume", "d"]);
        let resumed = RunConfig::resumed(&record, Path::new("d"), &current, &machine).unwrap();
        assert_eq!(config_record(&resumed, &resumed.design), record.config);
        assert_eq!(
            Design {
                sizing: c.design.sizing,
                ..resumed.design.clone()
            },
            c.design
        );
    }
}
